"""NumPy references of the torch layers: multi-head self-attention and a graph convolution, forward and backward.

Each class follows the NumPy protocol of :mod:`grader.object_scripts`
(``state_dict``, ``load_state_dict``, ``forward``, ``backward``) with the
parameter names of the torch modules. Forward passes are those of
:func:`reference.attention.multi_head_attention` and
:func:`reference.gcn.gcn_layer`; backward passes are derived by hand (the
softmax's Jacobian-vector product, the ReLU's mask). Everything is float64.
"""

from __future__ import annotations

import numpy as np

from reference.attention import multi_head_attention
from reference.gcn import gcn_layer, gcn_normalize


class MultiHeadSelfAttention:
    def __init__(self, D, H):
        self.H = H
        self.params = {name: np.zeros((D, D)) for name in ("W_q", "W_k", "W_v", "W_o")}
        self.training = True

    def state_dict(self):
        return dict(self.params)

    def load_state_dict(self, state):
        self.params = {name: np.asarray(state[name], dtype=float) for name in self.params}

    def _heads(self, M):
        B, N, D = M.shape
        return M.reshape(B, N, self.H, D // self.H).transpose(0, 2, 1, 3)

    def forward(self, X, mask=None):
        X = np.asarray(X, dtype=float)
        p = self.params
        Y = multi_head_attention(X, p["W_q"], p["W_k"], p["W_v"], p["W_o"], self.H, mask=mask)
        # What backward needs, computed the same way multi_head_attention does.
        d = X.shape[-1] // self.H
        Q, K, V = (self._heads(X @ p[name]) for name in ("W_q", "W_k", "W_v"))
        scores = Q @ K.transpose(0, 1, 3, 2) / np.sqrt(d)
        if mask is not None:
            scores = np.where(np.asarray(mask, dtype=bool), scores, -np.inf)
        scores = scores - scores.max(axis=-1, keepdims=True)
        A = np.exp(scores)
        A /= A.sum(axis=-1, keepdims=True)
        merged = (A @ V).transpose(0, 2, 1, 3).reshape(X.shape)
        self.saved = (X, Q, K, V, A, merged, d)
        return Y

    def backward(self, upstream):
        X, Q, K, V, A, merged, d = self.saved
        p, (B, N, D) = self.params, X.shape
        G = np.asarray(upstream, dtype=float)
        grads = {"W_o": np.einsum("bnd,bne->de", merged, G)}
        d_merged = self._heads(G @ p["W_o"].T)
        dV = A.transpose(0, 1, 3, 2) @ d_merged
        dA = d_merged @ V.transpose(0, 1, 3, 2)
        dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True)) / np.sqrt(d)
        dQ, dK = dS @ K, dS.transpose(0, 1, 3, 2) @ Q

        def merge(M):
            return M.transpose(0, 2, 1, 3).reshape(B, N, D)

        dX = np.zeros_like(X)
        for name, dM in (("W_q", merge(dQ)), ("W_k", merge(dK)), ("W_v", merge(dV))):
            grads[name] = np.einsum("bnd,bne->de", X, dM)
            dX += dM @ p[name].T
        return (dX, None), grads


class GCNLayer:
    def __init__(self, m, m_out):
        self.W = np.zeros((m, m_out))
        self.training = True

    def state_dict(self):
        return {"W": self.W}

    def load_state_dict(self, state):
        self.W = np.asarray(state["W"], dtype=float)

    def forward(self, A, H):
        A, H = np.asarray(A, dtype=float), np.asarray(H, dtype=float)
        self.P, self.H = gcn_normalize(A), H
        self.Z = self.P @ H @ self.W
        return gcn_layer(A, H, self.W)

    def backward(self, upstream):
        dZ = np.asarray(upstream, dtype=float) * (self.Z > 0)
        dW = (self.P @ self.H).T @ dZ
        dH = self.P.T @ dZ @ self.W.T
        return (None, dH), {"W": dW}
