"""Derivation questions: answers written as expressions, checked with sympy and by sampling.

A derivation exercise is an ordinary exercise whose student function returns
an expression as a string (``"x*(1 + y)"``), or a list of
strings for a step-by-step derivation. The pieces, one per module, from the
bottom up (each imports only modules listed before it):

- :mod:`~grader.derivations.tree`, :mod:`~grader.derivations.errors`,
  :mod:`~grader.derivations.domains` -- syntax trees, the reasons an answer
  is refused, and the values sampling draws;
- :mod:`~grader.derivations.question` -- a question as data: its symbols with
  domains and shapes, allowed functions, known mistakes, tolerance; and its
  plain form, which is how the judge's child receives it;
- :mod:`~grader.derivations.parser` -- reading text into syntax trees with a
  hand-written grammar (never ``eval``/``sympify``), with size and depth
  guards; :mod:`~grader.derivations.latex` converts LaTeX strictly first;
- :mod:`~grader.derivations.evaluate`, :mod:`~grader.derivations.shapes`,
  :mod:`~grader.derivations.symbolic`, :mod:`~grader.derivations.render` --
  a tree's value, shape, sympy form and text;
- :mod:`~grader.derivations.expression` -- a student's answer read and
  checked: constant powers folded and bounded, shapes inferred;
- :mod:`~grader.derivations.equivalence` -- the sample points, a symbolic
  proof, then sampling at 30 digits on the question's domains;
- :mod:`~grader.derivations.sampled` -- a correct answer known only by its
  values (what a recording of a derivation check keeps instead of the
  expression), and the decision against it;
- :mod:`~grader.derivations.feedback` -- known mistakes and generic diagnoses;
- :mod:`~grader.derivations.answer_key` -- what a check judges against: the
  correct answer with the known wrong answers (from the reference code), or
  a sampled target;
- :mod:`~grader.derivations.answers` -- judging what a student function
  returned, for the checks of ``grader/catalog/derivations.py``;
- :mod:`~grader.derivations.judge_entry`, :mod:`~grader.derivations.sandboxed_judge`
  -- the same judging in a sandbox child of its own, questions and answers
  crossing as plain data.

sympy is imported only when a proof is attempted.
"""

from grader.derivations.answer_key import AnswerKey, answer_key, expected_answer
from grader.derivations.answers import (
    EquivalenceUndecided,
    Judgement,
    StepsJudgement,
    judge_answer,
    judge_constraints,
    judge_examples,
    judge_expression,
    judge_steps,
    record,
)
from grader.derivations.equivalence import Outcome, Verdict, decide
from grader.derivations.errors import (
    AnswerRejected,
    AnswerSyntaxError,
    AnswerTooComplex,
    FloatNotAllowed,
    FunctionNotAllowed,
    NotAnExpression,
    ShapeMismatch,
    UnknownName,
)
from grader.derivations.feedback import Diagnosis, diagnose
from grader.derivations.expression import Expression, parse_answer, parse_chain
from grader.derivations.question import Definition, Dimension, Example, Index, KnownMistake, Question, Symbol, WrongAnswer
from grader.derivations.sampled import SampledTarget, decide_at_samples, sample_target

__all__ = [
    "AnswerKey",
    "AnswerRejected",
    "AnswerSyntaxError",
    "AnswerTooComplex",
    "Definition",
    "Diagnosis",
    "Dimension",
    "EquivalenceUndecided",
    "Example",
    "Expression",
    "FloatNotAllowed",
    "FunctionNotAllowed",
    "Index",
    "Judgement",
    "KnownMistake",
    "NotAnExpression",
    "Outcome",
    "Question",
    "SampledTarget",
    "ShapeMismatch",
    "StepsJudgement",
    "Symbol",
    "UnknownName",
    "Verdict",
    "WrongAnswer",
    "answer_key",
    "decide",
    "decide_at_samples",
    "diagnose",
    "expected_answer",
    "judge_answer",
    "judge_constraints",
    "judge_examples",
    "judge_expression",
    "judge_steps",
    "parse_answer",
    "parse_chain",
    "record",
    "sample_target",
]
