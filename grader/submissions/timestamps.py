"""When each student submitted: nbgrader's ``timestamp.txt``, a timestamps CSV, or file times.

The sources rank in that order. nbgrader writes ``timestamp.txt`` with the
format ``%Y-%m-%d %H:%M:%S.%f %Z`` in its configured zone (UTC unless changed),
older versions without the fraction, so the zone arrives as a name:
``2024-03-14 16:05:00.123456 UTC``. That format and ISO 8601 are both read;
a time without a zone is read in the course's zone (the course file's
``timezone``, UTC when it names none), the zone in which the instructor and
the LMS write times. Every time comes back timezone-aware in UTC.

Zone abbreviations are ambiguous in general; :data:`ZONE_ABBREVIATIONS` holds
the common ones nbgrader writes for North American, European and Pacific
zones, read the usual way (``CST`` is US Central). Anything else can be an
offset (``+01:00``) or an IANA name (``Europe/Berlin``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from grader.submissions.csv_tables import read_csv_table
from grader.submissions.disk_files import read_capped
from grader.submissions.limits import MAX_TIMESTAMP_BYTES
from grader.submissions.submission import EntryProblem, SubmissionsError

NBGRADER_TIMESTAMP_FILE = "timestamp.txt"

ZONE_ABBREVIATIONS: dict[str, float] = {
    "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0,
    "WEST": 1, "BST": 1, "CET": 1, "MET": 1, "CEST": 2, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "JST": 9, "KST": 9, "AWST": 8, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}  # fmt: skip
"""hours east of UTC of the zone abbreviations read in a timestamp"""

_DATE_TIME_AND_ZONE = re.compile(r"(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(\S.*)")
_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?", re.IGNORECASE)
_FORMATS = "ISO 8601 (2024-03-14T17:05:00+01:00) or nbgrader's format (2024-03-14 16:05:00.123456 UTC)"


def _zone(name: str) -> tzinfo:
    if name.upper() in ZONE_ABBREVIATIONS:
        return timezone(timedelta(hours=ZONE_ABBREVIATIONS[name.upper()]))
    if offset := _OFFSET.fullmatch(name):
        sign = 1 if offset.group(1) == "+" else -1
        return timezone(sign * timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0)))
    if "/" in name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise ValueError(f"its time zone '{name}' is not one nngrade knows: write an offset such as +01:00")


def parse_timestamp(text: str, zone: tzinfo = timezone.utc) -> datetime:
    """The moment ``text`` names, timezone-aware in UTC; a time without a zone is read in ``zone``.

    ``zone`` is the course's zone: a ``ZoneInfo`` gives a wall-clock time the
    offset in force on that day (summer or winter time).

    Raises ValueError saying what is wrong with ``text``.
    """
    text = text.strip()
    if not text:
        raise ValueError("it is empty")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        parts = _DATE_TIME_AND_ZONE.fullmatch(text)
        if parts is None:
            raise ValueError(f"'{text}' is not {_FORMATS}") from None
        try:
            moment = datetime.fromisoformat(parts.group(1).replace(",", "."))
        except ValueError:
            raise ValueError(f"'{text}' is not a real date and time") from None
        moment = moment.replace(tzinfo=_zone(parts.group(2).strip()))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)


def file_time(mtime: float) -> datetime:
    """A file's modification time (seconds since the epoch) as a UTC datetime."""
    return datetime.fromtimestamp(mtime, tz=timezone.utc)


@dataclass(frozen=True)
class NbgraderTimestamp:
    """What an nbgrader submission's ``timestamp.txt`` says: a time, or a note on why not."""

    moment: datetime | None
    note: str = ""


def read_nbgrader_timestamp(folder: Path, *, shown: str, zone: tzinfo = timezone.utc) -> NbgraderTimestamp:
    """The time in ``folder/timestamp.txt`` (without a zone: in ``zone``); ``moment`` is ``None`` (with a note)
    when absent or unreadable."""
    where = f"{shown}/{NBGRADER_TIMESTAMP_FILE}"
    path = folder / NBGRADER_TIMESTAMP_FILE
    if not path.exists() and not path.is_symlink():
        return NbgraderTimestamp(
            None, f"'{shown}' has no {NBGRADER_TIMESTAMP_FILE}: the submission time is taken from elsewhere"
        )
    try:
        read = read_capped(path, limit=MAX_TIMESTAMP_BYTES, shown=where)
        if read.data is None:
            raise ValueError(f"it is larger than {MAX_TIMESTAMP_BYTES} bytes")
        return NbgraderTimestamp(parse_timestamp(read.data.decode("utf-8-sig"), zone))
    except EntryProblem as problem:
        reason = problem.message
    except UnicodeDecodeError:
        reason = f"'{where}' is not UTF-8 text"
    except ValueError as error:
        reason = f"'{where}' cannot be read as a time: {error}"
    return NbgraderTimestamp(None, f"{reason}; the submission time is taken from elsewhere")


@dataclass(frozen=True)
class TimestampTable:
    """The times in a timestamps CSV, by student id."""

    path: Path
    times: dict[str, datetime] = field(default_factory=dict)
    """each student's latest time"""
    counts: dict[str, int] = field(default_factory=dict)
    """how many rows each student has (an LMS export lists every attempt)"""

    def note_for(self, student_id: str) -> str:
        """A note when the CSV lists the student more than once, else ``""``."""
        count = self.counts.get(student_id, 0)
        if count <= 1:
            return ""
        return f"the timestamps CSV '{self.path.name}' lists {student_id} {count} times: the latest is used"


def read_timestamps_csv(path: Path, zone: tzinfo = timezone.utc) -> TimestampTable:
    """Each student's submission time from the CSV at ``path`` (columns ``student`` and ``timestamp``).

    A time written without a zone is read in ``zone``, the course's.

    Raises :class:`SubmissionsError` naming the file, and the line and value when
    a time cannot be read: a wrong time silently changes late penalties.
    """
    rows = read_csv_table(
        path,
        what="timestamps CSV",
        required={
            "student": ("student", "student_id", "id"),
            "timestamp": ("timestamp", "submitted_at", "submitted", "time"),
        },
    )
    table = TimestampTable(path)
    for row in rows:
        student, text = row.cells["student"], row.cells["timestamp"]
        if not student:
            raise SubmissionsError(
                f"the timestamps CSV '{path}' has a time but no student on line {row.line}: add the student id"
            )
        try:
            moment = parse_timestamp(text, zone)
        except ValueError as error:
            raise SubmissionsError(
                f"the timestamps CSV '{path}' has a time nngrade cannot read on line {row.line} "
                f"({student}): {error}; write it as {_FORMATS}"
            ) from None
        table.counts[student] = table.counts.get(student, 0) + 1
        if student not in table.times or moment > table.times[student]:
            table.times[student] = moment
    return table
