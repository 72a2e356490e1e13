"""Known mistakes in the VAE exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/vae.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np
import torch

from reference.vae import _floats, decode, kl_divergence, kl_terms, relu, sigmoid

# -- reparametrise ------------------------------------------------------------------------------


def reparametrise_notes_slip(mu, sigma, zeta):
    """The notes' slip in 1.9.3.1: h = sigma + zeta * mu, mean and standard deviation swapped."""
    return _floats(sigma) + _floats(zeta) * _floats(mu)


def reparametrise_variance_as_scale(mu, sigma, zeta):
    """zeta is scaled by the variance: h = mu + sigma^2 * zeta."""
    return _floats(mu) + _floats(sigma) ** 2 * _floats(zeta)


def reparametrise_standardised(mu, sigma, zeta):
    """The standardisation formula is used the wrong way round: h = (zeta - mu) / sigma."""
    return (_floats(zeta) - _floats(mu)) / _floats(sigma)


# -- kl_divergence ------------------------------------------------------------------------------


def _with_totals(terms):
    return terms, terms.sum(axis=1)


def kl_divergence_log_sigma(mu, log_var):
    """The log term is log sigma = log_var / 2 instead of log sigma^2."""
    log_var = _floats(log_var)
    return _with_totals(kl_terms(mu, np.exp(log_var), log_var / 2.0))


def kl_divergence_sigma_as_variance(mu, log_var):
    """sigma = exp(log_var / 2) is put where the variance sigma^2 belongs."""
    log_var = _floats(log_var)
    return _with_totals(kl_terms(mu, np.exp(log_var / 2.0), log_var))


def kl_divergence_averaged(mu, log_var):
    """The per-example KL is the mean over the k dimensions instead of their sum."""
    terms, _ = kl_divergence(mu, log_var)
    return terms, terms.mean(axis=1)


def kl_divergence_no_half(mu, log_var):
    """The factor 1/2 is left out: -1 - log sigma^2 + sigma^2 + mu^2."""
    terms, _ = kl_divergence(mu, log_var)
    return _with_totals(2.0 * terms)


# -- kl_divergence_sigma ------------------------------------------------------------------------


def kl_divergence_sigma_log_sigma(mu, sigma):
    """The log term is log sigma instead of log sigma^2."""
    sigma = _floats(sigma)
    return _with_totals(kl_terms(mu, sigma**2, np.log(sigma)))


def kl_divergence_sigma_sigma_as_variance(mu, sigma):
    """sigma is taken for the variance: 1/2 (-1 - log sigma + sigma + mu^2)."""
    sigma = _floats(sigma)
    return _with_totals(kl_terms(mu, sigma, np.log(sigma)))


def kl_divergence_sigma_averaged(mu, sigma):
    """The per-example KL is the mean over the k dimensions instead of their sum."""
    sigma = _floats(sigma)
    terms = kl_terms(mu, sigma**2, 2.0 * np.log(sigma))
    return terms, terms.mean(axis=1)


def kl_divergence_sigma_log_var_formula(mu, sigma):
    """sigma is taken for the log-variance: 1/2 (-1 - sigma + exp(sigma) + mu^2)."""
    sigma = _floats(sigma)
    return _with_totals(kl_terms(mu, np.exp(sigma), sigma))


# -- vae_loss -----------------------------------------------------------------------------------


def _parts(X, R, mu, log_var):
    X = _floats(X)
    return X, float(((X - _floats(R)) ** 2).sum()) / len(X), float(kl_divergence(mu, log_var)[1].mean())


def vae_loss_weight_on_kl(X, R, mu, log_var, C):
    """C weighs the KL term instead of the reconstruction: ||x - r||^2 + C KL."""
    _, squared, kl = _parts(X, R, mu, log_var)
    return squared + C * kl, squared, C * kl


def vae_loss_kl_averaged(X, R, mu, log_var, C):
    """Each example's KL is the mean over its k dimensions instead of their sum."""
    _, squared, _ = _parts(X, R, mu, log_var)
    kl = float(kl_divergence(mu, log_var)[0].mean())
    return C * squared + kl, C * squared, kl


def vae_loss_mean_over_entries(X, R, mu, log_var, C):
    """The reconstruction error is F.mse_loss's mean over every entry, not summed over an example's d features."""
    X, squared, kl = _parts(X, R, mu, log_var)
    reconstruction = C * squared / X.shape[1]
    return reconstruction + kl, reconstruction, kl


def vae_loss_weight_as_variance(X, R, mu, log_var, C):
    """C is read as the variance c of p(x | h): the reconstruction is weighted by 1 / (2C)."""
    _, squared, kl = _parts(X, R, mu, log_var)
    reconstruction = squared / (2.0 * C)
    return reconstruction + kl, reconstruction, kl


# -- reparametrised_sample (torch) --------------------------------------------------------------


def reparametrised_sample_zeta_requires_grad(mu, log_var, zeta):
    """zeta is made to require grad, so the sample is in the graph even when mu and log_var are not."""
    zeta = torch.as_tensor(zeta).requires_grad_(True)
    return mu + torch.exp(log_var / 2) * zeta


def reparametrised_sample_noise_detached(mu, log_var, zeta):
    """The noise term sigma * zeta is detached, so no gradient reaches log_var."""
    return mu + (torch.exp(log_var / 2) * zeta).detach()


def reparametrised_sample_variance_as_scale(mu, log_var, zeta):
    """zeta is scaled by the variance exp(log_var) instead of the standard deviation exp(log_var / 2)."""
    return mu + torch.exp(log_var) * zeta


def reparametrised_sample_notes_slip(mu, log_var, zeta):
    """The notes' slip: h = sigma + zeta * mu."""
    return torch.exp(log_var / 2) + zeta * mu


# -- sample_from_prior --------------------------------------------------------------------------


def sample_from_prior_c_as_std(zeta, eps, c, W1, b1, W2, b2):
    """c is used as the standard deviation of p(x | h): X = G + c * eps."""
    G = decode(zeta, W1, b1, W2, b2)
    return G, G + c * _floats(eps)


def sample_from_prior_no_noise(zeta, eps, c, W1, b1, W2, b2):
    """The samples are the decoded means: X = g(h), without the noise of p(x | h)."""
    G = decode(zeta, W1, b1, W2, b2)
    return G, G.copy()


def sample_from_prior_no_relu(zeta, eps, c, W1, b1, W2, b2):
    """The decoder's hidden layer has no ReLU: g(h) = sigmoid(W2 (W1 h + b1) + b2)."""
    G = sigmoid((_floats(zeta) @ _floats(W1).T + _floats(b1)) @ _floats(W2).T + _floats(b2))
    return G, G + np.sqrt(c) * _floats(eps)


def sample_from_prior_no_sigmoid(zeta, eps, c, W1, b1, W2, b2):
    """The decoder's output has no sigmoid: g(h) = W2 relu(W1 h + b1) + b2."""
    G = relu(_floats(zeta) @ _floats(W1).T + _floats(b1)) @ _floats(W2).T + _floats(b2)
    return G, G + np.sqrt(c) * _floats(eps)
