"""The course file: a valid one loads; every wrong key is named with its problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from grader.course import CourseFileError, find_course_file, load_course
from grader.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent

VALID = """
salt = "a-long-enough-salt"
timezone = "Europe/Amsterdam"

[sandbox]
wall_seconds = 12
memory_mb = 1024

[assignments.a1]
title = "Perceptrons"
exercises = ["perceptron", "backprop.sigmoid*"]
due = 2026-10-15T23:59:00

[assignments.a1.points]
"perceptron.train" = 10

[assignments.a1.late]
per_day_percent = 10
max_percent = 30
grace_minutes = 5
cutoff = "2026-10-20T23:59:00+02:00"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "course.toml"
    path.write_text(text)
    return path


def load(tmp_path: Path, text: str):
    return load_course(write(tmp_path, text), load_registry())


def test_a_valid_course_file_loads_with_its_assignments_limits_and_policy(tmp_path):
    course = load(tmp_path, VALID)
    assert course.salt == "a-long-enough-salt"
    assert course.limits.wall_seconds == 12 and course.limits.memory_mb == 1024
    assert course.limits.cpu_seconds == 10  # the default stays where not overridden
    a1 = course.assignment("a1")
    ids = [exercise.id for exercise in a1.exercises]
    assert ids[:5] == [e.id for e in load_registry().in_topic("perceptron")]
    assert ids[5:] == ["backprop.sigmoid", "backprop.sigmoid_prime"]
    assert a1.modules == ["perceptron", "backprop"]
    # A due date without an offset is in the course's time zone (CEST is UTC+2 in October).
    assert a1.due == dt.datetime(2026, 10, 15, 21, 59, tzinfo=dt.timezone.utc)
    assert a1.late.per_day_percent == 10 and a1.late.max_percent == 30 and a1.late.grace_minutes == 5
    assert a1.late.cutoff == "2026-10-20T21:59:00+00:00"


def test_point_overrides_scale_an_exercises_checks_to_the_new_total(tmp_path):
    a1 = load(tmp_path, VALID).assignment("a1")
    train = a1.info().exercise("perceptron.train")
    assert train.max_score == 10
    assert sum(check.max_score for check in train.checks) == pytest.approx(10)
    predict = a1.info().exercise("perceptron.predict")
    assert predict.max_score == load_registry().get("perceptron.predict").points


@pytest.mark.parametrize(
    "change, key, words",
    [
        (("salt = \"a-long-enough-salt\"", ""), "salt", "no grading salt"),
        (("salt = \"a-long-enough-salt\"", "salt = \"short\""), "salt", "too short"),
        (("due = 2026", "due_date = 2026"), "assignments.a1.due_date", "unknown key"),
        (("wall_seconds = 12", "wall_seconds = -1"), "sandbox", "greater than 0"),
        (("wall_seconds = 12", "wal_seconds = 12"), "sandbox", "unknown limit 'wal_seconds'"),
        (("\"backprop.sigmoid*\"", "\"backprop.sigmod\""), "assignments.a1.exercises", "'backprop.sigmod' names no exercise"),
        (("\"perceptron.train\" = 10", "\"gcn.degree\" = 10"), 'assignments.a1.points."gcn.degree"', "not one of this assignment"),
        (("\"perceptron.train\" = 10", "\"perceptron.train\" = 0"), 'assignments.a1.points."perceptron.train"', "greater than 0"),
        (("per_day_percent = 10", "per_day_percent = 150"), "assignments.a1.late.per_day_percent", "at most 100"),
        (("cutoff = \"2026-10-20T23:59:00+02:00\"", "cutoff = \"2026-10-01T00:00:00Z\""), "assignments.a1.late.cutoff", "before the due date"),
        (("cutoff = \"2026-10-20T23:59:00+02:00\"", "cutoff = \"next tuesday\""), "assignments.a1.late.cutoff", "date and time"),
        (("timezone = \"Europe/Amsterdam\"", "timezone = \"Mars/Olympus\""), "timezone", "not a known time zone"),
        (("due = 2026-10-15T23:59:00", ""), "assignments.a1.due", "needs a due date"),
        (("memory_mb = 1024", "memory_mb = 1024\n[x]"), "x", "unknown key"),
        (("timezone = ", "file_times = \"yes\"\ntimezone = "), "file_times", "true or false"),
        (("[assignments.a1.points]", "[assignments.a1.extensions]\nalice = \"soon\"\n[assignments.a1.points]"),
         "assignments.a1.extensions.alice", "date and time"),
        (("[assignments.a1.points]", "[assignments.a1.extensions]\nbob = { cutoff = 2026-10-30T00:00:00 }\n"
          "[assignments.a1.points]"), "assignments.a1.extensions.bob", "needs a due date"),
        (("[assignments.a1.points]", "[assignments.a1.extensions]\nbob = { due = 2026-10-30T00:00:00, "
          "cutoff = 2026-10-20T00:00:00 }\n[assignments.a1.points]"), "assignments.a1.extensions.bob.cutoff",
         "before the extension's due date"),
        (("[assignments.a1.points]", "[assignments.a1.extensions]\nbob = { due = 2026-10-30T00:00:00, "
          "until = 2026-10-31T00:00:00 }\n[assignments.a1.points]"), "assignments.a1.extensions.bob.until",
         "unknown key"),
    ],
)
def test_a_wrong_course_file_names_the_file_the_key_and_the_problem(tmp_path, change, key, words):
    old, new = change
    assert old in VALID
    with pytest.raises(CourseFileError) as caught:
        load(tmp_path, VALID.replace(old, new))
    message = str(caught.value)
    assert str(tmp_path / "course.toml") in message
    assert key in message and words in message


def test_extensions_file_times_and_the_zone_are_read_in_the_course_zone(tmp_path):
    text = VALID.replace("timezone = ", "file_times = true\ntimezone = ").replace(
        "[assignments.a1.points]",
        "file_times = false\n\n[assignments.a1.extensions]\nalice = 2026-10-20T23:59:00\n"
        "bob = { due = 2026-10-30T12:00:00, cutoff = 2026-11-02T00:00:00Z }\n\n[assignments.a1.points]",
    )
    course = load(tmp_path, text)
    a1 = course.assignment("a1")
    assert course.timezone == "Europe/Amsterdam" and a1.info().timezone == "Europe/Amsterdam"
    assert course.file_times is True and a1.file_times is False and not course.uses_file_times(a1)
    # 20 October is summer time (+02:00), 30 October winter time (+01:00): each gets the offset of its own day.
    assert a1.extensions["alice"] == (dt.datetime(2026, 10, 20, 21, 59, tzinfo=dt.timezone.utc), None)
    assert a1.extensions["bob"] == (
        dt.datetime(2026, 10, 30, 11, 0, tzinfo=dt.timezone.utc), dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)
    )
    plain = load(tmp_path, VALID)
    assert plain.file_times is False and not plain.uses_file_times(plain.assignment("a1"))


def test_a_file_that_is_not_toml_says_so(tmp_path):
    with pytest.raises(CourseFileError, match="not valid TOML"):
        load(tmp_path, "salt = \n[[[")


def test_an_unknown_assignment_lists_the_known_ones(tmp_path):
    course = load(tmp_path, VALID)
    with pytest.raises(CourseFileError, match="no assignment 'a9'; the course file defines: a1"):
        course.assignment("a9")


def test_the_salt_can_live_in_a_file_or_the_environment(tmp_path, monkeypatch):
    (tmp_path / ".nngrade-salt").write_text("salt-from-a-file\n")
    course = load(tmp_path, VALID.replace('salt = "a-long-enough-salt"', 'salt_file = ".nngrade-salt"'))
    assert course.salt == "salt-from-a-file" and course.salt_file == tmp_path / ".nngrade-salt"
    monkeypatch.setenv("NNGRADE_SALT", "salt-from-the-environment")
    assert load(tmp_path, VALID).salt == "salt-from-the-environment"


def test_the_course_file_is_found_here_or_above(tmp_path):
    write(tmp_path, VALID)
    (tmp_path / "deep" / "er").mkdir(parents=True)
    assert find_course_file(tmp_path / "deep" / "er") == tmp_path / "course.toml"
    with pytest.raises(CourseFileError, match="pass the course file with --course"):
        find_course_file(Path("/"))


def test_the_repositorys_course_file_is_valid():
    course = load_course(ROOT / "course.toml", load_registry())
    assert {"a1", "a2", "derivations"} <= set(course.assignments)


def test_every_exercise_of_the_course_is_handed_out_by_an_assignment():
    registry = load_registry()
    course = load_course(ROOT / "course.toml", registry)
    handed_out = {exercise.id for name in course.assignments for exercise in course.assignment(name).exercises}
    assert [exercise.id for exercise in registry if exercise.id not in handed_out] == []
