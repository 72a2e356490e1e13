"""Known mistakes in the probability exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/probability.py`` name them with a hint.
"""

from __future__ import annotations

import math

import numpy as np

from reference.probability import (
    conditional,
    default_tolerance,
    log_binomial_coefficient,
    sample_moments,
    table_moments,
    trapezoid,
)


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _tol(P, tol) -> float:
    return default_tolerance(P) if tol is None else float(tol)


# -- is_valid_pmf ---------------------------------------------------------------------------------


def is_valid_pmf_no_nonnegativity(P, tol=None):
    """Checks only that the entries sum to 1: a negative entry passes."""
    P = np.asarray(P)
    return bool(abs(float(P.sum(dtype=np.float64)) - 1.0) <= _tol(P, tol))


def is_valid_pmf_exact_sum(P, tol=None):
    """Tests sum(P) == 1 exactly, ignoring the tolerance."""
    P = np.asarray(P)
    return bool((P >= 0).all() and float(P.sum(dtype=np.float64)) == 1.0)


def is_valid_pmf_one_sided(P, tol=None):
    """Tests sum(P) - 1 <= tol without the absolute value: a sum below 1 passes."""
    P = np.asarray(P)
    return bool((P >= 0).all() and float(P.sum(dtype=np.float64)) - 1.0 <= _tol(P, tol))


def is_valid_pmf_rows_sum_to_one(P, tol=None):
    """Requires each row (the last axis) to sum to 1, as a conditional table does, not the whole table."""
    P = np.asarray(P)
    rows = P.sum(axis=-1, dtype=np.float64)
    return bool((P >= 0).all() and (np.abs(rows - 1.0) <= _tol(P, tol)).all())


# -- is_valid_pdf ---------------------------------------------------------------------------------


def is_valid_pdf_no_nonnegativity(x, p, tol):
    """Checks only the integral: a density negative somewhere passes."""
    return bool(abs(trapezoid(x, p) - 1.0) <= float(tol))


def is_valid_pdf_density_at_most_one(x, p, tol):
    """Also requires p <= 1, as for a PMF: a narrow uniform density (above 1) fails."""
    p = _floats(p)
    return bool((p >= 0).all() and (p <= 1).all() and abs(trapezoid(x, p) - 1.0) <= float(tol))


def is_valid_pdf_summed_like_a_pmf(x, p, tol):
    """Sums the density values as a PMF's probabilities, without the widths dx."""
    p = _floats(p)
    return bool((p >= 0).all() and abs(float(p.sum()) - 1.0) <= float(tol))


def is_valid_pdf_uniform_spacing(x, p, tol):
    """Takes every interval as wide as the first, x[1] - x[0]."""
    x, p = _floats(x), _floats(p)
    integral = float(((x[1] - x[0]) * (p[1:] + p[:-1]) / 2).sum())
    return bool((p >= 0).all() and abs(integral - 1.0) <= float(tol))


def is_valid_pdf_exact_integral(x, p, tol):
    """Tests the integral == 1 exactly, ignoring the tolerance."""
    p = _floats(p)
    return bool((p >= 0).all() and trapezoid(x, p) == 1.0)


# -- marginals --------------------------------------------------------------------------------------


def marginals_axes_swapped(P):
    """Sums down the columns for P(x) and along the rows for P(y)."""
    P = _floats(P)
    return P.sum(axis=0), P.sum(axis=1)


def marginals_mean(P):
    """Averages over the other variable instead of summing."""
    P = _floats(P)
    return P.mean(axis=1), P.mean(axis=0)


def marginals_slice(P):
    """Reads P(x) as P(x, y_1) and P(y) as P(x_1, y): a slice of the table, not a sum."""
    P = _floats(P)
    return P[:, 0].copy(), P[0, :].copy()


# -- conditional ------------------------------------------------------------------------------------


def conditional_wrong_axis(P, given):
    """Divides by the marginal of the variable NOT conditioned on."""
    return conditional(P, "y" if given == "x" else "x")


def conditional_nan_where_undefined(P, given):
    """Divides without a guard: 0 / 0 = NaN where the marginal is 0."""
    P = _floats(P)
    marginal = P.sum(axis=1, keepdims=True) if given == "x" else P.sum(axis=0, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return P / marginal


def conditional_bayes_without_prior(P, given):
    """Uses Bayes' rule as P(x | y) = P(y | x) / P(y), without the factor P(x) (and symmetrically)."""
    P = _floats(P)
    other = "y" if given == "x" else "x"
    reverse = conditional(P, other)  # P(y | x) when x is asked given y
    marginal = P.sum(axis=1, keepdims=True) if given == "x" else P.sum(axis=0, keepdims=True)
    marginal = np.broadcast_to(marginal, P.shape)
    return np.divide(reverse, marginal, out=np.zeros_like(P), where=marginal > 0)


# -- sample_moments -----------------------------------------------------------------------------------


def sample_moments_population_always(X, ddof):
    """Divides by n whatever ddof is: the population variance where the sample one is asked."""
    return sample_moments(X, 0)


def sample_moments_sample_always(X, ddof):
    """Divides by n - 1 whatever ddof is: the sample variance where the population one is asked."""
    return sample_moments(X, 1)


def sample_moments_rows_as_variables(X, ddof):
    """Treats each row as a variable (np.cov's rowvar=True default): an (n, n) covariance, means over the columns."""
    X = _floats(X)
    mean = X.mean(axis=1)
    centred = X - mean[:, None]
    cov = centred @ centred.T / (X.shape[1] - int(ddof))
    return mean, np.diag(cov).copy(), cov


def sample_moments_not_centred(X, ddof):
    """Leaves out the centring: the second moments sum x_a x_b / (n - ddof)."""
    X = _floats(X)
    second = X.T @ X / (X.shape[0] - int(ddof))
    return X.mean(axis=0), np.diag(second).copy(), second


# -- table_moments ------------------------------------------------------------------------------------


def table_moments_unweighted(x_values, y_values, P):
    """Averages the values as if every state were equally likely, ignoring P."""
    x, y = _floats(x_values), _floats(y_values)
    m, k = len(x), len(y)
    return table_moments_from_weights(x, y, np.full((m, k), 1.0 / (m * k)))


def table_moments_from_weights(x, y, P):
    """The reference's moments under other weights (the mistakes below choose them)."""
    return table_moments(x, y, P)


def table_moments_not_centred(x_values, y_values, P):
    """Gives E[x^2], E[y^2] and E[x y] in place of the variances and the covariance."""
    x, y, P = _floats(x_values), _floats(y_values), _floats(P)
    ex, ey = float((P.sum(axis=1) * x).sum()), float((P.sum(axis=0) * y).sum())
    xx, yy = float((P.sum(axis=1) * x**2).sum()), float((P.sum(axis=0) * y**2).sum())
    xy = float((P * np.outer(x, y)).sum())
    return np.array([ex, ey]), np.array([[xx, xy], [xy, yy]])


def table_moments_independent(x_values, y_values, P):
    """Computes the covariance under the product of the marginals P(x) P(y), which makes it 0."""
    P = _floats(P)
    return table_moments_from_weights(_floats(x_values), _floats(y_values), np.outer(P.sum(axis=1), P.sum(axis=0)))


def table_moments_wrong_axis(x_values, y_values, P):
    """Weights x by the column sums and y by the row sums (the marginals over the wrong axis)."""
    return table_moments_from_weights(_floats(x_values), _floats(y_values), _floats(P).T)


# -- the log-likelihoods --------------------------------------------------------------------------------


def bernoulli_log_likelihood_phi_swapped(x, phi):
    """Takes phi as P(x = 0): sum x log(1 - phi) + (1 - x) log phi."""
    x, phi = _floats(x), float(phi)
    return float((x * math.log1p(-phi) + (1 - x) * math.log(phi)).sum())


def bernoulli_log_likelihood_ones_only(x, phi):
    """Keeps only the x = 1 term: sum x log phi."""
    return float((_floats(x) * math.log(float(phi))).sum())


def bernoulli_log_likelihood_mean(x, phi):
    """Averages over the data instead of summing."""
    x, phi = _floats(x), float(phi)
    return float((x * math.log(phi) + (1 - x) * math.log1p(-phi)).mean())


def binomial_log_likelihood_no_coefficient(k, N, p):
    """Leaves out the binomial coefficient: sum k log p + (N - k) log(1 - p)."""
    k, N, p = _floats(k), int(N), float(p)
    return float((k * math.log(p) + (N - k) * math.log1p(-p)).sum())


def binomial_log_likelihood_p_swapped(k, N, p):
    """Takes p as the probability of failure: k log(1 - p) + (N - k) log p."""
    N, p = int(N), float(p)
    return float(sum(log_binomial_coefficient(N, int(c)) + int(c) * math.log1p(-p) + (N - int(c)) * math.log(p)
                     for c in np.asarray(k).ravel()))


def binomial_log_likelihood_coefficient_without_n_minus_k(k, N, p):
    """Takes the coefficient as N! / k!, without the (N - k)! of the denominator."""
    N, p = int(N), float(p)
    return float(sum(math.lgamma(N + 1) - math.lgamma(int(c) + 1) + int(c) * math.log(p) + (N - int(c)) * math.log1p(-p)
                     for c in np.asarray(k).ravel()))


def gaussian_log_likelihood_variance_as_std(x, mu, var):
    """Uses the variance where the standard deviation goes: N(x; mu, var^2)."""
    x, mu, sd = _floats(x), float(mu), float(var)
    return float((-0.5 * math.log(2 * math.pi * sd**2) - (x - mu) ** 2 / (2 * sd**2)).sum())


def gaussian_log_likelihood_no_normalisation(x, mu, var):
    """Leaves out the normalising constant: sum -(x - mu)^2 / (2 var)."""
    x, mu, var = _floats(x), float(mu), float(var)
    return float((-((x - mu) ** 2) / (2 * var)).sum())


def gaussian_log_likelihood_no_half_on_the_log(x, mu, var):
    """Writes -log(2 pi var) for log(1 / sqrt(2 pi var)), without the 1/2."""
    x, mu, var = _floats(x), float(mu), float(var)
    return float((-math.log(2 * math.pi * var) - (x - mu) ** 2 / (2 * var)).sum())
