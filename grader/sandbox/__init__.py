"""Running untrusted student code in isolated, resource-limited child processes.

- :class:`Limits` — what a child may use (time, memory, processes, files, output).
- :class:`Sandbox` — warm workers that fork isolated children; one per grading process.
- :class:`SandboxedStudentCode` — a student's folder, reached through the sandbox; what checks use.
- :func:`default_sandbox` — the process's shared sandbox, closed at exit.

See :mod:`grader.sandbox.worker` for what isolates a child, and
:mod:`grader.sandbox.wire` for the plain-data format of what crosses back.
"""

from grader.limits import Limits, validate_limits
from grader.sandbox.sandbox import Sandbox, SandboxUnavailable, default_sandbox
from grader.sandbox.sandboxed_code import SandboxedStudentCode

__all__ = ["Limits", "Sandbox", "SandboxUnavailable", "SandboxedStudentCode", "default_sandbox", "validate_limits"]
