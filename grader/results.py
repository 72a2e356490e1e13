"""Check and exercise results, with their closed set of statuses.

A check ends in exactly one :class:`Status`. The statuses keep apart what the
student needs to know: the answer is wrong (``failed``), the code raised
(``errored``), it ran too long (``timed out``), it is not written yet (``not
implemented``), and a fault of the grader's own (``internal error``), which is
never scored as the student's zero: its score is ``None`` and totals say that
they are incomplete.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Iterable


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERRORED = "errored"
    TIMED_OUT = "timed out"
    NOT_IMPLEMENTED = "not implemented"
    INTERNAL_ERROR = "internal error"

    def __str__(self) -> str:
        return self.value


def partial_credit(points: float, met: int, total: int) -> float:
    """Points for a check that met ``met`` of its ``total`` expectations.

    The one place where the points policy lives: credit is proportional to the
    expectations met, rounded to a hundredth of a point.
    """
    if total <= 0:
        return 0.0
    return round(points * met / total, 2)


@dataclass(frozen=True)
class DiagnosedMistake:
    """A known mistake whose answers the student's answers match."""

    name: str
    hint: str


@dataclass(frozen=True)
class ModuleProblem:
    """A student module that could not be loaded, or a function it lacks: one message for every check it stopped.

    A syntax error, a failing import or a missing function stops every check
    that calls into it; the message (with its file, line and traceback) is
    shown once, at the top of a check run, a feedback page or a report, and
    each check it stopped says only :attr:`not_run`.
    """

    module: str
    """the module's name, without ``.py``"""
    message: str
    """the full message: what is wrong, where (file and line), and the traceback when there is one"""
    missing: str = ""
    """the function or class the module does not define; empty when the module itself could not be loaded"""

    @property
    def key(self) -> tuple[str, str]:
        return (self.module, self.missing)

    @property
    def headline(self) -> str:
        """The problem in a few words: "perceptron.py could not be loaded"."""
        if self.missing:
            return f"'{self.missing}' is missing from {self.module}.py"
        return f"{self.module}.py could not be loaded"

    @property
    def not_run(self) -> str:
        """What a check this problem stopped says instead of the message."""
        return f"not run: {self.headline}"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check on one student's code."""

    exercise_id: str
    check_name: str
    description: str
    status: Status
    score: float | None
    """points earned; ``None`` for an internal error, which is not the student's to lose"""
    max_score: float
    feedback: str
    """what the student reads: what was wrong, or that the answer looks good"""
    hidden: bool = False
    mistakes: tuple[DiagnosedMistake, ...] = ()
    output: str = ""
    """what the student's code printed, truncated"""
    seconds: float = 0.0
    limit_note: str = ""
    """that a call of the check used more than half of its CPU or wall-clock limit (the largest such call), in
    words; also the feedback's last line"""
    problem: ModuleProblem | None = None
    """the module problem that kept this check from running (the feedback then says only "not run")"""

    @property
    def test_id(self) -> str:
        """``<exercise>::<check>``, the name pytest and the gradebook use."""
        return f"{self.exercise_id}::{self.check_name}"


@dataclass(frozen=True)
class ExerciseResult:
    """All check results of one exercise for one student."""

    exercise_id: str
    title: str
    checks: tuple[CheckResult, ...] = field(default_factory=tuple)

    @property
    def max_score(self) -> float:
        return sum(result.max_score for result in self.checks)

    @property
    def score(self) -> float:
        """Points earned; internal errors count as nothing, and :attr:`complete` says so."""
        return round(sum(result.score or 0.0 for result in self.checks), 2)

    @property
    def complete(self) -> bool:
        """False when a grader fault left some check unscored."""
        return all(result.status is not Status.INTERNAL_ERROR for result in self.checks)

    @property
    def problems(self) -> tuple[ModuleProblem, ...]:
        """The module problems that stopped its checks, each once."""
        return module_problems([self])

    @property
    def status(self) -> Status:
        """One status for the exercise: internal error, else not implemented, else the worst."""
        statuses = {result.status for result in self.checks}
        for status in (Status.INTERNAL_ERROR, Status.NOT_IMPLEMENTED, Status.TIMED_OUT, Status.ERRORED, Status.FAILED):
            if status in statuses:
                return status
        return Status.PASSED


def module_problems(results: Iterable[ExerciseResult], *, public_only: bool = False) -> tuple[ModuleProblem, ...]:
    """The module problems that stopped checks of ``results``, each once, in the order first met.

    A module that could not be loaded is one problem however many exercises
    use it; a missing function is one problem per function. With
    ``public_only``, only problems met by public checks count (what a student
    may see of hidden checks is their name, status and points).
    """
    found: dict[tuple[str, str], ModuleProblem] = {}
    for exercise in results:
        for check in exercise.checks:
            if check.problem is not None and not (public_only and check.hidden):
                found.setdefault(check.problem.key, check.problem)
    return tuple(found.values())
