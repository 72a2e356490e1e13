"""The text a student reads for one check, and the compact results table.

Feedback has one shape everywhere: what the check is about, what was wrong
(the answer's name in quotes, what was got and, for public checks, what was
expected), and for a known mistake its name and a hint. A check that a
module problem stopped (a syntax error, a failed import, a missing function)
says only "not run: perceptron.py could not be loaded"; the problem's full
message is shown once, before the checks (:func:`problems_text`).
"""

from __future__ import annotations

from typing import Sequence

from grader.declarations import Check
from grader.results import DiagnosedMistake, ExerciseResult, ModuleProblem, Status

_INTERNAL = (
    "internal error in the grader (not your fault): this check was not scored. "
    "Please report it to your instructor with the message below."
)


def feedback_text(
    status: Status,
    check: Check,
    failures: Sequence[str],
    details: str,
    mistakes: Sequence[DiagnosedMistake],
    *,
    possible: Sequence[DiagnosedMistake] = (),
) -> str:
    """The feedback of one check result.

    ``mistakes`` are named as what the answer does; ``possible`` are the known mistakes the answers fit
    equally well, which the checks cannot tell apart: listed as possibilities, never as a diagnosis.
    """
    lines = [f"{check.description}"]
    if status is Status.PASSED:
        lines.append("passed: looks good")
    elif status is Status.FAILED:
        lines.extend(failures)
    elif status is Status.INTERNAL_ERROR:
        lines.append(_INTERNAL)
        lines.append(details)
    else:
        lines.append(details)
    if len(mistakes) == 1:
        lines.append(f"This looks like a known mistake, '{mistakes[0].name}': {mistakes[0].hint}")
    elif mistakes:
        lines.append("On these inputs your answers match more than one known mistake:")
        lines.extend(f"  - '{mistake.name}': {mistake.hint}" for mistake in mistakes)
    if possible and not mistakes:
        lines.append(
            "The evidence is ambiguous: your answers fit more than one known mistake and these checks cannot "
            "tell them apart, so none is named. It could be one of:"
        )
        lines.extend(f"  - '{mistake.name}' (possibly): {mistake.hint}" for mistake in possible)
    return "\n".join(line for line in lines if line)


def problem_text(problem: ModuleProblem) -> str:
    """One module problem with its full message, as a check run shows it once before the checks it stopped."""
    return f"== {problem.headline}\n{problem.message}"


def problems_text(problems: Sequence[ModuleProblem]) -> str:
    """The module problems of a run, each once; empty when there are none."""
    if not problems:
        return ""
    if len(problems) == 1:
        lines = ["Fix this first: it kept checks from running (they say \"not run\" below)."]
    else:
        lines = [f"Fix these {len(problems)} problems first: they kept checks from running (they say \"not run\" below)."]
    for problem in problems:
        lines += ["", problem_text(problem)]
    return "\n".join(lines)


def _points(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}"


def text_table(rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> list[str]:
    """Rows as aligned text lines, the first row a header underlined with dashes.

    Columns whose index is in ``right`` are right-aligned (numbers); trailing
    spaces are dropped.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return lines


def results_table(results: Sequence[ExerciseResult]) -> str:
    """A compact table: exercise, check, status, points; then the total."""
    rows = [("exercise", "check", "status", "points")]
    for exercise in results:
        for result in exercise.checks:
            check = result.check_name + (" (hidden)" if result.hidden else "")
            rows.append((exercise.exercise_id, check, str(result.status), f"{_points(result.score)}/{result.max_score:g}"))
    lines = text_table(rows, right=(3,))
    score = sum(r.score for r in results)
    total = sum(r.max_score for r in results)
    lines.append("")
    lines.append(f"total: {score:g}/{total:g} points")
    incomplete = [r.exercise_id for r in results if not r.complete]
    if incomplete:
        lines.append(f"incomplete: internal errors in {', '.join(incomplete)} (not scored; report them)")
    return "\n".join(lines)
