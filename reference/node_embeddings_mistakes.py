"""Known mistakes in the node_embeddings exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/node_embeddings.py`` name them with a hint.
"""

from __future__ import annotations

import math

import numpy as np

from reference.node_embeddings import MODES, logsumexp_rows, neighbours

# -- random_walk ---------------------------------------------------------------------


def _walk(A, start, u, options_of) -> np.ndarray:
    walk = [int(start)]
    for r in np.asarray(u, dtype=float).reshape(-1):
        options = options_of(np.asarray(A), walk[-1])
        if len(options) == 0:
            break
        walk.append(int(options[math.floor(float(r) * len(options))]))
    return np.array(walk, dtype=np.int64)


def random_walk_self_included(A, start, u):
    """Counts a self-loop as a neighbour: the candidates are every v with A[x, v] != 0, x included."""
    return _walk(A, start, u, lambda A, x: np.flatnonzero(A[x]))


def random_walk_any_node(A, start, u):
    """Chooses among all n nodes, neighbours or not: node floor(r * n)."""
    return _walk(A, start, u, lambda A, x: np.arange(A.shape[0]))


def random_walk_decreasing_order(A, start, u):
    """Lists the neighbours from the largest index down before taking index floor(r * d)."""
    return _walk(A, start, u, lambda A, x: neighbours(A, x)[::-1])


def random_walk_start_left_out(A, start, u):
    """Returns the len(u) nodes stepped to, without the start node."""
    return _walk(A, start, u, neighbours)[1:]


# -- walk_neighbourhoods -------------------------------------------------------------


def _counts(walks, n, offsets, both_ways=True) -> np.ndarray:
    walks = np.asarray(walks, dtype=np.int64).reshape(len(walks), -1)
    C = np.zeros((n, n), dtype=np.int64)
    for offset in offsets:
        if offset >= walks.shape[1]:
            break
        left, right = walks[:, : walks.shape[1] - offset].ravel(), walks[:, offset:].ravel()
        np.add.at(C, (left, right), 1)
        if both_ways and offset > 0:
            np.add.at(C, (right, left), 1)
    return C


def walk_neighbourhoods_one_sided(walks, n, w):
    """Counts only the nodes AFTER v in the window (j > i), not those before it."""
    return _counts(walks, n, range(1, int(w) + 1), both_ways=False)


def walk_neighbourhoods_self_counted(walks, n, w):
    """Counts position i as its own context: every visit of v adds 1 to C[v, v]."""
    return _counts(walks, n, range(0, int(w) + 1))


def walk_neighbourhoods_as_set(walks, n, w):
    """Gives 1 where u is in N_R(v) at all, instead of how many times."""
    return (_counts(walks, n, range(1, int(w) + 1)) > 0).astype(np.int64)


def walk_neighbourhoods_window_short(walks, n, w):
    """Takes the positions with |i - j| < w, one short of the window."""
    return _counts(walks, n, range(1, int(w)))


# -- rw_embedding_loss ---------------------------------------------------------------


def _loss_and_gradient(Z, C, mask=None) -> tuple[float, np.ndarray, np.ndarray]:
    """The loss with the softmax over ``mask`` (all nodes when None); also dL/dS."""
    Z = np.asarray(Z, dtype=float)
    C = np.asarray(C, dtype=float)
    S = Z @ Z.T
    masked = S if mask is None else np.where(mask, S, -np.inf)
    rows = np.isfinite(masked).any(axis=1)
    lse = np.zeros(len(S))
    lse[rows] = logsumexp_rows(masked[rows])
    loss = float((C * (lse[:, None] - S)).sum())
    P = np.where(rows[:, None], np.exp(masked - lse[:, None]), 0.0)
    G = C.sum(axis=1)[:, None] * P - C
    return loss, (G + G.T) @ Z, G


def rw_embedding_loss_denominator_neighbours_only(Z, C):
    """Sums the softmax's denominator over the neighbours u in N_R(v) only, not over every node w."""
    loss, grad, _ = _loss_and_gradient(Z, C, mask=np.asarray(C) > 0)
    return loss, grad


def rw_embedding_loss_gradient_without_denominator(Z, C):
    """Right loss; the gradient only of -z_v . z_u, the log of the denominator left out: -(C + C^T) Z."""
    loss, _, _ = _loss_and_gradient(Z, C)
    C = np.asarray(C, dtype=float)
    return loss, -(C + C.T) @ np.asarray(Z, dtype=float)


def rw_embedding_loss_counts_as_set(Z, C):
    """Counts each distinct neighbour once: C > 0 in place of the counts."""
    loss, grad, _ = _loss_and_gradient(Z, (np.asarray(C) > 0).astype(float))
    return loss, grad


def rw_embedding_loss_gradient_one_side(Z, C):
    """Right loss; the gradient only through z_v in S[v, :] = z_v . z_w (G Z), not through z_u and z_w (G^T Z)."""
    loss, _, G = _loss_and_gradient(Z, C)
    return loss, G @ np.asarray(Z, dtype=float)


# -- graph_embedding -----------------------------------------------------------------


def _nodes(edges) -> np.ndarray:
    return np.unique(np.asarray(edges, dtype=np.int64).reshape(-1))


def graph_embedding_mean_over_dimension(Z, edges, mode="mean"):
    """Averages (or sums) each node's embedding over its d entries: one number per node."""
    rows = np.asarray(Z, dtype=float)[_nodes(edges)]
    return rows.mean(axis=1) if mode == "mean" else rows.sum(axis=1)


def graph_embedding_per_edge_endpoint(Z, edges, mode="mean"):
    """Pools every endpoint of every edge, so a node of degree k counts k times."""
    rows = np.asarray(Z, dtype=float)[np.asarray(edges, dtype=np.int64).reshape(-1)]
    return rows.mean(axis=0) if mode == "mean" else rows.sum(axis=0)


def graph_embedding_sum_for_mean(Z, edges, mode="mean"):
    """Always sums the node embeddings, also where the mean is asked."""
    if mode not in MODES:
        raise ValueError(mode)
    return np.asarray(Z, dtype=float)[_nodes(edges)].sum(axis=0)


def graph_embedding_all_nodes(Z, edges, mode="mean"):
    """Pools every row of Z, the nodes that are not in the subgraph too."""
    Z = np.asarray(Z, dtype=float)
    return Z.mean(axis=0) if mode == "mean" else Z.sum(axis=0)
