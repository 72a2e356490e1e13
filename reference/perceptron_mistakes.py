"""Known mistakes in the perceptron exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/perceptron.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np

from reference.perceptron import augment


def predict_np_sign(w, X):
    """np.sign maps a net input of 0 to 0 instead of -1."""
    return np.sign(augment(X) @ np.asarray(w, dtype=float))


def predict_tie_positive(w, X):
    """A net input of 0 gives +1 (``>= 0`` instead of ``> 0``)."""
    return np.where(augment(X) @ np.asarray(w, dtype=float) >= 0, 1, -1)


def predict_bias_last(w, X):
    """The bias is taken from ``w[-1]`` instead of ``w[0]``."""
    w = np.asarray(w, dtype=float)
    net = np.asarray(X, dtype=float) @ w[:-1] + w[-1]
    return np.where(net > 0, 1, -1)


def predict_zero_one(w, X):
    """Outputs 0/1 (the step of the NAND circuits) instead of -1/+1."""
    return np.where(augment(X) @ np.asarray(w, dtype=float) > 0, 1, 0)
