"""The SQLite gradebook: what is saved comes back whole; a student's rows are replaced together."""

from __future__ import annotations

import sqlite3

import pytest

from grader.gradebook import SCHEMA_VERSION, DamagedGradebook, Gradebook, GradebookError
from grader.records import GRADER_FAULT, Adjustment, AssignmentInfo, CheckInfo, ExerciseInfo, LatePolicy, StudentRecord
from grader.results import CheckResult, DiagnosedMistake, ExerciseResult, ModuleProblem, Status

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


SYNTAX_ERROR = ModuleProblem("perceptron", "'perceptron.py' has a syntax error at line 3: expected ':'")


def stopped_record(student: str) -> StudentRecord:
    """A student whose perceptron.py could not be loaded: both checks errored, 'not run'."""
    checks = tuple(
        CheckResult("perceptron.predict", name, description, Status.ERRORED, 0.0, points,
                    f"{description}\n{SYNTAX_ERROR.not_run}", hidden=hidden, problem=SYNTAX_ERROR)
        for name, description, points, hidden in (("random", "random inputs", 1.0, False),
                                                  ("secret", "hidden inputs", 2.0, True))
    )
    return StudentRecord(student_id=student, exercises=(ExerciseResult("perceptron.predict", "Perceptron output", checks),),
                         form="folder", entry=student)


def test_a_module_problem_comes_back_with_the_checks_it_stopped(tmp_path):
    with Gradebook.open(tmp_path) as book:
        book.set_assignment(INFO)
        book.save(stopped_record("eve"), fingerprint="x")
        book.save(record("bob"), fingerprint="x")
    with Gradebook.open(tmp_path, create=False) as book:
        eve, bob = sorted(book.records(), key=lambda r: r.student_id, reverse=True)
    assert eve == stopped_record("eve")
    assert all(check.problem is None for check in bob.exercises[0].checks)
    db = sqlite3.connect(tmp_path / "gradebook.sqlite")
    assert db.execute("SELECT student, check_name, module, missing FROM module_problems ORDER BY check_name").fetchall() \
        == [("eve", "random", "perceptron", ""), ("eve", "secret", "perceptron", "")]
    # Saving the student again replaces the rows; a problem row without its check is damage.
    with Gradebook.open(tmp_path) as book:
        book.save(record("eve"), fingerprint="y")
    assert db.execute("SELECT COUNT(*) FROM module_problems").fetchone() == (0,)
    with Gradebook.open(tmp_path) as book:
        book.save(stopped_record("eve"), fingerprint="x")
    damage(tmp_path, "DELETE FROM check_results WHERE student = 'eve' AND check_name = 'random'; "
                     "UPDATE submissions SET max_score = 2 WHERE student = 'eve'")
    with pytest.raises(DamagedGradebook, match="'module_problems' holds problems of checks that 'check_results' does not"):
        Gradebook.open(tmp_path)


def test_a_gradebook_written_before_module_problems_is_opened_and_keeps_its_rows(tmp_path):
    graded_book(tmp_path)
    damage(tmp_path, "DROP TABLE module_problems")  # as a gradebook written before the table was
    with Gradebook.open(tmp_path, create=False) as book:
        assert [r.student_id for r in book.records()] == ["bob", "cy", "dee"]
        book_records = book.records()
    with Gradebook.open(tmp_path) as book:
        book.save(stopped_record("eve"), fingerprint="x")
        assert book.records()[:3] == book_records
        assert book.records()[3] == stopped_record("eve")


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


def graded_book(folder) -> None:
    with Gradebook.open(folder) as book:
        book.set_assignment(INFO)
        book.save(record("bob", mistakes=[DiagnosedMistake("np.sign", "h")]), fingerprint="f-bob")
        book.save(record("cy", score=2.0, status=Status.PASSED), fingerprint="f-cy")
        book.save(StudentRecord("dee", problem="dee.zip is not a readable zip file", form="zip"), fingerprint="f-dee")


def damage(folder, sql: str) -> None:
    db = sqlite3.connect(folder / "gradebook.sqlite")
    db.executescript(sql)
    db.commit()
    db.close()


def test_a_whole_gradebook_passes_its_check_when_opened_again(tmp_path):
    graded_book(tmp_path)
    with Gradebook.open(tmp_path, create=False) as book:
        assert [r.student_id for r in book.records()] == ["bob", "cy", "dee"]
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "gradebook.sqlite").write_bytes(b"")
    with Gradebook.open(tmp_path / "empty") as book:  # an empty file is a new gradebook
        assert book.records() == [] and book.assignment() is None


ADJUSTMENT_ROW = (
    "INSERT INTO adjustments (student, kind, exercise_id, points, due, cutoff, reason, made_by, made_at, source) "
    "VALUES ('bob', '{kind}', '', {points}, {due}, NULL, 'why', 'me', '2026-11-01T00:00:00+00:00', 'command')"
)


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("DELETE FROM check_results", "graded submissions have no rows in 'check_results' (students 'bob', 'cy')"),
        ("DROP TABLE check_results", "the table 'check_results' is missing"),
        ("DROP TABLE meta", "the table 'meta' is missing"),
        ("PRAGMA foreign_keys = OFF; DELETE FROM submissions WHERE student = 'cy'",
         "'check_results' holds rows of students whose row in 'submissions' is gone (student 'cy')"),
        ("DELETE FROM check_results WHERE student = 'bob' AND check_name = 'random'",
         "graded submissions miss some of their rows in 'check_results'"),
        ("UPDATE check_results SET status = 'great' WHERE student = 'bob'", "a check's status 'great' is none of"),
        ("UPDATE check_results SET status = 3 WHERE student = 'bob'", "a check's status '3' is none of"),
        ("UPDATE check_results SET score = 'lots' WHERE student = 'cy'", "a check's score is missing or outside 0"),
        ("UPDATE check_results SET score = NULL WHERE student = 'cy'", "a check's score is missing or outside 0"),
        ("UPDATE check_results SET status = 'internal error' WHERE student = 'cy' AND check_name = 'random'",
         "a check that ended in an internal error holds a score (student 'cy')"),
        ("UPDATE submissions SET score = 3, final = 3 WHERE student = 'bob'",
         "the stored score or final score differs from the sum of the check results (student 'bob')"),
        ("UPDATE submissions SET complete = 0 WHERE student = 'cy'",
         "'submissions.complete' disagrees with the statuses of the check results (student 'cy')"),
        ("UPDATE submissions SET notes = 'not json' WHERE student = 'dee'",
         "'submissions.notes' is not a JSON list of texts (student 'dee')"),
        ("UPDATE submissions SET late_penalty_percent = 250 WHERE student = 'dee'",
         "'submissions.late_penalty_percent' is not a percentage (student 'dee')"),
        ("UPDATE meta SET value = '[1, 2' WHERE key = 'assignment'", "the assignment stored in the table 'meta'"),
        ("DELETE FROM meta WHERE key = 'assignment'", "holds 3 students but 'meta' holds no assignment"),
        ("UPDATE meta SET value = '0' WHERE key = 'schema_version'", "the schema version is 0"),
        ("DELETE FROM meta WHERE key = 'schema_version'", "holds no schema_version"),
        ("ALTER TABLE submissions ADD COLUMN extra TEXT", "the table 'submissions' has the columns"),
        ("DELETE FROM check_results WHERE student = 'bob' AND check_name = 'secret'",
         "'named_mistakes' holds mistakes of checks that 'check_results' does not (student 'bob')"),

        (ADJUSTMENT_ROW.format(kind="bonus", points=1, due="NULL"),
         "adjustment 1 is of a kind ('bonus', from 'command') nngrade never writes (student 'bob')"),
        (ADJUSTMENT_ROW.format(kind="comment", points=2, due="NULL"), "adjustment 1 holds points nngrade never writes"),
        (ADJUSTMENT_ROW.format(kind="extension", points=0, due="'next week'"),
         "adjustment 1 holds a due date or cutoff nngrade never writes"),
        (ADJUSTMENT_ROW.format(kind="points", points="'many'", due="NULL"),
         "adjustment 1 holds points nngrade never writes"),
    ],
)
def test_a_damaged_gradebook_is_refused_with_the_damage_and_the_way_back(tmp_path, sql, named):
    graded_book(tmp_path)
    damage(tmp_path, sql)
    for create in (True, False):
        with pytest.raises(DamagedGradebook) as caught:
            Gradebook.open(tmp_path, create=create)
        message = str(caught.value)
        assert named in message, message
        assert "move it aside" in message and "nngrade grade" in message and str(tmp_path) in message
    # Opening it changed nothing: a dropped table is not made again, empty.
    tables = {name for (name,) in sqlite3.connect(tmp_path / "gradebook.sqlite").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert ("check_results" in tables) == ("DROP TABLE check_results" not in sql)


def test_records_refuse_rows_damaged_while_the_gradebook_is_open(tmp_path):
    graded_book(tmp_path)
    with Gradebook.open(tmp_path) as book:
        damage(tmp_path, "UPDATE check_results SET status = 'great' WHERE student = 'cy'")
        with pytest.raises(DamagedGradebook, match="a check's status 'great'"):
            book.records()


def test_saving_a_student_never_collides_with_rows_their_submission_row_lost(tmp_path):
    graded_book(tmp_path)
    with Gradebook.open(tmp_path) as book:
        damage(tmp_path, "PRAGMA foreign_keys = OFF; DELETE FROM submissions WHERE student = 'bob'")
        book.save(record("bob", mistakes=[DiagnosedMistake("np.sign", "h")]), fingerprint="again")
        assert book.counts() == (3, 4)
        assert [r.student_id for r in book.records()] == ["bob", "cy", "dee"]


def test_students_left_by_a_grader_fault_are_not_finished(tmp_path):
    with Gradebook.open(tmp_path) as book:
        book.set_assignment(INFO)
        book.save(record("al", score=None, status=Status.INTERNAL_ERROR), fingerprint="f-al")
        book.save(record("bob", score=2.0, status=Status.PASSED), fingerprint="f-bob")
        book.save(StudentRecord("cy", problem=f"{GRADER_FAULT}: the worker died"), fingerprint="")
        book.save(StudentRecord("dee", problem="no .py files"), fingerprint="f-dee")
        assert book.fingerprints() == {"al": "f-al", "bob": "f-bob", "cy": "", "dee": "f-dee"}
        assert book.finished_fingerprints() == {"bob": "f-bob", "dee": "f-dee"}


def test_a_gradebook_of_a_newer_nngrade_asks_for_an_upgrade_not_a_regrade(tmp_path):
    graded_book(tmp_path)
    damage(tmp_path, "UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    with pytest.raises(GradebookError, match=r"gradebook.sqlite was written by a newer nngrade \(schema 7") as caught:
        Gradebook.open(tmp_path)
    assert not isinstance(caught.value, DamagedGradebook)


def adjustment(student: str, kind: str, **fields) -> Adjustment:
    return Adjustment(id=0, student_id=student, kind=kind, text=fields.pop("text", "why"),
                      made_by=fields.pop("made_by", "me"), made_at=fields.pop("made_at", "2026-11-01T00:00:00+00:00"),
                      **fields)


def test_adjustments_survive_saving_a_student_again_and_apply_to_the_records(tmp_path):
    graded_book(tmp_path)
    with Gradebook.open(tmp_path) as book:
        book.add_adjustment(adjustment("bob", "points", points=0.5, text="a misread check"))
        book.add_adjustment(adjustment("cy", "extension", due="2026-10-17T00:00:00+00:00"))
        book.add_adjustment(adjustment("dee", "comment", text="resubmit the zip"))
        # A regrade saves each student again: their adjustments stay.
        book.save(record("bob", late=10.0), fingerprint="again")
        book.save(record("cy", score=2.0, status=Status.PASSED, late=10.0), fingerprint="again")
        bob, cy, dee = book.records()
        assert [a.kind for a in book.adjustments()] == ["points", "extension", "comment"]
    # bob: 2 points, 10% late (-0.2), then +0.5; the stored final is what grading gave.
    assert (bob.score, bob.late_penalty, bob.adjustment_points, bob.final) == (2.0, 0.2, 0.5, 2.3)
    stored = sqlite3.connect(tmp_path / "gradebook.sqlite").execute(
        "SELECT final FROM submissions WHERE student = 'bob'").fetchone()
    assert stored == (1.8,)
    # cy submitted on 16 October, before the extended due date: on time.
    assert (cy.late_days, cy.late_penalty_percent, cy.final) == (0, 0.0, 3.0)
    assert [a.text for a in dee.adjustments] == ["resubmit the zip"] and dee.final == 0


def test_an_excuse_and_the_latest_extension_by_command_decide_lateness(tmp_path):
    graded_book(tmp_path)
    with Gradebook.open(tmp_path) as book:
        book.save(record("bob", late=10.0), fingerprint="x")
        book.set_course_file_extensions([adjustment("bob", "extension", due="2026-10-20T00:00:00+00:00",
                                                    source="course file", made_by="course file")])
        assert book.records()[0].late_days == 0
        book.add_adjustment(adjustment("bob", "extension", due="2026-10-15T12:00:00+00:00"))
        assert (book.records()[0].late_days, book.records()[0].late_penalty_percent) == (1, 10.0)
        book.add_adjustment(adjustment("bob", "excuse"))
        assert (book.records()[0].late_days, book.records()[0].late_penalty_percent) == (1, 0.0)
        # The course file's extensions are replaced as a whole; the command's stay.
        book.set_course_file_extensions([])
        assert [a.source for a in book.adjustments()] == ["command", "command"]
        removed = book.remove_adjustment(book.adjustments()[-1].id)
        assert removed is not None and removed.kind == "excuse"
        assert book.records()[0].late_penalty_percent == 10.0
        assert book.remove_adjustment(99) is None


def test_a_gradebook_of_schema_1_gains_the_adjustments_table_when_opened(tmp_path):
    graded_book(tmp_path)
    damage(tmp_path, "DROP TABLE adjustments; UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with Gradebook.open(tmp_path, create=False) as book:
        assert [r.student_id for r in book.records()] == ["bob", "cy", "dee"]
        assert book.adjustments() == []
        book.add_adjustment(adjustment("cy", "excuse"))
    db = sqlite3.connect(tmp_path / "gradebook.sqlite")
    assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    assert db.execute("SELECT student, kind FROM adjustments").fetchall() == [("cy", "excuse")]
