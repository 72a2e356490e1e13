"""Hopfield networks in plain Python loops: slow but correct, one scalar at a time (see bench/bench_limits.py)."""

from itertools import combinations

import numpy as np


def store(patterns):
    F = np.asarray(patterns, dtype=float)
    M, N = F.shape
    W = np.zeros((N, N))
    for j in range(N):
        for i in range(N):
            if i != j:
                total = 0.0
                for k in range(M):
                    total += F[k, i] * F[k, j]
                W[j, i] = total / M
    return W


def net_inputs(W, Y):
    W = np.asarray(W, dtype=float)
    Y = np.asarray(Y, dtype=float)
    B, N = Y.shape
    V = np.zeros((B, N))
    for b in range(B):
        for j in range(N):
            total = 0.0
            for i in range(N):
                total += W[j, i] * Y[b, i]
            V[b, j] = total
    return V


def _net_input(W, y, j):
    total = 0.0
    for i in range(len(y)):
        total += W[j, i] * y[i]
    return total


def update_unit(W, y, j):
    W = np.asarray(W, dtype=float)
    new = np.array(y, dtype=float)
    v = _net_input(W, new, j)
    if v > 0:
        new[j] = 1.0
    elif v < 0:
        new[j] = -1.0
    return new


def is_stable(W, y):
    # Every unit's net input first, then the verdict: no early exit, as a first attempt often is.
    W = np.asarray(W, dtype=float)
    y = np.asarray(y, dtype=float)
    stable = True
    for j in range(len(y)):
        v = _net_input(W, y, j)
        if (v > 0 and y[j] != 1.0) or (v < 0 and y[j] != -1.0):
            stable = False
    return stable


def retrieve(W, y0, order):
    W = np.asarray(W, dtype=float)
    y = np.array(y0, dtype=float)
    trajectory = [y]
    step = 0
    while not is_stable(W, y):
        y = update_unit(W, y, order[step % len(order)])
        trajectory.append(y)
        step += 1
    return trajectory


def retrieve_random(W, y0, seed):
    W = np.asarray(W, dtype=float)
    rng = np.random.default_rng(seed)
    y = np.array(y0, dtype=float)
    trajectory = [y]
    while not is_stable(W, y):
        for j in rng.permutation(W.shape[0]):
            if is_stable(W, y):
                break
            y = update_unit(W, y, j)
            trajectory.append(y)
    return trajectory


def energy(W, Y):
    W = np.asarray(W, dtype=float)
    Y = np.asarray(Y, dtype=float)
    B, N = Y.shape
    E = np.zeros(B)
    for b in range(B):
        total = 0.0
        for i in range(N):
            for j in range(N):
                total += W[i, j] * Y[b, i] * Y[b, j]
        E[b] = -0.5 * total
    return E


def mixture_states(patterns):
    F = np.asarray(patterns, dtype=float)
    M, N = F.shape
    rows = []
    for a, b, c in combinations(range(M), 3):
        row = np.zeros(N)
        for i in range(N):
            s = F[a, i] + F[b, i] + F[c, i]
            row[i] = 1.0 if s > 0 else (-1.0 if s < 0 else 0.0)
        rows.append(row)
    return np.array(rows).reshape(len(rows), N)


def capacity(N, Ms, patterns):
    F = np.asarray(patterns, dtype=float)
    fractions = []
    for M in Ms:
        W = store(F[:M])
        stable = 0
        for k in range(M):
            if is_stable(W, F[k]):
                stable += 1
        fractions.append(stable / M)
    return np.array(fractions)
