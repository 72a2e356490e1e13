"""Without namespaces the sandbox says so once, and still enforces what it can.

Namespaces are turned off on purpose here (as on a machine that forbids
them); the child is still a separate process with resource limits, a time
limit and, under root, an unprivileged user that file permissions stop.
"""

from __future__ import annotations

import logging
import os
import textwrap

import numpy as np
import pytest

from grader.declarations import StudentFunction
from grader.errors import StudentTimedOut
from grader.sandbox import Limits, Sandbox, SandboxedStudentCode

PREDICT = StudentFunction("perceptron", "predict")


@pytest.fixture(scope="module")
def degraded():
    with Sandbox(Limits(wall_seconds=5, cpu_seconds=1), protected=[], namespaces=False) as sandbox:
        yield sandbox


def student(folder, source: str, sandbox: Sandbox) -> SandboxedStudentCode:
    (folder / "perceptron.py").write_text(textwrap.dedent(source))
    return SandboxedStudentCode(folder, sandbox=sandbox)


def test_the_missing_protection_is_logged_once(degraded, tmp_path, caplog):
    from grader.sandbox import sandbox as sandbox_module

    sandbox_module._warned.clear()
    with caplog.at_level(logging.WARNING, logger="nngrade.sandbox"):
        degraded._workers.clear()  # a new worker reports again
        degraded.worker("numpy")
        degraded._workers.clear()
        degraded.worker("numpy")
    messages = [r.getMessage() for r in caplog.records if "namespaces are unavailable (turned off)" in r.getMessage()]
    assert len(messages) == 1, caplog.text
    assert "NOT cut off from the network" in messages[0]


def test_code_still_runs_in_another_process_under_another_user(degraded, tmp_path):
    with student(tmp_path, "import os\ndef predict(w, X):\n    return [os.getpid(), os.getuid()]\n", degraded) as code:
        pid, uid = code.call(PREDICT, (1, 2), {}).value
    assert pid != os.getpid()
    if os.geteuid() == 0:
        assert uid != 0


@pytest.mark.skipif(os.geteuid() != 0, reason="file permissions bind the child only when the grader can drop privileges")
def test_file_permissions_still_protect_a_private_file(degraded, tmp_path):
    secret = tmp_path / "course.toml"
    secret.write_text('salt = "SALT-SECRET"\n')
    secret.chmod(0o600)
    source = f"""
        def predict(w, X):
            try:
                return open({str(secret)!r}).read()
            except OSError as exc:
                return type(exc).__name__
    """
    with student(tmp_path, source, degraded) as code:
        assert code.call(PREDICT, (1, 2), {}).value == "PermissionError"


def test_limits_still_hold(degraded, tmp_path):
    with student(tmp_path, "def predict(w, X):\n    while True:\n        pass\n", degraded) as code:
        with pytest.raises(StudentTimedOut, match="CPU time"):
            code.call(PREDICT, (np.ones(3), np.ones((2, 2))), {})


def test_closing_a_sandbox_leaves_no_process_behind(tmp_path):
    sandbox = Sandbox(protected=[])
    code = student(tmp_path, "import os\ndef predict(w, X):\n    return os.getpid()\n", sandbox)
    code.call(PREDICT, (1, 2), {})
    worker = sandbox.worker("numpy").process.pid
    child = next(iter(sandbox._sessions)).pid
    sandbox.close()
    for pid in (worker, child):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        with open(f"/proc/{pid}/stat") as handle:  # a zombie awaiting its parent is not running
            assert handle.read().split(")")[1].split()[0] == "Z", f"process {pid} is still running"


def test_without_the_system_call_filter_the_rest_still_holds(tmp_path, caplog):
    """With the filter turned off (as where libseccomp is missing): said once; the filesystem view,
    the privilege drop and the limits still hold, and a namespace or a mount is still refused."""
    from grader.sandbox import sandbox as sandbox_module

    sandbox_module._warned.clear()
    with caplog.at_level(logging.WARNING, logger="nngrade.sandbox"):
        with Sandbox(Limits(wall_seconds=5, cpu_seconds=1), protected=[], seccomp=False) as sandbox:
            source = """
                import ctypes, os
                def predict(w, X):
                    libc = ctypes.CDLL(None, use_errno=True)
                    seen = sorted(os.listdir('/'))
                    unshared = libc.unshare(0x00020000)  # a new mount namespace: needs a capability
                    status = [line.split()[1] for line in open('/proc/self/status') if line.startswith('Seccomp:')]
                    return [seen, unshared, os.getuid(), status]
                """
            with student(tmp_path, source, sandbox) as code:
                seen, unshared, uid, status = code.call(PREDICT, (1, 2), {}).value
    assert [r.getMessage() for r in caplog.records].count(
        "nngrade sandbox: the system-call filter is unavailable (turned off); student code can still call keyctl, "
        "ptrace, mount and the like, which fail only for want of privileges") == 1
    assert status == ["0"]
    from grader.sandbox.sandbox import runtime_paths
    from grader.sandbox.worker import SYSTEM_LIBRARIES

    tops = {path.split("/")[1] for path in [*runtime_paths(), *SYSTEM_LIBRARIES] if os.path.lexists(path)}
    assert set(seen) == tops | {"dev", "proc", "tmp", "var"}
    assert unshared == -1
    if os.geteuid() == 0:
        assert uid != 0


def test_a_numeric_library_imported_in_the_child_runs_on_one_thread(tmp_path):
    """The child sets its own thread counts: torch imported by a NumPy exercise's code (here by a call the
    grader cannot see in the module's import lines) starts no thread per core to spin on the student's CPU limit."""
    with Sandbox(Limits(wall_seconds=30, cpu_seconds=10)) as sandbox:
        source = """
            import importlib, os
            def predict(w, X):
                torch = importlib.import_module('torch')
                return [torch.get_num_threads(), os.environ.get('OMP_NUM_THREADS'), sorted(os.environ)]
            """
        with student(tmp_path, source, sandbox) as code:
            threads, omp, names = code.call(PREDICT, (1, 2), {}).value
    assert (threads, omp) == (1, "1")
    assert set(names) <= {"HOME", "TMPDIR", "PATH", "LANG", "LC_ALL", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                          "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "OPENBLAS_CORETYPE",
                          "OPENBLAS_L2_SIZE"}
