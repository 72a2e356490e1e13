"""The ``nngrade`` command.

``nngrade list`` shows the exercises, their checks and points; ``nngrade check``
runs the public checks on a student's folder and prints a compact table, the
total and the feedback of every check that did not pass. ``nngrade grade``
grades a whole class into an output folder (gradebook, grades.csv, feedback,
Gradescope results, class report); ``nngrade report`` rebuilds those outputs
from the gradebook; ``nngrade adjust``, ``extend``, ``excuse``, ``comment``
and ``adjustments`` keep the instructor's adjustments of a graded class in
its gradebook. ``nngrade release``, ``nngrade notebooks`` and ``nngrade
gradescope`` write the deliveries: the student bundle, an nbgrader course and
a Gradescope autograder.

Exit statuses are listed in :data:`EXIT_STATUSES` (shown by ``nngrade --help``).
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from grader.errors import NngradeError

if TYPE_CHECKING:
    from grader.registry import Registry

# Each command imports what it needs when it runs: ``nngrade check`` starts the sandbox's worker
# before the grading code (and NumPy) load, so that the two overlap.

EXIT_FULL_MARKS = 0
EXIT_NOT_FULL_MARKS = 1
EXIT_USAGE = 2
EXIT_INTERNAL_ERROR = 3
EXIT_PROBLEM_ROWS = 4
"""``grade`` and ``report`` finished, but some students' rows are problems (their submission could not be graded)"""
EXIT_CLOSED_PIPE = 141
"""The reader of the output went away (128 + SIGPIPE, as the shell reports a program that SIGPIPE ended)."""

EXIT_STATUSES = """\
exit status:
  0    done (check: full marks)
  1    check: some check did not get full marks
  2    a usage or course-file error (unknown exercise, missing folder, bad option)
  3    a fault in the grader left a check or a student unscored (grade, report: run
       grade again to retry them; or the Dask scheduler went away before every
       student was graded: the same command grades the rest)
  4    grade, report: finished, but some students' submissions could not be graded
       (unreadable, missing, not on the roster): they are rows with a problem in
       grades.csv and under "Submissions that could not be graded" in report.html
  141  the output was closed early (nngrade list | head)
A fault in the grader (3) wins over problem rows (4)."""
NOTE_WIDTH = 70


def _command_list(args: argparse.Namespace) -> int:
    from grader.registry import load_registry

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


def _check_registry(selectors: Sequence[str], folder: Path) -> "Registry":
    """The exercises ``check`` needs: only the topics it names, or whose modules are in the folder.

    A selector whose topic is not a topic name (``*.predict``, a typo) needs the whole registry.
    """
    from grader.catalog import TOPIC_MODULES
    from grader.registry import load_registry, load_topics

    if selectors:
        topics = {selector.split(".", 1)[0] for selector in selectors}
    else:
        topics = {topic for topic in TOPIC_MODULES if (folder / f"{topic}.py").is_file()}
    if not topics or not topics <= set(TOPIC_MODULES):
        return load_registry()
    return load_topics(topics)


def _command_check(args: argparse.Namespace) -> int:
    from grader.course import selfcheck_code_options
    from grader.feedback import problems_text, results_table
    from grader.results import Status, module_problems
    from grader.runner import grade_exercise
    from grader.sandbox.runners import self_check_runner
    from grader.seeds import SeedPolicy
    from grader.selfcheck import find_student_folder, make_expectations

    folder = Path(args.dir).resolve() if args.dir else find_student_folder()
    if not folder.is_dir():
        print(f"nngrade: {folder} is not a folder; pass the folder with your exercise modules as --dir", file=sys.stderr)
        return EXIT_USAGE
    registry = _check_registry(args.exercises, folder)
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
    runner = self_check_runner()  # the sandbox, or where it cannot run, the portable runner
    for flavor in sorted({"torch" if exercise.uses_torch else "numpy" for exercise in exercises}):
        runner.start_soon(flavor)  # the sandbox's worker starts while the expected values load
    expectations = make_expectations(args.recorded)
    results = []
    with runner.student_code(folder, **selfcheck_code_options(folder, exercises)) as code:
        for exercise in exercises:
            results.append(grade_exercise(exercise, code, expectations=expectations, seeds=SeedPolicy()))
            if args.progress:
                print(f"checked {exercise.id}", file=sys.stderr)

    print(f"Checking {folder}\n")
    if runner.notice:
        print(runner.notice + "\n")
    problems = problems_text(module_problems(results))
    if problems:
        print(problems + "\n")
    print(results_table(results))
    unfinished = [check for result in results for check in result.checks if check.status is not Status.PASSED]
    shown = unfinished if args.verbose else [c for c in unfinished if c.status is not Status.NOT_IMPLEMENTED]
    if shown:
        print("\nWhat to fix:")
        stopped_before = False
        for check in shown:
            score = "-" if check.score is None else f"{check.score:g}"
            if check.problem is not None:  # its message is at the top, once; one line each, together
                gap = "" if stopped_before else "\n"
                print(f"{gap}== {check.test_id} [{check.status}, {score}/{check.max_score:g}] {check.problem.not_run}")
                stopped_before = True
                continue
            stopped_before = False
            print(f"\n== {check.test_id} [{check.status}, {score}/{check.max_score:g}]")
            print(check.feedback)
            if check.output:
                print(f"--- your code printed ---\n{check.output}")
    printed = [c for result in results for c in result.checks if c.status is Status.PASSED and c.output]
    if args.verbose and printed:
        print("\nWhat your code printed in the checks that passed:")
        for check in printed:
            print(f"\n== {check.test_id}\n{check.output}")
    close = [c for result in results for c in result.checks if c.status is Status.PASSED and c.limit_note]
    if close:
        print("\nClose to a time limit (grading uses the same limits):")
        for check in close:
            print(f"== {check.test_id}: {check.limit_note}")
    hidden_stubs = len(unfinished) - len(shown)
    if hidden_stubs:
        print(f"\n{hidden_stubs} checks are not implemented yet (use -v to list them with their messages).")

    if not all(result.complete for result in results):
        return EXIT_INTERNAL_ERROR
    full = all(result.score == round(result.max_score, 2) for result in results)  # points scaled by the course are floats
    return EXIT_FULL_MARKS if full else EXIT_NOT_FULL_MARKS


def shorten(text: str, width: int = NOTE_WIDTH) -> str:
    """``text`` in at most ``width`` characters, cut between words and ended with "..." when cut."""
    if len(text) <= width:
        return text
    cut = text[: width - 3]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "..."


def _summary_of(record) -> str:
    """A short note on one student for the gradebook table."""
    if record.problem:
        return shorten("; ".join(_adjustment_notes(record) + [record.problem.splitlines()[0]]))
    counts = record.statuses()
    parts = [f"{counts[status]} {status}" for status in counts if status.value != "passed"]
    mistakes = sorted({m.name for e in record.exercises for c in e.checks for m in c.mistakes})
    if mistakes:
        parts.append("mistakes: " + ", ".join(mistakes))
    return shorten("; ".join(_adjustment_notes(record) + parts))


def _adjustment_notes(record) -> list[str]:
    """Short notes on the instructor's adjustments of ``record`` (see ``nngrade adjustments``)."""
    notes = []
    if record.adjustments_of("points"):
        notes.append(f"adjusted {record.adjustment_points:+g}")
    if record.adjustments_of("extension"):
        notes.append("extension")
    if record.adjustments_of("excuse"):
        notes.append("lateness excused")
    return notes


def gradebook_table(info, records) -> str:
    """The gradebook as a text table: one row per student."""
    from grader.feedback import text_table

    rows = [("student", "score", "late", "final", "notes")]
    for record in records:
        late = f"-{record.late_penalty_percent:g}%" if record.late_penalty_percent else ""
        score = "-" if record.problem else f"{record.score:g}"
        rows.append((record.student_id, score, late, f"{record.final:g}/{info.max_score:g}", _summary_of(record)))
    return "\n".join(text_table(rows, right=(1, 2, 3)))


def _print_outputs(out: Path, info, records, *, table: bool) -> None:
    if table:
        print(gradebook_table(info, records))
        print()
    print(f"gradebook:  {out / 'gradebook.sqlite'}")
    print(f"grades:     {out / 'grades.csv'}")
    print(f"feedback:   {out / 'feedback'}/<student>.md and .html")
    print(f"gradescope: {out / 'results'}/<student>/results.json")
    print(f"report:     {out / 'report.html'}")


def _command_grade(args: argparse.Namespace) -> int:
    from grader.batch import grade_class
    from grader.cluster_grading import ClusterLost
    from grader.course import find_course_file, load_course, scheduler_problem
    from grader.registry import load_registry

    submissions = Path(args.submissions)
    if not submissions.is_dir():
        print(f"nngrade: {submissions} is not a folder; pass the folder that holds one entry per student", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        print("nngrade: -j must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs is not None and args.scheduler is not None:
        print("nngrade: choose -j (processes on this machine) or --scheduler (a Dask cluster), not both", file=sys.stderr)
        return EXIT_USAGE
    if args.scheduler is not None and scheduler_problem(args.scheduler):
        print(f"nngrade: --scheduler {scheduler_problem(args.scheduler)}", file=sys.stderr)
        return EXIT_USAGE
    course = load_course(args.course or nbgrader_course_file(submissions) or find_course_file(), load_registry())
    # The command line wins: -j grades on this machine even when the course file names a scheduler.
    scheduler = args.scheduler if args.scheduler is not None else (None if args.jobs is not None else course.scheduler)
    try:
        summary = grade_class(
            submissions,
            course=course,
            assignment=args.assignment,
            out=args.out,
            jobs=args.jobs or 1,
            regrade=args.regrade,
            only=args.student or (),
            roster=args.roster,
            timestamps=args.timestamps,
            scheduler=scheduler,
            file_times=args.file_times,
        )
    except ClusterLost as exc:
        print(f"nngrade: {exc}", file=sys.stderr)
        return EXIT_INTERNAL_ERROR
    out = Path(args.out).resolve()
    print(
        f"{summary.students} submissions: {summary.graded} graded, {summary.unchanged} unchanged, "
        f"{summary.problems} with problems, {summary.failures} grader failures ({summary.seconds:.1f} s)"
    )
    if summary.per_worker:
        counts = ", ".join(f"{worker} {count}" for worker, count in summary.per_worker.items())
        print(f"graded on {len(summary.per_worker)} Dask workers ({scheduler}): {counts}")
    if summary.retried:
        print(f"{summary.retried} of them graded again: a grader fault had left them unscored")
    for exercise_id, students in summary.regraded.items():
        print(f"{exercise_id} alone graded again for {len(students)} unchanged submissions, as its checks changed: "
              f"{summary.check_changes[exercise_id]} (earlier scores: the score history in report.html)")
    if summary.skipped:
        print(f"skipped, made by an operating system or a tool, not a student: {', '.join(summary.skipped)}")
    if summary.unknown_extensions:
        print(f"nngrade: note: the course file gives an extension to students not in this class: "
              f"{', '.join(summary.unknown_extensions)} (check the ids in [assignments.{args.assignment}.extensions])",
              file=sys.stderr)
    if summary.file_times:
        dated = summary.file_times
        named = ", ".join(dated[:5]) + (f" and {len(dated) - 5} more" if len(dated) > 5 else "")
        print(f"submission times of {len(dated)} students are their files' modification times (file times, "
              f"which a copy resets): {named}")
    for problem in summary.environment_problems:
        print(f"nngrade: note: {problem} here (course file: [submission] packages), so students' code ran with "
              "what is installed", file=sys.stderr)
    _print_outputs(out, summary.info, summary.records, table=not args.quiet)
    _print_problem_rows(out, summary.problem_rows)
    if summary.failures or summary.internal_errors:
        print(
            "nngrade: a fault in the grader left some students or checks ungraded (see 'internal error' "
            "in the gradebook); run the command again to retry them, and report the fault",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR
    return EXIT_PROBLEM_ROWS if summary.problem_rows else 0


def nbgrader_course_file(submissions: Path) -> Path | None:
    """The course file named in ``nbgrader_config.py`` when SUBMISSIONS, or the folder nngrade runs in, is an
    nbgrader course (`nngrade notebooks` wrote it): the file its test cells grade with. ``None`` otherwise."""
    from grader.notebook_checks import NBGRADER_CONFIG_FILE, course_file_of

    for folder in dict.fromkeys((submissions.resolve(), Path.cwd().resolve())):
        if (folder / NBGRADER_CONFIG_FILE).is_file():
            path = course_file_of(folder)
            print(f"course file: {path} (named in {folder / NBGRADER_CONFIG_FILE})", file=sys.stderr)
            return path
    return None


def _print_problem_rows(out: Path, students: Sequence[str]) -> None:
    """Say on stderr which students' submissions could not be graded (the rows behind exit status 4)."""
    if not students:
        return
    named = ", ".join(students[:5]) + (f" and {len(students) - 5} more" if len(students) > 5 else "")
    count = "1 submission" if len(students) == 1 else f"{len(students)} submissions"
    print(
        f"nngrade: finished, but {count} could not be graded ({named}): see 'Submissions that could not be "
        f"graded' in {out / 'report.html'} (exit status {EXIT_PROBLEM_ROWS})",
        file=sys.stderr,
    )


def _command_report(args: argparse.Namespace) -> int:
    from grader.gradebook import Gradebook
    from grader.reports import write_reports

    out = Path(args.out).resolve()
    with Gradebook.open(out, create=False) as gradebook:
        info = gradebook.assignment()
        records = gradebook.records()
    if info is None:
        print(f"nngrade: {out} holds an empty gradebook; grade the class first with `nngrade grade`", file=sys.stderr)
        return EXIT_USAGE
    write_reports(out, info, records)
    print(f"rebuilt the outputs of assignment {info.name!r} for {len(records)} students from the gradebook")
    applied = sum(len(record.adjustments) for record in records)
    if applied:
        print(f"with {applied} adjustments, extensions, excuses and comments applied (see `nngrade adjustments {args.out}`)")
    _print_outputs(out, info, records, table=args.table)
    problem_rows = [record.student_id for record in records if record.problem and not record.grader_fault]
    _print_problem_rows(out, problem_rows)
    if any(record.grader_fault or not record.complete for record in records):
        print(
            "nngrade: a fault in the grader left some students or checks ungraded (see 'internal error' "
            "in the gradebook); run `nngrade grade` again to retry them, and report the fault",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR
    return EXIT_PROBLEM_ROWS if problem_rows else 0


def _command_adjust(args: argparse.Namespace) -> int:
    from grader.instructor_adjustments import adjust_points, describe

    out = Path(args.out).resolve()
    made = adjust_points(out, args.student, points=args.points, reason=args.reason, exercise=args.exercise,
                         assignment=args.assignment, by=args.by)
    return _print_adjustment(out, made, describe)


def _command_extend(args: argparse.Namespace) -> int:
    from grader.instructor_adjustments import describe, extend

    out = Path(args.out).resolve()
    made = extend(out, args.student, due=args.due, cutoff=args.cutoff, reason=args.reason or "",
                  assignment=args.assignment, by=args.by)
    return _print_adjustment(out, made, describe)


def _command_excuse(args: argparse.Namespace) -> int:
    from grader.instructor_adjustments import describe, excuse

    out = Path(args.out).resolve()
    made = excuse(out, args.student, reason=args.reason, assignment=args.assignment, by=args.by)
    return _print_adjustment(out, made, describe)


def _command_comment(args: argparse.Namespace) -> int:
    from grader.instructor_adjustments import comment, describe

    out = Path(args.out).resolve()
    made = comment(out, args.student, args.text, by=args.by)
    return _print_adjustment(out, made, describe)


def _command_adjustments(args: argparse.Namespace) -> int:
    from grader.instructor_adjustments import listing, remove

    out = Path(args.out).resolve()
    if args.remove is not None:
        removed = remove(out, args.remove)
        print(f"removed adjustment {removed.id} ({removed.kind} for {removed.student_id}); rebuilt the outputs "
              f"in {out}")
    print(listing(out))
    return 0


def _print_adjustment(out: Path, made, describe) -> int:
    from grader.gradebook import Gradebook

    with Gradebook.open(out, create=False) as gradebook:
        info = gradebook.assignment()
        record = next(r for r in gradebook.records() if r.student_id == made.student_id)
    print(f"adjustment {made.id} for {made.student_id}, by {made.made_by}: {describe(made, info)}")
    late = ""
    if record.late_days:
        cost = "excused" if record.adjustments_of("excuse") else f"-{record.late_penalty_percent:g}%"
        late = f", {record.late_days} {'day' if record.late_days == 1 else 'days'} late ({cost})"
    print(f"{made.student_id}: {record.final:g}/{info.max_score:g} final{late}; rebuilt the outputs in {out}")
    return 0


def _add_adjustment_commands(commands) -> None:
    """The parsers of adjust, extend, excuse, comment and adjustments."""
    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("out", metavar="OUT", help="the output folder of `nngrade grade`")
        parser.add_argument("student", metavar="STUDENT", help="the student's id, as in grades.csv")

    def by(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--by", metavar="NAME", help="who makes the change (default: your user name)")

    adjust = commands.add_parser(
        "adjust", help="add or take away points for a student, with a reason, kept through every regrade",
        description="Add points (negative: take away) to a student's final score, for one exercise or the whole "
                    "assignment, after the late penalty; the final never goes below 0. Kept in the gradebook "
                    "(see `nngrade adjustments`) and applied to every output, now and after every regrade.",
    )
    common(adjust)
    target = adjust.add_mutually_exclusive_group()
    target.add_argument("--exercise", metavar="ID", help="the exercise adjusted (e.g. perceptron.train)")
    target.add_argument("--assignment", metavar="A", help="the whole assignment (the default)")
    adjust.add_argument("--points", type=float, required=True, metavar="X", help="points to add; negative to take away")
    adjust.add_argument("--reason", required=True, help="why: kept with the change and shown in the report")
    by(adjust)
    adjust.set_defaults(run=_command_adjust)

    extend = commands.add_parser(
        "extend", help="give a student a due date (and cutoff) of their own",
        description="Give a student their own due date: lateness counts from it under the assignment's late "
                    "policy. Without --cutoff the assignment's cutoff moves as far as the due date. Times "
                    "without an offset are in the course's timezone.",
    )
    common(extend)
    extend.add_argument("--assignment", metavar="A", help="the assignment (checked against the gradebook's)")
    extend.add_argument("--due", required=True, metavar="TIME", help="the new due date, e.g. 2026-10-20T23:59")
    extend.add_argument("--cutoff", metavar="TIME", help="the student's own cutoff")
    extend.add_argument("--reason", help="why (kept with the change)")
    by(extend)
    extend.set_defaults(run=_command_extend)

    excuse = commands.add_parser(
        "excuse", help="excuse a student's lateness: no late penalty",
        description="Excuse a student's lateness: the late days are still shown, the penalty is 0.",
    )
    common(excuse)
    excuse.add_argument("--assignment", metavar="A", help="the assignment (checked against the gradebook's)")
    excuse.add_argument("--reason", required=True, help="why: kept with the change and shown in the report")
    by(excuse)
    excuse.set_defaults(run=_command_excuse)

    comment = commands.add_parser(
        "comment", help="add a comment to a student's feedback page",
        description="Add a comment that the student's feedback page shows under the score.",
    )
    common(comment)
    comment.add_argument("text", metavar="TEXT", help="the comment")
    by(comment)
    comment.set_defaults(run=_command_comment)

    listing = commands.add_parser(
        "adjustments", help="list the adjustments, extensions, excuses and comments of a graded class",
        description="List every adjustment stored in OUT's gradebook, with its number, who made it and when; "
                    "--remove ID deletes one and rebuilds the outputs.",
    )
    listing.add_argument("out", metavar="OUT", help="the output folder of `nngrade grade`")
    listing.add_argument("--remove", type=int, metavar="ID", help="delete the adjustment with this number")
    listing.set_defaults(run=_command_adjustments)


def _print_delivery(delivery) -> None:
    for line in delivery.lines:
        print(line)
    print(f"wrote {delivery.path}")


def _course_for(args: argparse.Namespace):
    from grader.course import find_course_file, load_course
    from grader.registry import load_registry

    return load_course(args.course or find_course_file(), load_registry())


def _command_release(args: argparse.Namespace) -> int:
    from grader.delivery.release_bundle import write_release
    from grader.registry import load_registry

    course = _course_for(args) if args.assignment else None
    _print_delivery(
        write_release(Path(args.out), registry=load_registry(), course=course, assignments=args.assignment or (), overwrite=args.force)
    )
    return 0


def _command_notebooks(args: argparse.Namespace) -> int:
    from grader.delivery.nbgrader_course import write_nbgrader_course

    _print_delivery(
        write_nbgrader_course(Path(args.out), course=_course_for(args), assignments=args.assignment or (), overwrite=args.force)
    )
    return 0


def _command_gradescope(args: argparse.Namespace) -> int:
    from grader.delivery.gradescope_autograder import write_gradescope_autograder

    _print_delivery(
        write_gradescope_autograder(Path(args.out), course=_course_for(args), assignment=args.assignment, overwrite=args.force)
    )
    return 0


def _command_new(args: argparse.Namespace) -> int:
    from grader.scaffold import new_exercise

    root = Path(args.root)
    for written in new_exercise(args.exercise, root, title=args.title):
        print(f"{'wrote   ' if written.created else 'extended'} {written.path}")
    print(
        f"Write what is marked TODO in these files (see AUTHORING.md), then run: "
        f"python -m pytest tests/test_invariants.py -k {args.exercise.split('.')[0]}"
    )
    return 0


EXPORT_FORMATS = ("canvas", "moodle", "long", "course")


def _command_export(args: argparse.Namespace) -> int:
    import dataclasses

    from grader.course import CourseFileError, find_course_file, load_course
    from grader.course_gradebook import course_table, course_weights, graded_folders, read_graded_assignment
    from grader.registry import load_registry
    from grader.reports import write_atomically
    from grader.reports.lms_exports import canvas_table, csv_text, long_table, moodle_table, students_not_on_roster
    from grader.submissions.roster import read_roster

    # The course file finds the assignments' folders and gives the course-wide gradebook's weights; for the
    # other formats, given folders, it only gives the assignments' titles (matched to an LMS's columns).
    course = None
    if not args.folders or args.format == "course" or args.course:
        course = load_course(args.course or find_course_file(), load_registry())
    else:
        try:
            course = load_course(find_course_file(), load_registry())
        except CourseFileError:
            course = None
    notes: list[str] = []
    if args.folders:
        folders = [(None, Path(folder)) for folder in args.folders]
    else:
        assert course is not None
        found, notes = graded_folders(course)
        folders = [(name, folder) for name, folder in found]
    roster = read_roster(Path(args.roster)) if args.roster else None

    titles = {name: assignment.title for name, assignment in course.assignments.items()} if course else {}
    assignments = []
    for expected, folder in folders:
        grades = read_graded_assignment(folder)
        if expected is not None and grades.name != expected:
            print(f"nngrade: {folder} holds the grades of assignment {grades.name!r}, but the course file names it "
                  f"as the output of {expected!r}: correct output in [assignments.{expected}]", file=sys.stderr)
            return EXIT_USAGE
        if any(other.name == grades.name for other in assignments):
            print(f"nngrade: assignment {grades.name!r} is given twice ({folder}): name each assignment's folder once",
                  file=sys.stderr)
            return EXIT_USAGE
        assignments.append(dataclasses.replace(grades, title=titles.get(grades.name, "")))
    for note in notes:
        print(f"nngrade: note: {note}", file=sys.stderr)
    if not assignments:
        print("nngrade: no graded assignment to export: grade one first with `nngrade grade`", file=sys.stderr)
        return EXIT_USAGE
    if course is not None:
        order = list(course.assignments)
        assignments.sort(key=lambda a: order.index(a.name) if a.name in order else len(order))

    if args.format == "course":
        weights = course_weights(course, assignments)
        table = course_table(assignments, weights, roster=roster)
    else:
        table = {"canvas": canvas_table, "moodle": moodle_table, "long": long_table}[args.format](assignments, roster)
    out = write_atomically(Path(args.output), csv_text(table))

    strangers = students_not_on_roster(assignments, roster)
    if strangers:
        named = ", ".join(strangers[:5]) + (f" and {len(strangers) - 5} more" if len(strangers) > 5 else "")
        print(f"nngrade: note: graded but not on the roster {roster.path.name}: {named}; their rows follow the "
              f"roster's, with nngrade's student id only", file=sys.stderr)
    students = len({s for a in assignments for s in a.students} | {r.student for r in (roster.rows if roster else ())})
    print(f"wrote {out} ({args.format}): {students} students, {len(table)} rows")
    for assignment in assignments:
        line = f"  {assignment.name}: {assignment.max_points:g} points, {len(assignment.students)} students graded"
        if args.format == "course":
            share = weights.weights[assignment.name] / sum(weights.weights.values())
            line += f", weight {weights.weights[assignment.name]:g} ({100 * share:.3g}%)"
        print(line)
    if args.format == "course" and weights.drop_lowest:
        print(f"  each student's {weights.drop_lowest} lowest assignment(s) by percent dropped (course drop_lowest)")
    return 0


def _command_similarity(args: argparse.Namespace) -> int:
    from grader.gradebook import Gradebook
    from grader.reports import integrity_findings, write_reports
    from grader.similarity import DEFAULT_THRESHOLD

    out = Path(args.out).resolve()
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        print(f"nngrade: --threshold {args.threshold:g} is not a share between 0 and 1 (for example 0.6)", file=sys.stderr)
        return EXIT_USAGE
    with Gradebook.open(out, create=False) as gradebook:
        info = gradebook.assignment()
        if info is None:
            print(f"nngrade: {out} holds an empty gradebook; grade the class first with `nngrade grade`", file=sys.stderr)
            return EXIT_USAGE
        if args.threshold is not None:
            gradebook.set_meta_json("similarity_threshold", args.threshold)
        records = gradebook.records()
    write_reports(out, info, records)  # the page and the class report at the threshold kept
    findings = integrity_findings(out)
    threshold = findings.threshold if findings else DEFAULT_THRESHOLD
    print(f"{len(findings.pairs) if findings else 0} pairs of {findings.compared if findings else 0} students "
          f"at a similarity of at least {threshold:.0%} (the smaller share of each one's own code found in the other's)")
    for pair in findings.pairs if findings else []:
        modules = ", ".join(match.module for match in pair.modules)
        print(f"  {pair.student_a}  {pair.student_b}  {pair.similarity:.0%}  ({pair.share_a:.0%} / {pair.share_b:.0%}; "
              f"{modules})")
    flagged = findings.flags if findings else {}
    print(f"{len(flagged)} students flagged")
    for student, flags in sorted(flagged.items()):
        for flag in flags:
            print(f"  {student}  {flag.kind}: {flag.evidence}")
    print(f"side by side: {out / 'similarity.html'}")
    return 0


def _add_similarity_command(commands) -> None:
    """The parser of similarity."""
    similarity = commands.add_parser(
        "similarity",
        help="pairs of submissions that look alike, and tampering flags, of a graded class",
        description=(
            "List the pairs of a graded class's submissions whose code is alike (copydetect's winnowed "
            "fingerprints; the distributed stubs never count) and the students grading flagged for tampering, "
            "and rewrite OUT/similarity.html, which shows each pair's matching lines side by side. Nothing here "
            "changes a score."
        ),
    )
    similarity.add_argument("out", metavar="OUT", help="the output folder of `nngrade grade`")
    similarity.add_argument(
        "--threshold", type=float, metavar="SHARE",
        help="list pairs whose smaller share of matching code is at least this (0 to 1; default 0.6, or the "
             "threshold given before: it is kept in the gradebook for every later report)",
    )
    similarity.set_defaults(run=_command_similarity)


def _add_export_command(commands) -> None:
    """The parser of export."""
    export = commands.add_parser(
        "export",
        help="grades for an LMS (Canvas, Moodle), as a long CSV, or the course-wide gradebook",
        description=(
            "Write the final grades (late penalties and adjustments applied) of one or more graded assignments: "
            "canvas: Canvas's gradebook import CSV; moodle: a CSV for Moodle's 'Import grades from CSV'; long: "
            "one row per student, assignment and exercise; course: the course-wide gradebook, one row per "
            "student with every assignment, weighted, the lowest dropped as the course file says. OUT are "
            "output folders of `nngrade grade`; without them, every assignment's `output` folder in the "
            "course file."
        ),
    )
    export.add_argument("format", choices=EXPORT_FORMATS, metavar="FORMAT", help=", ".join(EXPORT_FORMATS))
    export.add_argument("folders", nargs="*", metavar="OUT", help="output folders of `nngrade grade` (default: the "
                        "course file's)")
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="the CSV file to write")
    export.add_argument("--roster", metavar="CSV", help="the class roster, or a Canvas or Moodle export: its "
                        "students and their LMS columns are carried through")
    export.add_argument("--course", metavar="FILE", help="the course file (default: course.toml here or above)")
    export.set_defaults(run=_command_export)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nngrade",
        description="Autograded exercises for the neural networks and deep learning course.",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    check.add_argument(
        "-v", "--verbose", action="store_true",
        help="also show checks that are not implemented yet, and what your code printed in the checks that passed",
    )
    check.add_argument("--progress", action="store_true", help="print a line per exercise as it is checked")
    check.set_defaults(run=_command_check)

    grade = commands.add_parser(
        "grade",
        help="grade a class's submissions: gradebook, grades.csv, feedback, Gradescope results, report",
        description=(
            "Grade every submission in SUBMISSIONS (one folder of .py files, .zip or notebook per student, "
            "or nbgrader's submitted/<student>/<assignment>/ tree) on every check of the assignment, public "
            "and hidden, and write the outputs into OUT. Rerunning grades only what is new or changed."
        ),
    )
    grade.add_argument("submissions", metavar="SUBMISSIONS", help="the folder with one entry per student")
    grade.add_argument("-a", "--assignment", required=True, help="the assignment's name in the course file")
    grade.add_argument("-o", "--out", required=True, metavar="OUT", help="the output folder (created; reused to resume)")
    grade.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="students graded at once (default 1)")
    grade.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="grade on a Dask cluster: its scheduler's address (tcp://HOST:8786), or local:N for N workers "
             "started on this machine (needs nngrade[cluster]; default: the course file's scheduler, if any)",
    )
    grade.add_argument("--course", metavar="FILE", help="the course file (default: course.toml here or above)")
    grade.add_argument(
        "--roster", metavar="CSV",
        help="a roster: column 'student', optional column 'entry'; or a Canvas or Moodle gradebook export",
    )
    grade.add_argument(
        "--timestamps", metavar="CSV",
        help="submission times: columns 'student' and 'timestamp' (without an offset: the course's timezone)",
    )
    grade.add_argument(
        "--file-times", action="store_true", default=None,
        help="date a submission that nothing else dates by its files' modification times (which a copy resets; "
             "default: the course file's file_times, else no: such a submission is a problem row when the "
             "assignment has a late policy)",
    )
    grade.add_argument("--regrade", action="store_true", help="grade again even submissions that did not change")
    grade.add_argument("--student", action="append", metavar="ID", help="grade only this student (repeatable)")
    grade.add_argument("-q", "--quiet", action="store_true", help="do not print the gradebook table")
    grade.set_defaults(run=_command_grade)

    report = commands.add_parser(
        "report",
        help="rebuild grades.csv, feedback, Gradescope results and the class report from the gradebook",
    )
    report.add_argument("out", metavar="OUT", help="the output folder of `nngrade grade`")
    report.add_argument("--table", action="store_true", help="also print the gradebook as a table")
    report.set_defaults(run=_command_report)
    _add_adjustment_commands(commands)
    _add_export_command(commands)
    _add_similarity_command(commands)

    release = commands.add_parser(
        "release",
        help="write the student bundle: stubs, the runtime grader and recorded public check data",
        description=(
            "Write the student bundle into DIR: the exercise stubs, the runtime grader and the recorded data "
            "of the public checks, installable with pip. It holds no reference or solution code and no "
            "hidden check data."
        ),
    )
    release.add_argument("-o", "--out", required=True, metavar="DIR", help="the bundle's folder (created)")
    release.add_argument(
        "-a", "--assignment", action="append", metavar="NAME",
        help="only this assignment's exercises (repeatable; default: every exercise)",
    )
    release.add_argument("--course", metavar="FILE", help="the course file (default: course.toml here or above)")
    release.add_argument("--force", action="store_true", help="replace DIR if it already holds files")
    release.set_defaults(run=_command_release)

    notebooks = commands.add_parser(
        "notebooks",
        help="write an nbgrader course: source notebooks with solution and hidden-test regions",
    )
    notebooks.add_argument("-o", "--out", required=True, metavar="DIR", help="the course folder (created)")
    notebooks.add_argument(
        "-a", "--assignment", action="append", metavar="NAME",
        help="only this assignment (repeatable; default: every assignment in the course file)",
    )
    notebooks.add_argument("--course", metavar="FILE", help="the course file (default: course.toml here or above)")
    notebooks.add_argument("--force", action="store_true", help="replace DIR if it already holds files")
    notebooks.set_defaults(run=_command_notebooks)

    gradescope = commands.add_parser(
        "gradescope",
        help="write a Gradescope autograder zip for one assignment",
    )
    gradescope.add_argument("-a", "--assignment", required=True, help="the assignment's name in the course file")
    gradescope.add_argument("-o", "--out", required=True, metavar="FILE.zip", help="the autograder zip to write")
    gradescope.add_argument("--course", metavar="FILE", help="the course file (default: course.toml here or above)")
    gradescope.add_argument("--force", action="store_true", help="replace FILE.zip if it exists")
    gradescope.set_defaults(run=_command_gradescope)

    new = commands.add_parser(
        "new",
        help="write the files of a new exercise, with TODOs where the author writes",
        description=(
            "Write the reference, torch reference, mistakes, stub, solution and catalog entry of a new "
            "exercise TOPIC.NAME (a new topic is also registered); see AUTHORING.md."
        ),
    )
    new.add_argument("kind", choices=["exercise"], help="what to create")
    new.add_argument("exercise", metavar="TOPIC.NAME", help="the new exercise's id, for example perceptron.margin")
    new.add_argument("--root", default=".", help="the course project's folder (default: here)")
    new.add_argument("--title", help="the exercise's title (default: a TODO)")
    new.set_defaults(run=_command_new)
    return parser


def _start_sandbox_early() -> None:
    """Start the sandbox's NumPy worker for ``check`` now, so that it starts while the grading code loads."""
    from grader.sandbox.runners import self_check_runner

    try:
        self_check_runner().start_soon("numpy")
    except Exception:  # noqa: BLE001 - only a head start: the command asks again and says what is wrong
        pass


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.run is _command_check:
        _start_sandbox_early()
    try:
        status = args.run(args)
        sys.stdout.flush()
        gc.freeze()  # the process is ending: its last garbage collection need not walk what the command loaded
        return status
    except BrokenPipeError:
        # The reader stopped reading (`nngrade list | head`): nothing more to say. Later writes
        # (the interpreter's last flush) go nowhere instead of failing again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_CLOSED_PIPE
    except NngradeError as exc:
        print(f"nngrade: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except sqlite3.Error as exc:
        # The gradebook's check at open catches damage; this is one found later (a full disk, a lock held too long).
        print(
            f"nngrade: the gradebook could not be read or written ({type(exc).__name__}: {exc}); if another nngrade "
            f"is grading into the same folder, let it finish; otherwise move the gradebook aside and grade again",
            file=sys.stderr,
        )
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
