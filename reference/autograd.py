"""NumPy references of the custom autograd Functions (the checks' expected values).

Each class follows the NumPy protocol of :mod:`grader.object_scripts`:
``forward(*inputs)`` computes the output and keeps what the gradient needs,
``backward(upstream)`` returns the gradients of the last forward's inputs (a
tuple, ``None`` for an input that needs none) and of its parameters (none
here). Everything is float64.
"""

from __future__ import annotations

import numpy as np


def sigmoid(a: np.ndarray) -> np.ndarray:
    """sigma(a) without overflow: exp is only ever taken of a non-positive number."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Sigmoid:
    def forward(self, a):
        self.s = sigmoid(np.asarray(a, dtype=float))
        return self.s

    def backward(self, upstream):
        return (upstream * self.s * (1.0 - self.s),), {}


class SoftmaxCrossEntropy:
    def forward(self, logits, targets):
        logits, targets = np.asarray(logits, dtype=float), np.asarray(targets, dtype=float)
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.p, self.targets = np.exp(log_p), targets
        return np.array(-(targets * log_p).sum() / logits.shape[0])

    def backward(self, upstream):
        m = self.p.shape[0]
        return (upstream * (self.p - self.targets) / m, None), {}
