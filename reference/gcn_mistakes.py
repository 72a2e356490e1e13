"""Known mistakes in the graph convolution exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/gcn.py`` name them with a hint. Where a
mistake also leaves a student dividing by a zero degree, the variant divides
the way such code does (NumPy's warnings silenced), so the NaN it produces is
the one the student's answer shows.
"""

from __future__ import annotations

import numpy as np

from reference.gcn import activate, add_self_loops, degrees, gcn_normalize, safe_power, sym_normalize


def _naive_sym(A, d_rows, d_cols):
    """``A[u, v] / sqrt(d_rows[u] d_cols[v])`` divided naively: a zero degree gives inf and NaN."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return A / np.sqrt(np.outer(d_rows, d_cols))


# -- degree_matrix ---------------------------------------------------------------------------


def degree_matrix_column_sums(A):
    """Degrees from the column sums (out-degrees: the edges a node sends) instead of the row sums."""
    return np.diag(np.asarray(A, dtype=float).sum(axis=0))


def degree_matrix_vector(A):
    """Returns the degrees as a vector (n,) instead of the diagonal matrix D."""
    return degrees(A)


def degree_matrix_edge_count(A):
    """Counts the edges (nonzero entries) of each row instead of adding their weights."""
    return np.diag(np.count_nonzero(np.asarray(A, dtype=float), axis=1).astype(float))


# -- row_normalize ---------------------------------------------------------------------------


def row_normalize_columns(A):
    """``A D^-1``: divides each column by its node's degree instead of each row."""
    A = np.asarray(A, dtype=float)
    return A * safe_power(degrees(A), -1.0)[None, :]


def row_normalize_nan_isolated(A):
    """Divides by the degree without guarding zero: an isolated node's row is 0/0 = NaN."""
    A = np.asarray(A, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return A / degrees(A)[:, None]


def row_normalize_edge_count(A):
    """Divides by the number of neighbours instead of the weighted degree (wrong for weighted graphs)."""
    A = np.asarray(A, dtype=float)
    return A * safe_power(np.count_nonzero(A, axis=1), -1.0)[:, None]


# -- sym_normalize ---------------------------------------------------------------------------


def sym_normalize_one_side(A):
    """``D^-1/2 A``: the degree factor on the left only."""
    A = np.asarray(A, dtype=float)
    return safe_power(degrees(A), -0.5)[:, None] * A


def sym_normalize_row(A):
    """``D^-1 A``, the row normalisation, instead of ``D^-1/2 A D^-1/2``."""
    A = np.asarray(A, dtype=float)
    return safe_power(degrees(A), -1.0)[:, None] * A


def sym_normalize_nan_isolated(A):
    """Divides by sqrt(d_u d_v) without guarding zero: an isolated node's row and column are NaN."""
    A = np.asarray(A, dtype=float)
    d = degrees(A)
    return _naive_sym(A, d, d)


def sym_normalize_column_degrees(A):
    """Degrees from the column sums (out-degrees) instead of the row sums."""
    A = np.asarray(A, dtype=float)
    inv_sqrt = safe_power(A.sum(axis=0), -0.5)
    return inv_sqrt[:, None] * A * inv_sqrt[None, :]


# -- gcn_normalize (and the same mistakes inside gcn_layer) ---------------------------------------


def _plus_identity(A):
    return np.asarray(A, dtype=float) + np.eye(len(A))


def _gcn_propagation_no_loops(A):
    """D^-1/2 A D^-1/2 without self-loops, divided naively (isolated nodes give NaN)."""
    A = np.asarray(A, dtype=float)
    d = degrees(A)
    return _naive_sym(A, d, d)


def _gcn_propagation_degree_from_a(A):
    """Self-loops added, but the degrees taken from A (naively: isolated nodes divide by 0)."""
    d = degrees(A)
    return _naive_sym(add_self_loops(A), d, d)


def _gcn_propagation_row(A):
    A_loops = add_self_loops(A)
    return A_loops / degrees(A_loops)[:, None]


def _gcn_propagation_one_side(A):
    A_loops = add_self_loops(A)
    return A_loops / np.sqrt(degrees(A_loops))[:, None]


def _gcn_propagation_doubled(A):
    return sym_normalize(_plus_identity(A))


def _gcn_propagation_column_degrees(A):
    A_loops = add_self_loops(A)
    inv_sqrt = 1.0 / np.sqrt(A_loops.sum(axis=0))
    return inv_sqrt[:, None] * A_loops * inv_sqrt[None, :]


def gcn_normalize_no_self_loops(A):
    """``D^-1/2 A D^-1/2``: the self-loops were forgotten (an isolated node then divides by 0)."""
    return _gcn_propagation_no_loops(A)


def gcn_normalize_degree_from_a(A):
    """Self-loops added to A but the degrees computed from A instead of A + I."""
    return _gcn_propagation_degree_from_a(A)


def gcn_normalize_row(A):
    """``D~^-1 A~``: row normalisation instead of the symmetric one."""
    return _gcn_propagation_row(A)


def gcn_normalize_one_side(A):
    """``D~^-1/2 A~``: the degree factor on the left only."""
    return _gcn_propagation_one_side(A)


def gcn_normalize_loops_doubled(A):
    """``A + I`` on a graph that already has self-loops: those loops weigh 2."""
    return _gcn_propagation_doubled(A)


def gcn_normalize_column_degrees(A):
    """Degrees of A~ from the column sums (out-degrees) instead of the row sums."""
    return _gcn_propagation_column_degrees(A)


# -- gcn_layer -------------------------------------------------------------------------------


def _layer(propagation, A, H, W, activation):
    with np.errstate(invalid="ignore"):
        return activate(propagation(A) @ np.asarray(H, dtype=float) @ np.asarray(W, dtype=float), activation)


def gcn_layer_no_self_loops(A, H, W, activation="relu"):
    """sigma(D^-1/2 A D^-1/2 H W): the self-loops were forgotten."""
    return _layer(_gcn_propagation_no_loops, A, H, W, activation)


def gcn_layer_degree_from_a(A, H, W, activation="relu"):
    """Self-loops added but the degrees taken from A instead of A + I."""
    return _layer(_gcn_propagation_degree_from_a, A, H, W, activation)


def gcn_layer_row(A, H, W, activation="relu"):
    """sigma(D~^-1 A~ H W): row normalisation instead of the symmetric one."""
    return _layer(_gcn_propagation_row, A, H, W, activation)


def gcn_layer_one_side(A, H, W, activation="relu"):
    """sigma(D~^-1/2 A~ H W): the degree factor on one side only."""
    return _layer(_gcn_propagation_one_side, A, H, W, activation)


def gcn_layer_loops_doubled(A, H, W, activation="relu"):
    """A + I on a graph that already has self-loops: those loops weigh 2."""
    return _layer(_gcn_propagation_doubled, A, H, W, activation)


def gcn_layer_weights_transposed(A, H, W, activation="relu"):
    """sigma(P H W^T): the weights applied as in nn.Linear, transposed (crashes unless W is square)."""
    return activate(gcn_normalize(A) @ np.asarray(H, dtype=float) @ np.asarray(W, dtype=float).T, activation)


def gcn_layer_column_degrees(A, H, W, activation="relu"):
    """Degrees of A~ from the column sums (out-degrees) instead of the row sums."""
    return _layer(_gcn_propagation_column_degrees, A, H, W, activation)


# -- gcn_layer_gradients -----------------------------------------------------------------------


def _gradients(P, H, W, G, *, relu=True, upstream=True):
    H, W, G = (np.asarray(M, dtype=float) for M in (H, W, G))
    PH = P @ H
    Z = PH @ W
    local = (Z > 0).astype(float) if relu else np.ones_like(Z)
    dZ = (G if upstream else np.ones_like(G)) * local
    return (np.maximum(Z, 0.0) if relu else Z), PH.T @ dZ, P.T @ dZ @ W.T


def gcn_layer_gradients_upstream_ignored(A, H, W, G):
    """Differentiates sum(Y) instead of sum(G * Y): the upstream gradient G is ignored."""
    return _gradients(gcn_normalize(A), H, W, G, upstream=False)


def gcn_layer_gradients_linear_weight(A, H, W, G):
    """Returns the gradient of nn.Linear's weight, of shape (m_out, m): dL/dW transposed."""
    Y, dW, dH = _gradients(gcn_normalize(A), H, W, G)
    return Y, dW.T, dH


def gcn_layer_gradients_no_self_loops(A, H, W, G):
    """The layer's propagation matrix built without self-loops."""
    return _gradients(sym_normalize(A), H, W, G)


def gcn_layer_gradients_no_relu(A, H, W, G):
    """The ReLU is missing: the layer is linear, and so are its gradients."""
    return _gradients(gcn_normalize(A), H, W, G, relu=False)


# -- message_passing ---------------------------------------------------------------------------


def _message_passing(A, H, W, B, aggregation, *, neighbours_of, self_message=True, mean_over=None, max_start=None):
    """Message passing with one part changed: who the neighbours are, the self-message, the mean, the max."""
    A, H = np.asarray(A, dtype=float), np.asarray(H, dtype=float)
    messages = H @ np.asarray(W, dtype=float)
    out = H @ np.asarray(B, dtype=float) if self_message else np.zeros((H.shape[0], messages.shape[1]))
    n = A.shape[0]
    for v in range(n):
        neighbours = neighbours_of(A, v)
        received = messages[neighbours]
        if aggregation == "sum":
            out[v] += received.sum(axis=0)
        elif aggregation == "mean":
            if neighbours.size:
                out[v] += received.sum(axis=0) / (mean_over if mean_over is not None else neighbours.size)
        elif max_start is not None:
            out[v] += np.max(np.vstack([np.full((1, messages.shape[1]), max_start), received]), axis=0)
        elif neighbours.size:
            out[v] += received.max(axis=0)
    return out


def _rows(A, v):
    return np.flatnonzero(A[v])


def _columns(A, v):
    return np.flatnonzero(A[:, v])


def message_passing_no_self_message(A, H, W, B, aggregation):
    """Aggregates the neighbours' messages but forgets the node's own message h_v B."""
    return _message_passing(A, H, W, B, aggregation, neighbours_of=_rows, self_message=False)


def message_passing_mean_over_all_nodes(A, H, W, B, aggregation):
    """The mean divides the neighbours' sum by n, the number of nodes, instead of |N(v)|."""
    return _message_passing(A, H, W, B, aggregation, neighbours_of=_rows, mean_over=np.asarray(A).shape[0])


def message_passing_max_from_zero(A, H, W, B, aggregation):
    """The max starts from 0 (np.zeros, then np.maximum), so negative messages are clipped to 0."""
    return _message_passing(A, H, W, B, aggregation, neighbours_of=_rows, max_start=0.0)


def message_passing_max_of_nothing(A, H, W, B, aggregation):
    """The max starts from -inf, so a node without neighbours gets -inf."""
    return _message_passing(A, H, W, B, aggregation, neighbours_of=_rows, max_start=-np.inf)


def message_passing_neighbours_from_columns(A, H, W, B, aggregation):
    """Neighbours read from column v (the nodes v sends to) instead of row v (the nodes v receives from)."""
    return _message_passing(A, H, W, B, aggregation, neighbours_of=_columns)


# -- gcn_message_passing -----------------------------------------------------------------------


def _gcn_messages(A, H, W, *, neighbours_of, coefficient):
    """Sum over ``neighbours_of(A, A~, u)`` of ``coefficient(A~, d~, u, v) h_v W``."""
    A_loops = add_self_loops(A)
    H, W = np.asarray(H, dtype=float), np.asarray(W, dtype=float)
    d = degrees(A_loops)
    out = np.zeros((H.shape[0], W.shape[1]))
    for u in range(H.shape[0]):
        for v in neighbours_of(np.asarray(A, dtype=float), A_loops, u):
            out[u] += coefficient(A_loops, d, u, v) * (H[v] @ W)
    return out


def _with_loops(A, A_loops, u):
    return np.flatnonzero(A_loops[u])


def _symmetric(A_loops, d, u, v):
    return A_loops[u, v] / np.sqrt(d[u] * d[v])


def gcn_message_passing_no_self_message(A, H, W):
    """Sums the messages of u's neighbours in A only: the self-loop's message h_u W / d~_u is missing."""
    return _gcn_messages(A, H, W, neighbours_of=lambda A, A_loops, u: np.flatnonzero(A[u]), coefficient=_symmetric)


def gcn_message_passing_mean(A, H, W):
    """Weights each message by A~[u, v] / d~_u (a mean, the row normalisation) instead of / sqrt(d~_u d~_v)."""
    return _gcn_messages(A, H, W, neighbours_of=_with_loops, coefficient=lambda A_loops, d, u, v: A_loops[u, v] / d[u])


def gcn_message_passing_receiver_degree_only(A, H, W):
    """Weights each message by A~[u, v] / sqrt(d~_u): the sender's sqrt(d~_v) is missing."""
    return _gcn_messages(
        A, H, W, neighbours_of=_with_loops, coefficient=lambda A_loops, d, u, v: A_loops[u, v] / np.sqrt(d[u])
    )


def gcn_message_passing_edge_weight_ignored(A, H, W):
    """Every message weighs 1 / sqrt(d~_u d~_v): the edge weight A~[u, v] is left out."""
    return _gcn_messages(
        A, H, W, neighbours_of=_with_loops, coefficient=lambda A_loops, d, u, v: 1.0 / np.sqrt(d[u] * d[v])
    )


# -- global_pool -----------------------------------------------------------------------------


def _pools(H, batch):
    H, batch = np.asarray(H, dtype=float), np.asarray(batch, dtype=int)
    return H, batch, int(batch.max()) + 1


def global_pool_mean_over_all_nodes(H, batch, mode):
    """The mean divides each graph's sum by n, the number of nodes in the whole batch."""
    H, batch, G = _pools(H, batch)
    if mode == "mean":
        return np.array([H[batch == g].sum(axis=0) / H.shape[0] for g in range(G)])
    reduce = {"sum": np.sum, "max": np.max}[mode]
    return np.array([reduce(H[batch == g], axis=0) for g in range(G)])


def global_pool_argmax(H, batch, mode):
    """max returns the position of the largest feature (argmax) instead of its value."""
    H, batch, G = _pools(H, batch)
    reduce = {"sum": np.sum, "mean": np.mean, "max": np.argmax}[mode]
    return np.array([reduce(H[batch == g], axis=0) for g in range(G)]).astype(float)


def global_pool_max_from_zero(H, batch, mode):
    """The max starts from 0 (np.zeros, then np.maximum.at), so a graph whose feature is negative everywhere gets 0."""
    H, batch, G = _pools(H, batch)
    if mode == "max":
        out = np.zeros((G, H.shape[1]))
        np.maximum.at(out, batch, H)
        return out
    reduce = {"sum": np.sum, "mean": np.mean}[mode]
    return np.array([reduce(H[batch == g], axis=0) for g in range(G)])


def global_pool_graphs_not_separated(H, batch, mode):
    """Pools all the nodes of the batch together and gives that to every graph."""
    H, batch, G = _pools(H, batch)
    reduce = {"sum": np.sum, "mean": np.mean, "max": np.max}[mode]
    return np.tile(reduce(H, axis=0), (G, 1))


# -- top_k_pool ------------------------------------------------------------------------------


def _top_k(A, X, p, k, *, normalise=True, gate=np.tanh, index_order=False, columns_too=True):
    A, X, p = (np.asarray(M, dtype=float) for M in (A, X, p))
    y = X @ p / (np.linalg.norm(p) if normalise else 1.0)
    idx = np.argsort(-y, kind="stable")[:k]
    if index_order:
        idx = np.sort(idx)
    return X[idx] * gate(y[idx])[:, None], (A[np.ix_(idx, idx)] if columns_too else A[idx]), idx


def top_k_pool_not_normalised(A, X, p, k):
    """The scores are X p, not divided by ||p||: the tanh gate sees the wrong values."""
    return _top_k(A, X, p, k, normalise=False)


def top_k_pool_gate_without_tanh(A, X, p, k):
    """The kept features are multiplied by their raw scores y instead of tanh(y)."""
    return _top_k(A, X, p, k, gate=lambda y: y)


def top_k_pool_index_order(A, X, p, k):
    """The kept nodes are listed in index order instead of by decreasing score."""
    return _top_k(A, X, p, k, index_order=True)


def top_k_pool_rows_only(A, X, p, k):
    """Keeps only the rows of the kept nodes, A[idx] (k, n), instead of A[idx][:, idx] (k, k)."""
    return _top_k(A, X, p, k, columns_too=False)
