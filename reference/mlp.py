"""NumPy references of the sigmoid network module and its gradient-descent step.

:class:`SigmoidMLP` follows the NumPy protocol of :mod:`grader.object_scripts`
(``state_dict``, ``load_state_dict``, ``forward``, ``backward``) with the
parameter names of the torch module; its backward pass is the four
equations of backpropagation for a batch, written out. :func:`sgd_step`
takes the grader's NumPy network and steps it with
:func:`reference.backprop.sgd_step`, so the torch exercise is checked
against the NumPy backpropagation exercise's own reference. Everything is
float64.
"""

from __future__ import annotations

import numpy as np

from reference import backprop


def _sigmoid(a: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class SigmoidMLP:
    def __init__(self, sizes):
        self.weights = [np.zeros((n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(n_out) for n_out in sizes[1:]]
        self.training = True

    def state_dict(self) -> dict[str, np.ndarray]:
        state = {}
        for index, (W, b) in enumerate(zip(self.weights, self.biases)):
            state[f"layers.{index}.weight"], state[f"layers.{index}.bias"] = W, b
        return state

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        for index in range(len(self.weights)):
            self.weights[index] = np.asarray(state[f"layers.{index}.weight"], dtype=float)
            self.biases[index] = np.asarray(state[f"layers.{index}.bias"], dtype=float)

    def _weighted_inputs(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """``[A^2, ..., A^L]`` and ``[Z^1, ..., Z^L]`` for a batch, one example per row."""
        A, Z = [], [np.asarray(X, dtype=float)]
        for W, b in zip(self.weights, self.biases):
            A.append(Z[-1] @ W.T + b)
            Z.append(_sigmoid(A[-1]))
        return A, Z

    def forward(self, X):
        self.A, self.Z = self._weighted_inputs(X)
        return self.Z[-1]

    def probabilities(self, X):
        A, _ = self._weighted_inputs(X)
        shifted = A[-1] - A[-1].max(axis=1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=1, keepdims=True)

    def backward(self, upstream):
        """BP1 to BP4 for the batch, with ``upstream`` = dLoss/dz^L (one row per example)."""
        grads = {}
        delta = upstream * self.Z[-1] * (1.0 - self.Z[-1])
        for index in range(len(self.weights) - 1, -1, -1):
            grads[f"layers.{index}.weight"] = delta.T @ self.Z[index]
            grads[f"layers.{index}.bias"] = delta.sum(axis=0)
            below = delta @ self.weights[index]
            if index > 0:
                delta = below * self.Z[index] * (1.0 - self.Z[index])
        return (below,), dict(sorted(grads.items()))


def sgd_step(model, X, Y, eta):
    """One step of :func:`reference.backprop.sgd_step` on the grader's NumPy network; the cost before the step."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    Z = X
    for W, b in zip(model.weights, model.biases):
        Z = _sigmoid(Z @ W.T + b)
    cost = float(((Y - Z) ** 2).sum() / (2 * X.shape[0]))
    model.weights, model.biases = backprop.sgd_step(model.weights, model.biases, X, Y, float(eta))
    return cost


# -- training a classifier ---------------------------------------------------------------------


def _softmax(A: np.ndarray) -> np.ndarray:
    e = np.exp(A - A.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def train(model, X, y, epochs, eta, seed):
    """The exercise's procedure on the grader's NumPy network (ReLU or sigmoid hidden layers, logits out).

    Backpropagation by hand for the mean cross-entropy of each mini-batch:
    the output error is ``(softmax(a^L) - onehot(y)) / m_batch``. Dropout,
    where the network has it, is inverted dropout drawn from NumPy's
    generator (torch's draws cannot be reproduced here; the checks compare
    step by step only networks without dropout).
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=int)
    rng = np.random.default_rng([seed, 2**31])
    costs = []
    for epoch in range(epochs):
        order = np.random.default_rng([seed, epoch]).permutation(len(X))
        batch_costs = []
        for start in range(0, len(X), 32):
            batch = order[start : start + 32]
            inputs, weighted, masks = [X[batch]], [], []
            for index, (W, b) in enumerate(zip(model.weights, model.biases)):
                A = inputs[-1] @ W.T + b
                weighted.append(A)
                if index < len(model.weights) - 1:
                    keep = (rng.uniform(size=A.shape) >= model.dropout) / (1.0 - model.dropout)
                    masks.append(keep)
                    inputs.append(model.act(A) * keep)
            P = _softmax(weighted[-1])
            m = len(batch)
            batch_costs.append(float(-np.log(P[np.arange(m), y[batch]]).mean()))
            delta = P.copy()
            delta[np.arange(m), y[batch]] -= 1.0
            delta /= m
            new_weights, new_biases = list(model.weights), list(model.biases)
            for index in range(len(model.weights) - 1, -1, -1):
                new_weights[index] = model.weights[index] - eta * delta.T @ inputs[index]
                new_biases[index] = model.biases[index] - eta * delta.sum(axis=0)
                if index > 0:
                    A = weighted[index - 1]
                    if model.activation == "relu":
                        derivative = (A > 0).astype(float)
                    else:
                        derivative = model.act(A) * (1.0 - model.act(A))
                    delta = (delta @ model.weights[index]) * masks[index - 1] * derivative
            model.weights, model.biases = new_weights, new_biases
        costs.append(sum(batch_costs) / len(batch_costs))
    return costs


def predict_labels(model, X):
    """The index of the largest output of the network in evaluation mode."""
    return model.forward(X).argmax(axis=1)


# -- weights handed in ---------------------------------------------------------------------------

class _DigitsNetwork:
    """64 pixels, 32 ReLU units, 10 logits, in the attributes :func:`train` uses (the grader's network's)."""

    activation, dropout, logits = "relu", 0.0, True

    def __init__(self, rng: np.random.Generator) -> None:
        self.weights, self.biases = [], []
        for n_in, n_out in ((64, 32), (32, 10)):
            bound = 1.0 / np.sqrt(n_in)
            self.weights.append(rng.uniform(-bound, bound, size=(n_out, n_in)))
            self.biases.append(rng.uniform(-bound, bound, size=n_out))

    def act(self, A: np.ndarray) -> np.ndarray:
        return np.maximum(A, 0.0)


def digits_weights():
    """The weights a correct student hands in: the network trained on the first 1200 digits, as arrays by name."""
    from sklearn.datasets import load_digits

    data = load_digits()
    model = _DigitsNetwork(np.random.default_rng(1200))
    train(model, data.data[:1200] / 16.0, data.target[:1200], 20, 0.2, 1200)
    return {
        name: value
        for index, (W, b) in enumerate(zip(model.weights, model.biases))
        for name, value in ((f"layers.{index}.weight", W), (f"layers.{index}.bias", b))
    }
