"""report.html: figures, the mistake table with who made each mistake, statuses, problems, escaping."""

from __future__ import annotations

import base64
import re
import sys
from html.parser import HTMLParser

import pytest

from grader.records import StudentRecord
from grader.reports import class_report_html
from grader.reports.class_report import check_pass_rates, mistake_rows, status_rows
from grader.results import Status
from report_records import ASSIGNMENT, WEIRD_ID, class_records


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


def test_the_page_embeds_three_png_figures(page: str) -> None:
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 3
    assert page.count("data:image/png;base64,") == 3
    for image in images:
        assert base64.b64decode(image).startswith(b"\x89PNG\r\n\x1a\n")


def test_the_page_needs_nothing_outside_itself(page: str) -> None:
    assert "<script" not in page.lower()
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
    rows = tables["Grades"][1:]
    assert [row[0] for row in rows] == sorted(record.student_id for record in class_records())
    erin = next(row for row in rows if row[0] == "erin")
    assert erin[1:4] == ["8", "20", "6.4"]


def test_text_is_escaped(page: str) -> None:
    assert WEIRD_ID not in page
    assert "o&#x27;brien &lt;b&gt;&amp;co" in page


def test_script_in_an_exercise_id_or_problem_is_escaped() -> None:
    record = StudentRecord("mallory", problem="<script>alert(1)</script> in notebook.ipynb", form="notebook")
    page = class_report_html(ASSIGNMENT, [record])
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_empty_and_ungraded_classes_still_give_a_page() -> None:
    empty = class_report_html(ASSIGNMENT, [])
    assert "No submission was graded." in empty
    assert "data:image/png" not in empty
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
