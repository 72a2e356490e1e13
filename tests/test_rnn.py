"""The recurrent references against torch's own layers, autograd, and the notes' worked example.

- ``rnn_forward``, the ``RNN`` modules and ``bidirectional_rnn`` against
  ``torch.nn.RNN`` (and ``bidirectional=True``) with the documented mapping
  (``W_ax = weight_ih_l0``, ``W_aa = weight_hh_l0``, ``b_a = bias_ih_l0 +
  bias_hh_l0``; the ``_reverse`` weights for the backward direction);
- ``lstm_cell`` against ``torch.nn.LSTMCell``, ``lstm_forward`` and the ``LSTM``
  modules against ``torch.nn.LSTM`` (``W = [weight_hh | weight_ih]``, rows
  i, f, g, o, ``b = bias_ih + bias_hh``), ``gru_cell`` against ``torch.nn.GRUCell``;
- BPTT by hand (``rnn_backward``, the LSTM's backward) against autograd through
  ``nn.RNN`` / ``nn.LSTM``, for a loss on every step and on the last step only;
- ``clip_by_global_norm`` against ``torch.nn.utils.clip_grad_norm_``;
- the Jacobian products: vanishing for tanh with a small W_aa, exactly 1 for a
  linear RNN whose W_aa is I or a rotation near I, and falling for tanh with that rotation;
- worked example 2.4.1: the step activation gives f_t = [0, 0], and the cell then
  forgets C_{t-1};
- the NumPy references, the torch references and the solution module agree.
Inputs: hidden size != input size, batches of several sequences, several lengths.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import reference.rnn as ref
import reference.rnn_torch as ref_torch
from grader.catalog.rnn import NOTES_W_F
from grader.compare import compare
from grader.plain_data import to_plain

from conftest import SOLUTIONS, load_module

SEEDS = range(3)
#: (batch, length, n_x, n_hidden): hidden smaller and larger than input, one step and several
SHAPES = [(3, 5, 4, 2), (2, 1, 3, 5), (4, 7, 2, 3)]


def assert_agree(got: Any, expected: Any, *, rtol: float = 1e-10, atol: float = 1e-12, name: str = "value") -> None:
    result = compare(to_plain(got), to_plain(expected), name=name, rtol=rtol, atol=atol)
    assert result.ok, result.message


def numpy_state(module: torch.nn.Module) -> dict[str, np.ndarray]:
    return {name: value.detach().numpy().copy() for name, value in module.state_dict().items()}


@pytest.fixture(scope="module")
def solution():
    return load_module(SOLUTIONS, "rnn")


# -- nn.RNN ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_rnn_forward_equals_torch_rnn(seed, shape, solution):
    B, T, n_x, n_a = shape
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(n_x, n_a, batch_first=True, dtype=torch.float64)
    X = np.random.default_rng(seed).normal(size=(B, T, n_x))
    expected, h_n = rnn(torch.as_tensor(X))
    s = numpy_state(rnn)
    args = (X, s["weight_ih_l0"], s["weight_hh_l0"], s["bias_ih_l0"] + s["bias_hh_l0"])
    for forward in (ref.rnn_forward, ref_torch.rnn_forward, solution.rnn_forward):
        assert_agree(forward(*args), expected, name=forward.__module__)
    assert_agree(ref.rnn_forward(*args)[:, -1], h_n[0])
    a, y = ref.rnn_step(X[:, 0], np.zeros((B, n_a)), *args[1:], np.eye(n_a), np.zeros(n_a))
    assert_agree(a, expected[:, 0])
    assert_agree(y, expected[:, 0])


@pytest.mark.parametrize("shape", SHAPES)
def test_rnn_modules_load_torch_rnn_state(shape, solution):
    B, T, n_x, n_a = shape
    torch.manual_seed(7)
    rnn = torch.nn.RNN(n_x, n_a, batch_first=True)
    X = torch.randn(B, T, n_x)
    expected, _ = rnn(X)
    for cls in (ref_torch.RNN, solution.RNN):
        module = cls(n_x, n_a)
        module.load_torch_state(rnn.state_dict())
        assert_agree(module(X), expected, rtol=1e-5, atol=1e-6, name=cls.__module__)
        assert sorted(name for name, _ in module.named_parameters()) == ["W_aa", "W_ax", "b_a"]
    numpy_module = ref.RNN(n_x, n_a)
    numpy_module.load_torch_state(numpy_state(rnn))
    assert_agree(numpy_module.forward(X.numpy()), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", SHAPES)
def test_bidirectional_rnn_equals_torch_bidirectional_rnn(shape, solution):
    B, T, n_x, n_a = shape
    torch.manual_seed(3)
    rnn = torch.nn.RNN(n_x, n_a, batch_first=True, bidirectional=True, dtype=torch.float64)
    X = np.random.default_rng(3).normal(size=(B, T, n_x))
    expected, _ = rnn(torch.as_tensor(X))
    s = numpy_state(rnn)
    args = [X]
    for suffix in ("", "_reverse"):
        args += [s[f"weight_ih_l0{suffix}"], s[f"weight_hh_l0{suffix}"], s[f"bias_ih_l0{suffix}"] + s[f"bias_hh_l0{suffix}"]]
    for layer in (ref.bidirectional_rnn, ref_torch.bidirectional_rnn, solution.bidirectional_rnn):
        assert_agree(layer(*args), expected, name=layer.__module__)


# -- BPTT against autograd ------------------------------------------------------------------------------


@pytest.mark.parametrize("last_only", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
def test_rnn_backward_equals_autograd_through_torch_rnn(shape, last_only, solution):
    B, T, n_x, n_a = shape
    rng = np.random.default_rng(11)
    torch.manual_seed(11)
    rnn = torch.nn.RNN(n_x, n_a, batch_first=True, dtype=torch.float64)
    X = torch.as_tensor(rng.normal(size=(B, T, n_x))).requires_grad_(True)
    G = rng.normal(size=(B, n_a) if last_only else (B, T, n_a))
    states, _ = rnn(X)
    loss = (states[:, -1] * torch.as_tensor(G)).sum() if last_only else (states * torch.as_tensor(G)).sum()
    loss.backward()
    expected = (rnn.weight_ih_l0.grad, rnn.weight_hh_l0.grad, rnn.bias_ih_l0.grad, X.grad)
    torch.testing.assert_close(rnn.bias_ih_l0.grad, rnn.bias_hh_l0.grad)
    s = numpy_state(rnn)
    args = (X.detach().numpy(), s["weight_ih_l0"], s["weight_hh_l0"], s["bias_ih_l0"] + s["bias_hh_l0"], G)
    for backward in (ref.rnn_backward, ref_torch.rnn_backward, solution.rnn_backward):
        assert_agree(backward(*args), expected, rtol=1e-9, atol=1e-11, name=backward.__module__)


def test_bptt_truncated_to_one_step_differs_when_the_loss_is_on_the_last_step():
    from reference.rnn_mistakes import rnn_backward_one_step

    rng = np.random.default_rng(0)
    X, G = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 2))
    W_ax, W_aa, b_a = rng.normal(size=(2, 3)), rng.normal(size=(2, 2)), rng.normal(size=2)
    right, truncated = ref.rnn_backward(X, W_ax, W_aa, b_a, G), rnn_backward_one_step(X, W_ax, W_aa, b_a, G)
    assert np.allclose(truncated[3][:, :-1], 0.0) and not np.allclose(right[3][:, :-1], 0.0)


@pytest.mark.parametrize("shape", SHAPES)
def test_lstm_backward_equals_autograd_through_torch_lstm(shape):
    B, T, n_x, n_h = shape
    rng = np.random.default_rng(5)
    torch.manual_seed(5)
    lstm = torch.nn.LSTM(n_x, n_h, batch_first=True, dtype=torch.float64)
    X = torch.as_tensor(rng.normal(size=(B, T, n_x))).requires_grad_(True)
    G = rng.normal(size=(B, T, n_h))
    (lstm(X)[0] * torch.as_tensor(G)).sum().backward()
    s = numpy_state(lstm)
    W = np.concatenate([s["weight_hh_l0"], s["weight_ih_l0"]], axis=1)
    dW, db, dX = ref.lstm_backward(X.detach().numpy(), W, s["bias_ih_l0"] + s["bias_hh_l0"], G)
    assert_agree(dW, torch.cat([lstm.weight_hh_l0.grad, lstm.weight_ih_l0.grad], dim=1), rtol=1e-9, atol=1e-11)
    assert_agree(db, lstm.bias_ih_l0.grad, rtol=1e-9, atol=1e-11)
    assert_agree(dX, X.grad, rtol=1e-9, atol=1e-11)


# -- LSTM and GRU ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_cell_equals_torch_lstm_cell(seed, shape, solution):
    B, _, n_x, n_h = shape
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    cell = torch.nn.LSTMCell(n_x, n_h, dtype=torch.float64)
    x, h, c = rng.normal(size=(B, n_x)), rng.normal(size=(B, n_h)), rng.normal(size=(B, n_h))
    expected = cell(torch.as_tensor(x), (torch.as_tensor(h), torch.as_tensor(c)))
    s = numpy_state(cell)
    W, b = np.concatenate([s["weight_hh"], s["weight_ih"]], axis=1), s["bias_ih"] + s["bias_hh"]
    for lstm_cell in (ref.lstm_cell, ref_torch.lstm_cell, solution.lstm_cell):
        assert_agree(lstm_cell(x, h, c, W, b), expected, name=lstm_cell.__module__)


@pytest.mark.parametrize("shape", SHAPES)
def test_lstm_forward_and_modules_equal_torch_lstm(shape, solution):
    B, T, n_x, n_h = shape
    torch.manual_seed(2)
    lstm = torch.nn.LSTM(n_x, n_h, batch_first=True, dtype=torch.float64)
    X = np.random.default_rng(2).normal(size=(B, T, n_x))
    expected, (h_n, c_n) = lstm(torch.as_tensor(X))
    s = numpy_state(lstm)
    W, b = np.concatenate([s["weight_hh_l0"], s["weight_ih_l0"]], axis=1), s["bias_ih_l0"] + s["bias_hh_l0"]
    for forward in (ref.lstm_forward, ref_torch.lstm_forward, solution.lstm_forward):
        H, C = forward(X, W, b)
        assert_agree(H, expected, name=forward.__module__)
        assert_agree(to_plain(C)[:, -1], c_n[0], name=forward.__module__)
    for cls in (ref_torch.LSTM, solution.LSTM):
        module = cls(n_x, n_h).double()
        module.load_torch_state(lstm.state_dict())
        assert_agree(module(torch.as_tensor(X)), expected, name=cls.__module__)
        assert sorted(name for name, _ in module.named_parameters()) == ["W", "b"]
    numpy_module = ref.LSTM(n_x, n_h)
    numpy_module.load_torch_state(s)
    assert_agree(numpy_module.forward(X), expected)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_gru_cell_equals_torch_gru_cell(seed, shape, solution):
    B, _, n_x, n_h = shape
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    cell = torch.nn.GRUCell(n_x, n_h, dtype=torch.float64)
    x, h = rng.normal(size=(B, n_x)), rng.normal(size=(B, n_h))
    expected = cell(torch.as_tensor(x), torch.as_tensor(h))
    s = numpy_state(cell)
    for gru_cell in (ref.gru_cell, ref_torch.gru_cell, solution.gru_cell):
        assert_agree(gru_cell(x, h, s["weight_ih"], s["weight_hh"], s["bias_ih"], s["bias_hh"]), expected,
                     name=gru_cell.__module__)


# -- clipping and the vanishing gradient ---------------------------------------------------------------------


@pytest.mark.parametrize("max_norm", [0.5, 2.0, 100.0])
def test_clip_by_global_norm_equals_torch_clip_grad_norm(max_norm, solution):
    rng = np.random.default_rng(1)
    grads = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(2, 3))]
    parameters = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads]
    for parameter, g in zip(parameters, grads):
        parameter.grad = torch.as_tensor(g.copy())
    total = torch.nn.utils.clip_grad_norm_(parameters, max_norm)
    for clip in (ref.clip_by_global_norm, ref_torch.clip_by_global_norm, solution.clip_by_global_norm):
        clipped, norm = clip(grads, max_norm)
        assert_agree(norm, total, name=clip.__module__)
        # torch divides by N + 1e-6
        assert_agree(clipped, [p.grad for p in parameters], rtol=1e-5, atol=1e-9, name=clip.__module__)
        assert np.sqrt(sum(np.sum(np.asarray(to_plain(g)) ** 2) for g in clipped)) <= max_norm * (1 + 1e-12)


def test_jacobian_products_vanish_for_tanh_and_stay_near_one_for_an_identity_like_matrix(solution):
    rng = np.random.default_rng(4)
    T, n_x, n_a = 12, 3, 4
    X, W_ax, b_a = rng.normal(size=(T, n_x)), rng.normal(size=(n_a, n_x)), rng.normal(0, 0.3, size=n_a)
    small = rng.normal(0, 0.6 / np.sqrt(n_a), size=(n_a, n_a))
    for norms in (ref.jacobian_norms, ref_torch.jacobian_norms, solution.jacobian_norms):
        tanh = np.asarray(to_plain(norms(X, W_ax, small, b_a, "tanh")))
        assert tanh[-1] < 1e-3 * tanh[0] and tanh[-1] < 1e-3
        identity = np.asarray(to_plain(norms(X, W_ax, np.eye(n_a), b_a, "identity")))
        assert np.allclose(identity, 1.0)
        rotation, _ = np.linalg.qr(np.eye(n_a) + rng.normal(0, 0.1, size=(n_a, n_a)))  # orthogonal, near I
        assert np.allclose(to_plain(norms(X, W_ax, rotation, b_a, "identity")), 1.0)
        # tanh with the same matrix: only the activation's derivative shrinks the product
        shrunk = np.asarray(to_plain(norms(X, W_ax, rotation, b_a, "tanh")))
        assert np.all(np.diff(shrunk) < 0) and shrunk[-1] > tanh[-1]
    assert_agree(ref.jacobian_norms(X, W_ax, small, b_a), ref_torch.jacobian_norms(X, W_ax, small, b_a), rtol=1e-8)


# -- worked example 2.4.1 ------------------------------------------------------------------------------------


def test_worked_example_2_4_1_forget_gate_is_zero_and_the_cell_forgets(solution):
    h_prev, x = np.array([1.0, 1.0]), np.array([0.0, 1.0])  # [h_{t-1}, x_t] = [1, 1, 0, 1], x_t codifies "."
    for gate in (ref.forget_gate, ref_torch.forget_gate, solution.forget_gate):
        assert_agree(gate(h_prev, x, NOTES_W_F, np.zeros(2), "step"), np.array([0.0, 0.0]), name=gate.__module__)
    assert np.array_equal(ref.forget_gate(h_prev, np.array([1.0, 0.0]), NOTES_W_F, np.zeros(2), "step"), [1.0, 1.0])
    # The forget gate's rows in a full LSTM: with f_t = 0, C_t = i_t * C~_t, whatever C_{t-1} was.
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(8, 4)), rng.normal(size=8)
    W[2:4], b[2:4] = NOTES_W_F * 100, 0.0  # a step-like sigmoid: sigma(100 z) for z = -8 is 0
    kept = [ref.lstm_cell(x[None], h_prev[None], c[None], W, b)[1] for c in (np.zeros(2), np.array([5.0, -3.0]))]
    assert_agree(kept[0], kept[1])


# -- the NumPy and torch references agree --------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_numpy_and_torch_references_agree(shape):
    B, T, n_x, n_a = shape
    rng = np.random.default_rng(9)
    X = rng.normal(size=(B, T, n_x))
    W_ax, W_aa, b_a = rng.normal(size=(n_a, n_x)), rng.normal(size=(n_a, n_a)), rng.normal(size=n_a)
    W_ya, b_y = rng.normal(size=(2, n_a)), rng.normal(size=2)
    a_prev = rng.normal(size=(B, n_a))
    assert_agree(ref.rnn_step(X[:, 0], a_prev, W_ax, W_aa, b_a, W_ya, b_y),
                 ref_torch.rnn_step(X[:, 0], a_prev, W_ax, W_aa, b_a, W_ya, b_y))
    for activation in ("tanh", "identity"):
        assert_agree(ref.jacobian_norms(X[0], W_ax, 0.5 * W_aa, b_a, activation),
                     ref_torch.jacobian_norms(X[0], W_ax, 0.5 * W_aa, b_a, activation), rtol=1e-8)
    W_f, b_f = rng.normal(size=(n_a, n_a + n_x)), rng.normal(size=n_a)
    assert_agree(ref.forget_gate(a_prev, X[:, 0], W_f, b_f), ref_torch.forget_gate(a_prev, X[:, 0], W_f, b_f))
