"""Backpropagation references in torch; they must agree with :mod:`reference.backprop`.

Where a quantity is a derivative, it is computed here by autograd from the
cost, not from the backpropagation equations, so that agreement with the NumPy
reference also confirms the equations. Everything is float64.
"""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F

COSTS = ("quadratic", "cross-entropy")


def _as_tensor(x, *, requires_grad: bool = False) -> torch.Tensor:
    tensor = torch.as_tensor(x, dtype=torch.float64).clone()
    return tensor.requires_grad_(requires_grad)


def _cost(a_L: torch.Tensor, y: torch.Tensor, cost: str) -> torch.Tensor:
    """The cost of the output layer's weighted input ``a_L`` (summed over the leading axes)."""
    if cost == "quadratic":
        return 0.5 * ((y - torch.sigmoid(a_L)) ** 2).sum()
    if cost == "cross-entropy":
        # -sum [y ln sigma(a) + (1 - y) ln(1 - sigma(a))], computed from the logits for stability.
        return F.binary_cross_entropy_with_logits(a_L, y, reduction="sum")
    raise ValueError(f"cost should be one of {COSTS}, not {cost!r}")


def sigmoid(a) -> torch.Tensor:
    """``1 / (1 + exp(-a))`` elementwise, any shape."""
    return torch.sigmoid(_as_tensor(a))


def sigmoid_prime(a) -> torch.Tensor:
    """``d sigma / da`` elementwise, by autograd."""
    a = _as_tensor(a, requires_grad=True)
    (grad,) = torch.autograd.grad(torch.sigmoid(a).sum(), a)
    return grad


def feedforward(weights: Sequence, biases: Sequence, x) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """``([a^2, ..., a^L], [z^1 = x, ..., z^L])`` with ``a^l = W^l z^{l-1} + b^l``."""
    z = _as_tensor(x)
    weighted_inputs, activations = [], [z]
    for W, b in zip(weights, biases):
        a = _as_tensor(W) @ z + _as_tensor(b)
        z = torch.sigmoid(a)
        weighted_inputs.append(a)
        activations.append(z)
    return weighted_inputs, activations


def output_error_quadratic(a_L, y) -> torch.Tensor:
    """``dC/da^L`` for ``C = 1/2 ||y - sigma(a^L)||^2``, by autograd."""
    a = _as_tensor(a_L, requires_grad=True)
    (grad,) = torch.autograd.grad(_cost(a, _as_tensor(y), "quadratic"), a)
    return grad


def output_error_cross_entropy(a_L, y) -> torch.Tensor:
    """``dC/da^L`` for ``C = -sum [y ln z + (1 - y) ln(1 - z)]``, by autograd."""
    a = _as_tensor(a_L, requires_grad=True)
    (grad,) = torch.autograd.grad(_cost(a, _as_tensor(y), "cross-entropy"), a)
    return grad


def hidden_error(W_next, delta_next, a) -> torch.Tensor:
    """``dC/da^l`` given ``dC/da^{l+1} = delta_next``: the vector-Jacobian product of
    ``a^{l+1} = W^{l+1} sigma(a^l) + b^{l+1}``, by autograd."""
    a = _as_tensor(a, requires_grad=True)
    a_next = _as_tensor(W_next) @ torch.sigmoid(a)
    (grad,) = torch.autograd.grad(a_next, a, grad_outputs=_as_tensor(delta_next))
    return grad


def gradients(delta, z_prev) -> tuple[torch.Tensor, torch.Tensor]:
    """``(dC/db^l, dC/dW^l)`` given ``dC/da^l = delta``, by autograd of ``a^l = W^l z^{l-1} + b^l``."""
    delta = _as_tensor(delta)
    z_prev = _as_tensor(z_prev)
    # The gradient of a^l does not depend on the values of W and b, only on z^{l-1}.
    W = torch.zeros(delta.shape[0], z_prev.shape[0], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(delta.shape[0], dtype=torch.float64, requires_grad=True)
    nabla_b, nabla_W = torch.autograd.grad(W @ z_prev + b, (b, W), grad_outputs=delta)
    return nabla_b, nabla_W


def _parameters(weights: Sequence, biases: Sequence) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    return (
        [_as_tensor(W, requires_grad=True) for W in weights],
        [_as_tensor(b, requires_grad=True) for b in biases],
    )


def _output_weighted_input(Ws: list[torch.Tensor], bs: list[torch.Tensor], X: torch.Tensor) -> torch.Tensor:
    """``a^L`` for one example (X of shape (n_1,)) or a batch (X of shape (m, n_1))."""
    z = X
    a = z
    for W, b in zip(Ws, bs):
        a = z @ W.T + b
        z = torch.sigmoid(a)
    return a


def backprop(weights: Sequence, biases: Sequence, x, y, cost: str = "quadratic"):
    """``([dC/db^l], [dC/dW^l])`` for one example, by autograd of the cost."""
    Ws, bs = _parameters(weights, biases)
    C = _cost(_output_weighted_input(Ws, bs, _as_tensor(x)), _as_tensor(y), cost)
    grads = torch.autograd.grad(C, bs + Ws)
    return list(grads[: len(bs)]), list(grads[len(bs) :])


def sgd_step(weights: Sequence, biases: Sequence, X, Y, eta: float, cost: str = "quadratic"):
    """One ``torch.optim.SGD`` step of learning rate ``eta`` on the mean cost over the batch."""
    Ws, bs = _parameters(weights, biases)
    X = _as_tensor(X)
    optimizer = torch.optim.SGD(Ws + bs, lr=float(eta))
    optimizer.zero_grad()
    mean_cost = _cost(_output_weighted_input(Ws, bs, X), _as_tensor(Y), cost) / X.shape[0]
    mean_cost.backward()
    optimizer.step()
    return [W.detach() for W in Ws], [b.detach() for b in bs]


def softmax_output_error(a_L, y: int) -> torch.Tensor:
    """``dC/da^L`` for ``C = -ln softmax(a^L)_y``, by autograd (torch's stable log-softmax)."""
    a = _as_tensor(a_L, requires_grad=True)
    C = -torch.log_softmax(a, dim=0)[int(y)]
    (grad,) = torch.autograd.grad(C, a)
    return grad
