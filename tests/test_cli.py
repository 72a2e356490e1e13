"""The ``nngrade`` console script, run as a student runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import load_registry

from conftest import EXERCISES, SOLUTIONS

NNGRADE = str(Path(sys.executable).parent / "nngrade")
REGISTRY = load_registry()


def nngrade(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([NNGRADE, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_list_shows_every_exercise_check_and_the_totals():
    run = nngrade("list")
    assert run.returncode == 0
    for exercise in REGISTRY:
        assert exercise.id in run.stdout
        for check in exercise.checks:
            assert check.name in run.stdout
    checks = sum(len(e.checks) for e in REGISTRY)
    assert f"{len(REGISTRY)} exercises, {checks} checks" in run.stdout


def test_check_on_the_solutions_gives_full_marks_and_exit_zero():
    run = nngrade("check", "--dir", str(SOLUTIONS))
    assert run.returncode == 0, run.stdout + run.stderr
    public = sum(c.points for e in REGISTRY for c in e.public_checks)
    assert f"total: {public:g}/{public:g} points" in run.stdout
    assert "failed" not in run.stdout


def test_check_on_the_stubs_says_not_implemented_and_exits_one():
    run = nngrade("check", "-v", cwd=EXERCISES)
    assert run.returncode == 1
    for exercise in REGISTRY:
        assert exercise.id in run.stdout
    assert "not implemented" in run.stdout and "total: 0/" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_check_from_the_course_root_finds_exercises(tmp_path):
    shutil.copytree(EXERCISES, tmp_path / "exercises")
    run = nngrade("check", "perceptron.predict", cwd=tmp_path)
    assert run.returncode == 1 and "perceptron.predict" in run.stdout


def test_one_wrong_exercise_gets_feedback_with_the_named_mistake(tmp_path):
    folder = tmp_path / "mine"
    shutil.copytree(EXERCISES, folder)
    (folder / "perceptron.py").write_text(
        "import numpy as np\n\ndef predict(w, X):\n    return np.sign(w[0] + np.asarray(X) @ w[1:])\n"
    )
    run = nngrade("check", "perceptron.predict", "--dir", str(folder))
    assert run.returncode == 1
    assert "What to fix" in run.stdout and "'np.sign'" in run.stdout
    assert "expected -1" in run.stdout


def test_unknown_exercise_is_a_usage_error_with_a_way_out():
    run = nngrade("check", "perceptron.nope", "--dir", str(SOLUTIONS))
    assert run.returncode == 2 and "nngrade list" in run.stderr


def test_folder_without_modules_is_a_usage_error(tmp_path):
    run = nngrade("check", "--dir", str(tmp_path))
    assert run.returncode == 2 and "no exercise modules" in run.stderr


@pytest.mark.parametrize("source", ["def predict(w, X)\n    return 1\n", "{not python"])
def test_syntax_error_is_reported_with_its_line(tmp_path, source):
    (tmp_path / "perceptron.py").write_text(source)
    run = nngrade("check", "perceptron.predict", "--dir", str(tmp_path))
    assert run.returncode == 1 and "errored" in run.stdout
    assert "syntax error at line 1" in run.stdout


BROKEN_MODULES = {
    # what perceptron.py holds: (the first line of the one full message, what each check it stopped says)
    "syntax error": ("def predict(w, X)\n    return 1\n", "'perceptron.py' has a syntax error at line 1",
                     "not run: perceptron.py could not be loaded"),
    "failed import": ("import numpy as np\nimport no_such_package_for_nngrade\n\ndef predict(w, X):\n    return 1\n",
                      "'perceptron.py' could not be imported", "not run: perceptron.py could not be loaded"),
    "missing function": ("import numpy as np\n\ndef predikt(w, X):\n    return 1\n",
                         "'perceptron.py' does not define a function 'predict'",
                         "not run: 'predict' is missing from perceptron.py"),
}


@pytest.mark.parametrize("kind", BROKEN_MODULES)
def test_a_module_that_cannot_be_used_is_reported_once_and_its_checks_are_not_run(tmp_path, kind):
    source, message, not_run = BROKEN_MODULES[kind]
    (tmp_path / "perceptron.py").write_text(source)
    run = nngrade("check", "perceptron.predict", "--dir", str(tmp_path))
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.count(message) == 1, run.stdout
    # Said first, before the table of checks, with where it is.
    assert run.stdout.index(message) < run.stdout.index("exercise ")
    if kind == "failed import":
        assert 'line 2' in run.stdout and "no_such_package_for_nngrade" in run.stdout
    checks = REGISTRY.get("perceptron.predict").public_checks
    for check in checks:
        assert f"== perceptron.predict::{check.name} [errored, 0/{check.points:g}] {not_run}" in run.stdout, run.stdout
    assert run.stdout.count(not_run) == len(checks)


def test_a_closed_pipe_ends_quietly():
    """`nngrade list | head`: the reader goes away before the listing is written."""
    process = subprocess.Popen([NNGRADE, "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr


def test_a_typo_in_an_exercise_id_gets_a_suggestion():
    run = nngrade("check", "perceptron.predikt", "--dir", str(SOLUTIONS))
    assert run.returncode == 2 and "did you mean 'perceptron.predict'" in run.stderr
    far = nngrade("list", "zzzz")
    assert far.returncode == 2 and "did you mean" not in far.stderr and "nngrade list" in far.stderr


def test_notes_in_the_gradebook_table_are_cut_between_words():
    from grader.cli import NOTE_WIDTH, shorten

    text = "3 failed; 2 errored; mistakes: forgot-bias, np.sign, wrong-learning-rate-sign, transposed-weights"
    short = shorten(text)
    assert len(short) <= NOTE_WIDTH and short.endswith("...")
    assert text.startswith(short[:-3]) and text[len(short) - 3] in " ,;"
    assert shorten("1 failed") == "1 failed"


def test_check_v_shows_what_passing_checks_printed(tmp_path):
    folder = tmp_path / "mine"
    shutil.copytree(EXERCISES, folder)
    (folder / "perceptron.py").write_text(
        "import numpy as np\n\ndef predict(w, X):\n    print('net input computed')\n"
        "    return np.where(w[0] + np.asarray(X, dtype=float) @ w[1:] > 0, 1, -1)\n"
    )
    quiet = nngrade("check", "perceptron.predict", "--dir", str(folder))
    assert quiet.returncode == 0 and "net input computed" not in quiet.stdout, quiet.stdout + quiet.stderr
    verbose = nngrade("check", "-v", "perceptron.predict", "--dir", str(folder))
    assert "What your code printed in the checks that passed" in verbose.stdout
    assert "net input computed" in verbose.stdout


@pytest.mark.parametrize(
    "body, words",
    [("return map(float, np.asarray(X) @ w[1:])", "a map is a recipe"),
     ("np.asarray(X) @ w[1:]", "without a `return`")],
)
def test_an_answer_that_is_not_numbers_gets_a_hint_through_the_sandbox(tmp_path, body, words):
    folder = tmp_path / "mine"
    shutil.copytree(EXERCISES, folder)
    (folder / "perceptron.py").write_text(f"import numpy as np\n\ndef predict(w, X):\n    {body}\n")
    run = nngrade("check", "perceptron.predict", "--dir", str(folder))
    assert run.returncode == 1 and words in run.stdout, run.stdout
    assert "Unconvertible" not in run.stdout
