"""The representation references against torch's and scikit-learn's own computations, and the claims the checks make.

- InfoNCE is ``F.cross_entropy`` over cosine-similarity logits (``F.normalize``)
  with the anchor's own entry masked, the target being its positive; the
  average of the loss both ways round is SimCLR's NT-Xent over all 2n views;
  it stays finite at tau = 0.001, where the textbook formula overflows;
- the momentum update over several steps is the exponential moving average
  of ``torch.optim.swa_utils.AveragedModel`` with ``get_ema_multi_avg_fn(m)``;
- each pre-training layer is scikit-learn's PCA whitening rotated back
  (ZCA) at the population covariance, fitted on the previous layer's output;
- the docstrings' worked examples hold, the inputs the checks draw keep their
  stated margins, a float32 solution stays within float32's tolerance on
  them, and every known mistake differs from the reference on them, over
  many seeds.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import reference.representation as ref
import reference.representation_mistakes as wrong
import reference.representation_torch as ref_torch
from grader.catalog.representation import (
    FLOAT32,
    correlated_data,
    draw,
    embeddings,
    hard_negative_batch,
    network_parameters,
    query_walk,
)

SEEDS = range(1000)


def gold_info_nce(Z, Z_pos, tau) -> float:
    """torch's cross-entropy over the cosine logits of each anchor against the 2n embeddings, its own masked."""
    Z, Z_pos = torch.as_tensor(Z, dtype=torch.float64), torch.as_tensor(Z_pos, dtype=torch.float64)
    n = Z.shape[0]
    batch = F.normalize(torch.cat([Z, Z_pos]), dim=1)
    logits = batch[:n] @ batch.T / tau
    logits[torch.arange(n), torch.arange(n)] = float("-inf")
    return float(F.cross_entropy(logits, torch.arange(n, 2 * n)))


def gold_nt_xent(Z, Z_pos, tau) -> float:
    """SimCLR's NT-Xent: every one of the 2n views an anchor, its partner the positive, itself masked."""
    views = F.normalize(torch.cat([torch.as_tensor(Z, dtype=torch.float64), torch.as_tensor(Z_pos, dtype=torch.float64)]), dim=1)
    n = views.shape[0] // 2
    logits = views @ views.T / tau
    logits.fill_diagonal_(float("-inf"))
    partner = torch.cat([torch.arange(n, 2 * n), torch.arange(n)])
    return float(F.cross_entropy(logits, partner))


# -- info_nce ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("tau", [0.001, 0.07, 0.5, 2.0])
def test_info_nce_is_torch_cross_entropy_over_cosine_logits(seed, tau):
    rng = np.random.default_rng(seed)
    Z, Z_pos = embeddings(rng, int(rng.integers(2, 8)), int(rng.integers(2, 6)))
    expected = gold_info_nce(Z, Z_pos, tau)
    assert ref.info_nce(Z, Z_pos, tau) == pytest.approx(expected, rel=1e-10, abs=1e-12)
    assert ref_torch.info_nce(Z, Z_pos, tau) == pytest.approx(expected, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_info_nce_both_ways_round_is_simclr_nt_xent(seed):
    rng = np.random.default_rng(seed)
    Z, Z_pos = embeddings(rng, 5, 4)
    both = (ref.info_nce(Z, Z_pos, 0.2) + ref.info_nce(Z_pos, Z, 0.2)) / 2
    assert both == pytest.approx(gold_nt_xent(Z, Z_pos, 0.2), rel=1e-10)


def test_info_nce_docstring_example():
    Z, Z_pos = [[1.0, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, -3.0]]
    by_hand = (-2 + np.log(np.e**2 + 2) + 2 + np.log(np.e**-2 + 2)) / 2
    assert ref.info_nce(Z, Z_pos, 0.5) == pytest.approx(by_hand, rel=1e-12)
    assert round(by_hand, 6) == 1.499084
    # the anchor's own term, e^2, is not in either denominator; the positive's is
    assert wrong.info_nce_anchor_left_in(Z, Z_pos, 0.5) == pytest.approx(
        (-2 + np.log(2 * np.e**2 + 2) + 2 + np.log(np.e**2 + np.e**-2 + 2)) / 2)


def test_info_nce_small_temperature_overflows_without_the_maximum_taken_out():
    Z, Z_pos = hard_negative_batch(np.random.default_rng(0), 5, 4)
    assert np.isfinite(ref.info_nce(Z, Z_pos, 0.001))
    assert not np.isfinite(wrong.info_nce_no_max_subtracted(Z, Z_pos, 0.001))
    assert wrong.info_nce_no_max_subtracted(Z, Z_pos, 0.5) == pytest.approx(ref.info_nce(Z, Z_pos, 0.5), rel=1e-12)


def _cosine(a, b) -> float:
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_hard_negative_batches_keep_their_margins_and_float32_stays_within_tolerance():
    """Over 1000 seeds: a negative at cosine >= 0.95 and the positive at <= 0.45 for one anchor, a loss above 100,
    and a solution computing in float32 within float32's tolerance of the reference."""
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        n, d = int(rng.integers(3, 7)), int(rng.integers(3, 6))
        Z, Z_pos = hard_negative_batch(rng, n, d)
        hard = [i for i in range(n) if max(_cosine(Z[i], Z[j]) for j in range(n) if j != i) >= 0.95
                and _cosine(Z[i], Z_pos[i]) <= 0.45]
        assert hard, seed
        expected = ref.info_nce(Z, Z_pos, 0.001)
        assert expected > 100, seed
        got = float32_info_nce(Z.astype(np.float32), Z_pos.astype(np.float32), np.float32(0.001))
        assert abs(got - expected) <= FLOAT32["atol"] + FLOAT32["rtol"] * abs(expected), seed


def float32_info_nce(Z, Z_pos, tau):
    """The solution's arithmetic, every step in float32."""
    n = Z.shape[0]
    batch = np.concatenate([Z, Z_pos])
    unit = batch / np.linalg.norm(batch, axis=1, keepdims=True)
    logits = (unit[:n] @ unit.T / tau).astype(np.float32)
    logits[np.arange(n), np.arange(n)] = -np.inf
    top = logits.max(axis=1)
    lse = top + np.log(np.exp(logits - top[:, None]).sum(axis=1))
    return float(np.mean(lse - logits[np.arange(n), n + np.arange(n)]))


INFO_NCE_MISTAKES = [wrong.info_nce_dot_product, wrong.info_nce_temperature_multiplied,
                     wrong.info_nce_positive_left_out, wrong.info_nce_anchor_left_in]


def test_info_nce_mistakes_differ_from_the_reference_on_the_checks_inputs():
    """On the batch check's inputs (tau 0.5 and 0.1), every mistake but the overflow is off by far more than a
    tolerance on one of the two calls at least, so it loses points there."""
    for seed in range(400):
        rng = np.random.default_rng(seed)
        cases = [(*embeddings(rng, n, d), tau) for (n, d), tau in (((4, 3), 0.5), ((6, 5), 0.1))]
        rights = [ref.info_nce(*case) for case in cases]
        for mistake in INFO_NCE_MISTAKES:
            gaps = [abs(mistake(*case) - right) / (1 + abs(right)) for case, right in zip(cases, rights)]
            assert max(gaps) > 1e-3, (seed, mistake.__name__)


# -- momentum_update ----------------------------------------------------------------------------------


def test_momentum_update_docstring_example():
    got = ref.momentum_update({"w": np.array([1.0, 2.0])}, [{"w": np.array([3.0, 0.0])}, {"w": np.array([5.0, 4.0])}], 0.75)
    assert got["w"].tolist() == [2.375, 2.125]


def _module_with(params) -> torch.nn.Module:
    sizes = [params["layers.0.weight"].shape[1]] + [params[f"layers.{i}.weight"].shape[0] for i in range(len(params) // 2)]
    module = torch.nn.Sequential()
    module.layers = torch.nn.ModuleList(torch.nn.Linear(a, b).double() for a, b in zip(sizes[:-1], sizes[1:]))
    module.load_state_dict({name: torch.as_tensor(value) for name, value in params.items()})
    return module


@pytest.mark.parametrize("m", [0.9, 0.99, 0.75])
def test_momentum_update_is_torch_averaged_model_ema(m):
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    rng = np.random.default_rng(1)
    key = network_parameters(rng, (3, 4, 2))
    history = query_walk(rng, network_parameters(rng, (3, 4, 2)), 12)
    query = _module_with(history[0])
    averaged = AveragedModel(query, multi_avg_fn=get_ema_multi_avg_fn(m), use_buffers=False)
    averaged.module.load_state_dict({name: torch.as_tensor(value) for name, value in key.items()})
    averaged.n_averaged.fill_(1)  # a first update would copy the model instead of averaging
    for params in history:
        query.load_state_dict({name: torch.as_tensor(value) for name, value in params.items()})
        averaged.update_parameters(query)
    expected = {name: value.detach().numpy() for name, value in averaged.module.state_dict().items()}
    for answer in (ref.momentum_update(key, history, m), ref_torch.momentum_update(key, history, m)):
        for name in key:
            np.testing.assert_allclose(np.asarray(answer[name]), expected[name], rtol=1e-12, atol=1e-12)


def test_momentum_update_in_chunks_is_the_update_in_one_call():
    rng = np.random.default_rng(2)
    key = network_parameters(rng, (2, 3))
    history = query_walk(rng, network_parameters(rng, (2, 3)), 10)
    chunked = key
    for start, stop in ((0, 1), (1, 4), (4, 10)):
        chunked = ref.momentum_update(chunked, history[start:stop], 0.9)
    whole = ref.momentum_update(key, history, 0.9)
    for name in key:
        np.testing.assert_allclose(chunked[name], whole[name], rtol=1e-13)


def test_momentum_update_mistakes_differ_on_several_steps():
    rng = np.random.default_rng(3)
    key = network_parameters(rng, (2, 3))
    history = query_walk(rng, network_parameters(rng, (2, 3)), 3)
    right = ref.momentum_update(key, history, 0.9)
    for mistake in (wrong.momentum_update_m_on_the_query, wrong.momentum_update_query_copied,
                    wrong.momentum_update_applied_once, wrong.momentum_update_first_query_only):
        answer = mistake(key, history, 0.9)
        assert max(np.abs(answer[name] - right[name]).max() for name in key) > 1e-2, mistake.__name__


# -- greedy_pretraining ----------------------------------------------------------------------------


def sklearn_zca_layer(data):
    """PCA whitening rotated back (ZCA) with scikit-learn, rescaled from its n - 1 to the population covariance."""
    from sklearn.decomposition import PCA

    n = data.shape[0]
    pca = PCA(whiten=True).fit(data)
    return lambda h: np.tanh(pca.transform(h) @ pca.components_ * np.sqrt(n / (n - 1)))


@pytest.mark.parametrize("seed", range(4))
def test_each_layer_is_sklearn_zca_fitted_on_the_previous_layers_output(seed):
    rng = np.random.default_rng(seed)
    d = int(rng.integers(2, 5))
    mixing, offset = correlated_data(rng, d)
    X, X_new = draw(rng, mixing, offset, 10 * d), draw(rng, mixing, offset, 7)
    data, encoded, layers = X, X_new, []
    for _ in range(3):
        layer = sklearn_zca_layer(data)
        data, encoded = layer(data), layer(encoded)
        layers.append(data)
    for reprs, new in (ref.greedy_pretraining(X, 3, X_new), ref_torch.greedy_pretraining(X, 3, X_new)):
        for got, expected in zip(reprs, layers):
            np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(np.asarray(new), encoded, rtol=1e-9, atol=1e-12)


def test_whitening_before_the_tanh_gives_identity_covariance_and_the_sample_covariance_is_sklearns():
    rng = np.random.default_rng(5)
    mixing, offset = correlated_data(rng, 3)
    X = draw(rng, mixing, offset, 40)
    (first,), _ = ref.greedy_pretraining(X, 1, X[:2])
    whitened = np.arctanh(first)
    np.testing.assert_allclose(whitened.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(whitened.T @ whitened / len(X), np.eye(3), atol=1e-10)
    (sample,), _ = wrong.greedy_pretraining_sample_covariance(X, 1, X[:2])
    from sklearn.decomposition import PCA
    pca = PCA(whiten=True).fit(X)
    np.testing.assert_allclose(sample, np.tanh(pca.transform(X) @ pca.components_), rtol=1e-9, atol=1e-12)


def test_greedy_pretraining_docstring_example():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 1.0], [2.0, 1.0]])
    (first, second), new = ref.greedy_pretraining(X, 2, np.array([[3.0, 1.0]]))
    signs = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]])
    np.testing.assert_allclose(first, np.tanh(1.0) * signs, rtol=1e-12)
    np.testing.assert_allclose(second, np.tanh(1.0) * signs, rtol=1e-12)
    np.testing.assert_allclose(new, [[np.tanh(np.tanh(2.0) / np.tanh(1.0)), np.tanh(1.0)]], rtol=1e-12)
    assert np.round(new, 6).tolist() == [[0.852656, 0.761594]]


def test_greedy_pretraining_float32_stays_within_tolerance_and_mistakes_differ():
    """Over 200 seeds of the random check's inputs: the solution's arithmetic in float32 within float32's
    tolerance, and each known mistake off by far more."""
    mistakes = (wrong.greedy_pretraining_raw_input, wrong.greedy_pretraining_wrong_order,
                wrong.greedy_pretraining_refitted_on_new_data, wrong.greedy_pretraining_sample_covariance)
    for seed in range(200):
        rng = np.random.default_rng(seed)
        d = int(rng.integers(2, 5))
        mixing, offset = correlated_data(rng, d)
        X, X_new = draw(rng, mixing, offset, 8 * d), draw(rng, mixing, offset, 2 * d)
        reprs, new = ref.greedy_pretraining(X, 3, X_new)
        reprs32, new32 = float32_pretraining(X.astype(np.float32), 3, X_new.astype(np.float32))
        for got, expected in zip([*reprs32, new32], [*reprs, new]):
            assert np.all(np.abs(got - expected) <= FLOAT32["atol"] + FLOAT32["rtol"] * np.abs(expected)), seed
        for mistake in mistakes:
            wrong_reprs, wrong_new = mistake(X, 3, X_new)
            gap = max(np.abs(a - b).max() for a, b in zip([*wrong_reprs, wrong_new], [*reprs, new]))
            assert gap > 1e-3, (seed, mistake.__name__)


def float32_pretraining(X, n_layers, X_new):
    """The solution's arithmetic in float32 (np.linalg.eigh of a float32 matrix works in float32)."""
    def fit(data):
        mu = data.mean(axis=0)
        C = (data - mu).T @ (data - mu) / np.float32(data.shape[0])
        lam, V = np.linalg.eigh(C)
        return mu, (V / np.sqrt(lam)) @ V.T

    data, layers, reprs = X, [], []
    for _ in range(n_layers):
        mu, W = fit(data)
        layers.append((mu, W))
        data = np.tanh((data - mu) @ W)
        reprs.append(data)
    encoded = X_new
    for mu, W in layers:
        encoded = np.tanh((encoded - mu) @ W)
    assert encoded.dtype == np.float32
    return reprs, encoded


# -- fine_tune_head ---------------------------------------------------------------------------------


def _fine_tune_script(seed, sizes, activation, calls=2):
    from grader.catalog.representation import mlp_parameters
    from grader.object_scripts import function, load, network, obj, parameters, state

    rng = np.random.default_rng(seed)
    start = mlp_parameters(rng, sizes)
    steps = [network(sizes, activation=activation, logits=True), load(start)]
    for _ in range(calls):
        X = rng.normal(size=(6, sizes[0])).astype(np.float32)
        steps += [function(obj(0), X, rng.integers(0, sizes[-1], size=6), 0.5, 0.2), state(0)]
    return start, steps + [parameters(0)]


@pytest.mark.parametrize("sizes, activation", [([4, 5, 3], "sigmoid"), ([3, 4, 4, 2], "relu")])
def test_fine_tune_head_by_hand_is_torch_sgd_on_the_head(sizes, activation):
    """The NumPy reference's backpropagation by hand gives torch's loss and SGD step (with weight decay) on the head."""
    from grader import load_registry
    from grader.object_scripts import run_numpy_script, run_torch_script

    start, steps = _fine_tune_script(0, sizes, activation)
    by_hand = run_numpy_script(ref.fine_tune_head, steps)
    with_torch = run_torch_script(ref_torch.fine_tune_head, steps)
    solution = load_registry().get("representation.fine_tune_head")
    assert solution.student.scripted
    head = f"layers.{len(sizes) - 2}."
    for at in (2, 4):
        assert with_torch[at]["value"] == pytest.approx(by_hand[at]["value"], rel=1e-5)
        for name, value in by_hand[at + 1].items():
            np.testing.assert_allclose(with_torch[at + 1][name], value, rtol=1e-5, atol=1e-6)
            if not name.startswith(head):
                assert np.array_equal(with_torch[at + 1][name], start[name])  # frozen: bit for bit as loaded
    for name, _, _, requires_grad in with_torch[-1]["parameters"]:
        assert requires_grad is name.startswith(head)
    for name in start:  # the head moved at each call
        if name.startswith(head):
            assert not np.allclose(with_torch[3][name], start[name])
            assert not np.allclose(with_torch[5][name], with_torch[3][name])


def test_frozen_parameters_handed_to_sgd_with_weight_decay_move_only_when_they_hold_a_gradient():
    """Why a frozen parameter left in the optimiser is no known mistake: SGD skips a parameter whose .grad is None,
    weight decay included; it moves only if a gradient from before the freezing is still stored."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 2))
    X, labels = torch.randn(5, 3), torch.tensor([0, 1, 1, 0, 1])
    body = model[0].weight.detach().clone()
    model[0].requires_grad_(False)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.5, weight_decay=0.2)
    F.cross_entropy(model(X), labels).backward()
    optimiser.step()
    assert torch.equal(model[0].weight, body)

    stale = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 2))
    F.cross_entropy(stale(X), labels).backward()  # a gradient stored before the freezing
    before = stale[0].weight.detach().clone()
    stale[0].requires_grad_(False)
    optimiser = torch.optim.SGD(stale.parameters(), lr=0.5, weight_decay=0.2)
    optimiser.step()
    assert not torch.equal(stale[0].weight, before)


def test_eval_mode_freezes_nothing():
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2)).eval()
    assert all(parameter.requires_grad for parameter in model.parameters())


# -- domain_adversarial_step ------------------------------------------------------------------------


def test_domain_adversarial_step_docstring_example():
    got = ref.domain_adversarial_step(
        {"features.w": np.array([1.0, 2.0]), "label_head.w": np.array([3.0]), "domain_head.w": np.array([-1.0])},
        {"features.w": np.array([0.5, -1.0]), "label_head.w": np.array([2.0])},
        {"features.w": np.array([1.0, 1.0]), "domain_head.w": np.array([4.0])}, 0.5, 0.25)
    assert {name: value.tolist() for name, value in got.items()} == {
        "features.w": [0.875, 2.625], "label_head.w": [2.0], "domain_head.w": [-3.0]}


@pytest.mark.parametrize("lam", [0.3, 2.0])
def test_domain_adversarial_step_is_sgd_through_a_gradient_reversal_layer_on_real_losses(lam):
    """A feature layer and two heads in torch, a cross-entropy on the labels and a binary cross-entropy on the
    domains reaching the features through a gradient reversal layer: one torch.optim.SGD step on L_y + L_d is the
    reference's step given the two losses' own gradients."""
    torch.manual_seed(3)
    features, label_head, domain_head = torch.nn.Linear(4, 3).double(), torch.nn.Linear(3, 2).double(), torch.nn.Linear(3, 1).double()
    X, labels, domains = torch.randn(6, 4, dtype=torch.float64), torch.tensor([0, 1, 1, 0, 1, 0]), torch.tensor([0.0, 0, 0, 1, 1, 1])
    modules = {"features": features, "label_head": label_head, "domain_head": domain_head}
    named = {f"{prefix}.{name}": p for prefix, module in modules.items() for name, p in module.named_parameters()}
    params = {name: p.detach().numpy().copy() for name, p in named.items()}

    def losses(reverse):
        h = torch.sigmoid(features(X))
        to_domain = ref_torch.GradientReversal.apply(h, lam) if reverse else h
        return (F.cross_entropy(label_head(h), labels),
                F.binary_cross_entropy_with_logits(domain_head(to_domain)[:, 0], domains))

    L_y, L_d = losses(reverse=False)
    grad_label = dict(zip([n for n in named if not n.startswith("domain_head.")],
                          torch.autograd.grad(L_y, [p for n, p in named.items() if not n.startswith("domain_head.")],
                                              retain_graph=True)))
    grad_domain = dict(zip([n for n in named if not n.startswith("label_head.")],
                           torch.autograd.grad(L_d, [p for n, p in named.items() if not n.startswith("label_head.")])))
    expected = ref.domain_adversarial_step(params, {n: g.numpy() for n, g in grad_label.items()},
                                           {n: g.numpy() for n, g in grad_domain.items()}, 0.1, lam)
    optimiser = torch.optim.SGD(list(named.values()), lr=0.1)
    L_y, L_d = losses(reverse=True)
    optimiser.zero_grad()
    (L_y + L_d).backward()
    optimiser.step()
    for name, p in named.items():
        np.testing.assert_allclose(p.detach().numpy(), expected[name], rtol=1e-12, atol=1e-14)


def test_domain_adversarial_step_mistakes_differ_on_the_checks_inputs():
    from grader.catalog.representation import adversarial_network

    mistakes = (wrong.domain_adversarial_step_not_reversed, wrong.domain_adversarial_step_domain_head_reversed,
                wrong.domain_adversarial_step_lam_ignored, wrong.domain_adversarial_step_lam_on_the_domain_head)
    for seed in range(200):
        rng = np.random.default_rng(seed)
        for sizes, lr, lam in (((4, 3, 2), 0.1, 0.5), ((5, 4, 3), 0.05, 2.0)):
            args = (*adversarial_network(rng, *sizes), lr, lam)
            right = ref.domain_adversarial_step(*args)
            for mistake in mistakes:
                answer = mistake(*args)
                assert max(np.abs(answer[n] - right[n]).max() for n in right) > 1e-3, (seed, mistake.__name__)


def freeze_first_layer_only(model, X, labels, lr, weight_decay):
    """A wrong fine_tune_head that freezes the first layer only: in a deeper network the middle layers stay trainable."""
    model.layers[0].requires_grad_(False)
    optimiser = torch.optim.SGD(model.layers[-1].parameters(), lr=lr, weight_decay=weight_decay)
    loss = F.cross_entropy(model(torch.as_tensor(X)), torch.as_tensor(labels, dtype=torch.int64))
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return float(loss.detach())


def test_a_network_with_only_some_body_layers_frozen_loses_points_unnamed():
    """'earlier layers left trainable' is every layer before the head left trainable; a network with some of them
    frozen is told which flags are wrong, and no mistake is named on that partial evidence."""
    from grader import load_registry
    from grader.expectations import ReferenceExpectations
    from grader.runner import grade_exercise
    from grader.student_code import TrustedStudentCode

    exercise = load_registry().get("representation.fine_tune_head")
    answer = TrustedStudentCode(exercise.answer_function(f"{__name__}:freeze_first_layer_only"))
    result = grade_exercise(exercise, answer, expectations=ReferenceExpectations())
    assert result.score < result.max_score
    assert any("requires_grad is wrong on" in check.feedback for check in result.checks)
    assert [mistake.name for check in result.checks for mistake in check.mistakes] == []
