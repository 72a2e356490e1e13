"""The pieces every delivery is built from: package files, a pyproject, a folder or a zip.

A delivery is a list of :class:`DeliveryFile` (a relative path, its bytes, and
whether it is executable), gathered from the installed packages
(:func:`python_package_files`) and from text the writers generate
(:func:`pyproject_text`), then written all at once: into a folder that
replaces the old one only when it is complete (:func:`write_folder`), or into
a zip that replaces the old one only when it is complete (:func:`write_zip`).
Both refuse to overwrite anything unless asked to, and never replace a folder
that holds the course itself.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import shutil
import stat
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Iterable, Mapping, Sequence

from grader.delivery.summary import DeliveryError

DISTRIBUTION = "nngrade"
"""the name nngrade is installed under; its requirements are the deliveries' requirements"""

TORCH = "torch"

TORCH_INDEX_URL = "https://download.pytorch.org/whl/cpu"
"""PyTorch's index of CPU builds: the torch deliveries install"""

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""every zip member gets this time, so the same files always give the same zip"""


@dataclass(frozen=True)
class DeliveryFile:
    """One file of a delivery."""

    path: str
    """where it goes, relative to the delivery's top, with ``/``"""
    data: bytes
    executable: bool = False
    """whether it is a program (``run_autograder``, ``setup.sh``): written with mode 755 instead of 644"""


def text_file(path: str, text: str, *, executable: bool = False) -> DeliveryFile:
    """A :class:`DeliveryFile` holding ``text`` as UTF-8."""
    return DeliveryFile(path, text.encode("utf-8"), executable)


def installed_package_folder(package: str) -> Path:
    """The folder of the importable package ``package``.

    Raises :class:`DeliveryError` when it cannot be imported from here.
    """
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise DeliveryError(
            f"the package {package!r} cannot be imported here; build deliveries from the course's checkout, "
            f"where nngrade is installed (`pip install -e .`)"
        )
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def python_package_files(package: str) -> list[DeliveryFile]:
    """Every ``.py`` file of the installed package ``package``, under ``<package>/``, in path order.

    Only Python sources are taken: no ``__pycache__``, and no data left in the
    package folder (a bundle's recorded checks, a build's leftovers).
    """
    folder = installed_package_folder(package)
    files = []
    for path in sorted(folder.rglob("*.py")):
        relative = path.relative_to(folder)
        if "__pycache__" in relative.parts:
            continue
        files.append(DeliveryFile(f"{package}/{relative.as_posix()}", path.read_bytes()))
    if not any(file.path == f"{package}/__init__.py" for file in files):
        raise DeliveryError(f"{folder} holds no __init__.py: it is not the {package!r} package nngrade needs")
    return files


def project_version() -> str:
    """The installed nngrade's version (the deliveries carry the same)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


def project_requirements(*, only: Iterable[str] | None = None) -> list[str]:
    """The installed nngrade's own requirements (no extras), limited to the names in ``only``.

    Raises :class:`DeliveryError` when nngrade's metadata is missing, a name in
    ``only`` is not required, or torch is not pinned to one version with ``==``
    (a delivery must install exactly the torch the references were checked with).
    """
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        raise DeliveryError(
            f"the {DISTRIBUTION} distribution is not installed, so its requirements are unknown; "
            f"install it from the course's checkout with `pip install -e .`"
        ) from None
    requirements = [requirement.strip() for requirement in declared if ";" not in requirement]
    if only is not None:
        wanted = [_requirement_name(name) for name in only]
        by_name = {_requirement_name(requirement): requirement for requirement in requirements}
        missing = [name for name in wanted if name not in by_name]
        if missing:
            raise DeliveryError(
                f"{DISTRIBUTION} does not require {', '.join(missing)}; its requirements are: {', '.join(requirements)}"
            )
        requirements = [by_name[name] for name in wanted]
    torch = [requirement for requirement in requirements if _requirement_name(requirement) == TORCH]
    for requirement in torch:
        if not re.fullmatch(r"torch\s*==\s*[0-9][0-9A-Za-z.+]*", requirement):
            raise DeliveryError(
                f"{DISTRIBUTION} requires {requirement!r}, which is not one pinned version; "
                f"pin torch in pyproject.toml (torch==X.Y.Z) and reinstall nngrade"
            )
    return requirements


def pinned_torch_version() -> str:
    """The one torch version nngrade is pinned to (``2.13.0`` for ``torch==2.13.0``)."""
    (requirement,) = project_requirements(only=[TORCH])
    return requirement.split("==", 1)[1].strip()


def _toml_string(value: str) -> str:
    """``value`` as a TOML basic string (escaping what TOML requires)."""
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_value(value: object) -> str:
    """A string, number, boolean or list of them as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def toml_key(key: str) -> str:
    """A TOML key: bare when it can be, else quoted (``"perceptron.train"``)."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def pyproject_text(
    *,
    description: str,
    packages: Sequence[str],
    requirements: Sequence[str],
    package_data: Mapping[str, Sequence[str]] | None = None,
    readme: str | None = None,
    header: str = "",
) -> str:
    """A ``pyproject.toml`` for nngrade's ``packages``: its ``nngrade`` command and pytest plugin included.

    ``package_data`` maps a package to globs of data files it ships;
    ``readme`` names the project's README; ``header`` is a comment put on top.
    """
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    if lines:
        lines.append("")
    lines += [
        "[build-system]",
        'requires = ["setuptools>=68", "wheel"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f"name = {toml_value(DISTRIBUTION)}",
        f"version = {toml_value(project_version())}",
        f"description = {toml_value(description)}",
    ]
    if readme:
        lines.append(f"readme = {toml_value(readme)}")
    lines += [
        'requires-python = ">=3.11"',
        "dependencies = [",
        *(f"    {toml_value(requirement)}," for requirement in requirements),
        "]",
        "",
        "[project.scripts]",
        'nngrade = "grader.cli:main"',
        "",
        "[project.entry-points.pytest11]",
        'nngrade = "grader.pytest_plugin"',
        "",
        "[tool.setuptools.packages.find]",
        f"include = {toml_value([f'{package}*' for package in packages])}",
    ]
    if package_data:
        lines += ["", "[tool.setuptools.package-data]"]
        lines += [f"{toml_key(package)} = {toml_value(list(globs))}" for package, globs in package_data.items()]
    return "\n".join(lines) + "\n"


# -- writing ----------------------------------------------------------------------


def _protected_folders() -> list[Path]:
    """Folders a delivery must never replace: the working directory and the course checkout."""
    folders = [Path.cwd().resolve()]
    try:
        folders.append(installed_package_folder("grader").parent)
    except DeliveryError:
        pass
    return folders


def _check_replaceable(out: Path, *, overwrite: bool) -> None:
    """Raise :class:`DeliveryError` unless ``out`` is absent, empty, or may be replaced."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise DeliveryError(f"{out} exists and is not a folder; choose another output folder")
    for folder in _protected_folders():
        if out == folder or out in folder.parents:
            raise DeliveryError(
                f"refusing to write {out}: it is or holds {folder} (the course or the working folder), which a "
                f"delivery must never replace; choose an output folder of its own"
            )
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise DeliveryError(f"{out} is not empty; choose an empty or new folder, or pass --force to replace it")


def write_folder(out: Path, files: Iterable[DeliveryFile], *, overwrite: bool) -> Path:
    """Write ``files`` as the folder ``out``; returns ``out`` (resolved).

    The files are written into a new folder beside ``out`` that then takes its
    place, so an interrupted run never leaves half a delivery. An existing
    non-empty ``out`` is replaced only with ``overwrite``. Raises
    :class:`DeliveryError` when ``out`` may not be written.
    """
    out = Path(out).resolve()
    _check_replaceable(out, overwrite=overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.{secrets.token_hex(4)}.partial")
    try:
        staging.mkdir()
        for file in files:
            target = staging.joinpath(*PurePosixPath(file.path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.data)
            target.chmod(0o755 if file.executable else 0o644)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def write_zip(zip_path: Path, files: Iterable[DeliveryFile], *, overwrite: bool) -> Path:
    """Write ``files`` as the zip ``zip_path``, at its top level; returns ``zip_path`` (resolved).

    Members are in path order, with fixed times and Unix modes (755 for
    executables), so unpacking keeps ``run_autograder`` runnable and the same
    files give the same zip. The zip is written beside ``zip_path`` and renamed
    over it when complete. Raises :class:`DeliveryError` when ``zip_path``
    exists (without ``overwrite``) or is a folder.
    """
    zip_path = Path(zip_path).resolve()
    if zip_path.is_dir():
        raise DeliveryError(f"{zip_path} is a folder; give the path of the .zip file to write")
    if zip_path.exists() and not overwrite:
        raise DeliveryError(f"{zip_path} exists; choose another file name, or pass --force to replace it")
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    partial = zip_path.with_name(f".{zip_path.name}.{secrets.token_hex(4)}.partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(files, key=lambda one: one.path):
                info = zipfile.ZipInfo(file.path, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                mode = 0o755 if file.executable else 0o644
                info.external_attr = (stat.S_IFREG | mode) << 16
                archive.writestr(info, file.data)
        os.replace(partial, zip_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return zip_path
