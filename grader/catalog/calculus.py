"""Jacobians, Hessians and directional derivatives: by central finite differences with a given step, and exactly
(by hand or by autograd).

Course notes 1.2.2.3-1.2.2.7. The functions differentiated are fixed
formulas named in the docstrings, their parameters passed in (a Python
function cannot cross into the sandbox the student's code runs in): the
vector function ``f(x) = tanh(W x + b)`` and the scalar log-sum-exp
``g(x) = log sum_k exp(w_k . x + c_k)``. The conventions are the notes' (see
``exercises/calculus.py``): ``J_ij = d f_i / d x_j``, shape (m, n), as
``torch.autograd.functional.jacobian`` gives it; finite differences are
central, error O(h^2); the Hessian by differences is the central-difference
Jacobian of the central-difference gradient (its diagonal steps 2h); a
directional derivative is along the unit vector ``u / ||u||``.

Inputs tell the right answer from the mistakes students make: the steps are
large (1/2 to 1), so a forward difference (error O(h)), the exact
derivative where a difference is asked (error O(h^2)) and a difference
divided by the wrong span all differ from the central difference somewhere
by fifty times the comparison's slack or more (tests/test_calculus.py checks it
over 300 seeds); the Jacobians are
not square in most checks and not symmetric in the square one (a transpose
shows); points are away from 0 (where tanh'' and the log-sum-exp's gradient
vanish and hide mistakes); directions have lengths from 2 to 5 and are not
along an axis (a direction not normalised, or normalised by its L1 norm,
shows).

No verdict rests on rounding: every input is a multiple of 1/16 or 1/256 (so
``x +- h e_j`` and ``W x + b`` are exact in float32 too). A float32
computation of a difference quotient loses about 1e-7 / h, so the finite
differences are compared to within an absolute ``1e-5`` (the Jacobian) and
``1e-5`` (the Hessian, whose steps are 1/2 and 1) beside the answer's relative
tolerance; the exact derivatives at the answer's precision.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.calculus_mistakes"

JACOBIAN_SLACK = 1e-5
"""absolute slack of a finite-difference Jacobian entry (a float32 difference quotient loses about 1e-7 / h)"""
HESSIAN_SLACK = 1e-5
"""absolute slack of a finite-difference Hessian entry (a float32 four-point quotient loses about 1e-6 at h = 1/2)"""

STEPS = (1.0, 0.75, 0.5)
"""the steps of the Jacobian's checks: powers of two, exact in float32"""
HESSIAN_STEPS = (1.0, 0.5)
"""the steps of the Hessian's checks, larger: the four-point quotient divides by 4 h^2"""


def sixteenths(rng: np.random.Generator, shape: tuple[int, ...], bound: float) -> np.ndarray:
    """Entries uniform on the multiples of 1/16 in [-bound, bound]."""
    steps = int(round(bound * 16))
    return rng.integers(-steps, steps + 1, size=shape) / 16.0


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...], low: float, high: float) -> np.ndarray:
    """Multiples of 1/16 with |value| in [low, high], of random signs."""
    magnitude = rng.integers(int(low * 16), int(high * 16) + 1, size=shape) / 16.0
    return magnitude * rng.choice([-1.0, 1.0], size=shape)


PRE_ACTIVATIONS = np.concatenate([np.arange(4, 8), np.arange(15, 25)]) / 16.0
"""the sizes of the pre-activations W x + b in the Jacobians' checks: away from 0 and from 0.66"""


def tanh_layer(rng: np.random.Generator, m: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W (m, n), b (m,) and x (n,) whose pre-activations a = W x + b keep tanh's 2nd and 3rd derivatives from 0.

    |a| is in [1/4, 7/16] or [15/16, 3/2] (tanh'' vanishes at 0, tanh'''
    at 0.66) and |W_ij| in [1/2, 1], so a forward difference and the exact
    derivative differ from the central difference by 1e-3 or more. W and x
    are multiples of 1/16, a too (drawn first), and b = a - W x a multiple
    of 1/256: all exact in float32. A square W (n > 1) is not symmetric, so
    a transposed Jacobian differs.
    """
    while True:
        W = away_from_zero(rng, (m, n), 0.5, 1.0)
        if m == n and n > 1 and np.array_equal(W, W.T):
            continue
        x = away_from_zero(rng, (n,), 0.25, 1.0)
        a = rng.choice(PRE_ACTIVATIONS, size=m) * rng.choice([-1.0, 1.0], size=m)
        return W, a - W @ x, x


def log_sum_exp_problem(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W (n + 2, n), c (n + 2,) and x (n,), with the gradient W^T softmax(W x + c) at least 0.1 long."""
    while True:
        W, c = sixteenths(rng, (n + 2, n), 1.5), sixteenths(rng, (n + 2,), 1.0)
        x = away_from_zero(rng, (n,), 0.25, 1.0)
        z = W @ x + c
        s = np.exp(z - z.max())
        s /= s.sum()
        if np.linalg.norm(W.T @ s) >= 0.1:
            return W, c, x


def direction(rng: np.random.Generator, n: int) -> np.ndarray:
    """A direction of length 2 to 5, not along an axis (every entry at least 1/4 in size)."""
    while True:
        u = away_from_zero(rng, (n,), 0.25, 4.0)
        if 2.0 <= np.linalg.norm(u) <= 5.0:
            return u


# -- calculus.jacobian_central ------------------------------------------------------------------


JACOBIAN_EXAMPLE = (np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]]), np.zeros(2), np.zeros(3))


def _jacobian_central(t: Trial, W, b, x, h, label: str) -> None:
    t.expect_close(t.student(W, b, x, h), t.reference(W, b, x, h), name=f"jacobian_central({label})", atol=JACOBIAN_SLACK)


def check_jacobian_central_docstring_example(t: Trial) -> None:
    """'jacobian_central' on the docstring's example: W = [[1, 0, 0], [0, 2, 0]], b = 0, x = 0, h = 0.5 (shape (2, 3))."""
    W, b, x = JACOBIAN_EXAMPLE
    _jacobian_central(t, W, b, x, 0.5, "W=[[1, 0, 0], [0, 2, 0]], b=[0, 0], x=[0, 0, 0], h=0.5")


def check_jacobian_central_random_layers(t: Trial) -> None:
    """'jacobian_central' of tanh(W x + b) with W of shapes (3, 2), (2, 4) and (3, 3), steps 1, 3/4 and 1/2."""
    for (m, n), h in zip(((3, 2), (2, 4), (3, 3)), STEPS):
        W, b, x = tanh_layer(t.rng, m, n)
        _jacobian_central(t, W, b, x, h, f"W of shape {W.shape}, b, x, h={h}")


def check_jacobian_central_hidden(t: Trial) -> None:
    """'jacobian_central' of new layers with new steps."""
    for _ in range(2):
        m, n = (int(v) for v in t.rng.integers(1, 5, size=2))
        W, b, x = tanh_layer(t.rng, m, n)
        _jacobian_central(t, W, b, x, float(t.rng.choice(STEPS)), f"W of shape {W.shape}, b, x, h")


JACOBIAN_CENTRAL = Exercise(
    id="calculus.jacobian_central",
    input_classes=("non-symmetric matrix: W",),
    title="The Jacobian of tanh(W x + b) by central finite differences (error O(h^2))",
    notes="1.2.2.6 (Jacobian matrix); 1.2.2.3 (partial derivatives as limits of differences)",
    student=StudentFunction("calculus", "jacobian_central"),
    reference="reference.calculus:jacobian_central",
    torch_reference="reference.calculus_torch:jacobian_central",
    checks=(
        Check(check_jacobian_central_docstring_example, points=1),
        Check(check_jacobian_central_random_layers, points=2),
        Check(check_jacobian_central_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "forward difference",
            "a forward difference (f(x + h e_j) - f(x)) / h has an error of order h; the CENTRAL difference "
            "(f(x + h e_j) - f(x - h e_j)) / (2h), whose error is of order h^2, is asked.",
            f"{MISTAKES}:jacobian_central_forward",
        ),
        Mistake(
            "Jacobian transposed",
            "J_ij = d f_i / d x_j: one ROW per output f_i and one column per input x_j, shape (m, n), as "
            "torch.autograd.functional.jacobian gives it. The differences for x_j fill column j.",
            f"{MISTAKES}:jacobian_central_transposed",
        ),
        Mistake(
            "divided by h",
            "x + h e_j and x - h e_j are 2h apart: divide their difference by 2h.",
            f"{MISTAKES}:jacobian_central_step_h",
        ),
        Mistake(
            "exact Jacobian",
            "this exercise asks the finite-difference APPROXIMATION with the step h given, error included: "
            "evaluate f at x + h e_j and x - h e_j.",
            f"{MISTAKES}:jacobian_central_exact",
        ),
    ),
)


# -- calculus.jacobian ----------------------------------------------------------------------------


def check_jacobian_docstring_example(t: Trial) -> None:
    """'jacobian' on the docstring's example: W = [[1, 0, 0], [0, 2, 0]], b = [0.5, 0], x = 0."""
    W, b, x = JACOBIAN_EXAMPLE[0], np.array([0.5, 0.0]), np.zeros(3)
    t.expect_close(t.student(W, b, x), t.reference(W, b, x), name="jacobian(W=[[1, 0, 0], [0, 2, 0]], b=[0.5, 0], x=[0, 0, 0])")


def check_jacobian_random_layers(t: Trial) -> None:
    """'jacobian' of tanh(W x + b) with W of shapes (3, 2), (2, 4) and (3, 3)."""
    for m, n in ((3, 2), (2, 4), (3, 3)):
        W, b, x = tanh_layer(t.rng, m, n)
        t.expect_close(t.student(W, b, x), t.reference(W, b, x), name=f"jacobian(W of shape {W.shape}, b, x)")


def check_jacobian_hidden(t: Trial) -> None:
    """'jacobian' of new layers."""
    for _ in range(2):
        m, n = (int(v) for v in t.rng.integers(1, 5, size=2))
        W, b, x = tanh_layer(t.rng, m, n)
        t.expect_close(t.student(W, b, x), t.reference(W, b, x), name=f"jacobian(W of shape {W.shape}, b, x)")


JACOBIAN = Exercise(
    id="calculus.jacobian",
    input_classes=("non-symmetric matrix: W",),
    title="The exact Jacobian of tanh(W x + b), by hand or by autograd",
    notes="1.2.2.6 (Jacobian matrix); 1.2.2.1 (chain rule)",
    student=StudentFunction("calculus", "jacobian"),
    reference="reference.calculus:jacobian",
    torch_reference="reference.calculus_torch:jacobian",
    uses_torch=True,
    checks=(
        Check(check_jacobian_docstring_example, points=1),
        Check(check_jacobian_random_layers, points=2),
        Check(check_jacobian_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "Jacobian transposed",
            "J_ij = d f_i / d x_j: one ROW per output f_i, shape (m, n), as torch.autograd.functional.jacobian gives "
            "it (not the gradient layout, one row per input).",
            f"{MISTAKES}:jacobian_transposed",
        ),
        Mistake(
            "the sigmoid's derivative formula",
            "sigma' = sigma (1 - sigma) holds for the sigmoid; tanh's derivative is 1 - tanh(a)^2, with a = W x + b.",
            f"{MISTAKES}:jacobian_sigmoid_derivative_formula",
        ),
        Mistake(
            "tanh' not squared",
            "the derivative of tanh(a) is 1 - tanh(a)^2 (= 1 / cosh(a)^2): the tanh is squared.",
            f"{MISTAKES}:jacobian_derivative_not_squared",
        ),
    ),
)


# -- calculus.hessian_central ---------------------------------------------------------------------


HESSIAN_EXAMPLE = (np.array([[1.0], [-1.0]]), np.zeros(2))
"""g(x) = log(e^x + e^-x) = log(2 cosh x), one input"""


def _hessian_central(t: Trial, W, c, x, h, label: str) -> None:
    t.expect_close(t.student(W, c, x, h), t.reference(W, c, x, h), name=f"hessian_central({label})", atol=HESSIAN_SLACK)


def check_hessian_central_docstring_example(t: Trial) -> None:
    """'hessian_central' on the docstring's example: g(x) = log(e^x + e^-x) at x = 0 with h = 0.5."""
    W, c = HESSIAN_EXAMPLE
    _hessian_central(t, W, c, np.zeros(1), 0.5, "W=[[1], [-1]], c=[0, 0], x=[0], h=0.5")


def check_hessian_central_random_functions(t: Trial) -> None:
    """'hessian_central' of log-sum-exps of 2 and 3 inputs, steps 1 and 1/2."""
    for n, h in zip((2, 3), HESSIAN_STEPS):
        W, c, x = log_sum_exp_problem(t.rng, n)
        _hessian_central(t, W, c, x, h, f"W of shape {W.shape}, c, x, h={h}")


def check_hessian_central_hidden(t: Trial) -> None:
    """'hessian_central' of new log-sum-exps with new steps."""
    for _ in range(2):
        W, c, x = log_sum_exp_problem(t.rng, int(t.rng.integers(2, 4)))
        _hessian_central(t, W, c, x, float(t.rng.choice(HESSIAN_STEPS)), f"W of shape {W.shape}, c, x, h")


HESSIAN_CENTRAL = Exercise(
    id="calculus.hessian_central",
    input_classes=(),
    title="The Hessian of a log-sum-exp by central differences of central differences",
    notes="1.2.2.7 (Hessian matrix, H(f) = J(grad f))",
    student=StudentFunction("calculus", "hessian_central"),
    reference="reference.calculus:hessian_central",
    torch_reference="reference.calculus_torch:hessian_central",
    checks=(
        Check(check_hessian_central_docstring_example, points=1),
        Check(check_hessian_central_random_functions, points=2),
        Check(check_hessian_central_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "one-sided differences",
            "forward differences from x (g(x + h e_i + h e_j) - g(x + h e_i) - g(x + h e_j) + g(x)) / h^2 "
            "estimate the Hessian at x + h (e_i + e_j) / 2, error O(h): take CENTRAL differences around x, "
            "for the gradient and again for its Jacobian.",
            f"{MISTAKES}:hessian_central_one_sided",
        ),
        Mistake(
            "divided by h^2",
            "each of the two central differences divides by the 2h its points span: the four-point formula is "
            "divided by (2h)(2h) = 4 h^2.",
            f"{MISTAKES}:hessian_central_over_h_squared",
        ),
        Mistake(
            "exact Hessian",
            "this exercise asks the finite-difference APPROXIMATION with the step h given, error included: "
            "evaluate g at x +- h e_i +- h e_j.",
            f"{MISTAKES}:hessian_central_exact",
        ),
    ),
)


# -- calculus.hessian ------------------------------------------------------------------------------


def check_hessian_docstring_example(t: Trial) -> None:
    """'hessian' on the docstring's example: g(x) = log(e^x + e^-x) at x = 0.5 (g'' = 1 - tanh(0.5)^2)."""
    W, c = HESSIAN_EXAMPLE
    x = np.array([0.5])
    t.expect_close(t.student(W, c, x), t.reference(W, c, x), name="hessian(W=[[1], [-1]], c=[0, 0], x=[0.5])")


def check_hessian_random_functions(t: Trial) -> None:
    """'hessian' of log-sum-exps of 2 and 3 inputs (4 and 5 terms)."""
    for n in (2, 3):
        W, c, x = log_sum_exp_problem(t.rng, n)
        t.expect_close(t.student(W, c, x), t.reference(W, c, x), name=f"hessian(W of shape {W.shape}, c, x)")


def check_hessian_hidden(t: Trial) -> None:
    """'hessian' of new log-sum-exps."""
    for _ in range(2):
        W, c, x = log_sum_exp_problem(t.rng, int(t.rng.integers(2, 5)))
        t.expect_close(t.student(W, c, x), t.reference(W, c, x), name=f"hessian(W of shape {W.shape}, c, x)")


HESSIAN = Exercise(
    id="calculus.hessian",
    input_classes=(),
    title="The exact Hessian of a log-sum-exp, W^T (diag(s) - s s^T) W, by hand or by autograd",
    notes="1.2.2.7 (Hessian matrix)",
    student=StudentFunction("calculus", "hessian"),
    reference="reference.calculus:hessian",
    torch_reference="reference.calculus_torch:hessian",
    uses_torch=True,
    checks=(
        Check(check_hessian_docstring_example, points=1),
        Check(check_hessian_random_functions, points=2),
        Check(check_hessian_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "- s s^T left out",
            "d s_k / d z_j = s_k (delta_kj - s_j): the softmax's Jacobian is diag(s) - s s^T, and both terms "
            "reach the Hessian.",
            f"{MISTAKES}:hessian_outer_product_left_out",
        ),
        Mistake(
            "sign of s s^T",
            "the softmax's Jacobian is diag(s) MINUS s s^T (d s_k / d z_j = -s_k s_j for k != j).",
            f"{MISTAKES}:hessian_outer_product_added",
        ),
        Mistake(
            "gradient's outer product",
            "the Hessian holds SECOND derivatives, d^2 g / dx_i dx_j: differentiate the gradient W^T s once more "
            "(H = J(grad g)); the product of the gradient with itself is something else.",
            f"{MISTAKES}:hessian_gradient_outer_product",
        ),
    ),
)


# -- calculus.directional_derivative ----------------------------------------------------------------


def check_directional_derivative_docstring_example(t: Trial) -> None:
    """'directional_derivative' on the docstring's example: W = I, c = 0, x = 0, u = [3, 4] (0.7)."""
    W, c, x, u = np.eye(2), np.zeros(2), np.zeros(2), np.array([3.0, 4.0])
    t.expect_close(t.student(W, c, x, u), t.reference(W, c, x, u), name="directional_derivative(I, [0, 0], [0, 0], u=[3, 4])")


def check_directional_derivative_random_directions(t: Trial) -> None:
    """'directional_derivative' of log-sum-exps of 2, 3 and 4 inputs along directions of length 2 to 5."""
    for n in (2, 3, 4):
        W, c, x = log_sum_exp_problem(t.rng, n)
        u = direction(t.rng, n)
        t.expect_close(t.student(W, c, x, u), t.reference(W, c, x, u), name=f"directional_derivative(W of shape {W.shape}, c, x, u={u.tolist()})")


def check_directional_derivative_hidden(t: Trial) -> None:
    """'directional_derivative' of new functions along new directions."""
    for _ in range(3):
        n = int(t.rng.integers(2, 5))
        W, c, x = log_sum_exp_problem(t.rng, n)
        u = direction(t.rng, n)
        t.expect_close(t.student(W, c, x, u), t.reference(W, c, x, u), name=f"directional_derivative(W of shape {W.shape}, c, x, u)")


DIRECTIONAL_DERIVATIVE = Exercise(
    id="calculus.directional_derivative",
    input_classes=(),
    title="A directional derivative: the gradient dotted with the unit direction",
    notes="1.2.2.4 (directional derivative, D_u f = u^T grad f for a unit u); 1.2.2.5",
    student=StudentFunction("calculus", "directional_derivative"),
    reference="reference.calculus:directional_derivative",
    torch_reference="reference.calculus_torch:directional_derivative",
    checks=(
        Check(check_directional_derivative_docstring_example, points=1),
        Check(check_directional_derivative_random_directions, points=2),
        Check(check_directional_derivative_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "direction not normalised",
            "D_u is the rate of change per unit of distance along u: divide u by its length ||u||_2 first (the "
            "notes define D_u for a unit vector), so that doubling u changes nothing.",
            f"{MISTAKES}:directional_derivative_not_normalised",
        ),
        Mistake(
            "normalised by the L1 norm",
            "a unit vector has Euclidean length 1: divide u by sqrt(sum u_i^2), not by sum |u_i|.",
            f"{MISTAKES}:directional_derivative_l1_normalised",
        ),
        Mistake(
            "the log's derivative left out",
            "d/dz_k log(sum_j e^{z_j}) = e^{z_k} / sum_j e^{z_j}: the chain rule through the log divides by the "
            "sum, which makes the weights a softmax.",
            f"{MISTAKES}:directional_derivative_log_derivative_left_out",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (JACOBIAN_CENTRAL, JACOBIAN, HESSIAN_CENTRAL, HESSIAN, DIRECTIONAL_DERIVATIVE)
