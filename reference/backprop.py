"""Backpropagation references (notes 1.3.3-1.3.5; worked example 2.2.5).

Notation, as in the notes (the reverse of Nielsen's book):

- ``W^l`` has shape ``(n_l, n_{l-1})``: row ``j`` holds the weights entering
  neuron ``j`` of layer ``l``;
- the weighted input is ``a^l = W^l z^{l-1} + b^l`` and the activation is
  ``z^l = sigma(a^l)``; ``z^1 = x`` is the input;
- a network is ``weights = [W^2, ..., W^L]`` and ``biases = [b^2, ..., b^L]``
  (so ``weights[0]`` is ``W^2``); a single example is a 1-D vector.

The four equations of backpropagation:

- BP1 ``delta^L = grad_z C (.) sigma'(a^L)``
- BP2 ``delta^l = ((W^{l+1})^T delta^{l+1}) (.) sigma'(a^l)``
- BP3 ``dC/db^l = delta^l``
- BP4 ``dC/dW^l = delta^l (z^{l-1})^T``

Costs of one example: quadratic ``C = 1/2 ||y - z^L||^2`` (``grad_z C = z^L - y``,
example 2.2.5); cross-entropy ``C = -sum_j [y_j ln z_j + (1 - y_j) ln(1 - z_j)]``,
for which ``delta^L = z^L - y``; softmax output with log-likelihood
``C = -ln z_y`` (``y`` the class index), for which ``delta^L = z^L - e_y``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

COSTS = ("quadratic", "cross-entropy")


def sigmoid(a: np.ndarray) -> np.ndarray:
    """The logistic function ``sigma(a) = 1 / (1 + exp(-a))``, elementwise.

    Computed as ``1 / (1 + e)`` for ``a >= 0`` and ``e / (1 + e)`` for
    ``a < 0`` with ``e = exp(-|a|) <= 1``, so nothing overflows: no NaN and no
    warning for any finite ``a`` (``sigma(800) = 1``, ``sigma(-800) = 0``).

    Parameters
    ----------
    a : ndarray of any shape

    Returns
    -------
    ndarray of the shape of ``a``, entries in [0, 1]
    """
    a = np.asarray(a, dtype=float)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(a: np.ndarray) -> np.ndarray:
    """The derivative ``sigma'(a) = sigma(a) (1 - sigma(a))``, elementwise.

    Parameters
    ----------
    a : ndarray of any shape
        weighted inputs (not activations)

    Returns
    -------
    ndarray of the shape of ``a``, entries in [0, 1/4]
    """
    s = sigmoid(a)
    return s * (1.0 - s)


def feedforward(
    weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], x: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weighted inputs and activations of every layer for one example.

    ``z^1 = x``; for ``l = 2, ..., L``: ``a^l = W^l z^{l-1} + b^l``, ``z^l = sigma(a^l)``.

    Parameters
    ----------
    weights : list of L - 1 ndarrays, ``weights[i]`` of shape (n_{i+2}, n_{i+1})
    biases : list of L - 1 ndarrays, ``biases[i]`` of shape (n_{i+2},)
    x : ndarray of shape (n_1,)

    Returns
    -------
    weighted_inputs : list ``[a^2, ..., a^L]`` of L - 1 ndarrays
    activations : list ``[z^1, ..., z^L]`` of L ndarrays (``z^1 = x``)
    """
    z = np.asarray(x, dtype=float)
    weighted_inputs: list[np.ndarray] = []
    activations: list[np.ndarray] = [z]
    for W, b in zip(weights, biases):
        a = np.asarray(W, dtype=float) @ z + np.asarray(b, dtype=float)
        z = sigmoid(a)
        weighted_inputs.append(a)
        activations.append(z)
    return weighted_inputs, activations


def output_error_quadratic(a_L: np.ndarray, y: np.ndarray) -> np.ndarray:
    """BP1 for the quadratic cost: ``delta^L = (z^L - y) (.) sigma'(a^L)``, ``z^L = sigma(a^L)``.

    ``grad_z C = z^L - y`` because ``d/dz_j 1/2 (y_j - z_j)^2 = z_j - y_j`` (example 2.2.5).

    Parameters
    ----------
    a_L : ndarray of shape (n_L,)
        weighted input of the output layer
    y : ndarray of shape (n_L,)
        desired output

    Returns
    -------
    ndarray of shape (n_L,)
    """
    a_L = np.asarray(a_L, dtype=float)
    return (sigmoid(a_L) - np.asarray(y, dtype=float)) * sigmoid_prime(a_L)


def output_error_cross_entropy(a_L: np.ndarray, y: np.ndarray) -> np.ndarray:
    """BP1 for the cross-entropy cost: ``delta^L = z^L - y``, ``z^L = sigma(a^L)``.

    ``grad_z C = (z - y) / (z (1 - z))`` and ``sigma'(a) = z (1 - z)`` cancel,
    so no ``sigma'`` is left (no slow learning, notes 1.3.5.1).

    Parameters
    ----------
    a_L : ndarray of shape (n_L,)
    y : ndarray of shape (n_L,), entries in [0, 1]

    Returns
    -------
    ndarray of shape (n_L,)
    """
    return sigmoid(a_L) - np.asarray(y, dtype=float)


def hidden_error(W_next: np.ndarray, delta_next: np.ndarray, a: np.ndarray) -> np.ndarray:
    """BP2: ``delta^l = ((W^{l+1})^T delta^{l+1}) (.) sigma'(a^l)``.

    Parameters
    ----------
    W_next : ndarray of shape (n_{l+1}, n_l)
        ``W^{l+1}``
    delta_next : ndarray of shape (n_{l+1},)
        ``delta^{l+1}``
    a : ndarray of shape (n_l,)
        ``a^l``, the weighted input of layer l

    Returns
    -------
    ndarray of shape (n_l,)
    """
    W_next = np.asarray(W_next, dtype=float)
    return (W_next.T @ np.asarray(delta_next, dtype=float)) * sigmoid_prime(a)


def gradients(delta: np.ndarray, z_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BP3 and BP4: ``dC/db^l = delta^l`` and ``dC/dW^l = delta^l (z^{l-1})^T``.

    Entry ``(j, k)`` of the weight gradient is ``delta_j^l z_k^{l-1}``.

    Parameters
    ----------
    delta : ndarray of shape (n_l,)
    z_prev : ndarray of shape (n_{l-1},)
        ``z^{l-1}``, the activation of the layer before

    Returns
    -------
    nabla_b : ndarray of shape (n_l,)
    nabla_W : ndarray of shape (n_l, n_{l-1}), the shape of ``W^l``
    """
    delta = np.asarray(delta, dtype=float)
    return delta.copy(), np.outer(delta, np.asarray(z_prev, dtype=float))


def _output_error(a_L: np.ndarray, y: np.ndarray, cost: str) -> np.ndarray:
    if cost == "quadratic":
        return output_error_quadratic(a_L, y)
    if cost == "cross-entropy":
        return output_error_cross_entropy(a_L, y)
    raise ValueError(f"cost should be one of {COSTS}, not {cost!r}")


def backprop(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    cost: str = "quadratic",
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Gradient of the cost of one example with respect to every bias and weight.

    Feedforward, BP1 at the output, BP2 backwards for ``l = L-1, ..., 2``,
    and BP3/BP4 in every layer (notes figure 3, step 1).

    Parameters
    ----------
    weights : list of L - 1 ndarrays, ``weights[i]`` of shape (n_{i+2}, n_{i+1})
    biases : list of L - 1 ndarrays, ``biases[i]`` of shape (n_{i+2},)
    x : ndarray of shape (n_1,)
    y : ndarray of shape (n_L,)
    cost : {"quadratic", "cross-entropy"}

    Returns
    -------
    nabla_b : list of L - 1 ndarrays, ``nabla_b[i]`` of the shape of ``biases[i]``
    nabla_W : list of L - 1 ndarrays, ``nabla_W[i]`` of the shape of ``weights[i]``
    """
    weighted_inputs, activations = feedforward(weights, biases, x)
    n_layers = len(weights)
    nabla_b: list[np.ndarray] = [np.empty(0)] * n_layers
    nabla_W: list[np.ndarray] = [np.empty(0)] * n_layers
    delta = _output_error(weighted_inputs[-1], y, cost)
    for i in reversed(range(n_layers)):
        if i < n_layers - 1:
            delta = hidden_error(weights[i + 1], delta, weighted_inputs[i])
        # activations[i] is z^{l-1} for the layer whose weights are weights[i].
        nabla_b[i], nabla_W[i] = gradients(delta, activations[i])
    return nabla_b, nabla_W


def sgd_step(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    eta: float,
    cost: str = "quadratic",
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """One mini-batch gradient-descent step (notes figure 3), as a loop over the examples.

    ``W^l <- W^l - (eta/m) sum_x delta^{x,l} (z^{x,l-1})^T`` and
    ``b^l <- b^l - (eta/m) sum_x delta^{x,l}``: a step of ``eta`` down the
    gradient of the mean cost over the batch. The inputs are not modified.

    Parameters
    ----------
    weights, biases : the network, as in :func:`backprop`
    X : ndarray of shape (m, n_1)
        the mini-batch, one example per row
    Y : ndarray of shape (m, n_L)
        desired outputs, one per row
    eta : float
        learning rate
    cost : {"quadratic", "cross-entropy"}

    Returns
    -------
    new_weights, new_biases : lists shaped like ``weights`` and ``biases``
    """
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    m = X.shape[0]
    sum_b = [np.zeros(np.shape(b)) for b in biases]
    sum_W = [np.zeros(np.shape(W)) for W in weights]
    for x, y in zip(X, Y):
        nabla_b, nabla_W = backprop(weights, biases, x, y, cost)
        for i in range(len(weights)):
            sum_b[i] += nabla_b[i]
            sum_W[i] += nabla_W[i]
    new_weights = [np.asarray(W, dtype=float) - (eta / m) * g for W, g in zip(weights, sum_W)]
    new_biases = [np.asarray(b, dtype=float) - (eta / m) * g for b, g in zip(biases, sum_b)]
    return new_weights, new_biases


def batch_gradients(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    cost: str = "quadratic",
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The batch sums ``sum_x delta^{x,l}`` and ``sum_x delta^{x,l} (z^{x,l-1})^T``, vectorised.

    The same equations as :func:`backprop` for all m examples at once, one
    example per row: ``A^l = Z^{l-1} (W^l)^T + b^l`` of shape (m, n_l),
    ``Delta^l = (Delta^{l+1} W^{l+1}) (.) sigma'(A^l)``, and the weight
    gradient sum is ``(Delta^l)^T Z^{l-1}``, of shape (n_l, n_{l-1}).

    Parameters
    ----------
    weights, biases : the network, as in :func:`backprop`
    X : ndarray of shape (m, n_1)
    Y : ndarray of shape (m, n_L)
    cost : {"quadratic", "cross-entropy"}

    Returns
    -------
    sum_b : list of L - 1 ndarrays shaped like ``biases``
    sum_W : list of L - 1 ndarrays shaped like ``weights``
    """
    Z = np.asarray(X, dtype=float)
    A_list: list[np.ndarray] = []
    Z_list: list[np.ndarray] = [Z]
    for W, b in zip(weights, biases):
        A = Z @ np.asarray(W, dtype=float).T + np.asarray(b, dtype=float)
        Z = sigmoid(A)
        A_list.append(A)
        Z_list.append(Z)
    Delta = _output_error(A_list[-1], Y, cost)
    n_layers = len(weights)
    sum_b: list[np.ndarray] = [np.empty(0)] * n_layers
    sum_W: list[np.ndarray] = [np.empty(0)] * n_layers
    for i in reversed(range(n_layers)):
        if i < n_layers - 1:
            Delta = (Delta @ np.asarray(weights[i + 1], dtype=float)) * sigmoid_prime(A_list[i])
        sum_b[i] = Delta.sum(axis=0)
        sum_W[i] = Delta.T @ Z_list[i]
    return sum_b, sum_W


def softmax(a: np.ndarray) -> np.ndarray:
    """``softmax(a)_j = exp(a_j) / sum_k exp(a_k)``, computed with ``a - max(a)``.

    Subtracting the maximum changes nothing mathematically (numerator and
    denominator share the factor ``exp(-max a)``) but keeps ``exp`` from
    overflowing on large logits.

    Parameters
    ----------
    a : ndarray of shape (n,)

    Returns
    -------
    ndarray of shape (n,), positive entries summing to 1
    """
    a = np.asarray(a, dtype=float)
    e = np.exp(a - a.max())
    return e / e.sum()


def softmax_output_error(a_L: np.ndarray, y: int) -> np.ndarray:
    """Softmax output with the log-likelihood cost ``C = -ln z_y``: ``delta^L = z^L - e_y``.

    ``z^L = softmax(a^L)`` and ``e_y`` is the one-hot vector of the class index ``y``.

    Parameters
    ----------
    a_L : ndarray of shape (n_L,)
        weighted inputs (logits) of the output layer
    y : int
        index of the correct class, ``0 <= y < n_L``

    Returns
    -------
    ndarray of shape (n_L,)
    """
    delta = softmax(a_L)
    delta[int(y)] -= 1.0
    return delta
