"""Which student ids are safe to use as file names, and what an unsafe one becomes.

Student ids name output files (feedback, Gradescope results), so an id taken
from an entry's or a roster's name must be one file name on every system: no
path separators, no control characters, not empty, not hidden. An id that is
not safe is percent-escaped, like a URL, into one that is: since a safe id
never holds ``%``, the escaped id cannot collide with a real one.
"""

from __future__ import annotations

import unicodedata

MAX_STUDENT_ID_CHARS = 120
"""longest id: file names are capped at 255 bytes, and an output name adds a suffix"""

_FORBIDDEN = frozenset('/\\:*?"<>|%')
"""separators and characters that Windows refuses in a file name; ``%`` is kept for escaping"""


def _unsafe_character(character: str) -> bool:
    # Unicode category C* covers control, format (bidi overrides), surrogate
    # (undecodable bytes in a file name) and unassigned characters.
    return character in _FORBIDDEN or unicodedata.category(character).startswith("C")


def unsafe_student_id_reason(student_id: str) -> str:
    """Why ``student_id`` cannot be a file name, or ``""`` when it can."""
    if not student_id:
        return "is empty"
    if student_id in {".", ".."} or student_id.startswith("."):
        return "starts with '.' (a hidden or parent folder name)"
    if student_id != student_id.strip():
        return "starts or ends with a space"
    bad = sorted({character for character in student_id if _unsafe_character(character)})
    if bad:
        shown = ", ".join(repr(character) for character in bad)
        return f"holds characters a file name cannot have ({shown})"
    if len(student_id) > MAX_STUDENT_ID_CHARS:
        return f"is longer than {MAX_STUDENT_ID_CHARS} characters"
    return ""


def escaped_student_id(student_id: str) -> str:
    """``student_id`` itself when safe, else a safe, readable, collision-free stand-in.

    Every unsafe character (and a leading dot or space) becomes ``%XX`` per byte of
    its UTF-8 encoding; an empty id becomes ``%``. The result always holds ``%``
    when the input was unsafe, so it never equals a safe id.
    """
    if not unsafe_student_id_reason(student_id):
        return student_id
    if not student_id:
        return "%"
    pieces = []
    last = len(student_id) - 1
    for position, character in enumerate(student_id):
        at_edge_space = character.isspace() and position in (0, last)
        leading_dot = character == "." and position == 0
        if _unsafe_character(character) or at_edge_space or leading_dot:
            raw = _utf8_bytes(character)
            pieces.append("".join(f"%{byte:02X}" for byte in raw))
        else:
            pieces.append(character)
    escaped = "".join(pieces)
    if len(escaped) > MAX_STUDENT_ID_CHARS or "%" not in escaped:
        # Too long: keep the start and mark the cut with the escape character.
        escaped = escaped[: MAX_STUDENT_ID_CHARS - 1] + "%"
    return escaped


def _utf8_bytes(character: str) -> bytes:
    try:
        # A lone surrogate from an undecodable file name stands for its original byte.
        return character.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return character.encode("utf-8", "surrogatepass")
