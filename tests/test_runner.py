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


def test_answers_matching_two_mistakes_list_both_as_possibilities_and_name_neither():
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
    # Listed as possibilities, never as a diagnosis: the checks cannot tell the two apart.
    assert "The evidence is ambiguous" in feedback and "It could be one of:" in feedback
    assert "- 'plus one' (possibly): do not add one" in feedback
    assert "- 'off by one' (possibly): mind the constant" in feedback
    assert result.checks[0].mistakes == () and "looks like a known mistake" not in feedback


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


# -- a mistake is named only on evidence that separates it --------------------------------------


def double_positive_only(x):
    return 2 * np.maximum(np.asarray(x, dtype=float), 0.0)


def double_a_little_high_1(x):
    return 2 * np.asarray(x, dtype=float) * (1 + 8e-5)


def double_a_little_high_2(x):
    return 2 * np.asarray(x, dtype=float) * (1 + 9e-5)


def double_a_little_high_3(x):
    return 2 * np.asarray(x, dtype=float) * (1 + 9.5e-5)


def check_double_negative_vectors(t: Trial) -> None:
    """'double' doubles three vectors of negative numbers."""
    for _ in range(3):
        x = -np.abs(t.rng.normal(size=3)) - 0.5
        t.expect_close(t.student(x), t.reference(x))


def _toy(*mistakes: tuple[str, str], checks=(Check(check_double_three_cases), Check(check_double_negative_vectors))):
    return Exercise(
        id="toy.double", title="Double", student=StudentFunction("toy", "double"), reference=f"{HERE}:double",
        checks=checks, mistakes=tuple(Mistake(name, f"hint of {name}", f"{HERE}:{variant}") for name, variant in mistakes),
    )


def test_a_mistake_is_named_only_when_every_failing_check_fits_it():
    declared = _toy(("positive only", "double_positive_only"), ("plus one", "double_plus_one"))
    # Right on the mixed vectors, 'plus one' on the negative ones: the one failing check fits 'plus one'.
    def half_plus_one(x):
        x = np.asarray(x, dtype=float)
        return double(x) + 1 if (x < 0).all() else double(x)

    result = grade_exercise(declared, TrustedStudentCode(half_plus_one))
    assert [c.status for c in result.checks] == [Status.PASSED, Status.FAILED]
    assert [m.name for m in result.checks[1].mistakes] == ["plus one"]

    # Negated on the mixed vectors, 'plus one' on the negative ones: the first failing check fits no mistake.
    def negated_then_plus_one(x):
        x = np.asarray(x, dtype=float)
        return double(x) + 1 if (x < 0).all() else -double(x)

    result = grade_exercise(declared, TrustedStudentCode(negated_then_plus_one))
    assert all(c.status is Status.FAILED for c in result.checks)
    assert all(c.mistakes == () and "known mistake" not in c.feedback for c in result.checks), result.checks


def test_a_mistake_whose_variant_passes_a_check_the_student_fails_is_not_named():
    declared = _toy(("positive only", "double_positive_only"))
    # Zeros for negative vectors (as 'positive only'), but wrong on the mixed ones, which 'positive only' also
    # gets wrong in another way: no name.
    result = grade_exercise(declared, TrustedStudentCode(lambda x: np.zeros(3)))
    assert all(c.status is Status.FAILED for c in result.checks)
    assert all(c.mistakes == () for c in result.checks), [c.feedback for c in result.checks]
    # Only the negative vectors asked: the variant's answers there are all zeros, as a stub's would be.
    only_negative = _toy(("positive only", "double_positive_only"), checks=(Check(check_double_negative_vectors),))
    for degenerate in (lambda x: np.zeros(3), lambda x: np.zeros_like(np.asarray(x, dtype=float))):
        result = grade_exercise(only_negative, TrustedStudentCode(degenerate))
        assert result.checks[0].status is Status.FAILED and result.checks[0].mistakes == ()
        assert "positive only" not in result.checks[0].feedback
    # The variant itself is named on both checks: the evidence of both together is not degenerate.
    result = grade_exercise(declared, TrustedStudentCode(double_positive_only))
    assert [[m.name for m in c.mistakes] for c in result.checks] == [["positive only"], ["positive only"]]


def test_a_float32_answer_is_never_matched_to_mistakes_it_cannot_be_told_from_the_right_answer():
    declared = _toy(("high 1", "double_a_little_high_1"), ("high 2", "double_a_little_high_2"),
                    ("high 3", "double_a_little_high_3"), checks=(Check(check_double_three_cases),))
    # Off by 1.5e-4 (relative) in float32: wrong at float32's tolerance, within it of all three variants.
    result = grade_exercise(declared, TrustedStudentCode(lambda x: (double(x) * (1 + 1.5e-4)).astype(np.float32)))
    check = result.checks[0]
    assert check.status is Status.FAILED and check.mistakes == ()
    assert "known mistake" not in check.feedback and "possibly" not in check.feedback
    # Right to float32's precision: not a failure at all.
    assert grade_exercise(declared, TrustedStudentCode(lambda x: double(x).astype(np.float32))).score == 1
    # The same answer in float64 is told the mistake it matches at float64 tolerance (none of them here: it is
    # 1.5e-4 off, and they are at most 9.5e-5 off) -- and a float64 variant's own answers are named as it.
    assert grade_exercise(declared, TrustedStudentCode(double_a_little_high_2)).checks[0].mistakes[0].name == "high 2"
