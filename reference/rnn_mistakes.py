"""Known mistakes in the recurrent exercises, each a variant of :mod:`reference.rnn` (the modules' of :mod:`reference.rnn_torch`).

Each function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/rnn.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np
import torch

from reference import rnn_torch
from reference.rnn import _f, lstm_gates, rnn_forward, sigmoid, step_activation


# -- rnn_step ----------------------------------------------------------------------------------


def rnn_step_w_aa_transposed(x, a_prev, W_ax, W_aa, b_a, W_ya, b_y):
    """``a_prev @ W_aa``: W_aa applied transposed (W_aa^T a_prev)."""
    a = np.tanh(_f(x) @ _f(W_ax).T + _f(a_prev) @ _f(W_aa) + _f(b_a))
    return a, a @ _f(W_ya).T + _f(b_y)


def rnn_step_output_from_previous_state(x, a_prev, W_ax, W_aa, b_a, W_ya, b_y):
    """The output is computed from a^(t-1) instead of the new state a^(t)."""
    a = np.tanh(_f(x) @ _f(W_ax).T + _f(a_prev) @ _f(W_aa).T + _f(b_a))
    return a, _f(a_prev) @ _f(W_ya).T + _f(b_y)


def rnn_step_sigmoid(x, a_prev, W_ax, W_aa, b_a, W_ya, b_y):
    """The sigmoid instead of tanh for g."""
    a = sigmoid(_f(x) @ _f(W_ax).T + _f(a_prev) @ _f(W_aa).T + _f(b_a))
    return a, a @ _f(W_ya).T + _f(b_y)


# -- rnn_forward -------------------------------------------------------------------------------


def _run(X, W_ax, W_aa, b_a, *, a0=None, transposed=False, carried=True):
    X, W_ax, W_aa, b_a = _f(X), _f(W_ax), _f(W_aa), _f(b_a)
    a = np.zeros((X.shape[0], W_aa.shape[0])) if a0 is None else a0
    states = []
    for t in range(X.shape[1]):
        recurrent = a @ (W_aa if transposed else W_aa.T) if carried else 0.0
        a = np.tanh(X[:, t] @ W_ax.T + recurrent + b_a)
        states.append(a)
    return np.stack(states, axis=1)


def rnn_forward_a0_from_first_input(X, W_ax, W_aa, b_a):
    """a^(0) = tanh(W_ax x^(1) + b_a), the first input's state, instead of the zero vector."""
    X = _f(X)
    return _run(X, W_ax, W_aa, b_a, a0=np.tanh(X[:, 0] @ _f(W_ax).T + _f(b_a)))


def rnn_forward_w_aa_transposed(X, W_ax, W_aa, b_a):
    """``a @ W_aa``: the recurrent matrix applied transposed."""
    return _run(X, W_ax, W_aa, b_a, transposed=True)


def rnn_forward_states_shifted(X, W_ax, W_aa, b_a):
    """Returns a^(0) .. a^(T-1): the zero start stored, the last state dropped."""
    A = rnn_forward(X, W_ax, W_aa, b_a)
    return np.concatenate([np.zeros_like(A[:, :1]), A[:, :-1]], axis=1)


def rnn_forward_state_not_carried(X, W_ax, W_aa, b_a):
    """Each step starts from a zero state: a^(t-1) is never fed back."""
    return _run(X, W_ax, W_aa, b_a, carried=False)


# -- rnn_backward ------------------------------------------------------------------------------


def _bptt(X, W_ax, W_aa, b_a, G, *, through_time=True, transposed=False, same_step=False, derivative="a"):
    X, W_ax, W_aa, G = _f(X), _f(W_ax), _f(W_aa), _f(G)
    A = rnn_forward(X, W_ax, W_aa, b_a)
    B, T, _ = X.shape
    if G.ndim == 2:
        full = np.zeros_like(A)
        full[:, -1] = G
        G = full
    previous = np.concatenate([np.zeros_like(A[:, :1]), A[:, :-1]], axis=1)
    dW_ax, dW_aa, db_a, dX = np.zeros_like(W_ax), np.zeros_like(W_aa), np.zeros(W_aa.shape[0]), np.zeros_like(X)
    back = np.zeros_like(A[:, 0])
    for t in reversed(range(T)):
        local = 1.0 - A[:, t] ** 2 if derivative == "a" else 1.0 - A[:, t]
        dz = (G[:, t] + back) * local
        dW_ax += dz.T @ X[:, t]
        dW_aa += dz.T @ (A[:, t] if same_step else previous[:, t])
        db_a += dz.sum(axis=0)
        dX[:, t] = dz @ W_ax
        if through_time:
            back = dz @ (W_aa.T if transposed else W_aa)
    return dW_ax, dW_aa, db_a, dX


def rnn_backward_one_step(X, W_ax, W_aa, b_a, G):
    """Truncated to one step: the gradient of a^(t) never flows back into a^(t-1)."""
    return _bptt(X, W_ax, W_aa, b_a, G, through_time=False)


def rnn_backward_w_aa_not_transposed(X, W_ax, W_aa, b_a, G):
    """The gradient flows back into a^(t-1) as dz W_aa^T instead of dz W_aa (W_aa^T dz for columns)."""
    return _bptt(X, W_ax, W_aa, b_a, G, transposed=True)


def rnn_backward_same_step_state(X, W_ax, W_aa, b_a, G):
    """dW_aa sums dz^(t)^T a^(t) instead of dz^(t)^T a^(t-1)."""
    return _bptt(X, W_ax, W_aa, b_a, G, same_step=True)


def rnn_backward_tanh_derivative(X, W_ax, W_aa, b_a, G):
    """tanh's derivative taken as 1 - a instead of 1 - a^2."""
    return _bptt(X, W_ax, W_aa, b_a, G, derivative="1-a")


# -- clip_by_global_norm -------------------------------------------------------------------------


def _global(grads):
    grads = [_f(g) for g in grads]
    return grads, float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))


def clip_by_global_norm_each_entry(grads, max_norm):
    """Clips each entry to [-max_norm, max_norm] (np.clip) instead of scaling by the global norm."""
    grads, total = _global(grads)
    return [np.clip(g, -max_norm, max_norm) for g in grads], total


def clip_by_global_norm_each_array(grads, max_norm):
    """Scales each array by its own norm, so every array ends with norm at most max_norm."""
    grads, total = _global(grads)
    clipped = []
    for g in grads:
        norm = float(np.linalg.norm(g))
        clipped.append(g * (max_norm / norm) if norm > max_norm else g)
    return clipped, total


def clip_by_global_norm_always(grads, max_norm):
    """Always rescales to max_norm, also gradients whose norm is already below it."""
    grads, total = _global(grads)
    return [g * (max_norm / total) for g in grads], total


# -- jacobian_norms -------------------------------------------------------------------------------


def _jacobians(X, W_ax, W_aa, b_a, activation, *, with_derivative=True, shifted=False, reversed_order=False, norm=2):
    X, W_ax, W_aa, b_a = _f(X), _f(W_ax), _f(W_aa), _f(b_a)
    T, n = X.shape[0], W_aa.shape[0]
    a = np.zeros(n)
    derivatives = [np.ones(n)] if shifted else []
    for t in range(T):
        z = W_ax @ X[t] + W_aa @ a + b_a
        a = np.tanh(z) if activation == "tanh" else z
        derivatives.append(1.0 - a**2 if activation == "tanh" else np.ones(n))
    if shifted:
        derivatives = derivatives[:T]
    product, norms = np.eye(n), np.zeros(T)
    for k in range(1, T + 1):
        J = (derivatives[T - k][:, None] if with_derivative else 1.0) * W_aa
        product = J @ product if reversed_order else product @ J
        norms[k - 1] = np.linalg.norm(product, norm)
    return norms


def jacobian_norms_frobenius(X, W_ax, W_aa, b_a, activation="tanh"):
    """The Frobenius norm of the product instead of its spectral norm (largest singular value)."""
    return _jacobians(X, W_ax, W_aa, b_a, activation, norm="fro")


def jacobian_norms_without_derivative(X, W_ax, W_aa, b_a, activation="tanh"):
    """The activation's derivative left out: the norms of W_aa^k."""
    return _jacobians(X, W_ax, W_aa, b_a, activation, with_derivative=False)


def jacobian_norms_reversed_product(X, W_ax, W_aa, b_a, activation="tanh"):
    """The factors multiplied in the reverse order, J_{T-k+1} ... J_T."""
    return _jacobians(X, W_ax, W_aa, b_a, activation, reversed_order=True)


def jacobian_norms_previous_state_derivative(X, W_ax, W_aa, b_a, activation="tanh"):
    """J_t uses tanh's derivative at a^(t-1) instead of a^(t)."""
    return _jacobians(X, W_ax, W_aa, b_a, activation, shifted=True)


# -- bidirectional_rnn ---------------------------------------------------------------------------


def bidirectional_rnn_backward_not_reversed(X, W_ax_f, W_aa_f, b_f, W_ax_b, W_aa_b, b_b):
    """The backward states are stored in the order they were computed: step t holds a~^(T+1-t)."""
    forward = rnn_forward(X, W_ax_f, W_aa_f, b_f)
    backward = rnn_forward(_f(X)[:, ::-1], W_ax_b, W_aa_b, b_b)
    return np.concatenate([forward, backward], axis=-1)


def bidirectional_rnn_halves_swapped(X, W_ax_f, W_aa_f, b_f, W_ax_b, W_aa_b, b_b):
    """[a~^(t), a^(t)]: the backward state first."""
    forward = rnn_forward(X, W_ax_f, W_aa_f, b_f)
    backward = rnn_forward(_f(X)[:, ::-1], W_ax_b, W_aa_b, b_b)[:, ::-1]
    return np.concatenate([backward, forward], axis=-1)


def bidirectional_rnn_backward_reads_forward(X, W_ax_f, W_aa_f, b_f, W_ax_b, W_aa_b, b_b):
    """The backward direction reads the sequence from its start: a second forward RNN."""
    return np.concatenate([rnn_forward(X, W_ax_f, W_aa_f, b_f), rnn_forward(X, W_ax_b, W_aa_b, b_b)], axis=-1)


# -- forget_gate ---------------------------------------------------------------------------------


def forget_gate_x_first(h_prev, x, W_f, b_f, activation="sigmoid"):
    """Concatenates [x_t, h_{t-1}] instead of [h_{t-1}, x_t]."""
    z = np.concatenate([_f(x), _f(h_prev)], axis=-1) @ _f(W_f).T + _f(b_f)
    return sigmoid(z) if activation == "sigmoid" else step_activation(z)


def forget_gate_step_at_zero(h_prev, x, W_f, b_f, activation="sigmoid"):
    """The step activation gives 1 at 0 (>= 0) where the notes' gives 1 only for arguments > 0."""
    z = np.concatenate([_f(h_prev), _f(x)], axis=-1) @ _f(W_f).T + _f(b_f)
    return sigmoid(z) if activation == "sigmoid" else (z >= 0).astype(float)


def forget_gate_tanh(h_prev, x, W_f, b_f, activation="sigmoid"):
    """tanh instead of the sigmoid: the gate takes values in (-1, 1)."""
    z = np.concatenate([_f(h_prev), _f(x)], axis=-1) @ _f(W_f).T + _f(b_f)
    return np.tanh(z) if activation == "sigmoid" else step_activation(z)


# -- lstm_cell -----------------------------------------------------------------------------------


def _cell(x, h_prev, c_prev, W, b, *, forget_h=False, candidate=np.tanh, order="ifgo", output_inside=False, x_first=False):
    h_prev, c_prev = _f(h_prev), _f(c_prev)
    n_h = h_prev.shape[-1]
    parts = [_f(x), h_prev] if x_first else [h_prev, _f(x)]
    z = np.concatenate(parts, axis=-1) @ _f(W).T + _f(b)
    blocks = dict(zip(order, (z[..., k * n_h : (k + 1) * n_h] for k in range(4))))
    i, f, o = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"])
    g = candidate(blocks["g"])
    c = f * (h_prev if forget_h else c_prev) + i * g
    return (np.tanh(o * c) if output_inside else o * np.tanh(c)), c


def lstm_cell_forget_multiplies_h(x, h_prev, c_prev, W, b):
    """C_t = f_t * h_{t-1} + i_t * C~: the forget gate applied to h instead of C_{t-1}."""
    return _cell(x, h_prev, c_prev, W, b, forget_h=True)


def lstm_cell_sigmoid_candidate(x, h_prev, c_prev, W, b):
    """The candidate C~ squashed by the sigmoid instead of tanh."""
    return _cell(x, h_prev, c_prev, W, b, candidate=sigmoid)


def lstm_cell_gate_order(x, h_prev, c_prev, W, b):
    """The row blocks read as i, f, o, g instead of torch's i, f, g, o."""
    return _cell(x, h_prev, c_prev, W, b, order="ifog")


def lstm_cell_output_before_tanh(x, h_prev, c_prev, W, b):
    """h_t = tanh(o_t * C_t): the output gate applied before the tanh of the cell state."""
    return _cell(x, h_prev, c_prev, W, b, output_inside=True)


def lstm_cell_x_first(x, h_prev, c_prev, W, b):
    """Concatenates [x_t, h_{t-1}] instead of the notes' [h_{t-1}, x_t]."""
    return _cell(x, h_prev, c_prev, W, b, x_first=True)


# -- lstm_forward --------------------------------------------------------------------------------


def _lstm_run(X, W, b, *, keep_c=True, keep_h=True, cell=None):
    X = _f(X)
    B, T, _ = X.shape
    n_h = _f(W).shape[0] // 4
    h, c = np.zeros((B, n_h)), np.zeros((B, n_h))
    H, C = np.zeros((B, T, n_h)), np.zeros((B, T, n_h))
    for t in range(T):
        h_in = h if keep_h else np.zeros_like(h)
        c_in = c if keep_c else np.zeros_like(c)
        if cell is None:
            i, f, g, o = lstm_gates(X[:, t], h_in, W, b)
            c = f * c_in + i * g
            h = o * np.tanh(c)
        else:
            h, c = cell(X[:, t], h_in, c_in, W, b)
        H[:, t], C[:, t] = h, c
    return H, C


def lstm_forward_cell_reset(X, W, b):
    """C_{t-1} reset to 0 at every step: the cell state is never carried."""
    return _lstm_run(X, W, b, keep_c=False)


def lstm_forward_hidden_not_fed_back(X, W, b):
    """h_{t-1} is never fed back: every step sees h = 0."""
    return _lstm_run(X, W, b, keep_h=False)


def lstm_forward_forget_multiplies_h(X, W, b):
    """C_t = f_t * h_{t-1} + i_t * C~ at every step."""
    return _lstm_run(X, W, b, cell=lstm_cell_forget_multiplies_h)


def lstm_forward_gate_order(X, W, b):
    """The row blocks read as i, f, o, g instead of torch's i, f, g, o."""
    return _lstm_run(X, W, b, cell=lstm_cell_gate_order)


# -- gru_cell ------------------------------------------------------------------------------------


def _gru(x, h_prev, W_ih, W_hh, b_ih, b_hh, *, swapped=False, reset_before=False, order="rzn"):
    h_prev = _f(h_prev)
    n_h = h_prev.shape[-1]
    gi = _f(x) @ _f(W_ih).T + _f(b_ih)
    gh = h_prev @ _f(W_hh).T + _f(b_hh)
    block = {name: k for k, name in enumerate(order)}

    def part(g, name):
        k = block[name]
        return g[:, k * n_h : (k + 1) * n_h]

    r = sigmoid(part(gi, "r") + part(gh, "r"))
    z = sigmoid(part(gi, "z") + part(gh, "z"))
    if reset_before:
        k = block["n"]
        W_hn, b_hn = _f(W_hh)[k * n_h : (k + 1) * n_h], _f(b_hh)[k * n_h : (k + 1) * n_h]
        n = np.tanh(part(gi, "n") + (r * h_prev) @ W_hn.T + b_hn)
    else:
        n = np.tanh(part(gi, "n") + r * part(gh, "n"))
    return z * n + (1.0 - z) * h_prev if swapped else (1.0 - z) * n + z * h_prev


def gru_cell_interpolation_swapped(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    """h' = z * n + (1 - z) * h: z weighs the candidate instead of the old state."""
    return _gru(x, h_prev, W_ih, W_hh, b_ih, b_hh, swapped=True)


def gru_cell_reset_before_product(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    """n = tanh(W_in x + b_in + W_hn (r * h) + b_hn): r applied to h before W_hn (the original paper's form, not torch's)."""
    return _gru(x, h_prev, W_ih, W_hh, b_ih, b_hh, reset_before=True)


def gru_cell_gate_order(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    """The row blocks read as z, r, n instead of torch's r, z, n."""
    return _gru(x, h_prev, W_ih, W_hh, b_ih, b_hh, order="zrn")


# -- the modules -----------------------------------------------------------------------------------


class RNNWaaTransposed(rnn_torch.RNN):
    """``a @ W_aa``: the recurrent matrix applied transposed."""

    def forward(self, X):
        a = X.new_zeros(X.shape[0], self.W_aa.shape[0])
        states = []
        for t in range(X.shape[1]):
            a = torch.tanh(X[:, t] @ self.W_ax.T + a @ self.W_aa + self.b_a)
            states.append(a)
        return torch.stack(states, dim=1)


class RNNHiddenBiasDropped(rnn_torch.RNN):
    """The mapping keeps bias_ih_l0 only: torch adds bias_hh_l0 too, so b_a = bias_ih + bias_hh."""

    def load_torch_state(self, state):
        with torch.no_grad():
            self.W_ax.copy_(state["weight_ih_l0"])
            self.W_aa.copy_(state["weight_hh_l0"])
            self.b_a.copy_(state["bias_ih_l0"])


class RNNStartFromFirstInput(rnn_torch.RNN):
    """a^(0) = tanh(W_ax x^(1) + b_a) instead of 0."""

    def forward(self, X):
        a = torch.tanh(X[:, 0] @ self.W_ax.T + self.b_a)
        states = []
        for t in range(X.shape[1]):
            a = torch.tanh(X[:, t] @ self.W_ax.T + a @ self.W_aa.T + self.b_a)
            states.append(a)
        return torch.stack(states, dim=1)


class LSTMInputWeightsFirst(rnn_torch.LSTM):
    """The mapping concatenates [weight_ih | weight_hh], the [x_t, h_{t-1}] order, while forward uses [h_{t-1}, x_t]."""

    def load_torch_state(self, state):
        with torch.no_grad():
            self.W.copy_(torch.cat([state["weight_ih_l0"], state["weight_hh_l0"]], dim=1))
            self.b.copy_(state["bias_ih_l0"] + state["bias_hh_l0"])


class _LSTMVariant(rnn_torch.LSTM):
    order = "ifgo"
    forget_h = False
    output_inside = False

    def forward(self, X):
        n_h = self.W.shape[0] // 4
        h = c = X.new_zeros(X.shape[0], n_h)
        states = []
        for t in range(X.shape[1]):
            blocks = dict(zip(self.order, (torch.cat([h, X[:, t]], dim=-1) @ self.W.T + self.b).chunk(4, dim=-1)))
            i, f, o = torch.sigmoid(blocks["i"]), torch.sigmoid(blocks["f"]), torch.sigmoid(blocks["o"])
            c = f * (h if self.forget_h else c) + i * torch.tanh(blocks["g"])
            h = torch.tanh(o * c) if self.output_inside else o * torch.tanh(c)
            states.append(h)
        return torch.stack(states, dim=1)


class LSTMGateOrder(_LSTMVariant):
    """The row blocks read as i, f, o, g instead of torch's i, f, g, o."""

    order = "ifog"


class LSTMForgetMultipliesH(_LSTMVariant):
    """C_t = f_t * h_{t-1} + i_t * C~: the forget gate applied to h instead of C_{t-1}."""

    forget_h = True


class LSTMOutputBeforeTanh(_LSTMVariant):
    """h_t = tanh(o_t * C_t): the output gate applied before the tanh of the cell state."""

    output_inside = True
