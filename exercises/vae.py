"""Variational autoencoders: the reparametrisation trick, the KL term, the VAE loss, gradients through the
sample, and generating new data from the prior (course notes 1.9.3).

Conventions used by every function in this module:

- a batch has one example per ROW. For a batch of N inputs the encoder gives
  ``mu`` and either the standard deviations ``sigma`` or the log-variances
  ``log_var = log sigma^2``, each of shape ``(N, k)``: q_x(h) is the Gaussian
  with mean mu and diagonal covariance ``diag(sigma^2)``. Encoders usually
  output ``log_var`` (any real number is a valid log-variance); each function
  says which of the two it takes. Note that torch's ``Normal(loc, scale)``
  takes the standard deviation, not the variance.
- the reparametrisation trick: a sample of q_x(h) is ``h = mu + sigma * zeta``
  with ``zeta`` a draw of N(0, I), entry by entry. The draws are given to you
  (``zeta``), never drawn here. (The notes' 1.9.3.1 writes this line with mu
  and sigma in each other's places; that is a slip -- the sample must have
  mean mu and standard deviation sigma.)
- the KL term against the prior N(0, I), per dimension j (the notes' 1.9.3.2):
  ``KL_nj = 1/2 (-1 - log sigma_nj^2 + sigma_nj^2 + mu_nj^2)``; an example's KL
  is the SUM over its k dimensions (the dimensions are independent), not their mean.
- the loss of one example is the notes' ``C ||x - g(h)||^2 + KL``, with C the
  reconstruction's weight (C = 1 / (2c) for the notes' p(x | h) = N(g(h), cI))
  and ``||.||^2`` summed over the d features; a batch's loss is the average
  over its N examples. torch's ``F.mse_loss`` averages over all N d entries
  instead (``F.mse_loss(R, X, reduction="sum") / N`` is the mean here).

Accepted inputs: NumPy arrays (or nested lists) of float64 or float32, and
Python floats; ``reparametrised_sample`` takes torch tensors. The checks
compare float64 answers at relative 1e-7 and float32 answers at float32's
tolerance (relative 1e-4). Return NumPy arrays (or tensors) and Python
floats, in tuples where the docstring says so. Each call may take up to 2 s
of CPU time; every check calls a function a few times on small inputs.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check vae``).
"""

import numpy as np
import torch


def reparametrise(mu, sigma, zeta):
    """Return the reparametrised sample ``h = mu + sigma * zeta`` of N(mu, sigma^2), entry by entry.

    Time budget: 2 s of CPU per call (the course default).

    sigma is the standard deviation (not the variance), zeta a given draw of
    N(0, I). With zeta = 0 the sample is the mean mu.

    Example: ``mu = [[1, -2]]``, ``sigma = [[0.5, 2]]``, ``zeta = [[2, -1]]``
    give ``h = [[1 + 0.5 * 2, -2 + 2 * (-1)]] = [[2, -4]]``.

    Parameters
    ----------
    mu : array of shape (N, k)
    sigma : array of shape (N, k), sigma > 0
    zeta : array of shape (N, k)

    Returns
    -------
    array of shape (N, k)
    """
    raise NotImplementedError


def kl_divergence(mu, log_var):
    """Return KL(q_x || N(0, I)) per dimension and per example, from the LOG-VARIANCE parametrisation.

    Time budget: 2 s of CPU per call (the course default).

    ``KL_nj = 1/2 (-1 - log_var_nj + exp(log_var_nj) + mu_nj^2)``, since
    ``log_var = log sigma^2`` and ``sigma^2 = exp(log_var)``; an example's KL
    is ``KL_n = sum_j KL_nj`` (a sum over the k dimensions, not a mean). Each
    term is >= 0, and 0 only where mu = 0 and sigma = 1.

    Example: ``mu = [[0, 1, 0]]``, ``log_var = [[0, 0, log 4]]`` give the terms
    ``[[0, 0.5, 1/2 (-1 - log 4 + 4 + 0)]] = [[0, 0.5, 0.80685]]`` and the
    total ``[1.30685]``.

    Parameters
    ----------
    mu : array of shape (N, k)
    log_var : array of shape (N, k), log sigma^2

    Returns
    -------
    (terms, totals) : array of shape (N, k), array of shape (N,)
    """
    raise NotImplementedError


def kl_divergence_sigma(mu, sigma):
    """Return KL(q_x || N(0, I)) per dimension and per example, from the STANDARD DEVIATIONS sigma.

    Time budget: 2 s of CPU per call (the course default).

    The notes' form: ``KL_nj = 1/2 (-1 - log(sigma_nj^2) + sigma_nj^2 + mu_nj^2)``
    -- the log of the VARIANCE, ``log sigma^2 = 2 log sigma``; an example's KL
    is the sum over its k dimensions.

    Example: ``mu = [[0, 1]]``, ``sigma = [[2, 1]]`` give the terms
    ``[[1/2 (-1 - log 4 + 4), 0.5]] = [[0.80685, 0.5]]`` and the total ``[1.30685]``.

    Parameters
    ----------
    mu : array of shape (N, k)
    sigma : array of shape (N, k), sigma > 0

    Returns
    -------
    (terms, totals) : array of shape (N, k), array of shape (N,)
    """
    raise NotImplementedError


def vae_loss(X, R, mu, log_var, C):
    """Return the VAE loss of a batch and its two parts: the weighted reconstruction error and the KL term.

    Time budget: 2 s of CPU per call (the course default).

    The notes' loss of one example is ``C ||x - g(h)||^2 + KL(N(mu, sigma) || N(0, I))``,
    with R holding the reconstructions g(h), the squared error summed over
    the d features, and the KL summed over the k dimensions (as in
    ``kl_divergence``, from the LOG-VARIANCES). C multiplies the
    reconstruction error only. Over the batch, each part is averaged:

    - ``reconstruction = (C / N) sum_n ||x_n - r_n||^2``
    - ``kl = (1 / N) sum_n KL_n``
    - ``loss = reconstruction + kl``

    Example: one example ``x = [1, 0]``, ``r = [0.5, 0.5]``, ``mu = [[1]]``,
    ``log_var = [[0]]``, ``C = 2``: reconstruction ``2 * 0.5 = 1``, kl ``0.5``, loss ``1.5``.

    Parameters
    ----------
    X : array of shape (N, d), the inputs
    R : array of shape (N, d), their reconstructions
    mu, log_var : arrays of shape (N, k), the encoder's outputs
    C : float > 0

    Returns
    -------
    (loss, reconstruction, kl) : three floats
    """
    raise NotImplementedError


def reparametrised_sample(mu, log_var, zeta):
    """Return the reparametrised sample ``h = mu + exp(log_var / 2) * zeta`` as a torch tensor in the graph.

    Time budget: 2 s of CPU per call (the course default).

    mu and log_var are tensors of shape (N, k) that an encoder computed: they
    may require grad. zeta is a tensor of shape (N, k) of N(0, I) draws that
    does NOT require grad: it is a constant drawn outside the network, and
    that is the point of the trick -- the randomness is moved into zeta, so
    that gradients flow from h back to mu and log_var (dh/dmu = 1,
    dh/dlog_var = zeta sigma / 2) and none is needed for zeta. So:

    - compute with torch operations on the tensors you are given (no NumPy,
      no ``.detach()``, no ``.item()``), so that autograd reaches mu and log_var;
    - do not make zeta require grad: when neither mu nor log_var requires grad
      (sampling with a trained encoder), h must not require grad either;
    - sigma = exp(log_var / 2) is the standard deviation, not exp(log_var).

    The checks backpropagate a random upstream gradient through your h and
    compare the gradients of mu and log_var, and call it on tensors that do
    not require grad. Float32 or float64 tensors; return the same dtype.

    Example: ``mu = [[1., 0.]]``, ``log_var = [[0., log 4]]``, ``zeta = [[0.5, -1.]]``
    give ``sigma = [[1, 2]]`` and ``h = [[1.5, -2]]``.

    Parameters
    ----------
    mu, log_var, zeta : torch tensors of shape (N, k)

    Returns
    -------
    torch tensor of shape (N, k)
    """
    raise NotImplementedError


def _sigmoid(a):
    """Given (not an exercise): the sigmoid, without overflow for large negative a."""
    a = np.asarray(a, dtype=float)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sample_from_prior(zeta, eps, c, W1, b1, W2, b2):
    """Return new data generated by the VAE's model: ``h ~ N(0, I)``, then ``x ~ N(g(h), c I)`` (notes 1.9.3.1).

    Time budget: 2 s of CPU per call (the course default).

    To generate, the encoder is not used: the code h is a draw of the PRIOR
    p(h) = N(0, I), so with the given draw zeta, ``h = zeta`` (no mu or sigma
    of any input). The decoder is ``g(h) = sigmoid(W2 relu(W1 h + b1) + b2)``
    (weights in ``nn.Linear``'s layout: ``W1`` of shape (m, k), ``W2`` of shape
    (d, m)). p(x | h) is the Gaussian with mean g(h) and covariance c I -- c
    is the VARIANCE -- so with the given draw eps of N(0, I),
    ``x = g(h) + sqrt(c) * eps``.

    Example: k = d = m = 1, ``zeta = [[1]]``, ``W1 = [[2]]``, ``b1 = [-2]`` give
    relu(0) = 0; ``W2 = [[1]]``, ``b2 = [0]`` give ``g = sigmoid(0) = 0.5``; with
    ``c = 0.25`` and ``eps = [[2]]``, ``x = 0.5 + 0.5 * 2 = 1.5``.

    Parameters
    ----------
    zeta : array of shape (N, k), draws of N(0, I) in the code space
    eps : array of shape (N, d), draws of N(0, I) in the data space
    c : float > 0, the variance of p(x | h)
    W1 : array of shape (m, k); b1 : array of shape (m,)
    W2 : array of shape (d, m); b2 : array of shape (d,)

    Returns
    -------
    (G, X) : arrays of shape (N, d): the decoded means g(h), and the generated samples x
    """
    raise NotImplementedError
