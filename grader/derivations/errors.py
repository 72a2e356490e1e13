"""Why an answer to a derivation question was not read, or could not be judged.

Every condition is an :class:`AnswerRejected` (rooted at
:class:`~grader.errors.NngradeError`) with a message addressed to the student
and, where it applies, the position in the answer that caused it, so the
feedback can point at it::

    sigmoid(x) + y^2
    ^^^^^^^
"""

from __future__ import annotations

import hashlib

from grader.errors import NngradeError


class AnswerRejected(NngradeError):
    """The answer text could not be read as an expression of the question.

    ``position`` and ``length`` locate the offending part of ``text`` (0-based
    character offsets into the text the student wrote); ``position`` is None
    when the problem is the answer as a whole.
    """

    def __init__(self, message: str, *, text: str = "", position: int | None = None, length: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.position = position
        self.length = max(length, 1)

    def pointer(self) -> str:
        """The answer with a caret line under the offending part (or just the message)."""
        if self.position is None or not self.text:
            return ""
        line = self.text.replace("\n", " ").replace("\t", " ")
        # Very long answers are cut around the position so the pointer stays readable.
        start = max(0, self.position - 60)
        end = min(len(line), self.position + self.length + 60)
        shown = ("..." if start else "") + line[start:end] + ("..." if end < len(line) else "")
        offset = self.position - start + (3 if start else 0)
        return f"    {shown}\n    {' ' * offset}{'^' * min(self.length, max(1, end - self.position))}"

    def describe(self) -> str:
        """The message, then the pointer."""
        where = f" (at character {self.position + 1})" if self.position is not None and self.text else ""
        pointer = self.pointer()
        return f"{self.message}{where}" + (f"\n{pointer}" if pointer else "")


class AnswerSyntaxError(AnswerRejected):
    """The text is not a well-formed expression: a missing bracket, two operators in a row, ..."""


class UnknownName(AnswerRejected):
    """A name that the question does not declare (no implicit splitting: ``nin`` is one name)."""


class FunctionNotAllowed(AnswerRejected):
    """A function that exists in the grammar but that this question does not allow."""


class FloatNotAllowed(AnswerRejected):
    """A decimal number in a question that asks for exact expressions (write 1/2, not 0.5)."""


class AnswerTooComplex(AnswerRejected):
    """The answer exceeds a size, depth, exponent or magnitude limit (denial-of-service guard)."""


class ShapeMismatch(AnswerRejected):
    """Vectors or matrices combined with shapes that do not fit (a missing transpose, ...)."""


class NotAnExpression(AnswerRejected):
    """The student function returned something other than a string (or a list of strings)."""


def rejection_fingerprint(error: AnswerRejected) -> str:
    """What identifies a reading error: a digest of its kind and message (recordings keep only this)."""
    return hashlib.sha256(f"{type(error).__name__}\n{error.message}".encode()).hexdigest()[:32]
