"""Loading a class's submissions for batch grading: the public façade.

:func:`find_submissions` turns the instructor's SUBMISSIONS folder into one
plain :class:`Submission` per student, reading folders of ``.py`` files, zips,
notebooks and nbgrader's ``submitted/<student>/<assignment>/`` tree, without
running or extracting anything. A student's broken entry is that student's
``problem``; only an unusable input as a whole raises :class:`SubmissionsError`.

The modules behind this façade, one feature each:

- :mod:`~grader.submissions.loader` — ``find_submissions``, the steps in order;
- :mod:`~grader.submissions.entries` — one entry per student, the roster, duplicates, unknown types;
- :mod:`~grader.submissions.nbgrader_layout` — nbgrader's collected tree;
- :mod:`~grader.submissions.student_folder` — reading a student's folder without following links;
- :mod:`~grader.submissions.zip_archive` — reading a zip in memory, refusing unsafe and bomb zips;
- :mod:`~grader.submissions.notebooks` — Python code from a notebook, IPython syntax made Python;
- :mod:`~grader.submissions.sources` — which file supplies which module;
- :mod:`~grader.submissions.timestamps` — nbgrader's ``timestamp.txt``, a timestamps CSV, file times;
- :mod:`~grader.submissions.roster`, :mod:`~grader.submissions.csv_tables` — the instructor's CSV files;
- :mod:`~grader.submissions.limits` — the caps on what is read.

Which student ids are accepted, and what an unsafe one becomes, is
:mod:`grader.student_ids`, shared with the reports that name files by id.
"""

from typing import TYPE_CHECKING

from grader.lazy_exports import lazy_getattr

if TYPE_CHECKING:
    from grader.submissions.limits import (
        MAX_COMPRESSION_RATIO,
        MAX_NOTEBOOK_BYTES,
        MAX_SOURCE_BYTES,
        MAX_SUBMISSION_BYTES,
        MAX_SUBMISSION_FILES,
        MAX_ZIP_MEMBERS,
    )
    from grader.submissions.loader import find_submissions
    from grader.submissions.submission import FORMS, Submission, SubmissionsError

_HOMES = {
    **dict.fromkeys(
        ("MAX_COMPRESSION_RATIO", "MAX_NOTEBOOK_BYTES", "MAX_SOURCE_BYTES", "MAX_SUBMISSION_BYTES",
         "MAX_SUBMISSION_FILES", "MAX_ZIP_MEMBERS"),
        "grader.submissions.limits",
    ),
    "find_submissions": "grader.submissions.loader",
    "FORMS": "grader.submissions.submission",
    "Submission": "grader.submissions.submission",
    "SubmissionsError": "grader.submissions.submission",
}
"""where each name lives; imported on first use, so that reading the limits does not load the readers"""


__getattr__ = lazy_getattr(__name__, _HOMES, globals())


__all__ = [
    "FORMS",
    "MAX_COMPRESSION_RATIO",
    "MAX_NOTEBOOK_BYTES",
    "MAX_SOURCE_BYTES",
    "MAX_SUBMISSION_BYTES",
    "MAX_SUBMISSION_FILES",
    "MAX_ZIP_MEMBERS",
    "Submission",
    "SubmissionsError",
    "find_submissions",
]
