"""Hopfield network exercises: storage, net inputs, asynchronous updates, retrieval in a given and
in a seeded random order, energy, stability, spurious mixture states and the storage capacity.

Course notes 1.4.1 and worked example 2.3.1. States are +1/-1, ``W[j, i]`` is
the weight into unit j from unit i, and a unit whose net input is exactly 0
keeps its state (see ``exercises/hopfield.py``). Inputs discriminate the
mistakes students most often make: net inputs of exactly 0 at units in state
+1 and in state -1 (weights stored from 1, 2 or 4 memories are exact binary
fractions, so a tie is exactly 0 however the sum is taken), an update order
whose first unit has a tie, M != N and M > 1 memories (1/M, 1/N and no
normalisation differ), batches of B != N states, non-symmetric weights
(row versus column of W). Besides matching the reference, checks test the
properties the notes state on the student's own answers: the energy never
increases along a retrieval, each step changes at most one unit, retrieval
ends in a stable state, and the opposite of a stable state is stable. The
capacity experiment is graded by its shape: nearly every pattern stable for
M <= 0.05 N, few for M >= 0.3 N.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.catalog.attention import array_of_shape, of_shape
from grader.compare import tolerances_of
from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.hopfield_mistakes"

# -- inputs ----------------------------------------------------------------------------------

#: The network of example 2.3.1: w12 = -0.6, w13 = 0.6, w23 = -0.6.
EXAMPLE_W = np.array([[0.0, -0.6, 0.6], [-0.6, 0.0, -0.6], [0.6, -0.6, 0.0]])

#: The initial state of example 2.3.1 (its units 2 and 3 have net input exactly 0).
EXAMPLE_START = np.array([-1.0, -1.0, 1.0])

#: The memories of the three storage questions of example 2.3.1.
EXAMPLE_MEMORIES = (
    np.array([[1.0, -1.0, 1.0]]),
    np.array([[1.0, -1.0, 1.0], [1.0, 1.0, 1.0]]),
    np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, -1.0]]),
)


def random_patterns(rng: np.random.Generator, M: int, N: int) -> np.ndarray:
    """M random patterns of N units, entries +1 and -1 (float)."""
    return rng.choice([-1.0, 1.0], size=(M, N))


def hebbian(patterns: np.ndarray) -> np.ndarray:
    """Weights stored from patterns (1/M, zero diagonal); exact binary fractions when M is 1, 2 or 4."""
    W = patterns.T @ patterns / patterns.shape[0]
    np.fill_diagonal(W, 0.0)
    return W


def symmetric_weights(rng: np.random.Generator, N: int) -> np.ndarray:
    """A random symmetric W with a zero diagonal and normal entries: no net input is ever exactly 0."""
    A = rng.normal(size=(N, N))
    W = (A + A.T) / 2
    np.fill_diagonal(W, 0.0)
    return W


def phi(v: np.ndarray, y: np.ndarray) -> np.ndarray:
    """+1 where v > 0, -1 where v < 0, the current state where v = 0."""
    return np.where(v > 0, 1.0, np.where(v < 0, -1.0, y))


def stable(W: np.ndarray, y: np.ndarray) -> bool:
    """Whether no unit of y would change."""
    return bool(np.all(phi(W @ y, y) == y))


def energies(W: np.ndarray, states: list[np.ndarray]) -> np.ndarray:
    """``-1/2 y W y`` of each state."""
    return np.array([-0.5 * y @ W @ y for y in states])


def weights_and_stable_tie_state(rng: np.random.Generator, N: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Weights stored from 2 or 4 memories and a stable state in which some unit has net input exactly 0.

    Its opposite is then stable too, with the tie at a unit of the other sign.
    """
    grid = np.array(np.meshgrid(*[[-1.0, 1.0]] * N, indexing="ij")).reshape(N, -1).T
    while True:
        W = hebbian(random_patterns(rng, int(rng.choice([2, 4])), N))
        V = grid @ W.T
        candidates = [i for i, y in enumerate(grid) if (V[i] == 0).any() and stable(W, y)]
        if candidates:
            return W, grid[candidates[int(rng.integers(len(candidates)))]]


def tie_updates(rng: np.random.Generator, N: int = 7) -> tuple[np.ndarray, list[tuple[np.ndarray, int]]]:
    """Weights from 2 memories and (state, unit) pairs: a tie at a unit in state -1, a tie at +1, a change."""
    while True:
        W = hebbian(random_patterns(rng, 2, N))
        Y = random_patterns(rng, 12, N)
        V = Y @ W.T
        picks = []
        for wanted in (
            (V == 0) & (Y == -1),  # a tie at -1: stays -1
            (V == 0) & (Y == 1),  # a tie at +1: stays +1
            V * Y < 0,  # an unstable unit: flips
        ):
            rows, units = np.nonzero(wanted)
            if len(rows) == 0:
                break
            k = int(rng.integers(len(rows)))
            picks.append((Y[rows[k]], int(units[k])))
        if len(picks) == 3:
            return W, [picks[i] for i in rng.permutation(3)]


def tie_first_retrieval(rng: np.random.Generator, N: int = 9) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Weights from 2 memories, an unstable start near a memory, and an order whose first unit has a tie.

    The first unit visited is in state -1 with net input exactly 0: it keeps
    -1 (np.sign would give 0, a "tie gives +1" rule would flip it), and
    retrieval goes on because another unit is unstable.
    """
    while True:
        F = random_patterns(rng, 2, N)
        W = hebbian(F)
        y0 = F[0].copy()
        flips = rng.choice(N, size=int(rng.integers(2, 4)), replace=False)
        y0[flips] *= -1
        v = W @ y0
        ties = np.flatnonzero((v == 0) & (y0 == -1))
        if len(ties) == 0 or not (v * y0 < 0).any():
            continue
        first = int(rng.choice(ties))
        rest = [int(j) for j in rng.permutation(N) if j != first]
        return W, y0, [first] + rest + [int(j) for j in rng.integers(0, N, size=2)]


def visiting_order(rng: np.random.Generator, N: int, extra: int = 3) -> list[int]:
    """A shuffled order that visits every unit at least once and some twice."""
    return [int(j) for j in rng.permutation(np.concatenate([np.arange(N), rng.integers(0, N, size=extra)]))]


def unstable_start(rng: np.random.Generator, W: np.ndarray) -> np.ndarray:
    """A random state that is not stable."""
    while True:
        y = rng.choice([-1.0, 1.0], size=W.shape[0])
        if not stable(W, y):
            return y


# -- helpers on the student's answers -------------------------------------------------------------


def _trajectory(t: Trial, got: Any, N: int, call: str) -> list[np.ndarray]:
    """The student's trajectory as a list of +1/-1 arrays of shape (N,); stops the check otherwise."""
    if not isinstance(got, (list, tuple)) or len(got) == 0:
        kind = "nothing" if got is None else f"a {type(got).__name__}"
        t.fail(f"'{call}' should return a non-empty list of states--got: {kind}")
    states = [array_of_shape(state, (N,)) for state in got]
    if any(state is None for state in states):
        t.fail(f"'{call}' should return a list of states, each an array{of_shape(t, (N,))} of finite numbers")
    if any(not np.isin(state, (-1.0, 1.0)).all() for state in states):
        t.fail(f"'{call}' returned a state with an entry other than +1 or -1")
    return states


def _expect_retrieval_properties(
    t: Trial, got: Any, W: np.ndarray, y0: np.ndarray, call: str, *, with_value: bool
) -> None:
    """Four expectations on the student's own trajectory: start, one unit per step, energy, stable end.

    A trajectory made up to have them (y0, then a stable state) computes nothing: they score only
    beside the right trajectory (``with_value``).
    """
    if not with_value:
        for _ in range(4):
            t.expect(False, "", with_value=False)
        return
    states = _trajectory(t, got, W.shape[0], call)
    t.expect(np.array_equal(states[0], y0), f"'{call}' should start its trajectory with the initial state y0")
    changes = [int(np.sum(after != before)) for before, after in zip(states, states[1:])]
    many = [k + 1 for k, n in enumerate(changes) if n > 1]
    t.expect(
        not many,
        f"'{call}' changed more than one unit in step {many[0] if many else 0}: an asynchronous update "
        "changes at most one unit per step",
    )
    E = energies(W, states)
    rises = [k + 1 for k in range(len(E) - 1) if E[k + 1] > E[k] + 1e-9]
    t.expect(not rises, f"'{call}': the energy of your trajectory rises in step {rises[0] if rises else 0}; "
                        "an update of phi never raises E = -1/2 y^T W y")
    t.expect(stable(W, states[-1]), f"'{call}' should end in a stable state: the last state of your "
                                   "trajectory still has a unit that would change")


# -- hopfield.store ----------------------------------------------------------------------------


def check_store_worked_examples(t: Trial) -> None:
    """'store' reproduces the three storage questions of example 2.3.1 (M = 1 and M = 2 memories of 3 units)."""
    for patterns in EXAMPLE_MEMORIES:
        shown = patterns.astype(int).tolist()
        t.expect_close(t.student(patterns), t.reference(patterns), name=f"store({shown})")


def check_store_random_memories(t: Trial) -> None:
    """'store' of 3 memories of 7 units and 4 memories of 5 units (M != N)."""
    for M, N in ((3, 7), (4, 5)):
        patterns = random_patterns(t.rng, M, N)
        t.expect_close(t.student(patterns), t.reference(patterns), name=f"store(patterns) for M = {M}, N = {N}")


def check_store_hidden(t: Trial) -> None:
    """'store' is right for new memories."""
    for M, N in ((5, 9), (2, 12), (6, 4)):
        patterns = random_patterns(t.rng, M, N)
        t.expect_close(t.student(patterns), t.reference(patterns), name="store(patterns)")


STORE = Exercise(
    id="hopfield.store",
    input_classes=(),
    title="Hebbian storage of fundamental memories",
    notes="1.4.1.2, example 2.3.1 (storage phase)",
    student=StudentFunction("hopfield", "store"),
    reference="reference.hopfield:store",
    torch_reference="reference.hopfield_torch:store",
    checks=(
        Check(check_store_worked_examples, points=1),
        Check(check_store_random_memories, points=1),
        Check(check_store_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "diagonal kept",
            "'store' kept the diagonal: w_ii should be 0 (no unit is connected to itself); "
            "np.fill_diagonal(W, 0) after the sum.",
            f"{MISTAKES}:store_diagonal_kept",
        ),
        Mistake(
            "1/N instead of 1/M",
            "the sum over the memories is divided by M, the number of memories (patterns.shape[0]), "
            "not by N, the number of units.",
            f"{MISTAKES}:store_one_over_n",
        ),
        Mistake(
            "no normalisation",
            "w_ji = (1/M) sum_k f_k(i) f_k(j): divide the sum over the M memories by M.",
            f"{MISTAKES}:store_unnormalised",
        ),
        Mistake(
            "memories multiplied instead of units",
            "with the memories in the rows of F (M, N), the sum over k of f_k(i) f_k(j) is F.T @ F (N, N); "
            "F @ F.T (M, M) multiplies whole memories.",
            f"{MISTAKES}:store_rows_multiplied",
        ),
    ),
)

# -- hopfield.net_inputs ---------------------------------------------------------------------------


def check_net_inputs_stored_weights(t: Trial) -> None:
    """'net_inputs' for 4 states of 5 units with weights stored from 2 memories; the result is (4, 5)."""
    W = hebbian(random_patterns(t.rng, 2, 5))
    Y = random_patterns(t.rng, 4, 5)
    t.expect_close(t.student(W, Y), t.reference(W, Y), name="net_inputs(W, Y) for Y of shape (4, 5)")


def check_net_inputs_non_symmetric(t: Trial) -> None:
    """'net_inputs' takes row j of W as the weights INTO unit j (W not symmetric, 3 states of 4 units)."""
    W = t.rng.normal(size=(4, 4))
    np.fill_diagonal(W, 0.0)
    Y = random_patterns(t.rng, 3, 4)
    t.expect_close(t.student(W, Y), t.reference(W, Y), name="net_inputs(W, Y) for a non-symmetric W")


def check_net_inputs_hidden(t: Trial) -> None:
    """'net_inputs' is right for new weights and states."""
    W = hebbian(random_patterns(t.rng, 3, 6))
    Y = random_patterns(t.rng, 5, 6)
    t.expect_close(t.student(W, Y), t.reference(W, Y), name="net_inputs(W, Y)")
    W = t.rng.normal(size=(5, 5))
    Y = random_patterns(t.rng, 2, 5)
    t.expect_close(t.student(W, Y), t.reference(W, Y), name="net_inputs(W, Y)")


NET_INPUTS = Exercise(
    id="hopfield.net_inputs",
    input_classes=("non-symmetric matrix: W",),
    title="Net inputs of a batch of states",
    notes="1.4.1.1",
    student=StudentFunction("hopfield", "net_inputs"),
    reference="reference.hopfield:net_inputs",
    torch_reference="reference.hopfield_torch:net_inputs",
    checks=(
        Check(check_net_inputs_stored_weights, points=1),
        Check(check_net_inputs_non_symmetric, points=1),
        Check(check_net_inputs_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "W transposed",
            "v_j = sum_i w_ji y_i uses ROW j of W (the weights into unit j): for states in rows that is "
            "Y @ W.T. Y @ W uses the columns, which differ when W is not symmetric.",
            f"{MISTAKES}:net_inputs_transposed",
        ),
        Mistake(
            "units in rows",
            "return one row per state, shape (B, N): Y @ W.T, not W @ Y.T (N, B).",
            f"{MISTAKES}:net_inputs_units_by_states",
        ),
        Mistake(
            "new states instead of net inputs",
            "return the net inputs v themselves, before the activation phi.",
            f"{MISTAKES}:net_inputs_new_states",
        ),
    ),
)

# -- hopfield.update_unit --------------------------------------------------------------------------


def check_update_unit_worked_example(t: Trial) -> None:
    """'update_unit' on the state [-1, -1, 1] of example 2.3.1: unit 0 flips, units 1 and 2 have net input 0."""
    # one comparison of the three states: the input echoed is right for the two units that keep their state
    t.expect_close(
        [t.student(EXAMPLE_W, EXAMPLE_START, j) for j in range(3)],
        [t.reference(EXAMPLE_W, EXAMPLE_START, j) for j in range(3)],
        name="[update_unit(W, [-1, -1, 1], j) for j in (0, 1, 2)]",
    )


def check_update_unit_ties(t: Trial) -> None:
    """'update_unit' keeps the state of a unit whose net input is 0 (at -1 and at +1), 7 units."""
    W, cases = tie_updates(t.rng)
    # one comparison: the input echoed is right wherever a unit keeps its state
    t.expect_close(
        [t.student(W, y, j) for y, j in cases],
        [t.reference(W, y, j) for y, j in cases],
        name=f"[update_unit(W, y, j) for j in {[j for _, j in cases]}]",
    )


def check_update_unit_hidden(t: Trial) -> None:
    """'update_unit' is right on new weights, states and units, some with net input 0."""
    W, cases = tie_updates(t.rng, N=9)
    W2 = symmetric_weights(t.rng, 6)
    y2 = unstable_start(t.rng, W2)
    cases = cases + [(y2, int(j)) for j in t.rng.choice(6, size=2, replace=False)]
    calls = [(W, y, j) for y, j in cases[:3]] + [(W2, y, j) for y, j in cases[3:]]
    # one comparison: the input echoed is right wherever a unit keeps its state
    t.expect_close([t.student(*call) for call in calls], [t.reference(*call) for call in calls], name="update_unit(W, y, j)")


UPDATE_UNIT = Exercise(
    id="hopfield.update_unit",
    input_classes=("on the boundary: W[j] @ y",),
    title="One asynchronous update",
    notes="1.4.1, 1.4.1.1, example 2.3.1",
    student=StudentFunction("hopfield", "update_unit"),
    reference="reference.hopfield:update_unit",
    torch_reference="reference.hopfield_torch:update_unit",
    checks=(
        Check(check_update_unit_worked_example, points=1),
        Check(check_update_unit_ties, points=1),
        Check(check_update_unit_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "np.sign",
            "np.sign(0) is 0, but a unit whose net input is 0 keeps its state (notes 1.4.1.1): "
            "+1 if v > 0, -1 if v < 0, y_j if v == 0.",
            f"{MISTAKES}:update_unit_np_sign",
        ),
        Mistake(
            "tie gives +1",
            "a net input of exactly 0 keeps the unit's current state; it does not make it +1 (v >= 0).",
            f"{MISTAKES}:update_unit_tie_positive",
        ),
        Mistake(
            "tie gives -1",
            "a net input of exactly 0 keeps the unit's current state; -1 at 0 is the perceptron's rule, "
            "not the Hopfield unit's.",
            f"{MISTAKES}:update_unit_tie_negative",
        ),
        Mistake(
            "synchronous update",
            "an asynchronous update changes only unit j; every other unit keeps its state.",
            f"{MISTAKES}:update_unit_synchronous",
        ),
    ),
)

# -- hopfield.retrieve ------------------------------------------------------------------------------


def check_retrieve_worked_example(t: Trial) -> None:
    """'retrieve' from [-1, -1, 1] (example 2.3.1) reaches [1, -1, 1] in the orders [0, 1, 2] and [1, 2, 0]."""
    for order in ([0, 1, 2], [1, 2, 0]):
        got = t.student(EXAMPLE_W, EXAMPLE_START, order)
        t.expect_close(got, t.reference(EXAMPLE_W, EXAMPLE_START, order), name=f"retrieve(W, [-1, -1, 1], {order})")


def check_retrieve_tie_first(t: Trial) -> None:
    """'retrieve' near a stored memory (2 memories, 9 units); the first unit visited has net input 0."""
    W, y0, order = tie_first_retrieval(t.rng)
    got = t.student(W, y0, order)
    value = t.expect_close(got, t.reference(W, y0, order), name="retrieve(W, y0, order)")
    _expect_retrieval_properties(t, got, W, y0, "retrieve(W, y0, order)", with_value=value)


def check_retrieve_energy_never_increases(t: Trial) -> None:
    """'retrieve' with symmetric random weights (10 units): one unit per step, energy never rises, stable end."""
    W = symmetric_weights(t.rng, 10)
    y0, order = unstable_start(t.rng, W), visiting_order(t.rng, 10)
    got = t.student(W, y0, order)
    value = t.expect_close(got, t.reference(W, y0, order), name="retrieve(W, y0, order)")
    _expect_retrieval_properties(t, got, W, y0, "retrieve(W, y0, order)", with_value=value)


def check_retrieve_hidden(t: Trial) -> None:
    """'retrieve' is right on new networks, starts and orders, with the properties of a retrieval."""
    W, y0, order = tie_first_retrieval(t.rng, N=11)
    got = t.student(W, y0, order)
    value = t.expect_close(got, t.reference(W, y0, order), name="retrieve(W, y0, order)")
    _expect_retrieval_properties(t, got, W, y0, "retrieve(W, y0, order)", with_value=value)
    W = symmetric_weights(t.rng, 12)
    y0, order = unstable_start(t.rng, W), visiting_order(t.rng, 12, extra=5)
    got = t.student(W, y0, order)
    value = t.expect_close(got, t.reference(W, y0, order), name="retrieve(W, y0, order)")
    _expect_retrieval_properties(t, got, W, y0, "retrieve(W, y0, order)", with_value=value)


RETRIEVE = Exercise(
    id="hopfield.retrieve",
    input_classes=("on the boundary: W @ y0", "list input: order"),
    title="Retrieval with an explicit update order",
    notes="1.4.1 (withdrawal phase), 1.4.1.3, example 2.3.1",
    student=StudentFunction("hopfield", "retrieve"),
    reference="reference.hopfield:retrieve",
    torch_reference="reference.hopfield_torch:retrieve",
    checks=(
        Check(check_retrieve_worked_example, points=1),
        Check(check_retrieve_tie_first, points=1),
        Check(check_retrieve_energy_never_increases, points=1),
        Check(check_retrieve_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "state aliased in the trajectory",
            "every entry of your trajectory is the final state: you update one array in place and append "
            "that same array each step. Append a copy (y = y.copy() before changing it, or y.copy() in the list).",
            f"{MISTAKES}:retrieve_aliased",
        ),
        Mistake(
            "np.sign",
            "np.sign(0) is 0, but a unit whose net input is 0 keeps its state: +1 if v > 0, -1 if v < 0, "
            "y_j if v == 0 (in the update and in the stability test).",
            f"{MISTAKES}:retrieve_np_sign",
        ),
        Mistake(
            "tie gives +1",
            "a net input of exactly 0 keeps the unit's state; it does not make it +1.",
            f"{MISTAKES}:retrieve_tie_positive",
        ),
        Mistake(
            "synchronous update",
            "each step updates ONE unit, the next one in the order (asynchronous); updating every unit at "
            "once from the old state is a synchronous network, which can oscillate.",
            f"{MISTAKES}:retrieve_synchronous",
        ),
        Mistake(
            "stopped at the first unchanged unit",
            "one unit that keeps its state does not make the state stable: go on until NO unit would change "
            "(test every unit's net input before each update).",
            f"{MISTAKES}:retrieve_stops_when_unchanged",
        ),
    ),
)

# -- hopfield.retrieve_random ------------------------------------------------------------------------


def _first_visit(seed: int, N: int) -> int:
    """The first unit ``retrieve_random`` visits for this seed (the documented order)."""
    return int(np.random.default_rng(seed).permutation(N)[0])


def tie_first_random_start(rng: np.random.Generator, W: np.ndarray) -> tuple[np.ndarray, int] | None:
    """An unstable start and a seed whose first visited unit has net input exactly 0 (None if W has no ties)."""
    N = W.shape[0]
    for _ in range(50):
        y0 = unstable_start(rng, W)
        ties = np.flatnonzero(W @ y0 == 0)
        if len(ties) == 0:
            continue
        while True:
            seed = int(rng.integers(0, 2**31))
            if _first_visit(seed, N) in ties:
                return y0, seed
    return None


def stored_weights_and_tie_starts(
    rng: np.random.Generator, M: int, N: int, count: int
) -> tuple[np.ndarray, list[tuple[np.ndarray, int]]]:
    """Weights stored from M memories and ``count`` (start, seed) pairs of :func:`tie_first_random_start`."""
    while True:
        W = hebbian(random_patterns(rng, M, N))
        starts = [tie_first_random_start(rng, W) for _ in range(count)]
        if all(start is not None for start in starts):
            return W, starts


def long_random_start(t: Trial, W: np.ndarray) -> tuple[np.ndarray, int]:
    """An unstable start and a seed for which retrieval needs more than one sweep (more than N updates).

    The candidates come from ``t.rng`` only, so the reference calls that pick
    one depend on nothing the student returned.
    """
    N = W.shape[0]
    while True:
        y0, seed = unstable_start(t.rng, W), int(t.rng.integers(0, 2**31))
        if len(t.reference(W, y0, seed)) > N + 1:
            return y0, seed


def _expect_random_retrieval(t: Trial, W: np.ndarray, y0: np.ndarray, seed: int, *, properties: bool) -> None:
    call = "retrieve_random(W, y0, seed)" if t.hidden else f"retrieve_random(W, y0, seed={seed})"
    got = t.student(W, y0, seed)
    value = t.expect_close(got, t.reference(W, y0, seed), name=call)
    if properties:
        _expect_retrieval_properties(t, got, W, y0, call, with_value=value)


def check_retrieve_random_stored_memories(t: Trial) -> None:
    """'retrieve_random' with weights stored from 2 memories of 8 units; the first unit visited has net input 0."""
    W, starts = stored_weights_and_tie_starts(t.rng, 2, 8, 3)
    for y0, seed in starts:
        _expect_random_retrieval(t, W, y0, seed, properties=False)


def check_retrieve_random_symmetric_weights(t: Trial) -> None:
    """'retrieve_random' over several sweeps, symmetric random weights (10 units): energy never rises, stable end."""
    W = symmetric_weights(t.rng, 10)
    for _ in range(2):
        y0, seed = long_random_start(t, W)
        _expect_random_retrieval(t, W, y0, seed, properties=True)


def check_retrieve_random_hidden(t: Trial) -> None:
    """'retrieve_random' is right on new networks, starts and seeds."""
    W, [(y0, seed)] = stored_weights_and_tie_starts(t.rng, 4, 9, 1)
    _expect_random_retrieval(t, W, y0, seed, properties=True)
    W = symmetric_weights(t.rng, 11)
    y0, seed = long_random_start(t, W)
    _expect_random_retrieval(t, W, y0, seed, properties=True)
    y0, seed = unstable_start(t.rng, W), int(t.rng.integers(0, 2**31))
    _expect_random_retrieval(t, W, y0, seed, properties=True)


RETRIEVE_RANDOM = Exercise(
    id="hopfield.retrieve_random",
    input_classes=("on the boundary: W @ y0",),
    title="Retrieval in a seeded random order",
    notes="1.4.1 (units chosen at random), 1.4.1.1",
    student=StudentFunction("hopfield", "retrieve_random"),
    reference="reference.hopfield:retrieve_random",
    torch_reference="reference.hopfield_torch:retrieve_random",
    checks=(
        Check(check_retrieve_random_stored_memories, points=1),
        Check(check_retrieve_random_symmetric_weights, points=1),
        Check(check_retrieve_random_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "one permutation for every sweep",
            "draw a NEW permutation for each sweep from the same generator: rng = np.random.default_rng(seed) "
            "once, then rng.permutation(N) at the start of every sweep.",
            f"{MISTAKES}:retrieve_random_one_permutation",
        ),
        Mistake(
            "units drawn with replacement",
            "a sweep visits every unit once, in the order rng.permutation(N); rng.integers draws units with "
            "replacement, so some repeat and some are skipped.",
            f"{MISTAKES}:retrieve_random_with_replacement",
        ),
        Mistake(
            "legacy generator",
            "draw the order from np.random.default_rng(seed) (a Generator); np.random.seed and "
            "np.random.permutation use the legacy generator, whose permutations differ.",
            f"{MISTAKES}:retrieve_random_legacy_seed",
        ),
        Mistake(
            "np.sign",
            "np.sign(0) is 0, but a unit whose net input is 0 keeps its state: +1 if v > 0, -1 if v < 0, "
            "y_j if v == 0.",
            f"{MISTAKES}:retrieve_random_np_sign",
        ),
    ),
)

# -- hopfield.energy ----------------------------------------------------------------------------------

#: The 8 states of 3 units.
ALL_STATES_OF_3 = np.array(np.meshgrid([-1.0, 1.0], [-1.0, 1.0], [-1.0, 1.0], indexing="ij")).reshape(3, -1).T


def check_energy_worked_example(t: Trial) -> None:
    """'energy' of the 8 states of the network of example 2.3.1 (a batch of 8 states of 3 units)."""
    t.expect_close(
        t.student(EXAMPLE_W, ALL_STATES_OF_3), t.reference(EXAMPLE_W, ALL_STATES_OF_3), name="energy(W, Y)"
    )


def check_energy_batch_of_four(t: Trial) -> None:
    """'energy' of 4 states of 6 units, weights stored from 3 memories: one energy per state, shape (4,)."""
    W = hebbian(random_patterns(t.rng, 3, 6))
    Y = random_patterns(t.rng, 4, 6)
    t.expect_close(t.student(W, Y), t.reference(W, Y), name="energy(W, Y) for Y of shape (4, 6)")


def check_energy_hidden(t: Trial) -> None:
    """'energy' is right on new networks and batches."""
    W = symmetric_weights(t.rng, 7)
    Y = random_patterns(t.rng, 5, 7)
    t.expect_close(t.student(W, Y), t.reference(W, Y), name="energy(W, Y)")
    W = hebbian(random_patterns(t.rng, 4, 8))
    Y = random_patterns(t.rng, 3, 8)
    t.expect_close(t.student(W, Y), t.reference(W, Y), name="energy(W, Y)")


ENERGY = Exercise(
    id="hopfield.energy",
    input_classes=(),
    title="The energy of a Hopfield network",
    notes="1.4.1.3",
    student=StudentFunction("hopfield", "energy"),
    reference="reference.hopfield:energy",
    torch_reference="reference.hopfield_torch:energy",
    checks=(
        Check(check_energy_worked_example, points=1),
        Check(check_energy_batch_of_four, points=1),
        Check(check_energy_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "energy without the 1/2",
            "E = -1/2 sum_i sum_j w_ij y_i y_j: the double sum counts every pair twice, and the 1/2 halves it.",
            f"{MISTAKES}:energy_without_half",
        ),
        Mistake(
            "sign of the energy flipped",
            "E has a minus sign, E = -1/2 y^T W y, so that agreeing units lower the energy (one line of the "
            "notes' proof drops it; the definition has it).",
            f"{MISTAKES}:energy_sign_flipped",
        ),
        Mistake(
            "summed over the batch",
            "return one energy per state, shape (B,): sum over the units i and j, not over the states.",
            f"{MISTAKES}:energy_summed_over_batch",
        ),
        Mistake(
            "Y W Y^T instead of its diagonal",
            "Y @ W @ Y.T is a (B, B) matrix whose entry (a, b) pairs state a with state b; each state's "
            "energy is only the diagonal: -0.5 * np.sum((Y @ W) * Y, axis=1).",
            f"{MISTAKES}:energy_full_matrix",
        ),
    ),
)

# -- hopfield.is_stable --------------------------------------------------------------------------------


def _expect_stability(t: Trial, W: np.ndarray, states: list[np.ndarray], *, also: tuple | None = None) -> None:
    """One expectation, met when every state's answer is right (one comparison: a constant answer is
    right for some states) and each opposite has the same answer as its state (the student's own).

    Judged together: a guess of two to four booleans is right by chance, and so, half the time, is each
    opposite's answer beside its state's.
    """
    cases = [(W, y) for y in states] + ([(also[0], y) for y in also[1]] if also else [])
    got = [t.student(M, y) for M, y in cases]
    got_opposite = [t.student(M, -y) for M, y in cases]
    with t.all_or_nothing():
        value = t.expect_close(got, [t.reference(M, y) for M, y in cases], name=f"is_stable(W, y) for {len(cases)} states",
                               returns=("bool",) * len(cases))
        t.expect(
            all(isinstance(a, (bool, int)) for a in got + got_opposite)
            and all(bool(a) == bool(b) for a, b in zip(got, got_opposite)),
            "'is_stable(W, -y)' should equal 'is_stable(W, y)': the opposite of a stable state is stable "
            "(and of an unstable one unstable)",
            with_value=value,
        )


def check_is_stable_worked_example(t: Trial) -> None:
    """'is_stable' for the network of example 2.3.1: [1, -1, 1] and [-1, 1, -1] are stable, [-1, -1, 1] is not."""
    states = [np.array(y) for y in ([1.0, -1.0, 1.0], [-1.0, 1.0, -1.0], [-1.0, -1.0, 1.0])]
    # one comparison of the three answers: a constant answer is right for two of them
    t.expect_close(
        [t.student(EXAMPLE_W, y) for y in states],
        [t.reference(EXAMPLE_W, y) for y in states],
        name="[is_stable(W, y) for y in ([1, -1, 1], [-1, 1, -1], [-1, -1, 1])]",
    )


def check_is_stable_ties_and_opposites(t: Trial) -> None:
    """'is_stable' for a stable state with a net input of 0, its opposite, and an unstable state (7 units)."""
    W, y = weights_and_stable_tie_state(t.rng)
    _expect_stability(t, W, [y, unstable_start(t.rng, W)])


def check_is_stable_spurious_mixtures(t: Trial) -> None:
    """'is_stable' for the stored memories and mixtures sign(f_a + f_b + f_c) of 4 memories of 40 units."""
    F = random_patterns(t.rng, 4, 40)
    W = hebbian(F)
    states = [F[0], F[1], np.sign(F[0] + F[1] + F[2]), np.sign(F[1] + F[2] + F[3])]
    _expect_stability(t, W, states)


def check_is_stable_hidden(t: Trial) -> None:
    """'is_stable' is right on new states, some with net inputs of 0, and their opposites."""
    W, y = weights_and_stable_tie_state(t.rng, N=8)
    F = random_patterns(t.rng, 4, 50)
    # one set of states: the memories and mixtures alone may all be stable, which a constant True would match
    _expect_stability(t, W, [y, unstable_start(t.rng, W)], also=(hebbian(F), [F[2], np.sign(F[0] + F[2] + F[3])]))


IS_STABLE = Exercise(
    id="hopfield.is_stable",
    input_classes=("on the boundary: W @ y",),
    title="Stable states, their opposites and spurious mixtures",
    notes="1.4.1.1, 1.4.1.4 (spurious states), example 2.3.1",
    student=StudentFunction("hopfield", "is_stable"),
    reference="reference.hopfield:is_stable",
    torch_reference="reference.hopfield_torch:is_stable",
    checks=(
        Check(check_is_stable_worked_example, points=1),
        Check(check_is_stable_ties_and_opposites, points=1),
        Check(check_is_stable_spurious_mixtures, points=1),
        Check(check_is_stable_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "np.sign",
            "np.sign(0) is 0, which never equals y_j, but a unit whose net input is 0 keeps its state: "
            "such a unit is stable.",
            f"{MISTAKES}:is_stable_np_sign",
        ),
        Mistake(
            "tie gives +1",
            "a unit in state -1 whose net input is 0 keeps -1, so it is stable; a net input of 0 does not "
            "ask for +1.",
            f"{MISTAKES}:is_stable_tie_positive",
        ),
        Mistake(
            "tie gives -1",
            "a unit in state +1 whose net input is 0 keeps +1, so it is stable; -1 at 0 is the perceptron's "
            "rule, not the Hopfield unit's.",
            f"{MISTAKES}:is_stable_tie_negative",
        ),
    ),
)

# -- hopfield.mixture_states ------------------------------------------------------------------------


def check_mixture_states_three_and_four_memories(t: Trial) -> None:
    """'mixture_states' of 3 memories (one mixture) and of 4 memories (four mixtures) of 8 units."""
    for M in (3, 4):
        F = random_patterns(t.rng, M, 8)
        t.expect_close(t.student(F), t.reference(F), name=f"mixture_states(patterns) for {M} memories")


def check_mixture_states_five_memories(t: Trial) -> None:
    """'mixture_states' of 5 memories of 6 units: 10 mixtures in itertools.combinations order."""
    F = random_patterns(t.rng, 5, 6)
    t.expect_close(t.student(F), t.reference(F), name="mixture_states(patterns) for 5 memories")


def check_mixture_states_hidden(t: Trial) -> None:
    """'mixture_states' is right for new memories."""
    for M, N in ((6, 5), (3, 11)):
        F = random_patterns(t.rng, M, N)
        t.expect_close(t.student(F), t.reference(F), name="mixture_states(patterns)")


MIXTURE_STATES = Exercise(
    id="hopfield.mixture_states",
    input_classes=(),
    title="Spurious states: mixtures of three memories",
    notes="1.4.1.4 (spurious states)",
    student=StudentFunction("hopfield", "mixture_states"),
    reference="reference.hopfield:mixture_states",
    torch_reference="reference.hopfield_torch:mixture_states",
    checks=(
        Check(check_mixture_states_three_and_four_memories, points=1),
        Check(check_mixture_states_five_memories, points=1),
        Check(check_mixture_states_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "sign not taken",
            "a mixture state is a STATE of +1 and -1: take np.sign of f_a + f_b + f_c (an odd sum, never 0).",
            f"{MISTAKES}:mixture_states_no_sign",
        ),
        Mistake(
            "every ordering of a triple",
            "each set of three memories gives one mixture: loop over itertools.combinations(range(M), 3) "
            "(a < b < c), not permutations.",
            f"{MISTAKES}:mixture_states_permutations",
        ),
        Mistake(
            "memories repeated",
            "a mixture uses three DIFFERENT memories a < b < c; combinations_with_replacement adds "
            "sign(3 f_a) = f_a and sign(2 f_a + f_b) = f_a, which are memories, not mixtures.",
            f"{MISTAKES}:mixture_states_with_replacement",
        ),
    ),
)

# -- hopfield.capacity ------------------------------------------------------------------------------


def _fractions(t: Trial, got: Any, Ms: list[int], call: str) -> np.ndarray:
    """The student's fractions as a float array of shape (len(Ms),); stops the check otherwise."""
    fractions = array_of_shape(got, (len(Ms),))
    if fractions is None:
        t.fail(f"'{call}' should return one finite fraction per M{of_shape(t, (len(Ms),))}")
    return fractions


def _expect_capacity_shape(t: Trial, N: int, Ms: list[int], patterns: np.ndarray) -> None:
    """Four expectations on the student's curve: its values (within 0.2), then fractions of M
    patterns, near 1 for small M/N, low for large. A curve made up to have that shape computes nothing: the shape scores only beside
    the right values."""
    call = f"capacity(N={N}, Ms, patterns)"
    fractions = _fractions(t, t.student(N, Ms, patterns), Ms, call)
    expected = np.asarray(t.reference(N, Ms, patterns), dtype=float)
    # within 0.2 of the reference: patterns with net inputs of exactly 0 sit on the edge of stability and may
    # go either way in float32, but a curve made up without storing anything is far off in the middle
    off = [M for M, f, e in zip(Ms, fractions, expected) if abs(f - e) > 0.2]
    value = t.expect(
        not off,
        f"'{call}': your fraction for M = {off[0] if off else 0} is far (more than 0.2) from the fraction "
        "of the stored patterns that are stable",
    )
    if not value:
        for _ in range(3):
            t.expect(False, "", with_value=False)
        return
    # a whole number of patterns to the fractions' own precision (k/M in float32 is k/M to about 6e-8)
    counts = fractions * np.array(Ms)
    t.expect(
        bool(np.all((fractions >= 0) & (fractions <= 1)) and np.allclose(counts, np.round(counts), **tolerances_of(fractions))),
        f"'{call}' should return fractions of the M stored patterns: numbers between 0 and 1 that are a "
        "whole number of patterns divided by M",
    )
    small = [k for k, M in enumerate(Ms) if M <= 0.05 * N]
    low = [Ms[k] for k in small if fractions[k] < 0.9]
    t.expect(
        not low,
        f"'{call}': with few memories (M <= 0.05 N) nearly every stored pattern should be stable, "
        f"but your fraction for M = {low[0] if low else 0} is below 0.9",
    )
    large = [k for k, M in enumerate(Ms) if M >= 0.3 * N]
    high = [Ms[k] for k in large if fractions[k] > (0.1 if Ms[k] >= 0.5 * N else 0.35)]
    t.expect(
        not high,
        f"'{call}': well above the capacity of about 0.14 N few stored patterns stay stable, but your "
        f"fraction for M = {high[0] if high else 0} is too high (the limits are 0.35 at M >= 0.3 N and "
        "0.1 at M >= 0.5 N)",
    )


def check_capacity_small_network(t: Trial) -> None:
    """'capacity' of a network of 16 units for M = 1, 2, 4 and 8 stored patterns."""
    N, Ms = 16, [1, 2, 4, 8]
    patterns = random_patterns(t.rng, 8, N)
    t.expect_close(t.student(N, Ms, patterns), t.reference(N, Ms, patterns), name="capacity(16, [1, 2, 4, 8], patterns)")


def check_capacity_curve(t: Trial) -> None:
    """'capacity' of 120 units: nearly all stable up to M = 6, few at M = 36 and 60."""
    # As large as the hidden check's network, so that a self-check shows what grading costs.
    N, Ms = 120, [3, 6, 12, 17, 24, 36, 60]
    _expect_capacity_shape(t, N, Ms, random_patterns(t.rng, max(Ms), N))


def check_capacity_hidden(t: Trial) -> None:
    """'capacity' of 120 units: nearly all stable for small M/N, few beyond 0.3 N."""
    N, Ms = 120, [3, 6, 12, 17, 24, 36, 60]
    _expect_capacity_shape(t, N, Ms, random_patterns(t.rng, max(Ms), N))


CAPACITY = Exercise(
    id="hopfield.capacity",
    input_classes=("list input: Ms",),
    title="Storage capacity: stable patterns as M/N grows",
    notes="1.4.1.4 (capacity about 0.14 N)",
    student=StudentFunction("hopfield", "capacity"),
    reference="reference.hopfield:capacity",
    torch_reference="reference.hopfield_torch:capacity",
    # From measurement (bench/bench_limits.py, tests/limits_measured.json): a correct solution in Python loops
    # takes 1.3 to 1.5 s of CPU on the hidden input here, and one written elsewhere 2.2 s; three times the
    # larger, in whole seconds. The wall-clock limit leaves room for a machine with a load average of 7.
    limits={"cpu_seconds": 7.0, "wall_seconds": 30.0},
    checks=(
        Check(check_capacity_small_network, points=1),
        Check(check_capacity_curve, points=2),
        Check(check_capacity_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "diagonal kept",
            "with w_ii = 1 every unit props up its own state, so patterns look stable far beyond the "
            "capacity: store with a zero diagonal.",
            f"{MISTAKES}:capacity_diagonal_kept",
        ),
        Mistake(
            "fraction of units instead of patterns",
            "a pattern counts as stable only if EVERY one of its units keeps its state; count whole stable "
            "patterns and divide by M.",
            f"{MISTAKES}:capacity_fraction_of_units",
        ),
        Mistake(
            "all patterns stored",
            "for each M store only the first M patterns, patterns[:M], and test those M.",
            f"{MISTAKES}:capacity_all_stored",
        ),
        Mistake(
            "count instead of fraction",
            "return the FRACTION of the M stored patterns that are stable: the count divided by M.",
            f"{MISTAKES}:capacity_count",
        ),
    ),
)

EXERCISES: tuple[Exercise, ...] = (
    STORE,
    NET_INPUTS,
    UPDATE_UNIT,
    RETRIEVE,
    RETRIEVE_RANDOM,
    ENERGY,
    IS_STABLE,
    MIXTURE_STATES,
    CAPACITY,
)
