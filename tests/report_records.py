"""A small class of hand-built gradebook records for the report tests.

Ten points over three exercises, with public and hidden checks, and these students:

- ``alice``: full marks.
- ``bob``: partial; the known mistakes 'np.sign' (on a public and a hidden check) and
  'kept the diagonal'; his code printed ``<script>`` markup.
- ``carol``: a timed-out check and an internal error (her grade is incomplete).
- ``dave``: his zip could not be read (a problem row).
- ``erin``: two days late, 20% penalty; 'kept the diagonal'.
- ``frank``: 'np.sign' on two public checks, an errored hidden check, a stub left unimplemented.
- ``o'brien <b>&co``: a weird id, full marks.

Everything a hidden check says (description, feedback, output, mistake hints) contains
:data:`SECRET`, which must never reach a student's own files.
"""

from __future__ import annotations

from grader.records import AssignmentInfo, CheckInfo, ExerciseInfo, LatePolicy, StudentRecord
from grader.results import CheckResult, DiagnosedMistake, ExerciseResult, Status

SECRET = "SECRET-HIDDEN-INPUT-7731"
SCRIPT_OUTPUT = "debug: <script>alert('x')</script> & done"
WEIRD_ID = "o'brien <b>&co"

NP_SIGN = DiagnosedMistake("np.sign", "np.sign(0) is 0, but the perceptron outputs -1 when w . x <= 0")
DIAGONAL = DiagnosedMistake("kept the diagonal", "'store' kept the diagonal: w_ii should be 0")
HIDDEN_ONLY = DiagnosedMistake("flipped labels", f"on the hidden inputs {SECRET} the labels come out flipped")

EXERCISES = (
    ExerciseInfo(
        "perceptron.predict",
        "Perceptron output",
        4.0,
        (
            CheckInfo("predict_on_the_boundary", "outputs -1 where w.x is 0", False, 1.0),
            CheckInfo("predict_ties", "ties between classes", False, 1.0),
            CheckInfo("predict_hidden_inputs", f"hidden inputs {SECRET}", True, 2.0),
        ),
    ),
    ExerciseInfo(
        "hopfield.store",
        "Hopfield storage",
        4.0,
        (
            CheckInfo("store_small", "three patterns of six units", False, 2.0),
            CheckInfo("store_hidden", f"hidden patterns {SECRET}", True, 2.0),
        ),
    ),
    ExerciseInfo(
        "backprop.bp2",
        "BP2",
        2.0,
        (
            CheckInfo("bp2_shapes", "delta has the layer's shape", False, 1.0),
            CheckInfo("bp2_values", "delta's values", False, 1.0),
        ),
    ),
)

ASSIGNMENT = AssignmentInfo(
    name="assignment-1",
    exercises=EXERCISES,
    due="2024-03-01T23:59:00+00:00",
    late=LatePolicy(per_day_percent=10.0, max_percent=50.0),
)

_CHECKS = {(exercise.id, check.name): check for exercise in EXERCISES for check in exercise.checks}


def check(
    exercise_id: str,
    name: str,
    status: Status = Status.PASSED,
    score: float | None = None,
    *,
    mistakes: tuple[DiagnosedMistake, ...] = (),
    output: str = "",
    feedback: str | None = None,
) -> CheckResult:
    """A check result of the assignment above; full points when passed unless ``score`` says otherwise."""
    declared = _CHECKS[(exercise_id, name)]
    if score is None and status is not Status.INTERNAL_ERROR:
        score = declared.max_score if status is Status.PASSED else 0.0
    if feedback is None:
        if declared.hidden:
            feedback = f"{declared.description}\n'{name}' got [1, -1] on {SECRET}, expected [-1, -1]"
        elif status is Status.PASSED:
            feedback = f"{declared.description}\npassed: looks good"
        else:
            feedback = f"{declared.description}\n'{name}' is not correct:\n  got ```[0, 1]```, expected [-1, 1]"
    if declared.hidden and output == "":
        output = f"printing the hidden inputs: {SECRET}"
    return CheckResult(
        exercise_id=exercise_id,
        check_name=name,
        description=declared.description,
        status=status,
        score=score,
        max_score=declared.max_score,
        feedback=feedback,
        hidden=declared.hidden,
        mistakes=mistakes,
        output=output,
        seconds=0.01,
    )


def exercises(overrides: dict[tuple[str, str], CheckResult] | None = None) -> tuple[ExerciseResult, ...]:
    """Every exercise with every check passed, except the results in ``overrides``."""
    overrides = overrides or {}
    results = []
    for exercise in EXERCISES:
        checks = tuple(
            overrides.get((exercise.id, declared.name), check(exercise.id, declared.name))
            for declared in exercise.checks
        )
        results.append(ExerciseResult(exercise.id, exercise.title, checks))
    return tuple(results)


def _overrides(*results: CheckResult) -> dict[tuple[str, str], CheckResult]:
    return {(result.exercise_id, result.check_name): result for result in results}


def class_records() -> list[StudentRecord]:
    """The class described in the module docstring, in no particular order."""
    common = dict(form="folder", submitted_at="2024-03-01T12:00:00+00:00", graded_at="2024-03-05T10:00:00+00:00")
    return [
        StudentRecord("erin", exercises(_overrides(
            check("hopfield.store", "store_small", Status.FAILED, mistakes=(DIAGONAL,)),
        )), late_days=2, late_penalty_percent=20.0, seconds=3.5,
            **{**common, "submitted_at": "2024-03-03T08:00:00+00:00"}),
        StudentRecord("alice", exercises(), seconds=2.25, **common),
        StudentRecord("bob", exercises(_overrides(
            check("perceptron.predict", "predict_on_the_boundary", Status.FAILED, mistakes=(NP_SIGN,),
                  output=SCRIPT_OUTPUT),
            check("perceptron.predict", "predict_hidden_inputs", Status.FAILED, mistakes=(NP_SIGN, HIDDEN_ONLY)),
            check("hopfield.store", "store_small", Status.FAILED, 1.0, mistakes=(DIAGONAL,)),
        )), **common),
        StudentRecord("carol", exercises(_overrides(
            check("hopfield.store", "store_small", Status.TIMED_OUT,
                  feedback="three patterns of six units\n'store' ran past its time limit of 30 s"),
            check("backprop.bp2", "bp2_values", Status.INTERNAL_ERROR,
                  feedback="delta's values\ninternal error in the grader (not your fault)"),
        )), **common),
        StudentRecord("dave", problem="dave.zip is not a readable zip file (bad CRC-32 for exercises/hopfield.py)",
                      form="zip", entry="dave.zip"),
        StudentRecord("frank", exercises(_overrides(
            check("perceptron.predict", "predict_on_the_boundary", Status.FAILED, mistakes=(NP_SIGN,)),
            check("perceptron.predict", "predict_ties", Status.FAILED, mistakes=(NP_SIGN,)),
            check("perceptron.predict", "predict_hidden_inputs", Status.ERRORED),
            check("backprop.bp2", "bp2_shapes", Status.NOT_IMPLEMENTED),
            check("backprop.bp2", "bp2_values", Status.NOT_IMPLEMENTED),
        )), **common),
        StudentRecord(WEIRD_ID, exercises(), **common),
    ]


def record_of(student_id: str) -> StudentRecord:
    """The record of one student of :func:`class_records`."""
    return next(record for record in class_records() if record.student_id == student_id)
