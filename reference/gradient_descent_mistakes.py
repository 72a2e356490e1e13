"""Known mistakes in the gradient-descent exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/gradient_descent.py`` name them with a hint.
"""

from __future__ import annotations

import math

import numpy as np

from reference.gradient_descent import after_steps, iterates, step_sizes


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


# -- iterates ------------------------------------------------------------------------------


def iterates_w0_left_out(A, b, w0, eta, T):
    """Returns w_1, ..., w_T (T rows), leaving out the start w_0."""
    return iterates(A, b, w0, eta, T)[1:]


def iterates_one_step_short(A, b, w0, eta, T):
    """Takes T - 1 steps: w_0, ..., w_{T-1}."""
    return iterates(A, b, w0, eta, int(T) - 1) if int(T) > 0 else iterates(A, b, w0, eta, 0)[:0]


def iterates_sign_of_b(A, b, w0, eta, T):
    """Uses A w + b as the gradient (the sign of b's term lost)."""
    return iterates(A, -_floats(b), w0, eta, T)


def iterates_ascent(A, b, w0, eta, T):
    """Steps up the gradient: w + eta (A w - b)."""
    return iterates(A, b, w0, -eta, T)


# -- after_steps ------------------------------------------------------------------------------


def after_steps_factor_on_w(A, b, w0, eta, T):
    """Applies (1 - eta lambda_i)^T to the components of w_0 instead of those of w_0 - w*."""
    A, w0 = _floats(A), _floats(w0)
    lam, Q = np.linalg.eigh(A)
    factors = (1.0 - eta * lam) ** int(T)
    return Q @ (factors * (Q.T @ w0)), factors


def after_steps_exponent_off_by_one(A, b, w0, eta, T):
    """Raises the factors to the power T + 1 (one step too many)."""
    return after_steps(A, b, w0, eta, int(T) + 1)


def after_steps_eigenvalues_of_2A(A, b, w0, eta, T):
    """Takes the eigenvalues of 2A (the Hessian of w^T A w without the 1/2) for the factors."""
    A, b, w0 = _floats(A), _floats(b), _floats(w0)
    lam, Q = np.linalg.eigh(A)
    w_star = np.linalg.solve(A, b)
    factors = (1.0 - 2.0 * eta * lam) ** int(T)
    return w_star + Q @ (factors * (Q.T @ (w0 - w_star))), factors


def after_steps_rows_as_eigenvectors(A, b, w0, eta, T):
    """Takes the rows of eigh's matrix as the eigenvectors (they are its columns)."""
    A, b, w0 = _floats(A), _floats(b), _floats(w0)
    lam, Q = np.linalg.eigh(A)
    w_star = np.linalg.solve(A, b)
    factors = (1.0 - eta * lam) ** int(T)
    return w_star + Q.T @ (factors * (Q @ (w0 - w_star))), factors


# -- is_stable ------------------------------------------------------------------------------


def _high(A) -> float:
    return float(np.linalg.eigvalsh(_floats(A))[-1])


def is_stable_one_over_lambda_max(A, eta):
    """Takes 1 / lambda_max as the largest stable step: stable only when eta < 1 / lambda_max."""
    return bool(0 < eta < 1.0 / _high(A))


def is_stable_boundary_included(A, eta):
    """Counts eta = 2 / lambda_max as stable: |1 - eta lambda| <= 1 instead of < 1."""
    return bool(0 < eta and eta * _high(A) <= 2.0)


def is_stable_diagonal_for_eigenvalues(A, eta):
    """Takes A's largest diagonal entry for lambda_max."""
    return bool(0 < eta and eta * float(np.max(np.diag(_floats(A)))) < 2.0)


def is_stable_smallest_eigenvalue(A, eta):
    """Looks at lambda_min only: |1 - eta lambda_min| < 1."""
    low = float(np.linalg.eigvalsh(_floats(A))[0])
    return bool(abs(1.0 - eta * low) < 1.0)


# -- step_sizes ------------------------------------------------------------------------------


def step_sizes_one_over_lambda_max(A):
    """Gives 1 / lambda_max as the largest stable step (the fastest step and rate right)."""
    _, best, rate = step_sizes(A)
    return 1.0 / _high(A), best, rate


def step_sizes_notes_fastest(A):
    """Gives the notes' 1 / lambda_max as the fastest step, with its rate 1 - lambda_min / lambda_max."""
    lam = np.linalg.eigvalsh(_floats(A))
    low, high = float(lam[0]), float(lam[-1])
    return 2.0 / high, 1.0 / high, 1.0 - low / high


def step_sizes_eigenvalues_of_2A(A):
    """Uses the eigenvalues of 2A (the Hessian of w^T A w without the 1/2)."""
    return step_sizes(2.0 * _floats(A))


def step_sizes_diagonal_for_eigenvalues(A):
    """Takes A's smallest and largest diagonal entries for lambda_min and lambda_max."""
    diagonal = np.diag(_floats(A))
    low, high = float(diagonal.min()), float(diagonal.max())
    return 2.0 / high, 2.0 / (low + high), (high - low) / (high + low)


# -- steps_to_tolerance ------------------------------------------------------------------------------


def _rho(kappa) -> float:
    return (float(kappa) - 1.0) / (float(kappa) + 1.0)


def steps_to_tolerance_one_short(kappa, tol):
    """Rounds ln tol / ln rho down instead of up: one step short of the tolerance."""
    if tol >= 1.0:
        return 0
    if kappa == 1.0:
        return 1
    return int(math.floor(math.log(tol) / math.log(_rho(kappa))))


def steps_to_tolerance_rate_of_one_over_lambda_max(kappa, tol):
    """Uses the rate 1 - 1 / kappa of the step 1 / lambda_max instead of the fastest step's (kappa - 1) / (kappa + 1)."""
    if tol >= 1.0:
        return 0
    if kappa == 1.0:
        return 1
    return int(math.ceil(math.log(tol) / math.log(1.0 - 1.0 / float(kappa))))


def steps_to_tolerance_inverse_rate(kappa, tol):
    """Uses the rate 1 / kappa (lambda_min / lambda_max) in place of (kappa - 1) / (kappa + 1)."""
    if tol >= 1.0:
        return 0
    if kappa == 1.0:
        return 1
    return int(math.ceil(math.log(tol) / math.log(1.0 / float(kappa))))
