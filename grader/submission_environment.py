"""What a submission may import: the packages a course declares, with their versions.

A course declares them once, in its course file::

    [submission]
    packages = ["numpy==2.4.6", "torch==2.13.0", "scikit-learn==1.9.1"]

Besides these, a student's modules may import the standard library and each
other. The student bundle installs exactly these packages (torch only when an
exercise of the release needs it) and lists them in its README; grading and
the self-check run every call under the same rule: an import *from a student's
module* of anything else fails with a ``ModuleNotFoundError`` that names what
is allowed. What the libraries import themselves is never refused.

A package is declared by its distribution name (what ``pip install`` takes);
its import name can differ (``scikit-learn`` is imported as ``sklearn``):
:func:`import_name` knows the common ones and otherwise reads the installed
package's ``top_level.txt``, falling back to the name with ``-`` as ``_``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from grader.errors import InvalidDeclaration

DEFAULT_PACKAGES = ("numpy", "torch", "scikit-learn")
"""what a course that declares nothing allows: what its exercises and solutions use (NumPy, torch) and
scikit-learn, whose digits the training exercises learn"""

TORCH = "torch"

ENVIRONMENT_FILE = "submission_environment.json"
"""the file in the grader package where a student bundle records the packages it allows"""

KNOWN_IMPORT_NAMES = {
    "scikit-learn": "sklearn",
    "scikit-image": "skimage",
    "pillow": "PIL",
    "pyyaml": "yaml",
    "opencv-python": "cv2",
    "opencv-python-headless": "cv2",
    "beautifulsoup4": "bs4",
    "python-dateutil": "dateutil",
    "torch-geometric": "torch_geometric",
}
"""distributions whose import name is not their name with ``-`` written as ``_``"""

_REQUIREMENT = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*"
    r"(?P<spec>(?:===|==|~=|!=|>=|<=|>|<)\s*[A-Za-z0-9.*+!]+(?:\s*,\s*(?:===|==|~=|!=|>=|<=|>|<)\s*[A-Za-z0-9.*+!]+)*)?$"
)


def distribution_name(requirement: str) -> str:
    """The normalised distribution name of ``"scikit-learn>=1.4"``: ``scikit-learn``."""
    match = _REQUIREMENT.match(requirement.strip())
    name = match.group("name") if match else requirement.strip()
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.lru_cache(maxsize=64)
def import_name(distribution: str) -> str:
    """The top-level module a distribution is imported as (``scikit-learn``: ``sklearn``)."""
    name = distribution_name(distribution)
    if name in KNOWN_IMPORT_NAMES:
        return KNOWN_IMPORT_NAMES[name]
    if name not in DEFAULT_PACKAGES:
        from importlib import metadata

        try:
            listed = metadata.distribution(name).read_text("top_level.txt") or ""
        except (metadata.PackageNotFoundError, OSError, ValueError):
            listed = ""
        tops = [line.strip() for line in listed.splitlines() if line.strip() and not line.startswith("_")]
        if len(tops) == 1:
            return tops[0]
    return name.replace("-", "_")


def validate_packages(values: Any, *, where: str) -> tuple[str, ...]:
    """The declared requirements, checked; raise :class:`InvalidDeclaration` naming ``where`` and the fix."""
    example = '["numpy==2.4.6", "torch==2.13.0"]'
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise InvalidDeclaration(f"{where}: must be a list of packages with their versions, e.g. packages = {example}")
    seen: dict[str, str] = {}
    for value in values:
        match = _REQUIREMENT.match(value.strip())
        if match is None:
            raise InvalidDeclaration(
                f"{where}: {value!r} is not a package with a version; write it as pip does, e.g. 'numpy==2.4.6'"
            )
        if not match.group("spec"):
            raise InvalidDeclaration(
                f"{where}: {value!r} has no version; write the version grading uses, e.g. '{value.strip()}==1.2.3' "
                "(pip show <package> tells you which is installed)"
            )
        name = distribution_name(value)
        if name in seen:
            raise InvalidDeclaration(f"{where}: {name} is declared twice ({seen[name]!r} and {value!r})")
        if name == TORCH and not re.fullmatch(r"torch\s*==\s*[0-9][0-9A-Za-z.+]*", value.strip()):
            raise InvalidDeclaration(f"{where}: {value!r}: torch must be pinned to one version, e.g. 'torch==2.13.0'")
        seen[name] = value.strip()
    return tuple(seen.values())


@dataclass(frozen=True)
class SubmissionEnvironment:
    """The packages a submission may import (with the standard library and its own modules)."""

    packages: tuple[str, ...]
    """requirements as pip reads them, e.g. ``("numpy==2.4.6", "torch==2.13.0")``"""
    unrestricted: bool = False
    """whether every installed module may be imported: only for the grader's own code run in a sandbox
    child (the derivation judge), never for a student's"""

    def for_exercises(self, exercises: Iterable[Any]) -> "SubmissionEnvironment":
        """This environment for a set of exercises: torch only when one of them needs it."""
        if any(exercise.uses_torch or exercise.student.scripted for exercise in exercises):
            return self
        return self.without_torch()

    def without_torch(self) -> "SubmissionEnvironment":
        kept = tuple(package for package in self.packages if distribution_name(package) != TORCH)
        return SubmissionEnvironment(kept, unrestricted=self.unrestricted)

    def imports(self) -> dict[str, str] | None:
        """Import name to the requirement that provides it (what the sandbox's child allows); None: anything."""
        if self.unrestricted:
            return None
        return {import_name(package): package for package in self.packages}

    def described(self) -> str:
        """The allowed imports in words: ``numpy, sklearn (scikit-learn) and the standard library``."""
        return describe_imports(self.imports() or {})

    def as_dict(self) -> dict[str, Any]:
        return {"packages": list(self.packages)}

    def installed_problems(self) -> list[str]:
        """Each declared package this Python does not have at a declared version, in words (empty: none).

        Student code imports what is installed where it runs: grading on a
        machine whose packages differ from the declared ones grades with
        other versions than the students' bundle installs.
        """
        from importlib import metadata

        problems = []
        for package in self.packages:
            name = distribution_name(package)
            try:
                installed = metadata.version(name)
            except metadata.PackageNotFoundError:
                problems.append(f"{package} is declared but {name} is not installed")
                continue
            match = _REQUIREMENT.match(package.strip())
            wanted = match.group("spec") if match else None
            if wanted and not _satisfies(installed, wanted):
                problems.append(f"{package} is declared but {name} {installed} is installed")
        return problems


def _satisfies(version: str, specifier: str) -> bool:
    """Whether ``version`` meets ``specifier`` (``==2.4.6``, ``>=1.26,<3``); True when it cannot be told."""
    try:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import InvalidVersion, Version
    except ImportError:  # packaging comes with pytest; without it, nothing is claimed
        return True
    try:
        return SpecifierSet(specifier.replace(" ", "")).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return True


def describe_imports(allowed: Mapping[str, str]) -> str:
    """``numpy, sklearn (scikit-learn) and the standard library`` for ``{"numpy": ..., "sklearn": ...}``."""
    names = []
    for module, requirement in allowed.items():
        distribution = distribution_name(requirement)
        names.append(module if distribution.replace("-", "_") == module.lower() else f"{module} ({distribution})")
    return ", ".join(names) + " and the standard library" if names else "the standard library"


UNRESTRICTED = SubmissionEnvironment((), unrestricted=True)
"""for the grader's own code in a sandbox child: it imports what it needs"""


@functools.lru_cache(maxsize=1)
def default_environment() -> SubmissionEnvironment:
    """What a course that declares no ``[submission]`` allows: :data:`DEFAULT_PACKAGES`, at nngrade's own versions."""
    from importlib import metadata

    try:
        required = metadata.requires("nngrade") or []
    except metadata.PackageNotFoundError:
        required = []
    versions = {distribution_name(requirement): requirement.strip() for requirement in required if ";" not in requirement}
    return SubmissionEnvironment(tuple(versions.get(name, name) for name in DEFAULT_PACKAGES))


def read_environment(data: Any, *, where: str) -> SubmissionEnvironment:
    """A :class:`SubmissionEnvironment` from a recorded ``{"packages": [...]}``; raise :class:`InvalidDeclaration`."""
    if not isinstance(data, Mapping):
        raise InvalidDeclaration(f"{where}: must hold {{\"packages\": [...]}}")
    return SubmissionEnvironment(validate_packages(data.get("packages"), where=f"{where}: packages"))
