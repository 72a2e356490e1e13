"""Representation learning: the InfoNCE loss of contrastive learning, the momentum encoder's update,
greedy layer-wise unsupervised pre-training, fine-tuning a network's head with its other layers frozen, and one
step of domain-adversarial training with the domain gradient reversed.

Course notes 1.8.4.1 (SSL via contrastive learning; MoCo's momentum encoder),
1.8.3 (Figure 6), 1.8.2.1 (transfer learning) and 1.8.2.2 (domain adaptation
by backpropagation). Conventions are in ``exercises/representation.py``: the
InfoNCE denominator runs over the 2n embeddings of the batch except the
anchor itself (the positive and the 2n - 2 negatives), the similarity is the
cosine, the loss is the mean over the n anchors; the key encoder takes
``theta_k <- m theta_k + (1 - m) theta_q`` once per training step; the
pre-training's single-layer learner is ZCA whitening (the population
covariance) followed by tanh.

Inputs tell the conventions from the mistakes students make. InfoNCE:
embeddings with norms from 0.3 to 3 (a dot product shows), temperatures
other than 1 (a temperature multiplied shows), positives both nearer and
farther than some negatives (the positive left out of the denominator, and
the anchor's own term left in, show), and tau = 0.001, where e^(1/tau)
overflows unless the row's maximum is taken out; there one anchor has a
negative 0.5 or more nearer than its positive in cosine, so the loss is
hundreds and a float32 solution's rounding (about 1e-4 on a logit) stays far
below the tolerance. Momentum: m never 0.5 (where m on the query's side is
the same update), several steps per call (an update applied once, or with
one query for every step, shows), the key and the query far apart. The
student's key parameters are fed back into the next call, rounded to
float32, and the end of a run is judged at float32's tolerance; a check of
one call from a drawn state names a mistake however its arithmetic is
ordered. Pre-training: two or three layers (a layer fitted on the raw input
shows from layer 2 on, and so does the encoder composed the wrong way
round), new data of other rows than the training data (refitting on it
shows; one row, where the refit has no covariance), and data whose
covariance has eigenvalues from about 0.3 to 5 (n - 1 for n shows, and a
float32 eigendecomposition is accurate to float32's tolerance). Every input
is a float32 number.

Fine-tuning is checked through a script (:mod:`grader.object_scripts`): the
grader builds its own network (two or three layers, sigmoid or ReLU, logits
out), loads weights drawn here, calls the student's step once or twice,
reads every parameter back after each call and, at the end, what the
network registers. The expected values come from the NumPy reference, which
backpropagates by hand; the frozen parameters must also be bit for bit the
ones loaded, and requires_grad False on them and True on the head's, which
the check judges itself (the NumPy runner has no requires_grad), beside
right values. Weight decay of 0.1 to 0.4 at a rate of 0.3 to 0.8 moves the
head's weights visibly (weight decay left out shows), labels hold the first
and last class, and the head's bias starts away from 0. In torch, a frozen
parameter handed to SGD with weight decay does not move when it has no
gradient (SGD skips it), so that is no mistake here.

The domain-adversarial step draws every gradient from N(0, 1) and lambda
below 0.7 or above 1.5 (never 1, where ignoring it is the same step), with
all three groups of parameters present (a reversal in the wrong place
shows).

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.compare import TOLERANCES
from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.module_checks import array_tolerances
from grader.object_scripts import function, load, network, obj, parameters, state
from grader.trial import Trial

MISTAKES = "reference.representation_mistakes"

FLOAT32 = {"rtol": 1e-4, "atol": 1e-6}
"""the tolerances of an answer reached through values rounded to float32 (float32's own)"""

Params = dict[str, np.ndarray]


def representable(values: Any) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def number(value: float) -> float:
    """A float32 number as a Python float."""
    return float(np.float32(value))


# -- representation.info_nce --------------------------------------------------------------------


def embeddings(rng: np.random.Generator, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """n anchors and their positives in d dimensions: each positive the anchor's direction plus noise, every row rescaled to a norm from 0.3 to 3."""
    Z = rng.normal(size=(n, d))
    Z_pos = Z + rng.normal(0.0, rng.uniform(0.3, 1.2, size=(n, 1)), size=(n, d))
    scale = lambda A: A / np.linalg.norm(A, axis=1, keepdims=True) * rng.uniform(0.3, 3.0, size=(len(A), 1))  # noqa: E731
    return representable(scale(Z)), representable(scale(Z_pos))


def hard_negative_batch(rng: np.random.Generator, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """A batch in which anchor 0 has another anchor at cosine >= 0.95 and its positive at cosine <= 0.45 (d >= 3)."""
    Z, Z_pos = embeddings(rng, n, d)
    u = rng.normal(size=d)
    u /= np.linalg.norm(u)
    v = rng.normal(size=d)
    v -= (v @ u) * u
    v /= np.linalg.norm(v)
    Z[0] = u * rng.uniform(0.5, 2.0)
    Z[1] = (u + 0.1 * v) * rng.uniform(0.5, 2.0)                 # cos(z_0, z_1) = 1 / sqrt(1.01) > 0.99
    Z_pos[0] = (0.4 * u + np.sqrt(1 - 0.16) * v) * rng.uniform(0.5, 2.0)  # cos(z_0, z_0^+) = 0.4
    order = rng.permutation(n)
    return representable(Z[order]), representable(Z_pos[order])


def _info_nce(t: Trial, cases: list[tuple[np.ndarray, np.ndarray, float]], show: bool = False) -> None:
    for Z, Z_pos, tau in cases:
        label = (f"info_nce({np.asarray(Z).tolist()}, {np.asarray(Z_pos).tolist()}, {tau:g})" if show
                 else f"info_nce(Z, Z_pos of shape {np.shape(Z)}, tau={tau:g})")
        t.expect_close(t.student(Z, Z_pos, tau), t.reference(Z, Z_pos, tau), name=label)


def check_info_nce_worked_example(t: Trial) -> None:
    """'info_nce' on the docstring's example, Z = [[1, 0], [0, 1]], Z_pos = [[2, 0], [0, -3]], tau = 0.5: 1.499084."""
    _info_nce(t, [(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[2.0, 0.0], [0.0, -3.0]]), 0.5)], show=True)


def check_info_nce_batch(t: Trial) -> None:
    """'info_nce' of 4 anchors in 3 dimensions (tau 0.5) and 6 in 5 (tau 0.1, float32 arrays), norms from 0.3 to 3."""
    Z, Z_pos = embeddings(t.rng, 4, 3)
    Z6, Z6_pos = embeddings(t.rng, 6, 5)
    _info_nce(t, [(Z, Z_pos, 0.5), (Z6.astype(np.float32), Z6_pos.astype(np.float32), 0.1)])


def check_info_nce_small_temperature(t: Trial) -> None:
    """'info_nce' with tau = 0.001 (e^(1/tau) overflows) on 5 anchors, one of which has a negative nearer than its positive."""
    _info_nce(t, [(*hard_negative_batch(t.rng, 5, 4), 0.001)])


def check_info_nce_hidden(t: Trial) -> None:
    """'info_nce' on new batches and temperatures, and with tau = 0.001."""
    n, d = int(t.rng.integers(3, 7)), int(t.rng.integers(2, 6))
    tau = number(t.rng.choice([t.rng.uniform(0.05, 0.4), t.rng.uniform(0.6, 2.0)]))
    _info_nce(t, [(*embeddings(t.rng, n, d), tau),
                  (*hard_negative_batch(t.rng, int(t.rng.integers(3, 7)), int(t.rng.integers(3, 6))), 0.001)])


INFO_NCE = Exercise(
    id="representation.info_nce",
    title="The InfoNCE loss with cosine similarity and a temperature, stable for any temperature",
    notes="1.8.4.1 (SSL via contrastive learning: the InfoNCE loss; SimCLR)",
    input_classes=("float32 input",),
    student=StudentFunction("representation", "info_nce"),
    reference="reference.representation:info_nce",
    torch_reference="reference.representation_torch:info_nce",
    checks=(
        Check(check_info_nce_worked_example, points=1),
        Check(check_info_nce_batch, points=2),
        Check(check_info_nce_small_temperature, points=1),
        Check(check_info_nce_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "dot product instead of cosine similarity",
            "sim is the COSINE similarity: divide each dot product by the two embeddings' norms (or normalise every "
            "row first). A dot product grows with the norms, which the loss should not see.",
            f"{MISTAKES}:info_nce_dot_product",
        ),
        Mistake(
            "temperature multiplied",
            "the similarities are DIVIDED by tau: exp(sim / tau). A small tau sharpens the scores; multiplying by it "
            "flattens them instead.",
            f"{MISTAKES}:info_nce_temperature_multiplied",
        ),
        Mistake(
            "positive left out of the denominator",
            "the denominator sums over every other embedding of the batch, the positive included: the loss is a "
            "softmax cross-entropy whose right class is the positive, so its term is in the sum too.",
            f"{MISTAKES}:info_nce_positive_left_out",
        ),
        Mistake(
            "anchor's own similarity left in",
            "leave the anchor itself out of the denominator: its similarity with itself is always 1 and says nothing "
            "about the pair (mask it before the log-sum-exp).",
            f"{MISTAKES}:info_nce_anchor_left_in",
        ),
        Mistake(
            "no maximum subtracted (overflow at a small tau)",
            "with tau = 0.001 a similarity of 1 gives exp(1000), which overflows: take each anchor's largest "
            "sim / tau out before exponentiating, log sum exp(s) = M + log sum exp(s - M).",
            f"{MISTAKES}:info_nce_no_max_subtracted",
        ),
    ),
)


# -- representation.momentum_update ------------------------------------------------------------


def network_parameters(rng: np.random.Generator, sizes: tuple[int, ...], scale: float = 1.0) -> Params:
    """The parameters of an MLP with these layer sizes, named as ``nn.Linear`` layers in an ``nn.ModuleList``."""
    params = {}
    for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"layers.{index}.weight"] = representable(scale * rng.normal(size=(n_out, n_in)))
        params[f"layers.{index}.bias"] = representable(scale * rng.uniform(-1.0, 1.0, size=n_out))
    return params


def query_walk(rng: np.random.Generator, start: Params, steps: int) -> list[Params]:
    """The query encoder's parameters after each of ``steps`` training steps: a random walk from ``start``."""
    walk, current = [], start
    for _ in range(steps):
        current = {name: representable(value + rng.normal(0.0, 0.3, size=value.shape)) for name, value in current.items()}
        walk.append(current)
    return walk


def usable_params(value: Any, like: Params) -> Params | None:
    """The answer as a dict of finite float arrays of the parameters' shapes, rounded to float32, or None."""
    if not isinstance(value, dict) or set(value) != set(like):
        return None
    try:
        arrays = {name: np.asarray(value[name], dtype=float) for name in like}
    except (TypeError, ValueError):
        return None
    if any(arrays[name].shape != like[name].shape or not np.isfinite(arrays[name]).all() for name in like):
        return None
    return {name: representable(array) for name, array in arrays.items()}


def _momentum_run(t: Trial, sizes: tuple[int, ...], m: float, chunks: list[int]) -> None:
    """Calls of the student's update, one per chunk of training steps, each fed the key it returned last."""
    key = network_parameters(t.rng, sizes)
    history = query_walk(t.rng, network_parameters(t.rng, sizes), sum(chunks))
    expected_in, mine, done = key, key, 0
    for index, size in enumerate(chunks):
        queries = history[done:done + size]
        done += size
        expected = t.reference(expected_in, queries, m)
        got = t.student(mine, queries, m)
        if index == 0:
            t.expect_close(got, expected, name=f"momentum_update(key, {size} query steps, m={m:g}), the first call")
        mine = usable_params(got, key)
        if mine is None:
            t.fail(f"call {index + 1}: 'momentum_update' should return a dict of finite arrays with the keys and shapes "
                   f"of key_params {sorted(key)}; it returned {got!r:.200}")
        expected_in = usable_params(expected, key)
    t.expect_close(got, expected, name=f"the key encoder after {done} steps in {len(chunks)} calls (m={m:g}), its own output fed back",
                   **FLOAT32)


def check_momentum_update_worked_example(t: Trial) -> None:
    """'momentum_update' on the docstring's example: key [1, 2], queries [3, 0] then [5, 4], m = 0.75: [2.375, 2.125]."""
    args = ({"w": np.array([1.0, 2.0])}, [{"w": np.array([3.0, 0.0])}, {"w": np.array([5.0, 4.0])}], 0.75)
    t.expect_close(t.student(*args), t.reference(*args),
                   name="momentum_update({'w': [1, 2]}, [{'w': [3, 0]}, {'w': [5, 4]}], 0.75)")


def check_momentum_update_many_steps(t: Trial) -> None:
    """24 training steps of a 3-4-2 network's key encoder (m = 0.9) in calls of 1, 3, 5, 2, 6 and 7 steps, its own output fed back."""
    _momentum_run(t, (3, 4, 2), 0.9, [1, 3, 5, 2, 6, 7])


def check_momentum_update_from_a_state(t: Trial) -> None:
    """One call of 'momentum_update' of 4 steps from drawn key and query parameters, m = 0.99 and m = 0.75."""
    for m in (0.99, 0.75):
        key = network_parameters(t.rng, (2, 3, 2))
        queries = query_walk(t.rng, network_parameters(t.rng, (2, 3, 2)), 4)
        t.expect_close(t.student(key, queries, m), t.reference(key, queries, m), name=f"momentum_update(key, 4 query steps, m={m:g})")


def check_momentum_update_hidden(t: Trial) -> None:
    """Many steps of a new layer's key encoder with a new momentum, in calls of several steps."""
    m = number(t.rng.uniform(0.6, 0.98))
    sizes = tuple(int(n) for n in t.rng.integers(2, 6, size=2))
    _momentum_run(t, sizes, m, [int(k) for k in t.rng.integers(2, 5, size=3)])


MOMENTUM_UPDATE = Exercise(
    id="representation.momentum_update",
    title="The momentum (key) encoder's update of MoCo, theta_k <- m theta_k + (1 - m) theta_q, over several steps",
    notes="1.8.4.1 (Momentum Contrast: the momentum encoder)",
    input_classes=(),
    student=StudentFunction("representation", "momentum_update"),
    reference="reference.representation:momentum_update",
    torch_reference="reference.representation_torch:momentum_update",
    checks=(
        Check(check_momentum_update_worked_example, points=1),
        Check(check_momentum_update_many_steps, points=2),
        Check(check_momentum_update_from_a_state, points=1),
        Check(check_momentum_update_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "m on the query's parameters",
            "m, close to 1, weights the KEY encoder's own parameters, so that it changes slowly: "
            "theta_k <- m theta_k + (1 - m) theta_q. With m on the query the key jumps almost onto it each step.",
            f"{MISTAKES}:momentum_update_m_on_the_query",
        ),
        Mistake(
            "key encoder copied from the query",
            "the key encoder is not a copy of the query encoder: it is a moving average of it, which keeps the queued "
            "keys consistent. Mix the two with m at every step.",
            f"{MISTAKES}:momentum_update_query_copied",
        ),
        Mistake(
            "update applied once for several steps",
            "the key encoder follows the query after EVERY training step: apply the update once per entry of "
            "query_history, in order, each with that step's query parameters.",
            f"{MISTAKES}:momentum_update_applied_once",
        ),
        Mistake(
            "one query for every step",
            "each step mixes in the query encoder's parameters after THAT step, query_history[t], not the same "
            "entry every time.",
            f"{MISTAKES}:momentum_update_first_query_only",
        ),
    ),
)


# -- representation.greedy_pretraining ------------------------------------------------------------


def correlated_data(rng: np.random.Generator, d: int) -> tuple[np.ndarray, np.ndarray]:
    """A mixing and an offset to draw data in d dimensions: a random rotation with scales from 0.6 to 2.2 (covariance eigenvalues 0.36 to 4.8)."""
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    mixing = Q * rng.uniform(0.6, 2.2, size=d)
    return mixing, rng.uniform(-2.0, 2.0, size=d)


def draw(rng: np.random.Generator, mixing: np.ndarray, offset: np.ndarray, rows: int) -> np.ndarray:
    return representable(rng.normal(size=(rows, mixing.shape[0])) @ mixing.T + offset)


def _pretraining(t: Trial, cases: list[tuple[np.ndarray, int, np.ndarray]], show: bool = False) -> None:
    for X, m, X_new in cases:
        label = (f"greedy_pretraining({X.tolist()}, {m}, {X_new.tolist()})" if show
                 else f"greedy_pretraining(X of shape {X.shape}, {m}, X_new of shape {X_new.shape})")
        t.expect_close(t.student(X, m, X_new), t.reference(X, m, X_new), name=label)


WORKED_X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 1.0], [2.0, 1.0]])


def check_greedy_pretraining_worked_example(t: Trial) -> None:
    """'greedy_pretraining' on the docstring's example: the rectangle's corners, 2 layers, the new point [3, 1] (one row)."""
    _pretraining(t, [(WORKED_X, 2, np.array([[3.0, 1.0]]))], show=True)


def check_greedy_pretraining_random(t: Trial) -> None:
    """'greedy_pretraining' of 30 examples in 3 dimensions with 3 layers, and of 25 in 4 with 2 layers (float32), new data of 8 rows."""
    mixing, offset = correlated_data(t.rng, 3)
    X, X_new = draw(t.rng, mixing, offset, 30), draw(t.rng, mixing, offset, 8)
    mixing4, offset4 = correlated_data(t.rng, 4)
    X4, X4_new = draw(t.rng, mixing4, offset4, 25), draw(t.rng, mixing4, offset4, 8)
    _pretraining(t, [(X, 3, X_new), (X4.astype(np.float32), 2, X4_new.astype(np.float32))])


def check_greedy_pretraining_one_layer(t: Trial) -> None:
    """'greedy_pretraining' with 1 layer, of 20 examples in 2 dimensions, and new data of 6 rows."""
    mixing, offset = correlated_data(t.rng, 2)
    _pretraining(t, [(draw(t.rng, mixing, offset, 20), 1, draw(t.rng, mixing, offset, 6))])


def check_greedy_pretraining_hidden(t: Trial) -> None:
    """'greedy_pretraining' of new data, layers and new points."""
    d = int(t.rng.integers(2, 5))
    n = int(t.rng.integers(8 * d, 12 * d))
    mixing, offset = correlated_data(t.rng, d)
    _pretraining(t, [(draw(t.rng, mixing, offset, n), int(t.rng.integers(2, 4)), draw(t.rng, mixing, offset, int(t.rng.integers(2 * d, 3 * d))))])


GREEDY_PRETRAINING = Exercise(
    id="representation.greedy_pretraining",
    title="Greedy layer-wise unsupervised pre-training (Figure 6) with a closed-form whitening layer",
    notes="1.8.3 (Greedy layer-wise unsupervised pre-training, Figure 6)",
    input_classes=("float32 input", "single row: X_new"),
    student=StudentFunction("representation", "greedy_pretraining"),
    reference="reference.representation:greedy_pretraining",
    torch_reference="reference.representation_torch:greedy_pretraining",
    checks=(
        Check(check_greedy_pretraining_worked_example, points=1),
        Check(check_greedy_pretraining_random, points=2),
        Check(check_greedy_pretraining_one_layer, points=1),
        Check(check_greedy_pretraining_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "every layer fitted on the raw input",
            "layer k is fitted on repr k - 1, the output of the layers before it ('taking the output of the previous "
            "layers'), not on X: fit, apply, and fit the next layer on what came out.",
            f"{MISTAKES}:greedy_pretraining_raw_input",
        ),
        Mistake(
            "composition in the wrong order",
            "f = f_m o ... o f_1: new data goes through layer 1 first, then layer 2, and so on, in the order the "
            "layers were learned.",
            f"{MISTAKES}:greedy_pretraining_wrong_order",
        ),
        Mistake(
            "layers fitted again on the new data",
            "the pre-trained encoder is fixed once learned: encode X_new with the mu and W each layer learned on "
            "the training data, without fitting anything on X_new.",
            f"{MISTAKES}:greedy_pretraining_refitted_on_new_data",
        ),
        Mistake(
            "sample covariance (n - 1)",
            "the layer's covariance is divided by n, the number of examples (np.cov divides by n - 1 unless told "
            "bias=True).",
            f"{MISTAKES}:greedy_pretraining_sample_covariance",
        ),
    ),
)

# -- representation.fine_tune_head ----------------------------------------------------------------


def mlp_parameters(rng: np.random.Generator, sizes: list[int]) -> dict[str, np.ndarray]:
    """An MLP's parameters by name (``layers.i.weight`` of shape (n_out, n_in)), float32: weights N(0, 1), biases U(-1, 1)."""
    values = {}
    for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        values[f"layers.{index}.weight"] = rng.normal(0.0, 1.0, size=(n_out, n_in)).astype(np.float32)
        values[f"layers.{index}.bias"] = rng.uniform(-1.0, 1.0, size=n_out).astype(np.float32)
    return values


def _head_close(t: Trial, got: Any, expected: dict[str, np.ndarray], when: str) -> bool:
    """Every parameter after the step, each at the tolerance of a float32 network's answer."""
    ok = True
    have = got if isinstance(got, dict) else {}
    for name, value in expected.items():
        ok = t.expect_close(have.get(name), value, name=f"the parameter '{name}' after {when}",
                            **array_tolerances(have.get(name), value)) and ok
    return ok


BODY_LEFT_TRAINABLE = "earlier layers left trainable"


def _fine_tune(t: Trial, sizes: list[int], activation: str, batches: int) -> None:
    """Build and load the network, call the student's step ``batches`` times, read every parameter after each call and
    what the network registers at the end: the values as the reference's, the frozen ones exactly as loaded, and
    requires_grad False on every layer but the last."""
    start = mlp_parameters(t.rng, sizes)
    head = f"layers.{len(sizes) - 2}."
    steps = [network(sizes, activation=activation, logits=True), load(start)]
    for _ in range(batches):
        n = int(t.rng.integers(5, 9))
        X = t.rng.normal(size=(n, sizes[0])).astype(np.float32)
        labels = t.rng.integers(0, sizes[-1], size=n)
        labels[:2] = [0, sizes[-1] - 1]
        lr, weight_decay = number(t.rng.uniform(0.3, 0.8)), number(t.rng.uniform(0.1, 0.4))
        steps += [function(obj(0), X, labels, lr, weight_decay), state(0)]
    steps.append(parameters(0))
    got, want = t.student(steps), t.reference(steps)
    if not isinstance(got, list) or len(got) != len(steps):
        t.fail("the script did not run to its end: a load or a call failed")
    values_ok = True
    for index in range(batches):
        at = 2 + 2 * index
        when = f"call {index + 1}" if batches > 1 else "the call"
        rtol, atol = TOLERANCES["float32"]
        value = got[at].get("value") if isinstance(got[at], dict) else None
        values_ok = t.expect_close(value, want[at]["value"], name=f"the loss fine_tune_head returned at {when}",
                                   rtol=rtol, atol=atol) and values_ok
        values_ok = _head_close(t, got[at + 1], want[at + 1], when) and values_ok
    after = got[-2] if isinstance(got[-2], dict) else {}
    moved = sorted(name for name in start if not name.startswith(head)
                   and not np.array_equal(np.asarray(after.get(name, np.nan), dtype=np.float32), start[name]))
    t.expect(not moved, f"the frozen parameters {moved} changed: only the last layer's may move", with_value=values_ok)
    listed = got[-1].get("parameters", []) if isinstance(got[-1], dict) else []
    flags = {entry[0]: entry[3] for entry in listed if isinstance(entry, (list, tuple)) and len(entry) == 4}
    wrong = sorted(name for name in start if flags.get(name) is not (name.startswith(head)))
    # Named only when the answer is the mistake's: EVERY parameter before the head left trainable (a network with
    # only some frozen layers is wrong in another way, and is told which flags are wrong, unnamed).
    body = sorted(name for name in start if not name.startswith(head))
    body_trainable = bool(body) and wrong == body and all(flags.get(name) is True for name in body)
    if values_ok and body_trainable:
        # The values are right and only the frozen layers' flags are not: the mistake is recognised here, as the
        # NumPy reference's runner has no requires_grad to tell it from the right answer.
        t.name_mistake(BODY_LEFT_TRAINABLE)
        t.expect(False, f"{BODY_LEFT_TRAINABLE}: requires_grad is True on {wrong}, which must be False; the values are "
                 f"right because the optimiser holds only the head")
        return
    t.expect(not wrong, f"requires_grad is wrong on {wrong}: False on every parameter of the frozen layers, True on the "
             f"head's ('{head}weight', '{head}bias')", with_value=values_ok)


def check_fine_tune_head_one_step(t: Trial) -> None:
    """'fine_tune_head' on a 4-5-3 sigmoid network, one batch: the loss, every parameter after, requires_grad on each."""
    _fine_tune(t, [4, 5, 3], "sigmoid", 1)


def check_fine_tune_head_two_steps(t: Trial) -> None:
    """Two calls of 'fine_tune_head' on a 3-4-4-2 ReLU network: two frozen layers stay exactly as loaded, the head moves twice."""
    _fine_tune(t, [3, 4, 4, 2], "relu", 2)


def check_fine_tune_head_hidden(t: Trial) -> None:
    """One call on a new network (two or three layers) and a new batch."""
    sizes = [int(size) for size in t.rng.integers(2, 6, size=int(t.rng.integers(3, 5)))]
    sizes[-1] = max(sizes[-1], 2)
    _fine_tune(t, sizes, str(t.rng.choice(["sigmoid", "relu"])), 1)


FINE_TUNE_HEAD = Exercise(
    id="representation.fine_tune_head",
    title="Transfer learning: fine-tuning a network's head with every other layer frozen (torch)",
    notes="1.8.2.1 (transfer learning: a shared representation, task-specific output layers); 1.5.2 (feature reusing)",
    input_classes=("float32 input", "integer dtype"),
    uses_torch=True,
    student=StudentFunction("representation", "fine_tune_head", scripted=True),
    reference="reference.representation:fine_tune_head",
    torch_reference="reference.representation_torch:fine_tune_head",
    checks=(
        Check(check_fine_tune_head_one_step, points=2),
        Check(check_fine_tune_head_two_steps, points=2),
        Check(check_fine_tune_head_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "head frozen instead",
            "it is the LAST layer, model.layers[-1], that is trained: the earlier layers are the shared representation "
            "and are frozen.",
            f"{MISTAKES}:fine_tune_head_head_frozen",
        ),
        Mistake(
            "eval mode taken for freezing",
            "model.eval() changes how dropout and batch normalisation behave; it freezes nothing. Freeze with "
            "requires_grad_(False) on the earlier layers and give the optimiser the head's parameters only.",
            f"{MISTAKES}:fine_tune_head_eval_mode",
        ),
        Mistake(
            "head's bias left frozen",
            "the head is the whole last layer: its bias is trained too, so hand the optimiser "
            "model.layers[-1].parameters(), not its weight alone.",
            f"{MISTAKES}:fine_tune_head_bias_frozen",
        ),
        Mistake(
            "weight decay left out",
            "pass weight_decay to torch.optim.SGD: each head parameter takes p - lr (dL/dp + weight_decay p).",
            f"{MISTAKES}:fine_tune_head_no_weight_decay",
        ),
        Mistake(
            BODY_LEFT_TRAINABLE,
            "an optimiser that only holds the head leaves the other layers' values alone, but autograd still computes "
            "and stores their gradients, and any other optimiser would move them: set requires_grad_(False) on them.",
            f"{MISTAKES}:fine_tune_head_body_left_trainable",
        ),
    ),
)

# -- representation.domain_adversarial_step --------------------------------------------------------


def adversarial_network(rng: np.random.Generator, n_in: int, n_features: int, classes: int) -> tuple[Params, Params, Params]:
    """A feature layer and the two heads' parameters, and gradients of L_y and L_d for the parameters each depends on."""
    params = {
        "features.weight": rng.normal(size=(n_features, n_in)), "features.bias": rng.uniform(-1.0, 1.0, size=n_features),
        "label_head.weight": rng.normal(size=(classes, n_features)), "label_head.bias": rng.uniform(-1.0, 1.0, size=classes),
        "domain_head.weight": rng.normal(size=(1, n_features)), "domain_head.bias": rng.uniform(-1.0, 1.0, size=1),
    }
    params = {name: representable(value) for name, value in params.items()}
    grad_label = {name: representable(rng.normal(size=value.shape)) for name, value in params.items()
                  if not name.startswith("domain_head.")}
    grad_domain = {name: representable(rng.normal(size=value.shape)) for name, value in params.items()
                   if not name.startswith("label_head.")}
    return params, grad_label, grad_domain


def _adversarial_steps(t: Trial, cases: list[tuple[int, int, int, float, float]]) -> None:
    for n_in, n_features, classes, lr, lam in cases:
        args = (*adversarial_network(t.rng, n_in, n_features, classes), lr, lam)
        t.expect_close(t.student(*args), t.reference(*args),
                       name=f"domain_adversarial_step(a {n_in}-{n_features} feature layer, {classes} classes, lr={lr:g}, lam={lam:g})")


def check_domain_adversarial_step_worked_example(t: Trial) -> None:
    """'domain_adversarial_step' on the docstring's example: lr 0.5, lam 0.25, features [1, 2] -> [0.875, 2.625]."""
    args = ({"features.w": np.array([1.0, 2.0]), "label_head.w": np.array([3.0]), "domain_head.w": np.array([-1.0])},
            {"features.w": np.array([0.5, -1.0]), "label_head.w": np.array([2.0])},
            {"features.w": np.array([1.0, 1.0]), "domain_head.w": np.array([4.0])}, 0.5, 0.25)
    t.expect_close(t.student(*args), t.reference(*args), name="domain_adversarial_step(the docstring's example)")


def check_domain_adversarial_step_random(t: Trial) -> None:
    """'domain_adversarial_step' on a 4-3 feature layer with 2 classes (lam 0.5) and a 5-4 one with 3 classes (lam 2)."""
    _adversarial_steps(t, [(4, 3, 2, 0.1, 0.5), (5, 4, 3, 0.05, 2.0)])


def check_domain_adversarial_step_hidden(t: Trial) -> None:
    """'domain_adversarial_step' on a new network, learning rate and lambda."""
    lam = number(t.rng.choice([t.rng.uniform(0.1, 0.7), t.rng.uniform(1.5, 3.0)]))
    sizes = [int(size) for size in t.rng.integers(2, 6, size=3)]
    _adversarial_steps(t, [(sizes[0], sizes[1], sizes[2], number(t.rng.uniform(0.02, 0.2)), lam)])


DOMAIN_ADVERSARIAL_STEP = Exercise(
    id="representation.domain_adversarial_step",
    title="Domain adaptation by backpropagation: one SGD step with the domain gradient reversed in the shared features",
    notes="1.8.2.2 (Domain adaptation; Unsupervised Domain Adaptation by Backpropagation)",
    input_classes=(),
    student=StudentFunction("representation", "domain_adversarial_step"),
    reference="reference.representation:domain_adversarial_step",
    torch_reference="reference.representation_torch:domain_adversarial_step",
    checks=(
        Check(check_domain_adversarial_step_worked_example, points=1),
        Check(check_domain_adversarial_step_random, points=2),
        Check(check_domain_adversarial_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "domain gradient not reversed in the features",
            "the features are penalised when the domain head succeeds: they ASCEND the domain loss, "
            "p - lr (dL_y/dp - lam dL_d/dp). Adding the domain gradient makes the features easier to tell apart by domain.",
            f"{MISTAKES}:domain_adversarial_step_not_reversed",
        ),
        Mistake(
            "domain head's gradient reversed too",
            "the reversal sits between the features and the domain head: the domain head itself descends its loss, "
            "p - lr dL_d/dp, so that it keeps learning to tell the domains apart.",
            f"{MISTAKES}:domain_adversarial_step_domain_head_reversed",
        ),
        Mistake(
            "lambda ignored",
            "the reversal layer multiplies the gradient by -lam, not by -1: the features take p - lr (dL_y/dp - lam dL_d/dp).",
            f"{MISTAKES}:domain_adversarial_step_lam_ignored",
        ),
        Mistake(
            "lambda on the domain head",
            "lam weighs only the reversed gradient that reaches the features; the domain head takes its own gradient "
            "as it is, p - lr dL_d/dp.",
            f"{MISTAKES}:domain_adversarial_step_lam_on_the_domain_head",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (INFO_NCE, MOMENTUM_UPDATE, GREEDY_PRETRAINING, FINE_TUNE_HEAD, DOMAIN_ADVERSARIAL_STEP)
