"""GANs and WGANs: the discriminator's cost, the generator's minimax and non-saturating costs, the optimal
discriminator on histograms, one alternating GAN training step, the WGAN's losses and training step with
weight clipping, and a critic step with a gradient penalty (an extension the notes do not have).

Course notes 1.10.2.2 (the costs), 1.10.2.3 (the optimal discriminator, whose
derivation is a question of the derivations topic) and 1.10.3.1 (the WGAN).
Conventions are in ``exercises/gans.py``. The notes print the non-saturating
cost without its minus sign (1.10.2.2): the references follow the
mathematics, ``L_G = -1/2 E_z log D(G(z))``, and the slip is a named mistake.

Inputs tell the conventions from the mistakes students make: real and fake
batches of different sizes (one mean over the pooled batch shows, and so do
swapped labels); a discriminator that rejects the fakes with D(G(z)) about
0.001 (where the minimax gradient vanishes and the non-saturating one does
not); histograms with different totals (raw counts compared show) and bins
empty in both (the 1/2 asked there shows); critic scores of both signs and
up to +-6 (a sigmoid on them shows); critic weights beyond c before and
after an update, and generator weights beyond c (clipping before the
update, or the generator's weights, shows); the notes' clipping example
with c = 5 (14 and 16 become 5, -4.2 stays).

The training steps are checked through scripts (:mod:`grader.object_scripts`):
the grader builds small networks in the student's child (a generator with a
sigmoid hidden layer and a linear output; a discriminator with a sigmoid
output; a critic with a linear output), loads weights drawn here, calls the
student's step and reads every parameter back. The expected values come from
the NumPy references, which backpropagate by hand (:mod:`reference.gans`).
Every input is a float32 number and the networks compute in float32,
torch's default, so answers are compared at float32 tolerances.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.compare import TOLERANCES
from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.module_checks import array_tolerances
from grader.object_scripts import function, load, network, obj, state
from grader.trial import Trial

MISTAKES = "reference.gans_mistakes"


def representable(values: Any) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def number(value: float) -> float:
    """A float32 number as a Python float."""
    return float(np.float32(value))


def probabilities(rng: np.random.Generator, size: int, low: float = 0.05, high: float = 0.95) -> np.ndarray:
    return representable(rng.uniform(low, high, size=size))


def float32(arrays: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """The arrays as float32 arrays (their values are float32 numbers already): the docstrings accept float32."""
    return tuple(np.asarray(array, dtype=np.float32) for array in arrays)


def two_sizes(rng: np.random.Generator) -> tuple[int, int]:
    """Two different batch sizes from 3 to 8: a mean over the pooled batch is not the two means' average."""
    m = int(rng.integers(3, 9))
    n = int(rng.choice([size for size in range(3, 9) if size != m]))
    return m, n


# -- gans.discriminator_cost -------------------------------------------------------------------


def _discriminator_costs(t: Trial, cases: list[tuple[np.ndarray, np.ndarray]], show: bool) -> None:
    for d_real, d_fake in cases:
        label = (f"discriminator_cost({np.asarray(d_real).tolist()}, {np.asarray(d_fake).tolist()})" if show
                 else f"discriminator_cost(d_real of {len(d_real)}, d_fake of {len(d_fake)})")
        t.expect_close(t.student(d_real, d_fake), t.reference(d_real, d_fake), name=label)


def random_discriminator_outputs(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    m, n = two_sizes(rng)
    return probabilities(rng, m), probabilities(rng, n)


def check_discriminator_cost_worked_example(t: Trial) -> None:
    """'discriminator_cost' on the docstring's example, D(x) [0.8, 0.5] and D(G(z)) [0.2], and on batches of 3 and 2."""
    _discriminator_costs(t, [([0.8, 0.5], [0.2]), (representable([0.9, 0.6, 0.7]), representable([0.1, 0.3]))], show=True)


def check_discriminator_cost_random(t: Trial) -> None:
    """'discriminator_cost' on three pairs of batches of different sizes, D in [0.05, 0.95], one pair as float32 arrays."""
    cases = [random_discriminator_outputs(t.rng) for _ in range(3)]
    _discriminator_costs(t, [float32(cases[0])] + cases[1:], show=False)


def check_discriminator_cost_hidden(t: Trial) -> None:
    """'discriminator_cost' on new batches of different sizes."""
    _discriminator_costs(t, [random_discriminator_outputs(t.rng) for _ in range(3)], show=False)


DISCRIMINATOR_COST = Exercise(
    id="gans.discriminator_cost",
    title="The discriminator's cost, with the notes' 1/2 factors",
    notes="1.10.2.2 (discriminator's cost function)",
    input_classes=("list input", "float32 input"),
    uses_torch=True,
    student=StudentFunction("gans", "discriminator_cost"),
    reference="reference.gans:discriminator_cost",
    torch_reference="reference.gans_torch:discriminator_cost",
    checks=(
        Check(check_discriminator_cost_worked_example, points=1),
        Check(check_discriminator_cost_random, points=2),
        Check(check_discriminator_cost_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "real and fake labels swapped",
            "D(x) is the probability that x is REAL: the real examples contribute log D(x) and the generated ones "
            "log(1 - D(G(z))), not the other way round.",
            f"{MISTAKES}:discriminator_cost_labels_swapped",
        ),
        Mistake(
            "1/2 factors left out",
            "the notes weight each cross-entropy by 1/2 (half the examples are real, half generated): "
            "L_D = -1/2 E[log D(x)] - 1/2 E[log(1 - D(G(z)))]; torch's two binary cross-entropies added are twice that.",
            f"{MISTAKES}:discriminator_cost_no_half",
        ),
        Mistake(
            "one mean over the pooled batch",
            "each expectation is the mean over its OWN batch, and each gets 1/2: with m real and n generated examples "
            "of different sizes, one mean over all m + n terms weights the larger batch more.",
            f"{MISTAKES}:discriminator_cost_pooled_mean",
        ),
        Mistake(
            "V instead of L_D",
            "the discriminator's cost is the one it MINIMISES, a cross-entropy, which is never negative; the value "
            "V = -L_D is what it maximises.",
            f"{MISTAKES}:discriminator_cost_value_function",
        ),
    ),
)


# -- gans.generator_cost -----------------------------------------------------------------------


FORMS = ("minimax", "non_saturating")


def _generator_costs(t: Trial, cases: list[tuple[np.ndarray, np.ndarray]], show: bool, what: str = "") -> None:
    for d_real, d_fake in cases:
        for form in FORMS:
            args = (d_real, d_fake, form)
            label = (f"generator_cost({np.asarray(d_real).tolist()}, {np.asarray(d_fake).tolist()}, {form!r})" if show
                     else f"generator_cost(d_real of {len(d_real)}, d_fake of {len(d_fake)}{what}, {form!r})")
            t.expect_close(t.student(*args), t.reference(*args), name=label)


def check_generator_cost_worked_example(t: Trial) -> None:
    """'generator_cost' on the docstring's example, D(x) [0.8, 0.5] and D(G(z)) [0.2, 0.6], both forms."""
    _generator_costs(t, [([0.8, 0.5], [0.2, 0.6])], show=True)


def check_generator_cost_rejected_fakes(t: Trial) -> None:
    """'generator_cost' when the discriminator rejects the fakes (D(G(z)) about 0.001): the minimax gradient nearly vanishes, the non-saturating one does not."""
    m, n = two_sizes(t.rng)
    cases = [(probabilities(t.rng, m, 0.9, 0.99), representable(t.rng.uniform(5e-4, 3e-3, size=n)))]
    _generator_costs(t, cases, show=False, what=" near 0.001")


def check_generator_cost_random(t: Trial) -> None:
    """'generator_cost' on two pairs of batches of different sizes, D in [0.05, 0.95], both forms, one pair as float32 arrays."""
    _generator_costs(t, [float32(random_discriminator_outputs(t.rng)), random_discriminator_outputs(t.rng)], show=False)


def check_generator_cost_hidden(t: Trial) -> None:
    """'generator_cost' on new batches, some with fakes the discriminator rejects, both forms."""
    m, n = two_sizes(t.rng)
    cases = [random_discriminator_outputs(t.rng), (probabilities(t.rng, m, 0.9, 0.99), representable(t.rng.uniform(5e-4, 3e-3, size=n)))]
    _generator_costs(t, cases, show=False)


GENERATOR_COST = Exercise(
    id="gans.generator_cost",
    title="The generator's minimax and non-saturating costs, and their gradients at the discriminator's logits",
    notes="1.10.2.2 (generator's cost function: zero-sum and non-saturating games)",
    input_classes=("list input", "float32 input"),
    uses_torch=True,
    student=StudentFunction("gans", "generator_cost"),
    reference="reference.gans:generator_cost",
    torch_reference="reference.gans_torch:generator_cost",
    checks=(
        Check(check_generator_cost_worked_example, points=1),
        Check(check_generator_cost_rejected_fakes, points=2),
        Check(check_generator_cost_random, points=1),
        Check(check_generator_cost_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "the notes' sign slip in the non-saturating cost",
            "the notes print the non-saturating cost as +1/2 E log D(G(z)), a slip: minimising that would make "
            "the generator push D(G(z)) DOWN, helping the discriminator. The generator wants D(G(z)) near 1, so "
            "its cost must fall as log D(G(z)) rises; check the sign your cost takes for D(G(z)) near 1 and near 0.",
            f"{MISTAKES}:generator_cost_sign_slip",
        ),
        Mistake(
            "gradient through log(1 - D)",
            "for the non-saturating form, differentiate the non-saturating cost itself, not the minimax one: the "
            "gradient of log(1 - D(G(z))) vanishes where the discriminator rejects the fakes (D near 0), which is "
            "what the non-saturating form avoids.",
            f"{MISTAKES}:generator_cost_gradient_through_log_one_minus_d",
        ),
        Mistake(
            "gradient with respect to D instead of the logit",
            "the gradient asked is with respect to the discriminator's logit a, where D = sigmoid(a): multiply the "
            "derivative with respect to D by dD/da = D (1 - D).",
            f"{MISTAKES}:generator_cost_gradient_with_respect_to_d",
        ),
        Mistake(
            "real term left out of the minimax cost",
            "the notes' zero-sum cost is L_G = -L_D, both of its terms: 1/2 E log D(x) as well as "
            "1/2 E log(1 - D(G(z))). The real term has no gradient with respect to the generator, but it is part "
            "of the cost's value.",
            f"{MISTAKES}:generator_cost_real_term_dropped",
        ),
    ),
)


# -- gans.optimal_discriminator -----------------------------------------------------------------

HISTOGRAM_EDGES = np.linspace(-6.0, 6.0, 13)
"""Twelve bins of width 1 from -6 to 6; the outermost ones are left empty in both histograms."""


def histograms(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Counts of a real and a generated sample (different Gaussians, different sizes) over the same bins.

    Both histograms' outermost bins are empty, so every case has bins where
    both are 0; the totals differ by a factor of 2 to 4.
    """
    real = rng.normal(rng.uniform(-1.5, 1.5), rng.uniform(0.7, 1.5), size=int(rng.integers(150, 250)))
    fake = rng.normal(rng.uniform(-1.5, 1.5), rng.uniform(0.7, 1.5), size=int(rng.integers(40, 70)))
    counts = [np.histogram(sample, bins=HISTOGRAM_EDGES)[0].astype(np.int64) for sample in (real, fake)]
    for count in counts:
        count[0] = count[-1] = 0
    return counts[0], counts[1]


def _optimal(t: Trial, cases: list[tuple[np.ndarray, np.ndarray]], show: bool) -> None:
    for data, generated in cases:
        label = (f"optimal_discriminator({np.asarray(data).tolist()}, {np.asarray(generated).tolist()})" if show
                 else f"optimal_discriminator(histograms of {np.sum(data)} and {np.sum(generated)} samples over {len(data)} bins)")
        t.expect_close(t.student(data, generated), t.reference(data, generated), name=label)


def check_optimal_discriminator_worked_example(t: Trial) -> None:
    """'optimal_discriminator' on the docstring's example, counts [3, 1, 0, 0] and [1, 1, 2, 0], and on two histograms of the same shape."""
    _optimal(t, [([3, 1, 0, 0], [1, 1, 2, 0]), (np.array([2, 4, 6]), np.array([1, 2, 3]))], show=True)


def check_optimal_discriminator_histograms(t: Trial) -> None:
    """'optimal_discriminator' of two samples' histograms over 12 bins: different totals, bins empty in one or both."""
    _optimal(t, [histograms(t.rng) for _ in range(2)], show=False)


def check_optimal_discriminator_hidden(t: Trial) -> None:
    """'optimal_discriminator' of new histograms."""
    _optimal(t, [histograms(t.rng) for _ in range(2)], show=False)


OPTIMAL_DISCRIMINATOR = Exercise(
    id="gans.optimal_discriminator",
    title="The optimal discriminator, numerically on histograms",
    notes="1.10.2.2-1.10.2.3 (the game's optimum; its derivation is derivations.optimal_discriminator)",
    input_classes=("integer dtype", "list input", "on the boundary: data_counts + generated_counts"),
    uses_torch=True,
    student=StudentFunction("gans", "optimal_discriminator"),
    reference="reference.gans:optimal_discriminator",
    torch_reference="reference.gans_torch:optimal_discriminator",
    checks=(
        Check(check_optimal_discriminator_worked_example, points=1),
        Check(check_optimal_discriminator_histograms, points=2),
        Check(check_optimal_discriminator_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "counts not normalised",
            "p_data and p_g are densities: divide each histogram by its own total first. The two samples have "
            "different sizes, so raw counts compare the sizes as well as the densities.",
            f"{MISTAKES}:optimal_discriminator_counts_not_normalised",
        ),
        Mistake(
            "real and fake swapped",
            "D(x) is the probability that x is REAL: it grows with p_data, so p_data goes in the numerator.",
            f"{MISTAKES}:optimal_discriminator_swapped",
        ),
        Mistake(
            "0/0 left as NaN",
            "where both histograms are empty the ratio is 0/0: return 1/2 there, as the docstring asks (the value "
            "where p_data = p_g), not NaN.",
            f"{MISTAKES}:optimal_discriminator_empty_bins_nan",
        ),
        Mistake(
            "0 where both are empty",
            "where both histograms are empty return 1/2, as the docstring asks (the value where p_data = p_g), not 0: "
            "nothing says a sample there is fake.",
            f"{MISTAKES}:optimal_discriminator_empty_bins_zero",
        ),
    ),
)


# -- gans.wgan_losses ---------------------------------------------------------------------------


def _wgan_losses(t: Trial, cases: list[tuple[np.ndarray, np.ndarray]], show: bool) -> None:
    for f_real, f_fake in cases:
        label = (f"wgan_losses({np.asarray(f_real).tolist()}, {np.asarray(f_fake).tolist()})" if show
                 else f"wgan_losses(f_real of {len(f_real)}, f_fake of {len(f_fake)})")
        t.expect_close(t.student(f_real, f_fake), t.reference(f_real, f_fake), name=label)


def scores(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Critic scores of both signs, up to about +-6, for batches of different sizes."""
    m, n = two_sizes(rng)
    return representable(rng.normal(rng.uniform(-3, 3), 2.0, size=m)), representable(rng.normal(rng.uniform(-3, 3), 2.0, size=n))


def check_wgan_losses_worked_example(t: Trial) -> None:
    """'wgan_losses' on the docstring's examples: scores [2, 4] and [-1, 0, 1]; [1.5] and [3, -0.5]."""
    _wgan_losses(t, [([2.0, 4.0], [-1.0, 0.0, 1.0]), (np.array([1.5]), np.array([3.0, -0.5]))], show=True)


def check_wgan_losses_random(t: Trial) -> None:
    """'wgan_losses' on three pairs of score batches of different sizes, scores of both signs, one pair as float32 arrays."""
    _wgan_losses(t, [float32(scores(t.rng))] + [scores(t.rng) for _ in range(2)], show=False)


def check_wgan_losses_hidden(t: Trial) -> None:
    """'wgan_losses' on new score batches."""
    _wgan_losses(t, [scores(t.rng) for _ in range(3)], show=False)


WGAN_LOSSES = Exercise(
    id="gans.wgan_losses",
    title="The WGAN's critic and generator losses, on the critic's linear scores",
    notes="1.10.3.1 (discriminator and generator training under the Lipschitz assumption)",
    input_classes=("list input", "float32 input"),
    uses_torch=True,
    student=StudentFunction("gans", "wgan_losses"),
    reference="reference.gans:wgan_losses",
    torch_reference="reference.gans_torch:wgan_losses",
    checks=(
        Check(check_wgan_losses_worked_example, points=1),
        Check(check_wgan_losses_random, points=2),
        Check(check_wgan_losses_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "a sigmoid on the critic",
            "a WGAN's critic has a LINEAR last layer: its scores are any real numbers, not probabilities. Average "
            "the scores as they are.",
            f"{MISTAKES}:wgan_losses_sigmoid_on_the_critic",
        ),
        Mistake(
            "critic's sign",
            "the critic MAXIMISES E[f(x)] - E[f(G(z))]; the loss it minimises is the negative of that.",
            f"{MISTAKES}:wgan_losses_critic_sign",
        ),
        Mistake(
            "generator's sign",
            "the generator wants the critic to score its samples HIGH: it minimises -E[f(G(z))].",
            f"{MISTAKES}:wgan_losses_generator_sign",
        ),
    ),
)


# -- the training steps: networks and scripts ---------------------------------------------------


def parameters(rng: np.random.Generator, sizes: list[int], weights: tuple[float, float] = (0.0, 1.0)) -> dict[str, np.ndarray]:
    """An MLP's parameters by name (``layers.i.weight`` of shape (n_out, n_in)), float32: weights N(mean, sd), biases U(-1, 1)."""
    values = {}
    for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        values[f"layers.{index}.weight"] = rng.normal(weights[0], weights[1], size=(n_out, n_in)).astype(np.float32)
        values[f"layers.{index}.bias"] = rng.uniform(-1.0, 1.0, size=n_out).astype(np.float32)
    return values


def uniform_parameters(rng: np.random.Generator, sizes: list[int], bound: float) -> dict[str, np.ndarray]:
    """An MLP's parameters by name, float32, every entry uniform in [-bound, bound]."""
    values = {}
    for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        values[f"layers.{index}.weight"] = rng.uniform(-bound, bound, size=(n_out, n_in)).astype(np.float32)
        values[f"layers.{index}.bias"] = rng.uniform(-bound, bound, size=n_out).astype(np.float32)
    return values


def gaussian_data(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Samples of a 1-D Gaussian with a mean in [1, 3] and a standard deviation in [0.5, 1.5], float32."""
    return rng.normal(rng.uniform(1.0, 3.0), rng.uniform(0.5, 1.5), size=shape).astype(np.float32)


def noise(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.normal(0.0, 1.0, size=shape).astype(np.float32)


def _float32_close(t: Trial, got: Any, expected: Any, name: str) -> bool:
    """A value computed from float32 tensors: float32's tolerances (costs), scaled to the array (parameters)."""
    if isinstance(expected, dict):
        ok = True
        have = got if isinstance(got, dict) else {}
        for key, value in expected.items():
            ok = t.expect_close(have.get(key), value, name=f"{name} '{key}'", **array_tolerances(have.get(key), value)) and ok
        return ok
    rtol, atol = TOLERANCES["float32"]
    return t.expect_close(got, expected, name=name, rtol=rtol, atol=atol)


def _run_steps(t: Trial, builds: list[dict[str, Any]], calls: list[tuple[Any, ...]], names: tuple[str, str],
               function_name: str) -> None:
    """Build and load two networks, call the student's step once per entry of ``calls``; after each call the
    returned value and every parameter of both networks are compared with the reference's."""
    steps = list(builds)
    for args in calls:
        steps += [function(obj(0), obj(1), *args), state(0), state(1)]
    got, want = t.student(steps), t.reference(steps)
    start = len(builds)
    for index in range(len(calls)):
        when = f"step {index + 1}" if len(calls) > 1 else "the step"
        at = start + 3 * index
        _float32_close(t, got[at]["value"], want[at]["value"], f"what {function_name} returned at {when}")
        _float32_close(t, got[at + 1], want[at + 1], f"the {names[0]}'s parameter after {when}:")
        _float32_close(t, got[at + 2], want[at + 2], f"the {names[1]}'s parameter after {when}:")


# -- gans.gan_step ------------------------------------------------------------------------------


def _gan_steps(t: Trial, noise_size: int, generator_hidden: int, discriminator_hidden: int, m: int, count: int) -> None:
    generator_sizes, discriminator_sizes = [noise_size, generator_hidden, 1], [1, discriminator_hidden, 1]
    builds = [
        network(generator_sizes, activation="sigmoid", logits=True),
        network(discriminator_sizes, activation="sigmoid", logits=False),
        load(parameters(t.rng, generator_sizes), of=0),
        load(parameters(t.rng, discriminator_sizes), of=1),
    ]
    calls = [(gaussian_data(t.rng, (m, 1)), noise(t.rng, (m, noise_size)), number(t.rng.uniform(0.2, 1.0)))
             for _ in range(count)]
    _run_steps(t, builds, calls, ("generator", "discriminator"), "gan_step")


#: A discriminator that tells the data (near 1 to 3) from samples near 0 with confidence: D(2) is about 0.99,
#: D(0) about 0.01. There the minimax generator's gradient nearly vanishes and the non-saturating one does not.
CONFIDENT_DISCRIMINATOR = {
    "layers.0.weight": np.array([[4.0], [4.0], [4.0]], dtype=np.float32),
    "layers.0.bias": np.array([-4.0, -4.0, -4.0], dtype=np.float32),
    "layers.1.weight": np.array([[3.0, 3.0, 3.0]], dtype=np.float32),
    "layers.1.bias": np.array([-4.5], dtype=np.float32),
}


def check_gan_step_confident_discriminator(t: Trial) -> None:
    """'gan_step' against a discriminator that rejects the generator's samples (D(G(z)) about 0.01): the generator must still move."""
    generator = {name: (0.3 * value).astype(np.float32) for name, value in parameters(t.rng, [2, 3, 1]).items()}
    builds = [
        network([2, 3, 1], activation="sigmoid", logits=True),
        network([1, 3, 1], activation="sigmoid", logits=False),
        load(generator, of=0),
        load(CONFIDENT_DISCRIMINATOR, of=1),
    ]
    calls = [(gaussian_data(t.rng, (6, 1)), noise(t.rng, (6, 2)), 0.5)]
    _run_steps(t, builds, calls, ("generator", "discriminator"), "gan_step")


def check_gan_step_one_step(t: Trial) -> None:
    """One 'gan_step' (noise of 2, generator 2-4-1, discriminator 1-5-1, 6 examples): the costs returned and every parameter after."""
    _gan_steps(t, 2, 4, 5, 6, 1)


def check_gan_step_two_steps(t: Trial) -> None:
    """Two 'gan_step's in a row on new batches: each step uses only its own gradients."""
    _gan_steps(t, 3, 3, 4, 5, 2)


def check_gan_step_hidden(t: Trial) -> None:
    """Two steps on new networks and batches."""
    _gan_steps(t, 2, 5, 3, 7, 2)


GAN_STEP = Exercise(
    id="gans.gan_step",
    title="One alternating GAN training step in torch: the discriminator's, then the generator's",
    notes="1.10.2.2 (GANs training; discriminator's and generator's cost functions)",
    input_classes=("float32 input",),
    uses_torch=True,
    student=StudentFunction("gans", "gan_step", scripted=True),
    reference="reference.gans:gan_step",
    torch_reference="reference.gans_torch:gan_step",
    checks=(
        Check(check_gan_step_one_step, points=2),
        Check(check_gan_step_two_steps, points=2),
        Check(check_gan_step_confident_discriminator, points=1),
        Check(check_gan_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "generator trained through log(1 - D)",
            "the step asks for the NON-SATURATING generator cost, a cross-entropy that treats the fakes as real; "
            "minimising log(1 - D(G(z))) is the minimax form, whose gradient vanishes when the discriminator "
            "rejects the fakes.",
            f"{MISTAKES}:gan_step_generator_through_log_one_minus_d",
        ),
        Mistake(
            "the notes' sign slip in the non-saturating cost",
            "the notes print the non-saturating cost as +1/2 E log D(G(z)), a slip: minimising that pushes D(G(z)) "
            "down, so the generator helps the discriminator. The generator wants D(G(z)) near 1: its cost must "
            "fall as D(G(z)) rises.",
            f"{MISTAKES}:gan_step_sign_slip",
        ),
        Mistake(
            "real and fake labels swapped",
            "the discriminator learns D(x) = 1 for the REAL examples and 0 for the generated ones: the target of "
            "D(x_real) is 1 and that of D(G(z)) is 0.",
            f"{MISTAKES}:gan_step_labels_swapped",
        ),
        Mistake(
            "1/2 factors left out",
            "the notes' costs weight each cross-entropy by 1/2: torch's F.binary_cross_entropy is a mean, so halve "
            "each term (the two terms of L_D and the generator's one); without the 1/2 each step is twice as long.",
            f"{MISTAKES}:gan_step_no_half",
        ),
        Mistake(
            "generator stepped against the old discriminator",
            "the steps alternate: the generator's cost is computed through the discriminator AFTER its update, "
            "so compute it anew once the discriminator has stepped.",
            f"{MISTAKES}:gan_step_old_discriminator",
        ),
        Mistake(
            "fakes not detached in the discriminator's step",
            "the discriminator's cost backpropagates into the generator unless G(z) is detached there, and "
            "backward() adds to .grad: the generator then also steps along the discriminator's gradient. Detach "
            "the fakes in the discriminator's step and zero the generator's gradients before its own.",
            f"{MISTAKES}:gan_step_fakes_not_detached",
        ),
    ),
)


# -- gans.wgan_step ----------------------------------------------------------------------------

#: The notes' clipping example (1.10.3.1): with c = 5, weights 14 and 16 are clipped to 5 and -4.2 stays.
NOTES_CRITIC = {
    "layers.0.weight": np.array([[14.0], [16.0], [-4.2]], dtype=np.float32),
    "layers.0.bias": np.array([0.5, -1.0, 2.0], dtype=np.float32),
    "layers.1.weight": np.array([[1.5, -2.0, 0.7]], dtype=np.float32),
    "layers.1.bias": np.array([0.3], dtype=np.float32),
}
NOTES_GENERATOR = {
    "layers.0.weight": np.array([[7.0], [-6.0]], dtype=np.float32),
    "layers.0.bias": np.array([0.5, -0.5], dtype=np.float32),
    "layers.1.weight": np.array([[2.0, 6.5]], dtype=np.float32),
    "layers.1.bias": np.array([1.0], dtype=np.float32),
}


def _wgan_steps(t: Trial, generator: dict[str, np.ndarray], critic: dict[str, np.ndarray], n_critic: int, m: int,
                lr: float, c: float, count: int) -> None:
    generator_sizes = [generator["layers.0.weight"].shape[1], generator["layers.0.weight"].shape[0], 1]
    critic_sizes = [1, critic["layers.0.weight"].shape[0], 1]
    builds = [
        network(critic_sizes, activation="sigmoid", logits=True),
        network(generator_sizes, activation="sigmoid", logits=True),
        load(critic, of=0),
        load(generator, of=1),
    ]
    calls = [(gaussian_data(t.rng, (n_critic, m, 1)), noise(t.rng, (n_critic + 1, m, generator_sizes[0])), lr, c)
             for _ in range(count)]
    _run_steps(t, builds, calls, ("critic", "generator"), "wgan_step")


def check_wgan_step_notes_example(t: Trial) -> None:
    """'wgan_step' with the notes' c = 5 on a critic whose weights 14 and 16 must end at 5 and -4.2 stays (2 critic updates, lr 0.05)."""
    _wgan_steps(t, NOTES_GENERATOR, NOTES_CRITIC, 2, 4, 0.05, 5.0, 1)


def check_wgan_step_random(t: Trial) -> None:
    """'wgan_step' with c = 0.3, 3 critic updates of a 1-5-1 critic and a 2-4-1 generator, weights beyond c, twice in a row."""
    critic = uniform_parameters(t.rng, [1, 5, 1], 0.6)
    _wgan_steps(t, parameters(t.rng, [2, 4, 1]), critic, 3, 5, number(t.rng.uniform(0.1, 0.3)), 0.3, 2)


def check_wgan_step_hidden(t: Trial) -> None:
    """'wgan_step' on new networks, batches, rate and c."""
    c = number(t.rng.uniform(0.2, 0.5))
    critic = uniform_parameters(t.rng, [1, 4, 1], 2 * c)
    _wgan_steps(t, parameters(t.rng, [3, 3, 1]), critic, 2, 6, number(t.rng.uniform(0.1, 0.3)), c, 1)


WGAN_STEP = Exercise(
    id="gans.wgan_step",
    title="A WGAN training step in torch: critic updates with weight clipping, then the generator's",
    notes="1.10.3.1 (clipping in [-c, c], the critic's linear output); 1.10.3.2 (more critic updates)",
    input_classes=("float32 input",),
    uses_torch=True,
    student=StudentFunction("gans", "wgan_step", scripted=True),
    reference="reference.gans:wgan_step",
    torch_reference="reference.gans_torch:wgan_step",
    checks=(
        Check(check_wgan_step_notes_example, points=1),
        Check(check_wgan_step_random, points=2),
        Check(check_wgan_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "a sigmoid on the critic",
            "a WGAN's critic has a LINEAR last layer (notes 1.10.3.1): use its scores as they are, with no sigmoid "
            "and no log, in both losses.",
            f"{MISTAKES}:wgan_step_sigmoid_on_the_critic",
        ),
        Mistake(
            "generator's weights clipped",
            "only the critic's parameters are clipped, to keep the critic Lipschitz; the generator's are left as "
            "its update makes them.",
            f"{MISTAKES}:wgan_step_generator_clipped",
        ),
        Mistake(
            "clipped before the update",
            "clip the critic's parameters AFTER each update (the notes: every time they are updated, they are "
            "clipped); clipping first lets the update carry them out of [-c, c].",
            f"{MISTAKES}:wgan_step_clipped_before_the_update",
        ),
        Mistake(
            "critic's sign",
            "the critic MAXIMISES E[f(x)] - E[f(G(z))]: a descent step minimises the negative, "
            "E[f(G(z))] - E[f(x)].",
            f"{MISTAKES}:wgan_step_critic_sign",
        ),
        Mistake(
            "no clipping",
            "after each critic update, clip every parameter of the critic (weights and biases) to [-c, c]: with "
            "c = 5, 14 and 16 become 5 while -4.2 stays.",
            f"{MISTAKES}:wgan_step_not_clipped",
        ),
    ),
)


# -- gans.wgan_gp_critic_step -------------------------------------------------------------------


def _gp_steps(t: Trial, d: int, hidden: int, m: int, lam: float) -> None:
    sizes = [d, hidden, 1]
    x_real = (t.rng.normal(0.0, 1.0, size=(m, d)) + t.rng.uniform(1.0, 2.0, size=d)).astype(np.float32)
    x_fake = t.rng.normal(0.0, 1.0, size=(m, d)).astype(np.float32)
    eps = t.rng.uniform(0.05, 0.95, size=(m, 1)).astype(np.float32)
    steps = [
        network(sizes, activation="sigmoid", logits=True),
        load(parameters(t.rng, sizes, (0.0, 2.0))),
        function(obj(0), x_real, x_fake, eps, number(t.rng.uniform(0.05, 0.2)), lam),
        state(0),
    ]
    got, want = t.student(steps), t.reference(steps)
    _float32_close(t, got[2]["value"], want[2]["value"], "the loss and penalty wgan_gp_critic_step returned")
    _float32_close(t, got[3], want[3], "the critic's parameter after the step:")


def check_wgan_gp_critic_step_one_step(t: Trial) -> None:
    """One 'wgan_gp_critic_step' (2-D data, critic 2-4-1, 5 examples, lambda 10): the loss, the penalty and every parameter after."""
    _gp_steps(t, 2, 4, 5, 10.0)


def check_wgan_gp_critic_step_other_lambda(t: Trial) -> None:
    """'wgan_gp_critic_step' with lambda 1 on 3-D data, critic 3-5-1, 6 examples."""
    _gp_steps(t, 3, 5, 6, 1.0)


def check_wgan_gp_critic_step_hidden(t: Trial) -> None:
    """'wgan_gp_critic_step' on a new critic and batches."""
    _gp_steps(t, 2, 3, 7, number(t.rng.uniform(2.0, 10.0)))


WGAN_GP_CRITIC_STEP = Exercise(
    id="gans.wgan_gp_critic_step",
    title="A WGAN critic step with a gradient penalty (WGAN-GP, beyond the notes)",
    notes="1.10.3.1 (the Lipschitz constraint); the gradient penalty is not in the notes (Gulrajani et al., 2017)",
    input_classes=("float32 input",),
    uses_torch=True,
    student=StudentFunction("gans", "wgan_gp_critic_step", scripted=True),
    reference="reference.gans:wgan_gp_critic_step",
    torch_reference="reference.gans_torch:wgan_gp_critic_step",
    checks=(
        Check(check_wgan_gp_critic_step_one_step, points=2),
        Check(check_wgan_gp_critic_step_other_lambda, points=1),
        Check(check_wgan_gp_critic_step_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "penalty without create_graph",
            "the penalty is a function of a gradient; for its own gradient to reach the critic's parameters, "
            "torch.autograd.grad must build a graph of that gradient: pass create_graph=True.",
            f"{MISTAKES}:wgan_gp_critic_step_without_create_graph",
        ),
        Mistake(
            "squared norm in the penalty",
            "the penalty is on the Euclidean NORM of each input gradient, (||grad f(x_hat)||_2 - 1)^2: take the "
            "square root of the sum of squares before subtracting 1.",
            f"{MISTAKES}:wgan_gp_critic_step_squared_norm",
        ),
        Mistake(
            "interpolation the other way",
            "x_hat = eps x_real + (1 - eps) x_fake: eps weights the REAL example.",
            f"{MISTAKES}:wgan_gp_critic_step_interpolation_swapped",
        ),
        Mistake(
            "one norm for the whole batch",
            "each example's input gradient has its own norm: take the norm over the features (dim=1), penalise "
            "each one, then average over the batch.",
            f"{MISTAKES}:wgan_gp_critic_step_one_norm_for_the_batch",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    DISCRIMINATOR_COST,
    GENERATOR_COST,
    OPTIMAL_DISCRIMINATOR,
    WGAN_LOSSES,
    GAN_STEP,
    WGAN_STEP,
    WGAN_GP_CRITIC_STEP,
)
