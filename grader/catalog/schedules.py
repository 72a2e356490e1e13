"""Schedules: the notes' linear, power-law and exponential learning-rate schedules, cosine annealing, and
linear warm-up followed by cosine annealing.

Course notes 1.3.5.3 (learning rate scheduling). Every function returns the
rates of ``steps`` successive updates, ``rates[0]`` the rate of the FIRST
update (a scheduler steps after each update); a schedule that ends holds its
last rate (torch's ``CosineAnnealingLR`` does not).

Inputs tell the conventions from the mistakes students make: every run is
longer than the schedule (steps > K, > T), so a rate that is not held shows;
the linear schedule's K is never the number of steps; the exponential
schedule's scale s is at least 2 and the run ends off a multiple of s (a
per-update gamma or stairs show); a schedule stepped before the first update
shifts every rate. Every rate given is a float32 number, so a float32
solution starts from the same numbers.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.schedules_mistakes"


def representable(value: float) -> float:
    """The value rounded to float32, as a Python float: a float32 student and the reference start from the same number."""
    return float(np.float32(value))


def _schedules(t: Trial, function: str, calls: list[tuple[Any, ...]], show: bool = False) -> None:
    for args in calls:
        label = f"{function}{args}" if show else f"{function}(..., steps={args[-1]})"
        t.expect_close(t.student(*args), t.reference(*args), name=label)


STEPPED_FIRST_HINT = (
    "rates[0] is the rate of the FIRST update: the scheduler steps after each update (in torch, "
    "scheduler.step() comes after optimizer.step()), so the first update uses the starting rate, k = 0."
)


# -- schedules.linear_schedule -----------------------------------------------------


def linear_inputs(rng: np.random.Generator, increasing: bool = False) -> tuple[float, float, int, int]:
    """eta_0, eta_K, K and a number of steps beyond K (never equal to K)."""
    eta_0 = rng.uniform(0.05, 1.0)
    eta_K = eta_0 * rng.uniform(0.02, 0.5)
    if increasing:
        eta_0, eta_K = eta_K, eta_0
    K = int(rng.integers(3, 15))
    return representable(eta_0), representable(eta_K), K, K + int(rng.integers(3, 10))


def check_linear_schedule_worked_example(t: Trial) -> None:
    """'linear_schedule' on the docstring's example: eta_0 0.4, eta_K 0.1, K = 3, 6 updates: 0.4, 0.3, 0.2, 0.1, 0.1, 0.1."""
    _schedules(t, "linear_schedule", [(0.4, 0.1, 3, 6)], show=True)


def check_linear_schedule_runs_past_k(t: Trial) -> None:
    """'linear_schedule' over runs longer than K: two decreasing schedules and one increasing."""
    _schedules(t, "linear_schedule", [linear_inputs(t.rng), linear_inputs(t.rng), linear_inputs(t.rng, increasing=True)], show=True)


def check_linear_schedule_hidden(t: Trial) -> None:
    """'linear_schedule' on new rates, K and lengths."""
    _schedules(t, "linear_schedule", [linear_inputs(t.rng), linear_inputs(t.rng, increasing=bool(t.rng.integers(2)))])


LINEAR_SCHEDULE = Exercise(
    id="schedules.linear_schedule",
    input_classes=(),
    title="The linear learning-rate schedule, held at eta_K after K updates",
    notes="1.3.5.3 (learning rate scheduling: linear)",
    student=StudentFunction("schedules", "linear_schedule"),
    reference="reference.schedules:linear_schedule",
    torch_reference="reference.schedules_torch:linear_schedule",
    checks=(
        Check(check_linear_schedule_worked_example, points=1),
        Check(check_linear_schedule_runs_past_k, points=2),
        Check(check_linear_schedule_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake("stepped before the first update", STEPPED_FIRST_HINT,
                f"{MISTAKES}:linear_schedule_stepped_before_the_first_update"),
        Mistake(
            "not held after K",
            "the formula holds for k = 0 .. K only; from update K on the rate stays at eta_K (use min(k, K)), "
            "it does not keep falling (or rising) past eta_K.",
            f"{MISTAKES}:linear_schedule_not_held_after_K",
        ),
        Mistake(
            "spread over the whole run",
            "the rate goes from eta_0 to eta_K over the first K updates (k / K), not over all the steps (k / steps).",
            f"{MISTAKES}:linear_schedule_over_all_the_steps",
        ),
    ),
)


# -- schedules.power_law_schedule --------------------------------------------------


def power_law_inputs(rng: np.random.Generator) -> tuple[float, int, float, int]:
    return (representable(rng.uniform(0.05, 1.0)), int(rng.integers(2, 12)), representable(rng.uniform(-1.0, -0.25)),
            int(rng.integers(8, 25)))


def check_power_law_schedule_worked_example(t: Trial) -> None:
    """'power_law_schedule' on the docstring's example: eta_0 0.6, s = 2, c = -1, 4 updates: 0.6, 0.4, 0.3, 0.24."""
    _schedules(t, "power_law_schedule", [(0.6, 2, -1.0, 4)], show=True)


def check_power_law_schedule_random(t: Trial) -> None:
    """'power_law_schedule' with the notes' usual c = -0.5 and with two other exponents and scales."""
    first = power_law_inputs(t.rng)
    _schedules(t, "power_law_schedule", [(first[0], first[1], -0.5, first[3]), power_law_inputs(t.rng), power_law_inputs(t.rng)],
               show=True)


def check_power_law_schedule_hidden(t: Trial) -> None:
    """'power_law_schedule' on new rates, scales and exponents."""
    _schedules(t, "power_law_schedule", [power_law_inputs(t.rng), power_law_inputs(t.rng)])


POWER_LAW_SCHEDULE = Exercise(
    id="schedules.power_law_schedule",
    input_classes=(),
    title="The power-law learning-rate schedule eta_0 (1 + k/s)^c",
    notes="1.3.5.3 (learning rate scheduling: power law)",
    student=StudentFunction("schedules", "power_law_schedule"),
    reference="reference.schedules:power_law_schedule",
    torch_reference="reference.schedules_torch:power_law_schedule",
    checks=(
        Check(check_power_law_schedule_worked_example, points=1),
        Check(check_power_law_schedule_random, points=2),
        Check(check_power_law_schedule_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake("stepped before the first update", STEPPED_FIRST_HINT,
                f"{MISTAKES}:power_law_schedule_stepped_before_the_first_update"),
        Mistake(
            "scale multiplies k",
            "the scale s divides the update count: (1 + k / s)^c; a larger s makes the rate fall more slowly.",
            f"{MISTAKES}:power_law_schedule_scale_multiplies",
        ),
        Mistake(
            "exponent's sign flipped",
            "c is already negative (usually -0.5): raise (1 + k/s) to c itself, not to -c, so that the rate falls.",
            f"{MISTAKES}:power_law_schedule_exponent_negated",
        ),
    ),
)


# -- schedules.exponential_schedule ------------------------------------------------


def exponential_inputs(rng: np.random.Generator) -> tuple[float, int, float, int]:
    s = int(rng.integers(2, 8))
    steps = s * int(rng.integers(2, 5)) + int(rng.integers(1, s))
    return representable(rng.uniform(0.05, 1.0)), s, representable(rng.uniform(0.3, 0.97)), steps


def check_exponential_schedule_worked_example(t: Trial) -> None:
    """'exponential_schedule' on the docstring's example: eta_0 0.8, s = 2, c = 0.25, 5 updates: 0.8, 0.4, 0.2, 0.1, 0.05."""
    _schedules(t, "exponential_schedule", [(0.8, 2, 0.25, 5)], show=True)


def check_exponential_schedule_random(t: Trial) -> None:
    """'exponential_schedule' with scales from 2 to 7 and decay factors from 0.3 to 0.97."""
    _schedules(t, "exponential_schedule", [exponential_inputs(t.rng) for _ in range(3)], show=True)


def check_exponential_schedule_hidden(t: Trial) -> None:
    """'exponential_schedule' on new rates, scales and decay factors."""
    _schedules(t, "exponential_schedule", [exponential_inputs(t.rng) for _ in range(2)])


EXPONENTIAL_SCHEDULE = Exercise(
    id="schedules.exponential_schedule",
    input_classes=(),
    title="Exponential decay of the learning rate, eta_0 c^(k/s), and torch's per-update gamma",
    notes="1.3.5.3 (learning rate scheduling: exponential decay)",
    student=StudentFunction("schedules", "exponential_schedule"),
    reference="reference.schedules:exponential_schedule",
    torch_reference="reference.schedules_torch:exponential_schedule",
    checks=(
        Check(check_exponential_schedule_worked_example, points=1),
        Check(check_exponential_schedule_random, points=2),
        Check(check_exponential_schedule_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake("stepped before the first update", STEPPED_FIRST_HINT,
                f"{MISTAKES}:exponential_schedule_stepped_before_the_first_update"),
        Mistake(
            "c taken as torch's gamma",
            "the notes' c is the factor over s updates: eta_0 c^(k/s). torch's ExponentialLR multiplies by gamma "
            "every update, so its gamma is c^(1/s), not c.",
            f"{MISTAKES}:exponential_schedule_scale_ignored",
        ),
        Mistake(
            "decay in stairs",
            "the exponent is k / s itself, not its integer part: the rate falls a little at every update "
            "(c^(k/s)), not by c at once every s updates (that is torch's StepLR).",
            f"{MISTAKES}:exponential_schedule_in_stairs",
        ),
    ),
)


# -- schedules.cosine_schedule -----------------------------------------------------


def cosine_inputs(rng: np.random.Generator) -> tuple[float, float, int, int]:
    eta_max = rng.uniform(0.1, 1.0)
    T = int(rng.integers(3, 15))
    return representable(eta_max), representable(eta_max * rng.uniform(0.02, 0.3)), T, T + int(rng.integers(3, 9))


def check_cosine_schedule_worked_example(t: Trial) -> None:
    """'cosine_schedule' on the docstring's example: eta_max 0.5, eta_min 0.1, T = 4, 7 updates: 0.5, 0.441, 0.3, 0.159, 0.1, 0.1, 0.1."""
    _schedules(t, "cosine_schedule", [(0.5, 0.1, 4, 7)], show=True)


def check_cosine_schedule_runs_past_t(t: Trial) -> None:
    """'cosine_schedule' over three runs longer than T (the rate stays at eta_min after T)."""
    _schedules(t, "cosine_schedule", [cosine_inputs(t.rng) for _ in range(3)], show=True)


def check_cosine_schedule_hidden(t: Trial) -> None:
    """'cosine_schedule' on new rates, T and lengths."""
    _schedules(t, "cosine_schedule", [cosine_inputs(t.rng) for _ in range(2)])


COSINE_SCHEDULE = Exercise(
    id="schedules.cosine_schedule",
    input_classes=(),
    title="Cosine annealing of the learning rate from eta_max to eta_min over T updates",
    notes="1.3.5.3 (learning rate scheduling); cosine annealing",
    student=StudentFunction("schedules", "cosine_schedule"),
    reference="reference.schedules:cosine_schedule",
    torch_reference="reference.schedules_torch:cosine_schedule",
    checks=(
        Check(check_cosine_schedule_worked_example, points=1),
        Check(check_cosine_schedule_runs_past_t, points=2),
        Check(check_cosine_schedule_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "not held after T (torch's periodic cosine)",
            "the schedule ends at T: from update T on the rate stays at eta_min (use min(k, T)). torch's "
            "CosineAnnealingLR goes on along the cosine and rises again after T_max.",
            f"{MISTAKES}:cosine_schedule_not_held_after_T",
        ),
        Mistake("stepped before the first update", STEPPED_FIRST_HINT,
                f"{MISTAKES}:cosine_schedule_stepped_before_the_first_update"),
        Mistake(
            "eta_min added on top",
            "the cosine runs between eta_max and eta_min: eta_min + (eta_max - eta_min) (1 + cos(pi k / T)) / 2, "
            "which starts at eta_max, not at eta_max + eta_min.",
            f"{MISTAKES}:cosine_schedule_floor_left_out",
        ),
    ),
)


# -- schedules.warmup_cosine_schedule ----------------------------------------------


def warmup_inputs(rng: np.random.Generator) -> tuple[float, float, int, int, int]:
    eta_max = rng.uniform(0.1, 1.0)
    W = int(rng.integers(2, 6))
    T = W + int(rng.integers(3, 12))
    return representable(eta_max), representable(eta_max * rng.uniform(0.02, 0.3)), W, T, T + int(rng.integers(2, 7))


def check_warmup_cosine_schedule_worked_example(t: Trial) -> None:
    """'warmup_cosine_schedule' on the docstring's example: eta_max 0.4, eta_min 0.1, W = 2, T = 6, 9 updates."""
    _schedules(t, "warmup_cosine_schedule", [(0.4, 0.1, 2, 6, 9)], show=True)


def check_warmup_cosine_schedule_random(t: Trial) -> None:
    """'warmup_cosine_schedule' over three runs with warm-ups of 2 to 5 updates, longer than T."""
    _schedules(t, "warmup_cosine_schedule", [warmup_inputs(t.rng) for _ in range(3)], show=True)


def check_warmup_cosine_schedule_hidden(t: Trial) -> None:
    """'warmup_cosine_schedule' on new rates, warm-ups and lengths."""
    _schedules(t, "warmup_cosine_schedule", [warmup_inputs(t.rng) for _ in range(2)])


WARMUP_COSINE_SCHEDULE = Exercise(
    id="schedules.warmup_cosine_schedule",
    input_classes=(),
    title="Linear warm-up, then cosine annealing",
    notes="1.3.5.3 (learning rate scheduling); warm-up (lottery tickets: 'a few iterations of warm-up')",
    student=StudentFunction("schedules", "warmup_cosine_schedule"),
    reference="reference.schedules:warmup_cosine_schedule",
    torch_reference="reference.schedules_torch:warmup_cosine_schedule",
    checks=(
        Check(check_warmup_cosine_schedule_worked_example, points=1),
        Check(check_warmup_cosine_schedule_random, points=2),
        Check(check_warmup_cosine_schedule_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "warm-up from 0",
            "update k of the warm-up (k = 0 .. W - 1) uses eta_max (k + 1) / W: the first update uses eta_max / W, "
            "not 0 (a rate of 0 wastes the update), and the W-th reaches eta_max.",
            f"{MISTAKES}:warmup_cosine_schedule_warmup_from_zero",
        ),
        Mistake(
            "cosine counted from the start of training",
            "the cosine starts where the warm-up ends: its phase is pi (k - W) / (T - W), which is 0 at k = W "
            "and pi at k = T.",
            f"{MISTAKES}:warmup_cosine_schedule_cosine_over_T",
        ),
        Mistake(
            "not held after T",
            "the schedule ends at T: from update T on the rate stays at eta_min, it does not rise again along the cosine.",
            f"{MISTAKES}:warmup_cosine_schedule_not_held_after_T",
        ),
        Mistake("stepped before the first update", STEPPED_FIRST_HINT,
                f"{MISTAKES}:warmup_cosine_schedule_stepped_before_the_first_update"),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    LINEAR_SCHEDULE,
    POWER_LAW_SCHEDULE,
    EXPONENTIAL_SCHEDULE,
    COSINE_SCHEDULE,
    WARMUP_COSINE_SCHEDULE,
)
