"""How long a student waits for a self-check, beside the time Python takes to import NumPy.

In a student's folder (a temporary copy of ``exercises/`` with the solutions in
place of the stubs), times side by side, each run as a fresh process the way a
student types it:

- ``python -c "import numpy"`` (the floor: any NumPy program pays it),
- ``nngrade check perceptron.predict`` (one exercise),
- ``nngrade check perceptron backprop`` (assignment a1's exercises),
- ``pytest perceptron.py`` (one module through the pytest plugin).

Prints the median and best of ``--repeats`` runs and the ratio of the median to
the bare NumPy import. Targets on a 2-core machine: one exercise within 2.5x of
the NumPy import, pytest on one module within 5x.
Run with ``make bench`` or ``.venv/bin/python bench/bench_selfcheck_latency.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

COMMANDS = (
    ("python -c 'import numpy'", [sys.executable, "-c", "import numpy"], None),
    ("nngrade check perceptron.predict", [str(BIN / "nngrade"), "check", "perceptron.predict"], 2.5),
    ("nngrade check (a1: perceptron backprop)", [str(BIN / "nngrade"), "check", "perceptron", "backprop"], None),
    ("pytest perceptron.py", [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "perceptron.py"], 5.0),
)


def student_folder(destination: Path) -> Path:
    """A folder as a student has it once done: the exercises' marker file and the solved modules."""
    shutil.copy(ROOT / "exercises" / "nngrade.toml", destination / "nngrade.toml")
    for path in (ROOT / "solutions").iterdir():
        if path.suffix in {".py", ".pt"}:
            shutil.copy(path, destination / path.name)
    return destination


# As on a student's machine: Python keeps the bytecode it compiles (a shell that sets PYTHONDONTWRITEBYTECODE
# would time compiling the grader on every run).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str], folder: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs of each command (default 7)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = student_folder(Path(name))
        for _, command, _ in COMMANDS:  # warm the file cache and the bytecode
            run(command, folder)
        times: dict[str, list[float]] = {label: [] for label, _, _ in COMMANDS}
        for _ in range(args.repeats):  # interleaved, so a busy moment of the machine hits every command alike
            for label, command, _ in COMMANDS:
                times[label].append(run(command, folder))
    floor = statistics.median(times[COMMANDS[0][0]])
    print(f"{'command':<42} {'median s':>9} {'best s':>7} {'ratio':>6}  target")
    for label, _, target in COMMANDS:
        median = statistics.median(times[label])
        ratio = median / floor
        verdict = "" if target is None else f"<= {target:g}x {'met' if ratio <= target else 'NOT met'}"
        print(f"{label:<42} {median:>9.3f} {min(times[label]):>7.3f} {ratio:>5.2f}x  {verdict}")


if __name__ == "__main__":
    main()
