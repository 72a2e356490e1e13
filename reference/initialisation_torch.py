"""The initialisation references in torch; they must agree with :mod:`reference.initialisation`.

The exercises fix the draws (NumPy's generator, one call, shape (fan_out,
fan_in)), so these twins take the unit draws from the same NumPy generator
and the scale from torch's own rules: ``nn.init.calculate_gain`` and the
fans torch reads from a weight of shape (fan_out, fan_in) (``fan_in`` is its
second dimension). He is ``kaiming_*_(nonlinearity="relu", mode="fan_in")``,
the notes' Xavier ``kaiming_*_(a=sqrt(5))`` (``nn.Linear``'s default), the
normalised Xavier ``xavier_*_``. ``tests/test_initialisation.py`` checks each
scale against torch's functions drawing from torch's own generator.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn


def _fans(fan_in, fan_out) -> tuple[int, int]:
    """The fans torch reads from a weight of shape (fan_out, fan_in)."""
    weight = torch.empty(int(fan_out), int(fan_in), dtype=torch.float64)
    return nn.init._calculate_fan_in_and_fan_out(weight)


def _draw(std: float, fan_in, fan_out, form, rng) -> torch.Tensor:
    """``std`` times unit draws of the same variance: N(0, 1), or U[-sqrt(3), sqrt(3)] as the one call U[-r, r]."""
    rng = np.random.default_rng(rng)
    shape = (int(fan_out), int(fan_in))
    if form == "normal":
        return torch.as_tensor(rng.normal(0.0, std, size=shape), dtype=torch.float64)
    bound = math.sqrt(3.0) * std  # torch: uniform_(-bound, bound) with bound = sqrt(3) * std
    return torch.as_tensor(rng.uniform(-bound, bound, size=shape), dtype=torch.float64)


def he(fan_in, fan_out, form, rng) -> torch.Tensor:
    """The torch twin of :func:`reference.initialisation.he`: shape (fan_out, fan_in)."""
    fan, _ = _fans(fan_in, fan_out)
    return _draw(nn.init.calculate_gain("relu") / math.sqrt(fan), fan_in, fan_out, form, rng)


def xavier(fan_in, fan_out, form, rng) -> torch.Tensor:
    """The torch twin of :func:`reference.initialisation.xavier`: kaiming's rule with a = sqrt(5), shape (fan_out, fan_in)."""
    fan, _ = _fans(fan_in, fan_out)
    return _draw(nn.init.calculate_gain("leaky_relu", math.sqrt(5.0)) / math.sqrt(fan), fan_in, fan_out, form, rng)


def normalised_xavier(fan_in, fan_out, form, rng) -> torch.Tensor:
    """The torch twin of :func:`reference.initialisation.normalised_xavier`: xavier's rule, shape (fan_out, fan_in)."""
    fan_in_, fan_out_ = _fans(fan_in, fan_out)
    return _draw(math.sqrt(2.0 / (fan_in_ + fan_out_)), fan_in, fan_out, form, rng)
