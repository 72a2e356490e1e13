"""The information references against scipy.stats.entropy, scipy.special's rel_entr and kl_div, torch's
F.kl_div and scikit-learn's mutual_info_score, and the identities the exercises state.

- ``entropy`` is ``scipy.stats.entropy(p, base=b)`` (0 log 0 = 0), in bits,
  nats and base 10; the fair coin has 1 bit, ln 2 = 0.693 nats, the most a
  Bernoulli variable has (the notes' "0.7 nats at phi = 0.5");
- ``kl_divergence`` is ``scipy.stats.entropy(p, qk=q, base=b)``,
  ``rel_entr(p, q).sum() / ln b`` and ``kl_div(p, q).sum() / ln b``, +inf
  where q = 0 < p as rel_entr's terms are, and ``F.kl_div(q.log(), p)`` with
  the arguments the other way round (nan where p = q = 0, so over the other states); it is not symmetric, 0 for p = q and
  never negative;
- ``cross_entropy`` is ``H(p) + KL(p || q)``, checked in bits and nats for
  the reference, its torch twin and the solution, infinite with KL;
- ``mutual_information`` is ``H(x) + H(y) - H(x, y)`` from
  scipy.stats.entropy, ``mutual_info_score`` on a table of counts (nats),
  KL(P || P(x) P(y)) from rel_entr, and 0 for independent tables; the
  mistake with averaged marginals is off by exactly log_b(m k);
- the checks' pairs are at least 0.05 nats apart both ways, and their tables' mutual information as large, so a float32 answer's own
  rounding stays far inside float32's tolerance;
- the docstrings' worked examples hold for the reference and the solution.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.special
import scipy.stats
import torch
import torch.nn.functional as F
from sklearn.metrics import mutual_info_score

import reference.information as ref
import reference.information_mistakes as wrong
import reference.information_torch as ref_torch
from grader.catalog.information import SEPARATION, dependent_table, pair, pair_cases, pmf

BASES = (2.0, math.e, 10.0)


@pytest.fixture
def modules(solutions):
    return (ref, ref_torch, solutions("information"))


def close(a: float, b: float) -> bool:
    return a == b if math.isinf(a) or math.isinf(b) else math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-14)


@pytest.mark.parametrize("base", BASES)
def test_entropy_is_scipy_s_with_zero_log_zero_zero(base, modules):
    rng = np.random.default_rng(0)
    for p in (pmf(rng, (7,)), pmf(rng, (12,), zeros=3), pmf(rng, (3, 4), zeros=2), np.array([1.0, 0.0])):
        p = p / p.sum()  # scipy renormalises; the references take p as given
        want = scipy.stats.entropy(p.ravel(), base=base)
        for module in modules:
            assert close(module.entropy(p, base), want)
        assert np.isnan(wrong.entropy_nan_for_zero(p, base)) == (p == 0).any()


def test_the_entropy_of_a_coin_is_at_most_one_bit_and_ln_2_nats(modules):
    phis = np.linspace(0.0, 1.0, 101)
    for module in modules:
        nats = [module.entropy(np.array([phi, 1 - phi]), math.e) for phi in phis]
        assert nats[0] == 0 and nats[-1] == 0
        assert int(np.argmax(nats)) == 50 and math.isclose(nats[50], math.log(2), rel_tol=1e-12)
        assert math.isclose(module.entropy(np.array([0.5, 0.5]), 2.0), 1.0, rel_tol=1e-12)
        # The uniform distribution has the most entropy: log k.
        assert math.isclose(module.entropy(np.full(8, 1 / 8), 2.0), 3.0, rel_tol=1e-12)


@pytest.mark.parametrize("base", BASES)
def test_kl_divergence_is_scipy_s_rel_entr_kl_div_and_torch_s_kl_div_reversed(base, modules):
    rng = np.random.default_rng(1)
    for infinite in ("", "q", "p"):
        p, q = pair(rng, 8, infinite)
        p, q = p / p.sum(), q / q.sum()
        want = scipy.special.rel_entr(p, q).sum() / math.log(base)
        assert math.isinf(want) == (infinite == "q")
        assert close(scipy.stats.entropy(p, qk=q, base=base), want)
        assert close(scipy.special.kl_div(p, q).sum() / math.log(base), want) or math.isinf(want)
        if not math.isinf(want):
            # torch's F.kl_div(input, target) is KL(target || exp(input)): the log of q first, then p. Where p = q = 0
            # it gives nan (0 times its input log 0 = -inf); over the other states it agrees.
            both = (p == 0) & (q == 0)
            assert both.any() and np.isnan(float(F.kl_div(torch.tensor(q).log(), torch.tensor(p), reduction="sum")))
            torch_s = float(F.kl_div(torch.tensor(q[~both]).log(), torch.tensor(p[~both]), reduction="sum")) / math.log(base)
            assert math.isclose(torch_s, want, rel_tol=1e-12)
        for module in modules:
            assert close(module.kl_divergence(p, q, base), want)
        assert close(wrong.kl_divergence_swapped(p, q, base), scipy.special.rel_entr(q, p).sum() / math.log(base))


def test_kl_is_not_symmetric_is_zero_for_equal_distributions_and_never_negative():
    rng = np.random.default_rng(2)
    for _ in range(50):
        p, q = pair(rng, int(rng.integers(3, 10)))
        forward, backward = ref.kl_divergence(p, q, math.e), ref.kl_divergence(q, p, math.e)
        assert forward > 0 and backward > 0 and not math.isclose(forward, backward, rel_tol=1e-3)
        assert ref.kl_divergence(p, p, math.e) == 0.0
    assert math.isinf(ref.kl_divergence([0.5, 0.5], [1.0, 0.0], 2.0)) and ref.kl_divergence([1.0, 0.0], [0.5, 0.5], 2.0) == 1.0


@pytest.mark.parametrize("base", BASES[:2])
def test_cross_entropy_is_the_entropy_plus_the_kl_divergence(base, modules):
    rng = np.random.default_rng(3)
    for infinite in ("", "q", "p", ""):
        p, q = pair(rng, int(rng.integers(4, 12)), infinite)
        for module in modules:
            H_pq = module.cross_entropy(p, q, base)
            assert close(H_pq, module.entropy(p, base) + module.kl_divergence(p, q, base))
            assert close(H_pq, -scipy.special.xlogy(p, q).sum() / math.log(base))
            assert math.isinf(H_pq) == (infinite == "q")
        # scipy: H(p, q) = entropy(p) + entropy(p, qk=q), for distributions that sum to 1.
        p, q = p / p.sum(), q / q.sum()
        assert close(ref.cross_entropy(p, q, base), scipy.stats.entropy(p, base=base) + scipy.stats.entropy(p, qk=q, base=base))


def test_mutual_information_is_the_entropies_identity_sklearn_s_and_kl_from_the_product_of_marginals(modules):
    rng = np.random.default_rng(4)
    for m, k in ((3, 4), (4, 2), (2, 2), (5, 3)):
        counts = rng.integers(0, 20, size=(m, k))
        counts[0, -1] = 0
        P = counts / counts.sum()
        P_x, P_y = P.sum(axis=1), P.sum(axis=0)
        nats = mutual_info_score(None, None, contingency=counts)
        identity = scipy.stats.entropy(P_x) + scipy.stats.entropy(P_y) - scipy.stats.entropy(P.ravel())
        kl = scipy.special.rel_entr(P, np.outer(P_x, P_y)).sum()
        assert math.isclose(nats, identity, rel_tol=1e-10, abs_tol=1e-14) and math.isclose(nats, kl, rel_tol=1e-10, abs_tol=1e-14)
        for module in modules:
            for base in BASES:
                assert math.isclose(module.mutual_information(P, base), nats / math.log(base), rel_tol=1e-10, abs_tol=1e-14)
        assert math.isclose(wrong.mutual_information_marginals_averaged(P, 2.0) - ref.mutual_information(P, 2.0),
                            math.log2(m * k), rel_tol=1e-10)
    independent = np.outer([0.25, 0.75], [0.1, 0.2, 0.7])
    for module in modules:
        assert abs(module.mutual_information(independent, 2.0)) < 1e-15


def test_the_checks_pairs_and_tables_are_far_enough_apart_for_float32():
    rng = np.random.default_rng(5)
    for _ in range(300):
        for p, q, base in pair_cases(rng):
            for first, second in ((p, q), (q, p)):
                both = (first > 0) & (second > 0)
                assert ref.kl_divergence(first[both], second[both], math.e) >= SEPARATION
            assert ((p == 0) & (q == 0)).any()
            assert math.isinf(ref.kl_divergence(p, q, 2.0)) != math.isinf(ref.kl_divergence(q, p, 2.0)) or not ((p == 0) ^ (q == 0)).any()
    for _ in range(200):
        m, k = int(rng.integers(2, 6)), int(rng.integers(2, 6))
        P = dependent_table(rng, m, k)
        assert P[0, -1] == 0 and ref.mutual_information(P, math.e) >= SEPARATION


def test_the_docstrings_worked_examples(modules):
    for module in modules:
        assert math.isclose(module.entropy(np.array([0.5, 0.25, 0.25]), 2.0), 1.5, rel_tol=1e-12)
        assert math.isclose(module.entropy(np.array([0.5, 0.5]), math.e), 0.693147, abs_tol=1e-6)
        assert module.entropy(np.array([1.0, 0.0]), 2.0) == 0.0
        p, q = np.array([0.5, 0.5]), np.array([0.25, 0.75])
        assert math.isclose(module.kl_divergence(p, q, 2.0), 0.207519, abs_tol=1e-6)
        assert math.isclose(module.kl_divergence(q, p, 2.0), 0.188722, abs_tol=1e-6)
        r, s = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])
        assert math.isclose(module.kl_divergence(r, s, math.e), math.log(2), rel_tol=1e-12)
        assert math.isinf(module.kl_divergence(s, r, math.e))
        assert math.isclose(module.cross_entropy(p, q, 2.0), 1.207519, abs_tol=1e-6)
        assert math.isclose(module.cross_entropy(np.array([1.0, 0.0]), p, 2.0), 1.0, rel_tol=1e-12)
        assert math.isinf(module.cross_entropy(p, np.array([1.0, 0.0]), 2.0))
        assert abs(module.mutual_information(np.array([[0.125, 0.375], [0.125, 0.375]]), 2.0)) < 1e-15
        assert math.isclose(module.mutual_information(np.array([[0.5, 0.0], [0.0, 0.5]]), 2.0), 1.0, rel_tol=1e-12)
