"""Estimating the generalisation error: the empirical error with the 0-1 and quadratic losses, a
train/validation/test split by a permutation, k-fold cross-validation, choosing a hyperparameter on
the validation folds, and early stopping with patience.

Course notes 1.1.1.5 and 1.1.1.6 (errors, overfitting, the validation set)
and 1.5.1.7 (early stopping). Conventions are the notes' and sklearn's (see
``exercises/generalisation.py``): an empirical error is a mean over the
examples; a split keeps the permutation's order; folds are sklearn's
``KFold`` without shuffling (the first n mod k folds one larger); the lowest
mean validation error wins, ties to the candidate listed first; an epoch
improves only when strictly below every earlier one, and training stops after
``patience`` epochs without improvement since the best.

Inputs tell the conventions from the mistakes students make: multi-output
0-1 targets whose wrong rows differ in one output or in two (the mean over
entries shows), error rates away from 1/2 (the accuracy shows), quadratic
errors with k >= 2 outputs (the mean over outputs and the 1/2 show);
permutations that are not their own inverse, with validation and test sets
of different sizes; n that k does not divide (the remainder shows);
candidates tied on the lowest mean validation error, another with the best
single fold, another with the lowest test error; validation curves that tie
the best, dip below the epoch before without beating the best, rise for
longer than the patience and reach a new minimum after the stop. Decisions need no rounding: error rates are
multiples of 1/16, curves multiples of 1/64, so sums and comparisons are
exact in float32 and float64 alike, and the reference decides in fractions.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.generalisation_mistakes"


def representable(values: Any) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def _redraw(rng: np.random.Generator, draw: Callable[[np.random.Generator], Any], good: Callable[[Any], bool]) -> Any:
    """``draw(rng)`` until ``good`` holds (it holds for most draws; 1000 tries are far more than needed)."""
    for _ in range(1000):
        value = draw(rng)
        if good(value):
            return value
    raise RuntimeError("no discriminating input in 1000 draws: the generator is broken")


# -- generalisation.empirical_error --------------------------------------------------------------


def multi_output_targets(rng: np.random.Generator, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """0/1 targets of shape (n, k) and predictions that get some rows wrong, in one output or in two.

    The fraction of wrong rows is never 0, 1/2 or 1, and differs from the
    fraction of wrong entries.
    """

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        Y = rng.integers(0, 2, size=(n, k))
        Y_pred = Y.copy()
        wrong = rng.choice(n, size=int(rng.integers(1, n)), replace=False)
        for row in wrong:
            outputs = rng.choice(k, size=int(rng.integers(1, 3)), replace=False)
            Y_pred[row, outputs] = 1 - Y_pred[row, outputs]
        return Y, Y_pred

    def good(pair: tuple[np.ndarray, np.ndarray]) -> bool:
        rows = Fraction(int(np.any(pair[0] != pair[1], axis=1).sum()), n)
        entries = Fraction(int((pair[0] != pair[1]).sum()), n * k)
        return rows not in (0, Fraction(1, 2), 1) and rows != entries

    return _redraw(rng, draw, good)


def class_labels(rng: np.random.Generator, n: int, classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Class labels of shape (n,) and predictions with some of them wrong (never none, half or all)."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        y = rng.integers(0, classes, size=n)
        y_pred = y.copy()
        wrong = rng.choice(n, size=int(rng.integers(1, n)), replace=False)
        y_pred[wrong] = (y_pred[wrong] + rng.integers(1, classes, size=len(wrong))) % classes
        return y, y_pred

    return _redraw(rng, draw, lambda pair: 2 * int((pair[0] != pair[1]).sum()) != n)


def regression_targets(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    return representable(rng.normal(size=shape)), representable(rng.normal(size=shape))


def _errors(t: Trial, cases: list[tuple[np.ndarray, np.ndarray, str | None]], show: bool = False) -> None:
    """One expectation per case; a loss of None leaves it out of the student's call (its default is "0-1")."""
    for Y, Y_pred, loss in cases:
        shown = "" if loss is None else f", {loss!r}"
        label = f"empirical_error({Y.tolist()}, {Y_pred.tolist()}{shown})" if show else f"empirical_error(arrays of shape {Y.shape}{shown})"
        given = (Y.tolist(), Y_pred.tolist()) if show else (Y, Y_pred)  # the values shown are given as lists
        got = t.student(*given) if loss is None else t.student(*given, loss)
        t.expect_close(got, t.reference(Y, Y_pred, loss or "0-1"), name=label)


def check_empirical_error_worked_example(t: Trial) -> None:
    """'empirical_error' on the docstring's examples: 2 of 5 one-hot rows wrong (0.4), and squared errors 4 + 2 + 0 of 3 outputs over 3 examples (2)."""
    one_hot = np.eye(3, dtype=np.int64)
    Y, Y_pred = one_hot[[0, 1, 2, 0, 1]], one_hot[[0, 2, 2, 1, 1]]
    _errors(t, [(Y, Y_pred, "0-1"), (np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0], [3.0, -1.0, 1.0]]), np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [3.0, -1.0, 1.0]]), "quadratic")],
            show=True)


def check_empirical_error_zero_one(t: Trial) -> None:
    """'empirical_error' with the 0-1 loss: rows of 0/1 outputs wrong in one output or two (a row counts once), and class labels (the default loss)."""
    _errors(t, [(*multi_output_targets(t.rng, 7, 4), "0-1"), (*multi_output_targets(t.rng, 5, 3), "0-1"), (*class_labels(t.rng, 9, 4), None)])


def check_empirical_error_quadratic(t: Trial) -> None:
    """'empirical_error' with the quadratic loss ||y - y'||^2: 6 examples of 3 outputs, and 5 of one output."""
    _errors(t, [(*regression_targets(t.rng, (6, 3)), "quadratic"), (*regression_targets(t.rng, (5,)), "quadratic")])


def check_empirical_error_hidden(t: Trial) -> None:
    """'empirical_error' on new sets: multi-output and class-label 0-1 errors, and quadratic errors of 2 to 5 outputs."""
    n = int(t.rng.integers(5, 11))
    _errors(t, [(*multi_output_targets(t.rng, n, int(t.rng.integers(3, 6))), "0-1"),
                (*class_labels(t.rng, n + 1, int(t.rng.integers(3, 6))), "0-1"),
                (*regression_targets(t.rng, (n, int(t.rng.integers(2, 6)))), "quadratic")])


EMPIRICAL_ERROR = Exercise(
    id="generalisation.empirical_error",
    input_classes=("integer dtype: Y", "list input: Y"),
    title="The empirical error with the 0-1 and the quadratic losses",
    notes="1.1.1.5 (loss functions, empirical error, training and test errors)",
    student=StudentFunction("generalisation", "empirical_error"),
    reference="reference.generalisation:empirical_error",
    torch_reference="reference.generalisation_torch:empirical_error",
    checks=(
        Check(check_empirical_error_worked_example, points=1),
        Check(check_empirical_error_zero_one, points=2),
        Check(check_empirical_error_quadratic, points=1),
        Check(check_empirical_error_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "0-1 loss averaged over every entry",
            "the 0-1 loss is a loss per EXAMPLE: an example whose row differs from its target in any output counts "
            "1, however many outputs differ, and R_T divides by the number of examples |T| = n, not by n k.",
            f"{MISTAKES}:empirical_error_zero_one_over_entries",
        ),
        Mistake(
            "accuracy instead of error",
            "the 0-1 loss is 1 where the prediction is WRONG: R_T is the fraction of examples misclassified, "
            "1 minus the accuracy.",
            f"{MISTAKES}:empirical_error_accuracy",
        ),
        Mistake(
            "sum over the examples",
            "R_T = 1/|T| sum L: divide the summed loss by the number of examples, so that sets of different sizes "
            "compare.",
            f"{MISTAKES}:empirical_error_sum_over_examples",
        ),
        Mistake(
            "quadratic loss averaged over the outputs",
            "the quadratic loss of an example is ||y - y'||^2, SUMMED over its k outputs; only the examples are "
            "averaged. (sklearn's mean_squared_error and torch's mse_loss also divide by k.)",
            f"{MISTAKES}:empirical_error_quadratic_mean_over_outputs",
        ),
        Mistake(
            "1/2 of the quadratic cost",
            "the quadratic LOSS of 1.1.1.5 is (y - y')^2 with no 1/2; the 1/2 belongs to the quadratic cost used "
            "for training, where it cancels the 2 of the derivative.",
            f"{MISTAKES}:empirical_error_quadratic_halved",
        ),
    ),
)


# -- generalisation.split_indices ------------------------------------------------------------------


def split_inputs(rng: np.random.Generator) -> tuple[np.ndarray, int, int]:
    """A permutation of 10 to 20 indices that is not its own inverse, and sizes with n_val != n_test, both >= 2."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, int, int]:
        n = int(rng.integers(10, 21))
        n_train = int(rng.integers(n // 2, n - 4))
        n_val = int(rng.integers(2, n - n_train - 1))
        return rng.permutation(n), n_train, n_val

    def good(inputs: tuple[np.ndarray, int, int]) -> bool:
        permutation, n_train, n_val = inputs
        n_test = len(permutation) - n_train - n_val
        ranks_differ = set(np.flatnonzero(permutation < n_train)) != set(permutation[:n_train])
        in_order = np.array_equal(permutation[:n_train], np.arange(n_train))
        return n_test >= 2 and n_val != n_test and ranks_differ and not in_order

    return _redraw(rng, draw, good)


def _splits(t: Trial, cases: list[tuple[np.ndarray, int, int]], show: bool = False) -> None:
    for permutation, n_train, n_val in cases:
        label = (f"split_indices({permutation.tolist()}, {n_train}, {n_val})" if show
                 else f"split_indices(a permutation of {len(permutation)}, n_train={n_train}, n_val={n_val})")
        given = permutation.tolist() if show else permutation  # the values shown are given as a list
        t.expect_close(t.student(given, n_train, n_val), t.reference(permutation, n_train, n_val), name=label,
                       returns=("ints", "ints", "ints"))


def check_split_indices_worked_example(t: Trial) -> None:
    """'split_indices' on the docstring's example: perm [3, 0, 4, 1, 5, 2], 3 for training, 1 for validation."""
    _splits(t, [(np.array([3, 0, 4, 1, 5, 2]), 3, 1)], show=True)


def check_split_indices_random_permutations(t: Trial) -> None:
    """'split_indices' of three shuffled data sets of 10 to 20 examples, validation and test sets of different sizes."""
    _splits(t, [split_inputs(t.rng) for _ in range(3)])


def check_split_indices_hidden(t: Trial) -> None:
    """'split_indices' of new shuffled data sets."""
    _splits(t, [split_inputs(t.rng) for _ in range(3)])


INDICES_ONLY = "integers in, index arrays out: there is no floating-point arithmetic to do in float32"


SPLIT_INDICES = Exercise(
    id="generalisation.split_indices",
    input_classes=("integer dtype: permutation", "list input: permutation"),
    title="Training, validation and test sets from a permutation",
    notes="1.1.1.6 (training, validation and test sets)",
    student=StudentFunction("generalisation", "split_indices"),
    reference="reference.generalisation:split_indices",
    torch_reference="reference.generalisation_torch:split_indices",
    float32=False,
    float32_reason=INDICES_ONLY,
    checks=(
        Check(check_split_indices_worked_example, points=1),
        Check(check_split_indices_random_permutations, points=2),
        Check(check_split_indices_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "permutation ignored",
            "the permutation is the shuffle: the training set is its first n_train entries, perm[:n_train], not "
            "the indices 0 .. n_train - 1 (data sets are often sorted, by class or by date).",
            f"{MISTAKES}:split_indices_permutation_ignored",
        ),
        Mistake(
            "permutation read as ranks",
            "perm[i] is the index of the example that comes i-th after shuffling, not the place example i goes "
            "to: slice the permutation itself (perm[:n_train]) rather than looking up where perm < n_train.",
            f"{MISTAKES}:split_indices_permutation_as_ranks",
        ),
        Mistake(
            "test set taken before the validation set",
            "the order is training, then validation, then test: the validation set is the n_val entries right "
            "after the training set, and the test set is what remains at the end.",
            f"{MISTAKES}:split_indices_test_before_validation",
        ),
        Mistake(
            "validation examples in the test set",
            "the three sets are disjoint: the test set starts after the validation set, at n_train + n_val. A test "
            "set that holds the examples the hyperparameters were chosen on is no longer an unbiased estimate.",
            f"{MISTAKES}:split_indices_validation_in_test",
        ),
    ),
)


# -- generalisation.kfold_indices -----------------------------------------------------------------


def kfold_inputs(rng: np.random.Generator) -> tuple[int, int]:
    """n from 11 to 30 and k from 3 to 6, with k not dividing n."""
    return _redraw(rng, lambda rng: (int(rng.integers(11, 31)), int(rng.integers(3, 7))), lambda nk: nk[0] % nk[1] != 0)


def _folds(t: Trial, cases: list[tuple[int, int]]) -> None:
    for n, k in cases:
        t.expect_close(t.student(n, k), t.reference(n, k), name=f"kfold_indices({n}, {k})")


def check_kfold_indices_worked_example(t: Trial) -> None:
    """'kfold_indices' on the docstring's examples: 7 examples in 3 folds (sizes 3, 2, 2) and 6 in 3 (sizes 2, 2, 2)."""
    _folds(t, [(7, 3), (6, 3)])


def check_kfold_indices_remainders(t: Trial) -> None:
    """'kfold_indices' with remainders: 10 in 4 folds (10 mod 4 = 2), 11 in 3, and a random n and k that k does not divide."""
    _folds(t, [(10, 4), (11, 3), kfold_inputs(t.rng)])


def check_kfold_indices_hidden(t: Trial) -> None:
    """'kfold_indices' for new n and k, with remainders."""
    _folds(t, [kfold_inputs(t.rng) for _ in range(3)])


KFOLD_INDICES = Exercise(
    id="generalisation.kfold_indices",
    input_classes=(),
    title="k-fold cross-validation indices (the remainder to the first folds)",
    notes="1.1.1.6 (the validation set; when data is scarce)",
    student=StudentFunction("generalisation", "kfold_indices"),
    reference="reference.generalisation:kfold_indices",
    torch_reference="reference.generalisation_torch:kfold_indices",
    float32=False,
    float32_reason=INDICES_ONLY,
    checks=(
        Check(check_kfold_indices_worked_example, points=1),
        Check(check_kfold_indices_remainders, points=2),
        Check(check_kfold_indices_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "remainder dropped",
            "with n // k examples per fold, the last n mod k examples are never validated: every example must be "
            "in exactly one validation fold. Give the first n mod k folds one example more.",
            f"{MISTAKES}:kfold_indices_remainder_dropped",
        ),
        Mistake(
            "remainder in the last fold",
            "the n mod k extra examples are spread one each over the FIRST n mod k folds (as sklearn's KFold "
            "does), not all given to the last fold.",
            f"{MISTAKES}:kfold_indices_remainder_in_last_fold",
        ),
        Mistake(
            "folds that overlap",
            "each fold starts where the one before it ended: with folds of ceil(n / k) starting every n // k "
            "examples, neighbouring folds share examples. Add up the sizes of the earlier folds to find a fold's start.",
            f"{MISTAKES}:kfold_indices_overlapping_folds",
        ),
        Mistake(
            "validation fold in the training set",
            "a fold's training set is every example EXCEPT its validation fold; trained on them too, the model is "
            "judged on examples it has seen.",
            f"{MISTAKES}:kfold_indices_validation_in_training",
        ),
    ),
)


# -- generalisation.select_hyperparameter -------------------------------------------------------

SIXTEENTHS = 16


def selection_inputs(rng: np.random.Generator, tie: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Validation errors (c, k) and test errors (c,), multiples of 1/16, telling the right choice from the mistakes.

    With ``tie``, two candidates share the lowest mean validation error (the
    later one a reordering of the earlier one's folds, so the tie is exact);
    another candidate has the lowest single fold; the lowest test error belongs
    to a candidate that is not chosen; the chosen one's test error differs from
    its mean validation error.
    """

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        c, k = int(rng.integers(4, 7)), int(rng.integers(3, 6))
        units = rng.integers(3, 15, size=(c, k))
        best = int(rng.integers(0, c - 1))
        if tie:
            units[int(rng.integers(best + 1, c))] = rng.permutation(units[best])
        other = int(rng.choice([i for i in range(c) if i != best and not np.array_equal(np.sort(units[i]), np.sort(units[best]))]))
        units[other, int(rng.integers(k))] = 1
        test = rng.integers(2, 15, size=c)
        return units / SIXTEENTHS, test / SIXTEENTHS

    def good(inputs: tuple[np.ndarray, np.ndarray]) -> bool:
        val, test = inputs
        sums = (val * SIXTEENTHS).round().astype(int).sum(axis=1)
        chosen = int(np.argmin(sums))
        tied = np.flatnonzero(sums == sums[chosen])
        return (
            len(tied) == (2 if tie else 1)
            and int(np.argmin(val.min(axis=1))) != chosen
            and len(np.flatnonzero(test == test.min())) == 1 and int(np.argmin(test)) not in tied
            and Fraction(int(sums[chosen]), SIXTEENTHS * val.shape[1]) != Fraction(int(round(test[chosen] * SIXTEENTHS)), SIXTEENTHS)
        )

    return _redraw(rng, draw, good)


def _selections(t: Trial, cases: list[tuple[np.ndarray, np.ndarray]], show: bool = False) -> None:
    for val, test in cases:
        label = (f"select_hyperparameter({val.tolist()}, {test.tolist()})" if show
                 else f"select_hyperparameter(errors of {val.shape[0]} candidates on {val.shape[1]} folds, test errors)")
        given = (val.tolist(), test.tolist()) if show else (val, test)  # the values shown are given as lists
        t.expect_close(t.student(*given), t.reference(val, test), name=label, returns=("int", None))


def check_select_hyperparameter_worked_example(t: Trial) -> None:
    """'select_hyperparameter' on the docstring's example: candidates 0 and 1 tie at a mean of 1/3; 0 is chosen, test error 0.375."""
    val = np.array([[0.25, 0.25, 0.5], [0.5, 0.25, 0.25], [0.125, 0.75, 0.5], [0.5, 0.5, 0.375]])
    _selections(t, [(val, np.array([0.375, 0.25, 0.3125, 0.125]))], show=True)


def check_select_hyperparameter_random_candidates(t: Trial) -> None:
    """'select_hyperparameter' on 4 to 6 candidates and 3 to 5 folds: a tie on the lowest mean, a best single fold and a best test error elsewhere."""
    _selections(t, [selection_inputs(t.rng), selection_inputs(t.rng), selection_inputs(t.rng, tie=False)])


def check_select_hyperparameter_hidden(t: Trial) -> None:
    """'select_hyperparameter' on new candidates and folds, with and without ties."""
    _selections(t, [selection_inputs(t.rng), selection_inputs(t.rng, tie=False)])


SELECT_HYPERPARAMETER = Exercise(
    id="generalisation.select_hyperparameter",
    input_classes=("ties: -val_errors.mean(axis=-1)", "list input: val_errors"),
    title="Choosing a hyperparameter on the validation folds, and reporting its test error once",
    notes="1.1.1.4 (setting the hyperparameters); 1.1.1.6 (the validation set, overfitting the test set)",
    student=StudentFunction("generalisation", "select_hyperparameter"),
    reference="reference.generalisation:select_hyperparameter",
    torch_reference="reference.generalisation_torch:select_hyperparameter",
    checks=(
        Check(check_select_hyperparameter_worked_example, points=1),
        Check(check_select_hyperparameter_random_candidates, points=2),
        Check(check_select_hyperparameter_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "test set used for selection",
            "choose on the VALIDATION errors only: a candidate chosen for its test error makes the test error an "
            "optimistic estimate (the notes' 'overfitting the test set'). The test error is read once, for the "
            "candidate already chosen.",
            f"{MISTAKES}:select_hyperparameter_on_test",
        ),
        Mistake(
            "best single fold",
            "compare the candidates by their MEAN validation error over the k folds: one lucky fold says little "
            "about the generalisation error.",
            f"{MISTAKES}:select_hyperparameter_best_fold",
        ),
        Mistake(
            "ties broken towards the last candidate",
            "when candidates tie on the lowest mean validation error, the one listed FIRST wins (np.argmin's rule; "
            "a strict < in a loop keeps the earlier one).",
            f"{MISTAKES}:select_hyperparameter_last_of_ties",
        ),
        Mistake(
            "validation error reported",
            "the validation error of the chosen candidate is biased low (it was chosen for being low); report its "
            "TEST error, test_errors[i*].",
            f"{MISTAKES}:select_hyperparameter_validation_error_reported",
        ),
        Mistake(
            "lowest test error reported",
            "report the test error of the candidate chosen on validation, test_errors[i*], not the lowest test "
            "error of all candidates: that is choosing on the test set again.",
            f"{MISTAKES}:select_hyperparameter_lowest_test_reported",
        ),
    ),
)


# -- generalisation.early_stopping -----------------------------------------------------------------

SIXTY_FOURTHS = 64


def stopping_curve(rng: np.random.Generator, patience: int) -> np.ndarray:
    """A validation curve (multiples of 1/64) that falls to its best, waits, rises, and falls again past the stop.

    ``patience`` >= 3. After the best epoch come ``patience`` epochs never
    lower than the best: one of them (not the first) equals it, and one (not
    the first) is lower than the epoch before it. Then ``patience + 2``
    epochs rise above all of them, and the curve ends on a new minimum. So
    each known mistake stops or keeps a different epoch: a tie taken as an
    improvement moves the best; patience counted from the dip stops at least
    one epoch after patience counted one epoch late; the whole curve's
    minimum lies past every stop.
    """

    def draw(rng: np.random.Generator) -> np.ndarray:
        start = int(rng.integers(48, 60))
        descent = start - np.concatenate([[0], np.cumsum(rng.integers(1, 5, size=int(rng.integers(3, 7))))])
        best = int(descent[-1])
        window = best + rng.integers(1, 6, size=patience)
        window[int(rng.integers(1, patience))] = best
        rise = window.max() + np.cumsum(rng.integers(1, 3, size=patience + 2))
        later = best - np.cumsum(rng.integers(1, 4, size=int(rng.integers(1, 4))))
        return np.concatenate([descent, window, rise, later])

    def dips(units: np.ndarray) -> bool:
        best = int(np.argmax(np.diff(units) >= 0))  # the descent ends where the curve first stops falling
        window = units[best + 1 : best + 1 + patience]
        return bool(np.any(window[1:] < window[:-1]))

    return _redraw(rng, draw, dips).astype(float) / SIXTY_FOURTHS


def _stops(t: Trial, cases: list[tuple[np.ndarray, int]], show: bool = False) -> None:
    for curve, patience in cases:
        label = (f"early_stopping({curve.tolist()}, {patience})" if show
                 else f"early_stopping(a curve of {len(curve)} epochs, patience={patience})")
        given = curve.tolist() if show else curve  # the values shown are given as a list
        t.expect_close(t.student(given, patience), t.reference(curve, patience), name=label, returns=("int", "int"))


def check_early_stopping_worked_example(t: Trial) -> None:
    """'early_stopping' on the docstring's example: the best at epoch 2, a tie at 4, stopping at 5 with patience 3."""
    _stops(t, [(np.array([0.5, 0.375, 0.25, 0.3125, 0.25, 0.28125, 0.34375, 0.375, 0.40625, 0.125]), 3)], show=True)


def check_early_stopping_random_curves(t: Trial) -> None:
    """'early_stopping' on curves that tie the best, dip without beating it, rise, and fall again after the stop; patience 3 to 5."""
    _stops(t, [(stopping_curve(t.rng, patience), patience) for patience in (3, int(t.rng.integers(4, 6)))])


def check_early_stopping_never_stops(t: Trial) -> None:
    """'early_stopping' on a curve that keeps improving within the patience (and ends on a tie): training runs to the last epoch."""
    units = 60 - np.cumsum(t.rng.integers(1, 4, size=9))
    units[[3, 6, 8]] = units[[2, 5, 7]]  # ties: two followed by an improvement, and the last epoch
    curve = np.concatenate([[64], units]) / SIXTY_FOURTHS
    _stops(t, [(curve, 3), (stopping_curve(t.rng, 3), 3)])


def check_early_stopping_hidden(t: Trial) -> None:
    """'early_stopping' on new curves and patiences."""
    _stops(t, [(stopping_curve(t.rng, patience), patience) for patience in (int(t.rng.integers(3, 7)), int(t.rng.integers(3, 7)))])


EARLY_STOPPING = Exercise(
    id="generalisation.early_stopping",
    input_classes=("ties: -np.asarray(val_errors)", "list input: val_errors"),
    title="Early stopping on a validation curve, with patience",
    notes="1.5.1.7 (early stopping); 1.1.1.6 (the validation set); slides: regularisation (early stopping)",
    student=StudentFunction("generalisation", "early_stopping"),
    reference="reference.generalisation:early_stopping",
    torch_reference="reference.generalisation_torch:early_stopping",
    checks=(
        Check(check_early_stopping_worked_example, points=1),
        Check(check_early_stopping_random_curves, points=2),
        Check(check_early_stopping_never_stops, points=1),
        Check(check_early_stopping_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "last epoch kept",
            "the weights to keep are those of the BEST epoch, not of the epoch training stopped at: the epochs "
            "after the best are the ones that overfit.",
            f"{MISTAKES}:early_stopping_last_epoch_kept",
        ),
        Mistake(
            "ties counted as improvement",
            "an epoch improves only when its error is STRICTLY lower than the best so far: an equal error keeps "
            "the earlier epoch as the best and does not reset the patience count.",
            f"{MISTAKES}:early_stopping_ties_improve",
        ),
        Mistake(
            "patience counted from the wrong epoch",
            "count the epochs since the BEST epoch, not since the last epoch that was lower than the one before "
            "it: a small dip that does not beat the best is still an epoch without improvement.",
            f"{MISTAKES}:early_stopping_patience_from_last_decrease",
        ),
        Mistake(
            "one epoch too late",
            "training stops at the epoch that makes `patience` epochs without improvement since the best, t - best "
            "= patience, not one epoch after it.",
            f"{MISTAKES}:early_stopping_one_epoch_late",
        ),
        Mistake(
            "the whole curve's minimum",
            "the epochs after the stop are never trained, so their errors cannot be used: keep the best epoch up "
            "to the stop, not the minimum of the whole curve.",
            f"{MISTAKES}:early_stopping_whole_curve_minimum",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    EMPIRICAL_ERROR,
    SPLIT_INDICES,
    KFOLD_INDICES,
    SELECT_HYPERPARAMETER,
    EARLY_STOPPING,
)
