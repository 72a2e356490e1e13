"""Reading a student's answer into a checked :class:`Expression`.

:mod:`~grader.derivations.parser` turns the text into syntax trees; here
each tree is checked before anything computes with it:

- every constant power (a sub-expression without names, such as ``9^9^9``)
  is folded on the parsed tree, innermost first, and an exponent above
  :data:`~grader.derivations.parser.MAX_EXPONENT` or a power above
  ``10^MAX_CONSTANT_DIGITS`` is rejected as
  :class:`~grader.derivations.errors.AnswerTooComplex`, so neither sampling
  nor sympy is ever asked for a number with billions of digits;
- its shape is inferred, so a shape error (``W delta`` without its transpose)
  is a reading error with a position, like a syntax error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from grader.derivations.errors import AnswerRejected, AnswerTooComplex
from grader.derivations.evaluate import ConstantTooLarge, constant_value
from grader.derivations.parser import MAX_EXPONENT, parse_trees
from grader.derivations.question import Question
from grader.derivations.render import to_latex, to_plain_text
from grader.derivations.shapes import shape_of
from grader.derivations.tree import Binary, Node

MAX_CONSTANT_DIGITS = 1000
"""constants (sub-expressions without names) must stay below 10^1000 in magnitude"""


@dataclass(frozen=True, eq=False)
class Expression:
    """A parsed answer: the text, its tree, its shape, and how it reads back."""

    text: str
    tree: Node
    question: Question = field(repr=False)

    @cached_property
    def shape(self) -> tuple:
        return shape_of(self.tree, self.question)

    @cached_property
    def plain(self) -> str:
        return to_plain_text(self.tree)

    @cached_property
    def latex(self) -> str:
        return to_latex(self.tree)

    def read_as(self) -> str:
        """How the answer was read, as plain text and as LaTeX (shown in feedback)."""
        return f"read as: {self.plain}\n  in LaTeX: {self.latex}"


def _too_complex(message: str, node: Node, text: str) -> AnswerTooComplex:
    return AnswerTooComplex(message, text=text, position=node.start, length=max(1, node.end - node.start))


def _guard_constant_powers(tree: Node, text: str) -> None:
    """Reject a constant exponent above MAX_EXPONENT or a constant power above 10^MAX_CONSTANT_DIGITS."""
    # Children come before their parents, so 9^9^9 is stopped at 9^(9^9), before 9^9^9 is folded.
    for node in reversed(list(tree.walk())):
        if not (isinstance(node, Binary) and node.op == "^"):
            continue
        try:
            exponent = constant_value(node.right)
        except ConstantTooLarge:
            raise _too_complex("a constant in this exponent is far too large", node.right, text) from None
        if exponent is not None and abs(exponent) > MAX_EXPONENT:
            raise _too_complex(
                f"the exponent is too large: constant exponents are at most {MAX_EXPONENT}", node.right, text
            )
        try:
            constant_value(node)
        except ConstantTooLarge:
            raise _too_complex(f"this power is far too large (over 10^{MAX_CONSTANT_DIGITS})", node, text) from None


def _read(text: str, question: Question, *, allow_equals: bool) -> list[Expression]:
    expressions = []
    for tree, piece in parse_trees(text, question, allow_equals=allow_equals):
        _guard_constant_powers(tree, text)
        expression = Expression(piece, tree, question)
        try:
            expression.shape  # shape errors are reading errors: W delta without its transpose
        except AnswerRejected as exc:
            raise type(exc)(exc.message, text=text, position=exc.position, length=exc.length) from None
        expressions.append(expression)
    return expressions


@lru_cache(maxsize=4096)
def parse_answer(text: str, question: Question) -> Expression:
    """Read one expression of ``question``; raises :class:`AnswerRejected` with a position."""
    return _read(text, question, allow_equals=False)[0]


@lru_cache(maxsize=4096)
def parse_chain(text: str, question: Question) -> tuple[Expression, ...]:
    """Read ``a = b = c`` (one step of a derivation) as its expressions."""
    return tuple(_read(text, question, allow_equals=True))
