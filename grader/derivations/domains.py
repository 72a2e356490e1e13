"""Where the symbols of a derivation question live: the values sampling draws.

Equivalence by sampling is only as good as its points. Each symbol of a
question has a domain that says which values are valid for it: positive for
variances and sizes, +-1 for Hopfield states, one-hot or on the simplex for
targets and softmax outputs, symmetric with a zero diagonal for Hopfield
weights. A domain draws one value for a symbol of a given concrete shape
from a NumPy generator; values are exact binary floats promoted to mpmath
numbers, so the 30-digit evaluation starts from exact inputs.

Scalars are ``mpmath.mpf``; vectors and matrices are 2-D NumPy arrays of
dtype object holding ``mpf`` (a vector is a column, shape ``(n, 1)``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np


def _mpf(x: float) -> Any:
    import mpmath

    return mpmath.mpf(float(x))


def _array(values: np.ndarray) -> np.ndarray:
    out = np.empty(values.shape, dtype=object)
    for index, value in np.ndenumerate(values):
        out[index] = _mpf(value)
    return out


class Domain:
    """The valid values of one symbol. Subclasses draw entries or whole structures."""

    #: a short description for messages, e.g. "positive"
    description = "real"

    def draw_scalar(self, rng: np.random.Generator, drawn: Mapping[str, Any]) -> float:
        raise NotImplementedError

    def span(self, drawn: Mapping[str, Any]) -> tuple[float, float] | None:
        """The interval a continuous scalar domain covers (for placing points around a kink), else None."""
        return None

    def draw(self, rng: np.random.Generator, shape: tuple[int, ...], drawn: Mapping[str, Any]) -> Any:
        """One value: an ``mpf`` for shape ``()``, else an object array of that shape (entrywise)."""
        if shape == ():
            return _mpf(self.draw_scalar(rng, drawn))
        values = np.array([self.draw_scalar(rng, drawn) for _ in range(int(np.prod(shape)))], dtype=float)
        return _array(values.reshape(shape))


@dataclass(frozen=True)
class Real(Domain):
    """Uniform on [lo, hi]: the default for weights, inputs and weighted inputs."""

    lo: float = -3.0
    hi: float = 3.0
    description = "real"

    def span(self, drawn: Mapping[str, Any]) -> tuple[float, float] | None:
        return (self.lo, self.hi)

    def draw_scalar(self, rng: np.random.Generator, drawn: Mapping[str, Any]) -> float:
        return float(rng.uniform(self.lo, self.hi))


@dataclass(frozen=True)
class Positive(Domain):
    """Log-uniform on [lo, hi]: variances, standard deviations, learning rates, densities."""

    lo: float = 0.1
    hi: float = 5.0
    description = "positive"

    def span(self, drawn: Mapping[str, Any]) -> tuple[float, float] | None:
        return (self.lo, self.hi)

    def draw_scalar(self, rng: np.random.Generator, drawn: Mapping[str, Any]) -> float:
        return float(math.exp(rng.uniform(math.log(self.lo), math.log(self.hi))))


@dataclass(frozen=True)
class Interval(Domain):
    """Uniform on the open interval (lo, hi), kept away from its ends by ``margin``."""

    lo: float = 0.0
    hi: float = 1.0
    margin: float = 0.02
    description = "in an interval"

    def span(self, drawn: Mapping[str, Any]) -> tuple[float, float] | None:
        return (self.lo + self.margin, self.hi - self.margin)

    def draw_scalar(self, rng: np.random.Generator, drawn: Mapping[str, Any]) -> float:
        return float(rng.uniform(self.lo + self.margin, self.hi - self.margin))


@dataclass(frozen=True)
class Integers(Domain):
    """Integers in [lo, hi]: sizes such as M inputs or D_k components, node degrees."""

    lo: int = 1
    hi: int = 50
    description = "a positive integer"

    def draw_scalar(self, rng: np.random.Generator, drawn: Mapping[str, Any]) -> float:
        return float(rng.integers(self.lo, self.hi + 1))


@dataclass(frozen=True)
class Choice(Domain):
    """One of a few values: +-1 for Hopfield states and perceptron targets, 0/1 for binary units."""

    values: tuple[float, ...] = (-1.0, 1.0)
    description = "one of a few values"

    def draw_scalar(self, rng: np.random.Generator, drawn: Mapping[str, Any]) -> float:
        return float(self.values[int(rng.integers(0, len(self.values)))])


@dataclass(frozen=True)
class Below(Domain):
    """A fraction in [lo, hi] of another (scalar) symbol drawn before: lambda_min below lambda_max."""

    other: str = ""
    lo: float = 0.05
    hi: float = 0.95
    description = "below another symbol"

    def span(self, drawn: Mapping[str, Any]) -> tuple[float, float] | None:
        other = float(drawn[self.other])
        return (other * self.lo, other * self.hi)

    def draw_scalar(self, rng: np.random.Generator, drawn: Mapping[str, Any]) -> float:
        return float(drawn[self.other]) * float(rng.uniform(self.lo, self.hi))


@dataclass(frozen=True)
class OneHot(Domain):
    """A column vector with a single 1 and 0 elsewhere: a class label as a target."""

    description = "one-hot"

    def draw(self, rng: np.random.Generator, shape: tuple[int, ...], drawn: Mapping[str, Any]) -> Any:
        values = np.zeros(shape)
        values.flat[int(rng.integers(0, values.size))] = 1.0
        return _array(values)


@dataclass(frozen=True)
class Simplex(Domain):
    """A column vector of positive entries that sum to 1: a softmax output, a distribution."""

    description = "on the simplex"

    def draw(self, rng: np.random.Generator, shape: tuple[int, ...], drawn: Mapping[str, Any]) -> Any:
        import mpmath

        values = rng.dirichlet(np.ones(int(np.prod(shape)))).reshape(shape)
        out = _array(values)
        # Re-normalise at full precision so the entries sum to 1 to 30 digits, not to 1e-16.
        total = mpmath.fsum(out.ravel().tolist())
        return out / total


@dataclass(frozen=True)
class SymmetricZeroDiagonal(Domain):
    """A square matrix with w_ij = w_ji and w_ii = 0: Hopfield weights."""

    scale: float = 1.0
    description = "symmetric with a zero diagonal"

    def draw(self, rng: np.random.Generator, shape: tuple[int, ...], drawn: Mapping[str, Any]) -> Any:
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError(f"a symmetric matrix needs a square shape, not {shape}")
        values = rng.normal(scale=self.scale, size=shape)
        values = np.triu(values, 1)
        return _array(values + values.T)


REAL = Real()
POSITIVE = Positive()
PLUS_MINUS_ONE = Choice((-1.0, 1.0))
BINARY = Choice((0.0, 1.0))
PROBABILITY = Interval(0.0, 1.0)

DOMAIN_TYPES: tuple[type[Domain], ...] = (Real, Positive, Interval, Integers, Choice, Below, OneHot, Simplex, SymmetricZeroDiagonal)
"""every kind of domain a question may use; a question crosses to the judge's child as plain data naming one of these"""
