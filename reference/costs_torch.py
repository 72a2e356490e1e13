"""The cost references in torch; they must agree with :mod:`reference.costs`.

Each cost is torch's own loss, rescaled to the notes' convention where it
differs, and each gradient is autograd's:

- ``quadratic_cost`` is ``F.mse_loss(A, Y, reduction="sum") / (2n)`` (torch's
  default mean divides by n k and has no 1/2);
- ``binary_cross_entropy`` and ``binary_cross_entropy_with_logits`` are
  torch's with ``reduction="sum"``, divided by n (torch's mean divides by n k);
- ``cross_entropy`` is ``F.cross_entropy`` as it is (the mean over the batch);
- the penalties are autograd's gradients of the penalty over the weights;
- ``weight_decay_step`` is one ``torch.optim.SGD`` step with
  ``weight_decay=lam`` on a group of the weights and ``weight_decay=0`` on a
  group of the biases.

Everything is float64.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _tensor(x, grad: bool = False) -> torch.Tensor:
    tensor = torch.as_tensor(x, dtype=torch.float64).clone()
    return tensor.requires_grad_(True) if grad else tensor


def _cost_and_gradient(loss, first, *others) -> tuple[float, torch.Tensor]:
    first = _tensor(first, grad=True)
    C = loss(first, *others)
    C.backward()
    return float(C.detach()), first.grad


def quadratic_cost(A, Y) -> tuple[float, torch.Tensor]:
    """The torch twin of :func:`reference.costs.quadratic_cost`: A and Y of shape (n, k)."""
    Y = _tensor(Y)
    return _cost_and_gradient(lambda a: F.mse_loss(a, Y, reduction="sum") / (2 * a.shape[0]), A)


def binary_cross_entropy(Z, Y) -> tuple[float, torch.Tensor]:
    """The torch twin of :func:`reference.costs.binary_cross_entropy`: Z and Y of shape (n, k)."""
    Y = _tensor(Y)
    return _cost_and_gradient(lambda z: F.binary_cross_entropy(z, Y, reduction="sum") / z.shape[0], Z)


def binary_cross_entropy_with_logits(X, Y) -> tuple[float, torch.Tensor]:
    """The torch twin of :func:`reference.costs.binary_cross_entropy_with_logits`: X and Y of shape (n, k)."""
    Y = _tensor(Y)
    return _cost_and_gradient(lambda x: F.binary_cross_entropy_with_logits(x, Y, reduction="sum") / x.shape[0], X)


def cross_entropy(X, labels) -> tuple[float, torch.Tensor]:
    """The torch twin of :func:`reference.costs.cross_entropy`: X of shape (n, k), labels of shape (n,)."""
    labels = torch.as_tensor(labels, dtype=torch.int64)
    return _cost_and_gradient(lambda x: F.cross_entropy(x, labels), X)


def _penalty(params, term) -> tuple[float, dict[str, torch.Tensor]]:
    tensors = {name: _tensor(value, grad=True) for name, value in params.items()}
    total = sum((term(value) for name, value in tensors.items() if name.endswith("weight")), torch.zeros((), dtype=torch.float64))
    total.backward()
    return float(total.detach()), {name: tensor.grad if tensor.grad is not None else torch.zeros_like(tensor)
                                   for name, tensor in tensors.items()}


def l2_penalty(params, lam) -> tuple[float, dict[str, torch.Tensor]]:
    """The torch twin of :func:`reference.costs.l2_penalty`: autograd of ``lam / 2 * (W ** 2).sum()`` over the weights."""
    return _penalty(params, lambda w: float(lam) / 2 * (w**2).sum())


def l1_penalty(params, lam) -> tuple[float, dict[str, torch.Tensor]]:
    """The torch twin of :func:`reference.costs.l1_penalty`: autograd of ``lam * W.abs().sum()`` (0 where w = 0)."""
    return _penalty(params, lambda w: float(lam) * w.abs().sum())


def weight_decay_step(params, grads, eta, lam) -> dict[str, torch.Tensor]:
    """The torch twin of :func:`reference.costs.weight_decay_step`: one ``torch.optim.SGD`` step, decay on the weights only."""
    tensors = {name: torch.nn.Parameter(_tensor(value)) for name, value in params.items()}
    for name, tensor in tensors.items():
        tensor.grad = _tensor(grads[name])
    weights = [tensor for name, tensor in tensors.items() if name.endswith("weight")]
    others = [tensor for name, tensor in tensors.items() if not name.endswith("weight")]
    groups = [{"params": weights, "weight_decay": float(lam)}, {"params": others, "weight_decay": 0.0}]
    torch.optim.SGD([group for group in groups if group["params"]], lr=float(eta)).step()
    return {name: tensor.detach() for name, tensor in tensors.items()}
