"""Grading students in parallel: ``nngrade grade -j N``.

With one job, students are graded in this process. With more, each job is a
worker process of the grader (started fresh, with ``spawn``, so it inherits no
threads or open databases), with a sandbox of its own; it receives one
student at a time and sends back the results. Only this process writes the
gradebook. Each process keeps one
:class:`~grader.expectations.ReferenceExpectations` for all the students it
grades, so the public checks' expected values are computed once per process.

One failure never stops the batch: an exception while grading a student
becomes that student's failure; a worker that dies (killed, out of memory) is
replaced and its student is tried once more on a fresh worker before being
recorded as a failure. Workers die with the grading process (parent-death
signal), so a killed run leaves nothing behind.

A student's grading never runs on a sandbox that failed while another
student was graded: after a student whose grading met an internal error, or
whose sandbox lost a worker, the process closes its sandbox and starts a
fresh one before the next student (:func:`sandbox_for_next`).
"""

from __future__ import annotations

import collections
import multiprocessing
import multiprocessing.connection
import os
import signal
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from grader.student_grading import GradedStudent, GradingSettings, grade_student
from grader.expectations import ReferenceExpectations
import grader.sandbox.isolation as isolation

Task = tuple[str, dict[str, bytes]]
"""(student id, module name to source)"""

MAX_ATTEMPTS = 2
"""tries per student when the worker grading it dies"""


def failure_of(student_id: str, error: BaseException) -> GradedStudent:
    lines = traceback.format_exception(type(error), error, error.__traceback__, limit=-3)
    return GradedStudent(student_id, (), 0.0, failure="".join(lines).strip())


def open_sandbox(settings: GradingSettings):
    from grader.sandbox import Sandbox

    return Sandbox(settings.limits, protected=list(settings.protected))


def sandbox_for_next(sandbox: Any, graded: GradedStudent, settings: GradingSettings) -> Any:
    """The sandbox to grade the next student with: this one, or a fresh one if this one may have failed.

    A worker that died (or stopped answering) while a student was graded
    shows as an internal error in that student's results, or as a worker
    process that has ended; either way the next student gets new workers, so
    nothing of the failure can reach their results.
    """
    from grader.results import Status

    failed = bool(graded.failure) or any(
        check.status is Status.INTERNAL_ERROR for exercise in graded.exercises for check in exercise.checks
    )
    if not failed and not sandbox.closed and sandbox.workers_alive():
        return sandbox
    sandbox.close()
    return open_sandbox(settings)


def grade_all(
    tasks: Sequence[Task],
    settings: GradingSettings,
    *,
    jobs: int,
    on_result: Callable[[GradedStudent], None],
) -> None:
    """Grade every task, calling ``on_result`` in this process as each student finishes."""
    if not tasks:
        return
    if jobs <= 1 or len(tasks) == 1:
        expectations = ReferenceExpectations()
        sandbox = open_sandbox(settings)
        try:
            for student_id, sources in tasks:
                try:
                    graded = grade_student(student_id, sources, settings, sandbox, expectations=expectations)
                except Exception as error:  # a grader fault: this student only
                    graded = failure_of(student_id, error)
                on_result(graded)
                sandbox = sandbox_for_next(sandbox, graded, settings)
        finally:
            sandbox.close()
        return
    _WorkerPool(settings, min(jobs, len(tasks))).run(tasks, on_result)


# -- worker processes -----------------------------------------------------------------


def _die_with_parent(parent: int) -> None:
    """Be killed when the grading process ends, however it ends."""
    isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _worker_main(connection: multiprocessing.connection.Connection, settings: GradingSettings, parent: int) -> None:
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    sandbox = open_sandbox(settings)
    expectations = ReferenceExpectations()
    try:
        while True:
            try:
                task = connection.recv()
            except EOFError:
                return
            if task is None:
                return
            student_id, sources = task
            try:
                graded = grade_student(student_id, sources, settings, sandbox, expectations=expectations)
            except Exception as error:
                graded = failure_of(student_id, error)
            connection.send(graded)
            sandbox = sandbox_for_next(sandbox, graded, settings)
    finally:
        sandbox.close()


@dataclass
class _Worker:
    process: Any
    connection: multiprocessing.connection.Connection
    task: Task | None = None


@dataclass
class _WorkerPool:
    settings: GradingSettings
    size: int
    workers: list[_Worker] = field(default_factory=list)

    def _start(self) -> _Worker:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_worker_main, args=(theirs, self.settings, os.getpid()), name="nngrade-grading", daemon=True
        )
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self.workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        self.workers.remove(worker)
        try:
            worker.connection.send(None)
        except OSError:
            pass
        worker.connection.close()
        worker.process.join(timeout=30)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()

    def run(self, tasks: Sequence[Task], on_result: Callable[[GradedStudent], None]) -> None:
        queue = collections.deque(tasks)
        attempts: collections.Counter[str] = collections.Counter()

        def give(worker: _Worker) -> bool:
            if not queue:
                return False
            worker.task = queue.popleft()
            attempts[worker.task[0]] += 1
            worker.connection.send(worker.task)
            return True

        try:
            for _ in range(self.size):
                give(self._start())
            while any(worker.task is not None for worker in self.workers):
                busy = [worker for worker in self.workers if worker.task is not None]
                waitables: list[Any] = [w.connection for w in busy] + [w.process.sentinel for w in busy]
                ready = set(multiprocessing.connection.wait(waitables))
                for worker in busy:
                    graded: GradedStudent | None = None
                    if worker.connection in ready:
                        try:
                            graded = worker.connection.recv()
                        except (EOFError, OSError):
                            graded = None
                    elif worker.process.sentinel not in ready:
                        continue
                    if graded is not None:
                        worker.task = None
                        on_result(graded)
                        if not give(worker):
                            self._retire(worker)
                        continue
                    # The worker died while grading its student.
                    student_id, sources = worker.task  # type: ignore[misc]
                    worker.task = None
                    worker.process.join(timeout=5)
                    code = worker.process.exitcode
                    self._retire(worker)
                    if attempts[student_id] < MAX_ATTEMPTS:
                        queue.appendleft((student_id, sources))
                    else:
                        on_result(
                            GradedStudent(
                                student_id, (), 0.0,
                                failure=f"the grading process ended (exit code {code}) while grading this submission, twice",
                            )
                        )
                    if queue:
                        give(self._start())
        finally:
            for worker in list(self.workers):
                if worker.task is not None:
                    worker.process.kill()
                self._retire(worker)
