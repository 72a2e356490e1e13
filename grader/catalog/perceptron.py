"""Perceptron exercises: output, logic gates, one learning step, learning, separability.

Course notes 1.3.1 and worked examples 2.2.1-2.2.2. Inputs discriminate the
conventions students most often get wrong: net inputs of exactly 0 (integer
weights and patterns), the bias in the first position, non-square data.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.plain_data import Unconvertible
from grader.trial import Trial

MISTAKES = "reference.perceptron_mistakes"

# -- inputs -------------------------------------------------------------------------


def random_weights_and_patterns(rng: np.random.Generator, n: int = 6, p: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Real-valued weights and patterns: no net input is exactly 0, and some patterns lie on each side
    of the boundary (an answer of all +1 or all -1 is wrong)."""
    while True:
        w, X = rng.normal(size=p + 1), rng.normal(size=(n, p))
        net = w[0] + X @ w[1:]
        if (net > 0).any() and (net < 0).any():
            return w, X


def weights_and_patterns_with_ties(rng: np.random.Generator, n: int = 8, p: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Integer-valued weights and patterns where some net inputs are exactly 0.

    At least two patterns lie on the decision boundary, and at least one lies
    on each side of it.
    """
    while True:
        w = rng.integers(-2, 3, size=p + 1).astype(float)
        if not w[1:].any():
            continue
        X = rng.integers(-2, 3, size=(n, p)).astype(float)
        net = w[0] + X @ w[1:]
        if (net == 0).sum() >= 2 and (net > 0).any() and (net < 0).any():
            return w, X


# -- perceptron.predict -----------------------------------------------------------------


def check_predict_worked_example(t: Trial) -> None:
    """'predict' reproduces example 2.2.1: OR with w = [0, 0.5, 0.5]."""
    X = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    w = np.array([0.0, 0.5, 0.5])
    t.expect_close(t.student(w, X), t.reference(w, X), name="predict(w=[0, 0.5, 0.5], X)")


def check_predict_random_patterns(t: Trial) -> None:
    """'predict' gives +1 or -1 by the sign of w . [1, x] (3 inputs, 6 patterns)."""
    w, X = random_weights_and_patterns(t.rng)
    t.expect_close(t.student(w, X), t.reference(w, X), name="predict(w, X)")


def check_predict_on_the_boundary(t: Trial) -> None:
    """'predict' outputs -1 where the net input is exactly 0."""
    w, X = weights_and_patterns_with_ties(t.rng)
    t.expect_close(t.student(w, X), t.reference(w, X), name="predict(w, X) with net inputs of 0")


def check_predict_hidden_patterns(t: Trial) -> None:
    """'predict' is right on new patterns, some on the boundary."""
    for _ in range(2):
        w, X = weights_and_patterns_with_ties(t.rng, n=10, p=3)
        t.expect_close(t.student(w, X), t.reference(w, X), name="predict(w, X)")
    w, X = random_weights_and_patterns(t.rng, n=4, p=5)
    t.expect_close(t.student(w, X), t.reference(w, X), name="predict(w, X)")


PREDICT = Exercise(
    id="perceptron.predict",
    input_classes=("on the boundary: X @ w[1:] + w[0]",),
    title="Perceptron output",
    notes="1.3.1.1, example 2.2.1",
    student=StudentFunction("perceptron", "predict"),
    reference="reference.perceptron:predict",
    torch_reference="reference.perceptron_torch:predict",
    checks=(
        Check(check_predict_worked_example, points=1),
        Check(check_predict_random_patterns, points=1),
        Check(check_predict_on_the_boundary, points=1),
        Check(check_predict_hidden_patterns, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "np.sign",
            "np.sign(0) is 0, but the perceptron outputs -1 when w . x <= 0; use np.where(net > 0, 1, -1).",
            f"{MISTAKES}:predict_np_sign",
        ),
        Mistake(
            "tie gives +1",
            "a net input of exactly 0 must give -1 (the test is w . x > 0, not w . x >= 0).",
            f"{MISTAKES}:predict_tie_positive",
        ),
        Mistake(
            "bias placed last",
            "the bias is w[0], the weight of the input x0 = 1 placed first: net = w[0] + X @ w[1:].",
            f"{MISTAKES}:predict_bias_last",
        ),
        Mistake(
            "outputs 0/1",
            "this perceptron outputs -1 and +1, not 0 and 1 (0/1 is the step used in the NAND circuits).",
            f"{MISTAKES}:predict_zero_one",
        ),
    ),
)


# -- inputs for the gates and for learning ---------------------------------------------------

#: The four patterns (x1, x2) of a two-input gate, in the order of example 2.2.1.
GATE_PATTERNS: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (0, 0))

#: Each gate's truth table over GATE_PATTERNS, true as +1 and false as -1.
GATE_TARGETS: dict[str, tuple[int, ...]] = {
    "OR": (1, 1, 1, -1),
    "AND": (1, -1, -1, -1),
    "NAND": (-1, 1, 1, 1),
    "XOR": (-1, 1, 1, -1),
    # Separable only with a bias learned over several epochs: tells "no bias input" from "one epoch".
    "x2 AND NOT x1": (-1, -1, 1, -1),
}


def gate_data(gate: str) -> tuple[np.ndarray, np.ndarray]:
    """The gate's patterns X (4, 2) and desired outputs d (4,), rows as in example 2.2.1."""
    return np.array(GATE_PATTERNS, dtype=float), np.array(GATE_TARGETS[gate])


def in_random_order(rng: np.random.Generator, items: tuple[str, ...]) -> list[str]:
    """The items in a random order."""
    return [items[i] for i in rng.permutation(len(items))]


def learning_step_cases(rng: np.random.Generator, p: int = 3) -> list[tuple[str, np.ndarray, np.ndarray, int, float]]:
    """One real-valued case of each kind: (what it is, w, x, d, eta).

    A misclassified positive (w.x < 0, d = +1), a misclassified negative
    (w.x > 0, d = -1) and a correctly classified pattern of each class; no net
    input is near 0, so the cases stay what they claim to be.
    """
    kinds = (
        ("a misclassified pattern with d = +1 (w.x < 0)", 1, -1.0),
        ("a misclassified pattern with d = -1 (w.x > 0)", -1, 1.0),
        ("a correctly classified pattern with d = +1 (w.x > 0)", 1, 1.0),
        ("a correctly classified pattern with d = -1 (w.x < 0)", -1, -1.0),
    )
    cases = []
    for what, d, sign in kinds:
        while True:
            w, x = rng.normal(size=p + 1), rng.normal(size=p)
            net = w[0] + x @ w[1:]
            if abs(net) > 0.1:
                break
        # Negating every weight negates the net input: this puts the pattern on the wanted side.
        w = w if np.sign(net) == sign else -w
        cases.append((what, w, x, d, float(rng.uniform(0.2, 1.5))))
    return cases


def learning_step_ties(rng: np.random.Generator, p: int = 2) -> list[tuple[str, np.ndarray, np.ndarray, int, float]]:
    """Integer-valued patterns with a net input of exactly 0, once with d = -1 and once with d = +1.

    A third pattern with w.x < 0 and d = -1 (correctly classified, off the
    boundary) tells "np.sign" apart from updating every pattern.
    """
    w, X = weights_and_patterns_with_ties(rng, n=8, p=p)
    net = w[0] + X @ w[1:]
    on_boundary = np.flatnonzero(net == 0)
    below = np.flatnonzero(net < 0)
    eta = float(rng.choice([0.5, 1.0, 2.0]))
    return [
        ("w.x = 0 and d = -1 (correctly classified)", w, X[on_boundary[0]], -1, eta),
        ("w.x = 0 and d = +1 (misclassified)", w, X[on_boundary[1]], 1, eta),
        ("w.x < 0 and d = -1 (correctly classified)", w, X[below[0]], -1, eta),
    ]


def visiting_order(rng: np.random.Generator, n: int, extra: int = 3) -> list[int]:
    """A shuffled order that visits every index at least once and some twice."""
    indices = np.concatenate([np.arange(n), rng.integers(0, n, size=extra)])
    return [int(i) for i in rng.permutation(indices)]


def updates_bound(X: np.ndarray, d: np.ndarray, w_star: np.ndarray, w0: np.ndarray, eta: float) -> float:
    """Novikoff's bound on the number of perceptron updates, allowing a start at w0 != 0.

    With ||w_star|| = 1, margin gamma = min d_i w_star . a_i and R = max ||a_i||
    over the augmented patterns a_i, learning makes at most
    R^2 / gamma^2 + 2 ||w0|| / (eta gamma) updates (R^2 / gamma^2 from w0 = 0).
    """
    A = np.hstack([np.ones((X.shape[0], 1)), X])
    u = w_star / np.linalg.norm(w_star)
    gamma = float(np.min(d * (A @ u)))
    radius2 = float(np.max(np.sum(A * A, axis=1)))
    return radius2 / gamma**2 + 2 * float(np.linalg.norm(w0)) / (eta * gamma)


def separable_patterns(
    rng: np.random.Generator,
    n: int,
    p: int,
    *,
    integer: bool = False,
    w0: np.ndarray | None = None,
    eta: float = 1.0,
    max_updates: float = 500,
    grid: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Patterns on both sides of a random hyperplane, with a margin.

    Labels come from a random unit ``w_star`` (bias first); patterns closer
    than 0.15 to its boundary are dropped, and the draw is repeated until
    Novikoff's bound (:func:`updates_bound`) guarantees that learning from w0
    with this eta converges within ``max_updates`` updates. With
    ``integer=True`` the patterns are distinct points of the grid {-2..2}^p, so
    net inputs of exactly 0 happen during learning. With ``grid=k`` they are
    multiples of 1/k (k a power of 2): with a dyadic w0 and eta, every net
    input during learning is then exact, in float32 as in float64, so no
    decision rests on rounding.
    """
    w0 = np.zeros(p + 1) if w0 is None else w0
    while True:
        w_star = rng.normal(size=p + 1)
        w_star /= np.linalg.norm(w_star)
        if integer:
            grid = np.stack(np.meshgrid(*[np.arange(-2, 3)] * p, indexing="ij"), axis=-1).reshape(-1, p)
            candidates = rng.permutation(grid).astype(float)
        else:
            candidates = rng.uniform(-1, 1, size=(4 * n, p))
            if grid:
                candidates = np.round(candidates * grid) / grid
        net = w_star[0] + candidates @ w_star[1:]
        keep = np.abs(net) >= 0.15
        X, net = candidates[keep][:n], net[keep][:n]
        if len(X) < n:
            continue
        d = np.where(net > 0, 1, -1)
        if min((d == 1).sum(), (d == -1).sum()) < 2:
            continue
        if updates_bound(X, d, w_star, w0, eta) <= max_updates:
            return X, d


def xor_configuration(rng: np.random.Generator, p: int, grid: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Four patterns no hyperplane separates, and their labels [+1, +1, -1, -1].

    They are c + u, c - u (d = +1) and c + v, c - v (d = -1): both pairs
    share the midpoint c, which would have to lie strictly on the positive
    side and on the non-positive side at once. Any set of patterns that
    contains them is not linearly separable either. With ``grid=k`` the
    centre and u, v are multiples of 1/k, and so are the four patterns.
    """
    centre = rng.uniform(-0.5, 0.5, size=p)
    u, v = rng.normal(scale=0.5, size=(2, p))
    if grid:
        centre, u, v = (np.round(a * grid) / grid for a in (centre, u, v))
        if not (u.any() and v.any()):
            u, v = u + 1.0 / grid, v - 1.0 / grid  # four distinct patterns
    return np.array([centre + u, centre - u, centre + v, centre - v]), np.array([1, 1, -1, -1])


def patterns_with_xor(rng: np.random.Generator, n: int, p: int, grid: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Patterns that no hyperplane separates: they contain an XOR configuration (:func:`xor_configuration`).

    The other n - 4 patterns are random, with random labels; the rows are shuffled. With ``grid=k``
    every pattern is a multiple of 1/k (see :func:`separable_patterns`).
    """
    xor, _ = xor_configuration(rng, p, grid)
    others = rng.uniform(-1, 1, size=(n - 4, p))
    if grid:
        others = np.round(others * grid) / grid
    X = np.vstack([xor, others])
    d = np.concatenate([[1, 1, -1, -1], rng.choice([-1, 1], size=n - 4)])
    rows = rng.permutation(n)
    return X[rows], d[rows]


# -- perceptron.gate_weights ------------------------------------------------------------


def _weights_of_shape_3(t: Trial, got: object, call: str) -> np.ndarray:
    """The student's weights as a float array of shape (3,); stops the check otherwise."""
    array = None
    if not isinstance(got, (Unconvertible, str, dict)) and got is not None:
        try:
            array = np.asarray(got)
        except (ValueError, TypeError):
            array = None
    if array is None or array.dtype.kind not in "biuf":
        shown = got.describe() if isinstance(got, Unconvertible) else f"a {type(got).__name__}"
        t.fail(f"'{call}' should return 3 numbers [w0, w1, w2]--got: {shown}")
    # t.fail, not t.require: a well-formed answer earns no credit by itself.
    if array.shape != (3,):
        t.fail(f"'{call}' does not have correct shape--got: {array.shape}, expected: (3,)")
    if not np.isfinite(array).all():
        t.fail(f"'{call}' contains NaN or infinity; weights must be finite numbers")
    return array.astype(float)


def _gate_targets(t: Trial, gate: str) -> np.ndarray:
    """The gate's truth table over GATE_PATTERNS, as computed by the reference's weights."""
    reference_w = np.asarray(t.reference(gate), dtype=float)
    return np.array([1 if exact_net(reference_w, x1, x2) > 0 else -1 for x1, x2 in GATE_PATTERNS])


def _expect_truth_table(t: Trial, targets: np.ndarray, w: np.ndarray, call: str, scale: float = 1.0) -> None:
    """One expectation: every pattern's ``scale * w . [1, x]`` is on the side of the boundary the gate asks for.

    The four patterns are judged together: a weight vector that gets three of them right is another
    gate, and constant or random weights get some right by chance. Each wrong pattern is named.
    """
    with t.all_or_nothing():
        for (x1, x2), target in zip(GATE_PATTERNS, targets.tolist()):
            _expect_pattern(t, x1, x2, target, w, call, scale)


def exact_net(w: np.ndarray, x1: int, x2: int, scale: float = 1.0) -> Fraction:
    """``scale * (w0 + w1 x1 + w2 x2)`` in exact rational arithmetic, each float taken as the number it is.

    A pattern on the boundary has a net input of exactly 0 however the weights are scaled: summed in
    floating point, c w0 + c w1 + ... of integer weights comes out +-1e-16 for about a third of the c's,
    and a right answer would land on the wrong side by the check's own rounding.
    """
    return Fraction(scale) * (Fraction(float(w[0])) + Fraction(float(w[1])) * x1 + Fraction(float(w[2])) * x2)


def _expect_pattern(t: Trial, x1: int, x2: int, target: int, w: np.ndarray, call: str, scale: float = 1.0) -> None:
    """Pattern (x1, x2) is on the side of the boundary its target asks for (decided exactly, :func:`exact_net`)."""
    exact = exact_net(w, x1, x2, scale)
    net = float(exact)
    output = 1 if exact > 0 else -1
    if t.hidden:
        message = f"'{call}' puts pattern ({x1}, {x2}) on the wrong side of the decision boundary"
    elif exact == 0:
        message = (
            f"'{call}' gives w.x = 0 for pattern ({x1}, {x2}) whose target is +1; a net input of 0 gives -1"
        )
    else:
        relation = ">" if net > 0 else "<"
        message = (
            f"'{call}' gives w.x = {net:g} {relation} 0 for pattern ({x1}, {x2}), so the output is "
            f"{output:+d}, but its target is {target:+d}"
        )
    t.expect(output == target, message)


def _check_gate(t: Trial, gate: str) -> None:
    call = f'gate_weights("{gate}")'
    w = _weights_of_shape_3(t, t.student(gate), call)
    _expect_truth_table(t, _gate_targets(t, gate), w, call)


def check_gate_weights_or(t: Trial) -> None:
    """'gate_weights' for "OR" gives -1 for (0, 0) and +1 for the other patterns."""
    _check_gate(t, "OR")


def check_gate_weights_and(t: Trial) -> None:
    """'gate_weights' for "AND" gives +1 for (1, 1) and -1 for the other patterns."""
    _check_gate(t, "AND")


def check_gate_weights_nand(t: Trial) -> None:
    """'gate_weights' for "NAND" gives -1 for (1, 1) and +1 for the other patterns."""
    _check_gate(t, "NAND")


def check_gate_weights_scaled(t: Trial) -> None:
    """'gate_weights' gives weights that still work when multiplied by any c > 0 (all gates)."""
    for gate in in_random_order(t.rng, ("OR", "AND", "NAND")):
        c = float(np.exp(t.rng.uniform(np.log(0.01), np.log(100.0))))
        call = f'gate_weights("{gate}")'
        w = _weights_of_shape_3(t, t.student(gate), call)
        _expect_truth_table(t, _gate_targets(t, gate), w, f"c * {call} with c > 0", scale=c)


GATE_WEIGHTS = Exercise(
    id="perceptron.gate_weights",
    input_classes=(),
    title="Perceptron weights for logic gates",
    notes="example 2.2.1, 1.3.2",
    student=StudentFunction("perceptron", "gate_weights"),
    reference="reference.perceptron:gate_weights",
    torch_reference="reference.perceptron_torch:gate_weights",
    checks=(
        Check(check_gate_weights_or, points=1),
        Check(check_gate_weights_and, points=1),
        Check(check_gate_weights_nand, points=1),
        Check(check_gate_weights_scaled, points=1, hidden=True),
    ),
    mistakes=(
        Mistake(
            "bias placed last",
            "the bias is w[0], the weight of x0 = 1 placed first: return [w0, w1, w2], for example "
            "NAND (-2, -2) . x + 3 is [3, -2, -2].",
            f"{MISTAKES}:gate_weights_bias_last",
        ),
        Mistake(
            "pattern on the boundary",
            "a pattern with w.x = 0 gets -1, so every pattern whose target is +1 needs w.x > 0 strictly: "
            "move the bias so no true pattern sits on the boundary.",
            f"{MISTAKES}:gate_weights_on_the_boundary",
        ),
        Mistake(
            "NAND not negated",
            "NAND is NOT AND, so its weights point the other way: negate the AND weights, then raise the "
            "bias until no pattern with target +1 has w.x = 0, for example [3, -2, -2] (notes 1.3.2).",
            f"{MISTAKES}:gate_weights_nand_not_negated",
        ),
    ),
)


# -- perceptron.learning_step -------------------------------------------------------------


def _expect_steps(t: Trial, cases: list[tuple[str, np.ndarray, np.ndarray, int, float]]) -> None:
    for what, w, x, d, eta in cases:
        name = "learning_step(w, x, d, eta)" if t.hidden else f"learning_step(w, x, d={d:+d}, eta) for {what}"
        t.expect_close(t.student(w, x, d, eta), t.reference(w, x, d, eta), name=name)


def check_learning_step_worked_example(t: Trial) -> None:
    """'learning_step' reproduces steps of example 2.2.2 (AND, eta = 0.5)."""
    steps = [
        ("w(0) = [0, 0, 0] and ([1, 1], +1): w.x = 0, misclassified", [0.0, 0.0, 0.0], [1.0, 1.0], 1),
        ("w(1) = [0.5, 0.5, 0.5] and ([0, 0], -1): w.x = 0.5, misclassified", [0.5, 0.5, 0.5], [0.0, 0.0], -1),
        ("w(5) = [-0.5, 0.5, 0.5] and ([1, 0], -1): w.x = 0, correct", [-0.5, 0.5, 0.5], [1.0, 0.0], -1),
        ("w(5) = [-0.5, 0.5, 0.5] and ([0, 0], -1): w.x = -0.5, correct", [-0.5, 0.5, 0.5], [0.0, 0.0], -1),
    ]
    for what, w, x, d in steps:
        w, x = np.array(w), np.array(x)
        t.expect_close(t.student(w, x, d, 0.5), t.reference(w, x, d, 0.5), name=f"learning_step with {what}")


def check_learning_step_random_patterns(t: Trial) -> None:
    """'learning_step' changes w only for misclassified patterns (both classes, 3 inputs)."""
    _expect_steps(t, learning_step_cases(t.rng))


def check_learning_step_on_the_boundary(t: Trial) -> None:
    """'learning_step' treats a net input of exactly 0 as the output -1."""
    _expect_steps(t, learning_step_ties(t.rng))


def check_learning_step_hidden_patterns(t: Trial) -> None:
    """'learning_step' is right on new patterns, some on the boundary."""
    cases = learning_step_cases(t.rng, p=5) + learning_step_ties(t.rng, p=3)
    _expect_steps(t, [cases[i] for i in t.rng.permutation(len(cases))])


LEARNING_STEP = Exercise(
    id="perceptron.learning_step",
    input_classes=("on the boundary: x @ w[1:] + w[0]",),
    title="One perceptron learning step",
    notes="1.3.1.2, example 2.2.2",
    student=StudentFunction("perceptron", "learning_step"),
    reference="reference.perceptron:learning_step",
    torch_reference="reference.perceptron_torch:learning_step",
    checks=(
        Check(check_learning_step_worked_example, points=1),
        Check(check_learning_step_random_patterns, points=1),
        Check(check_learning_step_on_the_boundary, points=1),
        Check(check_learning_step_hidden_patterns, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "(d - y) x update",
            "on a misclassified pattern d - y is 2d, which doubles the step; the notes' rule is "
            "w + eta * d * [1, x] (and no change when y == d).",
            f"{MISTAKES}:learning_step_d_minus_y",
        ),
        Mistake(
            "updates correctly classified patterns",
            "only a misclassified pattern (output y != d) changes the weights; return w unchanged when y == d.",
            f"{MISTAKES}:learning_step_always_update",
        ),
        Mistake(
            "bias placed last",
            "the bias input x0 = 1 comes first: the augmented pattern is [1, x1, ..., xp], so w[0] is the bias.",
            f"{MISTAKES}:learning_step_bias_last",
        ),
        Mistake(
            "np.sign",
            "np.sign(0) is 0, which never equals d, but a net input of 0 is the output -1: "
            "a pattern with w.x = 0 and d = -1 is correct. Compute y = 1 if w.x > 0 else -1.",
            f"{MISTAKES}:learning_step_np_sign",
        ),
        Mistake(
            "sign flipped",
            "the update moves w towards d * x: w + eta * d * [1, x], not w - eta * d * [1, x].",
            f"{MISTAKES}:learning_step_sign_flipped",
        ),
    ),
)


# -- perceptron.train ---------------------------------------------------------------------------


def check_train_worked_example(t: Trial) -> None:
    """'train' reproduces example 2.2.2: AND from w = 0 with eta = 0.5, order [0, 3, 1, 0, 2]."""
    X, d = gate_data("AND")
    w0, order = np.zeros(3), [0, 3, 1, 0, 2]
    t.expect_close(
        t.student(X, d, w0, 0.5, order), t.reference(X, d, w0, 0.5, order), name="train(X, d, w0=0, eta=0.5, order)"
    )


def check_train_random_separable(t: Trial) -> None:
    """'train' follows the given order on separable integer patterns (2 inputs, 8 patterns, w0 = 0)."""
    eta = float(t.rng.choice([0.5, 1.0]))
    X, d = separable_patterns(t.rng, n=8, p=2, integer=True, eta=eta)
    w0, order = np.zeros(3), visiting_order(t.rng, 8)
    t.expect_close(t.student(X, d, w0, eta, order), t.reference(X, d, w0, eta, order), name="train(X, d, w0, eta, order)")


def check_train_stops_after_max_updates(t: Trial) -> None:
    """'train' stops after max_updates updates on XOR, which no perceptron learns."""
    X, d = gate_data("XOR")
    w0, order, max_updates = np.zeros(3), visiting_order(t.rng, 4, extra=1), int(t.rng.integers(6, 11))
    t.expect_close(
        t.student(X, d, w0, 1.0, order, max_updates),
        t.reference(X, d, w0, 1.0, order, max_updates),
        name=f"train(X, d, w0=0, eta=1, order, max_updates={max_updates}) for XOR",
    )


def check_train_hidden_data(t: Trial) -> None:
    """'train' is right on new data and orders, and stops after max_updates updates."""
    name = "train(X, d, w0, eta, order)"
    # Patterns, w0 and eta on dyadic grids (multiples of 1/16 and 1/8): every net input of the run is exact in
    # float32 and float64 alike (|w| stays below 2^10 in units of 2^-11), so a tie is a true 0 and no decision
    # rests on rounding.
    eta = float(t.rng.integers(3, 13)) / 8
    w0 = np.round(t.rng.normal(scale=0.5, size=4) * 16) / 16
    X, d = separable_patterns(t.rng, n=10, p=3, w0=w0, eta=eta, grid=16)
    order = visiting_order(t.rng, 10)
    t.expect_close(t.student(X, d, w0, eta, order), t.reference(X, d, w0, eta, order), name=name)

    X, d = gate_data("AND")
    w0, order = np.zeros(3), visiting_order(t.rng, 4, extra=2)
    t.expect_close(t.student(X, d, w0, 1.0, order), t.reference(X, d, w0, 1.0, order), name=name)

    # Data that no hyperplane separates: only max_updates stops learning.
    X, d = patterns_with_xor(t.rng, n=6, p=2, grid=16)
    w0, order, max_updates = np.zeros(3), visiting_order(t.rng, 6), int(t.rng.integers(5, 13))
    t.expect_close(
        t.student(X, d, w0, 0.5, order, max_updates),
        t.reference(X, d, w0, 0.5, order, max_updates),
        name="train(X, d, w0, eta, order, max_updates) on data that is not linearly separable",
    )


TRAIN = Exercise(
    id="perceptron.train",
    input_classes=("on the boundary: X @ w0[1:] + w0[0]",),
    title="Perceptron learning algorithm",
    notes="1.3.1.2, example 2.2.2",
    student=StudentFunction("perceptron", "train"),
    reference="reference.perceptron:train",
    torch_reference="reference.perceptron_torch:train",
    checks=(
        Check(check_train_worked_example, points=1),
        Check(check_train_random_separable, points=1),
        Check(check_train_stops_after_max_updates, points=1),
        Check(check_train_hidden_data, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "(d - y) x update",
            "on a misclassified pattern d - y is 2d, which doubles the step; the notes' rule is "
            "w + eta * d * [1, x].",
            f"{MISTAKES}:train_d_minus_y",
        ),
        Mistake(
            "updates correctly classified patterns",
            "a visited pattern that is already correctly classified leaves w unchanged (and adds no row "
            "to the trajectory); only misclassified patterns are updated.",
            f"{MISTAKES}:train_always_update",
        ),
        Mistake(
            "bias placed last",
            "the bias input x0 = 1 comes first: augment each pattern as [1, x1, ..., xp], so w[0] is the bias.",
            f"{MISTAKES}:train_bias_last",
        ),
        Mistake(
            "np.sign",
            "np.sign(0) is 0, which never equals d, but a net input of 0 is the output -1: a pattern with "
            "w.x = 0 and d = -1 is correctly classified. Use y = 1 if w.x > 0 else -1.",
            f"{MISTAKES}:train_np_sign",
        ),
    ),
)


# -- perceptron.is_linearly_separable ---------------------------------------------------------


# Each check judges its yes/no answers together (one expectation): a constant answer or a coin toss is
# right for some of them by chance. Each check holds answers of both kinds, and asks every data set
# twice, with its labels as drawn and negated (the reference's answer for each), so that a guess is
# right for all of them with a chance of 1 in 2^10 or less.


def _expect_answer(t: Trial, X: np.ndarray, d: np.ndarray, what: str, *rest: int) -> None:
    """'is_linearly_separable' on (X, d) and on (X, -d), each compared with the reference."""
    call = "is_linearly_separable(X, d" + (f", max_epochs={rest[0]}" if rest else "") + ")"
    for labels, negated in ((d, ""), (-d, " with the labels negated")):
        name = call if t.hidden else f"{call} for {what}{negated}"
        t.expect_close(t.student(X, labels, *rest), t.reference(X, labels, *rest), name=name, returns="bool")


def check_is_linearly_separable_gates(t: Trial) -> None:
    """'is_linearly_separable' is True for AND, OR, NAND and x2 AND NOT x1, and False for XOR, labels as given and negated."""
    with t.all_or_nothing():
        for gate in ("AND", "OR", "NAND", "x2 AND NOT x1", "XOR"):
            X, d = gate_data(gate)
            _expect_answer(t, X, d, gate)


def _with_xor_added(rng: np.random.Generator, X: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The patterns with an XOR configuration added among them: no longer linearly separable."""
    xor, labels = xor_configuration(rng, X.shape[1])
    X, d = np.vstack([X, xor]), np.concatenate([d, labels])
    rows = rng.permutation(len(X))
    return X[rows], d[rows]


def check_is_linearly_separable_random_separable(t: Trial) -> None:
    """'is_linearly_separable' is True for patterns split by a hyperplane with a margin or all in one class, and False once an XOR joins them."""
    with t.all_or_nothing():
        for n, p in ((8, 2), (12, 3), (10, 4)):
            X, d = separable_patterns(t.rng, n=n, p=p, max_updates=90)
            _expect_answer(t, X, d, f"{n} patterns")
            X, d = _with_xor_added(t.rng, X, d)
            _expect_answer(t, X, d, f"those {n} patterns and an XOR")
        # All in one class: a 0/1 output learns d = +1 alone, so it answers True here and False elsewhere.
        X, _ = separable_patterns(t.rng, n=6, p=2, max_updates=90)
        _expect_answer(t, X, np.ones(len(X), dtype=int), "6 patterns all labelled +1")


def check_is_linearly_separable_with_xor(t: Trial) -> None:
    """'is_linearly_separable' is False for patterns that contain an XOR configuration, True for as many separable ones."""
    with t.all_or_nothing():
        for n, p in ((7, 2), (10, 3), (9, 4)):
            X, d = patterns_with_xor(t.rng, n=n, p=p)
            _expect_answer(t, X, d, f"{n} patterns with an XOR")
            X, d = separable_patterns(t.rng, n=n, p=p, max_updates=90)
            _expect_answer(t, X, d, f"{n} separable patterns")


def check_is_linearly_separable_hidden_data(t: Trial) -> None:
    """'is_linearly_separable' is right on new data and respects max_epochs."""
    with t.all_or_nothing():
        X, d = separable_patterns(t.rng, n=10, p=4, max_updates=90)
        _expect_answer(t, X, d, "")
        _expect_answer(t, *_with_xor_added(t.rng, X, d), "")
        _expect_answer(t, *patterns_with_xor(t.rng, n=9, p=3), "")
        X, d = gate_data(str(t.rng.choice(["AND", "OR", "NAND"])))
        rows = t.rng.permutation(4)
        _expect_answer(t, X[rows], d[rows], "")
        # One epoch from w = 0 always updates when some d = +1, so the answer within 1 epoch is False.
        X, d = separable_patterns(t.rng, n=6, p=2, max_updates=90)
        _expect_answer(t, X, d, "", 1)


IS_LINEARLY_SEPARABLE = Exercise(
    id="perceptron.is_linearly_separable",
    title="Testing linear separability by perceptron learning",
    notes="1.3.1.2",
    student=StudentFunction("perceptron", "is_linearly_separable"),
    input_classes=(),
    reference="reference.perceptron:is_linearly_separable",
    torch_reference="reference.perceptron_torch:is_linearly_separable",
    checks=(
        Check(check_is_linearly_separable_gates, points=1),
        Check(check_is_linearly_separable_random_separable, points=1),
        Check(check_is_linearly_separable_with_xor, points=1),
        Check(check_is_linearly_separable_hidden_data, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "no bias input",
            "without the bias input x0 = 1 every boundary passes through the origin (AND is then not "
            "separable): learn w of shape (p + 1,) on the augmented patterns [1, x].",
            f"{MISTAKES}:is_linearly_separable_no_bias",
        ),
        Mistake(
            "gives up after one epoch",
            "one pass over the patterns is rarely enough: keep making epochs until one makes no update "
            "(True) or max_epochs epochs have made updates (False).",
            f"{MISTAKES}:is_linearly_separable_one_epoch",
        ),
        Mistake(
            "outputs 0/1",
            "the output must be -1 or +1 to be compared with d: a 0/1 output never equals d = -1, "
            "so learning never stops. Use y = 1 if w.x > 0 else -1.",
            f"{MISTAKES}:is_linearly_separable_zero_one",
        ),
    ),
)

EXERCISES: tuple[Exercise, ...] = (PREDICT, GATE_WEIGHTS, LEARNING_STEP, TRAIN, IS_LINEARLY_SEPARABLE)
