"""The calculus references against torch's autograd, worked examples 2.1.2 and 2.1.3, and the error orders.

- the exact Jacobian and Hessian equal ``torch.autograd.functional.jacobian``
  and ``hessian`` (the gold references), and the directional derivative the
  derivative of g(x + alpha u / ||u||) at alpha = 0 by autograd;
- the central differences converge to them with an error of order h^2
  (halving h divides it by about 4), the forward and one-sided mistakes with
  an error of order h (about 2): the stated error orders;
- worked example 2.1.2's derivative rules hold by sympy and by autograd, and
  worked example 2.1.3's dz/dt = 6 t^5 is reproduced by autograd and by
  central differences (whose error for t^6 is exactly 20 t^3 h^2 + 6 t h^4);
- on every input the checks draw, each finite-difference mistake is at
  least fifty times the comparison's slack away from the right answer,
  and a float32 computation is well within it;
- the docstrings' worked examples hold and the solution agrees with the references.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
import torch
from torch.autograd.functional import hessian as autograd_hessian
from torch.autograd.functional import jacobian as autograd_jacobian

import reference.calculus as ref
import reference.calculus_mistakes as wrong
import reference.calculus_torch as ref_torch
from grader.catalog.calculus import (
    HESSIAN_SLACK,
    JACOBIAN_SLACK,
    HESSIAN_STEPS,
    STEPS,
    direction,
    log_sum_exp_problem,
    tanh_layer,
)


def _tanh_layer_torch(W, b):
    W, b = torch.tensor(W), torch.tensor(b)
    return lambda x: torch.tanh(W @ x + b)


def _log_sum_exp_torch(W, c):
    W, c = torch.tensor(W), torch.tensor(c)
    return lambda x: torch.logsumexp(W @ x + c, dim=0)


# -- worked examples 2.1.2 and 2.1.3 ------------------------------------------------------------


def test_worked_example_2_1_3_chain_rule_dz_dt_is_6_t5_by_autograd_and_central_differences():
    """z = x^2 y^2 with (x, y) = (t^2, t): dz/dt = 2 x y^2 2t + 2 x^2 y 1 = 4 t^5 + 2 t^5 = 6 t^5."""
    t_ = sympy.Symbol("t")
    x, y = t_**2, t_
    z = x**2 * y**2
    by_paths = sympy.diff(x**2 * y**2, t_)
    two_paths = (2 * x * y**2) * sympy.diff(x, t_) + (2 * x**2 * y) * sympy.diff(y, t_)
    assert sympy.simplify(by_paths - 6 * t_**5) == 0 and sympy.simplify(two_paths - 6 * t_**5) == 0
    assert sympy.expand(z) == t_**6

    def z_of_t(t):
        x, y = t**2, t
        return x**2 * y**2

    for t in (-1.5, -1.0, 0.5, 1.0, 2.0):
        autograd = autograd_jacobian(z_of_t, torch.tensor([t], dtype=torch.float64))
        assert float(autograd) == pytest.approx(6 * t**5, rel=1e-14)
        for h in (0.5, 0.25, 0.125):
            central = ref.central_jacobian(lambda v: z_of_t(v), np.array([t]), h)
            # (t + h)^6 - (t - h)^6 over 2h is 6 t^5 + 20 t^3 h^2 + 6 t h^4: an error of order h^2
            assert central[0, 0] == pytest.approx(6 * t**5 + 20 * t**3 * h**2 + 6 * t * h**4, rel=1e-12, abs=1e-12)


RULES_2_1_2 = [
    ("power", lambda x: x**4, lambda x: 4 * x**3),
    ("linearity", lambda x: 3 * sympy.sin(x) + x**2, lambda x: 3 * sympy.cos(x) + 2 * x),
    ("chain", lambda x: sympy.sin(x**2), lambda x: 2 * sympy.cos(x**2) * x),
    ("product", lambda x: x**2 * x**3, lambda x: 5 * x**4),
    ("quotient", lambda x: x**5 / x**2, lambda x: 3 * x**2),
]


@pytest.mark.parametrize(("rule", "function", "derivative"), RULES_2_1_2, ids=[rule for rule, _, _ in RULES_2_1_2])
def test_worked_example_2_1_2_derivative_rules_by_sympy_autograd_and_central_differences(rule, function, derivative):
    x = sympy.Symbol("x", positive=True)
    assert sympy.simplify(sympy.diff(function(x), x) - derivative(x)) == 0
    if rule == "product":  # the rule's two terms: (x^2)' x^3 + x^2 (x^3)' = 2x x^3 + x^2 3x^2
        assert sympy.expand(2 * x * x**3 + x**2 * 3 * x**2) == 5 * x**4
    if rule == "quotient":  # (5x^4 x^2 - x^5 2x) / x^4 = 3x^6 / x^4
        assert sympy.simplify((5 * x**4 * x**2 - x**5 * 2 * x) / (x**2) ** 2 - 3 * x**2) == 0
    numeric = sympy.lambdify(x, function(x), modules=[{"sin": torch.sin, "cos": torch.cos}])
    exact = sympy.lambdify(x, derivative(x), modules="math")
    for point in (0.5, 1.25, 2.0):
        grad = autograd_jacobian(numeric, torch.tensor(point, dtype=torch.float64))
        assert float(grad) == pytest.approx(exact(point), rel=1e-12)
        errors = [abs(ref.central_jacobian(lambda v: np.asarray(float(numeric(torch.tensor(v[0])))), np.array([point]), h)[0, 0] - exact(point)) for h in (1e-2, 5e-3)]
        assert errors[1] < errors[0] / 3.0 or errors[0] < 1e-10  # order h^2 (or exact, for low powers)


# -- references against autograd ------------------------------------------------------------------


@pytest.mark.parametrize(("m", "n"), [(3, 2), (2, 4), (3, 3), (1, 1)])
def test_jacobian_equals_torch_autograd_functional_jacobian(m, n):
    W, b, x = tanh_layer(np.random.default_rng(m * 10 + n), m, n)
    gold = autograd_jacobian(_tanh_layer_torch(W, b), torch.tensor(x)).numpy()
    assert gold.shape == (m, n)  # one row per output, as the notes' J_ij = d f_i / d x_j
    np.testing.assert_allclose(ref.jacobian(W, b, x), gold, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(ref_torch.jacobian(W, b, x).numpy(), gold, rtol=1e-13, atol=1e-15)
    for h in STEPS:
        np.testing.assert_allclose(ref_torch.jacobian_central(W, b, x, h).numpy(), ref.jacobian_central(W, b, x, h), rtol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_hessian_equals_torch_autograd_functional_hessian(n):
    W, c, x = log_sum_exp_problem(np.random.default_rng(n), n)
    gold = autograd_hessian(_log_sum_exp_torch(W, c), torch.tensor(x)).numpy()
    np.testing.assert_allclose(ref.hessian(W, c, x), gold, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ref_torch.hessian(W, c, x).numpy(), gold, rtol=1e-12, atol=1e-14)
    for h in HESSIAN_STEPS:
        central = ref.hessian_central(W, c, x, h)
        np.testing.assert_allclose(central, central.T, atol=1e-14)  # symmetric, as the Hessian (Schwarz)
        np.testing.assert_allclose(ref_torch.hessian_central(W, c, x, h).numpy(), central, rtol=1e-11, atol=1e-13)


def test_directional_derivative_is_autograd_s_derivative_along_the_unit_direction():
    rng = np.random.default_rng(4)
    for n in (2, 3, 4):
        W, c, x = log_sum_exp_problem(rng, n)
        u = direction(rng, n)
        unit = torch.tensor(u / np.linalg.norm(u))
        g = _log_sum_exp_torch(W, c)
        gold = float(autograd_jacobian(lambda alpha: g(torch.tensor(x) + alpha * unit), torch.tensor(0.0, dtype=torch.float64)))
        assert ref.directional_derivative(W, c, x, u) == pytest.approx(gold, rel=1e-12)
        assert ref_torch.directional_derivative(W, c, x, u) == pytest.approx(gold, rel=1e-12)
        assert ref.directional_derivative(W, c, x, 3.0 * u) == pytest.approx(gold, rel=1e-12)  # the length does not matter
        assert wrong.directional_derivative_not_normalised(W, c, x, u) == pytest.approx(gold * np.linalg.norm(u), rel=1e-12)


# -- the error orders -------------------------------------------------------------------------------


def _order(errors: list[float]) -> list[float]:
    """log2 of the ratio of successive errors as h halves: 2 for an error of order h^2, 1 for order h."""
    return [math.log2(a / b) for a, b in zip(errors, errors[1:])]


def test_central_differences_have_an_error_of_order_h_squared_and_the_forward_mistake_of_order_h():
    W, b, x = tanh_layer(np.random.default_rng(5), 3, 2)
    exact = autograd_jacobian(_tanh_layer_torch(W, b), torch.tensor(x)).numpy()
    steps = [2.0**-k for k in range(4, 8)]
    central = [np.abs(ref.jacobian_central(W, b, x, h) - exact).max() for h in steps]
    forward = [np.abs(wrong.jacobian_central_forward(W, b, x, h) - exact).max() for h in steps]
    assert all(1.9 < order < 2.1 for order in _order(central)), _order(central)
    assert all(0.9 < order < 1.1 for order in _order(forward)), _order(forward)


def test_the_hessian_s_central_differences_have_an_error_of_order_h_squared_and_one_sided_of_order_h():
    W, c, x = log_sum_exp_problem(np.random.default_rng(6), 3)
    exact = autograd_hessian(_log_sum_exp_torch(W, c), torch.tensor(x)).numpy()
    steps = [2.0**-k for k in range(5, 9)]
    central = [np.abs(ref.hessian_central(W, c, x, h) - exact).max() for h in steps]
    one_sided = [np.abs(wrong.hessian_central_one_sided(W, c, x, h) - exact).max() for h in steps]
    assert all(1.8 < order < 2.2 for order in _order(central)), _order(central)
    assert all(0.8 < order < 1.2 for order in _order(one_sided)), _order(one_sided)


# -- the margins the checks rely on ------------------------------------------------------------------


def test_every_finite_difference_mistake_is_far_outside_the_slack_and_float32_well_inside_it():
    """Over 300 seeds of the checks' inputs: each mistake is 100 times the slack away (the Hessian's 50); float32 within a fifth of it."""
    jacobian_mistakes = (wrong.jacobian_central_forward, wrong.jacobian_central_step_h, wrong.jacobian_central_exact)
    hessian_mistakes = (wrong.hessian_central_one_sided, wrong.hessian_central_over_h_squared, wrong.hessian_central_exact)
    for seed in range(300):
        rng = np.random.default_rng(seed)
        m, n = (int(v) for v in rng.integers(1, 5, size=2))
        W, b, x = tanh_layer(rng, m, n)
        h = float(rng.choice(STEPS))
        right = ref.jacobian_central(W, b, x, h)
        for mistake in jacobian_mistakes:
            assert np.abs(mistake(W, b, x, h) - right).max() >= 100 * JACOBIAN_SLACK, (seed, mistake.__name__)
        f32 = [v.astype(np.float32) for v in (W, b, x)]
        steps = np.eye(n, dtype=np.float32) * np.float32(h)
        single = np.stack([(np.tanh(f32[0] @ (f32[2] + e) + f32[1]) - np.tanh(f32[0] @ (f32[2] - e) + f32[1]))
                           / np.float32(2 * h) for e in steps], axis=1)
        assert single.dtype == np.float32 and np.abs(single - right).max() <= JACOBIAN_SLACK / 10
        W, c, x = log_sum_exp_problem(rng, int(rng.integers(2, 4)))
        h = float(rng.choice(HESSIAN_STEPS))
        right = ref.hessian_central(W, c, x, h)
        for mistake in hessian_mistakes:
            assert np.abs(mistake(W, c, x, h) - right).max() >= 50 * HESSIAN_SLACK, (seed, mistake.__name__)
        W32, c32, x32, h32 = W.astype(np.float32), c.astype(np.float32), x.astype(np.float32), np.float32(h)

        def g32(v):
            z = W32 @ v + c32
            return z.max() + np.log(np.exp(z - z.max()).sum())

        E = np.eye(x.size, dtype=np.float32) * h32
        single = np.array([[(g32(x32 + a + b) - g32(x32 + a - b) - g32(x32 - a + b) + g32(x32 - a - b)) / (4 * h32 * h32)
                            for b in E] for a in E])
        assert single.dtype == np.float32 and np.abs(single - right).max() <= HESSIAN_SLACK / 5


# -- docstrings and the solution ------------------------------------------------------------------------


def test_the_docstrings_worked_examples(solutions):
    calculus = solutions("calculus")
    W, zero2, zero3 = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]]), np.zeros(2), np.zeros(3)
    for module in (ref, calculus):
        np.testing.assert_allclose(module.central_jacobian(lambda v: v**3, np.array([1.0]), 0.5), [[3.25]])
        np.testing.assert_allclose(module.jacobian_central(W, zero2, zero3, 0.5), [[0.924234, 0, 0], [0, 1.523188, 0]], atol=1e-6)
        np.testing.assert_allclose(module.jacobian(W, [0.5, 0.0], zero3), [[0.786448, 0, 0], [0, 2, 0]], atol=1e-6)
        np.testing.assert_allclose(module.hessian_central([[1.0], [-1.0]], zero2, [0.0], 0.5), [[0.867562]], atol=1e-6)
        np.testing.assert_allclose(module.hessian([[1.0], [-1.0]], zero2, [0.5]), [[0.786448]], atol=1e-6)
        assert module.directional_derivative(np.eye(2), zero2, zero2, [3.0, 4.0]) == pytest.approx(0.7)
    assert 2 * math.log(math.cosh(1.0)) == pytest.approx(0.867562, abs=1e-6)
    np.testing.assert_allclose(wrong.hessian_central_one_sided([[1.0], [-1.0]], zero2, [0.0], 0.5), [[0.774207]], atol=1e-6)
    args = (np.eye(2), zero2, zero2, [3.0, 4.0])
    assert wrong.directional_derivative_not_normalised(*args) == pytest.approx(3.5)
    assert wrong.directional_derivative_l1_normalised(*args) == pytest.approx(0.5)
    assert wrong.directional_derivative_log_derivative_left_out(*args) == pytest.approx(1.4)


def test_solution_agrees_with_the_references(solutions):
    calculus = solutions("calculus")
    rng = np.random.default_rng(7)
    for m, n in ((3, 2), (2, 4)):
        W, b, x = tanh_layer(rng, m, n)
        np.testing.assert_allclose(calculus.jacobian_central(W, b, x, 0.25), ref.jacobian_central(W, b, x, 0.25), rtol=1e-13)
        np.testing.assert_allclose(calculus.jacobian(W, b, x), ref.jacobian(W, b, x), rtol=1e-13)
    for n in (2, 3):
        W, c, x = log_sum_exp_problem(rng, n)
        u = direction(rng, n)
        np.testing.assert_allclose(calculus.hessian_central(W, c, x, 0.25), ref.hessian_central(W, c, x, 0.25), rtol=1e-11)
        np.testing.assert_allclose(calculus.hessian(W, c, x), ref.hessian(W, c, x), rtol=1e-12, atol=1e-15)
        assert calculus.directional_derivative(W, c, x, u) == pytest.approx(ref.directional_derivative(W, c, x, u), rel=1e-13)
