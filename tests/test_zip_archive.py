"""Zips are read in memory and refused, naming the member, when damaged, unsafe or a bomb.

The bad zips are real files: made with :mod:`zipfile`, then cut short, given a
wrong byte, or given forged header fields, the way a damaged upload or a
hostile one would be.
"""

from __future__ import annotations

import os
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from grader.submissions import MAX_SOURCE_BYTES, MAX_SUBMISSION_BYTES, MAX_ZIP_MEMBERS
from grader.submissions.zip_archive import unsafe_member_reason

from test_notebooks import code_cell, notebook_bytes
from test_submissions import PERCEPTRON, assert_alice_fine, assert_problem, find, write, write_alice, write_zip

LOCAL_HEADER = b"PK\x03\x04"
CENTRAL_HEADER = b"PK\x01\x02"


def forge_headers(data: bytes, *, file_size: int | None = None, compress_size: int | None = None,
                  set_flags: int = 0) -> bytes:
    """``data`` (a zip) with every member's header fields overwritten, in local and central headers alike."""
    forged = bytearray(data)
    # Offsets of (flags, compressed size, uncompressed size) in each header kind (APPNOTE 4.3.7 and 4.3.12).
    for signature, flags_at, compressed_at, size_at in ((LOCAL_HEADER, 6, 18, 22), (CENTRAL_HEADER, 8, 20, 24)):
        start = forged.find(signature)
        while start != -1:
            flags = struct.unpack_from("<H", forged, start + flags_at)[0]
            struct.pack_into("<H", forged, start + flags_at, flags | set_flags)
            if compress_size is not None:
                struct.pack_into("<I", forged, start + compressed_at, compress_size)
            if file_size is not None:
                struct.pack_into("<I", forged, start + size_at, file_size)
            start = forged.find(signature, start + 4)
    return bytes(forged)


def zip_bytes(tmp_path: Path, members: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    return write_zip(tmp_path / "made.zip", members, compression=compression).read_bytes()


def bob_with(tmp_path: Path, data: bytes):
    """Find submissions in a folder holding alice (good) and ``bob.zip`` holding ``data``; bob's row."""
    root = tmp_path / "s"
    write_alice(root)
    write(root / "bob.zip", data)
    found = find(root)
    assert sorted(found) == ["alice", "bob"]
    assert_alice_fine(found)
    bob = found["bob"]
    assert (bob.form, bob.entry) == ("zip", "bob.zip")
    assert len(bob.files_hash) == 64 and bob.timestamp_source == "file time"
    assert sorted(path.name for path in root.iterdir()) == ["alice", "bob.zip"], "nothing extracted"
    return bob


def test_a_file_that_is_not_a_zip_is_a_problem(tmp_path):
    bob = bob_with(tmp_path, b"These are my answers, in a Word document.")
    assert_problem(bob, "'bob.zip' is not a zip file, or is cut short", "make the zip again")


def test_a_truncated_zip_is_a_problem(tmp_path):
    data = zip_bytes(tmp_path, {"perceptron.py": PERCEPTRON * 50})
    bob = bob_with(tmp_path, data[: len(data) // 2])
    assert_problem(bob, "'bob.zip' is not a zip file, or is cut short (its end is missing)")


def test_a_crc_error_found_while_reading_a_member_is_a_problem(tmp_path):
    data = bytearray(zip_bytes(tmp_path, {"perceptron.py": PERCEPTRON}, compression=zipfile.ZIP_STORED))
    data[data.find(b"def predict")] ^= 0x01
    bob = bob_with(tmp_path, bytes(data))
    assert_problem(bob, "'bob.zip' is damaged (Bad CRC-32 for file 'perceptron.py')", "make the zip again")


def test_an_encrypted_member_is_a_problem(tmp_path):
    data = forge_headers(zip_bytes(tmp_path, {"perceptron.py": PERCEPTRON}), set_flags=0x1)
    bob = bob_with(tmp_path, data)
    assert_problem(bob, "'bob.zip' has an encrypted member 'perceptron.py'", "without a password")


def test_a_member_with_a_huge_compression_ratio_is_refused_as_a_bomb_before_unpacking(tmp_path):
    data = zip_bytes(tmp_path, {"perceptron.py": b"\0" * (20 * 1024 * 1024)})
    assert len(data) < 100_000
    bob = bob_with(tmp_path, data)
    assert_problem(bob, "'bob.zip' was refused as a zip bomb: its member 'perceptron.py' unpacks 20.0 MB from")


def test_a_zip_declaring_more_than_the_total_cap_is_refused(tmp_path):
    declared = MAX_SUBMISSION_BYTES + 10 * 1024 * 1024
    data = forge_headers(zip_bytes(tmp_path, {"perceptron.py": PERCEPTRON}), file_size=declared, compress_size=declared)
    bob = bob_with(tmp_path, data)
    assert_problem(bob, "'bob.zip' unpacks to 60.0 MB, more than the 50.0 MB nngrade accepts")


def test_a_header_that_understates_the_size_does_not_let_a_bomb_through(tmp_path):
    # 30 MB of zeros whose headers claim 1000 bytes: the ratio check sees nothing,
    # so only reading on a budget (and the CRC) stands between it and memory.
    data = forge_headers(zip_bytes(tmp_path, {"perceptron.py": b"\0" * (30 * 1024 * 1024)}), file_size=1000)
    bob = bob_with(tmp_path, data)
    assert_problem(bob, "'bob.zip' is damaged", "CRC")


def test_too_many_members_are_refused(tmp_path):
    members = {f"m{index}.py": "" for index in range(MAX_ZIP_MEMBERS + 1)}
    bob = bob_with(tmp_path, zip_bytes(tmp_path, members))
    assert_problem(bob, f"'bob.zip' holds {MAX_ZIP_MEMBERS + 1} files and folders, more than the {MAX_ZIP_MEMBERS}")


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../perceptron.py", "climbs out of the zip's folder with '..'"),
        ("bob/../../perceptron.py", "climbs out of the zip's folder with '..'"),
        ("__MACOSX/../../x.py", "climbs out of the zip's folder with '..'"),
        ("/etc/perceptron.py", "has an absolute path"),
        ("C:/Users/bob/perceptron.py", "starts with a drive letter"),
        ("bob\\perceptron.py", "has a backslash in its path (a Windows path)"),
    ],
)
def test_a_member_path_that_could_escape_refuses_the_whole_zip_naming_it(tmp_path, member, reason):
    data = zip_bytes(tmp_path, {"perceptron.py": PERCEPTRON, member: "import os\n"})
    bob = bob_with(tmp_path, data)
    assert_problem(bob, f"'bob.zip' was refused: its member '{member}' {reason}", "make the zip again")


@pytest.mark.parametrize(
    ("kind", "reason"), [(stat.S_IFLNK, "is a symbolic link"), (stat.S_IFCHR, "is a special file (a device or a pipe)")]
)
def test_a_link_or_device_member_refuses_the_whole_zip(tmp_path, kind, reason):
    path = tmp_path / "made.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("bob/backprop.py", "x = 1\n")
        link = zipfile.ZipInfo("bob/perceptron.py")
        link.create_system = 3
        link.external_attr = (kind | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    bob = bob_with(tmp_path, path.read_bytes())
    assert_problem(bob, f"'bob.zip' was refused: its member 'bob/perceptron.py' {reason}")


@pytest.mark.parametrize(
    "members", [{}, {"bob/": ""}, {"__MACOSX/._x": "\0", ".DS_Store": "\0"}], ids=["empty", "folder only", "junk only"]
)
def test_a_zip_without_files_is_a_problem(tmp_path, members):
    bob = bob_with(tmp_path, zip_bytes(tmp_path, members))
    assert_problem(bob, "'bob.zip' holds no files")


def test_a_zip_without_modules_says_what_it_holds(tmp_path):
    bob = bob_with(tmp_path, zip_bytes(tmp_path, {"bob/report.pdf": b"%PDF"}))
    assert_problem(bob, "'bob.zip' has no .py files or notebooks to grade (it holds only 'report.pdf')")


def test_a_member_over_the_file_cap_is_a_problem(tmp_path):
    text = os.urandom(MAX_SOURCE_BYTES // 2 + 1).hex().encode()
    bob = bob_with(tmp_path, zip_bytes(tmp_path, {"perceptron.py": text}))
    assert_problem(bob, "'bob.zip' has a member 'perceptron.py' larger than the 2.0 MB nngrade reads from one file")


def test_a_compression_other_than_deflate_is_refused(tmp_path):
    data = zip_bytes(tmp_path, {"perceptron.py": PERCEPTRON}, compression=zipfile.ZIP_BZIP2)
    bob = bob_with(tmp_path, data)
    assert_problem(bob, "'bob.zip' packs 'perceptron.py' with a compression nngrade does not read", "deflate")


def test_a_member_named_twice_is_refused(tmp_path):
    path = tmp_path / "twice.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate it is told to write
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("perceptron.py", PERCEPTRON)
            archive.writestr("perceptron.py", "import os\n")
    bob = bob_with(tmp_path, path.read_bytes())
    assert_problem(bob, "'bob.zip' holds 'perceptron.py' twice")


def test_files_below_the_top_are_ignored_with_a_note_and_notebooks_are_read(tmp_path):
    members = {
        "hw1/utils/helper.py": "x = 1\n",
        "hw1/data.csv": "1,2\n",
        "hw1/hw1.ipynb": notebook_bytes(code_cell("%matplotlib inline\ndef predict(w, X):\n    return 1\n")),
    }
    bob = bob_with(tmp_path, zip_bytes(tmp_path, members))
    assert bob.problem == "" and set(bob.sources) == {"perceptron", "backprop"}
    compile(bob.sources["perceptron"], "hw1.ipynb", "exec")
    ignored = "ignored in 'bob.zip' (only .py modules, notebooks and .pt weights at its top are read): 'utils/', 'data.csv'"
    assert ignored in bob.notes
    assert "'bob.zip/hw1/hw1.ipynb': IPython magics replaced by 'pass': %matplotlib" in bob.notes


@pytest.mark.parametrize("name", ["perceptron.py", "bob/perceptron.py", "./bob/x.ipynb", "a b/c-d.py", "bob/"])
def test_ordinary_member_paths_are_safe(name):
    assert unsafe_member_reason(name) == ""
