"""Known mistakes in the restricted Boltzmann machine exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/rbm.py`` name them with a hint. The CD
variants share one chain (:func:`_chain`) with the part that is wrong
swapped in, so each differs from :func:`reference.rbm.cd_k` in one place.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from reference.rbm import (
    cd1_step,
    hidden_probabilities,
    reconstruction_error,
    sample_states,
    sigmoid,
    softplus,
    visible_probabilities,
)

Sampler = Callable[[np.ndarray, "np.ndarray | None"], np.ndarray]


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _sample_u_greater(P, U):
    return (_f(U) > _f(P)).astype(float)


def _probabilities(P, U):
    """No sampling: the probabilities themselves stand in for the states."""
    return _f(P)


# -- hidden_probabilities and visible_probabilities -----------------------------------------------


def hidden_probabilities_no_temperature(V, W, c, T=1.0):
    """``sigmoid(V W + c)``: the temperature is ignored."""
    return sigmoid(_f(V) @ _f(W) + _f(c))


def hidden_probabilities_temperature_multiplied(V, W, c, T=1.0):
    """``sigmoid((V W + c) * T)``: multiplies by T instead of dividing."""
    return sigmoid((_f(V) @ _f(W) + _f(c)) * T)


def hidden_probabilities_no_bias(V, W, c, T=1.0):
    """``sigmoid(V W / T)``: the hidden bias c is left out."""
    return sigmoid(_f(V) @ _f(W) / T)


def hidden_probabilities_exp_sign(V, W, c, T=1.0):
    """``1 / (1 + e^(+x))``: the sign in the exponent is wrong, which gives 1 - p."""
    return 1.0 / (1.0 + np.exp((_f(V) @ _f(W) + _f(c)) / T))


def visible_probabilities_no_temperature(H, W, b, T=1.0):
    """``sigmoid(H W^T + b)``: the temperature is ignored."""
    return sigmoid(_f(H) @ _f(W).T + _f(b))


def visible_probabilities_not_transposed(H, W, b, T=1.0):
    """``H W`` instead of ``H W^T``: right shape only when W is square, and then the wrong weights."""
    return sigmoid((_f(H) @ _f(W) + _f(b)) / T)


def visible_probabilities_no_bias(H, W, b, T=1.0):
    """``sigmoid(H W^T / T)``: the visible bias b is left out."""
    return sigmoid(_f(H) @ _f(W).T / T)


def visible_probabilities_exp_sign(H, W, b, T=1.0):
    """``1 / (1 + e^(+x))``: the sign in the exponent is wrong, which gives 1 - p."""
    return 1.0 / (1.0 + np.exp((_f(H) @ _f(W).T + _f(b)) / T))


# -- sample_states ------------------------------------------------------------------------------


def sample_states_u_greater(P, U=None):
    """1 where ``u > p``: a unit is then 1 with probability 1 - p."""
    if U is None:
        return (_f(P) >= 0.5).astype(float)
    return _sample_u_greater(P, U)


def sample_states_u_at_most(P, U=None):
    """1 where ``u <= p``: a uniform exactly equal to p gives 1 instead of 0."""
    if U is None:
        return (_f(P) >= 0.5).astype(float)
    return (_f(U) <= _f(P)).astype(float)


def sample_states_tie_gives_zero(P, U=None):
    """The threshold rule as ``p > 0.5``: a probability of exactly 0.5 gives 0 instead of 1."""
    if U is None:
        return (_f(P) > 0.5).astype(float)
    return (_f(U) < _f(P)).astype(float)


def sample_states_uniforms_ignored(P, U=None):
    """Always applies the threshold rule ``p >= 0.5``, even when uniforms are given."""
    return (_f(P) >= 0.5).astype(float)


# -- energy ------------------------------------------------------------------------------------


def _pairing(V, H, W):
    return np.sum((_f(V) @ _f(W)) * _f(H), axis=1)


def energy_sign_flipped(V, H, W, b, c):
    """``+v^T W h + b^T v + c^T h``: the minus sign of the energy is lost."""
    return _pairing(V, H, W) + _f(V) @ _f(b) + _f(H) @ _f(c)


def energy_no_biases(V, H, W, b, c):
    """``-v^T W h``: the bias terms ``-b^T v - c^T h`` are left out."""
    return -_pairing(V, H, W)


def energy_summed_over_batch(V, H, W, b, c):
    """One number for the batch: every example's energy added up."""
    return float(np.sum(-_pairing(V, H, W) - _f(V) @ _f(b) - _f(H) @ _f(c)))


def energy_one_half(V, H, W, b, c):
    """``-1/2 v^T W h - b^T v - c^T h``: the Hopfield network's 1/2, which the bipartite sum does not need."""
    return -0.5 * _pairing(V, H, W) - _f(V) @ _f(b) - _f(H) @ _f(c)


# -- free_energy -------------------------------------------------------------------------------


def free_energy_no_softplus(V, W, b, c):
    """``-b^T v - sum_j (c_j + (v^T W)_j)``: the softplus log(1 + e^x) is left out."""
    return -_f(V) @ _f(b) - (_f(V) @ _f(W) + _f(c)).sum(axis=1)


def free_energy_overflow(V, W, b, c):
    """``np.log(1 + np.exp(x))``: e^x overflows to inf for x above about 709."""
    with np.errstate(over="ignore"):
        return -_f(V) @ _f(b) - np.log(1.0 + np.exp(_f(V) @ _f(W) + _f(c))).sum(axis=1)


def free_energy_softplus_of_negative(V, W, b, c):
    """``log(1 + e^-x)``: the sigmoid's e^-x carried into the softplus."""
    return -_f(V) @ _f(b) - softplus(-(_f(V) @ _f(W) + _f(c))).sum(axis=1)


def free_energy_visible_sign(V, W, b, c):
    """``+b^T v``: the visible term has the wrong sign."""
    return _f(V) @ _f(b) - softplus(_f(V) @ _f(W) + _f(c)).sum(axis=1)


# -- free_energy_gradients -------------------------------------------------------------------


def free_energy_gradients_summed(V, W, b, c):
    """Gradients of the SUM of the free energies over the batch, not of their mean."""
    V = _f(V)
    Q = hidden_probabilities(V, W, c)
    return -V.T @ Q, -V.sum(axis=0), -Q.sum(axis=0)


def free_energy_gradients_positive_phase(V, W, b, c):
    """Returns ``<v h>^0`` and the bias statistics, the NEGATIVE gradient (the direction CD moves in)."""
    V = _f(V)
    Q = hidden_probabilities(V, W, c)
    return V.T @ Q / len(V), V.mean(axis=0), Q.mean(axis=0)


def free_energy_gradients_no_softplus(V, W, b, c):
    """Gradients of ``-b^T v - sum_j (c_j + (v^T W)_j)``: the softplus was left out, so no p(h | v)."""
    V = _f(V)
    ones = np.ones((len(V), _f(W).shape[1]))
    return -V.T @ ones / len(V), -V.mean(axis=0), -ones.mean(axis=0)


# -- contrastive divergence ------------------------------------------------------------------------


def _update(W, b, c, eps, V0, S0, Vk, Sk, *, biases=True, scale=None):
    """``W + eps (V0^T S0 - Vk^T Sk) / scale`` (scale = B) and, if ``biases``, the bias updates."""
    scale = V0.shape[0] if scale is None else scale
    W_new = _f(W) + eps * (V0.T @ S0 - Vk.T @ Sk) / scale
    if not biases:
        return W_new, _f(b).copy(), _f(c).copy()
    return W_new, _f(b) + eps * (V0 - Vk).sum(axis=0) / scale, _f(c) + eps * (S0 - Sk).sum(axis=0) / scale


def _chain(V, W, b, c, U_hidden, U_visible, *, sample: Sampler = sample_states, restart: bool = False, steps=None):
    """The CD-k chain of the reference with parts swapped: returns (V0, Q0, Vk, Qk).

    ``sample`` replaces :func:`reference.rbm.sample_states`; ``restart`` starts
    every step from the data; ``steps`` overrides k.
    """
    V0 = _f(V)
    U_hidden, U_visible = _f(U_hidden), _f(U_visible)
    k = U_hidden.shape[0] if steps is None else steps
    Q0 = hidden_probabilities(V0, W, c)
    H = sample(Q0, U_hidden[0])
    for s in range(1, k + 1):
        Vs = sample(visible_probabilities(H, W, b), U_visible[s - 1])
        Qs = hidden_probabilities(Vs, W, c)
        if s < k:
            H = sample(hidden_probabilities(V0, W, c) if restart else Qs, U_hidden[s])
    return V0, Q0, Vs, Qs


def _as_k1(U_hidden, U_visible):
    return _f(U_hidden)[None], _f(U_visible)[None]


def cd1_step_probabilities(V, W, b, c, eps, U_hidden, U_visible):
    """No sampling: the probabilities drive the reconstruction (the uniforms are ignored)."""
    return _update(W, b, c, eps, *_chain(V, W, b, c, *_as_k1(U_hidden, U_visible), sample=_probabilities))


def cd1_step_no_bias_update(V, W, b, c, eps, U_hidden, U_visible):
    """Updates W only; b and c are returned unchanged."""
    return _update(W, b, c, eps, *_chain(V, W, b, c, *_as_k1(U_hidden, U_visible)), biases=False)


def cd1_step_negative_phase_from_data(V, W, b, c, eps, U_hidden, U_visible):
    """The negative statistics pair the DATA with the reconstruction's hidden probabilities: ``V0^T Q1``."""
    V0, Q0, _, Q1 = _chain(V, W, b, c, *_as_k1(U_hidden, U_visible))
    return _update(W, b, c, eps, V0, Q0, V0, Q1)


def cd1_step_summed(V, W, b, c, eps, U_hidden, U_visible):
    """Sums the statistics over the mini-batch instead of averaging them (a step B times too large)."""
    return _update(W, b, c, eps, *_chain(V, W, b, c, *_as_k1(U_hidden, U_visible)), scale=1.0)


def cd1_step_u_greater(V, W, b, c, eps, U_hidden, U_visible):
    """Samples with ``u > p``: each unit is 1 with probability 1 - p."""
    return _update(W, b, c, eps, *_chain(V, W, b, c, *_as_k1(U_hidden, U_visible), sample=_sample_u_greater))


def cd_k_probabilities(V, W, b, c, eps, U_hidden, U_visible):
    """No sampling anywhere in the chain: the probabilities drive every step."""
    return _update(W, b, c, eps, *_chain(V, W, b, c, U_hidden, U_visible, sample=_probabilities))


def cd_k_one_step(V, W, b, c, eps, U_hidden, U_visible):
    """Stops after one Gibbs step whatever k is (uses U_hidden[0] and U_visible[0] only)."""
    return _update(W, b, c, eps, *_chain(V, W, b, c, U_hidden, U_visible, steps=1))


def cd_k_restarted(V, W, b, c, eps, U_hidden, U_visible):
    """Every step starts again from the data: k reconstructions of V0 instead of one chain of k steps."""
    return _update(W, b, c, eps, *_chain(V, W, b, c, U_hidden, U_visible, restart=True))


def cd_k_no_bias_update(V, W, b, c, eps, U_hidden, U_visible):
    """Updates W only; b and c are returned unchanged."""
    return _update(W, b, c, eps, *_chain(V, W, b, c, U_hidden, U_visible), biases=False)


# -- cd1_step_all_sampled ---------------------------------------------------------------------------


def _all_sampled_chain(V, W, b, c, U_hidden, U_visible, sample: Sampler = sample_states):
    """(V0, Q0, H0, V1, Q1, H1) of the notes' CD-1."""
    U_h0, U_h1 = (None, None) if U_hidden is None else _f(U_hidden)
    V0 = _f(V)
    Q0 = hidden_probabilities(V0, W, c)
    H0 = sample(Q0, U_h0)
    V1 = sample(visible_probabilities(H0, W, b), U_visible)
    Q1 = hidden_probabilities(V1, W, c)
    return V0, Q0, H0, V1, Q1, sample(Q1, U_h1)


def cd1_step_all_sampled_probabilities(V, W, b, c, eps, U_hidden=None, U_visible=None):
    """The statistics use the hidden probabilities Q0 and Q1 instead of the sampled states H0 and H1."""
    V0, Q0, _, V1, Q1, _ = _all_sampled_chain(V, W, b, c, U_hidden, U_visible)
    return _update(W, b, c, eps, V0, Q0, V1, Q1)


def cd1_step_all_sampled_negative_phase_from_data(V, W, b, c, eps, U_hidden=None, U_visible=None):
    """The negative statistics pair the data with the reconstruction's hidden states: ``V0^T H1``."""
    V0, _, H0, _, _, H1 = _all_sampled_chain(V, W, b, c, U_hidden, U_visible)
    return _update(W, b, c, eps, V0, H0, V0, H1)


def cd1_step_all_sampled_no_bias_update(V, W, b, c, eps, U_hidden=None, U_visible=None):
    """Updates W only; b and c are returned unchanged."""
    V0, _, H0, V1, _, H1 = _all_sampled_chain(V, W, b, c, U_hidden, U_visible)
    return _update(W, b, c, eps, V0, H0, V1, H1, biases=False)


def cd1_step_all_sampled_tie_gives_zero(V, W, b, c, eps, U_hidden=None, U_visible=None):
    """The threshold rule as ``p > 0.5``: a probability of exactly 0.5 gives 0 instead of 1."""
    V0, _, H0, V1, _, H1 = _all_sampled_chain(V, W, b, c, U_hidden, U_visible, sample=sample_states_tie_gives_zero)
    return _update(W, b, c, eps, V0, H0, V1, H1)


# -- reconstruction_error ----------------------------------------------------------------------------


def reconstruction_error_summed(V, W, b, c):
    """The SUM of the squared errors instead of their mean."""
    V = _f(V)
    R = visible_probabilities(hidden_probabilities(V, W, c), W, b)
    return float(np.sum((V - R) ** 2))


def reconstruction_error_absolute(V, W, b, c):
    """The mean ABSOLUTE error instead of the mean squared error."""
    V = _f(V)
    R = visible_probabilities(hidden_probabilities(V, W, c), W, b)
    return float(np.mean(np.abs(V - R)))


def reconstruction_error_hidden_net_inputs(V, W, b, c):
    """Reconstructs from the hidden net inputs ``V W + c``, without the sigmoid that makes them probabilities."""
    V = _f(V)
    R = visible_probabilities(V @ _f(W) + _f(c), W, b)
    return float(np.mean((V - R) ** 2))


def reconstruction_error_thresholded(V, W, b, c):
    """Rounds the reconstruction to 0/1 (p >= 0.5) before comparing it with the data."""
    V = _f(V)
    R = visible_probabilities(hidden_probabilities(V, W, c), W, b)
    return float(np.mean((V - (R >= 0.5)) ** 2))


# -- train -------------------------------------------------------------------------------------------


def _train_with(step, V, W, b, c, eps, batch_size, U_hidden, U_visible):
    V = _f(V)
    W, b, c = (np.array(x, dtype=float) for x in (W, b, c))
    U_hidden, U_visible = _f(U_hidden), _f(U_visible)
    errors = [reconstruction_error(V, W, b, c)]
    for epoch in range(U_hidden.shape[0]):
        for start in range(0, V.shape[0], batch_size):
            rows = slice(start, start + batch_size)
            W, b, c = step(V[rows], W, b, c, eps, U_hidden[epoch, rows], U_visible[epoch, rows])
        errors.append(reconstruction_error(V, W, b, c))
    return W, b, c, np.array(errors)


def train_probabilities(V, W, b, c, eps, batch_size, U_hidden, U_visible):
    """Trains with CD steps that never sample: probabilities drive the reconstruction."""
    return _train_with(cd1_step_probabilities, V, W, b, c, eps, batch_size, U_hidden, U_visible)


def train_no_bias_update(V, W, b, c, eps, batch_size, U_hidden, U_visible):
    """Trains W only; the biases keep their initial values."""
    return _train_with(cd1_step_no_bias_update, V, W, b, c, eps, batch_size, U_hidden, U_visible)


def train_summed(V, W, b, c, eps, batch_size, U_hidden, U_visible):
    """Sums the statistics over each mini-batch instead of averaging them."""
    return _train_with(cd1_step_summed, V, W, b, c, eps, batch_size, U_hidden, U_visible)


def train_sign_flipped(V, W, b, c, eps, batch_size, U_hidden, U_visible):
    """Subtracts the update: ``W -= eps (<v h>^0 - <v h>^1)``, which unlearns the data."""
    return _train_with(
        lambda V_, W_, b_, c_, eps_, U_h, U_v: cd1_step(V_, W_, b_, c_, -eps_, U_h, U_v),
        V, W, b, c, eps, batch_size, U_hidden, U_visible,
    )
