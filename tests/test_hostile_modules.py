"""Hostile module submissions: a student's class or training step that lies, escapes or never ends.

Each case is a real ``autograd.py`` or ``mlp.py`` graded for real through
the sandbox (every check, public and hidden), with the checks' verdicts
decided in this process from the numbers the child sent back. Each case
asserts that the submission earns no points it did not compute, that the
grader reports a clear status (never an internal error), and that an honest
student graded next by the same sandbox still gets full marks.
"""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from grader import load_registry
from grader.expectations import ReferenceExpectations
from grader.limits import Limits
from grader.results import Status
from grader.runner import grade_exercise
from grader.sandbox import Sandbox, SandboxedStudentCode
from grader.seeds import SeedPolicy

from conftest import ROOT

pytestmark = pytest.mark.slow

REGISTRY = load_registry()
EXPECTATIONS = ReferenceExpectations()
LIMITS = Limits(wall_seconds=6, cpu_seconds=2, memory_mb=1024)

SIGMOID_FORWARD = """
    @staticmethod
    def forward(ctx, a):
        s = torch.sigmoid(a)
        ctx.save_for_backward(s)
        return s
"""


@dataclass(frozen=True)
class Case:
    name: str
    module: str
    exercise: str
    source: str
    statuses: frozenset[Status]
    """the statuses every check of the exercise may end in"""
    max_score: float = 0.0
    """the most the submission may score"""
    files: tuple[tuple[str, bytes], ...] = ()
    """files handed in beside the module (a weights file), by name"""


def _sigmoid_with(backward: str, header: str = "") -> str:
    return f"import torch\n{header}\nclass Sigmoid(torch.autograd.Function):\n{SIGMOID_FORWARD}\n{backward}\n"


FAILED, ERRORED, TIMED_OUT = Status.FAILED, Status.ERRORED, Status.TIMED_OUT

MARKER = Path(tempfile.gettempdir()) / "nngrade-weights-payload-ran"


class _Payload:
    """Unpickling this runs a shell command: what a weights file must never get to do."""

    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


def _saved(value) -> bytes:
    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


WEIGHTS = "digits_weights.pt"

CASES = [
    Case(
        "a weights file whose pickle runs a command",
        "mlp",
        "mlp.digits_weights",
        "",
        frozenset({ERRORED}),
        files=((WEIGHTS, _saved({"layers.0.weight": _Payload()})),),
    ),
    Case(
        "a weights file of random bytes",
        "mlp",
        "mlp.digits_weights",
        "",
        frozenset({ERRORED}),
        files=((WEIGHTS, bytes(range(256)) * 40),),
    ),
    Case(
        "a weights file that holds a list",
        "mlp",
        "mlp.digits_weights",
        "",
        frozenset({ERRORED}),
        files=((WEIGHTS, _saved([torch.zeros(32, 64), torch.zeros(32)])),),
    ),
    Case(
        "a weights file larger than the cap",
        "mlp",
        "mlp.digits_weights",
        "",
        frozenset({Status.NOT_IMPLEMENTED}),
        files=((WEIGHTS, _saved({"layers.0.weight": torch.zeros(3 * 2**20)})),),
    ),
    Case(
        "backward returns a tensor subclass",
        "autograd",
        "autograd.sigmoid",
        _sigmoid_with(
            "    @staticmethod\n    def backward(ctx, upstream):\n        (s,) = ctx.saved_tensors\n"
            "        return Sly(upstream * s * (1 - s))\n",
            header="class Sly(torch.Tensor):\n    pass\n",
        ),
        frozenset({Status.PASSED, FAILED, ERRORED}),
        max_score=6.0,
    ),
    Case(
        "a tensor whose __torch_function__ lies",
        "autograd",
        "autograd.sigmoid",
        "import torch\n"
        "class Liar(torch.Tensor):\n"
        "    @classmethod\n"
        "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
        "        return torch.zeros(3)\n"
        "class Sigmoid(torch.autograd.Function):\n"
        "    @staticmethod\n"
        "    def forward(ctx, a):\n"
        "        return torch.Tensor._make_subclass(Liar, torch.zeros_like(a))\n"
        "    @staticmethod\n"
        "    def backward(ctx, upstream):\n"
        "        return upstream\n",
        frozenset({FAILED, ERRORED}),
    ),
    Case(
        "a parameter whose __torch_function__ lies",
        "mlp",
        "mlp.sigmoid_mlp",
        "import torch\nfrom torch import nn\n"
        "class Liar(nn.Parameter):\n"
        "    @classmethod\n"
        "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
        "        return torch.full((1,), 0.5)\n"
        "class SigmoidMLP(nn.Module):\n"
        "    def __init__(self, sizes):\n"
        "        super().__init__()\n"
        "        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))\n"
        "        for layer in self.layers:\n"
        "            layer.weight = Liar(layer.weight.detach())\n"
        "    def forward(self, X):\n"
        "        for layer in self.layers:\n"
        "            X = torch.sigmoid(layer(X))\n"
        "        return X\n"
        "    def probabilities(self, X):\n"
        "        return torch.softmax(self.layers[-1](X), dim=1)\n",
        frozenset({Status.PASSED, FAILED, ERRORED}),
        max_score=1.0,  # it registers the right parameters (1 point); nothing it computes is right
    ),
    Case(
        "a module that monkeypatches torch",
        "autograd",
        "autograd.sigmoid",
        "import torch, numpy\n"
        "torch.autograd.grad = lambda outputs, inputs, **kw: tuple(torch.zeros_like(x) for x in inputs)\n"
        "torch.allclose = lambda *a, **k: True\n"
        "numpy.allclose = lambda *a, **k: True\n"
        "torch.Tensor.numpy = lambda self: numpy.zeros(self.shape)\n"
        "class Sigmoid(torch.autograd.Function):\n"
        "    @staticmethod\n"
        "    def forward(ctx, a):\n"
        "        return a * 0\n"
        "    @staticmethod\n"
        "    def backward(ctx, upstream):\n"
        "        return upstream * 0\n",
        frozenset({FAILED, ERRORED}),
    ),
    Case(
        "a module that replaces the grader's script runner",
        "autograd",
        "autograd.sigmoid",
        "import sys\n"
        "runner = sys.modules.get('_nngrade_sandbox_object_scripts')\n"
        "if runner is not None:\n"
        "    runner.run_torch_script = lambda target, steps, files=None: [{'value': 1}, 'junk', 7]\n"
        "class Sigmoid:\n"
        "    pass\n",
        frozenset({ERRORED}),
    ),
    Case(
        "a runner replaced by one that answers every step plausibly",
        "mlp",
        "mlp.sigmoid_mlp",
        "import sys\nimport torch\n"
        "def fake(target, steps, files=None):\n"
        "    out = []\n"
        "    for step in steps:\n"
        "        op = step['op']\n"
        "        out.append({'object': 0} if op == 'new' else {'missing': [], 'unexpected': [], 'misshapen': []}\n"
        "                   if op == 'load' else {'parameters': [], 'buffers': [], 'tensor_attributes': []}\n"
        "                   if op == 'parameters' else {'value': [[0.5]], 'attached': True} if op == 'call'\n"
        "                   else {'inputs': [], 'parameters': {}})\n"
        "    return out\n"
        "sys.modules['_nngrade_sandbox_object_scripts'].run_torch_script = fake\n"
        "class SigmoidMLP(torch.nn.Module):\n"
        "    pass\n",
        frozenset({FAILED, ERRORED}),
    ),
    Case(
        "a backward that never ends",
        "autograd",
        "autograd.sigmoid",
        _sigmoid_with("    @staticmethod\n    def backward(ctx, upstream):\n        while True:\n            pass\n"),
        frozenset({Status.PASSED, TIMED_OUT}),
        max_score=1.0,  # forward alone is right; every check that backpropagates times out
    ),
    Case(
        "a training step that never ends",
        "mlp",
        "mlp.sgd_step",
        "import torch\ndef sgd_step(model, X, Y, eta):\n    while True:\n        model(X)\n",
        frozenset({TIMED_OUT}),
    ),
    Case(
        "named_parameters that lie about names",
        "mlp",
        "mlp.sigmoid_mlp",
        "import torch\nfrom torch import nn\n"
        "class SigmoidMLP(nn.Module):\n"
        "    def __init__(self, sizes):\n"
        "        super().__init__()\n"
        "        self.sizes = sizes\n"
        "    def named_parameters(self, *a, **k):\n"
        "        for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):\n"
        "            yield f'layers.{i}.weight', torch.zeros(n_out, n_in, requires_grad=True)\n"
        "            yield f'layers.{i}.bias', torch.zeros(n_out, requires_grad=True)\n"
        "    def forward(self, X):\n"
        "        return torch.full((X.shape[0], self.sizes[-1]), 0.5)\n"
        "    def probabilities(self, X):\n"
        "        return torch.full((X.shape[0], self.sizes[-1]), 1 / self.sizes[-1])\n",
        frozenset({FAILED, ERRORED}),  # the parameters are read with torch's own methods: it registers none
    ),
    Case(
        "a constructor that exits",
        "mlp",
        "mlp.sigmoid_mlp",
        "import sys\nfrom torch import nn\nclass SigmoidMLP(nn.Module):\n    def __init__(self, sizes):\n        sys.exit(3)\n",
        frozenset({ERRORED}),
    ),
    Case(
        "a function where the class should be",
        "mlp",
        "mlp.sigmoid_mlp",
        "def SigmoidMLP(sizes):\n    return None\n",
        frozenset({ERRORED}),
    ),
]


@pytest.fixture(scope="module")
def sandbox():
    protected = [str(ROOT / "reference"), str(ROOT / "solutions")]
    with Sandbox(LIMITS, protected=protected) as shared:
        yield shared


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_module_earns_nothing_it_did_not_compute(case: Case, sandbox: Sandbox, tmp_path: Path) -> None:
    warnings.simplefilter("ignore", DeprecationWarning)
    exercise = REGISTRY.get(case.exercise)
    if case.source:
        (tmp_path / f"{case.module}.py").write_text(case.source)
    for name, data in case.files:
        (tmp_path / name).write_bytes(data)
    MARKER.unlink(missing_ok=True)
    seeds = SeedPolicy.for_student("hostile-salt", "mallory")
    with SandboxedStudentCode(tmp_path, sandbox=sandbox) as code:
        result = grade_exercise(exercise, code, expectations=EXPECTATIONS, seeds=seeds, include_hidden=True)
    statuses = {check.status for check in result.checks}
    explained = "\n\n".join(f"{check.check_name} [{check.status}]\n{check.feedback}" for check in result.checks)
    assert Status.INTERNAL_ERROR not in statuses, explained
    assert statuses <= case.statuses, explained
    assert result.score <= case.max_score, explained
    assert not MARKER.exists(), "unpickling the handed-in weights ran code"

    with SandboxedStudentCode(ROOT / "solutions", sandbox=sandbox) as honest:
        graded = grade_exercise(exercise, honest, expectations=EXPECTATIONS, seeds=seeds, include_hidden=True)
    assert graded.score == graded.max_score, "an honest student graded after the hostile one lost points"


def test_a_class_missing_or_replaced_by_a_function_is_named_in_the_message(sandbox: Sandbox, tmp_path: Path) -> None:
    (tmp_path / "mlp.py").write_text("def SigmoidMLP(sizes):\n    return None\n")
    with SandboxedStudentCode(tmp_path, sandbox=sandbox) as code:
        result = grade_exercise(REGISTRY.get("mlp.sigmoid_mlp"), code, expectations=EXPECTATIONS)
    # The message, once for the exercise; each check it stopped says "not run".
    assert result.problems and "'mlp.py' does not define a class 'SigmoidMLP' (mlp.py defines 'SigmoidMLP' as a " \
        "function)" in result.problems[0].message
    assert all(check.feedback.endswith("not run: 'SigmoidMLP' is missing from mlp.py") for check in result.checks)
