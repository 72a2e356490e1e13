"""Known mistakes in the initialisation exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/initialisation.py`` name them with a hint.
"""

from __future__ import annotations

import math

import numpy as np

from reference.initialisation import scale


def _draw(s: float, fan_in, fan_out, form, rng, *, normal_std: float | None = None) -> np.ndarray:
    """The exercise's one call, with the bound or std ``s`` (and, if given, another std for the normal form)."""
    rng = np.random.default_rng(rng)
    shape = (int(fan_out), int(fan_in))
    if form == "normal":
        return rng.normal(0.0, s if normal_std is None else normal_std, size=shape)
    return rng.uniform(-s, s, size=shape)


def _swapped(scheme, fan_in, fan_out, form, rng):
    return _draw(scale(scheme, fan_out, fan_in, form), fan_in, fan_out, form, rng)


def _bound_as_std(scheme, fan_in, fan_out, form, rng):
    return _draw(scale(scheme, fan_in, fan_out, form), fan_in, fan_out, form, rng,
                 normal_std=scale(scheme, fan_in, fan_out, "uniform"))


def _all_equal(scheme, fan_in, fan_out, form, rng):
    one = _draw(scale(scheme, fan_in, fan_out, form), 1, 1, form, rng)[0, 0]
    return np.full((int(fan_out), int(fan_in)), one)


def _transposed(scheme, fan_in, fan_out, form, rng):
    return _draw(scale(scheme, fan_in, fan_out, form), fan_out, fan_in, form, rng).T


# -- he ------------------------------------------------------------------------------


def he_fan_out(fan_in, fan_out, form, rng):
    """Uses the number of units N (fan_out) where He uses the number of inputs M: variance 2 / N."""
    return _swapped("he", fan_in, fan_out, form, rng)


def he_bound_as_std(fan_in, fan_out, form, rng):
    """Draws the normal form with the uniform bound sqrt(6 / M) as its standard deviation (three times the variance)."""
    return _bound_as_std("he", fan_in, fan_out, form, rng)


def he_all_equal(fan_in, fan_out, form, rng):
    """Draws one weight and gives every weight its value: no symmetry breaking."""
    return _all_equal("he", fan_in, fan_out, form, rng)


def he_relu_gain_forgotten(fan_in, fan_out, form, rng):
    """Leaves out ReLU's gain sqrt(2): variance 1 / M (std 1 / sqrt(M), bound sqrt(3 / M))."""
    s = scale("he", fan_in, fan_out, form) / math.sqrt(2.0)
    return _draw(s, fan_in, fan_out, form, rng)


def he_transposed(fan_in, fan_out, form, rng):
    """Draws a (fan_in, fan_out) matrix and transposes it: the right distribution, not the right draws."""
    return _transposed("he", fan_in, fan_out, form, rng)


# -- xavier ------------------------------------------------------------------------------


def xavier_fan_out(fan_in, fan_out, form, rng):
    """Uses the number of units N (fan_out) where the notes' Xavier uses the number of inputs M."""
    return _swapped("xavier", fan_in, fan_out, form, rng)


def xavier_bound_as_std(fan_in, fan_out, form, rng):
    """Draws the normal form with the bound 1 / sqrt(M) as its standard deviation (three times the variance)."""
    return _bound_as_std("xavier", fan_in, fan_out, form, rng)


def xavier_all_equal(fan_in, fan_out, form, rng):
    """Draws one weight and gives every weight its value: no symmetry breaking."""
    return _all_equal("xavier", fan_in, fan_out, form, rng)


def xavier_torch_s_xavier(fan_in, fan_out, form, rng):
    """Uses torch's xavier_uniform_/xavier_normal_, which is the notes' NORMALISED Xavier, sqrt(6) / sqrt(N + M)."""
    return _draw(scale("normalised_xavier", fan_in, fan_out, form), fan_in, fan_out, form, rng)


# -- normalised_xavier ------------------------------------------------------------------------------


def normalised_xavier_notes_slip(fan_in, fan_out, form, rng):
    """Copies the notes' slip: bound 6 / sqrt(N + M) (and std 6 / sqrt(3 (N + M))), not sqrt(6) / sqrt(N + M)."""
    bound = 6.0 / math.sqrt(int(fan_in) + int(fan_out))
    return _draw(bound if form == "uniform" else bound / math.sqrt(3.0), fan_in, fan_out, form, rng)


def normalised_xavier_sum_of_roots(fan_in, fan_out, form, rng):
    """Reads the bound as sqrt(6) / (sqrt(N) + sqrt(M)) (and std that over sqrt(3))."""
    bound = math.sqrt(6.0) / (math.sqrt(int(fan_in)) + math.sqrt(int(fan_out)))
    return _draw(bound if form == "uniform" else bound / math.sqrt(3.0), fan_in, fan_out, form, rng)


def normalised_xavier_bound_as_std(fan_in, fan_out, form, rng):
    """Draws the normal form with the bound sqrt(6) / sqrt(N + M) as its standard deviation."""
    return _bound_as_std("normalised_xavier", fan_in, fan_out, form, rng)


def normalised_xavier_all_equal(fan_in, fan_out, form, rng):
    """Draws one weight and gives every weight its value: no symmetry breaking."""
    return _all_equal("normalised_xavier", fan_in, fan_out, form, rng)


def normalised_xavier_fan_in_only(fan_in, fan_out, form, rng):
    """Uses the plain Xavier bound 1 / sqrt(M), leaving the number of units N out."""
    return _draw(scale("xavier", fan_in, fan_out, form), fan_in, fan_out, form, rng)
