"""Which runner runs a student's code: the sandbox, or the portable runner for self-check off Linux.

Self-check (``nngrade check`` and the pytest plugin) asks :func:`self_check_runner`
once and takes its student code from the answer: the sandbox on Linux, the
portable runner (:mod:`grader.sandbox.portable`) where the sandbox cannot run
-- another OS, or a Linux whose sandbox worker does not start. The
environment variable ``NNGRADE_RUNNER`` chooses by hand: ``portable`` (the
tests run it so on Linux) or ``sandbox`` (never fall back).

Grading runs only in the sandbox: :func:`require_grading_sandbox` refuses,
with the reason, where the sandbox cannot run or the portable runner is asked for.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from grader.errors import NngradeError
from grader.sandbox.sandbox import SandboxUnavailable, default_sandbox

RUNNER_VARIABLE = "NNGRADE_RUNNER"
RUNNERS = ("sandbox", "portable")

PORTABLE_NOTICE = "self-check runs your code in a plain child process: no sandbox on this OS"
"""what self-check says, once, when it runs the student's code with the portable runner"""

_LINUX_CALLS = (("os", os, "pidfd_open"), ("os", os, "memfd_create"))


def sandbox_missing() -> str:
    """Why the sandbox cannot run on this machine, or "" when it may (its worker's start has the last word)."""
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux, and this is {_system_name()}"
    absent = [f"{module}.{name}" for module, owner, name in _LINUX_CALLS if not hasattr(owner, name)]
    if absent:
        return f"the sandbox needs {', '.join(absent)}, which this Python or Linux kernel lacks (Linux 5.3 or later has them)"
    return ""


def _system_name() -> str:
    return {"darwin": "macOS", "win32": "Windows"}.get(sys.platform, sys.platform)


def requested_runner() -> str:
    """The runner ``NNGRADE_RUNNER`` asks for ("" when it is unset)."""
    value = os.environ.get(RUNNER_VARIABLE, "").strip().lower()
    if value and value not in RUNNERS:
        raise NngradeError(
            f"{RUNNER_VARIABLE} is {value!r}: set it to 'portable' or 'sandbox', or unset it to let nngrade choose"
        )
    return value


class SelfCheckRunner:
    """The runner self-check uses in this process: ``kind`` is "sandbox" or "portable", ``reason`` says why.

    Chosen sandbox without ``NNGRADE_RUNNER=sandbox``, it becomes portable
    when the sandbox's worker cannot be started (:meth:`student_code` waits
    for the worker that :meth:`start_soon` started).
    """

    def __init__(self, kind: str, reason: str, *, forced: bool = False) -> None:
        self.kind = kind
        self.reason = reason
        self.forced = forced
        self._flavors: list[str] = []

    def __repr__(self) -> str:
        return f"SelfCheckRunner({self.kind!r}, {self.reason!r})"

    @property
    def notice(self) -> str:
        """What self-check says about the runner: nothing for the sandbox."""
        return PORTABLE_NOTICE if self.kind == "portable" else ""

    def start_soon(self, flavor: str = "numpy") -> None:
        """Start what the ``flavor``'s calls will need without waiting for it (the sandbox's worker)."""
        self._flavors.append(flavor)
        if self.kind == "sandbox":
            default_sandbox().start_worker_soon(flavor)

    def student_code(self, folder: str | os.PathLike[str], **options: Any) -> Any:
        """The student's code in ``folder``, run by this runner (``options``: those of SandboxedStudentCode)."""
        if self.kind == "sandbox" and not self.forced:
            try:
                default_sandbox().worker(self._flavors[0] if self._flavors else "numpy")
            except SandboxUnavailable as exc:
                self.kind, self.reason = "portable", f"the sandbox's worker did not start: {exc}"
        if self.kind == "portable":
            from grader.sandbox.portable import PortableStudentCode

            return PortableStudentCode(folder, **options)
        from grader.sandbox.sandboxed_code import SandboxedStudentCode

        return SandboxedStudentCode(folder, **options)


def self_check_runner() -> SelfCheckRunner:
    """The runner for self-check here: ``NNGRADE_RUNNER`` if set, else the sandbox where it can run."""
    requested = requested_runner()
    missing = sandbox_missing()
    if requested == "portable":
        return SelfCheckRunner("portable", f"{RUNNER_VARIABLE}=portable", forced=True)
    if requested == "sandbox":
        if missing:
            raise SandboxUnavailable(f"{RUNNER_VARIABLE}=sandbox, but {missing}: unset {RUNNER_VARIABLE} to self-check here")
        return SelfCheckRunner("sandbox", f"{RUNNER_VARIABLE}=sandbox", forced=True)
    if missing:
        return SelfCheckRunner("portable", missing)
    return SelfCheckRunner("sandbox", "Linux")


def require_grading_sandbox() -> None:
    """Refuse to grade where student code cannot run in the sandbox; raises :class:`SandboxUnavailable` saying why."""
    if requested_runner() == "portable":
        raise SandboxUnavailable(
            f"grading runs student code only in nngrade's sandbox, and {RUNNER_VARIABLE}=portable asks for the "
            f"plain child process that self-check uses where there is no sandbox: unset {RUNNER_VARIABLE} to grade"
        )
    missing = sandbox_missing()
    if missing:
        raise SandboxUnavailable(
            f"grading runs student code only in nngrade's sandbox, and {missing}: grade on Linux "
            "(a Linux machine or container, or WSL 2 on Windows)"
        )
