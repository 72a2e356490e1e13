"""Student ids: which are accepted, what an unsafe one becomes, and the file name of each.

Student ids come from the names of entries and roster rows and end up in file
names (feedback pages, Gradescope results), so two rules meet here:

- an *accepted* id is one file name on every system and holds no ``%``
  (:func:`unsafe_student_id_reason`); any other id is replaced by a readable
  stand-in (:func:`escaped_student_id`);
- a *file name* of an id keeps only ``[A-Za-z0-9._@+-]``
  (:func:`student_file_name`), and maps back (:func:`student_id_from_file_name`).

Both write a character they do not keep with the one escape of this module
(:func:`_percent_escaped`): ``%XX`` per byte of its UTF-8 encoding, and since
``%`` is itself always escaped, a name that holds ``%`` only as an escape is
never an accepted id and distinct ids never share a name. The escape is
checked against its inverse (:func:`_percent_unescaped`) each time, so no two
ids can be written under one name, and :func:`student_id_from_file_name`
refuses any name but the one :func:`student_file_name` gives, so no id has two.

This module sits at the bottom floor: it imports only the standard library and
:mod:`grader.errors`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Callable

from grader.errors import NngradeError

MAX_STUDENT_ID_CHARS = 120
"""longest accepted id: its file name, escaped and with a suffix, must fit the 255 bytes file systems allow"""

MAX_FILE_NAME_CHARS = 200
"""longest :func:`student_file_name` (ASCII, so also bytes): room is left for suffixes such as ``.html``"""

_FILE_NAME_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@+-")
"""the characters a file name of an id keeps; every other one is escaped"""

_FORBIDDEN_IN_FILE_NAMES = frozenset('/\\:*?"<>|')
"""separators and characters that Windows refuses in a file name"""

_FORBIDDEN_IN_IDS = _FORBIDDEN_IN_FILE_NAMES | {"%"}
"""an accepted id never holds ``%``, which is kept for escapes"""

_SHORTENED = "~"
"""marks a file name shortened with a hash; escaping never produces it (``~`` is ``%7E``)"""

_ESCAPE = re.compile(r"(?:%[0-9A-F]{2})+|%u[0-9A-F]{4}")
"""a run of escaped bytes, or one escaped lone surrogate (see :func:`_escaped_pieces`)"""


class UnusableStudentId(NngradeError):
    """A student id cannot name a report file (it is empty).

    Student ids come from the names of the submission folders or files; rename
    the submission so that its name is the student's id, and grade again.
    """


# -- which ids are accepted -----------------------------------------------------------------------


def unsafe_student_id_reason(student_id: str) -> str:
    """Why ``student_id`` cannot be a file name, or ``""`` when it can."""
    reason = _unsafe_name_reason(student_id, forbidden=_FORBIDDEN_IN_IDS)
    if not reason and len(student_id) > MAX_STUDENT_ID_CHARS:
        reason = f"is longer than {MAX_STUDENT_ID_CHARS} characters"
    return reason


def escaped_student_id(student_id: str) -> str:
    """``student_id`` itself when safe, else a safe, readable, collision-free stand-in.

    Every unsafe character (and a leading dot or space, or a trailing space)
    is escaped as :func:`_percent_escaped` does; an empty id becomes ``%``.
    The result always holds ``%`` when the input was unsafe, so it never
    equals a safe id. An id whose escape is longer than
    :data:`MAX_STUDENT_ID_CHARS` keeps its start, cut between characters, and
    ends in a lone ``%``: such ids are told apart only by their first
    characters.
    """
    if not unsafe_student_id_reason(student_id):
        return student_id
    if not student_id:
        return "%"
    last = len(student_id) - 1

    def keep(position: int, character: str) -> bool:
        at_edge_space = character.isspace() and position in (0, last)
        leading_dot = character == "." and position == 0
        return not (_unsafe_character(character) or at_edge_space or leading_dot)

    pieces = _escaped_pieces(student_id, keep=keep)
    escaped = "".join(pieces)
    if len(escaped) > MAX_STUDENT_ID_CHARS or "%" not in escaped:
        # Too long: keep the start and mark the cut with a lone escape character.
        escaped = _leading_pieces(pieces, MAX_STUDENT_ID_CHARS - 1) + "%"
    return escaped


# -- the file name of an id -----------------------------------------------------------------------


def student_file_name(student_id: str) -> str:
    """A file name for ``student_id`` (without suffix) that never leaves its folder.

    Characters outside ``[A-Za-z0-9._@+-]`` are escaped as
    :func:`_percent_escaped` does, as is ``%`` itself, so the mapping is
    reversible and distinct ids get distinct names. A leading dot is escaped
    too, so ``.`` and ``..`` cannot name a folder and no report becomes a
    hidden file. Ids whose escaped form would be longer than
    :data:`MAX_FILE_NAME_CHARS` keep a prefix and gain ``~`` and a hash of the
    whole id (still distinct, no longer reversible). Raises
    :class:`UnusableStudentId` for an empty id.
    """
    if not student_id:
        raise UnusableStudentId("a student id is empty, so it cannot name a report file")

    def keep(position: int, character: str) -> bool:
        return character in _FILE_NAME_CHARACTERS and not (position == 0 and character == ".")

    pieces = _escaped_pieces(student_id, keep=keep)
    name = "".join(pieces)
    if len(name) > MAX_FILE_NAME_CHARS:
        digest = hashlib.sha256(student_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        # The prefix ends between two characters' escapes, so it never holds half of one.
        prefix = _leading_pieces(pieces, MAX_FILE_NAME_CHARS - len(_SHORTENED) - len(digest))
        name = f"{prefix}{_SHORTENED}{digest}"
    return name


def student_id_from_file_name(name: str) -> str:
    """The student id that :func:`student_file_name` turned into ``name``.

    Raises ``ValueError`` for a shortened name (one with ``~``), whose id
    cannot be recovered, and for a name :func:`student_file_name` never gives
    (``x%41`` for ``xA``, a lowercase or cut escape): each id has one name.
    """
    if _SHORTENED in name:
        raise ValueError(f"{name!r} is a shortened file name; its student id cannot be recovered from it")
    student_id = _percent_unescaped(name)
    if not student_id or student_file_name(student_id) != name:
        raise ValueError(
            f"{name!r} is not a file name that student_file_name gives: its id would be {student_id!r}, "
            f"whose file name is {student_file_name(student_id) if student_id else 'none'!r}"
        )
    return student_id


# -- the one escape -------------------------------------------------------------------------------


def _percent_escaped(text: str, *, keep: Callable[[int, str], bool]) -> str:
    """``text`` with every character that ``keep(position, character)`` refuses written as escapes.

    A character becomes ``%XX`` (uppercase hex) per byte of its UTF-8
    encoding; a lone surrogate that stands for an undecodable byte of a file
    name (U+DC80 to U+DCFF) becomes that byte. Only when those bytes would
    read back as other characters (``\\udcc3\\udca9`` is the encoding of
    ``é``) is every lone surrogate written ``%uXXXX`` instead, so that
    :func:`_percent_unescaped` always gives ``text`` back.
    """
    return "".join(_escaped_pieces(text, keep=keep))


def _escaped_pieces(text: str, *, keep: Callable[[int, str], bool]) -> list[str]:
    """:func:`_percent_escaped` one piece per character of ``text``, so that it can be cut between characters."""
    pieces = [character if keep(position, character) else _escape(character) for position, character in enumerate(text)]
    if _percent_unescaped("".join(pieces)) != text:
        pieces = [
            character if keep(position, character) else _escape(character, surrogates_as_bytes=False)
            for position, character in enumerate(text)
        ]
    return pieces


def _escape(character: str, *, surrogates_as_bytes: bool = True) -> str:
    code = ord(character)
    if surrogates_as_bytes and 0xDC80 <= code <= 0xDCFF:
        # os.fsdecode turns an undecodable byte of a file name into this surrogate.
        return f"%{code - 0xDC00:02X}"
    if 0xD800 <= code <= 0xDFFF:
        # A lone surrogate has no UTF-8 encoding; no escaped byte sequence could stand for it.
        return f"%u{code:04X}"
    return "".join(f"%{byte:02X}" for byte in character.encode("utf-8"))


def _percent_unescaped(text: str) -> str:
    """The inverse of :func:`_percent_escaped`; anything that is not an escape is left as it is."""

    def unescaped(match: re.Match[str]) -> str:
        escape = match.group()
        if escape.startswith("%u"):
            return chr(int(escape[2:], 16))
        return bytes.fromhex(escape.replace("%", "")).decode("utf-8", "surrogateescape")

    return _ESCAPE.sub(unescaped, text)


def _leading_pieces(pieces: list[str], limit: int) -> str:
    """As many whole pieces from the start of ``pieces`` as fit in ``limit`` characters."""
    taken, length = [], 0
    for piece in pieces:
        if length + len(piece) > limit:
            break
        taken.append(piece)
        length += len(piece)
    return "".join(taken)


# -- what a name may hold -------------------------------------------------------------------------


def _unsafe_character(character: str) -> bool:
    # Unicode category C* covers control, format (bidi overrides), surrogate
    # (undecodable bytes in a file name) and unassigned characters.
    return character in _FORBIDDEN_IN_IDS or unicodedata.category(character).startswith("C")


def _unsafe_name_reason(name: str, *, forbidden: frozenset[str]) -> str:
    """Why ``name`` is not one file name on every system (length aside), or ``""``."""
    if not name:
        return "is empty"
    if name in {".", ".."} or name.startswith("."):
        return "starts with '.' (a hidden or parent folder name)"
    if name != name.strip():
        return "starts or ends with a space"
    bad = sorted(
        {character for character in name if character in forbidden or unicodedata.category(character).startswith("C")}
    )
    if bad:
        shown = ", ".join(repr(character) for character in bad)
        return f"holds characters a file name cannot have ({shown})"
    return ""
