"""Deciding equivalence: proof, sampling on domains, kinks, matrices, tolerance, feedback, steps.

Drives :func:`grader.derivations.decide` and the ``judge_*`` functions the
checks use, on small questions declared here and on the course's questions.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from grader.catalog.derivations import BP2_HIDDEN_ERROR, QUESTIONS, SIGMOID_DERIVATIVE_STEPS, derivation_reference, reference_answer_key
from grader.derivations import (
    Dimension,
    EquivalenceUndecided,
    KnownMistake,
    Outcome,
    Question,
    Symbol,
    decide,
    judge_answer,
    judge_steps,
    parse_answer,
)
from grader.derivations.answers import Judgement, record
from grader.derivations.domains import Positive, Real
from grader.derivations.equivalence import draw_point
from grader.derivations.symbolic import SymbolicTimeout, hard_time_limit
from grader.trial import Trial

SCALAR = Question(
    id="eq-scalar",
    target="f",
    symbols=(Symbol("x", Real(-3, 3)), Symbol("y", Real(-3, 3)), Symbol("z", Real(-4, 4))),
    functions=("sigma", "exp", "log", "sqrt", "tanh", "cosh", "abs", "max", "relu"),
)
POSITIVE = Question(id="eq-positive", target="f", symbols=(Symbol("x", Positive()),), functions=("sqrt", "log", "abs"))
FLOATS = Question(id="eq-floats", target="p", symbols=(Symbol("x", Real()),), allow_floats=True, rtol=1e-4, atol=1e-6, functions=("sigma",))
MATRIX = Question(
    id="eq-matrix",
    target="M",
    symbols=(Symbol("A", shape=("m", "n")), Symbol("B", shape=("m", "n")), Symbol("u", shape=("n",))),
    dimensions=(Dimension("m", 2, 6), Dimension("n", 2, 6)),
    functions=("sigma",),
)


def verdict(answer: str, expected: str, question: Question = SCALAR, *, prove: bool = True, seed: int = 0):
    return decide(
        parse_answer(answer, question), parse_answer(expected, question), rng=np.random.default_rng(seed), prove=prove
    )


def judged(answer, expected: str, question: Question, *, hidden: bool = False, seed: int = 0) -> Judgement:
    return judge_answer(answer, question, expected, rng=np.random.default_rng(seed), name="f", hidden=hidden)


# -- proof, then sampling ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "form",
    [
        "sigma(z)*(1 - sigma(z))",
        "sigma(z) - sigma(z)^2",
        "exp(-z)/(1 + exp(-z))^2",
        "1/(4 cosh(z/2)^2)",
        "(1 - tanh(z/2)^2)/4",
        "sigma(z) sigma(-z)",
        "1/(2 + exp(z) + exp(-z))",
    ],
)
def test_equivalent_forms_of_the_sigmoid_derivative(form):
    for prove in (True, False):
        result = verdict(form, "sigma(z)*(1 - sigma(z))", prove=prove)
        assert result.outcome is Outcome.EQUIVALENT, (form, result)
        if not prove:
            assert result.method == "sampling" and len(result.samples) >= 8


def test_a_rational_identity_is_proved_symbolically():
    assert verdict("(x^2 - y^2)/(x - y)", "x + y").method == "proof"
    assert verdict("exp(-z)/(1 + exp(-z))^2", "sigma(z)*(1 - sigma(z))").method == "proof"


def test_a_wrong_answer_has_a_counterexample():
    result = verdict("sigma(z)*(1 + sigma(z))", "sigma(z)*(1 - sigma(z))")
    assert result.outcome is Outcome.DIFFERENT and result.method == "sampling"
    assert result.counterexample is not None and result.counterexample.got is not None


def test_sampling_uses_30_digits():
    # In float64 the left side loses every digit to cancellation; at 30 digits it is exact enough.
    assert verdict("(1 + 10^(-15) x) - 1", "10^(-15) x", prove=False).equivalent
    assert not verdict("x + 10^(-10) x", "x", prove=False).equivalent  # beyond the default rtol of 1e-12


def test_domains_decide_identities_that_hold_only_there():
    assert verdict("sqrt(x^2)", "x", POSITIVE).equivalent
    assert verdict("sqrt(x^2)", "x", POSITIVE, prove=False).equivalent
    result = verdict("sqrt(x^2)", "x")
    assert result.outcome is Outcome.DIFFERENT and float(result.counterexample.point.values["x"]) < 0
    assert verdict("log(x^2)", "2 log(x)", POSITIVE).equivalent


def test_an_answer_undefined_where_the_correct_one_is_defined_is_different():
    result = verdict("log(x)", "log(abs(x))")
    assert result.outcome is Outcome.DIFFERENT
    assert "log of a number that is not positive" in result.counterexample.got_undefined


def test_kinks_are_straddled():
    # x < 0 is 0.1% of the domain: random points alone would almost never see it.
    question = Question(id="kink", target="f", symbols=(Symbol("x", Real(-0.01, 10)),), functions=("abs", "max", "relu"))
    for seed in range(5):
        result = verdict("abs(x)", "x", question, prove=False, seed=seed)
        assert result.outcome is Outcome.DIFFERENT, seed
        assert float(result.counterexample.point.values["x"]) < 0
        assert verdict("relu(x)", "max(x, 0)", question, prove=False, seed=seed).equivalent
        assert not verdict("max(x, 0)", "x", question, prove=False, seed=seed).equivalent


def test_floats_and_the_question_tolerance():
    assert verdict("0.5025", "sigma(1/100)", FLOATS).equivalent
    assert not verdict("0.5", "sigma(1/100)", FLOATS).equivalent
    tight = Question(id="tight", target="p", symbols=(Symbol("x"),), allow_floats=True, functions=("sigma",))
    assert not verdict("0.5025", "sigma(1/100)", tight).equivalent


def test_an_overflowing_answer_is_different_not_undecided():
    started = time.perf_counter()
    result = verdict("exp(exp(exp(exp(exp(exp(z))))))", "sigma(z)")
    assert result.outcome is Outcome.DIFFERENT
    assert time.perf_counter() - started < 2


# -- matrices --------------------------------------------------------------------------------------


def test_matrix_instances_are_not_square():
    rng = np.random.default_rng(1)
    for _ in range(50):
        point = draw_point(BP2_HIDDEN_ERROR, rng)
        assert point.sizes["n"] != point.sizes["n_next"]
        assert point.values["W_next"].shape == (point.sizes["n_next"], point.sizes["n"])


def test_hadamard_products():
    assert verdict("A (.) B", "B (.) A", MATRIX).equivalent
    assert verdict("(A + B) (.) A", "A (.) A + B (.) A", MATRIX).equivalent
    assert verdict("A (.) sigma(B)", "sigma(B) .* A", MATRIX).equivalent
    assert not verdict("A (.) B", "A + B", MATRIX).equivalent
    assert verdict("(A^T B)^T", "B^T A", MATRIX).equivalent
    assert verdict("A^T A u", "(A u)^T A", MATRIX).outcome is Outcome.DIFFERENT  # different shapes


def test_a_transposed_answer_is_named():
    judgement = judged("u^T A^T", "A u", MATRIX)
    assert not judgement.ok
    assert [d.name for d in judgement.diagnoses] == ["transposed"]
    assert "transpose of the correct one" in judgement.message


# -- undecided is never wrong ---------------------------------------------------------------------------


def test_too_few_valid_points_go_to_the_tie_breaker():
    nowhere = Question(id="nowhere", target="f", symbols=(Symbol("x", Real(-3, -1)),), functions=("log",))
    assert verdict("log(x) + 0*x", "log(x)", nowhere, prove=False).method == "simplify"


def test_undecided_is_an_internal_error_not_a_wrong_answer(monkeypatch):
    import grader.derivations.symbolic as symbolic

    nowhere = Question(id="nowhere-2", target="f", symbols=(Symbol("x", Real(-3, -1)),), functions=("log", "exp"))
    monkeypatch.setattr(symbolic, "tie_break", lambda a, b, q: None)
    monkeypatch.setattr(symbolic, "prove_equal", lambda a, b, q: False)
    result = verdict("exp(log(x))", "x + log(x) - log(x)", nowhere)
    assert result.outcome is Outcome.UNDECIDED
    with pytest.raises(EquivalenceUndecided):
        judged("exp(log(x))", "x + log(x) - log(x)", nowhere)


def test_the_hard_time_limit_interrupts_and_is_off_the_main_thread():
    with pytest.raises(SymbolicTimeout):
        with hard_time_limit(0.05) as limited:
            assert limited
            while True:
                pass
    seen = []
    thread = threading.Thread(target=lambda: seen.append(hard_time_limit(0.05).__enter__()))
    thread.start()
    thread.join()
    assert seen == [False]


def test_sympy_is_imported_only_for_a_proof():
    code = (
        "import sys, numpy as np\n"
        "from grader.catalog.derivations import QUESTIONS, reference_answer_key\n"
        "from grader.derivations import judge_answer\n"
        "q = QUESTIONS['bp2_hidden_error']\n"
        "j = judge_answer('W_next^T delta_next (.) sigma\\'(a)', q, reference_answer_key('bp2_hidden_error'),"
        " rng=np.random.default_rng(0), name='f', hidden=False)\n"
        "assert j.ok, j.message\n"
        "print('sympy' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# -- feedback ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected", "name", "shown"),
    [
        ("-x y", "x y", "sign error", "opposite sign"),
        ("2 x y", "x y", "constant factor", "2 times"),
        ("x y / 2", "x y", "constant factor", "1/2 times"),
        ("x y + 3", "x y", "additive constant", "plus 3"),
        ("x - 2 y", "y - 2 x", "swapped variables", "x and y are exchanged"),
        ("x", "x + y^2", "missing variable", "does not depend on y"),
        ("x + z", "x", "extra variable", "depends on z"),
    ],
)
def test_generic_diagnoses(answer, expected, name, shown):
    judgement = judged(answer, expected, SCALAR)
    assert not judgement.ok
    assert name in [d.name for d in judgement.diagnoses], judgement.message
    assert shown in judgement.message


def test_a_known_mistake_is_named_however_it_is_written():
    question = QUESTIONS["he_initialisation"]
    for written in ("1/sqrt(M)", "M^(-1/2)", r"\frac{1}{\sqrt{M}}", "sqrt(1/M)", "sqrt(2/M)/sqrt(2)"):
        judgement = judged(written, reference_answer_key("he_initialisation"), question)
        assert [d.name for d in judgement.diagnoses] == ["Xavier (Glorot) scale"], written
        assert "Xavier's scale" in judgement.message


def test_a_known_mistake_that_cannot_be_read_is_named_by_its_error():
    judgement = judged("W_next delta_next (.) sigma'(a)", reference_answer_key("bp2_hidden_error"), BP2_HIDDEN_ERROR)
    assert "could not be read" in judgement.message
    assert [d.name for d in judgement.diagnoses] == ["no transpose"]


def test_partial_credit_where_the_question_sets_it():
    question = QUESTIONS["bp1_quadratic"]
    judgement = judged("2 (z_j - y_j) sigma'(a_j)", reference_answer_key("bp1_quadratic"), question)
    assert not judgement.ok and judgement.credit == 0.5
    trial = Trial(name="f", seed=0, call_student=lambda a, k: None, call_reference=lambda a, k, key: None, hidden=False)
    record(trial, judgement)
    assert (trial.met, trial.total) == (2, 4)
    assert [f for f in trial.failures if f] == [judgement.message]


def test_hidden_feedback_shows_no_expected_value():
    question = Question(
        id="hidden",
        target="f",
        symbols=(Symbol("x", Real(1, 2)),),
        mistakes=(KnownMistake("doubled", "2 x^3", "halve it"),),
        functions=(),
    )
    for answer in ("2 x^3", "x^3 + 1", "x^2"):
        public = judged(answer, "x^3", question)
        hidden = judged(answer, "x^3", question, hidden=True)
        assert "expected" in public.message
        assert "expected" not in hidden.message and "plus 1" not in hidden.message
        sample = decide(parse_answer(answer, question), parse_answer("x^3", question), rng=np.random.default_rng(0))
        want = f"{float(sample.counterexample.expected):.6g}"
        assert want not in hidden.message


def test_a_non_string_answer_says_what_to_return():
    judgement = judged(0.25, "x", SCALAR)
    assert "should return the expression as a string" in judgement.message and "a float (0.25)" in judgement.message


# -- steps ----------------------------------------------------------------------------------------------------


def steps(answer) -> object:
    return judge_steps(
        answer,
        SIGMOID_DERIVATIVE_STEPS,
        reference_answer_key("sigmoid_derivative_steps"),
        rng=np.random.default_rng(0),
        name="steps",
        hidden=False,
    )


START = "diff((1 + exp(-z))^(-1), z)"


def test_a_correct_derivation_passes_every_part():
    result = steps([START, "exp(-z)/(1 + exp(-z))^2", "1/(1 + exp(-z)) * exp(-z)/(1 + exp(-z))", "sigma(z)(1 - sigma(z))"])
    assert all(part.ok for part in (result.start, result.target, result.follows, result.count))


def test_a_chain_counts_each_part_as_a_step():
    result = steps(f"{START} = exp(-z)/(1 + exp(-z))^2 = 1/(1 + exp(-z)) * exp(-z)/(1 + exp(-z)) = sigma(z) - sigma(z)^2")
    assert all(part.ok for part in (result.start, result.target, result.follows, result.count))


def test_the_first_step_that_does_not_follow_is_named():
    result = steps([START, "exp(-z)/(1 + exp(-z))^2", "exp(-z)/(1 + exp(-z))", "sigma(z)^2", "sigma(z)(1 - sigma(z))"])
    assert result.start.ok and result.target.ok and not result.follows.ok
    assert "step 3 does not follow from step 2" in result.follows.message


def test_start_target_and_count_are_checked():
    wrong_start = steps(["exp(z)", "sigma(z)", "sigma(z)(1 - sigma(z))", "sigma(z) - sigma(z)^2"])
    assert not wrong_start.start.ok and "does not match the start" in wrong_start.start.message
    in_exp = steps([START, "exp(-z)/(1 + exp(-z))^2", "exp(-z)*(1 + exp(-z))^(-2)", "e^(-z)/(1 + e^(-z))^2"])
    assert not in_exp.target.ok and "written with sigma" in in_exp.target.message
    # a derivation that does not end at the target scores nothing, even where its steps follow
    assert not in_exp.follows.ok and not in_exp.start.ok and "not scored" in in_exp.follows.message
    short = steps([START, "sigma(z)(1 - sigma(z))"])
    assert short.start.ok and short.target.ok and short.follows.ok and not short.count.ok


def test_a_step_that_cannot_be_read_is_named():
    result = steps([START, "exp(-z)/(1 + exp(-z)^2", "sigma(z)(1 - sigma(z))"])
    assert not result.follows.ok and "step 2" in result.follows.message and "never closed" in result.follows.message
    assert "list of strings" in steps(42).start.message
