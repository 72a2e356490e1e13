"""Known mistakes in the backpropagation exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/backprop.py`` name them with a hint. Variants
compute what the student's code computes, including its overflow to NaN; the
``np.errstate`` blocks only keep those overflows from printing warnings here.
"""

from __future__ import annotations

import numpy as np

from reference.backprop import COSTS, backprop, feedforward, sigmoid, sigmoid_prime, softmax

# -- sigmoid ------------------------------------------------------------------------


def sigmoid_sign_of_exponent(a):
    """``1 / (1 + exp(a))``: the sign of the exponent is lost, giving ``sigma(-a) = 1 - sigma(a)``."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(np.asarray(a, dtype=float)))


def sigmoid_tanh(a):
    """``tanh(a)`` instead of the logistic sigmoid."""
    return np.tanh(np.asarray(a, dtype=float))


def sigmoid_overflow(a):
    """``exp(a) / (1 + exp(a))``: right in theory, but ``inf / inf = NaN`` for large positive a."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.asarray(a, dtype=float))
        return e / (1.0 + e)


# -- sigmoid_prime ------------------------------------------------------------------


def sigmoid_prime_of_activation(a):
    """``a (1 - a)``: the formula ``z (1 - z)`` for the activation, applied to the weighted input."""
    a = np.asarray(a, dtype=float)
    return a * (1.0 - a)


def sigmoid_prime_missing_one_minus(a):
    """``sigma(a)``: the factor ``(1 - sigma(a))`` is missing."""
    return sigmoid(a)


def sigmoid_prime_tanh_formula(a):
    """``1 - sigma(a)^2``: the derivative formula of tanh, applied to the sigmoid."""
    return 1.0 - sigmoid(a) ** 2


def sigmoid_prime_overflow(a):
    """``exp(-a) / (1 + exp(-a))^2``: right in theory, but ``inf / inf = NaN`` for large negative a."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(-np.asarray(a, dtype=float))
        return e / (1.0 + e) ** 2


# -- feedforward --------------------------------------------------------------------


def feedforward_without_input(weights, biases, x):
    """The activations start at ``z^2``: ``z^1 = x`` is left out."""
    weighted_inputs, activations = feedforward(weights, biases, x)
    return weighted_inputs, activations[1:]


def feedforward_linear_output(weights, biases, x):
    """No sigmoid on the output layer: ``z^L = a^L``."""
    weighted_inputs, activations = feedforward(weights, biases, x)
    return weighted_inputs, activations[:-1] + [weighted_inputs[-1]]


def feedforward_bias_after_sigmoid(weights, biases, x):
    """``a^l = W^l z^{l-1}`` and ``z^l = sigma(a^l) + b^l``: the bias is added after the sigmoid."""
    z = np.asarray(x, dtype=float)
    weighted_inputs, activations = [], [z]
    for W, b in zip(weights, biases):
        a = np.asarray(W, dtype=float) @ z
        z = sigmoid(a) + np.asarray(b, dtype=float)
        weighted_inputs.append(a)
        activations.append(z)
    return weighted_inputs, activations


def feedforward_activations_as_weighted_inputs(weights, biases, x):
    """The weighted inputs returned are the activations ``sigma(a^l)``, not ``a^l``."""
    _, activations = feedforward(weights, biases, x)
    return activations[1:], activations


# -- output_error_quadratic ---------------------------------------------------------


def output_error_quadratic_prime_of_activation(a_L, y):
    """``(z - y) sigma'(z)``: sigma' is applied to the activation instead of the weighted input."""
    z = sigmoid(a_L)
    return (z - np.asarray(y, dtype=float)) * sigmoid_prime(z)


def output_error_quadratic_sign_flipped(a_L, y):
    """``(y - z) sigma'(a)``: the sign of ``grad_z C`` is flipped."""
    return (np.asarray(y, dtype=float) - sigmoid(a_L)) * sigmoid_prime(a_L)


def output_error_quadratic_factor_two(a_L, y):
    """``2 (z - y) sigma'(a)``: the factor 2 is kept, though the 1/2 in C cancels it."""
    return 2.0 * (sigmoid(a_L) - np.asarray(y, dtype=float)) * sigmoid_prime(a_L)


def output_error_quadratic_prime_missing(a_L, y):
    """``z - y``: BP1 without the factor ``sigma'(a^L)``."""
    return sigmoid(a_L) - np.asarray(y, dtype=float)


# -- output_error_cross_entropy -----------------------------------------------------


def output_error_cross_entropy_prime_kept(a_L, y):
    """``(z - y) sigma'(a)``: sigma' kept, though it cancels for the cross-entropy."""
    return (sigmoid(a_L) - np.asarray(y, dtype=float)) * sigmoid_prime(a_L)


def output_error_cross_entropy_sign_flipped(a_L, y):
    """``y - z``: the sign is flipped."""
    return np.asarray(y, dtype=float) - sigmoid(a_L)


def output_error_cross_entropy_weighted_input(a_L, y):
    """``a - y``: the weighted input is used as the activation (no sigmoid)."""
    return np.asarray(a_L, dtype=float) - np.asarray(y, dtype=float)


# -- hidden_error -------------------------------------------------------------------


def hidden_error_no_transpose(W_next, delta_next, a):
    """``(W^{l+1} delta^{l+1}) (.) sigma'(a^l)``: raises on non-square layers, exactly like
    a student's ``W_next @ delta_next``."""
    return (np.asarray(W_next, dtype=float) @ np.asarray(delta_next, dtype=float)) * sigmoid_prime(a)


def hidden_error_prime_of_activation(W_next, delta_next, a):
    """``((W^{l+1})^T delta^{l+1}) (.) sigma'(sigma(a^l))``: sigma' of the activation."""
    return (np.asarray(W_next, dtype=float).T @ np.asarray(delta_next, dtype=float)) * sigmoid_prime(sigmoid(a))


def hidden_error_prime_missing(W_next, delta_next, a):
    """``(W^{l+1})^T delta^{l+1}``: the factor ``sigma'(a^l)`` is missing."""
    return np.asarray(W_next, dtype=float).T @ np.asarray(delta_next, dtype=float)


def hidden_error_sigma_not_prime(W_next, delta_next, a):
    """``((W^{l+1})^T delta^{l+1}) (.) sigma(a^l)``: sigma instead of its derivative."""
    return (np.asarray(W_next, dtype=float).T @ np.asarray(delta_next, dtype=float)) * sigmoid(a)


# -- gradients ----------------------------------------------------------------------


def gradients_outer_reversed(delta, z_prev):
    """``z^{l-1} (delta^l)^T``: the outer product the wrong way round, shape (n_{l-1}, n_l)."""
    delta = np.asarray(delta, dtype=float)
    return delta.copy(), np.outer(np.asarray(z_prev, dtype=float), delta)


def gradients_elementwise(delta, z_prev):
    """``delta * z_prev``: elementwise instead of the outer product (fails when n_l != n_{l-1})."""
    delta = np.asarray(delta, dtype=float)
    return delta.copy(), delta * np.asarray(z_prev, dtype=float)


def gradients_bias_summed(delta, z_prev):
    """``sum_j delta_j`` as the bias gradient: one number instead of the vector delta."""
    delta = np.asarray(delta, dtype=float)
    return delta.sum(), np.outer(delta, np.asarray(z_prev, dtype=float))


def gradients_inner_product(delta, z_prev):
    """``delta @ z_prev``: the inner product instead of the outer product (fails when n_l != n_{l-1})."""
    delta = np.asarray(delta, dtype=float)
    return delta.copy(), delta @ np.asarray(z_prev, dtype=float)


# -- backprop -----------------------------------------------------------------------


def _backprop_variant(weights, biases, x, y, cost, *, prime, transpose=True, ce_prime=False, z_offset=0):
    """Backpropagation with one thing changed; the reference is ``prime=sigmoid_prime``."""
    if cost not in COSTS:
        raise ValueError(f"cost should be one of {COSTS}, not {cost!r}")
    weighted_inputs, activations = feedforward(weights, biases, x)
    a_L, z_L = weighted_inputs[-1], activations[-1]
    y = np.asarray(y, dtype=float)
    if cost == "quadratic":
        delta = (z_L - y) * prime(a_L)
    else:
        delta = (z_L - y) * (prime(a_L) if ce_prime else 1.0)
    n_layers = len(weights)
    nabla_b, nabla_W = [None] * n_layers, [None] * n_layers
    for i in reversed(range(n_layers)):
        if i < n_layers - 1:
            W_next = np.asarray(weights[i + 1], dtype=float)
            back = (W_next.T @ delta) if transpose else (W_next @ delta)
            delta = back * prime(weighted_inputs[i])
        nabla_b[i] = delta
        nabla_W[i] = np.outer(delta, activations[i + z_offset])
    return nabla_b, nabla_W


def backprop_prime_of_activation(weights, biases, x, y, cost="quadratic"):
    """sigma' is applied to the activations ``z = sigma(a)`` instead of the weighted inputs."""
    return _backprop_variant(weights, biases, x, y, cost, prime=lambda a: sigmoid_prime(sigmoid(a)))


def backprop_no_transpose(weights, biases, x, y, cost="quadratic"):
    """BP2 as ``W^{l+1} delta^{l+1}``: raises on non-square layers."""
    return _backprop_variant(weights, biases, x, y, cost, prime=sigmoid_prime, transpose=False)


def backprop_wrong_layer_activation(weights, biases, x, y, cost="quadratic"):
    """BP4 as ``delta^l (z^l)^T`` instead of ``delta^l (z^{l-1})^T``: wrong shape (n_l, n_l)."""
    return _backprop_variant(weights, biases, x, y, cost, prime=sigmoid_prime, z_offset=1)


def backprop_cross_entropy_prime_kept(weights, biases, x, y, cost="quadratic"):
    """The cross-entropy output error keeps sigma': ``(z - y) sigma'(a^L)``."""
    return _backprop_variant(weights, biases, x, y, cost, prime=sigmoid_prime, ce_prime=True)


# -- sgd_step -----------------------------------------------------------------------


def _summed_gradients(weights, biases, X, Y, cost):
    sum_b = [np.zeros(np.shape(b)) for b in biases]
    sum_W = [np.zeros(np.shape(W)) for W in weights]
    for x, y in zip(np.asarray(X, dtype=float), np.asarray(Y, dtype=float)):
        nabla_b, nabla_W = backprop(weights, biases, x, y, cost)
        for i in range(len(weights)):
            sum_b[i] += nabla_b[i]
            sum_W[i] += nabla_W[i]
    return sum_b, sum_W


def _step(weights, biases, sum_b, sum_W, factor):
    return (
        [np.asarray(W, dtype=float) - factor * g for W, g in zip(weights, sum_W)],
        [np.asarray(b, dtype=float) - factor * g for b, g in zip(biases, sum_b)],
    )


def sgd_step_no_division(weights, biases, X, Y, eta, cost="quadratic"):
    """Steps ``eta * sum_x``: the sum over the batch is not divided by m."""
    sum_b, sum_W = _summed_gradients(weights, biases, X, Y, cost)
    return _step(weights, biases, sum_b, sum_W, eta)


def sgd_step_divided_twice(weights, biases, X, Y, eta, cost="quadratic"):
    """Steps ``(eta / m^2) * sum_x``: the mean gradient is divided by m once more."""
    m = np.shape(X)[0]
    sum_b, sum_W = _summed_gradients(weights, biases, X, Y, cost)
    return _step(weights, biases, sum_b, sum_W, eta / m**2)


def sgd_step_ascent(weights, biases, X, Y, eta, cost="quadratic"):
    """``W + (eta/m) sum_x``: a step up the gradient instead of down."""
    m = np.shape(X)[0]
    sum_b, sum_W = _summed_gradients(weights, biases, X, Y, cost)
    return _step(weights, biases, sum_b, sum_W, -eta / m)


def sgd_step_updated_per_example(weights, biases, X, Y, eta, cost="quadratic"):
    """The weights are updated by ``(eta/m)`` times each example's gradient inside the loop,
    so later examples see weights already changed by earlier ones."""
    m = np.shape(X)[0]
    weights = [np.asarray(W, dtype=float) for W in weights]
    biases = [np.asarray(b, dtype=float) for b in biases]
    for x, y in zip(np.asarray(X, dtype=float), np.asarray(Y, dtype=float)):
        nabla_b, nabla_W = backprop(weights, biases, x, y, cost)
        weights, biases = _step(weights, biases, nabla_b, nabla_W, eta / m)
    return weights, biases


def sgd_step_last_example_only(weights, biases, X, Y, eta, cost="quadratic"):
    """The gradient is overwritten, not summed, in the loop: only the last example counts."""
    m = np.shape(X)[0]
    nabla_b, nabla_W = backprop(weights, biases, np.asarray(X, dtype=float)[-1], np.asarray(Y, dtype=float)[-1], cost)
    return _step(weights, biases, nabla_b, nabla_W, eta / m)


# -- softmax_output_error -----------------------------------------------------------


def _one_hot(n: int, y: int) -> np.ndarray:
    e = np.zeros(n)
    e[int(y)] = 1.0
    return e


def softmax_output_error_no_shift(a_L, y):
    """``exp(a) / sum exp(a)`` without subtracting max(a): ``inf / inf = NaN`` on large logits."""
    a = np.asarray(a_L, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(a)
        return e / e.sum() - _one_hot(a.size, y)


def softmax_output_error_sigmoid(a_L, y):
    """``sigma(a) - e_y``: the sigmoid output's error, not the softmax's."""
    a = np.asarray(a_L, dtype=float)
    return sigmoid(a) - _one_hot(a.size, y)


def softmax_output_error_sign_flipped(a_L, y):
    """``e_y - softmax(a)``: the sign is flipped."""
    a = np.asarray(a_L, dtype=float)
    return _one_hot(a.size, y) - softmax(a)


def softmax_output_error_y_as_value(a_L, y):
    """``softmax(a) - y``: the class index is subtracted from every entry instead of using ``e_y``."""
    return softmax(a_L) - y
