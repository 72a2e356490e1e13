"""Dropout: inverted dropout from given uniforms, the test-time behaviour of both conventions (the slides'
scaling by the keep probability at test time, and the inverted division by it in training), and
dropout drawn by the student from a seeded generator, judged statistically.

Course notes 1.5.1.7; the slides' dropout. Conventions are torch's
``nn.Dropout`` (see ``exercises/dropout.py``): p is the probability of
DROPPING a unit; from uniforms U a unit is dropped where u < p; every entry
of X has its own mask entry.

Inputs tell the conventions apart and expose the mistakes students make:
p is never 1/2 outside the worked examples (at 1/2, p and 1 - p, the drop
and the keep probability, coincide) and is drawn on both sides of it; no
uniform lies within 1e-3 of p, so no check's verdict hangs on how u = p is
rounded; the rows of U differ, so one row's mask used for every example
shows; every call of ``dropout_layer``'s checks covers training and test
time in both conventions; X has no zero entry.

``sample_dropout`` draws its own mask, so its check is statistical (see
:func:`judge_sample_dropout`): on inputs of at least 50,000 entries the
kept entries must be x / (1 - p) and the dropped ones 0, the fraction kept
must lie within 0.015 of 1 - p, no two examples may share a mask, the
same seed must give the same answer and another seed another mask, and
where the student's draw and the reference's both keep an entry of the
first two examples the values must agree (all judged together). The
check's false-failure probability for a right answer is below 1e-9 (see
:data:`KEEP_RATE_MARGIN`); ``tests/test_dropout.py`` runs the solution's draw
over 2000 seeds with no failure and shows every named mistake caught on each.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.dropout_mistakes"

UNIFORM_MARGIN = 1e-3
"""no uniform of a check lies closer than this to p: the mask never depends on how u = p is rounded"""

RATIO_MARGIN = 1e-3
"""an entry y of sample_dropout's answer counts as dropped when |y (1 - p) / x| <= this, as kept when
|y (1 - p) / x - 1| <= this: a right answer is within 1e-6 of 0 or 1 even in float32, every known
mistake at least 0.15 away"""

SAMPLE_ENTRIES = 50_000
"""the fewest entries of an input whose keep rate is judged"""

KEEP_RATE_MARGIN = 0.015
"""the kept fraction f of N >= 50,000 entries, each kept independently with probability q = 1 - p, passes
when |f - q| < 0.015. Hoeffding's inequality bounds a right answer's chance of failing by
2 exp(-2 N 0.015^2) <= 2 exp(-22.5) = 3.4e-10 per answer judged. The other events that fail a right
answer are far rarer: two of n <= 260 rows of k >= 190 entries sharing a mask (at most
C(n, 2) (q^2 + (1 - q)^2)^k < 1e-20 for p in [0.15, 0.85]) and another seed giving the same mask
(below 1e-1000). A check judges at most two answers, so it fails a right answer with probability
below 7e-10; every named mistake is caught every time (the kept fraction of a mistake that keeps with
probability p is at least 0.3 from 1 - p)."""


def representable(values: Any) -> np.ndarray:
    """The values rounded to float32 and held in float64: a float32 student and the reference start from the same numbers."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def representable_float(value: float) -> float:
    return float(np.float32(value))


def drop_probability(rng: np.random.Generator) -> float:
    """A p from [0.15, 0.35] or [0.65, 0.85]: never near 1/2, where p and 1 - p coincide."""
    low = float(rng.uniform(0.15, 0.35))
    return representable_float(low if rng.random() < 0.5 else 1.0 - low)


def activations(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Entries of magnitude 0.5 to 2 and either sign: none is 0, so a dropped entry shows."""
    return representable(rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape))


def uniforms(rng: np.random.Generator, shape: tuple[int, int], p: float) -> np.ndarray:
    """Uniforms on [0, 1), none within UNIFORM_MARGIN of p but one exactly p (a keep), each row with drops and keeps where it has room."""
    U = representable(rng.random(size=shape))
    close = np.abs(U - p) < UNIFORM_MARGIN
    U[close] = representable(np.where(U[close] < p, p - 0.1 * p, p + 0.1 * (1.0 - p)))
    if shape[1] >= 2:
        U[:, 0] = representable(p * rng.uniform(0.1, 0.9, size=shape[0]))
        U[:, -1] = representable(p + (1.0 - p) * rng.uniform(0.1, 0.9, size=shape[0]))
        U[0, -1] = p  # on the boundary, exactly (p is a float32 number): u >= p keeps the entry
        for row in U:
            rng.shuffle(row)
    return U


# -- dropout.inverted_dropout -------------------------------------------------------------------


def _dropout_calls(t: Trial, function: str, cases: list[tuple[Any, ...]], show: bool = False) -> None:
    for args in cases:
        if show:
            label = f"{function}({', '.join(str(a.tolist() if isinstance(a, np.ndarray) else a) for a in args)})"
            # the values shown are given as lists, as the docstring allows (the reference gets the arrays)
            t.expect_close(t.student(*(a.tolist() if isinstance(a, np.ndarray) else a for a in args)), t.reference(*args), name=label)
            continue
        else:
            label = f"{function}(X of shape {args[0].shape}, p={args[2]:g}{''.join(f', {a}' for a in args[3:])})"
        t.expect_close(t.student(*args), t.reference(*args), name=label)


def dropout_case(rng: np.random.Generator, shape: tuple[int, int], p: float) -> tuple[np.ndarray, np.ndarray, float]:
    p = representable_float(p)
    return activations(rng, shape), uniforms(rng, shape, p), p


WORKED_X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
WORKED_U = np.array([[0.125, 0.75, 0.375], [0.625, 0.0625, 0.875]])


def check_inverted_dropout_worked_example(t: Trial) -> None:
    """'inverted_dropout' on the docstring's example: X = [[1, 2, 3], [4, 5, 6]], U = [[0.125, 0.75, 0.375], [0.625, 0.0625, 0.875]], p = 0.5."""
    _dropout_calls(t, "inverted_dropout", [(WORKED_X, WORKED_U, 0.5)], show=True)


def check_inverted_dropout_batches(t: Trial) -> None:
    """'inverted_dropout' of 4 examples of 6 units with p = 0.2 and with p = 0.7, each example its own uniforms."""
    _dropout_calls(t, "inverted_dropout", [dropout_case(t.rng, (4, 6), 0.2), dropout_case(t.rng, (4, 6), 0.7)])


def check_inverted_dropout_hidden(t: Trial) -> None:
    """'inverted_dropout' on new batches, uniforms and drop probabilities on both sides of 1/2."""
    low = float(t.rng.uniform(0.15, 0.35))
    _dropout_calls(t, "inverted_dropout", [dropout_case(t.rng, (int(t.rng.integers(2, 6)), int(t.rng.integers(3, 8))), q)
                                           for q in (low, 1.0 - low)])


INVERTED_DROPOUT = Exercise(
    id="dropout.inverted_dropout",
    input_classes=("on the boundary: U - p", "list input: X"),
    title="Inverted dropout in training, from given uniforms: drop where u < p, divide the rest by 1 - p",
    notes="1.5.1.7 (dropout regularisation); slides: dropout",
    student=StudentFunction("dropout", "inverted_dropout"),
    reference="reference.dropout:inverted_dropout",
    torch_reference="reference.dropout_torch:inverted_dropout",
    checks=(
        Check(check_inverted_dropout_worked_example, points=1),
        Check(check_inverted_dropout_batches, points=2),
        Check(check_inverted_dropout_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "p used as the keep probability",
            "p is the probability of DROPPING a unit (nn.Dropout's p): drop where u < p, keep where u >= p, and "
            "divide the kept units by the keep probability 1 - p.",
            f"{MISTAKES}:inverted_dropout_p_kept",
        ),
        Mistake(
            "no scaling at all",
            "inverted dropout divides the kept units by 1 - p in training, so that the expected output is X and "
            "nothing needs changing at test time.",
            f"{MISTAKES}:inverted_dropout_no_scaling",
        ),
        Mistake(
            "multiplied by the keep probability",
            "in training, inverted dropout DIVIDES the kept units by 1 - p; multiplying by 1 - p is the other "
            "convention's test-time step.",
            f"{MISTAKES}:inverted_dropout_multiplied",
        ),
        Mistake(
            "the same mask for every example",
            "every entry of X has its own uniform: example n's mask comes from row n of U, not from one row "
            "broadcast to the whole batch.",
            f"{MISTAKES}:inverted_dropout_same_mask",
        ),
    ),
)


# -- dropout.dropout_layer ----------------------------------------------------------------------


MODES = ((True, True), (False, True), (True, False), (False, False))
"""(training, inverted): every call of a check covers training and test time in both conventions"""


def layer_cases(X: np.ndarray, U: np.ndarray, p: float) -> list[tuple[Any, ...]]:
    return [(X, U, p, training, inverted) for training, inverted in MODES]


def check_dropout_layer_worked_example(t: Trial) -> None:
    """'dropout_layer' on the docstring's example in both conventions, in training and at test time: p = 0.25."""
    _dropout_calls(t, "dropout_layer", layer_cases(WORKED_X, WORKED_U, 0.25), show=True)


def check_dropout_layer_conventions(t: Trial) -> None:
    """'dropout_layer' of 3 examples of 5 units with p = 0.2 and 0.7, in training and at test time, inverted and the slides' way."""
    cases = []
    for p in (0.2, 0.7):
        X, U, p = dropout_case(t.rng, (3, 5), p)
        cases += layer_cases(X, U, p)
    _dropout_calls(t, "dropout_layer", cases)


def check_dropout_layer_hidden(t: Trial) -> None:
    """'dropout_layer' on new batches and drop probabilities, both modes and both conventions."""
    X, U, p = dropout_case(t.rng, (int(t.rng.integers(2, 6)), int(t.rng.integers(3, 8))), drop_probability(t.rng))
    _dropout_calls(t, "dropout_layer", layer_cases(X, U, p))


DROPOUT_LAYER = Exercise(
    id="dropout.dropout_layer",
    input_classes=("on the boundary: U - p", "list input: X"),
    title="A dropout layer in training and at test time, inverted or scaled at test time as in the slides",
    notes="1.5.1.7 (dropout regularisation); slides: dropout (outputs scaled at test time)",
    student=StudentFunction("dropout", "dropout_layer"),
    reference="reference.dropout:dropout_layer",
    torch_reference="reference.dropout_torch:dropout_layer",
    checks=(
        Check(check_dropout_layer_worked_example, points=1),
        Check(check_dropout_layer_conventions, points=2),
        Check(check_dropout_layer_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "scaled at training and at test time",
            "scale ONCE: the inverted convention divides by 1 - p in training and leaves test outputs alone; the "
            "slides' convention leaves training outputs alone and multiplies by 1 - p at test time. Doing both "
            "shrinks the test outputs below the expected training outputs.",
            f"{MISTAKES}:dropout_layer_scaled_twice",
        ),
        Mistake(
            "p used as the keep probability",
            "p is the DROP probability: the keep probability is 1 - p, and that is what test outputs are multiplied "
            "by (the slides' 'multiplied by p' is a slip) and what inverted dropout divides by.",
            f"{MISTAKES}:dropout_layer_p_kept",
        ),
        Mistake(
            "no scaling at all",
            "one of the two phases must scale, so that test outputs equal the expected training outputs: divide by "
            "1 - p in training (inverted), or multiply by 1 - p at test time (the slides').",
            f"{MISTAKES}:dropout_layer_no_scaling",
        ),
        Mistake(
            "the same mask for every example",
            "each example's mask comes from its own row of U: do not broadcast one row's mask to the batch.",
            f"{MISTAKES}:dropout_layer_same_mask",
        ),
        Mistake(
            "conventions swapped",
            "inverted=True is the convention that divides by 1 - p in TRAINING and does nothing at test time.",
            f"{MISTAKES}:dropout_layer_conventions_swapped",
        ),
    ),
)


# -- dropout.sample_dropout ---------------------------------------------------------------------


def judge_sample_dropout(X: np.ndarray, p: float, answer: Any, *, name: str = "sample_dropout") -> tuple[list[str], list[str]]:
    """Whether ``answer`` is inverted dropout of X with drop probability p: (problems found, known mistakes seen).

    No problem is found in a right answer but with the probability bounded in :data:`KEEP_RATE_MARGIN`.
    The messages name the mistakes they recognise and reveal no expected value beyond the stated rule.
    """
    try:
        Y = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return [f"'{name}' should return an array of X's shape {X.shape}; it returned {type(answer).__name__}"], []
    if Y.shape != X.shape or not np.isfinite(Y).all():
        return [f"'{name}' should return a finite array of X's shape {X.shape}; it returned one of shape {Y.shape}"], []
    problems: list[str] = []
    mistakes: list[str] = []
    ratio = Y / X
    scaled = ratio * (1.0 - p)
    dropped = np.abs(scaled) <= RATIO_MARGIN
    kept = np.abs(scaled - 1.0) <= RATIO_MARGIN
    wrong = ~(dropped | kept)
    if wrong.any():
        message = f"'{name}' gives {int(wrong.sum())} entries that are neither 0 (dropped) nor x / (1 - p) (kept)"
        survivors = ratio[~dropped]
        for mistake, factor, why in (
            ("no scaling at all", 1.0, "kept entries are x itself: divide them by 1 - p"),
            ("p used as the keep probability", 1.0 / p, "kept entries are x / p: p is the DROP probability, keep with probability 1 - p and divide by 1 - p"),
            ("multiplied by the keep probability", 1.0 - p, "kept entries are x (1 - p): inverted dropout divides by 1 - p in training"),
        ):
            if survivors.size and np.all(np.abs(survivors / factor - 1.0) <= RATIO_MARGIN):
                mistakes.append(mistake)
                message += f" (the mistake '{mistake}': {why})"
        problems.append(message)
    else:
        fraction = float(kept.mean())
        if abs(fraction - (1.0 - p)) >= KEEP_RATE_MARGIN:
            message = (f"'{name}' keeps a fraction {fraction:.4f} of the {X.size} entries, outside 1 - p +- {KEEP_RATE_MARGIN} "
                       "(a right answer lands outside with probability below 1e-9)")
            if abs(fraction - p) < KEEP_RATE_MARGIN:
                mistakes.append("units kept with probability p")
                message += " (the mistake 'units kept with probability p': p is the probability of DROPPING a unit)"
            problems.append(message)
    masks = Y != 0
    if X.shape[0] >= 2:
        rows = {row.tobytes() for row in np.packbits(masks, axis=1)}
        if len(rows) < X.shape[0]:
            message = f"'{name}' gives {X.shape[0] - len(rows) + 1} or more examples (rows) the same mask: each entry is dropped independently"
            if len(rows) == 1:
                mistakes.append("the same mask for every example")
                message += " (the mistake 'the same mask for every example': draw one uniform per ENTRY of X, not per column)"
            problems.append(message)
    return problems, mistakes


def same_seed_problems(first: Any, again: Any, other: Any, *, name: str = "sample_dropout") -> list[str]:
    """What is wrong with three answers for one X and p: two with the same seed, one with another seed."""
    try:
        first, again, other = (np.asarray(a, dtype=float) for a in (first, again, other))
    except (TypeError, ValueError):
        return [f"'{name}' should return arrays"]
    problems = []
    if first.shape != again.shape or not np.array_equal(first, again):
        problems.append(f"'{name}' gives another answer when called again with the same seed (the mistake 'seed ignored': "
                        "draw every random number from np.random.default_rng(seed))")
    elif first.shape == other.shape and (first == 0).any() and (first != 0).any() and np.array_equal(first != 0, other != 0):
        # Only an answer that drops some entries and keeps others has a mask to compare (one that drops none
        # is wrong in another way, which the value check says): else 'seed ignored' would be named for it.
        problems.append(f"'{name}' gives the same mask for another seed (the mistake 'seed ignored': "
                        "draw every random number from np.random.default_rng(seed))")
    return problems


def big_shape(rng: np.random.Generator) -> tuple[int, int]:
    """An input of at least SAMPLE_ENTRIES entries: 150 to 259 rows of at least 190 units."""
    n = int(rng.integers(150, 260))
    return n, math.ceil(SAMPLE_ENTRIES / n) + int(rng.integers(0, 40))


COMPARED_ROWS = 2
"""the examples of sample_dropout's answer compared, where both keep an entry, with the reference's draw on
those examples (asked for them alone, so that a recording holds 2 rows, not 50,000 entries)"""


def _agrees_where_both_keep(t: Trial, Y: Any, reference_rows: np.ndarray) -> None:
    """Where the student's draw and the reference's both keep an entry of the first rows, the values agree."""
    try:
        mine = np.asarray(Y)[:COMPARED_ROWS]
        both = (mine != 0) & (reference_rows != 0)
        mine = mine[both]
    except (TypeError, ValueError, IndexError):
        return  # judge_sample_dropout has said what is wrong with the answer's type or shape
    t.expect_close(mine, reference_rows[both],
                   name=f"the entries of the first {COMPARED_ROWS} examples that your draw and the reference's both keep")


def _same_answer(first: Any, again: Any) -> bool:
    try:
        first, again = np.asarray(first, dtype=float), np.asarray(again, dtype=float)
    except (TypeError, ValueError):
        return False
    return first.shape == again.shape and bool(np.array_equal(first, again))


def _sample_case(t: Trial, shape: tuple[int, int], p: float, *, lists: bool = False) -> None:
    """One expectation on the draw; ``lists`` asks once more with X as nested lists (a large list is slow to send)."""
    p = representable_float(p)
    X = activations(t.rng, shape)
    seed = int(t.rng.integers(0, 2**31 - 1))
    with t.all_or_nothing():
        Y = t.student(X, p, seed)
        problems, mistakes = judge_sample_dropout(X, p, Y)
        for mistake in mistakes:
            t.name_mistake(mistake)
        t.expect(not problems, "; ".join(problems))
        _agrees_where_both_keep(t, Y, np.asarray(t.reference(X[:COMPARED_ROWS], p, seed), dtype=float))
        repeat = same_seed_problems(Y, t.student(X, p, seed), t.student(X, p, seed + 1))
        if repeat:
            t.name_mistake("seed ignored")
        t.expect(not repeat, "; ".join(repeat))
        if lists and not repeat:  # the same seed once more, X as nested lists (the docstring allows them): the same answer
            t.expect(_same_answer(Y, t.student(X.tolist(), p, seed)),
                     "'sample_dropout' gives another answer when X is given as nested lists, which the docstring allows: "
                     "start with X = np.asarray(X, dtype=float)")


def check_sample_dropout_keep_rate(t: Trial) -> None:
    """'sample_dropout' of 200 examples of 250 units with p = 0.2 and 0.7: entries 0 or x/(1 - p), about 1 - p of them kept, each example its own mask, the same answer for the same seed."""
    for p in (0.2, 0.7):
        _sample_case(t, (200, 250), p, lists=p == 0.2)


def check_sample_dropout_hidden(t: Trial) -> None:
    """'sample_dropout' of a new batch of over 50,000 entries and a new drop probability, judged as the public check is."""
    _sample_case(t, big_shape(t.rng), drop_probability(t.rng))


def _first_rows(value: Any, seed: int) -> np.ndarray:
    """What a recording keeps of the reference's draw: the rows the checks compare, as they are.

    Declaring a recorded form also keeps the known mistakes' traces (answers of 50,000 entries) out of
    the recording: the checks name the mistakes themselves (:func:`judge_sample_dropout`).
    """
    return np.asarray(value, dtype=float)[:COMPARED_ROWS]


SAMPLE_DROPOUT = Exercise(
    id="dropout.sample_dropout",
    input_classes=("list input: X",),
    title="Inverted dropout with a mask you draw from a seeded generator, checked statistically",
    notes="1.5.1.7 (dropout regularisation: units zeroed with probability p); slides: dropout",
    student=StudentFunction("dropout", "sample_dropout"),
    reference="reference.dropout:sample_dropout",
    torch_reference="reference.dropout_torch:sample_dropout",
    checks=(
        Check(check_sample_dropout_keep_rate, points=2),
        Check(check_sample_dropout_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "p used as the keep probability",
            "p is the probability of DROPPING a unit: keep each entry with probability 1 - p and divide the kept "
            "ones by 1 - p.",
            f"{MISTAKES}:sample_dropout_p_kept",
        ),
        Mistake(
            "units kept with probability p",
            "the division by 1 - p is right, but the mask keeps a fraction p of the entries: drop where u < p, so "
            "that a fraction 1 - p is kept.",
            f"{MISTAKES}:sample_dropout_keep_rate_p",
        ),
        Mistake(
            "no scaling at all",
            "inverted dropout divides the kept entries by 1 - p, so that the expected output is X.",
            f"{MISTAKES}:sample_dropout_no_scaling",
        ),
        Mistake(
            "multiplied by the keep probability",
            "in training, inverted dropout DIVIDES the kept entries by 1 - p.",
            f"{MISTAKES}:sample_dropout_multiplied",
        ),
        Mistake(
            "the same mask for every example",
            "draw one uniform per ENTRY of X (rng.random(X.shape)), not one row of them broadcast to every example.",
            f"{MISTAKES}:sample_dropout_same_mask",
        ),
        Mistake(
            "seed ignored",
            "make the generator once with np.random.default_rng(seed) and draw every random number from it, so "
            "the same seed gives the same mask (np.random.rand and an unseeded generator do not).",
            f"{MISTAKES}:sample_dropout_seed_ignored",
        ),
    ),
    recorded_reference=_first_rows,
)


EXERCISES: tuple[Exercise, ...] = (
    INVERTED_DROPOUT,
    DROPOUT_LAYER,
    SAMPLE_DROPOUT,
)
