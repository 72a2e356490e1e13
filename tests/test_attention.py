"""The attention references: agreement with torch, the properties the notes state, and the solution.

- ``scaled_dot_product_attention`` against ``torch.nn.functional.scaled_dot_product_attention``
  (boolean and additive masks, L != S, a batch, fully masked rows);
- ``multi_head_attention`` against ``torch.nn.MultiheadAttention`` with the documented
  layout (``in_proj_weight = [W_q^T; W_k^T; W_v^T]``, ``out_proj.weight = W_o^T``, and
  its boolean masks inverted: True = blocked);
- ``transformer_block`` against ``torch.nn.TransformerEncoderLayer``, post-norm and pre-norm;
- properties: attention weights are rows that sum to 1, masked weights are exactly 0,
  unmasked self-attention is permutation equivariant, a causal output depends only on
  the tokens up to it, ``r_n . r_m`` depends only on ``n - m``, ``r_{n+k} = M_k r_n``;
- generation: temperature limits, top-k and top-p truncation, beam search against
  brute force, greedy decoding as beam width 1;
- the NumPy and torch references agree function by function, and the solution module
  agrees with the NumPy reference.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import reference.attention as ref
import reference.attention_torch as ref_torch
from grader import load_registry
from grader.catalog.attention_transformer import block_params, log_prob_tables, trap_tables
from grader.compare import compare
from grader.expectations import ReferenceExpectations
from grader.plain_data import to_plain
from grader.runner import grade_exercise
from grader.seeds import SeedPolicy
from grader.student_code import TrustedStudentCode

SEEDS = range(4)


def assert_agree(got: Any, expected: Any, *, rtol: float = 1e-10, atol: float = 1e-12, name: str = "value") -> None:
    """Whole outputs (arrays, tensors, tuples of them) agree, via the grader's comparison."""
    result = compare(got, to_plain(expected), name=name, rtol=rtol, atol=atol)
    assert result.ok, result.message


def random_mask(rng: np.random.Generator, shape: tuple[int, ...], *, fully_masked_row: bool) -> np.ndarray:
    allowed = rng.random(shape) < 0.6
    allowed[..., 0] = True
    if fully_masked_row:
        allowed[..., 1, :] = False
    return allowed


@pytest.fixture
def solution(solutions):
    return solutions("attention")


# -- scaled dot-product attention against torch ----------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("form", ["none", "boolean", "additive"])
def test_scaled_attention_matches_torch_sdpa(seed, form):
    rng = np.random.default_rng(seed)
    Q, K, V = rng.normal(size=(4, 3, 5)), rng.normal(size=(4, 6, 5)), rng.normal(size=(4, 6, 2))
    allowed = random_mask(rng, (3, 6), fully_masked_row=True)
    mask = {"none": None, "boolean": allowed, "additive": ref.to_additive(allowed)}[form]
    Y, A = ref.scaled_dot_product_attention(Q, K, V, mask)
    torch_mask = None if mask is None else torch.as_tensor(mask)
    expected = F.scaled_dot_product_attention(torch.as_tensor(Q), torch.as_tensor(K), torch.as_tensor(V), attn_mask=torch_mask)
    assert_agree(Y, expected, name="Y")
    if mask is not None:
        # torch 2.13 also returns 0 for the fully masked query: the documented convention.
        assert np.all(Y[:, 1] == 0) and np.all(A[:, 1] == 0)


def test_torch_multihead_attention_gives_nan_for_fully_masked_rows():
    """Why the convention is documented: nn.MultiheadAttention returns NaN where SDPA and the references give 0."""
    mha = torch.nn.MultiheadAttention(4, 2, bias=False, batch_first=True, dtype=torch.float64)
    x = torch.randn(1, 3, 4, dtype=torch.float64)
    blocked = torch.zeros(3, 3, dtype=torch.bool)
    blocked[1] = True
    out, _ = mha(x, x, x, attn_mask=blocked)
    assert torch.isnan(out[0, 1]).all() and not torch.isnan(out[0, [0, 2]]).any()


# -- multi-head attention against nn.MultiheadAttention --------------------------------------------


def torch_mha(D: int, H: int, W_q, W_k, W_v, W_o) -> torch.nn.MultiheadAttention:
    """nn.MultiheadAttention holding the same weights, in the documented layout."""
    mha = torch.nn.MultiheadAttention(D, H, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.as_tensor(np.concatenate([W_q.T, W_k.T, W_v.T], axis=0)))
        mha.out_proj.weight.copy_(torch.as_tensor(W_o.T))
    return mha.eval()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("D", "H"), [(8, 2), (6, 3), (8, 4)])
def test_multi_head_attention_matches_nn_multihead_attention(seed, D, H):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(4, 5, D))
    W_q, W_k, W_v, W_o = (rng.normal(0, 1 / math.sqrt(D), size=(D, D)) for _ in range(4))
    mha = torch_mha(D, H, W_q, W_k, W_v, W_o)
    x = torch.as_tensor(X)
    with torch.no_grad():
        plain, _ = mha(x, x, x, need_weights=False)
        # nn.MultiheadAttention's boolean masks are True where attending is NOT allowed.
        causal, _ = mha(x, x, x, attn_mask=torch.as_tensor(~ref.causal_mask(5)), need_weights=False)
        lengths = [5, 3, 4, 1]
        padded, _ = mha(x, x, x, key_padding_mask=torch.as_tensor(np.arange(5)[None, :] >= np.array(lengths)[:, None]), need_weights=False)
    assert_agree(ref.multi_head_attention(X, W_q, W_k, W_v, W_o, H), plain)
    assert_agree(ref.multi_head_attention(X, W_q, W_k, W_v, W_o, H, ref.causal_mask(5)), causal)
    assert_agree(ref.multi_head_attention(X, W_q, W_k, W_v, W_o, H, ref.padding_mask(lengths, 5)), padded)
    assert_agree(ref.multi_head_attention(X, W_q, W_k, W_v, W_o, H, ref.padding_mask(lengths, 5, additive=True)), padded)


@pytest.mark.parametrize("seed", SEEDS)
def test_multi_head_attention_is_attention_per_head_then_w_o(seed):
    """With D_k != D_v (no nn.MultiheadAttention equivalent), each head is SDPA on its column block."""
    rng = np.random.default_rng(seed)
    N, D, H, d_k, d_v, d_out = 5, 6, 3, 2, 4, 3
    X = rng.normal(size=(N, D))
    W_q, W_k, W_v, W_o = rng.normal(size=(D, H * d_k)), rng.normal(size=(D, H * d_k)), rng.normal(size=(D, H * d_v)), rng.normal(size=(H * d_v, d_out))
    heads = [
        F.scaled_dot_product_attention(
            *(torch.as_tensor(X @ W[:, h * w : (h + 1) * w]) for W, w in ((W_q, d_k), (W_k, d_k), (W_v, d_v)))
        )
        for h in range(H)
    ]
    assert_agree(ref.multi_head_attention(X, W_q, W_k, W_v, W_o, H), torch.cat(heads, dim=-1) @ torch.as_tensor(W_o))


# -- the transformer block against nn.TransformerEncoderLayer ----------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("norm", ["post", "pre"])
@pytest.mark.parametrize("masked", [False, True])
def test_transformer_block_matches_nn_transformer_encoder_layer(seed, norm, masked):
    rng = np.random.default_rng(seed)
    B, N, D, H, d_ff = 3, 5, 8, 2, 12
    X = rng.normal(size=(B, N, D))
    p = block_params(rng, D, H, D // H, D // H, d_ff)
    layer = torch.nn.TransformerEncoderLayer(
        D, H, d_ff, dropout=0.0, activation="relu", batch_first=True, norm_first=norm == "pre", dtype=torch.float64
    )
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(torch.as_tensor(np.concatenate([p["W_q"].T, p["W_k"].T, p["W_v"].T])))
        layer.self_attn.in_proj_bias.zero_()
        layer.self_attn.out_proj.weight.copy_(torch.as_tensor(p["W_o"].T))
        layer.self_attn.out_proj.bias.zero_()
        for linear, W, b in ((layer.linear1, "W_1", "b_1"), (layer.linear2, "W_2", "b_2")):
            linear.weight.copy_(torch.as_tensor(p[W].T))
            linear.bias.copy_(torch.as_tensor(p[b]))
        for norm_layer, i in ((layer.norm1, "1"), (layer.norm2, "2")):
            norm_layer.weight.copy_(torch.as_tensor(p[f"gamma_{i}"]))
            norm_layer.bias.copy_(torch.as_tensor(p[f"beta_{i}"]))
    layer.eval()
    mask = ref.causal_mask(N) if masked else None
    with torch.no_grad():
        expected = layer(torch.as_tensor(X), src_mask=None if mask is None else torch.as_tensor(~mask))
    assert_agree(ref.transformer_block(X, p, norm, mask), expected, rtol=1e-9, atol=1e-11)


def test_layer_norm_matches_torch():
    rng = np.random.default_rng(3)
    X, gamma, beta = rng.normal(size=(2, 4, 6)), rng.normal(size=6), rng.normal(size=6)
    expected = F.layer_norm(torch.as_tensor(X), (6,), torch.as_tensor(gamma), torch.as_tensor(beta), eps=1e-5)
    assert_agree(ref.layer_norm(X, gamma, beta), expected)


# -- properties of attention -----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("form", ["boolean", "additive"])
def test_weights_are_rows_summing_to_one_and_masked_weights_are_exactly_zero(seed, form):
    rng = np.random.default_rng(seed)
    Q, K, V = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 7, 3)), rng.normal(size=(2, 7, 4))
    allowed = random_mask(rng, (2, 5, 7), fully_masked_row=True)
    mask = allowed if form == "boolean" else ref.to_additive(allowed)
    for function in (ref.scaled_dot_product_attention, ref_torch.scaled_dot_product_attention):
        _, A = function(Q, K, V, mask)
        A = np.asarray(A)
        assert np.all(A >= 0)
        assert np.all(A[~allowed] == 0.0), "masked weights must be exactly 0"
        np.testing.assert_allclose(A.sum(axis=-1), np.where(allowed.any(axis=-1), 1.0, 0.0), rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_unmasked_self_attention_is_permutation_equivariant(seed):
    rng = np.random.default_rng(seed)
    N, D = 6, 4
    X = rng.normal(size=(N, D))
    P = np.eye(N)[rng.permutation(N)]
    np.testing.assert_allclose(ref.self_attention(P @ X), P @ ref.self_attention(X), rtol=1e-12, atol=1e-12)
    W_q, W_k, W_v = rng.normal(size=(D, 3)), rng.normal(size=(D, 3)), rng.normal(size=(D, 2))
    np.testing.assert_allclose(
        ref.attention_head(P @ X, P @ X, W_q, W_k, W_v), P @ ref.attention_head(X, X, W_q, W_k, W_v), rtol=1e-12, atol=1e-12
    )
    W_q, W_k, W_v, W_o = (rng.normal(size=(D, D)) for _ in range(4))
    np.testing.assert_allclose(
        ref.multi_head_attention(P @ X, W_q, W_k, W_v, W_o, 2), P @ ref.multi_head_attention(X, W_q, W_k, W_v, W_o, 2), rtol=1e-12, atol=1e-12
    )


def test_causal_attention_depends_only_on_the_past():
    """y_i depends on x_1 .. x_i (course/README.md: the notes' 'x_{i-1}' is a slip): changing x_j moves rows i >= j only."""
    rng = np.random.default_rng(5)
    N, D = 6, 4
    X = rng.normal(size=(N, D))
    W_q, W_k, W_v, W_o = (rng.normal(size=(D, D)) for _ in range(4))
    Y = ref.multi_head_attention(X, W_q, W_k, W_v, W_o, 2, ref.causal_mask(N))
    for j in range(N):
        changed = X.copy()
        changed[j] += 1.0
        Y_changed = ref.multi_head_attention(changed, W_q, W_k, W_v, W_o, 2, ref.causal_mask(N))
        np.testing.assert_array_equal(Y_changed[:j], Y[:j])
        assert np.abs(Y_changed[j] - Y[j]).max() > 1e-6


def test_self_attention_loops_equal_the_matrix_form():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(5, 3))
    np.testing.assert_allclose(ref.self_attention_loops(X), ref.self_attention(X), rtol=1e-12, atol=1e-12)


def test_scaling_keeps_the_score_variance_near_one():
    """1.12.2.3: for unit-variance q and k, q . k has variance D_k (standard deviation sqrt(D_k))."""
    rng = np.random.default_rng(11)
    for d_k in (4, 64):
        q, k = rng.normal(size=(20000, d_k)), rng.normal(size=(20000, d_k))
        scores = (q * k).sum(axis=1)
        assert abs(scores.var() / d_k - 1) < 0.05
        assert abs((scores / math.sqrt(d_k)).var() - 1) < 0.05


# -- positional encoding ---------------------------------------------------------------------


def test_sinusoidal_encoding_first_pair_is_sin_n_cos_n_and_bounded():
    R = ref.sinusoidal_encoding(np.arange(50), 8)
    np.testing.assert_allclose(R[:, 0], np.sin(np.arange(50)), rtol=0, atol=1e-15)
    np.testing.assert_allclose(R[:, 1], np.cos(np.arange(50)), rtol=0, atol=1e-15)
    assert np.abs(R).max() <= 1.0
    assert len({tuple(np.round(row, 12)) for row in R}) == 50  # unique for each position
    # Each sin/cos pair has norm 1, so every r_n has norm sqrt(D/2).
    np.testing.assert_allclose(np.linalg.norm(R, axis=1), 2.0, rtol=1e-12)


@pytest.mark.parametrize("D", [4, 8, 16])
def test_dot_products_of_encodings_depend_only_on_the_distance(D):
    positions = np.arange(0, 300, 7)
    R = ref.sinusoidal_encoding(positions, D)
    gram = R @ R.T
    by_distance: dict[int, list[float]] = {}
    for (i, n), (j, m) in itertools.product(enumerate(positions), repeat=2):
        by_distance.setdefault(int(n - m), []).append(gram[i, j])
    for values in by_distance.values():
        np.testing.assert_allclose(values, values[0], rtol=0, atol=1e-9)
    # r_n . r_m = sum_i cos(w_i (n - m))
    w = ref.frequencies(D)
    np.testing.assert_allclose(gram[3, 1], np.cos(w * (positions[3] - positions[1])).sum(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("k", [-5, 0, 1, 3, 40])
@pytest.mark.parametrize("D", [2, 6, 10])
def test_relative_position_map_shifts_every_position(k, D):
    n = np.arange(0, 100, 3)
    M = ref.relative_position_map(k, D)
    np.testing.assert_allclose(ref.sinusoidal_encoding(n, D) @ M.T, ref.sinusoidal_encoding(n + k, D), rtol=0, atol=1e-10)
    np.testing.assert_allclose(M @ M.T, np.eye(D), rtol=0, atol=1e-12)  # a rotation: orthogonal
    np.testing.assert_allclose(ref.relative_position_map(k, D) @ ref.relative_position_map(2, D), ref.relative_position_map(k + 2, D), atol=1e-12)


# -- generation -----------------------------------------------------------------------------


def test_temperature_limits():
    a = np.array([1.0, 3.0, -2.0, 2.5])
    np.testing.assert_allclose(ref.temperature_softmax(a, 1.0), np.exp(a) / np.exp(a).sum(), rtol=1e-12)
    np.testing.assert_allclose(ref.temperature_softmax(a, 1e-3), [0, 1, 0, 0], atol=1e-12)
    np.testing.assert_allclose(ref.temperature_softmax(a, 1e6), np.full(4, 0.25), atol=1e-5)
    assert np.isfinite(ref.temperature_softmax(a * 1000, 0.01)).all()


def test_top_k_and_top_p_truncate_and_renormalise():
    probs = np.array([0.1, 0.4, 0.05, 0.3, 0.15])
    _, q = ref.top_k_sample(probs, 2, 0.5)
    np.testing.assert_allclose(q, [0, 0.4 / 0.7, 0, 0.3 / 0.7, 0])
    _, q = ref.top_k_sample(probs, 5, 0.5)
    np.testing.assert_allclose(q, probs)
    _, q = ref.top_p_sample(probs, 1.0, 0.5)
    np.testing.assert_allclose(q, probs)
    # Dyadic probabilities: the cumulative sum reaches p = 0.75 exactly at the second token, which is kept.
    probs = np.array([0.125, 0.5, 0.0625, 0.25, 0.0625])
    _, q = ref.top_p_sample(probs, 0.75, 0.0)
    np.testing.assert_allclose(q, [0, 2 / 3, 0, 1 / 3, 0])
    _, q = ref.top_p_sample(probs, 0.7500001, 0.0)
    np.testing.assert_allclose(q, [0.125, 0.5, 0, 0.25, 0] / np.float64(0.875))


def test_samplers_follow_their_distribution_over_stratified_uniforms():
    """With u on a fine grid, each token comes up in proportion to q: the inverse CDF samples q."""
    rng = np.random.default_rng(2)
    probs = rng.dirichlet(np.ones(6))
    grid = (np.arange(20000) + 0.5) / 20000
    for sampler, cut in ((ref.top_k_sample, 3), (ref.top_p_sample, 0.7)):
        _, q = sampler(probs, cut, 0.5)
        counts = np.bincount([sampler(probs, cut, u)[0] for u in grid], minlength=6)
        np.testing.assert_allclose(counts / grid.size, q, atol=1e-4)


def brute_force(tables: list[np.ndarray]) -> list[tuple[tuple[int, ...], float]]:
    V, T = tables[0].shape[0], len(tables)
    scored = []
    for sequence in itertools.product(range(V), repeat=T):
        score = 0.0
        for t in range(T):
            score += float(tables[t][sequence[: t + 1]])
        scored.append((sequence, score))
    return sorted(scored, key=lambda item: (-item[1], item[0]))


@pytest.mark.parametrize("seed", SEEDS)
def test_beam_search_with_every_sequence_kept_is_brute_force(seed):
    rng = np.random.default_rng(seed)
    tables = log_prob_tables(rng, 3, 3)
    sequences, scores = ref.beam_search(tables, 27)
    expected = brute_force(tables)
    np.testing.assert_array_equal(sequences, [s for s, _ in expected])
    np.testing.assert_allclose(scores, [score for _, score in expected], rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_beam_width_one_is_greedy_and_a_wider_beam_finds_the_trap(seed):
    rng = np.random.default_rng(seed)
    tables = trap_tables(rng, 3, 3)
    tokens, score = ref.greedy_decode(tables)
    sequences, scores = ref.beam_search(tables, 1)
    np.testing.assert_array_equal(sequences[0], tokens)
    assert scores[0] == pytest.approx(score)
    best, best_score = brute_force(tables)[0]
    wide, wide_scores = ref.beam_search(tables, 9)
    assert tuple(wide[0]) == best and wide_scores[0] == pytest.approx(best_score)
    assert best_score > score  # greedy decoding misses the most probable sequence here


# -- NumPy and torch references, and the solution ---------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_numpy_and_torch_references_agree(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(5, 4))
    assert_agree(ref_torch.self_attention(X), ref.self_attention(X))
    W_q, W_k, W_v = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    Z = rng.normal(size=(7, 4))
    assert_agree(ref_torch.attention_head(X, Z, W_q, W_k, W_v), ref.attention_head(X, Z, W_q, W_k, W_v))
    for additive in (False, True):
        assert_agree(ref_torch.causal_mask(5, additive), ref.causal_mask(5, additive))
        assert_agree(ref_torch.padding_mask([3, 1, 5], 5, additive), ref.padding_mask([3, 1, 5], 5, additive))
    assert_agree(ref_torch.sinusoidal_encoding([0, 4, 99], 6), ref.sinusoidal_encoding([0, 4, 99], 6))
    assert_agree(ref_torch.relative_position_map(-3, 6), ref.relative_position_map(-3, 6))
    a = rng.normal(size=(3, 5))
    assert_agree(ref_torch.temperature_softmax(a, 0.3), ref.temperature_softmax(a, 0.3))
    probs = rng.dirichlet(np.ones(7))
    for u in (0.05, 0.5, 0.95):
        assert_agree(ref_torch.top_k_sample(probs, 3, u), ref.top_k_sample(probs, 3, u))
        assert_agree(ref_torch.top_p_sample(probs, 0.6, u), ref.top_p_sample(probs, 0.6, u))
    tables = log_prob_tables(rng, 3, 3)
    assert_agree(ref_torch.greedy_decode(tables), ref.greedy_decode(tables))
    assert_agree(ref_torch.beam_search(tables, 4), ref.beam_search(tables, 4))


@pytest.mark.parametrize("seed", SEEDS)
def test_solution_agrees_with_the_reference(solution, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2, 5, 6))
    W_q, W_k, W_v, W_o = rng.normal(size=(6, 4)), rng.normal(size=(6, 4)), rng.normal(size=(6, 6)), rng.normal(size=(6, 3))
    mask = ref.padding_mask([5, 2], 5)
    assert_agree(solution.multi_head_attention(X, W_q, W_k, W_v, W_o, 2, mask), ref.multi_head_attention(X, W_q, W_k, W_v, W_o, 2, mask))
    p = block_params(rng, 6, 2, 2, 3, 7)
    for norm in ("post", "pre"):
        assert_agree(solution.transformer_block(X, p, norm, ref.causal_mask(5)), ref.transformer_block(X, p, norm, ref.causal_mask(5)))
    tables = trap_tables(rng, 2, 4)
    assert_agree(solution.beam_search(tables, 3), ref.beam_search(tables, 3))
    probs = np.array([0.125, 0.5, 0.0625, 0.25, 0.0625])
    for u in (0.1, 0.6, 0.9):
        assert_agree(solution.top_p_sample(probs, 0.75, u), ref.top_p_sample(probs, 0.75, u))


# -- float32 answers: the angles' rounding and quantities derived from the answer -----------------


def _encoding_in_float32(positions, D):
    """Sinusoidal encodings computed in float32 throughout, angles included (as torch's default dtype does)."""
    n = np.asarray(positions, dtype=np.float32)[:, None]
    w = np.float32(1.0) / np.float32(10000.0) ** (np.arange(0, D, 2, dtype=np.float32) / np.float32(D))
    angles = n * w
    R = np.empty((len(positions), D), dtype=np.float32)
    R[:, 0::2], R[:, 1::2] = np.sin(angles), np.cos(angles)
    return R


def test_encodings_computed_in_float32_score_full_marks_though_their_angles_round():
    # A float32 angle n w_i is rounded by up to |n| 2^-24, and so are its sine and cosine: at n = 149 with D = 16
    # (a hidden check's range) more than float32's absolute tolerance of 1e-6 near a zero of sin or cos. The
    # checks allow that rounding to float32 answers.
    for n, D in ((149, 16), (644, 8)):
        assert not compare(_encoding_in_float32([n], D), ref.sinusoidal_encoding([n], D)).ok
    exercise = load_registry().get("attention.sinusoidal_encoding")
    expectations = ReferenceExpectations()
    for student in ("ada", "bo", "cy", "s1234567"):
        result = grade_exercise(exercise, TrustedStudentCode(_encoding_in_float32), expectations=expectations,
                                seeds=SeedPolicy.for_student("float32-salt", student), include_hidden=True)
        assert result.score == result.max_score, "\n".join(f"{c.check_name}: {c.feedback}" for c in result.checks)
    # the rounding allowed is float32's only: a float64 answer is held to float64's tolerance as before
    result = grade_exercise(exercise, TrustedStudentCode(lambda p, D: _encoding_in_float32(p, D).astype(np.float64)),
                            expectations=expectations)
    assert result.score < result.max_score


def test_relative_position_maps_in_float32_score_full_marks():
    def in_float32(k, D):
        return np.asarray(ref.relative_position_map(k, D), dtype=np.float32)

    exercise = load_registry().get("attention.relative_position_map")
    for student in ("ada", "bo", "cy", "s1234567"):
        result = grade_exercise(exercise, TrustedStudentCode(in_float32), expectations=ReferenceExpectations(),
                                seeds=SeedPolicy.for_student("float32-salt", student), include_hidden=True)
        assert result.score == result.max_score, "\n".join(f"{c.check_name}: {c.feedback}" for c in result.checks)
