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
                            "mistakes": {"<mistake>": [<trace entry>, ...]}}}}

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
from grader.diagnosis import trace_matches
from grader.errors import CheckFailed, RecordingMissing, StudentCodeProblem
from grader.trial import TraceEntry, Trial, plain_call

RECORDING_FORMAT = 3
"""2: reference values may be in an exercise's recorded form, and mistake traces may be empty;
3: a derivation's recorded form also holds its known wrong answers' values"""


class Expectations(Protocol):
    def reference_value(self, exercise: Exercise, check: Check, args: tuple, kwargs: dict, key: str) -> Any:
        """The expected value of the student function on these inputs."""
        ...

    def mistake_traces(self, exercise: Exercise, check: Check, seed: int) -> dict[str, list[TraceEntry]]:
        """For each known mistake, the trace of this check run with the mistake as the student."""
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
        value = self._values.get((exercise.id, key))
        if value is _MISSING:
            value = plain_data.to_plain(exercise.answer_function(exercise.reference, numpy=True)(*args, **kwargs))
            self._values.put((exercise.id, key), value)
        # a check may change what it is given; the remembered value must stay as computed
        return copy.deepcopy(value)

    def mistake_traces(self, exercise: Exercise, check: Check, seed: int) -> dict[str, list[TraceEntry]]:
        cache_key = (exercise.id, check.name, seed)
        traces = self._traces.get(cache_key)
        if traces is _MISSING:
            traces = {
                mistake.name: run_with(exercise, check, seed, exercise.answer_function(mistake.variant), self).trace
                for mistake in exercise.mistakes
            }
            reference = run_with(exercise, check, seed, exercise.answer_function(exercise.reference, numpy=True), self)
            traces = distinguishable(traces, reference.trace)
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


def distinguishable(traces: dict[str, list[TraceEntry]], reference: list[TraceEntry]) -> dict[str, list[TraceEntry]]:
    """``traces`` with an empty trace for each mistake that answers a check exactly as the reference does.

    ``reference`` is the check's trace with the reference as the student.
    Such a mistake leaves no evidence in the check (a missing zero_grad over
    a single step, say), so an answer that fails the check for another
    reason must not be told it made it: an empty trace never matches.
    """
    return {
        name: [] if len(trace) == len(reference) and trace_matches(trace, reference) else trace
        for name, trace in traces.items()
    }


def _encode_trace(trace: list[TraceEntry]) -> list[dict[str, Any]]:
    encoded = []
    for entry in trace:
        if entry.error is not None:
            encoded.append({"digest": entry.digest, "error": list(entry.error)})
        else:
            encoded.append({"digest": entry.digest, "value": plain_data.encode(entry.value)})
    return encoded


def _decode_trace(entries: list[dict[str, Any]]) -> list[TraceEntry]:
    trace = []
    for entry in entries:
        if "error" in entry:
            trace.append(TraceEntry(entry["digest"], error=(entry["error"][0], entry["error"][1])))
        else:
            trace.append(TraceEntry(entry["digest"], value=plain_data.decode(entry["value"])))
    return trace


def record_exercise(exercise: Exercise, seed_of: Any) -> dict[str, Any]:
    """The recording of one exercise's public checks (see the module docstring)."""
    checks: dict[str, Any] = {}
    for check in exercise.public_checks:
        seed = seed_of(exercise, check)
        recorder = _RecordingExpectations(seed)
        reference = run_with(exercise, check, seed, exercise.answer_function(exercise.reference, numpy=True), recorder)
        if exercise.recorded_reference is not None:
            mistakes: dict[str, list[dict[str, Any]]] = {mistake.name: [] for mistake in exercise.mistakes}
        else:
            traces = {
                mistake.name: run_with(exercise, check, seed, exercise.answer_function(mistake.variant), recorder).trace
                for mistake in exercise.mistakes
            }
            mistakes = {
                name: _encode_trace(trace)
                for name, trace in distinguishable(traces, reference.trace).items()
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

    def mistake_traces(self, exercise: Exercise, check: Check, seed: int) -> dict[str, list[TraceEntry]]:
        recorded = self._check(exercise, check)
        if recorded["seed"] != seed:
            raise RecordingMissing(f"{exercise.id}::{check.name} was recorded for another seed")
        return {name: _decode_trace(entries) for name, entries in recorded["mistakes"].items()}
