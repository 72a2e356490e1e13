"""Activation functions and their derivatives (course notes 1.3.2.2 and 1.3.5.1; slides: activation functions).

Conventions used by every function in this module (they are torch's):

- ``relu``, ``leaky_relu``, ``elu`` and ``gelu`` act on every entry of z
  and return the PAIR ``(a, da_dz)``: the activation and its derivative at
  every entry, both of z's shape (backpropagation needs both: BP2 multiplies
  by ``sigma'(z)``).
- at ``z = 0`` exactly, where a kink leaves the derivative undefined, the
  value used is the one on the ``z <= 0`` side, as torch's autograd gives
  it: ReLU's derivative at 0 is 0, leaky ReLU's is ``alpha``, ELU's is
  ``alpha`` (the slides write ELU with ``1(x <= 0)``).
- GELU is the EXACT ``z Phi(z)``, Phi the standard normal's cumulative
  distribution, as ``torch.nn.functional.gelu(z)``. Its tanh approximation
  (``gelu(z, approximate="tanh")``) is a different function and is wrong
  here by up to about 5e-4.
- ``softmax``, ``log_softmax`` and ``softmax_backward`` work along ``axis``
  (default the last: a batch has one example per row, its classes along the
  row; torch's ``dim``). Every other axis indexes examples: each example is
  normalised on its own, never the batch. They must stay finite and right
  for logits of about +-1000: subtract each example's maximum first.

Inputs are NumPy arrays of floats of any shape (0-d too); start with
``z = np.asarray(z, dtype=float)``, which also takes nested lists. Return
NumPy arrays (float64, or float32: a float32 answer is compared with float32
tolerances, relative 1e-4, absolute 1e-6). NumPy has no erf:
``math.erf`` works on one number, ``np.vectorize(math.erf)`` on an array.
Each call may use the CPU time your course gives a call (a few seconds);
every function here needs a few milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check activations``).
"""

import math

import numpy as np


def relu(z):
    """Return ReLU and its derivative at every entry of z: ``(max(0, z), 1 if z > 0 else 0)``.

    Time budget: 2 s of CPU per call (the course default).

    The derivative at ``z = 0`` is 0. For example ``relu([-2.0, 0.0, 3.0])``
    is ``([0, 0, 3], [0, 0, 1])``.

    Parameters
    ----------
    z : ndarray of any shape
        the pre-activations

    Returns
    -------
    tuple (a, da_dz)
        two ndarrays of z's shape: the activation and its derivative
    """
    raise NotImplementedError


def leaky_relu(z, alpha=0.01):
    """Return leaky ReLU and its derivative at every entry: ``(z if z > 0 else alpha z, 1 if z > 0 else alpha)``.

    Time budget: 2 s of CPU per call (the course default).

    For ``0 < alpha < 1`` this is the slides' ``max(alpha z, z)``. The
    derivative at ``z = 0`` is ``alpha``, as torch's. For example
    ``leaky_relu([-2.0, 0.0, 3.0], alpha=0.1)`` is ``([-0.2, 0, 3], [0.1, 0.1, 1])``.

    Parameters
    ----------
    z : ndarray of any shape
    alpha : float
        the slope below 0 (torch's ``negative_slope``)

    Returns
    -------
    tuple (a, da_dz) of ndarrays of z's shape
    """
    raise NotImplementedError


def elu(z, alpha=1.0):
    """Return ELU and its derivative at every entry: ``(z if z > 0 else alpha (e^z - 1), 1 if z > 0 else alpha e^z)``.

    Time budget: 2 s of CPU per call (the course default).

    The derivative at ``z = 0`` is ``alpha`` (the ``z <= 0`` branch). For
    example ``elu([-1.0, 0.0, 2.0], alpha=2.0)`` is
    ``([2 (e^-1 - 1), 0, 2], [2 e^-1, 2, 1])``, about ``([-1.264, 0, 2], [0.736, 2, 1])``.

    Parameters
    ----------
    z : ndarray of any shape
    alpha : float

    Returns
    -------
    tuple (a, da_dz) of ndarrays of z's shape
    """
    raise NotImplementedError


def gelu(z):
    """Return the exact GELU and its derivative at every entry: ``(z Phi(z), Phi(z) + z phi(z))``.

    Time budget: 2 s of CPU per call (the course default).

    ``Phi(z) = (1 + erf(z / sqrt(2))) / 2`` is the standard normal's
    cumulative distribution and ``phi(z) = exp(-z^2 / 2) / sqrt(2 pi)`` its
    density (the derivative of ``z Phi(z)`` by the product rule). Not the
    tanh approximation. For example ``gelu([0.0, 1.0])`` is about
    ``([0, 0.841345], [0.5, 1.083315])``.

    Parameters
    ----------
    z : ndarray of any shape

    Returns
    -------
    tuple (a, da_dz) of ndarrays of z's shape
    """
    raise NotImplementedError


def softmax(Z, axis=-1):
    """Return the softmax of the logits Z along ``axis``: ``e^{z_j} / sum_k e^{z_k}``, computed stably.

    Time budget: 2 s of CPU per call (the course default).

    Subtract each example's maximum along ``axis`` first (``Z.max(axis=axis,
    keepdims=True)``): the softmax is unchanged, and ``e^1000`` no longer
    overflows. For example ``softmax([[1000.0, 1000.0], [0.0, -1000.0]])``
    is ``[[0.5, 0.5], [1, e^-1000]]``: each row on its own.

    Parameters
    ----------
    Z : ndarray of any shape
        the logits
    axis : int
        the axis of the classes (default the last); the others index examples

    Returns
    -------
    ndarray of Z's shape: entries in [0, 1], summing to 1 along ``axis``
    """
    raise NotImplementedError


def log_softmax(Z, axis=-1):
    """Return the log of the softmax of Z along ``axis``: ``z_j - log sum_k e^{z_k}``, finite for logits of +-1000.

    Time budget: 2 s of CPU per call (the course default).

    ``np.log(softmax(Z))`` is not enough: a probability ``e^-1500`` rounds to
    0 and its log to ``-inf``. Write it with the maximum m:
    ``z_j - m - log sum_k e^{z_k - m}``. For example
    ``log_softmax([0.0, -1000.0])`` is about ``[0, -1000]``.

    Parameters
    ----------
    Z : ndarray of any shape
        the logits
    axis : int
        the axis of the classes (default the last)

    Returns
    -------
    ndarray of Z's shape
    """
    raise NotImplementedError


def softmax_backward(Z, G, axis=-1):
    """Return dL/dZ for ``L = sum(G * softmax(Z, axis))``: ``s_i (G_i - sum_k G_k s_k)``, the sum along ``axis``.

    Time budget: 2 s of CPU per call (the course default).

    The softmax's Jacobian is ``ds_k/dz_i = s_k (delta_ik - s_i)``: every
    output depends on every logit of its example, so the gradient is not
    ``s (1 - s) G``. ``G`` is the upstream gradient dL/ds, of Z's shape. For
    example, with ``Z = [0.0, 0.0]`` (s = [0.5, 0.5]) and ``G = [1.0, 0.0]``
    the answer is ``[0.25, -0.25]``.

    Parameters
    ----------
    Z : ndarray of any shape
        the logits
    G : ndarray of Z's shape
        the gradient of L with respect to the softmax's output
    axis : int
        the axis of the classes (default the last)

    Returns
    -------
    ndarray of Z's shape
    """
    raise NotImplementedError
