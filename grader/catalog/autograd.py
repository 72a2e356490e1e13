"""Custom autograd Functions: the sigmoid and softmax with cross-entropy, forward and backward by hand.

The student writes ``torch.autograd.Function`` classes; checks use them
through scripts (:mod:`grader.object_scripts`) run in the student's child:
``apply`` on float64 inputs that require grad, then autograd backpropagates
a random upstream gradient (never all ones, so a backward that ignores it
cannot pass) through the student's ``backward``. The child returns the
numbers; the grader compares them with the NumPy reference's hand-derived
gradients, as ``torch.autograd.gradcheck`` would, but decided here.

Inputs discriminate: entries of ``a`` spread over [-6, 6] so that sigma and
sigma' differ clearly; +-800 catch overflow; batches of m = 5 examples with
k = 3 classes (m != k) catch a softmax over the wrong axis, and a missing
1/m changes every gradient.
"""

from __future__ import annotations

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentClass
from grader.module_checks import expect_gradients, expect_output
from grader.object_scripts import backward, call
from grader.trial import Trial

MISTAKES = "reference.autograd_mistakes"


def spread(rng: np.random.Generator, shape: tuple[int, ...], *, bound: float = 6.0) -> np.ndarray:
    """float64 entries with random signs and magnitudes in [0.3, bound]."""
    return rng.uniform(0.3, bound, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def upstream(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """An upstream gradient: entries in [0.5, 2] with random signs, so none is 1."""
    return spread(rng, shape, bound=2.0) + np.sign(spread(rng, shape, bound=1.0)) * 0.2


# -- Sigmoid -----------------------------------------------------------------------------------


def _sigmoid_and_backward(t: Trial, a: np.ndarray, name: str) -> None:
    steps = [call(a, of=None, method="apply", grad=(0,)), backward(0, upstream(t.rng, a.shape))]
    got, want = t.student(steps), t.reference(steps)
    expect_output(t, got[0], want[0], name)
    expect_gradients(t, got[1], want[1], inputs=["a"])


def check_sigmoid_forward(t: Trial) -> None:
    """'Sigmoid.apply(a)' gives sigma(a) on a (3, 5) float64 tensor."""
    a = spread(t.rng, (3, 5))
    steps = [call(a, of=None, method="apply")]
    expect_output(t, t.student(steps)[0], t.reference(steps)[0], "Sigmoid.apply(a)")


def check_sigmoid_backward_random_upstream(t: Trial) -> None:
    """Sigmoid's backward gives upstream * sigma'(a) for a random upstream gradient."""
    _sigmoid_and_backward(t, spread(t.rng, (4, 3)), "Sigmoid.apply(a)")


def check_sigmoid_large_inputs(t: Trial) -> None:
    """'Sigmoid' at a = +-800: outputs 1 and 0, gradients 0, no NaN."""
    a = spread(t.rng, (2, 4))
    a[0, 0], a[1, 2] = 800.0, -800.0
    _sigmoid_and_backward(t, a, "Sigmoid.apply(a) with |a| = 800")


def check_sigmoid_hidden(t: Trial) -> None:
    """'Sigmoid' forward and backward on new shapes and upstream gradients."""
    for shape in ((5,), (2, 3, 4)):
        _sigmoid_and_backward(t, spread(t.rng, shape), "Sigmoid.apply(a)")


SIGMOID = Exercise(
    id="autograd.sigmoid",
    input_classes=(),
    title="The sigmoid as an autograd Function",
    notes="1.3.3 (sigma and sigma'), 1.3.4 (BP1)",
    uses_torch=True,
    student=StudentClass("autograd", "Sigmoid"),
    reference="reference.autograd:Sigmoid",
    torch_reference="reference.autograd_torch:Sigmoid",
    checks=(
        Check(check_sigmoid_forward, points=1),
        Check(check_sigmoid_backward_random_upstream, points=2),
        Check(check_sigmoid_large_inputs, points=1),
        Check(check_sigmoid_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "sigma instead of sigma'",
            "backward multiplies the upstream gradient by sigma(a), the output, instead of by the derivative "
            "sigma'(a) = sigma(a) (1 - sigma(a)).",
            f"{MISTAKES}:SigmoidReturnsSigma",
        ),
        Mistake(
            "upstream gradient ignored",
            "backward returns sigma'(a) alone; the chain rule multiplies it by the upstream gradient it receives "
            "(the loss's gradient with respect to the output), which is not all ones.",
            f"{MISTAKES}:SigmoidIgnoresUpstream",
        ),
        Mistake(
            "sigma' of the output",
            "backward applies sigma' to the saved output sigma(a), giving sigma'(sigma(a)); "
            "sigma'(a) = s (1 - s) with s = sigma(a) needs no second sigmoid.",
            f"{MISTAKES}:SigmoidPrimeOfOutput",
        ),
    ),
)


# -- SoftmaxCrossEntropy ---------------------------------------------------------------------------


def logits_and_targets(rng: np.random.Generator, m: int, k: int, *, soft: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Logits (m, k) with spread entries and targets (m, k): one-hot rows, or random distributions when ``soft``."""
    logits = spread(rng, (m, k), bound=4.0)
    if soft:
        targets = rng.dirichlet(np.ones(k), size=m)
    else:
        targets = np.eye(k)[rng.integers(0, k, size=m)]
    return logits, targets


def _cross_entropy(t: Trial, logits: np.ndarray, targets: np.ndarray, name: str) -> None:
    g = np.array(float(upstream(t.rng, (1,))[0]))
    steps = [call(logits, targets, of=None, method="apply", grad=(0,)), backward(0, g)]
    got, want = t.student(steps), t.reference(steps)
    expect_output(t, got[0], want[0], name)
    expect_gradients(t, got[1], want[1], inputs=["the logits"])


def check_softmax_cross_entropy_forward(t: Trial) -> None:
    """'SoftmaxCrossEntropy.apply(logits, targets)' gives the mean cross-entropy of 5 examples of 3 classes."""
    logits, targets = logits_and_targets(t.rng, 5, 3)
    steps = [call(logits, targets, of=None, method="apply")]
    expect_output(t, t.student(steps)[0], t.reference(steps)[0], "SoftmaxCrossEntropy.apply(logits, targets)")


def check_softmax_cross_entropy_large_logits(t: Trial) -> None:
    """The cost and its gradient stay finite with logits of +-1000."""
    logits, targets = logits_and_targets(t.rng, 4, 3)
    logits[0] = [1000.0, -1000.0, 999.0]
    logits[2, 1] = 1000.0
    _cross_entropy(t, logits, targets, "SoftmaxCrossEntropy.apply(logits, targets) with logits of 1000")


def check_softmax_cross_entropy_backward(t: Trial) -> None:
    """The gradient of the logits for a random upstream gradient, 5 examples of 3 classes."""
    logits, targets = logits_and_targets(t.rng, 5, 3, soft=True)
    _cross_entropy(t, logits, targets, "SoftmaxCrossEntropy.apply(logits, targets)")


def check_softmax_cross_entropy_hidden(t: Trial) -> None:
    """Cost and gradient on new batches, one-hot and soft targets."""
    for m, k, soft in ((7, 4, False), (3, 6, True)):
        logits, targets = logits_and_targets(t.rng, m, k, soft=soft)
        _cross_entropy(t, logits, targets, "SoftmaxCrossEntropy.apply(logits, targets)")


SOFTMAX_CROSS_ENTROPY = Exercise(
    id="autograd.softmax_cross_entropy",
    input_classes=(),
    title="Softmax with the cross-entropy cost as an autograd Function",
    notes="1.3.4 (softmax output layer, log-likelihood cost)",
    uses_torch=True,
    student=StudentClass("autograd", "SoftmaxCrossEntropy"),
    reference="reference.autograd:SoftmaxCrossEntropy",
    torch_reference="reference.autograd_torch:SoftmaxCrossEntropy",
    checks=(
        Check(check_softmax_cross_entropy_forward, points=1),
        Check(check_softmax_cross_entropy_large_logits, points=1),
        Check(check_softmax_cross_entropy_backward, points=2),
        Check(check_softmax_cross_entropy_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "no maximum subtracted",
            "exp(1000) overflows to inf and the cost becomes NaN; subtract each row's largest logit before "
            "exponentiating (softmax does not change when a constant is subtracted from a row).",
            f"{MISTAKES}:CrossEntropyWithoutMaximum",
        ),
        Mistake(
            "1/m missing",
            "the cost is the mean over the m examples, so its gradient carries the factor 1/m too.",
            f"{MISTAKES}:CrossEntropyWithoutMean",
        ),
        Mistake(
            "upstream gradient ignored",
            "backward receives the loss's gradient with respect to C (the upstream gradient, not always 1) and "
            "must multiply its result by it.",
            f"{MISTAKES}:CrossEntropyIgnoresUpstream",
        ),
        Mistake(
            "gradient in the targets' slot",
            "backward returns one value per input of forward, in forward's order: the logits' gradient first, "
            "then None for the targets.",
            f"{MISTAKES}:CrossEntropyGradientInTargetsSlot",
        ),
        Mistake(
            "softmax over the batch",
            "the softmax runs over the k classes of one example (dim=1), not over the examples of the batch (dim=0).",
            f"{MISTAKES}:CrossEntropySoftmaxOverBatch",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (SIGMOID, SOFTMAX_CROSS_ENTROPY)
