"""Attention and transformers (course notes 1.12).

Conventions used by every function in this module:

- a sequence of N tokens of width D is a matrix ``X`` of shape ``(N, D)``,
  one token per row; projections multiply from the right, ``Q = X W_q`` with
  ``W_q`` of shape ``(D, D_k)``. Where a docstring says so, a leading batch
  dimension is allowed: ``(B, N, D)``.
- every softmax runs over the LAST axis (over the keys, or over the
  vocabulary) and subtracts the maximum first, so large scores do not overflow.
- a mask comes in one of two forms. A boolean mask is True where the query MAY
  attend to the key (as in torch's ``scaled_dot_product_attention``; torch's
  ``nn.MultiheadAttention`` uses the opposite, True = blocked). An additive
  mask is a float array added to the scores before the softmax: 0 where
  allowed, ``-inf`` where blocked. Masked weights are exactly 0. A query
  whose keys are all blocked gets weights 0 and output 0, not NaN.
- multi-head projections hold the heads side by side: head ``h`` uses columns
  ``h*D_k`` to ``(h+1)*D_k - 1`` of ``W_q`` and ``W_k`` (and of ``W_v`` with D_v).
- the sinusoidal encoding interleaves sin and cos, pair ``i = 0 .. D/2 - 1``
  in columns ``2i`` (sin) and ``2i + 1`` (cos), with ``w_i = 1 / 10000^(2i/D)``.
- random choices are made with a uniform number ``u`` in [0, 1) that you are
  given: the sampled token is the smallest index ``j`` (in vocabulary order)
  whose cumulative probability ``q_0 + ... + q_j`` exceeds ``u``. Where
  rounding leaves every cumulative sum at or below ``u`` (u close to 1, for
  example ``1 - 2**-53``), the sampled token is the last one with ``q_j > 0``.

Inputs are NumPy arrays of floats (masks of bools or floats), lists of ints
and Python numbers. Return NumPy arrays (lists and torch tensors are accepted
too), float64, or float32 compared with float32 tolerances (relative 1e-4,
absolute 1e-6); tokens and sequences are ints (checked: 2.0 is not a token).

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check attention``). You may call your
own functions from one another (``multi_head_attention`` can use
``scaled_dot_product_attention``).
"""

import numpy as np


def self_attention(X):
    """Return dot-product self-attention without parameters, Y = Softmax[X X^T] X (notes 1.12.2.2).

    Time budget: 2 s of CPU per call (the course default).

    The attention weight of query n on key m is
    ``a_nm = exp(x_n . x_m) / sum_m' exp(x_n . x_m')``: a softmax over each ROW
    of the score matrix ``X X^T``. The new token n is ``y_n = sum_m a_nm x_m``.
    Subtract each row's maximum before ``exp`` so that large tokens do not
    overflow.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        the tokens, one per row

    Returns
    -------
    ndarray of shape (N, D)
        the new tokens Y
    """
    raise NotImplementedError


def scaled_dot_product_attention(Q, K, V, mask=None):
    """Return scaled dot-product attention and its weights (notes 1.12.2.3, 1.12.5.2).

    Time budget: 2 s of CPU per call (the course default).

    ``A = Softmax[Q K^T / sqrt(D_k) + M]`` (softmax over the last axis, the
    keys) and ``Y = A V``. The queries and the keys may come from sequences of
    different lengths L and S (cross-attention).

    The mask is None (no mask), a boolean array (True where the query may
    attend to the key: blocked scores become -inf before the softmax) or a
    float array added to the scaled scores (0 allowed, -inf blocked). A row
    whose scores are all -inf must give weights 0 and output 0, not NaN.

    Parameters
    ----------
    Q : ndarray of shape (L, D_k), or (B, L, D_k) for a batch
        the queries
    K : ndarray of shape (S, D_k), or (B, S, D_k)
        the keys
    V : ndarray of shape (S, D_v), or (B, S, D_v)
        the values
    mask : None, or ndarray of shape (L, S) (or (B, L, S)), bool or float
        the mask, applied to every example of a batch if it is (L, S)

    Returns
    -------
    Y : ndarray of shape (L, D_v), or (B, L, D_v)
        the outputs
    A : ndarray of shape (L, S), or (B, L, S)
        the attention weights: rows sum to 1 (0 for a fully masked row)
    """
    raise NotImplementedError


def attention_head(X_q, X_kv, W_q, W_k, W_v):
    """Return one attention head with trainable projections (notes 1.12.2.3, 1.12.5.4).

    Time budget: 2 s of CPU per call (the course default).

    ``Q = X_q W_q``, ``K = X_kv W_k``, ``V = X_kv W_v`` and
    ``Y = Softmax[Q K^T / sqrt(D_k)] V``, where D_k is the width of the keys
    (``W_k.shape[1]``), not the width D of the tokens. For self-attention the
    same sequence is passed twice (``X_q = X_kv = X``); for cross-attention
    the queries come from the decoder's sequence ``X_q`` and the keys and
    values from the encoder's sequence ``X_kv``. No mask.

    Parameters
    ----------
    X_q : ndarray of shape (L, D)
        the tokens the queries come from
    X_kv : ndarray of shape (S, D)
        the tokens the keys and values come from
    W_q, W_k : ndarray of shape (D, D_k)
    W_v : ndarray of shape (D, D_v)

    Returns
    -------
    ndarray of shape (L, D_v)
    """
    raise NotImplementedError


def causal_mask(N, additive=False):
    """Return the causal mask of a decoder for a sequence of length N (notes 1.12.5.2).

    Time budget: 2 s of CPU per call (the course default).

    Query i may attend to keys j <= i: to itself and to the tokens before it,
    never to later ones, so that y_i depends on x_1 .. x_i only.

    Parameters
    ----------
    N : int
        the sequence length
    additive : bool
        False: return a boolean mask, True where attending is allowed.
        True: return a float mask to add to the scores, 0.0 where allowed and
        -inf (``-np.inf``) where blocked.

    Returns
    -------
    ndarray of shape (N, N), bool or float
    """
    raise NotImplementedError


def padding_mask(lengths, N, additive=False):
    """Return the padding mask of a batch of B sequences padded to length N (notes 1.12.5.2).

    Time budget: 2 s of CPU per call (the course default).

    Sequence b has ``lengths[b]`` real tokens, then padding. Every query
    (padding queries included) may attend to the real keys ``j < lengths[b]``
    and to no padding key: ``mask[b, i, j]`` depends on j only. Do not block
    the padding queries' rows: that would leave them fully masked.

    Parameters
    ----------
    lengths : list of B ints, each between 1 and N
    N : int
        the padded length
    additive : bool
        False: boolean, True where allowed. True: float, 0.0 where allowed and
        -inf where blocked.

    Returns
    -------
    ndarray of shape (B, N, N), bool or float
    """
    raise NotImplementedError


def multi_head_attention(X, W_q, W_k, W_v, W_o, H, mask=None):
    """Return multi-head self-attention, Y = Concat[H_1, ..., H_H] W_o (notes 1.12.2.4).

    Time budget: 2 s of CPU per call (the course default).

    Head h is ``H_h = Softmax[Q_h K_h^T / sqrt(D_k) + M] V_h``, where ``Q_h``
    is the column block ``h*D_k .. (h+1)*D_k - 1`` of ``X W_q`` (likewise
    ``K_h`` of ``X W_k``, and ``V_h`` the block of width D_v of ``X W_v``).
    The heads are concatenated in order, head 0 first, and multiplied by W_o.
    D_k = ``W_q.shape[1] // H`` and D_v = ``W_v.shape[1] // H``.

    Hint: reshape ``(N, H * D_k)`` to ``(N, H, D_k)`` and then move the head
    axis in front, ``(H, N, D_k)``, so that one matrix product handles every head.

    The same thing in torch, when D_k = D_v = D / H and D_out = D, is
    ``nn.MultiheadAttention(D, H, bias=False, batch_first=True)`` with
    ``in_proj_weight = [W_q.T; W_k.T; W_v.T]`` (stacked rows, shape (3D, D))
    and ``out_proj.weight = W_o.T``.

    Parameters
    ----------
    X : ndarray of shape (N, D), or (B, N, D) for a batch
    W_q, W_k : ndarray of shape (D, H * D_k)
    W_v : ndarray of shape (D, H * D_v)
    W_o : ndarray of shape (H * D_v, D_out)
    H : int
        the number of heads
    mask : None, or a boolean or additive mask of shape (N, N) or (B, N, N)
        as in ``scaled_dot_product_attention``, the same for every head

    Returns
    -------
    ndarray of shape (N, D_out), or (B, N, D_out)
    """
    raise NotImplementedError


def sinusoidal_encoding(positions, D):
    """Return the sinusoidal positional encodings r_n of the given positions (notes 1.12.4.3).

    Time budget: 2 s of CPU per call (the course default).

    ``r_n = [sin(w_0 n), cos(w_0 n), sin(w_1 n), cos(w_1 n), ..., sin(w_{D/2-1} n), cos(w_{D/2-1} n)]``
    with ``w_i = 1 / 10000^(2i/D)`` for ``i = 0, ..., D/2 - 1``: sin and cos
    interleaved, pair i in columns 2i and 2i + 1, and the first pair is
    ``sin(n), cos(n)``. (The notes number the pairs from 1; here they are
    numbered from 0 as in the original transformer paper.)

    Parameters
    ----------
    positions : list of N ints
        the positions n to encode, in any order
    D : int
        the width of the encoding, even

    Returns
    -------
    ndarray of shape (N, D)
        row k is the encoding of positions[k]
    """
    raise NotImplementedError


def relative_position_map(k, D):
    """Return the matrix M_k with r_{n+k} = M_k r_n for every position n (notes 1.12.4.3).

    Time budget: 2 s of CPU per call (the course default).

    ``r_n`` is the sinusoidal encoding of ``sinusoidal_encoding``. Use
    ``sin(w(n + k)) = sin(wn) cos(wk) + cos(wn) sin(wk)`` and
    ``cos(w(n + k)) = cos(wn) cos(wk) - sin(wn) sin(wk)``: M_k is block
    diagonal, with one 2 x 2 block per frequency w_i in rows and columns
    2i and 2i + 1. It depends on k only, not on n. k may be negative.

    Parameters
    ----------
    k : int
        the shift
    D : int
        the width of the encoding, even

    Returns
    -------
    ndarray of shape (D, D)
    """
    raise NotImplementedError


def transformer_block(X, params, norm="post", mask=None):
    """Return the output of a transformer layer (notes 1.12.3).

    Time budget: 2 s of CPU per call (the course default).

    A multi-head self-attention ``Y`` (your ``multi_head_attention`` with
    ``params["heads"]`` heads) and a two-layer network
    ``MLP(Z) = ReLU(Z W_1 + b_1) W_2 + b_2``, each with a residual connection
    and a layer normalisation:

    - post-norm (``norm="post"``): ``Z = LayerNorm_1[Y(X) + X]``, then
      ``X~ = LayerNorm_2[MLP(Z) + Z]``;
    - pre-norm (``norm="pre"``): ``Z = Y(LayerNorm_1[X]) + X``, then
      ``X~ = MLP(LayerNorm_2[Z]) + Z``.

    ``LayerNorm_l[x] = gamma_l * (x - mu) / sqrt(var + 1e-5) + beta_l``
    normalises each token over its D features: mu and var are the mean and
    the variance (divided by D, as ``np.var`` does) of each row.

    Parameters
    ----------
    X : ndarray of shape (N, D), or (B, N, D) for a batch
    params : dict
        ``"W_q"``, ``"W_k"`` of shape (D, H * D_k), ``"W_v"`` (D, H * D_v),
        ``"W_o"`` (H * D_v, D), ``"heads"`` the int H, ``"W_1"`` (D, D_ff),
        ``"b_1"`` (D_ff,), ``"W_2"`` (D_ff, D), ``"b_2"`` (D,), and
        ``"gamma_1"``, ``"beta_1"``, ``"gamma_2"``, ``"beta_2"`` of shape (D,)
    norm : str
        ``"post"`` or ``"pre"``
    mask : None, or a mask for the attention as in ``multi_head_attention``

    Returns
    -------
    ndarray of the shape of X
    """
    raise NotImplementedError


def temperature_softmax(a, T):
    """Return the temperature-scaled softmax y_i = exp(a_i / T) / sum_j exp(a_j / T) (notes 1.12.5.2).

    Time budget: 2 s of CPU per call (the course default).

    The softmax runs over the last axis (the vocabulary). Small T (near 0)
    sharpens the distribution around the largest logits, T = 1 is the plain
    softmax, large T makes it nearly uniform. Subtract the maximum of ``a / T``
    before ``exp``: at T = 0.01 the scaled logits are in the hundreds.

    Parameters
    ----------
    a : ndarray of shape (V,), or (B, V) for a batch of logit vectors
        the logits
    T : float
        the temperature, T > 0

    Returns
    -------
    ndarray of the shape of a
        probabilities; each distribution sums to 1
    """
    raise NotImplementedError


def greedy_decode(tables):
    """Return the sequence chosen by greedy decoding, and its log-probability (notes 1.12.5.2).

    Time budget: 2 s of CPU per call (the course default).

    The model is given as tables of log-probabilities: ``tables[t]`` has
    ``t + 1`` axes of length V, and ``tables[t][y_1, ..., y_t, v]`` is
    ``log p(y_{t+1} = v | y_1, ..., y_t)``. So ``tables[0]`` (shape (V,)) is the
    first token's distribution and ``tables[t][tuple(prefix)]`` is the row for
    the tokens chosen so far. At each step take the most probable next token;
    on equal log-probabilities take the smaller token (``np.argmax`` does).

    Parameters
    ----------
    tables : list of T ndarrays, ``tables[t]`` of shape (V,) * (t + 1)

    Returns
    -------
    tokens : ndarray of shape (T,), int
        the chosen tokens y_1, ..., y_T
    score : float
        their log-probability, the sum of the T chosen log-probabilities
    """
    raise NotImplementedError


def top_k_sample(probs, k, u):
    """Return a token sampled by top-k sampling, and the distribution it was sampled from (notes 1.12.5.2).

    Time budget: 2 s of CPU per call (the course default).

    Keep the k most probable tokens (on equal probabilities, the smaller index
    first: sort with ``np.argsort(-probs, kind="stable")``), set the others to
    0, and renormalise to ``q`` (q sums to 1). Then sample with the given
    uniform: return the smallest token j whose cumulative probability
    ``q_0 + ... + q_j`` (summed in vocabulary order) exceeds u.

    Parameters
    ----------
    probs : ndarray of shape (V,)
        the next-token distribution
    k : int
        how many tokens to keep, 1 <= k <= V
    u : float
        a uniform number in [0, 1)

    Returns
    -------
    token : int
    q : ndarray of shape (V,)
        the truncated, renormalised distribution
    """
    raise NotImplementedError


def top_p_sample(probs, p, u):
    """Return a token sampled by top-p (nucleus) sampling, and the distribution it was sampled from (notes 1.12.5.2).

    Time budget: 2 s of CPU per call (the course default).

    Sort the tokens by decreasing probability (equal probabilities: smaller
    index first, ``np.argsort(-probs, kind="stable")``) and keep the shortest
    prefix of that order whose cumulative probability reaches p (``>= p``):
    the token at which the running sum first reaches p is kept, and no token
    after it. (The notes say "exceeds"; the sum only has to reach p, as in the
    paper that introduced nucleus sampling.) Renormalise the kept
    probabilities to ``q``, then return the smallest token j whose cumulative
    probability ``q_0 + ... + q_j``, summed in vocabulary order, exceeds u.

    Parameters
    ----------
    probs : ndarray of shape (V,)
        the next-token distribution
    p : float
        the threshold, 0 < p <= 1
    u : float
        a uniform number in [0, 1)

    Returns
    -------
    token : int
    q : ndarray of shape (V,)
        the truncated, renormalised distribution
    """
    raise NotImplementedError


def beam_search(tables, beam_width):
    """Return the beam_width most probable sequences found by beam search, with their scores (notes 1.12.5.2).

    Time budget: 2 s of CPU per call (the course default).

    The model is given as in ``greedy_decode``:
    ``tables[t][y_1, ..., y_t, v] = log p(y_{t+1} = v | y_1, ..., y_t)``.
    Start from the empty sequence with score 0. At each of the T steps,
    extend every kept sequence by every token v, scoring the extension
    ``score + log p(v | sequence)``, and keep the beam_width best extensions
    of all (on equal scores, the lexicographically smaller sequence first).
    Return the kept sequences after T steps, best first.

    Parameters
    ----------
    tables : list of T ndarrays, ``tables[t]`` of shape (V,) * (t + 1)
    beam_width : int
        how many sequences to keep, at most V^T

    Returns
    -------
    sequences : ndarray of shape (beam_width, T), int
        one sequence per row, the most probable first
    scores : ndarray of shape (beam_width,)
        their log-probabilities, in decreasing order
    """
    raise NotImplementedError
