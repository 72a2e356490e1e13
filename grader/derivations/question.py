"""A derivation question, declared as data: its names, their domains, its rules.

A question says what a student may write and how answers are judged::

    Question(
        id="sigmoid_derivative",
        target="d sigma / dz",
        symbols=(Symbol("z"),),
        functions=("sigma", "exp"),
        mistakes=(KnownMistake("tanh derivative", hint="...", variant="sigmoid_derivative_tanh"),),
    )

A known mistake is named and explained here, but its wrong answer is not
written here: it lives with the reference code (a :class:`WrongAnswer`), and
reaches the judge only with the correct answer (an answer key in reference
mode, recorded values in a student bundle).

Names are never split: a student who writes ``nin`` means the name ``nin``,
which is an error unless the question declares it. Vectors and matrices have
shapes made of named dimensions (``("n_next", "n")``); sampling draws a size
for each dimension, different sizes for different names, so a missing
transpose cannot pass on square instances.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping

from grader.derivations.domains import DOMAIN_TYPES, REAL, Domain
from grader.errors import InvalidDeclaration

#: Functions the grammar knows, with the number of arguments each takes.
KNOWN_FUNCTIONS: dict[str, int] = {
    "sigma": 1,
    "sigma'": 1,
    "exp": 1,
    "log": 1,
    "ln": 1,
    "sqrt": 1,
    "tanh": 1,
    "cosh": 1,
    "sinh": 1,
    "abs": 1,
    "relu": 1,
    "max": 2,
    "min": 2,
    "transpose": 1,
    "hadamard": 2,
    "diff": 2,
    "sum": 2,
}

#: Spellings that mean the same function.
FUNCTION_ALIASES: dict[str, str] = {"sigma_prime": "sigma'", "ln": "log"}

#: The functions a question allows unless it says otherwise (sigma, exp, log or ln, sqrt, tanh).
DEFAULT_FUNCTIONS: tuple[str, ...] = ("sigma", "exp", "log", "ln", "sqrt", "tanh")

#: Named constants; a question may declare a symbol with the same name, which then wins.
CONSTANTS: tuple[str, ...] = ("pi", "e")


@dataclass(frozen=True)
class Symbol:
    """A name the student may use, with its domain and shape."""

    name: str
    """as the student writes it, for example ``"z_j"``, ``"W_next"``, ``"lambda_max"``"""
    domain: Domain = REAL
    """the values sampling draws for it (entrywise for vectors and matrices unless structured)"""
    shape: tuple[str, ...] = ()
    """``()`` for a scalar, ``("n",)`` for a column vector, ``("m", "n")`` for a matrix"""
    description: str = ""
    """what it stands for, shown in the list of allowed names"""
    aliases: tuple[str, ...] = ()
    """other spellings that mean this symbol, for example ``("W^{l+1}",)``"""

    @property
    def assumptions(self) -> dict[str, bool]:
        """sympy assumptions matching the domain (only used by the symbolic proof)."""
        from grader.derivations.domains import Below, Choice, Integers, Interval, Positive

        domain = self.domain
        if isinstance(domain, Integers):
            return {"integer": True, "positive": domain.lo > 0}
        if isinstance(domain, (Positive, Below)):
            return {"positive": True}
        if isinstance(domain, Interval) and domain.lo >= 0:
            return {"positive": True}
        if isinstance(domain, Choice) and all(v != 0 for v in domain.values):
            return {"real": True, "nonzero": True}
        return {"real": True}


@dataclass(frozen=True)
class Definition:
    """A name that stands for an expression of other names: ``z_j`` is ``sigma(a_j)``.

    Students may use either; sampling computes the defined name from the
    others, so ``1 - z_j`` and ``1 - sigma(a_j)`` are the same answer.
    """

    name: str
    expression: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    """other spellings that mean this name, for example ``("z_j^L",)``"""


@dataclass(frozen=True)
class Dimension:
    """A named size of vectors and matrices, drawn in [lo, hi] at each sample."""

    name: str
    lo: int = 2
    hi: int = 5


@dataclass(frozen=True)
class Index:
    """An index over a dimension: a free index such as ``k`` (drawn at each sample) or a summation index."""

    name: str
    dimension: str
    summation: bool = False
    """True for an index that only appears bound by a sum (``j`` in ``sum_{j != k}``)"""


@dataclass(frozen=True)
class KnownMistake:
    """A known mistake of a question: its name, the hint shown with it, the credit it keeps.

    The wrong answer it stands for is not part of the question (see
    :class:`WrongAnswer`). ``credit`` is the fraction of the check's points it
    still earns (0 unless the question sets partial credit).
    """

    name: str
    hint: str
    variant: str = ""
    """the ``reference.<topic>_mistakes`` function that returns this mistake's answer as a student would"""
    credit: float = 0.0


@dataclass(frozen=True)
class WrongAnswer:
    """A known mistake with the wrong answer it stands for.

    ``text`` is an expression of the question (for a multi-step question, the
    wrong final step). An answer equivalent to it is named in the feedback,
    however it is written. The texts live with the reference code, never in
    what a student bundle ships.
    """

    mistake: KnownMistake
    text: str


@dataclass(frozen=True)
class Example:
    """A worked value: the answer evaluated where the notes (or a simple case) give a number."""

    values: Mapping[str, object]
    """name -> value; vectors and matrices as nested lists; dimensions and free indices by name"""
    description: str


@dataclass(frozen=True, eq=False)
class Question:
    """One derivation question: what may be written and how it is judged.

    Questions compare (and hash) by identity, so parsed answers can be cached per question.
    """

    id: str
    target: str
    """what the answer is, in words or notation, for messages: ``"d sigma / dz"``"""
    symbols: tuple[Symbol, ...]
    functions: tuple[str, ...] = DEFAULT_FUNCTIONS
    definitions: tuple[Definition, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    indices: tuple[Index, ...] = ()
    allow_floats: bool = False
    """whether decimal numbers such as 0.5 are accepted (exact questions ask for 1/2)"""
    rtol: float = 1e-12
    atol: float = 1e-15
    """the tolerance of the sampled comparison, relative to the larger magnitude, and absolute"""
    points: int = 8
    """how many valid random points sampling needs (at least 8)"""
    mistakes: tuple[KnownMistake, ...] = ()
    required_functions: tuple[str, ...] = ()
    """constraint: the answer must use these functions (``sigma`` for 'in terms of sigma')"""
    forbidden_functions: tuple[str, ...] = ()
    """constraint: the answer must not use these functions"""
    start: str | None = None
    """for a multi-step question: the expression the first step must match"""
    min_steps: int = 1
    """for a multi-step question: the fewest different steps accepted, start and target included (a step
    repeated counts once; and no part of a derivation scores unless it starts at ``start`` and ends at the target)"""
    generic_credit: Mapping[str, float] = field(default_factory=dict)
    """partial credit for generic diagnoses, e.g. ``{"constant factor": 0.5}``"""
    time_limit: float = 3.0
    """seconds the whole judgement of one answer may take"""
    examples: tuple[Example, ...] = ()

    def __post_init__(self) -> None:
        where = f"derivation question {self.id!r}"
        if self.points < 8:
            raise InvalidDeclaration(f"{where}: sampling needs at least 8 points, not {self.points}")
        names = [s.name for s in self.symbols] + [d.name for d in self.definitions] + [i.name for i in self.indices]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise InvalidDeclaration(f"{where} declares {duplicates} twice")
        mistake_names = [mistake.name for mistake in self.mistakes]
        twice = sorted({n for n in mistake_names if mistake_names.count(n) > 1})
        if twice:
            raise InvalidDeclaration(f"{where} names two known mistakes {twice}; answers are matched to mistakes by name")
        for name in self.functions + self.required_functions + self.forbidden_functions:
            if FUNCTION_ALIASES.get(name, name) not in KNOWN_FUNCTIONS:
                raise InvalidDeclaration(f"{where}: unknown function {name!r}")
        dims = {d.name for d in self.dimensions}
        for symbol in self.symbols:
            if isinstance(symbol.shape, str) or len(symbol.shape) > 2:
                raise InvalidDeclaration(f"{where}: {symbol.name} needs a shape of at most two dimension names")
            for dim in symbol.shape:
                if dim not in dims:
                    raise InvalidDeclaration(f"{where}: {symbol.name} uses the undeclared dimension {dim!r}")
        for index in self.indices:
            if index.dimension not in dims:
                raise InvalidDeclaration(f"{where}: index {index.name} runs over the undeclared dimension")

    # -- lookups -------------------------------------------------------------------

    def symbol(self, name: str) -> Symbol | None:
        for symbol in self.symbols:
            if symbol.name == name:
                return symbol
        return None

    def mistake(self, name: str) -> KnownMistake | None:
        for mistake in self.mistakes:
            if mistake.name == name:
                return mistake
        return None

    def definition(self, name: str) -> Definition | None:
        for definition in self.definitions:
            if definition.name == name:
                return definition
        return None

    def index(self, name: str) -> Index | None:
        for index in self.indices:
            if index.name == name:
                return index
        return None

    @property
    def allowed_functions(self) -> frozenset[str]:
        """Canonical names of the functions this question allows."""
        return frozenset(FUNCTION_ALIASES.get(name, name) for name in self.functions)

    @property
    def has_arrays(self) -> bool:
        return any(symbol.shape for symbol in self.symbols)

    def allowed_names_text(self) -> str:
        """The allowed names and functions, for error messages."""
        names = [s.name for s in self.symbols] + [d.name for d in self.definitions]
        free = [i.name for i in self.indices if not i.summation]
        parts = [f"names: {', '.join(names)}"]
        if free:
            parts.append(f"indices: {', '.join(free)}")
        shown_functions = sorted(set(self.functions) - {"sum", "diff", "transpose", "hadamard"})
        if shown_functions:
            parts.append(f"functions: {', '.join(shown_functions)}")
        constants = [c for c in CONSTANTS if self.symbol(c) is None and self.definition(c) is None]
        if constants:
            parts.append(f"constants: {', '.join(constants)}")
        return "; ".join(parts)

    def alias_table(self) -> dict[str, str]:
        """Alternative spellings -> declared names, longest first (the tokenizer tries them first)."""
        table: dict[str, str] = {}
        for symbol in (*self.symbols, *self.definitions):
            for alias in symbol.aliases:
                # LaTeX groups become brackets before tokenizing: W^{l+1} arrives as W^(l+1).
                for spelling in (alias, alias.replace("{", "(").replace("}", ")"), alias.replace("{", "").replace("}", "")):
                    table.setdefault(spelling, symbol.name)
        return dict(sorted(table.items(), key=lambda item: -len(item[0])))


# -- as plain data ----------------------------------------------------------------------------

_CLASS = "__class__"
"""the key that names a declaration's class in its plain form"""
_LIST = "__list__"
"""the key of a list (a worked example's vector); a JSON array stands for a tuple, as declarations hold them"""


def question_to_plain(question: Question) -> dict[str, Any]:
    """``question`` as plain data (JSON types only), for the judge's child; :func:`question_from_plain` reads it back.

    Every declaration (the question, its symbols, domains, definitions,
    dimensions, indices, known mistakes and worked examples) becomes a dict
    with its class name under ``"__class__"`` and its fields by name; tuples
    become arrays, and lists (the vectors of worked examples) ``{"__list__": [...]}``.
    """
    return _to_plain(question)


def question_from_plain(data: Any) -> Question:
    """The question :func:`question_to_plain` wrote; ``ValueError`` for anything else.

    Only the declaration classes of this module and the domains of
    :mod:`grader.derivations.domains` are built; tuples and lists come back
    as they were. The question's own checks
    (``__post_init__``) run again.
    """
    question = _from_plain(data, depth=0)
    if not isinstance(question, Question):
        raise ValueError(f"not a question: {type(question).__name__}")
    return question


_PLAIN_CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (Question, Symbol, Definition, Dimension, Index, KnownMistake, Example, *DOMAIN_TYPES)
}
_MAX_PLAIN_DEPTH = 16


def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if _PLAIN_CLASSES.get(name) is not type(value):
            raise TypeError(f"{name} is not a declaration a question may hold")
        fields = {f.name: _to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {_CLASS: name, **fields}
    if isinstance(value, Mapping):
        return {str(key): _to_plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_to_plain(item) for item in value]
    if isinstance(value, list):
        return {_LIST: [_to_plain(item) for item in value]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"a question cannot hold a {type(value).__name__} as plain data")


def _from_plain(data: Any, *, depth: int) -> Any:
    if depth > _MAX_PLAIN_DEPTH:
        raise ValueError("a question's plain form is nested too deeply")
    if isinstance(data, dict) and set(data) == {_LIST} and isinstance(data[_LIST], list):
        return [_from_plain(item, depth=depth + 1) for item in data[_LIST]]
    if isinstance(data, dict):
        items = {key: _from_plain(item, depth=depth + 1) for key, item in data.items() if key != _CLASS}
        if _CLASS not in data:
            return items
        cls = _PLAIN_CLASSES.get(data[_CLASS])
        if cls is None:
            raise ValueError(f"{data[_CLASS]!r} is not a declaration a question may hold")
        try:
            return cls(**items)
        except TypeError as error:
            raise ValueError(f"not a {cls.__name__}: {error}") from None
    if isinstance(data, (list, tuple)):
        return tuple(_from_plain(item, depth=depth + 1) for item in data)
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    raise ValueError(f"a question's plain form cannot hold a {type(data).__name__}")

