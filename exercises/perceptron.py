"""Perceptrons (course notes 1.3.1, worked examples 2.2.1 and 2.2.2).

Conventions used by every function in this module:

- the bias is the weight ``w[0]`` of an extra input ``x0 = 1`` placed *first*:
  a pattern ``x = [x1, ..., xp]`` is augmented to ``[1, x1, ..., xp]``;
- the perceptron outputs ``+1`` when ``w . x > 0`` and ``-1`` when
  ``w . x <= 0`` -- a net input of exactly 0 gives -1;
- desired outputs ``d`` are -1 or +1.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check perceptron``).
"""

import numpy as np


def predict(w, X):
    """Return the perceptron's output for every pattern (row) of X.

    Parameters
    ----------
    w : ndarray of shape (p + 1,)
        the weights, bias first: ``w[0]`` multiplies the bias input ``x0 = 1``
    X : ndarray of shape (n, p)
        the patterns, one per row, *without* the bias input

    Returns
    -------
    ndarray of shape (n,)
        ``+1`` where ``w . [1, x] > 0`` and ``-1`` where ``w . [1, x] <= 0``
    """
    raise NotImplementedError
