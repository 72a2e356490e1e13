"""Node embeddings from random walks, and graph embeddings (course notes 1.13.2).

Conventions every function here follows (those of :mod:`reference.gcn`):

- a graph of n nodes is an adjacency matrix ``A`` of shape ``(n, n)``, nodes
  numbered 0..n-1; the walks here are on undirected graphs (A symmetric), and
  v is a neighbour of u when ``A[u, v] != 0`` and ``v != u``: a self-loop on
  the diagonal is not a neighbour, and edge weights are ignored (the notes'
  walk chooses a neighbour uniformly).
- a step of a walk at node u with uniform ``r`` in [0, 1) moves to
  ``neighbours[floor(r * deg(u))]``, the neighbours listed in increasing node
  order; a walk that reaches a node without neighbours stops there.
- ``N_R(v)`` is a multiset, held as a count matrix ``C`` of shape (n, n):
  ``C[v, u]`` is how many times u is in ``N_R(v)``.
- node embeddings are the rows of ``Z``, shape (n, d): ``z_v = Z[v]``.

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters, float64 throughout.
"""

from __future__ import annotations

import math

import numpy as np

MODES = ("mean", "sum")


def neighbours(A: np.ndarray, u: int) -> np.ndarray:
    """The neighbours of node u in increasing order: ``A[u, v] != 0`` and ``v != u``."""
    row = np.asarray(A)[u]
    return np.array([v for v in np.flatnonzero(row) if v != u], dtype=np.int64)


def random_walk(A: np.ndarray, start: int, u: np.ndarray) -> np.ndarray:
    """A random walk of ``len(u)`` steps from ``start`` (notes 1.13.2.1: at each step a neighbour chosen uniformly).

    At node x with neighbours ``v_0 < v_1 < ... < v_{d-1}`` (``A[x, v] != 0``,
    ``v != x``; a self-loop is not a neighbour), step k moves to
    ``v_j`` with ``j = floor(u[k] * d)``. The walk is the list of the nodes
    visited, the start first: ``len(u) + 1`` nodes. A node with no neighbour
    ends the walk there (the answer is then shorter: the uniforms left are not used).

    Example: edges 0-1, 0-2, 1-2, 2-3, start 0, u = (0.7, 0.2, 0.9):
    0 -> neighbours (1, 2), floor(1.4) = 1 -> 2; 2 -> (0, 1, 3), floor(0.6) = 0 -> 0;
    0 -> floor(1.8) = 1 -> 2. The walk is [0, 2, 0, 2].

    Parameters
    ----------
    A : ndarray of shape (n, n)
        symmetric adjacency matrix
    start : int
        the first node
    u : ndarray of shape (L,)
        uniforms in [0, 1), one per step

    Returns
    -------
    ndarray of shape (L + 1,) (shorter at a node with no neighbour), int64
    """
    walk = [int(start)]
    for r in np.asarray(u, dtype=float).reshape(-1):
        options = neighbours(A, walk[-1])
        if options.size == 0:
            break
        walk.append(int(options[math.floor(float(r) * options.size)]))
    return np.array(walk, dtype=np.int64)


def walk_neighbourhoods(walks: np.ndarray, n: int, w: int) -> np.ndarray:
    """The multisets ``N_R(v)`` of the nodes met within ``w`` steps of v on the walks, as counts.

    ``C[v, u]`` counts the pairs of positions (i, j) of the same walk with
    ``1 <= |i - j| <= w``, ``walk[i] = v`` and ``walk[j] = u``: the window
    looks both ways, a position is not its own context, and a node met again
    at another position of the window counts (so ``C[v, v]`` may be nonzero).
    C is symmetric.

    Parameters
    ----------
    walks : ndarray of shape (k, L), int
        k walks of L nodes each
    n : int
        the number of nodes
    w : int
        the window, w >= 1

    Returns
    -------
    ndarray of shape (n, n), int64
    """
    walks = np.asarray(walks, dtype=np.int64).reshape(len(walks), -1)
    C = np.zeros((n, n), dtype=np.int64)
    length = walks.shape[1]
    for offset in range(1, int(w) + 1):
        if offset >= length:
            break
        np.add.at(C, (walks[:, :-offset].ravel(), walks[:, offset:].ravel()), 1)
        np.add.at(C, (walks[:, offset:].ravel(), walks[:, :-offset].ravel()), 1)
    return C


def logsumexp_rows(S: np.ndarray) -> np.ndarray:
    """``log sum_w exp(S[v, w])`` for every row v, computed stably (the row's maximum taken out first)."""
    top = S.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(S - top).sum(axis=1, keepdims=True)))[:, 0]


def rw_embedding_loss(Z: np.ndarray, C: np.ndarray) -> tuple[float, np.ndarray]:
    """The random-walk node-embedding loss and its gradient with respect to Z (notes 1.13.2.1).

    ``L = sum_v sum_{u in N_R(v)} -log( exp(z_v . z_u) / sum_{w in V} exp(z_v . z_w) )``
    with ``N_R(v)`` a multiset given by counts: ``L = sum_{v,u} C[v, u] (lse_v - S[v, u])``
    where ``S = Z Z^T`` and ``lse_v = log sum_w exp(S[v, w])`` (w runs over
    every node, v included). With ``P`` the row-wise softmax of S and
    ``c_v = sum_u C[v, u]``, ``dL/dS = G = diag(c) P - C`` and, S being
    ``Z Z^T``, ``dL/dZ = (G + G^T) Z``.

    Parameters
    ----------
    Z : ndarray of shape (n, d)
        node embeddings, one per row
    C : ndarray of shape (n, n)
        ``C[v, u]`` the number of times u is in ``N_R(v)``

    Returns
    -------
    (float, ndarray of shape (n, d))
        the loss and its gradient
    """
    Z = np.asarray(Z, dtype=float)
    C = np.asarray(C, dtype=float)
    S = Z @ Z.T
    lse = logsumexp_rows(S)
    loss = float((C * (lse[:, None] - S)).sum())
    P = np.exp(S - lse[:, None])
    G = C.sum(axis=1)[:, None] * P - C
    return loss, (G + G.T) @ Z


def graph_embedding(Z: np.ndarray, edges: np.ndarray, mode: str = "mean") -> np.ndarray:
    """A graph's embedding z_G, the mean (or the sum) of its nodes' embeddings (notes 1.13.2.1-2).

    The graph is a subgraph of the one Z was learned on, given by its edge
    list: its nodes are the distinct endpoints of its edges, each counted
    once however many edges it has. ``z_G = (1/|V_G|) sum_{v in V_G} z_v``
    for ``mode="mean"``, ``sum_{v in V_G} z_v`` for ``mode="sum"``.

    Parameters
    ----------
    Z : ndarray of shape (n, d)
        node embeddings of the whole graph
    edges : ndarray of shape (m, 2), int
        the subgraph's edges (u, v)
    mode : "mean" or "sum"

    Returns
    -------
    ndarray of shape (d,)
    """
    if mode not in MODES:
        raise ValueError(f"mode should be one of {MODES}, not {mode!r}")
    Z = np.asarray(Z, dtype=float)
    nodes = np.unique(np.asarray(edges, dtype=np.int64).reshape(-1))
    total = Z[nodes].sum(axis=0)
    return total / nodes.size if mode == "mean" else total
