"""The pytest plugin, driven with pytester as a student runs ``pytest`` in their folder."""

from __future__ import annotations

import shutil

import pytest

from grader import load_registry

from conftest import EXERCISES, SOLUTIONS

REGISTRY = load_registry()
PUBLIC_CHECKS = sum(len(exercise.public_checks) for exercise in REGISTRY)


@pytest.fixture
def student_folder(pytester):
    """A student's copy of exercises/ as the pytester working directory."""
    for path in EXERCISES.iterdir():
        if path.is_file():
            shutil.copy(path, pytester.path / path.name)
    return pytester.path


def test_stubs_give_one_failing_not_implemented_test_per_public_check(pytester, student_folder):
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=PUBLIC_CHECKS)
    result.stdout.fnmatch_lines(["*not implemented (0/*", "*public checks: 0/* points*"])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_solutions_copied_in_pass_every_public_check(pytester, student_folder):
    for path in [*SOLUTIONS.glob("*.py"), *SOLUTIONS.glob("*.pt")]:  # the weights handed in too
        shutil.copy(path, student_folder / path.name)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=PUBLIC_CHECKS)
    total = sum(c.points for e in REGISTRY for c in e.public_checks)
    result.stdout.fnmatch_lines([f"*public checks: {total:g}/{total:g} points*"])


def test_test_ids_are_exercise_and_check(pytester, student_folder):
    result = pytester.runpytest_subprocess("--collect-only", "-q", "-p", "no:cacheprovider")
    exercise = REGISTRY.get("perceptron.predict")
    for check in exercise.public_checks:
        result.stdout.fnmatch_lines([f"perceptron.py::perceptron.predict::{check.name}"])
    assert not any(check.name in result.stdout.str() for check in exercise.hidden_checks)


def test_a_wrong_answer_fails_with_readable_feedback_and_the_mistake(pytester, student_folder):
    (student_folder / "perceptron.py").write_text(
        "import numpy as np\n\ndef predict(w, X):\n    return np.where(w[0] + np.asarray(X) @ w[1:] >= 0, 1, -1)\n"
    )
    result = pytester.runpytest_subprocess("perceptron.py", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*predict_on_the_boundary: failed (0/1 points)*", "*known mistake, 'tie gives +1'*"])


def test_one_check_can_be_selected_by_its_id(pytester, student_folder):
    result = pytester.runpytest_subprocess(
        "perceptron.py::perceptron.predict::predict_worked_example", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(failed=1)


def test_the_plugin_leaves_other_folders_alone(pytester):
    pytester.makepyfile(perceptron="def predict(w, X):\n    raise NotImplementedError\n")
    pytester.makepyfile(test_other="def test_ok():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


PRINTING_PREDICT = (
    "import numpy as np\n\ndef predict(w, X):\n    print('net input computed')\n"
    "    return np.where(w[0] + np.asarray(X, dtype=float) @ w[1:] > 0, 1, -1)\n"
)


@pytest.mark.parametrize("flag", ["-s", "-rA"])
def test_what_a_passing_check_printed_is_shown_with_s_or_ra(pytester, student_folder, flag):
    (student_folder / "perceptron.py").write_text(PRINTING_PREDICT)
    result = pytester.runpytest_subprocess(
        "perceptron.py::perceptron.predict::predict_worked_example", flag, "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*your code printed (perceptron.predict::predict_worked_example)*", "net input computed"])
    quiet = pytester.runpytest_subprocess("perceptron.py::perceptron.predict::predict_worked_example", "-p", "no:cacheprovider")
    quiet.stdout.no_fnmatch_line("*net input computed*")


@pytest.mark.parametrize(
    "source, message, not_run",
    [
        ("def predict(w, X)\n    return 1\n", "'perceptron.py' has a syntax error at line 1",
         "not run: perceptron.py could not be loaded"),
        ("import numpy as np\nimport no_such_package_for_nngrade\n\ndef predict(w, X):\n    return 1\n",
         "'perceptron.py' could not be imported", "not run: perceptron.py could not be loaded"),
        ("import numpy as np\n\ndef predikt(w, X):\n    return 1\n",
         "'perceptron.py' does not define a function 'predict'", "not run: 'predict' is missing from perceptron.py"),
    ],
    ids=["syntax error", "failed import", "missing function"],
)
def test_a_module_that_cannot_be_used_fails_its_first_check_with_the_message_and_the_rest_in_one_line(
    pytester, student_folder, source, message, not_run, monkeypatch
):
    # As on a student's machine: under CI, pytest's short summary repeats each failure's whole message.
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("BUILD_NUMBER", raising=False)
    (student_folder / "perceptron.py").write_text(source)
    result = pytester.runpytest_subprocess("perceptron.py", "-p", "no:cacheprovider", "-p", "no:randomly")
    exercises = REGISTRY.in_topic("perceptron")
    checks = [(exercise, check) for exercise in exercises for check in exercise.public_checks]
    if "predict" in not_run:  # a missing function stops its own exercise's checks only
        checks = [(exercise, check) for exercise, check in checks if exercise.id == "perceptron.predict"]
    output = result.stdout.str()
    assert result.ret != 0
    assert output.count(message) == 1, output
    assert "ERROR collecting" not in output and "Traceback (most recent call last):" not in output, output
    first, *others = checks
    assert f"{first[0].id}::{first[1].name}: errored (0/{first[1].points:g} points)" in output
    for exercise, check in others:
        assert f"{exercise.id}::{check.name}: errored (0/{check.points:g} points): {not_run}" in output, output
    headline = not_run.removeprefix("not run: ")
    result.stdout.fnmatch_lines([f"{headline}: {len(checks)} checks not run (the message is under {first[0].id}::{first[1].name})"])
