"""Hostile submissions that try to score without computing: slack bought with a dtype, constants, vacuous steps.

Each case is a real student module graded for real through the sandbox
(every check, public and hidden), beside an honest student: the case
asserts what the submission earns (nothing, or exactly the parts it did
compute), that no check ends as an internal error, and that the solutions,
graded next by the same sandbox, still get full marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

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
LIMITS = Limits(wall_seconds=10, cpu_seconds=5, memory_mb=1024)

START = "diff((1 + exp(-z))^(-1), z)"
RESULT = "sigma(z)*(1 - sigma(z))"


@dataclass(frozen=True)
class Case:
    name: str
    module: str
    exercise: str
    source: str
    score: float = 0.0
    """exactly what the submission earns"""
    feedback: str = ""
    """a phrase the feedback must hold"""


CASES = [
    Case(
        "float16 answers 0.9% off",
        "backprop",
        "backprop.sigmoid",
        "import numpy as np\n\ndef sigmoid(z):\n"
        "    return (1.009 / (1 + np.exp(-np.asarray(z, dtype=float)))).astype(np.float16)\n",
        feedback="judged at float32 tolerance",
    ),
    Case(
        "self_attention returns X",
        "attention",
        "attention.self_attention",
        "import numpy as np\n\ndef self_attention(X):\n    return np.array(X, dtype=float)\n",
    ),
    Case(
        "uniform attention weights that sum to 1",
        "attention",
        "attention.scaled_dot_product_attention",
        "import numpy as np\n\ndef scaled_dot_product_attention(Q, K, V, mask=None):\n"
        "    Q, V = np.asarray(Q, dtype=float), np.asarray(V, dtype=float)\n"
        "    A = np.full(Q.shape[:-1] + (V.shape[-2],), 1.0 / V.shape[-2])\n"
        "    return A @ V, A\n",
    ),
    Case(
        "is_stable = True",
        "hopfield",
        "hopfield.is_stable",
        "def is_stable(W, y):\n    return True\n",
    ),
    Case(
        "a made-up capacity curve",
        "hopfield",
        "hopfield.capacity",
        "import numpy as np\n\ndef capacity(N, Ms, patterns):\n"
        "    return np.array([1.0 if M <= 0.1 * N else 0.0 for M in Ms])\n",
    ),
    Case(
        "a retrieval that jumps from y0 to a stored memory",
        "hopfield",
        "hopfield.retrieve",
        "import numpy as np\n\ndef retrieve(W, y0, order):\n"
        "    y0 = np.asarray(y0, dtype=float)\n    return [y0]\n",
    ),
    Case(
        "a constant, permutation-equivariant GCN layer",
        "gcn",
        "gcn.gcn_layer",
        "import numpy as np\n\ndef gcn_layer(A, H, W, activation='relu'):\n"
        "    return np.zeros((np.asarray(A).shape[0], np.asarray(W).shape[1]))\n",
    ),
    Case(
        "'0' for every derivation step",
        "derivations",
        "derivations.sigmoid_derivative_steps",
        "def sigmoid_derivative_steps():\n    return ['0'] * 5\n",
        feedback="not scored",
    ),
    Case(
        "the start repeated as every step",
        "derivations",
        "derivations.sigmoid_derivative_steps",
        f"def sigmoid_derivative_steps():\n    return [{START!r}] * 5\n",
        feedback="not scored",
    ),
    Case(
        "steps that follow but do not start at the start",
        "derivations",
        "derivations.sigmoid_derivative_steps",
        "def sigmoid_derivative_steps():\n"
        f"    return ['sigma(z) - sigma(z)^2', 'sigma(z)*(1 - sigma(z)) + 0', 'sigma(z) - sigma(z)*sigma(z)', {RESULT!r}]\n",
        feedback="not scored",
    ),
    Case(
        "a padded derivation: start and result, each written twice",
        "derivations",
        "derivations.sigmoid_derivative_steps",
        f"def sigmoid_derivative_steps():\n    return [{START!r}, {START!r}, {START!r}, {RESULT!r}, {RESULT!r}]\n",
        # it starts and ends right, and the result follows from the start: 2 + 2 of the public 5 points
        # and 3 of the 4 hidden parts; only two different steps, so never "enough steps"
        score=4.75,
        feedback="a step repeated counts once",
    ),
    # Answers that compute nothing but pass a form: the form earns its point only beside the right value.
    Case(
        "sigma(0): written with sigma, without exp, and a number",
        "derivations",
        "derivations.sigmoid_derivative",
        "def sigmoid_derivative():\n    return 'sigma(0)'\n",
        feedback="only beside the right value",
    ),
    Case(
        "sigma(z)/0 in the required form",
        "derivations",
        "derivations.sigmoid_derivative",
        "def sigmoid_derivative():\n    return 'sigma(z)/0'\n",
        feedback="only beside the right value",
    ),
    Case(
        "sigma(z) - sigma(z) in the required form",
        "derivations",
        "derivations.sigmoid_derivative",
        "def sigmoid_derivative():\n    return 'sigma(z) - sigma(z)'\n",
        feedback="only beside the right value",
    ),
    Case(
        "exp(1000) as a derivation's answer",
        "derivations",
        "derivations.sigmoid_derivative",
        "def sigmoid_derivative():\n    return 'exp(1000)'\n",
        feedback="should not use exp",
    ),
    Case(
        "1/0 as a derivation's answer",
        "derivations",
        "derivations.sigmoid_derivative",
        "def sigmoid_derivative():\n    return '1/0'\n",
    ),
    Case(
        "1/4, the right value at z = 0, as a bare number",
        "derivations",
        "derivations.sigmoid_derivative",
        "def sigmoid_derivative():\n    return '1/4'\n",
        feedback="is a number",
    ),
    Case(
        "a derivation that starts right and ends at sigma(0)",
        "derivations",
        "derivations.sigmoid_derivative_steps",
        f"def sigmoid_derivative_steps():\n    return [{START!r}, 'sigma(z)*(1 - sigma(z))', 'sigma(0)']\n",
        feedback="not scored",
    ),
    # Constants, guesses and the input echoed on checks that judge case by case.
    Case(
        "gate_weights = [1, 1, 1] for every gate",
        "perceptron",
        "perceptron.gate_weights",
        "def gate_weights(gate):\n    return [1.0, 1.0, 1.0]\n",
    ),
    Case(
        "is_linearly_separable = True",
        "perceptron",
        "perceptron.is_linearly_separable",
        "def is_linearly_separable(X, d, max_epochs=100):\n    return True\n",
    ),
    Case(
        "is_linearly_separable tosses a coin (the parity of a checksum of its inputs)",
        "perceptron",
        "perceptron.is_linearly_separable",
        "import zlib\nimport numpy as np\n\ndef is_linearly_separable(X, d, max_epochs=100):\n"
        "    data = np.asarray(X, dtype=float).tobytes() + np.asarray(d, dtype=float).tobytes()\n"
        "    return zlib.crc32(data) % 2 == 0\n",
    ),
    Case(
        "learning_step gives w back",
        "perceptron",
        "perceptron.learning_step",
        "import numpy as np\n\ndef learning_step(w, x, d, eta):\n    return np.asarray(w, dtype=float)\n",
        feedback="gives back one of its inputs",
    ),
    Case(
        "predict = +1 for every pattern",
        "perceptron",
        "perceptron.predict",
        "import numpy as np\n\ndef predict(w, X):\n    return np.ones(len(X), dtype=int)\n",
    ),
    Case(
        "causal_mask all True",
        "attention",
        "attention.causal_mask",
        "import numpy as np\n\ndef causal_mask(N, additive=False):\n"
        "    return np.zeros((N, N)) if additive else np.ones((N, N), dtype=bool)\n",
        # The boolean check is all or nothing (a guess gets the 1x1 mask right), so no check is partly met and
        # the constant rule has nothing to take: each check just says the mask is wrong.
        feedback="10 of 25 entries differ",
    ),
    Case(
        "adder_perceptrons = [0, 0]",
        "sigmoid_neurons",
        "sigmoid_neurons.adder_perceptrons",
        "import numpy as np\n\ndef adder_perceptrons(x1, x2):\n    return np.array([0, 0])\n",
    ),
]


@pytest.fixture(scope="module")
def sandbox():
    protected = [str(ROOT / "reference"), str(ROOT / "solutions")]
    with Sandbox(LIMITS, protected=protected) as shared:
        yield shared


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_an_answer_that_does_not_compute_earns_nothing(case: Case, sandbox: Sandbox, tmp_path: Path) -> None:
    exercise = REGISTRY.get(case.exercise)
    (tmp_path / f"{case.module}.py").write_text(case.source)
    seeds = SeedPolicy.for_student("hostile-salt", "mallory")
    with SandboxedStudentCode(tmp_path, sandbox=sandbox, limits=LIMITS) as code:
        result = grade_exercise(exercise, code, expectations=EXPECTATIONS, seeds=seeds, include_hidden=True)
    explained = "\n\n".join(f"{c.check_name} [{c.status}] {c.score}/{c.max_score}\n{c.feedback}" for c in result.checks)
    assert all(check.status is not Status.INTERNAL_ERROR for check in result.checks), explained
    assert result.score == pytest.approx(case.score), explained
    assert case.feedback in explained, explained

    with SandboxedStudentCode(ROOT / "solutions", sandbox=sandbox, limits=LIMITS) as honest:
        graded = grade_exercise(exercise, honest, expectations=EXPECTATIONS, seeds=seeds, include_hidden=True)
    assert graded.score == graded.max_score, "an honest student graded after the hostile one lost points"
