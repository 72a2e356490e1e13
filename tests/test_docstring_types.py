"""Docstrings say the answer types the grader accepts: float32 where float32 is accepted, never "float64" alone.

The grader judges a float32 answer at float32's tolerances (``grader.compare``)
and converts lists and torch tensors to arrays before comparing, so a
docstring that asks for "NumPy arrays (float64)" or tells the student to
"compute in float64" misstates the contract of every exercise that takes
float32 (``Exercise.float32``). These tests read the module docstrings of the
stubs students get and of the solutions.
"""

from __future__ import annotations

import ast
import re

import pytest

from grader import load_registry

from conftest import EXERCISES, SOLUTIONS

REGISTRY = load_registry()
TOPICS = sorted({exercise.topic for exercise in REGISTRY if exercise.float32 and exercise.student.kind != "weights"})


def _module_docstring(folder, topic: str) -> str:
    path = folder / f"{topic}.py"
    return ast.get_docstring(ast.parse(path.read_text())) or "" if path.exists() else ""


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in re.split(r"(?<=[.;])\s+", " ".join(text.split())) if sentence]


def float64_only(text: str) -> list[str]:
    """The sentences about answers or comparisons that name float64 and not float32."""
    return [
        sentence for sentence in _sentences(text)
        if "float64" in sentence and "float32" not in sentence and re.search(r"[Rr]eturn|compar|compute in", sentence)
        and not re.search(r"[Ii]nputs? (are|is)|takes?\b", sentence.split("eturn")[0] if "eturn" in sentence else "")
    ]


@pytest.mark.parametrize("topic", TOPICS)
def test_a_topic_that_takes_float32_says_so_and_never_asks_for_float64_alone(topic):
    for folder in (EXERCISES, SOLUTIONS):
        text = _module_docstring(folder, topic)
        assert "float32" in text, f"{folder.name}/{topic}.py: its exercises take float32 answers, but its docstring never says so"
        assert not float64_only(text), (
            f"{folder.name}/{topic}.py asks for float64 where float32 answers are accepted (at float32 tolerances): "
            f"{float64_only(text)}"
        )
        assert not re.search(r"NumPy arrays \(float64\)|compute in float64|double-precision tolerances", text), (
            f"{folder.name}/{topic}.py says answers must be float64; the grader accepts float32 at float32 tolerances"
        )


def test_the_rule_finds_a_docstring_that_asks_for_float64_alone():
    assert float64_only("Functions return NumPy arrays (float64) and never modify their inputs.")
    assert float64_only("The checks compare with double-precision tolerances (relative 1e-7), so compute in float64.")
    assert not float64_only("Return NumPy arrays (float64, or float32 compared with float32 tolerances).")
    assert not float64_only("Inputs are NumPy arrays of probabilities (float64; p and q of the same shape).")
