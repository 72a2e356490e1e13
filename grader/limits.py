"""The limits a sandboxed child runs under, with their defaults and validation.

A course sets its limits once (``[sandbox]`` in its course file) and an
exercise may override some of them (``Exercise.limits``). Per call: wall time
and CPU time. Per child process: memory, processes, file size, open files.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from grader.errors import InvalidDeclaration


@dataclass(frozen=True)
class Limits:
    """What student code may use. Every field has a default that suits the course's exercises."""

    wall_seconds: float = 30.0
    """wall-clock time of one call; the child's whole process tree is killed after it"""
    cpu_seconds: float = 10.0
    """CPU time of one call (threads add up)"""
    memory_mb: int = 2048
    """address space the student's code may add to the interpreter's own (NumPy, and torch when loaded)"""
    processes: int = 32
    """processes and threads the sandbox user may run at once"""
    file_size_mb: int = 64
    """largest file the code may write; printed output counts as one"""
    open_files: int = 64
    """file descriptors open at once"""
    output_chars: int = 4000
    """characters of printed output kept per call; the rest is cut with a note"""
    result_mb: int = 64
    """largest value one call may return"""

    def merged(self, overrides: Mapping[str, Any] | None, *, where: str = "limits") -> "Limits":
        """These limits with ``overrides`` applied, each validated."""
        if not overrides:
            return self
        return dataclasses.replace(self, **validate_limits(overrides, where=where))

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def process_key(self) -> tuple[Any, ...]:
        """The limits fixed when a child starts; children with equal keys are interchangeable."""
        return (self.memory_mb, self.processes, self.file_size_mb, self.open_files, self.result_mb)


@dataclass(frozen=True)
class Budget:
    """The most one student's code may use over all its calls while one assignment is graded.

    Per-call limits bound one call; a submission that takes just under them on
    every call would still hold a grading worker for minutes. The budget bounds
    the whole: once it is spent, the student's remaining checks are timed out
    with a message saying so, and the batch moves on. Time counts from a
    request's sending to its reply's reading (a child's start, loading the
    student's modules and reading a large reply included).
    """

    wall_seconds: float
    """wall-clock time of all the calls together"""
    cpu_seconds: float
    """CPU time the student's children use over all the calls together"""

    @classmethod
    def default_for(cls, call_limits: Iterable[Limits]) -> "Budget":
        """One call's limits per exercise, pooled over the assignment.

        ``call_limits`` holds each exercise's per-call limits (the course's,
        with the exercise's overrides). A correct solution takes a small part
        of one call's limit over all of an exercise's checks, so pooling lets
        a slow exercise borrow from fast ones, and code that loops forever in
        one function still leaves the other exercises their time.
        """
        limits = list(call_limits)
        return cls(
            wall_seconds=sum(limit.wall_seconds for limit in limits) or Limits.wall_seconds,
            cpu_seconds=sum(limit.cpu_seconds for limit in limits) or Limits.cpu_seconds,
        )

    def as_dict(self) -> dict[str, float]:
        return dataclasses.asdict(self)


BUDGET_KEYS = ("wall_seconds", "cpu_seconds")


def validate_budget(values: Any, *, where: str = "budget") -> Budget:
    """A :class:`Budget` from a course file's table; raise :class:`InvalidDeclaration` naming the key."""
    if not isinstance(values, Mapping):
        raise InvalidDeclaration(f"{where}: must be a table such as {{ wall_seconds = 120, cpu_seconds = 60 }}")
    unknown = sorted(set(values) - set(BUDGET_KEYS))
    if unknown:
        raise InvalidDeclaration(f"{where}: unknown key {unknown[0]!r}; the keys are {', '.join(BUDGET_KEYS)}")
    missing = [key for key in BUDGET_KEYS if key not in values]
    if missing:
        raise InvalidDeclaration(f"{where}: give both {' and '.join(BUDGET_KEYS)} (missing: {', '.join(missing)})")
    checked = {}
    for key in BUDGET_KEYS:
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or not math.isfinite(value):
            raise InvalidDeclaration(f"{where}: {key} must be a number of seconds greater than 0, not {value!r}")
        checked[key] = float(value)
    return Budget(**checked)


MAX_RESULT_MB = 128
"""The largest ``result_mb`` a course may set: a reply, and any request that passes it on whole (a
derivation answer to its judge), stays below :data:`grader.sandbox.wire.MAX_REQUEST_BYTES`."""

_FIELDS = {field.name: field for field in dataclasses.fields(Limits)}
_INTEGER_FIELDS = {"memory_mb", "processes", "file_size_mb", "open_files", "output_chars", "result_mb"}


def validate_limits(values: Mapping[str, Any], *, where: str = "limits") -> dict[str, Any]:
    """Check a mapping of limit names to values; raise :class:`InvalidDeclaration` naming the key."""
    checked: dict[str, Any] = {}
    for key, value in values.items():
        if key not in _FIELDS:
            known = ", ".join(sorted(_FIELDS))
            raise InvalidDeclaration(f"{where}: unknown limit {key!r}; the limits are {known}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidDeclaration(f"{where}: {key} must be a number, not {value!r}")
        if key in _INTEGER_FIELDS and value != int(value):
            raise InvalidDeclaration(f"{where}: {key} must be a whole number, not {value!r}")
        if not value > 0 or not math.isfinite(value):
            raise InvalidDeclaration(f"{where}: {key} must be a finite number greater than 0, not {value!r}")
        if key == "result_mb" and value > MAX_RESULT_MB:
            raise InvalidDeclaration(
                f"{where}: result_mb may be at most {MAX_RESULT_MB} (a returned value is passed on whole, "
                f"within the sandbox's one request limit), not {value!r}"
            )
        checked[key] = int(value) if key in _INTEGER_FIELDS else float(value)
    return checked
