"""Estimating the generalisation error in NumPy (course notes 1.1.1.5 and 1.1.1.6; 1.5.1.7, early stopping).

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters. Conventions (the notes'; where a
library's differ, the exercises say so and a check tells them apart):

- a set ``T`` of examples has one example per row: targets and predictions
  are ``(n,)`` (one output each) or ``(n, k)`` (k outputs each); the
  empirical error is ``R_T = 1/|T| sum_{(x, y) in T} L(y, g(x))``, a mean
  over the n EXAMPLES;
- the 0-1 loss of an example is 1 when its prediction differs from its
  target in any output (the whole row), 0 otherwise (sklearn's
  ``zero_one_loss`` on rows); the quadratic loss is ``||y - y'||^2``, summed
  over the k outputs, without a 1/2 (sklearn's ``mean_squared_error`` and
  torch's ``F.mse_loss`` also average over the k outputs: ``R_T / k``);
- index sets are int64 arrays; a split of a permutation keeps the
  permutation's order (``perm[:n_train]``, then the next ``n_val``, then the
  rest), which is what sklearn's ``train_test_split(..., shuffle=False)``
  gives when applied twice; k-fold cross-validation is sklearn's
  ``KFold(n_splits=k)`` without shuffling: contiguous folds, the first
  ``n mod k`` folds one example larger, indices ascending;
- decisions (the lowest mean validation error, the best epoch) are exact:
  ties go to the candidate listed first and to the earlier epoch.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

LOSSES = ("0-1", "quadratic")


def _rows(values) -> np.ndarray:
    """``values`` as an array with one row per example: shape (n, k), (n,) becoming (n, 1)."""
    array = np.asarray(values)
    return array.reshape(len(array), -1)


def empirical_error(Y, Y_pred, loss="0-1") -> float:
    """The empirical error ``R_T = 1/|T| sum_{(x, y) in T} L(y, g(x))`` with the 0-1 or the quadratic loss.

    0-1: ``L(y, y') = 1`` if ``y != y'`` (any of the k outputs differs), else 0.
    Quadratic: ``L(y, y') = ||y - y'||^2 = sum_j (y_j - y'_j)^2``.

    Parameters
    ----------
    Y : ndarray of shape (n,) or (n, k), the targets
    Y_pred : ndarray of Y's shape, the predictions g(x)
    loss : str, ``"0-1"`` or ``"quadratic"``

    Returns
    -------
    float
    """
    Y, Y_pred = _rows(Y), _rows(Y_pred)
    n = Y.shape[0]
    if loss == "0-1":
        return float(np.any(Y != Y_pred, axis=1).sum() / n)
    if loss == "quadratic":
        difference = Y.astype(float) - Y_pred.astype(float)
        return float((difference**2).sum() / n)
    raise ValueError(f"loss must be one of {LOSSES}, not {loss!r}")


def split_indices(permutation, n_train, n_val) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The training, validation and test indices of a data set shuffled by ``permutation``.

    ``Tr = perm[:n_train]``, ``Va = perm[n_train:n_train + n_val]``,
    ``Te = perm[n_train + n_val:]``: disjoint, together every index once,
    each in the permutation's order.

    Parameters
    ----------
    permutation : ndarray of shape (n,), a permutation of 0 .. n - 1
    n_train, n_val : int, the sizes of the training and validation sets (n_train + n_val <= n)

    Returns
    -------
    tuple (train, val, test) of int64 ndarrays of shapes (n_train,), (n_val,), (n - n_train - n_val,)
    """
    permutation = np.asarray(permutation, dtype=np.int64)
    end_val = n_train + n_val
    return permutation[:n_train].copy(), permutation[n_train:end_val].copy(), permutation[end_val:].copy()


def fold_sizes(n: int, k: int) -> list[int]:
    """The sizes of k folds of n examples: ``n // k + 1`` for the first ``n mod k``, ``n // k`` for the rest."""
    return [n // k + (1 if fold < n % k else 0) for fold in range(k)]


def kfold_indices(n, k) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, validation) indices of k-fold cross-validation of n examples, in order, without shuffling.

    Fold j's validation set is the j-th run of consecutive indices, of size
    ``n // k + 1`` for the first ``n mod k`` folds and ``n // k`` for the
    others; its training set is every other index. Each index is validated
    exactly once. This is ``sklearn.model_selection.KFold(n_splits=k).split``.

    Parameters
    ----------
    n : int, the number of examples
    k : int, the number of folds, 2 <= k <= n

    Returns
    -------
    list of k tuples (train, validation) of ascending int64 ndarrays
    """
    n, k = int(n), int(k)
    everything = np.arange(n, dtype=np.int64)
    folds, start = [], 0
    for size in fold_sizes(n, k):
        validation = everything[start : start + size]
        training = np.concatenate([everything[:start], everything[start + size :]])
        folds.append((training, validation.copy()))
        start += size
    return folds


def mean_validation_errors(val_errors) -> list[Fraction]:
    """Each candidate's mean validation error over the folds, as an exact fraction of its float inputs."""
    rows = np.asarray(val_errors, dtype=float)
    return [sum((Fraction(float(v)) for v in row), Fraction(0)) / rows.shape[1] for row in rows]


def select_hyperparameter(val_errors, test_errors) -> tuple[int, float]:
    """The candidate with the lowest mean validation error over the folds, and its test error.

    ``i* = argmin_i 1/k sum_j val_errors[i, j]``, ties to the lowest i; the
    test error is read for ``i*`` only: ``test_errors[i*]``. The comparison
    is exact (in fractions), never decided by rounding.

    Parameters
    ----------
    val_errors : ndarray of shape (c, k), candidate i's validation error on fold j
    test_errors : ndarray of shape (c,), the test error of the model with candidate i

    Returns
    -------
    tuple (i*: int, test error of i*: float)
    """
    means = mean_validation_errors(val_errors)
    best = min(range(len(means)), key=lambda i: (means[i], i))
    return best, float(np.asarray(test_errors, dtype=float)[best])


def early_stopping(val_errors, patience) -> tuple[int, int]:
    """Early stopping on a validation curve: the epoch to keep and the epoch training stops at.

    Epoch t improves when ``val_errors[t]`` is STRICTLY lower than every
    earlier value (a tie does not improve, and does not reset the count).
    Training stops at the first epoch t with ``t - best = patience``: after
    ``patience`` epochs in a row without improvement since the best one. If
    that never happens it stops at the last epoch, ``T - 1``. The epoch to
    keep is the best one up to the stop (later epochs are never looked at).

    Parameters
    ----------
    val_errors : ndarray of shape (T,), the validation error after each epoch t = 0 .. T - 1
    patience : int >= 1

    Returns
    -------
    tuple (best epoch: int, stop epoch: int)
    """
    values = np.asarray(val_errors, dtype=float)
    best = 0
    for t in range(1, len(values)):
        if values[t] < values[best]:
            best = t
        elif t - best >= patience:
            return best, t
    return best, len(values) - 1
