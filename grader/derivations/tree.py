"""The syntax tree of a parsed answer: a few node types, nothing executable.

Nodes are frozen dataclasses; ``start`` and ``end`` locate a node in the
text the student wrote (they take no part in equality, so two answers that
read the same compare equal). Nothing here evaluates anything: see
:mod:`grader.derivations.evaluate` for numbers and
:mod:`grader.derivations.symbolic` for sympy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator


@dataclass(frozen=True)
class Node:
    start: int = field(default=0, compare=False, kw_only=True)
    end: int = field(default=0, compare=False, kw_only=True)

    def children(self) -> tuple["Node", ...]:
        return ()

    def walk(self) -> Iterator["Node"]:
        """This node and every node below it, parents first."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))


@dataclass(frozen=True)
class Number(Node):
    """A literal: an integer or (where the question allows it) a decimal, kept exact."""

    value: Fraction
    text: str
    is_float: bool = False


@dataclass(frozen=True)
class Name(Node):
    """A declared symbol, a defined name, or a constant (``pi``, ``e``)."""

    name: str


@dataclass(frozen=True)
class Indexed(Node):
    """An entry of a vector or matrix symbol: ``w_kj`` or ``w[k, j]`` is ``Indexed("w", ("k", "j"))``."""

    base: str
    indices: tuple[str, ...]


@dataclass(frozen=True)
class Call(Node):
    """A function applied to arguments (elementwise on vectors and matrices)."""

    function: str
    args: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True)
class Negate(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Binary(Node):
    """``+ - * / ^`` and ``hadamard`` (elementwise product); ``*`` is scaling or the matrix product."""

    op: str
    left: Node
    right: Node
    implicit: bool = field(default=False, compare=False)
    """whether a ``*`` was written by juxtaposition (``2x``, ``sigma(x)(1 + y)``)"""

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Transpose(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Sum(Node):
    """``sum_{index != exclude} body`` over the index's dimension."""

    index: str
    body: Node
    exclude: str | None = None

    def children(self) -> tuple[Node, ...]:
        return (self.body,)


@dataclass(frozen=True)
class Diff(Node):
    """``diff(body, variable)``: the derivative of a scalar expression with respect to a scalar symbol."""

    body: Node
    variable: str

    def children(self) -> tuple[Node, ...]:
        return (self.body,)


#: Functions whose graph has a kink: sampling makes sure points fall on both sides of it.
KINKED_FUNCTIONS = frozenset({"abs", "relu", "max", "min"})


def kink_arguments(tree: Node) -> list[Node]:
    """The expressions whose sign decides a branch of abs, relu, max or min in ``tree``."""
    found: list[Node] = []
    for node in tree.walk():
        if isinstance(node, Call) and node.function in KINKED_FUNCTIONS:
            if len(node.args) == 1:
                found.append(node.args[0])
            else:
                found.append(Binary("-", node.args[0], node.args[1]))
    return found


def functions_used(tree: Node) -> set[str]:
    """The functions an expression calls (``^T`` counts as ``transpose``, ``(.)`` as ``hadamard``)."""
    used: set[str] = set()
    for node in tree.walk():
        if isinstance(node, Call):
            used.add(node.function)
        elif isinstance(node, Name) and node.name == "e":
            used.add("exp")
        elif isinstance(node, Binary) and node.op == "^" and isinstance(node.left, Name) and node.left.name == "e":
            used.add("exp")
    return used


def names_used(tree: Node) -> set[str]:
    """The symbol, definition and array names an expression mentions."""
    used: set[str] = set()
    for node in tree.walk():
        if isinstance(node, Name):
            used.add(node.name)
        elif isinstance(node, Indexed):
            used.add(node.base)
        elif isinstance(node, Diff):
            used.add(node.variable)
    return used
