"""Gradient descent's convergence on a quadratic, in NumPy (course notes 1.3.5.3).

The grader compares every student answer with these functions. The problem
(the notes' error function near a minimum, with Hessian A):

- ``f(w) = 1/2 w^T A w - b^T w`` with A symmetric positive definite (d x d)
  and b of shape (d,); its gradient is ``A w - b`` (the 1/2 cancels the 2),
  its Hessian A, its minimiser ``w* = A^-1 b``;
- gradient descent with a fixed step eta: ``w_{t+1} = w_t - eta (A w_t - b)``,
  so ``w_{t+1} - w* = (I - eta A)(w_t - w*)``. Along A's eigenvectors q_i
  (eigenvalues lambda_i, ascending) the error's components
  ``alpha_i = q_i^T (w - w*)`` evolve independently:
  ``alpha_i(T) = (1 - eta lambda_i)^T alpha_i(0)``;
- a step is stable when every ``|1 - eta lambda_i| < 1``, that is
  ``0 < eta < 2 / lambda_max``; at exactly ``2 / lambda_max`` the
  lambda_max component flips sign for ever and GD does not converge;
- the fastest fixed step minimises the slowest factor ``max_i |1 - eta lambda_i|``:
  ``eta* = 2 / (lambda_min + lambda_max)``, with rate
  ``(lambda_max - lambda_min) / (lambda_max + lambda_min) = (kappa - 1) / (kappa + 1)``,
  kappa = lambda_max / lambda_min the condition number. (The notes' step
  ``1 / lambda_max`` reaches the minimum along q_max in one step but has the
  slower rate ``1 - 1 / kappa``; the notes' "rate governed by
  1 - 2 lambda_min / lambda_max" is ``(kappa - 1) / (kappa + 1)`` for large kappa.)
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def gradient(A, b, w) -> np.ndarray:
    """``A w - b``, the gradient of ``1/2 w^T A w - b^T w``."""
    return _floats(A) @ _floats(w) - _floats(b)


def iterates(A, b, w0, eta, T) -> np.ndarray:
    """T steps of gradient descent ``w_{t+1} = w_t - eta (A w_t - b)`` from w0: the iterates w_0, ..., w_T.

    Parameters
    ----------
    A : ndarray of shape (d, d), symmetric positive definite
    b, w0 : ndarray of shape (d,)
    eta : float, the step
    T : int >= 0, the number of steps

    Returns
    -------
    ndarray of shape (T + 1, d): row t is w_t (row 0 is w0)
    """
    A, b, w = _floats(A), _floats(b), _floats(w0).copy()
    rows = [w.copy()]
    for _ in range(int(T)):
        w = w - eta * (A @ w - b)
        rows.append(w.copy())
    return np.array(rows)


def after_steps(A, b, w0, eta, T) -> tuple[np.ndarray, np.ndarray]:
    """w_T in closed form, ``w* + sum_i (1 - eta lambda_i)^T alpha_i(0) q_i``, and the factors ``(1 - eta lambda_i)^T``.

    Parameters
    ----------
    A : ndarray of shape (d, d), symmetric positive definite
    b, w0 : ndarray of shape (d,)
    eta : float
    T : int >= 0

    Returns
    -------
    tuple (w_T: ndarray of shape (d,), factors: ndarray of shape (d,), one per eigenvalue of A in ascending order)
    """
    A, b, w0 = _floats(A), _floats(b), _floats(w0)
    lam, Q = np.linalg.eigh(A)
    w_star = np.linalg.solve(A, b)
    factors = (1.0 - eta * lam) ** int(T)
    return w_star + Q @ (factors * (Q.T @ (w0 - w_star))), factors


def _positive_definite(M: list[list[Fraction]]) -> bool:
    """Whether a symmetric matrix of exact rationals is positive definite: every pivot of its LDL^T is > 0."""
    M = [row[:] for row in M]
    n = len(M)
    for k in range(n):
        if M[k][k] <= 0:
            return False
        for i in range(k + 1, n):
            factor = M[i][k] / M[k][k]
            for j in range(k + 1, n):
                M[i][j] -= factor * M[k][j]
    return True


def is_stable(A, eta) -> bool:
    """Whether GD with step eta converges on every start: every ``|1 - eta lambda_i| < 1``, i.e. ``0 < eta < 2 / lambda_max``.

    Decided exactly, in rational arithmetic on the floats given: for A
    positive definite, eta lambda_i < 2 for every i exactly when
    ``2 I - eta A`` is positive definite. At ``eta = 2 / lambda_max`` the
    answer is False.

    Parameters
    ----------
    A : ndarray of shape (d, d), symmetric positive definite
    eta : float

    Returns
    -------
    bool
    """
    A = _floats(A)
    e = Fraction(float(eta))
    if e <= 0:
        return False
    d = A.shape[0]
    M = [[(2 if i == j else 0) - e * Fraction(float(A[i, j])) for j in range(d)] for i in range(d)]
    return _positive_definite(M)


def step_sizes(A) -> tuple[float, float, float]:
    """The largest stable step ``2 / lambda_max`` (the supremum: GD converges for every eta below it), the fastest step
    ``2 / (lambda_min + lambda_max)`` and its rate ``(lambda_max - lambda_min) / (lambda_max + lambda_min)``.

    Parameters
    ----------
    A : ndarray of shape (d, d), symmetric positive definite

    Returns
    -------
    tuple of three floats (eta_max, eta_best, rate)
    """
    lam = np.linalg.eigvalsh(_floats(A))
    low, high = float(lam[0]), float(lam[-1])
    return 2.0 / high, 2.0 / (low + high), (high - low) / (high + low)


def steps_to_tolerance(kappa, tol) -> int:
    """The fewest steps T of GD with the fastest step after which ``||w_T - w*|| <= tol ||w_0 - w*||`` from every start.

    The slowest factor is ``rho = (kappa - 1) / (kappa + 1)``, reached along
    q_min and q_max, so T is the smallest integer with ``rho^T <= tol``:
    ``ceil(ln tol / ln rho)`` for kappa > 1 and tol < 1; 1 for kappa = 1 (one
    step reaches w*) and 0 for tol >= 1.

    Parameters
    ----------
    kappa : float >= 1, the condition number lambda_max / lambda_min
    tol : float > 0

    Returns
    -------
    int
    """
    kappa, tol = float(kappa), float(tol)
    if tol >= 1.0:
        return 0
    if kappa == 1.0:
        return 1
    rho = (kappa - 1.0) / (kappa + 1.0)
    return int(math.ceil(math.log(tol) / math.log(rho)))
