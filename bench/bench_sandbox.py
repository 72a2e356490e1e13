"""What the sandbox costs: the full solution set graded in process and through the sandbox.

Side by side in one run, over every exercise and every check (public and
hidden), with expected values from the reference code in both:

- in process: the solution modules called directly (no isolation; the baseline),
- sandboxed, warm: through the sandbox, workers already started, one child per student,
- sandboxed, new student each pass: the same, with a fresh child (fork, namespaces, privilege drop).

Also times the pieces: starting a worker, starting a child, one call's round trip.
Prints milliseconds per check, the overhead per check against the baseline and
the ratio. Run with ``make bench`` or ``.venv/bin/python bench/bench_sandbox.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from grader import load_registry  # noqa: E402
from grader.declarations import StudentFunction  # noqa: E402
from grader.expectations import ReferenceExpectations  # noqa: E402
from grader.runner import grade_exercise  # noqa: E402
from grader.sandbox import Sandbox, SandboxedStudentCode  # noqa: E402
from grader.student_code import InProcessStudentCode  # noqa: E402

REPEATS = 5


def grade_all(code, registry, expectations) -> int:
    checks = 0
    for exercise in registry:
        result = grade_exercise(exercise, code, expectations=expectations, include_hidden=True)
        assert result.complete, f"{exercise.id} is not full marks: {result}"
        checks += len(result.checks)
    return checks


def best_of(run) -> tuple[float, int]:
    times, checks = [], 0
    for _ in range(REPEATS):
        start = time.perf_counter()
        checks = run()
        times.append(time.perf_counter() - start)
    return min(times), checks


def main() -> None:
    registry = load_registry()
    expectations = ReferenceExpectations()
    grade_all(InProcessStudentCode(ROOT / "solutions"), registry, expectations)  # warm the reference caches

    start = time.perf_counter()
    sandbox = Sandbox()
    sandbox.worker("numpy")
    worker_start = time.perf_counter() - start

    with sandbox:
        in_process = InProcessStudentCode(ROOT / "solutions")
        warm = SandboxedStudentCode(ROOT / "solutions", sandbox=sandbox)
        grade_all(warm, registry, expectations)

        def fresh_student() -> int:
            with SandboxedStudentCode(ROOT / "solutions", sandbox=sandbox) as code:
                return grade_all(code, registry, expectations)

        rows = [
            ("in process (baseline)", *best_of(lambda: grade_all(in_process, registry, expectations))),
            ("sandboxed, warm child", *best_of(lambda: grade_all(warm, registry, expectations))),
            ("sandboxed, new child per pass", *best_of(fresh_student)),
        ]

        spawn_times, world_times = [], []
        for _ in range(20):
            start = time.perf_counter()
            session = sandbox.open_session({"perceptron": b""}, sandbox.limits)
            spawn_times.append(time.perf_counter() - start)
            world_times.append(session.world_seconds)
            session.close()
        predict = StudentFunction("perceptron", "predict")
        w, X = np.array([0.5, -1.0, 2.0]), np.ones((4, 2))
        call_times = []
        for _ in range(500):
            start = time.perf_counter()
            warm.call(predict, (w, X), {})
            call_times.append(time.perf_counter() - start)
        warm.close()
        capabilities = sandbox.capabilities

    base_seconds, checks = rows[0][1], rows[0][2]
    print(f"Grading the full solution set: {len(registry)} exercises, {checks} checks (public and hidden), "
          f"best of {REPEATS}\n")
    print("| run | total | per check | overhead per check | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for label, seconds, count in rows:
        per_check = seconds / count * 1000
        overhead = (seconds - base_seconds) / count * 1000
        print(f"| {label} | {seconds * 1000:.0f} ms | {per_check:.3f} ms | {overhead:+.3f} ms | {seconds / base_seconds:.2f}x |")
    print()
    print("| piece | time |")
    print("| --- | --- |")
    print(f"| start the numpy worker (once per grading process) | {worker_start * 1000:.0f} ms |")
    print(f"| start a child (fork, namespaces, privilege drop), median of 20 | {statistics.median(spawn_times) * 1000:.2f} ms |")
    print(f"| of which building its namespaces and filesystem view (allowlist root), median of 20 | "
          f"{statistics.median(world_times) * 1000:.2f} ms |")
    print(f"| one call's round trip to a warm child, median of 500 | {statistics.median(call_times) * 1000:.3f} ms |")
    print(f"\nprotections on this machine: {capabilities}")


if __name__ == "__main__":
    main()
