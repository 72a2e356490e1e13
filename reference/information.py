"""Information theory in NumPy (course notes 1.2.4): entropy, KL divergence, cross-entropy and mutual
information of discrete distributions, in any base.

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters, float64 throughout. Conventions
(the notes'; where a library's differ, the exercises say so and a check
tells them apart):

- the base of the logarithm is passed in: 2 gives bits, e gives nats
  (``log_b x = ln x / ln b``);
- ``0 log 0 = 0`` (the limit of x log x): a state with p = 0 adds nothing
  to an entropy, a KL divergence or a cross-entropy, whatever q is there;
- where ``q = 0 < p`` the KL divergence and the cross-entropy are ``+inf``;
- the distributions are used as given: they are NOT renormalised
  (``scipy.stats.entropy`` divides pk and qk by their sums first);
- ``KL(p || q)`` puts p first, as the notes do (``F.kl_div(input, target)``
  takes ``log q`` first and p second, and ``scipy.special.rel_entr(p, q)``
  gives the terms, in nats);
- a joint table ``P[i, j] = P(x = x_i, y = y_j)`` has rows for x and columns for y.
"""

from __future__ import annotations

import math

import numpy as np


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _plogq(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``p ln q`` term by term, 0 where p = 0 (whatever q is), -inf where q = 0 < p."""
    out = np.zeros(np.broadcast(p, q).shape)
    positive = p > 0
    with np.errstate(divide="ignore"):
        out[positive] = p[positive] * np.log(np.broadcast_to(q, out.shape)[positive])
    return out


def entropy(p, base) -> float:
    """Shannon's entropy ``H(p) = -sum_x p(x) log_b p(x)``, with ``0 log 0 = 0``.

    Parameters
    ----------
    p : ndarray of any shape, a PMF (a joint table gives the joint entropy)
    base : float > 1, the logarithm's base (2: bits, e: nats)

    Returns
    -------
    float
    """
    p = _floats(p)
    return float(-_plogq(p, p).sum() / math.log(float(base)))


def kl_divergence(p, q, base) -> float:
    """``KL(p || q) = sum_x p(x) log_b (p(x) / q(x))``: 0 where p = 0, +inf if q = 0 < p anywhere.

    Parameters
    ----------
    p, q : ndarrays of the same shape, PMFs over the same states
    base : float > 1

    Returns
    -------
    float (+inf where q = 0 < p)
    """
    p, q = _floats(p), _floats(q)
    if ((q == 0) & (p > 0)).any():
        return math.inf
    return float((_plogq(p, p) - _plogq(p, q)).sum() / math.log(float(base)))


def cross_entropy(p, q, base) -> float:
    """``H(p, q) = -sum_x p(x) log_b q(x) = H(p) + KL(p || q)``: 0 where p = 0, +inf if q = 0 < p anywhere.

    Parameters
    ----------
    p : ndarray, the distribution the states are drawn from
    q : ndarray of p's shape, the distribution the code is designed for
    base : float > 1

    Returns
    -------
    float (+inf where q = 0 < p)
    """
    p, q = _floats(p), _floats(q)
    if ((q == 0) & (p > 0)).any():
        return math.inf
    return float(-_plogq(p, q).sum() / math.log(float(base)))


def mutual_information(P, base) -> float:
    """``I(x; y) = sum_ij P[i, j] log_b (P[i, j] / (P(x_i) P(y_j))) = KL(P || P(x) P(y))``, 0 log 0 = 0.

    Parameters
    ----------
    P : ndarray of shape (m, k), a joint PMF with rows for x and columns for y
    base : float > 1

    Returns
    -------
    float
    """
    P = _floats(P)
    independent = np.outer(P.sum(axis=1), P.sum(axis=0))
    return float((_plogq(P, P) - _plogq(P, independent)).sum() / math.log(float(base)))
