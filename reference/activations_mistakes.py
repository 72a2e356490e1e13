"""Known mistakes in the activations exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/activations.py`` name them with a hint.
"""

from __future__ import annotations

import math

import numpy as np

from reference.activations import _ERF, gelu_tanh, relu, softmax

# -- relu ---------------------------------------------------------------------------------------


def relu_derivative_one_at_zero(z):
    """Takes ReLU's derivative at z = 0 as 1 (z >= 0) instead of 0."""
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0), (z >= 0).astype(float)


def relu_derivative_sign(z):
    """Returns np.sign(z) as the derivative: -1 instead of 0 below zero."""
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0), np.sign(z)


def relu_value_as_derivative(z):
    """Returns max(0, z) as the derivative as well as the value."""
    a, _ = relu(z)
    return a, a.copy()


# -- leaky_relu ---------------------------------------------------------------------------------


def leaky_relu_derivative_one_at_zero(z, alpha=0.01):
    """Takes leaky ReLU's derivative at z = 0 as 1 (z >= 0) instead of alpha."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z), np.where(z >= 0, 1.0, float(alpha))


def leaky_relu_alpha_ignored(z, alpha=0.01):
    """Uses the slope 0.01 (torch's default) whatever alpha is given."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.01 * z), np.where(z > 0, 1.0, 0.01)


def leaky_relu_derivative_without_slope(z, alpha=0.01):
    """Gives the derivative 0 below zero, ReLU's, instead of alpha."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z), (z > 0).astype(float)


# -- elu ----------------------------------------------------------------------------------------


def elu_minus_one_dropped(z, alpha=1.0):
    """Computes alpha e^z below zero instead of alpha (e^z - 1): the function jumps at 0."""
    z = np.asarray(z, dtype=float)
    below = np.exp(np.minimum(z, 0.0))
    return np.where(z > 0, z, alpha * below), np.where(z > 0, 1.0, alpha * below)


def elu_derivative_one_at_zero(z, alpha=1.0):
    """Takes ELU's derivative at z = 0 as 1 (z >= 0) instead of alpha."""
    z = np.asarray(z, dtype=float)
    below = np.exp(np.minimum(z, 0.0))
    return np.where(z > 0, z, alpha * (below - 1.0)), np.where(z >= 0, 1.0, alpha * below)


def elu_value_as_derivative(z, alpha=1.0):
    """Returns alpha (e^z - 1), the value, as the derivative below zero instead of alpha e^z."""
    z = np.asarray(z, dtype=float)
    a = np.where(z > 0, z, alpha * (np.exp(np.minimum(z, 0.0)) - 1.0))
    return a, np.where(z > 0, 1.0, a)


def elu_derivative_without_alpha(z, alpha=1.0):
    """Gives e^z as the derivative below zero, leaving alpha out."""
    z = np.asarray(z, dtype=float)
    below = np.exp(np.minimum(z, 0.0))
    return np.where(z > 0, z, alpha * (below - 1.0)), np.where(z > 0, 1.0, below)


# -- gelu ---------------------------------------------------------------------------------------


def gelu_tanh_approximation(z):
    """Uses GELU's tanh approximation (torch's approximate="tanh") and its derivative instead of the exact GELU."""
    z = np.asarray(z, dtype=float)
    c = math.sqrt(2.0 / math.pi)
    inner = c * (z + 0.044715 * z**3)
    t = np.tanh(inner)
    derivative = 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t**2) * c * (1.0 + 3 * 0.044715 * z**2)
    return gelu_tanh(z), derivative


def gelu_derivative_cdf_only(z):
    """Gives Phi(z) as the derivative, leaving out the product rule's z phi(z)."""
    z = np.asarray(z, dtype=float)
    cdf = 0.5 * (1.0 + _ERF(z / math.sqrt(2.0)))
    return z * cdf, cdf


def gelu_erf_without_sqrt2(z):
    """Writes Phi(z) as (1 + erf(z)) / 2, without dividing z by sqrt(2)."""
    z = np.asarray(z, dtype=float)
    cdf = 0.5 * (1.0 + _ERF(z))
    return z * cdf, cdf + z * np.exp(-(z**2)) / math.sqrt(math.pi)


def gelu_sigmoid_approximation(z):
    """Uses the approximation z sigmoid(1.702 z) instead of the exact GELU."""
    z = np.asarray(z, dtype=float)
    s = 1.0 / (1.0 + np.exp(-1.702 * z))
    return z * s, s + 1.702 * z * s * (1.0 - s)


# -- softmax ------------------------------------------------------------------------------------


def softmax_max_not_subtracted(Z, axis=-1):
    """Computes e^z / sum e^z without subtracting the maximum: e^1000 overflows to inf and the answer to nan."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.asarray(Z, dtype=float))
        return e / e.sum(axis=axis, keepdims=True)


def softmax_batch_axis(Z, axis=-1):
    """Normalises over the first axis (the examples of a batch) whatever the axis given."""
    return softmax(Z, axis=0)


def softmax_axis_ignored(Z, axis=-1):
    """Normalises over the last axis whatever the axis given."""
    return softmax(Z, axis=-1)


def softmax_global_max(Z, axis=-1):
    """Subtracts the maximum of the whole array instead of each example's: rows far below it underflow to 0 / 0."""
    Z = np.asarray(Z, dtype=float)
    with np.errstate(invalid="ignore"):
        e = np.exp(Z - Z.max())
        return e / e.sum(axis=axis, keepdims=True)


# -- log_softmax --------------------------------------------------------------------------------


def log_softmax_log_of_softmax(Z, axis=-1):
    """Takes np.log of the (stable) softmax: a probability that underflows to 0 gives -inf."""
    with np.errstate(divide="ignore"):
        return np.log(softmax(Z, axis))


def log_softmax_max_not_subtracted(Z, axis=-1):
    """Computes z - log sum e^z without subtracting the maximum: e^1000 overflows."""
    Z = np.asarray(Z, dtype=float)
    with np.errstate(over="ignore", divide="ignore"):
        return Z - np.log(np.exp(Z).sum(axis=axis, keepdims=True))


def log_softmax_max_not_added_back(Z, axis=-1):
    """Computes z - log sum e^{z - m}: the maximum m is subtracted inside the sum but not from z."""
    Z = np.asarray(Z, dtype=float)
    shifted = Z - Z.max(axis=axis, keepdims=True)
    return Z - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def log_softmax_batch_axis(Z, axis=-1):
    """Normalises over the first axis (the examples of a batch) whatever the axis given."""
    Z = np.asarray(Z, dtype=float)
    shifted = Z - Z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


# -- softmax_backward ---------------------------------------------------------------------------


def softmax_backward_diagonal_only(Z, G, axis=-1):
    """Keeps only the Jacobian's diagonal: s (1 - s) G, as if each s_j depended on z_j alone."""
    s = softmax(Z, axis)
    return s * (1.0 - s) * np.asarray(G, dtype=float)


def softmax_backward_without_s(Z, G, axis=-1):
    """Returns G - sum_k G_k s_k, leaving out the factor s_i."""
    s, G = softmax(Z, axis), np.asarray(G, dtype=float)
    return G - (G * s).sum(axis=axis, keepdims=True)


def softmax_backward_batch_axis(Z, G, axis=-1):
    """Takes the softmax and the sum over the first axis (the examples of a batch) whatever the axis given."""
    s, G = softmax(Z, 0), np.asarray(G, dtype=float)
    return s * (G - (G * s).sum(axis=0, keepdims=True))
