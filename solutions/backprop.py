"""Backpropagation (course notes 1.3.3-1.3.5, worked example 2.2.5).

Conventions used by every function in this module -- they follow the course
notes, which are the *reverse* of Nielsen's book (there ``a`` is the
activation; here it is the weighted input):

- layers are numbered ``1, ..., L``; layer 1 is the input, ``z^1 = x``;
- ``W^l`` has shape ``(n_l, n_{l-1})``: row ``j`` holds the weights into
  neuron ``j`` of layer ``l``;
- the **weighted input** of layer ``l`` is ``a^l = W^l z^{l-1} + b^l`` and its
  **activation** is ``z^l = sigma(a^l)``, with the sigmoid
  ``sigma(a) = 1 / (1 + exp(-a))`` in every layer, the output layer included;
- a network is two lists, ``weights = [W^2, ..., W^L]`` (2-D arrays) and
  ``biases = [b^2, ..., b^L]`` (1-D arrays); so ``weights[0]`` is ``W^2``;
- a single example ``x`` and its desired output ``y`` are 1-D vectors; a
  mini-batch ``X`` has one example per row, shape ``(m, n_1)``, and ``Y`` has
  shape ``(m, n_L)``;
- the error of layer ``l`` is ``delta^l = dC/da^l`` and the four equations are

  - BP1 ``delta^L = grad_z C (.) sigma'(a^L)``
  - BP2 ``delta^l = ((W^{l+1})^T delta^{l+1}) (.) sigma'(a^l)``
  - BP3 ``dC/db^l = delta^l``
  - BP4 ``dC/dW^l = delta^l (z^{l-1})^T``  (an outer product, the shape of ``W^l``)

  where ``(.)`` is the elementwise (Hadamard) product;
- costs of one example: quadratic ``C = 1/2 ||y - z^L||^2``, so
  ``grad_z C = z^L - y`` (example 2.2.5); cross-entropy
  ``C = -sum_j [y_j ln z_j^L + (1 - y_j) ln(1 - z_j^L)]``; with a softmax output
  layer, the log-likelihood ``C = -ln z_y^L`` where ``y`` is the index of the
  correct class;
- functions never modify their inputs. They return NumPy arrays (lists and
  torch tensors are accepted too), float64, or float32 compared with float32
  tolerances (relative 1e-4, absolute 1e-6).
"""

import numpy as np


def sigmoid(a):
    """Return the sigmoid ``sigma(a) = 1 / (1 + exp(-a))`` of every entry of ``a``.

    Time budget: 2 s of CPU per call (the course default).

    Parameters
    ----------
    a : ndarray of any shape
        weighted inputs

    Returns
    -------
    ndarray of the shape of ``a``, entries in [0, 1]

    It must not return NaN, nor warn about an overflow, for very large ``|a|``
    (``sigmoid(800)`` is 1 and ``sigmoid(-800)`` is 0): ``exp`` of a large
    positive number is ``inf``.
    """
    a = np.asarray(a, dtype=float)
    # exp(-|a|) is at most 1, so it never overflows; the two branches are the
    # same function written for a >= 0 and for a < 0.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(a):
    """Return the derivative ``sigma'(a) = sigma(a) (1 - sigma(a))`` of every entry of ``a``.

    Time budget: 2 s of CPU per call (the course default).

    Parameters
    ----------
    a : ndarray of any shape
        weighted inputs (not activations)

    Returns
    -------
    ndarray of the shape of ``a``

    Like ``sigmoid``, it must give finite values (0) for very large ``|a|``.
    """
    s = sigmoid(a)
    return s * (1 - s)


def feedforward(weights, biases, x):
    """Return the weighted inputs and the activations of every layer for one example.

    Time budget: 2 s of CPU per call (the course default).

    ``z^1 = x``; for ``l = 2, ..., L``: ``a^l = W^l z^{l-1} + b^l`` and ``z^l = sigma(a^l)``.

    Parameters
    ----------
    weights : list of L - 1 ndarrays
        ``weights[i]`` is ``W^{i+2}``, of shape ``(n_{i+2}, n_{i+1})``
    biases : list of L - 1 ndarrays
        ``biases[i]`` is ``b^{i+2}``, of shape ``(n_{i+2},)``
    x : ndarray of shape (n_1,)
        the input

    Returns
    -------
    tuple ``(weighted_inputs, activations)``
        ``weighted_inputs = [a^2, ..., a^L]`` (a list of L - 1 vectors) and
        ``activations = [z^1, z^2, ..., z^L]`` (a list of L vectors, starting with ``z^1 = x``)
    """
    z = np.asarray(x, dtype=float)
    weighted_inputs, activations = [], [z]
    for W, b in zip(weights, biases):
        a = W @ z + b
        z = sigmoid(a)
        weighted_inputs.append(a)
        activations.append(z)
    return weighted_inputs, activations


def output_error_quadratic(a_L, y):
    """Return the output error ``delta^L`` (BP1) for the quadratic cost ``C = 1/2 ||y - z^L||^2``.

    Time budget: 2 s of CPU per call (the course default).

    ``delta^L = grad_z C (.) sigma'(a^L)`` with ``grad_z C = z^L - y`` and ``z^L = sigma(a^L)``.

    Parameters
    ----------
    a_L : ndarray of shape (n_L,)
        the weighted input ``a^L`` of the output layer (not its activation)
    y : ndarray of shape (n_L,)
        the desired output

    Returns
    -------
    ndarray of shape (n_L,)
    """
    return (sigmoid(a_L) - y) * sigmoid_prime(a_L)


def output_error_cross_entropy(a_L, y):
    """Return the output error ``delta^L`` for the cross-entropy cost.

    Time budget: 2 s of CPU per call (the course default).

    ``C = -sum_j [y_j ln z_j + (1 - y_j) ln(1 - z_j)]`` with ``z = sigma(a^L)``;
    work out ``delta^L = grad_z C (.) sigma'(a^L)`` and simplify it.

    Parameters
    ----------
    a_L : ndarray of shape (n_L,)
        the weighted input ``a^L`` of the output layer
    y : ndarray of shape (n_L,)
        the desired output, entries in [0, 1]

    Returns
    -------
    ndarray of shape (n_L,)
    """
    # grad_z C = (z - y) / (z (1 - z)) and sigma'(a) = z (1 - z) cancel.
    return sigmoid(a_L) - y


def hidden_error(W_next, delta_next, a):
    """Return the error ``delta^l`` of a hidden layer (BP2).

    Time budget: 2 s of CPU per call (the course default).

    ``delta^l = ((W^{l+1})^T delta^{l+1}) (.) sigma'(a^l)``.

    Parameters
    ----------
    W_next : ndarray of shape (n_{l+1}, n_l)
        ``W^{l+1}``, the weights from layer l to layer l + 1
    delta_next : ndarray of shape (n_{l+1},)
        ``delta^{l+1}``, the error of layer l + 1
    a : ndarray of shape (n_l,)
        ``a^l``, the weighted input of layer l

    Returns
    -------
    ndarray of shape (n_l,)
    """
    return (W_next.T @ delta_next) * sigmoid_prime(a)


def gradients(delta, z_prev):
    """Return the gradients of a layer's biases and weights (BP3 and BP4).

    Time budget: 2 s of CPU per call (the course default).

    ``dC/db^l = delta^l`` and ``dC/dW^l = delta^l (z^{l-1})^T``, whose entry
    ``(j, k)`` is ``delta_j^l z_k^{l-1}``.

    Parameters
    ----------
    delta : ndarray of shape (n_l,)
        ``delta^l``, the error of layer l
    z_prev : ndarray of shape (n_{l-1},)
        ``z^{l-1}``, the activation of the layer before

    Returns
    -------
    tuple ``(nabla_b, nabla_W)``
        ``nabla_b`` of shape ``(n_l,)`` and ``nabla_W`` of shape
        ``(n_l, n_{l-1})``, the shape of ``W^l``
    """
    return delta.copy(), np.outer(delta, z_prev)


def backprop(weights, biases, x, y, cost="quadratic"):
    """Return the gradient of the cost of one example with respect to every bias and weight.

    Time budget: 2 s of CPU per call (the course default).

    Feedforward, the output error (BP1), the errors of the hidden layers
    backwards (BP2), and the gradients of every layer (BP3, BP4): step 1 of
    the algorithm in the notes' figure 3.

    Parameters
    ----------
    weights : list of L - 1 ndarrays
        ``weights[i]`` is ``W^{i+2}``, of shape ``(n_{i+2}, n_{i+1})``
    biases : list of L - 1 ndarrays
        ``biases[i]`` is ``b^{i+2}``, of shape ``(n_{i+2},)``
    x : ndarray of shape (n_1,)
        the input
    y : ndarray of shape (n_L,)
        the desired output
    cost : {"quadratic", "cross-entropy"}
        the cost whose gradient is wanted (sigmoid output layer in both cases);
        any other value raises ValueError

    Returns
    -------
    tuple ``(nabla_b, nabla_W)``
        lists of L - 1 arrays: ``nabla_b[i]`` is ``dC/db^{i+2}``, shaped like
        ``biases[i]``, and ``nabla_W[i]`` is ``dC/dW^{i+2}``, shaped like ``weights[i]``
    """
    if cost == "quadratic":
        output_error = output_error_quadratic
    elif cost == "cross-entropy":
        output_error = output_error_cross_entropy
    else:
        raise ValueError(f"unknown cost {cost!r}: use 'quadratic' or 'cross-entropy'")
    weighted_inputs, activations = feedforward(weights, biases, x)
    nabla_b = [None] * len(weights)
    nabla_W = [None] * len(weights)
    delta = output_error(weighted_inputs[-1], y)
    for i in range(len(weights) - 1, -1, -1):
        if i < len(weights) - 1:
            delta = hidden_error(weights[i + 1], delta, weighted_inputs[i])
        # weights[i] multiplies activations[i], so that is z^{l-1} in BP4.
        nabla_b[i], nabla_W[i] = gradients(delta, activations[i])
    return nabla_b, nabla_W


def sgd_step(weights, biases, X, Y, eta, cost="quadratic"):
    """Return the network after one step of mini-batch gradient descent (notes figure 3, step 2).

    Time budget: 2 s of CPU per call (the course default).

    ``W^l <- W^l - (eta / m) sum_x delta^{x,l} (z^{x,l-1})^T`` and
    ``b^l <- b^l - (eta / m) sum_x delta^{x,l}``, where every example's
    gradient is computed with the weights as they are *before* the step.

    Parameters
    ----------
    weights, biases : lists of ndarrays
        the network, as in ``backprop``
    X : ndarray of shape (m, n_1)
        the mini-batch, one example per row
    Y : ndarray of shape (m, n_L)
        the desired outputs, one per row
    eta : float
        the learning rate
    cost : {"quadratic", "cross-entropy"}

    Returns
    -------
    tuple ``(new_weights, new_biases)``
        new lists shaped like ``weights`` and ``biases``; the inputs are not modified
    """
    m = len(X)
    sum_b = [np.zeros_like(b, dtype=float) for b in biases]
    sum_W = [np.zeros_like(W, dtype=float) for W in weights]
    for x, y in zip(X, Y):
        nabla_b, nabla_W = backprop(weights, biases, x, y, cost)
        for i in range(len(weights)):
            sum_b[i] += nabla_b[i]
            sum_W[i] += nabla_W[i]
    new_weights = [W - eta / m * g for W, g in zip(weights, sum_W)]
    new_biases = [b - eta / m * g for b, g in zip(biases, sum_b)]
    return new_weights, new_biases


def softmax_output_error(a_L, y):
    """Return the output error ``delta^L`` of a softmax output layer with the log-likelihood cost.

    Time budget: 2 s of CPU per call (the course default).

    ``z_j = exp(a_j) / sum_k exp(a_k)``, ``C = -ln z_y``, and
    ``delta^L = dC/da^L = z^L - e_y`` where ``e_y`` is the one-hot vector of ``y``.

    Parameters
    ----------
    a_L : ndarray of shape (n_L,)
        the weighted inputs (logits) of the output layer
    y : int
        the index of the correct class, ``0 <= y < n_L``

    Returns
    -------
    ndarray of shape (n_L,)

    It must stay finite for very large logits (``a_L`` near 800, where
    ``exp`` overflows).
    """
    # softmax(a) = softmax(a - max(a)): exp never sees a number above 0.
    e = np.exp(a_L - np.max(a_L))
    delta = e / e.sum()
    delta[y] -= 1
    return delta
