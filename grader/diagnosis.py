"""Naming the known mistake behind a wrong answer, only on evidence that separates it.

Each exercise declares its known mistakes as variants of the reference
(:class:`grader.declarations.Mistake`). A check run with a variant in the
student's place leaves a :class:`MistakeTrace`: the inputs of each call and
what came back, and for each answer which plain answers it is alike (the
right one, and the exercise's degenerate answers: zeros, a constant, the
input echoed...), or that the variant answers the whole check as the
reference does and so passes it.

A student's answers to one check match a mistake when every call the
student's code answered has the same inputs and, within the tolerance of the
student's answer, the same answer in the mistake's trace, or raised the same
exception with the same message (a missing transpose crashes on non-square
layers in the same way every time).

A mistake is named only when the evidence separates it from the other
explanations (:func:`diagnose_exercise`):

- the student's answers match the variant on every failing check of the
  exercise that the variant's traces cover, and the variant fails each of
  them (a variant that passes a check the student fails is not what the
  student did); in a check that feeds the student's answers back, the calls
  are compared up to the first whose inputs differ from the variant's;
- the matched answers tell the variant from every degenerate answer (for
  each, some matched answer differs from it; and they are not all one
  number) and from the right answer at the student's precision, so an answer
  that computes nothing, or a float32 answer a little off, is never told it
  made a mistake it need not have made;
- one mistake alone passes both tests. When several do, the checks cannot
  tell them apart: the feedback lists them as possibilities, and none is
  named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from grader.compare import precision, values_match
from grader.declarations import Mistake
from grader.results import DiagnosedMistake
from grader.trial import TraceEntry

RIGHT = "right"
"""in :attr:`MistakeTrace.alike`: the variant's answer is the reference's, within float64 tolerance"""
RIGHT_FLOAT32 = "right at float32"
"""in :attr:`MistakeTrace.alike`: the variant's answer is the reference's, within float32 tolerance"""


@dataclass(frozen=True)
class MistakeTrace:
    """What one check, run with a known mistake's variant in the student's place, says about the mistake."""

    entries: tuple[TraceEntry, ...] = ()
    """the variant's calls and answers; empty when the check leaves no evidence of it"""
    alike: tuple[frozenset[str], ...] = ()
    """for each entry, the plain answers of the same call the variant's answer equals within float32
    tolerance: :data:`RIGHT`, :data:`RIGHT_FLOAT32` and degenerate answers by name (``"zeros"``, ``"echo"``);
    an entry without one is alike none"""
    passes: bool = False
    """the variant answers the check exactly as the reference: it passes, so a student who fails the check
    did not (only) make this mistake"""

    @property
    def covers(self) -> bool:
        """Whether the check holds evidence for the mistake: the variant fails it, and its answers are known."""
        return bool(self.entries) and not self.passes

    def alike_at(self, index: int) -> frozenset[str]:
        return self.alike[index] if index < len(self.alike) else frozenset()


def trace_matches(student: Sequence[TraceEntry], mistake: Sequence[TraceEntry]) -> bool:
    """Whether the student's calls are answered exactly as the mistake answers them."""
    if not student or len(mistake) < len(student):
        return False
    for mine, theirs in zip(student, mistake):
        if mine.digest != theirs.digest:
            return False
        if mine.error is not None or theirs.error is not None:
            if mine.error != theirs.error:
                return False
        elif not values_match(mine.value, theirs.value):
            return False
    return True


def matched_calls(student: Sequence[TraceEntry], mistake: Sequence[TraceEntry]) -> int | None:
    """How many of the student's calls, from the first, have the mistake's inputs and are answered as it answers
    them; ``None`` when one of those calls is answered otherwise (evidence against the mistake).

    The count stops at the first call whose inputs differ from the mistake's: a check that feeds the student's
    answers back (fifty optimiser steps from the student's own parameters) asks other questions from there on,
    once last-bit differences in arithmetic reach the inputs, and they tell nothing either way.
    """
    count = 0
    for mine, theirs in zip(student, mistake):
        if mine.digest != theirs.digest:
            break
        if mine.error is not None or theirs.error is not None:
            if mine.error != theirs.error:
                return None
        elif not values_match(mine.value, theirs.value):
            return None
        count += 1
    return count


def _as_float32(value: Any) -> Any:
    """``value`` with its floating-point numbers in float32, so :func:`values_match` judges it at float32 tolerance."""
    if isinstance(value, dict):
        return {key: _as_float32(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [_as_float32(item) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, float):
        return np.array(value, dtype=np.float32)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.dtype.itemsize > 4:
        with np.errstate(over="ignore"):
            return value.astype(np.float32)
    return value


def alike_answers(value: Any, expected: Any, degenerate: Mapping[str, Any]) -> frozenset[str]:
    """Which plain answers of one call ``value`` equals: the right one ``expected`` and the ``degenerate`` ones.

    Judged at float32 tolerance (the loosest a student's answer gets), except :data:`RIGHT`, at the answer's.
    An ``expected`` that is not known (anything but plain data: the check never asked for it) is alike nothing.
    """
    alike: set[str] = set()
    narrow = _as_float32(value)
    try:
        if values_match(value, expected):
            alike.add(RIGHT)
        if values_match(narrow, expected):
            alike.add(RIGHT_FLOAT32)
        for kind, answer in degenerate.items():
            if values_match(narrow, answer):
                alike.add(kind)
    except Exception:  # noqa: BLE001 - an answer of a form the comparison cannot read is alike none
        pass
    return frozenset(alike)


def _numbers(value: Any) -> list[np.ndarray] | None:
    """Every number in a plain value as flat float arrays; None when it holds anything but numbers."""
    if isinstance(value, (bool, int, float)):
        return [np.array([float(value)])]
    if isinstance(value, np.ndarray):
        return [value.astype(float).ravel()] if value.dtype.kind in "biuf" else None
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        found: list[np.ndarray] = []
        for item in value:
            part = _numbers(item)
            if part is None:
                return None
            found += part
        return found
    return None


def _one_number(values: Sequence[Any]) -> bool:
    """Whether every entry of ``values`` is one and the same number (a constant answer)."""
    arrays = _numbers(list(values))
    if arrays is None:
        return False
    flat = np.concatenate([array for array in arrays if array.size] or [np.zeros(0)])
    return bool(flat.size) and bool(np.all(flat == flat[0]))


@dataclass(frozen=True)
class FailedCheck:
    """One failing check of a student's run: the student's trace and each mistake's trace of the same check."""

    name: str
    trace: Sequence[TraceEntry]
    traces: Mapping[str, MistakeTrace]


@dataclass(frozen=True)
class Diagnosis:
    """The mistakes a run's checks name, and the candidates they list when the evidence cannot choose."""

    named: Mapping[str, tuple[DiagnosedMistake, ...]] = field(default_factory=dict)
    """by check name: the mistake named in that check's feedback (one at most)"""
    possible: Mapping[str, tuple[DiagnosedMistake, ...]] = field(default_factory=dict)
    """by check name: the mistakes the answers fit alike, listed as possibilities and never as a diagnosis"""


def _separated(matched: list[tuple[MistakeTrace, int]], degenerate: Sequence[str], student_precision: np.dtype) -> bool:
    """Whether the matched answers tell the variant from the right answer and from every degenerate one."""
    alikes: list[frozenset[str]] = []
    values: list[Any] = []
    raised = False
    for trace, count in matched:
        for index in range(count):
            alikes.append(trace.alike_at(index))
            entry = trace.entries[index]
            raised = raised or entry.error is not None
            values.append(entry.value)
    if not alikes:
        return False
    right = RIGHT_FLOAT32 if student_precision == np.dtype(np.float32) else RIGHT
    for kind in (right, *degenerate):
        if all(kind in alike for alike in alikes):
            return False
    if "constant" in degenerate and not raised and _one_number(values):
        return False
    return True


def diagnose_exercise(
    failed: Sequence[FailedCheck], mistakes: Sequence[Mistake], *, degenerate: Sequence[str] = ()
) -> Diagnosis:
    """The mistake the failing checks of one exercise name, or the candidates they cannot tell apart.

    ``failed`` holds every failing check of the run that has a trace (a check
    that timed out or never reached the student's code holds no evidence);
    ``degenerate`` names the exercise's degenerate answers.
    """
    student_precision = precision(*[entry.value for check in failed for entry in check.trace if entry.error is None])
    candidates: list[tuple[Mistake, list[str]]] = []
    for mistake in mistakes:
        matched: list[tuple[MistakeTrace, int]] = []
        covered: list[str] = []
        fits = True
        for check in failed:
            trace = check.traces.get(mistake.name)
            if trace is None or not (trace.passes or trace.entries):
                continue  # no evidence either way
            count = matched_calls(check.trace, trace.entries)
            if trace.passes or count is None:
                fits = False
                break
            if count == 0:
                continue  # the first call's inputs already differ: no evidence either way
            matched.append((trace, count))
            covered.append(check.name)
        if fits and covered and _separated(matched, degenerate, student_precision):
            candidates.append((mistake, covered))
    if len(candidates) == 1:
        mistake, covered = candidates[0]
        return Diagnosis(named={name: (DiagnosedMistake(mistake.name, mistake.hint),) for name in covered})
    possible: dict[str, tuple[DiagnosedMistake, ...]] = {}
    for mistake, covered in candidates:
        for name in covered:
            possible[name] = possible.get(name, ()) + (DiagnosedMistake(mistake.name, mistake.hint),)
    return Diagnosis(possible=possible)


def diagnose(
    student: Sequence[TraceEntry], mistakes: Sequence[Mistake], traces: Mapping[str, MistakeTrace],
    *, degenerate: Sequence[str] = (),
) -> tuple[DiagnosedMistake, ...]:
    """The mistake one failing check names on its own evidence (empty when none, or when several fit)."""
    found = diagnose_exercise([FailedCheck("check", student, traces)], mistakes, degenerate=degenerate)
    return found.named.get("check", ())
