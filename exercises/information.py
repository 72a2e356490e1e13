"""Information theory: entropy in any base, the Kullback-Leibler divergence, cross-entropy and mutual
information of discrete distributions (course notes 1.2.4).

Conventions used by every function in this module (the notes'; where a
library's differ, the function says so, and the checks tell them apart):

- the BASE of the logarithm is an argument: ``base=2`` gives bits,
  ``base=math.e`` nats (the notes' natural unit), and any base b > 1 works,
  ``log_b x = ln x / ln b``.
- ``0 log 0 = 0``: it is the limit of x log x as x goes to 0, so a state with
  probability 0 adds nothing to an entropy. NumPy does not know this:
  ``0 * np.log(0)`` is ``0 * -inf = nan``. Leave those states out of the sums
  (or use a mask, or ``np.where``).
- where ``q(x) = 0 < p(x)``, ``log(p / q)`` and ``-log q`` are infinite: the KL
  divergence and the cross-entropy are then ``math.inf`` (a code designed for
  q cannot encode a state q says never happens). Where ``p(x) = 0`` the term
  is 0 whatever q is.
- the distributions are used AS GIVEN, never renormalised
  (``scipy.stats.entropy`` divides them by their sums first).
- a joint table ``P[i, j] = P(x = x_i, y = y_j)`` has a row per state of x
  and a column per state of y, as in ``probability.py``.

Inputs are NumPy arrays of probabilities (float64; p and q of the same
shape) and the base, a Python float. Return a Python float (or a NumPy
float64 or float32: a float32 answer is compared with float32 tolerances,
relative 1e-4, absolute 1e-6), ``math.inf`` where the answer is infinite.
Each call may use the CPU time your course gives a call (a few seconds);
every function here needs well under a millisecond.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check information``).
"""

import math

import numpy as np


def entropy(p, base):
    """Return Shannon's entropy ``H(p) = -sum_x p(x) log_b p(x)`` in base ``base``, with ``0 log 0 = 0``.

    Time budget: 2 s of CPU per call (the course default).

    ``p`` may have any shape: the sum is over all its entries (a joint table
    gives the joint entropy H(x, y)). The entropy of a fair coin is 1 bit
    (``base=2``), or ``ln 2 = 0.693147`` nats (``base=math.e``: the notes'
    "0.7 nats at phi = 0.5"). For example ``p = [0.5, 0.25, 0.25]`` gives
    1.5 bits, and ``p = [1, 0]`` gives 0 in any base (a sure outcome carries
    no information; its 0 log 0 is 0, not nan).

    Parameters
    ----------
    p : ndarray of any shape
        the probabilities
    base : float
        the logarithm's base: 2 for bits, math.e for nats

    Returns
    -------
    float
    """
    raise NotImplementedError


def kl_divergence(p, q, base):
    """Return the Kullback-Leibler divergence ``KL(p || q) = sum_x p(x) log_b (p(x) / q(x))``.

    Time budget: 2 s of CPU per call (the course default).

    The expectation is over p, the FIRST argument, and KL is not symmetric:
    ``KL(p || q) != KL(q || p)`` in general. States with ``p(x) = 0`` add 0;
    if ``q(x) = 0 < p(x)`` anywhere, return ``math.inf``. torch's
    ``F.kl_div(input, target)`` takes them the other way round, and as a log:
    ``KL(p || q)`` is ``F.kl_div(q.log(), p, reduction="sum")``, in nats,
    except that torch gives nan where p = q = 0 (0 times log 0).
    For example ``p = [0.5, 0.5]``, ``q = [0.25, 0.75]`` give
    ``KL(p || q) = 0.207519`` bits and ``KL(q || p) = 0.188722`` bits;
    ``p = [0.5, 0.5, 0]``, ``q = [0.25, 0.25, 0.5]`` give ``ln 2 = 0.693147``
    nats, while ``KL(q || p)`` is ``inf``.

    Parameters
    ----------
    p : ndarray
        the distribution the expectation is over
    q : ndarray of p's shape
        the other distribution
    base : float
        the logarithm's base: 2 for bits, math.e for nats

    Returns
    -------
    float
        ``math.inf`` where q = 0 < p
    """
    raise NotImplementedError


def cross_entropy(p, q, base):
    """Return the cross-entropy ``H(p, q) = -sum_x p(x) log_b q(x)``, which equals ``H(p) + KL(p || q)``.

    Time budget: 2 s of CPU per call (the course default).

    The expectation is over p (the states are drawn from p, the code is
    designed for q). States with ``p(x) = 0`` add 0, even where q is 0 too;
    if ``q(x) = 0 < p(x)`` anywhere, return ``math.inf``. For example
    ``p = [0.5, 0.5]``, ``q = [0.25, 0.75]`` give ``1.207519`` bits, which is
    ``H(p) = 1`` plus ``KL(p || q) = 0.207519``; ``p = [1, 0]``,
    ``q = [0.5, 0.5]`` give 1 bit, while ``H(q, p)`` is ``inf``.

    Parameters
    ----------
    p : ndarray
        the distribution the states are drawn from
    q : ndarray of p's shape
        the distribution the code is designed for
    base : float
        the logarithm's base: 2 for bits, math.e for nats

    Returns
    -------
    float
        ``math.inf`` where q = 0 < p
    """
    raise NotImplementedError


def mutual_information(P, base):
    """Return the mutual information ``I(x; y) = sum_ij P[i, j] log_b (P[i, j] / (P(x_i) P(y_j)))`` of a joint table.

    Time budget: 2 s of CPU per call (the course default).

    ``P(x_i) = sum_j P[i, j]`` and ``P(y_j) = sum_i P[i, j]`` are the
    marginals (rows for x, columns for y), so I is ``KL(P || P(x) P(y))``:
    how far the joint is from the product of its marginals. Entries with
    ``P[i, j] = 0`` add 0. I is 0 exactly when x and y are independent and
    never negative. For example the independent table
    ``P = [[0.125, 0.375], [0.125, 0.375]]`` gives 0, and
    ``P = [[0.5, 0], [0, 0.5]]`` (y always equals x) gives 1 bit.

    Parameters
    ----------
    P : ndarray of shape (m, k)
        the joint PMF, ``P[i, j] = P(x = x_i, y = y_j)``
    base : float
        the logarithm's base: 2 for bits, math.e for nats

    Returns
    -------
    float
    """
    raise NotImplementedError
