"""Known mistakes in the custom autograd Functions, each a variant of the torch reference.

Every class has the reference's interface (the sigmoid's variants keep its
forward and change its backward); the exercise declarations in
``grader/catalog/autograd.py`` name them with a hint.
"""

from __future__ import annotations

import torch

from reference.autograd_torch import Sigmoid


class SigmoidReturnsSigma(Sigmoid):
    """backward multiplies by sigma instead of sigma'."""

    @staticmethod
    def backward(ctx, upstream):
        (s,) = ctx.saved_tensors
        return upstream * s


class SigmoidIgnoresUpstream(Sigmoid):
    """backward returns sigma' alone, as if the upstream gradient were all ones."""

    @staticmethod
    def backward(ctx, upstream):
        (s,) = ctx.saved_tensors
        return s * (1 - s)


class SigmoidPrimeOfOutput(Sigmoid):
    """backward applies sigma' to the saved output sigma(a) instead of to a."""

    @staticmethod
    def backward(ctx, upstream):
        (s,) = ctx.saved_tensors
        return upstream * torch.sigmoid(s) * (1 - torch.sigmoid(s))


class _CrossEntropy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, targets):
        log_p = torch.log_softmax(logits, dim=1)
        ctx.save_for_backward(log_p, targets)
        return -(targets * log_p).sum() / logits.shape[0]


class CrossEntropyWithoutMaximum(_CrossEntropy):
    """forward exponentiates the logits as they are: exp(1000) overflows to inf and the cost to NaN."""

    @staticmethod
    def forward(ctx, logits, targets):
        e = torch.exp(logits)
        p = e / e.sum(dim=1, keepdim=True)
        ctx.save_for_backward(p, targets)
        return -(targets * torch.log(p)).sum() / logits.shape[0]

    @staticmethod
    def backward(ctx, upstream):
        p, targets = ctx.saved_tensors
        return upstream * (p - targets) / p.shape[0], None


class CrossEntropyWithoutMean(_CrossEntropy):
    """backward leaves out the 1/m of the mean over the batch."""

    @staticmethod
    def backward(ctx, upstream):
        log_p, targets = ctx.saved_tensors
        return upstream * (torch.exp(log_p) - targets), None


class CrossEntropyIgnoresUpstream(_CrossEntropy):
    """backward returns dC/dlogits alone, as if the upstream gradient were 1."""

    @staticmethod
    def backward(ctx, upstream):
        log_p, targets = ctx.saved_tensors
        return (torch.exp(log_p) - targets) / log_p.shape[0], None


class CrossEntropyGradientInTargetsSlot(_CrossEntropy):
    """backward returns the logits' gradient in the targets' place: (None, gradient)."""

    @staticmethod
    def backward(ctx, upstream):
        log_p, targets = ctx.saved_tensors
        return None, upstream * (torch.exp(log_p) - targets) / log_p.shape[0]


class CrossEntropySoftmaxOverBatch(torch.autograd.Function):
    """the softmax normalises each class over the examples of the batch (dim 0) instead of over the classes."""

    @staticmethod
    def forward(ctx, logits, targets):
        log_p = torch.log_softmax(logits, dim=0)
        ctx.save_for_backward(log_p, targets)
        return -(targets * log_p).sum() / logits.shape[0]

    @staticmethod
    def backward(ctx, upstream):
        log_p, targets = ctx.saved_tensors
        p = torch.exp(log_p)
        # d/da of -sum t log softmax_dim0(a): p * (column sums of t) - t
        return upstream * (p * targets.sum(dim=0, keepdim=True) - targets) / log_p.shape[0], None
