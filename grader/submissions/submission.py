"""The records and errors of submission loading.

- :class:`Submission` — one student's submission as plain data: where it came
  from, the module sources, a hash of its files, when it was submitted, and
  why it cannot be graded, if it cannot.
- :class:`SubmissionsError` — the whole input is unusable (the SUBMISSIONS
  folder, the roster, the timestamps CSV). One student's broken entry is never
  an exception: it is that student's ``problem``.
- :class:`EntryProblem` — raised inside the package while reading one entry,
  and turned into that student's ``problem``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

from grader.errors import NngradeError

FORMS = ("folder", "zip", "notebook", "nbgrader", "missing", "other")
"""what a submission can be; ``other`` is an entry nngrade cannot read (an unknown
file type, a link, several entries for one student) and always has a ``problem``"""

TIMESTAMP_SOURCES = ("nbgrader", "timestamps csv", "file time", "")


@dataclass(frozen=True)
class Submission:
    """One student's submission, read from the SUBMISSIONS folder without running any of it."""

    student_id: str
    """the student's id: the entry's name, or the roster's; always usable as a file name
    (an id that is not is percent-escaped, and the submission gets a ``problem``)"""
    form: str
    """one of :data:`FORMS`"""
    entry: str
    """the entry's path relative to SUBMISSIONS (``alice``, ``bob.zip``,
    ``submitted/carol/ps1``); several are joined by ``", "``; empty when missing"""
    sources: Mapping[str, bytes]
    """module name -> source (valid UTF-8, no BOM); empty when ``problem`` is set"""
    files_hash: str
    """SHA-256 (hex) over the files the grader reads: their names in the submission
    and their bytes, sorted; for an entry that cannot be read, over its raw file;
    empty when missing"""
    submitted_at: datetime | None
    """when the work was submitted, timezone-aware in UTC; ``None`` when unknown"""
    timestamp_source: str
    """where ``submitted_at`` came from: one of :data:`TIMESTAMP_SOURCES`"""
    problem: str = ""
    """why the submission cannot be graded, naming the file, the problem and the fix;
    empty when it can"""
    notes: tuple[str, ...] = field(default=())
    """what the instructor should know that does not stop grading (IPython syntax
    removed, files ignored, a module not found)"""


class SubmissionsError(NngradeError):
    """The submissions as a whole cannot be read.

    Likely causes: SUBMISSIONS does not exist or is not a folder; the roster or
    the timestamps CSV cannot be read, is not UTF-8, or lacks the column it
    needs; an nbgrader ``submitted`` folder is a link. The message names the
    file and says what to change.
    """


class EntryProblem(NngradeError):
    """One student's entry cannot be read; the message becomes that student's ``problem``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
