"""Sigmoid neuron references in torch; they must agree with :mod:`reference.sigmoid_neurons`.

Same network and conventions: NAND gates ``w = (-2, -2), b = 3``, the carry
unit ``w = -4, b = 3`` on ``in1``, the 0/1 step (``1`` when ``w . x + b > 0``)
for perceptrons, ``sigma(c (w . x + b))`` for sigmoid neurons. Everything is
computed in float64.
"""

from __future__ import annotations

from typing import Callable

import torch

NAND_WEIGHTS = (-2.0, -2.0)
NAND_BIAS = 3.0
CARRY_WEIGHTS = (-4.0,)
CARRY_BIAS = 3.0

Activation = Callable[[torch.Tensor], torch.Tensor]


def _as_tensor(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64)


def step(z: torch.Tensor) -> torch.Tensor:
    """The 0/1 step: ``1 if z > 0 else 0``, as float64 so it can feed the next unit."""
    return (z > 0).to(torch.float64)


def neuron(inputs: list, weights: tuple, bias: float, activation: Activation, c: float = 1.0) -> torch.Tensor:
    """``f(c (w . x + b))`` for one unit; inputs (k,), weights (k,) -> 0-d tensor."""
    x = torch.stack([_as_tensor(value) for value in inputs])
    return activation(c * _as_tensor(weights) @ x + c * bias)


def adder(x1, x2, activation: Activation, c: float = 1.0) -> torch.Tensor:
    """The adder of figure 8 with every unit ``f(c (w . x + b))`` -> ``[sum, carry]`` (2,)."""
    in1 = neuron([x1, x2], NAND_WEIGHTS, NAND_BIAS, activation, c)
    in2 = neuron([x1, in1], NAND_WEIGHTS, NAND_BIAS, activation, c)
    in3 = neuron([x2, in1], NAND_WEIGHTS, NAND_BIAS, activation, c)
    on1 = neuron([in2, in3], NAND_WEIGHTS, NAND_BIAS, activation, c)
    on2 = neuron([in1], CARRY_WEIGHTS, CARRY_BIAS, activation, c)
    return torch.stack([on1, on2])


def adder_perceptrons(x1, x2) -> torch.Tensor:
    """The adder from 0/1 perceptrons; x1, x2 in {0, 1} -> ``[sum, carry]`` (2,) int64."""
    return adder(x1, x2, step).to(torch.int64)


def adder_sigmoid(x1, x2, c) -> torch.Tensor:
    """The adder from sigmoid neurons ``sigma(c (w . x + b))`` -> ``[on1, on2]`` (2,) float64."""
    return adder(x1, x2, torch.sigmoid, float(c))


def scaled_limit(w, b, X) -> torch.Tensor:
    """``lim_{c -> inf} sigma(c (w . x + b))``: 1 if > 0, 0 if < 0, 0.5 if = 0; w (p,), X (n, p) -> (n,)."""
    net = _as_tensor(X) @ _as_tensor(w) + float(b)
    half = torch.full_like(net, 0.5)
    return torch.where(net > 0, torch.ones_like(net), torch.where(net < 0, torch.zeros_like(net), half))
