"""Autoencoders: the undercomplete autoencoder's forward pass and loss, the sparse autoencoder's L1 penalty and
its subgradient, the denoising corruption and its loss against the clean input, the contractive penalty from
the encoder's Jacobian, and an autoencoder module trained on the digits.

Course notes 1.9.1 (undercomplete autoencoders) and 1.9.2 (sparse, denoising
and contractive autoencoders). Conventions (see ``exercises/autoencoders.py``):
examples are rows, weights have ``nn.Linear``'s layout, the decoder is
linear, and the reconstruction loss sums the squared error over an example's
features and averages over the examples -- not ``F.mse_loss``'s mean over
every entry, which every check tells apart by using batches whose size N
differs from the number of features d.

Inputs discriminate the mistakes students make: codes of fewer units than
inputs (k < d, so a transposed Jacobian has another shape); weighted inputs
spread over the sigmoid's curved part (a missing sigmoid, or its derivative
taken of the weighted input, shows); the sparse autoencoder's inputs on a
dyadic grid whose ReLU codes are exactly 0 in some units and at least 1/64
away from 0 in the others, in float32 as in float64, so the subgradient at 0
is exercised and no rounding decides which codes are 0; denoising masks
that drop and keep entries of every example, with noise added everywhere,
and clean inputs without zeros, so the loss against the corrupted input,
the mask read the other way and noise added before the mask all show.

``DigitsAutoencoder`` is trained by the student's own ``fit`` on 1200 of
scikit-learn's digits; the check computes the reconstruction error of the
150 held-out digits from the reconstructions the module returns (see
:data:`RECONSTRUCTION_RATIO`, and ``bench/bench_autoencoder.py`` for the
measured false-failure probability).

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from grader.compare import TOLERANCES
from grader.declarations import Check, Exercise, Mistake, StudentClass, StudentFunction
from grader.module_checks import array_tolerances, expect_gradients, expect_output, expect_parameters_in_use, require_loaded
from grader.object_scripts import backward, call, load, new, state
from grader.trial import Trial

MISTAKES = "reference.autoencoders_mistakes"

TRAINING_LIMITS = {"cpu_seconds": 10.0, "wall_seconds": 30.0}
"""Per call into ``DigitsAutoencoder``: a correct fit of 100 full-batch epochs on 1200 digits takes about
0.1 s of CPU (``bench/bench_autoencoder.py``); 10 s leaves a slow but correct loop (one example at a time is
some 50 times slower) room on a loaded machine."""


def as_lists(*values: Any) -> tuple[Any, ...]:
    """The arrays of a worked example as nested lists, which the docstrings accept as well as arrays."""
    return tuple(value.tolist() if isinstance(value, np.ndarray) else value for value in values)


def float32_last(cases: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The cases with the last one's arrays in float32, which the docstrings accept: its values are float32
    numbers already (:func:`representable`), so the float32 call meets the same answers at float32's tolerance."""
    last = tuple(value.astype(np.float32) if isinstance(value, np.ndarray) else value for value in cases[-1])
    return cases[:-1] + [last]


def representable(values: Any) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def representable_float(value: float) -> float:
    return float(np.float32(value))


def batch_sizes(rng: np.random.Generator) -> tuple[int, int, int]:
    """(N, d, k): 3 to 6 examples of 5 to 8 features, codes of 2 to 4 units; N != d, so the loss's reduction shows."""
    d = int(rng.integers(5, 9))
    N = int(rng.choice([n for n in range(3, 7) if n != d]))
    return N, d, int(rng.integers(2, 5))


def weights(rng: np.random.Generator, d: int, k: int) -> tuple[np.ndarray, ...]:
    """W_enc (k, d), b_enc (k,), W_dec (d, k), b_dec (d,): entries of both signs, up to 1.5 in size."""
    return (representable(rng.uniform(-1.5, 1.5, size=(k, d))), representable(rng.uniform(-1.0, 1.0, size=k)),
            representable(rng.uniform(-1.5, 1.5, size=(d, k))), representable(rng.uniform(-1.0, 1.0, size=d)))


def inputs(rng: np.random.Generator, N: int, d: int) -> np.ndarray:
    """N examples of d features, each of size 0.25 to 1.5 and either sign: none is 0."""
    return representable(rng.uniform(0.25, 1.5, size=(N, d)) * rng.choice([-1.0, 1.0], size=(N, d)))


def _calls(t: Trial, cases: list[tuple[Any, ...]], label) -> None:
    for args in cases:
        t.expect_close(t.student(*args), t.reference(*args), name=label(args))


def _shapes(args: tuple[Any, ...]) -> str:
    X, W_enc = np.asarray(args[0]), np.asarray(args[1] if len(args) < 7 else args[3])
    return f"X of shape {X.shape}, a code of {W_enc.shape[0]} units"


# -- autoencoders.autoencode --------------------------------------------------------------------


AUTOENCODE_EXAMPLE = as_lists(np.array([[1.0, 0.0, 1.0]]), np.array([[1.0, -1.0, 1.0]]), np.array([-2.0]),
                      np.array([[2.0], [0.0], [2.0]]), np.array([0.0, 0.5, 0.0]))


def autoencode_case(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    N, d, k = batch_sizes(rng)
    return (inputs(rng, N, d),) + weights(rng, d, k)


def check_autoencode_worked_example(t: Trial) -> None:
    """'autoencode' on the docstring's example: X = [[1, 0, 1]], W_enc = [[1, -1, 1]], b_enc = [-2], W_dec = [[2], [0], [2]], b_dec = [0, 0.5, 0]."""
    _calls(t, [AUTOENCODE_EXAMPLE], lambda args: "autoencode(the docstring's example)")


def check_autoencode_batches(t: Trial) -> None:
    """'autoencode' on three batches whose number of examples differs from the number of features (H, R and the loss)."""
    _calls(t, [autoencode_case(t.rng) for _ in range(3)], lambda args: f"autoencode({_shapes(args)})")


def check_autoencode_hidden(t: Trial) -> None:
    """'autoencode' on new batches and weights, the last in float32."""
    _calls(t, float32_last([autoencode_case(t.rng) for _ in range(2)]), lambda args: f"autoencode({_shapes(args)})")


AUTOENCODE = Exercise(
    id="autoencoders.autoencode",
    title="An undercomplete autoencoder's code, reconstruction and reconstruction loss",
    notes="1.9.1 (encoder h = f(x), decoder r = g(h)); 1.9.1.2 (undercomplete autoencoders, L(x, g(f(x))))",
    uses_torch=True,
    student=StudentFunction("autoencoders", "autoencode"),
    reference="reference.autoencoders:autoencode",
    torch_reference="reference.autoencoders_torch:autoencode",
    input_classes=("list input: X", "float32 input: X", "single row: X"),
    checks=(
        Check(check_autoencode_worked_example, points=1),
        Check(check_autoencode_batches, points=2),
        Check(check_autoencode_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "loss averaged over every entry",
            "the loss is each example's squared error SUMMED over its d features, then averaged over the N "
            "examples; F.mse_loss's default mean also divides by d (use reduction='sum' and divide by N).",
            f"{MISTAKES}:autoencode_mean_over_entries",
        ),
        Mistake(
            "loss summed over the batch",
            "the loss is the MEAN over the N examples of ||x_n - r_n||^2: divide the sum by N.",
            f"{MISTAKES}:autoencode_summed_over_batch",
        ),
        Mistake(
            "no sigmoid on the code",
            "the encoder's code is h = sigmoid(W_enc x + b_enc): apply the sigmoid to the weighted input.",
            f"{MISTAKES}:autoencode_no_sigmoid",
        ),
        Mistake(
            "a sigmoid on the reconstruction",
            "the decoder is linear, r = W_dec h + b_dec: the only nonlinearity is the code's sigmoid.",
            f"{MISTAKES}:autoencode_sigmoid_decoder",
        ),
    ),
)


# -- autoencoders.sparse_loss -------------------------------------------------------------------


SPARSE_EXAMPLE = as_lists(np.array([[1.0, 1.0]]), np.array([[1.0, 0.0], [0.0, -1.0]]), np.array([0.0, 0.0]),
                  np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([0.0, 0.0]), 0.5)

ZERO_MARGIN = 1.0 / 64
"""every weighted input of the sparse checks is an odd multiple of 1/64, so a code is exactly 0 or at least
1/64: the inputs are on a dyadic grid (x in quarters, W_enc in eighths, b_enc in odd 64ths) whose sums are exact
in float32 and float64, so no rounding decides which codes are 0"""


def sparse_case(rng: np.random.Generator) -> tuple[Any, ...]:
    """A batch whose ReLU codes are exactly 0 in some entries and at least ZERO_MARGIN above 0 in others."""
    N, d, k = batch_sizes(rng)
    X = rng.integers(-4, 5, size=(N, d)) / 4.0
    W_enc = rng.integers(-8, 9, size=(k, d)) / 8.0
    # Each unit's bias puts one example's weighted input at an odd number of 64ths from 0: below 0 for unit 0,
    # above for unit 1, so every batch has codes that are exactly 0 and codes that are not.
    rows = rng.integers(0, N, size=k)
    offsets = rng.choice([1, 3, 5], size=k) * rng.choice([-1, 1], size=k)
    offsets[0], offsets[1] = -abs(offsets[0]), abs(offsets[1])
    b_enc = -(X @ W_enc.T)[rows, np.arange(k)] + offsets / 64.0
    _, _, W_dec, b_dec = weights(rng, d, k)
    return X, W_enc, b_enc, W_dec, b_dec, representable_float(rng.uniform(0.2, 2.0))


def _sparse_label(args: tuple[Any, ...]) -> str:
    return f"sparse_loss({_shapes(args)}, lam={args[5]:.4g})"


def check_sparse_loss_worked_example(t: Trial) -> None:
    """'sparse_loss' on the docstring's example: x = [1, 1], a code [1, 0] with an exact 0, lam = 0.5."""
    _calls(t, [SPARSE_EXAMPLE], lambda args: "sparse_loss(the docstring's example)")


def check_sparse_loss_exact_zeros(t: Trial) -> None:
    """'sparse_loss' on three batches whose ReLU codes are exactly 0 in some units: the loss and dL/dH, subgradient 0 at 0."""
    _calls(t, [sparse_case(t.rng) for _ in range(3)], _sparse_label)


def check_sparse_loss_hidden(t: Trial) -> None:
    """'sparse_loss' on new batches with exact zeros in the code, and new penalty weights, the last in float32."""
    _calls(t, float32_last([sparse_case(t.rng) for _ in range(2)]), _sparse_label)


SPARSE_LOSS = Exercise(
    id="autoencoders.sparse_loss",
    title="The sparse autoencoder's loss with an L1 penalty on the code, and its (sub)gradient",
    notes="1.9.2.1 (sparse autoencoders: Omega(h) = lambda sum_i |h_i|, loss L(x, g(f(x))) + Omega(h))",
    uses_torch=True,
    student=StudentFunction("autoencoders", "sparse_loss"),
    reference="reference.autoencoders:sparse_loss",
    torch_reference="reference.autoencoders_torch:sparse_loss",
    input_classes=("list input: X", "float32 input: X", "single row: X", "on the boundary: np.maximum(X @ W_enc.T + b_enc, 0)"),
    checks=(
        Check(check_sparse_loss_worked_example, points=1),
        Check(check_sparse_loss_exact_zeros, points=2),
        Check(check_sparse_loss_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "the penalty on the decoder's output",
            "the sparsity penalty Omega(h) is on the CODE h = f(x), the hidden layer, not on the reconstruction r: "
            "penalise lam sum_i |h_i|.",
            f"{MISTAKES}:sparse_loss_penalty_on_output",
        ),
        Mistake(
            "subgradient 1 at 0",
            "|h| has no derivative at h = 0; the subgradient to use there is 0 (np.sign(0) is 0, as torch's abs "
            "backward gives), not 1: a ReLU code that is exactly 0 gets no push from the penalty.",
            f"{MISTAKES}:sparse_loss_subgradient_one_at_zero",
        ),
        Mistake(
            "an L2 penalty on the code",
            "the notes' sparsity penalty is the L1 norm, lam sum_i |h_i| (a Laplace prior), not lam sum_i h_i^2: "
            "its gradient is lam sign(h), whose size does not shrink as h does.",
            f"{MISTAKES}:sparse_loss_squared_penalty",
        ),
        Mistake(
            "the penalty's gradient left out",
            "dL/dH has two parts: the reconstruction's, through the decoder, and the penalty's, lam sign(H) / N.",
            f"{MISTAKES}:sparse_loss_penalty_gradient_missing",
        ),
    ),
)


# -- autoencoders.denoising_loss ----------------------------------------------------------------


DENOISING_EXAMPLE = as_lists(np.array([[2.0, 4.0], [1.0, -1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]),
                     np.array([[0.5, 0.5], [-0.25, 0.0]]), np.array([[0.5, -0.5]]), np.array([0.25]),
                     np.array([[2.0], [-1.0]]), np.array([0.5, 1.0]))


def denoising_case(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Clean inputs without zeros, a mask that drops and keeps entries of every example, noise everywhere."""
    N, d, k = batch_sizes(rng)
    X = inputs(rng, N, d)
    mask = (rng.random(size=(N, d)) < 0.5).astype(float)
    mask[:, 0], mask[:, 1] = 0.0, 1.0
    for row in mask:
        rng.shuffle(row)
    noise = representable(rng.uniform(0.1, 0.5, size=(N, d)) * rng.choice([-1.0, 1.0], size=(N, d)))
    return (X, mask, noise) + weights(rng, d, k)


def check_denoising_loss_worked_example(t: Trial) -> None:
    """'denoising_loss' on two examples worked by hand: each with one entry masked, noise on both."""
    _calls(t, [DENOISING_EXAMPLE], lambda args: "denoising_loss(the two-example case)")


def check_denoising_loss_batches(t: Trial) -> None:
    """'denoising_loss' on three batches with masks and noise: the corrupted copy, its reconstruction, the loss against the clean X."""
    _calls(t, [denoising_case(t.rng) for _ in range(3)], lambda args: f"denoising_loss({_shapes(args)})")


def check_denoising_loss_hidden(t: Trial) -> None:
    """'denoising_loss' on new batches, masks and noise, the last in float32."""
    _calls(t, float32_last([denoising_case(t.rng) for _ in range(2)]), lambda args: f"denoising_loss({_shapes(args)})")


DENOISING_LOSS = Exercise(
    id="autoencoders.denoising_loss",
    title="The denoising autoencoder: a given corruption, and the loss against the clean input",
    notes="1.9.2.2 (denoising autoencoders: L(x, g(f(x~))), x~ a corrupted copy of x)",
    uses_torch=True,
    student=StudentFunction("autoencoders", "denoising_loss"),
    reference="reference.autoencoders:denoising_loss",
    torch_reference="reference.autoencoders_torch:denoising_loss",
    input_classes=("list input: X", "list input: mask", "float32 input: X", "float32 input: mask", "on the boundary: mask"),
    checks=(
        Check(check_denoising_loss_worked_example, points=1),
        Check(check_denoising_loss_batches, points=2),
        Check(check_denoising_loss_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "the loss against the corrupted input",
            "a denoising autoencoder is scored on how well it UNDOES the corruption: compare g(f(x~)) with the "
            "clean x, not with x~ (that only teaches it to copy its input).",
            f"{MISTAKES}:denoising_loss_against_corrupted",
        ),
        Mistake(
            "the clean input encoded",
            "the autoencoder's input is the corrupted copy: R = g(f(x~)); encoding the clean x leaves nothing to undo.",
            f"{MISTAKES}:denoising_loss_clean_input_encoded",
        ),
        Mistake(
            "mask read the other way",
            "a mask entry 1 KEEPS the input's entry and 0 drops it (sets it to 0): multiply X by the mask itself.",
            f"{MISTAKES}:denoising_loss_mask_inverted",
        ),
        Mistake(
            "noise added before the mask",
            "mask first, then add the noise: x~ = mask * x + noise, so a dropped entry holds its noise, not 0.",
            f"{MISTAKES}:denoising_loss_noise_masked",
        ),
    ),
)


# -- autoencoders.contractive_penalty -----------------------------------------------------------


CONTRACTIVE_EXAMPLE = as_lists(np.array([[1.0, 2.0]]), np.array([[0.5, -0.25]]), np.array([0.0]), 2.0)


def contractive_case(rng: np.random.Generator) -> tuple[Any, ...]:
    """X (N, d), W_enc (k, d) with k < d, b_enc, and lam in [0.5, 3]: weighted inputs over the sigmoid's curved part."""
    N, d, k = batch_sizes(rng)
    W_enc, b_enc, _, _ = weights(rng, d, k)
    X = representable(rng.uniform(-1.0, 1.0, size=(N, d)))
    return X, W_enc, b_enc, representable_float(rng.uniform(0.5, 3.0))


def _contractive_label(args: tuple[Any, ...]) -> str:
    return f"contractive_penalty(X of shape {np.shape(args[0])}, W_enc of shape {np.shape(args[1])}, lam={args[3]:.4g})"


def check_contractive_penalty_worked_example(t: Trial) -> None:
    """'contractive_penalty' on the docstring's example: x = [1, 2], W_enc = [[0.5, -0.25]], b_enc = [0], lam = 2."""
    _calls(t, [CONTRACTIVE_EXAMPLE], lambda args: "contractive_penalty(the docstring's example)")


def check_contractive_penalty_batches(t: Trial) -> None:
    """'contractive_penalty' on three batches with fewer code units than inputs: the penalty and every Jacobian."""
    _calls(t, [contractive_case(t.rng) for _ in range(3)], _contractive_label)


def check_contractive_penalty_hidden(t: Trial) -> None:
    """'contractive_penalty' on new batches, encoders and lambdas, the last in float32."""
    _calls(t, float32_last([contractive_case(t.rng) for _ in range(2)]), _contractive_label)


CONTRACTIVE_PENALTY = Exercise(
    id="autoencoders.contractive_penalty",
    title="The contractive penalty lambda sum_i ||grad_x h_i||^2 of a sigmoid encoder, from its Jacobian",
    notes="1.9.2.3 (contractive autoencoders: L(x, g(f(x))) + lambda sum_i ||grad_x h_i||^2)",
    uses_torch=True,
    student=StudentFunction("autoencoders", "contractive_penalty"),
    reference="reference.autoencoders:contractive_penalty",
    torch_reference="reference.autoencoders_torch:contractive_penalty",
    input_classes=("list input: X", "float32 input: X", "single row: X"),
    checks=(
        Check(check_contractive_penalty_worked_example, points=1),
        Check(check_contractive_penalty_batches, points=2),
        Check(check_contractive_penalty_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "the Frobenius norm not squared",
            "the penalty is lam sum_i ||grad_x h_i||^2: the SQUARED Frobenius norm of the Jacobian, sum of J[i, j]^2, "
            "with no square root.",
            f"{MISTAKES}:contractive_penalty_not_squared",
        ),
        Mistake(
            "the sigmoid's derivative left out",
            "h_i = sigmoid(a_i) with a_i = W_enc[i] . x + b_i, so by the chain rule dh_i/dx_j = sigmoid'(a_i) "
            "W_enc[i, j]: the Jacobian is W_enc with row i scaled by the sigmoid's slope at that example.",
            f"{MISTAKES}:contractive_penalty_no_sigmoid_derivative",
        ),
        Mistake(
            "the sigmoid's derivative taken at the weighted input",
            "sigmoid'(a) = sigmoid(a) (1 - sigmoid(a)) = h (1 - h), written with the code h, not a (1 - a) with "
            "the weighted input a.",
            f"{MISTAKES}:contractive_penalty_derivative_of_preactivation",
        ),
        Mistake(
            "the Jacobian transposed",
            "J[n] has one ROW per code unit i, the gradient grad_x h_i: shape (k, d), J[n, i, j] = dh_i/dx_j.",
            f"{MISTAKES}:contractive_penalty_jacobian_transposed",
        ),
    ),
)


# -- autoencoders.DigitsAutoencoder -------------------------------------------------------------

#: How the digits autoencoder is trained by the check: full-batch epochs, learning rate, training digits.
DIGITS_EPOCHS, DIGITS_ETA, DIGITS_TRAIN = 100, 0.1, 1200
#: How many of the other digits are reconstructed (held out): few enough that a recording of the known mistakes'
#: reconstructions stays small, enough that the ratio's spread stays far below the threshold's margin.
DIGITS_HELD_OUT = 150

RECONSTRUCTION_RATIO = 0.75
"""A trained autoencoder's reconstruction error on the held-out digits, divided by the error of reconstructing
every held-out digit as the training digits' mean image, must be at most this. Measured by
``bench/bench_autoencoder.py`` over 1000 runs of the torch reference drawn as the check draws them (a split and
initial weights each; full-batch training draws nothing else): the ratio is 0.567 on average with standard
deviation 0.019, lowest 0.513, highest 0.640, none above the threshold. The threshold lies 9.4 standard
deviations above the mean and 0.11 above the highest run; a normal tail puts a correct fit's chance of failing
the check at about 2e-21, and float32 rounding moves the ratio by far less than the margin. Untrained weights
and the mean image itself stay at 1 or above; in the bench's 50 runs each, every run of a fit on F.mse_loss's
mean (steps 64 times shorter, ratio 1.14 on average), of one that never zeroes its gradients (1.63), of a
sigmoid on the reconstruction (1.00) and of a code without its sigmoid (diverges) fails."""

LEARNED = 0.95
"""The ratio below which the network has learned more than the mean image: the falling cost earns its part only
below it."""

DIGITS_PARAMETER_SHAPES = {"encoder.weight": (16, 64), "encoder.bias": (16,), "decoder.weight": (64, 16), "decoder.bias": (64,)}


@functools.lru_cache(maxsize=1)
def _digits() -> np.ndarray:
    from sklearn.datasets import load_digits

    pixels = (load_digits().data / 16.0).astype(np.float32)
    pixels.flags.writeable = False
    return pixels


def digits() -> np.ndarray:
    """scikit-learn's 1797 8x8 digits (bundled with the package, no download) as (1797, 64) float32 pixels in [0, 1].

    Read once per process (reading the file takes longer than a check's arithmetic); read-only, shared.
    """
    return _digits()


def initial_state(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """nn.Linear's default initialisation, drawn from ``rng``: uniform in +-1/sqrt(fan_in), float32."""
    values = {}
    for name, shape in DIGITS_PARAMETER_SHAPES.items():
        fan_in = DIGITS_PARAMETER_SHAPES[name.replace(".bias", ".weight")][1]
        values[name] = (rng.uniform(-1.0, 1.0, size=shape) / np.sqrt(fan_in)).astype(np.float32)
    return values


def upstream(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """An upstream gradient with entries of both signs, none of them 1."""
    return (rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)).astype(np.float32)


def floats(value: Any) -> np.ndarray | None:
    """``value`` as a float array, or None when the student's value is not numbers."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def reconstruction_ratio(held_out: np.ndarray, train_mean: np.ndarray, R: Any) -> float | None:
    """The held-out reconstruction error over the mean image's, or None when R is not a finite (N, 64) array."""
    R = floats(R)
    if R is None or R.shape != held_out.shape or not np.isfinite(R).all():
        return None
    error = float(((held_out - R) ** 2).sum(axis=1).mean())
    baseline = float(((held_out - train_mean) ** 2).sum(axis=1).mean())
    return error / baseline


def judge_digits_run(held_out: np.ndarray, train_mean: np.ndarray, R: Any) -> tuple[list[str], float | None]:
    """What is wrong with one training run, from the reconstructions R of the held-out digits.

    Returns the problems (none for a right run, but with the probability stated in
    :data:`RECONSTRUCTION_RATIO`) and the ratio, or None when R is unusable.
    """
    ratio = reconstruction_ratio(held_out, train_mean, R)
    if ratio is None:
        return [f"after fit, DigitsAutoencoder()(X) should be a finite array of shape {held_out.shape}"], None
    problems = []
    if ratio > RECONSTRUCTION_RATIO:
        problems.append(
            f"after fit, the reconstruction error on {len(held_out)} held-out digits is {ratio:.3f} times that of "
            f"reconstructing every digit as the mean image; a correct network and fit reach at most "
            f"{RECONSTRUCTION_RATIO} (about 0.57)"
        )
    return problems, ratio


def _forward_and_gradients(t: Trial, N: int) -> None:
    X = digits()[t.rng.choice(1797, size=N, replace=False)]
    steps = [new(), load(initial_state(t.rng)), call(X, grad=(0,)), backward(2, upstream(t.rng, (N, 64)))]
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], "DigitsAutoencoder")
    expect_output(t, got[2], want[2], f"DigitsAutoencoder()(X) for {N} digits", attached=True)
    expect_gradients(t, got[3], want[3], inputs=["X"])


def _exact_fit(t: Trial, m: int, epochs: int) -> None:
    """A short fit on m digits, compared step by step with the reference: every epoch's loss and every parameter."""
    X = digits()[t.rng.choice(1797, size=m, replace=False)]
    eta = representable_float(t.rng.uniform(0.05, 0.2))
    steps = [new(), load(initial_state(t.rng)), call(X, epochs, eta, method="fit"), state(0)]
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], "DigitsAutoencoder")
    rtol, atol = TOLERANCES["float32"]
    t.expect_close(got[2]["value"], want[2]["value"], name=f"the losses fit returned ({epochs} epochs of {m} digits, eta={eta:.4g})",
                   rtol=rtol, atol=atol)
    for name, expected in want[3].items():
        mine = got[3].get(name) if isinstance(got[3], dict) else None
        t.expect_close(mine, expected, name=f"'{name}' after fit", **array_tolerances(mine, expected))


def check_digits_autoencoder_parameters(t: Trial) -> None:
    """'DigitsAutoencoder()' registers encoder and decoder (weights and biases) with the docstring's shapes, and computes with them."""
    expect_parameters_in_use(t, new(), initial_state(t.rng), (digits()[:3],), "DigitsAutoencoder")


def check_digits_autoencoder_forward_and_gradients(t: Trial) -> None:
    """'DigitsAutoencoder()(X)' on loaded weights for 6 digits: the reconstruction and autograd's gradients of X and every parameter."""
    _forward_and_gradients(t, 6)


def check_digits_autoencoder_fit_step_by_step(t: Trial) -> None:
    """Three epochs of 'fit' on 40 digits: every epoch's loss and every parameter after."""
    _exact_fit(t, 40, 3)


def check_digits_autoencoder_reconstruction(t: Trial) -> None:
    """'fit' on 1200 digits (100 epochs, eta 0.1): the loss falls, and 150 held-out digits are reconstructed with at most 0.75 times the error of the mean image."""
    X = digits()
    order = t.rng.permutation(len(X))
    train, held_out = X[order[:DIGITS_TRAIN]], X[order[DIGITS_TRAIN:DIGITS_TRAIN + DIGITS_HELD_OUT]]
    steps = [new(), load(initial_state(t.rng)), call(train, DIGITS_EPOCHS, DIGITS_ETA, method="fit"), call(held_out)]
    got = t.student(steps)
    require_loaded(t, got[1], "DigitsAutoencoder")
    costs = floats(got[2]["value"]) if isinstance(got[2]["value"], (list, tuple)) else None
    if costs is None or costs.shape != (DIGITS_EPOCHS,) or not np.isfinite(costs).all():
        t.fail(f"fit should return {DIGITS_EPOCHS} finite losses; it returned {got[2]['value']!r:.200}")
    problems, ratio = judge_digits_run(held_out.astype(float), train.astype(float).mean(axis=0), got[3]["value"])
    # The falling loss is the student's own report, which any falling list has: scored only beside a
    # network that learned more than the mean image.
    t.expect(costs[-1] < costs[0], f"the loss did not fall over {DIGITS_EPOCHS} epochs of fit: from {costs[0]:.3f} to {costs[-1]:.3f}",
             with_value=ratio is not None and ratio <= LEARNED)
    t.expect(not problems, "; ".join(problems))


def check_digits_autoencoder_hidden(t: Trial) -> None:
    """A short fit of two epochs on new digits and new initial weights: its losses and every parameter after."""
    _exact_fit(t, 20, 2)


DIGITS_AUTOENCODER = Exercise(
    id="autoencoders.digits_autoencoder",
    title="An undercomplete autoencoder module trained on the 8x8 digits",
    notes="1.9.1.2 (undercomplete autoencoders, trained to minimise L(x, g(f(x))))",
    uses_torch=True,
    limits=TRAINING_LIMITS,
    student=StudentClass("autoencoders", "DigitsAutoencoder"),
    reference="reference.autoencoders:DigitsAutoencoder",
    torch_reference="reference.autoencoders_torch:DigitsAutoencoder",
    input_classes=("float32 input",),
    checks=(
        Check(check_digits_autoencoder_parameters, points=1),
        Check(check_digits_autoencoder_forward_and_gradients, points=2),
        Check(check_digits_autoencoder_fit_step_by_step, points=2),
        Check(check_digits_autoencoder_reconstruction, points=2),
        Check(check_digits_autoencoder_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "gradients never zeroed",
            "backward() adds to .grad: zero the gradients (self.zero_grad()) before each epoch's backward, or "
            "each step follows the sum of every gradient so far.",
            f"{MISTAKES}:DigitsAutoencoderGradientsNeverZeroed",
        ),
        Mistake(
            "loss averaged over every entry",
            "the loss sums each digit's squared error over its 64 pixels and averages over the digits; "
            "F.mse_loss's default mean also divides by 64, which makes every step 64 times shorter.",
            f"{MISTAKES}:DigitsAutoencoderMeanOverEntries",
        ),
        Mistake(
            "no sigmoid on the code",
            "the code is sigmoid(encoder(X)): without the sigmoid the autoencoder is linear.",
            f"{MISTAKES}:DigitsAutoencoderNoSigmoid",
        ),
        Mistake(
            "a sigmoid on the reconstruction",
            "the decoder is linear: return decoder(code) as it is, with no sigmoid on the output.",
            f"{MISTAKES}:DigitsAutoencoderSigmoidDecoder",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    AUTOENCODE,
    SPARSE_LOSS,
    DENOISING_LOSS,
    CONTRACTIVE_PENALTY,
    DIGITS_AUTOENCODER,
)
