"""The activation references against torch's own functions, and the conventions the exercises state.

- ``relu``, ``leaky_relu``, ``elu`` and ``gelu`` give ``F.relu``,
  ``F.leaky_relu``, ``F.elu`` and the exact ``F.gelu`` and autograd's
  derivatives, at exact zeros too (0 for ReLU, alpha for leaky ReLU and ELU);
- GELU's tanh approximation is ``F.gelu(approximate="tanh")`` and differs from
  the exact GELU by up to 5e-4 (the docstring's figure);
- ``softmax``, ``log_softmax`` and ``softmax_backward`` equal
  ``torch.softmax``, ``torch.log_softmax`` and autograd along every axis, and
  stay finite at logits of +-1000, where the known mistakes give nan or -inf;
- the docstrings' worked examples hold, the solution agrees with the
  references, and a solution computing in float32 scores full marks.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import reference.activations as ref
import reference.activations_mistakes as wrong
import reference.activations_torch as ref_torch
from grader.catalog.activations import GRID, large_logits, pre_activations


ELEMENTWISE = [
    ("relu", {}, F.relu),
    ("leaky_relu", {"alpha": 0.2}, lambda x: F.leaky_relu(x, 0.2)),
    ("leaky_relu", {}, F.leaky_relu),
    ("elu", {"alpha": 1.7}, lambda x: F.elu(x, 1.7)),
    ("elu", {}, F.elu),
    ("gelu", {}, F.gelu),
]


def autograd(function, z):
    z_t = torch.tensor(z, requires_grad=True)
    a = function(z_t)
    a.sum().backward()
    return a.detach().numpy(), z_t.grad.numpy()


@pytest.mark.parametrize(("name", "options", "gold"), ELEMENTWISE, ids=[f"{n}{o}" for n, o, _ in ELEMENTWISE])
def test_elementwise_activations_match_torch_and_autograd_at_zero_too(name, options, gold):
    z = np.concatenate([GRID.ravel(), pre_activations(np.random.default_rng(0), (40,)), [0.0, -0.0, 1e-300, -1e-300]])
    value, derivative = autograd(gold, z)
    for function in (getattr(ref, name), getattr(ref_torch, name)):
        a, d = function(z, **options)
        np.testing.assert_allclose(np.asarray(a), value, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(np.asarray(d), derivative, rtol=1e-12, atol=1e-15)
    at_zero = getattr(ref, name)(np.array(0.0), **options)[1]
    expected_at_zero = {"relu": 0.0, "gelu": 0.5}.get(name, options.get("alpha", 0.01 if name == "leaky_relu" else 1.0))
    assert at_zero == expected_at_zero


def test_gelu_tanh_approximation_is_torch_s_and_a_different_function():
    z = np.linspace(-6.0, 6.0, 20001)
    np.testing.assert_allclose(ref.gelu_tanh(z), F.gelu(torch.tensor(z), approximate="tanh").numpy(), rtol=1e-12, atol=1e-15)
    gap = np.abs(ref.gelu(z)[0] - ref.gelu_tanh(z)).max()
    assert 4e-4 < gap < 5e-4
    sigmoid_gap = np.abs(ref.gelu(z)[0] - wrong.gelu_sigmoid_approximation(z)[0]).max()
    assert 1e-2 < sigmoid_gap < 2.1e-2  # "up to 2e-2"
    a, d = wrong.gelu_tanh_approximation(z)
    np.testing.assert_allclose(d, autograd(lambda x: F.gelu(x, approximate="tanh"), z)[1], rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize(("shape", "axis"), [((4, 6), -1), ((5, 3), 0), ((2, 4, 3), 1), ((3, 2, 5), -1), ((7,), 0)])
def test_softmax_family_matches_torch_along_every_axis(shape, axis):
    rng = np.random.default_rng(1)
    Z, G = rng.normal(0.0, 3.0, size=shape), rng.normal(size=shape)
    Z_t = torch.tensor(Z, requires_grad=True)
    s = torch.softmax(Z_t, dim=axis)
    (s * torch.tensor(G)).sum().backward()
    for module in (ref, ref_torch):
        np.testing.assert_allclose(np.asarray(module.softmax(Z, axis)), s.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(module.log_softmax(Z, axis)), torch.log_softmax(torch.tensor(Z), axis).numpy(), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(module.softmax_backward(Z, G, axis)), Z_t.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_softmax_family_is_finite_and_right_at_logits_of_a_thousand_where_the_mistakes_are_not():
    Z = large_logits(np.random.default_rng(2))
    assert np.abs(Z).max() > 990
    Z_t = torch.tensor(Z)
    s, log_s = ref.softmax(Z), ref.log_softmax(Z)
    assert np.isfinite(s).all() and np.isfinite(log_s).all()
    np.testing.assert_allclose(s, torch.softmax(Z_t, -1).numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(log_s, torch.log_softmax(Z_t, -1).numpy(), rtol=1e-12)
    assert np.isnan(wrong.softmax_max_not_subtracted(Z)).any()
    assert np.isnan(wrong.softmax_global_max(Z)).any()
    assert np.isneginf(wrong.log_softmax_log_of_softmax(Z)).any()
    assert not np.isfinite(wrong.log_softmax_max_not_subtracted(Z)).all()


def test_the_docstrings_worked_examples(solutions):
    activations = solutions("activations")
    for module in (ref, activations):
        np.testing.assert_array_equal(np.array(module.relu([-2.0, 0.0, 3.0])), [[0, 0, 3], [0, 0, 1]])
        np.testing.assert_allclose(np.array(module.leaky_relu([-2.0, 0.0, 3.0], alpha=0.1)), [[-0.2, 0, 3], [0.1, 0.1, 1]])
        np.testing.assert_allclose(np.array(module.elu([-1.0, 0.0, 2.0], alpha=2.0)), [[-1.264241, 0, 2], [0.735759, 2, 1]], atol=1e-6)
        np.testing.assert_allclose(np.array(module.gelu([0.0, 1.0])), [[0, 0.841345], [0.5, 1.083315]], atol=1e-6)
        np.testing.assert_allclose(module.softmax([[1000.0, 1000.0], [0.0, -1000.0]]), [[0.5, 0.5], [1.0, 0.0]])
        np.testing.assert_allclose(module.log_softmax([0.0, -1000.0]), [0.0, -1000.0])
        np.testing.assert_allclose(module.softmax_backward([0.0, 0.0], [1.0, 0.0]), [0.25, -0.25])


def test_solution_agrees_with_the_references(solutions):
    activations = solutions("activations")
    rng = np.random.default_rng(3)
    z = pre_activations(rng, (3, 4, 5))
    for name, options, _ in ELEMENTWISE:
        for got, want in zip(getattr(activations, name)(z, **options), getattr(ref, name)(z, **options)):
            np.testing.assert_allclose(got, want, rtol=1e-13)
    Z, G = rng.normal(size=(3, 4, 5)), rng.normal(size=(3, 4, 5))
    for axis in (0, 1, -1):
        np.testing.assert_allclose(activations.softmax(Z, axis), ref.softmax(Z, axis), rtol=1e-13)
        np.testing.assert_allclose(activations.log_softmax(Z, axis), ref.log_softmax(Z, axis), rtol=1e-13)
        np.testing.assert_allclose(activations.softmax_backward(Z, G, axis), ref.softmax_backward(Z, G, axis), rtol=1e-12)


