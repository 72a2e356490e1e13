"""The hidden checks over 200 student ids, part 5 of the exercises (see hidden_sweep.py): full marks for the solution and the torch reference."""

from __future__ import annotations

import pytest

from hidden_sweep import STUDENT_COUNT, exercises_of_shard, sweep

EXERCISES = exercises_of_shard(5)


@pytest.mark.slow
@pytest.mark.parametrize("exercise", EXERCISES, ids=[exercise.id for exercise in EXERCISES])
def test_every_hidden_check_gives_full_marks_to_right_answers_for_every_student_id(exercise):
    lost = sweep(exercise)
    assert not lost, (
        f"{len(lost)} hidden check runs over {STUDENT_COUNT} student ids lose points for a right answer: the check's "
        "own arithmetic decides at a boundary (make the decision exact or draw inputs a stated margin away from it)\n\n"
        + "\n\n".join(lost[:10])
    )
