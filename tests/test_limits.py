"""Every exercise's CPU limit comes from measurement, and its docstring states it.

``bench/bench_limits.py`` grades a deliberately slow but correct solution of
each exercise (plain Python loops, ``tests/loop_solutions/``) and the course's
solution through the sandbox, on the largest hidden input, and records each
one's costliest call in ``tests/limits_measured.json``. These tests read that
record (they time nothing): each exercise's effective limit is at least the
margin times what was measured, each stub says its limit in one sentence, and
where a loop solution's cost is worth seeing, the public checks pass an input
as large as the hidden ones, so a self-check shows it.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import json
import math
import re
import tomllib

import pytest

from grader import load_registry

from conftest import EXERCISES, ROOT
from loop_solutions import NO_LOOP_VERSION

REGISTRY = load_registry()
RECORD = json.loads((ROOT / "tests" / "limits_measured.json").read_text())
COURSE_CPU_SECONDS = float(tomllib.loads((ROOT / "course.toml").read_text())["sandbox"]["cpu_seconds"])
BUDGET = re.compile(r"Time budget: (\d+(?:\.\d+)?) s of CPU per call \((the course default|this exercise's own limit)\)\.")
MEASURE_AGAIN = "measure it: .venv/bin/python bench/bench_limits.py {}"

SHOWN_COST_SECONDS = 0.1
"""a loop solution whose costliest hidden call takes at least this long must meet an input as large in the public
checks (below it, a self-check would show nothing worth seeing: a twentieth of the course's limit)"""


@functools.lru_cache(maxsize=None)
def stub_docstrings(topic: str) -> dict[str, str]:
    """The docstring of each top-level function and class of a topic's stub, read without importing it (torch)."""
    tree = ast.parse((EXERCISES / f"{topic}.py").read_text(encoding="utf-8"))
    return {node.name: ast.get_docstring(node) or "" for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def effective(exercise) -> tuple[float, bool]:
    """The exercise's CPU limit per call, and whether it is the exercise's own (not the course's default)."""
    if "cpu_seconds" in exercise.limits:
        return float(exercise.limits["cpu_seconds"]), True
    return COURSE_CPU_SECONDS, False


def test_the_record_is_of_this_course():
    assert RECORD["course_default_cpu_seconds"] == COURSE_CPU_SECONDS
    assert RECORD["margin"] >= 3


@pytest.mark.parametrize("exercise", REGISTRY, ids=lambda e: e.id)
def test_the_limit_is_at_least_the_margin_times_the_measured_cost(exercise):
    row = RECORD["exercises"].get(exercise.id)
    assert row is not None, f"{exercise.id} has no measurement; " + MEASURE_AGAIN.format(exercise.id)
    limit, _ = effective(exercise)
    costs = {"the solution": row["solution"]["cpu_seconds"]}
    if row["loop"] is not None:
        assert row["loop"]["full_marks"], f"the loop solution of {exercise.id} lost points: {row['loop'].get('lost')}"
        costs["the loop solution"] = row["loop"]["cpu_seconds"]
    for who, cost in costs.items():
        needed = max(COURSE_CPU_SECONDS, math.ceil(RECORD["margin"] * cost - 1e-9))
        assert limit >= needed, (
            f"{exercise.id}: {who} takes {cost:.3f} s of CPU on its costliest call, so the limit must be at least "
            f"{needed:g} s ({RECORD['margin']:g} times it, in whole seconds), not {limit:g} s: declare "
            f"limits={{'cpu_seconds': {needed:g}}} in its catalog entry"
        )


@pytest.mark.parametrize("exercise", REGISTRY, ids=lambda e: e.id)
def test_a_loop_solution_was_measured_or_a_reason_says_why_none(exercise):
    """Either a loop solution in tests/loop_solutions/TOPIC.py, measured, or the reason it makes no sense in
    NO_LOOP_VERSION (tests/loop_solutions/__init__.py), never both; the record holds the reason in force."""
    row = RECORD["exercises"].get(exercise.id)
    assert row is not None, f"{exercise.id} has no measurement; " + MEASURE_AGAIN.format(exercise.id)
    reason = next((text for pattern, text in NO_LOOP_VERSION.items() if fnmatch.fnmatchcase(exercise.id, pattern)), "")
    if row["loop"] is not None:
        assert not reason, f"{exercise.id} has a loop solution and a reason for having none"
    else:
        assert reason, (
            f"{exercise.id} has no loop solution: write one in tests/loop_solutions/{exercise.topic}.py (plain Python "
            f"loops, the solution's signature) and " + MEASURE_AGAIN.format(exercise.id)
            + ", or say in NO_LOOP_VERSION why a loop version makes no sense"
        )
    assert row["no_loop_version"] == reason, f"the record of {exercise.id} is older than its reason; " + \
        MEASURE_AGAIN.format(exercise.id)


@pytest.mark.parametrize("exercise", REGISTRY, ids=lambda e: e.id)
def test_a_costly_input_is_met_in_the_public_checks_too(exercise):
    row = RECORD["exercises"].get(exercise.id) or {"loop": None}  # an exercise not measured fails above
    loop = row["loop"]
    if loop is None or loop["hidden_cpu_seconds"] < SHOWN_COST_SECONDS:
        return
    assert loop["public_input"] >= loop["hidden_input"], (
        f"{exercise.id}: the hidden checks pass an input of {loop['hidden_input']} numbers, the public ones at most "
        f"{loop['public_input']}: give a public check an input as large, so that a self-check shows what grading costs"
    )


@pytest.mark.parametrize("exercise", [e for e in REGISTRY if e.student.kind != "weights"], ids=lambda e: e.id)
def test_the_docstring_states_the_time_budget(exercise):
    """One sentence, the same in every stub: the exercise's CPU limit per call and where it comes from."""
    doc = stub_docstrings(exercise.student.module).get(exercise.student.name, "")
    stated = BUDGET.findall(doc)
    limit, own = effective(exercise)
    sentence = f"Time budget: {limit:g} s of CPU per call ({'this exercise' + chr(39) + 's own limit' if own else 'the course default'})."
    assert len(stated) == 1, f"{exercise.id}: its docstring should say once: {sentence!r}"
    assert (float(stated[0][0]), stated[0][1] == "this exercise's own limit") == (limit, own), (
        f"{exercise.id}: its docstring says {stated[0][0]} s ({stated[0][1]}), but the limit is: {sentence!r}"
    )
