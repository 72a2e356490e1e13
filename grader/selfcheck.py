"""What a student's self-check needs: their folder, the expectations, the checks to run.

Shared by ``nngrade check`` and the pytest plugin so both find the same folder
and run the same checks the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

from grader.expectations import Expectations, RecordedExpectations, ReferenceExpectations

MARKER = "nngrade.toml"
"""The file that marks a folder of exercise modules (``exercises/`` and ``solutions/`` have one)."""


def is_exercise_folder(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def find_student_folder(start: str | os.PathLike[str] | None = None) -> Path:
    """The folder of exercise modules to check, seen from ``start`` (default: the working directory).

    ``start`` itself when it is an exercises folder or holds no ``exercises/``;
    otherwise its ``exercises/`` subfolder (running from the course's root).
    """
    here = Path(start or Path.cwd()).resolve()
    if is_exercise_folder(here):
        return here
    if is_exercise_folder(here / "exercises"):
        return here / "exercises"
    return here


def make_expectations(recorded: str | os.PathLike[str] | None = None) -> Expectations:
    """Expected values from recorded data when a folder is given, else from the reference code."""
    if recorded:
        return RecordedExpectations(recorded)
    return ReferenceExpectations()
