"""Known mistakes in the schedules exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/schedules.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np

from reference import schedules as ref


def _stepped_first(schedule, *args):
    """The schedule stepped once before the first update: rates[k] is the right rate of update k + 2."""
    *others, steps = args
    return schedule(*others, int(steps) + 1)[1:]


# -- linear_schedule -----------------------------------------------------------------


def linear_schedule_stepped_before_the_first_update(eta_0, eta_K, K, steps):
    """The first update already uses eta^(1): the scheduler is stepped before the update instead of after it."""
    return _stepped_first(ref.linear_schedule, eta_0, eta_K, K, steps)


def linear_schedule_not_held_after_K(eta_0, eta_K, K, steps):
    """Applies (1 - k/K) eta_0 + (k/K) eta_K for every k, going on past eta_K after K."""
    k = np.arange(int(steps), dtype=float)
    return (1.0 - k / K) * eta_0 + (k / K) * eta_K


def linear_schedule_over_all_the_steps(eta_0, eta_K, K, steps):
    """Spreads the decay over the whole run (k / steps) instead of over the first K updates."""
    k = np.arange(int(steps), dtype=float)
    return (1.0 - k / steps) * eta_0 + (k / steps) * eta_K


# -- power_law_schedule --------------------------------------------------------------


def power_law_schedule_stepped_before_the_first_update(eta_0, s, c, steps):
    """The first update already uses eta_0 (1 + 1/s)^c."""
    return _stepped_first(ref.power_law_schedule, eta_0, s, c, steps)


def power_law_schedule_scale_multiplies(eta_0, s, c, steps):
    """eta_0 (1 + k s)^c: the scale multiplies k instead of dividing it."""
    return eta_0 * (1.0 + np.arange(int(steps)) * float(s)) ** float(c)


def power_law_schedule_exponent_negated(eta_0, s, c, steps):
    """eta_0 (1 + k/s)^(-c): the exponent's sign flipped (as if c were a positive decay rate), so the rate grows."""
    return eta_0 * (1.0 + np.arange(int(steps)) / float(s)) ** (-float(c))


# -- exponential_schedule ------------------------------------------------------------


def exponential_schedule_stepped_before_the_first_update(eta_0, s, c, steps):
    """The first update already uses eta_0 c^(1/s)."""
    return _stepped_first(ref.exponential_schedule, eta_0, s, c, steps)


def exponential_schedule_scale_ignored(eta_0, s, c, steps):
    """eta_0 c^k: c taken as torch's per-update gamma, the scale s ignored."""
    return eta_0 * float(c) ** np.arange(int(steps), dtype=float)


def exponential_schedule_in_stairs(eta_0, s, c, steps):
    """eta_0 c^floor(k/s): the rate falls in stairs every s updates (torch's StepLR), not smoothly."""
    return eta_0 * float(c) ** np.floor(np.arange(int(steps)) / float(s))


# -- cosine_schedule -----------------------------------------------------------------


def cosine_schedule_not_held_after_T(eta_max, eta_min, T, steps):
    """The cosine goes on after T and the rate rises again (torch's CosineAnnealingLR)."""
    k = np.arange(int(steps), dtype=float)
    return eta_min + (eta_max - eta_min) * (1.0 + np.cos(np.pi * k / T)) / 2.0


def cosine_schedule_stepped_before_the_first_update(eta_max, eta_min, T, steps):
    """The first update already uses the rate of k = 1: eta_max is never used."""
    return _stepped_first(ref.cosine_schedule, eta_max, eta_min, T, steps)


def cosine_schedule_floor_left_out(eta_max, eta_min, T, steps):
    """eta_max (1 + cos(pi k / T)) / 2 + eta_min: eta_min added to the cosine instead of being its floor."""
    k = np.minimum(np.arange(int(steps), dtype=float), T)
    return eta_min + eta_max * (1.0 + np.cos(np.pi * k / T)) / 2.0


# -- warmup_cosine_schedule ----------------------------------------------------------


def warmup_cosine_schedule_warmup_from_zero(eta_max, eta_min, W, T, steps):
    """Warm-up eta_max k / W: the first update has rate 0 and does nothing."""
    rates = ref.warmup_cosine_schedule(eta_max, eta_min, W, T, steps)
    k = np.arange(int(steps), dtype=float)
    return np.where(k < W, eta_max * k / W, rates)


def warmup_cosine_schedule_cosine_over_T(eta_max, eta_min, W, T, steps):
    """The cosine's phase is pi k / T from the start of training, not pi (k - W) / (T - W) from the end of the warm-up."""
    k = np.arange(int(steps), dtype=float)
    cosine = eta_min + (eta_max - eta_min) * (1.0 + np.cos(np.pi * np.minimum(k, T) / T)) / 2.0
    return np.where(k < W, eta_max * (k + 1.0) / W, cosine)


def warmup_cosine_schedule_not_held_after_T(eta_max, eta_min, W, T, steps):
    """The cosine goes on after T and the rate rises again."""
    k = np.arange(int(steps), dtype=float)
    cosine = eta_min + (eta_max - eta_min) * (1.0 + np.cos(np.pi * (k - W) / (T - W))) / 2.0
    return np.where(k < W, eta_max * (k + 1.0) / W, cosine)


def warmup_cosine_schedule_stepped_before_the_first_update(eta_max, eta_min, W, T, steps):
    """The whole schedule one update early: the first update already uses 2 eta_max / W."""
    return _stepped_first(ref.warmup_cosine_schedule, eta_max, eta_min, W, T, steps)
