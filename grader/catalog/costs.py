"""Costs: the quadratic cost, binary cross-entropy from probabilities and from logits, categorical
cross-entropy from logits, the L2 and L1 penalties, and weight decay as SGD on the L2-regularised cost.

Course notes 1.1.1.5, 1.3.3, 1.3.5.1 and 1.5.1.7; the slides' supervised
tasks and regularisation. Conventions are the notes' (see
``exercises/costs.py``): one example per row, a cost summed over an example's
outputs and averaged over the batch, returned with its gradient; penalties
and decay on the weights (names ending in ``weight``), never the biases.

Inputs tell the notes' conventions from torch's and from the mistakes
students make: the number of outputs k is never 2 for the quadratic cost
(where torch's mean over n k entries without the 1/2 happens to agree) and
never 1 for the binary cross-entropies (where the mean over all entries is the
mean over examples); batches have more than one example (a sum over the batch
shows); logits of +-40 (sigmoid(40) rounds to 1) and +-800 (e^800 overflows)
and softmax logits near +-1000 whose true class lies far below the maximum
(the log of a probability that underflows shows); parameter dicts hold biases
that are not 0 (a penalised or decayed bias shows) and weights exactly 0 (the
L1 sign at 0 shows); weight decay runs 25 steps with a large eta lambda, the
student's own parameters fed back each step. Every input is a float32
number, so a float32 solution starts from the same numbers.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.costs_mistakes"


def representable(values: Any) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def _costs(t: Trial, function: str, cases: list[tuple[np.ndarray, np.ndarray]], show: bool = False) -> None:
    for first, second in cases:
        label = f"{function}({first.tolist()}, {second.tolist()})" if show else f"{function}(arrays of shape {first.shape})"
        t.expect_close(t.student(first, second), t.reference(first, second), name=label)


def targets(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """0/1 targets with both values present."""
    Y = rng.integers(0, 2, size=shape).astype(float)
    Y.flat[0], Y.flat[-1] = 0.0, 1.0
    return Y


# -- costs.quadratic_cost ---------------------------------------------------------------------


def check_quadratic_cost_worked_example(t: Trial) -> None:
    """'quadratic_cost' on the docstring's example, 1/(2n) sum ||y - a||^2 = 6.5, and on a batch of two with one output."""
    _costs(t, "quadratic_cost", [(np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 0.0, 0.0]])),
                                 (np.array([[0.5], [2.0]]), np.array([[1.0], [-1.0]]))], show=True)


def check_quadratic_cost_batch(t: Trial) -> None:
    """'quadratic_cost' of a batch of 4 examples with 3 outputs (torch's mse_loss would be 2/3 of it) and of 5 with 1."""
    _costs(t, "quadratic_cost", [(representable(t.rng.normal(size=(n, k))), representable(t.rng.normal(size=(n, k))))
                                 for n, k in ((4, 3), (5, 1))])


def check_quadratic_cost_hidden(t: Trial) -> None:
    """'quadratic_cost' on new batches with 1, 3, 4 or 5 outputs."""
    cases = []
    for _ in range(2):
        n, k = int(t.rng.integers(2, 7)), int(t.rng.choice([1, 3, 4, 5]))
        cases.append((representable(t.rng.normal(size=(n, k))), representable(t.rng.normal(size=(n, k)))))
    _costs(t, "quadratic_cost", cases)


QUADRATIC_COST = Exercise(
    id="costs.quadratic_cost",
    input_classes=(),
    title="The quadratic cost 1/(2n) sum ||y - a||^2 and its gradient",
    notes="1.3.3 (the cost function); 1.1.1.5 (quadratic loss); slides: least squares",
    student=StudentFunction("costs", "quadratic_cost"),
    reference="reference.costs:quadratic_cost",
    torch_reference="reference.costs_torch:quadratic_cost",
    checks=(
        Check(check_quadratic_cost_worked_example, points=1),
        Check(check_quadratic_cost_batch, points=1),
        Check(check_quadratic_cost_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "torch's mse_loss (the mean over every entry)",
            "the notes' cost sums the squared errors of each example's k outputs and averages over the n examples "
            "only, with a 1/2: C = sum((Y - A)**2) / (2 n). F.mse_loss averages over all n k entries, without the 1/2.",
            f"{MISTAKES}:quadratic_cost_mean_over_entries",
        ),
        Mistake(
            "1/2 left out",
            "C = 1/(2n) sum ||y - a||^2: the 1/2 is there so that dC/dA = (A - Y) / n, without a 2.",
            f"{MISTAKES}:quadratic_cost_no_half",
        ),
        Mistake(
            "sum over the batch",
            "the cost is an average over the n examples: divide the sum by n (and the gradient too).",
            f"{MISTAKES}:quadratic_cost_sum_over_batch",
        ),
        Mistake(
            "gradient's sign",
            "d/da (y - a)^2 / 2 = (a - y): the gradient is (A - Y) / n, which points away from the targets.",
            f"{MISTAKES}:quadratic_cost_gradient_sign",
        ),
    ),
)


# -- costs.binary_cross_entropy ----------------------------------------------------------------


def probabilities(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return representable(rng.uniform(0.05, 0.95, size=shape))


def check_binary_cross_entropy_worked_example(t: Trial) -> None:
    """'binary_cross_entropy' on the docstring's example, Z = [[0.5, 0.8]], Y = [[1, 0]]: ln 2 + ln 5."""
    _costs(t, "binary_cross_entropy", [(np.array([[0.5, 0.8]]), np.array([[1.0, 0.0]]))], show=True)


def check_binary_cross_entropy_batch(t: Trial) -> None:
    """'binary_cross_entropy' of 4 examples with 3 outputs and 0/1 targets, and of 3 with 2 outputs and soft targets."""
    _costs(t, "binary_cross_entropy", [(probabilities(t.rng, (4, 3)), targets(t.rng, (4, 3))),
                                       (probabilities(t.rng, (3, 2)), representable(t.rng.uniform(0.0, 1.0, size=(3, 2))))])


def check_binary_cross_entropy_hidden(t: Trial) -> None:
    """'binary_cross_entropy' on new batches of 2 to 5 outputs."""
    cases = []
    for _ in range(2):
        shape = (int(t.rng.integers(2, 6)), int(t.rng.integers(2, 6)))
        cases.append((probabilities(t.rng, shape), targets(t.rng, shape)))
    _costs(t, "binary_cross_entropy", cases)


BINARY_CROSS_ENTROPY = Exercise(
    id="costs.binary_cross_entropy",
    input_classes=(),
    title="The cross-entropy of sigmoid outputs, from probabilities, and its gradient",
    notes="1.3.5.1 (cross-entropy; multi-layer cross-entropy)",
    student=StudentFunction("costs", "binary_cross_entropy"),
    reference="reference.costs:binary_cross_entropy",
    torch_reference="reference.costs_torch:binary_cross_entropy",
    checks=(
        Check(check_binary_cross_entropy_worked_example, points=1),
        Check(check_binary_cross_entropy_batch, points=1),
        Check(check_binary_cross_entropy_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "mean over every entry (torch's default)",
            "sum the cross-entropies of an example's k outputs, then average over the n examples: divide by n, "
            "not by n k as F.binary_cross_entropy's default reduction does.",
            f"{MISTAKES}:binary_cross_entropy_mean_over_entries",
        ),
        Mistake(
            "sum over the batch",
            "the cost is -1/n sum over the examples: divide by n (and the gradient too).",
            f"{MISTAKES}:binary_cross_entropy_sum_over_batch",
        ),
        Mistake(
            "(1 - y) ln(1 - z) left out",
            "each output is a binary problem: -[y ln z + (1 - y) ln(1 - z)]; an output whose target is 0 costs "
            "-ln(1 - z), not nothing.",
            f"{MISTAKES}:binary_cross_entropy_second_term_left_out",
        ),
        Mistake(
            "the logit's gradient",
            "(z - y) / n is the gradient with respect to the sigmoid's INPUT; with respect to z itself it is "
            "(z - y) / (z (1 - z)) / n.",
            f"{MISTAKES}:binary_cross_entropy_logit_gradient",
        ),
    ),
)


# -- costs.binary_cross_entropy_with_logits ----------------------------------------------------


def extreme_logits(rng: np.random.Generator, magnitude: float, shape: tuple[int, int] = (3, 4)) -> tuple[np.ndarray, np.ndarray]:
    """Logits of about +-magnitude, every pairing of sign and target present, some moderate logits beside them."""
    X = rng.uniform(0.9, 1.1, size=shape) * magnitude * rng.choice([-1.0, 1.0], size=shape)
    X.flat[:4] = np.array([1.0, -1.0, 1.0, -1.0]) * magnitude
    X.flat[-1] = rng.normal()
    Y = targets(rng, shape)
    Y.flat[:4] = [0.0, 1.0, 1.0, 0.0]
    return representable(X), Y


def check_binary_cross_entropy_with_logits_batch(t: Trial) -> None:
    """'binary_cross_entropy_with_logits' of 4 examples with 3 outputs and moderate logits."""
    _costs(t, "binary_cross_entropy_with_logits", [(representable(t.rng.normal(0.0, 3.0, size=(4, 3))), targets(t.rng, (4, 3)))])


def check_binary_cross_entropy_with_logits_large_logits(t: Trial) -> None:
    """'binary_cross_entropy_with_logits' with logits of +-40 (sigmoid(40) rounds to 1) and of +-800 (e^800 overflows)."""
    _costs(t, "binary_cross_entropy_with_logits", [extreme_logits(t.rng, 40.0), extreme_logits(t.rng, 800.0)])


def check_binary_cross_entropy_with_logits_worked_example(t: Trial) -> None:
    """'binary_cross_entropy_with_logits' on the docstring's example, X = [[0, 800]], Y = [[1, 0]]: ln 2 + 800."""
    _costs(t, "binary_cross_entropy_with_logits", [(np.array([[0.0, 800.0]]), np.array([[1.0, 0.0]]))], show=True)


def check_binary_cross_entropy_with_logits_hidden(t: Trial) -> None:
    """'binary_cross_entropy_with_logits' on new batches, with moderate logits, logits beyond 36 and logits beyond 750."""
    shape = (int(t.rng.integers(2, 6)), int(t.rng.integers(2, 6)))
    _costs(t, "binary_cross_entropy_with_logits", [(representable(t.rng.normal(0.0, 3.0, size=shape)), targets(t.rng, shape)),
                                                   extreme_logits(t.rng, float(t.rng.uniform(36.0, 60.0)), shape),
                                                   extreme_logits(t.rng, float(t.rng.uniform(750.0, 900.0)), shape)])


BINARY_CROSS_ENTROPY_WITH_LOGITS = Exercise(
    id="costs.binary_cross_entropy_with_logits",
    input_classes=(),
    title="Binary cross-entropy from logits, stable for any logit, and its gradient",
    notes="1.3.5.1 (cross-entropy; 'for numerical reasons, ML libraries don't include the sigmoid')",
    student=StudentFunction("costs", "binary_cross_entropy_with_logits"),
    reference="reference.costs:binary_cross_entropy_with_logits",
    torch_reference="reference.costs_torch:binary_cross_entropy_with_logits",
    checks=(
        Check(check_binary_cross_entropy_with_logits_worked_example, points=1),
        Check(check_binary_cross_entropy_with_logits_batch, points=1),
        Check(check_binary_cross_entropy_with_logits_large_logits, points=2),
        Check(check_binary_cross_entropy_with_logits_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "log of a sigmoid that underflows",
            "sigmoid(40) rounds to 1 in float64, so ln(1 - sigmoid(40)) is ln 0 = -inf: never take the log of the "
            "sigmoid; write the cost per entry as max(x, 0) - x y + ln(1 + e^{-|x|}).",
            f"{MISTAKES}:binary_cross_entropy_with_logits_log_of_sigmoid",
        ),
        Mistake(
            "e^-x overflows",
            "ln(1 + e^{-x}) overflows for x = -800 (e^800 is inf): use max(x, 0) - x y + ln(1 + e^{-|x|}), whose "
            "exponent is never positive.",
            f"{MISTAKES}:binary_cross_entropy_with_logits_exp_overflows",
        ),
        Mistake(
            "mean over every entry (torch's default)",
            "sum over an example's k outputs and average over the n examples: divide by n, not by n k as "
            "F.binary_cross_entropy_with_logits' default reduction does.",
            f"{MISTAKES}:binary_cross_entropy_with_logits_mean_over_entries",
        ),
        Mistake(
            "sum over the batch",
            "the cost is an average over the n examples: divide the sum by n (and the gradient too).",
            f"{MISTAKES}:binary_cross_entropy_with_logits_sum_over_batch",
        ),
    ),
)


# -- costs.cross_entropy -------------------------------------------------------------------------


def class_logits(rng: np.random.Generator, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return representable(rng.normal(0.0, 3.0, size=(n, k))), rng.integers(0, k, size=n)


def far_logits(rng: np.random.Generator, n: int = 4, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Logits near +1000, near -1000 and spread over +-1000, with the true class far below the row's maximum in some rows."""
    X = rng.normal(0.0, 2.0, size=(n, k)) + rng.choice([-1000.0, 0.0, 1000.0], size=(n, 1))
    X[0] = np.linspace(-1000.0, 1000.0, k) + rng.normal(0.0, 1.0, size=k)
    labels = rng.integers(0, k, size=n)
    labels[0] = 0  # the class of logit -1000, beside +1000: its probability underflows to 0
    order = rng.permutation(n)
    return representable(X[order]), labels[order]


def check_cross_entropy_worked_example(t: Trial) -> None:
    """'cross_entropy' on the docstring's example, X = [[0, 0], [1000, 0]], labels [0, 1]: (ln 2 + 1000) / 2."""
    _costs(t, "cross_entropy", [(np.array([[0.0, 0.0], [1000.0, 0.0]]), np.array([0, 1]))], show=True)


def check_cross_entropy_batch(t: Trial) -> None:
    """'cross_entropy' of 5 examples of 4 classes, and of 3 examples of 6 classes."""
    _costs(t, "cross_entropy", [class_logits(t.rng, 5, 4), class_logits(t.rng, 3, 6)])


def check_cross_entropy_large_logits(t: Trial) -> None:
    """'cross_entropy' stays finite and right with logits near +-1000, a true class's probability underflowing to 0."""
    _costs(t, "cross_entropy", [far_logits(t.rng)])


def check_cross_entropy_hidden(t: Trial) -> None:
    """'cross_entropy' on new batches and classes, moderate and near +-1000."""
    _costs(t, "cross_entropy", [class_logits(t.rng, int(t.rng.integers(3, 7)), int(t.rng.integers(3, 7))),
                                far_logits(t.rng, int(t.rng.integers(3, 6)), int(t.rng.integers(3, 7)))])


CROSS_ENTROPY = Exercise(
    id="costs.cross_entropy",
    input_classes=("integer dtype: labels",),
    title="Categorical cross-entropy (log-likelihood) from logits and class indices, and its gradient",
    notes="1.3.5.1 (soft-max and log-likelihood); slides: classification, cross-entropy loss",
    student=StudentFunction("costs", "cross_entropy"),
    reference="reference.costs:cross_entropy",
    torch_reference="reference.costs_torch:cross_entropy",
    checks=(
        Check(check_cross_entropy_worked_example, points=1),
        Check(check_cross_entropy_batch, points=1),
        Check(check_cross_entropy_large_logits, points=1),
        Check(check_cross_entropy_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "log of a softmax that underflows",
            "a probability of e^-2000 rounds to 0 and -ln 0 is inf: compute ln softmax directly, "
            "x_y - m - ln(sum(e^(x - m))) with m the row's maximum, not np.log of the softmax.",
            f"{MISTAKES}:cross_entropy_log_of_softmax",
        ),
        Mistake(
            "sum over the batch",
            "the cost is the MEAN over the n examples (torch's F.cross_entropy): divide the sum by n, and the gradient too.",
            f"{MISTAKES}:cross_entropy_sum_over_batch",
        ),
        Mistake(
            "softmax over the batch axis",
            "each example's softmax is taken over its own classes, along its row (axis=1), not down the batch (axis 0).",
            f"{MISTAKES}:cross_entropy_batch_axis",
        ),
        Mistake(
            "binary cross-entropy per class",
            "with a softmax the cost is the log-likelihood -ln s_y of the true class alone; the other classes "
            "already count through the softmax's sum. Do not add -ln(1 - s_j) for the others.",
            f"{MISTAKES}:cross_entropy_binary_per_class",
        ),
    ),
)


# -- the penalties ------------------------------------------------------------------------------------


def network_parameters(rng: np.random.Generator, sizes: tuple[int, ...], zeros: bool = False) -> dict[str, np.ndarray]:
    """The parameters of an MLP with these layer sizes, named as ``nn.ModuleList`` of ``nn.Linear`` names them.

    Biases are never 0; with ``zeros``, about a quarter of the weights are exactly 0.
    """
    params = {}
    for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = rng.normal(0.0, 1.0, size=(n_out, n_in))
        if zeros:
            W[rng.random(size=W.shape) < 0.25] = 0.0
            W.flat[0] = 0.0
        params[f"layers.{index}.weight"] = representable(W)
        params[f"layers.{index}.bias"] = representable(rng.uniform(0.5, 2.0, size=n_out) * rng.choice([-1.0, 1.0], size=n_out))
    return params


def _penalty(t: Trial, function: str, params: dict[str, np.ndarray], lam: float, show: bool = False) -> None:
    shapes = {name: value.shape for name, value in params.items()}
    label = f"{function}({ {k: v.tolist() for k, v in params.items()} }, {lam})" if show else f"{function}(parameters {shapes}, lam={lam:g})"
    t.expect_close(t.student(params, lam), t.reference(params, lam), name=label)


def check_l2_penalty_worked_example(t: Trial) -> None:
    """'l2_penalty' on the docstring's example: one weight matrix [[1, -2]] and a bias [3], lambda 0.1."""
    _penalty(t, "l2_penalty", {"fc.weight": np.array([[1.0, -2.0]]), "fc.bias": np.array([3.0])}, 0.1, show=True)


def check_l2_penalty_two_layers(t: Trial) -> None:
    """'l2_penalty' of a 4-3-2 network's weights and biases (the biases are not penalised), lambda 0.05 and 0.5."""
    params = network_parameters(t.rng, (4, 3, 2))
    for lam in (0.05, 0.5):
        _penalty(t, "l2_penalty", params, lam)


def check_l2_penalty_hidden(t: Trial) -> None:
    """'l2_penalty' of a new network's parameters and a new lambda."""
    sizes = tuple(int(n) for n in t.rng.integers(2, 6, size=int(t.rng.integers(3, 5))))
    _penalty(t, "l2_penalty", network_parameters(t.rng, sizes), float(representable(t.rng.uniform(0.01, 1.0))))


L2_PENALTY = Exercise(
    id="costs.l2_penalty",
    input_classes=(),
    title="The L2 penalty (lambda / 2) sum w^2 over the weights, and its gradient",
    notes="slides: regularisation (L2 penalty, ridge); 1.5.1.7 (weight decay)",
    student=StudentFunction("costs", "l2_penalty"),
    reference="reference.costs:l2_penalty",
    torch_reference="reference.costs_torch:l2_penalty",
    checks=(
        Check(check_l2_penalty_worked_example, points=1),
        Check(check_l2_penalty_two_layers, points=1),
        Check(check_l2_penalty_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "penalty applied to the biases",
            "only the weights (names ending in 'weight') are penalised: a bias adds nothing to the penalty and its "
            "gradient is 0.",
            f"{MISTAKES}:l2_penalty_biases_penalised",
        ),
        Mistake(
            "1/2 left out",
            "the penalty is (lambda / 2) sum w^2, so that its gradient is lambda W (what weight_decay=lambda adds), "
            "not 2 lambda W.",
            f"{MISTAKES}:l2_penalty_no_half",
        ),
        Mistake(
            "mean instead of sum",
            "add up the squares of every weight (sum, not mean): each weight is pulled towards 0 by lambda w, "
            "however many weights its matrix has.",
            f"{MISTAKES}:l2_penalty_mean_over_entries",
        ),
    ),
)


def check_l1_penalty_worked_example(t: Trial) -> None:
    """'l1_penalty' on the docstring's example: weights [[1, 0, -2]] (one exactly 0) and a bias [3], lambda 0.1."""
    _penalty(t, "l1_penalty", {"fc.weight": np.array([[1.0, 0.0, -2.0]]), "fc.bias": np.array([3.0])}, 0.1, show=True)


def check_l1_penalty_two_layers(t: Trial) -> None:
    """'l1_penalty' of a 5-4-3 network with some weights exactly 0 (sign 0) and biases (not penalised), lambda 0.2."""
    _penalty(t, "l1_penalty", network_parameters(t.rng, (5, 4, 3), zeros=True), 0.2)


def check_l1_penalty_hidden(t: Trial) -> None:
    """'l1_penalty' of a new network's parameters, some weights exactly 0, and a new lambda."""
    sizes = tuple(int(n) for n in t.rng.integers(2, 6, size=int(t.rng.integers(3, 5))))
    _penalty(t, "l1_penalty", network_parameters(t.rng, sizes, zeros=True), float(representable(t.rng.uniform(0.01, 1.0))))


L1_PENALTY = Exercise(
    id="costs.l1_penalty",
    input_classes=("on the boundary: params",),
    title="The L1 penalty lambda sum |w| over the weights, and its gradient",
    notes="slides: regularisation (L1 penalty, LASSO)",
    student=StudentFunction("costs", "l1_penalty"),
    reference="reference.costs:l1_penalty",
    torch_reference="reference.costs_torch:l1_penalty",
    checks=(
        Check(check_l1_penalty_worked_example, points=1),
        Check(check_l1_penalty_two_layers, points=1),
        Check(check_l1_penalty_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "penalty applied to the biases",
            "only the weights (names ending in 'weight') are penalised: a bias adds nothing and its gradient is 0.",
            f"{MISTAKES}:l1_penalty_biases_penalised",
        ),
        Mistake(
            "sign(0) taken as 1",
            "where a weight is exactly 0 the gradient is 0 (np.sign(0) is 0, as torch's autograd of abs gives), "
            "not lambda.",
            f"{MISTAKES}:l1_penalty_sign_at_zero",
        ),
        Mistake(
            "L2's 1/2 copied",
            "the L1 penalty is lambda sum |w|, with no 1/2: its gradient is lambda sign(W).",
            f"{MISTAKES}:l1_penalty_halved",
        ),
    ),
)


# -- costs.weight_decay_step ---------------------------------------------------------------------------


def _params_or_none(value: Any, like: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
    """The student's answer as a dict of float arrays of the parameters' shapes, or None if it is not one."""
    if not isinstance(value, dict) or set(value) != set(like):
        return None
    try:
        arrays = {name: np.asarray(value[name], dtype=float) for name in like}
    except (TypeError, ValueError):
        return None
    if any(arrays[name].shape != like[name].shape or not np.isfinite(arrays[name]).all() for name in like):
        return None
    return arrays


def data_gradients(params: dict[str, np.ndarray], curvature: dict[str, np.ndarray], optimum: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The gradient of a data cost C = 1/2 sum h (w - w*)^2 (a quadratic bowl with its own curvature per parameter)."""
    return {name: representable(curvature[name] * (params[name] - optimum[name])) for name in params}


def _decay_run(t: Trial, sizes: tuple[int, ...], eta: float, lam: float, steps: int) -> None:
    start = network_parameters(t.rng, sizes)
    curvature = {name: t.rng.uniform(0.2, 2.0, size=value.shape) for name, value in start.items()}
    optimum = {name: t.rng.normal(0.0, 1.0, size=value.shape) for name, value in start.items()}
    expected, mine = start, start
    for step in range(steps):
        expected_after = t.reference(expected, data_gradients(expected, curvature, optimum), eta, lam)
        got = t.student(mine, data_gradients(mine, curvature, optimum), eta, lam)
        if step == 0:
            t.expect_close(got, expected_after, name=f"the parameters after 1 step (eta={eta:g}, lam={lam:g})")
        mine = _params_or_none(got, start)
        if mine is None:
            t.fail(f"step {step + 1}: weight_decay_step should return a dict of finite arrays with the keys and shapes "
                   f"of the parameters {sorted(start)}; it returned {got!r:.200}")
            return
        expected = {name: np.asarray(value, dtype=float) for name, value in expected_after.items()}
    # The last answer as the student returned it, so that a float32 answer meets float32 tolerances.
    t.expect_close(got, expected, name=f"the parameters after {steps} steps (eta={eta:g}, lam={lam:g})")


def check_weight_decay_step_worked_example(t: Trial) -> None:
    """'weight_decay_step' on the docstring's example: eta 0.5, lambda 0.2, a weight [[1, -2]] and a bias [3]."""
    params, grads = {"fc.weight": np.array([[1.0, -2.0]]), "fc.bias": np.array([3.0])}, {"fc.weight": np.array([[2.0, 0.0]]), "fc.bias": np.array([1.0])}
    t.expect_close(t.student(params, grads, 0.5, 0.2), t.reference(params, grads, 0.5, 0.2),
                   name="weight_decay_step({'fc.weight': [[1, -2]], 'fc.bias': [3]}, {'fc.weight': [[2, 0]], 'fc.bias': [1]}, 0.5, 0.2)")


def check_weight_decay_step_many_steps(t: Trial) -> None:
    """25 steps of 'weight_decay_step' on a 3-4-2 network, its own output fed back: gradient descent on C + (lambda/2) sum w^2."""
    _decay_run(t, (3, 4, 2), 0.25, 0.8, 25)


def check_weight_decay_step_hidden(t: Trial) -> None:
    """New networks, learning rates and lambdas, one step and many."""
    sizes = tuple(int(n) for n in t.rng.integers(2, 6, size=int(t.rng.integers(3, 5))))
    _decay_run(t, sizes, float(representable(t.rng.uniform(0.1, 0.4))), float(representable(t.rng.uniform(0.3, 1.5))), 20)


WEIGHT_DECAY_STEP = Exercise(
    id="costs.weight_decay_step",
    input_classes=(),
    title="L2 regularisation as weight decay: one step of SGD, and why it differs for Adam",
    notes="slides: regularisation ('L2 penalty: equivalent to weight decay for gradient descent'); 1.5.1.7 (weight decay)",
    student=StudentFunction("costs", "weight_decay_step"),
    reference="reference.costs:weight_decay_step",
    torch_reference="reference.costs_torch:weight_decay_step",
    checks=(
        Check(check_weight_decay_step_worked_example, points=1),
        Check(check_weight_decay_step_many_steps, points=2),
        Check(check_weight_decay_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "biases decayed",
            "the penalty, so the decay, is on the weights only: a bias takes the plain step b - eta dC/db. (In torch, "
            "put the biases in a parameter group with weight_decay=0.)",
            f"{MISTAKES}:weight_decay_step_biases_decayed",
        ),
        Mistake(
            "decay applied after the step",
            "the penalty's gradient lambda W is taken at the weights BEFORE the step: W - eta (dC/dW + lambda W) = "
            "(1 - eta lambda) W - eta dC/dW, not (1 - eta lambda) (W - eta dC/dW).",
            f"{MISTAKES}:weight_decay_step_decay_after_the_step",
        ),
        Mistake(
            "learning rate left out of the decay",
            "the decay is a gradient step on (lambda / 2) sum w^2, so it is scaled by eta too: multiply W by (1 - eta lambda).",
            f"{MISTAKES}:weight_decay_step_decay_without_eta",
        ),
        Mistake(
            "decay with the wrong sign",
            "a step goes against the penalty's gradient lambda W: W - eta lambda W shrinks the weights by "
            "(1 - eta lambda); (1 + eta lambda) grows them.",
            f"{MISTAKES}:weight_decay_step_decay_sign",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    QUADRATIC_COST,
    BINARY_CROSS_ENTROPY,
    BINARY_CROSS_ENTROPY_WITH_LOGITS,
    CROSS_ENTROPY,
    L2_PENALTY,
    L1_PENALTY,
    WEIGHT_DECAY_STEP,
)
