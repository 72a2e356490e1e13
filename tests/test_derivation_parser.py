"""Reading derivation answers: the grammar, names, shapes, LaTeX, positions, guards.

The parser is nngrade's own (never eval, sympify or parse_expr); these tests
drive it as the checks do, through :func:`parse_answer`, and compare trees.
"""

from __future__ import annotations

import time

import pytest

from grader.derivations import (
    AnswerRejected,
    AnswerSyntaxError,
    AnswerTooComplex,
    Definition,
    Dimension,
    FloatNotAllowed,
    FunctionNotAllowed,
    Index,
    Question,
    ShapeMismatch,
    Symbol,
    UnknownName,
    parse_answer,
    parse_chain,
)
from grader.derivations.domains import PLUS_MINUS_ONE, Positive, SymmetricZeroDiagonal
from grader.derivations.tree import Binary, Call, Indexed, Name, Number, Sum, Transpose

SCALAR = Question(
    id="parser-scalar",
    target="f",
    symbols=(Symbol("z"), Symbol("x"), Symbol("y"), Symbol("n"), Symbol("i"), Symbol("nin_total"), Symbol("sigma_w", Positive())),
    functions=("sigma", "sigma'", "exp", "log", "ln", "sqrt", "tanh", "cosh", "abs", "max", "diff"),
)
FLOATS = Question(id="parser-floats", target="f", symbols=(Symbol("z"),), allow_floats=True)
MATRIX = Question(
    id="parser-matrix",
    target="delta",
    symbols=(
        Symbol("W", shape=("m", "n"), aliases=("W^{l+1}",)),
        Symbol("d", shape=("m",)),
        Symbol("a", shape=("n",)),
    ),
    definitions=(Definition("z", "sigma(a)"),),
    dimensions=(Dimension("n"), Dimension("m")),
    functions=("sigma", "sigma'"),
)
INDEXED = Question(
    id="parser-indexed",
    target="E' - E",
    symbols=(Symbol("w", SymmetricZeroDiagonal(), shape=("N", "N")), Symbol("y", PLUS_MINUS_ONE, shape=("N",))),
    dimensions=(Dimension("N", 3, 6),),
    indices=(Index("k", "N"), Index("j", "N", summation=True)),
    functions=(),
)


def tree(text: str, question: Question = SCALAR):
    return parse_answer(text, question).tree


def same(a: str, b: str, question: Question = SCALAR) -> bool:
    return tree(a, question) == tree(b, question)


def rejected(text: str, question: Question = SCALAR) -> AnswerRejected:
    with pytest.raises(AnswerRejected) as raised:
        parse_answer(text, question)
    return raised.value


# -- the grammar -----------------------------------------------------------------------------


def test_a_call_followed_by_a_bracket_is_a_product_of_two_calls():
    parsed = tree("sigma(z)(1-sigma(z))")
    assert isinstance(parsed, Binary) and parsed.op == "*" and parsed.implicit
    assert parsed.left == Call("sigma", (Name("z"),))
    assert parsed.right == Binary("-", Number(1, "1"), Call("sigma", (Name("z"),)))


@pytest.mark.parametrize(
    ("written", "meaning"),
    [
        ("2x", "2*x"),
        ("x y", "x*y"),
        ("2 x y + 3", "((2*x)*y) + 3"),
        ("1/2x", "(1/2)*x"),
        ("x^2^3", "x^(2^3)"),
        ("x**2", "x^2"),
        ("-x^2", "-(x^2)"),
        ("x^-1", "x^(-1)"),
        ("(x+1)(x-1)", "(x+1)*(x-1)"),
        ("x(y+1)", "x*(y+1)"),
        ("sigma z", "sigma(z)"),
        ("log x^2", "log(x^2)"),
        ("cosh^2(z)", "cosh(z)^2"),
        ("e^x", "e^(x)"),
        ("[x + 1] y", "(x + 1)*y"),
        ("{x + 1} y", "(x + 1)*y"),
        ("x·y", "x*y"),
        ("x − y", "x - y"),
        ("x²", "x^2"),
        ("σ(z)", "sigma(z)"),
        ("sigma_prime(z)", "sigma'(z)"),
        ("ln(x)", "log(x)"),
    ],
)
def test_precedence_and_notation(written, meaning):
    assert same(written, meaning)


def test_names_are_never_split():
    error = rejected("nin")
    assert isinstance(error, UnknownName)
    assert "unknown name 'nin'" in error.message
    assert "n*i*n" in error.message  # a hint, not a reading
    assert "names: z, x, y, n, i, nin_total, sigma_w" in error.message
    assert same("nin_total", "nin_total") and isinstance(tree("nin_total"), Name)
    assert isinstance(rejected("xy"), UnknownName)
    assert tree("x y") == Binary("*", Name("x"), Name("y"))


def test_undeclared_names_list_the_allowed_ones():
    error = rejected("sigmoid(z)")
    assert "write sigma(...)" in error.message
    assert "functions: abs, cosh, exp, ln, log, max, sigma, sigma', sqrt, tanh" in error.message
    assert isinstance(rejected("q + z"), UnknownName)


def test_a_declared_symbol_shadows_a_function_name():
    assert isinstance(tree("sigma_w^2"), Binary)
    q = Question(id="kl", target="kl", symbols=(Symbol("sigma", Positive()),), functions=("log",))
    assert tree("sigma^2", q) == Binary("^", Name("sigma"), Number(2, "2"))
    assert tree("sigma(1)", q) == Binary("*", Name("sigma"), Number(1, "1"))


def test_functions_must_be_allowed():
    q = Question(id="no-exp", target="f", symbols=(Symbol("z"),), functions=("sigma",))
    error = rejected("exp(z)", q)
    assert isinstance(error, FunctionNotAllowed)
    assert "allowed: sigma" in error.message


def test_floats_only_where_allowed():
    error = rejected("0.5*z")
    assert isinstance(error, FloatNotAllowed)
    assert "1/2" in error.message
    assert tree("0.5*z", FLOATS) == Binary("*", Number(0.5, "0.5", True), Name("z"))
    assert parse_answer("1e-3 z", FLOATS).plain == "1e-3*z"


def test_equations_are_steps_not_answers():
    assert isinstance(rejected("x = y"), AnswerSyntaxError)
    parts = parse_chain("x + x = 2 x = x*2", SCALAR)
    assert [p.plain for p in parts] == ["x + x", "2*x", "x*2"]


def test_derivatives_in_steps():
    assert tree("diff(x^2, x)") == tree(r"\frac{d}{dx}\left(x^2\right)")
    assert isinstance(rejected("diff(x^2, q)"), UnknownName)


# -- vectors, matrices, indices and sums ---------------------------------------------------------


def test_transpose_and_hadamard():
    parsed = tree("W^T d (.) sigma'(a)", MATRIX)
    assert parsed == Binary(
        "hadamard", Binary("*", Transpose(Name("W")), Name("d")), Call("sigma'", (Name("a"),))
    )
    for spelling in (
        "(W^T d) ⊙ sigma'(a)",
        "(W^T d) .* sigma'(a)",
        "hadamard(W^T d, sigma'(a))",
        "transpose(W) @ d (.) sigma'(a)",
        "W^{T} d (.) sigma'(a)",
    ):
        assert tree(spelling, MATRIX) == parsed, spelling
    assert parse_answer("W^T d", MATRIX).shape == ("n", 1)
    assert parse_answer("d^T W", MATRIX).shape == (1, "n")
    assert parse_answer("a^T a", MATRIX).shape == ()


def test_shape_errors_point_at_the_product():
    error = rejected("W d (.) sigma'(a)", MATRIX)
    assert isinstance(error, ShapeMismatch)
    assert "is a transpose missing" in error.message
    assert error.position == 0 and error.length == len("W d")
    assert "two column vectors" in rejected("(W^T d) sigma'(a)", MATRIX).message
    assert "equal shapes" in rejected("d (.) a", MATRIX).message
    assert "powers of vectors" in rejected("a^2", MATRIX).message
    assert isinstance(rejected("a + d", MATRIX), ShapeMismatch)


def test_aliases_and_definitions():
    assert same("W^{l+1}^T d", "W^T d", MATRIX)
    assert same(r"(W^{l+1})^\top d", "W^T d", MATRIX)
    assert parse_answer("z (.) (1 - z)", MATRIX).shape == ("n", 1)


def test_indices_and_sums():
    written = tree("2 y_k sum_{j != k} w_kj y_j", INDEXED)
    assert written == tree("2*y[k]*sum(w[k,j]*y[j], j != k)", INDEXED)
    assert written == tree(r"2 y_k \sum_{j \neq k} w_{kj} y_j", INDEXED)
    body = written.right
    assert isinstance(body, Sum) and body.index == "j" and body.exclude == "k"
    assert body.body == Binary("*", Indexed("w", ("k", "j")), Indexed("y", ("j",)))
    # The sum covers the product after it, not what follows a + or -.
    assert tree("sum_j w_kj y_j + y_k", INDEXED) == Binary("+", tree("sum_j w_kj y_j", INDEXED), Indexed("y", ("k",)))
    assert same("sum_{j=1}^{N} w_kj", "sum_j w_kj", INDEXED)


def test_index_errors():
    assert "is an index" in rejected("k y_k", INDEXED).message
    assert "only" in rejected("2 y_k y_j", INDEXED).message or "summation index" in rejected("2 y_k y_j", INDEXED).message
    assert "already the index of an enclosing sum" in rejected("sum_j sum_j w_jj", INDEXED).message
    assert isinstance(rejected("sum(sum(sum(sum(y_j, j), j), j), j)", INDEXED), AnswerTooComplex)
    assert "is a fixed index" in rejected("sum_k y_k", INDEXED).message
    assert "whole range" in rejected("sum_{j=2}^{N} y_j", INDEXED).message
    assert "has 2 indices, not 1" in rejected("w_k", INDEXED).message
    assert "not made of the indices" in rejected("w_kq", INDEXED).message


# -- LaTeX ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"\sigma(z)\left(1-\sigma(z)\right)", "sigma(z)*(1 - sigma(z))"),
        (r"\frac{e^{-z}}{(1+e^{-z})^2}", "e^(-z)/(1 + e^(-z))^2"),
        (r"\frac12 x", "1/2*x"),
        (r"\sqrt{x^2 + 1}", "sqrt(x^2 + 1)"),
        (r"\sqrt[3]{x}", "x^(1/3)"),
        (r"\frac{1}{4\cosh^2(z/2)}", "1/(4*cosh(z/2)^2)"),
        (r"x \cdot y", "x*y"),
        (r"$x \times y$", "x*y"),
        (r"\(x + y\)", "x + y"),
        (r"\log \sigma_w^{2}", "log(sigma_w^2)"),
        (r"\exp\left(-\frac{x^2}{2}\right)", "exp(-(x^2/2))"),
        (r"\left[x + 1\right]^2", "(x + 1)^2"),
        (r"x\,y\;z", "x*y*z"),
        (r"\operatorname{sigma}(z)", "sigma(z)"),
        (r"\mathbf{x}^\top", "x^T"),
        (r"\left| x - y \right|", "abs(x - y)"),
    ],
)
def test_latex_is_converted(latex, plain):
    question = SCALAR if "^\\top" not in latex else Question(id="t", target="t", symbols=(Symbol("x", shape=("n",)),), dimensions=(Dimension("n"),), functions=())
    assert parse_answer(latex, question).plain == plain


@pytest.mark.parametrize(
    ("latex", "message"),
    [
        (r"\input{/etc/passwd}", r"\input is not supported"),
        (r"\frac{1}", "a group {...} is missing"),
        (r"\text{hello}", "text is not part"),
        (r"x }", "never opened"),
        (r"x \cdot $y$", "'$' may only"),
    ],
)
def test_latex_is_strict(latex, message):
    assert message in rejected(latex).message


NAMED = Question(id="parser-named", target="D", symbols=(Symbol("p_data", Positive()), Symbol("p_g", Positive()), Symbol("deg_u"), Symbol("n_in")))


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"\frac{p_{\text{data}}}{p_{\text{data}} + p_g}", "p_data/(p_data + p_g)"),
        (r"p_{\mathrm{data}}", "p_data"),
        (r"p_{\operatorname{data}}", "p_data"),
        (r"p_{\textrm{data}} + n_\text{in} + n_\mbox{in}", "p_data + n_in + n_in"),
        (r"\mathrm{deg}_u", "deg_u"),
        (r"\operatorname{deg}_{u}", "deg_u"),
    ],
)
def test_a_multi_letter_subscript_may_be_written_in_text_mathrm_or_operatorname(latex, plain):
    assert parse_answer(latex, NAMED).plain == plain


@pytest.mark.parametrize(
    ("latex", "message"),
    [
        (r"\text{deg}_u", r"write a name as it is (deg_u, p_data) or with \mathrm{...} (\mathrm{deg}_u)"),
        (r"\text{p_data}", r"read only as a word in a subscript, as in p_{\text{data}}"),
        (r"p_{\text{da ta}}", r"in a subscript must hold one word of letters and digits"),
    ],
)
def test_text_elsewhere_is_rejected_with_how_to_write_the_name(latex, message):
    error = rejected(latex, NAMED)
    assert isinstance(error, AnswerSyntaxError) and message in error.message, error.message


def test_latex_errors_point_into_the_latex():
    error = rejected(r"\frac{1}{q}")
    assert isinstance(error, UnknownName)
    assert error.position == r"\frac{1}{q}".index("q")


# -- positions and rendering --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("sigma(z)(1 - sigma(z)", 8),
        ("x + + ", 4),
        ("x + qq", 4),
        ("x 2", 2),
        ("x + 1)", 5),
        ("2 * ", 2),
        ("x # y", 2),
    ],
)
def test_syntax_errors_point_at_the_position(text, position):
    error = rejected(text)
    assert error.position == position, error.describe()
    pointer = error.describe().splitlines()[-1]
    assert pointer.index("^") - 4 == position


@pytest.mark.parametrize(
    "text",
    [
        "sigma(z)*(1 - sigma(z))",
        "x - (y - z)",
        "x/(y*z)",
        "(x/y)*z",
        "x^(y^z)",
        "(x^y)^z",
        "-(x + y)",
        "x*(-y)",
        "2^(-1)",
        "exp(-z)/(1 + exp(-z))^2",
        "1/2*x",
        "abs(x - y) + max(x, 1)",
    ],
)
def test_rendering_reads_back_to_the_same_tree(text):
    expression = parse_answer(text, SCALAR)
    assert parse_answer(expression.plain, SCALAR).tree == expression.tree
    assert parse_answer(expression.latex, SCALAR).tree == expression.tree


def test_rendering_of_arrays_and_sums_reads_back():
    for text, question in (("W^T d (.) sigma'(a)", MATRIX), ("2 y_k sum_{j != k} w_kj y_j", INDEXED)):
        expression = parse_answer(text, question)
        assert parse_answer(expression.plain, question).tree == expression.tree
        assert parse_answer(expression.latex, question).tree == expression.tree


def test_read_back_shows_how_implicit_products_were_read():
    expression = parse_answer("1/2x", SCALAR)
    assert expression.plain == "1/2*x"
    assert expression.latex == r"\frac{1}{2} x"
    assert "read as: 1/2*x" in expression.read_as()


# -- hostile input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("__import__('os').getcwd()", AnswerSyntaxError),
        ("().__class__", AnswerSyntaxError),
        ("x.__dict__", AnswerSyntaxError),
        ("lambda x: x", AnswerSyntaxError),
        ("9**9**9", AnswerTooComplex),
        ("9^9^9", AnswerTooComplex),
        ("x^(9^9)", AnswerTooComplex),
        ("(10^15)^100", AnswerTooComplex),
        ("123456789012345678", AnswerTooComplex),
        ("(" * 100 + "x" + ")" * 100, AnswerTooComplex),
        ("-" * 200 + "x", AnswerTooComplex),
        ("x" + "+x" * 450, AnswerTooComplex),
        ("x" * 2000, AnswerTooComplex),
        ("еxp(z)", AnswerSyntaxError),
        ("x\x00", AnswerSyntaxError),
        ("x'", UnknownName),
    ],
)
def test_hostile_input_is_rejected_before_anything_is_computed(text, kind):
    started = time.perf_counter()
    error = rejected(text)
    assert isinstance(error, kind), error.describe()
    assert time.perf_counter() - started < 1.0


def test_a_lookalike_letter_is_named():
    error = rejected("еxp(z)")
    assert "CYRILLIC SMALL LETTER IE" in error.message and error.position == 0


def test_floats_with_huge_exponents_are_rejected():
    assert isinstance(rejected("1e999999 z", FLOATS), AnswerTooComplex)


def test_non_strings_are_not_answers():
    with pytest.raises(AnswerSyntaxError):
        parse_answer(0.25, SCALAR)  # type: ignore[arg-type]
