"""How report files are written, and how numbers and text appear in them.

Every report file is written with :func:`write_atomically`: a crash leaves
either the old file or the new one, never half of one, and at most a
temporary file named ``.nngrade-writing-<pid>-...`` that the next report
removes (:func:`remove_leftover_temporary_files`). The file name of a
student's report comes from :func:`grader.student_ids.student_file_name`.
Every CSV cell goes through :func:`spreadsheet_safe`.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Iterable

TEMPORARY_PREFIX = ".nngrade-writing-"
"""how the name of a file :func:`write_atomically` has not finished starts"""

_TEMPORARY_NAME = re.compile(re.escape(TEMPORARY_PREFIX) + r"(\d+)-[0-9a-f]{12}-.+")
"""``.nngrade-writing-<pid of the writer>-<12 hex digits>-<the file's name>``"""

_OLD_TEMPORARY_NAME = re.compile(r"\..+\.[0-9a-f]{12}\.tmp")
"""the temporary names of earlier versions, ``.<the file's name>.<12 hex digits>.tmp``"""

_SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""what a spreadsheet reads as the start of a formula (or, for tab and CR, skips to find one)"""

_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
"""a number as :func:`plain_number` writes it: a negative one is a number, not a formula"""

# Characters that reorder the text around them when displayed; shown as escapes so a
# name or an output cannot disguise what it says.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def write_atomically(path: Path, content: str | bytes) -> Path:
    """Write ``content`` (text is written as UTF-8) to ``path`` all at once; returns ``path``.

    The content goes to a temporary file in the same folder, which is flushed
    to disk and then renamed over ``path``: readers and a later run see the old
    file or the new one, never part of one. The folder is created when missing.
    """
    data = content.encode("utf-8", errors="replace") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{TEMPORARY_PREFIX}{os.getpid()}-{secrets.token_hex(6)}-{path.name}")
    # os.open with 0o666 lets the umask decide the permissions, as for any file the user writes.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def remove_leftover_temporary_files(folders: Iterable[Path]) -> list[Path]:
    """Remove what a killed :func:`write_atomically` left in ``folders``; returns the files removed.

    A temporary file is removed when its writer (the process id in its name)
    is no longer running, so a report being written at the same time by
    another process keeps its files. Temporary names of earlier versions are
    always removed. Nothing else in the folders is touched.
    """
    removed = []
    for folder in folders:
        try:
            names = [entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False)]
        except OSError:
            continue  # a folder that is not there holds no leftovers
        for name in names:
            ours = _TEMPORARY_NAME.fullmatch(name)
            if ours is not None and _is_running(int(ours.group(1))):
                continue
            if ours is None and not _OLD_TEMPORARY_NAME.fullmatch(name):
                continue
            path = Path(folder) / name
            try:
                path.unlink()
            except FileNotFoundError:
                continue  # removed by its writer meanwhile
            removed.append(path)
    return removed


def _is_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # another user's process
    return True


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as a CSV cell that no spreadsheet evaluates and no reader splits.

    Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return is a formula to Excel, LibreOffice and Google Sheets (a student id
    ``=HYPERLINK(...)`` would run when the instructor opens the file), so it
    gets a leading apostrophe, the usual convention: ``'=SUM(1+1)``. A number
    as :func:`plain_number` writes it (``-1.5``) stays a number. Control
    characters are shown as escapes first (:func:`printable`): the csv module
    does not quote a lone carriage return, which would end the row early.
    """
    cell = printable(cell)
    if cell.startswith(_SPREADSHEET_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def plain_number(value: float | int | None) -> str:
    """``value`` as a plain decimal with at most two decimals (``3``, ``2.5``, ``0.33``); ``""`` for ``None``.

    Never scientific notation, never ``-0``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def printable(text: str) -> str:
    """``text`` with control characters (other than newline and tab), bidirectional controls and lone
    surrogates shown as escapes.

    Student code prints what it likes; escapes keep terminal codes and NUL
    bytes out of HTML, Markdown and JSON while still showing they were there.
    """
    if text.isprintable():
        return text
    pieces = []
    for char in text.replace("\r\n", "\n"):
        if char in "\n\t":
            pieces.append(char)
        elif unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS:
            code = ord(char)
            pieces.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            pieces.append(char)
    return "".join(pieces)


def student_anchor(student_id: str) -> str:
    """The id of a student's row in the class report (``report.html#<this>``): letters, digits, ``_`` and ``-``.

    Other characters become ``_`` and their code point in hex, so distinct ids keep distinct anchors and
    the anchor needs no escaping in a URL or an attribute.
    """
    return "student-" + re.sub(r"[^A-Za-z0-9-]", lambda m: f"_{ord(m.group()):x}_", student_id)
