"""The one comparison helper every check uses.

:func:`compare` takes what the student returned (plain data: an array, a list,
a scalar; torch tensors are converted before they get here) and the expected
value, and answers with a :class:`Comparison`: whether they agree and, if not,
a message that says how. Messages report the shape, the dtype, and the largest
absolute and relative error with the index where it occurs; for hidden checks
(``reveal=False``) they say what is wrong without printing expected values.

Tolerances depend on the precision of the student's answer: float32 answers
(arrays, tensors, ``np.float32`` scalars, 0-d arrays, lists of float32 values)
are held to single-precision tolerances, everything else to double. A check
that computes a quantity of its own from a student's answer (a row sum, a
product with a matrix of the grader's) judges it at the precision of that
answer, not at float64's: :func:`tolerances_of` and :func:`entry_tolerance`
give the tolerances, so a float32 answer is never cast to float64 and then
held to float64's tolerance. Precision
below float32 never loosens them: a float16 answer is judged at float32
tolerance (its own rounding is about 5e-4, so it rarely passes, and a failed
float16 answer is told to compute in float32 or float64), so a student cannot
buy slack by choosing a lower precision. A NaN in the answer never passes. Integer and boolean expected values must be
matched exactly (an integer-valued float such as ``-1.0`` matches ``-1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.plain_data import Unconvertible, to_plain

#: (rtol, atol) by the precision of the student's answer. There is deliberately no entry looser
#: than float32: the exercise fixes the tolerance, not the precision the student picks.
TOLERANCES: dict[str, tuple[float, float]] = {
    "float64": (1e-7, 1e-9),
    "float32": (1e-4, 1e-6),
}

_BELOW_FLOAT32 = (
    "  the answer is {dtype}: answers below float32 precision are judged at float32 tolerance, "
    "never a looser one; compute in float32 or float64"
)


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing one answer with its expected value."""

    ok: bool
    message: str


def tolerances_for(dtype: np.dtype) -> tuple[float, float]:
    """The (rtol, atol) pair for an answer of this dtype: float32's for float32 and anything narrower."""
    if dtype.kind == "f" and dtype.itemsize <= 4:
        return TOLERANCES["float32"]
    return TOLERANCES["float64"]


def precision(*answers: Any) -> np.dtype:
    """The precision of the student's answers: float32 when any float among them is float32 or narrower, else float64.

    Each answer is plain data (arrays, scalars, and lists, tuples and dicts of
    them, torch tensors converted): an answer of integers or booleans only is
    exact, and judged at float64's precision.
    """
    narrow = np.dtype(np.float32)
    for answer in answers:
        if isinstance(answer, dict):
            answer = list(answer.values())
        if isinstance(answer, (list, tuple)):
            if any(precision(item) == narrow for item in answer):
                return narrow
            continue
        dtype = getattr(answer, "dtype", None)
        if dtype is not None and dtype.kind == "f" and dtype.itemsize <= 4:
            return narrow
    return np.dtype(np.float64)


def tolerances_of(*answers: Any) -> dict[str, float]:
    """``rtol`` and ``atol`` for a quantity a check derives from these student answers: their precision's.

    For ``t.expect_close(derived, expected, **tolerances_of(answer))``: a row
    sum of a float32 answer is judged at float32's tolerance, as the answer is.
    """
    rtol, atol = tolerances_for(precision(*answers))
    return {"rtol": rtol, "atol": atol}


def entry_tolerance(answer: Any) -> np.ndarray:
    """How far each entry of a student's answer may be from the right value and still match: ``atol + rtol |x|``.

    At the answer's own precision. A quantity a check computes from the answer
    inherits these: a product ``E @ answer`` may be off by ``|E| @ entry_tolerance(answer)``.
    """
    rtol, atol = tolerances_for(precision(answer))
    return atol + rtol * np.abs(np.asarray(answer, dtype=np.float64))


def _describe_type(value: Any) -> str:
    if isinstance(value, Unconvertible):
        return value.describe()
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a {type(value).__name__} ({value!r})"


_LAZY_HINT = (
    "  hint: a {kind} is a recipe for values that are made only when something loops over it, not the "
    "values themselves; return a list or an array instead, e.g. list(...) or np.array(list(...))"
)
_TYPE_HINTS = {
    "generator": _LAZY_HINT.format(kind="generator (a `yield` or a `(... for ...)` expression)"),
    "map": _LAZY_HINT.format(kind="map"),
    "filter": _LAZY_HINT.format(kind="filter"),
    "zip": _LAZY_HINT.format(kind="zip"),
    "range": _LAZY_HINT.format(kind="range"),
    "set": "  hint: a set has no order and drops repeated values; return a list or an array instead",
    "frozenset": "  hint: a set has no order and drops repeated values; return a list or an array instead",
    "dict_keys": "  hint: .keys() gives a view of a dict, not a list; return list(d.keys()) instead",
    "dict_values": "  hint: .values() gives a view of a dict, not a list; return list(d.values()) instead",
    "dict_items": "  hint: .items() gives a view of a dict, not a list; return list(d.items()) instead",
}
_NONE_HINT = (
    "  hint: None is what a function gives back when it ends without a `return` (or with a bare `return`); "
    "did you forget to return the result, or return the result of a function that changes its "
    "argument in place (such as list.append or list.sort)?"
)
_OTHER_HINT = "  hint: the answer should be numbers: a number, a list or tuple of numbers, or a NumPy array"
_FLOAT32_HINT = (
    "  hint: the answer is right to the precision of float32 (about 7 significant digits), not float64's: somewhere your code "
    "computes in float32 (np.float32 arrays, a dtype='float32', or torch's default dtype) and the answer "
    "was turned back into float64; compute in float64 throughout, or return the float32 result as it is"
)


def type_hint(value: Any) -> str:
    """A hint, in a student's words, for an answer that is not numbers at all ("" when none fits)."""
    if value is None:
        return _NONE_HINT
    if isinstance(value, Unconvertible):
        return _TYPE_HINTS.get(value.type_name, _OTHER_HINT)
    if isinstance(value, (str, dict)):
        return _OTHER_HINT
    return ""


def _with_hint(message: str, value: Any) -> str:
    hint = type_hint(value)
    return f"{message}\n{hint}" if hint else message


def _as_numeric_array(value: Any) -> np.ndarray | None:
    if isinstance(value, Unconvertible) or value is None or isinstance(value, (str, dict)):
        return None
    if isinstance(value, (list, tuple)):
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):
            return None
    else:
        array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        return None
    return array


def _is_structured(expected: Any) -> bool:
    """A list or tuple whose items are compared one by one (ragged layers)."""
    if not isinstance(expected, (list, tuple)):
        return False
    return any(isinstance(item, (np.ndarray, list, tuple, dict)) for item in expected)


def _holds_text(value: Any) -> bool:
    """A list or tuple with a string or None among its items: matched item by item, never as an array."""
    return isinstance(value, (list, tuple)) and any(item is None or isinstance(item, str) for item in value)


def _scalar(value: np.ndarray) -> str:
    """A 0-d array as the student would write it: True/False for booleans."""
    if value.dtype.kind == "b":
        return str(bool(value))
    return f"{float(value):.6g}"


def _format_index(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]" if index else "(scalar)"


RETURN_TYPES: dict[str, str] = {
    "floats": "floats (0.0 and 1.0, not True and False or integers)",
    "int": "an int (such as 3, not 3.0 or True)",
    "ints": "integers (an integer array or a list of ints, not floats or booleans)",
    "bool": "a bool (True or False, not 1 or 0)",
}
"""The return types a docstring can fix, and how a message names each."""


def _numbers_of(value: Any) -> list[np.ndarray] | None:
    """Every number of a plain value as arrays (Python scalars as 0-d arrays); None when it holds something else."""
    if isinstance(value, (bool, int, float)):
        return [np.asarray(value)]
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (list, tuple)):
        parts = [_numbers_of(item) for item in value]
        return None if any(part is None for part in parts) else [array for part in parts for array in part]  # type: ignore[union-attr]
    return None


def return_type_problem(got: Any, returns: Any, *, name: str) -> str | None:
    """What is wrong with the type of ``got`` when the docstring fixes it to ``returns`` (None: nothing).

    ``returns`` is a key of :data:`RETURN_TYPES`, or a tuple of them (or None, not fixed) for an answer that
    is a tuple: each part is judged by its own. ``got`` is plain data. An answer that is not numbers at all
    is left to the value comparison, whose message says so.
    """
    if returns is None:
        return None
    if isinstance(returns, tuple):
        if not isinstance(got, (list, tuple)) or len(got) != len(returns):
            return None
        for index, (item, kind) in enumerate(zip(got, returns)):
            problem = return_type_problem(item, kind, name=f"{name}[{index}]")
            if problem:
                return problem
        return None
    if returns not in RETURN_TYPES:
        raise ValueError(f"{returns!r} is not a return type; they are {', '.join(RETURN_TYPES)}")
    arrays = _numbers_of(got)
    if arrays is None:
        return None
    kinds = {array.dtype.kind for array in arrays if array.size or isinstance(got, np.ndarray)}
    shown = f"{type(got).__name__} {got!r}" if isinstance(got, (bool, int, float)) else _describe_type(got) if not isinstance(got, (list, tuple)) else (
        f"a {type(got).__name__} of {', '.join(sorted({_KIND_NAMES.get(kind, kind) for kind in kinds})) or 'nothing'}")
    wanted = RETURN_TYPES[returns]
    if returns == "int":
        ok = isinstance(got, int) and not isinstance(got, bool) or (
            isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype.kind in "iu")
    elif returns == "bool":
        ok = isinstance(got, bool) or isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype.kind == "b"
    elif returns == "ints":
        ok = kinds <= {"i", "u"}
    else:
        ok = kinds <= {"f"}
    if ok:
        return None
    if returns == "floats" and "b" in kinds:
        advice = "the docstring asks for the numbers 0.0 and 1.0: turn a boolean array into floats before returning it"
    elif returns in ("int", "ints") and "f" in kinds:
        advice = "an index or a count is an integer: a float that looks whole (2.0) is not one; return int(...) or an integer array"
    elif returns in ("int", "ints") and "b" in kinds:
        advice = "True and False are not indices or counts: return the integer itself"
    elif returns == "bool":
        advice = "the docstring asks for True or False: return bool(...) of the condition, not a number or an array"
    else:
        advice = "return the type the docstring states"
    return f"'{name}' should be {wanted}--got: {shown}\n  hint: {advice}"


_KIND_NAMES = {"b": "booleans", "i": "integers", "u": "integers", "f": "floats", "c": "complex numbers"}


def compare(
    got: Any,
    expected: Any,
    *,
    name: str = "the answer",
    rtol: float | None = None,
    atol: float | None = None,
    reveal: bool = True,
    returns: Any = None,
) -> Comparison:
    """Compare an answer with its expected value.

    ``name`` is how the answer is called in the message, for example
    ``"predict(w, X)"``. ``rtol``/``atol`` override the dtype's tolerances;
    any override is explicit at the call site. ``reveal=False`` keeps expected
    values and error sizes out of the message (hidden checks). ``returns``
    is the return type the docstring fixes (a key of :data:`RETURN_TYPES`, or
    a tuple of them and None for the parts of a tuple answer): an answer of
    another type is wrong whatever its values, with a message that says so
    (booleans where 0.0/1.0 floats are asked match them in value, and a float
    2.0 matches the index 2).
    """
    got = to_plain(got)
    problem = return_type_problem(got, returns, name=name)
    if problem:
        return Comparison(False, problem)
    if isinstance(expected, dict):
        return _compare_dict(got, expected, name=name, rtol=rtol, atol=atol, reveal=reveal)
    if _is_structured(expected):
        return _compare_sequence(got, expected, name=name, rtol=rtol, atol=atol, reveal=reveal)
    if isinstance(expected, str):
        if got == expected:
            return Comparison(True, f"'{name}' looks good")
        shown = f", expected: {expected!r}" if reveal else ""
        return Comparison(False, f"'{name}' is wrong--got: {_describe_type(got)}{shown}")
    return _compare_numeric(got, expected, name=name, rtol=rtol, atol=atol, reveal=reveal)


def _compare_dict(got: Any, expected: dict, *, name: str, **options: Any) -> Comparison:
    if not isinstance(got, dict):
        return Comparison(
            False, _with_hint(f"'{name}' should be a dict with keys {sorted(expected)}--got: {_describe_type(got)}", got)
        )
    missing = sorted(set(expected) - set(got))
    if missing:
        return Comparison(False, f"'{name}' is missing the keys {missing}")
    for key in expected:
        result = compare(got[key], expected[key], name=f"{name}[{key!r}]", **options)
        if not result.ok:
            return result
    return Comparison(True, f"'{name}' looks good")


def _compare_sequence(got: Any, expected: list | tuple, *, name: str, **options: Any) -> Comparison:
    if not isinstance(got, (list, tuple)):
        return Comparison(
            False,
            _with_hint(
                f"'{name}' should be a {type(expected).__name__} of {len(expected)} items--got: {_describe_type(got)}", got
            ),
        )
    if len(got) != len(expected):
        return Comparison(False, f"'{name}' does not have the correct length--got: {len(got)}, expected: {len(expected)}")
    for i, (item, want) in enumerate(zip(got, expected)):
        result = compare(item, want, name=f"{name}[{i}]", **options)
        if not result.ok:
            return result
    return Comparison(True, f"'{name}' looks good")


def _compare_numeric(
    got: Any, expected: Any, *, name: str, rtol: float | None, atol: float | None, reveal: bool
) -> Comparison:
    want = np.asarray(expected)
    if want.dtype.kind not in "biuf":
        raise TypeError(f"expected value for {name!r} is not numeric: {want.dtype}")
    have = _as_numeric_array(got)
    if have is None:
        return Comparison(False, _with_hint(f"'{name}' should be numeric--got: {_describe_type(got)}", got))
    if have.shape != want.shape:
        shown = f", expected: {want.shape}" if reveal else ""
        return Comparison(False, f"'{name}' does not have correct shape--got: {have.shape}{shown}")
    if have.size == 0:
        return Comparison(True, f"'{name}' looks good")

    exact = want.dtype.kind in "biu"
    if have.dtype.kind == "f" and np.isnan(have).any():
        where = _format_index(tuple(int(i) for i in np.argwhere(np.isnan(have))[0]))
        return Comparison(False, f"'{name}' contains NaN (first at {where}); NaN never matches")
    have64 = have.astype(np.float64)
    want64 = want.astype(np.float64)
    if np.isnan(want64).any():
        raise ValueError(f"expected value for {name!r} contains NaN: the reference is broken")

    if exact:
        close = have64 == want64
    else:
        default_rtol, default_atol = tolerances_for(have.dtype)
        r = default_rtol if rtol is None else rtol
        a = default_atol if atol is None else atol
        finite = np.isfinite(want64) & np.isfinite(have64)
        with np.errstate(invalid="ignore"):
            close = finite & (np.abs(have64 - want64) <= a + r * np.abs(want64))
        # An infinity matches only an infinity of the same sign.
        close |= np.isinf(want64) & (have64 == want64)
    if close.all():
        return Comparison(True, f"'{name}' looks good")

    wrong = int((~close).sum())
    narrow = "\n" + _BELOW_FLOAT32.format(dtype=have.dtype) if _below_float32(have.dtype) and not exact else ""
    float32_loss = (
        reveal and not exact and not narrow and rtol is None and atol is None
        and _float32_would_pass(have64, want64, have.dtype)
    )
    if float32_loss:
        narrow = "\n" + _FLOAT32_HINT
    if not reveal:
        return Comparison(
            False, f"'{name}' is not correct: {wrong} of {have.size} entries differ from the expected values{narrow}"
        )
    if have.ndim == 0:
        if float32_loss or _scalar(have) == _scalar(want):  # six digits would show the same number twice
            return Comparison(False, f"'{name}' is not correct--got: {float(have):.10g}, expected: {float(want):.10g}{narrow}")
        return Comparison(False, f"'{name}' is not correct--got: {_scalar(have)}, expected: {_scalar(want)}{narrow}")
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        abs_err = np.abs(have64 - want64)
        abs_err = np.where(np.isnan(abs_err), np.inf, abs_err)
        # Relative error is only defined where the expected value is not 0.
        rel_err = np.where(want64 != 0, abs_err / np.abs(want64), -1.0)
    i_abs = np.unravel_index(int(np.argmax(abs_err)), have.shape)
    at = _format_index(tuple(int(i) for i in i_abs))
    lines = [
        f"'{name}' is not correct: {wrong} of {have.size} entries differ (shape {have.shape}, dtype {have.dtype})",
        f"  largest absolute error {abs_err[i_abs]:.3g} at {at}: got {_differing(have64[i_abs], want64[i_abs])}",
    ]
    if (rel_err > 0).any():
        i_rel = np.unravel_index(int(np.argmax(rel_err)), have.shape)
        lines.append(f"  largest relative error {rel_err[i_rel]:.3g} at {_format_index(tuple(int(i) for i in i_rel))}")
    if narrow:
        lines.append(narrow[1:])
    return Comparison(False, "\n".join(lines))


def _differing(got: float, expected: float) -> str:
    """"got X, expected Y" with enough digits for X and Y to read differently (six when they do)."""
    for digits in (6, 10, 17):
        shown = f"{got:.{digits}g}", f"{expected:.{digits}g}"
        if shown[0] != shown[1]:
            break
    return f"{shown[0]}, expected {shown[1]}"


def _float32_would_pass(have64: np.ndarray, want64: np.ndarray, dtype: np.dtype) -> bool:
    """Whether a float64 answer lost only float32's precision: at float32 tolerance it would pass.

    The answer's values rounded to float32 and recomputed in float64 are held to float32's
    tolerance; an answer judged as float64 that passes there went through float32 on its way.
    """
    if dtype != np.float64:
        return False
    finite = np.isfinite(want64) & np.isfinite(have64)
    if not finite.all():
        return False
    rtol, atol = TOLERANCES["float32"]
    recomputed = have64.astype(np.float32).astype(np.float64)
    return bool(np.all(np.abs(recomputed - want64) <= atol + rtol * np.abs(want64)))


def _below_float32(dtype: np.dtype) -> bool:
    return dtype.kind == "f" and dtype.itemsize < 4


def values_match(got: Any, other: Any) -> bool:
    """Whether two plain values agree within the tolerances of :func:`compare`.

    Used by diagnosis to match an answer against a known mistake's answer, so
    unlike :func:`compare` a NaN here matches a NaN in the same place.
    """
    got, other = to_plain(got), to_plain(other)
    if got is None or other is None:
        return got is None and other is None
    if isinstance(other, dict):
        return (
            isinstance(got, dict)
            and set(got) == set(other)
            and all(values_match(got[key], other[key]) for key in other)
        )
    if _is_structured(other) or _is_structured(got) or _holds_text(other) or _holds_text(got):
        return (
            isinstance(got, (list, tuple))
            and isinstance(other, (list, tuple))
            and len(got) == len(other)
            and all(values_match(a, b) for a, b in zip(got, other))
        )
    if isinstance(other, str) or isinstance(got, str):
        return got == other
    have, want = _as_numeric_array(got), _as_numeric_array(other)
    if have is None or want is None or have.shape != want.shape:
        return False
    rtol, atol = tolerances_for(have.dtype)
    return bool(np.allclose(have.astype(np.float64), want.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True))
