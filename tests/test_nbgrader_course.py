"""`nngrade notebooks` tried with real nbgrader: generate, release, autograde, and the same scores as `nngrade grade`.

The course for assignment a1 is written with the real command into a
temporary folder; `nbgrader generate_assignment` and `nbgrader autograde` run
as subprocesses of the venv's nbgrader, on submissions made from the release
notebooks the way a student makes them: a correct one, known mistakes, a cell
that raises, a syntax error, unfinished work, and a student who patches NumPy
in the kernel. nbgrader's own gradebook (read with nbgrader's API) must agree,
check by check, with `nngrade grade` run on the same submitted/ tree. The
self-check is run in a real kernel through nbclient.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from grader.course import load_course
from grader.delivery.nbgrader_course import write_nbgrader_course
from grader.delivery.summary import DeliveryError
from grader.notebook_checks import GRADER_CELL_MARKER, course_file_of, kernel_module_source
from grader.registry import load_registry
from grader.runner import grade_exercise
from grader.sandbox import SandboxedStudentCode
from grader.submissions.notebooks import notebook_code

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SALT = "nbgrader-course-test-salt"
A1_POINTS = 65.0

pytestmark = pytest.mark.slow

COURSE_TOML = f"""
salt = "{SALT}"

[sandbox]
cpu_seconds = 2
wall_seconds = 10

[assignments.a1]
title = "Perceptrons and backpropagation"
exercises = ["perceptron", "backprop"]

[assignments.a1.points]
"perceptron.train" = 6

[assignments.a9]
title = "One step of SGD"
exercises = ["backprop.sgd_step"]
"""


def tool_environment() -> dict[str, str]:
    """The environment nbgrader runs in: the venv's tools first (nbgrader calls alembic by name), no autograde flag."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("NBGRADER_")}
    environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
    return environment


def run(*command: str, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=tool_environment(), timeout=900)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run(str(BIN / "nbgrader"), *args, cwd=cwd)


def nngrade(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return run(sys.executable, "-m", "grader.cli", *args, cwd=cwd)


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def cell_text(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def grade_id(cell: dict) -> str:
    return cell["metadata"].get("nbgrader", {}).get("grade_id", "")


def without_solution_delimiters(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def student_notebook(course: Path, module: str, *, changes: tuple[tuple[str, str], ...] = (), solved: bool = True,
                     extra_cell: str = "", assignment: str = "a1") -> dict:
    """The release notebook of ``module`` as a student hands it in: solutions typed in, then ``changes`` made.

    ``extra_cell`` is a code cell of the student's own, placed after the setup cell.
    """
    release = read_notebook(course / "release" / assignment / f"{module}.ipynb")
    source = {
        grade_id(cell): cell for cell in read_notebook(course / "source" / assignment / f"{module}.ipynb")["cells"]
    }
    for cell in release["cells"]:
        if solved and cell["metadata"].get("nbgrader", {}).get("solution"):
            cell["source"] = without_solution_delimiters(cell_text(source[grade_id(cell)]))
        text = cell_text(cell)
        for old, new in changes:
            text = text.replace(old, new)
        cell["source"] = text
    if extra_cell:
        position = next(index for index, cell in enumerate(release["cells"]) if grade_id(cell) == "setup") + 1
        release["cells"].insert(
            position, {"cell_type": "code", "execution_count": None, "id": "student-extra", "metadata": {},
                       "outputs": [], "source": extra_cell}
        )
    return release


STUDENTS: dict[str, dict[str, dict]] = {
    # student -> module -> keyword arguments of student_notebook
    "ada": {"perceptron": {}, "backprop": {}},
    "ben": {"perceptron": {"changes": (("return np.where(net > 0, 1, -1)", "return np.sign(net)"),)}, "backprop": {}},
    "cal": {"perceptron": {}, "backprop": {"extra_cell": "raise RuntimeError('left over from debugging')\n"}},
    "dan": {"perceptron": {"changes": (("def learning_step(w, x, d, eta):", "def learning_step(w, x, d, eta)"),)},
            "backprop": {}},
    "eve": {"perceptron": {"solved": False}, "backprop": {"solved": False}},
    "fay": {
        "perceptron": {
            "changes": (("return np.where(net > 0, 1, -1)", "return np.sign(net)"),),
            # Patches the kernel's NumPy so that every comparison made there passes.
            "extra_cell": (
                "import numpy\n"
                "numpy.allclose = lambda *args, **kwargs: True\n"
                "numpy.array_equal = lambda *args, **kwargs: True\n"
                "numpy.isclose = lambda a, b, *args, **kwargs: numpy.ones(numpy.shape(a), dtype=bool)\n"
            ),
        },
        "backprop": {},
    },
}


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """The nbgrader course for a1, generated by nbgrader, with the class's submissions autograded."""
    base = tmp_path_factory.mktemp("nbgrader")
    course_file = base / "course.toml"
    course_file.write_text(COURSE_TOML)
    folder = base / "course"
    written = nngrade("notebooks", "-o", str(folder), "-a", "a1", "--course", str(course_file))
    assert f"wrote {folder}" in written.stdout
    nbgrader("generate_assignment", "a1", cwd=folder)
    for student, modules in STUDENTS.items():
        target = folder / "submitted" / student / "a1"
        target.mkdir(parents=True)
        for module, options in modules.items():
            notebook = student_notebook(folder, module, **options)
            (target / f"{module}.ipynb").write_text(json.dumps(notebook, indent=1))
        (target / "timestamp.txt").write_text("2026-10-10 12:00:00.000000 UTC")
    nbgrader("autograde", "a1", cwd=folder)
    return folder


@pytest.fixture(scope="module")
def nbgrader_scores(course) -> dict[str, dict[str, float]]:
    """Student -> '<exercise>::<check>' -> score, from nbgrader's gradebook (nbgrader's own API)."""
    from nbgrader.api import Gradebook

    scores: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in STUDENTS:
            submission = gradebook.find_submission("a1", student)
            checks = {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    kind, task, check = grade.name.split("-", 2)
                    assert kind == "test", grade.name
                    checks[f"{notebook.name}.{task}::{check}"] = grade.score
            assert sum(checks.values()) == pytest.approx(submission.score)
            assert submission.max_score == pytest.approx(A1_POINTS)
            scores[student] = checks
    return scores


@pytest.fixture(scope="module")
def nngrade_scores(course, tmp_path_factory) -> dict[str, dict[str, float]]:
    """Student -> '<exercise>::<check>' -> score, from `nngrade grade` on the same course folder."""
    out = tmp_path_factory.mktemp("nngrade") / "graded"
    nngrade("grade", str(course), "-a", "a1", "-o", str(out), "--course", str(course.parent / "course.toml"), "-q")
    database = sqlite3.connect(out / "gradebook.sqlite")
    scores: dict[str, dict[str, float]] = {}
    for student, test, score in database.execute(
        "SELECT student, exercise_id || '::' || check_name, score FROM check_results"
    ):
        scores.setdefault(student, {})[test] = score
    database.close()
    return scores


def exercise_totals(scores: dict[str, float]) -> dict[str, float]:
    totals: Counter = Counter()
    for test, score in scores.items():
        totals[test.split("::")[0]] += score
    return {exercise: round(total, 4) for exercise, total in totals.items()}


# -- what is written ----------------------------------------------------------------------------


def test_the_course_folder_holds_the_config_and_one_source_notebook_per_module(course):
    assert sorted(path.name for path in (course / "source" / "a1").iterdir()) == ["backprop.ipynb", "perceptron.ipynb"]
    assert course_file_of(course) == course.parent / "course.toml"
    config = (course / "nbgrader_config.py").read_text()
    assert "gradebook.db" in config and "c.Execute.timeout" in config
    assert SALT not in config, "the config names the course file; it never copies the salt"
    assert (course / "gradebook.db").is_file()


def test_test_cells_carry_the_points_the_course_file_gives(course):
    points: Counter = Counter()
    for module in ("perceptron", "backprop"):
        cells = read_notebook(course / "source" / "a1" / f"{module}.ipynb")["cells"]
        ids = [grade_id(cell) for cell in cells]
        assert len(set(ids)) == len(ids) == len(cells), "every cell has a grade id of its own"
        for cell in cells:
            metadata = cell["metadata"]["nbgrader"]
            if metadata["grade"]:
                assert metadata["locked"] and not metadata["solution"]
                points[f"{module}.{metadata['grade_id'].split('-')[1]}"] += metadata["points"]
    assert sum(points.values()) == pytest.approx(A1_POINTS)
    assert points["perceptron.train"] == pytest.approx(6), "perceptron.train is scaled from 5 to 6 points"
    train = next(
        cell for cell in read_notebook(course / "source" / "a1" / "perceptron.ipynb")["cells"]
        if grade_id(cell) == "test-train-train_worked_example"
    )
    assert train["metadata"]["nbgrader"]["points"] == pytest.approx(1.2)
    assert "points=1.2)" in cell_text(train)


def test_the_release_version_has_no_solutions_no_hidden_tests_and_no_salt(course):
    registry = load_registry()
    hidden = [check.name for exercise in registry.select(["perceptron", "backprop"]) for check in exercise.hidden_checks]
    solution_lines = ["return np.where(net > 0, 1, -1)", "np.outer(delta, z_prev)", "trajectory.append(w.copy())"]
    source = "".join((course / "source" / "a1" / f"{m}.ipynb").read_text() for m in ("perceptron", "backprop"))
    for line in solution_lines:
        assert line in source, f"the source version holds the solution line {line!r}"
    assert all(f"'{name}'" in source for name in hidden), "the source version calls every hidden check"

    released = list((course / "release" / "a1").iterdir())
    assert sorted(path.name for path in released) == ["backprop.ipynb", "perceptron.ipynb"]
    for path in released:
        text = path.read_text()
        assert SALT not in text
        for word in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert word not in text, f"{path.name} holds {word!r}"
        for line in solution_lines:
            assert line not in text, f"{path.name} holds the solution line {line!r}"
        for name in hidden:
            assert f"'{name}'" not in text, f"{path.name} still calls the hidden check {name}"
        notebook = read_notebook(path)
        answers = [cell for cell in notebook["cells"] if cell["metadata"]["nbgrader"].get("solution")]
        assert answers and all("raise NotImplementedError()" in cell_text(cell) for cell in answers)
        assert all(cell_text(cell).lstrip().startswith("def ") for cell in answers), "the stub's signature stays"


def test_the_release_notebook_imports_as_the_unfinished_module(course):
    raw = (course / "release" / "a1" / "perceptron.ipynb").read_bytes()
    code = notebook_code(raw, shown="perceptron.ipynb")
    assert "grade(" not in code.source, "test cells are left out of the student's module"
    assert "check('perceptron.predict')" in code.source, "the self-check cell stays, behind its __main__ guard"
    compile(code.source, "perceptron.py", "exec")


# -- nbgrader autograde agrees with nngrade grade -------------------------------------------------


def test_nbgrader_and_nngrade_give_every_student_the_same_scores(nbgrader_scores, nngrade_scores):
    assert sorted(nbgrader_scores) == sorted(nngrade_scores) == sorted(STUDENTS)
    for student in STUDENTS:
        ours, theirs = nngrade_scores[student], nbgrader_scores[student]
        assert sorted(ours) == sorted(theirs), student
        for test in ours:
            assert theirs[test] == pytest.approx(ours[test], abs=1e-6), f"{student} {test}"
        assert exercise_totals(theirs) == pytest.approx(exercise_totals(ours), abs=1e-6), student
        assert sum(theirs.values()) == pytest.approx(sum(ours.values()), abs=1e-6), student


def test_each_submission_gets_the_score_it_deserves(nngrade_scores):
    totals = {student: round(sum(scores.values()), 4) for student, scores in nngrade_scores.items()}
    assert totals["ada"] == pytest.approx(A1_POINTS)
    assert totals["eve"] == 0, "unfinished work scores nothing"
    ben = exercise_totals(nngrade_scores["ben"])
    assert ben["perceptron.predict"] < 5 and totals["ben"] == pytest.approx(A1_POINTS - (5 - ben["perceptron.predict"]))
    cal = exercise_totals(nngrade_scores["cal"])
    assert all(cal[exercise] == 0 for exercise in cal if exercise.startswith("backprop."))
    assert totals["cal"] == pytest.approx(25), "a cell that raises costs its whole module"
    dan = exercise_totals(nngrade_scores["dan"])
    assert all(dan[exercise] == 0 for exercise in dan if exercise.startswith("perceptron."))
    assert totals["dan"] == pytest.approx(40), "a syntax error costs its whole module"
    fay, ben_checks = nngrade_scores["fay"], nngrade_scores["ben"]
    assert exercise_totals(fay)["perceptron.predict"] < 5, "patching NumPy in the kernel does not hide a mistake"
    public = [test for test in fay if test.startswith("perceptron.predict::") and "hidden" not in test]
    assert {test: fay[test] for test in public} == {test: ben_checks[test] for test in public}
    assert len(public) == 3 and sum(fay[test] for test in public) == 1.0


def test_autograded_cells_print_feedback_and_hide_hidden_checks(course):
    notebook = read_notebook(course / "autograded" / "ben" / "a1" / "perceptron.ipynb")
    cells = {grade_id(cell): cell for cell in notebook["cells"]}

    def printed(cell_id: str) -> str:
        return "".join(
            "".join(output.get("text", "")) for output in cells[cell_id]["outputs"] if output["output_type"] == "stream"
        )

    def result(cell_id: str) -> str:
        results = [o for o in cells[cell_id]["outputs"] if o["output_type"] == "execute_result"]
        assert len(results) == 1, cells[cell_id]["outputs"]
        return "".join(results[0]["data"]["text/plain"])

    assert all(o.get("name") != "stderr" for cell in notebook["cells"] for o in cell.get("outputs", []))
    assert result("test-predict-predict_on_the_boundary") == "0.0"
    assert "np.sign" in printed("test-predict-predict_on_the_boundary")
    assert "known mistake" in printed("selfcheck-predict") and "total: 1/3 points" in printed("selfcheck-predict")
    hidden = printed("test-predict-predict_hidden_patterns")
    assert "(hidden)" in hidden and "feedback are not shown" in hidden and "np.sign" not in hidden
    assert float(result("test-train-train_hidden_data")) == pytest.approx(2.4)


def test_the_self_check_runs_in_a_students_kernel(course, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    for name in [key for key in os.environ if key.startswith("NBGRADER_")]:
        monkeypatch.delenv(name)
    home = tmp_path / "student"
    home.mkdir()
    submitted = student_notebook(course, "perceptron", changes=STUDENTS["ben"]["perceptron"]["changes"])
    notebook = nbformat.reads(json.dumps(submitted), as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(home)}}).execute()
    cells = {grade_id(cell): cell for cell in notebook.cells}

    def printed(cell_id: str) -> str:
        return "".join(output.get("text", "") for output in cells[cell_id].outputs if output.output_type == "stream")

    def result(cell_id: str) -> float:
        (output,) = [o for o in cells[cell_id].outputs if o.output_type == "execute_result"]
        return float(output.data["text/plain"])

    predict = printed("selfcheck-predict")
    assert "perceptron.predict  predict_on_the_boundary  failed" in predict
    assert "This looks like a known mistake, 'np.sign'" in predict
    assert "total: 1/3 points" in predict
    assert result("test-predict-predict_on_the_boundary") == 0.0
    assert result("test-predict-predict_random_patterns") == 1.0
    train = printed("selfcheck-train")
    assert "total: 3.6/3.6 points" in train, "a scaled exercise shows the course's points in the self-check"
    assert result("test-train-train_worked_example") == pytest.approx(1.2)
    assert not cells["test-train-train_hidden_data"].outputs, "the release version's hidden test cell is empty"
    assert list(home.iterdir()) == [], "checking writes nothing into the student's folder"


def test_a_course_file_changed_after_the_notebooks_were_written_stops_its_test_cells(course, tmp_path):
    copy = tmp_path / "course"
    for name in ("source", "release"):
        shutil.copytree(course / name, copy / name)
    shutil.copytree(course / "submitted" / "ada", copy / "submitted" / "ada")
    shutil.copy(course / "gradebook.db", copy / "gradebook.db")
    changed = tmp_path / "changed.toml"
    changed.write_text(COURSE_TOML.replace('"perceptron.train" = 6', '"perceptron.train" = 5'))
    config = (course / "nbgrader_config.py").read_text()
    (copy / "nbgrader_config.py").write_text(config.replace(str(course.parent / "course.toml"), str(changed)))
    nbgrader("autograde", "a1", "--student", "ada", cwd=copy)

    notebook = read_notebook(copy / "autograded" / "ada" / "a1" / "perceptron.ipynb")
    cells = {grade_id(cell): cell for cell in notebook["cells"]}
    (error,) = [o for o in cells["test-train-train_worked_example"]["outputs"] if o["output_type"] == "error"]
    assert error["ename"] == "NotebookCheckError"
    assert "worth 1.2 points, but the course file makes perceptron.train::train_worked_example worth 1" in error["evalue"]
    assert "nngrade notebooks" in error["evalue"]
    results = [o for o in cells["test-predict-predict_worked_example"]["outputs"] if o["output_type"] == "execute_result"]
    assert "".join(results[0]["data"]["text/plain"]) == "1.0", "exercises the change leaves alone are graded"


def test_each_notebook_grades_only_its_own_module(course):
    """The grader process behind a notebook's test cells grades that notebook's exercises, not the whole assignment."""
    folder = course / "autograded" / "ada" / "a1"
    a1 = [exercise.id for exercise in load_course(course.parent / "course.toml", load_registry()).assignment("a1").exercises]
    replies = {}
    for module in ("perceptron", "backprop", None):
        command = [sys.executable, "-I", "-m", "grader.notebook_checks", "autograde", str(folder)]
        command += ["--module", module] if module else []
        completed = subprocess.run(command, capture_output=True, text=True, check=True)
        replies[module] = {(r["exercise_id"], r["check_name"]) for r in json.loads(completed.stdout)["results"]}
    assert {exercise for exercise, _ in replies["perceptron"]} == {e for e in a1 if e.startswith("perceptron.")}
    assert {exercise for exercise, _ in replies["backprop"]} == {e for e in a1 if e.startswith("backprop.")}
    assert replies["perceptron"] | replies["backprop"] == replies[None]
    unknown = subprocess.run(
        [sys.executable, "-I", "-m", "grader.notebook_checks", "autograde", str(folder), "--module", "rbm"],
        capture_output=True, text=True,
    )
    assert unknown.returncode == 2 and "has no exercise in module 'rbm'" in unknown.stderr


# -- the pieces on their own ----------------------------------------------------------------------


def test_kernel_history_becomes_the_module_without_the_graders_cells():
    history = [
        "",
        "import numpy as np\n%matplotlib inline",
        "def predict(w, X):\n    return np.sign(X @ w[1:] + w[0])",
        f"{GRADER_CELL_MARKER} self-check perceptron.predict\ncheck('perceptron.predict')",
        "def predict(w, X)\n    return 1",
        f"\n{GRADER_CELL_MARKER} test perceptron.predict::x (1 point)\ngrade('perceptron.predict', 'x', points=1.0)",
        "THRESHOLD = 0",
    ]
    source, notes = kernel_module_source(history)
    assert "# In [1]" in source and "# In [2]" in source and "# In [6]" in source
    assert "check(" not in source and "grade(" not in source and "return 1" not in source
    assert "%matplotlib" not in source
    compile(source, "perceptron.py", "exec")
    assert len(notes) == 1 and notes[0].startswith("In [4] was left out: it does not compile")
    assert kernel_module_source([""])[1] == ("no code cells have run in this kernel yet: run your cells, then this one",)


def test_helpers_the_solution_needs_come_inside_its_solution_region(tmp_path):
    course_file = tmp_path / "course.toml"
    course_file.write_text(COURSE_TOML)
    course = load_course(course_file, load_registry())
    write_nbgrader_course(tmp_path / "course", course=course, assignments=["a9"], overwrite=False)
    raw = (tmp_path / "course" / "source" / "a9" / "backprop.ipynb").read_bytes()
    (answer,) = [cell for cell in json.loads(raw)["cells"] if grade_id(cell) == "answer-sgd_step"]
    text = cell_text(answer)
    before, _, rest = text.partition("### BEGIN SOLUTION")
    inside, _, after = rest.partition("### END SOLUTION")
    assert before.startswith("def sgd_step(") and not after.strip()
    for helper in ("backprop", "feedforward", "sigmoid", "hidden_error", "gradients", "output_error_quadratic"):
        assert f"    def {helper}(" in inside, helper
        assert f"def {helper}(" not in before
    # The source version, read as nngrade reads a notebook, is the solution: full marks.
    code = notebook_code(raw, shown="backprop.ipynb")
    exercise = load_registry().get("backprop.sgd_step")
    with SandboxedStudentCode(tmp_path / "nowhere", sources={"backprop": code.source.encode()}) as student:
        result = grade_exercise(exercise, student, include_hidden=True)
    assert result.score == exercise.points, [check.feedback for check in result.checks]


def test_a_folder_that_holds_files_is_refused_and_force_keeps_the_gradebook(tmp_path):
    course_file = tmp_path / "course.toml"
    course_file.write_text(COURSE_TOML)
    course = load_course(course_file, load_registry())
    out = tmp_path / "course"
    (out / "submitted" / "ada").mkdir(parents=True)
    (out / "gradebook.db").write_bytes(b"grades")
    with pytest.raises(DeliveryError, match="already holds files.*--force"):
        write_nbgrader_course(out, course=course, assignments=["a9"], overwrite=False)
    assert not (out / "source").exists()
    (out / "source" / "a9").mkdir(parents=True)
    (out / "source" / "a9" / "old.ipynb").write_text("{}")
    delivery = write_nbgrader_course(out, course=course, assignments=["a9"], overwrite=True)
    assert delivery.path == out
    assert sorted(p.name for p in (out / "source" / "a9").iterdir()) == ["backprop.ipynb"]
    assert (out / "gradebook.db").read_bytes() == b"grades" and (out / "submitted" / "ada").is_dir()
    assert any(line.startswith("source/a9/backprop.ipynb: 1 exercises, 3 test cells (1 hidden), 4 points")
               for line in delivery.lines)


def test_a_delimiter_in_a_stub_is_refused_with_the_file_to_fix(tmp_path):
    for folder in ("exercises", "solutions"):
        (tmp_path / folder).mkdir()
        for module in ("perceptron", "backprop"):
            (tmp_path / folder / f"{module}.py").write_text((ROOT / folder / f"{module}.py").read_text())
    stub = tmp_path / "exercises" / "backprop.py"
    first_line = '"""Return the network after one step'
    stub.write_text(stub.read_text().replace(first_line, '"""### END SOLUTION Return the network after one step'))
    course_file = tmp_path / "course.toml"
    course_file.write_text(COURSE_TOML)
    course = load_course(course_file, load_registry())
    with pytest.raises(DeliveryError, match=r"answer-sgd_step.*'END SOLUTION'"):
        write_nbgrader_course(tmp_path / "out", course=course, assignments=["a9"], overwrite=False)
    assert not (tmp_path / "out").exists(), "nothing is written when a notebook cannot be made"


# -- torch classes in notebooks ------------------------------------------------------------------

TORCH_COURSE_TOML = f"""
salt = "{SALT}"

[sandbox]
cpu_seconds = 2
wall_seconds = 10

[assignments.t1]
title = "Autograd Functions and torch layers"
exercises = ["autograd", "layers"]
"""

SIGMOID_SIGMA = (("return upstream * s * (1 - s)", "return upstream * s"),)
TORCH_STUDENTS: dict[str, dict[str, dict]] = {
    "ada": {"autograd": {}, "layers": {}},
    "ben": {"autograd": {"changes": SIGMOID_SIGMA}, "layers": {}},
    "eve": {"autograd": {"solved": False}, "layers": {"solved": False}},
}


@pytest.fixture(scope="module")
def torch_course(tmp_path_factory) -> Path:
    """An nbgrader course of classes (autograd Functions, nn.Modules): generated, handed in, autograded by nbgrader."""
    base = tmp_path_factory.mktemp("nbgrader-torch")
    course_file = base / "course.toml"
    course_file.write_text(TORCH_COURSE_TOML)
    folder = base / "course"
    nngrade("notebooks", "-o", str(folder), "-a", "t1", "--course", str(course_file))
    nbgrader("generate_assignment", "t1", cwd=folder)
    for student, modules in TORCH_STUDENTS.items():
        target = folder / "submitted" / student / "t1"
        target.mkdir(parents=True)
        for module, options in modules.items():
            notebook = student_notebook(folder, module, assignment="t1", **options)
            (target / f"{module}.ipynb").write_text(json.dumps(notebook, indent=1))
        (target / "timestamp.txt").write_text("2026-10-10 12:00:00.000000 UTC")
    nbgrader("autograde", "t1", cwd=folder)
    return folder


def test_a_class_is_written_with_a_solution_region_per_method(torch_course):
    cells = {grade_id(cell): cell_text(cell) for cell in read_notebook(torch_course / "source" / "t1" / "layers.ipynb")["cells"]}
    answer = cells["answer-MultiHeadSelfAttention"]
    assert answer.startswith("class MultiHeadSelfAttention(nn.Module):")
    assert answer.count("### BEGIN SOLUTION") == answer.count("### END SOLUTION") == 2
    released = {
        grade_id(cell): cell_text(cell) for cell in read_notebook(torch_course / "release" / "t1" / "layers.ipynb")["cells"]
    }
    assert "self.W_q = nn.Parameter" not in released["answer-MultiHeadSelfAttention"]
    assert released["answer-MultiHeadSelfAttention"].count("raise NotImplementedError()") == 2


def test_classes_are_graded_by_nbgrader_as_nngrade_grades_them(torch_course):
    from nbgrader.api import Gradebook

    course = load_course(torch_course.parent / "course.toml", load_registry())
    full = course.assignment("t1").info().max_score
    with Gradebook(f"sqlite:///{torch_course / 'gradebook.db'}") as gradebook:
        totals = {student: gradebook.find_submission("t1", student).score for student in TORCH_STUDENTS}
        ben = {
            grade.name: (grade.score, grade.max_score)
            for notebook in gradebook.find_submission("t1", "ben").notebooks
            for grade in notebook.grades
            if notebook.name == "autograd"
        }
    assert totals["ada"] == pytest.approx(full)
    assert totals["eve"] == 0
    lost = {name for name, (score, most) in ben.items() if score < most}
    assert lost and all(name.startswith("test-Sigmoid-") for name in lost)
    assert totals["ben"] < full


def test_an_assignment_that_asks_for_a_weights_file_is_refused_with_a_reason(tmp_path):
    course = load_course(ROOT / "course.toml", load_registry())
    with pytest.raises(DeliveryError, match=r"asks for a file handed in beside the code \(mlp.digits_weights: "
                                              r"digits_weights.pt\), and nbgrader collects notebooks only"):
        write_nbgrader_course(tmp_path / "course", course=course, assignments=["a4"], overwrite=False)
    assert not (tmp_path / "course").exists()
