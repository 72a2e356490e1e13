"""The node_embeddings references in torch; they must agree with :mod:`reference.node_embeddings`.

Same conventions; everything is computed in float64. The loss is written with
``F.log_softmax`` and its gradient taken by autograd.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def _tensor(x, dtype=torch.float64) -> torch.Tensor:
    return torch.as_tensor(x).to(dtype)


def random_walk(A, start, u) -> torch.Tensor:
    """The torch twin of :func:`reference.node_embeddings.random_walk`: same inputs, same answer, shape (L + 1,)."""
    A = _tensor(A)
    off_diagonal = (A != 0) & ~torch.eye(A.shape[0], dtype=torch.bool)
    targets = torch.arange(A.shape[0])
    options = [targets[row].tolist() for row in off_diagonal]
    walk = [int(start)]
    for r in _tensor(u).reshape(-1).tolist():
        here = options[walk[-1]]
        if not here:
            break
        walk.append(here[math.floor(r * len(here))])
    return torch.tensor(walk, dtype=torch.int64)


def walk_neighbourhoods(walks, n, w) -> torch.Tensor:
    """The torch twin of :func:`reference.node_embeddings.walk_neighbourhoods`: counts of shape (n, n)."""
    walks = _tensor(walks, torch.int64)
    walks = walks.reshape(walks.shape[0], -1)
    C = torch.zeros((n, n), dtype=torch.int64)
    for offset in range(1, min(int(w), walks.shape[1] - 1) + 1):
        left, right = walks[:, :-offset].reshape(-1), walks[:, offset:].reshape(-1)
        pairs = torch.cat([left * n + right, right * n + left])
        C += torch.bincount(pairs, minlength=n * n).reshape(n, n)
    return C


def rw_embedding_loss(Z, C) -> tuple[torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.node_embeddings.rw_embedding_loss`: the loss and dL/dZ of shape (n, d)."""
    Z = _tensor(Z).detach().requires_grad_(True)
    C = _tensor(C)
    loss = -(C * F.log_softmax(Z @ Z.T, dim=1)).sum()
    (grad,) = torch.autograd.grad(loss, Z)
    return loss.detach(), grad


def graph_embedding(Z, edges, mode="mean") -> torch.Tensor:
    """The torch twin of :func:`reference.node_embeddings.graph_embedding`: shape (d,)."""
    Z = _tensor(Z)
    nodes = torch.unique(_tensor(edges, torch.int64).reshape(-1))
    pooled = Z[nodes]
    if mode == "mean":
        return pooled.mean(dim=0)
    if mode == "sum":
        return pooled.sum(dim=0)
    raise ValueError(f"mode should be 'mean' or 'sum', not {mode!r}")
