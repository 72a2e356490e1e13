"""Recurrent network references (course notes 1.6, worked example 2.4.1; slides on RNN, LSTM, bidirectional RNN).

Conventions every function here follows:

- a batch of B sequences of T steps is ``X`` of shape ``(B, T, n_x)``
  (torch's ``batch_first=True``); step t of the batch is ``X[:, t]``, one
  example per row. A single step ``x`` is ``(B, n_x)`` and a hidden state
  ``a`` (or ``h``, ``c``) is ``(B, n_a)``.
- weights are in the notes' layout and multiply column vectors from the left,
  ``W_ax x``; with examples in rows that is ``x @ W_ax.T``. ``W_ax`` is
  ``(n_a, n_x)``, ``W_aa`` is ``(n_a, n_a)``, ``b_a`` is ``(n_a,)``.
- the RNN step is ``a^(t) = tanh(W_ax x^(t) + W_aa a^(t-1) + b_a)`` with
  ``a^(0) = 0`` (notes 1.6.1), its output ``y^(t) = W_ya a^(t) + b_y`` (the
  notes' g' taken as the identity: the scores). ``nn.RNN(n_x, n_a)`` computes
  the same states with ``weight_ih_l0 = W_ax``, ``weight_hh_l0 = W_aa`` and
  ``bias_ih_l0 + bias_hh_l0 = b_a``.
- the LSTM acts on the notes' concatenation ``[h_{t-1}, x_t]``: one matrix
  ``W`` of shape ``(4 n_h, n_h + n_x)`` and ``b`` of ``(4 n_h,)`` whose row
  blocks are the gates in torch's order i, f, g, o (input, forget, candidate
  ``C~``, output). So ``W_i = W[0:n_h]``, ``W_f = W[n_h:2n_h]`` and so on; the
  first n_h columns multiply ``h_{t-1}``, the last n_x multiply ``x_t``. torch's
  ``nn.LSTM``/``nn.LSTMCell`` keep them apart: ``weight_hh = W[:, :n_h]``,
  ``weight_ih = W[:, n_h:]`` and ``bias_ih + bias_hh = b``.
- the GRU is torch's ``nn.GRUCell``: gate blocks r, z, n in that order.
"""

from __future__ import annotations

import numpy as np


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def sigmoid(z: np.ndarray) -> np.ndarray:
    z = _f(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def step_activation(z: np.ndarray) -> np.ndarray:
    """The notes' step "sigmoid" of worked example 2.4.1: 1 for arguments > 0, 0 otherwise."""
    return (_f(z) > 0).astype(float)


# -- the RNN (1.6.1) ----------------------------------------------------------------------------


def rnn_step(x, a_prev, W_ax, W_aa, b_a, W_ya, b_y):
    """One RNN step and its output (notes 1.6.1).

    ``a = tanh(W_ax x + W_aa a_prev + b_a)`` and ``y = W_ya a + b_y``, one example per row.

    Parameters
    ----------
    x : ndarray (B, n_x)
    a_prev : ndarray (B, n_a)
    W_ax : ndarray (n_a, n_x)
    W_aa : ndarray (n_a, n_a)
    b_a : ndarray (n_a,)
    W_ya : ndarray (n_y, n_a)
    b_y : ndarray (n_y,)

    Returns
    -------
    a : ndarray (B, n_a)
    y : ndarray (B, n_y)
    """
    a = np.tanh(_f(x) @ _f(W_ax).T + _f(a_prev) @ _f(W_aa).T + _f(b_a))
    return a, a @ _f(W_ya).T + _f(b_y)


def rnn_forward(X, W_ax, W_aa, b_a):
    """Every hidden state ``a^(1) .. a^(T)`` of an RNN over a batch of sequences, from ``a^(0) = 0``.

    Parameters
    ----------
    X : ndarray (B, T, n_x)
    W_ax, W_aa, b_a : as in :func:`rnn_step`

    Returns
    -------
    ndarray (B, T, n_a): ``[:, t-1]`` is ``a^(t)``
    """
    X, W_ax, W_aa, b_a = _f(X), _f(W_ax), _f(W_aa), _f(b_a)
    B, T, _ = X.shape
    a = np.zeros((B, W_aa.shape[0]))
    states = np.zeros((B, T, W_aa.shape[0]))
    for t in range(T):
        a = np.tanh(X[:, t] @ W_ax.T + a @ W_aa.T + b_a)
        states[:, t] = a
    return states


def rnn_backward(X, W_ax, W_aa, b_a, G):
    """Backpropagation through time for a tanh RNN (notes 1.6.1.1).

    The loss is on every step, ``L = sum_t sum(G[:, t] * a^(t))`` when G is
    ``(B, T, n_a)``, or on the last state only, ``L = sum(G * a^(T))`` when G
    is ``(B, n_a)``. Going back from t = T, the gradient reaching ``a^(t)`` is
    its own ``G_t`` plus what flows back from ``a^(t+1)``::

        da^(t) = G_t + dz^(t+1) W_aa,   dz^(t) = da^(t) * (1 - a^(t)^2)
        dW_ax = sum_t dz^(t)^T x^(t),   dW_aa = sum_t dz^(t)^T a^(t-1),   db_a = sum_t dz^(t)
        dx^(t) = dz^(t) W_ax

    Returns
    -------
    dW_ax : (n_a, n_x), dW_aa : (n_a, n_a), db_a : (n_a,), dX : (B, T, n_x)
    """
    X, W_ax, W_aa, G = _f(X), _f(W_ax), _f(W_aa), _f(G)
    A = rnn_forward(X, W_ax, W_aa, b_a)
    B, T, _ = X.shape
    if G.ndim == 2:
        full = np.zeros_like(A)
        full[:, -1] = G
        G = full
    previous = np.concatenate([np.zeros_like(A[:, :1]), A[:, :-1]], axis=1)
    dW_ax, dW_aa, db_a = np.zeros_like(W_ax), np.zeros_like(W_aa), np.zeros(W_aa.shape[0])
    dX = np.zeros_like(X)
    back = np.zeros_like(A[:, 0])
    for t in reversed(range(T)):
        dz = (G[:, t] + back) * (1.0 - A[:, t] ** 2)
        dW_ax += dz.T @ X[:, t]
        dW_aa += dz.T @ previous[:, t]
        db_a += dz.sum(axis=0)
        dX[:, t] = dz @ W_ax
        back = dz @ W_aa
    return dW_ax, dW_aa, db_a, dX


def clip_by_global_norm(grads, max_norm):
    """Scale a list of gradients together so that their global norm is at most ``max_norm``.

    The global norm is ``N = sqrt(sum_k ||g_k||^2)`` over every entry of every
    array. If ``N > max_norm`` every array is multiplied by ``max_norm / N``
    (directions kept, the global norm becomes max_norm); otherwise they are
    returned unchanged. (``torch.nn.utils.clip_grad_norm_`` does this, up to a
    1e-6 it adds to N.)

    Returns
    -------
    clipped : list of ndarrays, the shapes of ``grads``
    N : float, the global norm before clipping
    """
    grads = [_f(g) for g in grads]
    total = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))
    scale = max_norm / total if total > max_norm else 1.0
    return [g * scale for g in grads], total


def jacobian_norms(X, W_ax, W_aa, b_a, activation="tanh"):
    """The norms of the products of step Jacobians of one sequence: the vanishing gradient (notes 1.6.1.1).

    ``X`` is one sequence ``(T, n_x)``. With ``a^(t) = g(z^(t))``, ``z^(t) =
    W_ax x^(t) + W_aa a^(t-1) + b_a``, ``a^(0) = 0`` and ``g`` tanh or the
    identity, the step Jacobian is ``J_t = da^(t)/da^(t-1) = diag(g'(z^(t))) W_aa``
    (``g' = 1 - a^(t)^2`` for tanh, 1 for the identity). Entry ``k - 1`` is the
    spectral norm (largest singular value) of
    ``da^(T)/da^(T-k) = J_T J_{T-1} ... J_{T-k+1}``, for k = 1 .. T.

    Returns
    -------
    ndarray (T,)
    """
    X, W_ax, W_aa, b_a = _f(X), _f(W_ax), _f(W_aa), _f(b_a)
    T = X.shape[0]
    a = np.zeros(W_aa.shape[0])
    derivatives = []
    for t in range(T):
        z = W_ax @ X[t] + W_aa @ a + b_a
        if activation == "tanh":
            a = np.tanh(z)
            derivatives.append(1.0 - a**2)
        elif activation == "identity":
            a = z
            derivatives.append(np.ones_like(z))
        else:
            raise ValueError(f"activation should be 'tanh' or 'identity', not {activation!r}")
    product = np.eye(W_aa.shape[0])
    norms = np.zeros(T)
    for k in range(1, T + 1):
        product = product @ (derivatives[T - k][:, None] * W_aa)
        norms[k - 1] = np.linalg.norm(product, 2)
    return norms


def bidirectional_rnn(X, W_ax_f, W_aa_f, b_f, W_ax_b, W_aa_b, b_b):
    """A bidirectional RNN layer (slides, bidirectional RNN): both directions' states at every step.

    The forward direction is :func:`rnn_forward` with ``(W_ax_f, W_aa_f, b_f)``.
    The backward direction reads the sequence from its end,
    ``a~^(t) = tanh(W_ax_b x^(t) + W_aa_b a~^(t+1) + b_b)`` with ``a~^(T+1) = 0``.
    Step t of the result is ``[a^(t), a~^(t)]``, the forward state first, both
    for the same step t: the layout of ``nn.RNN(..., bidirectional=True)``.

    Returns
    -------
    ndarray (B, T, 2 n_a)
    """
    forward = rnn_forward(X, W_ax_f, W_aa_f, b_f)
    backward = rnn_forward(_f(X)[:, ::-1], W_ax_b, W_aa_b, b_b)[:, ::-1]
    return np.concatenate([forward, backward], axis=-1)


# -- the LSTM (1.6.2.1, 2.4.1) ---------------------------------------------------------------------


def forget_gate(h_prev, x, W_f, b_f, activation="sigmoid"):
    """The LSTM forget gate ``f_t = sigma(W_f [h_{t-1}, x_t] + b_f)`` (notes 1.6.2.1).

    ``[h_{t-1}, x_t]`` puts h first. ``activation`` is ``"sigmoid"`` or
    ``"step"``, the notes' worked example 2.4.1 (1 for arguments > 0, 0
    otherwise). ``h_prev`` and ``x`` are vectors ``(n_h,)``, ``(n_x,)`` or
    batches ``(B, n_h)``, ``(B, n_x)``; ``W_f`` is ``(n_h, n_h + n_x)``.

    Returns
    -------
    ndarray (n_h,) or (B, n_h)
    """
    z = np.concatenate([_f(h_prev), _f(x)], axis=-1) @ _f(W_f).T + _f(b_f)
    if activation == "sigmoid":
        return sigmoid(z)
    if activation == "step":
        return step_activation(z)
    raise ValueError(f"activation should be 'sigmoid' or 'step', not {activation!r}")


def lstm_gates(x, h_prev, W, b):
    """The four gates ``(i, f, g, o)`` of one LSTM step, from the stacked ``W`` and ``b`` (blocks i, f, g, o)."""
    n_h = _f(h_prev).shape[-1]
    z = np.concatenate([_f(h_prev), _f(x)], axis=-1) @ _f(W).T + _f(b)
    i, f, g, o = (z[..., k * n_h : (k + 1) * n_h] for k in range(4))
    return sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)


def lstm_cell(x, h_prev, c_prev, W, b):
    """One LSTM step (notes 1.6.2.1).

    ``i, f, o = sigma(W_* [h_{t-1}, x_t] + b_*)``, ``C~ = tanh(W_C [h_{t-1}, x_t] + b_C)``,
    ``C_t = f * C_{t-1} + i * C~`` and ``h_t = o * tanh(C_t)``, with the gates'
    rows stacked in W and b in the order i, f, g (= C~), o.

    Parameters
    ----------
    x : (B, n_x); h_prev, c_prev : (B, n_h); W : (4 n_h, n_h + n_x); b : (4 n_h,)

    Returns
    -------
    h : (B, n_h), c : (B, n_h)
    """
    i, f, g, o = lstm_gates(x, h_prev, W, b)
    c = f * _f(c_prev) + i * g
    return o * np.tanh(c), c


def lstm_forward(X, W, b):
    """An LSTM over a batch of sequences from ``h_0 = C_0 = 0``: every hidden state and every cell state.

    Returns
    -------
    H : (B, T, n_h), ``H[:, t-1] = h_t``;  C : (B, T, n_h), ``C[:, t-1] = C_t``
    """
    X = _f(X)
    B, T, _ = X.shape
    n_h = _f(W).shape[0] // 4
    h, c = np.zeros((B, n_h)), np.zeros((B, n_h))
    H, C = np.zeros((B, T, n_h)), np.zeros((B, T, n_h))
    for t in range(T):
        h, c = lstm_cell(X[:, t], h, c, W, b)
        H[:, t], C[:, t] = h, c
    return H, C


def lstm_backward(X, W, b, G):
    """The gradients of ``L = sum(G * H)`` for :func:`lstm_forward`'s hidden states, by BPTT.

    Returns ``(dW, db, dX)``. Going back, ``dC_{t-1} = dC_t * f_t`` (the cell's
    own path) plus nothing else: every other path goes through the gates.
    """
    X, W, G = _f(X), _f(W), _f(G)
    B, T, n_x = X.shape
    n_h = W.shape[0] // 4
    h, c = np.zeros((B, n_h)), np.zeros((B, n_h))
    saved = []
    for t in range(T):
        i, f, g, o = lstm_gates(X[:, t], h, W, b)
        c_new = f * c + i * g
        saved.append((np.concatenate([h, X[:, t]], axis=-1), c, i, f, g, o, c_new))
        h, c = o * np.tanh(c_new), c_new
    dW, db, dX = np.zeros_like(W), np.zeros(4 * n_h), np.zeros_like(X)
    dh_next, dc_next = np.zeros((B, n_h)), np.zeros((B, n_h))
    for t in reversed(range(T)):
        hx, c_prev, i, f, g, o, c = saved[t]
        dh = G[:, t] + dh_next
        tanh_c = np.tanh(c)
        do = dh * tanh_c
        dc = dc_next + dh * o * (1.0 - tanh_c**2)
        di, df, dg = dc * g, dc * c_prev, dc * i
        dz = np.concatenate([di * i * (1 - i), df * f * (1 - f), dg * (1 - g**2), do * o * (1 - o)], axis=-1)
        dW += dz.T @ hx
        db += dz.sum(axis=0)
        dhx = dz @ W
        dh_next, dX[:, t] = dhx[:, :n_h], dhx[:, n_h:]
        dc_next = dc * f
    return dW, db, dX


# -- the GRU ---------------------------------------------------------------------------------------


def gru_cell(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    """One GRU step, as torch's ``nn.GRUCell`` computes it (gate blocks r, z, n).

    ``r = sigma(W_ir x + b_ir + W_hr h + b_hr)``, ``z = sigma(W_iz x + b_iz + W_hz h + b_hz)``,
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`` and ``h' = (1 - z) * n + z * h``.
    ``W_ih`` is ``(3 n_h, n_x)``, ``W_hh`` ``(3 n_h, n_h)``, the biases ``(3 n_h,)``.

    Returns
    -------
    ndarray (B, n_h)
    """
    h_prev = _f(h_prev)
    n_h = h_prev.shape[-1]
    gi = _f(x) @ _f(W_ih).T + _f(b_ih)
    gh = h_prev @ _f(W_hh).T + _f(b_hh)
    r = sigmoid(gi[:, :n_h] + gh[:, :n_h])
    z = sigmoid(gi[:, n_h : 2 * n_h] + gh[:, n_h : 2 * n_h])
    n = np.tanh(gi[:, 2 * n_h :] + r * gh[:, 2 * n_h :])
    return (1.0 - z) * n + z * h_prev


# -- the modules' NumPy twins (the protocol of grader.object_scripts) ------------------------------


class RNN:
    """NumPy twin of the ``RNN`` module: parameters ``W_ax``, ``W_aa``, ``b_a``; BPTT by hand."""

    def __init__(self, input_size, hidden_size):
        self.params = {
            "W_ax": np.zeros((hidden_size, input_size)),
            "W_aa": np.zeros((hidden_size, hidden_size)),
            "b_a": np.zeros(hidden_size),
        }
        self.training = True

    def state_dict(self):
        return dict(self.params)

    def load_state_dict(self, state):
        self.params = {name: _f(state[name]) for name in self.params}

    def load_torch_state(self, state):
        """From ``nn.RNN(n_x, n_a, batch_first=True).state_dict()``."""
        self.params = {
            "W_ax": _f(state["weight_ih_l0"]),
            "W_aa": _f(state["weight_hh_l0"]),
            "b_a": _f(state["bias_ih_l0"]) + _f(state["bias_hh_l0"]),
        }

    def forward(self, X):
        self.X = _f(X)
        p = self.params
        return rnn_forward(self.X, p["W_ax"], p["W_aa"], p["b_a"])

    def backward(self, upstream):
        p = self.params
        dW_ax, dW_aa, db_a, dX = rnn_backward(self.X, p["W_ax"], p["W_aa"], p["b_a"], upstream)
        return (dX,), {"W_ax": dW_ax, "W_aa": dW_aa, "b_a": db_a}


class LSTM:
    """NumPy twin of the ``LSTM`` module: parameters ``W`` (4 n_h, n_h + n_x) and ``b``; BPTT by hand."""

    def __init__(self, input_size, hidden_size):
        self.params = {"W": np.zeros((4 * hidden_size, hidden_size + input_size)), "b": np.zeros(4 * hidden_size)}
        self.training = True

    def state_dict(self):
        return dict(self.params)

    def load_state_dict(self, state):
        self.params = {name: _f(state[name]) for name in self.params}

    def load_torch_state(self, state):
        """From ``nn.LSTM(n_x, n_h, batch_first=True).state_dict()``: W = [weight_hh | weight_ih], b = the two biases."""
        self.params = {
            "W": np.concatenate([_f(state["weight_hh_l0"]), _f(state["weight_ih_l0"])], axis=1),
            "b": _f(state["bias_ih_l0"]) + _f(state["bias_hh_l0"]),
        }

    def forward(self, X):
        self.X = _f(X)
        return lstm_forward(self.X, self.params["W"], self.params["b"])[0]

    def backward(self, upstream):
        dW, db, dX = lstm_backward(self.X, self.params["W"], self.params["b"], upstream)
        return (dX,), {"W": dW, "b": db}
