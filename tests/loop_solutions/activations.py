"""Activation functions in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def _each(z, function):
    z = np.asarray(z, dtype=float)
    values, slopes = np.zeros(z.shape), np.zeros(z.shape)
    for index in np.ndindex(z.shape):
        values[index], slopes[index] = function(float(z[index]))
    return values, slopes


def relu(z):
    return _each(z, lambda x: (x if x > 0 else 0.0, 1.0 if x > 0 else 0.0))


def leaky_relu(z, alpha=0.01):
    return _each(z, lambda x: (x, 1.0) if x > 0 else (alpha * x, float(alpha)))


def elu(z, alpha=1.0):
    return _each(z, lambda x: (x, 1.0) if x > 0 else (alpha * (math.exp(x) - 1.0), alpha * math.exp(x)))


def gelu(z):
    def one(x):
        cdf = 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))
        return x * cdf, cdf + x * math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)

    return _each(z, one)


def _lines(Z, axis):
    """Every 1-D line of Z along ``axis``, as index tuples."""
    axis = axis % Z.ndim
    shape = Z.shape[:axis] + Z.shape[axis + 1:]
    for outer in np.ndindex(shape):
        yield [outer[:axis] + (k,) + outer[axis:] for k in range(Z.shape[axis])]


def softmax(Z, axis=-1):
    Z = np.asarray(Z, dtype=float)
    out = np.zeros(Z.shape)
    for line in _lines(Z, axis):
        top = max(Z[i] for i in line)
        e = [math.exp(Z[i] - top) for i in line]
        total = sum(e)
        for i, v in zip(line, e):
            out[i] = v / total
    return out


def log_softmax(Z, axis=-1):
    Z = np.asarray(Z, dtype=float)
    out = np.zeros(Z.shape)
    for line in _lines(Z, axis):
        top = max(Z[i] for i in line)
        total = sum(math.exp(Z[i] - top) for i in line)
        for i in line:
            out[i] = Z[i] - top - math.log(total)
    return out


def softmax_backward(Z, G, axis=-1):
    Z, G = np.asarray(Z, dtype=float), np.asarray(G, dtype=float)
    S = softmax(Z, axis)
    out = np.zeros(Z.shape)
    for line in _lines(Z, axis):
        dot = 0.0
        for i in line:
            dot += G[i] * S[i]
        for i in line:
            out[i] = S[i] * (G[i] - dot)
    return out
