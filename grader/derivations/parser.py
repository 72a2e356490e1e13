"""Reading an answer: a hand-written grammar for plain maths, never ``eval``.

Student text is never given to ``eval``, ``sympify`` or ``parse_expr`` (they
execute code). It is tokenized and parsed here by a small recursive-descent
parser into the tree of :mod:`grader.derivations.tree`, against the names one
question declares:

- ``^`` and ``**`` are powers (right-associative: ``2^3^2`` is ``2^9``);
  ``x^T`` (``T`` not declared) is a transpose;
- multiplication may be implicit: ``2x``, ``x y``, ``sigma(x)(1 + y)``
  (a call followed by a bracket is a product, never a call of a call); it
  binds like ``*``, so ``1/2x`` is ``(1/2) x``;
- names are never split: ``nin`` is one name, an error unless declared;
- ``w_kj`` and ``w[k, j]`` are entries of a declared matrix ``w`` when ``k``
  and ``j`` are declared indices; ``sum_j body``, ``sum_{j != k} body`` and
  ``sum(body, j)`` are sums over an index (the body is the product after it);
- ``(.)``, ``.*``, ``⊙`` and ``hadamard(a, b)`` are the elementwise product,
  which binds less tightly than ``*`` and more tightly than ``+``;
- a few Unicode signs are understood (``σ``, ``−``, ``·``, ``⊙``, ``²``);
  any other non-ASCII character is rejected (look-alike letters included);
- LaTeX is converted first by :mod:`grader.derivations.latex`.

Guards against denial of service: the text length, the nesting depth, the
number of nodes and the digits of a literal are limited here, and each limit
raises :class:`~grader.derivations.errors.AnswerTooComplex` before anything is
computed; the sizes of constants are limited on the parsed tree by
:mod:`grader.derivations.expression`, which is what reads an answer. Errors
carry the position of the offending characters.

This module is the floor of reading: it knows the grammar and the question's
names, and never evaluates or infers shapes (those modules read definitions
with :func:`parse_tree`).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any, Iterator

from grader.derivations.errors import (
    AnswerRejected,
    AnswerSyntaxError,
    AnswerTooComplex,
    FloatNotAllowed,
    FunctionNotAllowed,
    UnknownName,
)
from grader.derivations.question import CONSTANTS, FUNCTION_ALIASES, KNOWN_FUNCTIONS, Question
from grader.derivations.tree import Binary, Call, Diff, Indexed, Name, Negate, Node, Number, Sum, Transpose

MAX_LENGTH = 1000
"""characters in one answer (or one step)"""
MAX_DEPTH = 40
"""nesting of brackets and operators"""
MAX_NODES = 400
"""nodes in the syntax tree"""
MAX_DIGITS = 15
"""digits in one number literal"""
MAX_EXPONENT = 100
"""largest magnitude of an exponent: of a decimal literal here (1e100), of a constant power in
:mod:`grader.derivations.expression` (x^100 is fine, x^(9^9) is not)"""
MAX_NESTED = 3
"""sums (or derivatives) inside one another: each multiplies the work of evaluating"""

#: Unicode signs that are understood, and what they mean in plain syntax.
UNICODE_SIGNS: dict[str, str] = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",  # en dash
    "\u00b7": "*",  # middle dot
    "\u22c5": "*",  # dot operator
    "\u00d7": "*",  # multiplication sign
    "\u2217": "*",  # asterisk operator
    "\u2299": "(.)",  # circled dot: Hadamard product
    "\u2218": "(.)",  # ring operator
    "\u2260": "!=",
    "\u00b2": "^2",
    "\u00b3": "^3",
    "\u1d40": "^T",  # modifier letter capital T
    "\u2019": "'",
    "\u2032": "'",  # prime
    "\u221a": "sqrt",
    "\u2211": "sum",  # n-ary summation
    "\u03c3": "sigma",
    "\u03bc": "mu",
    "\u03b7": "eta",
    "\u03bb": "lambda",
    "\u03b4": "delta",
    "\u03c0": "pi",
    "\u03b5": "epsilon",
    "\u03f5": "epsilon",
    "\u0394": "Delta",
}

_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?")
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_(?:\{[^{}]*\}|[A-Za-z0-9]+))*'?")
_IDENT_CHAR = re.compile(r"[A-Za-z0-9_]")

#: Names students try that the grammar does not know, with what to write instead.
_SUGGESTIONS = {
    "sigmoid": "write sigma(...) for the sigmoid",
    "sin": "trigonometric functions are not used in this course's answers",
    "cos": "trigonometric functions are not used in this course's answers",
    "softmax": "write the softmax out with exp and a sum",
    "import": "answers are expressions, not code",
    "lambda": "answers are expressions, not code",
}


# -- normalising the text -------------------------------------------------------------


def normalise(text: str) -> tuple[str, list[int]]:
    """The text with understood Unicode signs replaced, and each character's position in the original.

    Control characters (a null byte included) and any other non-ASCII
    character are rejected with their position and Unicode name, so a
    Cyrillic ``е`` in ``еxp`` is an error, not a lookalike of ``exp``.
    """
    out: list[str] = []
    positions: list[int] = []
    for i, char in enumerate(text):
        if char in UNICODE_SIGNS:
            replacement = UNICODE_SIGNS[char]
            out.append(replacement)
            positions.extend([i] * len(replacement))
            continue
        code = ord(char)
        if char in " \t\n\r":
            out.append(" ")
        elif code < 32 or code == 127:
            raise AnswerSyntaxError(
                f"the answer contains a control character (U+{code:04X}); remove it", text=text, position=i
            )
        elif code > 127:
            name = unicodedata.name(char, f"U+{code:04X}")
            raise AnswerSyntaxError(
                f"the character {char!r} ({name}) is not understood; write names in plain ASCII letters "
                f"(sigma, mu, lambda, ...)",
                text=text,
                position=i,
            )
        else:
            out.append(char)
        positions.append(i)
    positions.append(len(text))
    return "".join(out), positions


# -- tokens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str
    """num, name, sum, op, (, ), [, ], ",", =, end"""
    text: str
    start: int
    end: int
    value: Any = None


def _subscript_name(raw: str) -> str:
    """``w_{k,j}`` -> ``w_kj``; ``lambda_{max}`` -> ``lambda_max`` (braces, spaces, commas dropped)."""

    def flatten(match: re.Match[str]) -> str:
        return re.sub(r"[\s,]", "", match.group(1))

    return re.sub(r"\{([^{}]*)\}", flatten, raw)


class Tokenizer:
    """Turns normalised text into tokens; positions are in the normalised text."""

    def __init__(self, text: str, question: Question, error: Any) -> None:
        self.text = text
        self.question = question
        self.error = error
        self.aliases = question.alias_table()

    def tokens(self) -> list[Token]:
        text = self.text
        out: list[Token] = []
        i = 0
        while i < len(text):
            char = text[i]
            if char == " ":
                i += 1
                continue
            alias = self._alias_at(i)
            if alias is not None:
                written, name = alias
                out.append(Token("name", written, i, i + len(written), name))
                i += len(written)
                continue
            if text.startswith("(.)", i):
                out.append(Token("op", "(.)", i, i + 3, "hadamard"))
                i += 3
                continue
            if text.startswith(".*", i):
                out.append(Token("op", ".*", i, i + 2, "hadamard"))
                i += 2
                continue
            if text.startswith("**", i):
                out.append(Token("op", "**", i, i + 2, "^"))
                i += 2
                continue
            if text.startswith("!=", i):
                out.append(Token("!=", "!=", i, i + 2))
                i += 2
                continue
            match = _NUMBER.match(text, i)
            if match:
                out.append(Token("num", match.group(), i, match.end()))
                i = match.end()
                continue
            match = _IDENTIFIER.match(text, i)
            if match:
                if text.startswith("sum_", i):
                    token, i = self._sum_token(i)
                    out.append(token)
                    continue
                raw = match.group()
                out.append(Token("name", raw, i, match.end(), _subscript_name(raw)))
                i = match.end()
                continue
            if char in "+-*/^@":
                out.append(Token("op", char, i, i + 1, char))
            elif char in "([{":
                out.append(Token("(" if char != "[" else "[", char, i, i + 1))
            elif char in ")]}":
                out.append(Token(")" if char != "]" else "]", char, i, i + 1))
            elif char == ",":
                out.append(Token(",", char, i, i + 1))
            elif char == "=":
                out.append(Token("=", char, i, i + 1))
            elif char == "'":
                raise self.error(
                    AnswerSyntaxError,
                    "a prime ' is only understood right after a name, as in sigma'(z); "
                    "quotes and strings are not part of an expression",
                    i,
                )
            elif char == "_":
                raise self.error(AnswerSyntaxError, "names start with a letter, not with '_'", i)
            elif char == ".":
                raise self.error(
                    AnswerSyntaxError, "a '.' is only understood in a decimal number or in '.*' (elementwise product)", i
                )
            else:
                raise self.error(AnswerSyntaxError, f"the character {char!r} is not understood here", i)
            i += 1
        out.append(Token("end", "", len(text), len(text)))
        return out

    def _alias_at(self, i: int) -> tuple[str, str] | None:
        for written, name in self.aliases.items():
            if self.text.startswith(written, i):
                end = i + len(written)
                # An alias must not be the start of a longer name: "W_nextx" is not "W_next" then "x".
                if _IDENT_CHAR.match(written[-1]) and end < len(self.text) and _IDENT_CHAR.match(self.text[end]):
                    continue
                return written, name
        return None

    def _sum_token(self, i: int) -> tuple[Token, int]:
        """``sum_j``, ``sum_{j != k}``, ``sum_{j=1}^{N}``: one token holding (index, excluded index)."""
        text = self.text
        start = i
        i += len("sum_")
        if i < len(text) and text[i] == "{":
            close = text.find("}", i)
            if close < 0:
                raise self.error(AnswerSyntaxError, "the subscript of this sum has no closing '}'", start, i - start + 1)
            content = text[i + 1 : close]
            i = close + 1
        else:
            match = re.compile(r"[A-Za-z][A-Za-z0-9]*").match(text, i)
            if not match:
                raise self.error(AnswerSyntaxError, "write the index of the sum after it, as in sum_j or sum_{j != k}", start, 4)
            content = match.group()
            i = match.end()
        content = content.replace(" ", "")
        exclude = None
        lower = None
        if "!=" in content:
            index, exclude = content.split("!=", 1)
        elif "=" in content:
            index, lower = content.split("=", 1)
        else:
            index = content
        upper = None
        if lower is not None:
            # An explicit range must be the whole range of the index: j = 1 .. N or j = 0 .. N - 1.
            match = re.compile(r"\^(\{[^{}]*\}|[A-Za-z0-9]+)").match(text, i)
            if match:
                upper = match.group(1).strip("{}").replace(" ", "")
                i = match.end()
        token = Token("sum", text[start:i], start, i, (index, exclude, lower, upper))
        return token, i


# -- the parser -----------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, question: Question, *, original: str, positions: list[int]) -> None:
        self.question = question
        self.original = original
        self.positions = positions
        self.tokens = Tokenizer(text, question, self._error).tokens()
        self.at = 0
        self.depth = 0
        self.nodes = 0
        self.bound: set[str] = set()
        self.nested_sums = 0
        self.nested_diffs = 0
        self.allowed = question.allowed_functions | self._implied_functions(question)

    @staticmethod
    def _implied_functions(question: Question) -> frozenset[str]:
        implied = set()
        if question.has_arrays:
            implied |= {"transpose", "hadamard"}
        if question.indices:
            implied.add("sum")
        return frozenset(implied)

    # -- errors and positions ----------------------------------------------------------

    def _error(self, kind: type[AnswerRejected], message: str, start: int, length: int = 1) -> AnswerRejected:
        """An error located in the original text (positions map through normalisation and LaTeX)."""
        start = max(0, min(start, len(self.positions) - 1))
        end = max(start + 1, min(start + length, len(self.positions) - 1))
        original_start = self.positions[start]
        original_end = self.positions[end - 1] + 1 if end - 1 < len(self.positions) else original_start + 1
        return kind(message, text=self.original, position=original_start, length=max(1, original_end - original_start))

    def _error_at(self, kind: type[AnswerRejected], message: str, token: Token) -> AnswerRejected:
        return self._error(kind, message, token.start, max(1, token.end - token.start))

    def _original_span(self, start: int, end: int) -> tuple[int, int]:
        start = max(0, min(start, len(self.positions) - 1))
        end = max(start, min(end, len(self.positions) - 1))
        return self.positions[start], self.positions[end] if end > start else self.positions[start]

    # -- token stream ------------------------------------------------------------------

    @property
    def peek(self) -> Token:
        return self.tokens[self.at]

    def peek_at(self, offset: int) -> Token:
        return self.tokens[min(self.at + offset, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.tokens[self.at]
        if token.kind != "end":
            self.at += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        token = self.peek
        if token.kind != kind:
            found = "the end of the answer" if token.kind == "end" else repr(token.text)
            raise self._error_at(AnswerSyntaxError, f"expected {what} but found {found}", token)
        return self.next()

    def node(self, cls: type[Node], *args: Any, start: int, end: int, **kwargs: Any) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._error(AnswerTooComplex, f"the answer is too long (more than {MAX_NODES} parts)", start)
        s, e = self._original_span(start, end)
        return cls(*args, start=s, end=e, **kwargs)

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._error_at(AnswerTooComplex, f"the answer is nested too deeply (more than {MAX_DEPTH} levels)", token)

    def leave(self) -> None:
        self.depth -= 1

    # -- grammar -------------------------------------------------------------------------

    def chain(self, *, allow_equals: bool) -> list[tuple[Node, int, int]]:
        """``expr (= expr)*``; each expression with its span in the normalised text."""
        parts = []
        while True:
            begin = self.peek.start
            if self.peek.kind == "end":
                raise self._error_at(AnswerSyntaxError, "an expression is missing here", self.peek)
            tree = self.expression()
            parts.append((tree, begin, self.tokens[self.at - 1].end))
            token = self.peek
            if token.kind == "=":
                if not allow_equals:
                    raise self._error_at(
                        AnswerSyntaxError, "write only the expression, without 'name =' or '= ...'", token
                    )
                self.next()
                continue
            if token.kind != "end":
                if token.kind == ")" or token.kind == "]":
                    raise self._error_at(AnswerSyntaxError, f"this {token.text!r} closes a bracket that was never opened", token)
                if token.kind == "num":
                    raise self._error_at(
                        AnswerSyntaxError, "a number cannot follow an expression directly: write the '*' (x*2)", token
                    )
                raise self._error_at(AnswerSyntaxError, f"unexpected {token.text!r}", token)
            return parts

    def expression(self) -> Node:
        self.enter(self.peek)
        node = self.entrywise()
        while self.peek.kind == "op" and self.peek.value in "+-":
            op = self.next()
            right = self.entrywise()
            node = self.node(Binary, op.value, node, right, start=self._start(node), end=self._end(right))
        self.leave()
        return node

    def entrywise(self) -> Node:
        """Products joined by (.): the entrywise product binds less tightly than the matrix product,
        so ``A^T u (.) v`` is ``(A^T u) (.) v``."""
        node = self.term()
        while self.peek.kind == "op" and self.peek.value == "hadamard":
            token = self.next()
            if self.peek.kind == "end":
                raise self._error_at(AnswerSyntaxError, f"{token.text!r} needs something after it", token)
            right = self.term()
            node = self.node(Binary, "hadamard", node, right, start=self._start(node), end=self._end(right))
        return node

    def _implicit_start(self, token: Token) -> bool:
        return token.kind in ("name", "sum", "(", "[")

    def term(self) -> Node:
        node = self.unary()
        while True:
            token = self.peek
            if token.kind == "op" and token.value in ("*", "/", "@"):
                self.next()
                if self.peek.kind == "end":
                    raise self._error_at(AnswerSyntaxError, f"{token.text!r} needs something after it", token)
                right = self.unary()
                op = "*" if token.value == "@" else token.value
                node = self.node(Binary, op, node, right, start=self._start(node), end=self._end(right))
            elif self._implicit_start(token):
                right = self.unary()
                node = self.node(Binary, "*", node, right, start=self._start(node), end=self._end(right), implicit=True)
            elif token.kind == "num":
                raise self._error_at(
                    AnswerSyntaxError, "a number cannot follow an expression directly: write the '*' (x*2)", token
                )
            else:
                return node

    def unary(self) -> Node:
        token = self.peek
        if token.kind == "op" and token.value in "+-":
            self.enter(token)
            self.next()
            if self.peek.kind == "op" and self.peek.value in "*/^" or self.peek.kind == "end":
                raise self._error_at(AnswerSyntaxError, f"{token.text!r} needs something after it", token)
            operand = self.unary()
            self.leave()
            if token.value == "+":
                return operand
            return self.node(Negate, operand, start=token.start, end=self._end(operand))
        if token.kind == "sum":
            self.enter(token)
            self.next()
            index, exclude = self._sum_bounds(token)
            with self._summing(index, token):
                body = self.term()
            self.leave()
            return self.node(Sum, index, body, exclude, start=token.start, end=self._end(body))
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        while self.peek.kind == "op" and self.peek.value == "^":
            caret = self.next()
            if self._transpose_follows():
                end_token = self.tokens[self.at - 1]
                base = self.node(Transpose, base, start=self._start(base), end=end_token.end)
                continue
            if self.peek.kind == "end":
                raise self._error_at(AnswerSyntaxError, "'^' needs an exponent after it", caret)
            self.enter(caret)
            exponent = self.unary()
            self.leave()
            return self.node(Binary, "^", base, exponent, start=self._start(base), end=self._end(exponent))
        return base

    def _transpose_follows(self) -> bool:
        """After '^': a bare ``T`` (or ``(T)``, ``{T}``) that the question does not declare is a transpose."""
        declared = self.question.symbol("T") is not None or self.question.definition("T") is not None
        if declared:
            return False
        token = self.peek
        if token.kind == "name" and token.value == "T":
            self.next()
            return True
        if token.kind == "(" and self.peek_at(1).kind == "name" and self.peek_at(1).value == "T" and self.peek_at(2).kind == ")":
            self.next(), self.next(), self.next()
            return True
        return False

    def postfix(self) -> Node:
        node = self.primary()
        # w[k, j] indexes a declared matrix; after anything else, [ ] are brackets (a product).
        if self.peek.kind == "[" and isinstance(node, Name) and self._array_rank(node.name):
            open_token = self.next()
            indices = []
            while True:
                token = self.expect("name", "an index name")
                indices.append(self._index_name(token))
                if self.peek.kind == ",":
                    self.next()
                    continue
                close = self.expect("]", "']'")
                break
            node = self._indexed(node.name, tuple(indices), open_token, start=self._start(node), end=close.end)
        return node

    def primary(self) -> Node:
        token = self.peek
        if token.kind == "num":
            self.next()
            return self._number(token)
        if token.kind in ("(", "["):
            self.enter(token)
            open_token = self.next()
            closing = "]" if token.kind == "[" else ")"
            if self.peek.kind == closing:
                raise self._error_at(AnswerSyntaxError, "empty brackets", self.peek)
            inner = self.expression()
            close = self.peek
            if close.kind != closing:
                found = "the end of the answer" if close.kind == "end" else repr(close.text)
                raise self._error_at(
                    AnswerSyntaxError, f"this {open_token.text!r} is never closed (found {found})", open_token
                )
            if {"(": ")", "{": "}", "[": "]"}.get(open_token.text) != close.text:
                raise self._error_at(AnswerSyntaxError, f"{open_token.text!r} is closed by {close.text!r}", close)
            self.next()
            self.leave()
            return inner
        if token.kind == "name":
            return self.name()
        if token.kind == "end":
            raise self._error_at(AnswerSyntaxError, "the answer ends where an expression should follow", token)
        if token.kind == "op" and token.value in ("*", "/", "^", "hadamard", "@"):
            raise self._error_at(AnswerSyntaxError, f"{token.text!r} needs something before it", token)
        raise self._error_at(AnswerSyntaxError, f"unexpected {token.text!r}", token)

    # -- names, calls, numbers --------------------------------------------------------------

    def _canonical_function(self, name: str) -> str | None:
        if self.question.symbol(name) is not None or self.question.definition(name) is not None:
            return None
        canonical = FUNCTION_ALIASES.get(name, name)
        return canonical if canonical in KNOWN_FUNCTIONS else None

    def name(self) -> Node:
        token = self.next()
        value = token.value
        function = self._canonical_function(value)
        if function is not None:
            return self._function(token, function)
        if self.question.symbol(value) is not None or self.question.definition(value) is not None:
            return self.node(Name, value, start=token.start, end=token.end)
        if value in CONSTANTS:
            return self.node(Name, value, start=token.start, end=token.end)
        index = self.question.index(value)
        if index is not None:
            raise self._error_at(
                UnknownName, f"{value} is an index: use it as a subscript of a vector or matrix, as in y_{value}", token
            )
        indexed = self._split_subscript(token)
        if indexed is not None:
            return indexed
        if value == "T":
            raise self._error_at(UnknownName, "T is only understood as a transpose, as in W^T", token)
        raise self._error_at(UnknownName, self._unknown_name_message(value), token)

    def _unknown_name_message(self, value: str) -> str:
        message = f"unknown name {value!r}"
        hint = _SUGGESTIONS.get(value.lower())
        split = _split_into_names(value, self._scalar_names())
        if hint:
            message += f" ({hint})"
        elif split and len(split) > 1:
            message += f" (names are never split: if you mean a product, write {'*'.join(split)})"
        elif value.endswith("'"):
            message += " (a prime is only understood where the question declares it, as in sigma')"
        return f"{message}. Allowed here -- {self.question.allowed_names_text()}"

    def _scalar_names(self) -> list[str]:
        names = [s.name for s in self.question.symbols if not s.shape] + [d.name for d in self.question.definitions]
        return names + [c for c in CONSTANTS if self.question.symbol(c) is None]

    def _array_rank(self, name: str) -> int:
        symbol = self.question.symbol(name)
        return len(symbol.shape) if symbol is not None else 0

    def _index_name(self, token: Token) -> str:
        if self.question.index(token.value) is None:
            declared = ", ".join(i.name for i in self.question.indices) or "none"
            raise self._error_at(UnknownName, f"{token.value!r} is not an index of this question (indices: {declared})", token)
        return token.value

    def _split_subscript(self, token: Token) -> Node | None:
        """``w_kj`` -> w[k, j] when ``w`` is a declared matrix and ``k``, ``j`` declared indices."""
        value = token.value
        for cut in [i for i, char in enumerate(value) if char == "_"]:
            base, subscript = value[:cut], value[cut + 1 :]
            rank = self._array_rank(base)
            if not rank or not subscript:
                continue
            if "_" in subscript:
                parts = subscript.split("_")
            elif self.question.index(subscript) is not None:
                parts = [subscript]
            else:
                parts = list(subscript)
            if not all(self.question.index(part) is not None for part in parts):
                names = ", ".join(i.name for i in self.question.indices)
                raise self._error_at(
                    UnknownName, f"in {value!r}, the subscript {subscript!r} is not made of the indices {names}", token
                )
            return self._indexed(base, tuple(parts), token, start=token.start, end=token.end)
        return None

    def _indexed(self, base: str, indices: tuple[str, ...], token: Token, *, start: int, end: int) -> Node:
        symbol = self.question.symbol(base)
        assert symbol is not None
        if len(indices) != len(symbol.shape):
            raise self._error_at(
                AnswerSyntaxError,
                f"{base} has {len(symbol.shape)} {'index' if len(symbol.shape) == 1 else 'indices'}, not {len(indices)}",
                token,
            )
        for axis, (index, dimension) in enumerate(zip(indices, symbol.shape)):
            declared = self.question.index(index)
            assert declared is not None
            if declared.dimension != dimension:
                raise self._error_at(
                    AnswerSyntaxError,
                    f"the {'first' if axis == 0 else 'second'} index of {base} runs over {dimension}, "
                    f"but {index} runs over {declared.dimension}",
                    token,
                )
        return self.node(Indexed, base, indices, start=start, end=end)

    def _function(self, token: Token, function: str) -> Node:
        """A function name: ``f(x)``, ``f^2(x)`` (the square of f(x)) or ``f x^2`` (f of the power after it)."""
        if function not in self.allowed:
            shown = ", ".join(sorted(self.question.functions)) or "none"
            raise self._error_at(
                FunctionNotAllowed, f"the function {token.value} is not allowed in this question (allowed: {shown})", token
            )
        one_argument = KNOWN_FUNCTIONS[function] == 1 and function not in ("transpose",)
        power = None
        if self.peek.kind == "op" and self.peek.value == "^" and one_argument:
            # cosh^2(x) is (cosh(x))^2, as in the notes and in LaTeX; only whole positive powers.
            caret = self.next()
            if self.peek.kind != "num" or not self.peek.text.isdigit():
                raise self._error_at(
                    AnswerSyntaxError, f"write a power of {token.value} after its bracket: {token.value}(x)^2", caret
                )
            power = self._number(self.next())
        if self.peek.kind == "(":
            node = self.call(token, function)
        elif one_argument and self.peek.kind in ("name", "num"):
            # log x and log sigma^2 (LaTeX's \log \sigma^2) apply to the power right after the name.
            self.enter(token)
            argument = self.power()
            self.leave()
            node = self.node(Call, function, (argument,), start=token.start, end=self._end(argument))
        else:
            raise self._error_at(
                AnswerSyntaxError, f"{token.value} is a function: write its argument in brackets, as in {token.value}(x)", token
            )
        if power is None:
            return node
        return self.node(Binary, "^", node, power, start=token.start, end=self._end(node))

    def call(self, token: Token, function: str) -> Node:
        """``f(arguments)``; the next token is the opening bracket."""
        self.enter(token)
        open_token = self.next()
        if function == "sum":
            self.nested_sums += 1
            if self.nested_sums > MAX_NESTED:
                raise self._error_at(AnswerTooComplex, f"more than {MAX_NESTED} sums inside one another", token)
            body = self.expression()
            self.nested_sums -= 1
            self.expect(",", "',' and the index of the sum")
            index_token = self.expect("name", "the index of the sum")
            index = self._index_name(index_token)
            exclude = None
            if self.peek.kind == "!=":
                self.next()
                exclude = self._index_name(self.expect("name", "an index after '!='"))
            close = self.expect(")", "')'")
            self.leave()
            self._check_sum_indices(index, exclude, index_token)
            if index in self.bound:
                raise self._error_at(AnswerSyntaxError, f"{index} is already the index of an enclosing sum", index_token)
            return self.node(Sum, index, body, exclude, start=token.start, end=close.end)
        if function == "diff":
            self.nested_diffs += 1
            if self.nested_diffs > MAX_NESTED:
                raise self._error_at(AnswerTooComplex, f"more than {MAX_NESTED} derivatives inside one another", token)
            body = self.expression()
            self.nested_diffs -= 1
            self.expect(",", "',' and the variable of the derivative")
            variable = self.expect("name", "the variable of the derivative")
            symbol = self.question.symbol(variable.value)
            if symbol is None or symbol.shape:
                raise self._error_at(UnknownName, f"{variable.value!r} is not a scalar name of this question", variable)
            close = self.expect(")", "')'")
            self.leave()
            return self.node(Diff, body, variable.value, start=token.start, end=close.end)
        args = [self.expression()]
        while self.peek.kind == ",":
            self.next()
            args.append(self.expression())
        close = self.peek
        if close.kind != ")":
            raise self._error_at(AnswerSyntaxError, f"the bracket of {token.value}( is never closed", open_token)
        self.next()
        self.leave()
        wanted = KNOWN_FUNCTIONS[function]
        if len(args) != wanted:
            raise self._error_at(
                AnswerSyntaxError, f"{token.value} takes {wanted} argument{'s' if wanted > 1 else ''}, not {len(args)}", token
            )
        # transpose(W) and hadamard(a, b) are the same trees as W^T and a (.) b.
        if function == "transpose":
            return self.node(Transpose, args[0], start=token.start, end=close.end)
        if function == "hadamard":
            return self.node(Binary, "hadamard", args[0], args[1], start=token.start, end=close.end)
        return self.node(Call, function, tuple(args), start=token.start, end=close.end)

    @contextlib.contextmanager
    def _summing(self, index: str, token: Token) -> Iterator[None]:
        """The scope of a sum's index: nested sums are limited and cannot reuse it."""
        if index in self.bound:
            raise self._error_at(AnswerSyntaxError, f"{index} is already the index of an enclosing sum", token)
        if len(self.bound) >= MAX_NESTED:
            raise self._error_at(AnswerTooComplex, f"more than {MAX_NESTED} sums inside one another", token)
        self.bound.add(index)
        try:
            yield
        finally:
            self.bound.discard(index)

    def _sum_bounds(self, token: Token) -> tuple[str, str | None]:
        if "sum" not in self.allowed:
            raise self._error_at(FunctionNotAllowed, "sums are not used in this question", token)
        index, exclude, lower, upper = token.value
        if self.question.index(index) is None:
            declared = ", ".join(i.name for i in self.question.indices) or "none"
            raise self._error_at(UnknownName, f"{index!r} is not an index of this question (indices: {declared})", token)
        if exclude is not None and self.question.index(exclude) is None:
            raise self._error_at(UnknownName, f"{exclude!r} is not an index of this question", token)
        if lower is not None:
            dimension = self.question.index(index).dimension  # type: ignore[union-attr]
            if (lower, upper) not in (("1", dimension), ("0", f"{dimension}-1")):
                raise self._error_at(
                    AnswerSyntaxError,
                    f"a sum runs over the whole range of its index: write sum_{index}, sum_{{{index}=1}}^{{{dimension}}} "
                    f"or sum_{{{index} != k}}",
                    token,
                )
        self._check_sum_indices(index, exclude, token)
        return index, exclude

    def _check_sum_indices(self, index: str, exclude: str | None, token: Token) -> None:
        declared = self.question.index(index)
        assert declared is not None
        if not declared.summation:
            raise self._error_at(AnswerSyntaxError, f"{index} is a fixed index here; sum over another index", token)
        if exclude is not None:
            other = self.question.index(exclude)
            assert other is not None
            if other.dimension != declared.dimension:
                raise self._error_at(AnswerSyntaxError, f"{index} and {exclude} run over different ranges", token)

    def _number(self, token: Token) -> Node:
        text = token.text
        digits = sum(char.isdigit() for char in text.split("e")[0].split("E")[0])
        if digits > MAX_DIGITS:
            raise self._error_at(AnswerTooComplex, f"numbers with more than {MAX_DIGITS} digits are not accepted", token)
        is_float = not text.isdigit()
        if is_float and not self.question.allow_floats:
            raise self._error_at(
                FloatNotAllowed,
                "decimal numbers are not accepted in this question: write exact numbers such as 1/2 or 3/4",
                token,
            )
        if is_float:
            mantissa, _, exponent = text.replace("E", "e").partition("e")
            if exponent and abs(int(exponent)) > MAX_EXPONENT:
                raise self._error_at(AnswerTooComplex, f"exponents above {MAX_EXPONENT} are not accepted", token)
            value = Fraction(mantissa) * (Fraction(10) ** int(exponent or 0))
        else:
            value = Fraction(int(text))
        return self.node(Number, value, text, is_float, start=token.start, end=token.end)

    # -- helpers -----------------------------------------------------------------------

    def _start(self, node: Node) -> int:
        # Node positions are in the original text; map back to the normalised text for new spans.
        return _normalised_index(self.positions, node.start)

    def _end(self, node: Node) -> int:
        return _normalised_index(self.positions, node.end)


def _normalised_index(positions: list[int], original: int) -> int:
    """The first normalised position whose original position is ``original`` (inverse of the map)."""
    lo, hi = 0, len(positions) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if positions[mid] < original:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _split_into_names(value: str, names: list[str]) -> list[str] | None:
    """``nin`` -> ["n", "i", "n"] if those are names (only for the hint; never used to read the answer)."""
    best: dict[int, list[str]] = {0: []}
    for i in range(len(value)):
        if i not in best:
            continue
        for name in names:
            if value.startswith(name, i) and i + len(name) not in best:
                best[i + len(name)] = best[i] + [name]
    return best.get(len(value))


def _check_index_scope(tree: Node, question: Question, text: str) -> None:
    """A summation index may appear only inside a sum over it: y_j alone has no value."""

    def visit(node: Node, bound: frozenset[str]) -> None:
        if isinstance(node, Indexed):
            for index in node.indices:
                declared = question.index(index)
                if declared is not None and declared.summation and index not in bound:
                    raise AnswerSyntaxError(
                        f"{index} is a summation index: use {node.base}_{''.join(node.indices)} inside a sum over {index}",
                        text=text,
                        position=node.start,
                        length=max(1, node.end - node.start),
                    )
        if isinstance(node, Sum):
            bound = bound | {node.index}
        for child in node.children():
            visit(child, bound)

    visit(tree, frozenset())


def looks_like_latex(text: str) -> bool:
    """Whether the answer is written in LaTeX (it uses a backslash command or $ delimiters)."""
    return "\\" in text or text.strip().startswith("$")


def _prepare(text: str) -> tuple[str, list[int]]:
    """The plain, normalised text to tokenize and the map back to positions in ``text``."""
    if len(text) > MAX_LENGTH:
        raise AnswerTooComplex(
            f"the answer is {len(text)} characters long; answers are at most {MAX_LENGTH}", text=text[:200]
        )
    if looks_like_latex(text):
        from grader.derivations.latex import latex_to_plain

        plain, latex_positions = latex_to_plain(text)
        normal, positions = normalise(plain)
        return normal, [latex_positions[p] if p < len(latex_positions) else len(text) for p in positions]
    return normalise(text)


def parse_trees(text: str, question: Question, *, allow_equals: bool) -> tuple[tuple[Node, str], ...]:
    """Read ``text`` (``a = b = c`` where ``allow_equals``) as syntax trees, each with its own text.

    Only the grammar and the limits on the text are checked here; the limits on
    constants and the shapes are checked on the trees by
    :func:`grader.derivations.expression.parse_answer`, which is what reads a
    student's answer.
    """
    if not isinstance(text, str):
        raise AnswerSyntaxError(f"an answer must be a string, not a {type(text).__name__}")
    if not text.strip():
        raise AnswerSyntaxError("the answer is empty")
    normal, positions = _prepare(text)
    parser = _Parser(normal, question, original=text, positions=positions)
    parts = parser.chain(allow_equals=allow_equals)
    for tree, _, _ in parts:
        _check_index_scope(tree, question, text)
    pieces = []
    for tree, begin, end in parts:
        s, e = positions[begin], positions[min(end, len(positions) - 1)]
        pieces.append((tree, text[s:e].strip() if len(parts) > 1 else text))
    return tuple(pieces)


@lru_cache(maxsize=4096)
def parse_tree(text: str, question: Question) -> Node:
    """The syntax tree of one expression of ``question`` (a definition's, say), unchecked beyond the grammar."""
    return parse_trees(text, question, allow_equals=False)[0][0]
