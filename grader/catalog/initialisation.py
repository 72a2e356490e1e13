"""Initialisation: He, the notes' Xavier and normalised Xavier, each in its normal and uniform form, drawn
from a generator the caller passes in.

Course notes 1.3.5.2 (parameter initialisation: symmetry breaking, He,
Xavier, normalised Xavier). Conventions (see ``exercises/initialisation.py``):
a weight matrix has torch's shape (fan_out, fan_in); each scheme fixes a
weight's variance and the two forms share it (uniform bound = sqrt(3) times
the normal's standard deviation); the draws are exactly one call of the
generator, ``np.random.default_rng(rng).normal(0, s, size=(fan_out, fan_in))``
or ``.uniform(-r, r, size=(fan_out, fan_in))``, so that given the generator
the answer is exact.

Two kinds of check. Exact ones pass a seed as ``rng`` and compare the weights
with the reference's, drawn from a generator of the same seed; their shapes
are never square (fan-out for fan-in, and a transposed draw, show) and both
forms are asked (the bound used as a standard deviation shows). Statistical
ones build a deep stack from the student's own draws, propagate a batch and
measure the mean square of the pre-activations layer by layer
(:func:`stack_mean_squares`): 20 ReLU layers whose widths alternate 32 and
128 with He's weights keep it about constant (:func:`relu_stack_verdict`),
20 tanh layers of width 64 with normalised Xavier's weights and small inputs
keep it within a stated band (:func:`tanh_stack_verdict`); and no weight
matrix may have all its weights equal or two equal rows (no symmetry
breaking), decided exactly. Each verdict's false-failure probability is in
its docstring; ``tests/test_initialisation.py`` runs the reference over 1000
seeds with no failure and shows the mistakes failing on every one.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.initialisation_mistakes"

HINTS: dict[str, str] = {}
"""each known mistake's hint by its name (filled from the declarations below), for the checks' own messages"""


def _as_recorded(value: Any, seed: int) -> Any:
    """What a recording keeps of the reference's weights: the weights as they are (small matrices).

    Declaring a recorded form keeps the known mistakes' answers out of the recording (the statistical
    checks' 20 layers of up to 128 x 32 weights per mistake): the checks name the mistakes themselves.
    """
    return value


FORMS = ("normal", "uniform")

RELU_WIDTHS = (32, 128) * 10 + (32,)
"""21 widths, 20 ReLU layers: each layer widens 32 -> 128 or narrows 128 -> 32, so a fan swapped changes the variance 4-fold"""
RELU_BATCH = 32
TANH_WIDTHS = (64,) * 21
"""21 widths, 20 tanh layers of 64 units (square: normalised Xavier keeps a linear layer's variance only there)"""
TANH_BATCH = 32
TANH_INPUT_SCALE = 0.1
"""the inputs' standard deviation: small, so that tanh works near its linear part"""

RELU_PER_LAYER = math.log(1.5)
"""|ln| of the geometric mean change per layer, (q_20 / q_1)^(1/19), allowed in the ReLU stack"""
RELU_PER_DIRECTION = math.log(2.0)
"""|ln| of the mean change over the widening (and over the narrowing) layers allowed in the ReLU stack"""
TANH_BAND = (math.log(0.05), math.log(7.5))
"""ln(q_20 / q_1) allowed in the tanh stack"""


# -- the statistical verdicts (pure functions: tests/test_initialisation.py calls them directly) ---------------


def _two_rows_equal(W: np.ndarray) -> bool:
    """Whether two rows of W are exactly equal. Equal rows have equal projections, so rows whose projections on
    a fixed vector all differ are all different; only rows sharing a projection are compared entry by entry."""
    projections = W @ np.linspace(1.0, 2.0, W.shape[1])
    order = np.argsort(projections, kind="stable")
    same = np.flatnonzero(projections[order][1:] == projections[order][:-1])
    return any(np.array_equal(W[order[k]], W[order[k + 1]]) for k in same)


def symmetry_failure(weights: list[np.ndarray]) -> str | None:
    """Why these weight matrices break no symmetry (all weights equal, or two units with equal rows), or None. Exact."""
    for index, W in enumerate(weights):
        if W.size > 1 and np.all(W == W.flat[0]):
            return (f"every weight of layer {index + 1} is the same number ({W.flat[0]:.4g}): all its units compute the "
                    "same function and get the same gradient, so they stay equal for ever (no symmetry breaking)")
        if _two_rows_equal(W):
            return (f"two units of layer {index + 1} have exactly the same weights: they compute the same function "
                    "and stay equal for ever (no symmetry breaking); draw every weight independently")
    return None


def stack_mean_squares(weights: list[np.ndarray], X: np.ndarray, activation: str) -> np.ndarray:
    """The mean square of each layer's pre-activations, ``q_l = mean(a_l^2)``, with ``a_l = z_{l-1} W_l^T`` and ``z_0 = X``.

    ``activation`` is "relu" or "tanh"; X has one example per row.
    """
    z, q = X, []
    with np.errstate(over="ignore", invalid="ignore"):
        for W in weights:
            a = z @ W.T
            q.append(float(np.mean(a * a)))
            z = np.maximum(a, 0.0) if activation == "relu" else np.tanh(a)
    return np.array(q)


def relu_stack_verdict(q: np.ndarray, widths: tuple[int, ...] = RELU_WIDTHS) -> tuple[bool, str]:
    """Whether the pre-activations' mean square stays about constant through the ReLU stack, and what was measured.

    With ``r_l = ln(q_l / q_{l-1})``: the geometric mean change per layer,
    ``exp(mean r) = (q_20 / q_1)^(1/19)``, within [1/1.5, 1.5] (so q_20 / q_1
    within [1.5^-19, 1.5^19]); and the mean of r over the widening layers
    (32 -> 128) and over the narrowing ones (128 -> 32), each within
    [ln 1/2, ln 2]. He's weights keep E[q_l] = q_{l-1} exactly.

    False-failure probability, for He's weights (either form) with the
    stack's widths and a batch of 32: below 1e-8. Over 10000 seeds (0
    failures) the three statistics were close to normal, with standard
    deviations 0.062, 0.100 and 0.077 about means -0.036, -0.042 and -0.031,
    so their bounds are at least 5.9, 6.5 and 8.6 standard deviations away;
    ``tests/test_initialisation.py`` sees no failure in 1000 seeds. Each
    mistake sits on the other side: fan-out for fan-in changes r by -ln 4 on
    widening and +ln 4 on narrowing layers (7 standard deviations past the
    bound), ReLU's gain forgotten by -ln 2 on every layer (5.0 past) and the
    uniform bound used as a standard deviation by +ln 3 (10 past); the test
    sees each fail on every one of its 1000 seeds.
    """
    if q.size != len(widths) - 1 or not np.all(np.isfinite(q)) or np.any(q <= 0):
        return False, "the pre-activations' mean square overflowed or vanished in the stack"
    r = np.diff(np.log(q))
    widening = np.array([n > m for m, n in zip(widths[:-1], widths[1:])])[1:]
    per_layer, up, down = float(r.mean()), float(r[widening].mean()), float(r[~widening].mean())
    ok = abs(per_layer) <= RELU_PER_LAYER and abs(up) <= RELU_PER_DIRECTION and abs(down) <= RELU_PER_DIRECTION
    what = (f"the pre-activations' mean square changed by a factor of {math.exp(per_layer):.3g} per layer on average "
            f"(q_20 / q_1 = {q[-1] / q[0]:.3g}; allowed: 1/1.5 to 1.5 per layer), {math.exp(up):.3g} per widening layer "
            f"({widths[0]} -> {widths[1]} units) and {math.exp(down):.3g} per narrowing layer (allowed: 1/2 to 2)")
    return ok, what


def tanh_stack_verdict(q: np.ndarray) -> tuple[bool, str]:
    """Whether the pre-activations' mean square stays within the band through the tanh stack, and what was measured.

    ``q_20 / q_1`` within [0.05, 7.5] (a factor between 0.86 and 1.11 per
    layer on average). With normalised Xavier's weights and inputs of
    standard deviation 0.1, tanh works near its linear part and only slowly
    squashes: over 10000 seeds (0 failures) ln(q_20 / q_1) had mean -0.43
    and standard deviation 0.29, close to normal, so the bounds are 8.8 and
    8.4 standard deviations away: a false-failure probability below 1e-12 by
    the normal fit (no failure in 1000 seeds in
    ``tests/test_initialisation.py``). The uniform bound used as a standard
    deviation gives about e^3.8, the notes' slip 6 / sqrt(N + M) about
    e^4.1, sqrt(6) / (sqrt(N) + sqrt(M)) about e^-13 and the fan-in alone
    (plain Xavier) about e^-21: each fails on every one of the test's seeds.
    """
    if q.size != len(TANH_WIDTHS) - 1 or not np.all(np.isfinite(q)) or np.any(q <= 0):
        return False, "the pre-activations' mean square overflowed or vanished in the stack"
    ratio = float(q[-1] / q[0])
    ok = TANH_BAND[0] <= math.log(ratio) <= TANH_BAND[1]
    return ok, f"the pre-activations' mean square went from {q[0]:.3g} in layer 1 to {q[-1]:.3g} in layer 20: a factor of {ratio:.3g} (allowed: 0.05 to 7.5)"


def stack_verdict(weights: list[np.ndarray], X: np.ndarray, activation: str) -> tuple[bool, str]:
    """The whole statistical decision on a stack: symmetry (exact), then the mean squares' verdict."""
    broken = symmetry_failure(weights)
    if broken is not None:
        return False, broken
    q = stack_mean_squares(weights, X, activation)
    return relu_stack_verdict(q) if activation == "relu" else tanh_stack_verdict(q)


def stack_inputs(rng: np.random.Generator, activation: str) -> tuple[np.ndarray, list[int]]:
    """The batch fed to the stack and one seed per layer, drawn in that order."""
    if activation == "relu":
        X = rng.normal(0.0, 1.0, size=(RELU_BATCH, RELU_WIDTHS[0]))
        layers = len(RELU_WIDTHS) - 1
    else:
        X = rng.normal(0.0, TANH_INPUT_SCALE, size=(TANH_BATCH, TANH_WIDTHS[0]))
        layers = len(TANH_WIDTHS) - 1
    return X, [int(seed) for seed in rng.integers(0, 2**31, size=layers)]


# -- shared check bodies ---------------------------------------------------------------------------


def _matrix_or_none(value: Any, shape: tuple[int, int]) -> np.ndarray | None:
    try:
        W = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return W if W.shape == shape and np.all(np.isfinite(W)) else None


def _std(scheme: str, fan_in: int, fan_out: int) -> float:
    """The standard deviation of a weight under ``scheme`` (the bound is sqrt(3) times it)."""
    M, N = fan_in, fan_out
    return {"he": math.sqrt(2.0 / M), "xavier": 1.0 / math.sqrt(3.0 * M), "normalised_xavier": math.sqrt(2.0 / (N + M))}[scheme]


def mistake_factors(scheme: str, fan_in: int, fan_out: int, form: str) -> dict[str, float]:
    """For each known mistake that draws the right numbers at the wrong scale: its weights over the right ones."""
    M, N = fan_in, fan_out
    bound_as_std = {"uniform bound used as a standard deviation": math.sqrt(3.0)} if form == "normal" else {}
    if scheme == "he":
        return {"fan-out for fan-in": math.sqrt(M / N), "ReLU's gain forgotten": 1.0 / math.sqrt(2.0), **bound_as_std}
    if scheme == "xavier":
        return {"fan-out for fan-in": math.sqrt(M / N), "torch's xavier_uniform_ used": math.sqrt(6.0 * M / (N + M)), **bound_as_std}
    return {"the notes' slip 6 / sqrt(N + M)": math.sqrt(6.0), "sqrt(6) / (sqrt(N) + sqrt(M))": math.sqrt(N + M) / (math.sqrt(N) + math.sqrt(M)),
            "fan-out left out": math.sqrt((N + M) / (6.0 * M)), **bound_as_std}


def _proportion(got: Any, expected: Any) -> float | None:
    """c with got = c expected entry by entry (to a relative 1e-5, so float32 answers too), or None."""
    try:
        got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return None
    if got.shape != expected.shape or got.size == 0 or not np.all(np.isfinite(got)):
        return None
    k = int(np.argmax(np.abs(expected)))
    if expected.flat[k] == 0:
        return None
    c = float(got.flat[k] / expected.flat[k])
    return c if np.allclose(got, c * expected, rtol=1e-5, atol=1e-12) else None


def diagnose(scheme: str, fan_in: int, fan_out: int, form: str, got: Any, expected: Any, swapped: Any) -> set[str]:
    """The known mistakes an answer is, recognised from the answer itself (the recording keeps no mistake's answers).

    ``expected`` is the reference's weights, ``swapped`` the reference's for (fan_out, fan_in), drawn from a
    generator of the same seed: a draw of shape (fan_in, fan_out) transposed is proportional to its transpose.
    """
    try:
        W = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return set()
    if W.shape == (fan_out, fan_in) and W.size > 1 and np.all(np.isfinite(W)) and np.all(W == W.flat[0]):
        return {"all weights equal"}
    found = set()
    c = _proportion(W, expected)
    if c is not None:
        found |= {name for name, factor in mistake_factors(scheme, fan_in, fan_out, form).items() if abs(c / factor - 1.0) < 1e-5}
    if scheme == "he":
        c = _proportion(W, np.asarray(swapped, dtype=float).T)
        if c is not None and abs(c / (_std(scheme, fan_in, fan_out) / _std(scheme, fan_out, fan_in)) - 1.0) < 1e-5:
            found.add("weights drawn transposed")
    return found


def exact_draws(t: Trial, function: str, cases: list[tuple[int, int, str, int]]) -> None:
    """The student's weights against the reference's from a generator of the same seed, case by case.

    The check names a known mistake itself (and says so in its message) when every case it fails is that mistake.
    """
    named: set[str] | None = None
    for fan_in, fan_out, form, seed in cases:
        label = f"{function}({fan_in}, {fan_out}, {form!r}, rng={seed})" if not t.hidden else f"{function}(fan_in={fan_in}, fan_out={fan_out}, {form!r}, rng=a seed)"
        got, expected = t.student(fan_in, fan_out, form, seed), t.reference(fan_in, fan_out, form, seed)
        swapped = t.reference(fan_out, fan_in, form, seed)
        found = diagnose(function, fan_in, fan_out, form, got, expected, swapped)
        if found:
            label += " -- this looks like the mistake " + " or ".join(f"'{name}' ({HINTS[name]})" for name in sorted(found))
        if not t.expect_close(got, expected, name=label):
            named = found if named is None else named & found
    for name in sorted(named or ()):
        t.name_mistake(name)


def non_square_cases(rng: np.random.Generator, count: int) -> list[tuple[int, int, str, int]]:
    """Shapes with fan_in != fan_out (both ways round), each form, a seed each."""
    cases = []
    for index in range(count):
        small, large = int(rng.integers(2, 6)), int(rng.integers(7, 13))
        fan_in, fan_out = (small, large) if index % 2 == 0 else (large, small)
        cases.append((fan_in, fan_out, FORMS[(index // 2) % 2], int(rng.integers(0, 2**31))))
    return cases


def statistical_stack(t: Trial, function: str, activation: str, form: str) -> None:
    """Build the stack from the student's draws (one call per layer, a fresh seed each), then judge it."""
    X, seeds = stack_inputs(t.rng, activation)
    widths = RELU_WIDTHS if activation == "relu" else TANH_WIDTHS
    weights = []
    for layer, (fan_in, fan_out, seed) in enumerate(zip(widths[:-1], widths[1:], seeds)):
        got = t.student(fan_in, fan_out, form, seed)
        W = _matrix_or_none(got, (fan_out, fan_in))
        if W is None:
            t.fail(f"layer {layer + 1}: {function}({fan_in}, {fan_out}, {form!r}, rng) should return finite weights of "
                   f"shape (fan_out, fan_in) = ({fan_out}, {fan_in}); it returned {got!r:.200}")
        weights.append(W)
    ok, what = stack_verdict(weights, X, activation)
    if any(W.size > 1 and np.all(W == W.flat[0]) for W in weights):
        t.name_mistake("all weights equal")
        what += f" -- the mistake 'all weights equal' ({HINTS['all weights equal']})"
    kind = "ReLU" if activation == "relu" else "tanh"
    t.expect(ok, f"through {len(weights)} {kind} layers built with {function}(..., {form!r}, rng): {what}")


# -- initialisation.he -------------------------------------------------------------------------------


def check_he_worked_example(t: Trial) -> None:
    """'he' on the docstring's example, he(3, 2, 'normal', rng=0) and he(3, 2, 'uniform', rng=0)."""
    exact_draws(t, "he", [(3, 2, "normal", 0), (3, 2, "uniform", 0)])


def check_he_exact_draws(t: Trial) -> None:
    """'he' gives exactly the reference's weights, from a generator of the same seed, for four non-square layers and both forms."""
    exact_draws(t, "he", non_square_cases(t.rng, 4))


def check_he_relu_stack(t: Trial) -> None:
    """20 ReLU layers of widths 32 and 128 in turn, weights from 'he' in the normal form: the pre-activations' variance stays about constant."""
    statistical_stack(t, "he", "relu", "normal")


def check_he_hidden(t: Trial) -> None:
    """'he' on new non-square layers (exact draws), and a ReLU stack built with the uniform form."""
    exact_draws(t, "he", non_square_cases(t.rng, 2))
    statistical_stack(t, "he", "relu", "uniform")


HE = Exercise(
    id="initialisation.he",
    input_classes=(),
    title="He initialisation for ReLU layers, normal and uniform, from a given generator",
    notes="1.3.5.2 (parameter initialisation: symmetry breaking, He initialisation)",
    student=StudentFunction("initialisation", "he"),
    reference="reference.initialisation:he",
    torch_reference="reference.initialisation_torch:he",
    recorded_reference=_as_recorded,
    checks=(
        Check(check_he_worked_example, points=1),
        Check(check_he_exact_draws, points=2),
        Check(check_he_relu_stack, points=2),
        Check(check_he_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "fan-out for fan-in",
            "He's variance is 2 / M with M the number of INPUTS of a unit, fan_in, the second dimension of a "
            "(fan_out, fan_in) weight: it keeps var[a] the same from a layer's inputs to its outputs.",
            f"{MISTAKES}:he_fan_out",
        ),
        Mistake(
            "uniform bound used as a standard deviation",
            "the normal form's standard deviation is sqrt(2 / M); sqrt(6 / M) is the uniform form's bound (U[-r, r] "
            "has variance r^2 / 3). Both forms have the same variance 2 / M.",
            f"{MISTAKES}:he_bound_as_std",
        ),
        Mistake(
            "all weights equal",
            "every weight must be its own draw: with equal weights every unit of a layer computes the same "
            "function and gets the same gradient, so the units never become different (no symmetry breaking).",
            f"{MISTAKES}:he_all_equal",
        ),
        Mistake(
            "ReLU's gain forgotten",
            "ReLU zeroes half of its inputs, halving E[z^2]; He's variance 2 / M (gain sqrt(2)) makes up for it. "
            "With 1 / M the signal halves at every layer.",
            f"{MISTAKES}:he_relu_gain_forgotten",
        ),
        Mistake(
            "weights drawn transposed",
            "draw the matrix in its own shape, size=(fan_out, fan_in), in one call: drawing (fan_in, fan_out) and "
            "transposing gives the same distribution but other weights than the generator's.",
            f"{MISTAKES}:he_transposed",
        ),
    ),
)


# -- initialisation.xavier ---------------------------------------------------------------------------


def check_xavier_worked_example(t: Trial) -> None:
    """'xavier' on the docstring's example, xavier(4, 2, 'uniform', rng=1) and xavier(4, 2, 'normal', rng=1)."""
    exact_draws(t, "xavier", [(4, 2, "uniform", 1), (4, 2, "normal", 1)])


def check_xavier_exact_draws(t: Trial) -> None:
    """'xavier' gives exactly the reference's weights, from a generator of the same seed, for four non-square layers and both forms."""
    exact_draws(t, "xavier", non_square_cases(t.rng, 4))


def check_xavier_hidden(t: Trial) -> None:
    """'xavier' on new non-square layers, both forms (exact draws)."""
    exact_draws(t, "xavier", non_square_cases(t.rng, 4))


XAVIER = Exercise(
    id="initialisation.xavier",
    input_classes=(),
    title="The notes' Xavier initialisation, U[-1/sqrt(M), 1/sqrt(M)], and its normal form",
    notes="1.3.5.2 (Xavier initialisation)",
    student=StudentFunction("initialisation", "xavier"),
    reference="reference.initialisation:xavier",
    torch_reference="reference.initialisation_torch:xavier",
    recorded_reference=_as_recorded,
    checks=(
        Check(check_xavier_worked_example, points=1),
        Check(check_xavier_exact_draws, points=2),
        Check(check_xavier_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "fan-out for fan-in",
            "the notes' Xavier bound is 1 / sqrt(M) with M the number of INPUTS of a unit, fan_in, the second "
            "dimension of a (fan_out, fan_in) weight.",
            f"{MISTAKES}:xavier_fan_out",
        ),
        Mistake(
            "uniform bound used as a standard deviation",
            "U[-1/sqrt(M), 1/sqrt(M)] has variance 1 / (3 M); the normal form has that variance, so its standard "
            "deviation is 1 / sqrt(3 M), not the bound 1 / sqrt(M).",
            f"{MISTAKES}:xavier_bound_as_std",
        ),
        Mistake(
            "all weights equal",
            "every weight must be its own draw: with equal weights every unit computes the same function and they "
            "never become different (no symmetry breaking).",
            f"{MISTAKES}:xavier_all_equal",
        ),
        Mistake(
            "torch's xavier_uniform_ used",
            "torch's xavier_uniform_ / xavier_normal_ are the notes' NORMALISED Xavier, sqrt(6) / sqrt(N + M); the "
            "notes' Xavier uses the fan-in alone, 1 / sqrt(M) (torch's nn.Linear default).",
            f"{MISTAKES}:xavier_torch_s_xavier",
        ),
    ),
)


# -- initialisation.normalised_xavier -------------------------------------------------------------------


def check_normalised_xavier_worked_example(t: Trial) -> None:
    """'normalised_xavier' on the docstring's example, normalised_xavier(2, 4, 'uniform', rng=2) and the normal form."""
    exact_draws(t, "normalised_xavier", [(2, 4, "uniform", 2), (2, 4, "normal", 2)])


def check_normalised_xavier_exact_draws(t: Trial) -> None:
    """'normalised_xavier' gives exactly the reference's weights, from a generator of the same seed, for four non-square layers and both forms."""
    exact_draws(t, "normalised_xavier", non_square_cases(t.rng, 4))


def check_normalised_xavier_tanh_stack(t: Trial) -> None:
    """20 tanh layers of 64 units, weights from 'normalised_xavier' in the normal form: the pre-activations' variance stays within [0.05, 7.5] times layer 1's."""
    statistical_stack(t, "normalised_xavier", "tanh", "normal")


def check_normalised_xavier_hidden(t: Trial) -> None:
    """'normalised_xavier' on new non-square layers (exact draws), and a tanh stack built with the uniform form."""
    exact_draws(t, "normalised_xavier", non_square_cases(t.rng, 2))
    statistical_stack(t, "normalised_xavier", "tanh", "uniform")


NORMALISED_XAVIER = Exercise(
    id="initialisation.normalised_xavier",
    input_classes=(),
    title="Normalised Xavier (Glorot) initialisation, sqrt(6)/sqrt(N + M), normal and uniform",
    notes="1.3.5.2 (normalised Xavier initialisation; the notes' 6 / sqrt(N + M) is a slip for sqrt(6) / sqrt(N + M))",
    student=StudentFunction("initialisation", "normalised_xavier"),
    reference="reference.initialisation:normalised_xavier",
    torch_reference="reference.initialisation_torch:normalised_xavier",
    recorded_reference=_as_recorded,
    checks=(
        Check(check_normalised_xavier_worked_example, points=1),
        Check(check_normalised_xavier_exact_draws, points=2),
        Check(check_normalised_xavier_tanh_stack, points=2),
        Check(check_normalised_xavier_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "the notes' slip 6 / sqrt(N + M)",
            "the notes print 6 / sqrt(N + M), a slip: the bound is sqrt(6) / sqrt(N + M) = sqrt(6 / (N + M)), "
            "which gives the variance 2 / (N + M) (torch's xavier_uniform_).",
            f"{MISTAKES}:normalised_xavier_notes_slip",
        ),
        Mistake(
            "sqrt(6) / (sqrt(N) + sqrt(M))",
            "the square root is of the sum: sqrt(6) / sqrt(N + M), not sqrt(6) / (sqrt(N) + sqrt(M)).",
            f"{MISTAKES}:normalised_xavier_sum_of_roots",
        ),
        Mistake(
            "uniform bound used as a standard deviation",
            "the normal form has the uniform form's variance 2 / (N + M): standard deviation sqrt(2 / (N + M)), "
            "not the bound sqrt(6 / (N + M)).",
            f"{MISTAKES}:normalised_xavier_bound_as_std",
        ),
        Mistake(
            "all weights equal",
            "every weight must be its own draw: with equal weights every unit computes the same function and they "
            "never become different (no symmetry breaking).",
            f"{MISTAKES}:normalised_xavier_all_equal",
        ),
        Mistake(
            "fan-out left out",
            "normalised Xavier averages the two fans: its variance is 2 / (N + M), with N = fan_out units and "
            "M = fan_in inputs, not the plain Xavier's fan-in alone.",
            f"{MISTAKES}:normalised_xavier_fan_in_only",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (HE, XAVIER, NORMALISED_XAVIER)
HINTS.update({mistake.name: mistake.hint for exercise in EXERCISES for mistake in exercise.mistakes})
