"""Node embeddings from random walks, and graph embeddings (course notes 1.13.2).

Conventions used by every function in this module (those of ``gcn.py``):

- a graph of n nodes is an adjacency matrix ``A`` of shape ``(n, n)``, nodes
  numbered 0..n-1. The walks here are on undirected graphs (A is symmetric).
  v is a NEIGHBOUR of u when ``A[u, v] != 0`` and ``v != u``: a self-loop
  (a nonzero diagonal entry) is not a neighbour, and edge weights play no
  part (the notes' walk chooses among the neighbours uniformly).
- a walk is exact: instead of drawing random numbers you are given the
  uniforms ``u`` in [0, 1), one per step.
- ``N_R(v)``, the neighbourhood of v by the random-walk strategy R, is a
  MULTISET (a node met three times counts three times). It is held as a count
  matrix ``C`` of shape (n, n): ``C[v, u]`` is how many times u is in N_R(v).
- node embeddings are the rows of ``Z``, shape (n, d): ``z_v = Z[v]``.

Where this differs from torch: torch's ``F.cross_entropy`` averages over its
targets by default (``reduction="mean"``); the notes' loss SUMS over every v
and every u in N_R(v).

Inputs are NumPy arrays (``A``, ``Z``: floats; walks, edges: ints) and ints.
Return NumPy arrays (lists and torch tensors are accepted too): walks and
counts as ints (checked: 2.0 is not a node), embeddings and losses as float64,
or float32 compared with float32 tolerances (relative 1e-4, absolute 1e-6).

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check node_embeddings``).
"""

import numpy as np


def random_walk(A, start, u):
    """Return a random walk of len(u) steps on the graph A from node ``start`` (notes 1.13.2.1).

    Time budget: 2 s of CPU per call (the course default).

    At each step the walk moves from its current node x to a neighbour chosen
    uniformly, using the next uniform r = u[k]: list x's neighbours in
    INCREASING node order, ``v_0 < v_1 < ... < v_{d-1}`` (``A[x, v] != 0``
    and ``v != x``; a self-loop is not a neighbour), and move to
    ``v_j`` with ``j = floor(r * d)``.

    The answer lists the nodes visited, the start node FIRST, so a walk of
    ``L = len(u)`` steps has ``L + 1`` nodes. A node with no neighbour ends
    the walk: the answer stops at it (the uniforms left over are not used),
    so a walk from an isolated node is ``[start]``.

    Example: edges 0-1, 0-2, 1-2, 2-3, start 0, u = (0.7, 0.2, 0.9):
    at 0 the neighbours are (1, 2), floor(0.7 * 2) = 1, so 2; at 2 they are
    (0, 1, 3), floor(0.2 * 3) = 0, so 0; at 0 again floor(0.9 * 2) = 1, so 2.
    The walk is [0, 2, 0, 2].

    Parameters
    ----------
    A : ndarray of shape (n, n)
        symmetric adjacency matrix (a nonzero diagonal entry is a self-loop)
    start : int
        the node the walk starts from
    u : ndarray of shape (L,)
        uniforms in [0, 1), one per step

    Returns
    -------
    ndarray of shape (L + 1,), int
        the nodes visited (fewer when the walk reaches a node with no neighbour)
    """
    raise NotImplementedError



def walk_neighbourhoods(walks, n, w):
    """Return the counts C[v, u] of the multisets N_R(v) read from walks with a window w.

    Time budget: 2 s of CPU per call (the course default).

    Every position i of every walk has as context the positions j of the SAME
    walk with ``1 <= |i - j| <= w``: up to w steps before it AND after it,
    never the position itself. ``C[v, u]`` counts the pairs (i, j) with
    ``walk[i] = v`` and ``walk[j] = u``: a multiset, so a pair met twice
    counts 2. A node met again at another position of the window is in its
    own neighbourhood (``C[v, v]`` may be nonzero: a walk goes back and
    forth). C is symmetric.

    Example: one walk [0, 2, 0, 2], n = 4, w = 2: position 0 (node 0) sees
    positions 1 and 2 (nodes 2, 0); position 1 (node 2) sees 0, 2, 3 (0, 0, 2);
    position 2 (node 0) sees 0, 1, 3 (0, 2, 2); position 3 (node 2) sees 1, 2
    (2, 0). So C[0, 0] = 2, C[0, 2] = 3, C[2, 0] = 3, C[2, 2] = 2, and 0 elsewhere.

    Parameters
    ----------
    walks : ndarray of shape (k, L), int
        k walks of L nodes each, one per row
    n : int
        the number of nodes of the graph
    w : int
        the window, w >= 1

    Returns
    -------
    ndarray of shape (n, n), int
    """
    raise NotImplementedError



def rw_embedding_loss(Z, C):
    """Return the random-walk node-embedding loss and its gradient with respect to Z (notes 1.13.2.1).

    Time budget: 2 s of CPU per call (the course default).

    ``L = sum_v sum_{u in N_R(v)} -log( exp(z_v . z_u) / sum_{w in V} exp(z_v . z_w) )``

    where N_R(v) is the multiset given by the counts C (u counts ``C[v, u]``
    times) and the denominator runs over EVERY node w of the graph, v itself
    included. Compute it stably: the dot products may be large (up to about
    1000), so take the log of the denominator as a log-sum-exp with the row's
    maximum taken out first, never ``exp`` of a raw dot product.

    The gradient ``dL/dZ`` has Z's shape. Every embedding appears in the loss
    in three places -- as z_v, as z_u and inside the denominator -- and the
    gradient has a part from each. Example: Z = [[1, 0], [0, 1], [0, 0]] and
    C with C[0, 1] = 1 only: L = log(e + 1 + 1) - 0 = 1.5514.

    Parameters
    ----------
    Z : ndarray of shape (n, d)
        node embeddings, z_v = Z[v]
    C : ndarray of shape (n, n), int
        C[v, u] the number of times u is in N_R(v)

    Returns
    -------
    (float, ndarray of shape (n, d))
        the loss L and dL/dZ
    """
    raise NotImplementedError



def graph_embedding(Z, edges, mode="mean"):
    """Return the embedding z_G of a graph: the mean (or sum) of its node embeddings (notes 1.13.2.1-2).

    Time budget: 2 s of CPU per call (the course default).

    Z holds the node embeddings learned on a large graph; the graph G is a
    subgraph of it given by its edge list. G's nodes are the DISTINCT
    endpoints of its edges: each node counts once, however many edges it
    has. ``mode="mean"`` (the notes' simple way) gives
    ``z_G = (1 / |V_G|) sum_{v in V_G} z_v``, ``mode="sum"`` gives
    ``sum_{v in V_G} z_v``. z_G has the embeddings' width d.

    Example: Z = [[1, 2], [3, 4], [5, 6], [7, 8]], edges [[0, 2], [2, 3]]:
    the nodes are 0, 2, 3, the mean is (13/3, 16/3) and the sum (13, 16).

    Parameters
    ----------
    Z : ndarray of shape (n, d)
        node embeddings, z_v = Z[v]
    edges : ndarray of shape (m, 2), int
        the edges (u, v) of G, m >= 1
    mode : "mean" or "sum"

    Returns
    -------
    ndarray of shape (d,)
    """
    raise NotImplementedError
