"""Which version of an exercise's checks graded a result: a fingerprint of its declaration and code.

The gradebook stores, for every student and exercise, the :class:`CheckVersion`
that graded it. ``nngrade grade`` computes the versions again: an exercise whose
version changed is regraded for the students whose submission did not change,
and only that exercise (:mod:`grader.batch`).

What is hashed, in parts, so that a run can say why an exercise changed:

- ``declaration``: the exercise's id, title, the student function's or class's
  path and kind, its limits, whether it uses torch, its degenerate answers,
  every check's name, points and whether it is hidden, and every known
  mistake's name, hint and variant path;
- ``checks``: the source of every check function;
- ``reference``: the source files of the modules of the NumPy and the torch
  reference (a fix there changes the expected values) and of every mistake
  variant (they decide which mistake is named), read as files, never
  imported (the grading process does not load torch for this), and the
  recorded-reference function;
- ``data files``: the contents of the files the exercise ships;
- ``points``: the exercise's points in this assignment, check by check (the
  course file's ``points`` table scales them).

A check function's source is its own text plus, recursively, the text of
every function and class of its own module it refers to by name (its
helpers), so a fix in a helper changes the version of every exercise whose
checks use it. A reference module is hashed whole: a change anywhere in it
regrades every exercise whose reference or mistakes it holds. Code in other modules (the grader's comparison, NumPy,
torch) is not hashed: a change there is a change of nngrade, which regrades
everything anyway. The text is hashed as written: a change of a comment or of
a blank line counts as a change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import inspect
import json
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from grader.declarations import Exercise
from grader.records import ExerciseInfo

PARTS = ("declaration", "checks", "reference", "data files", "points")
"""the parts of a version, in the order a change is explained"""

_WHY = {
    "declaration": "its declaration (checks, points, limits or mistakes) changed",
    "checks": "the code of its checks changed",
    "reference": "its reference code changed",
    "data files": "its data files changed",
    "points": "its points in this assignment changed",
}


@dataclass(frozen=True)
class CheckVersion:
    """The version of one exercise's checks: a fingerprint and the hashes of its parts (:data:`PARTS`)."""

    fingerprint: str
    parts: Mapping[str, str]

    def why_changed(self, before: "CheckVersion | None") -> str:
        """Why this version differs from ``before``, in words ("" when it does not)."""
        if before is None:
            return "no version of its checks was recorded when it was graded"
        if before.fingerprint == self.fingerprint:
            return ""
        changed = [_WHY[part] for part in PARTS if before.parts.get(part) != self.parts.get(part)]
        return "; ".join(changed) or "its checks changed"

    def parts_json(self) -> str:
        return json.dumps(dict(self.parts), sort_keys=True)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def source_with_helpers(function: Callable[..., Any]) -> str:
    """``function``'s source, then that of every function and class of its module it names, recursively.

    Each text is preceded by its qualified name; the order is the order they are met, so the result is
    the same in every process.
    """
    texts: list[str] = []
    seen: set[int] = set()
    pending: list[Any] = [function]
    while pending:
        item = pending.pop(0)
        item = inspect.unwrap(item) if callable(item) else item
        if id(item) in seen:
            continue
        seen.add(id(item))
        try:
            text = inspect.getsource(item)
        except (OSError, TypeError):
            text = repr(item)  # built in, or made at run time: its name is all there is
        texts.append(f"# {getattr(item, '__module__', '')}.{getattr(item, '__qualname__', '')}\n{text}")
        pending.extend(_helpers_of(item))
    return "\n".join(texts)


def _helpers_of(item: Any) -> list[Any]:
    """The functions and classes of ``item``'s module that its code names."""
    module = getattr(item, "__module__", None)
    if isinstance(item, type):
        codes = [member.__code__ for member in vars(item).values() if isinstance(member, types.FunctionType)]
        namespace = vars(inspect.getmodule(item)) if inspect.getmodule(item) else {}
    elif isinstance(item, types.FunctionType):
        codes, namespace = [item.__code__], item.__globals__
    else:
        return []
    names: list[str] = []
    while codes:
        code = codes.pop(0)
        names += code.co_names
        codes += [const for const in code.co_consts if isinstance(const, types.CodeType)]
    found = []
    for name in dict.fromkeys(names):
        value = namespace.get(name)
        if isinstance(value, (types.FunctionType, type)) and getattr(value, "__module__", None) == module:
            found.append(value)
    return found


def _module_file_digest(path: str | None) -> str:
    """The hash of the file of the module in ``path`` (``"module:function"``), found without importing it."""
    if not path:
        return ""
    name = path.split(":", 1)[0]
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin or not Path(spec.origin).is_file():
        return f"no file for {name}"
    return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()


def code_parts(exercise: Exercise, data_files: Mapping[str, bytes] = {}) -> dict[str, str]:
    """The hashes of the parts of ``exercise``'s version that its declaration and code decide (all but points).

    ``data_files``: the contents of the exercises' data files by path (as grading reads them).
    """
    student = exercise.student
    declaration = {
        "id": exercise.id,
        "title": exercise.title,
        "student": [str(student), student.kind],
        "reference": exercise.reference,
        "torch_reference": exercise.torch_reference,
        "limits": dict(sorted(exercise.limits.items())),
        "uses_torch": exercise.uses_torch,
        "degenerate": list(exercise.degenerate_answers),
        "checks": [[check.name, check.points, check.hidden] for check in exercise.checks],
        "mistakes": [[mistake.name, mistake.hint, mistake.variant] for mistake in exercise.mistakes],
        "data_files": list(exercise.data_files),
    }
    checks = [source_with_helpers(check.function) for check in exercise.checks]
    reference = [
        _module_file_digest(exercise.reference),
        _module_file_digest(exercise.torch_reference),
        source_with_helpers(exercise.recorded_reference) if exercise.recorded_reference else "",
        *(_module_file_digest(mistake.variant) for mistake in exercise.mistakes),
    ]
    data = {
        name: hashlib.sha256(data_files[name]).hexdigest() if name in data_files else "missing"
        for name in exercise.data_files
    }
    return {
        "declaration": _digest(declaration),
        "checks": _digest(checks),
        "reference": _digest(reference),
        "data files": _digest(data),
    }


def check_version(exercise: Exercise, graded_as: ExerciseInfo, data_files: Mapping[str, bytes] = {}) -> CheckVersion:
    """The version of ``exercise``'s checks as an assignment grades it (``graded_as``: its points there)."""
    parts = code_parts(exercise, data_files)
    parts["points"] = _digest([graded_as.max_score, [dataclasses.asdict(check) for check in graded_as.checks]])
    return CheckVersion(fingerprint=_digest([parts[part] for part in PARTS]), parts=parts)


def check_versions(
    exercises: Iterable[Exercise], infos: Iterable[ExerciseInfo], data_files: Mapping[str, bytes] = {}
) -> dict[str, CheckVersion]:
    """Exercise id to its :func:`check_version`, for an assignment's exercises and their infos (same order)."""
    return {
        exercise.id: check_version(exercise, info, data_files) for exercise, info in zip(exercises, infos)
    }
