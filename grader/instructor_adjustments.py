"""What ``nngrade adjust``, ``extend``, ``excuse``, ``comment`` and ``adjustments`` do to a graded class.

Each command names the output folder of ``nngrade grade`` and a student of
it; the change is checked against the gradebook (the student, the exercise,
the assignment must be there), stored in its ``adjustments`` table with who
made it, when and why, and every output is rebuilt at once with it applied
(:func:`grader.adjustments.adjusted_record` says how each kind applies).
Grading never touches that table, so a regrade keeps every adjustment.
"""

from __future__ import annotations

import datetime as dt
import difflib
import getpass
import math
from pathlib import Path
from typing import Sequence

from grader.adjustments import effective_extension, extended_cutoff
from grader.errors import NngradeError
from grader.gradebook import Gradebook
from grader.late_penalties import course_zone, local_time
from grader.records import Adjustment, AssignmentInfo, StudentRecord


class AdjustmentError(NngradeError):
    """An adjustment names a student, exercise or assignment the gradebook does not hold, or a bad value.

    The message names what is wrong and what the gradebook holds instead.
    """


def who_is_making_it(by: str | None) -> str:
    """``by`` when given, else the operating system's user name."""
    if by is not None:
        if not by.strip():
            raise AdjustmentError("--by must name who makes the change")
        return by.strip()
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment (a container without one)
        return "unknown"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _shown(names: Sequence[str], limit: int = 8) -> str:
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _opened(out: Path) -> tuple[Gradebook, AssignmentInfo, list[StudentRecord]]:
    gradebook = Gradebook.open(out, create=False)
    info = gradebook.assignment()
    if info is None:
        gradebook.close()
        raise AdjustmentError(f"{out} holds an empty gradebook; grade the class first with `nngrade grade`")
    return gradebook, info, gradebook.records()


def _check_student(student: str, records: Sequence[StudentRecord], out: Path) -> None:
    known = [record.student_id for record in records]
    if student not in known:
        close = difflib.get_close_matches(student, known, n=1)
        guess = f"did you mean {close[0]!r}? " if close else ""
        raise AdjustmentError(
            f"the gradebook in {out} holds no student {student!r}; {guess}its students are: {_shown(known)}"
        )


def _check_assignment(assignment: str | None, info: AssignmentInfo, out: Path) -> None:
    if assignment is not None and assignment != info.name:
        raise AdjustmentError(
            f"the gradebook in {out} holds assignment {info.name!r}, not {assignment!r}; each assignment has its "
            f"own output folder"
        )


def _check_reason(reason: str, what: str) -> str:
    if not reason or not reason.strip():
        raise AdjustmentError(f"{what} needs a reason: --reason TEXT (it is kept with the change and shown)")
    return reason.strip()


def parse_time(text: str, zone_name: str, option: str) -> str:
    """An ISO 8601 date and time (or a date, meaning 23:59:59) as ISO 8601 with its offset; without an offset,
    in the course's zone. Raises :class:`AdjustmentError` naming ``option``."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise AdjustmentError(
            f"{option} {text!r} is not a date and time; write it as 2026-10-20T23:59 (in the course's zone, "
            f"{zone_name}) or with an offset, 2026-10-20T23:59+02:00"
        ) from None
    if len(text.strip()) == 10:  # a date alone: the end of that day
        moment = moment.replace(hour=23, minute=59, second=59)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=course_zone(zone_name))
    return moment.isoformat()


def _store(out: Path, gradebook: Gradebook, info: AssignmentInfo, adjustment: Adjustment) -> Adjustment:
    from grader.reports import write_reports

    stored = gradebook.add_adjustment(adjustment)
    write_reports(out, info, gradebook.records())
    return stored


def adjust_points(
    out: Path, student: str, *, points: float, reason: str, exercise: str | None = None,
    assignment: str | None = None, by: str | None = None,
) -> Adjustment:
    """Add ``points`` (negative: take away) to ``student``'s final score, for ``exercise`` or the whole assignment."""
    if not math.isfinite(points) or points == 0:
        raise AdjustmentError(f"--points must be a number other than 0, such as 2 or -1.5, not {points!r}")
    text = _check_reason(reason, "an adjustment of points")
    gradebook, info, records = _opened(out)
    with gradebook:
        _check_student(student, records, out)
        _check_assignment(assignment, info, out)
        if exercise is not None and exercise not in {e.id for e in info.exercises}:
            known = [e.id for e in info.exercises]
            raise AdjustmentError(
                f"assignment {info.name!r} has no exercise {exercise!r}; its exercises are: {', '.join(known)}"
            )
        return _store(out, gradebook, info, Adjustment(
            id=0, student_id=student, kind="points", text=text, made_by=who_is_making_it(by), made_at=_now(),
            exercise_id=exercise or "", points=float(points),
        ))


def extend(
    out: Path, student: str, *, due: str, cutoff: str | None = None, reason: str = "",
    assignment: str | None = None, by: str | None = None,
) -> Adjustment:
    """Give ``student`` a due date (and cutoff) of their own; lateness counts from it."""
    gradebook, info, records = _opened(out)
    with gradebook:
        _check_student(student, records, out)
        _check_assignment(assignment, info, out)
        if info.due is None:
            raise AdjustmentError(
                f"assignment {info.name!r} has no due date, so nothing is late and an extension would change "
                f"nothing; give it a due date in the course file and grade again"
            )
        own_due = parse_time(due, info.timezone, "--due")
        own_cutoff = parse_time(cutoff, info.timezone, "--cutoff") if cutoff else None
        if own_cutoff is not None and dt.datetime.fromisoformat(own_cutoff) < dt.datetime.fromisoformat(own_due):
            raise AdjustmentError(f"--cutoff {cutoff} is before --due {due}")
        return _store(out, gradebook, info, Adjustment(
            id=0, student_id=student, kind="extension", text=reason.strip() or "extension",
            made_by=who_is_making_it(by), made_at=_now(), due=own_due, cutoff=own_cutoff,
        ))


def excuse(out: Path, student: str, *, reason: str, assignment: str | None = None, by: str | None = None) -> Adjustment:
    """Excuse ``student``'s lateness: no late penalty, the late days still shown."""
    text = _check_reason(reason, "excusing lateness")
    gradebook, info, records = _opened(out)
    with gradebook:
        _check_student(student, records, out)
        _check_assignment(assignment, info, out)
        return _store(out, gradebook, info, Adjustment(
            id=0, student_id=student, kind="excuse", text=text, made_by=who_is_making_it(by), made_at=_now(),
        ))


def comment(out: Path, student: str, text: str, *, by: str | None = None) -> Adjustment:
    """Add a comment to ``student``'s feedback page."""
    if not text or not text.strip():
        raise AdjustmentError("the comment is empty; write what the student should read")
    gradebook, info, records = _opened(out)
    with gradebook:
        _check_student(student, records, out)
        return _store(out, gradebook, info, Adjustment(
            id=0, student_id=student, kind="comment", text=text.strip(), made_by=who_is_making_it(by),
            made_at=_now(),
        ))


def remove(out: Path, adjustment_id: int) -> Adjustment:
    """Delete adjustment number ``adjustment_id`` and rebuild the outputs; returns what was removed."""
    from grader.reports import write_reports

    gradebook, info, _ = _opened(out)
    with gradebook:
        stored = gradebook.adjustments()
        found = [adjustment for adjustment in stored if adjustment.id == adjustment_id]
        if not found:
            known = [str(adjustment.id) for adjustment in stored]
            raise AdjustmentError(
                f"the gradebook in {out} holds no adjustment {adjustment_id}; "
                + (f"its adjustments are numbered {_shown(known)}" if known else "it holds none")
                + " (see `nngrade adjustments OUT`)"
            )
        if found[0].source == "course file":
            raise AdjustmentError(
                f"adjustment {adjustment_id} is an extension in the course file: remove it there (the "
                f"assignment's extensions table), then grade again"
            )
        removed = gradebook.remove_adjustment(adjustment_id) or found[0]
        write_reports(out, info, gradebook.records())
        return removed


def describe(adjustment: Adjustment, info: AssignmentInfo) -> str:
    """What ``adjustment`` does, in a few words, times in the course's zone."""
    if adjustment.kind == "points":
        target = f"exercise {adjustment.exercise_id}" if adjustment.exercise_id else f"assignment {info.name}"
        return f"{adjustment.points:+g} points on {target}: {adjustment.text}"
    if adjustment.kind == "extension":
        cutoff = extended_cutoff(info, adjustment)
        shown = f"due {local_time(adjustment.due, info.timezone)}"
        if cutoff:
            shown += f", cutoff {local_time(cutoff, info.timezone)}"
        return f"extension: {shown} ({adjustment.text})"
    if adjustment.kind == "excuse":
        return f"lateness excused: {adjustment.text}"
    return f"comment: {adjustment.text}"


def listing(out: Path) -> str:
    """Every adjustment in ``out``'s gradebook as a text table (number, student, what, by whom, when)."""
    from grader.feedback import text_table

    gradebook, info, records = _opened(out)
    with gradebook:
        adjustments = gradebook.adjustments()
    if not adjustments:
        return f"no adjustments in {out / 'gradebook.sqlite'}"
    by_student = {record.student_id: record for record in records}
    rows = [("id", "student", "what", "by", "when")]
    for adjustment in adjustments:
        what = describe(adjustment, info)
        record = by_student.get(adjustment.student_id)
        if adjustment.kind == "extension" and record is not None and effective_extension(record.adjustments) != adjustment:
            what += " [not in effect: a later one is]"
        if record is None:
            what += " [no such student graded]"
        rows.append((str(adjustment.id), adjustment.student_id, what, adjustment.made_by,
                     local_time(adjustment.made_at, info.timezone)))
    return "\n".join(text_table(rows, right=(0,)))


__all__ = [
    "AdjustmentError", "adjust_points", "comment", "describe", "excuse", "extend", "listing", "parse_time", "remove",
    "who_is_making_it",
]
