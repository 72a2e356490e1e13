"""Hopfield network references in torch; they must agree with :mod:`reference.hopfield`.

Same names, signatures and conventions (see that module's docstring):
states +1/-1, ``W[j, i]`` the weight into unit j, a net input of 0 keeps the
state, asynchronous updates in an order passed in. Everything is float64;
the seeded order of :func:`retrieve_random` is drawn with NumPy's generator,
as the exercise prescribes.
"""

from __future__ import annotations

from itertools import combinations, cycle
from typing import Callable, Sequence

import numpy as np
import torch


def _t(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x, dtype=float), dtype=torch.float64)


def store(patterns) -> torch.Tensor:
    """``F^T F / M`` with the diagonal set to 0."""
    F = _t(patterns)
    W = F.T @ F / F.shape[0]
    return W - torch.diag(torch.diagonal(W))


def net_inputs(W, Y) -> torch.Tensor:
    """``Y W^T``: row b, column j is sum_i w_ji Y[b, i]."""
    return _t(Y) @ _t(W).T


def _phi(v: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.where(v > 0, 1.0, torch.where(v < 0, -1.0, y)).to(torch.float64)


def update_unit(W, y, j: int) -> torch.Tensor:
    """Unit j takes phi(v_j); a net input of 0 keeps its state."""
    W, new = _t(W), _t(y).clone()
    new[j] = _phi(W[j] @ new, new[j])
    return new


def is_stable(W, y) -> bool:
    """No unit would change."""
    y = _t(y)
    return bool(torch.equal(_phi(_t(W) @ y, y), y))


def _retrieve(W: torch.Tensor, y0, next_unit: Callable[[], int]) -> list[torch.Tensor]:
    """Update the unit ``next_unit()`` names, one at a time, until the state is stable."""
    y = _t(y0)
    trajectory = [y]
    while not is_stable(W, y):
        y = update_unit(W, y, next_unit())
        trajectory.append(y)
    return trajectory


def retrieve(W, y0, order: Sequence[int]) -> list[torch.Tensor]:
    """Visit ``order`` cyclically, one update per visit, until stable; the list of states from y0."""
    W = _t(W)
    order = [int(j) for j in order]
    if set(order) != set(range(W.shape[0])):
        raise ValueError(f"order must visit every unit 0..{W.shape[0] - 1} and only those")
    visits = cycle(order)
    return _retrieve(W, y0, lambda: next(visits))


def retrieve_random(W, y0, seed: int) -> list[torch.Tensor]:
    """:func:`retrieve` with sweeps ``rng.permutation(N)`` of ``rng = np.random.default_rng(seed)``."""
    W = _t(W)
    rng = np.random.default_rng(seed)
    pending: list[int] = []

    def next_unit() -> int:
        if not pending:
            pending.extend(int(j) for j in rng.permutation(W.shape[0]))
        return pending.pop(0)

    return _retrieve(W, y0, next_unit)


def energy(W, Y) -> torch.Tensor:
    """``-1/2 y^T W y`` for each row of Y."""
    Y = _t(Y)
    return -0.5 * ((Y @ _t(W)) * Y).sum(dim=1)


def mixture_states(patterns) -> torch.Tensor:
    """``sign(f_a + f_b + f_c)`` for a < b < c, in ``itertools.combinations`` order."""
    F = _t(patterns)
    triples = torch.tensor(list(combinations(range(F.shape[0]), 3)), dtype=torch.long).reshape(-1, 3)
    return torch.sign(F[triples].sum(dim=1))


def capacity(N: int, Ms: Sequence[int], patterns) -> torch.Tensor:
    """Per M, the fraction of the first M patterns that are stable once those M are stored."""
    F = _t(patterns)
    if F.shape[1] != N:
        raise ValueError(f"patterns have {F.shape[1]} units, not N = {N}")
    fractions = []
    for M in Ms:
        stored = F[:M]
        W = store(stored)
        V = stored @ W.T
        stable = (_phi(V, stored) == stored).all(dim=1)
        fractions.append(stable.to(torch.float64).mean())
    return torch.stack(fractions) if fractions else torch.zeros(0, dtype=torch.float64)
