"""The pytest plugin: ``pytest`` in a folder of exercises runs their public checks.

Registered through the ``pytest11`` entry point, so it is active wherever
nngrade is installed, but it only collects modules that sit in a folder marked
with ``nngrade.toml`` and whose name is a topic of the registry. Each public
check becomes one test, with the node id ``<module>.py::<exercise>::<check>``;
a check that does not pass fails with its feedback as the message, and a stub
fails as "not implemented", never as a crash. A module that cannot be loaded
(or lacks a function) fails the first check it stops with the full message,
and every other check it stops with one line, "not run: perceptron.py could
not be loaded". The run ends with the points.
What the student's code printed is in a failing check's message; for a passing
check, pytest shows it with ``-s`` or ``-rA``.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest

from grader.errors import NngradeError
from grader.selfcheck import is_exercise_folder

if TYPE_CHECKING:
    from grader.declarations import Check, Exercise
    from grader.results import CheckResult
    from grader.sandbox.runners import SelfCheckRunner

# The plugin is loaded by every pytest run where nngrade is installed: the grading code is imported
# only when a run collects an exercise module, and then after the sandbox's worker has been started.

_RESULTS = pytest.StashKey[list]()
_STATE = pytest.StashKey[dict[str, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nngrade", "nngrade exercise checks")
    group.addoption(
        "--nngrade-recorded",
        metavar="DIR",
        default=None,
        help="take expected values from recorded check data in DIR instead of the reference code",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_RESULTS] = []
    config.stash[_STATE] = {"code": {}, "expectations": None, "problems_shown": set()}
    _start_workers_early(config)


def _start_workers_early(config: pytest.Config) -> None:
    """When the run names exercise modules (or their folder), start the sandbox's workers now.

    A worker takes about a NumPy import to start; started here, it does so while pytest collects.
    """
    topics: set[str] = set()
    for arg in config.args or ["."]:
        path = Path(config.invocation_params.dir, str(arg).split("::")[0])
        if path.is_file() and path.suffix == ".py" and is_exercise_folder(path.parent):
            topics.add(path.stem)
        elif path.is_dir() and is_exercise_folder(path):
            topics.update(module.stem for module in path.glob("*.py"))
    if not topics:
        return
    _runner(config).start_soon("numpy")  # before the grading code and NumPy load, which it overlaps
    from grader.registry import load_topics

    if any(exercise.uses_torch for exercise in load_topics(topics)):
        _runner(config).start_soon("torch")


def _runner(config: pytest.Config) -> SelfCheckRunner:
    """The runner of this run's checks, chosen once; a portable one is named in the run's summary."""
    from grader.sandbox.runners import self_check_runner

    state = config.stash[_STATE]
    if state.get("runner") is None:
        try:
            state["runner"] = self_check_runner()
        except NngradeError as exc:
            raise pytest.UsageError(f"nngrade: {exc}") from None
        config.pluginmanager.register(_RunnerNotice(state["runner"]), "nngrade-runner-notice")
    return state["runner"]


class _RunnerNotice:
    """Says once, at the end of the run, that the checks ran without the sandbox."""

    def __init__(self, runner: SelfCheckRunner) -> None:
        self.runner = runner

    @pytest.hookimpl(trylast=True)  # after the points, in the nngrade section
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.runner.notice:
            terminalreporter.write_line(self.runner.notice)


def pytest_unconfigure(config: pytest.Config) -> None:
    """End the sandboxed children the checks used."""
    state = config.stash.get(_STATE, None)
    for code in (state or {}).get("code", {}).values():
        code.close()


def _is_exercise_module(file_path: Path) -> bool:
    from grader.registry import load_topics

    return file_path.suffix == ".py" and is_exercise_folder(file_path.parent) and bool(load_topics([file_path.stem]))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if not _is_exercise_module(file_path):  # only this topic's catalog is loaded
        return None
    return ExerciseModule.from_parent(parent, path=file_path)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Keep pytest's own test collection away from a student module named on the command line.

    ``pytest perceptron.py`` would otherwise import the module into pytest's
    process to look for test functions: a syntax error or failing import
    would end the run as a collection error, with none of its checks run.
    The module's checks are collected by :func:`pytest_collect_file`.
    """
    if _is_exercise_module(module_path):
        return _NoTests.from_parent(parent, path=module_path)
    return None


class _NoTests(pytest.File):
    """What pytest's own collection finds in a student module: nothing (the checks are collected apart)."""

    def collect(self) -> Iterator[pytest.Item]:
        return iter(())


class CheckNotPassed(Exception):
    """Carries a result that is not a pass out of :meth:`CheckItem.runtest`.

    ``first_of_problem``: the result is the first this run met of its module problem, and shows its full message.
    """

    def __init__(self, result: CheckResult, *, first_of_problem: bool = False) -> None:
        super().__init__(result.feedback)
        self.result = result
        self.first_of_problem = first_of_problem


class ExerciseModule(pytest.File):
    """A student module (``perceptron.py``): one collector per exercise in its topic."""

    def collect(self) -> Iterator[pytest.Collector]:
        from grader.registry import load_topics

        for exercise in load_topics([self.path.stem]):
            yield ExerciseCollector.from_parent(self, name=exercise.id, exercise=exercise)


class ExerciseCollector(pytest.Collector):
    def __init__(self, *, exercise: Exercise, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exercise = exercise

    def collect(self) -> Iterator[pytest.Item]:
        for check in self.exercise.public_checks:
            yield CheckItem.from_parent(self, name=check.name, exercise=self.exercise, check=check)


class CheckItem(pytest.Item):
    """One public check, run against the student's module in this folder."""

    def __init__(self, *, exercise: Exercise, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exercise = exercise
        self.check = check

    def _student_code(self) -> Any:
        cache = self.config.stash[_STATE]["code"]
        folder = str(self.path.parent)
        if folder not in cache:
            from grader.course import selfcheck_code_options

            # The course's limits, packages and data files for the exercises collected here, as grading uses them.
            collected = {item.exercise.id: item.exercise for item in self.session.items
                         if isinstance(item, CheckItem) and str(item.path.parent) == folder}
            options = selfcheck_code_options(folder, list(collected.values()))
            cache[folder] = _runner(self.config).student_code(folder, **options)
        return cache[folder]

    def _expectations(self):
        state = self.config.stash[_STATE]
        if state["expectations"] is None:
            from grader.selfcheck import make_expectations

            state["expectations"] = make_expectations(self.config.getoption("nngrade_recorded"))
        return state["expectations"]

    def runtest(self) -> None:
        from grader.results import Status

        result = self._graded()[self.check.name]
        self.config.stash[_RESULTS].append(result)
        if len(self.config.stash[_RESULTS]) == 1:
            # The grading code, NumPy and the expected values are loaded and stay for the whole run: keep the
            # garbage collector from walking them again (pytest collects several times as it ends).
            gc.freeze()
        self.user_properties.append(("nngrade_score", result.score))
        if result.status is not Status.PASSED:
            first = False
            if result.problem is not None:
                shown = self.config.stash[_STATE]["problems_shown"]
                key = (str(self.path.parent), *result.problem.key)
                first = key not in shown
                shown.add(key)
            raise CheckNotPassed(result, first_of_problem=first)
        if result.output:
            # What a passing check's code printed: pytest shows it with -s, and under "PASSES" with -rA or -rP.
            # (A check that does not pass shows it in its failure message.)
            sys.stdout.write(f"--- your code printed ({result.test_id}) ---\n{result.output}\n")

    def _graded(self) -> dict[str, CheckResult]:
        """This run's checks of the exercise, graded together when the first of them runs, by check name.

        Together, because a known mistake is named on the evidence of every failing check of the
        exercise (:mod:`grader.diagnosis`), as ``nngrade check`` names it.
        """
        from grader.runner import grade_exercise
        from grader.seeds import SeedPolicy

        graded = self.config.stash[_STATE].setdefault("graded", {})
        key = (str(self.path.parent), self.exercise.id)
        if key not in graded:
            names = [item.check.name for item in self.session.items
                     if isinstance(item, CheckItem) and (str(item.path.parent), item.exercise.id) == key]
            result = grade_exercise(self.exercise, self._student_code(), expectations=self._expectations(),
                                    seeds=SeedPolicy(), check_names=names or [self.check.name])
            graded[key] = {check.check_name: check for check in result.checks}
        return graded[key]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CheckNotPassed):
            from grader.feedback import problem_text

            result = excinfo.value.result
            score = "-" if result.score is None else f"{result.score:g}"
            header = f"{result.test_id}: {result.status} ({score}/{result.max_score:g} points)"
            text = f"{header}\n{result.feedback}"
            if result.problem is not None and excinfo.value.first_of_problem:
                text += (
                    f"\n\n{problem_text(result.problem)}\n\n"
                    f"(said once: the other checks this stops say only \"{result.problem.not_run}\")"
                )
            elif result.problem is not None:
                text = f"{header}: {result.problem.not_run}"
            if result.output:
                text += f"\n--- your code printed ---\n{result.output}"
            return text
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.exercise.id}::{self.check.name}"


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> Any:
    """Show a stub's checks as NOT IMPLEMENTED rather than a bare FAILED in verbose mode."""
    if report.when == "call" and report.failed and "not implemented" in str(report.longrepr).split("\n", 1)[0]:
        return "failed", "N", ("NOT IMPLEMENTED", {"yellow": True})
    return None


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    results = config.stash.get(_RESULTS, [])
    if not results:
        return
    from grader.results import Status

    score = sum(result.score or 0.0 for result in results)
    total = sum(result.max_score for result in results)
    exercises = len({result.exercise_id for result in results})
    not_implemented = sum(result.status is Status.NOT_IMPLEMENTED for result in results)
    terminalreporter.section("nngrade")
    line = f"public checks: {score:g}/{total:g} points over {exercises} exercises"
    if not_implemented:
        line += f" ({not_implemented} checks not implemented yet)"
    terminalreporter.write_line(line)
    stopped: dict[tuple[str, str], list[CheckResult]] = {}
    for result in results:
        if result.problem is not None:
            stopped.setdefault(result.problem.key, []).append(result)
    for group in stopped.values():
        count = f"{len(group)} check{'s' if len(group) > 1 else ''}"
        terminalreporter.write_line(
            f"{group[0].problem.headline}: {count} not run (the message is under {group[0].test_id})"
        )
    close = [result for result in results if result.status is Status.PASSED and result.limit_note]
    if close:
        # A failing check's message holds its note; a passing one would otherwise keep it to itself.
        terminalreporter.write_line("close to a time limit (grading uses the same limits):")
        for result in close:
            terminalreporter.write_line(f"  {result.test_id}: {result.limit_note}")
    if any(result.status is Status.INTERNAL_ERROR for result in results):
        terminalreporter.write_line("some checks hit an internal error in the grader and were not scored")
