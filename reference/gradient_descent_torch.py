"""The gradient-descent references in torch; they must agree with :mod:`reference.gradient_descent`.

``iterates`` runs ``torch.optim.SGD(lr=eta)`` (no momentum, no weight decay)
on ``f(w) = 1/2 w^T A w - b^T w`` with autograd's gradient; the others use
``torch.linalg.eigh``/``eigvalsh``. ``is_stable`` compares ``eta lambda_max``
with 2 in floating point: it agrees with the exact reference wherever the
checks ask (eta at least 0.1% away from 2 / lambda_max, or A diagonal with
powers of two, where the comparison is exact). Everything is float64.
"""

from __future__ import annotations

import math

import torch


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64).clone()


def iterates(A, b, w0, eta, T) -> torch.Tensor:
    """The torch twin of :func:`reference.gradient_descent.iterates`: T steps of ``torch.optim.SGD``, shape (T + 1, d)."""
    A, b = _tensor(A), _tensor(b)
    w = torch.nn.Parameter(_tensor(w0))
    sgd = torch.optim.SGD([w], lr=float(eta))
    rows = [w.detach().clone()]
    for _ in range(int(T)):
        sgd.zero_grad()
        (0.5 * w @ A @ w - b @ w).backward()
        sgd.step()
        rows.append(w.detach().clone())
    return torch.stack(rows)


def after_steps(A, b, w0, eta, T) -> tuple[torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.gradient_descent.after_steps`: (w_T of shape (d,), factors of shape (d,))."""
    A, b, w0 = _tensor(A), _tensor(b), _tensor(w0)
    lam, Q = torch.linalg.eigh(A)
    w_star = torch.linalg.solve(A, b)
    factors = (1.0 - float(eta) * lam) ** int(T)
    return w_star + Q @ (factors * (Q.T @ (w0 - w_star))), factors


def is_stable(A, eta) -> bool:
    """The torch twin of :func:`reference.gradient_descent.is_stable`: ``0 < eta`` and ``eta lambda_max < 2``."""
    high = float(torch.linalg.eigvalsh(_tensor(A))[-1])
    return bool(float(eta) > 0 and float(eta) * high < 2.0)


def step_sizes(A) -> tuple[float, float, float]:
    """The torch twin of :func:`reference.gradient_descent.step_sizes`: (eta_max, eta_best, rate)."""
    lam = torch.linalg.eigvalsh(_tensor(A))
    low, high = float(lam[0]), float(lam[-1])
    return 2.0 / high, 2.0 / (low + high), (high - low) / (high + low)


def steps_to_tolerance(kappa, tol) -> int:
    """The torch twin of :func:`reference.gradient_descent.steps_to_tolerance`, with torch's log."""
    kappa, tol = _tensor(kappa), _tensor(tol)
    if float(tol) >= 1.0:
        return 0
    if float(kappa) == 1.0:
        return 1
    rho = (kappa - 1.0) / (kappa + 1.0)
    return int(math.ceil(float(torch.log(tol) / torch.log(rho))))
