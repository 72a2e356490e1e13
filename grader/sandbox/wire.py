"""The wire format between the grader and a sandboxed child: plain data, no pickle.

A message is one frame::

    b"NNG1" | header length (8 bytes, big endian) | header (UTF-8 JSON) | payload length (8 bytes) | payload

The header is JSON in which arrays are replaced by references into the
payload (``{"$a": [offset, dtype, shape]}``), tuples by ``{"$t": [...]}``,
dicts by ``{"$d": [[key, value], ...]}``, non-finite floats by
``{"$f": "nan"}`` and values the child could not convert by
``{"$x": [type name, reason]}``. The payload is the arrays' raw bytes.

Both sides import this file: the child to send what student code returned,
the grader to read it. The grader treats every frame as hostile — lengths,
dtypes, shapes, nesting and sizes are checked against :class:`WireLimits`
before anything is built, arrays are rebuilt with :func:`numpy.frombuffer`
from a whitelist of numeric dtypes, and nothing is ever unpickled, evaluated
or imported. This module depends on the standard library and NumPy only,
because it is loaded into the sandbox's worker before any grader code.
"""

from __future__ import annotations

import json
import math
import socket
import struct
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    import numpy as np

MAGIC = b"NNG1"
_LENGTH = struct.Struct(">Q")

ALLOWED_DTYPES = frozenset((
    "|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8", "<c8", "<c16",
))
"""The only array dtypes that cross the wire (little-endian, as ``dtype.str``): bool, the signed and unsigned
integers, float16/32/64, complex64/128. Written out so that reading this module does not import NumPy."""


class WireError(Exception):
    """A frame that breaks the format or a limit; the message says which."""


@dataclass(frozen=True)
class WireLimits:
    """What the grader accepts in one frame from a child."""

    max_bytes: int = 64 * 2**20
    """header and payload together"""
    max_header_bytes: int = 16 * 2**20
    max_depth: int = 40
    """levels of nesting; a child cuts what it sends at 32, the rest is the reply's own envelope"""
    max_items: int = 1_000_000
    """list items, dict entries and arrays, counted over the whole value"""
    max_string: int = 1_000_000
    """characters in any one string"""


MAX_REQUEST_BYTES = 160 * 2**20
"""The most one request from the grader may take on the wire: a child's sources and weights files (sent
as hex, twice their size: :data:`grader.submissions.limits.MAX_SUBMISSION_BYTES` of files fit), or a call's
inputs. The grader refuses a larger request with a message before sending it (:func:`encode` with
``max_frame_bytes``), and the worker and the child read requests with :data:`REQUEST_LIMITS`, which accept
anything under it: one limit on both sides, so no request the grader sends can kill its reader."""

REQUEST_LIMITS = WireLimits(
    max_bytes=MAX_REQUEST_BYTES,
    max_header_bytes=MAX_REQUEST_BYTES,
    max_items=4_000_000,
    max_string=MAX_REQUEST_BYTES,
)
"""How the worker and the child read the grader's requests (trusted, and checked against
:data:`MAX_REQUEST_BYTES` before they were sent)."""


class FrameTooLarge(ValueError):
    """A frame that would be larger than its reader accepts; the message gives both sizes."""


# -- writing ---------------------------------------------------------------------


class Unsendable(Exception):
    """A value that has no plain-data form."""


def _is_torch_tensor(value: Any) -> bool:
    kind = type(value)
    return (kind.__module__ or "").startswith("torch") and kind.__name__ in {"Tensor", "Parameter"}


class _Writer:
    def __init__(self, max_bytes: int, max_depth: int, max_items: int, max_string: int | None) -> None:
        self.buffers: list[bytes] = []
        self.size = 0
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.items_left = max_items
        self.max_string = max_string

    def array(self, value: np.ndarray) -> Any:
        if value.dtype.str not in ALLOWED_DTYPES:
            if value.dtype.kind in "biufc" and value.dtype.byteorder == ">":
                value = value.astype(value.dtype.newbyteorder("<"))
            else:
                return {"$x": ["ndarray", f"dtype {value.dtype} is not numeric"]}
        # nbytes of a strided view counts what it would take to send, not what it occupies.
        if value.nbytes > self.max_bytes - self.size:
            return {"$x": ["ndarray", f"{value.size} elements of {value.dtype} is more than the "
                                      f"{self.max_bytes // 2**20} MB a returned value may take"]}
        import numpy as np

        data = np.ascontiguousarray(value).tobytes()
        offset = self.size
        self.buffers.append(data)
        self.size += len(data)
        return {"$a": [offset, value.dtype.str, list(value.shape)]}

    def value(self, value: Any, depth: int = 0) -> Any:
        if depth > self.max_depth:
            return {"$x": ["nested structure", f"deeper than {self.max_depth} levels"]}
        kind = type(value)
        if kind is str and self.max_string is not None and len(value) > self.max_string:
            return {"$x": ["str", f"a string of {len(value)} characters is longer than the {self.max_string} "
                                  "characters a returned string may have"]}
        if value is None or kind is bool or kind is str:
            return value
        if kind is int:
            return value
        if kind is float:
            return value if math.isfinite(value) else {"$f": repr(value)}
        np = sys.modules.get("numpy")  # a value can hold NumPy's types only once NumPy is imported
        if np is not None:
            if isinstance(value, np.generic):
                if value.dtype.kind == "f" and value.dtype.itemsize <= 4:  # keeps float32's precision, as to_plain does
                    return self.array(np.asarray(value))
                if value.dtype.kind in "biuf":
                    return self.value(value.item(), depth + 1)
                if value.dtype.kind == "c":
                    return self.array(np.asarray(value))
                return {"$x": [kind.__name__, f"NumPy scalar of dtype {value.dtype}"]}
            if kind is np.ndarray:
                return self.array(value)
        if _is_torch_tensor(value):
            try:
                array = value.detach().cpu().resolve_conj().resolve_neg().numpy()
            except Exception as exc:  # a tensor that will not convert is still the student's value
                return {"$x": ["torch.Tensor", f"could not be converted: {exc}"]}
            return self.array(array)
        if kind is list or kind is tuple or kind is dict:
            self.items_left -= len(value)
            if self.items_left < 0:
                return {"$x": [kind.__name__, "it holds more items than a returned value may"]}
        if kind is list or kind is tuple:
            items = [self.value(item, depth + 1) for item in value]
            return items if kind is list else {"$t": items}
        if kind is dict:
            if not all(type(key) is str for key in value):
                return {"$x": ["dict", "keys must be strings"]}
            return {"$d": [[key, self.value(item, depth + 1)] for key, item in value.items()]}
        # Subclasses of list, dict, ndarray and the like are refused too: their
        # methods are the student's code.
        return {"$x": [kind.__name__, "not a number, string, array, list, tuple or dict"]}


def encode(
    value: Any,
    *,
    max_bytes: int = WireLimits.max_bytes,
    max_depth: int = 32,
    max_items: int = WireLimits.max_items // 2,
    max_string: int | None = None,
    max_frame_bytes: int | None = None,
) -> bytes:
    """One frame holding ``value``.

    Values with no plain-data form become ``$x`` markers, so the receiver
    learns what was returned and why it was refused; so do strings longer
    than ``max_string``. A frame larger than ``max_frame_bytes`` is not made:
    :class:`FrameTooLarge` says by how much, before anything is sent.
    """
    writer = _Writer(max_bytes, max_depth, max_items, max_string)
    header = json.dumps(writer.value(value), allow_nan=False, separators=(",", ":")).encode()
    payload = b"".join(writer.buffers)
    size = len(MAGIC) + 2 * _LENGTH.size + len(header) + len(payload)
    if max_frame_bytes is not None and size > max_frame_bytes:
        raise FrameTooLarge(
            f"the message is {size / 2**20:.1f} MB, more than the {max_frame_bytes / 2**20:.0f} MB its reader accepts"
        )
    return b"".join((MAGIC, _LENGTH.pack(len(header)), header, _LENGTH.pack(len(payload)), payload))


# -- reading ---------------------------------------------------------------------


_MAX_DIMENSION = 2**40
"""the largest size of one array dimension read (an empty array could otherwise claim any)"""


def _reject_constant(name: str) -> Any:
    raise WireError(f"the frame uses the JSON constant {name}")


class _Reader:
    def __init__(self, payload: memoryview, limits: WireLimits, unconvertible: Callable[[str, str], Any]) -> None:
        self.payload = payload
        self.limits = limits
        self.items = 0
        self.unconvertible = unconvertible

    def count(self, n: int = 1) -> None:
        self.items += n
        if self.items > self.limits.max_items:
            raise WireError(f"the value has more than {self.limits.max_items} items")

    def array(self, spec: Any) -> np.ndarray:
        if not (isinstance(spec, list) and len(spec) == 3):
            raise WireError("an array reference is malformed")
        offset, dtype_name, shape = spec
        if dtype_name not in ALLOWED_DTYPES:
            raise WireError(f"an array has the dtype {dtype_name!r}, which is not a numeric dtype")
        if (
            type(offset) is not int
            or not isinstance(shape, list)
            or len(shape) > self.limits.max_depth
            or not all(type(n) is int and 0 <= n <= _MAX_DIMENSION for n in shape)
        ):
            raise WireError("an array's offset or shape is malformed")
        import numpy as np

        dtype = np.dtype(dtype_name)
        count = math.prod(shape)
        nbytes = count * dtype.itemsize
        if offset < 0 or offset + nbytes > len(self.payload):
            raise WireError("an array points outside the frame")
        try:
            array = np.frombuffer(self.payload[offset: offset + nbytes], dtype=dtype, count=count)
            return array.reshape(shape).copy()
        except (ValueError, OverflowError, MemoryError) as exc:  # an empty array with absurd sizes, say
            raise WireError(f"an array cannot be rebuilt ({str(exc)[:200]})") from None

    def value(self, node: Any, depth: int = 0) -> Any:
        if depth > self.limits.max_depth:
            raise WireError(f"the value is nested deeper than {self.limits.max_depth} levels")
        self.count()
        kind = type(node)
        if node is None or kind is bool or kind is int:
            return node
        if kind is float:
            return node
        if kind is str:
            if len(node) > self.limits.max_string:
                raise WireError(f"a string is longer than {self.limits.max_string} characters")
            return node
        if kind is list:
            return [self.value(item, depth + 1) for item in node]
        if kind is dict and len(node) == 1:
            (tag, body), = node.items()
            if tag == "$a":
                return self.array(body)
            if tag == "$t" and type(body) is list:
                return tuple(self.value(item, depth + 1) for item in body)
            if tag == "$d" and type(body) is list:
                out = {}
                for entry in body:
                    if not (type(entry) is list and len(entry) == 2 and type(entry[0]) is str):
                        raise WireError("a dict entry is malformed")
                    out[entry[0]] = self.value(entry[1], depth + 1)
                return out
            if tag == "$f" and body in ("nan", "inf", "-inf"):
                return float(body)
            if tag == "$x" and type(body) is list and len(body) == 2 and all(type(s) is str for s in body):
                return self.unconvertible(body[0][:200], body[1][:500])
        raise WireError(f"the frame holds a value the format does not allow ({kind.__name__})")


def decode(
    frame: bytes | memoryview,
    *,
    limits: WireLimits = REQUEST_LIMITS,
    unconvertible: Callable[[str, str], Any] = lambda kind, reason: (kind, reason),
) -> Any:
    """The value in one frame, checked against ``limits``; raises :class:`WireError`.

    The default limits are a request's (the worker and the child reading the
    grader); the grader reads a child's replies with the session's own, far
    smaller :class:`WireLimits`.
    """
    view = memoryview(frame)
    if len(view) < 20 or bytes(view[:4]) != MAGIC:
        raise WireError("the frame does not start with the format's marker")
    (header_length,) = _LENGTH.unpack(view[4:12])
    if header_length > limits.max_header_bytes or 12 + header_length + 8 > len(view):
        raise WireError("the frame's header length is out of bounds")
    header = view[12: 12 + header_length]
    (payload_length,) = _LENGTH.unpack(view[12 + header_length: 20 + header_length])
    if 20 + header_length + payload_length != len(view):
        raise WireError("the frame's payload length does not match its size")
    payload = view[20 + header_length:]
    try:
        tree = json.loads(bytes(header).decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"the frame's header is not valid JSON: {str(exc)[:200]}") from None
    try:
        return _Reader(payload, limits, unconvertible).value(tree)
    except RecursionError:
        raise WireError("the value is nested too deeply") from None


# -- streams -----------------------------------------------------------------------


def send(sock: socket.socket, frame: bytes) -> None:
    """Write one frame, preceded by its total length."""
    sock.sendall(_LENGTH.pack(len(frame)) + frame)


class FrameReader:
    """Reads frames written by :func:`send` from a socket, buffering what arrives early."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def _read_exactly(self, n: int) -> bytes | None:
        while len(self.buffer) < n:
            chunk = self.sock.recv(max(n - len(self.buffer), 1 << 16))
            if not chunk:
                return None
            self.buffer += chunk
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    def receive(self, *, max_bytes: int) -> bytes | None:
        """One frame; ``None`` at end of stream; :class:`WireError` when it announces more than ``max_bytes``."""
        prefix = self._read_exactly(_LENGTH.size)
        if prefix is None:
            return None
        (length,) = _LENGTH.unpack(prefix)
        if length > max_bytes + 64:
            raise WireError(f"a frame of {length} bytes is larger than the limit of {max_bytes} bytes")
        return self._read_exactly(length)


def receive(sock: socket.socket, *, max_bytes: int) -> bytes | None:
    """Read one frame written by :func:`send` (unbuffered: for a socket read by nobody else)."""
    prefix = _recv_exactly(sock, _LENGTH.size)
    if prefix is None:
        return None
    (length,) = _LENGTH.unpack(prefix)
    if length > max_bytes + 64:
        raise WireError(f"a frame of {length} bytes is larger than the limit of {max_bytes} bytes")
    return _recv_exactly(sock, length)


def _recv_exactly(sock: socket.socket, n: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = sock.recv(min(n - len(chunks), 1 << 20))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)
