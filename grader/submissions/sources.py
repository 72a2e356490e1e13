"""From the files of one submission to module sources: which file supplies which module.

- ``<name>.py`` (an importable name) supplies module ``<name>``; helpers the
  student imports count too. It must be UTF-8 (a BOM is dropped).
- ``<module>.ipynb``, for a module of the assignment, supplies that module
  unless a ``.py`` file already does.
- Any other notebook (named after the assignment, the student, or anything)
  supplies every module of the assignment not supplied so far; several such
  notebooks are joined in name order.

What cannot be used is the student's problem; what was left out is a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Sequence

from grader.submissions.file_set import (
    FileSet,
    StudentFile,
    is_notebook_name,
    is_python_name,
    is_weights_name,
    listed,
    megabytes,
    module_name_of,
)
from grader.submissions.limits import MAX_WEIGHTS_BYTES
from grader.submissions.notebooks import notebook_code
from grader.submissions.submission import EntryProblem

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ModuleSources:
    """The module sources of one submission, or why there are none."""

    sources: dict[str, bytes]
    """module name -> source bytes (UTF-8, no BOM); empty when ``problem`` is set"""
    notes: tuple[str, ...] = ()
    problem: str = ""


def python_source(file: StudentFile) -> bytes:
    """The file's bytes without a UTF-8 BOM; raises :class:`EntryProblem` when they are not UTF-8."""
    data = file.data[len(_BOM) :] if file.data.startswith(_BOM) else file.data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise EntryProblem(
            f"'{file.shown}' is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}): "
            f"open it in your editor and save it with UTF-8 encoding"
        ) from None
    return data


def _empty_problem(files: FileSet, *, shown: str, modules: Sequence[str]) -> str:
    wanted = ", ".join(f"{module}.py" for module in modules) or "your .py files"
    message = f"'{shown}' has no .py files or notebooks to grade"
    misnamed = [name for name in files.ignored if is_python_name(name)]
    archives = [name for name in files.ignored if name.lower().endswith((".zip", ".tar", ".gz", ".rar", ".7z"))]
    folders = [name for name in files.ignored if name.endswith("/")]
    if misnamed:
        verb = "is not an importable module name" if len(misnamed) == 1 else "are not importable module names"
        message += f" ({listed(misnamed)} {verb})"
    elif archives:
        message += f" (it holds the archive {listed(archives)}, which is not unpacked)"
    elif folders:
        message += f" at its top (it holds the folders {listed(folders)})"
    elif files.ignored:
        message += f" (it holds only {listed(files.ignored)})"
    return f"{message}: submit {wanted} or a notebook, at the top of the submission"


def _case_hint(module: str, names: Sequence[str]) -> str:
    near = [name for name in names if PurePosixPath(name).stem.lower() == module.lower()]
    return f" (found {listed(near)}: module names are case-sensitive)" if near else ""


def module_sources(files: FileSet, *, shown: str, modules: Sequence[str]) -> ModuleSources:
    """The sources of ``modules`` (and the student's helpers) from ``files``.

    ``shown`` names the entry in messages. Never raises: unusable files become
    ``problem``, with every reason found joined by "; ".
    """
    if files.problem:
        return ModuleSources({}, files.notes, files.problem)
    if not files.files:
        return ModuleSources({}, files.notes, _empty_problem(files, shown=shown, modules=modules))

    problems: list[str] = []
    notes: list[str] = list(files.notes)
    sources: dict[str, bytes] = {}
    for file in files.files:
        if is_weights_name(file.name):
            # A trained model's weights: bytes for the student's child, never unpickled by the grader.
            if len(file.data) > MAX_WEIGHTS_BYTES:
                notes.append(f"'{file.shown}' is larger than {megabytes(MAX_WEIGHTS_BYTES)}, so it was left out")
            else:
                sources[file.name] = file.data
            continue
        module = module_name_of(file.name)
        if module is None:
            continue
        try:
            sources[module] = python_source(file)
        except EntryProblem as problem:
            problems.append(problem.message)

    wanted = set(modules)
    other_notebooks: list[tuple[StudentFile, str]] = []
    for file in files.files:
        if not is_notebook_name(file.name):
            continue
        try:
            code = notebook_code(file.data, shown=file.shown)
        except EntryProblem as problem:
            problems.append(problem.message)
            continue
        notes.extend(code.notes)
        stem = file.name[: -len(".ipynb")]
        if stem in wanted:
            if stem in sources:
                notes.append(f"'{file.shown}' was not used: {stem}.py supplies module {stem}")
            else:
                sources[stem] = code.source.encode("utf-8")
        else:
            other_notebooks.append((file, code.source))

    if problems:
        return ModuleSources({}, tuple(notes), "; ".join(problems))

    unsupplied = [module for module in modules if module not in sources]
    if other_notebooks:
        used = [file.shown for file, _ in other_notebooks]
        if not unsupplied:
            notes.append(f"{listed(used)} not used: .py files or module notebooks supply every module")
        else:
            joined = "\n\n".join(code for _, code in other_notebooks).encode("utf-8")
            for module in unsupplied:
                sources[module] = joined
            if len(other_notebooks) > 1:
                notes.append(
                    f"the notebooks {listed(used)} were joined in this order to supply {', '.join(unsupplied)}"
                )
            unsupplied = []

    names = [file.name for file in files.files] + list(files.ignored)
    for module in unsupplied:
        notes.append(
            f"'{shown}' has no {module}.py and no notebook for it: the exercises in module {module} "
            f"cannot be graded{_case_hint(module, names)}"
        )
    if files.ignored:
        notes.append(
            f"ignored in '{shown}' (only .py modules, notebooks and .pt weights at its top are read): "
            f"{listed(files.ignored)}"
        )
    return ModuleSources(sources, tuple(notes))
