"""Recurrent network exercises: the RNN step and sequence, backpropagation through time, gradient
clipping, the vanishing gradient, a bidirectional layer, the LSTM gate, cell and sequence, the GRU
cell, and the RNN and LSTM as torch modules loaded from ``nn.RNN``/``nn.LSTM`` state dicts.

Course notes 1.6 (RNN, BPTT, LSTM), worked example 2.4.1, and the slides on
RNN, LSTM and bidirectional RNN. Batches are ``(B, T, n_x)`` (torch's
``batch_first=True``), weights in the notes' layout (``W_ax x``), the LSTM's
stacked ``W`` acts on ``[h_{t-1}, x_t]`` with gate blocks i, f, g, o (see
``exercises/rnn.py``). Inputs discriminate the mistakes students most often
make: hidden sizes that differ from input sizes, batches of several
sequences, several sequence lengths in one check, recurrent matrices that are
not symmetric (W_aa against W_aa^T), previous hidden and cell states that
differ from each other and from 0, gradients on every step and on the last
step only, gradients whose global norm is above and below the threshold with
entries above it, and the notes' step activation with arguments exactly 0.
Hidden checks draw their own shapes.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from grader.compare import tolerances_of
from grader.declarations import Check, Exercise, Mistake, StudentClass, StudentFunction
from grader.module_checks import expect_gradients, expect_output, expect_parameters_in_use, require_loaded
from grader.object_scripts import backward, call, load, new, state
from grader.trial import Trial

MISTAKES = "reference.rnn_mistakes"

# -- inputs ----------------------------------------------------------------------------------------


def sequences(rng: np.random.Generator, B: int, T: int, n_x: int) -> np.ndarray:
    """A batch of B sequences of T steps, N(0, 1)."""
    return rng.normal(0.0, 1.0, size=(B, T, n_x))


def matrix(rng: np.random.Generator, rows: int, columns: int, scale: float = 1.0) -> np.ndarray:
    """Weights N(0, scale^2 / columns); a square one is never symmetric."""
    return rng.normal(0.0, scale / np.sqrt(columns), size=(rows, columns))


def rnn_weights(rng: np.random.Generator, n_x: int, n_a: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(W_ax, W_aa, b_a)`` with W_aa large enough that the recurrence matters."""
    return matrix(rng, n_a, n_x, 1.5), matrix(rng, n_a, n_a, 1.5), rng.normal(0.0, 0.5, size=n_a)


def lstm_weights(rng: np.random.Generator, n_x: int, n_h: int) -> tuple[np.ndarray, np.ndarray]:
    """The stacked ``W`` (4 n_h, n_h + n_x) and ``b`` (4 n_h,), gates i, f, g, o; biases differ gate to gate."""
    W = matrix(rng, 4 * n_h, n_h + n_x, 2.0)
    b = rng.normal(0.0, 0.5, size=4 * n_h) + np.repeat([0.3, 1.0, 0.0, -0.3], n_h)
    return W, b


def two_sizes(rng: np.random.Generator, low: int = 2, high: int = 7) -> tuple[int, int]:
    """Two different sizes in [low, high): an input size and a hidden size."""
    n_x, n_a = (int(size) for size in rng.choice(np.arange(low, high), size=2, replace=False))
    return n_x, n_a


def _expect_parts(t: Trial, got: Any, want: Sequence[Any], call_name: str, names: Sequence[str]) -> bool:
    """One expectation per returned item when the answer is a tuple of the right length, else one for the whole."""
    if not isinstance(got, (list, tuple)) or len(got) != len(want):
        return t.expect_close(got, tuple(want), name=call_name)
    ok = True
    for item, expected, name in zip(got, want, names):
        ok = t.expect_close(item, expected, name=f"{name} of {call_name}") and ok
    return ok


# -- rnn.rnn_step ------------------------------------------------------------------------------------


def as_lists(args: tuple) -> tuple:
    """The call's first input (the sequence or step input) as nested lists, as the module's docstring allows."""
    return (args[0].tolist(), *args[1:])


def _rnn_step(t: Trial, B: int, n_x: int, n_a: int, n_y: int, *, start_at_zero: bool = False, lists: bool = False) -> None:
    x = t.rng.normal(size=(B, n_x))
    a_prev = np.zeros((B, n_a)) if start_at_zero else t.rng.uniform(-0.9, 0.9, size=(B, n_a))
    W_ax, W_aa, b_a = rnn_weights(t.rng, n_x, n_a)
    W_ya, b_y = matrix(t.rng, n_y, n_a), t.rng.normal(size=n_y)
    args = (x, a_prev, W_ax, W_aa, b_a, W_ya, b_y)
    _expect_parts(t, t.student(*(as_lists(args) if lists else args)), t.reference(*args), "rnn_step(x, a_prev, ...)", ("a", "y"))


def check_rnn_step_batch(t: Trial) -> None:
    """'rnn_step' gives a^(t) and y^(t) for a batch of 4, n_x = 3, n_a = 5, n_y = 2, from a nonzero a^(t-1)."""
    _rnn_step(t, 4, 3, 5, 2)


def check_rnn_step_hidden_smaller_than_input(t: Trial) -> None:
    """'rnn_step' with n_x = 6, n_a = 2, n_y = 3, a batch of 3, from a nonzero a^(t-1)."""
    _rnn_step(t, 3, 6, 2, 3, lists=True)


def check_rnn_step_hidden(t: Trial) -> None:
    """'rnn_step' is right on new sizes, from a^(0) = 0 and from a nonzero state."""
    n_x, n_a = two_sizes(t.rng)
    _rnn_step(t, int(t.rng.integers(2, 6)), n_x, n_a, int(t.rng.integers(1, 5)))
    _rnn_step(t, 2, n_a, n_x, 2, start_at_zero=True)


RNN_STEP = Exercise(
    id="rnn.rnn_step",
    input_classes=("list input: x",),
    title="One RNN step a^(t) = tanh(W_ax x^(t) + W_aa a^(t-1) + b_a) and its output",
    notes="1.6.1 (RNN activation)",
    uses_torch=True,
    student=StudentFunction("rnn", "rnn_step"),
    reference="reference.rnn:rnn_step",
    torch_reference="reference.rnn_torch:rnn_step",
    checks=(
        Check(check_rnn_step_batch, points=1),
        Check(check_rnn_step_hidden_smaller_than_input, points=1),
        Check(check_rnn_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "W_aa transposed",
            "with one example per row, W_aa a^(t-1) is a_prev @ W_aa.T; a_prev @ W_aa multiplies by W_aa^T, "
            "which differs unless W_aa is symmetric.",
            f"{MISTAKES}:rnn_step_w_aa_transposed",
        ),
        Mistake(
            "output from the previous state",
            "y^(t) = W_ya a^(t) + b_y uses the NEW state a^(t), computed in this step, not a^(t-1).",
            f"{MISTAKES}:rnn_step_output_from_previous_state",
        ),
        Mistake(
            "sigmoid instead of tanh",
            "the RNN's g is tanh here, whose values lie in (-1, 1); the sigmoid's lie in (0, 1).",
            f"{MISTAKES}:rnn_step_sigmoid",
        ),
    ),
)

# -- rnn.rnn_forward ---------------------------------------------------------------------------------


def _rnn_forward(t: Trial, B: int, T: int, n_x: int, n_a: int, weights: tuple[np.ndarray, ...] | None = None,
                 lists: bool = False) -> None:
    X = sequences(t.rng, B, T, n_x)
    W_ax, W_aa, b_a = weights or rnn_weights(t.rng, n_x, n_a)
    t.expect_close(t.student(X.tolist() if lists else X, W_ax, W_aa, b_a), t.reference(X, W_ax, W_aa, b_a),
                   name=f"rnn_forward(X, W_ax, W_aa, b_a) for X of shape {(B, T, n_x)}")


def check_rnn_forward_batch(t: Trial) -> None:
    """'rnn_forward' returns a^(1) .. a^(6) for 4 sequences of 6 steps, n_x = 3, n_a = 5, from a^(0) = 0."""
    _rnn_forward(t, 4, 6, 3, 5)


def check_rnn_forward_several_lengths(t: Trial) -> None:
    """'rnn_forward' with the same weights on sequences of 1, 3 and 7 steps, n_x = 5, n_a = 2."""
    weights = rnn_weights(t.rng, 5, 2)
    for T in (1, 3, 7):
        _rnn_forward(t, 3, T, 5, 2, weights, lists=T == 3)


def check_rnn_forward_hidden(t: Trial) -> None:
    """'rnn_forward' is right on new sizes and lengths."""
    n_x, n_a = two_sizes(t.rng)
    weights = rnn_weights(t.rng, n_x, n_a)
    for T in (int(t.rng.integers(2, 5)), int(t.rng.integers(5, 9))):
        _rnn_forward(t, int(t.rng.integers(2, 5)), T, n_x, n_a, weights)


RNN_FORWARD = Exercise(
    id="rnn.rnn_forward",
    input_classes=("list input: X",),
    title="An RNN over a batch of sequences: every hidden state",
    notes="1.6.1 (RNN activation, a^(0) the zero vector)",
    uses_torch=True,
    student=StudentFunction("rnn", "rnn_forward"),
    reference="reference.rnn:rnn_forward",
    torch_reference="reference.rnn_torch:rnn_forward",
    checks=(
        Check(check_rnn_forward_batch, points=1),
        Check(check_rnn_forward_several_lengths, points=1),
        Check(check_rnn_forward_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "a^(0) from the first input",
            "a^(0) is the zero vector (notes 1.6.1): start from np.zeros((B, n_a)), and let x^(1) enter through "
            "the first step only.",
            f"{MISTAKES}:rnn_forward_a0_from_first_input",
        ),
        Mistake(
            "W_aa transposed",
            "W_aa a^(t-1) with one example per row is a @ W_aa.T; a @ W_aa multiplies by W_aa^T.",
            f"{MISTAKES}:rnn_forward_w_aa_transposed",
        ),
        Mistake(
            "states shifted by one",
            "return a^(1) .. a^(T): [:, t-1] holds the state AFTER step t. Storing the state before the update "
            "keeps a^(0) = 0 and drops the last state.",
            f"{MISTAKES}:rnn_forward_states_shifted",
        ),
        Mistake(
            "state not carried",
            "each step starts from the previous step's state a^(t-1); resetting it to 0 makes every step forget "
            "the past.",
            f"{MISTAKES}:rnn_forward_state_not_carried",
        ),
    ),
)

# -- rnn.rnn_backward --------------------------------------------------------------------------------

_BPTT_PARTS = ("dW_ax", "dW_aa", "db_a", "dX")


def _rnn_backward(t: Trial, B: int, T: int, n_x: int, n_a: int, *, last_only: bool, lists: bool = False) -> None:
    X = sequences(t.rng, B, T, n_x)
    W_ax, W_aa, b_a = rnn_weights(t.rng, n_x, n_a)
    G = t.rng.normal(size=(B, n_a) if last_only else (B, T, n_a))
    loss = "the last step" if last_only else "every step"
    _expect_parts(t, t.student(X.tolist() if lists else X, W_ax, W_aa, b_a, G), t.reference(X, W_ax, W_aa, b_a, G),
                  f"rnn_backward(X, W_ax, W_aa, b_a, G) with a loss on {loss}", _BPTT_PARTS)


def check_rnn_backward_loss_on_every_step(t: Trial) -> None:
    """'rnn_backward' gives dW_ax, dW_aa, db_a and dX for L = sum_t sum(G_t * a^(t)), 3 sequences of 5 steps, n_x = 2, n_a = 4."""
    _rnn_backward(t, 3, 5, 2, 4, last_only=False)


def check_rnn_backward_loss_on_last_step(t: Trial) -> None:
    """'rnn_backward' for L = sum(G * a^(T)), a loss on the last state only: 2 sequences of 6 steps, n_x = 4, n_a = 3."""
    _rnn_backward(t, 2, 6, 4, 3, last_only=True, lists=True)


def check_rnn_backward_hidden(t: Trial) -> None:
    """'rnn_backward' is right on new sizes, for both losses."""
    n_x, n_a = two_sizes(t.rng)
    _rnn_backward(t, int(t.rng.integers(2, 5)), int(t.rng.integers(3, 7)), n_x, n_a, last_only=False)
    _rnn_backward(t, int(t.rng.integers(2, 5)), int(t.rng.integers(3, 7)), n_a, n_x, last_only=True)


RNN_BACKWARD = Exercise(
    id="rnn.rnn_backward",
    input_classes=("list input: X",),
    title="Backpropagation through time for a tanh RNN",
    notes="1.6.1.1 (training an RNN: BPTT)",
    uses_torch=True,
    student=StudentFunction("rnn", "rnn_backward"),
    reference="reference.rnn:rnn_backward",
    torch_reference="reference.rnn_torch:rnn_backward",
    checks=(
        Check(check_rnn_backward_loss_on_every_step, points=2),
        Check(check_rnn_backward_loss_on_last_step, points=2),
        Check(check_rnn_backward_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "BPTT truncated to one step",
            "the gradient reaching a^(t) is G_t PLUS what flows back from step t+1, dz^(t+1) W_aa: carry it "
            "backwards through every step, or a loss on the last step reaches nothing before it.",
            f"{MISTAKES}:rnn_backward_one_step",
        ),
        Mistake(
            "W_aa not transposed on the way back",
            "z^(t+1) = ... + a^(t) @ W_aa.T, so dL/da^(t) gets dz^(t+1) @ W_aa (W_aa^T dz for column vectors), "
            "not dz^(t+1) @ W_aa.T.",
            f"{MISTAKES}:rnn_backward_w_aa_not_transposed",
        ),
        Mistake(
            "dW_aa from a^(t)",
            "W_aa multiplies the PREVIOUS state: dW_aa = sum_t dz^(t)^T a^(t-1), with a^(0) = 0.",
            f"{MISTAKES}:rnn_backward_same_step_state",
        ),
        Mistake(
            "tanh derivative 1 - a",
            "d tanh(z)/dz = 1 - tanh(z)^2 = 1 - a^2.",
            f"{MISTAKES}:rnn_backward_tanh_derivative",
        ),
    ),
)

# -- rnn.clip_by_global_norm -------------------------------------------------------------------------


def _gradients(rng: np.random.Generator, shapes: Sequence[tuple[int, ...]], scale: float) -> list[np.ndarray]:
    return [rng.normal(0.0, scale, size=shape) for shape in shapes]


def _global_norm(got: Any) -> float | None:
    """The global norm of the clipped arrays a student returned, or None when they are not arrays."""
    if not isinstance(got, (list, tuple)) or len(got) != 2 or not isinstance(got[0], (list, tuple)):
        return None
    try:
        total = sum(float(np.sum(np.asarray(g, dtype=float) ** 2)) for g in got[0])
    except (TypeError, ValueError):
        return None
    return float(np.sqrt(total)) if np.isfinite(total) else None


def _clip(t: Trial, shapes: Sequence[tuple[int, ...]], max_norm: float) -> None:
    """Gradients above the threshold (scored with the global norm they end with), then the same below it."""
    grads = _gradients(t.rng, shapes, 1.0)
    # "above" means clearly above: a few small arrays can fall below max_norm (then nothing is clipped and the
    # norm is not max_norm), so gradients under 1.5 max_norm are scaled up to it
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    if norm < 1.5 * max_norm:
        grads = [g * (1.5 * max_norm / norm) for g in grads]
    got = t.student(grads, max_norm)
    value = t.expect_close(got, t.reference(grads, max_norm), name=f"clip_by_global_norm(grads, {max_norm})")
    norm = _global_norm(got)
    # at the precision of the arrays returned: float32's relative 1e-4, float64's 1e-7
    rtol = tolerances_of(got)["rtol"]
    t.expect(norm is not None and abs(norm - max_norm) <= rtol * max_norm,
             f"after clipping, the global norm of the arrays should be max_norm = {max_norm}", with_value=value)
    small = [g * 0.2 * max_norm / float(np.sqrt(sum(np.sum(h**2) for h in grads))) for g in grads]
    t.expect_close(t.student(small, max_norm), t.reference(small, max_norm),
                   name=f"clip_by_global_norm(grads, {max_norm}) for gradients whose global norm is below it",
                   with_value=value)


def check_clip_by_global_norm_three_arrays(t: Trial) -> None:
    """'clip_by_global_norm' scales a (3, 4) weight, a (4,) bias and a (2, 3) weight together to norm 1.5; below it, nothing changes."""
    _clip(t, [(3, 4), (4,), (2, 3)], 1.5)


def check_clip_by_global_norm_one_large_array(t: Trial) -> None:
    """'clip_by_global_norm' with max_norm 2 on a (5, 5) and a (5,) gradient; the clipped norm is max_norm."""
    _clip(t, [(5, 5), (5,)], 2.0)


def check_clip_by_global_norm_hidden(t: Trial) -> None:
    """'clip_by_global_norm' is right on new gradients and thresholds."""
    shapes = [tuple(int(n) for n in t.rng.integers(2, 6, size=2)), (int(t.rng.integers(2, 6)),)]
    _clip(t, shapes, float(t.rng.uniform(0.5, 2.0)))


CLIP_BY_GLOBAL_NORM = Exercise(
    id="rnn.clip_by_global_norm",
    input_classes=(),
    title="Gradient clipping by the global norm",
    notes="1.6.1.1 (exploding gradients)",
    uses_torch=True,
    student=StudentFunction("rnn", "clip_by_global_norm"),
    reference="reference.rnn:clip_by_global_norm",
    torch_reference="reference.rnn_torch:clip_by_global_norm",
    checks=(
        Check(check_clip_by_global_norm_three_arrays, points=1),
        Check(check_clip_by_global_norm_one_large_array, points=1),
        Check(check_clip_by_global_norm_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "each entry clipped",
            "clipping by the norm scales EVERY array by the same factor max_norm / N, keeping the gradient's "
            "direction; np.clip(g, -max_norm, max_norm) cuts single entries and changes the direction.",
            f"{MISTAKES}:clip_by_global_norm_each_entry",
        ),
        Mistake(
            "each array by its own norm",
            "the norm is GLOBAL: N = sqrt(sum of the squares of every entry of every array), and one factor "
            "max_norm / N scales them all.",
            f"{MISTAKES}:clip_by_global_norm_each_array",
        ),
        Mistake(
            "always rescaled",
            "scale only when N > max_norm; gradients whose global norm is already below max_norm are returned "
            "unchanged (the factor is min(1, max_norm / N)).",
            f"{MISTAKES}:clip_by_global_norm_always",
        ),
    ),
)

# -- rnn.jacobian_norms ------------------------------------------------------------------------------


def _jacobians(t: Trial, T: int, n_x: int, n_a: int, activation: str, W_aa: np.ndarray, *, default: bool = False,
               lists: bool = False) -> bool:
    """One expectation; ``default`` leaves the activation out of the student's call (its default is "tanh")."""
    X = t.rng.normal(size=(T, n_x))
    W_ax, b_a = matrix(t.rng, n_a, n_x), t.rng.normal(0.0, 0.3, size=n_a)
    given = X.tolist() if lists else X
    got = t.student(given, W_ax, W_aa, b_a) if default else t.student(given, W_ax, W_aa, b_a, activation)
    shown = "" if default else f", {activation!r}"
    return t.expect_close(got, t.reference(X, W_ax, W_aa, b_a, activation),
                          name=f"jacobian_norms(X, W_ax, W_aa, b_a{shown}) over {T} steps")


def identity_like(rng: np.random.Generator, n: int) -> np.ndarray:
    """I plus a small non-symmetric perturbation."""
    return np.eye(n) + rng.normal(0.0, 0.03, size=(n, n))


def check_jacobian_norms_tanh(t: Trial) -> None:
    """'jacobian_norms' for a tanh RNN (the default activation) over 6 steps, n_x = 3, n_a = 4, W_aa small: the norms vanish as k grows."""
    W_aa = matrix(t.rng, 4, 4, 0.9)
    _jacobians(t, 6, 3, 4, "tanh", W_aa, default=True)


def check_jacobian_norms_identity_like(t: Trial) -> None:
    """'jacobian_norms' for a linear RNN whose W_aa is the identity plus a small perturbation, over 8 steps: the norms stay near 1."""
    _jacobians(t, 8, 2, 3, "identity", identity_like(t.rng, 3), lists=True)


def check_jacobian_norms_hidden(t: Trial) -> None:
    """'jacobian_norms' is right on new sizes, for tanh and the identity."""
    n_x, n_a = two_sizes(t.rng)
    _jacobians(t, int(t.rng.integers(4, 9)), n_x, n_a, "tanh", matrix(t.rng, n_a, n_a, 1.5))
    _jacobians(t, int(t.rng.integers(4, 9)), n_x, n_a, "tanh", identity_like(t.rng, n_a))
    _jacobians(t, int(t.rng.integers(4, 9)), n_a, n_x, "identity", identity_like(t.rng, n_x))


JACOBIAN_NORMS = Exercise(
    id="rnn.jacobian_norms",
    input_classes=("list input: X",),
    title="The vanishing gradient: norms of products of step Jacobians",
    notes="1.6.1.1 (vanishing or exploding gradient); slides, LSTM",
    uses_torch=True,
    student=StudentFunction("rnn", "jacobian_norms"),
    reference="reference.rnn:jacobian_norms",
    torch_reference="reference.rnn_torch:jacobian_norms",
    checks=(
        Check(check_jacobian_norms_tanh, points=1),
        Check(check_jacobian_norms_identity_like, points=1),
        Check(check_jacobian_norms_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "Frobenius norm",
            "the norm asked for is the spectral norm, the largest singular value: np.linalg.norm(M, 2). "
            "np.linalg.norm(M) is the Frobenius norm, which is larger.",
            f"{MISTAKES}:jacobian_norms_frobenius",
        ),
        Mistake(
            "activation derivative left out",
            "da^(t)/da^(t-1) = diag(1 - a^(t)^2) W_aa for tanh: the derivative of the activation is part of "
            "every factor, and it is what makes the product shrink.",
            f"{MISTAKES}:jacobian_norms_without_derivative",
        ),
        Mistake(
            "factors in reverse order",
            "da^(T)/da^(T-k) = J_T J_{T-1} ... J_{T-k+1}: the latest step's Jacobian on the left (the chain "
            "rule multiplies the outermost function's derivative first).",
            f"{MISTAKES}:jacobian_norms_reversed_product",
        ),
        Mistake(
            "derivative at the previous state",
            "J_t = diag(g'(z^(t))) W_aa: tanh's derivative is taken at step t, 1 - a^(t)^2, not at a^(t-1).",
            f"{MISTAKES}:jacobian_norms_previous_state_derivative",
        ),
    ),
)

# -- rnn.bidirectional_rnn -----------------------------------------------------------------------------


def _bidirectional(t: Trial, B: int, T: int, n_x: int, n_a: int, *, lists: bool = False) -> None:
    X = sequences(t.rng, B, T, n_x)
    args = (X, *rnn_weights(t.rng, n_x, n_a), *rnn_weights(t.rng, n_x, n_a))
    t.expect_close(t.student(*(as_lists(args) if lists else args)), t.reference(*args), name=f"bidirectional_rnn(X, ...) for X of shape {(B, T, n_x)}")


def check_bidirectional_rnn_batch(t: Trial) -> None:
    """'bidirectional_rnn' gives [a^(t), a~^(t)] at every step for 3 sequences of 5 steps, n_x = 2, n_a = 4."""
    _bidirectional(t, 3, 5, 2, 4)


def check_bidirectional_rnn_several_lengths(t: Trial) -> None:
    """'bidirectional_rnn' on sequences of 2 and 6 steps, n_x = 5, n_a = 3."""
    for T in (2, 6):
        _bidirectional(t, 2, T, 5, 3, lists=T == 2)


def check_bidirectional_rnn_hidden(t: Trial) -> None:
    """'bidirectional_rnn' is right on new sizes and lengths."""
    n_x, n_a = two_sizes(t.rng)
    _bidirectional(t, int(t.rng.integers(2, 5)), int(t.rng.integers(3, 8)), n_x, n_a)


BIDIRECTIONAL_RNN = Exercise(
    id="rnn.bidirectional_rnn",
    input_classes=("list input: X",),
    title="A bidirectional RNN layer",
    notes="slides, bidirectional recurrent neural networks",
    uses_torch=True,
    student=StudentFunction("rnn", "bidirectional_rnn"),
    reference="reference.rnn:bidirectional_rnn",
    torch_reference="reference.rnn_torch:bidirectional_rnn",
    checks=(
        Check(check_bidirectional_rnn_batch, points=1),
        Check(check_bidirectional_rnn_several_lengths, points=1),
        Check(check_bidirectional_rnn_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "backward states not reversed",
            "run the backward direction on the reversed sequence, then reverse its states back, so that step t "
            "holds a~^(t) (which has read x^(t) .. x^(T)), beside the forward a^(t).",
            f"{MISTAKES}:bidirectional_rnn_backward_not_reversed",
        ),
        Mistake(
            "halves swapped",
            "step t is [a^(t), a~^(t)]: the forward state first, as nn.RNN(bidirectional=True) lays it out.",
            f"{MISTAKES}:bidirectional_rnn_halves_swapped",
        ),
        Mistake(
            "backward direction reads forward",
            "the backward direction starts at the END of the sequence: a~^(t) depends on x^(t) .. x^(T), "
            "through a~^(t+1), with a~^(T+1) = 0.",
            f"{MISTAKES}:bidirectional_rnn_backward_reads_forward",
        ),
    ),
)

# -- rnn.forget_gate -----------------------------------------------------------------------------------

#: The forget gate weights of worked example 2.4.1.
NOTES_W_F = np.array([[1.0, 1.0, 1.0, -10.0], [1.0, 1.0, 2.0, -10.0]])


def check_forget_gate_worked_example(t: Trial) -> None:
    """Worked example 2.4.1: with the step activation, W_f = [1, 1, 1, -10; 1, 1, 2, -10], b_f = 0 and [h, x] = [1, 1, 0, 1], f_t = [0, 0]."""
    b_f = np.zeros(2)
    cases = [
        (np.array([1.0, 1.0]), np.array([0.0, 1.0])),  # the notes' "." : forget everything
        (np.array([1.0, 1.0]), np.array([1.0, 0.0])),  # another character: keep everything
        (np.array([1.0, -1.0]), np.array([0.0, 0.0])),  # arguments exactly 0: the step gives 0
        (np.array([0.0, 1.0]), np.array([1.0, 0.0])),
    ]
    with t.all_or_nothing():
        for h, x in cases:
            # h and x as lists, as the module's docstring allows
            t.expect_close(t.student(h.tolist(), x.tolist(), NOTES_W_F, b_f, "step"), t.reference(h, x, NOTES_W_F, b_f, "step"),
                           name=f"forget_gate(h={h.tolist()}, x={x.tolist()}, W_f, b_f, 'step')")


def check_forget_gate_sigmoid_batch(t: Trial) -> None:
    """'forget_gate' with the sigmoid for a batch of 4, n_h = 3, n_x = 2."""
    h, x = t.rng.normal(size=(4, 3)), t.rng.normal(size=(4, 2))
    W_f, b_f = matrix(t.rng, 3, 5, 2.0), t.rng.normal(size=3)
    t.expect_close(t.student(h, x, W_f, b_f), t.reference(h, x, W_f, b_f), name="forget_gate(h_prev, x, W_f, b_f)")


def check_forget_gate_hidden(t: Trial) -> None:
    """'forget_gate' is right on new sizes, with the sigmoid and with the step."""
    n_x, n_h = two_sizes(t.rng)
    h, x = t.rng.normal(size=(3, n_h)), t.rng.normal(size=(3, n_x))
    W_f, b_f = matrix(t.rng, n_h, n_h + n_x, 2.0), t.rng.normal(size=n_h)
    t.expect_close(t.student(h, x, W_f, b_f), t.reference(h, x, W_f, b_f), name="forget_gate(h_prev, x, W_f, b_f)")
    h, x = t.rng.integers(-1, 2, size=(5, n_h)).astype(float), t.rng.integers(0, 2, size=(5, n_x)).astype(float)
    W_f, b_f = t.rng.integers(-2, 3, size=(n_h, n_h + n_x)).astype(float), np.zeros(n_h)
    t.expect_close(t.student(h, x, W_f, b_f, "step"), t.reference(h, x, W_f, b_f, "step"),
                   name="forget_gate(h_prev, x, W_f, b_f, 'step')")


FORGET_GATE = Exercise(
    id="rnn.forget_gate",
    input_classes=("list input: h_prev", "on the boundary: W_f @ np.concatenate([h_prev, x]) + b_f"),
    title="The LSTM forget gate, and worked example 2.4.1",
    notes="1.6.2.1 (forget gate), 2.4.1",
    uses_torch=True,
    student=StudentFunction("rnn", "forget_gate"),
    reference="reference.rnn:forget_gate",
    torch_reference="reference.rnn_torch:forget_gate",
    checks=(
        Check(check_forget_gate_worked_example, points=1),
        Check(check_forget_gate_sigmoid_batch, points=1),
        Check(check_forget_gate_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "[x, h] instead of [h, x]",
            "the notes concatenate [h_{t-1}, x_t]: the first n_h columns of W_f multiply h_{t-1}.",
            f"{MISTAKES}:forget_gate_x_first",
        ),
        Mistake(
            "step gives 1 at 0",
            "the notes' step is 1 for arguments > 0 and 0 otherwise, so an argument of exactly 0 gives 0: "
            "use z > 0, not z >= 0.",
            f"{MISTAKES}:forget_gate_step_at_zero",
        ),
        Mistake(
            "tanh instead of sigmoid",
            "a gate is a sigmoid, with values in (0, 1) that say how much of each entry of C_{t-1} is kept.",
            f"{MISTAKES}:forget_gate_tanh",
        ),
    ),
)

# -- rnn.lstm_cell -------------------------------------------------------------------------------------


def _lstm_cell(t: Trial, B: int, n_x: int, n_h: int, *, lists: bool = False) -> None:
    x, h, c = t.rng.normal(size=(B, n_x)), t.rng.uniform(-0.9, 0.9, size=(B, n_h)), t.rng.normal(0.0, 1.5, size=(B, n_h))
    W, b = lstm_weights(t.rng, n_x, n_h)
    _expect_parts(t, t.student(x.tolist() if lists else x, h, c, W, b), t.reference(x, h, c, W, b), "lstm_cell(x, h_prev, c_prev, W, b)",
                  ("h", "c"))


def check_lstm_cell_batch(t: Trial) -> None:
    """'lstm_cell' gives h_t and C_t for a batch of 3, n_x = 4, n_h = 2, from nonzero h_{t-1} and C_{t-1}."""
    _lstm_cell(t, 3, 4, 2)


def check_lstm_cell_wider_hidden(t: Trial) -> None:
    """'lstm_cell' for a batch of 4, n_x = 2, n_h = 5."""
    _lstm_cell(t, 4, 2, 5, lists=True)


def check_lstm_cell_hidden(t: Trial) -> None:
    """'lstm_cell' is right on new sizes."""
    n_x, n_h = two_sizes(t.rng)
    _lstm_cell(t, int(t.rng.integers(2, 6)), n_x, n_h)
    _lstm_cell(t, 2, n_h, n_x)


_CELL_MISTAKES = (
    (
        "forget gate on h",
        "C_t = f_t * C_{t-1} + i_t * C~_t: the forget gate multiplies the previous CELL state, not h_{t-1}.",
        "forget_multiplies_h",
    ),
    (
        "gate blocks in the wrong order",
        "the rows of W and b are stacked as torch stores them, i, f, g, o: rows 0..n_h-1 the input gate, then "
        "the forget gate, then the candidate C~, then the output gate.",
        "gate_order",
    ),
)

LSTM_CELL = Exercise(
    id="rnn.lstm_cell",
    input_classes=("list input: x",),
    title="One LSTM step: gates, cell state and hidden state",
    notes="1.6.2.1 (LSTM architecture)",
    uses_torch=True,
    student=StudentFunction("rnn", "lstm_cell"),
    reference="reference.rnn:lstm_cell",
    torch_reference="reference.rnn_torch:lstm_cell",
    checks=(
        Check(check_lstm_cell_batch, points=1),
        Check(check_lstm_cell_wider_hidden, points=1),
        Check(check_lstm_cell_hidden, points=2, hidden=True),
    ),
    mistakes=tuple(Mistake(name, hint, f"{MISTAKES}:lstm_cell_{suffix}") for name, hint, suffix in _CELL_MISTAKES)
    + (
        Mistake(
            "sigmoid for the candidate",
            "the candidate is C~_t = tanh(W_C [h_{t-1}, x_t] + b_C), with values in (-1, 1), so the cell "
            "state can go down as well as up; only the gates are sigmoids.",
            f"{MISTAKES}:lstm_cell_sigmoid_candidate",
        ),
        Mistake(
            "output gate before the tanh",
            "h_t = o_t * tanh(C_t): the tanh of the cell state first, then the output gate filters it.",
            f"{MISTAKES}:lstm_cell_output_before_tanh",
        ),
        Mistake(
            "[x, h] instead of [h, x]",
            "the notes concatenate [h_{t-1}, x_t]: the first n_h columns of W multiply h_{t-1}, the last n_x "
            "multiply x_t.",
            f"{MISTAKES}:lstm_cell_x_first",
        ),
    ),
)

# -- rnn.lstm_forward ----------------------------------------------------------------------------------


def _lstm_forward(t: Trial, B: int, T: int, n_x: int, n_h: int, weights: tuple[np.ndarray, np.ndarray] | None = None,
                  lists: bool = False) -> None:
    X = sequences(t.rng, B, T, n_x)
    W, b = weights or lstm_weights(t.rng, n_x, n_h)
    _expect_parts(t, t.student(X.tolist() if lists else X, W, b), t.reference(X, W, b), f"lstm_forward(X, W, b) for X of shape {(B, T, n_x)}",
                  ("H", "C"))


def check_lstm_forward_batch(t: Trial) -> None:
    """'lstm_forward' gives every h_t and C_t for 2 sequences of 5 steps, n_x = 3, n_h = 4, from h_0 = C_0 = 0."""
    _lstm_forward(t, 2, 5, 3, 4)


def check_lstm_forward_several_lengths(t: Trial) -> None:
    """'lstm_forward' with the same weights on sequences of 1, 2 and 6 steps, n_x = 4, n_h = 2."""
    weights = lstm_weights(t.rng, 4, 2)
    for T in (1, 2, 6):
        _lstm_forward(t, 3, T, 4, 2, weights, lists=T == 2)


def check_lstm_forward_hidden(t: Trial) -> None:
    """'lstm_forward' is right on new sizes and lengths."""
    n_x, n_h = two_sizes(t.rng)
    _lstm_forward(t, int(t.rng.integers(2, 5)), int(t.rng.integers(3, 8)), n_x, n_h)


LSTM_FORWARD = Exercise(
    id="rnn.lstm_forward",
    input_classes=("list input: X",),
    title="An LSTM over a batch of sequences",
    notes="1.6.2, 1.6.2.1",
    uses_torch=True,
    student=StudentFunction("rnn", "lstm_forward"),
    reference="reference.rnn:lstm_forward",
    torch_reference="reference.rnn_torch:lstm_forward",
    checks=(
        Check(check_lstm_forward_batch, points=1),
        Check(check_lstm_forward_several_lengths, points=1),
        Check(check_lstm_forward_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "cell state not carried",
            "C_t is carried from step to step (the cell state is the LSTM's memory): feed C_{t-1} into step t "
            "instead of starting every step from 0.",
            f"{MISTAKES}:lstm_forward_cell_reset",
        ),
        Mistake(
            "hidden state not fed back",
            "step t reads [h_{t-1}, x_t]: feed the previous step's h back in, from h_0 = 0.",
            f"{MISTAKES}:lstm_forward_hidden_not_fed_back",
        ),
        Mistake(
            "forget gate on h",
            "C_t = f_t * C_{t-1} + i_t * C~_t: the forget gate multiplies the previous CELL state.",
            f"{MISTAKES}:lstm_forward_forget_multiplies_h",
        ),
        Mistake(
            "gate blocks in the wrong order",
            "the rows of W and b are stacked i, f, g, o, as torch stores them.",
            f"{MISTAKES}:lstm_forward_gate_order",
        ),
    ),
)

# -- rnn.gru_cell --------------------------------------------------------------------------------------


def _gru(t: Trial, B: int, n_x: int, n_h: int, *, lists: bool = False) -> None:
    x, h = t.rng.normal(size=(B, n_x)), t.rng.uniform(-0.9, 0.9, size=(B, n_h))
    W_ih, W_hh = matrix(t.rng, 3 * n_h, n_x, 2.0), matrix(t.rng, 3 * n_h, n_h, 2.0)
    b_ih, b_hh = t.rng.normal(size=3 * n_h), t.rng.normal(size=3 * n_h)
    args = (x, h, W_ih, W_hh, b_ih, b_hh)
    t.expect_close(t.student(*(as_lists(args) if lists else args)), t.reference(*args), name="gru_cell(x, h_prev, W_ih, W_hh, b_ih, b_hh)")


def check_gru_cell_batch(t: Trial) -> None:
    """'gru_cell' gives h' for a batch of 3, n_x = 4, n_h = 2."""
    _gru(t, 3, 4, 2)


def check_gru_cell_wider_hidden(t: Trial) -> None:
    """'gru_cell' for a batch of 4, n_x = 2, n_h = 5."""
    _gru(t, 4, 2, 5, lists=True)


def check_gru_cell_hidden(t: Trial) -> None:
    """'gru_cell' is right on new sizes."""
    n_x, n_h = two_sizes(t.rng)
    _gru(t, int(t.rng.integers(2, 6)), n_x, n_h)


GRU_CELL = Exercise(
    id="rnn.gru_cell",
    input_classes=("list input: x",),
    title="One GRU step, as nn.GRUCell computes it",
    notes="slides, LSTM (gated units); torch.nn.GRUCell",
    uses_torch=True,
    student=StudentFunction("rnn", "gru_cell"),
    reference="reference.rnn:gru_cell",
    torch_reference="reference.rnn_torch:gru_cell",
    checks=(
        Check(check_gru_cell_batch, points=1),
        Check(check_gru_cell_wider_hidden, points=1),
        Check(check_gru_cell_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "interpolation swapped",
            "h' = (1 - z) * n + z * h: the update gate z keeps the OLD state, 1 - z takes the candidate.",
            f"{MISTAKES}:gru_cell_interpolation_swapped",
        ),
        Mistake(
            "reset gate before W_hn",
            "torch's GRU resets after the product: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)); r * h inside "
            "W_hn is the original paper's variant, which gives other numbers.",
            f"{MISTAKES}:gru_cell_reset_before_product",
        ),
        Mistake(
            "gate blocks in the wrong order",
            "torch stacks the GRU's rows as r, z, n: the reset gate first, then the update gate, then the candidate.",
            f"{MISTAKES}:gru_cell_gate_order",
        ),
    ),
)

# -- the modules: rnn.rnn_module and rnn.lstm_module ---------------------------------------------------


def torch_rnn_state(rng: np.random.Generator, n_x: int, n_a: int, *, gates: int) -> dict[str, np.ndarray]:
    """A state dict as ``nn.RNN`` (gates = 1) or ``nn.LSTM`` (gates = 4) with one layer stores it, float32."""
    scale = 1.5 / np.sqrt(n_a)
    return {
        "weight_ih_l0": rng.uniform(-scale, scale, size=(gates * n_a, n_x)).astype(np.float32),
        "weight_hh_l0": rng.uniform(-scale, scale, size=(gates * n_a, n_a)).astype(np.float32),
        "bias_ih_l0": rng.uniform(-scale, scale, size=gates * n_a).astype(np.float32),
        "bias_hh_l0": rng.uniform(-scale, scale, size=gates * n_a).astype(np.float32),
    }


def module_values(rng: np.random.Generator, cls: str, n_x: int, n_h: int) -> dict[str, np.ndarray]:
    """The notes' parameters of the module ``cls``, float32."""
    if cls == "RNN":
        W_ax, W_aa, b_a = rnn_weights(rng, n_x, n_h)
        values = {"W_ax": W_ax, "W_aa": W_aa, "b_a": b_a}
    else:
        W, b = lstm_weights(rng, n_x, n_h)
        values = {"W": W, "b": b}
    return {name: value.astype(np.float32) for name, value in values.items()}


def upstream(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """An upstream gradient with entries of both signs, none of them 1."""
    return (rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)).astype(np.float32)


def _module_forward(t: Trial, cls: str, B: int, T: int, n_x: int, n_h: int) -> None:
    """Output and autograd's gradients of X and of every parameter, weights loaded by the notes' names."""
    X = sequences(t.rng, B, T, n_x).astype(np.float32)
    steps = [new(n_x, n_h), load(module_values(t.rng, cls, n_x, n_h)), call(X, grad=(0,)),
             backward(2, upstream(t.rng, (B, T, n_h)))]
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], cls)
    expect_output(t, got[2], want[2], f"{cls}({n_x}, {n_h})(X) for X of shape {(B, T, n_x)}", attached=True)
    expect_gradients(t, got[3], want[3], inputs=["X"])


def _module_from_torch(t: Trial, cls: str, B: int, T: int, n_x: int, n_h: int) -> None:
    """The parameters mapped from an nn.RNN / nn.LSTM state dict, and the output they give."""
    torch_state = torch_rnn_state(t.rng, n_x, n_h, gates=1 if cls == "RNN" else 4)
    X = sequences(t.rng, B, T, n_x).astype(np.float32)
    steps = [new(n_x, n_h), call(torch_state, method="load_torch_state"), state(0), call(X)]
    got, want = t.student(steps), t.reference(steps)
    owner = f"{cls}({n_x}, {n_h})"
    t.expect_close(got[2], want[2], name=f"the parameters of {owner} after load_torch_state(nn.{cls} state dict)")
    expect_output(t, got[3], want[3], f"{owner}(X) after load_torch_state(nn.{cls} state dict)")


def _module_parameters(t: Trial, cls: str, n_x: int, n_h: int) -> None:
    X = sequences(t.rng, 2, 3, n_x).astype(np.float32)
    expect_parameters_in_use(t, new(n_x, n_h), module_values(t.rng, cls, n_x, n_h), (X,), cls)


def check_rnn_module_parameters(t: Trial) -> None:
    """'RNN(3, 5)' registers W_ax (5, 3), W_aa (5, 5) and b_a (5,), and nothing else, and computes with them."""
    _module_parameters(t, "RNN", 3, 5)


def check_rnn_module_forward_and_gradients(t: Trial) -> None:
    """'RNN(4, 3)' on 2 sequences of 5 steps: every hidden state, and autograd's gradients of X, W_ax, W_aa and b_a."""
    _module_forward(t, "RNN", 2, 5, 4, 3)


def check_rnn_module_from_torch(t: Trial) -> None:
    """'RNN(3, 4).load_torch_state' maps an nn.RNN(3, 4) state dict onto W_ax, W_aa and b_a, and then computes nn.RNN's states."""
    _module_from_torch(t, "RNN", 3, 6, 3, 4)


def check_rnn_module_hidden(t: Trial) -> None:
    """'RNN' is right on new sizes: states, gradients, and the mapping from nn.RNN."""
    n_x, n_h = two_sizes(t.rng)
    _module_forward(t, "RNN", int(t.rng.integers(2, 5)), int(t.rng.integers(3, 7)), n_x, n_h)
    _module_from_torch(t, "RNN", 2, int(t.rng.integers(3, 7)), n_h, n_x)


RNN_MODULE = Exercise(
    id="rnn.rnn_module",
    input_classes=("float32 input",),
    title="An RNN as an nn.Module, loaded from an nn.RNN state dict",
    notes="1.6.1, 1.6.1.1; torch.nn.RNN",
    uses_torch=True,
    student=StudentClass("rnn", "RNN"),
    reference="reference.rnn:RNN",
    torch_reference="reference.rnn_torch:RNN",
    checks=(
        Check(check_rnn_module_parameters, points=1),
        Check(check_rnn_module_forward_and_gradients, points=2),
        Check(check_rnn_module_from_torch, points=2),
        Check(check_rnn_module_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "W_aa transposed",
            "W_aa a^(t-1) with one example per row is a @ self.W_aa.T; a @ self.W_aa multiplies by W_aa^T.",
            f"{MISTAKES}:RNNWaaTransposed",
        ),
        Mistake(
            "bias_hh dropped",
            "nn.RNN adds two biases, W_ih x + b_ih + W_hh a + b_hh: the notes' single b_a is their sum, "
            "bias_ih_l0 + bias_hh_l0.",
            f"{MISTAKES}:RNNHiddenBiasDropped",
        ),
        Mistake(
            "a^(0) from the first input",
            "a^(0) is the zero vector: the first input enters through the first step only.",
            f"{MISTAKES}:RNNStartFromFirstInput",
        ),
    ),
)


def check_lstm_module_parameters(t: Trial) -> None:
    """'LSTM(3, 2)' registers W (8, 5) and b (8,), and nothing else, and computes with them."""
    _module_parameters(t, "LSTM", 3, 2)


def check_lstm_module_forward_and_gradients(t: Trial) -> None:
    """'LSTM(2, 4)' on 3 sequences of 4 steps: every h_t, and autograd's gradients of X, W and b."""
    _module_forward(t, "LSTM", 3, 4, 2, 4)


def check_lstm_module_from_torch(t: Trial) -> None:
    """'LSTM(4, 3).load_torch_state' maps an nn.LSTM(4, 3) state dict onto the notes' W and b, and then computes nn.LSTM's h_t."""
    _module_from_torch(t, "LSTM", 2, 5, 4, 3)


def check_lstm_module_hidden(t: Trial) -> None:
    """'LSTM' is right on new sizes: hidden states, gradients, and the mapping from nn.LSTM."""
    n_x, n_h = two_sizes(t.rng)
    _module_forward(t, "LSTM", int(t.rng.integers(2, 5)), int(t.rng.integers(3, 6)), n_x, n_h)
    _module_from_torch(t, "LSTM", 2, int(t.rng.integers(3, 6)), n_h, n_x)


LSTM_MODULE = Exercise(
    id="rnn.lstm_module",
    input_classes=("float32 input",),
    title="An LSTM as an nn.Module, loaded from an nn.LSTM state dict",
    notes="1.6.2.1; torch.nn.LSTM",
    uses_torch=True,
    student=StudentClass("rnn", "LSTM"),
    reference="reference.rnn:LSTM",
    torch_reference="reference.rnn_torch:LSTM",
    checks=(
        Check(check_lstm_module_parameters, points=1),
        Check(check_lstm_module_forward_and_gradients, points=2),
        Check(check_lstm_module_from_torch, points=2),
        Check(check_lstm_module_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "weight_ih before weight_hh",
            "the notes' W acts on [h_{t-1}, x_t], so its first n_h columns are nn.LSTM's weight_hh_l0 and the "
            "last n_x its weight_ih_l0: W = torch.cat([weight_hh_l0, weight_ih_l0], dim=1).",
            f"{MISTAKES}:LSTMInputWeightsFirst",
        ),
        Mistake(
            "gate blocks in the wrong order",
            "nn.LSTM stacks its rows as i, f, g, o (input, forget, candidate, output); read W's blocks in that order.",
            f"{MISTAKES}:LSTMGateOrder",
        ),
        Mistake(
            "forget gate on h",
            "C_t = f_t * C_{t-1} + i_t * C~_t: the forget gate multiplies the previous CELL state.",
            f"{MISTAKES}:LSTMForgetMultipliesH",
        ),
        Mistake(
            "output gate before the tanh",
            "h_t = o_t * tanh(C_t): tanh of the cell state first, then the output gate.",
            f"{MISTAKES}:LSTMOutputBeforeTanh",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    RNN_STEP,
    RNN_FORWARD,
    RNN_BACKWARD,
    CLIP_BY_GLOBAL_NORM,
    JACOBIAN_NORMS,
    BIDIRECTIONAL_RNN,
    FORGET_GATE,
    LSTM_CELL,
    LSTM_FORWARD,
    GRU_CELL,
    RNN_MODULE,
    LSTM_MODULE,
)
