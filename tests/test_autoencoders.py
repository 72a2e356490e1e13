"""The autoencoder references against torch's own layers, losses and autograd, and the conventions the exercises state.

- ``autoencode``'s code and reconstruction are ``nn.Linear`` layers loaded with
  the same weights (sigmoid code, linear decoder), and its loss is
  ``F.mse_loss(R, X, reduction="sum") / N``: d times torch's default mean;
- ``sparse_loss``'s gradient is autograd's with the code as a leaf, and at
  the codes the ReLU makes exactly 0 it is the subgradient 0 that torch's
  ``abs`` backward gives; the checks' inputs give exact zeros and keep every
  other code at least 1/64 from 0, in float32 as in float64;
- ``denoising_loss`` scores the reconstruction of the corrupted copy against
  the clean input, and each known mistake differs from it on the checks' inputs;
- ``contractive_penalty``'s Jacobian (vectorised and the loop version) is
  ``torch.autograd.functional.jacobian`` of the encoder at each example, and
  the penalty is lambda times its squared Frobenius norm, averaged;
- the digits autoencoder: the NumPy module equals an ``nn.Linear`` network
  forward, backward and over epochs of fit; the reconstruction check's
  decision passes the torch reference on runs drawn as the check draws them
  and fails untrained weights, the mean image and the training mistakes
  (1000 runs: ``bench/bench_autoencoder.py``);
- the docstrings' worked examples hold, and the solution agrees with the references.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import reference.autoencoders as ref
import reference.autoencoders_mistakes as wrong
import reference.autoencoders_torch as ref_torch
from grader.catalog.autoencoders import (
    DIGITS_EPOCHS,
    DIGITS_HELD_OUT,
    DIGITS_ETA,
    DIGITS_TRAIN,
    RECONSTRUCTION_RATIO,
    ZERO_MARGIN,
    autoencode_case,
    contractive_case,
    denoising_case,
    digits,
    initial_state,
    judge_digits_run,
    sparse_case,
)
from grader.object_scripts import call, load, new, run_numpy_script, run_torch_script

from conftest import one_thread


def linear(W, b) -> nn.Linear:
    layer = nn.Linear(W.shape[1], W.shape[0]).double()
    with torch.no_grad():
        layer.weight.copy_(torch.as_tensor(W))
        layer.bias.copy_(torch.as_tensor(b))
    return layer


@pytest.mark.parametrize("seed", range(4))
def test_autoencode_is_nn_linear_layers_and_the_loss_is_mse_summed_over_features(seed):
    X, W_enc, b_enc, W_dec, b_dec = autoencode_case(np.random.default_rng(seed))
    H, R, L = ref.autoencode(X, W_enc, b_enc, W_dec, b_dec)
    Xt = torch.as_tensor(X)
    with torch.no_grad():
        code = torch.sigmoid(linear(W_enc, b_enc)(Xt))
        out = linear(W_dec, b_dec)(code)
    np.testing.assert_allclose(H, code.numpy(), rtol=1e-12)
    np.testing.assert_allclose(R, out.numpy(), rtol=1e-12)
    assert L == pytest.approx(float(F.mse_loss(out, Xt, reduction="sum")) / len(X), rel=1e-12)
    # torch's default mean divides by every entry: d times smaller, which the checks tell apart (N != d).
    assert float(F.mse_loss(out, Xt)) == pytest.approx(L / X.shape[1], rel=1e-12)
    assert X.shape[0] != X.shape[1] and X.shape[1] > W_enc.shape[0]
    for mistake in (wrong.autoencode_mean_over_entries, wrong.autoencode_summed_over_batch,
                    wrong.autoencode_no_sigmoid, wrong.autoencode_sigmoid_decoder):
        assert not np.isclose(mistake(X, W_enc, b_enc, W_dec, b_dec)[2], L, rtol=1e-3)


def test_the_sparse_checks_codes_are_exactly_zero_or_a_margin_away_in_float32_and_float64():
    rng = np.random.default_rng(5)
    for _ in range(300):
        X, W_enc, b_enc, *_ = sparse_case(rng)
        A64 = X @ W_enc.T + b_enc
        A32 = X.astype(np.float32) @ W_enc.T.astype(np.float32) + b_enc.astype(np.float32)
        np.testing.assert_array_equal(A32.astype(np.float64), A64)  # dyadic: every sum is exact
        assert np.abs(A64).min() >= ZERO_MARGIN
        assert (A64 < 0).any() and (A64 > 0).any()


@pytest.mark.parametrize("seed", range(4))
def test_sparse_loss_gradient_is_autograds_with_subgradient_zero_at_exact_zeros(seed):
    X, W_enc, b_enc, W_dec, b_dec, lam = sparse_case(np.random.default_rng(seed))
    L, G = ref.sparse_loss(X, W_enc, b_enc, W_dec, b_dec, lam)
    H = torch.relu(linear(W_enc, b_enc)(torch.as_tensor(X))).detach().requires_grad_(True)
    loss = (F.mse_loss(linear(W_dec, b_dec)(H), torch.as_tensor(X), reduction="sum") + lam * H.abs().sum()) / len(X)
    loss.backward()
    assert L == pytest.approx(float(loss.detach()), rel=1e-12)
    np.testing.assert_allclose(G, H.grad.numpy(), rtol=1e-12, atol=1e-15)
    zeros = H.detach().numpy() == 0
    assert zeros.any()
    # Where the code is exactly 0, taking d|h|/dh = 1 moves the gradient by lam / N, and only there.
    _, G_one = wrong.sparse_loss_subgradient_one_at_zero(X, W_enc, b_enc, W_dec, b_dec, lam)
    np.testing.assert_allclose((G_one - G)[zeros], lam / len(X), rtol=1e-12)
    np.testing.assert_allclose((G_one - G)[~zeros], 0.0, atol=1e-15)
    # The penalty on the reconstruction is torch's autograd of that loss too, and differs.
    L_out, G_out = wrong.sparse_loss_penalty_on_output(X, W_enc, b_enc, W_dec, b_dec, lam)
    H2 = H.detach().clone().requires_grad_(True)
    R2 = linear(W_dec, b_dec)(H2)
    ((F.mse_loss(R2, torch.as_tensor(X), reduction="sum") + lam * R2.abs().sum()) / len(X)).backward()
    np.testing.assert_allclose(G_out, H2.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert not np.isclose(L_out, L)


@pytest.mark.parametrize("seed", range(3))
def test_denoising_loss_scores_the_corrupted_copys_reconstruction_against_the_clean_input(seed):
    X, mask, noise, W_enc, b_enc, W_dec, b_dec = denoising_case(np.random.default_rng(seed))
    noisy, R, L = ref.denoising_loss(X, mask, noise, W_enc, b_enc, W_dec, b_dec)
    np.testing.assert_array_equal(noisy, mask * X + noise)
    assert ((mask == 0).any(axis=1) & (mask == 1).any(axis=1)).all()
    with torch.no_grad():
        out = linear(W_dec, b_dec)(torch.sigmoid(linear(W_enc, b_enc)(torch.as_tensor(noisy))))
    assert L == pytest.approx(float(F.mse_loss(out, torch.as_tensor(X), reduction="sum")) / len(X), rel=1e-12)
    answers = [mistake(X, mask, noise, W_enc, b_enc, W_dec, b_dec) for mistake in (
        wrong.denoising_loss_against_corrupted, wrong.denoising_loss_clean_input_encoded,
        wrong.denoising_loss_mask_inverted, wrong.denoising_loss_noise_masked)]
    for answer in answers:
        assert not np.isclose(answer[2], L, rtol=1e-4)
    # Against the corrupted input, the loss is the plain autoencoder's loss on x~.
    assert answers[0][2] == pytest.approx(ref.autoencode(noisy, W_enc, b_enc, W_dec, b_dec)[2], rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_contractive_penalty_is_the_squared_frobenius_norm_of_autograds_jacobian(seed):
    X, W_enc, b_enc, lam = contractive_case(np.random.default_rng(seed))
    P, J = ref.contractive_penalty(X, W_enc, b_enc, lam)
    W, b = torch.as_tensor(W_enc), torch.as_tensor(b_enc)
    gold = np.stack([torch.autograd.functional.jacobian(lambda x: torch.sigmoid(W @ x + b), torch.as_tensor(x)).numpy()
                     for x in X])
    np.testing.assert_allclose(J, gold, rtol=1e-12, atol=1e-15)
    assert P == pytest.approx(lam * (gold**2).sum() / len(X), rel=1e-12)
    P_loop, J_loop = ref.contractive_penalty_loop(X, W_enc, b_enc, lam)
    np.testing.assert_allclose(J_loop, J, rtol=1e-12)
    assert P_loop == pytest.approx(P, rel=1e-12)
    # The penalty sums the squared gradients of the code units: lam sum_i ||grad_x h_i||^2 per example.
    rows = sum(np.linalg.norm(gold[:, i, :], axis=1) ** 2 for i in range(gold.shape[1]))
    assert P == pytest.approx(lam * rows.mean(), rel=1e-12)
    assert not np.isclose(wrong.contractive_penalty_not_squared(X, W_enc, b_enc, lam)[0], P, rtol=1e-3)
    assert wrong.contractive_penalty_jacobian_transposed(X, W_enc, b_enc, lam)[1].shape != J.shape


def test_the_docstrings_worked_examples(solutions):
    module = solutions("autoencoders")
    for source in (ref, module):
        H, R, L = source.autoencode([[1.0, 0.0, 1.0]], [[1.0, -1.0, 1.0]], [-2.0], [[2.0], [0.0], [2.0]], [0.0, 0.5, 0.0])
        np.testing.assert_allclose(H, [[0.5]])
        np.testing.assert_allclose(R, [[1.0, 0.5, 1.0]])
        assert L == pytest.approx(0.25)
        L, G = source.sparse_loss([[1.0, 1.0]], [[1.0, 0.0], [0.0, -1.0]], [0.0, 0.0], [[1.0, 0.0], [0.0, 0.0]], [0.0, 0.0], 0.5)
        assert L == pytest.approx(1.5)
        np.testing.assert_allclose(G, [[0.5, 0.0]])
        noisy, _, _ = source.denoising_loss([[2.0, 4.0]], [[1.0, 0.0]], [[0.5, 0.5]], [[1.0, 1.0]], [0.0], [[1.0], [1.0]], [0.0, 0.0])
        np.testing.assert_allclose(noisy, [[2.5, 0.5]])
        P, J = source.contractive_penalty([[1.0, 2.0]], [[0.5, -0.25]], [0.0], 2.0)
        np.testing.assert_allclose(J, [[[0.125, -0.0625]]])
        assert P == pytest.approx(0.0390625)


def test_solution_agrees_with_the_references(solutions):
    module = solutions("autoencoders")
    rng = np.random.default_rng(9)
    for _ in range(3):
        case = autoencode_case(rng)
        for mine, theirs in zip(module.autoencode(*case), ref.autoencode(*case)):
            np.testing.assert_allclose(mine, theirs, rtol=1e-12)
        case = sparse_case(rng)
        for mine, theirs in zip(module.sparse_loss(*case), ref_torch.sparse_loss(*case)):
            np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), rtol=1e-12, atol=1e-15)
        case = denoising_case(rng)
        for mine, theirs in zip(module.denoising_loss(*case), ref_torch.denoising_loss(*case)):
            np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), rtol=1e-12)
        case = contractive_case(rng)
        for mine, theirs in zip(module.contractive_penalty(*case), ref_torch.contractive_penalty(*case)):
            np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), rtol=1e-12, atol=1e-15)


def test_digits_autoencoder_numpy_equals_torch_and_the_solution_forward_backward_and_fit(solutions):
    rng = np.random.default_rng(3)
    X = digits()[rng.choice(1797, size=25, replace=False)]
    values = initial_state(rng)
    G = rng.normal(size=(25, 64)).astype(np.float32)
    steps = [new(), load(values), call(X, grad=(0,)), {"op": "backward", "step": 2, "upstream": G},
             call(X, 3, 0.15, method="fit"), {"op": "state", "object": 0}]
    want = run_numpy_script(ref.DigitsAutoencoder, steps)
    for module_class in (ref_torch.DigitsAutoencoder, solutions("autoencoders").DigitsAutoencoder):
        got = run_torch_script(module_class, steps)
        np.testing.assert_allclose(got[2]["value"], want[2]["value"], rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(got[3]["inputs"][0], want[3]["inputs"][0], rtol=1e-4, atol=1e-5)
        for name, gradient in want[3]["parameters"].items():
            np.testing.assert_allclose(got[3]["parameters"][name], gradient, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(got[4]["value"], want[4]["value"], rtol=1e-5)
        for name, value in want[5].items():
            np.testing.assert_allclose(got[5][name], value, rtol=1e-4, atol=1e-5)
    # The loss fit minimises is the notes' sum over the 64 pixels, averaged over the digits.
    model = ref.DigitsAutoencoder()
    model.load_state_dict(values)
    assert want[4]["value"][0] == pytest.approx(((model.forward(X) - X) ** 2).sum() / len(X), rel=1e-9)


def run_digits(module_class, seed: int, values=None) -> tuple[list[str], float | None]:
    """One run of the reconstruction check's training, drawn as the check draws it, judged by its decision."""
    rng = np.random.default_rng([20261206, seed])
    X = digits()
    order = rng.permutation(len(X))
    train, held_out = X[order[:DIGITS_TRAIN]], X[order[DIGITS_TRAIN:DIGITS_TRAIN + DIGITS_HELD_OUT]]
    state = initial_state(rng) if values is None else values
    epochs = DIGITS_EPOCHS if module_class is not None else 0
    steps = [new(), load(state), call(train, epochs, DIGITS_ETA, method="fit"), call(held_out)]
    with one_thread():
        results = run_torch_script(module_class or ref_torch.DigitsAutoencoder, steps)
    return judge_digits_run(held_out.astype(float), train.astype(float).mean(axis=0), results[3]["value"])


@pytest.mark.parametrize("seed", range(3))
def test_the_reconstruction_decision_passes_a_correct_fit_and_fails_what_learns_nothing(seed):
    problems, ratio = run_digits(ref_torch.DigitsAutoencoder, seed)
    assert not problems and ratio < 0.66  # 0.567 on average, at most 0.640 over 1000 runs (bench)
    # Untrained weights, and the mean image itself, are no better than the mean image.
    problems, ratio = run_digits(None, seed)
    assert problems and ratio > 1.0
    X = digits()
    held_out = X[:DIGITS_HELD_OUT].astype(float)
    mean_image = X[DIGITS_HELD_OUT:].mean(axis=0)
    problems, ratio = judge_digits_run(held_out, mean_image, np.broadcast_to(mean_image, held_out.shape))
    assert problems and ratio >= 1.0
    problems, ratio = judge_digits_run(held_out, mean_image, np.full((DIGITS_HELD_OUT, 63), 0.5))
    assert problems and ratio is None
    # Steps 64 times too short learn little more than the mean image; never-zeroed gradients diverge.
    for mistake in (wrong.DigitsAutoencoderMeanOverEntries, wrong.DigitsAutoencoderGradientsNeverZeroed):
        problems, ratio = run_digits(mistake, seed)
        assert problems, (mistake.__name__, ratio)
    assert RECONSTRUCTION_RATIO == 0.75
