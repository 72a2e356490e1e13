"""Gradescope results.json: valid against the specification's schema, scores, visibility, hidden checks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from grader.records import StudentRecord
from grader.reports import results_json, write_results_json
from grader.results import Status
from report_records import ASSIGNMENT, SCRIPT_OUTPUT, SECRET, class_records, record_of

SCHEMA = json.loads((Path(__file__).parent / "gradescope_results.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("record", class_records(), ids=lambda record: record.student_id)
def test_every_results_json_is_valid(record: StudentRecord, tmp_path: Path) -> None:
    path = write_results_json(tmp_path / "results.json", ASSIGNMENT, record)
    document = json.loads(path.read_text(encoding="utf-8"))
    VALIDATOR.validate(document)
    assert document == results_json(ASSIGNMENT, record)


def _valid() -> dict[str, Any]:
    return results_json(ASSIGNMENT, record_of("bob"))


def _without_scores(document: dict[str, Any]) -> None:
    del document["score"]
    del document["tests"][0]["score"]


BROKEN = {
    "status not passed or failed": lambda d: d["tests"][0].update(status="timed out"),
    "unknown visibility": lambda d: d["tests"][1].update(visibility="secret"),
    "unknown stdout visibility": lambda d: d.update(stdout_visibility="students"),
    "score as text": lambda d: d.update(score="6"),
    "negative max_score": lambda d: d["tests"][0].update(max_score=-1),
    "negative execution time": lambda d: d.update(execution_time=-3),
    "no score anywhere": _without_scores,
    "tags not strings": lambda d: d["tests"][0].update(tags=[1, 2]),
    "misspelt key": lambda d: d["tests"][0].update(visiblity="visible"),
    "output not text": lambda d: d.update(output=["a", "b"]),
    "leaderboard without value": lambda d: d.update(leaderboard=[{"name": "accuracy"}]),
}


@pytest.mark.parametrize("breakage", BROKEN.values(), ids=BROKEN.keys())
def test_the_schema_rejects_broken_documents(breakage) -> None:
    document = copy.deepcopy(_valid())
    VALIDATOR.validate(document)
    breakage(document)
    assert not VALIDATOR.is_valid(document)


def test_a_document_with_scores_only_on_tests_is_valid() -> None:
    document = _valid()
    del document["score"]
    VALIDATOR.validate(document)


def test_one_test_per_check_named_exercise_and_check() -> None:
    document = results_json(ASSIGNMENT, record_of("bob"))
    assert [test["name"] for test in document["tests"]] == [
        "perceptron.predict::predict_on_the_boundary",
        "perceptron.predict::predict_ties",
        "perceptron.predict::predict_hidden_inputs",
        "hopfield.store::store_small",
        "hopfield.store::store_hidden",
        "backprop.bp2::bp2_shapes",
        "backprop.bp2::bp2_values",
    ]
    assert [test["number"] for test in document["tests"]] == ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2"]
    assert sum(test["max_score"] for test in document["tests"]) == 10
    assert sum(test["score"] for test in document["tests"]) == document["score"] == 6


def test_public_tests_are_visible_with_feedback_and_output() -> None:
    boundary = results_json(ASSIGNMENT, record_of("bob"))["tests"][0]
    assert boundary["visibility"] == "visible"
    assert boundary["status"] == "failed"
    assert (boundary["score"], boundary["max_score"]) == (0, 1)
    assert "'predict_on_the_boundary' is not correct" in boundary["output"]
    assert "np.sign" in boundary["output"]
    assert SCRIPT_OUTPUT in boundary["output"]


def test_hidden_tests_show_only_their_status_after_publishing() -> None:
    for record in class_records():
        text = json.dumps(results_json(ASSIGNMENT, record))
        assert SECRET not in text, record.student_id
    tests = results_json(ASSIGNMENT, record_of("frank"))["tests"]
    hidden = [test for test in tests if "hidden" in test["tags"]]
    assert [test["name"] for test in hidden] == [
        "perceptron.predict::predict_hidden_inputs",
        "hopfield.store::store_hidden",
    ]
    assert all(test["visibility"] == "after_published" for test in hidden)
    assert [test["output"] for test in hidden] == ["Hidden check: errored.", "Hidden check: passed."]
    assert [test["status"] for test in hidden] == ["failed", "passed"]


def test_top_level_score_is_the_final_score_and_the_output_explains_the_penalty() -> None:
    document = results_json(ASSIGNMENT, record_of("erin"))
    assert document["score"] == pytest.approx(6.4)
    assert sum(test["score"] for test in document["tests"]) == 8
    assert "Late penalty: -1.6 points (20%)" in document["output"]
    assert "2 days late" in document["output"]
    assert document["extra_data"]["late_penalty_percent"] == 20
    on_time = results_json(ASSIGNMENT, record_of("alice"))
    assert on_time["score"] == 10
    assert "late" not in on_time["output"].lower()


def test_an_internal_error_scores_nothing_and_says_so() -> None:
    document = results_json(ASSIGNMENT, record_of("carol"))
    values = next(test for test in document["tests"] if test["name"] == "backprop.bp2::bp2_values")
    assert (values["score"], values["status"]) == (0, "failed")
    assert values["extra_data"]["status"] == str(Status.INTERNAL_ERROR)
    assert "internal error" in values["output"]
    assert "not your fault" in document["output"]
    assert document["extra_data"]["incomplete"] is True
    timed_out = next(test for test in document["tests"] if test["name"] == "hopfield.store::store_small")
    assert "ran past its time limit" in timed_out["output"]


def test_a_submission_with_a_problem_scores_zero_and_says_why() -> None:
    document = results_json(ASSIGNMENT, record_of("dave"))
    assert document["score"] == 0
    assert document["tests"] == []
    assert "could not be graded" in document["output"]
    assert "dave.zip is not a readable zip file" in document["output"]
    assert "submit again" in document["output"]
