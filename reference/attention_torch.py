"""Attention and transformer references in torch; they must agree with :mod:`reference.attention`.

Same names, signatures and conventions (see that module's docstring). The
attention outputs come from ``torch.nn.functional.scaled_dot_product_attention``
(whose boolean masks are also True = allowed, and which returns 0 for a fully
masked row in torch 2.13); layer normalisation from
``torch.nn.functional.layer_norm``; sorting is ``torch.sort(stable=True)``.
Everything is float64.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import torch
import torch.nn.functional as F

BASE = 10000.0
LAYER_NORM_EPS = 1e-5


def _t(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64)


def _mask(mask) -> torch.Tensor | None:
    """A boolean mask stays boolean (True = allowed, as in F.scaled_dot_product_attention); any other is float64."""
    if mask is None:
        return None
    mask = torch.as_tensor(mask)
    return mask if mask.dtype == torch.bool else mask.to(torch.float64)


def _weights(scores: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Softmax over the keys; a fully masked row gives zeros instead of torch.softmax's NaN."""
    if mask is not None:
        scores = scores.masked_fill(~mask, -math.inf) if mask.dtype == torch.bool else scores + mask
    blocked = torch.isneginf(scores).all(dim=-1, keepdim=True)
    return torch.where(blocked, torch.zeros_like(scores), torch.softmax(scores, dim=-1))


# -- attention ---------------------------------------------------------------------------


def self_attention(X) -> torch.Tensor:
    """``Softmax[X X^T] X`` for X (N, D)."""
    X = _t(X)
    return torch.softmax(X @ X.T, dim=-1) @ X


def scaled_dot_product_attention(Q, K, V, mask=None) -> tuple[torch.Tensor, torch.Tensor]:
    """``(Y, A)`` with ``A = Softmax[Q K^T / sqrt(D_k) + M]`` and ``Y = A V``."""
    Q, K, V, mask = _t(Q), _t(K), _t(V), _mask(mask)
    Y = F.scaled_dot_product_attention(Q, K, V, attn_mask=mask)
    A = _weights(Q @ K.transpose(-1, -2) / math.sqrt(Q.shape[-1]), mask)
    return Y, A


def attention_head(X_q, X_kv, W_q, W_k, W_v) -> torch.Tensor:
    """``Softmax[(X_q W_q)(X_kv W_k)^T / sqrt(D_k)] X_kv W_v``."""
    X_q, X_kv = _t(X_q), _t(X_kv)
    return F.scaled_dot_product_attention(X_q @ _t(W_q), X_kv @ _t(W_k), X_kv @ _t(W_v))


# -- masks -------------------------------------------------------------------------------


def _additive(allowed: torch.Tensor) -> torch.Tensor:
    return torch.zeros(allowed.shape, dtype=torch.float64).masked_fill(~allowed, -math.inf)


def causal_mask(N: int, additive: bool = False) -> torch.Tensor:
    """True (or 0) where key j <= query i, False (or -inf) above the diagonal."""
    allowed = torch.ones(N, N, dtype=torch.bool).tril()
    return _additive(allowed) if additive else allowed


def padding_mask(lengths, N: int, additive: bool = False) -> torch.Tensor:
    """``mask[b, i, j] = j < lengths[b]``, shape (B, N, N)."""
    lengths = torch.as_tensor(lengths, dtype=torch.int64)
    allowed = (torch.arange(N)[None, None, :] < lengths[:, None, None]).expand(len(lengths), N, N).clone()
    return _additive(allowed) if additive else allowed


# -- multi-head attention ------------------------------------------------------------------


def multi_head_attention(X, W_q, W_k, W_v, W_o, H: int, mask=None) -> torch.Tensor:
    """``Concat[H_1, ..., H_H] W_o`` with heads as column blocks of the projections."""
    X, W_q, W_k, W_v, W_o = (_t(M) for M in (X, W_q, W_k, W_v, W_o))
    if W_q.shape[1] % H or W_v.shape[1] % H:
        raise ValueError(f"the projections' widths {W_q.shape[1]} and {W_v.shape[1]} must be multiples of H = {H}")

    def heads(M: torch.Tensor) -> torch.Tensor:
        # (..., N, H * d) -> (..., N, H, d) -> (..., H, N, d)
        return M.unflatten(-1, (H, M.shape[-1] // H)).transpose(-2, -3)

    mask = _mask(mask)
    if mask is not None and mask.dim() == 3:
        mask = mask.unsqueeze(1)
    out = F.scaled_dot_product_attention(heads(X @ W_q), heads(X @ W_k), heads(X @ W_v), attn_mask=mask)
    return out.transpose(-2, -3).flatten(-2) @ W_o


# -- positional encoding -------------------------------------------------------------------


def _frequencies(D: int) -> torch.Tensor:
    if D % 2:
        raise ValueError(f"D must be even, not {D}")
    return BASE ** (-torch.arange(0, D, 2, dtype=torch.float64) / D)


def sinusoidal_encoding(positions, D: int) -> torch.Tensor:
    """sin and cos of ``n w_i`` interleaved: columns 2i and 2i + 1."""
    angles = _t(positions)[:, None] * _frequencies(D)[None, :]
    return torch.stack([torch.sin(angles), torch.cos(angles)], dim=-1).flatten(-2)


def relative_position_map(k, D: int) -> torch.Tensor:
    """Block-diagonal rotations ``[[cos wk, sin wk], [-sin wk, cos wk]]``."""
    angles = _frequencies(D) * float(k)
    blocks = [
        torch.stack([torch.stack([c, s]), torch.stack([-s, c])]) for c, s in zip(torch.cos(angles), torch.sin(angles))
    ]
    return torch.block_diag(*blocks)


# -- the transformer block -----------------------------------------------------------------


def transformer_block(X, params: Mapping[str, Any], norm: str = "post", mask=None) -> torch.Tensor:
    """Post-norm ``LN(Y(X) + X)``, ``LN(MLP(Z) + Z)`` or pre-norm ``Y(LN(X)) + X``, ``MLP(LN(Z)) + Z``."""
    X = _t(X)
    D = X.shape[-1]

    def ln(M: torch.Tensor, which: str) -> torch.Tensor:
        return F.layer_norm(M, (D,), _t(params[f"gamma_{which}"]), _t(params[f"beta_{which}"]), eps=LAYER_NORM_EPS)

    def attention(M: torch.Tensor) -> torch.Tensor:
        W_q, W_k, W_v, W_o = params["W_q"], params["W_k"], params["W_v"], params["W_o"]
        return multi_head_attention(M, W_q, W_k, W_v, W_o, int(params["heads"]), mask)

    def mlp(M: torch.Tensor) -> torch.Tensor:
        return F.linear(F.relu(M @ _t(params["W_1"]) + _t(params["b_1"])), _t(params["W_2"]).T, _t(params["b_2"]))

    if norm == "post":
        Z = ln(attention(X) + X, "1")
        return ln(mlp(Z) + Z, "2")
    if norm == "pre":
        Z = attention(ln(X, "1")) + X
        return mlp(ln(Z, "2")) + Z
    raise ValueError(f"norm should be 'post' or 'pre', not {norm!r}")


# -- sampling ----------------------------------------------------------------------------


def temperature_softmax(a, T: float) -> torch.Tensor:
    """``softmax(a / T)`` over the last axis."""
    if T <= 0:
        raise ValueError(f"the temperature must be positive, not {T}")
    return torch.softmax(_t(a) / T, dim=-1)


def _inverse_cdf(q: torch.Tensor, u: float) -> int:
    above = torch.nonzero(torch.cumsum(q, 0) > u).flatten()
    return int(above[0]) if above.numel() else int(torch.nonzero(q > 0).flatten()[-1])


def _descending(probs: torch.Tensor) -> torch.Tensor:
    return torch.sort(probs, descending=True, stable=True).indices


def top_k_sample(probs, k: int, u: float) -> tuple[int, torch.Tensor]:
    """The k most probable tokens, renormalised; the inverse CDF at u in vocabulary order."""
    probs = _t(probs)
    keep = torch.zeros(probs.shape, dtype=torch.bool)
    keep[_descending(probs)[:k]] = True
    q = torch.where(keep, probs, 0.0)
    q = q / q.sum()
    return _inverse_cdf(q, u), q


def top_p_sample(probs, p: float, u: float) -> tuple[int, torch.Tensor]:
    """The shortest most-probable prefix whose mass reaches p, renormalised; the inverse CDF at u."""
    probs = _t(probs)
    order = _descending(probs)
    sorted_probs = probs[order]
    # Token r is kept while the tokens before it have not reached p: exclusive sums 0, c_0, c_0 + c_1, ...
    before = torch.cat([torch.zeros(1, dtype=torch.float64), torch.cumsum(sorted_probs, 0)[:-1]])
    keep = torch.zeros(probs.shape, dtype=torch.bool)
    keep[order[before < p]] = True
    q = torch.where(keep, probs, 0.0)
    q = q / q.sum()
    return _inverse_cdf(q, u), q


def _log_probs(tables: Sequence, prefix: Sequence[int]) -> torch.Tensor:
    table = _t(tables[len(prefix)])
    for token in prefix:
        table = table[int(token)]
    return table


def greedy_decode(tables: Sequence) -> tuple[torch.Tensor, float]:
    """argmax (the first one on ties) at every step; the sum of the chosen log-probabilities."""
    prefix: list[int] = []
    score = torch.zeros((), dtype=torch.float64)
    for _ in range(len(tables)):
        log_probs = _log_probs(tables, prefix)
        token = int(torch.argmax(log_probs))
        score = score + log_probs[token]
        prefix.append(token)
    return torch.tensor(prefix, dtype=torch.int64), float(score)


def beam_search(tables: Sequence, beam_width: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Keep the beam_width best extensions at every step (ties: lexicographically smaller first)."""
    beams: list[tuple[tuple[int, ...], torch.Tensor]] = [((), torch.zeros((), dtype=torch.float64))]
    for _ in range(len(tables)):
        candidates = [
            (sequence + (v,), score + log_prob)
            for sequence, score in beams
            for v, log_prob in enumerate(_log_probs(tables, sequence))
        ]
        candidates.sort(key=lambda item: (-float(item[1]), item[0]))
        beams = candidates[:beam_width]
    return torch.tensor([s for s, _ in beams], dtype=torch.int64), torch.stack([score for _, score in beams])
