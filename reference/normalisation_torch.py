"""The normalisation references in torch; they must agree with :mod:`reference.normalisation`.

Each is torch's own module where torch has one, set to the notes' convention:

- ``batch_norm_train`` and ``batch_norm_eval`` are ``nn.BatchNorm1d(M, eps=delta)``
  with weight gamma and bias beta, in training mode and in ``eval()`` mode
  with its running buffers set;
- ``running_update_torch`` is the running buffers of ``nn.BatchNorm1d(M,
  momentum=momentum)`` after one training forward pass; ``running_update``
  (the notes' form, alpha on the old value, biased variance) is the same
  module with ``momentum = 1 - alpha``, its unbiased variance rescaled by
  (K - 1) / K: the buffers' update is linear, so starting the buffer at
  K/(K - 1) times the notes' variance keeps it at K/(K - 1) times the notes';
- ``batch_norm_backward`` is autograd through ``F.batch_norm`` in training mode;
- ``layer_norm`` is ``nn.LayerNorm(M, eps=delta)``, ``rms_norm`` ``nn.RMSNorm(M, eps=delta)``;
- ``standardise`` is ``torch.var_mean(correction=0)`` of the training set.

Everything is float64.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _tensor(x, grad: bool = False) -> torch.Tensor:
    tensor = torch.as_tensor(x, dtype=torch.float64).clone()
    return tensor.requires_grad_(True) if grad else tensor


def _batch_norm(M: int, gamma, beta, delta: float, momentum: float | None = 0.1) -> nn.BatchNorm1d:
    module = nn.BatchNorm1d(M, eps=float(delta), momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(_tensor(gamma))
        module.bias.copy_(_tensor(beta))
    return module


def standardise(X_train, X_test) -> tuple[torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.normalisation.standardise`: X_train (N, p), X_test (T, p)."""
    X_train, X_test = _tensor(X_train), _tensor(X_test)
    var, mu = torch.var_mean(X_train, dim=0, correction=0)
    return (X_train - mu) / var.sqrt(), (X_test - mu) / var.sqrt()


def batch_norm_train(A, gamma, beta, delta) -> torch.Tensor:
    """The torch twin of :func:`reference.normalisation.batch_norm_train`: ``nn.BatchNorm1d`` training, A (K, M)."""
    A = _tensor(A)
    with torch.no_grad():
        return _batch_norm(A.shape[1], gamma, beta, delta).train()(A)


def batch_norm_eval(A, gamma, beta, running_mean, running_var, delta) -> torch.Tensor:
    """The torch twin of :func:`reference.normalisation.batch_norm_eval`: ``nn.BatchNorm1d`` in eval mode, A (K, M)."""
    A = _tensor(A)
    module = _batch_norm(A.shape[1], gamma, beta, delta)
    module.running_mean.copy_(_tensor(running_mean))
    module.running_var.copy_(_tensor(running_var))
    with torch.no_grad():
        return module.eval()(A)


def running_update_torch(running_mean, running_var, A, momentum) -> tuple[torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.normalisation.running_update_torch`: ``nn.BatchNorm1d``'s buffers after one batch."""
    A = _tensor(A)
    M = A.shape[1]
    module = _batch_norm(M, torch.ones(M), torch.zeros(M), 1e-5, momentum=float(momentum))
    module.running_mean.copy_(_tensor(running_mean))
    module.running_var.copy_(_tensor(running_var))
    with torch.no_grad():
        module.train()(A)
    return module.running_mean.clone(), module.running_var.clone()


def running_update(running_mean, running_var, A, alpha) -> tuple[torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.normalisation.running_update`: ``nn.BatchNorm1d`` with momentum 1 - alpha, variance rescaled."""
    K = _tensor(A).shape[0]
    unbiased = K / (K - 1)
    mean, var = running_update_torch(running_mean, _tensor(running_var) * unbiased, A, 1.0 - float(alpha))
    return mean, var / unbiased


def batch_norm_backward(dY, A, gamma, delta) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.normalisation.batch_norm_backward`: autograd through ``F.batch_norm`` (training)."""
    A, gamma = _tensor(A, grad=True), _tensor(gamma, grad=True)
    beta = torch.zeros_like(gamma, requires_grad=True)
    Y = F.batch_norm(A, None, None, gamma, beta, training=True, eps=float(delta))
    dA, dgamma, dbeta = torch.autograd.grad(Y, (A, gamma, beta), grad_outputs=_tensor(dY))
    return dA, dgamma, dbeta


def layer_norm(A, gamma, beta, delta) -> torch.Tensor:
    """The torch twin of :func:`reference.normalisation.layer_norm`: ``nn.LayerNorm(M, eps=delta)``, A (K, M)."""
    A = _tensor(A)
    module = nn.LayerNorm(A.shape[1], eps=float(delta), dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(_tensor(gamma))
        module.bias.copy_(_tensor(beta))
        return module(A)


def rms_norm(A, gamma, delta) -> torch.Tensor:
    """The torch twin of :func:`reference.normalisation.rms_norm`: ``nn.RMSNorm(M, eps=delta)``, A (K, M)."""
    A = _tensor(A)
    module = nn.RMSNorm(A.shape[1], eps=float(delta), dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(_tensor(gamma))
        return module(A)
