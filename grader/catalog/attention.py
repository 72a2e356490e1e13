"""Attention exercises: self-attention, scaled attention with masks, one head, masks, multi-head
attention, sinusoidal positional encoding and its shift matrix M_k.

Course notes 1.12.2, 1.12.4 and 1.12.5.2. Inputs discriminate the mistakes
students most often make: L != S (cross-attention), D != D_k != D_v (a scale
by the wrong width or a missing projection shows), H > 1 heads with N != H
(heads reshaped without the transpose mix tokens), a batch of 4, masks with
a fully masked row, and tokens large enough that a softmax without the max
shift overflows. Besides matching the reference, checks test the properties
the notes state: weights are non-negative rows that sum to 1, masked weights
are exactly 0, self-attention is permutation equivariant, and
``r_{n+k} = M_k r_n``.

The transformer block and next-token generation (sampling, greedy decoding,
beam search) of the same topic are in :mod:`grader.catalog.attention_transformer`.
This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.compare import entry_tolerance, precision, tolerances_for
from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.attention_mistakes"

# -- inputs and helpers ----------------------------------------------------------------


def tokens(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    """Token matrices with N(0, scale^2) entries."""
    return rng.normal(0.0, scale, size=shape)


def projection(rng: np.random.Generator, d_in: int, d_out: int) -> np.ndarray:
    """A projection of shape (d_in, d_out) with N(0, 1/d_in) entries, so projected tokens keep unit scale."""
    return rng.normal(0.0, 1.0 / np.sqrt(d_in), size=(d_in, d_out))


def causal(N: int) -> np.ndarray:
    """The boolean causal mask (True where key j <= query i)."""
    return np.tril(np.ones((N, N), dtype=bool))


def additive(allowed: np.ndarray) -> np.ndarray:
    """0.0 where allowed, -inf where blocked."""
    return np.where(allowed, 0.0, -np.inf)


def as_numeric_array(value: Any) -> np.ndarray | None:
    """A student's answer as a float array at its own precision (float32 stays float32), or None if it is not numeric.

    Integers and booleans become float64. A quantity a check derives from the
    array is judged at the array's precision (:func:`grader.compare.tolerances_of`).
    """
    if value is None or isinstance(value, (str, dict)):
        return None
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    if array.dtype.kind not in "biuf":
        return None
    return array.astype(np.float32 if array.dtype.kind == "f" and array.dtype.itemsize <= 4 else np.float64)


def array_of_shape(value: Any, shape: tuple[int, ...]) -> np.ndarray | None:
    """The answer as a finite float array of this shape, or None."""
    array = as_numeric_array(value)
    if array is None or array.shape != shape or not np.isfinite(array).all():
        return None
    return array


def item_of_pair(value: Any, index: int, shape: tuple[int, ...]) -> np.ndarray | None:
    """Item ``index`` of a returned pair as an array of this shape (NaN allowed), or None."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    array = as_numeric_array(value[index])
    if array is None or array.shape != shape:
        return None
    return array


def of_shape(t: Trial, shape: tuple[int, ...]) -> str:
    """The words " of shape (...)" in public checks; nothing in hidden ones, which show no expected values."""
    return "" if t.hidden else f" of shape {shape}"


def permutation_matrix(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random n x n permutation matrix that is not the identity."""
    while True:
        order = rng.permutation(n)
        if (order != np.arange(n)).any():
            return np.eye(n)[order]


# -- attention.self_attention ------------------------------------------------------------


def _check_equivariance(t: Trial, X: np.ndarray) -> bool:
    """Two expectations: Y(X) matches the reference, and Y(P X) = P Y(X) for a permutation P; whether Y(X) matched."""
    P = permutation_matrix(t.rng, X.shape[0])
    Y = t.student(X)
    Y_permuted = t.student(P @ X)
    value = t.expect_close(Y, t.reference(X), name=f"self_attention(X) for X of shape {X.shape}")
    mine = array_of_shape(Y, X.shape)
    # X itself, or a constant, is equivariant too: the property scores only beside a right value
    if mine is None:
        t.expect(False, f"'self_attention(P X)' cannot be compared with P self_attention(X): "
                        f"self_attention(X) is not a finite array{of_shape(t, X.shape)}", with_value=value)
    else:
        t.expect_close(Y_permuted, P @ mine, name="self_attention(P X), which should be P self_attention(X)",
                       with_value=value)
    return value


def check_self_attention_small(t: Trial) -> None:
    """'self_attention' is Softmax[X X^T] X, each row's softmax over the keys, for X of shape (4, 3)."""
    X = tokens(t.rng, 4, 3)
    t.expect_close(t.student(X), t.reference(X), name="self_attention(X) for X of shape (4, 3)")
    X = tokens(t.rng, 6, 2)
    t.expect_close(t.student(X), t.reference(X), name="self_attention(X) for X of shape (6, 2)")


def check_self_attention_equivariant_and_large(t: Trial) -> None:
    """'self_attention' is permutation equivariant, Y(P X) = P Y(X), and stays finite for large tokens."""
    value = _check_equivariance(t, tokens(t.rng, 5, 3))
    X = tokens(t.rng, 5, 4, scale=20.0)  # x . x is about 1600: exp overflows without the max shift
    # large tokens attend almost only to themselves, so X echoed is nearly right: scored only beside a right Y(X)
    t.expect_close(t.student(X), t.reference(X), name="self_attention(X) for tokens with |x|^2 near 1600", with_value=value)


def check_self_attention_hidden(t: Trial) -> None:
    """'self_attention' is right on new token matrices, some large, and permutation equivariant."""
    value = _check_equivariance(t, tokens(t.rng, 7, 5))
    X = tokens(t.rng, 3, 6, scale=15.0)
    t.expect_close(t.student(X), t.reference(X), name="self_attention(X)", with_value=value)


SELF_ATTENTION = Exercise(
    id="attention.self_attention",
    input_classes=(),
    title="Dot-product self-attention Softmax[X X^T] X",
    notes="1.12.2.2, 1.12.4 (permutation equivariance)",
    student=StudentFunction("attention", "self_attention"),
    reference="reference.attention:self_attention",
    torch_reference="reference.attention_torch:self_attention",
    checks=(
        Check(check_self_attention_small, points=1),
        Check(check_self_attention_equivariant_and_large, points=1),
        Check(check_self_attention_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "softmax over the wrong axis",
            "a_nm is normalised over m, the keys: each ROW of the weights sums to 1. Use a softmax over "
            "axis=-1 (axis=1), not axis=0.",
            f"{MISTAKES}:self_attention_wrong_axis",
        ),
        Mistake(
            "softmax over the whole matrix",
            "each query n has its own distribution a_n1, ..., a_nN: divide exp(x_n . x_m) by the sum over "
            "its row only, not by the sum of all N^2 entries.",
            f"{MISTAKES}:self_attention_whole_matrix",
        ),
        Mistake(
            "softmax without the max shift",
            "exp(x_n . x_m) overflows to inf for large tokens and inf / inf is NaN. Subtract each row's "
            "maximum before exp: the softmax does not change.",
            f"{MISTAKES}:self_attention_no_max_shift",
        ),
        Mistake(
            "weights returned instead of outputs",
            "Softmax[X X^T] is the (N, N) matrix of attention weights; the new tokens are Y = Softmax[X X^T] X, "
            "of shape (N, D).",
            f"{MISTAKES}:self_attention_returns_weights",
        ),
    ),
)

# -- attention.scaled_dot_product_attention ------------------------------------------------------


def _expect_weight_properties(t: Trial, got: Any, allowed: np.ndarray, call: str, *, with_value: bool) -> None:
    """Two expectations on the returned weights A: masked entries are exactly 0, rows sum to 1 (0 if fully masked).

    Uniform weights have both properties, so they score only beside a right value (``with_value``).
    """
    A = item_of_pair(got, 1, allowed.shape)
    if not with_value:
        t.expect(False, "", with_value=False)
        t.expect(False, "", with_value=False)
        return
    if A is None:
        t.expect(
            False, f"'{call}' should return (Y, A) with A{of_shape(t, allowed.shape)}; its weights cannot be checked"
        )
        t.expect(False, f"'{call}': the rows of A cannot be summed")
        return
    blocked = ~allowed
    ok = bool(np.all(A[blocked] == 0.0))
    message = (
        f"'{call}' gives masked keys a weight that is not exactly 0; "
        "blocked scores must become -inf before the softmax"
    )
    t.expect(ok, message)
    row_sums = np.where(allowed.any(axis=-1), 1.0, 0.0)
    t.expect_close(A.sum(axis=-1), row_sums, name=f"the rows of A summed, for {call} (1, or 0 for a fully masked row)")


def check_scaled_dot_product_attention_cross(t: Trial) -> None:
    """'scaled_dot_product_attention' is (Softmax[Q K^T / sqrt(D_k)] V, weights) for L = 3, S = 5, D_k = 4, D_v = 2."""
    Q, K, V = tokens(t.rng, 3, 4), tokens(t.rng, 5, 4), tokens(t.rng, 5, 2)
    got = t.student(Q, K, V)  # the default mask=None
    value = t.expect_close(got, t.reference(Q, K, V, None), name="scaled_dot_product_attention(Q, K, V)")
    _expect_weight_properties(t, got, np.ones((3, 5), dtype=bool), "scaled_dot_product_attention(Q, K, V)", with_value=value)


def check_scaled_dot_product_attention_boolean_masks(t: Trial) -> None:
    """'scaled_dot_product_attention' with boolean masks (True = may attend): causal, and one fully masked row."""
    Q, K, V = tokens(t.rng, 4, 3), tokens(t.rng, 4, 3), tokens(t.rng, 4, 5)
    mask = causal(4)
    got = t.student(Q, K, V, mask)
    value = t.expect_close(got, t.reference(Q, K, V, mask), name="scaled_dot_product_attention(Q, K, V, causal mask)")
    _expect_weight_properties(t, got, mask, "scaled_dot_product_attention(Q, K, V, causal mask)", with_value=value)

    # Keys 4 and 5 are padding; query 1 may attend to no key at all.
    Q, K, V = tokens(t.rng, 3, 2), tokens(t.rng, 6, 2), tokens(t.rng, 6, 3)
    mask = np.tile(np.arange(6) < 4, (3, 1))
    mask[1] = False
    got = t.student(Q, K, V, mask)
    call = "scaled_dot_product_attention(Q, K, V, mask with row 1 all False)"
    value = t.expect_close(got, t.reference(Q, K, V, mask), name=call)
    _expect_weight_properties(t, got, mask, call, with_value=value)


def check_scaled_dot_product_attention_additive_batch(t: Trial) -> None:
    """'scaled_dot_product_attention' with an additive (0 / -inf) causal mask on a batch of 4."""
    Q, K, V = tokens(t.rng, 4, 5, 3), tokens(t.rng, 4, 5, 3), tokens(t.rng, 4, 5, 2)
    mask = additive(causal(5))
    got = t.student(Q, K, V, mask)
    value = t.expect_close(got, t.reference(Q, K, V, mask), name="scaled_dot_product_attention(Q, K, V, additive causal mask)")
    allowed = np.broadcast_to(causal(5), (4, 5, 5))
    _expect_weight_properties(t, got, allowed, "scaled_dot_product_attention(Q, K, V, additive causal mask)", with_value=value)


def check_scaled_dot_product_attention_hidden(t: Trial) -> None:
    """'scaled_dot_product_attention' is right on new shapes and masks of both forms."""
    Q, K, V = tokens(t.rng, 2, 4, 6), tokens(t.rng, 2, 7, 6), tokens(t.rng, 2, 7, 3)
    allowed = t.rng.random((4, 7)) < 0.6
    allowed[:, 0] = True
    allowed[2] = False
    for mask in (allowed, additive(allowed)):
        got = t.student(Q, K, V, mask)
        value = t.expect_close(got, t.reference(Q, K, V, mask), name="scaled_dot_product_attention(Q, K, V, mask)")
        batch_allowed = np.broadcast_to(allowed, (2, 4, 7))
        _expect_weight_properties(t, got, batch_allowed, "scaled_dot_product_attention(Q, K, V, mask)", with_value=value)


SCALED_DOT_PRODUCT_ATTENTION = Exercise(
    id="attention.scaled_dot_product_attention",
    input_classes=("non-symmetric matrix: mask",),
    title="Scaled dot-product attention with boolean and additive masks",
    notes="1.12.2.3 (scaled self-attention), 1.12.5.2 (masking, padding), 1.12.5.4 (cross-attention)",
    student=StudentFunction("attention", "scaled_dot_product_attention"),
    reference="reference.attention:scaled_dot_product_attention",
    torch_reference="reference.attention_torch:scaled_dot_product_attention",
    checks=(
        Check(check_scaled_dot_product_attention_cross, points=1),
        Check(check_scaled_dot_product_attention_boolean_masks, points=1),
        Check(check_scaled_dot_product_attention_additive_batch, points=1),
        Check(check_scaled_dot_product_attention_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "no scaling",
            "divide the scores by sqrt(D_k), the width of the keys: Softmax[Q K^T / sqrt(D_k)]. "
            "Without it the softmax saturates as D_k grows.",
            f"{MISTAKES}:scaled_dot_product_attention_no_scaling",
        ),
        Mistake(
            "softmax over the wrong axis",
            "each query's weights are a distribution over the keys: the softmax runs over the last axis "
            "(axis=-1, the S keys), not over the queries.",
            f"{MISTAKES}:scaled_dot_product_attention_wrong_axis",
        ),
        Mistake(
            "mask applied after the softmax",
            "zeroing weights after the softmax leaves rows that no longer sum to 1. Apply the mask to the "
            "scores before the softmax: -inf where blocked (or add the additive mask).",
            f"{MISTAKES}:scaled_dot_product_attention_mask_after_softmax",
        ),
        Mistake(
            "masking with 0 instead of -inf",
            "a blocked score of 0 still gets exp(0) = 1 before normalisation. Set blocked scores to -inf: "
            "np.where(mask, scores, -np.inf).",
            f"{MISTAKES}:scaled_dot_product_attention_mask_with_zero",
        ),
        Mistake(
            "boolean mask inverted",
            "here True means the query MAY attend to the key (as in torch's scaled_dot_product_attention); "
            "nn.MultiheadAttention uses the opposite convention.",
            f"{MISTAKES}:scaled_dot_product_attention_mask_inverted",
        ),
        Mistake(
            "fully masked row gives NaN",
            "a query whose keys are all blocked has scores all -inf, and the softmax is 0/0. Such a row "
            "must get weights 0 and output 0: detect rows where every score is -inf and return zeros there.",
            f"{MISTAKES}:scaled_dot_product_attention_nan_rows",
        ),
    ),
)

# -- attention.attention_head ----------------------------------------------------------------


def check_attention_head_self(t: Trial) -> None:
    """'attention_head' with X_q = X_kv = X of shape (5, 6), D_k = 3, D_v = 2 (self-attention)."""
    X = tokens(t.rng, 5, 6)
    W_q, W_k, W_v = projection(t.rng, 6, 3), projection(t.rng, 6, 3), projection(t.rng, 6, 2)
    t.expect_close(
        t.student(X, X, W_q, W_k, W_v), t.reference(X, X, W_q, W_k, W_v), name="attention_head(X, X, W_q, W_k, W_v)"
    )


def check_attention_head_cross(t: Trial) -> None:
    """'attention_head' for cross-attention: 3 decoder tokens query 6 encoder tokens (D = 4, D_k = 5, D_v = 3)."""
    X_q, X_kv = tokens(t.rng, 3, 4), tokens(t.rng, 6, 4)
    W_q, W_k, W_v = projection(t.rng, 4, 5), projection(t.rng, 4, 5), projection(t.rng, 4, 3)
    t.expect_close(
        t.student(X_q, X_kv, W_q, W_k, W_v),
        t.reference(X_q, X_kv, W_q, W_k, W_v),
        name="attention_head(X_q, X_kv, W_q, W_k, W_v) with L = 3, S = 6",
    )


def check_attention_head_hidden(t: Trial) -> None:
    """'attention_head' is right for new self- and cross-attention shapes."""
    X = tokens(t.rng, 4, 8)
    W_q, W_k, W_v = projection(t.rng, 8, 2), projection(t.rng, 8, 2), projection(t.rng, 8, 5)
    t.expect_close(t.student(X, X, W_q, W_k, W_v), t.reference(X, X, W_q, W_k, W_v), name="attention_head(X, X, ...)")
    X_q, X_kv = tokens(t.rng, 5, 3), tokens(t.rng, 2, 3)
    W_q, W_k, W_v = projection(t.rng, 3, 4), projection(t.rng, 3, 4), projection(t.rng, 3, 6)
    t.expect_close(
        t.student(X_q, X_kv, W_q, W_k, W_v),
        t.reference(X_q, X_kv, W_q, W_k, W_v),
        name="attention_head(X_q, X_kv, ...)",
    )


ATTENTION_HEAD = Exercise(
    id="attention.attention_head",
    input_classes=(),
    title="One attention head with projections W_q, W_k, W_v (self- and cross-attention)",
    notes="1.12.2.3 (trainable parameters, scaled self-attention), 1.12.5.4 (cross-attention)",
    student=StudentFunction("attention", "attention_head"),
    reference="reference.attention:attention_head",
    torch_reference="reference.attention_torch:attention_head",
    checks=(
        Check(check_attention_head_self, points=1),
        Check(check_attention_head_cross, points=1),
        Check(check_attention_head_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "scaled by the model width",
            "the scale is sqrt(D_k), the width of the keys (W_k.shape[1]), not sqrt(D), the width of the tokens: "
            "the variance of q . k is D_k.",
            f"{MISTAKES}:attention_head_model_width",
        ),
        Mistake(
            "no scaling",
            "divide Q K^T by sqrt(D_k) before the softmax.",
            f"{MISTAKES}:attention_head_no_scaling",
        ),
        Mistake(
            "divided by D_k",
            "the scale is sqrt(D_k), the standard deviation of q . k, not D_k, its variance.",
            f"{MISTAKES}:attention_head_divided_by_d_k",
        ),
        Mistake(
            "values not projected",
            "the values are V = X_kv W_v (width D_v), not the tokens X_kv themselves.",
            f"{MISTAKES}:attention_head_values_not_projected",
        ),
        Mistake(
            "queries and keys from the wrong sequence",
            "the queries come from X_q (the decoder's tokens, one output per query) and the keys and "
            "values from X_kv (the encoder's tokens): Q = X_q W_q, K = X_kv W_k, V = X_kv W_v.",
            f"{MISTAKES}:attention_head_roles_swapped",
        ),
    ),
)

# -- attention.causal_mask -----------------------------------------------------------------------


def check_causal_mask_boolean(t: Trial) -> None:
    """'causal_mask' is True where key j <= query i, for N = 5 and N = 1."""
    with t.all_or_nothing():  # booleans: a guess gets the 1x1 mask right half the time
        for N in (5, 1):
            t.expect_close(t.student(N), t.reference(N, False), name=f"causal_mask({N}) (the default additive=False)")


def check_causal_mask_additive(t: Trial) -> None:
    """'causal_mask' in additive form is 0 where j <= i and -inf above the diagonal (N = 4)."""
    t.expect_close(t.student(4, True), t.reference(4, True), name="causal_mask(4, additive=True)")


def check_causal_mask_hidden(t: Trial) -> None:
    """'causal_mask' is right for other lengths in both forms."""
    N = int(t.rng.integers(6, 10))
    for form in (False, True):
        t.expect_close(t.student(N, form), t.reference(N, form), name=f"causal_mask(N, additive={form})")


CAUSAL_MASK = Exercise(
    id="attention.causal_mask",
    input_classes=(),
    title="The causal mask, boolean and additive",
    notes="1.12.5.2 (masking; see the slip in course/README.md)",
    student=StudentFunction("attention", "causal_mask"),
    reference="reference.attention:causal_mask",
    torch_reference="reference.attention_torch:causal_mask",
    checks=(
        Check(check_causal_mask_boolean, points=1),
        Check(check_causal_mask_additive, points=1),
        Check(check_causal_mask_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "causal mask inverted",
            "query i may attend to keys j <= i (itself and the past), not j >= i: the allowed part is the "
            "lower triangle, np.tril.",
            f"{MISTAKES}:causal_mask_inverted",
        ),
        Mistake(
            "diagonal blocked",
            "y_i depends on x_1 .. x_i: a query attends to itself, so the diagonal is allowed (the notes' "
            "'x_1 to x_{i-1}' is a slip). With the diagonal blocked the first query has no key at all.",
            f"{MISTAKES}:causal_mask_diagonal_blocked",
        ),
        Mistake(
            "additive mask as 0/1",
            "the additive mask is ADDED to the scores before the softmax: 0 where allowed and -inf where "
            "blocked, not 1 and 0 (a mask to multiply by).",
            f"{MISTAKES}:causal_mask_multiplicative",
        ),
    ),
)

# -- attention.padding_mask ------------------------------------------------------------------


def check_padding_mask_boolean(t: Trial) -> None:
    """'padding_mask' for a batch of 4 sequences of lengths [4, 2, 5, 1] padded to N = 5."""
    lengths = [4, 2, 5, 1]
    t.expect_close(t.student(lengths, 5), t.reference(lengths, 5, False),
                   name="padding_mask([4, 2, 5, 1], 5) (the default additive=False)")


def check_padding_mask_additive(t: Trial) -> None:
    """'padding_mask' in additive form (0 / -inf) for lengths [3, 1, 4] padded to N = 4."""
    lengths = [3, 1, 4]
    t.expect_close(
        t.student(lengths, 4, True), t.reference(lengths, 4, True), name="padding_mask([3, 1, 4], 4, additive=True)"
    )


def check_padding_mask_hidden(t: Trial) -> None:
    """'padding_mask' is right for new batches in both forms."""
    N = int(t.rng.integers(5, 8))
    lengths = [int(n) for n in t.rng.integers(1, N + 1, size=4)]
    lengths[0] = N - 1
    for form in (False, True):
        name = f"padding_mask(lengths, N, additive={form})"
        t.expect_close(t.student(lengths, N, form), t.reference(lengths, N, form), name=name)


PADDING_MASK = Exercise(
    id="attention.padding_mask",
    input_classes=("list input: lengths",),
    title="The padding mask of a batch, boolean and additive",
    notes="1.12.5.2 (padding)",
    student=StudentFunction("attention", "padding_mask"),
    reference="reference.attention:padding_mask",
    torch_reference="reference.attention_torch:padding_mask",
    checks=(
        Check(check_padding_mask_boolean, points=1),
        Check(check_padding_mask_additive, points=1),
        Check(check_padding_mask_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "padding mask inverted",
            "here True means 'may attend' (torch's key_padding_mask uses True for 'ignore'): "
            "mask[b, i, j] is True for the real keys j < lengths[b].",
            f"{MISTAKES}:padding_mask_inverted",
        ),
        Mistake(
            "padding queries masked instead of keys",
            "padding is blocked as a KEY, in the columns: mask[b, i, j] depends on j, not on i. Every query "
            "should ignore the padding tokens.",
            f"{MISTAKES}:padding_mask_rows",
        ),
        Mistake(
            "padding rows fully masked",
            "block only the padding keys (columns). Blocking the padding queries' rows too leaves them with "
            "no key at all (a fully masked row); their outputs are ignored anyway.",
            f"{MISTAKES}:padding_mask_rows_and_columns",
        ),
        Mistake(
            "padding off by one",
            "a sequence of length n has real tokens 0 .. n-1: the condition is j < n, not j <= n.",
            f"{MISTAKES}:padding_mask_off_by_one",
        ),
    ),
)

# -- attention.multi_head_attention ---------------------------------------------------------------


def mha_weights(
    rng: np.random.Generator, D: int, H: int, d_k: int, d_v: int, d_out: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """W_q, W_k (D, H d_k), W_v (D, H d_v), W_o (H d_v, d_out)."""
    W_q, W_k = projection(rng, D, H * d_k), projection(rng, D, H * d_k)
    return W_q, W_k, projection(rng, D, H * d_v), projection(rng, H * d_v, d_out)


def check_multi_head_attention_two_heads(t: Trial) -> None:
    """'multi_head_attention' with N = 5, D = 6, H = 2 heads, D_k = 4, D_v = 3, D_out = 4."""
    X = tokens(t.rng, 5, 6)
    W_q, W_k, W_v, W_o = mha_weights(t.rng, 6, 2, 4, 3, 4)
    t.expect_close(
        t.student(X, W_q, W_k, W_v, W_o, 2),
        t.reference(X, W_q, W_k, W_v, W_o, 2, None),
        name="multi_head_attention(X, W_q, W_k, W_v, W_o, H=2) (the default mask=None)",
    )


def check_multi_head_attention_batch_causal(t: Trial) -> None:
    """'multi_head_attention' on a batch of 4 with H = 4 heads of width 2 (D = 8) and a causal mask."""
    X = tokens(t.rng, 4, 5, 8)
    W_q, W_k, W_v, W_o = mha_weights(t.rng, 8, 4, 2, 2, 8)
    mask = causal(5)
    t.expect_close(
        t.student(X, W_q, W_k, W_v, W_o, 4, mask),
        t.reference(X, W_q, W_k, W_v, W_o, 4, mask),
        name="multi_head_attention(X, ..., H=4, causal mask) for X of shape (4, 5, 8)",
    )


def check_multi_head_attention_hidden(t: Trial) -> None:
    """'multi_head_attention' is right for new shapes, head counts and a padding mask."""
    X = tokens(t.rng, 6, 4)
    W_q, W_k, W_v, W_o = mha_weights(t.rng, 4, 3, 2, 5, 3)
    t.expect_close(
        t.student(X, W_q, W_k, W_v, W_o, 3, None),
        t.reference(X, W_q, W_k, W_v, W_o, 3, None),
        name="multi_head_attention(X, ..., H=3)",
    )
    X = tokens(t.rng, 3, 4, 6)
    W_q, W_k, W_v, W_o = mha_weights(t.rng, 6, 2, 3, 3, 6)
    mask = np.broadcast_to(np.arange(4)[None, None, :] < np.array([4, 2, 3])[:, None, None], (3, 4, 4)).copy()
    t.expect_close(
        t.student(X, W_q, W_k, W_v, W_o, 2, mask),
        t.reference(X, W_q, W_k, W_v, W_o, 2, mask),
        name="multi_head_attention(X, ..., padding mask)",
    )


MULTI_HEAD_ATTENTION = Exercise(
    id="attention.multi_head_attention",
    input_classes=(),
    title="Multi-head self-attention Concat[H_1, ..., H_H] W_o",
    notes="1.12.2.4",
    student=StudentFunction("attention", "multi_head_attention"),
    reference="reference.attention:multi_head_attention",
    torch_reference="reference.attention_torch:multi_head_attention",
    checks=(
        Check(check_multi_head_attention_two_heads, points=1),
        Check(check_multi_head_attention_batch_causal, points=1),
        Check(check_multi_head_attention_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "heads reshaped without the transpose",
            "Q of shape (N, H D_k) holds head h in columns h D_k .. (h+1) D_k: reshape to (N, H, D_k) and "
            "THEN swap the first two axes to (H, N, D_k); reshape(H, N, D_k) alone mixes tokens. Merge the "
            "heads back the same way: swap to (N, H, D_v), then reshape to (N, H D_v).",
            f"{MISTAKES}:multi_head_attention_reshape_without_transpose",
        ),
        Mistake(
            "scaled by the model width",
            "each head is scaled by sqrt(D_k), the width of ONE head's keys, not by sqrt(D), the width of the tokens.",
            f"{MISTAKES}:multi_head_attention_model_width",
        ),
        Mistake(
            "no scaling",
            "each head's scores are divided by sqrt(D_k) before the softmax.",
            f"{MISTAKES}:multi_head_attention_no_scaling",
        ),
        Mistake(
            "heads not split",
            "H heads are H separate softmaxes, each over its own D_k columns of Q and K, not one attention "
            "over all H D_k columns.",
            f"{MISTAKES}:multi_head_attention_heads_not_split",
        ),
        Mistake(
            "output projection missing",
            "after concatenating the heads, multiply by W_o: Y = Concat[H_1, ..., H_H] W_o.",
            f"{MISTAKES}:multi_head_attention_no_output_projection",
        ),
    ),
)

# -- attention.sinusoidal_encoding ----------------------------------------------------------------


def _angle_rounding(positions: Any, answer: Any) -> np.ndarray:
    """How far sin and cos of the angles n w_i may be off, per position, at the answer's precision.

    An angle n w_i held in float32 is rounded to about |n| 2^-24 (6e-5 at n = 1000), and so its sine and
    cosine may be off by that much too, however exact the rest: a float32 answer is allowed this rounding
    on top of float32's comparison tolerance. In float64 it is below 1e-12, and nothing changes.
    """
    eps = float(np.finfo(precision(answer)).eps)
    return 4 * eps * np.abs(np.asarray(positions, dtype=np.float64))


def _expect_encodings(t: Trial, positions: list[int], D: int, name: str) -> bool:
    """One expectation: the encodings of ``positions``, at the answer's precision with its angles' rounding."""
    got = t.student(positions, D)
    tolerance = {}
    if precision(got) == np.float32:
        rtol, atol = tolerances_for(precision(got))
        tolerance = {"rtol": rtol, "atol": max(atol, float(np.max(_angle_rounding(positions, got), initial=0.0)))}
    return t.expect_close(got, t.reference(positions, D), name=name, **tolerance)


def check_sinusoidal_encoding_first_positions(t: Trial) -> None:
    """'sinusoidal_encoding' of positions 0..5 with D = 6: sin and cos interleaved."""
    positions = list(range(6))
    _expect_encodings(t, positions, 6, "sinusoidal_encoding([0, ..., 5], 6)")


def check_sinusoidal_encoding_relative_positions(t: Trial) -> None:
    """'sinusoidal_encoding' of far positions with D = 8, and r_n . r_m depends only on n - m."""
    positions = [0, 3, 17, 250, 1000]
    value = _expect_encodings(t, positions, 8, f"sinusoidal_encoding({positions}, 8)")
    base = int(t.rng.integers(5, 50))
    shifted = [base, base + 7, base + 40, base + 47]
    R = array_of_shape(t.student(shifted, 8), (4, 8))
    if R is None:
        t.expect(False, f"'sinusoidal_encoding' should return a finite array{of_shape(t, (4, 8))}", with_value=value)
    else:
        # Pairs (n, n + 7) and (n + 40, n + 47) are 7 apart: their dot products must agree (as they do for a
        # constant: the property scores only beside right encodings). Each entry of R may be off by what its
        # comparison allows at R's precision, and the dot products by that much propagated through them.
        name = "r_n . r_{n+7} compared with r_{n+40} . r_{n+47}"
        error = entry_tolerance(R) + _angle_rounding(shifted, R)[:, None]
        slack = float(sum(np.abs(R[i]) @ error[j] + np.abs(R[j]) @ error[i] for i, j in ((0, 1), (2, 3))))
        t.expect_close(R[0] @ R[1], float(R[2] @ R[3]), name=name, atol=slack, rtol=0.0, with_value=value)


def check_sinusoidal_encoding_hidden(t: Trial) -> None:
    """'sinusoidal_encoding' is right for new positions and widths."""
    positions = [int(n) for n in np.sort(t.rng.choice(500, size=6, replace=False))]
    for D in (4, 16):
        _expect_encodings(t, positions, D, "sinusoidal_encoding(positions, D)")


SINUSOIDAL_ENCODING = Exercise(
    id="attention.sinusoidal_encoding",
    input_classes=("list input: positions",),
    title="Sinusoidal positional encoding (sin and cos interleaved)",
    notes="1.12.4.3",
    student=StudentFunction("attention", "sinusoidal_encoding"),
    reference="reference.attention:sinusoidal_encoding",
    torch_reference="reference.attention_torch:sinusoidal_encoding",
    checks=(
        Check(check_sinusoidal_encoding_first_positions, points=1),
        Check(check_sinusoidal_encoding_relative_positions, points=1),
        Check(check_sinusoidal_encoding_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "exponent i instead of 2i",
            "w_i = 1 / 10000^(2i/D) for pair i: the exponent is 2i/D, so the frequencies span 1 down to "
            "about 1/10000 across the D/2 pairs.",
            f"{MISTAKES}:sinusoidal_encoding_exponent_i",
        ),
        Mistake(
            "sin and cos concatenated instead of interleaved",
            "r_n = [sin(w_0 n), cos(w_0 n), sin(w_1 n), cos(w_1 n), ...]: pair i sits in columns 2i and 2i+1 "
            "(R[:, 0::2] = sin, R[:, 1::2] = cos), not all sines followed by all cosines.",
            f"{MISTAKES}:sinusoidal_encoding_concatenated",
        ),
        Mistake(
            "pairs numbered from 1",
            "number the pairs i = 0 .. D/2 - 1, so the first pair is sin(n), cos(n) (w_0 = 1); numbering "
            "them from 1 makes every frequency 10000^(-2/D) times too small.",
            f"{MISTAKES}:sinusoidal_encoding_indexed_from_one",
        ),
        Mistake(
            "cos before sin",
            "each pair is (sin(w_i n), cos(w_i n)): sin in the even columns, cos in the odd ones.",
            f"{MISTAKES}:sinusoidal_encoding_cos_first",
        ),
    ),
)

# -- attention.relative_position_map -------------------------------------------------------------


def _encodings(positions: np.ndarray, D: int) -> np.ndarray:
    """Sinusoidal encodings computed here, to test r_{n+k} = M_k r_n on the student's M_k."""
    w = 1.0 / 10000.0 ** (2 * np.arange(D // 2) / D)
    angles = np.asarray(positions, dtype=float)[:, None] * w[None, :]
    R = np.empty((len(positions), D))
    R[:, 0::2], R[:, 1::2] = np.sin(angles), np.cos(angles)
    return R


def _check_shift(t: Trial, k: int, D: int) -> None:
    """Two expectations: M_k matches the reference, and M_k r_n = r_{n+k} for a few n."""
    M = t.student(k, D)
    value = t.expect_close(M, t.reference(k, D), name=f"relative_position_map({k}, {D})")
    mine = array_of_shape(M, (D, D))
    if mine is None:
        t.expect(False, f"'relative_position_map({k}, {D})' should be a finite array{of_shape(t, (D, D))}", with_value=value)
        return
    n = t.rng.integers(0, 60, size=3)
    name = f"M_k r_n for k = {k}, which should be r_(n+k)"
    # Each entry of M_k may be off by what its comparison allows at M_k's precision: r_n M_k^T by that much
    # propagated through the product (about 1e-6 in float64, 1e-3 in float32; a wrong M_k is off by far more).
    slack = float(np.max(np.abs(_encodings(n, D)) @ entry_tolerance(mine).T))
    t.expect_close(_encodings(n, D) @ mine.T, _encodings(n + k, D), name=name, atol=slack, rtol=0.0, with_value=value)


def check_relative_position_map_small(t: Trial) -> None:
    """'relative_position_map' gives M_3 for D = 6, with r_{n+3} = M_3 r_n."""
    _check_shift(t, 3, 6)


def check_relative_position_map_negative_and_zero(t: Trial) -> None:
    """'relative_position_map' gives M_{-2} for D = 8 (r_{n-2} = M_{-2} r_n), and M_0 = I."""
    _check_shift(t, -2, 8)
    t.expect_close(t.student(0, 4), t.reference(0, 4), name="relative_position_map(0, 4)")


def check_relative_position_map_hidden(t: Trial) -> None:
    """'relative_position_map' is right for new shifts and widths."""
    _check_shift(t, int(t.rng.integers(5, 40)), 10)
    _check_shift(t, -int(t.rng.integers(1, 9)), 4)


RELATIVE_POSITION_MAP = Exercise(
    id="attention.relative_position_map",
    input_classes=(),
    title="The matrix M_k with r_{n+k} = M_k r_n",
    notes="1.12.4.3 (relative positions)",
    student=StudentFunction("attention", "relative_position_map"),
    reference="reference.attention:relative_position_map",
    torch_reference="reference.attention_torch:relative_position_map",
    checks=(
        Check(check_relative_position_map_small, points=1),
        Check(check_relative_position_map_negative_and_zero, points=1),
        Check(check_relative_position_map_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "rotation transposed",
            "sin(w(n+k)) = sin(wn) cos(wk) + cos(wn) sin(wk) and cos(w(n+k)) = cos(wn) cos(wk) - sin(wn) sin(wk): "
            "the block is [[cos, sin], [-sin, cos]]. Its transpose maps r_n to r_{n-k}.",
            f"{MISTAKES}:relative_position_map_transposed",
        ),
        Mistake(
            "exponent i instead of 2i",
            "block i rotates by w_i k with w_i = 1 / 10000^(2i/D), the same frequencies as the encoding.",
            f"{MISTAKES}:relative_position_map_exponent_i",
        ),
        Mistake(
            "one frequency for every block",
            "each 2 x 2 block has its own angle w_i k; M_k is block diagonal with D/2 different rotations.",
            f"{MISTAKES}:relative_position_map_one_frequency",
        ),
    ),
)

EXERCISES: tuple[Exercise, ...] = (
    SELF_ATTENTION,
    SCALED_DOT_PRODUCT_ATTENTION,
    ATTENTION_HEAD,
    CAUSAL_MASK,
    PADDING_MASK,
    MULTI_HEAD_ATTENTION,
    SINUSOIDAL_ENCODING,
    RELATIVE_POSITION_MAP,
)
