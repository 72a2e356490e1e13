"""Student code reached through the sandbox: the :class:`StudentCode` checks use.

:class:`SandboxedStudentCode` reads a student's folder, keeps one isolated
child per kind of worker and set of process limits, and turns what the child
reports into a :class:`~grader.student_code.CallOutcome` or one of the
:class:`~grader.errors.StudentCodeProblem` exceptions, with feedback that
names the limit that was hit. A child that dies is replaced on the next call,
so one crash costs one call, not the rest of the checks.
"""

from __future__ import annotations

import os
import signal
import weakref
from pathlib import Path
from typing import Any, Mapping

from grader.declarations import StudentFunction
from grader.errors import (
    StudentCodeProblem,
    StudentCodeUnavailable,
    StudentKilled,
    StudentNotImplemented,
    StudentRaised,
    StudentTimedOut,
)
from grader.limits import Limits
from grader.object_scripts import malformed_results
from grader.sandbox.sandbox import ChildGone, Ended, Sandbox, Session, SessionEnded, default_sandbox
from grader.student_code import CallOutcome
from grader.submissions.limits import MAX_WEIGHTS_BYTES, WEIGHTS_SUFFIXES

MAX_SOURCE_BYTES = 2 * 2**20
"""largest student module read; a bigger file is refused with a message"""
MAX_MODULES = 200


def _text(value: Any, limit: int = 2000) -> str:
    """A string from the child, whatever it sent, cut to ``limit``."""
    text = value if isinstance(value, str) else ""
    return text if len(text) <= limit else text[:limit] + " ..."


def _close_sessions(sessions: dict[Any, Session]) -> None:
    for session in list(sessions.values()):
        session.close()
    sessions.clear()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class SandboxedStudentCode:
    """The modules in a student's folder, run in isolated, resource-limited children."""

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        sandbox: Sandbox | None = None,
        limits: Limits | None = None,
        sources: Mapping[str, bytes] | None = None,
    ) -> None:
        self.folder = Path(folder).resolve()
        self.sandbox = sandbox or default_sandbox()
        self.limits = limits or self.sandbox.limits
        self._sources = dict(sources) if sources is not None else None
        self._source_problem: str | None = None
        self._sessions: dict[tuple[Any, ...], Session] = {}
        self._import_deaths: dict[str, StudentCodeProblem] = {}
        # Children end with this object even when nobody calls close().
        self._finalizer = weakref.finalize(self, _close_sessions, self._sessions)

    def __repr__(self) -> str:
        return f"SandboxedStudentCode({str(self.folder)!r})"

    # -- the student's files ----------------------------------------------------------

    def sources(self) -> dict[str, bytes]:
        """Module name to file contents, for every ``.py`` file of the folder; and each weights file by its name."""
        if self._sources is None:
            found: dict[str, bytes] = {}
            if self.folder.is_dir():
                for path in sorted(self.folder.glob("*.py"))[:MAX_MODULES]:
                    if not path.stem.isidentifier() or not path.is_file():
                        continue
                    if path.stat().st_size > MAX_SOURCE_BYTES:
                        found[path.stem] = b"raise ImportError('this file is larger than 2 MB: nngrade does not run it')"
                        continue
                    found[path.stem] = path.read_bytes()
                weights = [p for p in sorted(self.folder.iterdir()) if p.suffix.lower() in WEIGHTS_SUFFIXES]
                for path in weights[:MAX_MODULES]:
                    # A trained model's weights, for the student's child only; a file too large is left out.
                    if path.is_file() and not path.name.startswith(".") and path.stat().st_size <= MAX_WEIGHTS_BYTES:
                        found[path.name] = path.read_bytes()
            self._sources = found
        return self._sources

    # -- sessions ---------------------------------------------------------------------

    def _request(self, limits: Limits, flavor: str, message: dict[str, Any], *, hidden: bool = False) -> dict[str, Any]:
        """Send ``message`` to this student's child, on a fresh child if the last one has gone."""
        for attempt in range(2):
            session = self._session(limits, flavor, hidden)
            if message["op"] == "call" and message["module"] not in session.loaded:
                self._load(session, message["module"], limits)
            try:
                return session.request(message, wall_seconds=limits.wall_seconds, cpu_seconds=limits.cpu_seconds)
            except ChildGone:
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def _load(self, session: Session, module: str, limits: Limits) -> None:
        try:
            reply = session.request({"op": "load", "module": module}, wall_seconds=limits.wall_seconds,
                                    cpu_seconds=limits.cpu_seconds)
        except SessionEnded as ended:
            problem = StudentCodeUnavailable(
                f"'{module}.py' could not be imported: "
                + self._ending(ended.ended, limits, f"while '{module}.py' was being imported")
            )
            self._import_deaths[module] = problem
            raise problem from None
        if "error" in reply:
            raise self._problem(StudentFunction(module, "?"), reply["error"], limits)
        session.loaded.add(module)

    def _session(self, limits: Limits, flavor: str, hidden: bool = False) -> Session:
        # Hidden checks run in children of their own: a child that has seen a hidden check's inputs
        # never serves a public check, so nothing of them can reach a message the student sees.
        key = (flavor, limits.process_key(), hidden)
        session = self._sessions.get(key)
        if session is None or not session.alive():
            session = self._sessions[key] = self.sandbox.open_session(self.sources(), limits, flavor=flavor)
        return session

    def close(self) -> None:
        """End this student's children."""
        _close_sessions(self._sessions)

    def __enter__(self) -> "SandboxedStudentCode":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- calling ------------------------------------------------------------------------

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
        effective = self.limits.merged(limits, where=f"limits for {function.module}.{function.name}")
        module = function.module
        if module not in self.sources() and function.kind != "weights":
            raise StudentCodeUnavailable(
                f"'{module}.py' was not found in {self.folder}: "
                f"put your {module}.py there (or run nngrade from the folder that has it)"
            )
        if module in self._import_deaths:
            raise self._import_deaths[module]
        flavor = "torch" if torch else "numpy"
        if function.scripted:
            # A script of steps (grader.object_scripts), the one argument of a scripted call.
            steps = args[0] if len(args) == 1 and not kwargs else args
            request = {"op": "script", "module": module, "name": function.name, "kind": function.kind, "steps": steps}
        else:
            request = {"op": "call", "module": module, "function": function.name, "args": list(args), "kwargs": kwargs}
        try:
            reply = self._request(effective, flavor, request, hidden=hidden)
        except SessionEnded as ended:
            message = self._ending(ended.ended, effective, f"while '{function.name}' was running")
            if ended.ended.killed_by_grader == "wall" or self._cpu_exceeded(ended.ended, effective):
                raise StudentTimedOut(message) from None
            raise StudentKilled(message) from None
        output = _text(reply.get("output"), effective.output_chars + 200)
        if "error" in reply:
            problem = self._problem(function, reply["error"], effective)
            if output:
                problem.details = (problem.details + "\n" if problem.details else "") + f"--- printed ---\n{output}"
            raise problem
        if function.scripted:
            malformed = malformed_results(steps, reply.get("ok"))
            if malformed:
                # The runner ran in the student's process: a reply of another form is the student's doing.
                raise StudentRaised(
                    f"'{function.name}' sent back results the grader's script cannot have given ({malformed}): "
                    "do not replace nngrade's code in your module",
                    error_type="MalformedReply",
                    error_message=malformed,
                )
        seconds = reply.get("seconds")
        return CallOutcome(
            value=reply.get("ok"),
            output=output,
            seconds=float(seconds) if isinstance(seconds, (int, float)) else 0.0,
        )

    # -- what went wrong, in words ----------------------------------------------------------

    @staticmethod
    def _cpu_exceeded(ended: Ended, limits: Limits) -> bool:
        if ended.signal == signal.SIGXCPU:
            return True
        if ended.killed_by_grader == "cpu":
            return True
        return ended.signal == signal.SIGKILL and not ended.killed_by_grader and ended.cpu_seconds >= limits.cpu_seconds

    def _ending(self, ended: Ended, limits: Limits, when: str) -> str:
        """Why the child stopped, naming the limit it hit."""
        if ended.killed_by_grader == "wall":
            return (
                f"it did not finish within the time limit of {limits.wall_seconds:g} s (wall clock) {when}, "
                "so it was stopped: look for a loop that never ends or code that waits"
            )
        if ended.killed_by_grader == "protocol":
            return f"the process running it sent back something that is not a result ({ended.detail}) {when}"
        if self._cpu_exceeded(ended, limits):
            return (
                f"it used more than the {limits.cpu_seconds:g} s of CPU time it may use {when}, "
                "so it was stopped: look for a loop that never ends or work that can be vectorised"
            )
        if ended.signal == signal.SIGXFSZ:
            return (
                f"it wrote more than {limits.file_size_mb} MB (to a file, or as printed output) {when}, "
                "so it was stopped: print less"
            )
        if ended.signal == signal.SIGKILL:
            return (
                f"the process was killed (SIGKILL) {when}, most likely for using more memory than the "
                f"{limits.memory_mb} MB it may use"
            )
        if ended.signal is not None:
            return (
                f"the process crashed with {_signal_name(ended.signal)} {when}"
                + (" (a segmentation fault: memory was accessed that should not be)" if ended.signal == signal.SIGSEGV else "")
            )
        if ended.exit_code is not None:
            return (
                f"the process ended with exit code {ended.exit_code} {when}, instead of returning: "
                "do not call os._exit() or end the process from your functions"
            )
        return f"the process ended unexpectedly {when}"

    def _problem(self, function: StudentFunction, error: Any, limits: Limits) -> Exception:
        """The exception for an error the child reported."""
        if not isinstance(error, dict):
            return StudentRaised("the sandboxed process sent a malformed error report", error_type="", error_message="")
        kind = error.get("kind")
        module, name = function.module, function.name
        error_type, message, details = _text(error.get("type"), 200), _text(error.get("message")), _text(error.get("details"), 8000)
        if kind == "syntax":
            line = error.get("line")
            where = f" at line {line}" if isinstance(line, int) else ""
            filename = _text(error.get("file"), 200) or f"{module}.py"
            pointer = ""
            text = _text(error.get("text"), 300).rstrip()
            offset = error.get("offset")
            if text:
                column = offset - 1 if isinstance(offset, int) and 0 < offset <= len(text) + 1 else 0
                pointer = f"\n    {text}\n    {' ' * column}^"
            return StudentCodeUnavailable(f"'{filename}' has a syntax error{where}: {message}{pointer}")
        if kind == "import":
            return StudentCodeUnavailable(f"'{module}.py' could not be imported: {error_type}: {message}", details=details)
        if kind == "missing_module":
            return StudentCodeUnavailable(f"'{module}.py' was not found in {self.folder}")
        if kind == "missing_function":
            found = _text(error.get("found"), 100)
            if found == "a class":
                return StudentCodeUnavailable(
                    f"'{module}.py' defines '{name}' as a class, but it must be a function: keep the stub's 'def {name}(...)'"
                )
            return StudentCodeUnavailable(
                f"'{module}.py' does not define a function '{name}': keep the name and signature of the stub"
            )
        if kind == "missing_class":
            found = _text(error.get("found"), 100)
            what = f" ({module}.py defines '{name}' as {found})" if found not in ("", "nothing") else ""
            return StudentCodeUnavailable(
                f"'{module}.py' does not define a class '{name}'{what}: keep the name of the stub's class"
            )
        if kind == "script":
            return StudentRaised(f"'{name}' could not be used as the check needs: {message}",
                                 error_type="ScriptError", error_message=message)
        if kind == "not_implemented" and function.kind == "weights":
            # No code of the student's ran: the script found no weights file, and says how to make one.
            return StudentNotImplemented(message)
        if kind == "not_implemented":
            return StudentNotImplemented(f"'{name}' is not implemented yet (it raises NotImplementedError)", details=details)
        if kind == "signature":
            return StudentRaised(
                f"'{name}' does not accept the stub's arguments (keep the stub's signature):",
                error_type="TypeError", error_message=message, details=details,
            )
        if kind == "memory":
            return StudentRaised(
                f"'{name}' ran out of memory: it may use {limits.memory_mb} MB. Look for an array far larger "
                "than the inputs (an outer product or a broadcast you did not mean):",
                error_type=error_type, error_message=message, details=details,
            )
        if kind == "file_size":
            return StudentRaised(
                f"'{name}' wrote more than {limits.file_size_mb} MB (to a file, or as printed output), "
                "the most it may write: print less",
                error_type=error_type, error_message=message, details=details,
            )
        if kind == "unsendable":
            return StudentRaised(
                f"'{name}' returned a value that could not be sent back ({error_type}: {message}); "
                "return numbers, arrays, lists, tuples or dicts:",
                error_type=error_type, error_message=message,
            )
        return StudentRaised(f"'{name}' raised {error_type}:", error_type=error_type, error_message=message, details=details)

