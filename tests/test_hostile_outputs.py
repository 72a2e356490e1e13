"""Hostile outputs and gradebooks, graded for real with `nngrade grade` and rebuilt with `nngrade report`.

Each case is a real batch (sandbox, SQLite, the command line) with honest
students beside the hostile entry or the damaged gradebook, and each asserts
that the honest students' results are exactly those of a class without it:
student ids that are spreadsheet formulas, entries with hidden names, a
gradebook with a table emptied or dropped, a row deleted, bad JSON, an
unknown status or a wrong schema, a report killed mid-write, and a check
left as an internal error.
"""

from __future__ import annotations

import csv
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from grader.gradebook import Gradebook
from grader.records import StudentRecord
from grader.results import CheckResult, ExerciseResult, Status

ROOT = Path(__file__).resolve().parent.parent
NNGRADE = [sys.executable, "-m", "grader.cli"]
HONEST = ("ann", "bob")
FORMULA_IDS = ("=SUM(1+1)", "@cmd", "+1", "-2+3")
SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

COURSE = """\
salt = "hostile-outputs-salt"
timezone = "UTC"

[sandbox]
cpu_seconds = 2
wall_seconds = 10

[assignments.tiny]
title = "One small exercise"
exercises = ["perceptron.predict"]
"""

pytestmark = pytest.mark.slow


def nngrade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*NNGRADE, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def honest_class(folder: Path) -> Path:
    """ann hands in the solution, bob the solution with np.sign (a known mistake): two different scores."""
    solution = (ROOT / "solutions" / "perceptron.py").read_text()
    mistaken = solution.replace("np.where(net > 0, 1, -1)", "np.sign(net)", 1)
    assert mistaken != solution
    for student, source in zip(HONEST, (solution, mistaken)):
        (folder / student).mkdir(parents=True)
        (folder / student / "perceptron.py").write_text(source)
    return folder


def grade(submissions: Path, out: Path, course: Path, *extra: str) -> subprocess.CompletedProcess:
    return nngrade("grade", str(submissions), "-a", "tiny", "-o", str(out), "--course", str(course), "-q", *extra)


def results_of(out: Path, students=HONEST) -> dict[str, dict[str, tuple]]:
    db = sqlite3.connect(f"file:{out / 'gradebook.sqlite'}?mode=ro", uri=True)
    try:
        return {
            student: {
                row[0]: row[1:]
                for row in db.execute(
                    "SELECT check_name, status, score, feedback FROM check_results WHERE student = ?", (student,)
                )
            }
            for student in students
        }
    finally:
        db.close()


def assert_hidden_names_are_problem_rows(run: subprocess.CompletedProcess) -> None:
    """The hostile class's run finished, with exit status 4: three entries whose names start with '.' are problem rows."""
    assert run.returncode == 4, run.stdout + run.stderr
    assert "finished, but 3 submissions could not be graded (%2E.., %2Ehidden, %2Esneaky)" in run.stderr, run.stderr


def csv_rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return {row["student"]: row for row in csv.DictReader(stream)}


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("course") / "course.toml"
    path.write_text(COURSE)
    return path


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, course) -> dict[str, dict[str, tuple]]:
    """The honest students' results in a class of their own."""
    folder = tmp_path_factory.mktemp("honest")
    run = grade(honest_class(folder / "submissions"), folder / "out", course)
    assert run.returncode == 0, run.stderr
    results = results_of(folder / "out")
    assert all(results[student] for student in HONEST)
    assert results["ann"] != results["bob"]
    return results


@pytest.fixture(scope="module")
def graded(tmp_path_factory, course) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """The honest class with formula ids, hidden names and operating-system files beside it."""
    folder = tmp_path_factory.mktemp("hostile")
    submissions = honest_class(folder / "submissions")
    solution = (ROOT / "solutions" / "perceptron.py").read_text()
    for student in (*FORMULA_IDS, ".hidden", "..."):
        (submissions / student).mkdir()
        (submissions / student / "perceptron.py").write_text(solution)
    (submissions / ".sneaky.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip
    (submissions / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (submissions / "__MACOSX").mkdir()
    (submissions / "__MACOSX" / "._ann").write_bytes(b"\0")
    out = folder / "out"
    run = grade(submissions, out, course)
    return submissions, out, run


def test_formula_student_ids_are_inert_text_in_every_csv(graded, baseline):
    _, out, run = graded
    assert_hidden_names_are_problem_rows(run)
    rows = csv_rows(out / "grades.csv")
    for student in FORMULA_IDS:
        row = rows["'" + student]
        assert row["total"] == "5" and row["final"] == "5", student
    for path in out.rglob("*.csv"):
        with path.open(newline="", encoding="utf-8") as stream:
            for row in csv.reader(stream):
                for cell in row:
                    starts_a_formula = cell.startswith(SPREADSHEET_TRIGGERS)
                    assert not starts_a_formula or cell.lstrip("-").replace(".", "", 1).isdigit(), (path, cell)
    # Read back as an instructor would: numbers stay numbers, ids are text with their apostrophe.
    grades = pd.read_csv(out / "grades.csv", index_col="student")
    assert pd.api.types.is_numeric_dtype(grades["total"])
    assert grades.loc["'=SUM(1+1)", "total"] == 5
    assert results_of(out) == baseline


def test_every_entry_with_a_hidden_name_is_a_row_and_os_files_are_named(graded, baseline):
    _, out, run = graded
    rows = csv_rows(out / "grades.csv")
    hidden = {student: row for student, row in rows.items() if student.startswith("%2E")}
    assert sorted(hidden) == ["%2E..", "%2Ehidden", "%2Esneaky"]  # "...", ".hidden", ".sneaky.zip", the leading dot escaped
    for row in hidden.values():
        assert "starts with '.'" in row["problem"] and row["final"] == "0"
    assert len(rows) == len(HONEST) + len(FORMULA_IDS) + 3
    assert "skipped, made by an operating system or a tool, not a student: .DS_Store, __MACOSX" in run.stdout
    assert results_of(out) == baseline


def damaged_copy(graded, tmp_path: Path, damage: str) -> Path:
    """A copy of the graded output folder whose gradebook had ``damage`` (SQL) done to it, by hand."""
    _, out, _ = graded
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    db = sqlite3.connect(copy / "gradebook.sqlite")
    db.executescript(damage)
    db.commit()
    db.close()
    return copy


DAMAGES = {
    "check results emptied": ("DELETE FROM check_results", "no rows in 'check_results'"),
    "check results dropped": ("DROP TABLE check_results", "the table 'check_results' is missing"),
    "a submission row deleted": (
        "PRAGMA foreign_keys = OFF; DELETE FROM submissions WHERE student = 'ann'",
        "'check_results' holds rows of students whose row in 'submissions' is gone (student 'ann')",
    ),
    "one check row deleted": (
        "DELETE FROM check_results WHERE student = 'bob' AND check_name = 'predict_hidden_patterns'",
        "graded submissions miss some of their rows in 'check_results'",
    ),
    "bad JSON in the notes": (
        "UPDATE submissions SET notes = '[\"unfinished' WHERE student = 'bob'",
        "'submissions.notes' is not a JSON list of texts (student 'bob')",
    ),
    "bad JSON in the assignment": (
        "UPDATE meta SET value = '{\"name\": ' WHERE key = 'assignment'",
        "the assignment stored in the table 'meta' cannot be read",
    ),
    "an unknown status": (
        "UPDATE check_results SET status = 'excellent' WHERE student = 'bob'",
        "a check's status 'excellent' is none of 'passed', 'failed'",
    ),
    "a forged score": (
        "UPDATE check_results SET score = 50 WHERE student = 'bob'",
        "a check's score is missing or outside 0 to its points (student 'bob')",
    ),
    "a wrong schema version": (
        "UPDATE meta SET value = 'one' WHERE key = 'schema_version'",
        "the schema version 'one' in the table 'meta' is not a number",
    ),
    "a column dropped": ("ALTER TABLE check_results DROP COLUMN output", "the table 'check_results' has the columns"),
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_gradebook_is_refused_and_no_output_is_rewritten(graded, baseline, course, tmp_path, damage):
    sql, named = DAMAGES[damage]
    submissions, _, _ = graded
    out = damaged_copy(graded, tmp_path, sql)
    outputs = {path: path.read_bytes() for path in out.rglob("*") if path.is_file() and path.suffix != ".sqlite"}

    for run in (grade(submissions, out, course), nngrade("report", str(out))):
        assert run.returncode == 2, run.stdout + run.stderr
        assert "Traceback" not in run.stderr and "IntegrityError" not in run.stderr
        assert "is damaged" in run.stderr and named in run.stderr, run.stderr
        assert "move it aside" in run.stderr and "nngrade grade" in run.stderr
        assert "unchanged" not in run.stdout
    after = {path: path.read_bytes() for path in out.rglob("*") if path.is_file() and path.suffix != ".sqlite"}
    assert after == outputs

    # The recovery the message gives: move the gradebook aside and grade again.
    (out / "gradebook.sqlite").rename(out / "gradebook.damaged.sqlite")
    regraded = grade(submissions, out, course)
    assert_hidden_names_are_problem_rows(regraded)
    assert "0 unchanged" in regraded.stdout
    assert results_of(out) == baseline


def test_a_gradebook_of_a_newer_nngrade_asks_for_an_upgrade(graded, tmp_path):
    out = damaged_copy(graded, tmp_path, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    run = nngrade("report", str(out))
    assert run.returncode == 2 and "newer nngrade (schema 99" in run.stderr and "upgrade nngrade" in run.stderr


def test_a_check_left_as_an_internal_error_is_graded_again_by_the_next_run(graded, baseline, tmp_path, course):
    submissions, out, _ = graded
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    # A grader fault in the earlier run left one of ann's checks unscored: saved as the grader saves it.
    with Gradebook.open(copy, create=False) as book:
        fingerprint = book.fingerprints()["ann"]
        ann = next(record for record in book.records() if record.student_id == "ann")
        exercise = ann.exercises[0]
        first = exercise.checks[0]
        faulted = CheckResult(first.exercise_id, first.check_name, first.description, Status.INTERNAL_ERROR, None,
                              first.max_score, "internal error: the grader failed")
        book.save(
            StudentRecord(**{**ann.__dict__, "exercises": (
                ExerciseResult(exercise.exercise_id, exercise.title, (faulted, *exercise.checks[1:])),)}),
            fingerprint=fingerprint,
        )
        assert "ann" not in book.finished_fingerprints() and book.fingerprints()["ann"] == fingerprint

    rerun = grade(submissions, copy, course)
    assert_hidden_names_are_problem_rows(rerun)
    assert "1 graded" in rerun.stdout and f"{len(csv_rows(out / 'grades.csv')) - 1} unchanged" in rerun.stdout
    assert "1 of them graded again: a grader fault had left them unscored" in rerun.stdout
    assert results_of(copy) == baseline
    assert csv_rows(copy / "grades.csv")["ann"]["incomplete"] == "false"


STALLED_REPORT = """
import os, sys, time
real_replace = os.replace
def stall(source, target):
    if os.path.basename(target) == "grades.csv":
        print("stalled", flush=True)
        time.sleep(300)
    return real_replace(source, target)
os.replace = stall
from grader.cli import main
main(["report", sys.argv[1]])
"""


def test_a_report_killed_while_writing_leaves_nothing_the_next_report_keeps(graded, baseline, tmp_path):
    _, out, _ = graded
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (copy / "grades.csv").unlink()
    before = {path.relative_to(copy) for path in copy.rglob("*")}
    # A real report, stopped by SIGKILL after writing grades.csv's new content and before renaming it.
    process = subprocess.Popen([sys.executable, "-c", STALLED_REPORT, str(copy)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "stalled\n", process.stderr.read()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    leftovers = {path.relative_to(copy) for path in copy.rglob("*")} - before
    assert len(leftovers) == 1 and "grades.csv" in str(next(iter(leftovers))), leftovers
    assert not (copy / "grades.csv").exists()

    run = nngrade("report", str(copy))
    assert_hidden_names_are_problem_rows(run)
    assert {path.relative_to(copy) for path in copy.rglob("*")} - before == {Path("grades.csv")}
    assert (copy / "grades.csv").read_text() == (out / "grades.csv").read_text()
    assert results_of(copy) == baseline
