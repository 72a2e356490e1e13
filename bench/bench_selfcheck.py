"""How long a self-check takes, and what each part of a check costs.

Runs every exercise's public checks in one process, side by side:

- the solutions against the reference code (what an instructor's run costs),
- the solutions against recorded data (what a student's bundle costs),
- every known mistake, which adds diagnosis (re-running checks with variants),
- the stubs (the floor: every call stops at NotImplementedError).

Prints a table with seconds per pass, milliseconds per check and the ratio to
the first row. Run with ``make bench`` or ``.venv/bin/python bench/bench_selfcheck.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import load_registry  # noqa: E402
from grader.declarations import resolve  # noqa: E402
from grader.expectations import RecordedExpectations, ReferenceExpectations, record_public_checks  # noqa: E402
from grader.runner import grade_exercise  # noqa: E402
from grader.student_code import InProcessStudentCode, TrustedStudentCode  # noqa: E402

REPEATS = 3


def timed(label: str, run) -> tuple[str, float, int]:
    best = float("inf")
    checks = 0
    for _ in range(REPEATS):
        start = time.perf_counter()
        checks = run()
        best = min(best, time.perf_counter() - start)
    return label, best, checks


def main() -> None:
    registry = load_registry()
    solutions = InProcessStudentCode(ROOT / "solutions")
    stubs = InProcessStudentCode(ROOT / "exercises")

    def with_reference() -> int:
        expectations = ReferenceExpectations()
        return sum(len(grade_exercise(e, solutions, expectations=expectations).checks) for e in registry)

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        record_public_checks(registry, folder)
        record_seconds = time.perf_counter() - start

        def with_recording() -> int:
            expectations = RecordedExpectations(folder)
            return sum(len(grade_exercise(e, solutions, expectations=expectations).checks) for e in registry)

        def mistakes_diagnosed() -> int:
            expectations = ReferenceExpectations()
            count = 0
            for exercise in registry:
                for mistake in exercise.mistakes:
                    result = grade_exercise(exercise, TrustedStudentCode(resolve(mistake.variant)), expectations=expectations)
                    count += len(result.checks)
            return count

        def stub_floor() -> int:
            expectations = ReferenceExpectations()
            return sum(len(grade_exercise(e, stubs, expectations=expectations).checks) for e in registry)

        rows = [
            timed("solutions, reference code", with_reference),
            timed("solutions, recorded data", with_recording),
            timed("every known mistake, with diagnosis", mistakes_diagnosed),
            timed("stubs (not implemented)", stub_floor),
        ]

    base = rows[0][1]
    mistakes = sum(len(e.mistakes) for e in registry)
    print(f"{len(registry)} exercises, {mistakes} known mistakes; best of {REPEATS} runs\n")
    print(f"{'run':<40} {'checks':>7} {'seconds':>9} {'ms/check':>9} {'ratio':>7}")
    for label, seconds, checks in rows:
        print(f"{label:<40} {checks:>7} {seconds:>9.3f} {1000 * seconds / max(checks, 1):>9.2f} {seconds / base:>7.2f}")
    print(f"\nrecording every public check once took {record_seconds:.3f} s")


if __name__ == "__main__":
    main()
