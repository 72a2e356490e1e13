"""The dropout references in torch; they must agree with :mod:`reference.dropout`.

``nn.Dropout`` draws its own mask, so where a mask is given the twins apply
it with torch's arithmetic, and use ``nn.Dropout`` where torch's module does
the whole job: in ``eval()`` mode it is the identity (inverted dropout at
test time), and ``sample_dropout`` is ``nn.Dropout(p)`` in training mode,
its generator seeded with ``torch.manual_seed(seed)`` (a mask of its own,
right in distribution, which the statistical check accepts). Everything is
float64.
"""

from __future__ import annotations

import torch
from torch import nn


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64).clone()


def inverted_dropout(X, U, p) -> torch.Tensor:
    """The torch twin of :func:`reference.dropout.inverted_dropout`: X and U of shape (n, k)."""
    X, U = _tensor(X), _tensor(U)
    return X * (U >= p).to(X.dtype) / (1.0 - p)


def dropout_layer(X, U, p, training, inverted) -> torch.Tensor:
    """The torch twin of :func:`reference.dropout.dropout_layer`: X and U of shape (n, k)."""
    X = _tensor(X)
    if training:
        kept = X * (_tensor(U) >= p).to(X.dtype)
        return kept / (1.0 - p) if inverted else kept
    with torch.no_grad():
        at_test = nn.Dropout(float(p)).eval()(X)
    return at_test if inverted else (1.0 - p) * at_test


def sample_dropout(X, p, seed) -> torch.Tensor:
    """The torch twin of :func:`reference.dropout.sample_dropout`: ``nn.Dropout(p)`` in training mode, seeded."""
    X = _tensor(X)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        with torch.no_grad():
            return nn.Dropout(float(p)).train()(X)
