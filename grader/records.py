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
    timezone: str = "UTC"
    """the course's time zone (an IANA name): every time shown to a person is shown in it, with its offset"""

    @property
    def max_score(self) -> float:
        return round(sum(exercise.max_score for exercise in self.exercises), 2)

    def exercise(self, exercise_id: str) -> ExerciseInfo:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)


ADJUSTMENT_KINDS = ("points", "extension", "excuse", "comment")
"""what an :class:`Adjustment` can be"""


@dataclass(frozen=True)
class Adjustment:
    """An instructor's decision about one student, kept apart from the grading so that every regrade keeps it.

    The gradebook's ``adjustments`` table stores them; they apply whenever the
    outputs are written (:func:`grader.adjustments.adjusted_record`).
    """

    id: int
    student_id: str
    kind: str
    """one of :data:`ADJUSTMENT_KINDS`: points added or taken away, an extension of the due date, lateness
    excused, or a comment shown in the student's feedback"""
    text: str
    """the reason (points, extension, excuse) or the comment itself"""
    made_by: str
    """who made it: the OS user of the command, ``--by``, or ``course file``"""
    made_at: str
    """ISO 8601 date and time in UTC"""
    exercise_id: str = ""
    """for points: the exercise adjusted; empty: the whole assignment"""
    points: float = 0.0
    """for points: added to the final score (negative: taken away)"""
    due: str | None = None
    """for an extension: the student's own due date (ISO 8601, with its offset)"""
    cutoff: str | None = None
    """for an extension: the student's own cutoff; ``None``: the assignment's, moved with the due date"""
    source: str = "command"
    """``command`` (``nngrade adjust`` and its siblings) or ``course file`` (an assignment's ``extensions`` table)"""


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
    adjustments: tuple[Adjustment, ...] = ()
    """the instructor's adjustments, extension, excuse and comments for this student, applied to
    :attr:`final` and the lateness fields (the gradebook stores the graded values, without them)"""

    @property
    def score(self) -> float:
        """Points before the late penalty; internal errors count as nothing, :attr:`complete` says so."""
        return round(sum(exercise.score for exercise in self.exercises), 2)

    @property
    def late_penalty(self) -> float:
        """Points lost for lateness."""
        return round(self.score * self.late_penalty_percent / 100.0, 2)

    @property
    def adjustment_points(self) -> float:
        """Points the instructor added (negative: took away), after the late penalty."""
        return round(sum(adjustment.points for adjustment in self.adjustments if adjustment.kind == "points"), 2)

    @property
    def final(self) -> float:
        """Points after the late penalty and the instructor's adjustments, never below 0."""
        if not any(adjustment.kind == "points" for adjustment in self.adjustments):
            return round(self.score - self.late_penalty, 2)
        return max(0.0, round(self.score - self.late_penalty + self.adjustment_points, 2))

    def adjustments_of(self, kind: str) -> tuple[Adjustment, ...]:
        """This student's adjustments of ``kind`` (one of :data:`ADJUSTMENT_KINDS`), oldest first."""
        return tuple(adjustment for adjustment in self.adjustments if adjustment.kind == kind)

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
