"""``grades.csv``: one row per student, the file an instructor loads into a spreadsheet or an LMS.

Columns, in this order: ``student``, one column per exercise (in the
assignment's order, holding the exercise's points; empty when the submission
could not be graded), ``total`` (before the late penalty), ``max``,
``late_days``, ``late_penalty_percent``, ``late_penalty`` (points),
``adjustment`` (the instructor's points, added after the late penalty; 0
without), ``final``, ``submitted_at`` (ISO 8601 in the course's time zone,
with its offset), ``problem`` (empty when the submission was
graded) and ``incomplete`` (``true`` when a grader fault left a check, or the
whole submission, unscored). Numbers are plain decimals with at most two decimals.
Text that a spreadsheet would evaluate (a student id ``=SUM(1+1)``, a problem
starting with ``-``) starts with an apostrophe (:func:`spreadsheet_safe`), so
opening the file runs nothing; negative numbers stay numbers.

The file is written with the standard library's :mod:`csv` in the dialect
pandas writes (``to_csv(index=False)``: commas, minimal quoting, ``\n``), so
that writing it never waits for pandas to import; :func:`grades_table` gives
the same rows as a DataFrame.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from grader.late_penalties import local_iso
from grader.records import AssignmentInfo, StudentRecord
from grader.reports.output_files import plain_number, spreadsheet_safe, write_atomically
from grader.reports.student_feedback import is_incomplete

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_COLUMNS = (
    "total",
    "max",
    "late_days",
    "late_penalty_percent",
    "late_penalty",
    "adjustment",
    "final",
    "submitted_at",
    "problem",
    "incomplete",
)


def grades_columns(info: AssignmentInfo) -> list[str]:
    """The column names of ``grades.csv`` for ``info``, in order."""
    return ["student", *(exercise.id for exercise in info.exercises), *SUMMARY_COLUMNS]


def grades_rows(info: AssignmentInfo, records: Sequence[StudentRecord]) -> list[list[str]]:
    """The rows of ``grades.csv`` below its header as text cells, one row per student sorted by id."""
    return [
        [spreadsheet_safe(cell) for cell in _row(info, record)]
        for record in sorted(records, key=lambda record: record.student_id)
    ]


def grades_table(info: AssignmentInfo, records: Sequence[StudentRecord]) -> "pd.DataFrame":
    """The rows of ``grades.csv`` as text cells, one row per student sorted by id.

    Cells are already formatted (numbers as plain decimals), so what is written
    is exactly what the table holds.
    """
    import pandas as pd

    return pd.DataFrame(grades_rows(info, records), columns=grades_columns(info), dtype=object)


def grades_csv_text(info: AssignmentInfo, records: Sequence[StudentRecord]) -> str:
    """The full text of ``grades.csv``."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(grades_columns(info))  # exercise ids and our own names: never a formula
    writer.writerows(grades_rows(info, records))
    return text.getvalue()


def write_grades_csv(path: Path, info: AssignmentInfo, records: Sequence[StudentRecord]) -> Path:
    """Write ``grades.csv`` to ``path`` atomically; returns ``path``."""
    return write_atomically(path, grades_csv_text(info, records))


def _row(info: AssignmentInfo, record: StudentRecord) -> list[str]:
    graded = not record.problem
    exercise_cells = []
    for exercise in info.exercises:
        result = record.exercise(exercise.id) if graded else None
        exercise_cells.append(plain_number(result.score) if result is not None else "")
    return [
        record.student_id,
        *exercise_cells,
        plain_number(record.score),
        plain_number(info.max_score),
        str(record.late_days),
        plain_number(record.late_penalty_percent),
        plain_number(record.late_penalty),
        plain_number(record.adjustment_points),
        plain_number(record.final),
        local_iso(record.submitted_at, info.timezone),
        record.problem,
        "true" if is_incomplete(record) else "false",
    ]
