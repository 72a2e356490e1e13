"""Jacobians, Hessians and directional derivatives in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def _layer(W, b, x):
    return [sum(W[i, k] * x[k] for k in range(len(x))) + b[i] for i in range(W.shape[0])]


def jacobian_central(W, b, x, h):
    W, b, x = (np.asarray(a, dtype=float) for a in (W, b, x))
    J = np.zeros((W.shape[0], len(x)))
    for j in range(len(x)):
        plus, minus = x.copy(), x.copy()
        plus[j] += h
        minus[j] -= h
        up, down = _layer(W, b, plus), _layer(W, b, minus)
        for i in range(W.shape[0]):
            J[i, j] = (math.tanh(up[i]) - math.tanh(down[i])) / (2 * h)
    return J


def jacobian(W, b, x):
    W, b, x = (np.asarray(a, dtype=float) for a in (W, b, x))
    z = _layer(W, b, x)
    J = np.zeros(W.shape)
    for i in range(W.shape[0]):
        slope = 1 - math.tanh(z[i]) ** 2
        for j in range(W.shape[1]):
            J[i, j] = slope * W[i, j]
    return J


def _logsumexp(W, c, v):
    z = _layer(W, c, v)
    top = max(z)
    return top + math.log(sum(math.exp(value - top) for value in z))


def hessian_central(W, c, x, h):
    W, c, x = (np.asarray(a, dtype=float) for a in (W, c, x))
    n = len(x)

    def gradient(y):
        g = np.zeros(n)
        for j in range(n):
            plus, minus = y.copy(), y.copy()
            plus[j] += h
            minus[j] -= h
            g[j] = (_logsumexp(W, c, plus) - _logsumexp(W, c, minus)) / (2 * h)
        return g

    H = np.zeros((n, n))
    for j in range(n):
        plus, minus = x.copy(), x.copy()
        plus[j] += h
        minus[j] -= h
        up, down = gradient(plus), gradient(minus)
        for i in range(n):
            H[i, j] = (up[i] - down[i]) / (2 * h)
    return H


def _softmax_of_layer(W, c, x):
    z = _layer(W, c, x)
    top = max(z)
    e = [math.exp(value - top) for value in z]
    total = sum(e)
    return [value / total for value in e]


def hessian(W, c, x):
    W, c, x = (np.asarray(a, dtype=float) for a in (W, c, x))
    s = _softmax_of_layer(W, c, x)
    m, n = W.shape
    H = np.zeros((n, n))
    for a in range(n):
        for b in range(n):
            total = 0.0
            for i in range(m):
                for j in range(m):
                    total += W[i, a] * ((s[i] if i == j else 0.0) - s[i] * s[j]) * W[j, b]
            H[a, b] = total
    return H


def directional_derivative(W, c, x, u):
    W, c, x, u = (np.asarray(a, dtype=float) for a in (W, c, x, u))
    s = _softmax_of_layer(W, c, x)
    gradient = [sum(W[i, k] * s[i] for i in range(W.shape[0])) for k in range(W.shape[1])]
    norm = math.sqrt(sum(value * value for value in u))
    return sum(gradient[k] * u[k] for k in range(len(u))) / norm
