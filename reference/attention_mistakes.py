"""Known mistakes in the attention exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/attention.py`` and
``grader/catalog/attention_generation.py`` name them with a hint. Variants that
overflow do so quietly (NumPy's warnings are silenced), as a student's code
would, so that the grader's output stays clean.
"""

from __future__ import annotations

import numpy as np

from reference.attention import (
    frequencies,
    inverse_cdf,
    layer_norm,
    masked_scores,
    merge_heads,
    mlp,
    multi_head_attention,
    softmax,
    split_heads,
    step_log_probs,
    to_additive,
)


def _naive_softmax(S, axis=-1):
    """exp(S) / sum exp(S) without the max shift: overflows to NaN, and all -inf rows give 0/0."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(np.asarray(S, dtype=float))
        return e / e.sum(axis=axis, keepdims=True)


# -- self_attention ------------------------------------------------------------------------


def self_attention_wrong_axis(X):
    """The softmax normalises each column of X X^T instead of each row."""
    X = np.asarray(X, dtype=float)
    return softmax(X @ X.T, axis=0) @ X


def self_attention_whole_matrix(X):
    """The softmax normalises over all N^2 scores at once instead of each row."""
    X = np.asarray(X, dtype=float)
    S = X @ X.T
    e = np.exp(S - S.max())
    return e / e.sum() @ X


def self_attention_no_max_shift(X):
    """exp(X X^T) without subtracting the row maximum: large tokens overflow to NaN."""
    X = np.asarray(X, dtype=float)
    with np.errstate(invalid="ignore"):
        return _naive_softmax(X @ X.T) @ X


def self_attention_returns_weights(X):
    """Returns the attention weights Softmax[X X^T] instead of the new tokens Y = A X."""
    X = np.asarray(X, dtype=float)
    return softmax(X @ X.T)


# -- scaled_dot_product_attention -----------------------------------------------------------


def _scores(Q, K):
    Q, K = np.asarray(Q, dtype=float), np.asarray(K, dtype=float)
    return Q @ np.swapaxes(K, -1, -2)


def _allowed(mask):
    """Where a boolean (True = allowed) or additive (0 / -inf) mask allows attention."""
    mask = np.asarray(mask)
    return mask if mask.dtype == bool else mask > -np.inf


def scaled_dot_product_attention_no_scaling(Q, K, V, mask=None):
    """Softmax[Q K^T + M] V: the scores are not divided by sqrt(D_k)."""
    A = softmax(masked_scores(_scores(Q, K), mask))
    return A @ np.asarray(V, dtype=float), A


def scaled_dot_product_attention_wrong_axis(Q, K, V, mask=None):
    """The softmax runs over the queries (axis -2) instead of the keys (axis -1)."""
    Q = np.asarray(Q, dtype=float)
    A = softmax(masked_scores(_scores(Q, K) / np.sqrt(Q.shape[-1]), mask), axis=-2)
    return A @ np.asarray(V, dtype=float), A


def scaled_dot_product_attention_mask_after_softmax(Q, K, V, mask=None):
    """The weights are zeroed where masked after the softmax, so rows no longer sum to 1."""
    Q = np.asarray(Q, dtype=float)
    A = softmax(_scores(Q, K) / np.sqrt(Q.shape[-1]))
    if mask is not None:
        A = A * _allowed(mask)
    return A @ np.asarray(V, dtype=float), A


def scaled_dot_product_attention_mask_with_zero(Q, K, V, mask=None):
    """A boolean mask sets blocked scores to 0 instead of -inf (exp(0) = 1 still counts)."""
    Q = np.asarray(Q, dtype=float)
    scores = _scores(Q, K) / np.sqrt(Q.shape[-1])
    if mask is not None and np.asarray(mask).dtype == bool:
        scores = np.where(mask, scores, 0.0)
    else:
        scores = masked_scores(scores, mask)
    A = softmax(scores)
    return A @ np.asarray(V, dtype=float), A


def scaled_dot_product_attention_mask_inverted(Q, K, V, mask=None):
    """A boolean mask read as True = blocked (nn.MultiheadAttention's convention)."""
    if mask is not None and np.asarray(mask).dtype == bool:
        mask = ~np.asarray(mask)
    Q = np.asarray(Q, dtype=float)
    A = softmax(masked_scores(_scores(Q, K) / np.sqrt(Q.shape[-1]), mask))
    return A @ np.asarray(V, dtype=float), A


def scaled_dot_product_attention_nan_rows(Q, K, V, mask=None):
    """A row whose keys are all masked is 0/0 = NaN instead of zeros."""
    Q = np.asarray(Q, dtype=float)
    scores = masked_scores(_scores(Q, K) / np.sqrt(Q.shape[-1]), mask)
    with np.errstate(invalid="ignore"):
        top = np.max(scores, axis=-1, keepdims=True)
        e = np.exp(scores - top)
        A = e / e.sum(axis=-1, keepdims=True)
        return A @ np.asarray(V, dtype=float), A


# -- attention_head ------------------------------------------------------------------------


def _projections(X_q, X_kv, W_q, W_k, W_v):
    X_q, X_kv = np.asarray(X_q, dtype=float), np.asarray(X_kv, dtype=float)
    return X_q @ np.asarray(W_q, dtype=float), X_kv @ np.asarray(W_k, dtype=float), X_kv @ np.asarray(W_v, dtype=float)


def attention_head_model_width(X_q, X_kv, W_q, W_k, W_v):
    """Scores divided by sqrt(D), the width of the tokens, instead of sqrt(D_k), the width of the keys."""
    Q, K, V = _projections(X_q, X_kv, W_q, W_k, W_v)
    return softmax(Q @ K.T / np.sqrt(np.shape(X_q)[-1])) @ V


def attention_head_no_scaling(X_q, X_kv, W_q, W_k, W_v):
    """Softmax[Q K^T] V: the scores are not divided by sqrt(D_k)."""
    Q, K, V = _projections(X_q, X_kv, W_q, W_k, W_v)
    return softmax(Q @ K.T) @ V


def attention_head_divided_by_d_k(X_q, X_kv, W_q, W_k, W_v):
    """Scores divided by D_k instead of sqrt(D_k)."""
    Q, K, V = _projections(X_q, X_kv, W_q, W_k, W_v)
    return softmax(Q @ K.T / Q.shape[-1]) @ V


def attention_head_values_not_projected(X_q, X_kv, W_q, W_k, W_v):
    """The values are the tokens themselves (V = X_kv) instead of X_kv W_v."""
    Q, K, _ = _projections(X_q, X_kv, W_q, W_k, W_v)
    return softmax(Q @ K.T / np.sqrt(Q.shape[-1])) @ np.asarray(X_kv, dtype=float)


def attention_head_roles_swapped(X_q, X_kv, W_q, W_k, W_v):
    """Queries from X_kv, keys and values from X_q (the encoder and decoder roles swapped)."""
    Q, K, V = _projections(X_kv, X_q, W_q, W_k, W_v)
    return softmax(Q @ K.T / np.sqrt(Q.shape[-1])) @ V


# -- causal_mask and padding_mask -------------------------------------------------------------


def causal_mask_inverted(N, additive=False):
    """Allows keys j >= i (the future) instead of j <= i."""
    allowed = np.triu(np.ones((N, N), dtype=bool))
    return to_additive(allowed) if additive else allowed


def causal_mask_diagonal_blocked(N, additive=False):
    """Allows only j < i: a query may not attend to itself (the notes' slip; row 0 is then fully masked)."""
    allowed = np.tril(np.ones((N, N), dtype=bool), k=-1)
    return to_additive(allowed) if additive else allowed


def causal_mask_multiplicative(N, additive=False):
    """The additive form written as 1 (allowed) and 0 (blocked), a mask to multiply, as the notes' 'o M' suggests."""
    allowed = np.tril(np.ones((N, N), dtype=bool))
    return allowed.astype(float) if additive else allowed


def _padding(lengths, N, additive, allowed_of):
    lengths = np.asarray(lengths, dtype=int)[:, None, None]
    i, j = np.arange(N)[None, :, None], np.arange(N)[None, None, :]
    allowed = np.broadcast_to(allowed_of(i, j, lengths), (lengths.shape[0], N, N)).copy()
    return to_additive(allowed) if additive else allowed


def padding_mask_inverted(lengths, N, additive=False):
    """True on the padding keys (the key_padding_mask convention of nn.MultiheadAttention, True = ignore)."""
    return _padding(lengths, N, additive, lambda i, j, n: j >= n)


def padding_mask_rows(lengths, N, additive=False):
    """Masks the padding queries (rows) instead of the padding keys (columns)."""
    return _padding(lengths, N, additive, lambda i, j, n: i < n)


def padding_mask_rows_and_columns(lengths, N, additive=False):
    """Masks padding rows as well as padding columns: padding queries are left with no key at all."""
    return _padding(lengths, N, additive, lambda i, j, n: (i < n) & (j < n))


def padding_mask_off_by_one(lengths, N, additive=False):
    """Allows keys j <= length: the first padding key counts as a real token."""
    return _padding(lengths, N, additive, lambda i, j, n: j <= n)


# -- multi_head_attention ------------------------------------------------------------------


def _mha(X, W_q, W_k, W_v, W_o, H, mask, *, split, merge, scale, project=True):
    """Multi-head attention with the head split, the merge, the scale or the output projection swapped."""
    X = np.asarray(X, dtype=float)
    Q, K, V = (split(X @ np.asarray(W, dtype=float), H) for W in (W_q, W_k, W_v))
    if mask is not None and np.ndim(mask) == 3:
        mask = np.asarray(mask)[:, None, :, :]
    A = softmax(masked_scores(Q @ np.swapaxes(K, -1, -2) / scale(X, Q), mask))
    heads = merge(A @ V)
    return heads @ np.asarray(W_o, dtype=float) if project else heads


def _split_without_transpose(M, H):
    """(..., N, H d) reshaped straight to (..., H, N, d): rows of different tokens get mixed."""
    *lead, N, width = M.shape
    return M.reshape(*lead, H, N, width // H)


def _merge_without_transpose(M):
    *lead, H, N, d = M.shape
    return M.reshape(*lead, N, H * d)


def _sqrt_d_k(X, Q):
    return np.sqrt(Q.shape[-1])


def multi_head_attention_reshape_without_transpose(X, W_q, W_k, W_v, W_o, H, mask=None):
    """Heads made with reshape(..., H, N, d) and merged with reshape(..., N, H d), without swapping the axes."""
    return _mha(
        X, W_q, W_k, W_v, W_o, H, mask, split=_split_without_transpose, merge=_merge_without_transpose, scale=_sqrt_d_k
    )


def multi_head_attention_model_width(X, W_q, W_k, W_v, W_o, H, mask=None):
    """Each head's scores divided by sqrt(D), the model width, instead of sqrt(D_k)."""
    return _mha(
        X, W_q, W_k, W_v, W_o, H, mask, split=split_heads, merge=merge_heads, scale=lambda X, Q: np.sqrt(X.shape[-1])
    )


def multi_head_attention_no_scaling(X, W_q, W_k, W_v, W_o, H, mask=None):
    """Each head's scores are not divided by sqrt(D_k)."""
    return _mha(X, W_q, W_k, W_v, W_o, H, mask, split=split_heads, merge=merge_heads, scale=lambda X, Q: 1.0)


def multi_head_attention_heads_not_split(X, W_q, W_k, W_v, W_o, H, mask=None):
    """One head over all H D_k columns (scaled by sqrt(H D_k)) instead of H heads."""
    return multi_head_attention(X, W_q, W_k, W_v, W_o, 1, mask)


def multi_head_attention_no_output_projection(X, W_q, W_k, W_v, W_o, H, mask=None):
    """Returns Concat[H_1, ..., H_H] without multiplying by W_o."""
    return _mha(X, W_q, W_k, W_v, W_o, H, mask, split=split_heads, merge=merge_heads, scale=_sqrt_d_k, project=False)


# -- sinusoidal_encoding and relative_position_map ----------------------------------------------


def _interleave(n, w):
    angles = np.asarray(n, dtype=float)[:, None] * w[None, :]
    R = np.empty((angles.shape[0], 2 * w.size))
    R[:, 0::2], R[:, 1::2] = np.sin(angles), np.cos(angles)
    return R


def sinusoidal_encoding_exponent_i(positions, D):
    """w_i = 1 / 10000^(i/D) instead of 1 / 10000^(2i/D)."""
    return _interleave(positions, 1.0 / 10000.0 ** (np.arange(D // 2) / D))


def sinusoidal_encoding_concatenated(positions, D):
    """[sin(w_0 n), ..., sin(w_{D/2-1} n), cos(w_0 n), ..., cos(w_{D/2-1} n)]: concatenated, not interleaved."""
    angles = np.asarray(positions, dtype=float)[:, None] * frequencies(D)[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)


def sinusoidal_encoding_indexed_from_one(positions, D):
    """Pairs numbered i = 1 .. D/2, so every frequency is 10000^(-2/D) times too small and none is 1."""
    return _interleave(positions, 1.0 / 10000.0 ** (2 * np.arange(1, D // 2 + 1) / D))


def sinusoidal_encoding_cos_first(positions, D):
    """cos in the even columns and sin in the odd ones."""
    R = _interleave(positions, frequencies(D))
    return R[:, [j + 1 if j % 2 == 0 else j - 1 for j in range(D)]]


def _rotations(k, w, block):
    D = 2 * w.size
    M = np.zeros((D, D))
    for i, wi in enumerate(w):
        M[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = block(np.cos(wi * k), np.sin(wi * k))
    return M


def relative_position_map_transposed(k, D):
    """Blocks [[cos, -sin], [sin, cos]]: the rotation the other way, which maps r_n to r_{n-k}."""
    return _rotations(k, frequencies(D), lambda c, s: [[c, -s], [s, c]])


def relative_position_map_exponent_i(k, D):
    """Blocks built from w_i = 1 / 10000^(i/D) instead of 1 / 10000^(2i/D)."""
    return _rotations(k, 1.0 / 10000.0 ** (np.arange(D // 2) / D), lambda c, s: [[c, s], [-s, c]])


def relative_position_map_one_frequency(k, D):
    """Every block rotates by the first frequency's angle k instead of its own w_i k."""
    return _rotations(k, np.ones(D // 2), lambda c, s: [[c, s], [-s, c]])


# -- transformer_block -----------------------------------------------------------------------


def _block(
    X, params, norm, mask, *, residual=True, ln_axis=-1, ddof=0, pre_adds_normalised=False, post_norm_inside=False
):
    """A transformer block with one part changed (see the variants below)."""
    X = np.asarray(X, dtype=float)

    def ln(M, which):
        mu = M.mean(axis=ln_axis, keepdims=True)
        var = M.var(axis=ln_axis, keepdims=True, ddof=ddof)
        gamma, beta = np.asarray(params[f"gamma_{which}"]), np.asarray(params[f"beta_{which}"])
        return gamma * (M - mu) / np.sqrt(var + 1e-5) + beta

    def attention(M):
        W_q, W_k, W_v, W_o = params["W_q"], params["W_k"], params["W_v"], params["W_o"]
        return multi_head_attention(M, W_q, W_k, W_v, W_o, int(params["heads"]), mask)

    r = 1.0 if residual else 0.0
    if norm == "post":
        if post_norm_inside:
            Z = ln(attention(X), "1") + r * X
            return ln(mlp(Z, params), "2") + r * Z
        Z = ln(attention(X) + r * X, "1")
        return ln(mlp(Z, params) + r * Z, "2")
    if norm == "pre":
        X1 = ln(X, "1")
        Z = attention(X1) + r * (X1 if pre_adds_normalised else X)
        Z2 = ln(Z, "2")
        return mlp(Z2, params) + r * (Z2 if pre_adds_normalised else Z)
    raise ValueError(f"norm should be 'post' or 'pre', not {norm!r}")


def transformer_block_no_residual(X, params, norm="post", mask=None):
    """No residual connections: the sublayers' outputs are not added to their inputs."""
    return _block(X, params, norm, mask, residual=False)


def transformer_block_norm_over_tokens(X, params, norm="post", mask=None):
    """Layer normalisation over the tokens (axis -2) instead of over each token's features (axis -1)."""
    return _block(X, params, norm, mask, ln_axis=-2)


def transformer_block_unbiased_variance(X, params, norm="post", mask=None):
    """Layer normalisation with the unbiased variance (divided by D - 1) instead of the 1/D variance."""
    return _block(X, params, norm, mask, ddof=1)


def transformer_block_pre_norm_adds_normalised(X, params, norm="post", mask=None):
    """Pre-norm residuals add the normalised input, LN(X) + Y(LN(X)), instead of X + Y(LN(X))."""
    return _block(X, params, norm, mask, pre_adds_normalised=True)


def transformer_block_post_norm_before_residual(X, params, norm="post", mask=None):
    """Post-norm normalises the sublayer's output before the residual, LN(Y(X)) + X, instead of LN(Y(X) + X)."""
    return _block(X, params, norm, mask, post_norm_inside=True)


# -- temperature_softmax -----------------------------------------------------------------------


def temperature_softmax_multiplied(a, T):
    """softmax(a T): the logits are multiplied by the temperature instead of divided."""
    return softmax(np.asarray(a, dtype=float) * T)


def temperature_softmax_no_max_shift(a, T):
    """exp(a / T) without subtracting the maximum: small temperatures overflow to NaN."""
    return _naive_softmax(np.asarray(a, dtype=float) / T)


def temperature_softmax_on_probabilities(a, T):
    """softmax(a) / T: the probabilities are divided by T, so they no longer sum to 1."""
    return softmax(np.asarray(a, dtype=float)) / T


def temperature_softmax_wrong_axis(a, T):
    """The softmax of a batch of logits runs over the first axis instead of the vocabulary (last) axis."""
    return softmax(np.asarray(a, dtype=float) / T, axis=0)


# -- top_k_sample and top_p_sample ------------------------------------------------------------


def _loop_sample(q, u):
    """The inverse CDF as a loop that returns the last token if the sum never exceeds u."""
    total = 0.0
    for j, qj in enumerate(q):
        total += qj
        if total > u:
            return j
    return len(q) - 1


def _sample_in_sorted_order(q, u, probs):
    order = np.argsort(-np.asarray(probs, dtype=float), kind="stable")
    return int(order[inverse_cdf(q[order], u)])


def _keep_top(probs, k, *, smallest=False):
    probs = np.asarray(probs, dtype=float)
    order = np.argsort(probs if smallest else -probs, kind="stable")
    keep = np.zeros(probs.shape, dtype=bool)
    keep[order[:k]] = True
    return probs, keep


def top_k_sample_not_renormalised(probs, k, u):
    """The k kept probabilities are not divided by their sum."""
    probs, keep = _keep_top(probs, k)
    q = np.where(keep, probs, 0.0)
    return _loop_sample(q, u), q


def top_k_sample_smallest(probs, k, u):
    """Keeps the k least probable tokens (an ascending sort) instead of the k most probable."""
    probs, keep = _keep_top(probs, k, smallest=True)
    q = np.where(keep, probs, 0.0) / probs[keep].sum()
    return inverse_cdf(q, u), q


def top_k_sample_sorted_order(probs, k, u):
    """Sums the probabilities in decreasing order of probability instead of in vocabulary order."""
    probs, keep = _keep_top(probs, k)
    q = np.where(keep, probs, 0.0) / probs[keep].sum()
    return _sample_in_sorted_order(q, u, probs), q


def top_k_sample_one_extra(probs, k, u):
    """Keeps k + 1 tokens (an off-by-one in the slice)."""
    probs, keep = _keep_top(probs, k + 1)
    q = np.where(keep, probs, 0.0) / probs[keep].sum()
    return inverse_cdf(q, u), q


def _nucleus(probs, p, *, rule, ascending=False):
    """Keep sorted tokens by ``rule(before, cumulative, p)``: sums without and with the token itself."""
    probs = np.asarray(probs, dtype=float)
    order = np.argsort(probs if ascending else -probs, kind="stable")
    cumulative = np.cumsum(probs[order])
    before = np.concatenate([[0.0], cumulative[:-1]])
    keep = np.zeros(probs.shape, dtype=bool)
    keep[order[rule(before, cumulative, p)]] = True
    with np.errstate(invalid="ignore"):
        q = np.where(keep, probs, 0.0) / probs[keep].sum()
    return probs, q


def _reaches(before, cumulative, p):
    return before < p


def top_p_sample_boundary_excluded(probs, p, u):
    """Keeps only the tokens whose cumulative probability is still below p: the token that reaches p is dropped."""
    _, q = _nucleus(probs, p, rule=lambda before, cumulative, p: cumulative < p)
    return _loop_sample(q, u), q


def top_p_sample_boundary_strict(probs, p, u):
    """Stops only when the sum exceeds p strictly: when it equals p exactly, one token too many is kept."""
    _, q = _nucleus(probs, p, rule=lambda before, cumulative, p: before <= p)
    return inverse_cdf(q, u), q


def top_p_sample_not_renormalised(probs, p, u):
    """The kept probabilities are not divided by their sum."""
    probs, q = _nucleus(probs, p, rule=_reaches)
    q = np.where(q > 0, probs, 0.0)
    return _loop_sample(q, u), q


def top_p_sample_sorted_order(probs, p, u):
    """Sums the kept probabilities in decreasing order of probability instead of in vocabulary order."""
    probs, q = _nucleus(probs, p, rule=_reaches)
    return _sample_in_sorted_order(q, u, probs), q


def top_p_sample_least_probable(probs, p, u):
    """Sorts in increasing order, so the nucleus is made of the least probable tokens."""
    _, q = _nucleus(probs, p, rule=_reaches, ascending=True)
    return inverse_cdf(q, u), q


# -- greedy_decode ---------------------------------------------------------------------------


def _greedy(tables, choose):
    """Greedy decoding where ``choose(tables, t, prefix)`` returns (token, its log-probability)."""
    prefix, score = [], 0.0
    for t in range(len(tables)):
        token, log_prob = choose(tables, t, prefix)
        prefix.append(int(token))
        score += float(log_prob)
    return np.array(prefix, dtype=int), score


def greedy_decode_prefix_ignored(tables):
    """Every step reads the row of prefix (0, ..., 0) instead of the prefix actually chosen."""

    def choose(tables, t, prefix):
        row = step_log_probs(tables, [0] * t)
        return int(np.argmax(row)), row[int(np.argmax(row))]

    return _greedy(tables, choose)


def greedy_decode_global_argmax(tables):
    """Takes the largest entry of the whole table tables[t] (over every prefix), not of the prefix's row."""

    def choose(tables, t, prefix):
        table = np.asarray(tables[t], dtype=float)
        index = np.unravel_index(int(np.argmax(table)), table.shape)
        return index[-1], table[index]

    return _greedy(tables, choose)


def greedy_decode_prefix_reversed(tables):
    """Indexes the table with the prefix in reverse order, tables[t][y_t, ..., y_1]."""

    def choose(tables, t, prefix):
        row = step_log_probs(tables, prefix[::-1])
        return int(np.argmax(row)), row[int(np.argmax(row))]

    return _greedy(tables, choose)


def greedy_decode_last_on_ties(tables):
    """On equal log-probabilities takes the larger token instead of the smaller."""

    def choose(tables, t, prefix):
        row = step_log_probs(tables, prefix)
        token = row.size - 1 - int(np.argmax(row[::-1]))
        return token, row[token]

    return _greedy(tables, choose)


# -- beam_search -----------------------------------------------------------------------------


def _beam(tables, beam_width, *, combine, start=0.0, descending=True, expand_all=True):
    beams = [((), start)]
    for _ in range(len(tables)):
        candidates = []
        for sequence, score in (beams if expand_all else beams[:1]):
            log_probs = step_log_probs(tables, sequence)
            candidates.extend((sequence + (v,), combine(score, float(log_probs[v]))) for v in range(log_probs.size))
        sign = -1.0 if descending else 1.0
        candidates.sort(key=lambda item: (sign * item[1], item[0]))
        beams = candidates[:beam_width]
    return np.array([s for s, _ in beams], dtype=int), np.array([score for _, score in beams])


def beam_search_scores_not_accumulated(tables, beam_width):
    """Scores each extension by its last log-probability alone instead of the sum along the sequence."""
    return _beam(tables, beam_width, combine=lambda score, log_prob: log_prob)


def beam_search_log_probs_multiplied(tables, beam_width):
    """Multiplies the log-probabilities (from a start of 1) instead of adding them."""
    return _beam(tables, beam_width, combine=lambda score, log_prob: score * log_prob, start=1.0)


def beam_search_only_best_expanded(tables, beam_width):
    """Extends only the best sequence at every step, so the beam never leaves the greedy path."""
    return _beam(tables, beam_width, combine=lambda score, log_prob: score + log_prob, expand_all=False)


def beam_search_keeps_lowest(tables, beam_width):
    """Keeps the beam_width lowest scores (sorted ascending) instead of the highest."""
    return _beam(tables, beam_width, combine=lambda score, log_prob: score + log_prob, descending=False)
