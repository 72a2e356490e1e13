"""Judging derivation answers in a limited child process, as student code runs.

A derivation check gets the student's answer as a string from the student's
sandboxed child; reading and comparing that string is the grader's work, but
the string is still the student's. The parser has its own guards (size,
nesting depth, exponents, deadlines), and on top of them every judgement runs
here: in a sandbox child of its own, started from the process's shared
sandbox, with no student code loaded, under the sandbox's limits (CPU and wall
time, memory, processes, no files, no network). An answer that exhausts them
fails its own check with a message; nothing reaches the grader process but
plain data.

One child serves every derivation check of a process and is replaced if it
dies. The child is started on the first judgement (about 0.4 s), so checks
of other exercises never pay for it.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from typing import Any

import numpy as np

from grader.declarations import StudentFunction
from grader.derivations.answer_key import AnswerKey
from grader.derivations.answers import EquivalenceUndecided, Judgement, StepsJudgement
from grader.derivations.judge_entry import judgement_from_plain
from grader.derivations.question import Question, question_to_plain
from grader.derivations.sampled import SampledTarget
from grader.errors import RecordingMissing, StudentCodeProblem, StudentKilled, StudentTimedOut

ENTRY_MODULE = "nngrade_derivation_judge"
_ENTRY_SOURCE = b"from grader.derivations.judge_entry import judge\n"
_JUDGE = StudentFunction(ENTRY_MODULE, "judge")

JUDGE_LIMITS = {"wall_seconds": 20.0, "cpu_seconds": 10.0, "memory_mb": 1024}
"""the most one judgement may use: above the questions' own time limits (3 s of sampling, 1.5 s of
sympy), so only an answer that escaped those guards ever reaches them"""

_lock = threading.Lock()
_code: Any = None
_code_pid = 0


def _judge_code():
    """The process's judge: a sandboxed 'student folder' whose only module is the judge's entry point."""
    global _code, _code_pid
    from grader.sandbox import SandboxedStudentCode, default_sandbox
    from grader.submission_environment import UNRESTRICTED

    with _lock:
        if _code is None or _code_pid != os.getpid():
            sandbox = default_sandbox()
            limits = dataclasses.replace(
                sandbox.limits,
                **{key: min(getattr(sandbox.limits, key), value) for key, value in JUDGE_LIMITS.items()},
            )
            # The judge is the grader's own code: it imports what it needs (the grader, sympy).
            _code = SandboxedStudentCode(
                "/nonexistent/derivation-judge", sandbox=sandbox, limits=limits, sources={ENTRY_MODULE: _ENTRY_SOURCE},
                environment=UNRESTRICTED,
            )
            _code_pid = os.getpid()
        return _code


def _call(kind: str, value: Any, question: Question, expected: Any, rng: np.random.Generator, **options: Any) -> Any:
    """Run one judging function in the judge's child; its result, or a failed judgement if it hit a limit.

    The question crosses as plain data, like everything else: the child needs no catalog to look it up.
    """
    question_name = question.id
    code = _judge_code()
    seed = int(rng.integers(0, 2**63))
    if isinstance(expected, (SampledTarget, AnswerKey)):
        expected = expected.to_plain()
    try:
        arguments = (kind, value, question_to_plain(question), expected, seed)
        outcome = code.call(_JUDGE, arguments, options, limits=None, torch=False)
    except (StudentTimedOut, StudentKilled) as stopped:
        return Judgement(
            False,
            f"'{question_name}' could not be checked within the limits answers are checked under "
            f"({stopped.message.splitlines()[0] if stopped.message else 'stopped'}); write it in a simpler form",
        )
    except StudentCodeProblem as fault:
        # The child runs only the grader's code: an exception there is the grader's fault, never the student's.
        raise RuntimeError(f"the derivation judge failed: {fault.message}\n{fault.details}".strip()) from None
    result = outcome.value
    if not isinstance(result, dict):
        raise RuntimeError(f"the derivation judge returned {type(result).__name__}, not a dict")
    if "undecided" in result:
        raise EquivalenceUndecided(str(result["undecided"]))
    if "recording_missing" in result:
        raise RecordingMissing(str(result["recording_missing"]))
    return result


def judge_answer(
    value: Any,
    question: Question,
    expected: Any,
    *,
    rng: np.random.Generator,
    hidden: bool,
    points: int | None = None,
    prove: bool = True,
) -> Judgement:
    """:func:`grader.derivations.answers.judge_answer`, in the judge's child."""
    result = _call("answer", value, question, expected, rng, hidden=hidden, points=points, prove=prove)
    return result if isinstance(result, Judgement) else judgement_from_plain(result["judgement"])


def judge_constraints(value: Any, question: Question, *, rng: np.random.Generator) -> Judgement:
    """:func:`grader.derivations.answers.judge_constraints`, in the judge's child."""
    result = _call("constraints", value, question, None, rng, hidden=False)
    return result if isinstance(result, Judgement) else judgement_from_plain(result["judgement"])


def judge_examples(value: Any, question: Question, expected: Any, *, rng: np.random.Generator) -> list[Judgement]:
    """:func:`grader.derivations.answers.judge_examples`, in the judge's child."""
    result = _call("examples", value, question, expected, rng, hidden=False)
    if isinstance(result, Judgement):
        return [result]
    return [judgement_from_plain(entry) for entry in result["judgements"]]


def judge_steps(
    value: Any, question: Question, expected: Any, *, rng: np.random.Generator, hidden: bool, prove: bool = True
) -> StepsJudgement:
    """:func:`grader.derivations.answers.judge_steps`, in the judge's child."""
    result = _call("steps", value, question, expected, rng, hidden=hidden, prove=prove)
    if isinstance(result, Judgement):
        return StepsJudgement(result, result, result, result)
    parts = result["steps"]
    return StepsJudgement(**{part: judgement_from_plain(parts[part]) for part in StepsJudgement.__dataclass_fields__})
