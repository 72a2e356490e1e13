"""The gradient-descent references against torch.optim.SGD over many steps, and the exactness of the checks' boundaries.

- ``iterates`` (and its torch twin) is ``torch.optim.SGD(lr=eta)`` on
  ``1/2 w^T A w - b^T w``, step for step over hundreds of steps, converging
  and diverging;
- ``after_steps``'s closed form is the last iterate, and its factors are the
  ratios of the error's components along A's eigenvectors;
- ``is_stable`` says what SGD does: it converges below 2 / lambda_max and
  not above; exactly at 2 / lambda_max the lambda_max component keeps its
  size for ever; the reference decides in exact arithmetic, even one float
  away from the boundary and for a non-diagonal A;
- ``step_sizes``'s fastest step has the smallest worst factor of all steps,
  its rate is what SGD's error shrinks by, and the notes' 1 / lambda_max is
  slower;
- ``steps_to_tolerance`` is the first step at which SGD's worst-case error is
  below the tolerance, and the checks' cases keep a margin from an integer;
- the docstrings' worked examples hold, and a solution computing in float32
  scores full marks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import reference.gradient_descent as ref
import reference.gradient_descent_mistakes as wrong
import reference.gradient_descent_torch as ref_torch
from grader.catalog.gradient_descent import STEPS_MARGIN, margin_ok, problem, spd, tolerance_cases


def sgd_iterates(A, b, w0, eta, T):
    """torch.optim.SGD's own trajectory on 1/2 w^T A w - b^T w."""
    w = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    A_t, b_t = torch.tensor(A), torch.tensor(b)
    sgd = torch.optim.SGD([w], lr=eta)
    rows = [w.detach().numpy().copy()]
    for _ in range(T):
        sgd.zero_grad()
        (0.5 * w @ A_t @ w - b_t @ w).backward()
        sgd.step()
        rows.append(w.detach().numpy().copy())
    return np.array(rows)


@pytest.mark.parametrize("fraction", [0.3, 1.0, 1.9, 1.99, 2.02])
def test_iterates_is_torch_s_sgd_over_many_steps(fraction):
    rng = np.random.default_rng(0)
    A, b, w0 = problem(rng, 4, 20.0)
    eta = fraction / np.linalg.eigvalsh(A)[-1]
    T = 300 if fraction < 2 else 60
    want = sgd_iterates(A, b, w0, eta, T)
    for module in (ref, ref_torch):
        got = np.asarray(module.iterates(A, b, w0, eta, T))
        assert got.shape == (T + 1, 4)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    w_star = np.linalg.solve(A, b)
    error = np.linalg.norm(want[-1] - w_star) / np.linalg.norm(w0 - w_star)
    slowest = np.abs(1 - eta * np.linalg.eigvalsh(A)).max()
    assert error <= slowest**T * (1 + 1e-9)  # each component shrinks by its own factor, none slower than this
    assert (slowest < 1) == (fraction < 2) and (error > 1) == (fraction > 2)


@pytest.mark.parametrize("T", [0, 1, 7, 40])
def test_after_steps_is_the_last_iterate_and_its_factors_the_ratios_along_the_eigenvectors(T):
    rng = np.random.default_rng(1)
    A, b, w0 = problem(rng, 5, 8.0)
    eta = 1.5 / np.linalg.eigvalsh(A)[-1]  # above 1 / lambda_max: some factors negative at odd T
    last = sgd_iterates(A, b, w0, eta, T)[-1]
    lam, Q = np.linalg.eigh(A)
    w_star = np.linalg.solve(A, b)
    for module in (ref, ref_torch):
        w_T, factors = (np.asarray(value) for value in module.after_steps(A, b, w0, eta, T))
        np.testing.assert_allclose(w_T, last, rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(factors, (Q.T @ (last - w_star)) / (Q.T @ (w0 - w_star)), rtol=1e-7, atol=1e-12)
    if T % 2:
        assert (ref.after_steps(A, b, w0, eta, T)[1] < 0).any()
    # The factor on w instead of w - w* misses w* (b is not 0).
    assert not np.allclose(wrong.after_steps_factor_on_w(A, b, w0, eta, max(T, 1))[0], ref.after_steps(A, b, w0, eta, max(T, 1))[0])


def _converges_under_sgd(A, eta, steps=4000):
    """Whether SGD from a start with a component along every eigenvector ends near the minimum."""
    d = A.shape[0]
    b = np.ones(d)
    w_star = np.linalg.solve(A, b)
    w0 = w_star + np.linalg.eigh(A)[1].sum(axis=1)
    last = sgd_iterates(A, b, w0, eta, steps)[-1]
    return np.linalg.norm(last - w_star) < 1e-6 * np.linalg.norm(w0 - w_star)


@pytest.mark.parametrize("factor", [0.5, 0.9, 0.99, 1.01, 1.1])
def test_is_stable_says_what_sgd_does(factor):
    A = spd(np.random.default_rng(2), 3, 6.0)
    eta = factor * 2 / np.linalg.eigvalsh(A)[-1]
    assert ref.is_stable(A, eta) == ref_torch.is_stable(A, eta) == _converges_under_sgd(A, eta) == (factor < 1)


def test_exactly_at_2_over_lambda_max_the_lambda_max_component_never_shrinks():
    A, b = np.diag([0.5, 1.0, 4.0]), np.array([1.0, 1.0, 1.0])
    w_star = b / np.diag(A)
    w0 = w_star + np.array([0.0, 0.0, 1.0])
    iterates = sgd_iterates(A, b, w0, 0.5, 1001)
    np.testing.assert_array_equal(np.abs(iterates[:, 2] - w_star[2]), np.ones(1002))  # flips sign, keeps its size
    assert ref.is_stable(A, 0.5) is False and ref_torch.is_stable(A, 0.5) is False
    assert wrong.is_stable_boundary_included(A, 0.5) is True
    # One float either side of the boundary is decided exactly, by the reference's rational arithmetic.
    assert ref.is_stable(A, np.nextafter(0.5, 0.0)) is True
    assert ref.is_stable(A, np.nextafter(0.5, 1.0)) is False


def test_is_stable_is_exact_for_a_matrix_whose_eigenvalues_eigvalsh_only_approximates():
    H = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]]) / 2.0  # orthogonal, entries exact
    A = H @ np.diag([1.0, 2.0, 3.0, 4.0]) @ H.T  # entries multiples of 1/4: exact; eigenvalues exactly 1..4
    assert np.array_equal(A, A.T)
    assert ref.is_stable(A, 0.5) is False
    assert ref.is_stable(A, np.nextafter(0.5, 0.0)) is True
    assert ref.is_stable(A, 0.4) is True and ref.is_stable(A, 0.6) is False
    assert ref.is_stable(A, 0.0) is False and ref.is_stable(A, -0.1) is False


def test_the_fastest_step_has_the_smallest_worst_factor_and_its_rate_is_sgd_s():
    A = spd(np.random.default_rng(3), 4, 25.0)
    lam, Q = np.linalg.eigh(A)
    largest, fastest, rate = ref.step_sizes(A)
    np.testing.assert_allclose(ref_torch.step_sizes(A), (largest, fastest, rate), rtol=1e-12)
    kappa = lam[-1] / lam[0]
    assert rate == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-10)
    worst = lambda eta: np.abs(1 - eta * lam).max()  # noqa: E731
    assert worst(fastest) == pytest.approx(rate, rel=1e-10)
    for eta in np.linspace(0.01, largest, 400):
        assert worst(eta) >= rate - 1e-12
    # The notes' 1 / lambda_max is slower: its rate is 1 - 1/kappa.
    assert worst(1 / lam[-1]) == pytest.approx(1 - 1 / kappa, rel=1e-10) and 1 - 1 / kappa > rate
    # SGD's error along q_min and along q_max shrinks by exactly the rate each step, with the sign flipped along q_max.
    b = np.zeros(4)
    for column, sign in ((0, 1.0), (3, -1.0)):
        path = sgd_iterates(A, b, Q[:, column], fastest, 30)
        np.testing.assert_allclose(path[1:] @ Q[:, column] / (path[:-1] @ Q[:, column]), sign * rate, rtol=1e-8)


@pytest.mark.parametrize(("kappa", "tol"), [(3.0, 1e-4), (9.0, 0.01), (40.0, 1e-6), (150.0, 1e-4)])
def test_steps_to_tolerance_is_the_first_step_at_which_sgd_s_worst_case_error_is_below_the_tolerance(kappa, tol):
    assert margin_ok(kappa, tol)
    Q, _ = np.linalg.qr(np.random.default_rng(4).normal(size=(3, 3)))
    A = (Q * np.array([1.0, math.sqrt(kappa), kappa])) @ Q.T
    A = (A + A.T) / 2
    _, fastest, _ = ref.step_sizes(A)
    T = ref.steps_to_tolerance(kappa, tol)
    assert ref_torch.steps_to_tolerance(kappa, tol) == T
    errors = np.linalg.norm(sgd_iterates(A, np.zeros(3), Q[:, 0], fastest, T + 2), axis=1)  # the worst start: along q_min
    assert errors[T] <= tol < errors[T - 1]
    assert wrong.steps_to_tolerance_one_short(kappa, tol) == T - 1
    # It grows about like (kappa / 2) ln(1 / tol).
    assert T == pytest.approx(kappa / 2 * math.log(1 / tol), rel=0.4 if kappa < 5 else 0.05)


def test_the_checks_cases_keep_their_margin_from_an_integer_even_in_float32():
    worked = [(3.0, float(np.float32(1e-4))), (9.0, float(np.float32(0.01)))]
    for kappa, tol in worked + tolerance_cases(np.random.default_rng(5), 300):
        x = math.log(tol) / math.log((kappa - 1) / (kappa + 1))
        assert abs(x - round(x)) >= STEPS_MARGIN
        k32, t32 = np.float32(kappa), np.float32(tol)
        x32 = np.log(t32) / np.log((k32 - np.float32(1)) / (k32 + np.float32(1)))
        assert math.ceil(float(x32)) == math.ceil(x)


def test_the_docstrings_worked_examples(solutions):
    module = solutions("gradient_descent")
    A, b, w0 = np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([2.0, 1.0]), np.zeros(2)
    for source in (ref, module):
        np.testing.assert_allclose(source.iterates(A, b, w0, 0.5, 2), [[0, 0], [1, 0.5], [1, 0.75]])
        w_T, factors = source.after_steps(A, b, w0, 0.5, 2)
        np.testing.assert_allclose(w_T, [1, 0.75], atol=1e-15)
        np.testing.assert_allclose(factors, [0.25, 0.0])
        assert source.is_stable(A, 0.75) is True and source.is_stable(A, 1.0) is False
        np.testing.assert_allclose(source.step_sizes(np.array([[2.0, 1.0], [1.0, 2.0]])), (2 / 3, 0.5, 0.5))
        assert source.steps_to_tolerance(3.0, 1e-4) == 14 and source.steps_to_tolerance(9.0, 0.01) == 21


