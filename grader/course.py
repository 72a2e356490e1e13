"""The course file (``course.toml``): assignments, the grading salt and sandbox limits.

An instructor writes it once, at the course's root::

    salt = "a long random string"      # or salt_file = ".nngrade-salt"
    timezone = "Europe/Amsterdam"       # for every time written without an offset; times are shown in it
    file_times = false                  # date a submission by its files' times when nothing else does
    scheduler = "tcp://lab-1:8786"      # optional: grade on this Dask cluster (or "local:2")

    [sandbox]                           # the course's limits (see grader.sandbox.Limits)
    wall_seconds = 30

    [submission]                        # what a student's modules may import, besides the
    packages = ["numpy==2.4.6", "torch==2.13.0"]   # standard library (see grader.submission_environment)

    [assignments.a1]
    title = "Perceptrons and backpropagation"
    exercises = ["perceptron", "backprop.*"]
    due = 2026-10-15T23:59:00+02:00

    [assignments.a1.points]             # an exercise's total, its checks scaled to it
    "perceptron.train" = 4

    [assignments.a1.late]
    per_day_percent = 10
    max_percent = 50
    grace_minutes = 15
    cutoff = 2026-10-22T23:59:00+02:00

    [assignments.a1.budget]             # all of one student's calls together (default: one
    wall_seconds = 120                  # call's limits per exercise, see grader.limits.Budget)
    cpu_seconds = 40

    [assignments.a1.extensions]         # a student's own due date (the cutoff moves with it) ...
    alice = 2026-10-20T23:59:00
    bob = { due = 2026-10-20T23:59:00, cutoff = 2026-10-27T23:59:00 }   # ... or due date and cutoff

For the course-wide gradebook (``nngrade export course``), an assignment may
name the folder it is graded into and its weight, and the course may drop
each student's lowest assignments::

    [course]
    drop_lowest = 1                     # each student's lowest assignment (by percent) does not count

    [assignments.a1]
    output = "graded/a1"                # the output folder of `nngrade grade`, from the course file's folder
    weight = 0.4                        # weights are relative; give every assignment one, or none (all equal)

:func:`load_course` reads and validates it. Every message names the file, the
key and the problem, so a typo (``due_date``) is caught before any grading.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from grader.declarations import Exercise, data_file_contents
from grader.errors import InvalidDeclaration, NngradeError, UnknownExercise
from grader.records import AssignmentInfo, CheckInfo, ExerciseInfo, LatePolicy
from grader.registry import Registry
from grader.limits import Budget, Limits, validate_budget
from grader.submission_environment import SubmissionEnvironment, default_environment, import_name, validate_packages

COURSE_FILE = "course.toml"
SALT_ENVIRONMENT = "NNGRADE_SALT"
"""an environment variable that overrides the course file's salt (keeps it out of version control)"""
MIN_SALT_LENGTH = 8


class CourseFileError(NngradeError):
    """The course file is missing, is not TOML, or holds a key that is wrong.

    The message names the file and the key (``assignments.a1.due``) and says
    what is expected there.
    """


@dataclass(frozen=True)
class Assignment:
    """One assignment of the course file, resolved against the registry."""

    name: str
    title: str
    exercises: tuple[Exercise, ...]
    points: Mapping[str, float] = field(default_factory=dict)
    """exercise id to its total points in this assignment (only where overridden)"""
    due: dt.datetime | None = None
    late: LatePolicy = field(default_factory=LatePolicy)
    budget: Budget | None = None
    """the most all of one student's calls may take together; None: derived from the exercises' limits"""
    extensions: Mapping[str, tuple[dt.datetime, dt.datetime | None]] = field(default_factory=dict)
    """student id to their own due date and cutoff (None: the assignment's, moved with the due date)"""
    file_times: bool | None = None
    """date a submission by its files' times when nothing else does; None: as the course file's top level says"""
    timezone: str = "UTC"
    """the course's time zone, an IANA name"""
    weight: float | None = None
    """the assignment's weight in the course-wide gradebook (relative to the others'); None: not given"""
    output: Path | None = None
    """the folder the assignment is graded into (``output``, from the course file's folder); None: not given"""

    @property
    def modules(self) -> list[str]:
        """The student modules the assignment's exercises live in, in order."""
        return list(dict.fromkeys(exercise.student.module for exercise in self.exercises))

    def scale(self, exercise: Exercise) -> float:
        """The factor that turns the exercise's declared points into this assignment's."""
        if exercise.id not in self.points:
            return 1.0
        return self.points[exercise.id] / exercise.points

    def info(self) -> AssignmentInfo:
        """The assignment as the gradebook and the reports record it."""
        exercises = []
        for exercise in self.exercises:
            factor = self.scale(exercise)
            checks = tuple(
                CheckInfo(
                    name=check.name,
                    description=check.description,
                    hidden=check.hidden,
                    max_score=round(check.points * factor, 4),
                )
                for check in exercise.checks
            )
            exercises.append(
                ExerciseInfo(
                    id=exercise.id,
                    title=exercise.title,
                    max_score=round(exercise.points * factor, 4),
                    checks=checks,
                )
            )
        return AssignmentInfo(
            name=self.name,
            exercises=tuple(exercises),
            due=self.due.isoformat() if self.due else None,
            late=self.late,
            timezone=self.timezone,
        )


@dataclass(frozen=True)
class Course:
    """A validated course file."""

    path: Path
    salt: str
    limits: Limits
    assignments: Mapping[str, Assignment]
    salt_file: Path | None = None
    scheduler: str | None = None
    """the Dask scheduler ``nngrade grade`` sends students to (an address, or ``local:N``); None: this machine"""
    environment: SubmissionEnvironment = field(default_factory=default_environment)
    """what a submission may import (``[submission] packages``); the default when the file declares none"""
    timezone: str = "UTC"
    """the course's time zone (``timezone``, an IANA name): times written without an offset are in it, and
    every time shown to a person is shown in it"""
    file_times: bool = False
    """``file_times`` at the top level: date a submission by its files' modification times when nothing else does"""
    drop_lowest: int = 0
    """``[course] drop_lowest``: how many of each student's lowest assignments the course-wide gradebook drops"""

    @property
    def zone(self) -> dt.tzinfo:
        """:attr:`timezone` as a tzinfo."""
        return dt.timezone.utc if self.timezone == "UTC" else zoneinfo.ZoneInfo(self.timezone)

    def uses_file_times(self, assignment: Assignment) -> bool:
        """Whether the course file lets file times date ``assignment``'s submissions (the assignment's key wins)."""
        return self.file_times if assignment.file_times is None else assignment.file_times

    @property
    def exercises_folder(self) -> Path:
        """The course's ``exercises/`` folder, beside the course file: the stubs and the exercises' data files."""
        return self.path.parent / "exercises"

    def grading_options(self, assignment: Assignment) -> dict[str, Any]:
        """What grading ``assignment`` runs student code with besides its limits: the submission environment
        (torch only when an exercise of it needs it, as its bundle installs it) and its exercises' data files.

        Raises :class:`CourseFileError` naming a declared data file that is
        not in the course's ``exercises/`` folder.
        """
        try:
            data_files = data_file_contents(assignment.exercises, self.exercises_folder)
        except InvalidDeclaration as exc:
            raise CourseFileError(f"{self.path}: assignment {assignment.name!r}: {exc}") from None
        return {"environment": self.environment.for_exercises(assignment.exercises), "data_files": data_files}

    def assignment(self, name: str) -> Assignment:
        try:
            return self.assignments[name]
        except KeyError:
            known = ", ".join(sorted(self.assignments)) or "none"
            raise CourseFileError(
                f"{self.path}: there is no assignment {name!r}; the course file defines: {known}"
            ) from None


_TOP_KEYS = {
    "salt", "salt_file", "timezone", "file_times", "sandbox", "submission", "assignments", "course", "scheduler",
}
_SUBMISSION_KEYS = {"packages"}
_ASSIGNMENT_KEYS = {"title", "exercises", "points", "due", "late", "budget", "extensions", "file_times"}
_EXTENSION_KEYS = {"due", "cutoff"}
_LATE_KEYS = {"per_day_percent", "max_percent", "grace_minutes", "cutoff"}
_COURSE_KEYS = {"drop_lowest"}
_GRADEBOOK_ASSIGNMENT_KEYS = {"weight", "output"}
"""an assignment's keys for the course-wide gradebook"""


def scheduler_problem(value: object) -> str:
    """What is wrong with a Dask scheduler given on the command line or in the course file; empty when nothing is."""
    example = "'local:2' (a cluster of 2 workers on this machine) or a scheduler's address such as 'tcp://lab-1:8786'"
    if not isinstance(value, str) or not value.strip():
        return f"must be {example}, not {value!r}"
    if value.startswith("local:"):
        count = value[len("local:"):]
        if not count.isdigit() or not 1 <= int(count) <= 1024:
            return f"{value!r}: after 'local:' comes the number of workers, from 1 to 1024, e.g. 'local:2'"
        return ""
    if any(character.isspace() for character in value) or ":" not in value:
        return f"{value!r} is not a scheduler's address; it must be {example}"
    return ""


def find_course_file(start: str | os.PathLike[str] | None = None) -> Path:
    """``course.toml`` in ``start`` (default: the working directory) or the nearest folder above it."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / COURSE_FILE).is_file():
            return folder / COURSE_FILE
    raise CourseFileError(
        f"no {COURSE_FILE} in {here} or the folders above it; run from the course's folder "
        f"or pass the course file with --course"
    )


@dataclass(frozen=True)
class SelfCheckSettings:
    """What a self-check runs a student's calls under, as grading does: the limits and what may be imported."""

    limits: Limits
    """the course's limits (each exercise's own overrides apply on top, as in grading)"""
    environment: SubmissionEnvironment
    source: str
    """where they come from: the course file's path, the student bundle, or nngrade's defaults"""


def selfcheck_code_options(folder: str | os.PathLike[str], exercises: Sequence[Exercise]) -> dict[str, Any]:
    """The keyword arguments of the sandboxed student code a self-check of ``exercises`` in ``folder`` uses.

    The course's limits and submission environment (:func:`selfcheck_settings`,
    torch only when one of ``exercises`` needs it, as the bundle installs it),
    and the data files the exercises declare, read from ``folder`` (the
    student's copy; one they removed is left out). So a self-check runs each
    call as grading does.
    """
    settings = selfcheck_settings(folder)
    return {
        "limits": settings.limits,
        "environment": settings.environment.for_exercises(exercises),
        "data_files": data_file_contents(exercises, folder, missing_ok=True),
    }


def shipped_environment() -> SubmissionEnvironment | None:
    """The packages a student bundle allows, recorded in its grader package; None outside a bundle."""
    import json

    from grader.submission_environment import ENVIRONMENT_FILE, read_environment

    path = Path(__file__).resolve().parent / ENVIRONMENT_FILE
    if not path.is_file():
        return None
    try:
        return read_environment(json.loads(path.read_text(encoding="utf-8")), where=str(path))
    except (OSError, ValueError, InvalidDeclaration) as exc:
        raise CourseFileError(f"{path}: cannot be read ({exc}); reinstall the exercises' bundle with `pip install .`") from None


def selfcheck_settings(folder: str | os.PathLike[str]) -> SelfCheckSettings:
    """The limits and submission environment a self-check of ``folder`` uses: those grading uses.

    In a student bundle, those it records (each released exercise carries the
    course's limits for its calls). In a course checkout, the course file's
    ``[sandbox]`` and ``[submission]``, from ``course.toml`` in ``folder`` or
    above it, else in the working folder or above it. Elsewhere, nngrade's
    defaults. Raises :class:`CourseFileError` for a course file whose limits
    or packages are wrong.
    """
    shipped = shipped_environment()
    if shipped is not None:
        return SelfCheckSettings(limits=Limits(), environment=shipped, source="the exercises' bundle")
    for start in (Path(folder), Path.cwd()):
        try:
            path = find_course_file(start)
        except CourseFileError:
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CourseFileError(f"{path}: cannot be read as TOML: {exc}") from None
        reader = _Reader(path, registry=None)
        return SelfCheckSettings(limits=reader.limits(data), environment=reader.environment(data), source=str(path))
    return SelfCheckSettings(limits=Limits(), environment=default_environment(), source="nngrade's defaults")


def load_course(path: str | os.PathLike[str], registry: Registry) -> Course:
    """Read and validate a course file; raise :class:`CourseFileError` naming the key at fault."""
    path = Path(path).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CourseFileError(f"{path}: no such course file; write one (see the README) or pass --course") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseFileError(f"{path}: cannot be read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CourseFileError(f"{path}: is not valid TOML: {exc}") from None
    return _Reader(path, registry).course(data)


class _Reader:
    """Validation of one course file's contents, with messages that name the file and key."""

    def __init__(self, path: Path, registry: Registry | None) -> None:
        self.path = path
        self.registry = registry
        self.zone: dt.tzinfo = dt.timezone.utc
        self.zone_name = "UTC"

    def error(self, key: str, problem: str) -> CourseFileError:
        return CourseFileError(f"{self.path}: {key}: {problem}")

    def unknown_keys(self, table: Mapping[str, Any], known: set[str], where: str) -> None:
        unknown = sorted(set(table) - known)
        if unknown:
            key = f"{where}.{unknown[0]}" if where else unknown[0]
            raise self.error(key, f"unknown key; the keys here are {', '.join(sorted(known))}")

    def course(self, data: dict[str, Any]) -> Course:
        self.unknown_keys(data, _TOP_KEYS, "")
        if "timezone" in data:
            self.zone = self.timezone(data["timezone"])
            self.zone_name = data["timezone"]
        file_times = self.flag(data.get("file_times", False), "file_times")
        salt, salt_file = self.salt(data)
        limits = self.limits(data)
        environment = self.environment(data)
        assignments_table = data.get("assignments")
        if not isinstance(assignments_table, dict) or not assignments_table:
            raise self.error("assignments", "the course file defines no assignment; add [assignments.<name>]")
        assignments = {
            name: self.assignment(name, table) for name, table in assignments_table.items()
        }
        declared = {import_name(package) for package in environment.packages}
        for name, assignment in assignments.items():
            torch_exercises = [e.id for e in assignment.exercises if e.uses_torch or e.student.scripted]
            if torch_exercises and "torch" not in declared:
                raise self.error(
                    "submission.packages",
                    f"assignment {name!r} has exercises that need torch ({', '.join(torch_exercises[:3])}); "
                    "add torch, pinned, e.g. 'torch==2.13.0'",
                )
        scheduler = data.get("scheduler")
        if scheduler is not None and scheduler_problem(scheduler):
            raise self.error("scheduler", scheduler_problem(scheduler))
        self.check_weights(assignments)
        drop_lowest = self.drop_lowest(data.get("course", {}), len(assignments))
        return Course(
            path=self.path, salt=salt, limits=limits, assignments=assignments, salt_file=salt_file,
            scheduler=scheduler, environment=environment, timezone=self.zone_name, file_times=file_times,
            drop_lowest=drop_lowest,
        )

    def check_weights(self, assignments: Mapping[str, Assignment]) -> None:
        """Every assignment has a weight, or none has (then all weigh the same)."""
        weighted = [name for name, assignment in assignments.items() if assignment.weight is not None]
        if weighted and len(weighted) < len(assignments):
            unweighted = next(name for name in assignments if name not in weighted)
            raise self.error(
                f"assignments.{unweighted}.weight",
                f"is missing, while {', '.join(repr(name) for name in weighted[:3])} "
                f"{'has' if len(weighted) == 1 else 'have'} one: give every assignment a weight, or none "
                f"(then every assignment weighs the same)",
            )

    def drop_lowest(self, table: Any, assignments: int) -> int:
        if not isinstance(table, dict):
            raise self.error("course", "must be a table: [course] drop_lowest = 1")
        self.unknown_keys(table, _COURSE_KEYS, "course")
        value = table.get("drop_lowest", 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error("course.drop_lowest", f"must be a whole number of assignments, 0 or more, not {value!r}")
        if value >= assignments:
            raise self.error(
                "course.drop_lowest",
                f"drops {value} of the course's {assignments} assignments, which leaves none to count; "
                f"at most {assignments - 1}",
            )
        return value

    def weight(self, value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or value == float("inf"):
            raise self.error(key, f"must be a number greater than 0 (weights are relative: 0.4, or 40), not {value!r}")
        return float(value)

    def output(self, value: Any, key: str) -> Path:
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f'must be a folder, e.g. output = "graded/a1", not {value!r}')
        return (self.path.parent / value).resolve()

    def flag(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {value!r}")
        return value

    def extensions(self, table: Any, where: str, due: dt.datetime | None, late: LatePolicy) -> dict:
        key = f"{where}.extensions"
        if not isinstance(table, dict):
            raise self.error(key, 'must be a table of student = due date, e.g. alice = 2026-10-20T23:59:00')
        if table and due is None:
            raise self.error(key, "an extension moves the due date, and this assignment has none; add due = ...")
        extensions = {}
        for student, value in table.items():
            at = f'{key}."{student}"' if not student.isidentifier() else f"{key}.{student}"
            if isinstance(value, dict):
                self.unknown_keys(value, _EXTENSION_KEYS, at)
                if "due" not in value:
                    raise self.error(at, "needs a due date: { due = 2026-10-20T23:59:00 } (cutoff is optional)")
                own_due = self.datetime(value["due"], f"{at}.due")
                cutoff = self.datetime(value["cutoff"], f"{at}.cutoff") if "cutoff" in value else None
            else:
                own_due, cutoff = self.datetime(value, at), None
            if cutoff is not None and cutoff < own_due:
                raise self.error(f"{at}.cutoff", "is before the extension's due date")
            extensions[student] = (own_due, cutoff)
        return extensions

    def limits(self, data: dict[str, Any]) -> Limits:
        sandbox = data.get("sandbox", {})
        if not isinstance(sandbox, dict):
            raise self.error("sandbox", "must be a table of limits, e.g. [sandbox] wall_seconds = 30")
        try:
            return Limits().merged(sandbox, where=f"{self.path}: sandbox")
        except InvalidDeclaration as exc:
            raise CourseFileError(str(exc)) from None

    def environment(self, data: dict[str, Any]) -> SubmissionEnvironment:
        if "submission" not in data:
            return default_environment()
        table = data["submission"]
        if not isinstance(table, dict):
            raise self.error("submission", 'must be a table: [submission] packages = ["numpy==2.4.6", ...]')
        self.unknown_keys(table, _SUBMISSION_KEYS, "submission")
        if "packages" not in table:
            raise self.error("submission.packages", 'is missing; list what a submission may import, e.g. ["numpy==2.4.6"]')
        try:
            return SubmissionEnvironment(validate_packages(table["packages"], where=f"{self.path}: submission.packages"))
        except InvalidDeclaration as exc:
            raise CourseFileError(str(exc)) from None

    def timezone(self, value: Any) -> dt.tzinfo:
        if not isinstance(value, str):
            raise self.error("timezone", f"must be a time zone name such as 'Europe/Amsterdam', not {value!r}")
        try:
            return zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise self.error("timezone", f"{value!r} is not a known time zone name (e.g. 'UTC', 'Europe/Amsterdam')") from None

    def salt(self, data: dict[str, Any]) -> tuple[str, Path | None]:
        from_environment = os.environ.get(SALT_ENVIRONMENT)
        if from_environment:
            return from_environment, None
        if "salt" in data and "salt_file" in data:
            raise self.error("salt_file", "give either salt or salt_file, not both")
        if "salt_file" in data:
            value = data["salt_file"]
            if not isinstance(value, str):
                raise self.error("salt_file", f"must be a file name, not {value!r}")
            salt_path = (self.path.parent / value).resolve()
            try:
                salt = salt_path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise self.error("salt_file", f"cannot read {salt_path}: {exc.strerror}") from None
            self.check_salt(salt, "salt_file")
            return salt, salt_path
        if "salt" not in data:
            raise self.error(
                "salt",
                "the course file has no grading salt; add salt = \"<a long random string>\" "
                f"(or salt_file, or set {SALT_ENVIRONMENT}): hidden inputs are derived from it",
            )
        salt = data["salt"]
        if not isinstance(salt, str):
            raise self.error("salt", f"must be a string, not {salt!r}")
        self.check_salt(salt, "salt")
        return salt, None

    def check_salt(self, salt: str, key: str) -> None:
        if len(salt) < MIN_SALT_LENGTH:
            raise self.error(key, f"the salt is too short to keep hidden inputs unguessable; use at least {MIN_SALT_LENGTH} characters")

    def assignment(self, name: str, table: Any) -> Assignment:
        where = f"assignments.{name}"
        if not isinstance(table, dict):
            raise self.error(where, "must be a table: [assignments.<name>] with exercises = [...]")
        self.unknown_keys(table, _ASSIGNMENT_KEYS | _GRADEBOOK_ASSIGNMENT_KEYS, where)
        title = table.get("title", name)
        if not isinstance(title, str):
            raise self.error(f"{where}.title", f"must be a string, not {title!r}")
        selectors = table.get("exercises")
        if (
            not isinstance(selectors, list)
            or not selectors
            or not all(isinstance(selector, str) for selector in selectors)
        ):
            raise self.error(
                f"{where}.exercises",
                "must be a non-empty list of exercise ids, topics or patterns, e.g. [\"perceptron\", \"backprop.*\"]",
            )
        try:
            assert self.registry is not None, "assignments are read with a registry"
            exercises = tuple(self.registry.select(selectors))
        except UnknownExercise as exc:
            raise self.error(f"{where}.exercises", str(exc)) from None
        points = self.points(table.get("points", {}), exercises, where)
        due = self.datetime(table["due"], f"{where}.due") if "due" in table else None
        late = self.late(table.get("late", {}), where, due)
        budget = None
        if "budget" in table:
            try:
                budget = validate_budget(table["budget"], where=f"{self.path}: {where}.budget")
            except InvalidDeclaration as exc:
                raise CourseFileError(str(exc)) from None
        extensions = self.extensions(table.get("extensions", {}), where, due, late)
        file_times = self.flag(table["file_times"], f"{where}.file_times") if "file_times" in table else None
        weight = self.weight(table["weight"], f"{where}.weight") if "weight" in table else None
        output = self.output(table["output"], f"{where}.output") if "output" in table else None
        return Assignment(
            name=name, title=title, exercises=exercises, points=points, due=due, late=late, budget=budget,
            extensions=extensions, file_times=file_times, timezone=self.zone_name, weight=weight, output=output,
        )

    def points(self, table: Any, exercises: tuple[Exercise, ...], where: str) -> dict[str, float]:
        if not isinstance(table, dict):
            raise self.error(f"{where}.points", "must be a table of exercise id = points")
        ids = {exercise.id for exercise in exercises}
        points: dict[str, float] = {}
        for exercise_id, value in table.items():
            key = f'{where}.points."{exercise_id}"'
            if exercise_id not in ids:
                raise self.error(key, f"{exercise_id!r} is not one of this assignment's exercises")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise self.error(key, f"must be a number of points greater than 0, not {value!r}")
            points[exercise_id] = float(value)
        return points

    def late(self, table: Any, where: str, due: dt.datetime | None) -> LatePolicy:
        key = f"{where}.late"
        if not isinstance(table, dict):
            raise self.error(key, "must be a table with per_day_percent, max_percent, grace_minutes or cutoff")
        self.unknown_keys(table, _LATE_KEYS, key)
        numbers: dict[str, float] = {}
        for name in ("per_day_percent", "max_percent", "grace_minutes"):
            if name in table:
                value = table[name]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise self.error(f"{key}.{name}", f"must be a number of at least 0, not {value!r}")
                if name.endswith("percent") and value > 100:
                    raise self.error(f"{key}.{name}", f"is a percentage: at most 100, not {value!r}")
                numbers[name] = float(value)
        cutoff = self.datetime(table["cutoff"], f"{key}.cutoff") if "cutoff" in table else None
        if (numbers.get("per_day_percent") or cutoff) and due is None:
            raise self.error(f"{where}.due", "a late policy needs a due date; add due = 2026-10-15T23:59:00+02:00")
        if cutoff is not None and due is not None and cutoff < due:
            raise self.error(f"{key}.cutoff", "is before the due date")
        return LatePolicy(
            per_day_percent=numbers.get("per_day_percent", 0.0),
            max_percent=numbers.get("max_percent", 100.0),
            grace_minutes=numbers.get("grace_minutes", 0.0),
            cutoff=cutoff.isoformat() if cutoff else None,
        )

    def datetime(self, value: Any, key: str) -> dt.datetime:
        """A TOML date-time or an ISO 8601 string; without an offset, in the course's time zone."""
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                value = None
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time(23, 59, 59))
        if not isinstance(value, dt.datetime):
            raise self.error(key, "must be a date and time such as 2026-10-15T23:59:00+02:00")
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        return value.astimezone(dt.timezone.utc)
