"""How much of a submission nngrade will read: the caps on files, zips and notebooks.

A submission is a handful of small modules. The caps are far above that, and
low enough that a class folder with a stray dataset, a zip bomb or a runaway
notebook costs seconds and megabytes, not the grading machine.
"""

from __future__ import annotations

MAX_SOURCE_BYTES = 2 * 1024 * 1024
"""largest ``.py`` file read as a module (2 MB); larger is the student's problem"""

MAX_WEIGHTS_BYTES = 8 * 1024 * 1024
"""largest model weights file (``.pt``, ``.pth``) read and sent to the student's child (8 MB); a larger one is left
out with a note, and the checks that need it say it is missing"""

WEIGHTS_SUFFIXES = (".pt", ".pth")
"""the file names that hold a trained model's ``state_dict`` (``torch.save``); read as bytes, never unpickled here"""

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
"""largest ``.ipynb`` file read (20 MB): notebooks carry their outputs, plots included"""

MAX_SUBMISSION_FILES = 200
"""most ``.py`` files and notebooks at the top of one submission"""

MAX_SUBMISSION_BYTES = 50 * 1024 * 1024
"""most bytes read for one submission, and most bytes one zip may unpack to (50 MB)"""

MAX_ZIP_MEMBERS = 1000
"""most members (files and folders) in one zip"""

MAX_COMPRESSION_RATIO = 100
"""largest unpacked-to-packed size ratio of a zip member above :data:`RATIO_CHECKED_ABOVE_BYTES`"""

RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024
"""members smaller than this (1 MB) may compress as well as they like: a small file cannot be a bomb"""

MAX_TIMESTAMP_BYTES = 1024
"""largest nbgrader ``timestamp.txt`` read: it holds one line"""
