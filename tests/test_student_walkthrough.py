"""A new student's first hour with assignment a1's bundle, one test per thing that used to trip them.

The bundle is written with the course file (``nngrade release -a a1``) and
used from a folder outside the project, in an environment that sees only the
bundle, the way a student uses it after ``pip install .``: each test copies
the bundle's exercises, writes the student's module, and runs the real
``nngrade`` command or pytest in a subprocess. What is covered elsewhere in
depth (the course's limits in the bundle, the notebook's one-line check, the
portable runner's invariants) is referred to, not repeated.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader import load_registry
from grader.course import load_course
from grader.delivery.release_bundle import write_release

from conftest import ROOT, SOLUTIONS

pytestmark = pytest.mark.slow

REGISTRY = load_registry()
COURSE = load_course(ROOT / "course.toml", REGISTRY)


@pytest.fixture(scope="module")
def a1_bundle(tmp_path_factory) -> Path:
    return write_release(
        tmp_path_factory.mktemp("walkthrough") / "a1", registry=REGISTRY, course=COURSE, assignments=["a1"],
        overwrite=False,
    ).path


def _environment(bundle: Path, **extra: str) -> dict[str, str]:
    """A student's shell with the bundle's grader on its path and nothing of this project."""
    import os

    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "PYTEST", "VIRTUAL_ENV", "NNGRADE")) and key != "PATH"
    }
    environment.update(PATH="/usr/local/bin:/usr/bin:/bin", PYTHONPATH=str(bundle), **extra)
    return environment


@pytest.fixture
def student(a1_bundle, tmp_path):
    """The student's exercises folder: the bundle's stubs, with the solution of backprop.py in place."""
    folder = tmp_path / "exercises"
    shutil.copytree(a1_bundle / "exercises", folder)
    shutil.copy(SOLUTIONS / "backprop.py", folder / "backprop.py")
    return folder


def nngrade(bundle: Path, folder: Path, *arguments: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *arguments], cwd=folder, env=_environment(bundle, **extra),
        capture_output=True, text=True, timeout=300,
    )


def with_predict(folder: Path, body: str, *, preamble: str = "") -> None:
    """The solution's perceptron.py with ``predict`` replaced by ``body``."""
    source = (SOLUTIONS / "perceptron.py").read_text()
    body = body.replace("NET", "(w[0] + np.asarray(X, dtype=float) @ w[1:])")
    replacement = f"def predict(w, X):\n{textwrap.indent(textwrap.dedent(body).strip(), '    ')}\n\n\ndef _unused_predict(w, X):"
    (folder / "perceptron.py").write_text(preamble + source.replace("def predict(w, X):", replacement, 1))


def test_a_file_beside_the_module_is_not_there_and_the_message_says_why(a1_bundle, student):
    (student / "patterns.csv").write_text("1,2\n")
    with_predict(student, "np.loadtxt('patterns.csv')\nreturn np.where(NET > 0, 1, -1)")
    checked = nngrade(a1_bundle, student, "check", "perceptron.predict")
    assert checked.returncode == 1
    assert "Your code runs in an empty folder" in checked.stdout and "arguments" in checked.stdout, checked.stdout


def test_an_import_the_course_does_not_allow_names_what_may_be_imported(a1_bundle, student):
    with_predict(student, "import pandas\nreturn np.where(NET > 0, 1, -1)")
    checked = nngrade(a1_bundle, student, "check", "perceptron.predict")
    assert "pandas is not available to submissions in this course: you may import numpy" in checked.stdout
    assert "README" not in checked.stderr  # no traceback of the grader's own
    readme = (a1_bundle / "README.md").read_text()
    assert "numpy==" in readme, "the bundle's README lists what a submission may import"


def test_a_syntax_error_is_reported_once_with_its_line(a1_bundle, student):
    source = (SOLUTIONS / "perceptron.py").read_text() + "\ndef broken(:\n"
    (student / "perceptron.py").write_text(source)
    checked = nngrade(a1_bundle, student, "check", "perceptron")
    assert checked.returncode == 1
    assert checked.stdout.count("has a syntax error at line") == 1, checked.stdout
    line = source.count("\n")
    assert f"'perceptron.py' has a syntax error at line {line}" in checked.stdout
    stopped = checked.stdout.count("not run: perceptron.py could not be loaded")
    assert stopped >= len([c for e in REGISTRY.in_topic("perceptron") for c in e.public_checks]), checked.stdout


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("return NET > 0", "dtype bool"),  # booleans: the message says what kind of array came back
        ("np.where(NET > 0, 1, -1)\n", "did you forget to return the result"),  # no return: None
        ("return map(float, np.where(NET > 0, 1, -1))", "a map is a recipe for values"),
        ("return (v for v in np.where(NET > 0, 1.0, -1.0))", "hint: a generator"),
    ],
    ids=["bools", "none", "map", "generator"],
)
def test_an_answer_of_the_wrong_kind_gets_a_hint_in_a_students_words(a1_bundle, student, body, words):
    with_predict(student, body)
    checked = nngrade(a1_bundle, student, "check", "perceptron.predict")
    assert checked.returncode == 1
    assert "internal error" not in checked.stdout
    assert words in checked.stdout, checked.stdout


def test_printed_output_is_shown_for_passing_checks_with_verbose_and_pytest_s(a1_bundle, student):
    with_predict(student, "print('net inputs', NET)\nreturn np.where(NET > 0, 1, -1)")
    quiet = nngrade(a1_bundle, student, "check", "perceptron.predict")
    verbose = nngrade(a1_bundle, student, "check", "-v", "perceptron.predict")
    assert quiet.returncode == verbose.returncode == 0, verbose.stdout
    assert "net inputs" not in quiet.stdout and "net inputs" in verbose.stdout
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider", "perceptron.py::perceptron.predict"],
        cwd=student, env=_environment(a1_bundle), capture_output=True, text=True, timeout=300,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "net inputs" in tested.stdout


def test_the_bundle_lists_only_a1_with_the_courses_points_and_a_closed_pipe_is_quiet(a1_bundle, student):
    listed = subprocess.run(
        f"{sys.executable} -m grader.cli list | head -n 1", shell=True, cwd=student, env=_environment(a1_bundle),
        capture_output=True, text=True, timeout=300,
    )
    assert "Traceback" not in listed.stderr and "BrokenPipe" not in listed.stderr, listed.stderr
    full = nngrade(a1_bundle, student, "list", "--brief")
    a1 = COURSE.assignment("a1")
    shown = dict(re.findall(r"^(\S+)  \((\S+) points\)", full.stdout, re.MULTILINE))
    assert sorted(shown) == sorted(exercise.id for exercise in a1.exercises)
    for exercise in a1.exercises:
        public = sum(check.points for check in exercise.public_checks) * a1.scale(exercise)
        assert float(shown[exercise.id]) == pytest.approx(public, abs=0.01)


def test_a_typo_in_an_exercise_id_gets_a_suggestion(a1_bundle, student):
    checked = nngrade(a1_bundle, student, "check", "perceptron.predcit")
    assert checked.returncode == 2
    assert "did you mean 'perceptron.predict'" in checked.stderr, checked.stderr


def test_the_self_check_runs_without_the_sandbox_where_there_is_none(a1_bundle, student):
    shutil.copy(SOLUTIONS / "perceptron.py", student / "perceptron.py")
    checked = nngrade(a1_bundle, student, "check", "perceptron.predict", NNGRADE_RUNNER="portable")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no sandbox on this OS" in checked.stdout
