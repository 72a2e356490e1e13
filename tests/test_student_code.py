"""Calling student code: every way it can go wrong gets its own, readable outcome.

Each test runs against the sandbox (what grading uses) and the in-process
runner (the benchmark's baseline), which must agree on every outcome.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from grader.declarations import StudentFunction
from grader.errors import StudentCodeUnavailable, StudentNotImplemented, StudentRaised, StudentTimedOut
from grader.sandbox import SandboxedStudentCode
from grader.student_code import InProcessStudentCode

PREDICT = StudentFunction("perceptron", "predict")


@pytest.fixture(params=["sandboxed", "in_process"])
def make_code(request, sandbox):
    if request.param == "sandboxed":
        return lambda folder: SandboxedStudentCode(folder, sandbox=sandbox)
    return InProcessStudentCode


@pytest.fixture
def student(tmp_path, make_code):
    def write(source: str):
        (tmp_path / "perceptron.py").write_text(textwrap.dedent(source))
        return make_code(tmp_path)

    return write


def call(code, *args, timeout: float = 5.0):
    return code.call(PREDICT, args, {}, limits={"wall_seconds": timeout})


def test_returns_plain_data_and_captures_prints(student):
    code = student("""
        import torch
        def predict(w, X):
            print("debugging", w)
            return torch.tensor([1.0, -1.0])
    """)
    outcome = call(code, 1, 2)
    assert isinstance(outcome.value, np.ndarray) and outcome.value.tolist() == [1.0, -1.0]
    assert "debugging 1" in outcome.output


def test_syntax_error_names_the_file_and_line(student):
    code = student("""
        def predict(w, X):
            return w +
    """)
    with pytest.raises(StudentCodeUnavailable, match=r"'perceptron.py' has a syntax error at line 3"):
        call(code, 1, 2)


def test_missing_module_says_where_it_looked(tmp_path, make_code):
    with pytest.raises(StudentCodeUnavailable, match="'perceptron.py' was not found"):
        call(make_code(tmp_path), 1, 2)


def test_missing_function_says_to_keep_the_stub_name(student):
    code = student("def predikt(w, X):\n    return 1\n")
    with pytest.raises(StudentCodeUnavailable, match="does not define a function 'predict'"):
        call(code, 1, 2)


def test_import_time_failure_is_reported(student):
    code = student("import numpy_that_does_not_exist\n")
    with pytest.raises(StudentCodeUnavailable, match="could not be imported: ModuleNotFoundError"):
        call(code, 1, 2)


def test_wrong_signature_is_named(student):
    code = student("def predict(w):\n    return w\n")
    with pytest.raises(StudentRaised, match="does not accept the stub's arguments"):
        call(code, 1, 2)


def test_not_implemented_is_its_own_outcome(student):
    code = student("def predict(w, X):\n    raise NotImplementedError\n")
    with pytest.raises(StudentNotImplemented):
        call(code, 1, 2)


def test_raised_exception_keeps_type_message_and_trims_traceback_to_student_frames(student):
    code = student("""
        import numpy as np
        def helper(w, X):
            return np.asarray(X) @ np.ones((5, 5))
        def predict(w, X):
            return helper(w, X)
    """)
    with pytest.raises(StudentRaised) as info:
        call(code, 1, np.ones((2, 3)))
    error = info.value
    assert error.error_type == "ValueError" and "matmul" in error.error_message
    assert 'File "perceptron.py", line 6, in predict' in error.details
    assert "line 4, in helper" in error.details
    assert "numpy" not in error.details.split("\n")[1] and "grader" not in error.details


def test_infinite_loop_times_out(student):
    code = student("""
        def predict(w, X):
            while True:
                try:
                    pass
                except Exception:
                    pass
    """)
    with pytest.raises(StudentTimedOut, match="time limit of 0.3 s"):
        call(code, 1, 2, timeout=0.3)


def test_exit_in_student_code_does_not_end_the_grader(student):
    code = student("import sys\ndef predict(w, X):\n    sys.exit(3)\n")
    with pytest.raises(StudentRaised) as info:
        call(code, 1, 2)
    assert info.value.error_type == "SystemExit"
