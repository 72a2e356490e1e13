"""Shared fixtures: where the repository's folders are, loading their modules, and a function computing in float32."""

from __future__ import annotations

import contextlib
import types
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pytest

from grader.student_code import InProcessStudentCode

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions"

pytest_plugins = ["pytester"]


def load_module(folder: Path, topic: str) -> types.ModuleType:
    """A topic module from exercises/ or solutions/, loaded the way the grader loads it."""
    code = InProcessStudentCode(folder)
    return code._load(topic)


@pytest.fixture(scope="session")
def sandbox():
    """One sandbox (warm workers) for the whole test session."""
    from grader.sandbox import Sandbox

    with Sandbox() as shared:
        yield shared


@pytest.fixture
def solutions() -> Callable[[str], types.ModuleType]:
    """``solutions("perceptron")`` is the solution module of that topic."""
    return lambda topic: load_module(SOLUTIONS, topic)


def to_float32(value: Any, *, scalars: bool = True) -> Any:
    """``value`` with every float in it made float32: arrays, torch tensors and (with ``scalars``) Python and
    NumPy float scalars, which become ``np.float32``, inside tuples, lists and dicts too. Integers, booleans
    and text are left as they are."""
    if isinstance(value, dict):
        return {key: to_float32(item, scalars=scalars) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(to_float32(item, scalars=scalars) for item in value)
    if type(value).__module__.startswith("torch") and hasattr(value, "is_floating_point"):
        return value.float() if value.is_floating_point() else value
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(np.float32)
    if scalars and isinstance(value, (float, np.floating)):
        return np.float32(value)
    return value


def in_float32(function: Callable[..., Any], *, scalars: bool = True) -> Callable[..., Any]:
    """The function computing in float32: its float inputs cast to float32 before it sees them, its answers float32.

    ``scalars=False`` leaves float scalars as they are (a script's steps hold options such as a dropout
    rate that must stay Python floats): only arrays and tensors are cast.
    """

    def answer(*args: Any, **kwargs: Any) -> Any:
        args = to_float32(args, scalars=scalars)
        kwargs = to_float32(kwargs, scalars=scalars)
        return to_float32(function(*args, **kwargs), scalars=scalars)

    answer.__name__ = getattr(function, "__name__", "answer")
    return answer


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """torch and the BLAS libraries on one thread while the block runs, as in the sandbox's children.

    For long in-process sweeps under ``pytest -n auto``: each worker's torch would otherwise start a thread
    per core, and the workers' threads spinning against each other make every call several times slower.
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        try:
            from threadpoolctl import threadpool_limits  # sklearn's dependency, there wherever the tests run
        except ImportError:  # pragma: no cover
            yield
        else:
            with threadpool_limits(limits=1):
                yield
    finally:
        torch.set_num_threads(threads)
