"""The GAN and WGAN references in torch; they agree with :mod:`reference.gans`.

The costs are torch's own losses where it has them (``F.binary_cross_entropy``
halved for each of the notes' 1/2 terms), and every gradient is autograd's:
the generator's gradient with respect to the discriminator's logits, the
training steps' parameter gradients, and the gradient penalty's, which
differentiates through ``torch.autograd.grad(..., create_graph=True)``. The
steps update the parameters with ``torch.optim.SGD``. The costs are computed
in float64; the training steps in the networks' own dtype.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64).clone()


def discriminator_cost(d_real, d_fake) -> float:
    """The torch twin of :func:`reference.gans.discriminator_cost`: d_real (m,), d_fake (n,)."""
    d_real, d_fake = _tensor(d_real), _tensor(d_fake)
    real = F.binary_cross_entropy(d_real, torch.ones_like(d_real))
    fake = F.binary_cross_entropy(d_fake, torch.zeros_like(d_fake))
    return float(0.5 * real + 0.5 * fake)


def generator_cost(d_real, d_fake, form):
    """The torch twin of :func:`reference.gans.generator_cost`; the gradient is autograd's with respect to the logits."""
    d_real, d_fake = _tensor(d_real), _tensor(d_fake)
    logits = torch.logit(d_fake).requires_grad_(True)
    fake = torch.sigmoid(logits)
    if form == "minimax":
        cost = -(0.5 * F.binary_cross_entropy(d_real, torch.ones_like(d_real))
                 + 0.5 * F.binary_cross_entropy(fake, torch.zeros_like(fake)))
    elif form == "non_saturating":
        cost = 0.5 * F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    else:
        raise ValueError(f"form is 'minimax' or 'non_saturating', not {form!r}")
    (gradient,) = torch.autograd.grad(cost, logits)
    return float(cost.detach()), gradient


def optimal_discriminator(data_counts, generated_counts) -> torch.Tensor:
    """The torch twin of :func:`reference.gans.optimal_discriminator`: two histograms (b,) over the same bins."""
    data, generated = _tensor(data_counts), _tensor(generated_counts)
    p_data, p_g = data / data.sum(), generated / generated.sum()
    total = p_data + p_g
    return torch.where(total > 0, p_data / torch.where(total > 0, total, torch.ones_like(total)), torch.full_like(total, 0.5))


def wgan_losses(f_real, f_fake) -> tuple[float, float]:
    """The torch twin of :func:`reference.gans.wgan_losses`: f_real (m,), f_fake (n,)."""
    f_real, f_fake = _tensor(f_real), _tensor(f_fake)
    return float(f_fake.mean() - f_real.mean()), float(-f_fake.mean())


def gan_step(generator, discriminator, x_real, z, lr):
    """The torch twin of :func:`reference.gans.gan_step`, with torch.optim.SGD and torch's binary cross-entropy."""
    d_optimiser = torch.optim.SGD(discriminator.parameters(), lr=lr)
    g_optimiser = torch.optim.SGD(generator.parameters(), lr=lr)
    with torch.no_grad():
        fake = generator(z)
    d_real, d_fake = discriminator(x_real), discriminator(fake)
    d_loss = 0.5 * F.binary_cross_entropy(d_real, torch.ones_like(d_real)) \
        + 0.5 * F.binary_cross_entropy(d_fake, torch.zeros_like(d_fake))
    d_optimiser.zero_grad()
    d_loss.backward()
    d_optimiser.step()

    d_fake = discriminator(generator(z))
    g_loss = 0.5 * F.binary_cross_entropy(d_fake, torch.ones_like(d_fake))
    g_optimiser.zero_grad()
    g_loss.backward()
    g_optimiser.step()
    discriminator.zero_grad()
    return float(d_loss.detach()), float(g_loss.detach())


def wgan_step(critic, generator, x_real, z, lr, c):
    """The torch twin of :func:`reference.gans.wgan_step`, with torch.optim.SGD and clamp_."""
    c_optimiser = torch.optim.SGD(critic.parameters(), lr=lr)
    g_optimiser = torch.optim.SGD(generator.parameters(), lr=lr)
    losses = []
    for x, noise in zip(x_real, z[:-1]):
        with torch.no_grad():
            fake = generator(noise)
        loss = critic(fake).mean() - critic(x).mean()
        c_optimiser.zero_grad()
        loss.backward()
        c_optimiser.step()
        with torch.no_grad():
            for parameter in critic.parameters():
                parameter.clamp_(-c, c)
        losses.append(float(loss.detach()))
    g_loss = -critic(generator(z[-1])).mean()
    g_optimiser.zero_grad()
    g_loss.backward()
    g_optimiser.step()
    critic.zero_grad()
    return losses, float(g_loss.detach())


def wgan_gp_critic_step(critic, x_real, x_fake, eps, lr, lam):
    """The torch twin of :func:`reference.gans.wgan_gp_critic_step`: the penalty by autograd.grad with create_graph."""
    optimiser = torch.optim.SGD(critic.parameters(), lr=lr)
    eps = eps.reshape(-1, 1)
    points = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (gradient,) = torch.autograd.grad(critic(points).sum(), points, create_graph=True)
    penalty = lam * ((gradient.norm(dim=1) - 1) ** 2).mean()
    loss = critic(x_fake).mean() - critic(x_real).mean() + penalty
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return float(loss.detach()), float(penalty.detach())
