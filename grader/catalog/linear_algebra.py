"""Linear maps: the determinant of a square matrix, the images of vectors (the basis vectors first) under a map,
and how many dimensions a map loses.

Course notes 1.2.1.2 and 1.2.1.3, worked example 2.1.1 (``A = [[2, 4], [1, 2]]``:
det 0, images ``[2, 1]`` and ``[4, 2]`` on one line, a dimension lost). The
conventions are the notes' (see ``exercises/linear_algebra.py``): A acts on a
column vector as ``A v``, so the image of e_j is A's j-th column; a 2 x 2
determinant is ``a_1 a_4 - a_2 a_3``; A of shape (m, n) loses ``n - rank(A)``
dimensions, the rank counting the singular values above ``1e-5`` times the
largest.

Inputs tell the right answer from the mistakes students make: every matrix
but the worked example's has a non-zero determinant of either sign and is
not triangular (a flipped sign, a plus for the minus, a product of the
diagonal show); V is never square beside A and never the identity in the
random checks (images as columns, rows of A, show); the dimensions lost are
asked of rectangular matrices both ways (m - rank shows), of matrices losing
0 to 3 dimensions (the rank returned shows), of matrices at scales 2^-40
and 2^40 (an absolute tolerance shows), of exactly rank-deficient ones,
whose smallest singular values come out of the SVD near 1e-16, not 0 (a
test for exactly 0 shows), and of ones within 2^-30 of a matrix of lower
rank (matrix_rank's default tolerance, about 1e-15 relative, shows).

No verdict rests on rounding. Entries are on a dyadic grid (multiples of
1/8, times a power of two), so every image is exact in float32 too; the
determinant is compared to within ``1e-6`` of Hadamard's bound (the product
of the row lengths) beside float32's relative tolerance, far below the gap
of at least 1 / 64 of that bound between the right determinant and every
mistake's on these matrices. A matrix asked for its dimensions lost is
exactly rank-deficient (whole numbers, times a power of two: its rank is
exact, and its lost singular values are below 1e-12 of the largest in
float64 and float32 alike), or within 2^-30 of such a matrix (its extra
singular values below 1e-8 of the largest, in float32 too), or has its smallest singular value at least ``FULL_RANK_MARGIN`` =
1e-2 of its largest, a thousand times the tolerance.
Rank guesses are judged together, twelve to fifteen at a time.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.linear_algebra_mistakes"

WORKED_EXAMPLE = np.array([[2.0, 4.0], [1.0, 2.0]])
"""Worked example 2.1.1's map: det 0, A e_1 = [2, 1], A e_2 = [4, 2], one dimension lost."""

FULL_RANK_MARGIN = 1e-2
"""a full-rank matrix in a check has sigma_min >= FULL_RANK_MARGIN sigma_max (the tolerance is 1e-5)"""

DETERMINANT_SLACK = 1e-6
"""the determinant is compared to within this fraction of Hadamard's bound, prod_i ||row_i||"""


def dyadic(rng: np.random.Generator, shape: tuple[int, ...], bound: float = 4.0) -> np.ndarray:
    """Entries uniform on the multiples of 1/8 in [-bound, bound]: products and short sums are exact in float32."""
    steps = int(bound * 8)
    return rng.integers(-steps, steps + 1, size=shape) / 8.0


def whole(rng: np.random.Generator, shape: tuple[int, ...], bound: int = 4) -> np.ndarray:
    return rng.integers(-bound, bound + 1, size=shape).astype(float)


def hadamard_bound(A: np.ndarray) -> float:
    """prod_i ||row_i||, an upper bound on |det A|."""
    return float(np.prod(np.linalg.norm(np.asarray(A, dtype=float), axis=1)))


def determinant_tolerance(A: np.ndarray) -> dict[str, float]:
    """An absolute slack of 1e-6 of Hadamard's bound (a float32 elimination's rounding stays below it)."""
    return {"atol": DETERMINANT_SLACK * max(hadamard_bound(A), 1.0)}


def _separated(A: np.ndarray) -> bool:
    """Whether det A is at least 1/64 of Hadamard's bound away from every known mistake's answer (and from 0)."""
    import itertools

    n = A.shape[0]
    det = float(np.linalg.det(A))
    permanent = sum(np.prod([A[i, p[i]] for i in range(n)]) for p in itertools.permutations(range(n)))
    gap = hadamard_bound(A) / 64.0
    others = (0.0, -det, permanent, float(np.prod(np.diag(A))))
    return gap > 0 and all(abs(det - other) >= gap for other in others)


def square_matrix(rng: np.random.Generator, n: int, *, fractional: bool = False) -> np.ndarray:
    """An n x n matrix (whole numbers, or multiples of 1/8), not triangular, whose determinant is well away from every mistake's."""
    while True:
        A = dyadic(rng, (n, n)) if fractional else whole(rng, (n, n))
        if _separated(A):
            return A


# -- linear_algebra.determinant ------------------------------------------------------------------


def _determinant(t: Trial, A: np.ndarray, show: bool) -> None:
    name = f"determinant({A.tolist()})" if show else f"determinant(A of shape {A.shape})"
    # a matrix shown is given as nested lists, which the module's docstring allows
    t.expect_close(t.student(A.tolist() if show else A), t.reference(A), name=name, **determinant_tolerance(A))


def check_determinant_worked_example(t: Trial) -> None:
    """'determinant' of worked example 2.1.1's [[2, 4], [1, 2]] (0), of [[1, 2], [3, 4]] (not 0) and of the 1 x 1 [[-3]]."""
    for A in (WORKED_EXAMPLE, np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[-3.0]])):
        _determinant(t, A, show=True)


def check_determinant_random_matrices(t: Trial) -> None:
    """'determinant' of a 2 x 2, a 3 x 3 and a 4 x 4 matrix of whole numbers and of a 3 x 3 one of eighths."""
    for n in (2, 3, 4):
        _determinant(t, square_matrix(t.rng, n), show=n < 4)
    _determinant(t, square_matrix(t.rng, 3, fractional=True), show=True)


def check_determinant_hidden(t: Trial) -> None:
    """'determinant' of new square matrices from 2 x 2 to 5 x 5."""
    for n in (2, int(t.rng.integers(3, 6)), int(t.rng.integers(3, 6))):
        _determinant(t, square_matrix(t.rng, n, fractional=bool(t.rng.integers(2))), show=False)


DETERMINANT = Exercise(
    id="linear_algebra.determinant",
    input_classes=("non-symmetric matrix: A", "list input: A", "single row: A"),
    title="The determinant of a square matrix (a_1 a_4 - a_2 a_3 for 2 x 2)",
    notes="1.2.1.2 (determinant), 1.2.1.3 (invertible iff det != 0); example 2.1.1",
    student=StudentFunction("linear_algebra", "determinant"),
    reference="reference.linear_algebra:determinant",
    torch_reference="reference.linear_algebra_torch:determinant",
    checks=(
        Check(check_determinant_worked_example, points=1),
        Check(check_determinant_random_matrices, points=2),
        Check(check_determinant_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "ad + bc",
            "the two products of a 2 x 2 determinant are SUBTRACTED: the diagonal's product minus the "
            "anti-diagonal's (notes 1.2.1.2). For n x n, each product in the expansion carries the sign of its "
            "permutation: a row swap changes the determinant's sign.",
            f"{MISTAKES}:determinant_plus_sign",
        ),
        Mistake(
            "sign flipped (bc - ad)",
            "the determinant's sign is that of the diagonal's product: a_1 a_4 comes first, a_2 a_3 is "
            "subtracted from it. The identity must have determinant +1; check yours.",
            f"{MISTAKES}:determinant_sign_flipped",
        ),
        Mistake(
            "product of the diagonal",
            "the product of the diagonal is the determinant only of a triangular matrix: eliminate below the "
            "diagonal first (keeping track of row swaps), or expand along a row.",
            f"{MISTAKES}:determinant_diagonal_product",
        ),
    ),
)


# -- linear_algebra.images ------------------------------------------------------------------------


def check_images_worked_example(t: Trial) -> None:
    """'images' of the basis vectors [1, 0] and [0, 1] under worked example 2.1.1's A = [[2, 4], [1, 2]], and of the one vector [1, 1]."""
    for V in (np.eye(2), np.array([[1.0, 1.0]])):  # given as nested lists, which the module's docstring allows
        t.expect_close(t.student(WORKED_EXAMPLE.tolist(), V.tolist()), t.reference(WORKED_EXAMPLE, V),
                       name=f"images([[2, 4], [1, 2]], {V.astype(int).tolist()})")


def check_images_random_vectors(t: Trial) -> None:
    """'images' of 5 vectors under a 3 x 3 map and of 2 vectors under a 4 x 4 map (entries multiples of 1/8)."""
    for n, k in ((3, 5), (4, 2)):
        A, V = dyadic(t.rng, (n, n)), dyadic(t.rng, (k, n))
        t.expect_close(t.student(A, V), t.reference(A, V), name=f"images(A of shape {A.shape}, V of shape {V.shape})")


def check_images_hidden(t: Trial) -> None:
    """'images' of new vectors under new maps."""
    for _ in range(2):
        n = int(t.rng.integers(2, 6))
        k = int(t.rng.choice([m for m in range(1, 7) if m != n]))
        A, V = dyadic(t.rng, (n, n)), dyadic(t.rng, (k, n))
        t.expect_close(t.student(A, V), t.reference(A, V), name=f"images(A of shape {A.shape}, V of shape {V.shape})")


IMAGES = Exercise(
    id="linear_algebra.images",
    input_classes=("non-symmetric matrix: A", "list input: A", "single row: V"),
    title="The images of vectors (the basis vectors first) under a linear map",
    notes="1.2.1.2 (linear transformation); example 2.1.1",
    student=StudentFunction("linear_algebra", "images"),
    reference="reference.linear_algebra:images",
    torch_reference="reference.linear_algebra_torch:images",
    checks=(
        Check(check_images_worked_example, points=1),
        Check(check_images_random_vectors, points=2),
        Check(check_images_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "images taken as rows",
            "A acts on a COLUMN vector, A v: the image of e_j is A's j-th column, not its j-th row (v^T A "
            "combines A's rows). In worked example 2.1.1, A e_1 takes the first entry of each row.",
            f"{MISTAKES}:images_rows_of_a",
        ),
        Mistake(
            "images as columns",
            "return one image per ROW, in the order of V's rows: the answer has V's shape (k, n). A @ V.T puts "
            "them in its columns.",
            f"{MISTAKES}:images_as_columns",
        ),
        Mistake(
            "summed down the columns",
            "(A v)_i = sum_j A_ij v_j: multiply row i of A by v entry by entry and sum ALONG the row (axis 1), "
            "not down the columns.",
            f"{MISTAKES}:images_summed_over_rows",
        ),
    ),
)


# -- linear_algebra.dimensions_lost ------------------------------------------------------------------


def _well_conditioned(A: np.ndarray) -> bool:
    """Full rank, with sigma_min >= FULL_RANK_MARGIN sigma_max."""
    s = np.linalg.svd(A, compute_uv=False)
    return bool(s.max() > 0 and s.min() >= FULL_RANK_MARGIN * s.max())


def deficient(rng: np.random.Generator, m: int, n: int, rank: int) -> np.ndarray:
    """An m x n matrix of whole numbers of exactly this rank, whose non-zero singular values are above the margin.

    A product B C of whole numbers from -3 to 3, B (m, rank) of full column
    rank and C (rank, n) of full row rank, so that B C has rank ``rank``
    exactly.
    """
    while True:
        B, C = whole(rng, (m, rank), 3), whole(rng, (rank, n), 3)
        if not (_well_conditioned(B) and _well_conditioned(C)):
            continue
        A = B @ C
        s = np.linalg.svd(A, compute_uv=False)
        if s[0] > 0 and s[rank - 1] >= FULL_RANK_MARGIN * s[0]:
            return A


def full_rank(rng: np.random.Generator, m: int, n: int, *, fractional: bool = False) -> np.ndarray:
    """An m x n matrix of full rank with sigma_min >= FULL_RANK_MARGIN sigma_max (whole numbers, or eighths)."""
    while True:
        A = dyadic(rng, (m, n)) if fractional else whole(rng, (m, n))
        if _well_conditioned(A):
            return A


def random_case(rng: np.random.Generator, m: int, n: int, lost_rank: int | None) -> np.ndarray:
    """A full-rank matrix (lost_rank None) or one of rank ``lost_rank``."""
    return full_rank(rng, m, n, fractional=bool(rng.integers(2))) if lost_rank is None else deficient(rng, m, n, lost_rank)


def _dimensions(t: Trial, cases: list[tuple[np.ndarray, str]]) -> None:
    with t.all_or_nothing():
        for A, label in cases:
            shown = label == str(A.tolist())  # a matrix shown is given as nested lists, which the docstring allows
            t.expect_close(t.student(A.tolist() if shown else A), t.reference(A), name=f"dimensions_lost({label})")


def _label(A: np.ndarray, t: Trial, what: str = "") -> str:
    if t.hidden:
        return f"A of shape {A.shape}"
    if A.size <= 9 and not what:
        return str(A.tolist())
    return f"A of shape {A.shape}{', ' + what if what else ''}"


def check_dimensions_lost_whole_numbers(t: Trial) -> None:
    """'dimensions_lost' of worked example 2.1.1's A (1), and of 12 more matrices of whole numbers, square and not (one a single row), losing 0 to 3 dimensions (judged together)."""
    fixed = [WORKED_EXAMPLE, np.array([[1.0, 2.0], [3.0, 4.0]]), np.arange(1.0, 10.0).reshape(3, 3), np.zeros((2, 3)),
             np.array([[1.0, 2.0, 3.0]])]
    shapes = [(3, 3, 2), (4, 4, 1), (2, 4, 2), (5, 3, 2), (3, 5, None), (4, 2, None), (4, 4, None), (3, 6, 1)]
    cases = [(A, _label(A, t)) for A in fixed]
    for m, n, rank in shapes:
        A = random_case(t.rng, m, n, rank)
        cases.append((A, _label(A, t, "random")))
    _dimensions(t, [cases[i] for i in t.rng.permutation(len(cases))])


def nearly_deficient(rng: np.random.Generator, m: int, n: int, rank: int) -> np.ndarray:
    """A matrix of rank ``rank`` plus whole numbers times 2^-30: full rank exactly, but its extra singular values are
    below 1e-8 of the largest (in float32 too), so by the tolerance it loses n - rank dimensions."""
    return deficient(rng, m, n, rank) + whole(rng, (m, n), 3) * 2.0**-30


def check_dimensions_lost_at_any_scale(t: Trial) -> None:
    """'dimensions_lost' of 12 matrices scaled by 2^-40 or 2^40, full-rank or not, and of 3 within 2^-30 of a matrix of lower rank: the tolerance is relative, 1e-5 (judged together)."""
    cases = []
    for index, (m, n, rank) in enumerate([(3, 3, None), (3, 3, 2), (4, 3, 1), (2, 4, None), (4, 4, 3), (3, 5, 2)] * 2):
        power = -40 if index < 6 else 40
        A = random_case(t.rng, m, n, rank) * 2.0 ** power
        cases.append((A, _label(A, t, f"scaled by 2^{power}")))
    for m, n, rank in ((3, 3, 2), (4, 3, 2), (3, 4, 1)):
        A = nearly_deficient(t.rng, m, n, rank)
        cases.append((A, _label(A, t, "within 2^-30 of a matrix of lower rank")))
    _dimensions(t, [cases[i] for i in t.rng.permutation(len(cases))])


def check_dimensions_lost_hidden(t: Trial) -> None:
    """'dimensions_lost' of 12 new matrices, square and not, at several scales (judged together)."""
    cases = []
    for index in range(12):
        m, n = (int(v) for v in t.rng.integers(2, 6, size=2))
        rank = None if t.rng.random() < 0.4 else int(t.rng.integers(1, min(m, n) + 1))
        if index < 2:
            A = nearly_deficient(t.rng, m, n, int(t.rng.integers(1, min(m, n))))
        else:
            A = random_case(t.rng, m, n, rank) * 2.0 ** int(t.rng.choice([-40, 0, 0, 40]))
        cases.append((A, _label(A, t)))
    cases = [cases[i] for i in t.rng.permutation(len(cases))]
    _dimensions(t, cases)


DIMENSIONS_LOST = Exercise(
    id="linear_algebra.dimensions_lost",
    input_classes=("list input: A", "single row: A"),
    title="How many dimensions a linear map loses: n - rank(A), with a relative tolerance",
    notes="1.2.1.2 (det A = 0: space contracted along at least one dimension); example 2.1.1",
    student=StudentFunction("linear_algebra", "dimensions_lost"),
    reference="reference.linear_algebra:dimensions_lost",
    torch_reference="reference.linear_algebra_torch:dimensions_lost",
    checks=(
        Check(check_dimensions_lost_whole_numbers, points=2),
        Check(check_dimensions_lost_at_any_scale, points=1),
        Check(check_dimensions_lost_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "singular values tested for exactly 0",
            "rounding leaves a lost dimension's singular value near 1e-16 times the largest, seldom exactly 0.0: "
            "count as 0 every singular value at most 1e-5 times the largest.",
            f"{MISTAKES}:dimensions_lost_exact_zero",
        ),
        Mistake(
            "absolute tolerance",
            "a fixed threshold such as 1e-10 calls every singular value of a matrix scaled by 2^-40 zero, and keeps "
            "the rounding noise of one scaled by 2^40: compare with 1e-5 times the LARGEST singular value.",
            f"{MISTAKES}:dimensions_lost_absolute_tolerance",
        ),
        Mistake(
            "matrix_rank's default tolerance",
            "np.linalg.matrix_rank (and torch.linalg.matrix_rank) by default count every singular value above about "
            "1e-15 times the largest: a matrix within 1e-9 of one of lower rank keeps its dimensions there. This "
            "exercise's convention counts sigma_i <= 1e-5 sigma_max as 0: pass that tolerance yourself.",
            f"{MISTAKES}:dimensions_lost_default_matrix_rank",
        ),
        Mistake(
            "the rank returned",
            "the dimensions lost are n minus the rank (the null space's dimension), not the rank itself.",
            f"{MISTAKES}:dimensions_lost_rank",
        ),
        Mistake(
            "rows counted (m - rank)",
            "A of shape (m, n) maps R^n to R^m: the dimensions lost are those of the INPUT, n - rank, with n the "
            "number of columns.",
            f"{MISTAKES}:dimensions_lost_rows",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (DETERMINANT, IMAGES, DIMENSIONS_LOST)
