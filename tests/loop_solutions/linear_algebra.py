"""Linear maps in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import numpy as np


def determinant(A):
    """By Gaussian elimination with partial pivoting, one row operation at a time."""
    M = [[float(v) for v in row] for row in np.asarray(A, dtype=float)]
    n = len(M)
    det = 1.0
    for c in range(n):
        pivot = max(range(c, n), key=lambda r: abs(M[r][c]))
        if M[pivot][c] == 0.0:
            return 0.0
        if pivot != c:
            M[c], M[pivot] = M[pivot], M[c]
            det = -det
        det *= M[c][c]
        for r in range(c + 1, n):
            factor = M[r][c] / M[c][c]
            for k in range(c, n):
                M[r][k] -= factor * M[c][k]
    return det


def images(A, V):
    A, V = np.asarray(A, dtype=float), np.asarray(V, dtype=float)
    out = np.zeros((V.shape[0], A.shape[0]))
    for r in range(V.shape[0]):
        for i in range(A.shape[0]):
            s = 0.0
            for j in range(A.shape[1]):
                s += A[i, j] * V[r, j]
            out[r, i] = s
    return out
