"""The schedules references in torch; they must agree with :mod:`reference.schedules`.

Each is torch's own scheduler (``torch.optim.lr_scheduler``) on an SGD
optimiser of one float64 parameter: the rate of each update is read from the
optimiser before ``optimizer.step()``, and ``scheduler.step()`` is called
after it. Where the notes' schedule holds its last value and torch's does not
(cosine annealing after T, which torch continues periodically), the rates
from T on are torch's rate at T.
"""

from __future__ import annotations

import torch
from torch.optim import lr_scheduler


def _rates(lr: float, steps: int, make) -> torch.Tensor:
    parameter = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([parameter], lr=float(lr))
    scheduler = make(optimizer)
    rates = []
    for _ in range(int(steps)):
        rates.append(optimizer.param_groups[0]["lr"])
        parameter.grad = torch.zeros_like(parameter)
        optimizer.step()
        scheduler.step()
    return torch.tensor(rates, dtype=torch.float64)


def _held_after(rates: torch.Tensor, last: int) -> torch.Tensor:
    """The rates with every rate after index ``last`` replaced by the rate at ``last``."""
    index = torch.clamp(torch.arange(len(rates)), max=last)
    return rates[index]


def linear_schedule(eta_0, eta_K, K, steps) -> torch.Tensor:
    """The torch twin of :func:`reference.schedules.linear_schedule`: ``LinearLR`` (base rate the larger of the two)."""
    eta_0, eta_K = float(eta_0), float(eta_K)
    base = max(eta_0, eta_K)
    return _rates(base, steps, lambda o: lr_scheduler.LinearLR(o, start_factor=eta_0 / base, end_factor=eta_K / base,
                                                               total_iters=int(K)))


def power_law_schedule(eta_0, s, c, steps) -> torch.Tensor:
    """The torch twin of :func:`reference.schedules.power_law_schedule`: ``LambdaLR`` with ``(1 + k/s)^c``."""
    s, c = float(s), float(c)
    return _rates(eta_0, steps, lambda o: lr_scheduler.LambdaLR(o, lambda k: (1.0 + k / s) ** c))


def exponential_schedule(eta_0, s, c, steps) -> torch.Tensor:
    """The torch twin of :func:`reference.schedules.exponential_schedule`: ``ExponentialLR`` with gamma = c^(1/s)."""
    return _rates(eta_0, steps, lambda o: lr_scheduler.ExponentialLR(o, gamma=float(c) ** (1.0 / float(s))))


def cosine_schedule(eta_max, eta_min, T, steps) -> torch.Tensor:
    """The torch twin of :func:`reference.schedules.cosine_schedule`: ``CosineAnnealingLR`` up to T, held after."""
    T = int(T)
    rates = _rates(eta_max, max(int(steps), T + 1), lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=T, eta_min=float(eta_min)))
    return _held_after(rates, T)[: int(steps)]


def warmup_cosine_schedule(eta_max, eta_min, W, T, steps) -> torch.Tensor:
    """The torch twin of :func:`reference.schedules.warmup_cosine_schedule`: ``SequentialLR`` of warm-up and cosine, held after T."""
    W, T = int(W), int(T)

    def make(optimizer):
        if W == 1:  # no warm-up to speak of: the first update already uses eta_max
            return lr_scheduler.CosineAnnealingLR(optimizer, T_max=T - 1, eta_min=float(eta_min))
        warm = lr_scheduler.LinearLR(optimizer, start_factor=1.0 / W, end_factor=1.0, total_iters=W - 1)
        cosine = lr_scheduler.CosineAnnealingLR(optimizer, T_max=T - W, eta_min=float(eta_min))
        return lr_scheduler.SequentialLR(optimizer, [warm, cosine], milestones=[W])

    rates = _rates(eta_max, max(int(steps), T + 1), make)
    if W == 1:  # the cosine above starts at k = 0: shift it to start at k = 1, after the one warm-up update
        rates = torch.cat([rates[:1], rates[:-1]])
    return _held_after(rates, T)[: int(steps)]

