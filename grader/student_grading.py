"""Grading one student's code: the settings a run grades with, and what grading produced.

:func:`grade_student` runs every check of an assignment, public and hidden, on
one student's files in a sandboxed child. It is the unit of work of every way
nngrade grades: a class run in this process or in worker processes
(:mod:`grader.grading_workers`, driven by :mod:`grader.batch`), a notebook's
test cell and a Gradescope autograder run. :class:`GradingSettings` is what
that work needs besides the files, and :class:`GradedStudent` what it sends
back; both are plain records, so they cross to worker processes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from grader.limits import Budget, Limits
from grader.records import AssignmentInfo
from grader.results import CheckResult, ExerciseResult
from grader.submission_environment import SubmissionEnvironment

if TYPE_CHECKING:
    from grader.declarations import Exercise
    from grader.expectations import Expectations


GRADING_VERSION = "1"
"""bumped when grading changes in a way that should regrade unchanged submissions"""


def nngrade_version() -> str:
    """The installed nngrade's version (``unknown`` when it is run from a folder without installing it)."""
    from importlib import metadata

    try:
        return metadata.version("nngrade")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class GradingSettings:
    """What grading one student needs besides the student's files (sent to worker processes)."""

    salt: str = dataclasses.field(repr=False)
    """never shown: the settings travel to cluster workers, whose logs may print a task's arguments"""
    exercise_ids: tuple[str, ...]
    scales: dict[str, float]
    """exercise id to the factor that turns declared points into the assignment's"""
    limits: Limits
    protected: tuple[str, ...]
    """paths hidden from student code: the course's secrets, the submissions, the output"""
    budget: Budget | None = None
    """the most one student's calls may take together (the course file's ``budget``); None: the default,
    :meth:`Budget.default_for` the exercises' per-call limits"""
    environment: SubmissionEnvironment | None = None
    """what the student's modules may import (the course file's ``[submission]``); None: nngrade's default"""
    data_files: Mapping[str, bytes] = dataclasses.field(default_factory=dict)
    """the exercises' data files (path to contents), read-only in the folder the student's code runs in"""

    def budget_for(self, exercises: Iterable[Exercise]) -> Budget:
        """The budget one student is graded under: the course file's, or one derived from the exercises' limits."""
        if self.budget is not None:
            return self.budget
        return Budget.default_for(self.limits.merged(exercise.limits) for exercise in exercises)

    def fingerprint(self, info: AssignmentInfo) -> str:
        """A hash of everything besides the files that decides a grade."""
        decided_by = [GRADING_VERSION, nngrade_version(), self.salt, dataclasses.asdict(info), self.limits.as_dict()]
        if self.budget is not None:
            # The default budget follows from the limits and exercises above; only a course's own is added.
            decided_by.append(self.budget.as_dict())
        if self.environment is not None:
            decided_by.append(self.environment.as_dict())
        if self.data_files:
            decided_by.append({path: hashlib.sha256(data).hexdigest() for path, data in sorted(self.data_files.items())})
        text = json.dumps(decided_by, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class GradedStudent:
    """What grading one student's code produced, before lateness is applied."""

    student_id: str
    exercises: tuple[ExerciseResult, ...]
    seconds: float
    failure: str = ""
    """a fault of the grader's own that kept this student from being graded (empty when graded)"""


def scaled(result: ExerciseResult, factor: float) -> ExerciseResult:
    """An exercise result with every check's points multiplied by ``factor`` (point overrides)."""
    if factor == 1.0:
        return result

    def scale(check: CheckResult) -> CheckResult:
        score = None if check.score is None else round(check.score * factor, 4)
        return dataclasses.replace(check, score=score, max_score=round(check.max_score * factor, 4))

    return dataclasses.replace(result, checks=tuple(scale(check) for check in result.checks))


def grade_student(
    student_id: str,
    sources: dict[str, bytes],
    settings: GradingSettings,
    sandbox,
    *,
    expectations: Expectations | None = None,
) -> GradedStudent:
    """Run every check of the assignment, public and hidden, on one student's code; returns the results.

    ``expectations`` answer the expected values; a process that grades many
    students passes the same :class:`~grader.expectations.ReferenceExpectations`
    to each, so the public checks' expected values are computed once. All of
    the student's calls together stay within the settings' budget: once it is
    spent, the remaining checks are timed out without calling the student's code.
    Student code is graded in the sandbox only: where it cannot run (or
    ``NNGRADE_RUNNER=portable`` asks for self-check's portable runner), this
    raises :class:`~grader.sandbox.SandboxUnavailable` saying so.
    """
    from grader.expectations import ReferenceExpectations
    from grader.registry import load_registry
    from grader.runner import grade_exercise
    from grader.sandbox import SandboxedStudentCode
    from grader.sandbox.runners import require_grading_sandbox
    from grader.seeds import SeedPolicy

    require_grading_sandbox()
    started = time.perf_counter()
    registry = load_registry()
    seeds = SeedPolicy.for_student(settings.salt, student_id)
    expectations = expectations if expectations is not None else ReferenceExpectations()
    results = []
    exercises = [registry.get(exercise_id) for exercise_id in settings.exercise_ids]
    with SandboxedStudentCode(
        Path("/nonexistent") / "submission",
        sandbox=sandbox,
        limits=settings.limits,
        sources=sources,
        budget=settings.budget_for(exercises),
        environment=settings.environment,
        data_files=settings.data_files,
    ) as code:
        for exercise_id, exercise in zip(settings.exercise_ids, exercises):
            result = grade_exercise(exercise, code, expectations=expectations, seeds=seeds, include_hidden=True)
            results.append(scaled(result, settings.scales.get(exercise_id, 1.0)))
    return GradedStudent(student_id, tuple(results), round(time.perf_counter() - started, 3))
