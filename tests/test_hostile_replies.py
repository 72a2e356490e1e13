"""Hostile replies: a student's child that lies on the wire never causes an internal error.

The child is the student's process: their module can replace the runtime
that answers the grader and write any bytes on its socket. Every case here
is a real module run in the real sandbox that does so -- a reply field set to
``10**400`` or nan, strings and nesting past the limits, raw bytes that are
no frame at all -- or that costs the grader in other ways (a module padded
past 500 KB, a derivation answer of ``exp(1000)``, a huge reply, sleeping
just under the limit on every call). Each gets its exact outcome, and an
honest student graded after it in the same process keeps full marks.
"""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from grader import load_registry
from grader.declarations import StudentFunction
from grader.errors import StudentCodeProblem, StudentCodeUnavailable, StudentKilled, StudentRaised, StudentTimedOut
from grader.limits import Budget
from grader.plain_data import Unconvertible
from grader.results import Status
from grader.runner import grade_exercise
from grader.sandbox import Limits, Sandbox, SandboxedStudentCode
from grader.sandbox.sandboxed_code import BUDGET_SPENT
from grader.student_grading import GradingSettings, grade_student
from grader.submissions.limits import MAX_SOURCE_BYTES

from conftest import ROOT

LIMITS = Limits(wall_seconds=3, cpu_seconds=2, memory_mb=512, processes=24, file_size_mb=8, output_chars=2000, result_mb=8)
HONEST = (ROOT / "solutions" / "perceptron.py").read_bytes()
REGISTRY = load_registry()


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(LIMITS, protected=[]) as box:
        yield box


def settings(exercise_ids: tuple[str, ...] = ("perceptron.predict",), budget: Budget | None = None) -> GradingSettings:
    return GradingSettings(salt="hostile-replies-salt", exercise_ids=exercise_ids, scales={}, limits=LIMITS,
                           protected=(), budget=budget)


def graded(sources: dict[str, bytes], sandbox: Sandbox, **options):
    student = grade_student("student", sources, settings(**options), sandbox)
    return [check for exercise in student.exercises for check in exercise.checks]


def assert_honest_keeps_full_marks(sandbox: Sandbox) -> None:
    checks = graded({"perceptron": HONEST}, sandbox)
    assert [check.status for check in checks] == [Status.PASSED] * len(checks)
    assert sum(check.score for check in checks) == sum(check.max_score for check in checks)


# -- every reply field, with extreme values ------------------------------------------------------

# Replaces the runtime's answer: the call's two arguments name the field and the value to put there.
TAMPERING = textwrap.dedent('''
    import math, sys
    runtime = sys.modules["_nngrade_sandbox_child_runtime"]
    wire = runtime._wire
    answer, encode, send = runtime._Session.call, wire.encode, wire.send

    def nested(depth):
        value = 0
        for _ in range(depth):
            value = [value]
        return value

    VALUES = {
        "zero": lambda: 0, "negative": lambda: -1, "10**400": lambda: 10**400, "nan": lambda: math.nan,
        "inf": lambda: math.inf, "-inf": lambda: -math.inf, "huge string": lambda: "x" * 2_000_000,
        "deep nesting": lambda: nested(60), "none": lambda: None, "text": lambda: "text", "record": lambda: {"a": 1},
    }
    RAW = {
        "not a frame": b"NNG2 garbage of twenty bytes",
        "length of 2**62": b"unframed" + (2**62).to_bytes(8, "big"),
        "header not JSON": b"NNG1" + (3).to_bytes(8, "big") + b"{{{" + (0).to_bytes(8, "big"),
        "nesting of 100000": b"NNG1" + (200000).to_bytes(8, "big") + b"[" * 100000 + b"]" * 100000 + (0).to_bytes(8, "big"),
        "integer of 5000 digits": b"NNG1" + (5000).to_bytes(8, "big") + b"9" * 5000 + (0).to_bytes(8, "big"),
        "a reply that is a list": b"NNG1" + (2).to_bytes(8, "big") + b"[]" + (0).to_bytes(8, "big"),
    }

    def tampered(self, request):
        reply = answer(self, request)
        field, value = request["args"]
        if field == "raw":
            reply["raw"] = RAW[value]
        elif field.startswith("error."):
            reply.pop("ok", None)
            reply["error"] = {"kind": "raised", "type": "E", "message": "m", "details": ""}
            reply["error"][field[len("error."):]] = VALUES[value]()
        else:
            reply[field] = VALUES[value]()
        return reply

    def unchecked(value, **sizes):  # what the grader would refuse goes out anyway
        sizes.pop("max_string", None), sizes.pop("max_frame_bytes", None)
        return encode(value, **{**sizes, "max_depth": 200})

    def raw_send(sock, frame):
        raw = runtime._last_raw
        if raw is not None:
            sock.sendall(raw[len(b"unframed"):] if raw.startswith(b"unframed") else len(raw).to_bytes(8, "big") + raw)
        else:
            send(sock, frame)

    def answer_raw(self, request):
        reply = tampered(self, request)
        runtime._last_raw = reply.pop("raw", None)
        return reply

    runtime._last_raw = None
    runtime._Session.call = answer_raw
    wire.encode, wire.send = unchecked, raw_send

    def reply(field, value):
        return [1.0, 2.0]
''')

FIELDS = ("seconds", "output", "ok", "error", "error.line", "error.kind", "error.message", "unknown")
VALUES = ("zero", "negative", "10**400", "nan", "inf", "-inf", "huge string", "deep nesting", "none", "text", "record")


def valid_reply(field: str, value: str) -> bool:
    """Whether the runtime itself could have sent this: then the call returns or raises as usual."""
    if value in ("huge string", "deep nesting"):
        return False  # past the wire's limits, whatever the field
    if field == "seconds":
        return value == "zero"
    if field == "output":
        return value == "text"
    if field == "ok":
        return True  # the value is the checks' business
    if field == "error":
        return value == "record" and False  # a record without a kind is not the runtime's
    if field in ("error.line",):
        return value in ("zero", "negative", "none")
    if field == "error.kind":
        return value == "text"
    if field == "error.message":
        return value in ("text", "none")
    return False


@pytest.fixture(scope="module")
def tampering(sandbox, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tampering")
    (folder / "hostile.py").write_text(TAMPERING)
    with SandboxedStudentCode(folder, sandbox=sandbox) as code:
        yield code


@pytest.mark.parametrize("field", FIELDS)
def test_every_reply_field_with_extreme_values_is_the_students_error_never_the_graders(field, tampering, sandbox):
    function = StudentFunction("hostile", "reply")
    for value in VALUES:
        try:
            outcome = tampering.call(function, (field, value), {})
        except StudentCodeProblem as problem:
            if not valid_reply(field, value):
                assert isinstance(problem, (StudentRaised, StudentKilled)), (field, value, problem)
                assert "the reply was malformed" in problem.message, (field, value, problem.message)
        else:
            assert valid_reply(field, value), (field, value, outcome)
            assert outcome.seconds >= 0
    assert_honest_keeps_full_marks(sandbox)


@pytest.mark.parametrize(
    "raw", ["not a frame", "length of 2**62", "header not JSON", "nesting of 100000", "integer of 5000 digits",
            "a reply that is a list"],
)
def test_raw_bytes_on_the_socket_are_a_malformed_reply(raw, tampering, sandbox):
    with pytest.raises(StudentKilled, match="the reply was malformed"):
        tampering.call(StudentFunction("hostile", "reply"), ("raw", raw), {})
    # The child was stopped; the next call gets a fresh one and works.
    assert tampering.call(StudentFunction("hostile", "reply"), ("ok", "zero"), {}).value == 0
    assert_honest_keeps_full_marks(sandbox)


def test_ten_to_the_400_seconds_in_a_graded_check_is_errored_malformed(sandbox):
    source = HONEST + textwrap.dedent('''
        import sys
        _runtime = sys.modules["_nngrade_sandbox_child_runtime"]
        _answer = _runtime._Session.call
        def _lying(self, request):
            reply = _answer(self, request)
            reply["seconds"] = 10**400
            return reply
        _runtime._Session.call = _lying
    ''').encode()
    checks = graded({"perceptron": source}, sandbox)
    assert [check.status for check in checks] == [Status.ERRORED] * len(checks)
    assert all("the reply was malformed (its 'seconds' is an integer of 401 digits" in c.feedback for c in checks)
    assert all(check.score == 0 for check in checks)
    assert_honest_keeps_full_marks(sandbox)


# -- sizes ---------------------------------------------------------------------------------------


def test_a_correct_module_padded_past_500_kb_keeps_full_marks_and_the_worker_lives(sandbox):
    padded = HONEST + b"\n" + b"# padding\n" * 60_000  # 600 KB: twice that as hex broke the worker's string limit
    checks = graded({"perceptron": padded}, sandbox)
    assert [check.status for check in checks] == [Status.PASSED] * len(checks)
    assert sandbox.workers_alive()
    assert_honest_keeps_full_marks(sandbox)


def test_a_module_past_the_source_limit_is_refused_with_a_message_before_sending(sandbox):
    padded = HONEST + b"\n" + b"#" * MAX_SOURCE_BYTES
    checks = graded({"perceptron": padded}, sandbox)
    assert [check.status for check in checks] == [Status.ERRORED] * len(checks)
    # Said once, as the module's problem; each check says it was not run.
    assert all("larger than the 2 MB a module may be" in check.problem.message for check in checks)
    assert all("not run: perceptron.py could not be loaded" in check.feedback for check in checks)
    assert sandbox.workers_alive()
    assert_honest_keeps_full_marks(sandbox)


def test_a_reply_announcing_more_than_the_result_limit_is_refused_unread(sandbox, tmp_path):
    (tmp_path / "perceptron.py").write_text(textwrap.dedent('''
        import sys
        _runtime = sys.modules["_nngrade_sandbox_child_runtime"]
        def _huge(sock, frame):
            sock.sendall((60 * 2**20).to_bytes(8, "big") + b"NNG1" + b"0" * 2**20)
        _runtime._wire.send = _huge
        def predict(w, X):
            return X[:, 0]
    '''))
    with SandboxedStudentCode(tmp_path, sandbox=sandbox) as code:
        result = grade_exercise(REGISTRY.get("perceptron.predict"), code, include_hidden=True)
    assert [check.status for check in result.checks] == [Status.ERRORED] * len(result.checks)
    assert all("the reply was malformed (the child announced a reply of 62914560 bytes" in c.problem.message
               for c in result.checks)
    assert_honest_keeps_full_marks(sandbox)


def test_a_huge_honest_reply_is_refused_in_the_child_with_a_message(sandbox, tmp_path):
    (tmp_path / "perceptron.py").write_text(
        "import numpy as np\ndef predict(w, X):\n    return np.zeros(8 * 2**20) if len(X) == 1 else 'x' * 2_000_000\n"
    )
    with SandboxedStudentCode(tmp_path, sandbox=sandbox) as code:
        array = code.call(StudentFunction("perceptron", "predict"), ([0.0, 1.0], [[1.0]]), {}).value
        text = code.call(StudentFunction("perceptron", "predict"), ([0.0, 1.0], [[1.0], [2.0]]), {}).value
    assert isinstance(array, Unconvertible) and "more than the 8 MB a returned value may take" in array.reason
    assert isinstance(text, Unconvertible) and "a string of 2000000 characters is longer than" in text.reason
    assert_honest_keeps_full_marks(sandbox)


# -- the budget ----------------------------------------------------------------------------------


def test_sleeping_just_under_the_wall_limit_on_every_call_spends_the_budget_and_stops(sandbox):
    source = HONEST + b"\nimport time\n_predict = predict\ndef predict(w, X):\n    time.sleep(2.5)\n    return _predict(w, X)\n"
    budget = Budget(wall_seconds=4.0, cpu_seconds=20.0)
    student = grade_student("sleeper", {"perceptron": source}, settings(budget=budget), sandbox)
    checks = [check for exercise in student.exercises for check in exercise.checks]
    assert student.seconds < budget.wall_seconds + 3  # the budget, one child start, the grader's own work
    assert all(check.status is Status.TIMED_OUT for check in checks[1:])
    assert all(f"timed out: {BUDGET_SPENT}" in check.feedback for check in checks[1:])
    assert "was not called" in checks[-1].feedback
    assert checks[0].status in (Status.PASSED, Status.TIMED_OUT)
    assert_honest_keeps_full_marks(sandbox)


def test_the_default_budget_is_one_calls_limits_per_exercise():
    exercises = [REGISTRY.get(i) for i in ("perceptron.predict", "perceptron.train", "mlp.train")]
    budget = settings().budget_for(exercises)
    train = LIMITS.merged(REGISTRY.get("mlp.train").limits)
    assert budget == Budget(wall_seconds=2 * LIMITS.wall_seconds + train.wall_seconds,
                            cpu_seconds=2 * LIMITS.cpu_seconds + train.cpu_seconds)


# -- the derivation judge ------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["exp(1000)", "exp(exp(1000))", "10^400", "nan", "zoo", "-oo", "(10^99+1)/10^98",
                                    "x" * 100_000])
def test_the_judge_formats_and_compares_any_value_without_an_internal_error(answer, sandbox, tmp_path):
    (tmp_path / "derivations.py").write_text(
        f"def sigmoid_derivative():\n    return {answer!r}\n\n"
        f"def sigmoid_derivative_steps():\n    return [{answer!r}] * 3 + ['sigma(z)*(1 - sigma(z))']\n"
    )
    with SandboxedStudentCode(tmp_path, sandbox=sandbox) as code:
        for exercise_id in ("derivations.sigmoid_derivative", "derivations.sigmoid_derivative_steps"):
            result = grade_exercise(REGISTRY.get(exercise_id), code, include_hidden=True)
            assert [c.status for c in result.checks if c.status is Status.INTERNAL_ERROR] == [], result.checks
            assert all(c.status in (Status.FAILED, Status.PASSED) for c in result.checks)
            assert sum(c.score for c in result.checks if "equivalent" in c.check_name or "step" in c.check_name) == 0
    assert_honest_keeps_full_marks(sandbox)


# -- a worker that dies --------------------------------------------------------------------------


def test_a_worker_that_died_during_one_student_is_replaced_before_the_next(tmp_path):
    from grader.grading_workers import sandbox_for_next

    with Sandbox(LIMITS, protected=[]) as first:
        student = grade_student("honest", {"perceptron": HONEST}, settings(), first)
        assert sandbox_for_next(first, student, settings()) is first  # nothing failed: kept
        first._workers["numpy"].process.kill()  # as if the worker died at the end of that student
        first._workers["numpy"].process.wait()
        fresh = sandbox_for_next(first, student, settings())
        assert fresh is not first and first.closed
        with fresh:
            assert_honest_keeps_full_marks(fresh)
            # A student whose results hold an internal error leaves the sandbox to be replaced too.
            broken = dataclasses.replace(student, exercises=tuple(
                dataclasses.replace(e, checks=tuple(dataclasses.replace(c, status=Status.INTERNAL_ERROR, score=None)
                                                    for c in e.checks)) for e in student.exercises))
            newer = sandbox_for_next(fresh, broken, settings())
            assert newer is not fresh and fresh.closed
            with newer:
                assert_honest_keeps_full_marks(newer)


def test_the_course_file_sets_an_assignments_budget_and_refuses_a_bad_one(tmp_path):
    from grader.course import CourseFileError, load_course

    course = tmp_path / "course.toml"
    head = 'salt = "a-long-enough-salt"\n[assignments.a1]\nexercises = ["perceptron.predict"]\n'
    course.write_text(head + "[assignments.a1.budget]\nwall_seconds = 120\ncpu_seconds = 40\n")
    assert load_course(course, REGISTRY).assignment("a1").budget == Budget(wall_seconds=120.0, cpu_seconds=40.0)
    course.write_text(head)
    assert load_course(course, REGISTRY).assignment("a1").budget is None
    for table, problem in (
        ("wall_seconds = 120", "give both wall_seconds and cpu_seconds"),
        ("wall_seconds = 120\ncpu_seconds = nan", "cpu_seconds must be a number of seconds greater than 0"),
        ("wall_seconds = -1\ncpu_seconds = 4", "wall_seconds must be a number of seconds greater than 0"),
        ("wall = 1\nwall_seconds = 1\ncpu_seconds = 1", "unknown key 'wall'"),
    ):
        course.write_text(head + "[assignments.a1.budget]\n" + table + "\n")
        with pytest.raises(CourseFileError, match=f"course.toml: assignments.a1.budget: {problem}"):
            load_course(course, REGISTRY)
