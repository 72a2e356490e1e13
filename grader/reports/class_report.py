"""``report.html``: the class report an instructor works from after a grading run.

One self-contained HTML file that works offline (figures are SVG images inside
the page; one short inline script, :data:`_SCRIPT`, sorts and filters the
grades table and nothing is loaded from elsewhere). It opens with a table of
contents and the summary numbers, then: the grades, one row per student and
one column per exercise (its points, with a letter for a check that timed out,
errored, was not implemented or hit an internal error), late days (marked
extended or excused), the late penalty, adjustments and the final score; for
every exercise its hardest checks and the students behind every status and
every named mistake; the students with a module that could not be loaded or
lacks a function (once per module and student, with the number of checks it
stopped); the distribution of final scores; each exercise's scores as a
sideways histogram (readable when most students score full marks); the pass
rate of every check, public and hidden; the named mistakes per exercise with
who made each; how checks ended per exercise; the students whose grade is
incomplete; the submissions that could not be graded; and the instructor's
adjustments. Every student's name links to their feedback page, whose link
back lands on their row (:func:`~grader.reports.output_files.student_anchor`).

The tables are computed by plain functions (:func:`mistake_rows`,
:func:`status_rows`, :func:`check_pass_rates`) so that they can be tested
and reused without the HTML around them; each figure is built by a function
that returns the matplotlib figure (:func:`final_score_plot`,
:func:`exercise_score_plot`, :func:`pass_rate_plot`) and embedded by one that
returns its data URI.

Figures keep their text as SVG text (not glyph outlines; a browser without
DejaVu Sans shows it in its own sans-serif) and carry no date and no
per-process ids, so the same records give the same page byte for byte. Their
margins are measured from their labels (:func:`_fit_to_contents`), so no
label is cut at the figure's edge.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence
from urllib.parse import quote

from grader.adjustments import effective_extension, extended_cutoff
from grader.late_penalties import local_time
from grader.records import AssignmentInfo, StudentRecord
from grader.reports.integrity_page import IntegrityFindings, flags_section, similar_submissions_section
from grader.reports.output_files import plain_number, printable, student_anchor, write_atomically
from grader.student_ids import student_file_name
from grader.results import ExerciseResult, ModuleProblem, Status, module_problems

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from grader.gradebook import ScoreChange


@dataclass(frozen=True)
class MistakeRow:
    """A named mistake of one exercise and the students whose answers matched it."""

    exercise_id: str
    name: str
    hint: str
    students: tuple[str, ...]
    """sorted student ids; each student once, however many checks matched"""
    checks: tuple[str, ...]
    """the checks where the mistake was named"""

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass(frozen=True)
class StatusRow:
    """How the checks of one exercise ended across the graded submissions."""

    exercise_id: str
    counts: dict[Status, int] = field(default_factory=dict)
    mean_score: float | None = None
    """mean points of the graded submissions; ``None`` when none was graded"""
    max_score: float = 0.0


@dataclass(frozen=True)
class CheckPassRate:
    """How many graded submissions passed one check."""

    exercise_id: str
    check_name: str
    hidden: bool
    passed: int
    scored: int
    """results that were scored (internal errors are not)"""

    @property
    def rate(self) -> float | None:
        return self.passed / self.scored if self.scored else None


@dataclass(frozen=True)
class ModuleProblemRow:
    """A module of one student's that could not be loaded (or lacks a function), and the checks it stopped."""

    student_id: str
    problem: ModuleProblem
    checks: int
    """how many checks it kept from running, hidden ones included"""


def module_problem_rows(records: Sequence[StudentRecord]) -> list[ModuleProblemRow]:
    """Each student's module problems, once each, by student then in the order met."""
    rows = []
    for record in _graded(records):
        for problem in module_problems(record.exercises):
            stopped = sum(
                1
                for exercise in record.exercises
                for check in exercise.checks
                if check.problem is not None and check.problem.key == problem.key
            )
            rows.append(ModuleProblemRow(record.student_id, problem, stopped))
    return rows


def _graded(records: Sequence[StudentRecord]) -> list[StudentRecord]:
    return sorted((record for record in records if not record.problem), key=lambda record: record.student_id)


@dataclass
class _MistakeTally:
    hint: str
    students: set[str] = field(default_factory=set)
    checks: list[str] = field(default_factory=list)


def mistake_rows(info: AssignmentInfo, records: Sequence[StudentRecord]) -> list[MistakeRow]:
    """Named mistakes per exercise (assignment order), most frequent first, then by name."""
    tallies: dict[tuple[str, str], _MistakeTally] = {}
    for record in _graded(records):
        for exercise in record.exercises:
            for check in exercise.checks:
                for mistake in check.mistakes:
                    tally = tallies.setdefault((exercise.exercise_id, mistake.name), _MistakeTally(hint=mistake.hint))
                    tally.students.add(record.student_id)
                    if check.check_name not in tally.checks:
                        tally.checks.append(check.check_name)
    order = _exercise_order(info, records)
    rows = [
        MistakeRow(
            exercise_id=exercise_id,
            name=name,
            hint=tally.hint,
            students=tuple(sorted(tally.students)),
            checks=tuple(tally.checks),
        )
        for (exercise_id, name), tally in tallies.items()
    ]
    return sorted(rows, key=lambda row: (order[row.exercise_id], -row.count, row.name))


def status_rows(info: AssignmentInfo, records: Sequence[StudentRecord]) -> list[StatusRow]:
    """Per exercise (assignment order): how many check results ended in each status, and the mean points."""
    graded = _graded(records)
    rows = []
    for exercise_id in _exercise_order(info, records):
        counts = {status: 0 for status in Status}
        scores = []
        for record in graded:
            result = record.exercise(exercise_id)
            if result is None:
                continue
            scores.append(result.score)
            for check in result.checks:
                counts[check.status] += 1
        try:
            max_score = info.exercise(exercise_id).max_score
        except KeyError:
            max_score = max((r.max_score for rec in graded if (r := rec.exercise(exercise_id))), default=0.0)
        rows.append(
            StatusRow(
                exercise_id=exercise_id,
                counts=counts,
                mean_score=statistics.fmean(scores) if scores else None,
                max_score=max_score,
            )
        )
    return rows


def check_pass_rates(info: AssignmentInfo, records: Sequence[StudentRecord]) -> list[CheckPassRate]:
    """Every check (assignment order, then checks only the records know) with its passes among scored results."""
    keys: list[tuple[str, str]] = []
    hidden: dict[tuple[str, str], bool] = {}
    for exercise in info.exercises:
        for check in exercise.checks:
            keys.append((exercise.id, check.name))
            hidden[(exercise.id, check.name)] = check.hidden
    passed: dict[tuple[str, str], int] = {}
    scored: dict[tuple[str, str], int] = {}
    for record in _graded(records):
        for exercise in record.exercises:
            for check in exercise.checks:
                key = (exercise.exercise_id, check.check_name)
                if key not in hidden:
                    keys.append(key)
                    hidden[key] = check.hidden
                if check.status is Status.INTERNAL_ERROR:
                    continue
                scored[key] = scored.get(key, 0) + 1
                passed[key] = passed.get(key, 0) + (check.status is Status.PASSED)
    return [
        CheckPassRate(
            exercise_id=exercise_id,
            check_name=check_name,
            hidden=hidden[(exercise_id, check_name)],
            passed=passed.get((exercise_id, check_name), 0),
            scored=scored.get((exercise_id, check_name), 0),
        )
        for exercise_id, check_name in keys
    ]


def _exercise_order(info: AssignmentInfo, records: Sequence[StudentRecord]) -> dict[str, int]:
    order = {exercise.id: index for index, exercise in enumerate(info.exercises)}
    for record in records:
        for exercise in record.exercises:
            order.setdefault(exercise.exercise_id, len(order))
    return order


# --- figures ----------------------------------------------------------------------------------

_SVG_SETTINGS = {
    # text stays text: smaller files, and no glyph outlines to draw
    "svg.fonttype": "none",
    # ids inside the file (clip paths, markers) are hashes salted with this instead of a random salt
    "svg.hashsalt": "nngrade-class-report",
}

_EDGE_PIXELS = 6.0
"""space between the outermost text of a figure and the figure's edge"""

_SETTLED_PIXELS = 2.0
"""margins that move by less than this after a measurement are not measured again"""

_SMALLEST_AXES_PIXELS = 160.0
"""the axes are never narrower or shorter than this: the figure grows instead"""

_LARGEST_FIGURE_INCHES = 40.0
"""a figure grows to fit its labels up to this size; labels longer still are cut"""


def import_figure_modules() -> None:
    """Import the parts of matplotlib the figures use; returns nothing.

    The first import takes a noticeable part of a second. A grading run whose
    worker processes do the grading calls this in a background thread, so the
    class report does not wait for it afterwards. Calling it again is harmless.
    """
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.backends.backend_svg  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import matplotlib.patches  # noqa: F401


def _new_figure(width: float, height: float) -> "Figure":
    # Figure and the Agg canvas directly: pyplot's global figure registry and backend are never touched.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _fit_to_contents(figure: "Figure") -> "Figure":
    """Set the figure's margins, and grow it where needed, so every label, title and legend lies inside; returns it.

    Constrained layout would do the same, but it measures the whole figure
    again on every draw. Here the text is measured with the Agg renderer (its
    metrics are those of the SVG output, give or take a hinted pixel) until
    the margins move by less than :data:`_SETTLED_PIXELS`: when the axes
    change size, labels placed along them (rotated tick labels) move by a
    fraction of that, which :data:`_EDGE_PIXELS` covers. Long tick labels
    can leave too little room for the axes and for the labels centred on
    them (the axis labels, the title): the figure then grows, never beyond
    :data:`_LARGEST_FIGURE_INCHES`.
    """
    (axes,) = figure.axes
    smallest_width, smallest_height = figure.bbox.width, figure.bbox.height
    largest = _LARGEST_FIGURE_INCHES * figure.dpi
    # Kept when the figure grows: sizes of text do not depend on the canvas, and the
    # renderer caches them (a new one would measure every label again).
    renderer = figure.canvas.get_renderer()
    for _ in range(4):
        width, height = figure.bbox.width, figure.bbox.height
        inner = axes.get_window_extent(renderer)
        outer = axes.get_tightbbox(renderer)
        left = inner.x0 - outer.x0 + _EDGE_PIXELS
        right = outer.x1 - inner.x1 + _EDGE_PIXELS
        bottom = inner.y0 - outer.y0 + _EDGE_PIXELS
        top = outer.y1 - inner.y1 + _EDGE_PIXELS
        across = [text.get_window_extent(renderer).width for text in (axes.xaxis.label, axes.title) if text.get_text()]
        up = [axes.yaxis.label.get_window_extent(renderer).height] if axes.yaxis.label.get_text() else []
        wanted_width = min(max(smallest_width, left + right + max([_SMALLEST_AXES_PIXELS, *across])), largest)
        wanted_height = min(max(smallest_height, bottom + top + max([_SMALLEST_AXES_PIXELS, *up])), largest)
        params = figure.subplotpars
        moved = max(
            abs(wanted_width - width),
            abs(wanted_height - height),
            abs(left - params.left * width),
            abs(right - (1 - params.right) * width),
            abs(bottom - params.bottom * height),
            abs(top - (1 - params.top) * height),
        )
        if wanted_width != width or wanted_height != height:
            figure.set_size_inches(wanted_width / figure.dpi, wanted_height / figure.dpi)
        low_x, high_x = _edges(left, right, wanted_width)
        low_y, high_y = _edges(bottom, top, wanted_height)
        figure.subplots_adjust(left=low_x, right=high_x, bottom=low_y, top=high_y)
        if moved < _SETTLED_PIXELS:
            break
    return figure


def _edges(low: float, high: float, size: float) -> tuple[float, float]:
    """Where the axes start and end, as fractions of ``size``, for margins of ``low`` and ``high`` pixels.

    Margins wider than the figure (labels longer than the largest figure)
    leave the axes a sliver rather than none.
    """
    start = min(low / size, 0.9)
    return start, min(max(1 - high / size, start + 0.05), 1.0)


def _svg_data_uri(figure: "Figure") -> str:
    from matplotlib import rc_context

    buffer = io.BytesIO()
    with rc_context(_SVG_SETTINGS):
        # no date and no matplotlib version: the file depends on the records alone
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _label(text: str) -> str:
    # matplotlib reads "$...$" as mathematics; names are shown as written
    return printable(text).replace("$", r"\$")


def final_score_plot(info: AssignmentInfo, records: Sequence[StudentRecord]) -> "Figure":
    """A histogram of the graded students' final scores, as a laid-out matplotlib figure."""
    finals = [record.final for record in _graded(records)]
    figure = _new_figure(7, 3.2)
    axes = figure.add_subplot()
    top = max(info.max_score, max(finals, default=0.0), 1e-9)
    # one bin per point for small assignments, so bars line up with whole scores
    bins = math.ceil(top) if 5 <= top <= 30 else 20
    axes.hist(finals, bins=bins, range=(0, top), color="#4c72b0", edgecolor="white")
    axes.set_xlabel(f"final score (out of {plain_number(info.max_score)})")
    axes.set_ylabel("students")
    axes.set_title("Final scores of the graded submissions")
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _fit_to_contents(figure)


def final_score_figure(info: AssignmentInfo, records: Sequence[StudentRecord]) -> str:
    """:func:`final_score_plot` as an SVG data URI."""
    return _svg_data_uri(final_score_plot(info, records))


def exercise_score_plot(info: AssignmentInfo, records: Sequence[StudentRecord]) -> "Figure":
    """Each exercise's scores as a sideways histogram (one column per exercise), as a laid-out figure.

    A column's bars count the students in each tenth of the exercise's points, with full marks a bin of
    its own at the top and every count written beside its bar: when most students score full marks the
    other bins stay as wide as their counts, where a box plot would shrink to a line at the top.
    """
    rows = [row for row in status_rows(info, records) if row.max_score > 0]
    counts = []
    for row in rows:
        bins = [0] * (_SCORE_BINS + 1)
        for record in _graded(records):
            result = record.exercise(row.exercise_id)
            if result is not None:
                bins[_score_bin(result.score, row.max_score)] += 1
        counts.append(bins)
    figure = _new_figure(max(6.0, 0.9 * len(rows) + 2), 5.5)
    axes = figure.add_subplot()
    largest = max((count for bins in counts for count in bins), default=0)
    for position, bins in enumerate(counts, start=1):
        for index, count in enumerate(bins):
            if not count:
                continue
            width = 0.8 * count / largest
            colour = "#55a868" if index == _SCORE_BINS else "#4c72b0"
            axes.barh(index, width, height=0.8, left=position - 0.4, color=colour)
            axes.text(position - 0.4 + width + 0.03, index, str(count), va="center", fontsize=7)
    axes.set_xticks(range(1, len(rows) + 1), [_label(row.exercise_id) for row in rows], rotation=40, ha="right")
    labels = [f"{10 * index}-{10 * index + 10}%" for index in range(_SCORE_BINS)] + ["full marks"]
    axes.set_yticks(range(_SCORE_BINS + 1), labels, fontsize=8)
    axes.set_xlim(0.5, len(rows) + 0.7)
    axes.set_ylim(-0.6, _SCORE_BINS + 0.6)
    axes.set_ylabel("share of the exercise's points")
    axes.set_title("Scores per exercise (students per bin)")
    return _fit_to_contents(figure)


_SCORE_BINS = 10
"""tenths of an exercise's points below full marks; full marks is one more bin"""


def _score_bin(score: float, max_score: float) -> int:
    """The bin of ``score``: 0 to 9 for each tenth of ``max_score`` below it, 10 for full marks."""
    if score >= max_score - 1e-9:
        return _SCORE_BINS
    return min(max(int(score / max_score * _SCORE_BINS), 0), _SCORE_BINS - 1)


def exercise_score_figure(info: AssignmentInfo, records: Sequence[StudentRecord]) -> str:
    """:func:`exercise_score_plot` as an SVG data URI."""
    return _svg_data_uri(exercise_score_plot(info, records))


def pass_rate_plot(info: AssignmentInfo, records: Sequence[StudentRecord]) -> "Figure":
    """The pass rate of every check as horizontal bars, hidden checks hatched, as a laid-out figure."""
    from matplotlib.patches import Patch

    rates = check_pass_rates(info, records)
    figure = _new_figure(8, max(2.5, 0.28 * len(rates) + 1.4))
    axes = figure.add_subplot()
    positions = list(range(len(rates)))
    bars = axes.barh(
        positions,
        [rate.rate or 0.0 for rate in rates],
        color=["#dd8452" if rate.hidden else "#4c72b0" for rate in rates],
    )
    for bar, rate in zip(bars, rates):
        if rate.hidden:
            bar.set_hatch("//")
        label = f"{rate.passed}/{rate.scored}" if rate.scored else "no results"
        axes.text(min(bar.get_width(), 1.0) + 0.01, bar.get_y() + bar.get_height() / 2, label, va="center", fontsize=8)
    axes.set_yticks(
        positions, [_label(f"{rate.exercise_id}::{rate.check_name}") for rate in rates], fontsize=8
    )
    axes.invert_yaxis()
    axes.set_xlim(0, 1.15)
    axes.set_xlabel("fraction of scored submissions that passed")
    axes.set_title("Pass rate per check")
    axes.legend(
        handles=[Patch(color="#4c72b0", label="public"), Patch(facecolor="#dd8452", hatch="//", label="hidden")],
        loc="upper left",
        # at the axes' corner, kept apart by the legend's own padding: a gap measured as a
        # fraction of the axes would move whenever the margins change the axes' width
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
    )
    return _fit_to_contents(figure)


def pass_rate_figure(info: AssignmentInfo, records: Sequence[StudentRecord]) -> str:
    """:func:`pass_rate_plot` as an SVG data URI."""
    return _svg_data_uri(pass_rate_plot(info, records))


# --- HTML -------------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 88rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d2330; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #d5d9e0; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.92rem; }
th, td { border: 1px solid #d5d9e0; padding: 0.25rem 0.55rem; text-align: left; vertical-align: top; }
th { background: #f2f4f7; }
td.number { text-align: right; white-space: nowrap; }
td.zero { color: #9aa1ad; }
img { max-width: 100%; height: auto; display: block; margin: 0.5rem 0 1rem; }
.muted { color: #5b6272; }
code { font-size: 0.95em; }
h2.contents { margin-top: 1rem; } nav ol { columns: 2; }
.scroll { overflow-x: auto; margin: 0.5rem 0 1rem; }
table.sortable { font-size: 0.85rem; margin: 0; }
table.sortable th { cursor: pointer; max-width: 9rem; vertical-align: bottom; }
table.sortable td { white-space: nowrap; }
table.sortable th[aria-sort="ascending"]::after { content: " \\25B2"; }
table.sortable th[aria-sort="descending"]::after { content: " \\25BC"; }
.mark { display: inline-block; margin-left: 0.2rem; padding: 0 0.2rem; border-radius: 0.2rem; font-size: 0.75rem;
        background: #f6d6c8; color: #6b2a10; }
tr:target td { background: #fff6c2; }
"""


def _h(text: object) -> str:
    return html.escape(printable(str(text)), quote=True)


def _feedback_link(student_id: str) -> str:
    href = "feedback/" + quote(student_file_name(student_id), safe="") + ".html"
    return f'<a href="{_h(href)}"><code>{_h(student_id)}</code></a>'


def _number_cell(value: float | int | None) -> str:
    text = plain_number(value)
    css = "number zero" if text == "0" else "number"
    return f'<td class="{css}">{_h(text)}</td>'


def _table(header: Sequence[str], rows: list[str]) -> list[str]:
    head = "".join(f"<th>{_h(cell)}</th>" for cell in header)
    return ["<table>", f"<tr>{head}</tr>", *rows, "</table>"]


def class_report_html(
    info: AssignmentInfo,
    records: Sequence[StudentRecord],
    *,
    integrity: IntegrityFindings | None = None,
    history: Sequence[ScoreChange] = (),
) -> str:
    """The class report as one self-contained HTML page.

    The summary comes first, then the student-by-exercise grades table (sorted by a click on a column's
    header, filtered by the text typed above it: the page's one small script, :data:`_SCRIPT`), then each
    exercise's hardest checks and who is behind every status and named mistake, then the figures and the
    tables of the whole class. A table of contents lists every section (``<h2>``) the page has.
    """
    graded = _graded(records)
    with_problems = sorted((record for record in records if record.problem), key=lambda record: record.student_id)
    incomplete = [record for record in graded if not record.complete]
    finals = [record.final for record in graded]
    head = [f"<h1>Class report: {_h(info.name)}</h1>"]
    graded_at = max((record.graded_at for record in records if record.graded_at), default="")
    if graded_at:
        head.append(f'<p class="muted">Latest grading: {_h(local_time(graded_at, info.timezone))}</p>')

    summary = [
        ("students", len(records)),
        ("graded", len(graded)),
        ("could not be graded", len(with_problems)),
        ("incomplete (internal errors)", len(incomplete)),
        ("with a module that could not be used", len({row.student_id for row in module_problem_rows(records)})),
        ("late (with a penalty)", sum(1 for record in graded if record.late_penalty_percent > 0)),
        ("maximum score", info.max_score),
        ("mean final score", statistics.fmean(finals) if finals else None),
        ("median final score", statistics.median(finals) if finals else None),
    ]
    body = ["<h2>Summary</h2>"]
    body += _table(["", "value"], [f"<tr><th>{_h(name)}</th>{_number_cell(value)}</tr>" for name, value in summary])
    body.append('<p class="muted">Means, medians and figures count graded submissions only.</p>')
    body += _grades_section(info, records)
    body += _exercises_section(info, records)
    body += _module_problems_section(records)

    body.append("<h2>Scores</h2>")
    if graded:
        body.append(f'<img alt="Histogram of final scores" src="{final_score_figure(info, records)}">')
        body.append(f'<img alt="Scores per exercise" src="{exercise_score_figure(info, records)}">')
    else:
        body.append("<p>No submission was graded.</p>")

    body.append("<h2>Pass rate per check</h2>")
    if graded and check_pass_rates(info, records):
        body.append(f'<img alt="Pass rate per check" src="{pass_rate_figure(info, records)}">')
    else:
        body.append("<p>No check results.</p>")

    body += _mistakes_section(info, records)
    body += _statuses_section(info, records)
    body += _incomplete_section(incomplete)
    body += _problems_section(with_problems)
    body += _adjustments_section(info, records)
    body += _score_history_section(info, history)
    # The similarity check and the tampering flags (grader.reports.integrity_page), when the gradebook has them.
    body += similar_submissions_section(integrity)
    body += flags_section(integrity)
    body = _with_contents(body)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Class report: {_h(info.name)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            *head,
            *body,
            f"<script>{_SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


_SCRIPT = """
// Sorting and filtering of the tables marked "sortable"; the page works without it.
function sortKey(cell) {
  var text = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
  return text !== "" && isFinite(text) ? Number(text) : text.toLowerCase();
}
function compareKeys(x, y) {
  if (typeof x !== typeof y) return typeof x === "number" ? -1 : 1;  // numbers before text and blanks
  return x < y ? -1 : x > y ? 1 : 0;
}
document.querySelectorAll("table.sortable").forEach(function (table) {
  var headers = table.tHead.rows[0].cells;
  Array.from(headers).forEach(function (header, column) {
    header.addEventListener("click", function () {
      var descending = header.getAttribute("aria-sort") === "ascending";
      Array.from(headers).forEach(function (other) { other.removeAttribute("aria-sort"); });
      header.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var rows = Array.from(table.tBodies[0].rows);
      rows.sort(function (a, b) {
        var order = compareKeys(sortKey(a.cells[column]), sortKey(b.cells[column]));
        return descending ? -order : order;
      });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    });
  });
});
document.querySelectorAll("input[data-filters]").forEach(function (input) {
  var table = document.getElementById(input.dataset.filters);
  input.addEventListener("input", function () {
    var wanted = input.value.trim().toLowerCase();
    Array.from(table.tBodies[0].rows).forEach(function (row) {
      row.hidden = wanted !== "" && row.textContent.toLowerCase().indexOf(wanted) < 0;
    });
  });
});
"""
"""the page's only script: no library, nothing loaded from elsewhere, so the file works offline"""


def _section_id(title: str) -> str:
    return "section-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _with_contents(body: list[str]) -> list[str]:
    """``body`` with an id on every ``<h2>`` that lacks one, after a table of contents linking to each."""
    entries = []
    marked = []
    for line in body:
        match = re.fullmatch(r"<h2>(.*?)</h2>", line)
        if match:
            title = html.unescape(match.group(1))
            section = _section_id(title)
            line = f'<h2 id="{section}">{match.group(1)}</h2>'
            entries.append(f'<li><a href="#{section}">{match.group(1)}</a></li>')
        marked.append(line)
    return ['<nav aria-label="Contents"><h2 class="contents">Contents</h2>', "<ol>", *entries, "</ol>", "</nav>",
            *marked]


_MARKS = (
    (Status.TIMED_OUT, "T"),
    (Status.ERRORED, "E"),
    (Status.NOT_IMPLEMENTED, "N"),
    (Status.INTERNAL_ERROR, "I"),
)
"""the letter the grades table shows beside an exercise's points when one of its checks ended so"""


def _exercise_cell(result: ExerciseResult | None) -> str:
    if result is None:
        return '<td class="number" data-sort=""></td>'
    statuses = {check.status for check in result.checks}
    marks = "".join(
        f'<span class="mark" title="{_h(status)}">{letter}</span>' for status, letter in _MARKS if status in statuses
    )
    score = plain_number(result.score)
    css = "number zero" if score == "0" else "number"
    return f'<td class="{css}" data-sort="{_h(score)}">{_h(score)}{marks}</td>'


def _grades_section(info: AssignmentInfo, records: Sequence[StudentRecord]) -> list[str]:
    """The student-by-exercise table: each exercise's points with its status marks, lateness, adjustments, final."""
    exercise_ids = list(_exercise_order(info, records))
    legend = ", ".join(f'<span class="mark">{letter}</span> {_h(status)}' for status, letter in _MARKS)
    body = [
        "<h2>Grades</h2>",
        f'<p class="muted">Click a column\'s header to sort by it (again for the other way). Beside an exercise\'s '
        f"points, a letter says a check of it ended otherwise than passed or failed: {legend}. A student's name "
        "opens their feedback page.</p>",
        '<p><label>Filter rows: <input type="search" data-filters="grades-table" '
        'placeholder="a student, a mark, a state"></label></p>',
    ]
    cells = []
    for record in sorted(records, key=lambda record: record.student_id):
        if record.problem:
            state = "not graded"
        elif not record.complete:
            state = "incomplete"
        else:
            state = ""
        late_days = _h(str(record.late_days))
        if effective_extension(record.adjustments) is not None:
            late_days += " (extended)"
        if record.adjustments_of("excuse"):
            late_days += " (excused)"
        adjustment = _number_cell(record.adjustment_points) if record.adjustments_of("points") else "<td></td>"
        exercises = "".join(_exercise_cell(record.exercise(exercise_id)) for exercise_id in exercise_ids)
        cells.append(
            f'<tr id="{student_anchor(record.student_id)}"><td>{_feedback_link(record.student_id)}</td>{exercises}'
            f"{_number_cell(record.score)}<td data-sort=\"{record.late_days}\">{late_days}</td>"
            f"{_number_cell(record.late_penalty_percent)}{adjustment}{_number_cell(record.final)}"
            f"<td>{_h(local_time(record.submitted_at, info.timezone))}</td><td>{_h(state)}</td></tr>"
        )
    header = [
        "student", *exercise_ids, "points", "late days", "late penalty %", "adjustment",
        f"final (of {plain_number(info.max_score)})", f"submitted ({info.timezone})", "state",
    ]
    # long exercise ids may break after a dot or an underscore, so that the columns stay narrow
    head = "".join(
        f'<th title="sort by {_h(cell)}">{_h(cell).replace(".", ".<wbr>").replace("_", "_<wbr>")}</th>'
        for cell in header
    )
    return body + [
        '<div class="scroll"><table class="sortable" id="grades-table">', f"<thead><tr>{head}</tr></thead>",
        "<tbody>", *cells, "</tbody>", "</table></div>",
    ]


_HARDEST_SHOWN = 3
"""checks listed as an exercise's hardest"""


def _exercises_section(info: AssignmentInfo, records: Sequence[StudentRecord]) -> list[str]:
    """Per exercise: its hardest checks, the students behind every status but passed, and behind every mistake."""
    body = ["<h2>Exercises</h2>"]
    graded = _graded(records)
    if not graded:
        return body + ["<p>No submission was graded.</p>"]
    rates = check_pass_rates(info, records)
    mistakes = mistake_rows(info, records)
    for row in status_rows(info, records):
        exercise_id = row.exercise_id
        mean = "" if row.mean_score is None else f": mean {plain_number(row.mean_score)} of {plain_number(row.max_score)} points"
        body.append(f'<h3 id="exercise-{_h(_section_id(exercise_id))}"><code>{_h(exercise_id)}</code>{_h(mean)}</h3>')
        hardest = sorted(
            (rate for rate in rates if rate.exercise_id == exercise_id and rate.scored and rate.passed < rate.scored),
            key=lambda rate: (rate.passed / rate.scored, rate.check_name),
        )[:_HARDEST_SHOWN]
        if hardest:
            listed = ", ".join(
                f"<code>{_h(rate.check_name)}</code>{' (hidden)' if rate.hidden else ''} "
                f"{rate.passed}/{rate.scored} passed"
                for rate in hardest
            )
            body.append(f"<p>Hardest checks: {listed}.</p>")
        else:
            body.append("<p>Every scored check passed for every student.</p>")
        who = []
        for status in _STATUS_COLUMNS[1:]:
            students = [
                record.student_id
                for record in graded
                if (result := record.exercise(exercise_id)) is not None
                and any(check.status is status for check in result.checks)
            ]
            if students:
                links = ", ".join(_feedback_link(student) for student in students)
                who.append(f"<tr><td>{_h(status)}</td>{_number_cell(len(students))}<td>{links}</td></tr>")
        for mistake in (m for m in mistakes if m.exercise_id == exercise_id):
            links = ", ".join(_feedback_link(student) for student in mistake.students)
            who.append(f"<tr><td>mistake: {_h(mistake.name)}</td>{_number_cell(mistake.count)}<td>{links}</td></tr>")
        if who:
            body += _table(["a check ended", "students", "who"], who)
    return body


def _mistakes_section(info: AssignmentInfo, records: Sequence[StudentRecord]) -> list[str]:
    body = ["<h2>Named mistakes</h2>"]
    rows = mistake_rows(info, records)
    if not rows:
        return body + ["<p>No known mistake was named.</p>"]
    body.append('<p class="muted">"students" counts each student once, however many checks named the mistake.</p>')
    cells = [
        "<tr>"
        f"<td><code>{_h(row.exercise_id)}</code></td>"
        f"<td>{_h(row.name)}</td>"
        f"{_number_cell(row.count)}"
        f"<td>{', '.join(_feedback_link(student) for student in row.students)}</td>"
        f"<td>{', '.join(f'<code>{_h(check)}</code>' for check in row.checks)}</td>"
        f"<td>{_h(row.hint)}</td>"
        "</tr>"
        for row in rows
    ]
    return body + _table(["exercise", "mistake", "students", "who", "checks", "hint"], cells)


_STATUS_COLUMNS = (
    Status.PASSED,
    Status.FAILED,
    Status.ERRORED,
    Status.TIMED_OUT,
    Status.NOT_IMPLEMENTED,
    Status.INTERNAL_ERROR,
)


def _statuses_section(info: AssignmentInfo, records: Sequence[StudentRecord]) -> list[str]:
    body = ["<h2>How checks ended, per exercise</h2>", '<p class="muted">Counts of check results.</p>']
    cells = []
    for row in status_rows(info, records):
        mean = "" if row.mean_score is None else f"{plain_number(row.mean_score)} / {plain_number(row.max_score)}"
        counts = "".join(_number_cell(row.counts.get(status, 0)) for status in _STATUS_COLUMNS)
        cells.append(f'<tr><td><code>{_h(row.exercise_id)}</code></td><td class="number">{_h(mean)}</td>{counts}</tr>')
    return body + _table(["exercise", "mean points", *(str(status) for status in _STATUS_COLUMNS)], cells)


def _module_problems_section(records: Sequence[StudentRecord]) -> list[str]:
    rows = module_problem_rows(records)
    if not rows:
        return []
    body = [
        "<h2>Modules that could not be used</h2>",
        '<p class="muted">A module that could not be loaded, or lacks a function, stops every check that calls it '
        '(errored, no points); each is listed once, with the first line of its message. The feedback page has '
        "the whole message.</p>",
    ]
    cells = [
        f"<tr><td>{_feedback_link(row.student_id)}</td><td>{_h(row.problem.headline)}</td>"
        f"{_number_cell(row.checks)}<td>{_h(row.problem.message.splitlines()[0] if row.problem.message else '')}</td></tr>"
        for row in rows
    ]
    return body + _table(["student", "problem", "checks not run", "message"], cells)


def _incomplete_section(incomplete: list[StudentRecord]) -> list[str]:
    body = ["<h2>Incomplete grades</h2>"]
    if not incomplete:
        return body + ["<p>No internal error: every check was scored.</p>"]
    body.append(
        '<p class="muted">A grader fault left these checks unscored; they count as no points until regraded.</p>'
    )
    cells = []
    for record in incomplete:
        checks = [
            check.test_id
            for exercise in record.exercises
            for check in exercise.checks
            if check.status is Status.INTERNAL_ERROR
        ]
        listed = ", ".join(f"<code>{_h(check)}</code>" for check in checks)
        cells.append(f"<tr><td>{_feedback_link(record.student_id)}</td><td>{listed}</td></tr>")
    return body + _table(["student", "unscored checks"], cells)


def _problems_section(with_problems: list[StudentRecord]) -> list[str]:
    body = ["<h2>Submissions that could not be graded</h2>"]
    if not with_problems:
        return body + ["<p>None.</p>"]
    cells = [
        f"<tr><td>{_feedback_link(record.student_id)}</td><td>{_h(record.form)}</td>"
        f"<td><code>{_h(record.entry)}</code></td><td>{_h(record.problem)}</td></tr>"
        for record in with_problems
    ]
    return body + _table(["student", "form", "entry", "problem"], cells)


def _adjustments_section(info: AssignmentInfo, records: Sequence[StudentRecord]) -> list[str]:
    """Every adjustment, extension, excuse and comment in force, with who made it, when and why."""
    body = ["<h2>Adjustments, extensions and comments</h2>"]
    made = sorted(
        (adjustment for record in records for adjustment in record.adjustments), key=lambda a: (a.student_id, a.id)
    )
    if not made:
        return body + ['<p>None. <code>nngrade adjust</code>, <code>extend</code>, <code>excuse</code> and '
                       '<code>comment</code> add them; every regrade keeps them.</p>']
    cells = []
    for adjustment in made:
        if adjustment.kind == "points":
            target = adjustment.exercise_id or "the assignment"
            what = f"{adjustment.points:+g} points on {target}"
        elif adjustment.kind == "extension":
            cutoff = extended_cutoff(info, adjustment)
            what = f"due {local_time(adjustment.due, info.timezone)}"
            what += f", cutoff {local_time(cutoff, info.timezone)}" if cutoff else ""
        elif adjustment.kind == "excuse":
            what = "lateness excused"
        else:
            what = "comment"
        cells.append(
            f"<tr><td>{_h(str(adjustment.id))}</td><td>{_feedback_link(adjustment.student_id)}</td>"
            f"<td>{_h(adjustment.kind)}</td><td>{_h(what)}</td><td>{_h(adjustment.text)}</td>"
            f"<td>{_h(adjustment.made_by)}</td><td>{_h(local_time(adjustment.made_at, info.timezone))}</td></tr>"
        )
    return body + _table(["id", "student", "kind", "what", "reason or comment", "by", "when"], cells)


def _score_history_section(info: AssignmentInfo, history: Sequence[ScoreChange]) -> list[str]:
    """Every exercise score a regrade replaced (the gradebook's ``score_history``): before, after and why."""
    body = ["<h2>Score history</h2>"]
    if not history:
        return body + ["<p>No regrade has replaced a score. When a check is fixed, <code>nngrade grade</code> grades "
                       "that exercise again and keeps the earlier scores here.</p>"]
    cells = [
        f"<tr><td>{_feedback_link(change.student_id)}</td><td><code>{_h(change.exercise_id)}</code></td>"
        f'<td class="number">{_h(plain_number(change.score))} / {_h(plain_number(change.max_score))}</td>'
        f'<td class="number">{_h(plain_number(change.new_score))} / {_h(plain_number(change.new_max_score))}</td>'
        f"<td>{_h(local_time(change.graded_at, info.timezone))}</td>"
        f"<td>{_h(local_time(change.regraded_at, info.timezone))}</td><td>{_h(change.reason)}</td></tr>"
        for change in history
    ]
    return body + _table(["student", "exercise", "earlier", "now", "graded", "regraded", "why"], cells)


def write_class_report(
    path: Path,
    info: AssignmentInfo,
    records: Sequence[StudentRecord],
    *,
    integrity: IntegrityFindings | None = None,
    history: Sequence[ScoreChange] = (),
) -> Path:
    """Write ``report.html`` to ``path`` atomically; returns ``path``."""
    return write_atomically(path, class_report_html(info, records, integrity=integrity, history=history))
