"""Convolutional network exercises: output sizes, convolution forward and backward, pooling, parameter
counts, receptive fields, a residual block and a small CNN trained on the digits.

Course notes 1.5.1 and the slides on CNN padding, stride and ResNet. Layouts
are torch's, ``(batch, channels, height, width)``; convolution is
cross-correlation (the filter is not flipped); padding goes on both sides;
max pooling's gradient goes to the first maximum of each window in row-major
order (see ``exercises/cnn.py``). Inputs discriminate the mistakes students
most often make: non-square images and filters (a swapped height and width
shows), odd sizes with stride 2 (a missing floor shows), padding that
changes the output size (padding on one side only shows), batches of 4 and
more output than input channels (a bias per input channel, a channels-last
layout show), integer-valued pooling inputs with ties and overlapping
windows (the tie rule and accumulation show), and stacks of layers with
strides above 1 (a receptive field that ignores them shows). Hidden checks
draw their own shapes from the seed.

Every exercise runs in the torch worker (the student's module defines torch
classes, so it imports torch) under :data:`CNN_LIMITS` (the functions) or
:data:`TRAINING_LIMITS` (the modules), set from ``bench/bench_cnn.py``: a
correct solution written as naive seven-deep loops must never time out.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.compare import TOLERANCES
from grader.declarations import Check, Exercise, Mistake, StudentClass, StudentFunction
from grader.module_checks import array_tolerances, expect_gradients, expect_output, expect_parameters_in_use, require_loaded
from grader.object_scripts import backward, call, load, mode, new, state
from grader.trial import Trial

MISTAKES = "reference.cnn_mistakes"

CNN_LIMITS = {"cpu_seconds": 5.0, "wall_seconds": 15.0}
"""Per call, for the function exercises, whatever the course's [sandbox] says. ``bench/bench_cnn.py`` grades,
through the sandbox on a 2-core machine, a correct student who writes conv2d and its backward as naive
seven-deep Python loops: its slowest check (public or hidden) takes about 0.05 s of wall clock, the vectorised
solution's about 0.035 s (a hidden check's new child and the round trips included; the loops themselves take
10 to 30 ms a call). 5 s of CPU and 15 s of wall clock leave the loop student some 100 times its need, ten
times over on a machine busy enough to slow it tenfold, and still stop a loop that never ends within seconds."""

TRAINING_LIMITS = {"cpu_seconds": 10.0, "wall_seconds": 30.0}
"""Per call, for the module exercises: the digits CNN trains in about 0.3 s of CPU per run (at most 0.5 s over
300 runs, ``bench/bench_cnn.py --training``); a slower but correct fit (one example at a time is some 20 times
slower) still fits in 10 s, the grader's own default (grader.limits.Limits)."""


def images(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Images (or upstream gradients) with entries N(0, 1)."""
    return rng.normal(0.0, 1.0, size=shape)


def filters(rng: np.random.Generator, C_out: int, C_in: int, k_h: int, k_w: int) -> tuple[np.ndarray, np.ndarray]:
    """Filters W (C_out, C_in, k_h, k_w) with entries N(0, 1/(C_in k_h k_w)) and a bias with no zero entry."""
    W = rng.normal(0.0, 1.0 / np.sqrt(C_in * k_h * k_w), size=(C_out, C_in, k_h, k_w))
    b = rng.uniform(0.5, 1.5, size=C_out) * rng.choice([-1.0, 1.0], size=C_out)
    return W, b


def output_size(n: int, k: int, p: int, s: int, d: int) -> int:
    """The output size (for drawing shapes that fit; the checks never score with it)."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def without_defaults(options: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """``options`` less those equal to their default: the student's call leaves them out, so the defaults are tested."""
    return {key: value for key, value in options.items() if not (key in defaults and value == defaults[key])}


# -- cnn.conv_output_size ------------------------------------------------------------------------


def _sizes(t: Trial, cases: list[tuple[int, int, int, int, int]]) -> None:
    """Each case is (n, k, P, S, D); one expectation for all of them (a guess gets some sizes right)."""
    with t.all_or_nothing():
        for n, k, p, s, d in cases:
            options = without_defaults({"padding": p, "stride": s, "dilation": d}, {"padding": 0, "stride": 1, "dilation": 1})
            got = t.student(n, k, **options)
            shown = "".join(f", {key}={value}" for key, value in options.items())
            t.expect_close(got, t.reference(n, k, padding=p, stride=s, dilation=d), name=f"conv_output_size({n}, {k}{shown})",
                           returns="int")


def check_conv_output_size_padding_and_stride(t: Trial) -> None:
    """'conv_output_size' with padding and stride 2 on odd sizes, where the division leaves a remainder."""
    _sizes(t, [(9, 3, 1, 2, 1), (10, 3, 1, 2, 1), (7, 2, 0, 2, 1), (28, 5, 2, 3, 1), (8, 3, 1, 1, 1), (13, 4, 3, 2, 1)])


def check_conv_output_size_dilation(t: Trial) -> None:
    """'conv_output_size' of dilated filters, whose span is D (k - 1) + 1."""
    _sizes(t, [(11, 3, 0, 1, 2), (12, 3, 2, 2, 2), (17, 5, 1, 3, 3), (9, 2, 1, 1, 4)])


def check_conv_output_size_hidden(t: Trial) -> None:
    """'conv_output_size' on new sizes, filters, paddings, strides and dilations."""
    cases = []
    while len(cases) < 8:
        k, s, d = int(t.rng.integers(1, 6)), int(t.rng.integers(2, 4)), int(t.rng.integers(1, 4))
        p, n = int(t.rng.integers(1, 4)), int(t.rng.integers(5, 40))
        if n + 2 * p >= d * (k - 1) + 1:
            cases.append((n, k, p, s, d))
    _sizes(t, cases)


CONV_OUTPUT_SIZE = Exercise(
    id="cnn.conv_output_size",
    input_classes=(),
    float32=False,
    float32_reason="integers in, an integer out: there is no floating-point arithmetic to do in float32",
    title="The output size of a convolution",
    notes="1.5.1.3 (kernel size, stride, padding); slides: CNN padding and stride",
    uses_torch=True,
    limits=CNN_LIMITS,
    student=StudentFunction("cnn", "conv_output_size"),
    reference="reference.cnn:conv_output_size",
    torch_reference="reference.cnn_torch:conv_output_size",
    checks=(
        Check(check_conv_output_size_padding_and_stride, points=1),
        Check(check_conv_output_size_dilation, points=1),
        Check(check_conv_output_size_hidden, points=1, hidden=True),
    ),
    mistakes=(
        Mistake(
            "no floor",
            "a window that would stick out past the padded input does not exist: floor the division, "
            "(n + 2P - D (k - 1) - 1) // S + 1, so the size is a whole number.",
            f"{MISTAKES}:conv_output_size_no_floor",
        ),
        Mistake(
            "padding outside the stride division",
            "the padding widens the input the filter slides over, so it belongs inside the division by the "
            "stride: floor((n + 2P - D (k - 1) - 1) / S) + 1, not floor((n - D (k - 1) - 1) / S) + 1 + 2P.",
            f"{MISTAKES}:conv_output_size_padding_outside_stride",
        ),
        Mistake(
            "padding on one side only",
            "P zeros go on EACH side of the input, so it grows by 2P: n + 2P - D (k - 1) - 1.",
            f"{MISTAKES}:conv_output_size_one_side_padding",
        ),
        Mistake(
            "dilation ignored",
            "a filter of k taps spaced D apart spans D (k - 1) + 1 pixels, not k.",
            f"{MISTAKES}:conv_output_size_dilation_ignored",
        ),
    ),
)


# -- cnn.conv2d --------------------------------------------------------------------------------------


def _conv_inputs(t: Trial, B: int, C_in: int, H: int, W: int, C_out: int, kernel: tuple[int, int]):
    X = images(t.rng, (B, C_in, H, W))
    weights, bias = filters(t.rng, C_out, C_in, *kernel)
    return X, weights, bias


def _conv(t: Trial, B: int, C_in: int, H: int, W: int, C_out: int, kernel: tuple[int, int], **geometry: Any) -> None:
    X, weights, bias = _conv_inputs(t, B, C_in, H, W, C_out, kernel)
    options = ", ".join(f"{key}={value}" for key, value in geometry.items())
    name = f"conv2d(X {X.shape}, W {weights.shape}, b{', ' + options if options else ''})"
    t.expect_close(t.student(X, weights, bias, **geometry), t.reference(X, weights, bias, **geometry), name=name)


def check_conv2d_batch_of_four(t: Trial) -> None:
    """'conv2d' of 4 images 9x7 with 3 channels by 5 filters 3x2 (stride 1, no padding), with a bias and without one (the default b=None)."""
    _conv(t, 4, 3, 9, 7, 5, (3, 2))
    X, weights, _ = _conv_inputs(t, 4, 3, 9, 7, 5, (3, 2))
    # X as nested lists, which the module's docstring allows
    t.expect_close(t.student(X.tolist(), weights), t.reference(X, weights, None), name=f"conv2d(X {X.shape} as lists, W {weights.shape})")


def check_conv2d_padding_and_stride(t: Trial) -> None:
    """'conv2d' with padding 1 on both sides and stride 2 on 9x11 images: 2 channels in, 4 out."""
    _conv(t, 4, 2, 9, 11, 4, (3, 3), stride=2, padding=1)


def check_conv2d_pairs_and_dilation(t: Trial) -> None:
    """'conv2d' with stride (2, 1), padding (1, 2) and dilation (2, 1), given as (height, width) pairs."""
    _conv(t, 2, 3, 10, 7, 4, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1))


def _random_geometry(rng: np.random.Generator) -> tuple[tuple[int, ...], tuple[int, int], dict[str, Any]]:
    """A batch shape, a filter size and a geometry drawn from the seed, with an output of at least 2x2."""
    while True:
        B, C_in, C_out = int(rng.integers(2, 5)), int(rng.integers(1, 4)), int(rng.integers(2, 6))
        H, W = int(rng.integers(5, 12)), int(rng.integers(5, 12))
        kernel = (int(rng.integers(1, 4)), int(rng.integers(2, 4)))
        stride, padding, dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3))), int(rng.integers(0, 3)), int(rng.integers(1, 3))
        sizes = [output_size(n, k, padding, s, dilation) for n, k, s in zip((H, W), kernel, stride)]
        if min(sizes) >= 2:
            return (B, C_in, H, W, C_out), kernel, {"stride": stride, "padding": padding, "dilation": dilation}


def check_conv2d_hidden(t: Trial) -> None:
    """'conv2d' on new batches, filters, strides, paddings and dilations."""
    for _ in range(2):
        shape, kernel, geometry = _random_geometry(t.rng)
        _conv(t, *shape, kernel, **geometry)


CONV2D = Exercise(
    id="cnn.conv2d",
    input_classes=("list input: X",),
    title="2-D convolution over a batch: channels, padding, stride, dilation",
    notes="1.5.1.3 (convolution layers, multidimensional filters); slides: CNN",
    uses_torch=True,
    limits=CNN_LIMITS,
    student=StudentFunction("cnn", "conv2d"),
    reference="reference.cnn:conv2d",
    torch_reference="reference.cnn_torch:conv2d",
    checks=(
        Check(check_conv2d_batch_of_four, points=1),
        Check(check_conv2d_padding_and_stride, points=1),
        Check(check_conv2d_pairs_and_dilation, points=1),
        Check(check_conv2d_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "kernel flipped (true convolution)",
            "a CNN's 'convolution' is cross-correlation, as in torch and the notes' filters: lay W[o, c] on the "
            "window as it is, W[o, c, p, q] times X_pad[b, c, i S + p D, j S + q D]; do not flip it.",
            f"{MISTAKES}:conv2d_flipped_kernel",
        ),
        Mistake(
            "padding on one side only",
            "P rows of zeros go at the top AND the bottom, P columns at the left AND the right: "
            "np.pad(X, ((0, 0), (0, 0), (P_h, P_h), (P_w, P_w))).",
            f"{MISTAKES}:conv2d_one_side_padding",
        ),
        Mistake(
            "channels-last data",
            "the layout is torch's (batch, channels, height, width): Y[b, o, i, j] with the output channel "
            "second, not (batch, height, width, channels).",
            f"{MISTAKES}:conv2d_channels_last",
        ),
        Mistake(
            "bias added once per input channel",
            "each output channel has ONE bias, added once to the sum over all input channels, filter rows and "
            "columns; adding it inside the loop over input channels adds it C_in times.",
            f"{MISTAKES}:conv2d_bias_per_input_channel",
        ),
    ),
)


# -- cnn.conv2d_backward --------------------------------------------------------------------------------


def _conv_backward(t: Trial, B: int, C_in: int, H: int, W: int, C_out: int, kernel: tuple[int, int], lists: bool = False,
                   **geometry: Any) -> None:
    """One expectation; ``lists`` gives the student X and G as nested lists (the reference the arrays)."""
    X, weights, bias = _conv_inputs(t, B, C_in, H, W, C_out, kernel)
    (s_h, s_w), (p_h, p_w), (d_h, d_w) = (_pair(geometry.get(key, default)) for key, default in
                                          (("stride", 1), ("padding", 0), ("dilation", 1)))
    G = images(t.rng, (B, C_out, output_size(H, kernel[0], p_h, s_h, d_h), output_size(W, kernel[1], p_w, s_w, d_w)))
    options = ", ".join(f"{key}={value}" for key, value in geometry.items())
    name = f"conv2d_backward(X {X.shape}, W {weights.shape}, b, G {G.shape}{', ' + options if options else ''})"
    given = (X.tolist(), weights, bias, G.tolist()) if lists else (X, weights, bias, G)
    t.expect_close(t.student(*given, **geometry), t.reference(X, weights, bias, G, **geometry), name=name + (" (X and G as lists)" if lists else ""))


def _pair(value: Any) -> tuple[int, int]:
    return (int(value), int(value)) if np.ndim(value) == 0 else (int(value[0]), int(value[1]))


def check_conv2d_backward_batch_of_four(t: Trial) -> None:
    """'conv2d_backward' gives dL/dX, dL/dW and dL/db as autograd does, 4 images, 3 channels in, 5 out, filters 3x2."""
    _conv_backward(t, 4, 3, 9, 7, 5, (3, 2))
    _conv_backward(t, 2, 3, 5, 4, 2, (2, 2), lists=True)


def check_conv2d_backward_padding_and_stride(t: Trial) -> None:
    """'conv2d_backward' with padding 1 and stride 2: dL/dX keeps X's shape, and pixels no window reaches get 0."""
    _conv_backward(t, 4, 2, 10, 9, 3, (3, 3), stride=2, padding=1)


def check_conv2d_backward_pairs_and_dilation(t: Trial) -> None:
    """'conv2d_backward' with stride (1, 2), padding (2, 1) and dilation (1, 2)."""
    _conv_backward(t, 2, 3, 8, 11, 4, (2, 3), stride=(1, 2), padding=(2, 1), dilation=(1, 2))


def check_conv2d_backward_hidden(t: Trial) -> None:
    """'conv2d_backward' on new batches, filters and geometries."""
    for _ in range(2):
        shape, kernel, geometry = _random_geometry(t.rng)
        _conv_backward(t, *shape, kernel, **geometry)


CONV2D_BACKWARD = Exercise(
    id="cnn.conv2d_backward",
    input_classes=("list input: X",),
    title="The backward pass of a convolution: gradients of the input, the filters and the bias",
    notes="1.5.1.3; 1.3.5 (backpropagation), the filters learned by backpropagation",
    uses_torch=True,
    limits=CNN_LIMITS,
    student=StudentFunction("cnn", "conv2d_backward"),
    reference="reference.cnn:conv2d_backward",
    torch_reference="reference.cnn_torch:conv2d_backward",
    checks=(
        Check(check_conv2d_backward_batch_of_four, points=1),
        Check(check_conv2d_backward_padding_and_stride, points=1),
        Check(check_conv2d_backward_pairs_and_dilation, points=1),
        Check(check_conv2d_backward_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "filters mirrored in dL/dX",
            "tap (p, q) of the filter touched X_pad[b, c, i S + p D, j S + q D], so that pixel receives "
            "G[b, o, i, j] W[o, c, p, q], with the same (p, q): send each product back where it came from. "
            "(Written as a full convolution of G, that is the filter flipped; flipping it as well undoes it.)",
            f"{MISTAKES}:conv2d_backward_unflipped_filters",
        ),
        Mistake(
            "padding not cut from dL/dX",
            "the forward pass padded X; the gradient of X itself is the padded gradient without its padding: "
            "dX_pad[:, :, P_h : P_h + H, P_w : P_w + W], of X's shape.",
            f"{MISTAKES}:conv2d_backward_padding_kept",
        ),
        Mistake(
            "bias gradient averaged",
            "b[o] is added at every output position of every image, so dL/db[o] is the SUM of G[:, o] over "
            "the batch and the positions, not the mean.",
            f"{MISTAKES}:conv2d_backward_bias_averaged",
        ),
        Mistake(
            "bias added once per input channel",
            "each output channel has one bias, added once per output position: dL/db[o] = sum of G[:, o], "
            "not C_in times it.",
            f"{MISTAKES}:conv2d_backward_bias_per_input_channel",
        ),
    ),
)


# -- cnn.pool2d ------------------------------------------------------------------------------------------


def tied_images(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Images of small whole numbers (-2 to 3), so windows often hold their maximum twice, and of both signs."""
    return rng.integers(-2, 4, size=shape).astype(float)


def _pool(t: Trial, X: np.ndarray, kernel: Any, stride: Any, pool_mode: str, *, lists: bool = False) -> None:
    """One expectation; ``lists`` gives the student X as nested lists (the reference the array)."""
    options = without_defaults({"stride": stride, "mode": pool_mode}, {"stride": None, "mode": "max"})
    name = f"pool2d(X {X.shape}{' as lists' if lists else ''}, {kernel}" + "".join(f", {key}={value!r}" for key, value in options.items()) + ")"
    t.expect_close(t.student(X.tolist() if lists else X, kernel, **options), t.reference(X, kernel, stride, pool_mode), name=name)


def check_pool2d_default_stride(t: Trial) -> None:
    """'pool2d' 2x2 max and average pooling with the default stride on 7x9 images: the odd edge row and column are dropped."""
    X = images(t.rng, (4, 3, 7, 9))
    _pool(t, X, 2, None, "max")
    _pool(t, X, 2, None, "avg")


def check_pool2d_rectangular_windows(t: Trial) -> None:
    """'pool2d' with windows (3, 2) and stride (2, 1), max and average, on images with ties."""
    X = tied_images(t.rng, (2, 3, 9, 6))
    _pool(t, X, (3, 2), (2, 1), "max")
    _pool(t, X, (3, 2), (2, 1), "avg", lists=True)


def check_pool2d_hidden(t: Trial) -> None:
    """'pool2d' on new images, windows and strides."""
    for pool_mode in ("max", "avg"):
        kernel = (int(t.rng.integers(2, 4)), int(t.rng.integers(1, 4)))
        stride = None if pool_mode == "max" else (int(t.rng.integers(1, 3)), int(t.rng.integers(2, 4)))
        _pool(t, images(t.rng, (3, 2, int(t.rng.integers(7, 12)), int(t.rng.integers(7, 12)))), kernel, stride, pool_mode)


POOL2D = Exercise(
    id="cnn.pool2d",
    input_classes=("ties: X", "list input: X"),
    title="Max and average pooling",
    notes="1.5.1.5 (pooling); slides: 2x2 max pooling, stride 2",
    uses_torch=True,
    limits=CNN_LIMITS,
    student=StudentFunction("cnn", "pool2d"),
    reference="reference.cnn:pool2d",
    torch_reference="reference.cnn_torch:pool2d",
    checks=(
        Check(check_pool2d_default_stride, points=1),
        Check(check_pool2d_rectangular_windows, points=1),
        Check(check_pool2d_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "stride defaults to 1",
            "without a stride, pooling windows sit side by side: the stride is the kernel size "
            "(torch's default), not 1.",
            f"{MISTAKES}:pool2d_stride_one",
        ),
        Mistake(
            "partial windows kept",
            "a window that would stick out past the edge is dropped: the output size is floor((n - k) / S) + 1 "
            "(torch's ceil_mode=False).",
            f"{MISTAKES}:pool2d_partial_windows_kept",
        ),
        Mistake(
            "height and width swapped",
            "kernel_size and stride pairs are (height, width): k_h runs over the rows (axis 2), k_w over the "
            "columns (axis 3).",
            f"{MISTAKES}:pool2d_kernel_swapped",
        ),
    ),
)


# -- cnn.pool2d_backward --------------------------------------------------------------------------------


def _pool_backward(t: Trial, X: np.ndarray, kernel: Any, stride: Any, pool_mode: str, *, lists: bool = False) -> None:
    """One expectation; ``lists`` gives the student X and G as nested lists (the reference the arrays)."""
    (k_h, k_w), (s_h, s_w) = _pair(kernel), _pair(kernel if stride is None else stride)
    G = images(t.rng, (*X.shape[:2], output_size(X.shape[2], k_h, 0, s_h, 1), output_size(X.shape[3], k_w, 0, s_w, 1)))
    options = without_defaults({"stride": stride, "mode": pool_mode}, {"stride": None, "mode": "max"})
    name = f"pool2d_backward(X {X.shape}, G {G.shape}{' as lists' if lists else ''}, {kernel}" + "".join(f", {key}={value!r}" for key, value in options.items()) + ")"
    given = (X.tolist(), G.tolist()) if lists else (X, G)
    t.expect_close(t.student(*given, kernel, **options), t.reference(X, G, kernel, stride, pool_mode), name=name)


def check_pool2d_backward_max_ties(t: Trial) -> None:
    """'pool2d_backward' of 2x2 max pooling on images with ties: each window's gradient goes to its first maximum only."""
    _pool_backward(t, tied_images(t.rng, (4, 2, 7, 9)), 2, None, "max")


def check_pool2d_backward_max_overlapping(t: Trial) -> None:
    """'pool2d_backward' of 3x3 max pooling with stride 2: an element in two windows collects both gradients."""
    _pool_backward(t, tied_images(t.rng, (2, 3, 9, 7)), 3, 2, "max")


def check_pool2d_backward_average(t: Trial) -> None:
    """'pool2d_backward' of average pooling over (2, 3) windows with stride (1, 2): G / 6 to every element."""
    _pool_backward(t, images(t.rng, (4, 2, 6, 9)), (2, 3), (1, 2), "avg", lists=True)


def check_pool2d_backward_hidden(t: Trial) -> None:
    """'pool2d_backward' on new images, windows and strides, max (with ties) and average."""
    _pool_backward(t, tied_images(t.rng, (3, 2, int(t.rng.integers(7, 11)), int(t.rng.integers(7, 11)))), 3, (2, 1), "max")
    _pool_backward(t, tied_images(t.rng, (2, 3, 8, 8)), 2, None, "max")
    _pool_backward(t, images(t.rng, (2, 2, 9, 8)), (3, 2), (2, 1), "avg")


POOL2D_BACKWARD = Exercise(
    id="cnn.pool2d_backward",
    input_classes=("ties: X", "list input: X"),
    title="The backward pass of pooling: ties and overlapping windows",
    notes="1.5.1.5 (pooling); 1.3.5 (backpropagation)",
    uses_torch=True,
    limits=CNN_LIMITS,
    student=StudentFunction("cnn", "pool2d_backward"),
    reference="reference.cnn:pool2d_backward",
    torch_reference="reference.cnn_torch:pool2d_backward",
    checks=(
        Check(check_pool2d_backward_max_ties, points=1),
        Check(check_pool2d_backward_max_overlapping, points=1),
        Check(check_pool2d_backward_average, points=1),
        Check(check_pool2d_backward_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "max-pool gradient to every element of the window",
            "max pooling passed on one element per window, so only that element gets the window's gradient; "
            "every other element of the window gets 0.",
            f"{MISTAKES}:pool2d_backward_whole_window",
        ),
        Mistake(
            "gradient to every tied maximum",
            "where a window holds its maximum twice, only ONE element was passed on: the first in row-major "
            "order (np.argmax of the flattened window) gets the gradient, as in torch.",
            f"{MISTAKES}:pool2d_backward_every_tied_maximum",
        ),
        Mistake(
            "last maximum on ties",
            "ties go to the FIRST maximum in row-major order (the top row first, left to right), as np.argmax "
            "and torch's max_pool2d choose it, not the last.",
            f"{MISTAKES}:pool2d_backward_last_maximum",
        ),
        Mistake(
            "overlapping windows overwritten",
            "an element in several windows receives the gradient of each: add (+=) into dL/dX, do not assign.",
            f"{MISTAKES}:pool2d_backward_overlaps_overwritten",
        ),
        Mistake(
            "average gradient not divided",
            "average pooling multiplies each element by 1/(k_h k_w), so each receives G / (k_h k_w).",
            f"{MISTAKES}:pool2d_backward_average_not_divided",
        ),
    ),
)


# -- cnn.conv_parameter_count ------------------------------------------------------------------------------


def _counts(t: Trial, cases: list[tuple[int, int, Any, bool]]) -> None:
    with t.all_or_nothing():
        for C_in, C_out, kernel, bias in cases:
            options = without_defaults({"bias": bias}, {"bias": True})
            name = f"conv_parameter_count({C_in}, {C_out}, {kernel}" + "".join(f", {k}={v}" for k, v in options.items()) + ")"
            t.expect_close(t.student(C_in, C_out, kernel, **options), t.reference(C_in, C_out, kernel, bias), name=name,
                           returns="int")


def check_conv_parameter_count_with_bias(t: Trial) -> None:
    """'conv_parameter_count' of the notes' 3x3 filters on RGB (27 weights plus a bias each), and wider layers."""
    _counts(t, [(3, 1, 3, True), (3, 16, 3, True), (16, 32, (3, 5), True), (64, 8, 1, True)])


def check_conv_parameter_count_without_bias(t: Trial) -> None:
    """'conv_parameter_count' of layers with and without a bias."""
    _counts(t, [(8, 4, 3, False), (8, 4, 3, True), (5, 7, (2, 4), False)])


def check_conv_parameter_count_hidden(t: Trial) -> None:
    """'conv_parameter_count' on new layers."""
    cases = [(int(t.rng.integers(2, 65)), int(t.rng.integers(2, 65)), (int(t.rng.integers(1, 8)), int(t.rng.integers(2, 8))),
              bool(index % 2)) for index in range(5)]
    _counts(t, cases)


CONV_PARAMETER_COUNT = Exercise(
    id="cnn.conv_parameter_count",
    input_classes=(),
    float32=False,
    float32_reason="integers in, an integer out: there is no floating-point arithmetic to do in float32",
    title="The number of parameters of a conv layer",
    notes="1.5.1.3 (filters: a 3x3 filter on RGB has 27 weights plus a bias)",
    uses_torch=True,
    limits=CNN_LIMITS,
    student=StudentFunction("cnn", "conv_parameter_count"),
    reference="reference.cnn:conv_parameter_count",
    torch_reference="reference.cnn_torch:conv_parameter_count",
    checks=(
        Check(check_conv_parameter_count_with_bias, points=1),
        Check(check_conv_parameter_count_without_bias, points=1),
        Check(check_conv_parameter_count_hidden, points=1, hidden=True),
    ),
    mistakes=(
        Mistake(
            "bias per input channel",
            "a filter spans every input channel and adds ONE bias to its sum: one bias per output channel, not one per "
            "pair of output and input channels.",
            f"{MISTAKES}:conv_parameter_count_bias_per_input_channel",
        ),
        Mistake(
            "input channels forgotten",
            "each filter has k_h k_w weights in EVERY input channel (27 for 3x3 on RGB): C_in k_h k_w weights.",
            f"{MISTAKES}:conv_parameter_count_input_channels_forgotten",
        ),
        Mistake(
            "one bias for the layer",
            "each of the C_out filters (output channels) has a bias of its own: C_out biases.",
            f"{MISTAKES}:conv_parameter_count_one_bias",
        ),
    ),
)


# -- cnn.receptive_field -------------------------------------------------------------------------------------


def _fields(t: Trial, stacks: list[list[tuple[int, ...]]]) -> None:
    with t.all_or_nothing():
        for layers in stacks:
            t.expect_close(t.student(layers), t.reference(layers), name=f"receptive_field({layers})", returns="int")


def check_receptive_field_strided_stack(t: Trial) -> None:
    """'receptive_field' of conv and pooling stacks with strides 2: each layer widens the field by (k - 1) times the strides below it."""
    _fields(t, [[(3, 1), (3, 1)], [(3, 2), (3, 2), (3, 1)], [(5, 1), (2, 2), (3, 1), (2, 2), (3, 1)], [(7, 2), (3, 2), (3, 1), (3, 1)]])


def check_receptive_field_dilation(t: Trial) -> None:
    """'receptive_field' of dilated stacks, (kernel_size, stride, dilation)."""
    _fields(t, [[(3, 1, 1), (3, 1, 2), (3, 1, 4)], [(3, 2, 1), (3, 1, 2)], [(2, 1, 3), (3, 2, 1), (3, 1, 2)]])


def check_receptive_field_hidden(t: Trial) -> None:
    """'receptive_field' of new stacks."""
    stacks = []
    for _ in range(4):
        stacks.append([(int(t.rng.integers(2, 6)), int(t.rng.integers(1, 3)), int(t.rng.integers(1, 3)))
                       for _ in range(int(t.rng.integers(2, 6)))])
    stacks.append([(3, 2, 1), (3, 2, 1), (2, 1, 1)])
    _fields(t, stacks)


RECEPTIVE_FIELD = Exercise(
    id="cnn.receptive_field",
    input_classes=("list input: layers",),
    float32=False,
    float32_reason="integers in, an integer out: there is no floating-point arithmetic to do in float32",
    title="The receptive field of a stack of layers",
    notes="1.5.1.3 (a unit's receptive field); 1.5.1.5 (pooling)",
    uses_torch=True,
    limits=CNN_LIMITS,
    student=StudentFunction("cnn", "receptive_field"),
    reference="reference.cnn:receptive_field",
    torch_reference="reference.cnn_torch:receptive_field",
    checks=(
        Check(check_receptive_field_strided_stack, points=1),
        Check(check_receptive_field_dilation, points=1),
        Check(check_receptive_field_hidden, points=1, hidden=True),
    ),
    mistakes=(
        Mistake(
            "strides ignored",
            "a layer above a stride-2 layer sees units 2 input pixels apart: it widens the field by D (k - 1) "
            "times the product of the strides BELOW it.",
            f"{MISTAKES}:receptive_field_strides_ignored",
        ),
        Mistake(
            "own stride counted",
            "a layer's own stride spaces the units of the NEXT layer's input; its own widening is D (k - 1) "
            "times the strides of the layers below it only.",
            f"{MISTAKES}:receptive_field_own_stride",
        ),
        Mistake(
            "kernel sizes added",
            "neighbouring windows overlap: a k-wide layer adds k - 1 pixels to the field below it (times the "
            "strides below), starting from 1 pixel.",
            f"{MISTAKES}:receptive_field_kernels_added",
        ),
        Mistake(
            "dilation ignored",
            "a dilated filter's taps are D apart, so it spans D (k - 1) + 1 of its input's units.",
            f"{MISTAKES}:receptive_field_dilation_ignored",
        ),
    ),
)


# -- cnn.residual_block ------------------------------------------------------------------------------------------


def conv_state(rng: np.random.Generator, name: str, C_out: int, C_in: int, k: int) -> dict[str, np.ndarray]:
    """A conv layer's weight and bias by name, float32, spread so that ReLUs cut some units and pass others."""
    weight = rng.normal(0.0, 1.2 / np.sqrt(C_in * k * k), size=(C_out, C_in, k, k))
    return {f"{name}.weight": weight.astype(np.float32), f"{name}.bias": rng.uniform(-0.3, 0.3, size=C_out).astype(np.float32)}


def block_state(rng: np.random.Generator, C_in: int, C_out: int, projected: bool) -> dict[str, np.ndarray]:
    values = {**conv_state(rng, "conv1", C_out, C_in, 3), **conv_state(rng, "conv2", C_out, C_out, 3)}
    if projected:
        values.update(conv_state(rng, "proj", C_out, C_in, 1))
    return values


def upstream(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """An upstream gradient with entries of both signs, none of them 1."""
    return (rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)).astype(np.float32)


def _block(t: Trial, C_in: int, C_out: int, stride: int, B: int, H: int, W: int) -> None:
    projected = C_in != C_out or stride != 1
    values = block_state(t.rng, C_in, C_out, projected)
    X = images(t.rng, (B, C_in, H, W)).astype(np.float32)
    out = (B, C_out, output_size(H, 3, 1, stride, 1), output_size(W, 3, 1, stride, 1))
    steps = [new(C_in, C_out, stride), load(values), call(X, grad=(0,)), backward(2, upstream(t.rng, out))]
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], "ResidualBlock")
    expect_output(t, got[2], want[2], f"ResidualBlock({C_in}, {C_out}, stride={stride})(X)", attached=True)
    expect_gradients(t, got[3], want[3], inputs=["X"])


def check_residual_block_parameters(t: Trial) -> None:
    """'ResidualBlock(3, 5)' registers conv1, conv2 and the projection proj (weights and biases), and computes with them."""
    values = block_state(t.rng, 3, 5, True)
    expect_parameters_in_use(t, new(3, 5, 1), values, (images(t.rng, (2, 3, 6, 5)).astype(np.float32),), "ResidualBlock")


def check_residual_block_identity_shortcut(t: Trial) -> None:
    """'ResidualBlock(4, 4)': the shortcut is x itself; output and autograd's gradients, 4 images 7x6."""
    _block(t, 4, 4, 1, 4, 7, 6)


def check_residual_block_projection(t: Trial) -> None:
    """'ResidualBlock(3, 6, stride=2)': a 1x1 projection with stride 2 on the shortcut; output and gradients on 9x7 images."""
    _block(t, 3, 6, 2, 4, 9, 7)


def check_residual_block_hidden(t: Trial) -> None:
    """New blocks: more channels with stride 1, the same channels with stride 2, and an identity block."""
    _block(t, 2, 5, 1, 3, 6, 8)
    _block(t, 4, 4, 2, 2, 8, 7)
    _block(t, 3, 3, 1, 2, 5, 9)


RESIDUAL_BLOCK = Exercise(
    id="cnn.residual_block",
    input_classes=("float32 input",),
    title="A residual block relu(x + F(x)) with a 1x1 projection, as an nn.Module",
    notes="slides: ResNet (H(x) = x + F(x); a conv on x when the dimensions differ)",
    uses_torch=True,
    limits=TRAINING_LIMITS,
    student=StudentClass("cnn", "ResidualBlock"),
    reference="reference.cnn:ResidualBlock",
    torch_reference="reference.cnn_torch:ResidualBlock",
    checks=(
        Check(check_residual_block_parameters, points=1),
        Check(check_residual_block_identity_shortcut, points=2),
        Check(check_residual_block_projection, points=2),
        Check(check_residual_block_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "projection missing on the shortcut",
            "when C_in != C_out (or the stride is not 1) x and F(x) differ in shape: the shortcut is the 1x1 "
            "convolution proj(x), nn.Conv2d(in_channels, out_channels, 1, stride=stride), registered as 'proj'.",
            f"{MISTAKES}:ResidualBlockNoProjection",
        ),
        Mistake(
            "projection on an identity shortcut",
            "when x and F(x) have the same shape the shortcut is x itself: register 'proj' only when "
            "in_channels != out_channels or stride != 1.",
            f"{MISTAKES}:ResidualBlockAlwaysProjected",
        ),
        Mistake(
            "ReLU before the addition",
            "the block's ReLU comes after the sum: relu(shortcut(x) + F(x)), not shortcut(x) + relu(F(x)).",
            f"{MISTAKES}:ResidualBlockReluBeforeAddition",
        ),
        Mistake(
            "no ReLU inside F",
            "F(x) = conv2(relu(conv1(x))): without the ReLU between them, two convolutions are one linear map.",
            f"{MISTAKES}:ResidualBlockNoInnerRelu",
        ),
    ),
)


# -- cnn.digits_cnn ------------------------------------------------------------------------------------------------

#: How the digits CNN is trained by the checks: epochs, learning rate, training digits (the rest are held out).
DIGITS_EPOCHS, DIGITS_ETA, DIGITS_TRAIN = 8, 0.2, 1200
DIGITS_ACCURACY = 0.70
"""The held-out accuracy a trained digits CNN must reach, set from ``bench/bench_cnn.py --training``: see
the README's Performance section for the measured spread of the reference over runs drawn as the check draws
them (a split, initial weights and a seed each)."""
LEARNED = 0.30
"""The held-out accuracy above which a network has learned something (a guess gets 10%): the falling cost
earns its part only above it."""

PARAMETER_SHAPES = {
    "conv1.weight": (8, 1, 3, 3), "conv1.bias": (8,), "conv2.weight": (16, 8, 3, 3), "conv2.bias": (16,),
    "fc.weight": (10, 64), "fc.bias": (10,),
}


def initial_state(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """torch's default initialisation of conv and linear layers, drawn from ``rng``: uniform in +-1/sqrt(fan_in)."""
    values = {}
    for name, shape in PARAMETER_SHAPES.items():
        fan_in = int(np.prod(PARAMETER_SHAPES[name.replace(".bias", ".weight")][1:]))
        values[name] = rng.uniform(-1.0, 1.0, size=shape).astype(np.float32) / np.float32(np.sqrt(fan_in))
    return values


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1797 8x8 digits (bundled, no download) as (N, 1, 8, 8) float32 images, and labels.

    Pixels are scaled from 0..16 to [-1, 1]: centred inputs train faster and more evenly with plain SGD.
    """
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.images / 8.0 - 1.0).astype(np.float32)[:, None], data.target.astype(np.int64)


def _forward_and_gradients(t: Trial, N: int) -> None:
    X, _ = digits()
    batch = X[t.rng.choice(len(X), size=N, replace=False)]
    steps = [new(), load(initial_state(t.rng)), call(batch, grad=(0,)), backward(2, upstream(t.rng, (N, 10)))]
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], "DigitsCNN")
    expect_output(t, got[2], want[2], f"DigitsCNN()(X) for {N} digits", attached=True)
    expect_gradients(t, got[3], want[3], inputs=["X"])


def _exact_fit(t: Trial, m: int, epochs: int) -> None:
    """A short run of fit on m digits, compared step by step with the reference: every epoch's cost and every parameter."""
    X, y = digits()
    chosen = t.rng.choice(len(X), size=m, replace=False)
    eta, seed = float(t.rng.uniform(0.1, 0.4)), int(t.rng.integers(0, 2**31))
    steps = [new(), load(initial_state(t.rng)), call(X[chosen], y[chosen], epochs, eta, seed, method="fit"), state(0)]
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], "DigitsCNN")
    rtol, atol = TOLERANCES["float32"]
    t.expect_close(got[2]["value"], want[2]["value"], name=f"the epoch costs fit returned ({epochs} epochs of {m} digits)",
                   rtol=rtol, atol=atol)
    for name, expected in want[3].items():
        mine = got[3].get(name)
        t.expect_close(mine, expected, name=f"'{name}' after fit", **array_tolerances(mine, expected))


def floats(value: Any) -> np.ndarray | None:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _digits_run(t: Trial) -> None:
    """Train on a split of the digits; the held-out accuracy, computed here from the logits (labels never leave)."""
    X, y = digits()
    order = t.rng.permutation(len(X))
    train, held_out = order[:DIGITS_TRAIN], order[DIGITS_TRAIN:]
    seed = int(t.rng.integers(0, 2**31))
    steps = [
        new(),
        load(initial_state(t.rng)),
        call(X[train], y[train], DIGITS_EPOCHS, DIGITS_ETA, seed, method="fit"),
        mode(False),
        call(X[held_out]),
    ]
    got = t.student(steps)
    require_loaded(t, got[1], "DigitsCNN")
    costs = floats(got[2]["value"]) if isinstance(got[2]["value"], (list, tuple)) else None
    if costs is None or costs.shape != (DIGITS_EPOCHS,) or not np.isfinite(costs).all():
        t.fail(f"fit should return {DIGITS_EPOCHS} finite epoch costs; it returned {got[2]['value']!r:.200}")
    logits = floats(got[4]["value"])
    shaped = logits is not None and logits.shape == (len(held_out), 10) and bool(np.isfinite(logits).all())
    accuracy = float((logits.argmax(axis=1) == y[held_out]).mean()) if shaped else 0.0
    t.expect(
        costs[-1] < costs[0],
        f"the cost did not fall over {DIGITS_EPOCHS} epochs of fit (seed {seed}): from {costs[0]:.3f} to {costs[-1]:.3f}",
        with_value=accuracy >= LEARNED,
    )
    t.expect(
        accuracy >= DIGITS_ACCURACY,
        f"after fit (seed {seed}) the network classifies {accuracy:.1%} of {len(held_out)} held-out digits correctly; "
        f"a correct network and fit reach at least {DIGITS_ACCURACY:.0%} (about 95% on average)",
    )


def check_digits_cnn_parameters(t: Trial) -> None:
    """'DigitsCNN()' registers conv1, conv2 and fc (weights and biases) with the docstring's shapes, and computes with them."""
    X, _ = digits()
    expect_parameters_in_use(t, new(), initial_state(t.rng), (X[:3],), "DigitsCNN")


def check_digits_cnn_forward_and_gradients(t: Trial) -> None:
    """'DigitsCNN()(X)' on loaded weights for 6 digits: the logits and autograd's gradients of X and every parameter."""
    _forward_and_gradients(t, 6)


def check_digits_cnn_fit_step_by_step(t: Trial) -> None:
    """Two epochs of 'fit' on 70 digits (batches of 32, 32 and 6): every epoch's cost and every parameter after."""
    _exact_fit(t, 70, 2)


def check_digits_cnn_accuracy(t: Trial) -> None:
    """'fit' on 1200 digits (8 epochs, eta 0.2): the cost falls and at least 70% of the 597 held-out digits are classified right."""
    _digits_run(t)


def check_digits_cnn_hidden(t: Trial) -> None:
    """New digits for the forward pass and its gradients, and for a short fit of three epochs."""
    _forward_and_gradients(t, 5)
    _exact_fit(t, 45, 3)


DIGITS_CNN = Exercise(
    id="cnn.digits_cnn",
    input_classes=(),  # every call passes float32 images by construction; training is too slow to repeat here
    title="A small CNN with named layers, trained on the 8x8 digits",
    notes="1.5.1.1 (convolution, detector and pooling stages, then fully connected layers); 1.5.1.6 (cost)",
    uses_torch=True,
    limits=TRAINING_LIMITS,
    student=StudentClass("cnn", "DigitsCNN"),
    reference="reference.cnn:DigitsCNN",
    torch_reference="reference.cnn_torch:DigitsCNN",
    checks=(
        Check(check_digits_cnn_parameters, points=1),
        Check(check_digits_cnn_forward_and_gradients, points=2),
        Check(check_digits_cnn_fit_step_by_step, points=2),
        Check(check_digits_cnn_accuracy, points=2),
        Check(check_digits_cnn_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "channels-last data",
            "torch's maps are (N, channels, height, width) and fc reads them flattened channel by channel, "
            "H.flatten(1); permuting to channels last first feeds fc the features in another order.",
            f"{MISTAKES}:DigitsCNNChannelsLast",
        ),
        Mistake(
            "no ReLU after the convolutions",
            "each convolution stage is followed by its detector stage, a ReLU, before the pooling.",
            f"{MISTAKES}:DigitsCNNNoRelu",
        ),
        Mistake(
            "average pooling",
            "the network pools with 2x2 MAX pooling (F.max_pool2d(H, 2)), not average pooling.",
            f"{MISTAKES}:DigitsCNNAveragePooling",
        ),
        Mistake(
            "gradients never zeroed",
            "backward() adds to .grad: zero the gradients (self.zero_grad()) before each batch's backward.",
            f"{MISTAKES}:DigitsCNNGradientsNeverZeroed",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    CONV_OUTPUT_SIZE,
    CONV2D,
    CONV2D_BACKWARD,
    POOL2D,
    POOL2D_BACKWARD,
    CONV_PARAMETER_COUNT,
    RECEPTIVE_FIELD,
    RESIDUAL_BLOCK,
    DIGITS_CNN,
)
