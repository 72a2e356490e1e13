"""Strict conversion of a LaTeX answer into the plain syntax.

Students may answer in LaTeX: ``\\sigma(x)\\left(1+y\\right)``,
``\\frac{1}{2}\\left[x^2 + \\log \\mu^2\\right]``,
``\\left(A^\\top u\\right) \\odot v``.
The converter knows a fixed list of commands and rejects every other one
with its position; it never passes LaTeX to a LaTeX engine or to sympy's
LaTeX parser. The result is plain text plus, for each of its characters,
the position in the LaTeX it came from, so errors found while parsing point
at the LaTeX the student wrote.

Known: ``\\frac \\dfrac \\tfrac`` (and ``\\frac{d}{dz}(...)`` as a derivative),
``\\sqrt`` (and ``\\sqrt[n]``), ``\\left \\right \\big ...``, ``\\cdot \\times``,
``\\odot \\circ``, ``\\top \\intercal`` (transpose), ``\\sum`` with
``\\neq``, Greek letters, ``\\exp \\log \\ln \\tanh \\cosh \\sinh \\max \\min``,
``\\operatorname{...} \\mathrm{...} \\mathbf{...} \\boldsymbol{...} \\bm{...} \\vec{...}``,
``\\text{...} \\textrm{...} \\mbox{...}`` holding one word in a subscript (``p_{\\text{data}}``,
``n_\\text{in}``; elsewhere text is rejected with a message saying how to write a name),
and spacing commands. Braces group (they become brackets, except in a
subscript, where they are kept so ``w_{kj}`` stays one name).
"""

from __future__ import annotations

import re

from grader.derivations.errors import AnswerSyntaxError, AnswerTooComplex

MAX_DEPTH = 40
"""nesting of groups, as in the parser"""

_GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau "
    "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega"
).split()
_REPLACEMENTS = {
    "cdot": "*",
    "times": "*",
    "ast": "*",
    "odot": "(.)",
    "circ": "(.)",
    "top": "T",
    "intercal": "T",
    "neq": "!=",
    "ne": "!=",
    "varepsilon": "epsilon",
    "epsilon": "epsilon",
    "varphi": "phi",
    "sum": "sum",
    "exp": "exp",
    "log": "log",
    "ln": "ln",
    "tanh": "tanh",
    "cosh": "cosh",
    "sinh": "sinh",
    "max": "max",
    "min": "min",
    "partial": "d",
}
_SPACES = {",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle"}
_SIZES = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr"}
_FONTS = {"mathbf", "boldsymbol", "bm", "vec", "mathrm", "operatorname", "mathit", "mathsf", "hat", "mathcal"}
_TEXT = {"text", "textrm", "mbox"}
"""text commands: read only as a word in a subscript (``p_{\\text{data}}``)"""
_DELIMITERS = [("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")]


class _Converter:
    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.pos: list[int] = []
        self.depth = 0
        self.subscript = 0
        """how many subscript groups the conversion is inside (``_{...}``)"""

    def error(self, message: str, at: int, length: int = 1) -> AnswerSyntaxError:
        return AnswerSyntaxError(message, text=self.text, position=at, length=length)

    def emit(self, chars: str, at: int) -> None:
        self.out.append(chars)
        self.pos.extend([at] * len(chars))

    # -- groups ------------------------------------------------------------------------

    def group_end(self, i: int) -> int:
        """The index just after the group starting at ``i`` (``{...}`` or one character or command)."""
        text = self.text
        while i < len(text) and text[i] == " ":
            i += 1
        if i >= len(text):
            raise self.error("a group {...} is missing at the end", max(0, len(text) - 1))
        if text[i] == "{":
            depth = 0
            for j in range(i, len(text)):
                if text[j] == "{" and (j == 0 or text[j - 1] != "\\"):
                    depth += 1
                elif text[j] == "}" and text[j - 1] != "\\":
                    depth -= 1
                    if depth == 0:
                        return j + 1
            raise self.error("this '{' is never closed", i)
        if text[i] == "\\":
            match = re.compile(r"\\([A-Za-z]+|.)").match(text, i)
            assert match
            return match.end()
        return i + 1

    def convert_group(self, start: int, end: int) -> None:
        """Convert ``text[start:end]``; a ``{...}`` group's braces are dropped."""
        text = self.text
        while start < end and text[start] == " ":
            start += 1
        if start < end and text[start] == "{" and text[end - 1] == "}":
            self.convert(start + 1, end - 1)
        else:
            self.convert(start, end)

    # -- the main loop -------------------------------------------------------------------

    def convert(self, i: int, end: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise AnswerTooComplex(f"the answer is nested too deeply (more than {MAX_DEPTH} levels)", text=self.text, position=i)
        try:
            self._convert(i, end)
        finally:
            self.depth -= 1

    def _convert(self, i: int, end: int) -> None:
        text = self.text
        while i < end:
            char = text[i]
            if char == "\\":
                i = self.command(i, end)
                continue
            if char in "_^" and i + 1 < end and text[i + 1] == "{":
                # A simple group loses its braces (z_{j} -> z_j, x^{2} -> x^2, W^{T} -> W^T); other
                # subscripts keep them (sum_{j \neq k}), other superscripts become brackets (e^{-z}).
                close = self.group_end(i + 1)
                inner = text[i + 2 : close - 1].strip()
                self.emit(char, i)
                if re.fullmatch(r"[A-Za-z0-9]+", inner):
                    self.emit(inner, i + 2)
                elif inner in ("\\top", "\\intercal"):
                    self.emit("T", i + 2)
                elif char == "_":
                    self.emit("{", i + 1)
                    self.subscript += 1
                    try:
                        self.convert(i + 2, close - 1)
                    finally:
                        self.subscript -= 1
                    self.emit("}", close - 1)
                else:
                    self.emit("(", i + 1)
                    self.convert(i + 2, close - 1)
                    self.emit(")", close - 1)
                i = close
                continue
            if char == "{":
                close = self.group_end(i)
                self.emit("(", i)
                self.convert(i + 1, close - 1)
                self.emit(")", close - 1)
                i = close
                continue
            if char == "}":
                raise self.error("this '}' closes a group that was never opened", i)
            if char in "&%#~|":
                raise self.error(f"{char!r} is not understood in an answer", i)
            self.emit(char, i)
            i += 1

    def command(self, i: int, end: int) -> int:
        text = self.text
        match = re.compile(r"\\([A-Za-z]+|.)").match(text, i)
        if match is None:
            raise self.error("a backslash at the end of the answer", i)
        name = match.group(1)
        after = match.end()
        if name in _SPACES:
            self.emit(" ", i)
            return after
        if name in _SIZES:
            # \left. and \right. are invisible delimiters.
            if after < end and text[after] == ".":
                return after + 1
            if text.startswith("\\{", after) or text.startswith("\\}", after):
                self.emit("(" if text[after + 1] == "{" else ")", after)
                return after + 2
            if after < end and text[after] == "|":
                # \left| x \right| is an absolute value.
                self.emit("abs(" if name == "left" else ")", i)
                return after + 1
            return after
        if name in ("{", "}"):
            self.emit("(" if name == "{" else ")", i)
            return after
        if name in ("frac", "dfrac", "tfrac"):
            return self.fraction(i, after, end)
        if name == "sqrt":
            return self.square_root(i, after, end)
        if name in _FONTS:
            close = self.group_end(after)
            inner_start = after
            while text[inner_start] == " ":
                inner_start += 1
            if text[inner_start] == "{":
                inner = text[inner_start + 1 : close - 1].strip()
                if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", inner):
                    self.emit(inner, inner_start + 1)
                    return close
                self.convert(inner_start + 1, close - 1)
                return close
            self.convert(inner_start, close)
            return close
        if name in _GREEK or name in _REPLACEMENTS:
            word = _REPLACEMENTS.get(name, name)
            # Two names side by side (\pi\sigma) must not merge into one (pisigma).
            if self.out and self.out[-1] and self.out[-1][-1].isalnum() and word[0].isalnum():
                self.emit(" ", i)
            self.emit(word, i)
            # A name followed by a letter needs a space, or the two would read as one name.
            if after < end and re.match(r"[A-Za-z0-9]", text[after]) and word[-1].isalnum():
                self.emit(" ", after)
            return after
        if name in _TEXT:
            return self.text_command(i, after, name)
        raise self.error(f"the LaTeX command \\{name} is not supported in answers", i, after - i)

    def text_command(self, start: int, after: int, name: str) -> int:
        """``\\text{word}`` (``\\textrm``, ``\\mbox``) in a subscript, as in ``p_{\\text{data}}``: the word is part of the name.

        Anywhere else text is not part of an expression, and the message says how to write a name.
        """
        in_subscript = self.subscript > 0 or (self.out and self.out[-1] == "_")
        if not in_subscript:
            raise self.error(
                f"text is not part of an expression: \\{name}{{...}} is read only as a word in a subscript, as in "
                "p_{\\text{data}}; write a name as it is (deg_u, p_data) or with \\mathrm{...} (\\mathrm{deg}_u)",
                start, after - start,
            )
        close = self.group_end(after)
        group = self.text[after:close].strip()
        word = group[1:-1].strip() if group.startswith("{") and group.endswith("}") else ""
        if not re.fullmatch(r"[A-Za-z0-9]+", word):
            raise self.error(
                f"\\{name}{{...}} in a subscript must hold one word of letters and digits, as in p_{{\\text{{data}}}} "
                "or n_{\\text{in}}",
                start, close - start,
            )
        self.emit(word, self.text.index(word, after))
        return close

    def fraction(self, start: int, after: int, end: int) -> int:
        numerator_end = self.group_end(after)
        denominator_end = self.group_end(numerator_end)
        numerator = self.text[after:numerator_end].strip().strip("{}").strip()
        denominator = self.text[numerator_end:denominator_end].strip().strip("{}").strip()
        derivative = re.fullmatch(r"(?:d|\\partial)\s*([A-Za-z][A-Za-z0-9_]*)", denominator)
        if numerator in ("d", "\\partial") and derivative:
            return self.derivative(start, denominator_end, derivative.group(1), end)
        self.emit("((", start)
        self.convert_group(after, numerator_end)
        self.emit(")/(", numerator_end)
        self.convert_group(numerator_end, denominator_end)
        self.emit("))", denominator_end - 1)
        return denominator_end

    def derivative(self, start: int, i: int, variable: str, end: int) -> int:
        """``\\frac{d}{dz}\\left( f \\right)`` -> ``diff((f), z)``."""
        text = self.text
        while i < end and text[i] == " ":
            i += 1
        opening = None
        for token, closing in (("\\left(", "\\right)"), ("\\left[", "\\right]"), ("(", ")"), ("[", "]"), ("{", "}")):
            if text.startswith(token, i):
                opening = (token, closing)
                break
        if opening is None:
            raise self.error("write what is differentiated in brackets right after \\frac{d}{d...}", i)
        token, closing = opening
        depth = 0
        j = i
        close_at = -1
        while j < end:
            if text.startswith(token, j):
                depth += 1
                j += len(token)
                continue
            if text.startswith(closing, j):
                depth -= 1
                if depth == 0:
                    close_at = j
                    break
                j += len(closing)
                continue
            j += 1
        if close_at < 0:
            raise self.error("this bracket is never closed", i, len(token))
        self.emit("diff((", start)
        self.convert(i + len(token), close_at)
        self.emit(f"), {variable})", close_at)
        return close_at + len(closing)

    def square_root(self, start: int, after: int, end: int) -> int:
        text = self.text
        if after < end and text[after] == "[":
            close = text.find("]", after)
            if close < 0:
                raise self.error("the '[' of \\sqrt[n] is never closed", after)
            radicand_end = self.group_end(close + 1)
            self.emit("((", start)
            self.convert_group(close + 1, radicand_end)
            self.emit(")^(1/(", close)
            self.convert(after + 1, close)
            self.emit(")))", close)
            return radicand_end
        radicand_end = self.group_end(after)
        self.emit("sqrt(", start)
        self.convert_group(after, radicand_end)
        self.emit(")", radicand_end - 1)
        return radicand_end


def latex_to_plain(text: str) -> tuple[str, list[int]]:
    """The plain-syntax text of a LaTeX answer and, per character, its position in ``text``.

    The position list has one extra entry (the end of the text).
    """
    start, end = 0, len(text)
    stripped = text.strip()
    offset = text.find(stripped) if stripped else 0
    for opening, closing in _DELIMITERS:
        if stripped.startswith(opening) and stripped.endswith(closing) and len(stripped) >= len(opening) + len(closing):
            start = offset + len(opening)
            end = offset + len(stripped) - len(closing)
            break
    converter = _Converter(text)
    converter.convert(start, end)
    plain = "".join(converter.out)
    positions = converter.pos + [len(text)]
    if "$" in plain:
        raise AnswerSyntaxError("'$' may only open and close the whole answer", text=text, position=text.find("$", start))
    return plain, positions
