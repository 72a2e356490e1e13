"""Pruning in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np

from _loops import matmul


def _smallest(values, k):
    """The positions of the k smallest values, ties in order of position (a stable sort)."""
    return sorted(range(len(values)), key=lambda i: (values[i], i))[:k]


def magnitude_mask(W, sparsity):
    W = np.asarray(W, dtype=float)
    flat = [abs(W[index]) for index in np.ndindex(W.shape)]
    keep = [True] * len(flat)
    for i in _smallest(flat, int(round(float(sparsity) * len(flat)))):
        keep[i] = False
    return np.array(keep, dtype=bool).reshape(W.shape)


def global_magnitude_masks(weights, sparsity):
    layers = [np.asarray(W, dtype=float) for W in weights]
    flat = [abs(W[index]) for W in layers for index in np.ndindex(W.shape)]
    keep = [True] * len(flat)
    for i in _smallest(flat, int(round(float(sparsity) * len(flat)))):
        keep[i] = False
    masks, start = [], 0
    for W in layers:
        masks.append(np.array(keep[start:start + W.size], dtype=bool).reshape(W.shape))
        start += W.size
    return masks, [not any(mask.ravel()) for mask in masks]


def structured_mask(W, sparsity, p):
    W = np.asarray(W, dtype=float)
    norms = []
    for r in range(W.shape[0]):
        total = 0.0
        for index in np.ndindex(W.shape[1:]):
            total += abs(W[(r,) + index]) ** p
        norms.append(total ** (1.0 / p))
    keep = [True] * W.shape[0]
    for r in _smallest(norms, int(round(float(sparsity) * W.shape[0]))):
        keep[r] = False
    mask = np.zeros(W.shape, dtype=bool)
    for index in np.ndindex(W.shape):
        mask[index] = keep[index[0]]
    return mask


def _sigmoid(u):
    return 1.0 / (1.0 + math.exp(-u)) if u >= 0 else math.exp(u) / (1.0 + math.exp(u))


def snip_saliencies(W1, b1, W2, b2, X, Y):
    W1, b1, W2, b2, X, Y = (np.asarray(a, dtype=float) for a in (W1, b1, W2, b2, X, Y))
    n, h, o = X.shape[0], W1.shape[0], W2.shape[0]
    A = matmul(X, W1.T)
    for i in range(n):
        for j in range(h):
            A[i, j] = _sigmoid(A[i, j] + b1[j])
    R = matmul(A, W2.T)
    for i in range(n):
        for k in range(o):
            R[i, k] = (R[i, k] + b2[k] - Y[i, k]) / n
    G2 = matmul(R.T, A)
    back = matmul(R, W2)
    for i in range(n):
        for j in range(h):
            back[i, j] *= A[i, j] * (1.0 - A[i, j])
    G1 = matmul(back.T, X)
    S1, S2 = np.zeros(W1.shape), np.zeros(W2.shape)
    for index in np.ndindex(W1.shape):
        S1[index] = abs(G1[index] * W1[index])
    for index in np.ndindex(W2.shape):
        S2[index] = abs(G2[index] * W2[index])
    return S1, S2


def lottery_ticket(W_init, X, Y, eta, steps, rounds, rate):
    W_init, X, Y = (np.asarray(a, dtype=float) for a in (W_init, X, Y))
    n = X.shape[0]

    def train(W, M):
        for _ in range(int(steps)):
            R = matmul(X, W.T)
            for index in np.ndindex(R.shape):
                R[index] -= Y[index]
            G = matmul(R.T, X)
            new = np.zeros(W.shape)
            for index in np.ndindex(W.shape):
                new[index] = (W[index] - eta * G[index] / n) * M[index]
            W = new
        return W

    M = np.ones(W_init.shape, dtype=bool)
    trained = W_init
    for _ in range(int(rounds)):
        start = np.zeros(W_init.shape)
        for index in np.ndindex(W_init.shape):
            start[index] = W_init[index] * M[index]
        trained = train(start, M)
        flat_mask = [bool(M[index]) for index in np.ndindex(M.shape)]
        flat_trained = [trained[index] for index in np.ndindex(M.shape)]
        alive = [i for i in range(len(flat_mask)) if flat_mask[i]]
        k = int(round(float(rate) * len(alive)))
        for position in _smallest([abs(flat_trained[i]) for i in alive], k):
            flat_mask[alive[position]] = False
        M = np.array(flat_mask, dtype=bool).reshape(W_init.shape)
    kept = np.zeros(W_init.shape)
    for index in np.ndindex(W_init.shape):
        kept[index] = W_init[index] * M[index]
    return M, kept, trained


def obd_saliencies(W1, b1, W2, b2, X, Y):
    W1, b1, W2, b2, X, Y = (np.asarray(a, dtype=float) for a in (W1, b1, W2, b2, X, Y))
    n, h, o = X.shape[0], W1.shape[0], W2.shape[0]
    A = matmul(X, W1.T)
    for i in range(n):
        for j in range(h):
            A[i, j] = _sigmoid(A[i, j] + b1[j])
    Z = matmul(A, W2.T)
    for i in range(n):
        for k in range(o):
            Z[i, k] += b2[k]
    H1 = np.zeros(W1.shape)
    for j in range(h):
        column = 0.0
        for k in range(o):
            column += W2[k, j] ** 2
        for i in range(n):
            d1 = A[i, j] * (1.0 - A[i, j])
            d2 = d1 * (1.0 - 2.0 * A[i, j])
            back = 0.0
            for k in range(o):
                back += (Z[i, k] - Y[i, k]) * W2[k, j]
            weight = d1 * d1 * column + d2 * back
            for m in range(X.shape[1]):
                H1[j, m] += weight * X[i, m] ** 2 / n
    S1, S2 = np.zeros(W1.shape), np.zeros(W2.shape)
    for index in np.ndindex(W1.shape):
        S1[index] = H1[index] * W1[index] ** 2 / 2
    for k in range(o):
        for j in range(h):
            mean = 0.0
            for i in range(n):
                mean += A[i, j] ** 2
            S2[k, j] = mean / n * W2[k, j] ** 2 / 2
    return S1, S2
