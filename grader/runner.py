"""Running an exercise's checks against one student's code.

:func:`grade_exercise` is the check runner: for each check it seeds the
inputs, runs the check function with a :class:`~grader.trial.Trial`, turns
whatever happened into one :class:`~grader.results.Status`, diagnoses known
mistakes when the answers are wrong (weighing every failing check of the
exercise together, :mod:`grader.diagnosis`), and writes the feedback. A fault of the
grader's own becomes an ``internal error`` result, never an exception that
stops the other checks.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from typing import Iterable, Sequence

from grader.declarations import Check, Exercise
from grader.diagnosis import Diagnosis, FailedCheck, diagnose_exercise
from grader.errors import (
    CheckFailed,
    RecordingMissing,
    StudentCodeUnavailable,
    StudentKilled,
    StudentNotImplemented,
    StudentRaised,
    StudentTimedOut,
)
from grader.expectations import Expectations, ReferenceExpectations
from grader.feedback import feedback_text
from grader.results import CheckResult, DiagnosedMistake, ExerciseResult, ModuleProblem, Status, partial_credit
from grader.seeds import SeedPolicy
from grader.student_code import StudentCode
from grader.trial import Trial


def _finish(trial: Trial) -> None:
    """Let the trial take the credit of an answer that computes nothing; the runner never raises for it."""
    try:
        trial.finish()
    except Exception:  # noqa: BLE001 - a value the rule cannot read keeps the credit its expectations gave
        pass


@dataclass
class _Ran:
    """One check run, before the exercise's failing checks are weighed together for known mistakes."""

    check: Check
    seed: int
    trial: Trial
    status: Status
    score: float | None
    details: str
    problem: ModuleProblem | None
    outputs: list[str]
    limit_note: str
    seconds: float


def _run(
    exercise: Exercise, check: Check, student_code: StudentCode, *, expectations: Expectations, seeds: SeedPolicy
) -> _Ran:
    """Run one check; never raises for student or grader faults."""
    seed = seeds.seed(exercise.id, check.name, hidden=check.hidden)
    started = time.perf_counter()
    outputs: list[str] = []
    limit_notes: list[tuple[float, str]] = []

    def call_student(args: tuple, kwargs: dict):
        outcome = student_code.call(
            exercise.student, args, kwargs, limits=exercise.limits, torch=exercise.uses_torch, hidden=check.hidden
        )
        if outcome.output:
            outputs.append(outcome.output)
        if outcome.limit_note:
            limit_notes.append((outcome.limit_share, outcome.limit_note))
        return outcome.value

    trial = Trial(
        name=exercise.student.name,
        seed=seed,
        call_student=call_student,
        call_reference=lambda args, kwargs, key: expectations.reference_value(exercise, check, args, kwargs, key),
        hidden=check.hidden,
    )
    status: Status
    details = ""
    problem: ModuleProblem | None = None
    score: float | None = 0.0
    try:
        check.function(trial)
    except CheckFailed as exc:
        trial.failures.append(exc.message)
        _finish(trial)
        status = Status.FAILED
    except StudentNotImplemented as exc:
        status, details = Status.NOT_IMPLEMENTED, exc.message
    except StudentTimedOut as exc:
        status, details = Status.TIMED_OUT, exc.message
    except StudentCodeUnavailable as exc:
        # Said once for the module (or the missing function) wherever results are shown; the check only says so.
        status = Status.ERRORED
        problem = ModuleProblem(
            module=exc.module or exercise.student.module,
            message=exc.message + (f"\n{exc.details}" if exc.details else ""),
            missing=exc.missing,
        )
        details = problem.not_run
    except (StudentRaised, StudentKilled) as exc:
        status = Status.ERRORED
        details = exc.message + (f"\n{exc.details}" if exc.details else "")
    except RecordingMissing as exc:
        status, score, details = Status.INTERNAL_ERROR, None, str(exc)
    except Exception:
        status, score = Status.INTERNAL_ERROR, None
        details = traceback.format_exc(limit=-4)
    else:
        _finish(trial)
        if trial.total == 0:
            status, score = Status.INTERNAL_ERROR, None
            details = f"check {check.name!r} made no expectation, so it cannot tell right from wrong"
        else:
            status = Status.PASSED if trial.met == trial.total else Status.FAILED
    if status in (Status.PASSED, Status.FAILED):
        score = partial_credit(check.points, trial.met, trial.total)
    limit_note = max(limit_notes)[1] if limit_notes else ""
    return _Ran(check, seed, trial, status, score, details, problem, outputs, limit_note,
                round(time.perf_counter() - started, 4))


def _diagnosis(exercise: Exercise, runs: Sequence[_Ran], expectations: Expectations) -> Diagnosis:
    """The known mistake the failing checks of a run name together (see :func:`grader.diagnosis.diagnose_exercise`).

    Only checks whose answers were given or raised hold evidence; one that timed
    out or never reached the student's code holds none.
    """
    if not exercise.mistakes:
        return Diagnosis()
    failed = []
    try:
        for ran in runs:
            if ran.status in (Status.FAILED, Status.ERRORED) and ran.trial.trace:
                traces = expectations.mistake_traces(exercise, ran.check, ran.seed)
                failed.append(FailedCheck(ran.check.name, ran.trial.trace, traces))
        return diagnose_exercise(failed, exercise.mistakes, degenerate=exercise.degenerate_answers)
    except Exception:  # noqa: BLE001 - diagnosis is a courtesy: when it cannot run, the results stand without it
        return Diagnosis()


def _result(exercise: Exercise, ran: _Ran, diagnosis: Diagnosis) -> CheckResult:
    check, trial = ran.check, ran.trial
    mistakes = diagnosis.named.get(check.name, ())
    possible = diagnosis.possible.get(check.name, ())
    named_by_check: tuple[DiagnosedMistake, ...] = ()
    if ran.status is Status.FAILED and trial.named_mistakes:
        found = {mistake.name for mistake in mistakes}
        named_by_check = tuple(
            DiagnosedMistake(mistake.name, mistake.hint)
            for mistake in exercise.mistakes
            if mistake.name in trial.named_mistakes and mistake.name not in found
        )
    feedback = feedback_text(ran.status, check, trial.failures, ran.details, mistakes, possible=possible)
    return CheckResult(
        exercise_id=exercise.id,
        check_name=check.name,
        description=check.description,
        status=ran.status,
        score=ran.score,
        max_score=check.points,
        feedback=feedback + (f"\n{ran.limit_note}" if ran.limit_note else ""),
        limit_note=ran.limit_note,
        hidden=check.hidden,
        mistakes=mistakes + named_by_check,
        output="\n".join(ran.outputs),
        seconds=ran.seconds,
        problem=ran.problem,
    )


def run_check(
    exercise: Exercise,
    check: Check,
    student_code: StudentCode,
    *,
    expectations: Expectations,
    seeds: SeedPolicy,
) -> CheckResult:
    """Run one check and return its result; never raises for student or grader faults.

    A known mistake is named on this check's evidence alone; :func:`grade_exercise` weighs every
    check it runs together.
    """
    ran = _run(exercise, check, student_code, expectations=expectations, seeds=seeds)
    return _result(exercise, ran, _diagnosis(exercise, [ran], expectations))


def grade_exercise(
    exercise: Exercise,
    student_code: StudentCode,
    *,
    expectations: Expectations | None = None,
    seeds: SeedPolicy | None = None,
    include_hidden: bool = False,
    check_names: Iterable[str] | None = None,
) -> ExerciseResult:
    """Run the exercise's public checks (and hidden ones if asked) on the student's code."""
    expectations = expectations or ReferenceExpectations()
    seeds = seeds or SeedPolicy()
    wanted = set(check_names) if check_names is not None else None
    checks = [
        check
        for check in exercise.checks
        if (include_hidden or not check.hidden) and (wanted is None or check.name in wanted)
    ]
    # Public checks first, then hidden ones (in children of their own, see StudentCode.call); the
    # results keep the exercise's order.
    order = sorted(range(len(checks)), key=lambda index: checks[index].hidden)
    ran = {
        index: _run(exercise, checks[index], student_code, expectations=expectations, seeds=seeds)
        for index in order
    }
    runs = [ran[index] for index in range(len(checks))]
    # A known mistake is named on the evidence of every check run, weighed together.
    diagnosis = _diagnosis(exercise, runs, expectations)
    results = tuple(_result(exercise, run, diagnosis) for run in runs)
    return ExerciseResult(exercise_id=exercise.id, title=exercise.title, checks=results)
