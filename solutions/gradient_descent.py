"""Gradient descent's convergence on a quadratic (course notes 1.3.5.3).

Near a minimum the error function is a quadratic, and on a quadratic
gradient descent can be solved exactly. Conventions used by every function
in this module:

- the function is ``f(w) = 1/2 w^T A w - b^T w``, with A a symmetric positive
  definite d x d matrix (the Hessian) and b a vector of d entries. Its
  gradient is ``A w - b`` (the 1/2 cancels the 2 of ``d/dw w^T A w = 2 A w``),
  its minimiser ``w* = A^-1 b`` (``np.linalg.solve(A, b)``).
- gradient descent with a fixed step eta: ``w_{t+1} = w_t - eta (A w_t - b)``,
  what ``torch.optim.SGD([w], lr=eta)`` does (no momentum, no weight decay)
  with f as the loss. Then ``w_{t+1} - w* = (I - eta A)(w_t - w*)``.
- A's eigenvalues ``lambda_1 <= ... <= lambda_d`` in ASCENDING order, as
  ``np.linalg.eigh`` returns them, with the eigenvectors q_i as the COLUMNS
  of its second result. The notes' alpha_i are the components of the error
  along them, ``alpha_i = q_i^T (w - w*)``; each evolves on its own:
  ``alpha_i(T) = (1 - eta lambda_i)^T alpha_i(0)``.
- a step is STABLE when every ``|1 - eta lambda_i| < 1`` (strictly): then
  every start converges to w*. The condition number is
  ``kappa = lambda_max / lambda_min``.

Inputs are NumPy arrays of floats (A of shape (d, d), b and w0 of shape
(d,)), floats (eta, kappa, tol) and ints (T). Return NumPy arrays and floats
(float64, or float32 at float32 tolerances: relative 1e-4), bools and ints as
each function says. Every call takes a few milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check gradient_descent``).
"""

import numpy as np


def iterates(A, b, w0, eta, T):
    """Return the iterates ``w_0, w_1, ..., w_T`` of T steps of gradient descent ``w_{t+1} = w_t - eta (A w_t - b)``.

    Time budget: 2 s of CPU per call (the course default).

    Row t of the answer is w_t: row 0 is the start w0 itself, and the last
    row, row T, is the point after T updates, so the answer has T + 1 rows.
    This is what ``torch.optim.SGD([w], lr=eta)`` gives after each of T
    ``step()`` calls on the loss ``1/2 w^T A w - b^T w``.

    For example ``A = [[2, 0], [0, 1]]``, ``b = [2, 1]`` (so ``w* = [1, 1]``),
    ``w0 = [0, 0]``, ``eta = 0.5``, ``T = 2``: the gradient at w0 is
    ``[-2, -1]``, so ``w_1 = [1, 0.5]``; at w_1 it is ``[0, -0.5]``, so
    ``w_2 = [1, 0.75]``. The answer is ``[[0, 0], [1, 0.5], [1, 0.75]]``.

    Parameters
    ----------
    A : ndarray of shape (d, d)
        symmetric positive definite
    b : ndarray of shape (d,)
    w0 : ndarray of shape (d,)
        the start
    eta : float
        the step (learning rate)
    T : int
        the number of steps, T >= 0

    Returns
    -------
    ndarray of shape (T + 1, d)
        row t is w_t
    """
    A, b = np.asarray(A), np.asarray(b)
    w = np.array(w0, copy=True)
    rows = [w]
    for _ in range(T):
        w = w - eta * (A @ w - b)
        rows.append(w)
    return np.array(rows)


def after_steps(A, b, w0, eta, T):
    """Return ``w_T`` in closed form, without iterating, and the factors ``(1 - eta lambda_i)^T``.

    Time budget: 2 s of CPU per call (the course default).

    Along A's eigenvectors the ERROR ``w - w*`` shrinks (or grows) by
    ``1 - eta lambda_i`` per step: with ``alpha_i(0) = q_i^T (w0 - w*)``,
    ``w_T = w* + sum_i (1 - eta lambda_i)^T alpha_i(0) q_i``. A factor is
    negative when ``eta lambda_i > 1`` and T is odd (that component flips
    sign every step). Return the factors in the order of A's eigenvalues,
    ascending. The answer equals the last row of ``iterates``.

    For example, with the ``iterates`` example (``A = [[2, 0], [0, 1]]``,
    ``b = [2, 1]``, ``w0 = [0, 0]``, ``eta = 0.5``, ``T = 2``): the eigenvalues
    are 1 and 2, the factors ``[0.5^2, 0^2] = [0.25, 0]``, the error
    ``w0 - w* = [-1, -1]``, and ``w_2 = [1, 1] + [0 * -1, 0.25 * -1] = [1, 0.75]``.

    Parameters
    ----------
    A : ndarray of shape (d, d)
        symmetric positive definite
    b : ndarray of shape (d,)
    w0 : ndarray of shape (d,)
    eta : float
    T : int
        T >= 0

    Returns
    -------
    tuple (w_T, factors)
        w_T an ndarray of shape (d,); factors an ndarray of shape (d,), one per eigenvalue, ascending
    """
    A, b, w0 = np.asarray(A), np.asarray(b), np.asarray(w0)
    lam, Q = np.linalg.eigh(A)
    w_star = np.linalg.solve(A, b)
    factors = (1 - eta * lam) ** T
    alpha0 = Q.T @ (w0 - w_star)
    return w_star + Q @ (factors * alpha0), factors


def is_stable(A, eta):
    """Return whether gradient descent with the step eta converges to w* from every start: every ``|1 - eta lambda_i| < 1``.

    Time budget: 2 s of CPU per call (the course default).

    For positive eigenvalues this is ``0 < eta < 2 / lambda_max``: the
    hardest direction is lambda_max's. Between ``1 / lambda_max`` and
    ``2 / lambda_max`` the lambda_max component changes sign every step but
    still shrinks: stable. At EXACTLY ``eta = 2 / lambda_max`` its factor is
    -1 and it never shrinks: NOT stable. The checks ask at exactly
    ``2 / lambda_max`` only for a diagonal A whose entries are powers of two
    (where the arithmetic is exact); elsewhere eta is at least 0.1% away
    from ``2 / lambda_max``.

    For example, for ``A = [[2, 0], [0, 1]]`` (lambda_max = 2): eta = 0.75 is
    stable (factors 0.25 and -0.5), eta = 1 is not (the factor -1).

    Parameters
    ----------
    A : ndarray of shape (d, d)
        symmetric positive definite
    eta : float

    Returns
    -------
    bool
    """
    lam = np.linalg.eigvalsh(np.asarray(A))
    return bool(eta > 0 and np.all(np.abs(1 - eta * lam) < 1))


def step_sizes(A):
    """Return the largest stable step ``2 / lambda_max``, the fastest step ``2 / (lambda_min + lambda_max)`` and its rate.

    Time budget: 2 s of CPU per call (the course default).

    - The largest stable step: GD converges for every eta below
      ``2 / lambda_max`` (not at it: this is the supremum of the stable steps).
    - The fastest fixed step minimises the slowest factor
      ``max_i |1 - eta lambda_i|``, which is the larger of ``|1 - eta lambda_min|``
      and ``|1 - eta lambda_max|``; they are equal when
      ``1 - eta lambda_min = -(1 - eta lambda_max)``, at
      ``eta = 2 / (lambda_min + lambda_max)``.
    - Its rate, the factor by which the error's slowest components shrink per
      step: ``(lambda_max - lambda_min) / (lambda_max + lambda_min) = (kappa - 1) / (kappa + 1)``.

    The notes choose ``eta = 1 / lambda_max``: it zeroes the lambda_max
    component in one step, but its rate is ``1 - lambda_min / lambda_max = 1 - 1/kappa``,
    slower than ``(kappa - 1) / (kappa + 1)`` (the notes' "rate governed by
    1 - 2 lambda_min / lambda_max" is this one for a large kappa).

    For example ``A = [[2, 1], [1, 2]]`` has eigenvalues 1 and 3: the answer is
    ``(2/3, 1/2, 1/2)`` (the step 1/2 gives the factors 1/2 and -1/2).

    Parameters
    ----------
    A : ndarray of shape (d, d)
        symmetric positive definite

    Returns
    -------
    tuple of three floats
        (largest stable step, fastest step, its rate)
    """
    lam = np.linalg.eigvalsh(np.asarray(A))
    low, high = lam[0], lam[-1]
    return 2 / high, 2 / (low + high), (high - low) / (high + low)


def steps_to_tolerance(kappa, tol):
    """Return the fewest steps T after which GD with the fastest step has ``||w_T - w*|| <= tol ||w_0 - w*||`` from every start.

    Time budget: 2 s of CPU per call (the course default).

    With the fastest step, every error component shrinks by at most
    ``rho = (kappa - 1) / (kappa + 1)`` per step, and exactly that along q_min
    and q_max: the worst start gives ``||w_T - w*|| = rho^T ||w_0 - w*||``.
    So T is the smallest integer with ``rho^T <= tol``, that is
    ``ln tol / ln rho`` rounded UP. It grows about like ``(kappa / 2) ln(1 / tol)``:
    the larger the condition number, the slower GD converges. The checks
    use ``kappa > 1`` and ``0 < tol < 1`` only where ``ln tol / ln rho`` is
    at least 0.05 from an integer.

    For example ``kappa = 3`` (rho = 1/2) and ``tol = 1e-4`` give 14
    (``2^-14 < 1e-4 < 2^-13``); ``kappa = 9`` (rho = 0.8) and ``tol = 0.01``
    give 21 (``ln 0.01 / ln 0.8 = 20.6``).

    Parameters
    ----------
    kappa : float
        the condition number lambda_max / lambda_min, > 1
    tol : float
        the tolerance, between 0 and 1

    Returns
    -------
    int
    """
    rho = (kappa - 1) / (kappa + 1)
    return int(np.ceil(np.log(tol) / np.log(rho)))
