"""Recurrent networks in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def _affine(rows, W, b):
    """``rows @ W.T + b``, one multiply-add at a time."""
    rows, W = np.asarray(rows, dtype=float), np.asarray(W, dtype=float)
    b = np.broadcast_to(np.asarray(b, dtype=float), (W.shape[0],))
    out = np.zeros((rows.shape[0], W.shape[0]))
    for r in range(rows.shape[0]):
        for j in range(W.shape[0]):
            s = b[j]
            for k in range(W.shape[1]):
                s += rows[r, k] * W[j, k]
            out[r, j] = s
    return out


def _sigmoid(u):
    return 1 / (1 + math.exp(-u)) if u >= 0 else math.exp(u) / (1 + math.exp(u))


def _map(function, M):
    out = np.zeros(M.shape)
    for index in np.ndindex(M.shape):
        out[index] = function(M[index])
    return out


def rnn_step(x, a_prev, W_ax, W_aa, b_a, W_ya, b_y):
    x, a_prev = np.asarray(x, dtype=float), np.asarray(a_prev, dtype=float)
    single = x.ndim == 1
    x, a_prev = np.atleast_2d(x), np.atleast_2d(a_prev)
    z = _affine(x, W_ax, b_a) + _affine(a_prev, W_aa, 0.0)
    a = _map(math.tanh, z)
    y = _affine(a, W_ya, b_y)
    return (a[0], y[0]) if single else (a, y)


def rnn_forward(X, W_ax, W_aa, b_a):
    X = np.asarray(X, dtype=float)
    n_a = np.shape(W_aa)[0]
    a = np.zeros((X.shape[0], n_a))
    A = np.zeros((X.shape[0], X.shape[1], n_a))
    for t in range(X.shape[1]):
        a = _map(math.tanh, _affine(X[:, t], W_ax, b_a) + _affine(a, W_aa, 0.0))
        for r in range(X.shape[0]):
            for j in range(n_a):
                A[r, t, j] = a[r, j]
    return A


def rnn_backward(X, W_ax, W_aa, b_a, G):
    X, W_ax, W_aa, G = (np.asarray(M, dtype=float) for M in (X, W_ax, W_aa, G))
    A = rnn_forward(X, W_ax, W_aa, b_a)
    B, T, n_a = A.shape
    n_x = X.shape[2]
    if G.ndim == 2:
        full = np.zeros((B, T, n_a))
        for r in range(B):
            for j in range(n_a):
                full[r, T - 1, j] = G[r, j]
        G = full
    dW_ax, dW_aa, db_a, dX = np.zeros(W_ax.shape), np.zeros(W_aa.shape), np.zeros(n_a), np.zeros(X.shape)
    da_next = np.zeros((B, n_a))
    for t in range(T - 1, -1, -1):
        dz = np.zeros((B, n_a))
        for r in range(B):
            for j in range(n_a):
                dz[r, j] = (G[r, t, j] + da_next[r, j]) * (1 - A[r, t, j] ** 2)
        new_next = np.zeros((B, n_a))
        for r in range(B):
            for j in range(n_a):
                db_a[j] += dz[r, j]
                for k in range(n_x):
                    dW_ax[j, k] += dz[r, j] * X[r, t, k]
                    dX[r, t, k] += dz[r, j] * W_ax[j, k]
                for k in range(n_a):
                    dW_aa[j, k] += dz[r, j] * (A[r, t - 1, k] if t > 0 else 0.0)
                    new_next[r, k] += dz[r, j] * W_aa[j, k]
        da_next = new_next
    return dW_ax, dW_aa, db_a, dX


def clip_by_global_norm(grads, max_norm):
    grads = [np.asarray(g, dtype=float) for g in grads]
    total = 0.0
    for g in grads:
        for index in np.ndindex(g.shape):
            total += g[index] ** 2
    N = math.sqrt(total)
    factor = min(1.0, max_norm / N) if N > 0 else 1.0
    return [_map(lambda v: v * factor, g) for g in grads], N


def bidirectional_rnn(X, W_ax_f, W_aa_f, b_f, W_ax_b, W_aa_b, b_b):
    X = np.asarray(X, dtype=float)
    B, T, _ = X.shape
    reversed_X = np.zeros(X.shape)
    for t in range(T):
        reversed_X[:, t] = X[:, T - 1 - t]
    forward = rnn_forward(X, W_ax_f, W_aa_f, b_f)
    backward = rnn_forward(reversed_X, W_ax_b, W_aa_b, b_b)
    n_f, n_b = forward.shape[2], backward.shape[2]
    out = np.zeros((B, T, n_f + n_b))
    for r in range(B):
        for t in range(T):
            for j in range(n_f):
                out[r, t, j] = forward[r, t, j]
            for j in range(n_b):
                out[r, t, n_f + j] = backward[r, T - 1 - t, j]
    return out


def forget_gate(h_prev, x, W_f, b_f, activation="sigmoid"):
    h_prev, x = np.asarray(h_prev, dtype=float), np.asarray(x, dtype=float)
    single = h_prev.ndim == 1
    z = _affine(np.concatenate([np.atleast_2d(h_prev), np.atleast_2d(x)], axis=1), W_f, b_f)
    f = _map((lambda u: 1.0 if u > 0 else 0.0) if activation == "step" else _sigmoid, z)
    return f[0] if single else f


def lstm_cell(x, h_prev, c_prev, W, b):
    h_prev, c_prev = np.asarray(h_prev, dtype=float), np.asarray(c_prev, dtype=float)
    B, n = h_prev.shape
    z = _affine(np.concatenate([h_prev, np.asarray(x, dtype=float)], axis=1), W, b)
    h, c = np.zeros((B, n)), np.zeros((B, n))
    for r in range(B):
        for j in range(n):
            i, f = _sigmoid(z[r, j]), _sigmoid(z[r, n + j])
            g, o = math.tanh(z[r, 2 * n + j]), _sigmoid(z[r, 3 * n + j])
            c[r, j] = f * c_prev[r, j] + i * g
            h[r, j] = o * math.tanh(c[r, j])
    return h, c


def lstm_forward(X, W, b):
    X = np.asarray(X, dtype=float)
    B, T = X.shape[:2]
    n = np.shape(W)[0] // 4
    h, c = np.zeros((B, n)), np.zeros((B, n))
    H, C = np.zeros((B, T, n)), np.zeros((B, T, n))
    for t in range(T):
        h, c = lstm_cell(X[:, t], h, c, W, b)
        for r in range(B):
            for j in range(n):
                H[r, t, j], C[r, t, j] = h[r, j], c[r, j]
    return H, C


def gru_cell(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h_prev = np.asarray(h_prev, dtype=float)
    B, n = h_prev.shape
    gi = _affine(x, W_ih, b_ih)
    gh = _affine(h_prev, W_hh, b_hh)
    h = np.zeros((B, n))
    for r in range(B):
        for j in range(n):
            reset = _sigmoid(gi[r, j] + gh[r, j])
            update = _sigmoid(gi[r, n + j] + gh[r, n + j])
            candidate = math.tanh(gi[r, 2 * n + j] + reset * gh[r, 2 * n + j])
            h[r, j] = (1 - update) * candidate + update * h_prev[r, j]
    return h
