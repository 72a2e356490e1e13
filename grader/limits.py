"""The limits a sandboxed child runs under, with their defaults and validation.

A course sets its limits once (``[sandbox]`` in its course file) and an
exercise may override some of them (``Exercise.limits``). Per call: wall time
and CPU time. Per child process: memory, processes, file size, open files.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Mapping

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
        if value <= 0:
            raise InvalidDeclaration(f"{where}: {key} must be greater than 0, not {value!r}")
        checked[key] = int(value) if key in _INTEGER_FIELDS else float(value)
    return checked
