"""What runs inside a sandboxed child: load the student's modules, answer calls.

The child has already been isolated and stripped of privileges (see
:mod:`worker`) when :func:`serve` starts. Each request is one frame from the
grader naming a module, a function and its inputs; each reply is one frame of
plain data: the value, or the facts of what went wrong (exception type,
message, the traceback cut to the student's own frames). The grader turns
those facts into feedback; nothing here decides a score.

Student modules are compiled from the sources the grader sent, never read
from disk, and importable by name from each other (``from backprop import
sigmoid``). What they may import besides is the course's declared submission
environment (:class:`_ImportGuard`). Standard library and NumPy only: this
file is loaded into the worker by path, before any grader code.
"""

from __future__ import annotations

import builtins
import errno
import importlib.abc
import importlib.util
import linecache
import os
import sys
import time
import traceback
from typing import Any

_wire: Any = None  # the wire module, handed over by the worker
_scripts: Any = None  # grader/object_scripts.py, handed over by the worker

_MESSAGE_CHARS = 2000
_TRACEBACK_CHARS = 6000


class _StudentFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the student's modules from the sources in memory."""

    def __init__(self, sources: dict[str, bytes]) -> None:
        self.sources = sources

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name in self.sources:
            return importlib.util.spec_from_loader(name, self, origin=f"{name}.py")
        return None

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        filename = f"{module.__name__}.py"
        source = self.sources[module.__name__]
        module.__file__ = filename
        code = compile(source, filename, "exec", dont_inherit=True)
        exec(code, module.__dict__)


_ALWAYS_IMPORTABLE = frozenset({"grader"})
"""nngrade itself: a notebook handed in as it was written keeps its ``from grader.notebook_checks import
check`` line, which self-check and grading both have (outside a kernel, ``check`` does nothing)"""


class _ImportGuard(importlib.abc.MetaPathFinder):
    """Refuses an import made by a student's module of what the course does not allow.

    Allowed: the standard library, the student's own modules, and the
    course's declared packages (``allowed`` maps their import names to the
    requirement that provides them). Only an import whose importer is one of
    the student's modules is judged: what NumPy or torch import for
    themselves always works. ``import x`` passes the importer's globals to
    ``__import__``, which :meth:`guarded_import` reads; ``importlib.import_module``
    does not, so as a finder the guard looks at the calling frame instead.
    This is the course's rule made visible, not a protection: the sandbox
    around the child is what keeps a submission in.
    """

    def __init__(self, allowed: dict[str, str], described: str, student: set[str]) -> None:
        self.allowed = allowed
        self.described = described
        self.student = student
        self.original_import = builtins.__import__

    def refusal(self, top: str) -> str | None:
        """Why the student's module may not import ``top``, or None when it may."""
        if top in self.allowed or top in self.student or top in sys.stdlib_module_names or top in _ALWAYS_IMPORTABLE:
            return None
        return f"{top} is not available to submissions in this course: you may import {self.described}"

    def not_installed(self, top: str) -> str:
        requirement = self.allowed[top]
        return (
            f"{top} may be imported in this course ({requirement}), but it is not installed where your code "
            f"runs: install it with pip install '{requirement}'"
        )

    def guarded_import(self, name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
        importer = globals.get("__name__") if level == 0 and isinstance(globals, dict) else None
        if importer not in self.student or not isinstance(name, str):
            return self.original_import(name, globals, locals, fromlist, level)
        top = name.partition(".")[0]
        refused = self.refusal(top)
        if refused:
            raise ModuleNotFoundError(refused, name=top)
        try:
            return self.original_import(name, globals, locals, fromlist, level)
        except ModuleNotFoundError as exc:
            if top in self.allowed and exc.name == top:
                raise ModuleNotFoundError(self.not_installed(top), name=top) from None
            raise

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if path is not None or "." in name:
            return None  # a submodule: its package was judged when it was imported
        refused = self.refusal(name)
        if refused and self._importer() in self.student:
            raise ModuleNotFoundError(refused, name=name)
        return None

    @staticmethod
    def _importer() -> Any:
        """The module that asked for the import: the first frame outside importlib's machinery."""
        frame = sys._getframe(1)
        while frame is not None:
            filename = frame.f_code.co_filename
            if not (filename.startswith("<frozen importlib") or filename.endswith(("importlib/__init__.py", __file__))):
                return frame.f_globals.get("__name__")
            frame = frame.f_back
        return None

    def install(self) -> None:
        builtins.__import__ = self.guarded_import
        sys.meta_path.insert(1, self)


def _register_lines(sources: dict[str, bytes]) -> None:
    """Let tracebacks show the student's source lines (the files are not on disk here)."""
    for name, source in sources.items():
        text = source.decode("utf-8", errors="replace")
        lines = text.splitlines(keepends=True)
        linecache.cache[f"{name}.py"] = (len(text), None, lines, f"{name}.py")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + " ..."


def _describe(exc: BaseException) -> str:
    try:
        return _clip(str(exc), _MESSAGE_CHARS)
    except BaseException:  # a hostile __str__ still leaves the type name
        return "(the exception's message could not be read)"


def _student_traceback(exc: BaseException, filenames: set[str]) -> str:
    """The traceback cut down to frames in the student's modules."""
    try:
        frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename in filenames]
    except BaseException:
        frames = []
    lines = ["Traceback (most recent call last, your code only):"] if frames else []
    for frame in frames[-20:]:
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    lines.append(f"{type(exc).__name__}: {_describe(exc)}")
    return _clip("\n".join(lines), _TRACEBACK_CHARS)


def _is_signature_error(exc: BaseException) -> bool:
    """Whether a TypeError came from binding the arguments, not from inside the function."""
    if not isinstance(exc, TypeError):
        return False
    depth, tb = 0, exc.__traceback__
    while tb is not None:
        depth, tb = depth + 1, tb.tb_next
    message = _describe(exc)
    return depth <= 1 and ("argument" in message or "positional" in message)


def _is_memory_error(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    message = _describe(exc)
    # torch reports a failed allocation as a RuntimeError.
    return isinstance(exc, RuntimeError) and ("can't allocate memory" in message or "DefaultCPUAllocator" in message)


class _Output:
    """Printed output of the child, kept in an in-memory file that fds 1 and 2 point to."""

    def __init__(self, fd: int, keep_chars: int) -> None:
        self.fd = fd
        self.keep_chars = keep_chars

    def take(self) -> str:
        """What was printed since the last call, cut to ``keep_chars``, and forget it."""
        for stream in {id(s): s for s in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)}.values():
            try:
                stream.flush()
            except BaseException:
                pass
        size = os.fstat(self.fd).st_size
        if not size:
            return ""
        os.lseek(self.fd, 0, os.SEEK_SET)  # read from the start (os.pread is not on every OS: the portable child)
        data = os.read(self.fd, self.keep_chars * 4)
        os.ftruncate(self.fd, 0)
        os.lseek(self.fd, 0, os.SEEK_SET)
        text = data.decode("utf-8", errors="replace")
        if len(text) > self.keep_chars or size > len(data):
            text = text[: self.keep_chars] + f"\n... (output truncated: {size} bytes printed in all)"
        return text


class _Session:
    def __init__(self, sources: dict[str, bytes], output: _Output, max_result_bytes: int) -> None:
        self.sources = sources
        self.filenames = {f"{name}.py" for name in sources}
        self.output = output
        self.max_result_bytes = max_result_bytes
        self.load_errors: dict[str, dict[str, Any]] = {}

    def load(self, name: str) -> Any:
        if name in self.load_errors:
            return self.load_errors[name]
        if name in sys.modules and getattr(sys.modules[name], "__file__", None) == f"{name}.py":
            return sys.modules[name]
        if name not in self.sources:
            return {"kind": "missing_module"}
        try:
            module = importlib.import_module(name)
        except SyntaxError as exc:
            error = {"kind": "syntax", "message": _clip(str(exc.msg), _MESSAGE_CHARS), "line": exc.lineno,
                     "offset": exc.offset, "text": _clip(exc.text or "", 300), "file": exc.filename or ""}
        except ValueError as exc:  # compile() rejects a source with a null byte
            error = {"kind": "syntax", "message": _describe(exc), "line": None, "offset": None, "text": "", "file": ""}
        except BaseException as exc:  # the module's own top-level code failed, exit() included
            error = {"kind": "import", "type": type(exc).__name__, "message": _describe(exc),
                     "details": _student_traceback(exc, self.filenames)}
        else:
            return module
        sys.modules.pop(name, None)
        self.load_errors[name] = error
        return error

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("op") == "load":
            module = self.load(request["module"])
            output = self.output.take()
            return {"error": module, "output": output} if isinstance(module, dict) else {"loaded": True}
        return self.call(request)

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        """A ``call`` of a function on plain inputs, or a ``script`` run against a class or a function."""
        self.output.take()  # output printed while loading is not this call's
        scripted = request.get("op") == "script"
        weights = scripted and request.get("kind") == "weights"
        module = None if weights else self.load(request["module"])
        if isinstance(module, dict):
            return {"error": module, "output": self.output.take()}
        name = request["name"] if scripted else request["function"]
        # A weights exercise has no function to look up: its script loads the file the student handed in.
        target = None if module is None else module.__dict__.get(name)
        wants_class = scripted and request.get("kind") == "class"
        if not weights and (target is None or not callable(target) or isinstance(target, type) != wants_class):
            found = "a class" if isinstance(target, type) else ("nothing" if target is None else type(target).__name__)
            if found == type(target).__name__ and callable(target) and not isinstance(target, type):
                found = "a function"
            error = {"kind": "missing_class" if wants_class else "missing_function", "found": found}
            return {"error": error, "output": self.output.take()}
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            if scripted:
                files = {key: data for key, data in self.sources.items() if key.lower().endswith((".pt", ".pth"))}
                value = _scripts.run_torch_script(target, request["steps"], files=files)
            else:
                value = target(*request["args"], **request["kwargs"])
        except BaseException as exc:  # SystemExit and KeyboardInterrupt are the student's too
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
            if isinstance(exc, NotImplementedError):
                kind = "not_implemented"
            elif _scripts is not None and isinstance(exc, _scripts.ScriptError):
                kind = "script"
            elif _is_signature_error(exc):
                kind = "signature"
            elif _is_memory_error(exc):
                kind = "memory"
            elif isinstance(exc, OSError) and exc.errno == errno.EFBIG:
                kind = "file_size"
            else:
                kind = "raised"
            error = {"kind": kind, "type": type(exc).__name__, "message": _describe(exc),
                     "details": _student_traceback(exc, self.filenames)}
            return {"error": error, "output": self.output.take(), "seconds": seconds, "cpu_seconds": cpu_seconds}
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        return {"ok": value, "output": self.output.take(), "seconds": seconds, "cpu_seconds": cpu_seconds}


def _limit_cpu(seconds: Any) -> None:
    """Give the coming request ``seconds`` of CPU on top of what this process has used (SIGXCPU after it).

    Student code could raise the soft limit again; the grader also watches the
    child's CPU time and kills it past the request's budget, so this is the
    precise limit for honest code, not the only one.
    """
    if not isinstance(seconds, (int, float)) or seconds <= 0:
        return
    import math

    try:
        import resource
    except ImportError:  # Windows (the portable runner's child): the grader's wall-clock limit is the one there
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    try:
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (OSError, ValueError):
        pass


def serve(sock: Any, sources: dict[str, bytes], output_fd: int, keep_chars: int, max_result_bytes: int,
          imports: Any = None) -> None:
    """Answer the grader's calls until it closes the connection.

    ``imports`` is what the student's modules may import besides the standard
    library and each other: ``{"allowed": {import name: requirement}, "described": text}``;
    None allows anything (the grader's own code run in a child).
    """
    _register_lines(sources)
    sys.meta_path.insert(0, _StudentFinder(sources))
    if isinstance(imports, dict):
        modules = {name for name in sources if name.isidentifier()}
        _ImportGuard(dict(imports["allowed"]), str(imports["described"]), modules).install()
    session = _Session(sources, _Output(output_fd, keep_chars), max_result_bytes)
    me = os.getpid()
    reader = _wire.FrameReader(sock)
    while True:
        frame = reader.receive(max_bytes=1 << 40)
        if frame is None:
            return
        request = _wire.decode(frame)
        _limit_cpu(request.get("cpu_seconds"))
        # Acknowledge before any student code runs: the grader then knows that a child
        # that dies from here on died during this request, not before it.
        sock.sendall(b"A")
        reply = session.handle(request)
        if os.getpid() != me:
            # A copy made by os.fork() in student code: only the original answers.
            os._exit(0)
        reply["seq"] = request.get("seq")
        # What the grader reads (see Session._wire_limits): a longer string or a larger frame is refused here,
        # with a message, rather than sent and refused there as a malformed reply.
        sizes = {"max_bytes": max_result_bytes, "max_string": _wire.WireLimits.max_string,
                 "max_frame_bytes": max_result_bytes + 2**20}
        try:
            encoded = _wire.encode(reply, **sizes)
        except BaseException as exc:  # the value defeated conversion (a hostile __eq__, a deep cycle, too large...)
            reply.pop("ok", None)
            reply["error"] = {"kind": "unsendable", "type": type(exc).__name__, "message": _describe(exc)}
            encoded = _wire.encode(reply, **sizes)
        _wire.send(sock, encoded)
        # Only now may the returned objects go: their __del__ is the student's code too.
        del reply, encoded
