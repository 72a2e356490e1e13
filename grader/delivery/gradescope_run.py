"""Grading one Gradescope submission: what the autograder's ``run_autograder`` runs.

``python -m grader.delivery.gradescope_run``, from the autograder's
``source/`` folder, reads the tree Gradescope sets up (its root is
``/autograder``, or ``$NNGRADE_AUTOGRADER_ROOT``)::

    source/course.toml            the assignment's grading data (see grader.delivery.gradescope_autograder)
    submission/                   the student's files as Gradescope unpacked them
    submission_metadata.json      who submitted, and when
    results/results.json          written here, last, atomically

The submission is read as a folder entry of ``nngrade grade`` is (``.py``
modules and notebooks, through one top folder), or, when it holds only a zip,
as that zip. Every check of the assignment, public and hidden, runs on it in
the sandbox, with hidden inputs generated for the submitting student: the
Gradescope user id from the metadata (every member's, for a group), or the
submission's id when there is none. ``results.json`` is
:func:`grader.reports.gradescope_results.results_json`'s document.

Whatever happens -- no files, a syntax error, a fault in the grader -- a valid
``results.json`` is written with a message that says what happened, and the
process exits with 0 once it is written. Lateness is left to Gradescope,
which applies the assignment's own late policy to the score.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

ROOT_ENVIRONMENT = "NNGRADE_AUTOGRADER_ROOT"
"""the environment variable that moves the autograder's root away from ``/autograder`` (for trials)"""

DEFAULT_ROOT = Path("/autograder")

COURSE_FILE = "course.toml"
"""the grading data's name in ``source/``; named as a course file, it is also among the paths the sandbox
hides from student code by default"""

LATE_NOTE = "Late submissions: Gradescope applies the assignment's late policy to this score."

FAULT_ADVICE = (
    "This is a fault in the autograder, not in your code: tell your instructor, who can see the details "
    "in the autograder's output and run the autograder again."
)


@dataclass(frozen=True)
class AutograderPaths:
    """Where Gradescope puts everything, under one root."""

    root: Path

    @classmethod
    def from_environment(cls) -> "AutograderPaths":
        return cls(Path(os.environ.get(ROOT_ENVIRONMENT) or DEFAULT_ROOT).resolve())

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def course_file(self) -> Path:
        return self.source / COURSE_FILE

    @property
    def submission(self) -> Path:
        return self.root / "submission"

    @property
    def metadata(self) -> Path:
        return self.root / "submission_metadata.json"

    @property
    def results(self) -> Path:
        return self.root / "results" / "results.json"


@dataclass(frozen=True)
class Submitter:
    """Who a submission is graded for."""

    student_id: str
    """the id hidden inputs are generated for: the Gradescope user id (ids joined by ``+`` for a group),
    else ``submission-<id>``"""
    described: str
    """where the id came from, for the autograder's log"""
    submitted_at: str | None = None
    """ISO 8601 in UTC, from the metadata's ``created_at``; ``None`` when unknown"""


def _submitted_at(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).isoformat()


def _plain_id(value: Any) -> str | None:
    """A user or submission id as text; ``None`` for anything that is not a number or a short plain string."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip() and len(value) <= 200:
        return value.strip()
    return None


def read_submitter(metadata: Path) -> Submitter:
    """Who submitted, from Gradescope's ``submission_metadata.json``; never raises.

    Gradescope documents ``users`` (each with an ``id``), the submission's
    ``id`` and its ``created_at``. Without any id the submission is graded for
    ``unknown`` and the log says so.
    """
    try:
        data = json.loads(metadata.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return Submitter("unknown", f"no usable {metadata.name} ({error}); hidden inputs are those of 'unknown'")
    if not isinstance(data, dict):
        return Submitter("unknown", f"{metadata.name} is not a JSON object; hidden inputs are those of 'unknown'")
    submitted_at = _submitted_at(data.get("created_at"))
    users = data.get("users")
    found: set[str] = set()
    for user in users if isinstance(users, list) else []:
        user_id = _plain_id(user.get("id")) if isinstance(user, dict) else None
        if user_id:
            found.add(user_id)
    ids = sorted(found)
    if ids:
        who = "Gradescope user" if len(ids) == 1 else "Gradescope group of users"
        return Submitter("+".join(ids), f"{who} {', '.join(ids)}", submitted_at)
    submission = _plain_id(data.get("id"))
    if submission:
        return Submitter(f"submission-{submission}", f"submission {submission} (the metadata names no user)", submitted_at)
    return Submitter("unknown", f"{metadata.name} names no user and no submission id", submitted_at)


@dataclass(frozen=True)
class ReadSubmission:
    """A Gradescope submission read into module sources, or why it cannot be graded."""

    form: str
    """``folder`` or ``zip``"""
    entry: str
    sources: dict[str, bytes]
    files_hash: str
    problem: str = ""
    notes: tuple[str, ...] = ()


def read_gradescope_submission(folder: Path, *, modules: Sequence[str]) -> ReadSubmission:
    """The module sources in ``folder``, read as ``nngrade grade`` reads a folder entry; never raises.

    A folder that holds a zip and no modules or notebooks is read as that zip
    (a student who uploaded one); anything else is read as a folder.
    """
    from grader.submissions.file_set import is_junk, is_taken
    from grader.submissions.sources import module_sources
    from grader.submissions.student_folder import read_student_folder
    from grader.submissions.zip_archive import read_zip_file

    if not folder.is_dir():
        return ReadSubmission(
            "folder", "submission", {}, "", f"there is no submission folder ({folder}): submit your files again"
        )
    try:
        children = sorted(child for child in folder.iterdir() if not is_junk(child.name))
    except OSError as error:
        return ReadSubmission("folder", "submission", {}, "", f"the submission cannot be read ({error.strerror})")
    zips = [
        child for child in children
        if child.name.lower().endswith(".zip") and child.is_file() and not child.is_symlink()
    ]
    if zips and not any(is_taken(child.name) for child in children):
        if len(zips) > 1:
            names = ", ".join(child.name for child in zips)
            return ReadSubmission(
                "zip", names, {}, "", f"the submission holds {len(zips)} zips ({names}): submit one zip, or the .py files"
            )
        files = read_zip_file(zips[0], shown=zips[0].name)
        form, entry = "zip", zips[0].name
    else:
        files = read_student_folder(folder, shown="submission", root=folder.resolve())
        form, entry = "folder", "submission"
    found = module_sources(files, shown=entry, modules=modules)
    return ReadSubmission(form, entry, dict(found.sources), files.files_hash, found.problem, tuple(found.notes))


def _keep_from_student_code(paths: Sequence[Path]) -> None:
    """Take group and other permissions off ``paths``.

    The sandbox hides them from student code with mounts where it can; where
    it cannot (a container without namespaces), student code still runs as a
    user of its own, and these permissions keep it out.
    """
    for path in paths:
        try:
            status = os.lstat(path)
            if not stat.S_ISLNK(status.st_mode):
                os.chmod(path, stat.S_IMODE(status.st_mode) & ~0o077)
        except OSError:
            pass


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def grade_submission(paths: AutograderPaths, *, started: float) -> dict[str, Any]:
    """Grade the submission under ``paths``; returns the ``results.json`` document.

    A submission that cannot be read, and a fault while grading it, become a
    document with score 0 and a message; only a fault before the assignment
    is known (its grading data cannot be read) raises.
    """
    from grader.student_grading import GradingSettings, grade_student
    from grader.course import CourseFileError, load_course
    from grader.records import GRADER_FAULT, StudentRecord
    from grader.registry import load_registry
    from grader.reports.gradescope_results import results_json
    from grader.results import ExerciseResult
    from grader.sandbox import Sandbox
    from grader.sandbox.sandbox import default_protected_paths

    course = load_course(paths.course_file, load_registry())
    if len(course.assignments) != 1:
        raise CourseFileError(
            f"{paths.course_file}: defines {len(course.assignments)} assignments, where the autograder's grading data "
            f"holds exactly one; write the autograder again with `nngrade gradescope -a ASSIGNMENT`"
        )
    (assignment,) = course.assignments.values()
    info = assignment.info()
    submitter = read_submitter(paths.metadata)
    print(f"nngrade autograder: assignment {assignment.name}, graded for {submitter.described}")

    paths.results.parent.mkdir(parents=True, exist_ok=True)
    private = [paths.course_file, paths.source / "reference", paths.metadata, paths.results.parent]
    _keep_from_student_code([path for path in private if path.exists()])
    hidden = {*default_protected_paths(), *(str(path) for path in (*private, paths.submission) if path.exists())}
    settings = GradingSettings(
        salt=course.salt,
        exercise_ids=tuple(exercise.id for exercise in assignment.exercises),
        scales={exercise.id: assignment.scale(exercise) for exercise in assignment.exercises},
        limits=course.limits,
        budget=assignment.budget,
        **course.grading_options(assignment),
        protected=tuple(sorted(hidden)),
    )

    read = read_gradescope_submission(paths.submission, modules=assignment.modules)
    for note in read.notes:
        print(f"note: {note}")
    exercises: tuple[ExerciseResult, ...] = ()
    problem = read.problem
    if not problem:
        try:
            with Sandbox(settings.limits, protected=list(settings.protected)) as sandbox:
                exercises = grade_student(submitter.student_id, read.sources, settings, sandbox).exercises
        except Exception as error:  # a fault of the grader's own: reported in results.json, never as the student's
            traceback.print_exc(file=sys.stdout)
            problem = f"{GRADER_FAULT}: {type(error).__name__}: {error}"
    record = StudentRecord(
        student_id=submitter.student_id,
        exercises=exercises,
        problem=problem,
        form=read.form,
        entry=read.entry,
        files_hash=read.files_hash,
        submitted_at=submitter.submitted_at,
        graded_at=_now(),
        seconds=round(time.perf_counter() - started, 3),
    )
    document = results_json(info, record)
    extra = [LATE_NOTE]
    if read.notes and not problem:
        extra.insert(0, "About your files:\n" + "\n".join(f"- {note}" for note in read.notes))
    document["output"] = "\n\n".join([document["output"], *extra])
    print(f"nngrade autograder: {record.final:g}/{info.max_score:g} points" + (f"; {problem}" if problem else ""))
    return document


def fault_document(error: BaseException, *, started: float) -> dict[str, Any]:
    """The ``results.json`` of a run the grader could not finish: score 0 and a message that says so.

    Only the kind of error is shown; its details, which may quote the grading
    data, go to the autograder's output, which students do not see.
    """
    return {
        "score": 0.0,
        "execution_time": round(max(time.perf_counter() - started, 0.0), 2),
        "output": f"Your submission could not be graded: the autograder failed ({type(error).__name__}).\n\n"
        + FAULT_ADVICE,
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"problem": type(error).__name__, "incomplete": True},
        "tests": [],
    }


def main() -> int:
    """Grade, write ``results.json`` atomically, last; returns 0 once it is written."""
    started = time.perf_counter()
    paths = AutograderPaths.from_environment()
    import importlib.util

    reference = importlib.util.find_spec("reference")
    print(
        f"nngrade autograder: grader {Path(__file__).resolve().parents[1]}, reference "
        f"{Path(reference.origin).resolve().parent if reference and reference.origin else 'not found'}, "
        f"root {paths.root}"
    )
    try:
        document = grade_submission(paths, started=started)
    except Exception as error:  # whatever went wrong, Gradescope still gets a results.json that says so
        traceback.print_exc(file=sys.stdout)
        document = fault_document(error, started=started)
    from grader.reports.output_files import write_atomically

    write_atomically(paths.results, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"nngrade autograder: wrote {paths.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
