"""Learning-rate schedules (course notes 1.3.5.3, learning rate scheduling): the notes' linear, power-law
and exponential schedules, cosine annealing, and a linear warm-up followed by cosine annealing.

Conventions used by every function in this module:

- a schedule is returned as the learning rates of ``steps`` successive
  updates, an array of shape ``(steps,)``: ``rates[k]`` is the notes'
  ``eta^(k)``, the rate used by the (k + 1)-th update
  ``w^(k+1) = w^(k) - eta^(k) grad E(w^(k))``. So ``rates[0]`` is the
  starting rate: the FIRST update uses eta_0, and the schedule moves on
  AFTER each update. In torch this is the rate in
  ``optimizer.param_groups[0]["lr"]`` when ``optimizer.step()`` runs, with
  ``scheduler.step()`` called after ``optimizer.step()``; stepping the
  scheduler before the first update skips eta_0.
- a schedule that ends (linear after K updates, cosine after T) HOLDS its
  last rate for every later update. torch's ``CosineAnnealingLR`` does not:
  it is periodic and its rate rises again after ``T_max``.
- each function also says which ``torch.optim.lr_scheduler`` scheduler
  gives the same rates (it is what the grader compares with).

Inputs are Python floats (rates, factors, exponents) and ints (K, s, T, W,
steps). Return a NumPy array of floats or a list of floats (float64, or
float32: a float32 answer is compared with float32 tolerances, relative
1e-4, absolute 1e-6). Every function here needs a fraction of a millisecond.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check schedules``).
"""

import math

import numpy as np


def linear_schedule(eta_0, eta_K, K, steps):
    """Return the rates of the notes' linear schedule: ``eta^(k) = (1 - k/K) eta_0 + (k/K) eta_K`` up to K, then eta_K.

    Time budget: 2 s of CPU per call (the course default).

    The formula applies for ``k = 0, ..., K``; after these K updates the
    rate is kept fixed at ``eta_K``. In torch this is
    ``LinearLR(optimizer, start_factor=1.0, end_factor=eta_K / eta_0,
    total_iters=K)`` on an optimiser created with ``lr=eta_0``.
    For example ``linear_schedule(0.4, 0.1, 3, 6)`` is
    ``[0.4, 0.3, 0.2, 0.1, 0.1, 0.1]``.

    Parameters
    ----------
    eta_0 : float
        the rate of the first update (k = 0)
    eta_K : float
        the rate from update K on
    K : int
        the number of updates over which the rate moves from eta_0 to eta_K (K >= 1)
    steps : int
        the number of updates

    Returns
    -------
    ndarray of shape (steps,)
        the rate of each update
    """
    k = np.minimum(np.arange(steps), K)
    return (1 - k / K) * eta_0 + (k / K) * eta_K


def power_law_schedule(eta_0, s, c, steps):
    """Return the rates of the notes' power law ``eta^(k) = eta_0 (1 + k/s)^c``.

    Time budget: 2 s of CPU per call (the course default).

    The scale ``s`` sets how fast the rate falls; the exponent ``c < 0``
    sets the shape of the fall (usually ``c = -0.5``). torch has no
    scheduler of its own for it: ``LambdaLR(optimizer, lambda k: (1 + k / s) ** c)``
    on an optimiser created with ``lr=eta_0``.
    For example ``power_law_schedule(0.6, 2, -1.0, 4)`` is ``[0.6, 0.4, 0.3, 0.24]``.

    Parameters
    ----------
    eta_0 : float
        the rate of the first update
    s : int or float
        the scale, s > 0
    c : float
        the exponent, c < 0
    steps : int
        the number of updates

    Returns
    -------
    ndarray of shape (steps,)
        the rate of each update
    """
    k = np.arange(steps)
    return eta_0 * (1 + k / s) ** c


def exponential_schedule(eta_0, s, c, steps):
    """Return the rates of the notes' exponential decay ``eta^(k) = eta_0 c^(k/s)``.

    Time budget: 2 s of CPU per call (the course default).

    The rate falls smoothly, by the factor ``c`` every ``s`` updates
    (usually c in [0.95, 1)). torch's ``ExponentialLR(optimizer, gamma)``
    multiplies the rate by ``gamma`` at EVERY update, so the notes' schedule
    is ``ExponentialLR`` with ``gamma = c^(1/s)``, not ``gamma = c``.
    For example ``exponential_schedule(0.8, 2, 0.25, 5)`` is
    ``[0.8, 0.4, 0.2, 0.1, 0.05]``.

    Parameters
    ----------
    eta_0 : float
        the rate of the first update
    s : int or float
        the scale, s > 0
    c : float
        the decay factor, 0 < c < 1
    steps : int
        the number of updates

    Returns
    -------
    ndarray of shape (steps,)
        the rate of each update
    """
    k = np.arange(steps)
    return eta_0 * c ** (k / s)


def cosine_schedule(eta_max, eta_min, T, steps):
    """Return the rates of cosine annealing, ``eta^(k) = eta_min + (eta_max - eta_min) (1 + cos(pi k / T)) / 2`` up to T, then eta_min.

    Time budget: 2 s of CPU per call (the course default).

    The rate starts at ``eta_max`` (k = 0), falls along half a cosine and
    reaches ``eta_min`` at update ``k = T``, where it stays. torch's
    ``CosineAnnealingLR(optimizer, T_max=T, eta_min=eta_min)`` (on ``lr=eta_max``)
    gives the same rates up to k = T, but then goes on along the cosine
    and rises again: this schedule holds eta_min instead.
    For example ``cosine_schedule(0.5, 0.1, 4, 7)`` is
    ``[0.5, 0.1 + 0.2 (1 + 1/sqrt(2)), 0.3, 0.1 + 0.2 (1 - 1/sqrt(2)), 0.1, 0.1, 0.1]``,
    about ``[0.5, 0.441, 0.3, 0.159, 0.1, 0.1, 0.1]``.

    Parameters
    ----------
    eta_max : float
        the rate of the first update
    eta_min : float
        the rate from update T on
    T : int
        the update at which the rate reaches eta_min (T >= 1)
    steps : int
        the number of updates

    Returns
    -------
    ndarray of shape (steps,)
        the rate of each update
    """
    k = np.minimum(np.arange(steps), T)
    return eta_min + (eta_max - eta_min) * (1 + np.cos(math.pi * k / T)) / 2


def warmup_cosine_schedule(eta_max, eta_min, W, T, steps):
    """Return the rates of a linear warm-up over W updates followed by cosine annealing to eta_min at update T.

    Time budget: 2 s of CPU per call (the course default).

    - warm-up, ``k = 0, ..., W - 1``: ``eta^(k) = eta_max (k + 1) / W``; the
      first update uses ``eta_max / W`` (never 0) and the W-th ``eta_max``;
    - cosine, ``k = W, ..., T``: ``eta^(k) = eta_min + (eta_max - eta_min)
      (1 + cos(pi (k - W) / (T - W))) / 2``, from ``eta_max`` at k = W to
      ``eta_min`` at k = T;
    - after T: ``eta_min``.

    In torch (on ``lr=eta_max``, for W >= 2):
    ``SequentialLR(optimizer, [LinearLR(optimizer, start_factor=1/W, end_factor=1.0, total_iters=W - 1),
    CosineAnnealingLR(optimizer, T_max=T - W, eta_min=eta_min)], milestones=[W])``,
    up to update T (after T torch's cosine rises again).
    For example ``warmup_cosine_schedule(0.4, 0.1, 2, 6, 9)`` is about
    ``[0.2, 0.4, 0.4, 0.356, 0.25, 0.144, 0.1, 0.1, 0.1]``.

    Parameters
    ----------
    eta_max : float
        the rate at the end of the warm-up
    eta_min : float
        the rate from update T on
    W : int
        the number of warm-up updates (W >= 1)
    T : int
        the update at which the rate reaches eta_min (T > W)
    steps : int
        the number of updates

    Returns
    -------
    ndarray of shape (steps,)
        the rate of each update
    """
    rates = []
    for k in range(steps):
        if k < W:
            rates.append(eta_max * (k + 1) / W)
        else:
            phase = min(k - W, T - W) / (T - W)
            rates.append(eta_min + (eta_max - eta_min) * (1 + math.cos(math.pi * phase)) / 2)
    return np.array(rates)
