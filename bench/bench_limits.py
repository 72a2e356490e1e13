"""Each exercise's CPU limit from measurement: a slow but correct solution, in Python loops, on the largest input.

For every exercise the bench grades, through the real sandbox and as grading
does (public and hidden checks, one student's hidden inputs), two students:
the loop solution of ``tests/loop_solutions/<topic>.py`` (deliberately slow,
plain Python loops, no vectorisation; where a loop version makes no sense,
``tests/loop_solutions/__init__.py`` says why) and the course's solution
(``solutions/<topic>.py``). Calls run with generous limits, so a slow call is
measured, not stopped. Per exercise it keeps the costliest call's CPU time of
each (as the child's clock counts it, in scheduler ticks of a few milliseconds:
a call shorter than a tick may count 0; the call's time in the child is kept
beside it), the size of the largest input of the public and of the hidden
checks (numbers, and characters of text, in the call's arguments), and whether
each got full marks.

The limit an exercise needs is ``MARGIN`` times the costliest of the two,
rounded up to a whole second and never below the course's default; the table
shows it beside the effective limit (the course's, or the exercise's own
override). The measurements go to ``tests/limits_measured.json``, which
``tests/test_limits.py`` reads (it times nothing itself).

    .venv/bin/python bench/bench_limits.py [TOPIC_OR_EXERCISE ...] [--ids N] [--dry-run]

With names, only those exercises are measured and the others keep their
recorded rows. ``--ids N`` measures the hidden checks on N student ids and
keeps the costliest (default 1).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import os
import shutil
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any, Mapping

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from grader import load_registry  # noqa: E402
from grader.declarations import Exercise  # noqa: E402
from grader.expectations import ReferenceExpectations  # noqa: E402
from grader.limits import Limits  # noqa: E402
from grader.runner import grade_exercise  # noqa: E402
from grader.sandbox import Sandbox, SandboxedStudentCode  # noqa: E402
from grader.seeds import SeedPolicy  # noqa: E402
from grader.student_code import CallOutcome  # noqa: E402

from loop_solutions import NO_LOOP_VERSION  # noqa: E402

MARGIN = 3.0
"""an exercise's CPU limit is at least this many times the loop solution's costliest call"""
RECORD = ROOT / "tests" / "limits_measured.json"
LOOPS = ROOT / "tests" / "loop_solutions"
SOLUTIONS = ROOT / "solutions"
SALT = "bench-limits-salt"
MEASURE_LIMITS = {"cpu_seconds": 300.0, "wall_seconds": 900.0}
"""what a measured call may take: enough that a slow call is measured, not stopped"""


def course_default_cpu_seconds() -> float:
    """The course file's CPU limit per call (``[sandbox] cpu_seconds``)."""
    data = tomllib.loads((ROOT / "course.toml").read_text(encoding="utf-8"))
    return float(data.get("sandbox", {}).get("cpu_seconds", Limits.cpu_seconds))


def effective_cpu_seconds(exercise: Exercise, default: float) -> float:
    """The CPU limit an exercise's calls run under: its own override, else the course's default."""
    return float(exercise.limits.get("cpu_seconds", default))


def needed_cpu_seconds(measured: float, default: float) -> float:
    """The limit a measured cost needs: ``MARGIN`` times it, rounded up to a whole second, at least ``default``."""
    return max(default, float(math.ceil(MARGIN * measured - 1e-9)))


def no_loop_reason(exercise_id: str) -> str:
    """Why the exercise has no loop solution ("" when it should have one)."""
    for pattern, reason in NO_LOOP_VERSION.items():
        if fnmatch.fnmatchcase(exercise_id, pattern):
            return reason
    return ""


def numbers_in(value: Any) -> int:
    """How many entries a call's input holds: numbers (arrays by their size, lists and dicts item by item) and
    the characters of its text."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return sum(numbers_in(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(numbers_in(item) for item in value)
    size = getattr(value, "size", None)
    if isinstance(size, int):
        return size
    if isinstance(value, (bool, int, float, complex)):
        return 1
    return 0


class Measured:
    """A sandboxed student whose calls run with generous limits and are each measured."""

    def __init__(self, code: SandboxedStudentCode) -> None:
        self.code = code
        self.calls: list[tuple[bool, int, float, float]] = []
        """(hidden, numbers in the input, CPU seconds, seconds) of each call that answered"""

    def call(self, function: Any, args: tuple, kwargs: dict, *, limits: Mapping[str, Any] | None = None,
             torch: bool = False, hidden: bool = False) -> CallOutcome:
        outcome = self.code.call(function, args, kwargs, limits={**(limits or {}), **MEASURE_LIMITS},
                                 torch=torch, hidden=hidden)
        self.calls.append((hidden, numbers_in((args, kwargs)), float(outcome.cpu_seconds or 0.0), float(outcome.seconds)))
        return outcome


def measure(exercise: Exercise, module_source: Path, sandbox: Sandbox, student_ids: list[str]) -> dict[str, Any]:
    """Grade one student (the module at ``module_source``) on the exercise's public and hidden checks."""
    worst: dict[str, Any] = {"cpu_seconds": 0.0, "full_marks": True, "public_input": 0, "hidden_input": 0,
                             "public_cpu_seconds": 0.0, "hidden_cpu_seconds": 0.0, "call_seconds": 0.0}
    with tempfile.TemporaryDirectory(prefix="nngrade-limits-") as folder:
        shutil.copy(module_source, Path(folder) / f"{exercise.student.module}.py")
        if module_source.parent == LOOPS:
            shutil.copy(LOOPS / "_loops.py", Path(folder) / "_loops.py")  # the loop solutions' shared helpers
        for student_id in student_ids:
            measured = Measured(SandboxedStudentCode(folder, sandbox=sandbox))
            try:
                result = grade_exercise(exercise, measured, expectations=ReferenceExpectations(),
                                        seeds=SeedPolicy.for_student(SALT, student_id), include_hidden=True)
            finally:
                measured.code.close()
            if result.score < result.max_score - 1e-9:
                worst["full_marks"] = False
                worst["lost"] = [f"{check.check_name}: {check.status.value}: {check.feedback[:300]}"
                                 for check in result.checks if check.score != check.max_score]
            for hidden, size, cpu, seconds in measured.calls:
                side = "hidden" if hidden else "public"
                worst["call_seconds"] = max(worst["call_seconds"], round(seconds, 4))
                worst[f"{side}_input"] = max(worst[f"{side}_input"], size)
                worst[f"{side}_cpu_seconds"] = max(worst[f"{side}_cpu_seconds"], round(cpu, 4))
    worst["cpu_seconds"] = max(worst["public_cpu_seconds"], worst["hidden_cpu_seconds"])
    return worst


def loop_source(exercise: Exercise) -> Path | None:
    """The loop solutions' module of the exercise's topic, when it has the exercise's function."""
    path = LOOPS / f"{exercise.student.module}.py"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    name = exercise.student.name
    return path if f"def {name}(" in text or f"class {name}(" in text or f"class {name}:" in text else None


def chosen(exercise: Exercise, row: dict[str, Any], default: float) -> tuple[float, float]:
    """The limit the measurement asks for, and the effective one."""
    costs = [row["solution"]["cpu_seconds"]]
    if row.get("loop"):
        costs.append(row["loop"]["cpu_seconds"])
    return needed_cpu_seconds(max(costs), default), effective_cpu_seconds(exercise, default)


def table(registry: Any, record: dict[str, Any], default: float) -> str:
    lines = [
        f"CPU seconds per call, costliest call of each student, with its time in the child in brackets "
        f"(margin {MARGIN:g}x, course default {default:g} s)",
        "",
        "| exercise | largest input (public / hidden) | loop solution | solution | needed | limit | margin |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for exercise in registry:
        row = record["exercises"].get(exercise.id)
        if row is None:
            lines.append(f"| {exercise.id} | not measured | | | | | |")
            continue
        need, limit = chosen(exercise, row, default)
        loop = row.get("loop")
        loop_text = f"{loop['cpu_seconds']:.3f} ({loop.get('call_seconds', 0):.4f})" + ("" if loop["full_marks"] else " (NOT full marks)") if loop else \
            f"none: {row.get('no_loop_version') or 'not written'}"
        solution = row["solution"]
        solution_text = f"{solution['cpu_seconds']:.3f} ({solution.get('call_seconds', 0):.4f})" + ("" if solution["full_marks"] else " (NOT full marks)")
        cost = max(loop["cpu_seconds"] if loop else 0.0, solution["cpu_seconds"])
        margin = f"{limit / cost:.0f}x" if cost > 0 else "-"
        sizes = f"{solution['public_input']} / {solution['hidden_input']}"
        flag = " (LOW)" if limit < need else ""
        lines.append(f"| {exercise.id} | {sizes} | {loop_text} | {solution_text} | {need:g} | {limit:g}{flag} | {margin} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="topics or exercise ids to measure (default: all)")
    parser.add_argument("--ids", type=int, default=1, help="student ids whose hidden inputs are measured")
    parser.add_argument("--dry-run", action="store_true", help="print the recorded table, measure nothing")
    options = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)
    registry = load_registry()
    default = course_default_cpu_seconds()
    record = json.loads(RECORD.read_text()) if RECORD.is_file() else {"exercises": {}}
    record.update({"margin": MARGIN, "course_default_cpu_seconds": default})
    wanted = [e for e in registry if not options.names or e.id in options.names or e.topic in options.names]
    student_ids = [f"s{2400000 + number:07d}" for number in range(options.ids)]
    if not options.dry_run:
        started = time.perf_counter()
        measured: dict[str, Any] = {}
        with Sandbox(Limits(**MEASURE_LIMITS)) as sandbox:
            for exercise in wanted:
                row: dict[str, Any] = {"solution": measure(exercise, SOLUTIONS / f"{exercise.student.module}.py",
                                                           sandbox, student_ids)}
                source = loop_source(exercise)
                row["no_loop_version"] = no_loop_reason(exercise.id)
                row["loop"] = measure(exercise, source, sandbox, student_ids) if source else None
                measured[exercise.id] = row
                loop = row["loop"]
                print(f"{exercise.id}: solution {row['solution']['cpu_seconds']:.3f} s"
                      + (f", loop {loop['cpu_seconds']:.3f} s" if loop else "")
                      + ("" if row["solution"]["full_marks"] and (not loop or loop["full_marks"]) else
                         f"  NOT FULL MARKS {row['solution'].get('lost') or loop.get('lost')}"),
                      file=sys.stderr, flush=True)
        # Read again: another measurement may have written its rows meanwhile; only this run's rows change.
        record = json.loads(RECORD.read_text()) if RECORD.is_file() else {"exercises": {}}
        record.update({"margin": MARGIN, "course_default_cpu_seconds": default})
        rows = {**record["exercises"], **measured}
        record["exercises"] = {e.id: rows[e.id] for e in registry if e.id in rows}
        record["machine"] = f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end"
        RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        print(f"measured {len(wanted)} exercises in {time.perf_counter() - started:.0f} s; wrote {RECORD.relative_to(ROOT)}",
              file=sys.stderr)
    print(table(registry, record, default))
    return 0


if __name__ == "__main__":
    sys.exit(main())
