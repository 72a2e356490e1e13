"""Reading the instructor's CSV files (the roster, the timestamps) by column name.

Column names are matched without regard to case, spaces or hyphens, and each
column may go by several names (``student``, ``student_id``, ``id``). A file
that cannot be read, is not UTF-8, or lacks a needed column raises
:class:`SubmissionsError` naming the file and the column. Spreadsheets that
save with ``;`` or tabs are read too.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from grader.submissions.submission import SubmissionsError


@dataclass(frozen=True)
class CsvRow:
    """One row of an instructor's CSV: its line number and its cells by column role."""

    line: int
    cells: Mapping[str, str]


def _normalised(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _delimiter(first_line: str) -> str:
    if "," in first_line:
        return ","
    for candidate in (";", "\t"):
        if candidate in first_line:
            return candidate
    return ","


def read_csv_text(path: Path, *, what: str) -> str:
    """The text of the instructor's CSV file at ``path`` (a byte-order mark dropped).

    Raises :class:`SubmissionsError` naming the file when it does not exist,
    cannot be read or is not UTF-8.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SubmissionsError(f"the {what} '{path}' does not exist: check the path") from None
    except UnicodeDecodeError:
        raise SubmissionsError(
            f"the {what} '{path}' is not UTF-8 text: save it as 'CSV UTF-8' from your spreadsheet"
        ) from None
    except OSError as error:
        raise SubmissionsError(f"the {what} '{path}' cannot be read ({error.strerror})") from None
    return text


def read_csv_rows(path: Path, *, what: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header of the CSV at ``path`` (names as written, stripped) and its non-blank rows with their line numbers.

    For files whose columns are recognised by their names as a whole (an LMS's
    export); raises :class:`SubmissionsError` naming the file (and the line)
    when it cannot be read, is empty, or is not valid CSV.
    """
    text = read_csv_text(path, what=what)
    lines = text.splitlines(keepends=True)
    if not lines or not lines[0].strip():
        raise SubmissionsError(
            f"the {what} '{path}' is empty or starts with a blank line: its first line must name the columns"
        )
    reader = csv.reader(lines, delimiter=_delimiter(lines[0]))
    try:
        header = [name.strip() for name in next(reader)]
        rows = [(reader.line_num, cells) for cells in reader if any(cell.strip() for cell in cells)]
    except csv.Error as error:
        raise SubmissionsError(
            f"the {what} '{path}' is not a valid CSV file (line {reader.line_num}: {error}): save it again as CSV"
        ) from None
    return header, rows


def read_csv_table(
    path: Path,
    *,
    what: str,
    required: Mapping[str, Sequence[str]],
    optional: Mapping[str, Sequence[str]] | None = None,
) -> list[CsvRow]:
    """The non-blank rows of the CSV at ``path``, their cells keyed by role (stripped).

    ``required`` and ``optional`` map a role to the column names it may have;
    ``what`` says what the file is in messages ("roster", "timestamps CSV").
    Raises :class:`SubmissionsError` when the file cannot be read or a required
    column is missing.
    """
    text = read_csv_text(path, what=what)
    lines = text.splitlines(keepends=True)
    if not lines or not lines[0].strip():
        raise SubmissionsError(
            f"the {what} '{path}' is empty or starts with a blank line: its first line must name the columns "
            f"({', '.join(names[0] for names in required.values())})"
        )
    try:
        reader = csv.reader(lines, delimiter=_delimiter(lines[0]))
        header = [_normalised(name) for name in next(reader)]
        positions: dict[str, int] = {}
        for role, names in {**required, **(optional or {})}.items():
            found = next((header.index(_normalised(name)) for name in names if _normalised(name) in header), None)
            if found is None and role in required:
                raise SubmissionsError(
                    f"the {what} '{path}' has no '{names[0]}' column"
                    + (f" (nor {', '.join(repr(name) for name in names[1:])})" if len(names) > 1 else "")
                    + f"; its columns are {', '.join(repr(name) for name in header)}: add a header row that names it"
                )
            if found is not None:
                positions[role] = found
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            values = {role: (cells[index].strip() if index < len(cells) else "") for role, index in positions.items()}
            rows.append(CsvRow(reader.line_num, values))
    except csv.Error as error:
        raise SubmissionsError(
            f"the {what} '{path}' is not a valid CSV file (line {reader.line_num}: {error}): save it again as CSV"
        ) from None
    return rows
