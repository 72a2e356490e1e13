"""The probability references against scipy.stats, NumPy and torch, the notes' worked examples 2.1.4 and
2.1.5, and the margins the validity checks keep from their verdicts' boundaries.

- worked example 2.1.4: the uniform PMF 1/k is valid for every k from 1 to
  60, in float64 and in float32, with the default tolerance (``[1/6] * 6``
  does not sum to exactly 1, so ``== 1`` rejects it), and the notes' sums
  P({x1, x2, x3} u {x4, x5}) = 5/k and P(Omega - {x1, x2}) = (k - 2)/k hold;
- worked example 2.1.5: the uniform density 1/(b - a) is scipy's uniform
  pdf, integrates to 1 (scipy's quad) and is valid on grids over [a, b], with
  densities above 1, and over a wider line with its jumps given both values;
  without them the trapezoidal rule is off by h / (b - a), as stated;
- the log-likelihoods are scipy.stats' ``bernoulli.logpmf``, ``binom.logpmf``
  and ``norm.logpdf`` summed (norm given the standard deviation sqrt(var));
  the mistakes are what the exercise says they are (norm given var as its
  standard deviation, the binomial without its coefficient);
- ``sample_moments`` is ``np.mean``, ``np.var(ddof=)`` and
  ``np.cov(rowvar=False, ddof=)`` and torch's ``var``/``cov`` with
  ``correction=``: ddof 0 and 1 differ by n / (n - 1); ``table_moments`` is
  ``np.average`` and ``np.cov(aweights=P, ddof=0)`` over the table's cells;
- the joint-table convention is ``np.histogram2d``'s (x down the rows), and
  the conditionals satisfy the chain rule and Bayes' rule, which the mistake
  without the prior breaks;
- the validity checks' inputs over 300 seeds (PMFs) and 150 (PDFs), beside the hidden sweep's 200 ids: both verdicts present, the
  reference's verdict kept by the solution computing in float32 and by the
  torch reference, every named mistake wrong on every seed, and the stated
  margins held;
- the docstrings' worked examples hold for the reference and the solution.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
import torch

import reference.probability as ref
import reference.probability_mistakes as wrong
import reference.probability_torch as ref_torch
from grader.catalog.probability import PMF_MARGIN, joint_table, pdf_cases, pmf_cases, samples, trapezoid

from conftest import in_float32


@pytest.fixture
def solution(solutions):
    return solutions("probability")


# -- worked examples 2.1.4 and 2.1.5 -------------------------------------------------------------------


def test_worked_example_2_1_4_the_uniform_pmf_is_valid_for_every_k_in_either_precision(solution):
    inexact = []
    for k in range(1, 61):
        P = np.full(k, 1.0 / k)
        for is_valid in (ref.is_valid_pmf, ref_torch.is_valid_pmf, solution.is_valid_pmf):
            assert is_valid(P) and is_valid(P.astype(np.float32)), k
        # The notes' sums: P({x1, x2, x3} u {x4, x5}) = 3/k + 2/k = 5/k and P(Omega - {x1, x2}) = 1 - 2/k.
        if k >= 5:
            assert math.isclose(P[:5].sum(), 5 / k, rel_tol=1e-15)
            assert math.isclose(P[2:].sum(), 1 - 2 / k, rel_tol=1e-14)
        if P.sum() != 1.0:
            inexact.append(k)
            assert not wrong.is_valid_pmf_exact_sum(P)
    assert {6, 7} <= set(inexact)
    # The tolerance follows the precision: float32 probabilities held to float64's eps are rejected for some k.
    too_strict = [k for k in range(1, 61) if abs(np.full(k, 1 / k, np.float32).astype(float).sum() - 1) > k * np.finfo(float).eps]
    assert too_strict


@pytest.mark.parametrize(("a", "b"), [(0.0, 1.0), (1.0, 3.0), (2.0, 2.5), (-1.0, 0.25), (0.0, 0.0625)])
def test_worked_example_2_1_5_the_uniform_pdf_is_scipy_s_integrates_to_one_and_is_valid(a, b, solution):
    uniform = scipy.stats.uniform(loc=a, scale=b - a)
    integral, _ = scipy.integrate.quad(uniform.pdf, a - 1, b + 1, points=[a, b])
    assert math.isclose(integral, 1.0, rel_tol=1e-10)
    x = np.linspace(a, b, 9)
    p = np.full(9, 1 / (b - a))
    np.testing.assert_allclose(uniform.pdf(x[1:-1]), p[1:-1], rtol=1e-14)
    wide = np.concatenate([[a - 1], x[:1], x, x[-1:], [b + 1]])  # the ends repeated: each jump gets both its values
    wide_p = np.concatenate([[0, 0], p, [0, 0]])
    for is_valid in (ref.is_valid_pdf, ref_torch.is_valid_pdf, solution.is_valid_pdf):
        assert is_valid(x, p, 1e-9)
        assert is_valid(wide, wide_p, 1e-9)
        assert is_valid(x.astype(np.float32), p.astype(np.float32), np.float32(1e-3))
    if b - a < 1:
        assert p.max() > 1 and not wrong.is_valid_pdf_density_at_most_one(x, p, 1e-3)
    # Without the repeated points the trapezoidal rule spreads each jump over one interval: 1 + h / (b - a).
    h = x[1] - x[0]
    jumps = np.concatenate([[a - h], x, [b + h]])
    assert math.isclose(trapezoid(jumps, np.concatenate([[0], p, [0]])), 1 + h / (b - a), rel_tol=1e-12)


def test_the_docstrings_worked_examples(solution):
    for module in (ref, ref_torch, solution):
        assert module.is_valid_pmf(np.full(6, 1 / 6)) and not module.is_valid_pmf(np.full(5, 1 / 6))
        assert not module.is_valid_pmf(np.array([0.75, 0.5, -0.25]))
        assert module.is_valid_pmf(np.array([0.5, 0.502]), 0.01) and not module.is_valid_pmf(np.array([0.5, 0.502]))
        assert module.is_valid_pdf(np.linspace(1, 3, 5), np.full(5, 0.5), 1e-9)
        assert module.is_valid_pdf(np.array([0.0, 0.25]), np.array([4.0, 4.0]), 1e-9)
        assert module.is_valid_pdf(np.array([0.0, 1, 1, 3, 3, 4]), np.array([0.0, 0, 0.5, 0.5, 0, 0]), 1e-9)
        assert not module.is_valid_pdf(np.array([0.0, 1, 2]), np.array([1.5, -0.5, 1.5]), 1e-3)
        P_x, P_y = module.marginals(np.array([[0.1, 0.2, 0.3], [0.0, 0.15, 0.25]]))
        np.testing.assert_allclose(np.asarray(P_x), [0.6, 0.4])
        np.testing.assert_allclose(np.asarray(P_y), [0.1, 0.35, 0.55])
        P = np.array([[0.1, 0.3], [0.2, 0.4], [0.0, 0.0]])
        np.testing.assert_allclose(np.asarray(module.conditional(P, "x")), [[0.25, 0.75], [1 / 3, 2 / 3], [0, 0]])
        np.testing.assert_allclose(np.asarray(module.conditional(P, "y")), [[1 / 3, 3 / 7], [2 / 3, 4 / 7], [0, 0]])
        X = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 4.0]])
        for ddof, scale in ((1, 1.0), (0, 2 / 3)):
            mean, var, cov = (np.asarray(part) for part in module.sample_moments(X, ddof))
            np.testing.assert_allclose(mean, [3, 4])
            np.testing.assert_allclose(var, [4 * scale, 4 * scale])
            np.testing.assert_allclose(cov, np.array([[4, 2], [2, 4]]) * scale)
        mean, cov = module.table_moments(np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([[0.5, 0.0], [0.0, 0.5]]))
        np.testing.assert_allclose(np.asarray(mean), [0.5, 0.5])
        np.testing.assert_allclose(np.asarray(cov), np.full((2, 2), 0.25))
        assert math.isclose(module.bernoulli_log_likelihood(np.array([1, 0, 1]), 0.8), -2.055725, abs_tol=1e-6)
        assert math.isclose(module.binomial_log_likelihood(np.array([1, 2]), 2, 0.5), -2.079442, abs_tol=1e-6)
        assert math.isclose(module.gaussian_log_likelihood(np.array([0.0, 2.0]), 0.0, 4.0), -3.724171, abs_tol=1e-6)


# -- the log-likelihoods against scipy.stats -------------------------------------------------------------


def test_the_log_likelihoods_are_scipy_s_logpmf_and_logpdf_summed(solution):
    rng = np.random.default_rng(0)
    for phi in (0.1, 0.35, 0.8):
        x = rng.integers(0, 2, size=40)
        want = scipy.stats.bernoulli.logpmf(x, phi).sum()
        for module in (ref, ref_torch, solution):
            assert math.isclose(module.bernoulli_log_likelihood(x, phi), want, rel_tol=1e-12)
        assert math.isclose(wrong.bernoulli_log_likelihood_phi_swapped(x, phi), scipy.stats.bernoulli.logpmf(x, 1 - phi).sum(), rel_tol=1e-12)
    for N, p in ((4, 0.25), (180, 0.7), (2000, 0.3)):  # 180! and 2000! overflow a float
        k = rng.binomial(N, p, size=12)
        want = scipy.stats.binom.logpmf(k, N, p).sum()
        for module in (ref, ref_torch, solution):
            assert math.isclose(module.binomial_log_likelihood(k, N, p), want, rel_tol=1e-10)
        coefficients = sum(math.log(math.comb(N, int(c))) for c in k)
        assert math.isclose(want - wrong.binomial_log_likelihood_no_coefficient(k, N, p), coefficients, rel_tol=1e-10)
    for mu, var in ((0.0, 4.0), (1.5, 0.25), (-2.0, 5.0)):
        x = rng.normal(mu, 2.0, size=30)
        want = scipy.stats.norm.logpdf(x, loc=mu, scale=math.sqrt(var)).sum()
        for module in (ref, ref_torch, solution):
            assert math.isclose(module.gaussian_log_likelihood(x, mu, var), want, rel_tol=1e-12)
        # scipy's scale is the standard deviation: given the variance it is the named mistake.
        assert math.isclose(wrong.gaussian_log_likelihood_variance_as_std(x, mu, var),
                            scipy.stats.norm.logpdf(x, loc=mu, scale=var).sum(), rel_tol=1e-12)
        assert not math.isclose(wrong.gaussian_log_likelihood_variance_as_std(x, mu, var), want, rel_tol=1e-3)


# -- moments against NumPy and torch ---------------------------------------------------------------------


@pytest.mark.parametrize(("n", "d"), [(7, 3), (5, 2), (12, 1)])
def test_sample_moments_are_numpy_s_and_torch_s_with_the_same_ddof(n, d, solution):
    X = samples(np.random.default_rng(n), n, d)
    results = {}
    for ddof in (0, 1):
        want = (X.mean(axis=0), np.var(X, axis=0, ddof=ddof), np.atleast_2d(np.cov(X, rowvar=False, ddof=ddof)))
        tensor = torch.tensor(X)
        torch_s = (torch.var(tensor, dim=0, correction=ddof).numpy(), torch.cov(tensor.T, correction=ddof).reshape(d, d).numpy())
        np.testing.assert_allclose(torch_s[0], want[1], rtol=1e-12)
        np.testing.assert_allclose(torch_s[1], want[2], rtol=1e-12, atol=1e-12)
        for module in (ref, ref_torch, solution):
            for got, expected in zip(module.sample_moments(X, ddof), want):
                np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-12, atol=1e-12)
        results[ddof] = ref.sample_moments(X, ddof)
    # Population and sample estimates differ by n / (n - 1): a check with both ddofs tells them apart.
    np.testing.assert_allclose(results[1][2], results[0][2] * n / (n - 1), rtol=1e-12)
    assert not np.allclose(results[1][1], results[0][1])


def test_table_moments_are_the_weighted_moments_of_the_table_s_cells(solution):
    rng = np.random.default_rng(1)
    for m, k in ((3, 4), (4, 2), (2, 2)):
        x, y = rng.normal(size=m) + 2, rng.normal(size=k) - 1
        P = joint_table(rng, m, k)
        P = P / P.sum()  # float32 numbers sum to 1 within 1e-7; np.average divides by the weights' sum
        X, Y = np.meshgrid(x, y, indexing="ij")
        cells = np.stack([X.ravel(), Y.ravel()])
        want = np.average(cells, axis=1, weights=P.ravel()), np.cov(cells, aweights=P.ravel(), ddof=0)
        for module in (ref, ref_torch, solution):
            for got, expected in zip(module.table_moments(x, y, P), want):
                np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-10, atol=1e-12)
        # Under the product of its marginals the covariance is 0: the named mistake's answer.
        assert abs(wrong.table_moments_independent(x, y, P)[1][0, 1]) < 1e-12


# -- the joint table's convention -------------------------------------------------------------------------


def test_marginals_and_conditionals_follow_histogram2d_s_axes_the_chain_rule_and_bayes_rule(solution):
    rng = np.random.default_rng(2)
    x, y = rng.integers(0, 3, size=500), rng.integers(0, 5, size=500) + rng.integers(0, 2, size=500)
    counts, _, _ = np.histogram2d(x, y, bins=[np.arange(4) - 0.5, np.arange(7) - 0.5])
    P = counts / counts.sum()
    P_x, P_y = ref.marginals(P)
    np.testing.assert_allclose(P_x, np.bincount(x, minlength=3) / 500)
    np.testing.assert_allclose(P_y, np.bincount(y, minlength=6) / 500)
    for module in (ref_torch, solution):
        for got, expected in zip(module.marginals(P), (P_x, P_y)):
            np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-14)
    P = joint_table(rng, 4, 5, zero_row=True, zero_column=True)
    P_x, P_y = ref.marginals(P)
    y_given_x, x_given_y = ref.conditional(P, "x"), ref.conditional(P, "y")
    # Chain rule: P(x, y) = P(x) P(y | x) = P(y) P(x | y); rows (columns) of defined conditionals sum to 1, others are 0.
    np.testing.assert_allclose(P_x[:, None] * y_given_x, P, atol=1e-15)
    np.testing.assert_allclose(P_y[None, :] * x_given_y, P, atol=1e-15)
    np.testing.assert_allclose(y_given_x.sum(axis=1), (P_x > 0).astype(float))
    np.testing.assert_allclose(x_given_y.sum(axis=0), (P_y > 0).astype(float))
    # Bayes' rule: P(x | y) = P(y | x) P(x) / P(y) where P(y) > 0; leaving out P(x) breaks it.
    defined = P_y > 0
    bayes = y_given_x * P_x[:, None] / np.where(defined, P_y, 1.0)[None, :]
    np.testing.assert_allclose(x_given_y[:, defined], bayes[:, defined], rtol=1e-12, atol=1e-15)
    assert not np.allclose(wrong.conditional_bayes_without_prior(P, "y"), x_given_y)
    assert np.isnan(wrong.conditional_nan_where_undefined(P, "x")).any()
    for module in (ref_torch, solution):
        for given in ("x", "y"):
            np.testing.assert_allclose(np.asarray(module.conditional(P, given)), ref.conditional(P, given), rtol=1e-14)


# -- the validity checks' inputs -----------------------------------------------------------------------------


PMF_SEEDS, PDF_SEEDS = range(300), range(150)

PMF_MISTAKES = (wrong.is_valid_pmf_no_nonnegativity, wrong.is_valid_pmf_exact_sum, wrong.is_valid_pmf_one_sided,
                wrong.is_valid_pmf_rows_sum_to_one)
PDF_MISTAKES = (wrong.is_valid_pdf_no_nonnegativity, wrong.is_valid_pdf_density_at_most_one, wrong.is_valid_pdf_summed_like_a_pmf,
                wrong.is_valid_pdf_uniform_spacing, wrong.is_valid_pdf_exact_integral)


def _judged(cases, reference, float32, twin, mistakes):
    verdicts = [reference(*case) for case in cases]
    assert set(verdicts) == {True, False}
    assert [float32(*case) for case in cases] == verdicts
    assert [twin(*case) for case in cases] == verdicts
    for mistake in mistakes:
        assert [mistake(*case) for case in cases] != verdicts, mistake.__name__
    return verdicts


def test_the_pmf_checks_inputs_keep_their_margins_and_catch_every_mistake_on_every_seed(solution):
    float32 = in_float32(solution.is_valid_pmf)
    for seed in PMF_SEEDS:
        cases = pmf_cases(np.random.default_rng(seed))
        verdicts = _judged(cases, ref.is_valid_pmf, float32, ref_torch.is_valid_pmf, PMF_MISTAKES)
        for case, valid in zip(cases, verdicts):
            P, tol = case[0], (case[1] if len(case) > 1 else ref.default_tolerance(case[0]))
            distance = abs(P.sum() - 1)
            if valid:
                # With the default tolerance n eps the sum of n positive float64 numbers normalised in float64 is within
                # a few ulps of 1, which is at most n eps / 4 for n >= 6; so is the sum of their float32 roundings.
                assert distance <= tol / 4 * (1 + 1e-9)
                if len(case) == 1:
                    assert abs(float(P.astype(np.float32).sum()) - 1) <= ref.default_tolerance(P.astype(np.float32)) / 4
            elif (P >= 0).all():
                assert distance >= (4 * tol if len(case) > 1 else PMF_MARGIN) * (1 - 1e-9)
            else:
                assert P.min() <= -4 / 256


def test_the_pdf_checks_inputs_keep_their_margins_and_catch_every_mistake_on_every_seed(solution):
    float32 = in_float32(solution.is_valid_pdf)
    for seed in PDF_SEEDS:
        cases = pdf_cases(np.random.default_rng(seed))
        verdicts = _judged(cases, ref.is_valid_pdf, float32, ref_torch.is_valid_pdf, PDF_MISTAKES)
        for (x, p, tol), valid in zip(cases, verdicts):
            distance = abs(trapezoid(x, p) - 1)
            assert np.all(np.diff(x) >= 0)
            if valid:
                assert distance <= tol / 4 + 1e-6
            elif (p >= 0).all():
                assert distance >= 4 * tol - 1e-6
            else:
                assert p.min() <= -0.05 * p.max() * (1 - 1e-6) and distance <= 1e-6
