"""nbgrader autograde against nngrade grade: one class of notebook submissions, graded both ways in one run.

The course for assignment a1 is written with `nngrade notebooks` and released
with `nbgrader generate_assignment`. N synthetic students (default 50) hand in
the release notebooks with the solutions typed in, some with a known mistake,
unfinished work or a syntax error (cycled; the mistakes are the sample
class's, see examples/build_class.py). The same submitted/ tree is then
graded by `nbgrader autograde a1` (one kernel per notebook, every test cell
answered through nngrade's notebook checks) and by `nngrade grade` with -j 2
and -j 1, each the real command from start to written outputs. The scores of
both graders are compared student by student.

    .venv/bin/python bench/bench_nbgrader.py [N]      (default 50)
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COURSE_FILE = ROOT / "course.toml"
MODULES = ("perceptron", "backprop")

VARIANTS: list[tuple[str, dict[str, list[tuple[str, str]] | None]]] = [
    # (name, module -> text replacements in the solved notebook; None leaves the module unfinished)
    ("correct", {}),
    ("np-sign", {"perceptron": [("return np.where(net > 0, 1, -1)", "return np.sign(net)")]}),
    ("bp2-no-transpose", {"backprop": [("(W_next.T @ delta_next)", "(W_next @ delta_next)")]}),
    ("correct", {}),
    ("sigma-prime-of-activation", {"backprop": [("* sigmoid_prime(a)", "* sigmoid_prime(sigmoid(a))")]}),
    ("backprop-unfinished", {"backprop": None}),
    ("no-batch-division", {"backprop": [("    new_weights = [W - eta / m * g", "    new_weights = [W - eta * g"),
                                        ("    new_biases = [b - eta / m * g", "    new_biases = [b - eta * g")]}),
    ("correct", {}),
    ("syntax-error", {"backprop": [("def sigmoid(a):", "def sigmoid(a)")]}),
    ("tie-gives-plus-one", {"perceptron": [("return np.where(net > 0, 1, -1)", "return np.where(net >= 0, 1, -1)")]}),
]


def environment() -> dict[str, str]:
    """nbgrader's environment: the venv's tools first (it runs alembic by name), no autograde flag inherited."""
    variables = {key: value for key, value in os.environ.items() if not key.startswith("NBGRADER_")}
    variables["PATH"] = f"{BIN}{os.pathsep}{variables.get('PATH', '')}"
    return variables


def run(command: list[str], cwd: Path) -> float:
    """Run a command to the end; return its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def solved_notebook(course: Path, module: str, replacements: list[tuple[str, str]] | None) -> dict:
    """The release notebook with the source version's solutions typed in, then ``replacements`` made."""
    release = json.loads((course / "release" / "a1" / f"{module}.ipynb").read_text())
    if replacements is None:
        return release
    source = json.loads((course / "source" / "a1" / f"{module}.ipynb").read_text())
    answers = {cell["metadata"]["nbgrader"]["grade_id"]: "".join(cell["source"]) for cell in source["cells"]}
    made: set[str] = set()
    for cell in release["cells"]:
        metadata = cell["metadata"].get("nbgrader", {})
        if metadata.get("solution"):
            lines = answers[metadata["grade_id"]].split("\n")
            text = "\n".join(line for line in lines if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)
            for old, new in replacements:
                if old in text:
                    text = text.replace(old, new)
                    made.add(old)
            cell["source"] = text
    missing = [old for old, _ in replacements if old not in made]
    if missing:
        raise SystemExit(f"bench_nbgrader: {missing} occur in no solution cell of {module}.ipynb")
    return release


def make_class(course: Path, size: int) -> dict[str, str]:
    """Write N submissions into submitted/; return student -> variant."""
    students = {}
    for index in range(size):
        name, changes = VARIANTS[index % len(VARIANTS)]
        student = f"{name}-{index:03d}"
        folder = course / "submitted" / student / "a1"
        folder.mkdir(parents=True)
        for module in MODULES:
            notebook = solved_notebook(course, module, changes.get(module, []))
            (folder / f"{module}.ipynb").write_text(json.dumps(notebook))
        (folder / "timestamp.txt").write_text("2026-10-14 12:00:00.000000 UTC")
        students[student] = name
    return students


def nbgrader_totals(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {submission.student.id: submission.score for submission in gradebook.assignment_submissions("a1")}


def nngrade_totals(out: Path) -> dict[str, float]:
    database = sqlite3.connect(out / "gradebook.sqlite")
    rows = database.execute("SELECT student, SUM(score) FROM check_results GROUP BY student").fetchall()
    database.close()
    return {student: total for student, total in rows}


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory(prefix="nngrade-bench-nbgrader-") as temporary:
        base = Path(temporary)
        course = base / "course"
        run([sys.executable, "-m", "grader.cli", "notebooks", "-o", str(course), "-a", "a1", "--course", str(COURSE_FILE)],
            cwd=ROOT)
        run([str(BIN / "nbgrader"), "generate_assignment", "a1"], cwd=course)
        students = make_class(course, size)

        rows = [("nbgrader autograde a1", run([str(BIN / "nbgrader"), "autograde", "a1"], cwd=course))]
        for jobs in (2, 1):
            out = base / f"graded-{jobs}"
            command = [sys.executable, "-m", "grader.cli", "grade", str(course), "-a", "a1", "-o", str(out),
                       "-j", str(jobs), "-q", "--course", str(COURSE_FILE)]
            rows.append((f"nngrade grade -j {jobs}", run(command, cwd=ROOT)))

        theirs, ours = nbgrader_totals(course), nngrade_totals(base / "graded-2")
        agree = sum(abs(theirs.get(student, -1) - ours.get(student, -2)) < 1e-6 for student in students)
        full = sum(abs(ours.get(student, 0) - 65) < 1e-6 for student in students)

    nbgrader_seconds = rows[0][1]
    print(
        f"Grading {size} notebook submissions of assignment a1 (2 notebooks, 15 exercises, 50 checks each; "
        f"{full} at full marks) on {os.cpu_count()} cores\n"
    )
    print("| grader | wall time | per submission | nbgrader's time / this |")
    print("| --- | --- | --- | --- |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.1f} s | {seconds / size:.3f} s | {nbgrader_seconds / seconds:.1f}x |")
    print(f"\nTotals agree for {agree} of {size} students (nbgrader's gradebook and nngrade's, before late penalties).")


if __name__ == "__main__":
    main()
