"""The derivation corpus: every answer gets its expected verdict, no hostile string runs.

- no correct answer is rejected, no wrong answer is accepted;
- every known mistake is named, however it is written;
- answers that cannot be read are rejected with a message (and a position
  where one applies);
- every hostile string is rejected while reading, in well under the time
  limit, and has no side effect (a canary file is never created).
"""

from __future__ import annotations

import ast
import collections
import time
from pathlib import Path

import numpy as np
import pytest

from derivation_corpus import CORPUS, HOSTILE
from grader.catalog.derivations import QUESTIONS, reference_answer_key
from grader.derivations import AnswerRejected, judge_answer, parse_answer

HOSTILE_QUESTIONS = ("sigmoid_derivative", "bp2_hidden_error")


def test_the_corpus_is_large_and_varied():
    verdicts = collections.Counter(v.split(":")[0] for _, _, v in CORPUS)
    assert len(CORPUS) + len(HOSTILE) * len(HOSTILE_QUESTIONS) >= 200
    assert len(HOSTILE) >= 30
    assert verdicts["correct"] >= 80 and verdicts["mistake"] >= 50 and verdicts["rejected"] >= 25
    assert {q for q, _, _ in CORPUS} == {q for q in QUESTIONS if QUESTIONS[q].start is None}


@pytest.mark.parametrize(("question", "answer", "verdict"), CORPUS, ids=[f"{q}:{a[:40]}" for q, a, _ in CORPUS])
def test_corpus_answer_gets_its_verdict(question, answer, verdict):
    q = QUESTIONS[question]
    judgement = judge_answer(
        answer, q, reference_answer_key(question), rng=np.random.default_rng(7), name=question, hidden=False
    )
    if verdict == "correct":
        assert judgement.ok, judgement.message
        return
    assert not judgement.ok, f"{answer!r} was accepted"
    if verdict.startswith("mistake:"):
        name = verdict.split(":", 1)[1]
        assert name in [d.name for d in judgement.diagnoses if d.known], judgement.message
        assert f"'{name}'" in judgement.message
    elif verdict == "rejected":
        assert "could not be read" in judgement.message, judgement.message
        with pytest.raises(AnswerRejected):
            parse_answer(answer, q)
    else:
        assert "is not" in judgement.message, judgement.message


@pytest.mark.parametrize("question", HOSTILE_QUESTIONS)
@pytest.mark.parametrize("answer", HOSTILE, ids=[repr(h[:30]) for h in HOSTILE])
def test_hostile_string_is_rejected_quickly_without_running(question, answer, tmp_path: Path):
    q = QUESTIONS[question]
    started = time.perf_counter()
    with pytest.raises(AnswerRejected) as raised:
        parse_answer(answer, q)
    assert time.perf_counter() - started < q.time_limit
    assert raised.value.message
    judgement = judge_answer(answer, q, reference_answer_key(question), rng=np.random.default_rng(0), name=question, hidden=False)
    assert not judgement.ok and "could not be read" in judgement.message


def test_code_in_an_answer_never_runs(tmp_path: Path):
    canary = tmp_path / "canary"
    attacks = [
        f"__import__('os').system('touch {canary}')",
        f"exec(\"open('{canary}', 'w')\")",
        f"sigma(z) + __import__('pathlib').Path('{canary}').touch()",
        f"\\input{{{canary}}}",
    ]
    for attack in attacks:
        for question in HOSTILE_QUESTIONS:
            with pytest.raises(AnswerRejected):
                parse_answer(attack, QUESTIONS[question])
    assert not canary.exists()


def test_the_derivations_package_never_evaluates_text():
    """No call of eval, exec, compile or __import__, no sympify or parse_expr, anywhere in grader/derivations."""
    package = Path(__file__).resolve().parent.parent / "grader" / "derivations"
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "compile", "__import__"}, f"{source.name}: {node.func.id}"
            name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
            assert name not in {"sympify", "parse_expr", "parse_latex", "S"}, f"{source.name} uses {name}"
