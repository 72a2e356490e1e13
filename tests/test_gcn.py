"""The graph convolution references: agreement with torch and torch_geometric, and the notes' properties.

- ``gcn_layer`` against torch_geometric's ``GCNConv`` with the documented mapping
  (``lin.weight = W^T``; each nonzero ``A[u, v]`` an edge from source v to target u
  with that weight), on undirected, directed, weighted graphs, isolated nodes and
  existing self-loops; ``top_k_pool`` against ``TopKPooling``; ``global_pool``
  against ``global_add_pool`` / ``global_mean_pool`` / ``global_max_pool``.
  torch_geometric is a test-only dependency, installed by the [test] extra (`make test`).
- the GCN layer written as message passing equals its matrix form; sum-aggregation
  message passing equals ``A H W + H B``;
- the gradients of ``gcn_layer_gradients`` agree with torch autograd and with a
  float64 central-difference check;
- permutation matrices: node-level functions are equivariant, readouts invariant;
- over-smoothing: pairwise distances between node embeddings shrink with depth;
- the NumPy and torch references agree, and so does the solution module.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch_geometric.nn  # a test-only dependency: the [test] extra installs it

import reference.gcn as ref
import reference.gcn_torch as ref_torch
from grader.catalog.gcn import batch_of_graphs, random_graph
from grader.compare import compare
from grader.plain_data import to_plain

SEEDS = range(4)
GRAPHS = {
    "undirected": dict(directed=False),
    "undirected, isolated node": dict(directed=False, isolated=1),
    "undirected, weighted, self-loops": dict(directed=False, weighted=True, loops=2),
    "directed": dict(directed=True),
    "directed, weighted, self-loops, isolated node": dict(directed=True, weighted=True, loops=2, isolated=1),
}


def assert_agree(got: Any, expected: Any, *, rtol: float = 1e-10, atol: float = 1e-12, name: str = "value") -> None:
    result = compare(got, to_plain(expected), name=name, rtol=rtol, atol=atol)
    assert result.ok, result.message


def graph(seed: int, kind: str, n: int = 7) -> np.ndarray:
    return random_graph(np.random.default_rng(seed), n, **GRAPHS[kind])


def edge_list(A: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """torch_geometric's edge_index (row 0 sources, row 1 targets) and weights for our A."""
    target, source = np.nonzero(A)
    return torch.as_tensor(np.stack([source, target]), dtype=torch.long), torch.as_tensor(A[target, source])


@pytest.fixture
def solution(solutions):
    return solutions("gcn")


# -- torch_geometric ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", GRAPHS)
def test_gcn_layer_matches_torch_geometric_gcnconv(seed, kind):
    A = graph(seed, kind)
    rng = np.random.default_rng(100 + seed)
    H, W = rng.normal(size=(7, 3)), rng.normal(size=(3, 4))
    conv = torch_geometric.nn.GCNConv(3, 4, bias=False).double()
    with torch.no_grad():
        conv.lin.weight.copy_(torch.as_tensor(W.T))
    edge_index, edge_weight = edge_list(A)
    expected = conv(torch.as_tensor(H), edge_index, edge_weight).detach()
    assert_agree(ref.gcn_layer(A, H, W, "identity"), expected)
    assert_agree(ref.gcn_layer(A, H, W, "relu"), torch.relu(expected))


@pytest.mark.parametrize("seed", SEEDS)
def test_top_k_pool_matches_torch_geometric_topkpooling(seed):
    A = graph(seed, "directed, weighted, self-loops, isolated node", n=8)
    rng = np.random.default_rng(200 + seed)
    X, p, k = rng.normal(size=(8, 3)), rng.normal(size=3) * 2.0, 5
    pool = torch_geometric.nn.TopKPooling(3, ratio=k).double()
    with torch.no_grad():
        pool.select.weight.copy_(torch.as_tensor(p)[None, :])
    edge_index, edge_weight = edge_list(A)
    x, pooled_edges, pooled_weights, _, perm, _ = pool(torch.as_tensor(X), edge_index, edge_weight)
    X_pooled, A_pooled, idx = ref.top_k_pool(A, X, p, k)
    np.testing.assert_array_equal(idx, perm.numpy())
    assert_agree(X_pooled, x.detach())
    expected = np.zeros((k, k))
    expected[pooled_edges[1].numpy(), pooled_edges[0].numpy()] = pooled_weights.detach().numpy()
    assert_agree(A_pooled, expected)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_global_pool_matches_torch_geometric(mode):
    H, batch = batch_of_graphs(np.random.default_rng(9), (3, 1, 4, 2), 3)
    pool = {"sum": torch_geometric.nn.global_add_pool, "mean": torch_geometric.nn.global_mean_pool, "max": torch_geometric.nn.global_max_pool}[mode]
    assert_agree(ref.global_pool(H, batch, mode), pool(torch.as_tensor(H), torch.as_tensor(batch)))


# -- normalisation --------------------------------------------------------------------------------


def test_normalisations_of_a_small_graph_by_hand():
    """A path 0 - 1 - 2 and an isolated node 3."""
    A = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]], dtype=float)
    np.testing.assert_array_equal(ref.degree_matrix(A), np.diag([1.0, 2.0, 1.0, 0.0]))
    np.testing.assert_allclose(ref.row_normalize(A)[1], [0.5, 0, 0.5, 0])
    s = 1 / np.sqrt(2)
    np.testing.assert_allclose(ref.sym_normalize(A), [[0, s, 0, 0], [s, 0, s, 0], [0, s, 0, 0], [0, 0, 0, 0]])
    # With self-loops the degrees are 2, 3, 2, 1 and the isolated node keeps its own features.
    d = np.array([2.0, 3.0, 2.0, 1.0])
    np.testing.assert_allclose(ref.gcn_normalize(A), (A + np.eye(4)) / np.sqrt(np.outer(d, d)))
    assert ref.gcn_normalize(A)[3, 3] == 1.0


def test_existing_self_loops_are_kept_not_doubled():
    A = np.array([[2.5, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(ref.add_self_loops(A), [[2.5, 1.0], [1.0, 1.0]])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", GRAPHS)
def test_normalised_matrices_are_finite_with_the_expected_row_sums(seed, kind):
    A = graph(seed, kind)
    has_edges = A.sum(axis=1) > 0
    for function in (ref.row_normalize, ref.sym_normalize, ref.gcn_normalize):
        assert np.isfinite(function(A)).all()
    np.testing.assert_allclose(ref.row_normalize(A).sum(axis=1), has_edges.astype(float), rtol=1e-12)
    if not GRAPHS[kind]["directed"]:
        P = ref.gcn_normalize(A)
        np.testing.assert_allclose(P, P.T, rtol=0, atol=1e-15)
        eigenvalues = np.linalg.eigvalsh(P)
        assert eigenvalues.max() == pytest.approx(1.0) and eigenvalues.min() > -1.0


# -- message passing ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", GRAPHS)
def test_gcn_as_message_passing_equals_its_matrix_form(seed, kind):
    A = graph(seed, kind)
    rng = np.random.default_rng(300 + seed)
    H, W = rng.normal(size=(7, 3)), rng.normal(size=(3, 2))
    matrix_form = ref.gcn_layer(A, H, W, "identity")
    np.testing.assert_allclose(ref.gcn_message_passing(A, H, W), matrix_form, rtol=1e-12, atol=1e-12)
    assert_agree(ref_torch.gcn_message_passing(A, H, W), matrix_form)


@pytest.mark.parametrize("seed", SEEDS)
def test_message_passing_matrix_forms(seed):
    """sum: A H W + H B; mean: D^-1 A H W + H B (0/1 adjacency, isolated node aggregating 0)."""
    A = graph(seed, "directed").copy()
    A[:, 0] = A[0, :] = 0.0  # node 0 isolated
    rng = np.random.default_rng(400 + seed)
    H, W, B = rng.normal(size=(7, 3)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(ref.message_passing(A, H, W, B, "sum"), A @ H @ W + H @ B, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ref.message_passing(A, H, W, B, "mean"), ref.row_normalize(A) @ H @ W + H @ B, rtol=1e-12, atol=1e-12)
    maxed = ref.message_passing(A, H, W, B, "max")
    np.testing.assert_allclose(maxed[0], H[0] @ B)  # no neighbours: the self-message alone
    for v in range(1, 7):
        np.testing.assert_allclose(maxed[v], H[v] @ B + (H @ W)[A[v] != 0].max(axis=0))


# -- gradients ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", GRAPHS)
def test_layer_gradients_agree_with_autograd(seed, kind):
    A = graph(seed, kind)
    rng = np.random.default_rng(500 + seed)
    H, W, G = rng.normal(size=(7, 3)), rng.normal(size=(3, 4)), rng.normal(size=(7, 4))
    assert_agree(ref.gcn_layer_gradients(A, H, W, G), ref_torch.gcn_layer_gradients(A, H, W, G))


def test_layer_gradients_pass_a_numerical_gradient_check():
    A = graph(1, "directed, weighted, self-loops, isolated node")
    rng = np.random.default_rng(600)
    H, W, G = rng.normal(size=(7, 3)), rng.normal(size=(3, 4)), rng.normal(size=(7, 4))
    P = torch.as_tensor(ref.gcn_normalize(A))

    def loss(H_, W_):
        return (torch.as_tensor(G) * torch.relu(P @ H_ @ W_)).sum()

    inputs = (torch.as_tensor(H).requires_grad_(True), torch.as_tensor(W).requires_grad_(True))
    assert torch.autograd.gradcheck(loss, inputs)
    _, dW, dH = ref.gcn_layer_gradients(A, H, W, G)
    eps = 1e-6
    for M, grad in ((W, dW), (H, dH)):
        numerical = np.zeros_like(M)
        for index in np.ndindex(M.shape):
            plus, minus = M.copy(), M.copy()
            plus[index] += eps
            minus[index] -= eps
            args_plus = (plus, W) if M is H else (H, plus)
            args_minus = (minus, W) if M is H else (H, minus)
            numerical[index] = (float(loss(*map(torch.as_tensor, args_plus))) - float(loss(*map(torch.as_tensor, args_minus)))) / (2 * eps)
        np.testing.assert_allclose(grad, numerical, rtol=1e-5, atol=1e-7)


# -- permutations ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", GRAPHS)
def test_node_functions_are_equivariant_and_readouts_invariant(seed, kind):
    A = graph(seed, kind)
    rng = np.random.default_rng(700 + seed)
    H, W, B = rng.normal(size=(7, 3)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    P = np.eye(7)[rng.permutation(7)]
    A_p, H_p = P @ A @ P.T, P @ H
    for normalise in (ref.row_normalize, ref.sym_normalize, ref.gcn_normalize):
        np.testing.assert_allclose(normalise(A_p), P @ normalise(A) @ P.T, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ref.gcn_layer(A_p, H_p, W), P @ ref.gcn_layer(A, H, W), rtol=1e-12, atol=1e-12)
    binary = (A != 0).astype(float)
    np.fill_diagonal(binary, 0.0)
    for aggregation in ("sum", "mean", "max"):
        np.testing.assert_allclose(
            ref.message_passing(P @ binary @ P.T, H_p, W, B, aggregation), P @ ref.message_passing(binary, H, W, B, aggregation), rtol=1e-12, atol=1e-12
        )
    graph_ids = np.zeros(7, dtype=int)
    for mode in ("sum", "mean", "max"):
        readout = ref.global_pool(ref.gcn_layer(A, H, W), graph_ids, mode)
        np.testing.assert_allclose(ref.global_pool(ref.gcn_layer(A_p, H_p, W), graph_ids, mode), readout, rtol=1e-12, atol=1e-12)


def test_a_plain_mlp_is_not_equivariant():
    """Notes 1.13.3.1: an MLP on the flattened features is neither invariant nor equivariant."""
    rng = np.random.default_rng(8)
    H, M = rng.normal(size=(5, 2)), rng.normal(size=(10, 10))
    P = np.eye(5)[[1, 0, 2, 3, 4]]

    def mlp(H_):
        return np.tanh(M @ H_.reshape(-1)).reshape(5, 2)

    assert not np.allclose(mlp(P @ H), P @ mlp(H))


# -- over-smoothing -----------------------------------------------------------------------------


def mean_pairwise_distance(H: np.ndarray) -> float:
    """The mean distance between the nodes' embeddings scaled to unit length (their directions)."""
    U = H / np.linalg.norm(H, axis=1, keepdims=True)
    distances = np.linalg.norm(U[:, None, :] - U[None, :, :], axis=-1)
    n = len(H)
    return float(distances.sum() / (n * (n - 1)))


@pytest.mark.parametrize("seed", SEEDS)
def test_stacked_layers_over_smooth(seed):
    """1.13.6.3: stacking layers makes the embeddings of a connected graph converge to one direction."""
    A = graph(seed, "undirected", n=8)
    H = np.random.default_rng(800 + seed).normal(size=(8, 4))
    spreads, current = [mean_pairwise_distance(H)], H
    for depth in range(1, 33):
        current = ref.gcn_layer(A, current, np.eye(4), "identity")
        if depth in (1, 2, 4, 8, 16, 32):
            spreads.append(mean_pairwise_distance(current))
    assert all(later <= earlier + 1e-12 for earlier, later in zip(spreads, spreads[1:])), spreads
    assert spreads[-1] < 1e-2 * spreads[0]


# -- NumPy and torch references, and the solution ---------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", GRAPHS)
def test_numpy_and_torch_references_agree(seed, kind):
    A = graph(seed, kind)
    rng = np.random.default_rng(900 + seed)
    H, W, B = rng.normal(size=(7, 3)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    for name in ("degree_matrix", "row_normalize", "sym_normalize", "gcn_normalize"):
        assert_agree(getattr(ref_torch, name)(A), getattr(ref, name)(A), name=name)
    assert_agree(ref_torch.gcn_layer(A, H, W), ref.gcn_layer(A, H, W))
    binary = (A != 0).astype(float)
    np.fill_diagonal(binary, 0.0)
    for aggregation in ("sum", "mean", "max"):
        assert_agree(ref_torch.message_passing(binary, H, W, B, aggregation), ref.message_passing(binary, H, W, B, aggregation))
    p = rng.normal(size=3)
    assert_agree(ref_torch.top_k_pool(A, H, p, 4), ref.top_k_pool(A, H, p, 4))
    batch = rng.permutation(np.arange(7) % 3)
    for mode in ("sum", "mean", "max"):
        assert_agree(ref_torch.global_pool(H, batch, mode), ref.global_pool(H, batch, mode))
    G = rng.normal(size=(7, 2))
    assert_agree(ref_torch.gcn_layer_gradients(A, H, W, G), ref.gcn_layer_gradients(A, H, W, G))


@pytest.mark.parametrize("seed", SEEDS)
def test_solution_agrees_with_the_reference(solution, seed):
    A = graph(seed, "directed, weighted, self-loops, isolated node")
    rng = np.random.default_rng(1000 + seed)
    H, W, G = rng.normal(size=(7, 3)), rng.normal(size=(3, 2)), rng.normal(size=(7, 2))
    assert_agree(solution.gcn_normalize(A), ref.gcn_normalize(A))
    assert_agree(solution.gcn_layer_gradients(A, H, W, G), ref.gcn_layer_gradients(A, H, W, G))
    H_batch, batch = batch_of_graphs(rng, (2, 3, 2), 3)
    for mode in ("sum", "mean", "max"):
        assert_agree(solution.global_pool(H_batch, batch, mode), ref.global_pool(H_batch, batch, mode))
