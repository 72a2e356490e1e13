"""nngrade's grading core: the public façade.

Everything listed in ``__all__`` is stable for course authors and tools; the
modules behind it are internal and free to change.

The modules are built as floors, from the bottom up. A module imports only
modules of its own floor or of the floors below it, never one above, and no
group of modules imports each other in a circle; a package named here brings
all its modules to its floor. ``tests/test_layers.py`` reads every import
with ``ast`` (in functions and ``TYPE_CHECKING`` blocks too) and fails on an
upward import, a circle, or a module that no floor lists, so a new module is
placed here when it is written. A reader can start at floor 1 and understand
each floor without the ones above it.

1. **data** -- ``errors``, ``plain_data``, ``results``, ``records``,
   ``seeds``, ``limits``, ``submission_environment``, ``progress``,
   ``student_ids``, ``compare``, ``object_scripts``, ``similarity``,
   ``tampering``, ``lazy_exports``: the values and records every floor passes
   around, how two answers compare, the scripts by which a check uses a
   student's class, how alike two submissions are, the signs of tampering
   grading saw, and how a package imports its public names on first use.
2. **files** -- ``submissions``, ``reports``, ``gradebook``,
   ``late_penalties``, ``adjustments``: reading a class's submissions and
   writing its grades, feedback and reports, all from the plain records of
   floor 1, with the instructor's adjustments applied.
3. **checks** -- ``trial``, ``input_classes``, ``declarations``,
   ``student_code``, ``expectations``, ``diagnosis``, ``feedback``, ``runner``,
   ``selfcheck``, ``module_checks``, ``check_versions``: declaring an exercise
   and the classes of input its checks must draw, running its checks on a
   student's code, and the version of its checks that graded a result.
4. **sandbox** -- ``sandbox``: running student code in a limited child
   process, behind the same interface as code loaded in process.
5. **derivations** -- ``derivations``: reading and judging answers written as
   expressions, in a sandbox child of their own.
6. **catalog** -- ``catalog``: the course's exercises, one module per topic.
7. **course** -- ``registry``, ``course``, ``course_gradebook``: the
   exercises of a course, its course file, and its assignments' gradebooks
   combined.
8. **grading** -- ``student_grading``, ``grading_workers``,
   ``cluster_grading``, ``batch``, ``instructor_adjustments``,
   ``notebook_checks``, ``pytest_plugin``: grading one student, a class
   (here or on a Dask cluster), the instructor's adjustments to a graded
   class, a notebook's test cell, and a student's own pytest run.
9. **delivery** -- ``delivery``: the student bundle, the nbgrader course and
   the Gradescope autograder.
10. **commands** -- ``cli``, ``scaffold``, ``grader``: the nngrade command (the scaffold
    writes a new exercise's files) and this façade.

The reference implementations (``reference/``) stand beside the floors: they
import no module of the grader, which finds them by name.
"""

import sys
import types
from typing import TYPE_CHECKING, Any

from grader.lazy_exports import lazy_getattr

if TYPE_CHECKING:
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

_HOMES = {
    "Comparison": "grader.compare",
    "compare": "grader.compare",
    "Check": "grader.declarations",
    "Exercise": "grader.declarations",
    "Mistake": "grader.declarations",
    "StudentFunction": "grader.declarations",
    "NngradeError": "grader.errors",
    "RecordedExpectations": "grader.expectations",
    "ReferenceExpectations": "grader.expectations",
    "record_public_checks": "grader.expectations",
    "Registry": "grader.registry",
    "load_registry": "grader.registry",
    "CheckResult": "grader.results",
    "ExerciseResult": "grader.results",
    "Status": "grader.results",
    "grade_exercise": "grader.runner",
    "run_check": "grader.runner",
    "SeedPolicy": "grader.seeds",
    "InProcessStudentCode": "grader.student_code",
    "StudentCode": "grader.student_code",
    "Trial": "grader.trial",
}
"""where each name of the façade lives; a name is imported on first use, so ``import grader.cli`` pays
only for the modules the command needs"""


__getattr__ = lazy_getattr(__name__, _HOMES, globals())


class _Facade(types.ModuleType):
    """The package's module type: importing the submodule ``grader.compare`` leaves the name ``compare``
    to the function of the façade (Python would bind the submodule there)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _HOMES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Facade


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
