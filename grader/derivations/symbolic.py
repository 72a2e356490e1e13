"""sympy, only where it helps: a quick proof first, a tie-breaker last.

sympy is imported lazily, on the first proof, so reading answers, sampling
and feedback cost nothing when no proof is attempted. Trees are converted to
sympy by :func:`to_sympy` (never by ``sympify`` of student text): symbols get
the assumptions of their domains, ``sigma`` becomes ``1/(1 + exp(-x))``.

Every sympy call runs under a hard time limit (:func:`hard_time_limit`, a
timer signal). Where no hard limit can be set (off the main thread, or while
another timer runs) no sympy call is made at all: sampling alone decides.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from functools import lru_cache
from typing import Any, Iterator

from grader.derivations.parser import parse_tree
from grader.derivations.question import Question
from grader.derivations.tree import Binary, Call, Diff, Name, Negate, Node, Number

PROOF_SECONDS = 0.5
TIE_BREAK_SECONDS = 1.0


class NotSymbolic(Exception):
    """The expression uses vectors, matrices, indices or sums: no symbolic proof is attempted."""


class SymbolicTimeout(BaseException):
    """A sympy call ran past its limit. A BaseException so sympy's ``except Exception`` cannot swallow it."""


@contextlib.contextmanager
def hard_time_limit(seconds: float) -> Iterator[bool]:
    """Interrupt the block after ``seconds``; yields whether a limit is in force.

    Only on the main thread and only when no other interval timer is running
    (the in-process student runner uses one while student code runs).
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0
    ):
        yield False
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise SymbolicTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _symbol(name: str, question: Question) -> Any:
    import sympy

    symbol = question.symbol(name)
    assumptions = symbol.assumptions if symbol is not None else {"real": True}
    return sympy.Symbol(name, **assumptions)


def to_sympy(tree: Node, question: Question) -> Any:
    """The sympy expression of a scalar tree; raises :class:`NotSymbolic` for arrays and sums."""
    import sympy

    def sigma(x: Any) -> Any:
        return 1 / (1 + sympy.exp(-x))

    functions = {
        "sigma": sigma,
        "sigma'": lambda x: sigma(x) * (1 - sigma(x)),
        "exp": sympy.exp,
        "log": sympy.log,
        "sqrt": sympy.sqrt,
        "tanh": sympy.tanh,
        "cosh": sympy.cosh,
        "sinh": sympy.sinh,
        "abs": sympy.Abs,
        "relu": lambda x: sympy.Max(0, x),
        "max": sympy.Max,
        "min": sympy.Min,
    }

    def convert(node: Node) -> Any:
        if isinstance(node, Number):
            return sympy.Rational(node.value.numerator, node.value.denominator)
        if isinstance(node, Name):
            symbol = question.symbol(node.name)
            if symbol is not None:
                if symbol.shape:
                    raise NotSymbolic(node.name)
                return _symbol(node.name, question)
            definition = question.definition(node.name)
            if definition is not None:
                return convert(parse_tree(definition.expression, question))
            if node.name == "pi":
                return sympy.pi
            if node.name == "e":
                return sympy.E
            raise NotSymbolic(node.name)
        if isinstance(node, Negate):
            return -convert(node.operand)
        if isinstance(node, Call):
            if node.function not in functions:
                raise NotSymbolic(node.function)
            return functions[node.function](*[convert(arg) for arg in node.args])
        if isinstance(node, Diff):
            return sympy.diff(convert(node.body), _symbol(node.variable, question))
        if isinstance(node, Binary):
            if node.op == "hadamard":
                raise NotSymbolic("hadamard")
            left, right = convert(node.left), convert(node.right)
            if node.op == "+":
                return left + right
            if node.op == "-":
                return left - right
            if node.op == "*":
                return left * right
            if node.op == "/":
                return left / right
            return sympy.Pow(left, right)
        raise NotSymbolic(type(node).__name__)

    return convert(tree)


def _is_zero(expression: Any) -> bool:
    import sympy

    if expression == 0:
        return True
    for attempt in (
        lambda: sympy.cancel(expression),
        lambda: sympy.expand(expression),
        lambda: sympy.cancel(sympy.expand(expression.rewrite(sympy.exp))),
    ):
        if attempt() == 0:
            return True
    return False


_FAILURES = (NotSymbolic, RecursionError, ValueError, TypeError, ZeroDivisionError, AttributeError, MemoryError)


@lru_cache(maxsize=4096)
def prove_equal(a: Node, b: Node, question: Question) -> bool:
    """True if cancel or expand of ``a - b`` is 0 within :data:`PROOF_SECONDS`; False means 'no proof'."""
    # The outer try catches a timer that fires just as the block ends.
    try:
        with hard_time_limit(PROOF_SECONDS) as limited:
            if not limited:
                return False
            try:
                return _is_zero(to_sympy(a, question) - to_sympy(b, question))
            except _FAILURES:
                return False
    except SymbolicTimeout:
        return False


def tie_break(a: Node, b: Node, question: Question) -> bool | None:
    """simplify, then ``equals``, under :data:`TIE_BREAK_SECONDS`: True, False, or None (undecided)."""
    try:
        with hard_time_limit(TIE_BREAK_SECONDS) as limited:
            if not limited:
                return None
            try:
                import sympy

                left, right = to_sympy(a, question), to_sympy(b, question)
                if sympy.simplify(left - right) == 0:
                    return True
                verdict = left.equals(right)
                return None if verdict is None else bool(verdict)
            except _FAILURES:
                return None
    except SymbolicTimeout:
        return None
