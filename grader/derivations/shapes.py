"""The shape of an expression, worked out before anything is computed.

Scalars have the shape ``()``; vectors are columns ``(n, 1)``; matrices are
``(m, n)``, where ``n`` and ``m`` are the question's named dimensions. Shapes
are checked by name, so ``W_next delta_next`` with ``W_next`` of shape
``(n_next, n)`` and ``delta_next`` of shape ``(n_next, 1)`` is rejected with
a message about the missing transpose on every instance, square or not.

Rules: a scalar scales anything; ``+`` and ``-`` need equal shapes (or a
scalar, which acts entrywise: ``1 - sigma(a)``); ``*`` between two arrays is
the matrix product and needs matching inner sizes (a ``1 x 1`` result is a
scalar: ``x^T y``); ``(.)`` needs equal shapes; functions act entrywise;
``/`` and ``^`` need a scalar on the right (and ``^`` on the left).
"""

from __future__ import annotations

from typing import Union

from grader.derivations.errors import ShapeMismatch
from grader.derivations.parser import parse_tree
from grader.derivations.question import Question
from grader.derivations.tree import Binary, Call, Diff, Indexed, Name, Negate, Node, Number, Sum, Transpose

Dim = Union[str, int]
Shape = tuple  # () or (rows, cols)


def symbol_shape(dims: tuple[str, ...]) -> Shape:
    if not dims:
        return ()
    if len(dims) == 1:
        return (dims[0], 1)
    return (dims[0], dims[1])


def describe(shape: Shape) -> str:
    """``()`` -> 'a scalar'; ``("n", 1)`` -> 'a column vector of size n'; else 'a m x n matrix'."""
    if shape == ():
        return "a scalar"
    rows, cols = shape
    if cols == 1:
        return f"a column vector of size {rows}"
    if rows == 1:
        return f"a row vector of size {cols}"
    return f"a {rows} x {cols} matrix"


def _error(node: Node, message: str) -> ShapeMismatch:
    return ShapeMismatch(message, position=node.start, length=max(1, node.end - node.start))


def _scalar(shape: Shape) -> Shape:
    """A 1 x 1 result of a product is a scalar."""
    return () if shape == (1, 1) else shape


def shape_of(tree: Node, question: Question) -> Shape:
    """The shape of ``tree``; raises :class:`ShapeMismatch` where shapes do not fit."""
    cache: dict[int, Shape] = {}

    def visit(node: Node) -> Shape:
        key = id(node)
        if key not in cache:
            cache[key] = compute(node)
        return cache[key]

    def compute(node: Node) -> Shape:
        if isinstance(node, (Number, Indexed)):
            return ()
        if isinstance(node, Name):
            symbol = question.symbol(node.name)
            if symbol is not None:
                return symbol_shape(symbol.shape)
            definition = question.definition(node.name)
            if definition is not None:
                return shape_of(parse_tree(definition.expression, question), question)
            return ()
        if isinstance(node, Negate):
            return visit(node.operand)
        if isinstance(node, Transpose):
            inner = visit(node.operand)
            return () if inner == () else (inner[1], inner[0])
        if isinstance(node, (Sum, Diff)):
            body = visit(node.body)
            if body != ():
                what = "a sum" if isinstance(node, Sum) else "a derivative"
                raise _error(node, f"the body of {what} must be a scalar, not {describe(body)}")
            return ()
        if isinstance(node, Call):
            shapes = [visit(arg) for arg in node.args]
            if node.function == "transpose":
                inner = shapes[0]
                return () if inner == () else (inner[1], inner[0])
            if node.function == "hadamard":
                return _hadamard(node, shapes[0], shapes[1])
            if len(shapes) == 2 and shapes[0] != shapes[1] and () not in shapes:
                raise _error(node, f"{node.function} needs arguments of the same shape, not {describe(shapes[0])} and {describe(shapes[1])}")
            return next((s for s in shapes if s != ()), ())
        if isinstance(node, Binary):
            left, right = visit(node.left), visit(node.right)
            if node.op in "+-":
                if left == right or left == () or right == ():
                    return left or right
                sign = "added to" if node.op == "+" else "subtracted from"
                raise _error(node, f"{describe(right)} cannot be {sign} {describe(left)}")
            if node.op == "hadamard":
                return _hadamard(node, left, right)
            if node.op == "/":
                if right != ():
                    raise _error(node, f"division by {describe(right)} is not defined; divide by scalars only")
                return left
            if node.op == "^":
                if left != () or right != ():
                    raise _error(
                        node,
                        "powers of vectors and matrices are not defined: use (.) for entrywise products "
                        "and ^T for a transpose",
                    )
                return ()
            # '*': scaling, or the matrix product.
            if left == () or right == ():
                return left or right
            if left[1] == 1 and right[1] == 1 and left[0] == right[0]:
                raise _error(
                    node,
                    f"two column vectors of size {left[0]} cannot be multiplied: use (.) for the entrywise "
                    f"product, or a transpose for the inner (x^T y) or outer (x y^T) product",
                )
            if left[1] != right[0]:
                hint = ""
                if left[0] == right[0] or left[1] == right[1]:
                    hint = "; is a transpose missing, or did you mean the entrywise product (.)?"
                raise _error(
                    node,
                    f"{describe(left)} times {describe(right)}: the matrix product needs the inner sizes "
                    f"to match ({left[1]} and {right[0]} differ){hint}",
                )
            return _scalar((left[0], right[1]))
        raise TypeError(f"unknown node {type(node).__name__}")

    return visit(tree)


def _hadamard(node: Node, left: Shape, right: Shape) -> Shape:
    if left == () or right == ():
        raise _error(node, "the entrywise product (.) joins two vectors or matrices; use * with a scalar")
    if left != right:
        raise _error(node, f"the entrywise product (.) needs equal shapes, not {describe(left)} and {describe(right)}")
    return left
