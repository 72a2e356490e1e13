"""Numbers from a syntax tree: high-precision evaluation at one point.

Sampling evaluates the student's expression and the correct one at random
points with mpmath at 30 significant digits (:data:`DIGITS`). Everything is
real: a logarithm of a negative number, a square root of a negative number
or a division by zero makes the expression :class:`Undefined` at that point.
Guards keep every evaluation small: an exponential or a power whose result
would exceed ``e^100000`` is :class:`Overflowed` (never computed), so no
answer can make the grader compute a number with millions of digits (mpmath
numbers have arbitrary exponents, so anything below that limit is cheap).

Vectors and matrices are 2-D NumPy arrays of dtype object holding mpmath
numbers; ``*`` between two arrays is the matrix product, ``hadamard`` the
entrywise one, and functions act entrywise.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from grader.derivations.parser import parse_tree
from grader.derivations.question import Question
from grader.derivations.tree import Binary, Call, Diff, Indexed, Name, Negate, Node, Number, Sum, Transpose

DIGITS = 30
"""significant digits of sampled evaluation"""
LOG_LIMIT = 1e5
"""results beyond e^LOG_LIMIT (about 10^43429) in magnitude are overflows: nothing that large is computed"""
CONSTANT_LOG_LIMIT = math.log(10) * 1000
"""constants beyond 10^1000 make the answer too complex (checked while parsing)"""


class Undefined(Exception):
    """The expression has no real value at this point (log of a negative number, 1/0, ...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Overflowed(Undefined):
    """A value at this point would exceed the magnitude limit; the point is not used."""


class ConstantTooLarge(Exception):
    """A constant part of an answer exceeds 10^1000 (a denial-of-service guard)."""


class EvaluationTimedOut(Exception):
    """The evaluation ran past its deadline."""


class _NotConstant(Exception):
    pass


@dataclass
class Environment:
    """The values of one point: symbols, dimension sizes, free indices."""

    question: Question | None
    values: dict[str, Any] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    indices: dict[str, int] = field(default_factory=dict)
    deadline: float | None = None
    log_limit: float = LOG_LIMIT
    constant_only: bool = False
    _definitions: dict[str, Any] = field(default_factory=dict)

    def with_value(self, name: str, value: Any) -> "Environment":
        """A copy with one symbol changed (definitions are recomputed)."""
        values = dict(self.values)
        values[name] = value
        return Environment(self.question, values, self.sizes, dict(self.indices), self.deadline, self.log_limit)


def _mp():
    import mpmath

    return mpmath


def _too_large(env: Environment) -> Exception:
    if env.constant_only:
        return ConstantTooLarge("a constant is larger than 10^1000")
    return Overflowed("a value exceeds e^100000")


def _real(value: Any, env: Environment) -> Any:
    """Check one scalar result: real, finite and within the magnitude limit."""
    mp = _mp()
    if isinstance(value, mp.mpc):
        if value.imag != 0:
            raise Undefined("the value is not a real number")
        value = value.real
    if not isinstance(value, mp.mpf):
        value = mp.mpf(value)
    if mp.isnan(value):
        raise Undefined("the value is not a number")
    if mp.isinf(value):
        raise _too_large(env)
    # mag() is the binary exponent: a cheap test of the magnitude limit.
    if value != 0 and mp.mag(value) > env.log_limit / math.log(2) + 1:
        raise _too_large(env)
    return value


def _checked(value: Any, env: Environment) -> Any:
    if isinstance(value, np.ndarray):
        for index, entry in np.ndenumerate(value):
            value[index] = _real(entry, env)
        return value
    return _real(value, env)


# -- functions ------------------------------------------------------------------------


def _exp(x: Any, env: Environment) -> Any:
    if x > env.log_limit:
        raise _too_large(env)
    return _mp().exp(x)


def _sigma(x: Any, env: Environment) -> Any:
    mp = _mp()
    # Written so that no exponential of a large positive number is ever taken.
    if x >= 0:
        return 1 / (1 + mp.exp(-x))
    t = mp.exp(x)
    return t / (1 + t)


def _sigma_prime(x: Any, env: Environment) -> Any:
    s = _sigma(x, env)
    return s * (1 - s)


def _log(x: Any, env: Environment) -> Any:
    if x <= 0:
        raise Undefined("log of a number that is not positive")
    return _mp().log(x)


def _sqrt(x: Any, env: Environment) -> Any:
    if x < 0:
        raise Undefined("square root of a negative number")
    return _mp().sqrt(x)


def _hyperbolic(name: str):
    def apply(x: Any, env: Environment) -> Any:
        if name != "tanh" and abs(x) > env.log_limit:
            raise _too_large(env)
        return getattr(_mp(), name)(x)

    return apply


_UNARY = {
    "exp": _exp,
    "sigma": _sigma,
    "sigma'": _sigma_prime,
    "log": _log,
    "sqrt": _sqrt,
    "tanh": _hyperbolic("tanh"),
    "cosh": _hyperbolic("cosh"),
    "sinh": _hyperbolic("sinh"),
    "abs": lambda x, env: abs(x),
    "relu": lambda x, env: x if x > 0 else x * 0,
}


def _power(a: Any, b: Any, env: Environment) -> Any:
    mp = _mp()
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        raise Undefined("powers of vectors and matrices are not defined")
    integer = b == mp.floor(b)
    if a == 0:
        if b > 0:
            return mp.mpf(0)
        raise Undefined("0 to a power that is not positive")
    if a < 0 and not integer:
        raise Undefined("a negative number to a fractional power")
    if b * mp.log(abs(a)) > env.log_limit:
        raise _too_large(env)
    if integer and abs(b) <= 10_000:
        return mp.mpf(a) ** int(b)
    return mp.power(a, b)


def _elementwise(function: Any, value: Any, env: Environment) -> Any:
    if isinstance(value, np.ndarray):
        out = np.empty(value.shape, dtype=object)
        for index, entry in np.ndenumerate(value):
            out[index] = function(entry, env)
        return out
    return function(value, env)


def _product(a: Any, b: Any) -> Any:
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        result = np.dot(a, b)
        return result[0, 0] if result.shape == (1, 1) else result
    if isinstance(a, np.ndarray):
        return a * b
    if isinstance(b, np.ndarray):
        return b * a
    return a * b


# -- evaluation -----------------------------------------------------------------------


def _number(value: Fraction) -> Any:
    mp = _mp()
    return mp.mpf(value.numerator) / mp.mpf(value.denominator)


def evaluate(tree: Node, env: Environment) -> Any:
    """The value of ``tree`` in ``env`` (at the current mpmath precision)."""
    if env.deadline is not None and time.monotonic() > env.deadline:
        raise EvaluationTimedOut("the evaluation ran past its time limit")
    mp = _mp()
    if isinstance(tree, Number):
        return _number(tree.value)
    if isinstance(tree, Name):
        return _name(tree.name, env)
    if isinstance(tree, Indexed):
        if env.constant_only:
            raise _NotConstant()
        array = env.values[tree.base]
        positions = [env.indices[i] for i in tree.indices]
        return array[positions[0], positions[1] if len(positions) > 1 else 0]
    if isinstance(tree, Negate):
        return -evaluate(tree.operand, env)
    if isinstance(tree, Transpose):
        value = evaluate(tree.operand, env)
        return value.T if isinstance(value, np.ndarray) else value
    if isinstance(tree, Call):
        args = [evaluate(arg, env) for arg in tree.args]
        name = tree.function
        if name == "transpose":
            return args[0].T if isinstance(args[0], np.ndarray) else args[0]
        if name == "hadamard":
            return _checked(args[0] * args[1], env)
        if name in ("max", "min"):
            pick = max if name == "max" else min
            a, b = args
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                a_, b_ = np.broadcast_arrays(np.asarray(a, dtype=object), np.asarray(b, dtype=object))
                out = np.empty(a_.shape, dtype=object)
                for index in np.ndindex(a_.shape):
                    out[index] = pick(a_[index], b_[index])
                return out
            return pick(a, b)
        return _checked(_elementwise(_UNARY[name], args[0], env), env)
    if isinstance(tree, Binary):
        a = evaluate(tree.left, env)
        b = evaluate(tree.right, env)
        op = tree.op
        try:
            if op == "+":
                result = a + b
            elif op == "-":
                result = a - b
            elif op == "*":
                result = _product(a, b)
            elif op == "/":
                if b == 0:
                    raise Undefined("division by zero")
                result = a / b
            elif op == "hadamard":
                result = a * b
            else:
                result = _power(a, b, env)
        except ZeroDivisionError:
            raise Undefined("division by zero") from None
        return _checked(result, env)
    if isinstance(tree, Sum):
        if env.constant_only:
            raise _NotConstant()
        assert env.question is not None
        index = env.question.index(tree.index)
        assert index is not None
        excluded = env.indices.get(tree.exclude) if tree.exclude is not None else None
        saved = env.indices.get(tree.index)
        total = mp.mpf(0)
        try:
            for value in range(env.sizes[index.dimension]):
                if value == excluded:
                    continue
                env.indices[tree.index] = value
                total += evaluate(tree.body, env)
        finally:
            if saved is None:
                env.indices.pop(tree.index, None)
            else:
                env.indices[tree.index] = saved
        return _checked(total, env)
    if isinstance(tree, Diff):
        if env.constant_only:
            raise _NotConstant()
        point = env.values[tree.variable]

        def along(t: Any) -> Any:
            return evaluate(tree.body, env.with_value(tree.variable, t))

        return _checked(mp.diff(along, point), env)
    raise TypeError(f"unknown node {type(tree).__name__}")


def _name(name: str, env: Environment) -> Any:
    mp = _mp()
    question = env.question
    if question is not None and question.symbol(name) is not None:
        if env.constant_only:
            raise _NotConstant()
        return env.values[name]
    if question is not None and question.definition(name) is not None:
        if env.constant_only:
            raise _NotConstant()
        if name not in env._definitions:
            definition = question.definition(name)
            assert definition is not None
            env._definitions[name] = evaluate(parse_tree(definition.expression, question), env)
        return env._definitions[name]
    if name == "pi":
        return +mp.pi
    if name == "e":
        return mp.e + 0
    if env.constant_only:
        raise _NotConstant()
    raise KeyError(name)


def constant_value(tree: Node) -> float | None:
    """The value of a sub-expression without names (for the parser's guards), or None.

    None when the tree mentions a symbol or is undefined (the guard has
    nothing to say then); :class:`ConstantTooLarge` when it exceeds 10^1000.
    """
    mp = _mp()
    env = Environment(None, log_limit=CONSTANT_LOG_LIMIT, constant_only=True)
    with mp.workdps(20):
        try:
            value = evaluate(tree, env)
        except (_NotConstant, Undefined, KeyError):
            return None
        if isinstance(value, np.ndarray):
            return None
        return float(value) if abs(value) < 1e300 else math.inf
