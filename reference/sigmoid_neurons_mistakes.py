"""Known mistakes in the sigmoid_neurons exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/sigmoid_neurons.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np

from reference.sigmoid_neurons import (
    CARRY_BIAS,
    CARRY_WEIGHTS,
    NAND_BIAS,
    NAND_WEIGHTS,
    adder,
    neuron,
    sigmoid,
    step,
)


def _nand(a, b, activation=step, c: float = 1.0):
    return neuron([a, b], NAND_WEIGHTS, NAND_BIAS, activation, c)


def _carry(in1, activation=step, c: float = 1.0):
    return neuron([in1], CARRY_WEIGHTS, CARRY_BIAS, activation, c)


# -- adder_perceptrons -----------------------------------------------------------------


def adder_perceptrons_swapped(x1, x2):
    """Returns ``[carry, sum]`` instead of ``[sum, carry]``."""
    return adder(x1, x2, step)[::-1].copy()


def adder_perceptrons_carry_not_inverted(x1, x2):
    """Takes ``in1 = NAND(x1, x2)`` as the carry, without the output unit that inverts it."""
    in1 = _nand(x1, x2)
    in2 = _nand(x1, in1)
    in3 = _nand(x2, in1)
    return np.array([_nand(in2, in3), in1])


def adder_perceptrons_in3_miswired(x1, x2):
    """Wires ``in3 = NAND(x1, in1)`` (a copy of in2) instead of ``NAND(x2, in1)``."""
    in1 = _nand(x1, x2)
    in2 = _nand(x1, in1)
    in3 = _nand(x1, in1)
    return np.array([_nand(in2, in3), _carry(in1)])


def _sign_step(z):
    return np.where(np.asarray(z, dtype=float) > 0, 1, -1)


def adder_perceptrons_minus_one_step(x1, x2):
    """Uses the -1/+1 perceptron of perceptron.py (``-1`` when ``w . x + b <= 0``) for every unit."""
    return adder(x1, x2, _sign_step)


# -- adder_sigmoid ----------------------------------------------------------------------


def _adder_sigmoid_with(unit, x1, x2):
    """The adder's wiring with ``unit(inputs, weights, bias)`` for every unit."""
    in1 = unit([x1, x2], NAND_WEIGHTS, NAND_BIAS)
    in2 = unit([x1, in1], NAND_WEIGHTS, NAND_BIAS)
    in3 = unit([x2, in1], NAND_WEIGHTS, NAND_BIAS)
    on1 = unit([in2, in3], NAND_WEIGHTS, NAND_BIAS)
    on2 = unit([in1], CARRY_WEIGHTS, CARRY_BIAS)
    return np.array([on1, on2])


def adder_sigmoid_bias_not_scaled(x1, x2, c):
    """Scales the weights but not the biases: ``sigma(c w . x + b)``."""
    return _adder_sigmoid_with(
        lambda x, w, b: sigmoid(np.dot(c * np.asarray(w), np.asarray(x, dtype=float)) + b), x1, x2
    )


def adder_sigmoid_hidden_perceptrons(x1, x2, c):
    """Keeps in1..in3 as 0/1 perceptrons; only the two output units are sigmoid neurons."""
    in1 = _nand(x1, x2)
    in2 = _nand(x1, in1)
    in3 = _nand(x2, in1)
    return np.array([_nand(in2, in3, sigmoid, c), _carry(in1, sigmoid, c)])


def adder_sigmoid_swapped(x1, x2, c):
    """Returns ``[carry, sum]`` instead of ``[sum, carry]``."""
    return adder(x1, x2, sigmoid, c)[::-1].copy()


def adder_sigmoid_c_ignored(x1, x2, c):
    """Never uses c: every unit is ``sigma(w . x + b)`` (right only for c = 1)."""
    return adder(x1, x2, sigmoid, 1.0)


def adder_sigmoid_c_outside(x1, x2, c):
    """Multiplies each unit's output by c: ``c sigma(w . x + b)`` instead of ``sigma(c (w . x + b))``."""
    return _adder_sigmoid_with(lambda x, w, b: c * neuron(x, w, b, sigmoid), x1, x2)


# -- scaled_limit -----------------------------------------------------------------------


def _net(w, b, X) -> np.ndarray:
    return np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + float(b)


def scaled_limit_tie_zero(w, b, X):
    """Uses the perceptron's step: a net input of exactly 0 gives 0 instead of sigma(0) = 0.5."""
    return np.where(_net(w, b, X) > 0, 1.0, 0.0)


def scaled_limit_tie_one(w, b, X):
    """A net input of exactly 0 gives 1 (``>= 0``) instead of sigma(0) = 0.5."""
    return np.where(_net(w, b, X) >= 0, 1.0, 0.0)


def scaled_limit_large_finite_c(w, b, X):
    """Evaluates sigma(1000 (w . x + b)): a large c is not the limit when w . x + b is tiny."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-1000.0 * _net(w, b, X)))


def scaled_limit_np_sign(w, b, X):
    """Returns np.sign(w . x + b): -1, 0, +1 instead of 0, 0.5, 1."""
    return np.sign(_net(w, b, X))


def scaled_limit_sign_flipped(w, b, X):
    """Gives 1 where w . x + b < 0 and 0 where it is > 0 (the limit of sigma(-c z))."""
    net = _net(w, b, X)
    return np.where(net < 0, 1.0, np.where(net > 0, 0.0, 0.5))
