"""nbgrader's collected submissions: ``submitted/<student>/<assignment>/``.

SUBMISSIONS may be the nbgrader course folder (it holds ``submitted/``) or the
``submitted`` folder itself. Each student folder holding the assignment's
folder is one entry of form ``nbgrader``, named ``<student>``; a student folder
without it did not submit this assignment and is not an entry (the roster,
if given, makes that student missing). The assignment folder's
``timestamp.txt`` is nbgrader's record of when the student submitted.
"""

from __future__ import annotations

import os
from pathlib import Path

from grader.submissions.entries import Entry, id_from_file_name, is_os_artefact, link_refusal
from grader.student_ids import unsafe_student_id_reason
from grader.submissions.submission import SubmissionsError
from grader.submissions.timestamps import NBGRADER_TIMESTAMP_FILE

SUBMITTED = "submitted"
NBGRADER_FILES = frozenset({NBGRADER_TIMESTAMP_FILE, "submission_secret.txt"})
"""files nbgrader adds to a submission: read for the time (or not at all), never graded or noted"""


def nbgrader_submitted_folder(root: Path) -> Path | None:
    """The ``submitted`` folder when ``root`` is an nbgrader course folder or that folder itself, else ``None``.

    Raises :class:`SubmissionsError` when ``root/submitted`` is a link, which is never followed.
    """
    inside = root / SUBMITTED
    if inside.is_symlink():
        raise SubmissionsError(
            f"'{inside}' is a symbolic link, which nngrade does not follow: pass the folder it points to "
            f"({os.path.realpath(inside)}) as SUBMISSIONS"
        )
    if inside.is_dir():
        return inside
    if root.name == SUBMITTED:
        return root
    return None


def list_nbgrader_entries(submitted: Path, *, root: Path, assignment: str) -> list[Entry]:
    """One entry per student folder in ``submitted`` that holds ``assignment``, in name order.

    Other items in ``submitted`` (files, links) are entries of form ``other``
    saying why. Raises :class:`SubmissionsError` when the assignment's name
    cannot be a folder name or ``submitted`` cannot be listed.
    """
    reason = unsafe_student_id_reason(assignment)
    if reason or assignment in {".", ".."}:
        raise SubmissionsError(
            f"the assignment name {assignment!r} {reason or 'is not a folder name'}, so it cannot name "
            f"nbgrader's submitted/<student>/<assignment> folders: use the assignment's folder name"
        )
    try:
        with os.scandir(submitted) as listing:
            children = sorted(
                (child for child in listing if not is_os_artefact(child.name)), key=lambda child: child.name
            )
    except OSError as error:
        raise SubmissionsError(f"'{submitted}' cannot be listed ({error.strerror}): check its permissions") from None

    entries = []
    for child in children:
        student, path = child.name, Path(child.path)
        shown = path.relative_to(root).as_posix()
        if child.is_symlink():
            refused = link_refusal(path, shown=shown, root=root)
            entries.append(Entry(path, shown, "other", student, (student,), refused))
            continue
        if not child.is_dir(follow_symlinks=False):
            student = id_from_file_name(child.name)
            refused = (
                f"'{shown}' is not a student folder: nbgrader's layout is "
                f"{SUBMITTED}/<student>/{assignment}/; move it out of '{SUBMITTED}'"
            )
            entries.append(Entry(path, shown, "other", student, (child.name, student), refused))
            continue
        folder = path / assignment
        folder_shown = folder.relative_to(root).as_posix()
        if folder.is_symlink():
            refused = link_refusal(folder, shown=folder_shown, root=root)
            entries.append(Entry(folder, folder_shown, "other", student, (student,), refused))
        elif folder.is_dir():
            entries.append(Entry(folder, folder_shown, "nbgrader", student, (student,)))
        elif folder.exists():
            refused = (
                f"'{folder_shown}' is not a folder: nbgrader keeps a submission in a folder named after the assignment"
            )
            entries.append(Entry(folder, folder_shown, "other", student, (student,), refused))
    return entries


def missing_hint(submitted: Path, *, root: Path, assignment: str) -> str:
    """Where a student's nbgrader submission would be, as a template for ``str.format`` with the student."""
    base = submitted.relative_to(root).as_posix() if submitted != root else ""
    prefix = f"{base}/" if base else ""

    def literal(text: str) -> str:
        return text.replace("{", "{{").replace("}", "}}")

    return "'" + literal(prefix) + "{}/" + literal(assignment) + "/'"
