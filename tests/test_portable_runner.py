"""The portable runner: self-check where the sandbox cannot run, tried here on Linux where it can be chosen.

The foundation's invariants hold with it (the solution scores full marks, the
stub zero with every check "not implemented", each known mistake, written
into a student's module, loses points and is named); each way a call can end
is told as the sandbox tells it; ``nngrade check`` and pytest name the
runner; grading refuses it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader.declarations import StudentFunction
from grader.errors import NngradeError, StudentCodeUnavailable, StudentKilled, StudentNotImplemented, StudentRaised, StudentTimedOut
from grader.results import Status
from grader.runner import grade_exercise
from grader.sandbox import Limits, SandboxUnavailable, SandboxedStudentCode
from grader.sandbox.portable import PortableSandbox, PortableStudentCode
from grader.sandbox.runners import PORTABLE_NOTICE, RUNNER_VARIABLE, require_grading_sandbox, self_check_runner
from grader.seeds import SeedPolicy

from conftest import EXERCISES, ROOT, SOLUTIONS
from test_invariants import EXPECTATIONS, REGISTRY, STUDENTS, _explain

TOPICS = ("perceptron", "sigmoid_neurons", "backprop")
EXERCISES_OF = [exercise for topic in TOPICS for exercise in REGISTRY.in_topic(topic)]
IDS = [exercise.id for exercise in EXERCISES_OF]
MISTAKES = [(exercise, mistake) for exercise in EXERCISES_OF for mistake in exercise.mistakes]
NNGRADE = [sys.executable, "-m", "grader.cli"]


@pytest.fixture(scope="module")
def portable():
    with PortableSandbox() as runner:
        yield runner


@pytest.fixture(scope="module")
def solution_code(portable):
    with PortableStudentCode(SOLUTIONS, sandbox=portable) as code:
        yield code


@pytest.fixture(scope="module")
def stub_code(portable):
    with PortableStudentCode(EXERCISES, sandbox=portable) as code:
        yield code


# -- the invariants ---------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES_OF, ids=IDS)
def test_solution_scores_full_marks(exercise, solution_code):
    result = grade_exercise(
        exercise, solution_code, expectations=EXPECTATIONS,
        seeds=SeedPolicy.for_student("invariant-salt", STUDENTS[0]), include_hidden=True,
    )
    assert result.score == result.max_score and result.complete, _explain(result)


@pytest.mark.parametrize("exercise", EXERCISES_OF, ids=IDS)
def test_stub_scores_zero_as_not_implemented(exercise, stub_code):
    result = grade_exercise(exercise, stub_code, expectations=EXPECTATIONS, include_hidden=True)
    assert result.score == 0, _explain(result)
    assert all(check.status is Status.NOT_IMPLEMENTED for check in result.checks), _explain(result)


_REFERENCE_IMPORT = re.compile(r"^from reference\.(\w+) import", re.MULTILINE)


def _student_with_mistake(folder: Path, exercise, mistake) -> Path:
    """A student's folder whose module is the solution with the exercise's function replaced by the mistake.

    The mistake's module and the reference modules it imports sit beside it as
    the student's own modules (``reference_<topic>.py``), since the child may
    not import the course's reference package.
    """
    module, _, variant = mistake.variant.partition(":")
    mistakes_source = (ROOT / Path(*module.split("."))).with_suffix(".py").read_text()
    for name in set(_REFERENCE_IMPORT.findall(mistakes_source)):
        source = (ROOT / "reference" / f"{name}.py").read_text()
        assert not _REFERENCE_IMPORT.search(source), f"reference/{name}.py imports another reference module"
        (folder / f"reference_{name}.py").write_text(source)
    (folder / "student_mistakes.py").write_text(_REFERENCE_IMPORT.sub(r"from reference_\1 import", mistakes_source))
    solution = (SOLUTIONS / f"{exercise.topic}.py").read_text()
    replaced = f"\n\nfrom student_mistakes import {variant} as {exercise.student.name}  # noqa: E402\n"
    (folder / f"{exercise.topic}.py").write_text(solution + replaced)
    return folder


@pytest.mark.parametrize(("exercise", "mistake"), MISTAKES, ids=[f"{e.id}-{m.name}" for e, m in MISTAKES])
def test_mistake_loses_points_and_is_named(exercise, mistake, portable, tmp_path):
    folder = _student_with_mistake(tmp_path, exercise, mistake)
    with PortableStudentCode(folder, sandbox=portable) as code:
        result = grade_exercise(exercise, code, expectations=EXPECTATIONS)
    assert result.complete, _explain(result)
    assert result.score < result.max_score, f"the public checks do not catch '{mistake.name}'"
    named = [check for check in result.checks if mistake.name in {m.name for m in check.mistakes}]
    assert named, f"no public check names '{mistake.name}':\n{_explain(result)}"


# -- each way a call ends -------------------------------------------------------------------

STUDENT = '''
import os
import time

def predict(w, X):
    print("weights", w)
    return [os.getpid(), os.getcwd(), sorted(os.listdir("."))]

def spins(w, X):
    while True:
        pass

def sleeps(w, X):
    time.sleep(60)

def exits(w, X):
    os._exit(3)

def segfaults(w, X):
    import ctypes
    return ctypes.string_at(0)

def allocates(w, X):
    import numpy as np
    return np.ones(2**31).sum()

def stub(w, X):
    raise NotImplementedError

def imports_the_course(w, X):
    import sys
    try:
        import reference
    except ImportError as exc:
        return ["refused", str(exc), [p for p in sys.path if os.path.isdir(os.path.join(p, "reference"))]]
    return ["imported", reference.__file__, []]
'''


def function(name: str) -> StudentFunction:
    return StudentFunction("perceptron", name)


@pytest.fixture()
def student(portable, tmp_path):
    (tmp_path / "perceptron.py").write_text(STUDENT)
    with PortableStudentCode(tmp_path, sandbox=portable) as code:
        yield code


def test_a_call_returns_its_value_and_what_it_printed_from_an_empty_folder_of_its_own(student, tmp_path):
    outcome = student.call(function("predict"), ([1, 2], 0), {})
    pid, cwd, listed = outcome.value
    assert pid != os.getpid()
    assert Path(cwd).resolve() != tmp_path.resolve() and not listed  # the student's folder is not where it runs
    assert outcome.output == "weights [1, 2]\n"


def test_a_loop_that_never_ends_is_timed_out_and_the_next_call_works(student):
    with pytest.raises(StudentTimedOut, match=r"more than the 0.5 s of CPU time it may use while 'spins' was running"):
        student.call(function("spins"), ([1], 0), {}, limits={"cpu_seconds": 0.5, "wall_seconds": 20})
    with pytest.raises(StudentTimedOut, match=r"did not finish within the time limit of 0.5 s \(wall clock\) while 'sleeps'"):
        student.call(function("sleeps"), ([1], 0), {}, limits={"wall_seconds": 0.5})
    assert student.call(function("predict"), ([1], 0), {}).output == "weights [1]\n"


def test_a_process_that_ends_or_crashes_is_told_and_the_next_call_works(student):
    with pytest.raises(StudentKilled, match=r"ended with exit code 3 while 'exits' was running.*os._exit"):
        student.call(function("exits"), ([1], 0), {})
    with pytest.raises(StudentKilled, match=r"crashed with SIGSEGV while 'segfaults' was running \(a segmentation fault"):
        student.call(function("segfaults"), ([1], 0), {})
    assert student.call(function("predict"), ([2], 0), {}).output == "weights [2]\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux enforces the memory limit")
def test_the_memory_limit_holds_on_linux(student):
    with pytest.raises(StudentRaised, match=r"'allocates' ran out of memory: it may use 256 MB"):
        student.call(function("allocates"), ([1], 0), {}, limits={"memory_mb": 256})


def test_the_exercises_data_files_are_in_its_folder_read_only(portable, tmp_path):
    (tmp_path / "perceptron.py").write_text(
        "import os\n"
        "def predict(w, X):\n"
        "    return [open('data/points.csv').read(), os.stat('data/points.csv').st_mode & 0o222]\n"
    )
    with PortableStudentCode(tmp_path, sandbox=portable, data_files={"data/points.csv": b"1,2\n"}) as code:
        text, writable_bits = code.call(function("predict"), ([1], 0), {}).value
    assert (text, writable_bits) == ("1,2\n", 0)


def test_a_stub_is_not_implemented(student):
    with pytest.raises(StudentNotImplemented, match="'stub' is not implemented yet"):
        student.call(function("stub"), ([1], 0), {})


def test_hidden_calls_run_in_a_process_of_their_own(student):
    public = student.call(function("predict"), ([1], 0), {}).value[0]
    hidden = student.call(function("predict"), ([1], 0), {}, hidden=True).value[0]
    assert public != hidden
    assert student.call(function("predict"), ([1], 0), {}).value[0] == public


def test_the_course_reference_package_is_not_importable(portable):
    """Even by a child that may import anything (a development install of the course can import ``reference``)."""
    assert any(Path(path).name == "reference" for path in portable.protected)
    session = portable.open_session({"perceptron": STUDENT.encode()}, Limits(), imports=None)
    try:
        reply = session.request({"op": "call", "module": "perceptron", "function": "imports_the_course",
                                 "args": [1, 0], "kwargs": {}}, wall_seconds=30, cpu_seconds=10)
    finally:
        session.close()
    verdict, message, on_path = reply["ok"]
    assert (verdict, message, on_path) == ("refused", "No module named 'reference'", [])


BROKEN = {
    "syntax": "def predict(w, X)\n    return 1\n",
    "import": "import numpy\nraise RuntimeError('at import time')\n",
    "missing": "def other(w, X):\n    return 1\n",
    "not allowed": "import pandas\n",
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_module_gets_the_sandbox_s_message(kind, portable, sandbox, tmp_path):
    (tmp_path / "perceptron.py").write_text(BROKEN[kind])
    problems = []
    for code in (PortableStudentCode(tmp_path, sandbox=portable), SandboxedStudentCode(tmp_path, sandbox=sandbox)):
        with code, pytest.raises(StudentCodeUnavailable) as raised:
            code.call(function("predict"), ([1], 0), {})
        problems.append((str(raised.value), raised.value.details))
    assert problems[0] == problems[1]
    if kind == "syntax":
        assert "'perceptron.py' has a syntax error at line 1: expected ':'" in problems[0][0]


# -- choosing the runner, and grading ----------------------------------------------------------


def test_the_runner_is_chosen_by_the_os_and_by_nngrade_runner(monkeypatch):
    monkeypatch.delenv(RUNNER_VARIABLE, raising=False)
    assert self_check_runner().kind == "sandbox"
    monkeypatch.setenv(RUNNER_VARIABLE, "portable")
    assert self_check_runner().notice == PORTABLE_NOTICE
    monkeypatch.setenv(RUNNER_VARIABLE, "sandbox")
    assert self_check_runner().kind == "sandbox"
    monkeypatch.setenv(RUNNER_VARIABLE, "sandbx")
    with pytest.raises(NngradeError, match="NNGRADE_RUNNER is 'sandbx': set it to 'portable' or 'sandbox'"):
        self_check_runner()
    monkeypatch.delenv(RUNNER_VARIABLE)
    monkeypatch.setattr(sys, "platform", "darwin")
    chosen = self_check_runner()
    assert (chosen.kind, chosen.reason) == ("portable", "the sandbox needs Linux, and this is macOS")
    with pytest.raises(SandboxUnavailable, match="grading runs student code only in nngrade's sandbox, and the sandbox needs Linux"):
        require_grading_sandbox()


def test_a_sandbox_worker_that_does_not_start_leaves_self_check_to_the_portable_runner(tmp_path):
    (tmp_path / "perceptron.py").write_text(STUDENT)
    script = textwrap.dedent(f"""
        import grader.sandbox.sandbox as sandbox
        from grader.sandbox.runners import self_check_runner
        sandbox._WORKER_SCRIPT = sandbox.Path({str(tmp_path / "missing.py")!r})  # as if the installation were broken
        runner = self_check_runner()
        with runner.student_code({str(tmp_path)!r}) as code:
            print(type(code).__name__, runner.reason)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         env={**os.environ, RUNNER_VARIABLE: ""})
    assert run.stdout.startswith("PortableStudentCode the sandbox's worker did not start"), run.stdout + run.stderr


def _student_folder(folder: Path) -> Path:
    (folder / "nngrade.toml").write_text((EXERCISES / "nngrade.toml").read_text())
    (folder / "perceptron.py").write_text((SOLUTIONS / "perceptron.py").read_text())
    return folder


def test_nngrade_check_with_the_portable_runner_says_so(tmp_path):
    folder = _student_folder(tmp_path)
    run = subprocess.run([*NNGRADE, "check", "perceptron.predict", "--dir", str(folder)], capture_output=True,
                         text=True, timeout=120, env={**os.environ, RUNNER_VARIABLE: "portable"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count(PORTABLE_NOTICE) == 1
    assert re.search(r"total: 3/3 points", run.stdout), run.stdout


def test_pytest_with_the_portable_runner_says_so(tmp_path):
    folder = _student_folder(tmp_path)
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", "perceptron.py"],
                         cwd=folder, capture_output=True, text=True, timeout=120, env={**os.environ, RUNNER_VARIABLE: "portable"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count(PORTABLE_NOTICE) == 1, run.stdout


WITHOUT_LINUX = """
import ctypes, ctypes.util, os, signal, sys
import numpy  # NumPy asks the kernel's version when it loads; loaded first, as on any OS
for name in ("pidfd_open", "memfd_create", "sysconf", "pread", "uname", "fork", "wait4"):
    if hasattr(os, name):
        delattr(os, name)
for name in ("SIGXCPU", "SIGXFSZ", "SIGALRM", "pidfd_send_signal"):
    if hasattr(signal, name):
        delattr(signal, name)
sys.modules["resource"] = sys.modules["fcntl"] = None  # their import fails, as on Windows
ctypes.util.find_library = lambda name: None
_load = ctypes.CDLL.__init__
def no_libc(self, name, *args, **kwargs):
    if name is None:
        raise TypeError("no C library by that name")
    _load(self, name, *args, **kwargs)
ctypes.CDLL.__init__ = no_libc
from grader.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_self_check_runs_where_linux_s_calls_are_missing(tmp_path):
    """The grader's side of self-check imports and runs with none of Linux's calls, as on Windows (its child is real)."""
    folder = _student_folder(tmp_path)
    run = subprocess.run([sys.executable, "-c", WITHOUT_LINUX, "check", "perceptron.predict", "--dir", str(folder)],
                         capture_output=True, text=True, timeout=120, env={**os.environ, RUNNER_VARIABLE: ""})
    assert run.returncode == 0, run.stdout + run.stderr
    assert PORTABLE_NOTICE in run.stdout and "total: 3/3 points" in run.stdout


def test_grading_refuses_the_portable_runner(tmp_path, monkeypatch):
    run = subprocess.run([*NNGRADE, "grade", str(ROOT / "examples" / "class" / "submissions"), "-a", "a1", "-o", str(tmp_path / "out")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, RUNNER_VARIABLE: "portable"})
    assert run.returncode == 2, run.stdout + run.stderr
    assert "grading runs student code only in nngrade's sandbox, and NNGRADE_RUNNER=portable" in run.stderr
    assert not (tmp_path / "out").exists()

    from grader.student_grading import GradingSettings, grade_student

    monkeypatch.setenv(RUNNER_VARIABLE, "portable")
    settings = GradingSettings(salt="s", exercise_ids=("perceptron.predict",), scales={}, limits=Limits(), protected=())
    with pytest.raises(SandboxUnavailable, match="unset NNGRADE_RUNNER to grade"):
        grade_student("alice", {"perceptron": b""}, settings, sandbox=None)
