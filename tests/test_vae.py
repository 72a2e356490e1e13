"""The VAE references against torch.distributions and scipy, and the conventions the exercises state.

- ``reparametrise`` is ``Normal(mu, sigma).rsample()`` given the same standard
  normal draw (torch's Normal takes the standard deviation), and its
  gradients are rsample's: 1 for mu, zeta for sigma; the notes' slip
  (sigma + zeta mu) is not a sample of N(mu, sigma^2): at zeta = 0 it gives sigma;
- both KL functions are ``torch.distributions.kl_divergence`` between
  ``Normal(mu, sigma)`` and ``Normal(0, 1)``, and a scipy quadrature of
  q log(q / p); they agree with each other at ``log_var = 2 log sigma``, and
  the checks' inputs keep every named mistake away from the right answer;
- ``vae_loss``'s weighted reconstruction error is the negative log-likelihood
  of x under ``Normal(r, sqrt(c))`` without its constant, with C = 1/(2c);
- ``reparametrised_sample``'s gradients are autograd's and the reference's,
  its sample stays out of the graph when nothing asks for a gradient, and
  the mistakes 'zeta made to require grad' and 'the noise term detached'
  show exactly where the checks look;
- ``sample_from_prior`` is an ``nn.Sequential`` decoder and a ``Normal`` rsample
  with the given draws;
- the docstrings' worked examples hold, the slip's hint does not spell out
  the answer, and the solution agrees with the references.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats
from torch import nn
from torch.distributions import Normal, kl_divergence

import reference.vae as ref
import reference.vae_mistakes as wrong
import reference.vae_torch as ref_torch
from grader.catalog.vae import (
    REPARAMETRISE,
    REPARAMETRISED_SAMPLE,
    SLIP_HINT,
    kl_case,
    kl_sigma_case,
    prior_case,
    reparametrise_case,
    sample_case,
    sigmas,
    vae_loss_case,
)
from grader.object_scripts import backward, call, run_numpy_script, run_torch_script


@pytest.mark.parametrize("seed", range(3))
def test_reparametrise_is_torch_normal_rsample_given_the_same_draw(seed):
    mu, sigma, _ = reparametrise_case(np.random.default_rng(seed))
    generator = torch.Generator().manual_seed(seed)
    zeta = torch.randn(mu.shape, dtype=torch.float64, generator=generator)
    loc, scale = torch.tensor(mu, requires_grad=True), torch.tensor(sigma, requires_grad=True)
    torch.manual_seed(seed)
    expected_zeta = torch.randn(mu.shape, dtype=torch.float64)
    torch.manual_seed(seed)
    sample = Normal(loc, scale).rsample()
    np.testing.assert_allclose(ref.reparametrise(mu, sigma, expected_zeta.numpy()), sample.detach().numpy(), rtol=1e-14)
    np.testing.assert_allclose(ref_torch.reparametrise(mu, sigma, zeta.numpy()).numpy(), ref.reparametrise(mu, sigma, zeta.numpy()))
    # rsample's gradients: 1 for the mean, the draw for the standard deviation.
    sample.sum().backward()
    np.testing.assert_allclose(loc.grad.numpy(), 1.0)
    np.testing.assert_allclose(scale.grad.numpy(), expected_zeta.numpy(), rtol=1e-14)


def test_the_notes_slip_is_not_a_sample_of_the_right_gaussian():
    mu, sigma = np.array([[1.5, -2.0]]), np.array([[0.5, 2.0]])
    zero = np.zeros_like(mu)
    np.testing.assert_array_equal(ref.reparametrise(mu, sigma, zero), mu)
    np.testing.assert_array_equal(wrong.reparametrise_notes_slip(mu, sigma, zero), sigma)
    # Over a grid of standard normal quantiles the right samples have mean mu and deviation sigma; the slip's do not.
    zetas = stats.norm.ppf((np.arange(2000) + 0.5) / 2000)[:, None]
    right = ref.reparametrise(mu, sigma, zetas)
    slip = wrong.reparametrise_notes_slip(mu, sigma, zetas)
    np.testing.assert_allclose(right.mean(axis=0), mu[0], atol=1e-12)
    np.testing.assert_allclose(right.std(axis=0) / sigma[0], right.std(axis=0)[0] / sigma[0, 0], rtol=1e-12)
    assert not np.allclose(slip.mean(axis=0), mu[0], atol=0.1)


def test_the_slip_hint_explains_without_spelling_out_the_answer():
    for exercise in (REPARAMETRISE, REPARAMETRISED_SAMPLE):
        hints = [m.hint for m in exercise.mistakes if m.name == "mu and sigma swapped (the notes' slip)"]
        assert hints == [SLIP_HINT]
    for answer in ("mu + sigma", "sigma * zeta", "sigma*zeta", "zeta * sigma", "mu + exp"):
        assert answer not in SLIP_HINT
    assert "slip" in SLIP_HINT and "1.9.3.1" in SLIP_HINT


def kl_by_quadrature(mu: float, sigma: float) -> float:
    """KL(N(mu, sigma^2) || N(0, 1)) as the integral of q log(q / p), by scipy."""
    q, p = stats.norm(mu, sigma), stats.norm(0.0, 1.0)
    value, _ = integrate.quad(lambda x: q.pdf(x) * (q.logpdf(x) - p.logpdf(x)), mu - 12 * sigma, mu + 12 * sigma)
    return value


@pytest.mark.parametrize("seed", range(3))
def test_both_kl_functions_are_torch_distributions_kl_divergence_and_a_quadrature(seed):
    rng = np.random.default_rng(seed)
    mu, sigma = kl_sigma_case(rng)
    gold = kl_divergence(Normal(torch.tensor(mu), torch.tensor(sigma)), Normal(0.0, 1.0)).numpy()
    for terms, totals in (ref.kl_divergence_sigma(mu, sigma), ref.kl_divergence(mu, 2 * np.log(sigma)),
                          ref_torch.kl_divergence_sigma(mu, sigma), ref_torch.kl_divergence(mu, 2 * np.log(sigma))):
        np.testing.assert_allclose(np.asarray(terms), gold, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(np.asarray(totals), gold.sum(axis=1), rtol=1e-12)
    assert ref.kl_divergence_sigma(mu[:1, :1], sigma[:1, :1])[0][0, 0] == pytest.approx(kl_by_quadrature(mu[0, 0], sigma[0, 0]), rel=1e-7)
    assert (ref.kl_divergence_sigma(mu, sigma)[0] > 0).all()


def test_the_kl_checks_inputs_keep_every_mistake_away_from_the_right_answer():
    rng = np.random.default_rng(11)
    for _ in range(200):
        mu, log_var = kl_case(rng)
        terms, totals = ref.kl_divergence(mu, log_var)
        for mistake in (wrong.kl_divergence_log_sigma, wrong.kl_divergence_sigma_as_variance, wrong.kl_divergence_no_half):
            assert np.abs(mistake(mu, log_var)[0] - terms).max() > 1e-2
        assert np.abs(wrong.kl_divergence_averaged(mu, log_var)[1] - totals).min() > 1e-2
        mu, sigma = kl_sigma_case(rng)
        terms, totals = ref.kl_divergence_sigma(mu, sigma)
        for mistake in (wrong.kl_divergence_sigma_log_sigma, wrong.kl_divergence_sigma_sigma_as_variance,
                        wrong.kl_divergence_sigma_log_var_formula):
            assert np.abs(mistake(mu, sigma)[0] - terms).max() > 1e-2
        assert np.abs(sigmas(rng, (50,)) - 1.0).min() >= 0.2


@pytest.mark.parametrize("seed", range(3))
def test_vae_loss_reconstruction_is_the_gaussian_negative_log_likelihood_with_c_one_over_2C(seed):
    X, R, mu, log_var, C = vae_loss_case(np.random.default_rng(seed))
    loss, reconstruction, kl = ref.vae_loss(X, R, mu, log_var, C)
    c = 1.0 / (2.0 * C)
    nll = -Normal(torch.tensor(R), math.sqrt(c)).log_prob(torch.tensor(X)).sum(dim=1).numpy()
    constant = X.shape[1] / 2 * math.log(2 * math.pi * c)
    assert reconstruction == pytest.approx(float((nll - constant).mean()), rel=1e-12)
    assert kl == pytest.approx(float(ref_torch.kl_divergence(mu, log_var)[1].mean()), rel=1e-12)
    assert loss == pytest.approx(reconstruction + kl, rel=1e-15)
    assert ref_torch.vae_loss(X, R, mu, log_var, C) == pytest.approx((loss, reconstruction, kl), rel=1e-12)
    for mistake in (wrong.vae_loss_weight_on_kl, wrong.vae_loss_kl_averaged, wrong.vae_loss_mean_over_entries,
                    wrong.vae_loss_weight_as_variance):
        assert not np.isclose(mistake(X, R, mu, log_var, C)[0], loss, rtol=1e-3)


def sample_steps(mu, log_var, zeta, G, grad=(0, 1)):
    return [call(mu, log_var, zeta, of=None, grad=grad), backward(0, G)] if grad else [call(mu, log_var, zeta, of=None)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_reparametrised_sample_gradients_are_autograds_and_the_references(solutions, dtype):
    rng = np.random.default_rng(4)
    mu, log_var, zeta = (a.astype(dtype) for a in sample_case(rng))
    G = rng.normal(size=mu.shape).astype(dtype)
    want = run_numpy_script(ref.ReparametrisedSample, sample_steps(mu, log_var, zeta, G))
    sigma = np.exp(log_var.astype(float) / 2)
    np.testing.assert_allclose(want[1]["inputs"][0], G)
    np.testing.assert_allclose(want[1]["inputs"][1], G.astype(float) * zeta.astype(float) * sigma / 2, rtol=1e-12)
    for function in (ref_torch.reparametrised_sample, solutions("vae").reparametrised_sample):
        got = run_torch_script(function, sample_steps(mu, log_var, zeta, G))
        assert got[0]["attached"] and got[0]["value"].dtype == dtype
        tolerance = 1e-12 if dtype == np.float64 else 1e-5
        np.testing.assert_allclose(got[0]["value"], want[0]["value"], rtol=tolerance)
        for mine, theirs in zip(got[1]["inputs"], want[1]["inputs"]):
            np.testing.assert_allclose(mine, theirs, rtol=tolerance, atol=tolerance)
        # Nothing asks for a gradient: the sample is not in a graph.
        assert not run_torch_script(function, sample_steps(mu, log_var, zeta, G, grad=()))[0]["attached"]


def test_reparametrised_sample_mistakes_show_where_the_checks_look():
    mu, log_var, zeta = sample_case(np.random.default_rng(6))
    G = np.ones_like(mu) * 0.75
    right = run_torch_script(ref_torch.reparametrised_sample, sample_steps(mu, log_var, zeta, G))
    made = run_torch_script(wrong.reparametrised_sample_zeta_requires_grad, sample_steps(mu, log_var, zeta, G))
    np.testing.assert_array_equal(made[0]["value"], right[0]["value"])
    for mine, theirs in zip(made[1]["inputs"], right[1]["inputs"]):
        np.testing.assert_array_equal(mine, theirs)
    assert run_torch_script(wrong.reparametrised_sample_zeta_requires_grad, sample_steps(mu, log_var, zeta, G, grad=()))[0]["attached"]
    detached = run_torch_script(wrong.reparametrised_sample_noise_detached, sample_steps(mu, log_var, zeta, G))
    np.testing.assert_array_equal(detached[0]["value"], right[0]["value"])
    assert detached[1]["inputs"][1] is None
    # torch.normal, the sampling the trick replaces, passes only zero gradients to its mean and deviation.
    loc, log_variance = torch.tensor(mu, requires_grad=True), torch.tensor(log_var, requires_grad=True)
    sampled = torch.normal(loc, torch.exp(log_variance / 2))
    for gradient in torch.autograd.grad((torch.tensor(G) * sampled).sum(), [loc, log_variance], allow_unused=True):
        assert gradient is None or not gradient.any()


@pytest.mark.parametrize("seed", range(3))
def test_sample_from_prior_is_an_nn_sequential_decoder_and_a_normal_rsample(seed):
    zeta, eps, c, W1, b1, W2, b2 = prior_case(np.random.default_rng(seed))
    decoder = nn.Sequential(nn.Linear(W1.shape[1], W1.shape[0]), nn.ReLU(), nn.Linear(W2.shape[1], W2.shape[0]), nn.Sigmoid()).double()
    with torch.no_grad():
        for layer, (W, b) in zip((decoder[0], decoder[2]), ((W1, b1), (W2, b2))):
            layer.weight.copy_(torch.tensor(W))
            layer.bias.copy_(torch.tensor(b))
        G = decoder(torch.tensor(zeta))
        torch.manual_seed(seed)
        draw = torch.randn(G.shape, dtype=torch.float64)
        torch.manual_seed(seed)
        X = Normal(G, math.sqrt(c)).rsample()
    mine_G, mine_X = ref.sample_from_prior(zeta, draw.numpy(), c, W1, b1, W2, b2)
    np.testing.assert_allclose(mine_G, G.numpy(), rtol=1e-12)
    np.testing.assert_allclose(mine_X, X.numpy(), rtol=1e-12)
    for theirs, mine in zip(ref_torch.sample_from_prior(zeta, eps, c, W1, b1, W2, b2), ref.sample_from_prior(zeta, eps, c, W1, b1, W2, b2)):
        np.testing.assert_allclose(theirs.numpy(), mine, rtol=1e-12)


def test_the_docstrings_worked_examples(solutions):
    module = solutions("vae")
    for source in (ref, module):
        np.testing.assert_allclose(source.reparametrise([[1.0, -2.0]], [[0.5, 2.0]], [[2.0, -1.0]]), [[2.0, -4.0]])
        terms, totals = source.kl_divergence([[0.0, 1.0, 0.0]], [[0.0, 0.0, math.log(4.0)]])
        np.testing.assert_allclose(terms, [[0.0, 0.5, 0.5 * (3 - math.log(4.0))]], atol=1e-15)
        np.testing.assert_allclose(totals, [1.0 + 0.5 * (3 - math.log(4.0)) - 0.5], rtol=1e-12)
        assert totals[0] == pytest.approx(1.30685, abs=1e-5)
        terms, totals = source.kl_divergence_sigma([[0.0, 1.0]], [[2.0, 1.0]])
        assert totals[0] == pytest.approx(1.30685, abs=1e-5)
        assert source.vae_loss([[1.0, 0.0]], [[0.5, 0.5]], [[1.0]], [[0.0]], 2.0) == pytest.approx((1.5, 1.0, 0.5))
        G, X = source.sample_from_prior([[1.0]], [[2.0]], 0.25, [[2.0]], [-2.0], [[1.0]], [0.0])
        np.testing.assert_allclose(G, [[0.5]])
        np.testing.assert_allclose(X, [[1.5]])
    h = module.reparametrised_sample(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, math.log(4.0)]]), torch.tensor([[0.5, -1.0]]))
    np.testing.assert_allclose(h.numpy(), [[1.5, -2.0]], rtol=1e-6)


def test_solution_agrees_with_the_references(solutions):
    module = solutions("vae")
    rng = np.random.default_rng(8)
    for _ in range(3):
        case = reparametrise_case(rng)
        np.testing.assert_allclose(module.reparametrise(*case), ref.reparametrise(*case))
        for name, case in (("kl_divergence", kl_case(rng)), ("kl_divergence_sigma", kl_sigma_case(rng))):
            for mine, theirs in zip(getattr(module, name)(*case), getattr(ref_torch, name)(*case)):
                np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-12)
        case = vae_loss_case(rng)
        assert module.vae_loss(*case) == pytest.approx(ref.vae_loss(*case), rel=1e-12)
        case = prior_case(rng)
        for mine, theirs in zip(module.sample_from_prior(*case), ref_torch.sample_from_prior(*case)):
            np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-12)
