"""Finding each student's entry in SUBMISSIONS, and matching entries to the roster.

An entry is one top-level item of SUBMISSIONS: a folder of ``.py`` files and
notebooks (the student id is its name), ``<id>.zip`` or ``<id>.ipynb``
(nbgrader's tree is listed by :mod:`grader.submissions.nbgrader_layout`).
Only what operating systems and tools make (:func:`is_os_artefact`:
``.DS_Store``, ``__MACOSX``, ``.git``, ...) is not an entry, and a grading run
names each one it skipped (:func:`os_artefacts_in`). Anything else, hidden
names such as ``.alice`` or ``...`` included, another file type, a link, a
pipe, is still an entry (of form ``other`` when it is not a submission), so
that its student gets a row saying what to do rather than silently nothing.

:func:`entries_by_student` then gives each student their entries: without a
roster, by the id in the entry's name; with one, by the roster's ``entry``
column (or the student id), so that students without an entry show up as
missing and entries nobody on the roster claims show up as such.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from grader.submissions.file_set import listed
from grader.submissions.roster import Roster, RosterRow
from grader.submissions.submission import SubmissionsError

ACCEPTED_FORMS = "a folder of .py files (or notebooks), a .zip of them, or a Jupyter notebook (.ipynb)"
OS_ARTEFACTS = frozenset(
    {
        ".DS_Store", "__MACOSX", ".Spotlight-V100", ".Trashes", ".fseventsd", ".TemporaryItems",
        ".DocumentRevisions-V100", ".localized", "Thumbs.db", "desktop.ini", ".directory",
        ".git", ".gitignore", ".gitattributes", ".gitkeep", ".ipynb_checkpoints", "__pycache__",
    }
)
"""names at the top of SUBMISSIONS that an operating system or a tool makes, never a student's entry"""

_ARCHIVE_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".gz", ".rar", ".7z", ".bz2", ".xz")


@dataclass(frozen=True)
class Entry:
    """One top-level item of SUBMISSIONS that belongs to one student."""

    path: Path
    relative: str
    """its path relative to SUBMISSIONS, with ``/``"""
    form: str
    """``folder``, ``zip``, ``notebook``, ``nbgrader`` or ``other``"""
    student_id: str
    """the id its name gives (possibly unsafe as a file name)"""
    names: tuple[str, ...]
    """the names a roster's ``entry`` cell may give it: its name, and its name without the extension"""
    refused: str = ""
    """for form ``other``: why it is not a submission, and what to do"""


@dataclass(frozen=True)
class StudentEntries:
    """One student and the entries found for them: none (missing), one, or several."""

    student_id: str
    entries: tuple[Entry, ...] = ()
    problem: str = ""
    """a problem found while matching (not on the roster, a roster conflict); empty when none"""
    looked_for: str = ""
    """for a missing student: where the submission was looked for"""
    on_roster: bool = False
    """whether the id comes from the roster (else from the entry's name)"""


def id_from_file_name(name: str) -> str:
    """The student id a file entry's name gives: the name without its extension (``.tar.gz`` counts as one)."""
    lower = name.lower()
    for suffix in (".tar.gz", ".tar.bz2", ".tar.xz"):
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


def link_refusal(link: Path, *, shown: str, root: Path) -> str:
    """The problem of a link found where a submission or file should be."""
    target = os.path.realpath(link)
    if os.path.commonpath([target, str(root)]) != str(root):
        where = " to a place outside the submissions folder"
    else:
        where = f" (to '{Path(os.path.relpath(target, root)).as_posix()}')"
    return f"'{shown}' is a symbolic link{where}: links are not followed; copy the submission itself there"


def _file_refusal(name: str, student_id: str) -> str:
    lower = name.lower()
    if lower.endswith(".py"):
        return (
            f"'{name}' is a Python file at the top of the submissions folder, where each student has one entry: "
            f"put each student's files in a folder named after the student (or a .zip or .ipynb named after them)"
        )
    if lower.endswith(_ARCHIVE_SUFFIXES):
        return (
            f"'{name}' is an archive nngrade cannot read: only .zip archives are read; "
            f"ask {student_id} for a .zip, or unpack it into a folder named '{student_id}'"
        )
    return (
        f"'{name}' is not a submission nngrade can read: a submission is {ACCEPTED_FORMS}, "
        f"named after the student; ask {student_id} to resubmit in one of these forms"
    )


def is_os_artefact(name: str) -> bool:
    """True for a top-level name that an operating system or a tool makes: skipped, and named by the run."""
    # ._<name>: macOS's companion of a file copied to a foreign disk; .Trash-<uid>: a Linux desktop's bin
    return name in OS_ARTEFACTS or name.startswith(("._", ".Trash-"))


def os_artefacts_in(folder: Path) -> list[str]:
    """The names in ``folder`` that :func:`is_os_artefact` skips, in name order (none when it cannot be listed)."""
    try:
        with os.scandir(folder) as listing:
            return sorted(child.name for child in listing if is_os_artefact(child.name))
    except OSError:
        return []


def list_plain_entries(root: Path, *, skip: frozenset[Path] = frozenset()) -> list[Entry]:
    """The entries at the top of ``root`` (a resolved folder), in name order.

    Paths in ``skip`` (the roster or timestamps CSV, when kept in SUBMISSIONS)
    are not entries. Raises :class:`SubmissionsError` when ``root`` cannot be listed.
    """
    try:
        with os.scandir(root) as listing:
            children = sorted(
                (child for child in listing if not is_os_artefact(child.name) and Path(child.path) not in skip),
                key=lambda child: child.name,
            )
    except OSError as error:
        raise SubmissionsError(
            f"the submissions folder '{root}' cannot be listed ({error.strerror}): check its permissions"
        ) from None
    entries = []
    for child in children:
        name, path = child.name, Path(child.path)
        if child.is_symlink():
            student = id_from_file_name(name)
            refused = link_refusal(path, shown=name, root=root)
            entries.append(Entry(path, name, "other", student, (name, student), refused))
        elif child.is_dir(follow_symlinks=False):
            entries.append(Entry(path, name, "folder", name, (name,)))
        elif child.is_file(follow_symlinks=False):
            student = id_from_file_name(name)
            suffix = name.lower().rpartition(".")[2]
            form = {"zip": "zip", "ipynb": "notebook"}.get(suffix, "other")
            refused = "" if form != "other" else _file_refusal(name, student)
            entries.append(Entry(path, name, form, student, (name, student), refused))
        else:
            student = id_from_file_name(name)
            refused = f"'{name}' is not a regular file or folder (a pipe or a device): a submission is {ACCEPTED_FORMS}"
            entries.append(Entry(path, name, "other", student, (name, student), refused))
    return entries


def _looked_for(wanted: str, *, layout_hint: str, entries: list[Entry]) -> str:
    if layout_hint:
        looked = layout_hint.format(wanted)
    elif wanted.lower().endswith((".zip", ".ipynb")):
        looked = f"'{wanted}'"
    else:
        looked = f"a folder '{wanted}', '{wanted}.zip' or '{wanted}.ipynb'"
    near = [entry.relative for entry in entries if wanted.lower() in {name.lower() for name in entry.names}]
    if near:
        looked += f"; found {listed(near)}: names are case-sensitive"
    return looked


def entries_by_student(
    entries: list[Entry], roster: Roster | None, *, layout_hint: str = ""
) -> list[StudentEntries]:
    """Each student with their entries, in no particular order.

    ``layout_hint`` formats where an entry named ``{}`` would be, for the
    message of a missing student (nbgrader: ``'submitted/{}/ps1'``).
    """
    if roster is None:
        grouped: dict[str, list[Entry]] = {}
        for entry in entries:
            grouped.setdefault(entry.student_id, []).append(entry)
        return [StudentEntries(student, tuple(found)) for student, found in grouped.items()]

    by_name: dict[str, list[Entry]] = {}
    for entry in entries:
        for name in dict.fromkeys(entry.names):
            by_name.setdefault(name, []).append(entry)

    rows: dict[str, list[RosterRow]] = {}
    for row in roster.rows:
        rows.setdefault(row.student, []).append(row)

    matched: dict[str, list[Entry]] = {}
    problems: dict[str, list[str]] = {}
    claims: dict[str, list[str]] = {}
    for student, student_rows in rows.items():
        wanted = list(dict.fromkeys(row.wanted_entry for row in student_rows))
        problems[student] = []
        if len(wanted) > 1:
            lines = ", ".join(str(row.line) for row in student_rows)
            problems[student].append(
                f"the roster '{roster.path.name}' lists {student} on lines {lines} with different entries "
                f"({listed(wanted)}): keep one row for {student}"
            )
        found = list(dict.fromkeys(entry for name in wanted for entry in by_name.get(name, [])))
        matched[student] = found
        for entry in found:
            claims.setdefault(entry.relative, []).append(student)

    for relative, students in claims.items():
        if len(students) > 1:
            for student in students:
                problems[student].append(
                    f"the roster '{roster.path.name}' gives the entry '{relative}' to {' and '.join(students)}: "
                    f"correct its entry column so that each entry belongs to one student"
                )

    extra: dict[str, list[Entry]] = {}
    strangers: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.relative in claims:
            continue
        (extra if entry.student_id in rows else strangers).setdefault(entry.student_id, []).append(entry)

    result = []
    for student, student_rows in rows.items():
        found = matched[student] + extra.get(student, [])
        student_problems = problems[student]
        if extra.get(student) and not matched[student]:
            named = student_rows[0].wanted_entry
            student_problems.append(
                f"the roster '{roster.path.name}' names '{named}' as the entry of {student}, but the submissions "
                f"folder has {listed(entry.relative for entry in extra[student])} instead: correct the entry column "
                f"of the roster or rename the entry"
            )
        looked = _looked_for(student_rows[0].wanted_entry, layout_hint=layout_hint, entries=entries)
        result.append(
            StudentEntries(student, tuple(found), "; ".join(student_problems), looked, on_roster=True)
        )
    for student, found in strangers.items():
        names = listed(entry.relative for entry in found)
        result.append(
            StudentEntries(
                student,
                tuple(found),
                f"{names} {'is' if len(found) == 1 else 'are'} not on the roster '{roster.path.name}': add {student} "
                f"to the roster (or name the entry in its entry column), or remove the entry",
            )
        )
    return result
