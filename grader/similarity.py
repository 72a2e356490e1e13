"""How alike a class's submissions are: pairwise code similarity by winnowed fingerprints.

Every student's module is fingerprinted with copydetect (the winnowing
algorithm of Schleimer, Wilkerson and Aiken's MOSS): the code is tokenised
first, so renamed variables, functions and strings, comments and layout change
nothing; k-grams of the tokens are hashed and a window keeps a few of them. The
module the course distributed (its stub, ``exercises/<module>.py``) is
boilerplate: every fingerprint it holds is dropped from every student's, so
the docstrings and signatures everybody was given never count.

Two students are compared module by module, over the modules both handed in
with code of their own. A pair's similarity is, for each of the two, the share
of that student's fingerprinted code found in the other's, summed over the
modules; the pair is ranked by the smaller share, so a short common idiom (a
one-line ``np.where``) in otherwise different work does not rank a pair high,
while a copy ranks high from both sides. The matching stretches of each
module are kept as character ranges of the code as handed in, for a
side-by-side view.

This is evidence for an instructor to look at, never a verdict and never a
change of score.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from typing import Mapping, Sequence

NOISE_CHARACTERS = 25
"""copydetect's noise threshold: a match shorter than this many characters of tokenised code is ignored"""

GUARANTEE_CHARACTERS = 30
"""copydetect's guarantee threshold: a match at least this long is always found (it sets the winnowing window)"""

DEFAULT_THRESHOLD = 0.6
"""pairs whose smaller share of matching code is at least this are listed (``--similarity-threshold``)"""

MIN_OWN_CODE = 80
"""characters of tokenised code of a student's own (boilerplate excluded) below which a pair is not listed: a
few lines that anybody would write alike (``import os`` and one call) are no evidence"""

MAX_PAIRS_SHOWN = 50
"""the most similar pairs above the threshold a report shows side by side"""


@dataclass(frozen=True)
class ModuleMatch:
    """The matching code of one module in a pair of submissions."""

    module: str
    source_a: str
    source_b: str
    spans_a: tuple[tuple[int, int], ...]
    """character ranges of ``source_a`` that match code of ``source_b``"""
    spans_b: tuple[tuple[int, int], ...]
    share_a: float
    """the share of ``source_a``'s fingerprinted code found in ``source_b``"""
    share_b: float


@dataclass(frozen=True)
class SimilarPair:
    """Two students whose submissions share code, over every module both handed in."""

    student_a: str
    student_b: str
    share_a: float
    """the share of student a's own code (boilerplate excluded) found in student b's, over the modules"""
    share_b: float
    modules: tuple[ModuleMatch, ...] = field(default_factory=tuple)

    @property
    def similarity(self) -> float:
        """The smaller of the two shares: how much of each submission the other holds, at least."""
        return min(self.share_a, self.share_b)


def _fingerprint(name: str, text: str, boilerplate: object):
    from copydetect import CodeFingerprint

    window = GUARANTEE_CHARACTERS - NOISE_CHARACTERS + 1
    # The name ends in .py so that copydetect tokenises the text as Python; the text is never read from disk.
    return CodeFingerprint(name, NOISE_CHARACTERS, window, boilerplate=boilerplate, fp=io.StringIO(text))


def _boilerplate_hashes(stubs: Mapping[str, str]) -> dict[str, object]:
    """Every fingerprint of each module's stub (a window of 1 keeps all of them), by module."""
    import numpy as np
    from copydetect import CodeFingerprint

    hashes = {}
    for module, text in stubs.items():
        fingerprint = CodeFingerprint(f"{module}.py", NOISE_CHARACTERS, 1, fp=io.StringIO(text))
        hashes[module] = np.unique(np.array(sorted(fingerprint.hashes), dtype=np.int64))
    return hashes


def _spans(slices) -> tuple[tuple[int, int], ...]:
    if len(slices) == 0 or slices.shape[0] == 0:
        return ()
    return tuple((int(start), int(end)) for start, end in zip(slices[0], slices[1]))


def similar_pairs(
    sources: Mapping[str, Mapping[str, str]],
    *,
    stubs: Mapping[str, str] = {},
    threshold: float = DEFAULT_THRESHOLD,
) -> list[SimilarPair]:
    """The pairs of students whose similarity is at least ``threshold``, most similar first.

    ``sources``: each student's modules (module name to source text) as graded. ``stubs``: each
    module's distributed stub, whose code never counts. A module that holds no code of the
    student's own (the stub handed back unchanged, an empty file) is left out of the comparison.
    """
    from copydetect import compare_files

    boilerplate = _boilerplate_hashes(stubs)
    prints: dict[str, dict[str, object]] = {}
    for student in sorted(sources):
        for module, text in sorted(sources[student].items()):
            fingerprint = _fingerprint(f"{module}.py", text, boilerplate.get(module))
            if fingerprint.token_coverage > 0:
                prints.setdefault(student, {})[module] = fingerprint
    pairs = []
    for student_a, student_b in itertools.combinations(sorted(prints), 2):
        common = sorted(set(prints[student_a]) & set(prints[student_b]))
        covered_a = sum(prints[student_a][module].token_coverage for module in common)
        covered_b = sum(prints[student_b][module].token_coverage for module in common)
        if not common or min(covered_a, covered_b) < MIN_OWN_CODE:
            continue
        matches = []
        overlap_a = overlap_b = 0
        for module in common:
            first, second = prints[student_a][module], prints[student_b][module]
            _, (share_a, share_b), (slices_a, slices_b) = compare_files(first, second)
            spans_a, spans_b = _spans(slices_a), _spans(slices_b)
            overlap_a += float(share_a) * first.token_coverage
            overlap_b += float(share_b) * second.token_coverage
            if spans_a:
                matches.append(ModuleMatch(module, first.raw_code, second.raw_code, spans_a, spans_b,
                                           float(share_a), float(share_b)))
        pair = SimilarPair(student_a, student_b, min(1.0, overlap_a / covered_a), min(1.0, overlap_b / covered_b),
                           tuple(matches))
        if matches and pair.similarity >= threshold:
            pairs.append(pair)
    pairs.sort(key=lambda pair: (-pair.similarity, -max(pair.share_a, pair.share_b), pair.student_a, pair.student_b))
    return pairs


def matching_lines(source: str, spans: Sequence[tuple[int, int]]) -> set[int]:
    """The line numbers (from 1) of ``source`` that a matching span touches."""
    lines: set[int] = set()
    for start, end in spans:
        first = source.count("\n", 0, start) + 1
        last = source.count("\n", 0, max(start, end - 1)) + 1
        lines.update(range(first, last + 1))
    return lines
