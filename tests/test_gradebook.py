"""The SQLite gradebook: what is saved comes back whole; a student's rows are replaced together."""

from __future__ import annotations

import sqlite3

import pytest

from grader.gradebook import Gradebook, GradebookError
from grader.records import AssignmentInfo, CheckInfo, ExerciseInfo, LatePolicy, StudentRecord
from grader.results import CheckResult, DiagnosedMistake, ExerciseResult, Status

INFO = AssignmentInfo(
    name="a1",
    exercises=(
        ExerciseInfo("perceptron.predict", "Perceptron output", 3.0,
                     (CheckInfo("random", "random inputs", False, 1.0), CheckInfo("secret", "hidden inputs", True, 2.0))),
    ),
    due="2026-10-15T23:59:00+00:00",
    late=LatePolicy(per_day_percent=10, max_percent=50, grace_minutes=0, cutoff=None),
)


def record(student: str, *, score: float = 1.0, mistakes=(), status=Status.FAILED, late: float = 0.0) -> StudentRecord:
    checks = (
        CheckResult("perceptron.predict", "random", "random inputs", Status.PASSED, 1.0, 1.0, "looks good",
                    output="printed\n"),
        CheckResult("perceptron.predict", "secret", "hidden inputs", status, score, 2.0, "wrong",
                    hidden=True, mistakes=tuple(mistakes), seconds=0.25),
    )
    return StudentRecord(
        student_id=student,
        exercises=(ExerciseResult("perceptron.predict", "Perceptron output", checks),),
        form="folder", entry=student, files_hash="abc", submitted_at="2026-10-16T10:00:00+00:00",
        timestamp_source="timestamps csv", late_days=1, late_penalty_percent=late,
        graded_at="2026-11-21T10:00:00+00:00", seconds=1.5,
    )


def test_saved_records_come_back_equal(tmp_path):
    mistake = DiagnosedMistake("np.sign", "use np.where")
    saved = [record("bob", mistakes=[mistake], late=10.0), record("al", score=None, status=Status.INTERNAL_ERROR)]
    with Gradebook.open(tmp_path) as book:
        book.set_assignment(INFO)
        for item in saved:
            book.save(item, fingerprint="f-" + item.student_id)
    with Gradebook.open(tmp_path, create=False) as book:
        assert book.assignment() == INFO
        assert book.records() == sorted(saved, key=lambda r: r.student_id)
        assert book.fingerprints() == {"al": "f-al", "bob": "f-bob"}
    bob = Gradebook.open(tmp_path).records()[1]
    assert (bob.score, bob.late_penalty, bob.final) == (2.0, 0.2, 1.8)


def test_saving_a_student_again_replaces_all_their_rows(tmp_path):
    with Gradebook.open(tmp_path) as book:
        book.set_assignment(INFO)
        book.save(record("bob", mistakes=[DiagnosedMistake("np.sign", "h")]), fingerprint="one")
        book.save(record("bob", score=2.0, status=Status.PASSED), fingerprint="two")
        assert book.counts() == (1, 2)
        assert book.fingerprints() == {"bob": "two"}
    db = sqlite3.connect(tmp_path / "gradebook.sqlite")
    assert db.execute("SELECT COUNT(*) FROM named_mistakes").fetchone() == (0,)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_named_mistakes_are_queryable_by_instructors(tmp_path):
    with Gradebook.open(tmp_path) as book:
        book.set_assignment(INFO)
        book.save(record("bob", mistakes=[DiagnosedMistake("np.sign", "h")]), fingerprint="x")
        book.save(record("cy"), fingerprint="x")
    db = sqlite3.connect(tmp_path / "gradebook.sqlite")
    assert db.execute("SELECT student FROM named_mistakes WHERE mistake = 'np.sign'").fetchall() == [("bob",)]


def test_a_gradebook_holds_one_assignment(tmp_path):
    with Gradebook.open(tmp_path) as book:
        book.set_assignment(INFO)
        other = AssignmentInfo(name="a2", exercises=())
        with pytest.raises(GradebookError, match="holds the grades of assignment 'a1', not 'a2'"):
            book.set_assignment(other)


def test_a_file_that_is_not_a_database_is_refused_with_what_to_do(tmp_path):
    (tmp_path / "gradebook.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(GradebookError, match="move it away and grade again"):
        Gradebook.open(tmp_path)


def test_report_without_a_gradebook_says_to_grade_first(tmp_path):
    with pytest.raises(GradebookError, match="nngrade grade"):
        Gradebook.open(tmp_path / "nothing", create=False)


def test_a_failed_transaction_leaves_the_previous_rows(tmp_path):
    with Gradebook.open(tmp_path) as book:
        book.set_assignment(INFO)
        book.save(record("bob"), fingerprint="one")
        broken = record("bob")
        # A check result named twice violates the primary key half way through the save.
        exercise = broken.exercises[0]
        broken = StudentRecord(**{**broken.__dict__, "exercises": (
            ExerciseResult(exercise.exercise_id, exercise.title, exercise.checks + exercise.checks[:1]),)})
        with pytest.raises(sqlite3.IntegrityError):
            book.save(broken, fingerprint="two")
        assert book.fingerprints() == {"bob": "one"}
        assert book.counts() == (1, 2)
