"""Information theory in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def _plogq(p, q):
    """sum p ln q over the states with p > 0, one state at a time; None where q = 0 < p (an infinite term)."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    total = 0.0
    for index in np.ndindex(p.shape):
        if p[index] > 0:
            if q[index] == 0:
                return None
            total += float(p[index]) * math.log(float(q[index]))
    return total


def entropy(p, base):
    return -_plogq(p, p) / math.log(base)


def kl_divergence(p, q, base):
    cross = _plogq(p, q)
    return math.inf if cross is None else (_plogq(p, p) - cross) / math.log(base)


def cross_entropy(p, q, base):
    cross = _plogq(p, q)
    return math.inf if cross is None else -cross / math.log(base)


def mutual_information(P, base):
    P = np.asarray(P, dtype=float)
    m, k = P.shape
    px, py = [0.0] * m, [0.0] * k
    for i in range(m):
        for j in range(k):
            px[i] += float(P[i, j])
            py[j] += float(P[i, j])
    total = 0.0
    for i in range(m):
        for j in range(k):
            if P[i, j] > 0:
                total += float(P[i, j]) * (math.log(float(P[i, j])) - math.log(px[i] * py[j]))
    return total / math.log(base)
