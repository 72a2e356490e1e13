"""Recurrent networks: the RNN, backpropagation through time, the LSTM and the GRU (course notes 1.6,
worked example 2.4.1; the slides on RNN, LSTM and bidirectional RNN).

Conventions used by every function and class in this module:

- a batch of B sequences of T steps is an array ``X`` of shape ``(B, T, n_x)``
  (torch's ``batch_first=True``): ``X[:, t]`` is step t+1 of every sequence,
  one example per row. A single step ``x`` is ``(B, n_x)``; a hidden state
  ``a`` (or ``h``) and a cell state ``c`` are ``(B, n_a)``.
- weights are in the notes' layout: they multiply column vectors from the
  left, ``W_ax x``. With one example per row that is ``x @ W_ax.T``.
  ``W_ax`` is ``(n_a, n_x)``, ``W_aa`` is ``(n_a, n_a)``, ``b_a`` is ``(n_a,)``.
- the RNN: ``a^(t) = tanh(W_ax x^(t) + W_aa a^(t-1) + b_a)`` with
  ``a^(0) = 0`` (the zero vector), and its output ``y^(t) = W_ya a^(t) + b_y``
  (the notes' g' is the identity here).
- the LSTM acts on the notes' concatenation ``[h_{t-1}, x_t]`` (h first). Its
  four gates are stacked in one matrix ``W`` of shape ``(4 n_h, n_h + n_x)``
  and one bias ``b`` of shape ``(4 n_h,)``, in torch's order i, f, g, o: rows
  ``0 .. n_h-1`` are the input gate's ``W_i``, then the forget gate's ``W_f``,
  then the candidate's ``W_C`` (torch calls it g), then the output gate's
  ``W_o``. In each block the first n_h columns multiply ``h_{t-1}`` and the
  last n_x multiply ``x_t``.
- how this maps onto torch: ``nn.RNN``, ``nn.LSTM``, ``nn.LSTMCell`` and
  ``nn.GRUCell`` keep the input and hidden weights apart and add two biases,
  ``W_ih x + b_ih + W_hh h + b_hh``. So ``W_ax = weight_ih_l0``,
  ``W_aa = weight_hh_l0``, ``b_a = bias_ih_l0 + bias_hh_l0``; for the LSTM
  ``W = [weight_hh_l0 | weight_ih_l0]`` (columns, h first) and
  ``b = bias_ih_l0 + bias_hh_l0``, its rows already in the order i, f, g, o.
- inputs are NumPy arrays (lists of numbers work too); return NumPy arrays of
  floats (lists and torch tensors are accepted too), float64 or float32. The
  classes ``RNN`` and ``LSTM`` are torch modules and take and return float32
  tensors.

Checks compare a float64 answer with a relative tolerance of 1e-7 and an
absolute one of 1e-9, and a float32 answer (a function's or a module's) with
1e-4 and 1e-6 (scaled to the largest entry for the modules' outputs and
gradients).

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check rnn``). You may call your own
functions from one another (``rnn_forward`` can use ``rnn_step``).
"""

import numpy as np
import torch
from torch import nn


def rnn_step(x, a_prev, W_ax, W_aa, b_a, W_ya, b_y):
    """Return one RNN step ``(a, y)`` (notes 1.6.1).

    Time budget: 2 s of CPU per call (the course default).

    ``a = tanh(W_ax x + W_aa a_prev + b_a)`` and ``y = W_ya a + b_y``: the new
    hidden state and the output computed from it. Every example is a row.

    Parameters
    ----------
    x : ndarray of shape (B, n_x)
    a_prev : ndarray of shape (B, n_a)
        the previous hidden state a^(t-1)
    W_ax : ndarray of shape (n_a, n_x)
    W_aa : ndarray of shape (n_a, n_a)
    b_a : ndarray of shape (n_a,)
    W_ya : ndarray of shape (n_y, n_a)
    b_y : ndarray of shape (n_y,)

    Returns
    -------
    a : ndarray of shape (B, n_a)
    y : ndarray of shape (B, n_y)
    """
    a = np.tanh(np.asarray(x) @ np.asarray(W_ax).T + np.asarray(a_prev) @ np.asarray(W_aa).T + b_a)
    return a, a @ np.asarray(W_ya).T + b_y


def rnn_forward(X, W_ax, W_aa, b_a):
    """Return every hidden state ``a^(1) .. a^(T)`` of an RNN over a batch of sequences (notes 1.6.1).

    Time budget: 2 s of CPU per call (the course default).

    Start from ``a^(0) = 0`` and apply ``a^(t) = tanh(W_ax x^(t) + W_aa a^(t-1) + b_a)``
    for t = 1 .. T, the same weights at every step.

    Parameters
    ----------
    X : ndarray of shape (B, T, n_x)
    W_ax : ndarray of shape (n_a, n_x)
    W_aa : ndarray of shape (n_a, n_a)
    b_a : ndarray of shape (n_a,)

    Returns
    -------
    ndarray of shape (B, T, n_a)
        ``[:, t-1]`` is a^(t), the state after step t (a^(0) is not included)
    """
    X = np.asarray(X, dtype=float)
    a = np.zeros((X.shape[0], np.shape(W_aa)[0]))
    states = []
    for t in range(X.shape[1]):
        a, _ = rnn_step(X[:, t], a, W_ax, W_aa, b_a, np.zeros((1, a.shape[1])), np.zeros(1))
        states.append(a)
    return np.stack(states, axis=1)


def rnn_backward(X, W_ax, W_aa, b_a, G):
    """Return the gradients of a loss on the RNN's hidden states, by backpropagation through time (notes 1.6.1.1).

    Time budget: 2 s of CPU per call (the course default).

    The states are those of ``rnn_forward(X, W_ax, W_aa, b_a)``. ``G`` says
    what the loss is:

    - ``G`` of shape ``(B, T, n_a)``: a loss on every step,
      ``L = sum_t sum(G[:, t-1] * a^(t))``;
    - ``G`` of shape ``(B, n_a)``: a loss on the last state only,
      ``L = sum(G * a^(T))``.

    Go back from t = T: the gradient reaching a^(t) is its own part of G plus
    what flows back from step t+1 through W_aa. Check your gradients with
    torch autograd if you like; return NumPy arrays.

    Parameters
    ----------
    X : ndarray of shape (B, T, n_x)
    W_ax : ndarray of shape (n_a, n_x)
    W_aa : ndarray of shape (n_a, n_a)
    b_a : ndarray of shape (n_a,)
    G : ndarray of shape (B, T, n_a) or (B, n_a)

    Returns
    -------
    dW_ax : ndarray of shape (n_a, n_x)
    dW_aa : ndarray of shape (n_a, n_a)
    db_a : ndarray of shape (n_a,)
    dX : ndarray of shape (B, T, n_x)
    """
    X, W_ax, W_aa, G = (np.asarray(M, dtype=float) for M in (X, W_ax, W_aa, G))
    A = rnn_forward(X, W_ax, W_aa, b_a)
    B, T, n_a = A.shape
    if G.ndim == 2:
        G = np.concatenate([np.zeros((B, T - 1, n_a)), G[:, None]], axis=1)
    dW_ax, dW_aa, db_a, dX = np.zeros_like(W_ax), np.zeros_like(W_aa), np.zeros(n_a), np.zeros_like(X)
    da_next = np.zeros((B, n_a))
    for t in range(T - 1, -1, -1):
        dz = (G[:, t] + da_next) * (1 - A[:, t] ** 2)
        a_prev = A[:, t - 1] if t > 0 else np.zeros((B, n_a))
        dW_ax += dz.T @ X[:, t]
        dW_aa += dz.T @ a_prev
        db_a += dz.sum(axis=0)
        dX[:, t] = dz @ W_ax
        da_next = dz @ W_aa
    return dW_ax, dW_aa, db_a, dX


def clip_by_global_norm(grads, max_norm):
    """Return the gradients scaled together so that their global norm is at most ``max_norm``, and that norm.

    Time budget: 2 s of CPU per call (the course default).

    The global norm is ``N = sqrt(sum over every entry of every array of its
    square)``. If ``N > max_norm``, multiply every array by the same factor
    ``max_norm / N``; otherwise return them unchanged. (This is what
    ``torch.nn.utils.clip_grad_norm_`` does, up to a 1e-6 it adds to N.)

    Parameters
    ----------
    grads : list of ndarrays, any shapes
    max_norm : float, > 0

    Returns
    -------
    clipped : list of ndarrays
        the arrays of ``grads``, in order and with their shapes
    N : float
        the global norm of ``grads`` before clipping
    """
    grads = [np.asarray(g, dtype=float) for g in grads]
    N = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    factor = min(1.0, max_norm / N) if N > 0 else 1.0
    return [g * factor for g in grads], N


def jacobian_norms(X, W_ax, W_aa, b_a, activation="tanh"):
    """Return the norms of the products of step Jacobians along one sequence: the vanishing gradient (notes 1.6.1.1).

    Time budget: 2 s of CPU per call (the course default).

    Run ``a^(t) = g(z^(t))``, ``z^(t) = W_ax x^(t) + W_aa a^(t-1) + b_a``,
    from ``a^(0) = 0``, with ``g`` tanh (``activation="tanh"``) or the
    identity (``"identity"``: a linear RNN). One step's Jacobian is
    ``J_t = da^(t)/da^(t-1) = diag(g'(z^(t))) W_aa``, with ``g'(z^(t)) = 1 - a^(t)^2``
    for tanh and 1 for the identity. Entry ``k - 1`` of the result is the
    spectral norm (the largest singular value, ``np.linalg.norm(M, 2)``) of
    ``da^(T)/da^(T-k) = J_T J_{T-1} ... J_{T-k+1}``, for k = 1 .. T.

    Parameters
    ----------
    X : ndarray of shape (T, n_x)
        ONE sequence (no batch)
    W_ax : ndarray of shape (n_a, n_x)
    W_aa : ndarray of shape (n_a, n_a)
    b_a : ndarray of shape (n_a,)
    activation : str
        ``"tanh"`` or ``"identity"``

    Returns
    -------
    ndarray of shape (T,)
    """
    X, W_ax, W_aa = np.asarray(X, dtype=float), np.asarray(W_ax, dtype=float), np.asarray(W_aa, dtype=float)
    a = np.zeros(W_aa.shape[0])
    jacobians = []
    for x in X:
        z = W_ax @ x + W_aa @ a + b_a
        a = np.tanh(z) if activation == "tanh" else z
        slope = 1 - a**2 if activation == "tanh" else np.ones_like(z)
        jacobians.append(np.diag(slope) @ W_aa)
    norms, product = [], np.eye(W_aa.shape[0])
    for J in reversed(jacobians):
        product = product @ J
        norms.append(np.linalg.norm(product, 2))
    return np.array(norms)


def bidirectional_rnn(X, W_ax_f, W_aa_f, b_f, W_ax_b, W_aa_b, b_b):
    """Return a bidirectional RNN layer's states (slides, bidirectional recurrent neural networks).

    Time budget: 2 s of CPU per call (the course default).

    The forward direction is ``rnn_forward(X, W_ax_f, W_aa_f, b_f)``: a^(t)
    has read x^(1) .. x^(t). The backward direction reads each sequence from
    its end, ``a~^(t) = tanh(W_ax_b x^(t) + W_aa_b a~^(t+1) + b_b)`` with
    ``a~^(T+1) = 0``: a~^(t) has read x^(t) .. x^(T). Step t of the result is
    the concatenation ``[a^(t), a~^(t)]``, forward state first, both for the
    same step t. (``nn.RNN(n_x, n_a, bidirectional=True, batch_first=True)``
    lays out its output the same way.)

    Parameters
    ----------
    X : ndarray of shape (B, T, n_x)
    W_ax_f, W_aa_f, b_f : the forward direction's weights, as in ``rnn_forward``
    W_ax_b, W_aa_b, b_b : the backward direction's weights

    Returns
    -------
    ndarray of shape (B, T, 2 n_a)
    """
    X = np.asarray(X, dtype=float)
    forward = rnn_forward(X, W_ax_f, W_aa_f, b_f)
    backward = np.flip(rnn_forward(np.flip(X, axis=1), W_ax_b, W_aa_b, b_b), axis=1)
    return np.concatenate([forward, backward], axis=2)


def forget_gate(h_prev, x, W_f, b_f, activation="sigmoid"):
    """Return the LSTM forget gate ``f_t = sigma(W_f [h_{t-1}, x_t] + b_f)`` (notes 1.6.2.1, worked example 2.4.1).

    Time budget: 2 s of CPU per call (the course default).

    ``[h_{t-1}, x_t]`` is the concatenation with h first. ``activation`` is
    ``"sigmoid"`` or ``"step"``: the step of worked example 2.4.1, 1 for
    arguments > 0 and 0 otherwise (so 0 at exactly 0). In the worked example,
    ``W_f = [1, 1, 1, -10; 1, 1, 2, -10]``, ``b_f = 0`` and
    ``[h_{t-1}, x_t] = [1, 1, 0, 1]`` give ``f_t = [0, 0]``: the cell forgets
    everything.

    Parameters
    ----------
    h_prev : ndarray of shape (n_h,) or (B, n_h)
    x : ndarray of shape (n_x,) or (B, n_x)
        the same number of dimensions as h_prev
    W_f : ndarray of shape (n_h, n_h + n_x)
    b_f : ndarray of shape (n_h,)
    activation : str
        ``"sigmoid"`` or ``"step"``

    Returns
    -------
    ndarray of the shape of h_prev
    """
    z = np.concatenate([np.asarray(h_prev, dtype=float), np.asarray(x, dtype=float)], axis=-1) @ np.asarray(W_f).T + b_f
    if activation == "step":
        return np.where(z > 0, 1.0, 0.0)
    return 1 / (1 + np.exp(-z))


def lstm_cell(x, h_prev, c_prev, W, b):
    """Return one LSTM step ``(h_t, C_t)`` (notes 1.6.2.1).

    Time budget: 2 s of CPU per call (the course default).

    With ``v = [h_{t-1}, x_t]`` and the row blocks of ``W`` and ``b`` in the
    order i, f, g, o::

        i_t = sigma(W_i v + b_i)      input gate
        f_t = sigma(W_f v + b_f)      forget gate
        C~_t = tanh(W_C v + b_C)      candidate cell state (torch's g)
        o_t = sigma(W_o v + b_o)      output gate
        C_t = f_t * C_{t-1} + i_t * C~_t
        h_t = o_t * tanh(C_t)

    (``*`` is the element-wise product.)

    Parameters
    ----------
    x : ndarray of shape (B, n_x)
    h_prev : ndarray of shape (B, n_h)
    c_prev : ndarray of shape (B, n_h)
    W : ndarray of shape (4 n_h, n_h + n_x)
    b : ndarray of shape (4 n_h,)

    Returns
    -------
    h : ndarray of shape (B, n_h)
    c : ndarray of shape (B, n_h)
    """
    h_prev, c_prev = np.asarray(h_prev, dtype=float), np.asarray(c_prev, dtype=float)
    n = h_prev.shape[1]
    z = np.concatenate([h_prev, np.asarray(x, dtype=float)], axis=1) @ np.asarray(W).T + b

    def sigma(u):
        return 1 / (1 + np.exp(-u))

    i, f, g, o = sigma(z[:, :n]), sigma(z[:, n : 2 * n]), np.tanh(z[:, 2 * n : 3 * n]), sigma(z[:, 3 * n :])
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def lstm_forward(X, W, b):
    """Return every hidden state and every cell state of an LSTM over a batch of sequences.

    Time budget: 2 s of CPU per call (the course default).

    Start from ``h_0 = 0`` and ``C_0 = 0`` and apply ``lstm_cell`` at every
    step with the same ``W`` and ``b``.

    Parameters
    ----------
    X : ndarray of shape (B, T, n_x)
    W : ndarray of shape (4 n_h, n_h + n_x)
    b : ndarray of shape (4 n_h,)

    Returns
    -------
    H : ndarray of shape (B, T, n_h)
        ``[:, t-1]`` is h_t
    C : ndarray of shape (B, T, n_h)
        ``[:, t-1]`` is C_t
    """
    X = np.asarray(X, dtype=float)
    n = np.shape(W)[0] // 4
    h, c = np.zeros((X.shape[0], n)), np.zeros((X.shape[0], n))
    H, C = [], []
    for t in range(X.shape[1]):
        h, c = lstm_cell(X[:, t], h, c, W, b)
        H.append(h)
        C.append(c)
    return np.stack(H, axis=1), np.stack(C, axis=1)


def gru_cell(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    """Return one GRU step ``h'``, as ``torch.nn.GRUCell`` computes it.

    Time budget: 2 s of CPU per call (the course default).

    The row blocks of ``W_ih``, ``W_hh``, ``b_ih`` and ``b_hh`` are in the
    order r, z, n (reset gate, update gate, candidate), as torch stores them::

        r = sigma(W_ir x + b_ir + W_hr h + b_hr)
        z = sigma(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
        h' = (1 - z) * n + z * h

    Parameters
    ----------
    x : ndarray of shape (B, n_x)
    h_prev : ndarray of shape (B, n_h)
    W_ih : ndarray of shape (3 n_h, n_x)
    W_hh : ndarray of shape (3 n_h, n_h)
    b_ih : ndarray of shape (3 n_h,)
    b_hh : ndarray of shape (3 n_h,)

    Returns
    -------
    ndarray of shape (B, n_h)
    """
    h_prev = np.asarray(h_prev, dtype=float)
    n = h_prev.shape[1]
    gi = np.asarray(x, dtype=float) @ np.asarray(W_ih).T + b_ih
    gh = h_prev @ np.asarray(W_hh).T + b_hh
    r = 1 / (1 + np.exp(-(gi[:, :n] + gh[:, :n])))
    z = 1 / (1 + np.exp(-(gi[:, n : 2 * n] + gh[:, n : 2 * n])))
    candidate = np.tanh(gi[:, 2 * n :] + r * gh[:, 2 * n :])
    return (1 - z) * candidate + z * h_prev


class RNN(nn.Module):
    """The RNN of ``rnn_forward`` as a torch module (notes 1.6.1).

    Time budget: 2 s of CPU per call (the course default).

    Parameters
    ----------
    input_size : int
        n_x
    hidden_size : int
        n_a

    Registers three float32 parameters and nothing else: ``W_ax`` of shape
    ``(n_a, n_x)``, ``W_aa`` of shape ``(n_a, n_a)`` and ``b_a`` of shape
    ``(n_a,)`` (the checks load weights by these names).

    ``forward(X)``: ``X`` of shape ``(B, T, n_x)``; returns every hidden state,
    shape ``(B, T, n_a)``, from ``a^(0) = 0``, as in ``rnn_forward``. Compute
    with torch operations so that autograd backpropagates through time.

    ``load_torch_state(state)``: ``state`` is the state dict of
    ``nn.RNN(n_x, n_a, batch_first=True)`` (tensors named ``weight_ih_l0``,
    ``weight_hh_l0``, ``bias_ih_l0`` and ``bias_hh_l0``). Copy it into the
    parameters (under ``torch.no_grad()``) so that ``forward`` then gives the
    same states as that ``nn.RNN``: ``W_ax = weight_ih_l0``,
    ``W_aa = weight_hh_l0`` and ``b_a = bias_ih_l0 + bias_hh_l0``. Return None.
    """

    def __init__(self, input_size, hidden_size):
        super().__init__()
        scale = 1 / hidden_size**0.5
        self.W_ax = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-scale, scale))
        self.W_aa = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-scale, scale))
        self.b_a = nn.Parameter(torch.zeros(hidden_size))

    def forward(self, X):
        a = torch.zeros(X.shape[0], self.W_aa.shape[0], dtype=X.dtype)
        states = []
        for t in range(X.shape[1]):
            a = torch.tanh(X[:, t] @ self.W_ax.T + a @ self.W_aa.T + self.b_a)
            states.append(a)
        return torch.stack(states, dim=1)

    def load_torch_state(self, state):
        with torch.no_grad():
            self.W_ax.copy_(state["weight_ih_l0"])
            self.W_aa.copy_(state["weight_hh_l0"])
            self.b_a.copy_(state["bias_ih_l0"] + state["bias_hh_l0"])


class LSTM(nn.Module):
    """The LSTM of ``lstm_forward`` as a torch module (notes 1.6.2.1).

    Time budget: 2 s of CPU per call (the course default).

    Parameters
    ----------
    input_size : int
        n_x
    hidden_size : int
        n_h

    Registers two float32 parameters and nothing else: ``W`` of shape
    ``(4 n_h, n_h + n_x)``, acting on ``[h_{t-1}, x_t]`` with its row blocks
    in the order i, f, g, o, and ``b`` of shape ``(4 n_h,)``.

    ``forward(X)``: ``X`` of shape ``(B, T, n_x)``; returns every hidden state
    h_t, shape ``(B, T, n_h)``, from ``h_0 = C_0 = 0``, as ``lstm_forward``'s
    ``H``. Compute with torch operations so that autograd works.

    ``load_torch_state(state)``: ``state`` is the state dict of
    ``nn.LSTM(n_x, n_h, batch_first=True)`` (``weight_ih_l0`` of shape
    ``(4 n_h, n_x)``, ``weight_hh_l0`` of shape ``(4 n_h, n_h)``,
    ``bias_ih_l0`` and ``bias_hh_l0``, rows in the order i, f, g, o). Copy it
    into ``W`` and ``b`` (under ``torch.no_grad()``) so that ``forward`` then
    gives that ``nn.LSTM``'s output: ``W = [weight_hh_l0 | weight_ih_l0]``
    (``torch.cat(..., dim=1)``: the columns that multiply h_{t-1} first) and
    ``b = bias_ih_l0 + bias_hh_l0``. Return None.
    """

    def __init__(self, input_size, hidden_size):
        super().__init__()
        scale = 1 / hidden_size**0.5
        self.W = nn.Parameter(torch.empty(4 * hidden_size, hidden_size + input_size).uniform_(-scale, scale))
        self.b = nn.Parameter(torch.zeros(4 * hidden_size))

    def forward(self, X):
        n = self.W.shape[0] // 4
        h = torch.zeros(X.shape[0], n, dtype=X.dtype)
        c = torch.zeros(X.shape[0], n, dtype=X.dtype)
        states = []
        for t in range(X.shape[1]):
            z = torch.cat([h, X[:, t]], dim=1) @ self.W.T + self.b
            i, f, g, o = torch.sigmoid(z[:, :n]), torch.sigmoid(z[:, n : 2 * n]), torch.tanh(z[:, 2 * n : 3 * n]), torch.sigmoid(z[:, 3 * n :])
            c = f * c + i * g
            h = o * torch.tanh(c)
            states.append(h)
        return torch.stack(states, dim=1)

    def load_torch_state(self, state):
        with torch.no_grad():
            self.W.copy_(torch.cat([state["weight_hh_l0"], state["weight_ih_l0"]], dim=1))
            self.b.copy_(state["bias_ih_l0"] + state["bias_hh_l0"])
