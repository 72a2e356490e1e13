"""Known mistakes in the information exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/information.py`` name them with a hint.
"""

from __future__ import annotations

import math

import numpy as np

from reference.information import cross_entropy, entropy, kl_divergence, mutual_information


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _naive(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``p ln q`` with NumPy's own 0 * ln 0 = 0 * -inf = NaN."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return p * np.log(q)


# -- entropy -------------------------------------------------------------------------------------------


def entropy_nats_always(p, base):
    """Uses the natural log whatever the base: nats where bits are asked."""
    return entropy(p, math.e)


def entropy_bits_always(p, base):
    """Uses log2 whatever the base: bits where nats are asked."""
    return entropy(p, 2.0)


def entropy_nan_for_zero(p, base):
    """Computes p log p with NumPy directly: 0 log 0 gives NaN."""
    p = _floats(p)
    return float(-_naive(p, p).sum() / math.log(float(base)))


def entropy_sign(p, base):
    """Leaves out the minus sign: sum p log p, which is never positive."""
    return -entropy(p, base)


# -- kl_divergence ----------------------------------------------------------------------------------------


def kl_divergence_swapped(p, q, base):
    """Computes KL(q || p) instead of KL(p || q)."""
    return kl_divergence(q, p, base)


def kl_divergence_nan_for_zero(p, q, base):
    """Computes p log(p / q) with NumPy directly: a state with p = 0 gives NaN."""
    p, q = _floats(p), _floats(q)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float((p * np.log(p / q)).sum() / math.log(float(base)))


def kl_divergence_no_infinity(p, q, base):
    """Skips the states where q = 0, so KL stays finite where it is +inf."""
    p, q = _floats(p), _floats(q)
    keep = q > 0
    return kl_divergence(p[keep], q[keep], base)


def kl_divergence_nats_always(p, q, base):
    """Uses the natural log whatever the base."""
    return kl_divergence(p, q, math.e)


# -- cross_entropy ------------------------------------------------------------------------------------------


def cross_entropy_swapped(p, q, base):
    """Computes H(q, p) = -sum q log p instead of H(p, q)."""
    return cross_entropy(q, p, base)


def cross_entropy_kl_only(p, q, base):
    """Gives KL(p || q), leaving out the H(p) of H(p, q) = H(p) + KL(p || q)."""
    return kl_divergence(p, q, base)


def cross_entropy_nats_always(p, q, base):
    """Uses the natural log whatever the base."""
    return cross_entropy(p, q, math.e)


def cross_entropy_nan_for_zero(p, q, base):
    """Computes -p log q with NumPy directly: a state with p = q = 0 gives NaN."""
    p, q = _floats(p), _floats(q)
    return float(-_naive(p, q).sum() / math.log(float(base)))


# -- mutual_information ---------------------------------------------------------------------------------------


def mutual_information_marginals_averaged(P, base):
    """Builds the product of the marginals from MEANS over the other variable: P(x) P(y) too small by m k."""
    P = _floats(P)
    independent = np.outer(P.mean(axis=1), P.mean(axis=0))
    positive = P > 0
    return float((P[positive] * np.log(P[positive] / independent[positive])).sum() / math.log(float(base)))


def mutual_information_reversed(P, base):
    """Computes KL(P(x) P(y) || P) instead of KL(P || P(x) P(y))."""
    P = _floats(P)
    return kl_divergence(np.outer(P.sum(axis=1), P.sum(axis=0)), P, base)


def mutual_information_nats_always(P, base):
    """Uses the natural log whatever the base."""
    return mutual_information(P, math.e)


def mutual_information_nan_for_zero(P, base):
    """Computes P log(P / (P(x) P(y))) with NumPy directly: a zero entry gives NaN."""
    P = _floats(P)
    independent = np.outer(P.sum(axis=1), P.sum(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        return float((P * np.log(P / independent)).sum() / math.log(float(base)))
