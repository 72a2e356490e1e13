"""Perceptron references (notes 1.3.1; worked examples 2.2.1 and 2.2.2).

Conventions, as in the notes: the bias is the weight ``w[0]`` of an extra
input ``x0 = 1`` placed first, and the perceptron outputs ``+1`` when
``w . x > 0`` and ``-1`` when ``w . x <= 0`` (a net input of exactly 0 gives -1).
"""

from __future__ import annotations

import numpy as np


def augment(X: np.ndarray) -> np.ndarray:
    """Prepend the bias input ``x0 = 1`` to every pattern.

    Parameters
    ----------
    X : ndarray of shape (n, p)

    Returns
    -------
    ndarray of shape (n, p + 1), column 0 all ones
    """
    X = np.asarray(X, dtype=float)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def predict(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Perceptron outputs ``y = +1 if w . [1, x] > 0 else -1`` for each row of X.

    Parameters
    ----------
    w : ndarray of shape (p + 1,)
        weights, bias first (``w[0]`` multiplies ``x0 = 1``)
    X : ndarray of shape (n, p)
        patterns, one per row, without the bias input

    Returns
    -------
    ndarray of shape (n,) with entries -1 or +1 (int)
    """
    net = augment(X) @ np.asarray(w, dtype=float)
    return np.where(net > 0, 1, -1)
