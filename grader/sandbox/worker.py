"""The sandbox's warm worker: a fresh interpreter that forks isolated children.

Started by :class:`grader.sandbox.sandbox.Sandbox` as
``python -I worker.py CONTROL_FD FLAVOR``. It imports NumPy (and torch for
the ``torch`` flavor) once, then waits for requests on its control socket.
It never runs student code and holds no grader secrets: it is a clean
process that children are forked from, so a child pays milliseconds instead
of an interpreter start.

For each ``spawn`` request it forks a *supervisor* that builds the child's
world and forks the *child*:

- supervisor (root, trusted): new mount, network, PID and IPC namespaces;
  private tmpfs on /tmp, /var/tmp and /dev/shm; the grader's home and the
  protected paths (reference code, solutions, the course file) covered by
  empty read-only mounts; then it forks the child, reports the child's pid,
  waits for it, kills whatever the child left behind and reports how it ended.
- child: PID 1 of its namespace, its own /proc, an empty working directory,
  resource limits, privileges dropped to the sandbox user with no
  capabilities and no way to gain any, output captured, every other file
  descriptor closed; then it serves calls (:mod:`child_runtime`).

Where a protection is not available (no namespaces, not root) the worker
says so in its hello message and the grader logs it once.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import signal
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent


def _load_sibling(name: str, folder: Path = _HERE) -> Any:
    """Import a module of this folder (or of ``folder``) by path, without importing the grader package."""
    spec = importlib.util.spec_from_file_location(f"_nngrade_sandbox_{name}", folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


wire = _load_sibling("wire")
isolation = _load_sibling("isolation")
child_runtime = _load_sibling("child_runtime")
child_runtime._wire = wire
# How a script of steps runs against a student's class: grader/object_scripts.py, which imports no grader module.
child_runtime._scripts = _load_sibling("object_scripts", _HERE.parent)

# Modules a student may import that live in the interpreter's own folders:
# loaded here so they work even where those folders are unreadable after the
# privilege drop.
PRELOADED = (
    "abc", "array", "bisect", "cmath", "collections", "copy", "dataclasses", "decimal", "enum", "fractions",
    "functools", "heapq", "itertools", "json", "math", "numbers", "operator", "random", "re", "statistics",
    "string", "textwrap", "time", "typing", "warnings",
)

_STATUS = struct.Struct(">I")

CHILD_CPU_SECONDS = 1800
"""the most CPU time one child may use over all its calls (each call has its own, smaller limit)"""


def _write_status(fd: int, message: dict[str, Any]) -> None:
    data = json.dumps(message).encode()
    try:
        os.write(fd, _STATUS.pack(len(data)) + data)
    except OSError:
        pass


# -- the child --------------------------------------------------------------------


def _close_other_fds(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _become_child(request: dict[str, Any], call_fd: int, ready_fd: int, plan: dict[str, Any]) -> None:
    """Finish isolating this process and serve calls; never returns.

    Writes one byte to ``ready_fd`` once isolated, before any student code runs.
    """
    status = 0
    try:
        limits = request["limits"]
        if plan["pid_namespace"]:
            # A /proc that shows only this namespace's processes, in a mount namespace of the
            # child's own so that the supervisor keeps seeing the real one.
            isolation.unshare(isolation.CLONE_NEWNS)
            isolation.mount("proc", "/proc", "proc", isolation.MS_NOSUID | isolation.MS_NODEV | isolation.MS_NOEXEC)
        os.setsid()
        workdir = plan["workdir"]
        os.chdir(workdir)

        output_fd = os.memfd_create("output")
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(devnull)
        _close_other_fds({call_fd, output_fd, ready_fd})

        mb = 2**20
        baseline = isolation.virtual_memory_bytes()
        isolation.set_limit(resource.RLIMIT_AS, baseline + int(limits["memory_mb"]) * mb)
        # Each call's CPU limit is moved before it runs: by the grader where it may change another
        # user's limits (Session._limit_cpu), else by the runtime (child_runtime.serve), which may raise
        # the soft limit up to the hard one, the child's whole budget; the grader also watches each
        # call's CPU time itself.
        cpu = int(limits["cpu_seconds"]) + 1
        isolation.set_limit(resource.RLIMIT_CPU, cpu, max(cpu + 1, CHILD_CPU_SECONDS))
        isolation.set_limit(resource.RLIMIT_FSIZE, int(limits["file_size_mb"]) * mb)
        isolation.set_limit(resource.RLIMIT_NOFILE, int(limits["open_files"]))
        isolation.set_limit(resource.RLIMIT_CORE, 0)
        if plan["drop_to"] is not None:
            uid, gid = plan["drop_to"]
            isolation.set_limit(resource.RLIMIT_NPROC, int(limits["processes"]))
            isolation.drop_privileges(uid, gid)
        try:
            isolation.drop_capabilities()
        except OSError:
            pass
        isolation.prctl(isolation.PR_SET_NO_NEW_PRIVS, 1)
        isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)

        # SIGXFSZ stays ignored (as Python sets it), so writing past the file-size limit
        # raises OSError(EFBIG) in the student's code, which the runtime names.
        for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGPIPE, signal.SIGXCPU):
            signal.signal(number, signal.SIG_DFL)
        os.environ.clear()
        os.environ.update({"HOME": workdir, "TMPDIR": "/tmp", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        sys.stdin = open(0, "r", closefd=False)
        sys.stdout = sys.__stdout__ = open(1, "w", closefd=False, encoding="utf-8", errors="replace")
        sys.stderr = sys.__stderr__ = open(2, "w", closefd=False, encoding="utf-8", errors="replace")
        sys.argv = ["student"]

        sources = {name: bytes.fromhex(text) for name, text in request["sources"].items()}
        os.write(ready_fd, b"r")
        os.close(ready_fd)
        sock = socket.socket(fileno=call_fd)
        child_runtime.serve(sock, sources, output_fd, int(limits["output_chars"]), int(limits["result_mb"]) * mb)
    except BaseException:  # noqa: BLE001 - the child must end here, whatever happened
        status = 70
    os._exit(status)


# -- the supervisor -----------------------------------------------------------------


def _children_of(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(n) for n in handle.read().split()]
        except OSError:
            pass
    return found


def _kill_leftovers() -> None:
    """Kill and reap every process left under this supervisor (it is their subreaper)."""
    for _ in range(100):
        children = _children_of(os.getpid())
        if not children:
            return
        for pid in children:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                time.sleep(0.001)


def _hide(path: str) -> None:
    """Cover a file or folder with an empty, read-only one."""
    if os.path.isdir(path):
        isolation.mount("tmpfs", path, "tmpfs", isolation.MS_RDONLY | isolation.MS_NOSUID | isolation.MS_NODEV,
                        "size=4k,mode=0755")
    elif os.path.exists(path):
        isolation.mount("/dev/null", path, None, isolation.MS_BIND)
        isolation.mount(None, path, None, isolation.MS_BIND | isolation.MS_REMOUNT | isolation.MS_RDONLY)


def _expose_again(covered: str, keep: dict[str, int]) -> None:
    """Bind the kept folders that lie under a freshly covered one back into place."""
    for path, fd in keep.items():
        if path == covered or path.startswith(covered.rstrip("/") + "/"):
            os.makedirs(path, mode=0o755, exist_ok=True)
            isolation.mount(f"/proc/self/fd/{fd}", path, None, isolation.MS_BIND | isolation.MS_REC)


def _build_world(request: dict[str, Any], capabilities: dict[str, Any]) -> dict[str, Any]:
    """Create the namespaces and mounts the child will live in (runs in the supervisor)."""
    plan: dict[str, Any] = {"pid_namespace": False, "drop_to": None, "workdir": None, "cleanup": None}
    # A user of the child's own unless the course names one (see sandbox.SESSION_UID_BASE).
    uid, gid = request["sandbox_user"] or (request["session_uid_base"] + os.getpid(), 65534)
    limits = request["limits"]
    if capabilities["namespaces"]:
        flags = isolation.CLONE_NEWNS | isolation.CLONE_NEWNET | isolation.CLONE_NEWPID | isolation.CLONE_NEWIPC
        if os.geteuid() != 0:
            flags |= isolation.CLONE_NEWUSER
        # Keep a handle on what the child must still reach before anything is covered.
        wanted = [path for path in request["keep"] if os.path.isdir(path)]
        outermost = [p for p in wanted if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in wanted)]
        real_uid, real_gid = os.getuid(), os.getgid()
        isolation.unshare(flags)
        if flags & isolation.CLONE_NEWUSER:
            isolation.map_user_namespace(real_uid, real_gid)
        isolation.mount(None, "/", None, isolation.MS_REC | isolation.MS_PRIVATE)
        # Handles (in the new mount namespace) on what the child must still reach once homes are covered.
        keep = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in outermost}
        scratch_mb = int(limits["file_size_mb"]) * 2 + 16
        plain = isolation.MS_NOSUID | isolation.MS_NODEV
        for folder in request["scratch_folders"]:
            if os.path.isdir(folder):
                isolation.mount("tmpfs", folder, "tmpfs", plain, f"size={scratch_mb}m,mode=1777")
                _expose_again(folder, keep)
        for path in request["hide"]:
            _hide(path)
        for home in request["hide_homes"]:
            if not os.path.isdir(home):
                continue
            isolation.mount("tmpfs", home, "tmpfs", plain, "size=1m,mode=0755")
            _expose_again(home, keep)
            isolation.mount(None, home, None, isolation.MS_REMOUNT | isolation.MS_RDONLY | plain)
        for fd in keep.values():
            os.close(fd)
        workdir = "/tmp/work"
        os.mkdir(workdir, 0o700)
        plan["pid_namespace"] = True
    else:
        workdir = os.path.join(request["scratch"], f"child-{os.getpid()}")
        os.mkdir(workdir, 0o700)
        plan["cleanup"] = workdir
    if capabilities["drop_privileges"]:
        os.chown(workdir, uid, gid)
        plan["drop_to"] = (uid, gid)
    plan["workdir"] = workdir
    return plan


def _supervise(request: dict[str, Any], call_fd: int, status_fd: int, capabilities: dict[str, Any]) -> None:
    """The supervisor's whole life; never returns."""
    try:
        isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
        isolation.prctl(isolation.PR_SET_CHILD_SUBREAPER, 1)
        plan = _build_world(request, capabilities)
        ready_read, ready_write = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(status_fd)
            os.close(ready_read)
            _become_child(request, call_fd, ready_write, plan)
        os.close(call_fd)
        os.close(ready_write)
        os.read(ready_read, 1)  # the child is isolated (or already dead): the grader may talk to it
        os.close(ready_read)
        _write_status(status_fd, {"started": child})
        while True:
            try:
                _, wait_status, usage = os.wait4(child, 0)
                break
            except InterruptedError:
                continue
        report: dict[str, Any] = {"cpu_seconds": usage.ru_utime + usage.ru_stime, "max_rss_kb": usage.ru_maxrss}
        if os.WIFSIGNALED(wait_status):
            report["signal"] = os.WTERMSIG(wait_status)
        else:
            report["exit_code"] = os.WEXITSTATUS(wait_status)
        _kill_leftovers()
        if plan["cleanup"]:
            _remove_tree(plan["cleanup"])
        _write_status(status_fd, {"ended": report})
    except BaseException as exc:  # noqa: BLE001
        _write_status(status_fd, {"failed": f"{type(exc).__name__}: {exc}"})
        os._exit(1)
    os._exit(0)


def _remove_tree(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


# -- the worker -----------------------------------------------------------------------


def _probe() -> dict[str, Any]:
    """Which protections this machine allows, tried in a throwaway child."""
    capabilities = {"namespaces": False, "drop_privileges": os.geteuid() == 0, "reason": ""}
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        try:
            flags = isolation.CLONE_NEWNS | isolation.CLONE_NEWNET | isolation.CLONE_NEWPID | isolation.CLONE_NEWIPC
            uid, gid = os.getuid(), os.getgid()
            if os.geteuid() != 0:
                flags |= isolation.CLONE_NEWUSER
            isolation.unshare(flags)
            if flags & isolation.CLONE_NEWUSER:
                isolation.map_user_namespace(uid, gid)
            isolation.mount(None, "/", None, isolation.MS_REC | isolation.MS_PRIVATE)
            isolation.mount("tmpfs", "/tmp", "tmpfs", isolation.MS_NOSUID | isolation.MS_NODEV, "size=1m")
            os.write(write_fd, b"ok")
        except BaseException as exc:  # noqa: BLE001
            os.write(write_fd, f"{exc}".encode()[:500])
        os._exit(0)
    os.close(write_fd)
    answer = os.read(read_fd, 1000).decode(errors="replace")
    os.close(read_fd)
    os.waitpid(pid, 0)
    if answer == "ok":
        capabilities["namespaces"] = True
    else:
        capabilities["reason"] = answer or "the probe ended without an answer"
    return capabilities


def _warm_torch(torch: Any) -> None:
    """Run once what module checks use, so that every child inherits it loaded instead of paying for it.

    An optimiser's first step imports torch's compiler stack (about 1 s), and
    autograd, custom Functions, attention, dropout and weights loading each
    load modules or kernels on first use; done here, before any fork, a
    student's first check costs what every later one does. No thread is
    started by any of it (torch runs on one thread here).
    """
    import io

    import torch.nn.functional as F

    try:
        layer = torch.nn.Linear(4, 3)
        x = torch.ones(2, 4, requires_grad=True)
        cost = F.cross_entropy(layer(x), torch.tensor([0, 1]))
        torch.autograd.grad(cost, [x, *layer.parameters()])
        optimiser = torch.optim.SGD(layer.parameters(), lr=0.1)
        optimiser.zero_grad()
        F.cross_entropy(layer(x), torch.tensor([0, 1])).backward()
        optimiser.step()

        class Twice(torch.autograd.Function):
            @staticmethod
            def forward(ctx: Any, a: Any) -> Any:
                return a * 2

            @staticmethod
            def backward(ctx: Any, upstream: Any) -> Any:
                return upstream * 2

        Twice.apply(x).sum().backward()
        q = torch.ones(1, 2, 3, 4)
        F.scaled_dot_product_attention(q, q, q, attn_mask=torch.ones(3, 3, dtype=torch.bool))
        torch.nn.Dropout(0.5)(torch.softmax(q, dim=-1))
        buffer = io.BytesIO()
        torch.save(layer.state_dict(), buffer)
        torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)
    except Exception:  # noqa: BLE001 - a warm-up that fails only costs the children their first call's time
        pass


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main(argv: list[str]) -> int:
    control = socket.socket(fileno=int(argv[1]))
    flavor = argv[2]
    started = time.perf_counter()
    import numpy  # noqa: F401 - loaded once here so that children do not pay for it

    if flavor == "torch":
        import torch

        torch.set_num_threads(1)
        _warm_torch(torch)
    for name in PRELOADED:
        importlib.import_module(name)
    capabilities = _probe()
    hello = {"pid": os.getpid(), "flavor": flavor, "capabilities": capabilities,
             "startup_seconds": time.perf_counter() - started, "python": sys.version.split()[0]}
    wire.send(control, wire.encode(hello))
    while True:
        _reap()
        try:
            message, fds, _, _ = socket.recv_fds(control, 1, 2)
        except OSError:
            return 0
        if not message:
            return 0
        frame = wire.receive(control, max_bytes=1 << 32)
        if frame is None or len(fds) != 2:
            return 0
        request = wire.decode(frame)
        call_fd, status_fd = fds
        supervisor = os.fork()
        if supervisor == 0:
            control.close()
            # The grader's choice, which may turn off what the probe found possible.
            _supervise(request, call_fd, status_fd, request["capabilities"])
        os.close(call_fd)
        os.close(status_fd)
        wire.send(control, wire.encode({"supervisor": supervisor}))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
