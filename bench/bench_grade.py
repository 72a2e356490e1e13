"""Batch grading throughput: N synthetic submissions graded with -j 1 and -j 2, side by side.

The class is built from the sample class's students (examples/build_class.py):
full marks, each common mistake, unfinished work, a syntax error and a hostile
module, cycled to N students (the student whose loop never ends is left out:
it measures the time limit, not the grader). Each run is the real command,
`nngrade grade`, into a fresh output folder, so the figures include starting
the grader, its worker processes and their sandboxes, and writing every output.

    .venv/bin/python bench/bench_grade.py [N]      (default 200)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))

import build_class  # noqa: E402


def make_class(folder: Path, size: int) -> None:
    variants = [(name, sources) for name, sources in build_class.students().items() if sources and name != "fay"]
    for index in range(size):
        name, sources = variants[index % len(variants)]
        student = folder / f"{name}-{index:04d}"
        student.mkdir(parents=True)
        for module, text in sources.items():
            (student / f"{module}.py").write_text(text)


def grade(submissions: Path, out: Path, jobs: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(submissions), "-a", "a1", "-o", str(out),
         "-j", str(jobs), "-q", "--file-times"],  # synthetic students, dated by their files
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory(prefix="nngrade-bench-") as temporary:
        submissions = Path(temporary) / "class"
        make_class(submissions, size)
        rows = []
        for jobs in (1, 2):
            seconds = grade(submissions, Path(temporary) / f"out-{jobs}", jobs)
            rows.append((jobs, seconds))
    base = rows[0][1]
    print(f"Grading {size} synthetic submissions of assignment a1 (15 exercises, 50 checks each) "
          f"on {os.cpu_count()} cores\n")
    print("| jobs | wall time | submissions per second | speed-up |")
    print("| --- | --- | --- | --- |")
    for jobs, seconds in rows:
        print(f"| -j {jobs} | {seconds:.1f} s | {size / seconds:.2f} | {base / seconds:.2f}x |")


if __name__ == "__main__":
    main()
