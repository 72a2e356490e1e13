"""Thread settings and torch inside the sandbox's children: what a call's CPU limit counts is the student's work.

A child clears the grader's environment; it sets one thread per numeric library itself (OpenMP, OpenBLAS,
MKL, torch), keeps a home, a temporary folder and a locale of its own, and a module that imports torch is
run by the torch worker's children, where torch is already loaded, so the import costs the student nothing.
"""

from __future__ import annotations

import textwrap

import pytest

from grader.declarations import StudentFunction
from grader.sandbox import SandboxedStudentCode
from grader.sandbox.sandboxed_code import imports_torch

pytestmark = pytest.mark.slow

PREDICT = StudentFunction("perceptron", "predict")


def student(folder, source: str, sandbox, **modules: str) -> SandboxedStudentCode:
    (folder / "perceptron.py").write_text(textwrap.dedent(source))
    for name, text in modules.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(text))
    return SandboxedStudentCode(folder, sandbox=sandbox)


def test_a_top_level_import_of_torch_in_a_numpy_exercise_costs_the_student_nothing(sandbox, tmp_path):
    """Without the torch worker the import takes more than a second of the call's CPU limit (1.4 s measured)."""
    source = """
        import os
        import torch
        def predict(w, X):
            return [torch.get_num_threads(), torch.get_num_interop_threads(),
                    {key: os.environ.get(key) for key in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS',
                                                          'HOME', 'TMPDIR', 'LC_ALL', 'LANG')},
                    os.getcwd(), sorted(os.environ)]
        """
    with student(tmp_path, source, sandbox) as code:
        outcome = code.call(PREDICT, (1, 2), {})  # a NumPy exercise: torch=False
        spent_cpu, spent_wall = code.spent_cpu_seconds, code.spent_wall_seconds
    threads, interop, env, cwd, names = outcome.value
    assert (threads, interop) == (1, 1)
    assert env == {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                   "HOME": cwd, "TMPDIR": cwd, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    assert set(names) <= {"HOME", "TMPDIR", "PATH", "LANG", "LC_ALL", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                          "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "OPENBLAS_CORETYPE",
                          "OPENBLAS_L2_SIZE"}
    # Loading the module and the call together, in the child: torch was already imported.
    assert spent_cpu < 0.4, spent_cpu
    assert spent_wall < 5.0, spent_wall  # the worker's own start is not the student's time


def test_a_torch_call_spends_its_cpu_time_on_one_thread(sandbox, tmp_path):
    """Many small torch operations, as a capacity check makes: with a thread per core spinning between them the
    call's CPU time is a multiple of its wall time (0.16 to 1.9 s instead of 0.02 s); on one thread it is not."""
    source = """
        import torch
        def predict(w, X):
            t = torch.ones(64, 64, dtype=torch.float64)
            total = 0.0
            for _ in range(2000):
                total += float(torch.tanh(t @ t / 64).sum())
            return [total, torch.get_num_threads()]
        """
    with student(tmp_path, source, sandbox) as code:
        outcome = code.call(PREDICT, (1, 2), {}, torch=True)
    total, threads = outcome.value
    assert threads == 1 and total > 0
    assert outcome.cpu_seconds < 1.0, outcome.cpu_seconds
    assert outcome.cpu_seconds <= 1.15 * outcome.seconds + 0.02, (outcome.cpu_seconds, outcome.seconds)


def test_which_modules_import_torch_is_read_from_their_import_lines():
    sources = {
        "perceptron": b"import numpy as np\nfrom helpers import step\n",
        "helpers": b"def step(x):\n    import os, torch.nn as nn\n    return x\n",
        "plain": b"# import torch\ntext = 'import torch'\nimport numpy\n",
        "direct": b"from torch import nn\n",
    }
    assert imports_torch(sources, "perceptron")  # through the student's own module
    assert imports_torch(sources, "helpers")
    assert imports_torch(sources, "direct")
    assert not imports_torch(sources, "plain")
    assert not imports_torch(sources, "missing")
    assert not imports_torch({**sources, "torch": b"x = 1\n"}, "direct")  # the student's own torch.py
