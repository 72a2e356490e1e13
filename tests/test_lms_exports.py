"""LMS rosters and exports, and the course-wide gradebook, through the real `nngrade` command.

The files under ``tests/lms_files/`` are written to the LMSs' documented formats:
``canvas_gradebook_export.csv`` as Canvas's gradebook exporter writes it (the header
``Student, ID, SIS User ID, SIS Login ID, Section``, assignment columns ``Title (id)``, read-only
total columns, the ``"    Points Possible"`` row, and the Test Student last), the Moodle files as
Moodle's grade export writes them (user columns, ``Assignment: Title (Real)``, ``Last downloaded
from this course``). Exports are read back as Canvas's and Moodle's importers read them.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from grader.gradebook import Gradebook
from grader.records import AssignmentInfo, CheckInfo, ExerciseInfo, LatePolicy, StudentRecord
from grader.results import CheckResult, ExerciseResult, Status
from grader.submissions import SubmissionsError
from grader.submissions.roster import CANVAS, MOODLE, PLAIN, read_roster

ROOT = Path(__file__).resolve().parents[1]
CLASS = ROOT / "examples" / "class"
LMS_FILES = Path(__file__).resolve().parent / "lms_files"
CANVAS_EXPORT = LMS_FILES / "canvas_gradebook_export.csv"
MOODLE_EXPORT = LMS_FILES / "moodle_grades_export.csv"
SAMPLE_IDS = ["ada", "ben", "chen", "dara", "eli", "fay", "gus", "hana", "ivan", "jo", "kim", "lee", "max", "nia",
              "omar"]


def nngrade(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=600)


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


# -- rosters --------------------------------------------------------------------------------------


def test_a_canvas_export_is_a_roster_of_its_students_by_sis_login_id():
    roster = read_roster(CANVAS_EXPORT)
    assert roster.kind == CANVAS and roster.id_column == "SIS Login ID"
    # Neither the Points Possible row nor Canvas's Test Student is a student.
    assert sorted(row.student for row in roster.rows) == sorted(SAMPLE_IDS)
    ben = roster.row_of("ben")
    assert ben.line == 17
    assert (ben.cells["Student"], ben.cells["ID"], ben.cells["SIS User ID"], ben.cells["Section"]) == (
        "Stone, Ben", "30102", "S-0102", "NN 2026 Lab A and NN 2026 Lab B")


def test_a_moodle_export_is_a_roster_by_id_number_or_by_email_when_no_student_has_an_id_number():
    roster = read_roster(MOODLE_EXPORT)
    assert (roster.kind, roster.id_column) == (MOODLE, "ID number")
    assert [row.student for row in roster.rows] == ["ada", "ben", "chen"]
    assert roster.row_of("ada").cells["Email address"] == "ada@example.edu"
    by_email = read_roster(LMS_FILES / "moodle_grades_export_without_id_numbers.csv")
    assert (by_email.kind, by_email.id_column) == (MOODLE, "Email address")
    assert [row.student for row in by_email.rows] == ["ada@example.edu", "ben@example.edu"]


def test_a_plain_roster_keeps_its_meaning(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student,entry,name\nalice,Alice Smith,Alice\nbob,,Bob\n", encoding="utf-8")
    roster = read_roster(path)
    assert roster.kind == PLAIN
    assert [(row.student, row.wanted_entry, row.cells["name"]) for row in roster.rows] == [
        ("alice", "Alice Smith", "Alice"), ("bob", "bob", "Bob")]


CANVAS_HEADER = "Student,ID,SIS User ID,SIS Login ID,Section,Lab 1 (4101)\n"
CANVAS_POINTS = "    Points Possible,,,,,10.00\n"


def test_canvas_manual_posting_row_and_first_and_last_name_columns_are_read_as_canvas_writes_them(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "LastName,FirstName,ID,SIS User ID,SIS Login ID,Section,Lab 1 (4101),Lab 2 (4102)\n"
        ",,,,,,Manual Posting,\n"
        "    Points Possible,,,,,,10.00,5.00\n"
        "Byron,Ada,1,S-1,ada,A,,\n"
        "Student,Test,9,,c0ffee,A,,\n",
        encoding="utf-8",
    )
    roster = read_roster(path)
    assert roster.kind == CANVAS
    assert [(row.student, row.line) for row in roster.rows] == [("ada", 4)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CANVAS_HEADER + CANVAS_POINTS + '"Byron, Ada",1,S-1,ada,A,\n"Stone, Ben",2,S-2,ada,A,\n',
         r"gives the SIS Login ID 'ada' to lines 3 and 4 \(Stone, Ben\)"),
        (CANVAS_HEADER + CANVAS_POINTS + '"Byron, Ada",1,S-1,ada,A,\n"Stone, Ben",2,S-2,,A,\n',
         r"has no SIS Login ID on line 4 \(Stone, Ben\): .* fill it in"),
        (CANVAS_HEADER + CANVAS_POINTS + 'Byron, Ada,1,S-1,ada,A,\n',
         r"has 7 cells on line 3 but 6 columns in its header"),
        ("Student,ID,Section,Lab 1 (4101)\n" + '    Points Possible,,,10.00\n"Byron, Ada",1,A,\n',
         r"has no 'SIS Login ID' column"),
        ('"First name","Last name","ID number","Email address"\nAda,Byron,a1,ada@example.edu\n'
         'Ben,Stone,a1,ben@example.edu\n', r"gives the ID number 'a1' to lines 2 and 3 \(Ben Stone\)"),
    ],
    ids=["duplicate id", "empty id", "row that cannot be read", "no id column", "moodle duplicate"],
)
def test_a_bad_lms_roster_stops_grading_naming_the_file_and_the_row(tmp_path, text, message):
    roster = tmp_path / "export.csv"
    roster.write_text(text, encoding="utf-8")
    with pytest.raises(SubmissionsError, match=message):
        read_roster(roster)
    run = nngrade("grade", str(CLASS / "submissions"), "-a", "a1", "-o", str(tmp_path / "out"),
                  "--roster", str(roster), "-q")
    assert run.returncode == 2, run.stderr
    assert "export.csv" in run.stderr and re.search(message, run.stderr)
    assert not (tmp_path / "out" / "grades.csv").exists()


# -- grading with a Canvas roster, and exporting for Canvas, Moodle and as a long CSV -------------


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("canvas-roster") / "a1"
    run = nngrade("grade", str(CLASS / "submissions"), "-a", "a1", "-o", str(out), "-q", "-j", "2",
                  "--timestamps", str(CLASS / "timestamps.csv"), "--roster", str(CANVAS_EXPORT))
    return out, run


def test_grading_with_a_canvas_export_as_roster_matches_every_student(graded):
    out, run = graded
    # Before, "Points Possible" and every student's name became students, and every row was a problem.
    assert "15 submissions: 13 graded, 0 unchanged, 2 with problems" in run.stdout, run.stdout + run.stderr
    grades = pd.read_csv(out / "grades.csv", dtype={"student": str})
    assert sorted(grades["student"]) == sorted(SAMPLE_IDS)
    assert set(grades.loc[grades["problem"].notna(), "student"]) == {"max", "nia"}


def test_the_canvas_export_is_canvas_import_format_with_the_rosters_columns(graded, tmp_path):
    out, _ = graded
    target = tmp_path / "canvas.csv"
    run = nngrade("export", "canvas", str(out), "-o", str(target), "--roster", str(CANVAS_EXPORT))
    assert run.returncode == 0, run.stderr
    rows = read_rows(target)
    # The course file's title matches the roster's column, so Canvas updates that assignment (id 4101).
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "Perceptrons and backpropagation (4101)"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "65.00"]
    grades = pd.read_csv(out / "grades.csv", dtype={"student": str}).set_index("student")
    students = {row[3]: row for row in rows[2:]}
    assert sorted(students) == sorted(SAMPLE_IDS)
    # In the roster's order, with its identity cells as Canvas wrote them.
    assert [row[3] for row in rows[2:]] == [row.student for row in read_roster(CANVAS_EXPORT).rows]
    assert students["ben"][:5] == ["Stone, Ben", "30102", "S-0102", "ben", "NN 2026 Lab A and NN 2026 Lab B"]
    for student, row in students.items():
        assert float(row[5]) == pytest.approx(grades.loc[student, "final"]), student
    assert float(students["kim"][5]) == pytest.approx(52)  # two days late, 20% off


def test_the_moodle_export_carries_the_moodle_rosters_user_columns(graded, tmp_path):
    out, _ = graded
    target = tmp_path / "moodle.csv"
    run = nngrade("export", "moodle", str(out), "-o", str(target), "--roster", str(MOODLE_EXPORT))
    assert run.returncode == 0, run.stderr
    # The roster lists three students: the others graded follow, named by nngrade's id.
    assert "graded but not on the roster moodle_grades_export.csv: dara, eli" in run.stderr
    table = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(table.columns) == ["First name", "Last name", "ID number", "Institution", "Department",
                                   "Email address", "Assignment: Perceptrons and backpropagation (Real)"]
    assert table.iloc[0].tolist() == ["Ada", "Byron", "ada", "NN University", "Informatics", "ada@example.edu", "65"]
    assert list(table["ID number"]) == ["ada", "ben", "chen", *sorted(set(SAMPLE_IDS) - {"ada", "ben", "chen"})]
    assert table.set_index("ID number").loc["kim", "Email address"] == ""


def test_the_long_export_adds_up_to_each_students_final_score(graded, tmp_path):
    out, _ = graded
    target = tmp_path / "long.csv"
    run = nngrade("export", "long", str(out), "-o", str(target))
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(target, dtype={"student": str})
    assert list(table.columns) == ["student", "assignment", "exercise", "points", "max"]
    grades = pd.read_csv(out / "grades.csv", dtype={"student": str}).set_index("student")
    sums = table.groupby("student")["points"].sum()
    for student in SAMPLE_IDS:
        assert sums[student] == pytest.approx(grades.loc[student, "final"], abs=0.011), student
    kim = table[table["student"] == "kim"].set_index("exercise")
    assert kim.loc["late penalty", "points"] == pytest.approx(-13) and kim.loc["late penalty", "max"] == 0
    assert table.loc[table["exercise"] != "late penalty", "max"].groupby(table["student"]).sum()["ada"] == 65


# -- the course-wide gradebook --------------------------------------------------------------------


def _record(student: str, points: list[float], info: AssignmentInfo, **fields) -> StudentRecord:
    exercises = []
    for exercise, score in zip(info.exercises, points):
        check = exercise.checks[0]
        exercises.append(ExerciseResult(exercise.id, exercise.title, (
            CheckResult(exercise.id, check.name, check.description, Status.PASSED if score == check.max_score
                        else Status.FAILED, score, check.max_score, "", check.hidden),)))
    return StudentRecord(student, tuple(exercises), form="folder", entry=student, graded_at="2026-10-20T10:00:00+00:00",
                         **fields)


def _info(name: str, *maxima: float) -> AssignmentInfo:
    return AssignmentInfo(name, tuple(
        ExerciseInfo(f"perceptron.e{index}", f"Exercise {index}", top, (CheckInfo("only", "the check", False, top),))
        for index, top in enumerate(maxima)
    ), due="2026-10-15T23:59:00+00:00", late=LatePolicy(per_day_percent=10))


def _grade_into(folder: Path, info: AssignmentInfo, records: list[StudentRecord]) -> None:
    with Gradebook.open(folder) as gradebook:
        gradebook.set_assignment(info)
        for record in records:
            gradebook.save(record, fingerprint="test")


COURSE_FILE = """\
salt = "a-course-salt-for-tests"
{course_table}
[assignments.a1]
exercises = ["perceptron.predict"]
output = "graded/a1"
{w1}
[assignments.a2]
exercises = ["perceptron.predict"]
output = "graded/a2"
{w2}
[assignments.a3]
exercises = ["perceptron.predict"]
output = "graded/a3"
{w3}
"""


def write_course(folder: Path, *, weights=("", "", ""), course_table: str = "") -> Path:
    path = folder / "course.toml"
    w1, w2, w3 = (f"weight = {weight}" if weight != "" else "" for weight in weights)
    path.write_text(COURSE_FILE.format(course_table=course_table, w1=w1, w2=w2, w3=w3), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def course_folder(tmp_path_factory) -> Path:
    """Three assignments graded into the folders the course file names: 10, 20 and 4 points."""
    folder = tmp_path_factory.mktemp("course")
    a1, a2, a3 = _info("a1", 6, 4), _info("a2", 20), _info("a3", 4)
    _grade_into(folder / "graded" / "a1", a1, [
        _record("alice", [6, 4], a1), _record("bob", [3, 2], a1),
        _record("carol", [6, 4], a1, late_days=2, late_penalty_percent=20.0, submitted_at="2026-10-17T10:00:00+00:00"),
        StudentRecord("dave", problem="no submission found for dave", form="missing"),
    ])
    _grade_into(folder / "graded" / "a2", a2, [
        _record("alice", [10], a2), _record("bob", [20], a2), _record("carol", [15], a2), _record("dave", [5], a2),
    ])
    _grade_into(folder / "graded" / "a3", a3, [_record("alice", [4], a3), _record("bob", [1], a3)])
    return folder


def course_export(folder: Path, course: Path, *extra: str) -> tuple[subprocess.CompletedProcess, pd.DataFrame | None]:
    target = folder / "course-grades.csv"
    target.unlink(missing_ok=True)
    run = nngrade("export", "course", *extra, "-o", str(target), "--course", str(course), cwd=folder)
    table = pd.read_csv(target, dtype=str, keep_default_na=False).set_index("student") if target.exists() else None
    return run, table


def test_the_course_gradebook_weights_every_assignment_and_counts_missing_as_zero(course_folder):
    course = write_course(course_folder, weights=(1, 2, 1))
    run, table = course_export(course_folder, course)
    assert run.returncode == 0, run.stderr
    assert list(table.columns) == ["a1", "a1_percent", "a2", "a2_percent", "a3", "a3_percent", "dropped",
                                   "course_percent"]
    assert "a2: 20 points, 4 students graded, weight 2 (50%)" in run.stdout
    alice = table.loc["alice"]
    assert (alice["a1"], alice["a1_percent"], alice["a2_percent"], alice["a3_percent"]) == ("10", "100", "50", "100")
    assert float(alice["course_percent"]) == pytest.approx((100 + 2 * 50 + 100) / 4)
    # carol's late penalty is in her a1 points; she has no a3 row: missing, counted as 0.
    carol = table.loc["carol"]
    assert (carol["a1"], carol["a3"], carol["a3_percent"]) == ("8", "missing", "0")
    assert float(carol["course_percent"]) == pytest.approx((80 + 2 * 75 + 0) / 4)
    # dave was on the roster without a submission for a1: missing too.
    assert table.loc["dave", "a1"] == "missing"
    assert float(table.loc["dave", "course_percent"]) == pytest.approx(2 * 25 / 4)
    assert set(table["dropped"]) == {""}


def test_the_course_gradebook_drops_each_students_lowest_and_weighs_equally_without_weights(course_folder):
    course = write_course(course_folder, course_table="[course]\ndrop_lowest = 1\n")
    run, table = course_export(course_folder, course)
    assert run.returncode == 0, run.stderr
    assert "lowest assignment(s) by percent dropped" in run.stdout
    # alice: a2 (50%) dropped; bob: a3 (25%); carol's missing a3 (0%); dave missed a1 and a3 (0% each,
    # equal weights): the later one goes.
    assert [table.loc[student, "dropped"] for student in ("alice", "bob", "carol", "dave")] == ["a2", "a3", "a3", "a3"]
    assert float(table.loc["dave", "course_percent"]) == pytest.approx(25 / 2)
    assert float(table.loc["alice", "course_percent"]) == pytest.approx(100)
    assert float(table.loc["bob", "course_percent"]) == pytest.approx((50 + 100) / 2)
    assert float(table.loc["carol", "course_percent"]) == pytest.approx((80 + 75) / 2)


def test_the_course_gradebook_leaves_out_an_assignment_not_graded_yet(course_folder, tmp_path):
    course = write_course(course_folder)
    text = course.read_text().replace('output = "graded/a3"', 'output = "graded/not-yet"')
    course.write_text(text)
    run, table = course_export(course_folder, course)
    assert run.returncode == 0, run.stderr
    assert "assignment 'a3' is not graded yet" in run.stderr
    assert "a3" not in table.columns
    assert float(table.loc["alice", "course_percent"]) == pytest.approx(75)


def test_folders_on_the_command_line_and_a_roster_give_the_course_gradebook_in_the_rosters_order(course_folder):
    course = write_course(course_folder)
    roster = course_folder / "roster.csv"
    roster.write_text("student\nerin\nbob\nalice\n", encoding="utf-8")
    run, table = course_export(course_folder, course, str(course_folder / "graded" / "a2"),
                               str(course_folder / "graded" / "a1"), "--roster", str(roster))
    assert run.returncode == 0, run.stderr
    assert list(table.index) == ["erin", "bob", "alice", "carol", "dave"]
    assert list(table.columns[:4]) == ["a1", "a1_percent", "a2", "a2_percent"]  # the course file's order
    assert (table.loc["erin", "a1"], table.loc["erin", "course_percent"]) == ("missing", "0")


@pytest.mark.parametrize(
    ("weights", "course_table", "message"),
    [
        ((1, "", 2), "", "assignments.a2.weight: is missing, while 'a1', 'a3' have one"),
        ((1, 0, 2), "", "assignments.a2.weight: must be a number greater than 0"),
        ((1, -1, 2), "", "assignments.a2.weight: must be a number greater than 0"),
        (("", "", ""), "[course]\ndrop_lowest = 3\n", "course.drop_lowest: drops 3 of the course's 3 assignments"),
        (("", "", ""), "[course]\ndrop_lowest = 1.5\n", "course.drop_lowest: must be a whole number"),
        (("", "", ""), "[course]\ndrop_worst = 1\n", "course.drop_worst: unknown key"),
    ],
)
def test_wrong_weights_and_drops_are_refused_naming_the_key(course_folder, weights, course_table, message):
    course = write_course(course_folder, weights=weights, course_table=course_table)
    run, table = course_export(course_folder, course)
    assert run.returncode == 2 and table is None
    assert message in run.stderr and "course.toml" in run.stderr


def test_an_instructors_adjustment_reaches_every_export(tmp_path):
    from grader.records import Adjustment

    info = _info("a1", 6, 4)
    folder = tmp_path / "graded"
    _grade_into(folder, info, [_record("alice", [3, 4], info), _record("bob", [6, 4], info)])
    with Gradebook.open(folder) as gradebook:
        gradebook.add_adjustment(Adjustment(0, "alice", "points", "regraded by hand", "teacher",
                                            "2026-10-21T09:00:00+00:00", exercise_id="perceptron.e0", points=2.0))
    run = nngrade("export", "canvas", str(folder), "-o", str(tmp_path / "canvas.csv"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    rows = read_rows(tmp_path / "canvas.csv")
    assert rows[0][5] == "a1" and rows[1][5] == "10.00"
    assert {row[3]: row[5] for row in rows[2:]} == {"alice": "9", "bob": "10"}
    run = nngrade("export", "long", str(folder), "-o", str(tmp_path / "long.csv"), cwd=tmp_path)
    long = pd.read_csv(tmp_path / "long.csv")
    alice = long[long["student"] == "alice"].set_index("exercise")
    assert alice.loc["adjustments", "points"] == 2 and alice["points"].sum() == 9
