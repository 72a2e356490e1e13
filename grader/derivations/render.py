"""An expression read back to the student, as plain text and as LaTeX.

Feedback always shows how an answer was read, so a student who typed
``1/2x`` sees ``1/2*x`` (``\\frac{1}{2} x``) and knows that the grader did
not read ``1/(2x)``. Brackets are added only where precedence needs them.
"""

from __future__ import annotations

import re

from grader.derivations.tree import Binary, Call, Diff, Indexed, Name, Negate, Node, Number, Sum, Transpose

_PRECEDENCE = {"+": 1, "-": 1, "hadamard": 2, "*": 3, "/": 3, "neg": 4, "^": 5}
_ATOM = 6

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa", "lambda", "mu",
    "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega", "Delta", "Gamma", "Lambda",
    "Sigma", "Phi", "Omega",
}


def _precedence(node: Node) -> int:
    if isinstance(node, Binary):
        return _PRECEDENCE[node.op]
    if isinstance(node, Negate):
        return _PRECEDENCE["neg"]
    if isinstance(node, Sum):
        return _PRECEDENCE["*"]
    return _ATOM


# -- plain text -------------------------------------------------------------------------------


def to_plain_text(node: Node) -> str:
    """The expression in the plain syntax students type, with explicit ``*``."""
    if isinstance(node, Number):
        return node.text
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Indexed):
        if all(len(i) == 1 for i in node.indices):
            return f"{node.base}_{''.join(node.indices)}"
        return f"{node.base}[{', '.join(node.indices)}]"
    if isinstance(node, Call):
        return f"{node.function}({', '.join(to_plain_text(a) for a in node.args)})"
    if isinstance(node, Negate):
        return "-" + _wrap_plain(node.operand, _PRECEDENCE["neg"], strict=False)
    if isinstance(node, Transpose):
        return _wrap_plain(node.operand, _ATOM, strict=False) + "^T"
    if isinstance(node, Sum):
        bound = node.index if node.exclude is None else f"{{{node.index} != {node.exclude}}}"
        return f"sum_{bound} " + _wrap_plain(node.body, _PRECEDENCE["*"], strict=False)
    if isinstance(node, Diff):
        return f"diff({to_plain_text(node.body)}, {node.variable})"
    if isinstance(node, Binary):
        p = _PRECEDENCE[node.op]
        if node.op == "^":
            return _wrap_plain(node.left, p, strict=True) + "^" + _wrap_plain(node.right, p, strict=False)
        symbol = {"+": " + ", "-": " - ", "*": "*", "/": "/", "hadamard": " (.) "}[node.op]
        right_strict = node.op in ("-", "/", "hadamard") or node.op == "*" and isinstance(node.right, Binary) and node.right.op == "/"
        right = _wrap_plain(node.right, p, strict=right_strict)
        if node.op in ("*", "/", "hadamard") and isinstance(node.right, Negate):
            right = f"({right})"  # x*-y reads badly, and x -y in LaTeX reads as a difference
        return _wrap_plain(node.left, p, strict=False) + symbol + right
    raise TypeError(type(node).__name__)


def _wrap_plain(node: Node, parent: int, *, strict: bool) -> str:
    text = to_plain_text(node)
    mine = _precedence(node)
    if mine < parent or (strict and mine == parent):
        return f"({text})"
    return text


# -- LaTeX ------------------------------------------------------------------------------------


def latex_name(name: str) -> str:
    """``lambda_max`` -> ``\\lambda_{max}``, ``z_j`` -> ``z_{j}``, ``sigma'`` -> ``\\sigma'``."""
    prime = "'" if name.endswith("'") else ""
    name = name.rstrip("'")
    base, _, subscript = name.partition("_")
    base_tex = f"\\{base}" if base in _GREEK else (base if len(base) == 1 else f"\\mathrm{{{base}}}")
    if subscript:
        subscript_tex = ",".join(latex_name(part) if part in _GREEK else part for part in subscript.split("_"))
        return f"{base_tex}{prime}_{{{subscript_tex}}}"
    return base_tex + prime


_FUNCTION_TEX = {
    "exp": "\\exp",
    "log": "\\log",
    "tanh": "\\tanh",
    "cosh": "\\cosh",
    "sinh": "\\sinh",
    "max": "\\max",
    "min": "\\min",
    "sigma": "\\sigma",
    "sigma'": "\\sigma'",
    "relu": "\\operatorname{ReLU}",
}


def to_latex(node: Node) -> str:
    """The expression in LaTeX."""
    if isinstance(node, Number):
        return node.text
    if isinstance(node, Name):
        return {"pi": "\\pi", "e": "e"}.get(node.name, latex_name(node.name))
    if isinstance(node, Indexed):
        return f"{latex_name(node.base)}_{{{''.join(node.indices)}}}"
    if isinstance(node, Call):
        args = [to_latex(a) for a in node.args]
        if node.function == "sqrt":
            return f"\\sqrt{{{args[0]}}}"
        if node.function == "abs":
            return f"\\left|{args[0]}\\right|"
        if node.function == "transpose":
            return f"\\left({args[0]}\\right)^{{\\top}}"
        if node.function == "hadamard":
            return f"\\left({args[0]} \\odot {args[1]}\\right)"
        return f"{_FUNCTION_TEX[node.function]}\\left({', '.join(args)}\\right)"
    if isinstance(node, Negate):
        return "-" + _wrap_latex(node.operand, _PRECEDENCE["neg"], strict=False)
    if isinstance(node, Transpose):
        return _wrap_latex(node.operand, _ATOM, strict=False) + "^{\\top}"
    if isinstance(node, Sum):
        bound = node.index if node.exclude is None else f"{node.index} \\neq {node.exclude}"
        return f"\\sum_{{{bound}}} " + _wrap_latex(node.body, _PRECEDENCE["*"], strict=False)
    if isinstance(node, Diff):
        return f"\\frac{{d}}{{d{latex_name(node.variable)}}}\\left({to_latex(node.body)}\\right)"
    if isinstance(node, Binary):
        if node.op == "/":
            return f"\\frac{{{to_latex(node.left)}}}{{{to_latex(node.right)}}}"
        if node.op == "^":
            base = _wrap_latex(node.left, _PRECEDENCE["^"], strict=True)
            if isinstance(node.left, Call) and node.left.function != "sqrt":
                base = f"\\left({to_latex(node.left)}\\right)"
            return f"{base}^{{{to_latex(node.right)}}}"
        p = _PRECEDENCE[node.op]
        left = _wrap_latex(node.left, p, strict=False)
        right = _wrap_latex(node.right, p, strict=node.op in ("-", "hadamard"))
        if isinstance(node.right, Negate):
            right = f"\\left({right}\\right)"
        if node.op == "*":
            # Two digits side by side would read as one number.
            joiner = " \\cdot " if re.search(r"\d$", left) and re.match(r"[\d-]", right) else " "
            return left + joiner + right
        symbol = {"+": " + ", "-": " - ", "hadamard": " \\odot "}[node.op]
        return left + symbol + right
    raise TypeError(type(node).__name__)


def _wrap_latex(node: Node, parent: int, *, strict: bool) -> str:
    text = to_latex(node)
    mine = _precedence(node)
    if isinstance(node, Binary) and node.op == "/":
        mine = _ATOM  # \frac is self-delimiting
    if mine < parent or (strict and mine == parent):
        return f"\\left({text}\\right)"
    return text
