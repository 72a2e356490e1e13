"""The RBM references: worked examples 2.3.2-2.3.3, scikit-learn, torch autograd, NumPy against torch.

- example 2.3.2: p(h1 = 1) = sigmoid(0.01) = 0.502500 (the notes print 0.50251),
  by the net input and by the energy gap E(h = 0) - E(h = 1);
- example 2.3.3: the notes' all-sampled CD-1 with the threshold rule learns
  [1, 0] from w = [1, 1] into w = [1, 0.9]; the pinned convention (hidden
  probabilities in the statistics) gives a different step, written out here;
- scikit-learn's ``BernoulliRBM`` (test-only dependency) with
  ``components_ = W.T``, ``intercept_hidden_ = c``, ``intercept_visible_ = b``:
  ``transform``, ``_free_energy``, ``score_samples`` and one step of its
  (persistent) CD started from our H0 agree with the references;
- the gradient of the free energy by torch autograd is minus the CD positive
  phase, and a CD step is the difference of free-energy gradients at the data
  and at the reconstruction;
- the free energy equals -log sum_h exp(-E) by enumeration and stays finite
  for huge net inputs; sampling with uniforms has the right frequencies;
- training on toy data lowers the reconstruction error;
- the NumPy and torch references agree on random float64 inputs, and so does
  the solution module.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import reference.rbm as ref
import reference.rbm_torch as ref_torch
from grader.catalog.rbm import EXAMPLE_232_W, EXAMPLE_233, toy_data
from grader.compare import compare
from grader.plain_data import to_plain

SEEDS = range(5)


def assert_agree(got: Any, expected: Any, *, rtol: float = 1e-10, atol: float = 1e-12, name: str = "value") -> None:
    result = compare(to_plain(got), to_plain(expected), name=name, rtol=rtol, atol=atol)
    assert result.ok, result.message


def problem(seed: int, B: int = 4, n_visible: int = 5, n_hidden: int = 3):
    """A random float64 mini-batch, parameters with biases, and a generator for uniforms."""
    rng = np.random.default_rng(5000 + seed)
    V = rng.integers(0, 2, size=(B, n_visible)).astype(float)
    W = rng.normal(size=(n_visible, n_hidden))
    b, c = rng.normal(0, 0.5, size=n_visible), rng.normal(0, 0.5, size=n_hidden)
    return rng, V, W, b, c


def sklearn_rbm(W: np.ndarray, b: np.ndarray, c: np.ndarray, **options: Any):
    """A BernoulliRBM holding our parameters: components_ = W.T, intercept_hidden_ = c, intercept_visible_ = b."""
    from sklearn.neural_network import BernoulliRBM  # a test-only dependency: the [test] extra

    rbm = BernoulliRBM(n_components=W.shape[1], **options)
    rbm.components_ = W.T.copy()
    rbm.intercept_hidden_ = c.copy()
    rbm.intercept_visible_ = b.copy()
    rbm.n_features_in_ = W.shape[0]
    return rbm


@pytest.fixture
def solution(solutions):
    return solutions("rbm")


# -- example 2.3.2 -------------------------------------------------------------------------------


def test_worked_example_232_activation_probability():
    p = ref.hidden_probabilities(np.array([[1.0, 0.0]]), EXAMPLE_232_W, np.zeros(1))
    assert p.shape == (1, 1)
    assert round(float(p[0, 0]), 6) == 0.502500  # the notes print 0.50251
    np.testing.assert_allclose(p[0, 0], 1 / (1 + np.exp(-0.01)), rtol=1e-15)


def test_worked_example_232_energy_gap_from_the_energy():
    v = np.array([[1.0, 0.0], [1.0, 0.0]])
    E = ref.energy(v, np.array([[0.0], [1.0]]), EXAMPLE_232_W, np.zeros(2), np.zeros(1))
    gap = E[0] - E[1]  # Delta E = E(h1 = 0) - E(h1 = 1)
    np.testing.assert_allclose(gap, 0.01, rtol=1e-12)
    np.testing.assert_allclose(ref.sigmoid(np.array(gap)), ref.hidden_probabilities(v[:1], EXAMPLE_232_W, np.zeros(1))[0, 0])


@pytest.mark.parametrize("seed", SEEDS)
def test_probabilities_are_the_sigmoid_of_energy_gaps(seed):
    rng, V, W, b, c = problem(seed)
    H = rng.integers(0, 2, size=(4, 3)).astype(float)
    for j in range(3):
        on, off = H.copy(), H.copy()
        on[:, j], off[:, j] = 1.0, 0.0
        gap = ref.energy(V, off, W, b, c) - ref.energy(V, on, W, b, c)
        np.testing.assert_allclose(ref.hidden_probabilities(V, W, c)[:, j], ref.sigmoid(gap), rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_loop_and_vectorised_hidden_probabilities_agree(seed):
    _, V, W, _, c = problem(seed)
    np.testing.assert_allclose(ref.hidden_probabilities(V, W, c, 1.7), ref.hidden_probabilities_loop(V, W, c, 1.7), rtol=1e-12)


def test_temperature_flattens_or_sharpens_the_probabilities():
    _, V, W, _, c = problem(0)
    np.testing.assert_allclose(ref.hidden_probabilities(V, W, c, 1e6), 0.5, atol=1e-5)
    gaps = V @ W + c
    np.testing.assert_array_equal(ref.hidden_probabilities(V, W, c, 1e-6), (gaps > 0).astype(float))


# -- sampling ----------------------------------------------------------------------------------------


def test_sampling_with_uniforms_has_the_right_frequencies():
    rng = np.random.default_rng(11)
    P = np.array([[0.0, 0.1, 0.5, 0.73, 1.0]])
    draws = np.array([ref.sample_states(P, rng.random(P.shape)) for _ in range(20000)])
    np.testing.assert_allclose(draws.mean(axis=0), P, atol=0.015)
    assert draws[:, 0, 0].max() == 0.0 and draws[:, 0, 4].min() == 1.0


def test_sampling_conventions_at_the_ties():
    P = np.array([0.25, 0.5, 0.5])
    np.testing.assert_array_equal(ref.sample_states(P, np.array([0.25, 0.1, 0.9])), [0.0, 1.0, 0.0])  # u < p, strict
    np.testing.assert_array_equal(ref.sample_states(P), [0.0, 1.0, 1.0])  # the notes: p >= 0.5 gives 1
    assert ref.sigmoid(np.array([0.0]))[0] == 0.5  # a zero net input is a threshold tie exactly


# -- example 2.3.3 and the CD conventions -------------------------------------------------------------


def test_worked_example_233_notes_cd_learns_one_zero():
    V, W, b, c, eps = EXAMPLE_233
    W_new, b_new, c_new = ref.cd1_step_all_sampled(V, W, b, c, eps)
    np.testing.assert_allclose(W_new, [[1.0], [0.9]], rtol=1e-15)
    # The steps of the notes: p(h1) = 0.73 -> 1, reconstruction [1, 1] (p = 0.73 each), p(h1) = 0.88 -> 1.
    np.testing.assert_allclose(ref.hidden_probabilities(V, W, c), [[0.73]], atol=0.005)
    np.testing.assert_allclose(ref.visible_probabilities(np.ones((1, 1)), W, b), [[0.73, 0.73]], atol=0.005)
    np.testing.assert_allclose(ref.hidden_probabilities(np.ones((1, 2)), W, c), [[0.88]], atol=0.005)
    # The notes leave the biases out; with bias learning b moves towards the data.
    np.testing.assert_allclose(b_new, [0.0, -0.1], atol=1e-15)
    np.testing.assert_allclose(c_new, [0.0], atol=1e-15)


def test_worked_example_233_with_the_pinned_convention():
    """Sampled H0 and V1 (as the threshold would give them), probabilities in both statistics."""
    V, W, b, c, eps = EXAMPLE_233
    just_below_half = np.nextafter(0.5, 0.0)  # u < p exactly when p >= 0.5: the threshold rule
    W_new, _, _ = ref.cd1_step(V, W, b, c, eps, np.full((1, 1), just_below_half), np.full((1, 2), just_below_half))
    s1, s2 = 1 / (1 + np.exp(-1.0)), 1 / (1 + np.exp(-2.0))
    np.testing.assert_allclose(W_new, [[1 + eps * (s1 - s2)], [1 - eps * s2]], rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_cd_k_with_one_step_is_cd1_and_longer_chains_differ(seed):
    rng, V, W, b, c = problem(seed)
    U_h, U_v = rng.random((3, 4, 3)), rng.random((3, 4, 5))
    assert_agree(ref.cd_k(V, W, b, c, 0.1, U_h[:1], U_v[:1]), ref.cd1_step(V, W, b, c, 0.1, U_h[0], U_v[0]))
    assert not np.allclose(ref.cd_k(V, W, b, c, 0.1, U_h, U_v)[0], ref.cd1_step(V, W, b, c, 0.1, U_h[0], U_v[0])[0])


# -- scikit-learn (test-only dependency) ---------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_hidden_probabilities_match_sklearn_transform(seed):
    _, V, W, b, c = problem(seed)
    assert_agree(ref.hidden_probabilities(V, W, c), sklearn_rbm(W, b, c).transform(V))


@pytest.mark.parametrize("seed", SEEDS)
def test_free_energy_matches_sklearn(seed):
    _, V, W, b, c = problem(seed)
    assert_agree(ref.free_energy(V, W, b, c), sklearn_rbm(W, b, c)._free_energy(V))


@pytest.mark.parametrize("seed", SEEDS)
def test_pseudo_likelihood_from_our_free_energy_matches_sklearn_score_samples(seed):
    _, V, W, b, c = problem(seed, B=6)
    flipped_unit = np.random.RandomState(seed).randint(0, V.shape[1], V.shape[0])
    V_flipped = V.copy()
    V_flipped[np.arange(len(V)), flipped_unit] = 1 - V_flipped[np.arange(len(V)), flipped_unit]
    difference = ref.free_energy(V_flipped, W, b, c) - ref.free_energy(V, W, b, c)
    ours = V.shape[1] * np.log(ref.sigmoid(difference))
    assert_agree(ours, sklearn_rbm(W, b, c, random_state=seed).score_samples(V))


@pytest.mark.parametrize("seed", SEEDS)
def test_one_sklearn_fit_step_from_our_h0_is_our_cd1_step(seed):
    """sklearn trains by persistent CD; started from the data's H0 one step is CD-1 with sampled V1."""
    rng, V, W, b, c = problem(seed)
    U_h = rng.random((4, 3))
    H0 = ref.sample_states(ref.hidden_probabilities(V, W, c), U_h)
    U_v = np.random.RandomState(seed).uniform(size=V.shape)  # the first draw sklearn makes
    rbm = sklearn_rbm(W, b, c, learning_rate=0.3)
    rbm.h_samples_ = H0.copy()
    rbm._fit(V, np.random.RandomState(seed))
    W_new, b_new, c_new = ref.cd1_step(V, W, b, c, 0.3, U_h, U_v)
    assert_agree(rbm.components_, W_new.T)
    assert_agree(rbm.intercept_visible_, b_new)
    assert_agree(rbm.intercept_hidden_, c_new)


# -- free energy and torch autograd -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_free_energy_equals_its_definition_by_enumeration(seed):
    _, V, W, b, c = problem(seed)
    np.testing.assert_allclose(ref.free_energy(V, W, b, c), ref.free_energy_by_enumeration(V, W, b, c), rtol=1e-12)


def test_free_energy_stays_finite_for_huge_net_inputs():
    V = np.ones((2, 2))
    W = np.array([[1000.0, -1000.0], [500.0, -800.0]])
    F = ref.free_energy(V, W, np.zeros(2), np.zeros(2))
    np.testing.assert_allclose(F, [-1500.0, -1500.0], rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_autograd_free_energy_gradient_is_minus_the_cd_positive_phase(seed):
    _, V, W, b, c = problem(seed)
    W_t = torch.tensor(W, requires_grad=True)
    free = -torch.as_tensor(V) @ torch.as_tensor(b) - torch.nn.functional.softplus(
        torch.as_tensor(V) @ W_t + torch.as_tensor(c)
    ).sum(dim=1)
    free.mean().backward()
    positive_phase = V.T @ ref.hidden_probabilities(V, W, c) / len(V)  # <v h>^0 of cd1_step
    np.testing.assert_allclose(-W_t.grad.numpy(), positive_phase, rtol=1e-12, atol=1e-14)
    assert_agree(ref_torch.free_energy_gradients(V, W, b, c), ref.free_energy_gradients(V, W, b, c))


@pytest.mark.parametrize("seed", SEEDS)
def test_a_cd_step_is_the_difference_of_free_energy_gradients(seed):
    rng, V, W, b, c = problem(seed)
    U_h, U_v = rng.random((4, 3)), rng.random((4, 5))
    H0 = ref.sample_states(ref.hidden_probabilities(V, W, c), U_h)
    V1 = ref.sample_states(ref.visible_probabilities(H0, W, b), U_v)
    at_data = ref_torch.free_energy_gradients(V, W, b, c)
    at_reconstruction = ref_torch.free_energy_gradients(V1, W, b, c)
    eps = 0.2
    expected = [p + eps * (-g0.numpy() + g1.numpy()) for p, g0, g1 in zip((W, b, c), at_data, at_reconstruction)]
    assert_agree(ref.cd1_step(V, W, b, c, eps, U_h, U_v), tuple(expected))


# -- training --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(10))
def test_training_on_toy_data_lowers_the_reconstruction_error(seed):
    rng = np.random.default_rng(6000 + seed)
    V = toy_data(rng, 8)
    W = rng.normal(0, 0.1, size=(6, 3))
    W_new, b_new, c_new, errors = ref.train(V, W, np.zeros(6), np.zeros(3), 0.5, 4, rng.random((30, 8, 3)), rng.random((30, 8, 6)))
    assert errors.shape == (31,)
    assert errors[-1] < 0.85 * errors[0]
    assert errors[-1] == pytest.approx(ref.reconstruction_error(V, W_new, b_new, c_new))


def test_train_makes_one_cd1_step_per_mini_batch():
    rng, V, W, b, c = problem(1, B=5)
    U_h, U_v = rng.random((1, 5, 3)), rng.random((1, 5, 5))
    W1, b1, c1 = ref.cd1_step(V[:2], W, b, c, 0.3, U_h[0, :2], U_v[0, :2])
    W2, b2, c2 = ref.cd1_step(V[2:4], W1, b1, c1, 0.3, U_h[0, 2:4], U_v[0, 2:4])
    expected = ref.cd1_step(V[4:], W2, b2, c2, 0.3, U_h[0, 4:], U_v[0, 4:])
    assert_agree(ref.train(V, W, b, c, 0.3, 2, U_h, U_v)[:3], expected)


# -- NumPy and torch references, and the solution ------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_numpy_and_torch_references_agree(seed):
    rng, V, W, b, c = problem(seed)
    H = rng.integers(0, 2, size=(4, 3)).astype(float)
    T = float(rng.uniform(0.3, 3.0))
    assert_agree(ref_torch.hidden_probabilities(V, W, c, T), ref.hidden_probabilities(V, W, c, T))
    assert_agree(ref_torch.visible_probabilities(H, W, b, T), ref.visible_probabilities(H, W, b, T))
    P, U = rng.random((4, 5)), rng.random((4, 5))
    assert_agree(ref_torch.sample_states(P, U), ref.sample_states(P, U))
    assert_agree(ref_torch.sample_states(P), ref.sample_states(P))
    assert_agree(ref_torch.energy(V, H, W, b, c), ref.energy(V, H, W, b, c))
    assert_agree(ref_torch.free_energy(V, W, b, c), ref.free_energy(V, W, b, c))
    assert_agree(ref_torch.free_energy_gradients(V, W, b, c), ref.free_energy_gradients(V, W, b, c))
    U_h, U_v = rng.random((3, 4, 3)), rng.random((3, 4, 5))
    assert_agree(ref_torch.cd1_step(V, W, b, c, 0.1, U_h[0], U_v[0]), ref.cd1_step(V, W, b, c, 0.1, U_h[0], U_v[0]))
    assert_agree(ref_torch.cd_k(V, W, b, c, 0.1, U_h, U_v), ref.cd_k(V, W, b, c, 0.1, U_h, U_v))
    assert_agree(
        ref_torch.cd1_step_all_sampled(V, W, b, c, 0.1, U_h[:2], U_v[0]), ref.cd1_step_all_sampled(V, W, b, c, 0.1, U_h[:2], U_v[0])
    )
    assert_agree(ref_torch.cd1_step_all_sampled(V, W, b, c, 0.1), ref.cd1_step_all_sampled(V, W, b, c, 0.1))
    assert_agree(ref_torch.reconstruction_error(V, W, b, c), ref.reconstruction_error(V, W, b, c))
    U_h, U_v = rng.random((4, 4, 3)), rng.random((4, 4, 5))
    assert_agree(ref_torch.train(V, W, b, c, 0.2, 3, U_h, U_v), ref.train(V, W, b, c, 0.2, 3, U_h, U_v))


@pytest.mark.parametrize("seed", SEEDS)
def test_solution_agrees_with_the_reference(solution, seed):
    rng, V, W, b, c = problem(100 + seed)
    assert_agree(solution.hidden_probabilities(V, W, c, 2.0), ref.hidden_probabilities(V, W, c, 2.0))
    assert_agree(solution.free_energy(V, W, b, c), ref.free_energy(V, W, b, c))
    assert_agree(solution.free_energy_gradients(V, W, b, c), ref.free_energy_gradients(V, W, b, c))
    U_h, U_v = rng.random((2, 4, 3)), rng.random((2, 4, 5))
    assert_agree(solution.cd_k(V, W, b, c, 0.1, U_h, U_v), ref.cd_k(V, W, b, c, 0.1, U_h, U_v))
    assert_agree(solution.cd1_step_all_sampled(V, W, b, c, 0.1, U_h, U_v[0]), ref.cd1_step_all_sampled(V, W, b, c, 0.1, U_h, U_v[0]))
    assert_agree(solution.train(V, W, b, c, 0.2, 3, U_h, U_v), ref.train(V, W, b, c, 0.2, 3, U_h, U_v))
