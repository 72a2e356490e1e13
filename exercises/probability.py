"""Probability: valid PMFs and PDFs, marginal and conditional distributions, moments from samples and
from a table, and the Bernoulli, binomial and Gaussian log-likelihoods of data (course notes 1.2.3;
worked examples 2.1.4 and 2.1.5).

Conventions used by every function in this module (the notes'; where a
library's differ, the function says so, and the checks tell them apart):

- a JOINT TABLE ``P`` of shape ``(m, k)`` holds ``P[i, j] = P(x = x_i, y = y_j)``:
  ROWS index x and COLUMNS index y (as ``np.histogram2d``'s first axis is
  its x). So ``P(x_i) = sum_j P[i, j]`` sums along row i (``axis=1``) and
  ``P(y_j) = sum_i P[i, j]`` down column j (``axis=0``).
- a conditional is undefined where the variable conditioned on has
  probability 0: return 0 there, never NaN.
- a variance or covariance from SAMPLES divides by ``n - ddof``: ``ddof=0``
  is the population one (``np.var``'s default), ``ddof=1`` the sample,
  unbiased one (``np.cov``'s and ``torch.var``'s default). A distribution's
  own moments (from a table) have no ddof.
- the Gaussian is given by its mean and its VARIANCE ``sigma^2``, as in the
  notes; ``scipy.stats.norm`` and ``torch.distributions.Normal`` take the
  standard deviation instead. Logs are natural logs.

Inputs are NumPy arrays (float64 unless a function says otherwise; counts
and 0/1 data are ints) and Python numbers; start with
``np.asarray(P)``, which also takes nested lists. Return Python bools,
floats, and NumPy arrays or tuples of them where a function says so
(float64, or float32: a float32 answer is compared with float32 tolerances,
relative 1e-4, absolute 1e-6). Each call may use the CPU time your course
gives a call (a few seconds); every function here needs a few milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check probability``).
"""

import math

import numpy as np


def is_valid_pmf(P, tol=None):
    """Return True when ``P`` is a valid PMF: every entry is ``>= 0`` and ``|sum(P) - 1| <= tol``; else False.

    Time budget: 2 s of CPU per call (the course default).

    ``P`` holds the probability of every state of a variable (for a joint
    table, of every pair of states): sum over ALL its entries. Floating-point
    sums are rarely exactly 1 (``sum([1/6] * 6)`` is ``0.9999999999999999``),
    so never test ``== 1``: test the distance to 1 against ``tol``. When
    ``tol`` is None, use ``tol = P.size * eps`` with eps the machine epsilon
    of P's precision: ``np.finfo(np.float32).eps`` (1.19e-7) for a float32
    array, ``np.finfo(np.float64).eps`` (2.22e-16) for anything else. Keep
    the entries' dtype (a float32 ``P`` gets float32's eps): the tolerance
    follows the inputs' precision. Entries nonnegative and summing to 1 are
    also at most 1.

    Worked example 2.1.4: the uniform PMF over k states, ``P = [1/k] * k``,
    is valid (``[1/6] * 6`` too, within its tolerance); ``[1/6] * 5`` (a
    state left out) is not, nor is ``[0.75, 0.5, -0.25]`` (it sums to 1, but
    a probability is negative); ``[0.5, 0.502]`` is valid with
    ``tol=0.01`` and not with the default tolerance.

    Parameters
    ----------
    P : ndarray of any shape (float32, float64 or int), or a nested list
        the probabilities
    tol : float or None
        the largest distance of the sum from 1 that is accepted

    Returns
    -------
    bool
    """
    raise NotImplementedError


def is_valid_pdf(x, p, tol):
    """Return True when density values ``p`` on the grid ``x`` are a valid PDF: every ``p_i >= 0`` and ``|integral - 1| <= tol``.

    Time budget: 2 s of CPU per call (the course default).

    The integral is the TRAPEZOIDAL RULE on the grid as given,
    ``sum_i (x[i+1] - x[i]) (p[i] + p[i+1]) / 2``: the spacing may vary, and
    a point may repeat to give a jump both its values (an interval of width 0
    adds nothing). The tolerance covers the rule's own error, so a valid
    density rarely integrates to exactly 1: never test ``== 1``. Unlike a
    probability, a density may exceed 1 (the notes: ``p(x) <= 1`` is not
    required).

    Worked example 2.1.5: the uniform density ``u(x; a, b) = 1/(b - a)`` on
    ``[a, b]``: ``x = [1, 1.5, 2, 2.5, 3]``, ``p = [0.5] * 5`` integrate to 1:
    valid. So is ``U(0, 0.25)``, ``p = 4`` on ``x = [0, 0.25]``. On
    ``x = [0, 1, 1, 3, 3, 4]`` the values ``p = [0, 0, 0.5, 0.5, 0, 0]`` are
    ``U(1, 3)`` over a wider line, jumps included: valid. ``x = [0, 1, 2]``,
    ``p = [1.5, -0.5, 1.5]`` integrate to 1 but are negative at 1: not valid.

    Parameters
    ----------
    x : ndarray of shape (n,), floats or ints
        the grid, non-decreasing
    p : ndarray of shape (n,)
        the density's values at the grid points
    tol : float
        the largest distance of the integral from 1 that is accepted

    Returns
    -------
    bool
    """
    raise NotImplementedError


def marginals(P):
    """Return the marginal distributions ``(P_x, P_y)`` of a joint table: ``P(x_i) = sum_j P[i, j]``, ``P(y_j) = sum_i P[i, j]``.

    Time budget: 2 s of CPU per call (the course default).

    Rows index x and columns index y (the module's convention): P(x) sums
    over y, along each row; P(y) sums over x, down each column. For example
    ``P = [[0.1, 0.2, 0.3], [0.0, 0.15, 0.25]]`` (x has 2 states, y 3) gives
    ``P_x = [0.6, 0.4]`` and ``P_y = [0.1, 0.35, 0.55]``.

    Parameters
    ----------
    P : ndarray of shape (m, k)
        the joint PMF, ``P[i, j] = P(x = x_i, y = y_j)``

    Returns
    -------
    tuple (P_x, P_y)
        ndarrays of shapes (m,) and (k,)
    """
    raise NotImplementedError


def conditional(P, given):
    """Return a conditional table of the joint table P: ``P(y | x)`` for ``given="x"``, ``P(x | y)`` for ``given="y"``.

    Time budget: 2 s of CPU per call (the course default).

    ``given="x"``: ``C[i, j] = P(y_j | x_i) = P[i, j] / P(x_i)``, each row a
    distribution over y (summing to 1). ``given="y"``: ``C[i, j] = P(x_i | y_j)
    = P[i, j] / P(y_j)``, each column a distribution over x. Where the
    marginal conditioned on is 0 the conditional is undefined: its row
    (column) is 0, not NaN. The answer has P's shape (m, k) either way.
    For example ``P = [[0.1, 0.3], [0.2, 0.4], [0, 0]]`` gives, for
    ``given="x"``, ``[[0.25, 0.75], [1/3, 2/3], [0, 0]]`` (the third x has
    probability 0), and for ``given="y"``, ``[[1/3, 3/7], [2/3, 4/7], [0, 0]]``.

    Parameters
    ----------
    P : ndarray of shape (m, k)
        the joint PMF, ``P[i, j] = P(x = x_i, y = y_j)``
    given : str
        ``"x"`` or ``"y"``: the variable conditioned on

    Returns
    -------
    ndarray of shape (m, k)
    """
    raise NotImplementedError


def sample_moments(X, ddof):
    """Return ``(mean, var, cov)`` of n samples of d variables, the variance and covariance divided by ``n - ddof``.

    Time budget: 2 s of CPU per call (the course default).

    One sample per ROW, one variable per column: ``mean = 1/n sum_s x_s``,
    ``cov[a, b] = 1/(n - ddof) sum_s (x_sa - mean_a)(x_sb - mean_b)`` and
    ``var = diag(cov)``. ``ddof=0`` gives the population estimate (divide
    by n: ``np.var``'s default), ``ddof=1`` the sample, unbiased one (divide
    by n - 1: ``np.cov``'s default, and ``torch.var``'s). Careful with
    ``np.cov``: it takes each ROW as a variable unless ``rowvar=False``.
    The mean always divides by n. For example ``X = [[1, 2], [3, 6], [5, 4]]``
    with ``ddof=1`` gives ``mean = [3, 4]``, ``var = [4, 4]``,
    ``cov = [[4, 2], [2, 4]]``; with ``ddof=0`` the variance and covariance
    are 2/3 of those.

    Parameters
    ----------
    X : ndarray of shape (n, d), floats or ints
        the samples, one per row
    ddof : int
        0 (population) or 1 (sample)

    Returns
    -------
    tuple (mean, var, cov)
        ndarrays of shapes (d,), (d,) and (d, d)
    """
    raise NotImplementedError


def table_moments(x_values, y_values, P):
    """Return ``(mean, cov)`` of (x, y) under the joint table P: ``mean = [E x, E y]``, ``cov = [[Var x, Cov], [Cov, Var y]]``.

    Time budget: 2 s of CPU per call (the course default).

    ``E[x] = sum_ij P[i, j] x_i``, ``Var[x] = sum_ij P[i, j] (x_i - E x)^2``,
    ``Cov(x, y) = sum_ij P[i, j] (x_i - E x)(y_j - E y)`` (the notes'
    expectations under P; a distribution's moments have no ddof). Row i of P
    goes with ``x_values[i]``, column j with ``y_values[j]``. For example
    ``x_values = [0, 1]``, ``y_values = [0, 1]``, ``P = [[0.5, 0], [0, 0.5]]``
    give ``mean = [0.5, 0.5]`` and ``cov = [[0.25, 0.25], [0.25, 0.25]]``.

    Parameters
    ----------
    x_values : ndarray of shape (m,), floats or ints
        the values of x, one per row of P
    y_values : ndarray of shape (k,), floats or ints
        the values of y, one per column of P
    P : ndarray of shape (m, k)
        the joint PMF

    Returns
    -------
    tuple (mean, cov)
        ndarrays of shapes (2,) and (2, 2)
    """
    raise NotImplementedError


def bernoulli_log_likelihood(x, phi):
    """Return the log-likelihood of 0/1 data under Bernoulli(phi): ``sum_s [x_s log phi + (1 - x_s) log(1 - phi)]``.

    Time budget: 2 s of CPU per call (the course default).

    ``phi = P(x = 1)``; each observation's probability is
    ``phi^x (1 - phi)^(1 - x)``, and the log of the product over the data is
    the SUM of the logs (natural logs). This is
    ``scipy.stats.bernoulli.logpmf(x, phi).sum()``. For example
    ``x = [1, 0, 1]``, ``phi = 0.8`` give ``2 log 0.8 + log 0.2 = -2.055725``.

    Parameters
    ----------
    x : ndarray of shape (n,), ints
        the data, 0s and 1s
    phi : float
        the probability of a 1, in (0, 1)

    Returns
    -------
    float
    """
    raise NotImplementedError


def binomial_log_likelihood(k, N, p):
    """Return the log-likelihood of counts under Binomial(N, p): ``sum_s [log C(N, k_s) + k_s log p + (N - k_s) log(1 - p)]``.

    Time budget: 2 s of CPU per call (the course default).

    Each ``k_s`` is the number of successes in N Bernoulli(p) trials, with
    probability ``C(N, k) p^k (1 - p)^(N - k)`` and ``C(N, k) = N! / (k! (N - k)!)``.
    N may be in the thousands, where ``N!`` overflows a float: use
    ``math.lgamma(n + 1) = log n!`` (or ``math.log(math.comb(N, k))``).
    This is ``scipy.stats.binom.logpmf(k, N, p).sum()``. For example
    ``k = [1, 2]``, ``N = 2``, ``p = 0.5`` give ``log 0.5 + log 0.25 = -2.079442``.

    Parameters
    ----------
    k : ndarray of shape (n,), ints in 0..N
        the successes in each experiment
    N : int
        the trials per experiment
    p : float
        the probability of success, in (0, 1)

    Returns
    -------
    float
    """
    raise NotImplementedError


def gaussian_log_likelihood(x, mu, var):
    """Return the log-likelihood of data under N(mu, sigma^2): ``sum_s [-1/2 log(2 pi sigma^2) - (x_s - mu)^2 / (2 sigma^2)]``.

    Time budget: 2 s of CPU per call (the course default).

    ``var`` is the VARIANCE ``sigma^2`` (the notes' parametrisation), not the
    standard deviation that ``scipy.stats.norm(loc, scale)`` and
    ``torch.distributions.Normal(loc, scale)`` take: the same log-likelihood
    is ``scipy.stats.norm.logpdf(x, mu, math.sqrt(var)).sum()``. For example
    ``x = [0, 2]``, ``mu = 0``, ``var = 4`` give ``-log(8 pi) - 1/2 = -3.724171``.

    Parameters
    ----------
    x : ndarray of shape (n,), floats or ints
        the data
    mu : float
        the mean
    var : float
        the variance sigma^2, > 0

    Returns
    -------
    float
    """
    raise NotImplementedError
