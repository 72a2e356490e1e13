"""Variational autoencoders' arithmetic in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def reparametrise(mu, sigma, zeta):
    mu, sigma, zeta = (np.asarray(a, dtype=float) for a in (mu, sigma, zeta))
    z = np.zeros(mu.shape)
    for index in np.ndindex(mu.shape):
        z[index] = mu[index] + sigma[index] * zeta[index]
    return z


def _kl(mu, term):
    mu = np.asarray(mu, dtype=float)
    terms, sums = np.zeros(mu.shape), np.zeros(mu.shape[0])
    for i in range(mu.shape[0]):
        for j in range(mu.shape[1]):
            terms[i, j] = term(i, j)
            sums[i] += terms[i, j]
    return terms, sums


def kl_divergence(mu, log_var):
    mu, log_var = np.asarray(mu, dtype=float), np.asarray(log_var, dtype=float)
    return _kl(mu, lambda i, j: 0.5 * (-1.0 - log_var[i, j] + math.exp(log_var[i, j]) + mu[i, j] ** 2))


def kl_divergence_sigma(mu, sigma):
    mu, sigma = np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float)
    return _kl(mu, lambda i, j: 0.5 * (-1.0 - math.log(sigma[i, j] ** 2) + sigma[i, j] ** 2 + mu[i, j] ** 2))


def vae_loss(X, R, mu, log_var, C):
    X, R = np.asarray(X, dtype=float), np.asarray(R, dtype=float)
    squared = 0.0
    for index in np.ndindex(X.shape):
        squared += (X[index] - R[index]) ** 2
    reconstruction = C * squared / len(X)
    _, sums = kl_divergence(mu, log_var)
    kl = 0.0
    for value in sums:
        kl += value
    kl /= len(sums)
    return reconstruction + kl, reconstruction, kl


def _sigmoid(a):
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


def sample_from_prior(zeta, eps, c, W1, b1, W2, b2):
    zeta, eps, W1, b1, W2, b2 = (np.asarray(a, dtype=float) for a in (zeta, eps, W1, b1, W2, b2))
    n = zeta.shape[0]
    G = np.zeros((n, W2.shape[0]))
    for r in range(n):
        hidden = []
        for j in range(W1.shape[0]):
            s = b1[j]
            for k in range(W1.shape[1]):
                s += W1[j, k] * zeta[r, k]
            hidden.append(max(s, 0.0))
        for i in range(W2.shape[0]):
            s = b2[i]
            for j in range(W2.shape[1]):
                s += W2[i, j] * hidden[j]
            G[r, i] = _sigmoid(s)
    X = np.zeros(G.shape)
    for index in np.ndindex(G.shape):
        X[index] = G[index] + math.sqrt(c) * eps[index]
    return G, X
