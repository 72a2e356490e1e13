"""Linear maps in NumPy: the determinant, the images of vectors under a map, and the dimensions a map loses
(course notes 1.2.1.2 and 1.2.1.3; worked example 2.1.1).

The grader compares every student answer with these functions. Conventions
(the notes', and the checks hold students to them):

- a matrix A acts on a column vector v as ``A v``: the image of the j-th
  basis vector e_j is A's j-th COLUMN (worked example 2.1.1: for
  ``A = [[2, 4], [1, 2]]``, ``A e_1 = [2, 1]`` and ``A e_2 = [4, 2]``);
- the determinant of a 2 x 2 matrix ``[[a_1, a_2], [a_3, a_4]]`` is
  ``a_1 a_4 - a_2 a_3`` (notes 1.2.1.2), and of an n x n matrix the signed
  sum over permutations (what Gaussian elimination computes);
- A of shape (m, n) maps R^n to R^m; it loses ``n - rank(A)`` dimensions.
  The rank counts the singular values above ``RANK_TOLERANCE`` times the
  largest (a tolerance relative to the matrix's scale); a matrix of whole
  numbers has its rank decided exactly, by elimination in rational
  arithmetic, and the checks use only matrices on which the two agree.

The determinant is computed exactly, in rational arithmetic, from the float
entries (every float is a fraction), and rounded to a float at the end.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

RANK_TOLERANCE = 1e-5
"""a singular value sigma_i counts as 0 when sigma_i <= RANK_TOLERANCE * sigma_max"""


def _square(A) -> np.ndarray:
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix, not of shape {A.shape}")
    return A


def _exact_elimination(A: np.ndarray) -> tuple[list[list[Fraction]], int]:
    """Row echelon form of A in exact arithmetic, and the number of row swaps it took."""
    rows = [[Fraction(float(value)) for value in row] for row in A]
    m, n = A.shape
    swaps, pivot_row = 0, 0
    for column in range(n):
        pivot = next((r for r in range(pivot_row, m) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        if pivot != pivot_row:
            rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
            swaps += 1
        for r in range(pivot_row + 1, m):
            factor = rows[r][column] / rows[pivot_row][column]
            if factor:
                rows[r] = [x - factor * y for x, y in zip(rows[r], rows[pivot_row])]
        pivot_row += 1
        if pivot_row == m:
            break
    return rows, swaps


def determinant(A) -> float:
    """The determinant of a square matrix: ``a_1 a_4 - a_2 a_3`` for 2 x 2, the signed permutation sum in general.

    Computed exactly (Gaussian elimination on the entries as fractions): the
    product of the pivots, with a minus sign per row swap. Worked example
    2.1.1: ``det [[2, 4], [1, 2]] = 2 * 2 - 4 * 1 = 0``.

    Parameters
    ----------
    A : ndarray of shape (n, n), float, n >= 1

    Returns
    -------
    float
    """
    A = _square(A)
    rows, swaps = _exact_elimination(A)
    product = Fraction(-1 if swaps % 2 else 1)
    for i in range(A.shape[0]):
        product *= rows[i][i]
    return float(product)


def images(A, V) -> np.ndarray:
    """The images ``A v_i`` of the vectors v_i (the ROWS of V) under the map A, one image per row.

    Row i of the answer is ``A @ V[i]``: ``(V @ A.T)``. With V the identity
    the rows are the images of the basis vectors, A's columns: worked
    example 2.1.1 gives ``[[2, 1], [4, 2]]`` for ``A = [[2, 4], [1, 2]]``.

    Parameters
    ----------
    A : ndarray of shape (n, n), float
        the map
    V : ndarray of shape (k, n), float
        the vectors, one per row

    Returns
    -------
    ndarray of shape (k, n), float64
        row i is A v_i
    """
    A, V = _square(A), np.asarray(V, dtype=float)
    return V @ A.T


def is_integer_matrix(A: np.ndarray) -> bool:
    """Whether every entry is a whole number (then the rank is decided exactly)."""
    return bool(np.all(np.isfinite(A)) and np.all(A == np.round(A)))


def exact_rank(A) -> int:
    """The rank of a matrix of whole numbers, by elimination in exact integer arithmetic.

    Row r is replaced by ``p * row_r - f * row_pivot`` (p the pivot, f the
    entry below it), then divided by the gcd of its entries: no fraction and
    no rounding.
    """
    from math import gcd

    rows = [[int(value) for value in row] for row in np.asarray(A, dtype=float)]
    rank = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        p = rows[rank][column]
        for r in range(rank + 1, len(rows)):
            f = rows[r][column]
            if f:
                row = [p * x - f * y for x, y in zip(rows[r], rows[rank])]
                divisor = gcd(*row) or 1
                rows[r] = [x // divisor for x in row]
        rank += 1
    return rank


def numerical_rank(A) -> int:
    """The number of singular values above ``RANK_TOLERANCE * sigma_max`` (0 for the zero matrix)."""
    A = np.asarray(A, dtype=float)
    if A.size == 0:
        return 0
    s = np.linalg.svd(A, compute_uv=False)
    return int(np.sum(s > RANK_TOLERANCE * s.max()))


def dimensions_lost(A) -> int:
    """How many dimensions the map A (shape (m, n), R^n to R^m) loses: ``n - rank(A)``, the null space's dimension.

    The rank is exact for a matrix of whole numbers; otherwise it counts the
    singular values ``sigma_i > 1e-5 sigma_max`` (RANK_TOLERANCE, relative to
    the matrix's scale). Worked example 2.1.1: ``[[2, 4], [1, 2]]`` sends both
    basis vectors onto one line, so it loses 1 dimension.

    Parameters
    ----------
    A : ndarray of shape (m, n), float

    Returns
    -------
    int
    """
    A = np.asarray(A, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"A must be a matrix, not of shape {A.shape}")
    rank = exact_rank(A) if is_integer_matrix(A) else numerical_rank(A)
    return int(A.shape[1] - rank)
