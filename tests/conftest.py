"""Shared fixtures: where the repository's folders are, loading their modules, and a function computing in float32."""

from __future__ import annotations

import contextlib
import types
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pytest

from grader.student_code import InProcessStudentCode

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions"

pytest_plugins = ["pytester"]


def load_module(folder: Path, topic: str) -> types.ModuleType:
    """A topic module from exercises/ or solutions/, loaded the way the grader loads it."""
    code = InProcessStudentCode(folder)
    return code._load(topic)


@pytest.fixture(scope="session")
def sandbox():
    """One sandbox (warm workers) for the whole test session."""
    from grader.sandbox import Sandbox

    with Sandbox() as shared:
        yield shared


@pytest.fixture
def solutions() -> Callable[[str], types.ModuleType]:
    """``solutions("perceptron")`` is the solution module of that topic."""
    return lambda topic: load_module(SOLUTIONS, topic)


def to_float32(value: Any, *, scalars: bool = True) -> Any:
    """``value`` with every float in it made float32: arrays, torch tensors and (with ``scalars``) Python and
    NumPy float scalars, which become ``np.float32``, inside tuples, lists and dicts too. Integers, booleans
    and text are left as they are."""
    if isinstance(value, dict):
        return {key: to_float32(item, scalars=scalars) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(to_float32(item, scalars=scalars) for item in value)
    if type(value).__module__.startswith("torch") and hasattr(value, "is_floating_point"):
        return value.float() if value.is_floating_point() else value
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(np.float32)
    if scalars and isinstance(value, (float, np.floating)):
        return np.float32(value)
    return value


def in_float32(function: Callable[..., Any], *, scalars: bool = True) -> Callable[..., Any]:
    """The function computing in float32: its float inputs cast to float32 before it sees them, its answers float32.

    ``scalars=False`` leaves float scalars as they are (a script's steps hold options such as a dropout
    rate that must stay Python floats): only arrays and tensors are cast.
    """

    def answer(*args: Any, **kwargs: Any) -> Any:
        args = to_float32(args, scalars=scalars)
        kwargs = to_float32(kwargs, scalars=scalars)
        return to_float32(function(*args, **kwargs), scalars=scalars)

    answer.__name__ = getattr(function, "__name__", "answer")
    return answer


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """torch and the BLAS libraries on one thread while the block runs, as in the sandbox's children.

    For long in-process sweeps under ``pytest -n auto``: each worker's torch would otherwise start a thread
    per core, and the workers' threads spinning against each other make every call several times slower.
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        try:
            from threadpoolctl import threadpool_limits  # sklearn's dependency, there wherever the tests run
        except ImportError:  # pragma: no cover
            yield
        else:
            with threadpool_limits(limits=1):
                yield
    finally:
        torch.set_num_threads(threads)



# How `make test` shares the suite between its workers (pytest-xdist, `--dist loadscope`, with the scope
# defined here). A file whose tests share an expensive module fixture (a Gradescope image, an nbgrader course,
# a student bundle, a graded class) is one unit of work, so the fixture is built once; the sweeps over the
# registry, thousands of tests with no shared fixture, are dealt out test by test, so the two workers finish
# together. Work is handed out in the order below, longest first: the files that build something big, then
# the per-exercise hidden sweeps (up to a minute each), then every other file, most tests first, then the
# small tests of the registry-wide sweeps, which fill the gaps at the end.
SWEPT_TEST_BY_TEST = ("test_hidden_sweep_", "test_invariants.py", "test_validity_sweeps.py", "test_input_classes.py")
LONGEST_FILES_FIRST = (
    "test_gradescope_autograder.py",
    "test_nbgrader_course.py",
    "test_release_bundle.py",
    "test_recorded_expectations.py",
    "test_hostile_batch.py",
    "test_grade_command.py",
    "test_cluster_grading.py",
    "test_module_edges.py",
    "test_hostile_modules.py",
    "test_nbgrader_late.py",
    "test_lms_exports.py",
    "test_student_walkthrough.py",
    "test_submission_environment.py",
    "test_portable_runner.py",
    "test_pytest_plugin.py",
)


def _dealt_test_by_test(file_name: str) -> bool:
    return file_name.startswith(SWEPT_TEST_BY_TEST)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadscope``: a unit of work per file, except the registry-wide sweeps' tests, one each."""
    if config.getoption("dist", "no") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileOrTestScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if _dealt_test_by_test(Path(path).name) else path

    config.option.loadscopereorder = False  # the order is the workers' collection order, set below
    return FileOrTestScheduling(config, log)


def _work_order(item: pytest.Item, tests_in_file: int) -> tuple[int, int]:
    name = item.path.name
    if name in LONGEST_FILES_FIRST:
        return (0, LONGEST_FILES_FIRST.index(name))
    if name.startswith("test_hidden_sweep_"):
        return (1, 0)
    if not _dealt_test_by_test(name):
        return (2, -tests_in_file)
    return (3, 0)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In an xdist worker: the items in the order the work is handed out (see above); a file's tests keep theirs."""
    if not hasattr(config, "workerinput"):
        return
    counts: dict[Path, int] = {}
    for item in items:
        counts[item.path] = counts.get(item.path, 0) + 1
    items.sort(key=lambda item: (*_work_order(item, counts[item.path]), str(item.path)))
