"""Dropout in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import numpy as np


def inverted_dropout(X, U, p):
    X, U = np.asarray(X, dtype=float), np.asarray(U, dtype=float)
    Y = np.zeros(X.shape)
    for index in np.ndindex(X.shape):
        Y[index] = X[index] / (1.0 - p) if U[index] >= p else 0.0
    return Y


def dropout_layer(X, U, p, training, inverted):
    X = np.asarray(X, dtype=float)
    Y = np.zeros(X.shape)
    for index in np.ndindex(X.shape):
        if training:
            kept = X[index] if np.asarray(U, dtype=float)[index] >= p else 0.0
            Y[index] = kept / (1.0 - p) if inverted else kept
        else:
            Y[index] = X[index] if inverted else (1.0 - p) * X[index]
    return Y


def sample_dropout(X, p, seed):
    X = np.asarray(X, dtype=float)
    U = np.random.default_rng(seed).random(X.shape)
    Y = np.zeros(X.shape)
    for index in np.ndindex(X.shape):
        Y[index] = X[index] / (1.0 - p) if U[index] >= p else 0.0
    return Y
