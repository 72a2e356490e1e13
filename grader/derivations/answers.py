"""Judging what a student function returned: the bridge between checks and derivations.

A derivation check calls the student's function (which returns a string, or
a list of strings for a multi-step derivation), gets the correct answer from
``t.reference()``, and hands both to one of the ``judge_*`` functions here.
Each returns a :class:`Judgement`: whether the expectation is met, the
feedback text, and the credit a near miss still earns. :func:`record` turns
a judgement into the trial's expectations.

The correct answer is an answer key when the reference runs (the correct
expression's text with the known wrong answers' texts), and a
:class:`~grader.derivations.sampled.SampledTarget` (or its plain form) when
the check runs from recorded data: the values of both at points fixed at
record time, never an expression (see
:mod:`~grader.derivations.answer_key`). Every ``judge_*`` function takes
either; the key is judged as it always was (symbolic proof first), the
sampled target by its values alone.

Feedback has the shape used everywhere in nngrade: the answer's name in
quotes, what is wrong, how the answer was read (plain text and LaTeX), a
counterexample (for hidden checks without the expected value), and the
named mistake with its hint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.derivations.equivalence import Outcome, Point, Sample, close, decide, example_point, format_number, value_at
from grader.derivations.errors import AnswerRejected, NotAnExpression
from grader.derivations.evaluate import EvaluationTimedOut, Undefined
from grader.derivations.answer_key import expected_answer
from grader.derivations.feedback import (
    Diagnosis,
    diagnose,
    diagnose_at_samples,
    rejected_at_samples,
    rejected_mistakes,
    wrong_derivations,
)
from grader.derivations.expression import Expression, parse_answer, parse_chain
from grader.derivations.question import Question, WrongAnswer
from grader.derivations.sampled import SampledTarget, decide_at_samples
from grader.derivations.tree import Diff, functions_used, names_used
from grader.errors import NngradeError
from grader.plain_data import Unconvertible

if TYPE_CHECKING:
    from grader.trial import Trial


class EquivalenceUndecided(NngradeError):
    """Neither a proof, nor sampling, nor the tie-breaker could decide: a fault of the question, not the student's.

    Raised out of a check, it becomes an internal error (never a zero).
    Likely cause: the correct expression is undefined at most points of the
    declared domains; narrow the domains.
    """


@dataclass(frozen=True)
class Judgement:
    ok: bool
    message: str
    credit: float = 0.0
    """the fraction of the expectation a wrong answer still earns (partial credit)"""
    diagnoses: tuple[Diagnosis, ...] = ()


def record(t: "Trial", judgement: Judgement) -> None:
    """Record a judgement as the trial's expectations, and the known mistake it names, if any.

    A met or wrong judgement is one expectation. A wrong one that still earns
    credit (a mistake the question gives partial credit for) is four, of
    which round(4 * credit) are met: the check's score is then that credit
    when it is the check's only judgement, as in the ``equivalent`` checks.
    """
    if not judgement.ok:
        for diagnosis in judgement.diagnoses:
            if diagnosis.known:
                t.name_mistake(diagnosis.name)
    if judgement.ok or judgement.credit <= 0:
        t.expect(judgement.ok, judgement.message)
        return
    quarters = max(0, min(3, round(judgement.credit * 4)))
    for i in range(4):
        t.expect(i < quarters, judgement.message if i == quarters else "")


def _describe(value: Any) -> str:
    if isinstance(value, Unconvertible):
        return value.describe()
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    text = repr(value)
    return f"a {type(value).__name__} ({text[:60]}{'...' if len(text) > 60 else ''})"


# -- reading ----------------------------------------------------------------------------------


def read(value: Any, question: Question, *, name: str) -> Expression:
    """The student's answer as an expression; raises :class:`AnswerRejected` with a message for the student."""
    if not isinstance(value, str):
        raise NotAnExpression(
            f"'{name}' should return the expression as a string, for example \"sigma(z)\"--got: {_describe(value)}"
        )
    return parse_answer(value, question)


def _rejection(
    error: AnswerRejected,
    question: Question,
    *,
    name: str,
    label: str = "",
    correct: Expression | SampledTarget | None = None,
    wrong: tuple[WrongAnswer, ...] = (),
) -> Judgement:
    """The judgement of an answer that could not be read, naming the known wrong answers read with the same error."""
    if isinstance(error, NotAnExpression):
        return Judgement(False, error.message)
    where = f" ({label})" if label else ""
    lines = [f"'{name}'{where} could not be read: {error.describe()}"]
    if isinstance(correct, SampledTarget):
        known = rejected_at_samples(error, correct)
    else:
        known = rejected_mistakes(error, question, wrong)
    lines.extend(d.message for d in known)
    return Judgement(False, "\n".join(lines), max((d.credit for d in known), default=0.0), tuple(known))


# -- single answers ---------------------------------------------------------------------------------


def _mismatch_lines(sample: Sample, question: Question, *, hidden: bool, got_label: str = "got", want_label: str = "expected") -> list[str]:
    where = sample.point.describe(question)
    if sample.got_undefined is not None:
        return [f"at {where}, your expression has no value ({sample.got_undefined}), but the correct one has"]
    got, want = sample.got, sample.expected
    if isinstance(got, np.ndarray):
        differences = np.array([[float(abs(a - b)) for a, b in zip(r1, r2)] for r1, r2 in zip(got, want)])
        i, j = np.unravel_index(int(np.argmax(differences)), differences.shape)
        entry = f"entry [{i + 1}, {j + 1}]"
        if hidden:
            return [f"at {where}, {entry} of your expression differs from the correct one"]
        return [f"at {where}, {entry}: {got_label} {format_number(got[i, j])}, {want_label} {format_number(want[i, j])}"]
    if hidden:
        return [f"at {where}, your expression gives {format_number(got)}, which is not the correct value"]
    return [f"at {where}: {got_label} {format_number(got)}, {want_label} {format_number(want)}"]


def judge_expression(
    answer: Expression,
    expected: Expression | SampledTarget,
    *,
    rng: np.random.Generator,
    name: str,
    hidden: bool,
    label: str = "",
    points: int | None = None,
    prove: bool = True,
    wrong: tuple[WrongAnswer, ...] = (),
) -> Judgement:
    """Whether an already-read answer equals the expected expression (or sampled target), with targeted feedback.

    ``wrong`` are the known wrong answers to name against an expression (a
    sampled target holds its own). Against a sampled target nothing is
    proved and no point is drawn: the recorded points decide (``prove`` and
    ``rng`` play no part).
    """
    question = expected.question
    try:
        if isinstance(expected, SampledTarget):
            verdict = decide_at_samples(answer, expected, points=points)
        else:
            verdict = decide(answer, expected, rng=rng, points=points, prove=prove)
    except EvaluationTimedOut:
        return Judgement(
            False,
            f"'{name}' took longer than {question.time_limit:g} s to check; write it in a simpler form",
        )
    if verdict.equivalent:
        return Judgement(True, f"'{name}' looks good")
    if verdict.outcome is Outcome.UNDECIDED:
        raise EquivalenceUndecided(
            f"{question.id}: could not decide whether {answer.plain!r} equals the correct answer ({verdict.note})"
        )
    where = f" ({label})" if label else ""
    lines = [f"'{name}'{where} is not {question.target}", f"  {answer.read_as()}"]
    if verdict.counterexample is not None:
        lines.extend(f"  {line}" for line in _mismatch_lines(verdict.counterexample, question, hidden=hidden))
    elif verdict.method == "simplify":
        lines.append("  sympy shows that the two expressions differ")
    try:
        if isinstance(expected, SampledTarget):
            diagnoses = diagnose_at_samples(answer, expected)
        else:
            diagnoses = diagnose(answer, expected, verdict, rng, wrong)
    except EvaluationTimedOut:
        diagnoses = []  # diagnosis is a courtesy; the verdict stands without it
    for diagnosis in diagnoses:
        lines.append(diagnosis.hidden_message if hidden and not diagnosis.known else diagnosis.message)
    credit = max((d.credit for d in diagnoses), default=0.0)
    return Judgement(False, "\n".join(lines), credit, tuple(diagnoses))


def judge_answer(
    value: Any,
    question: Question,
    expected: Any,
    *,
    rng: np.random.Generator,
    name: str,
    hidden: bool,
    points: int | None = None,
    prove: bool = True,
) -> Judgement:
    """Whether the returned answer is equivalent to ``expected`` (proof or sampling), with feedback.

    ``expected`` is an answer key or a sampled target (see
    :func:`~grader.derivations.answer_key.expected_answer`). ``prove=False``
    skips the symbolic proof: the answer must agree at ``points`` random
    points (hidden checks sample each student's own points).
    """
    correct, wrong = expected_answer(expected, question)
    try:
        answer = read(value, question, name=name)
    except AnswerRejected as error:
        return _rejection(error, question, name=name, correct=correct, wrong=wrong)
    return judge_expression(
        answer, correct, rng=rng, name=name, hidden=hidden, points=points, prove=prove, wrong=wrong
    )


def judge_constraints(value: Any, question: Question, *, name: str) -> Judgement:
    """Whether the answer uses the functions the question requires and none it forbids."""
    try:
        answer = read(value, question, name=name)
    except AnswerRejected as error:
        return _rejection(error, question, name=name)
    used = functions_used(answer.tree)
    missing = [f for f in question.required_functions if f not in used]
    forbidden = [f for f in question.forbidden_functions if f in used]
    if not missing and not forbidden:
        return Judgement(True, f"'{name}' looks good")
    parts = []
    if missing:
        parts.append(f"it should be written with {', '.join(missing)}")
    if forbidden:
        parts.append(f"it should not use {', '.join(forbidden)}")
    return Judgement(False, f"'{name}' is not written as asked: {' and '.join(parts)}\n  {answer.read_as()}")


# -- worked examples ------------------------------------------------------------------------


def judge_examples(value: Any, question: Question, expected: Any, *, name: str) -> list[Judgement]:
    """One judgement per worked example of the question: the answer's value there.

    ``expected`` is an answer key, or a sampled target, which holds the
    correct value at each worked example.
    """
    correct, wrong = expected_answer(expected, question)
    try:
        answer = read(value, question, name=name)
    except AnswerRejected as error:
        return [_rejection(error, question, name=name, correct=correct, wrong=wrong)]
    if answer.shape != correct.shape:
        return [judge_expression(answer, correct, rng=np.random.default_rng(0), name=name, hidden=False, wrong=wrong)]
    if not names_used(answer.tree) and _depends_on_names(correct):
        # A number can be right at a worked example by chance ('1' where the answer is 1 at n = 2);
        # it computes nothing, so it earns no worked value.
        return [Judgement(False, f"'{name}' is a number, but {question.target} depends on the question's names\n  {answer.read_as()}")]
    judgements = []
    shown = False  # how the answer was read is shown once, under the first wrong value
    for number, example in enumerate(question.examples):
        point = example_point(example, question)
        if isinstance(correct, SampledTarget):
            want = correct.examples[number]
        else:
            want = value_at(correct.tree, point, question)
        try:
            got = value_at(answer.tree, point, question)
        except EvaluationTimedOut:
            judgements.append(Judgement(False, f"'{name}' took too long to evaluate; write it in a simpler form"))
            continue
        except Undefined as exc:
            read_as = "" if shown else f"\n  {answer.read_as()}"
            shown = True
            judgements.append(Judgement(False, f"'{name}' at {example.description} is undefined ({exc.reason}){read_as}"))
            continue
        if close(got, want, rtol=max(question.rtol, 1e-12), atol=max(question.atol, 1e-15)):
            judgements.append(Judgement(True, f"'{name}' looks good"))
            continue
        if isinstance(got, np.ndarray):
            shown = _mismatch_lines(Sample(point, want, got), question, hidden=False)[0].split(", entry ", 1)[-1]
            line = f"entry {shown}"
        else:
            line = f"got {format_number(got)}, expected {format_number(want)}"
        read_as = "" if shown else f"\n  {answer.read_as()}"
        shown = True
        judgements.append(Judgement(False, f"'{name}' at {example.description}: {line}{read_as}"))
    return judgements


def _depends_on_names(correct: Expression | SampledTarget) -> bool:
    """Whether the correct answer uses any of the question's names (a sampled target: whether the question has any)."""
    if isinstance(correct, Expression):
        return bool(names_used(correct.tree))
    return bool(correct.question.symbols)


# -- multi-step derivations -----------------------------------------------------------------------


@dataclass(frozen=True)
class StepsJudgement:
    """The parts of a multi-step derivation that checks score separately."""

    start: Judgement
    target: Judgement
    follows: Judgement
    count: Judgement


def read_steps(value: Any, question: Question, *, name: str) -> tuple[list[Expression], list[str]]:
    """The steps as expressions with their labels; a step ``a = b`` counts as two."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(step, str) for step in value):
        raise NotAnExpression(
            f"'{name}' should return a list of strings, one step of the derivation each--got: {_describe(value)}"
        )
    if not value:
        raise NotAnExpression(f"'{name}' returned an empty list; write the steps of the derivation")
    if len(value) > 40:
        raise NotAnExpression(f"'{name}' returned {len(value)} steps; at most 40 are checked")
    expressions: list[Expression] = []
    labels: list[str] = []
    for number, step in enumerate(value, start=1):
        try:
            parts = parse_chain(step, question)
        except AnswerRejected as error:
            raise type(error)(
                f"step {number}: {error.message}", text=error.text, position=error.position, length=error.length
            ) from None
        for part, expression in enumerate(parts, start=1):
            expressions.append(expression)
            labels.append(f"step {number}" if len(parts) == 1 else f"step {number}, part {part}")
    return expressions, labels


def judge_steps(
    value: Any,
    question: Question,
    expected: Any,
    *,
    rng: np.random.Generator,
    name: str,
    hidden: bool,
    prove: bool = True,
) -> StepsJudgement:
    """Start, target, each step following from the one before, and the number of different steps.

    A derivation scores only when its first step is the question's start and
    its last step its target: otherwise every part fails, with no partial
    credit (the known mistakes it shows are still named). A step that repeats
    the one before it is dropped (it is no transformation), and the count is of
    different steps, so repeating a step neither follows nor counts.

    ``expected`` is the answer key of the result, or a sampled target; the
    start and the steps are judged against each other alone. Against a sampled
    target, a derivation that follows a recorded wrong derivation step by
    step is named in every part it fails.
    """
    if question.start is None:
        raise ValueError(f"{question.id} is not a multi-step question (no start)")
    target, wrong = expected_answer(expected, question)
    try:
        steps, labels = read_steps(value, question, name=name)
    except AnswerRejected as error:
        failed = _rejection(error, question, name=name, correct=target, wrong=wrong)
        return StepsJudgement(failed, failed, failed, failed)
    start = parse_answer(question.start, question)
    steps, labels = _without_repeats(steps, labels)

    start_judgement = judge_expression(steps[0], start, rng=rng, name=name, hidden=hidden, label=labels[0], prove=prove)
    if not start_judgement.ok:
        start_judgement = Judgement(
            False,
            start_judgement.message.replace(f"is not {question.target}", "does not match the start of the derivation", 1),
        )
    elif not _written_as(steps[0], start):
        # The start often equals the result (it is the same quantity before the derivation), so a chain of
        # rewritings of the result would "start" there by value: the first step must be the start as given.
        start_judgement = Judgement(
            False,
            f"'{name}' ({labels[0]}) should be the start of the derivation as the question gives it, {question.start}\n"
            f"  {steps[0].read_as()}",
        )
    target_judgement = judge_expression(
        steps[-1], target, rng=rng, name=name, hidden=hidden, label=labels[-1], prove=prove, wrong=wrong
    )
    if target_judgement.ok and len(steps) < 2:
        target_judgement = Judgement(
            False, f"'{name}' has only the start: its last step should be the result, {question.target}, reached by steps"
        )
    if target_judgement.ok:
        used = functions_used(steps[-1].tree)
        missing = [f for f in question.required_functions if f not in used]
        forbidden = [f for f in question.forbidden_functions if f in used]
        if missing or forbidden:
            wanted = ", ".join(missing) if missing else ""
            unwanted = ", ".join(forbidden)
            parts = ([f"written with {wanted}"] if wanted else []) + ([f"without {unwanted}"] if unwanted else [])
            target_judgement = Judgement(
                False,
                f"'{name}' ({labels[-1]}) is right but should be {' and '.join(parts)}\n  {steps[-1].read_as()}",
            )

    follows = Judgement(True, f"'{name}' looks good")
    for i in range(len(steps) - 1):
        try:
            verdict = decide(steps[i + 1], steps[i], rng=rng, prove=prove)
        except EvaluationTimedOut:
            follows = Judgement(False, f"'{name}': checking {labels[i + 1]} took too long; write it in a simpler form")
            break
        if verdict.outcome is Outcome.UNDECIDED:
            raise EquivalenceUndecided(f"{question.id}: could not decide whether {labels[i + 1]} follows ({verdict.note})")
        if not verdict.equivalent:
            lines = [
                f"'{name}': {labels[i + 1]} does not follow from {labels[i]}",
                f"  {labels[i]} {steps[i].read_as()}",
                f"  {labels[i + 1]} {steps[i + 1].read_as()}",
            ]
            if verdict.counterexample is not None:
                lines.extend(
                    f"  {line}"
                    for line in _mismatch_lines(
                        verdict.counterexample, question, hidden=False, got_label=labels[i + 1] + " gives",
                        want_label=labels[i] + " gives",
                    )
                )
            elif verdict.method == "shape":
                lines.append("  the two steps do not even have the same shape")
            follows = Judgement(False, "\n".join(lines))
            break

    count = Judgement(True, f"'{name}' looks good")
    distinct = len({step.plain for step in steps})
    if distinct < question.min_steps:
        count = Judgement(
            False,
            f"'{name}' has {distinct} different step{'s' if distinct != 1 else ''}; show at least {question.min_steps}, "
            f"from the start to the result, each following from the one before (a step repeated counts once)",
        )
    parts = StepsJudgement(start_judgement, target_judgement, follows, count)
    if isinstance(target, SampledTarget) and not all(part.ok for part in _parts(parts)):
        named = [d for d in wrong_derivations(steps, target) if d.name not in _names(parts)]
        if named:
            parts = StepsJudgement(*(_with_diagnoses(part, named, hidden=hidden) for part in _parts(parts)))
    if not (parts.start.ok and parts.target.ok):
        # Steps that follow from each other prove nothing unless they lead from the question's start
        # to its target: '0' written five times "follows" and counts five steps.
        reason = (
            f"not scored: a derivation earns points only when it starts at the given expression and ends at "
            f"{question.target}"
        )
        parts = StepsJudgement(*(_unscored(part, f"'{name}' {reason}") for part in _parts(parts)))
    return parts


def _written_as(step: Expression, start: Expression) -> bool:
    """Whether a step is written with the start's names and functions, and as a derivative where the start is one."""
    def has_derivative(expression: Expression) -> bool:
        return any(isinstance(node, Diff) for node in expression.tree.walk())

    return (
        names_used(start.tree) <= names_used(step.tree)
        and functions_used(start.tree) <= functions_used(step.tree)
        and (has_derivative(step) or not has_derivative(start))
    )


def _without_repeats(steps: list[Expression], labels: list[str]) -> tuple[list[Expression], list[str]]:
    """The steps with each step that repeats the one before it dropped (``a = b`` then ``b = c`` writes b twice).

    A repeated step is no transformation: it neither counts as a step nor shows that the next one follows.
    """
    kept: list[Expression] = []
    kept_labels: list[str] = []
    for step, label in zip(steps, labels):
        if kept and step.plain == kept[-1].plain:
            continue
        kept.append(step)
        kept_labels.append(label)
    return kept, kept_labels


def _unscored(judgement: Judgement, reason: str) -> Judgement:
    """A part of a derivation that cannot earn credit: failed, with no partial credit, naming what it named."""
    message = judgement.message if not judgement.ok else reason
    return Judgement(False, message, 0.0, judgement.diagnoses)


def _parts(judgement: StepsJudgement) -> tuple[Judgement, Judgement, Judgement, Judgement]:
    return (judgement.start, judgement.target, judgement.follows, judgement.count)


def _names(judgement: StepsJudgement) -> set[str]:
    return {d.name for part in _parts(judgement) for d in part.diagnoses}


def _with_diagnoses(judgement: Judgement, diagnoses: list[Diagnosis], *, hidden: bool) -> Judgement:
    """A failed judgement with the diagnoses' messages added (a met one is left as it is)."""
    if judgement.ok:
        return judgement
    lines = [judgement.message] + [d.hidden_message if hidden else d.message for d in diagnoses]
    credit = max([judgement.credit] + [d.credit for d in diagnoses])
    return Judgement(False, "\n".join(lines), credit, judgement.diagnoses + tuple(diagnoses))


__all__ = [
    "EquivalenceUndecided",
    "Judgement",
    "StepsJudgement",
    "judge_answer",
    "judge_constraints",
    "judge_examples",
    "judge_expression",
    "judge_steps",
    "read",
    "read_steps",
    "record",
]
