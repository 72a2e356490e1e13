"""Report file names for student ids, atomic writes, and how numbers and text are shown."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.errors import NngradeError
from grader.reports.output_files import (
    TEMPORARY_PREFIX,
    plain_number,
    printable,
    remove_leftover_temporary_files,
    spreadsheet_safe,
    write_atomically,
)
from grader.student_ids import UnusableStudentId, escaped_student_id, student_file_name, student_id_from_file_name

AWKWARD_IDS = [
    "alice",
    "Alice.Smith@uni.edu",
    "a+b-c_d",
    ".",
    "..",
    "...",
    ".hidden",
    "../../etc/passwd",
    "a/b",
    "a\\b",
    "with space",
    "x%41",
    "xA",
    "tab\there",
    "nul\x00byte",
    "ünïcödé",
    "学生",
    "-rf",
    "o'brien <b>&co",
    "CON",
    "~tilde",
    "right\u202eto-left",
]


@pytest.mark.parametrize("student_id", AWKWARD_IDS)
def test_student_file_name_stays_in_its_folder_and_maps_back(student_id: str, tmp_path: Path) -> None:
    name = student_file_name(student_id)
    assert re.fullmatch(r"[A-Za-z0-9._@+%-]+", name), name
    assert not name.startswith(".")
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()
    assert student_id_from_file_name(name) == student_id


def test_student_file_names_are_distinct() -> None:
    names = [student_file_name(student_id) for student_id in AWKWARD_IDS]
    assert len(set(names)) == len(AWKWARD_IDS)


def test_safe_ids_keep_their_name() -> None:
    assert student_file_name("s1234567") == "s1234567"
    assert student_file_name("jane.doe@uni.edu") == "jane.doe@uni.edu"
    assert student_file_name("..") == "%2E."


def test_very_long_ids_get_short_distinct_names() -> None:
    long_a, long_b = "é" * 300 + "a", "é" * 300 + "b"
    name_a, name_b = student_file_name(long_a), student_file_name(long_b)
    assert name_a != name_b
    assert len(name_a) <= 200 and len(name_b) <= 200
    assert "~" in name_a
    # a cut never leaves half an escape behind
    assert re.fullmatch(r"(?:%[0-9A-F]{2})*~[0-9a-f]{16}", name_a)
    with pytest.raises(ValueError):
        student_id_from_file_name(name_a)


def test_an_empty_id_is_refused_with_an_nngrade_error() -> None:
    with pytest.raises(UnusableStudentId) as caught:
        student_file_name("")
    assert isinstance(caught.value, NngradeError)


def test_write_atomically_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "deeper" / "grades.csv"
    write_atomically(target, "old\n")
    write_atomically(target, "new ü\n")
    assert target.read_text(encoding="utf-8") == "new ü\n"
    assert sorted(path.name for path in target.parent.iterdir()) == ["grades.csv"]


def test_write_atomically_cleans_up_when_the_rename_fails(tmp_path: Path) -> None:
    # A folder where the file should go makes the final rename fail after the data was written.
    target = tmp_path / "report.html"
    target.mkdir()
    (target / "keep").write_text("untouched")
    with pytest.raises(OSError):
        write_atomically(target, "<html></html>")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.html"]
    assert (target / "keep").read_text() == "untouched"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (float("nan"), ""),
        (3, "3"),
        (3.0, "3"),
        (2.5, "2.5"),
        (1 / 3, "0.33"),
        (2 / 3, "0.67"),
        (1e-05, "0"),
        (-1e-05, "0"),
        (123456789.0, "123456789"),
        (6.4, "6.4"),
        (1.005e3, "1005"),
    ],
)
def test_plain_number(value: float | None, text: str) -> None:
    assert plain_number(value) == text


def test_printable_shows_control_characters_as_escapes() -> None:
    assert printable("a\nb\tc") == "a\nb\tc"
    assert printable("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m"
    assert printable("nul\x00") == "nul\\x00"
    assert printable("a\r\nb") == "a\nb"
    assert printable("abc\u202edef") == "abc\\u202edef"
    assert printable("lone \udcff") == "lone \\udcff"


@pytest.mark.parametrize("student_id", AWKWARD_IDS + ["bad\udcffbyte", "\udcc3\udca9", "é"])
def test_each_id_has_one_file_name_and_each_file_name_one_id(student_id: str) -> None:
    """Only the name student_file_name gives maps back: a lowercase, needless or cut escape is refused."""
    name = student_file_name(student_id)
    assert student_id_from_file_name(name) == student_id
    variants = {name.lower(), name.replace("A", "%41"), name + "%", name.replace("%", "%25", 1)} - {name}
    for variant in variants:
        try:
            other = student_id_from_file_name(variant)
        except ValueError:
            continue
        assert student_file_name(other) == variant and other != student_id


def test_an_unsafe_id_and_its_file_name_use_the_same_escape() -> None:
    """An escaped id (from submissions) and a file name (for reports) write a character the same way."""
    for unsafe, character in [("a/b", "/"), ("per%cent", "%"), ("a:b", ":"), ("bad\udcffbyte", "\udcff")]:
        escape = student_file_name(character + "x")[: -1]
        assert escape in escaped_student_id(unsafe)
        assert escape in student_file_name(unsafe)


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=SUM(1+1)", "'=SUM(1+1)"),
        ("@cmd", "'@cmd"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("-", "'-"),
        ("\t=1", "'\t=1"),
        ("\r=1", "\\x0d=1"),
        ("-1.5", "-1.5"),
        ("-3", "-3"),
        ("2.25", "2.25"),
        ("alice", "alice"),
        ("o'brien", "o'brien"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_spreadsheet_safe_neutralises_formulas_and_keeps_numbers(cell: str, written: str) -> None:
    assert spreadsheet_safe(cell) == written


def dead_process_id() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_leftovers_of_dead_writers_are_removed_and_nothing_else(tmp_path: Path) -> None:
    dead = dead_process_id()
    leftover = tmp_path / f"{TEMPORARY_PREFIX}{dead}-0123456789ab-grades.csv"
    older = tmp_path / ".report.html.0123456789ab.tmp"
    live = tmp_path / f"{TEMPORARY_PREFIX}{os.getppid()}-0123456789ab-report.html"
    keep = [tmp_path / "grades.csv", tmp_path / ".notes", tmp_path / f"{TEMPORARY_PREFIX}x-grades.csv"]
    for path in (leftover, older, live, *keep):
        path.write_text("partial")
    assert sorted(remove_leftover_temporary_files([tmp_path, tmp_path / "missing"])) == sorted([leftover, older])
    assert sorted(tmp_path.iterdir()) == sorted([live, *keep])

