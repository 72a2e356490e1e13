"""The grader's side of the sandbox: warm workers, children, their lifetimes.

A :class:`Sandbox` owns one warm worker per flavor (``numpy``; ``torch`` for
exercises whose student code needs torch), started on first use. A
:class:`Session` is one isolated child, forked by a worker, that has the
student's sources and answers calls until it is closed or dies. The grader
talks to the child directly over a socket; the child's supervisor reports
how it ended over a pipe. Every wait has a deadline, and an overrun kills
the child's whole process tree.

What comes back from a child is decoded by :mod:`grader.sandbox.wire` with
the limits of the session and nothing else: no pickle, no eval, no import.
"""

from __future__ import annotations

import atexit
import json
import logging
import math
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.errors import NngradeError
import grader.sandbox.isolation as isolation
import grader.sandbox.wire as wire
from grader.limits import Limits

log = logging.getLogger("nngrade.sandbox")

_WORKER_SCRIPT = Path(__file__).resolve().parent / "worker.py"
_STATUS = struct.Struct(">I")
_START_SECONDS = 60.0
"""how long a worker may take to start (importing torch on a cold disk is slow)"""
_REPORT_SECONDS = 10.0
"""how long a supervisor may take to report that its child started or ended"""

_warned: set[str] = set()
_warned_lock = threading.Lock()


def _warn_once(message: str) -> None:
    with _warned_lock:
        if message in _warned:
            return
        _warned.add(message)
    log.warning(message)


class SandboxUnavailable(NngradeError):
    """The sandbox's worker could not be started or stopped answering."""


@dataclass
class Ended:
    """How a child ended, as its supervisor saw it."""

    signal: int | None = None
    exit_code: int | None = None
    cpu_seconds: float = 0.0
    killed_by_grader: str = ""
    """why the grader killed it: "wall" (time limit), "protocol" (a malformed reply), or empty"""
    detail: str = ""


_CPU_WATCH_SECONDS = 0.1
"""how often the grader looks at a running child's CPU time"""
_CPU_GRACE_SECONDS = 0.5
"""CPU time a child may use past a call's budget before the grader kills it (its own SIGXCPU comes first)"""


class _CpuSpent(Exception):
    """The child has used the CPU time of the call it is running."""


class SessionEnded(Exception):
    """The child died or was killed during a request."""

    def __init__(self, ended: Ended) -> None:
        super().__init__(f"the sandboxed child ended: {ended}")
        self.ended = ended


class ChildGone(SessionEnded):
    """The child had ended before a request reached it; the request can be retried on a new child."""


def runtime_paths() -> list[str]:
    """The folders of the Python runtime a child may read: the standard library, the installed packages, the grader.

    Taken from the interpreter's installation scheme, not from ``sys.path``
    (which, under a test runner or in a notebook, holds the course folder).
    The grader's own package is listed too: installed in development mode it
    lives in a checkout, and the derivation judge's child imports it. Only
    the package folder is listed, never the checkout around it.
    """
    paths = {str(Path(__file__).resolve().parents[1])}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            paths.add(path)
    return sorted(os.path.realpath(path) for path in paths if os.path.isdir(path))


def default_protected_paths() -> list[str]:
    """What the child must never read: reference code, solutions, the course file and the salt.

    Found beside the installed grader (a course checkout) and in the working
    directory (the instructor's course folder).
    """
    roots = {Path(__file__).resolve().parents[2], Path.cwd()}
    paths = []
    for root in roots:
        for name in ("reference", "solutions", "course.toml", ".nngrade-salt"):
            if (root / name).exists():
                paths.append(str((root / name).resolve()))
    return sorted(set(paths))


SESSION_UID_BASE = 1_500_000_000
"""Children run as ``SESSION_UID_BASE + <supervisor pid>`` unless a sandbox user is set.

One user per child means the process-count limit (counted per user by the
kernel) is a child's own, not shared with every other child on the machine,
and children cannot signal each other. No account needs to exist for it.
"""


@dataclass
class _Worker:
    flavor: str
    process: subprocess.Popen
    control: socket.socket
    capabilities: dict[str, Any]
    lock: threading.Lock = field(default_factory=threading.Lock)


class Sandbox:
    """Warm workers and the isolated children they fork.

    ``limits`` are the course's defaults. ``protected`` are paths hidden from
    children (default: :func:`default_protected_paths`). ``sandbox_user`` is
    the (uid, gid) children run as when the grader is root (default: a
    user of their own, see :data:`SESSION_UID_BASE`). ``namespaces``,
    ``drop_privileges`` and ``seccomp`` can be turned off to run in a degraded
    mode (tests use this to prove what is enforced without them).
    """

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        protected: list[str] | None = None,
        sandbox_user: tuple[int, int] | None = None,
        namespaces: bool = True,
        drop_privileges: bool = True,
        seccomp: bool = True,
    ) -> None:
        self.limits = limits or Limits()
        self.protected = list(default_protected_paths() if protected is None else protected)
        self.sandbox_user = sandbox_user
        self.want_namespaces = namespaces
        self.want_drop = drop_privileges
        self.want_seccomp = seccomp
        self._workers: dict[str, _Worker] = {}
        self._starting: dict[str, tuple[subprocess.Popen, socket.socket]] = {}
        """workers started by :meth:`start_worker_soon` and not yet greeted"""
        self._lock = threading.Lock()
        self._sessions: set[Session] = set()
        self._scratch = tempfile.mkdtemp(prefix="nngrade-sandbox-")
        os.chmod(self._scratch, 0o711)  # children (another user) make their folders inside
        # The child's filesystem is built on this folder (in the supervisor's own mount namespace)
        # from the runtime's folders and nothing else of the machine.
        self._root = os.path.join(self._scratch, "root")
        os.mkdir(self._root, 0o755)
        self._runtime = runtime_paths()
        self.closed = False

    def __repr__(self) -> str:
        return f"Sandbox(workers={sorted(self._workers)}, sessions={len(self._sessions)})"

    # -- workers ------------------------------------------------------------------

    def _start_worker(self, flavor: str) -> _Worker:
        return self._greet_worker(flavor, *self._spawn_worker(flavor))

    def _spawn_worker(self, flavor: str) -> tuple[subprocess.Popen, socket.socket]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
        }
        # Where the machine sets them, OpenBLAS needs these to pick a kernel that works on its processor.
        env.update({key: os.environ[key] for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if key in os.environ})
        with open(os.path.join(self._scratch, f"worker-{flavor}.log"), "ab") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-I", str(_WORKER_SCRIPT), str(theirs.fileno()), flavor],
                pass_fds=[theirs.fileno()],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=log_file,
                cwd="/",
                start_new_session=True,
            )
        theirs.close()
        return process, ours

    def _greet_worker(self, flavor: str, process: subprocess.Popen, ours: socket.socket) -> _Worker:
        ours.settimeout(_START_SECONDS)
        try:
            hello = wire.decode(wire.receive(ours, max_bytes=1 << 20) or b"")
        except (OSError, wire.WireError) as exc:
            process.kill()
            process.wait()
            raise SandboxUnavailable(
                f"the sandbox's {flavor} worker did not start ({exc}); see {self._scratch}/worker-{flavor}.log"
            ) from None
        ours.settimeout(None)
        capabilities = dict(hello["capabilities"])
        capabilities["namespaces"] = capabilities["namespaces"] and self.want_namespaces
        capabilities["drop_privileges"] = capabilities["drop_privileges"] and self.want_drop
        capabilities["seccomp"] = capabilities.get("seccomp", False) and self.want_seccomp
        self._report_capabilities(capabilities, hello["capabilities"].get("reason", ""))
        return _Worker(flavor, process, ours, capabilities)

    def _report_capabilities(self, capabilities: dict[str, Any], reason: str) -> None:
        if not capabilities["namespaces"]:
            why = reason if self.want_namespaces else "turned off"
            _warn_once(
                f"nngrade sandbox: namespaces are unavailable ({why}). Student code still runs in a "
                "separate, resource-limited process, but it is NOT cut off from the network, it shares "
                "/tmp, and protected files are hidden only by their file permissions"
                + self._readable_protected_note()
            )
        if not capabilities.get("seccomp"):
            why = capabilities.get("seccomp_reason", "") if self.want_seccomp else "turned off"
            _warn_once(
                f"nngrade sandbox: the system-call filter is unavailable ({why}); student code can "
                "still call keyctl, ptrace, mount and the like, which fail only for want of privileges"
            )
        if not capabilities["drop_privileges"]:
            why = "the grader is not running as root" if os.geteuid() != 0 else "turned off"
            _warn_once(
                f"nngrade sandbox: student code keeps the grader's user id ({why}); the process-count "
                "limit is not applied and files the grader can read are readable by student code "
                "unless namespaces hide them"
            )

    def _readable_protected_note(self) -> str:
        readable = [path for path in self.protected if os.stat(path).st_mode & 0o004]
        if not readable:
            return "."
        return (
            "; these protected paths are readable by every user: "
            + ", ".join(readable)
            + " (fix: chmod -R o-rwx on them)."
        )

    def start_worker_soon(self, flavor: str = "numpy") -> None:
        """Start the ``flavor`` worker without waiting for it; its first use waits for it to be ready.

        A command that knows it will run student code calls this first, so that the worker
        imports NumPy and probes the machine while the command loads its exercises.
        """
        with self._lock:
            if self.closed or flavor in self._workers or flavor in self._starting:
                return
            self._starting[flavor] = self._spawn_worker(flavor)

    def worker(self, flavor: str) -> _Worker:
        if self.closed:
            raise SandboxUnavailable("the sandbox is closed")
        with self._lock:
            worker = self._workers.get(flavor)
            if worker is None or worker.process.poll() is not None:
                starting = self._starting.pop(flavor, None) or self._spawn_worker(flavor)
                worker = self._workers[flavor] = self._greet_worker(flavor, *starting)
            return worker

    def workers_alive(self) -> bool:
        """Whether every worker started so far is still running (one that ended is replaced on next use)."""
        with self._lock:
            return all(worker.process.poll() is None for worker in self._workers.values())

    @property
    def capabilities(self) -> dict[str, Any]:
        """What the numpy worker found it can enforce on this machine."""
        return dict(self.worker("numpy").capabilities)

    # -- sessions -----------------------------------------------------------------

    def open_session(
        self,
        sources: dict[str, bytes],
        limits: Limits,
        *,
        flavor: str = "numpy",
        imports: dict[str, Any] | None = None,
        data_files: dict[str, bytes] | None = None,
    ) -> "Session":
        """Fork a child that holds ``sources`` (module name to file contents).

        ``imports`` is what the student's modules may import (see
        :func:`grader.sandbox.child_runtime.serve`; None: anything);
        ``data_files`` are written read-only into the child's working folder
        (relative path to contents).
        """
        worker = self.worker(flavor)
        call_ours, call_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        status_read, status_write = os.pipe()
        request = {
            "op": "spawn",
            "sources": {name: data.hex() for name, data in sources.items()},
            "limits": limits.as_dict(),
            "sandbox_user": list(self.sandbox_user) if self.sandbox_user else None,
            "session_uid_base": SESSION_UID_BASE,
            "hide": self.protected,
            "runtime": self._runtime,
            "root": self._root,
            "scratch": self._scratch,
            "imports": imports,
            "data_files": {path: data.hex() for path, data in (data_files or {}).items()},
        }
        capabilities = worker.capabilities
        request["capabilities"] = capabilities
        try:
            with worker.lock:
                socket.send_fds(worker.control, [b"s"], [call_theirs.fileno(), status_write])
                wire.send(worker.control, wire.encode(request))
                worker.control.settimeout(_START_SECONDS)
                reply = wire.decode(wire.receive(worker.control, max_bytes=1 << 20) or b"")
                worker.control.settimeout(None)
        except (OSError, wire.WireError) as exc:
            call_ours.close()
            os.close(status_read)
            raise SandboxUnavailable(f"the sandbox's {flavor} worker stopped answering ({exc})") from None
        finally:
            call_theirs.close()
            os.close(status_write)
        session = Session(self, call_ours, status_read, limits, reply["supervisor"])
        with self._lock:
            self._sessions.add(session)
        return session

    def _forget(self, session: "Session") -> None:
        with self._lock:
            self._sessions.discard(session)

    def close(self, *, wait: bool = True) -> None:
        """End every child and worker. Safe to call twice.

        ``wait=False`` (a process that is exiting) kills the children and leaves
        the workers to end by themselves, without waiting for either.
        """
        if self.closed:
            return
        self.closed = True
        for session in list(self._sessions):
            session.close() if wait else session.abandon()
        for worker in self._workers.values():
            worker.control.close()  # the worker ends when its control socket closes
            if not wait:
                continue
            try:
                worker.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
        self._workers.clear()
        for process, ours in self._starting.values():
            ours.close()
            process.kill()
            if wait:
                process.wait()
        self._starting.clear()
        shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# The worker passes the session's limits to the supervisor, which needs to know the
# capabilities the grader settled on (a test may turn namespaces off).
class Session:
    """One isolated child holding one student's sources."""

    def __init__(self, sandbox: Sandbox, sock: socket.socket, status_fd: int, limits: Limits, supervisor: int) -> None:
        self.sandbox = sandbox
        self.sock = sock
        self.status_fd = status_fd
        self.limits = limits
        self.supervisor = supervisor
        self.ended: Ended | None = None
        self._status_buffer = b""
        self.loaded: set[str] = set()
        self._seq = 0
        self._inbox = bytearray()
        self._stat_fd: int | None = None
        self._cpu_budget: float | None = None
        started = self._read_status(_REPORT_SECONDS)
        if started is None or "started" not in started:
            self._shutdown()
            failure = (started or {}).get("failed", "no report from the supervisor")
            raise SandboxUnavailable(f"a sandboxed child could not be started: {failure}")
        self.pid: int = started["started"]
        self.world_seconds = float(started.get("world_seconds", 0.0))
        """how long the supervisor took to build the child's namespaces and filesystem"""
        self._pidfd = os.pidfd_open(self.pid)

    # -- status pipe -------------------------------------------------------------

    def _read_status(self, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while True:
            if len(self._status_buffer) >= _STATUS.size:
                (length,) = _STATUS.unpack(self._status_buffer[: _STATUS.size])
                if len(self._status_buffer) >= _STATUS.size + length:
                    body = self._status_buffer[_STATUS.size: _STATUS.size + length]
                    self._status_buffer = self._status_buffer[_STATUS.size + length:]
                    return json.loads(body)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if not _readable(self.status_fd, remaining):
                return None
            chunk = os.read(self.status_fd, 4096)
            if not chunk:
                return None
            self._status_buffer += chunk

    # -- calls -----------------------------------------------------------------------

    def request(self, message: dict[str, Any], *, wall_seconds: float, cpu_seconds: float) -> dict[str, Any]:
        """Send one request and return the child's decoded reply.

        Raises :class:`SessionEnded` when the child dies, runs past
        ``wall_seconds`` (it is then killed) or breaks the wire format.
        """
        if self.ended is not None:
            raise SessionEnded(self.ended)
        self._limit_cpu(cpu_seconds)
        self._seq += 1
        message = {**message, "seq": self._seq, "cpu_seconds": cpu_seconds}
        deadline = time.monotonic() + wall_seconds
        try:
            self.sock.settimeout(wall_seconds)
            wire.send(self.sock, wire.encode(message, max_frame_bytes=wire.MAX_REQUEST_BYTES))
            if self._read_exactly(1, deadline) != b"A":
                # The child was gone before the request reached it (it ended itself after its
                # previous reply, from a __del__ say): nothing of this request ran.
                self._collect_end()
                raise ChildGone(self.ended)
            while True:
                frame = self._receive(deadline)
                if frame is None:
                    break
                reply = wire.decode(frame, limits=self._wire_limits(), unconvertible=_unconvertible)
                if not isinstance(reply, dict):
                    raise wire.WireError("the reply is not a record")
                # A reply to an earlier request (sent by a forked copy of the child) is dropped.
                if reply.get("seq") == self._seq:
                    return reply
        except TimeoutError:
            self._kill("wall")
            raise SessionEnded(self.ended) from None
        except _CpuSpent:
            self._kill("cpu")
            raise SessionEnded(self.ended) from None
        except wire.WireError as exc:
            self._kill("protocol", detail=str(exc))
            raise SessionEnded(self.ended) from None
        except (BrokenPipeError, ConnectionResetError):
            self._collect_end()
            raise ChildGone(self.ended) from None
        except OSError:
            pass
        self._collect_end()
        raise SessionEnded(self.ended)

    def _wire_limits(self) -> wire.WireLimits:
        return wire.WireLimits(max_bytes=self.limits.result_mb * 2**20 + 2**20)

    def _receive(self, deadline: float) -> bytes | None:
        prefix = self._read_exactly(8, deadline)
        if prefix is None:
            return None
        (length,) = struct.unpack(">Q", prefix)
        if length > self._wire_limits().max_bytes + 64:
            raise wire.WireError(f"the child announced a reply of {length} bytes, more than the limit")
        return self._read_exactly(length, deadline)

    def _read_exactly(self, n: int, deadline: float) -> bytes | None:
        # Buffered: the acknowledgement, the length and a small reply usually arrive in one recv.
        while len(self._inbox) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            # Wake up now and then to look at the child's CPU time (see _check_cpu).
            self.sock.settimeout(min(remaining, _CPU_WATCH_SECONDS))
            try:
                chunk = self.sock.recv(max(n - len(self._inbox), 1 << 16))
            except TimeoutError:
                self._check_cpu()
                continue
            if not chunk:
                return None
            self._inbox += chunk
        data = bytes(self._inbox[:n])
        del self._inbox[:n]
        return data

    def _limit_cpu(self, cpu_seconds: float) -> None:
        """Give the coming call ``cpu_seconds`` of CPU on top of what the child has used.

        Where this process may not change another user's limits (no
        CAP_SYS_RESOURCE), the child's runtime sets its own soft limit, and
        :meth:`_check_cpu` enforces the budget whatever the child does.
        """
        import resource

        self._cpu_budget = None
        try:
            if self._stat_fd is None:
                self._stat_fd = os.open(f"/proc/{self.pid}/stat", os.O_RDONLY)
            used = isolation.cpu_seconds_from(os.pread(self._stat_fd, 4096, 0))
            self._cpu_budget = used + cpu_seconds + _CPU_GRACE_SECONDS
            soft = math.ceil(used + cpu_seconds)
            resource.prlimit(self.pid, resource.RLIMIT_CPU, (soft, soft + 1))
        except (OSError, ValueError):
            pass  # the child is gone (the call will say so) or the limit cannot move: the child's own holds

    def _check_cpu(self) -> None:
        """Raise :class:`_CpuSpent` once the child has used more CPU than this call's budget."""
        if self._cpu_budget is None or self._stat_fd is None:
            return
        try:
            used = isolation.cpu_seconds_from(os.pread(self._stat_fd, 4096, 0))
        except (OSError, ValueError, IndexError):
            return
        if used > self._cpu_budget:
            raise _CpuSpent()

    def alive(self) -> bool:
        """Whether the child is still there (it may have ended itself between calls)."""
        if self.ended is not None:
            return False
        if _readable(self.status_fd, 0):
            self._collect_end()
            return False
        return True

    # -- ending --------------------------------------------------------------------

    def _kill(self, reason: str, *, detail: str = "") -> None:
        try:
            signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
        except OSError:
            pass
        self._collect_end(killed_by_grader=reason, detail=detail)

    def _collect_end(self, *, killed_by_grader: str = "", detail: str = "") -> None:
        if self.ended is not None:
            return
        report = self._read_status(_REPORT_SECONDS)
        if report is None or "ended" not in report:
            # The child is still running after its socket closed: stop it for good.
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except OSError:
                pass
            report = self._read_status(_REPORT_SECONDS) or {}
        ended = report.get("ended", {})
        self.ended = Ended(
            signal=ended.get("signal"),
            exit_code=ended.get("exit_code"),
            cpu_seconds=float(ended.get("cpu_seconds", 0.0)),
            killed_by_grader=killed_by_grader,
            detail=detail,
        )
        self._shutdown()

    def _shutdown(self) -> None:
        for close in (self.sock.close, lambda: os.close(self.status_fd)):
            try:
                close()
            except OSError:
                pass
        if getattr(self, "_stat_fd", None) is not None:
            os.close(self._stat_fd)
            self._stat_fd = None
        if getattr(self, "_pidfd", None) is not None:
            try:
                os.close(self._pidfd)
            except OSError:
                pass
            self._pidfd = None
        self.sandbox._forget(self)

    def abandon(self) -> None:
        """Kill the child and let go of it without waiting for its supervisor's report (the grader is exiting)."""
        if self.ended is not None:
            return
        try:
            signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
        except (OSError, TypeError):
            pass
        self.ended = Ended(killed_by_grader="closed")
        self._shutdown()

    def close(self) -> None:
        """End the child: it sees the connection close and exits; if not, it is killed."""
        if self.ended is not None:
            return
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        report = self._read_status(1.0)
        if report is None or "ended" not in report:
            self._kill("closed")
        else:
            self.ended = Ended(**{k: v for k, v in report["ended"].items() if k in ("signal", "exit_code")})
            self._shutdown()


def _readable(fd: int, timeout: float) -> bool:
    """Whether ``fd`` has data (or end of file) within ``timeout`` seconds (poll: no limit on fd numbers)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    return bool(poller.poll(max(timeout, 0) * 1000))


def _unconvertible(kind: str, reason: str) -> Any:
    from grader.plain_data import Unconvertible

    return Unconvertible(kind, reason)


_default: Sandbox | None = None
_default_lock = threading.Lock()


def default_sandbox() -> Sandbox:
    """The process's shared sandbox, started on first use and closed at exit."""
    global _default
    with _default_lock:
        if _default is None or _default.closed:
            _default = Sandbox()
            # At exit nothing waits for the children's last words: killing them is enough.
            atexit.register(_default.close, wait=False)
        return _default
