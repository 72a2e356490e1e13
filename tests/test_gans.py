"""The GAN and WGAN references against torch's own losses and autograd, and the conventions the exercises state.

- ``discriminator_cost`` is torch's binary cross-entropy of the real batch
  against 1 and of the fakes against 0, each halved (the notes' 1/2), each
  batch's own mean: not the mean over the pooled batch when the sizes differ;
- ``generator_cost``'s gradients are autograd's with respect to the logits;
  where the discriminator rejects the fakes the minimax gradient vanishes
  and the non-saturating one stays near -1/(2n); the notes' printed form
  (the sign slip) has the opposite gradient;
- ``optimal_discriminator`` on counts is the ratio of ``np.histogram``'s
  densities over unequal bins, maximises the discriminator's value in every
  bin, and is 1/2 where both histograms are empty;
- the training steps written out by hand in NumPy are the torch references'
  (``torch.optim.SGD``, ``F.binary_cross_entropy``, ``clamp_``,
  ``torch.autograd.grad(create_graph=True)``) in float64 to 1e-10; the GAN
  step's generator raises D(G(z)) while the slip's lowers it; the WGAN step
  clips the critic after each update (the notes' 14, 16 -> 5, -4.2 stays)
  and never the generator;
- the docstrings' worked examples hold.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import reference.gans as ref
import reference.gans_mistakes as wrong
import reference.gans_torch as ref_torch
from grader.catalog.gans import NOTES_CRITIC, NOTES_GENERATOR, histograms
from grader.object_scripts import NumpyNetwork, _torch_network, network

from conftest import SOLUTIONS, load_module

solution = load_module(SOLUTIONS, "gans")


def assert_close(got, want, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=rtol, atol=atol)


# -- the costs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("m, n", [(3, 5), (6, 2), (4, 4)])
def test_discriminator_cost_is_torch_s_binary_cross_entropies_halved(m, n):
    rng = np.random.default_rng(m * 10 + n)
    d_real, d_fake = rng.uniform(0.05, 0.95, m), rng.uniform(0.05, 0.95, n)
    real, fake = torch.tensor(d_real), torch.tensor(d_fake)
    want = 0.5 * float(F.binary_cross_entropy(real, torch.ones(m, dtype=torch.float64))) \
        + 0.5 * float(F.binary_cross_entropy(fake, torch.zeros(n, dtype=torch.float64)))
    for module in (ref, ref_torch, solution):
        assert_close(module.discriminator_cost(d_real, d_fake), want)
    pooled = float(F.binary_cross_entropy(torch.cat([real, fake]), torch.cat([torch.ones(m), torch.zeros(n)]).double()))
    assert_close(wrong.discriminator_cost_pooled_mean(d_real, d_fake), pooled)
    assert (abs(pooled - want) > 1e-3) == (m != n)


def test_discriminator_cost_worked_example():
    assert ref.discriminator_cost([0.8, 0.5], [0.2]) == pytest.approx(-0.25 * np.log(0.4) - 0.5 * np.log(0.8))
    assert round(ref.discriminator_cost([0.8, 0.5], [0.2]), 5) == 0.34064


@pytest.mark.parametrize("form", ["minimax", "non_saturating"])
def test_generator_cost_gradient_is_autograd_s_with_respect_to_the_logits(form):
    rng = np.random.default_rng(3)
    d_real, logits = rng.uniform(0.05, 0.95, 4), torch.tensor(rng.normal(0, 2, 6), requires_grad=True)
    d_fake = torch.sigmoid(logits)
    if form == "minimax":
        cost = 0.5 * torch.log(torch.tensor(d_real)).mean() + 0.5 * F.logsigmoid(-logits).mean()
    else:
        cost = 0.5 * F.binary_cross_entropy_with_logits(logits, torch.ones(6, dtype=torch.float64))
    (gradient,) = torch.autograd.grad(cost, logits)
    for module in (ref, ref_torch, solution):
        got_cost, got_gradient = module.generator_cost(d_real, d_fake.detach().numpy(), form)
        assert_close(got_cost, float(cost.detach()), rtol=1e-9)
        assert_close(np.asarray(got_gradient), gradient.numpy(), rtol=1e-9)
    if form == "minimax":
        assert_close(ref.generator_cost(d_real, d_fake.detach().numpy(), form)[0],
                     -ref.discriminator_cost(d_real, d_fake.detach().numpy()))


def test_where_the_discriminator_rejects_the_fakes_only_the_minimax_gradient_vanishes():
    d_real, d_fake = np.array([0.95, 0.97]), np.array([1e-3, 2e-3, 5e-4, 1e-3])
    minimax = ref.generator_cost(d_real, d_fake, "minimax")[1]
    non_saturating = ref.generator_cost(d_real, d_fake, "non_saturating")[1]
    assert np.abs(minimax).max() <= 2e-3 / 8  # D / (2n): at most 0.2% of the non-saturating gradient's size
    assert np.allclose(non_saturating, -1 / 8, rtol=3e-3)  # (1 - D) / (2n), about 1 / (2n)


def test_the_notes_sign_slip_has_the_opposite_gradient():
    d_real, d_fake = np.array([0.7]), np.array([0.3, 0.6])
    cost, gradient = ref.generator_cost(d_real, d_fake, "non_saturating")
    slip_cost, slip_gradient = wrong.generator_cost_sign_slip(d_real, d_fake, "non_saturating")
    assert slip_cost == pytest.approx(-cost) and np.all(gradient < 0) and np.all(slip_gradient > 0)
    assert cost > 0  # a cross-entropy: the right cost is positive, the printed one negative


def test_generator_cost_worked_example():
    cost, gradient = ref.generator_cost([0.8, 0.5], [0.2, 0.6], "minimax")
    assert round(cost, 5) == -0.51393 and np.allclose(gradient, [-0.05, -0.15])
    cost, gradient = ref.generator_cost([0.8, 0.5], [0.2, 0.6], "non_saturating")
    assert round(cost, 5) == 0.53007 and np.allclose(gradient, [-0.2, -0.1])


def test_optimal_discriminator_is_the_ratio_of_numpy_s_densities_over_unequal_bins():
    rng = np.random.default_rng(5)
    edges = np.sort(np.concatenate([[-8.0, 8.0], rng.uniform(-4, 4, 15)]))
    real, fake = rng.normal(0.5, 1.0, 400), rng.normal(-0.5, 1.5, 150)
    counts = [np.histogram(sample, bins=edges)[0] for sample in (real, fake)]
    densities = [np.histogram(sample, bins=edges, density=True)[0] for sample in (real, fake)]
    total = densities[0] + densities[1]
    want = np.where(total > 0, densities[0] / np.where(total > 0, total, 1), 0.5)
    for module in (ref, ref_torch, solution):
        assert_close(module.optimal_discriminator(*counts), want)


def test_optimal_discriminator_maximises_the_value_in_every_bin_and_is_a_half_where_both_are_empty():
    for seed in range(5):
        data, generated = histograms(np.random.default_rng(seed))
        p_data, p_g = data / data.sum(), generated / generated.sum()
        D = ref.optimal_discriminator(data, generated)
        empty = (data == 0) & (generated == 0)
        assert empty.any() and np.all(D[empty] == 0.5) and data.sum() != generated.sum()
        seen = ~empty & (D > 0) & (D < 1)
        value = lambda d: p_data[seen] * np.log(d) + p_g[seen] * np.log1p(-d)  # noqa: E731
        for shift in (-1e-3, 1e-3):
            assert np.all(value(D[seen]) > value(np.clip(D[seen] + shift, 1e-9, 1 - 1e-9)))


def test_optimal_discriminator_worked_example():
    assert ref.optimal_discriminator([3, 1, 0, 0], [1, 1, 2, 0]).tolist() == [0.75, 0.5, 0.0, 0.5]
    assert ref.optimal_discriminator([2, 4, 6], [1, 2, 3]).tolist() == [0.5, 0.5, 0.5]


def test_wgan_losses_are_torch_s_means_and_the_worked_examples():
    rng = np.random.default_rng(7)
    f_real, f_fake = rng.normal(1, 2, 5), rng.normal(-1, 2, 3)
    want = (float(torch.tensor(f_fake).mean() - torch.tensor(f_real).mean()), float(-torch.tensor(f_fake).mean()))
    for module in (ref, ref_torch, solution):
        assert_close(module.wgan_losses(f_real, f_fake), want)
    assert ref.wgan_losses([2, 4], [-1, 0, 1]) == (-3.0, 0.0)
    assert ref.wgan_losses([1.5], [3, -0.5]) == (-0.25, -1.25)


# -- the training steps --------------------------------------------------------------------------


def pair(sizes, activation, logits, values):
    """The grader's network with these parameters, as a NumPy network and as a float64 torch module."""
    step = network(sizes, activation=activation, logits=logits)
    numpy_net, torch_net = NumpyNetwork(step), _torch_network(step).double()
    numpy_net.load_state_dict(values)
    with torch.no_grad():
        for name, parameter in torch_net.named_parameters():
            parameter.copy_(torch.tensor(values[name]))
    return numpy_net, torch_net


def draw(rng, sizes, scale=1.0):
    values = {}
    for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        values[f"layers.{index}.weight"] = rng.normal(0, scale, (n_out, n_in))
        values[f"layers.{index}.bias"] = rng.uniform(-1, 1, n_out)
    return values


def assert_same_state(numpy_net, torch_net, rtol=1e-10):
    for name, value in torch_net.state_dict().items():
        assert_close(numpy_net.state_dict()[name], value.numpy(), rtol=rtol, atol=1e-12)


def gan_networks(seed, k=2):
    rng = np.random.default_rng(seed)
    G = pair([k, 4, 1], "sigmoid", True, draw(rng, [k, 4, 1]))
    D = pair([1, 5, 1], "sigmoid", False, draw(rng, [1, 5, 1]))
    return rng, G, D


@pytest.mark.parametrize("seed", range(3))
def test_gan_step_by_hand_is_torch_s_sgd_step_with_its_binary_cross_entropy(seed):
    rng, (G_np, G_t), (D_np, D_t) = gan_networks(seed)
    for _ in range(2):
        x, z, lr = rng.normal(2, 1, (6, 1)), rng.normal(0, 1, (6, 2)), rng.uniform(0.2, 1.0)
        got = ref.gan_step(G_np, D_np, x, z, lr)
        want = ref_torch.gan_step(G_t, D_t, torch.tensor(x), torch.tensor(z), lr)
        assert_close(got, want)
        assert_same_state(G_np, G_t)
        assert_same_state(D_np, D_t)


def test_gan_step_s_generator_raises_d_of_its_samples_where_the_notes_printed_cost_lowers_it():
    rng = np.random.default_rng(11)
    x, z = torch.tensor(rng.normal(2, 1, (8, 1))), torch.tensor(rng.normal(0, 1, (8, 2)))
    for step, direction in ((ref_torch.gan_step, 1), (wrong.gan_step_sign_slip, -1)):
        _, (_, G), (_, D) = gan_networks(12)
        step(G, D, x, z, 0.05)  # D as updated by this step is what the generator stepped against
        _, (_, G_before), _ = gan_networks(12)
        with torch.no_grad():
            change = float(D(G(z)).mean() - D(G_before(z)).mean())
        assert direction * change > 0


def test_a_few_hundred_gan_steps_move_the_generated_samples_towards_the_data():
    rng = np.random.default_rng(0)
    _, (G, _), (D, _) = gan_networks(1, k=1)
    z_test = rng.normal(0, 1, (500, 1))
    before = abs(ref._forward(G, z_test)[0].mean() - 3.0)
    for _ in range(300):
        ref.gan_step(G, D, rng.normal(3.0, 0.5, (32, 1)), rng.normal(0, 1, (32, 1)), 0.5)
    assert abs(ref._forward(G, z_test)[0].mean() - 3.0) < before / 2


def wgan_networks(seed, critic_values=None, generator_values=None, bound=0.6):
    rng = np.random.default_rng(seed)
    critic_values = critic_values or {name: rng.uniform(-bound, bound, value.shape)
                                      for name, value in draw(rng, [1, 5, 1]).items()}
    generator_values = generator_values or draw(rng, [2, 4, 1])
    k = generator_values["layers.0.weight"].shape[1]
    critic = pair([1, critic_values["layers.0.weight"].shape[0], 1], "sigmoid", True, critic_values)
    generator = pair([k, generator_values["layers.0.weight"].shape[0], 1], "sigmoid", True, generator_values)
    return rng, critic, generator, k


@pytest.mark.parametrize("seed", range(3))
def test_wgan_step_by_hand_is_torch_s_sgd_and_clamp(seed):
    rng, (C_np, C_t), (G_np, G_t), k = wgan_networks(seed)
    for _ in range(2):
        x, z, lr = rng.normal(2, 1, (3, 5, 1)), rng.normal(0, 1, (4, 5, k)), rng.uniform(0.1, 0.3)
        got = ref.wgan_step(C_np, G_np, x, z, lr, 0.3)
        want = ref_torch.wgan_step(C_t, G_t, torch.tensor(x), torch.tensor(z), lr, 0.3)
        assert_close(got[0], want[0])
        assert_close(got[1], want[1])
        assert_same_state(C_np, C_t)
        assert_same_state(G_np, G_t)
        assert all(np.abs(value).max() <= 0.3 for value in C_np.state_dict().values())


def test_wgan_step_clips_the_notes_example_after_the_update_and_never_the_generator():
    as64 = lambda values: {name: value.astype(float) for name, value in values.items()}  # noqa: E731
    assert torch.clamp(torch.tensor([14.0, 16.0, -4.2]), -5, 5).tolist() == pytest.approx([5.0, 5.0, -4.2])
    rng, (critic, _), (generator, _), _ = wgan_networks(0, as64(NOTES_CRITIC), as64(NOTES_GENERATOR))
    _, (_, plain), (_, plain_generator), _ = wgan_networks(0, as64(NOTES_CRITIC), as64(NOTES_GENERATOR))
    x, z = rng.normal(2, 1, (1, 4, 1)), rng.normal(0, 1, (2, 4, 1))
    ref.wgan_step(critic, generator, x, z, 0.05, 5.0)
    wrong.wgan_step_not_clipped(plain, plain_generator, torch.tensor(x), torch.tensor(z), 0.05, 5.0)  # the same update, no clip
    weights = critic.state_dict()["layers.0.weight"][:, 0]
    updated = plain.state_dict()["layers.0.weight"][:, 0].numpy()
    assert weights[0] == 5.0 and weights[1] == 5.0 and updated[0] > 5 and updated[1] > 5
    assert weights[2] == pytest.approx(updated[2], abs=1e-12) and abs(weights[2] + 4.2) < 0.5
    assert np.abs(generator.state_dict()["layers.0.weight"]).max() > 5  # 7 and -6, stepped but not clipped


@pytest.mark.parametrize("seed, d, hidden, m", [(0, 2, 4, 5), (1, 3, 5, 6), (2, 1, 3, 4)])
def test_gradient_penalty_by_hand_is_autograd_s_double_backward(seed, d, hidden, m):
    rng = np.random.default_rng(seed)
    critic_np, critic_t = pair([d, hidden, 1], "sigmoid", True, draw(rng, [d, hidden, 1], 2.0))
    x_real, x_fake = rng.normal(1.5, 1, (m, d)), rng.normal(0, 1, (m, d))
    eps, lr, lam = rng.uniform(0, 1, (m, 1)), 0.1, 10.0
    got = ref.wgan_gp_critic_step(critic_np, x_real, x_fake, eps, lr, lam)
    want = ref_torch.wgan_gp_critic_step(critic_t, torch.tensor(x_real), torch.tensor(x_fake), torch.tensor(eps), lr, lam)
    assert_close(got, want)
    assert_same_state(critic_np, critic_t)
    # The penalty alone, by torch.autograd.functional.jacobian of the critic at each point.
    _, fresh = pair([d, hidden, 1], "sigmoid", True, draw(np.random.default_rng(seed), [d, hidden, 1], 2.0))
    points = torch.tensor(eps * x_real + (1 - eps) * x_fake)
    norms = torch.stack([torch.autograd.functional.jacobian(fresh, point[None]).reshape(-1).norm() for point in points])
    assert_close(got[1], lam * float(((norms - 1) ** 2).mean()))


def test_the_penalty_without_create_graph_leaves_the_penalty_s_gradient_out():
    rng = np.random.default_rng(4)
    values = draw(rng, [2, 4, 1], 2.0)
    x_real, x_fake, eps = (torch.tensor(rng.normal(1.5, 1, (5, 2))), torch.tensor(rng.normal(0, 1, (5, 2))),
                           torch.tensor(rng.uniform(0, 1, (5, 1))))
    _, with_graph = pair([2, 4, 1], "sigmoid", True, values)
    _, without = pair([2, 4, 1], "sigmoid", True, values)
    _, no_penalty = pair([2, 4, 1], "sigmoid", True, values)
    ref_torch.wgan_gp_critic_step(with_graph, x_real, x_fake, eps, 0.1, 10.0)
    wrong.wgan_gp_critic_step_without_create_graph(without, x_real, x_fake, eps, 0.1, 10.0)
    ref_torch.wgan_gp_critic_step(no_penalty, x_real, x_fake, eps, 0.1, 0.0)
    for name, value in without.state_dict().items():
        assert torch.allclose(value, no_penalty.state_dict()[name])
    assert not all(torch.allclose(value, no_penalty.state_dict()[name]) for name, value in with_graph.state_dict().items())


def test_against_a_confident_discriminator_the_non_saturating_generator_moves_and_the_minimax_one_barely():
    from grader.catalog.gans import CONFIDENT_DISCRIMINATOR

    rng = np.random.default_rng(2)
    generator_values = {name: 0.3 * value for name, value in draw(rng, [2, 3, 1]).items()}
    x, z = torch.tensor(rng.normal(2, 0.5, (6, 1))), torch.tensor(rng.normal(0, 1, (6, 2)))
    moved = {}
    for label, step in (("non-saturating", ref_torch.gan_step), ("minimax", wrong.gan_step_generator_through_log_one_minus_d)):
        _, G = pair([2, 3, 1], "sigmoid", True, generator_values)
        _, D = pair([1, 3, 1], "sigmoid", False, {name: value.astype(float) for name, value in CONFIDENT_DISCRIMINATOR.items()})
        with torch.no_grad():
            assert float(D(G(z)).max()) < 0.05
        step(G, D, x, z, 0.5)
        moved[label] = sum(float((G.state_dict()[name] - torch.tensor(value)).abs().sum()) for name, value in generator_values.items())
    assert moved["non-saturating"] > 10 * moved["minimax"]


def test_the_hints_of_the_notes_sign_slip_explain_it_without_the_answer():
    from grader.catalog.gans import GAN_STEP, GENERATOR_COST

    hints = [mistake.hint for exercise in (GENERATOR_COST, GAN_STEP) for mistake in exercise.mistakes if "sign slip" in mistake.name]
    assert len(hints) == 2
    for hint in hints:
        assert "slip" in hint and "+1/2 E log D(G(z))" in hint  # what the notes print, named as the slip
        assert "-1/2" not in hint and "- 1/2" not in hint and "-log" not in hint.replace(" ", "")
