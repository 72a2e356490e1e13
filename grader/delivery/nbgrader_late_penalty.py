"""nbgrader's late penalty computed by the course file's late policy, so both gradebooks agree.

``nngrade notebooks`` names :class:`CourseLatePenalty` in ``nbgrader_config.py``
as the plugin of nbgrader's ``AssignLatePenalties`` step; nbgrader imports it
while it autogrades. nbgrader calls the plugin once per late notebook with the
notebook's score and how many seconds the submission came after nbgrader's
due date for the assignment (plus a per-student extension made in nbgrader).
The plugin turns that back into the submission's time and asks
:func:`grader.late_penalties.lateness` what the course file's policy takes:
started days after the due date and grace period, ``per_day_percent`` each,
at most ``max_percent``, everything after the cutoff. The penalty is that
percent of the notebook's score, so the assignment loses the same share of
its total as in ``nngrade grade``.

nbgrader only calls the plugin for a submission it finds late, so its due
date must be the course file's: ``nngrade notebooks`` prints the
``nbgrader db assignment add`` command that sets it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Optional

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Unicode

from grader.late_penalties import lateness


class CourseLatePenalty(LateSubmissionPlugin):
    """nbgrader's late-submission plugin that applies the course file's late policy (see the module's docstring)."""

    course_file = Unicode(
        "", help="the nngrade course file whose assignment's due date and late policy set the penalty"
    ).tag(config=True)

    def _assignment(self):
        from grader.course import load_course
        from grader.registry import load_registry

        if not self.course_file:
            raise ValueError(
                "c.CourseLatePenalty.course_file is not set in nbgrader_config.py: write the course again with "
                "`nngrade notebooks --force`"
            )
        course = load_course(Path(self.course_file), load_registry())
        return course.assignment(self.parent.assignment_id)

    def _nbgrader_due(self) -> tuple[dt.datetime | None, dt.timedelta]:
        """nbgrader's due date for the assignment (UTC) and the student's extension in nbgrader."""
        gradebook = self.parent.gradebook
        due = gradebook.find_assignment(self.parent.assignment_id).duedate
        submission = gradebook.find_submission(self.parent.assignment_id, self.parent.student_id)
        extension = submission.extension or dt.timedelta(0)
        return (due.replace(tzinfo=dt.timezone.utc) if due is not None else None), extension

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> Optional[float]:
        """The points the notebook loses: the course file's late penalty percent of ``score``."""
        assignment = self._assignment()
        nbgrader_due, extension = self._nbgrader_due()
        if nbgrader_due is None or assignment.due is None:
            return None
        if nbgrader_due != assignment.due.astimezone(dt.timezone.utc):
            self.log.warning(
                "nbgrader's due date for %s (%s UTC) is not the course file's (%s): lateness is counted from the "
                "course file's; set nbgrader's with `nbgrader db assignment add %s --duedate '%s'`",
                assignment.name, nbgrader_due, assignment.due.isoformat(), assignment.name, assignment.due.isoformat(),
            )
        submitted = nbgrader_due + extension + dt.timedelta(seconds=total_seconds_late)
        # An extension made in nbgrader moves the due date (and the cutoff with it), as nngrade extend does.
        cutoff = assignment.late.cutoff
        if cutoff is not None and extension:
            cutoff = (dt.datetime.fromisoformat(cutoff) + extension).isoformat()
        policy = dataclasses.replace(assignment.late, cutoff=cutoff)
        late = lateness(submitted, due=assignment.due + extension, policy=policy)
        self.log.info("%s is %d days late under the course file's policy: %g%% of %g", student_id, late.days,
                      late.penalty_percent, score)
        return score * late.penalty_percent / 100
