"""The torch module exercises at the edges: degenerate answers earn nothing, slow but correct answers earn everything.

Graded for real through the sandbox, every check (public and hidden), with
the course's limits:

- answers that compute nothing -- a constant, zeros, the input echoed back,
  a training step or loop that does nothing, untrained (all-zero) weights --
  score 0 on every exercise of the family, with no internal error, even
  where they register the parameters the docstring names;
- correct answers written with Python loops (entry by entry, token by token,
  node by node, example by example) score full marks within the limits.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import torch

from grader import load_registry
from grader.course import load_course
from grader.expectations import ReferenceExpectations
from grader.results import Status
from grader.runner import grade_exercise
from grader.sandbox import Sandbox, SandboxedStudentCode
from grader.seeds import SeedPolicy

from conftest import ROOT, SOLUTIONS

pytestmark = pytest.mark.slow

REGISTRY = load_registry()
EXPECTATIONS = ReferenceExpectations()
LIMITS = load_course(ROOT / "course.toml", REGISTRY).limits

HEADER = "import math\nimport numpy as np\nimport torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n"

DEGENERATE = {
    "autograd, input echoed": ("autograd", HEADER + """
class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        return a.clone()

    @staticmethod
    def backward(ctx, upstream):
        return upstream


class SoftmaxCrossEntropy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, targets):
        ctx.shape = logits.shape
        return logits.mean()

    @staticmethod
    def backward(ctx, upstream):
        return upstream * torch.ones(ctx.shape, dtype=upstream.dtype), None
"""),
    "autograd, constants": ("autograd", HEADER + """
class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        return torch.full_like(a, 0.5)

    @staticmethod
    def backward(ctx, upstream):
        return torch.zeros_like(upstream)


class SoftmaxCrossEntropy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, targets):
        ctx.save_for_backward(logits)
        return torch.tensor(math.log(logits.shape[1]), dtype=logits.dtype)

    @staticmethod
    def backward(ctx, upstream):
        (logits,) = ctx.saved_tensors
        return torch.zeros_like(logits), None
"""),
    "mlp, layers registered but constants computed": ("mlp", HEADER + """
class SigmoidMLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.out = sizes[-1]

    def forward(self, X):
        return 0.5 + 0 * self.layers[0](X).sum() * torch.ones(X.shape[0], self.out)

    def probabilities(self, X):
        return torch.full((X.shape[0], self.out), 1 / self.out)


def sgd_step(model, X, Y, eta):
    return 0.0


def train(model, X, y, epochs, eta, seed):
    return [math.log(10)] * epochs


def predict_labels(model, X):
    return torch.zeros(X.shape[0], dtype=torch.int64)
"""),
    "layers, parameters registered but the input echoed or zeros": ("layers", HEADER + """
class MultiHeadSelfAttention(nn.Module):
    def __init__(self, D, H):
        super().__init__()
        for name in ("W_q", "W_k", "W_v", "W_o"):
            setattr(self, name, nn.Parameter(torch.zeros(D, D)))

    def forward(self, X, mask=None):
        return X + 0 * self.W_q.sum()


class GCNLayer(nn.Module):
    def __init__(self, m, m_out):
        super().__init__()
        self.W = nn.Parameter(torch.zeros(m, m_out))

    def forward(self, A, H):
        return torch.zeros(H.shape[0], self.W.shape[1]) + 0 * self.W.sum()
"""),
}


def _zero_weights() -> bytes:
    buffer = io.BytesIO()
    torch.save({"layers.0.weight": torch.zeros(32, 64), "layers.0.bias": torch.zeros(32),
                "layers.1.weight": torch.zeros(10, 32), "layers.1.bias": torch.zeros(10)}, buffer)
    return buffer.getvalue()


LOOPS = {
    "autograd": HEADER + """
def _sigma(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        flat = [_sigma(x) for x in a.detach().reshape(-1).tolist()]
        s = torch.tensor(flat, dtype=a.dtype).reshape(a.shape)
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, upstream):
        (s,) = ctx.saved_tensors
        values = [g * v * (1 - v) for g, v in zip(upstream.reshape(-1).tolist(), s.reshape(-1).tolist())]
        return torch.tensor(values, dtype=upstream.dtype).reshape(s.shape)


class SoftmaxCrossEntropy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, targets):
        m, k = logits.shape
        probabilities, cost = [], 0.0
        for row, target in zip(logits.tolist(), targets.tolist()):
            top = max(row)
            total = sum(math.exp(v - top) for v in row)
            probabilities.append([math.exp(v - top) / total for v in row])
            cost -= sum(t * (v - top - math.log(total)) for t, v in zip(target, row))
        ctx.save_for_backward(torch.tensor(probabilities, dtype=logits.dtype), targets)
        return torch.tensor(cost / m, dtype=logits.dtype)

    @staticmethod
    def backward(ctx, upstream):
        p, targets = ctx.saved_tensors
        return upstream * (p - targets) / p.shape[0], None
""",
    "mlp": (SOLUTIONS / "mlp.py").read_text().replace(
        """        z = X
        for layer in self.layers:
            z = torch.sigmoid(layer(z))
        return z""",
        """        rows = []
        for x in X:  # one example at a time
            z = x
            for layer in self.layers:
                z = 1 / (1 + torch.exp(-(layer.weight @ z + layer.bias)))
            rows.append(z)
        return torch.stack(rows)""",
    ).replace(
        """            cost = F.cross_entropy(model(X[batch]), y[batch])""",
        """            # the mean of the examples' costs, one example at a time
            cost = sum(F.cross_entropy(model(X[i : i + 1]), y[i : i + 1]) for i in batch.tolist()) / len(batch)""",
    ),
    "layers": HEADER + """
class MultiHeadSelfAttention(nn.Module):
    def __init__(self, D, H):
        super().__init__()
        self.H = H
        for name in ("W_q", "W_k", "W_v", "W_o"):
            setattr(self, name, nn.Parameter(torch.zeros(D, D)))

    def forward(self, X, mask=None):
        B, N, D = X.shape
        d = D // self.H
        outputs = []
        for b in range(B):
            Q, K, V = X[b] @ self.W_q, X[b] @ self.W_k, X[b] @ self.W_v
            heads = []
            for h in range(self.H):
                columns = slice(h * d, (h + 1) * d)
                rows = []
                for n in range(N):
                    scores = [(Q[n, columns] * K[j, columns]).sum() / math.sqrt(d) for j in range(N)]
                    allowed = [j for j in range(N) if mask is None or bool(mask[n, j])]
                    top = max(scores[j] for j in allowed)
                    weights = {j: torch.exp(scores[j] - top) for j in allowed}
                    total = sum(weights.values())
                    rows.append(sum(weights[j] / total * V[j, columns] for j in allowed))
                heads.append(torch.stack(rows))
            outputs.append(torch.cat(heads, dim=1) @ self.W_o)
        return torch.stack(outputs)


class GCNLayer(nn.Module):
    def __init__(self, m, m_out):
        super().__init__()
        self.W = nn.Parameter(torch.zeros(m, m_out))

    def forward(self, A, H):
        n = A.shape[0]
        loops = [A[u, u] if A[u, u] != 0 else torch.tensor(1.0) for u in range(n)]
        degree = [sum(A[u, v] for v in range(n) if v != u) + loops[u] for u in range(n)]
        rows = []
        for u in range(n):
            total = torch.zeros(H.shape[1])
            for v in range(n):
                weight = loops[u] if u == v else A[u, v]
                if weight != 0:
                    total = total + weight / torch.sqrt(degree[u] * degree[v]) * H[v]
            rows.append(torch.relu(total @ self.W))
        return torch.stack(rows)
""",
}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(LIMITS) as shared:
        yield shared


def _grade(folder: Path, module: str, sandbox: Sandbox, student: str) -> list:
    seeds = SeedPolicy.for_student("edges-salt", student)
    with SandboxedStudentCode(folder, sandbox=sandbox, limits=LIMITS) as code:
        return [
            grade_exercise(exercise, code, expectations=EXPECTATIONS, seeds=seeds, include_hidden=True)
            for exercise in REGISTRY.in_topic(module)
        ]


def _explain(results) -> str:
    return "\n\n".join(f"{c.test_id} [{c.status}] {c.score}/{c.max_score}\n{c.feedback}" for r in results for c in r.checks)


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_an_answer_that_computes_nothing_scores_zero_everywhere(name, sandbox, tmp_path):
    module, source = DEGENERATE[name]
    (tmp_path / f"{module}.py").write_text(source)
    if module == "mlp":
        (tmp_path / "digits_weights.pt").write_bytes(_zero_weights())
    results = _grade(tmp_path, module, sandbox, "degenerate")
    statuses = {check.status for result in results for check in result.checks}
    assert Status.INTERNAL_ERROR not in statuses, _explain(results)
    assert all(result.score == 0 for result in results), _explain(results)


@pytest.mark.parametrize("module", sorted(LOOPS))
def test_a_correct_answer_written_with_loops_scores_full_marks(module, sandbox, tmp_path):
    (tmp_path / f"{module}.py").write_text(LOOPS[module])
    if module == "mlp":
        (tmp_path / "digits_weights.pt").write_bytes((SOLUTIONS / "digits_weights.pt").read_bytes())
    for student in ("alice", "bob"):
        results = _grade(tmp_path, module, sandbox, student)
        assert all(result.score == result.max_score for result in results), _explain(results)


def test_the_cpu_limit_is_each_calls_own_whether_or_not_the_grader_may_move_another_users_limits(sandbox, tmp_path):
    """Calls of 1.2 s each under a 2 s limit all finish in one child (4.8 s in all); one of 3 s is stopped."""
    from grader.declarations import StudentFunction
    from grader.errors import StudentTimedOut

    assert LIMITS.cpu_seconds == 2
    (tmp_path / "burn.py").write_text(
        "import time\n\ndef burn(seconds):\n    end = time.process_time() + seconds\n"
        "    while time.process_time() < end:\n        pass\n    return seconds\n"
    )
    burn = StudentFunction("burn", "burn")
    with SandboxedStudentCode(tmp_path, sandbox=sandbox, limits=LIMITS) as code:
        assert [code.call(burn, (1.2,), {}).value for _ in range(4)] == [1.2] * 4
        with pytest.raises(StudentTimedOut, match="more than the 2 s of CPU time"):
            code.call(burn, (3.0,), {})
