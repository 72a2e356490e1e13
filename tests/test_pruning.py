"""The pruning references against torch.nn.utils.prune and torch's autograd, the conventions the
exercises state, and the inputs the checks draw.

- ``magnitude_mask`` is ``prune.l1_unstructured``'s mask, ``global_magnitude_masks``
  ``prune.global_unstructured``'s (L1), and ``structured_mask``
  ``prune.ln_structured(dim=0)``'s for p = 1 and 2, on linear and convolution
  weights, on inputs without ties (torch states no rule for ties; the
  references prune the smaller flat index first, which a tie at the
  threshold shows); the number pruned is torch's ``round(sparsity * n)``;
- the diagonal of OBD's Hessian is ``torch.autograd.functional.hessian``'s
  diagonal, and the saliency is the second-order change of the error when a
  weight is deleted; SNIP's gradient is autograd's, and its normalised form
  ranks the weights the same way;
- the lottery ticket keeps pruned weights at zero, nests its masks, rewinds
  to the initial weights, and agrees with its torch twin;
- the check inputs keep every decision exact or a stated margin away from
  its boundary, over many draws, and tell each mistake apart;
- the docstrings' worked examples hold, and the solution agrees with the references.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn.utils import prune

import reference.pruning as ref
import reference.pruning_mistakes as wrong
import reference.pruning_torch as ref_torch
from grader.catalog.pruning import (
    MAGNITUDE_MARGIN,
    SMALL_NETWORK,
    WORKED_LAYERS,
    WORKED_W,
    _rounds_clear,
    global_case,
    lottery_case,
    magnitude_case,
    network_case,
    sparsity_for,
    structured_case,
)


def distinct_weights(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Weights whose magnitudes are all different: no tie for torch's unstated rule to break."""
    n = int(np.prod(shape))
    mags = rng.choice(np.arange(1, 4 * n + 1), size=n, replace=False) / 8.0
    return (mags * rng.choice([-1.0, 1.0], size=n)).reshape(shape)


def torch_mask(module: nn.Module) -> np.ndarray:
    return module.weight_mask.detach().numpy().astype(bool)


@pytest.mark.parametrize("shape", [(3, 5), (4, 4), (2, 7)])
@pytest.mark.parametrize("sparsity", [0.2, 0.45, 0.7])
def test_magnitude_mask_is_l1_unstructured_without_ties(shape, sparsity):
    rng = np.random.default_rng(hash((shape, sparsity)) % 2**32)
    W = distinct_weights(rng, shape)
    layer = nn.Linear(shape[1], shape[0])
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(W))
    prune.l1_unstructured(layer, "weight", amount=sparsity)
    expected = torch_mask(layer)
    assert (~expected).sum() == round(sparsity * W.size)
    for module in (ref, ref_torch):
        np.testing.assert_array_equal(np.asarray(module.magnitude_mask(W, sparsity)), expected)


def test_a_tie_at_the_threshold_prunes_the_smaller_flat_index_exactly_k_weights():
    # Two equal magnitudes straddle the threshold: one goes, one stays, by index; the threshold rule prunes both.
    W = np.array([[0.5, -0.25, 1.0], [0.25, 2.0, 0.125]])
    mask = ref.magnitude_mask(W, 1 / 3)
    np.testing.assert_array_equal(mask, [[True, False, True], [True, True, False]])
    np.testing.assert_array_equal(ref_torch.magnitude_mask(W, 1 / 3).numpy(), mask)
    assert (~wrong.magnitude_mask_threshold_ties(W, 1 / 3)).sum() == 3


def test_global_magnitude_masks_are_global_unstructured_without_ties():
    rng = np.random.default_rng(1)
    layers = [nn.Linear(4, 3), nn.Linear(3, 2), nn.Linear(2, 4)]
    values = distinct_weights(rng, (26,))
    weights, start = [], 0
    for layer, scale in zip(layers, (4.0, 1.0, 0.25)):
        size = layer.weight.numel()
        W = values[start:start + size].reshape(layer.weight.shape) * scale
        start += size
        with torch.no_grad():
            layer.weight.copy_(torch.tensor(W))
        weights.append(W)
    for sparsity in (0.3, 0.6):
        copies = [nn.Linear(l.in_features, l.out_features) for l in layers]
        for copy, W in zip(copies, weights):
            with torch.no_grad():
                copy.weight.copy_(torch.tensor(W))
        prune.global_unstructured([(c, "weight") for c in copies], pruning_method=prune.L1Unstructured, amount=sparsity)
        for module in (ref, ref_torch):
            masks, collapsed = module.global_magnitude_masks(weights, sparsity)
            for mask, copy in zip(masks, copies):
                np.testing.assert_array_equal(np.asarray(mask), torch_mask(copy))
            assert collapsed == [not torch_mask(c).any() for c in copies]
    # Pruned hard enough, the layer of small weights collapses, and pruning per layer never collapses one.
    masks, collapsed = ref.global_magnitude_masks(weights, 0.6)
    assert collapsed == [False, False, True]
    assert wrong.global_magnitude_masks_per_layer(weights, 0.6)[1] == [False, False, False]


@pytest.mark.parametrize("shape", [(6, 4), (5, 2, 3, 3)])
@pytest.mark.parametrize("p", [1, 2])
def test_structured_mask_is_ln_structured_along_the_output_axis(shape, p):
    rng = np.random.default_rng(p * 10 + len(shape))
    W = rng.normal(size=shape)
    module = nn.Linear(shape[1], shape[0]) if len(shape) == 2 else nn.Conv2d(shape[1], shape[0], shape[2])
    for sparsity in (0.2, 0.5):
        copy = type(module)(*([shape[1], shape[0]] if len(shape) == 2 else [shape[1], shape[0], shape[2]]))
        with torch.no_grad():
            copy.weight.copy_(torch.tensor(W))
        prune.ln_structured(copy, "weight", amount=sparsity, n=p, dim=0)
        expected = torch_mask(copy)
        for reference in (ref, ref_torch):
            np.testing.assert_array_equal(np.asarray(reference.structured_mask(W, sparsity, p)), expected)
        # dim=1 is what pruning along the wrong axis computes.
        other = type(module)(*([shape[1], shape[0]] if len(shape) == 2 else [shape[1], shape[0], shape[2]]))
        with torch.no_grad():
            other.weight.copy_(torch.tensor(W))
        prune.ln_structured(other, "weight", amount=sparsity, n=p, dim=1)
        np.testing.assert_array_equal(wrong.structured_mask_wrong_axis(W, sparsity, p), torch_mask(other))


def _flat_cost(W1, b1, W2, b2, X, Y):
    shapes = (W1.shape, W2.shape)

    def cost(flat):
        A = flat[:W1.numel()].reshape(shapes[0])
        B = flat[W1.numel():].reshape(shapes[1])
        Z = torch.sigmoid(X @ A.T + b1) @ B.T + b2
        return ((Z - Y) ** 2).sum() / (2 * X.shape[0])

    return cost


@pytest.mark.parametrize("seed", range(4))
def test_obd_hessian_diagonal_is_autograd_s_second_derivative(seed):
    args = network_case(np.random.default_rng(seed), 3, 4, 2, 5)
    W1, b1, W2, b2, X, Y = (torch.tensor(a) for a in args)
    flat = torch.cat([W1.reshape(-1), W2.reshape(-1)])
    H = torch.autograd.functional.hessian(_flat_cost(W1, b1, W2, b2, X, Y), flat).diagonal().numpy()
    H1, H2 = ref.hessian_diagonal(*args)
    np.testing.assert_allclose(np.concatenate([H1.ravel(), H2.ravel()]), H, rtol=1e-12, atol=1e-15)
    S1, S2 = ref.obd_saliencies(*args)
    np.testing.assert_allclose(np.concatenate([S1.ravel(), S2.ravel()]), H * flat.numpy() ** 2 / 2, rtol=1e-12, atol=1e-15)
    for got, want in zip(ref_torch.obd_saliencies(*args), (S1, S2)):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-15)
    # The Gauss-Newton variant is the exact diagonal less the residual's part: the sigma'' term matters here.
    assert not np.allclose(wrong.obd_saliencies_gauss_newton(*args)[0], S1, rtol=1e-3)


def test_obd_saliency_is_the_second_order_change_of_the_error_when_a_weight_is_deleted():
    # Along one weight, E(u + delta) = E + g delta + 1/2 h delta^2 + O(delta^3): the saliency of a small weight
    # (delta = -u) is the change of E beyond its first-order part.
    W1, b1, W2, b2, X, Y = network_case(np.random.default_rng(7), 3, 4, 2, 5)
    W2 = W2.copy()
    W2[0, 1] = 1e-3
    E = lambda V: float(((ref.forward(W1, b1, V, b2, X)[2] - Y) ** 2).sum() / (2 * X.shape[0]))
    deleted = W2.copy()
    deleted[0, 1] = 0.0
    g = ref.gradients(W1, b1, W2, b2, X, Y)[1][0, 1]
    S = ref.obd_saliencies(W1, b1, W2, b2, X, Y)[1][0, 1]
    assert abs(E(deleted) - E(W2) - (-g * 1e-3) - S) < 1e-12


@pytest.mark.parametrize("seed", range(3))
def test_snip_is_autograd_s_gradient_times_the_weight_and_normalising_keeps_the_ranking(seed):
    args = network_case(np.random.default_rng(seed), 3, 4, 2, 5)
    W1, b1, W2, b2, X, Y = (torch.tensor(a) for a in args)
    W1.requires_grad_(True)
    W2.requires_grad_(True)
    E = ((torch.sigmoid(X @ W1.T + b1) @ W2.T + b2 - Y) ** 2).sum() / (2 * X.shape[0])
    E.backward()
    S1, S2 = ref.snip_saliencies(*args)
    np.testing.assert_allclose(S1, (W1.grad * W1).abs().detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(S2, (W2.grad * W2).abs().detach().numpy(), rtol=1e-12)
    N1, N2 = wrong.snip_saliencies_normalised(*args)
    raw = np.concatenate([S1.ravel(), S2.ravel()])
    np.testing.assert_array_equal(np.argsort(np.concatenate([N1.ravel(), N2.ravel()])), np.argsort(raw))
    assert np.isclose(N1.sum() + N2.sum(), 1.0)


@pytest.mark.parametrize("seed", range(5))
def test_lottery_ticket_keeps_pruned_weights_at_zero_nests_masks_and_rewinds(seed):
    W_init, X, Y, eta, steps, rounds, rate = lottery_case(np.random.default_rng(seed), 3, 4, 3)
    M, ticket, trained = ref.lottery_ticket(W_init, X, Y, eta, steps, rounds, rate)
    np.testing.assert_array_equal(ticket, W_init * M)
    previous = np.ones_like(M)
    alive = M.size
    for r in range(1, rounds + 1):
        mask, _, last = ref.lottery_ticket(W_init, X, Y, eta, steps, r, rate)
        assert not (mask & ~previous).any()  # pruned stays pruned
        assert (last[~previous] == 0).all()  # the mask after every update keeps pruned weights at 0
        alive -= round(rate * alive)
        assert mask.sum() == alive
        previous = mask
    got = ref_torch.lottery_ticket(W_init, X, Y, eta, steps, rounds, rate)
    for a, b in zip(got, (M, ticket, trained)):
        np.testing.assert_allclose(a.numpy(), b, rtol=1e-12, atol=1e-15)
    # The mistakes answer differently on these inputs.
    for variant in (wrong.lottery_ticket_rewind_trained, wrong.lottery_ticket_mask_at_end,
                    wrong.lottery_ticket_largest, wrong.lottery_ticket_rate_of_all):
        answer = variant(W_init, X, Y, eta, steps, rounds, rate)
        assert not all(np.allclose(a, b) for a, b in zip(answer, (M, ticket, trained))), variant.__name__


# -- the inputs the checks draw -------------------------------------------------------------------


def test_sparsities_round_to_the_count_asked_and_lie_far_from_a_half():
    rng = np.random.default_rng(2)
    for _ in range(2000):
        n = int(rng.integers(3, 40))
        k = int(rng.integers(1, n))
        below = bool(rng.random() < 0.5)
        s = sparsity_for(rng, k, n, below)
        product = Fraction(np.float32(s).item()) * n
        assert round(product) == k == round(s * n)
        assert abs(abs(product - k) - Fraction(1, 2)) >= Fraction(1, 5)
        assert (int(s * n) == k - 1) == below


def test_magnitude_inputs_have_a_tie_straddling_the_threshold_and_every_mistake_differs():
    rng = np.random.default_rng(3)
    mistakes = (wrong.magnitude_mask_largest, wrong.magnitude_mask_threshold_ties, wrong.magnitude_mask_signed)
    for _ in range(300):
        W, s = magnitude_case(rng, (3, 5), bool(rng.random() < 0.5))
        mask = ref.magnitude_mask(W, s)
        k = round(s * W.size)
        mags = np.abs(W).ravel()
        threshold = np.sort(mags)[k - 1]
        at = np.flatnonzero(mags == threshold)
        assert len(at) == 2 and not mask.ravel()[at[0]] and mask.ravel()[at[1]]
        np.testing.assert_array_equal(ref.magnitude_mask(W.astype(np.float32), np.float32(s)), mask)
        for variant in mistakes:
            assert not np.array_equal(variant(W, s), mask), variant.__name__


def test_global_inputs_collapse_the_small_layer_when_asked_and_per_layer_pruning_differs():
    rng = np.random.default_rng(4)
    for collapse in (True, False) * 150:
        W, s = global_case(rng, collapse)
        masks, collapsed = ref.global_magnitude_masks(W, s)
        assert collapsed == [False, False, collapse]
        assert not all(np.array_equal(a, b) for a, b in zip(wrong.global_magnitude_masks_per_layer(W, s)[0], masks))
        assert wrong.global_magnitude_masks_collapse_any(W, s)[1] != collapsed
        assert not all(np.array_equal(a, b) for a, b in zip(wrong.global_magnitude_masks_largest(W, s)[0], masks))


def test_structured_inputs_have_an_exact_tie_at_the_threshold_and_tell_l1_from_l2():
    rng = np.random.default_rng(5)
    for shape in ((6, 4), (5, 2, 2, 2)) * 50:
        for p in (1, 2):
            W, s, _ = structured_case(rng, shape, p)
            norms = ref.unit_norms(W, p)
            k = round(s * shape[0])
            ordered = np.sort(norms)
            assert ordered[k - 1] == ordered[k]  # exact: multiples of 1/64
            mask = ref.structured_mask(W, s, p)
            np.testing.assert_array_equal(ref.structured_mask(W.astype(np.float32), np.float32(s), p), mask)
            assert not np.array_equal(ref.structured_mask(W, s, 3 - p), mask)


def test_lottery_inputs_keep_every_round_s_decision_a_margin_away_and_float32_agrees():
    rng = np.random.default_rng(6)
    for _ in range(100):
        case = lottery_case(rng, 3, 4, 3)
        assert _rounds_clear(*case)
        M, _, _ = ref.lottery_ticket(*case)
        W_init, X, Y, eta, steps, rounds, rate = case
        M32 = ref.lottery_ticket(W_init.astype(np.float32), X.astype(np.float32), Y.astype(np.float32),
                                 np.float32(eta), steps, rounds, np.float32(rate))[0]
        np.testing.assert_array_equal(M32, M)
    assert MAGNITUDE_MARGIN >= 1e-3


# -- the docstrings' examples and the solution ----------------------------------------------------


def test_the_docstrings_worked_examples(solutions):
    pruning = solutions("pruning")
    for module in (ref, pruning):
        np.testing.assert_array_equal(module.magnitude_mask(WORKED_W, 1 / 3), [[1, 0, 1], [1, 1, 0]])
        np.testing.assert_array_equal(module.magnitude_mask(WORKED_W, 0.5), [[1, 0, 1], [0, 1, 0]])
        masks, collapsed = module.global_magnitude_masks(WORKED_LAYERS, 0.4)
        np.testing.assert_array_equal(masks[0], [[1, 1], [0, 1]])
        np.testing.assert_array_equal(masks[1], [[0, 1, 0]])
        assert list(collapsed) == [False, False]
        masks, collapsed = module.global_magnitude_masks(WORKED_LAYERS, 0.6)
        np.testing.assert_array_equal(masks[1], [[0, 0, 0]])
        assert list(collapsed) == [False, True]
        W = np.array([[3.0, 0.0, 0.0], [1.0, 1.0, 1.5], [0.5, 0.5, 0.5]])
        np.testing.assert_array_equal(module.structured_mask(W, 1 / 3, 1)[:, 0], [1, 1, 0])
        np.testing.assert_array_equal(module.structured_mask(W, 2 / 3, 1)[:, 0], [0, 1, 0])
        np.testing.assert_array_equal(module.structured_mask(W, 2 / 3, 2)[:, 0], [1, 0, 0])
        S1, S2 = module.obd_saliencies(*SMALL_NETWORK)
        np.testing.assert_allclose(S1, [[0.003115, 0.013421], [0.001551, 0.000879]], atol=5e-7)
        np.testing.assert_allclose(S2, [[0.185599, 0.063443]], atol=5e-7)
        S1, S2 = module.snip_saliencies(*SMALL_NETWORK)
        np.testing.assert_allclose(S1, [[0.004714, 0.029898], [0.003413, 0.007761]], atol=5e-7)
        np.testing.assert_allclose(S2, [[0.029413, 0.011396]], atol=5e-7)
        W_init = np.array([[1.0, -0.5], [0.25, 0.75]])
        X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, -1.0]])
        Y = np.array([[2.0, 0.0], [0.0, 1.0], [2.0, 1.0], [2.0, -1.0]])
        M, ticket, trained = module.lottery_ticket(W_init, X, Y, 0.5, 2, 1, 0.5)
        np.testing.assert_array_equal(M, [[1, 0], [0, 1]])
        np.testing.assert_array_equal(ticket, [[1, 0], [0, 0.75]])
        np.testing.assert_allclose(trained, [[1.609, -0.195], [0.098, 0.902]], atol=5e-4)
        M, ticket, trained = module.lottery_ticket(W_init, X, Y, 0.5, 2, 2, 0.5)
        np.testing.assert_array_equal(M, [[1, 0], [0, 0]])
        np.testing.assert_array_equal(ticket, [[1, 0], [0, 0]])
        np.testing.assert_allclose(trained, [[1.609, 0], [0, 0.902]], atol=5e-4)


def test_solution_agrees_with_the_references(solutions):
    pruning = solutions("pruning")
    rng = np.random.default_rng(8)
    W, s = magnitude_case(rng, (4, 5), True)
    np.testing.assert_array_equal(pruning.magnitude_mask(W, s), ref.magnitude_mask(W, s))
    layers, s = global_case(rng, True)
    for a, b in zip(pruning.global_magnitude_masks(layers, s)[0], ref.global_magnitude_masks(layers, s)[0]):
        np.testing.assert_array_equal(a, b)
    W, s, p = structured_case(rng, (5, 2, 2, 2), 1)
    np.testing.assert_array_equal(pruning.structured_mask(W, s, p), ref.structured_mask(W, s, p))
    args = network_case(rng, 3, 4, 2, 5)
    for function in ("obd_saliencies", "snip_saliencies"):
        for a, b in zip(getattr(pruning, function)(*args), getattr(ref, function)(*args)):
            np.testing.assert_allclose(a, b, rtol=1e-12)
    case = lottery_case(rng, 3, 4, 3)
    for a, b in zip(pruning.lottery_ticket(*case), ref.lottery_ticket(*case)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
