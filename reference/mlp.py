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
