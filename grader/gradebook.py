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
- ``module_problems``: one row per check that a student's module stopped (it
  could not be loaded, or lacks the function): the module, the missing
  function (empty when the module itself failed) and the full message, which
  the outputs show once per module while the check's feedback says "not run";
- ``adjustments``: one row per decision of the instructor's about a student
  (``nngrade adjust``, ``extend``, ``excuse``, ``comment``, and the course
  file's extensions): points with a reason, an extension's due date and
  cutoff, excused lateness, a comment; who made it and when. Grading never
  writes or deletes these rows, so every regrade keeps them; they are applied
  whenever the records are read (:meth:`Gradebook.records`);
- ``submitted_sources``: one row per module a student handed in, as grading
  read it, so that the similarity of submissions (:mod:`grader.similarity`)
  is computed again by ``nngrade report`` without the submissions;
- ``tampering_flags``: one row per sign of tampering grading saw in a
  student's submission (:mod:`grader.tampering`): its kind and evidence. A
  flag is for an instructor to look at; it never changes a score;
- ``check_versions``: one row per (student, exercise) graded: the version
  of the exercise's checks that graded it (:mod:`grader.check_versions`: a
  fingerprint of its declaration, check code, reference code, data files and
  points, and the hash of each part), so that ``nngrade grade`` regrades only
  the exercises whose checks changed since;
- ``score_history``: one row per exercise score that a regrade replaced with
  another (a check fixed, a submission changed): the previous score, when and
  under which check version it was graded, the new score and why; never
  deleted, so the report can show every student's earlier scores;
- ``meta``: the schema version, the assignment graded here, the stubs the
  course distributed for its modules (``stubs``, boilerplate to the similarity
  check) and the similarity threshold chosen (``similarity_threshold``).

A gradebook of schema 1 (before ``adjustments``) gains the table, empty, and
schema 2 when it is opened; one without ``submitted_sources`` and
``tampering_flags`` gains them, empty (its students are compared and flagged
once they are graded again).

The gradebook is checked each time it is opened (:func:`gradebook_damage`):
the schema version, every table with its columns, SQLite's own page check,
every row's statuses, numbers and JSON, and that each student's rows agree
(the check results of a graded student are all there, their points add up to
the stored totals, no row belongs to a student that is not stored). A
gradebook that fails is refused with :class:`DamagedGradebook`, which names
the damage and how to recover: nothing is graded into it, no output is
rebuilt from it, and no student in it is taken as unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import math
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from grader.adjustments import adjusted_records
from grader.errors import NngradeError
from grader.records import (
    ADJUSTMENT_KINDS,
    GRADER_FAULT,
    Adjustment,
    AssignmentInfo,
    CheckInfo,
    ExerciseInfo,
    LatePolicy,
    StudentRecord,
)
from grader.results import CheckResult, DiagnosedMistake, ExerciseResult, ModuleProblem, Status
from grader.tampering import FLAG_KINDS, TamperingFlag

GRADEBOOK_FILE = "gradebook.sqlite"
SCHEMA_VERSION = 3
"""2: the ``adjustments`` table; 3: ``check_versions`` and ``score_history`` (an older gradebook gains the tables
it lacks, empty, and this version when it is opened)"""

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
CREATE TABLE IF NOT EXISTS module_problems (
    student TEXT NOT NULL REFERENCES submissions (student) ON DELETE CASCADE,
    exercise_id TEXT NOT NULL,
    check_name TEXT NOT NULL,
    module TEXT NOT NULL,
    missing TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (student, exercise_id, check_name)
);
CREATE TABLE IF NOT EXISTS adjustments (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL,
    kind TEXT NOT NULL,
    exercise_id TEXT NOT NULL,
    points REAL NOT NULL,
    due TEXT,
    cutoff TEXT,
    reason TEXT NOT NULL,
    made_by TEXT NOT NULL,
    made_at TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS check_versions (
    student TEXT NOT NULL REFERENCES submissions (student) ON DELETE CASCADE,
    exercise_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    parts TEXT NOT NULL,
    PRIMARY KEY (student, exercise_id)
);
CREATE TABLE IF NOT EXISTS score_history (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL,
    exercise_id TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    graded_at TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    new_score REAL NOT NULL,
    new_max_score REAL NOT NULL,
    regraded_at TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submitted_sources (
    student TEXT NOT NULL REFERENCES submissions (student) ON DELETE CASCADE,
    module TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (student, module)
);
CREATE TABLE IF NOT EXISTS tampering_flags (
    student TEXT NOT NULL REFERENCES submissions (student) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (student, position)
);
"""

_ADDED_TABLES = (
    "module_problems", "adjustments", "submitted_sources", "tampering_flags", "check_versions", "score_history",
)
"""tables a gradebook written before they existed lacks: made, empty, when it is opened"""


@dataclass(frozen=True)
class ScoreChange:
    """An exercise score that a regrade replaced: the row of ``score_history``."""

    student_id: str
    exercise_id: str
    score: float
    max_score: float
    graded_at: str
    """when the replaced score was graded"""
    fingerprint: str
    """the check version that graded it (empty when none was recorded)"""
    new_score: float
    new_max_score: float
    regraded_at: str
    reason: str
    """why it was graded again, in words"""


def stored_score_history(out: str | os.PathLike[str]) -> list[ScoreChange]:
    """The score history of the gradebook in ``out``; empty when ``out`` holds none."""
    if not (Path(out) / GRADEBOOK_FILE).is_file():
        return []
    with Gradebook.open(out, create=False) as gradebook:
        return gradebook.score_history()


class GradebookError(NngradeError):
    """The gradebook cannot be used: another assignment's, a newer schema, or not a database.

    Grade each assignment into its own output folder; a damaged gradebook can
    be moved away and the class graded again.
    """


class DamagedGradebook(GradebookError):
    """The gradebook failed its check at open: tables, columns or rows are missing or hold what nngrade never writes.

    Likely causes: rows deleted or a table dropped by hand, a copy made while
    it was being written without its ``-wal`` file, a full disk, an edit
    with another tool. Its grades cannot be trusted, so nngrade neither
    grades into it nor rebuilds outputs from it; move it aside (or restore a
    backup) and grade the class again.
    """


MAX_DAMAGE_SHOWN = 6
"""damages named in a :class:`DamagedGradebook` message; the rest are counted"""

_SCORE_SLACK = 0.011
"""how far above its points a check's score may be: partial credit is rounded to a hundredth"""

_SUM_SLACK = 1e-6
"""how far stored totals may be from the same sums made again (SQLite keeps every float exactly)"""


class Gradebook:
    """An open gradebook in an output folder."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    @classmethod
    def open(cls, out: str | os.PathLike[str], *, create: bool = True) -> "Gradebook":
        """The gradebook in folder ``out`` (created with the folder when ``create``), checked.

        Raises :class:`DamagedGradebook` when the check finds damage, and
        :class:`GradebookError` for a file that is not a database or was
        written by a newer nngrade.
        """
        folder = Path(out)
        path = folder / GRADEBOOK_FILE
        if not create and not path.is_file():
            raise GradebookError(f"{folder} holds no {GRADEBOOK_FILE}; grade the class into it first with `nngrade grade`")
        folder.mkdir(parents=True, exist_ok=True)
        connection = None
        try:
            connection = sqlite3.connect(path, isolation_level=None, timeout=30)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            if not connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                # A new gradebook (or an empty file): nothing to check yet.
                connection.executescript(_SCHEMA)
                connection.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            else:
                _add_new_tables(connection)
                _upgrade_schema(connection)
                damage = gradebook_damage(connection, path=path)
                if damage:
                    raise DamagedGradebook(_damage_message(path, damage))
        except sqlite3.DatabaseError as exc:
            if connection is not None:
                connection.close()
            raise GradebookError(f"{path} is not a usable gradebook ({exc}); move it away and grade again") from None
        except GradebookError:
            if connection is not None:
                connection.close()
            raise
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

    def finished_fingerprints(self) -> dict[str, str]:
        """:meth:`fingerprints` of the students whose grading finished.

        A student with a check that ended in an internal error, or whose
        grading failed in the grader, is left out: a grader fault is not a
        result, and the next run grades that student again.
        """
        return dict(
            self._db.execute(
                "SELECT student, fingerprint FROM submissions WHERE complete = 1 AND substr(problem, 1, ?) != ?",
                (len(GRADER_FAULT), GRADER_FAULT),
            )
        )

    def save(
        self,
        record: StudentRecord,
        *,
        fingerprint: str,
        notes: tuple[str, ...] = (),
        sources: Mapping[str, str] | None = None,
        flags: Sequence[TamperingFlag] = (),
    ) -> None:
        """Replace a student's rows with ``record``, in one transaction.

        ``sources``: the student's modules as graded (module name to text); ``None`` keeps those stored.
        ``flags``: the signs of tampering grading saw, replacing those stored.
        """
        with self._transaction():
            kept = [] if sources is not None else self._db.execute(
                "SELECT module, source FROM submitted_sources WHERE student = ?", (record.student_id,)
            ).fetchall()
            # Rows of the student's that outlived their submission row (removed without the cascade)
            # go with it, so that saving never collides with them.
            for table in ("tampering_flags", "submitted_sources", "module_problems", "named_mistakes",
                          "check_results", "submissions"):
                self._db.execute(f"DELETE FROM {table} WHERE student = ?", (record.student_id,))
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
                    if check.problem is not None:
                        self._db.execute(
                            "INSERT INTO module_problems VALUES (?, ?, ?, ?, ?, ?)",
                            (record.student_id, check.exercise_id, check.check_name, check.problem.module,
                             check.problem.missing, check.problem.message),
                        )
            rows = sorted(sources.items()) if sources is not None else kept
            self._db.executemany(
                "INSERT INTO submitted_sources VALUES (?, ?, ?)", [(record.student_id, m, text) for m, text in rows]
            )
            self._db.executemany(
                "INSERT INTO tampering_flags VALUES (?, ?, ?, ?)",
                [(record.student_id, position, flag.kind, flag.evidence) for position, flag in enumerate(flags)],
            )

    # -- what the similarity check and the flags read ---------------------------------

    def keep_sources(self, student_id: str, sources: Mapping[str, str]) -> None:
        """Store a stored student's modules when none are stored yet (a student graded before they were kept)."""
        with self._transaction():
            if self._db.execute("SELECT 1 FROM submitted_sources WHERE student = ?", (student_id,)).fetchone():
                return
            if not self._db.execute("SELECT 1 FROM submissions WHERE student = ?", (student_id,)).fetchone():
                return
            self._db.executemany(
                "INSERT INTO submitted_sources VALUES (?, ?, ?)",
                [(student_id, module, text) for module, text in sorted(sources.items())],
            )

    def submitted_sources(self) -> dict[str, dict[str, str]]:
        """Each student's modules as graded: student id to module name to source text."""
        found: dict[str, dict[str, str]] = {}
        for student, module, source in self._db.execute(
            "SELECT student, module, source FROM submitted_sources ORDER BY student, module"
        ):
            found.setdefault(student, {})[module] = source
        return found

    def tampering_flags(self) -> dict[str, list[TamperingFlag]]:
        """Each flagged student's flags, in the order grading found them."""
        found: dict[str, list[TamperingFlag]] = {}
        for student, kind, evidence in self._db.execute(
            "SELECT student, kind, evidence FROM tampering_flags ORDER BY student, position"
        ):
            found.setdefault(student, []).append(TamperingFlag(kind, evidence))
        return found

    def set_meta_json(self, key: str, value: object) -> None:
        """Keep ``value`` (plain data) under ``key`` in the table 'meta' (``stubs``, ``similarity_threshold``)."""
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, sort_keys=True)))

    def meta_json(self, key: str, default: object = None) -> object:
        """The plain data kept under ``key`` by :meth:`set_meta_json`, or ``default``."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except ValueError:
            return default

    # -- check versions and the score history -----------------------------------------

    def check_versions(self) -> dict[str, dict[str, tuple[str, str]]]:
        """Student id to exercise id to the (fingerprint, parts as JSON) of the checks that graded it."""
        found: dict[str, dict[str, tuple[str, str]]] = {}
        for student, exercise_id, fingerprint, parts in self._db.execute(
            "SELECT student, exercise_id, fingerprint, parts FROM check_versions ORDER BY student, exercise_id"
        ):
            found.setdefault(student, {})[exercise_id] = (fingerprint, parts)
        return found

    def set_check_versions(self, student_id: str, versions: Mapping[str, tuple[str, str]]) -> None:
        """Record which check versions graded a stored student (exercise id to (fingerprint, parts as JSON)).

        Saving a student (:meth:`save`) drops the versions stored with the old rows; set them after it.
        """
        with self._transaction():
            self._db.execute("DELETE FROM check_versions WHERE student = ?", (student_id,))
            self._db.executemany(
                "INSERT INTO check_versions VALUES (?, ?, ?, ?)",
                [(student_id, exercise_id, fingerprint, parts) for exercise_id, (fingerprint, parts) in
                 sorted(versions.items())],
            )

    def stored_records(self) -> dict[str, StudentRecord]:
        """Every student's record as graded (no adjustments applied), by student id."""
        contents = _read_contents(self._db)
        if contents.damage:
            raise DamagedGradebook(_damage_message(self.path, contents.damage))
        return {record.student_id: record for record in contents.records}

    def add_score_history(self, changes: Sequence["ScoreChange"]) -> None:
        """Keep the scores that a regrade is about to replace (see :class:`ScoreChange`)."""
        with self._transaction():
            self._db.executemany(
                "INSERT INTO score_history (student, exercise_id, score, max_score, graded_at, fingerprint, "
                "new_score, new_max_score, regraded_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(c.student_id, c.exercise_id, c.score, c.max_score, c.graded_at, c.fingerprint, c.new_score,
                  c.new_max_score, c.regraded_at, c.reason) for c in changes],
            )

    def score_history(self) -> list["ScoreChange"]:
        """Every replaced score, by student, then oldest first."""
        return [
            ScoreChange(*row)
            for row in self._db.execute(
                "SELECT student, exercise_id, score, max_score, graded_at, fingerprint, new_score, new_max_score, "
                "regraded_at, reason FROM score_history ORDER BY student, id"
            )
        ]

    def records(self) -> list[StudentRecord]:
        """Every student's record, sorted by student id.

        Raises :class:`DamagedGradebook` when the rows fail the check of :meth:`open`.
        """
        contents = _read_contents(self._db)
        if contents.damage:
            raise DamagedGradebook(_damage_message(self.path, contents.damage))
        info = self.assignment()
        if info is None or not contents.adjustments:
            return contents.records
        return adjusted_records(info, contents.records, contents.adjustments)

    # -- the instructor's adjustments -------------------------------------------------

    def adjustments(self) -> list[Adjustment]:
        """Every adjustment stored, oldest first.

        Raises :class:`DamagedGradebook` when a row of the table fails the check of :meth:`open`.
        """
        damage = _Damage()
        adjustments = _adjustments_of(self._db, damage)
        if damage.kinds:
            raise DamagedGradebook(_damage_message(self.path, damage.sentences()))
        return adjustments

    def add_adjustment(self, adjustment: Adjustment) -> Adjustment:
        """Store ``adjustment`` (its ``id`` is ignored); returns it with the id it was given."""
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO adjustments (student, kind, exercise_id, points, due, cutoff, reason, made_by, made_at, "
                "source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _adjustment_row(adjustment),
            )
        return dataclasses.replace(adjustment, id=int(cursor.lastrowid or 0))

    def remove_adjustment(self, adjustment_id: int) -> Adjustment | None:
        """Delete the adjustment numbered ``adjustment_id``; returns it, or ``None`` when there is none."""
        found = [adjustment for adjustment in self.adjustments() if adjustment.id == adjustment_id]
        if not found:
            return None
        with self._transaction():
            self._db.execute("DELETE FROM adjustments WHERE id = ?", (adjustment_id,))
        return found[0]

    def set_course_file_extensions(self, extensions: list[Adjustment]) -> None:
        """Replace the extensions taken from the course file with ``extensions`` (those made by command stay).

        A row is rewritten only when it changed, so its number and date stay while the course file keeps it.
        """
        wanted = {(a.student_id, a.due, a.cutoff): a for a in extensions}
        with self._transaction():
            rows = self._db.execute(
                "SELECT id, student, due, cutoff FROM adjustments WHERE source = 'course file' AND kind = 'extension'"
            ).fetchall()
            for row_id, student, due, cutoff in rows:
                if wanted.pop((student, due, cutoff), None) is None:
                    self._db.execute("DELETE FROM adjustments WHERE id = ?", (row_id,))
            for adjustment in wanted.values():
                self._db.execute(
                    "INSERT INTO adjustments (student, kind, exercise_id, points, due, cutoff, reason, made_by, "
                    "made_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    _adjustment_row(adjustment),
                )

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


def _adjustment_row(adjustment: Adjustment) -> tuple:
    return (
        adjustment.student_id, adjustment.kind, adjustment.exercise_id, float(adjustment.points), adjustment.due,
        adjustment.cutoff, adjustment.text, adjustment.made_by, adjustment.made_at, adjustment.source,
    )


# -- the check at open ----------------------------------------------------------------


def _upgrade_schema(db: sqlite3.Connection) -> None:
    """Mark a gradebook of an older schema that now has every table (:func:`_add_new_tables`) as the current one.

    Schemas 2 and 3 only added tables, so nothing else changes; a
    gradebook that lacks other tables keeps its version, for the check to name the damage.
    """
    present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not set(_expected_columns()) <= present:
        return
    version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if version is not None and version[0] in ("1", "2"):
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))


def _add_new_tables(db: sqlite3.Connection) -> None:
    """Make the tables of :data:`_ADDED_TABLES` in a gradebook written before them, when its other tables are there.

    The rows of such a gradebook stay as they were (a module problem is then in each check's feedback).
    A gradebook missing other tables is left as it is, for the check to name the damage.
    """
    present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [table for table in _ADDED_TABLES if table not in present]
    if not missing or not set(_expected_columns()) - set(missing) <= present:
        return
    model = sqlite3.connect(":memory:")
    try:
        model.executescript(_SCHEMA)
        statements = dict(model.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    finally:
        model.close()
    for table in missing:
        db.execute(statements[table])


@functools.cache
def _expected_columns() -> dict[str, tuple[tuple[str, str, int, int], ...]]:
    """Each table's columns as (name, type, not null, primary key position), from :data:`_SCHEMA`."""
    model = sqlite3.connect(":memory:")
    try:
        model.executescript(_SCHEMA)
        tables = [name for (name,) in model.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: _columns(model, table) for table in tables}
    finally:
        model.close()


def _columns(db: sqlite3.Connection, table: str) -> tuple[tuple[str, str, int, int], ...]:
    return tuple((row[1], row[2].upper(), row[3], row[5]) for row in db.execute(f"PRAGMA table_info({table})"))


def gradebook_damage(db: sqlite3.Connection, *, path: Path | str = "the gradebook") -> list[str]:
    """What is wrong with an existing gradebook, one sentence each; empty when it passes the check.

    Raises :class:`GradebookError` for a gradebook of a newer nngrade (named ``path``), which is not damaged.
    """
    damage = [f"SQLite's page check: {row[0]}" for row in db.execute("PRAGMA quick_check") if row[0] != "ok"]
    present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table, columns in _expected_columns().items():
        if table not in present:
            damage.append(f"the table {table!r} is missing")
        elif _columns(db, table) != columns:
            found = ", ".join(column[0] for column in _columns(db, table))
            wanted = ", ".join(column[0] for column in columns)
            damage.append(f"the table {table!r} has the columns ({found}), not ({wanted})")
    if damage:
        return damage
    version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if version is None:
        return ["the table 'meta' holds no schema_version"]
    try:
        number = int(version[0])
    except (TypeError, ValueError):
        return [f"the schema version {version[0]!r} in the table 'meta' is not a number"]
    if number > SCHEMA_VERSION:
        raise GradebookError(
            f"{path} was written by a newer nngrade (schema {number}, this one reads {SCHEMA_VERSION}); "
            f"upgrade nngrade"
        )
    if number != SCHEMA_VERSION:
        return [f"the schema version is {number}, which no nngrade writes (this one writes {SCHEMA_VERSION})"]
    return _read_contents(db).damage + _history_damage(db)


def _history_damage(db: sqlite3.Connection) -> list[str]:
    """What is wrong with the rows of 'check_versions' and 'score_history', one sentence each."""
    damage = _Damage()
    stored = {student for (student,) in db.execute("SELECT student FROM submissions")}
    for student, exercise_id, fingerprint, parts in db.execute("SELECT * FROM check_versions"):
        if student not in stored:
            damage.add("'check_versions' holds rows of students whose row in 'submissions' is gone", student)
            continue
        try:
            parsed = json.loads(parts) if _is_text(parts) else None
        except ValueError:
            parsed = None
        if not (_is_text(exercise_id) and _is_text(fingerprint) and isinstance(parsed, dict)):
            damage.add("a row of 'check_versions' holds what nngrade never writes", student)
    for row in db.execute(
        "SELECT student, exercise_id, score, max_score, graded_at, fingerprint, new_score, new_max_score, "
        "regraded_at, reason FROM score_history"
    ):
        texts = (row[0], row[1], row[4], row[5], row[8], row[9])
        if not (all(_is_text(value) for value in texts) and all(_is_number(row[i]) for i in (2, 3, 6, 7))):
            damage.add("a row of 'score_history' holds what nngrade never writes", row[0])
    return damage.sentences()


@dataclass
class _Contents:
    records: list[StudentRecord]
    damage: list[str]
    adjustments: list[Adjustment] = dataclasses.field(default_factory=list)


class _Damage:
    """Collects what is wrong, one sentence per kind of damage, naming some of the students affected."""

    def __init__(self) -> None:
        self.kinds: dict[str, list[str]] = {}
        self.students: set[object] = set()
        """students with a damaged row, whose totals are not compared again"""

    def add(self, what: str, student: object = None) -> None:
        students = self.kinds.setdefault(what, [])
        if student is not None:
            students.append(str(student))
            self.students.add(student)

    def sentences(self) -> list[str]:
        result = []
        for what, students in self.kinds.items():
            if not students:
                result.append(what)
                continue
            named = list(dict.fromkeys(students))
            shown = ", ".join(repr(student) for student in named[:3])
            more = f" and {len(named) - 3} more" if len(named) > 3 else ""
            result.append(f"{what} (student{'s' if len(named) > 1 else ''} {shown}{more})")
        return result


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_text(value: object) -> bool:
    return isinstance(value, str)


_STATUSES = {status.value: status for status in Status}


def _read_contents(db: sqlite3.Connection) -> _Contents:
    """Every record, and what is wrong with the rows, read in one transaction (one consistent snapshot)."""
    db.execute("BEGIN")
    try:
        return _contents_of(db)
    finally:
        db.execute("COMMIT")


def _contents_of(db: sqlite3.Connection) -> _Contents:
    damage = _Damage()
    info = None
    row = db.execute("SELECT value FROM meta WHERE key = 'assignment'").fetchone()
    if row is not None:
        try:
            info = assignment_from_json(row[0])
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            damage.add(f"the assignment stored in the table 'meta' cannot be read ({type(exc).__name__}: {exc})")
    titles = {exercise.id: exercise.title for exercise in info.exercises} if info else {}

    submissions = db.execute(
        "SELECT student, form, entry, files_hash, fingerprint, submitted_at, timestamp_source, late_days, "
        "late_penalty_percent, problem, notes, graded_at, seconds, score, max_score, final, complete "
        "FROM submissions ORDER BY student"
    ).fetchall()
    if submissions and row is None:
        damage.add(f"the table 'submissions' holds {len(submissions)} students but 'meta' holds no assignment")
    stored = set()
    for (student, form, entry, files_hash, fingerprint, submitted_at, timestamp_source, late_days, late_percent,
         problem, notes, graded_at, seconds, score, max_score, final, complete) in submissions:
        stored.add(student)
        texts = (student, form, entry, files_hash, fingerprint, timestamp_source, problem, graded_at)
        if not all(_is_text(value) for value in texts) or not (submitted_at is None or _is_text(submitted_at)):
            damage.add("a row of 'submissions' holds a number where nngrade writes text", student)
        if not (isinstance(late_days, int) and late_days >= 0):
            damage.add("'submissions.late_days' is not a count of days", student)
        if not (_is_number(late_percent) and 0 <= late_percent <= 100):
            damage.add("'submissions.late_penalty_percent' is not a percentage", student)
        if not all(_is_number(value) for value in (seconds, score, max_score, final)):
            damage.add("'submissions' holds a score or time that is not a number", student)
        if complete not in (0, 1):
            damage.add("'submissions.complete' is neither 0 nor 1", student)
        try:
            parsed = json.loads(notes) if _is_text(notes) else None
        except ValueError:
            parsed = None
        if not (isinstance(parsed, list) and all(_is_text(note) for note in parsed)):
            damage.add("'submissions.notes' is not a JSON list of texts", student)

    mistakes: dict[tuple[str, str, str], list[DiagnosedMistake]] = {}
    for student, exercise_id, check_name, name, hint in db.execute(
        "SELECT student, exercise_id, check_name, mistake, hint FROM named_mistakes ORDER BY rowid"
    ):
        if student not in stored:
            damage.add("'named_mistakes' holds rows of students whose row in 'submissions' is gone", student)
        elif not (_is_text(name) and _is_text(hint)):
            damage.add("a row of 'named_mistakes' holds a number where nngrade writes text", student)
        else:
            mistakes.setdefault((student, exercise_id, check_name), []).append(DiagnosedMistake(name, hint))

    problems: dict[tuple[str, str, str], ModuleProblem] = {}
    for student, exercise_id, check_name, module, missing, message in db.execute(
        "SELECT student, exercise_id, check_name, module, missing, message FROM module_problems ORDER BY rowid"
    ):
        if student not in stored:
            damage.add("'module_problems' holds rows of students whose row in 'submissions' is gone", student)
        elif not all(_is_text(value) for value in (module, missing, message)):
            damage.add("a row of 'module_problems' holds a number where nngrade writes text", student)
        else:
            problems[(student, exercise_id, check_name)] = ModuleProblem(module=module, message=message, missing=missing)

    checks: dict[str, list[CheckResult]] = {}
    for student, exercise_id, check_name, description, status, score, max_score, feedback, hidden, output, seconds \
            in db.execute(
                "SELECT student, exercise_id, check_name, description, status, score, max_score, feedback, hidden, "
                "output, seconds FROM check_results ORDER BY student, position"
            ):
        named = tuple(mistakes.pop((student, exercise_id, check_name), ()))
        problem = problems.pop((student, exercise_id, check_name), None)
        if student not in stored:
            damage.add("'check_results' holds rows of students whose row in 'submissions' is gone", student)
            continue
        known = _STATUSES.get(status) if _is_text(status) else None
        if known is None:
            shown = ", ".join(repr(value) for value in _STATUSES)
            damage.add(f"a check's status {status!r} is none of {shown}", student)
            continue
        if not all(_is_text(value) for value in (exercise_id, check_name, description, feedback, output)):
            damage.add("a row of 'check_results' holds a number where nngrade writes text", student)
            continue
        if not (_is_number(max_score) and max_score >= 0 and _is_number(seconds) and hidden in (0, 1)):
            damage.add("a row of 'check_results' holds a points, time or hidden value nngrade never writes", student)
            continue
        if known is Status.INTERNAL_ERROR:
            if score is not None:
                damage.add("a check that ended in an internal error holds a score", student)
                continue
        elif not (_is_number(score) and -_SCORE_SLACK <= score <= max_score + _SCORE_SLACK):
            damage.add("a check's score is missing or outside 0 to its points", student)
            continue
        checks.setdefault(student, []).append(
            CheckResult(
                exercise_id=exercise_id,
                check_name=check_name,
                description=description,
                status=known,
                score=score,
                max_score=max_score,
                feedback=feedback,
                hidden=bool(hidden),
                mistakes=named,
                output=output,
                seconds=seconds,
                problem=problem,
            )
        )

    records = []
    for (student, form, entry, files_hash, _, submitted_at, timestamp_source, late_days, late_percent,
         problem, _, graded_at, seconds, score, max_score, final, complete) in submissions:
        results = checks.get(student, [])
        record = StudentRecord(
            student_id=student,
            exercises=tuple(_group_by_exercise(results, titles)),
            problem=problem,
            form=form,
            entry=entry,
            files_hash=files_hash,
            submitted_at=submitted_at,
            timestamp_source=timestamp_source,
            late_days=late_days,
            late_penalty_percent=late_percent,
            graded_at=graded_at,
            seconds=seconds,
        )
        records.append(record)
        if student in damage.students:
            continue  # said above; the totals of damaged rows would only repeat it
        if problem and results:
            damage.add("a submission that could not be graded has check results", student)
        elif not problem and not results and max_score > 0:
            damage.add("graded submissions have no rows in 'check_results'", student)
        elif abs(sum(exercise.max_score for exercise in record.exercises) - max_score) > _SUM_SLACK:
            damage.add("graded submissions miss some of their rows in 'check_results': the points of the rows "
                       "left do not add up to the stored maximum", student)
        elif abs(record.score - score) > _SUM_SLACK or abs(record.final - final) > _SUM_SLACK:
            damage.add("the stored score or final score differs from the sum of the check results", student)
        elif complete in (0, 1) and bool(complete) != record.complete:
            damage.add("'submissions.complete' disagrees with the statuses of the check results", student)
    for student, _, _ in mistakes:
        damage.add("'named_mistakes' holds mistakes of checks that 'check_results' does not", student)
    for student, _, _ in problems:
        damage.add("'module_problems' holds problems of checks that 'check_results' does not", student)
    adjustments = _adjustments_of(db, damage)
    _check_sources_and_flags(db, stored, damage)
    return _Contents(records, damage.sentences(), adjustments)


def _check_sources_and_flags(db: sqlite3.Connection, stored: set, damage: "_Damage") -> None:
    """Name the rows of 'submitted_sources' and 'tampering_flags' that hold what nngrade never writes."""
    for student, module, source in db.execute("SELECT student, module, source FROM submitted_sources"):
        if student not in stored:
            damage.add("'submitted_sources' holds rows of students whose row in 'submissions' is gone", student)
        elif not (_is_text(module) and _is_text(source)):
            damage.add("a row of 'submitted_sources' holds a number where nngrade writes text", student)
    for student, kind, evidence in db.execute("SELECT student, kind, evidence FROM tampering_flags"):
        if student not in stored:
            damage.add("'tampering_flags' holds rows of students whose row in 'submissions' is gone", student)
        elif kind not in FLAG_KINDS or not _is_text(evidence):
            damage.add(f"a row of 'tampering_flags' is of a kind ({kind!r}) nngrade never writes", student)


def _is_time(value: object) -> bool:
    if not _is_text(value):
        return False
    try:
        return dt.datetime.fromisoformat(str(value)).tzinfo is not None
    except ValueError:
        return False


def _adjustments_of(db: sqlite3.Connection, damage: "_Damage") -> list[Adjustment]:
    """The rows of 'adjustments' that hold what nngrade writes; each other row is named in ``damage``."""
    adjustments = []
    for (row_id, student, kind, exercise_id, points, due, cutoff, reason, made_by, made_at, source) in db.execute(
        "SELECT id, student, kind, exercise_id, points, due, cutoff, reason, made_by, made_at, source "
        "FROM adjustments ORDER BY id"
    ):
        if not all(_is_text(value) for value in (student, kind, exercise_id, reason, made_by, made_at, source)):
            damage.add(f"adjustment {row_id} holds a number where nngrade writes text", student)
        elif kind not in ADJUSTMENT_KINDS or source not in ("command", "course file"):
            damage.add(f"adjustment {row_id} is of a kind ({kind!r}, from {source!r}) nngrade never writes", student)
        elif not _is_number(points) or (kind != "points" and points != 0):
            damage.add(f"adjustment {row_id} holds points nngrade never writes", student)
        elif (kind == "extension") != _is_time(due) or not (cutoff is None or (kind == "extension" and _is_time(cutoff))):
            damage.add(f"adjustment {row_id} holds a due date or cutoff nngrade never writes", student)
        else:
            adjustments.append(
                Adjustment(
                    id=row_id, student_id=student, kind=kind, text=reason, made_by=made_by, made_at=made_at,
                    exercise_id=exercise_id, points=float(points), due=due, cutoff=cutoff, source=source,
                )
            )
    return adjustments


def _damage_message(path: Path, damage: list[str]) -> str:
    shown = "; ".join(damage[:MAX_DAMAGE_SHOWN])
    more = f"; and {len(damage) - MAX_DAMAGE_SHOWN} more" if len(damage) > MAX_DAMAGE_SHOWN else ""
    aside = path.with_name("gradebook.damaged.sqlite")
    return (
        f"the gradebook {path} is damaged, so its grades cannot be trusted: {shown}{more}. Nothing was graded "
        f"into it and no output was rebuilt from it. To recover, restore it from a backup, or move it aside "
        f"(mv {path} {aside}) and run `nngrade grade` into {path.parent} again, which grades every submission "
        f"afresh and rewrites every output"
    )


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
        timezone=data.get("timezone", "UTC"),
    )
