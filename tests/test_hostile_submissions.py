"""Hostile submissions: each gets its exact outcome, and nothing else is touched.

Every case is a student's ``perceptron.py`` that attacks the grader instead of
(or as well as) answering ``predict(w, X)``. Each is run through the real
sandbox and must produce the outcome written beside it. After each case the
suite checks that nothing else was affected: files on the host (in /tmp, in
the course folder, in the home directory) are unchanged, the grader process
is unharmed, another student's call still gives the exact right answer, and
no process of the attacker is left running.

Placeholders in the sources (``__COURSE__``, ``__ROOT__`` ...) are replaced
with this run's paths before the file is written.
"""

from __future__ import annotations

import builtins
import ctypes
import errno
import hashlib
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from grader import load_registry
from grader.declarations import StudentFunction
from grader.errors import (
    StudentCodeUnavailable,
    StudentKilled,
    StudentRaised,
    StudentTimedOut,
)
from grader.plain_data import Unconvertible
from grader.results import Status
from grader.runner import grade_exercise
from grader.sandbox import Limits, Sandbox, SandboxedStudentCode
from grader.sandbox.sandbox import SESSION_UID_BASE, runtime_paths
from grader.sandbox.worker import SYSTEM_LIBRARIES

from conftest import ROOT

# Every case counts the sandbox user's processes on the whole machine: nothing else may run beside it.
pytestmark = pytest.mark.serial

PREDICT = StudentFunction("perceptron", "predict")
W = np.array([0.5, -1.0, 2.0])
X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0], [0.5, -1.0]])
RIGHT = np.where(W[0] + X @ W[1:] > 0, 1, -1)

LIMITS = Limits(wall_seconds=6, cpu_seconds=1, memory_mb=512, processes=24, file_size_mb=8, output_chars=2000, result_mb=8)

SECRETS = ("REFERENCE-SECRET", "SOLUTION-SECRET", "SALT-SECRET", "def predict(w, X):\n    net",
           "HISTORY-SECRET", "EXAMPLE-SECRET", "CORPUS-SECRET", "GRADEBOOK-SECRET", "KEYRING-SECRET")


# -- the world around the attacks --------------------------------------------------------


@dataclass
class World:
    course: Path
    sentinel: Path
    home_sentinel: Path
    port: int
    listener: socket.socket
    free_port: int
    allowed: list[str]
    """the folders the child's filesystem may hold (the runtime's, the libraries', its own scratch)"""

    def placeholders(self) -> dict[str, str]:
        return {
            "__ALLOWED__": repr(self.allowed),
            "__COURSE__": str(self.course),
            "__ROOT__": str(ROOT),
            "__SENTINEL__": str(self.sentinel),
            "__HOME__": str(Path.home()),
            "__PORT__": str(self.port),
            "__FREE_PORT__": str(self.free_port),
            "__GRADER_PID__": str(os.getpid()),
            "__KEYCTL__": str(_KEY_SYSCALLS[1] if _KEY_SYSCALLS else -1),
        }

    def fingerprint(self) -> str:
        """A hash of every file that must not change (course folder, sentinels)."""
        digest = hashlib.sha256()
        for path in sorted(self.course.rglob("*")):
            digest.update(str(path).encode())
            if path.is_file():
                digest.update(path.read_bytes())
        for path in (self.sentinel, self.home_sentinel, ROOT / "README.md"):
            digest.update(path.read_bytes())
        return digest.hexdigest()


def server_folder() -> Path:
    """A folder outside the temporary and home folders, where a grading server keeps its course.

    The child gets a /tmp of its own, so a course in the host's /tmp would be
    out of reach for the wrong reason; a course outside both is reachable
    unless the child's filesystem is an allowlist.
    """
    outside = (Path(tempfile.gettempdir()).resolve(), Path.home().resolve())
    for candidate in (Path("/srv"), Path("/opt"), Path("/var/lib"), ROOT.parent):
        candidate = candidate.resolve()
        if any(candidate == o or o in candidate.parents for o in outside):
            continue
        if candidate.is_dir() and os.access(candidate, os.W_OK):
            return candidate
    pytest.skip("no writable folder outside /tmp and the home folder to lay out a course server in")


def make_course_checkout(folder: Path) -> Path:
    """A course checkout as on a grading server: git history, sample class, tests, a gradebook, outputs."""
    course = Path(tempfile.mkdtemp(prefix="nngrade-hostile-course-", dir=folder))
    (course / "reference").mkdir()
    (course / "reference" / "perceptron.py").write_text("REFERENCE = 'REFERENCE-SECRET'\n")
    (course / "solutions").mkdir()
    (course / "solutions" / "perceptron.py").write_text("SOLUTION = 'HISTORY-SECRET'\n")
    git = ["git", "-C", str(course), "-c", "user.name=Course", "-c", "user.email=course@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "solutions"], check=True)
    (course / "solutions" / "perceptron.py").write_text("SOLUTION = 'SOLUTION-SECRET'\n")
    (course / "course.toml").write_text('[grading]\nsalt = "SALT-SECRET"\n')
    (course / "out").mkdir()
    (course / "out" / "results.json").write_text('{"score": 0}\n')
    alice = course / "examples" / "class" / "submissions" / "alice"
    alice.mkdir(parents=True)
    (alice / "perceptron.py").write_text("EXAMPLE = 'EXAMPLE-SECRET'\n")
    (course / "tests").mkdir()
    (course / "tests" / "derivation_corpus.py").write_text("CORPUS = 'CORPUS-SECRET'\n")
    with sqlite3.connect(course / "gradebook.sqlite") as book:
        book.execute("CREATE TABLE scores (student TEXT, score REAL)")
        book.execute("INSERT INTO scores VALUES ('GRADEBOOK-SECRET', 99.5)")
    book.close()
    for path in [course, *course.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # world-readable: only the sandbox keeps them out of reach
    return course


def allowed_folders() -> list[str]:
    """What a child's filesystem may hold: the runtime's folders, the shared libraries, its own /dev, /tmp and /proc."""
    allowed = {os.path.realpath(path) for path in runtime_paths()}
    allowed |= {os.path.realpath(path) for path in SYSTEM_LIBRARIES if os.path.exists(path)}
    allowed |= {"/dev", "/tmp", "/proc", "/var/tmp"}
    allowed |= {path for path in SYSTEM_LIBRARIES if os.path.islink(path)}
    return sorted(allowed)


@pytest.fixture(scope="module")
def world():
    course = make_course_checkout(server_folder())
    sentinel = Path(tempfile.gettempdir()) / f"nngrade-sentinel-{os.getpid()}"
    sentinel.write_text("sentinel\n")
    home_sentinel = Path.home() / f".nngrade-sentinel-{os.getpid()}"
    home_sentinel.write_text("home sentinel\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    free_port = probe.getsockname()[1]
    probe.close()
    # A key in the grader's session keyring, which the workers (and so the children) would inherit.
    key = add_session_key("nngrade-hostile-key", b"KEYRING-SECRET")
    yield World(course, sentinel, home_sentinel, listener.getsockname()[1], listener, free_port, allowed_folders())
    if key is not None:
        revoke_key(key)
    listener.close()
    shutil.rmtree(course, ignore_errors=True)
    sentinel.unlink(missing_ok=True)
    home_sentinel.unlink(missing_ok=True)


_KEY_SYSCALLS = {"x86_64": (248, 250), "aarch64": (217, 219)}.get(os.uname().machine)


def add_session_key(description: str, payload: bytes) -> int | None:
    """Add a user key to this process's session keyring; None where the machine refuses keyrings."""
    if _KEY_SYSCALLS is None:
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    key = libc.syscall(_KEY_SYSCALLS[0], b"user", description.encode(), payload, len(payload), ctypes.c_long(-3))
    return key if key > 0 else None


def revoke_key(key: int) -> None:
    ctypes.CDLL(None, use_errno=True).syscall(_KEY_SYSCALLS[1], 3, key)  # KEYCTL_REVOKE


@pytest.fixture(scope="module")
def hostile_sandbox(world):
    protected = [str(world.course / name) for name in ("reference", "solutions", "course.toml", "out")]
    protected += [str(ROOT / "reference"), str(ROOT / "solutions")]
    with Sandbox(LIMITS, protected=protected) as sandbox:
        yield sandbox


def attacker_processes() -> list[str]:
    """Processes running as a sandbox child's user (see SESSION_UID_BASE)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))
        if uid >= SESSION_UID_BASE:
            found.append(f"{entry} uid={uid}")
    return found


def wait_for_no_attacker(seconds: float = 5.0, *, already_running: frozenset[str] = frozenset()) -> list[str]:
    """The sandbox-user processes still alive after ``seconds``, other than those running before the case.

    Children of other sandboxes in this process (the derivation judge's, for one) live as long as it does.
    """
    deadline = time.monotonic() + seconds
    while (left := [p for p in attacker_processes() if p not in already_running]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def host_tmp_files() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if "pwned" in name}


# -- the cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    source: str | bytes
    expect: Callable[[Any, "World"], None]
    """receives what the call returned (a CallOutcome) or raised (the exception)"""
    torch: bool = False
    limits: dict | None = None
    grade: bool = False
    """grade the whole exercise instead of one call; ``expect`` then gets the ExerciseResult"""


def raises(kind: type, pattern: str) -> Callable[[Any, World], None]:
    def check(outcome: Any, world: World) -> None:
        assert isinstance(outcome, kind), f"expected {kind.__name__}, got {outcome!r}"
        text = str(outcome) + "\n" + getattr(outcome, "details", "")
        assert re.search(pattern, text), f"{pattern!r} not in {text!r}"

    return check


def raised(error_type: str) -> Callable[[Any, World], None]:
    def check(outcome: Any, world: World) -> None:
        assert isinstance(outcome, StudentRaised), f"expected StudentRaised, got {outcome!r}"
        assert outcome.error_type == error_type, outcome.error_type

    return check


def returns(predicate: Callable[[Any], bool], what: str) -> Callable[[Any, World], None]:
    def check(outcome: Any, world: World) -> None:
        assert not isinstance(outcome, BaseException), f"expected a value, got {outcome!r}"
        assert predicate(outcome.value), f"expected {what}, got {outcome.value!r}"

    return check


def returns_refused(reason: str) -> Callable[[Any, World], None]:
    return returns(lambda v: isinstance(v, Unconvertible) and reason in v.reason, f"a refused value ({reason})")


def secret_free(value: Any) -> bool:
    text = repr(value)
    return not any(secret in text for secret in SECRETS)


def errors_only(value: Any) -> bool:
    """Every attempt the attack reports failed (values are 'Error: ...' strings)."""
    return isinstance(value, list) and value and all(isinstance(v, str) and "Error" in v for v in value) and secret_free(value)


def nothing_read(value: Any) -> bool:
    """Every read the attack reports failed, or found an empty file where a protected one was covered."""
    return (
        isinstance(value, list)
        and value
        and all(isinstance(v, str) and ("Error" in v or v == "''") for v in value)
        and secret_free(value)
    )


def scored_zero(result: Any, world: World) -> None:
    assert result.score == 0, [(c.check_name, c.status, c.feedback) for c in result.checks]
    assert all(check.status in (Status.FAILED, Status.ERRORED) for check in result.checks)


def fn(body: str, imports: str = "import os") -> str:
    """A perceptron.py whose predict(w, X) runs ``body``."""
    return f"{imports}\n\ndef predict(w, X):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"


TRY_ALL = """
def attempt(action):
    try:
        return repr(action())
    except Exception as exc:
        return f"{type(exc).__name__}Error: {exc}"
"""

CASES = [
    # -- time and CPU ---------------------------------------------------------------
    Case("infinite_loop", fn("while True:\n    pass"), raises(StudentTimedOut, r"more than the 1 s of CPU time")),
    Case("sleep_forever", fn("time.sleep(10**6)", "import time"), raises(StudentTimedOut, r"time limit of 2 s \(wall clock\)"),
         limits={"wall_seconds": 2}),
    Case("ignores_sigterm_catches_sigxcpu", fn("""
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGXCPU, lambda *a: None)
        while True:
            pass
        """, "import signal"), raises(StudentTimedOut, r"more than the 1 s of CPU time"), limits={"wall_seconds": 12}),
    # -- memory -----------------------------------------------------------------------
    Case("numpy_memory_bomb", fn("return np.ones((10**5, 10**5))", "import numpy as np"),
         raises(StudentRaised, r"ran out of memory: it may use 512 MB")),
    Case("torch_memory_bomb", fn("return torch.ones(10**11)", "import torch"),
         raises(StudentRaised, r"ran out of memory: it may use 512 MB"), torch=True),
    Case("list_memory_bomb", fn("x = []\nwhile True:\n    x.append([0] * 10**6)"),
         raises(StudentRaised, r"ran out of memory")),
    Case("bytes_memory_bomb", fn("return b' ' * 10**12"), raises(StudentRaised, r"ran out of memory")),
    # -- processes ------------------------------------------------------------------
    Case("fork_bomb", fn("while True:\n    os.fork()"), raised("BlockingIOError")),
    Case("thread_bomb", fn("""
        while True:
            threading.Thread(target=time.sleep, args=(100,)).start()
        """, "import threading, time"), raised("RuntimeError")),
    Case("grandchild_outlives_parent", fn("""
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(30)
                open('/tmp/pwned-grandchild', 'w').write('late')
            os._exit(0)
        return [1, 2]
        """, "import os, time"), returns(lambda v: v == [1, 2], "[1, 2]")),
    Case("detached_process", fn("""
        if os.fork() == 0:
            os.setsid()
            time.sleep(1000)
            os._exit(0)
        return 'started'
        """, "import os, time"), returns(lambda v: v == "started", "'started'")),
    # -- output ------------------------------------------------------------------------
    Case("huge_stdout", fn("print('x' * 2_000_000)\nreturn 1"),
         returns(lambda v: v == 1, "1")),
    Case("huge_stderr", fn("sys.stderr.write('e' * 2_000_000)\nreturn 1", "import sys"),
         returns(lambda v: v == 1, "1")),
    Case("endless_stdout", fn("while True:\n    print('x' * 10**6)"),
         raises(StudentRaised, r"wrote more than 8 MB")),
    Case("fd_level_output", fn("os.write(1, b'y' * 1_000_000)\nreturn 2"), returns(lambda v: v == 2, "2")),
    # -- ending the process ------------------------------------------------------------
    Case("sys_exit", fn("sys.exit(0)", "import sys"), raised("SystemExit")),
    Case("os_exit", fn("os._exit(0)"), raises(StudentKilled, r"ended with exit code 0 while 'predict' was running")),
    Case("raise_system_exit", fn("raise SystemExit(3)"), raised("SystemExit")),
    Case("keyboard_interrupt", fn("raise KeyboardInterrupt"), raised("KeyboardInterrupt")),
    Case("base_exception", fn("raise BaseException('stop')"), raised("BaseException")),
    Case("segfault_through_ctypes", fn("return ctypes.string_at(0)", "import ctypes"),
         raises(StudentKilled, r"crashed with SIGSEGV")),
    Case("recursion_bomb", fn("return predict(w, X)"), raised("RecursionError")),
    Case("kill_every_process", fn("os.kill(-1, signal.SIGKILL)\nreturn 'alive'", "import os, signal"),
         raised("ProcessLookupError")),
    # -- files -------------------------------------------------------------------------
    Case("write_and_delete_in_own_folder", fn("""
        open('scratch.txt', 'w').write('mine')
        text = open('scratch.txt').read()
        os.remove('scratch.txt')
        return text + ':' + os.getcwd()
        """), returns(lambda v: v == "mine:/tmp/work", "'mine:/tmp/work'")),
    Case("write_in_tmp", fn("open('/tmp/pwned-tmp', 'w').write('x')\nreturn sorted(os.listdir('/tmp'))"),
         # Its own /tmp: none of the host's files (a checkout under /tmp appears as the bare folders bound back).
         returns(lambda v: {"pwned-tmp", "work"} <= set(v) and not any("sentinel" in name for name in v), "its own /tmp")),
    Case("overwrite_host_tmp_file", fn("open('__SENTINEL__', 'w').write('pwned')\nreturn 'written'"),
         returns(lambda v: v == "written", "'written' (to its own /tmp)")),
    Case("write_in_course_folder", fn(TRY_ALL + "return [attempt(lambda: open('__COURSE__/pwned.txt', 'w')),"
                                      " attempt(lambda: open('__ROOT__/pwned.txt', 'w'))]", "import os\n"),
         returns(errors_only, "refused writes")),
    Case("delete_in_course_folder", fn(TRY_ALL + "return [attempt(lambda: os.remove('__ROOT__/README.md')),"
                                       " attempt(lambda: shutil.rmtree('__COURSE__'))]", "import os, shutil\n"),
         returns(errors_only, "refused deletions")),
    Case("write_in_home", fn(TRY_ALL + "return [attempt(lambda: open('__HOME__/pwned', 'w')),"
                             " attempt(lambda: os.remove('__HOME__/.nngrade-sentinel-__GRADER_PID__'))]"),
         returns(errors_only, "refused writes in the home folder")),
    Case("read_solutions", fn(TRY_ALL + "return [attempt(lambda: open('__ROOT__/solutions/perceptron.py').read()),"
                              " attempt(lambda: open('__COURSE__/solutions/perceptron.py').read()),"
                              " attempt(lambda: os.listdir('__ROOT__/solutions'))]"),
         returns(lambda v: nothing_read(v[:2]) and (v[2] == "[]" or "Error" in v[2]), "no solution readable")),
    Case("read_reference", fn(TRY_ALL + "return [attempt(lambda: open('__ROOT__/reference/perceptron.py').read()),"
                              " attempt(lambda: open('__COURSE__/reference/perceptron.py').read())]"),
         returns(errors_only, "no reference readable")),
    Case("import_reference", fn(TRY_ALL + "return [attempt(lambda: __import__('reference.perceptron')),"
                                " attempt(lambda: __import__('solutions'))]"),
         returns(lambda v: secret_free(v) and all("ModuleNotFoundError" in x or "ImportError" in x for x in v),
                 "the reference cannot be imported")),
    Case("read_course_file_and_salt", fn(TRY_ALL + "return [attempt(lambda: open('__COURSE__/course.toml').read()),"
                                         " attempt(lambda: open('__HOME__/.nngrade-sentinel-__GRADER_PID__').read())]"),
         # A protected file reads as empty (covered by /dev/null), or is missing when a folder above it is covered.
         returns(nothing_read, "the course file unreadable")),
    Case("read_grader_memory", fn(TRY_ALL + "return [attempt(lambda: open('/proc/__GRADER_PID__/environ').read()),"
                                  " attempt(lambda: open('/proc/__GRADER_PID__/mem', 'rb').read(10))]"),
         returns(errors_only, "the grader's process invisible")),
    # -- a course server's folder, outside /tmp and home: nothing of it is in the child's world --------
    Case("server_git_history", fn(TRY_ALL + "return [attempt(lambda: os.listdir('__COURSE__')),"
                                  " attempt(lambda: open('__COURSE__/.git/HEAD').read()),"
                                  " attempt(lambda: os.listdir('__COURSE__/.git/objects'))]"),
         returns(errors_only, "the checkout and its history out of reach")),
    Case("server_sample_class_and_tests", fn(TRY_ALL + "return [attempt(lambda: open("
                                             "'__COURSE__/examples/class/submissions/alice/perceptron.py').read()),"
                                             " attempt(lambda: open('__COURSE__/tests/derivation_corpus.py').read()),"
                                             " attempt(lambda: os.listdir('__ROOT__/examples')),"
                                             " attempt(lambda: os.listdir('__ROOT__/tests'))]"),
         returns(errors_only, "the sample class and the tests out of reach")),
    Case("server_gradebook", fn(TRY_ALL + "return [attempt(lambda: sqlite3.connect("
                                "'file:__COURSE__/gradebook.sqlite?mode=ro', uri=True)"
                                ".execute('select * from scores').fetchall())]", "import sqlite3\n"),
         returns(errors_only, "the gradebook out of reach")),
    Case("mount_list", fn("""
        text = open('/proc/self/mountinfo').read()
        return ['__COURSE__' in text, '/run' in text, '/home' in text, '/etc ' in text]
        """), returns(lambda v: v == [False, False, False, False], "a mount list of the child's own world only")),
    Case("whole_filesystem_walk", fn("""
        allowed = __ALLOWED__
        ancestors = {os.path.dirname(a) for a in allowed}
        while len(ancestors) != len(ancestors | {os.path.dirname(a) for a in ancestors}):
            ancestors |= {os.path.dirname(a) for a in ancestors}
        strange, writable, seen = [], [], 0
        for folder, folders, files in os.walk('/'):
            if folder == '/':
                folders.remove('proc')
            if os.access(folder, os.W_OK):
                writable.append(folder)
            for name in folders + files:
                path = os.path.join(folder, name)
                seen += 1
                if path not in ancestors and not any(path == a or path.startswith(a + '/') for a in allowed):
                    strange.append(path)
        return [strange[:20], sorted(writable), seen > 100]
        """), returns(lambda v: v[0] == [] and set(v[1]) <= {"/tmp", "/tmp/work", "/var/tmp", "/var/tmp/work", "/dev/shm"} and v[2],
                      "only the allowlist, writable only in its scratch folders"),
         limits={"cpu_seconds": 60, "wall_seconds": 120}),
    Case("shared_host_folders", fn(TRY_ALL + "return [attempt(lambda: open(path + '/pwned-shared', 'w'))"
                                   " for path in ('/run/lock', '/var/lock', '/dev/mqueue', '/run/shm', '/home', '/')]"),
         returns(errors_only, "no host folder to write in")),
    Case("file_count_cap", fn("""
        made = 0
        try:
            while made < 100_000:
                open(f'/tmp/work/f{made}', 'w').close()
                made += 1
        except OSError as exc:
            return [made, exc.errno]
        return [made, 0]
        """), returns(lambda v: v[0] < 5000 and v[1] == errno.ENOSPC, "a file-count cap on the scratch folder"),
         limits={"cpu_seconds": 10, "wall_seconds": 20}),
    Case("grader_keyring", fn(TRY_ALL + """libc = ctypes.CDLL(None, use_errno=True)
buffer = ctypes.create_string_buffer(256)
def keyctl(*args):
    result = libc.syscall(*args)
    if result < 0:
        raise OSError(ctypes.get_errno(), 'keyctl refused')
    return result, buffer.raw[:64]
return [attempt(lambda: open('/proc/keys').read()),
        attempt(lambda: keyctl(__KEYCTL__, 11, ctypes.c_long(-3), buffer, 256)),
        attempt(lambda: keyctl(__KEYCTL__, 10, ctypes.c_long(-3), b'user', b'nngrade-hostile-key', 0))]""",
                                 "import ctypes, os\n"),
         returns(lambda v: secret_free(v) and all("Error" in x for x in v[1:]), "no key of the grader's")),
    Case("forbidden_system_calls", fn("""
        libc = ctypes.CDLL(None, use_errno=True)
        params = ctypes.create_string_buffer(120)
        calls = {'ptrace': (101, 0, 0, 0, 0), 'unshare_user': (272, 0x10000000), 'mount': (165, b'none', b'/tmp', b'tmpfs', 0, 0),
                 'bpf': (321, 0, 0, 0), 'perf_event_open': (298, 0, 0, -1, -1, 0), 'io_uring_setup': (425, 1, params),
                 'clone_newuser': (56, 0x10000000 | 17, 0, 0, 0, 0), 'keyctl': (250, 0, -3, 0)}
        found = {}
        for name, args in calls.items():
            result = libc.syscall(*args)
            if result == 0 and name == 'clone_newuser':
                os._exit(0)
            found[name] = ctypes.get_errno() if result < 0 else 'allowed'
        found['status'] = [line for line in open('/proc/self/status') if line.startswith('Seccomp:')][0].split()[1]
        return found
        """, "import ctypes, os"),
         returns(lambda v: v == {**{name: errno.EPERM for name in v if name != "status"}, "status": "2"},
                 "every call refused by the filter")),
    # -- network -----------------------------------------------------------------------
    Case("socket_connect", fn(TRY_ALL + "return [attempt(lambda: socket.create_connection(('127.0.0.1', __PORT__), 2)),"
                              " attempt(lambda: socket.create_connection(('10.0.0.1', 80), 2))]", "import socket\n"),
         returns(lambda v: errors_only(v) and all("unreachable" in x for x in v), "network unreachable")),
    Case("socket_listen", fn("""
        s = socket.socket()
        s.bind(('0.0.0.0', __FREE_PORT__))
        s.listen(5)
        LISTENING.append(s)
        return 'listening'
        """, "import socket\nLISTENING = []"), returns(lambda v: v == "listening", "'listening' (in its own network)")),
    # -- shells --------------------------------------------------------------------------
    # The child's filesystem holds no programs at all: no shell, no git, no interpreter to start.
    Case("shell_through_subprocess", fn("""
        done = subprocess.run('id -u; touch /tmp/pwned-shell __COURSE__/pwned-shell', shell=True,
                              capture_output=True, text=True)
        return done.stdout
        """, "import subprocess"), raised("FileNotFoundError")),
    Case("programs_of_the_host", fn(TRY_ALL + "return [attempt(lambda: subprocess.run([path, '--version']))"
                                    " for path in ('/usr/bin/git', '/bin/sh', sys.executable, '/usr/bin/python3')]",
                                    "import subprocess, sys\n"), returns(lambda v: all("FileNotFoundError" in x for x in v), "no program found")),
    Case("shell_through_os_system", fn("return os.system('touch __COURSE__/pwned-system __HOME__/pwned-system')"),
         returns(lambda v: v != 0, "a failed command")),
    Case("shell_through_ctypes", fn("""
        libc = ctypes.CDLL(None)
        return libc.system(b'touch __COURSE__/pwned-ctypes __ROOT__/pwned-ctypes')
        """, "import ctypes"), returns(lambda v: v != 0, "a failed command")),
    Case("gain_privileges", fn(TRY_ALL + "return [attempt(lambda: os.setuid(0)),"
                               " attempt(lambda: resource.setrlimit(resource.RLIMIT_CPU, (-1, -1))),"
                               " attempt(lambda: os.chroot('/'))]", "import os, resource\n"),
         returns(errors_only, "every escalation refused")),
    # -- patching the runtime --------------------------------------------------------------
    Case("monkeypatch_numpy", fn("""
        np.allclose = np.array_equal = lambda *a, **k: True
        np.testing.assert_allclose = lambda *a, **k: None
        return np.zeros(len(X))
        """, "import numpy as np"), scored_zero, grade=True),
    Case("monkeypatch_builtins", fn("""
        builtins.isinstance = lambda *a: True
        builtins.abs = lambda x: 0
        return 'wrong'
        """, "import builtins"), scored_zero, grade=True),
    Case("replace_numpy_in_sys_modules", fn("""
        fake = types.ModuleType('numpy')
        fake.allclose = lambda *a, **k: True
        sys.modules['numpy'] = fake
        return [0] * len(X)
        """, "import sys, types"), scored_zero, grade=True),
    Case("monkeypatch_torch", fn("""
        torch.allclose = torch.equal = lambda *a, **k: True
        return torch.zeros(len(X))
        """, "import torch"), scored_zero, grade=True, torch=True),
    # -- forgery -----------------------------------------------------------------------------
    Case("print_forged_result", fn("""
        print('{"score": 100, "status": "passed"}')
        print('{"tests": [{"score": 1, "max_score": 1, "status": "passed"}]}')
        return np.zeros(len(X))
        """, "import numpy as np"), scored_zero, grade=True),
    Case("write_forged_results_file", fn(TRY_ALL + "return [attempt(lambda: open('__COURSE__/out/results.json', 'w')"
                                         ".write('{\"score\": 100}'))]"),
         returns(errors_only, "the results file unwritable")),
    Case("write_garbage_on_the_grader_channel", fn("""
        for fd in os.listdir('/proc/self/fd'):
            try:
                os.write(int(fd), b'\\x00' * 64)
            except OSError:
                pass
        return 1
        """), raises(StudentKilled, r"the reply was malformed")),
    # -- hostile return values ------------------------------------------------------------------
    Case("custom_eq", "class Liar:\n    def __eq__(self, other):\n        return True\n"
                      "def predict(w, X):\n    return Liar()\n", returns_refused("not a number")),
    Case("custom_array", "class Fake:\n    def __array__(self, *a, **k):\n        raise SystemExit\n"
                         "def predict(w, X):\n    return Fake()\n", returns_refused("not a number")),
    Case("custom_float_and_len", "class Fake:\n    def __float__(self):\n        return 1.0\n"
                                 "    def __len__(self):\n        return 10**9\n"
                                 "def predict(w, X):\n    return [Fake()]\n", returns(
                                     lambda v: isinstance(v, list) and isinstance(v[0], Unconvertible), "a refused item")),
    Case("custom_del", "import os\nclass Bomb:\n    def __del__(self):\n        os._exit(9)\n"
                       "def predict(w, X):\n    return Bomb()\n", returns_refused("not a number")),
    Case("list_subclass", "class Sneaky(list):\n    pass\ndef predict(w, X):\n    return Sneaky([1, 2])\n",
         returns_refused("not a number")),
    Case("self_referencing_list", fn("x = []\nx.append(x)\nreturn x"),
         returns(lambda v: "deeper than" in repr(v), "a refused nesting")),
    Case("huge_structure", fn("return list(range(10**7))"), returns_refused("more items")),
    Case("object_array", fn("return np.array([object()] * 4)", "import numpy as np"), returns_refused("not numeric")),
    Case("enormous_strided_view", fn("return as_strided(np.zeros(1), shape=(10**6, 10**6), strides=(0, 0))",
                                     "import numpy as np\nfrom numpy.lib.stride_tricks import as_strided"),
         returns_refused("more than the 8 MB")),
    Case("nan_array", fn("return np.full(len(X), np.nan)", "import numpy as np"), scored_zero, grade=True),
    Case("inf_array", fn("return np.full(len(X), np.inf)", "import numpy as np"), scored_zero, grade=True),
    # -- the module itself ----------------------------------------------------------------------
    Case("import_time_exit", "import os\nos._exit(0)\n",
         raises(StudentCodeUnavailable, r"could not be imported: the process ended with exit code 0 while "
                                        r"'perceptron.py' was being imported")),
    Case("import_time_loop", "while True:\n    pass\n",
         raises(StudentCodeUnavailable, r"could not be imported: it used more than the 1 s of CPU time")),
    Case("import_time_secret_grab", TRY_ALL + "import os\nSTOLEN = [attempt(lambda: open('__COURSE__/course.toml').read()),"
                                             " attempt(lambda: open('__ROOT__/reference/perceptron.py').read())]\n"
                                             "def predict(w, X):\n    return STOLEN\n",
         returns(nothing_read, "nothing stolen at import time")),
    Case("not_utf8", b"def predict(w, X):\n    return '\xff\xfe'\n",
         raises(StudentCodeUnavailable, r"has a syntax error at line 2: .*utf-8' codec can't decode")),
    Case("empty_file", "", raises(StudentCodeUnavailable, r"does not define a function 'predict'")),
    Case("null_byte", b"def predict(w, X):\n    return 1\x00\n",
         raises(StudentCodeUnavailable, r"has a syntax error.*null")),
    Case("wrong_signature", "def predict(w):\n    return w\n",
         raises(StudentRaised, r"does not accept the stub's arguments")),
    Case("class_instead_of_function", "class predict:\n    def __init__(self, w, X):\n        pass\n",
         raises(StudentCodeUnavailable, r"defines 'predict' as a class, but it must be a function")),
    Case("function_is_not_callable", "predict = 42\n",
         raises(StudentCodeUnavailable, r"does not define a function 'predict'")),
]


def _write(folder: Path, source: str | bytes, world: World) -> None:
    if isinstance(source, str):
        for key, value in world.placeholders().items():
            source = source.replace(key, value)
        source = source.encode()
    else:
        for key, value in world.placeholders().items():
            source = source.replace(key.encode(), value.encode())
    (folder / "perceptron.py").write_bytes(source)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_submission(case: Case, world: World, hostile_sandbox: Sandbox, tmp_path: Path) -> None:
    if case.name == "forbidden_system_calls":
        if os.uname().machine != "x86_64":
            pytest.skip("the attack is written with x86_64 system-call numbers")
        if not hostile_sandbox.capabilities.get("seccomp"):
            pytest.skip(f"no system-call filter here: {hostile_sandbox.capabilities.get('seccomp_reason')}")
    before = world.fingerprint()
    tmp_before = host_tmp_files()
    already_running = frozenset(attacker_processes())
    numpy_allclose, builtin_isinstance, cwd = np.allclose, builtins.isinstance, os.getcwd()

    _write(tmp_path, case.source, world)
    code = SandboxedStudentCode(tmp_path, sandbox=hostile_sandbox)
    try:
        if case.grade:
            exercise = load_registry().get("perceptron.predict")
            if case.torch:
                from dataclasses import replace

                exercise = replace(exercise, uses_torch=True)
            outcome: Any = grade_exercise(exercise, code, include_hidden=True)
        else:
            try:
                outcome = code.call(PREDICT, (W, X), {}, limits=case.limits, torch=case.torch)
            except (StudentRaised, StudentKilled, StudentTimedOut, StudentCodeUnavailable) as exc:
                outcome = exc
        case.expect(outcome, world)

        if case.name == "socket_listen":
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", world.free_port), timeout=1)
        if case.name == "huge_stdout":
            assert "output truncated" in outcome.output and len(outcome.output) < LIMITS.output_chars + 200
        if case.name == "custom_del":
            # The object's __del__ ended that child after it replied; the next call gets a fresh one.
            assert isinstance(code.call(PREDICT, (W, X), {}).value, Unconvertible)
    finally:
        code.close()

    # Nothing else was affected.
    with pytest.raises(BlockingIOError):
        world.listener.accept()  # no connection ever reached the host
    assert world.fingerprint() == before, "a file outside the child's folder changed"
    assert host_tmp_files() == tmp_before, "the attack left files in the host's /tmp"
    assert not any("pwned" in name for name in os.listdir(Path.home()))
    assert (np.allclose, builtins.isinstance, os.getcwd()) == (numpy_allclose, builtin_isinstance, cwd)
    with SandboxedStudentCode(ROOT / "solutions", sandbox=hostile_sandbox) as other_student:
        np.testing.assert_array_equal(other_student.call(PREDICT, (W, X), {}).value, RIGHT)
    assert wait_for_no_attacker(already_running=already_running) == [], "a process of the submission outlived it"


def test_the_suite_covers_at_least_forty_submissions() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


def test_one_students_files_are_gone_for_the_next(hostile_sandbox: Sandbox, tmp_path: Path) -> None:
    """Whatever a child writes, in any folder it can write to, the next student's child never sees."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "perceptron.py").write_text(fn("""
        for folder in ('/tmp', '/tmp/work', '/dev/shm', '/var/tmp'):
            with open(folder + '/left-behind', 'w') as handle:
                handle.write('FIRST-STUDENT')
        return 'written'
        """))
    (second / "perceptron.py").write_text(fn("""
        found = []
        for folder in ('/tmp', '/tmp/work', '/dev/shm', '/var/tmp'):
            found += [folder + '/' + name for name in os.listdir(folder) if name == 'left-behind']
        return found
        """))
    with SandboxedStudentCode(first, sandbox=hostile_sandbox) as student:
        assert student.call(PREDICT, (W, X), {}).value == "written"
    with SandboxedStudentCode(second, sandbox=hostile_sandbox) as student:
        assert student.call(PREDICT, (W, X), {}).value == []


def test_hidden_inputs_never_reach_a_public_check(hostile_sandbox: Sandbox, tmp_path: Path) -> None:
    """A submission that keeps every input it is given and prints them all at each call shows no hidden input.

    Hidden checks run in children of their own: the public checks' printed
    output is the same whether the hidden checks ran or not.
    """
    (tmp_path / "perceptron.py").write_text(fn("""
        SEEN.append(repr(np.asarray(X).tolist()))
        with open('/tmp/seen.txt', 'a') as handle:
            handle.write(SEEN[-1] + '\\n')
        print(open('/tmp/seen.txt').read())
        print(SEEN)
        return np.where(w[0] + np.asarray(X) @ np.asarray(w[1:]) > 0, 1, -1)
        """, "import numpy as np\nSEEN = []"))
    exercise = load_registry().get("perceptron.predict")
    assert any(check.hidden for check in exercise.checks) and any(not check.hidden for check in exercise.checks)

    def inputs_shown(graded: Any, hidden: bool) -> set[str]:
        assert all(check.status is Status.PASSED for check in graded.checks), graded.checks
        return {line for check in graded.checks if check.hidden == hidden for line in check.output.splitlines()
                if line.startswith("[[")}

    with SandboxedStudentCode(tmp_path, sandbox=hostile_sandbox) as student:
        public = inputs_shown(grade_exercise(exercise, student), hidden=False)
    # As in a whole assignment: one exercise's hidden checks, then (another exercise's) public checks.
    with SandboxedStudentCode(tmp_path, sandbox=hostile_sandbox) as student:
        hidden_only = inputs_shown(grade_exercise(exercise, student, include_hidden=True), hidden=True) - public
        later_public = inputs_shown(grade_exercise(exercise, student), hidden=False)
    assert public and hidden_only, "the attack saw no input"
    assert later_public & hidden_only == set(), "a hidden input reached a public check's output"
