"""Shared fixtures: where the repository's folders are, and loading their modules."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Callable

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
