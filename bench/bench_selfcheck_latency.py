"""How long a student waits for a self-check, beside the time Python takes to import NumPy.

Timed side by side, each run as a fresh process the way a student types it,
in two settings:

- **student**: the folder of assignment a1's bundle (``nngrade release -a a1``,
  on the import path as after ``pip install .``) with the solutions in place of
  the stubs; expected values come from the bundle's recordings, and pytest
  loads only nngrade's plugin, as in a student's environment;
- **checkout**: a folder of solved modules checked with this project's
  environment (the reference code computes expected values; pytest loads every
  plugin the project's tests install).

Rows: ``python -c "import numpy"`` (the floor: any NumPy program pays it),
``nngrade check perceptron.predict`` (one exercise), ``nngrade check`` on a1's
modules, and ``pytest perceptron.py`` (one module through the pytest plugin).
Prints the median and best of ``--repeats`` runs and the ratio of the median to
the bare NumPy import. Targets on a 2-core machine, for the student's setting:
one exercise within 2.5x of the NumPy import, pytest on one module within 5x.
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
sys.path.insert(0, str(ROOT))

NUMPY = [sys.executable, "-c", "import numpy"]
CHECK = [sys.executable, "-m", "grader.cli", "check"]
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]

# As on a student's machine: Python keeps the bytecode it compiles (a shell that sets PYTHONDONTWRITEBYTECODE
# would time compiling the grader on every run).
BASE_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def solved(folder: Path) -> Path:
    """``folder`` (an exercises folder) with the solved modules in place of the stubs."""
    for path in (ROOT / "solutions").iterdir():
        if path.suffix in {".py", ".pt"} and (folder / path.name).exists():
            shutil.copy(path, folder / path.name)
    return folder


def student_setting(work: Path) -> tuple[Path, dict[str, str]]:
    """a1's bundle, its exercises solved, and the environment of a student who installed it."""
    from grader.course import load_course
    from grader.delivery.release_bundle import write_release
    from grader.registry import load_registry

    registry = load_registry()
    course = load_course(ROOT / "course.toml", registry)
    bundle = write_release(work / "a1", registry=registry, course=course, assignments=["a1"], overwrite=False).path
    folder = solved(Path(shutil.copytree(bundle / "exercises", work / "student")))
    # Only the bundle's grader on the path, and only nngrade's pytest plugin (what `pip install .` gives).
    environment = {**BASE_ENV, "PYTHONPATH": str(bundle), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return folder, environment


def checkout_setting(work: Path) -> tuple[Path, dict[str, str]]:
    folder = work / "checkout"
    folder.mkdir()
    shutil.copy(ROOT / "exercises" / "nngrade.toml", folder / "nngrade.toml")
    for path in (ROOT / "solutions").iterdir():
        if path.suffix in {".py", ".pt"}:
            shutil.copy(path, folder / path.name)
    return folder, dict(BASE_ENV)


def rows(student: tuple[Path, dict[str, str]], checkout: tuple[Path, dict[str, str]]) -> list[tuple]:
    """(label, command, folder, environment, target) for every timed command."""
    plugin = ["-p", "grader.pytest_plugin"]
    return [
        ("python -c 'import numpy'", NUMPY, *student, None),
        ("student: nngrade check perceptron.predict", CHECK + ["perceptron.predict"], *student, 2.5),
        ("student: nngrade check (a1)", CHECK, *student, None),
        ("student: pytest perceptron.py", PYTEST + plugin + ["perceptron.py"], *student, 5.0),
        ("checkout: nngrade check perceptron.predict", CHECK + ["perceptron.predict"], *checkout, None),
        ("checkout: pytest perceptron.py", PYTEST + ["perceptron.py"], *checkout, None),
    ]


def run(command: list[str], folder: Path, environment: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs of each command (default 7)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        table = rows(student_setting(Path(name)), checkout_setting(Path(name)))
        for _, command, folder, environment, _ in table:  # warm the file cache and the bytecode
            run(command, folder, environment)
        times: dict[str, list[float]] = {row[0]: [] for row in table}
        for _ in range(args.repeats):  # interleaved, so a busy moment of the machine hits every command alike
            for label, command, folder, environment, _ in table:
                times[label].append(run(command, folder, environment))
    floor = statistics.median(times[table[0][0]])
    print(f"{'command':<44} {'median s':>9} {'best s':>7} {'ratio':>6}  target")
    for label, _, _, _, target in table:
        median = statistics.median(times[label])
        ratio = median / floor
        verdict = "" if target is None else f"<= {target:g}x {'met' if ratio <= target else 'NOT met'}"
        print(f"{label:<44} {median:>9.3f} {min(times[label]):>7.3f} {ratio:>5.2f}x  {verdict}")


if __name__ == "__main__":
    main()
