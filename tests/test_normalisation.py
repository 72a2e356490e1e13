"""The normalisation references against torch's own modules and autograd, and the conventions the exercises state.

- ``batch_norm_train`` is ``nn.BatchNorm1d`` in training mode (biased batch
  variance, eps under the root, weight and bias), ``batch_norm_eval`` the same
  module in ``eval()`` mode with its buffers set; on non-square batches with
  gamma != 1 and beta != 0, where each known mistake differs from torch;
- ``running_update_torch`` is ``nn.BatchNorm1d``'s running buffers over many
  batches; the notes' ``running_update`` is the same module with
  ``momentum = 1 - alpha`` and its running variance K/(K - 1) times the
  notes' (the exact map between the conventions), and differs from torch's
  buffers started alike;
- ``batch_norm_backward`` is autograd through ``nn.BatchNorm1d``;
- ``layer_norm`` is ``nn.LayerNorm`` (statistics per example: the notes'
  mu_i is a slip), ``rms_norm`` ``nn.RMSNorm`` (eps under the root; eps=None
  is the dtype's machine epsilon);
- ``standardise`` uses the training set's statistics for both sets;
- the docstrings' worked examples hold, the solution agrees with the
  references, and a solution computing in float32 scores full marks.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import reference.normalisation as ref
import reference.normalisation_mistakes as wrong
import reference.normalisation_torch as ref_torch
from grader.catalog.normalisation import scale_and_shift, units


SHAPES = [(5, 3), (3, 7), (2, 4)]


def batch_norm_module(M: int, gamma, beta, delta: float, momentum: float = 0.1) -> nn.BatchNorm1d:
    module = nn.BatchNorm1d(M, eps=delta, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(torch.tensor(gamma))
        module.bias.copy_(torch.tensor(beta))
    return module


def case(seed: int, shape: tuple[int, int]):
    rng = np.random.default_rng(seed)
    gamma, beta = scale_and_shift(rng, shape[1])
    assert not np.any(gamma == 1.0) and not np.any(beta == 0.0)
    return rng, units(rng, *shape), gamma, beta


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("delta", [1e-5, 0.3])
def test_batch_norm_train_is_nn_batchnorm1d_in_training_mode(shape, delta):
    _, A, gamma, beta = case(0, shape)
    want = batch_norm_module(shape[1], gamma, beta, delta).train()(torch.tensor(A)).detach().numpy()
    for module in (ref, ref_torch):
        np.testing.assert_allclose(np.asarray(module.batch_norm_train(A, gamma, beta, delta)), want, rtol=1e-10, atol=1e-12)
    # Each known mistake is told apart from torch on these inputs (delta outside the root only with a large delta).
    for mistake in (wrong.batch_norm_train_axes_swapped, wrong.batch_norm_train_unbiased, wrong.batch_norm_train_no_scale_and_shift):
        assert not np.allclose(mistake(A, gamma, beta, delta), want, rtol=1e-4), mistake.__name__
    assert np.allclose(wrong.batch_norm_train_delta_outside(A, gamma, beta, delta), want, rtol=1e-4) == (delta < 1e-3)


@pytest.mark.parametrize("shape", [(1, 5), (4, 3)])
def test_batch_norm_eval_is_nn_batchnorm1d_in_eval_mode_with_its_running_statistics(shape):
    rng, A, gamma, beta = case(1, shape)
    running_mean, running_var = rng.normal(size=shape[1]), rng.uniform(0.2, 5.0, size=shape[1])
    module = batch_norm_module(shape[1], gamma, beta, 0.2)
    module.running_mean.copy_(torch.tensor(running_mean))
    module.running_var.copy_(torch.tensor(running_var))
    want = module.eval()(torch.tensor(A)).detach().numpy()
    for reference in (ref, ref_torch):
        got = reference.batch_norm_eval(A, gamma, beta, running_mean, running_var, 0.2)
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)
    # Normalising a single example with its own statistics leaves beta alone: inference must not do that.
    if shape[0] == 1:
        np.testing.assert_allclose(wrong.batch_norm_eval_batch_statistics(A, gamma, beta, running_mean, running_var, 0.2), beta[None, :])


def batches(seed: int, K: int, M: int, count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    centre, spread = rng.normal(0.0, 3.0, size=M), rng.uniform(0.5, 4.0, size=M)
    return [centre + spread * rng.normal(size=(K, M)) for _ in range(count)]


@pytest.mark.parametrize(("K", "M", "momentum"), [(4, 3, 0.1), (3, 5, 0.7), (2, 6, 0.35)])
def test_running_update_torch_is_nn_batchnorm1d_s_buffers_over_many_batches(K, M, momentum):
    module = batch_norm_module(M, np.ones(M), np.zeros(M), 1e-5, momentum=momentum).train()
    mine = twin = (np.zeros(M), np.ones(M))  # the module's starting buffers
    for A in batches(2, K, M, 40):
        module(torch.tensor(A))
        mine = ref.running_update_torch(*mine, A, momentum)
        twin = tuple(t.numpy() for t in ref_torch.running_update_torch(*twin, A, momentum))
        for pair in (mine, twin):
            np.testing.assert_allclose(pair[0], module.running_mean.numpy(), rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(pair[1], module.running_var.numpy(), rtol=1e-10)
    assert int(module.num_batches_tracked) == 40


@pytest.mark.parametrize(("K", "M", "alpha"), [(4, 3, 0.9), (3, 5, 0.3)])
def test_the_notes_running_update_maps_to_torch_s_with_momentum_1_minus_alpha_and_the_unbiased_variance(K, M, alpha):
    """alpha on the old value is momentum = 1 - alpha on the new; torch's variance is K/(K - 1) times the notes' when started so."""
    module = batch_norm_module(M, np.ones(M), np.zeros(M), 1e-5, momentum=1 - alpha).train()
    start = (np.zeros(M), np.full(M, 2.0))
    module.running_var.copy_(torch.tensor(start[1] * K / (K - 1)))
    notes, twin, started_alike = start, start, start
    for A in batches(3, K, M, 30):
        module(torch.tensor(A))
        notes = ref.running_update(*notes, A, alpha)
        twin = tuple(t.numpy() for t in ref_torch.running_update(*twin, A, alpha))
        started_alike = ref.running_update_torch(*started_alike, A, 1 - alpha)
        np.testing.assert_allclose(notes[0], module.running_mean.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(notes[1] * K / (K - 1), module.running_var.numpy(), rtol=1e-10)
        np.testing.assert_allclose(twin[1], notes[1], rtol=1e-10)
    # Started from the same buffers, torch's running variance ends K/(K - 1) times larger in the long run.
    assert np.all(started_alike[1] > notes[1] * (1 + 0.5 / (K - 1)))
    # alpha put on the new value is another average altogether (alpha != 1/2).
    assert not np.allclose(wrong.running_update_alpha_on_new(*start, A, alpha)[0], ref.running_update(*start, A, alpha)[0])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("delta", [1e-5, 0.3])
def test_batch_norm_backward_is_autograd_through_nn_batchnorm1d(shape, delta):
    rng, A, gamma, beta = case(4, shape)
    dY = rng.normal(size=shape)
    module = batch_norm_module(shape[1], gamma, beta, delta).train()
    A_t = torch.tensor(A, requires_grad=True)
    module(A_t).backward(torch.tensor(dY))
    want = (A_t.grad.numpy(), module.weight.grad.numpy(), module.bias.grad.numpy())
    for reference in (ref, ref_torch):
        for got, expected in zip(reference.batch_norm_backward(dY, A, gamma, delta), want):
            np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-9, atol=1e-12)
    for mistake in (wrong.batch_norm_backward_statistics_constant, wrong.batch_norm_backward_variance_path_left_out,
                    wrong.batch_norm_backward_gamma_left_out):
        assert not np.allclose(mistake(dY, A, gamma, delta)[0], want[0], rtol=1e-4), mistake.__name__
    assert not np.allclose(wrong.batch_norm_backward_dgamma_without_x_hat(dY, A, gamma, delta)[1], want[1], rtol=1e-4)


def test_batch_norm_backward_sums_to_zero_over_the_batch_and_is_orthogonal_to_x_hat_without_delta():
    """The normalised output cannot move its mean (for any delta) nor, with delta = 0, its spread."""
    rng, A, gamma, _ = case(5, (6, 4))
    dY = rng.normal(size=A.shape)
    np.testing.assert_allclose(ref.batch_norm_backward(dY, A, gamma, 0.1)[0].sum(axis=0), 0, atol=1e-12)
    dA, _, _ = ref.batch_norm_backward(dY, A, gamma, 0.0)
    x_hat = (A - A.mean(0)) / A.std(0)
    np.testing.assert_allclose(dA.sum(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose((dA * x_hat).sum(axis=0), 0, atol=1e-12)


@pytest.mark.parametrize("shape", [(4, 6), (1, 4), (5, 3)])
@pytest.mark.parametrize("delta", [1e-5, 0.2])
def test_layer_norm_is_nn_layernorm_per_example(shape, delta):
    _, A, gamma, beta = case(6, shape)
    module = nn.LayerNorm(shape[1], eps=delta, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(torch.tensor(gamma))
        module.bias.copy_(torch.tensor(beta))
    want = module(torch.tensor(A)).detach().numpy()
    for reference in (ref, ref_torch):
        np.testing.assert_allclose(np.asarray(reference.layer_norm(A, gamma, beta, delta)), want, rtol=1e-10, atol=1e-12)
    # The notes' slip (mu_i, sigma_i: per unit over the batch) is batch normalisation, not layer normalisation.
    if shape[0] > 1:
        assert not np.allclose(wrong.layer_norm_per_unit(A, gamma, beta, delta), want, rtol=1e-4)


@pytest.mark.parametrize("shape", [(3, 5), (6, 2), (1, 4)])
@pytest.mark.parametrize("delta", [1e-6, 0.5])
def test_rms_norm_is_nn_rmsnorm_with_eps_under_the_root(shape, delta):
    _, A, gamma, _ = case(7, shape)
    module = nn.RMSNorm(shape[1], eps=delta, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(torch.tensor(gamma))
    want = module(torch.tensor(A)).detach().numpy()
    for reference in (ref, ref_torch):
        np.testing.assert_allclose(np.asarray(reference.rms_norm(A, gamma, delta)), want, rtol=1e-10, atol=1e-12)
    assert np.allclose(wrong.rms_norm_delta_outside(A, gamma, delta), want, rtol=1e-4) == (delta < 1e-3)
    # With gamma = 1 an example ends with L2 norm sqrt(M), not 1 (the slides' "unit L2 vector").
    norms = np.linalg.norm(ref.rms_norm(A, np.ones(shape[1]), 1e-12), axis=1)
    np.testing.assert_allclose(norms, np.sqrt(shape[1]), rtol=1e-9)


def test_nn_rmsnorm_without_eps_uses_the_dtype_s_machine_epsilon():
    A = np.array([[1e-9, -2e-9, 3e-9]])
    want = nn.RMSNorm(3, dtype=torch.float64)(torch.tensor(A)).detach().numpy()
    np.testing.assert_allclose(ref.rms_norm(A, np.ones(3), float(torch.finfo(torch.float64).eps)), want, rtol=1e-12)
    assert not np.allclose(ref.rms_norm(A, np.ones(3), 1e-6), want, rtol=1e-4)


def test_standardise_rescales_both_sets_with_the_training_statistics():
    rng = np.random.default_rng(8)
    X_train, X_test = rng.normal(5.0, 3.0, size=(7, 4)), rng.normal(0.0, 1.0, size=(3, 4))
    for reference in (ref, ref_torch):
        train_hat, test_hat = (np.asarray(part) for part in reference.standardise(X_train, X_test))
        np.testing.assert_allclose(train_hat.mean(axis=0), 0, atol=1e-12)
        np.testing.assert_allclose(train_hat.std(axis=0), 1, rtol=1e-12)
        var, mean = torch.var_mean(torch.tensor(X_train), dim=0, correction=0)
        np.testing.assert_allclose(test_hat, (X_test - mean.numpy()) / np.sqrt(var.numpy()), rtol=1e-12)
    # torch.std's default is the unbiased one: the notes' sigma is not it.
    assert not np.allclose(ref.standardise(X_train, X_test)[0], (X_train - X_train.mean(0)) / torch.tensor(X_train).std(0).numpy())


def test_the_docstrings_worked_examples(solutions):
    normalisation = solutions("normalisation")
    for module in (ref, normalisation):
        train, test = module.standardise([[0.0, 10.0], [2.0, 30.0]], [[1.0, 40.0], [3.0, 0.0]])
        np.testing.assert_allclose(train, [[-1, -1], [1, 1]])
        np.testing.assert_allclose(test, [[0, 2], [2, -2]])
        A = np.array([[1.0, 0.0, 5.0], [3.0, 4.0, 5.0]])
        np.testing.assert_allclose(module.batch_norm_train(A, [2.0, 1.0, 3.0], [0.0, 1.0, -1.0], 0.5),
                                   [[-1.632993, 0.057191, -1], [1.632993, 1.942809, -1]], atol=1e-6)
        np.testing.assert_allclose(module.batch_norm_eval([[4.0, 0.0]], [2.0, 3.0], [0.0, 1.0], [2.0, 1.0], [3.5, 0.5], 0.5), [[2, -2]])
        batch = np.array([[1.0, 0.0], [3.0, 4.0]])
        for got, want in zip(module.running_update([0.0, 1.0], [1.0, 1.0], batch, 0.75), ([0.5, 1.25], [1, 1.75])):
            np.testing.assert_allclose(got, want)
        for got, want in zip(module.running_update_torch([0.0, 1.0], [1.0, 1.0], batch, 0.25), ([0.5, 1.25], [1.25, 2.75])):
            np.testing.assert_allclose(got, want)
        dA, dgamma, dbeta = module.batch_norm_backward(np.array([[1.0, 2.0]] * 3), np.array([[1.0, 0.0], [3.0, 4.0], [2.0, 5.0]]),
                                                       np.array([2.0, -1.0]), 0.5)
        np.testing.assert_allclose(dA, 0, atol=1e-12)
        np.testing.assert_allclose(dgamma, 0, atol=1e-12)
        np.testing.assert_allclose(dbeta, [3, 6])
        np.testing.assert_allclose(module.layer_norm([[1.0, 3.0, 5.0], [2.0, 2.0, 2.0]], [1.0, 2.0, 3.0], [0.0, 0.0, 1.0], 1 / 3),
                                   [[-1.154701, 0, 4.464102], [0, 0, 1]], atol=1e-6)
        np.testing.assert_allclose(module.rms_norm([[1.0, 2.0, 2.0], [0.0, 0.0, 3.0]], [1.0, 2.0, 3.0], 1.0), [[0.5, 2, 3], [0, 0, 4.5]])


def test_solution_agrees_with_the_references(solutions):
    normalisation = solutions("normalisation")
    rng, A, gamma, beta = case(9, (5, 3))
    dY, mean, var = rng.normal(size=A.shape), rng.normal(size=3), rng.uniform(0.5, 2.0, size=3)
    calls = [
        ("standardise", (A, A[:2] + 1.0)),
        ("batch_norm_train", (A, gamma, beta, 0.2)),
        ("batch_norm_eval", (A, gamma, beta, mean, var, 0.2)),
        ("running_update", (mean, var, A, 0.8)),
        ("running_update_torch", (mean, var, A, 0.2)),
        ("batch_norm_backward", (dY, A, gamma, 0.2)),
        ("layer_norm", (A, gamma, beta, 0.2)),
        ("rms_norm", (A, gamma, 0.2)),
    ]
    for name, args in calls:
        got, want = getattr(normalisation, name)(*args), getattr(ref, name)(*args)
        for part, expected in zip(got if isinstance(want, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            np.testing.assert_allclose(part, expected, rtol=1e-12, atol=1e-14, err_msg=name)


