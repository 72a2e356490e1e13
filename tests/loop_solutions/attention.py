"""Attention and transformers in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np

from _loops import matmul


def _softmax_row(values):
    finite = [v for v in values if v != -math.inf]
    if not finite:
        return [0.0] * len(values)
    top = max(finite)
    e = [0.0 if v == -math.inf else math.exp(v - top) for v in values]
    s = sum(e)
    return [v / s for v in e]


def self_attention(X):
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    S = matmul(X, X.T)
    Y = np.zeros(X.shape)
    for i in range(n):
        w = _softmax_row([S[i, j] for j in range(n)])
        for c in range(X.shape[1]):
            s = 0.0
            for j in range(n):
                s += w[j] * X[j, c]
            Y[i, c] = s
    return Y


def _attention_2d(Q, K, V, mask):
    n, d = Q.shape
    m = K.shape[0]
    A = np.zeros((n, m))
    for i in range(n):
        row = []
        for j in range(m):
            s = 0.0
            for t in range(d):
                s += Q[i, t] * K[j, t]
            s /= math.sqrt(d)
            if mask is not None:
                if mask.dtype == bool:
                    s = s if mask[i, j] else -math.inf
                else:
                    s = s + mask[i, j]
            row.append(s)
        for j, w in enumerate(_softmax_row(row)):
            A[i, j] = w
    return matmul(A, V), A


def scaled_dot_product_attention(Q, K, V, mask=None):
    Q, K, V = (np.asarray(M, dtype=float) for M in (Q, K, V))
    lead = Q.shape[:-2]
    if mask is not None:
        mask = np.asarray(mask)
        mask = np.broadcast_to(mask, lead + mask.shape[-2:]) if mask.ndim < Q.ndim or mask.shape[:-2] != lead \
            else mask
    Y = np.zeros(lead + (Q.shape[-2], V.shape[-1]))
    A = np.zeros(lead + (Q.shape[-2], K.shape[-2]))
    for index in np.ndindex(lead):
        Y[index], A[index] = _attention_2d(Q[index], K[index], V[index], None if mask is None else mask[index])
    return Y, A


def attention_head(X_q, X_kv, W_q, W_k, W_v):
    Y, _ = scaled_dot_product_attention(matmul(X_q, W_q), matmul(X_kv, W_k), matmul(X_kv, W_v))
    return Y


def causal_mask(N, additive=False):
    M = np.zeros((N, N)) if additive else np.zeros((N, N), dtype=bool)
    for i in range(N):
        for j in range(N):
            if additive:
                M[i, j] = 0.0 if j <= i else -math.inf
            else:
                M[i, j] = j <= i
    return M


def padding_mask(lengths, N, additive=False):
    B = len(lengths)
    M = np.zeros((B, N, N)) if additive else np.zeros((B, N, N), dtype=bool)
    for b in range(B):
        for i in range(N):
            for j in range(N):
                allowed = j < lengths[b]
                M[b, i, j] = (0.0 if allowed else -math.inf) if additive else allowed
    return M


def multi_head_attention(X, W_q, W_k, W_v, W_o, H, mask=None):
    X = np.asarray(X, dtype=float)
    W_q, W_k, W_v, W_o = (np.asarray(W, dtype=float) for W in (W_q, W_k, W_v, W_o))
    batched = X.ndim == 3
    Xs = X if batched else X[None]
    masks = None
    if mask is not None:
        mask = np.asarray(mask)
        masks = [mask[b] if mask.ndim == 3 else mask for b in range(len(Xs))]
    out = []
    for b in range(len(Xs)):
        Q, K, V = matmul(Xs[b], W_q), matmul(Xs[b], W_k), matmul(Xs[b], W_v)
        d_k, d_v = Q.shape[1] // H, V.shape[1] // H
        heads = []
        for h in range(H):
            Y, _ = _attention_2d(Q[:, h * d_k:(h + 1) * d_k], K[:, h * d_k:(h + 1) * d_k], V[:, h * d_v:(h + 1) * d_v],
                                 None if masks is None else masks[b])
            heads.append(Y)
        concatenated = np.zeros((Xs.shape[1], H * d_v))
        for h in range(H):
            for i in range(Xs.shape[1]):
                for c in range(d_v):
                    concatenated[i, h * d_v + c] = heads[h][i, c]
        out.append(matmul(concatenated, W_o))
    return np.array(out) if batched else out[0]


def sinusoidal_encoding(positions, D):
    R = np.zeros((len(positions), D))
    for r, n in enumerate(positions):
        for i in range(D // 2):
            w = 1.0 / 10000.0 ** (2 * i / D)
            R[r, 2 * i] = math.sin(n * w)
            R[r, 2 * i + 1] = math.cos(n * w)
    return R


def relative_position_map(k, D):
    M = np.zeros((D, D))
    for i in range(D // 2):
        w = 1.0 / 10000.0 ** (2 * i / D)
        c, s = math.cos(w * k), math.sin(w * k)
        M[2 * i, 2 * i], M[2 * i, 2 * i + 1] = c, s
        M[2 * i + 1, 2 * i], M[2 * i + 1, 2 * i + 1] = -s, c
    return M


def transformer_block(X, params, norm="post", mask=None):
    X = np.asarray(X, dtype=float)

    def layer_norm(M, which):
        gamma, beta = np.asarray(params["gamma_" + which], dtype=float), np.asarray(params["beta_" + which], dtype=float)
        out = np.zeros(M.shape)
        for index in np.ndindex(M.shape[:-1]):
            row = [M[index][c] for c in range(M.shape[-1])]
            mu = sum(row) / len(row)
            var = sum((v - mu) ** 2 for v in row) / len(row)
            for c in range(len(row)):
                out[index + (c,)] = gamma[c] * (row[c] - mu) / math.sqrt(var + 1e-5) + beta[c]
        return out

    def attention(M):
        return multi_head_attention(M, params["W_q"], params["W_k"], params["W_v"], params["W_o"], params["heads"], mask)

    def mlp(M):
        b_1, b_2 = np.asarray(params["b_1"], dtype=float), np.asarray(params["b_2"], dtype=float)
        rows = M.reshape(-1, M.shape[-1])
        hidden = matmul(rows, params["W_1"])
        for i in range(hidden.shape[0]):
            for j in range(hidden.shape[1]):
                hidden[i, j] = max(hidden[i, j] + b_1[j], 0.0)
        out = matmul(hidden, params["W_2"])
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] += b_2[j]
        return out.reshape(M.shape[:-1] + (out.shape[1],))

    if norm == "post":
        Z = layer_norm(attention(X) + X, "1")
        return layer_norm(mlp(Z) + Z, "2")
    Z = attention(layer_norm(X, "1")) + X
    return mlp(layer_norm(Z, "2")) + Z


def temperature_softmax(a, T):
    a = np.asarray(a, dtype=float)
    out = np.zeros(a.shape)
    for index in np.ndindex(a.shape[:-1]):
        row = _softmax_row([a[index][c] / T for c in range(a.shape[-1])])
        for c, v in enumerate(row):
            out[index + (c,)] = v
    return out


def greedy_decode(tables):
    prefix, score = [], 0.0
    for t in range(len(tables)):
        row = np.asarray(tables[t])[tuple(prefix)]
        best = 0
        for v in range(len(row)):
            if row[v] > row[best]:
                best = v
        prefix.append(best)
        score += float(row[best])
    return np.array(prefix), score


def _order(probs):
    return sorted(range(len(probs)), key=lambda j: (-probs[j], j))


def _draw(q, u, fallback):
    cumulative = 0.0
    for j in range(len(q)):
        cumulative += q[j]
        if cumulative > u:
            return j
    return fallback


def top_k_sample(probs, k, u):
    probs = np.asarray(probs, dtype=float)
    kept = _order(probs)[:k]
    q = np.zeros(len(probs))
    total = 0.0
    for j in kept:
        total += probs[j]
    for j in kept:
        q[j] = probs[j] / total
    return _draw(q, u, max(kept)), q


def top_p_sample(probs, p, u):
    probs = np.asarray(probs, dtype=float)
    q = np.zeros(len(probs))
    total = 0.0
    for j in _order(probs):
        q[j] = probs[j]
        total += probs[j]
        if total >= p:
            break
    s = 0.0
    for j in range(len(q)):
        s += q[j]
    last = 0
    for j in range(len(q)):
        q[j] = q[j] / s
        if q[j] > 0:
            last = j
    return _draw(q, u, last), q


def beam_search(tables, beam_width):
    beams = [((), 0.0)]
    for t in range(len(tables)):
        candidates = []
        for sequence, score in beams:
            row = np.asarray(tables[t])[sequence]
            for v in range(len(row)):
                candidates.append((sequence + (v,), score + float(row[v])))
        candidates.sort(key=lambda candidate: (-candidate[1], candidate[0]))
        beams = candidates[:beam_width]
    return np.array([sequence for sequence, _ in beams]), np.array([score for _, score in beams])
