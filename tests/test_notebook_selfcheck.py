"""A student's plain notebook checks its code with one line: ``from grader.notebook_checks import check``.

The code checked is what the notebook's kernel would run: a function defined
in a cell, a function imported from the student's module next to the
notebook (the case that used to end in a circular import), or cells that
redefine one function of that module and import the rest from it. Each case
runs a real kernel through nbclient in a folder of the student's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.notebook_checks import SelfCheckRequest, defines_name, notebook_sources, without_self_imports

ROOT = Path(__file__).resolve().parent.parent

CHECK_LINE = 'from grader.notebook_checks import check; check("perceptron.predict")'


def run_notebook(folder: Path, cells: list[str]) -> list[str]:
    """What each cell printed (stream output, errors included), after running them in a fresh kernel in ``folder``."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(folder)}}
    ).execute()
    printed = []
    for cell in notebook.cells:
        text = []
        for output in cell.outputs:
            if output.output_type == "stream":
                text.append(output.text)
            elif output.output_type == "error":
                text.append(f"{output.ename}: {output.evalue}")
        printed.append("".join(text))
    return printed


@pytest.fixture
def student_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "student"
    folder.mkdir()
    shutil.copy(ROOT / "solutions" / "perceptron.py", folder / "perceptron.py")
    return folder


def test_a_function_imported_from_the_students_module_is_checked_from_that_file(student_folder):
    printed = run_notebook(student_folder, ["from perceptron import predict", CHECK_LINE])
    assert "circular import" not in printed[1]
    assert "total: 3/3 points" in printed[1], printed[1]


def test_a_wrong_module_next_to_the_notebook_is_what_the_check_finds_wrong(student_folder):
    path = student_folder / "perceptron.py"
    path.write_text(path.read_text().replace("def predict(w, X):", "def predict(w, X):\n    return 0 * _predict(w, X)\n\n\ndef _predict(w, X):"))
    printed = run_notebook(student_folder, ["import perceptron", CHECK_LINE])
    assert "total: 3/3 points" not in printed[1] and "failed" in printed[1], printed[1]


def test_a_cell_that_redefines_one_function_and_imports_the_rest_is_checked_with_the_cell(student_folder):
    redefined = (
        "import numpy as np\n"
        "from perceptron import gate_weights\n"
        "def predict(w, X):\n"
        "    return np.zeros(len(X))  # a draft, wrong on purpose\n"
    )
    printed = run_notebook(student_folder, [redefined, CHECK_LINE])
    assert "circular import" not in printed[1]
    assert "total: 3/3 points" not in printed[1] and "failed" in printed[1], printed[1]


def test_a_function_defined_in_a_cell_is_checked_without_any_file(tmp_path):
    source = (ROOT / "solutions" / "perceptron.py").read_text()
    printed = run_notebook(tmp_path, [source, CHECK_LINE])
    assert "total: 3/3 points" in printed[1], printed[1]


def test_an_import_of_a_module_that_is_not_next_to_the_notebook_says_where_to_save_it(tmp_path):
    printed = run_notebook(tmp_path, ["from perceptron import predict", CHECK_LINE])
    assert "circular import" not in printed[1]
    assert "no perceptron.py in the notebook's folder" in printed[1], printed[1]
    assert str(tmp_path) in printed[1]


# -- how the module is made (no kernel) -------------------------------------------------------


def test_only_a_binding_of_the_name_other_than_importing_it_from_its_own_module_is_a_definition():
    assert defines_name("def predict(w, X):\n    return X", "predict", "perceptron")
    assert defines_name("predict = lambda w, X: X", "predict", "perceptron")
    assert defines_name("from helpers import predict", "predict", "perceptron")
    assert not defines_name("from perceptron import predict", "predict", "perceptron")
    assert not defines_name("def train(): pass", "predict", "perceptron")
    assert not defines_name("def predict(:", "predict", "perceptron"), "cells that do not parse define nothing"


def test_self_imports_become_the_modules_own_names_and_keep_line_numbers():
    cells = (
        "import numpy as np, perceptron as p\n"
        "from perceptron import (\n"
        "    step,\n"
        "    gate_weights as gw,\n"
        ")\n"
        "def predict(w, X):\n"
        "    from perceptron import step\n"
        "    return step(X * w)\n"
    )
    rewritten = without_self_imports(cells, "perceptron")
    assert rewritten.count("\n") == cells.count("\n")
    assert "from perceptron" not in rewritten and "import perceptron" not in rewritten
    lines = rewritten.splitlines()
    assert lines[0] == "import numpy as np; p = __import__('sys').modules[__name__]"
    assert lines[5] == "def predict(w, X):"
    import sys
    import types

    module = types.ModuleType("made_up")
    module.step = lambda z: z > 0
    module.gate_weights = "gw"
    sys.modules["made_up"] = module
    try:
        exec(compile(rewritten, "cells", "exec"), module.__dict__)
        assert module.gw == "gw" and module.p is module
        assert module.predict(1, 2) is True, "the import inside the function reads the module's step"
    finally:
        del sys.modules["made_up"]


def test_the_folders_module_comes_first_and_the_cells_after_it(student_folder):
    request = SelfCheckRequest(
        exercise_id="perceptron.predict",
        source="from perceptron import gate_weights\ndef predict(w, X):\n    return None\n",
        folder=str(student_folder),
    )
    sources, problem = notebook_sources(request, "perceptron", "predict")
    assert problem == ""
    module = sources["perceptron"].decode()
    assert module.startswith((student_folder / "perceptron.py").read_text())
    assert module.rstrip().endswith("return None")


def test_a_module_that_keeps_the_check_line_is_graded_as_if_the_line_were_not_there(tmp_path):
    """A notebook handed in as written still holds the one-line check: grading runs it outside a kernel."""
    from grader.course import selfcheck_code_options
    from grader.registry import load_topics
    from grader.runner import grade_exercise
    from grader.sandbox import SandboxedStudentCode
    from grader.results import Status

    (exercise,) = [e for e in load_topics(["perceptron"]) if e.id == "perceptron.predict"]
    source = (ROOT / "solutions" / "perceptron.py").read_text() + f"\n{CHECK_LINE}\n"
    options = selfcheck_code_options(ROOT, [exercise])
    assert options["environment"] is not None, "the course's import rule is on"
    with SandboxedStudentCode(tmp_path, sources={"perceptron": source.encode()}, **options) as code:
        result = grade_exercise(exercise, code, include_hidden=True)
    assert [check.status for check in result.checks] == [Status.PASSED] * len(result.checks)
