"""The VAE references in torch; they must agree with :mod:`reference.vae`.

The KL terms are torch's own ``torch.distributions.kl_divergence`` between
``Normal(mu, sigma)`` (torch's Normal takes the standard deviation) and
``Normal(0, 1)``; the reconstruction error is ``F.mse_loss(R, X,
reduction="sum")`` (torch's default mean also divides by the features).
Everything is float64, except ``reparametrised_sample``, which computes in
the dtype of the tensors it is given and keeps them attached to the graph.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence as torch_kl


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64).clone()


def reparametrise(mu, sigma, zeta) -> torch.Tensor:
    """The torch twin of :func:`reference.vae.reparametrise`: all (N, k)."""
    return _tensor(mu) + _tensor(sigma) * _tensor(zeta)


def _kl(mu: torch.Tensor, sigma: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    terms = torch_kl(Normal(mu, sigma), Normal(torch.zeros_like(mu), torch.ones_like(mu)))
    return terms, terms.sum(dim=1)


def kl_divergence(mu, log_var):
    """The torch twin of :func:`reference.vae.kl_divergence`: mu and log_var (N, k)."""
    return _kl(_tensor(mu), torch.exp(_tensor(log_var) / 2))


def kl_divergence_sigma(mu, sigma):
    """The torch twin of :func:`reference.vae.kl_divergence_sigma`: mu and sigma (N, k)."""
    return _kl(_tensor(mu), _tensor(sigma))


def vae_loss(X, R, mu, log_var, C):
    """The torch twin of :func:`reference.vae.vae_loss`: X and R (N, d), mu and log_var (N, k)."""
    X = _tensor(X)
    reconstruction = C * F.mse_loss(_tensor(R), X, reduction="sum") / X.shape[0]
    kl = kl_divergence(mu, log_var)[1].mean()
    return float(reconstruction + kl), float(reconstruction), float(kl)


def reparametrised_sample(mu, log_var, zeta):
    """The torch twin of :class:`reference.vae.ReparametrisedSample`: h = mu + exp(log_var / 2) zeta, attached to mu and log_var."""
    return mu + torch.exp(log_var / 2) * zeta


def sample_from_prior(zeta, eps, c, W1, b1, W2, b2):
    """The torch twin of :func:`reference.vae.sample_from_prior`: zeta (N, k), eps (N, d)."""
    hidden = torch.relu(F.linear(_tensor(zeta), _tensor(W1), _tensor(b1)))
    G = torch.sigmoid(F.linear(hidden, _tensor(W2), _tensor(b2)))
    return G, G + c**0.5 * _tensor(eps)
