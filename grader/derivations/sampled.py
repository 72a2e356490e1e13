"""A correct answer known only by its values: what a recording keeps of a derivation.

The student bundle runs the public checks from recorded data, and a recorded
expression would hand every student the answer (and the hidden checks, which
judge against the same expression). So a recording of a derivation check
keeps a :class:`SampledTarget` instead: the correct expression's values, never
the expression. :func:`sample_target` makes one at record time, from points
drawn from the question's domains with the check's public seed (the points
the reference mode samples first):

- the points, and the target's value at each (16 or more, every one a point
  where the target is defined);
- the target's value at each worked example of the question;
- the target's value at the first points with one symbol drawn again, so a
  diagnosis can tell which names the target depends on;
- each known wrong answer's value at the points (so that an answer matching
  it is still named), or, for a wrong answer that cannot be read, a
  fingerprint of the error reading it gives -- never the wrong expression,
  which may be one sign away from the right one;
- for a step-by-step question, the values of every step of each known wrong
  derivation that no single wrong answer describes (a skipped step, a slip a
  later step undoes, a result in the wrong form);
- its shape, in the question's dimension names.

Numbers of the target are strings of 30 significant digits (evaluated at 60,
so no digit shown is lost to cancellation); the points' numbers are the exact
binary floats the domains drew. The plain form (:meth:`SampledTarget.to_plain`)
names no symbol: values come in the order the question declares its
symbols, dimensions and free indices.

:func:`decide_at_samples` is :func:`~grader.derivations.equivalence.decide`
for such a target. What it cannot do, having no expression: a symbolic proof
or sympy's tie-breaker (the recorded points decide alone), new points (none
are drawn to straddle a kink of the student's answer, none bisect around it),
and a second evaluation of the target at 60 digits (a near miss re-evaluates
only the student's answer, against the recorded digits).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from grader.derivations.equivalence import (
    MAX_DRAWS_PER_POINT,
    NEAR_MISS,
    Outcome,
    Point,
    Sample,
    Verdict,
    close,
    draw_point,
    example_point,
    redraw,
    relative_difference,
    same_shape,
    value_at,
)
from grader.derivations.evaluate import DIGITS, EvaluationTimedOut, Overflowed, Undefined
from grader.derivations.expression import Expression, parse_answer
from grader.derivations.errors import AnswerRejected, rejection_fingerprint
from grader.derivations.question import Index, KnownMistake, Question, WrongAnswer
from grader.derivations.shapes import Shape
from grader.errors import InvalidDeclaration, RecordingMissing

KIND = "sampled target"
"""the marker of a sampled target's plain form"""
POINTS_PER_REQUIRED_POINT = 2
"""recorded points per point the question requires (``question.points``, at least 8)"""
DEPENDENCE_POINTS = 4
"""points at which each symbol is drawn again (the number the dependence diagnosis uses)"""
OVERFLOW_SCALE = 1e100
"""a target larger than this where the answer overflows is no evidence either way (as in sampling)"""


@dataclass(frozen=True)
class RedrawnPoint:
    """One recorded point with one symbol drawn again, and the target there."""

    base: int
    """the index of the recorded point it varies"""
    symbol: str
    point: Point
    value: Any | None
    """the target's value, or None where it is undefined"""


@dataclass(frozen=True)
class SampledDerivation:
    """A known wrong derivation, known by the values of its steps at the recorded points."""

    name: str
    hint: str
    steps: tuple[tuple[Any | None, ...], ...]
    """per step, its value at each recorded point (None where it is undefined)"""


@dataclass(frozen=True)
class SampledMistake:
    """A known wrong answer, known by its values at the recorded points, or by how reading it fails."""

    name: str
    """the name of the question's :class:`~grader.derivations.question.KnownMistake`"""
    shape: Shape = ()
    values: tuple[Any | None, ...] = ()
    """its value at each recorded point (None where it is undefined); empty for a rejected one"""
    rejection: str = ""
    """for a wrong answer that cannot be read: the fingerprint of the error reading it gives"""


@dataclass(frozen=True, eq=False)
class SampledTarget:
    """The correct answer of a question, as values at points fixed at record time."""

    question: Question
    shape: Shape
    """the target's shape in the question's dimension names: ``()``, ``("n", 1)``, ``("n", "n_prev")``"""
    points: tuple[Point, ...]
    values: tuple[Any, ...]
    """the target's value at each point (it is defined at every one)"""
    examples: tuple[Any, ...]
    """the target's value at each worked example of the question, in order"""
    redrawn: tuple[RedrawnPoint, ...] = ()
    derivations: tuple[SampledDerivation, ...] = ()
    mistakes: tuple[SampledMistake, ...] = ()

    def known_mistake(self, name: str) -> KnownMistake:
        """The question's known mistake of that name (a recorded one is always declared; see :meth:`from_plain`)."""
        mistake = self.question.mistake(name)
        if mistake is None:
            raise RecordingMissing(f"the recorded data of {self.question.id!r} names an undeclared mistake {name!r}")
        return mistake

    # -- the plain form -------------------------------------------------------------------

    def to_plain(self) -> dict[str, Any]:
        """The target as plain data (JSON-ready; see the module docstring)."""
        question = self.question
        order = [symbol.name for symbol in question.symbols]
        return {
            "kind": KIND,
            "question": question.id,
            "shape": list(self.shape),
            "points": [
                {**_point_to_plain(point, question), "target": _target_to_plain(value)}
                for point, value in zip(self.points, self.values)
            ],
            "redrawn": [
                {
                    "point": entry.base,
                    "symbol": order.index(entry.symbol),
                    "value": _number_to_plain(entry.point.values[entry.symbol]),
                    "target": None if entry.value is None else _target_to_plain(entry.value),
                }
                for entry in self.redrawn
            ],
            "examples": [_target_to_plain(value) for value in self.examples],
            "derivations": [
                {
                    "name": wrong.name,
                    "hint": wrong.hint,
                    "steps": [[None if v is None else _target_to_plain(v) for v in step] for step in wrong.steps],
                }
                for wrong in self.derivations
            ],
            "mistakes": [
                {"name": wrong.name, "rejected": wrong.rejection}
                if wrong.rejection
                else {
                    "name": wrong.name,
                    "shape": list(wrong.shape),
                    "values": [None if v is None else _target_to_plain(v) for v in wrong.values],
                }
                for wrong in self.mistakes
            ],
        }

    @classmethod
    def from_plain(cls, data: Any, question: Question) -> "SampledTarget":
        """The target of :meth:`to_plain`'s output; :class:`RecordingMissing` if it is not one of ``question``."""
        where = f"the recorded data of the derivation question {question.id!r}"
        if not is_sampled_target(data):
            raise RecordingMissing(f"{where} is not a sampled target (an older recording?); record the public checks again")
        try:
            if data["question"] != question.id:
                raise ValueError(f"it was recorded for the question {data['question']!r}")
            points = tuple(_point_from_plain(entry, question) for entry in data["points"])
            values = tuple(_target_from_plain(entry["target"]) for entry in data["points"])
            examples = tuple(_target_from_plain(value) for value in data["examples"])
            if len(examples) != len(question.examples):
                raise ValueError(f"it has {len(examples)} worked examples, the question {len(question.examples)}")
            redrawn = []
            for entry in data["redrawn"]:
                number = _position(entry["point"], len(points))
                base = points[number]
                symbol = question.symbols[_position(entry["symbol"], len(question.symbols))].name
                values_there = dict(base.values)
                values_there[symbol] = _number_from_plain(entry["value"])
                target = entry["target"]
                redrawn.append(
                    RedrawnPoint(
                        number,
                        symbol,
                        Point(values_there, base.sizes, base.indices),
                        None if target is None else _target_from_plain(target),
                    )
                )
            derivations = tuple(
                SampledDerivation(
                    str(wrong["name"]),
                    str(wrong["hint"]),
                    tuple(
                        tuple(None if v is None else _target_from_plain(v) for v in step) for step in wrong["steps"]
                    ),
                )
                for wrong in data["derivations"]
            )
            if any(len(step) != len(points) for wrong in derivations for step in wrong.steps):
                raise ValueError("a wrong derivation has values at other points than the target")
            mistakes = tuple(_mistake_from_plain(entry, question, len(points)) for entry in data["mistakes"])
            shape = tuple(data["shape"])
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise RecordingMissing(f"{where} is not readable ({exc}); record the public checks again") from None
        return cls(question, shape, points, values, examples, tuple(redrawn), derivations, mistakes)


def _mistake_from_plain(data: Mapping[str, Any], question: Question, count: int) -> SampledMistake:
    name = str(data["name"])
    if question.mistake(name) is None:
        raise ValueError(f"it names the mistake {name!r}, which the question does not declare")
    if "rejected" in data:
        return SampledMistake(name, rejection=str(data["rejected"]))
    values = tuple(None if v is None else _target_from_plain(v) for v in data["values"])
    if len(values) != count:
        raise ValueError(f"the mistake {name!r} has values at other points than the target")
    return SampledMistake(name, tuple(data["shape"]), values)


def is_sampled_target(value: Any) -> bool:
    """Whether ``value`` is the plain form of a sampled target (what recorded derivation checks get)."""
    return isinstance(value, Mapping) and value.get("kind") == KIND


# -- recording ----------------------------------------------------------------------------------


def recorded_point_count(question: Question) -> int:
    """How many points a sampled target of ``question`` holds."""
    return POINTS_PER_REQUIRED_POINT * max(question.points, 8)


def sample_target(
    question: Question,
    expected_text: str,
    *,
    seed: int,
    wrong_answers: Sequence[WrongAnswer] = (),
    wrong_derivations: Sequence[tuple[str, str, Sequence[Expression]]] = (),
) -> SampledTarget:
    """The sampled target of the correct answer ``expected_text`` (record time; see the module docstring).

    Points are drawn with ``numpy.random.default_rng(seed)`` exactly as
    sampling draws them, and kept where the target is defined.
    ``wrong_answers`` are the question's known wrong answers and
    ``wrong_derivations`` (name, hint, steps) its known wrong derivations, all
    recorded by their values. Raises
    :class:`~grader.errors.InvalidDeclaration` when too few points of the
    domains are valid for the target (narrow the domains).
    """
    import mpmath

    expected = parse_answer(expected_text, question)
    rng = np.random.default_rng(seed)
    wanted = recorded_point_count(question)
    points: list[Point] = []
    values: list[Any] = []
    draws = 0
    # Points are drawn at double precision, so every recorded number is an exact binary float.
    with mpmath.workprec(53):
        while len(points) < wanted and draws < wanted * MAX_DRAWS_PER_POINT:
            draws += 1
            point = draw_point(question, rng)
            try:
                value = _precise_value(expected, point)
            except Undefined:
                continue  # not a valid point of the question
            points.append(point)
            values.append(value)
        if len(points) < wanted:
            raise InvalidDeclaration(
                f"derivation question {question.id!r}: only {len(points)} of {wanted} random points are valid "
                f"for the correct answer; narrow the domains"
            )
        redrawn = []
        for symbol in question.symbols:
            for base in range(DEPENDENCE_POINTS):
                point = redraw(points[base], question, symbol.name, rng)
                try:
                    value = _precise_value(expected, point)
                except Undefined:
                    value = None
                redrawn.append(RedrawnPoint(base, symbol.name, point, value))
    examples = tuple(_precise_value(expected, example_point(example, question)) for example in question.examples)
    derivations = tuple(
        SampledDerivation(name, hint, tuple(tuple(_value_or_none(step, point) for point in points) for step in steps))
        for name, hint, steps in wrong_derivations
    )
    mistakes = tuple(_sampled_mistake(wrong, question, points) for wrong in wrong_answers)
    return SampledTarget(
        question, expected.shape, tuple(points), tuple(values), examples, tuple(redrawn), derivations, mistakes
    )


def _sampled_mistake(wrong: WrongAnswer, question: Question, points: Sequence[Point]) -> SampledMistake:
    if question.mistake(wrong.mistake.name) is None:
        raise InvalidDeclaration(f"derivation question {question.id!r} does not declare the mistake {wrong.mistake.name!r}")
    try:
        expression = parse_answer(wrong.text, question)
    except AnswerRejected as error:
        return SampledMistake(wrong.mistake.name, rejection=rejection_fingerprint(error))
    at_points = tuple(_value_or_none(expression, point) for point in points)
    return SampledMistake(wrong.mistake.name, expression.shape, at_points)


def _precise_value(expression: Expression, point: Point) -> Any:
    """The value at twice the sampling precision, so that the 30 digits recorded are all correct."""
    return value_at(expression.tree, point, expression.question, digits=2 * DIGITS)


def _value_or_none(expression: Expression, point: Point) -> Any | None:
    try:
        return _precise_value(expression, point)
    except Undefined:
        return None


# -- judging ----------------------------------------------------------------------------------


def decide_at_samples(
    answer: Expression,
    target: SampledTarget,
    *,
    points: int | None = None,
    deadline: float | None = None,
) -> Verdict:
    """Whether ``answer`` equals the sampled target: its value at every recorded point (sampling only).

    As in :func:`~grader.derivations.equivalence.decide`: a different shape
    is a different answer; a point where the answer is undefined, or
    overflows while the target is moderate, is a counterexample; a near miss
    is re-evaluated (the answer only) at 60 digits. At least ``points`` (the
    question's number by default) recorded points must be usable, else the
    verdict is undecided.
    """
    question = target.question
    if not same_shape(answer.shape, target.shape):
        return Verdict(Outcome.DIFFERENT, "shape")
    if deadline is None:
        deadline = time.monotonic() + question.time_limit
    needed = max(points or question.points, 8)
    samples: list[Sample] = []
    counterexample: Sample | None = None
    for point, want in zip(target.points, target.values):
        if time.monotonic() > deadline:
            raise EvaluationTimedOut("sampling ran past the time limit")
        try:
            got = value_at(answer.tree, point, question, deadline=deadline)
        except Overflowed:
            if _magnitude(want) > OVERFLOW_SCALE:
                continue  # both enormous here: not evidence either way
            sample = Sample(point, want, got_undefined="its value is larger than e^100000")
            samples.append(sample)
            counterexample = counterexample or sample
            continue
        except Undefined as exc:
            sample = Sample(point, want, got_undefined=exc.reason)
            samples.append(sample)
            counterexample = counterexample or sample
            continue
        sample = Sample(point, want, got)
        samples.append(sample)
        if not close(got, want, rtol=question.rtol, atol=question.atol):
            if relative_difference(got, want) < NEAR_MISS and _agrees_at_higher_precision(answer, point, want, deadline):
                continue
            counterexample = counterexample or sample
    if counterexample is not None:
        return Verdict(Outcome.DIFFERENT, "sampling", tuple(samples), counterexample)
    if len(samples) >= needed:
        return Verdict(Outcome.EQUIVALENT, "sampling", tuple(samples))
    note = f"only {len(samples)} of the {needed} recorded points needed could be used"
    return Verdict(Outcome.UNDECIDED, "sampling", tuple(samples), note=note)


def _agrees_at_higher_precision(answer: Expression, point: Point, want: Any, deadline: float) -> bool:
    question = answer.question
    try:
        got = value_at(answer.tree, point, question, digits=2 * DIGITS, deadline=deadline)
    except Undefined:
        return False
    return close(got, want, rtol=question.rtol, atol=question.atol)


def _magnitude(value: Any) -> float:
    if isinstance(value, np.ndarray):
        return max((float(abs(x)) for x in value.ravel()), default=0.0)
    return float(abs(value))


# -- numbers in plain data ------------------------------------------------------------------------


def _number_to_plain(value: Any) -> Any:
    """A point's number (scalar or array): the exact binary float, as the shortest text that reads back as it."""
    if isinstance(value, np.ndarray):
        return [[_number_to_plain(x) for x in row] for row in value]
    number = float(value)
    if value != number:
        raise InvalidDeclaration(f"a sampled point holds {value}, which is not a binary float; draw points at double precision")
    return repr(number)


def _number_from_plain(data: Any) -> Any:
    import mpmath

    if isinstance(data, list):
        return _array([[_number_from_plain(x) for x in row] for row in data])
    number = float(data)
    if not math.isfinite(number):
        raise ValueError(f"a recorded point holds {data!r}")
    return mpmath.mpf(number)


def _target_to_plain(value: Any) -> Any:
    """A value of the target: 30 significant digits as text (entrywise for arrays)."""
    import mpmath

    if isinstance(value, np.ndarray):
        return [[_target_to_plain(x) for x in row] for row in value]
    return mpmath.nstr(value, DIGITS)


def _target_from_plain(data: Any) -> Any:
    import mpmath

    if isinstance(data, list):
        return _array([[_target_from_plain(x) for x in row] for row in data])
    if not isinstance(data, str):
        raise ValueError(f"a recorded value is a {type(data).__name__}, not text")
    with mpmath.workdps(DIGITS):
        value = mpmath.mpf(data)
    if not mpmath.isfinite(value):
        raise ValueError(f"a recorded value is {data!r}")
    return value


def _array(rows: list[list[Any]]) -> np.ndarray:
    if not rows or not all(isinstance(row, list) and len(row) == len(rows[0]) for row in rows) or not rows[0]:
        raise ValueError("a recorded array is not a non-empty matrix")
    out = np.empty((len(rows), len(rows[0])), dtype=object)
    for i, row in enumerate(rows):
        for j, entry in enumerate(row):
            out[i, j] = entry
    return out


def _point_to_plain(point: Point, question: Question) -> dict[str, Any]:
    return {
        "sizes": [point.sizes[dimension.name] for dimension in question.dimensions],
        "indices": [point.indices[index.name] for index in _free_indices(question)],
        "values": [_number_to_plain(point.values[symbol.name]) for symbol in question.symbols],
    }


def _point_from_plain(data: Mapping[str, Any], question: Question) -> Point:
    sizes = [int(size) for size in data["sizes"]]
    indices = [int(index) for index in data["indices"]]
    values = list(data["values"])
    free = _free_indices(question)
    if len(sizes) != len(question.dimensions) or len(indices) != len(free) or len(values) != len(question.symbols):
        raise ValueError("a recorded point does not fit the question's symbols, dimensions and indices")
    sized = {dimension.name: size for dimension, size in zip(question.dimensions, sizes)}
    point_values = {}
    for symbol, value in zip(question.symbols, values):
        number = _number_from_plain(value)
        expected = tuple(sized[d] for d in symbol.shape)
        if len(expected) == 1:
            expected = (expected[0], 1)
        if (number.shape if isinstance(number, np.ndarray) else ()) != expected:
            raise ValueError(f"a recorded value of {symbol.name} does not have the point's sizes")
        point_values[symbol.name] = number
    return Point(point_values, sized, {index.name: value for index, value in zip(free, indices)})


def _position(data: Any, length: int) -> int:
    position = int(data)
    if not 0 <= position < length:
        raise ValueError(f"a recorded position {position} is outside 0..{length - 1}")
    return position


def _free_indices(question: Question) -> list[Index]:
    return [index for index in question.indices if not index.summation]
