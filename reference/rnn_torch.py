"""Recurrent network references in torch; they must agree with :mod:`reference.rnn`.

Same names, signatures and conventions (see that module's docstring). The
gradients of :func:`rnn_backward` and the Jacobians of :func:`jacobian_norms`
come from torch autograd (the NumPy reference derives them by hand); the
clipping is ``torch.nn.utils.clip_grad_norm_``'s rule. The modules ``RNN``
and ``LSTM`` are the classes students write, computed with tensor
operations. Everything is float64 except the modules, which follow the
dtype of their parameters.
"""

from __future__ import annotations

import torch
from torch import nn


def _t(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64)


def rnn_step(x, a_prev, W_ax, W_aa, b_a, W_ya, b_y):
    a = torch.tanh(_t(x) @ _t(W_ax).T + _t(a_prev) @ _t(W_aa).T + _t(b_a))
    return a, a @ _t(W_ya).T + _t(b_y)


def _states(X, W_ax, W_aa, b_a):
    X = _t(X)
    a = torch.zeros(X.shape[0], W_aa.shape[0], dtype=torch.float64)
    states = []
    for t in range(X.shape[1]):
        a = torch.tanh(X[:, t] @ W_ax.T + a @ W_aa.T + b_a)
        states.append(a)
    return torch.stack(states, dim=1)


def rnn_forward(X, W_ax, W_aa, b_a):
    return _states(X, _t(W_ax), _t(W_aa), _t(b_a))


def rnn_backward(X, W_ax, W_aa, b_a, G):
    X, G = _t(X).requires_grad_(True), _t(G)
    W_ax, W_aa, b_a = (_t(M).requires_grad_(True) for M in (W_ax, W_aa, b_a))
    A = _states(X, W_ax, W_aa, b_a)
    loss = (A * G).sum() if G.dim() == 3 else (A[:, -1] * G).sum()
    return tuple(g.detach() for g in torch.autograd.grad(loss, (W_ax, W_aa, b_a, X)))


def clip_by_global_norm(grads, max_norm):
    tensors = [_t(g).clone() for g in grads]
    total = torch.sqrt(sum((g**2).sum() for g in tensors))
    factor = torch.clamp(max_norm / total, max=1.0)
    return [g * factor for g in tensors], float(total)


def jacobian_norms(X, W_ax, W_aa, b_a, activation="tanh"):
    X, W_ax, W_aa, b_a = _t(X), _t(W_ax), _t(W_aa), _t(b_a)
    g = {"tanh": torch.tanh, "identity": lambda z: z}[activation]
    T = X.shape[0]
    states = [torch.zeros(W_aa.shape[0], dtype=torch.float64)]
    for t in range(T):
        states.append(g(W_ax @ X[t] + W_aa @ states[-1] + b_a))

    def run_from(start: int):
        def run(a):
            for t in range(start, T):
                a = g(W_ax @ X[t] + W_aa @ a + b_a)
            return a

        return run

    norms = []
    for k in range(1, T + 1):
        J = torch.autograd.functional.jacobian(run_from(T - k), states[T - k])
        norms.append(torch.linalg.matrix_norm(J, ord=2))
    return torch.stack(norms)


def bidirectional_rnn(X, W_ax_f, W_aa_f, b_f, W_ax_b, W_aa_b, b_b):
    forward = rnn_forward(X, W_ax_f, W_aa_f, b_f)
    backward = torch.flip(rnn_forward(torch.flip(_t(X), dims=(1,)), W_ax_b, W_aa_b, b_b), dims=(1,))
    return torch.cat([forward, backward], dim=-1)


def forget_gate(h_prev, x, W_f, b_f, activation="sigmoid"):
    z = torch.cat([_t(h_prev), _t(x)], dim=-1) @ _t(W_f).T + _t(b_f)
    if activation == "step":
        return torch.heaviside(z, torch.zeros((), dtype=torch.float64))
    return torch.sigmoid(z)


def _lstm_step(x, h, c, W, b):
    i, f, g, o = (torch.cat([h, x], dim=-1) @ W.T + b).chunk(4, dim=-1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def lstm_cell(x, h_prev, c_prev, W, b):
    return _lstm_step(_t(x), _t(h_prev), _t(c_prev), _t(W), _t(b))


def lstm_forward(X, W, b):
    X, W, b = _t(X), _t(W), _t(b)
    h = c = torch.zeros(X.shape[0], W.shape[0] // 4, dtype=torch.float64)
    H, C = [], []
    for t in range(X.shape[1]):
        h, c = _lstm_step(X[:, t], h, c, W, b)
        H.append(h)
        C.append(c)
    return torch.stack(H, dim=1), torch.stack(C, dim=1)


def gru_cell(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h_prev = _t(h_prev)
    r_i, z_i, n_i = (_t(x) @ _t(W_ih).T + _t(b_ih)).chunk(3, dim=-1)
    r_h, z_h, n_h = (h_prev @ _t(W_hh).T + _t(b_hh)).chunk(3, dim=-1)
    r, z = torch.sigmoid(r_i + r_h), torch.sigmoid(z_i + z_h)
    n = torch.tanh(n_i + r * n_h)
    return (1 - z) * n + z * h_prev


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.W_ax = nn.Parameter(torch.zeros(hidden_size, input_size))
        self.W_aa = nn.Parameter(torch.zeros(hidden_size, hidden_size))
        self.b_a = nn.Parameter(torch.zeros(hidden_size))

    def load_torch_state(self, state):
        with torch.no_grad():
            self.W_ax.copy_(state["weight_ih_l0"])
            self.W_aa.copy_(state["weight_hh_l0"])
            self.b_a.copy_(state["bias_ih_l0"] + state["bias_hh_l0"])

    def forward(self, X):
        a = X.new_zeros(X.shape[0], self.W_aa.shape[0])
        states = []
        for t in range(X.shape[1]):
            a = torch.tanh(X[:, t] @ self.W_ax.T + a @ self.W_aa.T + self.b_a)
            states.append(a)
        return torch.stack(states, dim=1)


class LSTM(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.W = nn.Parameter(torch.zeros(4 * hidden_size, hidden_size + input_size))
        self.b = nn.Parameter(torch.zeros(4 * hidden_size))

    def load_torch_state(self, state):
        with torch.no_grad():
            self.W.copy_(torch.cat([state["weight_hh_l0"], state["weight_ih_l0"]], dim=1))
            self.b.copy_(state["bias_ih_l0"] + state["bias_hh_l0"])

    def forward(self, X):
        h = c = X.new_zeros(X.shape[0], self.W.shape[0] // 4)
        states = []
        for t in range(X.shape[1]):
            h, c = _lstm_step(X[:, t], h, c, self.W, self.b)
            states.append(h)
        return torch.stack(states, dim=1)
