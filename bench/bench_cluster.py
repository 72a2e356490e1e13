"""Grading on a Dask cluster against grading here: 300 submissions with -j 2 and with --scheduler local:2.

The class is built from the sample class's students (examples/build_class.py),
cycled to N students as bench/bench_grade.py does. Each run is the real
command, `nngrade grade`, into a fresh output folder: `-j 2` (two grading
processes here) and `--scheduler local:2` (a Dask LocalCluster of two
single-threaded worker processes, started by the command). Both figures
include starting the grader, its workers and their sandboxes, and writing
every output; the cluster's also include starting the scheduler and checking
its workers. The per-task overhead is the extra wall time spread over the
tasks, counted on the two workers that run side by side:
(cluster - local) * 2 / N. The two runs' grades.csv must be identical.

    .venv/bin/python bench/bench_cluster.py [N]      (default 300)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_grade import make_class  # noqa: E402

TARGET = 1.15
WORKERS = 2


def grade(submissions: Path, out: Path, *how: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(submissions), "-a", "a1", "-o", str(out), *how, "-q",
         "--file-times"],  # synthetic students, dated by their files
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory(prefix="nngrade-bench-cluster-") as temporary:
        submissions = Path(temporary) / "class"
        make_class(submissions, size)
        local = grade(submissions, Path(temporary) / "out-local", "-j", str(WORKERS))
        cluster = grade(submissions, Path(temporary) / "out-cluster", "--scheduler", f"local:{WORKERS}")
        same = (Path(temporary) / "out-local" / "grades.csv").read_bytes() == (
            Path(temporary) / "out-cluster" / "grades.csv"
        ).read_bytes()
    ratio = cluster / local
    overhead_ms = (cluster - local) * WORKERS / size * 1000
    print(f"Grading {size} synthetic submissions of assignment a1 (15 exercises, 50 checks each) "
          f"on {os.cpu_count()} cores, here and on a local Dask cluster\n")
    print("| how | wall time | submissions per second |")
    print("| --- | --- | --- |")
    print(f"| -j {WORKERS} | {local:.1f} s | {size / local:.1f} |")
    print(f"| --scheduler local:{WORKERS} | {cluster:.1f} s | {size / cluster:.1f} |")
    print(f"\nratio (cluster / local): {ratio:.2f}x (target: at most {TARGET:.2f}x)")
    print(f"per-task overhead of the cluster: {overhead_ms:.1f} ms")
    print(f"grades.csv identical: {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
