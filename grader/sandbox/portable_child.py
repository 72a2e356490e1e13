"""The portable runner's child: a plain Python process that serves a student's calls.

Started by :mod:`grader.sandbox.portable` as ``python -I portable_child.py
FLAVOR`` in an empty folder of its own, with its standard input and output as
the two pipes of the sandbox's plain-data protocol. It reads the student's
sources and limits in one frame, imports NumPy (and torch for the ``torch``
flavor), takes what the OS offers of the sandbox's limits, then answers calls
with :func:`child_runtime.serve`, exactly as a sandboxed child does: the same
loading, error reports, printed output and result limits.

What it is not: a sandbox. It runs as the student's own user, sees their
files and the network. It keeps nothing of the course within easy reach (a
working folder of its own, the protected folders' packages refused by name),
and that is all. Standard library only
before the student's code runs; no grader module is imported (the protocol's
modules are loaded by path, as the sandbox's worker loads them).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent

READY = b"R"
"""what the child writes once it is ready for calls (before any student code runs)"""

CHILD_CPU_SECONDS = 1800
"""the most CPU time one child may use over all its calls (each call has its own, smaller limit)"""


class Pipes:
    """Two pipe descriptors with the two socket methods the protocol uses (``recv``, ``sendall``)."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd
        if os.name == "nt":  # bytes as they are: no translation of line ends on Windows
            import msvcrt

            for fd in (read_fd, write_fd):
                msvcrt.setmode(fd, os.O_BINARY)

    def recv(self, size: int) -> bytes:
        return os.read(self.read_fd, size)

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.write_fd, view):]


def _load_sibling(name: str, folder: Path = _HERE) -> Any:
    """Import a module of this folder (or of ``folder``) by path, without importing the grader package."""
    spec = importlib.util.spec_from_file_location(f"_nngrade_portable_{name}", folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class _Refused(importlib.abc.MetaPathFinder):
    """Refuses to import the course's protected folders (``reference``, ``solutions``) by name."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def _keep_course_away(protected: list[str]) -> None:
    """Refuse the protected folders' packages by name (``reference``, ``solutions``).

    ``python -I`` puts neither the working folder nor the script's on
    ``sys.path``, but an installation of the course (a development install
    above all) can still import them; a folder on the path is left there, as
    it may hold the packages the student's code imports too.
    """
    names = {Path(path).stem for path in protected if Path(path).suffix in ("", ".py") and Path(path).stem.isidentifier()}
    if names:
        sys.meta_path.insert(0, _Refused(names))


def _set_limit(resource: Any, kind: int, soft: int, hard: int | None = None) -> None:
    """Lower a limit; where the OS refuses (a hard limit below ours, a limit it does not have), keep its own."""
    hard = soft if hard is None else hard
    current = resource.getrlimit(kind)[1]
    if current != resource.RLIM_INFINITY:
        hard = min(hard, current)
        soft = min(soft, hard)
    try:
        resource.setrlimit(kind, (soft, hard))
    except (OSError, ValueError):
        pass


def _apply_limits(limits: dict[str, Any]) -> None:
    """The sandbox's per-process limits that this OS has: CPU, file size, open files, no core files; memory on Linux.

    Windows has none of them (the grader's wall-clock limit is what holds
    there); macOS accepts an address-space limit but does not enforce it, so
    it is set on Linux only.
    """
    try:
        import resource
    except ImportError:
        return
    mb = 2**20
    cpu = int(limits["cpu_seconds"]) + 1
    _set_limit(resource, resource.RLIMIT_CPU, cpu, max(cpu + 1, CHILD_CPU_SECONDS))
    _set_limit(resource, resource.RLIMIT_FSIZE, int(limits["file_size_mb"]) * mb)
    _set_limit(resource, resource.RLIMIT_NOFILE, int(limits["open_files"]))
    _set_limit(resource, resource.RLIMIT_CORE, 0)
    if sys.platform.startswith("linux"):
        isolation = _load_sibling("isolation")
        _set_limit(resource, resource.RLIMIT_AS, isolation.virtual_memory_bytes() + int(limits["memory_mb"]) * mb)


def main(argv: list[str]) -> int:
    flavor = argv[1] if len(argv) > 1 else "numpy"
    # The protocol keeps descriptors of its own; 0, 1 and 2 become the student's (nothing in, output to a file).
    pipes = Pipes(os.dup(0), os.dup(1))
    wire = _load_sibling("wire")
    child_runtime = _load_sibling("child_runtime")
    child_runtime._wire = wire
    child_runtime._scripts = _load_sibling("object_scripts", _HERE.parent)
    frame = wire.receive(pipes, max_bytes=wire.MAX_REQUEST_BYTES)
    if frame is None:
        return 0
    setup = wire.decode(frame)
    limits = setup["limits"]

    import numpy  # noqa: F401 - loaded before the limits, as the sandbox's worker loads it

    if flavor == "torch":
        import torch

        torch.set_num_interop_threads(1)  # before any parallel work, the only time it can be set
        torch.set_num_threads(1)
    _keep_course_away(list(setup.get("hide") or []))

    import tempfile

    output = tempfile.TemporaryFile(dir=os.getcwd())
    output_fd = output.fileno()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(devnull)
    sys.stdin = open(0, "r", closefd=False)
    # Printed lines end in "\n" on every OS, as in the sandbox.
    sys.stdout = sys.__stdout__ = open(1, "w", closefd=False, encoding="utf-8", errors="replace", newline="\n")
    sys.stderr = sys.__stderr__ = open(2, "w", closefd=False, encoding="utf-8", errors="replace", newline="\n")
    sys.argv = ["student"]
    _apply_limits(limits)

    sources = {name: bytes.fromhex(text) for name, text in setup["sources"].items()}
    pipes.sendall(READY)
    child_runtime.serve(pipes, sources, output_fd, int(limits["output_chars"]), int(limits["result_mb"]) * 2**20,
                        imports=setup.get("imports"))
    return 0


if __name__ == "__main__":
    try:
        status = main(sys.argv)
    except BaseException:  # noqa: BLE001 - the grader learns that the child ended from its pipes
        import traceback

        traceback.print_exc(file=sys.__stderr__)
        status = 70
    os._exit(status)
