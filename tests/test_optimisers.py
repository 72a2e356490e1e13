"""The optimiser references against torch.optim over many steps, and the conventions the exercises state.

- every step, iterated 60 times from the same start on a quadratic bowl, is
  torch's own optimiser stepping 60 times (``SGD`` with momentum, plain and
  Nesterov, ``Adagrad``, ``RMSprop``, ``Adam``), and so is the torch twin that
  sets torch's state from the state given at each step;
- the notes' momentum is torch's SGD with ``v = -Delta w / eta``; mapped
  half-way, torch's SGD continues the notes' trajectory; with a learning rate
  that changes, the two bookkeepings take different steps;
- eps inside the root, Adam without bias correction, RMSProp's alpha on the
  new term, per-parameter clipping and clipping without torch's 1e-6 are not
  torch's;
- clipping is ``clip_grad_value_`` and ``clip_grad_norm_``;
- the docstrings' worked examples hold, a solution computing in float32
  scores full marks, and a student whose arithmetic differs from the
  reference's in its last bits scores full marks, and is named when it makes
  a known mistake, over many seeds.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import reference.optimisers as ref
import reference.optimisers_mistakes as wrong
import reference.optimisers_torch as ref_torch
from grader import load_registry
from grader.catalog.optimisers import Bowl, network_parameters, zeros_like
from grader.expectations import ReferenceExpectations
from grader.runner import grade_exercise
from grader.seeds import SeedPolicy
from grader.student_code import TrustedStudentCode

STEPS = 60
REGISTRY = load_registry()


def bowl(seed, scale=1.0, sizes=(3, 4, 2)):
    rng = np.random.default_rng(seed)
    start = network_parameters(rng, sizes)
    return start, Bowl(rng, start, scale)


def as_numpy(value):
    if isinstance(value, dict):
        return {key: as_numpy(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(as_numpy(item) for item in value)
    return value.detach().numpy() if isinstance(value, torch.Tensor) else value


def iterate(step, start, state, hyper, gradient, steps=STEPS):
    params = start
    for _ in range(steps):
        params, state = as_numpy(step(params, gradient(params), state, *hyper))
    return params, state


def torch_optimiser(make, start, gradient, steps=STEPS):
    """``steps`` steps of the torch optimiser ``make(parameters)``, its state its own; returns the parameters and the optimiser."""
    tensors = {name: torch.nn.Parameter(torch.tensor(value)) for name, value in start.items()}
    optimiser = make(list(tensors.values()))
    for _ in range(steps):
        gradients = gradient({name: tensor.detach().numpy().copy() for name, tensor in tensors.items()})
        for name, tensor in tensors.items():
            tensor.grad = torch.tensor(gradients[name])
        optimiser.step()
    return {name: tensor.detach().numpy() for name, tensor in tensors.items()}, optimiser, tensors


def assert_dicts(got, want, rtol=1e-10, atol=1e-12):
    assert set(got) == set(want)
    for name in want:
        np.testing.assert_allclose(np.asarray(got[name], dtype=float), np.asarray(want[name], dtype=float), rtol=rtol, atol=atol,
                                   err_msg=name)


@pytest.mark.parametrize("mu", [0.0, 0.5, 0.9])
def test_notes_momentum_is_torch_s_sgd_with_buffers_minus_delta_over_eta(mu):
    start, b = bowl(1)
    eta = 0.1
    params, deltas = iterate(ref.momentum_step, start, zeros_like(start), (eta, mu), b.gradient)
    want, optimiser, tensors = torch_optimiser(lambda p: torch.optim.SGD(p, lr=eta, momentum=mu), start, b.gradient)
    assert_dicts(params, want)
    if mu:
        assert_dicts(deltas, {name: -eta * optimiser.state[tensor]["momentum_buffer"].numpy() for name, tensor in tensors.items()})
    twin_params, twin_deltas = iterate(ref_torch.momentum_step, start, zeros_like(start), (eta, mu), b.gradient)
    assert_dicts(twin_params, params)
    assert_dicts(twin_deltas, deltas)


@pytest.mark.parametrize("nesterov", [False, True])
def test_torch_momentum_step_is_torch_s_sgd_plain_and_nesterov(nesterov):
    start, b = bowl(2)
    params, buffers = iterate(ref.torch_momentum_step, start, zeros_like(start), (0.1, 0.8, nesterov), b.gradient)
    want, optimiser, tensors = torch_optimiser(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.8, nesterov=nesterov), start, b.gradient)
    assert_dicts(params, want)
    assert_dicts(buffers, {name: optimiser.state[tensor]["momentum_buffer"].numpy() for name, tensor in tensors.items()})
    twin = iterate(ref_torch.torch_momentum_step, start, zeros_like(start), (0.1, 0.8, nesterov), b.gradient)
    assert_dicts(twin[0], params)
    # The mistakes part ways with torch over the run.
    for mistake in (wrong.torch_momentum_step_dampened, wrong.torch_momentum_step_nesterov_ignored if nesterov
                    else wrong.torch_momentum_step_lr_in_the_buffer):
        other = iterate(mistake, start, zeros_like(start), (0.1, 0.8, nesterov), b.gradient)
        assert not all(np.allclose(other[0][n], params[n]) and np.allclose(other[1][n], buffers[n]) for n in params)


def test_momentum_mapped_half_way_continues_in_torch_s_sgd():
    start, b = bowl(3)
    eta, mu = 0.1, 0.9
    half, deltas = iterate(ref.momentum_step, start, zeros_like(start), (eta, mu), b.gradient, steps=25)
    notes_end, _ = iterate(ref.momentum_step, half, deltas, (eta, mu), b.gradient, steps=50)
    for module in (ref, ref_torch):
        buffers, lr, momentum = as_numpy(module.momentum_to_torch(deltas, eta, mu))
        tensors = {name: torch.nn.Parameter(torch.tensor(value)) for name, value in half.items()}
        optimiser = torch.optim.SGD(list(tensors.values()), lr=lr, momentum=momentum)
        for name, tensor in tensors.items():
            optimiser.state[tensor]["momentum_buffer"] = torch.tensor(buffers[name])
        for _ in range(50):
            gradients = b.gradient({name: tensor.detach().numpy().copy() for name, tensor in tensors.items()})
            for name, tensor in tensors.items():
                tensor.grad = torch.tensor(gradients[name])
            optimiser.step()
        assert_dicts({name: tensor.detach().numpy() for name, tensor in tensors.items()}, notes_end)
    # Each wrong map ends elsewhere.
    for mistake in (wrong.momentum_to_torch_buffer_sign, wrong.momentum_to_torch_buffer_not_divided,
                    wrong.momentum_to_torch_effective_rate, wrong.momentum_to_torch_momentum_as_one_minus_mu):
        buffers, lr, momentum = mistake(deltas, eta, mu)
        state = {name: -lr * buffers[name] for name in buffers}  # torch's buffer as the notes' step at rate lr
        end, _ = iterate(ref.momentum_step, half, state, (lr, momentum), b.gradient, steps=50)
        assert not all(np.allclose(end[n], notes_end[n], rtol=1e-4) for n in end), mistake.__name__


def test_with_a_changing_rate_the_notes_and_torch_s_bookkeeping_take_different_steps():
    """The notes' Delta w carries eta inside it; torch's v does not: a schedule changes the two differently."""
    start, b = bowl(4)
    rates = [0.2 * 0.9**k for k in range(30)]
    notes, deltas = start, zeros_like(start)
    torch_form, buffers = start, zeros_like(start)
    for lr in rates:
        notes, deltas = ref.momentum_step(notes, b.gradient(notes), deltas, lr, 0.9)
        torch_form, buffers = ref.torch_momentum_step(torch_form, b.gradient(torch_form), buffers, lr, 0.9, False)
    assert not np.allclose(notes["layers.0.weight"], torch_form["layers.0.weight"], rtol=1e-3)


@pytest.mark.parametrize("eps", [1e-10, 1e-3])
def test_adagrad_is_torch_s_adagrad(eps):
    start, b = bowl(5, scale=0.05)
    params, sums = iterate(ref.adagrad_step, start, zeros_like(start), (0.1, eps), b.gradient)
    want, optimiser, tensors = torch_optimiser(lambda p: torch.optim.Adagrad(p, lr=0.1, eps=eps), start, b.gradient)
    assert_dicts(params, want)
    assert_dicts(sums, {name: optimiser.state[tensor]["sum"].numpy() for name, tensor in tensors.items()})
    assert_dicts(iterate(ref_torch.adagrad_step, start, zeros_like(start), (0.1, eps), b.gradient)[0], params)
    inside = iterate(wrong.adagrad_step_eps_inside_the_root, start, zeros_like(start), (0.1, eps), b.gradient)[0]
    assert np.allclose(inside["layers.0.weight"], want["layers.0.weight"], rtol=1e-6) == (eps < 1e-8)


@pytest.mark.parametrize("alpha, eps", [(0.99, 1e-8), (0.9, 1e-3)])
def test_rmsprop_is_torch_s_rmsprop(alpha, eps):
    start, b = bowl(6, scale=0.05)
    params, averages = iterate(ref.rmsprop_step, start, zeros_like(start), (0.01, alpha, eps), b.gradient)
    want, optimiser, tensors = torch_optimiser(lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=alpha, eps=eps), start, b.gradient)
    assert_dicts(params, want)
    assert_dicts(averages, {name: optimiser.state[tensor]["square_avg"].numpy() for name, tensor in tensors.items()})
    assert_dicts(iterate(ref_torch.rmsprop_step, start, zeros_like(start), (0.01, alpha, eps), b.gradient)[0], params)
    for mistake in (wrong.rmsprop_step_alpha_on_the_new_term, wrong.rmsprop_step_one_minus_alpha_left_out):
        other = iterate(mistake, start, zeros_like(start), (0.01, alpha, eps), b.gradient)[0]
        assert not np.allclose(other["layers.0.weight"], want["layers.0.weight"], rtol=1e-4)


@pytest.mark.parametrize("betas, eps", [((0.9, 0.999), 1e-8), ((0.8, 0.95), 1e-2), ((0.9, 0.999), 1e-3)])
def test_adam_is_torch_s_adam_and_its_eps_goes_on_the_corrected_root(betas, eps):
    start, b = bowl(7, scale=0.05)
    state0 = {"step": 0, "m": zeros_like(start), "v": zeros_like(start)}
    params, state = iterate(ref.adam_step, start, state0, (0.02, *betas, eps), b.gradient)
    want, optimiser, tensors = torch_optimiser(lambda p: torch.optim.Adam(p, lr=0.02, betas=betas, eps=eps), start, b.gradient)
    assert_dicts(params, want)
    assert state["step"] == STEPS
    assert_dicts(state["m"], {name: optimiser.state[tensor]["exp_avg"].numpy() for name, tensor in tensors.items()})
    assert_dicts(state["v"], {name: optimiser.state[tensor]["exp_avg_sq"].numpy() for name, tensor in tensors.items()})
    twin = iterate(ref_torch.adam_step, start, state0, (0.02, *betas, eps), b.gradient)
    assert_dicts(twin[0], params)
    assert twin[1]["step"] == STEPS
    assert not np.allclose(iterate(wrong.adam_step_no_bias_correction, start, state0, (0.02, *betas, eps), b.gradient)[0]["layers.0.weight"],
                           want["layers.0.weight"], rtol=1e-4)
    for mistake in (wrong.adam_step_eps_inside_the_root, wrong.adam_step_eps_before_the_correction):
        other = iterate(mistake, start, state0, (0.02, *betas, eps), b.gradient)[0]
        # With the checks' eps (1e-3, 1e-2) and small gradients the placement shows beyond float32's tolerance.
        if eps >= 1e-3:
            assert not np.allclose(other["layers.0.weight"], want["layers.0.weight"], rtol=1e-4, atol=1e-6), mistake.__name__


def test_a_zero_gradient_stays_put_and_eps_keeps_it_finite():
    start, b = bowl(8, scale=0.05)
    first = next(iter(start))
    assert b.gradient(start)[first].flat[0] == 0.0
    state0 = {"step": 0, "m": zeros_like(start), "v": zeros_like(start)}
    params, _ = iterate(ref.adam_step, start, state0, (0.02, 0.9, 0.999, 1e-3), b.gradient)
    assert params[first].flat[0] == start[first].flat[0]


def test_clipping_is_torch_s():
    rng = np.random.default_rng(9)
    grads = {name: 3 * rng.normal(size=value.shape) for name, value in network_parameters(rng, (4, 3, 2)).items()}
    tensors = {name: torch.nn.Parameter(torch.zeros(value.shape, dtype=torch.float64)) for name, value in grads.items()}
    for name, tensor in tensors.items():
        tensor.grad = torch.tensor(grads[name])
    torch.nn.utils.clip_grad_value_(list(tensors.values()), 1.5)
    want = {name: tensor.grad.numpy() for name, tensor in tensors.items()}
    assert_dicts(ref.clip_grad_value(grads, 1.5), want, rtol=0, atol=0)
    for max_norm, scale in ((2.0, 1.0), (50.0, 1.0), (5e-5, 1e-5)):
        scaled = {name: g * scale for name, g in grads.items()}
        for name, tensor in tensors.items():
            tensor.grad = torch.tensor(scaled[name])
        total = float(torch.nn.utils.clip_grad_norm_(list(tensors.values()), max_norm))
        want = {name: tensor.grad.numpy() for name, tensor in tensors.items()}
        clipped, norm = ref.clip_grad_norm(scaled, max_norm)
        assert norm == pytest.approx(total, rel=1e-12)
        assert_dicts(clipped, want, rtol=1e-12)
        per_parameter = wrong.clip_grad_norm_per_parameter(scaled, max_norm)[0]
        assert all(np.allclose(per_parameter[n], want[n]) for n in want) == (max_norm == 50.0)
        # torch's 1e-6 shows at float32's tolerance only when the norm is small.
        no_eps = wrong.clip_grad_norm_eps_left_out(scaled, max_norm)[0]
        assert all(np.allclose(no_eps[n], want[n], rtol=1e-4) for n in want) == (scale == 1.0)


def test_the_docstrings_worked_examples(solutions):
    optimisers = solutions("optimisers")
    w, g = {"w": np.array([1.0, -2.0])}, {"w": np.array([0.5, -1.0])}
    g34 = {"w": np.array([3.0, -4.0])}
    for module in (ref, optimisers):
        params, deltas = module.momentum_step(w, g, {"w": np.array([0.1, 0.0])}, 0.2, 0.9)
        np.testing.assert_allclose([*params["w"], *deltas["w"]], [0.99, -1.8, -0.01, 0.2])
        params, buffers = module.torch_momentum_step(w, g, {"w": np.array([-0.5, 0.0])}, 0.2, 0.9, False)
        np.testing.assert_allclose([*params["w"], *buffers["w"]], [0.99, -1.8, 0.05, -1.0])
        params, _ = module.torch_momentum_step(w, g, {"w": np.array([-0.5, 0.0])}, 0.2, 0.9, True)
        np.testing.assert_allclose(params["w"], [0.891, -1.62])
        buffers, lr, momentum = module.momentum_to_torch({"w": np.array([0.1, 0.0])}, 0.2, 0.9)
        np.testing.assert_allclose([*buffers["w"], lr, momentum], [-0.5, 0.0, 0.2, 0.9])
        params, sums = module.adagrad_step(w, g34, {"w": np.array([16.0, 0.0])}, 0.5, 1e-10)
        np.testing.assert_allclose([*params["w"], *sums["w"]], [0.7, -1.5, 25.0, 16.0])
        params, averages = module.rmsprop_step(w, g34, {"w": np.zeros(2)}, 0.01, 0.99, 1e-8)
        np.testing.assert_allclose([*params["w"], *averages["w"]], [0.9, -1.9, 0.09, 0.16], rtol=1e-7)
        params, state = module.adam_step(w, g34, {"step": 0, "m": {"w": np.zeros(2)}, "v": {"w": np.zeros(2)}}, 0.1, 0.9, 0.999, 1e-8)
        np.testing.assert_allclose([*params["w"], *state["m"]["w"], *state["v"]["w"]], [0.9, -1.9, 0.3, -0.4, 0.009, 0.016], rtol=1e-8)
        assert state["step"] == 1
        clipped = module.clip_grad_value({"critic.weight": np.array([[14.0, 16.0, -4.2]]), "critic.bias": np.array([-7.0])}, 5.0)
        np.testing.assert_allclose([*clipped["critic.weight"][0], *clipped["critic.bias"]], [5.0, 5.0, -4.2, -5.0])
        grads = {"fc.weight": np.array([[3.0, 0.0]]), "fc.bias": np.array([4.0])}
        clipped, norm = module.clip_grad_norm(grads, 1.0)
        np.testing.assert_allclose([*clipped["fc.weight"][0], *clipped["fc.bias"], norm], [0.6 * 5 / (5 + 1e-6), 0.0, 0.8 * 5 / (5 + 1e-6), 5.0],
                                   rtol=1e-14)
        clipped, norm = module.clip_grad_norm(grads, 10.0)
        np.testing.assert_allclose([*clipped["fc.weight"][0], *clipped["fc.bias"], norm], [3.0, 0.0, 4.0, 5.0])


def adam_in_other_order(params, grads, state, lr, beta1, beta2, eps, correct=True):
    """Adam computed in another order than the reference (its answers differ in their last bits)."""
    t = int(state["step"]) + 1
    new, m_new, v_new = {}, {}, {}
    for name in params:
        g = np.asarray(grads[name])
        m = beta1 * (np.asarray(state["m"][name]) - g) + g
        v = beta2 * (np.asarray(state["v"][name]) - g * g) + g * g
        scale = np.sqrt(1 - beta2**t) / (1 - beta1**t) if correct else 1.0
        denominator = v**0.5 + (eps * np.sqrt(1 - beta2**t) if correct else eps)
        new[name] = np.asarray(params[name]) - (lr * scale) * m / denominator
        m_new[name], v_new[name] = m, v
    return new, {"step": t, "m": m_new, "v": v_new}


@pytest.mark.parametrize("correct", [True, False], ids=["right", "no bias correction"])
def test_arithmetic_that_differs_in_the_last_bits_scores_as_the_reference_and_is_named(correct):
    """A right answer whose arithmetic differs in its last bits keeps full marks over 20 students' hidden inputs (the
    runs are judged at float32's tolerance), and a known mistake so written (5 students) is named by the one-step check from a
    state in mid-run, whose inputs do not depend on the student's answers."""
    exercise = REGISTRY.get("optimisers.adam_step")
    student = TrustedStudentCode(lambda *args: adam_in_other_order(*args, correct=correct))
    for seed in range(20 if correct else 5):  # diagnosis runs every known mistake's trace: a wrong answer costs more
        result = grade_exercise(exercise, student, expectations=ReferenceExpectations(),
                                seeds=SeedPolicy.for_student("salt", f"student{seed}"), include_hidden=True)
        if correct:
            assert result.score == result.max_score, "\n".join(f"{c.test_id}: {c.feedback}" for c in result.checks)
        else:
            one = next(c for c in result.checks if c.test_id.endswith("from_a_state"))
            assert [m.name for m in one.mistakes] == ["no bias correction"], one.feedback
            assert result.score < result.max_score
