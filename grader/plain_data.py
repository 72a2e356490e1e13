"""Plain data: the only values that cross between student code and the grader.

Plain data is ``None``, ``bool``, ``int``, ``float``, ``str``, NumPy arrays of
a numeric or boolean dtype, and lists, tuples and string-keyed dicts of those.
Student return values are converted to plain data (:func:`to_plain`) before
any check looks at them; anything that cannot be converted becomes an
:class:`Unconvertible` marker that checks report as a wrong type.

Plain data has a canonical JSON form (:func:`encode`, :func:`decode`) used by
recorded check data, and a digest (:func:`digest`) used to key reference values
by their inputs. Nothing here ever unpickles or evaluates anything.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

_MAX_DEPTH = 32


@dataclass(frozen=True)
class Unconvertible:
    """Stands in for a returned value that is not plain data."""

    type_name: str
    reason: str

    def describe(self) -> str:
        return f"a {self.type_name} ({self.reason})"


def _is_torch_tensor(value: Any) -> bool:
    module = type(value).__module__ or ""
    return module.startswith("torch") and type(value).__name__ in {"Tensor", "Parameter"}


def to_plain(value: Any, _depth: int = 0) -> Any:
    """Convert a value returned by student code to plain data.

    torch tensors become NumPy arrays (detached, on the CPU), NumPy scalars
    become Python scalars -- except float32 (and narrower) ones, which become
    0-d arrays, so the answer keeps its precision --, arrays are copied so
    later mutation by the student cannot change what the grader saw.
    """
    if _depth > _MAX_DEPTH:
        return Unconvertible("nested structure", f"deeper than {_MAX_DEPTH} levels")
    if value is None or isinstance(value, (bool, str, Unconvertible)):
        return value  # an Unconvertible (from the sandbox) keeps the type the student returned
    if isinstance(value, (int, float)) and type(value) in (int, float):
        return value
    if isinstance(value, np.generic):
        if value.dtype.kind == "f" and value.dtype.itemsize <= 4:
            return np.array(value)  # a 0-d array keeps float32's precision, and so float32's tolerance
        if value.dtype.kind in "biufc":
            return value.item()
        return Unconvertible(type(value).__name__, f"NumPy scalar of dtype {value.dtype}")
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufc":
            return Unconvertible("ndarray", f"dtype {value.dtype} is not numeric")
        return np.array(value, copy=True)
    if _is_torch_tensor(value):
        try:
            array = value.detach().cpu().numpy()
        except Exception as exc:  # a tensor that will not convert is still the student's value
            return Unconvertible("torch.Tensor", f"could not be converted: {exc}")
        return to_plain(array, _depth + 1)
    if isinstance(value, (list, tuple)):
        items = [to_plain(item, _depth + 1) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            return Unconvertible("dict", "keys must be strings")
        return {key: to_plain(item, _depth + 1) for key, item in value.items()}
    return Unconvertible(type(value).__name__, "not a number, array, list, tuple or dict")


def find_unconvertible(value: Any) -> Unconvertible | None:
    """The first :class:`Unconvertible` inside a plain value, if any."""
    if isinstance(value, Unconvertible):
        return value
    if isinstance(value, (list, tuple)):
        for item in value:
            found = find_unconvertible(item)
            if found is not None:
                return found
    if isinstance(value, dict):
        for item in value.values():
            found = find_unconvertible(item)
            if found is not None:
                return found
    return None


def _float_to_json(x: float) -> Any:
    if math.isnan(x):
        return {"float": "nan"}
    if math.isinf(x):
        return {"float": "inf" if x > 0 else "-inf"}
    return x


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _float_to_json(value)
    if isinstance(value, np.generic):
        return _encode(value.item())
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"cannot encode an array of dtype {value.dtype}")
        flat = [_encode(x) for x in value.ravel().tolist()]
        return {"ndarray": {"dtype": value.dtype.str, "shape": list(value.shape), "data": flat}}
    if isinstance(value, tuple):
        return {"tuple": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {"dict": {key: _encode(item) for key, item in value.items()}}
    raise TypeError(f"cannot encode a {type(value).__name__} as plain data")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if "float" in value:
            return float(value["float"])
        if "tuple" in value:
            return tuple(_decode(item) for item in value["tuple"])
        if "dict" in value:
            return {key: _decode(item) for key, item in value["dict"].items()}
        if "ndarray" in value:
            spec = value["ndarray"]
            dtype = np.dtype(spec["dtype"])
            if dtype.kind not in "biuf":
                raise ValueError(f"recorded array has a non-numeric dtype {dtype}")
            data = [_decode(x) for x in spec["data"]]
            return np.array(data, dtype=dtype).reshape(spec["shape"])
        raise ValueError(f"unknown plain-data object with keys {sorted(value)}")
    return value


def encode(value: Any) -> Any:
    """The JSON-ready form of a plain value (arrays keep dtype and shape)."""
    return _encode(value)


def decode(value: Any) -> Any:
    """Inverse of :func:`encode`."""
    return _decode(value)


def digest(value: Any) -> str:
    """A stable hash of a plain value: equal inputs give equal digests.

    Types, lengths, dict keys (sorted) and values are hashed as they are, and
    an array as its dtype, shape and raw bytes (C order), so digesting a large
    input costs one pass over its memory rather than a text form of every number.
    """
    hasher = hashlib.sha256()
    _feed(hasher, value)
    return hasher.hexdigest()[:24]


def _feed(hasher: Any, value: Any) -> None:
    """Write an unambiguous encoding of ``value`` into ``hasher`` (each item tagged, each length given)."""
    if value is None:
        hasher.update(b"N;")
    elif isinstance(value, bool):
        hasher.update(b"B1;" if value else b"B0;")
    elif isinstance(value, int):
        hasher.update(b"I%d;" % value)
    elif isinstance(value, float):
        hasher.update(b"F" + repr(value).encode() + b";")
    elif isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        hasher.update(b"S%d:" % len(data) + data)
    elif isinstance(value, np.generic):
        _feed(hasher, value.item())
    elif isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"cannot encode an array of dtype {value.dtype}")
        hasher.update(b"A" + value.dtype.str.encode() + repr(tuple(value.shape)).encode() + b":")
        hasher.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, (tuple, list)):
        hasher.update(b"%s%d:" % (b"T" if isinstance(value, tuple) else b"L", len(value)))
        for item in value:
            _feed(hasher, item)
    elif isinstance(value, dict):
        hasher.update(b"D%d:" % len(value))
        for key in sorted(value):
            if not isinstance(key, str):
                raise TypeError(f"cannot encode a dict key of type {type(key).__name__} as plain data")
            _feed(hasher, key)
            _feed(hasher, value[key])
    else:
        raise TypeError(f"cannot encode a {type(value).__name__} as plain data")
