"""What a derivation check judges against: the correct answer, and the known wrong ones with it.

A check gets its correct answer from ``t.reference()``, in one of two forms:

- in reference mode, an :class:`AnswerKey`: the correct expression's text
  and, for each known mistake of the question, the wrong answer it stands for
  (:class:`~grader.derivations.question.WrongAnswer`). The wrong answers are
  written in the reference code beside the mistakes' variants
  (``reference/derivations_mistakes.py``), not in the question, so the
  grader that a student bundle ships holds none of them;
- in a recording, a :class:`~grader.derivations.sampled.SampledTarget`:
  the values of the correct answer and of each wrong one at fixed points.

Both cross to the judge's child as plain data (:meth:`AnswerKey.to_plain`).
A bare string is still accepted as a correct answer with no known wrong
answers (generic diagnoses only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from grader.derivations.expression import Expression, parse_answer
from grader.derivations.question import Question, WrongAnswer
from grader.derivations.sampled import SampledTarget
from grader.errors import InvalidDeclaration

KIND = "answer key"
"""the marker of an answer key's plain form"""


@dataclass(frozen=True)
class AnswerKey:
    """The correct answer's text and the known wrong answers' texts, by mistake name."""

    answer: str
    wrong: tuple[tuple[str, str], ...] = ()
    """(mistake name, wrong answer's text), in the question's order"""

    def to_plain(self) -> dict[str, Any]:
        return {"kind": KIND, "answer": self.answer, "wrong": [[name, text] for name, text in self.wrong]}

    @classmethod
    def from_plain(cls, data: Mapping[str, Any]) -> "AnswerKey":
        try:
            wrong = tuple((str(name), str(text)) for name, text in data["wrong"])
            return cls(str(data["answer"]), wrong)
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidDeclaration(f"an answer key is not readable ({exc})") from None

    def wrong_answers(self, question: Question) -> tuple[WrongAnswer, ...]:
        """The wrong answers with the question's mistakes they stand for; every name must be declared."""
        found = []
        for name, text in self.wrong:
            mistake = question.mistake(name)
            if mistake is None:
                raise InvalidDeclaration(f"derivation question {question.id!r} does not declare the mistake {name!r}")
            found.append(WrongAnswer(mistake, text))
        return tuple(found)


def answer_key(answer: str, question: Question, wrong_texts: Mapping[str, str]) -> AnswerKey:
    """The key of ``question``: ``answer``, and for each known mistake its text from ``wrong_texts`` (by variant).

    Every mistake of the question must have a text: a key that silently
    lacked one would stop that mistake from being named.
    """
    missing = [mistake.variant or mistake.name for mistake in question.mistakes if mistake.variant not in wrong_texts]
    if missing:
        raise InvalidDeclaration(f"derivation question {question.id!r}: no wrong answer is declared for {missing}")
    return AnswerKey(answer, tuple((mistake.name, wrong_texts[mistake.variant]) for mistake in question.mistakes))


def is_answer_key(value: Any) -> bool:
    """Whether ``value`` is the plain form of an answer key."""
    return isinstance(value, Mapping) and value.get("kind") == KIND


def expected_answer(expected: Any, question: Question) -> tuple[Expression | SampledTarget, tuple[WrongAnswer, ...]]:
    """What a check judges against, read: the correct expression or sampled target, and the known wrong answers.

    ``expected`` is what the check got: an answer key (or its plain form), a
    sampled target (or its plain form), or a bare expression's text. A
    sampled target keeps its wrong answers as values, inside it; the tuple of
    wrong answers is then empty.
    """
    if isinstance(expected, str):
        return parse_answer(expected, question), ()
    if is_answer_key(expected):
        expected = AnswerKey.from_plain(expected)
    if isinstance(expected, AnswerKey):
        return parse_answer(expected.answer, question), expected.wrong_answers(question)
    if isinstance(expected, SampledTarget):
        return expected, ()
    return SampledTarget.from_plain(expected, question), ()


__all__ = ["AnswerKey", "answer_key", "expected_answer", "is_answer_key"]
