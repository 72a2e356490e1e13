"""Known mistakes in the calculus exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/calculus.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np

from reference.calculus import (
    directional_derivative,
    hessian,
    hessian_central,
    jacobian,
    jacobian_central,
    log_sum_exp,
    softmax,
    vector_function,
)

# -- jacobian_central -------------------------------------------------------------------------


def jacobian_central_forward(W, b, x, h):
    """Takes the forward difference ``(f(x + h e_j) - f(x)) / h``, whose error is of order h, not h^2."""
    f, x = vector_function(W, b), np.asarray(x, dtype=float)
    h = float(h)
    return np.stack([(f(x + h * e) - f(x)) / h for e in np.eye(x.size)], axis=1)


def jacobian_central_transposed(W, b, x, h):
    """Returns the transpose, shape (n, m): row j holds the derivatives with respect to x_j."""
    return jacobian_central(W, b, x, h).T


def jacobian_central_step_h(W, b, x, h):
    """Divides the central difference by h instead of 2h (the points are 2h apart)."""
    return 2.0 * jacobian_central(W, b, x, h)


def jacobian_central_exact(W, b, x, h):
    """Returns the exact Jacobian, ignoring the step h, where the central difference is asked."""
    return jacobian(W, b, x)


# -- jacobian -----------------------------------------------------------------------------------


def jacobian_transposed(W, b, x):
    """Returns the transpose, shape (n, m)."""
    return jacobian(W, b, x).T


def jacobian_sigmoid_derivative_formula(W, b, x):
    """Takes tanh's derivative as ``tanh(a) (1 - tanh(a))``, the sigmoid's formula, instead of ``1 - tanh(a)^2``."""
    a = vector_function(W, b)(np.asarray(x, dtype=float))
    return (a * (1.0 - a))[:, None] * np.asarray(W, dtype=float)


def jacobian_derivative_not_squared(W, b, x):
    """Takes tanh's derivative as ``1 - tanh(a)`` instead of ``1 - tanh(a)^2``."""
    a = vector_function(W, b)(np.asarray(x, dtype=float))
    return (1.0 - a)[:, None] * np.asarray(W, dtype=float)


# -- hessian_central ------------------------------------------------------------------------------


def hessian_central_one_sided(W, c, x, h):
    """Takes one-sided (forward) differences: ``[g(x + h e_i + h e_j) - g(x + h e_i) - g(x + h e_j) + g(x)] / h^2``."""
    g, x, h = log_sum_exp(W, c), np.asarray(x, dtype=float), float(h)
    n = x.size
    E = np.eye(n) * h
    H = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            H[i, j] = (g(x + E[i] + E[j]) - g(x + E[i]) - g(x + E[j]) + g(x)) / h**2
    return H


def hessian_central_over_h_squared(W, c, x, h):
    """Divides by h^2 instead of 4 h^2 (the two central differences each span 2h)."""
    return 4.0 * hessian_central(W, c, x, h)


def hessian_central_exact(W, c, x, h):
    """Returns the exact Hessian, ignoring the step h, where the central differences are asked."""
    return hessian(W, c, x)


# -- hessian --------------------------------------------------------------------------------------


def hessian_outer_product_left_out(W, c, x):
    """Leaves out the ``- s s^T`` term: returns ``W^T diag(s) W``."""
    W, c, x = (np.asarray(v, dtype=float) for v in (W, c, x))
    s = softmax(W @ x + c)
    return W.T @ np.diag(s) @ W


def hessian_outer_product_added(W, c, x):
    """Adds the outer product: ``W^T (diag(s) + s s^T) W``."""
    W, c, x = (np.asarray(v, dtype=float) for v in (W, c, x))
    s = softmax(W @ x + c)
    return W.T @ (np.diag(s) + np.outer(s, s)) @ W


def hessian_gradient_outer_product(W, c, x):
    """Returns the outer product of the gradient with itself, ``(W^T s)(W^T s)^T``."""
    W, c, x = (np.asarray(v, dtype=float) for v in (W, c, x))
    gradient = W.T @ softmax(W @ x + c)
    return np.outer(gradient, gradient)


# -- directional_derivative -----------------------------------------------------------------------


def directional_derivative_not_normalised(W, c, x, u):
    """Dots the gradient with u itself, not with the unit vector u / ||u||."""
    return directional_derivative(W, c, x, u) * float(np.linalg.norm(np.asarray(u, dtype=float)))


def directional_derivative_l1_normalised(W, c, x, u):
    """Normalises u by its L1 norm, sum |u_i|, instead of its Euclidean length."""
    u = np.asarray(u, dtype=float)
    return directional_derivative(W, c, x, u) * float(np.linalg.norm(u)) / float(np.abs(u).sum())


def directional_derivative_log_derivative_left_out(W, c, x, u):
    """Takes the gradient of log sum exp(z) as ``W^T exp(z)``, leaving out the log's 1 / sum exp(z)."""
    W, c, x, u = (np.asarray(v, dtype=float) for v in (W, c, x, u))
    gradient = W.T @ np.exp(W @ x + c)
    return float(gradient @ (u / np.linalg.norm(u)))
