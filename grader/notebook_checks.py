"""What the notebooks of an nbgrader course call: ``check`` in a self-check cell, ``grade`` in a test cell.

The notebooks written by ``nngrade notebooks`` (:mod:`grader.delivery.nbgrader_course`)
call two functions of this module:

- ``check("perceptron.train")`` runs the exercise's public checks and prints
  a table of points and what to fix;
- ``grade("perceptron.train", "train_worked_example", points=1.2)``, in an
  autograder test cell, runs one check, prints its feedback and returns its
  score. nbgrader scores a test cell whose result is a number with that many
  points (partial credit); a cell that raises scores 0.

Both grade the way ``nngrade grade`` does: the student's code is a module made
from notebook cells by :mod:`grader.submissions.notebooks`, run by the check
runner in nngrade's sandbox -- never the function objects of the kernel. The
grading happens in a grader process that the kernel starts
(``python -I -m grader.notebook_checks``) and reads JSON from, so what the
student's cells did to the kernel (a patched NumPy, a changed ``sys.path``, a
module named ``grader`` in the working folder) does not reach the verdict.

Where the student's code comes from:

- **autograding** (nbgrader sets ``NBGRADER_EXECUTION=autograde`` and runs
  the notebook in ``<course>/autograded/<student>/<assignment>/``): the grader
  process reads the submission in ``<course>/submitted/<student>/<assignment>/``
  as ``nngrade grade <course>`` reads it, and grades every check of the
  notebook's module once, public and hidden, hidden ones on inputs drawn
  from the course's salt and the student's id, with the course file's points
  and limits (one notebook per module: an assignment of two notebooks is
  graded in two halves, never twice). The kernel answers the notebook's test cells from those results.
  The course file is the one named by ``nngrade_course_file`` in
  ``<course>/nbgrader_config.py``; the release version students get holds
  neither that file nor the salt.
- **anywhere else** (a student working in the release notebook, an instructor
  running the source notebook, ``nbgrader validate``): the code cells run so
  far in this kernel, in the order they ran (IPython keeps them), without the
  grader's own cells (those whose first line starts with
  :data:`GRADER_CELL_MARKER`). Every check uses the public inputs and the
  sandbox's default limits; expected values come from the reference code, or
  from the recorded data where no reference code is installed.

Trust limits. nbgrader runs the student's cells and the test cells in one
kernel, as the user who runs ``nbgrader autograde``. Here the verdict is
computed in a fresh process that no student code ran in, and student
functions run only in the sandbox. But the student's own cells still run in
the kernel without a sandbox (that is how nbgrader works), so they can read
what that user can read -- the course file and its salt included -- and can
replace ``grade`` in the kernel or print a number in its place, which nbgrader
would score. This module adds no way around nbgrader and closes none of its
own: run ``nbgrader autograde`` as a user that can read only the course (or
in a container), and cross-check with ``nngrade grade <course> -a <assignment>``,
which runs the same submitted files only in the sandbox and gives the same
scores for every submission that does not tamper with its kernel.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from grader.errors import NngradeError
from grader.results import CheckResult, DiagnosedMistake, ExerciseResult, ModuleProblem, Status, module_problems

GRADER_CELL_MARKER = "# nngrade:"
"""the first line of every cell that is the grader's (test and self-check cells), never the student's code"""
NBGRADER_CONFIG_FILE = "nbgrader_config.py"
COURSE_FILE_SETTING = "nngrade_course_file"
"""the name in ``nbgrader_config.py`` that holds the path of the course file the autograder grades with"""
AUTOGRADED_FOLDER = "autograded"
SUBMITTED_FOLDER = "submitted"
AUTOGRADE_EXECUTION = "autograde"
"""the value nbgrader gives ``NBGRADER_EXECUTION`` while ``nbgrader autograde`` runs a notebook"""
REPLY_FORMAT = 1
POINTS_TOLERANCE = 1e-6


class NotebookCheckError(NngradeError):
    """A notebook's check could not be run, so its cell is not scored.

    Likely causes: the cell runs outside a Jupyter kernel; the notebook is
    autograded outside an nbgrader course written by ``nngrade notebooks``; the
    course file changed the exercise's points after the notebooks were
    written (write them again and run ``nbgrader generate_assignment``); or
    the submission cannot be read (the message says why).
    """


@dataclass(frozen=True)
class GradedCode:
    """What the grader process sends back: one student's check results, or why there are none."""

    results: tuple[CheckResult, ...] = ()
    problem: str = ""
    """why the code could not be graded at all (empty when it was)"""
    notes: tuple[str, ...] = ()
    """what was changed or left out to make the code a module"""
    scaled_by_course: bool = False
    """whether points are the course file's (autograding); else they are as declared, for the kernel to scale"""
    declared_points: dict[str, float] = field(default_factory=dict)
    """exercise id to its points as declared (what a self-check scales from)"""

    def result(self, exercise_id: str, check_name: str) -> CheckResult | None:
        """The result of one check, or ``None`` when it was not graded."""
        for result in self.results:
            if result.exercise_id == exercise_id and result.check_name == check_name:
                return result
        return None

    def of_exercise(self, exercise_id: str) -> tuple[CheckResult, ...]:
        return tuple(result for result in self.results if result.exercise_id == exercise_id)

    def to_plain(self) -> dict[str, Any]:
        """The reply as JSON-ready data."""
        results = []
        for result in self.results:
            plain = dataclasses.asdict(result)
            plain["status"] = result.status.value
            results.append(plain)
        return {
            "format": REPLY_FORMAT,
            "results": results,
            "problem": self.problem,
            "notes": list(self.notes),
            "scaled_by_course": self.scaled_by_course,
            "declared_points": self.declared_points,
        }

    @classmethod
    def from_plain(cls, data: Any) -> "GradedCode":
        """A reply read back from JSON; raises :class:`NotebookCheckError` when it is not one."""
        try:
            if data["format"] != REPLY_FORMAT:
                raise ValueError(f"reply format {data['format']!r}")
            results = tuple(
                CheckResult(
                    **{
                        **plain,
                        "status": Status(plain["status"]),
                        "mistakes": tuple(DiagnosedMistake(**mistake) for mistake in plain["mistakes"]),
                        "problem": ModuleProblem(**plain["problem"]) if plain.get("problem") else None,
                    }
                )
                for plain in data["results"]
            )
            return cls(
                results=results,
                problem=str(data["problem"]),
                notes=tuple(map(str, data["notes"])),
                scaled_by_course=bool(data["scaled_by_course"]),
                declared_points={str(key): float(value) for key, value in data["declared_points"].items()},
            )
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise NotebookCheckError(f"the grader process sent a reply that is not check results ({error})") from None


@dataclass(frozen=True)
class SelfCheckRequest:
    """What the kernel asks the grader process to check outside autograding."""

    exercise_id: str
    source: str
    """the module made from the kernel's cells"""
    include_hidden: bool = False
    """whether the hidden checks run too (on the public seed): only the source version has their cells"""
    notes: tuple[str, ...] = ()
    folder: str = ""
    """the kernel's working folder, whose ``.py`` modules the cells may import (empty: none)"""


# -- in the kernel -------------------------------------------------------------------------


_replies: dict[str, GradedCode] = {}
"""grader replies by what was asked: the same code is graded once per kernel"""


def check(exercise_id: str, *, points: float | None = None) -> None:
    """Run the public checks of ``exercise_id`` and print a table of points and what to fix.

    ``points`` is what the exercise is worth in this notebook when the course
    file changes its declared points. Returns nothing; outside a Jupyter
    kernel (when the grader imports the notebook as a module) it only says so.
    """
    shell = _ipython_shell()
    if shell is None:
        print(f"check({exercise_id!r}) runs in a Jupyter notebook; here it does nothing")
        return
    graded = _graded(shell, exercise_id, include_hidden=False)
    if graded.problem:
        raise NotebookCheckError(f"your notebook could not be checked: {graded.problem}")
    public = tuple(result for result in graded.of_exercise(exercise_id) if not result.hidden)
    if not public:
        raise NotebookCheckError(f"{exercise_id!r} has no public checks in this course")
    result = ExerciseResult(exercise_id=exercise_id, title="", checks=public)
    if not graded.scaled_by_course and points is not None:
        result = _scaled(result, points / graded.declared_points[exercise_id])
    module = exercise_id.partition(".")[0]
    # Autograding reads every notebook of the submission; the notes on this one are the student's concern.
    notes = [note for note in graded.notes if f"{module}.ipynb'" in note or "(module " in note]
    notes = [note for note in notes if "autograder test cell" not in note]
    print(exercise_report(result, notes=notes))


def grade(exercise_id: str, check_name: str, *, points: float) -> float:
    """Run one check, print its feedback, and return its score: what an nbgrader test cell shows.

    ``points`` is what the test cell is worth (its nbgrader points). Raises
    :class:`NotebookCheckError` when the check cannot be scored (an internal
    error, an unreadable submission, a notebook written for other points):
    nbgrader then scores the cell 0, and the message says what to do.
    """
    shell = _ipython_shell()
    if shell is None:
        raise NotebookCheckError(
            f"grade({exercise_id!r}, {check_name!r}) runs in a notebook's test cell; "
            f"outside a notebook, run `nngrade check` on your .py files"
        )
    graded = _graded(shell, exercise_id, include_hidden=False)
    result = graded.result(exercise_id, check_name)
    if result is None and not graded.scaled_by_course:
        # A hidden check outside autograding (the source version): its cell asks for the hidden checks too.
        graded = _graded(shell, exercise_id, include_hidden=True)
        result = graded.result(exercise_id, check_name)
    if graded.problem:
        raise NotebookCheckError(f"this submission could not be graded: {graded.problem}")
    if result is None:
        raise NotebookCheckError(
            f"{exercise_id}::{check_name} is not a check of this assignment in the course file: write the "
            f"notebooks again with `nngrade notebooks` and run `nbgrader generate_assignment`"
        )
    if not graded.scaled_by_course:
        result = _scaled(ExerciseResult(exercise_id, "", (result,)), points / result.max_score).checks[0]
    elif abs(result.max_score - points) > POINTS_TOLERANCE:
        raise NotebookCheckError(
            f"this test cell is worth {points:g} points, but the course file makes {exercise_id}::{check_name} "
            f"worth {result.max_score:g}: write the notebooks again with `nngrade notebooks` and run "
            f"`nbgrader generate_assignment`, or change the course file back"
        )
    print(check_report(result))
    if result.score is None:
        raise NotebookCheckError(
            f"{exercise_id}::{check_name} was not scored because of a fault in the grader, not in this code; "
            f"grade the notebook again, and report the message above if it stays"
        )
    # nbgrader refuses a cell score above the cell's points; rounding must not push one there.
    return float(min(result.score, points))


def _scaled(result: ExerciseResult, factor: float) -> ExerciseResult:
    from grader.student_grading import scaled

    return scaled(result, factor)


def _ipython_shell() -> Any:
    """The running IPython shell, or ``None`` outside a kernel (IPython is never imported here)."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    return get() if callable(get) else None


def _autograde_folder() -> Path | None:
    """The autograded notebook's folder while ``nbgrader autograde`` runs this kernel, else ``None``."""
    if os.environ.get("NBGRADER_EXECUTION") != AUTOGRADE_EXECUTION:
        return None
    return Path.cwd()


def _graded(shell: Any, exercise_id: str, *, include_hidden: bool) -> GradedCode:
    """The grader's reply for this notebook: from the submission when autograding, else from the kernel's cells."""
    folder = _autograde_folder()
    module = exercise_id.partition(".")[0]
    if folder is not None:
        arguments = ["autograde", str(folder), "--module", module]
        key = json.dumps(arguments)
        if key not in _replies:
            _replies[key] = _ask_grader(arguments, None)
        return _replies[key]
    source, notes = kernel_module_source(list(shell.history_manager.input_hist_raw))
    request = SelfCheckRequest(
        exercise_id=exercise_id,
        source=source,
        include_hidden=include_hidden,
        notes=tuple(f"{note} (module {module})" for note in notes),
        folder=str(Path.cwd()),
    )
    plain = dataclasses.asdict(request)
    key = hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()
    if key not in _replies:
        _replies[key] = _ask_grader(["self-check"], plain)
    return _replies[key]


def _ask_grader(arguments: list[str], request: dict[str, Any] | None) -> GradedCode:
    """Run the grader process and read its reply."""
    # -I: the grader ignores PYTHON* variables and the working folder, which hold what the student left there.
    command = [sys.executable, "-I", "-m", "grader.notebook_checks", *arguments]
    try:
        completed = subprocess.run(
            command, input=json.dumps(request) if request is not None else "", capture_output=True, text=True
        )
    except OSError as error:
        raise NotebookCheckError(f"the grader process could not be started ({error}): is nngrade installed?") from None
    if completed.returncode != 0:
        tail = "\n".join(completed.stderr.strip().splitlines()[-15:]) or f"exit status {completed.returncode}"
        raise NotebookCheckError(f"the grader could not grade this notebook:\n{tail}")
    try:
        data = json.loads(completed.stdout)
    except json.JSONDecodeError:
        raise NotebookCheckError("the grader process sent a reply that is not JSON") from None
    return GradedCode.from_plain(data)


def is_grader_cell(source: str) -> bool:
    """Whether a cell is the grader's (a test or self-check cell): its first non-blank line is the marker."""
    for line in source.splitlines():
        if line.strip():
            return line.lstrip().startswith(GRADER_CELL_MARKER)
    return False


def kernel_module_source(history: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """The module made of a kernel's input history, and notes on the cells left out.

    ``history`` is IPython's raw input history (entry ``n`` is ``In [n]``).
    The grader's cells are left out, IPython syntax becomes Python as in
    :func:`grader.submissions.notebooks.cell_to_python`, and a cell that does
    not compile is left out too: it ran nothing in the kernel.
    """
    from grader.submissions.notebooks import cell_to_python

    changes: Counter = Counter()
    pieces: list[str] = []
    notes: list[str] = []
    for number, raw in enumerate(history):
        if not raw.strip() or is_grader_cell(raw):
            continue
        python = cell_to_python(raw, changes)
        if python is None:
            continue
        try:
            compile(python, f"In [{number}]", "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as error:
            notes.append(
                f"In [{number}] was left out: it does not compile ({error}), so it ran nothing in the kernel; "
                f"fix it before you submit, because the notebook is graded as one file"
            )
            continue
        pieces.append(f"# In [{number}]\n{python.rstrip()}\n")
    if not pieces:
        notes.append("no code cells have run in this kernel yet: run your cells, then this one")
    return "\n\n".join(pieces), tuple(notes)


def check_report(result: CheckResult) -> str:
    """What a test cell prints for one check: status and points, and for a public check its feedback."""
    score = "-" if result.score is None else f"{result.score:g}"
    kind = " (hidden)" if result.hidden else ""
    lines = [f"{result.test_id}{kind}: {result.status} ({score}/{result.max_score:g} points)"]
    if result.hidden:
        lines.append("A hidden check: its inputs and feedback are not shown.")
    else:
        lines.append(result.feedback)
        if result.problem is not None:
            # A test cell is read on its own: it has no top of the run to say the problem once.
            lines.append(result.problem.message)
        if result.output:
            lines.append(f"--- your code printed ---\n{result.output}")
    return "\n".join(lines)


def exercise_report(result: ExerciseResult, *, notes: Sequence[str] = ()) -> str:
    """What a self-check cell prints: the table of checks and points, then what to fix."""
    from grader.feedback import problems_text, results_table

    parts = [results_table([result])]
    problems = problems_text(module_problems([result]))
    if problems:
        parts.insert(0, problems)
    unfinished = [check for check in result.checks if check.status is not Status.PASSED]
    if unfinished:
        parts.append("What to fix:")
        for check in unfinished:
            score = "-" if check.score is None else f"{check.score:g}"
            text = f"== {check.test_id} [{check.status}, {score}/{check.max_score:g}]\n{check.feedback}"
            if check.output:
                text += f"\n--- your code printed ---\n{check.output}"
            parts.append(text)
    if notes:
        parts.append("Notes:\n" + "\n".join(f"- {note}" for note in notes))
    return "\n\n".join(parts)


# -- in the grader process -------------------------------------------------------------------


def course_file_of(course_folder: Path) -> Path:
    """The course file named in the nbgrader course's ``nbgrader_config.py``.

    The file is read as Python syntax, never run. Raises
    :class:`NotebookCheckError` when it names none.
    """
    config = course_folder / NBGRADER_CONFIG_FILE
    try:
        tree = ast.parse(config.read_text(encoding="utf-8"), filename=str(config))
    except (OSError, SyntaxError, ValueError) as error:
        raise NotebookCheckError(
            f"{config} cannot be read ({error}): write the course with `nngrade notebooks`"
        ) from None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == COURSE_FILE_SETTING for target in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            path = Path(node.value.value)
            return path if path.is_absolute() else course_folder / path
    raise NotebookCheckError(
        f"{config} does not name a course file ({COURSE_FILE_SETTING} = \"/path/to/course.toml\"): "
        f"write the nbgrader course with `nngrade notebooks`, or add that line"
    )


def autograde_results(folder: Path, *, module: str | None = None) -> GradedCode:
    """Grade the submission behind an autograded notebook folder as ``nngrade grade <course>`` would.

    ``folder`` is ``<course>/autograded/<student>/<assignment>``; the code read
    is ``<course>/submitted/<student>/<assignment>/``, all of it, so a file
    that cannot be read costs every notebook as it costs the submission in
    ``nngrade grade``. Every check of the assignment's exercises in
    ``module`` (all of them when None) runs, public and hidden, with the
    course file's salt, points and limits.
    """
    from grader.batch import protected_paths
    from grader.student_grading import GradingSettings, grade_student
    from grader.course import load_course
    from grader.registry import load_registry
    from grader.sandbox import Sandbox

    folder = folder.resolve()
    assignment_name, student, step = folder.name, folder.parent.name, folder.parent.parent
    course_folder = step.parent
    if step.name != AUTOGRADED_FOLDER or not (course_folder / NBGRADER_CONFIG_FILE).is_file():
        raise NotebookCheckError(
            f"the notebook runs in {folder}, not in <course>/{AUTOGRADED_FOLDER}/<student>/<assignment>/ of an "
            f"nbgrader course with its {NBGRADER_CONFIG_FILE}: run `nbgrader autograde` from the course folder "
            f"written by `nngrade notebooks`, with nbgrader's default folder names"
        )
    course = load_course(course_file_of(course_folder), load_registry())
    assignment = course.assignment(assignment_name)
    student_id, sources, problem, notes = _submitted_sources(
        course_folder, student, assignment_name, assignment.modules
    )
    if problem:
        return GradedCode(problem=problem, notes=notes, scaled_by_course=True)
    exercises = [exercise for exercise in assignment.exercises if module is None or exercise.student.module == module]
    if not exercises:
        raise NotebookCheckError(
            f"assignment {assignment_name!r} has no exercise in module {module!r}; its modules are "
            f"{', '.join(assignment.modules)}"
        )
    settings = GradingSettings(
        salt=course.salt,
        exercise_ids=tuple(exercise.id for exercise in exercises),
        scales={exercise.id: assignment.scale(exercise) for exercise in assignment.exercises},
        limits=course.limits,
        budget=assignment.budget,
        protected=protected_paths(course, course_folder, course_folder),
    )
    with Sandbox(settings.limits, protected=list(settings.protected)) as sandbox:
        graded = grade_student(student_id, sources, settings, sandbox)
    results = tuple(check for exercise in graded.exercises for check in exercise.checks)
    return GradedCode(results=results, notes=notes, scaled_by_course=True)


def _submitted_sources(
    course_folder: Path, student: str, assignment: str, modules: Sequence[str]
) -> tuple[str, dict[str, bytes], str, tuple[str, ...]]:
    """(student id, module sources, problem, notes) of one nbgrader submission, read as the batch loader reads it."""
    from grader.submissions.nbgrader_layout import NBGRADER_FILES, list_nbgrader_entries
    from grader.submissions.sources import module_sources
    from grader.submissions.student_folder import read_student_folder
    from grader.student_ids import escaped_student_id, unsafe_student_id_reason

    root = course_folder.resolve()
    student_id = escaped_student_id(student)
    entries = [
        entry
        for entry in list_nbgrader_entries(root / SUBMITTED_FOLDER, root=root, assignment=assignment)
        if entry.student_id == student
    ]
    if not entries:
        return student_id, {}, f"there is no {SUBMITTED_FOLDER}/{student}/{assignment}/ to grade", ()
    entry = entries[0]
    if entry.form == "other":
        return student_id, {}, entry.refused, ()
    files = read_student_folder(entry.path, shown=entry.relative, root=root, skip=NBGRADER_FILES)
    found = module_sources(files, shown=entry.relative, modules=modules)
    problems = [found.problem] if found.problem else []
    reason = unsafe_student_id_reason(student)
    if reason:
        problems.insert(
            0,
            f"the student id {student!r} taken from '{entry.relative}' {reason}, so it cannot name the student's "
            f"files: rename the entry, or give the student a plain id in a roster",
        )
    return student_id, dict(found.sources), "; ".join(problems), tuple(found.notes)


def defines_name(source: str, name: str, module: str) -> bool:
    """Whether kernel cells bind ``name`` at their top level other than by importing it from ``module`` itself.

    A ``def``, a ``class``, an assignment, or an import from another module
    (a helper module of the student's) binds it; ``from perceptron import
    predict`` in a notebook checking ``perceptron.predict`` does not: the
    function then lives in ``perceptron.py``.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(target, ast.Name) and target.id == name for target in targets):
                return True
        if isinstance(node, ast.ImportFrom) and not (node.level == 0 and node.module == module):
            if any((alias.asname or alias.name) == name for alias in node.names):
                return True
    return False


def imports_module(source: str, module: str) -> bool:
    """Whether kernel cells import ``module`` itself (``import perceptron``, ``from perceptron import ...``)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return any(_imports_itself(node, module) for node in ast.walk(tree))


def _imports_itself(node: ast.AST, module: str) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and node.module == module
    if isinstance(node, ast.Import):
        return any(alias.name == module for alias in node.names)
    return False


def _self_import_replacement(node: ast.Import | ast.ImportFrom, module: str) -> str:
    """One line of Python that binds what an import of ``module`` bound, from the module's own names."""
    if isinstance(node, ast.ImportFrom):
        bound = [
            f"{alias.asname or alias.name} = __import__('sys').modules[__name__].{alias.name}"
            for alias in node.names
            if alias.name != "*"
        ]
        return "; ".join(bound) or "pass"
    pieces = []
    for alias in node.names:
        if alias.name == module:
            pieces.append(f"{alias.asname or alias.name} = __import__('sys').modules[__name__]")
        else:
            pieces.append(f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else ""))
    return "; ".join(pieces)


def without_self_imports(source: str, module: str) -> str:
    """``source`` with every import of ``module`` replaced by assignments from the module's own names.

    For cells appended to ``module``'s own file: ``from perceptron import
    step`` binds ``step`` to the module's own ``step`` (in a function too),
    ``import perceptron`` binds the module itself. Lines keep their numbers.
    """
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    encoded = [line.encode("utf-8") for line in lines]

    def position(lineno: int, col: int) -> int:  # ast columns count UTF-8 bytes
        return offsets[lineno - 1] + len(encoded[lineno - 1][:col].decode("utf-8", "replace"))

    changes = sorted(
        (
            (position(node.lineno, node.col_offset), position(node.end_lineno, node.end_col_offset), node)
            for node in ast.walk(tree)
            if _imports_itself(node, module)
        ),
        key=lambda change: change[0],
        reverse=True,
    )
    for start, end, node in changes:
        replaced = source[start:end]
        source = source[:start] + _self_import_replacement(node, module) + "\n" * replaced.count("\n") + source[end:]
    return source


def notebook_sources(request: SelfCheckRequest, exercise_module: str, name: str) -> tuple[dict[str, bytes], str]:
    """The modules a notebook's self-check runs, and why there are none (empty when there are).

    The kernel's working folder supplies the student's ``.py`` modules. The
    exercise's module is the kernel's cells when they define the function
    (after the folder's file of that name, when the cells import from it),
    else the folder's file, so ``from perceptron import predict`` in a cell
    checks ``perceptron.py``.
    """
    from grader.sandbox import SandboxedStudentCode

    folder = Path(request.folder) if request.folder else None
    sources: dict[str, bytes] = {}
    if folder is not None and folder.is_dir():
        with SandboxedStudentCode(folder) as files:
            sources = dict(files.sources())
    on_disk = sources.get(exercise_module)
    if defines_name(request.source, name, exercise_module):
        if on_disk is not None and imports_module(request.source, exercise_module):
            cells = without_self_imports(request.source, exercise_module)
            sources[exercise_module] = on_disk + f"\n\n# the notebook's cells\n{cells}".encode("utf-8")
        else:
            sources[exercise_module] = request.source.encode("utf-8")
        return sources, ""
    if on_disk is not None:
        return sources, ""
    where = f" ({folder})" if folder is not None else ""
    if imports_module(request.source, exercise_module):
        return sources, (
            f"your cells import from {exercise_module}, but there is no {exercise_module}.py in the notebook's "
            f"folder{where}: save your module there, or define {name} in a cell of this notebook"
        )
    sources[exercise_module] = request.source.encode("utf-8")
    return sources, ""


def self_check_results(request: SelfCheckRequest) -> GradedCode:
    """Run one exercise's checks on the notebook's code, on the public inputs, at declared points."""
    from grader.course import selfcheck_code_options
    from grader.registry import load_registry
    from grader.runner import grade_exercise
    from grader.sandbox.runners import self_check_runner
    from grader.seeds import SeedPolicy
    from grader.selfcheck import make_expectations

    runner = self_check_runner()  # the sandbox, or off Linux the portable runner
    runner.start_soon("numpy")
    exercise = load_registry().get(request.exercise_id)
    sources, problem = notebook_sources(request, exercise.student.module, exercise.student.name)
    if problem:
        return GradedCode(problem=problem, notes=request.notes, declared_points={exercise.id: exercise.points})
    # The course's limits, packages and data files, as a self-check of the module's file gets them.
    options = selfcheck_code_options(request.folder or Path.cwd(), [exercise])
    with runner.student_code(Path("/nonexistent") / "notebook", sources=sources, **options) as code:
        result = grade_exercise(
            exercise, code, expectations=make_expectations(), seeds=SeedPolicy(), include_hidden=request.include_hidden
        )
    notes = request.notes
    if runner.notice:
        notes += (f"{runner.notice} (module {exercise.student.module})",)
    return GradedCode(results=result.checks, notes=notes, declared_points={exercise.id: exercise.points})


def _read_request(text: str) -> SelfCheckRequest:
    try:
        data = json.loads(text)
        return SelfCheckRequest(
            exercise_id=str(data["exercise_id"]),
            source=str(data["source"]),
            include_hidden=bool(data.get("include_hidden", False)),
            notes=tuple(map(str, data.get("notes", ()))),
            folder=str(data.get("folder", "")),
        )
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise NotebookCheckError(f"the request on standard input is not a self-check request ({error})") from None


def main(argv: Sequence[str] | None = None) -> int:
    """The grader process: grade, then write the reply as JSON on standard output.

    Exit status 0 with a reply (a submission that cannot be read is a reply
    with a problem), 2 when the course or the request is wrong (the message
    is on standard error).
    """
    parser = argparse.ArgumentParser(
        prog="python -m grader.notebook_checks",
        description="The grader process behind nngrade's notebook checks (started by the notebook's kernel).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    autograde = commands.add_parser("autograde", help="grade the submission behind an autograded notebook folder")
    autograde.add_argument("folder", help="<course>/autograded/<student>/<assignment>")
    autograde.add_argument("--module", help="grade only the exercises of this module (the notebook's)")
    commands.add_parser("self-check", help="check kernel cells sent as a JSON request on standard input")
    args = parser.parse_args(argv)
    reply_stream = sys.stdout
    try:
        # Only the reply goes to standard output; anything else printed while grading goes to standard error.
        with contextlib.redirect_stdout(sys.stderr):
            if args.command == "autograde":
                graded = autograde_results(Path(args.folder), module=args.module)
            else:
                graded = self_check_results(_read_request(sys.stdin.read()))
    except NngradeError as error:
        print(f"nngrade: {error}", file=sys.stderr)
        return 2
    json.dump(graded.to_plain(), reply_stream)
    reply_stream.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
