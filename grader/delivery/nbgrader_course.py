"""``nngrade notebooks``: an nbgrader course whose source notebooks hold the solutions and the hidden tests.

What :func:`write_nbgrader_course` writes into the course folder::

    nbgrader_config.py                  course id, gradebook.db in this folder, the cell timeout,
                                        and the course file the autograder grades with
    source/<assignment>/<module>.ipynb  one notebook per module of the assignment

One notebook per module, not per assignment: two modules may define functions
of the same name (``perceptron.train``, ``rbm.train``), and ``nngrade grade``
reads ``<module>.ipynb`` as module ``<module>``, so the submitted tree grades
the same with ``nbgrader autograde`` and with ``nngrade grade <course>``.

A notebook holds, in order: a title and instructions cell; a locked setup cell
with the module's imports; and for each exercise a description (title and
points), a solution cell -- the stub's signature and docstring, the
solution's body between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, with
the module-level helpers the body needs defined inside that region -- a
self-check cell (``check(...)``, see :mod:`grader.notebook_checks`), and one
autograder test cell per check, worth the check's points as the course file
scales them. A public check's cell calls ``grade(...)`` in plain sight; a
hidden check's call sits between ``### BEGIN HIDDEN TESTS`` and ``### END
HIDDEN TESTS``, so ``nbgrader generate_assignment`` removes it from the
release version and ``nbgrader autograde`` puts it back.

The grading salt is never written: ``nbgrader_config.py`` names the course
file, which stays on the instructor's side with the rest of the course
folder; nbgrader releases only ``release/<assignment>/``.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import tempfile
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from grader.course import Assignment, Course
from grader.declarations import Check, Exercise
from grader.delivery.summary import Delivery, DeliveryError
from grader.notebook_checks import COURSE_FILE_SETTING, GRADER_CELL_MARKER, NBGRADER_CONFIG_FILE
from grader.reports.output_files import write_atomically

SOURCE_FOLDER = "source"
GRADEBOOK_FILE = "gradebook.db"
STARTUP_SECONDS = 120
"""what a test cell may need besides the student's calls: starting the grader process, its sandbox and torch"""

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"
END_HIDDEN_TESTS = "### END HIDDEN TESTS"
_DELIMITER_WORDS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")

_RUN_PYTEST_SENTENCE = re.compile(r"^Replace each ``raise NotImplementedError``.*?\)\.\s*", re.DOTALL)
"""the stubs' closing instruction, which speaks of pytest and .py files, not of a notebook"""


# -- the code a notebook is made from ------------------------------------------------------


@dataclass(frozen=True)
class _ModuleCode:
    """One module file, parsed: where each top-level statement's text is."""

    path: Path
    text: str
    tree: ast.Module

    @classmethod
    def read(cls, path: Path) -> "_ModuleCode":
        try:
            text = path.read_text(encoding="utf-8")
            return cls(path, text, ast.parse(text, filename=str(path)))
        except (OSError, UnicodeDecodeError, SyntaxError) as error:
            raise DeliveryError(
                f"{path} cannot be read as Python ({error}); fix it and write the notebooks again"
            ) from None

    def lines(self, first: int, last: int) -> list[str]:
        """Lines ``first`` to ``last`` (1-based, inclusive), without line ends."""
        return self.text.splitlines()[first - 1 : last]

    def segment(self, node: ast.stmt) -> str:
        """The full text of a top-level statement, decorators and comments inside it included."""
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        return "\n".join(self.lines(first, node.end_lineno or node.lineno))

    def function(self, name: str) -> ast.FunctionDef | ast.ClassDef:
        """The top-level function (or, for an exercise whose student writes a class, the class) ``name``."""
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
                return node
        raise DeliveryError(f"{self.path} has no top-level function {name!r}; it must define every exercise's function")

    @property
    def docstring(self) -> str:
        return ast.get_docstring(self.tree) or ""

    def imports(self) -> list[ast.stmt]:
        return [
            node
            for node in self.tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom))
            and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")
        ]

    def definitions(self) -> dict[str, ast.stmt]:
        """Top-level names bound by a ``def``, ``class`` or assignment, and the statement that binds each."""
        found: dict[str, ast.stmt] = {}
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found[node.name] = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            found[name.id] = node
        return found


def _names_used(node: ast.AST) -> set[str]:
    return {name.id for name in ast.walk(node) if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load)}


def _imported_names(imports: Sequence[ast.stmt]) -> set[str]:
    names = set()
    for node in imports:
        for alias in node.names:  # type: ignore[attr-defined]
            names.add((alias.asname or alias.name).split(".")[0])
    return names


def _body_start(function: ast.FunctionDef | ast.ClassDef) -> int:
    """The first statement of a function's body after its docstring (an index into ``body``)."""
    first = function.body[0]
    is_docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    return 1 if is_docstring and isinstance(first.value.value, str) else 0


def _code_folders(course: Course) -> tuple[Path, Path]:
    """``exercises/`` and ``solutions/``: beside the course file, or in the nngrade checkout."""
    checkout = Path(__file__).resolve().parents[2]
    for root in (course.path.parent, checkout):
        if (root / "exercises").is_dir() and (root / "solutions").is_dir():
            return root / "exercises", root / "solutions"
    raise DeliveryError(
        f"found no exercises/ and solutions/ beside the course file ({course.path.parent}) or in the nngrade "
        f"checkout ({checkout}): the source notebooks are made from the stubs and the solutions"
    )


# -- cells -----------------------------------------------------------------------------------


def _nbgrader(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
              points: float | None = None) -> dict[str, Any]:
    """A cell's nbgrader metadata (schema 3)."""
    metadata: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        metadata["points"] = points
    return metadata


def _cell(kind: str, source: str, nbgrader: dict[str, Any], *, number: int) -> dict[str, Any]:
    lines = source.rstrip("\n").splitlines(keepends=True)
    cell: dict[str, Any] = {
        "cell_type": kind,
        # nbformat 4.5 cell ids: unique in the notebook, at most 64 of [A-Za-z0-9_-].
        "id": f"{number:03d}-{nbgrader['grade_id']}"[:64],
        "metadata": {"nbgrader": nbgrader},
        "source": lines,
    }
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _points(value: float) -> str:
    return f"{value:g}"


def _worth(value: float) -> str:
    """``1 point``, ``2.4 points``."""
    return f"{value:g} point{'' if value == 1 else 's'}"


def _number(value: float) -> str:
    """A float as Python source that reads back as the same float."""
    return repr(float(value))


def _notebook_document(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


# -- one notebook ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NotebookSummary:
    """What one written notebook holds, for the lines ``nngrade notebooks`` prints."""

    relative: str
    exercises: int
    tests: int
    hidden: int
    points: float


class _NotebookWriter:
    """The source notebook of one module of one assignment."""

    def __init__(self, assignment: Assignment, module: str, stubs: _ModuleCode, solutions: _ModuleCode) -> None:
        self.assignment = assignment
        self.module = module
        self.exercises = [exercise for exercise in assignment.exercises if exercise.student.module == module]
        self.stubs = stubs
        self.solutions = solutions
        self.cells: list[dict[str, Any]] = []

    def add(self, kind: str, source: str, nbgrader: dict[str, Any]) -> None:
        self.cells.append(_cell(kind, source, nbgrader, number=len(self.cells) + 1))

    def points(self, exercise: Exercise, check: Check | None = None) -> float:
        """What an exercise (or one of its checks) is worth in this assignment, as the gradebook records it."""
        declared = check.points if check is not None else exercise.points
        return round(declared * self.assignment.scale(exercise), 4)

    def document(self) -> dict[str, Any]:
        self.add("markdown", self.introduction(), _nbgrader("introduction", locked=True))
        self.add("code", self.setup(), _nbgrader("setup", locked=True))
        for exercise in self.exercises:
            task = exercise.student.name
            self.add("markdown", self.description(exercise), _nbgrader(f"about-{task}", locked=True))
            self.add("code", self.solution(exercise), _nbgrader(f"answer-{task}", solution=True))
            self.add("code", self.self_check(exercise), _nbgrader(f"selfcheck-{task}", locked=True))
            for check in exercise.checks:
                points = self.points(exercise, check)
                self.add(
                    "code",
                    self.test(exercise, check, points),
                    _nbgrader(f"test-{task}-{check.name}", grade=True, locked=True, points=points),
                )
        return _notebook_document(self.cells)

    def summary(self) -> _NotebookSummary:
        checks = [check for exercise in self.exercises for check in exercise.checks]
        return _NotebookSummary(
            relative=f"{SOURCE_FOLDER}/{self.assignment.name}/{self.module}.ipynb",
            exercises=len(self.exercises),
            tests=len(checks),
            hidden=sum(check.hidden for check in checks),
            points=round(sum(self.points(exercise) for exercise in self.exercises), 4),
        )

    # -- the cells' text ---------------------------------------------------------------------

    def introduction(self) -> str:
        paragraphs = []
        for paragraph in self.stubs.docstring.split("\n\n"):
            kept = _RUN_PYTEST_SENTENCE.sub("", paragraph.strip())
            if kept:
                paragraphs.append(kept)
        total = sum(self.points(exercise) for exercise in self.exercises)
        how = (
            "**How to work in this notebook.** Run the setup cell first. Write each function in its cell, in "
            "place of `raise NotImplementedError()`, keeping its name and arguments; your functions may call "
            "each other. Below each function, its self-check cell runs the public checks on the cells you have "
            "run so far and prints a table and what to fix. The test cells after it are the autograder's: you "
            "may run them too, and hidden tests run only when your work is graded, on inputs of your own.\n\n"
            "Your notebook is graded as one file, its code cells from top to bottom: before you submit, "
            "restart the kernel and run every cell (Kernel > Restart Kernel and Run All Cells)."
        )
        return "\n\n".join(
            [f"# {self.assignment.title}: `{self.module}`", *paragraphs,
             f"This notebook has {len(self.exercises)} exercises worth {_worth(total)}.", how]
        )

    def setup(self) -> str:
        imports = self.stubs.imports()
        known = {ast.dump(node) for node in imports}
        imports += [node for node in self.solutions.imports() if ast.dump(node) not in known]
        # What else the stub gives students at module level (constants, helpers) comes with the imports.
        given = [
            node
            for node in self.stubs.tree.body
            if not isinstance(node, (ast.Import, ast.ImportFrom))
            and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
            and not (isinstance(node, (ast.FunctionDef, ast.ClassDef)) and self.is_exercise(node.name))
        ]
        stub_imports = set(map(id, self.stubs.imports()))
        lines = ["# Setup: run this cell first. It imports what your code may use."]
        lines += [(self.stubs if id(node) in stub_imports else self.solutions).segment(node) for node in imports]
        if given:
            lines.append("")
            lines += [self.stubs.segment(node) for node in given]
        return "\n".join(lines)

    def is_exercise(self, name: str) -> bool:
        """Whether ``name`` is the function of an exercise of this module (in this assignment or not)."""
        from grader.registry import load_registry

        return any(
            exercise.student.module == self.module and exercise.student.name == name for exercise in load_registry()
        )

    def description(self, exercise: Exercise) -> str:
        public = [check for check in exercise.checks if not check.hidden]
        hidden = [check for check in exercise.checks if check.hidden]
        lines = [
            f"## `{exercise.student.name}`: {exercise.title} ({_worth(self.points(exercise))})",
            "",
            f"Write `{exercise.student.name}` in the cell below; its docstring states the task. Public checks:",
            "",
        ]
        lines += [f"- {check.description} ({_worth(self.points(exercise, check))})" for check in public]
        if hidden:
            worth = sum(self.points(exercise, check) for check in hidden)
            lines += ["", f"and {len(hidden)} hidden check{'s' if len(hidden) > 1 else ''} worth {_worth(worth)}."]
        return "\n".join(lines)

    def solution(self, exercise: Exercise) -> str:
        name = exercise.student.name
        stub, solved = self.stubs.function(name), self.solutions.function(name)
        if isinstance(stub, ast.ClassDef) or isinstance(solved, ast.ClassDef):
            return self.class_solution(stub, solved)
        return self.function_solution(stub, solved, helpers=self.helpers(solved))

    def class_solution(self, stub: ast.stmt, solved: ast.stmt) -> str:
        """A class as the student writes it: the stub's class line and docstring, each method with a solution region."""
        name = getattr(stub, "name", "?")
        if not (isinstance(stub, ast.ClassDef) and isinstance(solved, ast.ClassDef)):
            raise DeliveryError(f"{self.stubs.path} and {self.solutions.path} must both define {name!r} as a class")
        methods = [node for node in stub.body if isinstance(node, ast.FunctionDef)]
        if not methods:
            raise DeliveryError(f"{self.stubs.path}: the class {name!r} has no method for the student to write")
        solved_methods = {node.name: node for node in solved.body if isinstance(node, ast.FunctionDef)}
        first = min([stub.lineno, *(d.lineno for d in stub.decorator_list)])
        header_end = (stub.body[0].end_lineno or stub.lineno) if _body_start(stub) else stub.lineno
        parts = ["\n".join(self.stubs.lines(first, header_end))]
        needed = self.helpers(solved)
        if needed:
            # A helper defined inside one method's solution region would be seen by that method only.
            raise DeliveryError(
                f"{self.solutions.path}: the class {name!r} uses module-level helpers the notebook does not define; "
                f"move them into its methods (or into the stub, where students get them)"
            )
        for method in methods:
            if method.name not in solved_methods:
                raise DeliveryError(f"{self.solutions.path}: the class {name!r} has no method {method.name!r}")
            parts.append(self.function_solution(method, solved_methods[method.name], helpers=[]))
        return "\n\n".join(parts)

    def function_solution(self, stub: ast.FunctionDef, solved: ast.FunctionDef, *, helpers: list[str]) -> str:
        """The stub's ``def`` line and docstring, then the solution's body inside a solution region."""
        name = stub.name
        start = _body_start(stub)
        first = min([stub.lineno, *(d.lineno for d in stub.decorator_list)])
        if start:
            header = self.stubs.lines(first, stub.body[0].end_lineno or stub.body[0].lineno)
        else:
            header = self.stubs.lines(first, stub.body[0].lineno - 1)
            if not header or stub.body[0].lineno == stub.lineno:
                raise DeliveryError(f"{self.stubs.path}: the stub of {name!r} needs its body on lines of its own")
        body_start = _body_start(solved)
        if body_start >= len(solved.body):
            raise DeliveryError(f"{self.solutions.path}: the solution of {name!r} has no body after its docstring")
        docstring_end = solved.body[0].end_lineno or solved.body[0].lineno
        after_docstring = docstring_end + 1 if body_start else solved.body[0].lineno
        if not body_start and solved.body[0].lineno == solved.lineno:
            raise DeliveryError(f"{self.solutions.path}: the solution of {name!r} needs its body on lines of its own")
        body = self.solutions.lines(after_docstring, solved.end_lineno or solved.lineno)
        while body and not body[0].strip():
            body.pop(0)
        indent = " " * solved.body[body_start].col_offset
        region = [indent + BEGIN_SOLUTION]
        for helper in helpers:
            region += [indent + line if line.strip() else "" for line in helper.splitlines()] + [""]
        region += body + [indent + END_SOLUTION]
        return "\n".join(header + region)

    def helpers(self, function: ast.FunctionDef | ast.ClassDef) -> list[str]:
        """The module-level definitions of the solutions that ``function`` needs and the notebook lacks.

        The notebook defines this module's exercises of the assignment (the
        student writes them) and the setup cell's imports; anything else the
        solution calls, directly or through another helper, is defined inside
        its solution region, where the release version leaves no trace of it.
        """
        definitions = self.solutions.definitions()
        provided = {exercise.student.name for exercise in self.exercises}
        provided |= _imported_names(self.stubs.imports() + self.solutions.imports())
        needed: list[str] = []
        pending = sorted(_names_used(function) & set(definitions) - provided - {function.name})
        while pending:
            name = pending.pop(0)
            if name in needed:
                continue
            needed.append(name)
            more = _names_used(definitions[name]) & set(definitions) - provided - set(needed) - {function.name}
            pending.extend(sorted(more))
        statements = list(dict.fromkeys(definitions[name] for name in needed))
        # Keep the module's own order, so that a definition comes before what uses it at definition time.
        statements.sort(key=lambda node: node.lineno)
        return [self.solutions.segment(node) for node in statements]

    def self_check(self, exercise: Exercise) -> str:
        scaled = self.assignment.scale(exercise) != 1.0
        points = f", points={_number(self.points(exercise))}" if scaled else ""
        return "\n".join(
            [
                f"{GRADER_CELL_MARKER} self-check {exercise.id}",
                f"# Runs the public checks of '{exercise.student.name}' on the cells you have run; prints what to fix.",
                "if __name__ == \"__main__\":  # not when the grader imports your notebook as a module",
                "    from grader.notebook_checks import check",
                "",
                f"    check({exercise.id!r}{points})",
            ]
        )

    def test(self, exercise: Exercise, check: Check, points: float) -> str:
        call = [
            "from grader.notebook_checks import grade",
            "",
            f"grade({exercise.id!r}, {check.name!r}, points={_number(points)})",
        ]
        worth = f"({_worth(points)})"
        if not check.hidden:
            heading = f"{GRADER_CELL_MARKER} test {exercise.id}::{check.name} {worth}"
            return "\n".join([heading, f"# {check.description}", *call])
        return "\n".join(
            [
                f"{GRADER_CELL_MARKER} hidden test {exercise.id}::{check.name} {worth}",
                "# A hidden check: it runs when your notebook is graded, on inputs of your own.",
                BEGIN_HIDDEN_TESTS,
                *call,
                END_HIDDEN_TESTS,
            ]
        )


def _check_delimiters(document: dict[str, Any], *, relative: str) -> None:
    """Refuse a notebook where nbgrader would find a delimiter that is not one of ours (in a docstring, say).

    A solution cell holds one solution region, or one per method for a class,
    each a BEGIN SOLUTION line followed by its END SOLUTION line; any other
    cell holds none. Hidden tests come in one region of a grading cell.
    """
    for cell in document["cells"]:
        text = "".join(cell["source"])
        metadata = cell["metadata"]["nbgrader"]
        lines = text.splitlines()
        solution = [word for line in lines for word in ("BEGIN SOLUTION", "END SOLUTION") if word in line]
        regions = len(solution) // 2
        well_formed = solution == ["BEGIN SOLUTION", "END SOLUTION"] * regions
        if metadata["solution"] and (not regions or not well_formed) or not metadata["solution"] and solution:
            raise DeliveryError(
                f"{relative}: cell {metadata['grade_id']!r} would hold the solution delimiters in the order "
                f"{solution or 'none'}, where nbgrader expects "
                f"{'BEGIN SOLUTION / END SOLUTION pairs' if metadata['solution'] else 'none'}: remove them from the "
                f"stub or solution text they come from"
            )
        expected = {
            "BEGIN HIDDEN TESTS": int(BEGIN_HIDDEN_TESTS in text and metadata["grade"]),
            "END HIDDEN TESTS": int(END_HIDDEN_TESTS in text and metadata["grade"]),
        }
        for word, count in expected.items():
            found = sum(word in line for line in lines)
            if found != count:
                raise DeliveryError(
                    f"{relative}: cell {metadata['grade_id']!r} would hold {found} lines with {word!r} where nbgrader "
                    f"expects {count}: remove {word!r} from the stub or solution text it comes from"
                )


# -- the course folder -------------------------------------------------------------------------


def _course_id(out: Path) -> str:
    """A course id for nbgrader from the folder's name (letters, digits, '-' and '_')."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", out.name).strip("-")
    return cleaned or "nngrade-course"


def _cell_timeout(course: Course, assignments: Sequence[Assignment]) -> int:
    """Seconds one cell may run: the first test cell of a notebook grades every check of its module.

    At most every check of the module reaches its wall-clock limit (a check
    stops at its first call that does), plus the grader's start.
    """
    per_notebook: Counter[tuple[str, str]] = Counter()
    for assignment in assignments:
        for exercise in assignment.exercises:
            limits = course.limits.merged(exercise.limits, where=f"limits of {exercise.id}")
            per_notebook[assignment.name, exercise.student.module] += limits.wall_seconds * len(exercise.checks)
    return int(max(per_notebook.values(), default=0.0)) + STARTUP_SECONDS


def _config_text(out: Path, course: Course, assignments: Sequence[Assignment]) -> str:
    names = ", ".join(assignment.name for assignment in assignments)
    return textwrap.dedent(
        f'''\
        """nbgrader's configuration for this course, written by `nngrade notebooks` (assignments: {names}).

        Run nbgrader from this folder: nbgrader generate_assignment <assignment>, then release,
        collect and nbgrader autograde <assignment> as usual.
        """

        import os

        c = get_config()  # noqa: F821 -- nbgrader defines get_config() when it reads this file

        _here = os.path.dirname(os.path.abspath(__file__))
        c.CourseDirectory.root = _here
        c.CourseDirectory.course_id = {_course_id(out)!r}
        c.CourseDirectory.db_url = "sqlite:///" + os.path.join(_here, {GRADEBOOK_FILE!r})

        # The first test cell of a notebook grades every check of its module in nngrade's
        # sandbox: each may run up to its wall-clock limit from the course file.
        c.Execute.timeout = {_cell_timeout(course, assignments)}

        # The source notebooks use nbgrader's default delimiters:
        #   {BEGIN_SOLUTION} / {END_SOLUTION} around each solution's body,
        #   {BEGIN_HIDDEN_TESTS} / {END_HIDDEN_TESTS} around each hidden check.

        # The test cells are graded with this course file: its salt (hidden inputs are drawn from it
        # and the student's id), points and limits. It stays here: nbgrader releases only
        # release/<assignment>/, and neither the file nor the salt is written into any notebook.
        {COURSE_FILE_SETTING} = {str(course.path)!r}

        # A late submission loses what the course file's late policy takes, as in `nngrade grade`
        # (grader.delivery.nbgrader_late_penalty). nbgrader finds a submission late against its own
        # due date for the assignment: set it to the course file's with
        #   nbgrader db assignment add <assignment> --duedate '<the course file's due date>'
        c.AssignLatePenalties.plugin_class = "grader.delivery.nbgrader_late_penalty.CourseLatePenalty"
        c.CourseLatePenalty.course_file = {COURSE_FILE_SETTING}
        '''
    )


def write_nbgrader_course(out: Path, *, course: Course, assignments: Sequence[str], overwrite: bool) -> Delivery:
    """Write an nbgrader course for ``assignments`` (default: every assignment of the course file) into ``out``.

    Returns the :class:`Delivery`: the folder and a line per notebook. Raises
    :class:`DeliveryError` when ``out`` already holds files and ``overwrite``
    is false; with ``overwrite``, only ``nbgrader_config.py`` and the
    ``source/<assignment>/`` folders written are replaced -- the gradebook,
    the submissions and every other folder are kept.
    """
    out = Path(out).resolve()
    chosen = [course.assignment(name) for name in dict.fromkeys(assignments)] or list(course.assignments.values())
    for assignment in chosen:
        files = [exercise for exercise in assignment.exercises if exercise.student.kind == "weights"]
        if files:
            raise DeliveryError(
                f"assignment {assignment.name!r} asks for a file handed in beside the code "
                f"({', '.join(f'{e.id}: {e.student.name}' for e in files)}), and nbgrader collects notebooks only: "
                f"grade it with `nngrade grade` or Gradescope, and give nbgrader the other assignments (-a)"
            )
    if out.exists() and not out.is_dir():
        raise DeliveryError(f"{out} is a file: give a folder for the nbgrader course")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise DeliveryError(
            f"{out} already holds files: choose a new folder, or pass --force to rewrite its {NBGRADER_CONFIG_FILE} "
            f"and {SOURCE_FOLDER}/<assignment>/ folders (the gradebook, submissions and other folders are kept)"
        )
    exercises_folder, solutions_folder = _code_folders(course)

    documents: list[tuple[Assignment, dict[str, dict[str, Any]], list[_NotebookSummary]]] = []
    for assignment in chosen:
        notebooks: dict[str, dict[str, Any]] = {}
        summaries = []
        for module in assignment.modules:
            stubs = _ModuleCode.read(exercises_folder / f"{module}.py")
            solutions = _ModuleCode.read(solutions_folder / f"{module}.py")
            writer = _NotebookWriter(assignment, module, stubs, solutions)
            document = writer.document()
            summary = writer.summary()
            _check_delimiters(document, relative=summary.relative)
            notebooks[module] = document
            summaries.append(summary)
        documents.append((assignment, notebooks, summaries))

    # Everything is built before anything is written: a stub that cannot be used leaves the folder as it was.
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for assignment, notebooks, summaries in documents:
        final = out / SOURCE_FOLDER / assignment.name
        final.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{assignment.name}.", dir=final.parent))
        for module, document in notebooks.items():
            text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
            (building / f"{module}.ipynb").write_text(text, encoding="utf-8")
        os.chmod(building, 0o755)
        if final.exists():
            shutil.rmtree(final)
        os.replace(building, final)
        for summary in summaries:
            lines.append(
                f"{summary.relative}: {summary.exercises} exercises, {summary.tests} test cells "
                f"({summary.hidden} hidden), {_points(summary.points)} points"
            )
    write_atomically(out / NBGRADER_CONFIG_FILE, _config_text(out, course, chosen))
    lines.append(f"{NBGRADER_CONFIG_FILE}: gradebook {GRADEBOOK_FILE} here; test cells graded with {course.path}")
    for assignment in chosen:
        if assignment.due is not None:
            # nbgrader's own due date decides which submissions it finds late (and so penalises).
            lines.append(
                f"due date: cd {out} && nbgrader db assignment add {assignment.name} "
                f"--duedate '{assignment.due.isoformat()}'"
            )
    first = chosen[0].name
    lines.append(f"next: cd {out} && nbgrader generate_assignment {first} (then release, collect, autograde as usual)")
    return Delivery(path=out, lines=tuple(lines))
