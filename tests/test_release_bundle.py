"""``nngrade release``: the student bundle, installed with pip into a fresh environment and used as a student would.

The bundle is written once and installed once per module (a new venv, not
editable, torch from the local wheel). Every command then runs from a folder
outside the project, with an environment that cannot see it, so only what the
bundle ships is there. The bundle is also scanned, file by file, for anything
it must not hold: reference or solution code, hidden check data, the salt,
the derivation questions' answers and their known wrong answers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from grader import load_registry
from grader.catalog.derivations import QUESTIONS, derivation_reference
from grader.course import load_course
from grader.declarations import resolve
from grader.delivery import DeliveryError
from grader.delivery.release_bundle import write_release
from grader.errors import RecordingMissing
from grader.selfcheck import RECORDINGS_FOLDER, make_expectations

from conftest import EXERCISES, ROOT, SOLUTIONS

pytestmark = pytest.mark.slow

REGISTRY = load_registry()
COURSE = load_course(ROOT / "course.toml", REGISTRY)
PUBLIC_CHECKS = sum(len(exercise.public_checks) for exercise in REGISTRY)
HIDDEN_NAMES = {check.name for exercise in REGISTRY for check in exercise.checks if check.hidden}
# Answers as the derivation exercises expect them, read from the reference before anything hides it.
ANSWERS = {function: derivation_reference(function) for function in QUESTIONS}
# The known wrong answers (some one sign from the right one); bare numbers such as "1/2" occur everywhere.
WRONG_ANSWERS = {
    variant: text
    for variant, text in resolve("reference.derivations_mistakes:WRONG_ANSWERS").items()
    if not re.fullmatch(r"[0-9./ ]+", text)
}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return write_release(
        tmp_path_factory.mktemp("release") / "bundle", registry=REGISTRY, course=None, assignments=(), overwrite=False
    ).path


@pytest.fixture(scope="module")
def a1_bundle(tmp_path_factory) -> Path:
    """Assignment a1's bundle, written with the course file (its points, limits and packages), not installed."""
    return write_release(
        tmp_path_factory.mktemp("release-a1") / "a1", registry=REGISTRY, course=COURSE, assignments=["a1"], overwrite=False
    ).path


def _isolated_environment(bin_folder: Path | None = None) -> dict[str, str]:
    """The environment of a student's shell: no PYTHONPATH, no other venv, nothing of this project."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "PYTEST", "VIRTUAL_ENV", "NNGRADE")) and key != "PATH"
    }
    environment["PATH"] = ":".join(([str(bin_folder)] if bin_folder else []) + ["/usr/local/bin", "/usr/bin", "/bin"])
    return environment


@pytest.fixture(scope="module")
def venv(bundle, tmp_path_factory) -> Path:
    """A fresh virtual environment with the bundle installed from its folder; returns its bin/."""
    folder = tmp_path_factory.mktemp("student-venv") / "venv"
    environment = _isolated_environment()
    base_python = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    subprocess.run([str(base_python), "-m", "venv", str(folder)], check=True, env=environment, cwd=folder.parent)
    installed = subprocess.run(
        [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", str(bundle)],
        env=environment,
        cwd=folder.parent,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return folder / "bin"


def _run(venv: Path, arguments: list[str], *, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(venv / arguments[0]), *arguments[1:]],
        cwd=cwd,
        env=_isolated_environment(venv),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _outside_the_project(path: Path) -> Path:
    assert ROOT not in path.resolve().parents, path
    return path


# -- what the bundle holds --------------------------------------------------------


def test_the_bundle_holds_the_stubs_the_grader_and_the_public_recordings(bundle):
    assert sorted(path.name for path in (bundle / "exercises").iterdir()) == sorted(
        [f"{topic}.py" for topic in REGISTRY.topics] + ["nngrade.toml"]
    )
    for topic in REGISTRY.topics:
        assert (bundle / "exercises" / f"{topic}.py").read_bytes() == (EXERCISES / f"{topic}.py").read_bytes()
    recordings = sorted(path.name for path in (bundle / "grader" / RECORDINGS_FOLDER).iterdir())
    assert recordings == sorted(f"{exercise.id}.json" for exercise in REGISTRY)
    assert (bundle / "grader" / "cli.py").read_bytes() == (ROOT / "grader" / "cli.py").read_bytes()
    assert not [path for path in bundle.rglob("*") if path.name == "__pycache__" or path.suffix == ".pyc"]
    readme = (bundle / "README.md").read_text()
    for expected in ("pip install .", "pytest", "nngrade check", "hidden checks", "torch==2.13.0"):
        assert expected in readme


def test_the_bundle_pins_the_projects_torch_exactly(bundle):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    released = tomllib.loads((bundle / "pyproject.toml").read_text())
    dependencies = released["project"]["dependencies"]
    torch = [requirement for requirement in dependencies if requirement.startswith("torch")]
    assert torch == ["torch==2.13.0"] and "torch==2.13.0" in project["dependencies"]
    assert sorted(re.match(r"[a-z]+", requirement).group(0) for requirement in dependencies) == [
        "numpy", "pytest", "scikit", "sympy", "torch",
    ]
    assert released["project"]["scripts"] == {"nngrade": "grader.cli:main"}
    assert released["project"]["entry-points"]["pytest11"] == {"nngrade": "grader.pytest_plugin"}


def test_an_assignment_bundle_holds_only_its_modules(tmp_path):
    written = write_release(tmp_path / "a1", registry=REGISTRY, course=COURSE, assignments=["a1"], overwrite=False)
    assert sorted(path.name for path in (written.path / "exercises").iterdir()) == [
        "backprop.py", "nngrade.toml", "perceptron.py",
    ]
    recorded = {path.stem for path in (written.path / "grader" / RECORDINGS_FOLDER).iterdir()}
    assert recorded == {exercise.id for exercise in REGISTRY if exercise.topic in ("perceptron", "backprop")}
    with pytest.raises(DeliveryError, match="course file"):
        write_release(tmp_path / "no-course", registry=REGISTRY, course=None, assignments=["a1"], overwrite=False)


def test_a_folder_that_is_not_empty_is_replaced_only_with_force(tmp_path, monkeypatch):
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(DeliveryError, match="--force") as refused:
        write_release(out, registry=REGISTRY, course=COURSE, assignments=["a1"], overwrite=False)
    assert str(out) in str(refused.value)
    assert (out / "notes.txt").read_text() == "mine"
    write_release(out, registry=REGISTRY, course=COURSE, assignments=["a1"], overwrite=True)
    assert not (out / "notes.txt").exists() and (out / "exercises" / "perceptron.py").is_file()
    # A folder that holds the working folder (the course, say) is never replaced, even with force.
    (tmp_path / "course" / "inside").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "course" / "inside")
    with pytest.raises(DeliveryError, match="must never replace"):
        write_release(tmp_path / "course", registry=REGISTRY, course=COURSE, assignments=["a1"], overwrite=True)
    assert (tmp_path / "course" / "inside").is_dir()


def test_without_reference_code_or_recordings_the_self_check_says_what_to_do(monkeypatch):
    monkeypatch.setitem(sys.modules, "reference", None)
    with pytest.raises(RecordingMissing, match="pip install"):
        make_expectations()


# -- what the bundle must not hold ------------------------------------------------


def _forbidden_contents() -> dict[bytes, str]:
    """The contents of reference/ and solutions/ files, except what the stubs' folder holds too (nngrade.toml)."""
    given = {path.read_bytes() for path in EXERCISES.iterdir() if path.is_file()}
    forbidden = {}
    for folder in (ROOT / "reference", SOLUTIONS):
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.read_bytes() not in given:
                forbidden[path.read_bytes()] = str(path.relative_to(ROOT))
    return forbidden


def bundle_leaks(bundle: Path, *, salt: str) -> list[str]:
    """What in ``bundle`` students must not get: one line per finding."""
    forbidden = _forbidden_contents()
    findings = []
    for path in sorted(bundle.rglob("*")):
        shown = path.relative_to(bundle).as_posix()
        if path.is_dir() and path.name in ("reference", "solutions"):
            findings.append(f"{shown}/ is a {path.name} folder")
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data in forbidden:
            findings.append(f"{shown} is a copy of {forbidden[data]}")
        if salt.encode() in data:
            findings.append(f"{shown} holds the course's salt")
    for path in sorted(bundle.rglob(f"{RECORDINGS_FOLDER}/*.json")):
        text = path.read_text()
        recording = json.loads(text)
        for name in set(recording["checks"]) & HIDDEN_NAMES:
            findings.append(f"{path.name} records the hidden check {name}")
        for name in sorted(HIDDEN_NAMES):
            if json.dumps(name) in text:
                findings.append(f"{path.name} names the hidden check {name}")
    return findings


def test_the_bundle_holds_no_reference_or_solution_code_no_hidden_data_and_no_salt(bundle, venv):
    # After pip's build too: the scan covers what pip leaves in the folder.
    assert bundle_leaks(bundle, salt=COURSE.salt) == []


def test_the_scan_finds_what_is_planted(bundle, tmp_path):
    planted = tmp_path / "planted"
    shutil.copytree(bundle, planted)
    (planted / "grader" / "mine.py").write_bytes((ROOT / "reference" / "perceptron.py").read_bytes())
    (planted / "reference").mkdir()
    (planted / "exercises" / "helper.py").write_bytes((SOLUTIONS / "backprop.py").read_bytes())
    (planted / "README.md").write_text(f"salt = {COURSE.salt}\n")
    recording = planted / "grader" / RECORDINGS_FOLDER / "perceptron.predict.json"
    data = json.loads(recording.read_text())
    hidden = next(check.name for check in REGISTRY.get("perceptron.predict").checks if check.hidden)
    data["checks"][hidden] = data["checks"][next(iter(data["checks"]))]
    recording.write_text(json.dumps(data))
    findings = "\n".join(bundle_leaks(planted, salt=COURSE.salt))
    assert "grader/mine.py is a copy of reference/perceptron.py" in findings
    assert "exercises/helper.py is a copy of solutions/backprop.py" in findings
    assert "reference/ is a reference folder" in findings
    assert "README.md holds the course's salt" in findings
    assert f"records the hidden check {hidden}" in findings


def _is_a_name(answer: str) -> bool:
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", answer) is not None


#: Answers that another topic's files in the bundle state on purpose: (topic, question) -> why.
ANSWERS_STATED_BY_TOPICS: dict[tuple[str, str], str] = {
    ("gradient_descent", "largest_stable_step"): (
        "the gradient descent exercises compute the largest stable step and their checks' descriptions state it; "
        "an assignment's bundle holds them only when it hands them out, and the course hands them out apart "
        "from the derivation questions"
    ),
}


def answer_leaks(bundle: Path) -> list[str]:
    """Where a derivation question's answer appears in the bundle's data, stubs and texts.

    The grader's own Python files are left out: a question's known wrong
    answers are part of its declaration, and one question's wrong answer can
    be another's right one (BP4's answer is BP3's "BP4 instead of BP3").
    An answer counts when it appears as a quoted string, or, when it is an
    expression rather than a bare name such as ``delta``, anywhere at all.
    """
    findings = []
    for path in sorted(bundle.rglob("*")):
        shown = path.relative_to(bundle).as_posix()
        if not path.is_file() or (path.suffix == ".py" and not shown.startswith("exercises/")):
            continue
        text = path.read_text(errors="replace")
        for function, answer in ANSWERS.items():
            if any((topic, function) in ANSWERS_STATED_BY_TOPICS for topic in re.findall(r"\w+", path.name)[:1]):
                continue
            quoted = (json.dumps(answer), repr(answer))
            if any(form in text for form in quoted) or (not _is_a_name(answer) and answer in text):
                findings.append(f"{shown} holds the answer of {function}: {answer}")
    return findings


def test_the_bundle_holds_no_derivation_answer(bundle):
    assert answer_leaks(bundle) == []


def test_no_assignment_hands_out_a_question_beside_a_topic_that_states_its_answer():
    for (topic, question), _ in ANSWERS_STATED_BY_TOPICS.items():
        for name in COURSE.assignments:
            ids = {exercise.id for exercise in COURSE.assignment(name).exercises}
            assert not (f"derivations.{question}" in ids and any(i.startswith(f"{topic}.") for i in ids)), (name, topic)


def wrong_answer_leaks(bundle: Path) -> list[str]:
    """Where a known wrong answer of a derivation question appears as a quoted string, in any file, the grader's too."""
    findings = []
    for path in sorted(bundle.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        for variant, answer in WRONG_ANSWERS.items():
            if json.dumps(answer) in text or repr(answer) in text:
                findings.append(f"{path.relative_to(bundle).as_posix()} holds the wrong answer of {variant}: {answer}")
    return findings


def test_the_bundle_holds_no_known_wrong_answer(bundle):
    assert wrong_answer_leaks(bundle) == []


def test_the_answer_scan_finds_a_planted_answer(bundle, tmp_path):
    planted = tmp_path / "planted"
    (planted / "exercises").mkdir(parents=True)
    (planted / "exercises" / "derivations.py").write_text(f"def he_initialisation():\n    return {ANSWERS['he_initialisation']!r}\n")
    (planted / "notes.json").write_text(json.dumps({"value": ANSWERS["bp3_bias_gradient"]}))
    (planted / "grader").mkdir()
    wrong = WRONG_ANSWERS["sigmoid_derivative_lost_minus"]
    (planted / "grader" / "questions.py").write_text(f"MISTAKE = ({wrong!r}, 'lost the minus')\n")
    findings = "\n".join(answer_leaks(planted))
    assert "exercises/derivations.py holds the answer of he_initialisation" in findings
    assert "notes.json holds the answer of bp3_bias_gradient" in findings
    assert f"grader/questions.py holds the wrong answer of sigmoid_derivative_lost_minus: {wrong}" in wrong_answer_leaks(planted)


# -- using it as a student --------------------------------------------------------


def test_the_installed_grader_is_the_bundles_and_reference_code_is_absent(venv, tmp_path):
    cwd = _outside_the_project(tmp_path)
    found = _run(venv, ["python", "-c", "import grader; print(grader.__file__)"], cwd=cwd)
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()).resolve().is_relative_to(venv.parent.resolve())
    missing = _run(venv, ["python", "-c", "import reference"], cwd=cwd)
    assert missing.returncode != 0 and "No module named 'reference'" in missing.stderr


def test_the_stubs_score_zero_every_check_not_implemented(bundle, venv):
    checked = _run(venv, ["nngrade", "check"], cwd=_outside_the_project(bundle / "exercises"))
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert re.search(r"^total: 0/\d+ points$", checked.stdout, re.MULTILINE), checked.stdout
    assert f"{PUBLIC_CHECKS} checks are not implemented yet" in checked.stdout
    rows = [line for line in checked.stdout.splitlines() if re.search(r"\s0/\d+$", line)]
    assert len(rows) == PUBLIC_CHECKS and all("not implemented" in row for row in rows), checked.stdout


def test_the_solutions_score_full_marks_with_nngrade_check_and_pytest(bundle, venv, tmp_path):
    work = _outside_the_project(tmp_path / "my-exercises")
    shutil.copytree(bundle / "exercises", work)
    for solution in [*SOLUTIONS.glob("*.py"), *SOLUTIONS.glob("*.pt")]:  # the weights handed in too
        shutil.copy(solution, work / solution.name)

    checked = _run(venv, ["nngrade", "check"], cwd=work)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    total = re.search(r"^total: (\S+)/(\S+) points$", checked.stdout, re.MULTILINE)
    assert total and total.group(1) == total.group(2), checked.stdout
    assert "not implemented" not in checked.stdout and "internal error" not in checked.stdout

    tested = _run(venv, ["pytest", "-q", "-p", "no:cacheprovider"], cwd=work)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert f"{PUBLIC_CHECKS} passed" in tested.stdout
    assert "public checks:" in tested.stdout


# -- one assignment's bundle ------------------------------------------------------


def test_an_assignment_bundle_ships_only_its_exercises_public_checks_and_the_courses_points_and_limits(a1_bundle, tmp_path):
    bundle = a1_bundle
    a1 = COURSE.assignment("a1")
    assert sorted(path.name for path in (bundle / "grader" / "catalog").glob("*.py")) == [
        "__init__.py", "backprop.py", "perceptron.py",
    ]
    # No hidden check's code, name or description anywhere in the bundle.
    hidden = [check for exercise in REGISTRY for check in exercise.checks if check.hidden]
    texts = {path: path.read_text(errors="replace") for path in bundle.rglob("*") if path.is_file()}
    for check in hidden:
        description = (check.function.__doc__ or "").strip().splitlines()[0]
        for path, text in texts.items():
            assert check.function.__name__ not in text, f"{path} holds {check.function.__name__}"
            assert not description or description not in text, f"{path} holds the description of {check.name}"
    # A NumPy-only assignment needs no torch.
    released = tomllib.loads((bundle / "pyproject.toml").read_text())["project"]["dependencies"]
    assert not [requirement for requirement in released if requirement.startswith("torch")]
    assert "torch" not in (bundle / "README.md").read_text().replace("torch tensors", "")
    assert "2 s of CPU" in (bundle / "README.md").read_text()

    # The bundle's own grader sees a1's exercises, public checks only, the course's points and limits.
    shown = subprocess.run(
        [sys.executable, "-c", (
            "import json; from grader import load_registry; r = load_registry(); "
            "print(json.dumps({e.id: [[c.name for c in e.checks], e.points, e.limits['cpu_seconds']] for e in r}))"
        )],
        cwd=tmp_path, env={**_isolated_environment(), "PYTHONPATH": str(bundle)}, capture_output=True, text=True,
    )
    assert shown.returncode == 0, shown.stderr
    exercises = json.loads(shown.stdout)
    assert sorted(exercises) == sorted(exercise.id for exercise in a1.exercises)
    for exercise in a1.exercises:
        names, points, cpu = exercises[exercise.id]
        assert names == [check.name for check in exercise.public_checks]
        expected = sum(check.points for check in exercise.public_checks) * a1.scale(exercise)
        assert points == pytest.approx(expected) and cpu == COURSE.limits.merged(exercise.limits).cpu_seconds
    assert a1.scale(REGISTRY.get("perceptron.train")) != 1.0  # the course sets this exercise's points

    # And the solutions still score full marks with the pruned catalog.
    work = tmp_path / "work"
    shutil.copytree(bundle / "exercises", work)
    for module in ("perceptron", "backprop"):
        shutil.copy(SOLUTIONS / f"{module}.py", work)
    checked = subprocess.run(
        [sys.executable, "-m", "grader.cli", "check"],
        cwd=work, env={**_isolated_environment(), "PYTHONPATH": str(bundle)}, capture_output=True, text=True, timeout=300,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    total = re.search(r"^total: (\S+)/(\S+) points$", checked.stdout, re.MULTILINE)
    assert total and total.group(1) == total.group(2), checked.stdout


# -- the course's limits and submission packages in an assignment's bundle ----------------------------


def test_an_assignment_bundle_installs_and_lists_the_courses_submission_packages_without_torch(a1_bundle):
    declared = COURSE.environment.packages
    assert declared == ("numpy==2.4.6", "torch==2.13.0", "scikit-learn==1.9.1")
    dependencies = tomllib.loads((a1_bundle / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "numpy==2.4.6" in dependencies and "scikit-learn==1.9.1" in dependencies
    assert not [requirement for requirement in dependencies if requirement.startswith(("torch", "pandas"))]
    recorded = json.loads((a1_bundle / "grader" / "submission_environment.json").read_text())
    assert recorded == {"packages": ["numpy==2.4.6", "scikit-learn==1.9.1"]}
    readme = (a1_bundle / "README.md").read_text()
    assert "## What your code may import" in readme
    assert "- `numpy` (`numpy==2.4.6`)\n- `sklearn` (`scikit-learn==1.9.1`)" in readme
    assert "Your code runs in an empty folder" in readme


SLOW_PREDICT = """

_predict = predict


def predict(w, X):
    import time

    started = time.process_time()
    while time.process_time() - started < 3.0:  # over the course's 2 s of CPU, under nngrade's default 10 s
        pass
    return _predict(w, X)


def learning_step(w, x, d, eta):
    started = time.process_time()
    while time.process_time() - started < 1.3:
        pass
    return _learning_step(w, x, d, eta)


def gate_weights(gate):
    import torch  # not a package of a1

    return torch.zeros(3)
"""


def test_an_assignment_bundles_self_check_runs_calls_as_grading_does(a1_bundle, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(a1_bundle / "exercises", work)
    source = (SOLUTIONS / "perceptron.py").read_text()
    assert "def learning_step(w, x, d, eta)" in source
    (work / "perceptron.py").write_text(
        source + "\n\nimport time\n_learning_step = learning_step\n" + SLOW_PREDICT
    )
    checked = subprocess.run(
        [sys.executable, "-m", "grader.cli", "check", "perceptron.predict", "perceptron.learning_step",
         "perceptron.gate_weights"],
        cwd=work, env={**_isolated_environment(), "PYTHONPATH": str(a1_bundle)}, capture_output=True, text=True,
        timeout=300,
    )
    output = checked.stdout
    assert checked.returncode == 1, output + checked.stderr
    # The course's CPU limit (2 s), recorded in the bundle, stops predict.
    assert "predict_worked_example" in output and "more than the 2 s of CPU time it may use" in output
    # learning_step passes, and is told it came close.
    assert re.search(r"perceptron.learning_step::\S+: 'learning_step' used 1\.\d s of its 2 s CPU limit", output), output
    # torch is not a package of a1: the import names what is.
    assert (
        "torch is not available to submissions in this course: you may import numpy, sklearn (scikit-learn) "
        "and the standard library" in output
    ), output


def test_a_bundle_ships_the_data_files_its_exercises_declare_and_names_one_that_is_missing(tmp_path, monkeypatch):
    from dataclasses import replace

    from grader.registry import Registry

    registry = Registry([replace(REGISTRY.get("perceptron.predict"), data_files=("points.csv", "more/notes.txt"))])
    stubs = tmp_path / "course" / "exercises"
    stubs.mkdir(parents=True)
    for name in ("perceptron.py", "nngrade.toml"):
        shutil.copy(EXERCISES / name, stubs)
    (stubs / "points.csv").write_text("1 2\n")
    monkeypatch.chdir(tmp_path / "course")
    with pytest.raises(DeliveryError, match=r"declares the data file 'more/notes.txt', but .*more/notes.txt does not exist"):
        write_release(tmp_path / "refused", registry=registry, course=None, assignments=(), overwrite=False)
    (stubs / "more").mkdir()
    (stubs / "more" / "notes.txt").write_text("kept")
    bundle = write_release(tmp_path / "bundle", registry=registry, course=None, assignments=(), overwrite=False).path
    assert (bundle / "exercises" / "points.csv").read_text() == "1 2\n"
    assert (bundle / "exercises" / "more" / "notes.txt").read_text() == "kept"
    assert "(`points.csv`, `more/notes.txt`) are in `exercises/`" in (bundle / "README.md").read_text()
