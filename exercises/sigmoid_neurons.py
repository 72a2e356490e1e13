"""Sigmoid neurons (course notes 1.3.2, worked exercise 2.2.3).

The network of these exercises is the binary adder with carry of the notes'
figure 8, built from NAND gates ("default weight -2"):

- every NAND gate has the weights ``(-2, -2)`` and the bias ``3``;
- ``in1 = NAND(x1, x2)``, ``in2 = NAND(x1, in1)``, ``in3 = NAND(x2, in1)``;
- the sum bit is ``on1 = NAND(in2, in3)``;
- the carry bit is ``on2``, a unit with the single input ``in1``, weight
  ``-4`` and bias ``3``;
- the network's output is ``[sum, carry] = [on1, on2]``.

Conventions used by every function in this module:

- a perceptron here uses the **0/1 step**: it outputs ``1`` when
  ``w . x + b > 0`` and ``0`` when ``w . x + b <= 0``. This is *not* the
  perceptron of ``perceptron.py``, which outputs ``-1`` instead of ``0``:
  in a logic circuit a unit's output is the next unit's input bit;
- a sigmoid neuron outputs ``sigma(w . x + b)`` with
  ``sigma(z) = 1 / (1 + exp(-z))``;
- "scaled by c" (``c > 0``) means that *every* weight and *every* bias is
  multiplied by ``c``, so each unit computes ``f(c (w . x + b))``;
- input bits ``x1``, ``x2`` are 0 or 1. Return NumPy arrays (lists and
  torch tensors are accepted too): bits (ints or floats) for the perceptron
  adder, which does no float32 or float64 arithmetic, and otherwise float64,
  or float32 compared with float32 tolerances (relative 1e-4, absolute 1e-6).

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check sigmoid_neurons``).
"""

import numpy as np


def adder_perceptrons(x1, x2):
    """Return the adder's output ``[sum, carry]`` for the input bits (x1, x2), built from perceptrons.

    Time budget: 2 s of CPU per call (the course default).

    Every unit is a 0/1 perceptron: ``1 if w . x + b > 0 else 0``, with the
    weights and biases of the module docstring (NAND gates ``(-2, -2)``, bias
    3; the carry unit weight -4, bias 3 on ``in1``).

    Parameters
    ----------
    x1, x2 : int
        the two input bits, 0 or 1

    Returns
    -------
    ndarray of shape (2,)
        ``[sum, carry]``, each 0 or 1: ``x1 + x2 = sum + 2 carry``
        (for example ``adder_perceptrons(1, 1)`` is ``[0, 1]``); bits in,
        bits out, so there is no float32 or float64 arithmetic to do
    """
    raise NotImplementedError


def adder_sigmoid(x1, x2, c):
    """Return the adder's output ``[on1, on2]`` when every perceptron is a sigmoid neuron scaled by c.

    Time budget: 2 s of CPU per call (the course default).

    Same network, same weights and biases, but every unit -- the hidden units
    ``in1``, ``in2``, ``in3`` as well as ``on1`` and ``on2`` -- computes
    ``sigma(c (w . x + b))``, and its output (a number between 0 and 1, not a
    bit) is the input of the units after it.

    Parameters
    ----------
    x1, x2 : int or float
        the two input bits, 0 or 1
    c : float
        the factor ``c > 0`` multiplying every weight and every bias

    Returns
    -------
    ndarray of shape (2,), float64
        ``[on1, on2]``; the notes' example: ``adder_sigmoid(0, 1, 1)`` is about
        ``[0.641, 0.519]`` and ``adder_sigmoid(0, 1, 4)`` about ``[0.981, 0.024]``
        (the notes round the first carry to 0.518; it is sigma(0.0758) = 0.519)
    """
    raise NotImplementedError


def scaled_limit(w, b, X):
    """Return the limit as ``c -> infinity`` of ``sigma(c (w . x + b))`` for each pattern x (row of X).

    Time budget: 2 s of CPU per call (the course default).

    The limit is the perceptron's output where ``w . x + b != 0``, but
    where ``w . x + b = 0`` the neuron outputs ``sigma(0)`` for every c: this is
    how a scaled sigmoid network can fail to behave like the perceptron network.
    Decide exactly, by the sign of ``w . x + b``: a large but finite c is not
    the limit when ``w . x + b`` is tiny.

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
    ndarray of shape (n,), float64
        ``1`` where ``w . x + b > 0``, ``0`` where ``w . x + b < 0`` and
        ``0.5`` where ``w . x + b = 0``
    """
    raise NotImplementedError
