"""What the sandbox costs for torch module exercises: their checks in process and through the sandbox.

The exercises whose student writes a class or a function that takes objects
(an ``nn.Module``, an autograd ``Function``, a training step) are checked by
scripts (:mod:`grader.object_scripts`): each check sends one script to the
student's child, which builds the objects, runs forward and backward and
sends back plain numbers. Side by side in one run, over every check of those
exercises (public and hidden), with expected values from the references:

- in process: the solution module's classes run by the same script runner
  in this process (no isolation; the baseline),
- sandboxed, warm: the same solutions in the torch worker's child, as grading runs them.

Prints milliseconds per check and the ratio, over all checks and over the
exercises whose checks take milliseconds (all but the training loop); the
target is at most 1.3x over all checks.
Run with ``make bench`` or ``.venv/bin/python bench/bench_modules.py``.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import load_registry  # noqa: E402
from grader.expectations import ReferenceExpectations  # noqa: E402
from grader.runner import grade_exercise  # noqa: E402
from grader.sandbox import Sandbox, SandboxedStudentCode  # noqa: E402
from grader.student_code import InProcessStudentCode  # noqa: E402

REPEATS = 5
TARGET = 1.3


def grade_all(code, exercises, expectations) -> tuple[int, dict[str, float]]:
    checks, per_exercise = 0, {}
    for exercise in exercises:
        start = time.perf_counter()
        result = grade_exercise(exercise, code, expectations=expectations, include_hidden=True)
        per_exercise[exercise.id] = time.perf_counter() - start
        assert result.complete and result.score == result.max_score, f"{exercise.id} is not full marks: {result}"
        checks += len(result.checks)
    return checks, per_exercise


def best_of(run) -> tuple[float, int, dict[str, float]]:
    best = (float("inf"), 0, {})
    for _ in range(REPEATS):
        start = time.perf_counter()
        checks, per_exercise = run()
        seconds = time.perf_counter() - start
        if seconds < best[0]:
            best = (seconds, checks, per_exercise)
    return best


def main() -> None:
    warnings.simplefilter("ignore")
    exercises = [exercise for exercise in load_registry() if exercise.student.scripted]
    expectations = ReferenceExpectations()
    in_process = InProcessStudentCode(ROOT / "solutions")
    grade_all(in_process, exercises, expectations)  # warm the reference caches and torch

    with Sandbox() as sandbox:
        start = time.perf_counter()
        sandbox.worker("torch")
        worker_start = time.perf_counter() - start
        with SandboxedStudentCode(ROOT / "solutions", sandbox=sandbox) as warm:
            grade_all(warm, exercises, expectations)  # start the child, load the modules
            base = best_of(lambda: grade_all(in_process, exercises, expectations))
            boxed = best_of(lambda: grade_all(warm, exercises, expectations))

    checks = base[1]
    print(f"Checking the torch module exercises: {len(exercises)} exercises, {checks} checks "
          f"(public and hidden), best of {REPEATS}\n")
    print("| exercise | in process | sandboxed, warm child | ratio |")
    print("| --- | --- | --- | --- |")
    for exercise in exercises:
        mine, theirs = base[2][exercise.id], boxed[2][exercise.id]
        print(f"| {exercise.id} | {mine * 1000:.1f} ms | {theirs * 1000:.1f} ms | {theirs / mine:.2f}x |")
    ratio = boxed[0] / base[0]
    print(f"| all, per check | {base[0] / checks * 1000:.2f} ms | {boxed[0] / checks * 1000:.2f} ms | {ratio:.2f}x |")
    # Training dominates the total; the other checks take milliseconds, where the round trips show.
    short = [exercise.id for exercise in exercises if base[2][exercise.id] < 0.1]
    mine, theirs = sum(base[2][name] for name in short), sum(boxed[2][name] for name in short)
    count = sum(len(exercise.checks) for exercise in exercises if exercise.id in short)
    print(f"| the {len(short)} exercises below 0.1 s, per check | {mine / count * 1000:.2f} ms | {theirs / count * 1000:.2f} ms "
          f"| {theirs / mine:.2f}x |")
    print(f"\nstart the torch worker (once per grading process): {worker_start * 1000:.0f} ms")
    print(f"target: at most {TARGET}x in process; {'met' if ratio <= TARGET else 'NOT MET'}")


if __name__ == "__main__":
    main()
