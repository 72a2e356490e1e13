"""The generalisation references in torch; they must agree with :mod:`reference.generalisation`.

torch has no function for these (nor does it split or fold a data set), so
each twin is written again with tensor operations, differently from the
NumPy one where that checks something: the 0-1 loss from ``torch.any`` over
the rows, the folds from ``torch.arange`` and cumulative sizes, the selection
from ``torch.argmin`` of the summed errors (exact on the checks' inputs,
multiples of 1/16 with few folds; ``argmin`` returns the first of equal
values), the early stop from a running minimum (``torch.cummin``).
"""

from __future__ import annotations

import torch


def _rows(values) -> torch.Tensor:
    tensor = torch.as_tensor(values)
    return tensor.reshape(len(tensor), -1)


def empirical_error(Y, Y_pred, loss="0-1") -> float:
    """The torch twin of :func:`reference.generalisation.empirical_error`: Y and Y_pred of shape (n,) or (n, k)."""
    Y, Y_pred = _rows(Y), _rows(Y_pred)
    if loss == "0-1":
        return float(torch.any(Y != Y_pred, dim=1).to(torch.float64).mean())
    if loss == "quadratic":
        return float(((Y.to(torch.float64) - Y_pred.to(torch.float64)) ** 2).sum(dim=1).mean())
    raise ValueError(f"unknown loss {loss!r}")


def split_indices(permutation, n_train, n_val) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The torch twin of :func:`reference.generalisation.split_indices`: ``torch.split`` of the permutation."""
    permutation = torch.as_tensor(permutation, dtype=torch.int64)
    sizes = [int(n_train), int(n_val), len(permutation) - int(n_train) - int(n_val)]
    return tuple(part.clone() for part in torch.split(permutation, sizes))  # type: ignore[return-value]


def kfold_indices(n, k) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The torch twin of :func:`reference.generalisation.kfold_indices`: a mask per fold."""
    n, k = int(n), int(k)
    sizes = torch.full((k,), n // k, dtype=torch.int64)
    sizes[: n % k] += 1
    ends = torch.cumsum(sizes, 0)
    everything = torch.arange(n, dtype=torch.int64)
    folds = []
    for end, size in zip(ends.tolist(), sizes.tolist()):
        in_fold = (everything >= end - size) & (everything < end)
        folds.append((everything[~in_fold], everything[in_fold]))
    return folds


def select_hyperparameter(val_errors, test_errors) -> tuple[int, float]:
    """The torch twin of :func:`reference.generalisation.select_hyperparameter`: ``argmin`` of the summed errors."""
    totals = torch.as_tensor(val_errors, dtype=torch.float64).sum(dim=1)
    best = int(torch.argmin(totals))
    return best, float(torch.as_tensor(test_errors, dtype=torch.float64)[best])


def early_stopping(val_errors, patience) -> tuple[int, int]:
    """The torch twin of :func:`reference.generalisation.early_stopping`: epochs since the running minimum's epoch."""
    values = torch.as_tensor(val_errors, dtype=torch.float64)
    epochs = torch.arange(len(values))
    running = torch.cummin(values, dim=0).values
    improved = torch.ones(len(values), dtype=torch.bool)
    improved[1:] = running[1:] < running[:-1]  # strictly below every earlier value
    best_so_far = torch.cummax(torch.where(improved, epochs, torch.zeros_like(epochs)), dim=0).values
    stops = torch.nonzero(epochs - best_so_far >= int(patience)).flatten()
    stop = int(stops[0]) if len(stops) else len(values) - 1
    return int(best_so_far[stop]), stop
