"""The judging functions as a sandboxed child runs them: plain data in, plain data out.

:mod:`grader.derivations.sandboxed_judge` loads this module into a sandbox
child of its own (no student code is ever loaded there) and calls
:func:`judge` with what a derivation check has: the student's returned
value, the question (as plain data, :func:`~grader.derivations.question.question_to_plain`:
the child never looks questions up, so it imports no catalog), the expected
answer and a seed. Reading and
comparing the student's text then happens under the same limits as the
student's code -- CPU and wall time, memory, processes -- so even an answer
that got past the parser's guards can only cost its own check.

What comes back is plain data (:func:`judgement_to_plain`); the grader
rebuilds the judgement with :func:`judgement_from_plain`.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from grader.derivations.answers import (
    EquivalenceUndecided,
    Judgement,
    StepsJudgement,
    judge_answer,
    judge_constraints,
    judge_examples,
    judge_steps,
)
from grader.derivations.feedback import Diagnosis
from grader.derivations.question import Question, question_from_plain
from grader.errors import RecordingMissing

KINDS = ("answer", "constraints", "examples", "steps")
"""the judging functions :func:`judge` runs"""

_questions: dict[str, Question] = {}
"""the questions this child has read, by their plain form: one object per question, so answers parsed
for it stay cached (parsing caches by question)"""


def _question(plain: Any) -> Question:
    key = json.dumps(plain, sort_keys=True)
    if key not in _questions:
        _questions[key] = question_from_plain(plain)
    return _questions[key]


def judgement_to_plain(judgement: Judgement) -> dict[str, Any]:
    return {
        "ok": bool(judgement.ok),
        "message": str(judgement.message),
        "credit": float(judgement.credit),
        "diagnoses": [
            {
                "name": d.name,
                "message": d.message,
                "hidden_message": d.hidden_message,
                "credit": float(d.credit),
                "known": bool(d.known),
            }
            for d in judgement.diagnoses
        ],
    }


def _credit(value: Any) -> float:
    """A credit from the judge's reply: a finite number from 0 to 1, or ``ValueError`` (never nan as a score)."""
    if type(value) not in (int, float) or not 0 <= value <= 1:  # nan fails the comparison
        raise ValueError(f"a judgement's credit is not a number from 0 to 1: {str(value)[:40]}")
    return float(value)


def judgement_from_plain(data: Any) -> Judgement:
    """A :class:`Judgement` from :func:`judgement_to_plain`'s output; ``ValueError`` if it is not that shape.

    Every field is checked by type and range before use: the credit becomes
    a score, so it must be a finite number from 0 to 1.
    """
    if not isinstance(data, dict) or not isinstance(data.get("message"), str) or not isinstance(data.get("ok"), bool):
        raise ValueError(f"not a judgement: {type(data).__name__}")
    entries = data.get("diagnoses") or []
    if not isinstance(entries, (list, tuple)):
        raise ValueError("a judgement's diagnoses are not a list")
    diagnoses = []
    for entry in entries:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) for key in ("name", "message", "hidden_message")
        ) or not isinstance(entry.get("known"), bool):
            raise ValueError("not a diagnosis")
        diagnoses.append(
            Diagnosis(
                name=entry["name"],
                message=entry["message"],
                hidden_message=entry["hidden_message"],
                credit=_credit(entry.get("credit")),
                known=entry["known"],
            )
        )
    return Judgement(data["ok"], data["message"], _credit(data.get("credit", 0.0)), tuple(diagnoses))


def judge(
    kind: str,
    value: Any,
    question: Any,
    expected: Any,
    seed: int,
    *,
    hidden: bool,
    points: int | None = None,
    prove: bool = True,
) -> dict[str, Any]:
    """Run one judging function on a student's answer; the judgement as plain data.

    ``kind`` is one of :data:`KINDS` and ``question`` the question's plain
    form (messages name the answer by the question's id). The result is ``{"judgement": ...}``,
    ``{"judgements": [...]}`` (examples), ``{"steps": {part: ...}}`` (steps) or
    ``{"undecided": message}`` when nothing could decide (a fault of the
    question) or ``{"recording_missing": message}`` when a recorded target
    is stale; the grader re-raises both as internal errors.
    """
    question = _question(question)
    question_name = question.id
    rng = np.random.default_rng(seed)
    try:
        if kind == "answer":
            judged = judge_answer(
                value, question, expected, rng=rng, name=question_name, hidden=hidden, points=points, prove=prove
            )
            return {"judgement": judgement_to_plain(judged)}
        if kind == "constraints":
            return {"judgement": judgement_to_plain(judge_constraints(value, question, name=question_name))}
        if kind == "examples":
            judgements = judge_examples(value, question, expected, name=question_name)
            return {"judgements": [judgement_to_plain(j) for j in judgements]}
        if kind == "steps":
            steps = judge_steps(value, question, expected, rng=rng, name=question_name, hidden=hidden, prove=prove)
            return {"steps": {part: judgement_to_plain(getattr(steps, part)) for part in StepsJudgement.__dataclass_fields__}}
    except EquivalenceUndecided as undecided:
        return {"undecided": str(undecided)}
    except RecordingMissing as missing:
        return {"recording_missing": str(missing)}
    raise ValueError(f"unknown kind of judging {kind!r}; the kinds are {', '.join(KINDS)}")
