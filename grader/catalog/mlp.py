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

import numpy as np

from grader.catalog.backprop import network, quadratic_targets
from grader.compare import TOLERANCES
from grader.declarations import Check, Exercise, Mistake, StudentClass, StudentFunction
from grader.module_checks import expect_gradients, expect_output, expect_parameters, require_loaded
from grader.object_scripts import backward, call, load, new, obj, parameters, state
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
    steps = [new(sizes), parameters(0)]
    expect_parameters(t, t.student(steps)[1], t.reference(steps)[1], "SigmoidMLP")


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
    """'SigmoidMLP([4, 3, 2])' registers layers.0.weight (3, 4), layers.0.bias (3,), ... as trainable float32 parameters."""
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
        after = got[3 + 2 * index]
        for name, expected in want[3 + 2 * index].items():
            t.expect_close(after.get(name), expected, name=f"'{name}' after {when}")


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


EXERCISES: tuple[Exercise, ...] = (SIGMOID_MLP, SGD_STEP)
