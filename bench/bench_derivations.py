"""How long checking one derivation answer takes, over the answer corpus.

Judges every answer of ``tests/derivation_corpus.py`` (and every hostile
string, on a scalar and a matrix question) as the ``equivalent`` check does:
read, prove or sample, diagnose. Prints the median, the 95th percentile and
the maximum per verdict and overall, in milliseconds, after one warm-up
answer (the first proof imports sympy, reported separately). Each answer is
judged twice, side by side: in this process, and as the checks judge it, in
the sandbox child of :mod:`grader.derivations.sandboxed_judge` (one round
trip more). The target is a p95 under 200 ms.

Run with ``.venv/bin/python bench/bench_derivations.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402

from derivation_corpus import CORPUS, HOSTILE  # noqa: E402
from grader.catalog.derivations import QUESTIONS, reference_answer_key  # noqa: E402
from grader.derivations import judge_answer, sandboxed_judge  # noqa: E402

TARGET_P95_MS = 200.0


def judge(question: str, answer: str, seed: int) -> float:
    """Milliseconds to judge one answer in this process."""
    started = time.perf_counter()
    judge_answer(
        answer,
        QUESTIONS[question],
        reference_answer_key(question),
        rng=np.random.default_rng(seed),
        name=question,
        hidden=False,
    )
    return (time.perf_counter() - started) * 1000


def judge_in_child(question: str, answer: str, seed: int) -> float:
    """Milliseconds to judge one answer in the judge's sandbox child, as the checks do."""
    started = time.perf_counter()
    sandboxed_judge.judge_answer(
        answer, QUESTIONS[question], reference_answer_key(question), rng=np.random.default_rng(seed), hidden=False
    )
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    cold = judge("sigmoid_derivative", "sigma(z)*(1 - sigma(z))", 0)
    cold_child = judge_in_child("sigmoid_derivative", "sigma(z)*(1 - sigma(z))", 0)
    entries = [(q, a, v.split(":")[0]) for q, a, v in CORPUS]
    entries += [(q, a, "hostile") for a in HOSTILE for q in ("sigmoid_derivative", "bp2_hidden_error")]
    times: dict[str, list[float]] = {}
    child_times: dict[str, list[float]] = {}
    for seed, (question, answer, verdict) in enumerate(entries):
        times.setdefault(verdict, []).append(judge(question, answer, seed))
        child_times.setdefault(verdict, []).append(judge_in_child(question, answer, seed))
    everything = [t for values in times.values() for t in values]
    everything_child = [t for values in child_times.values() for t in values]

    print(f"first answer: {cold:.0f} ms in process (imports sympy), {cold_child:.0f} ms in the child (starts it)\n")
    print(f"{'':<18} {'in process':^26} {'in the judge child':^26}")
    print(f"{'verdict':<10} {'answers':>7} {'median':>8} {'p95':>8} {'max':>8} {'median':>8} {'p95':>8} {'max':>8}  (ms)")
    for verdict, values in [*sorted(times.items()), ("all", everything)]:
        child = everything_child if verdict == "all" else child_times[verdict]
        print(
            f"{verdict:<10} {len(values):>7} {statistics.median(values):>8.1f} {percentile(values, 0.95):>8.1f} "
            f"{max(values):>8.1f} {statistics.median(child):>8.1f} {percentile(child, 0.95):>8.1f} {max(child):>8.1f}"
        )
    p95 = percentile(everything_child, 0.95)
    print(f"\np95 over all {len(everything_child)} answers as the checks judge them: {p95:.1f} ms "
          f"(target under {TARGET_P95_MS:.0f} ms): {'met' if p95 < TARGET_P95_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
