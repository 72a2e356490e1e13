"""What a student's entry holds once read, whatever its container, and its hash.

A folder and a zip both become a :class:`FileSet`: the ``.py`` files and
notebooks at the top of the submission (after stripping a single top folder),
the names of everything else there (for a note), the digests that make up
``files_hash``, and the first problem met. The rules that say which names are
taken, skipped silently or ignored with a note live here, so a folder and a
zip of the same files give the same result and the same hash.
"""

from __future__ import annotations

import hashlib
import json
import keyword
from dataclasses import dataclass, field
from typing import Iterable

from grader.submissions.limits import WEIGHTS_SUFFIXES

JUNK_NAMES = frozenset({"__MACOSX", "__pycache__", "Thumbs.db", "desktop.ini"})
"""names skipped without a note, beside every hidden name (``.DS_Store``, ``.git``,
``.ipynb_checkpoints``): operating systems and tools make them, students do not"""


def is_junk(name: str) -> bool:
    """True for a file or folder name that no student means to submit."""
    return name.startswith(".") or name in JUNK_NAMES


def module_name_of(file_name: str) -> str | None:
    """The module a ``.py`` file name defines, or ``None`` when it is not an importable module."""
    stem, dot, suffix = file_name.rpartition(".")
    if not dot or suffix.lower() != "py":
        return None
    if not stem.isidentifier() or keyword.iskeyword(stem):
        return None
    return stem


def is_notebook_name(file_name: str) -> bool:
    return file_name.lower().endswith(".ipynb") and len(file_name) > len(".ipynb")


def is_python_name(file_name: str) -> bool:
    return file_name.lower().endswith(".py")


def is_weights_name(file_name: str) -> bool:
    """A trained model's weights (``torch.save`` of a ``state_dict``), handed in beside the code."""
    return file_name.lower().endswith(WEIGHTS_SUFFIXES) and not file_name.startswith(".")


def is_taken(file_name: str) -> bool:
    """True for a file at the top of a submission that nngrade reads: a module, a notebook or a weights file."""
    return module_name_of(file_name) is not None or is_notebook_name(file_name) or is_weights_name(file_name)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_hash(digests: Iterable[tuple[str, str]]) -> str:
    """SHA-256 (hex) over ``(name, sha256 of the bytes)`` pairs, in sorted order.

    Hashing each file first keeps the result the same whether the bytes were
    read whole or streamed, and JSON keeps names with any character apart.
    """
    listing = json.dumps(sorted(digests), ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(listing.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class StudentFile:
    """A module or notebook read from a submission."""

    name: str
    """its name at the top of the submission (``perceptron.py``)"""
    data: bytes
    shown: str
    """how messages name it: its path relative to SUBMISSIONS (``alice/perceptron.py``,
    ``bob.zip/bob/perceptron.py``)"""


@dataclass(frozen=True)
class FileSet:
    """What one entry holds, ready to become module sources."""

    files: tuple[StudentFile, ...] = ()
    """the ``.py`` files with importable names and the notebooks, in name order"""
    ignored: tuple[str, ...] = ()
    """other names at the top of the submission (folders end with ``/``)"""
    digests: tuple[tuple[str, str], ...] = ()
    """``(name, sha256)`` of every file the hash covers"""
    latest_mtime: float | None = None
    """the newest modification time (seconds since the epoch) of the files read"""
    problem: str = ""
    """why the entry cannot be graded; empty when it can"""
    notes: tuple[str, ...] = field(default=())

    @property
    def files_hash(self) -> str:
        return files_hash(self.digests)


def single_top_folder(paths: list[list[str]]) -> int:
    """How many leading folders every path shares when a submission sits in one folder.

    ``[["alice", "perceptron.py"], ["alice", "backprop.py"]]`` gives 1, so the files
    are read as ``perceptron.py`` and ``backprop.py``; nested single folders
    (``alice/hw1/...``) are all stripped. A submission with files at its top gives 0.
    """
    depth = 0
    while paths and all(len(parts) > depth + 1 for parts in paths):
        first = paths[0][depth]
        if any(parts[depth] != first for parts in paths):
            break
        depth += 1
    return depth


def listed(names: Iterable[str], *, limit: int = 8) -> str:
    """``'a', 'b' and 3 more``: a short, quoted list for a message."""
    names = list(names)
    shown = ", ".join(f"'{name}'" for name in names[:limit])
    if len(names) > limit:
        shown += f" and {len(names) - limit} more"
    return shown


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
