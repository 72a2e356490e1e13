"""The probability references in torch; they must agree with :mod:`reference.probability`.

Sums, the trapezoidal rule (``torch.trapezoid``), divisions and
``torch.cov(correction=ddof)``; the log-likelihoods are
``torch.distributions``' ``Bernoulli``, ``Binomial`` and ``Normal``, summed over
the data. ``Normal`` takes the standard deviation, so it is given
``sqrt(var)``. Everything is float64, except that :func:`is_valid_pmf` keeps a
float32 input's precision for its default tolerance, as the NumPy reference does.
"""

from __future__ import annotations

import math

import numpy as np
import torch


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x, dtype=float), dtype=torch.float64)


def is_valid_pmf(P, tol=None) -> bool:
    """The torch twin of :func:`reference.probability.is_valid_pmf`: P of any shape."""
    array = np.asarray(P)
    narrow = array.dtype.kind == "f" and array.dtype.itemsize <= 4
    if tol is None:
        tol = max(array.size, 1) * torch.finfo(torch.float32 if narrow else torch.float64).eps
    P = torch.as_tensor(array.astype(np.float64))
    return bool((P >= 0).all()) and abs(float(P.sum()) - 1.0) <= float(tol)


def is_valid_pdf(x, p, tol) -> bool:
    """The torch twin of :func:`reference.probability.is_valid_pdf`: x and p of shape (n,)."""
    x, p = _tensor(x), _tensor(p)
    return bool((p >= 0).all()) and abs(float(torch.trapezoid(p, x)) - 1.0) <= float(tol)


def marginals(P) -> tuple[torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.probability.marginals`: P of shape (m, k)."""
    P = _tensor(P)
    return P.sum(dim=1), P.sum(dim=0)


def conditional(P, given) -> torch.Tensor:
    """The torch twin of :func:`reference.probability.conditional`: P of shape (m, k)."""
    P = _tensor(P)
    marginal = (P.sum(dim=1, keepdim=True) if given == "x" else P.sum(dim=0, keepdim=True)).expand_as(P)
    return torch.where(marginal > 0, P / torch.where(marginal > 0, marginal, torch.ones_like(marginal)), torch.zeros_like(P))


def sample_moments(X, ddof) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.probability.sample_moments`: X of shape (n, d)."""
    X = _tensor(X)
    cov = torch.cov(X.T, correction=int(ddof)).reshape(X.shape[1], X.shape[1])
    return X.mean(dim=0), torch.var(X, dim=0, correction=int(ddof)), cov


def table_moments(x_values, y_values, P) -> tuple[torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.probability.table_moments`: x (m,), y (k,), P (m, k)."""
    x, y, P = _tensor(x_values), _tensor(y_values), _tensor(P)
    X, Y = torch.meshgrid(x, y, indexing="ij")
    mean = torch.stack([(P * X).sum(), (P * Y).sum()])
    dX, dY = X - mean[0], Y - mean[1]
    cov = torch.stack([torch.stack([(P * dX * dX).sum(), (P * dX * dY).sum()]),
                       torch.stack([(P * dY * dX).sum(), (P * dY * dY).sum()])])
    return mean, cov


def bernoulli_log_likelihood(x, phi) -> float:
    """The torch twin of :func:`reference.probability.bernoulli_log_likelihood`: x of shape (n,)."""
    return float(torch.distributions.Bernoulli(probs=torch.tensor(float(phi), dtype=torch.float64)).log_prob(_tensor(x)).sum())


def binomial_log_likelihood(k, N, p) -> float:
    """The torch twin of :func:`reference.probability.binomial_log_likelihood`: k of shape (n,)."""
    distribution = torch.distributions.Binomial(total_count=int(N), probs=torch.tensor(float(p), dtype=torch.float64))
    return float(distribution.log_prob(_tensor(k)).sum())


def gaussian_log_likelihood(x, mu, var) -> float:
    """The torch twin of :func:`reference.probability.gaussian_log_likelihood`: x of shape (n,), var the variance."""
    normal = torch.distributions.Normal(torch.tensor(float(mu), dtype=torch.float64),
                                        torch.tensor(math.sqrt(float(var)), dtype=torch.float64))
    return float(normal.log_prob(_tensor(x)).sum())
