"""Known mistakes in the Hopfield exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/hopfield.py`` name them with a hint. A
variant whose rule can keep a network from settling (a synchronous update
can cycle between two states) stops after :data:`MAX_UPDATES` updates, so
that grading it ends.
"""

from __future__ import annotations

from itertools import combinations, combinations_with_replacement, permutations
from typing import Callable, Iterator

import numpy as np

from reference.hopfield import activation, is_stable, random_order, store, update_unit

MAX_UPDATES = 500

Rule = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""A unit's new state from its net input and its current state."""


def _np_sign(v, y):
    return np.sign(v)


def _tie_positive(v, y):
    return np.where(v >= 0, 1.0, -1.0)


def _tie_negative(v, y):
    return np.where(v > 0, 1.0, -1.0)


# -- store ------------------------------------------------------------------------------


def store_diagonal_kept(patterns):
    """Keeps the diagonal: ``w_jj = (1/M) sum_k f_k(j)^2 = 1`` instead of 0."""
    F = np.asarray(patterns, dtype=float)
    return F.T @ F / F.shape[0]


def store_one_over_n(patterns):
    """Divides by the number of units N instead of the number of memories M."""
    F = np.asarray(patterns, dtype=float)
    W = F.T @ F / F.shape[1]
    np.fill_diagonal(W, 0.0)
    return W


def store_unnormalised(patterns):
    """Sums the products over the memories without dividing by M."""
    F = np.asarray(patterns, dtype=float)
    W = F.T @ F
    np.fill_diagonal(W, 0.0)
    return W


def store_rows_multiplied(patterns):
    """``F F^T / M``: products of whole memories (M, M) instead of units (N, N)."""
    F = np.asarray(patterns, dtype=float)
    W = F @ F.T / F.shape[0]
    np.fill_diagonal(W, 0.0)
    return W


# -- net_inputs ---------------------------------------------------------------------------


def net_inputs_transposed(W, Y):
    """``Y W``: column j of W (the weights out of unit j) instead of row j (the weights into it)."""
    return np.asarray(Y, dtype=float) @ np.asarray(W, dtype=float)


def net_inputs_units_by_states(W, Y):
    """``W Y^T``: the net inputs with units in rows and states in columns, shape (N, B)."""
    return np.asarray(W, dtype=float) @ np.asarray(Y, dtype=float).T


def net_inputs_new_states(W, Y):
    """Returns the new states phi(v) instead of the net inputs v."""
    Y = np.asarray(Y, dtype=float)
    return activation(Y @ np.asarray(W, dtype=float).T, Y)


# -- update_unit --------------------------------------------------------------------------


def _update_with(rule: Rule, W, y, j):
    new = np.array(y, dtype=float)
    new[j] = rule(np.asarray(W, dtype=float)[j] @ new, new[j])
    return new


def update_unit_np_sign(W, y, j):
    """``np.sign(v_j)``: a net input of 0 sets the unit to 0 instead of keeping its state."""
    return _update_with(_np_sign, W, y, j)


def update_unit_tie_positive(W, y, j):
    """A net input of 0 gives +1 (``v >= 0``) instead of keeping the state."""
    return _update_with(_tie_positive, W, y, j)


def update_unit_tie_negative(W, y, j):
    """A net input of 0 gives -1 (the perceptron's rule) instead of keeping the state."""
    return _update_with(_tie_negative, W, y, j)


def update_unit_synchronous(W, y, j):
    """Updates every unit at once from the old state, not only unit j."""
    y = np.asarray(y, dtype=float)
    return activation(np.asarray(W, dtype=float) @ y, y)


# -- retrieve and retrieve_random -----------------------------------------------------------


def _stable_under(rule: Rule, W, y) -> bool:
    return bool(np.all(rule(W @ y, y) == y))


def _retrieve_with(rule: Rule, W, y0, visits: Iterator[int]):
    """Asynchronous retrieval where ``rule`` replaces phi, both in the update and in the stability test."""
    W = np.asarray(W, dtype=float)
    y = np.array(y0, dtype=float)
    trajectory = [y]
    while not _stable_under(rule, W, y) and len(trajectory) <= MAX_UPDATES:
        y = _update_with(rule, W, y, next(visits))
        trajectory.append(y)
    return trajectory


def _cycle(order) -> Iterator[int]:
    order = [int(j) for j in order]
    while True:
        yield from order


def retrieve_aliased(W, y0, order):
    """Updates one array in place and appends it each step: every entry of the list is the same array."""
    W = np.asarray(W, dtype=float)
    y = np.array(y0, dtype=float)
    trajectory = [y]
    visits = _cycle(order)
    while not is_stable(W, y):
        j = next(visits)
        y[j] = activation(W[j] @ y, y[j])
        trajectory.append(y)
    return trajectory


def retrieve_np_sign(W, y0, order):
    """np.sign as the activation: a net input of 0 sets the unit to 0."""
    return _retrieve_with(_np_sign, W, y0, _cycle(order))


def retrieve_tie_positive(W, y0, order):
    """A net input of 0 gives +1 instead of keeping the state."""
    return _retrieve_with(_tie_positive, W, y0, _cycle(order))


def retrieve_synchronous(W, y0, order):
    """Each step updates every unit at once (``y = phi(W y)``), ignoring the order."""
    W = np.asarray(W, dtype=float)
    y = np.array(y0, dtype=float)
    trajectory = [y]
    while not is_stable(W, y) and len(trajectory) <= MAX_UPDATES:
        y = activation(W @ y, y)
        trajectory.append(y)
    return trajectory


def retrieve_stops_when_unchanged(W, y0, order):
    """Stops as soon as one visited unit keeps its state, which does not make the state stable."""
    W = np.asarray(W, dtype=float)
    y = np.array(y0, dtype=float)
    trajectory = [y]
    visits = _cycle(order)
    while not is_stable(W, y):
        new = update_unit(W, y, next(visits))
        trajectory.append(new)
        if np.array_equal(new, y):
            break
        y = new
    return trajectory


def _random_visits(draw: Callable[[], np.ndarray]) -> Iterator[int]:
    while True:
        yield from (int(j) for j in draw())


def retrieve_random_one_permutation(W, y0, seed):
    """Draws one permutation and repeats it for every sweep instead of a new one per sweep."""
    N = np.asarray(W).shape[0]
    order = np.random.default_rng(seed).permutation(N)
    return _retrieve_with(activation, W, y0, _random_visits(lambda: order))


def retrieve_random_with_replacement(W, y0, seed):
    """Draws each sweep with ``rng.integers(0, N, size=N)``: units repeat and some are skipped."""
    N = np.asarray(W).shape[0]
    rng = np.random.default_rng(seed)
    return _retrieve_with(activation, W, y0, _random_visits(lambda: rng.integers(0, N, size=N)))


def retrieve_random_legacy_seed(W, y0, seed):
    """Draws the sweeps from ``np.random.seed(seed)`` and ``np.random.permutation(N)`` (the legacy generator)."""
    N = np.asarray(W).shape[0]
    legacy = np.random.RandomState(seed)
    return _retrieve_with(activation, W, y0, _random_visits(lambda: legacy.permutation(N)))


def retrieve_random_np_sign(W, y0, seed):
    """np.sign as the activation: a net input of 0 sets the unit to 0."""
    return _retrieve_with(_np_sign, W, y0, random_order(seed, np.asarray(W).shape[0]))


# -- energy ---------------------------------------------------------------------------------


def energy_without_half(W, Y):
    """``-sum_ij w_ij y_i y_j``: the factor 1/2 is missing (each pair counted twice)."""
    Y = np.asarray(Y, dtype=float)
    return -np.einsum("bi,ij,bj->b", Y, np.asarray(W, dtype=float), Y)


def energy_sign_flipped(W, Y):
    """``+1/2 sum_ij w_ij y_i y_j``: the harmony, not the energy (the sign the notes' proof drops)."""
    Y = np.asarray(Y, dtype=float)
    return 0.5 * np.einsum("bi,ij,bj->b", Y, np.asarray(W, dtype=float), Y)


def energy_summed_over_batch(W, Y):
    """One number for the whole batch: the energies of all states added up."""
    Y = np.asarray(Y, dtype=float)
    return float(-0.5 * np.sum((Y @ np.asarray(W, dtype=float)) * Y))


def energy_full_matrix(W, Y):
    """``-1/2 Y W Y^T``: a (B, B) matrix of cross terms; the energies are only its diagonal."""
    Y = np.asarray(Y, dtype=float)
    return -0.5 * Y @ np.asarray(W, dtype=float) @ Y.T


# -- is_stable ------------------------------------------------------------------------------


def is_stable_np_sign(W, y):
    """Compares ``np.sign(W y)`` with y: a unit with net input 0 counts as unstable."""
    return _stable_under(_np_sign, np.asarray(W, dtype=float), np.asarray(y, dtype=float))


def is_stable_tie_positive(W, y):
    """A net input of 0 must go with +1: a unit at -1 with net input 0 counts as unstable."""
    return _stable_under(_tie_positive, np.asarray(W, dtype=float), np.asarray(y, dtype=float))


def is_stable_tie_negative(W, y):
    """A net input of 0 must go with -1: a unit at +1 with net input 0 counts as unstable."""
    return _stable_under(_tie_negative, np.asarray(W, dtype=float), np.asarray(y, dtype=float))


# -- mixture_states ---------------------------------------------------------------------------


def _mixtures(patterns, tuples):
    F = np.asarray(patterns, dtype=float)
    rows = [np.sign(F[list(t)].sum(axis=0)) for t in tuples(range(F.shape[0]), 3)]
    return np.array(rows).reshape(len(rows), F.shape[1])


def mixture_states_no_sign(patterns):
    """Returns the sums ``f_a + f_b + f_c`` (entries -3, -1, 1, 3) without taking their sign."""
    F = np.asarray(patterns, dtype=float)
    rows = [F[a] + F[b] + F[c] for a, b, c in combinations(range(F.shape[0]), 3)]
    return np.array(rows).reshape(len(rows), F.shape[1])


def mixture_states_permutations(patterns):
    """Loops over ``itertools.permutations``: each triple appears 6 times, in every order."""
    return _mixtures(patterns, permutations)


def mixture_states_with_replacement(patterns):
    """Loops over ``combinations_with_replacement``: includes sign(3 f_a) = f_a and sign(2 f_a + f_b) = f_a."""
    return _mixtures(patterns, combinations_with_replacement)


# -- capacity ---------------------------------------------------------------------------------


def capacity_diagonal_kept(N, Ms, patterns):
    """Stores with the diagonal kept (w_jj = 1): each unit's self-coupling props up every pattern."""
    F = np.asarray(patterns, dtype=float)
    return np.array([np.mean([is_stable(store_diagonal_kept(F[:M]), f) for f in F[:M]]) for M in Ms])


def capacity_fraction_of_units(N, Ms, patterns):
    """Counts the units that keep their state, over all stored patterns, instead of whole stable patterns."""
    F = np.asarray(patterns, dtype=float)
    fractions = []
    for M in Ms:
        W = store(F[:M])
        fractions.append(np.mean(activation(F[:M] @ W.T, F[:M]) == F[:M]))
    return np.array(fractions)


def capacity_all_stored(N, Ms, patterns):
    """Stores every pattern passed in, whatever M, and tests the first M of them."""
    F = np.asarray(patterns, dtype=float)
    W = store(F)
    return np.array([np.mean([is_stable(W, f) for f in F[:M]]) for M in Ms])


def capacity_count(N, Ms, patterns):
    """Returns the number of stable patterns instead of the fraction."""
    F = np.asarray(patterns, dtype=float)
    return np.array([float(sum(is_stable(store(F[:M]), f) for f in F[:M])) for M in Ms])
