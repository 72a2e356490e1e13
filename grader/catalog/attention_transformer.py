"""Attention exercises, part two: the transformer block and next-token generation.

Course notes 1.12.3 (the transform block, pre-norm and post-norm) and
1.12.5.2 (sampling strategies: temperature, greedy, top-k, top-p, beam
search). These exercises belong to the ``attention`` topic (the student's
``attention.py``); they live in their own catalog module to keep each module
readable. Shared input generators come from :mod:`grader.catalog.attention`.

Randomness is passed in: samplers receive a uniform ``u`` and are checked at
one ``u`` inside every kept token's interval of the cumulative distribution,
so a wrong truncation or a wrong order always picks a different token. The
model of greedy decoding and beam search is a table of log-probabilities
indexed by the prefix, so no function crosses into student code. Top-p uses
dyadic probabilities (0.5, 0.25, ...) whose sums are exact, so a cumulative
probability equal to p is exactly p and the boundary token is decided by the
rule, not by rounding.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from grader.catalog.attention import causal, projection, tokens
from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.attention_mistakes"

# -- attention.transformer_block --------------------------------------------------------------


def block_params(rng: np.random.Generator, D: int, H: int, d_k: int, d_v: int, d_ff: int) -> dict[str, Any]:
    """Parameters of a transformer block; gamma away from 1 and beta away from 0 so the norms show."""
    return {
        "W_q": projection(rng, D, H * d_k),
        "W_k": projection(rng, D, H * d_k),
        "W_v": projection(rng, D, H * d_v),
        "W_o": projection(rng, H * d_v, D),
        "heads": H,
        "W_1": projection(rng, D, d_ff),
        "b_1": rng.normal(0.0, 0.3, size=d_ff),
        "W_2": projection(rng, d_ff, D),
        "b_2": rng.normal(0.0, 0.3, size=D),
        "gamma_1": rng.uniform(0.5, 1.5, size=D),
        "beta_1": rng.normal(0.0, 0.3, size=D),
        "gamma_2": rng.uniform(0.5, 1.5, size=D),
        "beta_2": rng.normal(0.0, 0.3, size=D),
    }


def check_transformer_block_post_norm(t: Trial) -> None:
    """'transformer_block' in post-norm form, LN(Y(X) + X) then LN(MLP(Z) + Z), for N = 5, D = 6, H = 2."""
    X = tokens(t.rng, 5, 6, scale=2.0)
    params = block_params(t.rng, 6, 2, 2, 3, 8)
    got = t.student(X, params)  # the defaults norm="post", mask=None
    t.expect_close(got, t.reference(X, params, "post", None), name="transformer_block(X, params) (the default norm='post')")


def check_transformer_block_pre_norm_batch(t: Trial) -> None:
    """'transformer_block' in pre-norm form, Y(LN(X)) + X then MLP(LN(Z)) + Z, on a batch of 4 (N = 3, D = 4)."""
    X = tokens(t.rng, 4, 3, 4, scale=2.0)
    params = block_params(t.rng, 4, 2, 2, 2, 6)
    got = t.student(X, params, "pre", None)
    t.expect_close(got, t.reference(X, params, "pre", None), name="transformer_block(X, params, 'pre')")


def check_transformer_block_hidden(t: Trial) -> None:
    """'transformer_block' is right in both forms on new shapes, with a causal mask."""
    X = tokens(t.rng, 2, 6, 8, scale=2.0)
    params = block_params(t.rng, 8, 4, 2, 3, 10)
    mask = causal(6)
    for norm in ("post", "pre"):
        t.expect_close(
            t.student(X, params, norm, mask),
            t.reference(X, params, norm, mask),
            name=f"transformer_block(X, params, {norm!r}, causal mask)",
        )


TRANSFORMER_BLOCK = Exercise(
    id="attention.transformer_block",
    input_classes=(),
    title="A transformer block with residual connections and layer normalisation (pre-norm and post-norm)",
    notes="1.12.3, 1.3.5.4 (layer normalisation)",
    student=StudentFunction("attention", "transformer_block"),
    reference="reference.attention:transformer_block",
    torch_reference="reference.attention_torch:transformer_block",
    checks=(
        Check(check_transformer_block_post_norm, points=1),
        Check(check_transformer_block_pre_norm_batch, points=1),
        Check(check_transformer_block_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "residual connection missing",
            "each sublayer adds its input back: post-norm LN(Y(X) + X) and LN(MLP(Z) + Z), pre-norm "
            "Y(LN(X)) + X and MLP(LN(Z)) + Z.",
            f"{MISTAKES}:transformer_block_no_residual",
        ),
        Mistake(
            "layer norm over the tokens",
            "layer normalisation normalises each token over its D features: mean and variance over the last "
            "axis (axis=-1), not over the N tokens.",
            f"{MISTAKES}:transformer_block_norm_over_tokens",
        ),
        Mistake(
            "unbiased variance in layer norm",
            "layer normalisation divides by the variance with 1/D (np.var's default, ddof=0), as torch's "
            "LayerNorm does, not the unbiased 1/(D - 1) variance.",
            f"{MISTAKES}:transformer_block_unbiased_variance",
        ),
        Mistake(
            "pre-norm residual adds the normalised input",
            "in pre-norm form the residual carries the UNnormalised input: Z = Y(LN(X)) + X, not "
            "Y(LN(X)) + LN(X) (and likewise MLP(LN(Z)) + Z).",
            f"{MISTAKES}:transformer_block_pre_norm_adds_normalised",
        ),
        Mistake(
            "post-norm applied before the residual",
            "in post-norm form the normalisation comes after the sum: Z = LN(Y(X) + X), not LN(Y(X)) + X.",
            f"{MISTAKES}:transformer_block_post_norm_before_residual",
        ),
    ),
)

# -- attention.temperature_softmax ------------------------------------------------------------


def check_temperature_softmax_vector(t: Trial) -> None:
    """'temperature_softmax' is softmax(a / T) for 6 logits at T = 0.5 and T = 3."""
    a = t.rng.normal(0.0, 2.0, size=6)
    for T in (0.5, 3.0):
        t.expect_close(t.student(a, T), t.reference(a, T), name=f"temperature_softmax(a, T={T})")


def check_temperature_softmax_batch_extremes(t: Trial) -> None:
    """'temperature_softmax' of a batch of 4 logit vectors at T = 0.01 (no overflow) and T = 100 (nearly uniform)."""
    a = t.rng.normal(0.0, 5.0, size=(4, 5))
    for T in (0.01, 100.0):
        t.expect_close(t.student(a, T), t.reference(a, T), name=f"temperature_softmax(a, T={T}) for a of shape (4, 5)")


def check_temperature_softmax_hidden(t: Trial) -> None:
    """'temperature_softmax' is right on new logits and temperatures."""
    a = t.rng.normal(0.0, 4.0, size=(3, 7))
    for T in (float(t.rng.uniform(0.02, 0.2)), float(t.rng.uniform(1.5, 20.0))):
        t.expect_close(t.student(a, T), t.reference(a, T), name="temperature_softmax(a, T)")


TEMPERATURE_SOFTMAX = Exercise(
    id="attention.temperature_softmax",
    input_classes=(),
    title="Temperature scaling of the next-token distribution",
    notes="1.12.5.2 (temperature scaling)",
    student=StudentFunction("attention", "temperature_softmax"),
    reference="reference.attention:temperature_softmax",
    torch_reference="reference.attention_torch:temperature_softmax",
    checks=(
        Check(check_temperature_softmax_vector, points=1),
        Check(check_temperature_softmax_batch_extremes, points=1),
        Check(check_temperature_softmax_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "logits multiplied by T",
            "y_i = exp(a_i / T) / sum_j exp(a_j / T): divide the logits by T, so small T sharpens the distribution.",
            f"{MISTAKES}:temperature_softmax_multiplied",
        ),
        Mistake(
            "softmax without the max shift",
            "at T = 0.01 the logits / T are in the hundreds and exp overflows to inf (inf / inf = NaN). "
            "Subtract the maximum of a / T before exp.",
            f"{MISTAKES}:temperature_softmax_no_max_shift",
        ),
        Mistake(
            "temperature applied to the probabilities",
            "T scales the logits BEFORE the softmax; softmax(a) / T does not even sum to 1.",
            f"{MISTAKES}:temperature_softmax_on_probabilities",
        ),
        Mistake(
            "softmax over the wrong axis",
            "for a batch of logits of shape (B, V) each row is one distribution over the V tokens: "
            "normalise over the last axis.",
            f"{MISTAKES}:temperature_softmax_wrong_axis",
        ),
    ),
)

# -- attention.greedy_decode --------------------------------------------------------------------


def log_prob_tables(rng: np.random.Generator, V: int, T: int, alpha: float = 1.0) -> list[np.ndarray]:
    """A random model as tables: ``tables[t][y_1, ..., y_t, :]`` are log-probabilities summing to 1 in probability."""
    return [np.log(rng.dirichlet(np.full(V, alpha), size=V**t)).reshape((V,) * (t + 1)) for t in range(T)]


def tied_tables(rng: np.random.Generator, V: int, T: int) -> list[np.ndarray]:
    """Tables whose every row has two equally most probable tokens (exactly equal log-probabilities)."""
    base = np.linspace(1.0, 2.0, V)
    base[-1] = base[-2]  # the two largest are equal
    base = np.log(base / base.sum())
    return [
        np.array([base[rng.permutation(V)] for _ in range(V**t)]).reshape((V,) * (t + 1))
        for t in range(T)
    ]


def check_greedy_decode_random_model(t: Trial) -> None:
    """'greedy_decode' follows the most probable next token for 4 steps over 3 tokens."""
    tables = log_prob_tables(t.rng, 3, 4)
    t.expect_close(t.student(tables), t.reference(tables), name="greedy_decode(tables) with V = 3, T = 4", returns=("ints", None))


def check_greedy_decode_ties(t: Trial) -> None:
    """'greedy_decode' takes the smaller token when two are equally probable (V = 4, T = 3)."""
    tables = tied_tables(t.rng, 4, 3)
    t.expect_close(t.student(tables), t.reference(tables), name="greedy_decode(tables) with ties", returns=("ints", None))


def check_greedy_decode_hidden(t: Trial) -> None:
    """'greedy_decode' is right for new models, with and without ties."""
    for tables in (log_prob_tables(t.rng, 2, 5), tied_tables(t.rng, 3, 4), log_prob_tables(t.rng, 5, 3, alpha=0.5)):
        t.expect_close(t.student(tables), t.reference(tables), name="greedy_decode(tables)", returns=("ints", None))


GREEDY_DECODE = Exercise(
    id="attention.greedy_decode",
    input_classes=("ties: tables",),
    title="Greedy decoding over a table of next-token log-probabilities",
    notes="1.12.5.2 (sampling strategies: greedy)",
    student=StudentFunction("attention", "greedy_decode"),
    reference="reference.attention:greedy_decode",
    torch_reference="reference.attention_torch:greedy_decode",
    checks=(
        Check(check_greedy_decode_random_model, points=1),
        Check(check_greedy_decode_ties, points=1),
        Check(check_greedy_decode_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "prefix ignored",
            "the next token depends on the tokens chosen so far: read tables[t][y_1, ..., y_t], the row of the "
            "prefix you built, not the row of (0, ..., 0).",
            f"{MISTAKES}:greedy_decode_prefix_ignored",
        ),
        Mistake(
            "argmax over the whole table",
            "at step t only the row tables[t][prefix] applies; the largest entry of all of tables[t] belongs "
            "to some other prefix.",
            f"{MISTAKES}:greedy_decode_global_argmax",
        ),
        Mistake(
            "prefix reversed",
            "index the table with the prefix in order, tables[t][tuple(prefix)] = tables[t][y_1, ..., y_t].",
            f"{MISTAKES}:greedy_decode_prefix_reversed",
        ),
        Mistake(
            "ties broken towards the larger token",
            "on equal log-probabilities take the smaller token, as np.argmax does (it returns the first maximum).",
            f"{MISTAKES}:greedy_decode_last_on_ties",
        ),
    ),
)

# -- attention.top_k_sample and attention.top_p_sample ----------------------------------------------


def uniforms_for_each_token(q: Any, rng: np.random.Generator) -> list[float]:
    """One u inside each kept token's interval of the cumulative distribution q, plus one random u.

    ``q`` is the reference's truncated distribution (an array of shape (V,)).
    Each u lies in the middle half of its interval, far from the boundaries.
    """
    q = np.asarray(q, dtype=float)
    upper = np.cumsum(q)
    lower = upper - q
    us = [float(lo + (hi - lo) * rng.uniform(0.25, 0.75)) for lo, hi, qj in zip(lower, upper, q) if qj > 0]
    us.append(float(rng.uniform(0.0, 1.0)))
    return us


def random_probs(rng: np.random.Generator, V: int) -> np.ndarray:
    """A distribution over V tokens with distinct probabilities."""
    return rng.dirichlet(np.ones(V))


def dyadic_probs(rng: np.random.Generator) -> np.ndarray:
    """0.5, 0.25, 0.125, 0.0625, 0.0625 in a random order: every partial sum is exact."""
    return rng.permutation(np.array([0.5, 0.25, 0.125, 0.0625, 0.0625]))


def _check_sampler(t: Trial, probs: np.ndarray, cut: float, call: str) -> None:
    """One expectation per u: the (token, q) pair matches the reference.

    ``call`` names the call with a ``{u}`` placeholder, for example ``"top_k_sample(probs, k=3, u={u})"``.
    """
    _, q = t.reference(probs, cut, 0.5)
    for u in uniforms_for_each_token(q, t.rng):
        t.expect_close(t.student(probs, cut, u), t.reference(probs, cut, u), name=call.format(u=f"{u:.4f}"), returns=("int", None))
    # u at the top of its legal range [0, 1): the answer is the last kept token, also where rounding leaves the
    # cumulative sum of q at u or just below it (the last token's running sum must still be chosen).
    u = float(np.nextafter(1.0, 0.0))
    t.expect_close(t.student(probs, cut, u), t.reference(probs, cut, u), name=call.format(u="1 - 2^-53"), returns=("int", None))


def check_top_k_sample_random(t: Trial) -> None:
    """'top_k_sample' keeps the 3 most probable of 6 tokens and samples in vocabulary order (one u per kept token)."""
    probs = random_probs(t.rng, 6)
    _check_sampler(t, probs, 3, "top_k_sample(probs, k=3, u={u})")


def check_top_k_sample_ties(t: Trial) -> None:
    """'top_k_sample' with k = 2 when three tokens tie for second place (the smaller index is kept)."""
    probs = t.rng.permutation(np.array([0.3, 0.2, 0.2, 0.2, 0.1]))
    _check_sampler(t, probs, 2, "top_k_sample(tied probs, k=2, u={u})")


def check_top_k_sample_hidden(t: Trial) -> None:
    """'top_k_sample' is right for new distributions and k."""
    _check_sampler(t, random_probs(t.rng, 8), 5, "top_k_sample(probs, k, u={u})")
    _check_sampler(t, random_probs(t.rng, 4), 1, "top_k_sample(probs, k, u={u})")


TOP_K_SAMPLE = Exercise(
    id="attention.top_k_sample",
    input_classes=("ties: probs", "edge of the legal range: u -> 1"),
    title="Top-k sampling with a supplied uniform",
    notes="1.12.5.2 (top-K sampling)",
    student=StudentFunction("attention", "top_k_sample"),
    reference="reference.attention:top_k_sample",
    torch_reference="reference.attention_torch:top_k_sample",
    checks=(
        Check(check_top_k_sample_random, points=1),
        Check(check_top_k_sample_ties, points=1),
        Check(check_top_k_sample_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "not renormalised",
            "after keeping k tokens, divide their probabilities by their sum so that q sums to 1.",
            f"{MISTAKES}:top_k_sample_not_renormalised",
        ),
        Mistake(
            "kept the k least probable",
            "keep the k MOST probable tokens: sort by decreasing probability (np.argsort(-probs, kind='stable')).",
            f"{MISTAKES}:top_k_sample_smallest",
        ),
        Mistake(
            "sampled in order of probability",
            "sum q in vocabulary order (token 0, 1, 2, ...) and return the first token whose running sum "
            "exceeds u, not in decreasing order of probability.",
            f"{MISTAKES}:top_k_sample_sorted_order",
        ),
        Mistake(
            "one token too many",
            "keep exactly k tokens: order[:k], not k + 1.",
            f"{MISTAKES}:top_k_sample_one_extra",
        ),
    ),
)


def check_top_p_sample_exact_boundary(t: Trial) -> None:
    """'top_p_sample' keeps the token whose cumulative probability reaches p exactly (p = 0.75 and p = 0.875)."""
    probs = dyadic_probs(t.rng)
    for p in (0.75, 0.875):
        _check_sampler(t, probs, p, "top_p_sample(probs, p=" + str(p) + ", u={u})")


def check_top_p_sample_random(t: Trial) -> None:
    """'top_p_sample' with p = 0.6 over 8 tokens, and with p below the largest probability (one token kept)."""
    probs = random_probs(t.rng, 8)
    _check_sampler(t, probs, 0.6, "top_p_sample(probs, p=0.6, u={u})")
    probs = np.array([0.1, 0.7, 0.2])
    _check_sampler(t, probs, 0.5, "top_p_sample([0.1, 0.7, 0.2], p=0.5, u={u})")


def check_top_p_sample_hidden(t: Trial) -> None:
    """'top_p_sample' is right for new distributions and thresholds, some on an exact boundary, and p = 1."""
    _check_sampler(t, random_probs(t.rng, 10), float(t.rng.uniform(0.3, 0.9)), "top_p_sample(probs, p, u={u})")
    _check_sampler(t, dyadic_probs(t.rng), 0.9375, "top_p_sample(probs, p, u={u})")
    _check_sampler(t, dyadic_probs(t.rng), 1.0, "top_p_sample(probs, p, u={u})")  # p at the top of (0, 1]: every token


TOP_P_SAMPLE = Exercise(
    id="attention.top_p_sample",
    input_classes=("ties: probs", "edge of the legal range: u -> 1", "edge of the legal range: p -> 1"),
    title="Top-p (nucleus) sampling with a supplied uniform",
    notes="1.12.5.2 (top-p sampling)",
    student=StudentFunction("attention", "top_p_sample"),
    reference="reference.attention:top_p_sample",
    torch_reference="reference.attention_torch:top_p_sample",
    checks=(
        Check(check_top_p_sample_exact_boundary, points=1),
        Check(check_top_p_sample_random, points=1),
        Check(check_top_p_sample_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "boundary token excluded",
            "the nucleus includes the token at which the cumulative probability reaches p: keep the sorted "
            "tokens whose cumulative sum BEFORE them is below p (cumsum - probs < p), not those whose "
            "cumulative sum is below p.",
            f"{MISTAKES}:top_p_sample_boundary_excluded",
        ),
        Mistake(
            "boundary token wrongly included",
            "stop as soon as the cumulative probability reaches p (>= p). When it equals p exactly, the "
            "next token is not part of the nucleus.",
            f"{MISTAKES}:top_p_sample_boundary_strict",
        ),
        Mistake(
            "not renormalised",
            "after truncating to the nucleus, divide the kept probabilities by their sum so that q sums to 1.",
            f"{MISTAKES}:top_p_sample_not_renormalised",
        ),
        Mistake(
            "sampled in order of probability",
            "sum q in vocabulary order (token 0, 1, 2, ...) and return the first token whose running sum "
            "exceeds u; the decreasing order is only for choosing the nucleus.",
            f"{MISTAKES}:top_p_sample_sorted_order",
        ),
        Mistake(
            "nucleus of the least probable tokens",
            "sort by DECREASING probability before accumulating: the nucleus is made of the most probable tokens.",
            f"{MISTAKES}:top_p_sample_least_probable",
        ),
    ),
)

# -- attention.beam_search ------------------------------------------------------------------------


def sequence_scores(tables: list[np.ndarray]) -> dict[tuple[int, ...], float]:
    """Every complete sequence's log-probability, by brute force (V^T sequences)."""
    V, T = tables[0].shape[0], len(tables)
    scores = {}
    for sequence in itertools.product(range(V), repeat=T):
        scores[sequence] = sum(float(tables[t][sequence[: t + 1]]) for t in range(T))
    return scores


def trap_tables(rng: np.random.Generator, V: int, T: int) -> list[np.ndarray]:
    """A model where greedy decoding is not optimal: the best sequence does not start with the best first token.

    Below the first step the rows are drawn flat or peaked at random, so a
    likely first token can lead to uncertain continuations.
    """
    while True:
        tables = [np.log(rng.dirichlet(np.full(V, 1.0)))]
        for t in range(1, T):
            alphas = rng.choice([0.3, 5.0], size=V**t)
            rows = np.array([rng.dirichlet(np.full(V, alpha)) for alpha in alphas])
            tables.append(np.log(rows).reshape((V,) * (t + 1)))
        scores = sequence_scores(tables)
        best = max(scores, key=lambda s: (scores[s], tuple(-x for x in s)))
        if best[0] != int(np.argmax(tables[0])):
            return tables


def check_beam_search_beats_greedy(t: Trial) -> None:
    """'beam_search' with widths 2 and 3 on a model where greedy decoding misses the best sequence (V = 3, T = 3)."""
    tables = trap_tables(t.rng, 3, 3)
    for width in (2, 3):
        name = f"beam_search(tables, beam_width={width})"
        t.expect_close(t.student(tables, width), t.reference(tables, width), name=name, returns=("ints", None))


def check_beam_search_ties_and_width_one(t: Trial) -> None:
    """'beam_search' orders equal scores lexicographically (uniform model), and width 1 is greedy decoding."""
    uniform = [np.full((3,) * (t_ + 1), np.log(1.0 / 3.0)) for t_ in range(3)]
    t.expect_close(t.student(uniform, 4), t.reference(uniform, 4), name="beam_search(uniform tables, beam_width=4)", returns=("ints", None))
    tables = trap_tables(t.rng, 2, 4)
    t.expect_close(t.student(tables, 1), t.reference(tables, 1), name="beam_search(tables, beam_width=1)", returns=("ints", None))


def check_beam_search_hidden(t: Trial) -> None:
    """'beam_search' is right for new models and widths."""
    tables = trap_tables(t.rng, 4, 3)
    for width in (2, 5):
        t.expect_close(t.student(tables, width), t.reference(tables, width), name="beam_search(tables, beam_width)", returns=("ints", None))


BEAM_SEARCH = Exercise(
    id="attention.beam_search",
    input_classes=("ties: tables",),
    title="Beam search over a table of next-token log-probabilities",
    notes="1.12.5.2 (sampling strategies: beam search)",
    student=StudentFunction("attention", "beam_search"),
    reference="reference.attention:beam_search",
    torch_reference="reference.attention_torch:beam_search",
    checks=(
        Check(check_beam_search_beats_greedy, points=1),
        Check(check_beam_search_ties_and_width_one, points=1),
        Check(check_beam_search_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "scores not accumulated",
            "a sequence's score is the sum of the log-probabilities of ALL its tokens, "
            "log p(y_1) + log p(y_2 | y_1) + ...; add each step's log-probability to the beam's score.",
            f"{MISTAKES}:beam_search_scores_not_accumulated",
        ),
        Mistake(
            "log-probabilities multiplied",
            "probabilities multiply, so log-probabilities ADD: score + log p, starting from 0.",
            f"{MISTAKES}:beam_search_log_probs_multiplied",
        ),
        Mistake(
            "only the best sequence extended",
            "extend EVERY kept sequence by every token and keep the beam_width best of all the extensions; "
            "extending only the best one never leaves the greedy path.",
            f"{MISTAKES}:beam_search_only_best_expanded",
        ),
        Mistake(
            "kept the lowest scores",
            "log-probabilities are higher for likelier sequences: keep the beam_width HIGHEST scores "
            "(sort by -score).",
            f"{MISTAKES}:beam_search_keeps_lowest",
        ),
    ),
)

EXERCISES: tuple[Exercise, ...] = (
    TRANSFORMER_BLOCK,
    TEMPERATURE_SOFTMAX,
    GREEDY_DECODE,
    TOP_K_SAMPLE,
    TOP_P_SAMPLE,
    BEAM_SEARCH,
)
