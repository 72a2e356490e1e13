"""Restricted Boltzmann machine references (course notes 1.4.2, worked examples 2.3.2-2.3.3).

Conventions every function here follows:

- units are binary, 0 or 1. A batch of visible vectors is ``V`` of shape
  ``(B, n_visible)`` and of hidden vectors ``H`` of shape ``(B, n_hidden)``,
  one example per row.
- ``W`` has shape ``(n_visible, n_hidden)``: ``W[i, j]`` connects visible unit
  i and hidden unit j (the notes' w_ij, symmetric in use). ``b`` of shape
  ``(n_visible,)`` is the visible bias and ``c`` of shape ``(n_hidden,)`` the
  hidden bias.
- the energy is ``E(v, h) = -v^T W h - b^T v - c^T h`` (the notes write
  ``-sum w v h``, without biases: set b = c = 0 for theirs).
- the energy gap of a unit is ``Delta E = E(s = 0) - E(s = 1)``, its net input:
  ``Delta E_j = sum_i v_i W[i, j] + c_j`` for hidden unit j and
  ``sum_j W[i, j] h_j + b_i`` for visible unit i, and
  ``p(s = 1) = sigmoid(Delta E / T)`` with temperature T (notes 1.4.2.2).
- sampling is deterministic given uniforms: a unit is 1 where ``u < p``
  (:func:`sample_states`). Without uniforms, the notes' threshold rule of
  example 2.3.3 gives 1 where ``p >= 0.5``.
- the free energy is ``F(v) = -log sum_h exp(-E(v, h))
  = -b^T v - sum_j softplus(c_j + (v^T W)_j)`` with
  ``softplus(x) = log(1 + e^x)``, computed without overflow.

Contrastive divergence (:func:`cd_k`) pins one convention, the one of
Hinton's practical guide (2010) for the hidden units: hidden states are
SAMPLED whenever they drive the next step, and the statistics use the hidden
PROBABILITIES. The chain for a mini-batch ``V0`` is::

    Q0 = p(h = 1 | V0)                        positive statistics
    H0 = [U_hidden[0] < Q0]                   sampled, driven by the data
    for s = 1, ..., k:
        Vs = [U_visible[s - 1] < p(v = 1 | H_{s-1})]   sampled reconstruction
        Qs = p(h = 1 | Vs)
        Hs = [U_hidden[s] < Qs]               only for s < k
    W += eps (V0^T Q0 - Vk^T Qk) / B
    b += eps mean_over_batch(V0 - Vk)
    c += eps mean_over_batch(Q0 - Qk)

The reconstructions are sampled too (the guide also allows their
probabilities). The notes' variant of example 2.3.3, in which every
statistic uses sampled states, is :func:`cd1_step_all_sampled`.

scikit-learn's ``BernoulliRBM`` describes the same model with
``components_ = W.T`` (shape ``(n_hidden, n_visible)``),
``intercept_hidden_ = c`` and ``intercept_visible_ = b``. Its ``transform``
is :func:`hidden_probabilities` at T = 1, its ``_free_energy`` is
:func:`free_energy`, and its ``score_samples`` is the pseudo-likelihood
``n_visible * log sigmoid(F(v~) - F(v))`` with one randomly chosen unit of
each v flipped in v~. It trains by PERSISTENT contrastive divergence: the
chain starts from the hidden samples kept from the previous mini-batch
(``h_samples_``), not from the data; one step of its ``_fit`` with
``h_samples_ = H0`` is :func:`cd1_step` (it also samples the reconstruction
with ``u < p`` and averages over the batch).
"""

from __future__ import annotations

import itertools

import numpy as np

# -- probabilities and sampling (1.4.2.2) ----------------------------------------------------


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + e^-x)`` without overflow; exactly 0.5 at x = 0."""
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    e = np.exp(x[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + e^x)`` without overflow."""
    return np.logaddexp(0.0, np.asarray(x, dtype=float))


def hidden_probabilities(V: np.ndarray, W: np.ndarray, c: np.ndarray, T: float = 1.0) -> np.ndarray:
    """``p(h_j = 1 | v) = sigmoid((sum_i v_i W[i, j] + c_j) / T)`` for each example (notes 1.4.2.2).

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
        visible states, 0 or 1
    W : ndarray of shape (n_visible, n_hidden)
    c : ndarray of shape (n_hidden,)
        hidden bias
    T : float
        temperature, > 0

    Returns
    -------
    ndarray of shape (B, n_hidden)
    """
    V, W = np.asarray(V, dtype=float), np.asarray(W, dtype=float)
    return sigmoid((V @ W + np.asarray(c, dtype=float)) / T)


def hidden_probabilities_loop(V: np.ndarray, W: np.ndarray, c: np.ndarray, T: float = 1.0) -> np.ndarray:
    """:func:`hidden_probabilities` unit by unit: the energy gap ``E(h_j = 0) - E(h_j = 1)`` of each hidden unit."""
    V, W, c = np.asarray(V, dtype=float), np.asarray(W, dtype=float), np.asarray(c, dtype=float)
    P = np.zeros((V.shape[0], W.shape[1]))
    for n, v in enumerate(V):
        for j in range(W.shape[1]):
            gap = sum(v[i] * W[i, j] for i in range(W.shape[0])) + c[j]
            P[n, j] = 1.0 / (1.0 + np.exp(-gap / T))
    return P


def visible_probabilities(H: np.ndarray, W: np.ndarray, b: np.ndarray, T: float = 1.0) -> np.ndarray:
    """``p(v_i = 1 | h) = sigmoid((sum_j W[i, j] h_j + b_i) / T)`` for each example.

    Parameters
    ----------
    H : ndarray of shape (B, n_hidden)
        hidden states, 0 or 1
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
        visible bias
    T : float

    Returns
    -------
    ndarray of shape (B, n_visible)
    """
    H, W = np.asarray(H, dtype=float), np.asarray(W, dtype=float)
    return sigmoid((H @ W.T + np.asarray(b, dtype=float)) / T)


def sample_states(P: np.ndarray, U: np.ndarray | None = None) -> np.ndarray:
    """Binary states from probabilities: 1 where ``U < P``; without U, 1 where ``P >= 0.5``.

    With ``U`` uniform on [0, 1) a unit is 1 with probability P. The rule
    without U is the notes' assumption of example 2.3.3.

    Parameters
    ----------
    P : ndarray of any shape
        probabilities
    U : ndarray of the same shape, or None
        uniforms

    Returns
    -------
    ndarray of the shape of P
        0.0 and 1.0
    """
    P = np.asarray(P, dtype=float)
    if U is None:
        return (P >= 0.5).astype(float)
    U = np.asarray(U, dtype=float)
    if U.shape != P.shape:
        raise ValueError(f"U has shape {U.shape}, but P has shape {P.shape}: pass one uniform per probability")
    return (U < P).astype(float)


# -- energies (1.4.2.2) ----------------------------------------------------------------------


def energy(V: np.ndarray, H: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``E(v, h) = -v^T W h - b^T v - c^T h`` for each pair of rows of V and H.

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
    """
    V, H, W = (np.asarray(x, dtype=float) for x in (V, H, W))
    return -np.sum((V @ W) * H, axis=1) - V @ np.asarray(b, dtype=float) - H @ np.asarray(c, dtype=float)


def free_energy(V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``F(v) = -b^T v - sum_j softplus(c_j + (v^T W)_j)``, so that ``p(v)`` is proportional to ``e^-F(v)``.

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
    return -V @ np.asarray(b, dtype=float) - softplus(V @ W + np.asarray(c, dtype=float)).sum(axis=1)


def free_energy_by_enumeration(V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """:func:`free_energy` from its definition, ``-log sum_h exp(-E(v, h))`` over all 2^n_hidden hidden states."""
    W = np.asarray(W, dtype=float)
    states = np.array(list(itertools.product([0.0, 1.0], repeat=W.shape[1])))
    out = []
    for v in np.asarray(V, dtype=float):
        E = energy(np.repeat(v[None, :], len(states), axis=0), states, W, b, c)
        out.append(-np.logaddexp.reduce(-E))
    return np.array(out)


def free_energy_gradients(
    V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gradients of the batch mean of :func:`free_energy` with respect to W, b and c.

    With ``Q = p(h = 1 | V)``::

        dF/dW = -V^T Q / B,   dF/db = -mean(V),   dF/dc = -mean(Q)

    so ``-dF/dW`` is the positive phase ``<v h>^0`` of contrastive divergence.

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)

    Returns
    -------
    tuple (dW, db, dc)
        of shapes (n_visible, n_hidden), (n_visible,), (n_hidden,)
    """
    V = np.asarray(V, dtype=float)
    Q = hidden_probabilities(V, W, c)
    B = V.shape[0]
    return -V.T @ Q / B, -V.mean(axis=0), -Q.mean(axis=0)


# -- contrastive divergence (1.4.2.4) -------------------------------------------------------------


def _updated(
    W: np.ndarray, b: np.ndarray, c: np.ndarray, eps: float,
    V0: np.ndarray, Q0: np.ndarray, Vk: np.ndarray, Qk: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``W + eps (V0^T Q0 - Vk^T Qk) / B`` and the bias updates, averaged over the batch."""
    B = V0.shape[0]
    W_new = np.asarray(W, dtype=float) + eps * (V0.T @ Q0 - Vk.T @ Qk) / B
    b_new = np.asarray(b, dtype=float) + eps * (V0 - Vk).mean(axis=0)
    c_new = np.asarray(c, dtype=float) + eps * (Q0 - Qk).mean(axis=0)
    return W_new, b_new, c_new


def cd_k(
    V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray, eps: float,
    U_hidden: np.ndarray, U_visible: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One CD-k update for a mini-batch, with ``k = len(U_hidden)`` (see the module docstring).

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
        the mini-batch V0, 0 or 1
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)
    eps : float
        learning rate
    U_hidden : ndarray of shape (k, B, n_hidden)
        ``U_hidden[s]`` samples ``H_s`` from ``Q_s``, for s = 0, ..., k - 1
    U_visible : ndarray of shape (k, B, n_visible)
        ``U_visible[s - 1]`` samples the reconstruction ``V_s``, for s = 1, ..., k

    Returns
    -------
    tuple (W, b, c)
        the updated parameters (new arrays)
    """
    V0 = np.asarray(V, dtype=float)
    U_hidden, U_visible = np.asarray(U_hidden, dtype=float), np.asarray(U_visible, dtype=float)
    k = U_hidden.shape[0]
    if k < 1 or U_visible.shape[0] != k:
        raise ValueError(f"U_hidden and U_visible must both hold k >= 1 draws; got {U_hidden.shape[0]} and {U_visible.shape[0]}")
    Q0 = hidden_probabilities(V0, W, c)
    H = sample_states(Q0, U_hidden[0])
    for s in range(1, k + 1):
        Vs = sample_states(visible_probabilities(H, W, b), U_visible[s - 1])
        Qs = hidden_probabilities(Vs, W, c)
        if s < k:
            H = sample_states(Qs, U_hidden[s])
    return _updated(W, b, c, eps, V0, Q0, Vs, Qs)


def cd1_step(
    V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray, eps: float,
    U_hidden: np.ndarray, U_visible: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One CD-1 update for a mini-batch: :func:`cd_k` with k = 1.

    ``H0 = [U_hidden < p(h|V0)]``, ``V1 = [U_visible < p(v|H0)]``, then
    ``W += eps (V0^T Q0 - V1^T Q1) / B`` with ``Q = p(h = 1 | V)``,
    ``b += eps mean(V0 - V1)``, ``c += eps mean(Q0 - Q1)``.

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)
    eps : float
    U_hidden : ndarray of shape (B, n_hidden)
    U_visible : ndarray of shape (B, n_visible)

    Returns
    -------
    tuple (W, b, c)
    """
    return cd_k(V, W, b, c, eps, np.asarray(U_hidden, dtype=float)[None], np.asarray(U_visible, dtype=float)[None])


def cd1_step_all_sampled(
    V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray, eps: float,
    U_hidden: np.ndarray | None = None, U_visible: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The notes' CD-1 (example 2.3.3): every statistic uses sampled states.

    ::

        H0 = sample(p(h | V0), U_hidden[0])
        V1 = sample(p(v | H0), U_visible)
        H1 = sample(p(h | V1), U_hidden[1])
        W += eps (V0^T H0 - V1^T H1) / B
        b += eps mean(V0 - V1),   c += eps mean(H0 - H1)

    ``sample`` is :func:`sample_states`: with both uniforms None, the notes'
    threshold rule (1 where p >= 0.5) replaces sampling.

    Parameters
    ----------
    V : ndarray of shape (B, n_visible)
    W : ndarray of shape (n_visible, n_hidden)
    b : ndarray of shape (n_visible,)
    c : ndarray of shape (n_hidden,)
    eps : float
    U_hidden : ndarray of shape (2, B, n_hidden), or None
    U_visible : ndarray of shape (B, n_visible), or None

    Returns
    -------
    tuple (W, b, c)
    """
    if (U_hidden is None) != (U_visible is None):
        raise ValueError("pass both U_hidden and U_visible, or neither (for the threshold rule)")
    if U_hidden is not None and np.shape(U_hidden)[0] != 2:
        raise ValueError(f"U_hidden holds one draw for H0 and one for H1, shape (2, B, n_hidden); got {np.shape(U_hidden)}")
    U_h0, U_h1 = (None, None) if U_hidden is None else np.asarray(U_hidden, dtype=float)
    V0 = np.asarray(V, dtype=float)
    H0 = sample_states(hidden_probabilities(V0, W, c), U_h0)
    V1 = sample_states(visible_probabilities(H0, W, b), U_visible)
    H1 = sample_states(hidden_probabilities(V1, W, c), U_h1)
    return _updated(W, b, c, eps, V0, H0, V1, H1)


# -- reconstruction and training (1.4.2.3-1.4.2.4) -------------------------------------------------


def reconstruction_error(V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """The mean squared error between the data and its mean-field reconstruction.

    ``R = p(v = 1 | h = Q)`` with ``Q = p(h = 1 | V)`` (probabilities
    throughout, no sampling), and the error is ``mean over all entries of
    (V - R)^2``.

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


def train(
    V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray, eps: float, batch_size: int,
    U_hidden: np.ndarray, U_visible: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Train by CD-1 (:func:`cd1_step`) on mini-batches, epoch after epoch; record the reconstruction error.

    The number of epochs is ``len(U_hidden)``. Each epoch takes the rows of V
    in order, in mini-batches ``V[0:batch_size]``, ``V[batch_size:2 *
    batch_size]``, ... (the last may be smaller), and makes one
    :func:`cd1_step` on each with the uniforms of the same rows,
    ``U_hidden[epoch, rows]`` and ``U_visible[epoch, rows]``.

    Parameters
    ----------
    V : ndarray of shape (n, n_visible)
        the training set Tr, 0 or 1
    W, b, c : the initial parameters
    eps : float
    batch_size : int
    U_hidden : ndarray of shape (epochs, n, n_hidden)
    U_visible : ndarray of shape (epochs, n, n_visible)

    Returns
    -------
    tuple (W, b, c, errors)
        the trained parameters and ``errors`` of shape (epochs + 1,):
        :func:`reconstruction_error` of V before training and after each epoch
    """
    V = np.asarray(V, dtype=float)
    W, b, c = (np.array(x, dtype=float) for x in (W, b, c))
    U_hidden, U_visible = np.asarray(U_hidden, dtype=float), np.asarray(U_visible, dtype=float)
    errors = [reconstruction_error(V, W, b, c)]
    for epoch in range(U_hidden.shape[0]):
        for start in range(0, V.shape[0], batch_size):
            rows = slice(start, start + batch_size)
            W, b, c = cd1_step(V[rows], W, b, c, eps, U_hidden[epoch, rows], U_visible[epoch, rows])
        errors.append(reconstruction_error(V, W, b, c))
    return W, b, c, np.array(errors)
