"""Ways of delivering the exercises: a student bundle, an nbgrader course, a Gradescope autograder.

- :mod:`~grader.delivery.release_bundle` -- ``nngrade release``: the stubs, the
  runtime grader and recorded public check data, installable with pip, with
  no reference or solution code;
- :mod:`~grader.delivery.nbgrader_course` -- ``nngrade notebooks``: an nbgrader
  course whose source notebooks carry solution and hidden-test regions;
- :mod:`~grader.delivery.gradescope_autograder` -- ``nngrade gradescope``: the
  zip Gradescope runs for each submission; :mod:`~grader.delivery.gradescope_run`
  is what its ``run_autograder`` runs;
- :mod:`~grader.delivery.package_files` -- what the bundle and the zip share:
  copying packages, writing a pyproject, writing a folder or zip whole.

Each writer returns a :class:`Delivery` that says what it wrote.
"""

from grader.delivery.summary import Delivery, DeliveryError

__all__ = ["Delivery", "DeliveryError"]
