"""The sigmoid network as a torch module, and one step of gradient descent by autograd.

The network of the backpropagation exercises (notes 1.3.3-1.3.5), written as
torch code: the student's ``SigmoidMLP`` (an ``nn.Module``) and ``sgd_step``
(a function that takes a model). Checks reach both through scripts
(:mod:`grader.object_scripts`) run in the student's child: build the
network, load weights by the names the docstring promises, call it, and
backpropagate a random upstream gradient; ``sgd_step`` gets a network the
grader builds in the child, so it is checked whatever the student's module
does. The expected values come from the NumPy references, whose gradients
are the backpropagation exercise's own (:mod:`reference.mlp`).

Inputs are the backpropagation exercises' well-spread networks (adjacent
layers differ in size, so a reversed ``nn.Linear`` cannot load; weighted
inputs in [-6, 6]), in float32, torch's default, and compared with float32
tolerances. Batches have more examples than classes, so a softmax over the
batch differs from one over the classes; two steps in a row catch gradients
that are never zeroed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.catalog.backprop import network, quadratic_targets
from grader.compare import TOLERANCES
from grader.declarations import Check, Exercise, Mistake, StudentClass, StudentFunction, StudentWeights
from grader.module_checks import array_tolerances, expect_gradients, expect_output, expect_parameters_in_use, require_loaded
from grader.object_scripts import backward, call, load, load_file, mode, new, obj, state
from grader.object_scripts import function as function_step
from grader.object_scripts import network as network_step
from grader.trial import Trial

MISTAKES = "reference.mlp_mistakes"


def state_and_batch(rng: np.random.Generator, sizes: list[int], m: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """A well-spread network's parameters by name, and a batch X of m examples, all float32."""
    weights, biases, X = network(rng, tuple(sizes), m)
    values: dict[str, np.ndarray] = {}
    for index, (W, b) in enumerate(zip(weights, biases)):
        values[f"layers.{index}.weight"] = W.astype(np.float32)
        values[f"layers.{index}.bias"] = b.astype(np.float32)
    return values, X.astype(np.float32)


def upstream(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """An upstream gradient with entries of both signs, none of them 1."""
    return (rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)).astype(np.float32)


# -- SigmoidMLP -------------------------------------------------------------------------------


def _parameters(t: Trial, sizes: list[int]) -> None:
    values, X = state_and_batch(t.rng, sizes, 3)
    expect_parameters_in_use(t, new(sizes), values, (X,), "SigmoidMLP")


def _forward(t: Trial, sizes: list[int], m: int) -> None:
    values, X = state_and_batch(t.rng, sizes, m)
    steps = [new(sizes), load(values), call(X)]
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], "SigmoidMLP")
    expect_output(t, got[2], want[2], f"SigmoidMLP({sizes})(X)", attached=True)


def _gradients(t: Trial, sizes: list[int], m: int) -> None:
    values, X = state_and_batch(t.rng, sizes, m)
    steps = [new(sizes), load(values), call(X, grad=(0,)), backward(2, upstream(t.rng, (m, sizes[-1])))]
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], "SigmoidMLP")
    expect_gradients(t, got[3], want[3], inputs=["the input X"])


def _probabilities(t: Trial, sizes: list[int], m: int) -> None:
    values, X = state_and_batch(t.rng, sizes, m)
    steps = [new(sizes), load(values), call(X, method="probabilities")]
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], "SigmoidMLP")
    expect_output(t, got[2], want[2], f"SigmoidMLP({sizes}).probabilities(X)")


def check_sigmoid_mlp_parameters(t: Trial) -> None:
    """'SigmoidMLP([4, 3, 2])' registers layers.0.weight (3, 4), layers.0.bias (3,), ... as trainable float32 parameters, and computes with them."""
    _parameters(t, [4, 3, 2])


def check_sigmoid_mlp_forward(t: Trial) -> None:
    """'SigmoidMLP([4, 5, 3])(X)' on loaded weights gives z^L for 6 examples, attached to the graph."""
    _forward(t, [4, 5, 3], 6)


def check_sigmoid_mlp_gradients(t: Trial) -> None:
    """Autograd through 'SigmoidMLP([3, 5, 2])' gives BP1-BP4's gradients of every parameter and of X."""
    _gradients(t, [3, 5, 2], 4)


def check_sigmoid_mlp_probabilities(t: Trial) -> None:
    """'probabilities' is the softmax over the 3 classes of a^L, for 5 examples."""
    _probabilities(t, [4, 2, 3], 5)


def check_sigmoid_mlp_hidden(t: Trial) -> None:
    """Parameters, output, gradients and probabilities of new, deeper networks."""
    sizes = [int(n) for n in (5, 3, 4, 2)]
    _parameters(t, sizes)
    _forward(t, sizes, 3)
    _gradients(t, [2, 4, 3, 5], 3)
    _probabilities(t, [3, 4, 2], 6)


SIGMOID_MLP = Exercise(
    id="mlp.sigmoid_mlp",
    input_classes=("float32 input",),
    title="The sigmoid network as an nn.Module",
    notes="1.3.3 (feedforward), 1.3.4 (softmax output), 1.3.5 (BP1-BP4)",
    uses_torch=True,
    student=StudentClass("mlp", "SigmoidMLP"),
    reference="reference.mlp:SigmoidMLP",
    torch_reference="reference.mlp_torch:SigmoidMLP",
    checks=(
        Check(check_sigmoid_mlp_parameters, points=1),
        Check(check_sigmoid_mlp_forward, points=1),
        Check(check_sigmoid_mlp_gradients, points=2),
        Check(check_sigmoid_mlp_probabilities, points=1),
        Check(check_sigmoid_mlp_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "nn.Linear(n_l, n_{l-1})",
            "W^l has shape (n_l, n_{l-1}), and torch stores a layer's weight as (out, in): "
            "layer l is nn.Linear(n_{l-1}, n_l), inputs first.",
            f"{MISTAKES}:SigmoidMLPLinearReversed",
        ),
        Mistake(
            "no sigmoid on the output layer",
            "every layer applies the sigmoid, the output layer too: z^L = sigma(W^L z^{L-1} + b^L).",
            f"{MISTAKES}:SigmoidMLPLinearOutput",
        ),
        Mistake(
            "softmax over the batch",
            "the softmax runs over the classes of one example (dim=1), not over the examples of the batch (dim=0).",
            f"{MISTAKES}:SigmoidMLPSoftmaxOverBatch",
        ),
        Mistake(
            "weights as plain tensors",
            "tensors kept in plain attributes or lists are not registered: they are no parameters, have no "
            "state_dict names and no optimiser sees them; use nn.Linear layers in an nn.ModuleList.",
            f"{MISTAKES}:SigmoidMLPPlainTensors",
        ),
    ),
)


# -- sgd_step ------------------------------------------------------------------------------------


def _steps(t: Trial, sizes: list[int], m: int, count: int) -> None:
    """``count`` steps of the student's sgd_step on the grader's network; the cost and every parameter after each."""
    values, X = state_and_batch(t.rng, sizes, m)
    steps = [network_step(sizes), load(values)]
    for _ in range(count):
        Y = quadratic_targets(t.rng, (m, sizes[-1])).astype(np.float32)
        eta = float(t.rng.uniform(0.5, 3.0))
        steps += [function_step(obj(0), X, Y, eta), state(0)]
        X = t.rng.uniform(-1.5, 1.5, size=(m, sizes[0])).astype(np.float32)
    got, want = t.student(steps), t.reference(steps)
    for index in range(count):
        mine, theirs = got[2 + 2 * index], want[2 + 2 * index]
        when = f"step {index + 1}" if count > 1 else "the step"
        # A Python float computed from float32 tensors: float32's tolerances, as for the parameters.
        rtol, atol = TOLERANCES["float32"]
        t.expect_close(mine["value"], theirs["value"], name=f"the cost sgd_step returned at {when}", rtol=rtol, atol=atol)
        if mine.get("attached"):
            t.expect(False, f"sgd_step returned the cost at {when} as a tensor still attached to the graph, which keeps "
                            "the whole graph alive: return cost.item(), a Python float")
        after = got[3 + 2 * index]
        for name, expected in want[3 + 2 * index].items():
            t.expect_close(after.get(name), expected, name=f"'{name}' after {when}", **array_tolerances(after.get(name), expected))


def check_sgd_step_one_step(t: Trial) -> None:
    """One 'sgd_step' on a [4, 3, 2] network and 5 examples: the cost before it and every parameter after it."""
    _steps(t, [4, 3, 2], 5, 1)


def check_sgd_step_two_steps(t: Trial) -> None:
    """Two 'sgd_step's in a row: the second uses only its own batch's gradients."""
    _steps(t, [3, 5, 2], 4, 2)


def check_sgd_step_hidden(t: Trial) -> None:
    """Three steps on a new, deeper network."""
    _steps(t, [5, 3, 4, 2], 6, 3)


SGD_STEP = Exercise(
    id="mlp.sgd_step",
    input_classes=("float32 input",),
    title="One step of gradient descent by autograd, without torch.optim",
    notes="1.3.5, figure 3 (the training loop)",
    uses_torch=True,
    student=StudentFunction("mlp", "sgd_step", scripted=True),
    reference="reference.mlp:sgd_step",
    torch_reference="reference.mlp_torch:sgd_step",
    checks=(
        Check(check_sgd_step_one_step, points=2),
        Check(check_sgd_step_two_steps, points=2),
        Check(check_sgd_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "gradients never zeroed",
            "backward() adds to .grad; without model.zero_grad() (or p.grad = None) each step also applies "
            "the gradients of every step before it.",
            f"{MISTAKES}:sgd_step_without_zero_grad",
        ),
        Mistake(
            "a detached copy updated",
            "p.detach().clone() (or p.data.clone()) is a new tensor: changing it leaves the model as it was; "
            "update the parameter itself, in place, under torch.no_grad().",
            f"{MISTAKES}:sgd_step_on_a_detached_copy",
        ),
        Mistake(
            "update under autograd",
            "autograd refuses an in-place change of a parameter that requires grad while it records; "
            "make the update inside 'with torch.no_grad():'.",
            f"{MISTAKES}:sgd_step_under_autograd",
        ),
        Mistake(
            "cost summed over the batch",
            "the cost is the mean over the m examples, 1/(2m) sum ||y - z||^2; summing makes each step m times longer.",
            f"{MISTAKES}:sgd_step_summed_cost",
        ),
    ),
)



# -- train: a classifier on the digits -----------------------------------------------------------

#: The digits network: 64 pixels, 32 ReLU units with dropout, 10 logits; how long and how fast it trains.
DIGITS_SIZES, DIGITS_DROPOUT, DIGITS_EPOCHS, DIGITS_ETA, DIGITS_TRAIN = [64, 32, 10], 0.2, 15, 0.2, 1200
#: A trained digits network must classify at least this share of the held-out digits, on every run.
ACCURACY_THRESHOLD = 0.90
"""Measured by ``bench/bench_training_checks.py`` over 300 runs of the torch reference, each with a split,
initial weights and a seed of its own as the check draws them: held-out accuracy 0.957 on average, standard
deviation 0.009, lowest 0.926, none below the threshold. The threshold lies 6.4 standard deviations below the
mean: a correct ``train`` fails one run with probability about 1e-10 under a normal approximation, so the
public check (two runs) fails it with probability below 1e-9. Loops that do not learn (labels apart from
their inputs, gradients never zeroed, summed costs) stay near 10% and fail every run; a doubled learning
rate still learns, and the step-by-step check is what catches it."""

LEARNED = 0.30
"""The held-out accuracy above which a network has learned something: three times the 10% of a guess
(random or untrained weights), far below the threshold a correct loop meets. The falling cost earns its
part only above it."""

TRAINING_LIMITS = {"cpu_seconds": 10.0, "wall_seconds": 30.0}
"""A correct ``train`` takes about 0.16 s of CPU per digits run (bench/bench_training_checks.py) and a
few milliseconds for the step-by-step check; 10 s per call leaves room for a slow loop (one example at a
time is about 20 times slower) on a loaded machine."""


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1797 8x8 digits (bundled with the package, no download): pixels scaled to [0, 1], labels."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.data / 16.0).astype(np.float32), data.target.astype(np.int64)


def digits_split(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A random split: 1200 training digits and the 597 others, held out (their labels stay with the grader)."""
    X, y = digits()
    order = rng.permutation(len(X))
    return X[order[:DIGITS_TRAIN]], y[order[:DIGITS_TRAIN]], X[order[DIGITS_TRAIN:]], y[order[DIGITS_TRAIN:]]


def initial_weights(rng: np.random.Generator, sizes: list[int]) -> dict[str, np.ndarray]:
    """nn.Linear's default initialisation, drawn from ``rng``: uniform in +-1/sqrt(n_in)."""
    values = {}
    for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        bound = 1.0 / np.sqrt(n_in)
        values[f"layers.{index}.weight"] = rng.uniform(-bound, bound, size=(n_out, n_in)).astype(np.float32)
        values[f"layers.{index}.bias"] = rng.uniform(-bound, bound, size=n_out).astype(np.float32)
    return values


def _exact_run(t: Trial, sizes: list[int], m: int, epochs: int) -> None:
    """A short run without dropout, compared step by step with the reference: every epoch's cost and every parameter."""
    X = t.rng.normal(0.0, 1.0, size=(m, sizes[0])).astype(np.float32)
    y = t.rng.integers(0, sizes[-1], size=m).astype(np.int64)
    eta, seed = float(t.rng.uniform(0.2, 0.6)), int(t.rng.integers(0, 2**31))
    steps = [
        network_step(sizes, activation="relu", logits=True),
        load(initial_weights(t.rng, sizes)),
        function_step(obj(0), X, y, epochs, eta, seed),
        state(0),
    ]
    got, want = t.student(steps), t.reference(steps)
    rtol, atol = TOLERANCES["float32"]
    t.expect_close(got[2]["value"], want[2]["value"], name=f"the epoch costs train returned ({epochs} epochs of {m} examples)",
                   rtol=rtol, atol=atol)
    for name, expected in want[3].items():
        t.expect_close(got[3].get(name), expected, name=f"'{name}' after training", **array_tolerances(got[3].get(name), expected))


def floats(value: Any) -> np.ndarray | None:
    """``value`` as a float array, or None when the student's value is not numbers."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _digits_runs(t: Trial, runs: int) -> None:
    """Train the digits network ``runs`` times on a split of its own; the accuracy on the held-out digits, run by run."""
    X_train, y_train, X_test, y_test = digits_split(t.rng)
    for _ in range(runs):
        seed = int(t.rng.integers(0, 2**31))
        steps = [
            network_step(DIGITS_SIZES, activation="relu", dropout=DIGITS_DROPOUT, logits=True),
            load(initial_weights(t.rng, DIGITS_SIZES)),
            function_step(obj(0), X_train, y_train, DIGITS_EPOCHS, DIGITS_ETA, seed),
            mode(False),
            call(X_test),
        ]
        got = t.student(steps)
        costs = floats(got[2]["value"]) if isinstance(got[2]["value"], (list, tuple)) else None
        if costs is None or costs.shape != (DIGITS_EPOCHS,) or not np.isfinite(costs).all():
            t.fail(f"train should return {DIGITS_EPOCHS} finite epoch costs; it returned {got[2]['value']!r:.200}")
        logits = floats(got[4]["value"])
        shaped = logits is not None and logits.shape == (len(y_test), 10)
        accuracy = float((logits.argmax(axis=1) == y_test).mean()) if shaped else 0.0
        # The falling cost is the student's own report, which any falling list has: it is scored only
        # beside a network that learned (random or untrained weights classify about 10%).
        t.expect(
            costs[-1] < costs[0],
            f"the cost did not fall over {DIGITS_EPOCHS} epochs of training (seed {seed}): from {costs[0]:.3f} to {costs[-1]:.3f}",
            with_value=accuracy >= LEARNED,
        )
        t.expect(
            accuracy >= ACCURACY_THRESHOLD,
            f"after training (seed {seed}) the network classifies {accuracy:.1%} of {len(y_test)} held-out digits "
            f"correctly; a correct training loop reaches at least {ACCURACY_THRESHOLD:.0%} (about 95% on average)",
        )


def check_train_step_by_step(t: Trial) -> None:
    """Two epochs of 'train' on 70 examples (batches of 32, 32 and 6): every epoch's cost and every parameter after."""
    _exact_run(t, [6, 5, 3], 70, 2)


def check_train_digits_accuracy(t: Trial) -> None:
    """'train' on 1200 digits, twice: the cost falls and at least 90% of 597 held-out digits are classified right."""
    _digits_runs(t, 2)


def check_train_hidden(t: Trial) -> None:
    """A new step-by-step run, and the digits on a split and seeds of their own."""
    _exact_run(t, [5, 7, 4], 45, 3)
    _digits_runs(t, 1)


TRAIN = Exercise(
    id="mlp.train",
    input_classes=(),  # every call passes float32 X and int64 y by construction; training is too slow to repeat here
    title="A training loop: mini-batch SGD on the digits",
    notes="1.3.5, figure 3 (the training loop); 1.1.1.5 (generalisation)",
    uses_torch=True,
    limits=TRAINING_LIMITS,
    student=StudentFunction("mlp", "train", scripted=True),
    reference="reference.mlp:train",
    torch_reference="reference.mlp_torch:train",
    checks=(
        Check(check_train_step_by_step, points=2),
        Check(check_train_digits_accuracy, points=3),
        Check(check_train_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "labels shuffled apart from the inputs",
            "the inputs are taken in the shuffled order but the labels in the original one, so each example is "
            "trained with another's label; index both with the same batch of the order.",
            f"{MISTAKES}:train_labels_not_shuffled",
        ),
        Mistake(
            "learning rate applied twice",
            "each mini-batch takes one step p <- p - eta * grad: calling optimiser.step() twice (or adding the "
            "step by hand as well) doubles the learning rate.",
            f"{MISTAKES}:train_step_taken_twice",
        ),
        Mistake(
            "gradients never zeroed",
            "backward() adds to .grad; zero the gradients before each mini-batch's backward (optimiser.zero_grad()).",
            f"{MISTAKES}:train_without_zero_grad",
        ),
        Mistake(
            "cost summed over the batch",
            "the cost of a mini-batch is the mean over its examples (cross_entropy's default); a sum makes each "
            "step as many times longer as the batch has examples.",
            f"{MISTAKES}:train_summed_cost",
        ),
    ),
)


# -- predict_labels --------------------------------------------------------------------------------


def clear_examples(rng: np.random.Generator, values: dict[str, np.ndarray], sizes: list[int], m: int) -> np.ndarray:
    """m inputs whose two largest logits (ReLU network, no dropout) differ by at least 0.05: no label rests on rounding."""
    kept: list[np.ndarray] = []
    while len(kept) < m:
        x = rng.normal(0.0, 1.0, size=sizes[0])
        z = x
        for index in range(len(sizes) - 1):
            z = values[f"layers.{index}.weight"].astype(float) @ z + values[f"layers.{index}.bias"]
            if index < len(sizes) - 2:
                z = np.maximum(z, 0.0)
        top = np.sort(z)[-2:]
        if top[1] - top[0] >= 0.05:
            kept.append(x)
    return np.array(kept, dtype=np.float32)


def _predict(t: Trial, sizes: list[int], m: int) -> None:
    values = initial_weights(t.rng, sizes)
    X = clear_examples(t.rng, values, sizes, m)
    steps = [
        network_step(sizes, activation="relu", dropout=0.5, logits=True),
        load(values),
        function_step(obj(0), X),
        function_step(obj(0), X),
    ]
    got, want = t.student(steps), t.reference(steps)
    first, second = got[2]["value"], got[3]["value"]
    if t.expect_close(first, want[2]["value"], name=f"predict_labels(model, X) for {m} examples") is False:
        once, twice = floats(first), floats(second)
        if once is not None and twice is not None and once.shape == twice.shape and not np.array_equal(once, twice):
            t.expect(False, "predict_labels gave other labels when called twice on the same model and inputs: "
                            "its dropout is still active")
            t.name_mistake("evaluating in training mode")


def check_predict_labels(t: Trial) -> None:
    """'predict_labels' of a network with dropout, on 12 examples whose largest score is clear."""
    _predict(t, [6, 16, 4], 12)


def check_predict_labels_hidden(t: Trial) -> None:
    """'predict_labels' on a new network and inputs."""
    _predict(t, [8, 20, 5], 15)


PREDICT_LABELS = Exercise(
    id="mlp.predict_labels",
    input_classes=("float32 input",),
    title="Using a trained classifier: evaluation mode and argmax",
    notes="1.1.1.5 (empirical error), dropout in the slides",
    uses_torch=True,
    limits=TRAINING_LIMITS,
    student=StudentFunction("mlp", "predict_labels", scripted=True),
    reference="reference.mlp:predict_labels",
    torch_reference="reference.mlp_torch:predict_labels",
    checks=(
        Check(check_predict_labels, points=2),
        Check(check_predict_labels_hidden, points=1, hidden=True),
    ),
    mistakes=(
        Mistake(
            "evaluating in training mode",
            "in training mode dropout still zeroes random units, so the labels change from call to call; "
            "call model.eval() before predicting.",
            f"{MISTAKES}:predict_labels_in_train_mode",
        ),
        Mistake(
            "argmax over the batch",
            "the label of an example is the index of its largest score among the classes: argmax(dim=1), "
            "not over the examples (dim=0).",
            f"{MISTAKES}:predict_labels_over_the_batch",
        ),
        Mistake(
            "scores instead of labels",
            "return one integer label per example (the argmax of its scores), not the scores themselves.",
            f"{MISTAKES}:predict_labels_scores",
        ),
    ),
)




# -- digits_weights: trained weights handed in -----------------------------------------------------

WEIGHTS_FILE = "digits_weights.pt"
#: The first 1200 digits are for training; the checks measure the weights on the other 597.
HELD_OUT_FROM = 1200
#: The held-out accuracy the handed-in weights must reach. The last 597 digits come from other writers
#: than most of the first 1200 and are harder: the reference's weights (20 epochs of 'train') reach 0.91.
WEIGHTS_ACCURACY = 0.85
#: Every digit must be recognised at least this often among the held-out ones (the reference: 0.74 at worst).
WEIGHTS_RECALL = 0.60


def _held_out_logits(t: Trial) -> tuple[Any, np.ndarray]:
    """The handed-in network's outputs on the 597 held-out digits (computed in the child), and their labels."""
    X, y = digits()
    steps = [
        network_step(DIGITS_SIZES, activation="relu", logits=True),
        load_file(WEIGHTS_FILE),
        mode(False),
        call(X[HELD_OUT_FROM:]),
    ]
    got = t.student(steps)
    loaded = got[1]
    unfit = [f"it has no {name!r}" for name in loaded.get("missing", [])]
    unfit += [f"it holds {name!r}, which the network does not have" for name in loaded.get("unexpected", [])]
    unfit += [f"its {name!r} has shape {tuple(given)}, not {tuple(shape)}" for name, shape, given in loaded.get("misshapen", [])]
    if unfit:
        t.fail(f"'{WEIGHTS_FILE}' does not fit the network the task names: {'; '.join(unfit)}")
    logits = floats(got[3]["value"])
    if logits is None or logits.shape != (len(X) - HELD_OUT_FROM, 10) or not np.isfinite(logits).all():
        t.fail(
            f"the network with the weights of '{WEIGHTS_FILE}' gave outputs of shape {logits.shape} (or not finite), "
            f"not one finite score per class for each of {len(X) - HELD_OUT_FROM} digits"
        )
    return logits, y[HELD_OUT_FROM:]


def check_digits_weights_accuracy(t: Trial) -> None:
    """The handed-in weights classify at least 85% of the 597 digits after the first 1200 correctly."""
    logits, labels = _held_out_logits(t)
    accuracy = float((logits.argmax(axis=1) == labels).mean())
    # The reference's weights on the same digits, for the message: what training as asked reaches.
    X, _ = digits()
    steps = [network_step(DIGITS_SIZES, activation="relu", logits=True), load_file(WEIGHTS_FILE), mode(False),
             call(X[HELD_OUT_FROM:])]
    reached = float((np.asarray(t.reference(steps)[3]["value"], dtype=float).argmax(axis=1) == labels).mean())
    t.expect(
        accuracy >= WEIGHTS_ACCURACY,
        f"with the weights of '{WEIGHTS_FILE}' the network classifies {accuracy:.1%} of the {len(labels)} held-out "
        f"digits correctly; at least {WEIGHTS_ACCURACY:.0%} is asked (the reference's weights, 20 epochs of "
        f"'train', reach {reached:.1%})",
    )


def check_digits_weights_every_digit(t: Trial) -> None:
    """Every digit, 0 to 9, is recognised in at least 60% of its held-out examples."""
    logits, labels = _held_out_logits(t)
    predicted = logits.argmax(axis=1)
    recalls = {digit: float((predicted[labels == digit] == digit).mean()) for digit in range(10)}
    weak = [f"{digit} ({recall:.0%})" for digit, recall in recalls.items() if recall < WEIGHTS_RECALL]
    t.expect(not weak, f"some digits are recognised in fewer than {WEIGHTS_RECALL:.0%} of their examples: {', '.join(weak)}")


DIGITS_WEIGHTS = Exercise(
    id="mlp.digits_weights",
    input_classes=(),
    title="Trained weights handed in: a digits classifier",
    notes="1.1.1.5 (generalisation), 1.3.5 (training)",
    uses_torch=True,
    limits=TRAINING_LIMITS,
    student=StudentWeights("mlp", WEIGHTS_FILE),
    reference="reference.mlp:digits_weights",
    torch_reference="reference.mlp_torch:digits_weights",
    checks=(
        Check(check_digits_weights_accuracy, points=3),
        Check(check_digits_weights_every_digit, points=1, hidden=True),
    ),
    mistakes=(
        Mistake(
            "weights saved before training",
            "the file holds the weights the network started with; save model.state_dict() after the training loop.",
            f"{MISTAKES}:digits_weights_untrained",
        ),
        Mistake(
            "the whole model saved",
            "torch.save(model) pickles the module with its code, which a grader must not run; save "
            "torch.save(model.state_dict(), 'digits_weights.pt'): the tensors only.",
            f"{MISTAKES}:digits_weights_whole_model",
        ),
        Mistake(
            "another network's weights",
            "the weights must fit the network the task names: layers.0 of shape (32, 64) and layers.1 of shape (10, 32).",
            f"{MISTAKES}:digits_weights_other_network",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (SIGMOID_MLP, SGD_STEP, TRAIN, PREDICT_LABELS, DIGITS_WEIGHTS)
