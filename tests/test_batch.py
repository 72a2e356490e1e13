"""The grading run's pieces: one grader fault costs one student, in process and with worker processes."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest

from grader.student_grading import GradingSettings
from grader.grading_workers import grade_all
from grader.progress import Progress
from grader.sandbox import Limits

ROOT = Path(__file__).resolve().parent.parent


def settings(exercise_ids: tuple[str, ...]) -> GradingSettings:
    return GradingSettings(salt="test-salt-123", exercise_ids=exercise_ids, scales={}, limits=Limits(), protected=())


def sources() -> dict[str, bytes]:
    return {"perceptron": (ROOT / "solutions" / "perceptron.py").read_bytes()}


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_grader_fault_is_one_students_failure_and_the_batch_goes_on(jobs):
    # An exercise id the registry does not hold makes grading raise in the grader, for every student;
    # each student gets a failure that names it, and every student is reported.
    results = []
    grade_all([("alice", sources()), ("bob", sources()), ("cy", sources())],
              settings(("perceptron.predict", "perceptron.no_such_exercise")), jobs=jobs, on_result=results.append)
    assert sorted(result.student_id for result in results) == ["alice", "bob", "cy"]
    for result in results:
        assert result.exercises == () and "no_such_exercise" in result.failure


@pytest.mark.slow
def test_workers_grade_every_student_once(tmp_path):
    results = []
    tasks = [(f"s{index}", sources()) for index in range(5)]
    grade_all(tasks, settings(("perceptron.predict",)), jobs=2, on_result=results.append)
    assert sorted(result.student_id for result in results) == [f"s{index}" for index in range(5)]
    for result in results:
        assert not result.failure
        assert result.exercises[0].score == result.exercises[0].max_score


def test_progress_prints_a_line_per_item_in_a_log():
    stream = io.StringIO()
    progress = Progress(3, stream=stream)
    progress.advance("alice", "5/5")
    progress.note("2 submissions are unchanged")
    progress.advance("bob")
    progress.finish()
    assert stream.getvalue().splitlines() == ["[1/3] graded alice: 5/5", "2 submissions are unchanged", "[2/3] graded bob"]


def test_progress_draws_a_bar_on_a_terminal():
    stream = io.StringIO()
    progress = Progress(4, stream=stream, bar=True)
    progress.advance("alice", "5/5")
    progress.advance("bob", "5/5")
    progress.finish()
    text = stream.getvalue()
    assert "\r" in text and " 50% [############............] 2/4 graded" in text and text.endswith("\n")
    assert "\n" not in text[:-1]  # redrawn in place, one line


@pytest.mark.slow
def test_one_reference_expectations_for_many_students_grades_as_fresh_ones(sandbox):
    """A grading process keeps one ReferenceExpectations for all its students: same results as one per student."""
    from grader.student_grading import grade_student
    from grader.expectations import ReferenceExpectations

    solution = sources()["perceptron"]
    mistaken = solution.replace(b"np.where(net > 0, 1, -1)", b"np.sign(net)")
    assert mistaken != solution
    students = [("alice", solution), ("bob", mistaken), ("cy", solution), ("bob", mistaken)]
    exercise_ids = ("perceptron.predict", "perceptron.train")
    shared = ReferenceExpectations()

    def plain(graded):
        return [(e.exercise_id, [(c.check_name, c.status, c.score, c.feedback, c.mistakes) for c in e.checks])
                for e in graded.exercises]

    kept = [plain(grade_student(s, {"perceptron": code}, settings(exercise_ids), sandbox, expectations=shared))
            for s, code in students]
    fresh = [plain(grade_student(s, {"perceptron": code}, settings(exercise_ids), sandbox)) for s, code in students]
    assert kept == fresh
    assert kept[1] == kept[3] and kept[0] != kept[1]
    assert any(c[4] for _, checks in kept[1] for c in checks), "the np.sign mistake is named"


def test_remembered_reference_values_cannot_be_changed_by_a_check():
    from grader.expectations import ReferenceExpectations
    from grader.registry import load_registry

    exercise = load_registry().get("perceptron.predict")
    check = exercise.checks[0]
    expectations = ReferenceExpectations()
    args = (np.array([0.5, 1.0, -1.0]), np.array([[1.0, 2.0], [3.0, -4.0]]))
    first = expectations.reference_value(exercise, check, args, {}, "key-1")
    assert list(first) == [-1, 1]
    first[:] = 99  # a check that changes what it was given
    again = expectations.reference_value(exercise, check, args, {}, "key-1")
    assert list(again) == [-1, 1]


def test_progress_names_the_items_that_went_another_way():
    """Graded, could not grade and grader failures each have their own line, adding up to the summary's counts."""
    stream = io.StringIO()
    progress = Progress(2, stream=stream)
    progress.advance("bob", "no perceptron.py in the submission", verb="could not grade")
    progress.advance("ada", "5/5")
    assert stream.getvalue().splitlines() == [
        "[1/2] could not grade bob: no perceptron.py in the submission", "[2/2] graded ada: 5/5",
    ]
