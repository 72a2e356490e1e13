"""Regrading after a check changes: check versions, only the changed exercise graded again, the score history.

The class tests run the real ``nngrade grade`` in subprocesses on three students of the sample class, with a
copy of the course file in a temporary folder: the second run doubles one exercise's points there (the
course file's points are part of that exercise's check version), so the catalog itself is never edited. The
version tests build variants of a real catalog exercise (another check function, other points, another
reference) with ``dataclasses.replace`` and compare their versions.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from grader.catalog import perceptron
from grader.check_versions import check_version, source_with_helpers
from grader.gradebook import Gradebook, GradebookError, SCHEMA_VERSION
from grader.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
CLASS = ROOT / "examples" / "class"
STUDENTS = ("ada", "ben", "chen")
CHANGED = "perceptron.train"


def _grade(course: Path, out: Path) -> subprocess.CompletedProcess:
    command = [
        sys.executable, "-m", "grader.cli", "grade", str(CLASS / "submissions"), "-a", "a1", "-o", str(out),
        "--course", str(course), "--timestamps", str(CLASS / "timestamps.csv"), "-j", "2",
        *(f"--student={student}" for student in STUDENTS),
    ]
    run = subprocess.run(command, capture_output=True, text=True, cwd=course.parent, timeout=300)
    assert run.returncode in (0, 4), run.stdout + run.stderr
    return run


def _rows(out: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


_CHECKS = "SELECT student, exercise_id, check_name, status, score, max_score, seconds FROM check_results"


@pytest.fixture(scope="module")
def regraded(tmp_path_factory: pytest.TempPathFactory):
    """The class graded, its check rows then, the course file changed, graded again: (out, first rows, run)."""
    folder = tmp_path_factory.mktemp("regrade")
    course = folder / "course.toml"
    text = (ROOT / "course.toml").read_text(encoding="utf-8")
    assert f'"{CHANGED}" = 6\n' in text
    course.write_text(text, encoding="utf-8")
    out = folder / "out"
    _grade(course, out)
    before = _rows(out, _CHECKS)
    versions = _rows(out, "SELECT student, exercise_id, fingerprint FROM check_versions")
    course.write_text(text.replace(f'"{CHANGED}" = 6\n', f'"{CHANGED}" = 12\n'), encoding="utf-8")
    run = _grade(course, out)
    return out, before, versions, run, course


def test_the_first_grading_records_a_version_per_student_and_exercise(regraded) -> None:
    out, _, versions, _, _ = regraded
    exercises = {exercise for _, exercise, _ in versions}
    assert {student for student, _, _ in versions} == set(STUDENTS)
    assert CHANGED in exercises and "backprop.backprop" in exercises
    assert len(versions) == len(STUDENTS) * len(exercises)
    # the same exercise has the same version for every student
    by_exercise = {}
    for _, exercise, fingerprint in versions:
        by_exercise.setdefault(exercise, set()).add(fingerprint)
    assert all(len(prints) == 1 for prints in by_exercise.values())


def test_only_the_changed_exercise_is_graded_again(regraded) -> None:
    out, before, versions, run, _ = regraded
    after = _rows(out, _CHECKS)
    kept = sorted(row for row in before if row[1] != CHANGED)
    # every other exercise's rows are the very rows of the first run (their times too: nothing ran again)
    assert sorted(row for row in after if row[1] != CHANGED) == kept
    old = {row[:3]: row for row in before if row[1] == CHANGED}
    new = {row[:3]: row for row in after if row[1] == CHANGED}
    assert old.keys() == new.keys() and old
    for key, row in new.items():
        assert row[5] == pytest.approx(2 * old[key][5])  # the points doubled
    # and each student's rows of it were graded by the new version (a check's time may repeat to the 0.1 ms)
    old_versions = {(student, exercise): fp for student, exercise, fp in versions}
    for student, exercise, fingerprint in _rows(out, "SELECT student, exercise_id, fingerprint FROM check_versions"):
        changed = fingerprint != old_versions[(student, exercise)]
        assert changed == (exercise == CHANGED), (student, exercise)
    # the run says which exercise and why
    said = run.stdout + run.stderr
    assert re.search(rf"{re.escape(CHANGED)} alone graded again for 3 unchanged submissions.*points", said), said
    assert "backprop" not in said.split("alone graded again")[0].splitlines()[-1]


def test_the_history_keeps_the_previous_scores_and_the_report_shows_them(regraded) -> None:
    out, before, versions, _, _ = regraded
    history = _rows(out, "SELECT student, exercise_id, score, max_score, fingerprint, new_max_score, reason "
                         "FROM score_history ORDER BY student")
    old_version = {(student, exercise): fp for student, exercise, fp in versions}
    previous = {}
    for student, exercise, _, _, score, _, _ in before:
        if exercise == CHANGED:
            previous[student] = previous.get(student, 0.0) + score
    assert [row[0] for row in history] == sorted(STUDENTS)
    for student, exercise, score, max_score, fingerprint, new_max, reason in history:
        assert exercise == CHANGED
        assert score == pytest.approx(previous[student])
        assert (max_score, new_max) == (6.0, 12.0)
        assert fingerprint == old_version[(student, CHANGED)]
        assert "points" in reason
    report = (out / "report.html").read_text(encoding="utf-8")
    section = report.split('id="section-score-history"')[1].split("<h2")[0]
    assert section.count(CHANGED) == len(STUDENTS)
    assert "6 / 6" in section or "/ 6</td>" in section


def test_a_third_run_grades_nothing(regraded) -> None:
    out, _, _, _, course = regraded
    run = _grade(course, out)
    assert "0 graded, 3 unchanged" in run.stdout
    assert "alone graded again" not in run.stdout


def test_an_older_gradebook_opens_and_gains_the_tables(regraded, tmp_path: Path) -> None:
    out = regraded[0]
    old = tmp_path / "old"
    old.mkdir()
    source = sqlite3.connect(out / "gradebook.sqlite")
    copy = sqlite3.connect(old / "gradebook.sqlite")
    source.backup(copy)
    source.close()
    copy.executescript(
        "DROP TABLE check_versions; DROP TABLE score_history; "
        "UPDATE meta SET value = '2' WHERE key = 'schema_version';"
    )
    copy.close()
    with Gradebook.open(old, create=False) as book:
        assert sorted(record.student_id for record in book.records()) == list(STUDENTS)
        assert book.check_versions() == {} and book.score_history() == []
    assert _rows(old, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    # and the reports are rebuilt from it
    run = subprocess.run([sys.executable, "-m", "grader.cli", "report", str(old)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode in (0, 4), run.stdout + run.stderr
    assert "No regrade has replaced a score" in (old / "report.html").read_text(encoding="utf-8")


def test_damaged_version_and_history_rows_are_refused(regraded, tmp_path: Path) -> None:
    source = sqlite3.connect(regraded[0] / "gradebook.sqlite")
    for sql, said in [
        ("UPDATE check_versions SET parts = 'not json'", "'check_versions' holds what nngrade never writes"),
        ("UPDATE score_history SET score = 'many'", "'score_history' holds what nngrade never writes"),
    ]:
        folder = tmp_path / str(abs(hash(sql)))
        folder.mkdir()
        copy = sqlite3.connect(folder / "gradebook.sqlite")
        source.backup(copy)
        copy.execute(sql)
        copy.commit()
        copy.close()
        with pytest.raises(GradebookError, match=re.escape(said)):
            Gradebook.open(folder, create=False)
    source.close()


# -- the versions themselves -------------------------------------------------------------------


@pytest.fixture(scope="module")
def train():
    exercise = load_registry().get(CHANGED)
    from grader.course import load_course

    info = next(e for e in load_course(ROOT / "course.toml", load_registry()).assignment("a1").info().exercises
                if e.id == CHANGED)
    return exercise, info


def test_a_version_is_the_same_when_computed_again_without_importing_the_references(train) -> None:
    exercise, info = train
    assert check_version(exercise, info) == check_version(exercise, info)
    script = (
        "import sys\n"
        "from grader.course import load_course\n"
        "from grader.registry import load_registry\n"
        "from grader.check_versions import check_versions\n"
        "a = load_course(sys.argv[1], load_registry()).assignment('a1')\n"
        "versions = check_versions(a.exercises, a.info().exercises)\n"
        "print(versions[sys.argv[2]].fingerprint, 'torch' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(ROOT / "course.toml"), CHANGED], capture_output=True,
                         text=True, check=True, timeout=300)
    assert run.stdout.split() == [check_version(exercise, info).fingerprint, "False"]


def test_another_check_function_changes_the_checks_code(train) -> None:
    exercise, info = train
    first, *rest = exercise.checks
    other = next(c.function for e in load_registry().in_topic("perceptron") for c in e.checks
                 if c.function is not first.function)
    changed = dataclasses.replace(exercise, checks=(dataclasses.replace(first, function=other), *rest))
    before, after = check_version(exercise, info), check_version(changed, info)
    assert before.fingerprint != after.fingerprint
    # another function has another name (the declaration) and other code; the reference is the same
    assert {part for part in before.parts if before.parts[part] != after.parts[part]} == {"declaration", "checks"}
    assert "the code of its checks changed" in after.why_changed(before)


def test_a_checks_points_change_the_declaration(train) -> None:
    exercise, info = train
    first, *rest = exercise.checks
    changed = dataclasses.replace(exercise, checks=(dataclasses.replace(first, points=first.points + 1), *rest))
    after = check_version(changed, info)
    assert after.why_changed(check_version(exercise, info)) == (
        "its declaration (checks, points, limits or mistakes) changed"
    )


def test_another_reference_module_changes_the_reference_part(train) -> None:
    exercise, info = train
    # a reference module is hashed as a file (never imported): another module, another version
    module = exercise.reference.split(":")[0]
    other = next(e.reference for e in load_registry() if e.reference.split(":")[0] != module)
    changed = dataclasses.replace(exercise, reference=other)
    why = check_version(changed, info).why_changed(check_version(exercise, info))
    assert "its reference code changed" in why


def test_the_assignments_points_are_a_part(train) -> None:
    exercise, info = train
    doubled = dataclasses.replace(info, max_score=2 * info.max_score)
    assert check_version(exercise, doubled).why_changed(check_version(exercise, info)) == (
        "its points in this assignment changed"
    )


def test_a_checks_source_takes_in_the_helpers_of_its_module() -> None:
    text = source_with_helpers(perceptron.check_train_worked_example)
    assert "def check_train_worked_example" in text
    assert "def gate_data" in text  # a helper of the catalog module that the check calls
