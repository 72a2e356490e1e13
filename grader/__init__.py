"""nngrade's grading core: the public façade.

Everything listed in ``__all__`` is stable for course authors and tools; the
modules behind it are internal and free to change.
"""

from grader.compare import Comparison, compare
from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.errors import NngradeError
from grader.expectations import RecordedExpectations, ReferenceExpectations, record_public_checks
from grader.registry import Registry, load_registry
from grader.results import CheckResult, ExerciseResult, Status
from grader.runner import grade_exercise, run_check
from grader.seeds import SeedPolicy
from grader.student_code import InProcessStudentCode, StudentCode
from grader.trial import Trial

__all__ = [
    "Check",
    "CheckResult",
    "Comparison",
    "Exercise",
    "ExerciseResult",
    "InProcessStudentCode",
    "Mistake",
    "NngradeError",
    "RecordedExpectations",
    "ReferenceExpectations",
    "Registry",
    "SeedPolicy",
    "Status",
    "StudentCode",
    "StudentFunction",
    "Trial",
    "compare",
    "grade_exercise",
    "load_registry",
    "record_public_checks",
    "run_check",
]
