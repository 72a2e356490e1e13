"""The grader's own measure of its checks and its diagnoses: mutants of the solutions.

Each mutant is one solution module (``solutions/<topic>.py``) with one small
change made in its syntax tree: an arithmetic operator swapped, a comparison
swapped, a constant changed (0 <-> 1, n -> n + 1, 0.5 -> 2, True <-> False),
a unary minus removed or added, an ``axis`` or ``keepdims`` argument changed
or dropped, a call's last argument dropped, a slice bound moved by one, a
different local returned, a transpose removed or added, ``sum`` <-> ``mean``,
``max`` <-> ``min``. The change sits in an exercise's function, or in a helper
it calls (then every exercise that reaches the helper grades the mutant).
Sites are enumerated in a fixed order and sampled with a fixed seed, at most
``--per-function`` per function of the module.

Every mutant is graded in this process (public and hidden checks, for
``--students`` student ids). Then:

- **killed**: it loses points in some exercise it reaches;
- **equivalent**: it keeps full marks, and on a fresh input set (the hidden
  checks drawn for other student ids) it keeps full marks too and every answer
  it gives agrees with the reference's answer to the same call, within the
  grader's tolerance, wherever a check asked the reference for that call (a
  class, a function of objects, and an exercise whose right answer is not
  unique, :data:`SEVERAL_RIGHT_ANSWERS`, are judged by the marks alone). A
  mutant that keeps full marks but answers differently somewhere survives:
  the checks are too weak to see it;
- **named**: the feedback of a killed mutant names a known mistake; it is
  **correctly named** when, on the fresh input set, every answer the mutant
  gives agrees with the named mistake's variant's answer to the same call
  within float32's tolerance (or raises as it does). An exercise whose checks name mistakes from the answer
  itself (it declares ``recorded_reference``: random draws judged in
  distribution, derivations) has variants that draw their own numbers: there
  the mistake must be named again on every fresh student id.

It prints, per topic and in total: mutants, equivalent, killed, the kill
rate of the non-equivalent mutants, named, correctly named, the naming
precision; then every surviving non-equivalent mutant and every wrong name,
as file:line and the change.

    .venv/bin/python bench/bench_mutants.py --quick            # a smoke run: a few mutants per function
    .venv/bin/python bench/bench_mutants.py                    # the full run over every topic
    .venv/bin/python bench/bench_mutants.py --topics perceptron hopfield
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOLUTIONS = ROOT / "solutions"
SALT = "mutant-bench-salt"
GRADED_IDS = ("s2400001", "s2400002")
FRESH_IDS = ("s2500001", "s2500002", "s2500003")
SEED = 20261206
SEVERAL_RIGHT_ANSWERS = {
    "perceptron.gate_weights": "any weights that compute the gate are right (the docstring says so)",
}
"""Exercises whose right answer is not unique: a mutant of theirs is equivalent when it keeps full marks on the
fresh inputs, whatever its answers are (their checks judge a property of the answer, as this judges it)"""

BUDGET = 60.0
"""CPU seconds the solution's grading of one exercise may take (a mutant's judging: four times that)"""

# -- the mutator -----------------------------------------------------------------------------------

_BINOP_SWAPS = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div, ast.Pow: ast.Mult, ast.MatMult: ast.Mult, ast.Mod: ast.FloorDiv,
}
_COMPARE_SWAPS = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
_REDUCTION_SWAPS = {"sum": "mean", "mean": "sum", "max": "min", "min": "max", "argmax": "argmin", "argmin": "argmax"}


@dataclass(frozen=True)
class Site:
    """One place a mutation can be made: the n-th candidate node of an operator, in a fixed walk order."""

    operator: str
    index: int
    line: int
    function: str
    """the top-level function or class the site is in"""
    change: str
    """the change in words"""


def _constant_change(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return {0: 1, 1: 0}.get(value, value + 1)
    if isinstance(value, float):
        return {0.0: 1.0, 1.0: 0.0, 0.5: 2.0}.get(value, value * 2)
    return None


def _is_docstring(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    return isinstance(parent, ast.Expr) and isinstance(node, ast.Constant) and isinstance(node.value, str)


def _locals_of(function: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in names:
            names.append(node.id)
    return names


def _candidates(tree: ast.Module) -> Iterator[tuple[str, ast.AST, str, Callable[[], None]]]:
    """Every mutation of the tree: (operator, node, change in words, apply), in a fixed order.

    ``apply`` changes the tree in place; the caller parses a fresh tree for each mutant.
    """
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAPS:
            new = _BINOP_SWAPS[type(node.op)]
            yield "operator", node, f"{type(node.op).__name__} -> {new.__name__}", lambda n=node, c=new: setattr(n, "op", c())
        if isinstance(node, ast.AugAssign) and type(node.op) in _BINOP_SWAPS:
            new = _BINOP_SWAPS[type(node.op)]
            yield "operator", node, f"{type(node.op).__name__}= -> {new.__name__}=", lambda n=node, c=new: setattr(n, "op", c())
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _COMPARE_SWAPS:
            new = _COMPARE_SWAPS[type(node.ops[0])]
            yield ("comparison", node, f"{type(node.ops[0]).__name__} -> {new.__name__}",
                   lambda n=node, c=new: n.ops.__setitem__(0, c()))
        if isinstance(node, ast.Constant) and not _is_docstring(node, parents):
            changed = _constant_change(node.value)
            if changed is not None and not isinstance(node.value, str):
                yield "constant", node, f"{node.value!r} -> {changed!r}", lambda n=node, v=changed: setattr(n, "value", v)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            parent = parents.get(node)

            def remove(n=node, p=parent):
                for name, value in ast.iter_fields(p):
                    if value is n:
                        setattr(p, name, n.operand)
                    elif isinstance(value, list):
                        for i, item in enumerate(value):
                            if item is n:
                                value[i] = n.operand

            if parent is not None:
                yield "unary minus", node, "unary minus removed", remove
        if isinstance(node, ast.BinOp) and isinstance(node.right, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
            yield ("unary minus", node, "unary minus added to a right operand",
                   lambda n=node: setattr(n, "right", ast.UnaryOp(op=ast.USub(), operand=n.right)))
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "axis" and isinstance(keyword.value, (ast.Constant, ast.UnaryOp)):
                    yield ("axis", node, "axis argument dropped",
                           lambda n=node, k=keyword: n.keywords.remove(k))
                    yield ("axis", node, "axis -> other axis",
                           lambda k=keyword: setattr(k, "value", ast.Constant(value=_other_axis(k.value))))
                if keyword.arg == "keepdims":
                    yield ("keepdims", node, "keepdims flipped",
                           lambda k=keyword: setattr(k, "value", ast.Constant(value=not _truth(k.value))))
            if len(node.args) >= 2:
                yield "argument", node, "last positional argument dropped", lambda n=node: n.args.pop()
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _REDUCTION_SWAPS:
                new_name = _REDUCTION_SWAPS[func.attr]
                yield "reduction", node, f"{func.attr} -> {new_name}", lambda f=func, a=new_name: setattr(f, "attr", a)
        if isinstance(node, ast.Slice):
            for bound in ("lower", "upper"):
                value = getattr(node, bound)
                if value is not None:
                    yield ("slice", node, f"slice {bound} bound + 1",
                           lambda n=node, b=bound, v=value: setattr(n, b, ast.BinOp(left=v, op=ast.Add(), right=ast.Constant(1))))
        if isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(node.ctx, ast.Load):
            parent = parents.get(node)

            def untranspose(n=node, p=parent):
                for name, value in ast.iter_fields(p):
                    if value is n:
                        setattr(p, name, n.value)
                    elif isinstance(value, list):
                        for i, item in enumerate(value):
                            if item is n:
                                value[i] = n.value

            if parent is not None:
                yield "transpose", node, "transpose removed", untranspose
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult) and isinstance(node.left, ast.Name):
            yield ("transpose", node, "transpose added to a matmul operand",
                   lambda n=node: setattr(n, "left", ast.Attribute(value=n.left, attr="T", ctx=ast.Load())))
    for function in tree.body:
        if not isinstance(function, (ast.FunctionDef, ast.ClassDef)):
            continue
        names = _locals_of(function)
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Name):
                others = [name for name in names if name != node.value.id]
                if others:
                    other = others[0] if len(others) == 1 else others[-1]
                    yield ("return", node, f"returns {other} instead of {node.value.id}",
                           lambda n=node, o=other: setattr(n, "value", ast.Name(id=o, ctx=ast.Load())))


def _truth(node: ast.AST) -> bool:
    return bool(node.value) if isinstance(node, ast.Constant) else True


def _other_axis(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant):
        value = node.value
    elif isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        value = -node.operand.value
    else:
        return 0
    if value is None:
        return 0
    if isinstance(value, tuple):
        return value[0]
    return 0 if value in (1, -1) else 1


def _owner(tree: ast.Module, node: ast.AST) -> str | None:
    for function in tree.body:
        if isinstance(function, (ast.FunctionDef, ast.ClassDef)):
            for inner in ast.walk(function):
                if inner is node:
                    return function.name
    return None


def sites(source: str) -> list[Site]:
    """Every mutation site of a module, in a fixed order (only inside top-level functions and classes)."""
    tree = ast.parse(source)
    found: list[Site] = []
    counts: dict[str, int] = {}
    for operator, node, change, _ in _candidates(tree):
        index = counts.get(operator, 0)
        counts[operator] = index + 1
        owner = _owner(tree, node)
        if owner is not None:
            found.append(Site(operator, index, getattr(node, "lineno", 0), owner, change))
    return found


def mutate(source: str, site: Site) -> str | None:
    """The module with the mutation at ``site`` made; None when it does not change the program."""
    tree = ast.parse(source)
    index = 0
    for operator, node, change, apply in _candidates(tree):
        if operator != site.operator:
            continue
        if index == site.index:
            apply()
            break
        index += 1
    else:
        return None
    try:
        mutated = ast.unparse(ast.fix_missing_locations(tree))
    except Exception:  # noqa: BLE001 - a change ast cannot write back is not a mutant
        return None
    if mutated == ast.unparse(ast.parse(source)):
        return None
    try:
        compile(mutated, "<mutant>", "exec")
    except SyntaxError:
        return None
    return mutated


def reach(source: str) -> dict[str, set[str]]:
    """For each top-level function or class, the top-level functions and classes it reaches (itself included)."""
    tree = ast.parse(source)
    defs = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    uses = {
        name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in defs and n.id != name}
        for name, node in defs.items()
    }
    reached = {}
    for name in defs:
        seen, todo = {name}, [name]
        while todo:
            for used in uses[todo.pop()]:
                if used not in seen:
                    seen.add(used)
                    todo.append(used)
        reached[name] = seen
    return reached


def sample_sites(source: str, per_function: int, seed: int = SEED) -> list[Site]:
    """At most ``per_function`` sites of each top-level function or class, drawn with a fixed seed."""
    by_function: dict[str, list[Site]] = {}
    for site in sites(source):
        by_function.setdefault(site.function, []).append(site)
    chosen = []
    for function in sorted(by_function):
        group = by_function[function]
        rng = random.Random(f"{seed}-{function}")
        chosen += sorted(rng.sample(group, min(per_function, len(group))), key=lambda s: (s.line, s.operator, s.index))
    return chosen


# -- grading and judging ---------------------------------------------------------------------------


@dataclass
class Outcome:
    topic: str
    site: Site
    exercises: list[str]
    killed: bool = False
    equivalent: bool = False
    names: list[tuple[str, str, bool]] = field(default_factory=list)
    """(exercise, mistake, behaves like its variant on the fresh inputs)"""
    note: str = ""


def _as_float32(value: Any) -> Any:
    """The answer judged at float32's tolerance: torch's float32 results come back as Python floats too, and
    the same arithmetic in another order differs in their last float32 digit."""
    from grader.diagnosis import _as_float32 as narrowed

    return narrowed(value)


class _Watching:
    """A student code that also asks, for each call, whether another answer (a mistake's variant) is alike.

    With no other answer, it keeps each call's digest and answer, to be compared afterwards with the
    reference's answers the checks asked for (:meth:`differs_from_reference`).
    """

    def __init__(self, inner: Any, other: Callable[[tuple, dict], Any] | None) -> None:
        self.inner = inner
        self.other = other
        self.differs = 0
        self.calls = 0
        self.answers: list[tuple[str, Any]] = []

    def call(self, function: Any, args: tuple, kwargs: dict, **options: Any) -> Any:
        from grader.compare import values_match
        from grader.trial import call_digest

        from grader.errors import StudentRaised

        pristine = copy.deepcopy((args, kwargs))
        try:
            outcome = self.inner.call(function, args, kwargs, **options)
        except StudentRaised as exc:
            # Alike when the other answer raises the same exception with the same message.
            self.calls += 1
            if self.other is not None:
                try:
                    self.other(*pristine)
                except Exception as other:  # noqa: BLE001
                    self.differs += (type(other).__name__, str(other)) != (exc.error_type, exc.error_message)
                else:
                    self.differs += 1
            raise
        self.calls += 1
        if self.other is None:
            self.answers.append((call_digest(*pristine), outcome.value))
            return outcome
        try:
            alike = values_match(_as_float32(outcome.value), self.other(*pristine))
        except Exception:  # noqa: BLE001 - the other function cannot answer: not alike
            alike = False
        self.differs += not alike
        return outcome

    def differs_from_reference(self, exercise: Any, expectations: Any) -> bool:
        """Whether some answer differs from the reference's answer to the same call, where a check asked for it.

        A call whose inputs no check gave the reference is judged by a property (a truth table of weights
        the student chose, the accuracy a training run reaches): its check's marks judge it.
        """
        from grader.compare import values_match
        from grader.expectations import _MISSING

        for key, value in self.answers:
            expected = expectations.remembered(exercise, key)
            if expected is not _MISSING and not values_match(_as_float32(value), expected):
                return True
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _student_folder(topic: str, mutated: str, into: Path) -> Path:
    for path in SOLUTIONS.iterdir():
        if path.is_file():
            if path.suffix == ".py":
                shutil.copy(path, into / path.name)
            else:
                (into / path.name).symlink_to(path)
    (into / f"{topic}.py").write_text(mutated)
    return into


def _variant(exercise: Any, path: str) -> Callable[[tuple, dict], Any]:
    from grader.plain_data import to_plain

    function = exercise.answer_function(path)
    return lambda args, kwargs: to_plain(function(*args, **kwargs))


def judge(topic: str, site: Site, mutated: str, exercises: list[Any], expectations: dict[str, Any],
          students: tuple[str, ...], wall: float) -> Outcome:
    from grader.runner import grade_exercise
    from grader.seeds import SeedPolicy
    from grader.student_code import InProcessStudentCode

    outcome = Outcome(topic, site, [exercise.id for exercise in exercises])
    with tempfile.TemporaryDirectory(prefix="mutant-") as folder:
        code = InProcessStudentCode(_student_folder(topic, mutated, Path(folder)), wall_seconds=wall)
        named: list[tuple[Any, Any]] = []
        for exercise in exercises:
            shared = expectations[exercise.id]
            for student in students:
                result = grade_exercise(exercise, code, expectations=shared, seeds=SeedPolicy.for_student(SALT, student),
                                        include_hidden=True)
                if result.score < result.max_score or not result.complete:
                    outcome.killed = True
                    for check in result.checks:
                        for mistake in check.mistakes:
                            if (exercise, mistake.name) not in named:
                                named.append((exercise, mistake.name))
        if not outcome.killed:
            outcome.equivalent = all(_agrees(exercise, code, expectations[exercise.id], None) for exercise in exercises)
            if not outcome.equivalent:
                outcome.note = "answers differ from the reference's on fresh inputs"
        for exercise, name in named:
            mistake = next(m for m in exercise.mistakes if m.name == name)
            if exercise.recorded_reference is not None:
                ok = _named_again(exercise, code, expectations[exercise.id], name)
            else:
                ok = _agrees(exercise, code, expectations[exercise.id], mistake)
            outcome.names.append((exercise.id, name, ok))
    return outcome


def _named_again(exercise: Any, code: Any, expectations: Any, name: str) -> bool:
    """Whether the checks name the mistake again for every fresh student id.

    For an exercise whose checks name its mistakes from the answer itself (it declares
    ``recorded_reference``: random draws judged in distribution, derivations judged by their values): its
    variants' answers are draws of their own, so the mutant cannot answer each call as one does.
    """
    from grader.runner import grade_exercise
    from grader.seeds import SeedPolicy

    names = [check.name for check in exercise.hidden_checks]
    for student in FRESH_IDS:
        result = grade_exercise(exercise, code, expectations=expectations, seeds=SeedPolicy.for_student(SALT, student),
                                include_hidden=True, check_names=names)
        if name not in {mistake.name for check in result.checks for mistake in check.mistakes}:
            return False
    return True


def _by_value(exercise: Any) -> bool:
    """Whether a mutant's answers must equal the reference's to be equivalent (else its marks judge it).

    Not for an exercise whose right answer is not unique, nor for a class or a function of objects,
    whose scripts' results hold more than the checks compare (a freshly built module's random weights).
    """
    return exercise.id not in SEVERAL_RIGHT_ANSWERS and not exercise.student.scripted


def _agrees(exercise: Any, code: Any, expectations: Any, mistake: Any) -> bool:
    """Whether the mutant answers every call of the hidden checks, for fresh student ids, as the other answer does.

    The other answer is the reference (and then the mutant must also keep full marks there), or a
    mistake's variant.
    """
    from grader.runner import grade_exercise
    from grader.seeds import SeedPolicy

    other = None if mistake is None else _variant(exercise, mistake.variant)
    watching = _Watching(code, other)
    names = [check.name for check in exercise.hidden_checks]
    for student in FRESH_IDS:
        result = grade_exercise(exercise, watching, expectations=expectations,
                                seeds=SeedPolicy.for_student(SALT, student), include_hidden=True, check_names=names)
        if mistake is None and result.score < result.max_score:
            return False
        if mistake is None and _by_value(exercise) and watching.differs_from_reference(exercise, expectations):
            return False
        if watching.differs:
            return False
    return watching.calls > 0


class _OverBudget(BaseException):
    """A mutant's grading used more CPU than the bench gives one (a BaseException: no check may catch it)."""


@contextlib.contextmanager
def _cpu_budget(seconds: float) -> Iterator[None]:
    """Stop the block after ``seconds`` of this process's CPU time (a timer of its own beside the calls' wall limit)."""
    import signal

    def _over(signum: int, frame: Any) -> None:
        raise _OverBudget()

    previous = signal.signal(signal.SIGVTALRM, _over)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def baseline(exercises: list[Any], expectations: dict[str, Any], students: tuple[str, ...], budget: float) -> dict[str, str]:
    """The exercises the bench cannot judge, with why: the solution itself must keep full marks in time."""
    from grader.runner import grade_exercise
    from grader.seeds import SeedPolicy
    from grader.student_code import InProcessStudentCode

    code = InProcessStudentCode(SOLUTIONS)
    unjudged = {}
    for exercise in exercises:
        if exercise.student.kind == "weights":
            continue
        try:
            with _cpu_budget(budget):
                for student in students:
                    result = grade_exercise(exercise, code, expectations=expectations[exercise.id],
                                            seeds=SeedPolicy.for_student(SALT, student), include_hidden=True)
                    if result.score < result.max_score or not result.complete:
                        unjudged[exercise.id] = "the solution itself does not keep full marks"
                        break
        except _OverBudget:
            unjudged[exercise.id] = f"grading the solution took more than {budget:g} s of CPU"
    return unjudged


# -- the run ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """torch and the BLAS libraries on one thread, as in the sandbox's children (the machine is shared)."""
    import torch
    from threadpoolctl import threadpool_limits

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        torch.set_num_threads(threads)


@dataclass
class Tally:
    mutants: int = 0
    equivalent: int = 0
    killed: int = 0
    named: int = 0
    correct: int = 0

    def add(self, outcome: Outcome) -> None:
        self.mutants += 1
        self.equivalent += outcome.equivalent
        self.killed += outcome.killed
        self.named += len(outcome.names)
        self.correct += sum(ok for _, _, ok in outcome.names)

    def row(self, label: str) -> list[str]:
        live = self.mutants - self.equivalent
        kill = f"{100 * self.killed / live:.1f}%" if live else "-"
        precision = f"{100 * self.correct / self.named:.1f}%" if self.named else "-"
        return [label, str(self.mutants), str(self.equivalent), str(self.killed), kill, str(self.named),
                str(self.correct), precision]


def mutants_of(topic: str, exercises: list[Any], per_function: int) -> Iterator[tuple[Site, str, list[Any]]]:
    """The sampled mutants of a topic's solution, each with the exercises whose function reaches the change."""
    source = (SOLUTIONS / f"{topic}.py").read_text()
    reached = reach(source)
    graded = [e for e in exercises if e.student.kind != "weights"]
    for site in sample_sites(source, per_function):
        affected = [e for e in graded if site.function in reached.get(e.student.name, ())]
        if not affected:
            continue
        mutated = mutate(source, site)
        if mutated is not None:
            yield site, mutated, affected


def run(topics: list[str] | None, per_function: int, students: tuple[str, ...], wall: float,
        out: Callable[[str], None] = print, verbose: bool = False
        ) -> tuple[dict[str, Tally], list[Outcome], dict[str, str]]:
    from grader import load_registry
    from grader.expectations import ReferenceExpectations

    registry = load_registry()
    chosen = [t for t in registry.topics if (SOLUTIONS / f"{t}.py").is_file() and (not topics or t in topics)]
    tallies: dict[str, Tally] = {}
    outcomes: list[Outcome] = []
    unjudged: dict[str, str] = {}
    for topic in chosen:
        exercises = list(registry.in_topic(topic))
        expectations = {exercise.id: ReferenceExpectations() for exercise in exercises}
        tally = tallies.setdefault(topic, Tally())
        started = time.perf_counter()
        skipped = baseline(exercises, expectations, students, BUDGET)
        unjudged.update(skipped)
        for site, mutated, affected in mutants_of(topic, [e for e in exercises if e.id not in skipped], per_function):
            began = time.perf_counter()
            try:
                with _cpu_budget(BUDGET * 4):
                    outcome = judge(topic, site, mutated, affected, expectations, students, wall)
            except _OverBudget:
                unjudged[f"solutions/{topic}.py:{site.line} ({site.function}): {site.change}"] = (
                    f"its grading took more than {BUDGET * 4:g} s of CPU")
                continue
            tally.add(outcome)
            outcomes.append(outcome)
            if verbose:
                verdict = "equivalent" if outcome.equivalent else "killed" if outcome.killed else "SURVIVED"
                out(f"    {topic}.py:{site.line} {site.function}: {site.change}: {verdict} "
                    f"{[(n, ok) for _, n, ok in outcome.names]} ({time.perf_counter() - began:.1f} s)")
        out(f"  {topic}: {tally.mutants} mutants in {time.perf_counter() - started:.0f} s")
    return tallies, outcomes, unjudged


def _run_topics(topics: list[str], per_function: int, students: tuple[str, ...], wall: float, verbose: bool) -> Any:
    with _one_thread():
        return run(topics, per_function, students, wall, verbose=verbose)


def _in_processes(jobs: int, topics: list[str] | None, per_function: int, students: tuple[str, ...], wall: float,
                  verbose: bool) -> tuple[dict[str, Tally], list[Outcome], dict[str, str]]:
    """:func:`run` with the topics dealt to ``jobs`` processes (each on one thread), the results in topic order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from grader import load_registry

    chosen = [t for t in load_registry().topics if (SOLUTIONS / f"{t}.py").is_file() and (not topics or t in topics)]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = list(pool.map(_run_topics, [[topic] for topic in chosen], *zip(*[(per_function, students, wall, verbose)]
                                                                               * len(chosen))))
    tallies: dict[str, Tally] = {}
    outcomes: list[Outcome] = []
    unjudged: dict[str, str] = {}
    for part_tallies, part_outcomes, part_unjudged in parts:
        tallies.update(part_tallies)
        outcomes += part_outcomes
        unjudged.update(part_unjudged)
    return tallies, outcomes, unjudged


def table(tallies: dict[str, Tally]) -> list[str]:
    from grader.feedback import text_table

    total = Tally()
    rows = [["topic", "mutants", "equivalent", "killed", "kill rate", "named", "correctly named", "precision"]]
    for topic, tally in tallies.items():
        rows.append(tally.row(topic))
        for name in ("mutants", "equivalent", "killed", "named", "correct"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
    rows.append(total.row("total"))
    return text_table(rows, right=(1, 2, 3, 4, 5, 6, 7))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 mutant per function, 1 student id")
    parser.add_argument("--topics", nargs="*", help="only these topics (default: every topic with a solution)")
    parser.add_argument("--per-function", type=int, default=None, help="mutants per function (default 3; quick 1)")
    parser.add_argument("--wall", type=float, default=10.0, help="seconds a mutant's call may take (default 10)")
    parser.add_argument("--jobs", type=int, default=1, help="processes the topics are dealt to (default 1)")
    parser.add_argument("--verbose", "-v", action="store_true", help="a line per mutant, with its verdict and time")
    options = parser.parse_args(argv)
    per_function = options.per_function or (1 if options.quick else 3)
    students = GRADED_IDS[:1] if options.quick else GRADED_IDS
    started = time.perf_counter()
    if options.jobs > 1:
        tallies, outcomes, unjudged = _in_processes(options.jobs, options.topics, per_function, students, options.wall,
                                                    options.verbose)
    else:
        with _one_thread():
            tallies, outcomes, unjudged = run(options.topics, per_function, students, options.wall,
                                              verbose=options.verbose)
    print()
    print("\n".join(table(tallies)))
    print()
    print(f"{time.perf_counter() - started:.0f} s; {per_function} mutants at most per function, graded for "
          f"{len(students)} student id(s); equivalent: full marks, and every answer on the hidden checks of "
          f"{len(FRESH_IDS)} fresh student ids agrees with the reference's within float32 tolerance where a check asked "
          f"the reference for it (classes, functions of objects and {', '.join(SEVERAL_RIGHT_ANSWERS)}, whose "
          f"right answer is not unique: full marks there)")
    if unjudged:
        print("\nnot judged:")
        for what, why in unjudged.items():
            print(f"  {what}: {why}")
    survivors = [o for o in outcomes if not o.killed and not o.equivalent]
    if survivors:
        print("\nsurviving non-equivalent mutants:")
        for o in survivors:
            print(f"  solutions/{o.topic}.py:{o.site.line} ({o.site.function}): {o.site.change}  [{', '.join(o.exercises)}]")
    wrong = [(o, e, n) for o in outcomes for e, n, ok in o.names if not ok]
    if wrong:
        print("\nwrong names:")
        for o, exercise, name in wrong:
            print(f"  solutions/{o.topic}.py:{o.site.line} ({o.site.function}): {o.site.change}  named '{name}' in {exercise}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
