"""write_reports: every output of a grading run, written from the gradebook's records into a folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.errors import NngradeError
from grader.records import StudentRecord
from grader.reports import (
    DuplicateStudentRecords,
    ReportPaths,
    UnusableStudentId,
    feedback_html,
    feedback_markdown,
    grades_csv_text,
    grades_table,
    student_file_name,
    write_reports,
)
from report_records import ASSIGNMENT, SCRIPT_OUTPUT, SECRET, WEIRD_ID, class_records, record_of

STUDENTS = sorted(record.student_id for record in class_records())


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReportPaths]:
    out = tmp_path_factory.mktemp("run") / "out"
    return out, write_reports(out, ASSIGNMENT, class_records())


def _all_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def test_every_file_is_written_where_the_paths_say(written) -> None:
    out, paths = written
    assert paths.grades_csv == out / "grades.csv"
    assert paths.class_report == out / "report.html"
    for mapping in (paths.feedback_markdown, paths.feedback_html, paths.gradescope_results):
        assert sorted(mapping) == STUDENTS
    assert paths.feedback_markdown["bob"] == out / "feedback" / "bob.md"
    assert paths.feedback_html["bob"] == out / "feedback" / "bob.html"
    assert paths.gradescope_results["bob"] == out / "results" / "bob" / "results.json"
    expected = {paths.grades_csv, paths.class_report}
    for mapping in (paths.feedback_markdown, paths.feedback_html, paths.gradescope_results):
        expected.update(mapping.values())
    assert set(_all_files(out)) == expected
    assert len(expected) == 2 + 3 * len(STUDENTS)


def test_no_temporary_files_are_left(written) -> None:
    out, _ = written
    leftovers = [path for path in out.rglob("*") if path.name.startswith(".") or path.suffix == ".tmp"]
    assert leftovers == []


def test_a_weird_student_id_gets_safe_files_inside_the_output(written) -> None:
    out, paths = written
    name = student_file_name(WEIRD_ID)
    assert paths.feedback_html[WEIRD_ID] == out / "feedback" / f"{name}.html"
    assert paths.gradescope_results[WEIRD_ID].parent.parent == out / "results"
    page = paths.feedback_html[WEIRD_ID].read_text(encoding="utf-8")
    assert "o&#x27;brien &lt;b&gt;&amp;co" in page
    assert WEIRD_ID not in page


def test_hidden_checks_never_leak_into_student_files(written) -> None:
    _, paths = written
    student_files = [*paths.feedback_markdown.values(), *paths.feedback_html.values()]
    for path in [*student_files, *paths.gradescope_results.values()]:
        assert SECRET not in path.read_text(encoding="utf-8"), path
    # the hidden check is still listed, by name and status
    bob = paths.feedback_markdown["bob"].read_text(encoding="utf-8")
    assert "`predict_hidden_inputs` (hidden) | failed | 0 / 2" in bob
    # ... and the instructor's class report does see the hidden-only mistake
    assert "flipped labels" in paths.class_report.read_text(encoding="utf-8")


def test_public_feedback_shows_text_mistakes_and_output(written) -> None:
    _, paths = written
    bob = paths.feedback_markdown["bob"].read_text(encoding="utf-8")
    assert "'predict_on_the_boundary' is not correct:" in bob
    assert "**np.sign**: np.sign(0) is 0, but the perceptron outputs -1 when w . x \\<= 0" in bob
    assert "**kept the diagonal**: 'store' kept the diagonal: w\\_ii should be 0" in bob
    assert SCRIPT_OUTPUT in bob  # verbatim inside a fenced block
    # the feedback holds ``` itself, so its fence is longer
    assert (
        "\n````text\noutputs -1 where w.x is 0\n'predict_on_the_boundary' is not correct:\n"
        "  got ```[0, 1]```, expected [-1, 1]\n````\n"
    ) in bob
    # a plain pass is a row of the table, without a section of its own
    assert "| `predict_ties` | passed | 1 / 1 |" in bob
    assert "### `predict_ties`" not in bob


def test_student_output_is_escaped_in_html(written) -> None:
    _, paths = written
    page = paths.feedback_html["bob"].read_text(encoding="utf-8")
    assert "<script" not in page
    assert "debug: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; done" in page
    assert "<pre>" in page and "<style>" in page


def test_header_states_points_penalty_and_final(written) -> None:
    _, paths = written
    erin = paths.feedback_markdown["erin"].read_text(encoding="utf-8")
    assert "| Points | 8 / 10 |" in erin
    assert "| Late penalty | -1.6 (20%) |" in erin
    assert "| **Final score** | **6.4 / 10** |" in erin
    assert "Submitted 2 days late: 20% of the score is lost (1.6 points)." in erin
    html_page = paths.feedback_html["erin"].read_text(encoding="utf-8")
    assert "<strong>6.4 / 10</strong>" in html_page
    alice = paths.feedback_markdown["alice"].read_text(encoding="utf-8")
    assert "Late penalty" not in alice and "| **Final score** | **10 / 10** |" in alice


def test_incomplete_grades_say_so(written) -> None:
    _, paths = written
    carol = paths.feedback_markdown["carol"].read_text(encoding="utf-8")
    assert "**Incomplete.**" in carol
    assert "| `bp2_values` | internal error (not scored) | not scored / 1 |" in carol
    assert "| `store_small` | timed out | 0 / 2 |" in carol
    assert "Incomplete." not in paths.feedback_markdown["alice"].read_text(encoding="utf-8")


def test_a_problem_page_states_the_problem_and_what_to_do(written) -> None:
    _, paths = written
    for path in (paths.feedback_markdown["dave"], paths.feedback_html["dave"]):
        text = path.read_text(encoding="utf-8")
        assert "could not be graded" in text
        assert "dave.zip is not a readable zip file" in text
        assert "submit again" in text
    results = json.loads(paths.gradescope_results["dave"].read_text(encoding="utf-8"))
    assert results["score"] == 0


def test_a_missing_submission_gets_its_own_advice() -> None:
    record = StudentRecord("gina", problem="no submission found", form="missing")
    assert "No submission was found for you" in feedback_markdown(ASSIGNMENT, record)
    assert "No submission was found for you" in feedback_html(ASSIGNMENT, record)


def test_a_grader_fault_tells_the_student_there_is_nothing_to_fix(tmp_path: Path) -> None:
    record = StudentRecord("hal", problem="internal error in the grader: worker died", form="folder")
    page = feedback_markdown(ASSIGNMENT, record)
    assert "fault in the grader, not in your submission" in page
    assert "submit again" not in page
    paths = write_reports(tmp_path, ASSIGNMENT, [record])
    assert paths.grades_csv.read_text().splitlines()[1].endswith(",internal error in the grader: worker died,true")
    assert json.loads(paths.gradescope_results["hal"].read_text())["extra_data"]["incomplete"] is True


def test_a_module_problem_is_said_once_per_page_and_only_when_a_public_check_met_it(tmp_path: Path) -> None:
    from grader.reports.class_report import class_report_html, module_problem_rows
    from grader.results import CheckResult, ExerciseResult, ModuleProblem, Status

    broken = ModuleProblem("backprop", "'backprop.py' has a syntax error at line 12: expected ':'")
    missing = ModuleProblem("hopfield", f"'hopfield.py' does not define a function 'store' {SECRET}", missing="store")

    def stopped(exercise: str, name: str, points: float, problem: ModuleProblem, hidden: bool = False) -> CheckResult:
        return CheckResult(exercise, name, "d", Status.ERRORED, 0.0, points, f"d\n{problem.not_run}",
                           hidden=hidden, problem=problem)

    record = StudentRecord("ivy", exercises=(
        # hopfield.py lacks 'store' only as far as the hidden check knows: nothing of it reaches the student's files.
        ExerciseResult("hopfield.store", "Hopfield storage", (
            CheckResult("hopfield.store", "store_small", "d", Status.PASSED, 2.0, 2.0, "d\npassed: looks good"),
            stopped("hopfield.store", "store_hidden", 2.0, missing, hidden=True),
        )),
        ExerciseResult("backprop.bp2", "BP2", (
            stopped("backprop.bp2", "bp2_shapes", 1.0, broken), stopped("backprop.bp2", "bp2_values", 1.0, broken),
        )),
    ), form="folder", entry="ivy")
    paths = write_reports(tmp_path, ASSIGNMENT, [record])
    for page in (paths.feedback_markdown["ivy"].read_text(), paths.feedback_html["ivy"].read_text(),
                 json.loads(paths.gradescope_results["ivy"].read_text())["output"]):
        assert page.count("syntax error at line 12") == 1, page
        assert "hopfield.py" not in page and SECRET not in page
    markdown = paths.feedback_markdown["ivy"].read_text()
    assert markdown.index("syntax error at line 12") < markdown.index("## Hopfield storage")  # above the exercises
    assert markdown.count("not run: backprop.py could not be loaded") == 2
    # The instructor's report lists both, once each, with the checks they stopped.
    rows = module_problem_rows([record])
    assert [(row.problem.headline, row.checks) for row in rows] == [
        ("'store' is missing from hopfield.py", 1), ("backprop.py could not be loaded", 2)]
    report = class_report_html(ASSIGNMENT, [record])
    assert report.count("backprop.py could not be loaded") == 1


def test_rewriting_gives_identical_files_and_keeps_other_students(written, tmp_path: Path) -> None:
    out, _ = written
    again = tmp_path / "again"
    stale = again / "feedback" / "someone-else.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("kept")
    write_reports(again, ASSIGNMENT, list(reversed(class_records())))
    for path in _all_files(out):
        assert (again / path.relative_to(out)).read_bytes() == path.read_bytes(), path
    assert stale.read_text() == "kept"


def test_duplicate_student_records_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    records = [record_of("alice"), record_of("bob"), record_of("alice")]
    with pytest.raises(DuplicateStudentRecords, match="alice") as caught:
        write_reports(tmp_path, ASSIGNMENT, records)
    assert isinstance(caught.value, NngradeError)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_student_id_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(UnusableStudentId):
        write_reports(tmp_path, ASSIGNMENT, [record_of("alice"), StudentRecord("", problem="no name")])
    assert list(tmp_path.iterdir()) == []


TRICKY_TEXT = [
    'comma, "quoted" and\nnewline',
    "carriage\r\nreturn",
    "  spaces around  ",
    "",
    "ünïcødé – ✓",
    "semicolon; tab\tdone",
]


def test_grades_csv_is_written_as_pandas_writes_it() -> None:
    records = [
        StudentRecord(f"{index} {text}", problem=text, form="zip", submitted_at=text or None)
        for index, text in enumerate(TRICKY_TEXT)
    ] + class_records()
    expected = grades_table(ASSIGNMENT, records).to_csv(index=False, lineterminator="\n")
    assert grades_csv_text(ASSIGNMENT, records) == expected
    assert '"comma, ""quoted"" and\nnewline"' in expected


def test_writing_the_reports_does_not_import_pandas(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from grader.reports import write_reports\n"
        "from report_records import ASSIGNMENT, class_records\n"
        "write_reports(Path(sys.argv[1]), ASSIGNMENT, class_records())\n"
        "print('pandas' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert (tmp_path / "out" / "grades.csv").is_file()
