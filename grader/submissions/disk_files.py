"""Reading one file of a submission from disk: never through a link, never without a cap.

Every file is opened with ``O_NOFOLLOW`` (a link is refused, not followed, even
if it appeared after the folder was listed) and ``O_NONBLOCK`` (a named pipe
cannot stall the run), and checked to be a regular file before a byte is read.
A file over its cap is hashed in chunks instead of being kept in memory.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from grader.submissions.submission import EntryProblem

_CHUNK = 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class FileRead:
    """One file's bytes (when within the cap), size, digest and modification time."""

    data: bytes | None
    """the bytes; ``None`` when the file is larger than the cap"""
    size: int
    sha256: str
    mtime: float


def open_regular_file(path: Path, *, shown: str) -> int:
    """A read-only descriptor of ``path``, which must be a regular file and not a link.

    Raises :class:`EntryProblem` naming ``shown`` when it is a link, not a regular
    file, or cannot be opened.
    """
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise EntryProblem(
                f"'{shown}' is a symbolic link: links are not followed; put the file itself there"
            ) from None
        raise EntryProblem(
            f"'{shown}' cannot be read ({error.strerror}): check that the file exists and is readable"
        ) from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise EntryProblem(f"'{shown}' is not a regular file: replace it with the file itself")
    return descriptor


def read_capped(path: Path, *, limit: int, shown: str) -> FileRead:
    """Read ``path`` whole when it holds at most ``limit`` bytes; else only hash it.

    Raises :class:`EntryProblem` as :func:`open_regular_file` does, or when reading fails.
    """
    descriptor = open_regular_file(path, shown=shown)
    try:
        with os.fdopen(descriptor, "rb", closefd=True) as handle:
            mtime = os.fstat(handle.fileno()).st_mtime
            data = handle.read(limit + 1)
            if len(data) <= limit:
                return FileRead(data, len(data), hashlib.sha256(data).hexdigest(), mtime)
            # Over the cap: keep hashing so a rerun still sees whether it changed.
            digest = hashlib.sha256(data)
            size = len(data)
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
            return FileRead(None, size, digest.hexdigest(), mtime)
    except OSError as error:
        raise EntryProblem(f"'{shown}' cannot be read ({error.strerror}): check the file") from None


def hash_open_file(handle) -> str:
    """SHA-256 (hex) of an open binary file from its start, read in chunks."""
    handle.seek(0)
    digest = hashlib.sha256()
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()
