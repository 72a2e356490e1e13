"""The classes of input an exercise's docstring allows, and whether a check's call draws one.

A docstring is a contract: "W need not be symmetric", "integer arrays work
too", "u in [0, 1)", "on equal values the smaller index wins". A check that
never passes such an input leaves that part of the contract untested, and a
wrong answer that fails only there keeps full marks. So every exercise
declares the classes its docstring allows (:attr:`grader.declarations.Exercise.input_classes`),
each from the small vocabulary :data:`INPUT_CLASSES`, and
``tests/test_input_classes.py`` runs every public and hidden check with the
solution and requires each declared class to be drawn by at least one call.

A declared class is its name, optionally narrowed by a colon and a target:

- ``"integer dtype"`` -- any argument of the call; ``"integer dtype: X"`` -- the argument ``X``;
- ``"ties: X @ w"``, ``"on the boundary: X @ w + b"`` -- a NumPy expression of the call's
  arguments by their parameter names (``@``, ``+``, ``-``, ``*``, ``np.``, indexing);
- ``"edge of the legal range: u -> 1"`` -- some entry of ``u`` within :data:`EDGE_DISTANCE` of 1.

The default argument values are a class of their own that no exercise
declares: it is computed from the student function's signature
(:func:`default_parameters`), and every parameter with a default must be
omitted by at least one call.

A predicate sees one recorded call: the arguments a check actually passed to
the student's function, bound to the parameter names of the signature
(:class:`RecordedCall`). A function that takes a script (a class, objects)
has no such names: its predicates look at every array the script holds.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from grader.errors import InvalidDeclaration

EDGE_DISTANCE = 1e-6
"""how close to the edge of a legal range an entry must be to draw "edge of the legal range" (absolute)"""


@dataclass(frozen=True)
class RecordedCall:
    """One call a check made of the student's function: its arguments by parameter name."""

    arguments: Mapping[str, Any]
    """the arguments passed, by parameter name (positional ones bound to their names); a scripted call's
    script is under ``"steps"``"""
    omitted: frozenset[str] = frozenset()
    """the parameters with a default value that the call left out"""

    @classmethod
    def bind(cls, function: Callable[..., Any] | None, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> "RecordedCall":
        """The call ``function(*args, **kwargs)`` by parameter name; with no function (a script), ``{"steps": ...}``."""
        if function is None:
            return cls({"steps": args[0] if len(args) == 1 and not kwargs else (args, dict(kwargs))})
        signature = inspect.signature(function)
        bound = signature.bind(*args, **kwargs)
        omitted = frozenset(
            name for name, parameter in signature.parameters.items()
            if parameter.default is not inspect.Parameter.empty and name not in bound.arguments
        )
        return cls(dict(bound.arguments), omitted)


def default_parameters(function: Callable[..., Any]) -> tuple[str, ...]:
    """The parameters of ``function`` that have a default value, in order."""
    return tuple(
        name for name, parameter in inspect.signature(function).parameters.items()
        if parameter.default is not inspect.Parameter.empty
        and parameter.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    )


# -- what a call holds ------------------------------------------------------------------------------


def _arrays(value: Any, depth: int = 0, *, scalars: bool = False) -> Iterator[np.ndarray]:
    """Every numeric array in a plain value (lists of numbers count as arrays; with ``scalars``, numbers too)."""
    if depth > 16:
        return
    if scalars and isinstance(value, (int, float)) and not isinstance(value, bool):
        yield np.asarray(value)
        return
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            yield value
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from _arrays(item, depth + 1, scalars=scalars)
        return
    if isinstance(value, (list, tuple)):
        if value and not any(isinstance(item, (np.ndarray, dict, str, bool)) for item in value):
            try:
                array = np.asarray(value)  # numbers, or nested lists of them of one shape: an array given as a list
            except ValueError:  # ragged
                array = None
            if array is not None and array.dtype.kind in "iuf":
                yield array
                return
        for item in value:
            yield from _arrays(item, depth + 1, scalars=scalars)


def _target(call: RecordedCall, target: str | None) -> list[Any]:
    """The values a class looks at: every argument, or the one named, or the expression's value."""
    if target is None:
        return list(call.arguments.values())
    if target in call.arguments:
        return [call.arguments[target]]
    if target.isidentifier():
        return []  # a parameter this call does not pass (a script, another signature): nothing drawn
    names = {name: np.asarray(value) if _numeric_list(value) else value for name, value in call.arguments.items()}
    try:
        return [eval(target, {"__builtins__": {}, "np": np}, names)]  # noqa: S307 - the catalog's own declarations
    except Exception:  # noqa: BLE001 - inputs the expression does not fit (other shapes) draw nothing
        return []


def _numeric_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and not isinstance(value[0], (dict, str))


def _any_array(call: RecordedCall, target: str | None, test: Callable[[np.ndarray], bool], *, scalars: bool = False) -> bool:
    return any(test(array) for value in _target(call, target) for array in _arrays(value, scalars=scalars))


def _integer(array: np.ndarray) -> bool:
    return array.dtype.kind in "iu" and array.size > 0


def _non_symmetric(array: np.ndarray) -> bool:
    return array.ndim == 2 and array.shape[0] == array.shape[1] > 1 and not np.array_equal(array, array.T)


def _empty(array: np.ndarray) -> bool:
    return array.size == 0


def _single_row(array: np.ndarray) -> bool:
    return array.ndim >= 2 and array.shape[0] == 1


def _ties(array: np.ndarray) -> bool:
    """Some row (last axis) that holds a value more than once: a tie for an argmax, a sort or a maximum."""
    if array.size < 2 or array.ndim == 0 or array.dtype.kind not in "iuf":
        return False
    rows = np.sort(array.reshape(-1, array.shape[-1]), axis=1)
    return bool((rows[:, 1:] == rows[:, :-1]).any())


def _zero(array: np.ndarray) -> bool:
    return array.dtype.kind in "iuf" and bool((array == 0).any())


def _float32(array: np.ndarray) -> bool:
    return array.dtype == np.float32


def _edge(call: RecordedCall, target: str | None) -> bool:
    if target is None or "->" not in target:
        return False
    name, _, edge = (part.strip() for part in target.partition("->"))
    value = float(edge)
    return any(
        array.dtype.kind in "iuf" and bool((np.abs(array.astype(np.float64) - value) <= EDGE_DISTANCE).any())
        for found in _target(call, name) for array in _arrays(found, scalars=True)
    )


def _list_input(call: RecordedCall, target: str | None) -> bool:
    values = _target(call, target) if target else list(call.arguments.values())
    return any(isinstance(value, list) and _numeric_list(value) and not any(isinstance(v, np.ndarray) for v in value)
               for value in values)


@dataclass(frozen=True)
class InputClass:
    """One named class of input: what it is, in words, and whether a recorded call draws it."""

    name: str
    description: str
    drawn: Callable[[RecordedCall, str | None], bool]
    """``drawn(call, target)``: whether this call draws the class (``target`` as declared after the colon, or None)"""
    needs_target: bool = False


INPUT_CLASSES: dict[str, InputClass] = {
    item.name: item
    for item in (
        InputClass("integer dtype", "an integer array where the docstring allows one (integer division would truncate)",
                   lambda call, target: _any_array(call, target, _integer)),
        InputClass("non-symmetric matrix", "a square matrix that is not symmetric where the docstring allows one",
                   lambda call, target: _any_array(call, target, _non_symmetric)),
        InputClass("empty input", "an array with no entries (zero rows, an empty list) where allowed",
                   lambda call, target: _any_array(call, target, _empty)),
        InputClass("single row", "a 2-D input of one row (one example, one sequence) where allowed",
                   lambda call, target: _any_array(call, target, _single_row)),
        InputClass("edge of the legal range", "a value at the edge of its legal range, e.g. u close to 1: 'u -> 1'",
                   _edge, needs_target=True),
        InputClass("ties", "a row holding a value more than once, where a rule breaks ties (argmax, sorting, a maximum)",
                   lambda call, target: _any_array(call, target, _ties)),
        InputClass("on the boundary", "a quantity exactly 0 where the rule changes there (w.x = 0, a net input of 0)",
                   lambda call, target: _any_array(call, target, _zero, scalars=True)),
        InputClass("list input", "an argument given as a Python list of numbers where the docstring allows lists",
                   _list_input),
        InputClass("float32 input", "a float32 array where the docstring allows float32",
                   lambda call, target: _any_array(call, target, _float32)),
    )
}
"""The vocabulary of input classes. "default arguments" is not here: it is computed from the signature."""


def parse(declared: str) -> tuple[InputClass, str | None]:
    """The class and the target of one declared entry (``"ties: X @ w"``); raise :class:`InvalidDeclaration`."""
    if not isinstance(declared, str):
        raise InvalidDeclaration(f"an input class is a string such as 'integer dtype' or 'ties: X @ w', not {declared!r}")
    name, colon, target = declared.partition(":")
    name, target = name.strip(), target.strip()
    if name not in INPUT_CLASSES:
        known = ", ".join(repr(key) for key in INPUT_CLASSES)
        raise InvalidDeclaration(f"{name!r} is not an input class; they are {known} (default arguments are computed)")
    found = INPUT_CLASSES[name]
    if colon and not target:
        raise InvalidDeclaration(f"{declared!r}: after the colon, name a parameter or write an expression of them")
    if found.needs_target and not target:
        raise InvalidDeclaration(f"{declared!r} needs a target after a colon, e.g. 'edge of the legal range: u -> 1'")
    if name == "edge of the legal range":
        try:
            float(target.partition("->")[2])
        except ValueError:
            raise InvalidDeclaration(f"{declared!r}: write the edge as 'parameter -> value', e.g. 'u -> 1'") from None
    return found, target or None


def validate_input_classes(declared: Any, *, where: str) -> None:
    """Raise :class:`InvalidDeclaration` unless ``declared`` is None or a tuple of known classes, none twice."""
    if declared is None:
        return
    if not isinstance(declared, tuple):
        raise InvalidDeclaration(f"{where}: input_classes is a tuple of input classes, not {declared!r}")
    for entry in declared:
        try:
            parse(entry)
        except InvalidDeclaration as exc:
            raise InvalidDeclaration(f"{where}: input_classes: {exc}") from None
    if len(set(declared)) != len(declared):
        raise InvalidDeclaration(f"{where}: input_classes names a class twice")


def drawn(declared: str, calls: list[RecordedCall]) -> bool:
    """Whether at least one of ``calls`` draws the declared class."""
    found, target = parse(declared)
    return any(found.drawn(call, target) for call in calls)


def undrawn_defaults(function: Callable[..., Any], calls: list[RecordedCall]) -> list[str]:
    """The parameters of ``function`` with a default value that no call omits: their default is never tested."""
    return [name for name in default_parameters(function) if not any(name in call.omitted for call in calls)]
