"""Helpers the loop solutions share: one scalar at a time, over every index of an array."""

import numpy as np


def each(function, *arrays):
    """``function`` applied to the entries of ``arrays`` (one shape), index by index, in a new float array."""
    arrays = [np.asarray(a, dtype=float) for a in arrays]
    out = np.zeros(arrays[0].shape)
    for index in np.ndindex(out.shape):
        out[index] = function(*(float(a[index]) for a in arrays))
    return out


def total(A):
    """The sum of every entry, added one at a time."""
    A = np.asarray(A, dtype=float)
    result = 0.0
    for index in np.ndindex(A.shape):
        result += float(A[index])
    return result


def column_means(A):
    A = np.asarray(A, dtype=float)
    means = np.zeros(A.shape[1])
    for j in range(A.shape[1]):
        s = 0.0
        for i in range(A.shape[0]):
            s += A[i, j]
        means[j] = s / A.shape[0]
    return means


def column_variances(A, ddof=0):
    A = np.asarray(A, dtype=float)
    mu = column_means(A)
    out = np.zeros(A.shape[1])
    for j in range(A.shape[1]):
        s = 0.0
        for i in range(A.shape[0]):
            s += (A[i, j] - mu[j]) ** 2
        out[j] = s / (A.shape[0] - ddof)
    return out


def matmul(A, B):
    """The product of two matrices, one multiply-add at a time."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    n, k = A.shape
    m = B.shape[1]
    C = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            s = 0.0
            for t in range(k):
                s += A[i, t] * B[t, j]
            C[i, j] = s
    return C
