"""grades.csv, read back with pandas as an instructor's tools would."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from grader.records import StudentRecord
from grader.reports import grades_columns, write_grades_csv
from grader.results import ExerciseResult
from report_records import ASSIGNMENT, WEIRD_ID, check, class_records


@pytest.fixture(scope="module")
def grades_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("out") / "grades.csv"
    write_grades_csv(path, ASSIGNMENT, class_records())
    return path


@pytest.fixture(scope="module")
def grades(grades_path: Path) -> pd.DataFrame:
    return pd.read_csv(grades_path, keep_default_na=False, na_values=[""]).set_index("student", drop=False)


def test_columns_follow_the_assignment(grades: pd.DataFrame) -> None:
    assert list(grades.columns) == [
        "student",
        "perceptron.predict",
        "hopfield.store",
        "backprop.bp2",
        "total",
        "max",
        "late_days",
        "late_penalty_percent",
        "late_penalty",
        "adjustment",
        "final",
        "submitted_at",
        "problem",
        "incomplete",
    ]
    assert grades_columns(ASSIGNMENT) == list(grades.columns)


def test_one_row_per_student_sorted_by_id(grades: pd.DataFrame) -> None:
    assert list(grades["student"]) == sorted(["alice", "bob", "carol", "dave", "erin", "frank", WEIRD_ID])


def test_scores_and_totals(grades: pd.DataFrame) -> None:
    bob = grades.loc["bob"]
    assert (bob["perceptron.predict"], bob["hopfield.store"], bob["backprop.bp2"]) == (1, 3, 2)
    assert (bob["total"], bob["max"], bob["final"]) == (6, 10, 6)
    alice = grades.loc["alice"]
    assert (alice["total"], alice["final"], alice["late_days"]) == (10, 10, 0)
    assert alice["submitted_at"] == "2024-03-01T12:00:00+00:00"
    assert grades.loc[WEIRD_ID, "final"] == 10


def test_late_penalty_columns(grades: pd.DataFrame) -> None:
    erin = grades.loc["erin"]
    assert erin["total"] == 8
    assert erin["late_days"] == 2
    assert erin["late_penalty_percent"] == 20
    assert erin["late_penalty"] == pytest.approx(1.6)
    assert erin["final"] == pytest.approx(6.4)


def test_problem_row_has_no_exercise_scores(grades: pd.DataFrame) -> None:
    dave = grades.loc["dave"]
    for exercise in ("perceptron.predict", "hopfield.store", "backprop.bp2"):
        assert pd.isna(dave[exercise])
    assert dave["problem"].startswith("dave.zip is not a readable zip file")
    assert dave["final"] == 0
    assert not dave["incomplete"]
    assert grades["problem"].isna().sum() == len(grades) - 1


def test_incomplete_only_for_internal_errors(grades: pd.DataFrame) -> None:
    assert grades["incomplete"].dtype == bool
    assert list(grades.index[grades["incomplete"]]) == ["carol"]
    assert grades.loc["carol", "backprop.bp2"] == 1


def test_numbers_are_plain_decimals(tmp_path: Path) -> None:
    tiny = check("perceptron.predict", "predict_on_the_boundary", score=0.00001)
    third = check("perceptron.predict", "predict_ties", score=1 / 3)
    record = StudentRecord(
        "zed",
        (ExerciseResult("perceptron.predict", "Perceptron output", (tiny, third)),),
        late_penalty_percent=12.345,
    )
    path = write_grades_csv(tmp_path / "grades.csv", ASSIGNMENT, [record])
    text = path.read_text()
    assert "e-" not in text and "E-" not in text
    row = text.splitlines()[1].split(",")
    assert row[:5] == ["zed", "0.33", "", "", "0.33"]
    assert row[6:11] == ["0", "12.35", "0.04", "0", "0.29"]
    assert all(len(cell.partition(".")[2]) <= 2 for cell in row[1:10])


FORMULA_CELLS = ["=SUM(1+1)", "@cmd", "+1", "-2+3", "\t=1+1", "=HYPERLINK(\"http://x\",\"y\")"]


def test_text_a_spreadsheet_would_evaluate_is_written_as_inert_text(tmp_path: Path) -> None:
    records = [
        StudentRecord(student, (ExerciseResult("perceptron.predict", "Perceptron output",
                                               (check("perceptron.predict", "predict_ties", score=1.0),)),))
        for student in FORMULA_CELLS
    ]
    records.append(StudentRecord("zoe", problem="-1 is not a readable zip: =cmd|' /C calc'!A0"))
    records.append(StudentRecord("yan", problem="\r=1+1 and\ra carriage return"))
    path = write_grades_csv(tmp_path / "grades.csv", ASSIGNMENT, records)
    grades = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"student": str, "problem": str})
    assert sorted(grades["student"]) == sorted(["'" + cell for cell in FORMULA_CELLS] + ["zoe", "yan"])
    problems = grades.set_index("student")["problem"]
    assert problems["zoe"] == "'-1 is not a readable zip: =cmd|' /C calc'!A0"
    # A carriage return neither starts a formula nor ends the row: it is shown as an escape.
    assert problems["yan"] == "\\x0d=1+1 and\\x0da carriage return"
    assert grades["total"].dtype.kind in "if" and set(grades["total"]) == {1, 0}
    # Stripping the apostrophe gives back exactly what the gradebook holds.
    assert sorted(cell[1:] for cell in grades["student"] if cell not in ("zoe", "yan")) == sorted(FORMULA_CELLS)


def test_negative_numbers_stay_numbers(tmp_path: Path) -> None:
    negative = check("perceptron.predict", "predict_ties", score=-1.5)
    record = StudentRecord("neg", (ExerciseResult("perceptron.predict", "Perceptron output", (negative,)),))
    path = write_grades_csv(tmp_path / "grades.csv", ASSIGNMENT, [record])
    row = path.read_text().splitlines()[1].split(",")
    assert row[:5] == ["neg", "-1.5", "", "", "-1.5"]
    grades = pd.read_csv(path)
    assert grades.loc[0, "total"] == -1.5 and grades.loc[0, "final"] == -1.5
