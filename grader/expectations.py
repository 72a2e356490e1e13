"""Where expected values and known-mistake answers come from.

Two sources with one interface (:class:`Expectations`):

- :class:`ReferenceExpectations` runs the NumPy reference for expected values,
  and runs each check with every known-mistake variant standing in for the
  student to get the mistakes' traces, and remembers both, so one instance
  kept across a class's students answers the public checks once. Instructors
  and the course's own tests use it.
- :class:`RecordedExpectations` reads both from files written by
  :func:`record_public_checks`. The student bundle ships those files instead
  of reference code, so self-check and diagnosis still work there. Only public
  checks are ever recorded.

A recording is one JSON file per exercise::

    {"exercise": "perceptron.predict", "format": 3,
     "checks": {"<check>": {"seed": ...,
                            "reference": {"<digest>": {"args": ..., "value": ...}},
                            "mistakes": {"<mistake>": [<trace entry>, ...] or {"passes": true}}}}}

An exercise whose expected values would give its answers away declares
:attr:`~grader.declarations.Exercise.recorded_reference`: its recording keeps
what that returns in place of each reference value (a derivation keeps the
values of the correct expression and of each known wrong one at sample
points, never an expression), and
an empty trace for each mistake, since a mistake's answer may contain the
correct one (a derivation with its steps skipped ends at the right result);
its checks name the mistakes from what was recorded instead.
"""

from __future__ import annotations

import copy
import json
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol

import grader.plain_data as plain_data
from grader.declarations import Check, Exercise
from grader.declarations import degenerate_answer
from grader.compare import values_match
from grader.diagnosis import MistakeTrace, alike_answers, trace_matches
from grader.errors import CheckFailed, RecordingMissing, StudentCodeProblem
from grader.trial import TraceEntry, Trial, call_digest, plain_call

RECORDING_FORMAT = 4
"""2: reference values may be in an exercise's recorded form, and mistake traces may be empty;
3: a derivation's recorded form also holds its known wrong answers' values;
4: a mistake's trace entries say which plain answers they are alike (``"alike"``), and a mistake that
answers a check as the reference does is recorded as ``{"passes": true}``"""


class Expectations(Protocol):
    def reference_value(self, exercise: Exercise, check: Check, args: tuple, kwargs: dict, key: str) -> Any:
        """The expected value of the student function on these inputs."""
        ...

    def mistake_traces(self, exercise: Exercise, check: Check, seed: int) -> dict[str, MistakeTrace]:
        """For each known mistake, what this check run with the mistake as the student says of it."""
        ...


def run_with(exercise: Exercise, check: Check, seed: int, function: Any, expectations: Expectations) -> Trial:
    """Run a check with trusted code (a reference or a variant) in the student's place."""
    trial = Trial(
        name=exercise.student.name,
        seed=seed,
        call_student=lambda args, kwargs: plain_call(function, args, kwargs),
        call_reference=lambda args, kwargs, key: expectations.reference_value(exercise, check, args, kwargs, key),
        hidden=check.hidden,
    )
    try:
        check.function(trial)
    except (CheckFailed, StudentCodeProblem):
        pass
    return trial


_KEPT_VALUES = 2048
"""reference values a :class:`ReferenceExpectations` keeps (the most recently used)"""

_KEPT_TRACES = 512
"""checks whose mistake traces a :class:`ReferenceExpectations` keeps (the most recently used)"""


_MISSING = object()


class _RecentlyUsed:
    """A mapping that keeps only its ``size`` most recently used entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key: Any) -> Any:
        """The entry for ``key`` (now the most recently used), or :data:`_MISSING`."""
        value = self._entries.get(key, _MISSING)
        if value is not _MISSING:
            self._entries.move_to_end(key)
        return value

    def put(self, key: Any, value: Any) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)


class ReferenceExpectations:
    """Expected values from the reference implementations, computed on demand and remembered.

    One instance can serve many students: a public check draws the same
    inputs for every student, so its expected values and mistake traces are
    computed once per instance instead of once per student (a grading
    process keeps one for all the students it grades). Expected values are
    remembered by the exercise and the digest of the inputs, mistake traces
    by the exercise, the check and the seed; references are deterministic,
    so a remembered answer is the answer. Only the most recently used
    entries are kept (:data:`_KEPT_VALUES`, :data:`_KEPT_TRACES`): hidden
    checks' inputs are each student's own and are not asked for again.
    """

    def __init__(self) -> None:
        self._values = _RecentlyUsed(_KEPT_VALUES)
        self._traces = _RecentlyUsed(_KEPT_TRACES)

    def reference_value(self, exercise: Exercise, check: Check, args: tuple, kwargs: dict, key: str) -> Any:
        # a check may change what it is given; the remembered value must stay as computed
        return copy.deepcopy(self.expected(exercise, args, kwargs, key))

    def remembered(self, exercise: Exercise, key: str) -> Any:
        """The reference's answer to the call with digest ``key`` when it was computed, else :data:`_MISSING`."""
        return self._values.get((exercise.id, key))

    def expected(self, exercise: Exercise, args: tuple, kwargs: dict, key: str) -> Any:
        """The reference's answer to a call, remembered (not to be changed: it is not copied)."""
        value = self._values.get((exercise.id, key))
        if value is _MISSING:
            value = plain_data.to_plain(exercise.answer_function(exercise.reference, numpy=True)(*args, **kwargs))
            self._values.put((exercise.id, key), value)
        return value

    def mistake_traces(self, exercise: Exercise, check: Check, seed: int) -> dict[str, MistakeTrace]:
        cache_key = (exercise.id, check.name, seed)
        traces = self._traces.get(cache_key)
        if traces is _MISSING:
            traces = mistake_evidence(exercise, check, seed, self)
            self._traces.put(cache_key, traces)
        return traces


class _RecordingExpectations(ReferenceExpectations):
    """Reference expectations that remember every reference call they answer, as the recording keeps it.

    The check being recorded still gets the reference's own value; the
    recording gets it in the exercise's recorded form when it declares one.
    """

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.seed = seed
        self.calls: dict[str, dict[str, Any]] = {}

    def reference_value(self, exercise: Exercise, check: Check, args: tuple, kwargs: dict, key: str) -> Any:
        value = super().reference_value(exercise, check, args, kwargs, key)
        if key not in self.calls:
            kept = value if exercise.recorded_reference is None else exercise.recorded_reference(value, self.seed)
            self.calls[key] = {"args": plain_data.encode((tuple(args), dict(kwargs))), "value": plain_data.encode(kept)}
        return value


def _run_variant(exercise: Exercise, check: Check, seed: int, function: Any, expectations: ReferenceExpectations
                 ) -> tuple[list[TraceEntry], list[frozenset[str]]]:
    """A check run with a mistake's variant as the student: its trace, and what each of its answers is alike.

    Each answer is compared with the exercise's degenerate answers to the same
    call (of the answer's own type and shape, the input echoed as it was before
    the variant could change it) and with the reference's answer, when the check
    asked the reference for it (a check that scores a property, such as the
    accuracy a training run reaches, asks none, and no reference is run for it).
    """
    alike: list[frozenset[str]] = []
    kinds = exercise.degenerate_answers

    def call(args: tuple, kwargs: dict) -> Any:
        key = call_digest(args, kwargs)
        pristine = copy.deepcopy((args, kwargs))
        try:
            value = plain_call(function, args, kwargs)
        except StudentCodeProblem:
            alike.append(frozenset())
            raise
        degenerate = {}
        for kind in dict.fromkeys(("zeros", "ones", *kinds)):
            try:
                degenerate[kind] = degenerate_answer(kind, *pristine, value, scripted=exercise.student.scripted,
                                                     seed=int(key[:8], 16))
            except Exception:  # noqa: BLE001 - a degenerate answer that makes no sense for this call
                continue
        if "zeros" in degenerate and "ones" in degenerate and values_match(degenerate["zeros"], degenerate["ones"]):
            degenerate = {}  # nothing in the answer is a computed value (names, shapes): no stand-in computes less
        degenerate = {kind: answer for kind, answer in degenerate.items() if kind in kinds}
        alike.append(alike_answers(value, expectations.remembered(exercise, key), degenerate))
        return value

    trial = Trial(
        name=exercise.student.name,
        seed=seed,
        call_student=call,
        call_reference=lambda args, kwargs, key: expectations.reference_value(exercise, check, args, kwargs, key),
        hidden=check.hidden,
    )
    try:
        check.function(trial)
    except (CheckFailed, StudentCodeProblem):
        pass
    return trial.trace, alike


def mistake_evidence(exercise: Exercise, check: Check, seed: int, expectations: ReferenceExpectations
                     ) -> dict[str, MistakeTrace]:
    """For each known mistake of ``exercise``, what ``check`` run with its variant as the student says of it.

    A mistake that answers the check exactly as the reference does passes it
    (a missing zero_grad over a single step, say): the check holds no evidence
    for it, and an answer that fails the check did not (only) make it.
    """
    reference = run_with(exercise, check, seed, exercise.answer_function(exercise.reference, numpy=True), expectations)
    found: dict[str, MistakeTrace] = {}
    for mistake in exercise.mistakes:
        trace, alike = _run_variant(exercise, check, seed, exercise.answer_function(mistake.variant), expectations)
        if len(trace) == len(reference.trace) and trace_matches(trace, reference.trace):
            found[mistake.name] = MistakeTrace(passes=True)
        else:
            found[mistake.name] = MistakeTrace(tuple(trace), tuple(alike[: len(trace)]))
    return found


def _encode_trace(trace: MistakeTrace) -> list[dict[str, Any]] | dict[str, bool]:
    if trace.passes:
        return {"passes": True}
    encoded = []
    for index, entry in enumerate(trace.entries):
        if entry.error is not None:
            item: dict[str, Any] = {"digest": entry.digest, "error": list(entry.error)}
        else:
            item = {"digest": entry.digest, "value": plain_data.encode(entry.value)}
        if trace.alike_at(index):
            item["alike"] = sorted(trace.alike_at(index))
        encoded.append(item)
    return encoded


def _decode_trace(entries: list[dict[str, Any]] | dict[str, bool]) -> MistakeTrace:
    if isinstance(entries, dict):
        return MistakeTrace(passes=bool(entries.get("passes")))
    trace = []
    for entry in entries:
        if "error" in entry:
            trace.append(TraceEntry(entry["digest"], error=(entry["error"][0], entry["error"][1])))
        else:
            trace.append(TraceEntry(entry["digest"], value=plain_data.decode(entry["value"])))
    return MistakeTrace(tuple(trace), tuple(frozenset(entry.get("alike", ())) for entry in entries))


def record_exercise(exercise: Exercise, seed_of: Any) -> dict[str, Any]:
    """The recording of one exercise's public checks (see the module docstring)."""
    checks: dict[str, Any] = {}
    for check in exercise.public_checks:
        seed = seed_of(exercise, check)
        recorder = _RecordingExpectations(seed)
        run_with(exercise, check, seed, exercise.answer_function(exercise.reference, numpy=True), recorder)
        if exercise.recorded_reference is not None:
            mistakes: dict[str, Any] = {mistake.name: [] for mistake in exercise.mistakes}
        else:
            # The reference's answers the variants' answers are compared with are kept only where the check
            # itself asks for them (recorder.expected does not record).
            mistakes = {
                name: _encode_trace(trace) for name, trace in mistake_evidence(exercise, check, seed, recorder).items()
            }
        checks[check.name] = {"seed": seed, "reference": recorder.calls, "mistakes": mistakes}
    return {"exercise": exercise.id, "format": RECORDING_FORMAT, "checks": checks}


def record_public_checks(exercises: Any, folder: str | os.PathLike[str]) -> list[Path]:
    """Record every public check of ``exercises`` into ``folder``; return the files written."""
    from grader.seeds import SeedPolicy

    policy = SeedPolicy()
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise in exercises:
        recording = record_exercise(exercise, lambda e, c: policy.seed(e.id, c.name, hidden=c.hidden))
        path = target / f"{exercise.id}.json"
        path.write_text(json.dumps(recording, separators=(",", ":")))
        written.append(path)
    return written


class RecordedExpectations:
    """Expected values and mistake traces read from a folder of recordings."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._loaded: dict[str, dict[str, Any]] = {}

    def _recording(self, exercise: Exercise) -> dict[str, Any]:
        if exercise.id not in self._loaded:
            path = self.folder / f"{exercise.id}.json"
            try:
                data = json.loads(path.read_text())
            except FileNotFoundError:
                raise RecordingMissing(f"no recorded data for {exercise.id} in {self.folder}") from None
            except json.JSONDecodeError as exc:
                raise RecordingMissing(f"recorded data {path} is not valid JSON: {exc}") from None
            if data.get("format") != RECORDING_FORMAT or data.get("exercise") != exercise.id:
                raise RecordingMissing(f"{path} is not a recording of {exercise.id} in format {RECORDING_FORMAT}")
            self._loaded[exercise.id] = data
        return self._loaded[exercise.id]

    def _check(self, exercise: Exercise, check: Check) -> dict[str, Any]:
        checks = self._recording(exercise)["checks"]
        if check.name not in checks:
            raise RecordingMissing(f"{exercise.id}::{check.name} was not recorded (hidden checks never are)")
        return checks[check.name]

    def reference_value(self, exercise: Exercise, check: Check, args: tuple, kwargs: dict, key: str) -> Any:
        calls = self._check(exercise, check)["reference"]
        if key not in calls:
            raise RecordingMissing(
                f"{exercise.id}::{check.name} asked for an expected value on inputs that were not recorded"
            )
        return plain_data.decode(calls[key]["value"])

    def mistake_traces(self, exercise: Exercise, check: Check, seed: int) -> dict[str, MistakeTrace]:
        recorded = self._check(exercise, check)
        if recorded["seed"] != seed:
            raise RecordingMissing(f"{exercise.id}::{check.name} was recorded for another seed")
        return {name: _decode_trace(entries) for name, entries in recorded["mistakes"].items()}
