"""How long checking one derivation answer takes, over the answer corpus.

Judges every answer of ``tests/derivation_corpus.py`` (and every hostile
string, on a scalar and a matrix question) as the ``equivalent`` check does:
read, prove or sample, diagnose. Prints the median, the 95th percentile and
the maximum per verdict and overall, in milliseconds, after one warm-up
answer (the first proof imports sympy, reported separately). The target is
a p95 under 200 ms.

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
from grader.catalog.derivations import QUESTIONS, derivation_reference  # noqa: E402
from grader.derivations import judge_answer  # noqa: E402

TARGET_P95_MS = 200.0


def judge(question: str, answer: str, seed: int) -> float:
    started = time.perf_counter()
    judge_answer(
        answer,
        QUESTIONS[question],
        derivation_reference(question),
        rng=np.random.default_rng(seed),
        name=question,
        hidden=False,
    )
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    cold = judge("sigmoid_derivative", "sigma(z)*(1 - sigma(z))", 0)
    entries = [(q, a, v.split(":")[0]) for q, a, v in CORPUS]
    entries += [(q, a, "hostile") for a in HOSTILE for q in ("sigmoid_derivative", "bp2_hidden_error")]
    times: dict[str, list[float]] = {}
    for seed, (question, answer, verdict) in enumerate(entries):
        times.setdefault(verdict, []).append(judge(question, answer, seed))
    everything = [t for values in times.values() for t in values]

    print(f"first answer (imports sympy): {cold:.0f} ms\n")
    print(f"{'verdict':<10} {'answers':>7} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for verdict, values in [*sorted(times.items()), ("all", everything)]:
        print(
            f"{verdict:<10} {len(values):>7} {statistics.median(values):>10.1f} "
            f"{percentile(values, 0.95):>8.1f} {max(values):>8.1f}"
        )
    p95 = percentile(everything, 0.95)
    print(f"\np95 over all {len(everything)} answers: {p95:.1f} ms (target under {TARGET_P95_MS:.0f} ms): "
          f"{'met' if p95 < TARGET_P95_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
