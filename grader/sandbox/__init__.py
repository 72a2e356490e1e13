"""Running untrusted student code in isolated, resource-limited child processes.

- :class:`Limits` — what a child may use (time, memory, processes, files, output).
- :class:`Sandbox` — warm workers that fork isolated children; one per grading process.
- :class:`SandboxedStudentCode` — a student's folder, reached through the sandbox; what checks use.
- :func:`default_sandbox` — the process's shared sandbox, closed at exit.
- :mod:`grader.sandbox.portable` — self-check's plain child processes where the sandbox cannot run
  (not a sandbox); :mod:`grader.sandbox.runners` chooses between the two, and keeps grading to the sandbox.

See :mod:`grader.sandbox.worker` for what isolates a child, and
:mod:`grader.sandbox.wire` for the plain-data format of what crosses back.
"""

from typing import TYPE_CHECKING

from grader.lazy_exports import lazy_getattr

if TYPE_CHECKING:
    from grader.limits import Limits, validate_limits
    from grader.sandbox.sandbox import Sandbox, SandboxUnavailable, default_sandbox
    from grader.sandbox.sandboxed_code import SandboxedStudentCode

_HOMES = {
    "Limits": "grader.limits",
    "validate_limits": "grader.limits",
    "Sandbox": "grader.sandbox.sandbox",
    "SandboxUnavailable": "grader.sandbox.sandbox",
    "default_sandbox": "grader.sandbox.sandbox",
    "SandboxedStudentCode": "grader.sandbox.sandboxed_code",
}
"""where each name lives; imported on first use, so the worker's launcher does not load the grading code"""


__getattr__ = lazy_getattr(__name__, _HOMES, globals())


__all__ = ["Limits", "Sandbox", "SandboxUnavailable", "SandboxedStudentCode", "default_sandbox", "validate_limits"]
