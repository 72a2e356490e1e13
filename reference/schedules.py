"""Learning-rate schedules in NumPy (course notes 1.3.5.3, learning rate scheduling; cosine annealing and warm-up).

The grader compares every student answer with these functions: formulas in
the docstrings, float64 throughout. Conventions (where torch's differ, the
exercises say so and a check tells them apart):

- a schedule is returned as the learning rates of ``steps`` successive
  updates: ``rates[k]`` is ``eta^(k)``, the rate the (k + 1)-th update uses,
  so ``rates[0]`` is the starting rate (the notes' ``w^(tau) = w^(tau - 1) -
  eta^(tau - 1) grad E``). In torch this is the rate read from
  ``optimizer.param_groups[0]["lr"]`` before each ``optimizer.step()``, with
  ``scheduler.step()`` called AFTER the update;
- a schedule that ends (linear after K, cosine after T) holds its last
  value; torch's ``CosineAnnealingLR`` does not: it is periodic and rises
  again after T_max.
"""

from __future__ import annotations

import numpy as np


def _steps(steps) -> np.ndarray:
    return np.arange(int(steps), dtype=float)


def linear_schedule(eta_0, eta_K, K, steps) -> np.ndarray:
    """The notes' linear schedule ``eta^(k) = (1 - k/K) eta_0 + (k/K) eta_K`` for k <= K, then ``eta_K``.

    torch: ``LinearLR(optimizer, start_factor=1, end_factor=eta_K / eta_0, total_iters=K)`` on
    ``lr=eta_0`` (when eta_K <= eta_0).

    Parameters
    ----------
    eta_0, eta_K : float, the rates at k = 0 and from k = K on
    K : int >= 1
    steps : int, how many updates

    Returns
    -------
    ndarray of shape (steps,), float64: the rate of each update
    """
    k = np.minimum(_steps(steps), K)
    return (1.0 - k / K) * float(eta_0) + (k / K) * float(eta_K)


def power_law_schedule(eta_0, s, c, steps) -> np.ndarray:
    """The notes' power law ``eta^(k) = eta_0 (1 + k/s)^c`` (c < 0; usually c = -0.5).

    torch: ``LambdaLR(optimizer, lambda k: (1 + k / s) ** c)`` on ``lr=eta_0``.

    Parameters
    ----------
    eta_0 : float
    s : float > 0, the scale: how fast the rate falls
    c : float < 0, the exponent
    steps : int

    Returns
    -------
    ndarray of shape (steps,), float64
    """
    return float(eta_0) * (1.0 + _steps(steps) / float(s)) ** float(c)


def exponential_schedule(eta_0, s, c, steps) -> np.ndarray:
    """The notes' exponential decay ``eta^(k) = eta_0 c^(k/s)``: the rate falls by the factor c every s updates.

    torch's ``ExponentialLR(optimizer, gamma)`` multiplies by gamma every update: gamma = c^(1/s).

    Parameters
    ----------
    eta_0 : float
    s : float > 0, the scale
    c : float in (0, 1), the decay factor
    steps : int

    Returns
    -------
    ndarray of shape (steps,), float64
    """
    return float(eta_0) * float(c) ** (_steps(steps) / float(s))


def cosine_schedule(eta_max, eta_min, T, steps) -> np.ndarray:
    """Cosine annealing ``eta^(k) = eta_min + (eta_max - eta_min) (1 + cos(pi k / T)) / 2`` for k <= T, then ``eta_min``.

    torch: ``CosineAnnealingLR(optimizer, T_max=T, eta_min=eta_min)`` on ``lr=eta_max`` up to k = T; after T
    torch's rate rises again along the cosine, and this schedule holds eta_min.

    Parameters
    ----------
    eta_max, eta_min : float
    T : int >= 1, the update from which the rate is eta_min
    steps : int

    Returns
    -------
    ndarray of shape (steps,), float64
    """
    k = np.minimum(_steps(steps), T)
    return float(eta_min) + (float(eta_max) - float(eta_min)) * (1.0 + np.cos(np.pi * k / T)) / 2.0


def warmup_cosine_schedule(eta_max, eta_min, W, T, steps) -> np.ndarray:
    """Linear warm-up over W updates, then cosine annealing from eta_max at k = W to eta_min at k = T, then eta_min.

    ``eta^(k) = eta_max (k + 1) / W`` for k < W (the first update uses eta_max / W, the W-th eta_max);
    ``eta^(k) = eta_min + (eta_max - eta_min) (1 + cos(pi (k - W) / (T - W))) / 2`` for W <= k <= T;
    ``eta_min`` after T. torch: ``SequentialLR`` of ``LinearLR(start_factor=1/W, end_factor=1,
    total_iters=W - 1)`` and ``CosineAnnealingLR(T_max=T - W, eta_min=eta_min)`` with milestone W, on
    ``lr=eta_max``, up to k = T.

    Parameters
    ----------
    eta_max, eta_min : float
    W : int >= 1, the warm-up's length
    T : int > W, the update from which the rate is eta_min
    steps : int

    Returns
    -------
    ndarray of shape (steps,), float64
    """
    k = _steps(steps)
    warm = float(eta_max) * (k + 1.0) / W
    after = np.clip(k - W, 0.0, T - W)
    cosine = float(eta_min) + (float(eta_max) - float(eta_min)) * (1.0 + np.cos(np.pi * after / (T - W))) / 2.0
    return np.where(k < W, warm, cosine)
