"""Weight initialisation in NumPy: He, Xavier and normalised Xavier, uniform and normal forms (course notes 1.3.5.2).

The grader compares every student answer with these functions, entry by
entry: given the generator, the answer is exact. Conventions (shared by the
exercises; where torch's differ, the exercises say so and a check tells them
apart):

- a layer of M = ``fan_in`` inputs and N = ``fan_out`` units has its weight
  matrix in torch's layout, shape ``(fan_out, fan_in)`` (one row per unit),
  and ``z = W x``;
- each scheme fixes the VARIANCE of a weight; the normal form draws
  ``N(0, s^2)`` and the uniform form ``U[-r, r]`` with the same variance,
  ``r = sqrt(3) s`` (torch's ``kaiming_*_`` and ``xavier_*_`` pairs do so);
- He: variance ``2 / M`` (normal s = sqrt(2 / M), uniform r = sqrt(6 / M));
  torch's ``kaiming_normal_``/``kaiming_uniform_`` with ``nonlinearity="relu"``
  and the default ``mode="fan_in"``;
- Xavier (the notes' 1/sqrt(M) rule): uniform ``r = 1 / sqrt(M)``, variance
  ``1 / (3 M)`` (normal s = 1 / sqrt(3 M)); torch's default for ``nn.Linear``,
  ``kaiming_uniform_(a=sqrt(5))``, NOT torch's ``xavier_uniform_``;
- normalised Xavier: ``r = sqrt(6) / sqrt(N + M)`` (the notes print
  ``6 / sqrt(N + M)``: a slip), variance ``2 / (N + M)``; torch's
  ``xavier_uniform_``/``xavier_normal_``;
- the generator: ``rng = np.random.default_rng(rng)`` (a Generator is given
  back as it is, a seed makes one), then ONE call draws every weight, row by
  row: ``rng.normal(0.0, s, size=(fan_out, fan_in))`` or
  ``rng.uniform(-r, r, size=(fan_out, fan_in))``.
"""

from __future__ import annotations

import math

import numpy as np

FORMS = ("normal", "uniform")


def variance(scheme: str, fan_in: int, fan_out: int) -> float:
    """The variance of one weight under ``scheme`` ("he", "xavier" or "normalised_xavier")."""
    M, N = int(fan_in), int(fan_out)
    return {"he": 2.0 / M, "xavier": 1.0 / (3.0 * M), "normalised_xavier": 2.0 / (N + M)}[scheme]


def scale(scheme: str, fan_in: int, fan_out: int, form: str) -> float:
    """The standard deviation s (normal form) or the bound r (uniform form) of ``scheme``, by the notes' formulas."""
    M, N = int(fan_in), int(fan_out)
    if form not in FORMS:
        raise ValueError(f"form must be 'normal' or 'uniform', not {form!r}")
    if scheme == "he":
        return math.sqrt(2.0 / M) if form == "normal" else math.sqrt(6.0 / M)
    if scheme == "xavier":
        return 1.0 / math.sqrt(3.0 * M) if form == "normal" else 1.0 / math.sqrt(M)
    if scheme == "normalised_xavier":
        return math.sqrt(2.0 / (N + M)) if form == "normal" else math.sqrt(6.0) / math.sqrt(N + M)
    raise ValueError(f"unknown scheme {scheme!r}")


def draw(scheme: str, fan_in: int, fan_out: int, form: str, rng) -> np.ndarray:
    """The weights of ``scheme``: one call of the generator, shape (fan_out, fan_in), float64."""
    s = scale(scheme, fan_in, fan_out, form)
    rng = np.random.default_rng(rng)
    shape = (int(fan_out), int(fan_in))
    return rng.normal(0.0, s, size=shape) if form == "normal" else rng.uniform(-s, s, size=shape)


def he(fan_in, fan_out, form, rng) -> np.ndarray:
    """He initialisation, variance ``2 / fan_in``: ``N(0, 2 / M)`` or ``U[-sqrt(6 / M), sqrt(6 / M)]``.

    Parameters
    ----------
    fan_in, fan_out : int, M inputs and N units
    form : "normal" or "uniform"
    rng : numpy Generator or int seed (``np.random.default_rng(rng)``)

    Returns
    -------
    ndarray of shape (fan_out, fan_in), float64: ``rng.normal(0, s, size=(N, M))`` or ``rng.uniform(-r, r, size=(N, M))``
    """
    return draw("he", fan_in, fan_out, form, rng)


def xavier(fan_in, fan_out, form, rng) -> np.ndarray:
    """The notes' Xavier initialisation: ``U[-1 / sqrt(M), 1 / sqrt(M)]``, or ``N(0, 1 / (3 M))`` of the same variance.

    Parameters and Returns as :func:`he`.
    """
    return draw("xavier", fan_in, fan_out, form, rng)


def normalised_xavier(fan_in, fan_out, form, rng) -> np.ndarray:
    """Normalised Xavier: ``U[-sqrt(6) / sqrt(N + M), sqrt(6) / sqrt(N + M)]``, or ``N(0, 2 / (N + M))``.

    Parameters and Returns as :func:`he`.
    """
    return draw("normalised_xavier", fan_in, fan_out, form, rng)
