"""Restricted Boltzmann machine references in torch; they must agree with :mod:`reference.rbm`.

Same names, signatures and conventions (see that module's docstring): binary
0/1 units, ``W`` of shape ``(n_visible, n_hidden)``, sampling by ``u < p``
with the uniforms passed in, CD with sampled hidden states that drive the
chain and hidden probabilities in the statistics. :func:`free_energy_gradients`
differentiates the free energy with autograd (the NumPy reference writes the
gradients out). Everything is float64.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def _t(x) -> torch.Tensor:
    """A float64 tensor; a tensor passes through (keeping its autograd graph)."""
    if isinstance(x, torch.Tensor):
        return x.to(torch.float64)
    return torch.as_tensor(np.asarray(x, dtype=float), dtype=torch.float64)


def hidden_probabilities(V, W, c, T: float = 1.0) -> torch.Tensor:
    """``sigmoid((V W + c) / T)``."""
    return torch.sigmoid((_t(V) @ _t(W) + _t(c)) / T)


def visible_probabilities(H, W, b, T: float = 1.0) -> torch.Tensor:
    """``sigmoid((H W^T + b) / T)``."""
    return torch.sigmoid((_t(H) @ _t(W).T + _t(b)) / T)


def sample_states(P, U=None) -> torch.Tensor:
    """1.0 where ``U < P``; without U, where ``P >= 0.5``."""
    P = _t(P)
    if U is None:
        return (P >= 0.5).to(torch.float64)
    U = _t(U)
    if U.shape != P.shape:
        raise ValueError(f"U has shape {tuple(U.shape)}, but P has shape {tuple(P.shape)}")
    return (U < P).to(torch.float64)


def energy(V, H, W, b, c) -> torch.Tensor:
    """``-v^T W h - b^T v - c^T h`` per row, as a bilinear form."""
    V, H = _t(V), _t(H)
    return -torch.einsum("bi,ij,bj->b", V, _t(W), H) - V @ _t(b) - H @ _t(c)


def free_energy(V, W, b, c) -> torch.Tensor:
    """``-b^T v - sum_j softplus(c_j + (v^T W)_j)`` per row."""
    V = _t(V)
    return -V @ _t(b) - F.softplus(V @ _t(W) + _t(c)).sum(dim=1)


def free_energy_gradients(V, W, b, c) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``d mean F / d(W, b, c)`` by autograd."""
    W, b, c = (_t(x).requires_grad_(True) for x in (W, b, c))
    free_energy(V, W, b, c).mean().backward()
    return W.grad, b.grad, c.grad


def _updated(W, b, c, eps, V0, Q0, Vk, Qk):
    B = V0.shape[0]
    return (
        _t(W) + eps * (V0.T @ Q0 - Vk.T @ Qk) / B,
        _t(b) + eps * (V0 - Vk).mean(dim=0),
        _t(c) + eps * (Q0 - Qk).mean(dim=0),
    )


def cd_k(V, W, b, c, eps: float, U_hidden, U_visible):
    """CD-k, k = len(U_hidden): sampled chain, probabilities in the statistics."""
    V0, U_hidden, U_visible = _t(V), _t(U_hidden), _t(U_visible)
    k = U_hidden.shape[0]
    if k < 1 or U_visible.shape[0] != k:
        raise ValueError("U_hidden and U_visible must both hold k >= 1 draws")
    Q0 = hidden_probabilities(V0, W, c)
    H = sample_states(Q0, U_hidden[0])
    for s in range(1, k + 1):
        Vs = sample_states(visible_probabilities(H, W, b), U_visible[s - 1])
        Qs = hidden_probabilities(Vs, W, c)
        if s < k:
            H = sample_states(Qs, U_hidden[s])
    return _updated(W, b, c, eps, V0, Q0, Vs, Qs)


def cd1_step(V, W, b, c, eps: float, U_hidden, U_visible):
    """:func:`cd_k` with k = 1."""
    return cd_k(V, W, b, c, eps, _t(U_hidden)[None], _t(U_visible)[None])


def cd1_step_all_sampled(V, W, b, c, eps: float, U_hidden=None, U_visible=None):
    """The notes' CD-1: sampled H0, V1, H1 in the statistics; no uniforms means the threshold rule."""
    if (U_hidden is None) != (U_visible is None):
        raise ValueError("pass both U_hidden and U_visible, or neither (for the threshold rule)")
    U_h0, U_h1 = (None, None) if U_hidden is None else _t(U_hidden)
    V0 = _t(V)
    H0 = sample_states(hidden_probabilities(V0, W, c), U_h0)
    V1 = sample_states(visible_probabilities(H0, W, b), U_visible)
    H1 = sample_states(hidden_probabilities(V1, W, c), U_h1)
    return _updated(W, b, c, eps, V0, H0, V1, H1)


def reconstruction_error(V, W, b, c) -> float:
    """``mean((V - p(v | p(h | V)))^2)``."""
    V = _t(V)
    R = visible_probabilities(hidden_probabilities(V, W, c), W, b)
    return float(((V - R) ** 2).mean())


def train(V, W, b, c, eps: float, batch_size: int, U_hidden, U_visible):
    """CD-1 on mini-batches of consecutive rows, epoch after epoch; errors before and after each epoch."""
    V, W, b, c = _t(V), _t(W), _t(b), _t(c)
    U_hidden, U_visible = _t(U_hidden), _t(U_visible)
    errors = [reconstruction_error(V, W, b, c)]
    for epoch in range(U_hidden.shape[0]):
        for start in range(0, V.shape[0], batch_size):
            rows = slice(start, start + batch_size)
            W, b, c = cd1_step(V[rows], W, b, c, eps, U_hidden[epoch, rows], U_visible[epoch, rows])
        errors.append(reconstruction_error(V, W, b, c))
    return W, b, c, torch.tensor(errors, dtype=torch.float64)
