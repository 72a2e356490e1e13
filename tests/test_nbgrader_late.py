"""The nbgrader path as the README gives it: late penalties that agree, and the course file found from nbgrader_config.py.

A course with a late policy (10% per started day after a 15-minute grace, at most 50%, nothing after
the cutoff) is written with `nngrade notebooks`; real nbgrader generates the assignment, gets the due
date from the command `nngrade notebooks` prints, and autogrades three submissions: on time, two days
late, and after the cutoff. `nngrade grade .` run inside the nbgrader course, with no course file
given and none in the folders above, grades the same tree with the course file nbgrader_config.py
names, and each student's final score equals nbgrader's score less its late penalty.
"""

from __future__ import annotations

import csv
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from test_nbgrader_course import nbgrader, student_notebook, tool_environment

pytestmark = pytest.mark.slow

COURSE_TOML = """
salt = "nbgrader-late-test-salt"
timezone = "Europe/Berlin"

[sandbox]
cpu_seconds = 2
wall_seconds = 10

[assignments.late1]
title = "Perceptron predictions, handed in late"
exercises = ["perceptron.predict", "perceptron.gate_weights"]
due = 2026-10-15T23:59:00+02:00

[assignments.late1.late]
per_day_percent = 10
max_percent = 50
grace_minutes = 15
cutoff = 2026-10-22T23:59:00+02:00
"""

SUBMITTED = {
    "ontime": "2026-10-15 21:50:00.000000 UTC",  # 23:50 in Berlin
    "twodays": "2026-10-17 09:00:00.000000 UTC",  # a day and a half after the due date and grace: 2 started days
    "toolate": "2026-10-23 08:00:00.000000 UTC",  # after the cutoff
}
EXPECTED_PERCENT = {"ontime": 0, "twodays": 20, "toolate": 100}


def nngrade(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, capture_output=True, text=True,
                            env=tool_environment(), timeout=900)
    assert result.returncode == 0, f"nngrade {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """The nbgrader course, its due date set as `nngrade notebooks` says, three submissions autograded."""
    base = tmp_path_factory.mktemp("nbgrader-late")
    course_file = base / "instructor" / "course.toml"
    course_file.parent.mkdir()
    course_file.write_text(COURSE_TOML)
    folder = base / "nbcourse"
    written = nngrade("notebooks", "-o", str(folder), "-a", "late1", "--course", str(course_file), cwd=base)
    due_lines = [line for line in written.stdout.splitlines() if line.startswith("due date: ")]
    assert len(due_lines) == 1, written.stdout
    command = due_lines[0].split(" && ", 1)[1]
    assert command.startswith("nbgrader db assignment add late1 --duedate "), command
    nbgrader(*shlex.split(command)[1:], cwd=folder)
    nbgrader("generate_assignment", "late1", cwd=folder)
    for student, timestamp in SUBMITTED.items():
        target = folder / "submitted" / student / "late1"
        target.mkdir(parents=True)
        (target / "perceptron.ipynb").write_text(
            json.dumps(student_notebook(folder, "perceptron", assignment="late1"), indent=1)
        )
        (target / "timestamp.txt").write_text(timestamp)
    nbgrader("autograde", "late1", cwd=folder)
    return folder


def test_the_config_names_the_plugin_and_the_course_file(course: Path) -> None:
    config = (course / "nbgrader_config.py").read_text()
    assert 'c.AssignLatePenalties.plugin_class = "grader.delivery.nbgrader_late_penalty.CourseLatePenalty"' in config
    assert "c.CourseLatePenalty.course_file = nngrade_course_file" in config


def test_nbgrader_and_nngrade_take_the_same_late_penalty(course: Path, tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    nbgrader_finals, nbgrader_penalty = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in SUBMITTED:
            submission = gradebook.find_submission("late1", student)
            nbgrader_penalty[student] = submission.late_submission_penalty
            nbgrader_finals[student] = submission.score - submission.late_submission_penalty
            assert submission.score == pytest.approx(submission.max_score), student  # the answers are right
    # Inside the nbgrader course, with no --course and no course.toml here or above: nbgrader_config.py names it.
    out = tmp_path / "graded"
    graded = nngrade("grade", ".", "-a", "late1", "-o", str(out), "-q", cwd=course)
    assert "named in" in graded.stderr and "course.toml" in graded.stderr, graded.stderr
    with open(out / "grades.csv", newline="") as table:
        rows = {row["student"]: row for row in csv.DictReader(table)}
    for student, percent in EXPECTED_PERCENT.items():
        assert float(rows[student]["late_penalty_percent"]) == percent, rows[student]
        assert float(rows[student]["final"]) == pytest.approx(nbgrader_finals[student], abs=0.01), student
    assert nbgrader_penalty["ontime"] == 0
    assert nbgrader_penalty["twodays"] > 0 and nbgrader_finals["toolate"] == 0


def test_grade_outside_an_nbgrader_course_still_wants_a_course_file(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    result = subprocess.run([sys.executable, "-m", "grader.cli", "grade", "class", "-a", "a1", "-o", "out"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "no course.toml" in result.stderr and "--course" in result.stderr, result.stderr
