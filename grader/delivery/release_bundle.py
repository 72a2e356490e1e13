"""``nngrade release -o DIR``: the student bundle.

DIR is a project students install with pip (``pip install .``), which gives
them the ``nngrade`` command and the pytest plugin, and a folder to work in::

    DIR/
      README.md             how to install, check and submit, and what a submission may import
      pyproject.toml        the course's submission packages (torch only when needed), sympy and pytest
      grader/               the runtime grader (its .py files only)
      grader/recorded_checks/<exercise>.json
                            the recorded data of every public check released
      grader/submission_environment.json
                            the packages a submission may import, for the self-check's sandbox
      exercises/            the stubs, the exercises' data files and nngrade.toml

It holds no reference or solution code, no course file, no salt and no data
of hidden checks: expected values and known-mistake answers of the public
checks are recorded once, here, from the reference code, and the installed
grader finds them by itself (:func:`grader.selfcheck.make_expectations`).
With assignments named (``-a``), only their modules are released.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Sequence

from grader.course import Course
from grader.declarations import Exercise, data_file_contents
from grader.errors import InvalidDeclaration
from grader.delivery.package_files import (
    DeliveryFile,
    TORCH_INDEX_URL,
    installed_package_folder,
    pinned_torch_version,
    project_requirements,
    pyproject_text,
    python_package_files,
    text_file,
    write_folder,
)
from grader.delivery.released_catalog import ReleasedExercise, released_catalog
from grader.delivery.summary import Delivery, DeliveryError
from grader.registry import Registry
from grader.selfcheck import MARKER, RECORDINGS_FOLDER, is_exercise_folder, reference_importable
from grader.submission_environment import (
    ENVIRONMENT_FILE,
    TORCH,
    SubmissionEnvironment,
    default_environment,
    distribution_name,
)

STUDENT_REQUIREMENTS = ("numpy", "sympy", "pytest", "scikit-learn")
"""what the runtime grader needs to run checks and the pytest plugin (no pandas or matplotlib); scikit-learn
holds the digits the training exercise learns; torch is added when a released exercise uses it. The course's
submission packages come on top, at their declared versions"""


def release_environment(exercises: Sequence[Exercise], course: Course | None) -> SubmissionEnvironment:
    """What a submission may import in this release: the course's packages (or the default), torch only when needed."""
    environment = course.environment if course is not None else default_environment()
    return environment.for_exercises(exercises)


def bundle_requirements(environment: SubmissionEnvironment, *, torch: bool) -> list[str]:
    """The bundle's pyproject dependencies: the grader's own needs and the submission packages, one entry a name.

    A declared package wins over the grader's own requirement of the same name
    (``numpy==2.4.6`` over ``numpy>=1.26``); torch, when needed, is the
    declared pin or else nngrade's own.
    """
    grader_needs = project_requirements(only=STUDENT_REQUIREMENTS + ((TORCH,) if torch else ()))
    requirements = {distribution_name(requirement): requirement for requirement in grader_needs}
    for package in environment.packages:
        if distribution_name(package) != TORCH or torch:
            requirements[distribution_name(package)] = package
    return list(requirements.values())


def released_exercises(registry: Registry, course: Course | None, assignments: Sequence[str]) -> list[Exercise]:
    """The exercises a release holds: every one, or those of ``assignments`` (in the course's order)."""
    if not assignments:
        return list(registry)
    if course is None:
        raise DeliveryError("releasing some assignments (-a) needs the course file that defines them; pass --course")
    chosen = {exercise.id for name in assignments for exercise in course.assignment(name).exercises}
    return [exercise for exercise in registry if exercise.id in chosen]


def release_settings(
    exercises: Sequence[Exercise], course: Course | None, assignments: Sequence[str]
) -> dict[str, ReleasedExercise]:
    """Each exercise's points factor and grading limits, as the course grades it (as declared without a course)."""
    settings = {}
    for exercise in exercises:
        factor = 1.0
        for name in assignments:
            assignment = course.assignment(name) if course is not None else None
            if assignment is not None and exercise in assignment.exercises:
                factor = assignment.scale(exercise)
        limits = course.limits.merged(exercise.limits).as_dict() if course is not None else {}
        settings[exercise.id] = ReleasedExercise(factor=factor, limits=limits)
    return settings


def needs_torch(exercises: Sequence[Exercise]) -> bool:
    """Whether a student's code for ``exercises`` needs torch (a scripted class, a weights file, ``uses_torch``)."""
    return any(exercise.uses_torch or exercise.student.scripted for exercise in exercises)


def released_modules(registry: Registry, course: Course | None, assignments: Sequence[str]) -> list[str]:
    """The student modules a release holds: every topic, or the modules of ``assignments``.

    Raises :class:`DeliveryError` when assignments are named without a course file.
    """
    if not assignments:
        return list(registry.topics)
    if course is None:
        raise DeliveryError("releasing some assignments (-a) needs the course file that defines them; pass --course")
    modules: list[str] = []
    for name in assignments:
        modules.extend(course.assignment(name).modules)
    return list(dict.fromkeys(modules))


def find_stub_folder(course: Course | None) -> Path:
    """The course's ``exercises/`` folder: beside the course file, here, or beside the installed grader.

    Raises :class:`DeliveryError` naming the places looked in when there is none.
    """
    candidates = []
    if course is not None:
        candidates.append(course.path.parent / "exercises")
    candidates.append(Path.cwd() / "exercises")
    candidates.append(installed_package_folder("grader").parent / "exercises")
    for folder in dict.fromkeys(candidate.resolve() for candidate in candidates):
        if is_exercise_folder(folder):
            return folder
    looked = ", ".join(str(candidate) for candidate in dict.fromkeys(candidates))
    raise DeliveryError(
        f"no exercises folder with {MARKER} found (looked in {looked}); run nngrade release from the course's folder"
    )


def _stub_files(folder: Path, modules: Sequence[str]) -> list[DeliveryFile]:
    missing = [module for module in modules if not (folder / f"{module}.py").is_file()]
    if missing:
        raise DeliveryError(
            f"{folder} has no stub for {', '.join(f'{module}.py' for module in missing)}; "
            f"write the stubs before releasing"
        )
    files = [DeliveryFile(f"exercises/{module}.py", (folder / f"{module}.py").read_bytes()) for module in modules]
    files.append(DeliveryFile(f"exercises/{MARKER}", (folder / MARKER).read_bytes()))
    return files


def _recording_files(exercises: Sequence[Exercise]) -> list[DeliveryFile]:
    """The recorded public checks of ``exercises``, as files of the bundle's grader package."""
    from grader.expectations import record_public_checks

    with tempfile.TemporaryDirectory(prefix="nngrade-recording-") as scratch:
        written = record_public_checks(exercises, scratch)
        return [DeliveryFile(f"grader/{RECORDINGS_FOLDER}/{path.name}", path.read_bytes()) for path in written]


def _module_table(exercises: Sequence[Exercise], modules: Sequence[str]) -> str:
    rows = ["| module | exercises | public checks | points |", "| --- | --- | --- | --- |"]
    for module in modules:
        mine = [exercise for exercise in exercises if exercise.student.module == module]
        checks = sum(len(exercise.public_checks) for exercise in mine)
        points = sum(check.points for exercise in mine for check in exercise.public_checks)
        rows.append(f"| `{module}.py` | {len(mine)} | {checks} | {points:g} |")
    return "\n".join(rows)


def _limits_text(settings: dict[str, ReleasedExercise]) -> str:
    timed = {
        (limits["cpu_seconds"], limits["wall_seconds"])
        for limits in (setting.limits for setting in settings.values())
        if limits
    }
    if not timed:
        return ""
    shown = "; ".join(f"{cpu:g} s of CPU and {wall:g} s in all" for cpu, wall in sorted(timed))
    return (
        f"Each call of your code may take at most {shown}, as when your work is graded "
        f"(each exercise's limits are in `grader/catalog/`); the self-check tells you when a call comes close."
    )


def _imports_text(environment: SubmissionEnvironment, data_files: Sequence[str]) -> str:
    listed = "\n".join(
        f"- `{module}` (`{requirement}`)" for module, requirement in (environment.imports() or {}).items()
    )
    data = ""
    if data_files:
        shown = ", ".join(f"`{path}`" for path in data_files)
        data = (
            f"\n\nThe exercises' data files ({shown}) are in `exercises/`; your code finds them in its "
            "folder by the same names, read-only."
        )
    return f"""## What your code may import

Your modules may import the Python standard library, each other, and these
packages (installed by `pip install .`, at the versions your work is graded with):

{listed or "- no package besides the standard library"}

Anything else fails with a `ModuleNotFoundError` that names what you may
import, here as when your work is graded. Your code runs in an empty folder
of its own, not in `exercises/`: a file you keep beside your module is not
there, so take what a function needs from its arguments.{data}
"""


def bundle_readme(
    exercises: Sequence[Exercise],
    modules: Sequence[str],
    *,
    torch: bool,
    settings: dict[str, ReleasedExercise],
    environment: SubmissionEnvironment | None = None,
    data_files: Sequence[str] = (),
) -> str:
    """The bundle's README.md: what it is, how to install it, how to check one's work."""
    first = modules[0]
    example = next(exercise.id for exercise in exercises if exercise.student.module == first)
    if torch:
        torch_version = pinned_torch_version()
        install = f"pip install torch=={torch_version} --index-url {TORCH_INDEX_URL}\npip install ."
        fetch = (
            "The first `pip install` fetches the CPU build of torch (small; the default\n"
            "build on Linux carries GPU libraries you do not need). The second installs\n"
            "the grader"
        )
    else:
        install = "pip install ."
        fetch = "This installs the grader"
    return f"""# Neural networks and deep learning: exercises

This folder holds your exercises and the grader that checks them on your own
machine. Your work goes into the modules in `exercises/`:

{_module_table(exercises, modules)}

## Install

You need Python 3.11 or newer on Linux (on Windows, use WSL): the grader
runs your code in a sandbox built on Linux's process isolation. From this
folder:

```sh
python3 -m venv .venv
source .venv/bin/activate
{install}
```

{fetch} with the packages your code may import (below), sympy and pytest, and gives you the `nngrade` command.

{_imports_text(environment or default_environment().for_exercises(exercises), data_files)}
## Work and check

Each function in `exercises/` has a docstring that states the task, the
shapes of its inputs and outputs, and the conventions it follows. Replace
`raise NotImplementedError` with your code, then check it:

```sh
cd exercises
pytest                       # every public check, one test each
pytest {first}.py            # one module
nngrade check                # the same checks as a table with points
nngrade check {example}      # one exercise
nngrade list                 # the exercises, their checks and points
```

`nngrade check` exits with status 0 only when every check passes. A check
that fails tells you what your code returned, what was expected, where the
two differ most, and, when your answer matches a known mistake, its name and
a hint. You may answer with NumPy arrays{', torch tensors' if torch else ''}, lists or numbers.

## What the checks are

These are the **public checks**: they always use the same inputs, and their
expected values were recorded from the course's reference implementations
(they are in `grader/{RECORDINGS_FOLDER}/`). Your code runs in a separate,
limited process, so a loop that never ends or a crash costs one check, not
the run. {_limits_text(settings)}

When your work is graded, the same public checks run again together with
**hidden checks**, on inputs generated for you alone, and only then count
towards your grade. Passing every public check is a good sign, not a
guarantee: make your code correct for every input the docstring allows, not
only for the public ones.

Submit the modules of `exercises/` as your instructor asks (the `.py` files,
a `.zip` of them, or notebooks).
"""


def write_release(
    out: Path,
    *,
    registry: Registry,
    course: Course | None,
    assignments: Sequence[str],
    overwrite: bool,
) -> Delivery:
    """Write the student bundle into ``out``; returns what was written.

    Raises :class:`DeliveryError` when ``out`` is not empty (without
    ``overwrite``), when the reference code needed to record the public checks
    cannot be imported, or when a stub is missing.
    """
    modules = released_modules(registry, course, assignments)
    exercises = released_exercises(registry, course, assignments)
    settings = release_settings(exercises, course, assignments)
    torch = needs_torch(exercises)
    environment = release_environment(exercises, course)
    if not reference_importable():
        raise DeliveryError(
            "the reference code (package 'reference') cannot be imported, so the public checks cannot be "
            "recorded; run nngrade release from the course's checkout"
        )
    stubs = find_stub_folder(course)
    files = [
        file
        for file in python_package_files("grader")
        if not file.path.startswith((f"grader/{RECORDINGS_FOLDER}/", "grader/catalog/"))
    ]
    files += released_catalog(exercises, settings)
    files += _stub_files(stubs, modules)
    try:
        data_files = data_file_contents(exercises, stubs)
    except InvalidDeclaration as exc:
        raise DeliveryError(str(exc)) from None
    files += [DeliveryFile(f"exercises/{path}", data) for path, data in data_files.items()]
    files.append(text_file(f"grader/{ENVIRONMENT_FILE}", json.dumps(environment.as_dict(), indent=2) + "\n"))
    files += _recording_files(exercises)
    files.append(
        text_file(
            "pyproject.toml",
            pyproject_text(
                description="Neural networks and deep learning exercises, with their public checks",
                packages=["grader"],
                requirements=bundle_requirements(environment, torch=torch),
                package_data={"grader": [f"{RECORDINGS_FOLDER}/*.json", ENVIRONMENT_FILE]},
                readme="README.md",
                header="The exercises' grader: `pip install .` gives the `nngrade` command and the pytest plugin.",
            ),
        )
    )
    readme = bundle_readme(
        exercises, modules, torch=torch, settings=settings, environment=environment, data_files=list(data_files)
    )
    files.append(text_file("README.md", readme))
    written = write_folder(out, files, overwrite=overwrite)

    public = sum(len(exercise.public_checks) for exercise in exercises)
    hidden = sum(len(exercise.hidden_checks) for exercise in exercises)
    return Delivery(
        path=written,
        lines=(
            f"released {len(modules)} modules ({', '.join(modules)}): {len(exercises)} exercises, "
            f"{public} public checks recorded ({hidden} hidden checks left out, their code too)",
            "torch required" if torch else "torch not required (no released exercise uses it)",
            "no reference or solution code, no course file, no salt",
            f"students install it with `pip install .` in {written.name}/ and run `pytest` in exercises/",
        ),
    )
