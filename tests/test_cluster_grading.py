"""`nngrade grade --scheduler`: a class graded on a real Dask cluster, beside the same class graded here.

The tests start a scheduler and two workers as real processes on this
machine (`dask scheduler`, `dask worker`, each worker under Dask's nanny, as
an instructor starts them), and grade a class of honest students, the sample
class's students and hostile submissions with the real `nngrade grade`
command. The cluster's gradebook must equal a local `-j 2` run's check by
check, while a worker is killed in the middle of grading a student; a student
whose grading kills two workers is that student's grader failure; a client
killed with SIGKILL resumes with no student lost or twice; a scheduler that
goes away ends the run with the finished students saved and a message saying
how to resume; a worker with another nngrade is refused, naming both versions.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from grader.cluster_grading import nngrade_version
from grader.records import GRADER_FAULT
from test_hostile_submissions import CASES, World, _write, allowed_folders

pytest.importorskip("distributed", reason="the cluster tests need nngrade[cluster] (make test installs it)")

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SAMPLE = ROOT / "examples" / "class" / "submissions"

pytestmark = pytest.mark.slow

COURSE = """
salt = "cluster-test-salt"
timezone = "UTC"

[sandbox]
cpu_seconds = 1
wall_seconds = 10

[assignments.c]
title = "Perceptrons"
exercises = ["perceptron.predict", "perceptron.train"]
due = 2030-01-01T00:00:00Z
"""

HOSTILE = (
    "infinite_loop", "fork_bomb", "sys_exit", "os_exit", "keyboard_interrupt", "segfault_through_ctypes",
    "recursion_bomb", "kill_every_process", "read_solutions", "read_course_file_and_salt", "import_reference",
    "monkeypatch_numpy", "monkeypatch_builtins", "print_forged_result", "write_garbage_on_the_grader_channel",
    "custom_eq", "nan_array", "import_time_exit", "not_utf8", "wrong_signature",
)
SAMPLE_STUDENTS = ("ada", "ben", "eli", "gus", "jo", "omar")
"""the sample class's students with their own perceptron.py (jo's is hostile)"""
HONEST = 8

SLEEPER = "import time\n\ndef predict(w, X):\n    time.sleep(60)\n"
"""a student whose calls run to the wall-clock limit: long enough to find the worker grading it"""


# -- processes ---------------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, str, float]]:
    """Every running process: pid to (parent pid, command line, start in seconds since boot)."""
    ticks = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":
            continue  # ended, not yet reaped: a sandbox reaps its children when it next starts one
        table[int(entry)] = (int(fields[1]), command, int(fields[19]) / ticks)
    return table


def _uptime() -> float:
    return float(Path("/proc/uptime").read_text().split()[0])


def grading_workers(nannies: set[int], *, busy_for: float = 0.0) -> list[int]:
    """The Dask worker processes (children of ``nannies``) whose sandbox has a student's child running for ``busy_for`` s."""
    table = _processes()
    now = _uptime()
    found = []
    for pid, (parent, command, _) in table.items():
        if "grader/sandbox/worker.py" not in command or parent not in table or table[parent][0] not in nannies:
            continue
        supervisors = [p for p, (pp, _, started) in table.items() if pp == pid and now - started >= busy_for]
        if supervisors:
            found.append(parent)
    return found


class Cluster:
    """A scheduler and its workers, started as an instructor starts them."""

    def __init__(self, folder: Path, workers: int, *, nanny: bool = True, env: dict[str, str] | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        scheduler_file = folder / "scheduler.json"
        self.scheduler = subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(scheduler_file)],
            stdout=subprocess.DEVNULL, stderr=open(folder / "scheduler.log", "wb"), start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() or not scheduler_file.read_text().strip():
            assert time.monotonic() < deadline and self.scheduler.poll() is None, (folder / "scheduler.log").read_text()
            time.sleep(0.1)
        time.sleep(0.1)
        self.address = json.loads(scheduler_file.read_text())["address"]
        self.workers = [
            subprocess.Popen(
                [str(BIN / "dask"), "worker", self.address, "--nthreads", "1", "--no-dashboard",
                 "--local-directory", str(folder / f"w{index}"), *([] if nanny else ["--no-nanny"])],
                stdout=subprocess.DEVNULL, stderr=open(folder / f"worker{index}.log", "wb"), start_new_session=True,
                cwd=folder, env={**os.environ, **(env or {})},
            )
            for index in range(workers)
        ]
        self.wait_for_workers(workers)

    @property
    def nannies(self) -> set[int]:
        return {worker.pid for worker in self.workers}

    def wait_for_workers(self, count: int | None = None) -> None:
        from distributed import Client

        with Client(self.address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(count or len(self.workers), timeout=90)

    def close(self) -> None:
        for process in (*self.workers, self.scheduler):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def cluster_of(folder: Path, workers: int, **options) -> Iterator[Cluster]:
    cluster = Cluster(folder, workers, **options)
    try:
        yield cluster
    finally:
        cluster.close()


# -- the class ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course folder: its course file and a class of honest, sample and hostile submissions."""
    folder = tmp_path_factory.mktemp("cluster-course")
    (folder / "course.toml").write_text(COURSE)
    submissions = folder / "submissions"
    for index in range(HONEST):
        (submissions / f"honest-{index:02d}").mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / "perceptron.py", submissions / f"honest-{index:02d}")
    for student in SAMPLE_STUDENTS:
        (submissions / f"sample-{student}").mkdir()
        shutil.copy(SAMPLE / student / "perceptron.py", submissions / f"sample-{student}")
    (folder / "sentinel").write_text("sentinel\n")
    world = World(folder, folder / "sentinel", folder / "sentinel", 9, None, 9, allowed_folders())
    cases = {case.name: case for case in CASES}
    for name in HOSTILE:
        (submissions / f"attack-{name}").mkdir()
        _write(submissions / f"attack-{name}", cases[name].source, world)
    assert len(os.listdir(submissions)) >= 30
    return folder


def nngrade(course: Path, submissions: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "grader.cli", "grade", str(submissions), "-a", "c", "-o", str(out),
         "--course", str(course / "course.toml"), "-q", *extra],
        cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def finished(process: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=timeout)
    return process.returncode, stdout, stderr


def checks(out: Path) -> dict[str, dict[str, tuple]]:
    """Every student's checks: status, score, most, feedback and output; with the submission's score and problem."""
    with sqlite3.connect(out / "gradebook.sqlite") as book:
        found: dict[str, dict[str, tuple]] = {}
        for student, score, problem in book.execute("SELECT student, score, problem FROM submissions"):
            found[student] = {"": (score, problem)}
        for student, check, *outcome in book.execute(
            "SELECT student, exercise_id || '::' || check_name, status, score, max_score, feedback, output "
            "FROM check_results"
        ):
            found[student][check] = tuple(outcome)
        for student, exercise, check, mistake in book.execute(
            "SELECT student, exercise_id, check_name, mistake FROM named_mistakes"
        ):
            found[student][f"{exercise}::{check}::{mistake}"] = ("named",)
    book.close()
    return found


def saved(out: Path) -> int:
    try:
        with sqlite3.connect(out / "gradebook.sqlite", timeout=5) as book:
            count = book.execute("SELECT count(*) FROM submissions").fetchone()[0]
        book.close()
        return count
    except sqlite3.Error:
        return 0


def wait_until(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def graded_here(course) -> dict[str, dict[str, tuple]]:
    """The class graded on this machine with two worker processes: what the cluster must reproduce."""
    code, stdout, stderr = finished(nngrade(course, course / "submissions", course / "out-local", "-j", "2"))
    graded = checks(course / "out-local")
    assert code == graded_here_exit(graded), stderr
    return graded


@pytest.fixture(scope="module")
def cluster(course, tmp_path_factory) -> Iterator[Cluster]:
    with cluster_of(tmp_path_factory.mktemp("dask"), 2) as started:
        yield started


# -- the tests ---------------------------------------------------------------------------------


def test_a_cluster_grades_the_class_as_this_machine_does_while_a_worker_is_killed(course, cluster, graded_here):
    out = course / "out-cluster"
    run = nngrade(course, course / "submissions", out, "--scheduler", cluster.address)
    wait_until(lambda: saved(out) >= 4 or run.poll() is not None, "the first students")
    wait_until(lambda: grading_workers(cluster.nannies) or run.poll() is not None, "a worker grading a student")
    killed = grading_workers(cluster.nannies)
    assert killed, "the run ended before a worker could be killed while grading"
    os.kill(killed[0], signal.SIGKILL)
    code, stdout, stderr = finished(run)
    assert code == graded_here_exit(graded_here), stderr
    on_cluster = checks(out)
    assert sorted(on_cluster) == sorted(graded_here)
    for student, outcome in graded_here.items():
        assert on_cluster[student] == outcome, student
    # Each worker's sandbox is written into the log once, the worker restarted by its nanny included.
    protections = [line for line in stderr.splitlines() if line.startswith("worker tcp://")]
    assert len(protections) >= 2 and all("sandbox: namespaces" in line for line in protections), stderr
    assert len(protections) == len({line.split()[1] for line in protections})
    problems = sum(1 for student in graded_here.values() if student[""][1])
    assert f"{len(graded_here)} submissions: {len(graded_here) - problems} graded, 0 unchanged, {problems} with " \
           f"problems, 0 grader failures" in stdout
    counts = next(line for line in stdout.splitlines() if line.startswith("graded on "))
    assert sum(int(part.rsplit(" ", 1)[1]) for part in counts.split(": ", 1)[1].split(", ")) == len(graded_here) - problems


def graded_here_exit(graded: dict[str, dict[str, tuple]]) -> int:
    """The exit status a run of this class ends with: 3 when a check was left with an internal error (or a student
    with a grader fault), else 4 when a submission could not be graded (a row with a problem), else 0."""
    internal = any(outcome[0] == "internal error" for student in graded.values() for key, outcome in student.items() if key)
    problems = [student[""][1] for student in graded.values() if student[""][1]]
    if internal or any(problem.startswith(GRADER_FAULT) for problem in problems):
        return 3
    return 4 if problems else 0


def test_a_student_whose_grading_kills_two_workers_is_that_students_failure(course, cluster, tmp_path):
    cluster.wait_for_workers()
    (tmp_path / "class" / "sleeper").mkdir(parents=True)
    (tmp_path / "class" / "sleeper" / "perceptron.py").write_text(SLEEPER)
    for name in ("honest-00", "honest-01"):
        shutil.copytree(course / "submissions" / name, tmp_path / "class" / name)
    out = tmp_path / "out"
    run = nngrade(course, tmp_path / "class", out, "--scheduler", cluster.address)
    killed: list[int] = []

    def grading_the_sleeper() -> list[int]:
        return [pid for pid in grading_workers(cluster.nannies, busy_for=1.0) if pid not in killed]

    for _ in range(2):
        wait_until(lambda: grading_the_sleeper() or run.poll() is not None, "a worker grading the sleeper")
        assert run.poll() is None, run.communicate()
        killed.append(grading_the_sleeper()[0])
        os.kill(killed[-1], signal.SIGKILL)
    code, stdout, stderr = finished(run)
    assert code == 3, stderr
    with sqlite3.connect(out / "gradebook.sqlite") as book:
        rows = dict(book.execute("SELECT student, problem FROM submissions"))
    assert sorted(rows) == ["honest-00", "honest-01", "sleeper"]
    assert rows["honest-00"] == rows["honest-01"] == ""
    assert "internal error" in rows["sleeper"] and "died" in rows["sleeper"], rows["sleeper"]
    assert "1 grader failures" in stdout


def test_a_client_killed_with_sigkill_resumes_with_no_student_lost_or_twice(course, cluster, graded_here, tmp_path):
    cluster.wait_for_workers()
    students = sorted(name for name in graded_here if not name.startswith("attack-"))
    for name in students:
        shutil.copytree(course / "submissions" / name, tmp_path / "class" / name)
    out = tmp_path / "out"
    run = nngrade(course, tmp_path / "class", out, "--scheduler", cluster.address)
    wait_until(lambda: saved(out) >= 4 or run.poll() is not None, "four students in the gradebook")
    run.kill()
    run.wait()
    before = saved(out)
    assert 4 <= before < len(students)
    # The next run may grade on a cluster of its own (local:2) or anywhere: the gradebook decides what is left.
    code, stdout, stderr = finished(nngrade(course, tmp_path / "class", out, "--scheduler", "local:2"))
    assert code == 0, stderr
    assert f"{len(students) - before} graded, {before} unchanged" in stdout
    resumed = checks(out)
    assert sorted(resumed) == students
    for student in students:
        assert resumed[student] == graded_here[student], student


def test_a_scheduler_that_goes_away_ends_the_run_saying_how_to_resume(course, tmp_path):
    students = ["sample-ada", "attack-infinite_loop", "honest-00", "honest-01", "sample-ben", "sample-jo"]
    for name in students:
        shutil.copytree(course / "submissions" / name, tmp_path / "class" / name)
    out = tmp_path / "out"
    with cluster_of(tmp_path / "dask", 1, nanny=False) as lone:
        run = nngrade(course, tmp_path / "class", out, "--scheduler", lone.address)
        wait_until(lambda: saved(out) >= 1 or run.poll() is not None, "a first student")
        os.killpg(lone.scheduler.pid, signal.SIGKILL)
        code, stdout, stderr = finished(run, timeout=120)
    assert code == 3, stderr
    assert "the connection to the Dask scheduler" in stderr and "run the same command" in stderr, stderr
    kept = saved(out)
    assert 1 <= kept < len(students)
    code, stdout, stderr = finished(nngrade(course, tmp_path / "class", out, "-j", "2"))
    assert f"{len(students) - kept} graded, {kept} unchanged" in stdout, stdout + stderr


def test_a_worker_with_another_nngrade_is_refused_naming_both_versions(course, tmp_path):
    # Another release on the worker: its own nngrade metadata comes first on the worker's path.
    other = tmp_path / "other-release"
    (other / "nngrade-9.9.9.dist-info").mkdir(parents=True)
    (other / "nngrade-9.9.9.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: nngrade\nVersion: 9.9.9\n")
    with cluster_of(tmp_path / "dask", 1, nanny=False, env={"PYTHONPATH": str(other)}) as stranger:
        code, stdout, stderr = finished(nngrade(course, course / "submissions", tmp_path / "out", "--scheduler",
                                                stranger.address, "--student", "honest-00"))
    assert code == 2, stdout + stderr
    assert "runs nngrade 9.9.9" in stderr and f"this machine runs nngrade {nngrade_version()}" in stderr, stderr
    assert saved(tmp_path / "out") == 0


def test_a_scheduler_that_is_not_one_is_a_usage_error_naming_the_fix(course, tmp_path, capsys):
    from grader.cli import main
    from grader.course import CourseFileError, load_course
    from grader.registry import load_registry

    arguments = ["grade", str(course / "submissions"), "-a", "c", "-o", str(tmp_path / "out"),
                 "--course", str(course / "course.toml")]
    assert main([*arguments, "--scheduler", "local:zero"]) == 2
    assert "after 'local:' comes the number of workers" in capsys.readouterr().err
    assert main([*arguments, "--scheduler", "local:2", "-j", "2"]) == 2
    assert "choose -j" in capsys.readouterr().err
    broken = tmp_path / "course.toml"
    broken.write_text(COURSE.replace('timezone = "UTC"', 'timezone = "UTC"\nscheduler = "lab-1"'))
    with pytest.raises(CourseFileError, match=r"course.toml: scheduler: 'lab-1' is not a scheduler's address"):
        load_course(broken, load_registry())
