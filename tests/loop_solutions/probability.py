"""Probability in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def is_valid_pmf(P, tol=None):
    P = np.asarray(P)
    if tol is None:
        dtype = P.dtype if P.dtype.kind == "f" and P.dtype.itemsize <= 4 else np.float64
        tol = max(P.size, 1) * float(np.finfo(dtype).eps)
    total, negative = 0.0, False
    for index in np.ndindex(P.shape):
        total += float(P[index])
        negative = negative or P[index] < 0
    return bool(not negative and abs(total - 1.0) <= tol)


def is_valid_pdf(x, p, tol):
    integral, negative = 0.0, False
    for i in range(len(p)):
        negative = negative or p[i] < 0
        if i > 0:
            integral += (float(x[i]) - float(x[i - 1])) * (float(p[i]) + float(p[i - 1])) / 2
    return bool(not negative and abs(integral - 1.0) <= tol)


def _float(P):
    P = np.asarray(P)
    return P if P.dtype.kind == "f" else P.astype(float)


def marginals(P):
    P = _float(P)
    px, py = np.zeros(P.shape[0], dtype=P.dtype), np.zeros(P.shape[1], dtype=P.dtype)
    for i in range(P.shape[0]):
        for j in range(P.shape[1]):
            px[i] += P[i, j]
            py[j] += P[i, j]
    return px, py


def conditional(P, given):
    P = _float(P)
    px, py = marginals(P)
    out = np.zeros(P.shape, dtype=P.dtype)
    for i in range(P.shape[0]):
        for j in range(P.shape[1]):
            m = px[i] if given == "x" else py[j]
            out[i, j] = P[i, j] / m if m > 0 else 0.0
    return out


def sample_moments(X, ddof):
    X = _float(X)
    n, d = X.shape
    mean = np.zeros(d, dtype=X.dtype)
    for j in range(d):
        for i in range(n):
            mean[j] += X[i, j]
        mean[j] /= n
    cov = np.zeros((d, d), dtype=X.dtype)
    for a in range(d):
        for b in range(d):
            s = 0.0
            for i in range(n):
                s += (X[i, a] - mean[a]) * (X[i, b] - mean[b])
            cov[a, b] = s / (n - ddof)
    variances = np.zeros(d, dtype=X.dtype)
    for j in range(d):
        variances[j] = cov[j, j]
    return mean, variances, cov


def table_moments(x_values, y_values, P):
    x, y, P = (np.asarray(a, dtype=float) for a in (x_values, y_values, P))
    px, py = marginals(P)
    ex = sum(px[i] * x[i] for i in range(len(x)))
    ey = sum(py[j] * y[j] for j in range(len(y)))
    vxx = sum(px[i] * (x[i] - ex) ** 2 for i in range(len(x)))
    vyy = sum(py[j] * (y[j] - ey) ** 2 for j in range(len(y)))
    vxy = 0.0
    for i in range(len(x)):
        for j in range(len(y)):
            vxy += P[i, j] * (x[i] - ex) * (y[j] - ey)
    return np.array([ex, ey]), np.array([[vxx, vxy], [vxy, vyy]])


def bernoulli_log_likelihood(x, phi):
    total = 0.0
    for value in np.asarray(x).ravel():
        total += math.log(phi) if value else math.log1p(-phi)
    return total


def binomial_log_likelihood(k, N, p):
    total = 0.0
    for count in np.asarray(k).ravel():
        c = int(count)
        total += math.lgamma(N + 1) - math.lgamma(c + 1) - math.lgamma(N - c + 1)
        total += c * math.log(p) + (N - c) * math.log1p(-p)
    return total


def gaussian_log_likelihood(x, mu, var):
    total = 0.0
    for value in np.asarray(x, dtype=float).ravel():
        total += -0.5 * math.log(2 * math.pi * var) - (value - mu) ** 2 / (2 * var)
    return total
