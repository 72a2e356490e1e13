"""Estimating the generalisation error without fooling yourself (course notes 1.1.1.5 and 1.1.1.6; early
stopping in 1.5.1.7).

The generalisation error R cannot be computed; it is estimated by the
empirical error on a finite set. The training error is optimistic, a test
set used to choose hyperparameters becomes optimistic too, so the
hyperparameters are chosen on a validation set (or on k validation folds)
and the test set is used once, at the end.

Conventions used by every function in this module:

- a set T of examples has ONE EXAMPLE PER ROW: targets and predictions
  have shape ``(n,)`` (one output per example: a class label or a number)
  or ``(n, k)`` (k outputs per example, e.g. one-hot rows). An empirical
  error is a MEAN OVER THE n EXAMPLES.
- index sets are arrays of ints (int64), in the order each function states;
  ``split_indices`` and ``kfold_indices`` take and give integers only (no
  float32 or float64 arithmetic to do).
- the data-set functions are deterministic: the shuffle is given as a
  permutation, and k-fold cross-validation does not shuffle, as
  ``sklearn.model_selection.KFold(n_splits=k)`` (its default).
- a decision never depends on rounding: every error these functions are
  given is a multiple of 1/16 or 1/64, so sums and comparisons are exact,
  and ties are broken by the rule each function states.

Where libraries differ from the notes, the functions say so: sklearn's
``mean_squared_error`` averages the squared errors over the k outputs too,
while the notes' quadratic loss sums them; sklearn's ``train_test_split``
shuffles unless told ``shuffle=False``.

Inputs are NumPy arrays (of ints or floats) and Python ints and strings;
each function also works on lists. Return Python ints and floats and NumPy
int arrays, as each function says (an error may be float32: it is compared
with float32 tolerances, relative 1e-4). Each call may use the CPU time your
course gives a call (a few seconds); every function here needs a few
milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check generalisation``).
"""

import numpy as np


def empirical_error(Y, Y_pred, loss="0-1"):
    """Return the empirical error ``R_T = 1/|T| sum_{(x, y) in T} L(y, g(x))`` of predictions on a set T.

    Time budget: 2 s of CPU per call (the course default).

    The loss is the notes' (1.1.1.5):

    - ``"0-1"``: ``L(y, y') = 1`` if ``y != y'``, else 0. An example with k
      outputs is wrong when its row differs from the target's row in ANY
      output, and then it counts 1, however many outputs differ (sklearn's
      ``zero_one_loss`` on rows). R_T is the fraction of examples wrong.
    - ``"quadratic"``: ``L(y, y') = ||y - y'||^2``, the squared errors SUMMED
      over the k outputs of the example (``(y - y')^2`` for one output),
      with no 1/2. sklearn's ``mean_squared_error`` and torch's
      ``F.mse_loss`` average over the k outputs as well: they give ``R_T / k``.

    Either way ``|T| = n`` is the number of examples (rows).

    For example, one-hot targets ``[[1,0,0], [0,1,0], [0,0,1], [1,0,0], [0,1,0]]``
    and predictions ``[[1,0,0], [0,0,1], [0,0,1], [0,1,0], [0,1,0]]`` have 2
    wrong rows of 5: ``R_T = 0.4`` (4 of the 15 entries differ: 4/15 is not
    it). Targets ``[[1, 2, 0], [0, 0, 0], [3, -1, 1]]`` and predictions
    ``[[1, 0, 0], [1, 1, 0], [3, -1, 1]]`` have squared errors 4, 2 and 0:
    the quadratic ``R_T = 6 / 3 = 2`` (not 2/3, the mean over the 9 entries).

    Parameters
    ----------
    Y : ndarray of shape (n,) or (n, k)
        the targets y (ints for the 0-1 loss, floats for the quadratic one)
    Y_pred : ndarray of Y's shape
        the predictions g(x)
    loss : str
        ``"0-1"`` or ``"quadratic"``

    Returns
    -------
    float
    """
    Y, Y_pred = np.asarray(Y), np.asarray(Y_pred)
    n = len(Y)
    Y, Y_pred = Y.reshape(n, -1), Y_pred.reshape(n, -1)
    if loss == "0-1":
        wrong = np.any(Y != Y_pred, axis=1)
        return float(wrong.sum() / n)
    if loss == "quadratic":
        squared = (Y.astype(float) - Y_pred.astype(float)) ** 2
        return float(squared.sum(axis=1).mean())
    raise ValueError(f"loss must be '0-1' or 'quadratic', not {loss!r}")


def split_indices(permutation, n_train, n_val):
    """Return the indices of the training, validation and test sets of a data set shuffled by ``permutation``.

    Time budget: 2 s of CPU per call (the course default).

    The data set's examples are 0 .. n - 1; ``permutation`` lists them in
    shuffled order. The first ``n_train`` of the permutation are the training
    set, the next ``n_val`` the validation set, and the rest the test set:
    ``train = permutation[:n_train]``,
    ``val = permutation[n_train:n_train + n_val]``,
    ``test = permutation[n_train + n_val:]``. The three are disjoint and
    together hold every example once. Each keeps the permutation's order
    (do not sort them). This is sklearn's
    ``train_test_split(permutation, train_size=n_train, shuffle=False)``
    followed by a second one on the rest, with ``train_size=n_val``.

    For example ``permutation = [3, 0, 4, 1, 5, 2]``, ``n_train = 3``,
    ``n_val = 1`` give ``train = [3, 0, 4]``, ``val = [1]``, ``test = [5, 2]``.

    Parameters
    ----------
    permutation : ndarray of shape (n,)
        a permutation of 0 .. n - 1 (ints)
    n_train, n_val : int
        the sizes of the training and validation sets, n_train + n_val <= n

    Returns
    -------
    tuple (train, val, test)
        int ndarrays of shapes (n_train,), (n_val,) and (n - n_train - n_val,)
    """
    permutation = np.asarray(permutation, dtype=np.int64)
    end_val = n_train + n_val
    return permutation[:n_train], permutation[n_train:end_val], permutation[end_val:]


def kfold_indices(n, k):
    """Return the (training, validation) indices of each fold of k-fold cross-validation on n examples.

    Time budget: 2 s of CPU per call (the course default).

    The examples 0 .. n - 1 are cut, in order and without shuffling, into k
    runs of consecutive indices, the validation folds. When k does not
    divide n, the remainder ``n mod k`` is spread over the FIRST folds: the
    first ``n mod k`` folds have ``n // k + 1`` examples, the others
    ``n // k``. Every example is in exactly one validation fold. Fold j's
    training set is every example not in its validation fold. Both are in
    ascending order: this is ``sklearn.model_selection.KFold(n_splits=k).split``.

    For example ``n = 7, k = 3`` gives folds of sizes 3, 2, 2:
    ``[([3, 4, 5, 6], [0, 1, 2]), ([0, 1, 2, 5, 6], [3, 4]), ([0, 1, 2, 3, 4], [5, 6])]``.

    Parameters
    ----------
    n : int
        the number of examples
    k : int
        the number of folds, 2 <= k <= n

    Returns
    -------
    list of k tuples (train, validation)
        int ndarrays in ascending order, fold 0 first
    """
    n, k = int(n), int(k)
    everything = np.arange(n)
    folds, start = [], 0
    for fold in range(k):
        size = n // k + (1 if fold < n % k else 0)
        validation = everything[start:start + size]
        train = np.concatenate([everything[:start], everything[start + size:]])
        folds.append((train, validation))
        start += size
    return folds


def select_hyperparameter(val_errors, test_errors):
    """Return the candidate hyperparameter with the lowest mean validation error, and its test error.

    Time budget: 2 s of CPU per call (the course default).

    ``val_errors[i, j]`` is the validation error of the model trained with
    candidate i on fold j of k-fold cross-validation; ``test_errors[i]`` the
    test error that candidate's final model would have. Choose
    ``i* = argmin_i (1/k) sum_j val_errors[i, j]`` -- the lowest MEAN over
    the folds. When several candidates tie on the lowest mean, choose the one
    listed FIRST (the lowest i, as ``np.argmin`` does). Then report the test
    error of ``i*`` only: ``test_errors[i*]``. The test errors play no part
    in the choice (choosing on them overfits the test set, notes 1.1.1.6).
    The errors are multiples of 1/16, so means tie exactly.

    For example
    ``val_errors = [[0.25, 0.25, 0.5], [0.5, 0.25, 0.25], [0.125, 0.75, 0.5], [0.5, 0.5, 0.375]]``
    and ``test_errors = [0.375, 0.25, 0.3125, 0.125]``: the means are 1/3,
    1/3, 11/24 and 11/24, candidates 0 and 1 tie, so the answer is
    ``(0, 0.375)`` -- not candidate 2 (the best single fold) nor candidate 3
    (the best test error).

    Parameters
    ----------
    val_errors : ndarray of shape (c, k)
        the validation error of candidate i on fold j, floats
    test_errors : ndarray of shape (c,)
        the test error of each candidate, floats

    Returns
    -------
    tuple (i_star, test_error)
        an int and a float
    """
    means = np.asarray(val_errors, dtype=float).mean(axis=1)
    best = int(np.argmin(means))  # the first of equal means
    return best, float(np.asarray(test_errors, dtype=float)[best])


def early_stopping(val_errors, patience):
    """Return the epoch whose weights early stopping keeps, and the epoch at which training stops.

    Time budget: 2 s of CPU per call (the course default).

    ``val_errors[t]`` is the validation error after epoch t (t = 0, 1, ...,
    T - 1). Epoch t IMPROVES when its error is STRICTLY lower than the error
    of every earlier epoch; an epoch equal to the best so far does not
    improve (the earlier epoch stays the best, and the count goes on). The
    best epoch is the last one that improved (epoch 0 to begin with).
    Training stops at the first epoch t at which ``patience`` epochs in a
    row have passed without improvement since the best: ``t - best == patience``.
    If that never happens, training runs to the last epoch, ``T - 1``. The
    epoch to keep is the best epoch at the stop; the epochs after the stop
    are never trained, so their errors are not looked at.

    For example with ``patience = 3`` and
    ``val_errors = [0.5, 0.375, 0.25, 0.3125, 0.25, 0.28125, 0.34375, 0.375, 0.40625, 0.125]``:
    epoch 2 is the best, epochs 3, 4 (a tie) and 5 do not improve, so
    training stops at epoch 5 and keeps epoch 2: ``(2, 5)``. Epoch 9 is
    never trained.

    Parameters
    ----------
    val_errors : ndarray of shape (T,)
        the validation error after each epoch, floats
    patience : int
        the number of epochs without improvement to wait, >= 1

    Returns
    -------
    tuple (best_epoch, stop_epoch)
        two ints
    """
    values = np.asarray(val_errors, dtype=float)
    best = 0
    for t in range(1, len(values)):
        if values[t] < values[best]:
            best = t
        elif t - best >= patience:
            return best, t
    return best, len(values) - 1
