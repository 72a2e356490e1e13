"""Jacobians, Hessians and directional derivatives in NumPy (course notes 1.2.2.3-1.2.2.7; examples 2.1.2, 2.1.3).

The grader compares every student answer with these functions. The functions
differentiated are fixed formulas with their parameters passed in:

- the vector function ``f(x) = tanh(W x + b)``, R^n -> R^m (W of shape
  (m, n)); its Jacobian is ``J_ij = d f_i / d x_j``, shape (m, n), one row
  per output (the notes' ``J = [grad f_i^T]_i``, torch's
  ``torch.autograd.functional.jacobian``): ``J = diag(1 - f(x)^2) W``;
- the scalar function ``g(x) = log sum_k exp(w_k . x + c_k)`` (the
  log-sum-exp of ``z = W x + c``, W of shape (K, n)); its gradient is
  ``W^T s`` with ``s = softmax(z)`` and its Hessian ``W^T (diag(s) - s s^T) W``.

Finite differences (step h, passed in) are CENTRAL, with an error of order
h^2: the Jacobian's column j is ``(f(x + h e_j) - f(x - h e_j)) / (2h)``, and
the Hessian is the central-difference Jacobian of the central-difference
gradient, both with step h:

    H_ij = [g(x + h e_i + h e_j) - g(x + h e_i - h e_j)
            - g(x - h e_i + h e_j) + g(x - h e_i - h e_j)] / (4 h^2),

whose diagonal steps 2h: ``(g(x + 2h e_i) - 2 g(x) + g(x - 2h e_i)) / (4 h^2)``.
A directional derivative is taken along the UNIT vector ``u / ||u||_2``
(the notes' D_u f is defined for a unit u): ``D_u g(x) = grad g(x) . u / ||u||``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def vector_function(W, b) -> Callable[[np.ndarray], np.ndarray]:
    """``f(x) = tanh(W x + b)``, as a function of x (shape (n,)) to shape (m,)."""
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    return lambda x: np.tanh(W @ x + b)


def log_sum_exp(W, c) -> Callable[[np.ndarray], float]:
    """``g(x) = log sum_k exp(w_k . x + c_k)``, computed stably (the largest z_k taken out first)."""
    W, c = np.asarray(W, dtype=float), np.asarray(c, dtype=float)

    def g(x: np.ndarray) -> float:
        z = W @ x + c
        top = z.max()
        return float(top + np.log(np.exp(z - top).sum()))

    return g


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def central_jacobian(f: Callable[[np.ndarray], np.ndarray], x, h: float) -> np.ndarray:
    """The central-difference Jacobian of any f: column j is ``(f(x + h e_j) - f(x - h e_j)) / (2h)``; error O(h^2)."""
    x = np.asarray(x, dtype=float)
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        columns.append((np.atleast_1d(f(x + step)) - np.atleast_1d(f(x - step))) / (2.0 * h))
    return np.stack(columns, axis=1)


def jacobian_central(W, b, x, h) -> np.ndarray:
    """The Jacobian of ``f(x) = tanh(W x + b)`` by central differences with step h: ``J_ij ~ d f_i / d x_j``.

    Column j is ``(f(x + h e_j) - f(x - h e_j)) / (2h)``; its error is of
    order h^2 (a forward difference's is of order h).

    Parameters
    ----------
    W : ndarray of shape (m, n), float
    b : ndarray of shape (m,), float
    x : ndarray of shape (n,), float
    h : float
        the step, h > 0

    Returns
    -------
    ndarray of shape (m, n), float64
    """
    return central_jacobian(vector_function(W, b), x, float(h))


def jacobian(W, b, x) -> np.ndarray:
    """The exact Jacobian of ``f(x) = tanh(W x + b)``: ``J = diag(1 - tanh^2(W x + b)) W``, ``J_ij = d f_i / d x_j``.

    Parameters
    ----------
    W : ndarray of shape (m, n), float
    b : ndarray of shape (m,), float
    x : ndarray of shape (n,), float

    Returns
    -------
    ndarray of shape (m, n), float64
    """
    W, x = np.asarray(W, dtype=float), np.asarray(x, dtype=float)
    a = vector_function(W, b)(x)
    return (1.0 - a**2)[:, None] * W


def hessian_central(W, c, x, h) -> np.ndarray:
    """The Hessian of ``g(x) = log sum_k exp(w_k . x + c_k)`` by central differences of central differences, step h.

    ``H_ij = [g(x + h e_i + h e_j) - g(x + h e_i - h e_j) - g(x - h e_i + h e_j)
    + g(x - h e_i - h e_j)] / (4 h^2)``: the central-difference Jacobian (step
    h) of the central-difference gradient (step h), so the diagonal steps 2h.
    Symmetric; error of order h^2.

    Parameters
    ----------
    W : ndarray of shape (K, n), float
    c : ndarray of shape (K,), float
    x : ndarray of shape (n,), float
    h : float
        the step, h > 0

    Returns
    -------
    ndarray of shape (n, n), float64
    """
    g, h = log_sum_exp(W, c), float(h)
    x = np.asarray(x, dtype=float)

    def gradient(y: np.ndarray) -> np.ndarray:
        return central_jacobian(lambda v: np.array([g(v)]), y, h)[0]

    return central_jacobian(gradient, x, h)


def hessian(W, c, x) -> np.ndarray:
    """The exact Hessian of ``g(x) = log sum_k exp(w_k . x + c_k)``: ``W^T (diag(s) - s s^T) W``, s = softmax(W x + c).

    Parameters
    ----------
    W : ndarray of shape (K, n), float
    c : ndarray of shape (K,), float
    x : ndarray of shape (n,), float

    Returns
    -------
    ndarray of shape (n, n), float64
    """
    W, c, x = (np.asarray(v, dtype=float) for v in (W, c, x))
    s = softmax(W @ x + c)
    return W.T @ (np.diag(s) - np.outer(s, s)) @ W


def directional_derivative(W, c, x, u) -> float:
    """The derivative of ``g(x) = log sum_k exp(w_k . x + c_k)`` along the direction of u: ``grad g(x) . u / ||u||_2``.

    ``grad g(x) = W^T softmax(W x + c)``; the direction is normalised to a
    unit vector first (notes 1.2.2.4 define D_u for a unit u), so scaling u
    changes nothing.

    Parameters
    ----------
    W : ndarray of shape (K, n), float
    c : ndarray of shape (K,), float
    x : ndarray of shape (n,), float
    u : ndarray of shape (n,), float
        the direction, not 0 (any length)

    Returns
    -------
    float
    """
    W, c, x, u = (np.asarray(v, dtype=float) for v in (W, c, x, u))
    gradient = W.T @ softmax(W @ x + c)
    return float(gradient @ (u / np.linalg.norm(u)))
