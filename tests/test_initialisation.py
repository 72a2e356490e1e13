"""The initialisation references against torch's nn.init, the exact draws, and the statistical checks' error rates.

- each scheme's standard deviation and bound are torch's: ``kaiming_*_``
  (nonlinearity "relu", mode "fan_in") for He, ``kaiming_*_(a=sqrt(5))``
  (``nn.Linear``'s default) for the notes' Xavier, ``xavier_*_`` for the
  normalised Xavier, each drawing from torch's own generator: with the same
  torch seed, torch's weights are exactly the scale times torch's unit draws;
  torch reads fan_in as the weight's second dimension, and its
  ``mode="fan_out"`` is the fan-out mistake;
- the NumPy and torch references give the same weights for a seed, one call
  of the generator in the weight's shape, and a Generator passed in is used
  as it is (two calls continue one stream);
- the statistical checks: over 1000 seeds the reference never fails them and
  each mistake they must catch fails them on every seed; a draw in another
  order (transposed) still passes them while the exact checks catch it;
- the docstrings' worked examples hold, and a solution computing in float32
  scores full marks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

import reference.initialisation as ref
import reference.initialisation_mistakes as wrong
import reference.initialisation_torch as ref_torch
from grader import load_registry
from grader.catalog import initialisation as catalog
from grader.expectations import ReferenceExpectations
from grader.runner import grade_exercise
from grader.student_code import TrustedStudentCode

SHAPES = [(3, 7), (9, 4), (5, 5)]  # (fan_in, fan_out)

TORCH_RULES = {
    ("he", "normal"): lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    ("he", "uniform"): lambda w: nn.init.kaiming_uniform_(w, nonlinearity="relu"),
    ("xavier", "normal"): lambda w: nn.init.kaiming_normal_(w, a=math.sqrt(5.0)),
    ("xavier", "uniform"): lambda w: nn.init.kaiming_uniform_(w, a=math.sqrt(5.0)),
    ("normalised_xavier", "normal"): nn.init.xavier_normal_,
    ("normalised_xavier", "uniform"): nn.init.xavier_uniform_,
}


def torch_scale(rule, fan_in, fan_out, form, seed=0):
    """The standard deviation or bound torch's rule uses, read exactly off its draws from torch's own generator."""
    torch.manual_seed(seed)
    weight = rule(torch.empty(fan_out, fan_in, dtype=torch.float64))
    torch.manual_seed(seed)
    unit = torch.empty(fan_out, fan_in, dtype=torch.float64)
    if form == "normal":
        unit.normal_(0.0, 1.0)
        return (weight / unit).numpy()
    unit.uniform_(0.0, 1.0)  # torch's uniform_(-r, r) is -r + 2 r u
    return _bound(weight.numpy(), unit.numpy())


def _bound(weight, unit):
    """r from w = -r + 2 r u, entry by entry."""
    return weight / (2.0 * unit - 1.0)


@pytest.mark.parametrize(("scheme", "form"), list(TORCH_RULES), ids=lambda v: str(v))
@pytest.mark.parametrize("shape", SHAPES)
def test_each_scale_is_torch_s_nn_init_on_a_weight_of_shape_fan_out_by_fan_in(scheme, form, shape):
    fan_in, fan_out = shape
    scales = torch_scale(TORCH_RULES[scheme, form], fan_in, fan_out, form)
    np.testing.assert_allclose(scales, ref.scale(scheme, fan_in, fan_out, form), rtol=1e-9)
    # Both forms have one variance: the bound is sqrt(3) standard deviations.
    assert ref.scale(scheme, fan_in, fan_out, "uniform") == pytest.approx(math.sqrt(3.0) * ref.scale(scheme, fan_in, fan_out, "normal"), rel=1e-14)
    assert ref.scale(scheme, fan_in, fan_out, "normal") ** 2 == pytest.approx(ref.variance(scheme, fan_in, fan_out), rel=1e-14)


@pytest.mark.parametrize("form", ["normal", "uniform"])
def test_where_torch_s_names_differ_from_the_notes(form):
    fan_in, fan_out = 3, 7
    # torch's xavier_* is the notes' NORMALISED Xavier, not the notes' Xavier (a mistake the checks name).
    torch_xavier = torch_scale(TORCH_RULES["normalised_xavier", form], fan_in, fan_out, form)
    np.testing.assert_allclose(torch_xavier, ref.scale("normalised_xavier", fan_in, fan_out, form), rtol=1e-9)
    assert not np.allclose(torch_xavier, ref.scale("xavier", fan_in, fan_out, form))
    np.testing.assert_allclose(wrong.xavier_torch_s_xavier(fan_in, fan_out, form, 5), ref.normalised_xavier(fan_in, fan_out, form, 5))
    # kaiming's mode="fan_out" is the fan-out mistake; its default nonlinearity (leaky_relu, a=0) has ReLU's gain.
    fan_out_mode = torch_scale(lambda w: (nn.init.kaiming_normal_ if form == "normal" else nn.init.kaiming_uniform_)(
        w, mode="fan_out", nonlinearity="relu"), fan_in, fan_out, form)
    np.testing.assert_allclose(fan_out_mode, ref.scale("he", fan_out, fan_in, form), rtol=1e-9)
    default = torch_scale(nn.init.kaiming_normal_ if form == "normal" else nn.init.kaiming_uniform_, fan_in, fan_out, form)
    np.testing.assert_allclose(default, ref.scale("he", fan_in, fan_out, form), rtol=1e-9)
    # nn.Linear's own default initialisation is the notes' Xavier bound 1 / sqrt(fan_in).
    torch.manual_seed(1)
    layer = nn.Linear(fan_in, fan_out)
    assert layer.weight.shape == (fan_out, fan_in)
    assert float(layer.weight.detach().abs().max()) <= ref.scale("xavier", fan_in, fan_out, "uniform")


@pytest.mark.parametrize("scheme", ["he", "xavier", "normalised_xavier"])
@pytest.mark.parametrize("form", ["normal", "uniform"])
def test_the_draws_are_one_call_of_the_generator_and_the_torch_twin_s_too(scheme, form):
    for fan_in, fan_out in SHAPES:
        s = ref.scale(scheme, fan_in, fan_out, form)
        generator = np.random.default_rng(11)
        one_call = generator.normal(0.0, s, size=(fan_out, fan_in)) if form == "normal" else generator.uniform(-s, s, size=(fan_out, fan_in))
        np.testing.assert_array_equal(getattr(ref, scheme)(fan_in, fan_out, form, 11), one_call)
        np.testing.assert_allclose(getattr(ref_torch, scheme)(fan_in, fan_out, form, 11).numpy(), one_call, rtol=1e-15)
    # A Generator passed in is used as it is: two calls continue one stream.
    generator, twin = np.random.default_rng(3), np.random.default_rng(3)
    first, second = getattr(ref, scheme)(4, 6, form, generator), getattr(ref, scheme)(4, 6, form, generator)
    s = ref.scale(scheme, 4, 6, form)
    draw = (lambda: twin.normal(0.0, s, size=(6, 4))) if form == "normal" else (lambda: twin.uniform(-s, s, size=(6, 4)))
    np.testing.assert_array_equal(first, draw())
    np.testing.assert_array_equal(second, draw())


def test_the_docstrings_worked_examples(solutions):
    module = solutions("initialisation")
    for source in (ref, module):
        np.testing.assert_allclose(source.he(3, 2, "normal", 0), np.random.default_rng(0).normal(0.0, math.sqrt(2 / 3), size=(2, 3)))
        np.testing.assert_allclose(source.he(3, 2, "normal", 0), [[0.1027, -0.1079, 0.5229], [0.0857, -0.4374, 0.2952]], atol=1e-4)
        np.testing.assert_allclose(source.he(3, 2, "uniform", 0), np.random.default_rng(0).uniform(-math.sqrt(2), math.sqrt(2), size=(2, 3)))
        np.testing.assert_allclose(source.xavier(4, 2, "uniform", 1), np.random.default_rng(1).uniform(-0.5, 0.5, size=(2, 4)))
        np.testing.assert_allclose(source.xavier(4, 2, "normal", 1), np.random.default_rng(1).normal(0.0, 1 / math.sqrt(12), size=(2, 4)))
        np.testing.assert_allclose(source.normalised_xavier(2, 4, "uniform", 2), np.random.default_rng(2).uniform(-1.0, 1.0, size=(4, 2)))
        np.testing.assert_allclose(source.normalised_xavier(2, 4, "normal", 2), np.random.default_rng(2).normal(0.0, math.sqrt(1 / 3), size=(4, 2)))
        generator = np.random.default_rng(8)
        np.testing.assert_allclose(source.he(5, 3, "normal", generator), ref.he(5, 3, "normal", 8))


# -- the statistical checks' error rates ------------------------------------------------------------------

SEEDS = range(1000)


def _stack(function, activation, form, seed):
    X, seeds = catalog.stack_inputs(np.random.default_rng(seed), activation)
    widths = catalog.RELU_WIDTHS if activation == "relu" else catalog.TANH_WIDTHS
    return [function(m, n, form, s) for m, n, s in zip(widths[:-1], widths[1:], seeds)], X


def _widths(activation):
    widths = catalog.RELU_WIDTHS if activation == "relu" else catalog.TANH_WIDTHS
    return list(zip(widths[:-1], widths[1:]))


# Each rescaling mistake draws the reference's weights times a constant per layer (the same one call of the
# generator with another scale); the sweeps use that, after checking it against the mistakes' own draws.
RESCALED = {
    "relu": {
        "fan-out for fan-in": (wrong.he_fan_out, lambda m, n, form: math.sqrt(m / n)),
        "ReLU's gain forgotten": (wrong.he_relu_gain_forgotten, lambda m, n, form: 1 / math.sqrt(2.0)),
        "uniform bound used as a standard deviation": (wrong.he_bound_as_std, lambda m, n, form: math.sqrt(3.0)),
    },
    "tanh": {
        "uniform bound used as a standard deviation": (wrong.normalised_xavier_bound_as_std, lambda m, n, form: math.sqrt(3.0)),
        "the notes' slip 6 / sqrt(N + M)": (wrong.normalised_xavier_notes_slip, lambda m, n, form: math.sqrt(6.0)),
        "sqrt(6) / (sqrt(N) + sqrt(M))": (wrong.normalised_xavier_sum_of_roots,
                                          lambda m, n, form: math.sqrt(m + n) / (math.sqrt(m) + math.sqrt(n))),
        "fan-out left out": (wrong.normalised_xavier_fan_in_only, lambda m, n, form: math.sqrt((m + n) / (6.0 * m))),
    },
}
SOLUTION = {"relu": ref.he, "tanh": ref.normalised_xavier}
ALL_EQUAL = {"relu": wrong.he_all_equal, "tanh": wrong.normalised_xavier_all_equal}


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_the_rescaled_mistakes_are_the_mistakes_own_draws(activation):
    for seed in range(3):
        weights, _ = _stack(SOLUTION[activation], activation, "normal", seed)
        for name, (variant, factor) in RESCALED[activation].items():
            theirs, _ = _stack(variant, activation, "normal", seed)
            for W, V, (m, n) in zip(weights, theirs, _widths(activation)):
                np.testing.assert_allclose(V, W * factor(m, n, "normal"), rtol=1e-13, err_msg=name)


@pytest.mark.slow
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_a_stack_check_never_fails_the_reference_and_always_fails_the_mistakes_over_1000_seeds(activation):
    """The false-failure rate: 0 in 1000 seeds (the normal fit in the verdicts' docstrings puts it below 1e-6);
    every mistake the check must catch fails it on every one of those seeds."""
    missed = {name: [] for name in [*RESCALED[activation], "all weights equal"]}
    failures = []
    for seed in SEEDS:
        form = ("normal", "uniform")[seed % 2]  # the public check uses the normal form, the hidden one the uniform
        weights, X = _stack(SOLUTION[activation], activation, form, seed)
        ok, what = catalog.stack_verdict(weights, X, activation)
        if not ok:
            failures.append((seed, what))
        for name, (_, factor) in RESCALED[activation].items():
            if name == "uniform bound used as a standard deviation" and form == "uniform":
                continue  # that mistake is in the normal form only
            scaled = [W * factor(m, n, form) for W, (m, n) in zip(weights, _widths(activation))]
            if catalog.stack_verdict(scaled, X, activation)[0]:
                missed[name].append(seed)
        equal, _ = _stack(ALL_EQUAL[activation], activation, form, seed)
        if catalog.stack_verdict(equal, X, activation)[0]:
            missed["all weights equal"].append(seed)
    assert not failures, failures[:5]
    assert not any(missed.values()), {name: seeds[:5] for name, seeds in missed.items() if seeds}


def test_all_weights_equal_and_two_equal_units_are_caught_exactly():
    weights, X = _stack(ref.he, "relu", "normal", 0)
    assert catalog.symmetry_failure(weights) is None
    copied = [W.copy() for W in weights]
    copied[4][7] = copied[4][2]
    assert "two units of layer 5" in catalog.symmetry_failure(copied)
    copied[4][:] = 0.3
    assert "every weight of layer 5" in catalog.symmetry_failure(copied)


def test_a_draw_in_another_order_passes_the_stack_check_and_fails_the_exact_ones():
    exercise = load_registry().get("initialisation.he")
    result = grade_exercise(exercise, TrustedStudentCode(wrong.he_transposed), expectations=ReferenceExpectations(), include_hidden=True)
    scores = {check.test_id.split("::")[-1]: check.score / check.max_score for check in result.checks}
    assert scores["he_relu_stack"] == 1 and scores["he_exact_draws"] == 0 and scores["he_worked_example"] == 0, scores


MISTAKE_VARIANTS = {
    "he": {"fan-out for fan-in": wrong.he_fan_out, "uniform bound used as a standard deviation": wrong.he_bound_as_std,
           "all weights equal": wrong.he_all_equal, "ReLU's gain forgotten": wrong.he_relu_gain_forgotten,
           "weights drawn transposed": wrong.he_transposed},
    "xavier": {"fan-out for fan-in": wrong.xavier_fan_out, "uniform bound used as a standard deviation": wrong.xavier_bound_as_std,
               "all weights equal": wrong.xavier_all_equal, "torch's xavier_uniform_ used": wrong.xavier_torch_s_xavier},
    "normalised_xavier": {"the notes' slip 6 / sqrt(N + M)": wrong.normalised_xavier_notes_slip,
                          "sqrt(6) / (sqrt(N) + sqrt(M))": wrong.normalised_xavier_sum_of_roots,
                          "uniform bound used as a standard deviation": wrong.normalised_xavier_bound_as_std,
                          "all weights equal": wrong.normalised_xavier_all_equal,
                          "fan-out left out": wrong.normalised_xavier_fan_in_only},
}


@pytest.mark.parametrize("scheme", list(MISTAKE_VARIANTS))
def test_the_checks_recognise_each_mistake_from_the_answer_alone(scheme):
    """A recording keeps no mistake's answers, so the exact checks name the mistakes from the answer itself."""
    reference = getattr(ref, scheme)
    for fan_in, fan_out, form, seed in [(3, 8, "normal", 1), (11, 4, "uniform", 2), (2, 9, "uniform", 3), (12, 5, "normal", 4)]:
        expected, swapped = reference(fan_in, fan_out, form, seed), reference(fan_out, fan_in, form, seed)
        assert catalog.diagnose(scheme, fan_in, fan_out, form, expected, expected, swapped) == set()
        for name, variant in MISTAKE_VARIANTS[scheme].items():
            found = catalog.diagnose(scheme, fan_in, fan_out, form, variant(fan_in, fan_out, form, seed), expected, swapped)
            if name == "uniform bound used as a standard deviation" and form == "uniform":
                assert found == set()  # right in the uniform form
            else:
                assert name in found, (name, fan_in, fan_out, form, found)
