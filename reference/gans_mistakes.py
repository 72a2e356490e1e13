"""Known mistakes in the GAN and WGAN exercises, each a variant of a reference.

Every function has the signature of the reference it varies (the costs vary
:mod:`reference.gans`, the training steps :mod:`reference.gans_torch`); the
exercise declarations in ``grader/catalog/gans.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from reference.gans import discriminator_cost, generator_cost, optimal_discriminator


def _floats(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


# -- discriminator_cost --------------------------------------------------------------


def discriminator_cost_labels_swapped(d_real, d_fake):
    """The real examples scored with log(1 - D) and the fakes with log D."""
    return discriminator_cost(d_fake, d_real)


def discriminator_cost_no_half(d_real, d_fake):
    """The two cross-entropies added without the notes' 1/2 factors."""
    return 2.0 * discriminator_cost(d_real, d_fake)


def discriminator_cost_pooled_mean(d_real, d_fake):
    """One mean over the m + n examples pooled, instead of 1/2 of each batch's mean."""
    d_real, d_fake = _floats(d_real), _floats(d_fake)
    return float(-(np.log(d_real).sum() + np.log1p(-d_fake).sum()) / (len(d_real) + len(d_fake)))


def discriminator_cost_value_function(d_real, d_fake):
    """Returns V = -L_D, the quantity the discriminator maximises, instead of the cost it minimises."""
    return -discriminator_cost(d_real, d_fake)


# -- generator_cost ------------------------------------------------------------------


def generator_cost_sign_slip(d_real, d_fake, form):
    """The notes' printed non-saturating cost, +1/2 E log D(G(z)), and its gradient."""
    cost, gradient = generator_cost(d_real, d_fake, form)
    return (-cost, -gradient) if form == "non_saturating" else (cost, gradient)


def generator_cost_gradient_through_log_one_minus_d(d_real, d_fake, form):
    """The non-saturating cost with the gradient of log(1 - D), the minimax one."""
    cost, _ = generator_cost(d_real, d_fake, form)
    return cost, generator_cost(d_real, d_fake, "minimax")[1]


def generator_cost_gradient_with_respect_to_d(d_real, d_fake, form):
    """The gradient with respect to the probabilities D(G(z)) instead of the logits."""
    d_fake = _floats(d_fake)
    cost, _ = generator_cost(d_real, d_fake, form)
    n = d_fake.shape[0]
    return cost, (-1.0 / (2 * n * (1.0 - d_fake)) if form == "minimax" else -1.0 / (2 * n * d_fake))


def generator_cost_real_term_dropped(d_real, d_fake, form):
    """The minimax cost as 1/2 E log(1 - D(G(z))) only, without -L_D's real term."""
    cost, gradient = generator_cost(d_real, d_fake, form)
    if form == "minimax":
        cost = float(0.5 * np.log1p(-_floats(d_fake)).mean())
    return cost, gradient


# -- optimal_discriminator -----------------------------------------------------------


def optimal_discriminator_counts_not_normalised(data_counts, generated_counts):
    """The raw counts compared, c_data / (c_data + c_g), without dividing each by its total."""
    data, generated = _floats(data_counts), _floats(generated_counts)
    total = data + generated
    return np.where(total > 0, data / np.where(total > 0, total, 1.0), 0.5)


def optimal_discriminator_swapped(data_counts, generated_counts):
    """p_g / (p_data + p_g): the probability that x is generated."""
    return 1.0 - optimal_discriminator(data_counts, generated_counts)


def optimal_discriminator_empty_bins_nan(data_counts, generated_counts):
    """0 / 0 left as NaN in the bins where both histograms are empty."""
    answer = optimal_discriminator(data_counts, generated_counts)
    empty = (_floats(data_counts) == 0) & (_floats(generated_counts) == 0)
    return np.where(empty, np.nan, answer)


def optimal_discriminator_empty_bins_zero(data_counts, generated_counts):
    """0 in the bins where both histograms are empty."""
    answer = optimal_discriminator(data_counts, generated_counts)
    empty = (_floats(data_counts) == 0) & (_floats(generated_counts) == 0)
    return np.where(empty, 0.0, answer)


# -- wgan_losses ---------------------------------------------------------------------


def wgan_losses_sigmoid_on_the_critic(f_real, f_fake):
    """The scores squashed by a sigmoid before they are averaged."""
    squash = lambda f: 1.0 / (1.0 + np.exp(-_floats(f)))  # noqa: E731
    real, fake = squash(f_real), squash(f_fake)
    return float(fake.mean() - real.mean()), float(-fake.mean())


def wgan_losses_critic_sign(f_real, f_fake):
    """The critic's loss as E f(x) - E f(G(z)), the quantity it maximises."""
    f_real, f_fake = _floats(f_real), _floats(f_fake)
    return float(f_real.mean() - f_fake.mean()), float(-f_fake.mean())


def wgan_losses_generator_sign(f_real, f_fake):
    """The generator's loss as +E f(G(z))."""
    f_real, f_fake = _floats(f_real), _floats(f_fake)
    return float(f_fake.mean() - f_real.mean()), float(f_fake.mean())


# -- gan_step ------------------------------------------------------------------------


def _bce(p, target):
    return F.binary_cross_entropy(p, torch.full_like(p, float(target)))


def _sgd(parameters, lr):
    with torch.no_grad():
        for parameter in parameters:
            if parameter.grad is not None:
                parameter -= lr * parameter.grad


def _gan_step(generator, discriminator, x_real, z, lr, *, d_cost, g_cost, old_discriminator=False, detach=True):
    """A GAN step whose costs are given (functions of D's outputs), stepped by hand."""
    generator.zero_grad()
    discriminator.zero_grad()
    fake = generator(z)
    if old_discriminator:
        g_loss = g_cost(discriminator(fake))
        g_grads = torch.autograd.grad(g_loss, list(generator.parameters()))
    d_loss = d_cost(discriminator(x_real), discriminator(fake.detach() if detach else fake))
    d_loss.backward()
    _sgd(discriminator.parameters(), lr)
    if old_discriminator:
        with torch.no_grad():
            for parameter, gradient in zip(generator.parameters(), g_grads):
                parameter -= lr * gradient
    else:
        discriminator.zero_grad()
        if detach:
            generator.zero_grad()
        g_loss = g_cost(discriminator(generator(z)))
        g_loss.backward()
        _sgd(generator.parameters(), lr)
    generator.zero_grad()
    discriminator.zero_grad()
    return float(d_loss.detach()), float(g_loss.detach())


def _d_cost(d_real, d_fake):
    return 0.5 * _bce(d_real, 1) + 0.5 * _bce(d_fake, 0)


def _g_cost(d_fake):
    return 0.5 * _bce(d_fake, 1)


def gan_step_generator_through_log_one_minus_d(generator, discriminator, x_real, z, lr):
    """The generator trained on the minimax form, minimising 1/2 E log(1 - D(G(z)))."""
    return _gan_step(generator, discriminator, x_real, z, lr, d_cost=_d_cost,
                     g_cost=lambda d_fake: -0.5 * _bce(d_fake, 0))


def gan_step_sign_slip(generator, discriminator, x_real, z, lr):
    """The generator minimising the notes' printed +1/2 E log D(G(z))."""
    return _gan_step(generator, discriminator, x_real, z, lr, d_cost=_d_cost, g_cost=lambda d_fake: -_g_cost(d_fake))


def gan_step_labels_swapped(generator, discriminator, x_real, z, lr):
    """The discriminator trained to call the real examples fake and the fakes real."""
    return _gan_step(generator, discriminator, x_real, z, lr,
                     d_cost=lambda d_real, d_fake: 0.5 * _bce(d_real, 0) + 0.5 * _bce(d_fake, 1), g_cost=_g_cost)


def gan_step_no_half(generator, discriminator, x_real, z, lr):
    """Both costs as torch's binary cross-entropies without the notes' 1/2 factors."""
    return _gan_step(generator, discriminator, x_real, z, lr,
                     d_cost=lambda d_real, d_fake: _bce(d_real, 1) + _bce(d_fake, 0), g_cost=lambda d_fake: _bce(d_fake, 1))


def gan_step_old_discriminator(generator, discriminator, x_real, z, lr):
    """The generator's gradient taken through the discriminator as it was before its step."""
    return _gan_step(generator, discriminator, x_real, z, lr, d_cost=_d_cost, g_cost=_g_cost, old_discriminator=True)


def gan_step_fakes_not_detached(generator, discriminator, x_real, z, lr):
    """G(z) not detached in the discriminator's step, and the generator's gradients not zeroed before its own."""
    return _gan_step(generator, discriminator, x_real, z, lr, d_cost=_d_cost, g_cost=_g_cost, detach=False)


# -- wgan_step -----------------------------------------------------------------------


def _clamp(module, c):
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.clamp_(-c, c)


def _wgan_step(critic, generator, x_real, z, lr, c, *, score=lambda f: f, critic_sign=1.0, clip_first=False,
               clip_generator=False):
    losses = []
    for x, noise in zip(x_real, z[:-1]):
        if clip_first:
            _clamp(critic, c)
        critic.zero_grad()
        fake = generator(noise).detach()
        loss = critic_sign * (score(critic(fake)).mean() - score(critic(x)).mean())
        loss.backward()
        _sgd(critic.parameters(), lr)
        if not clip_first:
            _clamp(critic, c)
        losses.append(float(loss.detach()))
    generator.zero_grad()
    g_loss = -score(critic(generator(z[-1]))).mean()
    g_loss.backward()
    _sgd(generator.parameters(), lr)
    if clip_generator:
        _clamp(generator, c)
    critic.zero_grad()
    generator.zero_grad()
    return losses, float(g_loss.detach())


def wgan_step_sigmoid_on_the_critic(critic, generator, x_real, z, lr, c):
    """The critic's scores passed through a sigmoid, as a GAN's discriminator's would be."""
    return _wgan_step(critic, generator, x_real, z, lr, c, score=torch.sigmoid)


def wgan_step_generator_clipped(critic, generator, x_real, z, lr, c):
    """The generator's weights clipped to [-c, c] after its update, as the critic's are."""
    return _wgan_step(critic, generator, x_real, z, lr, c, clip_generator=True)


def wgan_step_clipped_before_the_update(critic, generator, x_real, z, lr, c):
    """The critic's weights clipped before each update instead of after it."""
    return _wgan_step(critic, generator, x_real, z, lr, c, clip_first=True)


def wgan_step_critic_sign(critic, generator, x_real, z, lr, c):
    """The critic minimising E f(x) - E f(G(z)), the quantity it should maximise."""
    return _wgan_step(critic, generator, x_real, z, lr, c, critic_sign=-1.0)


def wgan_step_not_clipped(critic, generator, x_real, z, lr, c):
    """The critic's weights never clipped."""
    return _wgan_step(critic, generator, x_real, z, lr, float("inf"))


# -- wgan_gp_critic_step -------------------------------------------------------------


def _gp_step(critic, x_real, x_fake, eps, lr, lam, *, create_graph=True, squared=False, swapped=False, batch_norm=False):
    eps = eps.reshape(-1, 1)
    if swapped:
        eps = 1 - eps
    points = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (gradient,) = torch.autograd.grad(critic(points).sum(), points, create_graph=create_graph)
    if batch_norm:
        penalty = lam * (gradient.norm() - 1) ** 2
    elif squared:
        penalty = lam * (((gradient**2).sum(dim=1) - 1) ** 2).mean()
    else:
        penalty = lam * ((gradient.norm(dim=1) - 1) ** 2).mean()
    loss = critic(x_fake).mean() - critic(x_real).mean() + penalty
    critic.zero_grad()
    loss.backward()
    _sgd(critic.parameters(), lr)
    critic.zero_grad()
    return float(loss.detach()), float(penalty.detach())


def wgan_gp_critic_step_without_create_graph(critic, x_real, x_fake, eps, lr, lam):
    """The input gradient taken without create_graph, so the penalty sends no gradient to the critic's parameters."""
    return _gp_step(critic, x_real, x_fake, eps, lr, lam, create_graph=False)


def wgan_gp_critic_step_squared_norm(critic, x_real, x_fake, eps, lr, lam):
    """The penalty on the squared norm, (||grad||^2 - 1)^2."""
    return _gp_step(critic, x_real, x_fake, eps, lr, lam, squared=True)


def wgan_gp_critic_step_interpolation_swapped(critic, x_real, x_fake, eps, lr, lam):
    """x_hat = (1 - eps) x_real + eps x_fake: eps weights the fakes."""
    return _gp_step(critic, x_real, x_fake, eps, lr, lam, swapped=True)


def wgan_gp_critic_step_one_norm_for_the_batch(critic, x_real, x_fake, eps, lr, lam):
    """One norm of the whole batch's input gradients instead of one per example."""
    return _gp_step(critic, x_real, x_fake, eps, lr, lam, batch_norm=True)
