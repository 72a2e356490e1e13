"""Checks that cover their own contract: every input class an exercise's docstring allows is drawn by some check.

Each exercise declares the classes of input its docstring allows
(``Exercise.input_classes``, vocabulary in :mod:`grader.input_classes`). Here
every public and hidden check runs once, in process, with the solution as the
student (one student id), every call's inputs are recorded, and every
declared class must be drawn by at least one call; every parameter with a
default value must be left out by at least one call, so the default itself
is tested. A failure is fixed in the checks (pass the input in a public or
hidden check), never by declaring less than the docstring allows.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import re

import numpy as np
import pytest

from grader import load_registry
from grader.declarations import Exercise
from grader.errors import InvalidDeclaration
from grader.expectations import ReferenceExpectations
from grader.input_classes import INPUT_CLASSES, RecordedCall, default_parameters, drawn, parse, undrawn_defaults
from grader.runner import grade_exercise
from grader.seeds import SeedPolicy
from grader.student_code import TrustedStudentCode

from conftest import EXERCISES, one_thread
from test_validity_sweeps import _solution

REGISTRY = load_registry()
ALL = list(REGISTRY)

PENDING: dict[str, str] = {}
"""Exercises whose input classes are not declared yet (``input_classes=None``), each with what remains to do.

Listed by id so that none is left out silently: an exercise here must still be undeclared, and every
exercise not here must declare its classes. Declaring one means reading its docstring, declaring what it
allows and making the checks draw it -- then removing it from this list."""


@functools.lru_cache(maxsize=None)
def recorded_calls(exercise_id: str) -> tuple[tuple[RecordedCall, ...], tuple[str, ...]]:
    """Every call the exercise's checks make of the solution, by parameter name; and the checks that lost points."""
    exercise = REGISTRY.get(exercise_id)
    solution = _solution(exercise)
    signature_of = None if exercise.student.scripted else solution
    calls: list[RecordedCall] = []

    def recording(*args, **kwargs):
        calls.append(RecordedCall.bind(signature_of, args, kwargs))
        return solution(*args, **kwargs)

    with one_thread():
        result = grade_exercise(exercise, TrustedStudentCode(recording), expectations=ReferenceExpectations(),
                                seeds=SeedPolicy.for_student("input-classes", "s0000001"), include_hidden=True)
    lost = tuple(f"{check.check_name}: {check.feedback}" for check in result.checks if check.score != check.max_score)
    return tuple(calls), lost


def test_every_exercise_declares_its_input_classes_or_is_listed_as_pending():
    undeclared = sorted(exercise.id for exercise in ALL if exercise.input_classes is None)
    missing = sorted(set(undeclared) - set(PENDING))
    assert not missing, (
        f"these exercises do not declare the input classes their docstrings allow (Exercise.input_classes, "
        f"see grader/input_classes.py): {missing}"
    )
    declared_now = sorted(set(PENDING) - set(undeclared))
    assert not declared_now, f"these exercises declare their input classes now: remove them from PENDING: {declared_now}"


@pytest.mark.parametrize("exercise", ALL, ids=[exercise.id for exercise in ALL])
def test_every_declared_input_class_and_every_default_is_drawn_by_a_check(exercise: Exercise):
    if exercise.input_classes is None:
        pytest.skip(f"{exercise.id}: input classes not declared yet ({PENDING.get(exercise.id, 'not in PENDING')})")
    has_defaults = not exercise.student.scripted and bool(default_parameters(_solution(exercise)))
    if not exercise.input_classes and not has_defaults:
        return  # nothing to draw: no class declared, no default value (a derivation, a script's conventions)
    calls, lost = recorded_calls(exercise.id)
    assert not lost, f"{exercise.id}: the solution loses points, so its calls cannot be trusted:\n" + "\n".join(lost)
    assert calls, f"{exercise.id}: no check calls the student's function"
    undrawn = [declared for declared in exercise.input_classes if not drawn(declared, list(calls))]
    assert not undrawn, (
        f"{exercise.id}: its docstring allows {undrawn}, but no public or hidden check passes such an input: "
        "add one to a check"
    )
    if not exercise.student.scripted:
        untested = undrawn_defaults(_solution(exercise), list(calls))
        assert not untested, (
            f"{exercise.id}: every call passes {untested}, so the default value is never tested: "
            "leave it out of some call of a check"
        )


LISTS = re.compile(
    r"also takes nested lists|lists of numbers work|also works on lists|\(or nested lists\)|\(or lists\) of floats"
    r"|\(or lists of them\)|nested lists work",
    re.I,
)
"""how a topic's docstring says that its functions take lists where they take arrays"""

NO_LIST_INPUT: dict[str, str] = {
    "cnn.conv_output_size": "takes ints only",
    "cnn.conv_parameter_count": "takes ints only",
    "generalisation.kfold_indices": "takes ints only",
    "rnn.clip_by_global_norm": "takes a list of arrays already; not drawn yet: an array of it given as a list",
    "probability.is_valid_pdf": "not drawn yet: a check passing a list",
    "probability.marginals": "not drawn yet: a check passing a list",
    "probability.conditional": "not drawn yet: a check passing a list",
    "probability.sample_moments": "not drawn yet: a check passing a list",
    "probability.table_moments": "not drawn yet: a check passing a list",
    "probability.bernoulli_log_likelihood": "not drawn yet: a check passing a list",
    "probability.binomial_log_likelihood": "not drawn yet: a check passing a list",
    "probability.gaussian_log_likelihood": "not drawn yet: a check passing a list",
}
"""Exercises of a topic whose docstring takes lists that declare no "list input", each with why: no array to give
as a list, or a check still to write (listed so that none is left out silently)."""


def _takes_lists(exercise: Exercise) -> bool:
    path = EXERCISES / f"{exercise.topic}.py"
    text = (ast.get_docstring(ast.parse(path.read_text())) or "") if path.exists() else ""
    return bool(LISTS.search(" ".join(text.split())))


def test_an_exercise_whose_docstring_takes_lists_declares_a_list_input_or_says_why_not():
    missing, needless = [], []
    for exercise in ALL:
        if exercise.student.scripted or exercise.input_classes is None or not _takes_lists(exercise):
            continue
        declared = any(parse(entry)[0].name == "list input" for entry in exercise.input_classes)
        if not declared and exercise.id not in NO_LIST_INPUT:
            missing.append(exercise.id)
        if declared and exercise.id in NO_LIST_INPUT:
            needless.append(exercise.id)
    assert not missing, (
        f"the docstrings of these exercises' topics say lists work where arrays do, but they declare no 'list input' "
        f"(pass a list in a check and declare it, or say why not in NO_LIST_INPUT): {missing}"
    )
    assert not needless, f"these exercises declare 'list input' now: remove them from NO_LIST_INPUT: {needless}"


def _call(**arguments) -> RecordedCall:
    return RecordedCall(arguments)


def test_each_class_is_drawn_by_its_input_and_not_by_an_ordinary_one():
    ordinary = _call(X=np.array([[0.5, -1.5], [2.0, 1.0]]).T @ np.array([[0.5, -1.5], [2.0, 1.0]]), u=0.25)
    cases = {
        "integer dtype": _call(X=np.array([[1, 2], [3, 4]])),
        "non-symmetric matrix": _call(X=np.array([[0.0, 1.0], [0.0, 0.0]])),
        "empty input": _call(X=np.zeros((0, 3))),
        "single row": _call(X=np.array([[1.0, 2.0]])),
        "edge of the legal range: u -> 1": _call(u=1 - 1e-9),
        "ties": _call(X=np.array([[3.0, 3.0], [1.0, 2.0]])),
        "on the boundary": _call(X=np.array([[0.0, 2.0]])),
        "list input": _call(X=[1.0, 2.0]),
        "float32 input": _call(X=np.ones(3, np.float32)),
    }
    assert {parse(name)[0].name for name in cases} == set(INPUT_CLASSES)
    for name, call in cases.items():
        assert drawn(name, [call]), name
        assert not drawn(name, [ordinary]), name


def test_a_class_narrowed_to_a_parameter_or_an_expression_looks_only_there():
    call = _call(w=np.array([1.0, -1.0]), X=np.array([[2.0, 2.0], [1.0, 3.0], [0.5, 0.25]]), u=np.array([0.5, 0.9999999]))
    assert drawn("on the boundary: X @ w", [call])
    assert not drawn("on the boundary: X", [call]) and not drawn("on the boundary: w", [call])
    assert drawn("ties: X", [call]) and not drawn("ties: w", [call])
    assert drawn("edge of the legal range: u -> 1", [call]) and not drawn("edge of the legal range: u -> 0", [call])
    assert not drawn("single row: missing", [call]) and not drawn("ties: X @ nothing", [call])


def test_default_arguments_are_untested_until_a_call_leaves_them_out():
    def function(x, k=2, *, mode="mean"):
        return x

    passed = [RecordedCall.bind(function, (1, 3), {"mode": "max"}), RecordedCall.bind(function, (1,), {"k": 3, "mode": "sum"})]
    assert undrawn_defaults(function, passed) == ["k", "mode"]
    assert undrawn_defaults(function, passed + [RecordedCall.bind(function, (1,), {"mode": "sum"})]) == ["mode"]
    assert undrawn_defaults(function, passed + [RecordedCall.bind(function, (1, 2), {})]) == ["k"]
    assert undrawn_defaults(function, passed + [RecordedCall.bind(function, (1,), {})]) == []


def test_input_classes_are_validated_when_an_exercise_is_declared():
    exercise = REGISTRY.get("perceptron.predict")
    exercise.validate()
    for wrong, message in [
        (("integer"), "tuple of input classes"),
        (("integers",), "not an input class"),
        (("edge of the legal range",), "needs a target"),
        (("edge of the legal range: u",), "parameter -> value"),
        (("ties:",), "after the colon"),
        (("ties", "ties"), "twice"),
    ]:
        with pytest.raises(InvalidDeclaration, match=message):
            dataclasses.replace(exercise, input_classes=wrong).validate()
