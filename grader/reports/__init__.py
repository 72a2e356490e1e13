"""The outputs of a batch grading run, built from the gradebook's records alone.

:func:`write_reports` writes, into the run's output folder::

    grades.csv                      one row per student (grader.reports.grades_csv)
    report.html                     the class report (grader.reports.class_report)
    similarity.html                 similar submissions side by side and tampering flags, when ``out`` holds a
                                    gradebook (grader.reports.integrity_page)
    feedback/<student>.md           each student's feedback page (grader.reports.student_feedback)
    feedback/<student>.html
    results/<student>/results.json  Gradescope's results format (grader.reports.gradescope_results)

``<student>`` is the student id made safe as a file name
(:func:`student_file_name`). Every file is written atomically, and the
temporary files a killed run left behind are removed first. Files of
students who are not among the records are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from grader.errors import NngradeError
from grader.gradebook import stored_score_history
from grader.records import AssignmentInfo, StudentRecord
from grader.reports.class_report import class_report_html, write_class_report
from grader.reports.grades_csv import grades_columns, grades_csv_text, grades_table, write_grades_csv
from grader.reports.integrity_page import IntegrityFindings, integrity_findings, write_integrity_page
from grader.reports.gradescope_results import results_json, results_json_text, write_results_json
from grader.reports.output_files import (
    plain_number,
    remove_leftover_temporary_files,
    spreadsheet_safe,
    write_atomically,
)
from grader.reports.student_feedback import check_view, feedback_html, feedback_markdown
from grader.student_ids import UnusableStudentId, student_file_name, student_id_from_file_name

__all__ = [
    "DuplicateStudentRecords",
    "IntegrityFindings",
    "ReportPaths",
    "UnusableStudentId",
    "check_view",
    "class_report_html",
    "feedback_html",
    "feedback_markdown",
    "grades_columns",
    "grades_csv_text",
    "grades_table",
    "integrity_findings",
    "plain_number",
    "remove_leftover_temporary_files",
    "results_json",
    "results_json_text",
    "spreadsheet_safe",
    "student_file_name",
    "student_id_from_file_name",
    "write_atomically",
    "write_class_report",
    "write_grades_csv",
    "write_reports",
    "write_results_json",
]


class DuplicateStudentRecords(NngradeError):
    """Two records share a student id, so their report files would overwrite each other.

    The gradebook keeps one record per student; pass its records as they are,
    or keep the latest record of each student.
    """


@dataclass(frozen=True)
class ReportPaths:
    """Where :func:`write_reports` put each file."""

    grades_csv: Path
    class_report: Path
    feedback_markdown: Mapping[str, Path] = field(default_factory=dict)
    """by student id"""
    feedback_html: Mapping[str, Path] = field(default_factory=dict)
    """by student id"""
    gradescope_results: Mapping[str, Path] = field(default_factory=dict)
    """by student id"""
    similarity_page: Path | None = None
    """``similarity.html``, written when ``out`` holds a gradebook"""


def write_reports(out: Path, info: AssignmentInfo, records: Sequence[StudentRecord]) -> ReportPaths:
    """Write every output of a grading run into ``out`` (folders are created); returns where each file went.

    The same records always give the same files, byte for byte. When ``out`` holds a gradebook, the
    similarity of the submissions it keeps and their tampering flags are read from it too: a section of
    the class report each, and ``similarity.html`` with the matching lines side by side.
    """
    out = Path(out)
    # every name is checked before the first file is written
    names: dict[str, str] = {}
    for record in records:
        if record.student_id in names:
            raise DuplicateStudentRecords(
                f"two records for student {record.student_id!r}: the reports in {out} would overwrite each other"
            )
        names[record.student_id] = student_file_name(record.student_id)

    folders, results = [out, out / "feedback"], out / "results"
    if results.is_dir():
        folders += [path for path in results.iterdir() if path.is_dir() and not path.is_symlink()]
    remove_leftover_temporary_files(folders)

    ordered = sorted(records, key=lambda record: record.student_id)
    markdown: dict[str, Path] = {}
    html: dict[str, Path] = {}
    gradescope: dict[str, Path] = {}
    for record in ordered:
        name = names[record.student_id]
        markdown[record.student_id] = write_atomically(out / "feedback" / f"{name}.md", feedback_markdown(info, record))
        html[record.student_id] = write_atomically(out / "feedback" / f"{name}.html", feedback_html(info, record))
        gradescope[record.student_id] = write_results_json(out / "results" / name / "results.json", info, record)
    findings = integrity_findings(out)
    return ReportPaths(
        grades_csv=write_grades_csv(out / "grades.csv", info, ordered),
        class_report=write_class_report(
            out / "report.html", info, ordered, integrity=findings, history=stored_score_history(out)
        ),
        similarity_page=write_integrity_page(out, info, findings) if findings is not None else None,
        feedback_markdown=markdown,
        feedback_html=html,
        gradescope_results=gradescope,
    )
