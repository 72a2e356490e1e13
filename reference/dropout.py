"""Dropout in NumPy: inverted dropout from given uniforms, both conventions at training and at test time,
and dropout drawn from a seeded generator (course notes 1.5.1.7; slides: dropout).

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters, float64 throughout. Conventions
(torch's ``nn.Dropout``; the slides' other convention is one of the
exercises):

- ``p`` is the probability that a unit is DROPPED (torch's ``p``); the keep
  probability is ``1 - p``;
- from uniforms ``U`` in [0, 1) of X's shape, a unit is dropped where
  ``u < p`` and kept where ``u >= p``: one mask entry per entry of X, so
  every example (row) has a mask of its own;
- inverted dropout (torch's, and frameworks'): kept units are divided by
  ``1 - p`` in training and nothing is done at test time; the slides'
  convention keeps units as they are in training and multiplies every
  output by the keep probability ``1 - p`` at test time (the slides write
  "multiplied by p", with p the drop probability: a slip). Either way the
  test-time output is the expected training output.
"""

from __future__ import annotations

import numpy as np


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def keep_mask(U, p) -> np.ndarray:
    """Where units are kept: ``u >= p`` (a unit is dropped with probability p when u is uniform on [0, 1))."""
    return _floats(U) >= p


def inverted_dropout(X, U, p) -> np.ndarray:
    """Inverted dropout in training: ``Y = X * m / (1 - p)`` with the mask ``m = [U >= p]``.

    Parameters
    ----------
    X : ndarray of shape (n, k), a batch of n examples of k units
    U : ndarray of shape (n, k), uniforms in [0, 1), one per unit of every example
    p : float in [0, 1), the probability of dropping a unit

    Returns
    -------
    ndarray of shape (n, k)
    """
    return _floats(X) * keep_mask(U, p) / (1.0 - p)


def dropout_layer(X, U, p, training, inverted) -> np.ndarray:
    """A dropout layer in either convention, in training or at test time.

    - inverted, training: ``X * m / (1 - p)``; inverted, test: ``X``;
    - the slides', training: ``X * m``; the slides', test: ``(1 - p) X``;

    with ``m = [U >= p]``; U is not used at test time (nothing is dropped).

    Parameters
    ----------
    X, U : ndarray of shape (n, k)
    p : float in [0, 1), the drop probability
    training : bool, training (True) or test time (False)
    inverted : bool, inverted dropout (True) or the slides' convention (False)

    Returns
    -------
    ndarray of shape (n, k)
    """
    X = _floats(X)
    if training:
        kept = X * keep_mask(U, p)
        return kept / (1.0 - p) if inverted else kept
    return X.copy() if inverted else (1.0 - p) * X


def sample_dropout(X, p, seed) -> np.ndarray:
    """Inverted dropout with a mask drawn from ``np.random.default_rng(seed)``: ``X * [u >= p] / (1 - p)``.

    Any way of drawing that keeps each entry independently with probability ``1 - p`` is right;
    this one draws ``rng.random(X.shape)``.

    Parameters
    ----------
    X : ndarray of shape (n, k)
    p : float in (0, 1), the drop probability
    seed : int, the generator's seed

    Returns
    -------
    ndarray of shape (n, k)
    """
    rng = np.random.default_rng(seed)
    return inverted_dropout(X, rng.random(np.shape(X)), p)
