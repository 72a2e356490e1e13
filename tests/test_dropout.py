"""The dropout references against torch's nn.Dropout, the conventions the exercises state, and the
statistical check of sample_dropout measured over thousands of seeds.

- ``inverted_dropout`` is ``nn.Dropout(p)`` in training mode given the same
  mask (p the DROP probability, kept units divided by 1 - p), and
  ``dropout_layer``'s inverted test-time output is ``nn.Dropout`` in
  ``eval()`` mode, the identity;
- in both conventions the test-time output is the expected training output,
  computed exactly over a grid of uniforms, and each known mistake breaks
  that where the exercise says it does;
- ``judge_sample_dropout`` passes the solution's draw on 2000 seeds and
  torch's own nn.Dropout on 36 (its stated false-failure probability is
  below 1e-9 per check), and catches and names each known mistake on every
  one of 1000 seeds;
- the docstrings' worked examples hold, the solution agrees with the
  references, and a solution computing in float32 scores full marks.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import reference.dropout as ref
import reference.dropout_mistakes as wrong
import reference.dropout_torch as ref_torch
from grader.catalog.dropout import (
    KEEP_RATE_MARGIN,
    SAMPLE_ENTRIES,
    activations,
    big_shape,
    drop_probability,
    judge_sample_dropout,
    same_seed_problems,
    uniforms,
)


MODES = [(True, True), (False, True), (True, False), (False, False)]


def torch_dropout_and_its_mask(X: np.ndarray, p: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """nn.Dropout(p)'s training output on X, and uniforms that give the reference the same mask."""
    torch.manual_seed(seed)
    out = nn.Dropout(p).train()(torch.tensor(X)).numpy()
    kept = out != 0
    return out, np.where(kept, (1.0 + p) / 2, p / 2)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.7])
def test_inverted_dropout_is_nn_dropout_given_the_same_mask(p):
    X = activations(np.random.default_rng(0), (6, 9))
    out, U = torch_dropout_and_its_mask(X, p, seed=1)
    assert 0 < (out != 0).sum() < out.size
    for module in (ref, ref_torch):
        np.testing.assert_allclose(np.asarray(module.inverted_dropout(X, U, p)), out, rtol=1e-15)
        np.testing.assert_allclose(np.asarray(module.dropout_layer(X, U, p, True, True)), out, rtol=1e-15)
        # In eval() mode nn.Dropout is the identity: inverted dropout does nothing at test time.
        np.testing.assert_array_equal(np.asarray(module.dropout_layer(X, U, p, False, True)),
                                      nn.Dropout(p).eval()(torch.tensor(X)).numpy())
    # The slides' convention drops the same units and scales nothing in training.
    np.testing.assert_allclose(ref.dropout_layer(X, U, p, True, False), out * (1 - p), rtol=1e-15)
    # torch's p is the drop probability: read as a keep probability it gives another mask and scale.
    if p != 0.5:
        assert not np.allclose(wrong.inverted_dropout_p_kept(X, U, p), out)


def grid_uniforms(shape: tuple[int, int], p: float, points: int = 20) -> list[np.ndarray]:
    """Uniforms on a grid of ``points`` values (j + 1/2) / points: averaging over them averages over the mask exactly."""
    return [np.full(shape, (j + 0.5) / points) for j in range(points)]


@pytest.mark.parametrize("p", [0.25, 0.7])
def test_the_test_time_output_is_the_expected_training_output_in_both_conventions(p):
    X = activations(np.random.default_rng(2), (3, 4))
    for inverted in (True, False):
        expected = np.mean([ref.dropout_layer(X, U, p, True, inverted) for U in grid_uniforms(X.shape, p)], axis=0)
        np.testing.assert_allclose(ref.dropout_layer(X, None, p, False, inverted), expected, rtol=1e-12)
        np.testing.assert_allclose(ref_torch.dropout_layer(X, np.zeros_like(X), p, False, inverted).numpy(), expected, rtol=1e-12)
        for mistake in (wrong.dropout_layer_scaled_twice, wrong.dropout_layer_no_scaling, wrong.dropout_layer_p_kept):
            mean = np.mean([mistake(X, U, p, True, inverted) for U in grid_uniforms(X.shape, p)], axis=0)
            consistent = np.allclose(mistake(X, np.zeros_like(X), p, False, inverted), mean)
            # Scaling twice and scaling never break the identity in both conventions; p read as the keep
            # probability keeps it (keep p, scale by p) and is wrong in its mask, which the checks see.
            assert consistent == (mistake is wrong.dropout_layer_p_kept), (mistake.__name__, inverted)


def test_the_checks_uniforms_keep_clear_of_p_but_one_exactly_p_and_give_every_row_drops_and_keeps():
    rng = np.random.default_rng(3)
    for _ in range(200):
        p = drop_probability(rng)
        U = uniforms(rng, (4, 6), p)
        assert (U == p).sum() == 1 and (U[0] == p).any()  # the boundary, exactly: kept (u >= p)
        assert np.abs(U[U != p] - p).min() >= 1e-3
        assert ((U < p).any(axis=1) & (U >= p).any(axis=1)).all()
        assert len({row.tobytes() for row in (U >= p)}) > 1


def test_the_docstrings_worked_examples(solutions):
    dropout = solutions("dropout")
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    U = np.array([[0.125, 0.75, 0.375], [0.625, 0.0625, 0.875]])
    for module in (ref, dropout):
        np.testing.assert_allclose(module.inverted_dropout(X, U, 0.5), [[0, 4, 0], [8, 0, 12]])
        np.testing.assert_allclose(module.dropout_layer(X, U, 0.25, True, True), [[0, 8 / 3, 4], [16 / 3, 0, 8]])
        np.testing.assert_allclose(module.dropout_layer(X, U, 0.25, True, False), [[0, 2, 3], [4, 0, 6]])
        np.testing.assert_allclose(module.dropout_layer(X, U, 0.25, False, True), X)
        np.testing.assert_allclose(module.dropout_layer(X, U, 0.25, False, False), [[0.75, 1.5, 2.25], [3, 3.75, 4.5]])
        assert module.sample_dropout([[1.0, 2.0]], 0.5, 7).tolist() in ([[0, 0]], [[2, 0]], [[0, 4]], [[2, 4]])


def test_solution_agrees_with_the_references(solutions):
    dropout = solutions("dropout")
    rng = np.random.default_rng(4)
    for p in (0.2, 0.7):
        X = activations(rng, (5, 7))
        U = uniforms(rng, X.shape, p)
        np.testing.assert_allclose(dropout.inverted_dropout(X, U, p), ref.inverted_dropout(X, U, p))
        for training, inverted in MODES:
            np.testing.assert_allclose(dropout.dropout_layer(X, U, p, training, inverted), ref.dropout_layer(X, U, p, training, inverted))
        np.testing.assert_array_equal(dropout.sample_dropout(X, p, 11), ref.sample_dropout(X, p, 11))


# -- the statistical check of sample_dropout ------------------------------------------------------


def _sweep_cases() -> list[tuple[np.ndarray, float]]:
    """The inputs the checks draw: the public check's two (200 x 250, p = 0.2 and 0.7) and ten hidden ones."""
    rng = np.random.default_rng(526)
    cases = [(activations(rng, (200, 250)), float(np.float32(p))) for p in (0.2, 0.7)]
    for _ in range(10):
        shape, p = big_shape(rng), drop_probability(rng)
        cases.append((activations(rng, shape), p))
    return cases


SWEEP_CASES = _sweep_cases()


def sweep_case(seed: int) -> tuple[np.ndarray, float]:
    """The input judged with this seed: the seed draws the mask, the inputs take turns."""
    return SWEEP_CASES[seed % len(SWEEP_CASES)]


def test_the_hidden_inputs_are_large_enough_for_the_stated_bound():
    rng = np.random.default_rng(5)
    for _ in range(500):
        n, k = big_shape(rng)
        p = drop_probability(rng)
        assert n * k >= SAMPLE_ENTRIES and 150 <= n < 260 and k >= 190
        assert 0.15 <= p <= 0.35 or 0.65 <= p <= 0.85
    # Hoeffding: 2 exp(-2 N margin^2) per answer judged, two answers a check.
    assert 2 * 2 * np.exp(-2 * SAMPLE_ENTRIES * KEEP_RATE_MARGIN**2) < 1e-9


@pytest.mark.slow
def test_sample_dropout_check_passes_the_solution_on_2000_seeds(solutions):
    """The false-failure probability measured: no failure in 2000 seeds, the kept fraction always far inside the margin."""
    dropout = solutions("dropout")
    worst = 0.0
    for seed in range(2000):
        X, p = sweep_case(seed)
        Y = dropout.sample_dropout(X, p, seed)
        problems, mistakes = judge_sample_dropout(X, p, Y)
        assert not problems and not mistakes, (seed, problems)
        assert not same_seed_problems(Y, dropout.sample_dropout(X, p, seed), dropout.sample_dropout(X, p, seed + 1))
        worst = max(worst, abs(float((Y != 0).mean()) - (1 - p)))
    # The kept fraction's standard deviation is at most 0.0023 here: the margin is over 6 of them away.
    assert worst < KEEP_RATE_MARGIN / 2


@pytest.mark.slow
def test_sample_dropout_check_passes_torch_s_nn_dropout():
    for seed in range(36):
        X, p = sweep_case(seed)
        Y = ref_torch.sample_dropout(X, p, seed).numpy()
        assert judge_sample_dropout(X, p, Y) == ([], []), seed
        assert not same_seed_problems(Y, ref_torch.sample_dropout(X, p, seed), ref_torch.sample_dropout(X, p, seed + 1))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("variant", "name"),
    [
        (wrong.sample_dropout_p_kept, "p used as the keep probability"),
        (wrong.sample_dropout_keep_rate_p, "units kept with probability p"),
        (wrong.sample_dropout_no_scaling, "no scaling at all"),
        (wrong.sample_dropout_multiplied, "multiplied by the keep probability"),
        (wrong.sample_dropout_same_mask, "the same mask for every example"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_sample_dropout_check_catches_and_names_each_mistake_on_1000_seeds(variant, name):
    for seed in range(1000):
        X, p = sweep_case(seed)
        problems, mistakes = judge_sample_dropout(X, p, variant(X, p, seed))
        assert problems and name in mistakes, (seed, problems, mistakes)
        assert all(other == name for other in mistakes), (seed, mistakes)


@pytest.mark.slow
def test_sample_dropout_check_catches_an_ignored_seed_on_1000_seeds():
    X, p = sweep_case(0)
    for seed in range(1000):
        answers = [wrong.sample_dropout_seed_ignored(X, p, s) for s in (seed, seed, seed + 1)]
        assert judge_sample_dropout(X, p, answers[0]) == ([], [])  # right in distribution: only the seed betrays it
        assert same_seed_problems(*answers), seed
    # A generator seeded with a constant gives the same mask for every seed: caught too.
    fixed = [ref.sample_dropout(X, p, 0) for _ in range(3)]
    assert same_seed_problems(*fixed)


def test_sample_dropout_check_reports_shapes_and_types_without_raising():
    X, p = sweep_case(1)
    assert judge_sample_dropout(X, p, "no")[0]
    assert judge_sample_dropout(X, p, X[:, :-1])[0]
    assert judge_sample_dropout(X, p, np.full(X.shape, np.nan))[0]
    assert judge_sample_dropout(X, p, np.zeros_like(X))[0]  # nothing kept
    assert judge_sample_dropout(X, p, X / (1 - p))[0]  # nothing dropped


