"""Where each check's random inputs come from.

Every check draws its inputs from a NumPy generator seeded by a hash of
(course salt, student id, exercise id, check name):

- **public checks** always use the public salt and the public student id, so
  a student's self-check, the recorded data in the student bundle and the
  public part of the instructor's grading all see the same inputs;
- **hidden checks** use the course's grading salt and the student's id, so each
  student gets inputs of their own and a regrade reproduces them exactly.

Including the check name gives every check its own stream: adding a check
never changes the inputs of another.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

PUBLIC_SALT = "nngrade-public"
PUBLIC_STUDENT = "self-check"


@dataclass(frozen=True)
class SeedPolicy:
    """Which salt and student id seed the hidden checks.

    The default is the self-check policy; graders build one per student with
    :meth:`for_student`.
    """

    salt: str = PUBLIC_SALT
    student_id: str = PUBLIC_STUDENT

    @classmethod
    def for_student(cls, salt: str, student_id: str) -> "SeedPolicy":
        return cls(salt=salt, student_id=student_id)

    def seed(self, exercise_id: str, check_name: str, *, hidden: bool) -> int:
        """The integer seed of one check for this policy."""
        if hidden:
            return derive_seed(self.salt, self.student_id, exercise_id, check_name)
        return derive_seed(PUBLIC_SALT, PUBLIC_STUDENT, exercise_id, check_name)


def derive_seed(salt: str, student_id: str, exercise_id: str, check_name: str) -> int:
    """A 64-bit seed from the four parts (stable across runs and machines)."""
    text = "\x1f".join((salt, student_id, exercise_id, check_name))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def generator(seed: int) -> np.random.Generator:
    """The generator a check draws from."""
    return np.random.default_rng(seed)
