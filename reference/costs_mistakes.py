"""Known mistakes in the costs exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/costs.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np

from reference.activations import softmax_backward
from reference.costs import binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, is_weight, sigmoid


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


# -- quadratic_cost -----------------------------------------------------------------------------


def quadratic_cost_mean_over_entries(A, Y):
    """Uses torch's F.mse_loss: the mean over all n k entries, without the 1/2."""
    A, Y = _floats(A), _floats(Y)
    return float(((Y - A) ** 2).mean()), 2.0 * (A - Y) / A.size


def quadratic_cost_no_half(A, Y):
    """Leaves out the 1/2: C = 1/n sum ||y - a||^2, dC/dA = 2 (A - Y) / n."""
    A, Y = _floats(A), _floats(Y)
    n = A.shape[0]
    return float(((Y - A) ** 2).sum() / n), 2.0 * (A - Y) / n


def quadratic_cost_sum_over_batch(A, Y):
    """Sums over the batch instead of averaging: C = 1/2 sum_x ||y - a||^2, dC/dA = A - Y."""
    A, Y = _floats(A), _floats(Y)
    return float(((Y - A) ** 2).sum() / 2), A - Y


def quadratic_cost_gradient_sign(A, Y):
    """Gives (Y - A) / n as the gradient: the sign of d/da (y - a)^2 lost."""
    A, Y = _floats(A), _floats(Y)
    n = A.shape[0]
    return float(((Y - A) ** 2).sum() / (2 * n)), (Y - A) / n


# -- binary_cross_entropy ------------------------------------------------------------------------


def binary_cross_entropy_mean_over_entries(Z, Y):
    """Averages over all n k entries (torch's default reduction) instead of summing the outputs."""
    C, gradient = binary_cross_entropy(Z, Y)
    k = _floats(Z).shape[1]
    return C / k, gradient / k


def binary_cross_entropy_sum_over_batch(Z, Y):
    """Sums over the batch instead of averaging."""
    C, gradient = binary_cross_entropy(Z, Y)
    n = _floats(Z).shape[0]
    return C * n, gradient * n


def binary_cross_entropy_second_term_left_out(Z, Y):
    """Keeps only -y ln z, leaving out (1 - y) ln(1 - z)."""
    Z, Y = _floats(Z), _floats(Y)
    n = Z.shape[0]
    return float(-(Y * np.log(Z)).sum() / n), -Y / Z / n


def binary_cross_entropy_logit_gradient(Z, Y):
    """Gives (Z - Y) / n, the gradient with respect to the logit, as the gradient with respect to Z."""
    C, _ = binary_cross_entropy(Z, Y)
    Z, Y = _floats(Z), _floats(Y)
    return C, (Z - Y) / Z.shape[0]


# -- binary_cross_entropy_with_logits ------------------------------------------------------------


def binary_cross_entropy_with_logits_log_of_sigmoid(X, Y):
    """Takes the log of sigmoid(x) and of 1 - sigmoid(x): sigmoid(40) rounds to 1 and ln(1 - 1) is -inf."""
    X, Y = _floats(X), _floats(Y)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        z = 1.0 / (1.0 + np.exp(-X))
        C = -(Y * np.log(z) + (1.0 - Y) * np.log(1.0 - z)).sum() / X.shape[0]
        return float(C), (z - Y) / X.shape[0]


def binary_cross_entropy_with_logits_exp_overflows(X, Y):
    """Writes the cost as (1 - y) x + ln(1 + e^-x) without the stable form: e^800 overflows to inf."""
    X, Y = _floats(X), _floats(Y)
    with np.errstate(over="ignore"):
        C = ((1.0 - Y) * X + np.log(1.0 + np.exp(-X))).sum() / X.shape[0]
    return float(C), (sigmoid(X) - Y) / X.shape[0]


def binary_cross_entropy_with_logits_mean_over_entries(X, Y):
    """Averages over all n k entries (torch's default reduction) instead of summing the outputs."""
    C, gradient = binary_cross_entropy_with_logits(X, Y)
    k = _floats(X).shape[1]
    return C / k, gradient / k


def binary_cross_entropy_with_logits_sum_over_batch(X, Y):
    """Sums over the batch instead of averaging."""
    C, gradient = binary_cross_entropy_with_logits(X, Y)
    n = _floats(X).shape[0]
    return C * n, gradient * n


# -- cross_entropy -------------------------------------------------------------------------------


def cross_entropy_log_of_softmax(X, labels):
    """Takes the log of the softmax: a probability of e^-2000 rounds to 0 and -ln 0 is inf."""
    X = _floats(X)
    labels = np.asarray(labels, dtype=int)
    e = np.exp(X - X.max(axis=1, keepdims=True))
    s = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(len(X))
    with np.errstate(divide="ignore"):
        C = -np.log(s[rows, labels]).sum() / len(X)
    gradient = s.copy()
    gradient[rows, labels] -= 1.0
    return float(C), gradient / len(X)


def cross_entropy_sum_over_batch(X, labels):
    """Sums over the batch instead of averaging."""
    C, gradient = cross_entropy(X, labels)
    n = _floats(X).shape[0]
    return C * n, gradient * n


def cross_entropy_batch_axis(X, labels):
    """Takes the softmax down the batch (axis 0) instead of along each example's classes."""
    X = _floats(X)
    labels = np.asarray(labels, dtype=int)
    shifted = X - X.max(axis=0, keepdims=True)
    log_s = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    rows = np.arange(len(X))
    gradient = np.exp(log_s)
    gradient[rows, labels] -= 1.0
    return float(-log_s[rows, labels].sum() / len(X)), gradient / len(X)


def cross_entropy_binary_per_class(X, labels):
    """Uses the notes' multi-output binary cross-entropy on the softmax's outputs instead of -ln s_y."""
    X = _floats(X)
    labels = np.asarray(labels, dtype=int)
    n = len(X)
    onehot = np.eye(X.shape[1])[labels]
    e = np.exp(X - X.max(axis=1, keepdims=True))
    s = e / e.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        C = -(onehot * np.log(s) + (1.0 - onehot) * np.log1p(-s)).sum() / n
        G = (-onehot / s + (1.0 - onehot) / (1.0 - s)) / n
        return float(C), softmax_backward(X, G, 1)


# -- l2_penalty ----------------------------------------------------------------------------------


def l2_penalty_biases_penalised(params, lam):
    """Applies the penalty to the biases as well as the weights."""
    penalty = 0.5 * lam * sum(float((_floats(v) ** 2).sum()) for v in params.values())
    return penalty, {name: lam * _floats(value) for name, value in params.items()}


def l2_penalty_no_half(params, lam):
    """Leaves out the 1/2: lambda sum w^2, with the gradient 2 lambda W."""
    penalty = lam * sum(float((_floats(v) ** 2).sum()) for name, v in params.items() if is_weight(name))
    return penalty, {name: (2 * lam * _floats(v) if is_weight(name) else np.zeros_like(_floats(v))) for name, v in params.items()}


def l2_penalty_mean_over_entries(params, lam):
    """Averages the squares of each weight matrix instead of summing them."""
    penalty, gradients = 0.0, {}
    for name, value in params.items():
        value = _floats(value)
        if is_weight(name):
            penalty += 0.5 * lam * float((value**2).mean())
            gradients[name] = lam * value / value.size
        else:
            gradients[name] = np.zeros_like(value)
    return penalty, gradients


# -- l1_penalty ----------------------------------------------------------------------------------


def l1_penalty_biases_penalised(params, lam):
    """Applies the penalty to the biases as well as the weights."""
    penalty = lam * sum(float(np.abs(_floats(v)).sum()) for v in params.values())
    return penalty, {name: lam * np.sign(_floats(value)) for name, value in params.items()}


def l1_penalty_sign_at_zero(params, lam):
    """Takes the sign of a weight that is exactly 0 as 1 (w >= 0) instead of 0."""
    penalty, gradients = 0.0, {}
    for name, value in params.items():
        value = _floats(value)
        if is_weight(name):
            penalty += lam * float(np.abs(value).sum())
            gradients[name] = lam * np.where(value >= 0, 1.0, -1.0)
        else:
            gradients[name] = np.zeros_like(value)
    return penalty, gradients


def l1_penalty_halved(params, lam):
    """Copies the L2 penalty's 1/2: (lambda / 2) sum |w|, gradient (lambda / 2) sign(W)."""
    penalty, gradients = 0.0, {}
    for name, value in params.items():
        value = _floats(value)
        if is_weight(name):
            penalty += 0.5 * lam * float(np.abs(value).sum())
            gradients[name] = 0.5 * lam * np.sign(value)
        else:
            gradients[name] = np.zeros_like(value)
    return penalty, gradients


# -- weight_decay_step ---------------------------------------------------------------------------


def _step(params, grads, rule):
    return {name: rule(name, _floats(value), _floats(grads[name])) for name, value in params.items()}


def weight_decay_step_biases_decayed(params, grads, eta, lam):
    """Decays the biases as well as the weights (torch's weight_decay on one group of every parameter)."""
    return _step(params, grads, lambda name, w, g: (1.0 - eta * lam) * w - eta * g)


def weight_decay_step_decay_after_the_step(params, grads, eta, lam):
    """Takes the gradient step first and decays the result: (1 - eta lambda) (W - eta dC/dW)."""
    return _step(params, grads, lambda name, w, g: (1.0 - eta * lam) * (w - eta * g) if is_weight(name) else w - eta * g)


def weight_decay_step_decay_without_eta(params, grads, eta, lam):
    """Decays by (1 - lambda) instead of (1 - eta lambda): the learning rate left out of the decay."""
    return _step(params, grads, lambda name, w, g: ((1.0 - lam) * w if is_weight(name) else w) - eta * g)


def weight_decay_step_decay_sign(params, grads, eta, lam):
    """Multiplies the weights by (1 + eta lambda): the penalty's gradient added with the wrong sign."""
    return _step(params, grads, lambda name, w, g: ((1.0 + eta * lam) * w if is_weight(name) else w) - eta * g)
