"""The calculus references in torch; they must agree with :mod:`reference.calculus`.

The exact Jacobian and Hessian are autograd's (``torch.autograd.functional.jacobian``
and ``hessian``); the finite differences are the same central stencils, in
float64 tensors.
"""

from __future__ import annotations

import torch
from torch.autograd.functional import hessian as autograd_hessian
from torch.autograd.functional import jacobian as autograd_jacobian


def _t(value) -> torch.Tensor:
    return torch.as_tensor(value, dtype=torch.float64)


def _f(W, b):
    W, b = _t(W), _t(b)
    return lambda x: torch.tanh(W @ x + b)


def _g(W, c):
    W, c = _t(W), _t(c)
    return lambda x: torch.logsumexp(W @ x + c, dim=0)


def _central(f, x: torch.Tensor, h: float) -> torch.Tensor:
    eye = torch.eye(x.numel(), dtype=torch.float64) * h
    return torch.stack([(f(x + e) - f(x - e)).reshape(-1) / (2.0 * h) for e in eye], dim=1)


def jacobian_central(W, b, x, h) -> torch.Tensor:
    """The torch twin of :func:`reference.calculus.jacobian_central`, shape (m, n)."""
    return _central(_f(W, b), _t(x), float(h))


def jacobian(W, b, x) -> torch.Tensor:
    """The torch twin of :func:`reference.calculus.jacobian`: ``torch.autograd.functional.jacobian``, shape (m, n)."""
    return autograd_jacobian(_f(W, b), _t(x))


def hessian_central(W, c, x, h) -> torch.Tensor:
    """The torch twin of :func:`reference.calculus.hessian_central`, shape (n, n)."""
    g, h = _g(W, c), float(h)
    return _central(lambda y: _central(g, y, h).reshape(-1), _t(x), h)


def hessian(W, c, x) -> torch.Tensor:
    """The torch twin of :func:`reference.calculus.hessian`: ``torch.autograd.functional.hessian``, shape (n, n)."""
    return autograd_hessian(_g(W, c), _t(x))


def directional_derivative(W, c, x, u) -> float:
    """The torch twin of :func:`reference.calculus.directional_derivative`: autograd's gradient dotted with u / ||u||."""
    x = _t(x).clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(_g(W, c)(x), x)
    u = _t(u)
    return float(gradient @ (u / torch.linalg.vector_norm(u)))
