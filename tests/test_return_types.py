"""A return type the docstring fixes is checked: booleans are not 0.0/1.0 floats, a float is not an index.

In value, True matches 1.0 and 2.0 matches 2; so a check whose docstring fixes
the type says so (``t.expect_close(..., returns="floats")``), and an answer of
another type loses the expectation with a message that names both types.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader import load_registry
from grader.compare import RETURN_TYPES, compare, return_type_problem
from grader.expectations import ReferenceExpectations
from grader.runner import grade_exercise
from grader.student_code import InProcessStudentCode, TrustedStudentCode

from conftest import SOLUTIONS

REGISTRY = load_registry()


@pytest.mark.parametrize(
    "got, returns, fragment",
    [
        (np.array([True, False]), "floats", "should be floats (0.0 and 1.0"),
        (np.array([1, 0]), "floats", "should be floats"),
        (2.0, "int", "should be an int"),
        (True, "int", "should be an int"),
        (np.array([2.0, 1.0]), "ints", "should be integers"),
        ([1.0, 2.0], "ints", "should be integers"),
        (1, "bool", "should be a bool"),
        (np.array([True]), "bool", "should be a bool"),
        ((2.0, np.ones(3)), ("int", None), "'f[0]' should be an int"),
    ],
)
def test_an_answer_of_another_type_is_named(got, returns, fragment):
    problem = return_type_problem(got, returns, name="f")
    assert problem and fragment in problem and "hint:" in problem


@pytest.mark.parametrize(
    "got, returns",
    [
        (np.array([1.0, 0.0]), "floats"),
        (np.array([1.0, 0.0], np.float32), "floats"),
        (3, "int"),
        (np.array(3), "int"),
        (np.array([3, 1]), "ints"),
        ([3, 1], "ints"),
        (np.zeros(0, np.int64), "ints"),
        (False, "bool"),
        (np.array(True), "bool"),
        ((2, np.ones(3)), ("int", None)),
        ("not numbers", "floats"),  # left to the value comparison, which says what it is
    ],
)
def test_an_answer_of_the_stated_type_passes(got, returns):
    assert return_type_problem(got, returns, name="f") is None


def test_compare_judges_the_type_before_the_values_and_hidden_messages_show_no_values():
    result = compare(np.array([True, False]), np.array([1.0, 0.0]), name="sample_states(P)", returns="floats", reveal=False)
    assert not result.ok and "should be floats" in result.message and "1.0, 0.0" not in result.message
    assert compare(np.array([True, False]), np.array([1.0, 0.0])).ok  # without it, booleans match floats in value
    assert compare(np.array([1.0, 0.0]), np.array([1.0, 0.0]), returns="floats").ok
    with pytest.raises(ValueError, match="not a return type"):
        compare(1, 1, returns="integer")
    assert set(RETURN_TYPES) == {"floats", "int", "ints", "bool"}


def _graded_with(exercise_id, change):
    """The exercise graded, public and hidden, with the solution's answers passed through ``change``."""
    exercise = REGISTRY.get(exercise_id)
    solution = InProcessStudentCode(SOLUTIONS).function(exercise.student)
    return grade_exercise(exercise, TrustedStudentCode(lambda *args, **kwargs: change(solution(*args, **kwargs))),
                          expectations=ReferenceExpectations(), include_hidden=True)


@pytest.mark.parametrize(
    "exercise_id, change, fragment",
    [
        ("rbm.sample_states", lambda states: np.asarray(states).astype(bool), "should be floats (0.0 and 1.0"),
        ("attention.top_k_sample", lambda answer: (float(answer[0]), answer[1]), "should be an int"),
        ("attention.beam_search", lambda answer: (np.asarray(answer[0], dtype=float), answer[1]), "should be integers"),
        ("generalisation.early_stopping", lambda answer: tuple(float(x) for x in answer), "should be an int"),
        ("perceptron.is_linearly_separable", lambda answer: int(answer), "should be a bool"),
        ("cnn.conv_output_size", lambda answer: float(answer), "should be an int"),
    ],
)
def test_a_right_value_of_the_wrong_type_loses_every_point_with_a_message(exercise_id, change, fragment):
    result = _graded_with(exercise_id, change)
    assert result.score == 0, [(check.check_name, check.score) for check in result.checks]
    for check in result.checks:
        assert fragment in check.feedback, (check.check_name, check.feedback)
    assert _graded_with(exercise_id, lambda answer: answer).score == result.max_score
