"""The statistical check of the training exercise: the reference's spread, the threshold, and what it catches.

``mlp.train``'s digits check trains the student's loop on a random split of
scikit-learn's digits and requires a held-out accuracy of at least
``ACCURACY_THRESHOLD`` on every run. This measures, over RUNS runs drawn as
the check draws them (a split, initial weights and a seed per run), the
torch reference's held-out accuracy (mean, standard deviation, lowest), the
probability that a correct loop fails one run (observed, and the normal
tail at the threshold), the CPU time of one run, and for each declared
mistake of the exercise the share of runs the threshold alone fails.

Run with ``make bench`` or ``.venv/bin/python bench/bench_training_checks.py [RUNS]``.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from grader import load_registry  # noqa: E402
from grader.catalog.mlp import (  # noqa: E402
    ACCURACY_THRESHOLD,
    DIGITS_DROPOUT,
    DIGITS_EPOCHS,
    DIGITS_ETA,
    DIGITS_SIZES,
    digits_split,
    initial_weights,
)
from grader.object_scripts import call, load, mode, network, obj, run_torch_script  # noqa: E402
from grader.object_scripts import function as function_step  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
MISTAKE_RUNS = max(RUNS // 6, 10)


def accuracy_of(train, seed: int) -> tuple[float, float]:
    """One run as the check makes it: held-out accuracy, and the CPU seconds of training."""
    rng = np.random.default_rng([20261206, seed])
    X_train, y_train, X_test, y_test = digits_split(rng)
    steps = [
        network(DIGITS_SIZES, activation="relu", dropout=DIGITS_DROPOUT, logits=True),
        load(initial_weights(rng, DIGITS_SIZES)),
        function_step(obj(0), X_train, y_train, DIGITS_EPOCHS, DIGITS_ETA, int(rng.integers(0, 2**31))),
        mode(False),
        call(X_test),
    ]
    started = time.process_time()
    results = run_torch_script(train, steps)
    seconds = time.process_time() - started
    return float((np.asarray(results[4]["value"]).argmax(axis=1) == y_test).mean()), seconds


def main() -> None:
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    exercise = load_registry().get("mlp.train")
    reference = exercise.answer_function(exercise.torch_reference)
    from reference.mlp_torch import train as reference_train

    del reference
    outcomes = [accuracy_of(reference_train, seed) for seed in range(RUNS)]
    accuracies = np.array([accuracy for accuracy, _ in outcomes])
    mean, sd = accuracies.mean(), accuracies.std(ddof=1)
    z = (mean - ACCURACY_THRESHOLD) / sd
    tail = 0.5 * math.erfc(z / math.sqrt(2))
    print(f"mlp.train's digits check: {RUNS} runs of the torch reference, {DIGITS_EPOCHS} epochs, eta {DIGITS_ETA}, "
          f"dropout {DIGITS_DROPOUT}\n")
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| held-out accuracy, mean | {mean:.4f} |")
    print(f"| standard deviation | {sd:.4f} |")
    print(f"| lowest, highest | {accuracies.min():.4f}, {accuracies.max():.4f} |")
    print(f"| threshold | {ACCURACY_THRESHOLD} ({z:.1f} standard deviations below the mean) |")
    print(f"| runs of the reference below it | {int((accuracies < ACCURACY_THRESHOLD).sum())} of {RUNS} |")
    print(f"| normal tail at the threshold (one run) | {tail:.1e} |")
    print(f"| CPU time of one run, median | {np.median([s for _, s in outcomes]):.2f} s |")
    print()
    print(f"| mistake | runs below the threshold ({MISTAKE_RUNS} runs) | mean accuracy |")
    print("| --- | --- | --- |")
    from grader.declarations import resolve

    for mistake in exercise.mistakes:
        variant = resolve(mistake.variant)
        scores = np.array([accuracy_of(variant, seed)[0] for seed in range(MISTAKE_RUNS)])
        print(f"| {mistake.name} | {int((scores < ACCURACY_THRESHOLD).sum())} | {scores.mean():.4f} |")


if __name__ == "__main__":
    main()
