"""Gradient descent's convergence on a quadratic: the iterates, the per-eigendirection factor
(1 - eta lambda_i)^T, whether a step is stable, the largest stable and the fastest step, and the number of
steps to a tolerance as a function of the condition number.

Course notes 1.3.5.3. Conventions (see ``exercises/gradient_descent.py``):
``f(w) = 1/2 w^T A w - b^T w`` with A symmetric positive definite, gradient
``A w - b``, GD ``w_{t+1} = w_t - eta (A w_t - b)``; eigenvalues in ascending
order; stable means ``|1 - eta lambda_i| < 1`` for every i, so exactly
``eta = 2 / lambda_max`` is NOT stable.

Inputs tell the right answer from the mistakes students make: A is never
diagonal in the random checks (a diagonal read as eigenvalues, eigenvectors
taken as rows, show), b is not 0 (a factor applied to w instead of w - w*
shows), steps are taken on both sides of 1 / lambda_max (the notes' fastest
step, mistaken for the largest stable one) and some factors are negative.
No verdict rests on the check's own rounding: ``is_stable`` is asked either
at least 0.1% away from 2 / lambda_max, or exactly at 2 / lambda_max and
1 / lambda_max for a diagonal A of powers of two, where every way of
computing it is exact (and the reference decides in rational arithmetic);
``steps_to_tolerance`` is asked only where ln tol / ln rho is at least 0.05
from an integer, so rounding it up is never decided by rounding errors (a
float32 computation's included, with kappa <= 200). Every input is a float32
number, so a float32 solution starts from the same numbers.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

import math

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.gradient_descent_mistakes"

STABILITY_MARGIN = 1e-3
"""is_stable is asked at eta = (1 +- m) 2 / lambda_max with m at least this (relative), or exactly at a boundary that is exact"""
STEPS_MARGIN = 0.05
"""steps_to_tolerance is asked only where ln tol / ln rho is at least this far from an integer"""


def representable(values) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def spd(rng: np.random.Generator, d: int, kappa: float, lam_min: float = 1.0) -> np.ndarray:
    """A symmetric positive definite d x d matrix, not diagonal, with eigenvalues from lam_min to kappa lam_min (float32 numbers)."""
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    lam = lam_min * np.exp(np.sort(rng.uniform(0.0, math.log(kappa), size=d)))
    lam[0], lam[-1] = lam_min, lam_min * kappa
    A = (Q * lam) @ Q.T
    return representable((A + A.T) / 2)


def problem(rng: np.random.Generator, d: int, kappa: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A, b and w0 with w* = A^-1 b of size about 1 and w0 away from it."""
    A = spd(rng, d, kappa, float(rng.uniform(0.5, 2.0)))
    return A, representable(rng.normal(0.0, 2.0, size=d)), representable(rng.normal(0.0, 2.0, size=d))


def eigenvalues(A: np.ndarray) -> np.ndarray:
    return np.linalg.eigvalsh(A)


# -- gradient_descent.iterates -------------------------------------------------------------------------


def _iterates(t: Trial, A, b, w0, eta, T, show: bool = False) -> None:
    label = (f"iterates({A.tolist()}, {b.tolist()}, {w0.tolist()}, eta={eta:g}, T={T})" if show
             else f"iterates(A of shape {A.shape}, b, w0, eta={eta:.4g}, T={T})")
    t.expect_close(t.student(A, b, w0, eta, T), t.reference(A, b, w0, eta, T), name=label)


def check_iterates_worked_example(t: Trial) -> None:
    """'iterates' on the docstring's example: A = diag(2, 1), b = [2, 1], w0 = 0, eta 0.5, two steps."""
    _iterates(t, np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([2.0, 1.0]), np.zeros(2), 0.5, 2, show=True)


def check_iterates_random_problems(t: Trial) -> None:
    """'iterates' on a 3-d problem (5 steps, a small step) and a 4-d one (30 steps, a step above 1 / lambda_max, oscillating)."""
    A, b, w0 = problem(t.rng, 3, 10.0)
    _iterates(t, A, b, w0, float(representable(0.5 / eigenvalues(A)[-1])), 5)
    A, b, w0 = problem(t.rng, 4, 5.0)
    _iterates(t, A, b, w0, float(representable(1.7 / eigenvalues(A)[-1])), 30)


def check_iterates_hidden(t: Trial) -> None:
    """'iterates' on new problems, step sizes and numbers of steps."""
    for d in (int(t.rng.integers(2, 6)), int(t.rng.integers(2, 6))):
        A, b, w0 = problem(t.rng, d, float(t.rng.uniform(2.0, 20.0)))
        _iterates(t, A, b, w0, float(representable(t.rng.uniform(0.3, 1.9) / eigenvalues(A)[-1])), int(t.rng.integers(3, 40)))


ITERATES = Exercise(
    id="gradient_descent.iterates",
    input_classes=(),
    title="Gradient descent on a quadratic: the iterates w_0 ... w_T",
    notes="1.3.5.3 (convergence of gradient descent); 1.3.5 (w <- w - eta grad E)",
    student=StudentFunction("gradient_descent", "iterates"),
    reference="reference.gradient_descent:iterates",
    torch_reference="reference.gradient_descent_torch:iterates",
    checks=(
        Check(check_iterates_worked_example, points=1),
        Check(check_iterates_random_problems, points=2),
        Check(check_iterates_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "w_0 left out",
            "return T + 1 rows, the start w_0 first and then the T iterates after it: row t is w_t.",
            f"{MISTAKES}:iterates_w0_left_out",
        ),
        Mistake(
            "one step short",
            "take T steps: the last row is w_T, reached after T updates (range(T) runs T times).",
            f"{MISTAKES}:iterates_one_step_short",
        ),
        Mistake(
            "sign of b",
            "the gradient of 1/2 w^T A w - b^T w is A w - b: b's term comes with a minus sign.",
            f"{MISTAKES}:iterates_sign_of_b",
        ),
        Mistake(
            "gradient ascent",
            "a descent step goes AGAINST the gradient: w - eta (A w - b), not w + eta (A w - b).",
            f"{MISTAKES}:iterates_ascent",
        ),
    ),
)


# -- gradient_descent.after_steps ------------------------------------------------------------------------


def _after(t: Trial, A, b, w0, eta, T, show: bool = False) -> None:
    label = (f"after_steps({A.tolist()}, {b.tolist()}, {w0.tolist()}, eta={eta:g}, T={T})" if show
             else f"after_steps(A of shape {A.shape}, b, w0, eta={eta:.4g}, T={T})")
    t.expect_close(t.student(A, b, w0, eta, T), t.reference(A, b, w0, eta, T), name=label)


def check_after_steps_worked_example(t: Trial) -> None:
    """'after_steps' on the docstring's example: A = diag(2, 1), b = [2, 1], w0 = 0, eta 0.5, T = 2 (factors [0.25, 0])."""
    _after(t, np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([2.0, 1.0]), np.zeros(2), 0.5, 2, show=True)


def check_after_steps_random_problems(t: Trial) -> None:
    """'after_steps' on three non-diagonal problems, with steps below and above 1 / lambda_max (negative factors at odd T)."""
    for d, fraction, T in ((3, 0.8, 4), (4, 1.6, 7), (5, 1.2, 15)):
        A, b, w0 = problem(t.rng, d, float(t.rng.uniform(3.0, 12.0)))
        _after(t, A, b, w0, float(representable(fraction / eigenvalues(A)[-1])), T)


def check_after_steps_hidden(t: Trial) -> None:
    """'after_steps' on new problems, steps and numbers of steps."""
    for _ in range(2):
        A, b, w0 = problem(t.rng, int(t.rng.integers(2, 6)), float(t.rng.uniform(2.0, 15.0)))
        _after(t, A, b, w0, float(representable(t.rng.uniform(0.4, 1.9) / eigenvalues(A)[-1])), int(t.rng.integers(3, 25)))


AFTER_STEPS = Exercise(
    id="gradient_descent.after_steps",
    input_classes=(),
    title="w_T in closed form: the per-eigendirection factor (1 - eta lambda_i)^T",
    notes="1.3.5.3 (alpha_i(T) = (1 - eta lambda_i)^T alpha_i(0))",
    student=StudentFunction("gradient_descent", "after_steps"),
    reference="reference.gradient_descent:after_steps",
    torch_reference="reference.gradient_descent_torch:after_steps",
    checks=(
        Check(check_after_steps_worked_example, points=1),
        Check(check_after_steps_random_problems, points=2),
        Check(check_after_steps_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "factor applied to w instead of w - w*",
            "the components that shrink by (1 - eta lambda_i) each step are those of the ERROR w - w*, with "
            "w* = A^-1 b: w_T = w* + Q diag(factors) Q^T (w_0 - w*).",
            f"{MISTAKES}:after_steps_factor_on_w",
        ),
        Mistake(
            "exponent off by one",
            "after T steps each component has been multiplied T times: the factor is (1 - eta lambda_i)^T.",
            f"{MISTAKES}:after_steps_exponent_off_by_one",
        ),
        Mistake(
            "eigenvalues of the wrong matrix",
            "the Hessian of 1/2 w^T A w - b^T w is A itself (the 1/2 cancels the 2): use A's eigenvalues, not 2A's.",
            f"{MISTAKES}:after_steps_eigenvalues_of_2A",
        ),
        Mistake(
            "eigenvectors taken as rows",
            "np.linalg.eigh returns the eigenvectors as the COLUMNS of Q: the components are Q^T (w - w*), and "
            "w = w* + Q alpha.",
            f"{MISTAKES}:after_steps_rows_as_eigenvectors",
        ),
    ),
)


# -- gradient_descent.is_stable ------------------------------------------------------------------------------


def _stability(t: Trial, cases: list[tuple[np.ndarray, float, str]]) -> None:
    with t.all_or_nothing():
        for A, eta, what in cases:
            t.expect_close(t.student(A, eta), t.reference(A, eta), name=f"is_stable(A, eta) with {what}", returns="bool")


def check_is_stable_away_from_the_boundary(t: Trial) -> None:
    """'is_stable' on 12 non-diagonal matrices, eta from 0.3 to 1.6 times 2 / lambda_max, never within 0.1% of it (judged together)."""
    factors = np.array([0.3, 0.45, 0.6, 0.8, 0.95, 0.999, 1.001, 1.05, 1.2, 1.6, 0.75, 1.1])
    cases = []
    for factor in t.rng.permutation(factors):
        A = spd(t.rng, int(t.rng.integers(2, 5)), float(t.rng.uniform(5.0, 30.0)), float(t.rng.uniform(0.5, 2.0)))
        eta = float(representable(factor * 2.0 / eigenvalues(A)[-1]))
        cases.append((A, eta, f"A of shape {A.shape}, eta = {factor:g} x 2 / lambda_max"))
    _stability(t, cases)


def check_is_stable_exactly_at_the_boundary(t: Trial) -> None:
    """'is_stable' on diagonal matrices of powers of two, eta exactly 2 / lambda_max (not stable), 1 / lambda_max, around, and 4 / lambda_min (judged together)."""
    cases = []
    for _ in range(3):
        lam = 2.0 ** t.rng.permutation(np.arange(-2, 4))[:3].astype(float)
        A, high = np.diag(lam), float(lam.max())
        # 4 / lambda_min is unstable for every eigenvalue: an answer that looks at lambda_min alone says so too.
        for eta, what in ((2.0 / high, "exactly 2 / lambda_max"), (1.0 / high, "exactly 1 / lambda_max"),
                          (1.5 / high, "1.5 / lambda_max"), (4.0 / high, "4 / lambda_max"),
                          (4.0 / float(lam.min()), "4 / lambda_min")):
            cases.append((A, eta, f"A = diag({lam.tolist()}), eta = {what}"))
    _stability(t, cases)


def check_is_stable_hidden(t: Trial) -> None:
    """'is_stable' on new matrices and steps, away from the boundary and exactly at it (judged together)."""
    cases = []
    for factor in t.rng.choice([0.2, 0.55, 0.7, 0.9, 0.998, 1.002, 1.3, 1.9], size=10):
        A = spd(t.rng, int(t.rng.integers(2, 6)), float(t.rng.uniform(4.0, 40.0)), float(t.rng.uniform(0.5, 2.0)))
        cases.append((A, float(representable(factor * 2.0 / eigenvalues(A)[-1])), f"A of shape {A.shape}, a step"))
    lam = 2.0 ** t.rng.permutation(np.arange(-3, 3))[:4].astype(float)
    cases.append((np.diag(lam), 2.0 / float(lam.max()), "a diagonal A, a step"))
    cases.append((np.diag(lam), 1.0 / float(lam.max()), "a diagonal A, a step"))
    _stability(t, cases)


IS_STABLE = Exercise(
    id="gradient_descent.is_stable",
    input_classes=(),
    title="Is a step stable? |1 - eta lambda_i| < 1 for every eigenvalue, eta < 2 / lambda_max",
    notes="1.3.5.3 (|1 - eta lambda_i| < 1 must be ensured, implying eta < 2 / lambda_max)",
    student=StudentFunction("gradient_descent", "is_stable"),
    reference="reference.gradient_descent:is_stable",
    torch_reference="reference.gradient_descent_torch:is_stable",
    checks=(
        Check(check_is_stable_away_from_the_boundary, points=2),
        Check(check_is_stable_exactly_at_the_boundary, points=1),
        Check(check_is_stable_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "1/lambda_max as the largest stable step",
            "GD converges while every |1 - eta lambda_i| < 1, so for every eta < 2 / lambda_max; above 1 / lambda_max "
            "the lambda_max component flips sign each step but still shrinks.",
            f"{MISTAKES}:is_stable_one_over_lambda_max",
        ),
        Mistake(
            "stable at exactly 2/lambda_max",
            "at eta = 2 / lambda_max the factor 1 - eta lambda_max is -1: that component flips sign for ever and never "
            "shrinks. Stability needs |1 - eta lambda_i| < 1, strictly.",
            f"{MISTAKES}:is_stable_boundary_included",
        ),
        Mistake(
            "diagonal taken for the eigenvalues",
            "the factors belong to A's EIGENVALUES (np.linalg.eigvalsh(A)); the diagonal entries are its eigenvalues only "
            "when A is diagonal, and lambda_max is at least the largest of them.",
            f"{MISTAKES}:is_stable_diagonal_for_eigenvalues",
        ),
        Mistake(
            "lambda_min looked at alone",
            "every eigendirection must shrink: the condition |1 - eta lambda_i| < 1 is hardest for lambda_max.",
            f"{MISTAKES}:is_stable_smallest_eigenvalue",
        ),
    ),
)


# -- gradient_descent.step_sizes ------------------------------------------------------------------------------


def check_step_sizes_worked_example(t: Trial) -> None:
    """'step_sizes' on the docstring's examples, diag(2, 1) and [[2, 1], [1, 2]] (eigenvalues 1 and 3)."""
    for A in (np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([[2.0, 1.0], [1.0, 2.0]])):
        t.expect_close(t.student(A), t.reference(A), name=f"step_sizes({A.tolist()})")


def check_step_sizes_random_matrices(t: Trial) -> None:
    """'step_sizes' of three non-diagonal matrices with condition numbers from 2 to 100."""
    for d, kappa in ((2, 2.0), (3, 10.0), (5, 100.0)):
        A = spd(t.rng, d, kappa, float(t.rng.uniform(0.5, 3.0)))
        t.expect_close(t.student(A), t.reference(A), name=f"step_sizes(A of shape {A.shape}, condition number about {kappa:g})")


def check_step_sizes_hidden(t: Trial) -> None:
    """'step_sizes' of new matrices."""
    for _ in range(3):
        A = spd(t.rng, int(t.rng.integers(2, 6)), float(t.rng.uniform(1.5, 200.0)), float(t.rng.uniform(0.2, 5.0)))
        t.expect_close(t.student(A), t.reference(A), name="step_sizes(A)")


STEP_SIZES = Exercise(
    id="gradient_descent.step_sizes",
    input_classes=(),
    title="The largest stable step, the fastest step and its rate",
    notes="1.3.5.3 (eta < 2 / lambda_max; the rate of convergence and the condition number)",
    student=StudentFunction("gradient_descent", "step_sizes"),
    reference="reference.gradient_descent:step_sizes",
    torch_reference="reference.gradient_descent_torch:step_sizes",
    checks=(
        Check(check_step_sizes_worked_example, points=1),
        Check(check_step_sizes_random_matrices, points=2),
        Check(check_step_sizes_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "1/lambda_max as the largest stable step",
            "GD converges while |1 - eta lambda_max| < 1, that is for every eta < 2 / lambda_max: the largest stable "
            "step is 2 / lambda_max.",
            f"{MISTAKES}:step_sizes_one_over_lambda_max",
        ),
        Mistake(
            "the fastest step as 1/lambda_max",
            "1 / lambda_max (the notes' choice) zeroes the lambda_max component but leaves the rate 1 - 1/kappa along "
            "lambda_min; the slowest factor max_i |1 - eta lambda_i| is smallest when 1 - eta lambda_min = "
            "-(1 - eta lambda_max), at eta = 2 / (lambda_min + lambda_max), rate (kappa - 1) / (kappa + 1).",
            f"{MISTAKES}:step_sizes_notes_fastest",
        ),
        Mistake(
            "eigenvalues of the wrong matrix",
            "the Hessian of 1/2 w^T A w - b^T w is A (the 1/2 cancels the 2): use A's eigenvalues, not 2A's.",
            f"{MISTAKES}:step_sizes_eigenvalues_of_2A",
        ),
        Mistake(
            "diagonal taken for the eigenvalues",
            "lambda_min and lambda_max are A's extreme EIGENVALUES (np.linalg.eigvalsh), not its extreme diagonal "
            "entries: they differ unless A is diagonal.",
            f"{MISTAKES}:step_sizes_diagonal_for_eigenvalues",
        ),
    ),
)


# -- gradient_descent.steps_to_tolerance ----------------------------------------------------------------------


def margin_ok(kappa: float, tol: float) -> bool:
    """Whether ln tol / ln rho is at least STEPS_MARGIN from an integer (so rounding it up is decided by no rounding error)."""
    x = math.log(tol) / math.log((kappa - 1.0) / (kappa + 1.0))
    return abs(x - round(x)) >= STEPS_MARGIN


def tolerance_cases(rng: np.random.Generator, count: int, kappa_range: tuple[float, float] = (1.5, 200.0)) -> list[tuple[float, float]]:
    """(kappa, tol) pairs, float32 numbers, kappa log-uniform in the range, tol from 1e-8 to 0.1, with the margin."""
    cases = []
    while len(cases) < count:
        kappa = float(representable(math.exp(rng.uniform(math.log(kappa_range[0]), math.log(kappa_range[1])))))
        tol = float(representable(10.0 ** -rng.uniform(1.0, 8.0)))
        if margin_ok(kappa, tol):
            cases.append((kappa, tol))
    return cases


def _steps(t: Trial, cases: list[tuple[float, float]]) -> None:
    for kappa, tol in cases:
        name = f"steps_to_tolerance({kappa:g}, {tol:g})" if not t.hidden else "steps_to_tolerance(kappa, tol)"
        t.expect_close(t.student(kappa, tol), t.reference(kappa, tol), name=name, returns="int")


def check_steps_to_tolerance_worked_example(t: Trial) -> None:
    """'steps_to_tolerance' on the docstring's examples: kappa 3, tol 1e-4 (14 steps) and kappa 9, tol 0.01 (21 steps)."""
    _steps(t, [(3.0, float(representable(1e-4))), (9.0, float(representable(0.01)))])


def check_steps_to_tolerance_condition_numbers(t: Trial) -> None:
    """'steps_to_tolerance' for six condition numbers from 1.5 to 200 and tolerances from 1e-8 to 0.1."""
    _steps(t, tolerance_cases(t.rng, 6))


def check_steps_to_tolerance_hidden(t: Trial) -> None:
    """'steps_to_tolerance' for new condition numbers and tolerances."""
    _steps(t, tolerance_cases(t.rng, 6))


STEPS_TO_TOLERANCE = Exercise(
    id="gradient_descent.steps_to_tolerance",
    input_classes=(),
    title="How many steps to a tolerance: the condition number's effect",
    notes="1.3.5.3 (the condition number; the larger it is, the slower GD converges)",
    student=StudentFunction("gradient_descent", "steps_to_tolerance"),
    reference="reference.gradient_descent:steps_to_tolerance",
    torch_reference="reference.gradient_descent_torch:steps_to_tolerance",
    checks=(
        Check(check_steps_to_tolerance_worked_example, points=1),
        Check(check_steps_to_tolerance_condition_numbers, points=2),
        Check(check_steps_to_tolerance_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "one step short",
            "T is the SMALLEST integer with rho^T <= tol: round ln tol / ln rho UP (ceil); rounding down leaves the "
            "error above the tolerance.",
            f"{MISTAKES}:steps_to_tolerance_one_short",
        ),
        Mistake(
            "rate of the step 1/lambda_max",
            "with the fastest step 2 / (lambda_min + lambda_max) the slowest factor is rho = (kappa - 1) / (kappa + 1), "
            "not 1 - 1/kappa (the rate of the step 1 / lambda_max).",
            f"{MISTAKES}:steps_to_tolerance_rate_of_one_over_lambda_max",
        ),
        Mistake(
            "rate 1/kappa",
            "the factor per step is rho = (kappa - 1) / (kappa + 1), close to 1 for a large condition number "
            "(slow), not lambda_min / lambda_max = 1 / kappa.",
            f"{MISTAKES}:steps_to_tolerance_inverse_rate",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (ITERATES, AFTER_STEPS, IS_STABLE, STEP_SIZES, STEPS_TO_TOLERANCE)
