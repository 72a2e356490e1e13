"""The sigmoid_neurons references and solution reproduce worked exercise 2.2.3 and agree with torch."""

from __future__ import annotations

import numpy as np
import pytest

from reference import sigmoid_neurons as ref

# (x1, x2) -> [sum, carry]: binary addition of two bits.
TRUTH_TABLE = {
    (0, 0): [0, 0],
    (0, 1): [1, 0],
    (1, 0): [1, 0],
    (1, 1): [0, 1],
}


@pytest.mark.parametrize(("x1", "x2"), list(TRUTH_TABLE))
def test_reference_adder_adds_two_bits(x1, x2):
    assert ref.adder_perceptrons(x1, x2).tolist() == TRUTH_TABLE[x1, x2]


@pytest.mark.parametrize(("x1", "x2"), list(TRUTH_TABLE))
def test_solution_adder_adds_two_bits(solutions, x1, x2):
    got = np.asarray(solutions("sigmoid_neurons").adder_perceptrons(x1, x2))
    assert got.shape == (2,)
    assert got.tolist() == TRUTH_TABLE[x1, x2]


@pytest.mark.parametrize("c", [0.5, 1.0, 4.0, 123456.0])
def test_scaling_a_perceptron_network_changes_nothing(c):
    """Notes 2.2.3, first part: multiplying every weight and bias by c > 0 keeps the perceptrons' outputs."""
    for (x1, x2), expected in TRUTH_TABLE.items():
        assert ref.adder(x1, x2, ref.step, c).tolist() == expected


@pytest.mark.parametrize(
    ("x1", "x2", "hidden"),
    # the hidden units (in1, in2, in3) of the notes' perceptron trace, in the notes' order
    [(0, 1, (1, 1, 0)), (1, 1, (0, 1, 1)), (1, 0, (1, 0, 1)), (0, 0, (1, 1, 1))],
)
def test_notes_trace_of_the_hidden_units(x1, x2, hidden):
    in1 = ref.neuron([x1, x2], ref.NAND_WEIGHTS, ref.NAND_BIAS, ref.step)
    in2 = ref.neuron([x1, in1], ref.NAND_WEIGHTS, ref.NAND_BIAS, ref.step)
    in3 = ref.neuron([x2, in1], ref.NAND_WEIGHTS, ref.NAND_BIAS, ref.step)
    assert (int(in1), int(in2), int(in3)) == hidden


def test_input_0_0_gives_no_sum_and_no_carry():
    """The notes' trace for (0, 0) writes [1, 0]; its own units give on1 = 0 and on2 = 0."""
    assert ref.adder_perceptrons(0, 0).tolist() == [0, 0]


@pytest.mark.parametrize("source", ["reference", "solution"])
@pytest.mark.parametrize(
    ("c", "expected"),
    [
        # the notes print 0.518 for the carry at c = 1; sigma(0.0758) = 0.519 (course/README.md)
        (1.0, [0.641, 0.519]),
        (4.0, [0.981, 0.024]),
    ],
)
def test_sigmoid_adder_reproduces_the_notes(solutions, source, c, expected):
    adder_sigmoid = ref.adder_sigmoid if source == "reference" else solutions("sigmoid_neurons").adder_sigmoid
    got = np.asarray(adder_sigmoid(0, 1, c), dtype=float)
    assert got.shape == (2,)
    np.testing.assert_array_equal(np.round(got, 3), expected)


def test_carry_at_c_1_is_the_corrected_value_not_the_slip():
    carry = ref.adder_sigmoid(0, 1, 1.0)[1]
    assert round(float(carry), 3) == 0.519
    assert abs(carry - ref.sigmoid(-4 * ref.sigmoid(1.0) + 3)) < 1e-15


def test_sigmoid_adder_approaches_the_perceptron_adder_as_c_grows():
    scales = [1.0, 4.0, 16.0, 64.0]
    errors = [
        max(np.max(np.abs(ref.adder_sigmoid(x1, x2, c) - np.array(bits))) for (x1, x2), bits in TRUTH_TABLE.items())
        for c in scales
    ]
    assert all(later < earlier for earlier, later in zip(errors, errors[1:])), errors
    assert errors[-1] < 1e-6, errors


def test_scaled_limit_at_ties_and_tiny_net_inputs():
    w = np.array([-2.0, -2.0])
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(ref.scaled_limit(w, 3.0, X), [1.0, 1.0, 1.0, 0.0])
    np.testing.assert_array_equal(ref.scaled_limit(w, 2.0, X), [1.0, 0.5, 0.5, 0.0])
    np.testing.assert_array_equal(ref.scaled_limit(w, 2.0 + 2.0**-20, X), [1.0, 1.0, 1.0, 0.0])
    np.testing.assert_array_equal(ref.scaled_limit(w, 2.0 - 2.0**-20, X), [1.0, 0.0, 0.0, 0.0])


def test_scaled_limit_is_the_limit_of_the_sigmoid():
    """Away from ties sigma(c z) reaches the limit as c grows; at a tie it stays sigma(0) = 0.5 for every c."""
    w = np.array([-2.0, -2.0])
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    b = 2.0  # (0, 1) and (1, 0) lie on the boundary
    net = X @ w + b
    limit = ref.scaled_limit(w, b, X)
    for c in (1.0, 10.0, 100.0):
        np.testing.assert_array_equal(ref.sigmoid(c * net)[1:3], [0.5, 0.5])
    np.testing.assert_allclose(ref.sigmoid(100.0 * net), limit, atol=1e-80)


def test_scaled_limit_solution_matches_reference(solutions):
    rng = np.random.default_rng(7)
    scaled_limit = solutions("sigmoid_neurons").scaled_limit
    for _ in range(20):
        w = rng.integers(-2, 3, size=3).astype(float)
        X = rng.integers(-2, 3, size=(9, 3)).astype(float)
        b = float(rng.integers(-3, 4)) + float(rng.choice([0.0, 2.0**-20, -(2.0**-20)]))
        np.testing.assert_array_equal(scaled_limit(w, b, X), ref.scaled_limit(w, b, X))


def test_numpy_and_torch_references_agree_on_random_inputs():
    torch = pytest.importorskip("torch")
    from reference import sigmoid_neurons_torch as ref_torch

    rng = np.random.default_rng(2213)
    for x1, x2 in TRUTH_TABLE:
        got = ref_torch.adder_perceptrons(x1, x2)
        assert got.dtype == torch.int64
        np.testing.assert_array_equal(got.numpy(), ref.adder_perceptrons(x1, x2))
        for c in rng.uniform(0.1, 50.0, size=5):
            got = ref_torch.adder_sigmoid(x1, x2, c)
            assert got.dtype == torch.float64
            np.testing.assert_allclose(got.numpy(), ref.adder_sigmoid(x1, x2, c), rtol=1e-12, atol=1e-15)
    for _ in range(10):
        w = rng.integers(-2, 3, size=4).astype(float)
        X = rng.integers(-2, 3, size=(12, 4)).astype(float)
        b = float(rng.integers(-3, 4)) + float(rng.choice([0.0, 2.0**-20, -(2.0**-20)]))
        got = ref_torch.scaled_limit(w, b, X)
        assert got.dtype == torch.float64
        np.testing.assert_array_equal(got.numpy(), ref.scaled_limit(w, b, X))
