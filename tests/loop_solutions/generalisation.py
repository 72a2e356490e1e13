"""Generalisation estimates in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import numpy as np


def empirical_error(Y, Y_pred, loss="0-1"):
    Y, Y_pred = np.asarray(Y), np.asarray(Y_pred)
    n = len(Y)
    Y, Y_pred = Y.reshape(n, -1), Y_pred.reshape(n, -1)
    if loss not in ("0-1", "quadratic"):
        raise ValueError(f"loss must be '0-1' or 'quadratic', not {loss!r}")
    total = 0.0
    for i in range(n):
        if loss == "0-1":
            wrong = False
            for j in range(Y.shape[1]):
                if Y[i, j] != Y_pred[i, j]:
                    wrong = True
            total += 1.0 if wrong else 0.0
        else:
            for j in range(Y.shape[1]):
                total += (float(Y[i, j]) - float(Y_pred[i, j])) ** 2
    return float(total / n)


def split_indices(permutation, n_train, n_val):
    train, val, test = [], [], []
    for position, index in enumerate(permutation):
        (train if position < n_train else val if position < n_train + n_val else test).append(int(index))
    return tuple(np.array(part, dtype=np.int64) for part in (train, val, test))


def kfold_indices(n, k):
    n, k = int(n), int(k)
    folds, start = [], 0
    for fold in range(k):
        size = n // k + (1 if fold < n % k else 0)
        validation = [i for i in range(start, start + size)]
        train = [i for i in range(n) if not start <= i < start + size]
        folds.append((np.array(train, dtype=np.int64), np.array(validation, dtype=np.int64)))
        start += size
    return folds


def select_hyperparameter(val_errors, test_errors):
    best, best_mean = 0, None
    for i, row in enumerate(val_errors):
        total = 0.0
        for value in row:
            total += float(value)
        mean = total / len(row)
        if best_mean is None or mean < best_mean:
            best, best_mean = i, mean
    return best, float(test_errors[best])


def early_stopping(val_errors, patience):
    best = 0
    for t in range(1, len(val_errors)):
        if val_errors[t] < val_errors[best]:
            best = t
        elif t - best >= patience:
            return best, t
    return best, len(val_errors) - 1
