"""Pruning: magnitude masks of one layer and of several layers together (with the layer-collapse
check), structured masks that remove whole neurons, the saliencies of Optimal Brain Damage and of
SNIP for a small network, and iterative magnitude pruning with rewinding (the lottery-ticket
procedure).

Course notes 1.11.2 (magnitude pruning, OBD, SNIP, lottery tickets),
1.11.2.3 (structured and unstructured sparsity) and "Layer collapse";
slides: lottery ticket hypothesis. Conventions are in
``exercises/pruning.py``: a mask is True where a weight is kept; the number
pruned is ``round(sparsity * n)``; magnitudes are ranked smallest first, ties
by the smaller flat index; a neuron is a slice along axis 0.

No verdict hangs on the check's own floating-point arithmetic. The masks'
weights are multiples of 1/16 (exact in float32, so every magnitude, L1
norm and sum of squares is exact and a tie is a tie), every random input
holds a tie straddling the threshold (one of the pair pruned, the other
kept, by index), and ``sparsity * n`` is at least 0.2 from a half. The lottery
ticket's trained magnitudes are not exact: its inputs are redrawn until, in
every round, the magnitudes on either side of the threshold differ by more
than 1% (a float32 student's training moves them by about 1e-6), and
``rate * survivors`` is at least 0.1 from a half.

Inputs tell the mistakes apart: sparsities are drawn on both sides of a
whole count (rounding down shows); one layer holds the smallest weights of
all (pruning each layer on its own shows) and collapses in some calls and
not in others; neurons whose L1 and L2 rankings differ; matrices that
are not square; networks away from a minimum, with targets that leave
residuals (the gradient term and the activation's second derivative show).

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.pruning_mistakes"

GRID = 16
"""weights of the mask exercises are multiples of 1/GRID: exact in float32, ties exact"""


def representable(values: Any) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def sparsity_for(rng: np.random.Generator, k: int, n: int, below: bool) -> float:
    """A float32 sparsity s with round(s * n) = k, s * n at least 0.2 from a half: below k when ``below`` (floor gives k - 1)."""
    offset = float(rng.uniform(0.05, 0.3))
    while True:
        s = float(np.float32((k + (-offset if below else offset)) / n))
        product = Fraction(s) * n
        if abs(product - k) <= Fraction(3, 10) and abs(abs(product - k) - Fraction(1, 2)) >= Fraction(1, 5):
            return s
        offset = 0.15


def tied_magnitudes(rng: np.random.Generator, n: int, k: int, top: int = 40) -> np.ndarray:
    """n distinct magnitudes (multiples of 1/GRID up to top/GRID), sorted, with entry k made equal to entry k - 1."""
    mags = np.sort(rng.choice(np.arange(1, top + 1), size=n, replace=False)).astype(float) / GRID
    mags[k] = mags[k - 1]
    return mags


def signs(rng: np.random.Generator, shape: Any) -> np.ndarray:
    return rng.choice([-1.0, 1.0], size=shape)


# -- pruning.magnitude_mask -----------------------------------------------------------------------


def magnitude_case(rng: np.random.Generator, shape: tuple[int, ...], below: bool) -> tuple[np.ndarray, float]:
    """Weights of this shape with a tie straddling the threshold (shuffled), the largest negative, and a sparsity around a whole count."""
    n = int(np.prod(shape))
    k = int(rng.integers(2, n - 1))
    W = rng.permutation(tied_magnitudes(rng, n, k)) * signs(rng, n)
    W[np.argmax(np.abs(W))] *= -np.sign(W[np.argmax(np.abs(W))])  # the largest negative: sorting signed weights shows
    return W.reshape(shape), sparsity_for(rng, k, n, below)


WORKED_W = np.array([[0.5, -0.25, 1.0], [-0.25, 2.0, -0.125]])


def _mask_calls(t: Trial, function: str, cases: list[tuple[Any, ...]], show: bool = False) -> None:
    for args in cases:
        if show:
            label = f"{function}({', '.join(str(a.tolist() if isinstance(a, np.ndarray) else a) for a in args)})"
        else:
            label = f"{function}(W of shape {np.shape(args[0])}, {', '.join(f'{a:g}' for a in args[1:])})"
        t.expect_close(t.student(*args), t.reference(*args), name=label)


def check_magnitude_mask_worked_example(t: Trial) -> None:
    """'magnitude_mask' on the docstring's example: W = [[0.5, -0.25, 1], [-0.25, 2, -0.125]], sparsity 1/3 and 0.5."""
    _mask_calls(t, "magnitude_mask", [(WORKED_W.tolist(), 1 / 3), (WORKED_W, 0.5)], show=True)


def check_magnitude_mask_ties_and_rounding(t: Trial) -> None:
    """'magnitude_mask' of 3x5, 4x3 and 2x7 matrices, each with two equal magnitudes at the threshold, sparsities on both sides of a whole count."""
    cases = [magnitude_case(t.rng, (3, 5), True), magnitude_case(t.rng, (4, 3), False), magnitude_case(t.rng, (2, 7), True)]
    _mask_calls(t, "magnitude_mask", cases)


def check_magnitude_mask_hidden(t: Trial) -> None:
    """'magnitude_mask' of new matrices with ties at the threshold, sparsities on both sides of a whole count."""
    cases = []
    for below in (True, False):
        shape = (int(t.rng.integers(2, 6)), int(t.rng.integers(3, 7)))
        cases.append(magnitude_case(t.rng, shape, below))
    _mask_calls(t, "magnitude_mask", cases)


MAGNITUDE_MASK = Exercise(
    id="pruning.magnitude_mask",
    title="Magnitude pruning of one layer to a sparsity: the smallest |w| go, ties by index",
    notes="1.11.2.2 (magnitude pruning, parameter sparsification)",
    student=StudentFunction("pruning", "magnitude_mask"),
    reference="reference.pruning:magnitude_mask",
    torch_reference="reference.pruning_torch:magnitude_mask",
    input_classes=("ties: np.ravel(np.abs(W))", "list input: W"),
    checks=(
        Check(check_magnitude_mask_worked_example, points=1),
        Check(check_magnitude_mask_ties_and_rounding, points=2),
        Check(check_magnitude_mask_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "the largest weights pruned",
            "magnitude pruning removes the weights that matter least, those of SMALLEST |w|: sort the magnitudes "
            "in ascending order and prune from the front.",
            f"{MISTAKES}:magnitude_mask_largest",
        ),
        Mistake(
            "every tie at the threshold pruned",
            "pruning every |w| at or below the k-th smallest magnitude prunes more than k weights when magnitudes "
            "are equal there; prune exactly round(sparsity * size) weights, and among equal magnitudes the one "
            "of smaller flat index first (a stable sort does this).",
            f"{MISTAKES}:magnitude_mask_threshold_ties",
        ),
        Mistake(
            "the number pruned rounded down",
            "the number pruned is round(sparsity * size), to the NEAREST integer (torch.nn.utils.prune's rule); "
            "int() and floor() round down.",
            f"{MISTAKES}:magnitude_mask_rounded_down",
        ),
        Mistake(
            "signed weights sorted",
            "rank the MAGNITUDES |w|: a large negative weight matters as much as a large positive one.",
            f"{MISTAKES}:magnitude_mask_signed",
        ),
    ),
)


# -- pruning.global_magnitude_masks ---------------------------------------------------------------


SHAPES = ((3, 4), (2, 3), (4, 2))


def global_case(rng: np.random.Generator, collapse: bool) -> tuple[list[np.ndarray], float]:
    """Three layers (3x4, 2x3, 4x2), the last one holding the smallest magnitudes of all; it collapses when ``collapse``.

    A tie straddles the global threshold (between the first two layers, or inside one of them, when the
    last layer collapses; inside the last layer when it does not); the sparsity is on one side of a
    whole count or the other. Fewer than the middle layer's 6 weights go beyond the last layer's, so no
    other layer collapses; pruning each layer on its own never prunes the last layer whole.
    """
    sizes = [int(np.prod(shape)) for shape in SHAPES]
    n, small = sum(sizes), sizes[2]
    k = int(rng.integers(small + 1, small + sizes[1])) if collapse else int(rng.integers(2, small - 1))
    mags = tied_magnitudes(rng, n, k, top=64)
    rest = small + rng.permutation(n - small)
    parts = [mags[rest[:sizes[0]]], mags[rest[sizes[0]:]], mags[rng.permutation(small)]]
    W = [(values * signs(rng, values.size)).reshape(shape) for values, shape in zip(parts, SHAPES)]
    return W, sparsity_for(rng, k, n, bool(rng.random() < 0.5))


WORKED_LAYERS = [np.array([[1.0, -0.5], [0.25, 2.0]]), np.array([[0.125, -0.25, 0.0625]])]


def _global_calls(t: Trial, cases: list[tuple[Any, ...]], show: bool = False) -> None:
    for layers, sparsity in cases:
        if show:
            label = f"global_magnitude_masks({[np.asarray(W).tolist() for W in layers]}, {sparsity:g})"
        else:
            label = f"global_magnitude_masks(layers of shapes {[np.shape(W) for W in layers]}, {sparsity:g})"
        t.expect_close(t.student(layers, sparsity), t.reference(layers, sparsity), name=label)


def check_global_magnitude_masks_worked_example(t: Trial) -> None:
    """'global_magnitude_masks' on the docstring's example: layers [[1, -0.5], [0.25, 2]] and [[0.125, -0.25, 0.0625]], sparsity 0.4 and 0.6."""
    _global_calls(t, [([W.tolist() for W in WORKED_LAYERS], 0.4), (WORKED_LAYERS, 0.6)], show=True)


def check_global_magnitude_masks_collapse_and_not(t: Trial) -> None:
    """'global_magnitude_masks' of three layers (3x4, 2x3, 4x2), the last holding the smallest weights: once pruned whole, once not."""
    _global_calls(t, [global_case(t.rng, False), global_case(t.rng, True)])


def check_global_magnitude_masks_hidden(t: Trial) -> None:
    """'global_magnitude_masks' of new layers, with and without a collapsed layer."""
    _global_calls(t, [global_case(t.rng, True), global_case(t.rng, False)])


GLOBAL_MAGNITUDE_MASKS = Exercise(
    id="pruning.global_magnitude_masks",
    title="Global magnitude pruning of several layers, and the layers it collapses",
    notes="1.11.2.2 (magnitude pruning); 1.11.2.4 (layer collapse)",
    student=StudentFunction("pruning", "global_magnitude_masks"),
    reference="reference.pruning:global_magnitude_masks",
    torch_reference="reference.pruning_torch:global_magnitude_masks",
    input_classes=("list input: weights",),
    checks=(
        Check(check_global_magnitude_masks_worked_example, points=1),
        Check(check_global_magnitude_masks_collapse_and_not, points=2),
        Check(check_global_magnitude_masks_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "global pruning done per layer",
            "global pruning ranks the weights of ALL layers together and prunes the smallest of them wherever "
            "they are: a layer of small weights loses more than the sparsity, a layer of large ones less. "
            "Pruning each layer to the sparsity on its own is layer-wise pruning.",
            f"{MISTAKES}:global_magnitude_masks_per_layer",
        ),
        Mistake(
            "the largest weights pruned",
            "prune the weights of SMALLEST |w| over all layers, not the largest.",
            f"{MISTAKES}:global_magnitude_masks_largest",
        ),
        Mistake(
            "a layer with any weight pruned reported collapsed",
            "a layer collapses when EVERY one of its weights is pruned (its mask is all zeros, so nothing "
            "passes through it); a layer that keeps some weights has not collapsed.",
            f"{MISTAKES}:global_magnitude_masks_collapse_any",
        ),
    ),
)


# -- pruning.structured_mask ----------------------------------------------------------------------


def _norms(W: np.ndarray, p: int) -> np.ndarray:
    """Exact for multiples of 1/GRID: the L1 norm, or the SQUARED L2 norm (the same order as the norm)."""
    return (np.abs(W) ** p).reshape(W.shape[0], -1).sum(axis=1)


def _pruned_units(W: np.ndarray, sparsity: float, p: int) -> tuple[int, ...]:
    k = int(round(sparsity * W.shape[0]))
    return tuple(sorted(np.argsort(_norms(W, p), kind="stable")[:k].tolist()))


def structured_case(rng: np.random.Generator, shape: tuple[int, ...], p: int, differ: bool = True) -> tuple[np.ndarray, float, int]:
    """Weights of this shape with a tie at the threshold under p; with ``differ``, the L1 and L2 rankings prune different neurons."""
    n = shape[0]
    for _ in range(200):
        W = rng.integers(1, 33, size=shape) * signs(rng, shape) / GRID
        # Neurons that spread their weight and neurons that concentrate it rank differently under L1 and L2.
        for i in rng.choice(n, size=max(1, n // 3), replace=False):
            W[i] = W[i] / 4.0
            W[i].flat[int(rng.integers(W[i].size))] = rng.integers(24, 33) / GRID
        k = int(rng.integers(1, n))
        order = np.argsort(_norms(W, p), kind="stable")
        lower, upper = order[k - 1], order[k]
        W[upper] = rng.permutation(W[lower].ravel()).reshape(W[lower].shape) * signs(rng, W[lower].shape)
        sparsity = sparsity_for(rng, k, n, bool(rng.random() < 0.5))
        if not differ or _pruned_units(W, sparsity, 1) != _pruned_units(W, sparsity, 2):
            return W, sparsity, p
    raise AssertionError("no input told the L1 ranking from the L2 ranking")  # pragma: no cover - 200 draws


def check_structured_mask_worked_example(t: Trial) -> None:
    """'structured_mask' on the docstring's example: W = [[3, 0, 0], [1, 1, 1.5], [0.5, 0.5, 0.5]], sparsity 1/3 with p = 1, and 2/3 with p = 1 and p = 2."""
    W = np.array([[3.0, 0.0, 0.0], [1.0, 1.0, 1.5], [0.5, 0.5, 0.5]])
    _mask_calls(t, "structured_mask", [(W.tolist(), 1 / 3, 1), (W, 2 / 3, 1), (W, 2 / 3, 2)], show=True)


def check_structured_mask_linear_and_conv(t: Trial) -> None:
    """'structured_mask' of a 6x4 linear layer and a (5, 2, 2, 2) convolution, with the L1 and the L2 norm: whole neurons or output channels pruned."""
    cases = [structured_case(t.rng, (6, 4), 1), structured_case(t.rng, (6, 4), 2),
             structured_case(t.rng, (5, 2, 2, 2), 1), structured_case(t.rng, (5, 2, 2, 2), 2)]
    _mask_calls(t, "structured_mask", cases)


def check_structured_mask_hidden(t: Trial) -> None:
    """'structured_mask' of new linear and convolution weights, with both norms."""
    cases = [structured_case(t.rng, (int(t.rng.integers(4, 8)), 3), int(t.rng.integers(1, 3)), differ=False),
             structured_case(t.rng, (int(t.rng.integers(4, 7)), 3, 2, 2), 1, differ=False),
             structured_case(t.rng, (5, 3, 2, 2), 2, differ=False)]
    _mask_calls(t, "structured_mask", cases)


STRUCTURED_MASK = Exercise(
    id="pruning.structured_mask",
    title="Structured pruning: whole neurons (output channels) of smallest L1 or L2 norm",
    notes="1.11.2.3 (structured and unstructured sparsity); 1.11.2.2 (neuron sparsification)",
    student=StudentFunction("pruning", "structured_mask"),
    reference="reference.pruning:structured_mask",
    torch_reference="reference.pruning_torch:structured_mask",
    input_classes=("ties: (np.abs(np.asarray(W)) ** p).reshape(np.shape(W)[0], -1).sum(1)", "list input: W"),
    checks=(
        Check(check_structured_mask_worked_example, points=1),
        Check(check_structured_mask_linear_and_conv, points=2),
        Check(check_structured_mask_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "pruned along the wrong axis",
            "a neuron of a layer of shape (n_out, n_in) is a ROW, W[i], and an output channel of a convolution "
            "of shape (c_out, c_in, kh, kw) is W[i]: take each neuron's norm over every axis but the first, and "
            "prune along axis 0 (ln_structured's dim=0), not the inputs along axis 1.",
            f"{MISTAKES}:structured_mask_wrong_axis",
        ),
        Mistake(
            "the largest neurons pruned",
            "prune the neurons of SMALLEST norm: they contribute least.",
            f"{MISTAKES}:structured_mask_largest",
        ),
        Mistake(
            "the norm's p ignored",
            "p = 1 ranks neurons by the SUM of |w| (L1), p = 2 by the root of the sum of squares (L2); they rank "
            "a neuron with one large weight and one with many middling weights differently.",
            f"{MISTAKES}:structured_mask_norm_ignored",
        ),
        Mistake(
            "single weights pruned",
            "that is an unstructured mask: structured pruning removes WHOLE neurons, so every entry of a neuron's "
            "slice W[i] is pruned or every one is kept.",
            f"{MISTAKES}:structured_mask_unstructured",
        ),
    ),
)


# -- pruning.obd_saliencies and pruning.snip_saliencies ------------------------------------------


def network_case(rng: np.random.Generator, d: int, h: int, k: int, n: int) -> tuple[np.ndarray, ...]:
    """A small network's weights and biases (scale about 1) and a batch with targets: far from any minimum."""
    W1 = representable(rng.normal(0.0, 1.0, size=(h, d)))
    b1 = representable(rng.normal(0.0, 0.5, size=h))
    W2 = representable(rng.normal(0.0, 1.0, size=(k, h)))
    b2 = representable(rng.normal(0.0, 0.5, size=k))
    X = representable(rng.normal(0.0, 1.0, size=(n, d)))
    Y = representable(rng.normal(0.0, 1.0, size=(n, k)))
    return W1, b1, W2, b2, X, Y


def _network_calls(t: Trial, function: str, cases: list[tuple[np.ndarray, ...]]) -> None:
    for W1, b1, W2, b2, X, Y in cases:
        label = f"{function}(W1 {np.shape(W1)}, b1, W2 {np.shape(W2)}, b2, X {np.shape(X)}, Y {np.shape(Y)})"
        t.expect_close(t.student(W1, b1, W2, b2, X, Y), t.reference(W1, b1, W2, b2, X, Y), name=label)


SMALL_NETWORK = (
    np.array([[0.5, -1.0], [1.0, 0.5]]), np.array([0.0, 0.5]),
    np.array([[1.0, -0.5]]), np.array([0.25]),
    np.array([[1.0, 0.0], [0.0, -1.0], [0.5, 0.5]]), np.array([[0.5], [1.0], [0.0]]),
)


def check_obd_saliencies_small_network(t: Trial) -> None:
    """'obd_saliencies' of the docstring's network (given as lists): 2 inputs, 2 sigmoid units, 1 output, 3 examples."""
    _network_calls(t, "obd_saliencies", [tuple(a.tolist() for a in SMALL_NETWORK)])


def check_obd_saliencies_random_networks(t: Trial) -> None:
    """'obd_saliencies' of networks with 3 inputs, 4 hidden units and 2 outputs on 5 examples, and 2-5-3 on 4."""
    _network_calls(t, "obd_saliencies", [network_case(t.rng, 3, 4, 2, 5), network_case(t.rng, 2, 5, 3, 4)])


def check_obd_saliencies_hidden(t: Trial) -> None:
    """'obd_saliencies' of a new network and batch."""
    _network_calls(t, "obd_saliencies", [network_case(t.rng, int(t.rng.integers(2, 5)), int(t.rng.integers(2, 6)), 2, 6)])


OBD_SALIENCIES = Exercise(
    id="pruning.obd_saliencies",
    title="Optimal Brain Damage: saliencies h_ii u_i^2 / 2 from the exact diagonal of the Hessian",
    notes="1.11.2.1 (Optimal Brain Damage)",
    student=StudentFunction("pruning", "obd_saliencies"),
    reference="reference.pruning:obd_saliencies",
    torch_reference="reference.pruning_torch:obd_saliencies",
    input_classes=("list input: W1", "list input: X"),
    checks=(
        Check(check_obd_saliencies_small_network, points=1),
        Check(check_obd_saliencies_random_networks, points=2),
        Check(check_obd_saliencies_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "the 1/2 left out",
            "the saliency is the second-order term of the Taylor expansion of the error, which carries a 1/2: "
            "delta E = 1/2 h_ii delta u_i^2 with delta u_i = -u_i.",
            f"{MISTAKES}:obd_saliencies_without_half",
        ),
        Mistake(
            "the gradient term kept",
            "OBD drops the first-order term g_i delta u_i: it assumes a trained network, at a minimum, where the "
            "gradient vanishes. The saliency is the second-order term alone.",
            f"{MISTAKES}:obd_saliencies_gradient_term",
        ),
        Mistake(
            "the activation's second derivative left out",
            "for a first-layer weight, d^2E/dw^2 has two parts: the squared first derivative of the output, and "
            "the residual times the SECOND derivative of the output, which brings in sigma''(u) = "
            "sigma'(u) (1 - 2 sigma(u)). Leaving the second part out is the Gauss-Newton approximation, not the "
            "exact diagonal asked for.",
            f"{MISTAKES}:obd_saliencies_gauss_newton",
        ),
        Mistake(
            "the squared gradient used as the second derivative",
            "h_ii is a second derivative, d^2E/du_i^2: differentiate the gradient once more, do not square it.",
            f"{MISTAKES}:obd_saliencies_squared_gradient",
        ),
    ),
)


def check_snip_saliencies_small_network(t: Trial) -> None:
    """'snip_saliencies' of the docstring's network (given as lists): 2 inputs, 2 sigmoid units, 1 output, 3 examples."""
    _network_calls(t, "snip_saliencies", [tuple(a.tolist() for a in SMALL_NETWORK)])


def check_snip_saliencies_random_networks(t: Trial) -> None:
    """'snip_saliencies' of freshly drawn networks (3-4-2 on 5 examples, 2-5-3 on 4)."""
    _network_calls(t, "snip_saliencies", [network_case(t.rng, 3, 4, 2, 5), network_case(t.rng, 2, 5, 3, 4)])


def check_snip_saliencies_hidden(t: Trial) -> None:
    """'snip_saliencies' of a new network and batch."""
    _network_calls(t, "snip_saliencies", [network_case(t.rng, int(t.rng.integers(2, 5)), int(t.rng.integers(2, 6)), 2, 6)])


SNIP_SALIENCIES = Exercise(
    id="pruning.snip_saliencies",
    title="SNIP: connection sensitivities |g * w| at initialisation",
    notes="1.11.2.2 (SNIP)",
    student=StudentFunction("pruning", "snip_saliencies"),
    reference="reference.pruning:snip_saliencies",
    torch_reference="reference.pruning_torch:snip_saliencies",
    input_classes=("list input: W1", "list input: X"),
    checks=(
        Check(check_snip_saliencies_small_network, points=1),
        Check(check_snip_saliencies_random_networks, points=2),
        Check(check_snip_saliencies_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "normalised",
            "return the raw sensitivities |g_i w_i|: the paper divides them by their sum, which ranks the "
            "weights the same way but is not what is asked.",
            f"{MISTAKES}:snip_saliencies_normalised",
        ),
        Mistake(
            "no absolute value",
            "a weight whose removal raises the error and one whose removal lowers it are both sensitive: take "
            "the absolute value of g_i w_i.",
            f"{MISTAKES}:snip_saliencies_signed",
        ),
        Mistake(
            "the gradient alone",
            "SNIP's sensitivity is the gradient TIMES the weight (the first-order change of the error when the "
            "weight is removed, delta u_i = -w_i), not the gradient alone.",
            f"{MISTAKES}:snip_saliencies_gradient_only",
        ),
        Mistake(
            "the weight's magnitude alone",
            "|w| is magnitude pruning's score; SNIP multiplies the weight by the gradient of the error on the batch.",
            f"{MISTAKES}:snip_saliencies_magnitude",
        ),
    ),
)


# -- pruning.lottery_ticket ----------------------------------------------------------------------


MAGNITUDE_MARGIN = 0.01
"""the trained magnitudes on either side of a round's threshold differ by more than this, relatively"""


def _rounds_clear(W_init: np.ndarray, X: np.ndarray, Y: np.ndarray, eta: float, steps: int, rounds: int, rate: float) -> bool:
    """Whether every round's pruning decision is clear of rounding: counts far from a half, magnitudes apart.

    This repeats the procedure the exercise asks for, in float64, only to choose the inputs.
    """
    M = np.ones(W_init.shape, dtype=bool)
    for _ in range(rounds):
        W = W_init * M
        for _ in range(steps):
            W = (W - eta * (X @ W.T - Y).T @ X / X.shape[0]) * M
        alive = np.flatnonzero(M.ravel())
        product = Fraction(rate) * alive.size
        if abs(abs(product - round(product)) - Fraction(1, 2)) < Fraction(1, 10):
            return False
        k = int(round(product))
        if not 1 <= k < alive.size:
            return False
        mags = np.sort(np.abs(W.ravel()[alive]))
        if mags[k] - mags[k - 1] <= MAGNITUDE_MARGIN * mags[k]:
            return False
        M = M.ravel().copy()
        M[alive[np.argsort(np.abs(W.ravel()[alive]), kind="stable")[:k]]] = False
        M = M.reshape(W_init.shape)
    return True


def lottery_case(rng: np.random.Generator, k: int, d: int, rounds: int) -> tuple[Any, ...]:
    """Initial weights, a batch, a step, a number of steps and a rate whose every decision is clear (see :func:`_rounds_clear`)."""
    n = 6
    for _ in range(500):
        W_init = representable(rng.normal(0.0, 1.0, size=(k, d)))
        X = representable(rng.normal(0.0, 1.0, size=(n, d)))
        Y = representable(X @ rng.normal(0.0, 1.0, size=(d, k)) + 0.3 * rng.normal(size=(n, k)))
        eta = float(np.float32(rng.uniform(0.1, 0.3)))
        steps = int(rng.integers(3, 7))
        rate = float(np.float32(rng.uniform(0.2, 0.4)))
        if _rounds_clear(W_init, X, Y, eta, steps, rounds, rate):
            return W_init, X, Y, eta, steps, rounds, rate
    raise AssertionError("no clear lottery-ticket input in 500 draws")  # pragma: no cover


def _lottery_calls(t: Trial, cases: list[tuple[Any, ...]]) -> None:
    for W_init, X, Y, eta, steps, rounds, rate in cases:
        label = (f"lottery_ticket(W_init {np.shape(W_init)}, X {np.shape(X)}, Y {np.shape(Y)}, eta={eta:g}, steps={steps}, "
                 f"rounds={rounds}, rate={rate:g})")
        t.expect_close(t.student(W_init, X, Y, eta, steps, rounds, rate),
                       t.reference(W_init, X, Y, eta, steps, rounds, rate), name=label)


def check_lottery_ticket_one_round(t: Trial) -> None:
    """'lottery_ticket' with one round (the arrays given as lists): train a 2x4 layer with the mask kept, prune by magnitude, rewind to W_init."""
    W_init, X, Y, *rest = lottery_case(t.rng, 2, 4, 1)
    _lottery_calls(t, [(W_init.tolist(), X.tolist(), Y.tolist(), *rest)])


def check_lottery_ticket_rounds(t: Trial) -> None:
    """'lottery_ticket' over 3 rounds on a 3x4 layer and 2 rounds on a 2x5 layer: each round rewinds, trains with the mask, prunes the survivors."""
    _lottery_calls(t, [lottery_case(t.rng, 3, 4, 3), lottery_case(t.rng, 2, 5, 2)])


def check_lottery_ticket_hidden(t: Trial) -> None:
    """'lottery_ticket' over several rounds on a new layer and batch."""
    _lottery_calls(t, [lottery_case(t.rng, int(t.rng.integers(2, 4)), 4, int(t.rng.integers(2, 4)))])


LOTTERY_TICKET = Exercise(
    id="pruning.lottery_ticket",
    title="Iterative magnitude pruning with rewinding to the initial weights: the lottery-ticket procedure",
    notes="1.11.2.2 (lottery ticket hypothesis, the rewind process); slides: lottery ticket hypothesis",
    student=StudentFunction("pruning", "lottery_ticket"),
    reference="reference.pruning:lottery_ticket",
    torch_reference="reference.pruning_torch:lottery_ticket",
    input_classes=("list input: W_init", "list input: X"),
    checks=(
        Check(check_lottery_ticket_one_round, points=1),
        Check(check_lottery_ticket_rounds, points=2),
        Check(check_lottery_ticket_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "rewound to the trained weights",
            "the rewind process rolls the surviving weights back to their values AT INITIALISATION (W_init), "
            "before every round's training and in the ticket returned; keeping the trained values is "
            "fine-tuning, not a lottery ticket.",
            f"{MISTAKES}:lottery_ticket_rewind_trained",
        ),
        Mistake(
            "the mask not applied after each update",
            "a pruned weight is removed for good: a gradient step moves it away from 0, so multiply by the mask "
            "after EVERY update, not only when the round starts.",
            f"{MISTAKES}:lottery_ticket_mask_at_end",
        ),
        Mistake(
            "the largest weights pruned",
            "each round prunes the surviving weights of SMALLEST trained magnitude.",
            f"{MISTAKES}:lottery_ticket_largest",
        ),
        Mistake(
            "the rate taken of all weights",
            "each round prunes round(rate * survivors) of the weights still alive, so fewer go every round; "
            "round(rate * all weights) prunes too many from the second round on.",
            f"{MISTAKES}:lottery_ticket_rate_of_all",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    MAGNITUDE_MASK,
    GLOBAL_MAGNITUDE_MASKS,
    STRUCTURED_MASK,
    OBD_SALIENCIES,
    SNIP_SALIENCIES,
    LOTTERY_TICKET,
)
