"""``nngrade gradescope -a ASSIGNMENT -o FILE.zip``: a Gradescope autograder for one assignment.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once
to build its image, and runs ``run_autograder`` for every submission. The zip
holds, at its top::

    setup.sh          a Python environment with the pinned torch (CPU build) and the grader
    run_autograder    grades /autograder/submission, writes /autograder/results/results.json
    pyproject.toml    the grader as a project pip installs, with nngrade's requirements
    course.toml       the assignment's grading data: its exercises, their points as the
                      course file scales them, the grading salt and the sandbox's limits
    grader/           the grader (its .py files)
    reference/        the reference implementations the checks compare against

The zip holds the salt and the reference code, so it is the instructor's
alone: Gradescope keeps it private, and so must the instructor. pip installs
only the grader into the environment; ``reference/`` stays in the source
folder, which student code is kept out of. What ``run_autograder`` runs is
:mod:`grader.delivery.gradescope_run`.

Gradescope applies the assignment's own late policy to the score; the course
file's due date and late policy are not part of the zip.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

from grader.course import Assignment, Course, load_course
from grader.delivery.package_files import (
    TORCH_INDEX_URL,
    DeliveryFile,
    pinned_torch_version,
    project_requirements,
    pyproject_text,
    python_package_files,
    text_file,
    toml_key,
    toml_value,
    write_zip,
)
from grader.delivery.gradescope_run import COURSE_FILE, FAULT_ADVICE, ROOT_ENVIRONMENT
from grader.delivery.summary import Delivery, DeliveryError
from grader.records import LatePolicy
from grader.registry import load_registry
from grader.selfcheck import RECORDINGS_FOLDER, reference_importable

FALLBACK_MESSAGE = "The autograder failed before it could grade your submission (exit status $status). " + FAULT_ADVICE
"""what run_autograder reports when the grader does not even start (the shell fills in ``$status``)"""

VENV_FOLDER = "/opt/nngrade-venv"
"""the Python environment setup.sh makes: outside /autograder, which Gradescope manages"""


def grading_course_text(course: Course, assignment: Assignment) -> str:
    """``course.toml`` for the autograder: ``assignment`` alone, with the salt and the limits, without dates."""
    name = toml_key(assignment.name)
    lines = [
        "# The grading data of one assignment, written by `nngrade gradescope` for its Gradescope autograder.",
        "# It holds the course's grading salt: keep it, and the zip it came in, private.",
        "# Gradescope applies the assignment's late policy, so no due date or late policy is kept here.",
        f"salt = {toml_value(course.salt)}",
        "",
        "[sandbox]",
        *(f"{key} = {toml_value(value)}" for key, value in course.limits.as_dict().items()),
        "",
        "[submission]",
        f"packages = [{', '.join(toml_value(package) for package in course.environment.packages)}]",
        "",
        f"[assignments.{name}]",
        f"title = {toml_value(assignment.title)}",
        "exercises = [",
        *(f"    {toml_value(exercise.id)}," for exercise in assignment.exercises),
        "]",
    ]
    if assignment.points:
        lines += ["", f"[assignments.{name}.points]"]
        lines += [f"{toml_key(exercise_id)} = {toml_value(points)}" for exercise_id, points in assignment.points.items()]
    return "\n".join(lines) + "\n"


def _checked_course_text(course: Course, assignment: Assignment) -> str:
    """:func:`grading_course_text`, read back to prove it grades exactly as the course file does."""
    text = grading_course_text(course, assignment)
    with tempfile.TemporaryDirectory(prefix="nngrade-gradescope-") as scratch:
        path = Path(scratch) / COURSE_FILE
        path.write_text(text, encoding="utf-8")
        copy = load_course(path, load_registry())
    expected = dataclasses.replace(assignment.info(), due=None, late=LatePolicy())
    if (
        copy.salt != course.salt
        or copy.limits != course.limits
        or copy.environment != course.environment
        or list(copy.assignments) != [assignment.name]
        or copy.assignment(assignment.name).info() != expected
    ):
        raise DeliveryError(
            f"the grading data written for assignment {assignment.name!r} of {course.path} does not read back "
            f"the same; this is a fault in nngrade, please report it"
        )
    return text


def setup_script(torch_version: str) -> str:
    """``setup.sh``: the Python environment Gradescope builds once, with ``torch==<torch_version>``."""
    return f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image
# (after unpacking the zip into /autograder/source). It makes a Python
# environment with the one torch nngrade is pinned to (the CPU build), then
# installs the grader from this folder with pip, with its requirements.
#
# To try it elsewhere: {ROOT_ENVIRONMENT} replaces /autograder,
# NNGRADE_VENV the environment's folder, and NNGRADE_TORCH_INDEX_URL the
# index torch comes from (set it empty to use pip's own configuration).
set -euo pipefail

root="${{{ROOT_ENVIRONMENT}:-/autograder}}"
venv="${{NNGRADE_VENV:-{VENV_FOLDER}}}"
torch_index="${{NNGRADE_TORCH_INDEX_URL-{TORCH_INDEX_URL}}}"

python=""
for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \\
        && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then
    # nngrade needs Python 3.11 or newer; Ubuntu 22.04's python3 is 3.10, and its archive has 3.11.
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3.11 python3.11-venv
    python=python3.11
fi

if ! "$python" -m venv "$venv"; then
    # Debian and Ubuntu ship the venv module as a package of its own.
    version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "python$version-venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
fi

if [ -n "$torch_index" ]; then
    "$venv/bin/python" -m pip install --index-url "$torch_index" "torch=={torch_version}"
else
    "$venv/bin/python" -m pip install "torch=={torch_version}"
fi
"$venv/bin/python" -m pip install "$root/source"
"$venv/bin/python" -c "import grader, numpy, pandas, sympy, torch
assert torch.__version__.split('+')[0] == '{torch_version}', torch.__version__"
echo "nngrade autograder: Python environment ready in $venv"
"""


def run_script() -> str:
    """``run_autograder``: grade one submission; write a results.json that says so if even that fails."""
    return f"""#!/usr/bin/env bash
# Gradescope runs this for every submission: nngrade grades the files in
# /autograder/submission on every check of the assignment, public and hidden,
# in its sandbox, and writes /autograder/results/results.json. Should the
# grader not even start, this script writes a results.json that says so:
# Gradescope always gets one.
#
# To try it elsewhere: {ROOT_ENVIRONMENT} replaces /autograder, and
# NNGRADE_PYTHON the Python of the environment setup.sh made.
root="${{{ROOT_ENVIRONMENT}:-/autograder}}"
python="${{NNGRADE_PYTHON:-${{NNGRADE_VENV:-{VENV_FOLDER}}}/bin/python}}"

# Run from source/, so that this zip's grader and reference code are the ones imported.
cd "$root/source" && {ROOT_ENVIRONMENT}="$root" "$python" -m grader.delivery.gradescope_run
status=$?
if [ "$status" -ne 0 ]; then
    mkdir -p "$root/results"
    partial="$root/results/.results.json.$$"
    cat > "$partial" <<EOF
{{"score": 0.0, "execution_time": 0.0, "tests": [],
 "output": {json.dumps(FALLBACK_MESSAGE)},
 "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden",
 "extra_data": {{"grader_exit_status": $status}}}}
EOF
    mv -f "$partial" "$root/results/results.json"
fi
exit 0
"""


def write_gradescope_autograder(zip_path: Path, *, course: Course, assignment: str, overwrite: bool) -> Delivery:
    """Write the Gradescope autograder zip of ``assignment`` to ``zip_path``; returns what was written.

    Raises :class:`~grader.course.CourseFileError` for an unknown assignment and
    :class:`DeliveryError` when ``zip_path`` exists (without ``overwrite``) or
    the reference code cannot be imported.
    """
    chosen = course.assignment(assignment)
    if not reference_importable():
        raise DeliveryError(
            "the reference code (package 'reference') cannot be imported, and the autograder grades against it; "
            "run nngrade gradescope from the course's checkout"
        )
    files: list[DeliveryFile] = [
        file for file in python_package_files("grader") if not file.path.startswith(f"grader/{RECORDINGS_FOLDER}/")
    ]
    files += python_package_files("reference")
    files.append(text_file(COURSE_FILE, _checked_course_text(course, chosen)))
    # The exercises' data files, where grading finds them: exercises/ beside the course file.
    files += [
        DeliveryFile(f"exercises/{path}", data)
        for path, data in course.grading_options(chosen)["data_files"].items()
    ]
    files.append(
        text_file(
            "pyproject.toml",
            pyproject_text(
                description=f"nngrade's Gradescope autograder for assignment {chosen.name}",
                # reference/ is left out on purpose: installed, student code could import it.
                packages=["grader"],
                requirements=project_requirements(),
                header="setup.sh installs the grader from here; reference/ and course.toml stay in this folder.",
            ),
        )
    )
    files.append(text_file("setup.sh", setup_script(pinned_torch_version()), executable=True))
    files.append(text_file("run_autograder", run_script(), executable=True))
    written = write_zip(zip_path, files, overwrite=overwrite)

    info = chosen.info()
    checks = [check for exercise in info.exercises for check in exercise.checks]
    hidden = sum(check.hidden for check in checks)
    return Delivery(
        path=written,
        lines=(
            f"assignment {chosen.name} ({chosen.title}): {len(info.exercises)} exercises, {len(checks)} checks "
            f"({len(checks) - hidden} public, {hidden} hidden), {info.max_score:g} points",
            f"upload {written.name} as the autograder of a Gradescope programming assignment worth "
            f"{info.max_score:g} points",
            "Gradescope applies its own late policy: set it on the assignment; the course file's is not used",
            "the zip holds the grading salt and the reference code: keep it private",
        ),
    )
