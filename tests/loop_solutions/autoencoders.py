"""Autoencoders' arithmetic in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def _sigmoid(a):
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


def _dense(X, W, b, activation):
    X, W, b = (np.asarray(a, dtype=float) for a in (X, W, b))
    out = np.zeros((X.shape[0], W.shape[0]))
    for r in range(X.shape[0]):
        for j in range(W.shape[0]):
            s = b[j]
            for k in range(W.shape[1]):
                s += W[j, k] * X[r, k]
            out[r, j] = activation(s)
    return out


def _squared_error(X, R):
    total = 0.0
    for index in np.ndindex(X.shape):
        total += (X[index] - R[index]) ** 2
    return total / len(X)


def autoencode(X, W_enc, b_enc, W_dec, b_dec):
    X = np.asarray(X, dtype=float)
    H = _dense(X, W_enc, b_enc, _sigmoid)
    R = _dense(H, W_dec, b_dec, lambda s: s)
    return H, R, _squared_error(X, R)


def sparse_loss(X, W_enc, b_enc, W_dec, b_dec, lam):
    X, W_dec = np.asarray(X, dtype=float), np.asarray(W_dec, dtype=float)
    H = _dense(X, W_enc, b_enc, lambda s: max(s, 0.0))
    R = _dense(H, W_dec, b_dec, lambda s: s)
    N = len(X)
    total = 0.0
    for index in np.ndindex(X.shape):
        total += (X[index] - R[index]) ** 2
    for index in np.ndindex(H.shape):
        total += lam * abs(H[index])
    G = np.zeros(H.shape)
    for r in range(N):
        for j in range(H.shape[1]):
            s = 0.0
            for i in range(X.shape[1]):
                s += 2.0 * (R[r, i] - X[r, i]) * W_dec[i, j]
            sign = 1.0 if H[r, j] > 0 else (-1.0 if H[r, j] < 0 else 0.0)
            G[r, j] = (s + lam * sign) / N
    return total / N, G


def denoising_loss(X, mask, noise, W_enc, b_enc, W_dec, b_dec):
    X, mask, noise = (np.asarray(a, dtype=float) for a in (X, mask, noise))
    noisy = np.zeros(X.shape)
    for index in np.ndindex(X.shape):
        noisy[index] = mask[index] * X[index] + noise[index]
    _, R, _ = autoencode(noisy, W_enc, b_enc, W_dec, b_dec)
    return noisy, R, _squared_error(X, R)


def contractive_penalty(X, W_enc, b_enc, lam):
    X, W_enc = np.asarray(X, dtype=float), np.asarray(W_enc, dtype=float)
    H = _dense(X, W_enc, b_enc, _sigmoid)
    J = np.zeros((X.shape[0],) + W_enc.shape)
    total = 0.0
    for r in range(X.shape[0]):
        for j in range(W_enc.shape[0]):
            slope = H[r, j] * (1.0 - H[r, j])
            for k in range(W_enc.shape[1]):
                J[r, j, k] = slope * W_enc[j, k]
                total += J[r, j, k] ** 2
    return lam * total / len(X), J
