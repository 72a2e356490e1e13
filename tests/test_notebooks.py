"""Python code from notebooks: code cells in order, IPython syntax made Python, the grader's cells dropped.

Notebooks are written here as nbformat-4 JSON by hand, the way Jupyter saves
them, so the tests do not depend on nbformat being installed.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from grader.submissions.notebooks import cell_to_python, notebook_code
from grader.submissions.submission import EntryProblem


def code_cell(source: str | list[str], *, nbgrader: dict | None = None) -> dict:
    """A code cell as Jupyter saves it; ``nbgrader`` is the cell's nbgrader metadata."""
    metadata = {"nbgrader": nbgrader} if nbgrader is not None else {}
    if isinstance(source, str):
        source = source.splitlines(keepends=True)
    return {"cell_type": "code", "execution_count": None, "metadata": metadata, "outputs": [], "source": source}


def markdown_cell(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source.splitlines(keepends=True)}


def notebook_bytes(*cells: dict, nbformat: int = 4) -> bytes:
    """The bytes of an nbformat-4 notebook file holding ``cells``."""
    document = {
        "cells": list(cells),
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": nbformat,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1).encode("utf-8")


def python_of(source: str) -> str | None:
    return cell_to_python(source, Counter())


def code_lines(source: str) -> list[str]:
    """The non-blank lines of a module source that are not cell markers."""
    return [line for line in source.splitlines() if line.strip() and not line.startswith("# notebook cell")]


def test_code_cells_are_joined_in_order_and_markdown_is_left_out():
    raw = notebook_bytes(
        markdown_cell("# Perceptron\nSome words with %d and !bang"),
        code_cell("import numpy as np\n"),
        code_cell(["def predict(w, X):\n", "    return np.sign(X @ w)\n"]),
        markdown_cell("More text"),
        code_cell("THRESHOLD = 0.5"),
    )
    code = notebook_code(raw, shown="alice.ipynb")
    assert code_lines(code.source) == [
        "import numpy as np",
        "def predict(w, X):",
        "    return np.sign(X @ w)",
        "THRESHOLD = 0.5",
    ]
    assert code.code_cells == 3 and code.notes == ()
    compile(code.source, "alice.ipynb", "exec")


@pytest.mark.parametrize(
    "line",
    ["%matplotlib inline", "%timeit f(3)", "%load_ext autoreload", "%%time", "%pwd"],
)
def test_a_line_magic_becomes_pass_at_its_indentation(line):
    source = f"if True:\n    {line}\nx = 1\n"
    assert python_of(source) == "if True:\n    pass\nx = 1\n"
    compile(python_of(source), "cell", "exec")


@pytest.mark.parametrize("line", ["!pip install numpy", "!!ls -la", "! ls | grep py"])
def test_a_shell_escape_becomes_pass(line):
    assert python_of(f"for i in range(2):\n    {line}\n") == "for i in range(2):\n    pass\n"


def test_time_keeps_the_statement_it_times_so_its_names_stay_defined():
    assert python_of("%time w = train(X, y)\nprint(w)") == "w = train(X, y)\nprint(w)"
    assert python_of("x = %time f(1)") == "x = f(1)"


@pytest.mark.parametrize(
    ("line", "python"),
    [
        ("files = !ls", "files = []"),
        ("out = %sx ls -1", "out = []"),
        ("result = %timeit -o f()", "result = None"),
        ("a, b = %who_ls", "a, b = None"),
        ("self.files = !ls data", "self.files = []"),
    ],
)
def test_an_assignment_from_a_shell_command_or_magic_keeps_the_name_bound(line, python):
    assert python_of(line) == python


@pytest.mark.parametrize("line", ["np.dot?", "np.dot??", "??f", "?print", "np.*load*?"])
def test_a_help_request_becomes_pass(line):
    assert python_of(f"def f():\n    {line}\n") == "def f():\n    pass\n"


def test_an_auto_call_line_becomes_pass():
    assert python_of("/print 1 2") == "pass"


def test_python_that_looks_like_ipython_is_left_alone():
    source = (
        'template = """\n'
        "%d items\n"
        "!important\n"
        'np.dot?\n'
        '"""\n'
        "remainder = (10\n"
        "    % 3)\n"
        "other = 10 \\\n"
        "% 4\n"
        "x = 1  # really?\n"
        "text = 'a \\'quoted\\' %s' % 'b'\n"
    )
    assert python_of(source) == source
    namespace: dict = {}
    exec(compile(source, "cell", "exec"), namespace)
    assert namespace["remainder"] == 1 and namespace["other"] == 2
    assert namespace["template"] == "\n%d items\n!important\nnp.dot?\n"


def test_a_magic_continued_with_a_backslash_is_removed_whole():
    assert python_of("!pip install \\\n    numpy\nx = 1") == "pass\n\nx = 1"


@pytest.mark.parametrize("magic", ["%%time", "%%capture captured", "%%prun -s cumulative"])
def test_a_python_cell_magic_keeps_its_body(magic):
    source = f"\n{magic}\nw = 2\nif w:\n    %matplotlib inline\n"
    assert python_of(source) == "w = 2\nif w:\n    pass\n"


@pytest.mark.parametrize(
    "magic", ["%%bash", "%%writefile perceptron.py", "%%html", "%%javascript", "%%timeit -n 3", "%%sql", "%%R"]
)
def test_a_cell_magic_of_another_language_drops_the_cell(magic):
    assert python_of(f"{magic}\ndef predict(w, X):\n    return 1\n") is None


def test_nbgrader_autograder_test_cells_are_dropped_and_the_students_cells_kept():
    raw = notebook_bytes(
        code_cell("def predict(w, X):\n    return 1\n", nbgrader={"grade": False, "solution": True, "grade_id": "a"}),
        code_cell("assert predict(1, 2) == 1\n", nbgrader={"grade": True, "solution": False, "grade_id": "t1"}),
        code_cell("def fit():\n    return 2\n", nbgrader={"grade": True, "solution": True, "grade_id": "b"}),
        code_cell("assert fit() == 3\n", nbgrader={"grade": True, "solution": False, "locked": True}),
    )
    code = notebook_code(raw, shown="hw1.ipynb")
    assert "assert" not in code.source
    assert "def predict" in code.source and "def fit" in code.source
    assert code.notes == (
        "'hw1.ipynb': 2 nbgrader autograder test cells dropped (they are the grader's tests, not the student's code)",
    )


def test_each_kind_of_rewrite_is_noted_once_per_notebook_with_counts():
    raw = notebook_bytes(
        code_cell("%matplotlib inline\nimport numpy as np\n"),
        code_cell("%matplotlib inline\n!pip install torch\nfiles = !ls\nnp.dot?\n"),
        code_cell("%%bash\necho hi\n"),
        code_cell("%%time\nx = 1\n"),
    )
    notes = notebook_code(raw, shown="alice/hw1.ipynb").notes
    assert notes == (
        "'alice/hw1.ipynb': IPython magics replaced by 'pass': %matplotlib (2x)",
        "'alice/hw1.ipynb': shell commands replaced by 'pass': !pip",
        "'alice/hw1.ipynb': assignments from a shell command or magic now assign [] (shell output) or None: "
        "files = !ls",
        "'alice/hw1.ipynb': help requests replaced by 'pass': np.dot?",
        "'alice/hw1.ipynb': cell magics removed, their Python body kept: %%time",
        "'alice/hw1.ipynb': cells dropped that are not Python run in the notebook: %%bash",
    )


def test_a_notebook_full_of_ipython_syntax_compiles_and_runs_as_python():
    raw = notebook_bytes(
        code_cell("%matplotlib inline\n%load_ext autoreload\n%autoreload 2\nimport math\n"),
        code_cell("!pip install numpy\nfiles = !ls\nlisting = %sx ls\nmath.sqrt?\n??math\n"),
        code_cell("def area(r):\n    if r < 0:\n        %debug\n        !echo negative\n    return math.pi * r ** 2\n"),
        code_cell("%%time\nbig = area(2)\n%timeit area(1)\n"),
        code_cell("%%bash\nfor f in *; do echo $f; done\n"),
        code_cell("%%writefile helper.py\nthis is not python\n"),
        code_cell("%time small = area(1)\nt = %timeit -o area(3)\n"),
    )
    code = notebook_code(raw, shown="alice.ipynb")
    namespace: dict = {}
    exec(compile(code.source, "alice.ipynb", "exec"), namespace)
    assert namespace["big"] == pytest.approx(4 * 3.141592653589793)
    assert namespace["small"] == pytest.approx(3.141592653589793)
    assert namespace["files"] == [] and namespace["listing"] == [] and namespace["t"] is None


def test_a_notebook_without_code_cells_gives_an_empty_module_and_a_note():
    code = notebook_code(notebook_bytes(markdown_cell("only words")), shown="alice.ipynb")
    assert code.source == "" and code.code_cells == 0
    assert code.notes == ("'alice.ipynb' has no code cells with the student's code",)


def test_a_bom_before_the_json_is_fine():
    raw = b"\xef\xbb\xbf" + notebook_bytes(code_cell("x = 1\n"))
    assert code_lines(notebook_code(raw, shown="a.ipynb").source) == ["x = 1"]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"this is not json", ["'bob.ipynb' is not a Jupyter notebook", "not valid JSON", "line 1"]),
        (b'{"cells": [', ["'bob.ipynb' is not a Jupyter notebook", "not valid JSON"]),
        (b"\xff\xfe\x00n\x00o", ["'bob.ipynb' is not a Jupyter notebook", "not UTF-8"]),
        (b"[1, 2, 3]", ["'bob.ipynb' is JSON but not a Jupyter notebook"]),
        (b'{"nbformat": 4}', ["'bob.ipynb' is JSON but not an nbformat 4 Jupyter notebook", "'cells'"]),
        (
            json.dumps({"nbformat": 3, "worksheets": [{"cells": []}]}).encode(),
            ["'bob.ipynb' is an old notebook (nbformat 3)", "save it"],
        ),
        (
            json.dumps({"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}).encode(),
            ["'bob.ipynb' is not a valid notebook", "cell 1"],
        ),
        (
            json.dumps({"nbformat": 4, "cells": ["text"]}).encode(),
            ["'bob.ipynb' is not a valid notebook", "cell 1 is not an object"],
        ),
    ],
)
def test_what_is_not_an_nbformat_4_notebook_is_a_problem_naming_the_file(raw, words):
    with pytest.raises(EntryProblem) as raised:
        notebook_code(raw, shown="bob.ipynb")
    for word in words:
        assert word in raised.value.message
