"""Times in the course's zone, file times only when asked, and the instructor's adjustments that survive regrades.

A small class of one course in Europe/Berlin is graded once with the real
command (due 26 October 2026 at midnight, local time, the day after summer
time ends); each test works on a copy of its output folder, with the real
``nngrade`` commands in subprocesses.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from grader.gradebook import SCHEMA_VERSION
from grader.late_penalties import lateness, local_time
from grader.records import LatePolicy
from grader.submissions.timestamps import parse_timestamp, read_nbgrader_timestamp, read_timestamps_csv

ROOT = Path(__file__).resolve().parent.parent
NNGRADE = [sys.executable, "-m", "grader.cli"]
POINTS = 9  # perceptron.predict (5) and perceptron.gate_weights (4)
BERLIN = ZoneInfo("Europe/Berlin")

COURSE = """
salt = "a-salt-for-the-berlin-class"
timezone = "Europe/Berlin"

[sandbox]
cpu_seconds = 2
wall_seconds = 10

[assignments.lab]
title = "A lab due the day after summer time ends"
exercises = ["perceptron.predict", "perceptron.gate_weights"]
due = 2026-10-26T00:00:00

[assignments.lab.late]
per_day_percent = {per_day}
max_percent = 60
cutoff = 2026-11-02T00:00:00
{extra}
"""

TIMES = {
    "ada": "2026-10-25T23:30:00",  # after the change to winter time: 22:30 UTC, on time (read as UTC: late)
    "ben": "2026-10-24 12:00:00",  # summer time still: 10:00 UTC
    "kim": "2026-10-27T10:00:00",  # 34 hours late: 2 started days
    "omar": "2026-11-03T09:00:00",  # after the cutoff
}
STUDENTS = [*TIMES, "lee"]  # lee is not in the timestamps CSV


def nngrade(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*NNGRADE, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def write_course(folder: Path, *, per_day: int = 20, extra: str = "") -> Path:
    path = folder / "course.toml"
    path.write_text(COURSE.format(per_day=per_day, extra=extra))
    return path


def grade(course_folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return nngrade(
        "grade", str(course_folder / "submissions"), "-a", "lab", "-o", str(out), "--course",
        str(course_folder / "course.toml"), "--timestamps", str(course_folder / "times.csv"), "-q", *extra,
    )


def grades_of(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "grades.csv", index_col="student", keep_default_na=False)


@pytest.fixture(scope="module")
def berlin(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """The course folder, and the output folder graded once with the real command."""
    folder = tmp_path_factory.mktemp("berlin")
    write_course(folder)
    for student in STUDENTS:
        (folder / "submissions" / student).mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / "perceptron.py", folder / "submissions" / student)
    lines = ["student,timestamp", *(f"{student},{time}" for student, time in TIMES.items())]
    (folder / "times.csv").write_text("\n".join(lines) + "\n")
    out = folder / "graded"
    return folder, out, grade(folder, out)


@pytest.fixture
def out(berlin, tmp_path) -> Path:
    """A copy of the graded output folder, for one test to change.

    The gradebook is copied with SQLite's backup, not file by file: a connection another test left to the
    garbage collector may close during the copy and take the write-ahead log's files with it.
    """
    copy = tmp_path / "graded"
    shutil.copytree(berlin[1], copy, ignore=shutil.ignore_patterns("*.sqlite", "*.sqlite-wal", "*.sqlite-shm"))
    for database in berlin[1].glob("*.sqlite"):
        source, target = sqlite3.connect(database), sqlite3.connect(copy / database.name)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    return copy


# -- times in the course's zone ---------------------------------------------------------


def test_times_without_a_zone_are_read_in_the_course_zone_across_the_dst_change(berlin):
    folder, out, run = berlin
    grades = grades_of(out)
    # 23:30 on 25 October in Berlin is 22:30 UTC (winter time began that night): before the due date.
    assert grades.loc["ada", "late_days"] == 0 and grades.loc["ada", "final"] == POINTS
    assert grades.loc["ada", "submitted_at"] == "2026-10-25T23:30:00+01:00"
    assert grades.loc["ben", "submitted_at"] == "2026-10-24T12:00:00+02:00"
    assert grades.loc["kim", "late_days"] == 2 and grades.loc["kim", "late_penalty_percent"] == 40
    assert grades.loc["kim", "final"] == pytest.approx(POINTS * 0.6)
    assert grades.loc["omar", "late_penalty_percent"] == 100 and grades.loc["omar", "final"] == 0
    # The same clock time read as UTC would have been late: the zone is what decides.
    due = dt.datetime(2026, 10, 26, tzinfo=BERLIN)
    as_utc = parse_timestamp(TIMES["ada"])
    assert lateness(as_utc, due=due, policy=LatePolicy(per_day_percent=20)).days == 1
    assert lateness(parse_timestamp(TIMES["ada"], BERLIN), due=due, policy=LatePolicy(per_day_percent=20)).days == 0
    # The gradebook keeps UTC; people see the course's zone with its offset.
    stored = dict(sqlite3.connect(out / "gradebook.sqlite").execute("SELECT student, submitted_at FROM submissions"))
    assert stored["ada"] == "2026-10-25T22:30:00+00:00" and stored["ben"] == "2026-10-24T10:00:00+00:00"
    ada = (out / "feedback" / "ada.html").read_text()
    assert "2026-10-25 23:30 CET (+01:00)" in ada and "2026-10-26 00:00 CET (+01:00)" in ada
    assert "2026-10-24 12:00 CEST (+02:00)" in (out / "feedback" / "ben.md").read_text()
    assert "Submitted after the cutoff (2026-11-02 00:00 CET (+01:00))" in (out / "feedback" / "omar.md").read_text()
    report = (out / "report.html").read_text()
    assert "submitted (Europe/Berlin)" in report and "2026-10-27 10:00 CET (+01:00)" in report


def test_a_student_without_a_known_time_is_a_problem_row_unless_file_times_are_asked_for(berlin, out):
    folder, _, run = berlin
    assert run.returncode == 4, run.stdout + run.stderr
    assert "could not be graded (lee)" in run.stderr
    grades = grades_of(out)
    assert grades.loc["lee", "problem"] == (
        "no submission time: pass --timestamps FILE, or --file-times to use the files' modification times"
    )
    assert grades.loc["lee", "final"] == 0 and grades.loc["ada", "problem"] == ""
    assert "file times" not in run.stdout

    asked = grade(folder, out, "--file-times")
    assert asked.returncode == 0, asked.stdout + asked.stderr
    assert "submission times of 1 students are their files' modification times" in asked.stdout
    assert "lee" in asked.stdout.split("modification times")[1]
    grades = grades_of(out)
    assert grades.loc["lee", "problem"] == "" and grades.loc["lee", "total"] == POINTS
    source = sqlite3.connect(out / "gradebook.sqlite").execute(
        "SELECT timestamp_source FROM submissions WHERE student = 'lee'"
    ).fetchone()
    assert source == ("file time",)


def test_the_course_file_can_allow_file_times_and_a_wrong_value_is_refused(berlin, tmp_path):
    folder, _, _ = berlin
    course = tmp_path / "course"
    shutil.copytree(folder / "submissions", course / "submissions")
    shutil.copy(folder / "times.csv", course / "times.csv")
    (course / "course.toml").write_text(
        COURSE.format(per_day=20, extra="").replace('title = "A lab', 'file_times = true\ntitle = "A lab')
    )
    run = grade(course, tmp_path / "out", "--student", "lee")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "submission times of 1 students are their files' modification times" in run.stdout
    (course / "course.toml").write_text(COURSE.format(per_day=20, extra="").replace(
        'title = "A lab', 'file_times = "yes"\ntitle = "A lab'))
    wrong = grade(course, tmp_path / "out2")
    assert wrong.returncode == 2
    assert "assignments.lab.file_times: must be true or false, not 'yes'" in wrong.stderr


def test_nbgrader_and_csv_times_without_a_zone_are_in_the_given_zone(tmp_path):
    (tmp_path / "timestamp.txt").write_text("2026-10-25 23:30:00.000000")
    stamp = read_nbgrader_timestamp(tmp_path, shown="alice/lab", zone=BERLIN)
    assert stamp.moment == dt.datetime(2026, 10, 25, 22, 30, tzinfo=dt.timezone.utc)
    (tmp_path / "timestamp.txt").write_text("2026-10-25 23:30:00.000000 UTC")  # a zone written wins
    assert read_nbgrader_timestamp(tmp_path, shown="alice/lab", zone=BERLIN).moment.hour == 23
    (tmp_path / "times.csv").write_text("student,timestamp\nalice,2026-07-01T12:00:00\nbob,2026-07-01T12:00:00Z\n")
    table = read_timestamps_csv(tmp_path / "times.csv", BERLIN)
    assert table.times["alice"].hour == 10 and table.times["bob"].hour == 12
    assert local_time("2026-07-01T10:00:00+00:00", "Europe/Berlin") == "2026-07-01 12:00 CEST (+02:00)"
    assert local_time("2026-07-01T10:00:00+00:00", "UTC") == "2026-07-01 10:00 UTC (+00:00)"


# -- adjustments, extensions, excuses and comments --------------------------------------


def test_an_adjustment_survives_a_regrade_with_a_changed_late_policy(berlin, out, tmp_path):
    folder, _, _ = berlin
    made = nngrade("adjust", str(out), "kim", "--points", "1.5", "--reason", "regrade request: a check misread")
    assert made.returncode == 0, made.stdout + made.stderr
    assert f"by {getpass.getuser()}" in made.stdout
    exercise = nngrade("adjust", str(out), "kim", "--exercise", "perceptron.predict", "--points", "-0.5",
                       "--reason", "printed the answer", "--by", "TA Jo")
    assert exercise.returncode == 0, exercise.stdout + exercise.stderr
    grades = grades_of(out)
    assert grades.loc["kim", "adjustment"] == 1
    assert grades.loc["kim", "final"] == pytest.approx(POINTS * 0.6 + 1)

    course = tmp_path / "course"
    shutil.copytree(folder / "submissions", course / "submissions")
    shutil.copy(folder / "times.csv", course / "times.csv")
    write_course(course, per_day=5)
    regraded = grade(course, out, "--regrade")
    assert regraded.returncode == 4, regraded.stdout + regraded.stderr  # lee still has no time
    assert "4 graded, 0 unchanged" in regraded.stdout
    grades = grades_of(out)
    assert grades.loc["kim", "late_penalty_percent"] == 10
    assert grades.loc["kim", "final"] == pytest.approx(POINTS * 0.9 + 1)
    listed = nngrade("adjustments", str(out))
    assert "+1.5 points on assignment lab: regrade request: a check misread" in listed.stdout
    assert "-0.5 points on exercise perceptron.predict: printed the answer" in listed.stdout
    assert "TA Jo" in listed.stdout
    rows = sqlite3.connect(out / "gradebook.sqlite").execute(
        "SELECT student, kind, exercise_id, points, reason, made_by FROM adjustments ORDER BY id"
    ).fetchall()
    assert rows == [
        ("kim", "points", "", 1.5, "regrade request: a check misread", getpass.getuser()),
        ("kim", "points", "perceptron.predict", -0.5, "printed the answer", "TA Jo"),
    ]
    report = (out / "report.html").read_text()
    assert "regrade request: a check misread" in report and "TA Jo" in report
    feedback = (out / "feedback" / "kim.md").read_text()
    assert "| Adjustment | +1.5: regrade request: a check misread |" in feedback
    assert "| Adjustment (perceptron.predict) | -0.5: printed the answer |" in feedback

    # A deduction never takes the final below 0; removing it restores the score.
    taken = nngrade("adjust", str(out), "omar", "--points", "-3", "--reason", "copied")
    assert taken.returncode == 0 and grades_of(out).loc["omar", "final"] == 0
    number = sqlite3.connect(out / "gradebook.sqlite").execute(
        "SELECT id FROM adjustments WHERE student = 'omar'").fetchone()[0]
    removed = nngrade("adjustments", str(out), "--remove", str(number))
    assert removed.returncode == 0 and f"removed adjustment {number}" in removed.stdout
    assert "omar" not in removed.stdout.split("\n", 1)[1]


def test_an_extension_makes_a_late_student_on_time(out):
    assert grades_of(out).loc["kim", "late_days"] == 2
    run = nngrade("extend", str(out), "kim", "--assignment", "lab", "--due", "2026-10-28T12:00",
                  "--reason", "ill, with a note")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "due 2026-10-28 12:00 CET (+01:00)" in run.stdout
    grades = grades_of(out)
    assert grades.loc["kim", "late_days"] == 0 and grades.loc["kim", "final"] == POINTS
    kim = (out / "feedback" / "kim.html").read_text()
    assert "2026-10-28 12:00 CET (+01:00) (your extension)" in kim
    assert "0 (extended)" in (out / "report.html").read_text()
    # Without a cutoff of its own, the cutoff moves with the due date: omar after the old cutoff is only late.
    nngrade("extend", str(out), "omar", "--due", "2026-10-29T00:00")
    assert grades_of(out).loc["omar", "late_penalty_percent"] == 60
    # nngrade report applies them again from the gradebook alone.
    (out / "grades.csv").unlink()
    assert nngrade("report", str(out)).returncode == 4
    assert grades_of(out).loc["kim", "late_days"] == 0


def test_an_extension_in_the_course_file_applies_and_one_by_command_wins(berlin, tmp_path):
    folder, _, _ = berlin
    course = tmp_path / "course"
    shutil.copytree(folder / "submissions", course / "submissions")
    shutil.copy(folder / "times.csv", course / "times.csv")
    write_course(course, extra=(
        "\n[assignments.lab.extensions]\nkim = { due = 2026-10-27T12:00:00 }\nkimm = 2026-10-28T00:00:00\n"
    ))
    out = tmp_path / "out"
    run = grade(course, out, "--student", "kim")
    assert "extension to students not in this class: kimm" in run.stderr
    assert grades_of(out).loc["kim", "late_days"] == 0
    assert "course file" in nngrade("adjustments", str(out)).stdout
    refused = nngrade("adjustments", str(out), "--remove", "1")
    assert refused.returncode == 2 and "is an extension in the course file: remove it there" in refused.stderr
    assert grades_of(out).loc["kim", "late_days"] == 0
    nngrade("extend", str(out), "kim", "--due", "2026-10-26T12:00")
    assert grades_of(out).loc["kim", "late_days"] == 1
    # Taken out of the course file, its extension goes at the next run; the command's stays.
    write_course(course)
    grade(course, out, "--student", "kim")
    listed = nngrade("adjustments", str(out)).stdout
    assert "course file" not in listed and "2026-10-26 12:00" in listed
    assert grades_of(out).loc["kim", "late_days"] == 1


def test_excused_lateness_zeroes_the_penalty(out):
    run = nngrade("excuse", str(out), "omar", "--assignment", "lab", "--reason", "the upload server was down")
    assert run.returncode == 0, run.stdout + run.stderr
    grades = grades_of(out)
    assert grades.loc["omar", "late_penalty_percent"] == 0 and grades.loc["omar", "final"] == POINTS
    assert grades.loc["omar", "late_days"] > 0
    assert "lateness excused (the upload server was down): no penalty" in (out / "feedback" / "omar.md").read_text()
    assert "(excused)" in (out / "report.html").read_text()


def test_a_comment_appears_in_the_students_feedback_page(out):
    run = nngrade("comment", str(out), "ben", "Neat work; see me about <b>bias</b> terms.")
    assert run.returncode == 0, run.stdout + run.stderr
    page = (out / "feedback" / "ben.html").read_text()
    assert "Comments from your instructor" in page
    assert "Neat work; see me about &lt;b&gt;bias&lt;/b&gt; terms." in page
    assert "Comments from your instructor" not in (out / "feedback" / "ada.html").read_text()
    assert grades_of(out).loc["ben", "final"] == POINTS  # a comment changes no number
    gradescope = json.loads((out / "results" / "ben" / "results.json").read_text())
    assert "Neat work; see me about <b>bias</b> terms." in gradescope["output"]
    # A problem row's page shows a comment too.
    nngrade("comment", str(out), "lee", "Send me your timestamp.")
    assert "Send me your timestamp." in (out / "feedback" / "lee.md").read_text()


@pytest.mark.parametrize(
    "args, words",
    [
        (("adjust", "{out}", "zed", "--points", "1", "--reason", "r"), "holds no student 'zed'; its students are: ada"),
        (("adjust", "{out}", "ada", "--exercise", "perceptron.nope", "--points", "1", "--reason", "r"),
         "assignment 'lab' has no exercise 'perceptron.nope'; its exercises are: perceptron.predict"),
        (("adjust", "{out}", "ada", "--assignment", "a1", "--points", "1", "--reason", "r"),
         "holds assignment 'lab', not 'a1'"),
        (("adjust", "{out}", "ada", "--points", "0", "--reason", "r"), "a number other than 0"),
        (("adjust", "{out}", "ada", "--points", "1", "--reason", " "), "needs a reason"),
        (("extend", "{out}", "ada", "--due", "next week"), "--due 'next week' is not a date and time"),
        (("extend", "{out}", "ada", "--due", "2026-10-30", "--cutoff", "2026-10-29"), "is before --due"),
        (("excuse", "{out}", "nobody", "--reason", "r"), "holds no student 'nobody'"),
        (("comment", "{out}", "ada", ""), "the comment is empty"),
        (("adjustments", "{out}", "--remove", "99"), "holds no adjustment 99"),
    ],
)
def test_a_wrong_adjustment_is_refused_with_what_is_wrong(out, args, words):
    run = nngrade(*(arg.format(out=out) for arg in args))
    assert run.returncode == 2, run.stdout + run.stderr
    assert words in run.stderr
    assert not sqlite3.connect(out / "gradebook.sqlite").execute("SELECT COUNT(*) FROM adjustments").fetchone()[0]


def test_an_older_gradebook_opens_and_gains_the_adjustments_table(out):
    db = sqlite3.connect(out / "gradebook.sqlite")
    db.execute("DROP TABLE adjustments")
    db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    rebuilt = nngrade("report", str(out))
    assert rebuilt.returncode == 4, rebuilt.stdout + rebuilt.stderr  # lee's row, as before
    db = sqlite3.connect(out / "gradebook.sqlite")
    assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    assert db.execute("SELECT COUNT(*) FROM adjustments").fetchone() == (0,)
    assert nngrade("excuse", str(out), "kim", "--reason", "r").returncode == 0
    assert grades_of(out).loc["kim", "late_penalty_percent"] == 0


def test_a_damaged_adjustment_row_is_refused_at_open(out):
    nngrade("adjust", str(out), "ada", "--points", "1", "--reason", "r")
    db = sqlite3.connect(out / "gradebook.sqlite")
    db.execute("UPDATE adjustments SET kind = 'bonus'")
    db.commit()
    db.close()
    run = nngrade("report", str(out))
    assert run.returncode == 2
    assert "adjustment 1 is of a kind ('bonus', from 'command') nngrade never writes" in run.stderr
