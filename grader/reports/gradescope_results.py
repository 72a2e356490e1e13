"""Gradescope's ``results.json`` for one student (``results/<student>/results.json``).

The document follows Gradescope's autograder output format: the top-level
``score`` is the final score (after the late penalty, which the top-level
``output`` explains), and each check is one test named
``<exercise>::<check>`` with its points and ``status`` ``passed`` or
``failed``. Public checks are ``visible`` and carry their feedback and what
the student's code printed (a module that could not be loaded is explained
once, in the top-level ``output``, and each check it stopped says "not run");
hidden checks are shown ``after_published`` and
their output states the status only, since their feedback may reveal their
inputs. Every output is plain text (``output_format`` ``text``), so what a
student's code printed is shown as written, never as markup. A submission
that could not be graded scores 0 and its top-level ``output`` says why. :func:`results_json` builds the document, so an
autograder running on Gradescope can produce the same file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from grader.records import AssignmentInfo, StudentRecord
from grader.reports.output_files import plain_number, printable, write_atomically
from grader.reports.student_feedback import (
    INTERNAL_ERROR_NOTE,
    CheckView,
    check_view,
    exercise_views,
    PROBLEMS_NOTE,
    is_incomplete,
    COMMENTS_HEADING,
    adjustment_lines,
    late_text,
    problem_advice,
    problem_views,
)
from grader.results import Status


def results_json(info: AssignmentInfo, record: StudentRecord) -> dict[str, Any]:
    """The ``results.json`` document of ``record``, as plain JSON data."""
    extra = {
        "student": record.student_id,
        "assignment": info.name,
        "max_score": _points(info.max_score),
        "score_before_late_penalty": _points(record.score),
        "late_days": record.late_days,
        "late_penalty_percent": _points(record.late_penalty_percent),
        "late_penalty": _points(record.late_penalty),
        "adjustment": _points(record.adjustment_points),
        "incomplete": is_incomplete(record),
        "submitted_at": record.submitted_at,
        "graded_at": record.graded_at,
    }
    if record.problem:
        return {
            "score": 0.0,
            "execution_time": _seconds(record.seconds),
            "output": f"Your submission could not be graded: {printable(record.problem)}\n\n{problem_advice(record)}",
            "output_format": "text",
            "test_output_format": "text",
            "test_name_format": "text",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "extra_data": {**extra, "problem": record.problem},
            "tests": [],
        }

    tests = []
    for exercise_number, exercise in enumerate(exercise_views(info, record), start=1):
        for check_number, check in enumerate(exercise.checks, start=1):
            tests.append(_test(exercise.exercise_id, check, number=f"{exercise_number}.{check_number}"))
    return {
        "score": _points(record.final),
        "execution_time": _seconds(record.seconds),
        "output": _summary(info, record),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": extra,
        "tests": tests,
    }


def results_json_text(info: AssignmentInfo, record: StudentRecord) -> str:
    """:func:`results_json` as indented JSON text."""
    return json.dumps(results_json(info, record), indent=2, ensure_ascii=False) + "\n"


def write_results_json(path: Path, info: AssignmentInfo, record: StudentRecord) -> Path:
    """Write ``record``'s ``results.json`` to ``path`` atomically; returns ``path``."""
    return write_atomically(path, results_json_text(info, record))


def _seconds(seconds: float) -> float:
    return round(seconds, 2) if math.isfinite(seconds) and seconds > 0 else 0.0


def _points(value: float | None) -> float:
    """Points as JSON can hold them: two decimals; ``None`` (not scored) and non-finite values as 0."""
    if value is None or not math.isfinite(value):
        return 0.0
    return round(float(value), 2) + 0.0


def _summary(info: AssignmentInfo, record: StudentRecord) -> str:
    lines = [f"{info.name}: {plain_number(record.final)} / {plain_number(info.max_score)} points."]
    if record.late_penalty_percent > 0:
        lines.append(
            f"Points before the late penalty: {plain_number(record.score)}. Late penalty: "
            f"-{plain_number(record.late_penalty)} points ({plain_number(record.late_penalty_percent)}%)."
        )
    late = late_text(info, record)
    if late:
        lines.append(late)
    lines += [f"{label}: {text}" for label, text in adjustment_lines(record)]
    comments = record.adjustments_of("comment")
    if comments:
        lines += ["", f"{COMMENTS_HEADING}:", *(comment.text for comment in comments), ""]
    if not record.complete:
        lines.append(INTERNAL_ERROR_NOTE)
    problems = problem_views(record)
    if problems:
        lines += ["", PROBLEMS_NOTE]
        for problem in problems:
            lines += ["", f"== {problem.headline}", problem.message]
    return "\n".join(lines)


def _test(exercise_id: str, check: CheckView, *, number: str) -> dict[str, Any]:
    return {
        "name": f"{exercise_id}::{check.name}",
        "number": number,
        # an internal error is not scored; Gradescope needs a number, and the output says why
        "score": _points(check.score),
        "max_score": _points(check.max_score),
        "status": "passed" if check.status is Status.PASSED else "failed",
        "output": _hidden_output(check) if check.hidden else _public_output(check),
        "visibility": "after_published" if check.hidden else "visible",
        "tags": [exercise_id, "hidden" if check.hidden else "public"],
        "extra_data": {
            "exercise": exercise_id,
            "check": check.name,
            "status": str(check.status),
            "hidden": check.hidden,
        },
    }


def _hidden_output(check: CheckView) -> str:
    if check.status is Status.INTERNAL_ERROR:
        return "Hidden check: internal error in the grader (not your fault); not scored."
    return f"Hidden check: {check.status}."


def _public_output(check: CheckView) -> str:
    parts = [f"Status: {check.status}."]
    if check.feedback:
        parts.append(check.feedback)
    # the grader's feedback usually names the mistakes already; add those it does not
    missing = [mistake for mistake in check.mistakes if mistake.hint not in check.feedback]
    if missing:
        parts.append("\n".join(f"Known mistake '{mistake.name}': {mistake.hint}" for mistake in missing))
    if check.output:
        parts.append(f"What your code printed:\n{check.output}")
    return "\n\n".join(parts)
