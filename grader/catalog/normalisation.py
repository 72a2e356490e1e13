"""Normalisation: data standardisation, batch normalisation in training and at inference, its running
statistics in the notes' convention and in torch's, its backward pass, layer normalisation and RMSNorm.

Course notes 1.3.5.4; the slides' normalisation. Conventions are the notes'
(see ``exercises/normalisation.py``): one example per row, A of shape (K, M);
batch normalisation and standardisation per unit over the batch (axis 0),
layer normalisation and RMSNorm per example over its units (axis 1); the
biased variance (1/K) wherever a batch is normalised; delta under the square
root; the notes' moving average with alpha on the OLD value, torch's with
momentum on the NEW value and the unbiased variance.

Inputs tell the conventions apart and expose the mistakes students make:
batches are never square (K != M), so swapped axes show even when a shape
would fit; batches are small (K from 2 to 8), where the unbiased variance
differs from the biased one by a factor K/(K - 1) that shows; delta is
large (0.05 to 0.5) in some calls, where delta added outside the root shows;
gamma is never 1 and beta never 0; units have very different means and
spreads; alpha and momentum are never 1/2 (where the two conventions agree);
the running statistics of the inference checks are not the batch's; the
running averages run 12 to 15 batches with the student's own averages fed
back each step. Every input is a float32 number, so a float32 solution starts
from the same numbers.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.normalisation_mistakes"


def representable(values: Any) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def representable_float(value: float) -> float:
    return float(np.float32(value))


def not_square(rng: np.random.Generator, low: int, high: int, avoid: int) -> int:
    """A size in [low, high] other than ``avoid``."""
    choices = [n for n in range(low, high + 1) if n != avoid]
    return int(rng.choice(choices))


def units(rng: np.random.Generator, K: int, M: int) -> np.ndarray:
    """K examples of M units, each unit with its own mean and spread (spreads 0.5 to 8, means up to 3 spreads away)."""
    spread = rng.uniform(0.5, 8.0, size=M)
    centre = spread * rng.uniform(-3.0, 3.0, size=M)
    return representable(centre + spread * rng.normal(size=(K, M)))


def scale_and_shift(rng: np.random.Generator, M: int) -> tuple[np.ndarray, np.ndarray]:
    """gamma with entries of +-0.5 to +-2 (never 1), beta with entries of +-0.3 to +-2 (never 0)."""
    gamma = rng.uniform(0.5, 2.0, size=M) * rng.choice([-1.0, 1.0], size=M)
    gamma[np.abs(gamma - 1.0) < 0.1] = 1.5
    beta = rng.uniform(0.3, 2.0, size=M) * rng.choice([-1.0, 1.0], size=M)
    return representable(gamma), representable(beta)


def _calls(t: Trial, function: str, cases: list[tuple[Any, ...]], show: bool = False) -> None:
    for args in cases:
        if show:
            label = f"{function}({', '.join(str(a.tolist() if isinstance(a, np.ndarray) else a) for a in args)})"
            # the values shown are given as lists, as the docstring allows (the reference gets the arrays)
            t.expect_close(t.student(*(a.tolist() if isinstance(a, np.ndarray) else a for a in args)), t.reference(*args), name=label)
            continue
        else:
            shapes = ", ".join(str(a.shape) if isinstance(a, np.ndarray) else "a number" for a in args)
            label = f"{function}(inputs of shapes {shapes})"
        t.expect_close(t.student(*args), t.reference(*args), name=label)


# -- normalisation.standardise ------------------------------------------------------------------


def train_and_test(rng: np.random.Generator, N: int, p: int, T: int) -> tuple[np.ndarray, np.ndarray]:
    """A training set of N examples and a test set of T, p features of very different scales; the test set shifted."""
    spread = rng.uniform(0.5, 20.0, size=p)
    centre = spread * rng.uniform(-3.0, 3.0, size=p)
    X_train = centre + spread * rng.normal(size=(N, p))
    X_test = centre + spread * (rng.normal(size=(T, p)) * rng.uniform(0.5, 2.0, size=p) + rng.uniform(-1.0, 1.0, size=p))
    return representable(X_train), representable(X_test)


def check_standardise_worked_example(t: Trial) -> None:
    """'standardise' on the docstring's example: training set [[0, 10], [2, 30]], test set [[1, 40], [3, 0]]."""
    _calls(t, "standardise", [(np.array([[0.0, 10.0], [2.0, 30.0]]), np.array([[1.0, 40.0], [3.0, 0.0]]))], show=True)


def check_standardise_training_statistics(t: Trial) -> None:
    """'standardise' of 6 training examples of 4 features with very different scales, and 3 test examples (the training mu and sigma)."""
    _calls(t, "standardise", [train_and_test(t.rng, 6, 4, 3), train_and_test(t.rng, 5, 7, 2)])


def check_standardise_hidden(t: Trial) -> None:
    """'standardise' on new training and test sets."""
    N = int(t.rng.integers(5, 10))
    _calls(t, "standardise", [train_and_test(t.rng, N, not_square(t.rng, 2, 7, N), int(t.rng.integers(2, 6)))])


STANDARDISE = Exercise(
    id="normalisation.standardise",
    input_classes=("list input: X_train",),
    title="Data normalisation: standardise each feature with the training set's mean and standard deviation",
    notes="1.3.5.4 (data normalisation); slides: input normalisation",
    student=StudentFunction("normalisation", "standardise"),
    reference="reference.normalisation:standardise",
    torch_reference="reference.normalisation_torch:standardise",
    checks=(
        Check(check_standardise_worked_example, points=1),
        Check(check_standardise_training_statistics, points=2),
        Check(check_standardise_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "test set standardised with its own statistics",
            "compute mu_i and sigma_i on the TRAINING set only and rescale the test set with those same numbers: the "
            "test set stands for data not seen yet, so its statistics cannot be used (and a single test example has none).",
            f"{MISTAKES}:standardise_test_with_its_own_statistics",
        ),
        Mistake(
            "batch and feature axes swapped",
            "each FEATURE i is rescaled, with its mean and standard deviation over the N examples: take them down "
            "the columns (axis 0), not along each example's row.",
            f"{MISTAKES}:standardise_axes_swapped",
        ),
        Mistake(
            "unbiased standard deviation",
            "the notes' sigma_i^2 is 1/N sum (x_ni - mu_i)^2, divided by N, not N - 1 (np.std's default ddof=0 is "
            "right; ddof=1 and torch.std's default are not).",
            f"{MISTAKES}:standardise_unbiased",
        ),
        Mistake(
            "divided by the variance",
            "divide by the standard deviation sigma_i, the square root of the variance, so that every feature ends "
            "with variance 1.",
            f"{MISTAKES}:standardise_by_variance",
        ),
    ),
)


# -- normalisation.batch_norm_train -------------------------------------------------------------


def norm_case(rng: np.random.Generator, K: int, M: int, delta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    gamma, beta = scale_and_shift(rng, M)
    return units(rng, K, M), gamma, beta, representable_float(delta)


def check_batch_norm_train_worked_example(t: Trial) -> None:
    """'batch_norm_train' on the docstring's example: A = [[1, 0, 5], [3, 4, 5]], gamma [2, 1, 3], beta [0, 1, -1], delta 0.5."""
    _calls(t, "batch_norm_train", [(np.array([[1.0, 0.0, 5.0], [3.0, 4.0, 5.0]]), np.array([2.0, 1.0, 3.0]),
                                    np.array([0.0, 1.0, -1.0]), 0.5)], show=True)


def check_batch_norm_train_batches(t: Trial) -> None:
    """'batch_norm_train' of a batch of 5 examples of 3 units with delta 1e-5 and 0.3, and of 3 examples of 7 units."""
    _calls(t, "batch_norm_train", [norm_case(t.rng, 5, 3, 1e-5), norm_case(t.rng, 5, 3, 0.3), norm_case(t.rng, 3, 7, 0.1)])


def check_batch_norm_train_hidden(t: Trial) -> None:
    """'batch_norm_train' on new batches, scales, shifts and deltas."""
    K = int(t.rng.integers(3, 9))
    _calls(t, "batch_norm_train", [norm_case(t.rng, K, not_square(t.rng, 2, 6, K), float(t.rng.uniform(0.05, 0.5))),
                                   norm_case(t.rng, 2, int(t.rng.integers(3, 6)), 1e-5)])


BATCH_NORM_TRAIN = Exercise(
    id="normalisation.batch_norm_train",
    input_classes=("list input: A",),
    title="Batch normalisation in training: each unit normalised over the mini-batch, then scaled and shifted",
    notes="1.3.5.4 (batch normalisation); slides: normalisation (BatchNorm)",
    student=StudentFunction("normalisation", "batch_norm_train"),
    reference="reference.normalisation:batch_norm_train",
    torch_reference="reference.normalisation_torch:batch_norm_train",
    checks=(
        Check(check_batch_norm_train_worked_example, points=1),
        Check(check_batch_norm_train_batches, points=2),
        Check(check_batch_norm_train_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "batch and feature axes swapped",
            "batch normalisation normalises each UNIT i over the K examples of the batch: its mean and variance are "
            "taken down the columns (axis 0). Over an example's own units (axis 1) is layer normalisation.",
            f"{MISTAKES}:batch_norm_train_axes_swapped",
        ),
        Mistake(
            "unbiased variance used for normalising",
            "the batch is normalised with the biased variance 1/K sum (a_ni - mu_i)^2 (the notes', and what "
            "nn.BatchNorm1d normalises with); the 1/(K - 1) one only goes into torch's running average.",
            f"{MISTAKES}:batch_norm_train_unbiased",
        ),
        Mistake(
            "delta added outside the square root",
            "delta is added to the VARIANCE under the root, sqrt(sigma_i^2 + delta), not to the standard deviation.",
            f"{MISTAKES}:batch_norm_train_delta_outside",
        ),
        Mistake(
            "scale and shift left out",
            "after normalising, each unit is rescaled by its learnable gamma_i and shifted by beta_i: "
            "gamma_i x_hat_ni + beta_i.",
            f"{MISTAKES}:batch_norm_train_no_scale_and_shift",
        ),
    ),
)


# -- normalisation.batch_norm_eval --------------------------------------------------------------


def eval_case(rng: np.random.Generator, K: int, M: int, delta: float) -> tuple[Any, ...]:
    """A batch and running statistics that are not the batch's own (means shifted, variances of other sizes)."""
    A, gamma, beta, delta = norm_case(rng, K, M, delta)
    running_mean = representable(A.mean(axis=0) + rng.uniform(0.5, 2.0, size=M) * rng.choice([-1.0, 1.0], size=M))
    running_var = representable(rng.uniform(0.2, 30.0, size=M))
    return A, gamma, beta, running_mean, running_var, delta


def check_batch_norm_eval_worked_example(t: Trial) -> None:
    """'batch_norm_eval' on the docstring's example: one example [[4, 0]], running mean [2, 1], variance [3.5, 0.5], delta 0.5."""
    _calls(t, "batch_norm_eval", [(np.array([[4.0, 0.0]]), np.array([2.0, 3.0]), np.array([0.0, 1.0]),
                                   np.array([2.0, 1.0]), np.array([3.5, 0.5]), 0.5)], show=True)


def check_batch_norm_eval_running_statistics(t: Trial) -> None:
    """'batch_norm_eval' of a batch of 4 examples of 3 units with delta 0.2, of a single example of 5 units, and of 3 of 6 units."""
    _calls(t, "batch_norm_eval", [eval_case(t.rng, 4, 3, 0.2), eval_case(t.rng, 1, 5, 1e-5), eval_case(t.rng, 3, 6, 0.4)])


def check_batch_norm_eval_hidden(t: Trial) -> None:
    """'batch_norm_eval' on new batches and running statistics."""
    K = int(t.rng.integers(2, 8))
    _calls(t, "batch_norm_eval", [eval_case(t.rng, K, not_square(t.rng, 2, 6, K), float(t.rng.uniform(0.05, 0.5))),
                                  eval_case(t.rng, 1, int(t.rng.integers(2, 6)), 0.1)])


BATCH_NORM_EVAL = Exercise(
    id="normalisation.batch_norm_eval",
    input_classes=("list input: A", "single row: A"),
    title="Batch normalisation at inference: the running mean and variance instead of the batch's",
    notes="1.3.5.4 (batch normalisation at inference time); slides: normalisation (testing stage)",
    student=StudentFunction("normalisation", "batch_norm_eval"),
    reference="reference.normalisation:batch_norm_eval",
    torch_reference="reference.normalisation_torch:batch_norm_eval",
    checks=(
        Check(check_batch_norm_eval_worked_example, points=1),
        Check(check_batch_norm_eval_running_statistics, points=2),
        Check(check_batch_norm_eval_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "batch statistics at inference",
            "at inference every example is normalised with the running mean and variance kept during training, "
            "never with the batch's own: a batch of one example has variance 0, and an example's output must not "
            "depend on the others in its batch.",
            f"{MISTAKES}:batch_norm_eval_batch_statistics",
        ),
        Mistake(
            "delta added outside the square root",
            "delta is added to the running variance under the root: sqrt(var_i + delta).",
            f"{MISTAKES}:batch_norm_eval_delta_outside",
        ),
        Mistake(
            "scale and shift left out",
            "the learnt gamma_i and beta_i apply at inference too: gamma_i x_hat_ni + beta_i.",
            f"{MISTAKES}:batch_norm_eval_no_scale_and_shift",
        ),
        Mistake(
            "variance used as a standard deviation",
            "running_var holds a VARIANCE: divide by its square root, sqrt(var_i + delta).",
            f"{MISTAKES}:batch_norm_eval_variance_as_std",
        ),
    ),
)


# -- the running statistics ---------------------------------------------------------------------


def _pair_or_none(value: Any, M: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The student's answer as two finite float arrays of shape (M,), or None if it is not that."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return None
    try:
        pair = tuple(np.asarray(part, dtype=float) for part in value)
    except (TypeError, ValueError):
        return None
    if any(part.shape != (M,) or not np.isfinite(part).all() for part in pair):
        return None
    return pair  # type: ignore[return-value]


def _running_run(t: Trial, function: str, weight_name: str, weight: float, K: int, M: int, steps: int) -> None:
    """Feed ``steps`` batches of K examples, the student's averages fed back; compare after the first and the last."""
    weight = representable_float(weight)
    spread = t.rng.uniform(0.5, 4.0, size=M)
    centre = spread * t.rng.uniform(-3.0, 3.0, size=M)
    start = (np.zeros(M), np.ones(M))  # nn.BatchNorm1d's starting buffers
    expected, mine = start, start
    for step in range(steps):
        A = representable(centre + spread * t.rng.normal(size=(K, M)))
        expected_after = t.reference(expected[0], expected[1], A, weight)
        got = t.student(mine[0], mine[1], A, weight)
        if step == 0:
            t.expect_close(got, expected_after, name=f"{function} after 1 batch of {K} ({weight_name}={weight:g})")
        mine = _pair_or_none(got, M)
        if mine is None:
            t.fail(f"batch {step + 1}: '{function}' should return a pair (running_mean, running_var) of finite arrays "
                   f"of shape ({M},); it returned {got!r:.200}")
        expected = tuple(np.asarray(part, dtype=float) for part in expected_after)
    # The last answer as the student returned it, so that a float32 answer meets float32 tolerances.
    t.expect_close(got, expected, name=f"{function} after {steps} batches of {K} ({weight_name}={weight:g})")


def check_running_update_worked_example(t: Trial) -> None:
    """'running_update' on the docstring's example: averages [0, 1] and [1, 1], batch [[1, 0], [3, 4]], alpha 0.75."""
    _calls(t, "running_update", [(np.array([0.0, 1.0]), np.array([1.0, 1.0]), np.array([[1.0, 0.0], [3.0, 4.0]]), 0.75)],
           show=True)


def check_running_update_many_batches(t: Trial) -> None:
    """15 batches of 4 examples of 3 units through 'running_update' with alpha 0.9, its own averages fed back each step."""
    _running_run(t, "running_update", "alpha", 0.9, 4, 3, 15)


def check_running_update_small_alpha(t: Trial) -> None:
    """12 batches of 3 examples of 5 units through 'running_update' with alpha 0.3 (the new batch weighs most)."""
    _running_run(t, "running_update", "alpha", 0.3, 3, 5, 12)


def check_running_update_hidden(t: Trial) -> None:
    """New batches, sizes and alphas, many batches with the averages fed back."""
    alpha = float(t.rng.choice([t.rng.uniform(0.6, 0.95), t.rng.uniform(0.1, 0.4)]))
    K = int(t.rng.integers(2, 7))
    _running_run(t, "running_update", "alpha", alpha, K, not_square(t.rng, 2, 6, K), 12)


RUNNING_UPDATE = Exercise(
    id="normalisation.running_update",
    input_classes=("list input: A",),
    title="Batch normalisation's running mean and variance, the notes' moving average (alpha on the old value)",
    notes="1.3.5.4 (batch normalisation: the moving average kept for inference)",
    student=StudentFunction("normalisation", "running_update"),
    reference="reference.normalisation:running_update",
    torch_reference="reference.normalisation_torch:running_update",
    checks=(
        Check(check_running_update_worked_example, points=1),
        Check(check_running_update_many_batches, points=2),
        Check(check_running_update_small_alpha, points=1),
        Check(check_running_update_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "alpha on the new value",
            "in the notes alpha weights the OLD average: r <- alpha r + (1 - alpha) s. Putting alpha on the batch's "
            "statistic is torch's momentum convention, where momentum = 1 - alpha.",
            f"{MISTAKES}:running_update_alpha_on_new",
        ),
        Mistake(
            "unbiased variance averaged",
            "average the notes' batch variance sigma_i^2 = 1/K sum (a_ni - mu_i)^2, the biased one the batch is "
            "normalised with. nn.BatchNorm1d averages the unbiased K/(K - 1) sigma_i^2 instead: that is the torch "
            "exercise's convention, not this one.",
            f"{MISTAKES}:running_update_unbiased",
        ),
        Mistake(
            "standard deviation averaged",
            "keep the running VARIANCE: average sigma_i^2, not sigma_i (inference divides by sqrt(var + delta)).",
            f"{MISTAKES}:running_update_std_averaged",
        ),
        Mistake(
            "batch and feature axes swapped",
            "each unit i has its own mean and variance over the K examples of the batch (axis 0).",
            f"{MISTAKES}:running_update_axes_swapped",
        ),
    ),
)


def check_running_update_torch_worked_example(t: Trial) -> None:
    """'running_update_torch' on the docstring's example: averages [0, 1] and [1, 1], batch [[1, 0], [3, 4]], momentum 0.25."""
    _calls(t, "running_update_torch", [(np.array([0.0, 1.0]), np.array([1.0, 1.0]), np.array([[1.0, 0.0], [3.0, 4.0]]), 0.25)],
           show=True)


def check_running_update_torch_many_batches(t: Trial) -> None:
    """15 batches of 4 examples of 3 units through 'running_update_torch' with momentum 0.1 (torch's default), its own averages fed back."""
    _running_run(t, "running_update_torch", "momentum", 0.1, 4, 3, 15)


def check_running_update_torch_large_momentum(t: Trial) -> None:
    """12 batches of 3 examples of 5 units through 'running_update_torch' with momentum 0.7."""
    _running_run(t, "running_update_torch", "momentum", 0.7, 3, 5, 12)


def check_running_update_torch_hidden(t: Trial) -> None:
    """New batches, sizes and momenta, many batches with the averages fed back."""
    momentum = float(t.rng.choice([t.rng.uniform(0.05, 0.4), t.rng.uniform(0.6, 0.9)]))
    K = int(t.rng.integers(2, 7))
    _running_run(t, "running_update_torch", "momentum", momentum, K, not_square(t.rng, 2, 6, K), 12)


RUNNING_UPDATE_TORCH = Exercise(
    id="normalisation.running_update_torch",
    input_classes=("list input: A",),
    title="nn.BatchNorm1d's running statistics: momentum on the new value and the unbiased variance",
    notes="1.3.5.4 (batch normalisation: the moving average), in torch's convention",
    student=StudentFunction("normalisation", "running_update_torch"),
    reference="reference.normalisation:running_update_torch",
    torch_reference="reference.normalisation_torch:running_update_torch",
    checks=(
        Check(check_running_update_torch_worked_example, points=1),
        Check(check_running_update_torch_many_batches, points=2),
        Check(check_running_update_torch_large_momentum, points=1),
        Check(check_running_update_torch_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "momentum on the old value",
            "torch's momentum weights the NEW batch statistic: r <- (1 - momentum) r + momentum s. The notes' alpha "
            "weights the old value; the two agree when momentum = 1 - alpha.",
            f"{MISTAKES}:running_update_torch_momentum_on_old",
        ),
        Mistake(
            "biased variance averaged",
            "nn.BatchNorm1d's running_var averages the UNBIASED batch variance, K/(K - 1) sigma_i^2, although it "
            "normalises the batch with the biased sigma_i^2.",
            f"{MISTAKES}:running_update_torch_biased",
        ),
        Mistake(
            "the notes' update with alpha = momentum",
            "two conventions differ here: torch puts momentum on the new value (the notes' alpha is 1 - momentum) and "
            "averages the unbiased variance K/(K - 1) sigma_i^2.",
            f"{MISTAKES}:running_update_torch_both",
        ),
        Mistake(
            "mean rescaled by K/(K - 1)",
            "the K/(K - 1) correction is for the variance only: the batch mean is already unbiased.",
            f"{MISTAKES}:running_update_torch_unbiased_mean_too",
        ),
    ),
)


# -- normalisation.batch_norm_backward ----------------------------------------------------------


def backward_case(rng: np.random.Generator, K: int, M: int, delta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    A, gamma, _, delta = norm_case(rng, K, M, delta)
    return representable(rng.normal(size=(K, M))), A, gamma, delta


def check_batch_norm_backward_worked_example(t: Trial) -> None:
    """'batch_norm_backward' on the docstring's example: dY the same for every example, [[1, 2], [1, 2], [1, 2]]: dC/dA = 0."""
    _calls(t, "batch_norm_backward", [(np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]), np.array([[1.0, 0.0], [3.0, 4.0], [2.0, 5.0]]),
                                       np.array([2.0, -1.0]), 0.5)], show=True)


def check_batch_norm_backward_batches(t: Trial) -> None:
    """'batch_norm_backward' on batches of 5 examples of 3 units (delta 1e-5 and 0.3) and of 3 examples of 6 units."""
    _calls(t, "batch_norm_backward", [backward_case(t.rng, 5, 3, 1e-5), backward_case(t.rng, 5, 3, 0.3),
                                      backward_case(t.rng, 3, 6, 0.1)])


def check_batch_norm_backward_hidden(t: Trial) -> None:
    """'batch_norm_backward' on new batches, upstream gradients and deltas."""
    K = int(t.rng.integers(3, 9))
    _calls(t, "batch_norm_backward", [backward_case(t.rng, K, not_square(t.rng, 2, 6, K), float(t.rng.uniform(0.05, 0.5))),
                                      backward_case(t.rng, 2, int(t.rng.integers(3, 6)), 1e-5)])


BATCH_NORM_BACKWARD = Exercise(
    id="normalisation.batch_norm_backward",
    input_classes=("list input: A",),
    title="The backward pass of batch normalisation: dC/dA, dC/dgamma and dC/dbeta",
    notes="1.3.5.4 (batch normalisation); 1.3.4 (backpropagation)",
    student=StudentFunction("normalisation", "batch_norm_backward"),
    reference="reference.normalisation:batch_norm_backward",
    torch_reference="reference.normalisation_torch:batch_norm_backward",
    checks=(
        Check(check_batch_norm_backward_worked_example, points=1),
        Check(check_batch_norm_backward_batches, points=2),
        Check(check_batch_norm_backward_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "batch statistics treated as constants",
            "mu_i and sigma_i^2 are computed from every a_ni of unit i, so dC/da_ni has two more terms than "
            "gamma_i dy_ni / s_i: subtract the batch mean of g = gamma dY and x_hat times the batch mean of g x_hat, then divide by s_i.",
            f"{MISTAKES}:batch_norm_backward_statistics_constant",
        ),
        Mistake(
            "variance's path left out",
            "the variance depends on A too: besides subtracting the mean of g = gamma dY, subtract x_hat_ni times the "
            "batch mean of g x_hat, before dividing by s_i.",
            f"{MISTAKES}:batch_norm_backward_variance_path_left_out",
        ),
        Mistake(
            "gamma left out of dC/dA",
            "the gradient reaching x_hat is dC/dx_hat = gamma dY: multiply dY by gamma before backpropagating through "
            "the normalisation.",
            f"{MISTAKES}:batch_norm_backward_gamma_left_out",
        ),
        Mistake(
            "dC/dgamma with A instead of x_hat",
            "Y = gamma x_hat + beta, so dC/dgamma_i = sum_n dy_ni x_hat_ni, with the NORMALISED input.",
            f"{MISTAKES}:batch_norm_backward_dgamma_without_x_hat",
        ),
    ),
)


# -- normalisation.layer_norm -------------------------------------------------------------------


def check_layer_norm_worked_example(t: Trial) -> None:
    """'layer_norm' on the docstring's example: A = [[1, 3, 5], [2, 2, 2]], gamma [1, 2, 3], beta [0, 0, 1], delta 1/3."""
    _calls(t, "layer_norm", [(np.array([[1.0, 3.0, 5.0], [2.0, 2.0, 2.0]]), np.array([1.0, 2.0, 3.0]),
                              np.array([0.0, 0.0, 1.0]), representable_float(1 / 3))], show=True)


def check_layer_norm_examples(t: Trial) -> None:
    """'layer_norm' of 4 examples of 6 units (delta 1e-5 and 0.2), of 5 examples of 3 units and of a single example."""
    _calls(t, "layer_norm", [norm_case(t.rng, 4, 6, 1e-5), norm_case(t.rng, 4, 6, 0.2), norm_case(t.rng, 5, 3, 0.1),
                             norm_case(t.rng, 1, 4, 0.05)])


def check_layer_norm_hidden(t: Trial) -> None:
    """'layer_norm' on new examples, scales, shifts and deltas, a single example among them."""
    M = int(t.rng.integers(3, 8))
    _calls(t, "layer_norm", [norm_case(t.rng, not_square(t.rng, 2, 6, M), M, float(t.rng.uniform(0.05, 0.5))),
                             norm_case(t.rng, 1, int(t.rng.integers(3, 6)), 1e-5)])


LAYER_NORM = Exercise(
    id="normalisation.layer_norm",
    input_classes=("list input: A", "single row: A"),
    title="Layer normalisation: each example normalised over its own units, then scaled and shifted",
    notes="1.3.5.4 (layer normalisation; the notes' mu_i, sigma_i there are mu_n, sigma_n); slides: LayerNorm",
    student=StudentFunction("normalisation", "layer_norm"),
    reference="reference.normalisation:layer_norm",
    torch_reference="reference.normalisation_torch:layer_norm",
    checks=(
        Check(check_layer_norm_worked_example, points=1),
        Check(check_layer_norm_examples, points=2),
        Check(check_layer_norm_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "statistics per unit (the notes' mu_i)",
            "layer normalisation takes the mean mu_n and variance sigma_n^2 of each EXAMPLE n over its M units "
            "(along the row, axis 1); the notes' line with mu_i and sigma_i is a slip. Per unit over the batch is "
            "batch normalisation, and a single example would have variance 0.",
            f"{MISTAKES}:layer_norm_per_unit",
        ),
        Mistake(
            "unbiased variance used for normalising",
            "sigma_n^2 = 1/M sum_i (a_ni - mu_n)^2, divided by M, not M - 1.",
            f"{MISTAKES}:layer_norm_unbiased",
        ),
        Mistake(
            "delta added outside the square root",
            "delta is added to the variance under the root: sqrt(sigma_n^2 + delta).",
            f"{MISTAKES}:layer_norm_delta_outside",
        ),
        Mistake(
            "scale and shift left out",
            "after normalising, each unit i is rescaled by gamma_i and shifted by beta_i (one per unit, the same for "
            "every example).",
            f"{MISTAKES}:layer_norm_no_scale_and_shift",
        ),
    ),
)


# -- normalisation.rms_norm ---------------------------------------------------------------------


def rms_case(rng: np.random.Generator, K: int, M: int, delta: float) -> tuple[np.ndarray, np.ndarray, float]:
    A, gamma, _, delta = norm_case(rng, K, M, delta)
    return A, gamma, delta


def check_rms_norm_worked_example(t: Trial) -> None:
    """'rms_norm' on the docstring's example: A = [[1, 2, 2], [0, 0, 3]], gamma [1, 2, 3], delta 1."""
    _calls(t, "rms_norm", [(np.array([[1.0, 2.0, 2.0], [0.0, 0.0, 3.0]]), np.array([1.0, 2.0, 3.0]), 1.0)], show=True)


def check_rms_norm_examples(t: Trial) -> None:
    """'rms_norm' of 3 examples of 5 units with non-zero means (delta 1e-6 and 0.5), and of 6 examples of 2 units."""
    _calls(t, "rms_norm", [rms_case(t.rng, 3, 5, 1e-6), rms_case(t.rng, 3, 5, 0.5), rms_case(t.rng, 6, 2, 0.1)])


def check_rms_norm_hidden(t: Trial) -> None:
    """'rms_norm' on new examples, scales and deltas."""
    M = int(t.rng.integers(2, 8))
    _calls(t, "rms_norm", [rms_case(t.rng, not_square(t.rng, 2, 6, M), M, float(t.rng.uniform(0.05, 0.5))),
                           rms_case(t.rng, 1, int(t.rng.integers(3, 6)), 1e-6)])


RMS_NORM = Exercise(
    id="normalisation.rms_norm",
    input_classes=("list input: A",),
    title="RMSNorm: each example divided by the root mean square of its units, then scaled",
    notes="slides: normalisation (root mean square layer normalisation); 1.3.5.4 (layer normalisation)",
    student=StudentFunction("normalisation", "rms_norm"),
    reference="reference.normalisation:rms_norm",
    torch_reference="reference.normalisation_torch:rms_norm",
    checks=(
        Check(check_rms_norm_worked_example, points=1),
        Check(check_rms_norm_examples, points=2),
        Check(check_rms_norm_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "mean subtracted",
            "RMSNorm does not centre: divide a_ni itself by sqrt(1/M sum_j a_nj^2 + delta), the root of the mean "
            "SQUARE (not the variance around the mean).",
            f"{MISTAKES}:rms_norm_mean_subtracted",
        ),
        Mistake(
            "divided by the L2 norm",
            "divide by the root of the MEAN square, 1/M sum_j a_nj^2: after RMSNorm (gamma = 1) an example has L2 "
            "norm sqrt(M), not 1.",
            f"{MISTAKES}:rms_norm_unit_l2_norm",
        ),
        Mistake(
            "delta added outside the square root",
            "delta (nn.RMSNorm's eps) is added to the mean square under the root: sqrt(mean(a^2) + delta).",
            f"{MISTAKES}:rms_norm_delta_outside",
        ),
        Mistake(
            "batch and feature axes swapped",
            "the root mean square is taken over each EXAMPLE's M units (along the row, axis 1), not over the batch.",
            f"{MISTAKES}:rms_norm_over_the_batch",
        ),
        Mistake(
            "scale left out",
            "multiply each unit by its learnable gamma_i after normalising.",
            f"{MISTAKES}:rms_norm_no_scale",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    STANDARDISE,
    BATCH_NORM_TRAIN,
    BATCH_NORM_EVAL,
    RUNNING_UPDATE,
    RUNNING_UPDATE_TORCH,
    BATCH_NORM_BACKWARD,
    LAYER_NORM,
    RMS_NORM,
)
