"""The linear-map references against NumPy and torch, worked example 2.1.1, and the margins the checks rely on.

- worked example 2.1.1: ``A = [[2, 4], [1, 2]]`` has det 0, sends e_1 and e_2
  to [2, 1] and [4, 2] (on one line), and loses one dimension, by the NumPy
  and torch references and by the solution;
- the determinant is exact (rational elimination) and agrees with
  ``np.linalg.det`` and ``torch.linalg.det``; the known mistakes are what
  their names say;
- the dimensions lost agree with ``torch.linalg.matrix_rank`` at the stated
  relative tolerance, the exact integer rank agrees with the tolerance on
  every kind of matrix the checks draw, and those matrices keep their
  singular values a stated margin from the tolerance, in float64 and float32.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import reference.linear_algebra as ref
import reference.linear_algebra_mistakes as wrong
import reference.linear_algebra_torch as ref_torch
from grader.catalog.linear_algebra import (
    FULL_RANK_MARGIN,
    nearly_deficient,
    WORKED_EXAMPLE,
    deficient,
    determinant_tolerance,
    full_rank,
    hadamard_bound,
    square_matrix,
)


def test_worked_example_2_1_1_determinant_images_and_a_dimension_lost(solutions):
    A, basis = [[2.0, 4.0], [1.0, 2.0]], np.eye(2)
    linear_algebra = solutions("linear_algebra")
    for module in (ref, ref_torch, linear_algebra):
        assert float(module.determinant(A)) == 0.0  # 2 * 2 - 4 * 1
        images = np.asarray(module.images(A, basis))
        np.testing.assert_array_equal(images, [[2.0, 1.0], [4.0, 2.0]])  # A V_1 = [2, 1], A V_2 = [4, 2]
        assert images[0, 0] * images[1, 1] - images[0, 1] * images[1, 0] == 0.0  # both on one line
        assert module.dimensions_lost(A) == 1  # "a dimension is lost"
    np.testing.assert_array_equal(WORKED_EXAMPLE, A)


def test_the_docstrings_worked_examples(solutions):
    linear_algebra = solutions("linear_algebra")
    for module in (ref, linear_algebra):
        assert module.determinant([[1.0, 2.0], [3.0, 4.0]]) == pytest.approx(-2.0, abs=1e-12)
        assert module.dimensions_lost([[1.0, 2.0], [3.0, 4.0]]) == 0
        assert module.dimensions_lost(np.zeros((2, 3))) == 3
    assert np.linalg.svd(WORKED_EXAMPLE, compute_uv=False)[1] == pytest.approx(0.0, abs=1e-16)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_determinant_is_exact_and_agrees_with_numpy_and_torch(n):
    rng = np.random.default_rng(n)
    for fractional in (False, True):
        A = square_matrix(rng, n, fractional=fractional) if n > 1 else np.array([[-3.5]])
        det = ref.determinant(A)
        assert det == pytest.approx(np.linalg.det(A), rel=1e-12, abs=1e-12 * hadamard_bound(A))
        assert ref_torch.determinant(A) == pytest.approx(det, rel=1e-12, abs=1e-12 * hadamard_bound(A))
        if not fractional and n > 1:
            assert det == round(det)  # a determinant of whole numbers is a whole number, exactly
    singular = np.array([[7.0, -7.0, 3.0], [-9.0, 9.0, 0.0], [10.0, -10.0, -6.0]])
    assert ref.determinant(singular) == 0.0 and np.linalg.det(singular) != 0.0  # rounding, not the reference


def test_determinant_mistakes_are_what_their_names_say():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert wrong.determinant_plus_sign(A) == 1 * 4 + 2 * 3
    assert wrong.determinant_sign_flipped(A) == 2 * 3 - 1 * 4
    assert wrong.determinant_diagonal_product(A) == 4.0
    # on the worked example only the plus sign and the diagonal show: a flipped sign of 0 is 0
    assert wrong.determinant_sign_flipped(WORKED_EXAMPLE) == 0.0
    assert wrong.determinant_plus_sign(WORKED_EXAMPLE) == 8.0 and wrong.determinant_diagonal_product(WORKED_EXAMPLE) == 4.0
    B = np.array([[0.0, 1.0, 2.0], [3.0, 1.0, 0.0], [1.0, 2.0, 1.0]])
    permanent = sum(np.prod([B[i, p[i]] for i in range(3)]) for p in itertools.permutations(range(3)))
    assert wrong.determinant_plus_sign(B) == permanent


def test_the_determinant_checks_matrices_keep_every_mistake_far_outside_the_tolerance():
    """Over 400 seeds: each mistake's answer is at least 1/64 of Hadamard's bound away, 15000 times the slack."""
    for seed in range(400):
        rng = np.random.default_rng(seed)
        A = square_matrix(rng, int(rng.integers(2, 6)), fractional=bool(seed % 2))
        det, slack = ref.determinant(A), determinant_tolerance(A)["atol"]
        for mistake in (wrong.determinant_plus_sign, wrong.determinant_sign_flipped, wrong.determinant_diagonal_product):
            assert abs(mistake(A) - det) >= hadamard_bound(A) / 64 > 1000 * slack
        assert abs(float(np.linalg.det(A.astype(np.float32))) - det) <= slack  # a float32 elimination passes


def test_images_are_a_v_for_each_row_against_torch():
    rng = np.random.default_rng(5)
    A, V = rng.normal(size=(4, 4)), rng.normal(size=(3, 4))
    expected = np.stack([A @ v for v in V])
    np.testing.assert_allclose(ref.images(A, V), expected, rtol=1e-13)
    np.testing.assert_allclose(ref_torch.images(A, V).numpy(), expected, rtol=1e-13)
    assert wrong.images_as_columns(A, V).shape == (4, 3)
    np.testing.assert_allclose(wrong.images_rows_of_a(A, V), np.stack([A.T @ v for v in V]), rtol=1e-13)


def test_dimensions_lost_agree_with_torch_matrix_rank_and_ignore_scale():
    rng = np.random.default_rng(6)
    for m, n, rank in [(3, 3, 2), (4, 2, 1), (2, 5, 2), (5, 5, 3), (4, 4, None), (3, 5, None)]:
        A = full_rank(rng, m, n) if rank is None else deficient(rng, m, n, rank)
        lost = n - (min(m, n) if rank is None else rank)
        for scale in (2.0**-40, 1.0, 2.0**40):
            assert ref.dimensions_lost(A * scale) == lost
            assert ref_torch.dimensions_lost(A * scale) == lost
            rank_t = int(torch.linalg.matrix_rank(torch.tensor(A * scale), rtol=ref.RANK_TOLERANCE))
            assert n - rank_t == lost
    assert ref.dimensions_lost(np.zeros((3, 4))) == ref_torch.dimensions_lost(np.zeros((3, 4))) == 4


def test_a_matrix_within_2_to_the_minus_30_of_a_lower_rank_loses_dimensions_which_matrix_rank_s_default_keeps():
    rng = np.random.default_rng(9)
    for m, n, rank in ((3, 3, 2), (4, 3, 2), (3, 4, 1), (5, 5, 3)):
        A = nearly_deficient(rng, m, n, rank)
        assert ref.exact_rank(np.round(A)) == rank and np.linalg.matrix_rank(A) == min(m, n)
        assert ref.dimensions_lost(A) == ref_torch.dimensions_lost(A) == n - rank
        assert wrong.dimensions_lost_default_matrix_rank(A) == n - min(m, n)
        for dtype in (np.float64, np.float32):  # the extra singular values: far below the tolerance, 1e-5
            singular = np.linalg.svd(A.astype(dtype), compute_uv=False).astype(float)
            assert np.all(singular[rank:] <= 1e-8 * singular[0]) and singular[rank - 1] >= FULL_RANK_MARGIN * singular[0]


def test_dimensions_lost_mistakes_are_what_their_names_say():
    assert wrong.dimensions_lost_exact_zero(WORKED_EXAMPLE) == 0  # its smaller singular value is 1.4e-17, not 0
    tiny = np.eye(3) * 2.0**-40
    assert ref.dimensions_lost(tiny) == 0 and wrong.dimensions_lost_absolute_tolerance(tiny) == 3
    A = deficient(np.random.default_rng(7), 4, 3, 1)
    assert ref.dimensions_lost(A) == 2
    assert wrong.dimensions_lost_rank(A) == 1
    assert wrong.dimensions_lost_rows(A) == 3


def test_the_exact_rank_and_the_tolerance_agree_with_a_margin_on_every_matrix_the_checks_draw():
    """Over 1000 seeds, in float64 and float32: the singular values a rank counts are above 1e-2 of the largest,
    those it does not count below 1e-12 (1e-8 for a matrix within 2^-30 of a lower rank; the tolerance is 1e-5),
    so rounding decides nothing; and the exact integer rank is the one the tolerance gives."""
    for seed in range(1000):
        rng = np.random.default_rng(seed)
        m, n = (int(v) for v in rng.integers(2, 7, size=2))
        rank = int(rng.integers(1, min(m, n) + 1))
        kind = seed % 4  # full rank, deficient, deficient, within 2^-30 of deficient
        A = full_rank(rng, m, n, fractional=bool(seed % 2)) if kind == 0 else deficient(rng, m, n, rank)
        rank = min(m, n) if kind == 0 else rank
        if kind:
            assert ref.exact_rank(A) == rank
        if kind == 3:
            A = A + rng.integers(-3, 4, size=A.shape) * 2.0**-30
        for dtype in (np.float64, np.float32):
            for scale in (2.0**-40, 1.0, 2.0**40):
                s = np.linalg.svd((A * scale).astype(dtype), compute_uv=False).astype(float)
                assert s[rank - 1] >= FULL_RANK_MARGIN * s[0] * 0.99
                assert np.all(s[rank:] <= (1e-8 if kind == 3 else 1e-12) * s[0])
        assert ref.dimensions_lost(A) == n - rank


def test_solution_agrees_with_the_references(solutions):
    linear_algebra = solutions("linear_algebra")
    rng = np.random.default_rng(8)
    for n in (2, 3, 4):
        A = square_matrix(rng, n, fractional=True)
        assert linear_algebra.determinant(A) == pytest.approx(ref.determinant(A), rel=1e-10)
        V = rng.normal(size=(n + 1, n))
        np.testing.assert_allclose(linear_algebra.images(A, V), ref.images(A, V), rtol=1e-12)
        B = deficient(rng, n + 1, n, n - 1)
        assert linear_algebra.dimensions_lost(B) == ref.dimensions_lost(B) == 1
