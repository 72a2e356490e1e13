"""Known mistakes in the linear-map exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/linear_algebra.py`` name them with a hint.
"""

from __future__ import annotations

import itertools

import numpy as np

from reference.linear_algebra import determinant, dimensions_lost, images

# -- determinant ------------------------------------------------------------------------------


def determinant_plus_sign(A):
    """Adds the products instead of subtracting them: ``a_1 a_4 + a_2 a_3`` (every term of the expansion with a plus)."""
    A = np.asarray(A, dtype=float)
    n = A.shape[0]
    return float(sum(np.prod([A[i, p[i]] for i in range(n)]) for p in itertools.permutations(range(n))))


def determinant_sign_flipped(A):
    """Returns ``a_2 a_3 - a_1 a_4``, the determinant with its sign flipped."""
    return -determinant(A)


def determinant_diagonal_product(A):
    """Returns the product of the diagonal entries, as if A were triangular."""
    return float(np.prod(np.diag(np.asarray(A, dtype=float))))


# -- images -----------------------------------------------------------------------------------


def images_rows_of_a(A, V):
    """Multiplies each vector from the left, ``v^T A``: combines A's rows where its columns are wanted."""
    return np.asarray(V, dtype=float) @ np.asarray(A, dtype=float)


def images_as_columns(A, V):
    """Returns ``A @ V.T``: the images as the COLUMNS of the answer, shape (n, k), instead of its rows."""
    return np.asarray(A, dtype=float) @ np.asarray(V, dtype=float).T


def images_summed_over_rows(A, V):
    """Multiplies A by v entrywise and sums down the columns (axis 0) instead of along the rows."""
    A = np.asarray(A, dtype=float)
    return np.stack([(A * v).sum(axis=0) for v in np.asarray(V, dtype=float)])


# -- dimensions_lost --------------------------------------------------------------------------


def _singular_values(A):
    A = np.asarray(A, dtype=float)
    return A, (np.linalg.svd(A, compute_uv=False) if A.size else np.zeros(0))


def dimensions_lost_exact_zero(A):
    """Counts only singular values that are exactly 0.0: rounding leaves a lost dimension's about 1e-16, not 0."""
    A, s = _singular_values(A)
    return int(A.shape[1] - np.sum(s != 0.0))


def dimensions_lost_absolute_tolerance(A):
    """Counts singular values above an absolute 1e-10 instead of one relative to the largest."""
    A, s = _singular_values(A)
    return int(A.shape[1] - np.sum(s > 1e-10))


def dimensions_lost_default_matrix_rank(A):
    """Uses np.linalg.matrix_rank's default tolerance (about 1e-15 relative) instead of 1e-5 relative."""
    A = np.asarray(A, dtype=float)
    return int(A.shape[1] - np.linalg.matrix_rank(A))


def dimensions_lost_rank(A):
    """Returns the rank itself instead of the dimensions lost, n - rank."""
    A = np.asarray(A, dtype=float)
    return int(A.shape[1] - dimensions_lost(A))


def dimensions_lost_rows(A):
    """Counts m - rank (the rows, the output's dimension) instead of n - rank (the input's)."""
    A = np.asarray(A, dtype=float)
    return int(A.shape[0] - (A.shape[1] - dimensions_lost(A)))
