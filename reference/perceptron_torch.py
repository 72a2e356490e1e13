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
