"""Loading a class's submissions: every accepted form, and every bad entry as that student's problem.

Each test builds a real SUBMISSIONS folder in tmp_path (folders, zips,
notebooks, links, nbgrader's tree, roster and timestamps CSVs) and checks the
rows ``find_submissions`` returns, including that a good student beside a
broken entry loads unaffected.
"""

from __future__ import annotations

import os
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from grader.errors import NngradeError
from grader.submissions import (
    MAX_SOURCE_BYTES,
    MAX_SUBMISSION_FILES,
    Submission,
    SubmissionsError,
    find_submissions,
)
from grader.student_ids import escaped_student_id, unsafe_student_id_reason
from grader.submissions.timestamps import parse_timestamp
from grader.submissions.entries import os_artefacts_in

from test_notebooks import code_cell, markdown_cell, notebook_bytes

MODULES = ["perceptron", "backprop"]
PERCEPTRON = b"import numpy as np\n\ndef predict(w, X):\n    return np.where(X @ w > 0, 1, -1)\n"
BACKPROP = b"def forward(W, x):\n    return W @ x\n"
ALICE_TIME = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


def find(root: Path, **options) -> dict[str, Submission]:
    """``find_submissions`` for the assignment ``hw1`` of MODULES, by student id."""
    found = find_submissions(root, assignment="hw1", modules=MODULES, **options)
    assert [submission.student_id for submission in found] == sorted(submission.student_id for submission in found)
    by_id = {submission.student_id: submission for submission in found}
    assert len(by_id) == len(found), "one row per student"
    return by_id


def write(path: Path, data: bytes | str, *, mtime: datetime | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    if mtime is not None:
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def write_zip(path: Path, members: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def write_alice(root: Path) -> None:
    """A good student beside whatever a test breaks."""
    write(root / "alice" / "perceptron.py", PERCEPTRON, mtime=ALICE_TIME)
    write(root / "alice" / "backprop.py", BACKPROP, mtime=ALICE_TIME)


def assert_alice_fine(found: dict[str, Submission]) -> None:
    alice = found["alice"]
    assert alice.problem == "" and alice.form == "folder" and alice.entry == "alice"
    assert dict(alice.sources) == {"perceptron": PERCEPTRON, "backprop": BACKPROP}
    assert alice.submitted_at == ALICE_TIME and alice.timestamp_source == "file time"


def assert_problem(submission: Submission, *words: str) -> None:
    assert submission.problem, "expected a problem"
    for word in words:
        assert word in submission.problem, f"{word!r} not in {submission.problem!r}"
    assert dict(submission.sources) == {}


# -- accepted forms -------------------------------------------------------------------------------


def test_a_folder_of_py_files_gives_every_importable_module(tmp_path):
    write_alice(tmp_path)
    write(tmp_path / "bob" / "perceptron.py", PERCEPTRON)
    write(tmp_path / "bob" / "helpers.py", "def sign(x):\n    return 1\n")
    write(tmp_path / "bob" / "notes.txt", "my notes")
    write(tmp_path / "bob" / "perceptron (1).py", "old copy")
    write(tmp_path / "bob" / "data" / "x.py", "deeper")
    found = find(tmp_path)
    assert sorted(found) == ["alice", "bob"]
    assert_alice_fine(found)
    bob = found["bob"]
    assert (bob.form, bob.entry, bob.problem) == ("folder", "bob", "")
    assert dict(bob.sources) == {"perceptron": PERCEPTRON, "helpers": b"def sign(x):\n    return 1\n"}
    assert bob.notes == (
        "'bob' has no backprop.py and no notebook for it: the exercises in module backprop cannot be graded",
        "ignored in 'bob' (only .py modules, notebooks and .pt weights at its top are read): "
        "'data/', 'notes.txt', 'perceptron (1).py'",
    )
    assert re.fullmatch(r"[0-9a-f]{64}", bob.files_hash)


def test_a_submission_inside_one_top_folder_is_read_from_that_folder(tmp_path):
    write(tmp_path / "bob" / "bob" / "hw1" / "perceptron.py", PERCEPTRON)
    write(tmp_path / "bob" / "bob" / "hw1" / "backprop.py", BACKPROP)
    write(tmp_path / "bob" / ".DS_Store", b"\0\0")
    write(tmp_path / "bob" / "bob" / "hw1" / ".ipynb_checkpoints" / "hw1-checkpoint.ipynb", b"{}")
    write(tmp_path / "bob" / "bob" / "hw1" / "__pycache__" / "perceptron.cpython-311.pyc", b"\0")
    bob = find(tmp_path)["bob"]
    assert bob.problem == "" and dict(bob.sources) == {"perceptron": PERCEPTRON, "backprop": BACKPROP}
    assert bob.notes == (), "hidden and system names are skipped without a note"


def test_a_zip_of_py_files_is_read_in_memory_with_its_top_folder_and_junk_dropped(tmp_path):
    write_alice(tmp_path)
    write_zip(
        tmp_path / "bob.zip",
        {
            "bob/": b"",
            "bob/perceptron.py": PERCEPTRON,
            "bob/backprop.py": BACKPROP,
            "bob/__pycache__/perceptron.cpython-311.pyc": b"\0",
            "bob/.ipynb_checkpoints/x-checkpoint.ipynb": b"{}",
            "bob/.DS_Store": b"\0",
            "__MACOSX/bob/._perceptron.py": b"\0\0",
        },
    )
    before = sorted(path.name for path in tmp_path.iterdir())
    found = find(tmp_path)
    assert_alice_fine(found)
    bob = found["bob"]
    assert (bob.form, bob.entry, bob.problem, bob.notes) == ("zip", "bob.zip", "", ())
    assert dict(bob.sources) == {"perceptron": PERCEPTRON, "backprop": BACKPROP}
    assert bob.timestamp_source == "file time"
    assert sorted(path.name for path in tmp_path.iterdir()) == before, "nothing extracted"


def test_a_notebook_entry_supplies_every_module_and_compiles(tmp_path):
    write_alice(tmp_path)
    write(
        tmp_path / "carol.ipynb",
        notebook_bytes(
            markdown_cell("# Homework 1"),
            code_cell("%matplotlib inline\nimport numpy as np\n!pip install torch\n"),
            code_cell("def predict(w, X):\n    np.dot?\n    return np.where(X @ w > 0, 1, -1)\n"),
            code_cell("assert predict(1, 2) == 1\n", nbgrader={"grade": True, "solution": False}),
        ),
    )
    found = find(tmp_path)
    assert_alice_fine(found)
    carol = found["carol"]
    assert (carol.form, carol.entry, carol.problem) == ("notebook", "carol.ipynb", "")
    assert set(carol.sources) == {"perceptron", "backprop"}
    assert carol.sources["perceptron"] == carol.sources["backprop"]
    source = carol.sources["perceptron"].decode("utf-8")
    compile(source, "carol.ipynb", "exec")
    assert "def predict" in source and "assert predict" not in source
    assert "'carol.ipynb': IPython magics replaced by 'pass': %matplotlib" in carol.notes
    assert "'carol.ipynb': shell commands replaced by 'pass': !pip" in carol.notes
    assert any("nbgrader autograder test cell dropped" in note for note in carol.notes)


def test_a_folder_may_mix_py_files_module_notebooks_and_an_assignment_notebook(tmp_path):
    write(tmp_path / "dave" / "perceptron.py", PERCEPTRON)
    write(tmp_path / "dave" / "perceptron.ipynb", notebook_bytes(code_cell("def predict(w, X):\n    return 0\n")))
    write(tmp_path / "dave" / "hw1.ipynb", notebook_bytes(code_cell("%time z = 1\ndef forward(W, x):\n    return 0\n")))
    dave = find(tmp_path)["dave"]
    assert dave.problem == "" and dave.sources["perceptron"] == PERCEPTRON
    backprop = dave.sources["backprop"].decode()
    assert "def forward" in backprop and "z = 1" in backprop
    compile(backprop, "hw1.ipynb", "exec")
    assert "'dave/perceptron.ipynb' was not used: perceptron.py supplies module perceptron" in dave.notes


def test_a_module_notebook_supplies_only_its_module(tmp_path):
    write(tmp_path / "erin" / "backprop.ipynb", notebook_bytes(code_cell("def forward(W, x):\n    return 1\n")))
    erin = find(tmp_path)["erin"]
    assert set(erin.sources) == {"backprop"} and erin.problem == ""
    assert "'erin' has no perceptron.py and no notebook for it" in erin.notes[0]


def test_several_other_notebooks_are_joined_in_name_order(tmp_path):
    write(tmp_path / "fay" / "part2.ipynb", notebook_bytes(code_cell("SECOND = 2\n")))
    write(tmp_path / "fay" / "part1.ipynb", notebook_bytes(code_cell("FIRST = 1\n")))
    fay = find(tmp_path)["fay"]
    source = fay.sources["perceptron"].decode()
    assert source.index("FIRST") < source.index("SECOND")
    assert "the notebooks 'fay/part1.ipynb', 'fay/part2.ipynb' were joined in this order" in fay.notes[0]


def test_a_module_name_in_another_case_is_pointed_out(tmp_path):
    write(tmp_path / "gus" / "Perceptron.py", PERCEPTRON)
    write(tmp_path / "gus" / "backprop.py", BACKPROP)
    gus = find(tmp_path)["gus"]
    assert set(gus.sources) == {"Perceptron", "backprop"}
    assert gus.notes == (
        "'gus' has no perceptron.py and no notebook for it: the exercises in module perceptron cannot be "
        "graded (found 'Perceptron.py': module names are case-sensitive)",
    )


def test_a_utf8_bom_is_dropped(tmp_path):
    write(tmp_path / "hal" / "perceptron.py", b"\xef\xbb\xbf" + PERCEPTRON)
    assert find(tmp_path)["hal"].sources["perceptron"] == PERCEPTRON


# -- the hash -------------------------------------------------------------------------------------


def test_files_hash_is_stable_the_same_for_the_same_files_in_any_container_and_changes_with_a_byte(tmp_path):
    write(tmp_path / "a" / "alice" / "perceptron.py", PERCEPTRON)
    write(tmp_path / "a" / "alice" / "backprop.py", BACKPROP)
    write(tmp_path / "a" / "alice" / "README.md", "ignored")
    write_zip(tmp_path / "b" / "alice.zip", {"alice/perceptron.py": PERCEPTRON, "alice/backprop.py": BACKPROP})
    folder = find(tmp_path / "a")["alice"].files_hash
    assert folder == find(tmp_path / "a")["alice"].files_hash
    assert folder == find(tmp_path / "b")["alice"].files_hash
    write(tmp_path / "a" / "alice" / "backprop.py", BACKPROP + b"\n")
    assert find(tmp_path / "a")["alice"].files_hash != folder


def test_a_broken_entry_still_has_a_hash_that_changes_when_it_changes(tmp_path):
    write(tmp_path / "bob.zip", b"not a zip at all")
    first = find(tmp_path)["bob"].files_hash
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    write(tmp_path / "bob.zip", b"still not a zip")
    assert find(tmp_path)["bob"].files_hash not in ("", first)


# -- bad entries ----------------------------------------------------------------------------------


def test_a_py_file_that_is_not_utf8_is_a_problem_naming_the_file(tmp_path):
    write_alice(tmp_path)
    write(tmp_path / "bob" / "perceptron.py", "# Gewichte für das Perzeptron\nx = 1\n".encode("latin-1"))
    found = find(tmp_path)
    assert_alice_fine(found)
    bob = found["bob"]
    assert bob.form == "folder"
    assert_problem(bob, "'bob/perceptron.py' is not UTF-8 text", "line 1", "save it with UTF-8 encoding")


def test_a_notebook_that_is_not_json_is_a_problem_naming_the_file(tmp_path):
    write_alice(tmp_path)
    write(tmp_path / "bob.ipynb", "print('I renamed a .py file')\n")
    found = find(tmp_path)
    assert_alice_fine(found)
    assert found["bob"].form == "notebook"
    assert_problem(found["bob"], "'bob.ipynb' is not a Jupyter notebook", "not valid JSON")


def test_an_empty_folder_is_a_problem(tmp_path):
    write_alice(tmp_path)
    (tmp_path / "bob").mkdir()
    found = find(tmp_path)
    assert_alice_fine(found)
    assert found["bob"].form == "folder"
    assert_problem(found["bob"], "'bob' has no .py files or notebooks to grade", "submit perceptron.py, backprop.py")


def test_a_folder_without_py_files_or_notebooks_says_what_it_holds(tmp_path):
    write(tmp_path / "bob" / "report.pdf", b"%PDF")
    write(tmp_path / "cal" / "perceptron-final.py", PERCEPTRON)
    write(tmp_path / "dee" / "upload.zip", b"PK")
    found = find(tmp_path)
    assert_problem(found["bob"], "'bob' has no .py files or notebooks", "it holds only 'report.pdf'")
    assert_problem(found["cal"], "'perceptron-final.py' is not an importable module name")
    assert_problem(found["dee"], "it holds the archive 'upload.zip', which is not unpacked")


def test_two_entries_for_one_student_are_one_problem_row_naming_both(tmp_path):
    write_alice(tmp_path)
    write(tmp_path / "bob" / "perceptron.py", PERCEPTRON)
    write_zip(tmp_path / "bob.zip", {"perceptron.py": PERCEPTRON})
    found = find(tmp_path)
    assert sorted(found) == ["alice", "bob"]
    assert_alice_fine(found)
    bob = found["bob"]
    assert (bob.form, bob.entry) == ("other", "bob, bob.zip")
    assert_problem(bob, "2 entries for bob: bob, bob.zip", "keep only the one to grade")
    assert re.fullmatch(r"[0-9a-f]{64}", bob.files_hash)


@pytest.mark.parametrize(
    ("name", "student", "words"),
    [
        ("bob.docx", "bob", ["'bob.docx' is not a submission nngrade can read", "a .zip of them", "ask bob to"]),
        ("bob.tar.gz", "bob", ["'bob.tar.gz' is an archive nngrade cannot read", "only .zip archives"]),
        ("bob.rar", "bob", ["only .zip archives are read", "unpack it into a folder named 'bob'"]),
        ("perceptron.py", "perceptron", ["'perceptron.py' is a Python file at the top of the submissions folder"]),
    ],
)
def test_an_unknown_file_type_is_a_problem_row_saying_what_is_accepted(tmp_path, name, student, words):
    write_alice(tmp_path)
    write(tmp_path / name, b"something")
    found = find(tmp_path)
    assert sorted(found) == ["alice", student]
    assert_alice_fine(found)
    assert (found[student].form, found[student].entry) == ("other", name)
    assert_problem(found[student], *words)
    assert found[student].timestamp_source == "file time"


def test_system_files_are_no_entries_but_hidden_names_are(tmp_path):
    write_alice(tmp_path)
    write(tmp_path / ".DS_Store", b"\0")
    write(tmp_path / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(tmp_path / "__MACOSX" / "._alice", b"\0")
    write(tmp_path / "._alice.zip", b"\0")
    write(tmp_path / "Thumbs.db", b"\0")
    write(tmp_path / ".bob" / "perceptron.py", PERCEPTRON)
    write(tmp_path / "..." / "perceptron.py", PERCEPTRON)
    found = find(tmp_path)
    assert sorted(found) == ["%2E..", "%2Ebob", "alice"]
    assert_alice_fine(found)
    for student in ("%2E..", "%2Ebob"):
        assert_problem(found[student], "starts with '.'", "rename the entry")
    # The batch names what it skipped (grader.batch); the listing gives it.
    assert os_artefacts_in(tmp_path) == [".DS_Store", "._alice.zip", ".git", "Thumbs.db", "__MACOSX"]


def test_a_top_level_link_is_a_problem_and_never_followed(tmp_path):
    outside = tmp_path / "outside"
    write(outside / "perceptron.py", PERCEPTRON)
    root = tmp_path / "submissions"
    write_alice(root)
    (root / "bob").symlink_to(outside, target_is_directory=True)
    (root / "cal.zip").symlink_to(root / "alice")
    found = find(root)
    assert_alice_fine(found)
    assert (found["bob"].form, found["bob"].entry) == ("other", "bob")
    assert_problem(found["bob"], "'bob' is a symbolic link to a place outside the submissions folder", "not followed")
    assert_problem(found["cal"], "'cal.zip' is a symbolic link (to 'alice')")


def test_a_link_inside_a_student_folder_is_a_problem_naming_it_and_never_followed(tmp_path):
    secret = write(tmp_path / "secret.py", "TOKEN = 'do not read'\n")
    root = tmp_path / "submissions"
    write_alice(root)
    write(root / "bob" / "backprop.py", BACKPROP)
    (root / "bob" / "perceptron.py").symlink_to(secret)
    (root / "cal").mkdir()
    (root / "cal" / "perceptron.py").symlink_to(root / "alice" / "perceptron.py")
    found = find(root)
    assert_alice_fine(found)
    assert found["bob"].form == "folder"
    assert_problem(found["bob"], "'bob/perceptron.py' is a symbolic link to a place outside the submissions folder")
    assert_problem(found["cal"], "'cal/perceptron.py' is a symbolic link (to 'alice/perceptron.py')")


def test_a_named_pipe_does_not_stall_the_run(tmp_path):
    write_alice(tmp_path)
    write(tmp_path / "bob" / "backprop.py", BACKPROP)
    os.mkfifo(tmp_path / "bob" / "perceptron.py")
    os.mkfifo(tmp_path / "cal")
    found = find(tmp_path)
    assert_alice_fine(found)
    assert_problem(found["bob"], "'bob/perceptron.py' is not a regular file")
    assert_problem(found["cal"], "'cal' is not a regular file or folder")


def test_a_py_file_over_the_size_cap_is_a_problem(tmp_path):
    write_alice(tmp_path)
    write(tmp_path / "bob" / "perceptron.py", b"#" * (MAX_SOURCE_BYTES + 1))
    found = find(tmp_path)
    assert_alice_fine(found)
    assert_problem(found["bob"], "'bob/perceptron.py' is 2.0 MB, more than the 2.0 MB nngrade reads from one file")


def test_too_many_files_is_a_problem(tmp_path):
    write_alice(tmp_path)
    for index in range(MAX_SUBMISSION_FILES + 1):
        write(tmp_path / "bob" / f"m{index}.py", "")
    found = find(tmp_path)
    assert_alice_fine(found)
    assert_problem(found["bob"], f"'bob' holds {MAX_SUBMISSION_FILES + 1} .py files and notebooks, more than the")


@pytest.mark.parametrize(
    ("name", "escaped"),
    [("bad\x07id", "bad%07id"), ("back\\slash", "back%5Cslash"), ("per%cent", "per%25cent"), ("a:b", "a%3Ab")],
)
def test_an_entry_name_that_cannot_be_a_file_name_is_a_problem_row_with_an_escaped_id(tmp_path, name, escaped):
    write_alice(tmp_path)
    write(tmp_path / name / "perceptron.py", PERCEPTRON)
    found = find(tmp_path)
    assert sorted(found) == sorted(["alice", escaped])
    assert_alice_fine(found)
    assert found[escaped].entry == name
    assert_problem(found[escaped], f"the student id {name!r} taken from", "rename the entry")


def test_student_ids_are_escaped_into_safe_collision_free_names():
    assert escaped_student_id("alice") == "alice" and unsafe_student_id_reason("alice") == ""
    assert escaped_student_id("Alice Smith_123") == "Alice Smith_123"
    assert escaped_student_id("") == "%"
    assert escaped_student_id(".hidden") == "%2Ehidden"
    assert escaped_student_id("a/b") == "a%2Fb"
    assert escaped_student_id(" pad ") == "%20pad%20"
    assert escaped_student_id("bad\udcffbyte") == "bad%FFbyte"
    assert escaped_student_id("x" * 500) == "x" * 119 + "%"
    for unsafe in ["", ".", "..", "a/b", "tab\there", " pad", "x" * 500, "a\u202eb"]:
        assert unsafe_student_id_reason(unsafe), unsafe
        assert unsafe_student_id_reason(escaped_student_id(unsafe)) in ("",) or "%" in escaped_student_id(unsafe)
        assert "/" not in escaped_student_id(unsafe) and not escaped_student_id(unsafe).startswith(".")


# -- the whole input ------------------------------------------------------------------------------


def test_a_missing_or_non_folder_submissions_path_raises(tmp_path):
    with pytest.raises(SubmissionsError, match=r"the submissions folder '.*nowhere' does not exist"):
        find(tmp_path / "nowhere")
    write(tmp_path / "file.zip", b"x")
    with pytest.raises(SubmissionsError, match=r"'.*file.zip' is not a folder: pass the folder that holds one entry"):
        find(tmp_path / "file.zip")
    assert issubclass(SubmissionsError, NngradeError)


def test_an_empty_submissions_folder_gives_no_rows(tmp_path):
    assert find(tmp_path) == {}


# -- the roster -----------------------------------------------------------------------------------


def test_a_roster_maps_entries_lists_missing_students_and_flags_strangers(tmp_path):
    root = tmp_path / "submissions"
    write_alice(root)
    write_zip(root / "Bob Builder_1234.zip", {"perceptron.py": PERCEPTRON})
    write(root / "zed" / "perceptron.py", PERCEPTRON)
    roster = write(
        tmp_path / "roster.csv",
        "Student ID,Entry,Name\nalice,,Alice\nbob,Bob Builder_1234,Bob\ncarol,,Carol\ndan,dan.zip,Dan\n",
    )
    found = find(root, roster=roster)
    assert sorted(found) == ["alice", "bob", "carol", "dan", "zed"]
    assert_alice_fine(found)
    bob = found["bob"]
    assert (bob.form, bob.entry, bob.problem) == ("zip", "Bob Builder_1234.zip", "")
    assert set(bob.sources) == {"perceptron"}
    carol = found["carol"]
    assert (carol.form, carol.entry, carol.files_hash, carol.submitted_at, carol.timestamp_source) == (
        "missing", "", "", None, "")
    assert_problem(carol, "no submission found for carol (looked for a folder 'carol', 'carol.zip' or 'carol.ipynb')",
                   "entry column of 'roster.csv'")
    assert_problem(found["dan"], "no submission found for dan (looked for 'dan.zip')")
    zed = found["zed"]
    assert (zed.form, zed.entry) == ("folder", "zed")
    assert_problem(zed, "'zed' is not on the roster 'roster.csv'", "add zed to the roster")
    assert zed.files_hash


def test_the_roster_and_timestamps_csv_kept_in_the_submissions_folder_are_not_entries(tmp_path):
    write_alice(tmp_path)
    roster = write(tmp_path / "roster.csv", "student\nalice\n")
    times = write(tmp_path / "times.csv", "student,timestamp\nalice,2024-03-01T12:00:00Z\n")
    found = find(tmp_path, roster=roster, timestamps=times)
    assert sorted(found) == ["alice"]
    assert found["alice"].problem == "" and found["alice"].timestamp_source == "timestamps csv"


def test_a_roster_points_out_an_entry_in_another_case(tmp_path):
    write(tmp_path / "s" / "Alice" / "perceptron.py", PERCEPTRON)
    roster = write(tmp_path / "roster.csv", "student\nalice\n")
    found = find(tmp_path / "s", roster=roster)
    assert_problem(found["alice"], "no submission found for alice", "found 'Alice': names are case-sensitive")
    assert_problem(found["Alice"], "not on the roster")


def test_a_roster_entry_and_a_second_entry_named_like_the_student_are_a_duplicate(tmp_path):
    write(tmp_path / "s" / "alice" / "perceptron.py", PERCEPTRON)
    write_zip(tmp_path / "s" / "Alice Smith.zip", {"perceptron.py": PERCEPTRON})
    roster = write(tmp_path / "roster.csv", "id,entry\nalice,Alice Smith\n")
    found = find(tmp_path / "s", roster=roster)
    assert sorted(found) == ["alice"]
    assert found["alice"].form == "other"
    assert_problem(found["alice"], "2 entries for alice: Alice Smith.zip, alice", "name it in the roster's entry")


def test_a_roster_that_names_another_entry_than_the_one_found_says_so(tmp_path):
    write(tmp_path / "s" / "alice" / "perceptron.py", PERCEPTRON)
    roster = write(tmp_path / "roster.csv", "student,entry\nalice,Alice Smith\n")
    alice = find(tmp_path / "s", roster=roster)["alice"]
    assert_problem(alice, "names 'Alice Smith' as the entry of alice, but the submissions folder has 'alice' instead")


def test_roster_conflicts_are_problems_of_the_students_involved(tmp_path):
    root = tmp_path / "s"
    write_alice(root)
    write(root / "shared" / "perceptron.py", PERCEPTRON)
    write(root / "ed" / "perceptron.py", PERCEPTRON)
    roster = write(
        tmp_path / "roster.csv",
        "student,entry\nalice,\nbob,shared\ncat,shared\ned,ed\ned,ed_old\nalice,alice\n",
    )
    found = find(root, roster=roster)
    assert sorted(found) == ["alice", "bob", "cat", "ed"]
    assert_alice_fine(found)
    for student in ("bob", "cat"):
        assert_problem(found[student], "gives the entry 'shared' to bob and cat")
    assert_problem(found["ed"], "lists ed on lines 5, 6 with different entries ('ed', 'ed_old')")


def test_a_roster_student_id_that_cannot_be_a_file_name_is_a_problem_row(tmp_path):
    write_alice(tmp_path / "s")
    write(tmp_path / "s" / "orphan" / "perceptron.py", PERCEPTRON)
    roster = write(tmp_path / "roster.csv", "student,entry\nalice,\n,orphan\nx/y,\n")
    found = find(tmp_path / "s", roster=roster)
    assert sorted(found) == ["%", "alice", "x%2Fy"]
    assert_alice_fine(found)
    assert_problem(found["%"], "the roster's student id '' (for 'orphan') is empty", "correct it in 'roster.csv'")
    assert found["x%2Fy"].form == "missing"
    assert_problem(found["x%2Fy"], "the roster's student id 'x/y' holds characters a file name cannot have")


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (None, r"the roster '.*roster.csv' does not exist"),
        (
            b"name,entry\nAlice,alice\n",
            r"the roster '.*roster.csv' has no 'student' column \(nor 'student_id', 'id'\); "
            r"its columns are 'name', 'entry'",
        ),
        (b"", r"the roster '.*roster.csv' is empty"),
        ("student\nJos\xe9\n".encode("latin-1"), r"the roster '.*roster.csv' is not UTF-8 text: save it as 'CSV UTF-8"),
    ],
)
def test_an_unreadable_roster_raises_naming_the_file_and_column(tmp_path, content, pattern):
    write_alice(tmp_path / "s")
    roster = tmp_path / "roster.csv"
    if content is not None:
        write(roster, content)
    with pytest.raises(SubmissionsError, match=pattern):
        find(tmp_path / "s", roster=roster)


def test_a_roster_saved_with_semicolons_and_a_bom_is_read(tmp_path):
    write_alice(tmp_path / "s")
    roster = write(tmp_path / "roster.csv", "\ufeffStudent;Entry\nalice;alice\nbob;\n".encode("utf-8"))
    found = find(tmp_path / "s", roster=roster)
    assert_alice_fine(found)
    assert found["bob"].form == "missing"


# -- timestamps -----------------------------------------------------------------------------------


def test_a_timestamps_csv_dates_the_students_it_lists_and_file_times_date_the_rest(tmp_path):
    root = tmp_path / "s"
    write_alice(root)
    write_zip(root / "bob.zip", {"perceptron.py": PERCEPTRON})
    write(root / "cal" / "perceptron.py", PERCEPTRON)
    times = write(
        tmp_path / "times.csv",
        "student,timestamp\nbob,2024-03-14T17:05:00+01:00\ncal,2024-03-10 08:00:00\n"
        "cal,2024-03-12 09:30:00\nnobody,2024-01-01\n",
    )
    found = find(root, timestamps=times)
    assert_alice_fine(found)
    assert found["bob"].submitted_at == datetime(2024, 3, 14, 16, 5, tzinfo=timezone.utc)
    assert found["bob"].timestamp_source == "timestamps csv"
    assert found["bob"].submitted_at.utcoffset().total_seconds() == 0
    assert found["cal"].submitted_at == datetime(2024, 3, 12, 9, 30, tzinfo=timezone.utc)
    assert "the timestamps CSV 'times.csv' lists cal 2 times: the latest is used" in found["cal"].notes


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        ("student,when\nalice,2024-01-01\n", r"the timestamps CSV '.*times.csv' has no 'timestamp' column"),
        ("who,timestamp\nalice,2024-01-01\n", r"has no 'student' column"),
        ("student,timestamp\nalice,2024-01-01\nbob,next tuesday\n", r"line 3 \(bob\): 'next tuesday' is not ISO 8601"),
        ("student,timestamp\nalice,2024-02-30 10:00\n", r"on line 2 \(alice\)"),
    ],
)
def test_an_unreadable_timestamps_csv_raises_naming_the_file_and_the_line(tmp_path, content, pattern):
    write_alice(tmp_path / "s")
    with pytest.raises(SubmissionsError, match=pattern):
        find(tmp_path / "s", timestamps=write(tmp_path / "times.csv", content))


def test_a_folder_is_dated_by_its_newest_file(tmp_path):
    newest = datetime(2024, 5, 2, 23, 59, 30, tzinfo=timezone.utc)
    write(tmp_path / "bob" / "perceptron.py", PERCEPTRON, mtime=datetime(2024, 5, 1, tzinfo=timezone.utc))
    write(tmp_path / "bob" / "backprop.py", BACKPROP, mtime=newest)
    bob = find(tmp_path)["bob"]
    assert (bob.submitted_at, bob.timestamp_source) == (newest, "file time")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-14 16:05:00.123456 UTC", datetime(2024, 3, 14, 16, 5, 0, 123456, tzinfo=timezone.utc)),
        ("2024-03-14 16:05:00 UTC", datetime(2024, 3, 14, 16, 5, tzinfo=timezone.utc)),
        ("2024-03-14 08:05:00.5 PST\n", datetime(2024, 3, 14, 16, 5, 0, 500000, tzinfo=timezone.utc)),
        ("2024-03-14 17:05:00.000001 CET", datetime(2024, 3, 14, 16, 5, 0, 1, tzinfo=timezone.utc)),
        ("2024-07-14 18:05:00 Europe/Berlin", datetime(2024, 7, 14, 16, 5, tzinfo=timezone.utc)),
        ("2024-03-14 18:05:00 +0200", datetime(2024, 3, 14, 16, 5, tzinfo=timezone.utc)),
        ("2024-03-14T16:05:00Z", datetime(2024, 3, 14, 16, 5, tzinfo=timezone.utc)),
        ("2024-03-14T11:05:00-05:00", datetime(2024, 3, 14, 16, 5, tzinfo=timezone.utc)),
        ("2024-03-14 16:05", datetime(2024, 3, 14, 16, 5, tzinfo=timezone.utc)),
        ("2024-03-14", datetime(2024, 3, 14, tzinfo=timezone.utc)),
    ],
)
def test_timestamps_in_nbgraders_format_and_iso_8601_are_read_as_utc(text, expected):
    parsed = parse_timestamp(text)
    assert parsed == expected and parsed.tzinfo == timezone.utc


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "empty"), ("yesterday", "is not ISO 8601"), ("2024-03-14 16:05:00 IST", "time zone 'IST'")],
)
def test_a_timestamp_nngrade_cannot_read_says_why(text, words):
    with pytest.raises(ValueError, match=words):
        parse_timestamp(text)


# -- nbgrader -------------------------------------------------------------------------------------


def write_nbgrader_course(course: Path) -> None:
    submitted = course / "submitted"
    write(submitted / "alice" / "hw1" / "perceptron.ipynb",
          notebook_bytes(code_cell("%matplotlib inline\ndef predict(w, X):\n    return 1\n")))
    write(submitted / "alice" / "hw1" / "backprop.ipynb",
          notebook_bytes(code_cell("def forward(W, x):\n    return 2\n")))
    write(submitted / "alice" / "hw1" / "timestamp.txt", "2024-03-14 16:05:00.123456 UTC")
    write(submitted / "alice" / "hw0" / "old.ipynb", notebook_bytes(code_cell("OLD = 1\n")))
    write(submitted / "bob" / "hw0" / "perceptron.ipynb", notebook_bytes(code_cell("x = 1\n")))
    write(submitted / "cal" / "hw1" / "perceptron.py", PERCEPTRON, mtime=ALICE_TIME)
    write(submitted / "cal" / "hw1" / "timestamp.txt", "the day before the deadline")
    write(course / "source" / "hw1" / "perceptron.ipynb", notebook_bytes(code_cell("SOURCE = 1\n")))
    write(course / "gradebook.db", b"")


def test_nbgraders_tree_takes_only_the_assignment_and_its_timestamp(tmp_path):
    write_nbgrader_course(tmp_path)
    found = find(tmp_path)
    assert sorted(found) == ["alice", "cal"], "bob did not submit hw1"
    alice = found["alice"]
    assert (alice.form, alice.entry, alice.problem) == ("nbgrader", "submitted/alice/hw1", "")
    assert set(alice.sources) == {"perceptron", "backprop"}
    assert b"OLD" not in alice.sources["perceptron"] + alice.sources["backprop"]
    assert alice.submitted_at == datetime(2024, 3, 14, 16, 5, 0, 123456, tzinfo=timezone.utc)
    assert alice.timestamp_source == "nbgrader"
    assert not any("timestamp.txt" in note for note in alice.notes), "nbgrader's own files are not noted as ignored"
    cal = found["cal"]
    assert (cal.form, cal.problem, cal.timestamp_source, cal.submitted_at) == ("nbgrader", "", "file time", ALICE_TIME)
    assert any("'submitted/cal/hw1/timestamp.txt' cannot be read as a time" in note for note in cal.notes)


def test_nbgraders_submitted_folder_itself_may_be_given(tmp_path):
    write_nbgrader_course(tmp_path)
    found = find(tmp_path / "submitted")
    assert sorted(found) == ["alice", "cal"]
    assert found["alice"].entry == "alice/hw1" and found["alice"].timestamp_source == "nbgrader"


def test_with_a_roster_an_nbgrader_student_without_the_assignment_is_missing(tmp_path):
    write_nbgrader_course(tmp_path)
    roster = write(tmp_path / "roster.csv", "student\nalice\nbob\ncal\n")
    times = write(tmp_path / "times.csv", "student,timestamp\nalice,2030-01-01T00:00:00Z\ncal,2024-03-13T10:00:00Z\n")
    found = find(tmp_path, roster=roster, timestamps=times)
    assert sorted(found) == ["alice", "bob", "cal"]
    assert found["bob"].form == "missing"
    assert_problem(found["bob"], "no submission found for bob (looked for 'submitted/bob/hw1/')")
    assert found["alice"].timestamp_source == "nbgrader", "nbgrader's timestamp comes before the CSV"
    assert found["cal"].timestamp_source == "timestamps csv", "the CSV comes before file times"


def test_nbgrader_links_and_stray_files_are_problems(tmp_path):
    outside = tmp_path / "elsewhere"
    write(outside / "hw1" / "perceptron.py", PERCEPTRON)
    course = tmp_path / "course"
    write_nbgrader_course(course)
    (course / "submitted" / "dan").symlink_to(outside, target_is_directory=True)
    (course / "submitted" / "eve").mkdir()
    (course / "submitted" / "eve" / "hw1").symlink_to(outside / "hw1", target_is_directory=True)
    write(course / "submitted" / "notes.txt", "stray")
    found = find(course)
    assert found["alice"].problem == ""
    assert_problem(found["dan"], "'submitted/dan' is a symbolic link to a place outside the submissions folder")
    assert_problem(found["eve"], "'submitted/eve/hw1' is a symbolic link")
    assert_problem(found["notes"], "'submitted/notes.txt' is not a student folder")


def test_a_linked_submitted_folder_raises(tmp_path):
    write_nbgrader_course(tmp_path / "real")
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "submitted").symlink_to(tmp_path / "real" / "submitted", target_is_directory=True)
    with pytest.raises(SubmissionsError, match="is a symbolic link, which nngrade does not follow"):
        find(tmp_path / "course")


def test_an_nbgrader_assignment_name_that_is_not_a_folder_name_raises(tmp_path):
    write_nbgrader_course(tmp_path)
    with pytest.raises(SubmissionsError, match=r"the assignment name '\.\./x'"):
        find_submissions(tmp_path, assignment="../x", modules=MODULES)


def test_a_submission_is_a_frozen_record():
    submission = Submission("a", "folder", "a", {}, "", None, "")
    with pytest.raises(AttributeError):
        submission.problem = "changed"  # type: ignore[misc]
    assert submission.notes == () and submission.problem == ""
