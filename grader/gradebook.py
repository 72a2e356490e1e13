"""The gradebook: every check result of every student, in SQLite.

``OUT/gradebook.sqlite`` is the one source every output is rebuilt from
(``nngrade report OUT``). It is written only by the grading process, one
transaction per student: a student's submission row, check results and named
mistakes appear together or not at all, so a run killed at any moment (even
by SIGKILL) leaves whole students only, and the next run grades the rest.
The database runs in WAL mode so a reader (an instructor's ``sqlite3``
session, ``nngrade report``) never blocks the grading.

Tables, for instructors who query them directly:

- ``submissions``: one row per student: where the submission came from, the
  hash of its files, when it was submitted, lateness, the problem that kept
  it from being graded, scores and timings;
- ``check_results``: one row per (student, exercise, check): status, score,
  feedback, what the code printed, time;
- ``named_mistakes``: one row per known mistake a check named for a student,
  e.g. ``SELECT student FROM named_mistakes WHERE mistake = 'np.sign'``;
- ``meta``: the schema version and the assignment graded here.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Iterator

from grader.errors import NngradeError
from grader.records import AssignmentInfo, CheckInfo, ExerciseInfo, LatePolicy, StudentRecord
from grader.results import CheckResult, DiagnosedMistake, ExerciseResult, Status

GRADEBOOK_FILE = "gradebook.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT PRIMARY KEY,
    form TEXT NOT NULL,
    entry TEXT NOT NULL,
    files_hash TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    submitted_at TEXT,
    timestamp_source TEXT NOT NULL,
    late_days INTEGER NOT NULL,
    late_penalty_percent REAL NOT NULL,
    problem TEXT NOT NULL,
    notes TEXT NOT NULL,
    graded_at TEXT NOT NULL,
    seconds REAL NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    final REAL NOT NULL,
    complete INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS check_results (
    student TEXT NOT NULL REFERENCES submissions (student) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    exercise_id TEXT NOT NULL,
    check_name TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL,
    max_score REAL NOT NULL,
    feedback TEXT NOT NULL,
    hidden INTEGER NOT NULL,
    output TEXT NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (student, exercise_id, check_name)
);
CREATE TABLE IF NOT EXISTS named_mistakes (
    student TEXT NOT NULL REFERENCES submissions (student) ON DELETE CASCADE,
    exercise_id TEXT NOT NULL,
    check_name TEXT NOT NULL,
    mistake TEXT NOT NULL,
    hint TEXT NOT NULL,
    PRIMARY KEY (student, exercise_id, check_name, mistake)
);
"""


class GradebookError(NngradeError):
    """The gradebook cannot be used: another assignment's, a newer schema, or not a database.

    Grade each assignment into its own output folder; a damaged gradebook can
    be moved away and the class graded again.
    """


class Gradebook:
    """An open gradebook in an output folder."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    @classmethod
    def open(cls, out: str | os.PathLike[str], *, create: bool = True) -> "Gradebook":
        """The gradebook in folder ``out`` (created with the folder when ``create``)."""
        folder = Path(out)
        path = folder / GRADEBOOK_FILE
        if not create and not path.is_file():
            raise GradebookError(f"{folder} holds no {GRADEBOOK_FILE}; grade the class into it first with `nngrade grade`")
        folder.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(path, isolation_level=None, timeout=30)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.executescript(_SCHEMA)
            version = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise GradebookError(f"{path} is not a usable gradebook ({exc}); move it away and grade again") from None
        if version is None:
            connection.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(version[0]) > SCHEMA_VERSION:
            raise GradebookError(f"{path} was written by a newer nngrade (schema {version[0]}); upgrade nngrade")
        return cls(path, connection)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- the assignment ---------------------------------------------------------------

    def assignment(self) -> AssignmentInfo | None:
        """The assignment graded here, or ``None`` for a new gradebook."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'assignment'").fetchone()
        return assignment_from_json(row[0]) if row else None

    def set_assignment(self, info: AssignmentInfo) -> None:
        """Record the assignment; refuse a gradebook that holds another assignment's grades."""
        current = self.assignment()
        if current is not None and current.name != info.name:
            raise GradebookError(
                f"{self.path} holds the grades of assignment {current.name!r}, not {info.name!r}; "
                f"grade each assignment into its own output folder"
            )
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('assignment', ?)", (json.dumps(dataclasses.asdict(info)),)
            )

    # -- students ---------------------------------------------------------------------

    def fingerprints(self) -> dict[str, str]:
        """Student id to the fingerprint of what was graded (files, time and grading settings)."""
        return dict(self._db.execute("SELECT student, fingerprint FROM submissions"))

    def save(self, record: StudentRecord, *, fingerprint: str, notes: tuple[str, ...] = ()) -> None:
        """Replace a student's rows with ``record``, in one transaction."""
        with self._transaction():
            self._db.execute("DELETE FROM submissions WHERE student = ?", (record.student_id,))
            self._db.execute(
                "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.student_id, record.form, record.entry, record.files_hash, fingerprint,
                    record.submitted_at, record.timestamp_source, record.late_days,
                    record.late_penalty_percent, record.problem, json.dumps(list(notes)), record.graded_at,
                    record.seconds, record.score, sum(e.max_score for e in record.exercises),
                    record.final, int(record.complete),
                ),
            )
            position = 0
            for exercise in record.exercises:
                for check in exercise.checks:
                    self._db.execute(
                        "INSERT INTO check_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            record.student_id, position, check.exercise_id, check.check_name, check.description,
                            check.status.value, check.score, check.max_score, check.feedback, int(check.hidden),
                            check.output, check.seconds,
                        ),
                    )
                    position += 1
                    for mistake in check.mistakes:
                        self._db.execute(
                            "INSERT OR IGNORE INTO named_mistakes VALUES (?, ?, ?, ?, ?)",
                            (record.student_id, check.exercise_id, check.check_name, mistake.name, mistake.hint),
                        )

    def records(self) -> list[StudentRecord]:
        """Every student's record, sorted by student id."""
        info = self.assignment()
        titles = {exercise.id: exercise.title for exercise in info.exercises} if info else {}
        mistakes: dict[tuple[str, str, str], list[DiagnosedMistake]] = {}
        for student, exercise_id, check_name, name, hint in self._db.execute(
            "SELECT student, exercise_id, check_name, mistake, hint FROM named_mistakes ORDER BY rowid"
        ):
            mistakes.setdefault((student, exercise_id, check_name), []).append(DiagnosedMistake(name, hint))
        checks: dict[str, list[CheckResult]] = {}
        for row in self._db.execute(
            "SELECT student, exercise_id, check_name, description, status, score, max_score, feedback, hidden, "
            "output, seconds FROM check_results ORDER BY student, position"
        ):
            student, exercise_id, check_name = row[0], row[1], row[2]
            checks.setdefault(student, []).append(
                CheckResult(
                    exercise_id=exercise_id,
                    check_name=check_name,
                    description=row[3],
                    status=Status(row[4]),
                    score=row[5],
                    max_score=row[6],
                    feedback=row[7],
                    hidden=bool(row[8]),
                    mistakes=tuple(mistakes.get((student, exercise_id, check_name), ())),
                    output=row[9],
                    seconds=row[10],
                )
            )
        records = []
        for row in self._db.execute(
            "SELECT student, form, entry, files_hash, submitted_at, timestamp_source, late_days, "
            "late_penalty_percent, problem, graded_at, seconds FROM submissions ORDER BY student"
        ):
            student = row[0]
            records.append(
                StudentRecord(
                    student_id=student,
                    exercises=tuple(_group_by_exercise(checks.get(student, []), titles)),
                    problem=row[8],
                    form=row[1],
                    entry=row[2],
                    files_hash=row[3],
                    submitted_at=row[4],
                    timestamp_source=row[5],
                    late_days=row[6],
                    late_penalty_percent=row[7],
                    graded_at=row[9],
                    seconds=row[10],
                )
            )
        return records

    def counts(self) -> tuple[int, int]:
        """(students, check results) stored."""
        students = self._db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
        checks = self._db.execute("SELECT COUNT(*) FROM check_results").fetchone()[0]
        return students, checks

    class _Transaction:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> None:
            self.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type: Any, *exc: Any) -> None:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def _transaction(self) -> "Gradebook._Transaction":
        return Gradebook._Transaction(self._db)


def _group_by_exercise(checks: list[CheckResult], titles: dict[str, str]) -> Iterator[ExerciseResult]:
    grouped: dict[str, list[CheckResult]] = {}
    for check in checks:
        grouped.setdefault(check.exercise_id, []).append(check)
    for exercise_id, results in grouped.items():
        yield ExerciseResult(exercise_id=exercise_id, title=titles.get(exercise_id, exercise_id), checks=tuple(results))


def assignment_from_json(text: str) -> AssignmentInfo:
    """The inverse of ``json.dumps(dataclasses.asdict(info))``."""
    data = json.loads(text)
    return AssignmentInfo(
        name=data["name"],
        exercises=tuple(
            ExerciseInfo(
                id=exercise["id"],
                title=exercise["title"],
                max_score=exercise["max_score"],
                checks=tuple(CheckInfo(**check) for check in exercise["checks"]),
            )
            for exercise in data["exercises"]
        ),
        due=data.get("due"),
        late=LatePolicy(**data.get("late", {})),
    )
