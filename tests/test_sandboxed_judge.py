"""Derivation answers are judged in a sandbox child, and the judgement is the same as in process.

- over a slice of the answer corpus, the child's judgement (verdict, message,
  diagnoses) equals the in-process one for the same seed;
- a step-by-step answer, the worked examples and the form constraints come
  back whole;
- hostile strings are rejected in the child, which keeps working afterwards;
- an answer that runs past the judge's limits fails its own check with a
  message, and the next answer is judged by a fresh child.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from derivation_corpus import CORPUS, HOSTILE
from grader.catalog.derivations import QUESTIONS, reference_answer_key
from grader.derivations import answers, sandboxed_judge

pytestmark = pytest.mark.slow


def _seed_of(rng_seed: int) -> int:
    """The seed the judge's child gets from a generator seeded with ``rng_seed``."""
    return int(np.random.default_rng(rng_seed).integers(0, 2**63))


@pytest.mark.parametrize(("question", "answer", "verdict"), CORPUS[::7], ids=[f"{q}:{a[:30]}" for q, a, _ in CORPUS[::7]])
def test_the_child_judges_as_the_grader_would(question, answer, verdict):
    reference = reference_answer_key(question)
    in_child = sandboxed_judge.judge_answer(answer, QUESTIONS[question], reference, rng=np.random.default_rng(11), hidden=False)
    in_process = answers.judge_answer(
        answer, QUESTIONS[question], reference, rng=np.random.default_rng(_seed_of(11)), name=question, hidden=False
    )
    assert in_child == in_process
    assert in_child.ok == verdict.startswith("correct")


def test_steps_examples_and_constraints_come_back_whole():
    reference = reference_answer_key("sigmoid_derivative_steps")
    steps = [
        "diff((1 + exp(-z))^(-1), z)",
        "-(1 + exp(-z))^(-2) * (-exp(-z))",
        "exp(-z)/(1 + exp(-z))^2",
        "sigma(z) (1 - sigma(z))",
    ]
    judged = sandboxed_judge.judge_steps(steps, QUESTIONS["sigmoid_derivative_steps"], reference, rng=np.random.default_rng(1), hidden=False)
    assert (judged.start.ok, judged.target.ok, judged.follows.ok, judged.count.ok) == (True, True, True, True)
    broken = sandboxed_judge.judge_steps(
        steps[:2] + ["2 exp(-z)/(1 + exp(-z))^2"] + steps[3:], QUESTIONS["sigmoid_derivative_steps"], reference,
        rng=np.random.default_rng(1), hidden=False,
    )
    assert not broken.follows.ok and "step 3 does not follow from step 2" in broken.follows.message

    examples = sandboxed_judge.judge_examples(
        "sigma(z)(1 - sigma(z))", QUESTIONS["sigmoid_derivative"], reference_answer_key("sigmoid_derivative"), rng=np.random.default_rng(1)
    )
    assert examples and all(judgement.ok for judgement in examples)
    form = sandboxed_judge.judge_constraints("exp(-z)/(1 + exp(-z))^2", QUESTIONS["sigmoid_derivative"], rng=np.random.default_rng(1))
    assert not form.ok and "not use exp" in form.message


def test_hostile_strings_are_rejected_in_the_child_and_it_keeps_working():
    reference = reference_answer_key("sigmoid_derivative")
    for hostile in HOSTILE:
        judged = sandboxed_judge.judge_answer(hostile, QUESTIONS["sigmoid_derivative"], reference, rng=np.random.default_rng(2), hidden=False)
        assert not judged.ok, hostile
    after = sandboxed_judge.judge_answer("sigma(z)(1 - sigma(z))", QUESTIONS["sigmoid_derivative"], reference, rng=np.random.default_rng(2), hidden=False)
    assert after.ok


def test_an_answer_past_the_limits_fails_its_own_check(monkeypatch):
    # The judge's child, warm, then held to limits no judgement can meet: a wall limit that has passed
    # before the reply can arrive (the child judges this answer in milliseconds, so a limit of a few
    # milliseconds would be met whenever the grader is not scheduled in time to see it pass).
    code = sandboxed_judge._judge_code()
    reference = reference_answer_key("vae_kl")
    assert sandboxed_judge.judge_answer("(sigma^2 + mu^2 - 1)/2 - log(sigma)", QUESTIONS["vae_kl"], reference, rng=np.random.default_rng(3), hidden=False).ok
    monkeypatch.setattr(code, "limits", dataclasses.replace(code.limits, cpu_seconds=0.01, wall_seconds=1e-6))
    stopped = sandboxed_judge.judge_answer(
        "(sigma^2 + mu^2 - 1 - log(sigma^2))/2" + " + log(sigma) - log(sigma)" * 30, QUESTIONS["vae_kl"], reference, rng=np.random.default_rng(3), hidden=False
    )
    assert not stopped.ok
    assert "could not be checked within the limits" in stopped.message
    monkeypatch.undo()
    again = sandboxed_judge.judge_answer(
        "sigma(z)(1 - sigma(z))", QUESTIONS["sigmoid_derivative"], reference_answer_key("sigmoid_derivative"), rng=np.random.default_rng(3), hidden=False
    )
    assert again.ok


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_a_question_crosses_to_the_judge_as_plain_data_and_back_whole(name):
    import json

    from grader.derivations.question import question_from_plain, question_to_plain

    question = QUESTIONS[name]
    plain = question_to_plain(question)
    again = question_from_plain(json.loads(json.dumps(plain)))
    assert question_to_plain(again) == plain
    assert again.id == question.id and again.symbols == question.symbols and again.examples == question.examples


def test_a_plain_question_that_names_another_class_is_refused():
    from grader.derivations.question import question_from_plain, question_to_plain

    plain = question_to_plain(QUESTIONS["sigmoid_derivative"])
    plain["symbols"][0]["__class__"] = "Popen"
    with pytest.raises(ValueError, match="'Popen' is not a declaration a question may hold"):
        question_from_plain(plain)
    with pytest.raises(ValueError, match="not a question"):
        question_from_plain(plain["symbols"][0] | {"__class__": "Symbol"})
