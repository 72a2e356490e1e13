"""Known mistakes in the generalisation exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/generalisation.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np

from reference.generalisation import (
    _rows,
    early_stopping,
    empirical_error,
    fold_sizes,
    mean_validation_errors,
    select_hyperparameter,
)

# -- empirical_error ---------------------------------------------------------------------------


def empirical_error_zero_one_over_entries(Y, Y_pred, loss="0-1"):
    """Averages the 0-1 loss over all n k entries (each output a separate example) instead of over the n examples."""
    if loss == "0-1":
        return float(np.mean(_rows(Y) != _rows(Y_pred)))
    return empirical_error(Y, Y_pred, loss)


def empirical_error_accuracy(Y, Y_pred, loss="0-1"):
    """Returns the fraction of examples predicted right (the accuracy) for the 0-1 loss, not the fraction wrong."""
    if loss == "0-1":
        return 1.0 - empirical_error(Y, Y_pred, loss)
    return empirical_error(Y, Y_pred, loss)


def empirical_error_sum_over_examples(Y, Y_pred, loss="0-1"):
    """Sums the losses over the examples instead of averaging them (no 1/|T|)."""
    return empirical_error(Y, Y_pred, loss) * len(_rows(Y))


def empirical_error_quadratic_mean_over_outputs(Y, Y_pred, loss="0-1"):
    """Averages the squared errors over the k outputs too (sklearn's mean_squared_error, torch's mse_loss)."""
    if loss == "quadratic":
        return empirical_error(Y, Y_pred, loss) / _rows(Y).shape[1]
    return empirical_error(Y, Y_pred, loss)


def empirical_error_quadratic_halved(Y, Y_pred, loss="0-1"):
    """Puts the quadratic cost's 1/2 into the quadratic loss: 1/(2|T|) sum ||y - y'||^2."""
    if loss == "quadratic":
        return empirical_error(Y, Y_pred, loss) / 2
    return empirical_error(Y, Y_pred, loss)


# -- split_indices -----------------------------------------------------------------------------


def split_indices_permutation_ignored(permutation, n_train, n_val):
    """Splits the indices 0 .. n - 1 in their own order: the permutation is not used."""
    everything = np.arange(len(permutation), dtype=np.int64)
    return everything[:n_train], everything[n_train : n_train + n_val], everything[n_train + n_val :]


def split_indices_permutation_as_ranks(permutation, n_train, n_val):
    """Reads the permutation as ranks: index i goes to training when perm[i] < n_train."""
    permutation = np.asarray(permutation, dtype=np.int64)
    train = np.flatnonzero(permutation < n_train)
    val = np.flatnonzero((permutation >= n_train) & (permutation < n_train + n_val))
    return train, val, np.flatnonzero(permutation >= n_train + n_val)


def split_indices_test_before_validation(permutation, n_train, n_val):
    """Takes the test set right after the training set and the validation set from the end."""
    permutation = np.asarray(permutation, dtype=np.int64)
    n_test = len(permutation) - n_train - n_val
    return permutation[:n_train], permutation[n_train + n_test :], permutation[n_train : n_train + n_test]


def split_indices_validation_in_test(permutation, n_train, n_val):
    """Gives the test set everything after the training set, the validation examples included."""
    permutation = np.asarray(permutation, dtype=np.int64)
    return permutation[:n_train], permutation[n_train : n_train + n_val], permutation[n_train:]


# -- kfold_indices -----------------------------------------------------------------------------


def _folds_of(n, sizes_and_starts):
    everything = np.arange(n, dtype=np.int64)
    folds = []
    for start, size in sizes_and_starts:
        in_fold = (everything >= start) & (everything < start + size)
        folds.append((everything[~in_fold], everything[in_fold]))
    return folds


def kfold_indices_remainder_dropped(n, k):
    """Makes every fold n // k examples long: the last n mod k examples are never validated."""
    n, k = int(n), int(k)
    return _folds_of(n, [(fold * (n // k), n // k) for fold in range(k)])


def kfold_indices_remainder_in_last_fold(n, k):
    """Gives the whole remainder n mod k to the last fold instead of one more to each of the first n mod k."""
    n, k = int(n), int(k)
    sizes = [n // k] * (k - 1) + [n // k + n % k]
    return _folds_of(n, list(zip(np.cumsum([0] + sizes[:-1]).tolist(), sizes)))


def kfold_indices_overlapping_folds(n, k):
    """Makes each fold ceil(n / k) long but starts fold j at j (n // k): neighbouring folds overlap."""
    n, k = int(n), int(k)
    size = -(-n // k)
    return _folds_of(n, [(fold * (n // k), size) for fold in range(k)])


def kfold_indices_validation_in_training(n, k):
    """Trains each fold on every example, its own validation fold included."""
    n, k = int(n), int(k)
    everything = np.arange(n, dtype=np.int64)
    starts = np.cumsum([0] + fold_sizes(n, k)[:-1]).tolist()
    return [(everything.copy(), everything[start : start + size].copy()) for start, size in zip(starts, fold_sizes(n, k))]


# -- select_hyperparameter ---------------------------------------------------------------------


def select_hyperparameter_on_test(val_errors, test_errors):
    """Chooses the candidate with the lowest TEST error (the test set used for selection)."""
    test = np.asarray(test_errors, dtype=float)
    best = int(np.argmin(test))
    return best, float(test[best])


def select_hyperparameter_best_fold(val_errors, test_errors):
    """Chooses the candidate with the lowest error on its best single fold, not the lowest mean over the folds."""
    lowest = np.asarray(val_errors, dtype=float).min(axis=1)
    best = int(np.argmin(lowest))
    return best, float(np.asarray(test_errors, dtype=float)[best])


def select_hyperparameter_last_of_ties(val_errors, test_errors):
    """Breaks ties of the mean validation error towards the candidate listed last."""
    means = mean_validation_errors(val_errors)
    best = max(range(len(means)), key=lambda i: (-means[i], i))
    return best, float(np.asarray(test_errors, dtype=float)[best])


def select_hyperparameter_validation_error_reported(val_errors, test_errors):
    """Reports the chosen candidate's mean validation error instead of its test error."""
    best, _ = select_hyperparameter(val_errors, test_errors)
    return best, float(np.asarray(val_errors, dtype=float)[best].mean())


def select_hyperparameter_lowest_test_reported(val_errors, test_errors):
    """Chooses on validation but reports the lowest test error of any candidate."""
    best, _ = select_hyperparameter(val_errors, test_errors)
    return best, float(np.min(np.asarray(test_errors, dtype=float)))


# -- early_stopping ----------------------------------------------------------------------------


def early_stopping_last_epoch_kept(val_errors, patience):
    """Keeps the weights of the epoch training stopped at, not those of the best epoch."""
    _, stop = early_stopping(val_errors, patience)
    return stop, stop


def early_stopping_ties_improve(val_errors, patience):
    """Counts an epoch equal to the best as an improvement (<= instead of <): a tie moves the best and resets the count."""
    values = np.asarray(val_errors, dtype=float)
    best = 0
    for t in range(1, len(values)):
        if values[t] <= values[best]:
            best = t
        elif t - best >= patience:
            return best, t
    return best, len(values) - 1


def early_stopping_patience_from_last_decrease(val_errors, patience):
    """Counts the patience from the last epoch that was lower than the one before it, not from the best epoch."""
    values = np.asarray(val_errors, dtype=float)
    best, last_decrease = 0, 0
    for t in range(1, len(values)):
        if values[t] < values[best]:
            best = t
        if values[t] < values[t - 1]:
            last_decrease = t
        elif t - last_decrease >= patience:
            return best, t
    return best, len(values) - 1


def early_stopping_one_epoch_late(val_errors, patience):
    """Stops after patience + 1 epochs without improvement (t - best > patience)."""
    values = np.asarray(val_errors, dtype=float)
    best = 0
    for t in range(1, len(values)):
        if values[t] < values[best]:
            best = t
        elif t - best > patience:
            return best, t
    return best, len(values) - 1


def early_stopping_whole_curve_minimum(val_errors, patience):
    """Keeps the epoch of the whole curve's minimum, looking past the epoch training stopped at."""
    _, stop = early_stopping(val_errors, patience)
    return int(np.argmin(np.asarray(val_errors, dtype=float))), stop
