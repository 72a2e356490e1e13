"""Exceptions raised by nngrade, all rooted at :class:`NngradeError`.

Two families live here. The first are the grader's own conditions (an unknown
exercise, a broken declaration, recorded data that does not cover a check).
The second describe what happened when student code was called; the check
runner turns each into one result status, so a check never has to catch them.
"""

from __future__ import annotations


class NngradeError(Exception):
    """Base class of every error nngrade raises on purpose."""


class UnknownExercise(NngradeError):
    """An exercise id was asked for that the registry does not hold.

    Likely causes: a typo, or an id from another course. ``nngrade list``
    prints the ids that exist.
    """


class InvalidDeclaration(NngradeError):
    """An exercise, check or mistake is declared inconsistently.

    This is a course author's error (duplicate ids, points that do not add up,
    a check that is not a function); the message names the declaration.
    """


class RecordingMissing(NngradeError):
    """Recorded check data has no entry for what a check asked.

    Raised when a check runs from recorded data (the student bundle) and asks
    the reference about inputs that were not recorded, for example inputs
    derived from the student's own answer. Re-record the data, or make the
    check's reference calls depend only on its generated inputs.
    """


class CheckFailed(NngradeError):
    """Raised inside a check to stop it at once with a failure message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StudentCodeProblem(NngradeError):
    """Base class of what can go wrong when student code is called."""

    def __init__(self, message: str, *, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class StudentNotImplemented(StudentCodeProblem):
    """The student function (or one it calls) still raises NotImplementedError."""


class StudentRaised(StudentCodeProblem):
    """The student function raised an exception.

    ``error_type`` and ``error_message`` identify the exception so that
    diagnosis can match it against a known mistake; ``details`` holds the
    traceback trimmed to the student's own frames.
    """

    def __init__(self, message: str, *, error_type: str, error_message: str, details: str = "") -> None:
        super().__init__(message, details=details)
        self.error_type = error_type
        self.error_message = error_message


class StudentTimedOut(StudentCodeProblem):
    """The student function ran past its time limit."""


class StudentCodeUnavailable(StudentCodeProblem):
    """The student function cannot be called at all.

    The module is missing, does not import (syntax error, failing import), or
    does not define the function. ``module`` names the module (without
    ``.py``; empty when the raiser did not say, and the caller knows it);
    ``missing`` is the name of the function or class the module does not
    define, empty when the module itself could not be loaded. The check runner
    reports the problem once per module (per function for a missing one), and
    each check it stopped as "not run".
    """

    def __init__(self, message: str, *, details: str = "", module: str = "", missing: str = "") -> None:
        super().__init__(message, details=details)
        self.module = module
        self.missing = missing


class StudentKilled(StudentCodeProblem):
    """The process running the student function ended instead of returning.

    It crashed (a segmentation fault), was killed for memory or for writing
    too much, or the code ended it itself (``os._exit``). The message names
    the signal or limit.
    """
