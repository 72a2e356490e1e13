"""How report files are written, and how numbers and text appear in them.

Every report file is written with :func:`write_atomically`: a crash leaves
either the old file or the new one, never half of one. The file name of a
student's report comes from :func:`grader.student_ids.student_file_name`.
"""

from __future__ import annotations

import math
import os
import secrets
import unicodedata
from pathlib import Path

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
