"""The instructor's adjustments, applied to a graded record whenever the outputs are written.

Grading stores what the checks gave (:class:`grader.records.StudentRecord`,
in the gradebook's ``submissions`` and ``check_results``); the instructor's
decisions live apart, in the gradebook's ``adjustments`` table, so a regrade
replaces the first and never touches the second. :func:`adjusted_record`
puts them together:

- an **extension** gives the student a due date (and a cutoff) of their own:
  lateness is counted from it under the assignment's policy. Without a cutoff
  of its own, the assignment's cutoff moves with the due date (the same gap).
  One made by command wins over the course file's; of several, the latest;
- **excused** lateness costs nothing: the late days are still shown, the
  penalty is 0 (after the cutoff too);
- **points** (for an exercise or the whole assignment) are added after the
  late penalty; the final score never goes below 0;
- a **comment** changes no number: the student's feedback shows it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable, Sequence

from grader.late_penalties import lateness
from grader.records import Adjustment, AssignmentInfo, StudentRecord


def effective_extension(adjustments: Iterable[Adjustment]) -> Adjustment | None:
    """The extension that counts: the latest made by command, else the latest from the course file."""
    extensions = [adjustment for adjustment in adjustments if adjustment.kind == "extension"]
    by_command = [adjustment for adjustment in extensions if adjustment.source == "command"]
    chosen = by_command or extensions
    return max(chosen, key=lambda adjustment: (adjustment.made_at, adjustment.id)) if chosen else None


def extended_cutoff(info: AssignmentInfo, extension: Adjustment) -> str | None:
    """The cutoff of a student with ``extension``: its own, else the assignment's moved as far as the due date."""
    if extension.cutoff:
        return extension.cutoff
    if not info.late.cutoff:
        return None
    if not info.due or not extension.due:
        return info.late.cutoff
    moved = dt.datetime.fromisoformat(extension.due) - dt.datetime.fromisoformat(info.due)
    return (dt.datetime.fromisoformat(info.late.cutoff) + max(moved, dt.timedelta(0))).isoformat()


def adjusted_record(info: AssignmentInfo, record: StudentRecord, adjustments: Sequence[Adjustment]) -> StudentRecord:
    """``record`` with the student's ``adjustments`` applied (those of other students are ignored)."""
    own = tuple(adjustment for adjustment in adjustments if adjustment.student_id == record.student_id)
    if not own:
        return record
    late_days, late_percent = record.late_days, record.late_penalty_percent
    extension = effective_extension(own)
    if extension is not None and record.submitted_at:
        policy = dataclasses.replace(info.late, cutoff=extended_cutoff(info, extension))
        late = lateness(record.submitted_at, due=extension.due, policy=policy)
        late_days, late_percent = late.days, late.penalty_percent
    if any(adjustment.kind == "excuse" for adjustment in own):
        late_percent = 0.0
    return dataclasses.replace(
        record, adjustments=own, late_days=late_days, late_penalty_percent=late_percent
    )


def adjusted_records(
    info: AssignmentInfo, records: Sequence[StudentRecord], adjustments: Sequence[Adjustment]
) -> list[StudentRecord]:
    """Every record of ``records`` with its student's adjustments applied, in the same order."""
    by_student: dict[str, list[Adjustment]] = {}
    for adjustment in adjustments:
        by_student.setdefault(adjustment.student_id, []).append(adjustment)
    return [adjusted_record(info, record, by_student.get(record.student_id, ())) for record in records]
