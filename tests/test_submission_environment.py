"""What a submission may import, the note on a call close to its time limit, and an exercise's data files.

Every test runs the student's code in the real sandbox: the import rule and
the data files live in the child, the CPU time a call used comes from it.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader.course import CourseFileError, load_course, selfcheck_code_options, selfcheck_settings
from grader.declarations import Check, Exercise, StudentFunction, data_file_contents
from grader.errors import InvalidDeclaration, StudentCodeUnavailable, StudentRaised
from grader.expectations import ReferenceExpectations
from grader.limits import Budget, Limits
from grader.registry import load_registry
from grader.results import Status
from grader.runner import run_check
from grader.sandbox import SandboxedStudentCode
from grader.seeds import SeedPolicy
from grader.submission_environment import (
    UNRESTRICTED,
    SubmissionEnvironment,
    default_environment,
    import_name,
    validate_packages,
)
from grader.trial import Trial

from conftest import EXERCISES, ROOT, SOLUTIONS

HERE = "test_submission_environment"
PREDICT = StudentFunction("perceptron", "predict")
ENVIRONMENT = SubmissionEnvironment(("numpy==2.4.6", "scikit-learn==1.9.1", "not-installed-anywhere==1.0"))


def student(folder: Path, source: str, **modules: str) -> Path:
    (folder / "perceptron.py").write_text(textwrap.dedent(source))
    for name, text in modules.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(text))
    return folder


def call(code: SandboxedStudentCode, *args):
    return code.call(PREDICT, args, {}, limits={"wall_seconds": 20})


# -- the declaration -------------------------------------------------------------------------------


ASSIGNMENTS = """
[assignments.a1]
exercises = ["perceptron"]

[assignments.a3]
exercises = ["layers"]
"""


def course_file(tmp_path: Path, submission: str) -> Path:
    """A course file with ``submission`` between its salt and its assignments."""
    path = tmp_path / "course.toml"
    path.write_text('salt = "a-long-enough-salt"\n' + submission + ASSIGNMENTS)
    return path


@pytest.mark.parametrize(
    ("submission", "message"),
    [
        ('[submission]\npackages = "numpy"\n', "submission.packages: must be a list of packages with their versions"),
        ('[submission]\npackages = ["numpy", "torch==2.13.0"]\n', "'numpy' has no version"),
        ('[submission]\npackages = ["numpy==2.4.6", "torch>=2"]\n', "torch must be pinned to one version"),
        ('[submission]\npackages = ["numpy==2", "NumPy==2", "torch==2.13.0"]\n', "numpy is declared twice"),
        ('[submission]\npackages = ["numpy 2", "torch==2.13.0"]\n', "'numpy 2' is not a package with a version"),
        ('[submission]\npackage = ["numpy==2"]\n', "submission.package: unknown key"),
        ('[submission]\n', "submission.packages: is missing"),
        ('submission = 3\n', "submission: must be a table"),
        ('[submission]\npackages = ["numpy==2.4.6"]\n', "assignment 'a3' has exercises that need torch"),
    ],
)
def test_a_wrong_submission_table_is_named_with_its_file_and_key(tmp_path, submission, message):
    path = course_file(tmp_path, submission)
    with pytest.raises(CourseFileError, match="submission") as refused:
        load_course(path, load_registry())
    assert str(path) in str(refused.value) and message in str(refused.value)


def test_the_declared_packages_load_and_a_course_without_them_gets_the_default(tmp_path):
    declared = course_file(tmp_path, '[submission]\npackages = ["numpy==2.4.6", "torch==2.13.0", "scikit-learn>=1.4"]\n')
    course = load_course(declared, load_registry())
    assert course.environment.packages == ("numpy==2.4.6", "torch==2.13.0", "scikit-learn>=1.4")
    assert course.environment.imports() == {"numpy": "numpy==2.4.6", "torch": "torch==2.13.0", "sklearn": "scikit-learn>=1.4"}
    assert course.environment.described() == "numpy, torch, sklearn (scikit-learn) and the standard library"
    # An assignment of NumPy exercises is graded (and released) without torch.
    assert course.grading_options(course.assignment("a1"))["environment"].packages == ("numpy==2.4.6", "scikit-learn>=1.4")
    assert course.grading_options(course.assignment("a3"))["environment"] == course.environment

    undeclared = load_course(course_file(tmp_path, ""), load_registry())
    assert undeclared.environment == default_environment()
    assert [import_name(package) for package in default_environment().packages] == ["numpy", "torch", "sklearn"]
    assert default_environment().packages[1] == "torch==2.13.0"


def test_the_sample_course_declares_its_packages_pinned():
    course = load_course(ROOT / "course.toml", load_registry())
    names = [package.split("==")[0] for package in course.environment.packages]
    assert names == ["numpy", "torch", "scikit-learn"] and all("==" in p for p in course.environment.packages)


def test_validation_reads_requirements_as_pip_writes_them():
    assert validate_packages(["numpy>=1.26,<3", "scikit_learn~=1.9"], where="x") == ("numpy>=1.26,<3", "scikit_learn~=1.9")
    assert import_name("scikit_learn~=1.9") == "sklearn" and import_name("python-dateutil==2") == "dateutil"
    with pytest.raises(InvalidDeclaration, match="x: 'numpy; extra' is not a package"):
        validate_packages(["numpy; extra"], where="x")


# -- imports in the sandbox ------------------------------------------------------------------------


def test_an_import_outside_the_environment_names_what_may_be_imported(tmp_path, sandbox):
    folder = student(tmp_path, """
        import numpy as np

        def predict(w, X):
            import pandas
            return 1
    """)
    with SandboxedStudentCode(folder, sandbox=sandbox, environment=ENVIRONMENT) as code:
        with pytest.raises(StudentRaised) as refused:
            call(code, 1, 2)
    assert refused.value.error_type == "ModuleNotFoundError"
    assert refused.value.error_message == (
        "pandas is not available to submissions in this course: you may import numpy, sklearn (scikit-learn), "
        "not_installed_anywhere and the standard library"
    )
    assert "line 5, in predict" in refused.value.details


def test_a_refused_import_at_the_top_of_a_module_stops_the_module(tmp_path, sandbox):
    folder = student(tmp_path, "import scipy.linalg\n\ndef predict(w, X):\n    return 1\n")
    with SandboxedStudentCode(folder, sandbox=sandbox, environment=ENVIRONMENT) as code:
        with pytest.raises(StudentCodeUnavailable, match="could not be imported: ModuleNotFoundError: scipy is not available"):
            call(code, 1, 2)


def test_libraries_import_what_they_need_and_students_import_their_modules_and_the_standard_library(tmp_path, sandbox):
    # scikit-learn imports SciPy for itself: allowed, although a student's own `import scipy` is not.
    folder = student(tmp_path, """
        import collections, json, math
        from helpers import twice
        import sklearn.linear_model

        def predict(w, X):
            import importlib
            kind = importlib.import_module("numpy.linalg").norm([3.0, 4.0])
            return [twice(kind), sklearn.linear_model.LinearRegression.__name__, "scipy" in __import__("sys").modules]
    """, helpers="import numpy\n\ndef twice(x):\n    return 2 * x\n")
    with SandboxedStudentCode(folder, sandbox=sandbox, environment=ENVIRONMENT) as code:
        assert call(code, 1, 2).value == [10.0, "LinearRegression", True]


def test_importlib_cannot_go_around_the_rule(tmp_path, sandbox):
    folder = student(tmp_path, """
        import importlib

        def predict(w, X):
            return importlib.import_module("pandas").__name__
    """)
    with SandboxedStudentCode(folder, sandbox=sandbox, environment=ENVIRONMENT) as code:
        with pytest.raises(StudentRaised, match="ModuleNotFoundError") as refused:
            call(code, 1, 2)
    assert "pandas is not available to submissions" in refused.value.error_message


def test_a_declared_package_that_is_not_installed_says_how_to_install_it(tmp_path, sandbox):
    folder = student(tmp_path, "def predict(w, X):\n    import not_installed_anywhere\n")
    with SandboxedStudentCode(folder, sandbox=sandbox, environment=ENVIRONMENT) as code:
        with pytest.raises(StudentRaised) as missing:
            call(code, 1, 2)
    assert missing.value.error_message == (
        "not_installed_anywhere may be imported in this course (not-installed-anywhere==1.0), but it is not "
        "installed where your code runs: install it with pip install 'not-installed-anywhere==1.0'"
    )


def test_without_a_declaration_the_default_environment_applies_and_the_graders_own_code_is_unrestricted(tmp_path, sandbox):
    folder = student(tmp_path, "def predict(w, X):\n    import pandas\n    return pandas.__name__\n")
    with SandboxedStudentCode(folder, sandbox=sandbox) as code:
        with pytest.raises(StudentRaised, match="ModuleNotFoundError") as refused:
            call(code, 1, 2)
    assert "you may import numpy, torch, sklearn (scikit-learn) and the standard library" in refused.value.error_message
    with SandboxedStudentCode(folder, sandbox=sandbox, environment=UNRESTRICTED) as code:
        assert call(code, 1, 2).value == "pandas"


# -- a call close to its limit -----------------------------------------------------------------------


BURNS = """
    import time

    def predict(w, X):
        started = time.process_time()
        while time.process_time() - started < w:
            pass
        return 1
"""


def test_a_call_over_half_its_cpu_limit_says_so_and_one_under_half_does_not(tmp_path, sandbox):
    folder = student(tmp_path, BURNS)
    with SandboxedStudentCode(folder, sandbox=sandbox, limits=Limits(cpu_seconds=1, wall_seconds=20)) as code:
        slow = code.call(PREDICT, (0.7, 0), {})
        fast = code.call(PREDICT, (0.05, 0), {})
    assert 0.7 <= slow.cpu_seconds < 1.0 and slow.limit_share > 0.5
    assert slow.limit_note.startswith(f"'predict' used {slow.cpu_seconds:.1f} s of its 1 s CPU limit")
    assert fast.limit_note == "" and fast.cpu_seconds < 0.5


def test_a_call_over_half_its_wall_clock_limit_says_so(tmp_path, sandbox):
    folder = student(tmp_path, "import time\n\ndef predict(w, X):\n    time.sleep(w)\n    return 1\n")
    with SandboxedStudentCode(folder, sandbox=sandbox, limits=Limits(cpu_seconds=5, wall_seconds=1)) as code:
        outcome = code.call(PREDICT, (0.7, 0), {})
    assert outcome.limit_note.startswith("'predict' used 0.7 s of its 1 s wall-clock limit")


def check_predict_burns_twice(t: Trial) -> None:
    """'predict' is called twice."""
    t.expect_close(t.student(0.05, 0), t.reference(0.05, 0))
    t.expect_close(t.student(0.7, 0), t.reference(0.7, 0))


def one(w, X):
    return 1


def test_a_passing_check_records_the_largest_calls_note_in_its_result_and_feedback(tmp_path, sandbox):
    exercise = Exercise(
        id="perceptron.predict", title="Burns", student=PREDICT, reference=f"{HERE}:one",
        checks=(Check(check_predict_burns_twice),),
    )
    folder = student(tmp_path, BURNS)
    with SandboxedStudentCode(folder, sandbox=sandbox, limits=Limits(cpu_seconds=1, wall_seconds=20)) as code:
        result = run_check(exercise, exercise.checks[0], code, expectations=ReferenceExpectations(), seeds=SeedPolicy())
    assert result.status is Status.PASSED
    assert result.limit_note.startswith("'predict' used 0.7 s of its 1 s CPU limit")
    assert result.feedback.splitlines()[-1] == result.limit_note


# -- the course's limits in a self-check of the checkout ----------------------------------------------------


def _course_checkout(tmp_path: Path, predict_cpu_seconds: float) -> Path:
    """A course folder beside this checkout: its course file, and exercises/ with a perceptron.py whose predict is slow."""
    shutil.copy(ROOT / "course.toml", tmp_path / "course.toml")
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    shutil.copy(EXERCISES / "nngrade.toml", exercises)
    source = (SOLUTIONS / "perceptron.py").read_text() + textwrap.dedent(f"""

        _predict = predict


        def predict(w, X):
            import time

            started = time.process_time()
            while time.process_time() - started < {predict_cpu_seconds}:
                pass
            return _predict(w, X)
    """)
    (exercises / "perceptron.py").write_text(source)
    return exercises


def _nngrade(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *arguments], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_the_self_check_of_the_checkout_stops_a_call_at_the_course_files_cpu_limit(tmp_path):
    exercises = _course_checkout(tmp_path, 3.0)  # under nngrade's default limit (10 s), over the course's (2 s)
    assert selfcheck_settings(exercises).limits.cpu_seconds == 2
    checked = _nngrade(["check", "perceptron.predict"], cwd=exercises)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "timed out" in checked.stdout and "more than the 2 s of CPU time it may use" in checked.stdout


def test_the_self_check_of_the_checkout_says_when_a_passing_call_comes_close_to_the_limit(tmp_path):
    exercises = _course_checkout(tmp_path, 1.3)
    checked = _nngrade(["check", "perceptron.predict"], cwd=tmp_path)  # from the course's root
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Close to a time limit" in checked.stdout
    assert "perceptron.predict::predict_worked_example: 'predict' used 1.3 s of its 2 s CPU limit" in checked.stdout


def test_the_pytest_plugin_uses_the_course_files_limits(tmp_path):
    exercises = _course_checkout(tmp_path, 3.0)
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-n", "0",
         "perceptron.py::perceptron.predict::predict_worked_example"],
        cwd=exercises, capture_output=True, text=True, timeout=300,
    )
    assert tested.returncode == 1, tested.stdout + tested.stderr
    assert "more than the 2 s of CPU time it may use" in tested.stdout


def test_the_pytest_plugin_says_when_a_passing_call_comes_close_to_the_limit(tmp_path):
    exercises = _course_checkout(tmp_path, 1.3)
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-n", "0",
         "perceptron.py::perceptron.predict::predict_worked_example"],
        cwd=exercises, capture_output=True, text=True, timeout=300,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "close to a time limit (grading uses the same limits):" in tested.stdout
    assert "perceptron.predict::predict_worked_example: 'predict' used 1.3 s of its 2 s CPU limit" in tested.stdout


# -- data files ------------------------------------------------------------------------------------------


POINTS = b"1.0 2.0\n3.0 4.0\n"


def mean_point():
    return np.loadtxt(__import__("io").BytesIO(POINTS)).mean(axis=0)


def check_mean_point_of_the_data_file(t: Trial) -> None:
    """'mean_point' averages the points of points.csv."""
    t.expect_close(t.student(), t.reference())


MEAN_POINT = Exercise(
    id="points.mean_point",
    title="The mean of the points in the exercise's data file",
    student=StudentFunction("points", "mean_point"),
    reference=f"{HERE}:mean_point",
    checks=(Check(check_mean_point_of_the_data_file),),
    data_files=("points.csv", "more/notes.txt"),
)


def _points_folder(tmp_path: Path, body: str) -> Path:
    (tmp_path / "points.csv").write_bytes(POINTS)
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "notes.txt").write_text("kept")
    (tmp_path / "points.py").write_text("import numpy as np\n\n\ndef mean_point():\n" + textwrap.indent(body, "    "))
    return tmp_path


def _run_points(folder: Path, sandbox) -> object:
    options = selfcheck_code_options(folder, [MEAN_POINT])
    with SandboxedStudentCode(folder, sandbox=sandbox, **options) as code:
        return run_check(MEAN_POINT, MEAN_POINT.checks[0], code, expectations=ReferenceExpectations(), seeds=SeedPolicy())


def test_an_exercises_data_files_are_in_the_folder_the_code_runs_in(tmp_path, sandbox):
    folder = _points_folder(tmp_path, 'assert open("more/notes.txt").read() == "kept"\nreturn np.loadtxt("points.csv").mean(axis=0)\n')
    assert _run_points(folder, sandbox).status is Status.PASSED


def test_data_files_are_read_only(tmp_path, sandbox):
    folder = _points_folder(tmp_path, 'open("points.csv", "w").write("0 0")\nreturn np.loadtxt("points.csv").mean(axis=0)\n')
    result = _run_points(folder, sandbox)
    assert result.status is Status.ERRORED
    assert "Read-only file system" in result.feedback or "Permission denied" in result.feedback
    assert (folder / "points.csv").read_bytes() == POINTS


def test_a_file_that_is_not_there_says_the_code_runs_in_a_folder_of_its_own_and_lists_the_data_files(tmp_path, sandbox):
    folder = _points_folder(tmp_path, 'return np.loadtxt("my_points.csv").mean(axis=0)\n')
    (folder / "my_points.csv").write_bytes(POINTS)  # beside the module, where the student put it
    result = _run_points(folder, sandbox)
    assert result.status is Status.ERRORED
    assert "not in your exercises folder: files next to your module are not there" in result.feedback
    assert "Pass data to your function as arguments" in result.feedback
    assert "by these names: more/notes.txt, points.csv." in result.feedback


def test_without_data_files_a_missing_file_at_import_says_the_folder_is_empty(tmp_path, sandbox):
    folder = student(tmp_path, "import numpy as np\n\nDATA = np.load('weights.npy')\n\ndef predict(w, X):\n    return 1\n")
    with SandboxedStudentCode(folder, sandbox=sandbox) as code:
        with pytest.raises(StudentCodeUnavailable) as missing:
            call(code, 1, 2)
    assert "FileNotFoundError" in missing.value.message
    assert "Your code runs in an empty folder, not in your exercises folder" in missing.value.details


@pytest.mark.parametrize(
    ("paths", "problem"),
    [
        (("../secret.csv",), "is not a path inside the exercises folder"),
        (("/etc/passwd",), "is not a path inside the exercises folder"),
        (("data\\points.csv",), "is not a path inside the exercises folder"),
        (("points.py",), "is a module or the folder's marker"),
        (("a.csv", "a.csv"), "a path is declared twice"),
        (["a.csv"], "must be a tuple of paths"),
    ],
)
def test_a_wrong_data_file_declaration_is_refused_when_declared(paths, problem):
    exercise = Exercise(
        id="points.mean_point", title="x", student=StudentFunction("points", "mean_point"), reference=f"{HERE}:mean_point",
        checks=(Check(check_mean_point_of_the_data_file),), data_files=paths,
    )
    with pytest.raises(InvalidDeclaration, match="exercise 'points.mean_point': data_files: ") as refused:
        exercise.validate()
    assert problem in str(refused.value)


def test_a_declared_data_file_missing_from_the_course_is_named_for_grading_and_skipped_for_a_student(tmp_path):
    with pytest.raises(InvalidDeclaration, match=r"declares the data file 'points.csv', but .*points.csv does not exist"):
        data_file_contents([MEAN_POINT], tmp_path)
    (tmp_path / "points.csv").write_bytes(POINTS)
    assert data_file_contents([MEAN_POINT], tmp_path, missing_ok=True) == {"points.csv": POINTS}


def test_the_bundle_environment_file_round_trips():
    text = json.dumps(ENVIRONMENT.as_dict())
    from grader.submission_environment import read_environment

    assert read_environment(json.loads(text), where="f") == ENVIRONMENT


# -- grading ------------------------------------------------------------------------------------------


def test_grading_uses_the_courses_packages_and_records_a_call_close_to_its_limit(sandbox):
    from grader.student_grading import GradingSettings, grade_student

    settings = GradingSettings(
        salt="grading-environment-salt", exercise_ids=("perceptron.predict",), scales={},
        limits=Limits(cpu_seconds=1, wall_seconds=20), protected=(), environment=SubmissionEnvironment(("numpy==2.4.6",)),
        budget=Budget(wall_seconds=300, cpu_seconds=120),
    )
    slow = (SOLUTIONS / "perceptron.py").read_text() + textwrap.dedent("""

        _predict = predict


        def predict(w, X):
            import time

            started = time.process_time()
            while time.process_time() - started < 0.6:
                pass
            return _predict(w, X)
    """)
    (graded,) = grade_student("slow", {"perceptron": slow.encode()}, settings, sandbox).exercises
    assert [check.status for check in graded.checks] == [Status.PASSED] * len(graded.checks)
    assert any(check.hidden for check in graded.checks)
    for check in graded.checks:
        assert re.search(r"'predict' used 0\.[6-9] s of its 1 s CPU limit", check.limit_note), check
        assert check.feedback.endswith(check.limit_note)

    torch_user = b"import torch\n\ndef predict(w, X):\n    return torch.ones(3)\n"
    (refused,) = grade_student("torch", {"perceptron": torch_user}, settings, sandbox).exercises
    assert {check.status for check in refused.checks} == {Status.ERRORED}
    message = "torch is not available to submissions in this course: you may import numpy and the standard library"
    assert any(message in check.feedback or (check.problem and message in str(check.problem)) for check in refused.checks)
    # The packages decide a grade, so they are part of what makes a regrade necessary.
    info = load_course(ROOT / "course.toml", load_registry()).assignment("a1").info()
    other = dataclasses.replace(settings, environment=SubmissionEnvironment(("numpy==2.4.6", "scipy==1.17.1")))
    assert settings.fingerprint(info) != other.fingerprint(info)


def test_grading_on_a_machine_without_the_declared_versions_says_so(tmp_path):
    course = tmp_path / "course.toml"
    course.write_text(
        'salt = "a-long-enough-salt"\n\n[submission]\npackages = ["numpy==1.0.0", "not-installed-anywhere==1.0"]\n\n'
        '[assignments.a1]\nexercises = ["perceptron.predict"]\n'
    )
    (tmp_path / "submissions" / "ada").mkdir(parents=True)
    shutil.copy(SOLUTIONS / "perceptron.py", tmp_path / "submissions" / "ada")
    graded = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(tmp_path / "submissions"), "-a", "a1", "-o",
         str(tmp_path / "out"), "--course", str(course), "--quiet"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert graded.returncode == 0, graded.stdout + graded.stderr
    installed = __import__("numpy").__version__
    assert f"nngrade: note: numpy==1.0.0 is declared but numpy {installed} is installed here" in graded.stderr
    assert "not-installed-anywhere==1.0 is declared but not-installed-anywhere is not installed here" in graded.stderr


def test_a_module_that_imports_torch_holds_only_exercises_that_declare_torch():
    """An assignment without torch exercises allows no torch: a stub or solution importing it must not be in one."""
    import ast

    registry = load_registry()
    for topic in registry.topics:
        for folder in (EXERCISES, SOLUTIONS):
            tree = ast.parse((folder / f"{topic}.py").read_text())
            imported = {alias.name.split(".")[0] for node in tree.body if isinstance(node, ast.Import) for alias in node.names}
            imported |= {node.module.split(".")[0] for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}
            if "torch" in imported:
                numpy_only = [e.id for e in registry if e.topic == topic and not (e.uses_torch or e.student.scripted)]
                assert not numpy_only, f"{folder.name}/{topic}.py imports torch, but {numpy_only} do not declare uses_torch"
