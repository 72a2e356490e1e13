"""Student code in plain child processes: self-check where the sandbox cannot run (macOS, Windows).

The sandbox needs Linux. Off Linux, self-check runs the student's modules
with this portable runner instead: :class:`PortableSandbox` has the two
things :class:`~grader.sandbox.SandboxedStudentCode` asks of a sandbox
(``limits`` and ``open_session``), and its :class:`PortableSession` is a
:class:`~grader.sandbox.sandbox.Session` whose child is started with
``subprocess`` (``python -I``, :mod:`grader.sandbox.portable_child`) and
reached through its standard input and output. So :class:`PortableStudentCode`
is the sandbox's student code itself: the same requests and replies, the same
checks of every reply, hidden checks in children of their own, and the same
messages for every way a call can end.

What holds, by OS:

- every OS: a separate process per kind of call, in an empty folder of its
  own; a wall-clock limit per call (past it the process is killed, with its
  process group on macOS and Linux, and the next call gets a fresh one);
  printed output kept and cut as in the sandbox; the result's size limit.
- macOS and Linux: the CPU time of each call, the size of files written and
  the number of open files (``RLIMIT_CPU``, ``RLIMIT_FSIZE``, ``RLIMIT_NOFILE``).
- Linux only: the memory limit (``RLIMIT_AS``; macOS accepts it but does not
  enforce it, Windows has none).
- nowhere: filesystem or network isolation, another user, a system-call
  filter. The child runs as the student, who can read what they can read.

That is enough for a student checking their own code, and never enough for
grading, which refuses to run without the sandbox (:mod:`grader.sandbox.runners`).
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Any, Mapping

from grader.limits import Limits
from grader.sandbox.portable_child import READY, Pipes
from grader.sandbox.sandbox import Ended, SandboxUnavailable, Session, default_protected_paths
from grader.sandbox.sandboxed_code import SandboxedStudentCode
import grader.sandbox.wire as wire

_CHILD_SCRIPT = Path(__file__).resolve().parent / "portable_child.py"
_START_SECONDS = 60.0
"""how long a child may take to start (importing torch on a cold disk is slow)"""
_END_SECONDS = 2.0
"""how long a child whose pipe has closed may take to end before it is killed"""
_CLOSE_SECONDS = 1.0
"""how long a child may take to end once told to"""

CPU_LIMIT = os.name == "posix"
"""whether each call's CPU time is limited (RLIMIT_CPU: macOS, Linux)"""
MEMORY_LIMIT = sys.platform.startswith("linux")
"""whether the child's memory is limited (RLIMIT_AS, which only Linux enforces)"""

_THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1",
            "NUMEXPR_NUM_THREADS": "1"}
_KEPT = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "SYSTEMROOT", "WINDIR")
"""what a child keeps of the grader's environment: OpenBLAS's processor settings, and what Windows needs to run"""


def _environment(workdir: str) -> dict[str, str]:
    """The child's environment: one thread per numeric library, its own folder as home and temp."""
    env = {key: os.environ[key] for key in _KEPT if key in os.environ}
    env.update(_THREADS)
    env["PATH"] = os.environ.get("PATH", "") if os.name == "nt" else "/usr/bin:/bin"
    for key in ("HOME", "USERPROFILE", "TMPDIR", "TEMP", "TMP"):
        env[key] = workdir
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"
    return env


def _interpreter(env: dict[str, str]) -> str:
    """The Python to start for a child, adding to ``env`` what it needs to find the grader's packages.

    On Windows a virtual environment's ``python.exe`` is a launcher that runs
    the base interpreter as its own child, which killing the launcher would
    leave running: the base interpreter is started directly, told of the
    environment as the launcher tells it (as :mod:`multiprocessing` does).
    """
    base = getattr(sys, "_base_executable", sys.executable)
    if os.name == "nt" and base and os.path.normcase(base) != os.path.normcase(sys.executable):
        env["__PYVENV_LAUNCHER__"] = sys.executable
        return base
    return sys.executable


def _own_group() -> dict[str, Any]:
    """Popen's options that start the child in a process group of its own, so that all of it can be killed."""
    if os.name == "posix":
        return {"start_new_session": True}
    return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)}


def _kill_tree(process: subprocess.Popen) -> None:
    """Kill the child and, on macOS and Linux, what it started in its process group."""
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        process.kill()
    except OSError:
        pass


_WINDOWS_FAULTS = (0xC0000005, 0xC00000FD)
"""an access violation and a stack overflow: Windows's segmentation faults"""


def _ending(returncode: int) -> dict[str, int]:
    """How a child ended, in the terms of :class:`~grader.sandbox.sandbox.Ended`: a signal or an exit code."""
    if returncode < 0:
        return {"signal": -returncode}
    if os.name == "nt" and returncode >= 0xC0000000:  # an exception the process did not survive
        return {"signal": int(signal.SIGSEGV if returncode in _WINDOWS_FAULTS else signal.SIGABRT)}
    return {"exit_code": returncode}


def _place_data_files(workdir: str, files: Mapping[str, bytes]) -> None:
    """Write the exercises' data files (relative path to contents) into the child's folder, read-only."""
    for relative, data in files.items():
        if os.path.isabs(relative) or ".." in relative.replace("\\", "/").split("/"):
            continue
        target = os.path.join(workdir, *relative.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "xb") as handle:
            handle.write(data)
        os.chmod(target, stat.S_IREAD)


def _remove(path: str) -> None:
    """Remove a child's folder, read-only data files too (Windows refuses to delete those until made writable)."""

    def writable_then_again(function: Any, name: str, _: Any) -> None:
        try:
            os.chmod(name, stat.S_IWRITE | stat.S_IREAD)
            function(name)
        except OSError:
            pass

    shutil.rmtree(path, onerror=writable_then_again)


def _tail(path: str, chars: int = 1500) -> str:
    """The end of a child's log (what it wrote before it could serve), as lines to add to a message."""
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace").strip()
    except OSError:
        return ""
    return f":\n{text[-chars:]}" if text else ""


class _PipeSocket(Pipes):
    """The child's standard input and output, as the socket :class:`Session` writes to and reads from.

    What the child writes is read by a thread of its own into a queue, and
    ``recv`` waits on the queue for at most the timeout last set, as a
    socket's does; a frame is written by a thread of its own too. So a child
    that stops reading or writing (stuck in the student's code) costs the
    call its time limit, never the grader its progress, on every OS.
    """

    def __init__(self, process: subprocess.Popen) -> None:
        super().__init__(process.stdout.fileno(), process.stdin.fileno())
        self.timeout: float | None = None
        self.writer: threading.Thread | None = None
        self._chunks: queue.Queue[bytes] = queue.Queue()
        self._left = b""
        self._ended = False
        threading.Thread(target=self._pump, args=(process.stdout,), name="nngrade-portable-read", daemon=True).start()

    def _pump(self, stream: Any) -> None:
        """Move what the child writes into the queue until it closes its end (then b""); owns ``stream``."""
        try:
            while True:
                try:
                    data = Pipes.recv(self, 1 << 16)
                except OSError:
                    data = b""
                self._chunks.put(data)
                if not data:
                    return
        finally:
            stream.close()

    def settimeout(self, seconds: float | None) -> None:
        self.timeout = seconds

    def recv(self, size: int) -> bytes:
        if not self._left and not self._ended:
            try:
                self._left = self._chunks.get(timeout=self.timeout)
            except queue.Empty:
                raise TimeoutError from None
            self._ended = not self._left
        data, self._left = self._left[:size], self._left[size:]
        return data

    def sendall(self, data: bytes) -> None:
        def write() -> None:
            try:
                Pipes.sendall(self, data)
            except OSError:
                pass  # the child has ended: reading its reply says how

        # A request is sent once the child has read the last one whole (it answered), so writers never overlap.
        self.writer = threading.Thread(target=write, name="nngrade-portable-write", daemon=True)
        self.writer.start()


class PortableSession(Session):
    """One plain child process holding one student's sources; a :class:`Session` to the student's code.

    ``imports`` is what the student's modules may import (as
    :func:`grader.sandbox.child_runtime.serve` takes it); ``data_files`` are
    written read-only into the child's folder (relative path to contents).
    """

    def __init__(
        self,
        sandbox: "PortableSandbox",
        sources: Mapping[str, bytes],
        limits: Limits,
        *,
        flavor: str = "numpy",
        imports: Any = None,
        data_files: Mapping[str, bytes] | None = None,
    ) -> None:
        self.sandbox = sandbox  # type: ignore[assignment]
        self.limits = limits
        self.ended: Ended | None = None
        self.loaded: set[str] = set()
        self._seq = 0
        self._inbox = bytearray()
        self._stat_fd = None
        self._pidfd = None
        self._cpu_budget = None
        self.workdir = tempfile.mkdtemp(prefix="child-", dir=sandbox.scratch)
        _place_data_files(self.workdir, data_files or {})
        self.log = self.workdir + ".log"
        started = time.perf_counter()
        env = _environment(self.workdir)
        try:
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [_interpreter(env), "-I", str(_CHILD_SCRIPT), flavor],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    cwd=self.workdir,
                    env=env,
                    **_own_group(),
                )
        except OSError as exc:
            _remove(self.workdir)
            raise SandboxUnavailable(f"nngrade's child process could not be started: {exc}") from None
        self.pid = self.process.pid
        self.sock = _PipeSocket(self.process)  # type: ignore[assignment]
        setup = {"sources": {name: data.hex() for name, data in sources.items()}, "limits": limits.as_dict(),
                 "hide": list(sandbox.protected), "imports": imports}
        wire.send(self.sock, wire.encode(setup))
        why = ""
        try:
            ready = self._read_exactly(len(READY), time.monotonic() + _START_SECONDS)
        except TimeoutError:
            ready, why = None, f"it was not ready within {_START_SECONDS:g} s"
        if ready != READY:
            self._kill("")
            ended = self.ended or Ended()
            why = why or (f"it ended with signal {ended.signal}" if ended.signal else f"it ended with exit code {ended.exit_code}")
            raise SandboxUnavailable(f"nngrade's child process did not start ({why}){_tail(self.log)}")
        self.world_seconds = time.perf_counter() - started
        """how long the child took to start and import NumPy"""

    # -- what the sandbox's child has and a plain one has not ----------------------------------

    def _limit_cpu(self, cpu_seconds: float) -> None:
        """The child limits its own CPU time before each call (child_runtime), where the OS can."""

    def _check_cpu(self) -> None:
        """Nothing to watch: the OS ends a child past its CPU limit (SIGXCPU)."""

    # -- ending -----------------------------------------------------------------------

    def alive(self) -> bool:
        if self.ended is not None:
            return False
        if self.process.poll() is not None:
            self._collect_end()
            return False
        return True

    def _kill(self, reason: str, *, detail: str = "") -> None:
        _kill_tree(self.process)
        self._collect_end(killed_by_grader=reason, detail=detail)

    def _collect_end(self, *, killed_by_grader: str = "", detail: str = "") -> None:
        if self.ended is not None:
            return
        try:
            returncode = self.process.wait(timeout=_END_SECONDS)
        except subprocess.TimeoutExpired:  # its pipe closed, yet it runs on: stop it for good
            _kill_tree(self.process)
            returncode = self.process.wait()
        self.ended = Ended(**_ending(returncode), killed_by_grader=killed_by_grader, detail=detail)
        self._shutdown()

    def _shutdown(self) -> None:
        writer = self.sock.writer  # type: ignore[attr-defined]
        if writer is not None:
            writer.join(_END_SECONDS)  # the child has ended, so the write has failed or finished
        try:
            self.process.stdin.close()
        except OSError:
            pass
        if os.name == "posix":
            try:
                os.killpg(self.pid, signal.SIGKILL)  # what the student's code left running
            except OSError:
                pass
        _remove(self.workdir)
        self.sandbox._forget(self)

    def close(self) -> None:
        """End the child: it sees its input close and exits; if not, it is killed."""
        if self.ended is not None:
            return
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            returncode = self.process.wait(timeout=_CLOSE_SECONDS)
        except subprocess.TimeoutExpired:
            self._kill("closed")
            return
        self.ended = Ended(**_ending(returncode))
        self._shutdown()


class PortableSandbox:
    """Plain child processes in the sandbox's place: what :class:`SandboxedStudentCode` needs of a sandbox.

    ``limits`` are the defaults; ``protected`` the paths whose packages the
    child refuses to import (default: the sandbox's
    :func:`~grader.sandbox.sandbox.default_protected_paths`).
    """

    def __init__(self, limits: Limits | None = None, *, protected: list[str] | None = None) -> None:
        self.limits = limits or Limits()
        self.protected = list(default_protected_paths() if protected is None else protected)
        self.scratch = tempfile.mkdtemp(prefix="nngrade-portable-")
        self._sessions: set[PortableSession] = set()
        self._lock = threading.Lock()
        self.closed = False

    def __repr__(self) -> str:
        return f"PortableSandbox(sessions={len(self._sessions)})"

    def open_session(self, sources: Mapping[str, bytes], limits: Limits, **options: Any) -> PortableSession:
        """Start a child that holds ``sources`` (module name to file contents); ``options`` as :class:`PortableSession`'s."""
        if self.closed:
            raise SandboxUnavailable("the portable runner is closed")
        session = PortableSession(self, sources, limits, **options)
        with self._lock:
            self._sessions.add(session)
        return session

    def _forget(self, session: Session) -> None:
        with self._lock:
            self._sessions.discard(session)  # type: ignore[arg-type]

    def workers_alive(self) -> bool:
        """There are no workers to lose: each session starts its own interpreter."""
        return True

    def close(self) -> None:
        """End every child. Safe to call twice."""
        if self.closed:
            return
        self.closed = True
        for session in list(self._sessions):
            session.close()
        _remove(self.scratch)

    def __enter__(self) -> "PortableSandbox":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class PortableStudentCode(SandboxedStudentCode):
    """The modules in a student's folder, run in plain child processes: self-check where the sandbox cannot run.

    NOT a security boundary (see the module's notes); grading never uses it.
    Without a ``sandbox``, it has a :class:`PortableSandbox` of its own (no
    warm workers to share), closed with it.
    """

    def __init__(self, folder: str | os.PathLike[str], *, sandbox: PortableSandbox | None = None, **options: Any) -> None:
        own = sandbox is None
        sandbox = sandbox or PortableSandbox()
        super().__init__(folder, sandbox=sandbox, **options)  # type: ignore[arg-type]
        self._own_sandbox = weakref.finalize(self, sandbox.close) if own else None

    def __repr__(self) -> str:
        return f"PortableStudentCode({str(self.folder)!r})"

    def close(self) -> None:
        super().close()
        if self._own_sandbox is not None:
            self._own_sandbox()
