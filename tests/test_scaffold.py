"""``nngrade new exercise``: its files fail the invariant tests, naming each TODO, until an author writes them.

The scaffold writes into a copy of the project's grader, references, stubs,
solutions and invariant tests; the invariant tests then run for real on the
new exercises (a new topic and one added to an existing topic) in a pytest of
that copy, before and after a fixture writes the TODOs as a course author
would: a scaled sum, with three known mistakes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import main

ROOT = Path(__file__).resolve().parent.parent
NEW_TOPIC, OLD_TOPIC = "toy.scaled_sum", "sigmoid_neurons.scaled_sum"
SELECTION = "scaled_sum or toy or (same_functions and sigmoid_neurons)"

# What the author writes for a scaled sum, 3 * sum(x): line the scaffold wrote -> line written.
BODIES = {
    "reference": 'return 3.0 * float(np.sum(x))',
    "torch reference": 'return 3.0 * torch.as_tensor(x, dtype=torch.float64).sum()',
    "solution": 'return 3.0 * float(np.sum(x))',
    "mistake 1": 'return float(np.sum(x))',
    "mistake 2": 'return 3.0 * float(np.mean(x))',
    "mistake 3": 'return 3.0 * float(np.sum(x[1:]))',
}
MISTAKE_NAMES = {"1": "sum not scaled", "2": "mean instead of sum", "3": "first entry left out"}


def _copy_project(destination: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pt", "*.npz")
    for folder in ("grader", "reference", "exercises", "solutions"):
        shutil.copytree(ROOT / folder, destination / folder, ignore=ignore)
    (destination / "tests").mkdir()
    for name in ("conftest.py", "test_invariants.py"):
        shutil.copy(ROOT / "tests" / name, destination / "tests" / name)
    return destination


def _fill(root: Path) -> None:
    """Write every TODO of the scaffold's files as an author would."""
    for path in [*root.glob("reference/*.py"), *root.glob("exercises/*.py"), *root.glob("solutions/*.py"),
                 *root.glob("grader/catalog/*.py")]:
        text = path.read_text()
        if "TODO" not in text:
            continue
        text = re.sub(r'raise NotImplementedError\("TODO: write (mistake \d|the torch reference|the reference|the solution) '
                      r'scaled_sum in [^"]*"\)',
                      lambda m: BODIES[m.group(1).removeprefix("the ")], text)
        text = re.sub(r'"TODO: mistake (\d)"', lambda m: f'"{MISTAKE_NAMES[m.group(1)]}"', text)
        text = text.replace("TODO: ", "").replace("TODO ", "")
        path.write_text(text)


def _invariant_tests(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_invariants.py", "-q", "-k", SELECTION,
         "-p", "no:randomly", "-p", "no:cacheprovider", "-n", "0"],
        cwd=root, env=env, capture_output=True, text=True, timeout=240,
    )


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory) -> Path:
    root = _copy_project(tmp_path_factory.mktemp("course"))
    for exercise in (NEW_TOPIC, OLD_TOPIC):
        assert main(["new", "exercise", exercise, "--root", str(root), "--title", "A scaled sum"]) == 0
    return root


def test_scaffold_writes_every_file_and_registers_the_new_topic(scaffolded, capsys):
    for path in ("reference/toy.py", "reference/toy_torch.py", "reference/toy_mistakes.py", "exercises/toy.py",
                 "solutions/toy.py", "grader/catalog/toy.py"):
        assert "def scaled_sum" in (scaffolded / path).read_text(), path
    assert '"toy"' in (scaffolded / "grader/catalog/__init__.py").read_text()
    catalog = (scaffolded / "grader/catalog/sigmoid_neurons.py").read_text()
    assert "(ADDER_PERCEPTRONS, ADDER_SIGMOID, SCALED_LIMIT, SCALED_SUM)" in catalog
    assert (scaffolded / "reference/sigmoid_neurons.py").read_text().count("def scaled_limit(") == 1


def test_the_invariant_tests_name_every_todo_then_pass_once_written(scaffolded):
    before = _invariant_tests(scaffolded)
    assert before.returncode == 1, before.stdout[-3000:]
    for where in ("toy.scaled_sum: write what is marked TODO in", "reference/toy.py: scaled_sum",
                  "reference/toy_torch.py: scaled_sum", "reference/toy_mistakes.py: scaled_sum_mistake_1",
                  "solutions/toy.py: scaled_sum", "grader/catalog/toy.py: check scaled_sum_hidden_inputs",
                  "sigmoid_neurons.scaled_sum: write what is marked TODO in",
                  "reference/sigmoid_neurons.py: scaled_sum"):
        assert where in before.stdout, where
    assert "test_nothing_is_left_to_write[sigmoid_neurons.adder_sigmoid]" not in before.stdout

    _fill(scaffolded)
    after = _invariant_tests(scaffolded)
    assert after.returncode == 0, after.stdout[-5000:]
    passed = int(re.search(r"(\d+) passed", after.stdout).group(1))
    assert passed >= 2 * 15, after.stdout[-2000:]  # each exercise's declaration, solution, stub, mistakes, torch, degenerate...


@pytest.mark.parametrize(
    ("exercise", "message"),
    [
        ("Toy.Sum", "is not an exercise id"),
        ("toy", "is not an exercise id"),
        ("perceptron.predict", "already defines predict"),
    ],
)
def test_a_bad_exercise_id_changes_nothing_and_says_why(scaffolded, capsys, exercise, message):
    root = scaffolded
    before = {path: path.read_text() for path in root.rglob("*.py")}
    assert main(["new", "exercise", exercise, "--root", str(root)]) == 2
    assert message in capsys.readouterr().err
    assert {path: path.read_text() for path in root.rglob("*.py")} == before


def test_a_folder_that_is_not_a_course_project_is_refused(tmp_path, capsys):
    assert main(["new", "exercise", "toy.scaled_sum", "--root", str(tmp_path)]) == 2
    assert "does not exist" in capsys.readouterr().err and not list(tmp_path.iterdir())
