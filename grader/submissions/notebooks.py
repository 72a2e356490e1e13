"""Python code from a Jupyter notebook: its code cells in order, with IPython syntax made plain Python.

A student's notebook is not a module: it holds markdown, outputs, the grader's
own test cells, and IPython syntax that is not Python. :func:`notebook_code`
keeps the code cells, drops nbgrader's autograder test cells (the grader's,
not the student's), and rewrites IPython syntax so the module still imports:

- a line magic (``%matplotlib inline``), shell escape (``!pip install x``),
  help request (``np.dot?``, ``??f``) or auto-call (``/f 1``) becomes ``pass``
  at the same indentation, so one inside an ``if`` block still parses;
- ``%time statement`` keeps the statement (IPython runs it in the notebook's
  namespace, so what it assigns is defined later on);
- an assignment from a shell command or magic (``files = !ls``,
  ``x = %sx ls``) keeps the name bound: to ``[]`` for shell output, else to
  ``None``; ``x = %time f()`` becomes ``x = f()``;
- a cell magic whose body runs as Python in the notebook (``%%time``,
  ``%%capture``, ``%%prun``, ``%%debug``) loses only its first line; any other
  (``%%bash``, ``%%writefile``, ``%%html``, ``%%timeit``, which runs in its own
  namespace) drops the cell.

Only lines that start a statement are rewritten: a ``%`` line inside a
triple-quoted string or a bracket is left as written. Each kind of rewrite is
noted once per notebook.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

from grader.submissions.submission import EntryProblem

PYTHON_CELL_MAGICS = frozenset({"time", "capture", "prun", "debug"})
"""cell magics that run their body as Python in the notebook's own namespace"""

_LINE_MAGIC = re.compile(r"%+(\w*)")
_SHELL = re.compile(r"!+\s*([^\s;|&]*)")
_TIME = re.compile(r"%time\s+(\S.*)$")
_TARGET = r"[A-Za-z_][\w.]*(?:\[[^\]=]*\])*"
_ASSIGNMENT = re.compile(rf"(?P<target>{_TARGET}(?:\s*,\s*{_TARGET})*)\s*=\s*(?P<value>[!%].*)$")
_SHELL_MAGIC = re.compile(r"%(?:sx|system)\b")
_HELP = re.compile(r"\?{1,2}\s*[A-Za-z_*][\w.*]*|[A-Za-z_*][\w.*]*\?{1,2}")
_AUTOCALL = re.compile(r"[/,;][A-Za-z_]")

_NOTE_TEXT = {
    "magic": "IPython magics replaced by 'pass'",
    "shell": "shell commands replaced by 'pass'",
    "time": "%time removed, the statement it timed kept",
    "assignment": "assignments from a shell command or magic now assign [] (shell output) or None",
    "help": "help requests replaced by 'pass'",
    "autocall": "IPython auto-call lines replaced by 'pass'",
    "cell kept": "cell magics removed, their Python body kept",
    "cell dropped": "cells dropped that are not Python run in the notebook",
}


@dataclass(frozen=True)
class NotebookCode:
    """A notebook's code as one module's source, and what was changed to get it."""

    source: str
    notes: tuple[str, ...]
    code_cells: int
    """how many code cells the source holds"""


class _StatementTracker:
    """Follows Python's tokens line by line to know whether the next line starts a statement.

    A line continues the previous one inside a bracket, inside a triple-quoted
    string, or after a backslash. Comments are skipped; string prefixes do not
    matter, because a backslash never lets a quote end a string, raw or not.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""
        self.backslash = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and not self.quote and not self.backslash

    def feed(self, line: str) -> None:
        self.backslash = False
        position, end = 0, len(line.rstrip("\r"))
        while position < end:
            character = line[position]
            if self.quote:
                if character == "\\":
                    position += 2
                    continue
                if line.startswith(self.quote, position):
                    position += len(self.quote)
                    self.quote = ""
                    continue
                position += 1
                continue
            if character == "#":
                return
            if character in "([{":
                self.depth += 1
            elif character in ")]}":
                self.depth = max(0, self.depth - 1)
            elif character in "\"'":
                self.quote = character * 3 if line.startswith(character * 3, position) else character
                position += len(self.quote)
                continue
            elif character == "\\" and position == end - 1:
                self.backslash = True
            position += 1
        if len(self.quote) == 1:
            # A one-quote string ends with its line unless the line ends in a backslash.
            if not line.rstrip("\r").endswith("\\"):
                self.quote = ""


def _rewrite_statement(line: str, changes: Counter) -> tuple[str, bool] | None:
    """The Python for one IPython line, and whether that Python is code to follow; ``None`` if plain Python."""
    stripped = line.lstrip(" \t").rstrip()
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if not stripped:
        return None
    if time := _TIME.match(stripped):
        changes["time", "%time"] += 1
        return indent + time.group(1), True
    if stripped.startswith("%"):
        changes["magic", "%" + _LINE_MAGIC.match(stripped).group(1)] += 1
        return indent + "pass", False
    if stripped.startswith("!"):
        changes["shell", "!" + _SHELL.match(stripped).group(1)] += 1
        return indent + "pass", False
    if assignment := _ASSIGNMENT.fullmatch(stripped):
        target, value = assignment.group("target"), assignment.group("value")
        if time := _TIME.match(value):
            changes["time", "%time"] += 1
            return f"{indent}{target} = {time.group(1)}", True
        shell = value.startswith("!") or _SHELL_MAGIC.match(value)
        shown = value.split()[0] if value.split() else value
        changes["assignment", f"{target} = {shown}"] += 1
        return f"{indent}{target} = {'[]' if shell else 'None'}", False
    if _HELP.fullmatch(stripped):
        changes["help", stripped] += 1
        return indent + "pass", False
    if _AUTOCALL.match(stripped):
        changes["autocall", stripped.split()[0]] += 1
        return indent + "pass", False
    return None


def _rewrite_lines(lines: list[str], changes: Counter) -> list[str]:
    tracker = _StatementTracker()
    rewritten: list[str] = []
    inside_magic = False
    for line in lines:
        if inside_magic:
            # A magic continued with a backslash: its next lines are part of it.
            rewritten.append("")
            inside_magic = line.rstrip("\r").endswith("\\")
            continue
        if tracker.at_statement_start:
            replacement = _rewrite_statement(line, changes)
            if replacement is not None:
                python, is_code = replacement
                rewritten.append(python)
                if is_code:
                    tracker.feed(python)
                else:
                    inside_magic = line.rstrip("\r").endswith("\\")
                continue
        tracker.feed(line)
        rewritten.append(line)
    return rewritten


def cell_to_python(source: str, changes: Counter) -> str | None:
    """One code cell's source as Python, or ``None`` when the cell is dropped.

    Each rewrite is counted in ``changes`` under ``(kind, what)``.
    """
    lines = source.split("\n")
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        name = _LINE_MAGIC.match(lines[first].lstrip()).group(1)
        if name not in PYTHON_CELL_MAGICS:
            changes["cell dropped", "%%" + name] += 1
            return None
        changes["cell kept", "%%" + name] += 1
        lines = lines[first + 1 :]
    return "\n".join(_rewrite_lines(lines, changes))


def _cell_source(cell: object, *, index: int, shown: str) -> tuple[str, str, dict]:
    if not isinstance(cell, dict):
        raise EntryProblem(
            f"'{shown}' is not a valid notebook: cell {index} is not an object; open it in Jupyter and save it again"
        )
    kind = cell.get("cell_type")
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(piece, str) for piece in source):
        source = "".join(source)
    if not isinstance(kind, str) or not isinstance(source, str):
        raise EntryProblem(
            f"'{shown}' is not a valid notebook: cell {index} has no cell type or source; "
            f"open it in Jupyter and save it again"
        )
    metadata = cell.get("metadata")
    return kind, source, metadata if isinstance(metadata, dict) else {}


def _is_autograder_test(metadata: dict) -> bool:
    nbgrader = metadata.get("nbgrader")
    return isinstance(nbgrader, dict) and nbgrader.get("grade") is True and nbgrader.get("solution") is False


def _load_notebook(raw: bytes, *, shown: str) -> list:
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise EntryProblem(
            f"'{shown}' is not a Jupyter notebook: it is not UTF-8 text; open it in Jupyter and save it again, "
            f"or submit the .py files"
        ) from None
    except json.JSONDecodeError as error:
        raise EntryProblem(
            f"'{shown}' is not a Jupyter notebook: it is not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno}); open it in Jupyter and save it again, or submit the .py files"
        ) from None
    except RecursionError:
        raise EntryProblem(f"'{shown}' is not a Jupyter notebook: its JSON is nested too deeply") from None
    if not isinstance(document, dict):
        raise EntryProblem(f"'{shown}' is JSON but not a Jupyter notebook: submit the notebook saved by Jupyter")
    version = document.get("nbformat")
    if version != 4 or not isinstance(document.get("cells"), list):
        if isinstance(version, int) and version < 4 or "worksheets" in document:
            raise EntryProblem(
                f"'{shown}' is an old notebook (nbformat {version}): open it in Jupyter and save it, "
                f"which converts it to nbformat 4"
            )
        raise EntryProblem(
            f"'{shown}' is JSON but not an nbformat 4 Jupyter notebook (no 'cells' list): "
            f"submit the notebook saved by Jupyter"
        )
    return document["cells"]


def _notes(changes: Counter, dropped_tests: int, *, shown: str) -> tuple[str, ...]:
    notes = []
    for kind, text in _NOTE_TEXT.items():
        found = [(what, count) for (change, what), count in changes.items() if change == kind]
        if found:
            listed = ", ".join(what if count == 1 else f"{what} ({count}x)" for what, count in found)
            notes.append(f"'{shown}': {text}: {listed}")
    if dropped_tests:
        notes.append(
            f"'{shown}': {dropped_tests} nbgrader autograder test cell{'s' if dropped_tests > 1 else ''} "
            f"dropped (they are the grader's tests, not the student's code)"
        )
    return tuple(notes)


def notebook_code(raw: bytes, *, shown: str) -> NotebookCode:
    """The code cells of the notebook ``raw`` (its file's bytes) joined in order, as Python.

    ``shown`` names the notebook in notes and messages. Raises
    :class:`EntryProblem` when the bytes are not an nbformat 4 notebook.
    """
    cells = _load_notebook(raw, shown=shown)
    changes: Counter = Counter()
    pieces: list[str] = []
    dropped_tests = 0
    for index, cell in enumerate(cells, start=1):
        kind, source, metadata = _cell_source(cell, index=index, shown=shown)
        if kind != "code":
            continue
        if _is_autograder_test(metadata):
            dropped_tests += 1
            continue
        python = cell_to_python(source, changes)
        if python is None:
            continue
        # The marker ties a line of the module back to its cell in tracebacks.
        pieces.append(f"# notebook cell {index}\n{python.rstrip()}\n")
    notes = _notes(changes, dropped_tests, shown=shown)
    if not pieces:
        notes += (f"'{shown}' has no code cells with the student's code",)
    return NotebookCode(source="\n\n".join(pieces), notes=notes, code_cells=len(pieces))
