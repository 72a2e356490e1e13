"""The torch layer references against torch's and torch_geometric's own layers, and the NumPy backward passes.

- ``reference.layers_torch.MultiHeadSelfAttention`` (and the solution)
  equals ``torch.nn.MultiheadAttention`` with the documented mapping
  (``in_proj_weight = [W_q^T; W_k^T; W_v^T]``, ``out_proj.weight = W_o^T``,
  its boolean mask inverted), with and without masks;
- ``reference.layers_torch.GCNLayer`` (and the solution) equals
  torch_geometric's ``GCNConv(bias=False)`` then a ReLU, with
  ``lin.weight = W^T`` and A's nonzeros as weighted edges, on directed and
  undirected graphs with isolated nodes and self-loops;
- the NumPy references' hand-derived backward passes equal torch autograd
  in float64, and so do the NumPy forward passes;
- the sigmoid network's NumPy gradients are the backpropagation exercise's
  (``reference.backprop.backprop``) summed over a batch.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch_geometric.nn  # a test-only dependency: the [test] extra installs it

import reference.layers as numpy_layers
import reference.layers_torch as torch_layers
from grader.catalog.attention import causal
from grader.catalog.gcn import random_graph
from grader.object_scripts import backward, call, load, new, run_numpy_script, run_torch_script
from reference import backprop, mlp

from conftest import load_module, SOLUTIONS

SEEDS = range(3)


def mha_weights(rng: np.random.Generator, D: int) -> dict[str, np.ndarray]:
    return {name: rng.normal(0.0, 1.0 / np.sqrt(D), size=(D, D)) for name in ("W_q", "W_k", "W_v", "W_o")}


def loaded(cls, values: dict[str, np.ndarray], *args) -> torch.nn.Module:
    module = cls(*args).double()
    with torch.no_grad():
        for name, value in values.items():
            getattr(module, name).copy_(torch.as_tensor(value))
    return module


@pytest.fixture(scope="module")
def solution_layers():
    return load_module(SOLUTIONS, "layers")


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_self_attention_equals_torch_multihead_attention(seed, masked, solution_layers):
    rng = np.random.default_rng(seed)
    D, H, N = 12, 3, 5
    values = mha_weights(rng, D)
    X = torch.as_tensor(rng.normal(size=(2, N, D)))
    mask = torch.as_tensor(causal(N)) if masked else None
    mha = torch.nn.MultiheadAttention(D, H, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.as_tensor(np.concatenate([values["W_q"].T, values["W_k"].T, values["W_v"].T])))
        mha.out_proj.weight.copy_(torch.as_tensor(values["W_o"].T))
    expected, _ = mha(X, X, X, attn_mask=None if mask is None else ~mask, need_weights=False)
    for cls in (torch_layers.MultiHeadSelfAttention, solution_layers.MultiHeadSelfAttention):
        got = loaded(cls, values, D, H)(X, mask)
        torch.testing.assert_close(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_gcn_layer_equals_torch_geometric_gcnconv(seed, directed, solution_layers):
    rng = np.random.default_rng(seed)
    A = random_graph(rng, 7, directed=directed, weighted=True, isolated=1, loops=2)
    H, W = rng.normal(size=(7, 3)), rng.normal(size=(3, 4))
    conv = torch_geometric.nn.GCNConv(3, 4, bias=False).double()
    with torch.no_grad():
        conv.lin.weight.copy_(torch.as_tensor(W.T))
    target, source = np.nonzero(A)
    edge_index = torch.as_tensor(np.stack([source, target]), dtype=torch.long)
    expected = torch.relu(conv(torch.as_tensor(H), edge_index, torch.as_tensor(A[target, source])))
    for cls in (torch_layers.GCNLayer, solution_layers.GCNLayer):
        got = loaded(cls, {"W": W}, 3, 4)(torch.as_tensor(A), torch.as_tensor(H))
        torch.testing.assert_close(got, expected, rtol=1e-10, atol=1e-12)


def _float64(cls):
    """A torch reference class whose parameters are float64, so a script compares with the NumPy reference closely."""

    class Double(cls):
        def __init__(self, *args):
            super().__init__(*args)
            self.double()

    return Double


@pytest.mark.parametrize("seed", SEEDS)
def test_the_numpy_backward_passes_equal_autograd(seed):
    rng = np.random.default_rng(seed)
    D, H, N, B = 8, 2, 4, 2
    cases = [
        (
            "MultiHeadSelfAttention",
            (D, H),
            mha_weights(rng, D),
            [rng.normal(size=(B, N, D)), causal(N)],
            (B, N, D),
        ),
        (
            "GCNLayer",
            (5, 3),
            {"W": rng.normal(size=(5, 3))},
            [random_graph(rng, 6, directed=True, weighted=True, isolated=1, loops=1), rng.normal(size=(6, 5))],
            (6, 3),
        ),
    ]
    for name, args, values, inputs, out_shape in cases:
        wanted = (0,) if name == "MultiHeadSelfAttention" else (1,)
        steps = [new(*args), load(values), call(*inputs, grad=wanted), backward(2, rng.normal(size=out_shape))]
        mine = run_numpy_script(getattr(numpy_layers, name), steps)
        theirs = run_torch_script(_float64(getattr(torch_layers, name)), steps)
        np.testing.assert_allclose(mine[2]["value"], theirs[2]["value"], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(mine[3]["inputs"][0], theirs[3]["inputs"][0], rtol=1e-9, atol=1e-11)
        assert sorted(mine[3]["parameters"]) == sorted(theirs[3]["parameters"])
        for parameter, gradient in theirs[3]["parameters"].items():
            np.testing.assert_allclose(mine[3]["parameters"][parameter], gradient, rtol=1e-9, atol=1e-11, err_msg=parameter)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_sigmoid_network_gradients_are_backprops_summed_over_the_batch(seed):
    """With the quadratic cost's upstream gradient z^L - y, the module's gradients are BP1-BP4's, example by example."""
    rng = np.random.default_rng(seed)
    sizes = [3, 5, 4, 2]
    weights = [rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=n_out) for n_out in sizes[1:]]
    X, Y = rng.normal(size=(4, sizes[0])), rng.uniform(size=(4, sizes[-1]))
    network = mlp.SigmoidMLP(sizes)
    network.load_state_dict({f"layers.{i}.{kind}": value for i, (W, b) in enumerate(zip(weights, biases))
                             for kind, value in (("weight", W), ("bias", b))})
    (dX,), grads = network.backward(network.forward(X) - Y)
    for i in range(len(weights)):
        per_example = [backprop.backprop(weights, biases, x, y) for x, y in zip(X, Y)]
        np.testing.assert_allclose(grads[f"layers.{i}.weight"], sum(g[1][i] for g in per_example), rtol=1e-10)
        np.testing.assert_allclose(grads[f"layers.{i}.bias"], sum(g[0][i] for g in per_example), rtol=1e-10)
