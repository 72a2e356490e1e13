"""Variational autoencoders in NumPy: the reparametrisation, the KL term against N(0, I) in both
parametrisations, the VAE loss with the reconstruction weight C, the reparametrised sample's gradients,
and sampling new data from the prior through a decoder (course notes 1.9.3).

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters, float64 throughout. Conventions
(see ``exercises/vae.py``):

- the encoder's outputs for a batch are ``mu`` and either ``sigma`` (the
  standard deviations) or ``log_var`` (``log sigma^2``, what encoders
  usually output), each of shape ``(N, k)``; q_x(h) = N(mu, diag(sigma^2));
- the reparametrisation is ``h = mu + sigma * zeta`` with ``zeta`` drawn
  from N(0, I) and given (the notes' 1.9.3.1 writes ``sigma + zeta mu``, a
  slip: that sample does not have mean mu);
- ``KL(N(mu, sigma^2) || N(0, 1)) = 1/2 (-1 - log sigma^2 + sigma^2 + mu^2)``
  for each dimension (the notes' 1.9.3.2), summed over the k dimensions of
  an example;
- the loss of an example is the notes' ``C ||x - g(h)||^2 + KL``; a batch's
  loss is the average over its N examples.
"""

from __future__ import annotations

import numpy as np


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def reparametrise(mu, sigma, zeta) -> np.ndarray:
    """A sample of N(mu, sigma^2) from a standard normal one: ``h = mu + sigma * zeta``.

    Parameters
    ----------
    mu, sigma, zeta : ndarray of shape (N, k); sigma > 0 the standard deviations

    Returns
    -------
    ndarray of shape (N, k)
    """
    return _floats(mu) + _floats(sigma) * _floats(zeta)


def kl_terms(mu, variance, log_variance) -> np.ndarray:
    """``1/2 (-1 - log sigma^2 + sigma^2 + mu^2)``, entry by entry."""
    return 0.5 * (-1.0 - _floats(log_variance) + _floats(variance) + _floats(mu) ** 2)


def kl_divergence(mu, log_var):
    """KL(q_x || N(0, I)) from the log-variance parametrisation, per dimension and summed over an example's dimensions.

    ``KL_nj = 1/2 (-1 - log_var_nj + exp(log_var_nj) + mu_nj^2)``, ``KL_n = sum_j KL_nj``.

    Parameters
    ----------
    mu, log_var : ndarray of shape (N, k), log_var = log sigma^2

    Returns
    -------
    (terms, totals) : ndarray of shape (N, k), ndarray of shape (N,)
    """
    log_var = _floats(log_var)
    terms = kl_terms(mu, np.exp(log_var), log_var)
    return terms, terms.sum(axis=1)


def kl_divergence_sigma(mu, sigma):
    """KL(q_x || N(0, I)) from the standard deviations sigma: as :func:`kl_divergence` with log_var = log sigma^2.

    Parameters
    ----------
    mu, sigma : ndarray of shape (N, k), sigma > 0

    Returns
    -------
    (terms, totals) : ndarray of shape (N, k), ndarray of shape (N,)
    """
    sigma = _floats(sigma)
    terms = kl_terms(mu, sigma**2, 2.0 * np.log(sigma))
    return terms, terms.sum(axis=1)


def vae_loss(X, R, mu, log_var, C):
    """The VAE loss of a batch: ``(1/N) sum_n (C ||x_n - r_n||^2 + KL_n)``, and its two parts.

    Parameters
    ----------
    X : ndarray of shape (N, d), the inputs
    R : ndarray of shape (N, d), their reconstructions g(h)
    mu, log_var : ndarray of shape (N, k), the encoder's outputs
    C : float > 0, the reconstruction's weight

    Returns
    -------
    (loss, reconstruction, kl) : floats; reconstruction = (C/N) sum_n ||x_n - r_n||^2,
    kl = (1/N) sum_n KL_n, loss = reconstruction + kl
    """
    X = _floats(X)
    reconstruction = C * float(((X - _floats(R)) ** 2).sum()) / len(X)
    kl = float(kl_divergence(mu, log_var)[1].mean())
    return reconstruction + kl, reconstruction, kl


class ReparametrisedSample:
    """``h = mu + exp(log_var / 2) * zeta``, with its gradients, as a class of :mod:`grader.object_scripts`'s protocol.

    ``backward`` returns the gradients of ``sum(upstream * h)`` with respect to mu, log_var and zeta:
    ``upstream``, ``upstream * zeta * sigma / 2`` and ``upstream * sigma``. The checks ask only for the
    first two: zeta is a constant drawn outside the network, and nothing asks for its gradient.
    """

    def state_dict(self):
        return {}

    def load_state_dict(self, state):
        pass

    def forward(self, mu, log_var, zeta):
        self.sigma = np.exp(_floats(log_var) / 2.0)
        self.zeta = _floats(zeta)
        return _floats(mu) + self.sigma * self.zeta

    def backward(self, upstream):
        G = _floats(upstream)
        return (G, G * self.zeta * self.sigma / 2.0, G * self.sigma), {}


def relu(a) -> np.ndarray:
    return np.maximum(_floats(a), 0.0)


def sigmoid(a) -> np.ndarray:
    a = _floats(a)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def decode(H, W1, b1, W2, b2) -> np.ndarray:
    """The decoder ``g(h) = sigmoid(W2 relu(W1 h + b1) + b2)``, one example per row of H."""
    return sigmoid(relu(_floats(H) @ _floats(W1).T + _floats(b1)) @ _floats(W2).T + _floats(b2))


def sample_from_prior(zeta, eps, c, W1, b1, W2, b2):
    """New data from the VAE's generative model: ``h ~ N(0, I)``, then ``x ~ N(g(h), c I)``.

    With the standard normal draws given: ``h = zeta`` (the prior needs no mu or sigma),
    ``G = g(h)`` and ``X = G + sqrt(c) * eps`` (c is the variance of p(x | h)).

    Parameters
    ----------
    zeta : ndarray of shape (N, k), draws of N(0, I) in the code space
    eps : ndarray of shape (N, d), draws of N(0, I) in the data space
    c : float > 0, the variance of p(x | h) (the notes' cI)
    W1 : ndarray of shape (m, k), b1 : ndarray of shape (m,), W2 : ndarray of shape (d, m), b2 : ndarray of shape (d,)

    Returns
    -------
    (G, X) : ndarray of shape (N, d) each: the decoded means g(h), and the samples
    """
    G = decode(zeta, W1, b1, W2, b2)
    return G, G + np.sqrt(c) * _floats(eps)
