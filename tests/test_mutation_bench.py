"""The mutation bench's own parts, on one small exercise: the mutator, and how a mutant is judged.

The bench itself (``bench/bench_mutants.py``) takes minutes; this takes seconds.
"""

from __future__ import annotations

import ast
import sys

from grader import load_registry
from grader.expectations import ReferenceExpectations
from grader.student_code import InProcessStudentCode

from conftest import ROOT, SOLUTIONS

sys.path.insert(0, str(ROOT / "bench"))

import bench_mutants  # noqa: E402

SOURCE = (SOLUTIONS / "perceptron.py").read_text()
REGISTRY = load_registry()


def _site(function: str, change: str) -> bench_mutants.Site:
    return next(site for site in bench_mutants.sites(SOURCE) if site.function == function and site.change == change)


def test_each_mutant_changes_one_thing_and_the_sites_are_the_same_every_time():
    found = bench_mutants.sites(SOURCE)
    assert found == bench_mutants.sites(SOURCE)
    assert {"operator", "comparison", "constant", "unary minus"} <= {site.operator for site in found}
    sampled = bench_mutants.sample_sites(SOURCE, 2)
    assert sampled == bench_mutants.sample_sites(SOURCE, 2)
    by_function: dict[str, int] = {}
    for site in sampled:
        by_function[site.function] = by_function.get(site.function, 0) + 1
    assert max(by_function.values()) == 2
    site = _site("predict", "Gt -> GtE")
    mutated = bench_mutants.mutate(SOURCE, site)
    original = ast.unparse(ast.parse(SOURCE))
    changed = [(a, b) for a, b in zip(original.splitlines(), mutated.splitlines()) if a != b]
    assert changed == [("    return np.where(net > 0, 1, -1)", "    return np.where(net >= 0, 1, -1)")]
    # A helper's mutant reaches the exercises whose function calls it.
    reached = bench_mutants.reach("def helper(x):\n    return x + 1\n\ndef f(x):\n    return helper(x)\n\ndef g(x):\n    return x\n")
    assert reached == {"helper": {"helper"}, "f": {"f", "helper"}, "g": {"g"}}


def test_a_mutant_is_judged_killed_and_named_rightly_or_equivalent(tmp_path):
    predict = REGISTRY.get("perceptron.predict")
    expectations = {predict.id: ReferenceExpectations()}
    site = _site("predict", "Gt -> GtE")
    outcome = bench_mutants.judge("perceptron", site, bench_mutants.mutate(SOURCE, site), [predict], expectations,
                                  ("s2400001",), 10.0)
    assert outcome.killed and not outcome.equivalent
    assert outcome.names == [("perceptron.predict", "tie gives +1", True)]

    # Judged against another mistake's variant on fresh inputs, the same mutant does not behave like it.
    code = InProcessStudentCode(bench_mutants._student_folder("perceptron", bench_mutants.mutate(SOURCE, site), tmp_path))
    np_sign = next(mistake for mistake in predict.mistakes if mistake.name == "np.sign")
    assert not bench_mutants._agrees(predict, code, expectations[predict.id], np_sign)

    # Other weights for OR that still compute OR: full marks, and judged by the truth table, as the checks judge them.
    gates = REGISTRY.get("perceptron.gate_weights")
    site = _site("gate_weights", "0.5 -> 2.0")
    outcome = bench_mutants.judge("perceptron", site, bench_mutants.mutate(SOURCE, site), [gates],
                                  {gates.id: ReferenceExpectations()}, ("s2400001",), 10.0)
    assert not outcome.killed and outcome.equivalent and outcome.names == []
