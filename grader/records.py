"""What a batch grading run knows about an assignment and each student, as plain records.

The gradebook (:mod:`grader.gradebook`) stores these and reads them back; every
output of a run (``grades.csv``, per-student feedback, Gradescope
``results.json``, the class report) is built from them alone, so ``nngrade
report OUT`` rebuilds everything from the gradebook without the course file or
the submissions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.results import ExerciseResult, Status


@dataclass(frozen=True)
class CheckInfo:
    """One check of an assignment's exercise, as declared (not as graded)."""

    name: str
    description: str
    hidden: bool
    """whether the check is hidden from students: feedback shows its name and status only"""
    max_score: float
    """points after the course file's point overrides"""


@dataclass(frozen=True)
class ExerciseInfo:
    """One exercise of an assignment, with its checks."""

    id: str
    title: str
    max_score: float
    checks: tuple[CheckInfo, ...] = ()


@dataclass(frozen=True)
class LatePolicy:
    """How late work loses points (``[assignments.<name>.late]`` in the course file).

    ``per_day_percent`` of the score is lost per started day after the due date
    (after ``grace_minutes``), at most ``max_percent``; work submitted after
    ``cutoff`` scores zero. All zero and no cutoff: lateness costs nothing.
    """

    per_day_percent: float = 0.0
    max_percent: float = 100.0
    grace_minutes: float = 0.0
    cutoff: str | None = None
    """ISO 8601 date and time, with its time zone"""

    @property
    def penalises(self) -> bool:
        return self.per_day_percent > 0 or self.cutoff is not None


@dataclass(frozen=True)
class AssignmentInfo:
    """An assignment as a run graded it: its exercises, due date and late policy."""

    name: str
    exercises: tuple[ExerciseInfo, ...]
    due: str | None = None
    """ISO 8601 date and time, with its time zone; ``None``: no due date, nothing is late"""
    late: LatePolicy = field(default_factory=LatePolicy)

    @property
    def max_score(self) -> float:
        return round(sum(exercise.max_score for exercise in self.exercises), 2)

    def exercise(self, exercise_id: str) -> ExerciseInfo:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)


GRADER_FAULT = "internal error in the grader"
"""how a record's ``problem`` starts when a fault of the grader's own, not the submission, kept it ungraded"""


@dataclass(frozen=True)
class StudentRecord:
    """One student's graded submission (or why it could not be graded)."""

    student_id: str
    exercises: tuple[ExerciseResult, ...] = ()
    """per exercise of the assignment, its check results (points already scaled to the overrides);
    empty when ``problem`` says the submission could not be graded"""
    problem: str = ""
    """why the submission could not be graded (a corrupt zip, no submission, ...); empty when it was"""
    form: str = ""
    """``folder``, ``zip``, ``notebook``, ``nbgrader``, ``missing``, or ``other`` (an entry that is none of these)"""
    entry: str = ""
    """the file or folder the submission came from, relative to the submissions folder"""
    files_hash: str = ""
    """SHA-256 over the submission's files: a rerun regrades only when it changes"""
    submitted_at: str | None = None
    """ISO 8601 date and time in UTC; ``None`` when unknown"""
    timestamp_source: str = ""
    """where ``submitted_at`` came from: ``nbgrader``, ``timestamps csv``, ``file time`` or empty"""
    late_days: int = 0
    """started days after the due date (after the grace period)"""
    late_penalty_percent: float = 0.0
    """percent of the score lost for lateness (100 after the cutoff)"""
    graded_at: str = ""
    """ISO 8601 date and time in UTC of the grading"""
    seconds: float = 0.0
    """wall time spent grading this submission"""

    @property
    def score(self) -> float:
        """Points before the late penalty; internal errors count as nothing, :attr:`complete` says so."""
        return round(sum(exercise.score for exercise in self.exercises), 2)

    @property
    def late_penalty(self) -> float:
        """Points lost for lateness."""
        return round(self.score * self.late_penalty_percent / 100.0, 2)

    @property
    def final(self) -> float:
        return round(self.score - self.late_penalty, 2)

    @property
    def complete(self) -> bool:
        """False when a grader fault left some check unscored."""
        return all(exercise.complete for exercise in self.exercises)

    @property
    def grader_fault(self) -> bool:
        """Whether the grader, not the submission, is why this record holds no results."""
        return self.problem.startswith(GRADER_FAULT)

    def exercise(self, exercise_id: str) -> ExerciseResult | None:
        for exercise in self.exercises:
            if exercise.exercise_id == exercise_id:
                return exercise
        return None

    def statuses(self) -> dict[Status, int]:
        """How many checks ended in each status."""
        counts: dict[Status, int] = {}
        for exercise in self.exercises:
            for check in exercise.checks:
                counts[check.status] = counts.get(check.status, 0) + 1
        return counts
