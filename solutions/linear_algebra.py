"""Linear maps: the determinant, the images of vectors under a map, and the dimensions a map loses
(course notes 1.2.1.2 and 1.2.1.3; worked example 2.1.1).

Conventions used by every function in this module (the notes'):

- a matrix A acts on a COLUMN vector v as ``A v`` (``A @ v``). So the image
  of the j-th basis vector e_j is A's j-th COLUMN, ``A[:, j]``, not its
  j-th row. Worked example 2.1.1: for ``A = [[2, 4], [1, 2]]``,
  ``A e_1 = [2, 1]`` and ``A e_2 = [4, 2]``: both on the line y = x / 2, so
  the map squeezes the plane onto a line (a dimension is lost).
- the determinant of a 2 x 2 matrix ``[[a_1, a_2], [a_3, a_4]]`` is
  ``a_1 a_4 - a_2 a_3`` (the diagonal's product MINUS the other one); of an
  n x n matrix, the sum over permutations with their signs, which Gaussian
  elimination computes as the product of the pivots, times -1 per row swap
  (``np.linalg.det`` does this). ``det A = 0`` exactly when A squeezes
  space along at least one dimension (A is not invertible).
- A of shape (m, n) maps R^n to R^m and loses ``n - rank(A)`` dimensions
  (those of its null space). In floating point the rank is decided with a
  tolerance RELATIVE to the matrix's scale: a singular value counts as 0
  when ``sigma_i <= 1e-5 * sigma_max`` (``np.linalg.svd(A,
  compute_uv=False)`` gives them; the zero matrix loses all n). For a matrix
  of whole numbers the answer is exact (elimination with
  ``fractions.Fraction`` decides it without rounding), and on every matrix
  the checks use the tolerance decides the same: their singular values are
  either below 1e-8 or above 1e-2 of the largest. ``np.linalg.matrix_rank``
  and ``torch.linalg.matrix_rank`` take a far smaller tolerance by default
  (about 1e-15 relative), which keeps a dimension that a matrix within 1e-9
  of one of lower rank has lost here: pass ``tol`` (``rtol`` in torch)
  yourself.

Inputs are NumPy arrays of floats (nested lists work with
``np.asarray(A, dtype=float)``), float64 or float32. Return floats, ints and
NumPy arrays as each function says (float32 answers are compared with
float32 tolerances: relative 1e-4; the determinant to within 1e-6 of the
product of A's row lengths, which bounds |det A|). Every call takes a few
milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check linear_algebra``).
"""

import numpy as np


def determinant(A):
    """Return the determinant of the square matrix A: ``a_1 a_4 - a_2 a_3`` for a 2 x 2 one.

    Time budget: 2 s of CPU per call (the course default).

    For n x n, expand along a row, or eliminate below the diagonal and
    multiply the pivots (a row swap flips the sign), or use
    ``np.linalg.det``. For example ``determinant([[1, 2], [3, 4]])`` is
    ``1 * 4 - 2 * 3 = -2``, and worked example 2.1.1's
    ``determinant([[2, 4], [1, 2]])`` is ``2 * 2 - 4 * 1 = 0``.

    Parameters
    ----------
    A : ndarray of shape (n, n)
        n >= 1

    Returns
    -------
    float
    """
    A = np.asarray(A, dtype=float)
    return float(np.linalg.det(A))


def images(A, V):
    """Return the images ``A v`` of the vectors v given as the ROWS of V, one image per row.

    Time budget: 2 s of CPU per call (the course default).

    Row i of the answer is ``A @ V[i]``, so the answer has V's shape. With V
    the identity the rows are the images of the basis vectors, which are A's
    columns. For example (worked example 2.1.1) ``images([[2, 4], [1, 2]],
    [[1, 0], [0, 1]])`` is ``[[2, 1], [4, 2]]``: A e_1 = [2, 1] and A e_2 =
    [4, 2], which lie on one line.

    Parameters
    ----------
    A : ndarray of shape (n, n)
        the map
    V : ndarray of shape (k, n)
        the vectors, one per row

    Returns
    -------
    ndarray of shape (k, n)
        row i is A v_i
    """
    A, V = np.asarray(A, dtype=float), np.asarray(V, dtype=float)
    return V @ A.T


def dimensions_lost(A):
    """Return how many dimensions the map A (shape (m, n), from R^n to R^m) loses: ``n - rank(A)``.

    Time budget: 2 s of CPU per call (the course default).

    The rank counts the singular values ``sigma_i > 1e-5 * sigma_max``
    (relative to the largest, so that scaling A changes nothing). For
    example worked example 2.1.1's ``[[2, 4], [1, 2]]`` loses 1 dimension
    (its singular values are 5 and about 1e-17), ``[[1, 2], [3, 4]]`` loses
    0, and the zero matrix of shape (2, 3) loses 3.

    Parameters
    ----------
    A : ndarray of shape (m, n)

    Returns
    -------
    int
        from 0 to n
    """
    A = np.asarray(A, dtype=float)
    if A.size == 0:
        return A.shape[1]
    s = np.linalg.svd(A, compute_uv=False)
    rank = int(np.sum(s > 1e-5 * s.max()))
    return A.shape[1] - rank
