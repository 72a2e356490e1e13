"""Costs and penalties in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np

from _loops import each, total


def quadratic_cost(A, Y):
    A, Y = np.asarray(A, dtype=float), np.asarray(Y, dtype=float)
    n = A.shape[0]
    return total(each(lambda a, y: (y - a) ** 2, A, Y)) / (2 * n), each(lambda a, y: (a - y) / n, A, Y)


def binary_cross_entropy(Z, Y):
    Z, Y = np.asarray(Z, dtype=float), np.asarray(Y, dtype=float)
    n = Z.shape[0]
    C = -total(each(lambda z, y: y * math.log(z) + (1.0 - y) * math.log(1.0 - z), Z, Y)) / n
    return C, each(lambda z, y: (z - y) / (z * (1.0 - z)) / n, Z, Y)


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def binary_cross_entropy_with_logits(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    n = X.shape[0]
    C = total(each(lambda x, y: max(x, 0.0) - x * y + math.log1p(math.exp(-abs(x))), X, Y)) / n
    return C, each(lambda x, y: (_sigmoid(x) - y) / n, X, Y)


def cross_entropy(X, labels):
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    cost, gradient = 0.0, np.zeros(X.shape)
    for r in range(n):
        top = X[r, 0]
        for j in range(k):
            if X[r, j] > top:
                top = X[r, j]
        s = 0.0
        for j in range(k):
            s += math.exp(X[r, j] - top)
        label = int(labels[r])
        cost -= X[r, label] - top - math.log(s)
        for j in range(k):
            gradient[r, j] = (math.exp(X[r, j] - top) / s - (1.0 if j == label else 0.0)) / n
    return cost / n, gradient


def l2_penalty(params, lam):
    penalty, gradients = 0.0, {}
    for name, value in params.items():
        if name.endswith("weight"):
            penalty += lam / 2 * total(each(lambda w: w * w, value))
            gradients[name] = each(lambda w: lam * w, value)
        else:
            gradients[name] = each(lambda w: 0.0, value)
    return penalty, gradients


def l1_penalty(params, lam):
    penalty, gradients = 0.0, {}
    for name, value in params.items():
        if name.endswith("weight"):
            penalty += lam * total(each(abs, value))
            gradients[name] = each(lambda w: lam * (1.0 if w > 0 else (-1.0 if w < 0 else 0.0)), value)
        else:
            gradients[name] = each(lambda w: 0.0, value)
    return penalty, gradients


def weight_decay_step(params, grads, eta, lam):
    after = {}
    for name, value in params.items():
        decay = 1.0 - eta * lam if name.endswith("weight") else 1.0
        after[name] = each(lambda w, g: decay * w - eta * g, value, grads[name])
    return after
