"""The Hopfield references: worked example 2.3.1, the notes' properties, NumPy against torch.

- example 2.3.1: retrieval from [-1, -1, 1] reaches [1, -1, 1] (with the notes'
  slip v3(3) = 1.2, not 0), and the three storage questions;
- Hebbian storage written as a loop and vectorised agree; the energy likewise;
- the energy never increases along a retrieval, and each update lowers it by
  exactly ``-v_k (y'_k - y_k)`` (the notes' convergence proof);
- the opposite of a stable state is stable; three-memory mixtures are stable
  (spurious states) when few memories are stored in many units;
- the capacity experiment: nearly every pattern is stable for small M/N, and
  the fraction collapses past about 0.14 N;
- the seeded random order is ``np.random.default_rng(seed).permutation(N)``
  per sweep, exactly as the exercise documents;
- the NumPy and torch references agree on random float64 inputs, and so does
  the solution module.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import reference.hopfield as ref
import reference.hopfield_mistakes as mistakes
import reference.hopfield_torch as ref_torch
from grader.catalog.hopfield import EXAMPLE_START, EXAMPLE_W, hebbian, random_patterns, symmetric_weights
from grader.compare import compare
from grader.plain_data import to_plain

SEEDS = range(5)


def assert_agree(got: Any, expected: Any, *, name: str = "value") -> None:
    result = compare(to_plain(got), to_plain(expected), name=name, rtol=1e-12, atol=1e-12)
    assert result.ok, result.message


def rng_for(seed: int) -> np.random.Generator:
    return np.random.default_rng(4000 + seed)


@pytest.fixture
def solution(solutions):
    return solutions("hopfield")


# -- example 2.3.1 -----------------------------------------------------------------------------


def test_worked_example_retrieval_reaches_one_minus_one_one():
    trajectory = ref.retrieve(EXAMPLE_W, EXAMPLE_START, [0, 1, 2])
    np.testing.assert_array_equal(np.array(trajectory), [[-1, -1, 1], [1, -1, 1]])
    # The notes then visit units 2, 3 and 1 and nothing changes: the state is stable.
    final = trajectory[-1]
    for j in (1, 2, 0):
        np.testing.assert_array_equal(ref.update_unit(EXAMPLE_W, final, j), final)
    assert ref.is_stable(EXAMPLE_W, final)


def test_worked_example_slip_v3_is_one_point_two_not_zero():
    v = ref.net_inputs(EXAMPLE_W, np.array([[1.0, -1.0, 1.0]]))[0]
    np.testing.assert_allclose(v, [1.2, -1.2, 1.2])  # the notes print v3(3) = 0


def test_worked_example_units_two_and_three_start_on_a_tie():
    v = ref.net_inputs(EXAMPLE_W, EXAMPLE_START[None, :])[0]
    np.testing.assert_allclose(v, [1.2, 0.0, 0.0])
    # A net input of 0 keeps the state, so visiting them first changes nothing.
    trajectory = ref.retrieve(EXAMPLE_W, EXAMPLE_START, [1, 2, 0])
    np.testing.assert_array_equal(np.array(trajectory), [[-1, -1, 1], [-1, -1, 1], [-1, -1, 1], [1, -1, 1]])


def test_worked_example_the_other_stable_state_is_the_opposite():
    assert ref.is_stable(EXAMPLE_W, np.array([-1.0, 1.0, -1.0]))
    # Every order reaches one of the two opposite stable states from every start.
    for start in np.array(np.meshgrid(*[[-1.0, 1.0]] * 3)).reshape(3, -1).T:
        for order in ([0, 1, 2], [2, 1, 0], [1, 0, 2]):
            final = ref.retrieve(EXAMPLE_W, start, order)[-1]
            assert final.tolist() in ([1.0, -1.0, 1.0], [-1.0, 1.0, -1.0])


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        ([[1, -1, 1]], [[0, -1, 1], [-1, 0, -1], [1, -1, 0]]),
        ([[1, -1, 1], [1, 1, 1]], [[0, 0, 1], [0, 0, 0], [1, 0, 0]]),
        # f2 = -f1: the same weights as f1 alone (the notes' "w12 = ... = w13" should read w21).
        ([[1, -1, 1], [-1, 1, -1]], [[0, -1, 1], [-1, 0, -1], [1, -1, 0]]),
    ],
    ids=["f1", "f1 and [1, 1, 1]", "f1 and its opposite"],
)
def test_worked_example_storage(patterns, expected):
    W = ref.store(np.array(patterns, dtype=float))
    np.testing.assert_array_equal(W, expected)
    for f in np.array(patterns, dtype=float):
        assert ref.is_stable(W, f)


# -- storage and energy -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_store_loop_and_vectorised_agree_and_are_symmetric_with_zero_diagonal(seed):
    patterns = random_patterns(rng_for(seed), 3 + seed, 7)
    W = ref.store(patterns)
    np.testing.assert_allclose(W, ref.store_loop(patterns), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(W, W.T)
    np.testing.assert_array_equal(np.diagonal(W), 0.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_energy_loop_and_vectorised_agree(seed):
    rng = rng_for(seed)
    W, Y = symmetric_weights(rng, 6), random_patterns(rng, 4, 6)
    np.testing.assert_allclose(ref.energy(W, Y), ref.energy_loop(W, Y), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_energy_never_increases_and_each_change_lowers_it_by_the_proof_amount(seed):
    rng = rng_for(seed)
    for W in (symmetric_weights(rng, 12), hebbian(random_patterns(rng, 2, 12))):
        y0 = random_patterns(rng, 1, 12)[0]
        order = list(rng.permutation(12))
        trajectory = ref.retrieve(W, y0, order)
        E = ref.energy(W, np.array(trajectory))
        assert np.all(np.diff(E) <= 1e-12)
        for step, (before, after) in enumerate(zip(trajectory, trajectory[1:])):
            k = order[step % len(order)]
            v_k = W[k] @ before
            # E - E' = -v_k (y_k - y'_k): a change lowers E, a visit without change keeps it.
            np.testing.assert_allclose(E[step] - E[step + 1], -v_k * (before[k] - after[k]), atol=1e-12)
            assert np.sum(after != before) <= 1
        assert ref.is_stable(W, trajectory[-1])


# -- stability, spurious states, capacity -----------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_opposite_of_a_stable_state_is_stable(seed):
    rng = rng_for(seed)
    W = hebbian(random_patterns(rng, 2, 7))
    for y in random_patterns(rng, 40, 7):
        assert ref.is_stable(W, y) == ref.is_stable(W, -y)
        if ref.is_stable(W, y):
            np.testing.assert_allclose(ref.energy(W, y[None]), ref.energy(W, -y[None]))


@pytest.mark.parametrize("seed", SEEDS)
def test_three_memory_mixtures_are_spurious_stable_states(seed):
    patterns = random_patterns(rng_for(seed), 3, 400)
    W = ref.store(patterns)
    (mixture,) = ref.mixture_states(patterns)
    assert ref.is_stable(W, mixture) and ref.is_stable(W, -mixture)
    assert not any(np.array_equal(mixture, s * f) for f in patterns for s in (1, -1))


def test_mixture_states_follow_combinations_order():
    patterns = random_patterns(rng_for(0), 5, 9)
    mixtures = ref.mixture_states(patterns)
    assert mixtures.shape == (10, 9)
    np.testing.assert_array_equal(mixtures[-1], np.sign(patterns[2] + patterns[3] + patterns[4]))
    assert np.isin(mixtures, (-1.0, 1.0)).all()


def test_capacity_is_near_perfect_for_few_memories_and_collapses_past_point_one_four_n():
    N, Ms = 100, [2, 5, 14, 30, 50]
    curves = np.array([ref.capacity(N, Ms, random_patterns(rng_for(seed), 50, N)) for seed in range(20)])
    mean = curves.mean(axis=0)
    assert np.all(curves[:, :2] == 1.0)
    assert 0.3 < mean[2] < 1.0, mean  # around 0.14 N a noticeable share is lost
    assert mean[3] < 0.2 and mean[4] < 0.05, mean
    assert np.all(np.diff(mean) <= 1e-12)


def test_capacity_mistakes_break_the_curve_shape():
    N, Ms = 100, [5, 30, 50]
    patterns = random_patterns(rng_for(1), 50, N)
    assert mistakes.capacity_diagonal_kept(N, Ms, patterns)[1] > ref.capacity(N, Ms, patterns)[1]
    assert mistakes.capacity_fraction_of_units(N, Ms, patterns)[2] > 0.9
    assert mistakes.capacity_all_stored(N, Ms, patterns)[0] < 0.5


# -- orders ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_random_order_is_a_fresh_default_rng_permutation_per_sweep(seed):
    rng = rng_for(seed)
    W = symmetric_weights(rng, 10)
    y0 = random_patterns(rng, 1, 10)[0]
    generator = np.random.default_rng(seed)
    order = np.concatenate([generator.permutation(10) for _ in range(50)]).tolist()
    assert_agree(ref.retrieve_random(W, y0, seed), ref.retrieve(W, y0, order))


def test_retrieve_refuses_an_order_that_misses_a_unit():
    with pytest.raises(ValueError, match="misses"):
        ref.retrieve(EXAMPLE_W, EXAMPLE_START, [0, 1])


def test_retrieve_does_not_modify_its_input_and_returns_distinct_arrays():
    y0 = EXAMPLE_START.copy()
    trajectory = ref.retrieve(EXAMPLE_W, y0, [0, 1, 2])
    np.testing.assert_array_equal(y0, EXAMPLE_START)
    assert len({id(state) for state in trajectory}) == len(trajectory)


def test_aliased_mistake_holds_one_array_so_every_entry_is_the_final_state():
    trajectory = mistakes.retrieve_aliased(EXAMPLE_W, EXAMPLE_START, [0, 1, 2])
    assert len(trajectory) == 2 and trajectory[0] is trajectory[1]
    # Sent across the sandbox as equal copies, it still reads as final states only.
    plain = to_plain(trajectory)
    np.testing.assert_array_equal(plain[0], [1, -1, 1])


def test_synchronous_update_can_oscillate_where_asynchronous_settles():
    W = np.array([[0.0, 1.0], [1.0, 0.0]])
    y0 = np.array([1.0, -1.0])
    assert len(mistakes.retrieve_synchronous(W, y0, [0, 1])) == mistakes.MAX_UPDATES + 1
    assert ref.is_stable(W, ref.retrieve(W, y0, [0, 1])[-1])


# -- NumPy and torch references, and the solution -------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_numpy_and_torch_references_agree(seed):
    rng = rng_for(seed)
    patterns = random_patterns(rng, 4, 9)
    assert_agree(ref_torch.store(patterns), ref.store(patterns), name="store")
    for W in (rng.normal(size=(9, 9)), symmetric_weights(rng, 9), ref.store(patterns)):
        Y = random_patterns(rng, 5, 9)
        assert_agree(ref_torch.net_inputs(W, Y), ref.net_inputs(W, Y), name="net_inputs")
        assert_agree(ref_torch.energy(W, Y), ref.energy(W, Y), name="energy")
        for y in Y:
            assert ref_torch.is_stable(W, y) == ref.is_stable(W, y)
            j = int(rng.integers(9))
            assert_agree(ref_torch.update_unit(W, y, j), ref.update_unit(W, y, j), name="update_unit")
    for W in (symmetric_weights(rng, 9), ref.store(patterns)):
        y0 = random_patterns(rng, 1, 9)[0]
        order = [int(j) for j in rng.permutation(9)]
        assert_agree(ref_torch.retrieve(W, y0, order), ref.retrieve(W, y0, order), name="retrieve")
        assert_agree(ref_torch.retrieve_random(W, y0, seed), ref.retrieve_random(W, y0, seed), name="retrieve_random")
    assert_agree(ref_torch.mixture_states(patterns), ref.mixture_states(patterns), name="mixture_states")
    many = random_patterns(rng, 16, 32)
    Ms = [1, 2, 4, 8, 16]
    assert_agree(ref_torch.capacity(32, Ms, many), ref.capacity(32, Ms, many), name="capacity")


@pytest.mark.parametrize("seed", SEEDS)
def test_solution_agrees_with_the_reference(solution, seed):
    rng = rng_for(100 + seed)
    patterns = random_patterns(rng, 4, 8)
    W = ref.store(patterns)
    assert_agree(solution.store(patterns), W)
    Y = random_patterns(rng, 3, 8)
    assert_agree(solution.net_inputs(W, Y), ref.net_inputs(W, Y))
    assert_agree(solution.energy(W, Y), ref.energy(W, Y))
    y0 = Y[0]
    assert_agree(solution.retrieve(W, y0, list(range(8))), ref.retrieve(W, y0, list(range(8))))
    assert_agree(solution.retrieve_random(W, y0, seed), ref.retrieve_random(W, y0, seed))
    assert_agree(solution.mixture_states(patterns), ref.mixture_states(patterns))
    assert_agree(solution.capacity(8, [1, 2, 4], patterns), ref.capacity(8, [1, 2, 4], patterns))
