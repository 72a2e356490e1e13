"""Hopfield networks (course notes 1.4.1; worked example 2.3.1).

Conventions used by every function in this module:

- a network has N units; a state ``y`` is an array of shape ``(N,)`` whose
  entries are +1 and -1 (floats). A batch of states ``Y`` has shape
  ``(B, N)``, one state per row. The fundamental memories (patterns) are the
  rows of an array of shape ``(M, N)``.
- ``W`` has shape ``(N, N)`` and ``W[j, i]`` is ``w_ji``, the weight of the
  connection into unit j from unit i. Hebbian storage makes W symmetric with
  a zero diagonal (no unit is connected to itself).
- the net input of unit j is ``v_j = sum_i w_ji y_i`` (row j of W times y).
- the activation keeps the state on a tie (notes 1.4.1.1)::

      phi(v_j) = +1 if v_j > 0,   -1 if v_j < 0,   y_j (unchanged) if v_j = 0

  Note that ``np.sign`` gives 0 for a net input of 0: do not use it as phi.
- updates are asynchronous: one unit at a time. All randomness is passed in:
  the update order, or the seed from which it is drawn.
- a state is stable when no unit would change: ``phi(v_j) = y_j`` for every j.
- the energy is ``E = -1/2 sum_i sum_j w_ij y_i y_j`` (notes 1.4.1.3; one line
  of the notes' proof drops the minus sign, but the definition has it).
- functions never modify their inputs; they return new arrays.

Inputs are NumPy arrays of floats, Python ints and lists of ints. Return NumPy
arrays (lists and torch tensors are accepted too), float64, or float32
compared with float32 tolerances (relative 1e-4, absolute 1e-6); ``is_stable``
returns a Python bool (checked: 1 or 0 is not one).
"""

from itertools import combinations

import numpy as np


def store(patterns):
    """Return the weights that store the memories by Hebb's rule (notes 1.4.1.2).

    Time budget: 2 s of CPU per call (the course default).

    ``w_ji = (1/M) sum_k f_k(i) f_k(j)`` for ``i != j``, and ``w_jj = 0``.

    Parameters
    ----------
    patterns : ndarray of shape (M, N)
        the M fundamental memories f_1, ..., f_M, one per row, entries +1 and -1

    Returns
    -------
    ndarray of shape (N, N)
        symmetric, with a zero diagonal
    """
    F = np.asarray(patterns, dtype=float)
    M = F.shape[0]
    W = F.T @ F / M
    np.fill_diagonal(W, 0.0)
    return W


def net_inputs(W, Y):
    """Return the net input of every unit for each state of a batch (notes 1.4.1.1).

    Time budget: 2 s of CPU per call (the course default).

    ``V[b, j] = sum_i w_ji Y[b, i]``: row j of W holds the weights INTO unit
    j. (W is symmetric for a stored network, but this function must also be
    right for a W that is not.)

    Parameters
    ----------
    W : ndarray of shape (N, N)
    Y : ndarray of shape (B, N)
        states, one per row

    Returns
    -------
    ndarray of shape (B, N)
        one row of net inputs per state
    """
    return np.asarray(Y, dtype=float) @ np.asarray(W, dtype=float).T


def update_unit(W, y, j):
    """Return the state after one asynchronous update of unit j (notes 1.4.1.1).

    Time budget: 2 s of CPU per call (the course default).

    Unit j takes ``phi(v_j)`` with ``v_j = sum_i w_ji y_i``: +1 if v_j > 0,
    -1 if v_j < 0, and its current state if v_j = 0. Every other unit keeps
    its state.

    Parameters
    ----------
    W : ndarray of shape (N, N)
    y : ndarray of shape (N,)
        the current state, +1 and -1
    j : int
        the unit to update, 0 <= j < N

    Returns
    -------
    ndarray of shape (N,)
        the new state (a new array: do not modify y)
    """
    W = np.asarray(W, dtype=float)
    new = np.array(y, dtype=float)
    v_j = W[j] @ new
    if v_j > 0:
        new[j] = 1.0
    elif v_j < 0:
        new[j] = -1.0
    return new


def retrieve(W, y0, order):
    """Return the trajectory of asynchronous retrieval with a given update order (notes 1.4.1).

    Time budget: 2 s of CPU per call (the course default).

    Start at ``y = y0``. While ``y`` is not stable (some unit would change),
    take the next unit j of ``order`` (after the last entry, start again at
    ``order[0]``), update unit j as in ``update_unit``, and append the new
    state to the trajectory, whether or not unit j changed. Stop as soon as
    the state is stable; if y0 is already stable, the trajectory is ``[y0]``.

    Example 2.3.1: from [-1, -1, 1] in the order [0, 1, 2] the trajectory is
    ``[[-1, -1, 1], [1, -1, 1]]``.

    Parameters
    ----------
    W : ndarray of shape (N, N)
        symmetric, zero diagonal
    y0 : ndarray of shape (N,)
        the initial state, +1 and -1
    order : list of int
        the units in the order they are visited, repeated cyclically; every
        unit 0..N-1 appears at least once

    Returns
    -------
    list of ndarray of shape (N,)
        ``[y0, y(1), ..., y(n)]``: the initial state and the state after each
        update; the last one is stable. Each entry is its own array.
    """
    W = np.asarray(W, dtype=float)
    y = np.array(y0, dtype=float)
    trajectory = [y]
    step = 0
    while not is_stable(W, y):
        y = update_unit(W, y, order[step % len(order)])
        trajectory.append(y)
        step += 1
    return trajectory


def retrieve_random(W, y0, seed):
    """Return the trajectory of asynchronous retrieval in a seeded random order.

    Time budget: 2 s of CPU per call (the course default).

    The same as ``retrieve``, with the order drawn sweep by sweep: create the
    generator once, ``rng = np.random.default_rng(seed)``; each sweep visits
    the units in the order ``rng.permutation(N)``, a new permutation from the
    same generator for every sweep. Stability is tested before every update,
    so retrieval can stop in the middle of a sweep (and draws no permutation
    it does not need).

    Parameters
    ----------
    W : ndarray of shape (N, N)
    y0 : ndarray of shape (N,)
    seed : int

    Returns
    -------
    list of ndarray of shape (N,)
        the trajectory, as in ``retrieve``
    """
    W = np.asarray(W, dtype=float)
    rng = np.random.default_rng(seed)
    y = np.array(y0, dtype=float)
    trajectory = [y]
    while not is_stable(W, y):
        for j in rng.permutation(W.shape[0]):
            if is_stable(W, y):
                break
            y = update_unit(W, y, j)
            trajectory.append(y)
    return trajectory


def energy(W, Y):
    """Return the energy ``E = -1/2 sum_i sum_j w_ij y_i y_j`` of each state of a batch (notes 1.4.1.3).

    Time budget: 2 s of CPU per call (the course default).

    Parameters
    ----------
    W : ndarray of shape (N, N)
    Y : ndarray of shape (B, N)
        states, one per row

    Returns
    -------
    ndarray of shape (B,)
        one energy per state
    """
    Y = np.asarray(Y, dtype=float)
    return -0.5 * np.sum((Y @ np.asarray(W, dtype=float)) * Y, axis=1)


def is_stable(W, y):
    """Return whether the state is stable: no unit would change (notes 1.4.1.1).

    Time budget: 2 s of CPU per call (the course default).

    Unit j is stable when ``phi(v_j) = y_j``: its net input has the sign of
    its state, or is exactly 0 (a unit with net input 0 keeps its state).

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
    return bool(np.all((v == 0) | (np.sign(v) == y)))


def mixture_states(patterns):
    """Return the mixtures of three memories, ``sign(f_a + f_b + f_c)`` for every a < b < c (notes 1.4.1.4).

    Time budget: 2 s of CPU per call (the course default).

    With few memories in many units these states are stable although they
    were never stored: spurious states. A sum of three +1/-1 entries is odd,
    so it is never 0.

    Parameters
    ----------
    patterns : ndarray of shape (M, N), M >= 3

    Returns
    -------
    ndarray of shape (M choose 3, N)
        one mixture per row, triples in the order of
        ``itertools.combinations(range(M), 3)``
    """
    F = np.asarray(patterns, dtype=float)
    rows = [np.sign(F[a] + F[b] + F[c]) for a, b, c in combinations(range(len(F)), 3)]
    return np.array(rows).reshape(len(rows), F.shape[1])


def capacity(N, Ms, patterns):
    """Return, for each M, the fraction of M stored random patterns that are stable (notes 1.4.1.4).

    Time budget: 7 s of CPU per call (this exercise's own limit).

    For each ``M`` in ``Ms``: store the first M rows of ``patterns`` (as in
    ``store``) and test each of those M patterns with ``is_stable``. The
    notes' rule of thumb: nearly every pattern is stable while M is small
    against N, and the fraction collapses around ``M = 0.14 N``.

    Parameters
    ----------
    N : int
        the number of units
    Ms : list of int
        numbers of stored memories, each at most ``len(patterns)``
    patterns : ndarray of shape (P, N)
        random +1/-1 patterns, P >= max(Ms)

    Returns
    -------
    ndarray of shape (len(Ms),)
        the fraction (between 0 and 1) of the M stored patterns that are stable
    """
    F = np.asarray(patterns, dtype=float)
    fractions = []
    for M in Ms:
        W = store(F[:M])
        fractions.append(np.mean([is_stable(W, f) for f in F[:M]]))
    return np.array(fractions)
