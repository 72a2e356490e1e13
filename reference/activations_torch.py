"""The activation references in torch; they must agree with :mod:`reference.activations`.

Each value is torch's own function (``F.relu``, ``F.leaky_relu``, ``F.elu``,
``F.gelu``, ``torch.softmax``, ``torch.log_softmax``) and each derivative is
autograd's, so the conventions at z = 0 are torch's; everything is float64.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _tensor(z) -> torch.Tensor:
    return torch.as_tensor(z, dtype=torch.float64).clone().requires_grad_(True)


def _with_derivative(function, z) -> tuple[torch.Tensor, torch.Tensor]:
    """``function(z)`` and its elementwise derivative, by autograd (the gradient of the sum)."""
    z = _tensor(z)
    a = function(z)
    a.sum().backward()
    return a.detach(), z.grad


def relu(z) -> tuple[torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.activations.relu`: ``F.relu`` and autograd, z of any shape."""
    return _with_derivative(F.relu, z)


def leaky_relu(z, alpha=0.01) -> tuple[torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.activations.leaky_relu`: ``F.leaky_relu(z, alpha)`` and autograd."""
    return _with_derivative(lambda x: F.leaky_relu(x, float(alpha)), z)


def elu(z, alpha=1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.activations.elu`: ``F.elu(z, alpha)`` and autograd."""
    return _with_derivative(lambda x: F.elu(x, float(alpha)), z)


def gelu(z) -> tuple[torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.activations.gelu`: the exact ``F.gelu(z)`` and autograd."""
    return _with_derivative(F.gelu, z)


def softmax(Z, axis=-1) -> torch.Tensor:
    """The torch twin of :func:`reference.activations.softmax`: ``torch.softmax(Z, dim=axis)``."""
    return torch.softmax(torch.as_tensor(Z, dtype=torch.float64), dim=int(axis))


def log_softmax(Z, axis=-1) -> torch.Tensor:
    """The torch twin of :func:`reference.activations.log_softmax`: ``torch.log_softmax(Z, dim=axis)``."""
    return torch.log_softmax(torch.as_tensor(Z, dtype=torch.float64), dim=int(axis))


def softmax_backward(Z, G, axis=-1) -> torch.Tensor:
    """The torch twin of :func:`reference.activations.softmax_backward`: autograd through ``torch.softmax``."""
    Z = _tensor(Z)
    (torch.softmax(Z, dim=int(axis)) * torch.as_tensor(G, dtype=torch.float64)).sum().backward()
    return Z.grad
