"""Perceptrons in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import numpy as np


def _net(w, x):
    total = w[0]
    for i in range(len(x)):
        total += w[i + 1] * x[i]
    return total


def predict(w, X):
    X = np.asarray(X, dtype=float)
    out = np.zeros(len(X), dtype=int)
    for r in range(len(X)):
        out[r] = 1 if _net(w, X[r]) > 0 else -1
    return out


def gate_weights(gate):
    weights = {"OR": [0.0, 0.5, 0.5], "AND": [-1.0, 1.0, 1.0], "NAND": [3.0, -2.0, -2.0]}
    return np.array(weights[gate])


def learning_step(w, x, d, eta):
    w = np.array(w, dtype=float)
    y = 1 if _net(w, x) > 0 else -1
    if y != d:
        w[0] += eta * d
        for i in range(len(x)):
            w[i + 1] += eta * d * x[i]
    return w


def train(X, d, w0, eta, order, max_updates=1000):
    X = np.asarray(X, dtype=float)
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    step = 0
    while len(trajectory) - 1 < max_updates:
        wrong = False
        for r in range(len(X)):  # every pattern's output, then the verdict
            if (1 if _net(w, X[r]) > 0 else -1) != d[r]:
                wrong = True
        if not wrong:
            break
        i = order[step % len(order)]
        step += 1
        if (1 if _net(w, X[i]) > 0 else -1) != d[i]:
            w = learning_step(w, X[i], d[i], eta)
            trajectory.append(w.copy())
    return np.array(trajectory)


def is_linearly_separable(X, d, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1] + 1)
    for epoch in range(max_epochs):
        updates = 0
        for i in range(len(X)):
            if (1 if _net(w, X[i]) > 0 else -1) != d[i]:
                w = learning_step(w, X[i], d[i], 1.0)
                updates += 1
        if updates == 0:
            return True
    return False
