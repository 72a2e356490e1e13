"""Perceptron references in torch; they must agree with :mod:`reference.perceptron`."""

from __future__ import annotations

import torch


def _as_tensor(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64)


def augment(X) -> torch.Tensor:
    """Prepend the bias input ``x0 = 1``: (n, p) -> (n, p + 1)."""
    X = _as_tensor(X)
    return torch.cat([torch.ones(X.shape[0], 1, dtype=X.dtype), X], dim=1)


def predict(w, X) -> torch.Tensor:
    """``y = +1 if w . [1, x] > 0 else -1``; w (p + 1,), X (n, p) -> (n,) int64."""
    net = augment(X) @ _as_tensor(w)
    return torch.where(net > 0, 1, -1)


_GATE_WEIGHTS = {"OR": (0.0, 0.5, 0.5), "AND": (-1.0, 1.0, 1.0), "NAND": (3.0, -2.0, -2.0)}


def gate_weights(gate: str) -> torch.Tensor:
    """The notes' weights (bias first) for "OR", "AND" or "NAND" -> (3,) float64."""
    if gate not in _GATE_WEIGHTS:
        raise ValueError(f"unknown gate {gate!r}: expected one of {sorted(_GATE_WEIGHTS)}")
    return torch.tensor(_GATE_WEIGHTS[gate], dtype=torch.float64)


def learning_step(w, x, d: int, eta: float) -> torch.Tensor:
    """``w + eta d [1, x]`` if ``[1, x]`` is misclassified (w . [1, x] <= 0 means -1), else a copy of w."""
    w = _as_tensor(w).clone()
    a = torch.cat([torch.ones(1, dtype=torch.float64), _as_tensor(x)])
    y = 1 if float(w @ a) > 0 else -1
    if y != d:
        return w + eta * d * a
    return w


def train(X, d, w0, eta: float, order, max_updates: int = 1000) -> torch.Tensor:
    """Perceptron learning visiting ``order`` cyclically; the trajectory (k + 1, p + 1), w0 first."""
    A = augment(X)
    d = _as_tensor(d)
    order = [int(i) for i in order]
    if set(order) != set(range(A.shape[0])):
        raise ValueError(f"order must visit every index 0..{A.shape[0] - 1} and only those")
    w = _as_tensor(w0).clone()
    trajectory = [w]
    visits = 0
    while len(trajectory) - 1 < max_updates:
        y = torch.where(A @ w > 0, 1.0, -1.0).to(torch.float64)
        if bool(torch.all(y == d)):
            break
        i = order[visits % len(order)]
        visits += 1
        if y[i] != d[i]:
            w = w + eta * d[i] * A[i]
            trajectory.append(w)
    return torch.stack(trajectory)


def is_linearly_separable(X, d, max_epochs: int = 100) -> bool:
    """True if learning from w = 0, eta = 1, in index order, has an epoch without updates."""
    A = augment(X)
    d = _as_tensor(d)
    w = torch.zeros(A.shape[1], dtype=torch.float64)
    for _ in range(max_epochs):
        updated = False
        for a, target in zip(A, d):
            y = 1.0 if float(a @ w) > 0 else -1.0
            if y != float(target):
                w = w + target * a
                updated = True
        if not updated:
            return True
    return False
