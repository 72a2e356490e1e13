"""``find_submissions``: from the SUBMISSIONS folder to one :class:`Submission` per student.

The steps, in order: check the folder; read the roster and the timestamps
CSV; list the entries (nbgrader's tree or one entry per student); match them
to students; read each entry (folder, zip, notebook) into module sources; and
date each submission. Only problems with the whole input raise; every
student's own problem stays on that student's row, so one broken entry never
hides or stops the rest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Sequence

from grader.submissions.disk_files import read_capped
from grader.submissions.entries import Entry, StudentEntries, entries_by_student, list_plain_entries
from grader.submissions.file_set import FileSet, StudentFile, files_hash, megabytes, sha256_hex
from grader.submissions.limits import MAX_NOTEBOOK_BYTES
from grader.submissions.nbgrader_layout import (
    NBGRADER_FILES,
    list_nbgrader_entries,
    missing_hint,
    nbgrader_submitted_folder,
)
from grader.submissions.roster import Roster, read_roster
from grader.submissions.sources import module_sources
from grader.submissions.student_folder import read_student_folder
from grader.student_ids import escaped_student_id, unsafe_student_id_reason
from grader.submissions.submission import EntryProblem, Submission, SubmissionsError
from grader.submissions.timestamps import TimestampTable, file_time, read_nbgrader_timestamp, read_timestamps_csv
from grader.submissions.zip_archive import read_zip_file


@dataclass(frozen=True)
class _LoadedEntry:
    """One entry read: its sources (or problem), notes, hash and times."""

    sources: dict[str, bytes]
    notes: tuple[str, ...]
    problem: str
    files_hash: str
    latest_mtime: float | None
    nbgrader_time: datetime | None = None


def _notebook_file_set(entry: Entry) -> FileSet:
    try:
        read = read_capped(entry.path, limit=MAX_NOTEBOOK_BYTES, shown=entry.relative)
    except EntryProblem as problem:
        return FileSet(problem=problem.message)
    digests = ((entry.path.name, read.sha256),)
    if read.data is None:
        return FileSet(
            digests=digests,
            latest_mtime=read.mtime,
            problem=(
                f"'{entry.relative}' is {megabytes(read.size)}, more than the {megabytes(MAX_NOTEBOOK_BYTES)} "
                f"nngrade reads from a notebook: clear its outputs (Kernel > Restart & Clear Output) and save it"
            ),
        )
    return FileSet(
        files=(StudentFile(entry.path.name, read.data, entry.relative),), digests=digests, latest_mtime=read.mtime
    )


def _refused_entry(entry: Entry) -> _LoadedEntry:
    """An entry of form ``other``: nothing is read from it but its digest and time."""
    try:
        status = entry.path.lstat()
    except OSError:
        return _LoadedEntry({}, (), entry.refused, "", None)
    if entry.path.is_symlink():
        try:
            digest = sha256_hex(b"link:" + os.fsencode(os.readlink(entry.path)))
        except OSError:
            digest = ""
    else:
        try:
            digest = read_capped(entry.path, limit=0, shown=entry.relative).sha256
        except EntryProblem:
            digest = ""
    return _LoadedEntry({}, (), entry.refused, files_hash([(entry.path.name, digest)]), status.st_mtime)


@dataclass(frozen=True)
class Dating:
    """How submissions are dated: the course's zone, and whether file times may stand in for a known time."""

    zone: tzinfo = timezone.utc
    """the zone of times written without one (the course file's ``timezone``)"""
    file_times: bool = True
    """date a submission by its files' modification times when nothing else dates it"""
    required: bool = False
    """a submission nothing dates is a problem row (the assignment has a late policy)"""


NO_SUBMISSION_TIME = (
    "no submission time: pass --timestamps FILE, or --file-times to use the files' modification times"
)
"""the problem of a submission that nothing dates when its lateness matters"""


def _load_entry(entry: Entry, *, root: Path, modules: Sequence[str], zone: tzinfo = timezone.utc) -> _LoadedEntry:
    if entry.form == "other":
        return _refused_entry(entry)
    nbgrader_time, notes = None, ()
    if entry.form == "folder":
        files = read_student_folder(entry.path, shown=entry.relative, root=root)
    elif entry.form == "nbgrader":
        files = read_student_folder(entry.path, shown=entry.relative, root=root, skip=NBGRADER_FILES)
        stamp = read_nbgrader_timestamp(entry.path, shown=entry.relative, zone=zone)
        nbgrader_time, notes = stamp.moment, ((stamp.note,) if stamp.note else ())
    elif entry.form == "zip":
        files = read_zip_file(entry.path, shown=entry.relative)
    else:
        files = _notebook_file_set(entry)
    found = module_sources(files, shown=entry.relative, modules=modules)
    return _LoadedEntry(
        found.sources, notes + found.notes, found.problem, files.files_hash, files.latest_mtime, nbgrader_time
    )


def _missing(student: StudentEntries, student_id: str, *, roster: Roster | None) -> Submission:
    """The row of a roster student without an entry (only a roster makes a student missing)."""
    roster_name = roster.path.name if roster else "the roster"
    id_reason = unsafe_student_id_reason(student.student_id)
    if id_reason:
        problem = f"the roster's student id {student.student_id!r} {id_reason}: correct it in '{roster_name}'"
    else:
        problem = student.problem or (
            f"no submission found for {student_id} (looked for {student.looked_for}): if {student_id} "
            f"submitted under another name, give that name in the entry column of '{roster_name}'"
        )
    return Submission(student_id, "missing", "", {}, "", None, "", problem)


def _submission(
    student: StudentEntries,
    *,
    root: Path,
    modules: Sequence[str],
    roster: Roster | None,
    times: TimestampTable | None,
    dating: Dating = Dating(),
) -> Submission:
    student_id = escaped_student_id(student.student_id)
    id_reason = unsafe_student_id_reason(student.student_id)
    if not student.entries:
        return _missing(student, student_id, roster=roster)

    loaded = [_load_entry(entry, root=root, modules=modules, zone=dating.zone) for entry in student.entries]
    entry_text = ", ".join(entry.relative for entry in student.entries)
    problems = []
    if id_reason and student.on_roster and roster is not None:
        problems.append(
            f"the roster's student id {student.student_id!r} (for '{entry_text}') {id_reason}, so it cannot name "
            f"the student's files: correct it in '{roster.path.name}'"
        )
    elif id_reason:
        problems.append(
            f"the student id {student.student_id!r} taken from '{entry_text}' {id_reason}, so it cannot name "
            f"the student's files: rename the entry, or give the student a plain id in a roster"
        )
    if student.problem:
        problems.append(student.problem)
    notes: list[str] = []
    if len(loaded) == 1:
        form, only = student.entries[0].form, loaded[0]
        hashed, sources = only.files_hash, only.sources
        if only.problem:
            problems.append(only.problem)
    else:
        form, sources = "other", {}
        hashed = files_hash([(entry.relative, one.files_hash) for entry, one in zip(student.entries, loaded)])
        if not student.problem:
            problems.append(
                f"{len(loaded)} entries for {student_id}: {entry_text}; keep only the one to grade"
                + (" (or name it in the roster's entry column)" if roster else "")
            )
    for one in loaded:
        notes.extend(one.notes)

    submitted_at, source = None, ""
    nbgrader_times = [one.nbgrader_time for one in loaded if one.nbgrader_time is not None]
    mtimes = [one.latest_mtime for one in loaded if one.latest_mtime is not None]
    if nbgrader_times and len(loaded) == 1:
        submitted_at, source = nbgrader_times[0], "nbgrader"
    elif times is not None and student.student_id in times.times:
        submitted_at, source = times.times[student.student_id], "timestamps csv"
        repeated = times.note_for(student.student_id)
        if repeated:
            notes.append(repeated)
    elif mtimes and dating.file_times:
        submitted_at, source = file_time(max(mtimes)), "file time"
    elif dating.required and not problems:
        problems.append(NO_SUBMISSION_TIME)

    problem = "; ".join(problems)
    return Submission(
        student_id=student_id,
        form=form,
        entry=entry_text,
        sources={} if problem else dict(sources),
        files_hash=hashed,
        submitted_at=submitted_at,
        timestamp_source=source,
        problem=problem,
        notes=tuple(dict.fromkeys(notes)),
    )


def find_submissions(
    root: Path,
    *,
    assignment: str,
    modules: Sequence[str],
    roster: Path | None = None,
    timestamps: Path | None = None,
    dating: Dating = Dating(),
) -> list[Submission]:
    """One :class:`Submission` per student found in ``root`` (or on the roster), sorted by student id.

    ``root`` is SUBMISSIONS: one entry per student, or an nbgrader course (or
    its ``submitted`` folder), of which only ``assignment`` is read.
    ``modules`` are the assignment's topic modules. ``roster`` and
    ``timestamps`` are the instructor's optional CSV files; ``dating`` says in
    which zone times without one are read, and whether file times may date a
    submission nothing else dates (when they may not and ``dating.required``,
    such a submission is a problem row). Raises
    :class:`SubmissionsError` only when the input as a whole is unusable;
    a student's broken entry is that student's ``problem``.
    """
    root = Path(root)
    if not root.exists():
        raise SubmissionsError(f"the submissions folder '{root}' does not exist: check the path")
    if not root.is_dir():
        raise SubmissionsError(
            f"'{root}' is not a folder: pass the folder that holds one entry per student "
            f"(or nbgrader's course folder)"
        )
    root = root.resolve()
    roster_table = read_roster(Path(roster)) if roster is not None else None
    times = read_timestamps_csv(Path(timestamps), dating.zone) if timestamps is not None else None

    submitted = nbgrader_submitted_folder(root)
    if submitted is not None:
        entries = list_nbgrader_entries(submitted, root=root, assignment=assignment)
        hint = missing_hint(submitted, root=root, assignment=assignment)
    else:
        # The instructor's own CSV files may sit beside the entries; they are not a student's.
        own_files = frozenset(Path(path).resolve() for path in (roster, timestamps) if path is not None)
        entries, hint = list_plain_entries(root, skip=own_files), ""
    students = entries_by_student(entries, roster_table, layout_hint=hint)
    submissions = [
        _submission(student, root=root, modules=modules, roster=roster_table, times=times, dating=dating)
        for student in students
    ]
    return sorted(submissions, key=lambda submission: submission.student_id)
