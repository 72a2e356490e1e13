"""The linear-map references in torch; they must agree with :mod:`reference.linear_algebra`.

``torch.linalg.det`` for the determinant (LU in float64, exact up to
rounding), a matrix product for the images, and ``torch.linalg.matrix_rank``
with the same tolerance relative to the largest singular value for the
dimensions lost.
"""

from __future__ import annotations

import torch

from reference.linear_algebra import RANK_TOLERANCE


def _tensor(A) -> torch.Tensor:
    return torch.as_tensor(A, dtype=torch.float64)


def determinant(A) -> float:
    """The torch twin of :func:`reference.linear_algebra.determinant`: ``torch.linalg.det``, A of shape (n, n)."""
    return float(torch.linalg.det(_tensor(A)))


def images(A, V) -> torch.Tensor:
    """The torch twin of :func:`reference.linear_algebra.images`: ``V @ A.T``, shape (k, n)."""
    return _tensor(V) @ _tensor(A).T


def dimensions_lost(A) -> int:
    """The torch twin of :func:`reference.linear_algebra.dimensions_lost`: n - ``torch.linalg.matrix_rank(A, rtol=1e-5)``."""
    A = _tensor(A)
    if A.numel() == 0:
        return int(A.shape[1])
    return int(A.shape[1] - int(torch.linalg.matrix_rank(A, rtol=RANK_TOLERANCE)))
