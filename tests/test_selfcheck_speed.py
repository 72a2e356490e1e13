"""A self-check loads only what the checked exercises need, and starts the sandbox while it loads them."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import load_registry
from grader.catalog import TOPIC_MODULES
from grader.registry import load_topics
from grader.sandbox import Sandbox

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("grader.derivations", "sympy", "torch", "pandas", "grader.batch", "grader.gradebook")


def test_a_topic_s_exercises_are_declared_in_catalog_modules_named_after_it():
    for module in TOPIC_MODULES:
        for exercise in importlib.import_module(f"grader.catalog.{module}").EXERCISES:
            assert module == exercise.topic or module.startswith(f"{exercise.topic}_"), (module, exercise.id)


@pytest.mark.parametrize("topics", [[topic] for topic in load_registry().topics] + [["perceptron", "backprop"]])
def test_loading_some_topics_gives_exactly_their_exercises_in_course_order(topics):
    expected = [exercise.id for exercise in load_registry() if exercise.topic in topics]
    assert [exercise.id for exercise in load_topics(topics)] == expected


def _loaded_after(code: str, cwd: Path) -> list[str]:
    probe = f"import sys\n{code}\nprint(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 - our own probe's printed list


def test_nngrade_check_of_a_numpy_exercise_loads_no_derivation_machinery_torch_or_pandas():
    code = (
        "from grader.cli import main\n"
        f"assert main(['check', 'perceptron.predict', '--dir', {str(ROOT / 'solutions')!r}]) == 0"
    )
    assert _loaded_after(code, ROOT) == []


def test_pytest_on_one_numpy_module_loads_no_derivation_machinery_torch_or_pandas(tmp_path):
    shutil.copy(ROOT / "exercises" / "nngrade.toml", tmp_path / "nngrade.toml")
    shutil.copy(ROOT / "solutions" / "perceptron.py", tmp_path / "perceptron.py")
    code = "import pytest\nassert pytest.main(['-q', '-p', 'no:cacheprovider', '-p', 'no:randomly', 'perceptron.py']) == 0"
    assert _loaded_after(code, tmp_path) == []


def test_a_worker_started_early_serves_the_first_session_and_is_ended_when_unused():
    with Sandbox() as sandbox:
        sandbox.start_worker_soon("numpy")
        sandbox.start_worker_soon("numpy")  # a second call changes nothing
        assert sandbox.worker("numpy").process.poll() is None and not sandbox._starting
    unused = Sandbox()
    unused.start_worker_soon("numpy")
    (process, _), = unused._starting.values()
    unused.close()
    assert process.poll() is not None


def test_the_sandbox_can_start_its_worker_before_numpy_or_the_grading_code_is_imported():
    code = (
        "import sys\n"
        "from grader.sandbox.sandbox import Sandbox\n"
        "loaded = sorted(m for m in sys.modules if m == 'numpy' or m.startswith(('grader.runner', 'grader.catalog', "
        "'grader.compare', 'grader.declarations')))\n"
        "sandbox = Sandbox()\n"
        "sandbox.start_worker_soon('numpy')\n"
        "assert sandbox.worker('numpy').process.poll() is None\n"
        "sandbox.close()\n"
        "print(loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "[]"


def test_the_wires_dtype_table_is_numpys_little_endian_numeric_dtypes():
    import numpy as np

    from grader.sandbox.wire import ALLOWED_DTYPES

    names = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
             "float16", "float32", "float64", "complex64", "complex128")
    assert ALLOWED_DTYPES == {np.dtype(name).newbyteorder("<").str for name in names}


def test_the_grader_facade_gives_every_public_name_from_its_module():
    import grader

    for name in grader.__all__:
        value = getattr(grader, name)
        assert getattr(importlib.import_module(grader._HOMES[name]), name) is value
    with pytest.raises(AttributeError):
        grader.no_such_name  # noqa: B018
