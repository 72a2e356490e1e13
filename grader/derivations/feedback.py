"""What is wrong with a wrong answer: known mistakes first, then generic diagnoses.

A question declares its known mistakes (:class:`KnownMistake`), and the
reference code the wrong answer each stands for (:class:`WrongAnswer`, which
the judge gets with the correct answer): an answer equivalent to one of them,
however it is written, is named with the mistake's hint. When none matches, generic diagnoses are tried, all by
evaluating at the sampled points:

- **sign error**: the answer is minus the correct one;
- **constant factor**: the answer is c times the correct one;
- **additive constant**: the answer is the correct one plus c;
- **transposed**: the answer is the transpose of the correct matrix;
- **swapped variables**: exchanging two names in the answer gives the correct one;
- **missing variable**: the correct answer changes with a name, the answer does not;
- **extra variable**: the answer changes with a name the correct answer does not depend on.

Each :class:`Diagnosis` has a public message (which may show the constant)
and a hidden-check message (which shows no values).

:func:`diagnose` works with the correct expression; :func:`diagnose_at_samples`
with a :class:`~grader.derivations.sampled.SampledTarget` (recorded public
checks), which knows the correct answer and the known wrong answers only by
their values at its points (and a wrong answer that cannot be read by a
fingerprint of the error reading it gives). Every diagnosis above is made
from values, so both make all of them: the transpose and the
swapped names are tried on the student's answer and compared with the
recorded values, and the dependence on each name uses the values the
recording keeps with one symbol drawn again. A step-by-step answer is also
matched against the recorded wrong derivations
(:func:`wrong_derivations`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any, Callable, Sequence

import numpy as np

from grader.derivations.equivalence import Point, Verdict, agree_on, close, draw_point, format_number, redraw, same_shape, value_at
from grader.derivations.errors import AnswerRejected, rejection_fingerprint
from grader.derivations.evaluate import Undefined
from grader.derivations.expression import Expression, parse_answer
from grader.derivations.sampled import SampledTarget
from grader.derivations.question import KnownMistake, Question, Symbol, WrongAnswer
from grader.derivations.shapes import Shape, describe
from grader.derivations.tree import Node, Transpose


#: For one symbol: pairs of points (before, after) that differ only in that symbol, and whether the
#: correct answer changes between them.
Redraws = Callable[[Symbol], tuple[list[tuple[Point, Point]], bool]]


@dataclass(frozen=True)
class Diagnosis:
    name: str
    message: str
    hidden_message: str
    credit: float = 0.0
    known: bool = False


@lru_cache(maxsize=1024)
def _mistake_expression(question: Question, answer: str) -> Expression:
    return parse_answer(answer, question)


def _points(question: Question, verdict: Verdict | None, rng: np.random.Generator, count: int = 8) -> list[Point]:
    """The verdict's sample points, or fresh ones (a shape mismatch is decided without points)."""
    if verdict is not None and len(verdict.samples) >= count:
        return [sample.point for sample in verdict.samples]
    return [draw_point(question, rng) for _ in range(count * 2)]


def _values(tree: Node, question: Question, points: list[Point]) -> list[Any]:
    values = []
    for point in points:
        try:
            values.append(value_at(tree, point, question))
        except Undefined:
            values.append(None)
    return values


def known_mistakes(answer: Expression, wrong: Sequence[WrongAnswer], points: list[Point]) -> list[Diagnosis]:
    """The known wrong answers that ``answer`` is equivalent to (on the sample points)."""
    question = answer.question
    found = []
    for entry in wrong:
        try:
            expression = _mistake_expression(question, entry.text)
        except AnswerRejected:
            continue  # a mistake that cannot be read is matched by its error (see rejected_mistakes)
        if not same_shape(expression.shape, answer.shape):
            continue
        if agree_on(answer.tree, expression.tree, question, points):
            found.append(_known(entry.mistake))
    return found


def rejected_mistakes(error: AnswerRejected, question: Question, wrong: Sequence[WrongAnswer]) -> list[Diagnosis]:
    """Known wrong answers that are rejected while reading with the same error as the answer.

    BP2 without its transpose is not an expression at all (the shapes do not
    fit); a student's answer rejected with the same message is that mistake.
    """
    found = []
    for entry in wrong:
        try:
            _mistake_expression(question, entry.text)
        except AnswerRejected as theirs:
            if rejection_fingerprint(theirs) == rejection_fingerprint(error):
                found.append(_known(entry.mistake))
    return found


def _known(mistake: KnownMistake) -> Diagnosis:
    message = f"This is a known mistake, '{mistake.name}': {mistake.hint}"
    return Diagnosis(mistake.name, message, message, credit=mistake.credit, known=True)


def _nice(c: Any) -> str:
    """2.0 -> '2', 0.5 -> '1/2', 0.7071 -> '0.707107'; a number past a float's range as format_number shows it."""
    try:
        number = float(c)
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        return format_number(c)
    if not math.isfinite(number):
        return format_number(c)
    c = number
    fraction = Fraction(c).limit_denominator(12)
    if abs(float(fraction) - c) <= 1e-9 * max(1.0, abs(c)):
        return str(fraction)
    return f"{c:.6g}"


def generic(answer: Expression, expected: Expression, question: Question, points: list[Point], rng: np.random.Generator) -> list[Diagnosis]:
    """Generic diagnoses of a wrong answer with the right shape."""
    want = _values(expected.tree, question, points)

    def redraws(symbol: Symbol) -> tuple[list[tuple[Point, Point]], bool]:
        pairs = [(point, redraw(point, question, symbol.name, rng)) for point in points[:4]]
        return pairs, _changes(expected.tree, question, pairs)

    return generic_from_values(answer, question, points, want, redraws)


def generic_from_values(
    answer: Expression, question: Question, points: list[Point], want: list[Any], redraws: Redraws
) -> list[Diagnosis]:
    """Generic diagnoses of a wrong answer with the right shape, from the correct answer's values.

    ``want`` holds the correct answer's value at each point (None where it
    is undefined); ``redraws`` gives, per symbol, the points to test the
    dependence on it.
    """
    found: list[Diagnosis] = []
    credit = dict(question.generic_credit)
    got = _values(answer.tree, question, points)
    pairs = [(g, w) for g, w in zip(got, want) if g is not None and w is not None]
    if len(pairs) < 4:
        return found
    tolerance = {"rtol": 1e-9, "atol": 1e-12}
    scalar = not isinstance(pairs[0][1], np.ndarray)
    nonzero = [(g, w) for g, w in pairs if (np.any(w != 0) if not scalar else w != 0)]

    if nonzero and all(close(g, -w, **tolerance) for g, w in pairs):
        found.append(
            Diagnosis(
                "sign error",
                "Your answer is the correct one with the opposite sign: look for a lost minus sign.",
                "Your answer has the wrong sign at the points checked.",
                credit.get("sign error", 0.0),
            )
        )
        return found
    if scalar and len(nonzero) >= 4:
        ratios = [g / w for g, w in nonzero]
        c = ratios[0]
        if c != 0 and all(close(r, c, **tolerance) for r in ratios) and not close(c, 1, **tolerance):
            found.append(
                Diagnosis(
                    "constant factor",
                    f"Your answer is {_nice(c)} times the correct one: check the constant factors.",
                    "Your answer is off by a constant factor.",
                    credit.get("constant factor", 0.0),
                )
            )
            return found
    if scalar:
        differences = [g - w for g, w in pairs]
        d = differences[0]
        if all(close(x, d, **tolerance) for x in differences) and not close(d, 0, **tolerance):
            found.append(
                Diagnosis(
                    "additive constant",
                    f"Your answer is the correct one plus {_nice(d)}: check the constant terms.",
                    "Your answer is off by an additive constant.",
                    credit.get("additive constant", 0.0),
                )
            )
            return found

    swapped = _swapped_variables(answer, question, points, want)
    if swapped:
        a, b = swapped
        found.append(
            Diagnosis(
                "swapped variables",
                f"Your answer becomes correct if {a} and {b} are exchanged: check which is which.",
                f"Your answer becomes correct if {a} and {b} are exchanged.",
                credit.get("swapped variables", 0.0),
            )
        )
        return found
    found.extend(_dependence(answer, question, redraws, credit))
    return found


def _swapped_variables(answer: Expression, question: Question, points: list[Point], want: list[Any]) -> tuple[str, str] | None:
    symbols = question.symbols
    for i, a in enumerate(symbols):
        for b in symbols[i + 1 :]:
            if a.shape != b.shape:
                continue
            swapped_points = []
            for point in points:
                values = dict(point.values)
                values[a.name], values[b.name] = point.values[b.name], point.values[a.name]
                swapped_points.append(Point(values, point.sizes, point.indices))
            agreed = 0
            for swapped, y in zip(swapped_points, want):
                try:
                    x = value_at(answer.tree, swapped, question)
                except Undefined:
                    continue
                if y is None:
                    continue
                if not close(x, y, rtol=1e-9, atol=1e-12):
                    agreed = -1
                    break
                agreed += 1
            if agreed >= 4:
                # Only a real swap: the answer itself must differ from the correct one.
                return a.name, b.name
    return None


def _changes(tree: Node, question: Question, pairs: list[tuple[Point, Point]]) -> bool:
    for before, after in pairs:
        try:
            x = value_at(tree, before, question)
            y = value_at(tree, after, question)
        except Undefined:
            continue
        if not close(x, y, rtol=1e-9, atol=1e-12):
            return True
    return False


def _dependence(answer: Expression, question: Question, redraws: Redraws, credit: dict[str, float]) -> list[Diagnosis]:
    found = []
    for symbol in question.symbols:
        pairs, expected_changes = redraws(symbol)
        answer_changes = _changes(answer.tree, question, pairs)
        if expected_changes and not answer_changes:
            found.append(
                Diagnosis(
                    "missing variable",
                    f"Your answer does not depend on {symbol.name}, but the correct one does.",
                    f"Your answer does not depend on {symbol.name}, but the correct one does.",
                    credit.get("missing variable", 0.0),
                )
            )
        elif answer_changes and not expected_changes:
            found.append(
                Diagnosis(
                    "extra variable",
                    f"Your answer depends on {symbol.name}, but the correct one does not.",
                    f"Your answer depends on {symbol.name}, but the correct one does not.",
                    credit.get("extra variable", 0.0),
                )
            )
    return found


def shape_diagnosis(answer: Expression, expected: Expression, question: Question, rng: np.random.Generator) -> list[Diagnosis]:
    """A wrong shape: a transposed matrix, or simply the wrong kind of object."""

    def transposed_is_correct() -> bool:
        points = [draw_point(question, rng) for _ in range(8)]
        return agree_on(Transpose(answer.tree), expected.tree, question, points)

    return _shape_diagnoses(answer.shape, expected.shape, question, transposed_is_correct)


def _shape_diagnoses(
    got_shape: Shape, exp_shape: Shape, question: Question, transposed_is_correct: Callable[[], bool]
) -> list[Diagnosis]:
    credit = dict(question.generic_credit)
    if exp_shape and got_shape and (got_shape[1], got_shape[0]) == exp_shape:
        if transposed_is_correct():
            return [
                Diagnosis(
                    "transposed",
                    f"Your answer is the transpose of the correct one: it is {describe(got_shape)}, "
                    f"the answer is {describe(exp_shape)}.",
                    "Your answer is the transpose of the correct one.",
                    credit.get("transposed", 0.0),
                )
            ]
    return [
        Diagnosis(
            "wrong shape",
            f"Your answer is {describe(got_shape)}, but the correct one is {describe(exp_shape)}.",
            f"Your answer is {describe(got_shape)}, which is not the shape of the correct answer.",
        )
    ]


def diagnose(
    answer: Expression,
    expected: Expression,
    verdict: Verdict | None,
    rng: np.random.Generator,
    wrong: Sequence[WrongAnswer] = (),
) -> list[Diagnosis]:
    """The known wrong answers (of ``wrong``) that ``answer`` matches; if none, generic diagnoses."""
    question = expected.question
    points = _points(question, verdict, rng)
    known = known_mistakes(answer, wrong, points)
    if known:
        return known
    if answer.shape != expected.shape:
        return shape_diagnosis(answer, expected, question, rng)
    return generic(answer, expected, question, points, rng)


# -- against recorded values --------------------------------------------------------------------


def _agrees_with_values(tree: Node, question: Question, points: Sequence[Point], want: Sequence[Any], *, minimum: int = 6) -> bool:
    """:func:`agree_on` with the other side's values given (None where it is undefined)."""
    agreed = 0
    for point, y in zip(points, want):
        if y is None:
            continue
        try:
            x = value_at(tree, point, question)
        except Undefined:
            continue
        if not close(x, y, rtol=question.rtol, atol=question.atol):
            return False
        agreed += 1
    return agreed >= min(minimum, len(points)) and agreed > 0


def _recorded_redraws(target: SampledTarget) -> Redraws:
    def redraws(symbol: Symbol) -> tuple[list[tuple[Point, Point]], bool]:
        entries = [entry for entry in target.redrawn if entry.symbol == symbol.name]
        pairs = [(target.points[entry.base], entry.point) for entry in entries]
        changes = any(
            entry.value is not None and not close(target.values[entry.base], entry.value, rtol=1e-9, atol=1e-12)
            for entry in entries
        )
        return pairs, changes

    return redraws


def diagnose_at_samples(answer: Expression, target: SampledTarget) -> list[Diagnosis]:
    """:func:`diagnose` against a sampled target: known mistakes that ``answer`` matches; if none, generic ones."""
    question = target.question
    points, want = list(target.points), list(target.values)
    known = [
        _known(target.known_mistake(wrong.name))
        for wrong in target.mistakes
        if not wrong.rejection
        and same_shape(answer.shape, wrong.shape)
        and _agrees_with_values(answer.tree, question, points, wrong.values)
    ]
    if known:
        return known
    if answer.shape != target.shape:
        return _shape_diagnoses(
            answer.shape,
            target.shape,
            question,
            lambda: _agrees_with_values(Transpose(answer.tree), question, points, want),
        )
    return generic_from_values(answer, question, points, want, _recorded_redraws(target))


def rejected_at_samples(error: AnswerRejected, target: SampledTarget) -> list[Diagnosis]:
    """:func:`rejected_mistakes` against a sampled target: the recorded wrong answers read with the same error."""
    fingerprint = rejection_fingerprint(error)
    return [_known(target.known_mistake(wrong.name)) for wrong in target.mistakes if wrong.rejection == fingerprint]


def wrong_derivations(steps: Sequence[Expression], target: SampledTarget) -> list[Diagnosis]:
    """The recorded wrong derivations that ``steps`` follow: as many steps, each with the same values."""
    found = []
    for wrong in target.derivations:
        if len(wrong.steps) != len(steps):
            continue
        if all(
            _agrees_with_values(step.tree, target.question, target.points, values)
            for step, values in zip(steps, wrong.steps)
        ):
            message = f"This is a known mistake, '{wrong.name}': {wrong.hint}"
            found.append(Diagnosis(wrong.name, message, message, known=True))
    return found
