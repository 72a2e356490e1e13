"""The hidden checks over 200 student ids: no check's own arithmetic decides a verdict.

Every hidden check draws new inputs for each student (seeded by the course
salt and the student id, :mod:`grader.seeds`). A check whose own arithmetic
decides a verdict at a boundary -- a tie, a sign, an argmax, a threshold, a
cumulative sum against u, integer weights scaled by a random c and summed in
floating point -- passes a correct answer for most students and fails it for
a few. So for every exercise with hidden checks, the hidden checks run on the
inputs of :data:`STUDENT_COUNT` student ids, in process, with the solution as
the student and with the torch reference in the student's place, and every
one must give full marks. A failure names the exercise, the check and the
student id; the fix belongs in the check (decide exactly, with integers or
fractions, or draw inputs a stated margin away from the boundary), never in
fewer ids.

The exercises are dealt to :data:`SHARDS` test files, ``test_hidden_sweep_<k>.py``,
exercise ``i`` of the registry to file ``i mod SHARDS``, so that every exercise, a
new one included, is in exactly one file; ``make test`` deals their tests out one
by one to its workers (tests/conftest.py), early, since each can take a minute.
The expected values are computed once per student id and shared by the
two answers.
"""

from __future__ import annotations

from typing import Any

from grader import load_registry
from grader.declarations import Exercise
from grader.expectations import ReferenceExpectations
from grader.runner import grade_exercise
from grader.seeds import SeedPolicy
from grader.student_code import InProcessStudentCode, TrustedStudentCode

from conftest import SOLUTIONS, one_thread

STUDENT_COUNT = 200
SHARDS = 6
SALT = "hidden-sweep-salt"
STUDENT_IDS = tuple(f"s{number:07d}" for number in range(2300000, 2300000 + STUDENT_COUNT))
"""student ids shaped as a course's are"""

REGISTRY = load_registry()


def exercises_of_shard(shard: int) -> list[Exercise]:
    """The exercises with hidden checks that file ``shard`` sweeps."""
    swept = [exercise for exercise in REGISTRY if exercise.hidden_checks]
    return [exercise for index, exercise in enumerate(swept) if index % SHARDS == shard]


def students(exercise: Exercise) -> list[tuple[str, Any]]:
    """The solution, in process, and the torch reference (where there is one) in the student's place."""
    found = [("the solution", InProcessStudentCode(SOLUTIONS))]
    if exercise.torch_reference:
        found.append(("the torch reference", TrustedStudentCode(exercise.answer_function(exercise.torch_reference))))
    return found


def sweep(exercise: Exercise) -> list[str]:
    """Every hidden check of the exercise, for every student id, as each student: what lost points, in words."""
    names = [check.name for check in exercise.hidden_checks]
    who = students(exercise)
    lost = []
    with one_thread():
        for student_id in STUDENT_IDS:
            lost += _sweep_one(exercise, student_id, names, who)
    return lost


def _sweep_one(exercise: Exercise, student_id: str, names: list[str], who: list[tuple[str, Any]]) -> list[str]:
    """The hidden checks on one student id's inputs, as each student: what lost points."""
    expectations = ReferenceExpectations()  # remembers this student's expected values for both answers
    seeds = SeedPolicy.for_student(SALT, student_id)
    lost = []
    for label, code in who:
        result = grade_exercise(exercise, code, expectations=expectations, seeds=seeds, include_hidden=True,
                                check_names=names)
        lost += [
            f"{exercise.id}, check {check.check_name}, student id {student_id!r} (salt {SALT!r}), {label}: "
            f"{check.score}/{check.max_score} [{check.status}]\n{check.feedback}"
            for check in result.checks if check.score != check.max_score
        ]
    return lost
