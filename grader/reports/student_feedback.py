"""A student's feedback page, as Markdown (``feedback/<student>.md``) and as HTML (``feedback/<student>.html``).

The page opens with the student, the assignment, the points before the late
penalty, the penalty and the final score; then each exercise with its points
and its checks. A public check shows its status, points, feedback text, the
known mistakes it matched with their hints, and what the student's code
printed (a plain pass is a row of the table). A hidden check shows its name,
status and points only: its feedback and output may reveal its inputs. A
module that could not be loaded (or a function it lacks) is shown once, above
the exercises, with its full message; each check it stopped says only "not
run: ...".
:func:`check_view` is the one place that decides what of a check a student
may see; every student-facing output (these pages and Gradescope's
``results.json``) goes through it.

A record whose submission could not be graded gets a page that says why and
what to do.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from grader.adjustments import effective_extension, extended_cutoff
from grader.late_penalties import local_time
from grader.records import AssignmentInfo, StudentRecord
from grader.reports.output_files import plain_number, printable, student_anchor
from grader.results import CheckResult, DiagnosedMistake, ExerciseResult, ModuleProblem, Status, module_problems

INTERNAL_ERROR_NOTE = (
    "Some checks were not scored because of an internal error in the grader (not your fault). "
    "They count as no points for now; your instructor will look into it."
)


@dataclass(frozen=True)
class CheckView:
    """What a student may see of one check result."""

    name: str
    hidden: bool
    status: Status
    score: float | None
    """``None``: not scored (internal error)"""
    max_score: float
    description: str = ""
    """empty for hidden checks"""
    feedback: str = ""
    """empty for hidden checks"""
    mistakes: tuple[DiagnosedMistake, ...] = ()
    """empty for hidden checks"""
    output: str = ""
    """what the student's code printed; empty for hidden checks"""


@dataclass(frozen=True)
class ExerciseView:
    """One exercise of a student's page: its points and what may be seen of its checks."""

    exercise_id: str
    title: str
    score: float
    max_score: float
    complete: bool
    checks: tuple[CheckView, ...]


def check_view(result: CheckResult) -> CheckView:
    """What a student may see of ``result``: for a hidden check, its name, status and points only."""
    if result.hidden:
        return CheckView(
            name=result.check_name,
            hidden=True,
            status=result.status,
            score=result.score,
            max_score=result.max_score,
        )
    return CheckView(
        name=result.check_name,
        hidden=False,
        status=result.status,
        score=result.score,
        max_score=result.max_score,
        description=printable(result.description),
        feedback=printable(result.feedback),
        mistakes=tuple(
            DiagnosedMistake(name=printable(mistake.name), hint=printable(mistake.hint)) for mistake in result.mistakes
        ),
        output=printable(result.output),
    )


def exercise_views(info: AssignmentInfo, record: StudentRecord) -> list[ExerciseView]:
    """The student's exercises in the assignment's order (then any the assignment no longer lists)."""
    order = {exercise.id: index for index, exercise in enumerate(info.exercises)}
    results = sorted(record.exercises, key=lambda result: order.get(result.exercise_id, len(order)))
    return [_exercise_view(info, result) for result in results]


def _exercise_view(info: AssignmentInfo, result: ExerciseResult) -> ExerciseView:
    try:
        declared = info.exercise(result.exercise_id)
        title, max_score = declared.title or result.title, declared.max_score
    except KeyError:
        title, max_score = result.title, result.max_score
    return ExerciseView(
        exercise_id=result.exercise_id,
        title=title,
        score=result.score,
        max_score=max_score,
        complete=result.complete,
        checks=tuple(check_view(check) for check in result.checks),
    )


def problem_views(record: StudentRecord) -> list[ModuleProblem]:
    """The module problems a student may see, each once: those that stopped public checks (text made printable)."""
    return [
        ModuleProblem(module=printable(problem.module), message=printable(problem.message), missing=printable(problem.missing))
        for problem in module_problems(record.exercises, public_only=True)
    ]


PROBLEMS_NOTE = (
    "Each problem here stopped every check that needs it: those checks scored no points and say "
    "\"not run\" below. Fix it first."
)


def points_text(score: float | None, max_score: float) -> str:
    """``"1.5 / 2"``; ``"not scored / 2"`` for an internal error."""
    earned = "not scored" if score is None else plain_number(score)
    return f"{earned} / {plain_number(max_score)}"


def due_and_cutoff(info: AssignmentInfo, record: StudentRecord) -> tuple[str | None, str | None]:
    """The due date and cutoff that count for ``record`` (ISO 8601): the student's extension's, else the assignment's."""
    extension = effective_extension(record.adjustments)
    if extension is None:
        return info.due, info.late.cutoff
    return extension.due, extended_cutoff(info, extension)


def late_text(info: AssignmentInfo, record: StudentRecord) -> str:
    """One sentence on lateness and its penalty; empty when there is nothing to say. Times in the course's zone."""
    days = record.late_days
    day_word = "day" if days == 1 else "days"
    excused = record.adjustments_of("excuse")
    if excused and days > 0:
        return f"Submitted {days} {day_word} late; lateness excused ({excused[-1].text}): no penalty."
    _, cutoff = due_and_cutoff(info, record)
    if record.late_penalty_percent >= 100 and cutoff:
        return f"Submitted after the cutoff ({local_time(cutoff, info.timezone)}): the score counts as 0."
    if record.late_penalty_percent > 0:
        lateness = f"Submitted {days} {day_word} late" if days > 0 else "Submitted late"
        return (
            f"{lateness}: {plain_number(record.late_penalty_percent)}% of the score is lost "
            f"({plain_number(record.late_penalty)} points)."
        )
    if days > 0:
        return f"Submitted {days} {day_word} late, without penalty."
    return ""


def is_incomplete(record: StudentRecord) -> bool:
    """Whether a grader fault left some or all of ``record`` unscored."""
    return record.grader_fault or (not record.problem and not record.complete)


def problem_advice(record: StudentRecord) -> str:
    """What a student whose submission could not be graded should do."""
    if record.grader_fault:
        return (
            "This is a fault in the grader, not in your submission: you need not do anything. "
            "Your instructor will grade your submission again."
        )
    if record.form == "missing":
        return (
            "No submission was found for you. If you did submit, contact your instructor and say when "
            "and how you submitted."
        )
    return (
        "Fix the problem above and submit again: the exercise modules as .py files (a folder or a .zip "
        "of them) or as notebooks. If you believe your submission is fine, contact your instructor. "
        "Your work is graded as soon as it can be read."
    )


def _has_details(view: CheckView) -> bool:
    """Whether a check gets a section of its own: public, and not a plain pass (the table says it all)."""
    if view.hidden:
        return False
    return view.status is not Status.PASSED or bool(view.output or view.mistakes)


def _description_apart(view: CheckView) -> bool:
    """Whether the description must be shown: the grader's feedback usually starts with it already."""
    return bool(view.description) and not view.feedback.startswith(view.description)


def _status_label(view: CheckView) -> str:
    label = str(view.status)
    return f"{label} (not scored)" if view.status is Status.INTERNAL_ERROR else label


# --- Markdown ---------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(text: str) -> str:
    """Inline Markdown text: specials escaped, on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(printable(text).split()))


def _md_code(text: str) -> str:
    """An inline code span holding ``text`` (a name), safe inside a table."""
    text = " ".join(printable(text).split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _md_block(text: str) -> list[str]:
    """A fenced block holding ``text`` verbatim, with a fence no line of it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", text.rstrip("\n"), fence]


def adjustment_lines(record: StudentRecord) -> list[tuple[str, str]]:
    """(label, text) for each of the instructor's points adjustments of ``record``: ``("Adjustment", "+2: reason")``."""
    lines = []
    for adjustment in record.adjustments_of("points"):
        label = f"Adjustment ({adjustment.exercise_id})" if adjustment.exercise_id else "Adjustment"
        lines.append((label, f"{adjustment.points:+g}: {adjustment.text}"))
    return lines


def dates_lines(info: AssignmentInfo, record: StudentRecord) -> list[tuple[str, str]]:
    """(label, time) rows for when the student submitted and when it was due, in the course's zone."""
    lines = []
    if record.submitted_at:
        lines.append(("Submitted", local_time(record.submitted_at, info.timezone)))
    due, _ = due_and_cutoff(info, record)
    if due:
        extended = " (your extension)" if due != info.due else ""
        lines.append(("Due", local_time(due, info.timezone) + extended))
    return lines


COMMENTS_HEADING = "Comments from your instructor"


def feedback_markdown(info: AssignmentInfo, record: StudentRecord) -> str:
    """The Markdown feedback page of one student."""
    lines = [f"# Feedback on {_md(info.name)} for {_md(record.student_id)}", ""]
    if record.problem:
        lines += [
            "**Your submission could not be graded.**",
            "",
            *_md_block(printable(record.problem)),
            "",
            _md(problem_advice(record)),
            "",
            *[line for label, text in adjustment_lines(record) for line in (f"{_md(label)}: {_md(text)}", "")],
            f"Score: {plain_number(record.final)} / {plain_number(info.max_score)}",
            "",
            *_md_comments(record),
        ]
        return "\n".join(lines)

    late = late_text(info, record)
    lines += [
        "| | |",
        "| --- | --- |",
        f"| Points | {plain_number(record.score)} / {plain_number(info.max_score)} |",
    ]
    if record.late_penalty_percent > 0:
        lines.append(
            f"| Late penalty | -{plain_number(record.late_penalty)} ({plain_number(record.late_penalty_percent)}%) |"
        )
    lines += [f"| {_md(label)} | {_md(text)} |" for label, text in adjustment_lines(record)]
    lines.append(f"| **Final score** | **{plain_number(record.final)} / {plain_number(info.max_score)}** |")
    lines += [f"| {label} | {_md(text)} |" for label, text in dates_lines(info, record)]
    lines.append("")
    if late:
        lines += [_md(late), ""]
    lines += _md_comments(record)
    if is_incomplete(record):
        lines += [f"> **Incomplete.** {_md(INTERNAL_ERROR_NOTE)}", ""]
    problems = problem_views(record)
    if problems:
        lines += ["## Modules that could not be used", "", _md(PROBLEMS_NOTE), ""]
        for problem in problems:
            lines += [f"**{_md(problem.headline)}**", "", *_md_block(problem.message), ""]

    for exercise in exercise_views(info, record):
        lines += [
            f"## {_md(exercise.title)} ({_md_code(exercise.exercise_id)}): "
            f"{points_text(exercise.score, exercise.max_score)} points",
            "",
            "| check | status | points |",
            "| --- | --- | --- |",
        ]
        for check in exercise.checks:
            name = _md_code(check.name) + (" (hidden)" if check.hidden else "")
            lines.append(f"| {name} | {_status_label(check)} | {points_text(check.score, check.max_score)} |")
        lines.append("")
        for check in exercise.checks:
            if _has_details(check):
                lines += _md_check_details(check)
    return "\n".join(lines).rstrip("\n") + "\n"


def _mistakes_apart(check: CheckView) -> list:
    """Named mistakes whose hint the feedback text does not already give (the grader's text usually does)."""
    return [mistake for mistake in check.mistakes if mistake.hint not in check.feedback]


def _md_check_details(check: CheckView) -> list[str]:
    lines = [f"### {_md_code(check.name)}: {_status_label(check)}", ""]
    if _description_apart(check):
        lines += [_md(check.description), ""]
    if check.feedback:
        lines += [*_md_block(check.feedback), ""]
    if _mistakes_apart(check):
        lines += ["Known mistakes your answers match:", ""]
        lines += [f"- **{_md(mistake.name)}**: {_md(mistake.hint)}" for mistake in _mistakes_apart(check)]
        lines.append("")
    if check.output:
        lines += ["What your code printed:", "", *_md_block(check.output), ""]
    return lines


# --- HTML -------------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d2330; line-height: 1.45; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d5d9e0; }
h3 { font-size: 1rem; margin-bottom: 0.3rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #d5d9e0; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f2f4f7; }
td.points { text-align: right; white-space: nowrap; }
pre { background: #f6f8fa; border: 1px solid #d5d9e0; padding: 0.6rem; white-space: pre-wrap;
      overflow-wrap: anywhere; font-size: 0.9rem; }
code { font-size: 0.95em; }
.status { display: inline-block; padding: 0 0.45rem; border-radius: 0.6rem; font-size: 0.85rem; white-space: nowrap; }
.passed { background: #dcf5e3; color: #17623a; } .failed { background: #fde2e1; color: #9b1c1c; }
.errored, .timed-out { background: #fff0d6; color: #8a4b00; }
.not-implemented { background: #e8eaee; color: #3d4452; } .internal-error { background: #e5e0fb; color: #4a2f9e; }
.note { border-left: 4px solid #6b4fd8; background: #f5f2ff; padding: 0.5rem 0.8rem; }
.problem { border-left: 4px solid #c62828; background: #fff4f4; padding: 0.5rem 0.8rem; }
.hidden-tag { color: #5b6272; font-size: 0.85rem; }
.mistake-name { font-weight: 600; }
"""


def _h(text: str) -> str:
    return html.escape(printable(text), quote=True)


def _status_badge(view: CheckView) -> str:
    css = str(view.status).replace(" ", "-")
    return f'<span class="status {css}">{_h(_status_label(view))}</span>'


def _page(title: str, body: list[str]) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_h(title)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def feedback_html(info: AssignmentInfo, record: StudentRecord) -> str:
    """The HTML feedback page of one student: one self-contained file, no scripts."""
    title = f"Feedback on {info.name} for {record.student_id}"
    body = [
        f"<h1>Feedback on {_h(info.name)} for <code>{_h(record.student_id)}</code></h1>",
        # the class report sits beside the feedback folder in a grading run's output
        f'<p class="back"><a href="../report.html#{student_anchor(record.student_id)}">Class report</a></p>',
    ]
    if record.problem:
        body += [
            '<div class="problem">',
            "<p><strong>Your submission could not be graded.</strong></p>",
            f"<pre>{_h(record.problem)}</pre>",
            f"<p>{_h(problem_advice(record))}</p>",
            "</div>",
            *[f"<p>{_h(label)}: {_h(text)}</p>" for label, text in adjustment_lines(record)],
            f"<p>Score: {_h(plain_number(record.final))} / {_h(plain_number(info.max_score))}</p>",
            *_html_comments(record),
        ]
        return _page(title, body)

    out_of = f" / {_h(plain_number(info.max_score))}"
    summary = [f"<tr><th>Points</th><td>{_h(plain_number(record.score))}{out_of}</td></tr>"]
    if record.late_penalty_percent > 0:
        summary.append(
            f"<tr><th>Late penalty</th><td>-{_h(plain_number(record.late_penalty))} "
            f"({_h(plain_number(record.late_penalty_percent))}%)</td></tr>"
        )
    summary += [f"<tr><th>{_h(label)}</th><td>{_h(text)}</td></tr>" for label, text in adjustment_lines(record)]
    summary.append(
        f"<tr><th>Final score</th><td><strong>{_h(plain_number(record.final))} / "
        f"{_h(plain_number(info.max_score))}</strong></td></tr>"
    )
    summary += [f"<tr><th>{_h(label)}</th><td>{_h(text)}</td></tr>" for label, text in dates_lines(info, record)]
    body += ["<table>", *summary, "</table>"]
    late = late_text(info, record)
    if late:
        body.append(f"<p>{_h(late)}</p>")
    body += _html_comments(record)
    if is_incomplete(record):
        body.append(f'<p class="note"><strong>Incomplete.</strong> {_h(INTERNAL_ERROR_NOTE)}</p>')
    problems = problem_views(record)
    if problems:
        body += ['<div class="problem">', "<h2>Modules that could not be used</h2>", f"<p>{_h(PROBLEMS_NOTE)}</p>"]
        for problem in problems:
            body += [f"<p><strong>{_h(problem.headline)}</strong></p>", f"<pre>{_h(problem.message)}</pre>"]
        body.append("</div>")

    for exercise in exercise_views(info, record):
        body.append(
            f"<h2>{_h(exercise.title)} (<code>{_h(exercise.exercise_id)}</code>): "
            f"{_h(points_text(exercise.score, exercise.max_score))} points</h2>"
        )
        body.append("<table><tr><th>check</th><th>status</th><th>points</th></tr>")
        for check in exercise.checks:
            hidden = ' <span class="hidden-tag">(hidden)</span>' if check.hidden else ""
            body.append(
                f"<tr><td><code>{_h(check.name)}</code>{hidden}</td><td>{_status_badge(check)}</td>"
                f'<td class="points">{_h(points_text(check.score, check.max_score))}</td></tr>'
            )
        body.append("</table>")
        for check in exercise.checks:
            if _has_details(check):
                body += _html_check_details(check)
    return _page(title, body)


def _html_check_details(check: CheckView) -> list[str]:
    body = [f"<h3><code>{_h(check.name)}</code> {_status_badge(check)}</h3>"]
    if _description_apart(check):
        body.append(f"<p>{_h(check.description)}</p>")
    if check.feedback:
        body.append(f"<pre>{_h(check.feedback)}</pre>")
    if _mistakes_apart(check):
        body.append("<p>Known mistakes your answers match:</p><ul>")
        body += [
            f'<li><span class="mistake-name">{_h(mistake.name)}</span>: {_h(mistake.hint)}</li>'
            for mistake in _mistakes_apart(check)
        ]
        body.append("</ul>")
    if check.output:
        body += ["<p>What your code printed:</p>", f"<pre>{_h(check.output)}</pre>"]
    return body



def _md_comments(record: StudentRecord) -> list[str]:
    comments = record.adjustments_of("comment")
    if not comments:
        return []
    lines = [f"## {COMMENTS_HEADING}", ""]
    for comment in comments:
        lines += [*_md_block(comment.text), ""]
    return lines


def _html_comments(record: StudentRecord) -> list[str]:
    comments = record.adjustments_of("comment")
    if not comments:
        return []
    return [
        '<div class="comments">', f"<h2>{_h(COMMENTS_HEADING)}</h2>",
        *[f'<p class="comment">{_h(comment.text)}</p>' for comment in comments],
        "</div>",
    ]
