"""Reading a student's zip safely, in memory, into a :class:`FileSet`.

Nothing is extracted to disk. Before a byte is unpacked the whole zip is
checked, and refused with a message naming the member, when a member's path
could escape its folder (``../``, an absolute path, a drive letter, a
backslash), when a member is a link or a device, when one is encrypted or
packed with anything but deflate (or stored), or when the zip looks like a
bomb (too many members, too large unpacked, too high a compression ratio).
Unpacking then runs on a byte budget, because a forged header can understate
what a member unpacks to, and any damage found while reading (a bad CRC,
truncated data) refuses the zip as damaged.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path

from grader.submissions.disk_files import hash_open_file, open_regular_file
from grader.submissions.file_set import (
    FileSet,
    StudentFile,
    is_junk,
    is_notebook_name,
    is_taken,
    megabytes,
    sha256_hex,
    single_top_folder,
)
from grader.submissions.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_NOTEBOOK_BYTES,
    MAX_SOURCE_BYTES,
    MAX_SUBMISSION_BYTES,
    MAX_ZIP_MEMBERS,
    RATIO_CHECKED_ABOVE_BYTES,
)
from grader.submissions.submission import EntryProblem

_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error, RuntimeError)
"""what :mod:`zipfile` raises on a damaged, truncated or unsupported zip"""

_DRIVE = re.compile(r"^[A-Za-z]:")
_ENCRYPTED_FLAG = 0x1
_AES_METHOD = 99
"""the compression method WinZip's AES encryption puts in the header"""
_READABLE_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)

_REMAKE = "make the zip again from the folder that holds the .py files (or submit the folder itself)"


def unsafe_member_reason(name: str) -> str:
    """Why a member's path could land outside the zip's folder, or ``""`` when it cannot."""
    if "\\" in name:
        return "has a backslash in its path (a Windows path)"
    if name.startswith("/"):
        return "has an absolute path"
    if _DRIVE.match(name):
        return "starts with a drive letter"
    if ".." in name.split("/"):
        return "climbs out of the zip's folder with '..'"
    if any(ord(character) < 32 for character in name):
        return "has control characters in its path"
    return ""


def _member_type_reason(info: zipfile.ZipInfo) -> str:
    # The upper 16 bits of external_attr hold a Unix st_mode when the zip was
    # made on Unix; other systems leave them zero.
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        return "is a symbolic link"
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        return "is a special file (a device or a pipe)"
    return ""


def _check_members(members: list[zipfile.ZipInfo], *, shown: str) -> None:
    """Raise :class:`EntryProblem` when the zip must be refused before anything is unpacked."""
    if len(members) > MAX_ZIP_MEMBERS:
        raise EntryProblem(
            f"'{shown}' holds {len(members)} files and folders, more than the {MAX_ZIP_MEMBERS} nngrade "
            f"accepts in a zip: {_REMAKE}, with only the exercise modules"
        )
    declared = 0
    seen: set[str] = set()
    for info in members:
        name = info.filename
        reason = unsafe_member_reason(name) or _member_type_reason(info)
        if reason:
            raise EntryProblem(f"'{shown}' was refused: its member '{name}' {reason}; {_REMAKE}")
        if info.flag_bits & _ENCRYPTED_FLAG or info.compress_type == _AES_METHOD:
            raise EntryProblem(
                f"'{shown}' has an encrypted member '{name}': make the zip again without a password"
            )
        if info.compress_type not in _READABLE_COMPRESSIONS:
            # bzip2 and LZMA unpack without an output cap per call: a forged
            # header could make one read unpack gigabytes.
            raise EntryProblem(
                f"'{shown}' packs '{name}' with a compression nngrade does not read (method "
                f"{info.compress_type}): make the zip again with ordinary (deflate) compression"
            )
        if name in seen:
            raise EntryProblem(f"'{shown}' holds '{name}' twice: {_REMAKE}")
        seen.add(name)
        declared += info.file_size
        if info.file_size > RATIO_CHECKED_ABOVE_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise EntryProblem(
                f"'{shown}' was refused as a zip bomb: its member '{name}' unpacks {megabytes(info.file_size)} "
                f"from {info.compress_size} bytes; {_REMAKE}"
            )
    if declared > MAX_SUBMISSION_BYTES:
        raise EntryProblem(
            f"'{shown}' unpacks to {megabytes(declared)}, more than the {megabytes(MAX_SUBMISSION_BYTES)} "
            f"nngrade accepts: {_REMAKE}, without data or outputs"
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, budget: int, shown: str) -> bytes:
    """The member's bytes, unpacked with at most ``budget`` bytes kept in memory.

    :mod:`zipfile` stops a member at the size its header declares and then
    checks the CRC, so a header that understates the size ends in a CRC
    error, and deflate unpacks no more than is asked for: the budget holds
    even when the headers lie.
    """
    cap = MAX_NOTEBOOK_BYTES if is_notebook_name(info.filename) else MAX_SOURCE_BYTES
    limit = min(cap, budget)
    with archive.open(info) as member:
        data = member.read(limit + 1)
    if len(data) <= limit:
        return data
    if limit == cap:
        raise EntryProblem(
            f"'{shown}' has a member '{info.filename}' larger than the {megabytes(cap)} nngrade reads "
            f"from one file: remove data or outputs kept in it"
        )
    raise EntryProblem(
        f"'{shown}' unpacks to more than the {megabytes(MAX_SUBMISSION_BYTES)} nngrade accepts: "
        f"{_REMAKE}, without data or outputs"
    )


def _read_archive(archive: zipfile.ZipFile, *, shown: str) -> FileSet:
    members = archive.infolist()
    _check_members(members, shown=shown)

    # Folders are implied by their files; junk anywhere on a path drops the file.
    files = []
    for info in members:
        if info.is_dir():
            continue
        parts = [part for part in info.filename.split("/") if part not in ("", ".")]
        if parts and not any(is_junk(part) for part in parts):
            files.append((parts, info))
    if not files:
        raise EntryProblem(
            f"'{shown}' holds no files (only folders or system files): {_REMAKE}"
        )
    depth = single_top_folder([parts for parts, _ in files])

    ignored: dict[str, None] = {}
    taken: list[tuple[str, zipfile.ZipInfo]] = []
    for parts, info in files:
        inside = parts[depth:]
        if len(inside) > 1:
            ignored[inside[0] + "/"] = None
        elif is_taken(inside[0]):
            taken.append((inside[0], info))
        else:
            ignored[inside[0]] = None

    read: list[StudentFile] = []
    budget = MAX_SUBMISSION_BYTES
    for name, info in sorted(taken, key=lambda item: item[0]):
        data = _read_member(archive, info, budget=budget, shown=shown)
        budget -= len(data)
        read.append(StudentFile(name, data, f"{shown}/{info.filename}"))
    return FileSet(
        files=tuple(read),
        ignored=tuple(ignored),
        digests=tuple((file.name, sha256_hex(file.data)) for file in read),
    )


def read_zip_file(path: Path, *, shown: str) -> FileSet:
    """The modules and notebooks at the top of the zip at ``path`` (after one top folder).

    ``shown`` names the zip in messages. Never raises for the student's zip: a
    refused or damaged zip gives a :class:`FileSet` with ``problem`` set, hashed
    over the zip's raw bytes.
    """
    try:
        descriptor = open_regular_file(path, shown=shown)
    except EntryProblem as problem:
        return FileSet(problem=problem.message)
    with os.fdopen(descriptor, "rb") as handle:
        mtime = os.fstat(handle.fileno()).st_mtime
        try:
            with zipfile.ZipFile(handle) as archive:
                found = _read_archive(archive, shown=shown)
            return FileSet(
                files=found.files, ignored=found.ignored, digests=found.digests, latest_mtime=mtime
            )
        except EntryProblem as problem:
            message = problem.message
        except zipfile.BadZipFile as error:
            if str(error) == "File is not a zip file":
                message = (
                    f"'{shown}' is not a zip file, or is cut short (its end is missing): "
                    f"make the zip again and resubmit it"
                )
            else:
                message = f"'{shown}' is damaged ({error}): make the zip again and resubmit it"
        except NotImplementedError as error:
            message = (
                f"'{shown}' uses a compression nngrade cannot read ({error}): "
                f"make the zip again with ordinary (deflate) compression"
            )
        except _DAMAGE as error:
            message = f"'{shown}' is damaged ({type(error).__name__}: {error}): make the zip again and resubmit it"
        raw_digest = hash_open_file(handle)
    return FileSet(digests=((Path(shown).name, raw_digest),), latest_mtime=mtime, problem=message)
