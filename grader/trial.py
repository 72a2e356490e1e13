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

Partial credit is for answers that compute. Two rules keep an answer that
computes nothing at 0 however many cases it gets right by chance:

- cases a guess gets right (yes/no answers, signs, bits, a truth table) are
  judged together, ``with t.all_or_nothing(): ...``: one expectation, met
  when all of them are;
- :meth:`Trial.finish` (run after every check) takes the credit of an
  answer that is wrong somewhere and does not depend on its inputs: every
  entry of every answer the same number while the right answers differ (a
  constant), or every answer one of its call's input arrays given back (the
  input echoed). A correct answer is never touched: it is wrong nowhere.

Every student call is written to :attr:`Trial.trace`; diagnosis compares that
trace with the traces of the exercise's known mistakes.
"""

from __future__ import annotations

import contextlib
import copy
from dataclasses import dataclass
from typing import Any, Callable, Iterator, NoReturn

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
        self._expected: list[Any] = []
        """every value :meth:`reference` gave the check"""
        self._inputs: list[set[str]] = []
        """for each student call (as in :attr:`trace`), the digests of its array inputs"""

    # -- reaching code -------------------------------------------------------------

    def student(self, *args: Any, **kwargs: Any) -> Any:
        """Call the student's function on copies of the inputs; return plain data."""
        key = call_digest(args, kwargs)
        inputs = {found for item in (*args, *kwargs.values()) if (found := _digest_or_none(item)) is not None}
        try:
            value = self._call_student(copy.deepcopy(args), copy.deepcopy(kwargs))
        except StudentRaised as exc:
            self.trace.append(TraceEntry(key, error=(exc.error_type, exc.error_message)))
            self._inputs.append(inputs)
            raise
        self.trace.append(TraceEntry(key, value=value))
        self._inputs.append(inputs)
        return value

    def reference(self, *args: Any, **kwargs: Any) -> Any:
        """The expected value for these inputs (from the reference or recorded data)."""
        value = self._call_reference(copy.deepcopy(args), copy.deepcopy(kwargs), call_digest(args, kwargs))
        self._expected.append(value)
        return value

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
        returns: Any = None,
    ) -> bool:
        """Expect ``got`` to match ``expected`` (one expectation, via :func:`grader.compare.compare`).

        ``with_value`` as for :meth:`expect`: for a property checked by comparing (P Y(X) with Y(P X),
        rows summed with 1), the outcome of the value expectation it goes with. ``returns``: the return
        type the docstring fixes (``"floats"``, ``"int"``, ``"ints"``, ``"bool"``, or a tuple of them and
        None for a tuple answer), so that booleans for 0.0/1.0 or a float for an index do not pass.
        """
        if not with_value:
            return self._record(False, "")
        result = compare(got, expected, name=name or self.name, rtol=rtol, atol=atol, reveal=not self.hidden,
                         returns=returns)
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

    @contextlib.contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """Judge the expectations made inside the block together: one expectation, met when all are.

        For cases a guess gets right by chance -- yes/no answers, signs, bits,
        the rows of a truth table -- where credit case by case would pay a
        constant or a coin toss. Every unmet expectation keeps its message. A
        check stopped inside the block (:meth:`fail`, ``require_*``, the
        student's code raising) leaves the block unmet.
        """
        met, total = self.met, self.total
        try:
            yield
        finally:
            if self.total > total:
                self.met = met + (1 if self.met - met == self.total - total else 0)
                self.total = total + 1

    def finish(self) -> None:
        """Take the credit of an answer that computes nothing; the check runner calls it after the check.

        An answer that is wrong somewhere in the check (some expectation
        unmet) earns nothing when it does not depend on its inputs:

        - every entry of every answer is the same number, while the values the
          reference gave the check are not all one number (a constant);
        - every answer is one of its call's input arrays (or lists of numbers), given
          back unchanged (the input echoed).

        A correct answer meets every expectation and is never touched.
        """
        if self.met == 0 or self.met == self.total:
            return
        answers = [entry.value for entry in self.trace if entry.error is None]
        if not answers or len(answers) != len(self.trace):
            return
        same = _one_number(answers)
        if same is not None and self._expected and _one_number(self._expected) is None:
            self.met = 0
            self.failures.append(
                f"'{self.name}' gives {same:g} for every entry of every answer in this check, but the right answers "
                "differ: an answer that does not depend on its inputs earns nothing here"
            )
            return
        if all(_digest_or_none(value) in inputs for value, inputs in zip(answers, self._inputs)):
            self.met = 0
            self.failures.append(
                f"'{self.name}' gives back one of its inputs unchanged for every call in this check, and that is "
                "not always the answer: an answer that computes nothing earns nothing here"
            )

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


def _numbers(value: Any) -> Iterator[np.ndarray] | None:
    """Every number in a plain value, as flat float arrays; None if it holds anything but numbers."""
    if isinstance(value, (bool, int, float)):
        try:
            return iter([np.array([float(value)])])
        except OverflowError:  # an int too large for a float is no constant of the answer's
            return None
    if isinstance(value, np.ndarray):
        return iter([value.astype(float, copy=False).ravel()]) if value.dtype.kind in "biuf" else None
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        parts = [_numbers(item) for item in value]
        if any(part is None for part in parts):
            return None
        return (array for part in parts for array in part)  # type: ignore[union-attr]
    return None


def _one_number(values: list[Any]) -> float | None:
    """The number every entry of ``values`` is, when they are all numbers and all that one; else None."""
    arrays = _numbers(values)
    if arrays is None:
        return None
    first: float | None = None
    for array in arrays:
        if array.size == 0:
            continue
        if first is None:
            first = float(array[0])
        if not np.all(array == first):  # NaN is never equal, so never one number
            return None
    return first


def _digest_or_none(value: Any) -> str | None:
    """The digest of an array of more than one number, or of a list of numbers (as float64): an input a call may echo."""
    if isinstance(value, list):
        try:
            value = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return None
    if not isinstance(value, np.ndarray) or value.size <= 1:
        return None
    try:
        return digest(value)
    except TypeError:
        return None


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
