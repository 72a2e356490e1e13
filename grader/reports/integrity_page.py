"""``similarity.html``: which submissions look alike, side by side, and who tampered, for an instructor to look at.

Built from the gradebook alone (so ``nngrade report`` rebuilds it): the
modules each student handed in as grading read them, the stubs the course
distributed (boilerplate that never counts), the threshold chosen, and the
tampering flags grading recorded. The pairs whose similarity
(:func:`grader.similarity.similar_pairs`) is at least the threshold are
listed most similar first, each with its modules side by side and the
matching lines marked; then every flagged student with the kind and evidence
of each flag. Neither changes a score. The class report shows a short
"Similar submissions" and "Flags" section of its own that link here
(:func:`similar_submissions_section`, :func:`flags_section`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from grader.records import AssignmentInfo
from grader.reports.output_files import printable, write_atomically
from grader.similarity import DEFAULT_THRESHOLD, MAX_PAIRS_SHOWN, ModuleMatch, SimilarPair, matching_lines, similar_pairs
from grader.student_ids import student_file_name
from grader.tampering import FLAG_KINDS, TamperingFlag

PAGE_FILE = "similarity.html"

CONTEXT_LINES = 1
"""unmatched lines shown around each matching stretch in the side-by-side view"""


@dataclass(frozen=True)
class IntegrityFindings:
    """What the similarity check and the tampering flags found in one graded class."""

    pairs: list[SimilarPair] = field(default_factory=list)
    """pairs at or above :attr:`threshold`, most similar first"""
    flags: dict[str, list[TamperingFlag]] = field(default_factory=dict)
    """by student id"""
    threshold: float = DEFAULT_THRESHOLD
    compared: int = 0
    """students whose modules were compared (those with code of their own)"""
    stubs: tuple[str, ...] = ()
    """the modules whose distributed stub was boilerplate"""


def integrity_findings(out: Path, *, threshold: float | None = None) -> IntegrityFindings | None:
    """The findings of the class graded into ``out``, from its gradebook; ``None`` when ``out`` holds none.

    ``threshold``: the similarity at which a pair is listed; ``None`` takes the one the gradebook keeps
    (set by ``--similarity-threshold``), or :data:`~grader.similarity.DEFAULT_THRESHOLD`.
    """
    from grader.gradebook import GRADEBOOK_FILE, Gradebook

    if not (Path(out) / GRADEBOOK_FILE).is_file():
        return None
    with Gradebook.open(out, create=False) as gradebook:
        sources = gradebook.submitted_sources()
        flags = gradebook.tampering_flags()
        stubs = gradebook.meta_json("stubs", {}) or {}
        if threshold is None:
            threshold = float(gradebook.meta_json("similarity_threshold", DEFAULT_THRESHOLD))
    stubs = {str(module): str(text) for module, text in dict(stubs).items()}
    pairs = similar_pairs(sources, stubs=stubs, threshold=threshold) if len(sources) > 1 else []
    return IntegrityFindings(pairs=pairs, flags=flags, threshold=threshold, compared=len(sources),
                             stubs=tuple(sorted(stubs)))


def _h(text: object) -> str:
    return html.escape(printable(str(text)), quote=True)


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _feedback_link(student_id: str, prefix: str = "") -> str:
    href = prefix + "feedback/" + quote(student_file_name(student_id), safe="") + ".html"
    return f'<a href="{_h(href)}"><code>{_h(student_id)}</code></a>'


def _pair_anchor(index: int) -> str:
    return f"pair-{index + 1}"


def _lines_view(source: str, marked: set[int]) -> str:
    """The lines of ``source`` near a marked line, numbered, marked ones highlighted, gaps as an ellipsis."""
    lines = source.splitlines()
    shown = {n for m in marked for n in range(m - CONTEXT_LINES, m + CONTEXT_LINES + 1) if 1 <= n <= len(lines)}
    rows, previous = [], 0
    for number in sorted(shown):
        if number > previous + 1:
            rows.append('<span class="gap">…</span>')
        css = ' class="match"' if number in marked else ""
        rows.append(f'<span{css}><span class="line">{number:>4}</span> {_h(lines[number - 1])}</span>')
        previous = number
    return "<pre>" + "\n".join(rows) + "</pre>"


def _module_view(pair: SimilarPair, match: ModuleMatch) -> list[str]:
    lines_a = matching_lines(match.source_a, match.spans_a)
    lines_b = matching_lines(match.source_b, match.spans_b)
    return [
        f"<h4><code>{_h(match.module)}.py</code>: {_percent(match.share_a)} of {_h(pair.student_a)}'s code here "
        f"matches, {_percent(match.share_b)} of {_h(pair.student_b)}'s</h4>",
        '<table class="side"><tr>',
        f"<th>{_h(pair.student_a)}</th><th>{_h(pair.student_b)}</th></tr><tr>",
        f"<td>{_lines_view(match.source_a, lines_a)}</td><td>{_lines_view(match.source_b, lines_b)}</td>",
        "</tr></table>",
    ]


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 90rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d2330; line-height: 1.4; }
h2 { border-bottom: 1px solid #d5d9e0; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.92rem; }
th, td { border: 1px solid #d5d9e0; padding: 0.25rem 0.55rem; text-align: left; vertical-align: top; }
th { background: #f2f4f7; }
table.side { width: 100%; table-layout: fixed; }
pre { margin: 0; font-size: 0.8rem; white-space: pre-wrap; }
pre .match { background: #ffe3a3; display: block; }
pre .gap { color: #9aa1ad; display: block; }
pre .line { color: #9aa1ad; }
.muted { color: #5b6272; }
"""


def _pairs_table(findings: IntegrityFindings, *, prefix: str, page: str) -> list[str]:
    rows = []
    for index, pair in enumerate(findings.pairs[:MAX_PAIRS_SHOWN]):
        modules = ", ".join(match.module for match in pair.modules)
        rows.append(
            f'<tr><td><a href="{_h(page)}#{_pair_anchor(index)}">{index + 1}</a></td>'
            f"<td>{_feedback_link(pair.student_a, prefix)}</td><td>{_feedback_link(pair.student_b, prefix)}</td>"
            f'<td class="number">{_percent(pair.similarity)}</td>'
            f'<td class="number">{_percent(pair.share_a)} / {_percent(pair.share_b)}</td><td>{_h(modules)}</td></tr>'
        )
    head = "".join(f"<th>{cell}</th>" for cell in ("pair", "student", "student", "similarity",
                                                  "share of each's code", "modules"))
    return ["<table>", f"<tr>{head}</tr>", *rows, "</table>"]


def _about(findings: IntegrityFindings) -> str:
    shown = f" (the first {MAX_PAIRS_SHOWN} are shown)" if len(findings.pairs) > MAX_PAIRS_SHOWN else ""
    return (
        f"{len(findings.pairs)} pairs of the {findings.compared} students compared have a similarity of at least "
        f"{_percent(findings.threshold)}{shown}: the smaller of the two shares of each student's own code (the "
        f"stubs handed out never count) found in the other's, by copydetect's winnowed fingerprints, which renamed "
        f"variables do not change. Evidence to look at, not a verdict: no score changes."
    )


def _flag_rows(findings: IntegrityFindings, *, prefix: str) -> list[str]:
    rows = []
    for student in sorted(findings.flags):
        flags = sorted(findings.flags[student], key=lambda flag: FLAG_KINDS.index(flag.kind))
        for position, flag in enumerate(flags):
            name = _feedback_link(student, prefix) if position == 0 else ""
            rows.append(f"<tr><td>{name}</td><td>{_h(flag.kind)}</td><td><code>{_h(flag.evidence)}</code></td></tr>")
    return ["<table>", "<tr><th>student</th><th>kind</th><th>evidence</th></tr>", *rows, "</table>"]


_FLAGS_ABOUT = (
    "Signs that a submission tried to tamper with grading: forged results (a malformed reply, printed results), "
    "protected files named or reached for (the course file, the salt, the gradebook), a write outside its folder, "
    "or its process ended or signalled. The sandbox stopped each attempt; the score is what the answers earned."
)


def similar_submissions_section(findings: IntegrityFindings | None) -> list[str]:
    """The class report's "Similar submissions" section: the pairs above the threshold, linking to the page."""
    if findings is None:
        return []
    body = ['<h2>Similar submissions</h2>', f'<p class="muted">{_h(_about(findings))}</p>']
    if findings.pairs:
        body += _pairs_table(findings, prefix="", page=PAGE_FILE)
    body.append(f'<p><a href="{PAGE_FILE}">The matching lines side by side, and every flag</a></p>')
    return body


def flags_section(findings: IntegrityFindings | None) -> list[str]:
    """The class report's "Flags" section: every flagged student with the kind and evidence of each flag."""
    if findings is None:
        return []
    body = ['<h2>Flags</h2>', f'<p class="muted">{_h(_FLAGS_ABOUT)}</p>']
    if findings.flags:
        body += _flag_rows(findings, prefix="")
    else:
        body.append("<p>No submission was flagged.</p>")
    return body


def integrity_html(info: AssignmentInfo, findings: IntegrityFindings) -> str:
    """The page: the similar pairs with their modules side by side, then the flags."""
    body = [
        f"<h1>Similar submissions and flags: {_h(info.name)}</h1>",
        '<p><a href="report.html">Back to the class report</a></p>',
        "<h2>Similar submissions</h2>",
        f'<p class="muted">{_h(_about(findings))}</p>',
    ]
    if findings.stubs:
        body.append(f'<p class="muted">Boilerplate: the stubs of {_h(", ".join(findings.stubs))}.</p>')
    if findings.pairs:
        body += _pairs_table(findings, prefix="", page="")
    for index, pair in enumerate(findings.pairs[:MAX_PAIRS_SHOWN]):
        body.append(
            f'<h3 id="{_pair_anchor(index)}">{index + 1}. {_feedback_link(pair.student_a)} and '
            f"{_feedback_link(pair.student_b)}: {_percent(pair.similarity)}</h3>"
        )
        for match in pair.modules:
            body += _module_view(pair, match)
    body += ["<h2>Flags</h2>", f'<p class="muted">{_h(_FLAGS_ABOUT)}</p>']
    body += _flag_rows(findings, prefix="") if findings.flags else ["<p>No submission was flagged.</p>"]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Similar submissions and flags: {_h(info.name)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def write_integrity_page(out: Path, info: AssignmentInfo, findings: IntegrityFindings) -> Path:
    """Write :func:`integrity_html` to ``out/similarity.html``; returns its path."""
    return write_atomically(Path(out) / PAGE_FILE, integrity_html(info, findings))


__all__ = [
    "IntegrityFindings",
    "PAGE_FILE",
    "flags_section",
    "integrity_findings",
    "integrity_html",
    "similar_submissions_section",
    "write_integrity_page",
]
