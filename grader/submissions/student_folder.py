"""Reading a student's folder (or nbgrader assignment folder) from disk into a :class:`FileSet`.

Only the top of the submission is read: the ``.py`` files and notebooks there,
after descending through a single top folder (``alice/alice/...`` from an
unzipped upload). Hidden and system names are skipped; other files and
subfolders are listed for a note. Links are never followed: a link where a
file should be is the student's problem, and it says whether it points
outside SUBMISSIONS.
"""

from __future__ import annotations

import os
from pathlib import Path

from grader.submissions.disk_files import read_capped
from grader.submissions.file_set import FileSet, StudentFile, is_junk, is_notebook_name, is_taken, megabytes
from grader.submissions.limits import (
    MAX_NOTEBOOK_BYTES,
    MAX_SOURCE_BYTES,
    MAX_SUBMISSION_BYTES,
    MAX_SUBMISSION_FILES,
)
from grader.submissions.submission import EntryProblem


def _visible_children(folder: Path, *, skip: frozenset[str]) -> list[os.DirEntry]:
    with os.scandir(folder) as listing:
        children = [child for child in listing if not is_junk(child.name) and child.name not in skip]
    return sorted(children, key=lambda child: child.name)


def _link_problem(link: os.DirEntry, *, shown: str, root: Path) -> str:
    target = os.path.realpath(link.path)
    if os.path.commonpath([target, str(root)]) != str(root):
        where = "to a place outside the submissions folder"
    else:
        where = f"(to '{os.path.relpath(target, root)}')"
    return f"'{shown}' is a symbolic link {where}: links are not followed; put the file itself there"


def _link_target(link: os.DirEntry) -> str:
    try:
        return os.readlink(link.path)
    except OSError:
        return ""


def read_student_folder(
    folder: Path, *, shown: str, root: Path, skip: frozenset[str] = frozenset()
) -> FileSet:
    """The modules and notebooks at the top of ``folder``, read without following links.

    ``shown`` is the folder's name in messages (its path relative to ``root``);
    ``root`` is the resolved SUBMISSIONS folder, which says whether a link points
    outside it; names in ``skip`` (nbgrader's ``timestamp.txt``) are neither read
    nor noted. Never raises for the student's files: the first problems met are
    in :attr:`FileSet.problem`.
    """
    current, prefix = folder, ""
    try:
        children = _visible_children(current, skip=skip)
        while len(children) == 1 and children[0].is_dir(follow_symlinks=False):
            current = Path(children[0].path)
            prefix += children[0].name + "/"
            children = _visible_children(current, skip=skip)
        folder_mtime = current.lstat().st_mtime
    except OSError as error:
        return FileSet(problem=f"'{shown}/{prefix}' cannot be read ({error.strerror}): check its permissions")

    problems: list[str] = []
    digests: list[tuple[str, str]] = []
    ignored: list[str] = []
    taken: list[os.DirEntry] = []
    for child in children:
        child_shown = f"{shown}/{prefix}{child.name}"
        if child.is_symlink():
            problems.append(_link_problem(child, shown=child_shown, root=root))
            digests.append((child.name, "link:" + _link_target(child)))
        elif child.is_dir(follow_symlinks=False):
            ignored.append(child.name + "/")
        elif not is_taken(child.name):
            ignored.append(child.name)
        elif not child.is_file(follow_symlinks=False):
            problems.append(
                f"'{child_shown}' is not a regular file (a pipe or a device): replace it with the file itself"
            )
        else:
            taken.append(child)

    if len(taken) > MAX_SUBMISSION_FILES:
        names = [child.name for child in taken]
        return FileSet(
            ignored=tuple(ignored),
            digests=tuple((name, "") for name in names),
            latest_mtime=folder_mtime,
            problem=(
                f"'{shown}' holds {len(taken)} .py files and notebooks, more than the {MAX_SUBMISSION_FILES} "
                f"nngrade reads: submit only the exercise modules and the helpers they import"
            ),
        )

    files: list[StudentFile] = []
    mtimes: list[float] = []
    budget = MAX_SUBMISSION_BYTES
    for child in taken:
        child_shown = f"{shown}/{prefix}{child.name}"
        cap = MAX_NOTEBOOK_BYTES if is_notebook_name(child.name) else MAX_SOURCE_BYTES
        try:
            # The budget caps the whole submission while reading, not after.
            read = read_capped(Path(child.path), limit=min(cap, budget), shown=child_shown)
        except EntryProblem as problem:
            problems.append(problem.message)
            continue
        digests.append((child.name, read.sha256))
        mtimes.append(read.mtime)
        if read.data is not None:
            budget -= read.size
            files.append(StudentFile(child.name, read.data, child_shown))
        elif read.size > cap:
            problems.append(
                f"'{child_shown}' is {megabytes(read.size)}, more than the {megabytes(cap)} nngrade reads "
                f"from one file: remove data or outputs kept in it"
            )
        else:
            problems.append(
                f"'{shown}' holds more than {megabytes(MAX_SUBMISSION_BYTES)} of modules and notebooks, "
                f"more than nngrade reads from one submission: remove data or outputs kept in them"
            )
            budget = 0
    return FileSet(
        files=tuple(files),
        ignored=tuple(ignored),
        digests=tuple(digests),
        latest_mtime=max(mtimes) if mtimes else folder_mtime,
        problem="; ".join(dict.fromkeys(problems)),
    )
