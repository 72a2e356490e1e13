"""Sigmoid neurons in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def adder_perceptrons(x1, x2):
    def unit(inputs, weights, bias):
        total = bias
        for x, w in zip(inputs, weights):
            total += w * x
        return 1 if total > 0 else 0

    in1 = unit([x1, x2], [-2, -2], 3)
    in2 = unit([x1, in1], [-2, -2], 3)
    in3 = unit([x2, in1], [-2, -2], 3)
    return np.array([unit([in2, in3], [-2, -2], 3), unit([in1], [-4], 3)])


def adder_sigmoid(x1, x2, c):
    def unit(inputs, weights, bias):
        total = bias
        for x, w in zip(inputs, weights):
            total += w * x
        return 1.0 / (1.0 + math.exp(-c * total))

    in1 = unit([x1, x2], [-2.0, -2.0], 3.0)
    in2 = unit([x1, in1], [-2.0, -2.0], 3.0)
    in3 = unit([x2, in1], [-2.0, -2.0], 3.0)
    return np.array([unit([in2, in3], [-2.0, -2.0], 3.0), unit([in1], [-4.0], 3.0)], dtype=float)


def scaled_limit(w, b, X):
    X = np.asarray(X, dtype=float)
    out = np.zeros(len(X))
    for r in range(len(X)):
        net = b
        for i in range(X.shape[1]):
            net += X[r, i] * w[i]
        out[r] = 1.0 if net > 0 else (0.0 if net < 0 else 0.5)
    return out
