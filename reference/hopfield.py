"""Hopfield network references (course notes 1.4.1, worked example 2.3.1).

Conventions every function here follows:

- a network of N units has states ``y`` of +1 and -1, shape ``(N,)``; a batch
  of states is ``Y`` of shape ``(B, N)``, one state per row.
- ``W`` of shape ``(N, N)`` holds ``W[j, i] = w_ji``, the weight from unit i
  into unit j. Hebbian storage makes it symmetric with a zero diagonal.
- the net input of unit j is ``v_j = sum_i w_ji y_i`` (row j of W times y).
- the activation keeps the state on a tie (notes 1.4.1.1)::

      phi(v_j) = +1 if v_j > 0,  -1 if v_j < 0,  y_j (unchanged) if v_j = 0

- updates are asynchronous: one unit at a time, in an order passed in (or
  drawn from a seeded generator, see :func:`random_order`), so every result
  is deterministic.
- a state is stable when no unit would change: ``phi(v_j) = y_j`` for every j.
- the energy is ``E = -1/2 sum_i sum_j w_ij y_i y_j`` (notes 1.4.1.3; one line
  of the notes' proof drops the minus sign, the definition has it).
"""

from __future__ import annotations

from itertools import combinations
from typing import Iterator, Sequence

import numpy as np

# -- storage phase (1.4.1.2) ----------------------------------------------------------------


def store(patterns: np.ndarray) -> np.ndarray:
    """Hebbian storage: ``w_ji = (1/M) sum_k f_k(i) f_k(j)`` for ``i != j``, and ``w_jj = 0``.

    Parameters
    ----------
    patterns : ndarray of shape (M, N)
        the M fundamental memories f_1, ..., f_M, entries +1 or -1

    Returns
    -------
    ndarray of shape (N, N)
        the symmetric weight matrix, zero on the diagonal
    """
    F = np.asarray(patterns, dtype=float)
    W = F.T @ F / F.shape[0]
    np.fill_diagonal(W, 0.0)
    return W


def store_loop(patterns: np.ndarray) -> np.ndarray:
    """:func:`store` written as the notes' sum, one weight at a time."""
    F = np.asarray(patterns, dtype=float)
    M, N = F.shape
    W = np.zeros((N, N))
    for j in range(N):
        for i in range(N):
            if i != j:
                W[j, i] = sum(F[k, i] * F[k, j] for k in range(M)) / M
    return W


# -- withdrawal phase (1.4.1.1) ----------------------------------------------------------------


def net_inputs(W: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The net input of every unit for a batch of states: ``V[b, j] = sum_i w_ji Y[b, i]``.

    Parameters
    ----------
    W : ndarray of shape (N, N)
        ``W[j, i]`` is the weight into unit j from unit i (need not be symmetric here)
    Y : ndarray of shape (B, N)
        states, one per row

    Returns
    -------
    ndarray of shape (B, N)
        ``Y W^T``
    """
    return np.asarray(Y, dtype=float) @ np.asarray(W, dtype=float).T


def activation(v: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
    """``phi``: +1 where v > 0, -1 where v < 0, and the current state y where v = 0."""
    return np.where(v > 0, 1.0, np.where(v < 0, -1.0, y))


def update_unit(W: np.ndarray, y: np.ndarray, j: int) -> np.ndarray:
    """One asynchronous update: unit j takes ``phi(v_j)``, every other unit keeps its state.

    Parameters
    ----------
    W : ndarray of shape (N, N)
    y : ndarray of shape (N,)
        the current state
    j : int
        the unit to update

    Returns
    -------
    ndarray of shape (N,)
        the new state (a new array; y is not modified)
    """
    W = np.asarray(W, dtype=float)
    new = np.array(y, dtype=float)
    v_j = W[j] @ new
    new[j] = activation(v_j, new[j])
    return new


def is_stable(W: np.ndarray, y: np.ndarray) -> bool:
    """Whether no unit would change: ``phi(v_j) = y_j`` for every j (a net input of 0 keeps the state).

    Parameters
    ----------
    W : ndarray of shape (N, N)
    y : ndarray of shape (N,)

    Returns
    -------
    bool
    """
    y = np.asarray(y, dtype=float)
    v = np.asarray(W, dtype=float) @ y
    return bool(np.all(activation(v, y) == y))


def _check_order(order: Sequence[int], N: int) -> list[int]:
    """The order as a list, refused if it never visits some unit: retrieval could then go on forever."""
    order = [int(j) for j in order]
    outside = sorted({j for j in order if not 0 <= j < N})
    missing = sorted(set(range(N)) - set(order))
    if outside or missing:
        raise ValueError(
            f"order must visit every unit 0..{N - 1} and only those; it misses {missing} and has {outside} outside"
        )
    return order


def _retrieve_along(W: np.ndarray, y0: np.ndarray, visits: Iterator[int]) -> list[np.ndarray]:
    """Update the units named by ``visits`` one at a time until the state is stable; the trajectory."""
    W = np.asarray(W, dtype=float)
    y = np.array(y0, dtype=float)
    trajectory = [y]
    while not is_stable(W, y):
        y = update_unit(W, y, next(visits))
        trajectory.append(y)
    return trajectory


def _cycle(order: list[int]) -> Iterator[int]:
    while True:
        yield from order


def retrieve(W: np.ndarray, y0: np.ndarray, order: Sequence[int]) -> list[np.ndarray]:
    """Asynchronous retrieval with an explicit update order, until a stable state (notes 1.4.1).

    Start at ``y = y0``. While ``y`` is not stable (:func:`is_stable`), take
    the next unit j of ``order`` (after its last entry, start again at
    ``order[0]``), update it (:func:`update_unit`) and append the new state,
    changed or not. Every energy-lowering change is strict and ``order``
    visits every unit, so this ends.

    Parameters
    ----------
    W : ndarray of shape (N, N)
        symmetric, zero diagonal
    y0 : ndarray of shape (N,)
        the initial state, +1 and -1
    order : sequence of int
        unit indices, visited cyclically; every unit 0..N-1 appears at least once

    Returns
    -------
    list of ndarray of shape (N,)
        ``[y0, y(1), ..., y(n)]``: the state after each update, ``y(n)`` stable
        (just ``[y0]`` when y0 is stable)
    """
    W = np.asarray(W, dtype=float)
    return _retrieve_along(W, y0, _cycle(_check_order(order, W.shape[0])))


def random_order(seed: int, N: int) -> Iterator[int]:
    """The update order of :func:`retrieve_random`: sweep after sweep, each a fresh permutation.

    ``rng = np.random.default_rng(seed)``; the first sweep visits
    ``rng.permutation(N)``, the second the next ``rng.permutation(N)`` of the
    same generator, and so on.
    """
    rng = np.random.default_rng(seed)
    while True:
        yield from (int(j) for j in rng.permutation(N))


def retrieve_random(W: np.ndarray, y0: np.ndarray, seed: int) -> list[np.ndarray]:
    """Asynchronous retrieval in a seeded random order, until a stable state.

    The same as :func:`retrieve` with the order drawn sweep by sweep:
    ``rng = np.random.default_rng(seed)`` once, then each sweep visits the
    units in the order ``rng.permutation(N)`` (a new permutation from the same
    generator for each sweep). Stability is checked before every update, so
    retrieval may stop in the middle of a sweep.

    Parameters
    ----------
    W : ndarray of shape (N, N)
    y0 : ndarray of shape (N,)
    seed : int

    Returns
    -------
    list of ndarray of shape (N,)
        the trajectory, as in :func:`retrieve`
    """
    W = np.asarray(W, dtype=float)
    return _retrieve_along(W, y0, random_order(seed, W.shape[0]))


# -- energy (1.4.1.3) ---------------------------------------------------------------------------


def energy(W: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``E(y) = -1/2 sum_i sum_j w_ij y_i y_j`` for each state of a batch.

    Parameters
    ----------
    W : ndarray of shape (N, N)
    Y : ndarray of shape (B, N)
        states, one per row

    Returns
    -------
    ndarray of shape (B,)
    """
    Y = np.asarray(Y, dtype=float)
    return -0.5 * np.einsum("bi,ij,bj->b", Y, np.asarray(W, dtype=float), Y)


def energy_loop(W: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """:func:`energy` as the notes' double sum."""
    W, Y = np.asarray(W, dtype=float), np.asarray(Y, dtype=float)
    N = W.shape[0]
    return np.array([-0.5 * sum(W[i, j] * y[i] * y[j] for i in range(N) for j in range(N)) for y in Y])


# -- spurious states and capacity (1.4.1.4) ---------------------------------------------------------


def mixture_states(patterns: np.ndarray) -> np.ndarray:
    """The mixtures of three memories, ``sign(f_a + f_b + f_c)`` for every ``a < b < c``.

    A sum of three +1/-1 entries is odd, never 0, so the sign is always +1 or
    -1. With few memories in many units these mixtures are stable: spurious
    states (notes 1.4.1.4).

    Parameters
    ----------
    patterns : ndarray of shape (M, N), M >= 3

    Returns
    -------
    ndarray of shape (M choose 3, N)
        one row per triple, in the order of ``itertools.combinations(range(M), 3)``
    """
    F = np.asarray(patterns, dtype=float)
    triples = list(combinations(range(F.shape[0]), 3))
    return np.array([np.sign(F[a] + F[b] + F[c]) for a, b, c in triples]).reshape(len(triples), F.shape[1])


def capacity(N: int, Ms: Sequence[int], patterns: np.ndarray) -> np.ndarray:
    """The fraction of stored patterns that are stable, for each number of memories M.

    For each ``M`` in ``Ms`` store the first M rows of ``patterns``
    (:func:`store`) and count how many of those M patterns are stable
    (:func:`is_stable`). The rule of thumb of notes 1.4.1.4: nearly all are
    stable while M is small against N, and the fraction collapses around
    ``M = 0.14 N``.

    Parameters
    ----------
    N : int
        the number of units
    Ms : sequence of int
        numbers of memories, each at most ``len(patterns)``
    patterns : ndarray of shape (P, N)
        random +1/-1 patterns, P >= max(Ms)

    Returns
    -------
    ndarray of shape (len(Ms),)
        the fraction (0 to 1) of the M stored patterns that are stable
    """
    F = np.asarray(patterns, dtype=float)
    if F.shape[1] != N:
        raise ValueError(f"patterns have {F.shape[1]} units, not N = {N}")
    fractions = []
    for M in Ms:
        W = store(F[:M])
        fractions.append(np.mean([is_stable(W, f) for f in F[:M]]))
    return np.array(fractions, dtype=float)
