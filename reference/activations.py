"""Activation functions and their derivatives in NumPy (course notes 1.3.2.2, 1.3.5.1; slides: activations).

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters, float64 throughout. Conventions
(they are torch's, and the checks hold students to them):

- an elementwise activation returns the pair ``(a, da/dz)``, both of z's
  shape: the value and the derivative at every entry;
- at ``z = 0`` exactly, ReLU's derivative is 0, leaky ReLU's is ``alpha``
  and ELU's is ``alpha``: the ``z <= 0`` branch, as the slides write ELU
  (``1(x <= 0)``) and as torch's autograd gives it;
- GELU is the exact ``z Phi(z)`` with ``Phi(z) = (1 + erf(z / sqrt(2))) / 2``
  (torch's ``F.gelu(z)``); its tanh approximation (``F.gelu(z,
  approximate="tanh")``) is a different function;
- softmax and log-softmax normalise along ``axis`` (default the last: one
  example per row, classes along the row) and subtract the maximum along
  that axis first, so logits of 1000 neither overflow nor underflow.
"""

from __future__ import annotations

import math

import numpy as np

_ERF = np.vectorize(math.erf, otypes=[float])


def _floats(z) -> np.ndarray:
    return np.asarray(z, dtype=float)


def relu(z) -> tuple[np.ndarray, np.ndarray]:
    """ReLU and its derivative: ``a = max(0, z)``, ``da/dz = 1 if z > 0 else 0`` (0 at z = 0).

    Parameters
    ----------
    z : ndarray of any shape, float

    Returns
    -------
    tuple (a, da/dz) of ndarrays of z's shape, float64
    """
    z = _floats(z)
    return np.maximum(z, 0.0), (z > 0).astype(float)


def leaky_relu(z, alpha=0.01) -> tuple[np.ndarray, np.ndarray]:
    """Leaky ReLU and its derivative: ``a = z if z > 0 else alpha z``, ``da/dz = 1 if z > 0 else alpha``.

    For ``0 < alpha < 1`` this is the slides' ``max(alpha z, z)``. At z = 0 the derivative is ``alpha``.

    Parameters
    ----------
    z : ndarray of any shape, float
    alpha : float
        the slope below 0

    Returns
    -------
    tuple (a, da/dz) of ndarrays of z's shape, float64
    """
    z = _floats(z)
    positive = z > 0
    return np.where(positive, z, alpha * z), np.where(positive, 1.0, float(alpha))


def elu(z, alpha=1.0) -> tuple[np.ndarray, np.ndarray]:
    """ELU and its derivative: ``a = z if z > 0 else alpha (e^z - 1)``, ``da/dz = 1 if z > 0 else alpha e^z``.

    At z = 0 the derivative is ``alpha`` (the ``z <= 0`` branch).

    Parameters
    ----------
    z : ndarray of any shape, float
    alpha : float

    Returns
    -------
    tuple (a, da/dz) of ndarrays of z's shape, float64
    """
    z = _floats(z)
    positive = z > 0
    below = np.exp(np.minimum(z, 0.0))  # e^z where z <= 0; never overflows for large positive z
    return np.where(positive, z, alpha * (below - 1.0)), np.where(positive, 1.0, alpha * below)


def standard_normal_cdf(z) -> np.ndarray:
    """``Phi(z) = (1 + erf(z / sqrt(2))) / 2``, the standard normal's cumulative distribution."""
    return 0.5 * (1.0 + _ERF(_floats(z) / math.sqrt(2.0)))


def gelu(z) -> tuple[np.ndarray, np.ndarray]:
    """The exact GELU and its derivative: ``a = z Phi(z)``, ``da/dz = Phi(z) + z phi(z)``.

    ``Phi(z) = (1 + erf(z / sqrt(2))) / 2`` and ``phi(z) = exp(-z^2 / 2) / sqrt(2 pi)`` are the standard
    normal's distribution and density.

    Parameters
    ----------
    z : ndarray of any shape, float

    Returns
    -------
    tuple (a, da/dz) of ndarrays of z's shape, float64
    """
    z = _floats(z)
    cdf = standard_normal_cdf(z)
    pdf = np.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)
    return z * cdf, cdf + z * pdf


def gelu_tanh(z) -> np.ndarray:
    """GELU's tanh approximation, a different function: ``z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))) / 2``."""
    z = _floats(z)
    return 0.5 * z * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (z + 0.044715 * z**3)))


def softmax(Z, axis=-1) -> np.ndarray:
    """The softmax along ``axis``: ``s_j = e^{z_j - m} / sum_k e^{z_k - m}``, ``m = max_k z_k`` along that axis.

    Parameters
    ----------
    Z : ndarray of any shape, float (the logits)
    axis : int
        the axis of the classes; every other axis indexes examples

    Returns
    -------
    ndarray of Z's shape, float64: entries in (0, 1], summing to 1 along ``axis``
    """
    Z = _floats(Z)
    e = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(Z, axis=-1) -> np.ndarray:
    """The log-softmax along ``axis``: ``z_j - m - log sum_k e^{z_k - m}``, ``m = max_k z_k`` along that axis.

    Parameters
    ----------
    Z : ndarray of any shape, float (the logits)
    axis : int

    Returns
    -------
    ndarray of Z's shape, float64, every entry finite for finite logits
    """
    Z = _floats(Z)
    shifted = Z - Z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax_backward(Z, G, axis=-1) -> np.ndarray:
    """The gradient of ``L = sum(G * softmax(Z, axis))`` with respect to Z: ``s * (G - sum_k G_k s_k)``.

    The Jacobian of the softmax is ``ds_j/dz_i = s_j (delta_ij - s_i)``, so
    ``dL/dz_i = sum_j G_j s_j (delta_ij - s_i) = s_i (G_i - sum_j G_j s_j)``, the sum along ``axis``.

    Parameters
    ----------
    Z : ndarray of any shape, float (the logits)
    G : ndarray of Z's shape, float (the upstream gradient dL/ds)
    axis : int

    Returns
    -------
    ndarray of Z's shape, float64
    """
    s, G = softmax(Z, axis), _floats(G)
    return s * (G - (G * s).sum(axis=axis, keepdims=True))
