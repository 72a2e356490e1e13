"""Known mistakes in the torch layers, each a variant of the torch reference.

Every class has the interface of the reference it varies; the exercise
declarations in ``grader/catalog/layers.py`` name them with a hint.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from reference.layers_torch import GCNLayer, MultiHeadSelfAttention


class _Attention(MultiHeadSelfAttention):
    scaled = True
    mask_after_softmax = False

    def split(self, M, B, N, D):
        return M.view(B, N, self.H, D // self.H).transpose(1, 2)

    def forward(self, X, mask=None):
        B, N, D = X.shape
        Q, K, V = (self.split(X @ W, B, N, D) for W in (self.W_q, self.W_k, self.W_v))
        scores = Q @ K.transpose(-2, -1)
        if self.scaled:
            scores = scores / math.sqrt(D // self.H)
        if mask is not None and not self.mask_after_softmax:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        if mask is not None and self.mask_after_softmax:
            weights = weights * mask
        return (weights @ V).transpose(1, 2).reshape(B, N, D) @ self.W_o


class AttentionUnscaled(_Attention):
    """The scores Q_h K_h^T are not divided by sqrt(D_k)."""

    scaled = False


class AttentionHeadsSplitAcrossTokens(_Attention):
    """(B, N, H * D_k) reshaped to (B, H, N, D_k) at once: each 'head' mixes the columns of several tokens."""

    def split(self, M, B, N, D):
        return M.reshape(B, self.H, N, D // self.H)

    def forward(self, X, mask=None):
        B, N, D = X.shape
        Q, K, V = (self.split(X @ W, B, N, D) for W in (self.W_q, self.W_k, self.W_v))
        scores = Q @ K.transpose(-2, -1) / math.sqrt(D // self.H)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        return (torch.softmax(scores, dim=-1) @ V).reshape(B, N, D) @ self.W_o


class AttentionMaskAfterSoftmax(_Attention):
    """The mask zeroes weights after the softmax, so the rows no longer sum to 1."""

    mask_after_softmax = True


class GCNWithoutSelfLoops(GCNLayer):
    """P = D^-1/2 A D^-1/2 without self-loops: a node does not hear itself, and an isolated node divides by 0."""

    def forward(self, A, H):
        d = A.sum(dim=1)
        return torch.relu(A / torch.sqrt(d[:, None] * d[None, :]) @ H @ self.W)


class GCNRowNormalised(GCNLayer):
    """P = D~^-1 A~, the mean over the neighbours, instead of the symmetric D~^-1/2 A~ D~^-1/2."""

    def forward(self, A, H):
        A_tilde = A + torch.diag((torch.diagonal(A) == 0).to(A.dtype))
        return torch.relu(A_tilde / A_tilde.sum(dim=1, keepdim=True) @ H @ self.W)


class GCNWeightsAsPlainTensor(nn.Module):
    """W kept as a plain tensor attribute: not a parameter, so no optimiser trains it and no state_dict holds it."""

    def __init__(self, m, m_out):
        super().__init__()
        self.W = torch.randn(m, m_out, requires_grad=True)

    def forward(self, A, H):
        A_tilde = A + torch.diag((torch.diagonal(A) == 0).to(A.dtype))
        d = A_tilde.sum(dim=1)
        return torch.relu(A_tilde / torch.sqrt(d[:, None] * d[None, :]) @ H @ self.W)
