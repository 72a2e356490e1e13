"""Signs that a submission tried to tamper with grading, read from what grading saw.

The sandbox keeps a submission from doing harm; these flags say that one
tried, for an instructor to look at. They never change a score: a hostile
submission keeps the score its answers earned. Each flag is a kind and a short
piece of evidence (a line of the student's code, or what the sandbox reported).

Where each kind is learnt:

- ``forged results``: the child's reply was malformed (the sandbox stopped the
  process, :func:`grader.sandbox.sandboxed_code.malformed_reply`), a scripted
  call sent back results the grader's script cannot have given, or the code
  printed what looks like a results file (``{"score": ...}``);
- ``protected files``: the code names the course file, the salt, the
  gradebook, a results file or another path the run protects (the child sees
  them empty or missing, so an attempt caught by the student's own ``try``
  leaves only this trace), or a traceback shows it reaching for one;
- ``write outside its folder``: a traceback ends in a refused write: the
  read-only filesystem (EROFS), a permission (EACCES, EPERM), or a missing
  folder (ENOENT) for a write, a removal or a rename of an absolute path;
- ``ended its process``: the process ended itself (an exit code, a signal it
  sent) instead of returning, or the code signals processes (``os.kill``).
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable, Mapping

from grader.records import StudentRecord

FLAG_KINDS = ("forged results", "protected files", "write outside its folder", "ended its process")
"""every kind of flag, in the order reports list them"""

MAX_EVIDENCE_CHARS = 300

MAX_FLAGS_PER_KIND = 3
"""evidence kept per student and kind: the first few are enough to look"""

PROTECTED_NAMES = ("course.toml", ".nngrade-salt", "NNGRADE_SALT", "gradebook.sqlite", "results.json")
"""names whose mention in a submission's string literals is a flag, besides the run's protected paths"""


@dataclass(frozen=True)
class TamperingFlag:
    """One sign of tampering in a student's submission: never a change of score."""

    kind: str
    """one of :data:`FLAG_KINDS`"""
    evidence: str
    """what was seen, in a line: a line of the student's code or the sandbox's report"""


_MALFORMED = re.compile(
    r"(the reply was malformed \([^)]*\)|sent back results the grader's script cannot have given \([^)]*\)"
    r"|sent a malformed error report)"
)
_EXIT_CODE = re.compile(r"the process ended with exit code (-?\d+)")
_SIGNAL = re.compile(r"the process crashed with (SIG[A-Z0-9]+)")
_CRASH_SIGNALS = {"SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGABRT"}
"""signals native code dies of by mistake, not ones a submission sends"""
_PRINTED_RESULTS = re.compile(r'"(score|tests|max_score|status|output)"\s*:')
_OS_ERROR = re.compile(
    r"^(?:\w+Error|OSError): \[Errno (\d+)\] ([^:\n]*): '(/[^'\n]*)'", re.MULTILINE
)
_WRITING = re.compile(r"""(open\([^\n]*['"][wax+]|\.write_|remove\(|unlink\(|rmtree\(|rename\(|replace\(|mkdir\(|makedirs\(|chmod\(|symlink\(|truncate\()""")
_SIGNALLING = re.compile(r"\bos\s*\.\s*(kill|killpg|_exit|abort)\s*\(|\bsignal\s*\.\s*pthread_kill\s*\(")
_EROFS, _EACCES, _EPERM, _ENOENT = 30, 13, 1, 2


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[: MAX_EVIDENCE_CHARS - 1] + "…"


def _traceback_line(feedback: str, end: int) -> str:
    """The line of student code shown just above the error line ending the traceback at ``end``."""
    for line in reversed(feedback[:end].rstrip("\n").splitlines()):
        if line.startswith("    "):
            return line.strip()
        if line.startswith("  File "):
            break
    return ""


def _protected(path: str, protected: Iterable[str]) -> bool:
    name = PurePosixPath(path).name
    if name in PROTECTED_NAMES:
        return True
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in protected if folder != "/")


def _string_literals(source: str) -> Iterable[tuple[int, str]]:
    """(line, text) of every string literal of ``source``; a source that does not tokenise gives what it could."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING:
                yield token.start[0], token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return


def flags_from_source(module: str, source: str, *, protected: Iterable[str] = ()) -> list[TamperingFlag]:
    """What the code itself shows: protected names in its strings, calls that end or signal processes."""
    protected = [path for path in protected if len(path) > 1]
    found = []
    lines = source.splitlines()
    for line, literal in _string_literals(source):
        named = [name for name in PROTECTED_NAMES if name in literal]
        named += [path for path in protected if path in literal]
        if named:
            shown = lines[line - 1].strip() if 0 < line <= len(lines) else literal
            found.append(TamperingFlag("protected files", _short(f"{module}.py line {line} names {named[0]}: {shown}")))
    for number, text in enumerate(lines, start=1):
        code = text.split("#", 1)[0]
        if _SIGNALLING.search(code):
            found.append(TamperingFlag("ended its process", _short(f"{module}.py line {number}: {text.strip()}")))
    return found


def flags_from_record(record: StudentRecord, *, protected: Iterable[str] = ()) -> list[TamperingFlag]:
    """What grading saw: malformed replies, the process ending itself, refused writes and reads, printed results."""
    protected = list(protected)
    found = []
    for exercise in record.exercises:
        for check in exercise.checks:
            where = check.exercise_id  # the same evidence from every check of an exercise is one flag
            feedback = check.feedback
            malformed = _MALFORMED.search(feedback)
            if malformed:
                found.append(TamperingFlag("forged results", _short(f"{where}: {malformed.group(1)}")))
            exit_code = _EXIT_CODE.search(feedback)
            if exit_code:
                found.append(TamperingFlag("ended its process", _short(f"{where}: ended with exit code {exit_code.group(1)}")))
            signalled = _SIGNAL.search(feedback)
            if signalled and signalled.group(1) not in _CRASH_SIGNALS:
                found.append(TamperingFlag("ended its process", _short(f"{where}: ended by {signalled.group(1)}")))
            if "raised ProcessLookupError" in feedback:
                found.append(TamperingFlag("ended its process", _short(f"{where}: signalled a process that is not there")))
            if _PRINTED_RESULTS.search(check.output) and "{" in check.output:
                printed = next((line for line in check.output.splitlines() if _PRINTED_RESULTS.search(line)), check.output)
                found.append(TamperingFlag("forged results", _short(f"{where}: printed {printed.strip()}")))
            for error in _OS_ERROR.finditer(feedback):
                number, path = int(error.group(1)), error.group(3)
                code = _traceback_line(feedback, error.start())
                if _protected(path, protected):
                    found.append(TamperingFlag("protected files", _short(f"{where}: {code or 'reached for'} ({path})")))
                elif number in (_EROFS, _EACCES, _EPERM) or (number == _ENOENT and _WRITING.search(code)):
                    found.append(TamperingFlag("write outside its folder",
                                               _short(f"{where}: {code or 'a write'} refused: [Errno {number}] {error.group(2)}")))
    return found


def tampering_flags(
    record: StudentRecord, sources: Mapping[str, str], *, protected: Iterable[str] = ()
) -> list[TamperingFlag]:
    """Every flag of one student: from their graded checks and from their modules' code, a few per kind.

    ``protected``: the paths the run kept from student code (the course file, the salt file, the
    submissions and output folders, ...), whose mention is a flag.
    """
    protected = list(protected)
    found = flags_from_record(record, protected=protected)
    for module, source in sorted(sources.items()):
        found += flags_from_source(module, source, protected=protected)
    kept: list[TamperingFlag] = []
    per_kind: dict[str, int] = {}
    for flag in dict.fromkeys(found):
        if per_kind.get(flag.kind, 0) < MAX_FLAGS_PER_KIND:
            kept.append(flag)
            per_kind[flag.kind] = per_kind.get(flag.kind, 0) + 1
    return sorted(kept, key=lambda flag: FLAG_KINDS.index(flag.kind))
