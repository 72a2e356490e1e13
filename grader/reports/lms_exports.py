"""Grades in an LMS's own import format: Canvas's gradebook CSV, Moodle's grade import CSV, and a long CSV.

Each export takes one or more graded assignments (:class:`AssignmentGrades`,
built from a gradebook's records by :func:`assignment_grades`: the final
scores the reports show, late penalty and the instructor's adjustments
applied) and, optionally, the class roster, whose columns it carries through:

- :func:`canvas_table` follows Canvas's gradebook import: the header
  ``Student, ID, SIS User ID, SIS Login ID, Section`` then one column per
  assignment, and below it the row Canvas's own export writes first,
  ``"    Points Possible"`` with each assignment's points (two decimals).
  Canvas finds a student by ``ID`` (its user id), else by ``SIS User ID``,
  else by ``SIS Login ID``, else by name; an assignment by the Canvas id in
  its column's name (``Lab 1 (4102)``), else by its title, else it makes a
  new assignment worth the Points Possible. So with a Canvas export as the
  roster, every identity cell and every assignment column that matches
  (by the assignment's name or title) is the roster's own; without one,
  ``SIS Login ID`` holds the student id and the columns are new assignments,
  named by their title (else their name).
- :func:`moodle_table` follows Moodle's "Import grades from CSV": any
  columns, of which one identifies the user (mapped from the file's column
  to Moodle's ``username``, ``useridnumber``, ``useremail`` or ``userid``)
  and each other is mapped to a grade item. With a Moodle export as the
  roster, its user columns (``First name``, ``Last name``, ``ID number``,
  ``Institution``, ``Department``, ``Email address``) are carried through;
  without one, a ``Username`` column holds the student id.
- :func:`long_table`: one row per (student, assignment, exercise):
  ``student, assignment, exercise, points, max``; the late penalty and the
  instructor's adjustments are rows of their own (``late penalty``,
  ``adjustments``, max 0), so a student's points in an assignment add up to
  their final score.

A student who has no row in an assignment's gradebook gets an empty cell in
Canvas and Moodle (neither changes a grade it is given no value for) and
no rows in the long CSV; a submission that could not be graded scores 0, as
in ``grades.csv``. Students are in the roster's order, then those graded
but not on it, by id. Text cells go through :func:`spreadsheet_safe`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Sequence

from grader.records import AssignmentInfo, StudentRecord
from grader.student_ids import escaped_student_id
from grader.reports.output_files import plain_number, spreadsheet_safe
from grader.submissions.roster import (
    CANVAS,
    CANVAS_POINTS_POSSIBLE,
    CANVAS_STUDENT_COLUMNS,
    MOODLE,
    MOODLE_USER_COLUMNS,
    Roster,
    RosterRow,
    canvas_assignment_title,
)

if TYPE_CHECKING:
    import pandas as pd

LONG_COLUMNS = ("student", "assignment", "exercise", "points", "max")
LATE_PENALTY_ROW = "late penalty"
ADJUSTMENTS_ROW = "adjustments"


@dataclass(frozen=True)
class StudentGrades:
    """One student's result in one assignment, as the exports write it."""

    student_id: str
    final: float
    """points after the late penalty and the instructor's adjustments (what the reports show as final)"""
    exercises: Mapping[str, float | None]
    """exercise id to its points before the late penalty; ``None`` when the submission could not be graded"""
    late_penalty: float
    problem: str = ""
    """why the submission could not be graded; empty when it was"""
    missing: bool = False
    """whether the student handed nothing in (a roster student without a submission)"""

    @property
    def adjustments(self) -> float:
        """Points the final score differs by from the exercises' points less the late penalty."""
        graded = sum(points for points in self.exercises.values() if points is not None)
        return round(self.final - (round(graded, 2) - self.late_penalty), 2)


@dataclass(frozen=True)
class AssignmentGrades:
    """One graded assignment: its points and every student's result."""

    name: str
    max_points: float
    exercises: tuple[tuple[str, float], ...]
    """(exercise id, points) in the assignment's order"""
    students: Mapping[str, StudentGrades] = field(default_factory=dict)
    title: str = ""
    """the course file's title, when known; matched against an LMS's assignment columns as the name is"""

    @property
    def names(self) -> tuple[str, ...]:
        """What the assignment may be called in an LMS's column: its name and its title."""
        return tuple(dict.fromkeys(name for name in (self.name, self.title) if name))


def assignment_grades(info: AssignmentInfo, records: Sequence[StudentRecord], *, title: str = "") -> AssignmentGrades:
    """The exports' view of an assignment from its gradebook's records (``Gradebook.records()``, adjusted)."""
    students = {}
    for record in records:
        graded = not record.problem
        exercises = {}
        for exercise in info.exercises:
            result = record.exercise(exercise.id) if graded else None
            exercises[exercise.id] = result.score if result is not None else None
        students[record.student_id] = StudentGrades(
            student_id=record.student_id,
            final=record.final,
            exercises=exercises,
            late_penalty=record.late_penalty if graded else 0.0,
            problem=record.problem,
            missing=record.form == "missing",
        )
    return AssignmentGrades(
        name=info.name,
        max_points=info.max_score,
        exercises=tuple((exercise.id, exercise.max_score) for exercise in info.exercises),
        students=students,
        title=title,
    )


def roster_rows(roster: Roster | None) -> dict[str, RosterRow]:
    """The roster's rows by the student id grading gives them (an id a file name cannot hold is escaped)."""
    return {escaped_student_id(row.student): row for row in roster.rows} if roster is not None else {}


def ordered_students(assignments: Sequence[AssignmentGrades], roster: Roster | None) -> list[str]:
    """The students of an export: the roster's, in its order, then the others graded, by id."""
    on_roster = list(roster_rows(roster))
    graded = sorted({student for assignment in assignments for student in assignment.students} - set(on_roster))
    return on_roster + graded


def students_not_on_roster(assignments: Sequence[AssignmentGrades], roster: Roster | None) -> list[str]:
    """Students graded in some assignment whom the roster does not list (empty without a roster)."""
    if roster is None:
        return []
    listed = set(roster_rows(roster))
    return sorted({student for assignment in assignments for student in assignment.students} - listed)


def _final_cell(assignment: AssignmentGrades, student: str) -> str:
    grades = assignment.students.get(student)
    return "" if grades is None else plain_number(grades.final)


def _roster_column(roster: Roster | None, assignment: AssignmentGrades, title_of) -> str | None:
    """The roster's own column for ``assignment`` (by its name or title), or ``None``."""
    if roster is None:
        return None
    wanted = {name.casefold() for name in assignment.names}
    return next((column for column in roster.columns if title_of(column).casefold() in wanted), None)


def canvas_columns(assignments: Sequence[AssignmentGrades], roster: Roster | None) -> list[str]:
    """The assignment columns of a Canvas export: the roster's own where it has one, else the assignment's name."""
    canvas_roster = roster if roster is not None and roster.kind == CANVAS else None
    return [
        _roster_column(canvas_roster, assignment, canvas_assignment_title) or assignment.title or assignment.name
        for assignment in assignments
    ]


def canvas_table(assignments: Sequence[AssignmentGrades], roster: Roster | None = None) -> "pd.DataFrame":
    """The rows of a Canvas gradebook import file, its Points Possible row first, as text cells."""
    import pandas as pd

    columns = [*CANVAS_STUDENT_COLUMNS, *canvas_columns(assignments, roster)]
    rows = [[CANVAS_POINTS_POSSIBLE, "", "", "", "", *(f"{a.max_points:.2f}" for a in assignments)]]
    rows_by_student = roster_rows(roster)
    for student in ordered_students(assignments, roster):
        row = rows_by_student.get(student)
        if row is not None and roster is not None and roster.kind == CANVAS:
            identity = [row.cells.get(column, "") for column in CANVAS_STUDENT_COLUMNS]
        else:
            identity = [student, "", "", student, ""]
        rows.append([*map(spreadsheet_safe, identity), *(_final_cell(a, student) for a in assignments)])
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _moodle_title(column: str) -> str:
    """A Moodle export's grade column without its module and its display type (``Assignment: Lab 1 (Real)``)."""
    title = column.split(": ", 1)[1] if ": " in column else column
    for suffix in (" (Real)", " (Percentage)", " (Letter)"):
        title = title.removesuffix(suffix)
    return title


def moodle_table(assignments: Sequence[AssignmentGrades], roster: Roster | None = None) -> "pd.DataFrame":
    """The rows of a file for Moodle's "Import grades from CSV", as text cells."""
    import pandas as pd

    moodle_roster = roster if roster is not None and roster.kind == MOODLE else None
    if moodle_roster is not None:
        identity_columns = [column for column in moodle_roster.columns if column in (
            *MOODLE_USER_COLUMNS, "Surname", "Username")]
    else:
        identity_columns = ["Username"]
    grade_columns = [
        _roster_column(moodle_roster, assignment, _moodle_title) or assignment.title or assignment.name
        for assignment in assignments
    ]
    rows = []
    rows_by_student = roster_rows(moodle_roster)
    for student in ordered_students(assignments, roster):
        row = rows_by_student.get(student)
        if row is not None:
            identity = [row.cells.get(column, "") for column in identity_columns]
        elif moodle_roster is not None:
            identity = [student if column == moodle_roster.id_column else "" for column in identity_columns]
        else:
            identity = [student]
        rows.append([*map(spreadsheet_safe, identity), *(_final_cell(a, student) for a in assignments)])
    return pd.DataFrame(rows, columns=[*identity_columns, *grade_columns], dtype=object)


def long_table(assignments: Sequence[AssignmentGrades], roster: Roster | None = None) -> "pd.DataFrame":
    """One row per student, assignment and exercise (and late penalty, adjustments), as text cells."""
    import pandas as pd

    rows = []
    for student in ordered_students(assignments, roster):
        for assignment in assignments:
            grades = assignment.students.get(student)
            if grades is None:
                continue
            safe = spreadsheet_safe(student)
            for exercise, points in assignment.exercises:
                rows.append([safe, assignment.name, exercise, plain_number(grades.exercises.get(exercise)),
                             plain_number(points)])
            if grades.late_penalty:
                rows.append([safe, assignment.name, LATE_PENALTY_ROW, plain_number(-grades.late_penalty), "0"])
            if grades.adjustments:
                rows.append([safe, assignment.name, ADJUSTMENTS_ROW, plain_number(grades.adjustments), "0"])
    return pd.DataFrame(rows, columns=list(LONG_COLUMNS), dtype=object)


def csv_text(table: "pd.DataFrame") -> str:
    """``table`` as CSV text: commas, minimal quoting, ``\\n`` line ends, no index."""
    return table.to_csv(index=False, lineterminator="\n")
