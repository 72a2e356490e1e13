"""The perceptron references and solutions reproduce the notes' worked examples (2.2.1, 2.2.2).

Each example is run through the NumPy reference and the instructor's
solution; the torch reference is held to the NumPy one on random float64
inputs. Example 2.2.2 follows the consistent order of misclassified patterns
given in course/README.md (the notes write w(2) twice).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from grader import load_registry
from grader.catalog.perceptron import exact_net
from grader.expectations import ReferenceExpectations
from grader.runner import grade_exercise
from grader.seeds import SeedPolicy
from grader.student_code import TrustedStudentCode
from reference import perceptron as numpy_ref
from reference import perceptron_torch as torch_ref

# Example 2.2.1's patterns (x1, x2), in the notes' order; the bias input x0 = 1 is added by predict.
PATTERNS = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
OR = np.array([1, 1, 1, -1])
AND = np.array([1, -1, -1, -1])
XOR = np.array([-1, 1, 1, -1])

# Example 2.2.2: the augmented patterns [1,1,1], [1,0,0], [1,1,0], [1,1,1], [1,0,1] are rows 0, 3, 1, 0, 2.
EXAMPLE_ORDER = [0, 3, 1, 0, 2]
EXAMPLE_TRAJECTORY = np.array(
    [
        [0.0, 0.0, 0.0],
        [0.5, 0.5, 0.5],
        [0.0, 0.5, 0.5],
        [-0.5, 0.0, 0.5],
        [0.0, 0.5, 1.0],
        [-0.5, 0.5, 0.5],
    ]
)


@pytest.fixture(params=["reference", "solution"])
def implementation(request, solutions):
    """The NumPy reference module or the solution module: both must reproduce the notes."""
    return numpy_ref if request.param == "reference" else solutions("perceptron")


@pytest.mark.parametrize(
    ("w", "expected"),
    [
        ([0.0, 0.5, 0.5], OR),
        ([-1.0, 1.0, 1.0], AND),
        ([-0.8, 0.5, 0.5], AND),
    ],
    ids=["OR", "AND", "AND-second-weights"],
)
def test_example_2_2_1_gate_outputs(implementation, w, expected):
    np.testing.assert_array_equal(implementation.predict(np.array(w), PATTERNS), expected)


def test_example_2_2_1_or_has_its_only_negative_on_the_boundary():
    # (0, 0) has net input exactly 0 under the OR weights and must give -1.
    assert numpy_ref.augment(PATTERNS[3:]) @ np.array([0.0, 0.5, 0.5]) == 0
    assert numpy_ref.predict(np.array([0.0, 0.5, 0.5]), PATTERNS[3:])[0] == -1


@pytest.mark.parametrize(("gate", "expected"), [("OR", OR), ("AND", AND), ("NAND", -AND)])
def test_gate_weights_compute_their_gates(implementation, gate, expected):
    w = implementation.gate_weights(gate)
    assert np.shape(w) == (3,)
    np.testing.assert_array_equal(numpy_ref.predict(w, PATTERNS), expected)


def test_reference_gate_weights_are_the_notes_weights():
    np.testing.assert_array_equal(numpy_ref.gate_weights("OR"), [0.0, 0.5, 0.5])
    np.testing.assert_array_equal(numpy_ref.gate_weights("AND"), [-1.0, 1.0, 1.0])
    np.testing.assert_array_equal(numpy_ref.gate_weights("NAND"), [3.0, -2.0, -2.0])


def test_example_2_2_2_trajectory(implementation):
    trajectory = implementation.train(PATTERNS, AND, np.zeros(3), 0.5, EXAMPLE_ORDER)
    np.testing.assert_allclose(trajectory, EXAMPLE_TRAJECTORY, rtol=0, atol=1e-12)


def test_example_2_2_2_step_by_step(implementation):
    """Each update of the trajectory is one learning_step on the pattern the order visits."""
    w = np.zeros(3)
    for i, expected in zip(EXAMPLE_ORDER, EXAMPLE_TRAJECTORY[1:]):
        w = implementation.learning_step(w, PATTERNS[i], int(AND[i]), 0.5)
        np.testing.assert_allclose(w, expected, rtol=0, atol=1e-12)
    # The solution leaves every pattern where it is, including the two on the boundary.
    for x, d in zip(PATTERNS, AND):
        np.testing.assert_array_equal(implementation.learning_step(w, x, int(d), 0.5), w)


def test_learning_step_does_not_modify_its_input(implementation):
    w = np.zeros(3)
    implementation.learning_step(w, PATTERNS[0], 1, 0.5)
    np.testing.assert_array_equal(w, np.zeros(3))


def test_train_stops_after_max_updates_on_xor(implementation):
    trajectory = implementation.train(PATTERNS, XOR, np.zeros(3), 1.0, [0, 1, 2, 3], 7)
    assert trajectory.shape == (8, 3)


@pytest.mark.parametrize(("labels", "separable"), [(AND, True), (OR, True), (-AND, True), (XOR, False)])
def test_linear_separability_of_the_gates(implementation, labels, separable):
    answer = implementation.is_linearly_separable(PATTERNS, labels)
    assert isinstance(answer, (bool, np.bool_)) and bool(answer) is separable


# -- NumPy and torch references agree -------------------------------------------------------


def _separable(rng: np.random.Generator, n: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    w_star = rng.normal(size=p + 1)
    X = rng.normal(size=(n, p))
    net = w_star[0] + X @ w_star[1:]
    keep = np.abs(net) > 0.3
    return X[keep], np.where(net[keep] > 0, 1, -1)


@pytest.mark.parametrize("seed", range(5))
def test_numpy_and_torch_references_agree(seed):
    rng = np.random.default_rng(seed)
    w, X = rng.normal(size=4), rng.normal(size=(7, 3))
    np.testing.assert_array_equal(torch_ref.predict(w, X).numpy(), numpy_ref.predict(w, X))

    for gate in ("OR", "AND", "NAND"):
        np.testing.assert_array_equal(torch_ref.gate_weights(gate).numpy(), numpy_ref.gate_weights(gate))

    for d in (-1, 1):
        x, eta = rng.normal(size=3), float(rng.uniform(0.1, 2.0))
        got = torch_ref.learning_step(w, x, d, eta)
        assert got.dtype == torch.float64
        np.testing.assert_allclose(got.numpy(), numpy_ref.learning_step(w, x, d, eta), rtol=1e-12, atol=1e-12)

    X, d = _separable(rng, n=12, p=3)
    order = [int(i) for i in rng.permutation(np.concatenate([np.arange(len(X)), [0, 1]]))]
    w0, eta = rng.normal(size=4), float(rng.uniform(0.1, 2.0))
    np.testing.assert_allclose(
        torch_ref.train(X, d, w0, eta, order).numpy(), numpy_ref.train(X, d, w0, eta, order), rtol=1e-12, atol=1e-12
    )
    assert torch_ref.is_linearly_separable(X, d) is numpy_ref.is_linearly_separable(X, d)
    labels = rng.choice([-1, 1], size=len(X))
    assert torch_ref.is_linearly_separable(X, labels, 20) is numpy_ref.is_linearly_separable(X, labels, 20)


def test_torch_references_reproduce_example_2_2_2():
    trajectory = torch_ref.train(PATTERNS, AND, np.zeros(3), 0.5, EXAMPLE_ORDER)
    np.testing.assert_allclose(trajectory.numpy(), EXAMPLE_TRAJECTORY, rtol=0, atol=1e-12)
    assert torch_ref.is_linearly_separable(PATTERNS, XOR) is False


# -- the checks decide exactly -----------------------------------------------------------------

# Right gates of integer weights with a pattern exactly on the boundary, whose target is -1 (a net input of
# 0 gives -1): scaled by c and summed in floating point, NAND's (1, 1) comes out just above 0 for about a
# third of the c's.
BOUNDARY_GATES = {"NAND": [3.0, -1.0, -2.0], "AND": [-3.0, 3.0, 1.0], "OR": [0.0, 1.0, 1.0]}


def test_integer_gate_weights_with_a_pattern_on_the_boundary_score_full_marks_for_every_student():
    c = np.exp(np.random.default_rng(0).uniform(np.log(0.01), np.log(100.0), size=1000))
    w = np.array(BOUNDARY_GATES["NAND"])
    rounded = [(ci * w)[0] + (ci * w)[1] + (ci * w)[2] for ci in c]
    assert sum(net > 0 for net in rounded) > 100  # the rounding this guards against is real
    assert all(exact_net(w, 1, 1, ci) == 0 for ci in c)

    exercise = load_registry().get("perceptron.gate_weights")
    student = TrustedStudentCode(lambda gate: np.array(BOUNDARY_GATES[gate]))
    expectations = ReferenceExpectations()
    for number in range(200):
        result = grade_exercise(exercise, student, expectations=expectations, include_hidden=True,
                                seeds=SeedPolicy.for_student("boundary-salt", f"s{number}"))
        assert result.score == result.max_score, "\n".join(f"{c.check_name}: {c.feedback}" for c in result.checks)
