"""Exercises, checks and known mistakes, declared as data.

A course author declares an exercise once, in a topic module of
``grader/catalog/``::

    Exercise(
        id="perceptron.predict",
        title="Perceptron output",
        student=StudentFunction("perceptron", "predict"),
        reference="reference.perceptron:predict",
        torch_reference="reference.perceptron_torch:predict",
        checks=(
            Check(check_predict_random_inputs, points=1),
            Check(check_predict_on_the_boundary, points=1),
            Check(check_predict_hidden_inputs, points=2, hidden=True),
        ),
        mistakes=(Mistake("np.sign", hint="...", variant="reference.perceptron_mistakes:predict_np_sign"),),
    )

References and mistake variants are named by ``"module:function"`` strings and
imported only when they are used, so the grader runs from recorded data where
no reference code is installed (the student bundle).

Every exercise also has degenerate answers (:attr:`Exercise.degenerate`): answers that
compute nothing -- a constant, zeros, ones, the input echoed, uniform weights, a random
array of the right shape -- each of which must score 0 on every check, public and hidden
(``tests/test_invariants.py`` grades them all). They are named from the closed set
:data:`DEGENERATE_ANSWERS`; an exercise declares the ones that make sense for what it
returns, or gets the default for its kind (:func:`default_degenerate`).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from grader.errors import InvalidDeclaration
from grader.limits import validate_limits

if TYPE_CHECKING:
    from grader.trial import Trial

CheckFunction = Callable[["Trial"], None]

_EXERCISE_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def resolve(path: str) -> Callable[..., Any]:
    """Import ``"package.module:function"`` and return the function."""
    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute:
        raise InvalidDeclaration(f"{path!r} should look like 'package.module:function'")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise InvalidDeclaration(f"{module_name} has no function {attribute!r} (declared as {path!r})") from None


@dataclass(frozen=True)
class StudentFunction:
    """Where the student's answer lives: ``<module>.py`` in their folder, function ``name``."""

    module: str
    """the module's file name without ``.py``, for example ``"perceptron"``"""
    name: str
    """the function the student writes, for example ``"predict"``"""
    scripted: bool = False
    """whether the function takes objects (a model to train): checks then call it with a script of
    :mod:`grader.object_scripts`, which makes the objects in the student's child and passes them in"""

    def __str__(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def kind(self) -> str:
        return "function"


@dataclass(frozen=True)
class StudentClass(StudentFunction):
    """A class the student writes (a ``torch.nn.Module``, a ``torch.autograd.Function``): ``<module>.py``, class ``name``.

    Checks use it through scripts (:mod:`grader.object_scripts`): ``t.student(steps)`` constructs it,
    loads parameters, calls methods and backpropagates in the student's child, and returns plain
    results; ``t.reference(steps)`` runs the same script against the reference class.
    """

    scripted: bool = True

    @property
    def kind(self) -> str:
        return "class"


@dataclass(frozen=True)
class StudentWeights(StudentFunction):
    """A trained model's weights the student hands in beside the code: file ``name`` (``torch.save`` of a state_dict).

    ``module`` is the topic's module, whose docstring tells the student what
    to train and save. Checks use the file through scripts: a ``load_file``
    step loads it, in the student's child only, with
    ``torch.load(..., weights_only=True)`` into a network the script builds,
    and only that network's outputs come back. A reference is a function
    that returns such a state_dict (tensors, or arrays for the NumPy
    reference), or the bytes of a file.
    """

    scripted: bool = True

    @property
    def kind(self) -> str:
        return "weights"


@dataclass(frozen=True)
class Check:
    """One check of an exercise: a plain function and what it is worth."""

    function: CheckFunction
    """``check_<subject>_<property>(t: Trial) -> None``; its docstring's first line is shown to students"""
    points: float = 1.0
    """the points for passing every expectation the check makes (partial credit in between)"""
    hidden: bool = False
    """whether the check is hidden from students: it runs only when an instructor grades"""

    @property
    def name(self) -> str:
        """The check's name: its function name without the ``check_`` prefix."""
        name = self.function.__name__
        return name[len("check_") :] if name.startswith("check_") else name

    @property
    def description(self) -> str:
        doc = (self.function.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else self.name.replace("_", " ")


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer, as a small variant of the reference."""

    name: str
    """a short name students will recognise, for example ``"np.sign"``"""
    hint: str
    """what the mistake is and how to fix it, addressed to the student"""
    variant: str
    """``"module:function"`` of the variant; same signature as the student function"""


# -- degenerate answers -------------------------------------------------------------------------


def _leaf(value: Any, kind: str, rng: Any, *, floats_only: bool) -> Any:
    """A degenerate stand-in for one plain value of the reference's answer, of the same type and shape."""
    import numpy as np

    if isinstance(value, dict):
        return {key: _leaf(item, kind, rng, floats_only=floats_only) for key, item in value.items()}
    if isinstance(value, (list, tuple)) and not (kind == "echo" and value and all(isinstance(v, str) for v in value)):
        items = [_leaf(item, kind, rng, floats_only=floats_only) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, (list, tuple)):  # a derivation's steps: the first step (the start) repeated
        return [value[0]] * len(value)
    if isinstance(value, str):
        if floats_only:
            return value
        if kind == "echo":
            raise InvalidDeclaration("an answer that is one expression has no input to echo: do not declare 'echo'")
        return {"zeros": "0", "ones": "1", "constant": "1/2", "uniform": "1/2"}.get(kind, str(int(rng.integers(2, 9))))
    if isinstance(value, bool):
        return value if floats_only else {"zeros": False, "ones": True, "constant": True}.get(kind, bool(rng.integers(2)))
    if isinstance(value, int):
        return value if floats_only else {"zeros": 0, "ones": 1, "constant": 1, "uniform": 1}.get(kind, int(rng.integers(0, 4)))
    if isinstance(value, float):
        return {"zeros": 0.0, "ones": 1.0, "constant": 0.5, "uniform": 0.5}.get(kind, float(rng.uniform(-1, 1)))
    if not isinstance(value, np.ndarray) or (floats_only and value.dtype.kind not in "fiu"):
        return value
    if value.dtype.kind == "b":
        made = {"zeros": np.zeros, "ones": np.ones, "constant": np.ones}.get(kind)
        return made(value.shape, dtype=bool) if made else rng.integers(0, 2, size=value.shape).astype(bool)
    if value.dtype.kind in "iu":
        if kind == "random":
            return rng.integers(-1, 3, size=value.shape).astype(value.dtype)
        return np.full(value.shape, 0 if kind == "zeros" else 1, dtype=value.dtype)
    if kind == "uniform":
        width = value.shape[-1] if value.ndim else 1
        return np.full(value.shape, 1.0 / max(width, 1), dtype=value.dtype)
    if kind == "random":
        return rng.uniform(-1.0, 1.0, size=value.shape).astype(value.dtype)
    return np.full(value.shape, {"zeros": 0.0, "ones": 1.0}.get(kind, 0.5), dtype=value.dtype)


def _echoed(args: tuple[Any, ...], kwargs: dict[str, Any], expected: Any) -> Any:
    """The input given back: the first argument of the answer's shape, else the first argument."""
    import numpy as np

    inputs = list(args) + list(kwargs.values())
    if not inputs:
        return _leaf(expected, "echo", None, floats_only=False)
    want = np.shape(expected) if isinstance(expected, np.ndarray) else None
    for item in inputs:
        if want is not None and isinstance(item, np.ndarray) and item.shape == want:
            return item
    return inputs[0]


DEGENERATE_ANSWERS: tuple[str, ...] = ("zeros", "ones", "constant", "echo", "uniform", "random")
"""The closed set of degenerate answers, each built from the call's inputs and the shape of the right answer:
zeros, ones and a constant (0.5, True, ``"1/2"``) of the answer's type and shape; the input echoed (the first
argument of the answer's shape; a derivation's start repeated as every step); uniform weights (1/width in every
entry, rows summing to 1); random values of the answer's type and shape."""


def default_degenerate(student: "StudentFunction") -> tuple[str, ...]:
    """The degenerate answers an exercise gets unless it declares its own.

    A function of plain inputs gets all of them. A class or a function that
    takes objects answers through a script whose results also hold names,
    flags and counts: its degenerate answers replace only the computed values
    (numeric arrays and floats), which is a module that builds and registers
    everything but computes a constant; echoing a script's input means
    nothing there.
    """
    if student.scripted:
        return tuple(kind for kind in DEGENERATE_ANSWERS if kind != "echo")
    return DEGENERATE_ANSWERS


def degenerate_answer(kind: str, args: tuple[Any, ...], kwargs: dict[str, Any], expected: Any, *, scripted: bool, seed: int = 0) -> Any:
    """What the degenerate answer ``kind`` returns for a call with these inputs, whose right answer is ``expected``.

    Only the type and shape of ``expected`` are used (and, for a derivation's
    steps, its first step, which is the question's given start).
    """
    import numpy as np

    if kind not in DEGENERATE_ANSWERS:
        raise InvalidDeclaration(f"{kind!r} is not a degenerate answer; they are {', '.join(DEGENERATE_ANSWERS)}")
    if kind == "echo" and not scripted:
        return _echoed(args, kwargs, expected)
    return _leaf(expected, kind, np.random.default_rng(seed), floats_only=scripted)


@dataclass(frozen=True)
class Exercise:
    """One task a student solves, with its checks and known mistakes."""

    id: str
    """``<topic>.<task>``, for example ``"perceptron.train"``"""
    title: str
    student: StudentFunction
    reference: str
    """``"module:function"`` of the NumPy reference (the student function's signature)"""
    checks: tuple[Check, ...]
    torch_reference: str | None = None
    """``"module:function"`` of the torch reference, which must agree with the NumPy one"""
    mistakes: tuple[Mistake, ...] = ()
    limits: Mapping[str, float] = field(default_factory=dict)
    """overrides of the course's sandbox limits for this exercise, e.g. ``{"wall_seconds": 60}``
    (see :class:`grader.sandbox.Limits`)"""
    uses_torch: bool = False
    """whether the student's code needs torch: its calls then run in a child with torch loaded"""
    uses_gpu: bool = False
    """whether the exercise's checks want a GPU: on a Dask cluster its students go to workers that declare
    the ``GPU`` resource (none declares it yet; without such workers it is graded anywhere, with a note)"""
    notes: str = ""
    """where in the course notes the exercise comes from"""
    recorded_reference: Callable[[Any, int], Any] | None = field(default=None, repr=False)
    """what a recording keeps in place of the reference's value, for an exercise whose expected values
    would give the answers away: called at record time as ``recorded_reference(value, seed)`` with the
    reference's value and the check's seed, it returns plain data, which the checks then get from
    ``t.reference()`` when they run from the recording. None records the value itself. An exercise that
    declares it records no traces of its mistakes either: its checks name them from what it records.
    Derivation exercises record the correct expression's values at sample points, never the expression."""
    degenerate: tuple[str, ...] | None = None
    """the degenerate answers (names from :data:`DEGENERATE_ANSWERS`) that must score 0 on every check;
    None gives the default for the student's kind (:func:`default_degenerate`)"""
    data_files: tuple[str, ...] = ()
    """files the exercise ships beside its stub, as paths relative to the exercises folder with ``/`` between
    folders (``"points.csv"``, ``"digits/train.csv"``): the student bundle ships them, and the self-check and
    grading copy them, read-only, into the empty folder the student's code runs in, where the code opens them by
    these paths"""
    float32: bool = True
    """whether the exercise takes float32: a solution whose float inputs and answers are float32 (arrays,
    tensors, scalars) must then score full marks, which ``tests/test_validity_sweeps.py`` checks. False for
    an exercise with no floating-point arithmetic to do in float32 (integers or bits only, an answer in
    text), with :attr:`float32_reason`; its docstring says so too"""
    float32_reason: str = ""
    """why the exercise does not take float32, in a few words (required when :attr:`float32` is False)"""
    input_classes: tuple[str, ...] | None = None
    """the classes of input its docstring allows, from the vocabulary of :mod:`grader.input_classes`
    (``"integer dtype"``, ``"non-symmetric matrix: W"``, ``"edge of the legal range: u -> 1"``, ``"ties: X @ w"``,
    ...): every one must be drawn by at least one call of a public or hidden check, which
    ``tests/test_input_classes.py`` checks. Default argument values need no declaration: every parameter with a
    default must be omitted by some call. None is not declared yet; ``()`` declares that the docstring allows
    no class beyond the ordinary inputs"""

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def points(self) -> float:
        """Total points: the sum of the checks' points."""
        return sum(check.points for check in self.checks)

    @property
    def degenerate_answers(self) -> tuple[str, ...]:
        """The degenerate answers this exercise is tested with: its own, or its kind's default."""
        return default_degenerate(self.student) if self.degenerate is None else self.degenerate

    @property
    def public_checks(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.hidden)

    @property
    def hidden_checks(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if check.hidden)

    def answer_function(self, path: str, *, numpy: bool = False) -> Callable[..., Any]:
        """The function that answers this exercise's calls as the ``"module:function"`` at ``path`` would.

        For an exercise called with plain inputs, that function itself. For a
        scripted one (a student class, or a function that takes objects), a
        function of a script that carries it out against the class or
        function at ``path``: with torch, or, for ``numpy=True`` (the NumPy
        reference), against a NumPy class written to the protocol of
        :mod:`grader.object_scripts`.
        """
        target = resolve(path)
        if not self.student.scripted:
            return target
        from grader.object_scripts import run_numpy_script, run_torch_script

        runner = run_numpy_script if numpy else run_torch_script
        if self.student.kind == "weights":
            files = {self.student.name: _weights_file(path, numpy=numpy)}

            def scripted(steps: Any) -> Any:
                return runner(None, steps, files=files)

            scripted.__name__ = self.student.name
            return scripted

        def scripted(steps: Any) -> Any:
            return runner(target, steps)

        scripted.__name__ = getattr(target, "__name__", "scripted")
        return scripted

    def check_named(self, name: str) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        raise InvalidDeclaration(f"{self.id} has no check {name!r}")

    def validate(self) -> None:
        """Raise :class:`InvalidDeclaration` if the declaration is inconsistent."""
        where = f"exercise {self.id!r}"
        if not _EXERCISE_ID.match(self.id):
            raise InvalidDeclaration(f"{where}: ids look like 'topic.task' in lower case")
        if self.topic != self.student.module:
            raise InvalidDeclaration(f"{where}: the student module should be {self.topic!r}, not {self.student.module!r}")
        if not self.checks:
            raise InvalidDeclaration(f"{where} has no checks")
        names = [check.name for check in self.checks]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise InvalidDeclaration(f"{where} declares the checks {duplicates} twice")
        for check in self.checks:
            if not callable(check.function) or not _NAME.match(check.name):
                raise InvalidDeclaration(f"{where}: check {check.name!r} must be a function named check_<name>")
            if check.points <= 0:
                raise InvalidDeclaration(f"{where}: check {check.name!r} must be worth more than 0 points")
        mistake_names = [mistake.name for mistake in self.mistakes]
        if len(set(mistake_names)) != len(mistake_names):
            raise InvalidDeclaration(f"{where} declares a mistake name twice")
        if self.limits:
            validate_limits(self.limits, where=where)
        if self.student.scripted and not self.uses_torch:
            raise InvalidDeclaration(f"{where}: a student class (or a function that takes objects) needs uses_torch=True")
        if not self.public_checks:
            raise InvalidDeclaration(f"{where} has no public check: students could not self-check it")
        unknown = sorted(set(self.degenerate_answers) - set(DEGENERATE_ANSWERS))
        if unknown:
            raise InvalidDeclaration(
                f"{where}: {unknown} are not degenerate answers; declare some of {', '.join(DEGENERATE_ANSWERS)}"
            )
        for problem in data_file_problems(self.data_files):
            raise InvalidDeclaration(f"{where}: data_files: {problem}")
        if not isinstance(self.float32, bool) or not isinstance(self.float32_reason, str):
            raise InvalidDeclaration(f"{where}: float32 is True or False, and float32_reason a string")
        if not self.float32 and not self.float32_reason.strip():
            raise InvalidDeclaration(f"{where}: float32=False needs a float32_reason: why the exercise does not take float32")
        if self.float32 and self.float32_reason:
            raise InvalidDeclaration(f"{where}: float32_reason is only for float32=False")
        from grader.input_classes import validate_input_classes

        validate_input_classes(self.input_classes, where=where)
        if self.recorded_reference is not None and not callable(self.recorded_reference):
            raise InvalidDeclaration(f"{where}: recorded_reference must be a function of (value, seed), or None")


MAX_DATA_FILE_BYTES = 16 * 2**20
"""the largest data file an exercise may ship: it is sent to every child the student's code runs in"""

_DATA_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")


def data_file_problems(paths: Any) -> list[str]:
    """What is wrong with an exercise's ``data_files`` declaration, one message per problem (empty: nothing)."""
    if not isinstance(paths, tuple) or not all(isinstance(path, str) for path in paths):
        return [f"must be a tuple of paths relative to the exercises folder, e.g. (\"points.csv\",), not {paths!r}"]
    problems = []
    for path in paths:
        if not _DATA_PATH.match(path) or ".." in path.split("/"):
            problems.append(
                f"{path!r} is not a path inside the exercises folder: write it relative to that folder, with / between "
                "folders and letters, digits, '_', '-' and '.' in names (e.g. 'digits/train.csv')"
            )
        elif path.endswith(".py") or path == "nngrade.toml":
            problems.append(f"{path!r} is a module or the folder's marker, not a data file")
    if len(set(paths)) != len(paths):
        problems.append("a path is declared twice")
    return problems


def data_file_contents(exercises: Sequence["Exercise"], folder: Any, *, missing_ok: bool = False) -> dict[str, bytes]:
    """The data files ``exercises`` declare, read from the exercises folder ``folder`` (path to contents).

    Raises :class:`InvalidDeclaration` naming a file that is missing or too
    large, unless ``missing_ok`` (a student's own folder, where a file they
    removed is left out and their code is told which files it has).
    """
    from pathlib import Path

    found: dict[str, bytes] = {}
    for exercise in exercises:
        for relative in exercise.data_files:
            path = Path(folder) / relative
            if relative in found:
                continue
            if not path.is_file():
                if missing_ok:
                    continue
                raise InvalidDeclaration(
                    f"exercise {exercise.id!r} declares the data file {relative!r}, but {path} does not exist: "
                    "put the file there (beside the exercise's stub) or remove it from data_files"
                )
            if path.stat().st_size > MAX_DATA_FILE_BYTES:
                raise InvalidDeclaration(
                    f"exercise {exercise.id!r}: the data file {path} is larger than {MAX_DATA_FILE_BYTES // 2**20} MB, "
                    "the most a data file may be (it is sent to every process the student's code runs in)"
                )
            found[relative] = path.read_bytes()
    return found


@functools.lru_cache(maxsize=32)
def _weights_file(path: str, *, numpy: bool) -> Any:
    """What a weights reference at ``path`` hands in: its arrays (NumPy), or the bytes ``torch.save`` writes of it."""
    made = resolve(path)()
    if numpy or isinstance(made, bytes):
        return made
    import io

    import torch

    buffer = io.BytesIO()
    torch.save(made, buffer)
    return buffer.getvalue()


def released_exercises(
    exercises: Sequence[Exercise], released: Mapping[str, tuple[float, Mapping[str, Any]]]
) -> tuple[Exercise, ...]:
    """``exercises`` as a student bundle ships them: only those named in ``released``, public checks only.

    ``released`` maps an exercise id to ``(factor, limits)``: the factor the
    course scales the exercise's points by, and the limits its calls run under
    when graded (empty: the exercise's own). The self-check then shows the
    course's points and stops a call where grading would.
    """
    kept = []
    for exercise in exercises:
        if exercise.id not in released:
            continue
        factor, limits = released[exercise.id]
        checks = tuple(
            dataclasses.replace(check, points=round(check.points * factor, 4))
            for check in exercise.checks
            if not check.hidden
        )
        kept.append(dataclasses.replace(exercise, checks=checks, limits=dict(limits) if limits else exercise.limits))
    return tuple(kept)
