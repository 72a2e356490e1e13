"""Restricted Boltzmann machine exercises: conditional probabilities with a temperature, sampling
with uniforms and by the notes' threshold, energy, free energy and its gradients, CD-1, CD-k and
the notes' all-sampled CD-1, the reconstruction error, and a short training run.

Course notes 1.4.2 and worked examples 2.3.2-2.3.3. Units are 0/1, ``W`` has
shape ``(n_visible, n_hidden)``, ``b`` is the visible and ``c`` the hidden
bias, a unit is sampled as 1 where ``u < p`` (see ``exercises/rbm.py``).
Inputs discriminate the mistakes students most often make: temperatures
other than 1, nonzero biases, square weights (``H W`` in place of ``H W^T``
runs but is wrong) and non-square ones, uniforms exactly equal to their
probability, probabilities of exactly 0.5 under the threshold rule (integer
weights and zero biases), net inputs near 1000 (a naive softplus
overflows), mini-batches of 4 (a sum is not a mean) and large learning
rates. The training run is also graded by its property: the reconstruction
error of the parameters it returns, computed by the grader, falls at least
half as far as the reference's.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.catalog.attention import array_of_shape, of_shape
from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.rbm_mistakes"

# -- inputs -----------------------------------------------------------------------------------

#: The network of example 2.3.2: two visible units, one hidden unit, w11 = 0.01, w21 = 0.02.
EXAMPLE_232_W = np.array([[0.01], [0.02]])

#: The network of example 2.3.3: w11 = w21 = 1, no biases, eps = 0.1, learning [1, 0].
EXAMPLE_233 = (np.array([[1.0, 0.0]]), np.array([[1.0], [1.0]]), np.zeros(2), np.zeros(1), 0.1)


def binary(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Random 0/1 states (float)."""
    return rng.integers(0, 2, size=shape).astype(float)


def parameters(
    rng: np.random.Generator, n_visible: int, n_hidden: int, *, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W with N(0, scale^2) entries and nonzero biases b, c with N(0, 0.5^2) entries."""
    W = rng.normal(0.0, scale, size=(n_visible, n_hidden))
    return W, rng.normal(0.0, 0.5, size=n_visible), rng.normal(0.0, 0.5, size=n_hidden)


def integer_parameters(
    rng: np.random.Generator, V: np.ndarray, n_hidden: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights in {-1, 0, 1} and zero biases, with some hidden net input of V exactly 0 (p = 0.5)."""
    while True:
        W = rng.integers(-1, 2, size=(V.shape[1], n_hidden)).astype(float)
        if (V @ W == 0).any() and (V @ W > 0).any():
            return W, np.zeros(V.shape[1]), np.zeros(n_hidden)


def uniforms(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Uniforms on [0, 1)."""
    return rng.random(shape)


def toy_data(rng: np.random.Generator, n: int, n_visible: int = 6, *, noise: float = 0.05) -> np.ndarray:
    """Two prototypes (the first and the second half of the units on), each unit flipped with prob. ``noise``."""
    half = n_visible // 2
    prototypes = np.zeros((2, n_visible))
    prototypes[0, :half] = 1.0
    prototypes[1, half:] = 1.0
    V = prototypes[rng.integers(0, 2, size=n)]
    return np.where(rng.random(V.shape) < noise, 1.0 - V, V)


# -- rbm.hidden_probabilities -------------------------------------------------------------------


def check_hidden_probabilities_worked_example(t: Trial) -> None:
    """'hidden_probabilities' of example 2.3.2: v = [1, 0], w = [0.01, 0.02] gives sigmoid(0.01) = 0.502500."""
    V, c = np.array([[1.0, 0.0]]), np.zeros(1)
    t.expect_close(
        t.student(V, EXAMPLE_232_W, c, 1.0),
        t.reference(V, EXAMPLE_232_W, c, 1.0),
        name="hidden_probabilities([[1, 0]], [[0.01], [0.02]], [0], T=1)",
    )


def check_hidden_probabilities_temperature(t: Trial) -> None:
    """'hidden_probabilities' of 4 examples, 5 visible and 3 hidden units, biases, at T = 2.5 and T = 0.5."""
    V = binary(t.rng, 4, 5)
    W, _, c = parameters(t.rng, 5, 3)
    for T in (2.5, 0.5):
        t.expect_close(t.student(V, W, c, T), t.reference(V, W, c, T), name=f"hidden_probabilities(V, W, c, T={T})")


def check_hidden_probabilities_hidden(t: Trial) -> None:
    """'hidden_probabilities' is right on new data, weights and temperatures."""
    V = binary(t.rng, 3, 4)
    W, _, c = parameters(t.rng, 4, 6)
    T = float(t.rng.uniform(0.3, 3.0))
    t.expect_close(t.student(V, W, c, T), t.reference(V, W, c, T), name="hidden_probabilities(V, W, c, T)")
    t.expect_close(t.student(V, W, c), t.reference(V, W, c), name="hidden_probabilities(V, W, c)")


HIDDEN_PROBABILITIES = Exercise(
    id="rbm.hidden_probabilities",
    input_classes=(),
    title="Hidden activation probabilities p(h = 1 | v) with a temperature",
    notes="1.4.2.2, example 2.3.2",
    student=StudentFunction("rbm", "hidden_probabilities"),
    reference="reference.rbm:hidden_probabilities",
    torch_reference="reference.rbm_torch:hidden_probabilities",
    checks=(
        Check(check_hidden_probabilities_worked_example, points=1),
        Check(check_hidden_probabilities_temperature, points=1),
        Check(check_hidden_probabilities_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "sigmoid without the temperature",
            "p(s = 1) = 1 / (1 + exp(-Delta E / T)): divide the energy gap V W + c by T before the sigmoid.",
            f"{MISTAKES}:hidden_probabilities_no_temperature",
        ),
        Mistake(
            "temperature multiplied",
            "the energy gap is DIVIDED by T (a high temperature makes the unit more random, pushing p to 0.5).",
            f"{MISTAKES}:hidden_probabilities_temperature_multiplied",
        ),
        Mistake(
            "hidden bias left out",
            "the energy gap of hidden unit j is sum_i v_i W[i, j] + c_j: add the hidden bias c.",
            f"{MISTAKES}:hidden_probabilities_no_bias",
        ),
        Mistake(
            "sign in the exponent",
            "the sigmoid is 1 / (1 + exp(-x)); 1 / (1 + exp(x)) is 1 - p, the probability of 0.",
            f"{MISTAKES}:hidden_probabilities_exp_sign",
        ),
    ),
)

# -- rbm.visible_probabilities ---------------------------------------------------------------------


def check_visible_probabilities_square_weights(t: Trial) -> None:
    """'visible_probabilities' with 3 visible and 3 hidden units (W square), 4 examples, T = 2."""
    H = binary(t.rng, 4, 3)
    W, b, _ = parameters(t.rng, 3, 3)
    t.expect_close(t.student(H, W, b, 2.0), t.reference(H, W, b, 2.0), name="visible_probabilities(H, W, b, T=2)")


def check_visible_probabilities_non_square(t: Trial) -> None:
    """'visible_probabilities' with 5 visible and 2 hidden units, 4 examples, T = 0.5: the result is (4, 5)."""
    H = binary(t.rng, 4, 2)
    W, b, _ = parameters(t.rng, 5, 2)
    t.expect_close(
        t.student(H, W, b, 0.5), t.reference(H, W, b, 0.5), name="visible_probabilities(H, W, b, T=0.5) with W (5, 2)"
    )


def check_visible_probabilities_hidden(t: Trial) -> None:
    """'visible_probabilities' is right on new states, weights and temperatures."""
    H = binary(t.rng, 5, 4)
    W, b, _ = parameters(t.rng, 6, 4)
    T = float(t.rng.uniform(0.3, 3.0))
    t.expect_close(t.student(H, W, b, T), t.reference(H, W, b, T), name="visible_probabilities(H, W, b, T)")
    t.expect_close(t.student(H, W, b), t.reference(H, W, b), name="visible_probabilities(H, W, b)")


VISIBLE_PROBABILITIES = Exercise(
    id="rbm.visible_probabilities",
    input_classes=(),
    title="Visible activation probabilities p(v = 1 | h) with a temperature",
    notes="1.4.2.2-1.4.2.3",
    student=StudentFunction("rbm", "visible_probabilities"),
    reference="reference.rbm:visible_probabilities",
    torch_reference="reference.rbm_torch:visible_probabilities",
    checks=(
        Check(check_visible_probabilities_square_weights, points=1),
        Check(check_visible_probabilities_non_square, points=1),
        Check(check_visible_probabilities_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "sigmoid without the temperature",
            "p(v_i = 1 | h) = 1 / (1 + exp(-(sum_j W[i, j] h_j + b_i) / T)): divide by T before the sigmoid.",
            f"{MISTAKES}:visible_probabilities_no_temperature",
        ),
        Mistake(
            "W not transposed",
            "W has shape (n_visible, n_hidden), so visible unit i sums over ROW i of W: H @ W.T. H @ W only "
            "runs when W is square, and then uses the wrong weights.",
            f"{MISTAKES}:visible_probabilities_not_transposed",
        ),
        Mistake(
            "visible bias left out",
            "the energy gap of visible unit i is sum_j W[i, j] h_j + b_i: add the visible bias b.",
            f"{MISTAKES}:visible_probabilities_no_bias",
        ),
        Mistake(
            "sign in the exponent",
            "the sigmoid is 1 / (1 + exp(-x)); 1 / (1 + exp(x)) is 1 - p, the probability of 0.",
            f"{MISTAKES}:visible_probabilities_exp_sign",
        ),
    ),
)

# -- rbm.sample_states ----------------------------------------------------------------------------


def probabilities_and_tied_uniforms(rng: np.random.Generator, B: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities (with some exactly 0 and 1) and uniforms, three of them equal to their probability."""
    P = rng.uniform(0.05, 0.95, size=(B, n))
    U = rng.random((B, n))
    cells = rng.choice(B * n, size=5, replace=False)
    P.flat[cells[3]], P.flat[cells[4]] = 0.0, 1.0
    U.flat[cells[:3]] = P.flat[cells[:3]]
    return P, U


def probabilities_with_halves(rng: np.random.Generator, B: int, n: int) -> np.ndarray:
    """Probabilities on both sides of 0.5, three of them exactly 0.5."""
    P = rng.uniform(0.0, 1.0, size=(B, n))
    P.flat[rng.choice(B * n, size=3, replace=False)] = 0.5
    return P


def check_sample_states_uniforms(t: Trial) -> None:
    """'sample_states' gives 1 where u < p (4 x 5 probabilities; three uniforms equal their probability)."""
    P, U = probabilities_and_tied_uniforms(t.rng, 4, 5)
    t.expect_close(t.student(P, U), t.reference(P, U), name="sample_states(P, U)", returns="floats")


def check_sample_states_threshold(t: Trial) -> None:
    """'sample_states' without uniforms uses the notes' rule: 1 where p >= 0.5 (three p are exactly 0.5)."""
    P = probabilities_with_halves(t.rng, 4, 3)
    t.expect_close(t.student(P), t.reference(P), name="sample_states(P) (no uniforms: the threshold rule)", returns="floats")


def check_sample_states_hidden(t: Trial) -> None:
    """'sample_states' is right on new probabilities, with and without uniforms."""
    P, U = probabilities_and_tied_uniforms(t.rng, 3, 6)
    t.expect_close(t.student(P, U), t.reference(P, U), name="sample_states(P, U)", returns="floats")
    P = probabilities_with_halves(t.rng, 5, 2)
    t.expect_close(t.student(P), t.reference(P), name="sample_states(P)", returns="floats")


SAMPLE_STATES = Exercise(
    id="rbm.sample_states",
    input_classes=("on the boundary: U - P", "on the boundary: P - 0.5"),
    title="Sampling binary states with uniforms, or by the threshold rule",
    notes="1.4.2.2 (sampling), example 2.3.3 (threshold rule)",
    student=StudentFunction("rbm", "sample_states"),
    reference="reference.rbm:sample_states",
    torch_reference="reference.rbm_torch:sample_states",
    checks=(
        Check(check_sample_states_uniforms, points=1),
        Check(check_sample_states_threshold, points=1),
        Check(check_sample_states_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "u > p instead of u < p",
            "a unit is 1 where u < p, which happens with probability p; u > p happens with probability 1 - p.",
            f"{MISTAKES}:sample_states_u_greater",
        ),
        Mistake(
            "u <= p instead of u < p",
            "the convention is strict: 1 where u < p, so a uniform exactly equal to p gives 0 (and p = 0 "
            "always gives 0).",
            f"{MISTAKES}:sample_states_u_at_most",
        ),
        Mistake(
            "threshold tie gives 0",
            "the notes' rule (example 2.3.3) gives 1 when p >= 0.5, so p = 0.5 exactly gives 1, not 0.",
            f"{MISTAKES}:sample_states_tie_gives_zero",
        ),
        Mistake(
            "uniforms ignored",
            "when U is given, sample with it (1 where U < P); the threshold rule is only for U = None.",
            f"{MISTAKES}:sample_states_uniforms_ignored",
        ),
    ),
)

# -- rbm.energy -----------------------------------------------------------------------------------------


def check_energy_worked_example(t: Trial) -> None:
    """'energy' of example 2.3.2's network for v = [1, 0] with h = 0 and h = 1 (the energy gap is 0.01)."""
    V, H = np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([[0.0], [1.0]])
    b, c = np.zeros(2), np.zeros(1)
    t.expect_close(
        t.student(V, H, EXAMPLE_232_W, b, c), t.reference(V, H, EXAMPLE_232_W, b, c), name="energy(V, H, W, b=0, c=0)"
    )


def check_energy_batch_of_four(t: Trial) -> None:
    """'energy' of 4 pairs (v, h), 5 visible and 3 hidden units, with biases: one energy per pair."""
    V, H = binary(t.rng, 4, 5), binary(t.rng, 4, 3)
    W, b, c = parameters(t.rng, 5, 3)
    t.expect_close(t.student(V, H, W, b, c), t.reference(V, H, W, b, c), name="energy(V, H, W, b, c)")


def check_energy_hidden(t: Trial) -> None:
    """'energy' is right on new states and parameters."""
    V, H = binary(t.rng, 6, 4), binary(t.rng, 6, 5)
    W, b, c = parameters(t.rng, 4, 5)
    t.expect_close(t.student(V, H, W, b, c), t.reference(V, H, W, b, c), name="energy(V, H, W, b, c)")


ENERGY = Exercise(
    id="rbm.energy",
    input_classes=(),
    title="The energy of a pair (v, h)",
    notes="1.4.2.2, example 2.3.2",
    student=StudentFunction("rbm", "energy"),
    reference="reference.rbm:energy",
    torch_reference="reference.rbm_torch:energy",
    checks=(
        Check(check_energy_worked_example, points=1),
        Check(check_energy_batch_of_four, points=1),
        Check(check_energy_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "wrong sign in the energy",
            "E(v, h) = -v^T W h - b^T v - c^T h: every term has a minus sign, so that p(v, h) ~ exp(-E) "
            "favours units that agree with their weights.",
            f"{MISTAKES}:energy_sign_flipped",
        ),
        Mistake(
            "biases left out",
            "the notes' -sum w_ij v_i h_j has no biases; with biases E also has -b^T v - c^T h.",
            f"{MISTAKES}:energy_no_biases",
        ),
        Mistake(
            "summed over the batch",
            "return one energy per example, shape (B,): sum over the units, not over the rows.",
            f"{MISTAKES}:energy_summed_over_batch",
        ),
        Mistake(
            "Hopfield's 1/2",
            "the Hopfield energy has 1/2 because its double sum counts every pair twice; the RBM's sum over "
            "visible-hidden pairs counts each once: -v^T W h, no 1/2.",
            f"{MISTAKES}:energy_one_half",
        ),
    ),
)

# -- rbm.free_energy ----------------------------------------------------------------------------------


def check_free_energy_batch_of_four(t: Trial) -> None:
    """'free_energy' of 4 visible vectors, 6 visible and 3 hidden units, with biases."""
    V = binary(t.rng, 4, 6)
    W, b, c = parameters(t.rng, 6, 3)
    t.expect_close(t.student(V, W, b, c), t.reference(V, W, b, c), name="free_energy(V, W, b, c)")


def check_free_energy_large_net_inputs(t: Trial) -> None:
    """'free_energy' when hidden net inputs are near +-1000: log(1 + e^x) must not overflow."""
    V = binary(t.rng, 4, 5)
    V[:, 0] = 1.0
    W, b, c = parameters(t.rng, 5, 3, scale=400.0)
    W[0] = np.array([1000.0, -1000.0, 800.0])
    t.expect_close(t.student(V, W, b, c), t.reference(V, W, b, c), name="free_energy(V, W, b, c) with large weights")


def check_free_energy_hidden(t: Trial) -> None:
    """'free_energy' is right on new data and parameters, some large."""
    V = binary(t.rng, 5, 4)
    W, b, c = parameters(t.rng, 4, 6)
    t.expect_close(t.student(V, W, b, c), t.reference(V, W, b, c), name="free_energy(V, W, b, c)")
    W, b, c = parameters(t.rng, 4, 2, scale=500.0)
    t.expect_close(t.student(V, W, b, c), t.reference(V, W, b, c), name="free_energy(V, W, b, c)")


FREE_ENERGY = Exercise(
    id="rbm.free_energy",
    input_classes=(),
    title="The free energy F(v) = -log sum_h exp(-E(v, h))",
    notes="1.4.2.2, 1.4.2.4",
    student=StudentFunction("rbm", "free_energy"),
    reference="reference.rbm:free_energy",
    torch_reference="reference.rbm_torch:free_energy",
    checks=(
        Check(check_free_energy_batch_of_four, points=1),
        Check(check_free_energy_large_net_inputs, points=1),
        Check(check_free_energy_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "free energy without the softplus",
            "summing over h = 0 and h = 1 for each hidden unit gives log(1 + e^x_j) (the softplus), not x_j: "
            "F(v) = -b^T v - sum_j log(1 + exp(c_j + (v W)_j)).",
            f"{MISTAKES}:free_energy_no_softplus",
        ),
        Mistake(
            "softplus overflows",
            "np.log(1 + np.exp(x)) overflows to inf for x above about 709; use np.logaddexp(0, x) "
            "(or max(x, 0) + log1p(exp(-|x|))).",
            f"{MISTAKES}:free_energy_overflow",
        ),
        Mistake(
            "softplus of -x",
            "the softplus is log(1 + e^(+x)) with x = c_j + (v W)_j; the e^(-x) belongs to the sigmoid.",
            f"{MISTAKES}:free_energy_softplus_of_negative",
        ),
        Mistake(
            "visible term sign",
            "F(v) = -b^T v - sum_j softplus(...): the visible term has a minus sign, like the bias term of E.",
            f"{MISTAKES}:free_energy_visible_sign",
        ),
    ),
)

# -- rbm.free_energy_gradients -----------------------------------------------------------------------


def check_free_energy_gradients_batch_of_four(t: Trial) -> None:
    """'free_energy_gradients' of the MEAN free energy of 4 examples, 5 visible and 3 hidden units."""
    V = binary(t.rng, 4, 5)
    W, b, c = parameters(t.rng, 5, 3)
    t.expect_close(t.student(V, W, b, c), t.reference(V, W, b, c), name="free_energy_gradients(V, W, b, c)")


def check_free_energy_gradients_one_example(t: Trial) -> None:
    """'free_energy_gradients' for v = [1, 0] in the network of example 2.3.2, with biases."""
    V = np.array([[1.0, 0.0]])
    b, c = t.rng.normal(0.0, 0.5, size=2), t.rng.normal(0.0, 0.5, size=1)
    t.expect_close(
        t.student(V, EXAMPLE_232_W, b, c), t.reference(V, EXAMPLE_232_W, b, c), name="free_energy_gradients([[1, 0]], W, b, c)"
    )


def check_free_energy_gradients_hidden(t: Trial) -> None:
    """'free_energy_gradients' is right on new data and parameters."""
    V = binary(t.rng, 6, 4)
    W, b, c = parameters(t.rng, 4, 5)
    t.expect_close(t.student(V, W, b, c), t.reference(V, W, b, c), name="free_energy_gradients(V, W, b, c)")


FREE_ENERGY_GRADIENTS = Exercise(
    id="rbm.free_energy_gradients",
    input_classes=(),
    title="Gradients of the free energy by torch autograd",
    notes="1.4.2.4 (the positive phase is -dF/dW)",
    uses_torch=True,
    student=StudentFunction("rbm", "free_energy_gradients"),
    reference="reference.rbm:free_energy_gradients",
    torch_reference="reference.rbm_torch:free_energy_gradients",
    checks=(
        Check(check_free_energy_gradients_batch_of_four, points=1),
        Check(check_free_energy_gradients_one_example, points=1),
        Check(check_free_energy_gradients_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "summed over the batch",
            "differentiate the MEAN free energy over the batch, F(V).mean(), not its sum.",
            f"{MISTAKES}:free_energy_gradients_summed",
        ),
        Mistake(
            "positive phase instead of the gradient",
            "-dF/dW is the positive phase <v h>^0 = V^T p(h | V) / B; the gradient itself has the minus sign.",
            f"{MISTAKES}:free_energy_gradients_positive_phase",
        ),
        Mistake(
            "free energy without the softplus",
            "F(v) = -b^T v - sum_j softplus(c_j + (v W)_j), and the softplus is what brings p(h | v) into "
            "the gradient: use torch.nn.functional.softplus.",
            f"{MISTAKES}:free_energy_gradients_no_softplus",
        ),
    ),
)

# -- rbm.cd1_step ----------------------------------------------------------------------------------------


def check_cd1_step_batch_of_four(t: Trial) -> None:
    """'cd1_step' on a mini-batch of 4, 5 visible and 3 hidden units, with biases, eps = 0.1."""
    V = binary(t.rng, 4, 5)
    W, b, c = parameters(t.rng, 5, 3)
    U_h, U_v = uniforms(t.rng, 4, 3), uniforms(t.rng, 4, 5)
    t.expect_close(
        t.student(V, W, b, c, 0.1, U_h, U_v), t.reference(V, W, b, c, 0.1, U_h, U_v),
        name="cd1_step(V, W, b, c, eps=0.1, U_hidden, U_visible)",
    )


def check_cd1_step_large_eps(t: Trial) -> None:
    """'cd1_step' with eps = 0.5 on 4 examples, 3 visible and 4 hidden units, and on example 2.3.3's network."""
    V = binary(t.rng, 4, 3)
    W, b, c = parameters(t.rng, 3, 4)
    U_h, U_v = uniforms(t.rng, 4, 4), uniforms(t.rng, 4, 3)
    t.expect_close(
        t.student(V, W, b, c, 0.5, U_h, U_v), t.reference(V, W, b, c, 0.5, U_h, U_v),
        name="cd1_step(V, W, b, c, eps=0.5, U_hidden, U_visible)",
    )
    V, W, b, c, eps = EXAMPLE_233
    U_h, U_v = uniforms(t.rng, 1, 1), uniforms(t.rng, 1, 2)
    t.expect_close(
        t.student(V, W, b, c, eps, U_h, U_v), t.reference(V, W, b, c, eps, U_h, U_v),
        name="cd1_step([[1, 0]], [[1], [1]], 0, 0, eps=0.1, U_hidden, U_visible)",
    )


def check_cd1_step_hidden(t: Trial) -> None:
    """'cd1_step' is right on new mini-batches, parameters and uniforms."""
    V = binary(t.rng, 5, 6)
    W, b, c = parameters(t.rng, 6, 2)
    eps = float(t.rng.uniform(0.05, 0.8))
    U_h, U_v = uniforms(t.rng, 5, 2), uniforms(t.rng, 5, 6)
    t.expect_close(t.student(V, W, b, c, eps, U_h, U_v), t.reference(V, W, b, c, eps, U_h, U_v), name="cd1_step(...)")


_CD_MISTAKES = {
    "probabilities": (
        "probabilities instead of samples in CD",
        "the hidden states that drive the reconstruction are SAMPLES, H0 = (U_hidden < p(h | V0)), and so is the "
        "reconstruction, V1 = (U_visible < p(v | H0)); only the statistics use the probabilities p(h | V).",
    ),
    "no_bias_update": (
        "forgot the bias update",
        "the biases learn too: b += eps * mean(V0 - Vk) and c += eps * mean(p(h | V0) - p(h | Vk)).",
    ),
    "negative_phase_from_data": (
        "negative phase from data",
        "the negative statistics <v h>^k pair the RECONSTRUCTION Vk with p(h | Vk): Vk.T @ Qk, not V0.T @ Qk.",
    ),
    "summed": (
        "summed over the mini-batch",
        "average the statistics over the mini-batch: (V0.T @ Q0 - Vk.T @ Qk) / B, and mean(...) for the biases.",
    ),
    "u_greater": (
        "u > p instead of u < p",
        "a unit is 1 where u < p, which happens with probability p; u > p happens with probability 1 - p.",
    ),
}


def _cd_mistakes(function: str, keys: tuple[str, ...]) -> tuple[Mistake, ...]:
    return tuple(Mistake(*_CD_MISTAKES[key], f"{MISTAKES}:{function}_{key}") for key in keys)


CD1_STEP = Exercise(
    id="rbm.cd1_step",
    input_classes=(),
    title="One step of contrastive divergence (CD-1) on a mini-batch",
    notes="1.4.2.4 (contrastive divergence), Hinton's practical guide for the sampling convention",
    student=StudentFunction("rbm", "cd1_step"),
    reference="reference.rbm:cd1_step",
    torch_reference="reference.rbm_torch:cd1_step",
    checks=(
        Check(check_cd1_step_batch_of_four, points=1),
        Check(check_cd1_step_large_eps, points=1),
        Check(check_cd1_step_hidden, points=2, hidden=True),
    ),
    mistakes=_cd_mistakes(
        "cd1_step", ("probabilities", "no_bias_update", "negative_phase_from_data", "summed", "u_greater")
    ),
)

# -- rbm.cd_k ---------------------------------------------------------------------------------------------


def check_cd_k_three_steps(t: Trial) -> None:
    """'cd_k' with k = 3 on a mini-batch of 4, 6 visible and 3 hidden units."""
    V = binary(t.rng, 4, 6)
    W, b, c = parameters(t.rng, 6, 3)
    U_h, U_v = uniforms(t.rng, 3, 4, 3), uniforms(t.rng, 3, 4, 6)
    t.expect_close(
        t.student(V, W, b, c, 0.1, U_h, U_v), t.reference(V, W, b, c, 0.1, U_h, U_v),
        name="cd_k(V, W, b, c, eps=0.1, U_hidden (3, 4, 3), U_visible (3, 4, 6))",
    )


def check_cd_k_one_and_two_steps(t: Trial) -> None:
    """'cd_k' with k = 1 (one CD-1 step) and k = 2, on 4 examples of 4 visible and 2 hidden units."""
    V = binary(t.rng, 4, 4)
    W, b, c = parameters(t.rng, 4, 2)
    for k in (1, 2):
        U_h, U_v = uniforms(t.rng, k, 4, 2), uniforms(t.rng, k, 4, 4)
        t.expect_close(
            t.student(V, W, b, c, 0.3, U_h, U_v), t.reference(V, W, b, c, 0.3, U_h, U_v),
            name=f"cd_k(V, W, b, c, eps=0.3, U_hidden (k={k}), U_visible)",
        )


def check_cd_k_hidden(t: Trial) -> None:
    """'cd_k' is right on new mini-batches and a longer chain."""
    V = binary(t.rng, 5, 5)
    W, b, c = parameters(t.rng, 5, 4)
    U_h, U_v = uniforms(t.rng, 5, 5, 4), uniforms(t.rng, 5, 5, 5)
    t.expect_close(t.student(V, W, b, c, 0.2, U_h, U_v), t.reference(V, W, b, c, 0.2, U_h, U_v), name="cd_k(...)")


CD_K = Exercise(
    id="rbm.cd_k",
    input_classes=(),
    title="CD-k: k steps of Gibbs sampling before the update",
    notes="1.4.2.3-1.4.2.4",
    student=StudentFunction("rbm", "cd_k"),
    reference="reference.rbm:cd_k",
    torch_reference="reference.rbm_torch:cd_k",
    checks=(
        Check(check_cd_k_three_steps, points=1),
        Check(check_cd_k_one_and_two_steps, points=1),
        Check(check_cd_k_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(*_CD_MISTAKES["probabilities"], f"{MISTAKES}:cd_k_probabilities"),
        Mistake(
            "only one step",
            "run k = len(U_hidden) Gibbs steps V0 -> H0 -> V1 -> H1 -> ... -> Vk, with U_hidden[s] and "
            "U_visible[s] in step s; the update uses Vk and p(h | Vk).",
            f"{MISTAKES}:cd_k_one_step",
        ),
        Mistake(
            "chain restarted from the data",
            "each Gibbs step continues from the previous reconstruction: H_s = (U_hidden[s] < p(h | V_s)), "
            "not from p(h | V0).",
            f"{MISTAKES}:cd_k_restarted",
        ),
        Mistake(*_CD_MISTAKES["no_bias_update"], f"{MISTAKES}:cd_k_no_bias_update"),
    ),
)

# -- rbm.cd1_step_all_sampled --------------------------------------------------------------------------------


def check_cd1_step_all_sampled_worked_example(t: Trial) -> None:
    """'cd1_step_all_sampled' reproduces example 2.3.3: learning [1, 0] from w = [1, 1], eps = 0.1, threshold rule."""
    V, W, b, c, eps = EXAMPLE_233
    t.expect_close(
        t.student(V, W, b, c, eps), t.reference(V, W, b, c, eps),
        name="cd1_step_all_sampled([[1, 0]], [[1], [1]], b=0, c=0, eps=0.1, no uniforms)",
    )


def check_cd1_step_all_sampled_threshold_ties(t: Trial) -> None:
    """'cd1_step_all_sampled' by the threshold rule with integer weights: some p are exactly 0.5 (4 examples)."""
    V = binary(t.rng, 4, 5)
    W, b, c = integer_parameters(t.rng, V, 3)
    t.expect_close(t.student(V, W, b, c, 0.2), t.reference(V, W, b, c, 0.2), name="cd1_step_all_sampled(V, W, b, c, eps=0.2)")


def check_cd1_step_all_sampled_uniforms(t: Trial) -> None:
    """'cd1_step_all_sampled' with uniforms on 4 examples, 5 visible and 3 hidden units, with biases."""
    V = binary(t.rng, 4, 5)
    W, b, c = parameters(t.rng, 5, 3)
    U_h, U_v = uniforms(t.rng, 2, 4, 3), uniforms(t.rng, 4, 5)
    t.expect_close(
        t.student(V, W, b, c, 0.1, U_h, U_v), t.reference(V, W, b, c, 0.1, U_h, U_v),
        name="cd1_step_all_sampled(V, W, b, c, eps=0.1, U_hidden, U_visible)",
    )


def check_cd1_step_all_sampled_hidden(t: Trial) -> None:
    """'cd1_step_all_sampled' is right on new data, with uniforms and by the threshold rule."""
    V = binary(t.rng, 5, 4)
    W, b, c = parameters(t.rng, 4, 3)
    U_h, U_v = uniforms(t.rng, 2, 5, 3), uniforms(t.rng, 5, 4)
    t.expect_close(t.student(V, W, b, c, 0.3, U_h, U_v), t.reference(V, W, b, c, 0.3, U_h, U_v), name="cd1_step_all_sampled(...)")
    W, b, c = integer_parameters(t.rng, V, 2)
    t.expect_close(t.student(V, W, b, c, 0.1), t.reference(V, W, b, c, 0.1), name="cd1_step_all_sampled(...)")


CD1_STEP_ALL_SAMPLED = Exercise(
    id="rbm.cd1_step_all_sampled",
    input_classes=(),
    title="The notes' CD-1 with sampled states in every statistic",
    notes="1.4.2.4, example 2.3.3",
    student=StudentFunction("rbm", "cd1_step_all_sampled"),
    reference="reference.rbm:cd1_step_all_sampled",
    torch_reference="reference.rbm_torch:cd1_step_all_sampled",
    checks=(
        Check(check_cd1_step_all_sampled_worked_example, points=1),
        Check(check_cd1_step_all_sampled_threshold_ties, points=1),
        Check(check_cd1_step_all_sampled_uniforms, points=1),
        Check(check_cd1_step_all_sampled_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "probabilities instead of samples in CD",
            "in the notes' version both statistics use SAMPLED hidden states: <v h>^0 = V0.T @ H0 and "
            "<v h>^1 = V1.T @ H1, with H1 sampled from p(h | V1) (example 2.3.3 samples h1 = 1 from p = 0.88).",
            f"{MISTAKES}:cd1_step_all_sampled_probabilities",
        ),
        Mistake(
            "negative phase from data",
            "the negative statistics <v h>^1 pair the RECONSTRUCTION V1 with H1: V1.T @ H1, not V0.T @ H1.",
            f"{MISTAKES}:cd1_step_all_sampled_negative_phase_from_data",
        ),
        Mistake(
            "forgot the bias update",
            "the biases learn too: b += eps * mean(V0 - V1) and c += eps * mean(H0 - H1).",
            f"{MISTAKES}:cd1_step_all_sampled_no_bias_update",
        ),
        Mistake(
            "threshold tie gives 0",
            "the notes' rule gives 1 when p >= 0.5, so a net input of exactly 0 (p = 0.5) gives 1, not 0.",
            f"{MISTAKES}:cd1_step_all_sampled_tie_gives_zero",
        ),
    ),
)

# -- rbm.reconstruction_error -----------------------------------------------------------------------------


def check_reconstruction_error_batch_of_four(t: Trial) -> None:
    """'reconstruction_error' of 4 examples, 5 visible and 3 hidden units, with biases."""
    V = binary(t.rng, 4, 5)
    W, b, c = parameters(t.rng, 5, 3)
    t.expect_close(t.student(V, W, b, c), t.reference(V, W, b, c), name="reconstruction_error(V, W, b, c)")


def check_reconstruction_error_strong_weights(t: Trial) -> None:
    """'reconstruction_error' of 8 examples of two prototypes, 6 visible and 2 hidden units, large weights."""
    V = toy_data(t.rng, 8)
    W, b, c = parameters(t.rng, 6, 2, scale=3.0)
    t.expect_close(t.student(V, W, b, c), t.reference(V, W, b, c), name="reconstruction_error(V, W, b, c)")


def check_reconstruction_error_hidden(t: Trial) -> None:
    """'reconstruction_error' is right on new data and parameters."""
    V = binary(t.rng, 7, 4)
    W, b, c = parameters(t.rng, 4, 3, scale=2.0)
    t.expect_close(t.student(V, W, b, c), t.reference(V, W, b, c), name="reconstruction_error(V, W, b, c)")


RECONSTRUCTION_ERROR = Exercise(
    id="rbm.reconstruction_error",
    input_classes=(),
    title="The reconstruction error of a data set",
    notes="1.4.2.3 (reconstruction)",
    student=StudentFunction("rbm", "reconstruction_error"),
    reference="reference.rbm:reconstruction_error",
    torch_reference="reference.rbm_torch:reconstruction_error",
    checks=(
        Check(check_reconstruction_error_batch_of_four, points=1),
        Check(check_reconstruction_error_strong_weights, points=1),
        Check(check_reconstruction_error_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "summed instead of averaged",
            "the error is the MEAN of (V - R)^2 over all entries (examples and units), not the sum.",
            f"{MISTAKES}:reconstruction_error_summed",
        ),
        Mistake(
            "absolute instead of squared error",
            "square the differences: mean((V - R)^2), not mean(|V - R|).",
            f"{MISTAKES}:reconstruction_error_absolute",
        ),
        Mistake(
            "hidden net inputs instead of probabilities",
            "reconstruct from Q = p(h = 1 | V) = sigmoid(V W + c): apply the sigmoid before going back down.",
            f"{MISTAKES}:reconstruction_error_hidden_net_inputs",
        ),
        Mistake(
            "reconstruction thresholded",
            "compare V with the reconstruction probabilities R = p(v = 1 | Q) themselves, not with R rounded to 0/1.",
            f"{MISTAKES}:reconstruction_error_thresholded",
        ),
    ),
)

# -- rbm.train ----------------------------------------------------------------------------------------------


def _training_run(
    rng: np.random.Generator, n: int, n_visible: int, n_hidden: int, epochs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Toy data of two prototypes, small initial weights, zero biases, and the uniforms of every epoch."""
    V = toy_data(rng, n, n_visible)
    W = rng.normal(0.0, 0.1, size=(n_visible, n_hidden))
    return V, W, np.zeros(n_visible), np.zeros(n_hidden), uniforms(rng, epochs, n, n_hidden), uniforms(rng, epochs, n, n_visible)


def _reconstruction_error(V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """mean((V - R)^2), R = p(v = 1 | Q) with Q = p(h = 1 | V): the error of parameters, computed by the grader."""
    Q = 1.0 / (1.0 + np.exp(-(V @ W + c)))
    R = 1.0 / (1.0 + np.exp(-(Q @ W.T + b)))
    return float(np.mean((V - R) ** 2))


def _expect_error_falls(
    t: Trial, got: Any, want: Any, start: tuple[np.ndarray, np.ndarray, np.ndarray], V: np.ndarray, call: str
) -> None:
    """One expectation on the parameters the student's 'train' returns: they reconstruct V better than
    ``start``, the initial (W, b, c), by at least half of what the reference's training achieves.

    The grader computes both errors itself, from the parameters: errors reported beside them prove
    nothing (any falling list does), and random or untrained parameters do not learn the data.
    """
    shapes = [np.shape(x) for x in start]
    trained = None
    if isinstance(got, (list, tuple)) and len(got) == 4:
        trained = [array_of_shape(x, shape) for x, shape in zip(got[:3], shapes)]
    if trained is None or any(x is None for x in trained):
        shown = "" if t.hidden else " of shapes " + ", ".join(map(str, shapes))
        t.expect(False, f"'{call}' should return (W, b, c, errors) with W, b and c{shown}, so the trained parameters cannot be checked")
        return
    before = _reconstruction_error(V, *start)
    after_reference = _reconstruction_error(V, *(np.asarray(x, dtype=float) for x in want[:3]))
    bar = max(after_reference, (before + after_reference) / 2)
    after = _reconstruction_error(V, *trained)
    if t.hidden:
        message = f"'{call}': the parameters it returns do not reconstruct V much better than the initial ones"
    else:
        message = (
            f"'{call}': the parameters it returns reconstruct V with an error of {after:.4g}; training should "
            f"bring it from {before:.4g} (the initial parameters) to about {after_reference:.4g}, at least below {bar:.4g}"
        )
    t.expect(after <= bar * (1 + 1e-4) + 1e-9, message)


def check_train_short_run(t: Trial) -> None:
    """'train' for 3 epochs on 6 examples in mini-batches of 4 and 2 (5 visible, 3 hidden units, eps = 0.3)."""
    V, W, b, c, U_h, U_v = _training_run(t.rng, 6, 5, 3, 3)
    b, c = t.rng.normal(0.0, 0.5, size=5), t.rng.normal(0.0, 0.5, size=3)
    t.expect_close(
        t.student(V, W, b, c, 0.3, 4, U_h, U_v), t.reference(V, W, b, c, 0.3, 4, U_h, U_v),
        name="train(V, W, b, c, eps=0.3, batch_size=4, U_hidden, U_visible)",
    )


def check_train_error_falls(t: Trial) -> None:
    """'train' for 30 epochs on 8 examples of two prototypes (6 visible, 3 hidden units): the error falls."""
    V, W, b, c, U_h, U_v = _training_run(t.rng, 8, 6, 3, 30)
    call = "train(V, W, b, c, eps=0.5, batch_size=4, U_hidden, U_visible)"
    got, want = t.student(V, W, b, c, 0.5, 4, U_h, U_v), t.reference(V, W, b, c, 0.5, 4, U_h, U_v)
    t.expect_close(got, want, name=call)
    _expect_error_falls(t, got, want, (W, b, c), V, call)


def check_train_hidden(t: Trial) -> None:
    """'train' is right on new data, and its reconstruction error falls."""
    V, W, b, c, U_h, U_v = _training_run(t.rng, 10, 8, 4, 25)
    call = "train(V, W, b, c, eps, batch_size, U_hidden, U_visible)"
    got, want = t.student(V, W, b, c, 0.4, 3, U_h, U_v), t.reference(V, W, b, c, 0.4, 3, U_h, U_v)
    t.expect_close(got, want, name=call)
    _expect_error_falls(t, got, want, (W, b, c), V, call)


TRAIN = Exercise(
    id="rbm.train",
    input_classes=(),
    title="Training an RBM by CD-1 on mini-batches",
    notes="1.4.2.4 (overall algorithm)",
    student=StudentFunction("rbm", "train"),
    reference="reference.rbm:train",
    torch_reference="reference.rbm_torch:train",
    checks=(
        Check(check_train_short_run, points=1),
        Check(check_train_error_falls, points=2),
        Check(check_train_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(*_CD_MISTAKES["probabilities"], f"{MISTAKES}:train_probabilities"),
        Mistake(*_CD_MISTAKES["no_bias_update"], f"{MISTAKES}:train_no_bias_update"),
        Mistake(*_CD_MISTAKES["summed"], f"{MISTAKES}:train_summed"),
        Mistake(
            "update sign flipped",
            "add the update: W += eps (<v h>^0 - <v h>^1). Subtracting it moves the model AWAY from the data, "
            "and the reconstruction error rises.",
            f"{MISTAKES}:train_sign_flipped",
        ),
    ),
)

EXERCISES: tuple[Exercise, ...] = (
    HIDDEN_PROBABILITIES,
    VISIBLE_PROBABILITIES,
    SAMPLE_STATES,
    ENERGY,
    FREE_ENERGY,
    FREE_ENERGY_GRADIENTS,
    CD1_STEP,
    CD_K,
    CD1_STEP_ALL_SAMPLED,
    RECONSTRUCTION_ERROR,
    TRAIN,
)
