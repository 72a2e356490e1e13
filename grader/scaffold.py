"""``nngrade new exercise TOPIC.NAME``: the files of a new exercise, with the conventions filled in.

An exercise lives in six places: the NumPy reference (``reference/<topic>.py``),
its torch twin (``reference/<topic>_torch.py``), its known mistakes
(``reference/<topic>_mistakes.py``), the student's stub (``exercises/<topic>.py``),
the solution (``solutions/<topic>.py``) and its declaration
(``grader/catalog/<topic>.py``, a new topic also listed in
``grader/catalog/__init__.py``). For a new topic each file is written; for an
existing one the new function, mistakes, checks and declaration are appended
and the declaration is added to the topic's ``EXERCISES``.

What the author writes is marked ``TODO``: every body that computes raises
``NotImplementedError("TODO: ...")`` (the stub's plain ``raise
NotImplementedError`` is what the student replaces), so the invariant tests of
``tests/test_invariants.py`` fail, naming the TODO, until the author has written
them. The generated function takes one array ``x``; the author changes the
signature in all six places together when the exercise needs another one.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from grader.errors import NngradeError

_ID = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$")


@dataclass(frozen=True)
class Written:
    """One file the scaffold wrote: created, or appended to."""

    path: Path
    created: bool


def new_exercise(exercise_id: str, root: Path, *, title: str | None = None) -> list[Written]:
    """Write the files of the exercise ``TOPIC.NAME`` under the project ``root``; return what was written.

    Refuses, changing nothing, an id that is not ``topic.name`` in lower case,
    a root without the project's folders, and a name already defined in the topic.
    """
    match = _ID.match(exercise_id)
    if not match:
        raise NngradeError(
            f"'{exercise_id}' is not an exercise id: write TOPIC.NAME in lower case letters, digits and "
            "underscores, for example 'perceptron.predict'"
        )
    topic, name = match.groups()
    root = Path(root)
    catalog = root / "grader" / "catalog"
    for folder in (root / "reference", root / "exercises", root / "solutions", catalog):
        if not folder.is_dir():
            raise NngradeError(
                f"{folder} does not exist: run 'nngrade new exercise' in the course project's folder "
                "(the one with reference/, exercises/, solutions/ and grader/catalog/), or give it with --root"
            )
    title = title or f"TODO: the title of {exercise_id}"
    files = {
        "reference": root / "reference" / f"{topic}.py",
        "torch": root / "reference" / f"{topic}_torch.py",
        "mistakes": root / "reference" / f"{topic}_mistakes.py",
        "stub": root / "exercises" / f"{topic}.py",
        "solution": root / "solutions" / f"{topic}.py",
        "catalog": catalog / f"{topic}.py",
    }
    for path in files.values():
        if path.exists() and _defines(path, {name, f"check_{name}_worked_example", name.upper()}):
            raise NngradeError(f"{path} already defines {name}: choose another name for the exercise")
    registry = catalog / "__init__.py"
    registered = _topics(registry)
    new_topic = topic not in registered
    if new_topic and any(path.exists() for path in files.values()):
        existing = ", ".join(str(path) for path in files.values() if path.exists())
        raise NngradeError(
            f"topic '{topic}' is not listed in {registry}, but {existing} exists: list it in TOPIC_MODULES "
            "or remove the file, then run the command again"
        )

    parts = _parts(topic, name, title)
    written: list[Written] = []
    for role, path in files.items():
        created = not path.exists()
        if created:
            tail = f"\n\nEXERCISES: tuple[Exercise, ...] = ({name.upper()},)\n" if role == "catalog" else ""
            path.write_text(parts[role]["head"] + parts[role]["body"] + tail)
        elif role == "catalog":
            _append_to_catalog(path, parts[role]["body"], name.upper())
        else:
            text = path.read_text()
            path.write_text(text.rstrip("\n") + "\n\n\n" + parts[role]["body"].lstrip("\n"))
        written.append(Written(path, created))
    if new_topic:
        _register(registry, topic)
        written.append(Written(registry, False))
    return written


# -- reading and editing the existing files ----------------------------------------------------


def _defines(path: Path, names: set[str]) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names:
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(target, ast.Name) and target.id in names for target in targets):
                return True
    return False


def _tuple_node(tree: ast.Module, name: str, path: Path) -> ast.Tuple:
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and isinstance(node.value, ast.Tuple):
                return node.value
    raise NngradeError(f"{path} has no tuple {name} = (...): add the new entry to it by hand")


def _topics(registry: Path) -> list[str]:
    tree = ast.parse(registry.read_text(), filename=str(registry))
    return [item.value for item in _tuple_node(tree, "TOPIC_MODULES", registry).elts if isinstance(item, ast.Constant)]


def _add_to_tuple(text: str, node: ast.Tuple, entry: str) -> str:
    """``text`` with ``entry`` added as the last item of the tuple ``node`` (which ends in ``)``)."""
    lines = text.splitlines(keepends=True)
    end = sum(len(line) for line in lines[: node.end_lineno - 1]) + node.end_col_offset - 1  # the ')'
    before = text[:end].rstrip()
    if node.lineno != node.end_lineno and before.endswith(","):
        return before + f"\n    {entry},\n" + text[end:]
    separator = " " if before.endswith(",") or before.endswith("(") else ", "
    return before + separator + entry + text[end:]


def _register(registry: Path, topic: str) -> None:
    text = registry.read_text()
    node = _tuple_node(ast.parse(text), "TOPIC_MODULES", registry)
    registry.write_text(_add_to_tuple(text, node, f'"{topic}"'))


def _append_to_catalog(path: Path, body: str, constant: str) -> None:
    """Add the checks and the declaration before the topic's EXERCISES, and the declaration to it."""
    text = path.read_text()
    tree = ast.parse(text, filename=str(path))
    node = _tuple_node(tree, "EXERCISES", path)
    statement = next(n for n in tree.body if getattr(n, "value", None) is node)
    text = _add_to_tuple(text, node, constant)
    lines = text.splitlines(keepends=True)
    head, tail = "".join(lines[: statement.lineno - 1]), "".join(lines[statement.lineno - 1 :])
    needed = []
    source = ast.unparse(tree)
    if "import numpy as np" not in source:
        needed.append("import numpy as np\n")
    if "from grader.trial import Trial" not in source:
        needed.append("from grader.trial import Trial\n")
    for imported in ("Check", "Exercise", "Mistake", "StudentFunction"):
        if not re.search(rf"from grader\.declarations import[^\n]*\b{imported}\b", source):
            needed.append(f"from grader.declarations import {imported}\n")
    if needed:
        last_import = max(n.end_lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)))
        head_lines = head.splitlines(keepends=True)
        head = "".join(head_lines[:last_import]) + "".join(needed) + "".join(head_lines[last_import:])
    path.write_text(head.rstrip("\n") + "\n\n" + body.strip("\n") + "\n\n\n" + tail)


# -- what is written ----------------------------------------------------------------------------

_DOC = '''"""TODO: one line saying what {name} computes, with its formula.

    TODO: the conventions a student needs (what each value means, the
    notation of the course notes) and an example worked by hand.

    Parameters
    ----------
    x : ndarray of shape (n,)
        TODO: what x is

    Returns
    -------
    TODO: the answer's type and shape, for example "float" or "ndarray of shape (n,), float64"
    """'''


def _parts(topic: str, name: str, title: str) -> dict[str, dict[str, str]]:
    doc = _DOC.format(name=name)
    constant = name.upper()
    mistakes = f"reference.{topic}_mistakes"
    return {
        "reference": {
            "head": f'"""TODO: what the {topic} references compute (course notes TODO).\n\n'
            "The grader compares every student answer with these functions: formulas in\n"
            'the docstrings, shapes in the parameters, float64 throughout.\n"""\n\n'
            "from __future__ import annotations\n\nimport numpy as np\n",
            "body": f"\n\ndef {name}(x: np.ndarray):\n    {doc}\n"
            f'    raise NotImplementedError("TODO: write the reference {name} in reference/{topic}.py")\n',
        },
        "torch": {
            "head": f'"""The {topic} references in torch; they must agree with :mod:`reference.{topic}`.\n\n'
            'Same conventions; everything is computed in float64.\n"""\n\n'
            "from __future__ import annotations\n\nimport torch\n",
            "body": f"\n\ndef {name}(x) -> torch.Tensor:\n"
            f'    """The torch twin of :func:`reference.{topic}.{name}`: same inputs, same answer."""\n'
            f'    raise NotImplementedError("TODO: write the torch reference {name} in reference/{topic}_torch.py")\n',
        },
        "mistakes": {
            "head": f'"""Known mistakes in the {topic} exercises, each a variant of a reference.\n\n'
            "Every function has the signature of the reference it varies; the exercise\n"
            f'declarations in ``grader/catalog/{topic}.py`` name them with a hint.\n"""\n\n'
            "from __future__ import annotations\n\nimport numpy as np\n",
            "body": f"\n\n# -- {name} " + "-" * max(4, 80 - len(name)) + "\n"
            + "".join(
                f"\n\ndef {name}_mistake_{i}(x):\n"
                f'    """TODO: the wrong answer a student gives, in one line."""\n'
                f'    raise NotImplementedError("TODO: write mistake {i} of {name} in reference/{topic}_mistakes.py")\n'
                for i in (1, 2, 3)
            ),
        },
        "stub": {
            "head": f'"""TODO: the {topic} exercises (course notes TODO).\n\n'
            "TODO: the conventions every function of this module uses.\n\n"
            "Replace each ``raise NotImplementedError`` with your code, then run\n"
            f'``pytest`` in this folder (or ``nngrade check {topic}``).\n"""\n\nimport numpy as np\n',
            "body": f"\n\ndef {name}(x):\n    {doc}\n    raise NotImplementedError\n",
        },
        "solution": {
            "head": f'"""TODO: the {topic} exercises (course notes TODO).\n\n'
            "TODO: the conventions every function of this module uses.\n\n"
            "Replace each ``raise NotImplementedError`` with your code, then run\n"
            f'``pytest`` in this folder (or ``nngrade check {topic}``).\n"""\n\nimport numpy as np\n',
            "body": f"\n\ndef {name}(x):\n    {doc}\n"
            f'    raise NotImplementedError("TODO: write the solution {name} in solutions/{topic}.py")\n',
        },
        "catalog": {
            "head": f'"""TODO: the {topic} exercises, and which inputs discriminate the mistakes students make."""\n\n'
            "from __future__ import annotations\n\nimport numpy as np\n\n"
            "from grader.declarations import Check, Exercise, Mistake, StudentFunction\n"
            "from grader.trial import Trial\n",
            "body": f'''

# -- {topic}.{name} {"-" * max(4, 76 - len(topic) - len(name))}


def {name}_inputs(rng: np.random.Generator) -> np.ndarray:
    """An input x for {name}: float64, shape (n,) with n from 3 to 8.

    TODO: draw inputs on which the right answer differs from every known mistake.
    """
    return rng.normal(size=int(rng.integers(3, 9)))


def check_{name}_worked_example(t: Trial) -> None:
    """'{name}' on two inputs worked by hand: TODO say which, as in the notes."""
    for x in (np.array([1.0, 2.0, 3.0]), np.array([-0.5, 0.25])):
        t.expect_close(t.student(x), t.reference(x), name=f"{name}(x={{x.tolist()}})")


def check_{name}_random_inputs(t: Trial) -> None:
    """'{name}' is right on three random inputs of different lengths (TODO: say what they exercise)."""
    for _ in range(3):
        x = {name}_inputs(t.rng)
        t.expect_close(t.student(x), t.reference(x), name="{name}(x)")


def check_{name}_hidden_inputs(t: Trial) -> None:
    """'{name}' is right on new inputs (TODO: say what they exercise, without their values)."""
    for _ in range(3):
        x = {name}_inputs(t.rng)
        t.expect_close(t.student(x), t.reference(x), name="{name}(x)")


{constant} = Exercise(
    id="{topic}.{name}",
    title="{title}",
    notes="TODO: where in the course notes",
    student=StudentFunction("{topic}", "{name}"),
    reference="reference.{topic}:{name}",
    torch_reference="reference.{topic}_torch:{name}",
    checks=(
        Check(check_{name}_worked_example, points=1),
        Check(check_{name}_random_inputs, points=2),
        Check(check_{name}_hidden_inputs, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "TODO: mistake 1",
            "TODO: hint 1, what the mistake is and how to fix it, addressed to the student",
            "{mistakes}:{name}_mistake_1",
        ),
        Mistake(
            "TODO: mistake 2",
            "TODO: hint 2, what the mistake is and how to fix it, addressed to the student",
            "{mistakes}:{name}_mistake_2",
        ),
        Mistake(
            "TODO: mistake 3",
            "TODO: hint 3, what the mistake is and how to fix it, addressed to the student",
            "{mistakes}:{name}_mistake_3",
        ),
    ),
)
''',
        },
    }
