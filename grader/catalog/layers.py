"""Layers of the later chapters as torch modules: multi-head self-attention and a graph convolution.

The student writes ``nn.Module`` classes; checks reach them through scripts
(:mod:`grader.object_scripts`) run in the student's child: construct, list
the registered parameters, load weights by name, call forward (with and
without a mask), and backpropagate a random upstream gradient. Expected
values come from the NumPy references, whose gradients are derived by hand
(:mod:`reference.layers`); tests cross-check the torch reference with
``torch.nn.MultiheadAttention`` and torch_geometric's ``GCNConv``.

Inputs discriminate: two heads or more (a split across tokens differs from
one across columns), scores large enough that the 1/sqrt(D_k) scale matters,
causal and padding masks (a mask applied after the softmax leaves rows that
do not sum to 1), directed and weighted graphs with an isolated node and a
node with a self-loop, and m != m_out.
"""

from __future__ import annotations

import numpy as np

from grader.catalog.attention import causal
from grader.catalog.gcn import features, random_graph, weights
from grader.declarations import Check, Exercise, Mistake, StudentClass
from grader.module_checks import expect_gradients, expect_output, expect_parameters_in_use, require_loaded
from grader.object_scripts import backward, call, load, new
from grader.trial import Trial

MISTAKES = "reference.layers_mistakes"


def upstream(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """An upstream gradient with entries of both signs, none of them 1."""
    return (rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)).astype(np.float32)


# -- MultiHeadSelfAttention -------------------------------------------------------------------


def attention_weights(rng: np.random.Generator, D: int) -> dict[str, np.ndarray]:
    """W_q, W_k, W_v, W_o with entries N(0, 1/D) scaled up so that scores spread over several units."""
    return {name: (rng.normal(0.0, 1.6 / np.sqrt(D), size=(D, D))).astype(np.float32) for name in ("W_q", "W_k", "W_v", "W_o")}


def tokens(rng: np.random.Generator, B: int, N: int, D: int) -> np.ndarray:
    return rng.normal(0.0, 1.0, size=(B, N, D)).astype(np.float32)


def keys_up_to(length: int, N: int) -> np.ndarray:
    """A padding mask: every query may attend to the first ``length`` of N keys only."""
    return np.broadcast_to(np.arange(N) < length, (N, N)).copy()


def _attention(t: Trial, D: int, H: int, B: int, N: int, mask: np.ndarray | None, *, gradients: bool) -> None:
    values, X = attention_weights(t.rng, D), tokens(t.rng, B, N, D)
    args = (X,) if mask is None else (X, mask)
    steps = [new(D, H), load(values), call(*args, grad=(0,) if gradients else ())]
    if gradients:
        steps.append(backward(2, upstream(t.rng, (B, N, D))))
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], "MultiHeadSelfAttention")
    masked = "" if mask is None else ", mask"
    expect_output(t, got[2], want[2], f"MultiHeadSelfAttention({D}, {H})(X{masked})", attached=True)
    if gradients:
        expect_gradients(t, got[3], want[3], inputs=["X"])


def check_multi_head_self_attention_parameters(t: Trial) -> None:
    """'MultiHeadSelfAttention(8, 2)' registers W_q, W_k, W_v and W_o, each (8, 8), and nothing else, and computes with them."""
    expect_parameters_in_use(t, new(8, 2), attention_weights(t.rng, 8), (tokens(t.rng, 2, 4, 8),), "MultiHeadSelfAttention")


def check_multi_head_self_attention_forward(t: Trial) -> None:
    """Two heads of width 4 on a batch of 2 sequences of 5 tokens, no mask."""
    _attention(t, 8, 2, 2, 5, None, gradients=False)


def check_multi_head_self_attention_causal_mask(t: Trial) -> None:
    """Output and gradients with a causal mask: token n attends to tokens 0..n."""
    _attention(t, 8, 2, 2, 5, causal(5), gradients=True)


def check_multi_head_self_attention_gradients(t: Trial) -> None:
    """Autograd's gradients of X and of the four weight matrices, three heads, no mask."""
    _attention(t, 6, 3, 2, 4, None, gradients=True)


def check_multi_head_self_attention_hidden(t: Trial) -> None:
    """New widths, head counts and masks (padding and causal)."""
    _attention(t, 12, 3, 3, 6, keys_up_to(4, 6), gradients=True)
    _attention(t, 8, 4, 1, 7, causal(7), gradients=True)


MULTI_HEAD_SELF_ATTENTION = Exercise(
    id="layers.multi_head_self_attention",
    input_classes=("float32 input",),
    title="Multi-head self-attention as an nn.Module",
    notes="1.12.2.4 (multi-head attention), 1.12.5.2 (masks)",
    uses_torch=True,
    student=StudentClass("layers", "MultiHeadSelfAttention"),
    reference="reference.layers:MultiHeadSelfAttention",
    torch_reference="reference.layers_torch:MultiHeadSelfAttention",
    checks=(
        Check(check_multi_head_self_attention_parameters, points=1),
        Check(check_multi_head_self_attention_forward, points=1),
        Check(check_multi_head_self_attention_causal_mask, points=2),
        Check(check_multi_head_self_attention_gradients, points=2),
        Check(check_multi_head_self_attention_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "no 1/sqrt(D_k)",
            "the scores are Q_h K_h^T / sqrt(D_k): without the scale, the softmax saturates as D_k grows.",
            f"{MISTAKES}:AttentionUnscaled",
        ),
        Mistake(
            "heads split across tokens",
            "reshaping (B, N, H*D_k) straight to (B, H, N, D_k) mixes the columns of different tokens; "
            "reshape to (B, N, H, D_k) first, then move the head axis: .transpose(1, 2).",
            f"{MISTAKES}:AttentionHeadsSplitAcrossTokens",
        ),
        Mistake(
            "mask applied after the softmax",
            "a blocked score must be -inf before the softmax; zeroing weights after it leaves rows that no longer sum to 1.",
            f"{MISTAKES}:AttentionMaskAfterSoftmax",
        ),
    ),
)


# -- GCNLayer -------------------------------------------------------------------------------------


def _gcn(t: Trial, n: int, m: int, m_out: int, *, directed: bool, gradients: bool) -> None:
    A = random_graph(t.rng, n, directed=directed, weighted=True, isolated=1, loops=1).astype(np.float32)
    H = features(t.rng, n, m).astype(np.float32)
    values = {"W": weights(t.rng, m, m_out).astype(np.float32)}
    steps = [new(m, m_out), load(values), call(A, H, grad=(1,) if gradients else ())]
    if gradients:
        steps.append(backward(2, upstream(t.rng, (n, m_out))))
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], "GCNLayer")
    expect_output(t, got[2], want[2], f"GCNLayer({m}, {m_out})(A, H)", attached=True)
    if gradients:
        expect_gradients(t, got[3], want[3], inputs=["H"])


def check_gcn_layer_parameters(t: Trial) -> None:
    """'GCNLayer(4, 3)' registers W of shape (4, 3), and nothing else, and computes with it."""
    A = random_graph(t.rng, 5, directed=False, weighted=True, isolated=1).astype(np.float32)
    inputs = (A, features(t.rng, 5, 4).astype(np.float32))
    expect_parameters_in_use(t, new(4, 3), {"W": weights(t.rng, 4, 3).astype(np.float32)}, inputs, "GCNLayer")


def check_gcn_layer_forward(t: Trial) -> None:
    """A weighted undirected graph of 6 nodes, one isolated and one with a self-loop, 4 features to 3."""
    _gcn(t, 6, 4, 3, directed=False, gradients=False)


def check_gcn_layer_gradients(t: Trial) -> None:
    """Autograd's gradients of H and W on a directed weighted graph."""
    _gcn(t, 7, 3, 5, directed=True, gradients=True)


def check_gcn_layer_hidden(t: Trial) -> None:
    """New graphs and widths, output and gradients."""
    _gcn(t, 8, 5, 2, directed=False, gradients=True)
    _gcn(t, 5, 2, 4, directed=True, gradients=True)


GCN_LAYER = Exercise(
    id="layers.gcn_layer",
    input_classes=("float32 input",),
    title="A graph convolutional layer as an nn.Module",
    notes="1.13.5.2 (the GCN layer)",
    uses_torch=True,
    student=StudentClass("layers", "GCNLayer"),
    reference="reference.layers:GCNLayer",
    torch_reference="reference.layers_torch:GCNLayer",
    checks=(
        Check(check_gcn_layer_parameters, points=1),
        Check(check_gcn_layer_forward, points=2),
        Check(check_gcn_layer_gradients, points=2),
        Check(check_gcn_layer_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "no self-loops",
            "P is built from A~ = A + I (a loop added where a node has none): without it a node ignores its own "
            "features, and an isolated node divides by a degree of 0.",
            f"{MISTAKES}:GCNWithoutSelfLoops",
        ),
        Mistake(
            "row normalisation",
            "D~^-1 A~ averages the neighbours; the GCN layer uses the symmetric D~^-1/2 A~ D~^-1/2, which also "
            "weighs each neighbour by its own degree.",
            f"{MISTAKES}:GCNRowNormalised",
        ),
        Mistake(
            "weights as plain tensors",
            "a tensor kept as a plain attribute is not a parameter: no optimiser trains it and no state_dict holds "
            "it; wrap it in nn.Parameter.",
            f"{MISTAKES}:GCNWeightsAsPlainTensor",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (MULTI_HEAD_SELF_ATTENTION, GCN_LAYER)
