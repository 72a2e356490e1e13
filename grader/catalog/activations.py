"""Activation functions and their derivatives: ReLU, leaky ReLU, ELU, the exact GELU, a stable softmax and
log-softmax along a stated axis, and the softmax's backward pass.

Course notes 1.3.2.2 and 1.3.5.1; the slides' activation functions. The
conventions are torch's (see ``exercises/activations.py``): an elementwise
activation returns ``(a, da/dz)``; at z = 0 the derivative is the ``z <= 0``
side's (ReLU 0, leaky ReLU and ELU alpha); GELU is the exact ``z Phi(z)``;
softmax works along ``axis``, each example on its own.

Inputs discriminate the mistakes students make: every elementwise check holds
entries exactly 0 (a derivative of 1 at 0 shows) and of both signs (np.sign
as a derivative shows), slopes other than torch's default 0.01 (a hard-coded
slope shows); GELU's inputs span [-5, 5], where the tanh approximation is off
by up to 5e-4; softmax batches are not square (a softmax over the batch axis
shows), some are normalised along axis 0 or the middle axis of three (an
ignored axis shows), and one holds logits near +1000 and -1000 in different
rows (overflow, and a maximum taken over the whole batch, give nan). Every
input is a float32 number, so a student computing in float32 starts from
the same numbers and meets float32 tolerances.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.activations_mistakes"


def representable(values: np.ndarray) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def pre_activations(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 2.0) -> np.ndarray:
    """Entries N(0, scale^2) of both signs, about a fifth of them exactly 0 (where a kink's derivative is decided)."""
    z = rng.normal(0.0, scale, size=shape)
    z[rng.random(size=shape) < 0.2] = 0.0
    z.flat[0] = 0.0  # at least one zero, at least one of each sign
    z.flat[1], z.flat[-1] = -abs(z.flat[1]) - 0.1, abs(z.flat[-1]) + 0.1
    return representable(z)


GRID = np.array([[-3.0, -1.0, -0.25, 0.0, 0.5], [2.0, 0.0, -0.0625, 1.0, -6.0]])
"""Hand-picked pre-activations: exact zeros, both signs, values on both sides of 1."""


def random_shape(rng: np.random.Generator) -> tuple[int, ...]:
    return tuple(int(n) for n in rng.integers(2, 6, size=int(rng.integers(1, 4))))


# -- activations.relu -----------------------------------------------------------------------------


def check_relu_zero_and_both_signs(t: Trial) -> None:
    """'relu' on hand-picked values with exact zeros (where the derivative is 0), and on 0 as a 0-d array."""
    t.expect_close(t.student(GRID.tolist()), t.reference(GRID), name=f"relu(z={GRID.tolist()})")  # a list, as the docstring allows
    zero = np.array(0.0)
    t.expect_close(t.student(zero), t.reference(zero), name="relu(0.0)")


def check_relu_random_batch(t: Trial) -> None:
    """'relu' on a batch of 4 x 6 pre-activations of both signs, some exactly 0."""
    z = pre_activations(t.rng, (4, 6))
    t.expect_close(t.student(z), t.reference(z), name="relu(z of shape (4, 6))")


def check_relu_hidden(t: Trial) -> None:
    """'relu' on new pre-activations of new shapes, some exactly 0."""
    for _ in range(2):
        z = pre_activations(t.rng, random_shape(t.rng))
        t.expect_close(t.student(z), t.reference(z), name=f"relu(z of shape {z.shape})")


RELU = Exercise(
    id="activations.relu",
    input_classes=("on the boundary: z", "list input: z"),
    title="ReLU and its derivative (0 at z = 0)",
    notes="slides: activation functions (ReLU); 1.3.4 (BP2 multiplies by the derivative)",
    student=StudentFunction("activations", "relu"),
    reference="reference.activations:relu",
    torch_reference="reference.activations_torch:relu",
    checks=(
        Check(check_relu_zero_and_both_signs, points=1),
        Check(check_relu_random_batch, points=1),
        Check(check_relu_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "ReLU'(0) taken as 1",
            "at z = 0 exactly this exercise (and torch's autograd) takes the derivative as 0: it is 1 only where "
            "z > 0 (a strict inequality).",
            f"{MISTAKES}:relu_derivative_one_at_zero",
        ),
        Mistake(
            "np.sign as the derivative",
            "below zero ReLU is flat, so its derivative there is 0, not -1: the derivative is 1 where z > 0 and 0 "
            "elsewhere.",
            f"{MISTAKES}:relu_derivative_sign",
        ),
        Mistake(
            "the value returned as the derivative",
            "the second element is the derivative of max(0, z), a slope (1 or 0), not max(0, z) itself.",
            f"{MISTAKES}:relu_value_as_derivative",
        ),
    ),
)


# -- activations.leaky_relu ------------------------------------------------------------------------


def check_leaky_relu_zero_and_slopes(t: Trial) -> None:
    """'leaky_relu' on hand-picked values with exact zeros, with alpha 0.1, 0.25 and the default 0.01."""
    for alpha in (0.1, 0.25):
        t.expect_close(t.student(GRID, alpha), t.reference(GRID, alpha), name=f"leaky_relu(z={GRID.tolist()}, alpha={alpha})")
    t.expect_close(t.student(GRID.tolist()), t.reference(GRID), name=f"leaky_relu(z={GRID.tolist()})")  # a list


def check_leaky_relu_random_batch(t: Trial) -> None:
    """'leaky_relu' on a batch of 5 x 3 pre-activations, some exactly 0, with a slope alpha between 0.05 and 0.3."""
    z = pre_activations(t.rng, (5, 3))
    alpha = float(representable(t.rng.uniform(0.05, 0.3)))
    t.expect_close(t.student(z, alpha), t.reference(z, alpha), name=f"leaky_relu(z of shape (5, 3), alpha={alpha:.6g})")


def check_leaky_relu_hidden(t: Trial) -> None:
    """'leaky_relu' on new pre-activations, shapes and slopes."""
    for _ in range(2):
        z, alpha = pre_activations(t.rng, random_shape(t.rng)), float(representable(t.rng.uniform(0.05, 0.4)))
        t.expect_close(t.student(z, alpha), t.reference(z, alpha), name=f"leaky_relu(z of shape {z.shape}, alpha)")


LEAKY_RELU = Exercise(
    id="activations.leaky_relu",
    input_classes=("on the boundary: z", "list input: z"),
    title="Leaky ReLU and its derivative (alpha at z = 0)",
    notes="slides: activation functions (leaky ReLU, max(alpha x, x))",
    student=StudentFunction("activations", "leaky_relu"),
    reference="reference.activations:leaky_relu",
    torch_reference="reference.activations_torch:leaky_relu",
    checks=(
        Check(check_leaky_relu_zero_and_slopes, points=1),
        Check(check_leaky_relu_random_batch, points=1),
        Check(check_leaky_relu_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "derivative 1 at z = 0",
            "at z = 0 exactly the derivative is alpha, the z <= 0 side's, as torch's autograd gives it: 1 only where "
            "z > 0.",
            f"{MISTAKES}:leaky_relu_derivative_one_at_zero",
        ),
        Mistake(
            "alpha ignored",
            "use the slope alpha you are given, below zero in the value and in the derivative; 0.01 is only its default.",
            f"{MISTAKES}:leaky_relu_alpha_ignored",
        ),
        Mistake(
            "derivative 0 below zero",
            "leaky ReLU is alpha z below zero, so its slope there is alpha, not 0 (that is plain ReLU's).",
            f"{MISTAKES}:leaky_relu_derivative_without_slope",
        ),
    ),
)


# -- activations.elu ---------------------------------------------------------------------------------


def check_elu_zero_and_alphas(t: Trial) -> None:
    """'elu' on hand-picked values with exact zeros, with alpha 1 (the default), 1.5 and 0.25."""
    t.expect_close(t.student(GRID.tolist()), t.reference(GRID), name=f"elu(z={GRID.tolist()})")  # a list
    for alpha in (1.5, 0.25):
        t.expect_close(t.student(GRID, alpha), t.reference(GRID, alpha), name=f"elu(z={GRID.tolist()}, alpha={alpha})")


def check_elu_random_batch(t: Trial) -> None:
    """'elu' on a batch of 3 x 7 pre-activations, some exactly 0, with alpha between 0.5 and 2."""
    z = pre_activations(t.rng, (3, 7))
    alpha = float(representable(t.rng.uniform(0.5, 2.0)))
    t.expect_close(t.student(z, alpha), t.reference(z, alpha), name=f"elu(z of shape (3, 7), alpha={alpha:.6g})")


def check_elu_hidden(t: Trial) -> None:
    """'elu' on new pre-activations, shapes and values of alpha."""
    for _ in range(2):
        z, alpha = pre_activations(t.rng, random_shape(t.rng)), float(representable(t.rng.uniform(0.3, 2.5)))
        t.expect_close(t.student(z, alpha), t.reference(z, alpha), name=f"elu(z of shape {z.shape}, alpha)")


ELU = Exercise(
    id="activations.elu",
    input_classes=("on the boundary: z", "list input: z"),
    title="ELU and its derivative (alpha at z = 0)",
    notes="slides: activation functions (ELU, x 1(x > 0) + alpha (e^x - 1) 1(x <= 0))",
    student=StudentFunction("activations", "elu"),
    reference="reference.activations:elu",
    torch_reference="reference.activations_torch:elu",
    checks=(
        Check(check_elu_zero_and_alphas, points=1),
        Check(check_elu_random_batch, points=1),
        Check(check_elu_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "the -1 left out",
            "below zero ELU is alpha (e^z - 1), which is 0 at z = 0 and tends to -alpha; alpha e^z jumps at 0.",
            f"{MISTAKES}:elu_minus_one_dropped",
        ),
        Mistake(
            "derivative 1 at z = 0",
            "at z = 0 exactly the derivative is alpha e^0 = alpha, the z <= 0 branch (the slides' 1(x <= 0), torch's "
            "autograd): 1 only where z > 0.",
            f"{MISTAKES}:elu_derivative_one_at_zero",
        ),
        Mistake(
            "the value used as the derivative",
            "the derivative of alpha (e^z - 1) is alpha e^z: differentiate, do not copy the value (they differ by alpha).",
            f"{MISTAKES}:elu_value_as_derivative",
        ),
        Mistake(
            "alpha left out of the derivative",
            "the derivative below zero is alpha e^z: alpha multiplies e^z in the derivative too.",
            f"{MISTAKES}:elu_derivative_without_alpha",
        ),
    ),
)


# -- activations.gelu -----------------------------------------------------------------------------------


def check_gelu_hand_picked(t: Trial) -> None:
    """'gelu' on hand-picked values from -6 to 2 with exact zeros: the exact z Phi(z), not an approximation."""
    t.expect_close(t.student(GRID.tolist()), t.reference(GRID), name=f"gelu(z={GRID.tolist()})")  # a list


def check_gelu_where_approximations_differ(t: Trial) -> None:
    """'gelu' on 4 x 5 values spread over [-5, 5], where the tanh and sigmoid approximations are off by up to 5e-4 and 2e-2."""
    z = representable(np.concatenate([np.linspace(-5.0, 5.0, 11), t.rng.uniform(-5.0, 5.0, size=9)]).reshape(4, 5))
    t.expect_close(t.student(z), t.reference(z), name="gelu(z of shape (4, 5))")


def check_gelu_hidden(t: Trial) -> None:
    """'gelu' on new pre-activations and shapes."""
    for _ in range(2):
        z = pre_activations(t.rng, random_shape(t.rng), scale=2.5)
        t.expect_close(t.student(z), t.reference(z), name=f"gelu(z of shape {z.shape})")


GELU = Exercise(
    id="activations.gelu",
    input_classes=("list input: z",),
    title="The exact GELU, z Phi(z), and its derivative",
    notes="slides: activation functions (GELU, x Phi(x))",
    student=StudentFunction("activations", "gelu"),
    reference="reference.activations:gelu",
    torch_reference="reference.activations_torch:gelu",
    checks=(
        Check(check_gelu_hand_picked, points=1),
        Check(check_gelu_where_approximations_differ, points=1),
        Check(check_gelu_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "tanh approximation",
            "this is the exact GELU, z Phi(z) with Phi(z) = (1 + erf(z / sqrt(2))) / 2 (torch's F.gelu(z)); the tanh "
            "formula is another function (F.gelu(z, approximate='tanh')), off by up to 5e-4.",
            f"{MISTAKES}:gelu_tanh_approximation",
        ),
        Mistake(
            "product rule's second term left out",
            "d/dz [z Phi(z)] = Phi(z) + z phi(z), with phi(z) = exp(-z^2 / 2) / sqrt(2 pi) the normal density: "
            "Phi(z) alone is only the first term.",
            f"{MISTAKES}:gelu_derivative_cdf_only",
        ),
        Mistake(
            "erf without the sqrt(2)",
            "the standard normal's distribution is Phi(z) = (1 + erf(z / sqrt(2))) / 2: divide z by sqrt(2) inside erf.",
            f"{MISTAKES}:gelu_erf_without_sqrt2",
        ),
        Mistake(
            "sigmoid approximation",
            "z sigmoid(1.702 z) only approximates GELU (by up to 2e-2); compute Phi(z) exactly, with erf.",
            f"{MISTAKES}:gelu_sigmoid_approximation",
        ),
    ),
)


# -- the softmax family: inputs ------------------------------------------------------------------------


def logits(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 3.0) -> np.ndarray:
    return representable(rng.normal(0.0, scale, size=shape))


def large_logits(rng: np.random.Generator, classes: int = 5) -> np.ndarray:
    """Four examples: logits near +1000, near -1000, near 0, and spread from -1000 to +1000 in one example.

    Without the maximum subtracted e^1000 overflows (nan); with the batch's maximum subtracted instead of
    each example's, the examples far below it underflow to 0 / 0 (nan); the log of a softmax of the
    spread example is -inf.
    """
    rows = [
        1000.0 + rng.normal(0.0, 2.0, size=classes),
        -1000.0 + rng.normal(0.0, 2.0, size=classes),
        rng.normal(0.0, 2.0, size=classes),
        np.linspace(-1000.0, 1000.0, classes) + rng.normal(0.0, 1.0, size=classes),
    ]
    return representable(np.stack([rows[i] for i in rng.permutation(4)]))


def _axis_cases(rng: np.random.Generator) -> list[tuple[np.ndarray, int]]:
    """Classes down the columns of a (5, 3) batch (axis 0), and along the middle axis of a (2, 4, 3) array (axis 1)."""
    return [(logits(rng, (5, 3)), 0), (logits(rng, (2, 4, 3)), 1)]


def _hidden_cases(rng: np.random.Generator) -> list[tuple[np.ndarray, int]]:
    shape = random_shape(rng)
    shape = shape if len(shape) > 1 else (3, *shape)
    return [(logits(rng, shape), int(rng.integers(-len(shape), len(shape)))), (large_logits(rng, int(rng.integers(3, 7))), -1)]


# -- activations.softmax ----------------------------------------------------------------------------


def check_softmax_batch_of_rows(t: Trial) -> None:
    """'softmax' of a batch of 4 examples with 6 classes each, one per row (the default axis, the last)."""
    Z = logits(t.rng, (4, 6))
    t.expect_close(t.student(Z), t.reference(Z), name="softmax(Z of shape (4, 6))")


def check_softmax_large_logits(t: Trial) -> None:
    """'softmax' stays finite and right with logits near +1000 and -1000: each example's maximum is subtracted."""
    Z = large_logits(t.rng)
    t.expect_close(t.student(Z.tolist(), -1), t.reference(Z, -1), name=f"softmax(Z={Z.tolist()}, axis=-1)")  # a list


def check_softmax_other_axes(t: Trial) -> None:
    """'softmax' along axis 0 of a (5, 3) array and along axis 1 of a (2, 4, 3) array."""
    for Z, axis in _axis_cases(t.rng):
        t.expect_close(t.student(Z, axis), t.reference(Z, axis), name=f"softmax(Z of shape {Z.shape}, axis={axis})")


def check_softmax_hidden(t: Trial) -> None:
    """'softmax' on new logits, shapes and axes, and on new logits near +-1000."""
    for Z, axis in _hidden_cases(t.rng):
        t.expect_close(t.student(Z, axis), t.reference(Z, axis), name=f"softmax(Z of shape {Z.shape}, axis)")


SOFTMAX = Exercise(
    id="activations.softmax",
    input_classes=("list input: Z",),
    title="A numerically stable softmax along a given axis",
    notes="1.3.5.1 (soft-max activation); slides: activation functions (soft-max)",
    student=StudentFunction("activations", "softmax"),
    reference="reference.activations:softmax",
    torch_reference="reference.activations_torch:softmax",
    checks=(
        Check(check_softmax_batch_of_rows, points=1),
        Check(check_softmax_large_logits, points=1),
        Check(check_softmax_other_axes, points=1),
        Check(check_softmax_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "maximum not subtracted (overflow)",
            "e^1000 overflows to inf and inf / inf is nan: subtract each example's maximum along the axis first, "
            "Z - Z.max(axis=axis, keepdims=True); the softmax does not change.",
            f"{MISTAKES}:softmax_max_not_subtracted",
        ),
        Mistake(
            "softmax over the batch axis",
            "normalise each example over its classes, along the axis given (by default the last, along each row), "
            "not down the batch (axis 0).",
            f"{MISTAKES}:softmax_batch_axis",
        ),
        Mistake(
            "axis ignored",
            "normalise along the axis you are given: sum and take the maximum with axis=axis, keepdims=True.",
            f"{MISTAKES}:softmax_axis_ignored",
        ),
        Mistake(
            "maximum of the whole batch subtracted",
            "subtract EACH example's own maximum (Z.max(axis=axis, keepdims=True)), not the whole array's: an "
            "example far below the batch's maximum underflows to 0 / 0.",
            f"{MISTAKES}:softmax_global_max",
        ),
    ),
)


# -- activations.log_softmax -------------------------------------------------------------------------


def check_log_softmax_batch_of_rows(t: Trial) -> None:
    """'log_softmax' of a batch of 4 examples with 6 classes each, one per row (the default axis)."""
    Z = logits(t.rng, (4, 6))
    t.expect_close(t.student(Z), t.reference(Z), name="log_softmax(Z of shape (4, 6))")


def check_log_softmax_large_logits(t: Trial) -> None:
    """'log_softmax' stays finite and right with logits near +-1000, where a probability underflows to 0."""
    Z = large_logits(t.rng)
    t.expect_close(t.student(Z.tolist(), -1), t.reference(Z, -1), name=f"log_softmax(Z={Z.tolist()}, axis=-1)")  # a list


def check_log_softmax_other_axes(t: Trial) -> None:
    """'log_softmax' along axis 0 of a (5, 3) array and along axis 1 of a (2, 4, 3) array."""
    for Z, axis in _axis_cases(t.rng):
        t.expect_close(t.student(Z, axis), t.reference(Z, axis), name=f"log_softmax(Z of shape {Z.shape}, axis={axis})")


def check_log_softmax_hidden(t: Trial) -> None:
    """'log_softmax' on new logits, shapes and axes, and on new logits near +-1000."""
    for Z, axis in _hidden_cases(t.rng):
        t.expect_close(t.student(Z, axis), t.reference(Z, axis), name=f"log_softmax(Z of shape {Z.shape}, axis)")


LOG_SOFTMAX = Exercise(
    id="activations.log_softmax",
    input_classes=("list input: Z",),
    title="A numerically stable log-softmax along a given axis",
    notes="1.3.5.1 (soft-max and log-likelihood)",
    student=StudentFunction("activations", "log_softmax"),
    reference="reference.activations:log_softmax",
    torch_reference="reference.activations_torch:log_softmax",
    checks=(
        Check(check_log_softmax_batch_of_rows, points=1),
        Check(check_log_softmax_large_logits, points=1),
        Check(check_log_softmax_other_axes, points=1),
        Check(check_log_softmax_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "log of a softmax that underflows",
            "a probability such as e^-1500 rounds to 0 and its log is -inf: do not take np.log of the softmax; "
            "write z - m - log(sum(e^(z - m))) with m each example's maximum.",
            f"{MISTAKES}:log_softmax_log_of_softmax",
        ),
        Mistake(
            "maximum not subtracted (overflow)",
            "log(sum(e^z)) overflows for logits near 1000: compute it as m + log(sum(e^(z - m))), m each example's "
            "maximum.",
            f"{MISTAKES}:log_softmax_max_not_subtracted",
        ),
        Mistake(
            "maximum not taken from z",
            "log(sum(e^z)) = m + log(sum(e^(z - m))): the answer is z - m - log(sum(e^(z - m))); subtracting the "
            "maximum inside the sum and not from z leaves every entry m too high.",
            f"{MISTAKES}:log_softmax_max_not_added_back",
        ),
        Mistake(
            "log-softmax over the batch axis",
            "normalise each example over its classes, along the axis given (by default the last), not down the "
            "batch (axis 0).",
            f"{MISTAKES}:log_softmax_batch_axis",
        ),
    ),
)


# -- activations.softmax_backward --------------------------------------------------------------------


def _backward(t: Trial, Z: np.ndarray, axis: int | None, label: str, *, lists: bool = False) -> None:
    """One expectation; ``lists`` gives the student Z and G as lists (the reference the arrays)."""
    G = representable(t.rng.normal(0.0, 1.0, size=Z.shape))
    args = (Z, G) if axis is None else (Z, G, axis)
    given = (Z.tolist(), G.tolist(), *args[2:]) if lists else args
    t.expect_close(t.student(*given), t.reference(*args), name=f"softmax_backward({label})")


def check_softmax_backward_batch_of_rows(t: Trial) -> None:
    """'softmax_backward' on a batch of 4 examples with 5 classes (the default axis), against autograd."""
    _backward(t, logits(t.rng, (4, 5)), None, "Z of shape (4, 5), G")


def check_softmax_backward_other_axes(t: Trial) -> None:
    """'softmax_backward' along axis 0 of a (5, 3) array and along axis 1 of a (2, 4, 3) array."""
    for Z, axis in _axis_cases(t.rng):
        _backward(t, Z, axis, f"Z of shape {Z.shape}, G, axis={axis}")


def check_softmax_backward_large_logits(t: Trial) -> None:
    """'softmax_backward' stays finite and right with logits near +-1000."""
    Z = large_logits(t.rng)
    _backward(t, Z, -1, f"Z={Z.tolist()}, G, axis=-1", lists=True)


def check_softmax_backward_hidden(t: Trial) -> None:
    """'softmax_backward' on new logits, gradients, shapes and axes."""
    for Z, axis in _hidden_cases(t.rng):
        _backward(t, Z, axis, f"Z of shape {Z.shape}, G, axis")


SOFTMAX_BACKWARD = Exercise(
    id="activations.softmax_backward",
    input_classes=("list input: Z",),
    title="The softmax's backward pass: its Jacobian times an upstream gradient",
    notes="1.3.5.1 (soft-max); 1.3.4 (backpropagation)",
    student=StudentFunction("activations", "softmax_backward"),
    reference="reference.activations:softmax_backward",
    torch_reference="reference.activations_torch:softmax_backward",
    checks=(
        Check(check_softmax_backward_batch_of_rows, points=1),
        Check(check_softmax_backward_other_axes, points=1),
        Check(check_softmax_backward_large_logits, points=1),
        Check(check_softmax_backward_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "Jacobian's diagonal only",
            "every output s_k depends on every logit of its example: ds_k/dz_i = s_k (delta_ik - s_i), so "
            "dL/dz_i = s_i (G_i - sum_k G_k s_k), not s_i (1 - s_i) G_i.",
            f"{MISTAKES}:softmax_backward_diagonal_only",
        ),
        Mistake(
            "factor s left out",
            "dL/dz_i = s_i (G_i - sum_k G_k s_k): multiply by s_i after subtracting the weighted sum.",
            f"{MISTAKES}:softmax_backward_without_s",
        ),
        Mistake(
            "over the batch axis",
            "take the softmax and the sum sum_k G_k s_k along the axis of the classes (by default the last), "
            "each example on its own, not down the batch (axis 0).",
            f"{MISTAKES}:softmax_backward_batch_axis",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (RELU, LEAKY_RELU, ELU, GELU, SOFTMAX, LOG_SOFTMAX, SOFTMAX_BACKWARD)
