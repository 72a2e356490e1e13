"""Known mistakes in the dropout exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/dropout.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np

from reference.dropout import dropout_layer, keep_mask


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


# -- inverted_dropout -----------------------------------------------------------------------------


def inverted_dropout_p_kept(X, U, p):
    """Uses p as the keep probability: keeps where u < p and divides by p."""
    return _floats(X) * (_floats(U) < p) / p


def inverted_dropout_no_scaling(X, U, p):
    """Drops units without dividing the kept ones by 1 - p."""
    return _floats(X) * keep_mask(U, p)


def inverted_dropout_multiplied(X, U, p):
    """Multiplies the kept units by the keep probability 1 - p instead of dividing by it."""
    return _floats(X) * keep_mask(U, p) * (1.0 - p)


def inverted_dropout_same_mask(X, U, p):
    """Draws one mask from the first row of U and uses it for every example."""
    return _floats(X) * keep_mask(_floats(U)[0], p) / (1.0 - p)


# -- dropout_layer --------------------------------------------------------------------------------


def dropout_layer_scaled_twice(X, U, p, training, inverted):
    """Scales in training (divides by 1 - p) and at test time (multiplies by 1 - p), whatever the convention."""
    X = _floats(X)
    return X * keep_mask(U, p) / (1.0 - p) if training else (1.0 - p) * X


def dropout_layer_p_kept(X, U, p, training, inverted):
    """Uses p as the keep probability: keeps where u < p, divides by p, multiplies by p at test time (the slides' slip)."""
    X = _floats(X)
    if training:
        kept = X * (_floats(U) < p)
        return kept / p if inverted else kept
    return X.copy() if inverted else p * X


def dropout_layer_no_scaling(X, U, p, training, inverted):
    """Never scales: X * m in training and X at test time, in both conventions."""
    X = _floats(X)
    return X * keep_mask(U, p) if training else X.copy()


def dropout_layer_same_mask(X, U, p, training, inverted):
    """Uses the first row's mask for every example in training."""
    U = _floats(U)
    return dropout_layer(X, np.broadcast_to(U[0], U.shape), p, training, inverted)


def dropout_layer_conventions_swapped(X, U, p, training, inverted):
    """Reads the inverted flag the wrong way round."""
    return dropout_layer(X, U, p, training, not inverted)


# -- sample_dropout -------------------------------------------------------------------------------


def sample_dropout_p_kept(X, p, seed):
    """Keeps each unit with probability p and divides by p."""
    X = _floats(X)
    rng = np.random.default_rng(seed)
    return X * (rng.random(X.shape) < p) / p


def sample_dropout_keep_rate_p(X, p, seed):
    """Keeps each unit with probability p, though it divides by 1 - p."""
    X = _floats(X)
    rng = np.random.default_rng(seed)
    return X * (rng.random(X.shape) < p) / (1.0 - p)


def sample_dropout_no_scaling(X, p, seed):
    """Drops units with probability p without dividing the kept ones by 1 - p."""
    X = _floats(X)
    rng = np.random.default_rng(seed)
    return X * (rng.random(X.shape) >= p)


def sample_dropout_multiplied(X, p, seed):
    """Multiplies the kept units by 1 - p instead of dividing by it."""
    X = _floats(X)
    rng = np.random.default_rng(seed)
    return X * (rng.random(X.shape) >= p) * (1.0 - p)


def sample_dropout_same_mask(X, p, seed):
    """Draws one row's mask and uses it for every example."""
    X = _floats(X)
    rng = np.random.default_rng(seed)
    return X * (rng.random(X.shape[1]) >= p) / (1.0 - p)


def sample_dropout_seed_ignored(X, p, seed):
    """Draws from a generator that is not seeded with seed, so the same call gives another mask each time."""
    X = _floats(X)
    rng = np.random.default_rng()
    return X * (rng.random(X.shape) >= p) / (1.0 - p)
