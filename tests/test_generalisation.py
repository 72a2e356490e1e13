"""The generalisation references against sklearn where it has the same operation, and the conventions the exercises state.

- ``empirical_error``'s 0-1 loss is sklearn's ``zero_one_loss`` (a row wrong
  in any output counts once); its quadratic loss is k times sklearn's
  ``mean_squared_error`` (which averages the outputs too);
- ``split_indices`` is sklearn's ``train_test_split(shuffle=False)`` applied
  twice to the permutation;
- ``kfold_indices`` is sklearn's ``KFold(n_splits=k)`` for every n up to 30
  and every k, the remainder to the first folds;
- ``select_hyperparameter`` decides exactly: the checks' inputs tie exactly,
  so a solution averaging in float32 or float64 chooses as the reference's
  fractions do, and the inputs tell every mistake apart on every seed;
- ``early_stopping`` agrees with a patience counter written as frameworks
  write it, on designed and on random curves, and the designed curves tell
  every mistake apart on every seed;
- the torch twins agree with the NumPy references, the docstrings' worked
  examples hold, and a solution computing in float32 scores full marks.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import mean_squared_error, zero_one_loss
from sklearn.model_selection import KFold, train_test_split

import reference.generalisation as ref
import reference.generalisation_mistakes as wrong
import reference.generalisation_torch as ref_torch
from grader.catalog.generalisation import (
    class_labels,
    kfold_inputs,
    multi_output_targets,
    regression_targets,
    selection_inputs,
    split_inputs,
    stopping_curve,
)

SEEDS = range(1000)


def same(a, b) -> bool:
    """Two answers (numbers, arrays, tuples and lists of them) are equal, entry by entry."""
    if isinstance(a, (tuple, list)):
        return isinstance(b, (tuple, list)) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.all(a == b))


def plain(answer):
    """A torch twin's answer as NumPy: tensors to arrays, inside tuples and lists."""
    if isinstance(answer, (tuple, list)):
        return type(answer)(plain(item) for item in answer)
    return answer.numpy() if hasattr(answer, "numpy") else answer


# -- empirical_error --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_zero_one_error_is_sklearn_s_zero_one_loss_on_rows_and_labels(seed):
    rng = np.random.default_rng(seed)
    for Y, Y_pred in (multi_output_targets(rng, 7, 4), class_labels(rng, 9, 4)):
        want = zero_one_loss(Y, Y_pred)
        for module in (ref, ref_torch):
            assert module.empirical_error(Y, Y_pred, "0-1") == pytest.approx(want, rel=1e-15)
        assert wrong.empirical_error_accuracy(Y, Y_pred, "0-1") == pytest.approx(1 - want)
    # On rows, the mean over entries is another number: each output is not an example.
    Y, Y_pred = multi_output_targets(rng, 7, 4)
    assert wrong.empirical_error_zero_one_over_entries(Y, Y_pred) != pytest.approx(zero_one_loss(Y, Y_pred))


@pytest.mark.parametrize("shape", [(6, 3), (5, 1), (4, 5)])
def test_quadratic_error_is_k_times_sklearn_s_mean_squared_error(shape):
    Y, Y_pred = regression_targets(np.random.default_rng(1), shape)
    k = shape[1]
    want = k * mean_squared_error(Y, Y_pred)
    for module in (ref, ref_torch):
        assert module.empirical_error(Y, Y_pred, "quadratic") == pytest.approx(want, rel=1e-12)
    assert wrong.empirical_error_quadratic_mean_over_outputs(Y, Y_pred, "quadratic") == pytest.approx(mean_squared_error(Y, Y_pred))
    # One output as a flat vector is the same set as a column.
    assert ref.empirical_error(Y[:, 0], Y_pred[:, 0], "quadratic") == pytest.approx(ref.empirical_error(Y[:, :1], Y_pred[:, :1], "quadratic"))


def test_zero_one_inputs_tell_the_mistakes_apart_on_every_seed():
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        Y, Y_pred = multi_output_targets(rng, int(rng.integers(5, 11)), int(rng.integers(3, 6)))
        right = ref.empirical_error(Y, Y_pred)
        assert right not in (0.0, 0.5, 1.0)
        for mistake in (wrong.empirical_error_zero_one_over_entries, wrong.empirical_error_accuracy, wrong.empirical_error_sum_over_examples):
            assert mistake(Y, Y_pred) != pytest.approx(right, rel=1e-6)


# -- split_indices ------------------------------------------------------------------------------


def test_split_is_sklearn_s_train_test_split_without_shuffling_applied_twice():
    for seed in range(200):
        permutation, n_train, n_val = split_inputs(np.random.default_rng(seed))
        train, rest = train_test_split(permutation, train_size=n_train, shuffle=False)
        val, test = train_test_split(rest, train_size=n_val, shuffle=False)
        for module in (ref, ref_torch):
            assert same(plain(module.split_indices(permutation, n_train, n_val)), (train, val, test))
        parts = ref.split_indices(permutation, n_train, n_val)
        assert sorted(np.concatenate(parts).tolist()) == list(range(len(permutation)))
        for mistake in (wrong.split_indices_permutation_ignored, wrong.split_indices_permutation_as_ranks,
                        wrong.split_indices_test_before_validation, wrong.split_indices_validation_in_test):
            assert not same(mistake(permutation, n_train, n_val), parts), (seed, mistake.__name__)


def test_sklearn_s_default_split_shuffles_and_is_not_the_convention():
    permutation = np.arange(20)
    train, _ = train_test_split(permutation, train_size=12, random_state=0)
    assert not same(train, ref.split_indices(permutation, 12, 4)[0])


# -- kfold_indices ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(2, 31))
def test_kfold_is_sklearn_s_kfold_without_shuffling(n):
    for k in range(2, n + 1):
        want = [(train, test) for train, test in KFold(n_splits=k).split(np.zeros(n))]
        for module in (ref, ref_torch):
            assert same(plain(module.kfold_indices(n, k)), want), (n, k)
        validated = np.concatenate([test for _, test in want])
        assert sorted(validated.tolist()) == list(range(n))


def test_kfold_mistakes_drop_overlap_or_move_the_remainder_on_every_input_the_checks_draw():
    for seed in range(300):
        n, k = kfold_inputs(np.random.default_rng(seed))
        assert n % k
        right = ref.kfold_indices(n, k)
        dropped = np.concatenate([v for _, v in wrong.kfold_indices_remainder_dropped(n, k)])
        assert len(dropped) == n - n % k
        overlapping = np.concatenate([v for _, v in wrong.kfold_indices_overlapping_folds(n, k)])
        assert len(np.unique(overlapping)) < len(overlapping)
        for mistake in (wrong.kfold_indices_remainder_dropped, wrong.kfold_indices_remainder_in_last_fold,
                        wrong.kfold_indices_overlapping_folds, wrong.kfold_indices_validation_in_training):
            assert not same(mistake(n, k), right)


# -- select_hyperparameter -------------------------------------------------------------------------


def float_mean_choice(val_errors, test_errors, dtype):
    """The choice of a solution that averages in ``dtype`` with np.mean and takes np.argmin."""
    means = np.asarray(val_errors, dtype=dtype).mean(axis=1)
    best = int(np.argmin(means))
    return best, float(np.asarray(test_errors, dtype=dtype)[best])


def test_selection_ties_are_exact_in_float32_and_float64_and_every_mistake_differs_on_every_seed():
    mistakes = (wrong.select_hyperparameter_on_test, wrong.select_hyperparameter_best_fold,
                wrong.select_hyperparameter_last_of_ties, wrong.select_hyperparameter_validation_error_reported,
                wrong.select_hyperparameter_lowest_test_reported)
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        for tie in (True, False):
            val, test = selection_inputs(rng, tie=tie)
            right = ref.select_hyperparameter(val, test)
            assert same(ref_torch.select_hyperparameter(val, test), right)
            for dtype in (np.float32, np.float64):
                assert float_mean_choice(val, test, dtype) == right
                assert float_mean_choice(val[:, ::-1], test, dtype) == right  # the folds in another order
            for mistake in mistakes if tie else mistakes[:2] + mistakes[3:]:
                assert mistake(val, test) != right, (seed, tie, mistake.__name__)


def test_a_tie_that_float_rounding_would_break_is_decided_exactly_by_the_reference():
    # 0.1 + 0.2 + 0.3 and 0.3 + 0.2 + 0.1 differ in float64; the two rows' means are equal.
    val = np.array([[0.3, 0.2, 0.1], [0.1, 0.2, 0.3]])
    assert val[0].sum() != val[1].sum()
    assert ref.select_hyperparameter(val, [0.5, 0.25]) == (0, 0.5)


# -- early_stopping ---------------------------------------------------------------------------------


def patience_counter(val_errors, patience):
    """Early stopping as frameworks write it: a best value, a wait counter reset by a strict improvement."""
    best_value, best_epoch, wait = float("inf"), 0, 0
    for epoch, value in enumerate(val_errors):
        if value < best_value:
            best_value, best_epoch, wait = value, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_errors) - 1


def test_early_stopping_is_a_patience_counter_and_the_torch_twin_on_designed_and_random_curves():
    rng = np.random.default_rng(0)
    for _ in range(500):
        patience = int(rng.integers(1, 6))
        for curve in (stopping_curve(rng, max(patience, 2)), rng.integers(0, 6, size=int(rng.integers(1, 15))) / 64):
            want = patience_counter(curve, patience)
            assert ref.early_stopping(curve, patience) == want
            assert ref_torch.early_stopping(curve, patience) == want


def test_designed_curves_tell_every_mistake_apart_on_every_seed():
    mistakes = (wrong.early_stopping_last_epoch_kept, wrong.early_stopping_ties_improve,
                wrong.early_stopping_patience_from_last_decrease, wrong.early_stopping_one_epoch_late,
                wrong.early_stopping_whole_curve_minimum)
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        patience = int(rng.integers(3, 7))
        curve = stopping_curve(rng, patience)
        best, stop = ref.early_stopping(curve, patience)
        assert stop - best == patience and stop < len(curve) - 1
        window = curve[best + 1 : stop + 1]
        assert (window >= curve[best]).all() and (window == curve[best]).any()
        assert curve[stop + 1 :].min() < curve[best]
        assert curve[stop + 1 : stop + patience + 2].min() > curve[best]  # the rise: no improvement soon after the stop
        answers = [mistake(curve, patience) for mistake in mistakes]
        # Each mistake keeps or stops at its own epoch, so a check names the one a student made.
        assert len(set(answers + [(best, stop)])) == len(mistakes) + 1, (seed, answers)


# -- worked examples, the solution, float32 -----------------------------------------------------


def test_the_docstrings_worked_examples(solutions):
    module = solutions("generalisation")
    one_hot = np.eye(3, dtype=int)
    for m in (ref, module):
        assert m.empirical_error(one_hot[[0, 1, 2, 0, 1]], one_hot[[0, 2, 2, 1, 1]], "0-1") == pytest.approx(0.4)
        assert m.empirical_error([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0], [3.0, -1.0, 1.0]], [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [3.0, -1.0, 1.0]],
                                 "quadratic") == pytest.approx(2.0)
        assert same(m.split_indices([3, 0, 4, 1, 5, 2], 3, 1), ([3, 0, 4], [1], [5, 2]))
        assert same(m.kfold_indices(7, 3), [([3, 4, 5, 6], [0, 1, 2]), ([0, 1, 2, 5, 6], [3, 4]), ([0, 1, 2, 3, 4], [5, 6])])
        val = [[0.25, 0.25, 0.5], [0.5, 0.25, 0.25], [0.125, 0.75, 0.5], [0.5, 0.5, 0.375]]
        assert m.select_hyperparameter(val, [0.375, 0.25, 0.3125, 0.125]) == (0, 0.375)
        assert m.early_stopping([0.5, 0.375, 0.25, 0.3125, 0.25, 0.28125, 0.34375, 0.375, 0.40625, 0.125], 3) == (2, 5)


