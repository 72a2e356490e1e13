"""The convolution checks through the sandbox: a correct student who writes naive loops against the vectorised solution.

The cnn exercises' limits (``CNN_LIMITS`` in ``grader/catalog/cnn.py``) are set
from this measurement: a correct solution written as naive seven-deep Python
loops (batch, output channel, output row and column, input channel, filter
row and column) must never time out. Two students are graded through the
sandbox, as ``nngrade grade`` grades them, on every public and hidden check
of ``cnn.conv2d`` and ``cnn.conv2d_backward``:

- vectorised: ``solutions/cnn.py`` (one NumPy product per filter tap),
- loops: the same module with ``conv2d`` and ``conv2d_backward`` written as
  seven nested loops over scalars.

Prints, per exercise and student, the wall time of all its checks and of the
slowest one (from sending the calls to reading the replies, the child's work
included), best of three, then the limits and the margin they leave the loop
student.

``--training RUNS`` also measures the digits CNN check's spread: RUNS trainings
of the torch reference drawn as ``check_digits_cnn_accuracy`` draws them (a
split, initial weights and a seed each), with the held-out accuracy's mean,
standard deviation and lowest value, and the CPU time of one run.

Run with ``make bench`` or ``.venv/bin/python bench/bench_cnn.py [--training 200]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from grader import load_registry  # noqa: E402
from grader.catalog.cnn import CNN_LIMITS, DIGITS_ACCURACY, DIGITS_EPOCHS, DIGITS_ETA, DIGITS_TRAIN, digits, initial_state  # noqa: E402
from grader.expectations import ReferenceExpectations  # noqa: E402
from grader.runner import grade_exercise  # noqa: E402
from grader.sandbox import Sandbox, SandboxedStudentCode  # noqa: E402

EXERCISES = ("cnn.conv2d", "cnn.conv2d_backward")
REPEATS = 3

LOOPS = '''

# --- a correct student who writes every product as a scalar in seven nested loops ---


def conv2d(X, W, b=None, stride=1, padding=0, dilation=1):
    X, W = np.asarray(X, dtype=float), np.asarray(W, dtype=float)
    (s_h, s_w), (p_h, p_w), (d_h, d_w) = _pair(stride), _pair(padding), _pair(dilation)
    B, C_in, H, Wd = X.shape
    C_out, _, k_h, k_w = W.shape
    H_out = conv_output_size(H, k_h, p_h, s_h, d_h)
    W_out = conv_output_size(Wd, k_w, p_w, s_w, d_w)
    X_pad = np.zeros((B, C_in, H + 2 * p_h, Wd + 2 * p_w))
    X_pad[:, :, p_h : p_h + H, p_w : p_w + Wd] = X
    Y = np.zeros((B, C_out, H_out, W_out))
    for n in range(B):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    total = 0.0 if b is None else b[o]
                    for c in range(C_in):
                        for p in range(k_h):
                            for q in range(k_w):
                                total += W[o, c, p, q] * X_pad[n, c, i * s_h + p * d_h, j * s_w + q * d_w]
                    Y[n, o, i, j] = total
    return Y


def conv2d_backward(X, W, b, G, stride=1, padding=0, dilation=1):
    X, W, G = np.asarray(X, dtype=float), np.asarray(W, dtype=float), np.asarray(G, dtype=float)
    (s_h, s_w), (p_h, p_w), (d_h, d_w) = _pair(stride), _pair(padding), _pair(dilation)
    B, C_in, H, Wd = X.shape
    C_out, _, k_h, k_w = W.shape
    X_pad = np.zeros((B, C_in, H + 2 * p_h, Wd + 2 * p_w))
    X_pad[:, :, p_h : p_h + H, p_w : p_w + Wd] = X
    dX_pad, dW = np.zeros_like(X_pad), np.zeros_like(W)
    db = None if b is None else np.zeros(C_out)
    for n in range(B):
        for o in range(C_out):
            for i in range(G.shape[2]):
                for j in range(G.shape[3]):
                    g = G[n, o, i, j]
                    if db is not None:
                        db[o] += g
                    for c in range(C_in):
                        for p in range(k_h):
                            for q in range(k_w):
                                row, column = i * s_h + p * d_h, j * s_w + q * d_w
                                dW[o, c, p, q] += g * X_pad[n, c, row, column]
                                dX_pad[n, c, row, column] += g * W[o, c, p, q]
    return dX_pad[:, :, p_h : p_h + H, p_w : p_w + Wd], dW, db
'''


def loop_student(folder: Path) -> Path:
    """The solutions with conv2d and conv2d_backward replaced by seven-deep loops (a later def wins)."""
    folder.mkdir()
    (folder / "cnn.py").write_text((ROOT / "solutions" / "cnn.py").read_text() + LOOPS)
    return folder


def grade(folder: Path, sandbox: Sandbox, exercise) -> tuple[float, float]:
    """The wall time of every check of one exercise together, and of the slowest check."""
    with SandboxedStudentCode(folder, sandbox=sandbox) as code:
        start = time.perf_counter()
        result = grade_exercise(exercise, code, expectations=ReferenceExpectations(), include_hidden=True)
        wall = time.perf_counter() - start
    assert result.complete and result.score == result.max_score, f"{folder.name}: {exercise.id} is not full marks"
    return wall, max(check.seconds for check in result.checks)


def bench_checks() -> None:
    registry = load_registry()
    exercises = [registry.get(name) for name in EXERCISES]
    workspace = Path(tempfile.mkdtemp(prefix="bench-cnn-"))
    try:
        students = {"vectorised": ROOT / "solutions", "loops": loop_student(workspace / "loops")}
        rows = {}
        with Sandbox() as sandbox:
            sandbox.worker("torch")
            for exercise in exercises:
                for student, folder in students.items():
                    grade(folder, sandbox, exercise)  # references' caches, the child's imports
                    runs = [grade(folder, sandbox, exercise) for _ in range(REPEATS)]
                    rows[exercise.id, student] = min(runs)
        print(f"The convolution checks through the sandbox (public and hidden, best of {REPEATS})\n")
        print("| exercise | checks | student | all checks | slowest check |")
        print("| --- | --- | --- | --- | --- |")
        for exercise in exercises:
            for student in students:
                wall, slowest = rows[exercise.id, student]
                print(f"| {exercise.id} | {len(exercise.checks)} | {student} | {wall * 1000:.0f} ms | {slowest * 1000:.0f} ms |")
        slowest = max(rows[exercise.id, "loops"][1] for exercise in exercises)
        print(f"\nlimits per call for the cnn exercises: {CNN_LIMITS['cpu_seconds']:g} s CPU, {CNN_LIMITS['wall_seconds']:g} s wall; "
              f"the loop student's slowest check takes {slowest:.2f} s ({CNN_LIMITS['cpu_seconds'] / slowest:.0f}x margin)")
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


def bench_training(runs: int) -> None:
    """The held-out accuracy of the torch reference over ``runs`` trainings drawn as the check draws them."""
    import torch

    from reference.cnn_torch import DigitsCNN

    torch.set_num_threads(1)
    X, y = digits()
    rng = np.random.default_rng(2026)
    accuracies, seconds = [], []
    for _ in range(runs):
        order = rng.permutation(len(X))
        train, held_out = order[:DIGITS_TRAIN], order[DIGITS_TRAIN:]
        seed = int(rng.integers(0, 2**31))
        model = DigitsCNN()
        model.load_state_dict({name: torch.as_tensor(value) for name, value in initial_state(rng).items()})
        start = time.process_time()
        model.fit(torch.as_tensor(X[train]), torch.as_tensor(y[train]), DIGITS_EPOCHS, DIGITS_ETA, seed)
        seconds.append(time.process_time() - start)
        with torch.no_grad():
            accuracies.append(float((model(torch.as_tensor(X[held_out])).argmax(1).numpy() == y[held_out]).mean()))
    accuracies = np.array(accuracies)
    mean, std = accuracies.mean(), accuracies.std()
    print(f"\nThe digits CNN check: {runs} trainings of the reference ({DIGITS_EPOCHS} epochs, eta {DIGITS_ETA}, "
          f"{DIGITS_TRAIN} digits, {len(X) - DIGITS_TRAIN} held out)")
    print(f"held-out accuracy: mean {mean:.3f}, standard deviation {std:.3f}, lowest {accuracies.min():.3f}, "
          f"below the threshold {DIGITS_ACCURACY:.2f}: {int((accuracies < DIGITS_ACCURACY).sum())}; "
          f"threshold {(mean - DIGITS_ACCURACY) / std:.1f} standard deviations below the mean")
    print(f"CPU per training: median {np.median(seconds):.2f} s, largest {max(seconds):.2f} s")


def main() -> None:
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--training", type=int, default=0, metavar="RUNS", help="also measure the digits CNN's spread")
    options = parser.parse_args()
    bench_checks()
    if options.training:
        bench_training(options.training)


if __name__ == "__main__":
    main()
