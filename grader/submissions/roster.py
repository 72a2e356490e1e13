"""The class roster: which students to expect, and which entry in SUBMISSIONS is whose.

Three kinds of file are rosters, told apart by their header row:

- **a plain roster**: a CSV with a ``student`` column (or ``student_id``, or
  ``id``) and, optionally, an ``entry`` column naming the student's entry in
  SUBMISSIONS (a file or folder name, with or without its extension), for
  when entries are not named by student id. A blank ``entry`` means the
  student id. (A student listed twice, or an id that cannot be a file name,
  becomes that student's problem row.)
- **a Canvas gradebook export** (Grades, Export): the columns ``Student``,
  ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section`` and then one column
  per assignment, as Canvas's gradebook exporter writes them; its
  ``Points Possible`` row and its ``Manual Posting`` row are not students,
  and neither is Canvas's Test Student (``Student, Test``). A student's id
  is their ``SIS Login ID``.
- **a Moodle grades export** (Export, Plain text file): the columns
  ``First name``, ``Last name`` (or ``Surname``), ``ID number``,
  ``Institution``, ``Department``, ``Email address``, then the grade items.
  A student's id is their ``Username`` when the export has that column, else
  their ``ID number``, else (when the ``ID number`` column is empty
  throughout) their ``Email address``.

An LMS's export is refused as a whole, with its file and line named, when
its id column is missing, a student's id is empty, two students share an
id, or a row has more cells than the header. Each row keeps every cell of
the file (:attr:`RosterRow.cells`), so an export back to the same LMS
carries the roster's own columns through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from grader.submissions.csv_tables import read_csv_rows, read_csv_table
from grader.submissions.submission import SubmissionsError

STUDENT_COLUMNS = ("student", "student_id", "id")
ENTRY_COLUMNS = ("entry", "submission", "folder", "file")

PLAIN, CANVAS, MOODLE = "plain", "canvas", "moodle"
"""the kinds of roster"""

CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
"""the columns before the assignments in Canvas's gradebook export and import (its SIS columns included)"""

CANVAS_POINTS_POSSIBLE = "    Points Possible"
"""the first cell of the row below the header in Canvas's export, which holds each assignment's points"""

CANVAS_TEST_STUDENT = "Student, Test"
"""the sortable name of Canvas's Test Student, whom the export lists with the students"""

MOODLE_USER_COLUMNS = ("First name", "Last name", "ID number", "Institution", "Department", "Email address")
"""the user columns of Moodle's grade export, in its order (older Moodles write ``Surname`` for ``Last name``)"""

_CANVAS_ASSIGNMENT = re.compile(r"^(?P<title>.*?)\s*\((?P<id>\d+)\)$")
"""a Canvas assignment column: its title and Canvas's id in parentheses"""

_MANUAL_POSTING = re.compile(r"^\s*(Muted|Manual Posting.*)?\s*$", re.IGNORECASE)
"""the cells of the row Canvas adds for assignments whose grades are posted by hand"""


@dataclass(frozen=True)
class RosterRow:
    """One student on the roster."""

    student: str
    entry: str
    """the entry's name in SUBMISSIONS as the roster gives it; empty: the student id"""
    line: int
    cells: Mapping[str, str] = field(default_factory=dict)
    """every cell of the row, by its column's name as the file writes it"""

    @property
    def wanted_entry(self) -> str:
        return self.entry or self.student


@dataclass(frozen=True)
class Roster:
    path: Path
    rows: tuple[RosterRow, ...]
    kind: str = PLAIN
    """:data:`PLAIN`, :data:`CANVAS` or :data:`MOODLE`"""
    columns: tuple[str, ...] = ()
    """the file's header row as written"""
    id_column: str = ""
    """the column the students' ids come from"""

    def row_of(self, student: str) -> RosterRow | None:
        """The roster's row for ``student``, or ``None``."""
        return next((row for row in self.rows if row.student == student), None)


def roster_kind(header: list[str]) -> str:
    """Which kind of roster a header row belongs to: :data:`CANVAS`, :data:`MOODLE` or :data:`PLAIN`."""
    names = {name.lower() for name in header}
    first = header[0].lower() if header else ""
    # Canvas's importer recognises its file by "Student" (or "LastName", "FirstName") then "ID" first.
    if (first == "student" and len(header) > 1 and header[1].lower() == "id") or (
        first == "lastname" and len(header) > 2 and header[2].lower() == "id"
    ):
        return CANVAS
    if "email address" in names and ("first name" in names or "last name" in names or "surname" in names):
        return MOODLE
    return PLAIN


def read_roster(path: Path) -> Roster:
    """The roster at ``path``, of whichever kind its header says.

    Raises :class:`SubmissionsError` naming the file (and the line) when it
    cannot be read, has no student column, or (an LMS's export) a student row
    is not usable.
    """
    header, rows = read_csv_rows(path, what="roster")
    kind = roster_kind(header)
    if kind == PLAIN:
        table = read_csv_table(
            path, what="roster", required={"student": STUDENT_COLUMNS}, optional={"entry": ENTRY_COLUMNS}
        )
        by_line = dict(rows)
        return Roster(
            path,
            tuple(
                RosterRow(row.cells["student"], row.cells.get("entry", ""), row.line,
                          _cells(header, by_line.get(row.line, [])))
                for row in table
            ),
            columns=tuple(header),
            id_column="student",
        )
    return _lms_roster(path, kind, header, rows)


def _cells(header: list[str], cells: list[str]) -> dict[str, str]:
    return {name: (cells[index].strip() if index < len(cells) else "") for index, name in enumerate(header)}


def _lms_roster(path: Path, kind: str, header: list[str], rows: list[tuple[int, list[str]]]) -> Roster:
    lms = "Canvas" if kind == CANVAS else "Moodle"
    students = []
    for line, cells in rows:
        if len(cells) > len(header):
            raise SubmissionsError(
                f"the roster '{path}' (a {lms} export) has {len(cells)} cells on line {line} but {len(header)} "
                f"columns in its header: a cell holds an unquoted comma; export the file again from {lms}"
            )
        row = _cells(header, cells)
        first = cells[0].strip()
        if kind == CANVAS and (
            first == CANVAS_POINTS_POSSIBLE.strip()
            or all(_MANUAL_POSTING.match(cell) for cell in cells)
            or _canvas_name(row) == CANVAS_TEST_STUDENT
        ):
            continue
        students.append((line, row))
    id_column = _id_column(path, kind, header, [row for _, row in students])
    seen: dict[str, int] = {}
    result = []
    for line, row in students:
        student = row[id_column]
        name = _canvas_name(row) if kind == CANVAS else " ".join(
            part for part in (row.get("First name", ""), row.get("Last name", row.get("Surname", ""))) if part
        )
        who = f" ({name})" if name else ""
        if not student:
            raise SubmissionsError(
                f"the roster '{path}' (a {lms} export) has no {id_column} on line {line}{who}: nngrade names each "
                f"student by their {id_column}; fill it in (in {lms}, then export again) or delete the line"
            )
        if student in seen:
            raise SubmissionsError(
                f"the roster '{path}' (a {lms} export) gives the {id_column} {student!r} to lines {seen[student]} "
                f"and {line}{who}: each student needs an id of their own; correct it in {lms} and export again"
            )
        seen[student] = line
        result.append(RosterRow(student, "", line, row))
    return Roster(path, tuple(result), kind=kind, columns=tuple(header), id_column=id_column)


def _canvas_name(row: Mapping[str, str]) -> str:
    if "Student" in row:
        return row["Student"]
    return ", ".join(part for part in (row.get("LastName", ""), row.get("FirstName", "")) if part)


def _id_column(path: Path, kind: str, header: list[str], rows: list[dict[str, str]]) -> str:
    """The column a Canvas or Moodle roster's student ids come from (see the module's docstring)."""
    if kind == CANVAS:
        if "SIS Login ID" not in header:
            raise SubmissionsError(
                f"the roster '{path}' (a Canvas export) has no 'SIS Login ID' column, which names each student: "
                f"export the gradebook again from Canvas with its SIS columns"
            )
        return "SIS Login ID"
    if "Username" in header:
        return "Username"
    if "ID number" in header and any(row["ID number"] for row in rows):
        return "ID number"
    if "Email address" in header:
        return "Email address"
    raise SubmissionsError(f"the roster '{path}' (a Moodle export) has no 'ID number' or 'Email address' column")


def canvas_assignment_title(column: str) -> str:
    """The assignment's title in a Canvas assignment column (``"Lab 1 (4102)"`` gives ``"Lab 1"``)."""
    match = _CANVAS_ASSIGNMENT.match(column)
    return match.group("title") if match else column
