"""Sigmoid neuron exercises: the NAND adder as perceptrons and as scaled sigmoid neurons, the limit c -> inf.

Course notes 1.3.2 and worked exercise 2.2.3 (figure 8, the binary adder with
carry built from NAND gates). The adder's units use the 0/1 step, not the
-1/+1 perceptron of ``perceptron.py``. Inputs discriminate what students most
often get wrong: every input pair of the truth table (a miswired gate is wrong
on one pair only), several values of c (a c that is ignored or only partly
applied is right at c = 1), net inputs of exactly 0 (integer weights and
patterns) and net inputs that are tiny but not 0 (exact binary fractions, so
their sign is exact).
"""

from __future__ import annotations

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.sigmoid_neurons_mistakes"

BIT_PAIRS: tuple[tuple[int, int], ...] = ((0, 0), (0, 1), (1, 0), (1, 1))
"""every input of the adder, in truth-table order"""

TINY = 2.0**-20
"""a net input that is tiny but not 0 (about 9.5e-7): a power of 2, so integer + TINY is exact"""

# -- inputs -------------------------------------------------------------------------


def random_scale(rng: np.random.Generator, low: float = 0.5, high: float = 8.0) -> float:
    """A factor c for the weights and biases, uniform in (low, high)."""
    return float(rng.uniform(low, high))


def shuffled_bit_pairs(rng: np.random.Generator, repeats: int = 2) -> list[tuple[int, int]]:
    """Every input pair ``repeats`` times, in a random order."""
    pairs = list(BIT_PAIRS) * repeats
    return [pairs[i] for i in rng.permutation(len(pairs))]


def neuron_with_ties(rng: np.random.Generator, n: int = 8, p: int = 3) -> tuple[np.ndarray, float, np.ndarray]:
    """Integer-valued weights w (p,), bias b and patterns X (n, p) where some net inputs are exactly 0.

    At least two patterns lie on the boundary ``w . x + b = 0`` and at least
    one lies on each side of it. All values are float64.
    """
    while True:
        w = rng.integers(-2, 3, size=p).astype(float)
        if not w.any():
            continue
        b = float(rng.integers(-3, 4))
        X = rng.integers(-2, 3, size=(n, p)).astype(float)
        net = X @ w + b
        if (net == 0).sum() >= 2 and (net > 0).any() and (net < 0).any():
            return w, b, X


# -- sigmoid_neurons.adder_perceptrons --------------------------------------------------------


def check_adder_perceptrons_worked_example(t: Trial) -> None:
    """'adder_perceptrons' reproduces the trace of example 2.2.3 for x = (0, 1): sum 1, carry 0."""
    t.expect_close(t.student(0, 1), t.reference(0, 1), name="adder_perceptrons(0, 1)")


# The truth table's rows are judged together (one expectation): a constant or a guess of bits is right
# for some rows by chance.


def check_adder_perceptrons_truth_table(t: Trial) -> None:
    """'adder_perceptrons' adds every pair of bits: 0+0, 0+1, 1+0 and 1+1 (sum and carry, all four right)."""
    with t.all_or_nothing():
        for x1, x2 in BIT_PAIRS:
            t.expect_close(t.student(x1, x2), t.reference(x1, x2), name=f"adder_perceptrons({x1}, {x2})")


def check_adder_perceptrons_hidden_pairs(t: Trial) -> None:
    """'adder_perceptrons' is right on every pair of bits, each twice, in a new order."""
    with t.all_or_nothing():
        for x1, x2 in shuffled_bit_pairs(t.rng):
            t.expect_close(t.student(x1, x2), t.reference(x1, x2), name=f"adder_perceptrons({x1}, {x2})")


ADDER_PERCEPTRONS = Exercise(
    id="sigmoid_neurons.adder_perceptrons",
    input_classes=(),
    float32=False,
    float32_reason="bits in, bits out: there is no floating-point arithmetic to do in float32",
    title="The NAND binary adder with carry, as perceptrons",
    notes="1.3.2, exercise 2.2.3 (figure 8)",
    student=StudentFunction("sigmoid_neurons", "adder_perceptrons"),
    reference="reference.sigmoid_neurons:adder_perceptrons",
    torch_reference="reference.sigmoid_neurons_torch:adder_perceptrons",
    checks=(
        Check(check_adder_perceptrons_worked_example, points=1),
        Check(check_adder_perceptrons_truth_table, points=2),
        Check(check_adder_perceptrons_hidden_pairs, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "sum and carry swapped",
            "return [sum, carry] = [on1, on2]: the sum bit is NAND(in2, in3), the carry bit the unit on in1.",
            f"{MISTAKES}:adder_perceptrons_swapped",
        ),
        Mistake(
            "carry not inverted",
            "in1 = NAND(x1, x2) is NOT (x1 AND x2); the carry is the output unit on in1 "
            "(weight -4, bias 3), which inverts it: carry = x1 AND x2.",
            f"{MISTAKES}:adder_perceptrons_carry_not_inverted",
        ),
        Mistake(
            "in3 miswired",
            "in3 takes x2 and in1: in3 = NAND(x2, in1), not NAND(x1, in1) (that is in2 again).",
            f"{MISTAKES}:adder_perceptrons_in3_miswired",
        ),
        Mistake(
            "outputs -1/+1",
            "the adder's units use the 0/1 step (0 when w . x + b <= 0), not the -1/+1 perceptron of "
            "perceptron.py: a unit's output is the next unit's input bit.",
            f"{MISTAKES}:adder_perceptrons_minus_one_step",
        ),
    ),
)

# -- sigmoid_neurons.adder_sigmoid ------------------------------------------------------------


def check_adder_sigmoid_worked_example(t: Trial) -> None:
    """'adder_sigmoid' reproduces example 2.2.3, x = (0, 1): [0.641, 0.519] at c = 1, [0.981, 0.024] at c = 4."""
    for c in (1.0, 4.0):
        t.expect_close(t.student(0, 1, c), t.reference(0, 1, c), name=f"adder_sigmoid(0, 1, c={c:g})")


def check_adder_sigmoid_random_scale(t: Trial) -> None:
    """'adder_sigmoid' is right on every pair of bits, each with its own c between 0.5 and 8."""
    for x1, x2 in BIT_PAIRS:
        c = random_scale(t.rng)
        t.expect_close(t.student(x1, x2, c), t.reference(x1, x2, c), name=f"adder_sigmoid({x1}, {x2}, c={c:.6g})")


def check_adder_sigmoid_hidden_scales(t: Trial) -> None:
    """'adder_sigmoid' is right on every pair of bits with new values of c, some large."""
    for x1, x2 in shuffled_bit_pairs(t.rng, repeats=1):
        c = random_scale(t.rng)
        t.expect_close(t.student(x1, x2, c), t.reference(x1, x2, c), name=f"adder_sigmoid({x1}, {x2}, c)")
    for i in t.rng.permutation(len(BIT_PAIRS))[:2]:
        x1, x2 = BIT_PAIRS[i]
        c = random_scale(t.rng, 8.0, 40.0)
        t.expect_close(t.student(x1, x2, c), t.reference(x1, x2, c), name=f"adder_sigmoid({x1}, {x2}, c)")


ADDER_SIGMOID = Exercise(
    id="sigmoid_neurons.adder_sigmoid",
    input_classes=(),
    title="The NAND adder as sigmoid neurons scaled by c",
    notes="1.3.2.2, exercise 2.2.3",
    student=StudentFunction("sigmoid_neurons", "adder_sigmoid"),
    reference="reference.sigmoid_neurons:adder_sigmoid",
    torch_reference="reference.sigmoid_neurons_torch:adder_sigmoid",
    checks=(
        Check(check_adder_sigmoid_worked_example, points=1),
        Check(check_adder_sigmoid_random_scale, points=2),
        Check(check_adder_sigmoid_hidden_scales, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "bias not scaled",
            "multiply the bias by c as well as the weights: each unit is sigma(c (w . x + b)), not sigma(c w . x + b).",
            f"{MISTAKES}:adder_sigmoid_bias_not_scaled",
        ),
        Mistake(
            "hidden layer kept as perceptrons",
            "replace every perceptron by a sigmoid neuron, in1, in2 and in3 too: the hidden units pass "
            "sigma(c (w . x + b)), a number between 0 and 1, to the next units, not a 0/1 step.",
            f"{MISTAKES}:adder_sigmoid_hidden_perceptrons",
        ),
        Mistake(
            "sum and carry swapped",
            "return [sum, carry] = [on1, on2]: the sum is the unit on (in2, in3), the carry the unit on in1.",
            f"{MISTAKES}:adder_sigmoid_swapped",
        ),
        Mistake(
            "c ignored",
            "the answer is right only for c = 1: multiply every weight and every bias by c, so each unit "
            "is sigma(c (w . x + b)).",
            f"{MISTAKES}:adder_sigmoid_c_ignored",
        ),
        Mistake(
            "c applied outside the sigmoid",
            "c multiplies the weights and biases, inside the sigmoid: sigma(c (w . x + b)), "
            "not c * sigma(w . x + b).",
            f"{MISTAKES}:adder_sigmoid_c_outside",
        ),
    ),
)

# -- sigmoid_neurons.scaled_limit -------------------------------------------------------------


def check_scaled_limit_nand_gate(t: Trial) -> None:
    """'scaled_limit' of the NAND neuron w = (-2, -2), b = 3, and with b = 2 ((0, 1) and (1, 0) on the boundary)."""
    X = np.array(BIT_PAIRS, dtype=float)
    w = np.array([-2.0, -2.0])
    for b in (3.0, 2.0):
        t.expect_close(t.student(w, b, X), t.reference(w, b, X), name=f"scaled_limit(w=[-2, -2], b={b:g}, X)")


def check_scaled_limit_on_the_boundary(t: Trial) -> None:
    """'scaled_limit' is 0.5 where w . x + b is exactly 0, and 1 or 0 elsewhere (3 inputs, 8 patterns)."""
    w, b, X = neuron_with_ties(t.rng)
    t.expect_close(t.student(w, b, X), t.reference(w, b, X), name="scaled_limit(w, b, X) with net inputs of 0")


def check_scaled_limit_tiny_net_inputs(t: Trial) -> None:
    """'scaled_limit' is 1 or 0, not about 0.5, where w . x + b is tiny but not 0 (+2**-20, then -2**-20)."""
    w, b, X = neuron_with_ties(t.rng, n=6, p=2)
    for shift, sign in ((TINY, "+"), (-TINY, "-")):
        t.expect_close(
            t.student(w, b + shift, X), t.reference(w, b + shift, X), name=f"scaled_limit(w, b {sign} 2**-20, X)"
        )


def check_scaled_limit_hidden_patterns(t: Trial) -> None:
    """'scaled_limit' is right on new neurons, with net inputs of 0 and tiny net inputs."""
    for _ in range(2):
        w, b, X = neuron_with_ties(t.rng, n=10, p=4)
        t.expect_close(t.student(w, b, X), t.reference(w, b, X), name="scaled_limit(w, b, X)")
    # +-2**-20 (2**-30 is lost when a float32 answer rounds b): with p = 3, |b| + sum |w_i x_i| <= 15, so every
    # partial sum of w . x + b is exact in float32 too, whatever the order, and the tiny sign survives
    w, b, X = neuron_with_ties(t.rng, n=7, p=3)
    b += float(t.rng.choice([-1.0, 1.0])) * TINY
    t.expect_close(t.student(w, b, X), t.reference(w, b, X), name="scaled_limit(w, b, X)")


SCALED_LIMIT = Exercise(
    id="sigmoid_neurons.scaled_limit",
    input_classes=("on the boundary: X @ w + b",),
    title="The limit of a sigmoid neuron scaled by c -> infinity",
    notes="exercise 2.2.3 (how the limit fails when w . x + b = 0)",
    student=StudentFunction("sigmoid_neurons", "scaled_limit"),
    reference="reference.sigmoid_neurons:scaled_limit",
    torch_reference="reference.sigmoid_neurons_torch:scaled_limit",
    checks=(
        Check(check_scaled_limit_nand_gate, points=1),
        Check(check_scaled_limit_on_the_boundary, points=1),
        Check(check_scaled_limit_tiny_net_inputs, points=1),
        Check(check_scaled_limit_hidden_patterns, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "tie gives 0",
            "where w . x + b = 0, sigma(c * 0) = sigma(0) = 0.5 for every c, so the limit is 0.5, "
            "not the perceptron's 0.",
            f"{MISTAKES}:scaled_limit_tie_zero",
        ),
        Mistake(
            "tie gives 1",
            "where w . x + b = 0 the limit is sigma(0) = 0.5, not 1: test > 0, < 0 and == 0 separately.",
            f"{MISTAKES}:scaled_limit_tie_one",
        ),
        Mistake(
            "large finite c",
            "sigma(c z) for one large c is not the limit: when z = w . x + b is tiny (say 1e-6), "
            "sigma(1000 z) is still about 0.5. Decide by the sign of z: 1 if z > 0, 0 if z < 0, 0.5 if z = 0.",
            f"{MISTAKES}:scaled_limit_large_finite_c",
        ),
        Mistake(
            "np.sign",
            "np.sign gives -1, 0 and +1; the limit of a sigmoid is 0, 0.5 and 1, that is (np.sign(z) + 1) / 2.",
            f"{MISTAKES}:scaled_limit_np_sign",
        ),
        Mistake(
            "sign flipped",
            "sigma(c z) -> 1 when z = w . x + b > 0 and -> 0 when z < 0, not the other way round.",
            f"{MISTAKES}:scaled_limit_sign_flipped",
        ),
    ),
)

EXERCISES: tuple[Exercise, ...] = (ADDER_PERCEPTRONS, ADDER_SIGMOID, SCALED_LIMIT)
