"""Grading on a loaded machine: a correct answer is not timed out because other processes want the CPU.

Four busy processes run beside the grader (on two cores, a load average of 4
and more) while the real sandbox grades, with the course's limits: a correct
but slow solution of the costliest exercise (Hopfield capacity, written in
Python loops) on its hidden check, and a NumPy exercise's solution whose
module imports torch at its top. CPU limits count the child's own CPU time,
which load does not stretch; the wall-clock limits leave room for the wait.
Marked ``serial``: the busy processes would slow every test running beside them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from grader import load_registry
from grader.course import load_course
from grader.results import Status
from grader.runner import grade_exercise
from grader.sandbox import Sandbox, SandboxedStudentCode
from grader.seeds import SeedPolicy

from conftest import ROOT, SOLUTIONS

pytestmark = [pytest.mark.serial, pytest.mark.slow]

REGISTRY = load_registry()
BUSY_PROCESSES = 4


@pytest.fixture(scope="module")
def loaded_sandbox():
    """The course's sandbox, its workers started, while four processes keep the CPU busy."""
    limits = load_course(ROOT / "course.toml", REGISTRY).limits
    sandbox = Sandbox(limits)
    hogs = []
    try:
        sandbox.worker("numpy")
        sandbox.worker("torch")
        hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(BUSY_PROCESSES)]
        yield sandbox
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait()
        sandbox.close(wait=False)  # the workers end by themselves once their sockets close


def graded(exercise_id: str, folder, sandbox, *, hidden_only: bool = False):
    exercise = REGISTRY.get(exercise_id)
    names = [check.name for check in exercise.hidden_checks] if hidden_only else None
    with SandboxedStudentCode(folder, sandbox=sandbox) as code:
        result = grade_exercise(exercise, code, seeds=SeedPolicy.for_student("loaded-salt", "s2500001"),
                                include_hidden=True, check_names=names)
        spent = code.spent_cpu_seconds
    return result, spent


def test_a_loop_solution_of_the_costliest_exercise_is_not_timed_out(loaded_sandbox, tmp_path):
    shutil.copy(ROOT / "tests" / "loop_solutions" / "hopfield.py", tmp_path / "hopfield.py")
    result, spent = graded("hopfield.capacity", tmp_path, loaded_sandbox, hidden_only=True)
    assert [check.status for check in result.checks] == [Status.PASSED] * len(result.checks), \
        [check.feedback for check in result.checks]
    assert spent > 0.3  # the loop solution did its slow work: this is the case the limit is for
    # Under load it still uses at most half of its CPU limit (with the course's 2 s it used two thirds and more).
    limit = REGISTRY.get("hopfield.capacity").limits["cpu_seconds"]
    assert spent <= limit / 2, (spent, limit)


def test_a_top_level_import_of_torch_stays_within_the_limits(loaded_sandbox, tmp_path):
    source = (SOLUTIONS / "perceptron.py").read_text()
    (tmp_path / "perceptron.py").write_text("import torch  # unused: only its cost matters\n" + source)
    result, spent = graded("perceptron.train", tmp_path, loaded_sandbox)
    assert [check.status for check in result.checks] == [Status.PASSED] * len(result.checks), \
        [check.feedback for check in result.checks]
    assert spent < 1.0, spent  # the import was the torch worker's, before the child started
