"""Graph convolution references (course notes 1.13; slides on GNN pooling).

Conventions every function here follows:

- a graph of n nodes is a weighted adjacency matrix ``A`` of shape ``(n, n)``:
  ``A[u, v]`` is the weight of the edge along which node u receives from
  node v, so ``(A H)_u = sum_v A[u, v] h_v`` aggregates u's neighbours (notes
  1.13.5). An undirected graph has a symmetric A. Node features are the rows
  of ``H`` (or ``X``), shape ``(n, m)``.
- the degree of node u is the row sum ``d_u = sum_v A[u, v]`` (for a directed
  graph: the weight of the edges INTO u, the messages u receives), and
  ``D = diag(d)`` (notes 1.13.5.1).
- an isolated node (degree 0) gets 0 in ``D^-1`` and ``D^-1/2``: its row and
  column stay 0, nothing is divided by zero.
- self-loops: ``A~ = A + I`` for a node without a self-loop; a node that
  already has one keeps its weight (so no loop weighs 2). This is
  ``torch_geometric.utils.add_remaining_self_loops``.
- a GCN layer multiplies from the right, ``H W`` with ``W`` of shape
  ``(m, m_out)`` (notes 1.13.5.2). torch_geometric's ``GCNConv(m, m_out,
  bias=False)`` computes the same layer (before the activation) with
  ``lin.weight = W.T`` and, for every nonzero ``A[u, v]``, an edge from source
  v to target u with weight ``A[u, v]`` (``edge_index[:, e] = (v, u)``): it
  sums edge weights at the target, i.e. over the rows of A.
"""

from __future__ import annotations

import numpy as np

AGGREGATIONS = ("sum", "mean", "max")
POOLS = ("sum", "mean", "max")
ACTIVATIONS = ("relu", "identity")


# -- degrees and normalisation (1.13.5.1) ------------------------------------------------


def degrees(A: np.ndarray) -> np.ndarray:
    """The row sums ``d_u = sum_v A[u, v]``, shape (n,)."""
    return np.asarray(A, dtype=float).sum(axis=1)


def safe_power(d: np.ndarray, exponent: float) -> np.ndarray:
    """``d ** exponent`` where d > 0 and 0 where d = 0 (isolated nodes)."""
    d = np.asarray(d, dtype=float)
    out = np.zeros_like(d)
    positive = d > 0
    out[positive] = d[positive] ** exponent
    return out


def degree_matrix(A: np.ndarray) -> np.ndarray:
    """The diagonal degree matrix ``D`` with ``D_uu = sum_v A[u, v]`` (notes 1.13.5.1).

    Parameters
    ----------
    A : ndarray of shape (n, n)
        weighted adjacency matrix, ``A[u, v]`` the edge into u from v

    Returns
    -------
    ndarray of shape (n, n)
        diagonal, with the row sums of A on the diagonal
    """
    return np.diag(degrees(A))


def row_normalize(A: np.ndarray) -> np.ndarray:
    """Row normalisation ``D^-1 A``: ``A[u, v] / d_u`` (notes 1.13.5.1).

    Every row with a neighbour sums to 1; an isolated node's row stays 0.

    Parameters
    ----------
    A : ndarray of shape (n, n)

    Returns
    -------
    ndarray of shape (n, n)
    """
    A = np.asarray(A, dtype=float)
    return safe_power(degrees(A), -1.0)[:, None] * A


def sym_normalize(A: np.ndarray) -> np.ndarray:
    """Symmetric normalisation ``D^-1/2 A D^-1/2``: ``A[u, v] / sqrt(d_u d_v)`` (notes 1.13.5.1).

    Both degrees are row sums of A. An isolated node's row and column stay 0.

    Parameters
    ----------
    A : ndarray of shape (n, n)

    Returns
    -------
    ndarray of shape (n, n)
    """
    A = np.asarray(A, dtype=float)
    inv_sqrt = safe_power(degrees(A), -0.5)
    return inv_sqrt[:, None] * A * inv_sqrt[None, :]


def add_self_loops(A: np.ndarray) -> np.ndarray:
    """``A~``: a self-loop of weight 1 on every node that has none; existing self-loops are kept as they are."""
    A = np.array(A, dtype=float)
    diagonal = np.diagonal(A).copy()
    np.fill_diagonal(A, np.where(diagonal != 0, diagonal, 1.0))
    return A


def gcn_normalize(A: np.ndarray) -> np.ndarray:
    """The GCN propagation matrix ``D~^-1/2 A~ D~^-1/2`` (notes 1.13.5.2).

    ``A~`` is A with self-loops (:func:`add_self_loops`: weight 1 where a node
    has no loop, an existing loop kept) and ``D~`` its degree matrix, the row
    sums of ``A~``. Every degree of ``A~`` is positive, isolated nodes included.

    Parameters
    ----------
    A : ndarray of shape (n, n)

    Returns
    -------
    ndarray of shape (n, n)
    """
    return sym_normalize(add_self_loops(A))


# -- the GCN layer (1.13.5.2) ----------------------------------------------------------------


def activate(Z: np.ndarray, activation: str) -> np.ndarray:
    """``ReLU`` or the identity."""
    if activation == "relu":
        return np.maximum(Z, 0.0)
    if activation == "identity":
        return Z
    raise ValueError(f"activation should be one of {ACTIVATIONS}, not {activation!r}")


def gcn_layer(A: np.ndarray, H: np.ndarray, W: np.ndarray, activation: str = "relu") -> np.ndarray:
    """One GCN layer ``H' = sigma(D~^-1/2 A~ D~^-1/2 H W)`` (notes 1.13.5.2).

    Parameters
    ----------
    A : ndarray of shape (n, n)
        weighted adjacency matrix (self-loops are added here)
    H : ndarray of shape (n, m)
        node features, one node per row
    W : ndarray of shape (m, m_out)
        the layer's weights
    activation : str
        ``"relu"`` or ``"identity"``

    Returns
    -------
    ndarray of shape (n, m_out)
    """
    return activate(gcn_normalize(A) @ np.asarray(H, dtype=float) @ np.asarray(W, dtype=float), activation)


def gcn_message_passing(A: np.ndarray, H: np.ndarray, W: np.ndarray) -> np.ndarray:
    """A GCN layer (before its activation) written as message passing, one node at a time (notes 1.13.5.2).

    ``h'_u = sum_{v in N(u) + {u}} A~[u, v] (h_v W) / sqrt(d~_u d~_v)``: node
    v's message ``h_v W`` is weighted by the normalised edge and summed over
    u's neighbours and u itself (its self-loop). It equals the matrix form
    ``D~^-1/2 A~ D~^-1/2 H W`` of :func:`gcn_layer` with the identity activation.

    Parameters
    ----------
    A : ndarray of shape (n, n)
    H : ndarray of shape (n, m)
    W : ndarray of shape (m, m_out)

    Returns
    -------
    ndarray of shape (n, m_out)
    """
    A_loops = add_self_loops(A)
    H, W = np.asarray(H, dtype=float), np.asarray(W, dtype=float)
    d = degrees(A_loops)
    out = np.zeros((H.shape[0], W.shape[1]))
    for u in range(H.shape[0]):
        for v in np.flatnonzero(A_loops[u]):
            out[u] += A_loops[u, v] / np.sqrt(d[u] * d[v]) * (H[v] @ W)
    return out


def gcn_layer_gradients(
    A: np.ndarray, H: np.ndarray, W: np.ndarray, G: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A ReLU GCN layer's output and the gradients of ``L = sum(G * Y)`` with respect to W and H.

    With ``P = D~^-1/2 A~ D~^-1/2``, ``Z = P H W`` and ``Y = ReLU(Z)``, the
    upstream gradient ``G = dL/dY`` flows back as ``dL/dZ = G * [Z > 0]``, so::

        dL/dW = (P H)^T dL/dZ          shape (m, m_out), like W
        dL/dH = P^T dL/dZ W^T          shape (n, m), like H

    (The torch reference obtains the same numbers from autograd.)

    Parameters
    ----------
    A : ndarray of shape (n, n)
    H : ndarray of shape (n, m)
    W : ndarray of shape (m, m_out)
    G : ndarray of shape (n, m_out)
        the gradient of the loss with respect to the layer's output

    Returns
    -------
    Y : ndarray of shape (n, m_out)
    dW : ndarray of shape (m, m_out)
    dH : ndarray of shape (n, m)
    """
    P = gcn_normalize(A)
    H, W, G = (np.asarray(M, dtype=float) for M in (H, W, G))
    PH = P @ H
    Z = PH @ W
    dZ = G * (Z > 0)
    return np.maximum(Z, 0.0), PH.T @ dZ, P.T @ dZ @ W.T


# -- message passing (1.13.4) -----------------------------------------------------------------


def message_passing(A: np.ndarray, H: np.ndarray, W: np.ndarray, B: np.ndarray, aggregation: str) -> np.ndarray:
    """One message-passing layer with a self-message (notes 1.13.4.1-1.13.4.2).

    Node u sends the message ``m_u = h_u W``; node v aggregates the messages
    of its neighbours ``N(v) = {u : A[v, u] != 0}`` and adds its own message
    ``h_v B``::

        h'_v = h_v B + AGG_{u in N(v)} m_u,   AGG in {sum, mean, max}

    max is taken feature by feature. A node without neighbours aggregates
    nothing: its AGG is 0 for every aggregation. A has no self-loops. With
    ``"sum"`` this is the matrix form ``A H W + H B`` for a 0/1 adjacency.

    Parameters
    ----------
    A : ndarray of shape (n, n)
        0/1 adjacency matrix, ``A[v, u] = 1`` if v receives from u
    H : ndarray of shape (n, m)
    W : ndarray of shape (m, m_out)
        the message weights
    B : ndarray of shape (m, m_out)
        the self-message weights
    aggregation : str
        ``"sum"``, ``"mean"`` or ``"max"``

    Returns
    -------
    ndarray of shape (n, m_out)
    """
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"aggregation should be one of {AGGREGATIONS}, not {aggregation!r}")
    A, H = np.asarray(A, dtype=float), np.asarray(H, dtype=float)
    messages = H @ np.asarray(W, dtype=float)
    out = H @ np.asarray(B, dtype=float)
    for v in range(A.shape[0]):
        neighbours = np.flatnonzero(A[v])
        if neighbours.size == 0:
            continue
        received = messages[neighbours]
        if aggregation == "sum":
            out[v] += received.sum(axis=0)
        elif aggregation == "mean":
            out[v] += received.mean(axis=0)
        else:
            out[v] += received.max(axis=0)
    return out


# -- readout and pooling (1.13.2.2; slides, pooling layers) -------------------------------------


def global_pool(H: np.ndarray, batch: np.ndarray, mode: str) -> np.ndarray:
    """Graph-level readout of a batch of graphs: the sum, mean or max of each graph's node features.

    ``batch[i]`` is the graph node i belongs to, in ``0, ..., G-1``; every
    graph has at least one node. Row g of the result pools the rows of H with
    ``batch == g``; max is taken feature by feature. The result does not
    depend on the order of the nodes (permutation invariance).

    Parameters
    ----------
    H : ndarray of shape (n, m)
    batch : ndarray of shape (n,), int
    mode : str
        ``"sum"``, ``"mean"`` or ``"max"``

    Returns
    -------
    ndarray of shape (G, m), G = max(batch) + 1
    """
    if mode not in POOLS:
        raise ValueError(f"mode should be one of {POOLS}, not {mode!r}")
    H, batch = np.asarray(H, dtype=float), np.asarray(batch, dtype=int)
    reduce = {"sum": np.sum, "mean": np.mean, "max": np.max}[mode]
    return np.array([reduce(H[batch == g], axis=0) for g in range(int(batch.max()) + 1)])


def top_k_pool(A: np.ndarray, X: np.ndarray, p: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top-k pooling: keep the k nodes with the largest scores ``y = X p / ||p||`` (slides, pooling layers).

    ``idx`` lists the kept nodes by decreasing score (equal scores: smaller
    index first). The kept features are gated by their scores,
    ``X' = X[idx] * tanh(y[idx])`` (row by row), and the graph keeps the edges
    among the kept nodes, ``A' = A[idx][:, idx]``. This is
    ``torch_geometric.nn.TopKPooling(m, ratio=k)`` with ``weight = p``.

    Parameters
    ----------
    A : ndarray of shape (n, n)
    X : ndarray of shape (n, m)
    p : ndarray of shape (m,)
        the projection vector
    k : int
        how many nodes to keep, 1 <= k <= n

    Returns
    -------
    X_pooled : ndarray of shape (k, m)
    A_pooled : ndarray of shape (k, k)
    idx : ndarray of shape (k,), int
    """
    A, X, p = (np.asarray(M, dtype=float) for M in (A, X, p))
    y = X @ p / np.linalg.norm(p)
    idx = np.argsort(-y, kind="stable")[:k]
    return X[idx] * np.tanh(y[idx])[:, None], A[np.ix_(idx, idx)], idx
