"""The pruning references in torch; they must agree with :mod:`reference.pruning`.

Same conventions; everything is float64. The masks use a stable sort, as the
NumPy references do (``torch.nn.utils.prune`` picks among tied magnitudes in
an order it does not state; ``tests/test_pruning.py`` compares with it on
inputs without ties). The Hessian's diagonal is the closed form with the
sigmoid's derivatives taken by autograd (the tests check it against
``torch.autograd.functional.hessian``), and SNIP's gradient is autograd's.
"""

from __future__ import annotations

import torch


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64).clone()


def _number_pruned(sparsity, n: int) -> int:
    return int(round(float(sparsity) * n))


def _smallest_first(magnitudes: torch.Tensor, k: int) -> torch.Tensor:
    return torch.sort(magnitudes.reshape(-1), stable=True).indices[:k]


def magnitude_mask(W, sparsity) -> torch.Tensor:
    """The torch twin of :func:`reference.pruning.magnitude_mask`: W of any shape, a bool mask of its shape."""
    W = _tensor(W)
    keep = torch.ones(W.numel(), dtype=torch.bool)
    keep[_smallest_first(W.abs(), _number_pruned(sparsity, W.numel()))] = False
    return keep.reshape(W.shape)


def global_magnitude_masks(weights, sparsity):
    """The torch twin of :func:`reference.pruning.global_magnitude_masks`: (masks, collapsed)."""
    layers = [_tensor(W) for W in weights]
    flat = torch.cat([W.abs().reshape(-1) for W in layers])
    keep = torch.ones(flat.numel(), dtype=torch.bool)
    keep[_smallest_first(flat, _number_pruned(sparsity, flat.numel()))] = False
    masks = list(torch.split(keep, [W.numel() for W in layers]))
    masks = [mask.reshape(W.shape) for mask, W in zip(masks, layers)]
    return masks, [not bool(mask.any()) for mask in masks]


def structured_mask(W, sparsity, p) -> torch.Tensor:
    """The torch twin of :func:`reference.pruning.structured_mask`: neurons along axis 0 pruned whole."""
    W = _tensor(W)
    norms = W.abs().pow(p).reshape(W.shape[0], -1).sum(dim=1).pow(1.0 / p)
    keep = torch.ones(W.shape[0], dtype=torch.bool)
    keep[_smallest_first(norms, _number_pruned(sparsity, W.shape[0]))] = False
    return keep.reshape((-1,) + (1,) * (W.dim() - 1)).expand(W.shape).clone()


def _cost(W1, b1, W2, b2, X, Y) -> torch.Tensor:
    Z = torch.sigmoid(X @ W1.T + b1) @ W2.T + b2
    return ((Z - Y) ** 2).sum() / (2 * X.shape[0])


def obd_saliencies(W1, b1, W2, b2, X, Y):
    """The torch twin of :func:`reference.pruning.obd_saliencies`: the Hessian's diagonal from torch's ops.

    sigma' and sigma'' come from autograd (the derivative of ``torch.sigmoid`` and of its derivative);
    ``tests/test_pruning.py`` checks the diagonal against ``torch.autograd.functional.hessian``.
    """
    W1, b1, W2, b2, X, Y = (_tensor(a) for a in (W1, b1, W2, b2, X, Y))
    U = (X @ W1.T + b1).requires_grad_(True)
    A = torch.sigmoid(U)
    (d1,) = torch.autograd.grad(A.sum(), U, create_graph=True)
    (d2,) = torch.autograd.grad(d1.sum(), U)
    A, d1 = A.detach(), d1.detach()
    Z = A @ W2.T + b2
    H2 = (A**2).mean(dim=0).expand(W2.shape)
    H1 = (d1**2 * (W2**2).sum(dim=0) + d2 * ((Z - Y) @ W2)).T @ X**2 / X.shape[0]
    return H1 * W1**2 / 2, H2 * W2**2 / 2


def snip_saliencies(W1, b1, W2, b2, X, Y):
    """The torch twin of :func:`reference.pruning.snip_saliencies`: |g * w| with g from autograd."""
    W1, W2 = _tensor(W1).requires_grad_(True), _tensor(W2).requires_grad_(True)
    E = _cost(W1, _tensor(b1), W2, _tensor(b2), _tensor(X), _tensor(Y))
    G1, G2 = torch.autograd.grad(E, (W1, W2))
    return (G1 * W1).abs().detach(), (G2 * W2).abs().detach()


def lottery_ticket(W_init, X, Y, eta, steps, rounds, rate):
    """The torch twin of :func:`reference.pruning.lottery_ticket`: each update's gradient by autograd."""
    W_init, X, Y = _tensor(W_init), _tensor(X), _tensor(Y)
    M = torch.ones(W_init.shape, dtype=torch.bool)
    W = W_init.clone()
    for _ in range(int(rounds)):
        W = W_init * M
        for _ in range(int(steps)):
            W.requires_grad_(True)
            (gradient,) = torch.autograd.grad(((X @ W.T - Y) ** 2).sum() / (2 * X.shape[0]), W)
            W = ((W - float(eta) * gradient) * M).detach()
        alive = torch.nonzero(M.reshape(-1)).reshape(-1)
        magnitudes = W.abs().reshape(-1)[alive]
        drop = alive[_smallest_first(magnitudes, _number_pruned(rate, alive.numel()))]
        keep = M.reshape(-1).clone()
        keep[drop] = False
        M = keep.reshape(M.shape)
    return M, W_init * M, W
