"""Restricted Boltzmann machines in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def _logistic(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def hidden_probabilities(V, W, c, T=1.0):
    V, W, c = np.asarray(V, dtype=float), np.asarray(W, dtype=float), np.asarray(c, dtype=float)
    B, n_v = V.shape
    n_h = W.shape[1]
    Q = np.zeros((B, n_h))
    for r in range(B):
        for j in range(n_h):
            total = c[j]
            for i in range(n_v):
                total += V[r, i] * W[i, j]
            Q[r, j] = _logistic(total / T)
    return Q


def visible_probabilities(H, W, b, T=1.0):
    H, W, b = np.asarray(H, dtype=float), np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    B, n_h = H.shape
    n_v = W.shape[0]
    P = np.zeros((B, n_v))
    for r in range(B):
        for i in range(n_v):
            total = b[i]
            for j in range(n_h):
                total += H[r, j] * W[i, j]
            P[r, i] = _logistic(total / T)
    return P


def sample_states(P, U=None):
    P = np.asarray(P, dtype=float)
    S = np.zeros(P.shape)
    for index in np.ndindex(P.shape):
        if U is None:
            S[index] = 1.0 if P[index] >= 0.5 else 0.0
        else:
            S[index] = 1.0 if np.asarray(U, dtype=float)[index] < P[index] else 0.0
    return S


def energy(V, H, W, b, c):
    V, H, W = np.asarray(V, dtype=float), np.asarray(H, dtype=float), np.asarray(W, dtype=float)
    b, c = np.asarray(b, dtype=float), np.asarray(c, dtype=float)
    E = np.zeros(len(V))
    for r in range(len(V)):
        total = 0.0
        for i in range(V.shape[1]):
            for j in range(H.shape[1]):
                total += V[r, i] * W[i, j] * H[r, j]
        for i in range(V.shape[1]):
            total += V[r, i] * b[i]
        for j in range(H.shape[1]):
            total += H[r, j] * c[j]
        E[r] = -total
    return E


def _softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def free_energy(V, W, b, c):
    V, W = np.asarray(V, dtype=float), np.asarray(W, dtype=float)
    b, c = np.asarray(b, dtype=float), np.asarray(c, dtype=float)
    F = np.zeros(len(V))
    for r in range(len(V)):
        total = 0.0
        for i in range(V.shape[1]):
            total += V[r, i] * b[i]
        for j in range(W.shape[1]):
            x = c[j]
            for i in range(V.shape[1]):
                x += V[r, i] * W[i, j]
            total += _softplus(x)
        F[r] = -total
    return F


def free_energy_gradients(V, W, b, c):
    V, W = np.asarray(V, dtype=float), np.asarray(W, dtype=float)
    b, c = np.asarray(b, dtype=float), np.asarray(c, dtype=float)
    B, n_v = V.shape
    n_h = W.shape[1]
    gW, gb, gc = np.zeros(W.shape), np.zeros(n_v), np.zeros(n_h)
    Q = hidden_probabilities(V, W, c)
    for r in range(B):
        for i in range(n_v):
            gb[i] -= V[r, i] / B
            for j in range(n_h):
                gW[i, j] -= V[r, i] * Q[r, j] / B
        for j in range(n_h):
            gc[j] -= Q[r, j] / B
    return gW, gb, gc


def _update(V0, Q0, Vs, Qs, W, b, c, eps):
    W, b, c = np.array(W, dtype=float), np.array(b, dtype=float), np.array(c, dtype=float)
    B, n_v = V0.shape
    n_h = W.shape[1]
    for i in range(n_v):
        for j in range(n_h):
            total = 0.0
            for r in range(B):
                total += V0[r, i] * Q0[r, j] - Vs[r, i] * Qs[r, j]
            W[i, j] += eps * total / B
    for i in range(n_v):
        total = 0.0
        for r in range(B):
            total += V0[r, i] - Vs[r, i]
        b[i] += eps * total / B
    for j in range(n_h):
        total = 0.0
        for r in range(B):
            total += Q0[r, j] - Qs[r, j]
        c[j] += eps * total / B
    return W, b, c


def cd1_step(V, W, b, c, eps, U_hidden, U_visible):
    return cd_k(V, W, b, c, eps, [U_hidden], [U_visible])


def cd_k(V, W, b, c, eps, U_hidden, U_visible):
    V0 = np.asarray(V, dtype=float)
    k = len(U_hidden)
    Q0 = hidden_probabilities(V0, W, c)
    H = sample_states(Q0, U_hidden[0])
    for s in range(1, k + 1):
        Vs = sample_states(visible_probabilities(H, W, b), U_visible[s - 1])
        Qs = hidden_probabilities(Vs, W, c)
        if s < k:
            H = sample_states(Qs, U_hidden[s])
    return _update(V0, Q0, Vs, Qs, W, b, c, eps)


def cd1_step_all_sampled(V, W, b, c, eps, U_hidden=None, U_visible=None):
    U_h0, U_h1 = (None, None) if U_hidden is None else (U_hidden[0], U_hidden[1])
    V0 = np.asarray(V, dtype=float)
    H0 = sample_states(hidden_probabilities(V0, W, c), U_h0)
    V1 = sample_states(visible_probabilities(H0, W, b), U_visible)
    H1 = sample_states(hidden_probabilities(V1, W, c), U_h1)
    return _update(V0, H0, V1, H1, W, b, c, eps)


def reconstruction_error(V, W, b, c):
    V = np.asarray(V, dtype=float)
    R = visible_probabilities(hidden_probabilities(V, W, c), W, b)
    total = 0.0
    for index in np.ndindex(V.shape):
        total += (V[index] - R[index]) ** 2
    return total / V.size


def train(V, W, b, c, eps, batch_size, U_hidden, U_visible):
    V = np.asarray(V, dtype=float)
    errors = [reconstruction_error(V, W, b, c)]
    for epoch in range(len(U_hidden)):
        for start in range(0, len(V), batch_size):
            rows = slice(start, start + batch_size)
            W, b, c = cd1_step(V[rows], W, b, c, eps, np.asarray(U_hidden[epoch])[rows],
                               np.asarray(U_visible[epoch])[rows])
        errors.append(reconstruction_error(V, W, b, c))
    return W, b, c, np.array(errors)
