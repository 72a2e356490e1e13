"""Grading a whole class: ``nngrade grade SUBMISSIONS -a ASSIGNMENT -o OUT``.

A run is a short pipeline:

1. load the course file's assignment and find one submission per student
   (:mod:`grader.submissions`); a broken entry becomes that student's problem
   row, never an error of the run, and what an operating system left there
   (``.DS_Store``, ``__MACOSX``) is skipped and named in the summary;
2. open the gradebook, which refuses to be used when it fails its check;
   skip students whose files, submission time and grading settings are
   unchanged since the gradebook last graded them and whose grading finished
   (a student left with an internal error is graded again; ``regrade``
   forces them all); of such a student, grade again only the exercises whose
   checks changed since (:mod:`grader.check_versions`: a check fixed, a
   reference fixed, points changed), keeping the other exercises' results,
   and keep each replaced score in the gradebook's score history;
3. grade the rest, in this process, in ``jobs`` worker processes
   (:mod:`grader.grading_workers`) or on the workers of a Dask cluster
   (:mod:`grader.cluster_grading`), each student's code in its own sandboxed
   child; every result is written to the gradebook, by this process only, in
   one transaction the moment it arrives;
4. rebuild every output from the gradebook (:func:`grader.reports.write_reports`);
   when worker processes grade, this process imports the report's plotting
   library while it waits for them.

A run killed at any moment loses at most the students being graded at that
moment; the next run grades them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from grader.adjustments import adjusted_record
from grader.check_versions import CheckVersion, check_versions
from grader.course import Assignment, Course
from grader.errors import NngradeError
from grader.gradebook import Gradebook, ScoreChange
from grader.grading_workers import grade_all
from grader.late_penalties import lateness
from grader.progress import Progress
from grader.records import GRADER_FAULT, Adjustment, AssignmentInfo, ExerciseInfo, StudentRecord
from grader.results import ExerciseResult
from grader.student_grading import GradedStudent, GradingSettings
from grader.tampering import tampering_flags


@dataclass
class RunSummary:
    """What a grading run did, for the command's last lines and for tests."""

    info: AssignmentInfo | None = None
    students: int = 0
    graded: int = 0
    unchanged: int = 0
    problems: int = 0
    failures: int = 0
    internal_errors: int = 0
    retried: int = 0
    """students graded again because a grader fault left them unscored in an earlier run"""
    skipped: list[str] = field(default_factory=list)
    """what an operating system or a tool made in SUBMISSIONS, skipped (paths relative to it)"""
    seconds: float = 0.0
    records: list[StudentRecord] = field(default_factory=list)
    per_worker: dict[str, int] = field(default_factory=dict)
    """on a Dask cluster: students graded by each worker (its address), in this run"""
    problem_rows: list[str] = field(default_factory=list)
    """students of this run (unchanged ones too) whose row is a problem: their submission could not be graded
    (unreadable, missing, not on the roster, ...); a grader fault is not counted here"""
    file_times: list[str] = field(default_factory=list)
    """students of this run whose submission time is their files' modification time (``--file-times``)"""
    unknown_extensions: list[str] = field(default_factory=list)
    """students the course file's extensions name who are not in the gradebook (a typo, or a student who left)"""
    file_times_allowed: bool = False
    """whether file times could date a submission in this run (``--file-times`` or the course file)"""
    check_changes: dict[str, str] = field(default_factory=dict)
    """exercise id to why its checks differ from those that graded some unchanged submission (in words)"""
    regraded: dict[str, list[str]] = field(default_factory=dict)
    """exercise id to the unchanged submissions (student ids) whose results of it were graded again in this run,
    because its checks changed; their other exercises kept their results"""
    environment_problems: list[str] = field(default_factory=list)
    """declared submission packages this machine lacks or has at another version (students' code imports what is
    installed; their bundle installs the declared versions)"""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _student_fingerprint(submission, grading: str) -> str:
    text = json.dumps(
        [
            submission.files_hash,
            submission.submitted_at.isoformat() if submission.submitted_at else None,
            submission.timestamp_source,
            submission.form,
            submission.problem,
            grading,
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def protected_paths(course: Course, submissions: Path, out: Path, extra: Iterable[Path] = ()) -> tuple[str, ...]:
    """What student code must never read during a class run, besides the sandbox's defaults."""
    from grader.sandbox.sandbox import default_protected_paths

    paths = set(default_protected_paths())
    for path in (course.path, course.salt_file, submissions, out, *extra):
        if path is not None and Path(path).exists():
            paths.add(str(Path(path).resolve()))
    return tuple(sorted(paths))


def grade_class(
    submissions_root: str | os.PathLike[str],
    *,
    course: Course,
    assignment: str,
    out: str | os.PathLike[str],
    jobs: int = 1,
    regrade: bool = False,
    only: Sequence[str] = (),
    roster: str | os.PathLike[str] | None = None,
    timestamps: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    scheduler: str | None = None,
    file_times: bool | None = None,
) -> RunSummary:
    """Grade every submission that needs it into ``out`` and rebuild the outputs.

    ``scheduler``: grade on a Dask cluster (a scheduler's address, or ``local:N``) instead of ``jobs``
    processes here; a scheduler that goes away raises
    :class:`~grader.cluster_grading.ClusterLost` once the students graded until then are saved.

    ``file_times``: date a submission that neither nbgrader's ``timestamp.txt`` nor ``timestamps`` dates by its
    files' modification times (None: as the course file says, by default not). When they may not and the
    assignment has a late policy, such a submission is a problem row. Times without a zone are read in the
    course's zone.
    """
    from grader.reports import write_reports
    from grader.submissions import find_submissions
    from grader.submissions.loader import Dating
    from grader.submissions.entries import os_artefacts_in
    from grader.submissions.nbgrader_layout import nbgrader_submitted_folder
    from grader.sandbox.runners import require_grading_sandbox

    require_grading_sandbox()  # once, before anything is read or written, rather than once per student
    started = time.perf_counter()
    root = Path(submissions_root).resolve()
    out = Path(out).resolve()
    if out == root or root in out.parents:
        raise NngradeError(
            f"the output folder {out} is inside the submissions folder {root}, where it would be read as a "
            f"student's submission; choose an output folder outside it"
        )
    chosen: Assignment = course.assignment(assignment)
    info = chosen.info()
    use_file_times = course.uses_file_times(chosen) if file_times is None else file_times
    dating = Dating(zone=course.zone, file_times=use_file_times, required=chosen.late.penalises)
    submissions = find_submissions(
        root,
        assignment=chosen.name,
        modules=chosen.modules,
        roster=Path(roster) if roster else None,
        timestamps=Path(timestamps) if timestamps else None,
        dating=dating,
    )
    listed = nbgrader_submitted_folder(root) or root
    skipped = [(listed / name).relative_to(root).as_posix() for name in os_artefacts_in(listed)]
    if only:
        wanted = set(only)
        submissions = [submission for submission in submissions if submission.student_id in wanted]
    out.mkdir(parents=True, exist_ok=True)
    settings = GradingSettings(
        salt=course.salt,
        exercise_ids=tuple(exercise.id for exercise in chosen.exercises),
        scales={exercise.id: chosen.scale(exercise) for exercise in chosen.exercises},
        limits=course.limits,
        budget=chosen.budget,
        **course.grading_options(chosen),
        protected=protected_paths(
            course, root, out, [Path(p) for p in (roster, timestamps) if p]
        ),
    )
    # An exercise's declaration, code and points are its check version (grader.check_versions), compared per
    # exercise; the student's fingerprint holds the rest, so a fixed check regrades that exercise alone.
    versions = check_versions(chosen.exercises, info.exercises, settings.data_files)
    grading = settings.fingerprint(_without_exercise_details(info))
    summary = RunSummary(info=info, students=len(submissions), skipped=skipped, file_times_allowed=use_file_times)
    summary.file_times = [s.student_id for s in submissions if s.timestamp_source == "file time"]
    if scheduler is None:  # a cluster's workers have their own packages
        summary.environment_problems = settings.environment.installed_problems() if settings.environment else []

    with Gradebook.open(out) as gradebook:
        gradebook.set_assignment(info)
        gradebook.set_course_file_extensions(_course_file_extensions(course, chosen))
        gradebook.set_meta_json("stubs", _stubs(course, chosen))
        adjustments = gradebook.adjustments()
        finished = gradebook.finished_fingerprints()
        stored_versions = gradebook.check_versions()
        stored = gradebook.stored_records()
        partial: dict[str, tuple[str, ...]] = {}
        """student id to the exercises graded again because their checks changed"""
        unfinished = set(gradebook.fingerprints()) - set(finished)
        to_grade = []
        problems = []
        pending: dict[str, tuple[object, str]] = {}
        for submission in submissions:
            fingerprint = _student_fingerprint(submission, grading)
            if not regrade and finished.get(submission.student_id) == fingerprint:
                changed = [] if submission.problem else _changed_exercises(
                    versions, stored_versions.get(submission.student_id, {}), summary.check_changes
                )
                if changed:
                    partial[submission.student_id] = tuple(changed)
                    for exercise_id in changed:
                        summary.regraded.setdefault(exercise_id, []).append(submission.student_id)
                    pending[submission.student_id] = (submission, fingerprint)
                    to_grade.append(submission)
                    continue
                summary.unchanged += 1
                gradebook.keep_sources(submission.student_id, _module_texts(submission.sources, chosen.modules))
                continue
            if not regrade and submission.student_id in unfinished:
                summary.retried += 1
            if submission.problem:
                summary.problems += 1
                record = _record(submission, info, chosen, exercises=(), seconds=0.0)
                gradebook.save(record, fingerprint=fingerprint, notes=submission.notes, sources={})
                problems.append(submission)
                continue
            pending[submission.student_id] = (submission, fingerprint)
            to_grade.append(submission)

        # Every submission of this run is one line (graded, could not grade, grader failure), so the
        # progress count ends at the number the summary reports.
        progress = progress or Progress(len(to_grade) + len(problems))
        for submission in problems:
            progress.advance(submission.student_id, submission.problem.splitlines()[0], verb="could not grade")
        if skipped:
            progress.note(f"skipped what an operating system or a tool made, not a student: {', '.join(skipped)}")
        if summary.unchanged:
            progress.note(f"{summary.unchanged} submissions are unchanged since they were graded (use --regrade to grade them again)")
        if summary.retried:
            progress.note(f"{summary.retried} submissions are graded again: a grader fault left them unscored last time")
        for exercise_id, students in summary.regraded.items():
            progress.note(
                f"the checks of {exercise_id} changed since they graded {len(students)} unchanged submissions "
                f"({summary.check_changes[exercise_id]}): only {exercise_id} is graded again for them"
            )

        def save(graded: GradedStudent) -> None:
            submission, fingerprint = pending.pop(graded.student_id)
            previous = stored.get(graded.student_id)
            only = partial.get(graded.student_id)
            if graded.failure and only is not None:
                # The results stored stay; their old check versions make the next run try again.
                summary.failures += 1
                progress.advance(graded.student_id, "internal error (will be retried on the next run)", verb="grader failure on")
                return
            if graded.failure:
                summary.failures += 1
                record = _record(submission, info, chosen, exercises=(), seconds=graded.seconds,
                                 problem=f"{GRADER_FAULT}: {graded.failure}")
                # An empty fingerprint makes the next run try this student again.
                gradebook.save(record, fingerprint="", notes=submission.notes)
                progress.advance(graded.student_id, "internal error (will be retried on the next run)", verb="grader failure on")
                return
            exercises, seconds = graded.exercises, graded.seconds
            if only is not None and previous is not None:
                exercises = _merged(previous.exercises, graded.exercises)
                seconds = round(previous.seconds + graded.seconds, 3)
            record = _record(submission, info, chosen, exercises=exercises, seconds=seconds)
            if previous is not None:
                why = "the submission or the grading settings changed" if only is None else ""
                gradebook.add_score_history(
                    _score_changes(previous, record, stored_versions.get(graded.student_id, {}), versions,
                                   summary.check_changes, why)
                )
            texts = _module_texts(submission.sources, chosen.modules)
            # Signs of tampering are kept for the instructor to look at; they never change the score.
            flags = tampering_flags(record, texts, protected=settings.protected)
            gradebook.save(record, fingerprint=fingerprint, notes=submission.notes, sources=texts, flags=flags)
            gradebook.set_check_versions(
                record.student_id,
                {e.exercise_id: (versions[e.exercise_id].fingerprint, versions[e.exercise_id].parts_json())
                 for e in record.exercises if e.exercise_id in versions},
            )
            summary.graded += 1
            if not record.complete:
                summary.internal_errors += 1
            shown = adjusted_record(info, record, adjustments)  # as the outputs will show it
            late = f", {shown.late_penalty_percent:g}% late penalty" if shown.late_penalty_percent else ""
            adjusted = f", {shown.adjustment_points:+g} adjusted" if shown.adjustment_points else ""
            progress.advance(
                graded.student_id, f"{shown.score:g}/{info.max_score:g}{late}{adjusted} ({graded.seconds:.1f} s)"
            )

        # With worker processes grading, this process mostly waits: it imports the
        # figures' plotting library meanwhile instead of after the last student.
        parallel = jobs > 1 or scheduler is not None
        importing = _import_figure_modules_meanwhile() if parallel and len(to_grade) > 1 else None
        # One batch of every exercise, then one per set of exercises whose checks changed.
        groups: dict[tuple[str, ...], list] = {}
        for s in to_grade:
            groups.setdefault(partial.get(s.student_id, settings.exercise_ids), []).append(s)
        try:
            for exercise_ids, group in groups.items():
                tasks = [(s.student_id, dict(s.sources)) for s in group]
                some = dataclasses.replace(settings, exercise_ids=exercise_ids)
                if scheduler is not None:
                    from grader.cluster_grading import grade_on_cluster

                    cluster = grade_on_cluster(
                        tasks, some, scheduler=scheduler, on_result=save, note=progress.note,
                        exercises=tuple(e for e in chosen.exercises if e.id in exercise_ids),
                    )
                    for worker, count in cluster.per_worker.items():
                        summary.per_worker[worker] = summary.per_worker.get(worker, 0) + count
                else:
                    grade_all(tasks, some, jobs=jobs, on_result=save)
            summary.per_worker = dict(sorted(summary.per_worker.items()))
        finally:
            if importing is not None:
                importing.join()
        progress.finish()
        summary.records = gradebook.records()
        graded_students = {record.student_id for record in summary.records}
        summary.unknown_extensions = sorted(set(chosen.extensions) - graded_students)
        in_run = {submission.student_id for submission in submissions}
        summary.problem_rows = [
            record.student_id
            for record in summary.records
            if record.problem and not record.grader_fault and record.student_id in in_run
        ]
        write_reports(out, info, summary.records)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def _without_exercise_details(info: AssignmentInfo) -> AssignmentInfo:
    """``info`` with only its exercises' ids: their details are in their check versions, compared apart."""
    return dataclasses.replace(
        info, exercises=tuple(ExerciseInfo(id=e.id, title="", max_score=0.0, checks=()) for e in info.exercises)
    )


def _changed_exercises(
    versions: dict[str, CheckVersion], stored: dict[str, tuple[str, str]], why: dict[str, str]
) -> list[str]:
    """The exercises (assignment order) whose check version differs from the one ``stored`` for a student.

    Why each differs is added to ``why`` (the first student's reason; the versions are the same for all).
    """
    changed = []
    for exercise_id, version in versions.items():
        before = _stored_version(stored.get(exercise_id))
        if before is None or before.fingerprint != version.fingerprint:
            changed.append(exercise_id)
            why.setdefault(exercise_id, version.why_changed(before))
    return changed


def _stored_version(row: tuple[str, str] | None) -> CheckVersion | None:
    if row is None:
        return None
    return CheckVersion(fingerprint=row[0], parts=json.loads(row[1]))


def _merged(kept: tuple[ExerciseResult, ...], new: tuple[ExerciseResult, ...]) -> tuple[ExerciseResult, ...]:
    """``kept`` with the exercises of ``new`` in their places (those ``kept`` lacks at the end)."""
    by_id = {result.exercise_id: result for result in new}
    merged = [by_id.pop(result.exercise_id, result) for result in kept]
    return tuple(merged + list(by_id.values()))


def _score_changes(
    previous: StudentRecord,
    record: StudentRecord,
    stored: dict[str, tuple[str, str]],
    versions: dict[str, CheckVersion],
    check_changes: dict[str, str],
    why: str,
) -> list[ScoreChange]:
    """The exercise scores of ``previous`` that ``record`` replaces with another score or check version."""
    changes = []
    for old in previous.exercises:
        new = record.exercise(old.exercise_id)
        if new is None or new is old:
            continue
        fingerprint = stored.get(old.exercise_id, ("", ""))[0]
        version = versions.get(old.exercise_id)
        # a version recorded, and another now (a gradebook of before versions has none to compare)
        checks_changed = bool(fingerprint) and version is not None and version.fingerprint != fingerprint
        if (new.score, new.max_score) == (old.score, old.max_score) and not checks_changed:
            continue
        reason = why or check_changes.get(old.exercise_id, "")
        if why and checks_changed:
            reason += f"; and {check_changes.get(old.exercise_id) or 'its checks changed'}"
        changes.append(
            ScoreChange(
                student_id=record.student_id, exercise_id=old.exercise_id, score=old.score,
                max_score=old.max_score, graded_at=previous.graded_at, fingerprint=fingerprint,
                new_score=new.score, new_max_score=new.max_score, regraded_at=record.graded_at, reason=reason,
            )
        )
    return changes


def _course_file_extensions(course: Course, assignment: Assignment) -> list[Adjustment]:
    """The extensions of ``assignment``'s ``extensions`` table, as the gradebook stores them."""
    return [
        Adjustment(
            id=0, student_id=student, kind="extension", text="in the course file", made_by="course file",
            made_at=_now(), due=due.isoformat(), cutoff=cutoff.isoformat() if cutoff else None, source="course file",
        )
        for student, (due, cutoff) in sorted(assignment.extensions.items())
    ]


def _module_texts(sources: dict[str, bytes], modules: Sequence[str]) -> dict[str, str]:
    """The assignment's modules a submission holds, as text (what the similarity check compares)."""
    return {
        module: sources[module].decode("utf-8", errors="replace")
        for module in modules
        if isinstance(sources.get(module), bytes)
    }


def _stubs(course: Course, assignment: Assignment) -> dict[str, str]:
    """The stubs the course distributed for ``assignment``'s modules (``exercises/<module>.py``): boilerplate that
    the similarity check never counts. Read beside the course file, else beside the installed grader."""
    folders = [course.exercises_folder, Path(__file__).resolve().parent.parent / "exercises"]
    stubs = {}
    for module in assignment.modules:
        for folder in folders:
            stub = folder / f"{module}.py"
            if stub.is_file():
                stubs[module] = stub.read_text(encoding="utf-8", errors="replace")
                break
    return stubs


def _import_figure_modules_meanwhile() -> threading.Thread:
    """Start importing what the class report's figures need, in a background thread; returns the thread."""
    from grader.reports.class_report import import_figure_modules

    def run() -> None:
        try:
            import_figure_modules()
        except Exception:
            pass  # the class report imports them again and reports what is wrong

    thread = threading.Thread(target=run, name="nngrade-import-figure-modules", daemon=True)
    thread.start()
    return thread


def _record(
    submission,
    info: AssignmentInfo,
    assignment: Assignment,
    *,
    exercises: tuple[ExerciseResult, ...],
    seconds: float,
    problem: str = "",
) -> StudentRecord:
    late = lateness(submission.submitted_at, due=assignment.due, policy=assignment.late)
    return StudentRecord(
        student_id=submission.student_id,
        exercises=exercises,
        problem=problem or submission.problem,
        form=submission.form,
        entry=submission.entry,
        files_hash=submission.files_hash,
        submitted_at=(
            submission.submitted_at.astimezone(dt.timezone.utc).isoformat() if submission.submitted_at else None
        ),
        timestamp_source=submission.timestamp_source,
        late_days=late.days,
        late_penalty_percent=late.penalty_percent,
        graded_at=_now(),
        seconds=seconds,
    )
