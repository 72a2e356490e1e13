"""Attention and transformer references (course notes 1.12).

Notation as in the notes: a sequence of N tokens of width D is a matrix
``X`` of shape ``(N, D)``, one token per row, and every projection multiplies
from the right (``Q = X W_q`` with ``W_q`` of shape ``(D, D_k)``). Where a
function says so, leading batch dimensions are allowed (``(..., N, D)``).

Conventions every function here follows:

- **softmax** runs over the last axis (over the keys: each query's weights
  sum to 1). A row whose scores are all ``-inf`` (a query that may attend to
  nothing) gets weights 0 and output 0, never NaN; this is what
  ``torch.nn.functional.scaled_dot_product_attention`` returns in torch 2.13
  (``nn.MultiheadAttention`` returns NaN for such rows).
- **masks** come in two forms. A *boolean* mask is True where the query may
  attend to the key (the convention of ``scaled_dot_product_attention``'s
  ``attn_mask``; ``nn.MultiheadAttention``'s ``attn_mask`` and
  ``key_padding_mask`` use the opposite, True = blocked). An *additive* mask is
  a float array added to the scores before the softmax: 0 where attending is
  allowed, ``-inf`` where it is not. Masked weights are exactly 0.
- the notes' causal mask (1.12.5.2) is written ``QK^T / sqrt(D_k) o M``; it is
  *added* before the softmax, and ``y_i`` depends on ``x_1 .. x_i`` (the
  query attends to itself), see course/README.md.
- **multi-head** projections hold the heads side by side: head ``h`` uses
  columns ``h*D_k:(h+1)*D_k`` of ``W_q`` and ``W_k`` and ``h*D_v:(h+1)*D_v``
  of ``W_v``; the heads are concatenated in order and multiplied by ``W_o``.
  ``torch.nn.MultiheadAttention(D, H, bias=False, batch_first=True)`` computes
  the same thing when ``D_k = D_v = D / H`` and ``D_out = D``, with
  ``in_proj_weight = concatenate([W_q.T, W_k.T, W_v.T])`` (shape ``(3D, D)``)
  and ``out_proj.weight = W_o.T``.
- **sinusoidal encodings** interleave sin and cos: for pair ``i = 0 .. D/2 - 1``,
  ``r[n, 2i] = sin(w_i n)`` and ``r[n, 2i+1] = cos(w_i n)`` with
  ``w_i = 1 / 10000^(2i/D)``, so the first pair is ``sin(n), cos(n)``
  (the notes number the pairs from 1; the formula is the same).
- **sampling** takes its randomness as a uniform ``u`` in [0, 1): the token
  is the smallest index ``j`` whose cumulative probability, summed in
  vocabulary order, exceeds ``u``.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

#: The base of the sinusoidal frequencies, w_i = 1 / BASE^(2i/D).
BASE = 10000.0
#: epsilon of the layer normalisations in a transformer block (torch's default).
LAYER_NORM_EPS = 1e-5


# -- shared pieces ------------------------------------------------------------------


def softmax(S: np.ndarray, axis: int = -1) -> np.ndarray:
    """``exp(S) / sum exp(S)`` along ``axis``, shifted by the maximum so nothing overflows.

    A slice whose entries are all ``-inf`` gives zeros (not NaN).

    Parameters
    ----------
    S : ndarray of any shape
    axis : int

    Returns
    -------
    ndarray of the shape of ``S``
    """
    S = np.asarray(S, dtype=float)
    top = np.max(S, axis=axis, keepdims=True)
    # A slice that is all -inf has max -inf; shifting by it would give nan.
    top = np.where(np.isfinite(top), top, 0.0)
    e = np.exp(S - top)
    total = np.sum(e, axis=axis, keepdims=True)
    return np.where(total > 0, e / np.where(total > 0, total, 1.0), 0.0)


def masked_scores(scores: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """The scores with a boolean (True = allowed) or additive mask applied."""
    scores = np.asarray(scores, dtype=float)
    if mask is None:
        return scores
    mask = np.asarray(mask)
    if mask.dtype == bool:
        return np.where(mask, scores, -np.inf)
    return scores + mask.astype(float)


def split_heads(M: np.ndarray, H: int) -> np.ndarray:
    """``(..., N, H * d) -> (..., H, N, d)``: reshape the columns into heads, then swap N and H."""
    *lead, N, width = M.shape
    return np.swapaxes(M.reshape(*lead, N, H, width // H), -2, -3)


def merge_heads(M: np.ndarray) -> np.ndarray:
    """``(..., H, N, d) -> (..., N, H * d)``: the inverse of :func:`split_heads` (Concat[H_1, ..., H_H])."""
    *lead, H, N, d = M.shape
    return np.swapaxes(M, -2, -3).reshape(*lead, N, H * d)


def layer_norm(X: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = LAYER_NORM_EPS) -> np.ndarray:
    """Layer normalisation of every token: ``gamma (x - mu) / sqrt(sigma^2 + eps) + beta``.

    ``mu`` and ``sigma^2`` are the mean and the (biased, 1/D) variance of each
    token's D features (notes 1.3.5.4: per example, see course/README.md).

    Parameters
    ----------
    X : ndarray of shape (..., D)
    gamma, beta : ndarray of shape (D,)
    eps : float

    Returns
    -------
    ndarray of shape (..., D)
    """
    X = np.asarray(X, dtype=float)
    mu = X.mean(axis=-1, keepdims=True)
    var = X.var(axis=-1, keepdims=True)
    return np.asarray(gamma, dtype=float) * (X - mu) / np.sqrt(var + eps) + np.asarray(beta, dtype=float)


# -- attention (1.12.2) ---------------------------------------------------------------


def self_attention(X: np.ndarray) -> np.ndarray:
    """Dot-product self-attention without parameters: ``Y = Softmax[X X^T] X`` (notes 1.12.2.2).

    ``a_nm = exp(x_n . x_m) / sum_m' exp(x_n . x_m')`` and ``y_n = sum_m a_nm x_m``;
    the softmax runs over each row (over m).

    Parameters
    ----------
    X : ndarray of shape (N, D)
        one token per row

    Returns
    -------
    ndarray of shape (N, D)
    """
    X = np.asarray(X, dtype=float)
    return softmax(X @ X.T, axis=-1) @ X


def self_attention_loops(X: np.ndarray) -> np.ndarray:
    """:func:`self_attention` written as the notes' sums, one token at a time (for teaching and tests)."""
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    Y = np.zeros_like(X)
    for n in range(N):
        scores = np.array([X[n] @ X[m] for m in range(N)])
        weights = np.exp(scores - scores.max())
        weights /= weights.sum()
        for m in range(N):
            Y[n] += weights[m] * X[m]
    return Y


def scaled_dot_product_attention(
    Q: np.ndarray, K: np.ndarray, V: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Scaled attention with an optional mask: ``A = Softmax[Q K^T / sqrt(D_k) + M]``, ``Y = A V``.

    Parameters
    ----------
    Q : ndarray of shape (..., L, D_k)
        queries
    K : ndarray of shape (..., S, D_k)
        keys (S may differ from L: cross-attention)
    V : ndarray of shape (..., S, D_v)
        values
    mask : None, or ndarray broadcastable to (..., L, S)
        boolean (True = the query may attend to the key) or additive float
        (0 = allowed, -inf = blocked; added to the scaled scores)

    Returns
    -------
    Y : ndarray of shape (..., L, D_v)
    A : ndarray of shape (..., L, S)
        the attention weights; each row sums to 1, masked weights are exactly
        0, and a fully masked row is all 0 (so is its row of Y)
    """
    Q, K, V = (np.asarray(M, dtype=float) for M in (Q, K, V))
    d_k = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)
    A = softmax(masked_scores(scores, mask), axis=-1)
    return A @ V, A


def attention_head(
    X_q: np.ndarray, X_kv: np.ndarray, W_q: np.ndarray, W_k: np.ndarray, W_v: np.ndarray
) -> np.ndarray:
    """One attention head with trainable projections (notes 1.12.2.3, 1.12.5.4).

    ``Q = X_q W_q``, ``K = X_kv W_k``, ``V = X_kv W_v`` and
    ``Y = Softmax[Q K^T / sqrt(D_k)] V``. Self-attention passes the same
    sequence twice (``X_q = X_kv = X``); cross-attention takes the queries from
    the decoder's sequence and the keys and values from the encoder's.

    Parameters
    ----------
    X_q : ndarray of shape (L, D)
        the sequence the queries come from
    X_kv : ndarray of shape (S, D)
        the sequence the keys and values come from
    W_q, W_k : ndarray of shape (D, D_k)
    W_v : ndarray of shape (D, D_v)

    Returns
    -------
    ndarray of shape (L, D_v)
    """
    X_q, X_kv = np.asarray(X_q, dtype=float), np.asarray(X_kv, dtype=float)
    Q = X_q @ np.asarray(W_q, dtype=float)
    K, V = X_kv @ np.asarray(W_k, dtype=float), X_kv @ np.asarray(W_v, dtype=float)
    return softmax(Q @ K.T / np.sqrt(Q.shape[-1]), axis=-1) @ V


# -- masks (1.12.5.2) --------------------------------------------------------------------


def to_additive(allowed: np.ndarray) -> np.ndarray:
    """The additive form of a boolean mask: 0.0 where allowed, -inf where blocked."""
    return np.where(np.asarray(allowed, dtype=bool), 0.0, -np.inf)


def causal_mask(N: int, additive: bool = False) -> np.ndarray:
    """The causal mask of a decoder: query ``i`` may attend to keys ``j <= i``.

    Parameters
    ----------
    N : int
        sequence length
    additive : bool
        False: boolean, True where allowed (the lower triangle and the
        diagonal). True: float, 0 where allowed and -inf above the diagonal.

    Returns
    -------
    ndarray of shape (N, N), bool or float64
    """
    allowed = np.tril(np.ones((N, N), dtype=bool))
    return to_additive(allowed) if additive else allowed


def padding_mask(lengths: Sequence[int], N: int, additive: bool = False) -> np.ndarray:
    """The padding mask of a batch of sequences padded to length N.

    Sequence ``b`` has ``lengths[b]`` real tokens followed by padding. Every
    query, padding or not, may attend to the real keys ``j < lengths[b]`` and
    to no padding key: ``mask[b, i, j] = j < lengths[b]``. Rows of padding
    queries are not blocked (that would leave them fully masked); their outputs
    are simply ignored later.

    Parameters
    ----------
    lengths : sequence of B ints, each in 1..N
    N : int
        the padded length
    additive : bool
        boolean (True = allowed) or additive (0 / -inf) form

    Returns
    -------
    ndarray of shape (B, N, N), bool or float64
    """
    lengths = np.asarray(lengths, dtype=int)
    allowed = np.broadcast_to(np.arange(N)[None, None, :] < lengths[:, None, None], (len(lengths), N, N)).copy()
    return to_additive(allowed) if additive else allowed


# -- multi-head attention (1.12.2.4) -------------------------------------------------------


def multi_head_attention(
    X: np.ndarray,
    W_q: np.ndarray,
    W_k: np.ndarray,
    W_v: np.ndarray,
    W_o: np.ndarray,
    H: int,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Multi-head self-attention: ``Y = Concat[H_1, ..., H_H] W_o`` (notes 1.12.2.4).

    ``H_h = Softmax[Q_h K_h^T / sqrt(D_k) + M] V_h`` where ``Q_h``, ``K_h``,
    ``V_h`` are head ``h``'s column blocks of ``X W_q``, ``X W_k``, ``X W_v``.

    Parameters
    ----------
    X : ndarray of shape (N, D) or (B, N, D)
    W_q, W_k : ndarray of shape (D, H * D_k)
    W_v : ndarray of shape (D, H * D_v)
    W_o : ndarray of shape (H * D_v, D_out)
    H : int
        the number of heads
    mask : None, or a boolean or additive mask of shape (N, N) or (B, N, N)
        applied to every head

    Returns
    -------
    ndarray of shape (N, D_out) or (B, N, D_out)
    """
    X = np.asarray(X, dtype=float)
    W_q, W_k, W_v, W_o = (np.asarray(W, dtype=float) for W in (W_q, W_k, W_v, W_o))
    if W_q.shape[1] % H or W_v.shape[1] % H:
        raise ValueError(f"the projections' widths {W_q.shape[1]} and {W_v.shape[1]} must be multiples of H = {H}")
    Q, K, V = split_heads(X @ W_q, H), split_heads(X @ W_k, H), split_heads(X @ W_v, H)
    if mask is not None and np.ndim(mask) == 3:
        mask = np.asarray(mask)[:, None, :, :]  # (B, N, N) -> (B, 1, N, N): the same for every head
    heads, _ = scaled_dot_product_attention(Q, K, V, mask)
    return merge_heads(heads) @ W_o


# -- positional encoding (1.12.4) ----------------------------------------------------------


def frequencies(D: int) -> np.ndarray:
    """``w_i = 1 / 10000^(2i/D)`` for ``i = 0, ..., D/2 - 1``."""
    if D % 2:
        raise ValueError(f"D must be even, not {D}")
    return 1.0 / BASE ** (2 * np.arange(D // 2) / D)


def sinusoidal_encoding(positions: Sequence[int], D: int) -> np.ndarray:
    """Sinusoidal positional encodings ``r_n`` of the given positions (notes 1.12.4.3).

    ``r_n = [sin(w_0 n), cos(w_0 n), sin(w_1 n), cos(w_1 n), ..., sin(w_{D/2-1} n), cos(w_{D/2-1} n)]``
    with ``w_i = 1 / 10000^(2i/D)``: sin and cos interleaved, pair ``i`` at
    columns ``2i`` and ``2i + 1``.

    Parameters
    ----------
    positions : sequence of N ints (or floats)
    D : int
        even width of the encoding

    Returns
    -------
    ndarray of shape (N, D)
    """
    n = np.asarray(positions, dtype=float)[:, None]
    angles = n * frequencies(D)[None, :]
    R = np.empty((n.shape[0], D))
    R[:, 0::2] = np.sin(angles)
    R[:, 1::2] = np.cos(angles)
    return R


def relative_position_map(k: float, D: int) -> np.ndarray:
    """The matrix ``M_k`` with ``r_{n+k} = M_k r_n`` for every position n (notes 1.12.4.3).

    By ``sin(w(n + k)) = sin(wn) cos(wk) + cos(wn) sin(wk)`` and
    ``cos(w(n + k)) = cos(wn) cos(wk) - sin(wn) sin(wk)``, ``M_k`` is block
    diagonal with one 2 x 2 rotation per frequency::

        [[ cos(w_i k), sin(w_i k)],
         [-sin(w_i k), cos(w_i k)]]

    It depends on k only, not on n.

    Parameters
    ----------
    k : int or float
        the shift
    D : int
        even width of the encoding

    Returns
    -------
    ndarray of shape (D, D)
    """
    M = np.zeros((D, D))
    for i, w in enumerate(frequencies(D)):
        c, s = np.cos(w * k), np.sin(w * k)
        M[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = [[c, s], [-s, c]]
    return M


# -- the transformer block (1.12.3) --------------------------------------------------------


def mlp(Z: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """The block's two-layer network ``ReLU(Z W_1 + b_1) W_2 + b_2``."""
    hidden = np.maximum(Z @ np.asarray(params["W_1"], dtype=float) + np.asarray(params["b_1"], dtype=float), 0.0)
    return hidden @ np.asarray(params["W_2"], dtype=float) + np.asarray(params["b_2"], dtype=float)


def _attention_of_block(X: np.ndarray, params: Mapping[str, Any], mask: np.ndarray | None) -> np.ndarray:
    return multi_head_attention(
        X, params["W_q"], params["W_k"], params["W_v"], params["W_o"], int(params["heads"]), mask
    )


def transformer_block(
    X: np.ndarray, params: Mapping[str, Any], norm: str = "post", mask: np.ndarray | None = None
) -> np.ndarray:
    """A transformer layer: multi-head self-attention and a two-layer MLP, each with a residual
    connection and layer normalisation (notes 1.12.3).

    post-norm (the notes' first form)::

        Z = LayerNorm_1[Y(X) + X]
        X~ = LayerNorm_2[MLP(Z) + Z]

    pre-norm::

        Z = Y(LayerNorm_1[X]) + X
        X~ = MLP(LayerNorm_2[Z]) + Z

    ``Y`` is :func:`multi_head_attention`, ``MLP(Z) = ReLU(Z W_1 + b_1) W_2 + b_2``
    and each LayerNorm normalises every token over its D features (biased
    variance, eps = 1e-5) with its own ``gamma`` and ``beta``.

    Parameters
    ----------
    X : ndarray of shape (N, D) or (B, N, D)
    params : dict
        ``"W_q"``, ``"W_k"`` (D, H * D_k); ``"W_v"`` (D, H * D_v); ``"W_o"``
        (H * D_v, D); ``"heads"`` the int H; ``"W_1"`` (D, D_ff); ``"b_1"``
        (D_ff,); ``"W_2"`` (D_ff, D); ``"b_2"`` (D,); ``"gamma_1"``,
        ``"beta_1"``, ``"gamma_2"``, ``"beta_2"`` (D,)
    norm : str
        ``"post"`` or ``"pre"``
    mask : None or a mask for the attention, as in :func:`multi_head_attention`

    Returns
    -------
    ndarray of the shape of ``X``
    """
    X = np.asarray(X, dtype=float)
    ln1 = lambda M: layer_norm(M, params["gamma_1"], params["beta_1"])  # noqa: E731
    ln2 = lambda M: layer_norm(M, params["gamma_2"], params["beta_2"])  # noqa: E731
    if norm == "post":
        Z = ln1(_attention_of_block(X, params, mask) + X)
        return ln2(mlp(Z, params) + Z)
    if norm == "pre":
        Z = _attention_of_block(ln1(X), params, mask) + X
        return mlp(ln2(Z), params) + Z
    raise ValueError(f"norm should be 'post' or 'pre', not {norm!r}")


# -- generation: sampling the next token (1.12.5.2) ----------------------------------------


def temperature_softmax(a: np.ndarray, T: float) -> np.ndarray:
    """Temperature scaling: ``y_i = exp(a_i / T) / sum_j exp(a_j / T)`` over the last axis.

    T -> 0 concentrates the distribution on the largest logits, T = 1 is the
    plain softmax, T -> infinity makes it uniform.

    Parameters
    ----------
    a : ndarray of shape (..., V)
        logits
    T : float
        temperature, T > 0

    Returns
    -------
    ndarray of shape (..., V)
    """
    if T <= 0:
        raise ValueError(f"the temperature must be positive, not {T}")
    return softmax(np.asarray(a, dtype=float) / T, axis=-1)


def inverse_cdf(q: np.ndarray, u: float) -> int:
    """The smallest index j with ``q_0 + ... + q_j > u`` (the last index with q_j > 0 if rounding leaves none)."""
    cumulative = np.cumsum(q)
    above = np.flatnonzero(cumulative > u)
    if above.size:
        return int(above[0])
    return int(np.flatnonzero(np.asarray(q) > 0)[-1])


def descending_order(probs: np.ndarray) -> np.ndarray:
    """Token indices by decreasing probability, equal probabilities by increasing index."""
    return np.argsort(-np.asarray(probs, dtype=float), kind="stable")


def top_k_sample(probs: np.ndarray, k: int, u: float) -> tuple[int, np.ndarray]:
    """Top-k sampling with a supplied uniform.

    Keep the k most probable tokens (equal probabilities: the smaller index
    first), renormalise them to ``q`` (0 for every other token), and return
    the smallest index j with ``q_0 + ... + q_j > u``.

    Parameters
    ----------
    probs : ndarray of shape (V,)
        a probability distribution over the vocabulary
    k : int
        1 <= k <= V
    u : float
        a uniform number in [0, 1)

    Returns
    -------
    token : int
    q : ndarray of shape (V,)
        the truncated, renormalised distribution
    """
    probs = np.asarray(probs, dtype=float)
    keep = np.zeros(probs.shape, dtype=bool)
    keep[descending_order(probs)[:k]] = True
    q = np.where(keep, probs, 0.0)
    q = q / q.sum()
    return inverse_cdf(q, u), q


def top_p_sample(probs: np.ndarray, p: float, u: float) -> tuple[int, np.ndarray]:
    """Top-p (nucleus) sampling with a supplied uniform.

    Sort the tokens by decreasing probability (equal probabilities: smaller
    index first) and keep the shortest prefix whose cumulative probability
    reaches p (``>= p``): the token at which the sum first reaches p is kept,
    the ones after it are not. Renormalise the kept tokens to ``q`` and return
    the smallest index j (in vocabulary order) with ``q_0 + ... + q_j > u``.

    The notes say "exceeds p"; following Holtzman et al. (2020), who defined
    the nucleus, the sum only has to reach p.

    Parameters
    ----------
    probs : ndarray of shape (V,)
        a probability distribution over the vocabulary
    p : float
        0 < p <= 1
    u : float
        a uniform number in [0, 1)

    Returns
    -------
    token : int
    q : ndarray of shape (V,)
        the truncated, renormalised distribution
    """
    probs = np.asarray(probs, dtype=float)
    order = descending_order(probs)
    # Token r of the sorted list is kept if the tokens before it have not yet reached p.
    before = np.concatenate([[0.0], np.cumsum(probs[order])[:-1]])
    keep = np.zeros(probs.shape, dtype=bool)
    keep[order[before < p]] = True
    q = np.where(keep, probs, 0.0)
    q = q / q.sum()
    return inverse_cdf(q, u), q


# -- generation: greedy decoding and beam search over a score table ------------------------


def step_log_probs(tables: Sequence[np.ndarray], prefix: Sequence[int]) -> np.ndarray:
    """``log p(next token | prefix)`` for every token: ``tables[len(prefix)][prefix]``, shape (V,)."""
    return np.asarray(tables[len(prefix)], dtype=float)[tuple(int(token) for token in prefix)]


def greedy_decode(tables: Sequence[np.ndarray]) -> tuple[np.ndarray, float]:
    """Greedy decoding: at each step take the most probable next token (notes 1.12.5.2).

    The model is given as a table: ``tables[t][y_1, ..., y_t, v]`` is
    ``log p(y_{t+1} = v | y_1, ..., y_t)``, so ``tables[t]`` has ``t + 1`` axes
    of length V. On equal log-probabilities the smaller token is taken.

    Parameters
    ----------
    tables : list of T ndarrays, ``tables[t]`` of shape (V,) * (t + 1)

    Returns
    -------
    tokens : ndarray of shape (T,), int
    score : float
        the sequence's log-probability, the sum of its T log-probabilities
    """
    prefix: list[int] = []
    score = 0.0
    for _ in range(len(tables)):
        log_probs = step_log_probs(tables, prefix)
        token = int(np.argmax(log_probs))
        score += float(log_probs[token])
        prefix.append(token)
    return np.array(prefix, dtype=int), score


def beam_search(tables: Sequence[np.ndarray], beam_width: int) -> tuple[np.ndarray, np.ndarray]:
    """Beam search for the most probable sequences of length T (notes 1.12.5.2).

    Start from the empty sequence with score 0. At each step extend every
    kept sequence by every token, score each extension by its log-probability
    ``score + log p(v | sequence)``, and keep the ``beam_width`` best
    (equal scores: the lexicographically smaller sequence first). After T
    steps return the kept sequences, best first.

    Parameters
    ----------
    tables : list of T ndarrays, ``tables[t]`` of shape (V,) * (t + 1)
        ``tables[t][y_1, ..., y_t, v] = log p(y_{t+1} = v | y_1, ..., y_t)``
    beam_width : int
        how many sequences to keep (at most V^T)

    Returns
    -------
    sequences : ndarray of shape (beam_width, T), int
    scores : ndarray of shape (beam_width,)
        their log-probabilities, in decreasing order
    """
    beams: list[tuple[tuple[int, ...], float]] = [((), 0.0)]
    for _ in range(len(tables)):
        candidates = []
        for sequence, score in beams:
            log_probs = step_log_probs(tables, sequence)
            candidates.extend((sequence + (v,), score + float(log_probs[v])) for v in range(log_probs.size))
        candidates.sort(key=lambda item: (-item[1], item[0]))
        beams = candidates[:beam_width]
    return np.array([s for s, _ in beams], dtype=int), np.array([score for _, score in beams])
