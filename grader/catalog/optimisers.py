"""Optimisers: the notes' momentum and torch's (with Nesterov), the map between them, AdaGrad, RMSProp and
Adam as pure step functions over dicts of parameters and a state, and gradient clipping by value and by
total norm.

Course notes 1.3.5.3 (momentum; AdaGrad, RMSProp, Adam) and 1.10.3.1
(clipping). Conventions are in ``exercises/optimisers.py``: parameters,
gradients and states are dicts of arrays keyed by the parameter's name, and
a step returns ``(params, state)``, new dicts of the same keys and shapes.

The steps are checked over many updates: the check runs the student's step
and the reference's side by side, each from the same start, each fed its
OWN output (parameters and state) with the gradient of a quadratic bowl at
its own parameters, ``g = h (w - w*)`` with a curvature h and an optimum w*
per entry. What is fed back is rounded to float32 (a float32 student and a
float64 one walk the same grid), and the end of a run is judged at float32's
tolerance: a right answer whose arithmetic differs from the reference's in
its last bits may round the other way once in a while, and walks on a hair
apart. A known mistake is named from the calls' exact inputs, which a run
fed the student's own output only shares with the mistake's run when the
bits agree; so each step also has a check of ONE step from a state in mid-run
(drawn, not fed back), where a mistake is named however its arithmetic is
ordered. Inputs tell the
conventions from the mistakes students make: the first step is compared on
its own (the state after it tells torch's buffer from the notes' step);
states start at zeros and then are not (a step that does not carry its state
shows); gradients are small (about 0.05) and eps is 1e-3 or 1e-2 for the
adaptive optimisers, so eps inside the root or before Adam's bias correction
shows; one entry sits at its optimum, so its gradient is exactly 0 and a
missing eps divides 0 by 0. Clipping draws gradients whose total norm is
well above or well below max_norm (never within 30% of it), spread over
several parameters (per-parameter clipping shows), and a set with a total
norm near 1e-4 (torch's 1e-6 shows).

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.optimisers_mistakes"

Params = dict[str, np.ndarray]

FLOAT32 = {"rtol": 1e-4, "atol": 1e-6}
"""the tolerances of an answer reached through values rounded to float32 (float32's own)"""


def representable(values: Any) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def number(value: float) -> float:
    """A float32 number as a Python float."""
    return float(np.float32(value))


def network_parameters(rng: np.random.Generator, sizes: tuple[int, ...]) -> Params:
    """The parameters of an MLP with these layer sizes, named as ``nn.Linear`` layers in an ``nn.ModuleList``."""
    params = {}
    for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"layers.{index}.weight"] = representable(rng.normal(0.0, 1.0, size=(n_out, n_in)))
        params[f"layers.{index}.bias"] = representable(rng.uniform(-1.0, 1.0, size=n_out))
    return params


def zeros_like(params: Params) -> Params:
    return {name: np.zeros_like(value) for name, value in params.items()}


class Bowl:
    """A quadratic bowl ``E = 1/2 sum h (w - w*)^2``: a curvature h and an optimum w* per entry; one entry sits at its optimum."""

    def __init__(self, rng: np.random.Generator, start: Params, scale: float) -> None:
        self.curvature = {name: representable(scale * rng.uniform(0.2, 2.0, size=value.shape)) for name, value in start.items()}
        self.optimum = {name: representable(value + rng.normal(0.0, 1.5, size=value.shape)) for name, value in start.items()}
        first = next(iter(start))
        self.optimum[first].flat[0] = start[first].flat[0]  # its gradient is exactly 0, step after step

    def gradient(self, params: Params) -> Params:
        return {name: representable(self.curvature[name] * (params[name] - self.optimum[name])) for name in params}


def usable(value: Any, like: Any) -> Any:
    """The answer in the structure of ``like`` (dicts with its keys, sequences of its length, arrays of its shapes,
    ints where it has ints), its floats rounded to float32; None when it is not usable so."""
    if isinstance(like, dict):
        if not isinstance(value, dict) or set(value) != set(like):
            return None
        items = {key: usable(value[key], like[key]) for key in like}
        return None if any(item is None for item in items.values()) else items
    if isinstance(like, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(like):
            return None
        items = [usable(item, want) for item, want in zip(value, like)]
        return None if any(item is None for item in items) else tuple(items)
    if isinstance(like, (bool, np.bool_)):
        return None
    if isinstance(like, (int, np.integer)):
        try:
            whole = float(value)
        except (TypeError, ValueError):
            return None
        return int(whole) if np.isfinite(whole) and whole == int(whole) else None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if array.shape != np.shape(like) or not np.isfinite(array).all():
        return None
    return representable(array) if array.ndim else float(representable(array))


def describe(like: Any) -> str:
    """The structure of an answer, without its values: keys, lengths and shapes."""
    if isinstance(like, dict):
        return "{" + ", ".join(f"{key!r}: {describe(item)}" for key, item in like.items()) + "}"
    if isinstance(like, (list, tuple)):
        return "(" + ", ".join(describe(item) for item in like) + ")"
    if isinstance(like, (int, np.integer)) and not isinstance(like, bool):
        return "an int"
    shape = np.shape(like)
    return f"array of shape {shape}" if shape else "a float"


def trajectory(t: Trial, function: str, start: Params, state: Any, hyper: tuple, steps: int, bowl: Bowl) -> None:
    """``steps`` updates of the student's step and of the reference's, each from ``start`` and ``state``, each fed its own output.

    Two expectations: the answer after the first step, and after the last.
    """
    shown = ", ".join(f"{h:g}" if isinstance(h, float) else repr(h) for h in hyper)
    expected_in, mine = (start, state), (start, state)
    for step in range(steps):
        expected = t.reference(expected_in[0], bowl.gradient(expected_in[0]), expected_in[1], *hyper)
        got = t.student(mine[0], bowl.gradient(mine[0]), mine[1], *hyper)
        if step == 0:
            t.expect_close(got, expected, name=f"{function}(params, grads, state, {shown}) at the first step")
        fed_back = usable(got, expected)
        if fed_back is None:
            t.fail(f"step {step + 1}: '{function}' should return (params, state) in the structure {describe(expected)}, "
                   f"with finite numbers; it returned {got!r:.300}")
        mine, expected_in = fed_back, usable(expected, expected)
    # What was fed back was rounded to float32, and a right answer can round the other way than the
    # reference's where the two differ in their last bits: the end is judged at float32's tolerance.
    t.expect_close(got, expected, name=f"(params, state) after {steps} steps of '{function}' ({shown}), its own output fed back",
                   **FLOAT32)


def mid_run(t: Trial, function: str, sizes: tuple[int, ...], scale: float, state_of, hyper_sets: list[tuple]) -> None:
    """One step of ``function`` from a state in mid-run, ``state_of(rng, params)``, for each set of hyperparameters."""
    for hyper in hyper_sets:
        params = network_parameters(t.rng, sizes)
        grads = {name: representable(scale * t.rng.normal(size=value.shape)) for name, value in params.items()}
        args = (params, grads, state_of(t.rng, params), *hyper)
        shown = ", ".join(f"{h:g}" if isinstance(h, float) else repr(h) for h in hyper)
        t.expect_close(t.student(*args), t.reference(*args), name=f"{function}(params, grads, state in mid-run, {shown})")


def positive_like(rng: np.random.Generator, params: Params, scale: float) -> Params:
    return {name: representable(scale * rng.uniform(0.1, 3.0, size=value.shape)) for name, value in params.items()}


def normal_like(rng: np.random.Generator, params: Params, scale: float) -> Params:
    return {name: representable(scale * rng.normal(size=value.shape)) for name, value in params.items()}


def one_step(t: Trial, function: str, *args: Any) -> None:
    t.expect_close(t.student(*args), t.reference(*args), name=f"{function}{args}")


EXAMPLE_PARAMS = {"w": np.array([1.0, -2.0])}
EXAMPLE_GRADS = {"w": np.array([0.5, -1.0])}
EXAMPLE_GRADS_34 = {"w": np.array([3.0, -4.0])}


# -- optimisers.momentum_step -------------------------------------------------------------


def check_momentum_step_worked_example(t: Trial) -> None:
    """'momentum_step' on the docstring's example: w [1, -2], g [0.5, -1], Delta w_prev [0.1, 0], eta 0.2, mu 0.9."""
    one_step(t, "momentum_step", EXAMPLE_PARAMS, EXAMPLE_GRADS, {"w": np.array([0.1, 0.0])}, 0.2, 0.9)


def check_momentum_step_many_steps(t: Trial) -> None:
    """50 steps of 'momentum_step' (eta 0.1, mu 0.9) on a 3-4-2 network in a quadratic bowl, its own output fed back."""
    start = network_parameters(t.rng, (3, 4, 2))
    trajectory(t, "momentum_step", start, zeros_like(start), (0.1, 0.9), 50, Bowl(t.rng, start, 1.0))


def check_momentum_step_plain_sgd(t: Trial) -> None:
    """20 steps of 'momentum_step' with mu = 0 (plain gradient descent) and 20 with mu = 0.5."""
    for mu in (0.0, 0.5):
        start = network_parameters(t.rng, (2, 3))
        trajectory(t, "momentum_step", start, zeros_like(start), (0.2, mu), 20, Bowl(t.rng, start, 1.0))


def check_momentum_step_from_a_state(t: Trial) -> None:
    """One 'momentum_step' from last steps that are not 0, with mu 0.9 and 0.5."""
    mid_run(t, "momentum_step", (3, 4, 2), 1.0, lambda rng, p: normal_like(rng, p, 0.1), [(0.1, 0.9), (0.2, 0.5)])


def check_momentum_step_hidden(t: Trial) -> None:
    """Many steps of 'momentum_step' on a new network, learning rate and momentum."""
    start = network_parameters(t.rng, tuple(int(n) for n in t.rng.integers(2, 5, size=3)))
    hyper = (number(t.rng.uniform(0.05, 0.2)), number(t.rng.uniform(0.5, 0.95)))
    trajectory(t, "momentum_step", start, zeros_like(start), hyper, 30, Bowl(t.rng, start, 1.0))


MOMENTUM_STEP = Exercise(
    id="optimisers.momentum_step",
    input_classes=(),
    title="Gradient descent with momentum, in the notes' form Delta w = -eta grad + mu Delta w_prev",
    notes="1.3.5.3 (momentum)",
    student=StudentFunction("optimisers", "momentum_step"),
    reference="reference.optimisers:momentum_step",
    torch_reference="reference.optimisers_torch:momentum_step",
    checks=(
        Check(check_momentum_step_worked_example, points=1),
        Check(check_momentum_step_many_steps, points=2),
        Check(check_momentum_step_from_a_state, points=1),
        Check(check_momentum_step_plain_sgd, points=1),
        Check(check_momentum_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "momentum's sign",
            "the momentum term carries the last step on: Delta w = -eta g + mu Delta w_prev. Only the gradient is "
            "subtracted; the previous step is ADDED, so that steps in the same direction build up.",
            f"{MISTAKES}:momentum_step_momentum_sign",
        ),
        Mistake(
            "dampened momentum",
            "the notes' step adds the whole new gradient step: Delta w = -eta g + mu Delta w_prev, without a (1 - mu) "
            "on -eta g (that is an exponential average, which takes steps (1 - mu) times smaller).",
            f"{MISTAKES}:momentum_step_dampened",
        ),
        Mistake(
            "the step stored without its momentum",
            "return as the new state the whole step Delta w you just took (-eta g + mu Delta w_prev), not only its "
            "gradient part -eta g: the next step needs the last step to carry on.",
            f"{MISTAKES}:momentum_step_gradient_step_stored",
        ),
        Mistake(
            "torch's buffer stored instead of the step",
            "the state here is the notes' last step Delta w (a step, with eta in it and the sign of a step), not torch's "
            "buffer v = mu v + g (a sum of gradients): return Delta w = -eta g + mu Delta w_prev.",
            f"{MISTAKES}:momentum_step_torch_buffer_stored",
        ),
    ),
)


# -- optimisers.torch_momentum_step --------------------------------------------------------


def check_torch_momentum_step_worked_example(t: Trial) -> None:
    """'torch_momentum_step' on the docstring's example (w [1, -2], g [0.5, -1], v [-0.5, 0], lr 0.2, momentum 0.9), plain and Nesterov."""
    for nesterov in (False, True):
        one_step(t, "torch_momentum_step", EXAMPLE_PARAMS, EXAMPLE_GRADS, {"w": np.array([-0.5, 0.0])}, 0.2, 0.9, nesterov)


def check_torch_momentum_step_many_steps(t: Trial) -> None:
    """50 steps of 'torch_momentum_step' (lr 0.1, momentum 0.9) on a 3-4-2 network, its own output fed back."""
    start = network_parameters(t.rng, (3, 4, 2))
    trajectory(t, "torch_momentum_step", start, zeros_like(start), (0.1, 0.9, False), 50, Bowl(t.rng, start, 1.0))


def check_torch_momentum_step_nesterov(t: Trial) -> None:
    """50 steps of 'torch_momentum_step' with nesterov=True (lr 0.1, momentum 0.8), its own output fed back."""
    start = network_parameters(t.rng, (3, 4, 2))
    trajectory(t, "torch_momentum_step", start, zeros_like(start), (0.1, 0.8, True), 50, Bowl(t.rng, start, 1.0))


def check_torch_momentum_step_from_a_state(t: Trial) -> None:
    """One 'torch_momentum_step' from buffers that are not 0, plain and Nesterov."""
    mid_run(t, "torch_momentum_step", (3, 4, 2), 1.0, lambda rng, p: normal_like(rng, p, 1.0), [(0.1, 0.9, False), (0.1, 0.8, True)])


def check_torch_momentum_step_hidden(t: Trial) -> None:
    """Many steps of 'torch_momentum_step' on a new network, plain and Nesterov."""
    for nesterov in (False, True):
        start = network_parameters(t.rng, tuple(int(n) for n in t.rng.integers(2, 5, size=3)))
        hyper = (number(t.rng.uniform(0.05, 0.2)), number(t.rng.uniform(0.5, 0.95)), nesterov)
        trajectory(t, "torch_momentum_step", start, zeros_like(start), hyper, 25, Bowl(t.rng, start, 1.0))


TORCH_MOMENTUM_STEP = Exercise(
    id="optimisers.torch_momentum_step",
    input_classes=(),
    title="torch's SGD with momentum, v = mu v + grad and w -= lr v, and Nesterov's variant",
    notes="1.3.5.3 (momentum); torch.optim.SGD",
    student=StudentFunction("optimisers", "torch_momentum_step"),
    reference="reference.optimisers:torch_momentum_step",
    torch_reference="reference.optimisers_torch:torch_momentum_step",
    checks=(
        Check(check_torch_momentum_step_worked_example, points=1),
        Check(check_torch_momentum_step_many_steps, points=2),
        Check(check_torch_momentum_step_nesterov, points=2),
        Check(check_torch_momentum_step_from_a_state, points=1),
        Check(check_torch_momentum_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "Nesterov with the old buffer",
            "update the buffer first, v = momentum v + g, then take Nesterov's direction g + momentum v with the NEW v.",
            f"{MISTAKES}:torch_momentum_step_nesterov_old_buffer",
        ),
        Mistake(
            "dampened buffer",
            "torch's buffer adds the whole gradient, v = momentum v + g (dampening 0 by default), not (1 - momentum) g.",
            f"{MISTAKES}:torch_momentum_step_dampened",
        ),
        Mistake(
            "learning rate in the buffer",
            "torch's buffer holds gradients: v = momentum v + g, and the learning rate multiplies it only in the step "
            "w - lr v. (With lr inside the buffer the steps agree while lr is constant, but the buffer does not, and "
            "a schedule that changes lr changes the steps.)",
            f"{MISTAKES}:torch_momentum_step_lr_in_the_buffer",
        ),
        Mistake(
            "Nesterov ignored",
            "with nesterov=True the step is w - lr (g + momentum v), with v the updated buffer; the buffer itself is "
            "updated the same way.",
            f"{MISTAKES}:torch_momentum_step_nesterov_ignored",
        ),
    ),
)


# -- optimisers.momentum_to_torch ----------------------------------------------------------


def heavy_ball(params: Params, buffers: Params, lr: float, momentum: float, steps: int, bowl: Bowl) -> Params:
    """``steps`` updates of torch's SGD with momentum from these buffers: v = momentum v + g, w -= lr v."""
    params, buffers = dict(params), dict(buffers)
    for _ in range(steps):
        gradient = bowl.gradient(params)
        for name in params:
            buffers[name] = momentum * buffers[name] + gradient[name]
            params[name] = params[name] - lr * buffers[name]
    return params


def _map_and_continue(t: Trial, deltas: Params, eta: float, mu: float, steps: int, show: bool) -> None:
    args = (deltas, eta, mu)
    expected, got = t.reference(*args), t.student(*args)
    label = f"momentum_to_torch({ {k: v.tolist() for k, v in deltas.items()} }, {eta:g}, {mu:g})" if show else \
        f"momentum_to_torch(deltas, {eta:g}, {mu:g})"
    t.expect_close(got, expected, name=label)
    mapped, right = usable(got, expected), usable(expected, expected)
    if mapped is None:
        t.fail(f"'momentum_to_torch' should return (buffers, lr, momentum) in the structure {describe(expected)}, with "
               f"finite numbers; it returned {got!r:.300}")
    start = {name: representable(t.rng.normal(size=value.shape)) for name, value in deltas.items()}
    bowl = Bowl(t.rng, start, 1.0)
    t.expect_close(heavy_ball(start, mapped[0], mapped[1], mapped[2], steps, bowl), heavy_ball(start, right[0], right[1], right[2], steps, bowl),
                   name=f"the parameters after {steps} steps of torch's SGD from your mapped state (they should follow the notes' momentum)",
                   **FLOAT32)


def random_deltas(rng: np.random.Generator, sizes: tuple[int, ...]) -> Params:
    return {name: representable(0.1 * rng.normal(size=value.shape)) for name, value in network_parameters(rng, sizes).items()}


def check_momentum_to_torch_worked_example(t: Trial) -> None:
    """'momentum_to_torch' on the docstring's example, Delta w [0.1, 0] with eta 0.2 and mu 0.9."""
    one_step(t, "momentum_to_torch", {"w": np.array([0.1, 0.0])}, 0.2, 0.9)


def check_momentum_to_torch_continues_the_notes(t: Trial) -> None:
    """'momentum_to_torch' of a 3-4-2 network's last steps (eta 0.1, mu 0.9; eta 0.25, mu 0.5), and 50 steps of torch's SGD from it."""
    for eta, mu in ((0.1, 0.9), (0.25, 0.5)):
        _map_and_continue(t, random_deltas(t.rng, (3, 4, 2)), eta, mu, 50, show=False)


def check_momentum_to_torch_hidden(t: Trial) -> None:
    """'momentum_to_torch' on new steps, learning rate and momentum, and many steps of torch's SGD from it."""
    deltas = random_deltas(t.rng, tuple(int(n) for n in t.rng.integers(2, 5, size=3)))
    _map_and_continue(t, deltas, number(t.rng.uniform(0.05, 0.3)), number(t.rng.uniform(0.3, 0.95)), 30, show=False)


MOMENTUM_TO_TORCH = Exercise(
    id="optimisers.momentum_to_torch",
    input_classes=(),
    title="From the notes' momentum to torch's: the buffers, learning rate and momentum that continue it",
    notes="1.3.5.3 (momentum); torch.optim.SGD",
    student=StudentFunction("optimisers", "momentum_to_torch"),
    reference="reference.optimisers:momentum_to_torch",
    torch_reference="reference.optimisers_torch:momentum_to_torch",
    checks=(
        Check(check_momentum_to_torch_worked_example, points=1),
        Check(check_momentum_to_torch_continues_the_notes, points=2),
        Check(check_momentum_to_torch_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "buffer's sign",
            "torch SUBTRACTS lr v from w while the notes ADD Delta w: the buffer is v = -Delta w / eta.",
            f"{MISTAKES}:momentum_to_torch_buffer_sign",
        ),
        Mistake(
            "buffer not divided by eta",
            "the notes' Delta w is a step (eta is in it); torch's v is a sum of gradients (lr multiplies it later): "
            "v = -Delta w / eta.",
            f"{MISTAKES}:momentum_to_torch_buffer_not_divided",
        ),
        Mistake(
            "effective rate as lr",
            "eta / (1 - mu) is how far momentum carries the steps on a flat slope, not torch's lr: with "
            "v = mu v + g and w -= lr v, the same steps need lr = eta exactly.",
            f"{MISTAKES}:momentum_to_torch_effective_rate",
        ),
        Mistake(
            "momentum = 1 - mu",
            "torch's momentum multiplies the old buffer exactly as the notes' mu multiplies the old step: momentum = mu.",
            f"{MISTAKES}:momentum_to_torch_momentum_as_one_minus_mu",
        ),
    ),
)


# -- the adaptive optimisers ----------------------------------------------------------------


def _adaptive_start(t: Trial, sizes: tuple[int, ...]) -> tuple[Params, Bowl]:
    start = network_parameters(t.rng, sizes)
    return start, Bowl(t.rng, start, 0.05)


def check_adagrad_step_worked_example(t: Trial) -> None:
    """'adagrad_step' on the docstring's example: w [1, -2], g [3, -4], s [16, 0], lr 0.5, eps 1e-10."""
    one_step(t, "adagrad_step", EXAMPLE_PARAMS, EXAMPLE_GRADS_34, {"w": np.array([16.0, 0.0])}, 0.5, 1e-10)


def check_adagrad_step_many_steps(t: Trial) -> None:
    """50 steps of 'adagrad_step' (lr 0.1, eps 1e-3) on a 3-4-2 network with small gradients, its own output fed back."""
    start, bowl = _adaptive_start(t, (3, 4, 2))
    trajectory(t, "adagrad_step", start, zeros_like(start), (0.1, 1e-3), 50, bowl)


def check_adagrad_step_from_a_state(t: Trial) -> None:
    """One 'adagrad_step' from sums of squares that are not 0, with small gradients, eps 1e-3."""
    mid_run(t, "adagrad_step", (3, 4, 2), 0.05, lambda rng, p: positive_like(rng, p, 0.01), [(0.1, 1e-3)])


def check_adagrad_step_hidden(t: Trial) -> None:
    """Many steps of 'adagrad_step' on a new network, learning rate and eps."""
    start, bowl = _adaptive_start(t, tuple(int(n) for n in t.rng.integers(2, 5, size=3)))
    trajectory(t, "adagrad_step", start, zeros_like(start), (number(t.rng.uniform(0.05, 0.3)), number(t.rng.choice([1e-3, 1e-2]))), 30, bowl)


EPS_INSIDE_HINT = (
    "eps is added to the square root, sqrt(.) + eps (torch's placement), not under it: sqrt(. + eps) "
    "is a different denominator whenever the gradients are small."
)

ADAGRAD_STEP = Exercise(
    id="optimisers.adagrad_step",
    input_classes=(),
    title="AdaGrad: each weight's rate divided by the root of its summed squared gradients",
    notes="1.3.5.3 (AdaGrad)",
    student=StudentFunction("optimisers", "adagrad_step"),
    reference="reference.optimisers:adagrad_step",
    torch_reference="reference.optimisers_torch:adagrad_step",
    checks=(
        Check(check_adagrad_step_worked_example, points=1),
        Check(check_adagrad_step_many_steps, points=2),
        Check(check_adagrad_step_from_a_state, points=1),
        Check(check_adagrad_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake("eps inside the square root", EPS_INSIDE_HINT, f"{MISTAKES}:adagrad_step_eps_inside_the_root"),
        Mistake(
            "squares not accumulated",
            "AdaGrad divides by the root of the SUM of all the squared gradients so far: s <- s + g^2, then return the "
            "new s as the state.",
            f"{MISTAKES}:adagrad_step_squares_not_accumulated",
        ),
        Mistake(
            "square root left out",
            "divide by sqrt(s) + eps, not by s + eps: the denominator has the units of a gradient.",
            f"{MISTAKES}:adagrad_step_root_left_out",
        ),
    ),
)


def check_rmsprop_step_worked_example(t: Trial) -> None:
    """'rmsprop_step' on the docstring's example: w [1, -2], g [3, -4], r [0, 0], lr 0.01, alpha 0.99, eps 1e-8."""
    one_step(t, "rmsprop_step", EXAMPLE_PARAMS, EXAMPLE_GRADS_34, {"w": np.array([0.0, 0.0])}, 0.01, 0.99, 1e-8)


def check_rmsprop_step_many_steps(t: Trial) -> None:
    """50 steps of 'rmsprop_step' (lr 0.01, alpha 0.9, eps 1e-3) with small gradients, its own output fed back."""
    start, bowl = _adaptive_start(t, (3, 4, 2))
    trajectory(t, "rmsprop_step", start, zeros_like(start), (0.01, 0.9, 1e-3), 50, bowl)


def check_rmsprop_step_from_a_state(t: Trial) -> None:
    """One 'rmsprop_step' from running averages that are not 0, with small gradients, alpha 0.9, eps 1e-3."""
    mid_run(t, "rmsprop_step", (3, 4, 2), 0.05, lambda rng, p: positive_like(rng, p, 0.0025), [(0.01, 0.9, 1e-3)])


def check_rmsprop_step_hidden(t: Trial) -> None:
    """Many steps of 'rmsprop_step' on a new network, learning rate, alpha and eps."""
    start, bowl = _adaptive_start(t, tuple(int(n) for n in t.rng.integers(2, 5, size=3)))
    hyper = (number(t.rng.uniform(0.005, 0.03)), number(t.rng.uniform(0.8, 0.99)), number(t.rng.choice([1e-3, 1e-2])))
    trajectory(t, "rmsprop_step", start, zeros_like(start), hyper, 30, bowl)


RMSPROP_STEP = Exercise(
    id="optimisers.rmsprop_step",
    input_classes=(),
    title="RMSProp: a running average of squared gradients, torch's alpha and eps",
    notes="1.3.5.3 (RMSProp)",
    student=StudentFunction("optimisers", "rmsprop_step"),
    reference="reference.optimisers:rmsprop_step",
    torch_reference="reference.optimisers_torch:rmsprop_step",
    checks=(
        Check(check_rmsprop_step_worked_example, points=1),
        Check(check_rmsprop_step_many_steps, points=2),
        Check(check_rmsprop_step_from_a_state, points=1),
        Check(check_rmsprop_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "decay on the new term",
            "alpha (0.99 by default) weights the OLD average: r <- alpha r + (1 - alpha) g^2. With alpha on g^2 the "
            "average forgets its past at once.",
            f"{MISTAKES}:rmsprop_step_alpha_on_the_new_term",
        ),
        Mistake("eps inside the square root", EPS_INSIDE_HINT, f"{MISTAKES}:rmsprop_step_eps_inside_the_root"),
        Mistake(
            "(1 - alpha) left out",
            "the new squared gradient is weighted by 1 - alpha: r <- alpha r + (1 - alpha) g^2 is an average; "
            "alpha r + g^2 is a decaying sum about 1 / (1 - alpha) times too large.",
            f"{MISTAKES}:rmsprop_step_one_minus_alpha_left_out",
        ),
    ),
)


def adam_zero_state(params: Params) -> dict[str, Any]:
    return {"step": 0, "m": zeros_like(params), "v": zeros_like(params)}


def check_adam_step_worked_example(t: Trial) -> None:
    """'adam_step' on the docstring's example, the first step: w [1, -2], g [3, -4], lr 0.1, betas 0.9 and 0.999, eps 1e-8."""
    one_step(t, "adam_step", EXAMPLE_PARAMS, EXAMPLE_GRADS_34, adam_zero_state(EXAMPLE_PARAMS), 0.1, 0.9, 0.999, 1e-8)


def check_adam_step_many_steps(t: Trial) -> None:
    """50 steps of 'adam_step' (lr 0.02, betas 0.9 and 0.999, eps 1e-3) with small gradients, its own output fed back."""
    start, bowl = _adaptive_start(t, (3, 4, 2))
    trajectory(t, "adam_step", start, adam_zero_state(start), (0.02, 0.9, 0.999, 1e-3), 50, bowl)


def check_adam_step_other_betas(t: Trial) -> None:
    """30 steps of 'adam_step' with betas 0.8 and 0.95 and eps 1e-2 on a 2-3 network."""
    start, bowl = _adaptive_start(t, (2, 3))
    trajectory(t, "adam_step", start, adam_zero_state(start), (0.05, 0.8, 0.95, 1e-2), 30, bowl)


def adam_mid_run_state(rng: np.random.Generator, params: Params) -> dict[str, Any]:
    return {"step": int(rng.integers(3, 12)), "m": normal_like(rng, params, 0.03), "v": positive_like(rng, params, 0.0025)}


def check_adam_step_from_a_state(t: Trial) -> None:
    """One 'adam_step' from a state in mid-run (3 to 11 steps taken, moments not 0), with small gradients, eps 1e-3."""
    mid_run(t, "adam_step", (3, 4, 2), 0.05, adam_mid_run_state, [(0.02, 0.9, 0.999, 1e-3), (0.05, 0.8, 0.95, 1e-2)])


def check_adam_step_hidden(t: Trial) -> None:
    """Many steps of 'adam_step' on a new network, learning rate, betas and eps."""
    start, bowl = _adaptive_start(t, tuple(int(n) for n in t.rng.integers(2, 5, size=3)))
    hyper = (number(t.rng.uniform(0.01, 0.05)), number(t.rng.uniform(0.7, 0.9)), number(t.rng.uniform(0.95, 0.999)),
             number(t.rng.choice([1e-3, 1e-2])))
    trajectory(t, "adam_step", start, adam_zero_state(start), hyper, 30, bowl)


ADAM_STEP = Exercise(
    id="optimisers.adam_step",
    input_classes=(),
    title="Adam with bias correction, as torch.optim.Adam computes it",
    notes="1.3.5.3 (Adam); torch.optim.Adam",
    student=StudentFunction("optimisers", "adam_step"),
    reference="reference.optimisers:adam_step",
    torch_reference="reference.optimisers_torch:adam_step",
    checks=(
        Check(check_adam_step_worked_example, points=1),
        Check(check_adam_step_many_steps, points=2),
        Check(check_adam_step_other_betas, points=1),
        Check(check_adam_step_from_a_state, points=1),
        Check(check_adam_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "no bias correction",
            "m and v start at 0, so early on they are too small: divide them by 1 - beta1^t and 1 - beta2^t "
            "(t = 1 at the first step) before taking the step.",
            f"{MISTAKES}:adam_step_no_bias_correction",
        ),
        Mistake("eps inside the square root", EPS_INSIDE_HINT, f"{MISTAKES}:adam_step_eps_inside_the_root"),
        Mistake(
            "eps before the bias correction",
            "torch adds eps to the CORRECTED root: sqrt(v / (1 - beta2^t)) + eps. Adding it to sqrt(v) and then "
            "dividing by sqrt(1 - beta2^t) makes eps about 30 times larger at the first steps (beta2 = 0.999).",
            f"{MISTAKES}:adam_step_eps_before_the_correction",
        ),
        Mistake(
            "step not counted",
            "return the state with its step increased by one: the next update's bias correction uses t + 1.",
            f"{MISTAKES}:adam_step_step_not_counted",
        ),
        Mistake(
            "betas swapped",
            "beta1 (0.9) averages the gradients, m; beta2 (0.999) averages their squares, v.",
            f"{MISTAKES}:adam_step_betas_swapped",
        ),
    ),
)


# -- gradient clipping ----------------------------------------------------------------------


def check_clip_grad_value_worked_example(t: Trial) -> None:
    """'clip_grad_value' on the notes' example: with c = 5, 14 and 16 become 5 and -4.2 stays; a bias of -7 becomes -5."""
    one_step(t, "clip_grad_value", {"critic.weight": np.array([[14.0, 16.0, -4.2]]), "critic.bias": np.array([-7.0])}, 5.0)


def spread_gradients(rng: np.random.Generator, sizes: tuple[int, ...], scale: float) -> Params:
    return {name: representable(scale * rng.normal(size=value.shape) * rng.uniform(0.2, 2.0, size=value.shape))
            for name, value in network_parameters(rng, sizes).items()}


def check_clip_grad_value_random(t: Trial) -> None:
    """'clip_grad_value' of a 4-3-2 network's gradients, entries above c and below -c, with c = 0.5 and c = 2."""
    for c in (0.5, 2.0):
        one_step(t, "clip_grad_value", spread_gradients(t.rng, (4, 3, 2), c), c)


def check_clip_grad_value_hidden(t: Trial) -> None:
    """'clip_grad_value' of a new network's gradients with a new c."""
    c = number(t.rng.uniform(0.1, 3.0))
    args = (spread_gradients(t.rng, tuple(int(n) for n in t.rng.integers(2, 6, size=3)), c), c)
    t.expect_close(t.student(*args), t.reference(*args), name="clip_grad_value(grads, c)")


CLIP_GRAD_VALUE = Exercise(
    id="optimisers.clip_grad_value",
    input_classes=(),
    title="Gradient clipping by value, to [-c, c]",
    notes="1.10.3.1 (clipping in [-c, c]); torch.nn.utils.clip_grad_value_",
    student=StudentFunction("optimisers", "clip_grad_value"),
    reference="reference.optimisers:clip_grad_value",
    torch_reference="reference.optimisers_torch:clip_grad_value",
    checks=(
        Check(check_clip_grad_value_worked_example, points=1),
        Check(check_clip_grad_value_random, points=1),
        Check(check_clip_grad_value_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "upper side only",
            "clip both ways: an entry below -c becomes -c, as one above c becomes c.",
            f"{MISTAKES}:clip_grad_value_upper_side_only",
        ),
        Mistake(
            "clipped to [0, c]",
            "the interval is [-c, c]: a negative entry between -c and 0 is left as it is, and one below -c becomes -c.",
            f"{MISTAKES}:clip_grad_value_to_zero_and_c",
        ),
        Mistake(
            "rescaled instead of clipped",
            "clipping by value changes only the entries outside [-c, c] (14 and 16 both become 5, -4.2 stays): it "
            "does not scale the whole gradient down (that is clipping by norm).",
            f"{MISTAKES}:clip_grad_value_rescaled",
        ),
    ),
)


def gradients_with_norm(rng: np.random.Generator, sizes: tuple[int, ...], norm: float) -> Params:
    """Gradients of a network whose total norm is ``norm`` (to float32 rounding), spread unevenly over the parameters."""
    grads = spread_gradients(rng, sizes, 1.0)
    total = np.sqrt(sum(float((g**2).sum()) for g in grads.values()))
    return {name: representable(g * norm / total) for name, g in grads.items()}


def norm_cases(rng: np.random.Generator, sizes: tuple[int, ...]) -> list[tuple[Params, float]]:
    """Total norms 1.5 to 4 times max_norm (clipped), 0.2 to 0.7 times (left alone), and near 1e-4, clipped (the 1e-6 shows)."""
    cases = []
    for ratio, scale in ((rng.uniform(1.5, 4.0), 1.0), (rng.uniform(0.2, 0.7), 1.0), (rng.uniform(1.5, 4.0), 1e-4)):
        max_norm = number(scale * rng.uniform(0.5, 2.0))
        cases.append((gradients_with_norm(rng, sizes, ratio * max_norm), max_norm))
    return cases


def check_clip_grad_norm_worked_example(t: Trial) -> None:
    """'clip_grad_norm' on the docstring's example: gradients [[3, 0]] and [4] (total norm 5), max_norm 1, and max_norm 10."""
    grads = {"fc.weight": np.array([[3.0, 0.0]]), "fc.bias": np.array([4.0])}
    for max_norm in (1.0, 10.0):
        one_step(t, "clip_grad_norm", grads, max_norm)


def check_clip_grad_norm_random(t: Trial) -> None:
    """'clip_grad_norm' of a 4-3-2 network's gradients: above max_norm, below it, and with a total norm near 1e-4."""
    for grads, max_norm in norm_cases(t.rng, (4, 3, 2)):
        t.expect_close(t.student(grads, max_norm), t.reference(grads, max_norm),
                       name=f"clip_grad_norm(grads of total norm {np.sqrt(sum(float((g ** 2).sum()) for g in grads.values())):.4g}, {max_norm:.4g})")


def check_clip_grad_norm_hidden(t: Trial) -> None:
    """'clip_grad_norm' of a new network's gradients, above, below and near 1e-4."""
    for grads, max_norm in norm_cases(t.rng, tuple(int(n) for n in t.rng.integers(2, 6, size=3))):
        t.expect_close(t.student(grads, max_norm), t.reference(grads, max_norm), name="clip_grad_norm(grads, max_norm)")


CLIP_GRAD_NORM = Exercise(
    id="optimisers.clip_grad_norm",
    input_classes=(),
    title="Gradient clipping by the total norm, as torch's clip_grad_norm_",
    notes="1.3.5.4 (exploding gradients); torch.nn.utils.clip_grad_norm_",
    student=StudentFunction("optimisers", "clip_grad_norm"),
    reference="reference.optimisers:clip_grad_norm",
    torch_reference="reference.optimisers_torch:clip_grad_norm",
    checks=(
        Check(check_clip_grad_norm_worked_example, points=1),
        Check(check_clip_grad_norm_random, points=2),
        Check(check_clip_grad_norm_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "clipped per parameter",
            "the norm is the TOTAL norm over every gradient together, sqrt of the sum of all their squares, and every "
            "gradient is scaled by the same factor: the direction of the whole update is kept.",
            f"{MISTAKES}:clip_grad_norm_per_parameter",
        ),
        Mistake(
            "torch's 1e-6 left out",
            "torch's factor is max_norm / (N + 1e-6), not max_norm / N; the 1e-6 shows when the gradients are small.",
            f"{MISTAKES}:clip_grad_norm_eps_left_out",
        ),
        Mistake(
            "always rescaled",
            "clip only when the factor max_norm / (N + 1e-6) is below 1: gradients shorter than max_norm are left as "
            "they are, not stretched to max_norm.",
            f"{MISTAKES}:clip_grad_norm_always_rescaled",
        ),
        Mistake(
            "norm after clipping returned",
            "return the total norm N of the gradients BEFORE clipping (torch's clip_grad_norm_ returns it), not the "
            "norm of the clipped ones.",
            f"{MISTAKES}:clip_grad_norm_norm_after_clipping",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    MOMENTUM_STEP,
    TORCH_MOMENTUM_STEP,
    MOMENTUM_TO_TORCH,
    ADAGRAD_STEP,
    RMSPROP_STEP,
    ADAM_STEP,
    CLIP_GRAD_VALUE,
    CLIP_GRAD_NORM,
)
