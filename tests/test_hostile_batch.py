"""Every hostile submission graded in a real batch, with honest students beside it, one and two at a time.

`nngrade grade` runs on a class made of every case of the hostile suite
(tests/test_hostile_submissions.py) and honest students whose code is the
solution, in a course laid out as on a grading server. Whatever the attacks
do, each honest student's checks come out exactly as when the honest student
is graded alone, every student has a row, and no attack turns into an
internal error (the serial hostile suite checks that no process outlives an
attack, which needs the machine to itself).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from test_hostile_submissions import CASES, World, _write, allowed_folders, make_course_checkout, server_folder

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

HONEST = ("honest-a", "honest-b", "honest-c")

COURSE = """
salt = "hostile-batch-salt"
timezone = "UTC"

[sandbox]
cpu_seconds = 1
wall_seconds = 3

[assignments.h]
title = "Perceptron predictions"
exercises = ["perceptron.predict"]
due = 2030-01-01T00:00:00Z
"""


def grade(submissions: Path, out: Path, course_file: Path, jobs: int, problem_rows: tuple[str, ...] = ()) \
        -> subprocess.CompletedProcess:
    """Grade the class; the run finishes with exit status 0, or 4 naming ``problem_rows`` (entries it cannot read)."""
    result = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(submissions), "-a", "h", "-o", str(out),
         "--course", str(course_file), "-j", str(jobs), "-q"],
        cwd=course_file.parent, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == (4 if problem_rows else 0), f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    if problem_rows:
        count = "1 submission" if len(problem_rows) == 1 else f"{len(problem_rows)} submissions"
        assert f"finished, but {count} could not be graded ({', '.join(problem_rows)})" in result.stderr, result.stderr
    return result


def honest_checks(out: Path) -> dict[str, dict[str, tuple]]:
    with sqlite3.connect(out / "gradebook.sqlite") as book:
        rows = book.execute(
            "SELECT student, exercise_id || '::' || check_name, status, score, max_score, feedback "
            "FROM check_results WHERE student LIKE 'honest-%'"
        ).fetchall()
    found: dict[str, dict[str, tuple]] = {}
    for student, check, *outcome in rows:
        found.setdefault(student, {})[check] = tuple(outcome)
    return found


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder on the server, its class: every hostile case and three honest students."""
    import shutil

    checkout = make_course_checkout(server_folder())
    # The grader runs from this folder: its stand-in reference code would shadow the real one.
    for stand_in in ("reference", "solutions"):
        shutil.rmtree(checkout / stand_in)
    (checkout / "course.toml").write_text(COURSE)
    world = World(checkout, checkout / "sentinel", checkout / "home-sentinel", 9, None, 9, allowed_folders())
    submissions = checkout / "submissions"
    submissions.mkdir()
    for name in HONEST:
        (submissions / name).mkdir()
        shutil.copy(ROOT / "solutions" / "perceptron.py", submissions / name / "perceptron.py")
    alone = checkout / "alone"
    alone.mkdir()
    shutil.copytree(submissions / HONEST[0], alone / HONEST[0])
    for case in CASES:
        folder = submissions / f"attack-{case.name.replace('_', '-')}"
        folder.mkdir()
        _write(folder, case.source, world)
    yield checkout
    shutil.rmtree(checkout, ignore_errors=True)


@pytest.fixture(scope="module")
def graded_alone(course) -> dict[str, tuple]:
    out = course / "out-alone"
    grade(course / "alone", out, course / "course.toml", 1)
    checks = honest_checks(out)[HONEST[0]]
    assert checks and all(status == "passed" for status, *_ in checks.values()), checks
    return checks


@pytest.mark.parametrize("jobs", [1, 2])
def test_honest_students_are_untouched_by_every_hostile_submission(course, graded_alone, jobs):
    out = course / f"out-j{jobs}"
    # A module that is not UTF-8 text is a submission nngrade cannot read: a row with a problem.
    grade(course / "submissions", out, course / "course.toml", jobs, problem_rows=("attack-not-utf8",))
    checks = honest_checks(out)
    assert sorted(checks) == sorted(HONEST)
    for student in HONEST:
        assert checks[student] == graded_alone, f"{student} graded beside the attacks differs from alone"
    with sqlite3.connect(out / "gradebook.sqlite") as book:
        students = {row[0] for row in book.execute("SELECT student FROM submissions")}
        internal = book.execute("SELECT student, check_name FROM check_results WHERE status = 'internal error'").fetchall()
    assert len(students) == len(CASES) + len(HONEST), "a student has no row"
    assert internal == [], "a hostile submission caused an internal error"
