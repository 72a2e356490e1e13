"""The check's view of one run: inputs, the student, the reference, expectations.

A check is a plain function of one :class:`Trial`::

    def check_predict_on_the_boundary(t: Trial) -> None:
        \"\"\"'predict' outputs -1 where w.x is exactly 0.\"\"\"
        w, X = inputs_with_ties(t.rng)
        t.expect_close(t.student(w, X), t.reference(w, X), name="predict(w, X)")

The trial draws inputs from ``t.rng`` (seeded per check, see
:mod:`grader.seeds`), reaches the student's code only through
:meth:`Trial.student`, and gets expected values only through
:meth:`Trial.reference`, which runs the reference or reads recorded data. Each
``expect_*`` call is one expectation; the check's score is the fraction met
(:func:`grader.results.partial_credit`). ``require_*`` and :meth:`fail` stop
the check at once.

Every student call is written to :attr:`Trial.trace`; diagnosis compares that
trace with the traces of the exercise's known mistakes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable, NoReturn

import numpy as np

from grader.compare import compare
from grader.errors import CheckFailed, InvalidDeclaration, StudentRaised
from grader.plain_data import digest, to_plain

StudentCall = Callable[[tuple[Any, ...], dict[str, Any]], Any]
ReferenceCall = Callable[[tuple[Any, ...], dict[str, Any], str], Any]


@dataclass(frozen=True)
class TraceEntry:
    """One call of student code: its inputs' digest and what came back."""

    digest: str
    value: Any = None
    error: tuple[str, str] | None = None
    """(exception type, message) when the call raised"""


def call_digest(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The digest that identifies one call's inputs."""
    try:
        return digest((tuple(args), dict(kwargs)))
    except TypeError as exc:
        raise InvalidDeclaration(f"a check passed inputs that are not plain data: {exc}") from None


class Trial:
    """One run of one check."""

    def __init__(
        self,
        *,
        name: str,
        seed: int,
        call_student: StudentCall,
        call_reference: ReferenceCall,
        hidden: bool,
    ) -> None:
        self.name = name
        """how the answer is named in messages, usually the student function's name"""
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        """the generator every input of this check is drawn from"""
        self.hidden = hidden
        """whether this is a hidden check: messages must not show expected values"""
        self._call_student = call_student
        self._call_reference = call_reference
        self.trace: list[TraceEntry] = []
        self.outputs: list[str] = []
        self.met = 0
        self.total = 0
        self.failures: list[str] = []
        self.named_mistakes: list[str] = []
        """known mistakes the check recognised itself (and already explained in its messages)"""

    # -- reaching code -------------------------------------------------------------

    def student(self, *args: Any, **kwargs: Any) -> Any:
        """Call the student's function on copies of the inputs; return plain data."""
        key = call_digest(args, kwargs)
        try:
            value = self._call_student(copy.deepcopy(args), copy.deepcopy(kwargs))
        except StudentRaised as exc:
            self.trace.append(TraceEntry(key, error=(exc.error_type, exc.error_message)))
            raise
        self.trace.append(TraceEntry(key, value=value))
        return value

    def reference(self, *args: Any, **kwargs: Any) -> Any:
        """The expected value for these inputs (from the reference or recorded data)."""
        return self._call_reference(copy.deepcopy(args), copy.deepcopy(kwargs), call_digest(args, kwargs))

    # -- expectations --------------------------------------------------------------

    def _record(self, ok: bool, message: str) -> bool:
        self.total += 1
        if ok:
            self.met += 1
        else:
            self.failures.append(message)
        return ok

    def expect_close(
        self,
        got: Any,
        expected: Any,
        *,
        name: str | None = None,
        rtol: float | None = None,
        atol: float | None = None,
        with_value: bool = True,
    ) -> bool:
        """Expect ``got`` to match ``expected`` (one expectation, via :func:`grader.compare.compare`).

        ``with_value`` as for :meth:`expect`: for a property checked by comparing (P Y(X) with Y(P X),
        rows summed with 1), the outcome of the value expectation it goes with.
        """
        if not with_value:
            return self._record(False, "")
        result = compare(got, expected, name=name or self.name, rtol=rtol, atol=atol, reveal=not self.hidden)
        return self._record(result.ok, result.message)

    def expect(self, condition: bool, message: str, *, with_value: bool = True) -> bool:
        """Expect a property to hold; ``message`` says what is wrong when it does not.

        In a hidden check the message must not contain expected values.
        ``with_value`` is the outcome of the value expectation this property
        goes with (usually an :meth:`expect_close` on the same call): a
        property a constant can have -- rows summing to 1, an energy that
        never rises, equivariance, a stable end -- earns nothing beside a wrong
        value, so it then counts as unmet, with no message of its own (the
        value's message says what is wrong).
        """
        if not with_value:
            return self._record(False, "")
        return self._record(bool(condition), message)

    def name_mistake(self, name: str) -> None:
        """Say that the answer is the exercise's known mistake ``name``, which a message has explained.

        For checks that recognise mistakes themselves (a derivation compares
        the answer with each known wrong formula): the mistake is then
        recorded like one diagnosed from traces, without repeating its hint.
        """
        if name not in self.named_mistakes:
            self.named_mistakes.append(name)

    def require_close(self, got: Any, expected: Any, *, name: str | None = None, **tolerances: Any) -> None:
        """Like :meth:`expect_close`, but stop the check if it fails."""
        if not self.expect_close(got, expected, name=name, **tolerances):
            raise CheckFailed(self.failures.pop())

    def require(self, condition: bool, message: str) -> None:
        """Like :meth:`expect`, but stop the check if it fails."""
        if not self.expect(condition, message):
            raise CheckFailed(self.failures.pop())

    def fail(self, message: str) -> NoReturn:
        """Stop the check: the answer is wrong for the reason given (one unmet expectation)."""
        self.total += 1
        raise CheckFailed(message)


def plain_call(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Call trusted code (a reference or a mistake variant) the way student code is called.

    Exceptions become :class:`StudentRaised` with the exception's type and
    message, so a variant that crashes leaves the same trace entry as a
    student's code that crashes in the same way.
    """
    try:
        return to_plain(function(*args, **kwargs))
    except Exception as exc:
        raise StudentRaised(
            f"{type(exc).__name__}: {exc}", error_type=type(exc).__name__, error_message=str(exc)
        ) from exc
