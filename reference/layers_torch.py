"""torch references of the layers; they must agree with :mod:`reference.layers`.

Attention uses ``torch.nn.functional.scaled_dot_product_attention`` (whose
boolean masks, like the exercise's, mark the pairs that take part); the
graph convolution builds ``P`` from degree vectors as the GCN papers write
it, ``D~^-1/2 A~ D~^-1/2`` with diagonal matrices.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, D, H):
        super().__init__()
        self.H = H
        for name in ("W_q", "W_k", "W_v", "W_o"):
            setattr(self, name, nn.Parameter(torch.zeros(D, D)))

    def forward(self, X, mask=None):
        B, N, D = X.shape
        split = [(X @ W).view(B, N, self.H, D // self.H).permute(0, 2, 1, 3) for W in (self.W_q, self.W_k, self.W_v)]
        heads = F.scaled_dot_product_attention(*split, attn_mask=mask)
        return heads.permute(0, 2, 1, 3).reshape(B, N, D) @ self.W_o


class GCNLayer(nn.Module):
    def __init__(self, m, m_out):
        super().__init__()
        self.W = nn.Parameter(torch.zeros(m, m_out))

    def forward(self, A, H):
        A_tilde = torch.where(torch.eye(A.shape[0], dtype=torch.bool) & (A == 0), torch.ones_like(A), A)
        inverse_sqrt = torch.diag(A_tilde.sum(dim=1).rsqrt())
        return F.relu(inverse_sqrt @ A_tilde @ inverse_sqrt @ H @ self.W)
