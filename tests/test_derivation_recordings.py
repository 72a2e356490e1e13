"""Recorded derivation checks: no correct answer in the files, the same verdicts as the reference.

- a recording of a derivation exercise holds no correct expression: not the
  reference's answer, not a step of a multi-step answer, not their plain,
  LaTeX or sympy renderings, and no string in it reads as an answer
  equivalent to the correct one; no hidden check is recorded;
- from the recordings alone (no reference code importable) the solutions
  score full public marks, the stubs zero, and every known mistake loses
  points and is named;
- every answer of the derivation corpus gets the same pass/fail verdict on
  each public check from the recordings as from the reference, and known
  mistakes are named from the recordings too;
- the generic diagnoses are made from the recorded values as from the
  expression, and a sampled target survives JSON exactly.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
import sympy

from derivation_corpus import CORPUS
from grader.catalog.derivations import EXERCISES, QUESTIONS, derivation_reference, reference_answer_key
from grader.declarations import resolve
from grader.derivations import AnswerRejected, decide, judge_answer, judge_steps, parse_answer
from grader.derivations.render import to_latex, to_plain_text
from grader.derivations.sampled import SampledTarget, is_sampled_target, sample_target
from grader.derivations.symbolic import NotSymbolic, to_sympy
from grader.expectations import RECORDING_FORMAT, RecordedExpectations, ReferenceExpectations, record_public_checks
from grader.results import Status
from grader.runner import grade_exercise
from grader.sandbox import SandboxedStudentCode
from grader.student_code import TrustedStudentCode

from conftest import EXERCISES as STUBS
from conftest import SOLUTIONS

IDS = [exercise.id for exercise in EXERCISES]
BY_FUNCTION = {exercise.student.name: exercise for exercise in EXERCISES}
MISTAKES = [(exercise, mistake) for exercise in EXERCISES for mistake in exercise.mistakes]
# Resolved before any test hides the reference package.
VARIANTS = {(e.id, m.name): resolve(m.variant) for e, m in MISTAKES}
REFERENCE_ANSWERS = {e.student.name: resolve(e.reference)() for e in EXERCISES}
PUBLIC_CHECK_QUESTIONS = {e.student.name for e in EXERCISES if e.public_checks}
NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("recorded-derivations")
    written = record_public_checks(EXERCISES, folder)
    assert sorted(path.name for path in written) == sorted(f"{e.id}.json" for e in EXERCISES)
    return folder


@pytest.fixture
def without_reference_code(monkeypatch):
    """Make every ``reference`` module unimportable, as in the student bundle."""
    for name in [name for name in sys.modules if name == "reference" or name.startswith("reference.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "reference", None)


def _explain(result) -> str:
    return "\n\n".join(f"{check.test_id} [{check.status}]\n{check.feedback}" for check in result.checks)


def _strings(data: Any) -> Iterator[str]:
    """Every string in decoded JSON: keys and values."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def _renderings(function: str) -> set[str]:
    """The correct answer and every step of it, as the reference writes them and as the package renders them."""
    question = QUESTIONS[function]
    answer = REFERENCE_ANSWERS[function]
    texts = list(answer) if isinstance(answer, list) else [answer]
    assert derivation_reference(function) in texts
    forbidden = set()
    for text in texts:
        tree = parse_answer(text, question).tree
        forbidden |= {text, to_plain_text(tree), to_latex(tree)}
        try:
            form = to_sympy(tree, question)
            forbidden |= {str(form), sympy.latex(form)}
        except NotSymbolic:
            pass  # vectors, matrices and sums have no sympy form
    return forbidden


# -- what a recording holds -----------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_recording_holds_no_correct_answer_in_any_form(recording, exercise):
    path = recording / f"{exercise.id}.json"
    raw = path.read_text()
    data = json.loads(raw)
    strings = list(_strings(data))
    everything = "\n".join(strings)
    for text in _renderings(exercise.student.name):
        assert text not in raw and json.dumps(text)[1:-1] not in raw, f"{path.name} contains {text!r}"
        assert text not in everything, f"{path.name} contains {text!r}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_no_string_in_a_recording_reads_as_the_correct_answer(recording, exercise):
    question = QUESTIONS[exercise.student.name]
    correct = parse_answer(derivation_reference(exercise.student.name), question)
    data = json.loads((recording / f"{exercise.id}.json").read_text())
    for text in set(_strings(data)):
        if NUMBER.match(text.strip()):
            continue  # a sampled number; the correct answer is no constant (below)
        try:
            expression = parse_answer(text, question)
        except AnswerRejected:
            continue
        verdict = decide(expression, correct, rng=np.random.default_rng(0))
        assert not verdict.equivalent, f"{exercise.id}: the recording holds {text!r}, which is the correct answer"
    sampled = sample_target(question, derivation_reference(exercise.student.name), seed=0).to_plain()
    assert len({json.dumps(point["target"]) for point in sampled["points"]}) > 1, f"{exercise.id} has a constant answer"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_recording_holds_the_known_wrong_answers_by_their_values_only(recording, exercise):
    """Each known mistake is recorded by name, with values or a rejection fingerprint; no string reads as its answer."""
    question = QUESTIONS[exercise.student.name]
    wrong = reference_answer_key(exercise.student.name).wrong_answers(question)
    data = json.loads((recording / f"{exercise.id}.json").read_text())
    expectations = RecordedExpectations(recording)
    for check in exercise.public_checks:
        for key in data["checks"][check.name]["reference"]:
            recorded = expectations.reference_value(exercise, check, (), {}, key)["mistakes"]
            assert [m["name"] for m in recorded] == [m.name for m in question.mistakes]
            assert all(set(m) in ({"name", "shape", "values"}, {"name", "rejected"}) for m in recorded)
    readable = []
    for answer in wrong:
        try:
            readable.append((answer, parse_answer(answer.text, question)))
        except AnswerRejected:
            pass
    for text in set(_strings(data)):
        if NUMBER.match(text.strip()):
            continue
        try:
            expression = parse_answer(text, question)
        except AnswerRejected:
            continue
        for answer, declared in readable:
            if expression.shape == declared.shape:
                verdict = decide(expression, declared, rng=np.random.default_rng(0))
                assert not verdict.equivalent, f"{exercise.id}: the recording holds {text!r}, the wrong answer of {answer.mistake.name!r}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_recording_holds_public_checks_only_with_sampled_targets(recording, exercise):
    raw = (recording / f"{exercise.id}.json").read_text()
    data = json.loads(raw)
    assert data["format"] == RECORDING_FORMAT
    assert set(data["checks"]) == {check.name for check in exercise.public_checks}
    for check in exercise.hidden_checks:
        assert check.name not in raw
    expectations = RecordedExpectations(recording)
    targets = 0
    for check in exercise.public_checks:
        recorded = data["checks"][check.name]
        # A mistake's answer may contain the correct one: no mistake keeps a trace.
        assert recorded["mistakes"] == {mistake.name: [] for mistake in exercise.mistakes}
        for key in recorded["reference"]:
            value = expectations.reference_value(exercise, check, (), {}, key)
            assert is_sampled_target(value), f"{exercise.id}::{check.name} recorded {type(value).__name__}"
            target = SampledTarget.from_plain(value, QUESTIONS[exercise.student.name])
            assert len(target.points) >= 16 and len(target.examples) == len(target.question.examples)
            targets += 1
    assert targets, f"{exercise.id}: no check recorded a target"


# -- from the recordings alone ----------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_solution_scores_full_public_marks_and_stub_zero_from_recordings(recording, without_reference_code, exercise):
    expectations = RecordedExpectations(recording)
    solved = grade_exercise(exercise, SandboxedStudentCode(SOLUTIONS), expectations=expectations)
    assert solved.complete and solved.score == solved.max_score, _explain(solved)
    assert solved.max_score == sum(check.points for check in exercise.public_checks)
    stub = grade_exercise(exercise, SandboxedStudentCode(STUBS), expectations=expectations)
    assert stub.score == 0, _explain(stub)
    assert all(check.status is Status.NOT_IMPLEMENTED for check in stub.checks), _explain(stub)


@pytest.mark.parametrize(("exercise", "mistake"), MISTAKES, ids=[f"{e.id}-{m.name}" for e, m in MISTAKES])
def test_known_mistake_loses_points_and_is_named_from_recordings(recording, without_reference_code, exercise, mistake):
    result = grade_exercise(
        exercise, TrustedStudentCode(VARIANTS[exercise.id, mistake.name]), expectations=RecordedExpectations(recording)
    )
    assert result.complete, _explain(result)
    assert result.score < result.max_score, f"the recorded public checks do not catch '{mistake.name}'"
    named = [check for check in result.checks if f"'{mistake.name}'" in check.feedback]
    assert named and all(check.status is Status.FAILED for check in named), _explain(result)


def test_a_derivation_written_differently_is_named_by_its_values(recording, without_reference_code):
    """Only the start and the result, the result written another way: still 'steps skipped'."""
    exercise = BY_FUNCTION["sigmoid_derivative_steps"]
    steps = ["diff(1/(1 + e^(-z)), z)", "sigma(z) - sigma(z)^2"]
    result = grade_exercise(exercise, TrustedStudentCode(lambda: steps), expectations=RecordedExpectations(recording))
    statuses = {check.check_name: check.status for check in result.checks}
    assert statuses == {
        "sigmoid_derivative_steps_start_and_result": Status.PASSED,
        "sigmoid_derivative_steps_each_step_follows": Status.PASSED,
        "sigmoid_derivative_steps_enough_steps": Status.FAILED,
    }, _explain(result)
    enough = next(check for check in result.checks if check.check_name == "sigmoid_derivative_steps_enough_steps")
    assert "'steps skipped'" in enough.feedback


def test_a_stale_recording_is_an_internal_error_that_says_what_to_do(recording, tmp_path):
    exercise = BY_FUNCTION["vae_kl"]
    data = json.loads((recording / f"{exercise.id}.json").read_text())
    for check in data["checks"].values():
        for call in check["reference"].values():
            call["value"]["dict"]["question"] = "sigmoid_derivative"
    (tmp_path / f"{exercise.id}.json").write_text(json.dumps(data))
    result = grade_exercise(exercise, TrustedStudentCode(lambda: "mu^2"), expectations=RecordedExpectations(tmp_path))
    judged = [check for check in result.checks if check.check_name != "vae_kl_in_required_form"]
    assert judged and all(check.status is Status.INTERNAL_ERROR for check in judged), _explain(result)
    assert all("record the public checks again" in check.feedback for check in judged)


# -- the same verdicts as the reference -------------------------------------------------------------

PUBLIC_CORPUS = [entry for entry in CORPUS if entry[0] in PUBLIC_CHECK_QUESTIONS]


def test_the_corpus_reaches_every_single_answer_exercise():
    assert {question for question, _, _ in PUBLIC_CORPUS} == {
        e.student.name for e in EXERCISES if QUESTIONS[e.student.name].start is None
    }
    assert len(PUBLIC_CORPUS) == len(CORPUS) >= 200


@pytest.mark.parametrize(
    ("question", "answer", "verdict"), PUBLIC_CORPUS, ids=[f"{q}:{a[:40]}" for q, a, _ in PUBLIC_CORPUS]
)
def test_corpus_answer_gets_the_same_verdicts_from_recordings(recording, question, answer, verdict):
    exercise = BY_FUNCTION[question]
    student = TrustedStudentCode(lambda: answer)
    from_reference = grade_exercise(exercise, student, expectations=ReferenceExpectations())
    from_recording = grade_exercise(exercise, student, expectations=RecordedExpectations(recording))
    passed = {check.check_name: check.status is Status.PASSED for check in from_reference.checks}
    assert {check.check_name: check.status is Status.PASSED for check in from_recording.checks} == passed, (
        _explain(from_reference) + "\n\n-- from the recording --\n\n" + _explain(from_recording)
    )
    assert all(check.status in (Status.PASSED, Status.FAILED) for check in from_recording.checks)
    equivalent = passed[f"{question}_equivalent"]
    assert equivalent == (verdict == "correct")
    if verdict.startswith("mistake:"):
        name = verdict.split(":", 1)[1]
        assert any(f"'{name}'" in check.feedback for check in from_recording.checks), _explain(from_recording)


# -- diagnoses from values ----------------------------------------------------------------------------

GENERIC = [
    ("vae_kl", "-(1/2)*(mu^2 + sigma^2 - 1 - log(sigma^2))", "sign error"),
    ("vae_kl", "3/2*(mu^2 + sigma^2 - 1 - log(sigma^2))", "constant factor"),
    ("hopfield_energy_change", "2*y_k*sum_{j != k} w_kj*y_j + 1", "additive constant"),
    ("perceptron_update", "w^T + eta*d*x^T", "transposed"),
    ("cross_entropy_weight_gradient", "a*(sigma(x_j) - y)", "swapped variables"),
    ("cross_entropy_weight_gradient", "x_j*sigma(a)", "missing variable"),
    ("he_initialisation", "sqrt(2/(M + N))", "extra variable"),
    ("gan_optimal_discriminator", "p_g/(p_g + p_data)", "densities swapped"),
]


@pytest.mark.parametrize(("question", "answer", "diagnosis"), GENERIC, ids=[f"{q}:{d}" for q, _, d in GENERIC])
def test_diagnosis_from_recorded_values_is_the_reference_diagnosis(question, answer, diagnosis):
    q = QUESTIONS[question]
    key = reference_answer_key(question)
    target = json.loads(json.dumps(sample_target(q, key.answer, seed=5, wrong_answers=key.wrong_answers(q)).to_plain()))
    from_values = judge_answer(answer, q, target, rng=np.random.default_rng(5), name=question, hidden=False)
    from_expression = judge_answer(answer, q, key, rng=np.random.default_rng(5), name=question, hidden=False)
    assert not from_values.ok and not from_expression.ok
    assert [d.name for d in from_values.diagnoses] == [diagnosis]
    assert [d.message for d in from_values.diagnoses] == [d.message for d in from_expression.diagnoses]


def test_a_sampled_target_survives_json_exactly():
    question = QUESTIONS["bp2_hidden_error"]
    target = sample_target(question, derivation_reference("bp2_hidden_error"), seed=11)
    again = SampledTarget.from_plain(json.loads(json.dumps(target.to_plain())), question)
    assert again.shape == target.shape == ("n", 1)
    assert len(again.points) == len(target.points) >= 16
    for before, after in zip(target.points, again.points):
        assert before.sizes == after.sizes and before.indices == after.indices
        for name, value in before.values.items():
            assert np.array_equal(value, after.values[name])  # the exact binary floats drawn
    for before, after in zip(target.values, again.values):
        for x, y in zip(before.ravel(), after.ravel()):
            assert abs(x - y) <= 1e-29 * abs(x)
    assert [entry.symbol for entry in again.redrawn] == [entry.symbol for entry in target.redrawn]


def test_steps_judged_against_a_target_name_the_recorded_wrong_derivation():
    exercise = BY_FUNCTION["vae_kl_steps"]
    question = QUESTIONS["vae_kl_steps"]
    skipped = next(m for m in exercise.mistakes if m.name == "steps skipped")
    target = exercise.recorded_reference(REFERENCE_ANSWERS["vae_kl_steps"], 9)
    steps = [question.start, "(mu^2 + sigma^2 - 1)/2 - log(sigma)"]
    judged = judge_steps(steps, question, target, rng=np.random.default_rng(9), name="vae_kl_steps", hidden=False)
    assert judged.start.ok and judged.target.ok and judged.follows.ok and not judged.count.ok
    assert f"'{skipped.name}'" in judged.count.message and skipped.hint in judged.count.message
    assert skipped.name in [d.name for d in judged.count.diagnoses]
