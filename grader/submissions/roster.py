"""The class roster: which students to expect, and which entry in SUBMISSIONS is whose.

A roster is a CSV with a header row: a ``student`` column (or ``student_id``,
or ``id``) and, optionally, an ``entry`` column naming the student's entry in
SUBMISSIONS (a file or folder name, with or without its extension), for when
entries are not named by student id. A blank ``entry`` means the student id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.submissions.csv_tables import read_csv_table

STUDENT_COLUMNS = ("student", "student_id", "id")
ENTRY_COLUMNS = ("entry", "submission", "folder", "file")


@dataclass(frozen=True)
class RosterRow:
    """One student on the roster."""

    student: str
    entry: str
    """the entry's name in SUBMISSIONS as the roster gives it; empty: the student id"""
    line: int

    @property
    def wanted_entry(self) -> str:
        return self.entry or self.student


@dataclass(frozen=True)
class Roster:
    path: Path
    rows: tuple[RosterRow, ...]


def read_roster(path: Path) -> Roster:
    """The roster at ``path``; raises :class:`SubmissionsError` when it cannot be read or has no student column."""
    rows = read_csv_table(
        path, what="roster", required={"student": STUDENT_COLUMNS}, optional={"entry": ENTRY_COLUMNS}
    )
    return Roster(
        path,
        tuple(RosterRow(row.cells["student"], row.cells.get("entry", ""), row.line) for row in rows),
    )
