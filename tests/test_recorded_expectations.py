"""Checks run from recorded data exactly as from the reference, with no reference code importable."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from grader import load_registry
from grader.declarations import resolve
from grader.expectations import RecordedExpectations, record_public_checks
from grader.results import Status
from grader.runner import grade_exercise
from grader.sandbox import SandboxedStudentCode
from grader.student_code import TrustedStudentCode

from conftest import EXERCISES, SOLUTIONS, load_module

REGISTRY = load_registry()
# Resolved before any test hides the reference package.
VARIANTS = {(e.id, m.name): e.answer_function(m.variant) for e in REGISTRY for m in e.mistakes}


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recorded")
    record_public_checks(REGISTRY, folder)
    return folder


@pytest.fixture
def without_reference_code(monkeypatch):
    """Make every ``reference`` module unimportable, as in the student bundle."""
    for name in [name for name in sys.modules if name == "reference" or name.startswith("reference.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "reference", None)


def test_recording_holds_public_checks_only(recording):
    for exercise in REGISTRY:
        data = json.loads((recording / f"{exercise.id}.json").read_text())
        assert set(data["checks"]) == {check.name for check in exercise.public_checks}
        # A check may test a property or a form only; the exercise as a whole compares with the reference.
        assert any(check["reference"] for check in data["checks"].values()), exercise.id
        for check in data["checks"].values():
            assert set(check["mistakes"]) == {mistake.name for mistake in exercise.mistakes}


def test_without_reference_code_the_reference_really_is_gone(without_reference_code):
    with pytest.raises(ImportError):
        resolve("reference.perceptron:predict")


def test_solutions_stubs_and_mistakes_from_recorded_data(recording, without_reference_code):
    expectations = RecordedExpectations(recording)
    for exercise in REGISTRY:
        solved = grade_exercise(exercise, SandboxedStudentCode(SOLUTIONS), expectations=expectations)
        assert solved.complete and solved.score == solved.max_score, exercise.id
        stub = grade_exercise(exercise, SandboxedStudentCode(EXERCISES), expectations=expectations)
        assert all(check.status is Status.NOT_IMPLEMENTED for check in stub.checks), exercise.id
        for mistake in exercise.mistakes:
            variant = TrustedStudentCode(VARIANTS[exercise.id, mistake.name])
            wrong = grade_exercise(exercise, variant, expectations=expectations)
            assert wrong.complete and wrong.score < wrong.max_score, (exercise.id, mistake.name)
            assert any(mistake.name in check.feedback for check in wrong.checks), (exercise.id, mistake.name)


def test_mistake_variants_import_reference_code_when_loaded_not_when_called():
    """A variant runs as the student's code above with the reference package hidden: it must hold all it uses.

    An import inside a variant's body is made when the variant is called, fails there with
    ModuleNotFoundError, and the mistake goes unnamed from recorded data although it is named live.
    """
    late = []
    for path in sorted((Path(__file__).parent.parent / "reference").glob("*_mistakes.py")):
        for function in ast.walk(ast.parse(path.read_text())):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                module = node.module if isinstance(node, ast.ImportFrom) else None
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [module or ""]
                relative = isinstance(node, ast.ImportFrom) and node.level > 0  # from . import: the reference package
                if isinstance(node, (ast.Import, ast.ImportFrom)) and (relative or any(
                    name == "reference" or name.startswith("reference.") for name in names
                )):
                    late.append(f"{path.name}:{node.lineno} in {function.name}")
    assert not late, f"import these at the top of the module, not inside a variant: {late}"


def test_hidden_checks_cannot_run_from_recorded_data(recording):
    exercise = REGISTRY.get("perceptron.predict")
    result = grade_exercise(
        exercise, SandboxedStudentCode(SOLUTIONS), expectations=RecordedExpectations(recording), include_hidden=True
    )
    hidden = [check for check in result.checks if check.hidden]
    assert hidden and all(check.status is Status.INTERNAL_ERROR for check in hidden)
    assert "hidden checks never are" in hidden[0].feedback


def test_a_broken_recording_is_an_internal_error_with_a_message(tmp_path):
    (tmp_path / "perceptron.predict.json").write_text("{not json")
    result = grade_exercise(
        REGISTRY.get("perceptron.predict"), SandboxedStudentCode(SOLUTIONS), expectations=RecordedExpectations(tmp_path)
    )
    assert all(check.status is Status.INTERNAL_ERROR for check in result.checks)
    assert "not valid JSON" in result.checks[0].feedback
