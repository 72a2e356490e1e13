"""The schedule references against torch's own schedulers over many updates, and the conventions the exercises state.

- every schedule is the rate torch's optimiser holds at each ``optimizer.step()``,
  with ``scheduler.step()`` after the update, over 60 updates: ``LinearLR``,
  ``LambdaLR`` (the power law), ``ExponentialLR`` with gamma = c^(1/s),
  ``CosineAnnealingLR`` and ``SequentialLR`` of warm-up and cosine up to T;
- where the notes' convention and torch's part ways, they do, and the known
  mistake is torch's side: a scheduler stepped before the first update skips
  eta_0; ``ExponentialLR(gamma=c)`` is the notes' schedule with s = 1;
  ``CosineAnnealingLR`` rises again after T_max where the schedule holds eta_min;
- the docstrings' worked examples hold, and a solution computing in float32
  scores full marks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler

import reference.schedules as ref
import reference.schedules_mistakes as wrong
import reference.schedules_torch as ref_torch

STEPS = 60


def torch_rates(lr, make, steps=STEPS, step_first=False):
    """The rate torch's SGD uses at each of ``steps`` updates under the scheduler ``make(optimizer)``."""
    parameter = torch.nn.Parameter(torch.ones(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([parameter], lr=lr)
    scheduler = make(optimizer)
    rates = []
    for _ in range(steps):
        if step_first:
            scheduler.step()
        before = parameter.detach().clone()
        parameter.grad = torch.ones_like(parameter)
        optimizer.step()
        rates.append(float(before - parameter.detach()))  # the step taken with gradient 1 is the rate used
        if not step_first:
            scheduler.step()
    return np.array(rates)


def assert_rates(got, want, rtol=1e-12):
    np.testing.assert_allclose(np.asarray(got, dtype=float), want, rtol=rtol, atol=1e-15)


@pytest.mark.parametrize("eta_0, eta_K, K", [(0.5, 0.02, 20), (0.1, 0.1 / 8, 45), (0.3, 0.0, 7)])
def test_linear_schedule_is_torch_s_linear_lr_and_holds_after_k(eta_0, eta_K, K):
    want = torch_rates(eta_0, lambda o: lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=eta_K / eta_0, total_iters=K))
    for module in (ref, ref_torch):
        assert_rates(module.linear_schedule(eta_0, eta_K, K, STEPS), want, rtol=1e-10)
    assert want[0] == pytest.approx(eta_0) and np.allclose(want[K:], eta_K, rtol=1e-10, atol=1e-15)
    # The linear formula carried past K is not what torch does (nor the notes).
    assert not np.allclose(wrong.linear_schedule_not_held_after_K(eta_0, eta_K, K, STEPS), want)


def test_linear_schedule_rising_is_torch_s_linear_lr_on_the_larger_rate():
    want = torch_rates(0.4, lambda o: lr_scheduler.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=12))
    for module in (ref, ref_torch):
        assert_rates(module.linear_schedule(0.1, 0.4, 12, STEPS), want, rtol=1e-10)


@pytest.mark.parametrize("s, c", [(10, -0.5), (3, -1.0), (7.5, -0.25)])
def test_power_law_schedule_is_torch_s_lambda_lr(s, c):
    want = torch_rates(0.2, lambda o: lr_scheduler.LambdaLR(o, lambda k: (1 + k / s) ** c))
    for module in (ref, ref_torch):
        assert_rates(module.power_law_schedule(0.2, s, c, STEPS), want)


@pytest.mark.parametrize("s, c", [(1, 0.95), (4, 0.5), (10, 0.9)])
def test_exponential_schedule_is_torch_s_exponential_lr_with_gamma_c_to_the_one_over_s(s, c):
    want = torch_rates(0.3, lambda o: lr_scheduler.ExponentialLR(o, gamma=c ** (1 / s)))
    for module in (ref, ref_torch):
        assert_rates(module.exponential_schedule(0.3, s, c, STEPS), want, rtol=1e-10)
    # gamma = c is the notes' schedule only when s = 1: it is the mistake that ignores the scale.
    torch_gamma_c = torch_rates(0.3, lambda o: lr_scheduler.ExponentialLR(o, gamma=c))
    assert_rates(wrong.exponential_schedule_scale_ignored(0.3, s, c, STEPS), torch_gamma_c, rtol=1e-10)
    assert np.allclose(torch_gamma_c, want) == (s == 1)
    # torch's StepLR is the stairs.
    stairs = torch_rates(0.3, lambda o: lr_scheduler.StepLR(o, step_size=s, gamma=c))
    assert_rates(wrong.exponential_schedule_in_stairs(0.3, s, c, STEPS), stairs, rtol=1e-10)


@pytest.mark.parametrize("T", [10, 25, 59])
def test_cosine_schedule_is_torch_s_cosine_annealing_up_to_t_and_holds_after_where_torch_rises(T):
    want = torch_rates(0.5, lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=T, eta_min=0.01))
    ours = ref.cosine_schedule(0.5, 0.01, T, STEPS)
    assert_rates(ours[: T + 1], want[: T + 1], rtol=1e-10)
    np.testing.assert_allclose(ours[T:], 0.01, rtol=1e-12)
    assert_rates(ref_torch.cosine_schedule(0.5, 0.01, T, STEPS), ours, rtol=1e-10)
    # torch's cosine is periodic: after T_max it rises again, which is the mistake "not held after T".
    if T + 1 < STEPS:
        assert want[-1] > 0.02
        assert_rates(wrong.cosine_schedule_not_held_after_T(0.5, 0.01, T, STEPS), want, rtol=1e-10)


@pytest.mark.parametrize("W, T", [(5, 40), (2, 9), (10, 55)])
def test_warmup_cosine_schedule_is_torch_s_sequential_lr_up_to_t(W, T):
    warm_then_cosine = lambda o: lr_scheduler.SequentialLR(  # noqa: E731
        o, [lr_scheduler.LinearLR(o, start_factor=1 / W, end_factor=1.0, total_iters=W - 1),
            lr_scheduler.CosineAnnealingLR(o, T_max=T - W, eta_min=0.02)], milestones=[W])
    want = torch_rates(0.6, warm_then_cosine)
    ours = ref.warmup_cosine_schedule(0.6, 0.02, W, T, STEPS)
    assert_rates(ours[: T + 1], want[: T + 1], rtol=1e-10)
    np.testing.assert_allclose(ours[T:], 0.02, rtol=1e-12)
    assert ours[0] == pytest.approx(0.6 / W) and ours[W - 1] == pytest.approx(0.6) == ours[W]
    # The same rates through one LambdaLR, as a student may write it.
    factor = lambda k: (k + 1) / W if k < W else (0.02 + 0.58 * (1 + math.cos(math.pi * min(k - W, T - W) / (T - W))) / 2) / 0.6  # noqa: E731
    assert_rates(ours, torch_rates(0.6, lambda o: lr_scheduler.LambdaLR(o, factor)), rtol=1e-10)
    for W_, T_ in ((W, T), (1, T)):
        assert_rates(ref_torch.warmup_cosine_schedule(0.6, 0.02, W_, T_, STEPS), ref.warmup_cosine_schedule(0.6, 0.02, W_, T_, STEPS),
                     rtol=1e-10)


@pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)` before `optimizer.step\\(\\)`")
@pytest.mark.parametrize("function, args", [
    ("linear_schedule", (0.5, 0.02, 20)), ("power_law_schedule", (0.2, 10, -0.5)), ("exponential_schedule", (0.3, 4, 0.5)),
    ("cosine_schedule", (0.5, 0.01, 25)), ("warmup_cosine_schedule", (0.6, 0.02, 5, 40)),
])
def test_a_scheduler_stepped_before_the_first_update_is_the_off_by_one_mistake(function, args):
    makers = {
        "linear_schedule": (0.5, lambda o: lr_scheduler.LinearLR(o, 1.0, 0.04, 20)),
        "power_law_schedule": (0.2, lambda o: lr_scheduler.LambdaLR(o, lambda k: (1 + k / 10) ** -0.5)),
        "exponential_schedule": (0.3, lambda o: lr_scheduler.ExponentialLR(o, 0.5 ** 0.25)),
        "cosine_schedule": (0.5, lambda o: lr_scheduler.CosineAnnealingLR(o, 25, 0.01)),
        "warmup_cosine_schedule": (0.6, lambda o: lr_scheduler.SequentialLR(
            o, [lr_scheduler.LinearLR(o, 0.2, 1.0, 4), lr_scheduler.CosineAnnealingLR(o, 35, 0.02)], milestones=[5])),
    }
    lr, make = makers[function]
    early = torch_rates(lr, make, steps=20, step_first=True)
    assert_rates(getattr(wrong, f"{function}_stepped_before_the_first_update")(*args, 20), early, rtol=1e-10)
    assert not np.allclose(getattr(ref, function)(*args, 20), early)


def test_the_docstrings_worked_examples(solutions):
    schedules = solutions("schedules")
    r2 = 1 / math.sqrt(2)
    for module in (ref, schedules):
        assert_rates(module.linear_schedule(0.4, 0.1, 3, 6), [0.4, 0.3, 0.2, 0.1, 0.1, 0.1], rtol=1e-14)
        assert_rates(module.power_law_schedule(0.6, 2, -1.0, 4), [0.6, 0.4, 0.3, 0.24], rtol=1e-14)
        assert_rates(module.exponential_schedule(0.8, 2, 0.25, 5), [0.8, 0.4, 0.2, 0.1, 0.05], rtol=1e-14)
        assert_rates(module.cosine_schedule(0.5, 0.1, 4, 7), [0.5, 0.1 + 0.2 * (1 + r2), 0.3, 0.1 + 0.2 * (1 - r2), 0.1, 0.1, 0.1],
                     rtol=1e-14)
        assert_rates(module.warmup_cosine_schedule(0.4, 0.1, 2, 6, 9),
                     [0.2, 0.4, 0.4, 0.1 + 0.15 * (1 + r2), 0.25, 0.1 + 0.15 * (1 - r2), 0.1, 0.1, 0.1], rtol=1e-14)


def test_solution_agrees_with_the_references(solutions):
    schedules = solutions("schedules")
    for args in ((0.1, 0.4, 12, 30), (0.9, 0.05, 1, 5)):
        assert_rates(schedules.linear_schedule(*args), ref.linear_schedule(*args), rtol=1e-14)
    assert_rates(schedules.warmup_cosine_schedule(0.3, 0.0, 1, 8, 12), ref.warmup_cosine_schedule(0.3, 0.0, 1, 8, 12), rtol=1e-14)


