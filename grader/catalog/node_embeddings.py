"""Node-embedding exercises: random walks, their neighbourhoods N_R(v), the random-walk
embedding loss and its gradient, and a graph's embedding from its nodes'.

Course notes 1.13.2 (node embeddings and graph embeddings). The graph
conventions are those of the ``gcn`` topic (``A`` an ``(n, n)`` adjacency
matrix, nodes numbered 0..n-1, ``A[u, v] != 0`` an edge), with undirected
graphs for the walks; a self-loop is not a neighbour (see
``exercises/node_embeddings.py``). Inputs discriminate the mistakes students
most often make: graphs with self-loops (a walk that may stay put), nodes of
different degrees (neighbours listed in the wrong order pick another one), a
node whose only edge is a self-loop (the walk ends there), walks that go back
and forth within the window (a node in its own neighbourhood, pairs met
several times), counts above 1 and nodes outside every N_R(v) (a set for a
multiset, a softmax over the neighbours only), embeddings whose dot products
reach about 1000 (a softmax without its maximum taken out overflows), and
subgraphs where a node has several edges (a node pooled once per edge).

Every decision a check's own arithmetic makes is kept away from its boundary:
the uniforms of a walk lie at least 0.01 from every multiple of 1/d, for every
degree d the graph has, so ``floor(u * d)`` is the same in float32 and in any
order of operations.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.node_embeddings_mistakes"

#: the smallest distance of u * d from an integer, for every uniform u drawn and degree d up to n
UNIFORM_MARGIN = 0.01

# -- inputs ----------------------------------------------------------------------------------

#: the notes-style example graph of the docstring: edges 0-1, 0-2, 1-2, 2-3; node 4 has only a self-loop
EXAMPLE_EDGES = ((0, 1), (0, 2), (1, 2), (2, 3))


def example_graph() -> np.ndarray:
    """The docstring's graph, with a fifth node whose only edge is a self-loop."""
    A = np.zeros((5, 5))
    for a, b in EXAMPLE_EDGES:
        A[a, b] = A[b, a] = 1.0
    A[4, 4] = 1.0
    return A


def walk_graph(rng: np.random.Generator, n: int, *, loops: int, alone: int = 0) -> np.ndarray:
    """A random undirected 0/1 graph of n nodes with ``loops`` self-loops on nodes that have neighbours.

    ``alone`` nodes have a self-loop and no other edge. Every other node has a
    neighbour, and the degrees are not all equal.
    """
    while True:
        edges = np.triu(rng.random((n, n)) < 0.5, 1)
        A = (edges | edges.T).astype(float)
        lonely = rng.choice(n, size=alone, replace=False)
        A[lonely, :] = 0.0
        A[:, lonely] = 0.0
        A[lonely, lonely] = 1.0
        others = np.setdiff1d(np.arange(n), lonely)
        degrees = A[others].sum(axis=1)
        if (degrees == 0).any() or np.unique(degrees).size < 2:
            continue
        looped = rng.choice(others, size=loops, replace=False)
        A[looped, looped] = 1.0
        return A


def uniforms(rng: np.random.Generator, size: int, n: int) -> np.ndarray:
    """Uniforms in [0, 1), float32 numbers, each at least UNIFORM_MARGIN from every k / d for d = 1..n.

    So ``floor(u * d)`` has a margin of at least 0.01 from its boundary, in float64 and float32 alike.
    """
    degrees = np.arange(1, n + 1)
    out = np.zeros(0)
    while out.size < size:  # about one candidate in four qualifies for n = 8
        r = rng.random(8 * size).astype(np.float32).astype(np.float64)
        scaled = r[:, None] * degrees
        good = (np.abs(scaled - np.round(scaled)).min(axis=1) >= UNIFORM_MARGIN) & (r < 1.0 - UNIFORM_MARGIN)
        out = np.concatenate([out, r[good]])
    return out[:size]


def random_start(rng: np.random.Generator, A: np.ndarray) -> int:
    """A start node that has a neighbour."""
    has = [v for v in range(len(A)) if np.count_nonzero(A[v]) - (A[v, v] != 0) > 0]
    return int(rng.choice(has))


def node_walks(rng: np.random.Generator, A: np.ndarray, k: int, length: int) -> np.ndarray:
    """k walks of ``length`` nodes each on A (no node without neighbours), drawn uniformly over the neighbours."""
    options = [[v for v in np.flatnonzero(A[x]) if v != x] for x in range(len(A))]
    starts = [x for x in range(len(A)) if options[x]]
    steps = rng.random((k, length))
    walks = np.zeros((k, length), dtype=np.int64)
    for i in range(k):
        x = starts[int(steps[i, 0] * len(starts))]
        walks[i, 0] = x
        for j in range(1, length):
            x = options[x][int(steps[i, j] * len(options[x]))]
            walks[i, j] = x
    return walks


def counts(rng: np.random.Generator, n: int) -> np.ndarray:
    """A count matrix C (ints): about half the entries 0, the others 1 to 3; every row has a zero and a nonzero."""
    while True:
        C = rng.integers(1, 4, size=(n, n)) * (rng.random((n, n)) < 0.5)
        if (C == 0).any(axis=1).all() and (C > 0).any(axis=1).all() and (C > 1).sum() >= 2:
            return C.astype(np.int64)


def embeddings(rng: np.random.Generator, n: int, d: int, scale: float = 1.0) -> np.ndarray:
    """Node embeddings N(0, scale^2), float32 numbers."""
    return np.asarray(rng.normal(0.0, scale, size=(n, d)), np.float32).astype(np.float64)


def large_embeddings(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """Embeddings whose dot products reach about 1000: multiples of 1/4 up to 20 in size.

    The dot products are multiples of 1/16 below 2^11, exact in float32, and the
    largest dot product of each row exceeds the next by at least 8 (exp(-8) = 3e-4), so the
    softmax is far from a tie and a float32 answer keeps float32 accuracy.
    """
    while True:  # 32 candidates at a time: about one in six qualifies
        Z = np.round(rng.normal(0.0, 10.0, size=(32, n, d)) * 4.0) / 4.0
        S = Z @ np.swapaxes(Z, 1, 2)
        top2 = np.sort(S, axis=2)[:, :, -2:]
        good = ((np.abs(Z).max(axis=(1, 2)) <= 20) & (S.max(axis=(1, 2)) >= 720)
                & (top2[:, :, 1] - top2[:, :, 0] >= 8).all(axis=1))
        if good.any():
            return Z[np.flatnonzero(good)[0]]


def subgraph_edges(rng: np.random.Generator, n: int, nodes: int, m: int) -> np.ndarray:
    """m distinct edges among ``nodes`` of the n nodes; some node has 2 edges or more, and not every node is used."""
    while True:
        chosen = rng.choice(n, size=nodes, replace=False)
        pairs = [(int(a), int(b)) for i, a in enumerate(chosen) for b in chosen[i + 1:]]
        picked = np.array([pairs[i] for i in rng.choice(len(pairs), size=m, replace=False)], dtype=np.int64)
        used = np.unique(picked)
        if np.bincount(picked.ravel()).max() >= 2 and used.size < n:
            return picked


# -- node_embeddings.random_walk --------------------------------------------------------------


def check_random_walk_worked_example(t: Trial) -> None:
    """'random_walk' reproduces the docstring's walk [0, 2, 0, 2], and stops at once at a node whose only edge is a self-loop."""
    A = example_graph()
    for start, u in ((0, [0.7, 0.2, 0.9]), (3, [0.5, 0.9, 0.1, 0.4]), (4, [0.3, 0.6])):
        u = np.array(u)
        t.expect_close(t.student(A, start, u), t.reference(A, start, u),
                       name=f"random_walk(A, start={start}, u={u.tolist()})", returns="ints")


def check_random_walk_random_graphs(t: Trial) -> None:
    """'random_walk' is right for 3 walks of 8 steps on a random graph of 7 nodes with 3 self-loops."""
    A = walk_graph(t.rng, 7, loops=3)
    for _ in range(3):
        start, u = random_start(t.rng, A), uniforms(t.rng, 8, 7)
        t.expect_close(t.student(A, start, u), t.reference(A, start, u), name="random_walk(A, start, u)",
                       returns="ints")


def check_random_walk_hidden(t: Trial) -> None:
    """'random_walk' is right on new graphs with self-loops and a node with no neighbour."""
    A = walk_graph(t.rng, 8, loops=3, alone=1)
    starts = [random_start(t.rng, A), random_start(t.rng, A), int(np.flatnonzero(A.sum(axis=1) == 1)[0])]
    for start in starts:
        u = uniforms(t.rng, 10, 8)
        t.expect_close(t.student(A, start, u), t.reference(A, start, u), name="random_walk(A, start, u)",
                       returns="ints")


RANDOM_WALK = Exercise(
    id="node_embeddings.random_walk",
    input_classes=(),
    title="A random walk on a graph, from given uniforms",
    notes="1.13.2.1",
    student=StudentFunction("node_embeddings", "random_walk"),
    reference="reference.node_embeddings:random_walk",
    torch_reference="reference.node_embeddings_torch:random_walk",
    checks=(
        Check(check_random_walk_worked_example, points=1),
        Check(check_random_walk_random_graphs, points=2),
        Check(check_random_walk_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "self-loop taken as a neighbour",
            "a node is not its own neighbour: leave v = x out of x's neighbours even where A[x, x] is nonzero, "
            "so every step moves to another node.",
            f"{MISTAKES}:random_walk_self_included",
        ),
        Mistake(
            "non-neighbours chosen",
            "the walk moves along an edge: choose among x's neighbours (A[x, v] != 0), d of them, with "
            "floor(u * d), not among all n nodes.",
            f"{MISTAKES}:random_walk_any_node",
        ),
        Mistake(
            "neighbours not in increasing order",
            "index j = floor(u * d) counts the neighbours from the SMALLEST node number up; list them in "
            "increasing order before picking.",
            f"{MISTAKES}:random_walk_decreasing_order",
        ),
        Mistake(
            "start node left out",
            "the walk lists the start node first and then one node per uniform: len(u) + 1 nodes.",
            f"{MISTAKES}:random_walk_start_left_out",
        ),
    ),
)

# -- node_embeddings.walk_neighbourhoods ------------------------------------------------------


def check_walk_neighbourhoods_worked_example(t: Trial) -> None:
    """'walk_neighbourhoods' reproduces the docstring's counts for the walk [0, 2, 0, 2] (w = 2), and two walks with w = 3."""
    calls = (
        (np.array([[0, 2, 0, 2]]), 4, 2),
        (np.array([[0, 1, 2, 1, 0], [3, 2, 3, 4, 3]]), 5, 3),
    )
    for walks, n, w in calls:
        t.expect_close(t.student(walks, n, w), t.reference(walks, n, w),
                       name=f"walk_neighbourhoods({walks.tolist()}, n={n}, w={w})", returns="ints")


def check_walk_neighbourhoods_random_walks(t: Trial) -> None:
    """'walk_neighbourhoods' is right for 3 walks of 7 nodes on a random graph, with windows 2 and 3."""
    A = walk_graph(t.rng, 6, loops=0)
    walks = node_walks(t.rng, A, 3, 7)
    for w in (2, 3):
        t.expect_close(t.student(walks, 6, w), t.reference(walks, 6, w), name=f"walk_neighbourhoods(walks, n=6, w={w})",
                       returns="ints")


def check_walk_neighbourhoods_hidden(t: Trial) -> None:
    """'walk_neighbourhoods' is right on new walks and windows."""
    A = walk_graph(t.rng, 7, loops=0)
    walks = node_walks(t.rng, A, 4, 8)
    for w in (2, 4):
        t.expect_close(t.student(walks, 7, w), t.reference(walks, 7, w), name="walk_neighbourhoods(walks, n, w)",
                       returns="ints")


WALK_NEIGHBOURHOODS = Exercise(
    id="node_embeddings.walk_neighbourhoods",
    input_classes=("integer dtype: walks",),
    title="The neighbourhoods N_R(v) of random walks, as counts",
    notes="1.13.2.1",
    student=StudentFunction("node_embeddings", "walk_neighbourhoods"),
    reference="reference.node_embeddings:walk_neighbourhoods",
    torch_reference="reference.node_embeddings_torch:walk_neighbourhoods",
    checks=(
        Check(check_walk_neighbourhoods_worked_example, points=1),
        Check(check_walk_neighbourhoods_random_walks, points=2),
        Check(check_walk_neighbourhoods_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "window one-sided",
            "the window looks both ways: the context of position i is every j with 1 <= |i - j| <= w, before "
            "i as well as after it (C is symmetric).",
            f"{MISTAKES}:walk_neighbourhoods_one_sided",
        ),
        Mistake(
            "position counted as its own context",
            "a position is not its own context: j runs over the positions with |i - j| >= 1. A node is in its "
            "own neighbourhood only when the walk comes back to it within the window.",
            f"{MISTAKES}:walk_neighbourhoods_self_counted",
        ),
        Mistake(
            "counts taken as a set",
            "N_R(v) is a multiset: C[v, u] counts EVERY pair of positions, so a node met three times near v "
            "gives 3, not 1.",
            f"{MISTAKES}:walk_neighbourhoods_as_set",
        ),
        Mistake(
            "window one step short",
            "the window includes the positions exactly w steps away: |i - j| <= w, not < w.",
            f"{MISTAKES}:walk_neighbourhoods_window_short",
        ),
    ),
    float32=False,
    float32_reason="integers in, integers out: counting pairs has no floating-point arithmetic to do in float32",
)

# -- node_embeddings.rw_embedding_loss --------------------------------------------------------


def check_rw_embedding_loss_worked_example(t: Trial) -> None:
    """'rw_embedding_loss' gives log(e + 2) = 1.5514 and its gradient for the docstring's example, and is right with a count of 2."""
    Z = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    for C in (np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]]), np.array([[0, 2, 0], [1, 0, 0], [0, 0, 0]])):
        t.expect_close(t.student(Z, C), t.reference(Z, C), name=f"rw_embedding_loss(Z, C={C.tolist()})")


def check_rw_embedding_loss_random(t: Trial) -> None:
    """'rw_embedding_loss' is right, loss and gradient, for random embeddings (n = 6, d = 3) and counts up to 3."""
    for n, d in ((6, 3), (5, 4)):
        Z, C = embeddings(t.rng, n, d), counts(t.rng, n)
        t.expect_close(t.student(Z, C), t.reference(Z, C), name="rw_embedding_loss(Z, C)")


def check_rw_embedding_loss_stable(t: Trial) -> None:
    """'rw_embedding_loss' stays finite and right where the dot products reach about 1000 (log-sum-exp)."""
    Z, C = large_embeddings(t.rng, 5, 3), counts(t.rng, 5)
    t.expect_close(t.student(Z, C), t.reference(Z, C), name="rw_embedding_loss(Z, C) with dot products near 1000")


def check_rw_embedding_loss_hidden(t: Trial) -> None:
    """'rw_embedding_loss' is right on new embeddings and counts, small and large."""
    Z, C = embeddings(t.rng, 7, 3), counts(t.rng, 7)
    t.expect_close(t.student(Z, C), t.reference(Z, C), name="rw_embedding_loss(Z, C)")
    Z, C = large_embeddings(t.rng, 6, 3), counts(t.rng, 6)
    t.expect_close(t.student(Z, C), t.reference(Z, C), name="rw_embedding_loss(Z, C) with large dot products")


RW_EMBEDDING_LOSS = Exercise(
    id="node_embeddings.rw_embedding_loss",
    input_classes=("integer dtype: C",),
    title="The random-walk node-embedding loss and its gradient",
    notes="1.13.2.1",
    student=StudentFunction("node_embeddings", "rw_embedding_loss"),
    reference="reference.node_embeddings:rw_embedding_loss",
    torch_reference="reference.node_embeddings_torch:rw_embedding_loss",
    checks=(
        Check(check_rw_embedding_loss_worked_example, points=1),
        Check(check_rw_embedding_loss_random, points=2),
        Check(check_rw_embedding_loss_stable, points=1),
        Check(check_rw_embedding_loss_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "softmax denominator over the neighbours only",
            "the denominator sums exp(z_v . z_w) over EVERY node w of the graph (v included), not only over "
            "the nodes in N_R(v); the notes' negative sampling is another loss.",
            f"{MISTAKES}:rw_embedding_loss_denominator_neighbours_only",
        ),
        Mistake(
            "gradient missing the denominator's term",
            "the log of the denominator depends on every embedding too: its derivative with respect to "
            "z_v . z_w is the softmax probability, times how many terms of v's sum share that denominator.",
            f"{MISTAKES}:rw_embedding_loss_gradient_without_denominator",
        ),
        Mistake(
            "neighbours counted once each",
            "N_R(v) is a multiset: the term of u counts C[v, u] times, not once per distinct neighbour.",
            f"{MISTAKES}:rw_embedding_loss_counts_as_set",
        ),
        Mistake(
            "gradient through z_v only",
            "z_v . z_u depends on both embeddings: a term of v's sum also contributes to the gradient of z_u "
            "and of every z_w in the denominator, not only to that of z_v.",
            f"{MISTAKES}:rw_embedding_loss_gradient_one_side",
        ),
    ),
)

# -- node_embeddings.graph_embedding ----------------------------------------------------------


def check_graph_embedding_worked_example(t: Trial) -> None:
    """'graph_embedding' gives the docstring's mean (13/3, 16/3) by default and its sum (13, 16)."""
    Z = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    edges = np.array([[0, 2], [2, 3]])
    t.expect_close(t.student(Z, edges), t.reference(Z, edges), name="graph_embedding(Z, edges)")
    t.expect_close(t.student(Z, edges, "sum"), t.reference(Z, edges, "sum"), name="graph_embedding(Z, edges, 'sum')")


def check_graph_embedding_random(t: Trial) -> None:
    """'graph_embedding' is right for a subgraph of 5 of 9 nodes where a node has several edges, mean and sum."""
    Z, edges = embeddings(t.rng, 9, 3), subgraph_edges(t.rng, 9, 5, 5)
    for mode in ("mean", "sum"):
        t.expect_close(t.student(Z, edges, mode), t.reference(Z, edges, mode), name=f"graph_embedding(Z, edges, {mode!r})")


def check_graph_embedding_hidden(t: Trial) -> None:
    """'graph_embedding' is right for new subgraphs, mean and sum."""
    Z, edges = embeddings(t.rng, 10, 4), subgraph_edges(t.rng, 10, 6, 6)
    t.expect_close(t.student(Z, edges), t.reference(Z, edges), name="graph_embedding(Z, edges)")
    t.expect_close(t.student(Z, edges, "sum"), t.reference(Z, edges, "sum"), name="graph_embedding(Z, edges, 'sum')")


GRAPH_EMBEDDING = Exercise(
    id="node_embeddings.graph_embedding",
    input_classes=("integer dtype: edges",),
    title="A graph's embedding from its node embeddings",
    notes="1.13.2.2",
    student=StudentFunction("node_embeddings", "graph_embedding"),
    reference="reference.node_embeddings:graph_embedding",
    torch_reference="reference.node_embeddings_torch:graph_embedding",
    checks=(
        Check(check_graph_embedding_worked_example, points=1),
        Check(check_graph_embedding_random, points=2),
        Check(check_graph_embedding_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "averaged over the embedding dimension",
            "z_G pools the NODES: one row per node, averaged over the rows (axis 0), so z_G has the embedding "
            "width d.",
            f"{MISTAKES}:graph_embedding_mean_over_dimension",
        ),
        Mistake(
            "a node counted once per edge",
            "the graph's nodes are the DISTINCT endpoints of its edges: a node with three edges is pooled "
            "once, not three times.",
            f"{MISTAKES}:graph_embedding_per_edge_endpoint",
        ),
        Mistake(
            "sum where the mean is asked",
            "mode='mean' (the default) divides the sum of the node embeddings by the number of nodes of G.",
            f"{MISTAKES}:graph_embedding_sum_for_mean",
        ),
        Mistake(
            "every node of Z pooled",
            "pool only the nodes of G (the endpoints of its edges), not every row of Z.",
            f"{MISTAKES}:graph_embedding_all_nodes",
        ),
    ),
)

EXERCISES: tuple[Exercise, ...] = (RANDOM_WALK, WALK_NEIGHBOURHOODS, RW_EMBEDDING_LOSS, GRAPH_EMBEDDING)
