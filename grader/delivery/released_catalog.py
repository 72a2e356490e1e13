"""The catalog a student bundle ships: only the released exercises and their public checks.

The course's catalog modules (``grader/catalog/``) declare every exercise with
its public and hidden checks. A bundle ships them rewritten, from their
syntax tree:

- ``EXERCISES`` keeps only the released exercises;
- each released exercise keeps only its public checks (a ``Check(...)`` with
  ``hidden=True`` is dropped from its declaration);
- every top-level function, class or constant that nothing kept refers to is
  dropped, which takes the hidden checks' code, names and docstrings with it.

Each module then ends with a call of
:func:`grader.declarations.released_exercises`, which keeps the released
exercises and their public checks (also where an exercise is built by a
helper), scales their points as the course sets them, and gives their calls
the course's grading limits, so the self-check stops a call where grading
would.

A catalog module that holds no released exercise but that a released one
imports from is shipped with only what is imported from it. ``TOPIC_MODULES``
lists only the modules that hold released exercises.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from grader.declarations import Exercise
from grader.delivery.package_files import DeliveryFile, installed_package_folder, text_file
from grader.delivery.summary import DeliveryError

CATALOG = "grader.catalog"


@dataclass(frozen=True)
class ReleasedExercise:
    """How one exercise is released: its points factor and the limits its calls run under."""

    factor: float = 1.0
    """the course's points for the exercise over its declared points (1: as declared)"""
    limits: Mapping[str, Any] = field(default_factory=dict)
    """every limit of a call, as the course grades it (empty: the exercise's own)"""


def catalog_module(exercise: Exercise) -> str:
    """The catalog module (``perceptron``) that declares ``exercise``, from its check functions."""
    module = exercise.checks[0].function.__module__
    if not module.startswith(f"{CATALOG}."):
        raise DeliveryError(f"{exercise.id} is declared in {module}, outside {CATALOG}; only catalog exercises can be released")
    return module.removeprefix(f"{CATALOG}.")


def _source(module: str) -> str:
    return (installed_package_folder("grader") / "catalog" / f"{module}.py").read_text(encoding="utf-8")


def _catalog_imports(tree: ast.Module) -> dict[str, set[str]]:
    """The catalog modules ``tree`` imports from, each with the names it takes."""
    imported: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(f"{CATALOG}."):
            names = imported.setdefault(node.module.removeprefix(f"{CATALOG}."), set())
            names.update(alias.name for alias in node.names)
    return imported


def _keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((keyword for keyword in call.keywords if keyword.arg == name), None)


def _is_call_of(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _is_hidden(check: ast.expr) -> bool:
    if not _is_call_of(check, "Check"):
        return False
    hidden = _keyword(check, "hidden")  # type: ignore[arg-type]
    if hidden is None:
        return False
    if not isinstance(hidden.value, ast.Constant):
        raise DeliveryError(f"a Check's hidden= must be written True or False, not {ast.unparse(hidden.value)}")
    return bool(hidden.value.value)


def _exercise_id(call: ast.Call) -> str | None:
    keyword = _keyword(call, "id")
    if keyword is not None and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
        return keyword.value.value
    return None


def _exercise_calls(tree: ast.Module) -> dict[str, ast.Call]:
    return {
        exercise_id: node
        for node in ast.walk(tree)
        if _is_call_of(node, "Exercise") and (exercise_id := _exercise_id(node)) is not None  # type: ignore[arg-type]
    }


def _strip_hidden_checks(call: ast.Call) -> None:
    checks = _keyword(call, "checks")
    if checks is not None and isinstance(checks.value, (ast.Tuple, ast.List)):
        checks.value.elts = [check for check in checks.value.elts if not _is_hidden(check)]


def _exercises_statement(tree: ast.Module) -> ast.Assign | ast.AnnAssign | None:
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(target, ast.Name) and target.id == "EXERCISES" for target in targets):
            return node  # type: ignore[return-value]
    return None


def _keep_released(tree: ast.Module, module: str, released: Mapping[str, ReleasedExercise]) -> None:
    """Narrow ``EXERCISES`` to the released exercises and strip their hidden checks."""
    calls = _exercise_calls(tree)
    for exercise_id, call in calls.items():
        if exercise_id in released:
            _strip_hidden_checks(call)
    statement = _exercises_statement(tree)
    if statement is None or not isinstance(statement.value, (ast.Tuple, ast.List)):
        raise DeliveryError(f"{CATALOG}.{module} must declare EXERCISES as a tuple to be released")
    by_name = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if _is_call_of(node.value, "Exercise"):
                by_name[node.targets[0].id] = _exercise_id(node.value)  # type: ignore[arg-type]

    def kept(element: ast.expr) -> bool:
        # An exercise built by a helper (not a literal Exercise(...)) is kept here; the filter appended to the
        # module (see released_catalog) then keeps it only when it is released, without its hidden checks.
        if isinstance(element, ast.Name) and element.id in by_name:
            return by_name[element.id] in released
        if _is_call_of(element, "Exercise"):
            return _exercise_id(element) in released  # type: ignore[arg-type]
        return True

    statement.value.elts = [element for element in statement.value.elts if kept(element)]


def _defined_names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return [name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name)]


def _used_names(node: ast.AST) -> set[str]:
    return {name.id for name in ast.walk(node) if isinstance(name, ast.Name)}


def _prune(tree: ast.Module, roots: Iterable[str]) -> None:
    """Drop every top-level definition that neither ``roots`` nor a kept statement refers to."""
    definitions = [(node, _defined_names(node)) for node in tree.body]
    defining = {name for _, names in definitions for name in names}
    needed = set(roots)
    # Statements that define nothing (imports, the docstring, a bare call) are always kept, so what they use is needed.
    for node, names in definitions:
        if not names or not (set(names) <= defining):
            needed |= _used_names(node)
    changed = True
    while changed:
        changed = False
        for node, names in definitions:
            if names and set(names) & needed:
                more = _used_names(node) - needed
                if more:
                    needed |= more
                    changed = True
    tree.body = [node for node, names in definitions if not names or set(names) & needed]


def released_catalog(
    exercises: Sequence[Exercise], released: Mapping[str, ReleasedExercise] | None = None
) -> list[DeliveryFile]:
    """The bundle's ``grader/catalog/`` files for ``exercises``: released, pruned, with its own ``TOPIC_MODULES``.

    ``released`` maps an exercise id to how it is released (points and
    limits); an exercise missing from it keeps its declared points and limits.
    """
    settings = {exercise.id: (released or {}).get(exercise.id, ReleasedExercise()) for exercise in exercises}
    order = list(importlib.import_module(CATALOG).TOPIC_MODULES)
    topics = {catalog_module(exercise) for exercise in exercises}
    topic_modules = [module for module in order if module in topics]

    trees: dict[str, ast.Module] = {}
    needed: dict[str, set[str]] = {module: {"EXERCISES"} for module in topic_modules}
    pending = list(topic_modules)
    while pending:
        module = pending.pop()
        if module not in trees:
            trees[module] = ast.parse(_source(module))
            if module in topics:
                _keep_released(trees[module], module, settings)
        for other, names in _catalog_imports(trees[module]).items():
            if not names <= needed.get(other, set()) or other not in trees:
                needed.setdefault(other, set()).update(names)
                pending.append(other)
    files = []
    for module in sorted(trees):
        tree = trees[module]
        _prune(tree, needed[module])
        text = ast.unparse(tree) + "\n"
        if module in topics:
            table = {
                exercise.id: (settings[exercise.id].factor, dict(settings[exercise.id].limits))
                for exercise in exercises
                if catalog_module(exercise) == module
            }
            text += (
                "\nfrom grader.declarations import released_exercises as _released_exercises\n"
                f"EXERCISES = _released_exercises(EXERCISES, {table!r})\n"
            )
        files.append(text_file(f"grader/catalog/{module}.py", text))
    listing = ",\n".join(f"    {module!r}" for module in topic_modules)
    files.append(
        text_file(
            "grader/catalog/__init__.py",
            f'"""The exercises released in this bundle, one topic module each."""\n\nTOPIC_MODULES = (\n{listing},\n)\n',
        )
    )
    return files
