"""The check runner: statuses, partial credit, internal errors, diagnosis and seeds."""

from __future__ import annotations

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.results import Status, partial_credit
from grader.runner import grade_exercise, run_check
from grader.seeds import SeedPolicy
from grader.student_code import TrustedStudentCode
from grader.trial import Trial
from grader.expectations import ReferenceExpectations

HERE = "test_runner"


def double(x):
    return 2 * np.asarray(x, dtype=float)


def double_plus_one(x):
    return 2 * np.asarray(x, dtype=float) + 1


def double_crashing(x):
    return np.ones((2, 2)) @ np.asarray(x)


def check_double_three_cases(t: Trial) -> None:
    """'double' doubles three vectors."""
    for _ in range(3):
        x = t.rng.normal(size=3)
        t.expect_close(t.student(x), t.reference(x))


def check_double_first_wrong_stops(t: Trial) -> None:
    """'double' stops at the first wrong answer."""
    x = t.rng.normal(size=3)
    t.require_close(t.student(x), t.reference(x))
    t.expect(True, "never")


def check_that_asserts_nothing(t: Trial) -> None:
    """A check without expectations is a grader bug."""
    t.student(np.ones(2))


def check_that_crashes(t: Trial) -> None:
    """A check with a bug."""
    raise KeyError("oops")


def check_hidden_double(t: Trial) -> None:
    """'double' on the student's own inputs."""
    x = t.rng.normal(size=4)
    t.expect_close(t.student(x), t.reference(x))


def exercise(*checks: Check) -> Exercise:
    return Exercise(
        id="toy.double",
        title="Double",
        student=StudentFunction("toy", "double"),
        reference=f"{HERE}:double",
        checks=checks,
        mistakes=(
            Mistake("plus one", "do not add one", f"{HERE}:double_plus_one"),
            Mistake("crashes", "mind the shapes", f"{HERE}:double_crashing"),
        ),
    )


def run(function, *checks, **options):
    return grade_exercise(exercise(*checks), TrustedStudentCode(function), include_hidden=True, **options)


def test_partial_credit_policy():
    assert partial_credit(3, 2, 3) == 2.0 and partial_credit(1, 1, 3) == 0.33 and partial_credit(1, 0, 0) == 0.0


def test_passing_and_failing_with_partial_credit():
    result = run(double, Check(check_double_three_cases, points=3))
    assert result.checks[0].status is Status.PASSED and result.score == 3

    calls = iter([True, False, True])

    def sometimes_right(x):
        return double(x) if next(calls) else double(x) + 5

    result = run(sometimes_right, Check(check_double_three_cases, points=3))
    assert result.checks[0].status is Status.FAILED and result.score == 2.0


def test_require_stops_the_check():
    result = run(double_plus_one, Check(check_double_first_wrong_stops, points=1))
    assert result.checks[0].status is Status.FAILED and result.score == 0
    assert "never" not in result.checks[0].feedback


def test_known_mistake_is_named_with_its_hint():
    result = run(double_plus_one, Check(check_double_three_cases))
    feedback = result.checks[0].feedback
    assert "known mistake, 'plus one': do not add one" in feedback
    assert [m.name for m in result.checks[0].mistakes] == ["plus one"]


def test_crash_matching_a_mistake_is_named_and_counts_as_errored():
    result = run(double_crashing, Check(check_double_three_cases))
    check = result.checks[0]
    assert check.status is Status.ERRORED and check.score == 0
    assert "matmul" in check.feedback and "'crashes'" in check.feedback


def test_unknown_wrong_answer_names_no_mistake():
    result = run(lambda x: -double(x), Check(check_double_three_cases))
    assert result.checks[0].status is Status.FAILED and result.checks[0].mistakes == ()


def test_a_check_that_asserts_nothing_is_an_internal_error_not_a_zero():
    result = run(double, Check(check_that_asserts_nothing))
    check = result.checks[0]
    assert check.status is Status.INTERNAL_ERROR and check.score is None
    assert not result.complete and "made no expectation" in check.feedback


def test_a_crashing_check_is_an_internal_error_and_other_checks_still_run():
    result = run(double, Check(check_that_crashes), Check(check_double_three_cases))
    assert [c.status for c in result.checks] == [Status.INTERNAL_ERROR, Status.PASSED]
    assert "not your fault" in result.checks[0].feedback and "KeyError" in result.checks[0].feedback
    assert result.score == 1 and not result.complete


def test_hidden_checks_run_only_when_asked_and_do_not_print_expected_values():
    declared = exercise(Check(check_double_three_cases), Check(check_hidden_double, hidden=True))
    public_only = grade_exercise(declared, TrustedStudentCode(double))
    assert [c.check_name for c in public_only.checks] == ["double_three_cases"]

    seeds = SeedPolicy.for_student("salt", "alice")
    hidden = grade_exercise(
        declared, TrustedStudentCode(lambda x: -double(x)), seeds=seeds, include_hidden=True, check_names=["hidden_double"]
    )
    check = hidden.checks[0]
    expected = double(np.random.default_rng(seeds.seed("toy.double", "hidden_double", hidden=True)).normal(size=4))
    assert check.status is Status.FAILED
    assert all(f"{value:.3g}" not in check.feedback for value in expected)


def test_hidden_inputs_depend_on_salt_and_student_but_public_ones_do_not():
    alice, bob = SeedPolicy.for_student("salt", "alice"), SeedPolicy.for_student("salt", "bob")
    assert alice.seed("t.e", "c", hidden=True) != bob.seed("t.e", "c", hidden=True)
    assert alice.seed("t.e", "c", hidden=True) == SeedPolicy.for_student("salt", "alice").seed("t.e", "c", hidden=True)
    assert alice.seed("t.e", "c", hidden=True) != SeedPolicy.for_student("other", "alice").seed("t.e", "c", hidden=True)
    assert alice.seed("t.e", "c", hidden=False) == bob.seed("t.e", "c", hidden=False) == SeedPolicy().seed(
        "t.e", "c", hidden=False
    )


def test_student_inputs_are_copies():
    seen = []

    def mutating(x):
        seen.append(x)
        x[:] = 0
        return double(x)

    declared = exercise(Check(check_double_three_cases))
    result = run_check(
        declared, declared.checks[0], TrustedStudentCode(mutating), expectations=ReferenceExpectations(), seeds=SeedPolicy()
    )
    # The reference saw the original inputs, so zeroing the student's copy makes its answer wrong, not the reference's.
    assert result.status is Status.FAILED


def double_plus_one_again(x):
    return 2 * np.asarray(x, dtype=float) + 1


def test_answers_matching_two_mistakes_say_so():
    declared = Exercise(
        id="toy.double",
        title="Double",
        student=StudentFunction("toy", "double"),
        reference=f"{HERE}:double",
        checks=(Check(check_double_three_cases),),
        mistakes=(
            Mistake("plus one", "do not add one", f"{HERE}:double_plus_one"),
            Mistake("off by one", "mind the constant", f"{HERE}:double_plus_one_again"),
        ),
    )
    result = grade_exercise(declared, TrustedStudentCode(double_plus_one))
    feedback = result.checks[0].feedback
    assert "match more than one known mistake" in feedback
    assert "- 'plus one': do not add one" in feedback and "- 'off by one': mind the constant" in feedback


def test_a_module_that_cannot_be_used_stops_each_check_with_one_problem(tmp_path):
    from grader.student_code import InProcessStudentCode

    declared = exercise(Check(check_double_three_cases, points=2), Check(check_hidden_double, hidden=True))
    for source, missing, not_run, where in (
        ("def double(x)\n    return x\n", "", "not run: toy.py could not be loaded", "syntax error at line 1"),
        ("import no_such_package_for_nngrade\n", "", "not run: toy.py could not be loaded", "no_such_package_for_nngrade"),
        ("def triple(x):\n    return 3 * x\n", "double", "not run: 'double' is missing from toy.py",
         "does not define a function 'double'"),
    ):
        folder = tmp_path / str(len(source))
        folder.mkdir()
        (folder / "toy.py").write_text(source)
        result = grade_exercise(declared, InProcessStudentCode(folder), include_hidden=True)
        # The status and score a check stopped this way always had; only the words moved.
        assert [(c.status, c.score) for c in result.checks] == [(Status.ERRORED, 0.0), (Status.ERRORED, 0.0)]
        assert all(c.feedback.endswith(not_run) and where not in c.feedback for c in result.checks)
        assert len(result.problems) == 1, result.problems
        problem = result.problems[0]
        assert (problem.module, problem.missing, problem.not_run) == ("toy", missing, not_run)
        assert where in problem.message
        assert all(c.problem == problem for c in result.checks)
