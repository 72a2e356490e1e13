"""The cost references against torch's own losses and optimisers, and the conventions the exercises state.

- ``quadratic_cost`` is the notes' 1/(2n) sum ||y - a||^2: ``F.mse_loss``'s
  default is it times 2/k, equal only when k = 2 (which the checks avoid);
- the binary cross-entropies are torch's with ``reduction="sum"`` over n;
  torch's default mean is them over k; both are finite and right at logits
  of +-40 and +-800, where the known mistakes give inf or nan;
- ``cross_entropy`` is ``F.cross_entropy`` as it is, finite at +-1000;
- each gradient is autograd's, the penalties' included (0 for the biases, and
  sign(0) = 0 for L1);
- ``weight_decay_step`` iterated equals plain gradient descent on
  C + (lambda/2) sum w^2 and ``torch.optim.SGD(weight_decay=lambda)`` over many
  steps; for Adam, ``weight_decay`` (L2) and ``AdamW`` (decay) part ways;
- the docstrings' worked examples hold, the solution agrees with the
  references, and a solution computing in float32 scores full marks.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import reference.costs as ref
import reference.costs_mistakes as wrong
import reference.costs_torch as ref_torch
from grader.catalog.costs import data_gradients, extreme_logits, far_logits, network_parameters


RNG_SHAPES = [(4, 3), (5, 1), (2, 6)]


def autograd(loss, first, *others):
    first = torch.tensor(first, requires_grad=True)
    C = loss(first, *others)
    C.backward()
    return float(C.detach()), first.grad.numpy()


def assert_pair(got, want, rtol=1e-12, atol=1e-14):
    np.testing.assert_allclose(float(got[0]), want[0], rtol=rtol)
    np.testing.assert_allclose(np.asarray(got[1]), want[1], rtol=rtol, atol=atol)


@pytest.mark.parametrize("shape", RNG_SHAPES)
def test_quadratic_cost_is_k_over_2_times_torch_s_mse_loss(shape):
    rng = np.random.default_rng(0)
    A, Y = rng.normal(size=shape), rng.normal(size=shape)
    n, k = shape
    want = autograd(lambda a: F.mse_loss(a, torch.tensor(Y), reduction="sum") / (2 * n), A)
    for module in (ref, ref_torch):
        assert_pair(module.quadratic_cost(A, Y), want)
    mse = float(F.mse_loss(torch.tensor(A), torch.tensor(Y)))
    np.testing.assert_allclose(ref.quadratic_cost(A, Y)[0], k / 2 * mse, rtol=1e-12)
    np.testing.assert_allclose(wrong.quadratic_cost_mean_over_entries(A, Y)[0], mse, rtol=1e-12)


@pytest.mark.parametrize("shape", RNG_SHAPES[:1] + [(3, 2), (1, 5)])
def test_binary_cross_entropies_are_torch_s_summed_over_outputs_and_averaged_over_examples(shape):
    rng = np.random.default_rng(1)
    Z, X, Y = rng.uniform(0.05, 0.95, size=shape), rng.normal(0.0, 3.0, size=shape), rng.uniform(0.0, 1.0, size=shape)
    n, k = shape
    Y_t = torch.tensor(Y)
    probabilities = autograd(lambda z: F.binary_cross_entropy(z, Y_t, reduction="sum") / n, Z)
    from_logits = autograd(lambda x: F.binary_cross_entropy_with_logits(x, Y_t, reduction="sum") / n, X)
    for module in (ref, ref_torch):
        assert_pair(module.binary_cross_entropy(Z, Y), probabilities)
        assert_pair(module.binary_cross_entropy_with_logits(X, Y), from_logits)
    np.testing.assert_allclose(ref.binary_cross_entropy(Z, Y)[0] / k, float(F.binary_cross_entropy(torch.tensor(Z), Y_t)))
    np.testing.assert_allclose(ref.binary_cross_entropy_with_logits(X, Y)[0] / k,
                               float(F.binary_cross_entropy_with_logits(torch.tensor(X), Y_t)))
    # From logits is from the probabilities sigmoid(X), by the chain rule through the sigmoid.
    z = ref.sigmoid(X)
    C, gradient = ref.binary_cross_entropy(z, Y)
    assert_pair(ref.binary_cross_entropy_with_logits(X, Y), (C, gradient * z * (1 - z)), rtol=1e-10)


@pytest.mark.parametrize("magnitude", [40.0, 800.0])
def test_binary_cross_entropy_with_logits_is_finite_and_torch_s_at_large_logits_where_the_mistakes_are_not(magnitude):
    X, Y = extreme_logits(np.random.default_rng(2), magnitude)
    want = autograd(lambda x: F.binary_cross_entropy_with_logits(x, torch.tensor(Y), reduction="sum") / len(X), X)
    assert np.isfinite(want[0])
    assert_pair(ref.binary_cross_entropy_with_logits(X, Y), want)
    assert not np.isfinite(wrong.binary_cross_entropy_with_logits_log_of_sigmoid(X, Y)[0])
    overflow = wrong.binary_cross_entropy_with_logits_exp_overflows(X, Y)[0]
    assert np.isfinite(overflow) == (magnitude < 700)


@pytest.mark.parametrize("case", ["moderate", "far"])
def test_cross_entropy_is_torch_s_and_finite_with_a_true_class_far_below_the_maximum(case):
    rng = np.random.default_rng(3)
    X, labels = (rng.normal(0.0, 3.0, size=(5, 4)), rng.integers(0, 4, size=5)) if case == "moderate" else far_logits(rng)
    want = autograd(lambda x: F.cross_entropy(x, torch.tensor(labels)), X)
    assert np.isfinite(want[0])
    for module in (ref, ref_torch):
        assert_pair(module.cross_entropy(X, labels), want)
    assert np.isfinite(wrong.cross_entropy_log_of_softmax(X, labels)[0]) == (case == "moderate")


def test_penalties_are_autograd_s_on_the_weights_and_zero_on_the_biases():
    params = network_parameters(np.random.default_rng(4), (5, 4, 3), zeros=True)
    assert any((value == 0).any() for name, value in params.items() if name.endswith("weight"))
    tensors = {name: torch.tensor(value, requires_grad=True) for name, value in params.items()}
    l2 = 0.3 / 2 * sum((tensors[name] ** 2).sum() for name in tensors if name.endswith("weight"))
    l1 = 0.3 * sum(tensors[name].abs().sum() for name in tensors if name.endswith("weight"))
    for penalty, function in ((l2, "l2_penalty"), (l1, "l1_penalty")):
        expected = dict(zip(tensors, torch.autograd.grad(penalty, list(tensors.values()), allow_unused=True, retain_graph=True)))
        for module in (ref, ref_torch):
            value, gradients = getattr(module, function)(params, 0.3)
            np.testing.assert_allclose(float(value), float(penalty.detach()), rtol=1e-12)
            assert set(gradients) == set(params)
            for name, gradient in expected.items():
                want = np.zeros_like(params[name]) if gradient is None else gradient.numpy()
                np.testing.assert_allclose(np.asarray(gradients[name]), want, rtol=1e-12, atol=0)
    # The L2 penalty's gradient is what torch's weight_decay adds to a weight's gradient.
    weight = torch.nn.Parameter(torch.tensor(params["layers.0.weight"]))
    weight.grad = torch.zeros_like(weight)
    torch.optim.SGD([weight], lr=1.0, weight_decay=0.3).step()
    np.testing.assert_allclose(-weight.detach().numpy() + params["layers.0.weight"], ref.l2_penalty(params, 0.3)[1]["layers.0.weight"])


def _bowl(seed, sizes=(3, 4, 2)):
    rng = np.random.default_rng(seed)
    start = network_parameters(rng, sizes)
    curvature = {name: rng.uniform(0.2, 2.0, size=value.shape) for name, value in start.items()}
    optimum = {name: rng.normal(size=value.shape) for name, value in start.items()}
    return start, curvature, optimum


def test_weight_decay_is_gradient_descent_on_the_l2_cost_and_torch_s_sgd_over_many_steps():
    start, curvature, optimum = _bowl(5)
    eta, lam, steps = 0.25, 0.8, 60
    decayed, regularised, twin = dict(start), dict(start), dict(start)
    tensors = {name: torch.nn.Parameter(torch.tensor(value)) for name, value in start.items()}
    sgd = torch.optim.SGD([{"params": [t for n, t in tensors.items() if n.endswith("weight")], "weight_decay": lam},
                           {"params": [t for n, t in tensors.items() if n.endswith("bias")], "weight_decay": 0.0}], lr=eta)
    for _ in range(steps):
        decayed = ref.weight_decay_step(decayed, data_gradients(decayed, curvature, optimum), eta, lam)
        twin = {k: v.numpy() for k, v in ref_torch.weight_decay_step(twin, data_gradients(twin, curvature, optimum), eta, lam).items()}
        penalty = ref.l2_penalty(regularised, lam)[1]
        gradients = data_gradients(regularised, curvature, optimum)
        regularised = {name: value - eta * (gradients[name] + penalty[name]) for name, value in regularised.items()}
        for name, tensor in tensors.items():
            tensor.grad = torch.tensor(data_gradients({name: tensor.detach().numpy()}, curvature, optimum)[name])
        sgd.step()
    for name in start:
        np.testing.assert_allclose(decayed[name], regularised[name], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(decayed[name], twin[name], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(decayed[name], tensors[name].detach().numpy(), rtol=1e-10, atol=1e-12)
    # The checks' inputs tell the mistakes apart after as many steps: the biased trajectory ends elsewhere.
    biased = dict(start)
    for _ in range(25):
        biased = wrong.weight_decay_step_biases_decayed(biased, data_gradients(biased, curvature, optimum), eta, lam)
    assert not np.allclose(biased["layers.0.bias"], ref.weight_decay_step(start, data_gradients(start, curvature, optimum), eta, lam)["layers.0.bias"])


def test_for_adam_l2_regularisation_and_weight_decay_differ():
    """Adam(weight_decay) is Adam on C + (lambda/2) w^2; AdamW decays apart from the adaptive step: they part ways."""
    start, curvature, optimum = _bowl(6, (4, 3))
    name = "layers.0.weight"
    results = {}
    for optimiser in ("Adam", "AdamW", "Adam on the L2 cost"):
        weight = torch.nn.Parameter(torch.tensor(start[name]))
        lam = 0.0 if optimiser == "Adam on the L2 cost" else 0.5
        step = getattr(torch.optim, optimiser.split()[0])([weight], lr=0.05, weight_decay=lam)
        for _ in range(40):
            gradient = data_gradients({name: weight.detach().numpy()}, curvature, optimum)[name]
            if optimiser == "Adam on the L2 cost":
                gradient = gradient + 0.5 * weight.detach().numpy()
            weight.grad = torch.tensor(gradient)
            step.step()
        results[optimiser] = weight.detach().numpy()
    np.testing.assert_allclose(results["Adam"], results["Adam on the L2 cost"], rtol=1e-10)
    assert np.abs(results["Adam"] - results["AdamW"]).max() > 1e-2


def test_the_docstrings_worked_examples(solutions):
    costs = solutions("costs")
    for module in (ref, costs):
        assert_pair(module.quadratic_cost([[1.0, 2.0, 3.0]], [[1.0, 0.0, 0.0]]), (6.5, [[0, 2, 3]]))
        assert_pair(module.binary_cross_entropy([[0.5, 0.8]], [[1.0, 0.0]]), (np.log(10.0), [[-2.0, 5.0]]), rtol=1e-10)
        assert_pair(module.binary_cross_entropy_with_logits([[0.0, 800.0]], [[1.0, 0.0]]), (np.log(2.0) + 800, [[-0.5, 1.0]]))
        assert_pair(module.cross_entropy([[0.0, 0.0], [1000.0, 0.0]], [0, 1]), ((np.log(2.0) + 1000) / 2, [[-0.25, 0.25], [0.5, -0.5]]))
        value, gradients = module.l2_penalty({"fc.weight": [[1.0, -2.0]], "fc.bias": [3.0]}, 0.1)
        np.testing.assert_allclose([value, *gradients["fc.weight"][0], *gradients["fc.bias"]], [0.25, 0.1, -0.2, 0.0])
        value, gradients = module.l1_penalty({"fc.weight": [[1.0, 0.0, -2.0]], "fc.bias": [3.0]}, 0.1)
        np.testing.assert_allclose([value, *gradients["fc.weight"][0], *gradients["fc.bias"]], [0.3, 0.1, 0.0, -0.1, 0.0])
        after = module.weight_decay_step({"fc.weight": [[1.0, -2.0]], "fc.bias": [3.0]},
                                         {"fc.weight": [[2.0, 0.0]], "fc.bias": [1.0]}, 0.5, 0.2)
        np.testing.assert_allclose([*after["fc.weight"][0], *after["fc.bias"]], [-0.1, -1.8, 2.5])


def test_solution_agrees_with_the_references(solutions):
    costs = solutions("costs")
    rng = np.random.default_rng(7)
    for magnitude in (3.0, 40.0, 800.0):
        X, Y = extreme_logits(rng, magnitude)
        assert_pair(costs.binary_cross_entropy_with_logits(X, Y), ref.binary_cross_entropy_with_logits(X, Y))
    X, labels = far_logits(rng)
    assert_pair(costs.cross_entropy(X, labels), ref.cross_entropy(X, labels))
    Z, Y = rng.uniform(0.05, 0.95, size=(4, 3)), rng.integers(0, 2, size=(4, 3))
    assert_pair(costs.binary_cross_entropy(Z, Y), ref.binary_cross_entropy(Z, Y))
    assert_pair(costs.quadratic_cost(Z, Y), ref.quadratic_cost(Z, Y))


