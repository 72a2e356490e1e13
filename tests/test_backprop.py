"""The backpropagation references: worked example 2.2.5, the maths, and agreement with torch.

- example 2.2.5 (dC/dz_j = z_j - y_j for the quadratic cost) and the other
  derivatives the exercises rely on, by sympy and by torch autograd;
- the NumPy and torch references agree on random float64 inputs, function by function;
- the NumPy reference's backprop matches torch autograd of the cost and a
  float64 central-difference gradient, for both costs;
- one reference sgd_step is one torch SGD step on the mean cost over the batch;
- the solution module agrees with the reference.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np
import pytest
import sympy as sp
import torch
import torch.nn.functional as F

import reference.backprop as ref
import reference.backprop_torch as ref_torch
from grader.catalog.backprop import binary_targets, network, quadratic_targets, spread_values
from grader.compare import compare
from grader.plain_data import to_plain

SEEDS = range(5)
NETWORK_SIZES = [(3, 4, 2), (5, 3, 4, 2), (2, 6, 3)]
COSTS = ["quadratic", "cross-entropy"]


def assert_agree(got: Any, expected: Any, *, rtol: float = 1e-10, atol: float = 1e-12, name: str = "value") -> None:
    """Whole outputs (arrays, tensors, tuples and lists of them) agree, via the grader's comparison."""
    # compare() converts the answer to plain data itself; the expected value is converted here.
    result = compare(got, to_plain(expected), name=name, rtol=rtol, atol=atol)
    assert result.ok, result.message


def targets(rng: np.random.Generator, cost: str, size: int | tuple[int, ...]) -> np.ndarray:
    return quadratic_targets(rng, size) if cost == "quadratic" else binary_targets(rng, size)


# -- example 2.2.5 and the derivatives behind the exercises ----------------------------


def test_example_2_2_5_quadratic_cost_gradient_by_sympy():
    n = 3
    y = sp.symbols(f"y1:{n + 1}", real=True)
    z = sp.symbols(f"z1:{n + 1}", real=True)
    C = sp.Rational(1, 2) * sum((y[j] - z[j]) ** 2 for j in range(n))
    for j in range(n):
        assert sp.simplify(sp.diff(C, z[j]) - (z[j] - y[j])) == 0
    # The notes' intermediate step (garbled in the notes, see course/README.md):
    # d/dz (y - z)^2 = 2 (y - z)(-1) = 2 (z - y), and the 1/2 cancels the 2.
    yj, zj = sp.symbols("y_j z_j", real=True)
    assert sp.expand(sp.diff((yj - zj) ** 2, zj) - 2 * (zj - yj)) == 0


def test_example_2_2_5_quadratic_cost_gradient_by_autograd():
    rng = np.random.default_rng(225)
    y = torch.tensor(rng.uniform(0, 1, size=4), dtype=torch.float64)
    z = torch.tensor(rng.uniform(0, 1, size=4), dtype=torch.float64, requires_grad=True)
    C = 0.5 * ((y - z) ** 2).sum()
    C.backward()
    torch.testing.assert_close(z.grad, z.detach() - y, rtol=0, atol=1e-15)


def test_bp1_quadratic_is_grad_z_times_sigma_prime():
    """output_error_quadratic is (z - y) (.) sigma'(a), the example's gradient in BP1."""
    rng = np.random.default_rng(1)
    a, y = spread_values(rng, 5), quadratic_targets(rng, 5)
    z = 1 / (1 + np.exp(-a))
    np.testing.assert_allclose(ref.output_error_quadratic(a, y), (z - y) * z * (1 - z), rtol=1e-14, atol=0)


def test_sigmoid_derivative_by_sympy():
    a = sp.symbols("a", real=True)
    sigma = 1 / (1 + sp.exp(-a))
    assert sp.simplify(sp.diff(sigma, a) - sigma * (1 - sigma)) == 0


def test_cross_entropy_delta_by_sympy():
    """d/da of -[y ln sigma(a) + (1 - y) ln(1 - sigma(a))] is sigma(a) - y: sigma' cancels."""
    a, y = sp.symbols("a y", real=True)
    sigma = 1 / (1 + sp.exp(-a))
    C = -(y * sp.log(sigma) + (1 - y) * sp.log(1 - sigma))
    assert sp.simplify(sp.diff(C, a) - (sigma - y)) == 0


def test_softmax_log_likelihood_delta_by_sympy():
    """d/da_j of -ln softmax(a)_y is softmax(a)_j - [j == y]."""
    n = 3
    a = sp.symbols(f"a1:{n + 1}", real=True)
    total = sum(sp.exp(a_k) for a_k in a)
    softmax = [sp.exp(a_j) / total for a_j in a]
    for y in range(n):
        C = -sp.log(softmax[y])
        for j in range(n):
            assert sp.simplify(sp.diff(C, a[j]) - (softmax[j] - (1 if j == y else 0))) == 0


# -- the references are numerically safe -----------------------------------------------


def test_references_do_not_overflow_or_warn_on_large_inputs():
    a = np.array([-800.0, -1.0, 0.0, 1.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(ref.sigmoid(a)[[0, 2, 4]], [0.0, 0.5, 1.0])
        np.testing.assert_array_equal(ref.sigmoid_prime(a)[[0, 4]], [0.0, 0.0])
        delta = ref.softmax_output_error(np.array([800.0, 799.0, -800.0]), 1)
    assert np.isfinite(delta).all()
    expected = np.exp([0.0, -1.0]) / (1 + np.exp(-1.0))
    np.testing.assert_allclose(delta, [expected[0], expected[1] - 1, 0.0], rtol=1e-14, atol=1e-300)


def test_backprop_rejects_an_unknown_cost():
    weights, biases, X = network(np.random.default_rng(0), (3, 4, 2))
    with pytest.raises(ValueError, match="cost"):
        ref.backprop(weights, biases, X[0], np.zeros(2), cost="hinge")


# -- NumPy and torch references agree ----------------------------------------------------


def _inputs(name: str, rng: np.random.Generator) -> tuple[tuple, dict]:
    """Random float64 inputs for the reference function ``name``."""
    if name in ("sigmoid", "sigmoid_prime"):
        shape = tuple(int(s) for s in rng.integers(1, 5, size=int(rng.integers(1, 4))))
        return (rng.normal(0.0, 4.0, size=shape),), {}
    if name == "feedforward":
        weights, biases, X = network(rng, NETWORK_SIZES[int(rng.integers(len(NETWORK_SIZES)))])
        return (weights, biases, X[0]), {}
    if name in ("output_error_quadratic", "output_error_cross_entropy"):
        n = int(rng.integers(2, 7))
        return (spread_values(rng, n), quadratic_targets(rng, n)), {}
    if name == "hidden_error":
        n_next, n = (int(v) for v in rng.choice(np.arange(2, 8), size=2, replace=False))
        return (rng.normal(size=(n_next, n)), rng.normal(0, 0.2, size=n_next), spread_values(rng, n)), {}
    if name == "gradients":
        n, n_prev = (int(v) for v in rng.choice(np.arange(2, 8), size=2, replace=False))
        return (rng.normal(0, 0.3, size=n), rng.uniform(0.05, 0.95, size=n_prev)), {}
    if name == "backprop":
        sizes = NETWORK_SIZES[int(rng.integers(len(NETWORK_SIZES)))]
        cost = COSTS[int(rng.integers(2))]
        weights, biases, X = network(rng, sizes)
        return (weights, biases, X[0], targets(rng, cost, sizes[-1])), {"cost": cost}
    if name == "sgd_step":
        sizes = NETWORK_SIZES[int(rng.integers(len(NETWORK_SIZES)))]
        cost = COSTS[int(rng.integers(2))]
        weights, biases, X = network(rng, sizes, m=4)
        return (weights, biases, X, targets(rng, cost, (4, sizes[-1])), float(rng.uniform(0.5, 3))), {"cost": cost}
    if name == "softmax_output_error":
        n = int(rng.integers(2, 7))
        offset = float(rng.choice([0.0, 790.0, -800.0]))
        return (offset + rng.normal(0.0, 2.0, size=n), int(rng.integers(n))), {}
    raise AssertionError(f"no inputs for {name}")


FUNCTIONS = [
    "sigmoid",
    "sigmoid_prime",
    "feedforward",
    "output_error_quadratic",
    "output_error_cross_entropy",
    "hidden_error",
    "gradients",
    "backprop",
    "sgd_step",
    "softmax_output_error",
]


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("seed", SEEDS)
def test_numpy_and_torch_references_agree(name, seed):
    args, kwargs = _inputs(name, np.random.default_rng([seed, FUNCTIONS.index(name)]))
    assert_agree(getattr(ref_torch, name)(*args, **kwargs), getattr(ref, name)(*args, **kwargs), name=name)


def test_every_exercise_has_both_references():
    from grader import load_registry

    declared = {exercise.student.name for exercise in load_registry().in_topic("backprop")}
    assert declared == set(FUNCTIONS)


# -- backprop is the gradient of the cost ------------------------------------------------


def _cost(weights: list[np.ndarray], biases: list[np.ndarray], x: np.ndarray, y: np.ndarray, cost: str) -> float:
    """The cost of one example, written out in float64 without the references."""
    z = x
    for W, b in zip(weights, biases):
        z = 1 / (1 + np.exp(-(W @ z + b)))
    if cost == "quadratic":
        return 0.5 * float(np.sum((y - z) ** 2))
    return -float(np.sum(y * np.log(z) + (1 - y) * np.log(1 - z)))


def _numerical_gradient(f: Callable[[], float], array: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of f with respect to every entry of ``array`` (perturbed in place)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + h
        up = f()
        array[index] = saved - h
        down = f()
        array[index] = saved
        grad[index] = (up - down) / (2 * h)
    return grad


@pytest.mark.parametrize("cost", COSTS)
@pytest.mark.parametrize("sizes", NETWORK_SIZES, ids=lambda s: "-".join(map(str, s)))
def test_backprop_matches_torch_autograd_of_the_cost(sizes, cost):
    rng = np.random.default_rng([len(sizes), sizes[0], COSTS.index(cost)])
    weights, biases, X = network(rng, sizes)
    x, y = X[0], targets(rng, cost, sizes[-1])
    nabla_b, nabla_W = ref.backprop(weights, biases, x, y, cost=cost)

    Ws = [torch.tensor(W, requires_grad=True) for W in weights]
    bs = [torch.tensor(b, requires_grad=True) for b in biases]
    z = torch.tensor(x)
    for W, b in zip(Ws, bs):
        z = torch.sigmoid(W @ z + b)
    t = torch.tensor(y)
    if cost == "quadratic":
        C = 0.5 * ((t - z) ** 2).sum()
    else:
        C = F.binary_cross_entropy(z, t, reduction="sum")
    C.backward()
    assert_agree(nabla_W, [W.grad for W in Ws], name="nabla_W")
    assert_agree(nabla_b, [b.grad for b in bs], name="nabla_b")


@pytest.mark.parametrize("cost", COSTS)
@pytest.mark.parametrize("sizes", NETWORK_SIZES, ids=lambda s: "-".join(map(str, s)))
def test_backprop_matches_central_differences(sizes, cost):
    rng = np.random.default_rng([7, len(sizes), sizes[0], COSTS.index(cost)])
    weights, biases, X = network(rng, sizes)
    x, y = X[0], targets(rng, cost, sizes[-1])
    nabla_b, nabla_W = ref.backprop(weights, biases, x, y, cost=cost)
    f = lambda: _cost(weights, biases, x, y, cost)  # noqa: E731 - reads the arrays perturbed in place
    for i in range(len(weights)):
        np.testing.assert_allclose(nabla_W[i], _numerical_gradient(f, weights[i]), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(nabla_b[i], _numerical_gradient(f, biases[i]), rtol=1e-6, atol=1e-8)


def test_softmax_output_error_matches_central_differences():
    rng = np.random.default_rng(11)
    a = rng.normal(0.0, 2.0, size=5)
    for y in range(5):
        f = lambda: -(a[y] - a.max() - np.log(np.sum(np.exp(a - a.max()))))  # noqa: E731 - -ln softmax(a)_y
        np.testing.assert_allclose(ref.softmax_output_error(a, y), _numerical_gradient(f, a), rtol=1e-6, atol=1e-8)


def test_bp2_and_bp4_by_central_differences_through_one_layer():
    """hidden_error and gradients are the chain rule through a^{l+1} = W^{l+1} sigma(a^l) + b^{l+1}."""
    rng = np.random.default_rng(12)
    W_next, delta_next, a = rng.normal(size=(2, 4)), rng.normal(size=2), spread_values(rng, 4)
    # A cost whose gradient with respect to a^{l+1} is exactly delta_next.
    f = lambda: float(delta_next @ (W_next @ ref.sigmoid(a)))  # noqa: E731
    np.testing.assert_allclose(ref.hidden_error(W_next, delta_next, a), _numerical_gradient(f, a), rtol=1e-6, atol=1e-9)
    W, b, z_prev = rng.normal(size=(3, 5)), rng.normal(size=3), rng.uniform(0, 1, size=5)
    delta = rng.normal(size=3)
    g = lambda: float(delta @ (W @ z_prev + b))  # noqa: E731
    nabla_b, nabla_W = ref.gradients(delta, z_prev)
    np.testing.assert_allclose(nabla_W, _numerical_gradient(g, W), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(nabla_b, _numerical_gradient(g, b), rtol=1e-6, atol=1e-9)


# -- one SGD step ------------------------------------------------------------------------


@pytest.mark.parametrize("cost", COSTS)
@pytest.mark.parametrize("sizes", NETWORK_SIZES, ids=lambda s: "-".join(map(str, s)))
def test_sgd_step_is_one_torch_sgd_step_on_the_mean_cost(sizes, cost):
    rng = np.random.default_rng([3, len(sizes), sizes[0], COSTS.index(cost)])
    weights, biases, X = network(rng, sizes, m=4)
    Y, eta = targets(rng, cost, (4, sizes[-1])), 1.7
    new_weights, new_biases = ref.sgd_step(weights, biases, X, Y, eta, cost=cost)

    Ws = [torch.tensor(W, requires_grad=True) for W in weights]
    bs = [torch.tensor(b, requires_grad=True) for b in biases]
    optimizer = torch.optim.SGD(Ws + bs, lr=eta)
    Z = torch.tensor(X)
    for W, b in zip(Ws, bs):
        Z = torch.sigmoid(Z @ W.T + b)
    T = torch.tensor(Y)
    if cost == "quadratic":
        per_example = 0.5 * ((T - Z) ** 2).sum(dim=1)
    else:
        per_example = F.binary_cross_entropy(Z, T, reduction="none").sum(dim=1)
    optimizer.zero_grad()
    per_example.mean().backward()
    optimizer.step()
    assert_agree(new_weights, [W.detach() for W in Ws], name="new_weights")
    assert_agree(new_biases, [b.detach() for b in bs], name="new_biases")


@pytest.mark.parametrize("cost", COSTS)
def test_vectorised_batch_gradients_equal_the_loop(cost):
    rng = np.random.default_rng([5, COSTS.index(cost)])
    weights, biases, X = network(rng, (5, 3, 4, 2), m=4)
    Y = targets(rng, cost, (4, 2))
    sum_b, sum_W = ref.batch_gradients(weights, biases, X, Y, cost=cost)
    per_example = [ref.backprop(weights, biases, x, y, cost=cost) for x, y in zip(X, Y)]
    for i in range(len(weights)):
        assert_agree(sum_W[i], sum(g[1][i] for g in per_example), name=f"sum_W[{i}]")
        assert_agree(sum_b[i], sum(g[0][i] for g in per_example), name=f"sum_b[{i}]")


def test_sgd_step_does_not_modify_its_inputs(solutions):
    rng = np.random.default_rng(9)
    weights, biases, X = network(rng, (3, 4, 2), m=4)
    Y = quadratic_targets(rng, (4, 2))
    copies = [w.copy() for w in weights], [b.copy() for b in biases], X.copy(), Y.copy()
    for sgd_step in (ref.sgd_step, solutions("backprop").sgd_step):
        sgd_step(weights, biases, X, Y, 2.0)
        for before, after in zip(copies[0] + copies[1] + [copies[2], copies[3]], weights + biases + [X, Y]):
            np.testing.assert_array_equal(before, after)


# -- the solution ------------------------------------------------------------------------


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("seed", SEEDS)
def test_solution_agrees_with_the_reference(solutions, name, seed):
    args, kwargs = _inputs(name, np.random.default_rng([100 + seed, FUNCTIONS.index(name)]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the solution never overflows, even at +-800
        got = getattr(solutions("backprop"), name)(*args, **kwargs)
    assert_agree(got, getattr(ref, name)(*args, **kwargs), name=name)


def test_solution_sigmoid_at_800(solutions):
    module = solutions("backprop")
    a = np.array([-800.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(module.sigmoid(a), [0.0, 1.0])
        np.testing.assert_array_equal(module.sigmoid_prime(a), [0.0, 0.0])
