"""Derivation hints and texts give no correct answer away.

A hint is shown to a student whose answer matches a known mistake, and the
catalog of questions ships in the student bundle, so:

- no correct answer -- the reference's final expression or any step of a
  multi-step answer, as the reference writes it, without its explicit ``*``,
  or as the package renders it (plain text, LaTeX, sympy) -- occurs in any
  hint, in any question's text, in any file under ``grader/`` or in the stubs
  of ``exercises/derivations.py``;
- the fragments of answers that hints once spelled out (``2/M``,
  ``1/(1 - mu)``, ...) occur in no hint of their own question.

Every comparison ignores whitespace. Two things are left out of the first
rule, each for a reason: an answer that is a single name (``delta``, ``D_k``)
occurs wherever that name is used, so the second list covers it; and the
start of a multi-step question is given to the student, not asked. The known
mistakes' wrong answers, which often hold the correct one
(``-sigma(z)*(1 - sigma(z))``), are written in the reference code, not in
the catalog, so the catalog is searched like every other file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy

from grader.catalog.derivations import EXERCISES, QUESTIONS, derivation_reference
from grader.declarations import resolve
from grader.derivations import parse_answer
from grader.derivations.render import to_latex, to_plain_text
from grader.derivations.symbolic import NotSymbolic, to_sympy
from grader.derivations.tree import Name

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "grader" / "catalog" / "derivations.py"
SHIPPED_FILES = sorted(
    path for path in (ROOT / "grader").rglob("*.py") if "__pycache__" not in path.parts
) + [ROOT / "exercises" / "derivations.py"]
FUNCTIONS = sorted(QUESTIONS)
BY_FUNCTION = {exercise.student.name: exercise for exercise in EXERCISES}

#: Answer texts that other exercises' files hold on purpose: (file, question) -> why.
ALLOWED_IN_FILES: dict[tuple[str, str], str] = {
    ("grader/catalog/backprop.py", "softmax_log_likelihood_gradient"): (
        "the backprop exercise's hint gives dC/dz = z - y of the quadratic cost, another quantity that reads the same"
    ),
    ("grader/catalog/backprop.py", "bp4_weight_gradient"): (
        "a check docstring of the backprop exercise, whose 'gradients' stub states BP4 as its task"
    ),
    ("grader/catalog/costs.py", "softmax_log_likelihood_gradient"): (
        "a hint of the binary cross-entropy exercise names (z - y) / n, the sigmoid-output gradient its stub "
        "states, another quantity that reads the same"
    ),
    ("grader/catalog/initialisation.py", "he_initialisation"): (
        "the initialisation exercises implement He's scale, which their stubs must state as the convention to follow"
    ),
    ("grader/catalog/gradient_descent.py", "largest_stable_step"): (
        "the gradient descent exercises compute the largest stable step and state it in their checks' "
        "descriptions; they are handed out in another assignment than the derivation question"
    ),
}

#: What the hints of each question used to spell out; none may come back.
REMOVED_FRAGMENTS: dict[str, tuple[str, ...]] = {
    "sigmoid_derivative": ("sigma(z)(1 - sigma(z))", "sigma'(z) = sigma(z)", "z(1 - z)"),
    "sigmoid_derivative_steps": (
        "sigma(z) times 1 - sigma(z)",
        "e^{-z}/(1 + e^{-z}) = 1 - sigma(z)",
        "e^{-z}/(1 + e^{-z})^2",
    ),
    "bp1_quadratic": ("z_j - y_j", "into z - y", "dz_j/da_j = sigma'(a_j)"),
    "cross_entropy_weight_gradient": ("(z - y)/(z(1 - z))", "z(1 - z)", "da/dw_j = x_j", "z - y, not y - z"),
    "softmax_log_likelihood_gradient": ("z - y", "dC/da = z", "subtract the one-hot vector y", "z_y - 1"),
    "bp2_hidden_error": ("(W^{l+1})^T delta^{l+1}", "multiplies by sigma'(a^l)", "at the weighted input a^l"),
    "bp3_bias_gradient": ("dC/db^l = delta^l", "+delta^l", "da^l/db^l = 1"),
    "bp4_weight_gradient": ("delta (z^{l-1})^T", "delta_j (z^{l-1})^T", "delta_j z_k", "delta comes first"),
    "hopfield_energy_change": ("2 y_k v_k", "y_k' - y_k = -2 y_k"),
    "rbm_hidden_probability": ("sigma(+gap)", "sigma(gap)", "e^{gap} / (1 + e^{gap})", "b_j + sum_i v_i w_ij"),
    "he_initialisation": ("2/M", "sqrt(2/M)", "doubles the variance", "its square root"),
    "attention_score_variance": ("its variance is D_k", "give D_k", "D_k independent products of variance 1"),
    "vae_kl": ("inside the bracket it is log(sigma^2)", "brings -log(sigma^2)"),
    "vae_kl_steps": ("1/2 (mu^2 + sigma^2 - 1 - log(sigma^2))",),  # never given; kept out all the same
    "chain_rule_example": ("6 t^5", "2 t^5"),
    "product_rule_example": ("5 x^4", "5x^4"),
    "quotient_rule_example": ("3 x^2", "3x^2", "3x^6 / x^4"),
    "bernoulli_kl": ("p log(p/q) + (1 - p)",),
    "gcn_edge_weight": ("1/sqrt((deg u + 1)(deg v + 1))", "sqrt(D~_uu D~_vv)"),
    "gan_optimal_discriminator": ("D = p_data", "p_data / (p_data + p_g)"),
    "momentum_learning_rate_factor": ("1/(1 - mu)", "1 + mu + mu^2", "1 + mu/(1 - mu)"),
    "largest_stable_step": ("2/lambda_max", "eta lambda_max < 2"),
    "perceptron_update": ("w + eta d x", "old ones plus it", "target's sign times x"),
    "lstm_cell_state_gradient": ("dC_t/dC_{t-1} = f_t", "the derivative is f_t", "sigma of a_f"),
    "linear_rnn_bptt": ("W_aa^T W_aa^T", "(W_aa^T)^2", "two factors W_aa^T"),
    "conv_output_size": ("n + 2P - D(k - 1) - 1", "D (k - 1) + 1", "(n + 2P"),
    "conv_parameter_count": ("C_in k_h k_w + 1", "C_out (C_in", "C_out biases"),
    "he_variance": ("M/2", "lambda^2/2", "lambda^2 / 2", "M eps^2 lambda^2"),
    "momentum_constant_gradient_step": ("1/(1 - mu)", "/(1 - mu)", "eta/(1 - mu)", "1 + mu + mu^2"),
    "batch_norm_input_gradient": ("1/K sum_n g_n", "ahat_m ahat_n", "(1[n = m] - 1/K)"),
    "dropout_expectation": ("(1 - p)/(1 - p)", "E[m_j] = 1 - p", "E[a] = w^T z", "sum_j w_j z_j"),
}

_SINGLE_STAR = re.compile(r"(?<!\*)\*(?!\*)")


def _squashed(text: str) -> str:
    """``text`` without whitespace."""
    return re.sub(r"\s+", "", text)


def _spellings(text: str) -> set[str]:
    """``text`` without whitespace, with and without its explicit products (``6*t^5`` and ``6t^5``),
    and with the doubled backslashes of a Python string read as single ones (``\\\\frac``)."""
    squashed = _squashed(text)
    spellings = {squashed, _SINGLE_STAR.sub("", squashed)}
    return spellings | {spelling.replace("\\\\", "\\") for spelling in spellings}


def _answer_forms(function: str) -> set[str]:
    """Every correct answer of ``function`` (the final one and each step after the given start) in every form.

    A single name (``delta``) is left out: it occurs wherever the name is used.
    """
    question = QUESTIONS[function]
    answer = resolve(f"reference.derivations:{function}")()
    texts = list(answer) if isinstance(answer, list) else [answer]
    assert derivation_reference(function) == texts[-1]
    forms: set[str] = set()
    for text in texts:
        if question.start is not None and _squashed(text) == _squashed(question.start):
            continue
        tree = parse_answer(text, question).tree
        if isinstance(tree, Name):
            continue
        renderings = {text, to_plain_text(tree), to_latex(tree)}
        try:
            form = to_sympy(tree, question)
            renderings |= {str(form), sympy.latex(form)}
        except NotSymbolic:
            pass  # vectors, matrices and sums have no sympy form
        for rendering in renderings:
            forms |= _spellings(rendering)
    return forms


ANSWER_FORMS = {function: _answer_forms(function) for function in FUNCTIONS}


def _hints(function: str) -> list[tuple[str, str]]:
    """(mistake name, hint) of every known mistake of a question and every extra mistake of its exercise."""
    named = [(mistake.name, mistake.hint) for mistake in QUESTIONS[function].mistakes]
    named += [(mistake.name, mistake.hint) for mistake in BY_FUNCTION[function].mistakes]
    return sorted(set(named))


def _question_texts(function: str) -> list[str]:
    """Everything a question and its exercise say in words: target, names, examples, title, check docstrings."""
    question, exercise = QUESTIONS[function], BY_FUNCTION[function]
    texts = [question.target, question.start or "", exercise.title]
    texts += [symbol.description for symbol in question.symbols]
    texts += [f"{d.name} = {d.expression}: {d.description}" for d in question.definitions]
    texts += [example.description for example in question.examples]
    texts += [check.function.__doc__ or "" for check in exercise.checks]
    return texts


def _shipped_text(path: Path) -> str:
    """A shipped file without whitespace."""
    return _squashed(path.read_text(encoding="utf-8"))


def _found(forms: set[str], text: str) -> list[str]:
    """The forms that occur in ``text``, in any of its spellings (see :func:`_spellings`)."""
    spellings = _spellings(text)
    return sorted(form for form in forms if any(form in spelling for spelling in spellings))


# -- the matching itself can fail --------------------------------------------------------------------


@pytest.mark.parametrize("function", FUNCTIONS)
def test_answer_forms_are_found_in_the_reference(function):
    """reference/derivations.py holds every answer, so the search must find each question's answer there."""
    reference = (ROOT / "reference" / "derivations.py").read_text(encoding="utf-8")
    if not ANSWER_FORMS[function]:
        assert isinstance(parse_answer(derivation_reference(function), QUESTIONS[function]).tree, Name)
        assert function in REMOVED_FRAGMENTS, f"{function}: a single-name answer needs fragments to look for"
        return
    assert _found(ANSWER_FORMS[function], reference), f"{function}: no form of the answer found in the reference"


def test_spellings_ignore_whitespace_and_explicit_products():
    assert _found({"6t^5"}, "its derivative is 6 t^5.") == ["6t^5"]
    assert _found(_spellings("w + eta*d*x"), "the rule is w + eta d x") == ["w+etadx"]
    assert _found(_spellings("2/M"), "2 / M is the variance") == ["2/M"]
    assert _found(_spellings("mu**2/2"), "mu**2 / 2") == ["mu**2/2"]
    assert _found({r"\frac{2}{M}"}, r"``\\frac{2}{M}`` in a docstring") == [r"\frac{2}{M}"]
    assert not _found({"sqrt(2/M)"}, "sqrt(2/N)")


# -- no answer in hints, question texts or shipped files ----------------------------------------------


@pytest.mark.parametrize("function", FUNCTIONS)
def test_no_hint_contains_a_correct_answer(function):
    """No hint of any question holds the answer to ``function``."""
    leaks = [
        f"{asked}: the hint of {name!r} holds {found}: {hint}"
        for asked in FUNCTIONS
        for name, hint in _hints(asked)
        if (found := _found(ANSWER_FORMS[function], hint))
    ]
    assert not leaks, f"hints hold the answer to {function!r}:\n" + "\n".join(leaks)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_no_question_text_contains_a_correct_answer(function):
    """No question's target, names, examples, title or check docstrings hold the answer to ``function``."""
    leaks = [
        f"{asked}: {text!r} holds {found}"
        for asked in FUNCTIONS
        for text in _question_texts(asked)
        if (found := _found(ANSWER_FORMS[function], text))
    ]
    assert not leaks, f"question texts hold the answer to {function!r}:\n" + "\n".join(leaks)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_no_shipped_file_contains_a_correct_answer(function):
    """No file under grader/, nor the stubs, holds the answer to ``function`` (known overlaps aside)."""
    leaks = [
        f"{where} holds {found}"
        for path in SHIPPED_FILES
        if (where := path.relative_to(ROOT).as_posix(), function) not in ALLOWED_IN_FILES
        and (found := _found(ANSWER_FORMS[function], _shipped_text(path)))
    ]
    assert not leaks, f"shipped files hold the answer to {function!r}:\n" + "\n".join(leaks)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_no_hint_spells_out_a_removed_fragment(function):
    """The answer fragments that hints once gave are in no hint of their own question."""
    leaks = [
        f"the hint of {name!r} gives {fragment!r}: {hint}"
        for name, hint in _hints(function)
        for fragment in REMOVED_FRAGMENTS[function]
        if _squashed(fragment) in _squashed(hint)
    ]
    assert not leaks, f"{function}:\n" + "\n".join(leaks)


def test_every_question_has_removed_fragments_listed():
    assert sorted(REMOVED_FRAGMENTS) == FUNCTIONS
