"""Probability in NumPy (course notes 1.2.3; worked examples 2.1.4 and 2.1.5): valid PMFs and PDFs,
marginal and conditional distributions of a joint table, moments from samples and from a table, and the
Bernoulli, binomial and Gaussian log-likelihoods of data.

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters, float64 throughout unless a
function says otherwise. Conventions (the notes'; where a library's differ,
the exercises say so and a check tells them apart):

- a joint table ``P`` of shape ``(m, k)`` holds ``P[i, j] = P(x = x_i, y = y_j)``:
  ROWS index x, COLUMNS index y (as ``np.histogram2d``'s first axis is its x);
  ``P(x) = sum_y P(x, y)`` is the sum along a row (axis 1), ``P(y)`` the sum
  down a column (axis 0);
- a conditional ``P(y | x) = P(x, y) / P(x)`` is undefined where ``P(x) = 0``:
  its row is then 0 (nothing to condition on), never NaN;
- a variance or covariance from samples divides by ``n - ddof``: ``ddof=0``
  is the population one (the empirical distribution's, ``np.var``'s default),
  ``ddof=1`` the sample (unbiased) one (``np.cov``'s and ``torch.var``'s default);
- the Gaussian is parametrised by its mean and its VARIANCE ``sigma^2``, as in
  the notes (``scipy.stats.norm`` and ``torch.distributions.Normal`` take the
  standard deviation); logs are natural.
"""

from __future__ import annotations

import math

import numpy as np


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def default_tolerance(P) -> float:
    """The tolerance a PMF's sum gets when none is given: ``P.size * eps``, eps the machine epsilon of P's precision.

    Summing n numbers, each already rounded, moves the sum by at most about
    ``n eps``; eps is float32's (1.19e-7) for a float32 array and float64's
    (2.22e-16) for anything else (float64, integers, lists of Python floats).
    """
    P = np.asarray(P)
    dtype = P.dtype if P.dtype.kind == "f" and P.dtype.itemsize <= 4 else np.dtype(np.float64)
    return float(max(P.size, 1) * np.finfo(dtype).eps)


def is_valid_pmf(P, tol=None) -> bool:
    """Whether ``P`` is a valid PMF: every entry ``P(x) >= 0`` and ``|sum_x P(x) - 1| <= tol``.

    ``P`` lists the probabilities of every state of the variable (a joint
    table: of every pair of states), so the sum is over all its entries. With
    nonnegative entries summing to 1, each is also at most 1 (up to ``tol``).

    Parameters
    ----------
    P : ndarray of any shape, float (float32 or float64) or int
    tol : float or None, the tolerance on the sum; None gives :func:`default_tolerance`

    Returns
    -------
    bool
    """
    P = np.asarray(P)
    tol = default_tolerance(P) if tol is None else float(tol)
    return bool((P >= 0).all() and abs(float(P.sum(dtype=np.float64)) - 1.0) <= tol)


def trapezoid(x, p) -> float:
    """The trapezoidal rule ``sum_i (x_{i+1} - x_i) (p_i + p_{i+1}) / 2`` over a non-decreasing grid (float64)."""
    x, p = _floats(x), _floats(p)
    return float((np.diff(x) * (p[1:] + p[:-1]) / 2).sum())


def is_valid_pdf(x, p, tol) -> bool:
    """Whether density values ``p`` on the grid ``x`` are a valid PDF: every ``p_i >= 0`` and ``|int p dx - 1| <= tol``.

    The integral is the trapezoidal rule on the given grid,
    ``sum_i (x_{i+1} - x_i) (p_i + p_{i+1}) / 2``, whose spacing may vary; a
    point may repeat to give a jump its two values (the interval between them
    has width 0). A density may exceed 1 (the notes: ``p(x) <= 1`` is not
    required).

    Parameters
    ----------
    x : ndarray of shape (n,), non-decreasing grid points
    p : ndarray of shape (n,), the density at them
    tol : float, the tolerance on the integral

    Returns
    -------
    bool
    """
    p = _floats(p)
    return bool((p >= 0).all() and abs(trapezoid(x, p) - 1.0) <= float(tol))


def marginals(P) -> tuple[np.ndarray, np.ndarray]:
    """The marginals of a joint table: ``P(x_i) = sum_j P[i, j]`` and ``P(y_j) = sum_i P[i, j]``.

    Parameters
    ----------
    P : ndarray of shape (m, k), ``P[i, j] = P(x = x_i, y = y_j)``

    Returns
    -------
    tuple (P_x: ndarray of shape (m,), P_y: ndarray of shape (k,))
    """
    P = _floats(P)
    return P.sum(axis=1), P.sum(axis=0)


def conditional(P, given) -> np.ndarray:
    """A conditional table: ``given="x"``: ``C[i, j] = P(y_j | x_i) = P[i, j] / P(x_i)``; ``given="y"``: ``C[i, j] = P(x_i | y_j) = P[i, j] / P(y_j)``.

    With ``given="x"`` every row with ``P(x_i) > 0`` sums to 1; with
    ``given="y"`` every such column does. Where the marginal is 0 the
    conditional is undefined, and its row (column) is 0.

    Parameters
    ----------
    P : ndarray of shape (m, k), ``P[i, j] = P(x = x_i, y = y_j)``
    given : "x" or "y", the variable conditioned on

    Returns
    -------
    ndarray of shape (m, k)
    """
    P = _floats(P)
    if given not in ("x", "y"):
        raise ValueError(f"given is 'x' or 'y', not {given!r}")
    marginal = P.sum(axis=1, keepdims=True) if given == "x" else P.sum(axis=0, keepdims=True)
    marginal = np.broadcast_to(marginal, P.shape)
    return np.divide(P, marginal, out=np.zeros_like(P), where=marginal > 0)


def sample_moments(X, ddof) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mean, variances and covariance matrix of n samples of d variables, dividing by ``n - ddof``.

    ``mean = 1/n sum_s x_s``; ``cov[a, b] = 1/(n - ddof) sum_s (x_sa - mean_a)(x_sb - mean_b)``;
    ``var = diag(cov)``. ``ddof=0`` is the population (biased) estimate,
    ``ddof=1`` the sample (unbiased) one: ``np.cov(X, rowvar=False, ddof=ddof)``.

    Parameters
    ----------
    X : ndarray of shape (n, d), one sample per row
    ddof : int, 0 or 1

    Returns
    -------
    tuple (mean: ndarray (d,), var: ndarray (d,), cov: ndarray (d, d))
    """
    X = _floats(X)
    mean = X.mean(axis=0)
    centred = X - mean
    cov = centred.T @ centred / (X.shape[0] - int(ddof))
    return mean, np.diag(cov).copy(), cov


def table_moments(x_values, y_values, P) -> tuple[np.ndarray, np.ndarray]:
    """The means and the covariance matrix of (x, y) under a joint table: ``E[x] = sum_ij P[i, j] x_i``, ...

    ``mean = [E x, E y]``; ``cov = [[Var x, Cov(x, y)], [Cov(x, y), Var y]]``
    with ``Var x = sum_ij P[i, j] (x_i - E x)^2`` and
    ``Cov(x, y) = sum_ij P[i, j] (x_i - E x)(y_j - E y)``: a distribution's
    moments, with no ddof.

    Parameters
    ----------
    x_values : ndarray of shape (m,), the values of x (the rows)
    y_values : ndarray of shape (k,), the values of y (the columns)
    P : ndarray of shape (m, k), a joint PMF

    Returns
    -------
    tuple (mean: ndarray (2,), cov: ndarray (2, 2))
    """
    x, y, P = _floats(x_values), _floats(y_values), _floats(P)
    ex, ey = float((P.sum(axis=1) * x).sum()), float((P.sum(axis=0) * y).sum())
    dx, dy = x - ex, y - ey
    vxx = float((P.sum(axis=1) * dx**2).sum())
    vyy = float((P.sum(axis=0) * dy**2).sum())
    vxy = float((P * np.outer(dx, dy)).sum())
    return np.array([ex, ey]), np.array([[vxx, vxy], [vxy, vyy]])


def bernoulli_log_likelihood(x, phi) -> float:
    """``log prod_s P(x_s) = sum_s [x_s log phi + (1 - x_s) log(1 - phi)]``, phi = P(x = 1).

    Parameters
    ----------
    x : ndarray of shape (n,), 0s and 1s
    phi : float in (0, 1)

    Returns
    -------
    float
    """
    x, phi = _floats(x), float(phi)
    return float((x * math.log(phi) + (1 - x) * math.log1p(-phi)).sum())


def log_binomial_coefficient(N: int, k: int) -> float:
    """``log C(N, k) = log N! - log k! - log (N - k)!`` through lgamma: no factorial is formed."""
    return math.lgamma(N + 1) - math.lgamma(k + 1) - math.lgamma(N - k + 1)


def binomial_log_likelihood(k, N, p) -> float:
    """``sum_s log P(k_s) = sum_s [log C(N, k_s) + k_s log p + (N - k_s) log(1 - p)]``.

    Parameters
    ----------
    k : ndarray of shape (n,), ints in 0..N, successes in each of n experiments of N trials
    N : int, the trials per experiment
    p : float in (0, 1), the probability of success

    Returns
    -------
    float
    """
    N, p = int(N), float(p)
    counts = [int(value) for value in np.asarray(k).ravel()]
    return float(sum(log_binomial_coefficient(N, c) + c * math.log(p) + (N - c) * math.log1p(-p) for c in counts))


def gaussian_log_likelihood(x, mu, var) -> float:
    """``sum_s log N(x_s; mu, sigma^2) = sum_s [-1/2 log(2 pi sigma^2) - (x_s - mu)^2 / (2 sigma^2)]``, ``var = sigma^2``.

    Parameters
    ----------
    x : ndarray of shape (n,), the data
    mu : float, the mean
    var : float > 0, the VARIANCE sigma^2 (not the standard deviation)

    Returns
    -------
    float
    """
    x, mu, var = _floats(x), float(mu), float(var)
    return float((-0.5 * math.log(2 * math.pi * var) - (x - mu) ** 2 / (2 * var)).sum())
