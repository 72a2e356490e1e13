"""The one way checks reach student code.

:class:`StudentCode` is the interface: call a student function on inputs, get
plain data back, within limits, or one of the
:class:`~grader.errors.StudentCodeProblem` exceptions. Checks never import
student modules themselves.

- :class:`grader.sandbox.SandboxedStudentCode` runs student code in isolated,
  resource-limited child processes. Every grading path uses it: the
  self-check, the pytest plugin and instructor grading.
- :class:`InProcessStudentCode` runs the student's modules inside the current
  process. It is NOT a security boundary; it exists as the baseline that the
  sandbox's benchmark measures against.
- :class:`TrustedStudentCode` calls trusted functions (references, mistake
  variants) in the student's place.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import linecache
import os
import signal
import sys
import threading
import time
import traceback
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Protocol

from grader.declarations import StudentFunction
from grader.errors import (
    StudentCodeUnavailable,
    StudentNotImplemented,
    StudentRaised,
    StudentTimedOut,
)
from grader.plain_data import to_plain

MAX_OUTPUT_CHARS = 4000


@dataclass
class CallOutcome:
    """What one call returned, converted to plain data, and what it printed."""

    value: Any
    output: str
    seconds: float
    cpu_seconds: float | None = None
    """CPU time the call used, where the runner measures it"""
    limit_note: str = ""
    """that the call used more than half of its CPU or wall-clock limit, in words (see :func:`limit_use`)"""
    limit_share: float = 0.0
    """the larger of the shares of its CPU and wall-clock limits the call used"""


LIMIT_NOTE_SHARE = 0.5
"""a call that uses more than this share of a time limit gets a note, passing or not"""


def limit_use(name: str, *, seconds: float, cpu_seconds: float | None, limits: Any) -> tuple[float, str]:
    """The larger share of its time limits a call of ``name`` used, and a note when it is over half.

    ``limits`` has ``cpu_seconds`` and ``wall_seconds`` (a
    :class:`~grader.limits.Limits`). The note reads "'train' used 1.4 s of its
    2 s CPU limit": grading stops a call at its limit, so a call that comes
    close passes on one machine and times out on a slower one.
    """
    shares = [(seconds / limits.wall_seconds, seconds, limits.wall_seconds, "wall-clock")]
    if cpu_seconds is not None:
        shares.append((cpu_seconds / limits.cpu_seconds, cpu_seconds, limits.cpu_seconds, "CPU"))
    share, used, limit, kind = max(shares)
    if share <= LIMIT_NOTE_SHARE:
        return share, ""
    return share, (
        f"'{name}' used {used:.1f} s of its {limit:g} s {kind} limit: grading stops a call at its limit, "
        "so make it faster before it comes closer"
    )


class StudentCode(Protocol):
    """Calls student functions. Implementations decide where the code runs."""

    def call(
        self,
        function: StudentFunction,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        limits: Mapping[str, Any] | None = None,
        torch: bool = False,
        hidden: bool = False,
    ) -> CallOutcome:
        """Call ``function(*args, **kwargs)`` and return its value as plain data.

        ``limits`` overrides the course's sandbox limits for this call (see
        :class:`grader.sandbox.Limits`); ``torch`` says the code needs torch;
        ``hidden`` says the call belongs to a hidden check, whose inputs must
        never reach what a public check's call can show (an implementation
        that isolates code runs it in processes public checks never use).
        Raises a :class:`~grader.errors.StudentCodeProblem` subclass when the
        function cannot be called, raises, is not implemented, times out or
        ends its process.
        """
        ...


class _Timeout(BaseException):
    """Raised into student code by the alarm; a BaseException so ``except Exception`` cannot swallow it."""


def _truncate(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n... (output truncated: {len(text) - limit} more characters)"


class InProcessStudentCode:
    """Student modules loaded from ``folder`` and called in this process."""

    def __init__(self, folder: str | os.PathLike[str], *, wall_seconds: float = 30.0) -> None:
        self.folder = Path(folder).resolve()
        self.wall_seconds = wall_seconds
        self._modules: dict[str, types.ModuleType] = {}

    def __repr__(self) -> str:
        return f"InProcessStudentCode({str(self.folder)!r})"

    # -- loading -----------------------------------------------------------------

    def _load(self, module: str) -> types.ModuleType:
        if module in self._modules:
            return self._modules[module]
        path = self.folder / f"{module}.py"
        if not path.is_file():
            raise StudentCodeUnavailable(
                f"'{module}.py' was not found in {self.folder}: "
                f"put your {module}.py there (or run nngrade from the folder that has it)"
            )
        unique = f"nngrade_student_{abs(hash(str(self.folder)))}_{module}"
        spec = importlib.util.spec_from_file_location(unique, path)
        assert spec is not None and spec.loader is not None
        loaded = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(self.folder))
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                spec.loader.exec_module(loaded)
        except SyntaxError as exc:
            pointer = ""
            if exc.text:
                pointer = f"\n    {exc.text.rstrip()}\n    {' ' * max((exc.offset or 1) - 1, 0)}^"
            raise StudentCodeUnavailable(
                f"'{module}.py' has a syntax error at line {exc.lineno}: {exc.msg}{pointer}"
            ) from None
        except (Exception, SystemExit) as exc:  # the module's own top-level code failed
            details = self._trim_traceback(exc)
            raise StudentCodeUnavailable(
                f"'{module}.py' could not be imported: {type(exc).__name__}: {exc}", details=details
            ) from None
        finally:
            with contextlib.suppress(ValueError):
                sys.path.remove(str(self.folder))
        self._modules[module] = loaded
        return loaded

    def function(self, function: StudentFunction) -> Any:
        module = self._load(function.module)
        found = getattr(module, function.name, None)
        if function.kind == "class" and not isinstance(found, type):
            raise StudentCodeUnavailable(
                f"'{function.module}.py' does not define a class '{function.name}': keep the name of the stub's class",
                module=function.module, missing=function.name,
            )
        if found is None or not callable(found):
            raise StudentCodeUnavailable(
                f"'{function.module}.py' does not define a function '{function.name}': "
                f"keep the name and signature of the stub",
                module=function.module, missing=function.name,
            )
        return found

    # -- calling -----------------------------------------------------------------

    def call(
        self,
        function: StudentFunction,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        limits: Mapping[str, Any] | None = None,
        torch: bool = False,
        hidden: bool = False,
    ) -> CallOutcome:
        timeout = float((limits or {}).get("wall_seconds", self.wall_seconds))
        files = {}
        if function.kind == "weights":
            target = None
            path = self.folder / function.name
            if path.is_file():
                files[function.name] = path.read_bytes()
        else:
            target = self.function(function)
        printed = io.StringIO()
        start = time.perf_counter()
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed), _time_limit(timeout):
                if function.scripted:
                    from grader.object_scripts import run_torch_script

                    value = run_torch_script(target, args[0] if len(args) == 1 and not kwargs else args, files=files)
                else:
                    value = target(*args, **kwargs)
        except _Timeout:
            raise StudentTimedOut(
                f"'{function.name}' did not finish within the time limit of {timeout:g} s: "
                f"look for a loop that never ends"
            ) from None
        except NotImplementedError as exc:
            raise StudentNotImplemented(
                f"'{function.name}' is not implemented yet (it raises NotImplementedError)",
                details=self._trim_traceback(exc),
            ) from None
        except TypeError as exc:
            if _is_signature_error(exc):
                raise StudentRaised(
                    f"'{function.name}' does not accept the stub's arguments (keep the stub's signature):",
                    error_type="TypeError",
                    error_message=str(exc),
                    details=self._trim_traceback(exc),
                ) from None
            raise self._raised(function, exc) from None
        except (Exception, SystemExit) as exc:  # exit() in student code must not end the grader
            raise self._raised(function, exc) from None
        seconds = time.perf_counter() - start
        return CallOutcome(value=to_plain(value), output=_truncate(printed.getvalue()), seconds=seconds)

    def _raised(self, function: StudentFunction, exc: BaseException) -> StudentRaised:
        return StudentRaised(
            f"'{function.name}' raised {type(exc).__name__}:",
            error_type=type(exc).__name__,
            error_message=str(exc),
            details=self._trim_traceback(exc),
        )

    def _trim_traceback(self, exc: BaseException) -> str:
        """The traceback cut down to frames in the student's folder."""
        frames = [
            frame
            for frame in traceback.extract_tb(exc.__traceback__)
            if Path(frame.filename).resolve().parent == self.folder
        ]
        lines = ["Traceback (most recent call last, your code only):"] if frames else []
        for frame in frames:
            lines.append(f'  File "{Path(frame.filename).name}", line {frame.lineno}, in {frame.name}')
            source = frame.line or linecache.getline(frame.filename, frame.lineno or 0).strip()
            if source:
                lines.append(f"    {source}")
        lines.append(f"{type(exc).__name__}: {exc}")
        return "\n".join(lines)


def _is_signature_error(exc: TypeError) -> bool:
    """Whether a TypeError came from the call itself (wrong parameters), not from inside."""
    tb = exc.__traceback__
    # The call frame is ours; a TypeError raised by the binding of arguments has no deeper frame.
    depth = 0
    while tb is not None:
        depth += 1
        tb = tb.tb_next
    message = str(exc)
    return depth <= 1 and ("argument" in message or "positional" in message)


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after ``seconds`` of wall time (main thread only).

    Off the main thread there is no safe way to interrupt Python code in
    process; the block then runs without a limit (the sandboxed runner
    enforces limits for real).
    """
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def _on_alarm(signum: int, frame: Any) -> None:
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class TrustedStudentCode:
    """Trusted functions called in the student's place: a reference, a mistake variant.

    Used to prove that references agree and that each known mistake is caught;
    never for student code.
    """

    def __init__(self, function: Any) -> None:
        self._function = function

    def call(
        self,
        function: StudentFunction,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        limits: Mapping[str, Any] | None = None,
        torch: bool = False,
        hidden: bool = False,
    ) -> CallOutcome:
        from grader.trial import plain_call

        start = time.perf_counter()
        value = plain_call(self._function, args, kwargs)
        return CallOutcome(value=value, output="", seconds=time.perf_counter() - start)
