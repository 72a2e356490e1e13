"""Is the student's expression the correct one? Proof first, then sampling.

:func:`decide` answers with a :class:`Verdict`:

1. **Shapes.** Different shapes (a vector for a matrix, ``n x m`` for
   ``m x n``) are different answers, decided before any number is computed.
2. **Proof.** For scalar expressions, ``cancel`` or ``expand`` of the
   difference (sympy, under a hard time limit). A proof is final.
3. **Sampling.** Otherwise, and always when no proof was found, both
   expressions are evaluated at random points drawn from the question's
   domains, at 30 significant digits, until ``question.points`` (at least 8)
   points are valid (the correct expression is defined there). Vectors and
   matrices get random sizes per point, distinct per dimension name, so
   instances are non-square. Where the expressions use abs, relu, max or min,
   more points are drawn until each kink's argument has been seen on both
   sides. Any disagreement beyond the question's tolerance is a
   counterexample (a near miss is re-evaluated at 60 digits first).
4. **Tie-breaker.** Only when too few valid points could be drawn: sympy's
   ``simplify`` and ``equals`` under a time limit. If they cannot settle it
   either, the verdict is *undecided*, never *different*.
"""

from __future__ import annotations

import enum
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.derivations.evaluate import DIGITS, Environment, EvaluationTimedOut, Overflowed, Undefined, evaluate
from grader.derivations.expression import Expression
from grader.derivations.question import Example, Question
from grader.derivations.shapes import Shape
from grader.derivations.tree import Node, kink_arguments

MAX_DRAWS_PER_POINT = 8
"""draws allowed per required point before sampling gives up on finding valid points"""
NEAR_MISS = 1e-8
"""relative differences below this are re-checked at twice the precision"""


class Outcome(str, enum.Enum):
    EQUIVALENT = "equivalent"
    DIFFERENT = "different"
    UNDECIDED = "undecided"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Point:
    """One sample: a value per symbol, a size per dimension, a value per free index."""

    values: dict[str, Any]
    sizes: dict[str, int]
    indices: dict[str, int]

    def environment(self, question: Question, deadline: float | None = None) -> Environment:
        return Environment(question, dict(self.values), dict(self.sizes), dict(self.indices), deadline)

    def describe(self, question: Question) -> str:
        """``z = 0.548814`` or ``n = 3, n_next = 2, k = 1 (W_next, delta_next random)``."""
        parts = [f"{name} = {size}" for name, size in self.sizes.items()]
        parts += [f"{name} = {value + 1} (counting from 1)" for name, value in self.indices.items()]
        arrays = []
        for symbol in question.symbols:
            value = self.values[symbol.name]
            if isinstance(value, np.ndarray):
                arrays.append(symbol.name)
            else:
                parts.append(f"{symbol.name} = {format_number(value)}")
        text = ", ".join(parts)
        if arrays:
            text += f" and random {', '.join(arrays)}"
        return text


@dataclass(frozen=True)
class Sample:
    """A point where the correct expression is defined, and what the answer gave there."""

    point: Point
    expected: Any
    got: Any = None
    got_undefined: str | None = None
    """why the answer has no value here (log of a negative number, ...), if it has none"""


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    method: str
    """"shape", "proof", "sampling" or "simplify\""""
    samples: tuple[Sample, ...] = ()
    counterexample: Sample | None = None
    note: str = ""

    @property
    def equivalent(self) -> bool:
        return self.outcome is Outcome.EQUIVALENT


def format_number(value: Any) -> str:
    """A sampled number for messages: 6 significant digits, whatever the number.

    A student's answer can evaluate to anything sympy can hold -- ``exp(1000)``,
    ``10^400``, an infinity, nan, a complex number, a rational with a thousand
    digits -- so every form has a text, and none raises.
    """
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        return _format_exact(value)
    if math.isnan(number):
        return "nan (not a number)"
    if math.isinf(number):
        # sympy's own numbers past a float's range land here too: say how large they are.
        exact = _format_exact(value)
        return exact if exact not in ("inf", "-inf", "oo", "-oo", "zoo") else ("infinity" if number > 0 else "-infinity")
    if number.is_integer() and abs(number) < 1e6:
        return str(int(number))
    return f"{number:.6g}"


def _format_exact(value: Any) -> str:
    """A number too large, too small or too complex for a float, in 6 significant digits (sympy's own)."""
    try:
        import sympy

        if isinstance(value, int):
            value = sympy.Integer(value)
        if not isinstance(value, sympy.Basic):
            return "a value that cannot be shown as a number"
        text = str(sympy.N(value, 6))
    except Exception:  # noqa: BLE001 - a value sympy cannot print still gets a message
        return "a value that cannot be shown as a number"
    if text == "zoo":
        return "complex infinity (a division by zero)"
    return text if len(text) <= 60 else text[:57] + "..."


# -- drawing points -------------------------------------------------------------------------


def draw_point(question: Question, rng: np.random.Generator) -> Point:
    """A random point of the question's domains; distinct dimension names get distinct sizes."""
    sizes: dict[str, int] = {}
    for dimension in question.dimensions:
        size = int(rng.integers(dimension.lo, dimension.hi + 1))
        for _ in range(10):
            if size not in sizes.values():
                break
            size = int(rng.integers(dimension.lo, dimension.hi + 1))
        sizes[dimension.name] = size
    indices = {
        index.name: int(rng.integers(0, sizes[index.dimension])) for index in question.indices if not index.summation
    }
    values: dict[str, Any] = {}
    for symbol in question.symbols:
        shape = tuple(sizes[d] for d in symbol.shape)
        if len(shape) == 1:
            shape = (shape[0], 1)
        values[symbol.name] = symbol.domain.draw(rng, shape, values)
    return Point(values, sizes, indices)


def redraw(point: Point, question: Question, name: str, rng: np.random.Generator) -> Point:
    """The same point with one symbol drawn again."""
    symbol = question.symbol(name)
    assert symbol is not None
    values = dict(point.values)
    shape = tuple(point.sizes[d] for d in symbol.shape)
    if len(shape) == 1:
        shape = (shape[0], 1)
    values[name] = symbol.domain.draw(rng, shape, values)
    return Point(values, point.sizes, point.indices)


def example_point(example: Example, question: Question) -> Point:
    """The point of a worked example: values as given, sizes inferred from the arrays."""
    import mpmath

    values: dict[str, Any] = {}
    sizes: dict[str, int] = {}
    indices: dict[str, int] = {}
    for key, raw in example.values.items():
        if question.index(key) is not None:
            indices[key] = int(raw)  # type: ignore[arg-type]
            continue
        if any(d.name == key for d in question.dimensions):
            sizes[key] = int(raw)  # type: ignore[arg-type]
            continue
        symbol = question.symbol(key)
        if symbol is None:
            raise ValueError(f"{question.id}: example value for undeclared {key!r}")
        if symbol.shape:
            array = np.array(raw, dtype=float)
            if array.ndim == 1:
                array = array.reshape(-1, 1)
            for dimension, size in zip(symbol.shape, array.shape):
                sizes[dimension] = size
            values[key] = np.vectorize(lambda x: mpmath.mpf(str(x)), otypes=[object])(array)
        else:
            values[key] = mpmath.mpf(str(raw))
    return Point(values, sizes, indices)


# -- values ---------------------------------------------------------------------------------


def value_at(tree: Node, point: Point, question: Question, *, digits: int = DIGITS, deadline: float | None = None) -> Any:
    """The value of ``tree`` at ``point``; raises Undefined or Overflowed where it has none."""
    import mpmath

    if deadline is None:
        # Every evaluation has a deadline: nothing an answer contains can make it run unbounded.
        deadline = time.monotonic() + question.time_limit
    with mpmath.workdps(digits):
        return evaluate(tree, point.environment(question, deadline))


def close(a: Any, b: Any, *, rtol: float, atol: float) -> bool:
    """Whether two sampled values agree: ``|a - b| <= atol + rtol * max(|a|, |b|)`` entrywise."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        return all(close(x, y, rtol=rtol, atol=atol) for x, y in zip(a.ravel(), b.ravel()))
    return bool(abs(a - b) <= atol + rtol * max(abs(a), abs(b)))


def _magnitude(value: Any) -> float:
    if isinstance(value, np.ndarray):
        return max((float(abs(x)) for x in value.ravel()), default=0.0)
    return float(abs(value))


def relative_difference(a: Any, b: Any) -> float:
    if isinstance(a, np.ndarray):
        return max((relative_difference(x, y) for x, y in zip(a.ravel(), b.ravel())), default=0.0)
    scale = max(abs(a), abs(b))
    return float(abs(a - b) / scale) if scale else 0.0


def same_shape(a: Shape, b: Shape) -> bool:
    return a == b


# -- the decision ---------------------------------------------------------------------------


@dataclass
class _Kinks:
    """Which kink arguments have been seen on which side."""

    trees: list[Node]
    seen: list[set[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.seen = [set() for _ in self.trees]

    def record(self, point: Point, question: Question, deadline: float | None) -> None:
        for tree, seen in zip(self.trees, self.seen):
            try:
                value = value_at(tree, point, question, digits=15, deadline=deadline)
            except (Undefined, KeyError):
                continue
            if not isinstance(value, np.ndarray):
                seen.add(int(np.sign(float(value))))

    @property
    def straddled(self) -> bool:
        return all({-1, 1} <= seen for seen in self.seen)


def decide(
    answer: Expression,
    expected: Expression,
    *,
    rng: np.random.Generator,
    points: int | None = None,
    prove: bool = True,
    deadline: float | None = None,
) -> Verdict:
    """Whether ``answer`` equals ``expected`` on the question's domains (see the module docstring)."""
    question = expected.question
    if not same_shape(answer.shape, expected.shape):
        return Verdict(Outcome.DIFFERENT, "shape")
    if deadline is None:
        deadline = time.monotonic() + question.time_limit
    if prove and not question.has_arrays:
        from grader.derivations.symbolic import prove_equal

        if prove_equal(answer.tree, expected.tree, question):
            return Verdict(Outcome.EQUIVALENT, "proof")
    needed = max(points or question.points, 8)
    samples, counterexample = _sample(answer, expected, question, rng, needed, deadline)
    if counterexample is not None:
        return Verdict(Outcome.DIFFERENT, "sampling", tuple(samples), counterexample)
    if len(samples) >= needed:
        return Verdict(Outcome.EQUIVALENT, "sampling", tuple(samples))
    from grader.derivations.symbolic import tie_break

    settled = None if question.has_arrays else tie_break(answer.tree, expected.tree, question)
    note = f"only {len(samples)} of {needed} random points were valid for the correct expression"
    if settled is True:
        return Verdict(Outcome.EQUIVALENT, "simplify", tuple(samples), note=note)
    if settled is False:
        return Verdict(Outcome.DIFFERENT, "simplify", tuple(samples), note=note)
    return Verdict(Outcome.UNDECIDED, "sampling", tuple(samples), note=note)


def _sample(
    answer: Expression,
    expected: Expression,
    question: Question,
    rng: np.random.Generator,
    needed: int,
    deadline: float,
) -> tuple[list[Sample], Sample | None]:
    kinks = _Kinks(kink_arguments(answer.tree) + kink_arguments(expected.tree))
    samples: list[Sample] = []
    first_mismatch: Sample | None = None
    draws = 0
    budget = needed * MAX_DRAWS_PER_POINT
    # Random draws go on a little while a kink is unstraddled; then bisection places points around it.
    while draws < budget and (len(samples) < needed or (not kinks.straddled and draws < 2 * needed)):
        if time.monotonic() > deadline:
            raise EvaluationTimedOut("sampling ran past the time limit")
        draws += 1
        point = draw_point(question, rng)
        try:
            want = value_at(expected.tree, point, question, deadline=deadline)
        except Undefined:
            continue  # not a valid point of the question
        try:
            got = value_at(answer.tree, point, question, deadline=deadline)
        except Overflowed:
            if _magnitude(want) > 1e100:
                continue  # both enormous here: not evidence either way
            # The answer exceeds e^100000 where the correct value is moderate: a counterexample.
            sample = Sample(point, want, got_undefined="its value is larger than e^100000")
            samples.append(sample)
            first_mismatch = first_mismatch or sample
            continue
        except Undefined as exc:
            sample = Sample(point, want, got_undefined=exc.reason)
            samples.append(sample)
            first_mismatch = first_mismatch or sample
            continue
        sample = Sample(point, want, got)
        samples.append(sample)
        kinks.record(point, question, deadline)
        if not close(got, want, rtol=question.rtol, atol=question.atol):
            if relative_difference(got, want) < NEAR_MISS and _agree_at_higher_precision(answer, expected, point, deadline):
                continue
            first_mismatch = first_mismatch or sample
    if not kinks.straddled and samples:
        # Random points missed a side of some kink: find its breakpoint and sample just around it.
        for point in _around_kinks(kinks, question, samples[0].point, deadline):
            try:
                want = value_at(expected.tree, point, question, deadline=deadline)
                got = value_at(answer.tree, point, question, deadline=deadline)
            except Undefined:
                continue
            sample = Sample(point, want, got)
            samples.append(sample)
            if not close(got, want, rtol=question.rtol, atol=question.atol):
                first_mismatch = first_mismatch or sample
    return samples, first_mismatch


GRID = 33
"""values per symbol scanned for a kink's breakpoint"""
MAX_KINKS = 8
"""kinks whose breakpoints are searched (an answer with more is sampled at random only)"""


def _around_kinks(kinks: _Kinks, question: Question, base: Point, deadline: float) -> list[Point]:
    """Points just either side of each unstraddled kink's breakpoint, found by a scan and bisection.

    Each scalar symbol with a continuous domain is moved along its range
    (the others fixed at ``base``); where the kink's argument changes sign,
    bisection at 30 digits finds the breakpoint and a point is placed on each
    side of it, a millionth of the range away.
    """
    import mpmath

    found: list[Point] = []
    unstraddled = [(tree, seen) for tree, seen in zip(kinks.trees, kinks.seen) if not {-1, 1} <= seen]
    for tree, seen in unstraddled[:MAX_KINKS]:
        for symbol in question.symbols:
            span = symbol.domain.span(base.values)
            if symbol.shape or span is None:
                continue
            lo, hi = span

            def sign_at(x: Any) -> int | None:
                point = _with(base, symbol.name, x)
                try:
                    value = value_at(tree, point, question, deadline=deadline)
                except Undefined:
                    return None
                return None if isinstance(value, np.ndarray) else int(mpmath.sign(value))

            grid = [mpmath.mpf(lo) + (mpmath.mpf(hi) - mpmath.mpf(lo)) * i / (GRID - 1) for i in range(GRID)]
            signs = [sign_at(x) for x in grid]
            bracket = next(
                ((a, b) for (a, sa), (b, sb) in zip(zip(grid, signs), zip(grid[1:], signs[1:])) if sa and sb and sa != sb),
                None,
            )
            if bracket is None:
                continue
            a, b = bracket
            sign_a = sign_at(a)
            with mpmath.workdps(30):
                for _ in range(60):
                    middle = (a + b) / 2
                    sign_middle = sign_at(middle)
                    if sign_middle is None or sign_middle == 0:
                        break
                    if sign_middle == sign_a:
                        a = middle
                    else:
                        b = middle
                root = (a + b) / 2
                step = mpmath.mpf(hi - lo) * mpmath.mpf("1e-6")
            for x in (root - step, root + step):
                if lo <= x <= hi:
                    found.append(_with(base, symbol.name, x))
            break
    return found


def _with(point: Point, name: str, value: Any) -> Point:
    values = dict(point.values)
    values[name] = value
    return Point(values, point.sizes, point.indices)


def _agree_at_higher_precision(answer: Expression, expected: Expression, point: Point, deadline: float) -> bool:
    question = expected.question
    try:
        got = value_at(answer.tree, point, question, digits=2 * DIGITS, deadline=deadline)
        want = value_at(expected.tree, point, question, digits=2 * DIGITS, deadline=deadline)
    except Undefined:
        return False
    return close(got, want, rtol=question.rtol, atol=question.atol)


def agree_on(a: Node, b: Node, question: Question, samples: list[Point], *, minimum: int = 6) -> bool:
    """Whether two trees agree at every given point where both are defined (and at ``minimum`` at least)."""
    agreed = 0
    for point in samples:
        try:
            x = value_at(a, point, question)
            y = value_at(b, point, question)
        except Undefined:
            continue
        if not close(x, y, rtol=question.rtol, atol=question.atol):
            return False
        agreed += 1
    return agreed >= min(minimum, len(samples)) and agreed > 0
