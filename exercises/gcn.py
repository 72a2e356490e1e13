"""Graph convolutional networks and message passing (course notes 1.13; slides on GNN pooling).

Conventions used by every function in this module:

- a graph of n nodes is a weighted adjacency matrix ``A`` of shape ``(n, n)``.
  ``A[u, v]`` is the weight of the edge along which node u RECEIVES from node
  v, so that ``(A H)_u = sum_v A[u, v] h_v`` sums u's neighbours (notes
  1.13.5). An undirected graph has a symmetric A; a directed one need not.
- node features are the rows of ``H`` (or ``X``), shape ``(n, m)``.
- the degree of node u is the ROW sum ``d_u = sum_v A[u, v]`` (the weight of
  the edges u receives) and ``D = diag(d)``.
- an isolated node (degree 0) gets 0 in ``D^-1`` and ``D^-1/2``: its row and
  column stay 0 and nothing is divided by zero.
- self-loops: ``A~ = A + I`` for a graph without self-loops; a node that
  already has a self-loop keeps its weight as it is (no loop weighs 2), so
  only the zeros of the diagonal become 1. ``D~`` is the degree matrix of A~.
- a layer's weights multiply the features from the right, ``H W`` with ``W``
  of shape ``(m, m_out)`` (notes 1.13.5.2).

Inputs are NumPy arrays of floats (``batch`` holds ints). Return NumPy arrays
(lists and torch tensors are accepted too), float64, or float32 compared with
float32 tolerances (relative 1e-4, absolute 1e-6); the indices ``top_k_pool``
returns are ints (checked: 2.0 is not an index).

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check gcn``). You may call your own
functions from one another (``gcn_layer`` can use ``gcn_normalize``).
``gcn_layer_gradients`` is the torch part: compute it with torch autograd.
"""

import numpy as np


def degree_matrix(A):
    """Return the diagonal degree matrix D of a graph (notes 1.13.5.1).

    Time budget: 2 s of CPU per call (the course default).

    ``D_uu = sum_v A[u, v]``, the sum of ROW u (for a weighted graph, the sum
    of the weights; for a directed graph, the edges u receives). Every entry
    off the diagonal is 0.

    Parameters
    ----------
    A : ndarray of shape (n, n)
        the weighted adjacency matrix

    Returns
    -------
    ndarray of shape (n, n)
    """
    raise NotImplementedError


def row_normalize(A):
    """Return the row-normalised adjacency matrix D^-1 A (notes 1.13.5.1).

    Time budget: 2 s of CPU per call (the course default).

    Entry ``(u, v)`` is ``A[u, v] / d_u``: every row with an edge sums to 1.
    An isolated node (``d_u = 0``) keeps a row of zeros.

    Parameters
    ----------
    A : ndarray of shape (n, n)

    Returns
    -------
    ndarray of shape (n, n)
    """
    raise NotImplementedError


def sym_normalize(A):
    """Return the symmetrically normalised adjacency matrix D^-1/2 A D^-1/2 (notes 1.13.5.1).

    Time budget: 2 s of CPU per call (the course default).

    Entry ``(u, v)`` is ``A[u, v] / sqrt(d_u d_v)``, with both degrees the
    row sums of A. An isolated node's row and column stay 0.

    Parameters
    ----------
    A : ndarray of shape (n, n)

    Returns
    -------
    ndarray of shape (n, n)
    """
    raise NotImplementedError


def gcn_normalize(A):
    """Return the GCN propagation matrix D~^-1/2 A~ D~^-1/2 (notes 1.13.5.2).

    Time budget: 2 s of CPU per call (the course default).

    ``A~`` is A with self-loops: 1 on the diagonal where A has 0 there, and an
    existing self-loop kept with its own weight. ``D~`` holds the row sums of
    ``A~`` (so every node, isolated or not, has a degree of at least 1).

    Parameters
    ----------
    A : ndarray of shape (n, n)

    Returns
    -------
    ndarray of shape (n, n)
    """
    raise NotImplementedError


def gcn_layer(A, H, W, activation="relu"):
    """Return the output of one GCN layer, sigma(D~^-1/2 A~ D~^-1/2 H W) (notes 1.13.5.2).

    Time budget: 2 s of CPU per call (the course default).

    Self-loops are added and the adjacency normalised as in ``gcn_normalize``.

    Parameters
    ----------
    A : ndarray of shape (n, n)
    H : ndarray of shape (n, m)
        the node features, one node per row
    W : ndarray of shape (m, m_out)
        the layer's weights
    activation : str
        ``"relu"`` (sigma = ReLU) or ``"identity"`` (no activation)

    Returns
    -------
    ndarray of shape (n, m_out)
    """
    raise NotImplementedError


def gcn_layer_gradients(A, H, W, G):
    """Return a ReLU GCN layer's output and the gradients of L = sum(G * Y), computed with torch autograd.

    Time budget: 2 s of CPU per call (the course default).

    ``Y = ReLU(P H W)`` with ``P = D~^-1/2 A~ D~^-1/2`` as in ``gcn_layer``;
    ``G`` is the gradient of some loss with respect to Y, so the loss to
    differentiate is ``L = sum(G * Y)``. Build H and W as float64 tensors
    with ``requires_grad=True``, compute L, call ``L.backward()`` and return
    the gradients as arrays. (If you build the layer from
    ``nn.Linear(m, m_out, bias=False)``, remember that its weight is W^T.)

    Parameters
    ----------
    A : ndarray of shape (n, n)
    H : ndarray of shape (n, m)
    W : ndarray of shape (m, m_out)
    G : ndarray of shape (n, m_out)
        the upstream gradient dL/dY

    Returns
    -------
    Y : ndarray of shape (n, m_out)
    dW : ndarray of shape (m, m_out)
        dL/dW, the shape of W
    dH : ndarray of shape (n, m)
        dL/dH, the shape of H
    """
    raise NotImplementedError


def message_passing(A, H, W, B, aggregation):
    """Return one message-passing layer with a self-message (notes 1.13.4.1, 1.13.4.2).

    Time budget: 2 s of CPU per call (the course default).

    Every node u sends the message ``m_u = h_u W``. Node v receives from its
    neighbours ``N(v) = {u : A[v, u] != 0}`` (the nonzero entries of ROW v),
    aggregates their messages, and adds its own message ``h_v B``::

        h'_v = h_v B + AGG_{u in N(v)} m_u

    AGG is ``"sum"``, ``"mean"`` (divide by |N(v)|) or ``"max"`` (feature by
    feature). A node with no neighbours aggregates nothing: its AGG is 0 for
    every aggregation. A has no self-loops. With ``"sum"`` the result equals
    the matrix form ``A H W + H B``.

    Parameters
    ----------
    A : ndarray of shape (n, n)
        0/1 adjacency matrix
    H : ndarray of shape (n, m)
    W : ndarray of shape (m, m_out)
        the weights of the neighbours' messages
    B : ndarray of shape (m, m_out)
        the weights of the self-message
    aggregation : str
        ``"sum"``, ``"mean"`` or ``"max"``

    Returns
    -------
    ndarray of shape (n, m_out)
    """
    raise NotImplementedError


def gcn_message_passing(A, H, W):
    """Return a GCN layer (without its activation) computed as message passing, node by node (notes 1.13.5.2).

    Time budget: 2 s of CPU per call (the course default).

    Node v sends ``h_v W``; node u receives from its neighbours and from
    itself, through the self-loop of ``A~``, each message weighted by the
    normalised edge::

        h'_u = sum_{v : A~[u, v] != 0} A~[u, v] (h_v W) / sqrt(d~_u d~_v)

    with ``A~`` and ``d~`` (the row sums of A~) as in ``gcn_normalize``. Loop
    over the nodes and their neighbours; the result equals the matrix form
    ``D~^-1/2 A~ D~^-1/2 H W``.

    Parameters
    ----------
    A : ndarray of shape (n, n)
    H : ndarray of shape (n, m)
    W : ndarray of shape (m, m_out)

    Returns
    -------
    ndarray of shape (n, m_out)
    """
    raise NotImplementedError


def global_pool(H, batch, mode):
    """Return the graph-level readout of a batch of graphs: sum, mean or max pooling (notes 1.13.2.2).

    Time budget: 2 s of CPU per call (the course default).

    ``batch[i]`` is the graph that node i belongs to, a number in
    ``0, ..., G-1``; the nodes of a graph need not be next to each other, and
    every graph has at least one node. Row g of the result pools the rows of H
    with ``batch == g`` (the mean divides by that graph's number of nodes; the
    max is taken feature by feature). The result does not depend on the order
    of the nodes.

    Parameters
    ----------
    H : ndarray of shape (n, m)
    batch : ndarray of shape (n,), int
    mode : str
        ``"sum"``, ``"mean"`` or ``"max"``

    Returns
    -------
    ndarray of shape (G, m), with G = max(batch) + 1
    """
    raise NotImplementedError


def top_k_pool(A, X, p, k):
    """Return top-k pooling of a graph (slides, pooling layers).

    Time budget: 2 s of CPU per call (the course default).

    Score every node by projecting its features on p, ``y = X p / ||p||``,
    and keep the k nodes with the largest scores, listed by decreasing score
    (equal scores: smaller index first; ``np.argsort(-y, kind="stable")``).
    The kept features are gated by their scores, row i multiplied by
    ``tanh(y[idx[i]])``, and the pooled graph keeps the edges among the kept
    nodes, in the order of idx.

    Parameters
    ----------
    A : ndarray of shape (n, n)
    X : ndarray of shape (n, m)
    p : ndarray of shape (m,)
        the (learnable) projection vector
    k : int
        how many nodes to keep, 1 <= k <= n

    Returns
    -------
    X_pooled : ndarray of shape (k, m)
        ``X[idx] * tanh(y[idx])[:, None]``
    A_pooled : ndarray of shape (k, k)
        ``A[idx][:, idx]``
    idx : ndarray of shape (k,), int
        the kept nodes, best first
    """
    raise NotImplementedError
