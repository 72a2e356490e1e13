"""Restricted Boltzmann machines (course notes 1.4.2; worked examples 2.3.2-2.3.3).

Conventions used by every function in this module:

- units are binary, 0 or 1 (floats). A batch of visible vectors ``V`` has
  shape ``(B, n_visible)`` and a batch of hidden vectors ``H`` has shape
  ``(B, n_hidden)``, one example per row.
- ``W`` has shape ``(n_visible, n_hidden)``: ``W[i, j]`` is the weight between
  visible unit i and hidden unit j (the notes' w_ij). ``b`` of shape
  ``(n_visible,)`` is the visible bias, ``c`` of shape ``(n_hidden,)`` the
  hidden bias.
- the energy is ``E(v, h) = -v^T W h - b^T v - c^T h`` (the notes write
  ``-sum w_ij v_i h_j``: their example has no biases, b = c = 0).
- a unit's energy gap ``Delta E = E(s = 0) - E(s = 1)`` is its net input,
  ``sum_i v_i W[i, j] + c_j`` for hidden unit j and ``sum_j W[i, j] h_j + b_i``
  for visible unit i, and ``p(s = 1) = sigmoid(Delta E / T)`` with
  ``sigmoid(x) = 1 / (1 + exp(-x))`` and temperature ``T`` (notes 1.4.2.2).
- sampling is made deterministic by passing uniforms in: a unit is 1 where
  ``u < p`` and 0 otherwise (so it is 1 with probability p). Without
  uniforms, the notes' threshold rule of example 2.3.3 is used: 1 where
  ``p >= 0.5``.
- the free energy is ``F(v) = -log sum_h exp(-E(v, h))
  = -b^T v - sum_j softplus(c_j + (v^T W)_j)`` with
  ``softplus(x) = log(1 + exp(x))``, which must not overflow for large x.
- contrastive divergence (``cd1_step``, ``cd_k``, ``train``) follows Hinton's
  practical guide for the hidden units: hidden states are SAMPLED when they
  drive the next step, and the statistics use hidden PROBABILITIES. For a
  mini-batch ``V0`` and ``Q = p(h = 1 | V)`` (at T = 1)::

      Q0 = p(h = 1 | V0)
      H0 = 1 where U_hidden[0] < Q0                     (sampled)
      for s = 1, ..., k:
          Vs = 1 where U_visible[s - 1] < p(v = 1 | H_{s-1})   (sampled)
          Qs = p(h = 1 | Vs)
          Hs = 1 where U_hidden[s] < Qs                 (only for s < k)
      W <- W + eps (V0^T Q0 - Vk^T Qk) / B
      b <- b + eps * mean over the batch of (V0 - Vk)
      c <- c + eps * mean over the batch of (Q0 - Qk)

  ``cd1_step_all_sampled`` is the notes' version, which uses sampled hidden
  states in both statistics.
- functions never modify their inputs; they return new arrays.

Inputs are NumPy arrays of floats. Return NumPy arrays (lists and torch tensors
are accepted too) and Python floats, float64, or float32 compared with float32
tolerances (relative 1e-4, absolute 1e-6); ``sample_states`` returns the floats
0.0 and 1.0 (checked: booleans are not accepted).
"""

import numpy as np


def hidden_probabilities(V, W, c, T=1.0):
    """Return ``p(h_j = 1 | v) = sigmoid((sum_i v_i W[i, j] + c_j) / T)`` for every example (notes 1.4.2.2).

    Time budget: 2 s of CPU per call (the course default).

    Example 2.3.2: v = [1, 0], w11 = 0.01, w21 = 0.02 and no bias give
    sigmoid(0.01) = 0.502500.

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
        visible states, 0 or 1
    W : ndarray of shape (n_visible, n_hidden)
    c : ndarray of shape (n_hidden,)
        the hidden bias
    T : float
        the temperature, > 0

    Returns
    -------
    ndarray of shape (B, n_hidden)
    """
    V, W, c = np.asarray(V, dtype=float), np.asarray(W, dtype=float), np.asarray(c, dtype=float)
    return 1.0 / (1.0 + np.exp(-(V @ W + c) / T))


def visible_probabilities(H, W, b, T=1.0):
    """Return ``p(v_i = 1 | h) = sigmoid((sum_j W[i, j] h_j + b_i) / T)`` for every example.

    Time budget: 2 s of CPU per call (the course default).

    Parameters
    ----------
    H : ndarray of shape (B, n_hidden)
        hidden states, 0 or 1
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
        the visible bias
    T : float
        the temperature, > 0

    Returns
    -------
    ndarray of shape (B, n_visible)
    """
    H, W, b = np.asarray(H, dtype=float), np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    return 1.0 / (1.0 + np.exp(-(H @ W.T + b) / T))


def sample_states(P, U=None):
    """Return binary states sampled from probabilities: 1 where ``U < P``, else 0.

    Time budget: 2 s of CPU per call (the course default).

    Without uniforms (``U is None``) use the notes' threshold rule of
    example 2.3.3: 1 where ``P >= 0.5``, else 0.

    Parameters
    ----------
    P : ndarray of any shape
        probabilities
    U : ndarray of the same shape as P, or None
        uniforms on [0, 1)

    Returns
    -------
    ndarray of the shape of P
        0.0 and 1.0
    """
    P = np.asarray(P, dtype=float)
    if U is None:
        return np.where(P >= 0.5, 1.0, 0.0)
    return np.where(np.asarray(U, dtype=float) < P, 1.0, 0.0)


def energy(V, H, W, b, c):
    """Return ``E(v, h) = -v^T W h - b^T v - c^T h`` for each pair of rows (v, h) of V and H.

    Time budget: 2 s of CPU per call (the course default).

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
    H : ndarray of shape (B, n_hidden)
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)

    Returns
    -------
    ndarray of shape (B,)
        one energy per pair
    """
    V, H, W = np.asarray(V, dtype=float), np.asarray(H, dtype=float), np.asarray(W, dtype=float)
    return -np.sum((V @ W) * H, axis=1) - V @ np.asarray(b, dtype=float) - H @ np.asarray(c, dtype=float)


def free_energy(V, W, b, c):
    """Return the free energy ``F(v) = -b^T v - sum_j softplus(c_j + (v^T W)_j)`` of each example.

    Time budget: 2 s of CPU per call (the course default).

    ``F(v) = -log sum_h exp(-E(v, h))``: summing over each hidden unit's two
    states gives the softplus ``log(1 + exp(x))``. Compute it so that it
    does not overflow when x is large (x can be 1000).

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)

    Returns
    -------
    ndarray of shape (B,)
    """
    V, W = np.asarray(V, dtype=float), np.asarray(W, dtype=float)
    X = V @ W + np.asarray(c, dtype=float)
    return -V @ np.asarray(b, dtype=float) - np.logaddexp(0.0, X).sum(axis=1)


def free_energy_gradients(V, W, b, c):
    """Return the gradients of the MEAN free energy of the batch with respect to W, b and c, by torch autograd.

    Time budget: 2 s of CPU per call (the course default).

    Build W, b and c as float64 tensors that require gradients, compute the
    free energy of every example with torch (``torch.nn.functional.softplus``),
    take its mean over the batch and call ``backward()``. (-dF/dW is the
    positive phase <v h>^0 of contrastive divergence.)

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)

    Returns
    -------
    tuple (dW, db, dc)
        arrays (or tensors) of shapes (n_visible, n_hidden), (n_visible,), (n_hidden,)
    """
    import torch

    V = torch.as_tensor(np.asarray(V, dtype=float))
    W, b, c = (torch.tensor(np.asarray(x, dtype=float), requires_grad=True) for x in (W, b, c))
    F = -V @ b - torch.nn.functional.softplus(V @ W + c).sum(dim=1)
    F.mean().backward()
    return W.grad.numpy(), b.grad.numpy(), c.grad.numpy()


def cd1_step(V, W, b, c, eps, U_hidden, U_visible):
    """Return the parameters after one step of contrastive divergence, CD-1, on a mini-batch (notes 1.4.2.4).

    Time budget: 2 s of CPU per call (the course default).

    The convention of the module docstring with k = 1::

        Q0 = p(h = 1 | V0),  H0 = 1 where U_hidden < Q0
        V1 = 1 where U_visible < p(v = 1 | H0),  Q1 = p(h = 1 | V1)
        W + eps (V0^T Q0 - V1^T Q1) / B,  b + eps mean(V0 - V1),  c + eps mean(Q0 - Q1)

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
        the mini-batch V0, 0 or 1
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)
    eps : float
        the learning rate
    U_hidden : ndarray of shape (B, n_hidden)
        uniforms that sample H0
    U_visible : ndarray of shape (B, n_visible)
        uniforms that sample the reconstruction V1

    Returns
    -------
    tuple (W, b, c)
        the updated parameters, new arrays
    """
    return cd_k(V, W, b, c, eps, [U_hidden], [U_visible])


def cd_k(V, W, b, c, eps, U_hidden, U_visible):
    """Return the parameters after one CD-k update on a mini-batch, with ``k = len(U_hidden)``.

    Time budget: 2 s of CPU per call (the course default).

    Run the Gibbs chain V0 -> H0 -> V1 -> H1 -> ... -> Vk of the module
    docstring: ``U_hidden[s]`` samples H_s (s = 0, ..., k - 1) and
    ``U_visible[s - 1]`` samples V_s (s = 1, ..., k). The update uses
    ``Q0 = p(h | V0)`` and ``Qk = p(h | Vk)``: ``W + eps (V0^T Q0 - Vk^T Qk) / B``,
    ``b + eps mean(V0 - Vk)``, ``c + eps mean(Q0 - Qk)``. With k = 1 this is
    ``cd1_step``.

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)
    eps : float
    U_hidden : ndarray of shape (k, B, n_hidden)
    U_visible : ndarray of shape (k, B, n_visible)

    Returns
    -------
    tuple (W, b, c)
    """
    V0 = np.asarray(V, dtype=float)
    k = len(U_hidden)
    Q0 = hidden_probabilities(V0, W, c)
    H = sample_states(Q0, U_hidden[0])
    for s in range(1, k + 1):
        Vs = sample_states(visible_probabilities(H, W, b), U_visible[s - 1])
        Qs = hidden_probabilities(Vs, W, c)
        if s < k:
            H = sample_states(Qs, U_hidden[s])
    B = len(V0)
    W_new = np.asarray(W, dtype=float) + eps * (V0.T @ Q0 - Vs.T @ Qs) / B
    b_new = np.asarray(b, dtype=float) + eps * (V0 - Vs).mean(axis=0)
    c_new = np.asarray(c, dtype=float) + eps * (Q0 - Qs).mean(axis=0)
    return W_new, b_new, c_new


def cd1_step_all_sampled(V, W, b, c, eps, U_hidden=None, U_visible=None):
    """Return the parameters after the notes' CD-1 step, which uses sampled states in both statistics.

    Time budget: 2 s of CPU per call (the course default).

    Example 2.3.3::

        H0 = sample(p(h = 1 | V0), U_hidden[0])
        V1 = sample(p(v = 1 | H0), U_visible)
        H1 = sample(p(h = 1 | V1), U_hidden[1])
        W + eps (V0^T H0 - V1^T H1) / B,  b + eps mean(V0 - V1),  c + eps mean(H0 - H1)

    where ``sample`` is ``sample_states``. With ``U_hidden`` and ``U_visible``
    both None, every state comes from the threshold rule (1 where p >= 0.5):
    learning [1, 0] from w = [1, 1] with eps = 0.1 gives the weights [1, 0.9].

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)
    eps : float
    U_hidden : ndarray of shape (2, B, n_hidden), or None
        ``U_hidden[0]`` samples H0 and ``U_hidden[1]`` samples H1
    U_visible : ndarray of shape (B, n_visible), or None
        samples V1

    Returns
    -------
    tuple (W, b, c)
    """
    U_h0, U_h1 = (None, None) if U_hidden is None else (U_hidden[0], U_hidden[1])
    V0 = np.asarray(V, dtype=float)
    H0 = sample_states(hidden_probabilities(V0, W, c), U_h0)
    V1 = sample_states(visible_probabilities(H0, W, b), U_visible)
    H1 = sample_states(hidden_probabilities(V1, W, c), U_h1)
    B = len(V0)
    W_new = np.asarray(W, dtype=float) + eps * (V0.T @ H0 - V1.T @ H1) / B
    b_new = np.asarray(b, dtype=float) + eps * (V0 - V1).mean(axis=0)
    c_new = np.asarray(c, dtype=float) + eps * (H0 - H1).mean(axis=0)
    return W_new, b_new, c_new


def reconstruction_error(V, W, b, c):
    """Return the mean squared error between the data and its reconstruction (notes 1.4.2.3).

    Time budget: 2 s of CPU per call (the course default).

    The reconstruction uses probabilities throughout, no sampling:
    ``Q = p(h = 1 | V)``, ``R = p(v = 1 | h = Q)``, and the error is the mean of
    ``(V - R)^2`` over all entries (examples and units), at T = 1.

    Parameters
    ----------
    V : ndarray of shape (n, n_visible)
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)

    Returns
    -------
    float
    """
    V = np.asarray(V, dtype=float)
    R = visible_probabilities(hidden_probabilities(V, W, c), W, b)
    return float(np.mean((V - R) ** 2))


def train(V, W, b, c, eps, batch_size, U_hidden, U_visible):
    """Return the parameters after training by CD-1 on mini-batches, and the reconstruction error per epoch.

    Time budget: 2 s of CPU per call (the course default).

    There are ``epochs = len(U_hidden)`` epochs. Each epoch takes the rows of
    V in order, in mini-batches ``V[0:batch_size]``, ``V[batch_size:2 *
    batch_size]``, ... (the last one may be smaller), and makes one
    ``cd1_step`` on each with the uniforms of the same rows and epoch,
    ``U_hidden[epoch, rows]`` and ``U_visible[epoch, rows]``. Record
    ``reconstruction_error(V, ...)`` of the whole data set before training
    and after every epoch.

    Parameters
    ----------
    V : ndarray of shape (n, n_visible)
        the training set, 0 or 1
    W : ndarray of shape (n_visible, n_hidden)
        the initial weights
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)
    eps : float
    batch_size : int
    U_hidden : ndarray of shape (epochs, n, n_hidden)
    U_visible : ndarray of shape (epochs, n, n_visible)

    Returns
    -------
    tuple (W, b, c, errors)
        the trained parameters and the errors, an array of shape (epochs + 1,)
    """
    V = np.asarray(V, dtype=float)
    errors = [reconstruction_error(V, W, b, c)]
    for epoch in range(len(U_hidden)):
        for start in range(0, len(V), batch_size):
            rows = slice(start, start + batch_size)
            W, b, c = cd1_step(V[rows], W, b, c, eps, U_hidden[epoch][rows], U_visible[epoch][rows])
        errors.append(reconstruction_error(V, W, b, c))
    return W, b, c, np.array(errors)
