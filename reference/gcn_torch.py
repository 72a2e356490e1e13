"""Graph convolution references in torch; they must agree with :mod:`reference.gcn`.

Same names, signatures and conventions (see that module's docstring). The
gradients of :func:`gcn_layer_gradients` come from torch autograd (the NumPy
reference derives them by hand); message passing and pooling use
``scatter_reduce`` over an edge list, the way graph libraries
scatter messages, rather than the NumPy reference's loop over nodes.
Everything is float64.
"""

from __future__ import annotations

import torch

AGGREGATIONS = ("sum", "mean", "max")
ACTIVATIONS = ("relu", "identity")


def _t(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64)


def _inverse_power(d: torch.Tensor, exponent: float) -> torch.Tensor:
    """``d ** exponent``, with 0 for an isolated node (d = 0)."""
    return torch.where(d > 0, d.clamp(min=1e-300) ** exponent, torch.zeros_like(d))


def degree_matrix(A) -> torch.Tensor:
    """``diag(A 1)``: the row sums on the diagonal."""
    return torch.diag(_t(A) @ torch.ones(len(A), dtype=torch.float64))


def row_normalize(A) -> torch.Tensor:
    """``D^-1 A`` with 0 for isolated nodes."""
    A = _t(A)
    return torch.diag(_inverse_power(A.sum(dim=1), -1.0)) @ A


def sym_normalize(A) -> torch.Tensor:
    """``D^-1/2 A D^-1/2`` with 0 for isolated nodes."""
    A = _t(A)
    inv_sqrt = torch.diag(_inverse_power(A.sum(dim=1), -0.5))
    return inv_sqrt @ A @ inv_sqrt


def _with_self_loops(A: torch.Tensor) -> torch.Tensor:
    """A loop of weight 1 where a node has none; an existing loop keeps its weight."""
    diagonal = torch.diagonal(A)
    return A + torch.diag(torch.where(diagonal == 0, 1.0, 0.0).to(torch.float64))


def gcn_normalize(A) -> torch.Tensor:
    """``D~^-1/2 A~ D~^-1/2``."""
    return sym_normalize(_with_self_loops(_t(A)))


def _activate(Z: torch.Tensor, activation: str) -> torch.Tensor:
    if activation == "relu":
        return torch.relu(Z)
    if activation == "identity":
        return Z
    raise ValueError(f"activation should be one of {ACTIVATIONS}, not {activation!r}")


def gcn_layer(A, H, W, activation: str = "relu") -> torch.Tensor:
    """``sigma(D~^-1/2 A~ D~^-1/2 H W)``."""
    return _activate(gcn_normalize(A) @ _t(H) @ _t(W), activation)


def gcn_message_passing(A, H, W) -> torch.Tensor:
    """Messages ``A~[u, v] h_v W / sqrt(d~_u d~_v)`` along every edge of A~ (loops included), summed at u."""
    A_loops = _with_self_loops(_t(A))
    d = A_loops.sum(dim=1)
    target, source = torch.nonzero(A_loops != 0, as_tuple=True)
    coefficient = A_loops[target, source] / torch.sqrt(d[target] * d[source])
    messages = coefficient[:, None] * (_t(H) @ _t(W))[source]
    return _scatter(messages, target, A_loops.shape[0], "sum")


def gcn_layer_gradients(A, H, W, G) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(Y, dL/dW, dL/dH)`` for ``Y = ReLU(P H W)`` and ``L = sum(G * Y)``, by autograd."""
    H = _t(H).clone().requires_grad_(True)
    W = _t(W).clone().requires_grad_(True)
    Y = torch.relu(gcn_normalize(A) @ H @ W)
    dW, dH = torch.autograd.grad((Y * _t(G)).sum(), (W, H))
    return Y.detach(), dW, dH


def _scatter(rows: torch.Tensor, index: torch.Tensor, size: int, how: str) -> torch.Tensor:
    """Row ``i`` of the result reduces the ``rows`` whose index is ``i`` ("sum", "mean" or "max"); none gives 0."""
    reduce = {"sum": "sum", "mean": "mean", "max": "amax"}[how]
    out = torch.zeros(size, rows.shape[1], dtype=torch.float64)
    # include_self=False: the initial 0 takes no part, so an index that receives no row keeps 0.
    return out.scatter_reduce(0, index[:, None].expand_as(rows), rows, reduce, include_self=False)


def message_passing(A, H, W, B, aggregation: str) -> torch.Tensor:
    """``h_v B + AGG_{u: A[v, u] != 0} h_u W``, scattered over the edge list; empty neighbourhoods give 0."""
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"aggregation should be one of {AGGREGATIONS}, not {aggregation!r}")
    A, H = _t(A), _t(H)
    messages = H @ _t(W)
    target, source = torch.nonzero(A != 0, as_tuple=True)  # edge source -> target where A[target, source] != 0
    aggregated = _scatter(messages[source], target, H.shape[0], aggregation)
    return H @ _t(B) + aggregated


def global_pool(H, batch, mode: str) -> torch.Tensor:
    """Per-graph sum, mean or max of the node features, by a scatter over ``batch``."""
    H, batch = _t(H), torch.as_tensor(batch, dtype=torch.int64)
    return _scatter(H, batch, int(batch.max()) + 1, mode)


def top_k_pool(A, X, p, k: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The k best nodes by ``X p / ||p||`` (stable order), gated by tanh of their scores."""
    A, X, p = _t(A), _t(X), _t(p)
    y = X @ p / torch.linalg.vector_norm(p)
    idx = torch.sort(y, descending=True, stable=True).indices[:k]
    return X[idx] * torch.tanh(y[idx])[:, None], A[idx][:, idx], idx
