"""The training check of the digits autoencoder: the reference's spread, the threshold, and what it catches.

``autoencoders.digits_autoencoder``'s reconstruction check trains the
student's module with its own ``fit`` on a random 1200 of scikit-learn's
digits and requires the reconstruction error of 150 held-out digits to be at most
``RECONSTRUCTION_RATIO`` times the error of the training digits' mean image.
This measures, over RUNS runs drawn as the check draws them (a split and
initial weights per run; full-batch training has nothing else random), the
torch reference's ratio (mean, standard deviation, highest), the probability
that a correct fit fails one run (observed, and the normal tail at the
threshold), the CPU time of one run, and for each declared mistake of the
exercise the share of runs the threshold alone fails.

Run with ``.venv/bin/python bench/bench_autoencoder.py [RUNS]`` (1000 by default; about two minutes).
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
from grader.catalog.autoencoders import (  # noqa: E402
    DIGITS_EPOCHS,
    DIGITS_HELD_OUT,
    DIGITS_ETA,
    DIGITS_TRAIN,
    RECONSTRUCTION_RATIO,
    digits,
    initial_state,
    judge_digits_run,
)
from grader.declarations import resolve  # noqa: E402
from grader.object_scripts import call, load, new, run_torch_script  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
MISTAKE_RUNS = max(RUNS // 20, 10)


def ratio_of(module_class, seed: int) -> tuple[float, float]:
    """One run as the check makes it: the held-out ratio (inf when unusable), and the CPU seconds of the run."""
    rng = np.random.default_rng([20261206, seed])
    X = digits()
    order = rng.permutation(len(X))
    train, held_out = X[order[:DIGITS_TRAIN]], X[order[DIGITS_TRAIN:DIGITS_TRAIN + DIGITS_HELD_OUT]]
    steps = [new(), load(initial_state(rng)), call(train, DIGITS_EPOCHS, DIGITS_ETA, method="fit"), call(held_out)]
    started = time.process_time()
    results = run_torch_script(module_class, steps)
    seconds = time.process_time() - started
    _, ratio = judge_digits_run(held_out.astype(float), train.astype(float).mean(axis=0), results[3]["value"])
    return (math.inf if ratio is None else ratio), seconds


def main() -> None:
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    exercise = load_registry().get("autoencoders.digits_autoencoder")
    outcomes = [ratio_of(resolve(exercise.torch_reference), seed) for seed in range(RUNS)]
    ratios = np.array([ratio for ratio, _ in outcomes])
    mean, sd = ratios.mean(), ratios.std(ddof=1)
    z = (RECONSTRUCTION_RATIO - mean) / sd
    tail = 0.5 * math.erfc(z / math.sqrt(2))
    print(f"{exercise.id}'s reconstruction check: {RUNS} runs of the torch reference, {DIGITS_EPOCHS} epochs, eta {DIGITS_ETA}\n")
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| held-out error / mean image's, mean | {mean:.4f} |")
    print(f"| standard deviation | {sd:.4f} |")
    print(f"| lowest, highest | {ratios.min():.4f}, {ratios.max():.4f} |")
    print(f"| threshold | {RECONSTRUCTION_RATIO} ({z:.1f} standard deviations above the mean) |")
    print(f"| runs of the reference above it | {int((ratios > RECONSTRUCTION_RATIO).sum())} of {RUNS} |")
    print(f"| normal tail at the threshold (one run) | {tail:.1e} |")
    print(f"| CPU time of one run, median | {np.median([s for _, s in outcomes]):.3f} s |")
    print()
    print(f"| mistake | runs above the threshold ({MISTAKE_RUNS} runs) | mean ratio |")
    print("| --- | --- | --- |")
    for mistake in exercise.mistakes:
        scores = np.array([ratio_of(resolve(mistake.variant), seed)[0] for seed in range(MISTAKE_RUNS)])
        print(f"| {mistake.name} | {int((scores > RECONSTRUCTION_RATIO).sum())} | {np.mean(scores):.4f} |")


if __name__ == "__main__":
    main()
