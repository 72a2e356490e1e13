"""The derivation references: each formula confirmed independently, the notes' examples, the mistakes.

- every reference expression agrees with torch autograd (batch
  normalisation through ``nn.BatchNorm1d``), a direct computation (energies,
  normalised adjacency, the KL divergences of torch's distributions and
  scipy.stats.entropy, dropout's
  expectation by enumeration and ``nn.Dropout``) or a simulation (momentum,
  with torch's SGD too, gradient descent, He's variance);
- the worked examples of the notes (2.1.2, 2.1.3, 2.2.2, 2.3.1, 2.3.2), with the
  slips of course/README.md followed by the mathematics;
- every single-answer mistake variant is equivalent to the wrong answer its
  question declares, usually written differently (so diagnosis by
  equivalence, not string equality, is what names it);
- the solutions and the second references read and agree with the references.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import reference.derivations as ref
import reference.perceptron as perceptron
from reference.derivations_mistakes import WRONG_ANSWERS
from grader.catalog.derivations import QUESTIONS, derivation_reference
from grader.declarations import resolve
from grader.derivations import AnswerRejected, decide, parse_answer, parse_chain
from grader.derivations.answers import read_steps
from grader.derivations.equivalence import example_point
from grader.derivations.equivalence import value_at
from grader.derivations.question import Example

from conftest import SOLUTIONS, load_module

SEEDS = range(4)


def value(function: str, **values: Any) -> Any:
    """The reference expression of ``function`` evaluated at ``values`` (floats or nested lists)."""
    question = QUESTIONS[function]
    expression = parse_answer(derivation_reference(function), question)
    result = value_at(expression.tree, example_point(Example(values, ""), question), question)
    if isinstance(result, np.ndarray):
        return np.array(result.tolist(), dtype=float)
    return float(result)


# -- each formula, confirmed independently ---------------------------------------------------------


@pytest.mark.parametrize("z", [-3.0, -0.5, 0.0, 1.2, 4.0])
def test_sigmoid_derivative_by_autograd(z):
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    torch.sigmoid(t).backward()
    assert value("sigmoid_derivative", z=z) == pytest.approx(t.grad.item(), rel=1e-12)
    question = QUESTIONS["sigmoid_derivative_steps"]
    point = example_point(Example({"z": z}, ""), question)
    for step in ref.sigmoid_derivative_steps():
        assert float(value_at(parse_answer(step, question).tree, point, question)) == pytest.approx(t.grad.item(), rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_bp1_quadratic_by_autograd(seed):
    rng = np.random.default_rng(seed)
    a, y = rng.normal(), rng.uniform()
    t = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    (0.5 * (y - torch.sigmoid(t)) ** 2).backward()
    assert value("bp1_quadratic", a_j=a, y_j=y) == pytest.approx(t.grad.item(), rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_cross_entropy_weight_gradient_by_autograd(seed):
    rng = np.random.default_rng(seed)
    x, b, y = rng.normal(size=3), rng.normal(), float(rng.uniform())
    w = torch.tensor(rng.normal(size=3), dtype=torch.float64, requires_grad=True)
    a = w @ torch.tensor(x) + b
    torch.nn.functional.binary_cross_entropy(torch.sigmoid(a), torch.tensor(y, dtype=torch.float64)).backward()
    for j in range(3):
        assert value("cross_entropy_weight_gradient", x_j=x[j], a=a.item(), y=y) == pytest.approx(w.grad[j].item(), rel=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_log_likelihood_gradient_by_autograd(seed):
    rng = np.random.default_rng(seed)
    logits = torch.tensor(rng.normal(size=5), dtype=torch.float64, requires_grad=True)
    label = int(rng.integers(5))
    torch.nn.functional.cross_entropy(logits[None], torch.tensor([label])).backward()
    z = torch.softmax(logits, 0).detach().numpy()
    got = value("softmax_log_likelihood_gradient", z=z.tolist(), y=np.eye(5)[label].tolist())
    np.testing.assert_allclose(got.ravel(), logits.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_bp2_bp3_bp4_by_autograd(seed):
    rng = np.random.default_rng(seed)
    n_prev, n, n_next = 4, 3, 2
    z_prev = rng.uniform(size=n_prev)
    W = torch.tensor(rng.normal(size=(n, n_prev)), requires_grad=True)
    b = torch.tensor(rng.normal(size=n), requires_grad=True)
    W_next = rng.normal(size=(n_next, n))
    delta_next = rng.normal(size=n_next)
    a = W @ torch.tensor(z_prev) + b
    a.retain_grad()
    # A cost whose gradient with respect to a^{l+1} is delta_next.
    cost = torch.tensor(delta_next) @ (torch.tensor(W_next) @ torch.sigmoid(a))
    cost.backward()
    delta = a.grad.numpy()
    bp2 = value("bp2_hidden_error", W_next=W_next.tolist(), delta_next=delta_next.tolist(), a=a.detach().numpy().tolist())
    np.testing.assert_allclose(bp2.ravel(), delta, rtol=1e-10)
    bp3 = value("bp3_bias_gradient", delta=delta.tolist(), a=a.detach().numpy().tolist(), z_prev=z_prev.tolist())
    np.testing.assert_allclose(bp3.ravel(), b.grad.numpy(), rtol=1e-10)
    bp4 = value("bp4_weight_gradient", delta=delta.tolist(), z_prev=z_prev.tolist(), a=a.detach().numpy().tolist())
    np.testing.assert_allclose(bp4, W.grad.numpy(), rtol=1e-10)


def _hopfield_energy(w: np.ndarray, y: np.ndarray) -> float:
    return float(-0.5 * y @ w @ y)


@pytest.mark.parametrize("seed", SEEDS)
def test_hopfield_energy_change_by_direct_computation(seed):
    rng = np.random.default_rng(seed)
    n = 6
    w = np.triu(rng.normal(size=(n, n)), 1)
    w = w + w.T
    y = rng.choice([-1.0, 1.0], size=n)
    for k in range(n):
        flipped = y.copy()
        flipped[k] = -flipped[k]
        change = _hopfield_energy(w, flipped) - _hopfield_energy(w, y)
        assert value("hopfield_energy_change", w=w.tolist(), y=y.tolist(), k=k) == pytest.approx(change, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_rbm_hidden_probability_by_enumeration(seed):
    rng = np.random.default_rng(seed)
    n_v, n_h = 4, 3
    v = rng.integers(0, 2, size=n_v).astype(float)
    w = rng.normal(size=(n_v, n_h))
    b = rng.normal(size=n_h)
    for j in range(n_h):
        # The energy terms with h_j: -(sum_i v_i w_ij + b_j) h_j; the others cancel in the ratio.
        energy = {h: -(v @ w[:, j] + b[j]) * h for h in (0, 1)}
        p = np.exp(-energy[1]) / (np.exp(-energy[0]) + np.exp(-energy[1]))
        assert value("rbm_hidden_probability", v=v.tolist(), w=w.tolist(), b=b.tolist(), j=j) == pytest.approx(p, rel=1e-10)


def test_he_initialisation_keeps_the_variance_by_simulation():
    rng = np.random.default_rng(0)
    M, samples = 64, 20_000
    eps = value("he_initialisation", M=M, N=10)
    a_prev = rng.normal(size=(samples, M))
    weights = rng.normal(scale=eps, size=(samples, M))
    a = np.sum(np.maximum(a_prev, 0) * weights, axis=1)
    assert np.var(a) == pytest.approx(1.0, rel=0.05)


def test_attention_score_variance_by_simulation():
    rng = np.random.default_rng(0)
    D_k = 32
    q, k = rng.normal(size=(2, 50_000, D_k))
    assert np.var(np.sum(q * k, axis=1)) == pytest.approx(value("attention_score_variance", D_k=D_k), rel=0.05)


@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (1.3, 0.4), (-2.0, 2.5)])
def test_vae_kl_by_torch_distributions(mu, sigma):
    kl = torch.distributions.kl_divergence(
        torch.distributions.Normal(torch.tensor(mu, dtype=torch.float64), torch.tensor(sigma, dtype=torch.float64)),
        torch.distributions.Normal(torch.tensor(0.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64)),
    ).item()
    assert value("vae_kl", mu=mu, sigma=sigma) == pytest.approx(kl, rel=1e-12, abs=1e-14)
    question = QUESTIONS["vae_kl_steps"]
    point = example_point(Example({"mu": mu, "sigma": sigma}, ""), question)
    for step in ref.vae_kl_steps():
        assert float(value_at(parse_answer(step, question).tree, point, question)) == pytest.approx(kl, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("t", [-1.5, 0.3, 1.0, 2.0])
def test_chain_rule_example_by_autograd(t):
    tt = torch.tensor(t, dtype=torch.float64, requires_grad=True)
    x, y = tt**2, tt
    (x**2 * y**2).backward()
    assert value("chain_rule_example", t=t) == pytest.approx(tt.grad.item(), rel=1e-12)


@pytest.mark.parametrize("x", [-1.5, -0.5, 0.7, 2.0])
def test_product_rule_example_by_autograd(x):
    xx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (xx**2 * xx**3).backward()
    assert value("product_rule_example", x=x) == pytest.approx(xx.grad.item(), rel=1e-12)


@pytest.mark.parametrize("x", [0.3, 1.0, 2.5])
def test_quotient_rule_example_by_autograd(x):
    xx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (xx**5 / xx**2).backward()
    assert value("quotient_rule_example", x=x) == pytest.approx(xx.grad.item(), rel=1e-12)


@pytest.mark.parametrize(("p", "q"), [(0.5, 0.5), (0.5, 0.25), (0.9, 0.5), (0.05, 0.7), (0.3, 0.99)])
def test_bernoulli_kl_by_torch_distributions_and_scipy(p, q):
    import scipy.stats

    kl = torch.distributions.kl_divergence(
        torch.distributions.Bernoulli(probs=torch.tensor(p, dtype=torch.float64)),
        torch.distributions.Bernoulli(probs=torch.tensor(q, dtype=torch.float64)),
    ).item()
    assert value("bernoulli_kl", p=p, q=q) == pytest.approx(kl, rel=1e-10, abs=1e-14)
    assert value("bernoulli_kl", p=p, q=q) == pytest.approx(scipy.stats.entropy([p, 1 - p], [q, 1 - q]), rel=1e-12, abs=1e-15)
    if p != q:  # not symmetric: the swapped arguments give another number
        assert value("bernoulli_kl", p=q, q=p) != pytest.approx(value("bernoulli_kl", p=p, q=q), rel=1e-6)


def test_gcn_edge_weight_by_the_normalised_adjacency():
    rng = np.random.default_rng(0)
    n = 8
    A = np.triu((rng.uniform(size=(n, n)) < 0.4).astype(float), 1)
    A = A + A.T
    A_tilde = A + np.eye(n)
    d = A_tilde.sum(axis=1)
    normalised = A_tilde / np.sqrt(np.outer(d, d))
    degrees = A.sum(axis=1)
    for u, v in zip(*np.nonzero(A)):
        assert value("gcn_edge_weight", deg_u=degrees[u], deg_v=degrees[v]) == pytest.approx(normalised[u, v], rel=1e-12)


@pytest.mark.parametrize(("p_data", "p_g"), [(1.0, 1.0), (3.0, 1.0), (0.2, 1.7)])
def test_gan_optimal_discriminator_maximises_the_value(p_data, p_g):
    d_star = value("gan_optimal_discriminator", p_data=p_data, p_g=p_g)
    D = torch.tensor(d_star, dtype=torch.float64, requires_grad=True)
    objective = p_data * torch.log(D) + p_g * torch.log(1 - D)
    (gradient,) = torch.autograd.grad(objective, D, create_graph=True)
    (curvature,) = torch.autograd.grad(gradient, D)
    assert abs(gradient.item()) < 1e-10 and curvature.item() < 0


@pytest.mark.parametrize("mu", [0.5, 0.9, 0.99])
def test_momentum_factor_by_simulation(mu):
    eta, gradient, step = 0.1, 1.0, 0.0
    for _ in range(5000):
        step = -eta * gradient + mu * step
    assert -step / (eta * gradient) == pytest.approx(value("momentum_learning_rate_factor", mu=mu), rel=1e-9)


def test_largest_stable_step_by_simulation():
    eigenvalues = np.array([0.3, 1.0, 4.0])
    bound = value("largest_stable_step", lambda_max=4.0, lambda_min=0.3)
    for eta, converges in ((0.99 * bound, True), (1.01 * bound, False)):
        w = np.ones(3)
        for _ in range(2000):
            w = w - eta * eigenvalues * w  # gradient descent on 1/2 sum lambda_i w_i^2
        assert (np.abs(w).max() < 1e-3) == converges


@pytest.mark.parametrize("seed", SEEDS)
def test_perceptron_update_agrees_with_the_perceptron_reference(seed):
    rng = np.random.default_rng(seed)
    w, x = rng.normal(size=4), rng.normal(size=3)
    net = w[0] + x @ w[1:]
    d = -1 if net > 0 else 1  # misclassified
    expected = perceptron.learning_step(w, x, d, 0.7)
    got = value("perceptron_update", w=w.tolist(), x=[1.0, *x], d=d, eta=0.7)
    np.testing.assert_allclose(got.ravel(), expected, rtol=1e-12)


@pytest.mark.parametrize(("M", "eps", "lam"), [(64, 0.1, 2.0), (20, 0.5, 0.7)])
def test_he_variance_by_simulation(M, eps, lam):
    rng = np.random.default_rng(0)
    samples = 40_000
    a_prev = rng.normal(scale=lam, size=(samples, M))  # symmetric about 0, variance lambda^2
    weights = rng.normal(scale=eps, size=(samples, M))
    a = np.sum(weights * np.maximum(a_prev, 0), axis=1)
    assert np.var(a) == pytest.approx(value("he_variance", M=M, eps=eps, **{"lambda": lam}), rel=0.05)
    # He's scale eps = sqrt(2/M) keeps the variance from layer to layer.
    assert value("he_variance", M=M, eps=np.sqrt(2 / M), **{"lambda": lam}) == pytest.approx(lam**2, rel=1e-12)


@pytest.mark.parametrize(("eta", "mu", "g"), [(0.1, 0.9, 1.0), (0.5, 0.5, -2.0), (0.01, 0.99, 0.3)])
def test_momentum_constant_gradient_step_by_simulation(eta, mu, g):
    step = 0.0
    for _ in range(10_000):
        step = -eta * g + mu * step  # the notes' update, from Delta w = 0
    assert step == pytest.approx(value("momentum_constant_gradient_step", eta=eta, mu=mu, g=g), rel=1e-9)
    # torch's SGD(momentum=mu, dampening=0) keeps a buffer b = mu b + g and steps -eta b: the same step.
    w = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    sgd = torch.optim.SGD([w], lr=eta, momentum=mu)
    for _ in range(3000):
        before = w.detach().clone()
        w.grad = torch.full_like(w, g)
        sgd.step()
    assert (w.detach() - before).item() == pytest.approx(value("momentum_constant_gradient_step", eta=eta, mu=mu, g=g), rel=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_batch_norm_input_gradient_by_autograd_through_torch_s_batch_norm(seed):
    rng = np.random.default_rng(seed)
    K, delta = int(rng.integers(2, 7)), float(rng.uniform(0.01, 1.0))
    a, g = rng.normal(size=K), rng.normal(size=K)
    layer = torch.nn.BatchNorm1d(1, eps=delta, affine=False, dtype=torch.float64).train()
    inputs = torch.tensor(a[:, None], requires_grad=True)
    (layer(inputs)[:, 0] * torch.tensor(g)).sum().backward()  # dC/dahat_n = g_n
    for m in range(K):
        got = value("batch_norm_input_gradient", a=a.tolist(), g=g.tolist(), delta=delta, m=m)
        assert got == pytest.approx(inputs.grad[m, 0].item(), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize(("seed", "p"), [(0, 0.2), (1, 0.75), (2, 0.5)])
def test_dropout_expectation_by_enumeration_and_torch_s_dropout(seed, p):
    rng = np.random.default_rng(seed)
    n = 4
    w, z = rng.normal(size=n), rng.normal(size=n)
    expected = value("dropout_expectation", w=w.tolist(), z=z.tolist(), p=p)
    # Every mask, with its probability: m_j = 1 with probability 1 - p, independently.
    masks = np.array(np.meshgrid(*[[0, 1]] * n)).reshape(n, -1).T
    probabilities = np.prod(np.where(masks == 1, 1 - p, p), axis=1)
    enumerated = float(probabilities @ (masks * w * z / (1 - p)).sum(axis=1))
    assert expected == pytest.approx(enumerated, rel=1e-12, abs=1e-14)
    # nn.Dropout(p) in training mode followed by the weights: the mean of 10^6 draws of a is within 6 standard
    # deviations, sqrt(p / (1 - p) sum_j (w_j z_j)^2) / 1000, of E[a] (a fixed seed; 6 sigma fails 2e-9 of seeds).
    torch.manual_seed(seed)
    dropped = torch.nn.Dropout(p).train()(torch.tensor(z).expand(1_000_000, n))
    a = dropped @ torch.tensor(w)
    assert abs(a.mean().item() - expected) < 6 * np.sqrt(p / (1 - p) * np.sum((w * z) ** 2)) / 1000


# -- the notes' worked examples ----------------------------------------------------------------------


def test_example_2_3_2_rbm_probability_to_six_places():
    # The notes print 0.50251; sigma(0.01) = 0.502500 to six places (course/README.md).
    p = value("rbm_hidden_probability", v=[1, 0], w=[[0.01], [0.02]], b=[0], j=0)
    assert round(p, 6) == 0.5025


def test_example_2_3_1_flip_lowers_the_energy():
    w = [[0, -0.6, 0.6], [-0.6, 0, -0.6], [0.6, -0.6, 0]]
    # Unit 1 of [-1, -1, 1] has v_1 = 1.2 > 0, so it flips to +1: the energy drops by 2.4.
    assert value("hopfield_energy_change", w=w, y=[-1, -1, 1], k=0) == pytest.approx(-2.4)
    # In the stable state [1, -1, 1] every flip raises the energy (v_3 = 1.2, not 0: a slip in the notes).
    for k in range(3):
        assert value("hopfield_energy_change", w=w, y=[1, -1, 1], k=k) > 0


def test_the_training_questions_worked_values():
    assert value("batch_norm_input_gradient", a=[1, 2, 3, 6], g=[1, 0, 0, 0], delta=0.5, m=0) == pytest.approx(0.25)
    assert value("batch_norm_input_gradient", a=[0, 2], g=[1, -1], delta=1, m=1) == pytest.approx(-0.5 / np.sqrt(2))
    assert value("he_variance", M=50, eps=0.2, **{"lambda": 3}) == pytest.approx(9.0)
    assert value("momentum_constant_gradient_step", eta=0.1, mu=0.9, g=1) == pytest.approx(-1.0)
    assert value("dropout_expectation", w=[1, -2], z=[3, 1], p=0.2) == pytest.approx(1.0)


def test_worked_example_2_1_3_dz_dt_is_6_t_to_the_5th():
    # dz/dt = 2 x y^2 2t + 2 x^2 y 1 = 4 t^5 + 2 t^5 = 6 t^5, and the reference reads as that polynomial
    for t in (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0):
        assert value("chain_rule_example", t=t) == pytest.approx(6 * t**5, rel=1e-14, abs=1e-15)
    assert value("chain_rule_example", t=1) == 6 and value("chain_rule_example", t=2) == 192


def test_worked_example_2_1_2_product_and_quotient_rules():
    # (x^2 x^3)' = 5 x^4 = (x^5)'; (x^5 / x^2)' = 3x^6 / x^4 = 3 x^2 = (x^3)'
    for x in (0.5, 1.0, 2.0):
        assert value("product_rule_example", x=x) == pytest.approx(5 * x**4, rel=1e-14)
        assert value("quotient_rule_example", x=x) == pytest.approx(3 * x**2, rel=1e-14)
    # the notes' intermediate product-rule line differentiates each second factor again: 12 x^3, not 5 x^4
    assert WRONG_ANSWERS["product_rule_example_differentiated_twice"] == "12 x^3"


def test_example_2_1_3_and_2_2_2():
    assert value("chain_rule_example", t=1) == 6
    np.testing.assert_allclose(value("perceptron_update", w=[0, 0, 0], x=[1, 1, 1], d=1, eta=0.5).ravel(), [0.5, 0.5, 0.5])


# -- mistakes, solutions, second references -------------------------------------------------------------


def _single_answer_mistakes():
    for function, question in QUESTIONS.items():
        if question.start is None:
            for mistake in question.mistakes:
                yield function, mistake


@pytest.mark.parametrize(("function", "mistake"), list(_single_answer_mistakes()), ids=lambda x: getattr(x, "name", x))
def test_each_variant_is_its_declared_wrong_answer(function, mistake):
    question = QUESTIONS[function]
    written = resolve(f"reference.derivations_mistakes:{mistake.variant}")()
    text = WRONG_ANSWERS[mistake.variant]
    try:
        declared = parse_answer(text, question)
    except AnswerRejected as exc:  # a mistake that cannot be read: the variant must fail the same way
        with pytest.raises(type(exc)) as raised:
            parse_answer(written, question)
        assert raised.value.message == exc.message
        return
    result = decide(parse_answer(written, question), declared, rng=np.random.default_rng(0))
    assert result.equivalent, (written, text)
    assert not decide(declared, parse_answer(derivation_reference(function), question), rng=np.random.default_rng(0)).equivalent


@pytest.mark.parametrize("function", list(QUESTIONS))
def test_solution_and_second_reference_agree_with_the_reference(function):
    question = QUESTIONS[function]
    solution = getattr(load_module(SOLUTIONS, "derivations"), function)()
    second = resolve(f"reference.derivations_torch:{function}")()
    for answer in (solution, second):
        if question.start is None:
            assert decide(parse_answer(answer, question), parse_answer(derivation_reference(function), question), rng=np.random.default_rng(1)).equivalent
        else:
            steps, _ = read_steps(answer, question, name=function)
            target = parse_answer(derivation_reference(function), question)
            assert decide(steps[-1], target, rng=np.random.default_rng(1)).equivalent
            assert decide(steps[0], parse_answer(question.start, question), rng=np.random.default_rng(1)).equivalent


def test_multi_step_references_follow_step_by_step():
    for function in ("sigmoid_derivative_steps", "vae_kl_steps"):
        question = QUESTIONS[function]
        steps = [parse_chain(step, question)[0] for step in resolve(f"reference.derivations:{function}")()]
        assert len(steps) >= question.min_steps
        for before, after in zip(steps, steps[1:]):
            assert decide(after, before, rng=np.random.default_rng(2)).equivalent


def test_every_known_mistake_has_one_declared_wrong_answer():
    variants = [mistake.variant for question in QUESTIONS.values() for mistake in question.mistakes]
    assert len(variants) == len(set(variants))
    assert sorted(variants) == sorted(WRONG_ANSWERS)


# -- recurrent networks ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_cell_state_gradient_by_autograd(seed):
    from reference.rnn import lstm_gates

    rng = np.random.default_rng(seed)
    n_x, n_h = 3, 2
    x, h, W, b = rng.normal(size=(1, n_x)), rng.normal(size=(1, n_h)), rng.normal(size=(4 * n_h, n_h + n_x)), rng.normal(size=4 * n_h)
    i, f, g, _ = lstm_gates(x, h, W, b)
    a_f = (np.concatenate([h, x], axis=1) @ W.T + b)[0, n_h : 2 * n_h]
    c_prev = rng.normal(size=(1, n_h))
    step = lambda c0: torch.as_tensor(f) * c0 + torch.as_tensor(i * g)  # noqa: E731 - C_t as a function of C_{t-1}
    jacobian = torch.autograd.functional.jacobian(step, torch.as_tensor(c_prev))
    assert np.allclose(jacobian.reshape(n_h, n_h).numpy(), np.diag(f[0]))
    for unit in range(n_h):
        got = value("lstm_cell_state_gradient", a_f=a_f[unit], i=i[0, unit], g=g[0, unit], c_prev=c_prev[0, unit])
        assert got == pytest.approx(f[0, unit], rel=1e-12)
    # Example 2.4.1's argument: W_f [1, 1, 0, 1] = -8, so the cell keeps only sigma(-8) of C_{t-1}.
    assert value("lstm_cell_state_gradient", a_f=-8.0, i=1.0, g=0.5, c_prev=2.0) < 1e-3


@pytest.mark.parametrize("seed", SEEDS)
def test_linear_rnn_bptt_by_autograd(seed):
    rng = np.random.default_rng(seed)
    n, m = 3, 2
    W_aa, W_ax, delta = rng.normal(size=(n, n)), rng.normal(size=(n, m)), rng.normal(size=n)
    x1, x2 = torch.as_tensor(rng.normal(size=m)), torch.as_tensor(rng.normal(size=m))
    a0 = torch.tensor(rng.normal(size=n), requires_grad=True)
    A, U = torch.as_tensor(W_aa), torch.as_tensor(W_ax)
    a2 = A @ (A @ a0 + U @ x1) + U @ x2
    (gradient,) = torch.autograd.grad((a2 * torch.as_tensor(delta)).sum(), a0)
    got = value("linear_rnn_bptt", W_aa=W_aa.tolist(), W_ax=W_ax.tolist(), delta=delta.tolist())
    np.testing.assert_allclose(got.ravel(), gradient.numpy(), rtol=1e-12)
