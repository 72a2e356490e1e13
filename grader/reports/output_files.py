"""How report files are named and written, and how numbers and text appear in them.

Student ids come from folder names and end up in file names, so
:func:`student_file_name` maps every id to a name that stays inside its folder
and can be mapped back (:func:`student_id_from_file_name`). Every report file
is written with :func:`write_atomically`: a crash leaves either the old file
or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from grader.errors import NngradeError

_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@+-")
# Characters that reorder the text around them when displayed; shown as escapes so a
# name or an output cannot disguise what it says.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Most file systems allow 255 bytes per name; room is left for suffixes such as ".html".
_MAX_NAME = 200


class UnusableStudentId(NngradeError):
    """A student id cannot name a report file (it is empty).

    Student ids come from the names of the submission folders or files; rename
    the submission so that its name is the student's id, and grade again.
    """


def student_file_name(student_id: str) -> str:
    """A file name for ``student_id`` (without suffix) that never leaves its folder.

    Characters outside ``[A-Za-z0-9._@+-]`` become ``%XX`` (their UTF-8 bytes),
    as does ``%`` itself, so the mapping is reversible and distinct ids get
    distinct names. A leading dot is escaped too, so ``.`` and ``..`` cannot
    name a folder and no report becomes a hidden file. Ids whose escaped form
    would be too long for a file system keep a prefix and gain ``~`` and a hash
    of the whole id (still distinct, no longer reversible).
    """
    if not student_id:
        raise UnusableStudentId("a student id is empty, so it cannot name a report file")
    escaped = []
    for index, char in enumerate(student_id):
        if char in _SAFE and not (index == 0 and char == "."):
            escaped.append(char)
        else:
            escaped.extend(f"%{byte:02X}" for byte in char.encode("utf-8", errors="surrogatepass"))
    name = "".join(escaped)
    if len(name) > _MAX_NAME:
        digest = hashlib.sha256(student_id.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]
        # "~" is never produced by escaping, so a shortened name cannot equal a reversible one.
        prefix = name[: _MAX_NAME - 17]
        if "%" in prefix[-2:]:
            # do not cut an escape in half
            prefix = prefix[: prefix.rindex("%")]
        name = f"{prefix}~{digest}"
    return name


def student_id_from_file_name(name: str) -> str:
    """The student id that :func:`student_file_name` turned into ``name``.

    Raises ``ValueError`` for a shortened name (one with ``~``), whose id cannot be recovered.
    """
    if "~" in name:
        raise ValueError(f"{name!r} is a shortened file name; its student id cannot be recovered from it")
    return unquote(name, encoding="utf-8", errors="surrogatepass")


def write_atomically(path: Path, content: str | bytes) -> Path:
    """Write ``content`` (text is written as UTF-8) to ``path`` all at once; returns ``path``.

    The content goes to a temporary file in the same folder, which is flushed
    to disk and then renamed over ``path``: readers and a later run see the old
    file or the new one, never part of one. The folder is created when missing.
    """
    data = content.encode("utf-8", errors="replace") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
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
