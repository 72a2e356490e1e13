"""Layers of the later chapters as torch modules: multi-head self-attention and a graph convolution.

The functions ``attention.multi_head_attention`` and ``gcn.gcn_layer`` as
``nn.Module`` classes whose weights are parameters, trained by autograd.
Conventions used by both classes:

- weights are in the notes' layout and multiply from the right
  (``X @ W_q``, ``H @ W``), as in ``attention.py`` and ``gcn.py``;
- each class registers exactly the parameters its docstring names, with
  those names and shapes (the checks load weights by name, as
  ``model.load_state_dict`` would), as float32 ``nn.Parameter``s, and
  nothing else (no bias);
- inputs are float32 tensors (torch's default); return float32 tensors,
  attached to the graph so that autograd can backpropagate through them.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check layers``).
"""

import math

import torch
from torch import nn


class MultiHeadSelfAttention(nn.Module):
    """Multi-head self-attention as a module (notes 1.12.2.4, 1.12.5.2).

    Time budget: 2 s of CPU per call (the course default).

    Parameters
    ----------
    D : int
        the width of each token
    H : int
        the number of heads; D is a multiple of H, and D_k = D_v = D // H

    Registers four parameters of shape ``(D, D)``: ``W_q``, ``W_k``, ``W_v``
    and ``W_o``.

    ``forward(X, mask=None)``: ``X`` of shape ``(B, N, D)``, a batch of B
    sequences of N tokens. Head h is ``H_h = Softmax[Q_h K_h^T / sqrt(D_k) + M] V_h``,
    where ``Q_h`` is the column block ``h*D_k .. (h+1)*D_k - 1`` of
    ``X W_q`` (likewise ``K_h`` of ``X W_k`` and ``V_h`` of ``X W_v``); the
    heads are concatenated in order, head 0 first, and multiplied by ``W_o``.
    ``mask`` is None or a bool tensor of shape ``(N, N)``, True where query n
    may attend to key n' (the same for every sequence and head): a blocked
    score is -inf before the softmax. Every row of a mask allows at least one
    key. Returns ``Y`` of shape ``(B, N, D)``.

    The same computation in torch is ``nn.MultiheadAttention(D, H,
    bias=False, batch_first=True)`` with ``in_proj_weight =
    torch.cat([W_q.T, W_k.T, W_v.T])``, ``out_proj.weight = W_o.T`` and
    ``attn_mask = ~mask`` (torch's boolean masks mark the blocked pairs).
    """

    def __init__(self, D, H):
        super().__init__()
        raise NotImplementedError

    def forward(self, X, mask=None):
        raise NotImplementedError


class GCNLayer(nn.Module):
    """One graph convolutional layer, ``Y = ReLU(P H W)`` (notes 1.13.5.2).

    Time budget: 2 s of CPU per call (the course default).

    Parameters
    ----------
    m : int
        the number of input features of a node
    m_out : int
        the number of output features

    Registers one parameter, ``W`` of shape ``(m, m_out)``.

    ``forward(A, H)``: ``A`` of shape ``(n, n)`` is the weighted adjacency
    matrix, ``A[u, v]`` the weight of the edge along which u receives from v,
    and ``H`` of shape ``(n, m)`` holds the nodes' features, one row each.
    ``P = D~^-1/2 A~ D~^-1/2`` as in ``gcn.gcn_normalize``: ``A~`` is A with
    a self-loop of weight 1 added where a node has none (an existing loop
    keeps its weight), and ``D~`` the diagonal of the row sums of ``A~``, so
    an isolated node only hears itself. Returns ``Y`` of shape ``(n, m_out)``.

    The same computation with torch_geometric is ``GCNConv(m, m_out,
    bias=False)`` followed by a ReLU, with ``lin.weight = W.T`` and the edges
    of A given as an edge list with their weights.
    """

    def __init__(self, m, m_out):
        super().__init__()
        raise NotImplementedError

    def forward(self, A, H):
        raise NotImplementedError
