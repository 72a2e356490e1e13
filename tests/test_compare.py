"""The comparison helper: dtype-aware tolerances, shapes, NaN, non-numeric answers, hidden messages."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from grader.compare import compare, entry_tolerance, precision, tolerances_for, tolerances_of, values_match
from grader.plain_data import Unconvertible, to_plain
from grader.sandbox.wire import decode as wire_decode, encode as wire_encode


def test_equal_arrays_look_good():
    result = compare(np.arange(3.0), np.arange(3.0), name="x")
    assert result.ok and result.message == "'x' looks good"


def test_wrong_shape_names_both_shapes():
    result = compare(np.zeros(3), np.zeros(4), name="x")
    assert not result.ok
    assert result.message == "'x' does not have correct shape--got: (3,), expected: (4,)"


def test_error_report_gives_largest_absolute_and_relative_error_and_where():
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    got = expected.copy()
    got[1, 0] = 3.5
    result = compare(got, expected, name="W")
    assert not result.ok
    assert "1 of 4 entries differ" in result.message
    assert "largest absolute error 0.5 at [1, 0]: got 3.5, expected 3" in result.message
    assert "largest relative error" in result.message and "float64" in result.message


def test_float32_answers_get_single_precision_tolerance():
    expected = np.array([1.0, 2.0, 3.0]) / 3.0
    close_in_float32 = (expected + 2e-6 * expected).astype(np.float32)
    assert compare(close_in_float32, expected).ok
    assert not compare(close_in_float32.astype(np.float64), expected).ok
    assert tolerances_for(np.dtype(np.float32))[0] > tolerances_for(np.dtype(np.float64))[0]


def test_a_float32_answer_keeps_float32_tolerance_in_every_form_it_can_take():
    """np.float32 scalars, 0-d arrays, tensors and lists of float32 values are all judged as float32."""
    expected = 1.0 / 3.0
    value = np.float32(expected * (1 + 3e-7))  # right to float32's precision, not to float64's
    forms = {
        "np.float32 scalar": value,
        "0-d array": np.array(value),
        "0-d tensor": torch.tensor(value),
        "list of np.float32": [value, value],
        "tuple of 0-d arrays": (np.array(value), np.array(value)),
        "float32 tensor": torch.tensor([value, value]),
    }
    for form, got in forms.items():
        plain = to_plain(got)
        want = [expected, expected] if isinstance(got, (list, tuple)) or np.ndim(got) else expected
        assert compare(plain, want).ok, form
        assert precision(plain) == np.float32, form
    # the same number as a Python float is float64, and held to float64's tolerance
    assert not compare(float(value), expected).ok and precision(float(value)) == np.float64
    # through the sandbox's wire too, a float32 scalar stays float32
    assert to_plain(np.float32(0.5)).dtype == np.float32
    sent = wire_decode(wire_encode(value))
    assert compare(to_plain(sent), expected).ok and precision(to_plain(sent)) == np.float32


def test_a_quantity_derived_from_a_float32_answer_is_judged_at_float32_precision():
    rng = np.random.default_rng(0)
    rows = rng.dirichlet(np.ones(7), size=5).astype(np.float32)  # softmax rows in float32
    sums = rows.astype(np.float64).sum(axis=1)
    assert tolerances_of(rows) == {"rtol": 1e-4, "atol": 1e-6}
    assert tolerances_of(rows.astype(np.float64)) == {"rtol": 1e-7, "atol": 1e-9}
    assert tolerances_of([np.zeros(2), rows]) == tolerances_of(rows)  # any float32 part makes it float32
    assert compare(sums, np.ones(5), **tolerances_of(rows)).ok
    assert not compare(sums + 1e-3, np.ones(5), **tolerances_of(rows)).ok
    bound = entry_tolerance(rows)
    assert bound.shape == rows.shape and np.all(bound == 1e-6 + 1e-4 * np.abs(rows.astype(np.float64)))
    assert precision(np.arange(3)) == np.float64 and precision({"W": np.float16(1.0)}) == np.float32


def test_a_failed_scalar_is_shown_with_enough_digits_to_differ():
    result = compare(-0.8317751, -0.8317749, name="E")
    assert not result.ok and "-0.8317751" in result.message and "-0.8317749" in result.message
    result = compare(np.array([0.9993161, 0.5]), np.array([0.9993157, 0.5]), name="M")
    assert not result.ok and "got 0.9993161, expected 0.9993157" in result.message
    assert "got 3.5, expected 3" in compare(np.array([3.5]), np.array([3.0])).message  # six digits when they do


def test_explicit_tolerance_override():
    assert compare(np.array([1.1]), np.array([1.0]), rtol=0.2).ok
    assert not compare(np.array([1.1]), np.array([1.0])).ok


def test_nan_never_passes_even_against_itself():
    result = compare(np.array([np.nan, 1.0]), np.array([1.0, 1.0]), name="p")
    assert not result.ok and "NaN" in result.message and "[0]" in result.message


def test_infinities_match_only_the_same_infinity():
    assert compare(np.array([np.inf]), np.array([np.inf])).ok
    assert not compare(np.array([-np.inf]), np.array([np.inf])).ok


def test_integers_must_match_exactly_but_integer_valued_floats_count():
    assert compare(np.array([-1.0, 1.0]), np.array([-1, 1])).ok
    assert not compare(np.array([-1.0 + 1e-12, 1.0]), np.array([-1, 1])).ok


def test_torch_tensors_lists_and_scalars_are_accepted():
    expected = np.array([0.5, 0.25])
    assert compare(torch.tensor([0.5, 0.25], dtype=torch.float64), expected).ok
    assert compare([0.5, 0.25], expected).ok
    assert compare(0.5, 0.5).ok and compare(np.float32(0.5), 0.5).ok
    assert compare(True, True).ok and not compare(False, True).ok


def test_torch_tensor_that_requires_grad_is_converted():
    tensor = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True) * 1
    assert compare(tensor, np.array([1.0, 2.0])).ok


@pytest.mark.parametrize(
    "got",
    [None, "0.5", {"a": 1}, np.array(["a", "b"]), np.array([object(), object()], dtype=object),
     Unconvertible("Widget", "not a number"), [[1, 2], [3]]],
)
def test_non_numeric_answers_fail_with_a_message_not_a_crash(got):
    result = compare(got, np.array([0.5, 0.25]), name="f")
    assert not result.ok and result.message.startswith("'f'")


def test_sequences_of_arrays_are_compared_item_by_item():
    expected = [np.zeros((2, 3)), np.ones(2)]
    assert compare([np.zeros((2, 3)), np.ones(2)], expected).ok
    result = compare([np.zeros((3, 2)), np.ones(2)], expected, name="grads")
    assert not result.ok and "'grads[0]' does not have correct shape" in result.message
    result = compare([np.zeros((2, 3))], expected, name="grads")
    assert "correct length--got: 1, expected: 2" in result.message


def test_hidden_comparison_never_prints_expected_values():
    expected = np.array([0.123456, 7.654321])
    result = compare(np.array([0.0, 7.654321]), expected, name="h", reveal=False)
    assert not result.ok
    assert "0.123" not in result.message and "7.65" not in result.message
    assert "1 of 2 entries differ" in result.message
    result = compare(np.zeros(3), expected, reveal=False)
    assert "(2,)" not in result.message


def test_values_match_treats_nan_as_equal_for_diagnosis():
    assert values_match(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]))
    assert not values_match(np.array([np.nan, 1.0]), np.array([0.0, 1.0]))
    assert values_match((np.ones(2), [np.zeros(1)]), (np.ones(2), [np.zeros(1)]))
    assert not values_match(np.ones(2), np.ones(3))


def test_relative_error_is_left_out_where_the_expected_value_is_zero():
    result = compare(np.array([0.5, 1.0]), np.array([0.0, 1.0]))
    assert "largest absolute error 0.5 at [0]" in result.message
    assert "relative" not in result.message
    result = compare(np.array([0.5, 1.5]), np.array([0.0, 1.0]))
    assert "largest relative error 0.5 at [1]" in result.message


def test_yes_no_answers_are_shown_as_booleans():
    assert compare(False, True, name="f").message == "'f' is not correct--got: False, expected: True"
    assert compare(np.bool_(True), True).ok


def test_precision_below_float32_never_loosens_the_tolerance():
    expected = np.linspace(0.5, 2.0, 7)
    off_by_almost_one_percent = (expected * 1.009).astype(np.float16)
    result = compare(off_by_almost_one_percent, expected, name="y")
    assert not result.ok
    assert "below float32 precision are judged at float32 tolerance" in result.message
    assert "compute in float32 or float64" in result.message
    assert tolerances_for(np.dtype(np.float16)) == tolerances_for(np.dtype(np.float32))
    hidden = compare(off_by_almost_one_percent, expected, name="y", reveal=False)
    assert not hidden.ok and "float32 tolerance" in hidden.message
    # values_match (diagnosis) is held to the same rule
    assert not values_match(off_by_almost_one_percent, expected)


def test_exact_float16_values_still_match_and_float32_answers_get_no_float16_note():
    assert compare(np.array([0.5, 1.0, -2.0], dtype=np.float16), np.array([0.5, 1.0, -2.0])).ok
    result = compare(np.array([1.5], dtype=np.float32), np.array([1.0]), name="y")
    assert not result.ok and "float32 tolerance" not in result.message


def test_a_bfloat16_tensor_is_refused_with_a_message():
    result = compare(torch.ones(3, dtype=torch.bfloat16), np.ones(3), name="y")
    assert not result.ok and "y" in result.message and "BFloat16" in result.message


def test_a_float64_answer_that_went_through_float32_gets_a_hint_with_enough_digits():
    expected = np.float64(-0.0843471234567)
    through_float32 = np.float64(np.float32(np.float32(expected) * np.float32(1.0000030)))  # float32 arithmetic
    result = compare(through_float32, expected, name="loss(y, t)")
    assert not result.ok and "precision of float32" in result.message
    got, want = result.message.split("got: ")[1].split("\n")[0].split(", expected: ")
    assert got != want  # no "got -0.0843471, expected -0.0843471"
    wrong = compare(expected * 1.01, expected, name="loss(y, t)")
    assert not wrong.ok and "float32" not in wrong.message  # a wrong answer is not told it is a precision issue
    hidden = compare(through_float32, expected, name="loss(y, t)", reveal=False)
    assert not hidden.ok and "float32" not in hidden.message  # hidden checks never say how close an answer is


@pytest.mark.parametrize(
    "value, words",
    [
        (None, "without a `return`"),
        (map(float, [1, 2]), "a map is a recipe"),
        ((x for x in [1.0, 2.0]), "a generator"),
        ({1.0, 2.0}, "a set has no order"),
        ({"a": 1.0}.values(), ".values() gives a view"),
        ("1.0 2.0", "should be numbers"),
    ],
)
def test_answers_that_are_not_numbers_get_a_hint_in_plain_words(value, words):
    result = compare(value, np.array([1.0, 2.0]), name="predict(w, X)")
    assert not result.ok and words in result.message and "hint:" in result.message
