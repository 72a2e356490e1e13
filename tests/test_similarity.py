"""Similar submissions and tampering flags: copydetect's fingerprints over a class, and what grading saw.

A real class is graded with `nngrade grade` (a subprocess, the real sandbox): two near-copies of the
solution (one with its variables renamed), an independent solution, two students who handed the stub
back, and hostile submissions taken from the hostile suite (salt hunting, a forged result, garbage on
the grader's channel). The near-copies are paired above the threshold, the independent solution is
not, the stub never counts, every hostile submission is flagged and keeps the score its answers earned,
and `nngrade report` rebuilds the same page from the gradebook alone.
"""

from __future__ import annotations

import csv
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader.similarity import DEFAULT_THRESHOLD, matching_lines, similar_pairs
from test_hostile_submissions import CASES, World, _write, allowed_folders, server_folder

ROOT = Path(__file__).resolve().parent.parent
STUB = (ROOT / "exercises" / "perceptron.py").read_text()
SOLUTION = (ROOT / "solutions" / "perceptron.py").read_text()

RENAMES = {"net": "activation", "X": "patterns", "A": "augmented", "trajectory": "history", "y": "outputs",
           "step": "count", "updates": "changes", "epoch": "sweep", "weights": "table", "a": "x_aug"}


def renamed_copy(source: str) -> str:
    """The solution with its variables renamed, as a student hiding a copy would."""
    for old, new in RENAMES.items():
        source = re.sub(rf"\b{old}\b", new, source)
    return source.replace("# a copy: the caller's w stays as it was", "# copy it")


# The stub as handed out, with each function written independently below it (a later def wins).
INDEPENDENT = STUB + '''

def predict(w, X):
    out = []
    for row in X:
        total = w[0]
        for j in range(len(row)):
            total += w[j + 1] * row[j]
        out.append(1 if total > 0 else -1)
    return np.array(out)


def gate_weights(gate):
    if gate == "AND":
        return np.array([-1.5, 1.0, 1.0])
    if gate == "OR":
        return np.array([-0.5, 1.0, 1.0])
    return np.array([1.5, -1.0, -1.0])


def learning_step(w, x, d, eta):
    xa = [1.0] + [float(v) for v in x]
    s = sum(wi * xi for wi, xi in zip(w, xa))
    o = 1 if s > 0 else -1
    return np.array([wi + eta * (d - o) / 2 * xi for wi, xi in zip(w, xa)], dtype=float)


def train(X, d, w0, eta, order, max_updates=1000):
    ws = [np.array(w0, dtype=float)]
    k = 0
    while len(ws) <= max_updates:
        wrong = [i for i in range(len(X)) if predict(ws[-1], [X[i]])[0] != d[i]]
        if not wrong:
            break
        i = order[k % len(order)]
        k += 1
        if i in wrong:
            ws.append(learning_step(ws[-1], X[i], d[i], eta))
    return np.stack(ws)


def is_linearly_separable(X, d, max_epochs=100):
    w = np.zeros(len(X[0]) + 1)
    for _ in range(max_epochs):
        changed = False
        for i in range(len(X)):
            new = learning_step(w, X[i], d[i], 1.0)
            changed = changed or not np.array_equal(new, w)
            w = new
        if not changed:
            return True
    return False
'''

COURSE = """
salt = "similarity-test-salt"
timezone = "UTC"

[sandbox]
cpu_seconds = 2
wall_seconds = 5

[assignments.h]
title = "Perceptron predictions"
exercises = ["perceptron.predict"]
due = 2030-01-01T00:00:00Z
"""

HOSTILE = {case.name: case for case in CASES}
SALT_HUNT = HOSTILE["read_course_file_and_salt"]
FORGED = HOSTILE["print_forged_result"]
GARBAGE = HOSTILE["write_garbage_on_the_grader_channel"]


# -- the pairs, without grading ---------------------------------------------------------------------


def test_near_copies_are_paired_and_an_independent_solution_is_not() -> None:
    sources = {"copy-a": {"perceptron": SOLUTION}, "copy-b": {"perceptron": renamed_copy(SOLUTION)},
               "own": {"perceptron": INDEPENDENT}}
    assert renamed_copy(SOLUTION) != SOLUTION
    pairs = similar_pairs(sources, stubs={"perceptron": STUB})
    assert [(pair.student_a, pair.student_b) for pair in pairs] == [("copy-a", "copy-b")]
    assert pairs[0].similarity >= 0.9
    every = {(p.student_a, p.student_b): p.similarity for p in similar_pairs(sources, stubs={"perceptron": STUB},
                                                                               threshold=0.0)}
    assert every[("copy-a", "own")] < DEFAULT_THRESHOLD and every[("copy-b", "own")] < DEFAULT_THRESHOLD


def test_the_stub_never_counts() -> None:
    """Two students who each add a different short function below the stub share only the stub's text."""
    mine = STUB + "\n\ndef predict(w, X):\n    return np.sign(np.asarray(X) @ np.asarray(w)[1:] + w[0]) * 2 - 1\n"
    theirs = STUB + "\n\ndef gate_weights(gate):\n    return {'OR': np.ones(3), 'AND': -np.ones(3)}.get(gate)\n"
    sources = {"mine": {"perceptron": mine}, "theirs": {"perceptron": theirs}, "stub-only": {"perceptron": STUB}}
    # Without the stub as boilerplate, its docstrings make the two look alike.
    assert ("mine", "theirs") in [(pair.student_a, pair.student_b) for pair in similar_pairs(sources)]
    assert similar_pairs(sources, stubs={"perceptron": STUB}, threshold=0.0) == []


def test_matching_lines_are_the_lines_a_span_touches() -> None:
    source = "a = 1\nb = 2\nc = 3\n"
    assert matching_lines(source, [(0, 3)]) == {1}
    assert matching_lines(source, [(4, 9)]) == {1, 2}
    assert matching_lines(source, [(12, 17)]) == {3}


# -- a class graded for real ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = Path(tempfile.mkdtemp(prefix="nngrade-similarity-", dir=server_folder()))
    (course / "course.toml").write_text(COURSE)
    world = World(course, course / "sentinel", course / "home-sentinel", 9, None, 9, allowed_folders())
    submissions = course / "submissions"
    students = {
        "copy-a": SOLUTION, "copy-b": renamed_copy(SOLUTION), "own": INDEPENDENT, "stub-1": STUB, "stub-2": STUB,
    }
    for name, source in students.items():
        (submissions / name).mkdir(parents=True)
        (submissions / name / "perceptron.py").write_text(source)
    # The solution with the hostile suite's salt hunt below it: its answers are right.
    (submissions / "salt-hunter").mkdir()
    _write(submissions / "salt-hunter", SALT_HUNT.source, world)
    hunt = (submissions / "salt-hunter" / "perceptron.py").read_text().replace("def predict(", "def hunt(")
    (submissions / "salt-hunter" / "perceptron.py").write_text(hunt + "\n\nHUNTED = hunt(None, None)\n\n" + SOLUTION)
    for name, case in (("forger", FORGED), ("garbage", GARBAGE)):
        (submissions / name).mkdir()
        _write(submissions / name, case.source, world)
    out = course / "out"
    result = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(submissions), "-a", "h", "-o", str(out),
         "--course", str(course / "course.toml"), "-j", "2", "-q"],
        cwd=course, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    yield out
    shutil.rmtree(course, ignore_errors=True)


def flags_of(out: Path) -> dict[str, list[tuple[str, str]]]:
    with sqlite3.connect(out / "gradebook.sqlite") as book:
        rows = book.execute("SELECT student, kind, evidence FROM tampering_flags ORDER BY student, position").fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for student, kind, evidence in rows:
        found.setdefault(student, []).append((kind, evidence))
    return found


def finals(out: Path) -> dict[str, str]:
    with open(out / "grades.csv", newline="") as table:
        return {row["student"]: row["final"] for row in csv.DictReader(table)}


def listed_pairs(page: str) -> set[frozenset[str]]:
    rows = re.findall(r'<tr><td><a href="[^"]*#pair-\d+">\d+</a></td><td><a[^>]*><code>([^<]+)</code></a></td>'
                      r'<td><a[^>]*><code>([^<]+)</code></a></td>', page)
    return {frozenset(row) for row in rows}


def test_the_near_copies_are_paired_and_nothing_else_of_theirs(graded: Path) -> None:
    page = (graded / "similarity.html").read_text()
    pairs = listed_pairs(page)
    assert frozenset({"copy-a", "copy-b"}) in pairs
    assert not any("own" in pair for pair in pairs)
    assert not any(student in pair for pair in pairs for student in ("stub-1", "stub-2"))
    # Side by side: both modules, the renamed variable on the right, matching lines marked.
    first = page.index('id="pair-1"')
    assert 'class="match"' in page[first:] and "activation" in page[first:]


def test_every_hostile_submission_is_flagged_and_keeps_its_score(graded: Path) -> None:
    flags = flags_of(graded)
    assert set(flags) == {"salt-hunter", "forger", "garbage"}, flags
    assert any(kind == "protected files" and "course.toml" in evidence for kind, evidence in flags["salt-hunter"])
    assert any(kind == "forged results" and '"score": 100' in evidence for kind, evidence in flags["forger"])
    assert any(kind == "forged results" and "malformed" in evidence for kind, evidence in flags["garbage"])
    scores = finals(graded)
    # The salt hunter's answers are the solution's: full marks, as the honest copy; the forgery earned nothing.
    assert scores["salt-hunter"] == scores["copy-a"] == "5"
    assert scores["forger"] == "0"


def test_the_class_report_has_both_sections_and_links_the_page(graded: Path) -> None:
    report = (graded / "report.html").read_text()
    for title in ("Similar submissions", "Flags"):
        heading = re.search(rf'<h2 id="([^"]+)">{title}</h2>', report)
        assert heading, title
        assert f'href="#{heading.group(1)}"' in report  # in the table of contents
    assert 'href="similarity.html"' in report
    assert "salt-hunter" in report[report.index(">Flags</h2>"):]


def test_report_rebuilds_the_page_from_the_gradebook_and_keeps_the_threshold(graded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(graded, copy)
    before = (copy / "similarity.html").read_text()
    (copy / "similarity.html").unlink()
    rebuilt = subprocess.run([sys.executable, "-m", "grader.cli", "report", str(copy)], capture_output=True,
                             text=True, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (copy / "similarity.html").read_text() == before
    # A threshold of 95% lists the near-copies only; it is kept for the next rebuild.
    listed = subprocess.run([sys.executable, "-m", "grader.cli", "similarity", str(copy), "--threshold", "0.95"],
                            capture_output=True, text=True, timeout=300)
    assert listed.returncode == 0, listed.stderr
    assert re.findall(r"^  (\S+)  (\S+)  \d+%", listed.stdout, re.MULTILINE) == [("copy-a", "copy-b")]
    subprocess.run([sys.executable, "-m", "grader.cli", "report", str(copy)], capture_output=True, timeout=300)
    assert "at least 95%" in (copy / "similarity.html").read_text()


# -- the gradebook's tables ---------------------------------------------------------------------------


def test_an_older_gradebook_gains_the_tables_and_a_flag_of_another_kind_is_damage(tmp_path: Path) -> None:
    from grader.gradebook import DamagedGradebook, Gradebook
    from grader.tampering import TamperingFlag
    from report_records import ASSIGNMENT, record_of

    with Gradebook.open(tmp_path) as book:
        book.set_assignment(ASSIGNMENT)
        book.save(record_of("alice"), fingerprint="f", sources={"perceptron": SOLUTION},
                  flags=[TamperingFlag("forged results", "printed a score")])
        book.save(record_of("bob"), fingerprint="f")
    with sqlite3.connect(tmp_path / "gradebook.sqlite") as db:
        assert db.execute("SELECT student, module FROM submitted_sources").fetchall() == [("alice", "perceptron")]
        db.execute("DROP TABLE submitted_sources")
        db.execute("DROP TABLE tampering_flags")
    db.close()
    with Gradebook.open(tmp_path) as book:  # written before the tables: it gains them, empty
        assert book.submitted_sources() == {} and book.tampering_flags() == {}
        book.save(record_of("alice"), fingerprint="f", sources={"perceptron": SOLUTION},
                  flags=[TamperingFlag("protected files", "names course.toml")])
        book.save(record_of("alice"), fingerprint="g")  # saved again without sources: they stay
        book.keep_sources("bob", {"perceptron": STUB})
        book.keep_sources("bob", {"perceptron": SOLUTION})  # only when none are kept
        assert book.submitted_sources() == {"alice": {"perceptron": SOLUTION}, "bob": {"perceptron": STUB}}
        assert book.tampering_flags() == {}
    with sqlite3.connect(tmp_path / "gradebook.sqlite") as db:
        db.execute("INSERT INTO tampering_flags VALUES ('alice', 0, 'cheating', 'made up')")
    db.close()
    with pytest.raises(DamagedGradebook, match=r"'tampering_flags' is of a kind \('cheating'\)"):
        Gradebook.open(tmp_path)


# -- each kind of flag, from what the sandbox reports ----------------------------------------------


def record_with(feedback: str, output: str = ""):
    from grader.records import StudentRecord
    from grader.results import CheckResult, ExerciseResult, Status

    check = CheckResult("perceptron.predict", "predict_hidden", "a hidden check", Status.ERRORED, 0.0, 1.0,
                        feedback, output=output)
    return StudentRecord("student", exercises=(ExerciseResult("perceptron.predict", "predict", checks=(check,)),))


def traceback(line: str, error: str) -> str:
    return ("'predict' raised OSError:\nTraceback (most recent call last, your code only):\n"
            f'  File "perceptron.py", line 3, in predict\n    {line}\n{error}\n')


@pytest.mark.parametrize(
    ("feedback", "output", "kind"),
    [
        (traceback("open('/srv/course/pwned.txt', 'w').write('x')",
                   "OSError: [Errno 30] Read-only file system: '/srv/course/pwned.txt'"), "", "write outside its folder"),
        (traceback("os.remove('/srv/course/README.md')",
                   "FileNotFoundError: [Errno 2] No such file or directory: '/srv/course/README.md'"), "",
         "write outside its folder"),
        (traceback("open('/srv/course/.nngrade-salt').read()",
                   "FileNotFoundError: [Errno 2] No such file or directory: '/srv/course/.nngrade-salt'"), "",
         "protected files"),
        ("the process ended with exit code 3 while 'predict' was running, instead of returning", "", "ended its process"),
        ("the process crashed with SIGTERM while 'predict' was running", "", "ended its process"),
        ("'predict' sent back results the grader's script cannot have given (step 2 is missing): do not replace", "",
         "forged results"),
        ("'predict(w, X)' is not correct", '{"tests": [{"score": 1}]}\n', "forged results"),
    ],
)
def test_each_kind_of_tampering_is_flagged_from_what_grading_saw(feedback: str, output: str, kind: str) -> None:
    from grader.tampering import tampering_flags

    flags = tampering_flags(record_with(feedback, output), {}, protected=["/srv/course/course.toml"])
    assert [flag.kind for flag in flags] == [kind], flags


@pytest.mark.parametrize(
    "feedback",
    [
        # An honest mistake: a data file looked for beside the module, by a relative or a home path.
        traceback("np.load('weights.npy')", "FileNotFoundError: [Errno 2] No such file or directory: 'weights.npy'"),
        traceback("np.load('/home/alice/w.npy')", "FileNotFoundError: [Errno 2] No such file or directory: '/home/alice/w.npy'"),
        "the process crashed with SIGSEGV while 'predict' was running (a segmentation fault)",
        "the process was killed (SIGKILL) while 'predict' was running, most likely for using more memory",
        "'predict(w, X)' is not correct: 4 of 4 entries differ",
    ],
)
def test_an_honest_failure_is_not_flagged(feedback: str) -> None:
    from grader.tampering import tampering_flags

    assert tampering_flags(record_with(feedback, "loss 0.25\n{'epoch': 3}\n"), {"perceptron": SOLUTION}) == []


def test_the_side_by_side_view_escapes_the_students_code() -> None:
    from grader.records import AssignmentInfo
    from grader.reports.integrity_page import IntegrityFindings, integrity_html

    hostile = SOLUTION + "\n\nBANNER = '</pre><script>alert(1)</script>'\n"
    pairs = similar_pairs({"a": {"perceptron": hostile}, "b": {"perceptron": hostile}}, stubs={"perceptron": STUB})
    assert pairs and any("BANNER" in match.source_a for match in pairs[0].modules)
    page = integrity_html(AssignmentInfo("h", ()), IntegrityFindings(pairs=pairs, compared=2))
    assert "<script>" not in page and "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
