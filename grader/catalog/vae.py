"""Variational autoencoders: the reparametrisation h = mu + sigma * zeta, the KL term against N(0, I) from
log-variances and from standard deviations, the VAE loss with the reconstruction weight C, gradients
through the reparametrised sample (to mu and log_var, none needed for zeta), and new data from the prior.

Course notes 1.9.3. The notes' 1.9.3.1 writes the reparametrisation with mu
and sigma swapped (h = sigma + zeta mu): the references follow the
mathematics, and the swap is the named mistake 'mu and sigma swapped (the
notes' slip)' of ``reparametrise`` and ``reparametrised_sample``. Every
random draw (zeta, eps) is an input, so every answer is exact.

Inputs discriminate the mistakes students make: standard deviations never
near 1 (in [0.3, 0.8] or [1.3, 2.5]) and log-variances at least 0.3 from 0,
so sigma, sigma^2 and exp(log_var / 2), and log sigma and log sigma^2, all
differ; means and draws of both signs and none near 0, so a swapped mu and
sigma shows; more than one code dimension (a KL averaged over them shows);
batches whose number of examples differs from the number of features (a
reconstruction averaged over every entry shows); weights C away from 1 and
from 1/sqrt(2) (a C on the wrong term, or read as the variance c, shows);
variances c of p(x | h) below 1/2, where sqrt(c) and c differ by 0.2 or more.

``reparametrised_sample`` is a torch function checked through scripts
(:mod:`grader.object_scripts`): autograd backpropagates a random upstream
gradient from its answer to mu and log_var, and it is called once more on
tensors that do not require grad, where its answer must not require grad
either (a zeta made to require grad would put the sample in the graph).

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.catalog.autoencoders import as_lists, float32_last, representable, representable_float
from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.module_checks import array_tolerances, expect_gradients, expect_output
from grader.object_scripts import backward, call
from grader.trial import Trial

MISTAKES = "reference.vae_mistakes"


def signed(rng: np.random.Generator, shape: tuple[int, ...], low: float, high: float) -> np.ndarray:
    """Entries of size low to high and either sign."""
    return representable(rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape))


def sigmas(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Standard deviations in [0.3, 0.8] or [1.3, 2.5]: never near 1, where sigma, sigma^2, log sigma and log sigma^2 meet."""
    low = rng.uniform(0.3, 0.8, size=shape)
    high = rng.uniform(1.3, 2.5, size=shape)
    return representable(np.where(rng.random(size=shape) < 0.5, low, high))


def log_variances(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Log-variances of size 0.3 to 1.5 and either sign: sigma between 0.47 and 2.1, never 1."""
    return signed(rng, shape, 0.3, 1.5)


def code_shape(rng: np.random.Generator) -> tuple[int, int]:
    """(N, k): 2 to 5 examples, 2 to 4 code dimensions."""
    return int(rng.integers(2, 6)), int(rng.integers(2, 5))


def _calls(t: Trial, cases: list[tuple[Any, ...]], label) -> None:
    for args in cases:
        t.expect_close(t.student(*args), t.reference(*args), name=label(args))


# -- vae.reparametrise --------------------------------------------------------------------------

REPARAMETRISE_EXAMPLE = as_lists(np.array([[1.0, -2.0]]), np.array([[0.5, 2.0]]), np.array([[2.0, -1.0]]))


def reparametrise_case(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    shape = code_shape(rng)
    return signed(rng, shape, 0.25, 2.0), sigmas(rng, shape), signed(rng, shape, 0.2, 2.0)


def check_reparametrise_worked_example(t: Trial) -> None:
    """'reparametrise' on the docstring's example: mu = [[1, -2]], sigma = [[0.5, 2]], zeta = [[2, -1]]."""
    _calls(t, [REPARAMETRISE_EXAMPLE], lambda args: "reparametrise(the docstring's example)")


def check_reparametrise_batches(t: Trial) -> None:
    """'reparametrise' on three batches of means, standard deviations (none near 1) and draws."""
    _calls(t, [reparametrise_case(t.rng) for _ in range(3)], lambda args: f"reparametrise(mu, sigma, zeta of shape {args[0].shape})")


def check_reparametrise_hidden(t: Trial) -> None:
    """'reparametrise' on new batches, the last in float32."""
    _calls(t, float32_last([reparametrise_case(t.rng) for _ in range(2)]), lambda args: f"reparametrise(mu, sigma, zeta of shape {args[0].shape})")


SLIP_HINT = (
    "the notes' line in 1.9.3.1 has the mean and the standard deviation in each other's places -- a slip in the "
    "notes, and following it gives a sample of another Gaussian. Test your line on two cases: zeta = 0 must give "
    "back the mean, and doubling sigma must double how far h lies from the mean."
)

REPARAMETRISE = Exercise(
    id="vae.reparametrise",
    title="The reparametrisation trick: a sample of N(mu, sigma^2) from a given standard normal draw",
    notes="1.9.3.1 (reparametrisation trick; the notes swap mu and sigma, a slip)",
    student=StudentFunction("vae", "reparametrise"),
    uses_torch=True,
    reference="reference.vae:reparametrise",
    torch_reference="reference.vae_torch:reparametrise",
    input_classes=("list input: mu", "list input: sigma", "list input: zeta", "float32 input: mu", "single row: mu"),
    checks=(
        Check(check_reparametrise_worked_example, points=1),
        Check(check_reparametrise_batches, points=2),
        Check(check_reparametrise_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake("mu and sigma swapped (the notes' slip)", SLIP_HINT, f"{MISTAKES}:reparametrise_notes_slip"),
        Mistake(
            "the variance used as the scale",
            "zeta has standard deviation 1, so to get standard deviation sigma multiply it by sigma itself, not "
            "by the variance sigma^2.",
            f"{MISTAKES}:reparametrise_variance_as_scale",
        ),
        Mistake(
            "the standardisation used instead",
            "(h - mu) / sigma turns a sample of N(mu, sigma^2) INTO a standard normal one; here you go the other "
            "way, from the standard normal zeta to h.",
            f"{MISTAKES}:reparametrise_standardised",
        ),
    ),
)


# -- vae.kl_divergence --------------------------------------------------------------------------

KL_EXAMPLE = as_lists(np.array([[0.0, 1.0, 0.0]]), np.array([[0.0, 0.0, float(np.log(4.0))]]))
KL_SIGMA_EXAMPLE = as_lists(np.array([[0.0, 1.0]]), np.array([[2.0, 1.0]]))


def kl_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    shape = code_shape(rng)
    return signed(rng, shape, 0.25, 2.0), log_variances(rng, shape)


def kl_sigma_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    shape = code_shape(rng)
    return signed(rng, shape, 0.25, 2.0), sigmas(rng, shape)


def check_kl_divergence_worked_example(t: Trial) -> None:
    """'kl_divergence' on the docstring's example: mu = [[0, 1, 0]], log_var = [[0, 0, log 4]]."""
    _calls(t, [KL_EXAMPLE], lambda args: "kl_divergence(the docstring's example)")


def check_kl_divergence_batches(t: Trial) -> None:
    """'kl_divergence' on three batches of means and log-variances (none near 0): every term and every example's sum."""
    _calls(t, [kl_case(t.rng) for _ in range(3)], lambda args: f"kl_divergence(mu, log_var of shape {args[0].shape})")


def check_kl_divergence_hidden(t: Trial) -> None:
    """'kl_divergence' on new batches, the last in float32."""
    _calls(t, float32_last([kl_case(t.rng) for _ in range(2)]), lambda args: f"kl_divergence(mu, log_var of shape {args[0].shape})")


KL_DIVERGENCE = Exercise(
    id="vae.kl_divergence",
    title="The KL term of a VAE against N(0, I), from log-variances: per dimension and summed",
    notes="1.9.3.2 (KL(N(mu, sigma) || N(0, I)) = 1/2 [-1 - log sigma^2 + sigma^2 + mu^2])",
    student=StudentFunction("vae", "kl_divergence"),
    uses_torch=True,
    reference="reference.vae:kl_divergence",
    torch_reference="reference.vae_torch:kl_divergence",
    input_classes=("list input: mu", "list input: log_var", "float32 input: mu", "single row: mu",
                   "on the boundary: mu", "on the boundary: log_var"),
    checks=(
        Check(check_kl_divergence_worked_example, points=1),
        Check(check_kl_divergence_batches, points=2),
        Check(check_kl_divergence_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "log sigma instead of log sigma^2",
            "the log term is the log of the VARIANCE, log sigma^2, which is log_var itself; log_var / 2 is log sigma.",
            f"{MISTAKES}:kl_divergence_log_sigma",
        ),
        Mistake(
            "sigma used as a variance",
            "the term sigma^2 is the variance, exp(log_var); exp(log_var / 2) is the standard deviation sigma.",
            f"{MISTAKES}:kl_divergence_sigma_as_variance",
        ),
        Mistake(
            "KL averaged over the dimensions",
            "the k code dimensions are independent, so their KL divergences ADD: an example's KL is the sum of "
            "its terms, not their mean.",
            f"{MISTAKES}:kl_divergence_averaged",
        ),
        Mistake(
            "the one-half left out",
            "each term is HALF of (-1 - log sigma^2 + sigma^2 + mu^2).",
            f"{MISTAKES}:kl_divergence_no_half",
        ),
    ),
)


def check_kl_divergence_sigma_worked_example(t: Trial) -> None:
    """'kl_divergence_sigma' on the docstring's example: mu = [[0, 1]], sigma = [[2, 1]]."""
    _calls(t, [KL_SIGMA_EXAMPLE], lambda args: "kl_divergence_sigma(the docstring's example)")


def check_kl_divergence_sigma_batches(t: Trial) -> None:
    """'kl_divergence_sigma' on three batches of means and standard deviations (none near 1): every term and every sum."""
    _calls(t, [kl_sigma_case(t.rng) for _ in range(3)], lambda args: f"kl_divergence_sigma(mu, sigma of shape {args[0].shape})")


def check_kl_divergence_sigma_hidden(t: Trial) -> None:
    """'kl_divergence_sigma' on new batches, the last in float32."""
    _calls(t, float32_last([kl_sigma_case(t.rng) for _ in range(2)]), lambda args: f"kl_divergence_sigma(mu, sigma of shape {args[0].shape})")


KL_DIVERGENCE_SIGMA = Exercise(
    id="vae.kl_divergence_sigma",
    title="The KL term of a VAE against N(0, I), from standard deviations: per dimension and summed",
    notes="1.9.3.2 (KL(N(mu, sigma) || N(0, I)) = 1/2 [-1 - log sigma^2 + sigma^2 + mu^2])",
    student=StudentFunction("vae", "kl_divergence_sigma"),
    uses_torch=True,
    reference="reference.vae:kl_divergence_sigma",
    torch_reference="reference.vae_torch:kl_divergence_sigma",
    input_classes=("list input: mu", "list input: sigma", "float32 input: mu", "single row: mu"),
    checks=(
        Check(check_kl_divergence_sigma_worked_example, points=1),
        Check(check_kl_divergence_sigma_batches, points=2),
        Check(check_kl_divergence_sigma_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "log sigma instead of log sigma^2",
            "the log term is the log of the VARIANCE: log(sigma^2) = 2 log sigma, not log sigma.",
            f"{MISTAKES}:kl_divergence_sigma_log_sigma",
        ),
        Mistake(
            "sigma used as a variance",
            "sigma is the standard deviation: the variance in the formula is sigma^2, in both the log term and "
            "the linear one.",
            f"{MISTAKES}:kl_divergence_sigma_sigma_as_variance",
        ),
        Mistake(
            "KL averaged over the dimensions",
            "an example's KL is the SUM of its k terms (independent dimensions add), not their mean.",
            f"{MISTAKES}:kl_divergence_sigma_averaged",
        ),
        Mistake(
            "sigma taken for a log-variance",
            "this function takes the standard deviations sigma, not log sigma^2: the variance is sigma^2, not exp(sigma).",
            f"{MISTAKES}:kl_divergence_sigma_log_var_formula",
        ),
    ),
)


# -- vae.vae_loss -------------------------------------------------------------------------------

VAE_LOSS_EXAMPLE = as_lists(np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]]), np.array([[1.0]]), np.array([[0.0]]), 2.0)


def vae_loss_case(rng: np.random.Generator) -> tuple[Any, ...]:
    """A batch of N examples of d != N features, codes of k dimensions, and C away from 1 and 1/sqrt(2)."""
    N, k = code_shape(rng)
    d = int(rng.choice([n for n in range(3, 8) if n != N]))
    X = representable(rng.uniform(0.0, 1.0, size=(N, d)))
    R = representable(X + signed(rng, (N, d), 0.05, 0.5))
    C = rng.uniform(0.2, 0.45) if rng.random() < 0.5 else rng.uniform(1.5, 4.0)
    return X, R, signed(rng, (N, k), 0.25, 2.0), log_variances(rng, (N, k)), representable_float(C)


def _vae_label(args: tuple[Any, ...]) -> str:
    return f"vae_loss(X of shape {args[0].shape}, codes of {args[2].shape[1]} dimensions, C={args[4]:.4g})"


def check_vae_loss_worked_example(t: Trial) -> None:
    """'vae_loss' on the docstring's example: x = [1, 0], r = [0.5, 0.5], mu = [[1]], log_var = [[0]], C = 2."""
    _calls(t, [VAE_LOSS_EXAMPLE], lambda args: "vae_loss(the docstring's example)")


def check_vae_loss_batches(t: Trial) -> None:
    """'vae_loss' on three batches with C below and above 1: the loss, the weighted reconstruction error and the KL term."""
    _calls(t, [vae_loss_case(t.rng) for _ in range(3)], _vae_label)


def check_vae_loss_hidden(t: Trial) -> None:
    """'vae_loss' on new batches and weights C, the last in float32."""
    _calls(t, float32_last([vae_loss_case(t.rng) for _ in range(2)]), _vae_label)


VAE_LOSS = Exercise(
    id="vae.vae_loss",
    title="The VAE loss C ||x - g(h)||^2 + KL over a batch, and its two parts",
    notes="1.9.3.2 (VAE loss: C ||x - g(h)||^2 + KL(N(mu_x, sigma_x) || N(0, I))); 1.9.3.1 (C = 1/(2c))",
    student=StudentFunction("vae", "vae_loss"),
    uses_torch=True,
    reference="reference.vae:vae_loss",
    torch_reference="reference.vae_torch:vae_loss",
    input_classes=("list input: X", "list input: R", "float32 input: X", "single row: X"),
    checks=(
        Check(check_vae_loss_worked_example, points=1),
        Check(check_vae_loss_batches, points=2),
        Check(check_vae_loss_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "C on the KL term",
            "in the notes' loss C weighs the RECONSTRUCTION error, C ||x - g(h)||^2; the KL term is added as it is.",
            f"{MISTAKES}:vae_loss_weight_on_kl",
        ),
        Mistake(
            "KL averaged over the dimensions",
            "an example's KL is the SUM over its code dimensions; only the batch is averaged.",
            f"{MISTAKES}:vae_loss_kl_averaged",
        ),
        Mistake(
            "reconstruction averaged over every entry",
            "||x - g(h)||^2 SUMS the squared error over an example's d features; F.mse_loss's default mean also "
            "divides by d (use reduction='sum' and divide by N).",
            f"{MISTAKES}:vae_loss_mean_over_entries",
        ),
        Mistake(
            "C read as the variance c",
            "C is the weight itself (C = 1/(2c) for the notes' p(x | h) = N(g(h), cI)): multiply the reconstruction "
            "error by C, do not divide by 2C.",
            f"{MISTAKES}:vae_loss_weight_as_variance",
        ),
    ),
)


# -- vae.reparametrised_sample (torch) ----------------------------------------------------------


def sample_case(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    shape = code_shape(rng)
    return signed(rng, shape, 0.25, 2.0), log_variances(rng, shape), signed(rng, shape, 0.2, 2.0)


def upstream(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """An upstream gradient with entries of both signs, none of them 1."""
    return signed(rng, shape, 0.5, 2.0)


def _gradients(t: Trial, mu: np.ndarray, log_var: np.ndarray, zeta: np.ndarray) -> None:
    steps = [call(mu, log_var, zeta, of=None, grad=(0, 1)), backward(0, upstream(t.rng, mu.shape))]
    got, want = t.student(steps), t.reference(steps)
    expect_output(t, got[0], want[0], f"reparametrised_sample(mu, log_var, zeta of shape {mu.shape})", attached=True)
    expect_gradients(t, got[1], want[1], inputs=["mu", "log_var"])


def _constant_draw(t: Trial, mu: np.ndarray, log_var: np.ndarray, zeta: np.ndarray) -> None:
    steps = [call(mu, log_var, zeta, of=None)]
    got, want = t.student(steps), t.reference(steps)
    name = f"reparametrised_sample(mu, log_var, zeta of shape {mu.shape}) with no input requiring grad"
    ok = t.expect_close(got[0]["value"], want[0]["value"], name=name, **array_tolerances(got[0]["value"], want[0]["value"]))
    attached = bool(got[0].get("attached"))
    if ok and attached:
        t.name_mistake("zeta made to require grad")
    t.expect(not attached,
             f"{name} requires grad: something in it was made to require grad (the mistake 'zeta made to require grad': "
             "zeta is a constant draw, and no gradient is needed for it)",
             with_value=ok)


def check_reparametrised_sample_gradients(t: Trial) -> None:
    """'reparametrised_sample' on mu and log_var that require grad: h, and autograd's gradients of mu and log_var for a random upstream gradient."""
    for _ in range(2):
        _gradients(t, *sample_case(t.rng))


def check_reparametrised_sample_zeta_is_a_constant(t: Trial) -> None:
    """'reparametrised_sample' on tensors that do not require grad: the right h, and h does not require grad either."""
    for _ in range(2):
        _constant_draw(t, *sample_case(t.rng))


def check_reparametrised_sample_hidden(t: Trial) -> None:
    """'reparametrised_sample' on new tensors: the gradients of mu and log_var, and no gradient needed anywhere when none is asked."""
    _gradients(t, *sample_case(t.rng))
    _constant_draw(t, *sample_case(t.rng))


REPARAMETRISED_SAMPLE = Exercise(
    id="vae.reparametrised_sample",
    title="Gradients through the reparametrised sample: to mu and log_var, none needed for zeta (torch)",
    notes="1.9.3.1 (reparametrization trick: mu_x and sigma_x reachable from h by backpropagation; no derivative for zeta)",
    uses_torch=True,
    student=StudentFunction("vae", "reparametrised_sample", scripted=True),
    reference="reference.vae:ReparametrisedSample",
    torch_reference="reference.vae_torch:reparametrised_sample",
    input_classes=(),
    checks=(
        Check(check_reparametrised_sample_gradients, points=2),
        Check(check_reparametrised_sample_zeta_is_a_constant, points=1),
        Check(check_reparametrised_sample_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "zeta made to require grad",
            "zeta is a constant drawn outside the network: the trick moves the randomness there precisely so that "
            "no gradient is needed for it. Leave it as it is given (no requires_grad_()).",
            f"{MISTAKES}:reparametrised_sample_zeta_requires_grad",
        ),
        Mistake(
            "the noise term detached",
            "sigma * zeta must stay in the graph: its gradient is how log_var (through sigma) learns; only zeta "
            "itself is a constant.",
            f"{MISTAKES}:reparametrised_sample_noise_detached",
        ),
        Mistake(
            "sigma used as a variance",
            "exp(log_var) is the variance sigma^2; the standard deviation that scales zeta is exp(log_var / 2).",
            f"{MISTAKES}:reparametrised_sample_variance_as_scale",
        ),
        Mistake("mu and sigma swapped (the notes' slip)", SLIP_HINT, f"{MISTAKES}:reparametrised_sample_notes_slip"),
    ),
)


# -- vae.sample_from_prior ----------------------------------------------------------------------

PRIOR_EXAMPLE = as_lists(np.array([[1.0]]), np.array([[2.0]]), 0.25, np.array([[2.0]]), np.array([-2.0]),
                 np.array([[1.0]]), np.array([0.0]))


def prior_case(rng: np.random.Generator) -> tuple[Any, ...]:
    """N draws of a k-dimensional code, a decoder through m hidden ReLUs to d outputs, and c in [0.04, 0.5]."""
    N, k = code_shape(rng)
    m, d = int(rng.integers(3, 6)), int(rng.integers(3, 7))
    zeta, eps = signed(rng, (N, k), 0.2, 2.0), signed(rng, (N, d), 0.2, 2.0)
    W1, b1 = signed(rng, (m, k), 0.2, 1.5), signed(rng, (m,), 0.1, 1.0)
    W2, b2 = signed(rng, (d, m), 0.2, 1.5), signed(rng, (d,), 0.1, 1.0)
    return zeta, eps, representable_float(rng.uniform(0.04, 0.5)), W1, b1, W2, b2


def _prior_label(args: tuple[Any, ...]) -> str:
    return f"sample_from_prior(zeta of shape {args[0].shape}, eps of shape {args[1].shape}, c={args[2]:.4g}, ...)"


def check_sample_from_prior_worked_example(t: Trial) -> None:
    """'sample_from_prior' on the docstring's example: zeta = [[1]], one hidden unit at relu(0), c = 0.25, eps = [[2]]."""
    _calls(t, [PRIOR_EXAMPLE], lambda args: "sample_from_prior(the docstring's example)")


def check_sample_from_prior_batches(t: Trial) -> None:
    """'sample_from_prior' on three decoders and batches of draws: the decoded means and the samples."""
    _calls(t, [prior_case(t.rng) for _ in range(3)], _prior_label)


def check_sample_from_prior_hidden(t: Trial) -> None:
    """'sample_from_prior' on new decoders and draws, the last in float32."""
    _calls(t, float32_last([prior_case(t.rng) for _ in range(2)]), _prior_label)


SAMPLE_FROM_PRIOR = Exercise(
    id="vae.sample_from_prior",
    title="Generating new data: a code from the prior N(0, I), decoded, and x drawn from N(g(h), cI)",
    notes="1.9.3.1 (p(h) = N(0, I), p(x | h) = N(g(h), cI)); 1.9.3 (generation: a random h served to the decoder)",
    student=StudentFunction("vae", "sample_from_prior"),
    uses_torch=True,
    reference="reference.vae:sample_from_prior",
    torch_reference="reference.vae_torch:sample_from_prior",
    input_classes=("list input: zeta", "list input: eps", "float32 input: zeta", "single row: zeta"),
    checks=(
        Check(check_sample_from_prior_worked_example, points=1),
        Check(check_sample_from_prior_batches, points=2),
        Check(check_sample_from_prior_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "c used as the standard deviation",
            "c is the VARIANCE of p(x | h) = N(g(h), cI): a standard normal draw is scaled by the standard "
            "deviation, sqrt(c).",
            f"{MISTAKES}:sample_from_prior_c_as_std",
        ),
        Mistake(
            "the observation noise left out",
            "g(h) is the MEAN of p(x | h); a sample x adds the noise sqrt(c) * eps to it.",
            f"{MISTAKES}:sample_from_prior_no_noise",
        ),
        Mistake(
            "no ReLU in the decoder",
            "the decoder's hidden layer is relu(W1 h + b1): without it the two layers collapse into one.",
            f"{MISTAKES}:sample_from_prior_no_relu",
        ),
        Mistake(
            "no sigmoid on the decoder's output",
            "g(h) = sigmoid(W2 relu(W1 h + b1) + b2): the means go through the sigmoid before the noise is added.",
            f"{MISTAKES}:sample_from_prior_no_sigmoid",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    REPARAMETRISE,
    KL_DIVERGENCE,
    KL_DIVERGENCE_SIGMA,
    VAE_LOSS,
    REPARAMETRISED_SAMPLE,
    SAMPLE_FROM_PRIOR,
)
