"""report.html: figures, the mistake table with who made each mistake, statuses, problems, escaping."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from matplotlib.artist import Artist
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure

from grader.records import AssignmentInfo, CheckInfo, ExerciseInfo, StudentRecord
from grader.reports import class_report_html
from grader.reports.class_report import (
    check_pass_rates,
    exercise_score_plot,
    final_score_plot,
    mistake_rows,
    pass_rate_plot,
    status_rows,
)
from grader.results import CheckResult, ExerciseResult, Status
from report_records import ASSIGNMENT, WEIRD_ID, class_records


SVG = "{http://www.w3.org/2000/svg}"


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts, keyed by the heading above it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self._heading = ""
        self._in_heading = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "h2":
            self._in_heading, self._heading = True, ""
        elif tag == "table":
            self.tables[self._heading] = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_heading = False
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._heading].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._in_heading:
            self._heading += data
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def page() -> str:
    return class_report_html(ASSIGNMENT, class_records())


@pytest.fixture(scope="module")
def tables(page: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def _svg_figures(page: str) -> list[ElementTree.Element]:
    images = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    return [ElementTree.fromstring(base64.b64decode(image)) for image in images]


def _wide_class(
    exercises: int, checks: int, *, prefix: str = "backprop.output_error_cross_entropy"
) -> tuple[AssignmentInfo, list[StudentRecord]]:
    """An assignment with long exercise ids and check names, and one graded student per score step."""
    infos = tuple(
        ExerciseInfo(
            f"{prefix}{e}.exercise_{e}",
            f"exercise {e}",
            float(checks),
            tuple(CheckInfo(f"{prefix}{e}_check_{c}", "", c % 2 == 1, 1.0) for c in range(checks)),
        )
        for e in range(exercises)
    )
    info = AssignmentInfo(name="wide", exercises=infos)
    records = []
    for student in range(checks + 1):
        results = tuple(
            ExerciseResult(
                exercise.id,
                exercise.title,
                tuple(
                    CheckResult(
                        exercise_id=exercise.id,
                        check_name=declared.name,
                        description="",
                        status=Status.PASSED if c < student else Status.FAILED,
                        score=1.0 if c < student else 0.0,
                        max_score=1.0,
                        feedback="",
                        hidden=declared.hidden,
                    )
                    for c, declared in enumerate(exercise.checks)
                ),
            )
            for exercise in infos
        )
        records.append(StudentRecord(f"student-{student}", results))
    return info, records


def _drawn_texts(figure: Figure) -> list[Artist]:
    """Every piece of text the figure draws: tick labels in view, axis labels, title, texts, the legend."""
    (axes,) = figure.axes
    texts = [axes.xaxis.label, axes.yaxis.label, axes.title, *axes.texts]
    for axis in (axes.xaxis, axes.yaxis):
        low, high = sorted(axis.get_view_interval())
        texts += [tick.label1 for tick in axis.get_major_ticks() if low - 1e-9 <= tick.get_loc() <= high + 1e-9]
    legend = axes.get_legend()
    if legend is not None:
        texts.append(legend)
    return [text for text in texts if text.get_visible() and (not hasattr(text, "get_text") or text.get_text())]


def test_the_page_embeds_three_svg_figures_with_their_text_as_text(page: str) -> None:
    figures = _svg_figures(page)
    assert len(figures) == 3
    assert page.count("data:image/") == 3
    assert all(figure.tag == f"{SVG}svg" for figure in figures)
    texts = [" ".join("".join(text.itertext()) for text in figure.iter(f"{SVG}text")) for figure in figures]
    assert "Final scores of the graded submissions" in texts[0]
    assert "hopfield.store" in texts[1]
    assert "perceptron.predict::predict_hidden_inputs" in texts[2]
    # the file depends on the records alone: no date, no generator version
    assert not [date for figure in figures for date in figure.iter("{http://purl.org/dc/elements/1.1/}date")]
    assert "Matplotlib v" not in page


def test_names_that_look_like_markup_stay_text_in_the_figures() -> None:
    info, records = _wide_class(2, 2, prefix="<b>&amp;'$x$'")
    exercises, pass_rates = _svg_figures(class_report_html(info, records))[1:]
    assert "<b>&amp;'$x$'1.exercise_1" in ["".join(text.itertext()) for text in exercises.iter(f"{SVG}text")]
    texts = ["".join(text.itertext()) for text in pass_rates.iter(f"{SVG}text")]
    assert "<b>&amp;'$x$'0.exercise_0::<b>&amp;'$x$'0_check_0" in texts


@pytest.mark.parametrize("plot", [final_score_plot, exercise_score_plot, pass_rate_plot])
@pytest.mark.parametrize("shape", ["class", "wide", "one exercise"])
def test_no_label_is_cut_at_the_figure_edge(plot, shape: str) -> None:
    if shape == "class":
        info, records = ASSIGNMENT, class_records()
    else:
        info, records = _wide_class(14, 4) if shape == "wide" else _wide_class(1, 12)
    figure = plot(info, records)
    # as the Agg renderer measures the text ...
    texts = _drawn_texts(figure)
    assert len(texts) >= 5
    _assert_inside(texts, figure.canvas.get_renderer(), figure.bbox, shape)
    # ... and as the SVG output measures it: at 72 dots per inch, with the SVG renderer's own metrics
    figure.set_dpi(72)
    _assert_inside(texts, RendererSVG(figure.bbox.width, figure.bbox.height, io.StringIO()), figure.bbox, shape)


def _assert_inside(texts, renderer, edge, shape: str) -> None:
    for text in texts:
        extent = text.get_window_extent(renderer)
        inside = edge.x0 <= extent.x0 and extent.x1 <= edge.x1 and edge.y0 <= extent.y0 and extent.y1 <= edge.y1
        assert inside, (shape, str(text), extent, edge)


def test_labels_too_long_for_the_figure_still_give_a_figure() -> None:
    info, records = _wide_class(3, 3, prefix="x" * 400)
    page = class_report_html(info, records)
    assert len(_svg_figures(page)) == 3


def test_the_same_records_give_the_same_page_in_another_process(page: str) -> None:
    script = (
        "import sys\n"
        "from grader.reports import class_report_html\n"
        "from report_records import ASSIGNMENT, class_records\n"
        "sys.stdout.buffer.write(class_report_html(ASSIGNMENT, class_records()).encode())\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, check=True, timeout=120)
    assert other.stdout.decode() == page


def test_the_page_needs_nothing_outside_itself(page: str) -> None:
    # one inline script of the page's own (sorting and filtering), nothing loaded from elsewhere
    assert page.lower().count("<script") == 1
    assert "<script>" in page
    assert not re.search(r'(?:src|href)="(?:https?:|//)', page)


def test_summary_numbers(tables) -> None:
    summary = dict(row for row in tables["Summary"][1:])
    assert summary["students"] == "7"
    assert summary["graded"] == "6"
    assert summary["could not be graded"] == "1"
    assert summary["incomplete (internal errors)"] == "1"
    # finals of the graded: alice 10, bob 6, carol 7, erin 6.4, frank 4, o'brien 10
    assert summary["mean final score"] == "7.23"
    assert summary["median final score"] == "6.7"


def test_mistake_table_counts_students_and_names_them(tables) -> None:
    rows = tables["Named mistakes"]
    assert rows[0][:4] == ["exercise", "mistake", "students", "who"]
    found = {(row[0], row[1]): (row[2], row[3]) for row in rows[1:]}
    assert found == {
        ("perceptron.predict", "np.sign"): ("2", "bob, frank"),
        ("perceptron.predict", "flipped labels"): ("1", "bob"),
        ("hopfield.store", "kept the diagonal"): ("2", "bob, erin"),
    }
    # most frequent first within an exercise
    assert [row[1] for row in rows[1:]] == ["np.sign", "flipped labels", "kept the diagonal"]


def test_mistake_rows_list_students_once_and_the_checks() -> None:
    rows = mistake_rows(ASSIGNMENT, class_records())
    sign = next(row for row in rows if row.name == "np.sign")
    assert sign.students == ("bob", "frank")
    assert sign.count == 2
    assert set(sign.checks) == {"predict_on_the_boundary", "predict_hidden_inputs", "predict_ties"}


def test_mistake_students_link_to_their_feedback(page: str) -> None:
    assert '<a href="feedback/bob.html"><code>bob</code></a>' in page


def test_status_table_per_exercise(tables) -> None:
    rows = tables["How checks ended, per exercise"]
    header = rows[0]
    by_exercise = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert by_exercise["hopfield.store"]["timed out"] == "1"
    assert by_exercise["backprop.bp2"]["internal error"] == "1"
    assert by_exercise["backprop.bp2"]["not implemented"] == "2"
    assert by_exercise["perceptron.predict"]["errored"] == "1"
    assert by_exercise["perceptron.predict"]["failed"] == "4"
    counts = {row.exercise_id: row.counts for row in status_rows(ASSIGNMENT, class_records())}
    # six graded students, three checks each
    assert sum(counts["perceptron.predict"].values()) == 18


def test_pass_rates_mark_hidden_checks_and_skip_unscored_results() -> None:
    rates = {(rate.exercise_id, rate.check_name): rate for rate in check_pass_rates(ASSIGNMENT, class_records())}
    boundary = rates[("perceptron.predict", "predict_on_the_boundary")]
    assert (boundary.passed, boundary.scored, boundary.hidden) == (4, 6, False)
    assert rates[("perceptron.predict", "predict_hidden_inputs")].hidden
    values = rates[("backprop.bp2", "bp2_values")]
    assert (values.passed, values.scored) == (4, 5)


def test_incomplete_and_problem_tables(tables) -> None:
    assert tables["Incomplete grades"][1] == ["carol", "backprop.bp2::bp2_values"]
    problem = tables["Submissions that could not be graded"][1]
    assert problem[:3] == ["dave", "zip", "dave.zip"]
    assert problem[3].startswith("dave.zip is not a readable zip file")


def test_grades_table_lists_every_student(tables) -> None:
    header, *rows = tables["Grades"]
    assert [row[0] for row in rows] == sorted(record.student_id for record in class_records())
    erin = dict(zip(header, next(row for row in rows if row[0] == "erin")))
    shown = [erin[column] for column in ("points", "late days", "late penalty %", "adjustment", "final (of 10)")]
    assert shown == ["8", "2", "20", "", "6.4"]


def test_text_is_escaped(page: str) -> None:
    assert WEIRD_ID not in page
    assert "o&#x27;brien &lt;b&gt;&amp;co" in page


def test_script_in_an_exercise_id_or_problem_is_escaped() -> None:
    record = StudentRecord("mallory", problem="<script>alert(1)</script> in notebook.ipynb", form="notebook")
    page = class_report_html(ASSIGNMENT, [record])
    assert page.count("<script") == 1  # the page's own
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_empty_and_ungraded_classes_still_give_a_page() -> None:
    empty = class_report_html(ASSIGNMENT, [])
    assert "No submission was graded." in empty
    assert "data:image/" not in empty
    only_problems = class_report_html(ASSIGNMENT, [StudentRecord("dave", problem="no submission", form="missing")])
    assert "no submission" in only_problems


def test_figures_leave_pyplot_alone() -> None:
    had_pyplot = "matplotlib.pyplot" in sys.modules
    before = sys.modules["matplotlib.pyplot"].get_fignums() if had_pyplot else None
    class_report_html(ASSIGNMENT, class_records())
    if had_pyplot:
        assert sys.modules["matplotlib.pyplot"].get_fignums() == before
    else:
        assert "matplotlib.pyplot" not in sys.modules


def test_the_same_records_give_the_same_page(page: str) -> None:
    assert class_report_html(ASSIGNMENT, list(reversed(class_records()))) == page


def test_status_counts_cover_every_status() -> None:
    rows = status_rows(ASSIGNMENT, class_records())
    assert all(set(row.counts) == set(Status) for row in rows)
