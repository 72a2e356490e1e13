"""The course-wide gradebook: every graded assignment of a course in one table, one row per student.

Each assignment is read from the gradebook of the folder it was graded into
(``output`` in the course file, or a folder named on the command line),
through ``Gradebook.records()``, the records every report is written from:
late penalties, extensions, excused lateness and the instructor's
adjustments are applied, so a student's points here are the final scores of
``grades.csv`` and the report.

The table (:func:`course_table`) has, per assignment in the course file's
order, the student's final points (``missing`` when they have no
submission: no row in that gradebook, or a roster student who handed
nothing in; counted as 0) and their percent of the assignment's points;
then ``dropped`` (the assignments that did not count) and
``course_percent``, the weighted mean of the percents that count:

- **weights** come from the course file (``weight`` per assignment, any
  positive numbers, relative to each other); without any, every assignment
  weighs the same. Only the assignments graded so far count, so mid-term
  the course percent is the one earned so far;
- **drops**: ``[course] drop_lowest = N`` leaves out each student's N
  lowest percents (of equal percents, the heavier assignment first, then
  the later), never all of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from grader.course import Course, CourseFileError
from grader.gradebook import Gradebook, GradebookError
from grader.reports.lms_exports import AssignmentGrades, assignment_grades, ordered_students
from grader.reports.output_files import plain_number, spreadsheet_safe
from grader.submissions.roster import Roster

if TYPE_CHECKING:
    import pandas as pd

MISSING = "missing"
"""the points cell of a student without a submission for an assignment"""


def read_graded_assignment(folder: str | os.PathLike[str], *, title: str = "") -> AssignmentGrades:
    """The assignment graded into ``folder``, from its gradebook (adjustments applied).

    Raises :class:`GradebookError` when the folder holds no gradebook, an
    empty one, or a damaged one.
    """
    folder = Path(folder)
    with Gradebook.open(folder, create=False) as gradebook:
        info = gradebook.assignment()
        records = gradebook.records()
    if info is None:
        raise GradebookError(f"{folder} holds an empty gradebook; grade the class into it first with `nngrade grade`")
    return assignment_grades(info, records, title=title)


def graded_folders(course: Course) -> tuple[list[tuple[str, Path]], list[str]]:
    """The course's assignments that name their output folder and have been graded into it, and notes on the rest.

    Raises :class:`CourseFileError` when no assignment names its folder.
    """
    named = [(name, assignment.output) for name, assignment in course.assignments.items() if assignment.output]
    if not named:
        raise CourseFileError(
            f"{course.path}: no assignment names the folder it is graded into; add output = \"graded/a1\" to each "
            f"[assignments.<name>] (or name the folders on the command line)"
        )
    found, notes = [], []
    for name, folder in named:
        if (folder / "gradebook.sqlite").is_file():
            found.append((name, folder))
        else:
            notes.append(f"assignment {name!r} is not graded yet (no gradebook in {folder}): left out")
    unnamed = [name for name, assignment in course.assignments.items() if not assignment.output]
    if unnamed:
        notes.append(f"left out, as the course file names no output folder for them: {', '.join(unnamed)}")
    return found, notes


@dataclass(frozen=True)
class CourseWeights:
    """How the course-wide gradebook combines the assignments."""

    weights: Mapping[str, float]
    """assignment name to its weight"""
    drop_lowest: int = 0


def course_weights(course: Course | None, assignments: Sequence[AssignmentGrades]) -> CourseWeights:
    """The weights and drops of ``assignments`` from the course file (equal weights, no drops without one).

    Raises :class:`CourseFileError` for a graded assignment the course file
    does not have when the file gives weights.
    """
    if course is None or all(assignment.weight is None for assignment in course.assignments.values()):
        return CourseWeights({a.name: 1.0 for a in assignments}, course.drop_lowest if course else 0)
    weights = {}
    for assignment in assignments:
        if assignment.name not in course.assignments:
            raise CourseFileError(
                f"{course.path}: the gradebook of assignment {assignment.name!r} was given, but the course file has "
                f"no such assignment, so it has no weight: add [assignments.{assignment.name}] with its weight"
            )
        weights[assignment.name] = course.assignments[assignment.name].weight or 0.0
    return CourseWeights(weights, course.drop_lowest)


def dropped_assignments(percents: Mapping[str, float], weights: Mapping[str, float], drop_lowest: int) -> list[str]:
    """Which of one student's assignments the drop leaves out: the lowest percents, at most all but one."""
    count = min(drop_lowest, len(percents) - 1)
    if count <= 0:
        return []
    order = list(percents)
    ranked = sorted(order, key=lambda name: (percents[name], -weights[name], -order.index(name)))
    return ranked[:count]


def course_table(
    assignments: Sequence[AssignmentGrades], weights: CourseWeights, *, roster: Roster | None = None
) -> "pd.DataFrame":
    """One row per student: each assignment's points and percent, what was dropped, and the course percent."""
    import pandas as pd

    columns = ["student"]
    for assignment in assignments:
        columns += [assignment.name, f"{assignment.name}_percent"]
    columns += ["dropped", "course_percent"]
    rows = []
    for student in ordered_students(assignments, roster):
        cells = [spreadsheet_safe(student)]
        percents = {}
        for assignment in assignments:
            grades = assignment.students.get(student)
            missing = grades is None or grades.missing
            points = 0.0 if grades is None else grades.final
            percents[assignment.name] = 100.0 * points / assignment.max_points if assignment.max_points else 0.0
            cells += [MISSING if missing else plain_number(points), plain_number(percents[assignment.name])]
        dropped = dropped_assignments(percents, weights.weights, weights.drop_lowest)
        kept = [name for name in percents if name not in dropped]
        total_weight = sum(weights.weights[name] for name in kept)
        course_percent = sum(weights.weights[name] * percents[name] for name in kept) / total_weight
        cells += [";".join(dropped), plain_number(course_percent)]
        rows.append(cells)
    return pd.DataFrame(rows, columns=columns, dtype=object)
