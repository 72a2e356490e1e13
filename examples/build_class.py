"""Build the sample class in examples/class/ from the solutions and the stubs.

Each synthetic student is the course's solution with one thing changed: a
known mistake, unfinished work, a loop that never ends, a syntax error, a
hostile module, a notebook, a zip, a late or broken submission. Besides a1's
modules, each student's folder (and ivan's zip) holds ``cnn.py`` for the
second hand-in, ``conv-lab`` (``cnn.conv2d``): the solution, except dara, who
flips the kernel (a true convolution), and eli, who has not started it. The
output is committed; rerun this script after changing solutions/ or exercises/:

    .venv/bin/python examples/build_class.py
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "examples" / "class"
SUBMISSIONS = CLASS / "submissions"
MODULES = ("perceptron", "backprop")


def solution(module: str) -> str:
    return (ROOT / "solutions" / f"{module}.py").read_text()


def stub(module: str) -> str:
    return (ROOT / "exercises" / f"{module}.py").read_text()


def changed(module: str, old: str, new: str) -> str:
    """The solution of ``module`` with ``old`` replaced by ``new`` (which must occur exactly once)."""
    text = solution(module)
    if text.count(old) != 1:
        raise SystemExit(f"build_class: {old!r} occurs {text.count(old)} times in solutions/{module}.py")
    return text.replace(old, new)


HOSTILE_HEADER = '''
# --- this student tries to game the grader ---------------------------------
import json as _json
import os as _os
import pathlib as _pathlib


def _attempt(action):
    try:
        action()
    except Exception:
        pass


# Forge a Gradescope result and a gradebook, and look for the course's salt.
_attempt(lambda: _pathlib.Path("/autograder/results/results.json").write_text(_json.dumps({"score": 1000})))
for _folder in [_pathlib.Path.cwd(), *_pathlib.Path.cwd().parents, _pathlib.Path.home()]:
    _attempt(lambda folder=_folder: print("salt?", (folder / "course.toml").read_text()[:80]))
    _attempt(lambda folder=_folder: (folder / "gradebook.sqlite").write_bytes(b"forged"))
print('{"score": 1000, "status": "passed"}')


class _AlwaysRight:
    """Equal to everything, an array of anything, a float of anything."""

    def __eq__(self, other):
        return True

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")

    def __float__(self):
        return 1.0
'''


def students() -> dict[str, dict[str, str]]:
    """Student id to module name to source, for the folder submissions."""
    full = {module: solution(module) for module in MODULES}
    return {
        "ada": full,
        "ben": {**full, "perceptron": changed("perceptron", "return np.where(net > 0, 1, -1)", "return np.sign(net)")},
        "chen": {**full, "backprop": changed("backprop", "(W_next.T @ delta_next)", "(W_next @ delta_next)")},
        "dara": {**full, "backprop": changed("backprop", "* sigmoid_prime(a)\n", "* sigmoid_prime(sigmoid(a))\n")},
        "eli": {"perceptron": solution("perceptron"), "backprop": stub("backprop")},
        "fay": {**full, "perceptron": changed("perceptron", "    while len(trajectory) - 1 < max_updates:\n",
                                               "    while True:  # forgot to stop\n        pass\n"
                                               "    while len(trajectory) - 1 < max_updates:\n")},
        "gus": {**full, "backprop": changed("backprop", "def sigmoid(a):", "def sigmoid(a)")},
        "jo": {**full, "perceptron": changed("perceptron", "import numpy as np\n", "import numpy as np\n" + HOSTILE_HEADER)
               .replace("    return np.where(net > 0, 1, -1)", "    return _AlwaysRight()")},
        "kim": full,
        "lee": {**full, "backprop": changed("backprop", "    new_weights = [W - eta / m * g", "    new_weights = [W - eta * g")
                .replace("    new_biases = [b - eta / m * g", "    new_biases = [b - eta * g")},
        "max": {},
        "omar": {**full, "perceptron": changed("perceptron", "return np.where(net > 0, 1, -1)", "return np.where(net >= 0, 1, -1)")},
    }


def conv_lab() -> dict[str, str]:
    """Student id to the cnn.py of the conv-lab hand-in, for the students who hand in folders or a zip."""
    full = solution("cnn")
    flipped = changed("cnn", 'Y += np.einsum("bchw,oc->bohw", taps, W[:, :, p, q])',
                      'Y += np.einsum("bchw,oc->bohw", taps, W[:, :, k_h - 1 - p, k_w - 1 - q])')
    handed_in = ("ada", "ben", "chen", "dara", "eli", "fay", "gus", "ivan", "jo", "kim", "lee", "omar")
    return {student: {"dara": flipped, "eli": stub("cnn")}.get(student, full) for student in handed_in}


def notebook(sources: dict[str, str]) -> dict:
    """A Jupyter notebook holding both modules' code, with IPython magics a student typically leaves in."""

    def cell(kind: str, text: str) -> dict:
        base = {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True)}
        if kind == "code":
            base.update(execution_count=None, outputs=[])
        return base

    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [
            cell("markdown", "# Assignment 1: perceptrons and backpropagation\n"),
            cell("code", "%matplotlib inline\n!pip install numpy\n"),
            cell("code", sources["perceptron"]),
            cell("markdown", "## Backpropagation\n"),
            cell("code", sources["backprop"]),
            cell("code", "%timeit sigmoid(np.zeros(1000))\n"),
        ],
    }


def write_zip(path: Path, top: str, sources: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for module, text in sources.items():
            info = zipfile.ZipInfo(f"{top}/{module}.py", date_time=(2026, 10, 14, 12, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, text)


TIMESTAMPS = {
    # due 2026-10-15T23:59Z; 10 % per started day late, at most 50 %; zero after 2026-10-22T23:59Z
    "ada": "2026-10-14T09:12:00+00:00",
    "ben": "2026-10-15T20:01:00+00:00",
    "chen": "2026-10-15T23:40:00+00:00",
    "dara": "2026-10-13T16:30:00+00:00",
    "eli": "2026-10-15T23:58:00+00:00",
    "fay": "2026-10-15T22:10:00+00:00",
    "gus": "2026-10-15T23:59:00+00:00",
    "hana": "2026-10-12T11:00:00+00:00",
    "ivan": "2026-10-15T18:45:00+00:00",
    "jo": "2026-10-15T21:00:00+00:00",
    "kim": "2026-10-17T10:00:00+00:00",
    "lee": "2026-10-15T22:00:00+00:00",
    "max": "2026-10-15T23:00:00+00:00",
    "nia": "2026-10-15T23:30:00+00:00",
    "omar": "2026-10-23T08:00:00+00:00",
}


def main() -> None:
    if SUBMISSIONS.exists():
        shutil.rmtree(SUBMISSIONS)
    SUBMISSIONS.mkdir(parents=True)
    lab = conv_lab()
    for student, sources in students().items():
        folder = SUBMISSIONS / student
        folder.mkdir()
        if student in lab:
            sources = {**sources, "cnn": lab[student]}
        for module, text in sources.items():
            (folder / f"{module}.py").write_text(text)
        if not sources:  # handed in notes instead of code (and git keeps no empty folder)
            (folder / "notes.txt").write_text("I did not manage to finish the assignment.\n")
    full = {module: solution(module) for module in MODULES}
    (SUBMISSIONS / "hana.ipynb").write_text(json.dumps(notebook(full), indent=1) + "\n")
    write_zip(SUBMISSIONS / "ivan.zip", "ivan", {**full, "backprop": changed(
        "backprop", "np.outer(delta, z_prev)", "np.outer(z_prev, delta)"), "cnn": lab["ivan"]})
    with zipfile.ZipFile(SUBMISSIONS / "nia.zip.tmp", "w") as archive:
        archive.writestr("perceptron.py", solution("perceptron"))
    data = (SUBMISSIONS / "nia.zip.tmp").read_bytes()
    (SUBMISSIONS / "nia.zip.tmp").unlink()
    (SUBMISSIONS / "nia.zip").write_bytes(data[: len(data) // 2])  # the upload was cut off
    lines = ["student,timestamp"] + [f"{student},{moment}" for student, moment in sorted(TIMESTAMPS.items())]
    (CLASS / "timestamps.csv").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(list(SUBMISSIONS.iterdir()))} submissions to {SUBMISSIONS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
