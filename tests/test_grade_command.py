"""`nngrade grade` and `nngrade report`, run as an instructor runs them, on the sample class.

The sample class (examples/class/) has one student per situation: full marks,
each common mistake, unfinished work, a loop that never ends, a syntax error,
a notebook, a zip, a hostile module, late work, an empty folder, a corrupt
zip. These tests grade it for real (sandbox, SQLite, worker processes) and
check every student's outcome, resuming, regrading, and a run killed with
SIGKILL. The same class's second hand-in, ``conv-lab`` (``cnn.conv2d``, in
the torch worker), is graded as ``make demo`` grades it, with its own
outcomes: a flipped kernel named, unfinished work, a notebook without the
function.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from grader import load_registry

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "examples" / "class"
NNGRADE = [sys.executable, "-m", "grader.cli"]
A1_POINTS = 65
LAB_POINTS = 5

pytestmark = pytest.mark.slow


def nngrade(*args: str, cwd: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([*NNGRADE, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    if check and result.returncode not in (0, 3, 4):
        raise AssertionError(f"nngrade {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


EXIT_PROBLEM_ROWS = 4
"""`grade` and `report` finished, but some submissions could not be graded (the sample class's max and nia)"""


def assert_problem_rows(run: subprocess.CompletedProcess, *students: str) -> None:
    """The run finished with exit status 4, and stderr names the students whose submission could not be graded."""
    assert run.returncode == EXIT_PROBLEM_ROWS, run.stdout + run.stderr
    count = "1 submission" if len(students) == 1 else f"{len(students)} submissions"
    assert f"finished, but {count} could not be graded ({', '.join(students)})" in run.stderr, run.stderr
    assert "report.html" in run.stderr and "exit status 4" in run.stderr


def grade_sample(out: Path, *extra: str) -> subprocess.CompletedProcess:
    return nngrade("grade", str(CLASS / "submissions"), "-a", "a1", "-o", str(out),
                   "--timestamps", str(CLASS / "timestamps.csv"), *extra)


def checks_of(out: Path, student: str) -> dict[str, tuple]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    rows = db.execute(
        "SELECT exercise_id || '::' || check_name, status, score, max_score, feedback FROM check_results "
        "WHERE student = ?", (student,)
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def mistakes_of(out: Path, student: str) -> set[tuple[str, str]]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    return set(db.execute("SELECT exercise_id, mistake FROM named_mistakes WHERE student = ?", (student,)))


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("graded") / "out"
    return out, grade_sample(out, "-j", "2")


def test_the_sample_class_is_graded_with_every_output(graded):
    out, run = graded
    # max's folder holds no Python and nia's zip is corrupt: a finished run, with two problem rows.
    assert_problem_rows(run, "max", "nia")
    assert "15 submissions: 13 graded, 0 unchanged, 2 with problems, 0 grader failures" in run.stdout
    for name in ("gradebook.sqlite", "grades.csv", "report.html"):
        assert (out / name).is_file(), name
    for student in ("ada", "hana", "max", "nia"):
        assert (out / "feedback" / f"{student}.md").is_file()
        assert (out / "feedback" / f"{student}.html").is_file()
        assert (out / "results" / student / "results.json").is_file()


def test_every_student_gets_the_outcome_their_submission_deserves(graded):
    out, _ = graded
    grades = pd.read_csv(out / "grades.csv", index_col="student")
    assert len(grades) == 15
    # Full marks from a folder, a notebook with magics, and late work at 10 % per day.
    for student in ("ada", "hana", "kim"):
        assert grades.loc[student, "total"] == A1_POINTS, student
    assert grades.loc["ada", "final"] == A1_POINTS and grades.loc["hana", "final"] == A1_POINTS
    assert grades.loc["kim", "late_days"] == 2 and grades.loc["kim", "final"] == pytest.approx(0.8 * A1_POINTS)
    # Each common mistake loses points and is named.
    expected_mistakes = {
        "ben": ("perceptron.predict", "np.sign"),
        "chen": ("backprop.hidden_error", "BP2 without the transpose"),
        "dara": ("backprop.hidden_error", "sigma' applied to the activation"),
        "ivan": ("backprop.gradients", "outer product reversed"),
        "lee": ("backprop.sgd_step", "no division by the batch size"),
        "omar": ("perceptron.predict", "tie gives +1"),
    }
    for student, mistake in expected_mistakes.items():
        assert mistake in mistakes_of(out, student), student
        assert grades.loc[student, "total"] < A1_POINTS, student
    # omar handed in after the cutoff: zero.
    assert grades.loc["omar", "final"] == 0
    # Unfinished backprop: not implemented, zero for those exercises only.
    eli = checks_of(out, "eli")
    assert {status for key, (status, *_) in eli.items() if key.startswith("backprop.")} == {"not implemented"}
    assert grades.loc["eli", "perceptron.predict"] == grades.loc["ada", "perceptron.predict"]
    # A loop that never ends times out, and only where it is.
    fay = checks_of(out, "fay")
    assert {status for key, (status, *_) in fay.items() if key.startswith("perceptron.train::")} == {"timed out"}
    assert "CPU" in next(feedback for key, (*_, feedback) in fay.items() if key.startswith("perceptron.train::"))
    assert grades.loc["fay", "backprop.backprop"] == grades.loc["ada", "backprop.backprop"]
    # A syntax error: errored, each check "not run", in that module only (the message with its line is
    # said once, see test_a_module_that_cannot_be_loaded_is_explained_once_in_the_feedback).
    gus = checks_of(out, "gus")
    backprop = [(status, feedback) for key, (status, *_, feedback) in gus.items() if key.startswith("backprop.")]
    assert backprop and all(status == "errored" for status, _ in backprop)
    assert all("not run: backprop.py could not be loaded" in feedback for _, feedback in backprop)
    assert grades.loc["gus", "perceptron.predict"] == grades.loc["ada", "perceptron.predict"]
    # Bad entries are rows with a problem, not a stopped batch.
    assert "no .py" in grades.loc["max", "problem"].lower() or "no python" in grades.loc["max", "problem"].lower()
    assert "zip" in grades.loc["nia", "problem"].lower()
    assert grades.loc["max", "final"] == 0 and grades.loc["nia", "final"] == 0


@pytest.fixture(scope="module")
def graded_lab(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("graded-conv-lab") / "out"
    return out, nngrade("grade", str(CLASS / "submissions"), "-a", "conv-lab", "-o", str(out),
                        "--timestamps", str(CLASS / "timestamps.csv"), "-j", "2")


def test_the_conv_lab_hand_in_gives_every_student_their_outcome(graded_lab):
    out, run = graded_lab
    assert_problem_rows(run, "max", "nia")
    assert "15 submissions: 13 graded, 0 unchanged, 2 with problems, 0 grader failures" in run.stdout
    grades = pd.read_csv(out / "grades.csv", index_col="student")
    assert list(grades.columns[:1]) == ["cnn.conv2d"]
    for student in ("ada", "ben", "chen", "fay", "gus", "ivan", "jo", "lee"):
        assert grades.loc[student, "total"] == LAB_POINTS and grades.loc[student, "final"] == LAB_POINTS, student
    # dara flipped the kernel: a true convolution, named on the public checks, with the hint.
    assert ("cnn.conv2d", "kernel flipped (true convolution)") in mistakes_of(out, "dara")
    assert grades.loc["dara", "total"] < LAB_POINTS
    assert "cross-correlation" in (out / "feedback" / "dara.md").read_text()
    report = (out / "report.html").read_text()
    assert "kernel flipped (true convolution)" in report and "dara" in report
    # eli has not started; hana's notebook (a1's) has no conv2d; late and cut-off work as for a1.
    assert {status for status, *_ in checks_of(out, "eli").values()} == {"not implemented"}
    assert {status for status, *_ in checks_of(out, "hana").values()} == {"errored"}
    assert grades.loc["kim", "late_days"] == 2 and grades.loc["kim", "final"] == pytest.approx(0.8 * LAB_POINTS)
    assert grades.loc["omar", "final"] == 0
    assert grades.loc["max", "final"] == 0 and grades.loc["nia", "final"] == 0


def test_a_hostile_submission_forges_nothing(graded):
    out, _ = graded
    jo = checks_of(out, "jo")
    predict = {key: row for key, row in jo.items() if key.startswith("perceptron.predict::")}
    assert predict and all(status != "passed" for status, *_ in predict.values())
    results = json.loads((out / "results" / "jo" / "results.json").read_text())
    grades = pd.read_csv(out / "grades.csv", index_col="student")
    assert results["score"] == pytest.approx(grades.loc["jo", "final"]) and results["score"] < A1_POINTS
    salt = "sample-class-salt-not-a-secret"
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in {".md", ".html", ".json", ".csv"}:
            assert salt not in path.read_text(errors="replace"), path


def test_feedback_names_the_mistake_and_hides_hidden_checks(graded):
    out, _ = graded
    feedback = (out / "feedback" / "ben.md").read_text()
    assert "np.sign" in feedback
    report = (out / "report.html").read_text()
    # The instructor finds which student made which mistake in the class report.
    assert "np.sign" in report and "ben" in report
    assert "BP2 without the transpose" in report and "chen" in report


def test_a_rerun_grades_nothing_unchanged_and_regrade_gives_identical_results(graded, tmp_path):
    out, first = graded
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    rerun = grade_sample(copy)
    assert "0 graded, 15 unchanged" in rerun.stdout
    assert_problem_rows(rerun, "max", "nia")  # unchanged, and still rows with a problem
    regrade = grade_sample(copy, "--regrade", "--student", "ben", "--student", "jo", "--student", "max")
    assert "3 submissions: 2 graded, 0 unchanged, 1 with problems" in regrade.stdout
    assert_problem_rows(regrade, "max")  # only the students of this run
    only_ben = grade_sample(copy, "--regrade", "--student", "ben")
    assert only_ben.returncode == 0 and "could not be graded" not in only_ben.stderr, only_ben.stderr
    for student in ("ben", "jo"):
        before = {k: v for k, v in checks_of(out, student).items()}
        after = {k: v for k, v in checks_of(copy, student).items()}
        assert before == after, student


def test_a_changed_submission_is_regraded_alone(graded, tmp_path):
    out, _ = graded
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    submissions = tmp_path / "submissions"
    shutil.copytree(CLASS / "submissions", submissions)
    # ben fixes his mistake.
    shutil.copy(ROOT / "solutions" / "perceptron.py", submissions / "ben" / "perceptron.py")
    rerun = nngrade("grade", str(submissions), "-a", "a1", "-o", str(copy),
                    "--timestamps", str(CLASS / "timestamps.csv"))
    assert "1 graded, 14 unchanged" in rerun.stdout
    assert_problem_rows(rerun, "max", "nia")
    grades = pd.read_csv(copy / "grades.csv", index_col="student")
    assert grades.loc["ben", "total"] == A1_POINTS


def test_report_rebuilds_every_output_from_the_gradebook(graded, tmp_path):
    out, _ = graded
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    original = (copy / "grades.csv").read_text()
    for name in ("grades.csv", "report.html"):
        (copy / name).unlink()
    shutil.rmtree(copy / "feedback")
    shutil.rmtree(copy / "results")
    run = nngrade("report", str(copy), "--table")
    assert_problem_rows(run, "max", "nia")
    assert (copy / "grades.csv").read_text() == original
    assert (copy / "report.html").is_file() and (copy / "feedback" / "ada.html").is_file()
    assert "ben" in run.stdout and "np.sign" in run.stdout


def test_a_module_that_cannot_be_loaded_is_explained_once_in_the_feedback(graded):
    """gus's backprop.py has a syntax error: its message (with the line) once per page, each check 'not run'."""
    out, _ = graded
    backprop = [exercise for exercise in load_registry().in_topic("backprop")]
    public = [check for exercise in backprop for check in exercise.public_checks]
    message = "&#x27;backprop.py&#x27; has a syntax error at line 37"
    html = (out / "feedback" / "gus.html").read_text()
    assert html.count(message) == 1, html
    assert html.index(message) < html.index("<h2>", html.index("Modules that could not be used") + 1)
    assert html.count("not run: backprop.py could not be loaded") == len(public)
    markdown = (out / "feedback" / "gus.md").read_text()
    assert markdown.count("'backprop.py' has a syntax error at line 37") == 1
    assert markdown.count("not run: backprop.py could not be loaded") == len(public)
    # Gradescope's results: the message once, in the top-level output; each test says "not run".
    results = json.loads((out / "results" / "gus" / "results.json").read_text())
    assert results["output"].count("'backprop.py' has a syntax error at line 37") == 1
    tests = [test for test in results["tests"] if test["name"].startswith("backprop.")]
    assert all(test["score"] == 0 and test["status"] == "failed" for test in tests)
    assert all("syntax error" not in test["output"] for test in tests)
    assert all("not run: backprop.py could not be loaded" in test["output"] for test in tests if "public" in test["tags"])
    # The gradebook keeps the whole message, once per check it stopped; the statuses and scores are as ever.
    db = sqlite3.connect(out / "gradebook.sqlite")
    stored = db.execute(
        "SELECT module, missing, message FROM module_problems WHERE student = 'gus'"
    ).fetchall()
    assert len(stored) == sum(len(exercise.checks) for exercise in backprop)
    assert {row[:2] for row in stored} == {("backprop", "")} and "line 37" in stored[0][2]
    # The class report lists it once, for gus, with the number of checks it stopped.
    report = (out / "report.html").read_text()
    section = report[report.index("Modules that could not be used</h2>"):]
    section = section[: section.index("</table>")]
    assert section.count("backprop.py could not be loaded") == 1 and "gus" in section
    assert f'<td class="number">{len(stored)}</td>' in section


def test_usage_errors_name_the_problem(tmp_path):
    missing = nngrade("grade", str(tmp_path / "nowhere"), "-a", "a1", "-o", str(tmp_path / "o"), check=False)
    assert missing.returncode == 2 and "is not a folder" in missing.stderr
    unknown = nngrade("grade", str(CLASS / "submissions"), "-a", "a9", "-o", str(tmp_path / "o"), check=False)
    assert unknown.returncode == 2 and "no assignment 'a9'" in unknown.stderr
    nothing = nngrade("report", str(tmp_path / "empty"), check=False)
    assert nothing.returncode == 2 and "nngrade grade" in nothing.stderr


# -- a run killed with SIGKILL ---------------------------------------------------------


def make_class(folder: Path, size: int) -> None:
    folder.mkdir()
    for index in range(size):
        student = folder / f"s{index:02d}"
        student.mkdir()
        for module in ("perceptron", "backprop"):
            shutil.copy(ROOT / "solutions" / f"{module}.py", student / f"{module}.py")
        if index % 3 == 1:  # some students differ, so rows are not all alike
            shutil.copy(CLASS / "submissions" / "ben" / "perceptron.py", student / "perceptron.py")


def stored_rows(out: Path) -> tuple[int, int]:
    try:
        db = sqlite3.connect(f"file:{out / 'gradebook.sqlite'}?mode=ro", uri=True, timeout=5)
        students = db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
        checks = db.execute("SELECT COUNT(*) FROM check_results").fetchone()[0]
        db.close()
        return students, checks
    except sqlite3.Error:
        return 0, 0


def grading_processes() -> list[int]:
    """Grader worker processes (named by multiprocessing's spawn) still running."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"multiprocessing.spawn" in command or b"grader/sandbox/worker.py" in command:
                found.append(int(entry.name))
    return found


@pytest.mark.serial
@pytest.mark.parametrize("kill_after_students", [0, 3])
def test_a_run_killed_with_sigkill_resumes_with_no_lost_and_no_duplicated_rows(tmp_path, kill_after_students):
    submissions = tmp_path / "class"
    make_class(submissions, 12)
    out = tmp_path / "out"
    before = set(grading_processes())
    process = subprocess.Popen(
        [*NNGRADE, "grade", str(submissions), "-a", "a1", "-o", str(out), "-j", "2", "-q", "--file-times"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    if kill_after_students:
        while stored_rows(out)[0] < kill_after_students and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
    else:
        time.sleep(1.5)  # while the workers start
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = stored_rows(out)
    # Whole students only: every stored student has all 50 of their check rows.
    assert killed_at[1] == killed_at[0] * 50
    # The workers and their sandboxes die with the run.
    deadline = time.monotonic() + 20
    while set(grading_processes()) - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not set(grading_processes()) - before

    resumed = nngrade("grade", str(submissions), "-a", "a1", "-o", str(out), "-j", "2", "-q", "--file-times")
    assert f"{killed_at[0]} unchanged" in resumed.stdout
    assert stored_rows(out) == (12, 12 * 50)
    grades = pd.read_csv(out / "grades.csv", index_col="student")
    assert len(grades) == 12
    for index in range(12):
        expected = A1_POINTS if index % 3 != 1 else grades.loc["s01", "total"]
        assert grades.loc[f"s{index:02d}", "total"] == expected
    assert grades.loc["s01", "total"] < A1_POINTS


def notebook_of(source: str) -> str:
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": source.splitlines(keepends=True)}
    test_cell = {"cell_type": "code", "execution_count": None, "outputs": [],
                 "metadata": {"nbgrader": {"grade": True, "solution": False, "grade_id": "t1", "points": 1}},
                 "source": ["assert False, 'the instructor test cell must not run at import'\n"]}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell, test_cell]})


def test_nbgrader_submissions_are_graded_with_their_timestamps(tmp_path):
    course_root = tmp_path / "nbgrader-course"
    alice = course_root / "submitted" / "alice" / "a1"
    alice.mkdir(parents=True)
    (alice / "perceptron.ipynb").write_text(notebook_of((ROOT / "solutions" / "perceptron.py").read_text()))
    shutil.copy(ROOT / "solutions" / "backprop.py", alice / "backprop.py")
    (alice / "timestamp.txt").write_text("2026-10-17 12:00:00.000000 UTC")
    (course_root / "submitted" / "bob" / "a0").mkdir(parents=True)  # another assignment only: not a submission
    out = tmp_path / "out"
    run = nngrade("grade", str(course_root), "-a", "a1", "-o", str(out), "-q")
    assert "1 submissions: 1 graded" in run.stdout
    grades = pd.read_csv(out / "grades.csv", index_col="student")
    assert list(grades.index) == ["alice"]
    assert grades.loc["alice", "total"] == A1_POINTS
    assert grades.loc["alice", "late_days"] == 2 and grades.loc["alice", "final"] == pytest.approx(0.8 * A1_POINTS)
    db = sqlite3.connect(out / "gradebook.sqlite")
    assert db.execute("SELECT form, timestamp_source FROM submissions").fetchone() == ("nbgrader", "nbgrader")


def test_an_output_folder_inside_the_submissions_is_refused(tmp_path):
    submissions = tmp_path / "class"
    make_class(submissions, 1)
    run = nngrade("grade", str(submissions), "-a", "a1", "-o", str(submissions / "out"), check=False)
    assert run.returncode == 2 and "inside the submissions folder" in run.stderr


def test_derivation_answers_are_graded_like_any_exercise(tmp_path):
    solution = (ROOT / "solutions" / "derivations.py").read_text()
    right, slip = (tmp_path / "submissions" / "right"), (tmp_path / "submissions" / "slip")
    right.mkdir(parents=True)
    slip.mkdir(parents=True)
    (right / "derivations.py").write_text(solution)
    # One known mistake (the Xavier scale for He initialisation) in otherwise complete answers.
    he = solution.index("def he_initialisation")
    body = solution.index("return", he)
    end = solution.index("\n", body)
    (slip / "derivations.py").write_text(solution[:body] + 'return "sqrt(1/M)"' + solution[end:])
    out = tmp_path / "graded"
    nngrade("grade", str(tmp_path / "submissions"), "-a", "derivations", "-o", str(out), "-q")

    full = sum(points for _, points, _, _ in checks_of(out, "right").values())
    assert full == pytest.approx(sum(exercise.points for exercise in load_registry().in_topic("derivations")))
    assert full > 85  # every question of the topic, the later ones included
    slipped = checks_of(out, "slip")
    lost = {check for check, (_, points, max_points, _) in slipped.items() if points < max_points}
    assert lost and all(check.startswith("derivations.he_initialisation") for check in lost)
    assert ("derivations.he_initialisation", "Xavier (Glorot) scale") in mistakes_of(out, "slip")
    assert "Xavier (Glorot) scale" in (out / "feedback" / "slip.md").read_text()


def test_torch_modules_are_graded_like_any_exercise(tmp_path):
    """Assignment a3 (autograd Functions, nn.Modules, a training loop), graded for real by 'nngrade grade'."""
    submissions = tmp_path / "submissions"
    for student in ("right", "slip", "blank"):
        (submissions / student).mkdir(parents=True)
    for module in ("autograd", "mlp", "layers"):
        solution = (ROOT / "solutions" / f"{module}.py").read_text()
        (submissions / "right" / f"{module}.py").write_text(solution)
        (submissions / "blank" / f"{module}.py").write_text((ROOT / "exercises" / f"{module}.py").read_text())
        if module == "mlp":
            # One known mistake: the softmax taken over the examples of the batch.
            solution = solution.replace("torch.softmax(self.layers[-1](z), dim=1)", "torch.softmax(self.layers[-1](z), dim=0)")
            assert "dim=0" in solution
        (submissions / "slip" / f"{module}.py").write_text(solution)
    out = tmp_path / "graded"
    nngrade("grade", str(submissions), "-a", "a3", "-o", str(out), "-q")

    right = checks_of(out, "right")
    assert right and all(points == max_points for _, points, max_points, _ in right.values())
    slipped = checks_of(out, "slip")
    lost = {check for check, (_, points, max_points, _) in slipped.items() if points < max_points}
    assert lost and all(check.startswith("mlp.sigmoid_mlp::sigmoid_mlp_") for check in lost)
    assert ("mlp.sigmoid_mlp", "softmax over the batch") in mistakes_of(out, "slip")
    assert "softmax over the batch" in (out / "feedback" / "slip.md").read_text()
    blank = checks_of(out, "blank")
    assert blank and all(status == "not implemented" and points == 0 for status, points, _, _ in blank.values())


def test_weights_handed_in_are_graded_in_the_child_only(tmp_path):
    """Assignment a4: a trained model's state_dict beside the code; a pickled payload is refused, a missing file said."""
    import io

    import torch

    submissions = tmp_path / "submissions"
    for student in ("right", "pickled", "none", "zipped"):
        (submissions / student).mkdir(parents=True)
    weights = (ROOT / "solutions" / "digits_weights.pt").read_bytes()
    (submissions / "right" / "digits_weights.pt").write_bytes(weights)
    model = io.BytesIO()
    torch.save(torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)), model)
    (submissions / "pickled" / "digits_weights.pt").write_bytes(model.getvalue())
    (submissions / "none" / "mlp.py").write_text((ROOT / "solutions" / "mlp.py").read_text())
    import zipfile

    with zipfile.ZipFile(submissions / "zipped.zip", "w") as archive:
        archive.writestr("digits_weights.pt", weights)
    (submissions / "zipped").rmdir()
    out = tmp_path / "graded"
    nngrade("grade", str(submissions), "-a", "a4", "-o", str(out), "-q")

    for student in ("right", "zipped"):
        checks = checks_of(out, student)
        assert checks and all(points == max_points for _, points, max_points, _ in checks.values()), student
    pickled = checks_of(out, "pickled")
    assert all(status == "errored" and points == 0 for status, points, _, _ in pickled.values())
    assert all("weights_only=True" in feedback for *_, feedback in pickled.values())
    assert ("mlp.digits_weights", "the whole model saved") in mistakes_of(out, "pickled")
    missing = checks_of(out, "none")
    assert all(status == "not implemented" and "'digits_weights.pt' was not handed in" in feedback
               for status, _, _, feedback in missing.values())
