"""NumPy references of the GAN and WGAN exercises (course notes 1.10.2 and 1.10.3).

The costs follow the notes: the discriminator's cost with its two 1/2
factors, the generator's minimax cost L_G = -L_D and its non-saturating cost
L_G = -1/2 E_z log D(G(z)) (the notes print it without the minus, a slip:
with it the generator would push D(G(z)) down), the optimal discriminator
D* = p_data / (p_data + p_g), and the WGAN's critic and generator losses.

The training steps take the grader's NumPy networks
(:class:`grader.object_scripts.NumpyNetwork`: ``weights[i]`` is
``layers.i.weight``, ``biases[i]`` ``layers.i.bias``) and backpropagate by
hand, so the torch exercises are checked against arithmetic written out
here; the gradient penalty's gradient with respect to the critic's
parameters (a derivative of a derivative) is written out for a critic with
one sigmoid hidden layer. Everything is float64.
"""

from __future__ import annotations

import numpy as np


def _sigmoid(a: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _floats(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


# -- costs ------------------------------------------------------------------------------------


def discriminator_cost(d_real, d_fake):
    """The notes' discriminator cost ``L_D = -1/2 E_x[log D(x)] - 1/2 E_z[log(1 - D(G(z)))]``.

    Each expectation is the mean over its own batch; the two batches may
    differ in size, so the cost is not one mean over the pooled batch.

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
    d_real, d_fake = _floats(d_real), _floats(d_fake)
    return float(-0.5 * np.log(d_real).mean() - 0.5 * np.log1p(-d_fake).mean())


def generator_cost(d_real, d_fake, form):
    """The generator's cost and its gradient with respect to the discriminator's logits on the fakes.

    ``form == "minimax"``: ``L_G = -L_D = 1/2 E_x[log D(x)] + 1/2 E_z[log(1 - D(G(z)))]``;
    ``form == "non_saturating"``: ``L_G = -1/2 E_z[log D(G(z))]``.
    With ``D(G(z_i)) = sigmoid(a_i)`` the gradients are ``dL_G/da_i = -D_i / (2n)``
    (minimax) and ``-(1 - D_i) / (2n)`` (non-saturating).

    Parameters
    ----------
    d_real : ndarray of shape (m,)
    d_fake : ndarray of shape (n,)
    form : str, "minimax" or "non_saturating"

    Returns
    -------
    tuple (float, ndarray of shape (n,))
    """
    d_real, d_fake = _floats(d_real), _floats(d_fake)
    n = d_fake.shape[0]
    if form == "minimax":
        return -discriminator_cost(d_real, d_fake), -d_fake / (2 * n)
    if form == "non_saturating":
        return float(-0.5 * np.log(d_fake).mean()), -(1.0 - d_fake) / (2 * n)
    raise ValueError(f"form is 'minimax' or 'non_saturating', not {form!r}")


def optimal_discriminator(data_counts, generated_counts):
    """``D*(x) = p_data(x) / (p_data(x) + p_g(x))`` per bin, from two histograms over the same bins.

    Each histogram is normalised by its own total (a bin's density is its
    count over the total and the bin's width; the width cancels in the
    ratio). A bin where both densities are 0 gets 1/2.

    Parameters
    ----------
    data_counts : ndarray of shape (b,)
        non-negative counts of real samples per bin, not all 0
    generated_counts : ndarray of shape (b,)
        non-negative counts of generated samples per bin, not all 0

    Returns
    -------
    ndarray of shape (b,), float64
    """
    data, generated = _floats(data_counts), _floats(generated_counts)
    p_data, p_g = data / data.sum(), generated / generated.sum()
    total = p_data + p_g
    return np.where(total > 0, p_data / np.where(total > 0, total, 1.0), 0.5)


def wgan_losses(f_real, f_fake):
    """The WGAN's losses to minimise: the critic's ``E_z[f(G(z))] - E_x[f(x)]`` and the generator's ``-E_z[f(G(z))]``.

    The critic maximises ``E_x[f(x)] - E_z[f(G(z))]`` (notes 1.10.3.1), so
    its loss is the negative; the scores are the critic's linear outputs.

    Parameters
    ----------
    f_real : ndarray of shape (m,)
    f_fake : ndarray of shape (n,)

    Returns
    -------
    tuple (float, float)
    """
    f_real, f_fake = _floats(f_real), _floats(f_fake)
    return float(f_fake.mean() - f_real.mean()), float(-f_fake.mean())


# -- the grader's NumPy networks, by hand -------------------------------------------------------


def _forward(net, X):
    """The network's output and what its backward pass needs: each layer's input and output."""
    inputs, outputs = [], []
    Z = _floats(X)
    for index, (W, b) in enumerate(zip(net.weights, net.biases)):
        inputs.append(Z)
        A = Z @ W.T + b
        last = index == len(net.weights) - 1
        Z = A if last and net.logits else net.act(A)
        outputs.append(Z)
    return Z, (inputs, outputs)


def _backward(net, cache, upstream):
    """The gradients of ``sum(upstream * output)``: of each parameter (lists of arrays) and of the input."""
    inputs, outputs = cache
    weights, biases = [None] * len(net.weights), [None] * len(net.weights)
    delta = _floats(upstream)
    for index in range(len(net.weights) - 1, -1, -1):
        last = index == len(net.weights) - 1
        if not (last and net.logits):
            Z = outputs[index]
            delta = delta * (Z * (1.0 - Z) if net.activation == "sigmoid" else (Z > 0).astype(float))
        weights[index] = delta.T @ inputs[index]
        biases[index] = delta.sum(axis=0)
        delta = delta @ net.weights[index]
    return weights, biases, delta


def _descend(net, weights, biases, lr):
    net.weights = [W - lr * g for W, g in zip(net.weights, weights)]
    net.biases = [b - lr * g for b, g in zip(net.biases, biases)]


def gan_step(generator, discriminator, x_real, z, lr):
    """One alternating step of a GAN by plain SGD with rate ``lr``: the discriminator's, then the generator's.

    1. ``L_D = -1/2 mean log D(x) - 1/2 mean log(1 - D(G(z)))`` with G(z) held
       fixed; every parameter of D takes ``p <- p - lr dL_D/dp``.
    2. ``L_G = -1/2 mean log D(G(z))`` (non-saturating) through the UPDATED D;
       every parameter of G takes ``p <- p - lr dL_G/dp``; D is unchanged.

    Parameters
    ----------
    generator, discriminator : NumpyNetwork
        G maps (m, k) noise to (m, 1) samples; D maps (m, 1) samples to (m, 1) probabilities
    x_real : ndarray of shape (m, 1)
    z : ndarray of shape (m, k)
    lr : float

    Returns
    -------
    tuple (float, float): L_D before the discriminator's step, L_G before the generator's
    """
    x_real, z = _floats(x_real), _floats(z)
    m = x_real.shape[0]
    fake, _ = _forward(generator, z)
    d_real, real_cache = _forward(discriminator, x_real)
    d_fake, fake_cache = _forward(discriminator, fake)
    L_D = discriminator_cost(d_real[:, 0], d_fake[:, 0])
    real_w, real_b, _ = _backward(discriminator, real_cache, -0.5 / (m * d_real))
    fake_w, fake_b, _ = _backward(discriminator, fake_cache, 0.5 / (m * (1.0 - d_fake)))
    _descend(discriminator, [a + b for a, b in zip(real_w, fake_w)], [a + b for a, b in zip(real_b, fake_b)], lr)

    fake, generator_cache = _forward(generator, z)
    d_fake, fake_cache = _forward(discriminator, fake)
    L_G = float(-0.5 * np.log(d_fake).mean())
    _, _, through = _backward(discriminator, fake_cache, -0.5 / (m * d_fake))
    weights, biases, _ = _backward(generator, generator_cache, through)
    _descend(generator, weights, biases, lr)
    return L_D, L_G


def _clip(net, c):
    net.weights = [np.clip(W, -c, c) for W in net.weights]
    net.biases = [np.clip(b, -c, c) for b in net.biases]


def wgan_step(critic, generator, x_real, z, lr, c):
    """``n_critic = x_real.shape[0]`` critic updates, each followed by clipping, then one generator update.

    Critic update i: ``L_C = mean f(G(z[i])) - mean f(x_real[i])`` with G
    held fixed, ``p <- p - lr dL_C/dp``, then every critic parameter clipped
    to ``[-c, c]``. Generator update: ``L_G = -mean f(G(z[-1]))``,
    ``p <- p - lr dL_G/dp`` for G's parameters; the critic is unchanged.

    Parameters
    ----------
    critic : NumpyNetwork with a linear output (1 score per example)
    generator : NumpyNetwork
    x_real : ndarray of shape (n_critic, m, 1)
    z : ndarray of shape (n_critic + 1, m, k)
    lr, c : float

    Returns
    -------
    tuple (list of n_critic floats, float): each critic loss before its update, L_G before its update
    """
    x_real, z = _floats(x_real), _floats(z)
    losses = []
    for x, noise in zip(x_real, z[:-1]):
        m = x.shape[0]
        fake, _ = _forward(generator, noise)
        f_real, real_cache = _forward(critic, x)
        f_fake, fake_cache = _forward(critic, fake)
        losses.append(float(f_fake.mean() - f_real.mean()))
        real_w, real_b, _ = _backward(critic, real_cache, np.full_like(f_real, -1.0 / m))
        fake_w, fake_b, _ = _backward(critic, fake_cache, np.full_like(f_fake, 1.0 / m))
        _descend(critic, [a + b for a, b in zip(real_w, fake_w)], [a + b for a, b in zip(real_b, fake_b)], lr)
        _clip(critic, c)
    m = z.shape[1]
    fake, generator_cache = _forward(generator, z[-1])
    f_fake, fake_cache = _forward(critic, fake)
    L_G = float(-f_fake.mean())
    _, _, through = _backward(critic, fake_cache, np.full_like(f_fake, -1.0 / m))
    weights, biases, _ = _backward(generator, generator_cache, through)
    _descend(generator, weights, biases, lr)
    return losses, L_G


def _penalty_and_gradients(critic, points, lam):
    """``lam mean_i (||grad_x f(x_i)|| - 1)^2`` for a critic with one sigmoid hidden layer, and its parameter gradients.

    With ``s = sigmoid(W1 x + b1)`` and ``f = w2 . s + b2``, the input
    gradient is ``g = W1^T (w2 * s')`` with ``s' = s (1 - s)``. For
    ``u_i = dP/dg_i = 2 lam (||g_i|| - 1) g_i / (||g_i|| m)`` and
    ``r_i = (W1 u_i) * w2 * s''_i`` (``s'' = s' (1 - 2 s)``):
    ``dP/dW1 = sum_i [(w2 * s'_i) u_i^T + r_i x_i^T]``, ``dP/db1 = sum_i r_i``,
    ``dP/dw2 = sum_i (W1 u_i) * s'_i`` and ``dP/db2 = 0``.
    """
    W1, b1, w2 = critic.weights[0], critic.biases[0], critic.weights[1][0]
    m = points.shape[0]
    s = _sigmoid(points @ W1.T + b1)
    s1 = s * (1.0 - s)
    s2 = s1 * (1.0 - 2.0 * s)
    g = (w2 * s1) @ W1
    norms = np.sqrt((g**2).sum(axis=1))
    penalty = float(lam * ((norms - 1.0) ** 2).mean())
    u = 2.0 * lam * ((norms - 1.0) / norms)[:, None] * g / m
    back = u @ W1.T
    r = back * w2 * s2
    dW1 = (w2 * s1).T @ u + r.T @ points
    db1 = r.sum(axis=0)
    dw2 = (back * s1).sum(axis=0)[None, :]
    return penalty, [dW1, dw2], [db1, np.zeros_like(critic.biases[1])]


def wgan_gp_critic_step(critic, x_real, x_fake, eps, lr, lam):
    """One critic update of WGAN-GP (Gulrajani et al. 2017, not in the notes) by plain SGD.

    ``x_hat = eps x_real + (1 - eps) x_fake`` (eps one number per example),
    ``L = mean f(x_fake) - mean f(x_real) + lam mean_i (||grad_x f(x_hat_i)||_2 - 1)^2``,
    then ``p <- p - lr dL/dp`` for every critic parameter; no clipping.

    Parameters
    ----------
    critic : NumpyNetwork with one sigmoid hidden layer and a linear output
    x_real, x_fake : ndarray of shape (m, d)
    eps : ndarray of shape (m, 1), in [0, 1]
    lr, lam : float

    Returns
    -------
    tuple (float, float): L and its penalty term, before the update
    """
    x_real, x_fake, eps = _floats(x_real), _floats(x_fake), _floats(eps).reshape(-1, 1)
    m = x_real.shape[0]
    f_real, real_cache = _forward(critic, x_real)
    f_fake, fake_cache = _forward(critic, x_fake)
    penalty, penalty_w, penalty_b = _penalty_and_gradients(critic, eps * x_real + (1.0 - eps) * x_fake, lam)
    real_w, real_b, _ = _backward(critic, real_cache, np.full_like(f_real, -1.0 / m))
    fake_w, fake_b, _ = _backward(critic, fake_cache, np.full_like(f_fake, 1.0 / m))
    loss = float(f_fake.mean() - f_real.mean()) + penalty
    _descend(critic, [a + b + p for a, b, p in zip(real_w, fake_w, penalty_w)],
             [a + b + p for a, b, p in zip(real_b, fake_b, penalty_b)], lr)
    return loss, penalty
