"""The grading run's pieces: one grader fault costs one student, in process and with worker processes."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from grader.batch import GradingSettings
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
