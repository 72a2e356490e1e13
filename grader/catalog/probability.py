"""Probability: valid PMFs and PDFs (worked examples 2.1.4 and 2.1.5), marginal and conditional
distributions of a joint table, moments from samples and from a table, and the Bernoulli, binomial and
Gaussian log-likelihoods of data.

Course notes 1.2.3. Conventions are the notes' (see ``exercises/probability.py``):
a joint table's rows index x and its columns y; a conditional is 0 where the
variable conditioned on has probability 0; sample variances divide by
n - ddof; the Gaussian takes its variance.

Inputs tell the right answer from the mistakes students make. The validity
checks judge ten or more PMFs or PDFs together (a yes/no answer), both
verdicts present: sums that are not exactly 1 in floating point (``[1/6] * 6``)
beside sums off by a clear margin; sums above and below 1; negative entries
in tables that sum to exactly 1 (dyadic values); joint tables whose rows do
not sum to 1 and conditional tables whose rows do; densities above 1, on
grids whose spacing varies. No verdict hangs on rounding: a valid PMF's sum
is within ``size * eps`` of 1 by construction and an invalid one at least
1e-3 (or 4 tol) away; a valid PDF's trapezoidal integral is within tol / 4
of 1 and an invalid one at least 4 tol away, with tol at least 1e-3, where a
float32 student's own rounding (below 1e-5) cannot move it; a negative entry
is at least 1% of the table's largest. Tables are not square where an axis
swapped would otherwise go unseen, and square ones are drawn too; every
conditional check has a row or a column whose marginal is 0. Sample
moments are asked with ddof 0 and 1 on the same data, whose mean is far from
0; Bernoulli's phi and binomial's p are never near 1/2 (where p and 1 - p
coincide); the Gaussian's variance is never near 1 (where it equals its
square root); the binomial's N reaches 200, where N! overflows a float.
Every float input is a float32 number, so a float32 solution starts from
the same numbers.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.probability_mistakes"

PMF_MARGIN = 1e-3
"""an invalid PMF's sum is at least this far from 1 (or 4 tol with a tolerance of 1e-3 or more)"""


def representable(values: Any) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def representable_float(value: float) -> float:
    return float(np.float32(value))


def _shown(value: Any) -> str:
    array = np.asarray(value)
    return f"{np.round(array, 4).tolist()}" if array.size <= 12 else f"an array of shape {array.shape}"


# -- probability.is_valid_pmf --------------------------------------------------------------------


def _described(function: str, args: tuple, reveal: bool) -> str:
    """A random case as a student can recognise it: its shape and tolerance, and in a public check its sum or grid."""
    tol = f", tol={float(args[-1]):g}" if len(args) in (2, 3) else ""
    if function == "is_valid_pmf":
        P = np.asarray(args[0])
        seen = f" summing to {float(P.sum())!r}, smallest entry {P.min():.4g}" if reveal else ""
        return f"is_valid_pmf(an array of shape {P.shape}{seen}{tol})"
    x, p = np.asarray(args[0]), np.asarray(args[1])
    spacing = "evenly spaced" if np.allclose(np.diff(x), x[1] - x[0], rtol=1e-5) else "unevenly spaced"
    seen = f" over [{x[0]:.4g}, {x[-1]:.4g}], {spacing}, density from {p.min():.4g} to {p.max():.4g}" if reveal else ""
    return f"is_valid_pdf(a grid of {len(x)} points{seen}{tol})"


def _judge(t: Trial, function: str, cases: list[tuple], show: bool) -> None:
    """Each case is the call's arguments; one expectation for all of them (a guess gets some verdicts right)."""
    with t.all_or_nothing():
        for args in cases:
            label = f"{function}({', '.join(_shown(a) for a in args)})" if show else _described(function, args, not t.hidden)
            t.expect_close(t.student(*args), t.reference(*args), name=label, returns="bool")


def dyadic_pmf(rng: np.random.Generator, shape: tuple[int, ...], negative: bool = False) -> np.ndarray:
    """Probabilities that are multiples of 1/256 summing to exactly 1; with ``negative``, one entry is negative (sum still 1)."""
    size = int(np.prod(shape))
    cuts = np.sort(rng.choice(np.arange(1, 256), size=size - 1, replace=False))
    counts = np.diff(np.concatenate([[0], cuts, [256]])).astype(float)
    if negative:
        i, j = rng.choice(size, size=2, replace=False)
        moved = counts[i] + float(rng.integers(4, 32))  # at least 4/256 below 0, over 1% of the largest entry
        counts[i] -= moved
        counts[j] += moved
    return (counts / 256.0).reshape(shape)


def random_pmf(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Positive probabilities normalised in float64: their sum is 1 to within a few ulps, rarely exactly."""
    weights = rng.uniform(0.05, 1.0, size=shape)
    return weights / weights.sum()


def pmf_cases(rng: np.random.Generator) -> list[tuple]:
    """Twelve PMFs, six valid and six not, shuffled: each known mistake gives a wrong verdict on one of them at least."""
    cases: list[tuple] = []
    n = int(rng.integers(5, 40))
    cases.append((random_pmf(rng, (n,)),))                                   # valid, default tolerance
    m, k = int(rng.integers(2, 5)), int(rng.integers(3, 7))
    cases.append((random_pmf(rng, (m, k)),))                                 # a valid joint table: its rows do not sum to 1
    conditional = random_pmf(rng, (m, k))
    cases.append((conditional / conditional.sum(axis=1, keepdims=True),))    # rows sum to 1: not a joint PMF
    for _ in range(2):
        tol = float(10.0 ** -int(rng.integers(2, 4)))
        sign = float(rng.choice([-1.0, 1.0]))
        shape = (int(rng.integers(3, 20)),)
        cases.append((random_pmf(rng, shape) * (1 + sign * tol / 4), tol))   # valid: within tol / 4 of 1
        off = float(rng.uniform(4 * tol, 0.1))
        cases.append((random_pmf(rng, shape) * (1 - sign * off), tol))       # invalid: 4 tol or more away, either side
    cases.append((random_pmf(rng, (int(rng.integers(3, 20)),)) * (1 - float(rng.uniform(PMF_MARGIN, 0.1))),))  # below 1
    cases.append((random_pmf(rng, (int(rng.integers(3, 20)),)) * (1 + float(rng.uniform(PMF_MARGIN, 0.1))),))  # above 1
    cases.append((dyadic_pmf(rng, (int(rng.integers(4, 12)),), negative=True),))                           # negative, sums to 1
    cases.append((dyadic_pmf(rng, (int(rng.integers(2, 4)), int(rng.integers(2, 5)))),))                  # valid table, sum exactly 1
    order = rng.permutation(len(cases))
    return [cases[i] for i in order]


def check_is_valid_pmf_worked_example(t: Trial) -> None:
    """'is_valid_pmf' on worked example 2.1.4, uniform PMFs over k states (k = 2, 6, 7, 10; in float32 for k = 7), PMFs with a 0, of ints and as a list, and PMFs that are not valid."""
    cases: list[tuple] = [(np.full(k, 1.0 / k),) for k in (2, 6, 7, 10)]             # 1/6 and 1/7 sum to 1 - 1 ulp
    cases += [(np.full(5, 1.0 / 6),), (np.full(8, 1.0 / 7),)]                          # a state left out; one too many
    cases += [(np.array([0.75, 0.5, -0.25]),)]                                          # sums to 1, one entry negative
    cases += [(np.array([0.5, 0.502]), 0.01), (np.array([0.5, 0.502]),)]                # within tol = 0.01; not within the default
    cases += [(np.full((3, 4), 1.0 / 12),), (np.array([[0.5, 0.5], [0.25, 0.75]]),)]   # a joint table; a conditional one
    cases += [(np.array([0.5, 0.0, 0.25, 0.25]),), (np.array([0, 1, 0]),), ([0.25, 0.25, 0.5],)]  # a 0; ints; a list
    cases += [(np.full(7, 1.0 / 7, dtype=np.float32),)]                                  # float32: float32's eps
    _judge(t, "is_valid_pmf", cases, show=True)


def check_is_valid_pmf_random(t: Trial) -> None:
    """'is_valid_pmf' on twelve random PMFs and tables, with the default tolerance and with tol 0.01 and 0.001: sums just off 1, clearly off, negative entries."""
    _judge(t, "is_valid_pmf", pmf_cases(t.rng), show=False)


def check_is_valid_pmf_hidden(t: Trial) -> None:
    """'is_valid_pmf' on twelve new PMFs and tables, valid and not."""
    _judge(t, "is_valid_pmf", pmf_cases(t.rng), show=False)


IS_VALID_PMF = Exercise(
    id="probability.is_valid_pmf",
    title="Is it a PMF? Nonnegative entries that sum to 1 within a tolerance (worked example 2.1.4)",
    notes="1.2.3.1 (properties of a PMF); 2.1.4",
    student=StudentFunction("probability", "is_valid_pmf"),
    reference="reference.probability:is_valid_pmf",
    torch_reference="reference.probability_torch:is_valid_pmf",
    checks=(
        Check(check_is_valid_pmf_worked_example, points=1),
        Check(check_is_valid_pmf_random, points=2),
        Check(check_is_valid_pmf_hidden, points=2, hidden=True),
    ),
    input_classes=("integer dtype: P", "list input: P", "float32 input: P", "on the boundary: P"),
    mistakes=(
        Mistake(
            "non-negativity not tested",
            "summing to 1 is not enough: every probability must be >= 0 too. [0.75, 0.5, -0.25] sums to 1 and is "
            "not a PMF.",
            f"{MISTAKES}:is_valid_pmf_no_nonnegativity",
        ),
        Mistake(
            "sum tested with == 1",
            "a floating-point sum of probabilities is rarely exactly 1 (sum([1/6] * 6) is 0.9999999999999999): "
            "accept a sum whose distance to 1 is at most tol, the one given or the default.",
            f"{MISTAKES}:is_valid_pmf_exact_sum",
        ),
        Mistake(
            "tolerance on one side only",
            "a sum below 1 is as wrong as one above: compare the DISTANCE |sum - 1| with tol, not sum - 1.",
            f"{MISTAKES}:is_valid_pmf_one_sided",
        ),
        Mistake(
            "each row summed to 1",
            "a joint table P(x, y) sums to 1 over ALL its entries; rows summing to 1 make a conditional table "
            "P(y | x), not a PMF. Sum the whole array.",
            f"{MISTAKES}:is_valid_pmf_rows_sum_to_one",
        ),
    ),
)


# -- probability.is_valid_pdf --------------------------------------------------------------------


def trapezoid(x: np.ndarray, p: np.ndarray) -> float:
    return float((np.diff(x) * (p[1:] + p[:-1]) / 2).sum())


def density_grid(rng: np.random.Generator, uniform: bool, width: float) -> np.ndarray:
    """A grid of 20 to 60 points over [-3, 3] scaled by ``width``, evenly spaced or not (the ends included)."""
    n = int(rng.integers(20, 60))
    if uniform:
        return np.linspace(-3.0, 3.0, n) * width
    inner = np.sort(rng.uniform(-3.0, 3.0, size=n - 2))
    return np.concatenate([[-3.0], inner, [3.0]]) * width


def smooth_density(rng: np.random.Generator, x: np.ndarray, negative: bool = False) -> np.ndarray:
    """A mixture of two bumps on the grid, normalised by the trapezoidal rule; with ``negative``, a narrow dip below 0."""
    scale = (x[-1] - x[0]) / 6
    centres = rng.uniform(-1.5, 1.5, size=2) * scale
    widths = rng.uniform(0.4, 1.0, size=2) * scale
    p = sum(np.exp(-0.5 * ((x - c) / w) ** 2) for c, w in zip(centres, widths))
    if negative:
        i = int(rng.integers(len(x) // 4, 3 * len(x) // 4))
        p[i] = -float(rng.uniform(0.05, 0.5)) * p.max()  # a dip of 5% to 50% of the largest value
    return p / trapezoid(x, p)


def pdf_case(rng: np.random.Generator, kind: str, tol: float, uniform: bool, width: float) -> tuple:
    """One density on a grid: ``kind`` is "valid", "off" (integral 4 tol or more from 1) or "negative" (integral 1)."""
    x = density_grid(rng, uniform, width)
    p = smooth_density(rng, x, negative=kind == "negative")
    sign = float(rng.choice([-1.0, 1.0]))
    if kind == "valid":
        p = p * (1 + sign * float(rng.uniform(0.0, tol / 4)))
    elif kind == "off":
        p = p * (1 + sign * float(rng.uniform(4 * tol, 0.2)))
    return representable(x), representable(p), tol


def pdf_cases(rng: np.random.Generator) -> list[tuple]:
    """Twelve densities, six valid and six not, with tol 0.01 and 0.001.

    The six valid ones take every pairing of an even or uneven grid with a width of 0.1 (a density near 10,
    above 1), 1 or 3.
    """
    kinds = ["valid"] * 6 + ["off"] * 4 + ["negative"] * 2
    cases = [pdf_case(rng, kind, float(rng.choice([1e-2, 1e-3])), uniform=i % 2 == 0, width=(0.1, 1.0, 3.0)[i % 3])
             for i, kind in enumerate(kinds)]
    order = rng.permutation(len(cases))
    return [cases[i] for i in order]


def check_is_valid_pdf_worked_example(t: Trial) -> None:
    """'is_valid_pdf' on worked example 2.1.5, uniform densities u(x; a, b) = 1/(b - a) (some above 1, some with jumps), and densities that are not valid; tol 0.001."""
    tol = 1e-3
    cases = [
        (np.linspace(1.0, 3.0, 5), np.full(5, 0.5), tol),                                  # U(1, 3) on [1, 3]
        (np.array([0.0, 0.25]), np.array([4.0, 4.0]), tol),                                 # U(0, 0.25): a density of 4
        (np.array([2.0, 2.125, 2.5]), np.full(3, 2.0), tol),                                # U(2, 2.5), uneven grid
        (np.array([0, 1, 1, 3, 3, 4]), np.array([0.0, 0, 0.5, 0.5, 0, 0]), tol),            # U(1, 3) with its jumps, an int grid
        (np.array([0.0, 0.125, 0.5, 1.0]), np.full(4, 1.0), tol),                           # U(0, 1), uneven grid
        (np.linspace(0.0, 1.0, 5), np.full(5, 1.0002), tol),                                # integral 1.0002: within tol
        (np.linspace(1.0, 3.0, 5), np.full(5, 1.0 / 3), tol),                               # 1/b, not 1/(b - a)
        (np.array([0.0, 1, 2]), np.array([1.5, -0.5, 1.5]), tol),                            # integral 1, negative at 1
        (np.linspace(0.0, 1.5, 4), np.full(4, 0.25), tol),                                  # values sum to 1, integral 0.375
        (np.array([0.0, 0.5, 2.0]), np.array([0.5, 0.5, 0.5]), tol),                         # integral 1; 0.5 with even spacing assumed
        (np.array([-1.0, -0.5, 0.0, 0.5]), np.full(4, 1.0), tol),                           # integral 1.5
    ]
    _judge(t, "is_valid_pdf", cases, show=True)


def check_is_valid_pdf_random(t: Trial) -> None:
    """'is_valid_pdf' on twelve smooth densities on even and uneven grids, tol 0.01 and 0.001: integrals just off 1, clearly off, negative dips."""
    _judge(t, "is_valid_pdf", pdf_cases(t.rng), show=False)


def check_is_valid_pdf_hidden(t: Trial) -> None:
    """'is_valid_pdf' on twelve new densities, valid and not."""
    _judge(t, "is_valid_pdf", pdf_cases(t.rng), show=False)


IS_VALID_PDF = Exercise(
    id="probability.is_valid_pdf",
    title="Is it a PDF? A nonnegative density whose trapezoidal integral is 1 within a tolerance (worked example 2.1.5)",
    notes="1.2.3.1 (properties of a PDF); 2.1.5",
    student=StudentFunction("probability", "is_valid_pdf"),
    reference="reference.probability:is_valid_pdf",
    torch_reference="reference.probability_torch:is_valid_pdf",
    checks=(
        Check(check_is_valid_pdf_worked_example, points=1),
        Check(check_is_valid_pdf_random, points=2),
        Check(check_is_valid_pdf_hidden, points=2, hidden=True),
    ),
    input_classes=("integer dtype: x", "on the boundary: p"),
    mistakes=(
        Mistake(
            "non-negativity not tested",
            "integrating to 1 is not enough: a density must be >= 0 at every grid point too.",
            f"{MISTAKES}:is_valid_pdf_no_nonnegativity",
        ),
        Mistake(
            "density required to be at most 1",
            "a density is not a probability: p(x) <= 1 is not required (the uniform density on [0, 0.25] is 4). "
            "Test p >= 0 and the integral only.",
            f"{MISTAKES}:is_valid_pdf_density_at_most_one",
        ),
        Mistake(
            "values summed like a PMF",
            "a density integrates to 1, its values do not sum to 1: weight each interval by its width, "
            "(x[i+1] - x[i]) (p[i] + p[i+1]) / 2.",
            f"{MISTAKES}:is_valid_pdf_summed_like_a_pmf",
        ),
        Mistake(
            "grid taken as evenly spaced",
            "the grid's spacing varies: each interval has its own width x[i+1] - x[i] (np.diff(x)), not x[1] - x[0].",
            f"{MISTAKES}:is_valid_pdf_uniform_spacing",
        ),
        Mistake(
            "integral tested with == 1",
            "a numerical integral of a valid density is rarely exactly 1: accept a distance to 1 of at most tol.",
            f"{MISTAKES}:is_valid_pdf_exact_integral",
        ),
    ),
)


# -- probability.marginals ------------------------------------------------------------------------


def joint_table(rng: np.random.Generator, m: int, k: int, zero_row: bool = False, zero_column: bool = False) -> np.ndarray:
    """A random joint PMF of shape (m, k), float32 numbers; optionally with a row and a column of zeros."""
    P = rng.uniform(0.05, 1.0, size=(m, k)) * (rng.random(size=(m, k)) < 0.85)
    P[0, 0] = 0.5  # never an all-zero table
    if zero_row:
        P[int(rng.integers(1, m)), :] = 0.0
    if zero_column:
        P[:, int(rng.integers(1, k))] = 0.0
    return representable(P / P.sum())


def _tuples(t: Trial, function: str, cases: list[tuple], show: bool = False) -> None:
    for args in cases:
        label = f"{function}({', '.join(_shown(a) if not isinstance(a, str) else repr(a) for a in args)})" if show else \
            f"{function}(a table of shape {np.shape(args[-1] if function == 'table_moments' else args[0])}" + \
            "".join(f", {a!r}" for a in args[1:] if isinstance(a, (str, int))) + ")"
        t.expect_close(t.student(*args), t.reference(*args), name=label)


def check_marginals_worked_example(t: Trial) -> None:
    """'marginals' of the docstring's 2x3 table (P_x = [0.6, 0.4], P_y = [0.1, 0.35, 0.55]) and of a 3x3 table."""
    _tuples(t, "marginals", [(np.array([[0.1, 0.2, 0.3], [0.0, 0.15, 0.25]]),),
                             (np.array([[0.125, 0.25, 0.0], [0.0625, 0.0, 0.1875], [0.25, 0.0625, 0.0625]]),)], show=True)


def check_marginals_random(t: Trial) -> None:
    """'marginals' of random joint tables of shapes 3x5, 4x2 and 4x4."""
    _tuples(t, "marginals", [(joint_table(t.rng, m, k),) for m, k in ((3, 5), (4, 2), (4, 4))])


def check_marginals_hidden(t: Trial) -> None:
    """'marginals' of new joint tables, square and not."""
    m = int(t.rng.integers(2, 6))
    _tuples(t, "marginals", [(joint_table(t.rng, m, m + int(t.rng.integers(1, 4))),), (joint_table(t.rng, m, m),)])


MARGINALS = Exercise(
    id="probability.marginals",
    title="The marginal distributions P(x) and P(y) of a joint table",
    notes="1.2.3.1 (marginal probability)",
    student=StudentFunction("probability", "marginals"),
    reference="reference.probability:marginals",
    torch_reference="reference.probability_torch:marginals",
    checks=(
        Check(check_marginals_worked_example, points=1),
        Check(check_marginals_random, points=1),
        Check(check_marginals_hidden, points=2, hidden=True),
    ),
    input_classes=(),
    mistakes=(
        Mistake(
            "marginal over the wrong axis",
            "rows index x and columns index y: P(x_i) sums row i over every y (axis=1), P(y_j) sums column j over "
            "every x (axis=0).",
            f"{MISTAKES}:marginals_axes_swapped",
        ),
        Mistake(
            "mean instead of sum",
            "a marginal SUMS the joint probabilities over the other variable, P(x) = sum_y P(x, y): the mean "
            "divides them by the number of states.",
            f"{MISTAKES}:marginals_mean",
        ),
        Mistake(
            "one slice of the table",
            "P(x) is not P(x, y_1): it adds up P(x, y) over every value of y, the whole row.",
            f"{MISTAKES}:marginals_slice",
        ),
    ),
)


# -- probability.conditional ----------------------------------------------------------------------


def check_conditional_worked_example(t: Trial) -> None:
    """'conditional' of the docstring's 3x2 table given x (its third row has P(x) = 0) and given y."""
    P = np.array([[0.1, 0.3], [0.2, 0.4], [0.0, 0.0]])
    _tuples(t, "conditional", [(P, "x"), (P, "y")], show=True)


def check_conditional_random(t: Trial) -> None:
    """'conditional' of random 3x4 and 4x3 tables with a zero row and a zero column, given x and given y."""
    for m, k in ((3, 4), (4, 3)):
        P = joint_table(t.rng, m, k, zero_row=True, zero_column=True)
        _tuples(t, "conditional", [(P, "x"), (P, "y")])


def check_conditional_hidden(t: Trial) -> None:
    """'conditional' of new tables with a marginal that is 0 somewhere, given x and given y."""
    m, k = int(t.rng.integers(3, 6)), int(t.rng.integers(3, 6))
    P = joint_table(t.rng, m, k, zero_row=True, zero_column=True)
    _tuples(t, "conditional", [(P, "x"), (P, "y")])


CONDITIONAL = Exercise(
    id="probability.conditional",
    title="Conditional distributions P(y | x) and P(x | y) of a joint table, 0 where undefined",
    notes="1.2.3.2 (conditional probability)",
    student=StudentFunction("probability", "conditional"),
    reference="reference.probability:conditional",
    torch_reference="reference.probability_torch:conditional",
    checks=(
        Check(check_conditional_worked_example, points=1),
        Check(check_conditional_random, points=2),
        Check(check_conditional_hidden, points=2, hidden=True),
    ),
    input_classes=("on the boundary: P.sum(axis=1)", "on the boundary: P.sum(axis=0)"),
    mistakes=(
        Mistake(
            "normalised over the wrong axis",
            "P(y | x) = P(x, y) / P(x): divide each ROW by its own sum (each row then sums to 1); for P(x | y) "
            "divide each COLUMN by its sum.",
            f"{MISTAKES}:conditional_wrong_axis",
        ),
        Mistake(
            "NaN where the marginal is 0",
            "where P(x) = 0 the division is 0 / 0: the conditional is undefined there, and the exercise asks for 0 "
            "in that row (column): divide only where the marginal is positive.",
            f"{MISTAKES}:conditional_nan_where_undefined",
        ),
        Mistake(
            "Bayes' rule without the prior",
            "Bayes' rule has the prior P(x) in its numerator beside P(y | x) (the notes' statement of the rule "
            "drops it). Simpler: divide the joint directly by the marginal of the variable conditioned on.",
            f"{MISTAKES}:conditional_bayes_without_prior",
        ),
    ),
)


# -- probability.sample_moments ---------------------------------------------------------------------


def samples(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """n correlated samples of d variables whose means lie 2 to 5 away from 0."""
    mixing = rng.normal(size=(d, d))
    return representable(rng.normal(size=(n, d)) @ mixing + rng.uniform(2.0, 5.0, size=d) * rng.choice([-1.0, 1.0], size=d))


def check_sample_moments_worked_example(t: Trial) -> None:
    """'sample_moments' of the docstring's three samples [[1, 2], [3, 6], [5, 4]], with ddof 1 and ddof 0."""
    X = np.array([[1, 2], [3, 6], [5, 4]])
    _tuples(t, "sample_moments", [(X, 1), (X, 0)], show=True)


def check_sample_moments_ddof(t: Trial) -> None:
    """'sample_moments' of 7 samples of 3 variables and of 5 of 2, each with ddof 0 (population) and 1 (sample)."""
    for n, d in ((7, 3), (5, 2)):
        X = samples(t.rng, n, d)
        _tuples(t, "sample_moments", [(X, 0), (X, 1)])


def check_sample_moments_hidden(t: Trial) -> None:
    """'sample_moments' of new samples, with ddof 0 and 1."""
    d = int(t.rng.integers(2, 5))
    X = samples(t.rng, d + int(t.rng.integers(2, 8)), d)
    _tuples(t, "sample_moments", [(X, 0), (X, 1)])


SAMPLE_MOMENTS = Exercise(
    id="probability.sample_moments",
    title="Mean, variances and covariance matrix from samples, population (ddof 0) or sample (ddof 1)",
    notes="1.2.3.3 (expectation, variance, covariance)",
    student=StudentFunction("probability", "sample_moments"),
    reference="reference.probability:sample_moments",
    torch_reference="reference.probability_torch:sample_moments",
    checks=(
        Check(check_sample_moments_worked_example, points=1),
        Check(check_sample_moments_ddof, points=2),
        Check(check_sample_moments_hidden, points=2, hidden=True),
    ),
    input_classes=("integer dtype: X",),
    mistakes=(
        Mistake(
            "population variance where the sample one is asked",
            "with ddof=1 divide the sums of squares by n - 1 (the sample, unbiased estimate), not by n: the "
            "divisor is n - ddof.",
            f"{MISTAKES}:sample_moments_population_always",
        ),
        Mistake(
            "sample variance where the population one is asked",
            "with ddof=0 divide by n (the population estimate, np.var's default); n - 1 is for ddof=1. "
            "np.cov divides by n - 1 unless it is given ddof.",
            f"{MISTAKES}:sample_moments_sample_always",
        ),
        Mistake(
            "rows taken as the variables",
            "each ROW is one sample and each column a variable: the covariance is d x d. np.cov treats rows as "
            "variables unless rowvar=False.",
            f"{MISTAKES}:sample_moments_rows_as_variables",
        ),
        Mistake(
            "not centred",
            "the (co)variance averages products of deviations from the mean, (x_a - mean_a)(x_b - mean_b): "
            "subtract the mean first.",
            f"{MISTAKES}:sample_moments_not_centred",
        ),
    ),
)


# -- probability.table_moments ---------------------------------------------------------------------


def values(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct values of a variable, not centred on 0."""
    return representable(np.sort(rng.choice(np.arange(-6, 10), size=n, replace=False)) * 0.5 + rng.uniform(-1, 3))


def check_table_moments_worked_example(t: Trial) -> None:
    """'table_moments' of the docstring's 2x2 table (x = y, each 0 or 1 with probability 1/2), and of a 2x3 table."""
    cases = [(np.array([0, 1]), np.array([0, 1]), np.array([[0.5, 0.0], [0.0, 0.5]])),
             (np.array([1, 2]), np.array([-1, 0, 2]), np.array([[0.25, 0.125, 0.0], [0.0, 0.125, 0.5]]))]
    _tuples(t, "table_moments", cases, show=True)


def check_table_moments_random(t: Trial) -> None:
    """'table_moments' of random joint tables of shapes 3x4 and 4x2 over values away from 0."""
    _tuples(t, "table_moments", [(values(t.rng, m), values(t.rng, k), joint_table(t.rng, m, k)) for m, k in ((3, 4), (4, 2))])


def check_table_moments_hidden(t: Trial) -> None:
    """'table_moments' of new joint tables and values."""
    m, k = int(t.rng.integers(2, 6)), int(t.rng.integers(2, 6))
    _tuples(t, "table_moments", [(values(t.rng, m), values(t.rng, k), joint_table(t.rng, m, k))])


TABLE_MOMENTS = Exercise(
    id="probability.table_moments",
    title="Means, variances and covariance of (x, y) under a joint table",
    notes="1.2.3.3 (expectation, variance, covariance)",
    student=StudentFunction("probability", "table_moments"),
    reference="reference.probability:table_moments",
    torch_reference="reference.probability_torch:table_moments",
    checks=(
        Check(check_table_moments_worked_example, points=1),
        Check(check_table_moments_random, points=2),
        Check(check_table_moments_hidden, points=2, hidden=True),
    ),
    input_classes=("integer dtype: x_values", "integer dtype: y_values"),
    mistakes=(
        Mistake(
            "values averaged without their probabilities",
            "an expectation weights each value by its probability: E[x] = sum_ij P[i, j] x_i, not the plain mean "
            "of the values.",
            f"{MISTAKES}:table_moments_unweighted",
        ),
        Mistake(
            "second moments, not centred",
            "Var[x] = E[(x - E x)^2] = E[x^2] - E[x]^2 and Cov(x, y) = E[(x - E x)(y - E y)]: subtract the means.",
            f"{MISTAKES}:table_moments_not_centred",
        ),
        Mistake(
            "covariance under the product of the marginals",
            "the covariance weights (x_i - E x)(y_j - E y) by the JOINT P[i, j]; under P(x) P(y) the variables are "
            "independent and it is always 0.",
            f"{MISTAKES}:table_moments_independent",
        ),
    ),
)


# -- the log-likelihoods ----------------------------------------------------------------------------


def away_from_half(rng: np.random.Generator) -> float:
    """A probability in [0.1, 0.35] or [0.65, 0.9]: p and 1 - p differ by 0.3 or more."""
    low = float(rng.uniform(0.1, 0.35))
    return representable_float(low if rng.random() < 0.5 else 1.0 - low)


def binary_data(rng: np.random.Generator, n: int) -> np.ndarray:
    x = rng.integers(0, 2, size=n)
    x[:2] = [0, 1]
    return rng.permutation(x)


def _scalars(t: Trial, function: str, cases: list[tuple], show: bool = False) -> None:
    for args in cases:
        label = f"{function}({', '.join(_shown(a) if isinstance(a, np.ndarray) else f'{a:g}' for a in args)})" if show else \
            f"{function}({len(args[0])} observations, " + ", ".join(f"{a:g}" for a in args[1:]) + ")"
        t.expect_close(t.student(*args), t.reference(*args), name=label)


def check_bernoulli_log_likelihood_worked_example(t: Trial) -> None:
    """'bernoulli_log_likelihood' of the docstring's x = [1, 0, 1] with phi = 0.8 (2 log 0.8 + log 0.2), and with phi = 0.25."""
    x = np.array([1, 0, 1])
    _scalars(t, "bernoulli_log_likelihood", [(x, 0.8), (x, 0.25)], show=True)


def check_bernoulli_log_likelihood_random(t: Trial) -> None:
    """'bernoulli_log_likelihood' of 20 and 35 random 0/1 observations, phi away from 1/2."""
    _scalars(t, "bernoulli_log_likelihood", [(binary_data(t.rng, n), away_from_half(t.rng)) for n in (20, 35)])


def check_bernoulli_log_likelihood_hidden(t: Trial) -> None:
    """'bernoulli_log_likelihood' of new data and phi."""
    _scalars(t, "bernoulli_log_likelihood", [(binary_data(t.rng, int(t.rng.integers(10, 50))), away_from_half(t.rng))])


BERNOULLI_LOG_LIKELIHOOD = Exercise(
    id="probability.bernoulli_log_likelihood",
    title="The log-likelihood of 0/1 data under a Bernoulli distribution",
    notes="1.2.3.4 (Bernoulli distribution)",
    student=StudentFunction("probability", "bernoulli_log_likelihood"),
    reference="reference.probability:bernoulli_log_likelihood",
    torch_reference="reference.probability_torch:bernoulli_log_likelihood",
    checks=(
        Check(check_bernoulli_log_likelihood_worked_example, points=1),
        Check(check_bernoulli_log_likelihood_random, points=1),
        Check(check_bernoulli_log_likelihood_hidden, points=2, hidden=True),
    ),
    input_classes=("integer dtype: x",),
    mistakes=(
        Mistake(
            "phi taken as P(x = 0)",
            "phi is the probability of a 1: P(x) = phi^x (1 - phi)^(1 - x), so a 1 contributes log phi and a 0 "
            "log(1 - phi).",
            f"{MISTAKES}:bernoulli_log_likelihood_phi_swapped",
        ),
        Mistake(
            "the zeros left out",
            "every observation counts: a 0 has probability 1 - phi and adds log(1 - phi), not nothing.",
            f"{MISTAKES}:bernoulli_log_likelihood_ones_only",
        ),
        Mistake(
            "mean instead of sum",
            "the log of a product of the observations' probabilities is the SUM of their logs, not their mean.",
            f"{MISTAKES}:bernoulli_log_likelihood_mean",
        ),
    ),
)


def binomial_data(rng: np.random.Generator, n: int, N: int, p: float) -> np.ndarray:
    return rng.binomial(N, p, size=n)


def check_binomial_log_likelihood_worked_example(t: Trial) -> None:
    """'binomial_log_likelihood' of the docstring's k = [1, 2] of N = 2 with p = 0.5 (log 0.5 + log 0.25), and of k = [0, 3, 1] of N = 4 with p = 0.25."""
    _scalars(t, "binomial_log_likelihood", [(np.array([1, 2]), 2, 0.5), (np.array([0, 3, 1]), 4, 0.25)], show=True)


def check_binomial_log_likelihood_random(t: Trial) -> None:
    """'binomial_log_likelihood' of random counts of N = 12 and N = 180 trials (180! overflows a float), p away from 1/2."""
    cases = []
    for N in (12, 180):
        p = away_from_half(t.rng)
        cases.append((binomial_data(t.rng, int(t.rng.integers(5, 15)), N, p), N, p))
    _scalars(t, "binomial_log_likelihood", cases)


def check_binomial_log_likelihood_hidden(t: Trial) -> None:
    """'binomial_log_likelihood' of new counts, N and p."""
    N, p = int(t.rng.integers(5, 200)), away_from_half(t.rng)
    _scalars(t, "binomial_log_likelihood", [(binomial_data(t.rng, int(t.rng.integers(5, 15)), N, p), N, p)])


BINOMIAL_LOG_LIKELIHOOD = Exercise(
    id="probability.binomial_log_likelihood",
    title="The log-likelihood of success counts under a binomial distribution",
    notes="1.2.3.4 (binomial distribution)",
    student=StudentFunction("probability", "binomial_log_likelihood"),
    reference="reference.probability:binomial_log_likelihood",
    torch_reference="reference.probability_torch:binomial_log_likelihood",
    checks=(
        Check(check_binomial_log_likelihood_worked_example, points=1),
        Check(check_binomial_log_likelihood_random, points=2),
        Check(check_binomial_log_likelihood_hidden, points=2, hidden=True),
    ),
    input_classes=("integer dtype: k",),
    mistakes=(
        Mistake(
            "binomial coefficient left out",
            "P(k) = C(N, k) p^k (1 - p)^(N - k): the coefficient counts the orders in which k successes can come, "
            "and its log, log N! - log k! - log (N - k)!, belongs in each term.",
            f"{MISTAKES}:binomial_log_likelihood_no_coefficient",
        ),
        Mistake(
            "p taken as the probability of failure",
            "p is the probability of SUCCESS: k successes contribute k log p and N - k failures (N - k) log(1 - p).",
            f"{MISTAKES}:binomial_log_likelihood_p_swapped",
        ),
        Mistake(
            "(N - k)! left out of the coefficient",
            "C(N, k) = N! / (k! (N - k)!): both factorials divide.",
            f"{MISTAKES}:binomial_log_likelihood_coefficient_without_n_minus_k",
        ),
    ),
)


def variance_away_from_one(rng: np.random.Generator) -> float:
    """A variance in [0.2, 0.5] or [2, 6]: never near 1, where a variance equals its square root."""
    return representable_float(rng.uniform(0.2, 0.5) if rng.random() < 0.5 else rng.uniform(2.0, 6.0))


def gaussian_case(rng: np.random.Generator, n: int) -> tuple:
    mu, var = representable_float(rng.uniform(-3, 3)), variance_away_from_one(rng)
    return representable(rng.normal(mu, np.sqrt(var) * 1.3, size=n)), mu, var


def check_gaussian_log_likelihood_worked_example(t: Trial) -> None:
    """'gaussian_log_likelihood' of the docstring's x = [0, 2], mu = 0, var = 4 (-log(8 pi) - 1/2), and of x = [1, -1, 3], mu = 1, var = 0.25."""
    _scalars(t, "gaussian_log_likelihood", [(np.array([0, 2]), 0.0, 4.0), (np.array([1.0, -1.0, 3.0]), 1.0, 0.25)], show=True)


def check_gaussian_log_likelihood_random(t: Trial) -> None:
    """'gaussian_log_likelihood' of 25 and 40 random observations, variances below and above 1."""
    _scalars(t, "gaussian_log_likelihood", [gaussian_case(t.rng, n) for n in (25, 40)])


def check_gaussian_log_likelihood_hidden(t: Trial) -> None:
    """'gaussian_log_likelihood' of new data, means and variances."""
    _scalars(t, "gaussian_log_likelihood", [gaussian_case(t.rng, int(t.rng.integers(10, 50)))])


GAUSSIAN_LOG_LIKELIHOOD = Exercise(
    id="probability.gaussian_log_likelihood",
    title="The log-likelihood of data under a Gaussian N(mu, sigma^2), given its variance",
    notes="1.2.3.4 (Gaussian distribution)",
    student=StudentFunction("probability", "gaussian_log_likelihood"),
    reference="reference.probability:gaussian_log_likelihood",
    torch_reference="reference.probability_torch:gaussian_log_likelihood",
    checks=(
        Check(check_gaussian_log_likelihood_worked_example, points=1),
        Check(check_gaussian_log_likelihood_random, points=1),
        Check(check_gaussian_log_likelihood_hidden, points=2, hidden=True),
    ),
    input_classes=("integer dtype: x",),
    mistakes=(
        Mistake(
            "variance used as the standard deviation",
            "var is sigma^2 (the notes' N(mu, sigma^2)); scipy's norm and torch's Normal take sigma, its square root. "
            "Divide (x - mu)^2 by 2 var, and take -1/2 log(2 pi var).",
            f"{MISTAKES}:gaussian_log_likelihood_variance_as_std",
        ),
        Mistake(
            "normalising constant left out",
            "log N(x; mu, sigma^2) has the log of 1 / sqrt(2 pi sigma^2) too: it depends on the variance, so it "
            "matters for a likelihood.",
            f"{MISTAKES}:gaussian_log_likelihood_no_normalisation",
        ),
        Mistake(
            "1/2 of the log's constant left out",
            "log(1 / sqrt(2 pi sigma^2)) = -1/2 log(2 pi sigma^2): the square root gives the 1/2.",
            f"{MISTAKES}:gaussian_log_likelihood_no_half_on_the_log",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    IS_VALID_PMF,
    IS_VALID_PDF,
    MARGINALS,
    CONDITIONAL,
    SAMPLE_MOMENTS,
    TABLE_MOMENTS,
    BERNOULLI_LOG_LIKELIHOOD,
    BINOMIAL_LOG_LIKELIHOOD,
    GAUSSIAN_LOG_LIKELIHOOD,
)
