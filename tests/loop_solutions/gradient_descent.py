"""Gradient descent on a quadratic in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import numpy as np


def iterates(A, b, w0, eta, T):
    A, b = np.asarray(A, dtype=float), np.asarray(b, dtype=float)
    w = np.array(w0, dtype=float)
    rows = [w]
    for _ in range(T):
        new = np.zeros(len(w))
        for i in range(len(w)):
            g = -b[i]
            for j in range(len(w)):
                g += A[i, j] * w[j]
            new[i] = w[i] - eta * g
        w = new
        rows.append(w)
    return np.array(rows)
