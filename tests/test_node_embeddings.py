"""The node-embedding references: the docstrings' worked examples, gold references, and the notes' definitions.

- ``random_walk``: the docstring's walk; every step goes along an edge to another node; over a
  fine grid of uniforms each neighbour is chosen equally often (the uniform choice of the notes);
  a node whose only edge is a self-loop ends the walk; the check's own ``floor(u * d)`` decisions
  are the same in float32 as in float64 for the uniforms the checks draw.
- ``walk_neighbourhoods``: against a count over every pair of positions written independently;
  symmetric, and its total is the number of ordered pairs within the window.
- ``rw_embedding_loss``: against torch's ``F.cross_entropy`` (one target per occurrence of u in
  N_R(v), ``reduction="sum"``) and its autograd gradient, the gold reference; against central
  differences; finite and right where the dot products reach 1000.
- ``graph_embedding``: the docstring's example, invariance under the order of the edges.
- the NumPy and torch references and the solution module agree.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import reference.node_embeddings as ref
import reference.node_embeddings_torch as ref_torch
from grader.catalog import node_embeddings as catalog


@pytest.fixture
def solution(solutions):
    return solutions("node_embeddings")


def example_graph() -> np.ndarray:
    return catalog.example_graph()


# -- random_walk ----------------------------------------------------------------------------


def test_random_walk_docstring_example(solution):
    A = example_graph()
    for f in (ref.random_walk, solution.random_walk):
        assert np.asarray(f(A, 0, np.array([0.7, 0.2, 0.9]))).tolist() == [0, 2, 0, 2]
    assert ref_torch.random_walk(A, 0, np.array([0.7, 0.2, 0.9])).tolist() == [0, 2, 0, 2]


def test_random_walk_ends_at_a_node_whose_only_edge_is_a_self_loop():
    A = example_graph()
    assert ref.random_walk(A, 4, np.array([0.3, 0.6])).tolist() == [4]
    assert ref.random_walk(A, 0, np.array([])).tolist() == [0]


@pytest.mark.parametrize("seed", range(5))
def test_random_walk_steps_along_edges_to_other_nodes(seed):
    rng = np.random.default_rng(seed)
    A = catalog.walk_graph(rng, 8, loops=3)
    start, u = catalog.random_start(rng, A), catalog.uniforms(rng, 12, 8)
    walk = ref.random_walk(A, start, u)
    assert len(walk) == 13 and walk[0] == start
    for x, y in zip(walk[:-1], walk[1:]):
        assert x != y and A[x, y] != 0
    assert ref_torch.random_walk(A, start, u).tolist() == walk.tolist()


def test_random_walk_chooses_each_neighbour_equally_often():
    """Over the grid u = (k + 1/2) / 60, one step from each node goes to each neighbour 60 / d times."""
    rng = np.random.default_rng(0)
    A = catalog.walk_graph(rng, 6, loops=2)
    grid = (np.arange(60) + 0.5) / 60
    for x in range(6):
        options = [v for v in range(6) if v != x and A[x, v] != 0]
        landed = [int(ref.random_walk(A, x, np.array([r]))[1]) for r in grid]
        assert sorted(set(landed)) == options
        assert all(landed.count(v) == 60 // len(options) for v in options)
        assert landed == sorted(landed)  # neighbours in increasing order as u grows


def test_the_drawn_uniforms_decide_floor_alike_in_float32_and_float64():
    """The margin of the checks' uniforms: floor(u * d) is the same in float32, for 1000 seeds and every d <= 8."""
    for seed in range(1000):
        u = catalog.uniforms(np.random.default_rng(seed), 10, 8)
        assert (np.float32(u) == u).all() and (u >= 0).all() and (u < 1).all()
        for d in range(1, 9):
            exact = np.floor(u * d)
            assert (np.floor(np.float32(u) * np.float32(d)) == exact).all()
            assert (np.abs(u * d - np.round(u * d)) >= catalog.UNIFORM_MARGIN).all()


# -- walk_neighbourhoods -------------------------------------------------------------------


def pair_counts(walks: np.ndarray, n: int, w: int) -> np.ndarray:
    """Every ordered pair of positions of a walk, kept when 1 <= |i - j| <= w."""
    C = np.zeros((n, n), dtype=int)
    for walk in walks:
        for i, v in enumerate(walk):
            for j, u in enumerate(walk):
                if 0 < abs(i - j) <= w:
                    C[v, u] += 1
    return C


def test_walk_neighbourhoods_docstring_example(solution):
    expected = np.zeros((4, 4), dtype=int)
    expected[0, 0], expected[0, 2], expected[2, 0], expected[2, 2] = 2, 3, 3, 2
    for f in (ref.walk_neighbourhoods, solution.walk_neighbourhoods):
        assert np.array_equal(f(np.array([[0, 2, 0, 2]]), 4, 2), expected)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("w", [1, 2, 3, 9])
def test_walk_neighbourhoods_counts_every_pair_within_the_window(seed, w):
    rng = np.random.default_rng(seed)
    A = catalog.walk_graph(rng, 6, loops=0)
    walks = catalog.node_walks(rng, A, 3, 7)
    C = ref.walk_neighbourhoods(walks, 6, w)
    assert np.array_equal(C, pair_counts(walks, 6, w))
    assert np.array_equal(C, C.T)
    assert C.sum() == 3 * 2 * sum(7 - o for o in range(1, min(w, 6) + 1))
    assert np.array_equal(ref_torch.walk_neighbourhoods(walks, 6, w).numpy(), C)


# -- rw_embedding_loss ---------------------------------------------------------------------


def gold_loss_and_gradient(Z: np.ndarray, C: np.ndarray) -> tuple[float, np.ndarray]:
    """torch's cross-entropy with one target per occurrence of u in N_R(v), summed; autograd's gradient."""
    Zt = torch.tensor(Z, dtype=torch.float64, requires_grad=True)
    rows, targets = [], []
    for v in range(len(C)):
        for u in range(len(C)):
            rows += [v] * int(C[v, u])
            targets += [u] * int(C[v, u])
    logits = (Zt @ Zt.T)[torch.tensor(rows)]
    loss = F.cross_entropy(logits, torch.tensor(targets), reduction="sum")
    loss.backward()
    return float(loss.detach()), Zt.grad.numpy()


def test_rw_embedding_loss_docstring_example(solution):
    Z = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    C = np.zeros((3, 3), dtype=int)
    C[0, 1] = 1
    for f in (ref.rw_embedding_loss, solution.rw_embedding_loss):
        loss, _ = f(Z, C)
        assert loss == pytest.approx(math.log(math.e + 2), rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_rw_embedding_loss_matches_torch_cross_entropy_and_autograd(seed, solution):
    rng = np.random.default_rng(seed)
    Z, C = catalog.embeddings(rng, 6, 3), catalog.counts(rng, 6)
    gold_loss, gold_grad = gold_loss_and_gradient(Z, C)
    for f in (ref.rw_embedding_loss, solution.rw_embedding_loss):
        loss, grad = f(Z, C)
        assert loss == pytest.approx(gold_loss, rel=1e-12)
        np.testing.assert_allclose(grad, gold_grad, rtol=1e-10, atol=1e-12)
    loss, grad = ref_torch.rw_embedding_loss(Z, C)
    assert float(loss) == pytest.approx(gold_loss, rel=1e-12)
    np.testing.assert_allclose(grad.numpy(), gold_grad, rtol=1e-10, atol=1e-12)


def test_rw_embedding_loss_gradient_matches_central_differences():
    rng = np.random.default_rng(7)
    Z, C = catalog.embeddings(rng, 5, 3), catalog.counts(rng, 5)
    _, grad = ref.rw_embedding_loss(Z, C)
    h = 1e-6
    numeric = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        step = np.zeros_like(Z)
        step[index] = h
        numeric[index] = (ref.rw_embedding_loss(Z + step, C)[0] - ref.rw_embedding_loss(Z - step, C)[0]) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_rw_embedding_loss_is_stable_for_dot_products_near_1000(seed, solution):
    rng = np.random.default_rng(seed)
    Z, C = catalog.large_embeddings(rng, 5, 3), catalog.counts(rng, 5)
    assert (Z @ Z.T).max() > 709  # exp overflows float64 here
    gold_loss, gold_grad = gold_loss_and_gradient(Z, C)
    for f in (ref.rw_embedding_loss, solution.rw_embedding_loss):
        loss, grad = f(Z, C)
        assert np.isfinite(loss) and np.isfinite(grad).all()
        assert loss == pytest.approx(gold_loss, rel=1e-12)
        np.testing.assert_allclose(grad, gold_grad, rtol=1e-9, atol=1e-9)


# -- graph_embedding -----------------------------------------------------------------------


def test_graph_embedding_docstring_example(solution):
    Z = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    edges = np.array([[0, 2], [2, 3]])
    for f in (ref.graph_embedding, solution.graph_embedding):
        np.testing.assert_allclose(f(Z, edges), [13 / 3, 16 / 3], rtol=1e-15)
        np.testing.assert_allclose(f(Z, edges, "sum"), [13.0, 16.0], rtol=1e-15)
    np.testing.assert_allclose(ref_torch.graph_embedding(Z, edges).numpy(), [13 / 3, 16 / 3], rtol=1e-15)


@pytest.mark.parametrize("seed", range(4))
def test_graph_embedding_ignores_the_order_and_direction_of_the_edges(seed):
    rng = np.random.default_rng(seed)
    Z, edges = catalog.embeddings(rng, 9, 3), catalog.subgraph_edges(rng, 9, 5, 5)
    shuffled = rng.permutation(edges)[:, ::-1]
    for mode in ("mean", "sum"):
        expected = ref.graph_embedding(Z, edges, mode)
        np.testing.assert_allclose(ref.graph_embedding(Z, shuffled, mode), expected, rtol=1e-14)
        np.testing.assert_allclose(ref_torch.graph_embedding(Z, edges, mode).numpy(), expected, rtol=1e-14)
    nodes = np.unique(edges)
    np.testing.assert_allclose(ref.graph_embedding(Z, edges), Z[nodes].mean(axis=0), rtol=1e-14)


# -- the solution module --------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_solution_agrees_with_the_references(seed, solution):
    rng = np.random.default_rng(seed)
    A = catalog.walk_graph(rng, 7, loops=3, alone=1)
    for start in range(7):
        u = catalog.uniforms(rng, 9, 7)
        assert np.asarray(solution.random_walk(A, start, u)).tolist() == ref.random_walk(A, start, u).tolist()
    walks = catalog.node_walks(rng, catalog.walk_graph(rng, 6, loops=0), 3, 7)
    assert np.array_equal(solution.walk_neighbourhoods(walks, 6, 3), ref.walk_neighbourhoods(walks, 6, 3))
    Z, edges = catalog.embeddings(rng, 9, 3), catalog.subgraph_edges(rng, 9, 5, 5)
    np.testing.assert_allclose(solution.graph_embedding(Z, edges, "sum"), ref.graph_embedding(Z, edges, "sum"))
