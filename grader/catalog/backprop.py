"""Backpropagation exercises: sigmoid, feedforward, the four equations, costs, SGD, softmax.

Course notes 1.3.3-1.3.5 and worked example 2.2.5, in the notes' notation:
``W^l`` of shape ``(n_l, n_{l-1})``, ``a^l = W^l z^{l-1} + b^l``,
``z^l = sigma(a^l)``, ``z^1 = x``. Inputs discriminate the mistakes students
most often make: every layer is non-square and adjacent layers differ in size
(a missing transpose or a reversed outer product cannot pass), mini-batches
have 4 examples (a missing or doubled 1/m changes the step), and weighted
inputs are spread over roughly [-6, 6] so that ``sigma'(a)`` and
``sigma'(sigma(a))`` differ clearly. Inputs of +-800 catch sigmoids and
softmaxes that overflow to NaN.

This module ships in the student bundle, so it never imports reference code:
the generators below compute the little forward pass they need themselves.
"""

from __future__ import annotations

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.backprop_mistakes"

# -- inputs -------------------------------------------------------------------------

#: Weighted inputs of generated networks stay within this bound, where sigma' is not negligible.
MAX_WEIGHTED_INPUT = 6.0
#: ... and in every layer at least one of them is at least this large, so sigma' varies.
MIN_SPREAD = 1.0


def spread_values(
    rng: np.random.Generator, size: int | tuple[int, ...], *, low: float = 0.5, high: float = 4.0
) -> np.ndarray:
    """Values with random signs and magnitudes in [low, high]: clearly away from 0 and from saturation."""
    return rng.uniform(low, high, size=size) * rng.choice([-1.0, 1.0], size=size)


def _weighted_inputs(weights: list[np.ndarray], biases: list[np.ndarray], X: np.ndarray) -> list[np.ndarray]:
    """``[A^2, ..., A^L]`` for a batch X of shape (m, n_1), one example per row."""
    Z, out = X, []
    for W, b in zip(weights, biases):
        A = Z @ W.T + b
        out.append(A)
        Z = 1.0 / (1.0 + np.exp(-A))
    return out


def network(
    rng: np.random.Generator, sizes: tuple[int, ...], m: int = 1
) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """A network with layer sizes ``sizes`` and a batch X of shape (m, n_1).

    Weights are N(0, 4 / n_{l-1}), biases N(0, 1), inputs uniform in
    [-1.5, 1.5]; draws are repeated until every weighted input lies in
    [-6, 6] and each layer of each example has one of magnitude 1 or more.
    """
    if any(n_in == n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])):
        raise ValueError(f"adjacent layers must differ in size to catch a missing transpose: {sizes}")
    for _ in range(10_000):
        weights = [
            rng.normal(0.0, 2.0 / np.sqrt(n_in), size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])
        ]
        biases = [rng.normal(0.0, 1.0, size=n_out) for n_out in sizes[1:]]
        X = rng.uniform(-1.5, 1.5, size=(m, sizes[0]))
        layers = _weighted_inputs(weights, biases, X)
        if all(np.abs(A).max() <= MAX_WEIGHTED_INPUT and np.abs(A).max(axis=1).min() >= MIN_SPREAD for A in layers):
            return weights, biases, X
    raise RuntimeError(f"could not draw a well-spread network of sizes {sizes}")


def quadratic_targets(rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
    """Desired outputs anywhere in [0, 1]."""
    return rng.uniform(0.0, 1.0, size=size)


def binary_targets(rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
    """Desired outputs 0 or 1 (float), as for a cross-entropy cost."""
    return rng.integers(0, 2, size=size).astype(float)


def activations(rng: np.random.Generator, n: int) -> np.ndarray:
    """A vector of sigmoid activations in (0, 1), as ``z^{l-1}`` of a hidden layer."""
    return rng.uniform(0.05, 0.95, size=n)


def normal_inputs(rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
    """Weighted inputs N(0, 3^2): most of the sigmoid's range, both signs."""
    return rng.normal(0.0, 3.0, size=size)


def large_inputs(rng: np.random.Generator) -> np.ndarray:
    """Weighted inputs including +-800, where a careless exp overflows, and ordinary ones."""
    fixed = np.array([-800.0, -100.0, -30.0, -1.5, 0.0, 1.5, 30.0, 100.0, 800.0])
    return np.concatenate([fixed, spread_values(rng, 3)])


# -- backprop.sigmoid ---------------------------------------------------------------


def check_sigmoid_vector_and_matrix(t: Trial) -> None:
    """'sigmoid' is 1 / (1 + exp(-a)) elementwise on a vector and on a 3 x 4 matrix."""
    a = normal_inputs(t.rng, 6)
    t.expect_close(t.student(a), t.reference(a), name="sigmoid(a) for a of shape (6,)")
    A = normal_inputs(t.rng, (3, 4))
    t.expect_close(t.student(A), t.reference(A), name="sigmoid(A) for A of shape (3, 4)")


def check_sigmoid_large_inputs(t: Trial) -> None:
    """'sigmoid' gives 0 at a = -800 and 1 at a = +800, never NaN."""
    a = large_inputs(t.rng)
    t.expect_close(t.student(a), t.reference(a), name="sigmoid(a) with a = +-800")
    A = t.rng.uniform(-800.0, 800.0, size=(2, 3))
    t.expect_close(t.student(A), t.reference(A), name="sigmoid(A) with entries in [-800, 800]")


def check_sigmoid_hidden_inputs(t: Trial) -> None:
    """'sigmoid' is right on new inputs of other shapes, some very large."""
    A = normal_inputs(t.rng, (2, 3, 4))
    t.expect_close(t.student(A), t.reference(A), name="sigmoid(A) for A of shape (2, 3, 4)")
    a = t.rng.permutation(np.concatenate([large_inputs(t.rng), [-750.0, 750.0]]))
    t.expect_close(t.student(a), t.reference(a), name="sigmoid(a) with large |a|")


SIGMOID = Exercise(
    id="backprop.sigmoid",
    input_classes=(),
    title="The sigmoid function",
    notes="1.3.2.2, 1.3.5.1",
    student=StudentFunction("backprop", "sigmoid"),
    reference="reference.backprop:sigmoid",
    torch_reference="reference.backprop_torch:sigmoid",
    checks=(
        Check(check_sigmoid_vector_and_matrix, points=1),
        Check(check_sigmoid_large_inputs, points=1),
        Check(check_sigmoid_hidden_inputs, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "sign of the exponent",
            "sigma(a) = 1 / (1 + exp(-a)): with exp(a) you computed sigma(-a) = 1 - sigma(a); "
            "sigma(a) should grow with a.",
            f"{MISTAKES}:sigmoid_sign_of_exponent",
        ),
        Mistake(
            "tanh instead of sigmoid",
            "tanh has values in (-1, 1); the logistic sigmoid 1 / (1 + exp(-a)) has values in (0, 1) "
            "(tanh(a) = 2 sigma(2a) - 1).",
            f"{MISTAKES}:sigmoid_tanh",
        ),
        Mistake(
            "exp(a) / (1 + exp(a)) overflows",
            "exp(800) is inf and inf / inf is NaN. Use 1 / (1 + exp(-a)) for a >= 0 and "
            "exp(a) / (1 + exp(a)) for a < 0, so exp only ever sees -|a|.",
            f"{MISTAKES}:sigmoid_overflow",
        ),
    ),
)

# -- backprop.sigmoid_prime ---------------------------------------------------------


def check_sigmoid_prime_vector_and_matrix(t: Trial) -> None:
    """'sigmoid_prime' is sigma(a) (1 - sigma(a)) elementwise on a vector and on a 4 x 3 matrix."""
    a = normal_inputs(t.rng, 6)
    t.expect_close(t.student(a), t.reference(a), name="sigmoid_prime(a) for a of shape (6,)")
    A = normal_inputs(t.rng, (4, 3))
    t.expect_close(t.student(A), t.reference(A), name="sigmoid_prime(A) for A of shape (4, 3)")


def check_sigmoid_prime_large_inputs(t: Trial) -> None:
    """'sigmoid_prime' is 0, not NaN, at a = +-800."""
    a = large_inputs(t.rng)
    t.expect_close(t.student(a), t.reference(a), name="sigmoid_prime(a) with a = +-800")


def check_sigmoid_prime_hidden_inputs(t: Trial) -> None:
    """'sigmoid_prime' is right on new inputs of other shapes, some very large."""
    A = normal_inputs(t.rng, (3, 2, 2))
    t.expect_close(t.student(A), t.reference(A), name="sigmoid_prime(A) for A of shape (3, 2, 2)")
    a = t.rng.permutation(large_inputs(t.rng))
    t.expect_close(t.student(a), t.reference(a), name="sigmoid_prime(a) with large |a|")


SIGMOID_PRIME = Exercise(
    id="backprop.sigmoid_prime",
    input_classes=(),
    title="The derivative of the sigmoid",
    notes="1.3.5.1",
    student=StudentFunction("backprop", "sigmoid_prime"),
    reference="reference.backprop:sigmoid_prime",
    torch_reference="reference.backprop_torch:sigmoid_prime",
    checks=(
        Check(check_sigmoid_prime_vector_and_matrix, points=1),
        Check(check_sigmoid_prime_large_inputs, points=1),
        Check(check_sigmoid_prime_hidden_inputs, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "applied to the activation",
            "z (1 - z) is sigma' written in terms of the activation z = sigma(a); 'sigmoid_prime' "
            "receives the weighted input a, so compute s = sigmoid(a) first and return s * (1 - s).",
            f"{MISTAKES}:sigmoid_prime_of_activation",
        ),
        Mistake(
            "missing (1 - sigma)",
            "sigma'(a) = sigma(a) (1 - sigma(a)); you returned sigma(a) alone.",
            f"{MISTAKES}:sigmoid_prime_missing_one_minus",
        ),
        Mistake(
            "tanh derivative",
            "1 - f^2 is the derivative of tanh; the sigmoid's is sigma (1 - sigma).",
            f"{MISTAKES}:sigmoid_prime_tanh_formula",
        ),
        Mistake(
            "exp(-a) / (1 + exp(-a))^2 overflows",
            "at a = -800, exp(800) is inf and inf / inf is NaN; compute sigma(a) with a stable "
            "sigmoid and return sigma(a) (1 - sigma(a)).",
            f"{MISTAKES}:sigmoid_prime_overflow",
        ),
    ),
)

# -- backprop.feedforward -----------------------------------------------------------


def check_feedforward_one_hidden_layer(t: Trial) -> None:
    """'feedforward' returns ([a^2, a^3], [x, z^2, z^3]) for a 3 -> 4 -> 2 network."""
    weights, biases, X = network(t.rng, (3, 4, 2), m=2)
    for x in X:
        t.expect_close(
            t.student(weights, biases, x), t.reference(weights, biases, x), name="feedforward(weights, biases, x)"
        )


def check_feedforward_two_hidden_layers(t: Trial) -> None:
    """'feedforward' returns three weighted inputs and four activations for a 5 -> 3 -> 4 -> 2 network."""
    weights, biases, X = network(t.rng, (5, 3, 4, 2))
    x = X[0]
    t.expect_close(
        t.student(weights, biases, x), t.reference(weights, biases, x), name="feedforward(weights, biases, x)"
    )


def check_feedforward_hidden_networks(t: Trial) -> None:
    """'feedforward' is right for new networks of other sizes."""
    for sizes in ((4, 6, 3), (2, 5, 3, 4)):
        weights, biases, X = network(t.rng, sizes)
        x = X[0]
        t.expect_close(
            t.student(weights, biases, x), t.reference(weights, biases, x), name="feedforward(weights, biases, x)"
        )


FEEDFORWARD = Exercise(
    id="backprop.feedforward",
    input_classes=(),
    title="Feedforward: weighted inputs and activations of every layer",
    notes="1.3.4.1, 1.3.4.3 (figure 3)",
    student=StudentFunction("backprop", "feedforward"),
    reference="reference.backprop:feedforward",
    torch_reference="reference.backprop_torch:feedforward",
    checks=(
        Check(check_feedforward_one_hidden_layer, points=1),
        Check(check_feedforward_two_hidden_layers, points=1),
        Check(check_feedforward_hidden_networks, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "activations without the input",
            "activations starts with z^1 = x, the input itself: [x, z^2, ..., z^L] has one entry "
            "more than weighted_inputs. Backprop needs z^1 for dC/dW^2 = delta^2 (z^1)^T.",
            f"{MISTAKES}:feedforward_without_input",
        ),
        Mistake(
            "no sigmoid on the output layer",
            "every layer after the input, the output layer included, is sigmoid: z^L = sigma(a^L).",
            f"{MISTAKES}:feedforward_linear_output",
        ),
        Mistake(
            "bias added after the sigmoid",
            "the bias belongs inside the sigmoid: a^l = W^l z^{l-1} + b^l and z^l = sigma(a^l).",
            f"{MISTAKES}:feedforward_bias_after_sigmoid",
        ),
        Mistake(
            "activations returned as weighted inputs",
            "weighted_inputs holds a^l = W^l z^{l-1} + b^l, before the sigmoid; you returned "
            "sigma(a^l), which belongs in activations.",
            f"{MISTAKES}:feedforward_activations_as_weighted_inputs",
        ),
    ),
)

# -- backprop.output_error_quadratic ------------------------------------------------


def check_output_error_quadratic_random(t: Trial) -> None:
    """'output_error_quadratic' is (sigma(a) - y) * sigma'(a) for 5 outputs and targets in [0, 1]."""
    a_L, y = spread_values(t.rng, 5), quadratic_targets(t.rng, 5)
    t.expect_close(t.student(a_L, y), t.reference(a_L, y), name="output_error_quadratic(a_L, y)")


def check_output_error_quadratic_one_hot_targets(t: Trial) -> None:
    """'output_error_quadratic' is right for 3 outputs with a one-hot target."""
    a_L = spread_values(t.rng, 3)
    y = np.zeros(3)
    y[t.rng.integers(3)] = 1.0
    t.expect_close(t.student(a_L, y), t.reference(a_L, y), name="output_error_quadratic(a_L, y)")


def check_output_error_quadratic_hidden_inputs(t: Trial) -> None:
    """'output_error_quadratic' is right on new outputs and targets."""
    for n in (4, 7):
        a_L, y = spread_values(t.rng, n), quadratic_targets(t.rng, n)
        t.expect_close(t.student(a_L, y), t.reference(a_L, y), name="output_error_quadratic(a_L, y)")


OUTPUT_ERROR_QUADRATIC = Exercise(
    id="backprop.output_error_quadratic",
    input_classes=(),
    title="BP1 for the quadratic cost",
    notes="1.3.4.2 (BP1), example 2.2.5",
    student=StudentFunction("backprop", "output_error_quadratic"),
    reference="reference.backprop:output_error_quadratic",
    torch_reference="reference.backprop_torch:output_error_quadratic",
    checks=(
        Check(check_output_error_quadratic_random, points=1),
        Check(check_output_error_quadratic_one_hot_targets, points=1),
        Check(check_output_error_quadratic_hidden_inputs, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "sigma' applied to the activation",
            "BP1 uses sigma'(a^L) of the weighted input a_L; you applied sigma' to z^L = sigma(a^L).",
            f"{MISTAKES}:output_error_quadratic_prime_of_activation",
        ),
        Mistake(
            "sign flipped",
            "for C = 1/2 ||y - z||^2, dC/dz = z - y (example 2.2.5), not y - z: the -1 comes from "
            "differentiating y - z with respect to z.",
            f"{MISTAKES}:output_error_quadratic_sign_flipped",
        ),
        Mistake(
            "factor 2 kept",
            "d/dz (y - z)^2 = 2 (z - y), and the 1/2 in C = 1/2 ||y - z||^2 cancels the 2 (example 2.2.5).",
            f"{MISTAKES}:output_error_quadratic_factor_two",
        ),
        Mistake(
            "sigma' missing",
            "BP1 is delta^L = grad_z C (.) sigma'(a^L): multiply z - y by sigma'(a^L). "
            "(z - y alone is the cross-entropy's delta.)",
            f"{MISTAKES}:output_error_quadratic_prime_missing",
        ),
    ),
)

# -- backprop.output_error_cross_entropy --------------------------------------------


def check_output_error_cross_entropy_binary_targets(t: Trial) -> None:
    """'output_error_cross_entropy' is sigma(a) - y for 5 outputs and targets 0 or 1."""
    a_L, y = spread_values(t.rng, 5), binary_targets(t.rng, 5)
    t.expect_close(t.student(a_L, y), t.reference(a_L, y), name="output_error_cross_entropy(a_L, y)")


def check_output_error_cross_entropy_soft_targets(t: Trial) -> None:
    """'output_error_cross_entropy' is right for 3 outputs and targets anywhere in [0, 1]."""
    a_L, y = spread_values(t.rng, 3), quadratic_targets(t.rng, 3)
    t.expect_close(t.student(a_L, y), t.reference(a_L, y), name="output_error_cross_entropy(a_L, y)")


def check_output_error_cross_entropy_hidden_inputs(t: Trial) -> None:
    """'output_error_cross_entropy' is right on new outputs and targets."""
    a_L, y = spread_values(t.rng, 6), binary_targets(t.rng, 6)
    t.expect_close(t.student(a_L, y), t.reference(a_L, y), name="output_error_cross_entropy(a_L, y)")
    a_L, y = spread_values(t.rng, 4), quadratic_targets(t.rng, 4)
    t.expect_close(t.student(a_L, y), t.reference(a_L, y), name="output_error_cross_entropy(a_L, y)")


OUTPUT_ERROR_CROSS_ENTROPY = Exercise(
    id="backprop.output_error_cross_entropy",
    input_classes=(),
    title="BP1 for the cross-entropy cost",
    notes="1.3.5.1 (cross-entropy)",
    student=StudentFunction("backprop", "output_error_cross_entropy"),
    reference="reference.backprop:output_error_cross_entropy",
    torch_reference="reference.backprop_torch:output_error_cross_entropy",
    checks=(
        Check(check_output_error_cross_entropy_binary_targets, points=1),
        Check(check_output_error_cross_entropy_soft_targets, points=1),
        Check(check_output_error_cross_entropy_hidden_inputs, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "sigma' kept in the cross-entropy delta",
            "for the cross-entropy, grad_z C = (z - y) / (z (1 - z)) and sigma'(a) = z (1 - z) "
            "cancel: delta^L = z^L - y, with no sigma' (that is why it does not learn slowly).",
            f"{MISTAKES}:output_error_cross_entropy_prime_kept",
        ),
        Mistake(
            "sign flipped",
            "delta^L = dC/da^L = z^L - y, not y - z^L.",
            f"{MISTAKES}:output_error_cross_entropy_sign_flipped",
        ),
        Mistake(
            "weighted input used as activation",
            "a_L is the weighted input; the activation is z^L = sigma(a_L), so delta^L = sigma(a_L) - y.",
            f"{MISTAKES}:output_error_cross_entropy_weighted_input",
        ),
    ),
)

# -- backprop.hidden_error ----------------------------------------------------------


def _hidden_error_inputs(t: Trial, n_next: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    W_next = t.rng.normal(0.0, 1.0, size=(n_next, n))
    return W_next, t.rng.normal(0.0, 0.2, size=n_next), spread_values(t.rng, n)


def check_hidden_error_narrowing_layer(t: Trial) -> None:
    """'hidden_error' is ((W^{l+1})^T delta^{l+1}) * sigma'(a^l) with W^{l+1} of shape (2, 4)."""
    W_next, delta_next, a = _hidden_error_inputs(t, 2, 4)
    t.expect_close(
        t.student(W_next, delta_next, a), t.reference(W_next, delta_next, a), name="hidden_error(W_next, delta_next, a)"
    )


def check_hidden_error_widening_layer(t: Trial) -> None:
    """'hidden_error' is right with W^{l+1} of shape (5, 3)."""
    W_next, delta_next, a = _hidden_error_inputs(t, 5, 3)
    t.expect_close(
        t.student(W_next, delta_next, a), t.reference(W_next, delta_next, a), name="hidden_error(W_next, delta_next, a)"
    )


def check_hidden_error_hidden_inputs(t: Trial) -> None:
    """'hidden_error' is right on new layers of other shapes."""
    for n_next, n in ((3, 6), (4, 2)):
        W_next, delta_next, a = _hidden_error_inputs(t, n_next, n)
        expected = t.reference(W_next, delta_next, a)
        t.expect_close(t.student(W_next, delta_next, a), expected, name="hidden_error(W_next, delta_next, a)")


HIDDEN_ERROR = Exercise(
    id="backprop.hidden_error",
    input_classes=(),
    title="BP2: the error of a hidden layer",
    notes="1.3.4.2 (BP2)",
    student=StudentFunction("backprop", "hidden_error"),
    reference="reference.backprop:hidden_error",
    torch_reference="reference.backprop_torch:hidden_error",
    checks=(
        Check(check_hidden_error_narrowing_layer, points=1),
        Check(check_hidden_error_widening_layer, points=1),
        Check(check_hidden_error_hidden_inputs, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "BP2 without the transpose",
            "W^{l+1} has shape (n_{l+1}, n_l), so it maps layer l forward; the error goes backward "
            "through its transpose: (W^{l+1})^T delta^{l+1}, i.e. W_next.T @ delta_next.",
            f"{MISTAKES}:hidden_error_no_transpose",
        ),
        Mistake(
            "sigma' applied to the activation",
            "BP2 uses sigma'(a^l) of the weighted input a; you applied sigma' to sigma(a).",
            f"{MISTAKES}:hidden_error_prime_of_activation",
        ),
        Mistake(
            "sigma' missing",
            "BP2 is ((W^{l+1})^T delta^{l+1}) (.) sigma'(a^l): multiply elementwise by sigma'(a).",
            f"{MISTAKES}:hidden_error_prime_missing",
        ),
        Mistake(
            "sigma instead of sigma'",
            "the factor in BP2 is the derivative sigma'(a^l) = sigma(a) (1 - sigma(a)), not sigma(a).",
            f"{MISTAKES}:hidden_error_sigma_not_prime",
        ),
    ),
)

# -- backprop.gradients -------------------------------------------------------------


def check_gradients_more_outputs_than_inputs(t: Trial) -> None:
    """'gradients' returns (delta, delta z_prev^T) with delta of size 4 and z_prev of size 3."""
    delta, z_prev = t.rng.normal(0.0, 0.3, size=4), activations(t.rng, 3)
    t.expect_close(t.student(delta, z_prev), t.reference(delta, z_prev), name="gradients(delta, z_prev)")


def check_gradients_more_inputs_than_outputs(t: Trial) -> None:
    """'gradients' returns nabla_W of shape (2, 5) for delta of size 2 and z_prev of size 5."""
    delta, z_prev = t.rng.normal(0.0, 0.3, size=2), activations(t.rng, 5)
    t.expect_close(t.student(delta, z_prev), t.reference(delta, z_prev), name="gradients(delta, z_prev)")


def check_gradients_hidden_inputs(t: Trial) -> None:
    """'gradients' is right for layers of other sizes."""
    for n, n_prev in ((3, 6), (5, 2)):
        delta, z_prev = t.rng.normal(0.0, 0.3, size=n), activations(t.rng, n_prev)
        t.expect_close(t.student(delta, z_prev), t.reference(delta, z_prev), name="gradients(delta, z_prev)")


GRADIENTS = Exercise(
    id="backprop.gradients",
    input_classes=(),
    title="BP3 and BP4: gradients of a layer's biases and weights",
    notes="1.3.4.2 (BP3, BP4)",
    student=StudentFunction("backprop", "gradients"),
    reference="reference.backprop:gradients",
    torch_reference="reference.backprop_torch:gradients",
    checks=(
        Check(check_gradients_more_outputs_than_inputs, points=1),
        Check(check_gradients_more_inputs_than_outputs, points=1),
        Check(check_gradients_hidden_inputs, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "outer product reversed",
            "dC/dw_jk = delta_j z_k: row j belongs to neuron j of layer l, so nabla_W = "
            "np.outer(delta, z_prev), of shape (n_l, n_{l-1}) like W^l.",
            f"{MISTAKES}:gradients_outer_reversed",
        ),
        Mistake(
            "elementwise instead of outer product",
            "delta^l (z^{l-1})^T is an outer product: every delta_j times every z_k, a matrix of "
            "shape (n_l, n_{l-1}); delta * z_prev multiplies entry by entry. Use np.outer(delta, z_prev).",
            f"{MISTAKES}:gradients_elementwise",
        ),
        Mistake(
            "bias gradient summed",
            "BP3 gives one derivative per bias: dC/db^l = delta^l, the whole vector, not its sum.",
            f"{MISTAKES}:gradients_bias_summed",
        ),
        Mistake(
            "inner product instead of outer product",
            "delta @ z_prev is a dot product (one number); BP4 needs the outer product "
            "np.outer(delta, z_prev), of shape (n_l, n_{l-1}).",
            f"{MISTAKES}:gradients_inner_product",
        ),
    ),
)

# -- backprop.backprop --------------------------------------------------------------


def check_backprop_quadratic(t: Trial) -> None:
    """'backprop' gives (nabla_b, nabla_W) of the quadratic cost, its default, for a 3 -> 4 -> 2 network."""
    weights, biases, X = network(t.rng, (3, 4, 2))
    x, y = X[0], quadratic_targets(t.rng, 2)
    t.expect_close(
        t.student(weights, biases, x, y),
        t.reference(weights, biases, x, y, cost="quadratic"),
        name="backprop(weights, biases, x, y) (the default cost='quadratic')",
    )


def check_backprop_cross_entropy(t: Trial) -> None:
    """'backprop' gives (nabla_b, nabla_W) of the cross-entropy cost for a 5 -> 3 -> 4 -> 2 network."""
    weights, biases, X = network(t.rng, (5, 3, 4, 2))
    x, y = X[0], binary_targets(t.rng, 2)
    t.expect_close(
        t.student(weights, biases, x, y, cost="cross-entropy"),
        t.reference(weights, biases, x, y, cost="cross-entropy"),
        name="backprop(weights, biases, x, y, cost='cross-entropy')",
    )


def check_backprop_hidden_networks(t: Trial) -> None:
    """'backprop' is right for new networks with both costs."""
    for sizes, cost in (((4, 6, 3), "quadratic"), ((2, 5, 3, 4), "cross-entropy"), ((5, 3, 4, 2), "quadratic")):
        weights, biases, X = network(t.rng, sizes)
        x = X[0]
        y = quadratic_targets(t.rng, sizes[-1]) if cost == "quadratic" else binary_targets(t.rng, sizes[-1])
        t.expect_close(
            t.student(weights, biases, x, y, cost=cost),
            t.reference(weights, biases, x, y, cost=cost),
            name=f"backprop(weights, biases, x, y, cost={cost!r})",
        )


BACKPROP = Exercise(
    id="backprop.backprop",
    input_classes=(),
    title="Backpropagation for one example",
    notes="1.3.4.3 (figure 3, step 1), 1.3.5.1",
    student=StudentFunction("backprop", "backprop"),
    reference="reference.backprop:backprop",
    torch_reference="reference.backprop_torch:backprop",
    checks=(
        Check(check_backprop_quadratic, points=1),
        Check(check_backprop_cross_entropy, points=1),
        Check(check_backprop_hidden_networks, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "sigma' applied to the activation",
            "BP1 and BP2 use sigma'(a^l) of the weighted inputs; you applied sigma' to the "
            "activations z^l = sigma(a^l).",
            f"{MISTAKES}:backprop_prime_of_activation",
        ),
        Mistake(
            "BP2 without the transpose",
            "W^{l+1} has shape (n_{l+1}, n_l); the error goes backward through its transpose: "
            "delta^l = ((W^{l+1})^T delta^{l+1}) (.) sigma'(a^l).",
            f"{MISTAKES}:backprop_no_transpose",
        ),
        Mistake(
            "BP4 uses the wrong layer's activation",
            "dC/dW^l = delta^l (z^{l-1})^T uses the activation of the layer *before* l, the one "
            "W^l multiplies: with weights[i] = W^{i+2}, that is activations[i], not activations[i + 1].",
            f"{MISTAKES}:backprop_wrong_layer_activation",
        ),
        Mistake(
            "sigma' kept in the cross-entropy delta",
            "with cost='cross-entropy' the output error is delta^L = z^L - y, with no sigma'(a^L); "
            "BP2 still multiplies by sigma' in the hidden layers.",
            f"{MISTAKES}:backprop_cross_entropy_prime_kept",
        ),
    ),
)

# -- backprop.sgd_step --------------------------------------------------------------


def check_sgd_step_quadratic(t: Trial) -> None:
    """'sgd_step' takes one step of the mean quadratic cost, its default, over a batch of 4 (a 3 -> 4 -> 2 network)."""
    weights, biases, X = network(t.rng, (3, 4, 2), m=4)
    Y, eta = quadratic_targets(t.rng, (4, 2)), float(t.rng.uniform(0.5, 3.0))
    t.expect_close(
        t.student(weights, biases, X, Y, eta),
        t.reference(weights, biases, X, Y, eta, cost="quadratic"),
        name=f"sgd_step(weights, biases, X, Y, eta={eta:.3g}) (the default cost='quadratic')",
    )


def check_sgd_step_cross_entropy(t: Trial) -> None:
    """'sgd_step' takes one step of the mean cross-entropy over a batch of 4 (a 5 -> 3 -> 4 -> 2 network)."""
    weights, biases, X = network(t.rng, (5, 3, 4, 2), m=4)
    Y, eta = binary_targets(t.rng, (4, 2)), float(t.rng.uniform(0.5, 3.0))
    t.expect_close(
        t.student(weights, biases, X, Y, eta, cost="cross-entropy"),
        t.reference(weights, biases, X, Y, eta, cost="cross-entropy"),
        name=f"sgd_step(weights, biases, X, Y, eta={eta:.3g}, cost='cross-entropy')",
    )


def check_sgd_step_hidden_batches(t: Trial) -> None:
    """'sgd_step' is right for new networks and batches with both costs."""
    for sizes, m, cost in (((4, 6, 3), 4, "quadratic"), ((2, 5, 3), 6, "cross-entropy")):
        weights, biases, X = network(t.rng, sizes, m=m)
        shape = (m, sizes[-1])
        Y = quadratic_targets(t.rng, shape) if cost == "quadratic" else binary_targets(t.rng, shape)
        eta = float(t.rng.uniform(0.5, 3.0))
        t.expect_close(
            t.student(weights, biases, X, Y, eta, cost=cost),
            t.reference(weights, biases, X, Y, eta, cost=cost),
            name=f"sgd_step(weights, biases, X, Y, eta, cost={cost!r})",
        )


SGD_STEP = Exercise(
    id="backprop.sgd_step",
    input_classes=(),
    title="One step of mini-batch stochastic gradient descent",
    notes="1.3.3.2, 1.3.4.3 (figure 3)",
    student=StudentFunction("backprop", "sgd_step"),
    reference="reference.backprop:sgd_step",
    torch_reference="reference.backprop_torch:sgd_step",
    checks=(
        Check(check_sgd_step_quadratic, points=1),
        Check(check_sgd_step_cross_entropy, points=1),
        Check(check_sgd_step_hidden_batches, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "no division by the batch size",
            "the step is (eta / m) times the sum of the m examples' gradients: a step of eta "
            "along the mean gradient. Divide the sum by m = len(X).",
            f"{MISTAKES}:sgd_step_no_division",
        ),
        Mistake(
            "divided by the batch size twice",
            "divide by m once: either (eta / m) times the summed gradients, or eta times their mean.",
            f"{MISTAKES}:sgd_step_divided_twice",
        ),
        Mistake(
            "gradient ascent",
            "gradient descent moves against the gradient: W <- W - (eta / m) sum_x dC_x/dW.",
            f"{MISTAKES}:sgd_step_ascent",
        ),
        Mistake(
            "updated after every example",
            "compute every example's gradient with the weights as they were at the start of the "
            "step, sum them, and update once at the end of the mini-batch.",
            f"{MISTAKES}:sgd_step_updated_per_example",
        ),
        Mistake(
            "last example only",
            "the gradients of all m examples must be added up; yours were overwritten in the "
            "loop, so only the last example's gradient was used.",
            f"{MISTAKES}:sgd_step_last_example_only",
        ),
    ),
)

# -- backprop.softmax_output_error --------------------------------------------------


def check_softmax_output_error_random_logits(t: Trial) -> None:
    """'softmax_output_error' is softmax(a) - e_y for 5 and for 3 outputs."""
    for n in (5, 3):
        a_L, y = t.rng.normal(0.0, 2.0, size=n), int(t.rng.integers(n))
        t.expect_close(t.student(a_L, y), t.reference(a_L, y), name=f"softmax_output_error(a_L, y={y})")


def check_softmax_output_error_large_logits(t: Trial) -> None:
    """'softmax_output_error' is right, not NaN, for logits near 800."""
    a_L = np.array([800.0, 798.5, -3.0, 799.0])
    y = int(t.rng.integers(4))
    t.expect_close(t.student(a_L, y), t.reference(a_L, y), name=f"softmax_output_error(a_L, y={y}) with a_L near 800")
    a_L = 760.0 + t.rng.uniform(-3.0, 3.0, size=5)
    y = int(t.rng.integers(5))
    t.expect_close(t.student(a_L, y), t.reference(a_L, y), name=f"softmax_output_error(a_L, y={y}) with a_L near 760")


def check_softmax_output_error_hidden_inputs(t: Trial) -> None:
    """'softmax_output_error' is right on new logits, ordinary and very large or very small."""
    ordinary = t.rng.normal(0.0, 2.0, size=6)
    very_large = 790.0 + t.rng.normal(0.0, 2.0, size=4)
    very_small = -800.0 + t.rng.normal(0.0, 2.0, size=3)
    for a_L in (ordinary, very_large, very_small):
        y = int(t.rng.integers(a_L.size))
        t.expect_close(t.student(a_L, y), t.reference(a_L, y), name="softmax_output_error(a_L, y)")


SOFTMAX_OUTPUT_ERROR = Exercise(
    id="backprop.softmax_output_error",
    input_classes=(),
    title="Softmax output with the log-likelihood cost",
    notes="1.3.5.1 (soft-max and log-likelihood)",
    student=StudentFunction("backprop", "softmax_output_error"),
    reference="reference.backprop:softmax_output_error",
    torch_reference="reference.backprop_torch:softmax_output_error",
    checks=(
        Check(check_softmax_output_error_random_logits, points=1),
        Check(check_softmax_output_error_large_logits, points=1),
        Check(check_softmax_output_error_hidden_inputs, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "softmax without the max shift",
            "exp(800) is inf and inf / inf is NaN. Subtract max(a) before exp: softmax(a) = "
            "softmax(a - max(a)) because the factor exp(-max(a)) cancels.",
            f"{MISTAKES}:softmax_output_error_no_shift",
        ),
        Mistake(
            "sigmoid instead of softmax",
            "the softmax output is z_j = exp(a_j) / sum_k exp(a_k), which depends on every a_k and "
            "sums to 1; sigma(a_j) looks at a_j alone.",
            f"{MISTAKES}:softmax_output_error_sigmoid",
        ),
        Mistake(
            "sign flipped",
            "delta^L = dC/da^L = z^L - e_y for C = -ln z_y, not e_y - z^L.",
            f"{MISTAKES}:softmax_output_error_sign_flipped",
        ),
        Mistake(
            "y used as a value",
            "y is the index of the correct class, not a target value: subtract 1 from entry y only "
            "(z - e_y, with e_y the one-hot vector of y).",
            f"{MISTAKES}:softmax_output_error_y_as_value",
        ),
    ),
)

EXERCISES: tuple[Exercise, ...] = (
    SIGMOID,
    SIGMOID_PRIME,
    FEEDFORWARD,
    OUTPUT_ERROR_QUADRATIC,
    OUTPUT_ERROR_CROSS_ENTROPY,
    HIDDEN_ERROR,
    GRADIENTS,
    BACKPROP,
    SGD_STEP,
    SOFTMAX_OUTPUT_ERROR,
)
