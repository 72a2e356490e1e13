"""Grading a class on a Dask cluster: ``nngrade grade ... --scheduler ADDRESS``.

The grading process (the *client*) sends each student's grading to a Dask
distributed scheduler as one task; a worker of the cluster grades the
student with :func:`~grader.student_grading.grade_student` in a sandbox of
its own and sends back the same :class:`~grader.student_grading.GradedStudent`
a local worker process sends. Only the client writes the gradebook, one
transaction per student, so resuming, ``--regrade`` and the reports work as
for local grading. ``--scheduler local:N`` starts a ``LocalCluster`` of N
single-threaded worker processes on this machine.

What a worker needs, checked when the run connects (:func:`check_workers`)
and again by every task on the worker that runs it:

- the same nngrade: its version and a fingerprint of its code (the grader
  and the reference implementations), and the same exercises, checks and
  points for the assignment; a worker that differs is refused with a
  message naming both versions;
- a sandbox with namespaces: a worker that cannot isolate student code is
  refused; each worker's protections are written once into the run's log.

A task carries everything else: the student's files (no shared filesystem is
assumed) and the grading settings with the salt, which lives in the worker's
memory only (it is never part of what Dask stores, spills or logs: a task
never raises, and the settings' text leaves the salt out).

Faults: a worker that dies while grading has its student graded again on
another worker by Dask; a student whose grading kills two workers (Dask's
``KilledWorker``) is recorded as a grader failure, as a local worker that dies
twice is, and the batch goes on; a scheduler that goes away ends the run with
:class:`ClusterLost`, every finished student already in the gradebook.

Placement: a student whose exercises need torch is tagged with the Dask
resource ``torch``, and one whose exercises want a GPU with ``GPU``, when
some worker declares that resource (``dask worker ... --resources
"torch=1,GPU=1"``); a tag no worker declares would leave the task waiting
forever, so it is dropped (with a note in the log for a GPU).

Dask is imported here only, and only when a run uses a scheduler.
"""

from __future__ import annotations

import atexit
import collections
import dataclasses
import functools
import hashlib
import json
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from grader.errors import NngradeError
from grader.student_grading import GradedStudent, GradingSettings, grade_student, nngrade_version

LOCAL_PREFIX = "local:"
"""``--scheduler local:N``: a Dask cluster of N worker processes started on this machine"""

ALLOWED_FAILURES = 1
"""workers a student's task may see die before it is given up (Dask's ``KilledWorker``): one re-run"""

CONNECT_SECONDS = 30.0
"""how long to wait for the scheduler to answer, and then for a first worker to join"""

INSTALL_HINT = "pip install 'nngrade[cluster]'"


class ClusterError(NngradeError):
    """The cluster cannot grade: no scheduler, no worker, or a worker that is not fit to grade."""


class ClusterLost(NngradeError):
    """The scheduler went away during the run; the students graded until then are in the gradebook."""


# -- what a worker is: the same on every machine --------------------------------------------------


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the grader's and the reference implementations' Python files, as installed here."""
    import importlib.util

    grader_root = Path(__file__).resolve().parent
    reference = importlib.util.find_spec("reference")
    roots = {"grader": grader_root}
    if reference is not None and reference.origin:
        roots["reference"] = Path(reference.origin).resolve().parent
    digest = hashlib.sha256()
    for name, root in roots.items():
        for path in sorted(root.rglob("*.py")):
            digest.update(f"{name}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:12]


def exercises_fingerprint(exercise_ids: Sequence[str]) -> str:
    """A hash of the assignment's exercises as this machine declares them: ids, checks, points, limits."""
    from grader.registry import load_registry

    registry = load_registry()
    described = []
    for exercise_id in exercise_ids:
        try:
            exercise = registry.get(exercise_id)
        except NngradeError:
            described.append([exercise_id, None])
            continue
        described.append([
            exercise.id,
            exercise.uses_torch,
            exercise.uses_gpu,
            sorted(exercise.limits.items()),
            [[check.name, check.points, check.hidden] for check in exercise.checks],
        ])
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Identity:
    """What must be the same on the client and on every worker."""

    version: str
    code: str
    exercises: str

    @classmethod
    def here(cls, exercise_ids: Sequence[str]) -> "Identity":
        return cls(nngrade_version(), code_fingerprint(), exercises_fingerprint(tuple(exercise_ids)))

    def named(self) -> str:
        return f"nngrade {self.version} (code {self.code}, exercises {self.exercises})"


def _mismatch(worker: str, theirs: Identity, ours: Identity) -> str:
    return (
        f"the Dask worker {worker} runs {theirs.named()}, but this machine runs {ours.named()}; "
        f"install the same nngrade on every worker (the same release, or the same checkout), "
        f"restart the workers, and run the command again"
    )


def _cannot_sandbox(worker: str, capabilities: dict[str, Any]) -> str:
    reason = capabilities.get("reason") or "unknown reason"
    return (
        f"the Dask worker {worker} cannot isolate student code: the sandbox has no namespaces there ({reason}); "
        f"grade only on workers where user namespaces are allowed (see the README's sandbox section), "
        f"or stop that worker"
    )


def protections_line(worker: str, description: dict[str, Any]) -> str:
    """One line of the run's log: a worker, where it runs, and what its sandbox enforces."""
    capabilities = description["capabilities"]
    have = [
        name
        for key, name in (
            ("namespaces", "namespaces"),
            ("drop_privileges", "a user of its own per child"),
            ("seccomp", "system-call filter"),
        )
        if capabilities.get(key)
    ]
    missing = [
        name
        for key, name in (("drop_privileges", "no privilege drop"), ("seccomp", "no system-call filter"))
        if not capabilities.get(key)
    ]
    resources = description.get("resources") or {}
    offered = f", resources {', '.join(f'{k}={v:g}' for k, v in sorted(resources.items()))}" if resources else ""
    text = ", ".join(have) + ("; " + ", ".join(missing) if missing else "")
    return f"worker {worker} on {description['host']}: nngrade {description['identity'].version}{offered}; sandbox: {text}"


# -- the worker's side ---------------------------------------------------------------------------

_capabilities_lock = threading.Lock()
_capabilities: dict[str, Any] | None = None


def _sandbox_capabilities() -> dict[str, Any]:
    """What a sandbox can enforce on this worker, found once per process."""
    global _capabilities
    with _capabilities_lock:
        if _capabilities is None:
            from grader.sandbox import Sandbox

            sandbox = Sandbox(protected=[])
            try:
                _capabilities = dict(sandbox.capabilities)
            finally:
                sandbox.close()
        return dict(_capabilities)


def _worker_address() -> str:
    from distributed import get_worker

    try:
        return get_worker().address
    except ValueError:
        return "outside a worker"


def describe_worker(exercise_ids: Sequence[str], dask_worker: Any = None) -> dict[str, Any]:
    """What a worker is (run on each worker with ``client.run``): identity, sandbox, resources, host."""
    resources: dict[str, float] = {}
    if dask_worker is not None:
        resources = dict(getattr(dask_worker.state, "total_resources", {}) or {})
    try:
        capabilities = _sandbox_capabilities()
    except Exception as error:  # the sandbox's worker did not start: report it as unable
        capabilities = {"namespaces": False, "reason": f"{type(error).__name__}: {error}"}
    return {
        "identity": Identity.here(exercise_ids),
        "capabilities": capabilities,
        "resources": resources,
        "host": socket.gethostname(),
    }


@dataclass
class _GradingState:
    """One worker thread's sandbox and reference expectations, kept for every student it grades."""

    settings: GradingSettings
    sandbox: Any
    expectations: Any


_local = threading.local()
_states: list[_GradingState] = []
_states_lock = threading.Lock()


def _close_states() -> None:
    with _states_lock:
        for state in _states:
            state.sandbox.close()
        _states.clear()


atexit.register(_close_states)


def _on_worker(settings: GradingSettings) -> GradingSettings:
    """The settings as this worker applies them: the protected paths that exist here, and this machine's defaults."""
    from grader.sandbox.sandbox import default_protected_paths

    paths = {path for path in (*settings.protected, *default_protected_paths()) if os.path.exists(path)}
    return dataclasses.replace(settings, protected=tuple(sorted(paths)))


def _state_for(settings: GradingSettings) -> _GradingState:
    from grader.expectations import ReferenceExpectations
    from grader.grading_workers import open_sandbox

    state: _GradingState | None = getattr(_local, "state", None)
    if state is not None and state.settings == settings:
        return state
    if state is not None:
        state.sandbox.close()
    state = _GradingState(settings, open_sandbox(settings), ReferenceExpectations())
    _local.state = state
    with _states_lock:
        _states.append(state)
    return state


def grade_on_worker(
    student_id: str, sources: dict[str, bytes], settings: GradingSettings, expected: Identity
) -> dict[str, Any]:
    """One task: grade one student on this worker. Never raises (Dask would log the task's arguments).

    Returns ``{"worker", "graded"}``, or ``{"worker", "refused"}`` when this
    worker is not fit to grade (another nngrade, no namespaces); the first
    task a worker runs also returns its ``description`` for the run's log.
    """
    from grader.grading_workers import failure_of, sandbox_for_next

    worker = _worker_address()
    reply: dict[str, Any] = {"worker": worker}
    try:
        mine = Identity.here(settings.exercise_ids)
        if mine != expected:
            reply["refused"] = _mismatch(worker, mine, expected)
            return reply
        capabilities = _sandbox_capabilities()
        if not capabilities.get("namespaces"):
            reply["refused"] = _cannot_sandbox(worker, capabilities)
            return reply
        state = _state_for(_on_worker(settings))
        try:
            graded = grade_student(student_id, sources, state.settings, state.sandbox, expectations=state.expectations)
        except Exception as error:  # a grader fault: this student only
            graded = failure_of(student_id, error)
        state.sandbox = sandbox_for_next(state.sandbox, graded, state.settings)
    except Exception as error:
        graded = failure_of(student_id, error)
    reply["graded"] = graded
    return reply


# -- the client's side ---------------------------------------------------------------------------


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise ClusterError(
            f"grading on a Dask cluster needs Dask's distributed scheduler, which is not installed; "
            f"install it with {INSTALL_HINT} (on this machine and on every worker)"
        ) from None
    return distributed


def local_workers(scheduler: str) -> int | None:
    """N for ``local:N``; None for a scheduler's address."""
    if not scheduler.startswith(LOCAL_PREFIX):
        return None
    return int(scheduler[len(LOCAL_PREFIX):])


class _Connection:
    """A client of the scheduler (and the local cluster it started, for ``local:N``)."""

    def __init__(self, scheduler: str) -> None:
        import dask

        distributed = _import_distributed()
        self.scheduler = scheduler
        self.cluster = None
        count = local_workers(scheduler)
        # Dask's statistical profiler samples each task's stack every 10 ms, and grading is many short
        # exchanges with the sandbox: off, a local cluster's students take about 15% less time each.
        config = {"distributed.scheduler.allowed-failures": ALLOWED_FAILURES, "distributed.worker.profile.enabled": False}
        with dask.config.set(config):
            if count is not None:
                import logging

                self.cluster = distributed.LocalCluster(
                    n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                address = self.cluster.scheduler_address
            else:
                address = scheduler
            try:
                self.client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
            except (OSError, TimeoutError) as error:
                self._close_cluster()
                raise ClusterError(
                    f"cannot reach the Dask scheduler at {scheduler} ({error}); start one with `dask scheduler` "
                    f"and pass the address it prints (tcp://HOST:8786), or use --scheduler local:2"
                ) from None

    def _close_cluster(self) -> None:
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def close(self) -> None:
        try:
            self.client.close(timeout=10)
        except Exception:
            pass  # a scheduler that went away
        self._close_cluster()


def check_workers(client: Any, exercise_ids: Sequence[str], note: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """Wait for a worker, then ask every worker what it is; refuse the run if one is unfit. Returns the descriptions."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except (TimeoutError, OSError):
        raise ClusterError(
            f"no Dask worker joined the scheduler at {client.scheduler.address} within {CONNECT_SECONDS:g} s; "
            f"start workers with `dask worker {client.scheduler.address} --nthreads 1`"
        ) from None
    ours = Identity.here(exercise_ids)
    descriptions = client.run(describe_worker, tuple(exercise_ids))
    for worker, description in sorted(descriptions.items()):
        if description["identity"] != ours:
            raise ClusterError(_mismatch(worker, description["identity"], ours))
        if not description["capabilities"].get("namespaces"):
            raise ClusterError(_cannot_sandbox(worker, description["capabilities"]))
    for worker, description in sorted(descriptions.items()):
        note(protections_line(worker, description))
    return descriptions


def resources_for(exercises: Iterable[Any], offered: Iterable[str], note: Callable[[str], None]) -> dict[str, float]:
    """The Dask resources a student's task asks for: torch and GPU, where some worker declares them."""
    exercises = list(exercises)
    offered = set(offered)
    wanted: dict[str, float] = {}
    if any(exercise.uses_torch for exercise in exercises) and "torch" in offered:
        wanted["torch"] = 1
    gpu = [exercise.id for exercise in exercises if exercise.uses_gpu]
    if gpu:
        if "GPU" in offered:
            wanted["GPU"] = 1
        else:
            note(
                f"{', '.join(gpu)} want a GPU, but no worker declares one (dask worker ... --resources GPU=1); "
                f"they are graded on any worker"
            )
    return wanted


@dataclass
class ClusterRun:
    """What the cluster did: students graded per worker, the workers' log lines."""

    scheduler: str
    per_worker: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    workers: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


def grade_on_cluster(
    tasks: Sequence[tuple[str, dict[str, bytes]]],
    settings: GradingSettings,
    *,
    scheduler: str,
    exercises: Sequence[Any],
    on_result: Callable[[GradedStudent], None],
    note: Callable[[str], None],
) -> ClusterRun:
    """Grade every task on the cluster, calling ``on_result`` in this process as each student finishes."""
    run = ClusterRun(scheduler)
    if not tasks:
        return run
    connection = _Connection(scheduler)
    try:
        _grade(connection.client, tasks, settings, exercises, on_result, note, run)
    finally:
        connection.close()
    return run


def _grade(client, tasks, settings, exercises, on_result, note, run: ClusterRun) -> None:
    from distributed import as_completed
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    exercise_ids = settings.exercise_ids
    run.workers = check_workers(client, exercise_ids, note)
    if local_workers(run.scheduler) is None:
        # A scheduler started by hand keeps Dask's default of 3 re-runs; one is enough to tell a dead worker
        # from a student whose grading kills workers.
        client.run_on_scheduler(_allow_failures, ALLOWED_FAILURES)
    offered = {name for description in run.workers.values() for name in description["resources"]}
    resources = resources_for(exercises, offered, note) or None
    expected = Identity.here(exercise_ids)
    batch = uuid.uuid4().hex[:8]
    students: dict[Any, str] = {}
    for position, (student_id, sources) in enumerate(tasks):
        future = client.submit(
            grade_on_worker, student_id, sources, settings, expected,
            key=f"nngrade-grade-{batch}-{position}", pure=False, resources=resources,
        )
        students[future] = student_id
    finished = 0
    try:
        for future in as_completed(list(students), loop=client.loop):
            student_id = students.pop(future)
            try:
                reply = future.result()
            except KilledWorker:
                on_result(GradedStudent(
                    student_id, (), 0.0,
                    failure=f"the Dask worker grading this submission died, and so did the one that graded it again "
                            f"(a worker's memory limit, or a machine that went down)",
                ))
                finished += 1
                continue
            except (FutureCancelledError, OSError, TimeoutError) as error:
                raise _lost(run, finished, len(tasks), error) from None
            worker = reply["worker"]
            if "refused" in reply:
                raise ClusterError(reply["refused"])
            if worker not in run.workers:
                # A worker that joined after the run started: checked by its task, described once here.
                run.workers[worker] = client.run(describe_worker, tuple(exercise_ids), workers=[worker]).get(worker, {})
                if run.workers[worker]:
                    note(protections_line(worker, run.workers[worker]))
            run.per_worker[worker] += 1
            on_result(reply["graded"])
            finished += 1
    except (FutureCancelledError, OSError, TimeoutError) as error:
        raise _lost(run, finished, len(tasks), error) from None
    finally:
        for future in students:
            future.release()


def _allow_failures(count: int, dask_scheduler: Any = None) -> None:
    if dask_scheduler is not None:
        dask_scheduler.allowed_failures = count


def _lost(run: ClusterRun, finished: int, total: int, error: BaseException) -> ClusterLost:
    return ClusterLost(
        f"the connection to the Dask scheduler at {run.scheduler} was lost "
        f"({type(error).__name__}: {str(error).splitlines()[0] if str(error) else 'no answer'}) "
        f"after {finished} of {total} students; the {finished} graded are saved in the gradebook. Start the "
        f"scheduler and its workers again and run the same command: it grades only the students not yet graded"
    )
