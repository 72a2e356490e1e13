"""``nngrade gradescope``: the autograder zip, set up and run the way Gradescope runs it.

The zip is written once and unpacked into a ``source/`` folder; its own
``setup.sh`` builds the Python environment (torch from the local wheel instead
of PyTorch's index, nothing of this project visible). Each case then gets a
tree of its own -- ``source/``, ``submission/``, ``results/``,
``submission_metadata.json`` -- and ``run_autograder`` runs as a subprocess.
Every ``results.json`` is validated against Gradescope's format.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import subprocess
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from grader import load_registry
from grader.course import load_course
from grader.delivery import DeliveryError
from grader.delivery.gradescope_autograder import write_gradescope_autograder

from conftest import ROOT, SOLUTIONS

pytestmark = pytest.mark.slow

REGISTRY = load_registry()
COURSE = load_course(ROOT / "course.toml", REGISTRY)
ASSIGNMENT = COURSE.assignment("a1")
INFO = ASSIGNMENT.info()
VALIDATOR = jsonschema.Draft202012Validator(
    json.loads((Path(__file__).parent / "gradescope_results.schema.json").read_text())
)
METADATA = {
    "id": 987654,
    "created_at": "2026-10-14T21:30:00.000000-07:00",
    "assignment": {"id": 25828, "title": "Perceptrons and backpropagation", "total_points": "65.0"},
    "submission_method": "upload",
    "users": [{"email": "student@example.com", "id": 1234, "name": "Student User"}],
    "previous_submissions": [],
}


def _points(topic: str) -> float:
    return sum(exercise.max_score for exercise in INFO.exercises if exercise.id.startswith(f"{topic}."))


def _environment(**extra: str) -> dict[str, str]:
    """A shell's environment without anything that points at this project."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "PYTEST", "VIRTUAL_ENV", "NNGRADE"))
    }
    environment["PATH"] = ":".join(
        part for part in environment.get("PATH", "").split(":") if part and not part.startswith(str(ROOT))
    )
    environment.update(extra)
    return environment


def _unzip(zip_path: Path, folder: Path) -> None:
    """Unpack as unzip does: the members' Unix modes kept."""
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            target = folder / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            target.chmod(stat.S_IMODE(info.external_attr >> 16))


@dataclass(frozen=True)
class Autograder:
    zip_path: Path
    source: Path
    """the zip unpacked, as setup.sh saw it"""
    python: Path
    """the environment setup.sh made"""


@pytest.fixture(scope="module")
def autograder(tmp_path_factory) -> Autograder:
    base = tmp_path_factory.mktemp("gradescope")
    written = write_gradescope_autograder(base / "autograder.zip", course=COURSE, assignment="a1", overwrite=False)
    root = base / "image"
    _unzip(written.path, root / "source")
    venv = base / "venv"
    setup = subprocess.run(
        [str(root / "source" / "setup.sh")],
        cwd=base,
        env=_environment(NNGRADE_AUTOGRADER_ROOT=str(root), NNGRADE_VENV=str(venv), NNGRADE_TORCH_INDEX_URL=""),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    return Autograder(written.path, root / "source", venv / "bin" / "python")


@dataclass(frozen=True)
class Run:
    root: Path
    results: dict
    stdout: str

    def tests_of(self, topic: str) -> list[dict]:
        return [test for test in self.results["tests"] if test["name"].startswith(f"{topic}.")]


def run_autograder(
    autograder: Autograder,
    tmp_path: Path,
    files: dict[str, bytes],
    *,
    metadata: dict | str | None = None,
    python: str | None = None,
    source_files: dict[str, bytes] | None = None,
) -> Run:
    """Set up a Gradescope tree with ``files`` as the submission, run ``run_autograder``, read ``results.json``.

    ``source_files`` replace files of the unpacked zip in this tree only.
    """
    root = tmp_path / "autograder"
    shutil.copytree(autograder.source, root / "source", ignore=shutil.ignore_patterns("build", "*.egg-info"))
    for name, data in (source_files or {}).items():
        (root / "source" / name).write_bytes(data)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for name, data in files.items():
        (root / "submission" / name).write_bytes(data)
    if metadata is None:
        metadata = METADATA
    (root / "submission_metadata.json").write_text(metadata if isinstance(metadata, str) else json.dumps(metadata))
    tmp_path.mkdir(parents=True, exist_ok=True)
    ran = subprocess.run(
        [str(root / "source" / "run_autograder")],
        cwd=tmp_path,
        env=_environment(NNGRADE_AUTOGRADER_ROOT=str(root), NNGRADE_PYTHON=python or str(autograder.python)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    VALIDATOR.validate(results)
    return Run(root, results, ran.stdout)


def _solutions(*topics: str) -> dict[str, bytes]:
    return {f"{topic}.py": (SOLUTIONS / f"{topic}.py").read_bytes() for topic in topics}


# -- the zip ----------------------------------------------------------------------


def test_the_zip_holds_the_scripts_the_grader_the_reference_and_the_grading_data(autograder):
    with zipfile.ZipFile(autograder.zip_path) as archive:
        members = {info.filename: info for info in archive.infolist()}
        for script in ("setup.sh", "run_autograder"):
            assert stat.S_IMODE(members[script].external_attr >> 16) == 0o755, script
        assert {"pyproject.toml", "course.toml", "grader/__init__.py", "reference/__init__.py"} <= set(members)
        assert not [name for name in members if "__pycache__" in name or "recorded_checks" in name]
        assert archive.read("grader/cli.py") == (ROOT / "grader" / "cli.py").read_bytes()
        assert archive.read("reference/perceptron.py") == (ROOT / "reference" / "perceptron.py").read_bytes()
        grading = tomllib.loads(archive.read("course.toml").decode())
        project = tomllib.loads(archive.read("pyproject.toml").decode())
        setup = archive.read("setup.sh").decode()
    assert grading["salt"] == COURSE.salt
    assert grading["assignments"]["a1"]["exercises"] == [exercise.id for exercise in ASSIGNMENT.exercises]
    assert grading["assignments"]["a1"]["points"] == {"perceptron.train": 6.0}
    assert "due" not in grading["assignments"]["a1"] and "late" not in grading["assignments"]["a1"]
    assert grading["sandbox"] == COURSE.limits.as_dict()
    assert grading["submission"] == {"packages": list(COURSE.environment.packages)}
    assert "torch==2.13.0" in project["project"]["dependencies"]
    assert project["tool"]["setuptools"]["packages"]["find"]["include"] == ["grader*"]
    assert '"torch==2.13.0"' in setup and "https://download.pytorch.org/whl/cpu" in setup


def test_setup_installed_the_zips_grader_and_not_its_reference_code(autograder, tmp_path):
    probe = subprocess.run(
        [str(autograder.python), "-c", "import grader, importlib.util; print(grader.__file__); "
         "print(importlib.util.find_spec('reference'))"],
        cwd=tmp_path,
        env=_environment(),
        capture_output=True,
        text=True,
    )
    grader_file, reference = probe.stdout.split()
    assert Path(grader_file).is_relative_to(autograder.python.parent.parent), grader_file
    # Installed, the reference code would be importable by student code in the sandbox.
    assert reference == "None"


def test_an_existing_zip_is_replaced_only_with_force(tmp_path):
    zip_path = tmp_path / "autograder.zip"
    zip_path.write_bytes(b"mine")
    with pytest.raises(DeliveryError, match="--force") as refused:
        write_gradescope_autograder(zip_path, course=COURSE, assignment="a1", overwrite=False)
    assert str(zip_path) in str(refused.value) and zip_path.read_bytes() == b"mine"
    write_gradescope_autograder(zip_path, course=COURSE, assignment="a1", overwrite=True)
    assert zipfile.is_zipfile(zip_path)


def test_the_command_writes_the_zip(tmp_path):
    ran = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "nngrade"), "gradescope", "-a", "a2", "-o", str(tmp_path / "a2.zip")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    assert "keep it private" in ran.stdout and "late policy" in ran.stdout
    with zipfile.ZipFile(tmp_path / "a2.zip") as archive:
        grading = tomllib.loads(archive.read("course.toml").decode())
    assert list(grading["assignments"]) == ["a2"]
    unknown = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "nngrade"), "gradescope", "-a", "a9", "-o", str(tmp_path / "a9.zip")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert unknown.returncode == 2 and "no assignment 'a9'" in unknown.stderr


# -- grading submissions ----------------------------------------------------------


def test_the_solutions_score_full_marks_with_the_zips_grader(autograder, tmp_path):
    run = run_autograder(autograder, tmp_path, _solutions("perceptron", "backprop"))
    results = run.results
    assert results["score"] == INFO.max_score == 65
    assert len(results["tests"]) == sum(len(exercise.checks) for exercise in INFO.exercises)
    assert all(test["status"] == "passed" and test["score"] == test["max_score"] for test in results["tests"])
    assert sum(test["max_score"] for test in results["tests"] if test["name"].startswith("perceptron.train::")) == 6
    hidden = [test for test in results["tests"] if "hidden" in test["tags"]]
    assert hidden and all(test["visibility"] == "after_published" for test in hidden)
    assert results["extra_data"]["student"] == "1234"
    assert results["extra_data"]["submitted_at"] == "2026-10-15T04:30:00+00:00"
    assert "Gradescope applies the assignment's late policy" in results["output"]
    # The grader and the reference code that ran are the zip's, unpacked in this tree.
    assert f"grader {run.root / 'source' / 'grader'}," in run.stdout
    assert f"reference {run.root / 'source' / 'reference'}," in run.stdout


def test_a_wrong_submission_loses_points_and_the_mistake_is_named(autograder, tmp_path):
    wrong = (SOLUTIONS / "perceptron.py").read_text() + (
        "\n\ndef predict(w, X):\n    X = np.asarray(X, dtype=float)\n    return np.sign(w[0] + X @ w[1:])\n"
    )
    run = run_autograder(autograder, tmp_path, {"perceptron.py": wrong.encode(), **_solutions("backprop")})
    assert _points("backprop") <= run.results["score"] < INFO.max_score
    predict = [test for test in run.results["tests"] if test["name"].startswith("perceptron.predict::")]
    assert any(test["status"] == "failed" and "np.sign" in test["output"] for test in predict)
    assert all(test["status"] == "passed" for test in run.tests_of("backprop"))


def test_a_syntax_error_costs_its_module_and_says_where(autograder, tmp_path):
    broken = b"import numpy as np\n\ndef predict(w, X:\n    return X\n"
    run = run_autograder(autograder, tmp_path, {"perceptron.py": broken, **_solutions("backprop")})
    assert run.results["score"] == _points("backprop")
    perceptron = run.tests_of("perceptron")
    assert perceptron and all(test["score"] == 0 for test in perceptron)
    public = [test for test in perceptron if "public" in test["tags"]]
    # Where, once, in the top-level output; each check it stopped says only "not run".
    assert run.results["output"].count("'perceptron.py' has a syntax error at line 3") == 1
    assert all("not run: perceptron.py could not be loaded" in test["output"] for test in public)
    assert not any("syntax error" in test["output"] for test in perceptron)


def test_an_empty_submission_scores_zero_and_says_what_to_submit(autograder, tmp_path):
    run = run_autograder(autograder, tmp_path, {})
    assert run.results["score"] == 0 and run.results["tests"] == []
    assert "no .py files or notebooks" in run.results["output"]
    assert "perceptron.py, backprop.py" in run.results["output"]


def test_a_zip_is_read_and_without_users_the_submission_id_seeds_the_hidden_checks(autograder, tmp_path):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name, data in _solutions("perceptron", "backprop").items():
            archive.writestr(f"homework/{name}", data)
    metadata = {key: value for key, value in METADATA.items() if key != "users"}
    run = run_autograder(autograder, tmp_path, {"homework.zip": packed.getvalue()}, metadata=metadata)
    assert run.results["score"] == INFO.max_score
    assert run.results["extra_data"]["student"] == "submission-987654"


def test_a_hostile_submission_cannot_forge_results_or_read_the_grading_data(autograder, tmp_path):
    root = tmp_path / "autograder"
    # Where the files are is no secret: Gradescope's layout is documented; this tree's root is written into the attack.
    attack = f'''
import json, os
_ROOTS = [{str(root)!r}]
_STOLEN = []
for _root in _ROOTS:
    for _target in (_root + "/results/results.json", _root + "/results/../results/results.json"):
        try:
            os.makedirs(os.path.dirname(_target), exist_ok=True)
            with open(_target, "w") as _file:
                json.dump({{"score": 1000.0, "output": "forged", "tests": []}}, _file)
        except Exception:
            pass
    for _secret in ("/source/course.toml", "/source/reference/perceptron.py", "/submission_metadata.json"):
        try:
            with open(_root + _secret) as _file:
                _STOLEN.append(_file.read())
        except Exception:
            pass
try:
    import reference.perceptron
    _STOLEN.append("imported the reference")
except Exception:
    pass
'''
    solution = (SOLUTIONS / "perceptron.py").read_text()
    hostile = solution + attack + (
        "\n\n_predict = predict\n\ndef predict(w, X):\n"
        "    return '\\n'.join(_STOLEN) if _STOLEN else _predict(w, X)\n"
    )
    grading_data = (autograder.source / "course.toml").read_bytes()
    run = run_autograder(autograder, tmp_path, {"perceptron.py": hostile.encode(), **_solutions("backprop")})
    # Nothing was read (else predict would have answered with it) and nothing was forged.
    assert run.results["score"] == INFO.max_score, [t["output"] for t in run.results["tests"] if t["status"] != "passed"]
    text = (run.root / "results" / "results.json").read_text()
    assert "forged" not in text and COURSE.salt not in text
    assert (run.root / "source" / "course.toml").read_bytes() == grading_data
    # Where the sandbox cannot hide them, the grading data and the results are not open to other users.
    for secret in ("source/course.toml", "source/reference", "submission_metadata.json", "results"):
        assert stat.S_IMODE((run.root / secret).stat().st_mode) & 0o077 == 0, secret


def test_a_fault_of_the_grader_still_gives_a_valid_results_json(autograder, tmp_path):
    unknown = run_autograder(autograder, tmp_path / "metadata", _solutions("perceptron", "backprop"), metadata="{not json")
    # Unreadable metadata is no fault: the submission is graded, for 'unknown'.
    assert unknown.results["score"] == INFO.max_score and unknown.results["extra_data"]["student"] == "unknown"

    faulty = run_autograder(
        autograder, tmp_path / "course", _solutions("perceptron", "backprop"), source_files={"course.toml": b"salt = 3\n"}
    )
    assert faulty.results["score"] == 0 and faulty.results["tests"] == []
    assert "the autograder failed (CourseFileError)" in faulty.results["output"]
    assert "salt" not in faulty.results["output"] and "salt: must be a string" in faulty.stdout
    assert "not in your code" in faulty.results["output"]


def test_when_python_cannot_even_start_run_autograder_writes_the_results(autograder, tmp_path):
    run = run_autograder(autograder, tmp_path, _solutions("perceptron"), python=str(tmp_path / "no-python"))
    assert run.results["score"] == 0 and run.results["tests"] == []
    assert "exit status 127" in run.results["output"] and "not in your code" in run.results["output"]
    assert re.search(r"tell your instructor", run.results["output"])


def test_torch_classes_are_graded_with_the_zips_grader(autograder, tmp_path):
    """Assignment a3's zip (autograd Functions, nn.Modules, a training loop), run with the environment setup.sh made."""
    written = write_gradescope_autograder(tmp_path / "a3.zip", course=COURSE, assignment="a3", overwrite=False)
    _unzip(written.path, tmp_path / "a3" / "source")
    a3 = Autograder(written.path, tmp_path / "a3" / "source", autograder.python)
    full = COURSE.assignment("a3").info().max_score
    right = run_autograder(a3, tmp_path / "right", _solutions("autograd", "mlp", "layers"))
    assert right.results["score"] == pytest.approx(full)
    assert all(test["status"] == "passed" for test in right.results["tests"])

    mlp = (SOLUTIONS / "mlp.py").read_text().replace("torch.softmax(self.layers[-1](z), dim=1)", "torch.softmax(self.layers[-1](z), dim=0)")
    slip = run_autograder(a3, tmp_path / "slip", {**_solutions("autograd", "layers"), "mlp.py": mlp.encode()})
    lost = [test for test in slip.results["tests"] if test["score"] < test["max_score"]]
    assert lost and all(test["name"].startswith("mlp.sigmoid_mlp::") for test in lost)
    assert any("softmax over the batch" in test["output"] for test in lost)


def test_weights_handed_in_are_graded_by_the_zip(autograder, tmp_path):
    """Assignment a4: a trained state_dict uploaded beside the code, loaded in the sandbox child only."""
    written = write_gradescope_autograder(tmp_path / "a4.zip", course=COURSE, assignment="a4", overwrite=False)
    _unzip(written.path, tmp_path / "a4" / "source")
    a4 = Autograder(written.path, tmp_path / "a4" / "source", autograder.python)
    weights = (SOLUTIONS / "digits_weights.pt").read_bytes()
    right = run_autograder(a4, tmp_path / "right", {"digits_weights.pt": weights})
    assert right.results["score"] == pytest.approx(COURSE.assignment("a4").info().max_score)
    garbage = run_autograder(a4, tmp_path / "garbage", {"digits_weights.pt": b"not a state_dict"})
    assert garbage.results["score"] == 0
    assert any("weights_only=True" in test["output"] for test in garbage.results["tests"])
