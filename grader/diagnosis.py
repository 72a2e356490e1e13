"""Naming the known mistake behind a wrong answer.

Each exercise declares its known mistakes as variants of the reference
(:class:`grader.declarations.Mistake`). A check run with a variant in the
student's place leaves a trace: the inputs of each call and what came back.
A wrong answer matches a mistake when every call the student's code answered
in the check has the same inputs and, within tolerance, the same answer in the
mistake's trace, or raised the same exception with the same message (a missing
transpose crashes on non-square layers in the same way every time).
"""

from __future__ import annotations

from typing import Sequence

from grader.compare import values_match
from grader.declarations import Mistake
from grader.results import DiagnosedMistake
from grader.trial import TraceEntry


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


def diagnose(
    student: Sequence[TraceEntry], mistakes: Sequence[Mistake], traces: dict[str, list[TraceEntry]]
) -> tuple[DiagnosedMistake, ...]:
    """The declared mistakes whose traces the student's trace matches, in declaration order."""
    return tuple(
        DiagnosedMistake(mistake.name, mistake.hint)
        for mistake in mistakes
        if mistake.name in traces and trace_matches(student, traces[mistake.name])
    )
