"""Information theory: entropy in bits and nats, the KL divergence (asymmetric, infinite where q = 0 < p),
cross-entropy and its decomposition H(p, q) = H(p) + KL(p || q), and mutual information from a joint table.

Course notes 1.2.4. Conventions are the notes' (see ``exercises/information.py``):
the base is passed in (2: bits, e: nats); 0 log 0 = 0; KL(p || q) and H(p, q)
are +inf where q = 0 < p; distributions are used as given, never renormalised.

Inputs tell the right answer from the mistakes students make: every check
asks for bits and for nats (a log in the wrong base shows), and most hold a
state of probability 0 (0 log 0 taken as NaN shows); the KL and
cross-entropy checks hold pairs whose two orders differ (one of them
infinite: q = 0 < p on one side only) and a pair with q = 0 < p (the
infinite case); the joint tables are not square and have zero entries. The
distributions are far enough apart (a KL of 0.05 or more) that a float32
answer's own rounding is far inside float32's tolerance. Every float input
is a float32 number, so a float32 solution starts from the same numbers.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.information_mistakes"
BITS, NATS = 2.0, math.e
BASES = {BITS: "2", NATS: "math.e", 10.0: "10"}


def representable(values: Any) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def pmf(rng: np.random.Generator, shape: tuple[int, ...], zeros: int = 1) -> np.ndarray:
    """A random PMF (float32 numbers, probabilities 0.02 and up) with ``zeros`` entries exactly 0."""
    weights = rng.uniform(0.1, 1.0, size=shape)
    weights.flat[rng.choice(weights.size, size=zeros, replace=False)] = 0.0
    return representable(weights / weights.sum())


def _label(function: str, args: tuple, show: bool) -> str:
    base = BASES.get(float(args[-1]), f"{args[-1]:g}")
    if show:
        return f"{function}({', '.join(str(np.asarray(a).tolist()) for a in args[:-1])}, {base})"
    return f"{function}({', '.join(f'an array of shape {np.shape(a)}' for a in args[:-1])}, {base})"


def _values(t: Trial, function: str, cases: list[tuple], show: bool = False) -> None:
    for args in cases:
        t.expect_close(t.student(*args), t.reference(*args), name=_label(function, args, show))


# -- information.entropy -------------------------------------------------------------------------------


def check_entropy_worked_example(t: Trial) -> None:
    """'entropy' of a fair coin (1 bit, ln 2 = 0.693 nats), of [0.5, 0.25, 0.25] (1.5 bits), of [1, 0] (0: 0 log 0 = 0) and of [0.5, 0, 0.5] in nats."""
    cases = [(np.array([0.5, 0.5]), BITS), (np.array([0.5, 0.5]), NATS), (np.array([0.5, 0.25, 0.25]), BITS),
             (np.array([1.0, 0.0]), BITS), (np.array([0.5, 0.0, 0.5]), NATS)]
    _values(t, "entropy", cases, show=True)


def check_entropy_random(t: Trial) -> None:
    """'entropy' of random PMFs with zero entries, in bits, nats and base 10, and of a 3x4 joint table."""
    cases = [(pmf(t.rng, (7,)), BITS), (pmf(t.rng, (12,), zeros=3), NATS), (pmf(t.rng, (5,)), 10.0), (pmf(t.rng, (3, 4), zeros=2), BITS)]
    _values(t, "entropy", cases)


def check_entropy_hidden(t: Trial) -> None:
    """'entropy' of new PMFs and tables, in bits and in nats."""
    cases = [(pmf(t.rng, (int(t.rng.integers(3, 20)),), zeros=int(t.rng.integers(1, 3))), BITS),
             (pmf(t.rng, (int(t.rng.integers(2, 5)), int(t.rng.integers(2, 5)))), NATS)]
    _values(t, "entropy", cases)


ENTROPY = Exercise(
    id="information.entropy",
    title="Shannon's entropy in bits and in nats, with 0 log 0 = 0",
    notes="1.2.4.1 (Shannon's entropy)",
    student=StudentFunction("information", "entropy"),
    reference="reference.information:entropy",
    torch_reference="reference.information_torch:entropy",
    checks=(
        Check(check_entropy_worked_example, points=1),
        Check(check_entropy_random, points=2),
        Check(check_entropy_hidden, points=2, hidden=True),
    ),
    input_classes=("on the boundary: p",),
    mistakes=(
        Mistake(
            "nats where another base is asked",
            "np.log is the natural log, which gives nats: in base b divide by ln b (log_b x = ln x / ln b), so "
            "base 2 gives bits.",
            f"{MISTAKES}:entropy_nats_always",
        ),
        Mistake(
            "bits whatever the base",
            "np.log2 gives bits only: use the base you are given, log_b x = ln x / ln b (base math.e gives nats).",
            f"{MISTAKES}:entropy_bits_always",
        ),
        Mistake(
            "0 log 0 taken as NaN",
            "0 * np.log(0) is 0 * -inf = nan in NumPy, but 0 log 0 = 0 (the limit of x log x): leave the states "
            "with p = 0 out of the sum.",
            f"{MISTAKES}:entropy_nan_for_zero",
        ),
        Mistake(
            "minus sign left out",
            "H(p) = -sum p log p: each log p is at most 0, so the minus sign makes the entropy nonnegative.",
            f"{MISTAKES}:entropy_sign",
        ),
    ),
)


# -- information.kl_divergence and information.cross_entropy ---------------------------------------------------


SEPARATION = 0.05
"""the KL divergence of each pair, both ways over the states where both are positive, and the mutual information
of each table are at least this (in nats): a float32 answer's own rounding, about 1e-7, is far inside float32's
tolerance"""


def _kl_over_support(p: np.ndarray, q: np.ndarray) -> float:
    both = (p > 0) & (q > 0)
    return float((p[both] * np.log(p[both] / q[both])).sum())


def pair(rng: np.random.Generator, n: int, infinite: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Two PMFs over n states, both 0 in one state; ``infinite="q"`` makes q 0 where p is not, ``"p"`` the other way.

    Drawn again until they are :data:`SEPARATION` apart both ways.
    """
    while True:
        p, q = rng.uniform(0.1, 1.0, size=n), rng.uniform(0.1, 1.0, size=n) ** 3
        both, alone = rng.choice(n, size=2, replace=False)
        p[both] = q[both] = 0.0
        if infinite == "q":
            q[alone] = 0.0
        elif infinite == "p":
            p[alone] = 0.0
        p, q = representable(p / p.sum()), representable(q / q.sum())
        if min(_kl_over_support(p, q), _kl_over_support(q, p)) >= SEPARATION:
            return p, q


def pair_cases(rng: np.random.Generator) -> list[tuple]:
    """Finite pairs in bits and nats, a pair with q = 0 < p (infinite), and one with p = 0 < q (its reverse infinite)."""
    n = [int(v) for v in rng.integers(4, 12, size=4)]
    return [(*pair(rng, n[0]), BITS), (*pair(rng, n[1]), NATS), (*pair(rng, n[2], infinite="q"), BITS),
            (*pair(rng, n[3], infinite="p"), NATS)]


def check_kl_divergence_worked_example(t: Trial) -> None:
    """'kl_divergence' of p = [0.5, 0.5] from q = [0.25, 0.75] and back (0.2075 and 0.1887 bits), of [0.5, 0.5, 0] from [0.25, 0.25, 0.5] and back (ln 2, inf)."""
    p, q = np.array([0.5, 0.5]), np.array([0.25, 0.75])
    r, s = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])
    _values(t, "kl_divergence", [(p, q, BITS), (q, p, BITS), (r, s, NATS), (s, r, NATS)], show=True)


def check_kl_divergence_random(t: Trial) -> None:
    """'kl_divergence' of random pairs with zero states, in bits and nats: finite, infinite (q = 0 < p) and 0 where p = 0 < q."""
    _values(t, "kl_divergence", pair_cases(t.rng))


def check_kl_divergence_hidden(t: Trial) -> None:
    """'kl_divergence' of new pairs, finite and infinite, in bits and nats."""
    _values(t, "kl_divergence", pair_cases(t.rng))


KL_DIVERGENCE = Exercise(
    id="information.kl_divergence",
    title="The Kullback-Leibler divergence KL(p || q): asymmetric, infinite where q = 0 < p",
    notes="1.2.4.2 (Kullback-Leibler divergence)",
    student=StudentFunction("information", "kl_divergence"),
    reference="reference.information:kl_divergence",
    torch_reference="reference.information_torch:kl_divergence",
    checks=(
        Check(check_kl_divergence_worked_example, points=1),
        Check(check_kl_divergence_random, points=2),
        Check(check_kl_divergence_hidden, points=2, hidden=True),
    ),
    input_classes=("on the boundary: p", "on the boundary: q"),
    mistakes=(
        Mistake(
            "arguments swapped",
            "KL(p || q) is an expectation over p, the FIRST argument: sum p log(p / q). KL is not symmetric, so "
            "KL(q || p) is another number. (torch's F.kl_div takes log q first and p second.)",
            f"{MISTAKES}:kl_divergence_swapped",
        ),
        Mistake(
            "0 log 0 taken as NaN",
            "a state with p = 0 adds 0 to KL(p || q), whatever q is there; NumPy's 0 * log(0) is nan: leave those "
            "states out of the sum.",
            f"{MISTAKES}:kl_divergence_nan_for_zero",
        ),
        Mistake(
            "infinite case left out",
            "where q = 0 < p, p log(p / q) is infinite: KL(p || q) is then inf (math.inf), not the sum over the "
            "other states.",
            f"{MISTAKES}:kl_divergence_no_infinity",
        ),
        Mistake(
            "nats where another base is asked",
            "np.log gives nats: in base b divide by ln b (base 2 gives bits).",
            f"{MISTAKES}:kl_divergence_nats_always",
        ),
    ),
)


def check_cross_entropy_worked_example(t: Trial) -> None:
    """'cross_entropy' of p = [0.5, 0.5], q = [0.25, 0.75] (1 + 0.2075 bits), of [1, 0] against [0.5, 0.5] and back (1 bit, inf), and of [0.5, 0.5, 0] against itself (ln 2 nats)."""
    p, q = np.array([0.5, 0.5]), np.array([0.25, 0.75])
    sure, coin, r = np.array([1.0, 0.0]), np.array([0.5, 0.5]), np.array([0.5, 0.5, 0.0])
    _values(t, "cross_entropy", [(p, q, BITS), (sure, coin, BITS), (coin, sure, BITS), (r, r, NATS)], show=True)


def check_cross_entropy_random(t: Trial) -> None:
    """'cross_entropy' of random pairs with zero states, in bits and nats: finite, infinite (q = 0 < p), and where p = 0 < q."""
    _values(t, "cross_entropy", pair_cases(t.rng))


def check_cross_entropy_hidden(t: Trial) -> None:
    """'cross_entropy' of new pairs, finite and infinite, in bits and nats."""
    _values(t, "cross_entropy", pair_cases(t.rng))


CROSS_ENTROPY = Exercise(
    id="information.cross_entropy",
    title="The cross-entropy H(p, q) = H(p) + KL(p || q)",
    notes="1.2.4.3 (cross-entropy)",
    student=StudentFunction("information", "cross_entropy"),
    reference="reference.information:cross_entropy",
    torch_reference="reference.information_torch:cross_entropy",
    checks=(
        Check(check_cross_entropy_worked_example, points=1),
        Check(check_cross_entropy_random, points=2),
        Check(check_cross_entropy_hidden, points=2, hidden=True),
    ),
    input_classes=("on the boundary: p", "on the boundary: q"),
    mistakes=(
        Mistake(
            "p and q swapped",
            "H(p, q) = -sum p log q: the states are drawn from p (the weights) and the code is designed for q (the "
            "log). -sum q log p is H(q, p), another number.",
            f"{MISTAKES}:cross_entropy_swapped",
        ),
        Mistake(
            "KL divergence only",
            "H(p, q) = H(p) + KL(p || q): sum p log(p / q) is only the extra part; the cross-entropy is "
            "-sum p log q, which also counts H(p).",
            f"{MISTAKES}:cross_entropy_kl_only",
        ),
        Mistake(
            "nats where another base is asked",
            "np.log gives nats: in base b divide by ln b (base 2 gives bits).",
            f"{MISTAKES}:cross_entropy_nats_always",
        ),
        Mistake(
            "0 log 0 taken as NaN",
            "a state with p = 0 adds 0, even where q = 0 too; NumPy's 0 * log(0) is nan: leave the states with "
            "p = 0 out of the sum.",
            f"{MISTAKES}:cross_entropy_nan_for_zero",
        ),
    ),
)


# -- information.mutual_information ---------------------------------------------------------------------


def dependent_table(rng: np.random.Generator, m: int, k: int) -> np.ndarray:
    """A joint table of shape (m, k) with zero entries, P[0, -1] among them, drawn again until its mutual
    information is at least :data:`SEPARATION` nats."""
    while True:
        P = rng.uniform(0.0, 1.0, size=(m, k)) ** 3
        P[rng.random(size=(m, k)) < 0.25] = 0.0
        P += 0.6 * np.eye(m, k)
        P[0, -1] = 0.0
        P = representable(P / P.sum())
        independent = np.outer(P.sum(axis=1), P.sum(axis=0))
        if _kl_over_support(P, independent) >= SEPARATION:
            return P


def check_mutual_information_worked_example(t: Trial) -> None:
    """'mutual_information' of an independent 2x2 table (0), of y = x ([[0.5, 0], [0, 0.5]]: 1 bit, ln 2 nats) and of a 2x3 table."""
    independent = np.array([[0.125, 0.375], [0.125, 0.375]])
    same = np.array([[0.5, 0.0], [0.0, 0.5]])
    table = np.array([[0.25, 0.125, 0.0], [0.0, 0.125, 0.5]])
    _values(t, "mutual_information", [(independent, BITS), (same, BITS), (same, NATS), (table, BITS)], show=True)


def check_mutual_information_random(t: Trial) -> None:
    """'mutual_information' of random 3x4 and 4x2 joint tables with zero entries, in bits and nats."""
    _values(t, "mutual_information", [(dependent_table(t.rng, 3, 4), BITS), (dependent_table(t.rng, 4, 2), NATS)])


def check_mutual_information_hidden(t: Trial) -> None:
    """'mutual_information' of new joint tables, in bits and nats."""
    m, k = int(t.rng.integers(2, 6)), int(t.rng.integers(2, 6))
    _values(t, "mutual_information", [(dependent_table(t.rng, m, k), BITS), (dependent_table(t.rng, k, m), NATS)])


MUTUAL_INFORMATION = Exercise(
    id="information.mutual_information",
    title="The mutual information of a joint table, KL(P(x, y) || P(x) P(y))",
    notes="1.2.4 (entropy and KL divergence); 1.2.3.1 (marginals); 1.2.3.2 (independence)",
    student=StudentFunction("information", "mutual_information"),
    reference="reference.information:mutual_information",
    torch_reference="reference.information_torch:mutual_information",
    checks=(
        Check(check_mutual_information_worked_example, points=1),
        Check(check_mutual_information_random, points=2),
        Check(check_mutual_information_hidden, points=2, hidden=True),
    ),
    input_classes=("on the boundary: P",),
    mistakes=(
        Mistake(
            "product of the marginals wrongly normalised",
            "the marginals SUM the table over the other variable (P(x_i) = sum_j P[i, j]); their outer product is then "
            "a distribution summing to 1. Means make it m k times too small.",
            f"{MISTAKES}:mutual_information_marginals_averaged",
        ),
        Mistake(
            "KL the wrong way round",
            "I(x; y) = KL(P(x, y) || P(x) P(y)): the expectation is over the JOINT, sum P log(P / (P(x) P(y))).",
            f"{MISTAKES}:mutual_information_reversed",
        ),
        Mistake(
            "nats where another base is asked",
            "np.log gives nats: in base b divide by ln b (base 2 gives bits).",
            f"{MISTAKES}:mutual_information_nats_always",
        ),
        Mistake(
            "0 log 0 taken as NaN",
            "an entry P[i, j] = 0 adds 0 to the mutual information; NumPy's 0 * log(0) is nan: leave the zero "
            "entries out of the sum.",
            f"{MISTAKES}:mutual_information_nan_for_zero",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (ENTROPY, KL_DIVERGENCE, CROSS_ENTROPY, MUTUAL_INFORMATION)
