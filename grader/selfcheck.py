"""What a student's self-check needs: their folder, the expectations, the checks to run.

Shared by ``nngrade check`` and the pytest plugin so both find the same folder
and run the same checks the same way.

Expected values come from the reference code in a course checkout, and from
the recorded public check data that the student bundle ships inside the
grader package (``grader/recorded_checks/``) where there is no reference code.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from typing import TYPE_CHECKING

from grader.errors import RecordingMissing

if TYPE_CHECKING:
    from grader.expectations import Expectations

MARKER = "nngrade.toml"
"""The file that marks a folder of exercise modules (``exercises/`` and ``solutions/`` have one)."""

RECORDINGS_FOLDER = "recorded_checks"
"""The folder inside the grader package where the student bundle ships its recorded public check data."""


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


def shipped_recordings() -> Path | None:
    """The recorded public check data this grader ships (in the student bundle), or ``None``."""
    folder = Path(__file__).resolve().parent / RECORDINGS_FOLDER
    return folder if folder.is_dir() else None


def reference_importable() -> bool:
    """Whether the reference implementations (package ``reference``) can be imported here."""
    try:
        return importlib.util.find_spec("reference") is not None
    except (ImportError, ValueError):
        return False


def make_expectations(recorded: str | os.PathLike[str] | None = None) -> "Expectations":
    """Where expected values come from: ``recorded`` when given, else what this installation has.

    The recorded data the grader ships when it has some (the student bundle),
    else the reference code. Raises :class:`~grader.errors.RecordingMissing`
    when there is neither.
    """
    from grader.expectations import RecordedExpectations, ReferenceExpectations

    if recorded:
        return RecordedExpectations(recorded)
    shipped = shipped_recordings()
    if shipped is not None:
        return RecordedExpectations(shipped)
    if not reference_importable():
        raise RecordingMissing(
            f"there is nothing to compare your answers with: the reference code (package 'reference') cannot be "
            f"imported and this grader ({Path(__file__).resolve().parent}) ships no recorded check data in "
            f"{RECORDINGS_FOLDER}/; install the student bundle with `pip install .` from its folder, "
            f"or pass the recorded data's folder with --recorded"
        )
    return ReferenceExpectations()
