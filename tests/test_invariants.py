"""The invariants every exercise must hold, generated from the registry.

A new exercise gets these tests without writing them:

- the solution scores full marks on the public and the hidden checks, for
  one student id's hidden inputs, through the sandbox (tests/hidden_sweep.py
  grades 200 ids' hidden inputs in process);
- the stub scores zero, every check "not implemented", no internal error;
- every known mistake loses points on the public checks and is named in
  their feedback, alone (so diagnosis works in a student's self-check too);
  only mistakes no input can tell apart (:data:`ALIKE_MISTAKES`) are listed
  as possibilities instead;
- the torch reference, graded as if it were a student, scores full marks:
  NumPy and torch agree on every check's inputs;
- each exercise declares at least three mistakes and a hidden check;
- nothing marked TODO is left (``nngrade new exercise`` marks what the author
  writes) in its declaration, references, mistakes, stub or solution;
- every degenerate answer the exercise declares (a constant, zeros, ones, the
  input echoed, uniform weights, random values of the right shape) scores 0
  on every check, public and hidden: no check gives points for an answer
  that computes nothing.
"""

from __future__ import annotations

import inspect
import re

import pytest

from grader import load_registry
from grader.declarations import degenerate_answer, resolve
from grader.expectations import ReferenceExpectations
from grader.results import Status
from grader.runner import grade_exercise
from grader.seeds import SeedPolicy
from grader.sandbox import SandboxedStudentCode
from grader.student_code import TrustedStudentCode
from grader.trial import call_digest, plain_call

from conftest import EXERCISES, SOLUTIONS, load_module

REGISTRY = load_registry()
ALL = list(REGISTRY)
IDS = [exercise.id for exercise in ALL]
STUDENTS = ("s2093117",)
"""The student ids the solution and the torch reference are graded for here, through the sandbox and in process:
one. tests/hidden_sweep.py grades both, in process, on the hidden inputs of 200 student ids; the public checks'
inputs are the same for every student."""
MISTAKES = [(exercise, mistake) for exercise in ALL for mistake in exercise.mistakes]
DEGENERATE = [(exercise, kind) for exercise in ALL for kind in exercise.degenerate_answers]

EXPECTATIONS = ReferenceExpectations()


def _explain(result) -> str:
    return "\n\n".join(f"{check.test_id} [{check.status}]\n{check.feedback}" for check in result.checks)


@pytest.mark.parametrize("exercise", ALL, ids=IDS)
def test_declaration_is_complete(exercise):
    assert len(exercise.mistakes) >= 3, f"{exercise.id} declares fewer than three known mistakes"
    assert exercise.hidden_checks, f"{exercise.id} has no hidden check"
    assert exercise.torch_reference, f"{exercise.id} has no torch reference"
    for mistake in exercise.mistakes:
        assert callable(resolve(mistake.variant))


def _written_places(exercise) -> dict[str, str]:
    """What the author writes for an exercise, by where it is: texts of the declaration and sources of code."""
    places = {f"{exercise.id}: the title": exercise.title, f"{exercise.id}: the notes": exercise.notes}
    for check in exercise.checks:
        places[f"grader/catalog/{exercise.topic}.py: check {check.name}"] = inspect.getsource(check.function)
    for number, mistake in enumerate(exercise.mistakes, 1):
        places[f"grader/catalog/{exercise.topic}.py: mistake {number}'s name or hint"] = mistake.name + mistake.hint
    paths = [exercise.reference, exercise.torch_reference or ""] + [mistake.variant for mistake in exercise.mistakes]
    for path in filter(None, paths):
        module, _, function = path.partition(":")
        if function:
            places[f"{module.replace('.', '/')}.py: {function}"] = inspect.getsource(resolve(path))
    if exercise.student.kind != "weights":
        for folder in (EXERCISES, SOLUTIONS):
            name = exercise.student.name
            for key, found in _functions(load_module(folder, exercise.topic)).items():
                if key == name or key.startswith(f"{name}."):
                    text = found.__doc__ or "" if inspect.isclass(found) else inspect.getsource(found)
                    places[f"{folder.name}/{exercise.topic}.py: {key}"] = text
    return places


@pytest.mark.parametrize("exercise", ALL, ids=IDS)
def test_nothing_is_left_to_write(exercise):
    left = [where for where, text in _written_places(exercise).items() if "TODO" in text]
    assert not left, f"{exercise.id}: write what is marked TODO in\n  " + "\n  ".join(left)


@pytest.mark.parametrize("student", STUDENTS)
@pytest.mark.parametrize("exercise", ALL, ids=IDS)
def test_solution_scores_full_marks(exercise, student):
    result = grade_exercise(
        exercise,
        SandboxedStudentCode(SOLUTIONS),
        expectations=EXPECTATIONS,
        seeds=SeedPolicy.for_student("invariant-salt", student),
        include_hidden=True,
    )
    assert result.score == result.max_score and result.complete, _explain(result)


@pytest.mark.parametrize("exercise", ALL, ids=IDS)
def test_stub_scores_zero_as_not_implemented(exercise):
    result = grade_exercise(exercise, SandboxedStudentCode(EXERCISES), expectations=EXPECTATIONS, include_hidden=True)
    assert result.score == 0, _explain(result)
    assert all(check.status is Status.NOT_IMPLEMENTED for check in result.checks), _explain(result)


ALIKE_MISTAKES: dict[str, tuple[frozenset[str], str]] = {
    "optimisers.torch_momentum_step": (
        frozenset({"Nesterov ignored", "Nesterov with the old buffer"}),
        "Nesterov needs zero dampening (torch refuses it otherwise), and then the plain update's new buffer "
        "mu b + g is the old-buffer Nesterov step g + mu b: the two give the same numbers on every input",
    ),
}
"""Known mistakes no input can tell apart, by exercise: their answers fit both, so the feedback lists them as
possibilities and names neither. Nowhere else may a known mistake end up only listed."""


@pytest.mark.parametrize(
    ("exercise", "mistake"), MISTAKES, ids=[f"{e.id}-{m.name}" for e, m in MISTAKES]
)
def test_mistake_loses_points_and_is_named(exercise, mistake):
    result = grade_exercise(
        exercise, TrustedStudentCode(exercise.answer_function(mistake.variant)), expectations=EXPECTATIONS
    )
    assert result.complete, _explain(result)
    assert result.score < result.max_score, f"the public checks do not catch '{mistake.name}'"
    named = [check for check in result.checks if mistake.name in {m.name for m in check.mistakes}]
    if not named and exercise.id in ALIKE_MISTAKES:
        alike, _ = ALIKE_MISTAKES[exercise.id]
        listed = {found for check in result.checks for found in re.findall(r"- '([^']*)' \(possibly\)", check.feedback)}
        assert mistake.name in listed and listed <= alike, _explain(result)
        return
    assert named, f"no public check names '{mistake.name}':\n{_explain(result)}"
    assert all(mistake.name in check.feedback for check in named)
    # Named alone: a check whose answers fit two known mistakes lists them as possibilities and names neither.
    assert all(len(check.mistakes) == 1 for check in named), _explain(result)


@pytest.mark.parametrize("student", STUDENTS)
@pytest.mark.parametrize("exercise", ALL, ids=IDS)
def test_torch_reference_agrees_with_numpy(exercise, student):
    result = grade_exercise(
        exercise,
        TrustedStudentCode(exercise.answer_function(exercise.torch_reference)),
        expectations=EXPECTATIONS,
        seeds=SeedPolicy.for_student("invariant-salt", student),
        include_hidden=True,
    )
    assert result.score == result.max_score and result.complete, _explain(result)


def _functions(module) -> dict:
    """The module's own functions, and its classes' own methods as ``Class.method``, with the classes themselves."""
    found = {}
    for name, value in vars(module).items():
        if getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value):
            found[name] = value
        elif inspect.isclass(value):
            found[name] = value
            for method, function in vars(value).items():
                function = getattr(function, "__func__", function)  # staticmethod and classmethod
                if inspect.isfunction(function):
                    found[f"{name}.{method}"] = function
    return found


@pytest.mark.parametrize("topic", REGISTRY.topics)
def test_stub_and_solution_have_the_same_functions_signatures_and_docstrings(topic):
    stubs = _functions(load_module(EXERCISES, topic))
    solved = _functions(load_module(SOLUTIONS, topic))
    assert sorted(stubs) == sorted(solved)
    for name in stubs:
        if not inspect.isclass(stubs[name]):
            assert inspect.signature(stubs[name]) == inspect.signature(solved[name]), name
        assert stubs[name].__doc__ == solved[name].__doc__, name
    for exercise in REGISTRY.in_topic(topic):
        if exercise.student.kind == "weights":
            # A file the student hands in: the module's docstring says what it holds and how to save it.
            assert exercise.student.name in (load_module(EXERCISES, topic).__doc__ or ""), exercise.id
            continue
        assert exercise.student.name in stubs, f"{exercise.id}: the stub module has no {exercise.student.name}"
        assert inspect.isclass(stubs[exercise.student.name]) == (exercise.student.kind == "class"), exercise.id


def _degenerate_student(exercise, kind):
    """The degenerate answer ``kind`` as a student function: it sees the right answer's type and shape, nothing more."""
    reference = exercise.answer_function(exercise.reference, numpy=True)

    def answer(*args, **kwargs):
        expected = plain_call(reference, args, kwargs)
        seed = int(call_digest(args, kwargs)[:8], 16)
        return degenerate_answer(kind, args, kwargs, expected, scripted=exercise.student.scripted, seed=seed)

    return answer


def test_every_exercise_declares_degenerate_answers():
    assert len(DEGENERATE) >= 4 * len(ALL)
    assert all(len(exercise.degenerate_answers) >= 4 for exercise in ALL)


@pytest.mark.parametrize(("exercise", "kind"), DEGENERATE, ids=[f"{e.id}-{kind}" for e, kind in DEGENERATE])
def test_degenerate_answer_scores_zero_on_every_check(exercise, kind):
    result = grade_exercise(
        exercise,
        TrustedStudentCode(_degenerate_student(exercise, kind)),
        expectations=EXPECTATIONS,
        seeds=SeedPolicy.for_student("invariant-salt", "degenerate"),
        include_hidden=True,
    )
    assert all(check.status is not Status.INTERNAL_ERROR for check in result.checks), _explain(result)
    scored = [f"{check.test_id}: {check.score}/{check.max_score}" for check in result.checks if check.score > 0]
    assert not scored, f"the degenerate answer '{kind}' scores points:\n" + "\n".join(scored) + "\n\n" + _explain(result)


def test_an_answer_that_computes_keeps_its_partial_credit():
    """The rules that hold degenerate answers at 0 leave a partly right answer that computes its partial credit.

    '(d - y) x update' gives w back for correctly classified patterns, as the echo does, but computes a
    (doubled) step for the others: it keeps the credit of the cases it gets right.
    """
    exercise = REGISTRY.get("perceptron.learning_step")
    mistake = next(m for m in exercise.mistakes if m.name == "(d - y) x update")
    result = grade_exercise(
        exercise, TrustedStudentCode(exercise.answer_function(mistake.variant)), expectations=EXPECTATIONS
    )
    partly = [check for check in result.checks if 0 < check.score < check.max_score]
    assert partly, _explain(result)
