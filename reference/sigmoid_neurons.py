"""Sigmoid neuron references (notes 1.3.2; worked exercise 2.2.3).

The network is the binary adder with carry of the notes' figure 8, built from
NAND gates ("default weight -2"). Every NAND gate has the weights ``(-2, -2)``
and the bias ``3``:

- ``in1 = NAND(x1, x2)``
- ``in2 = NAND(x1, in1)``
- ``in3 = NAND(x2, in1)``
- ``on1 = NAND(in2, in3)`` -- the sum bit ``x1 XOR x2``
- ``on2`` has the single input ``in1`` with weight ``-4`` and bias ``3`` --
  the carry bit ``x1 AND x2`` (it is ``NAND(in1, in1)`` with the two weights
  merged into one)

and the network's output is ``[sum, carry] = [on1, on2]``.

Conventions, as in the notes' trace of 2.2.3:

- the perceptrons of this network use the **0/1 step**: a unit outputs ``1``
  when ``w . x + b > 0`` and ``0`` when ``w . x + b <= 0``. This differs from
  the -1/+1 perceptron of :mod:`reference.perceptron`, which outputs ``-1``
  instead of ``0``: logic circuits need 0/1 signals, because a unit's output is
  the next unit's input;
- a sigmoid neuron outputs ``sigma(w . x + b)`` with
  ``sigma(z) = 1 / (1 + exp(-z))``;
- scaling a network by ``c > 0`` multiplies *every* weight and *every* bias by
  ``c``, so a unit outputs ``f(c (w . x + b))``. A perceptron's output does not
  change; a sigmoid neuron's output tends to the step as ``c -> infinity``
  wherever ``w . x + b != 0``, and stays ``sigma(0) = 1/2`` where it is 0.

The notes print ``0.518`` for the carry with ``c = 1`` and input ``(0, 1)``;
``sigma(0.0758) = 0.519`` (see ``course/README.md``): the reference follows
the arithmetic. Likewise the notes' perceptron trace for ``(0, 0)`` computes
``on1 = 0`` and ``on2 = 0`` but writes the output as ``[1, 0]``; it is
``[0, 0]`` (0 + 0 = 0, no carry).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

NAND_WEIGHTS = np.array([-2.0, -2.0])
"""the weights of every NAND gate of the adder"""
NAND_BIAS = 3.0
"""the bias of every NAND gate of the adder"""
CARRY_WEIGHTS = np.array([-4.0])
"""the carry unit's single weight (on its input in1)"""
CARRY_BIAS = 3.0
"""the carry unit's bias"""

Activation = Callable[[np.ndarray], np.ndarray]


def step(z: np.ndarray) -> np.ndarray:
    """The 0/1 step: ``1 if z > 0 else 0`` (``z = 0`` gives 0).

    Parameters
    ----------
    z : float or ndarray of any shape
        net inputs ``w . x + b``

    Returns
    -------
    ndarray of the shape of z with entries 0 or 1 (int)
    """
    return np.where(np.asarray(z, dtype=float) > 0, 1, 0)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function ``sigma(z) = 1 / (1 + exp(-z))``.

    Computed as ``1 / (1 + exp(-z))`` for ``z >= 0`` and
    ``exp(z) / (1 + exp(z))`` for ``z < 0`` so that ``exp`` never overflows.

    Parameters
    ----------
    z : float or ndarray of any shape

    Returns
    -------
    ndarray of the shape of z, entries in [0, 1] (float64)
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def neuron(inputs: np.ndarray, weights: np.ndarray, bias: float, activation: Activation, c: float = 1.0) -> np.ndarray:
    """One unit of a network scaled by ``c``: ``f(c (w . x + b))``.

    Parameters
    ----------
    inputs : ndarray of shape (k,)
        the unit's inputs x
    weights : ndarray of shape (k,)
        its weights w
    bias : float
        its bias b
    activation : callable
        f, :func:`step` or :func:`sigmoid`
    c : float, > 0
        the factor multiplying the weights and the bias

    Returns
    -------
    0-d ndarray, the unit's output
    """
    net = np.dot(c * np.asarray(weights, dtype=float), np.asarray(inputs, dtype=float)) + c * bias
    return activation(net)


def adder(x1: float, x2: float, activation: Activation, c: float = 1.0) -> np.ndarray:
    """The adder of figure 8 with every unit ``f(c (w . x + b))``.

    Parameters
    ----------
    x1, x2 : float
        the two input bits, 0 or 1
    activation : callable
        f, :func:`step` (perceptrons) or :func:`sigmoid` (sigmoid neurons)
    c : float, > 0
        the factor multiplying every weight and every bias

    Returns
    -------
    ndarray of shape (2,): ``[sum, carry] = [on1, on2]``
    """
    in1 = neuron([x1, x2], NAND_WEIGHTS, NAND_BIAS, activation, c)
    in2 = neuron([x1, in1], NAND_WEIGHTS, NAND_BIAS, activation, c)
    in3 = neuron([x2, in1], NAND_WEIGHTS, NAND_BIAS, activation, c)
    on1 = neuron([in2, in3], NAND_WEIGHTS, NAND_BIAS, activation, c)
    on2 = neuron([in1], CARRY_WEIGHTS, CARRY_BIAS, activation, c)
    return np.array([on1, on2])


def adder_perceptrons(x1: int, x2: int) -> np.ndarray:
    """The adder of figure 8 built from 0/1 perceptrons.

    Every unit outputs ``1 if w . x + b > 0 else 0``; the NAND gates have
    ``w = (-2, -2), b = 3`` and the carry unit ``w = -4, b = 3`` on ``in1``.

    Parameters
    ----------
    x1, x2 : int
        the two input bits, 0 or 1

    Returns
    -------
    ndarray of shape (2,) with entries 0 or 1 (int):
    ``[sum, carry] = [x1 XOR x2, x1 AND x2]``
    """
    return adder(x1, x2, step)


def adder_sigmoid(x1: float, x2: float, c: float) -> np.ndarray:
    """The adder of figure 8 built from sigmoid neurons scaled by ``c``.

    Every unit outputs ``sigma(c (w . x + b))``, with ``w`` and ``b`` those of
    the perceptron adder; the hidden units' outputs (floats in (0, 1)) are the
    next units' inputs.

    Parameters
    ----------
    x1, x2 : float
        the two input bits, 0 or 1
    c : float, > 0
        the factor multiplying every weight and every bias

    Returns
    -------
    ndarray of shape (2,), float64: ``[on1, on2]``; for example
    ``adder_sigmoid(0, 1, 1) ~ [0.641, 0.519]`` and
    ``adder_sigmoid(0, 1, 4) ~ [0.981, 0.024]``
    """
    return adder(x1, x2, sigmoid, c)


def scaled_limit(w: np.ndarray, b: float, X: np.ndarray) -> np.ndarray:
    """``lim_{c -> inf} sigma(c (w . x + b))`` for each pattern x (row of X).

    The limit is 1 where ``w . x + b > 0``, 0 where ``w . x + b < 0``, and
    ``sigma(0) = 1/2`` where ``w . x + b = 0``: there the sigmoid neuron does
    not approach the perceptron, whatever c.

    Parameters
    ----------
    w : ndarray of shape (p,)
        the weights
    b : float
        the bias
    X : ndarray of shape (n, p)
        the patterns, one per row

    Returns
    -------
    ndarray of shape (n,), float64, entries 0, 0.5 or 1
    """
    net = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + float(b)
    return np.where(net > 0, 1.0, np.where(net < 0, 0.0, 0.5))
