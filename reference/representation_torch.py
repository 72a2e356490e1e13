"""The representation references in torch; they must agree with :mod:`reference.representation`.

- ``info_nce`` is ``F.cross_entropy`` over the logits ``F.cosine_similarity / tau``
  of each anchor against the 2n embeddings of the batch, the anchor's own
  entry masked with -inf, the target being the anchor's positive;
- ``momentum_update`` is ``torch.lerp(theta_k, theta_q, 1 - m)`` per step;
- ``fine_tune_head`` sets ``requires_grad_(False)`` on every layer but the last
  and hands only the head's parameters to ``torch.optim.SGD``;
- ``domain_adversarial_step`` passes the features through a gradient reversal
  layer (an autograd Function) and takes a ``torch.optim.SGD`` step;
- ``greedy_pretraining`` whitens through the SVD of the centred data,
  ``C^{-1/2} = sqrt(n) V S^{-1} V^T``, instead of the covariance's eigenvectors.

Everything is float64.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64).clone()


def info_nce(Z, Z_pos, tau) -> float:
    """The torch twin of :func:`reference.representation.info_nce`: Z and Z_pos of shape (n, d), tau a float."""
    Z, Z_pos = _tensor(Z), _tensor(Z_pos)
    n = Z.shape[0]
    batch = torch.cat([Z, Z_pos])
    logits = F.cosine_similarity(Z[:, None, :], batch[None, :, :], dim=2, eps=0.0) / float(tau)
    logits = logits.masked_fill(torch.eye(n, 2 * n, dtype=torch.bool), float("-inf"))
    return float(F.cross_entropy(logits, torch.arange(n, 2 * n)))


def momentum_update(key_params, query_history, m) -> dict[str, torch.Tensor]:
    """The torch twin of :func:`reference.representation.momentum_update`: dicts of tensors by name."""
    key = {name: _tensor(value) for name, value in key_params.items()}
    for query in query_history:
        key = {name: torch.lerp(value, _tensor(query[name]), 1.0 - float(m)) for name, value in key.items()}
    return key


def _fit(data: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    mu = data.mean(dim=0)
    _, S, Vh = torch.linalg.svd(data - mu, full_matrices=False)
    return mu, (Vh.T / S) @ Vh * data.shape[0] ** 0.5


def greedy_pretraining(X, n_layers, X_new) -> tuple[list[torch.Tensor], torch.Tensor]:
    """The torch twin of :func:`reference.representation.greedy_pretraining`: X (n, d), X_new (p, d)."""
    data, layers, representations = _tensor(X), [], []
    for _ in range(int(n_layers)):
        mu, W = _fit(data)
        layers.append((mu, W))
        data = torch.tanh((data - mu) @ W)
        representations.append(data)
    encoded = _tensor(X_new)
    for mu, W in layers:
        encoded = torch.tanh((encoded - mu) @ W)
    return representations, encoded



def fine_tune_head(model, X, labels, lr, weight_decay) -> float:
    """The torch twin of :func:`reference.representation.fine_tune_head`: requires_grad_(False) on the body, SGD on the head."""
    for layer in model.layers[:-1]:
        layer.requires_grad_(False)
    head = model.layers[-1]
    optimiser = torch.optim.SGD(head.parameters(), lr=lr, weight_decay=weight_decay)
    loss = F.cross_entropy(model(torch.as_tensor(X)), torch.as_tensor(labels, dtype=torch.int64))
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return float(loss.detach())



class GradientReversal(torch.autograd.Function):
    """The identity forward; backward multiplies the gradient by -lam."""

    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.view_as(x)

    @staticmethod
    def backward(ctx, upstream):
        return -ctx.lam * upstream, None


def domain_adversarial_step(params, grad_label, grad_domain, lr, lam) -> dict[str, torch.Tensor]:
    """The torch twin of :func:`reference.representation.domain_adversarial_step`: losses whose gradients are the ones
    given, the domain loss reaching the features through a gradient reversal layer, and one ``torch.optim.SGD`` step."""
    tensors = {name: _tensor(value).requires_grad_(True) for name, value in params.items()}
    loss = torch.zeros((), dtype=torch.float64)
    for name, p in tensors.items():
        if name in grad_label:
            loss = loss + (_tensor(grad_label[name]) * p).sum()
        if name in grad_domain:
            seen = GradientReversal.apply(p, float(lam)) if name.startswith("features.") else p
            loss = loss + (_tensor(grad_domain[name]) * seen).sum()
    optimiser = torch.optim.SGD(list(tensors.values()), lr=float(lr))
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return {name: p.detach() for name, p in tensors.items()}
