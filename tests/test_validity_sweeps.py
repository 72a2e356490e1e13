"""No correct answer loses a point to precision: every exercise's solution computing in float32 scores full marks.

The solution of every exercise that takes float32 (``Exercise.float32``) is
graded, in process, as a student whose float inputs are cast to float32
before it sees them and whose answers are float32 (arrays, tensors,
``np.float32`` scalars, inside tuples, lists and dicts): public and hidden
checks, for several students, full marks required. A failure is a check that
holds a float32 answer to float64's tolerance (directly, or through a
quantity it computes from the answer), or that draws inputs whose float32
rounding changes a decision; the fix belongs in the check or in
:mod:`grader.compare`, never here. An exercise with no floating-point
arithmetic (integers or bits only, an answer in text) declares
``float32=False`` with a reason, says so in its docstring, and is skipped by
that declaration alone.

The other sweep, of every hidden check over 200 student ids, is in
``tests/test_hidden_sweep_*.py``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from grader import load_registry
from grader.declarations import Exercise
from grader.errors import InvalidDeclaration
from grader.expectations import ReferenceExpectations
from grader.object_scripts import run_torch_script
from grader.runner import grade_exercise
from grader.seeds import SeedPolicy
from grader.student_code import InProcessStudentCode, TrustedStudentCode

from conftest import EXERCISES, SOLUTIONS, load_module, one_thread, to_float32

REGISTRY = load_registry()
ALL = list(REGISTRY)
STUDENTS = ("f32-ada", "f32-bo", "f32-s1234567")
EXPECTATIONS = ReferenceExpectations()


def _solution(exercise: Exercise):
    """The solution as a function of the check's call: the function itself, or a script run against the class."""
    code = InProcessStudentCode(SOLUTIONS)
    if exercise.student.kind == "weights":
        files = {exercise.student.name: (SOLUTIONS / exercise.student.name).read_bytes()}
        return lambda steps: run_torch_script(None, steps, files=files)
    target = code.function(exercise.student)
    if exercise.student.scripted:
        return lambda steps: run_torch_script(target, steps)
    return target


def _float32_student(exercise: Exercise, casts: list[int]):
    """The solution computing in float32; ``casts`` counts the float values it was given or gave back.

    A script's options (a dropout rate, a learning rate) stay Python floats: only its arrays are cast.
    """
    solution, scalars = _solution(exercise), not exercise.student.scripted

    def counted(value):
        cast = to_float32(value, scalars=scalars)
        casts[0] += _floats(value)
        return cast

    def answer(*args, **kwargs):
        return counted(solution(*counted(args), **counted(kwargs)))

    return answer


def _floats(value) -> int:
    """How many float values (arrays, tensors, scalars) ``value`` holds."""
    if isinstance(value, dict):
        return sum(_floats(item) for item in value.values())
    if isinstance(value, (tuple, list)):
        return sum(_floats(item) for item in value)
    if type(value).__module__.startswith("torch") and hasattr(value, "is_floating_point"):
        return int(value.is_floating_point())
    return int(isinstance(value, (float, np.floating)) or isinstance(value, np.ndarray) and value.dtype.kind == "f")


@pytest.mark.parametrize("exercise", ALL, ids=[exercise.id for exercise in ALL])
def test_a_solution_computing_in_float32_scores_full_marks(exercise):
    if not exercise.float32:
        pytest.skip(f"{exercise.id} does not take float32: {exercise.float32_reason}")
    casts = [0]
    student = TrustedStudentCode(_float32_student(exercise, casts))
    lost = []
    for student_id in STUDENTS:
        with one_thread():
            result = grade_exercise(exercise, student, expectations=EXPECTATIONS,
                                    seeds=SeedPolicy.for_student("float32-salt", student_id), include_hidden=True)
        lost += [f"{exercise.id}, check {check.check_name}, student {student_id}: {check.score}/{check.max_score} "
                 f"[{check.status}]\n{check.feedback}" for check in result.checks if check.score != check.max_score]
    assert not lost, "a solution computing in float32 loses points (fix the check or grader/compare.py):\n\n" + "\n\n".join(lost)
    assert casts[0] > 0, (
        f"{exercise.id}: no input or answer of any check holds a float, so computing in float32 changes nothing: "
        "declare float32=False with a float32_reason in its Exercise, and say so in its docstring"
    )


def _docstrings(exercise: Exercise) -> str:
    """The student's function's (or class's) docstring and its module's, in the stub and the solution."""
    texts = []
    for folder in (EXERCISES, SOLUTIONS):
        module = load_module(folder, exercise.topic)
        texts += [module.__doc__ or "", getattr(getattr(module, exercise.student.name, None), "__doc__", None) or ""]
    return "\n".join(texts)


NOT_FLOAT32 = [exercise for exercise in ALL if not exercise.float32]


@pytest.mark.parametrize("exercise", NOT_FLOAT32, ids=[exercise.id for exercise in NOT_FLOAT32])
def test_an_exercise_that_does_not_take_float32_says_so_in_its_docstring(exercise):
    if exercise.student.kind == "weights":
        pytest.skip("a weights file has no function to document")
    assert "float32" in _docstrings(exercise), (
        f"{exercise.id} is declared float32=False ({exercise.float32_reason}): its docstring should say so"
    )


def test_the_float32_declaration_is_validated():
    exercise = REGISTRY.get("cnn.conv_output_size")
    assert not exercise.float32 and exercise.float32_reason
    exercise.validate()
    with pytest.raises(InvalidDeclaration, match="needs a float32_reason"):
        dataclasses.replace(exercise, float32_reason=" ").validate()
    with pytest.raises(InvalidDeclaration, match="only for float32=False"):
        dataclasses.replace(exercise, float32=True).validate()
    with pytest.raises(InvalidDeclaration, match="True or False"):
        dataclasses.replace(exercise, float32="no").validate()
    assert REGISTRY.get("activations.softmax").float32 and not REGISTRY.get("activations.softmax").float32_reason


def test_the_hidden_sweep_s_files_together_sweep_every_exercise_with_hidden_checks_once():
    """One test file per shard, each sweeping its own shard: every exercise with hidden checks is in exactly one."""
    from pathlib import Path

    from hidden_sweep import SHARDS, STUDENT_COUNT, STUDENT_IDS, exercises_of_shard

    folder = Path(__file__).parent
    assert sorted(path.name for path in folder.glob("test_hidden_sweep_*.py")) == sorted(
        f"test_hidden_sweep_{shard}.py" for shard in range(SHARDS)
    )
    for shard in range(SHARDS):
        assert f"exercises_of_shard({shard})" in (folder / f"test_hidden_sweep_{shard}.py").read_text()
    swept = [exercise.id for shard in range(SHARDS) for exercise in exercises_of_shard(shard)]
    assert sorted(swept) == sorted(exercise.id for exercise in ALL if exercise.hidden_checks)
    assert STUDENT_COUNT >= 200 and len(set(STUDENT_IDS)) == STUDENT_COUNT
