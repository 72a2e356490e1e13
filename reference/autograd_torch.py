"""torch references of the custom autograd Functions; they must agree with :mod:`reference.autograd`.

Forward passes use torch's own operations (``torch.sigmoid``,
``torch.log_softmax``); the backward passes are the formulas, computed from
what forward saved.
"""

from __future__ import annotations

import torch


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        s = torch.sigmoid(a)
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, upstream):
        (s,) = ctx.saved_tensors
        return upstream * (s - s * s)


class SoftmaxCrossEntropy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, targets):
        log_p = torch.log_softmax(logits, dim=1)
        ctx.save_for_backward(log_p, targets)
        return -(targets * log_p).sum(dim=1).mean()

    @staticmethod
    def backward(ctx, upstream):
        log_p, targets = ctx.saved_tensors
        return (torch.exp(log_p) - targets) * (upstream / log_p.shape[0]), None
