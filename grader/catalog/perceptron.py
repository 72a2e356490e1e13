"""Perceptron exercises: output, logic gates, one learning step, learning, separability.

Course notes 1.3.1 and worked examples 2.2.1-2.2.2. Inputs discriminate the
conventions students most often get wrong: net inputs of exactly 0 (integer
weights and patterns), the bias in the first position, non-square data.
"""

from __future__ import annotations

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.perceptron_mistakes"

# -- inputs -------------------------------------------------------------------------


def random_weights_and_patterns(rng: np.random.Generator, n: int = 6, p: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Real-valued weights and patterns: no net input is exactly 0."""
    return rng.normal(size=p + 1), rng.normal(size=(n, p))


def weights_and_patterns_with_ties(rng: np.random.Generator, n: int = 8, p: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Integer-valued weights and patterns where some net inputs are exactly 0.

    At least two patterns lie on the decision boundary, and at least one lies
    on each side of it.
    """
    while True:
        w = rng.integers(-2, 3, size=p + 1).astype(float)
        if not w[1:].any():
            continue
        X = rng.integers(-2, 3, size=(n, p)).astype(float)
        net = w[0] + X @ w[1:]
        if (net == 0).sum() >= 2 and (net > 0).any() and (net < 0).any():
            return w, X


# -- perceptron.predict -----------------------------------------------------------------


def check_predict_worked_example(t: Trial) -> None:
    """'predict' reproduces example 2.2.1: OR with w = [0, 0.5, 0.5]."""
    X = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    w = np.array([0.0, 0.5, 0.5])
    t.expect_close(t.student(w, X), t.reference(w, X), name="predict(w=[0, 0.5, 0.5], X)")


def check_predict_random_patterns(t: Trial) -> None:
    """'predict' gives +1 or -1 by the sign of w . [1, x] (3 inputs, 6 patterns)."""
    w, X = random_weights_and_patterns(t.rng)
    t.expect_close(t.student(w, X), t.reference(w, X), name="predict(w, X)")


def check_predict_on_the_boundary(t: Trial) -> None:
    """'predict' outputs -1 where the net input is exactly 0."""
    w, X = weights_and_patterns_with_ties(t.rng)
    t.expect_close(t.student(w, X), t.reference(w, X), name="predict(w, X) with net inputs of 0")


def check_predict_hidden_patterns(t: Trial) -> None:
    """'predict' is right on new patterns, some on the boundary."""
    for _ in range(2):
        w, X = weights_and_patterns_with_ties(t.rng, n=10, p=3)
        t.expect_close(t.student(w, X), t.reference(w, X), name="predict(w, X)")
    w, X = random_weights_and_patterns(t.rng, n=4, p=5)
    t.expect_close(t.student(w, X), t.reference(w, X), name="predict(w, X)")


PREDICT = Exercise(
    id="perceptron.predict",
    title="Perceptron output",
    notes="1.3.1.1, example 2.2.1",
    student=StudentFunction("perceptron", "predict"),
    reference="reference.perceptron:predict",
    torch_reference="reference.perceptron_torch:predict",
    checks=(
        Check(check_predict_worked_example, points=1),
        Check(check_predict_random_patterns, points=1),
        Check(check_predict_on_the_boundary, points=1),
        Check(check_predict_hidden_patterns, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "np.sign",
            "np.sign(0) is 0, but the perceptron outputs -1 when w . x <= 0; use np.where(net > 0, 1, -1).",
            f"{MISTAKES}:predict_np_sign",
        ),
        Mistake(
            "tie gives +1",
            "a net input of exactly 0 must give -1 (the test is w . x > 0, not w . x >= 0).",
            f"{MISTAKES}:predict_tie_positive",
        ),
        Mistake(
            "bias placed last",
            "the bias is w[0], the weight of the input x0 = 1 placed first: net = w[0] + X @ w[1:].",
            f"{MISTAKES}:predict_bias_last",
        ),
        Mistake(
            "outputs 0/1",
            "this perceptron outputs -1 and +1, not 0 and 1 (0/1 is the step used in the NAND circuits).",
            f"{MISTAKES}:predict_zero_one",
        ),
    ),
)

EXERCISES: tuple[Exercise, ...] = (PREDICT,)
