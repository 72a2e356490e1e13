"""Graph convolution exercises: degrees and normalisation, the GCN layer and its gradients,
message passing, global pooling and top-k pooling.

Course notes 1.13.3-1.13.5 and the slides on GNN pooling. ``A[u, v]`` is the
weight of the edge along which node u receives from node v, degrees are row
sums, and ``A~ = A + I`` keeps existing self-loops as they are (see
``exercises/gcn.py``). Inputs discriminate the mistakes students most often
make: every graph has nodes of different degrees (row and symmetric
normalisation differ), isolated nodes (a division by a zero degree shows),
directed graphs whose in- and out-degrees differ (row sums versus column
sums), weighted edges (a count of neighbours is not a degree), graphs that
already have self-loops (A + I would double them), feature widths that differ
from the output width (H W versus H W^T), and messages that are negative
everywhere (a max started from 0 clips them). Besides matching the
reference, checks test the properties of the notes with random permutation
matrices: node-level layers are permutation equivariant,
``f(P A P^T, P H) = P f(A, H)``, and graph-level readouts are invariant.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.catalog.attention import array_of_shape, of_shape, permutation_matrix
from grader.compare import tolerances_of
from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.gcn_mistakes"

# -- inputs ----------------------------------------------------------------------------------

#: Edge weights of weighted graphs: none is 1, so a count of edges is never a degree.
EDGE_WEIGHTS = (0.5, 2.0, 3.0)


def random_graph(
    rng: np.random.Generator,
    n: int,
    *,
    directed: bool,
    weighted: bool = False,
    isolated: int = 0,
    loops: int = 0,
) -> np.ndarray:
    """A random adjacency matrix of n nodes.

    ``isolated`` nodes have no edge at all; every other node receives at least
    one edge (its row is not 0). ``loops`` non-isolated nodes get a self-loop
    of weight 1 or 2.5. Node degrees (row sums) are not all equal, and in a
    directed graph at least two nodes have different in- and out-degrees.
    """
    while True:
        edges = rng.random((n, n)) < 0.45
        np.fill_diagonal(edges, False)
        weights = rng.choice(EDGE_WEIGHTS, size=(n, n)) if weighted else np.ones((n, n))
        if not directed:
            edges = np.triu(edges, 1)
            edges = edges | edges.T
            weights = np.triu(weights, 1) + np.triu(weights, 1).T
        A = np.where(edges, weights, 0.0)
        alone = rng.choice(n, size=isolated, replace=False)
        A[alone, :] = 0.0
        A[:, alone] = 0.0
        others = np.setdiff1d(np.arange(n), alone)
        looped = rng.choice(others, size=loops, replace=False)
        A[looped, looped] = rng.choice([1.0, 2.5], size=loops)
        rows = A.sum(axis=1)
        if (rows[others] == 0).any() or np.unique(rows[others]).size < 2:
            continue
        if directed and np.count_nonzero(rows != A.sum(axis=0)) < 2:
            continue
        return A


def features(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """Node features N(0, 1)."""
    return rng.normal(0.0, 1.0, size=(n, m))


def weights(rng: np.random.Generator, m: int, m_out: int) -> np.ndarray:
    """Layer weights of shape (m, m_out), N(0, 1/m)."""
    return rng.normal(0.0, 1.0 / np.sqrt(m), size=(m, m_out))


def permuted_graph(P: np.ndarray, A: np.ndarray, H: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same graph with its nodes relabelled: (P A P^T, P H)."""
    return P @ A @ P.T, P @ H


def _expect_equivariant(
    t: Trial, got: Any, got_permuted: Any, P: np.ndarray, shape: tuple[int, ...], call: str, *, with_value: bool
) -> None:
    """One expectation: f(P A P^T, P H) = P f(A, H), using the student's own answers.

    A constant is equivariant too: the property scores only beside a right value (``with_value``).
    """
    mine = array_of_shape(got, shape)
    if mine is None:
        t.expect(False, f"'{call}' should be a finite array{of_shape(t, shape)}, so equivariance cannot be checked",
                 with_value=with_value)
    else:
        name = f"{call} on the relabelled graph (P A P^T, P H), which should be P {call}"
        t.expect_close(got_permuted, P @ mine, name=name, with_value=with_value)


# -- gcn.degree_matrix -------------------------------------------------------------------------


def check_degree_matrix_weighted_undirected(t: Trial) -> None:
    """'degree_matrix' is diag of the row sums for an undirected weighted graph with an isolated node."""
    A = random_graph(t.rng, 5, directed=False, weighted=True, isolated=1)
    t.expect_close(t.student(A), t.reference(A), name="degree_matrix(A)")


def check_degree_matrix_directed(t: Trial) -> None:
    """'degree_matrix' sums each ROW (the edges a node receives) on a directed graph of 6 nodes."""
    A = random_graph(t.rng, 6, directed=True)
    t.expect_close(t.student(A), t.reference(A), name="degree_matrix(A) for a directed A")


def check_degree_matrix_hidden(t: Trial) -> None:
    """'degree_matrix' is right on new graphs, directed and weighted, with a self-loop."""
    A = random_graph(t.rng, 7, directed=True, weighted=True, isolated=1, loops=1)
    t.expect_close(t.student(A), t.reference(A), name="degree_matrix(A)")


DEGREE_MATRIX = Exercise(
    id="gcn.degree_matrix",
    input_classes=("non-symmetric matrix: A",),
    title="The degree matrix D",
    notes="1.13.5.1",
    student=StudentFunction("gcn", "degree_matrix"),
    reference="reference.gcn:degree_matrix",
    torch_reference="reference.gcn_torch:degree_matrix",
    checks=(
        Check(check_degree_matrix_weighted_undirected, points=1),
        Check(check_degree_matrix_directed, points=1),
        Check(check_degree_matrix_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "in- and out-degree swapped",
            "D_uu = sum_v A[u, v] sums ROW u (the edges u receives): A.sum(axis=1). Column sums count the edges "
            "a node sends; they differ on a directed graph.",
            f"{MISTAKES}:degree_matrix_column_sums",
        ),
        Mistake(
            "degree vector instead of matrix",
            "D is the diagonal MATRIX with the degrees on its diagonal: np.diag(degrees), shape (n, n).",
            f"{MISTAKES}:degree_matrix_vector",
        ),
        Mistake(
            "edges counted, weights ignored",
            "the degree of a weighted graph adds the edge weights, D_uu = sum_v A[u, v]; counting the nonzero "
            "entries is right only for 0/1 adjacency matrices.",
            f"{MISTAKES}:degree_matrix_edge_count",
        ),
    ),
)

# -- gcn.row_normalize --------------------------------------------------------------------------


def _expect_rows_sum_to_one(t: Trial, got: Any, A: np.ndarray, call: str, *, with_value: bool) -> None:
    """One expectation: rows sum to 1, and an isolated node's row to 0 (scored only beside a right value)."""
    mine = array_of_shape(got, A.shape)
    if mine is None:
        t.expect(False, f"'{call}' should be a finite array{of_shape(t, A.shape)}; its rows cannot be summed",
                 with_value=with_value)
    else:
        expected = np.where(A.sum(axis=1) > 0, 1.0, 0.0)
        t.expect_close(mine.sum(axis=1), expected, name=f"the rows of {call} summed (1, or 0 for an isolated node)",
                       with_value=with_value)


def check_row_normalize_weighted_undirected(t: Trial) -> None:
    """'row_normalize' is D^-1 A for an undirected weighted graph with an isolated node; rows sum to 1."""
    A = random_graph(t.rng, 6, directed=False, weighted=True, isolated=1)
    got = t.student(A)
    value = t.expect_close(got, t.reference(A), name="row_normalize(A)")
    _expect_rows_sum_to_one(t, got, A, "row_normalize(A)", with_value=value)


def check_row_normalize_directed(t: Trial) -> None:
    """'row_normalize' is D^-1 A for a directed graph of 5 nodes with an isolated node."""
    A = random_graph(t.rng, 5, directed=True, isolated=1)
    t.expect_close(t.student(A), t.reference(A), name="row_normalize(A) for a directed A")


def check_row_normalize_hidden(t: Trial) -> None:
    """'row_normalize' is right on new graphs; rows sum to 1."""
    A = random_graph(t.rng, 8, directed=True, weighted=True, isolated=2)
    got = t.student(A)
    value = t.expect_close(got, t.reference(A), name="row_normalize(A)")
    _expect_rows_sum_to_one(t, got, A, "row_normalize(A)", with_value=value)


ROW_NORMALIZE = Exercise(
    id="gcn.row_normalize",
    input_classes=("non-symmetric matrix: A",),
    title="Row normalisation D^-1 A",
    notes="1.13.5.1",
    student=StudentFunction("gcn", "row_normalize"),
    reference="reference.gcn:row_normalize",
    torch_reference="reference.gcn_torch:row_normalize",
    checks=(
        Check(check_row_normalize_weighted_undirected, points=1),
        Check(check_row_normalize_directed, points=1),
        Check(check_row_normalize_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "columns divided instead of rows",
            "D^-1 A divides ROW u by d_u (A / d[:, None]); A D^-1 divides the columns (A / d[None, :]).",
            f"{MISTAKES}:row_normalize_columns",
        ),
        Mistake(
            "isolated node gives NaN",
            "an isolated node has degree 0 and its row is 0/0 = NaN. Use 0 for D^-1 where the degree is 0, "
            "so that row stays 0.",
            f"{MISTAKES}:row_normalize_nan_isolated",
        ),
        Mistake(
            "divided by the number of neighbours",
            "the degree adds the edge WEIGHTS, d_u = sum_v A[u, v]; the number of neighbours is the degree "
            "only of a 0/1 graph.",
            f"{MISTAKES}:row_normalize_edge_count",
        ),
    ),
)

# -- gcn.sym_normalize ---------------------------------------------------------------------------


def check_sym_normalize_weighted_undirected(t: Trial) -> None:
    """'sym_normalize' is D^-1/2 A D^-1/2 for an undirected weighted graph with an isolated node, and symmetric."""
    A = random_graph(t.rng, 6, directed=False, weighted=True, isolated=1)
    got = t.student(A)
    value = t.expect_close(got, t.reference(A), name="sym_normalize(A)")
    mine = array_of_shape(got, A.shape)
    # symmetric to the answer's precision: d_u a_uv d_v and d_v a_vu d_u may round apart in float32
    t.expect(mine is not None and np.allclose(mine, mine.T, **tolerances_of(mine)),
             "'sym_normalize(A)' should be a finite symmetric matrix when A is symmetric", with_value=value)


def check_sym_normalize_directed(t: Trial) -> None:
    """'sym_normalize' uses row sums as degrees on a directed graph of 5 nodes with an isolated node."""
    A = random_graph(t.rng, 5, directed=True, isolated=1)
    t.expect_close(t.student(A), t.reference(A), name="sym_normalize(A) for a directed A")


def check_sym_normalize_hidden(t: Trial) -> None:
    """'sym_normalize' is right on new graphs, directed and undirected."""
    for directed in (False, True):
        A = random_graph(t.rng, 7, directed=directed, weighted=True, isolated=1)
        t.expect_close(t.student(A), t.reference(A), name="sym_normalize(A)")


SYM_NORMALIZE = Exercise(
    id="gcn.sym_normalize",
    input_classes=("non-symmetric matrix: A",),
    title="Symmetric normalisation D^-1/2 A D^-1/2",
    notes="1.13.5.1",
    student=StudentFunction("gcn", "sym_normalize"),
    reference="reference.gcn:sym_normalize",
    torch_reference="reference.gcn_torch:sym_normalize",
    checks=(
        Check(check_sym_normalize_weighted_undirected, points=1),
        Check(check_sym_normalize_directed, points=1),
        Check(check_sym_normalize_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "D^-1/2 on one side only",
            "the symmetric normalisation divides by sqrt(d_u) on the left AND by sqrt(d_v) on the right: "
            "A[u, v] / sqrt(d_u d_v).",
            f"{MISTAKES}:sym_normalize_one_side",
        ),
        Mistake(
            "row instead of symmetric normalisation",
            "D^-1 A divides by d_u alone; the symmetric form divides by sqrt(d_u d_v).",
            f"{MISTAKES}:sym_normalize_row",
        ),
        Mistake(
            "isolated node gives NaN",
            "an isolated node has degree 0: use 0 for its D^-1/2 entry, so its row and column stay 0 instead of 0/0.",
            f"{MISTAKES}:sym_normalize_nan_isolated",
        ),
        Mistake(
            "in- and out-degree swapped",
            "the degrees are the ROW sums of A (the edges a node receives), A.sum(axis=1); column sums "
            "differ on a directed graph.",
            f"{MISTAKES}:sym_normalize_column_degrees",
        ),
    ),
)

# -- gcn.gcn_normalize and gcn.gcn_layer: shared mistakes -------------------------------------------

_GCN_NORMALISATION_MISTAKES = (
    (
        "self-loops forgotten",
        "the GCN uses A~ = A + I, so that each node keeps its own features (and an isolated node has "
        "degree 1, not 0).",
        "no_self_loops",
    ),
    (
        "degree from A instead of A + I",
        "D~ is the degree matrix of A~ = A + I: take the row sums AFTER adding the self-loops.",
        "degree_from_a",
    ),
    (
        "row instead of symmetric normalisation",
        "the GCN normalises symmetrically, D~^-1/2 A~ D~^-1/2, not D~^-1 A~.",
        "row",
    ),
    (
        "D^-1/2 on one side only",
        "multiply by D~^-1/2 on both sides: A~[u, v] / sqrt(d~_u d~_v).",
        "one_side",
    ),
    (
        "existing self-loops doubled",
        "a node that already has a self-loop keeps it as it is: add a loop of weight 1 only where the "
        "diagonal of A is 0 (A + I would give such a loop weight 2, or 3.5 for a loop of 2.5).",
        "loops_doubled",
    ),
    (
        "in- and out-degree swapped",
        "the degrees are the ROW sums of A~ (the edges a node receives), not the column sums; they differ "
        "on a directed graph.",
        "column_degrees",
    ),
)


def _gcn_mistakes(function: str) -> tuple[Mistake, ...]:
    return tuple(
        Mistake(name, hint, f"{MISTAKES}:{function}_{suffix}") for name, hint, suffix in _GCN_NORMALISATION_MISTAKES
    )


# -- gcn.gcn_normalize ---------------------------------------------------------------------------


def check_gcn_normalize_undirected_isolated(t: Trial) -> None:
    """'gcn_normalize' is D~^-1/2 (A + I) D~^-1/2 for an undirected graph of 6 nodes with an isolated node."""
    A = random_graph(t.rng, 6, directed=False, isolated=1)
    t.expect_close(t.student(A), t.reference(A), name="gcn_normalize(A)")


def check_gcn_normalize_directed_with_loops(t: Trial) -> None:
    """'gcn_normalize' on a directed weighted graph where two nodes already have self-loops."""
    A = random_graph(t.rng, 5, directed=True, weighted=True, loops=2)
    t.expect_close(t.student(A), t.reference(A), name="gcn_normalize(A) for a directed A with self-loops")


def check_gcn_normalize_hidden(t: Trial) -> None:
    """'gcn_normalize' is right on new graphs of both kinds."""
    A = random_graph(t.rng, 8, directed=False, weighted=True, isolated=1, loops=1)
    t.expect_close(t.student(A), t.reference(A), name="gcn_normalize(A)")
    A = random_graph(t.rng, 6, directed=True, loops=3)
    t.expect_close(t.student(A), t.reference(A), name="gcn_normalize(A)")


GCN_NORMALIZE = Exercise(
    id="gcn.gcn_normalize",
    input_classes=("non-symmetric matrix: A",),
    title="The GCN propagation matrix D~^-1/2 (A + I) D~^-1/2",
    notes="1.13.5.2",
    student=StudentFunction("gcn", "gcn_normalize"),
    reference="reference.gcn:gcn_normalize",
    torch_reference="reference.gcn_torch:gcn_normalize",
    checks=(
        Check(check_gcn_normalize_undirected_isolated, points=1),
        Check(check_gcn_normalize_directed_with_loops, points=1),
        Check(check_gcn_normalize_hidden, points=2, hidden=True),
    ),
    mistakes=_gcn_mistakes("gcn_normalize"),
)

# -- gcn.gcn_layer -------------------------------------------------------------------------------


def _check_layer_equivariant(
    t: Trial, A: np.ndarray, H: np.ndarray, W: np.ndarray, activation: str, *, default: bool = False
) -> None:
    """Two expectations: the layer matches the reference, and relabelling the nodes permutes its output.

    ``default``: the first call leaves the activation out, so that its default ("relu") is what is checked.
    """
    P = permutation_matrix(t.rng, A.shape[0])
    got = t.student(A, H, W) if default else t.student(A, H, W, activation)
    got_permuted = t.student(*permuted_graph(P, A, H), W, activation)
    call = f"gcn_layer(A, H, W, {activation!r})"
    value = t.expect_close(got, t.reference(A, H, W, activation), name=call)
    _expect_equivariant(t, got, got_permuted, P, (A.shape[0], W.shape[1]), call, with_value=value)


def check_gcn_layer_undirected_equivariant(t: Trial) -> None:
    """'gcn_layer' is ReLU(D~^-1/2 A~ D~^-1/2 H W) with H (6, 3), W (3, 4) (the default activation), and permutation equivariant."""
    A = random_graph(t.rng, 6, directed=False, isolated=1)
    _check_layer_equivariant(t, A, features(t.rng, 6, 3), weights(t.rng, 3, 4), "relu", default=True)


def check_gcn_layer_directed_with_loops(t: Trial) -> None:
    """'gcn_layer' on a directed weighted graph with self-loops, W square (3, 3), identity activation."""
    A = random_graph(t.rng, 5, directed=True, weighted=True, loops=2)
    H, W = features(t.rng, 5, 3), weights(t.rng, 3, 3)
    t.expect_close(
        t.student(A, H, W, "identity"), t.reference(A, H, W, "identity"), name="gcn_layer(A, H, W, 'identity')"
    )


def check_gcn_layer_hidden(t: Trial) -> None:
    """'gcn_layer' is right on new graphs and shapes, and permutation equivariant."""
    A = random_graph(t.rng, 8, directed=False, weighted=True, isolated=1, loops=1)
    _check_layer_equivariant(t, A, features(t.rng, 8, 4), weights(t.rng, 4, 2), "relu")
    A = random_graph(t.rng, 6, directed=True, loops=2)
    H, W = features(t.rng, 6, 2), weights(t.rng, 2, 5)
    t.expect_close(t.student(A, H, W, "relu"), t.reference(A, H, W, "relu"), name="gcn_layer(A, H, W, 'relu')")


GCN_LAYER = Exercise(
    id="gcn.gcn_layer",
    input_classes=("non-symmetric matrix: A",),
    title="A GCN layer sigma(D~^-1/2 A~ D~^-1/2 H W)",
    notes="1.13.5.2, 1.13.3.1 (permutation equivariance)",
    student=StudentFunction("gcn", "gcn_layer"),
    reference="reference.gcn:gcn_layer",
    torch_reference="reference.gcn_torch:gcn_layer",
    checks=(
        Check(check_gcn_layer_undirected_equivariant, points=1),
        Check(check_gcn_layer_directed_with_loops, points=1),
        Check(check_gcn_layer_hidden, points=2, hidden=True),
    ),
    mistakes=_gcn_mistakes("gcn_layer")
    + (
        Mistake(
            "X W^T instead of X W",
            "W has shape (m, m_out) and multiplies the features from the right, H W (notes 1.13.5.2). "
            "W.T is the layout of nn.Linear's weight, not of this W.",
            f"{MISTAKES}:gcn_layer_weights_transposed",
        ),
    ),
)

# -- gcn.gcn_layer_gradients -------------------------------------------------------------------


def check_gcn_layer_gradients_undirected(t: Trial) -> None:
    """'gcn_layer_gradients' gives (Y, dL/dW, dL/dH) for L = sum(G * Y), 5 nodes with an isolated one, W (3, 2)."""
    A = random_graph(t.rng, 5, directed=False, isolated=1)
    H, W, G = features(t.rng, 5, 3), weights(t.rng, 3, 2), t.rng.normal(size=(5, 2))
    t.expect_close(t.student(A, H, W, G), t.reference(A, H, W, G), name="gcn_layer_gradients(A, H, W, G)")


def check_gcn_layer_gradients_directed(t: Trial) -> None:
    """'gcn_layer_gradients' on a directed weighted graph with self-loops, W (4, 3)."""
    A = random_graph(t.rng, 6, directed=True, weighted=True, loops=2)
    H, W, G = features(t.rng, 6, 4), weights(t.rng, 4, 3), t.rng.normal(size=(6, 3))
    name = "gcn_layer_gradients(A, H, W, G) for a directed A"
    t.expect_close(t.student(A, H, W, G), t.reference(A, H, W, G), name=name)


def check_gcn_layer_gradients_hidden(t: Trial) -> None:
    """'gcn_layer_gradients' is right on new graphs and shapes."""
    A = random_graph(t.rng, 7, directed=False, weighted=True, isolated=1, loops=1)
    H, W, G = features(t.rng, 7, 2), weights(t.rng, 2, 5), t.rng.normal(size=(7, 5))
    t.expect_close(t.student(A, H, W, G), t.reference(A, H, W, G), name="gcn_layer_gradients(A, H, W, G)")


GCN_LAYER_GRADIENTS = Exercise(
    id="gcn.gcn_layer_gradients",
    input_classes=("non-symmetric matrix: A",),
    title="A GCN layer in torch: output and gradients by autograd",
    notes="1.13.5.2, 1.13.6 (training a GNN)",
    uses_torch=True,
    student=StudentFunction("gcn", "gcn_layer_gradients"),
    reference="reference.gcn:gcn_layer_gradients",
    torch_reference="reference.gcn_torch:gcn_layer_gradients",
    checks=(
        Check(check_gcn_layer_gradients_undirected, points=1),
        Check(check_gcn_layer_gradients_directed, points=1),
        Check(check_gcn_layer_gradients_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "upstream gradient ignored",
            "the loss is L = sum(G * Y): call (G * Y).sum().backward() (or Y.backward(G)), not Y.sum().backward().",
            f"{MISTAKES}:gcn_layer_gradients_upstream_ignored",
        ),
        Mistake(
            "nn.Linear weight gradient returned",
            "nn.Linear(m, m_out).weight has shape (m_out, m): it is W^T. Return its gradient transposed, "
            "so that dL/dW has the shape (m, m_out) of W.",
            f"{MISTAKES}:gcn_layer_gradients_linear_weight",
        ),
        Mistake(
            "self-loops forgotten",
            "the layer propagates with D~^-1/2 (A + I) D~^-1/2: add the self-loops before normalising.",
            f"{MISTAKES}:gcn_layer_gradients_no_self_loops",
        ),
        Mistake(
            "ReLU missing",
            "Y = ReLU(P H W): apply torch.relu before computing the loss; its derivative zeroes the "
            "gradient where P H W < 0.",
            f"{MISTAKES}:gcn_layer_gradients_no_relu",
        ),
    ),
)

# -- gcn.message_passing ---------------------------------------------------------------------------


def check_message_passing_sum_and_mean(t: Trial) -> None:
    """'message_passing' with sum and mean aggregation on a directed graph with an isolated node; sum = A H W + H B."""
    A = random_graph(t.rng, 6, directed=True, isolated=1)
    H, W, B = features(t.rng, 6, 3), weights(t.rng, 3, 2), weights(t.rng, 3, 2)
    got = t.student(A, H, W, B, "sum")
    t.expect_close(got, t.reference(A, H, W, B, "sum"), name="message_passing(A, H, W, B, 'sum')")
    matrix_form = A @ H @ W + H @ B
    t.expect_close(got, matrix_form, name="message_passing(A, H, W, B, 'sum') compared with A H W + H B")
    mean = t.student(A, H, W, B, "mean")
    t.expect_close(mean, t.reference(A, H, W, B, "mean"), name="message_passing(A, H, W, B, 'mean')")


def check_message_passing_max(t: Trial) -> None:
    """'message_passing' with max aggregation when every message is negative, on a graph with an isolated node."""
    A = random_graph(t.rng, 5, directed=True, isolated=1)
    H = t.rng.uniform(0.2, 1.5, size=(5, 3))
    W = -t.rng.uniform(0.2, 1.0, size=(3, 2))  # positive features times negative weights: negative messages
    B = weights(t.rng, 3, 2)
    t.expect_close(
        t.student(A, H, W, B, "max"), t.reference(A, H, W, B, "max"), name="message_passing(A, H, W, B, 'max')"
    )


def check_message_passing_hidden(t: Trial) -> None:
    """'message_passing' is right with every aggregation on a new graph, and permutation equivariant."""
    A = random_graph(t.rng, 7, directed=False, isolated=1)
    H, W, B = features(t.rng, 7, 2), weights(t.rng, 2, 3), weights(t.rng, 2, 3)
    P = permutation_matrix(t.rng, 7)
    for aggregation in ("sum", "mean", "max"):
        got = t.student(A, H, W, B, aggregation)
        value = t.expect_close(got, t.reference(A, H, W, B, aggregation), name=f"message_passing(A, H, W, B, {aggregation!r})")
        A_p, H_p = permuted_graph(P, A, H)
        got_permuted = t.student(A_p, H_p, W, B, aggregation)
        _expect_equivariant(t, got, got_permuted, P, (7, 3), f"message_passing(A, H, W, B, {aggregation!r})", with_value=value)


MESSAGE_PASSING = Exercise(
    id="gcn.message_passing",
    input_classes=("non-symmetric matrix: A",),
    title="Message passing with sum, mean and max aggregation and a self-message",
    notes="1.13.4.1, 1.13.4.2",
    student=StudentFunction("gcn", "message_passing"),
    reference="reference.gcn:message_passing",
    torch_reference="reference.gcn_torch:message_passing",
    checks=(
        Check(check_message_passing_sum_and_mean, points=1),
        Check(check_message_passing_max, points=1),
        Check(check_message_passing_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "self-message forgotten",
            "add the node's own message: h'_v = h_v B + AGG_{u in N(v)} h_u W (notes 1.13.4.2), so its own "
            "features are not lost.",
            f"{MISTAKES}:message_passing_no_self_message",
        ),
        Mistake(
            "mean over all nodes",
            "the mean divides the neighbours' sum by |N(v)|, the number of v's neighbours, not by n.",
            f"{MISTAKES}:message_passing_mean_over_all_nodes",
        ),
        Mistake(
            "max started from 0",
            "a running max that starts from 0 (np.zeros, then np.maximum) clips negative messages to 0. "
            "Take the max over the neighbours' messages themselves; only a node with no neighbour gets 0.",
            f"{MISTAKES}:message_passing_max_from_zero",
        ),
        Mistake(
            "max of no messages is -inf",
            "a node without neighbours aggregates nothing, and its aggregate is 0 for every aggregation "
            "(not -inf from a max started at -inf).",
            f"{MISTAKES}:message_passing_max_of_nothing",
        ),
        Mistake(
            "in- and out-neighbours swapped",
            "node v receives from N(v) = {u : A[v, u] != 0}, the nonzero entries of ROW v; column v lists the "
            "nodes v sends to.",
            f"{MISTAKES}:message_passing_neighbours_from_columns",
        ),
    ),
)

# -- gcn.gcn_message_passing -----------------------------------------------------------------------


def check_gcn_message_passing_undirected(t: Trial) -> None:
    """'gcn_message_passing' sums A~[u, v] h_v W / sqrt(d~_u d~_v) over N(u) and u itself (6 nodes, one isolated)."""
    A = random_graph(t.rng, 6, directed=False, isolated=1)
    H, W = features(t.rng, 6, 3), weights(t.rng, 3, 2)
    t.expect_close(t.student(A, H, W), t.reference(A, H, W), name="gcn_message_passing(A, H, W)")


def check_gcn_message_passing_weighted_directed(t: Trial) -> None:
    """'gcn_message_passing' on a directed weighted graph with a self-loop equals the matrix form."""
    A = random_graph(t.rng, 5, directed=True, weighted=True, loops=1)
    H, W = features(t.rng, 5, 2), weights(t.rng, 2, 4)
    t.expect_close(t.student(A, H, W), t.reference(A, H, W), name="gcn_message_passing(A, H, W) for a directed A")


def check_gcn_message_passing_hidden(t: Trial) -> None:
    """'gcn_message_passing' is right on new graphs."""
    A = random_graph(t.rng, 8, directed=False, weighted=True, isolated=1, loops=2)
    H, W = features(t.rng, 8, 3), weights(t.rng, 3, 3)
    t.expect_close(t.student(A, H, W), t.reference(A, H, W), name="gcn_message_passing(A, H, W)")


GCN_MESSAGE_PASSING = Exercise(
    id="gcn.gcn_message_passing",
    input_classes=("non-symmetric matrix: A",),
    title="The GCN layer written as message passing",
    notes="1.13.5.2 (GCN in the message-passing framework)",
    student=StudentFunction("gcn", "gcn_message_passing"),
    reference="reference.gcn:gcn_message_passing",
    torch_reference="reference.gcn_torch:gcn_message_passing",
    checks=(
        Check(check_gcn_message_passing_undirected, points=1),
        Check(check_gcn_message_passing_weighted_directed, points=1),
        Check(check_gcn_message_passing_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "self-message forgotten",
            "the sum runs over N(u) AND u itself: the self-loop of A~ sends u's own message "
            "A~[u, u] h_u W / d~_u.",
            f"{MISTAKES}:gcn_message_passing_no_self_message",
        ),
        Mistake(
            "mean instead of the symmetric weight",
            "each message is weighted by A~[u, v] / sqrt(d~_u d~_v), not A~[u, v] / d~_u (that is the row "
            "normalisation D~^-1 A~).",
            f"{MISTAKES}:gcn_message_passing_mean",
        ),
        Mistake(
            "sender's degree missing",
            "divide by the square roots of BOTH degrees, sqrt(d~_u d~_v): the receiver u's and the sender v's.",
            f"{MISTAKES}:gcn_message_passing_receiver_degree_only",
        ),
        Mistake(
            "edge weight ignored",
            "a weighted edge scales its message: A~[u, v] h_v W / sqrt(d~_u d~_v), matching the entry "
            "(u, v) of D~^-1/2 A~ D~^-1/2.",
            f"{MISTAKES}:gcn_message_passing_edge_weight_ignored",
        ),
    ),
)

# -- gcn.global_pool -------------------------------------------------------------------------------


def batch_of_graphs(rng: np.random.Generator, sizes: tuple[int, ...], m: int) -> tuple[np.ndarray, np.ndarray]:
    """Node features and each node's graph, nodes shuffled; feature 0 of graph 0 is negative everywhere."""
    batch = np.repeat(np.arange(len(sizes)), sizes)
    H = rng.normal(0.0, 1.0, size=(batch.size, m))
    H[batch == 0, 0] = -rng.uniform(0.5, 2.0, size=sizes[0])
    order = rng.permutation(batch.size)
    return H[order], batch[order]


def _check_pools(t: Trial, H: np.ndarray, batch: np.ndarray, modes: tuple[str, ...]) -> None:
    """Per mode, two expectations: the pools match the reference, and shuffling the nodes changes nothing."""
    order = t.rng.permutation(batch.size)
    G = int(batch.max()) + 1
    for mode in modes:
        got = t.student(H, batch, mode)
        value = t.expect_close(got, t.reference(H, batch, mode), name=f"global_pool(H, batch, {mode!r})")
        shuffled = t.student(H[order], batch[order], mode)
        mine = array_of_shape(got, (G, H.shape[1]))
        # a constant is order-invariant too: the property scores only beside a right pool
        if mine is None:
            t.expect(False, f"'global_pool(H, batch, {mode!r})' should be a finite array{of_shape(t, (G, H.shape[1]))}",
                     with_value=value)
        else:
            name = f"global_pool with the nodes shuffled, which should equal global_pool(H, batch, {mode!r})"
            t.expect_close(shuffled, mine, name=name, with_value=value)


def check_global_pool_batch_of_three(t: Trial) -> None:
    """'global_pool' with sum, mean and max over a batch of 3 graphs (3, 1 and 4 nodes, shuffled), order-invariant."""
    H, batch = batch_of_graphs(t.rng, (3, 1, 4), 2)
    _check_pools(t, H, batch, ("sum", "mean", "max"))


def check_global_pool_negative_max(t: Trial) -> None:
    """'global_pool' max and mean of 2 graphs whose first feature is negative everywhere."""
    H, batch = batch_of_graphs(t.rng, (4, 2), 3)
    H[:, 0] = -np.abs(H[:, 0]) - 0.1
    for mode in ("max", "mean"):
        t.expect_close(t.student(H, batch, mode), t.reference(H, batch, mode), name=f"global_pool(H, batch, {mode!r})")


def check_global_pool_hidden(t: Trial) -> None:
    """'global_pool' is right on a new batch of graphs, and order-invariant."""
    H, batch = batch_of_graphs(t.rng, (2, 5, 1, 3), 3)
    _check_pools(t, H, batch, ("sum", "mean", "max"))


GLOBAL_POOL = Exercise(
    id="gcn.global_pool",
    input_classes=("integer dtype: batch",),
    title="Global pooling (sum, mean, max) of a batch of graphs",
    notes="1.13.2.2 (graph embeddings), 1.13.3.1 (permutation invariance), slides (global pooling)",
    student=StudentFunction("gcn", "global_pool"),
    reference="reference.gcn:global_pool",
    torch_reference="reference.gcn_torch:global_pool",
    checks=(
        Check(check_global_pool_batch_of_three, points=1),
        Check(check_global_pool_negative_max, points=1),
        Check(check_global_pool_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "mean over all the nodes of the batch",
            "graph g's mean divides ITS sum by ITS number of nodes, (batch == g).sum(), not by the number of "
            "nodes in the whole batch.",
            f"{MISTAKES}:global_pool_mean_over_all_nodes",
        ),
        Mistake(
            "argmax instead of max",
            "max pooling returns the largest VALUE of each feature (np.max), not the position of the node "
            "that has it (np.argmax).",
            f"{MISTAKES}:global_pool_argmax",
        ),
        Mistake(
            "max started from 0",
            "a max that starts from zeros (np.zeros, then np.maximum.at) gives 0 where every node's feature "
            "is negative; start from -inf, or take np.max over each graph's rows.",
            f"{MISTAKES}:global_pool_max_from_zero",
        ),
        Mistake(
            "graphs not separated",
            "each graph gets its own readout: pool only the rows with batch == g into row g.",
            f"{MISTAKES}:global_pool_graphs_not_separated",
        ),
    ),
)

# -- gcn.top_k_pool ---------------------------------------------------------------------------------


def projection_vector(rng: np.random.Generator, m: int, norm: float) -> np.ndarray:
    """A random direction scaled to the given norm (not 1, so forgetting to divide by ||p|| shows)."""
    p = rng.normal(size=m)
    return norm * p / np.linalg.norm(p)


def tied_at_the_cut(rng: np.random.Generator, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Features and a projection whose k-th and (k+1)-th best scores tie exactly.

    The features are multiples of 1/8 and p is a permutation of (1.5, 2, 0) with random signs (||p|| = 2.5
    exactly), so every X p is exact in any order of summation, in float64 and float32: the node ranked
    k + 1 is given the features of the node ranked k, and the smaller index of the two must be kept.
    """
    X = np.round(features(rng, n, 3) * 8.0) / 8.0
    p = rng.permutation(np.array([1.5, 2.0, 0.0])) * rng.choice([-1.0, 1.0], size=3)
    while True:
        order = np.argsort(-(X @ p), kind="stable")
        X[order[k]] = X[order[k - 1]]
        y = X @ p
        if len(np.unique(y)) == n - 1:
            return X, p
        X = np.round(features(rng, n, 3) * 8.0) / 8.0


def check_top_k_pool_undirected(t: Trial) -> None:
    """'top_k_pool' keeps 3 of 6 nodes by X p / ||p|| (||p|| = 2.5), gated by tanh, with the edges among them; two nodes tie for third place (the smaller index is kept)."""
    A = random_graph(t.rng, 6, directed=False)
    X, p = tied_at_the_cut(t.rng, 6, 3)
    t.expect_close(t.student(A, X, p, 3), t.reference(A, X, p, 3), name="top_k_pool(A, X, p, k=3)", returns=(None, None, "ints"))


def check_top_k_pool_directed(t: Trial) -> None:
    """'top_k_pool' keeps 4 of 7 nodes of a directed weighted graph (||p|| = 0.4)."""
    A = random_graph(t.rng, 7, directed=True, weighted=True)
    X, p = features(t.rng, 7, 2), projection_vector(t.rng, 2, 0.4)
    t.expect_close(t.student(A, X, p, 4), t.reference(A, X, p, 4), name="top_k_pool(A, X, p, k=4)", returns=(None, None, "ints"))


def check_top_k_pool_hidden(t: Trial) -> None:
    """'top_k_pool' is right on new graphs, features and k."""
    A = random_graph(t.rng, 8, directed=True, isolated=1)
    X, p = features(t.rng, 8, 4), projection_vector(t.rng, 4, 3.0)
    for k in (2, 5):
        t.expect_close(t.student(A, X, p, k), t.reference(A, X, p, k), name="top_k_pool(A, X, p, k)", returns=(None, None, "ints"))


TOP_K_POOL = Exercise(
    id="gcn.top_k_pool",
    input_classes=("non-symmetric matrix: A", "ties: X @ p"),
    title="Top-k pooling by a learnable projection",
    notes="slides (pooling layer: top-k pooling)",
    student=StudentFunction("gcn", "top_k_pool"),
    reference="reference.gcn:top_k_pool",
    torch_reference="reference.gcn_torch:top_k_pool",
    checks=(
        Check(check_top_k_pool_undirected, points=1),
        Check(check_top_k_pool_directed, points=1),
        Check(check_top_k_pool_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "score not divided by ||p||",
            "the score is y = X p / ||p|| (np.linalg.norm(p)): the projection onto the unit vector along p.",
            f"{MISTAKES}:top_k_pool_not_normalised",
        ),
        Mistake(
            "gate without tanh",
            "the kept features are multiplied by tanh(y), which lies in (-1, 1), not by the raw score y.",
            f"{MISTAKES}:top_k_pool_gate_without_tanh",
        ),
        Mistake(
            "nodes kept in index order",
            "idx lists the kept nodes by DECREASING score (the best first), and X' and A' follow that order; "
            "do not sort idx.",
            f"{MISTAKES}:top_k_pool_index_order",
        ),
        Mistake(
            "adjacency rows only",
            "the pooled graph keeps the edges AMONG the kept nodes: A[idx][:, idx] (k, k), not A[idx] (k, n).",
            f"{MISTAKES}:top_k_pool_rows_only",
        ),
    ),
)

EXERCISES: tuple[Exercise, ...] = (
    DEGREE_MATRIX,
    ROW_NORMALIZE,
    SYM_NORMALIZE,
    GCN_NORMALIZE,
    GCN_LAYER,
    GCN_LAYER_GRADIENTS,
    MESSAGE_PASSING,
    GCN_MESSAGE_PASSING,
    GLOBAL_POOL,
    TOP_K_POOL,
)
