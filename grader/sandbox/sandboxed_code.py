"""Student code reached through the sandbox: the :class:`StudentCode` checks use.

:class:`SandboxedStudentCode` reads a student's folder, keeps one isolated
child per kind of worker and set of process limits, and turns what the child
reports into a :class:`~grader.student_code.CallOutcome` or one of the
:class:`~grader.errors.StudentCodeProblem` exceptions, with feedback that
names the limit that was hit. A child that dies is replaced on the next call,
so one crash costs one call, not the rest of the checks.

Everything a child sends back is the student's: their code can replace the
runtime that answers and write any bytes on its socket. So every field of a
reply is checked by type and range before it is used (:func:`malformed_reply`),
and one that is not what the runtime sends makes that call "errored: the
reply was malformed" -- never an internal error of the grader's. With a
:class:`~grader.limits.Budget`, the time all of a student's calls take
together is bounded too: each call gets at most what is left of it, and once
it is spent the remaining calls are timed out without running.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import time
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
from grader.limits import Budget, Limits
from grader.object_scripts import malformed_results
import grader.sandbox.wire as wire
from grader.sandbox.sandbox import ChildGone, Ended, Sandbox, Session, SessionEnded, default_sandbox
from grader.student_code import CallOutcome, limit_use
from grader.submission_environment import SubmissionEnvironment, default_environment
from grader.submissions.limits import MAX_SOURCE_BYTES, MAX_WEIGHTS_BYTES, WEIGHTS_SUFFIXES

MAX_MODULES = 200

BUDGET_SPENT = "the submission's total time budget was spent"
"""how a call refused for the student's :class:`~grader.limits.Budget` starts its message"""

_BUDGET_FLOOR_SECONDS = 0.05
"""less time than this left in the budget counts as none: no call can start and answer in it"""

_REPLY_KEYS = frozenset({"ok", "error", "output", "seconds", "cpu_seconds", "seq", "loaded"})
_ERROR_TEXT_FIELDS = ("kind", "type", "message", "details", "file", "text", "found")
_MAX_REPORTED_SECONDS = 10.0**6
"""the longest a call's own timing may say it took (the runtime measures it; the grader's limits are far lower)"""


def _text(value: Any, limit: int = 2000) -> str:
    """A string from the child, whatever it sent, cut to ``limit``."""
    text = value if isinstance(value, str) else ""
    return text if len(text) <= limit else text[:limit] + " ..."


def malformed_reply(reply: dict[str, Any], *, load: bool = False) -> str:
    """Why ``reply`` cannot be what the child's runtime sends, or ``""`` when it can.

    The runtime answers a call with the value (``ok``) or the facts of an
    error (``error``), what was printed (``output``) and the call's time
    (``seconds``); a load with ``loaded`` or ``error``. Anything else -- a
    field of another type, a number out of range (``10**400`` seconds, nan),
    both a value and an error, an unknown field -- is the student's code
    speaking in the runtime's place.
    """
    unknown = sorted(str(key)[:40] for key in set(reply) - _REPLY_KEYS)
    if unknown:
        return f"it has a field the runtime does not send ({unknown[0]!r})"
    if "output" in reply and not isinstance(reply["output"], str):
        return f"its 'output' is a {type(reply['output']).__name__}, not text"
    for key in ("seconds", "cpu_seconds"):
        if key not in reply:
            continue
        seconds = reply[key]
        # Compared before any conversion: float(10**400) itself overflows; nan fails every comparison.
        if type(seconds) not in (int, float) or not 0 <= seconds <= _MAX_REPORTED_SECONDS:
            return f"its {key!r} is {_shown(seconds)}, not a time between 0 and {_MAX_REPORTED_SECONDS:g} s"
    answers = [key for key in ("loaded", "error") if key in reply] if load else [key for key in ("ok", "error") if key in reply]
    if len(answers) != 1:
        wanted = "'loaded' or 'error'" if load else "'ok' or 'error'"
        return f"it holds {' and '.join(repr(a) for a in answers) or 'neither'} instead of one of {wanted}"
    if load and "loaded" in reply and reply["loaded"] is not True:
        return f"its 'loaded' is {_shown(reply['loaded'])}, not True"
    if "error" in reply:
        error = reply["error"]
        if not isinstance(error, dict):
            return f"its 'error' is a {type(error).__name__}, not a record"
        if not isinstance(error.get("kind"), str):
            return "its 'error' names no kind of error"
        for field in _ERROR_TEXT_FIELDS:
            if field in error and error[field] is not None and not isinstance(error[field], str):
                return f"its error's {field!r} is a {type(error[field]).__name__}, not text"
        for field in ("line", "offset"):
            number = error.get(field)
            if number is not None and (type(number) is not int or not -(10**9) <= number <= 10**9):
                return f"its error's {field!r} is {_shown(number)}, not a line or column number"
    return ""


def _shown(value: Any) -> str:
    """A short text of a value from a malformed reply, safe for any value (an int of 4000 digits too)."""
    if type(value) is int and abs(value) >= 10**15:
        return f"an integer of {len(str(abs(value))) if abs(value) < 10**4000 else 'thousands of'} digits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - the value came from the student's process
        text = f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


_IMPORT_LINE = re.compile(rb"^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)|import[ \t]+([\w., \t]+))", re.MULTILINE)


def imports_torch(sources: Mapping[str, bytes], module: str) -> bool:
    """Whether ``module``, or a module of the student's that it imports, has an ``import torch`` line.

    Read from the import lines, not run: a module found to import torch is
    loaded in a child of the torch worker, where torch is already imported,
    so that its top-level ``import torch`` costs the student nothing (in a
    NumPy child it takes more than a second of CPU time of the call's limit).
    A line missed (an import built at run time) only costs that time. A
    student's own module named ``torch`` is what their imports of it load,
    so it leaves them in a NumPy child.
    """
    if "torch" in sources:
        return False
    seen: set[str] = set()
    waiting = [module]
    while waiting:
        name = waiting.pop()
        if name in seen or not isinstance(sources.get(name), bytes):
            continue
        seen.add(name)
        for found_from, found_import in _IMPORT_LINE.findall(sources[name]):
            names = [found_from] if found_from else [
                part.split()[0].split(b".")[0] for part in found_import.split(b",") if part.split()]
            for top in names:
                if top == b"torch":
                    return True
                waiting.append(top.decode("ascii", "replace"))
    return False


def _cpu_of_process(pid: int) -> float | None:
    """CPU time of a process and the children it has waited for, from its /proc/<pid>/stat; None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return sum(int(fields[i]) for i in (11, 12, 13, 14)) / _TICKS
    except (OSError, ValueError, IndexError):
        return None


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

# Signals a child can end by; Windows has no SIGXCPU, SIGXFSZ or SIGKILL (-1: no child ends by it there).
_SIGXCPU, _SIGXFSZ, _SIGKILL = (getattr(signal, name, -1) for name in ("SIGXCPU", "SIGXFSZ", "SIGKILL"))


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
        budget: Budget | None = None,
        environment: SubmissionEnvironment | None = None,
        data_files: Mapping[str, bytes] | None = None,
    ) -> None:
        self.folder = Path(folder).resolve()
        self.environment = environment or default_environment()
        """what the student's modules may import besides the standard library and each other"""
        self.data_files = dict(data_files or {})
        """the exercises' data files (path relative to the working folder to contents), read-only beside the code"""
        self.sandbox = sandbox or default_sandbox()
        self.limits = limits or self.sandbox.limits
        self.budget = budget
        """the most all of this student's calls may take together (None: only the per-call limits)"""
        self.spent_wall_seconds = 0.0
        """wall-clock time of this student's requests so far (starting children, loading, calls, replies)"""
        self._cpu_counted: dict[int, float] = {}
        """CPU time counted so far of each child this object has started, by the session's id"""
        self._all_sessions: list[Session] = []
        self._sources = dict(sources) if sources is not None else None
        self._source_problem: str | None = None
        self._sessions: dict[tuple[Any, ...], Session] = {}
        self._import_deaths: dict[str, StudentCodeProblem] = {}
        self._torch_imports: dict[str, bool] = {}
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
                        found[path.stem] = (
                            f"raise ImportError('this file is larger than {MAX_SOURCE_BYTES // 2**20} MB: "
                            "nngrade does not run it')"
                        ).encode()
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
        malformed = malformed_reply(reply, load=True)
        if malformed:
            raise StudentCodeUnavailable(
                f"'{module}.py' could not be imported: the reply was malformed ({malformed}); "
                "do not replace or patch nngrade's code in your module"
            )
        if "error" in reply:
            raise self._problem(StudentFunction(module, "?"), reply["error"], limits)
        session.loaded.add(module)

    def _imports_torch(self, module: str) -> bool:
        """Whether the student's ``module`` imports torch, itself or through their other modules (kept)."""
        if module not in self._torch_imports:
            self._torch_imports[module] = imports_torch(self.sources(), module)
        return self._torch_imports[module]

    def _session(self, limits: Limits, flavor: str, hidden: bool = False) -> Session:
        # Hidden checks run in children of their own: a child that has seen a hidden check's inputs
        # never serves a public check, so nothing of them can reach a message the student sees.
        key = (flavor, limits.process_key(), hidden)
        session = self._sessions.get(key)
        if session is None or not session.alive():
            imports = self.environment.imports()
            session = self._sessions[key] = self.sandbox.open_session(
                self.sources(), limits, flavor=flavor, data_files=self.data_files,
                imports=None if imports is None else {"allowed": imports, "described": self.environment.described()},
            )
            self._all_sessions.append(session)
        return session

    def _sources_problem(self, module: str) -> StudentCodeUnavailable | None:
        """Why the student's files cannot be sent to a child, checked before anything is sent.

        One module is at most :data:`MAX_SOURCE_BYTES`; all the files together
        (sent as hex, twice their size) must fit in one request the child's
        worker reads (:data:`grader.sandbox.wire.MAX_REQUEST_BYTES`).
        """
        sources = self.sources()
        size = len(sources.get(module, b""))
        if size > MAX_SOURCE_BYTES:
            return StudentCodeUnavailable(
                f"'{module}.py' is {size / 2**20:.1f} MB, larger than the {MAX_SOURCE_BYTES // 2**20} MB a module may be: "
                "nngrade does not run it; remove what the module does not need (large comments, data written into the code)"
            )
        files = [*sources.items(), *self.data_files.items()]
        request = sum(2 * len(data) + len(name) + 16 for name, data in files) + 2**20
        if request > wire.MAX_REQUEST_BYTES:
            return StudentCodeUnavailable(
                f"the submission's files come to {request / 2 / 2**20:.1f} MB, more than the "
                f"{wire.MAX_REQUEST_BYTES // 2 // 2**20} MB nngrade sends to the process that runs them: "
                "hand in only the modules (and weights file) the assignment asks for"
            )
        return None

    # -- the budget ---------------------------------------------------------------------

    @property
    def spent_cpu_seconds(self) -> float:
        """CPU time this student's children have used so far (ended children included)."""
        for session in self._all_sessions:
            seen = self._cpu_counted.get(id(session), 0.0)
            if session.ended is not None:
                now = session.ended.cpu_seconds
            else:
                now = _cpu_of_process(session.pid)
            if now is not None and now > seen:
                self._cpu_counted[id(session)] = now
        return sum(self._cpu_counted.values())

    def _within_budget(self, limits: Limits, name: str) -> tuple[Limits, bool]:
        """``limits`` cut to what is left of the budget, and whether the budget cut them.

        Raises :class:`StudentTimedOut` when nothing is left.
        """
        if self.budget is None:
            return limits, False
        wall_left = self.budget.wall_seconds - self.spent_wall_seconds
        cpu_left = self.budget.cpu_seconds - self.spent_cpu_seconds
        if wall_left < _BUDGET_FLOOR_SECONDS or cpu_left < _BUDGET_FLOOR_SECONDS:
            raise StudentTimedOut(self._budget_message(f"so '{name}' was not called"))
        if wall_left >= limits.wall_seconds and cpu_left >= limits.cpu_seconds:
            return limits, False
        return dataclasses.replace(
            limits, wall_seconds=min(limits.wall_seconds, wall_left), cpu_seconds=min(limits.cpu_seconds, cpu_left)
        ), True

    def _budget_message(self, what: str) -> str:
        assert self.budget is not None
        return (
            f"timed out: {BUDGET_SPENT} ({self.budget.wall_seconds:g} s of wall-clock time and "
            f"{self.budget.cpu_seconds:g} s of CPU time for all the calls of this assignment's checks together), "
            f"{what}: look for code that waits or runs far longer than it needs to"
        )

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
        too_large = self._sources_problem(module) if function.kind != "weights" else None
        if too_large is not None:
            raise too_large
        per_call = effective
        effective, cut_by_budget = self._within_budget(effective, function.name)
        flavor = "torch" if torch or self._imports_torch(module) else "numpy"
        start_worker = getattr(self.sandbox, "worker", None)
        if start_worker is not None:
            start_worker(flavor)  # a worker's start (importing torch) is the grader's time, not the student's
        if function.scripted:
            # A script of steps (grader.object_scripts), the one argument of a scripted call.
            steps = args[0] if len(args) == 1 and not kwargs else args
            request = {"op": "script", "module": module, "name": function.name, "kind": function.kind, "steps": steps}
        else:
            request = {"op": "call", "module": module, "function": function.name, "args": list(args), "kwargs": kwargs}
        started = time.monotonic()
        try:
            reply = self._request(effective, flavor, request, hidden=hidden)
        except SessionEnded as ended:
            timed_out = ended.ended.killed_by_grader == "wall" or self._cpu_exceeded(ended.ended, effective)
            if timed_out and cut_by_budget:
                raise StudentTimedOut(self._budget_message(f"while '{function.name}' was running")) from None
            message = self._ending(ended.ended, effective, f"while '{function.name}' was running")
            if timed_out:
                raise StudentTimedOut(message) from None
            raise StudentKilled(message) from None
        finally:
            self.spent_wall_seconds += time.monotonic() - started
        malformed = malformed_reply(reply)
        if malformed:
            raise StudentRaised(
                f"'{function.name}' could not be graded: the reply was malformed ({malformed}); "
                "do not replace or patch nngrade's code in your module",
                error_type="MalformedReply",
                error_message=malformed,
            )
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
        # Checked by malformed_reply: a finite number of seconds in range, or absent.
        seconds = float(reply.get("seconds", 0.0))
        cpu_seconds = float(reply["cpu_seconds"]) if "cpu_seconds" in reply else None
        share, note = limit_use(function.name, seconds=seconds, cpu_seconds=cpu_seconds, limits=per_call)
        return CallOutcome(value=reply.get("ok"), output=output, seconds=seconds, cpu_seconds=cpu_seconds,
                           limit_note=note, limit_share=share)

    # -- what went wrong, in words ----------------------------------------------------------

    @staticmethod
    def _cpu_exceeded(ended: Ended, limits: Limits) -> bool:
        if ended.signal == _SIGXCPU:
            return True
        if ended.killed_by_grader == "cpu":
            return True
        return ended.signal == _SIGKILL and not ended.killed_by_grader and ended.cpu_seconds >= limits.cpu_seconds

    def _ending(self, ended: Ended, limits: Limits, when: str) -> str:
        """Why the child stopped, naming the limit it hit."""
        if ended.killed_by_grader == "wall":
            return (
                f"it did not finish within the time limit of {limits.wall_seconds:g} s (wall clock) {when}, "
                "so it was stopped: look for a loop that never ends or code that waits"
            )
        if ended.killed_by_grader == "protocol":
            return (
                f"the reply was malformed ({ended.detail}) {when}, so the process running it was stopped: "
                "return numbers, arrays, lists, tuples or dicts, and do not replace nngrade's code in your module"
            )
        if self._cpu_exceeded(ended, limits):
            return (
                f"it used more than the {limits.cpu_seconds:g} s of CPU time it may use {when}, "
                "so it was stopped: look for a loop that never ends or work that can be vectorised"
            )
        if ended.signal == _SIGXFSZ:
            return (
                f"it wrote more than {limits.file_size_mb} MB (to a file, or as printed output) {when}, "
                "so it was stopped: print less"
            )
        if ended.signal == _SIGKILL:
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

    @staticmethod
    def _missing_file(error_type: str, message: str) -> bool:
        """Whether the student's code failed to find a file (open, np.load, torch.load of a path that is not there)."""
        return error_type == "FileNotFoundError" or "No such file or directory" in message

    def missing_file_hint(self) -> str:
        """What a student whose code looked for a file needs to know: where it runs, and how to give it data."""
        folder = "a folder of its own" if self.data_files else "an empty folder"
        hint = (
            f"Your code runs in {folder}, not in your exercises folder: files next to your module are not there. "
            "Pass data to your function as arguments (the checks give you everything the exercise needs)."
        )
        if self.data_files:
            hint += (
                " The only files in that folder are the exercise's data files, read-only, by these names: "
                + ", ".join(sorted(self.data_files))
                + "."
            )
        return hint

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
        if self._missing_file(error_type, message):
            details = (details + "\n" if details else "") + self.missing_file_hint()
        if kind == "import":
            return StudentCodeUnavailable(f"'{module}.py' could not be imported: {error_type}: {message}", details=details)
        if kind == "missing_module":
            return StudentCodeUnavailable(f"'{module}.py' was not found in {self.folder}")
        if kind == "missing_function":
            found = _text(error.get("found"), 100)
            if found == "a class":
                return StudentCodeUnavailable(
                    f"'{module}.py' defines '{name}' as a class, but it must be a function: keep the stub's 'def {name}(...)'",
                    module=module, missing=name,
                )
            return StudentCodeUnavailable(
                f"'{module}.py' does not define a function '{name}': keep the name and signature of the stub",
                module=module, missing=name,
            )
        if kind == "missing_class":
            found = _text(error.get("found"), 100)
            what = f" ({module}.py defines '{name}' as {found})" if found not in ("", "nothing") else ""
            return StudentCodeUnavailable(
                f"'{module}.py' does not define a class '{name}'{what}: keep the name of the stub's class",
                module=module, missing=name,
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

