"""A package's public names, imported from their modules on first use.

A package's ``__init__`` lists where each of its names lives and sets
``__getattr__ = lazy_getattr(__name__, homes, globals())`` (PEP 562): ``from
grader.sandbox import Sandbox`` then imports only ``grader.sandbox.sandbox``,
and importing the package alone imports nothing else. So a command loads only
the modules it uses (``nngrade check`` starts the sandbox's worker before NumPy
and the grading code load).
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping, MutableMapping


def lazy_getattr(package: str, homes: Mapping[str, str], namespace: MutableMapping[str, Any]) -> Callable[[str], Any]:
    """The package's ``__getattr__``: a name of ``homes`` is imported from its module once, then kept in ``namespace``."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    return __getattr__
