"""Generative adversarial networks and Wasserstein GANs (course notes 1.10.2 and 1.10.3).

Conventions used by every function in this module (the notes'; where torch's
differ, the function says so, and the checks tell them apart):

- D(x) is the discriminator's probability that x is REAL (notes 1.10.2.1):
  a real example's target is 1, a generated one's is 0.
- each expectation is a MEAN over its own batch: E_x over the m real
  examples, E_z over the n generated ones (m and n may differ).
- the costs are the ones each player MINIMISES, with the notes' 1/2 factors:
  ``L_D = -1/2 E_x[log D(x)] - 1/2 E_z[log(1 - D(G(z)))]``. torch's
  ``F.binary_cross_entropy`` is a mean WITHOUT the 1/2: halve each term.
- the notes print the non-saturating generator cost as
  ``1/2 E_z log D(G(z))`` (1.10.2.2); that is a slip: the generator wants
  D(G(z)) near 1, and the cost it minimises is ``-1/2 E_z log D(G(z))``.
- a WGAN's critic f has a LINEAR last layer (no sigmoid): its scores are any
  real numbers. Its parameters are clipped to [-c, c] after each update.
- the training steps are plain gradient descent with the rate ``lr`` given,
  ``p <- p - lr dL/dp`` (``torch.optim.SGD(params, lr=lr)`` or by hand under
  ``torch.no_grad()``); the noise and the real batches are passed in, so a
  step draws nothing at random.

Inputs: the cost functions take NumPy arrays (or lists) of floats, float64
or float32, and return Python floats and NumPy arrays (float32 answers are
compared with float32 tolerances, relative 1e-4, absolute 1e-6). The
training steps take torch modules built by the grader (float32, parameters
named ``layers.0.weight``, ``layers.0.bias``, ... as ``nn.Linear`` layers
in an ``nn.ModuleList``) and float32 tensors; they change the modules in
place and return Python floats. Each call may use the CPU time your course
gives a call (a few seconds); every function here needs a few milliseconds
(the first step that creates a ``torch.optim`` optimiser in a process also
loads that part of torch, once).

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check gans``).
"""

import numpy as np
import torch
import torch.nn.functional as F


def discriminator_cost(d_real, d_fake):
    """Return the notes' discriminator cost ``L_D = -1/2 E_x[log D(x)] - 1/2 E_z[log(1 - D(G(z)))]``.

    Time budget: 2 s of CPU per call (the course default).

    The discriminator minimises it: it is the binary cross-entropy of a
    classifier whose target is 1 for the real examples and 0 for the
    generated ones, each batch's mean weighted by the notes' 1/2. The two
    batches may differ in size: take each expectation over its own batch
    (NOT one mean over the m + n examples together).
    For example ``d_real = [0.8, 0.5]``, ``d_fake = [0.2]`` give
    ``L_D = -1/2 (ln 0.8 + ln 0.5) / 2 - 1/2 ln 0.8 = 0.34064``.

    Parameters
    ----------
    d_real : ndarray of shape (m,)
        D(x) for m real examples, each in (0, 1)
    d_fake : ndarray of shape (n,)
        D(G(z)) for n generated examples, each in (0, 1)

    Returns
    -------
    float
    """
    d_real, d_fake = np.asarray(d_real, dtype=float), np.asarray(d_fake, dtype=float)
    return float(-0.5 * np.mean(np.log(d_real)) - 0.5 * np.mean(np.log(1.0 - d_fake)))


def generator_cost(d_real, d_fake, form):
    """Return the generator's cost and its gradient with respect to the discriminator's logits on the fakes.

    Time budget: 2 s of CPU per call (the course default).

    ``form == "minimax"`` (the zero-sum game): ``L_G = -L_D``, both terms:
    ``L_G = 1/2 E_x[log D(x)] + 1/2 E_z[log(1 - D(G(z)))]``.
    ``form == "non_saturating"``: ``L_G = -1/2 E_z[log D(G(z))]`` (the notes
    print it without the minus, a slip; d_real is not used).
    The gradient is taken with respect to the discriminator's logits
    ``a_i`` on the n fakes, where ``D(G(z_i)) = sigmoid(a_i)``: an array of
    shape (n,). Where the discriminator rejects the fakes (D(G(z)) near 0)
    the minimax gradient nearly vanishes and the non-saturating one does not.
    For example ``d_real = [0.8, 0.5]``, ``d_fake = [0.2, 0.6]``: minimax
    ``L_G = 1/2 (ln 0.8 + ln 0.5)/2 + 1/2 (ln 0.8 + ln 0.4)/2 = -0.51393``
    with gradient ``[-0.05, -0.15]``; non-saturating
    ``L_G = -1/2 (ln 0.2 + ln 0.6)/2 = 0.53007`` with gradient ``[-0.2, -0.1]``.

    Parameters
    ----------
    d_real : ndarray of shape (m,)
        D(x) for m real examples, each in (0, 1)
    d_fake : ndarray of shape (n,)
        D(G(z)) for n generated examples, each in (0, 1)
    form : str
        "minimax" or "non_saturating"

    Returns
    -------
    tuple (L_G, dL_G_da)
        L_G a float; dL_G_da an ndarray of shape (n,)
    """
    d_real, d_fake = np.asarray(d_real, dtype=float), np.asarray(d_fake, dtype=float)
    n = len(d_fake)
    if form == "minimax":
        cost = 0.5 * np.mean(np.log(d_real)) + 0.5 * np.mean(np.log(1.0 - d_fake))
        return float(cost), -d_fake / (2 * n)
    return float(-0.5 * np.mean(np.log(d_fake))), -(1.0 - d_fake) / (2 * n)


def optimal_discriminator(data_counts, generated_counts):
    """Return the optimal discriminator ``D*(x) = p_data(x) / (p_data(x) + p_g(x))`` in each bin of two histograms.

    Time budget: 2 s of CPU per call (the course default).

    ``data_counts`` and ``generated_counts`` count the real and the generated
    samples over the SAME bins. Turn each into a density first: a bin's
    density is its count divided by its histogram's total (and by the bin's
    width, which is the same for both and cancels in the ratio). The two
    samples may have different sizes. In a bin where BOTH counts are 0 the
    ratio is 0/0: return 1/2 there (D* where p_data = p_g).
    For example counts ``[3, 1, 0, 0]`` and ``[1, 1, 2, 0]`` give densities
    ``[0.75, 0.25, 0, 0]`` and ``[0.25, 0.25, 0.5, 0]``, so
    ``D* = [0.75, 0.5, 0, 0.5]``.

    Parameters
    ----------
    data_counts : ndarray of shape (b,)
        non-negative counts (ints or floats) of real samples per bin, not all 0
    generated_counts : ndarray of shape (b,)
        non-negative counts of generated samples per bin, not all 0

    Returns
    -------
    ndarray of shape (b,)
    """
    data, generated = np.asarray(data_counts, dtype=float), np.asarray(generated_counts, dtype=float)
    p_data, p_g = data / data.sum(), generated / generated.sum()
    total = p_data + p_g
    answer = np.full(len(total), 0.5)
    seen = total > 0
    answer[seen] = p_data[seen] / total[seen]
    return answer


def wgan_losses(f_real, f_fake):
    """Return the WGAN's critic loss ``E_z[f(G(z))] - E_x[f(x)]`` and generator loss ``-E_z[f(G(z))]``.

    Time budget: 2 s of CPU per call (the course default).

    The scores are the critic's LINEAR outputs (no sigmoid). The critic
    maximises ``E_x[f(x)] - E_z[f(G(z))]`` (notes 1.10.3.1), so the loss it
    minimises is the negative of that; the generator minimises
    ``-E_z[f(G(z))]``. Each expectation is a mean over its own batch.
    For example ``f_real = [2, 4]``, ``f_fake = [-1, 0, 1]`` give ``(-3, 0)``;
    ``f_real = [1.5]``, ``f_fake = [3, -0.5]`` give ``(-0.25, -1.25)``.

    Parameters
    ----------
    f_real : ndarray of shape (m,)
        the critic's scores of m real examples
    f_fake : ndarray of shape (n,)
        the critic's scores of n generated examples

    Returns
    -------
    tuple (float, float)
        the critic's loss and the generator's loss
    """
    f_real, f_fake = np.asarray(f_real, dtype=float), np.asarray(f_fake, dtype=float)
    return float(f_fake.mean() - f_real.mean()), float(-f_fake.mean())


def gan_step(generator, discriminator, x_real, z, lr):
    """Take one alternating GAN training step: the discriminator's update, then the generator's.

    Time budget: 2 s of CPU per call (the course default).

    1. The discriminator's step: ``L_D = -1/2 mean log D(x_real) - 1/2 mean
       log(1 - D(G(z)))``, with G(z) held fixed (detached: this step does not
       change the generator); every parameter of the discriminator takes
       ``p <- p - lr dL_D/dp``.
    2. The generator's step, through the discriminator AS UPDATED in 1:
       the non-saturating cost ``L_G = -1/2 mean log D(G(z))`` (the notes
       print it without the minus, a slip), with the same z; every parameter
       of the generator takes ``p <- p - lr dL_G/dp``, and the discriminator
       does not change.
    Both updates are plain SGD with rate lr (``torch.optim.SGD`` or by hand).
    torch's ``F.binary_cross_entropy`` is a mean without the 1/2: halve it.
    ``backward()`` adds to ``.grad``: zero the gradients each update uses.

    Parameters
    ----------
    generator : torch.nn.Module
        maps noise of shape (m, k) to samples of shape (m, 1)
    discriminator : torch.nn.Module
        maps samples of shape (m, 1) to probabilities D of shape (m, 1)
        (its last layer is a sigmoid)
    x_real : torch.Tensor of shape (m, 1), float32
        real samples of a 1-D Gaussian
    z : torch.Tensor of shape (m, k), float32
        the noise
    lr : float

    Returns
    -------
    tuple (float, float)
        L_D before the discriminator's update and L_G before the generator's
    """
    d_optimiser = torch.optim.SGD(discriminator.parameters(), lr=lr)
    g_optimiser = torch.optim.SGD(generator.parameters(), lr=lr)
    fake = generator(z).detach()
    d_real, d_fake = discriminator(x_real), discriminator(fake)
    d_loss = -0.5 * torch.log(d_real).mean() - 0.5 * torch.log(1 - d_fake).mean()
    d_optimiser.zero_grad()
    d_loss.backward()
    d_optimiser.step()

    g_loss = -0.5 * torch.log(discriminator(generator(z))).mean()
    g_optimiser.zero_grad()
    g_loss.backward()
    g_optimiser.step()
    return d_loss.item(), g_loss.item()


def wgan_step(critic, generator, x_real, z, lr, c):
    """Take one WGAN training step: ``n_critic`` critic updates, each followed by clipping, then one generator update.

    Time budget: 2 s of CPU per call (the course default).

    ``n_critic = x_real.shape[0]``. Critic update i (i = 0 .. n_critic - 1)
    uses the real batch ``x_real[i]`` and the noise ``z[i]``:
    ``L_C = mean f(G(z[i])) - mean f(x_real[i])`` (the critic maximises
    ``E[f(x)] - E[f(G(z))]``, so it descends the negative), with G(z) held
    fixed; ``p <- p - lr dL_C/dp`` for every critic parameter; THEN every
    critic parameter (weights and biases) is clipped to ``[-c, c]``
    (the notes: with [-5, 5], 14 and 16 become 5 and -4.2 stays).
    The generator's update uses the last noise batch ``z[-1]``:
    ``L_G = -mean f(G(z[-1]))``, ``p <- p - lr dL_G/dp`` for every generator
    parameter; the critic does not change and the generator is not clipped.
    The critic's last layer is linear: use its scores as they are, with no
    sigmoid. Plain SGD with rate lr; zero the gradients each update uses.

    Parameters
    ----------
    critic : torch.nn.Module
        maps samples of shape (m, 1) to scores of shape (m, 1) (linear output)
    generator : torch.nn.Module
        maps noise of shape (m, k) to samples of shape (m, 1)
    x_real : torch.Tensor of shape (n_critic, m, 1), float32
        one real batch per critic update
    z : torch.Tensor of shape (n_critic + 1, m, k), float32
        one noise batch per critic update, and the last for the generator
    lr : float
    c : float
        the clipping bound

    Returns
    -------
    tuple (list, float)
        the n_critic critic losses, each before its update, and L_G before the generator's update
    """
    c_optimiser = torch.optim.SGD(critic.parameters(), lr=lr)
    g_optimiser = torch.optim.SGD(generator.parameters(), lr=lr)
    losses = []
    for i in range(x_real.shape[0]):
        fake = generator(z[i]).detach()
        loss = critic(fake).mean() - critic(x_real[i]).mean()
        c_optimiser.zero_grad()
        loss.backward()
        c_optimiser.step()
        with torch.no_grad():
            for parameter in critic.parameters():
                parameter.clamp_(-c, c)
        losses.append(loss.item())
    g_loss = -critic(generator(z[-1])).mean()
    g_optimiser.zero_grad()
    g_loss.backward()
    g_optimiser.step()
    return losses, g_loss.item()


def wgan_gp_critic_step(critic, x_real, x_fake, eps, lr, lam):
    """Take one critic update of a WGAN with a gradient penalty (WGAN-GP), which the notes do not have.

    Time budget: 2 s of CPU per call (the course default).

    The notes keep the critic Lipschitz by clipping its weights (1.10.3.1);
    the gradient penalty (Gulrajani et al., 2017, "Improved training of
    Wasserstein GANs") is an extension beyond the notes that replaces the
    clipping: it pushes the norm of the critic's gradient with respect to
    its input towards 1 at points between real and generated examples.
    With ``x_hat_i = eps_i x_real_i + (1 - eps_i) x_fake_i`` (eps given, one
    number per example):
    ``penalty = lam * mean_i (||grad_x f(x_hat_i)||_2 - 1)^2``, the norm of
    each example's input gradient over its d features, and
    ``L = mean f(x_fake) - mean f(x_real) + penalty``.
    Then ``p <- p - lr dL/dp`` for every critic parameter; no clipping.
    The penalty depends on a gradient: compute it with
    ``torch.autograd.grad(..., create_graph=True)`` so that its own gradient
    reaches the parameters.

    Parameters
    ----------
    critic : torch.nn.Module
        maps points of shape (m, d) to scores of shape (m, 1) (linear output)
    x_real, x_fake : torch.Tensor of shape (m, d), float32
    eps : torch.Tensor of shape (m, 1), float32, each in [0, 1]
    lr : float
    lam : float
        the penalty's weight lambda

    Returns
    -------
    tuple (float, float)
        L and its penalty term, both before the update
    """
    optimiser = torch.optim.SGD(critic.parameters(), lr=lr)
    points = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (gradient,) = torch.autograd.grad(critic(points).sum(), points, create_graph=True)
    penalty = lam * ((gradient.norm(dim=1) - 1) ** 2).mean()
    loss = critic(x_fake).mean() - critic(x_real).mean() + penalty
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return loss.item(), penalty.item()
