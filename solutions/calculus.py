"""Jacobians, Hessians and directional derivatives (course notes 1.2.2.3-1.2.2.7).

The functions to differentiate are fixed formulas whose parameters are
passed in (a Python function cannot be passed into the checks' sandbox):

- the vector function ``f(x) = tanh(W x + b)`` from R^n to R^m, with W of
  shape (m, n) and b of shape (m,);
- the scalar function ``g(x) = log sum_k exp(w_k . x + c_k)``, the
  log-sum-exp of ``z = W x + c``, with W of shape (K, n) (row k is w_k) and
  c of shape (K,). Compute it stably: ``m + log(sum(exp(z - m)))`` with m
  the largest z_k.

Conventions used by every function in this module (the notes', and
torch's where torch has the operation):

- the Jacobian of f is ``J_ij = d f_i / d x_j``: ONE ROW PER OUTPUT f_i,
  shape (m, n), the notes' ``J = [grad f_i^T]_i`` and what
  ``torch.autograd.functional.jacobian(f, x)`` returns. Its transpose (one
  row per input, the "gradient layout") is wrong here.
- finite differences are CENTRAL with the step h you are given:
  ``d f / d x_j ~ (f(x + h e_j) - f(x - h e_j)) / (2h)``, whose error is
  of order h^2 (halving h divides it by about 4). The forward difference
  ``(f(x + h e_j) - f(x)) / h`` of the notes' definition (1.2.2.1) has an
  error of order h (halving h divides it by about 2) and is wrong here.
  The checks use large steps (1/2 to 1), so the approximation's own error
  is part of the answer: return the difference quotient, not the exact
  derivative.
- the Hessian is ``H(g) = J(grad g)`` (notes 1.2.2.7). By finite
  differences it is the central-difference Jacobian (step h) of the
  central-difference gradient (step h):
  ``H_ij = [g(x + h e_i + h e_j) - g(x + h e_i - h e_j) - g(x - h e_i + h e_j)
  + g(x - h e_i - h e_j)] / (4 h^2)``; on the diagonal the steps add up to
  2h: ``(g(x + 2h e_i) - 2 g(x) + g(x - 2h e_i)) / (4 h^2)``.
- a directional derivative is along the UNIT vector ``u / ||u||_2``: the
  notes define ``D_u g = u^T grad g`` for a unit u, so the direction you
  are given (of any length) is normalised first.

Write the finite differences once, for any Python function, in
``central_jacobian(f, x, h)`` below, and use it in ``jacobian_central``
(with ``f = lambda x: np.tanh(W @ x + b)``) and twice in
``hessian_central``. The exact ``jacobian`` and ``hessian`` may be worked
out by hand with the chain rule, or computed with
``torch.autograd.functional.jacobian`` and ``hessian`` (torch is available
for them); return NumPy arrays either way (``tensor.detach().numpy()``).

Inputs are NumPy arrays of floats (float64 or float32) and a float h.
Return NumPy arrays of floats (float64, or float32: compared at float32
tolerances, relative 1e-4; the finite differences within an absolute 1e-5,
as a float32 difference quotient loses about 1e-7 / h)
and floats. Every call takes a few milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check calculus``).
"""

import numpy as np


def central_jacobian(f, x, h):
    """Return the central-difference Jacobian of ANY Python function f at x: column j is ``(f(x + h e_j) - f(x - h e_j)) / (2h)``.

    f takes an array of shape (n,) and returns an array of shape (m,) (or a
    number, taken as m = 1). A helper for ``jacobian_central`` and
    ``hessian_central``: the checks do not call it, they call those two.
    For example ``central_jacobian(lambda v: v ** 3, np.array([1.0]), 0.5)``
    is ``[[(1.5^3 - 0.5^3) / 1]] = [[3.25]]`` (the exact derivative is 3; the
    error, h^2 = 0.25, is of order h^2).

    Parameters
    ----------
    f : function of an ndarray of shape (n,)
    x : ndarray of shape (n,)
    h : float
        the step, h > 0

    Returns
    -------
    ndarray of shape (m, n)
    """
    x = np.asarray(x, dtype=float)
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        columns.append((np.atleast_1d(f(x + step)) - np.atleast_1d(f(x - step))) / (2 * h))
    return np.stack(columns, axis=1)


def jacobian_central(W, b, x, h):
    """Return the Jacobian of ``f(x) = tanh(W x + b)`` at x by central differences with step h, shape (m, n).

    Time budget: 2 s of CPU per call (the course default).

    ``J_ij ~ (f_i(x + h e_j) - f_i(x - h e_j)) / (2h)``: column j holds the
    differences for x_j. For example, for ``W = [[1, 0, 0], [0, 2, 0]]``,
    ``b = [0, 0]``, ``x = [0, 0, 0]`` and ``h = 0.5``: f_1 = tanh(x_1) gives
    ``(tanh(0.5) - tanh(-0.5)) / 1 = 0.924234`` and f_2 = tanh(2 x_2) gives
    ``(tanh(1) - tanh(-1)) / 1 = 1.523188``, so the answer is
    ``[[0.924234, 0, 0], [0, 1.523188, 0]]`` (the exact Jacobian there is
    ``[[1, 0, 0], [0, 2, 0]]``: with h = 0.5 the approximation is rough).

    Parameters
    ----------
    W : ndarray of shape (m, n)
    b : ndarray of shape (m,)
    x : ndarray of shape (n,)
    h : float
        the step, h > 0

    Returns
    -------
    ndarray of shape (m, n)
    """
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    return central_jacobian(lambda v: np.tanh(W @ v + b), x, h)


def jacobian(W, b, x):
    """Return the exact Jacobian of ``f(x) = tanh(W x + b)`` at x, shape (m, n): ``J_ij = d f_i / d x_j``.

    Time budget: 2 s of CPU per call (the course default).

    By the chain rule, ``d f_i / d x_j = tanh'(a_i) W_ij`` with
    ``a = W x + b`` and ``tanh'(a) = 1 - tanh(a)^2``; or
    ``torch.autograd.functional.jacobian``. For example, for
    ``W = [[1, 0, 0], [0, 2, 0]]``, ``b = [0.5, 0]`` and ``x = [0, 0, 0]``:
    ``a = [0.5, 0]``, ``tanh'(a) = [0.786448, 1]``, so the answer is
    ``[[0.786448, 0, 0], [0, 2, 0]]``.

    Parameters
    ----------
    W : ndarray of shape (m, n)
    b : ndarray of shape (m,)
    x : ndarray of shape (n,)

    Returns
    -------
    ndarray of shape (m, n)
    """
    W, b, x = (np.asarray(v, dtype=float) for v in (W, b, x))
    a = np.tanh(W @ x + b)
    return (1 - a**2)[:, None] * W


def hessian_central(W, c, x, h):
    """Return the Hessian of ``g(x) = log sum_k exp(w_k . x + c_k)`` at x by central differences of central differences, shape (n, n).

    Time budget: 2 s of CPU per call (the course default).

    ``H_ij = [g(x + h e_i + h e_j) - g(x + h e_i - h e_j) - g(x - h e_i + h e_j)
    + g(x - h e_i - h e_j)] / (4 h^2)``: the central-difference Jacobian, step
    h, of the central-difference gradient, step h. For example, with
    ``W = [[1], [-1]]`` and ``c = [0, 0]``, g(x) = log(e^x + e^-x) =
    log(2 cosh x); at ``x = [0]`` with ``h = 0.5`` the answer is
    ``[[(g(1) - 2 g(0) + g(-1)) / 1]] = [[2 log(cosh 1)]] = [[0.867562]]``
    (the exact g''(0) is 1; one-sided differences would give 0.774207).

    Parameters
    ----------
    W : ndarray of shape (K, n)
    c : ndarray of shape (K,)
    x : ndarray of shape (n,)
    h : float
        the step, h > 0

    Returns
    -------
    ndarray of shape (n, n)
    """
    W, c = np.asarray(W, dtype=float), np.asarray(c, dtype=float)

    def g(v):
        z = W @ v + c
        return z.max() + np.log(np.exp(z - z.max()).sum())

    def gradient(y):
        return central_jacobian(g, y, h)[0]

    return central_jacobian(gradient, x, h)


def hessian(W, c, x):
    """Return the exact Hessian of ``g(x) = log sum_k exp(w_k . x + c_k)`` at x, shape (n, n).

    Time budget: 2 s of CPU per call (the course default).

    With ``s = softmax(W x + c)`` the gradient is ``W^T s`` and the Hessian
    ``W^T (diag(s) - s s^T) W`` (the softmax's Jacobian is
    ``diag(s) - s s^T``); or ``torch.autograd.functional.hessian``. For
    example, with ``W = [[1], [-1]]`` and ``c = [0, 0]``, g(x) =
    log(2 cosh x) and ``g''(x) = 1 - tanh(x)^2``: at ``x = [0.5]`` the answer
    is ``[[0.786448]]``.

    Parameters
    ----------
    W : ndarray of shape (K, n)
    c : ndarray of shape (K,)
    x : ndarray of shape (n,)

    Returns
    -------
    ndarray of shape (n, n)
    """
    W, c, x = (np.asarray(v, dtype=float) for v in (W, c, x))
    z = W @ x + c
    s = np.exp(z - z.max())
    s = s / s.sum()
    return W.T @ (np.diag(s) - np.outer(s, s)) @ W


def directional_derivative(W, c, x, u):
    """Return the derivative of ``g(x) = log sum_k exp(w_k . x + c_k)`` at x along the direction of u: ``grad g(x) . u / ||u||_2``.

    Time budget: 2 s of CPU per call (the course default).

    ``grad g(x) = W^T softmax(W x + c)``; u has any length (not 0) and is
    normalised to a unit vector first. For example, with ``W = I`` (2 x 2),
    ``c = [0, 0]``, ``x = [0, 0]`` and ``u = [3, 4]``: the gradient is
    ``[0.5, 0.5]``, the unit direction ``[0.6, 0.8]``, and the answer 0.7.

    Parameters
    ----------
    W : ndarray of shape (K, n)
    c : ndarray of shape (K,)
    x : ndarray of shape (n,)
    u : ndarray of shape (n,)
        the direction, not 0

    Returns
    -------
    float
    """
    W, c, x, u = (np.asarray(v, dtype=float) for v in (W, c, x, u))
    z = W @ x + c
    s = np.exp(z - z.max())
    gradient = W.T @ (s / s.sum())
    return float(gradient @ u / np.linalg.norm(u))
