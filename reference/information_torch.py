"""The information references in torch; they must agree with :mod:`reference.information`.

Built on ``torch.special``: ``entr(x) = -x ln x`` (0 at 0) for the entropy and
``xlogy(x, y) = x ln y`` (0 where x = 0, whatever y is) for the rest, so
``0 log 0 = 0`` and a term with q = 0 < p is ``+inf`` without a special
case. Everything is float64.
"""

from __future__ import annotations

import math

import numpy as np
import torch


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x, dtype=float), dtype=torch.float64)


def entropy(p, base) -> float:
    """The torch twin of :func:`reference.information.entropy`: p of any shape."""
    return float(torch.special.entr(_tensor(p)).sum() / math.log(float(base)))


def kl_divergence(p, q, base) -> float:
    """The torch twin of :func:`reference.information.kl_divergence`: p and q of the same shape."""
    p, q = _tensor(p), _tensor(q)
    return float((torch.special.xlogy(p, p) - torch.special.xlogy(p, q)).sum() / math.log(float(base)))


def cross_entropy(p, q, base) -> float:
    """The torch twin of :func:`reference.information.cross_entropy`: p and q of the same shape."""
    p, q = _tensor(p), _tensor(q)
    return float(-torch.special.xlogy(p, q).sum() / math.log(float(base)))


def mutual_information(P, base) -> float:
    """The torch twin of :func:`reference.information.mutual_information`: P of shape (m, k)."""
    P = _tensor(P)
    independent = torch.outer(P.sum(dim=1), P.sum(dim=0))
    return float((torch.special.xlogy(P, P) - torch.special.xlogy(P, independent)).sum() / math.log(float(base)))
