"""The ``nngrade`` command.

``nngrade list`` shows the exercises, their checks and points; ``nngrade check``
runs the public checks on a student's folder and prints a compact table, the
total and the feedback of every check that did not pass.

Exit status of ``check``: 0 full marks, 1 anything less, 2 a usage error
(unknown exercise, missing folder), 3 a grader fault left a check unscored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from grader.errors import NngradeError
from grader.feedback import results_table
from grader.registry import load_registry
from grader.results import Status
from grader.runner import grade_exercise
from grader.seeds import SeedPolicy
from grader.selfcheck import find_student_folder, make_expectations
from grader.sandbox import SandboxedStudentCode

EXIT_FULL_MARKS = 0
EXIT_NOT_FULL_MARKS = 1
EXIT_USAGE = 2
EXIT_INTERNAL_ERROR = 3


def _command_list(args: argparse.Namespace) -> int:
    registry = load_registry()
    exercises = registry.select(args.exercises)
    for exercise in exercises:
        print(f"{exercise.id}  ({exercise.points:g} points)  {exercise.title}")
        if args.brief:
            continue
        for check in exercise.checks:
            visibility = "hidden" if check.hidden else "public"
            print(f"    {check.name:<40} {visibility:<6} {check.points:>4g}  {check.description}")
        if exercise.mistakes:
            print(f"    known mistakes: {', '.join(m.name for m in exercise.mistakes)}")
    total = sum(exercise.points for exercise in exercises)
    checks = sum(len(exercise.checks) for exercise in exercises)
    print(f"\n{len(exercises)} exercises, {checks} checks, {total:g} points")
    return 0


def _command_check(args: argparse.Namespace) -> int:
    registry = load_registry()
    folder = Path(args.dir).resolve() if args.dir else find_student_folder()
    if not folder.is_dir():
        print(f"nngrade: {folder} is not a folder; pass the folder with your exercise modules as --dir", file=sys.stderr)
        return EXIT_USAGE
    if args.exercises:
        exercises = registry.select(args.exercises)
    else:
        exercises = [e for e in registry if (folder / f"{e.student.module}.py").is_file()]
        if not exercises:
            topics = ", ".join(f"{topic}.py" for topic in registry.topics)
            print(
                f"nngrade: no exercise modules ({topics}) in {folder}; "
                f"run from your exercises folder or pass it as --dir",
                file=sys.stderr,
            )
            return EXIT_USAGE
    expectations = make_expectations(args.recorded)
    results = []
    with SandboxedStudentCode(folder) as code:
        for exercise in exercises:
            results.append(grade_exercise(exercise, code, expectations=expectations, seeds=SeedPolicy()))
            if args.progress:
                print(f"checked {exercise.id}", file=sys.stderr)

    print(f"Checking {folder}\n")
    print(results_table(results))
    unfinished = [check for result in results for check in result.checks if check.status is not Status.PASSED]
    shown = unfinished if args.verbose else [c for c in unfinished if c.status is not Status.NOT_IMPLEMENTED]
    if shown:
        print("\nWhat to fix:")
        for check in shown:
            score = "-" if check.score is None else f"{check.score:g}"
            print(f"\n== {check.test_id} [{check.status}, {score}/{check.max_score:g}]")
            print(check.feedback)
            if check.output:
                print(f"--- your code printed ---\n{check.output}")
    hidden_stubs = len(unfinished) - len(shown)
    if hidden_stubs:
        print(f"\n{hidden_stubs} checks are not implemented yet (use -v to list them with their messages).")

    if not all(result.complete for result in results):
        return EXIT_INTERNAL_ERROR
    full = all(result.score == result.max_score for result in results)
    return EXIT_FULL_MARKS if full else EXIT_NOT_FULL_MARKS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nngrade",
        description="Autograded exercises for the neural networks and deep learning course.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="list the exercises, their checks and points")
    listing.add_argument("exercises", nargs="*", metavar="EXERCISE", help="ids, topics or patterns (default: all)")
    listing.add_argument("--brief", action="store_true", help="one line per exercise")
    listing.set_defaults(run=_command_list)

    check = commands.add_parser(
        "check",
        help="run the public checks on your exercise modules",
        description="Run the public checks on your exercise modules and print points and feedback.",
    )
    check.add_argument(
        "exercises", nargs="*", metavar="EXERCISE",
        help="ids (perceptron.train), topics (perceptron) or patterns (backprop.*); default: every module found",
    )
    check.add_argument("--dir", help="folder with your modules (default: here, or ./exercises)")
    check.add_argument("--recorded", metavar="DIR", help="use recorded check data instead of the reference code")
    check.add_argument("-v", "--verbose", action="store_true", help="also show checks that are not implemented yet")
    check.add_argument("--progress", action="store_true", help="print a line per exercise as it is checked")
    check.set_defaults(run=_command_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except NngradeError as exc:
        print(f"nngrade: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
