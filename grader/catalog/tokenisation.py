"""Tokenisation: byte-pair encoding trained on a small corpus to a vocabulary size, a new text encoded
with the learned merges, and exact detokenisation with the space-prefix marker.

Course notes 1.12.5.1 (tokenisation, byte pair encoding, detokenisation).
Conventions are in ``exercises/tokenisation.py``: a space becomes the marker
``▁`` and starts a word; pairs are counted inside words only; the most
frequent pair is merged, ties going to the lexicographically smallest;
encoding applies the merges in the order learned; detokenisation joins the
tokens and turns markers back into spaces.

Text in, text out: no check's verdict depends on arithmetic, and answers are
compared exactly (a token list item by item, the first difference named;
a hidden check says where, never what was expected).

Inputs tell the mistakes apart: the worked corpus has ties between
pairs first seen in another order than the lexicographic one, and pairs
across words (``("est", "▁")``) that would win if counted; the designed
merge list ``b c``, ``a b``, ``ab c`` splits ``abc`` otherwise than a
longest match or an order by frequency in the text would; texts begin and
end with spaces and hold double spaces, so stripping or dropping the
marker shows.

This module ships in the student bundle, so it never imports reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.trial import Trial

MISTAKES = "reference.tokenisation_mistakes"

MARKER = "\u2581"
"""the space-prefix marker, '▁'"""

FLOAT32_REASON = "text in, text out: there is no floating-point arithmetic to do in float32"

SYLLABLES = ("lo", "w", "er", "est", "ne", "wid", "ing", "th", "a", "an", "s", "ow", "e")
"""what the random corpora and texts are made of: overlapping pieces, so pairs compete and tie"""


def _shown(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _as_strings(value: Any, depth: int) -> Any:
    """The answer as a list of str (depth 1) or of pairs of str (depth 2), or None when it is not one."""
    if not isinstance(value, (list, tuple)):
        return None
    if depth == 1:
        return list(value) if all(isinstance(item, str) for item in value) else None
    pairs = [_as_strings(item, 1) for item in value]
    if any(pair is None or len(pair) != 2 for pair in pairs):
        return None
    return [tuple(pair) for pair in pairs]


def expect_same_list(t: Trial, got: Any, expected: list[Any], *, name: str, of: str) -> bool:
    """One expectation: ``got`` is the list ``expected`` (of tokens, or of merge pairs), item by item."""
    depth = 2 if of == "merges" else 1
    mine = _as_strings(got, depth)
    want = [tuple(item) for item in expected] if depth == 2 else list(expected)
    what = "a list of (left, right) pairs of str" if depth == 2 else "a list of str"
    if mine is None:
        return t.expect(False, f"'{name}' should return {what}--got: {_shown(got, 80)}")
    if mine == want:
        return t.expect(True, "")
    at = next((i for i, (a, b) in enumerate(zip(mine, want)) if a != b), min(len(mine), len(want)))
    if t.hidden:
        message = f"'{name}' is not correct: it has {len(mine)} {of}, and the first wrong one is at index {at}"
    else:
        message = (f"'{name}' is not correct: {of} differ from index {at} on--got: {_shown(mine[at:at + 6])}, "
                   f"expected: {_shown(want[at:at + 6])} ({len(mine)} {of} got, {len(want)} expected)")
    return t.expect(False, message)


def expect_same_text(t: Trial, got: Any, expected: str, *, name: str) -> bool:
    if not isinstance(got, str):
        return t.expect(False, f"'{name}' should return a str--got: {_shown(got, 80)}")
    if got == expected:
        return t.expect(True, "")
    at = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
    if t.hidden:
        return t.expect(False, f"'{name}' is not correct: {len(got)} characters, the first wrong one at index {at}")
    return t.expect(False, f"'{name}' is not correct--got: {got!r}, expected: {expected!r} (they differ from index {at})")


def random_text(rng: np.random.Generator, words: int, pieces: tuple[str, ...] = SYLLABLES, spaces: bool = True) -> str:
    """Words of one to three pieces, a few of them repeated; with ``spaces``, a leading, a double and a trailing space."""
    vocabulary = ["".join(rng.choice(pieces, size=int(rng.integers(1, 4)))) for _ in range(max(2, words // 3))]
    chosen = [vocabulary[min(int(rng.geometric(0.35)) - 1, len(vocabulary) - 1)] for _ in range(words)]
    if not spaces:
        return " ".join(chosen)
    double = int(rng.integers(1, words)) if words > 1 else 1
    return " " + " ".join(chosen[:double]) + "  " + " ".join(chosen[double:]) + " "


# -- tokenisation.bpe_train -----------------------------------------------------------------------


WORKED_CORPUS = "low low low lower lower newest newest widest"


def check_bpe_train_worked_example(t: Trial) -> None:
    """'bpe_train' on the docstring's corpus 'low low low lower lower newest newest widest' to 19 tokens (8 merges) and to 21."""
    for size in (19, 21):
        expect_same_list(t, t.student(WORKED_CORPUS, size), t.reference(WORKED_CORPUS, size),
                         name=f"bpe_train({WORKED_CORPUS!r}, {size})", of="merges")


def _train_calls(t: Trial, count: int) -> None:
    for _ in range(count):
        corpus = random_text(t.rng, int(t.rng.integers(15, 30)), spaces=False)
        size = len(set(corpus.replace(" ", MARKER))) + int(t.rng.integers(5, 12))
        expect_same_list(t, t.student(corpus, size), t.reference(corpus, size),
                         name=f"bpe_train(a corpus of {len(corpus.split())} words, {size})", of="merges")


def check_bpe_train_random_corpora(t: Trial) -> None:
    """'bpe_train' on two corpora of 15 to 30 words made of overlapping pieces, with ties among pair counts."""
    _train_calls(t, 2)


def check_bpe_train_hidden(t: Trial) -> None:
    """'bpe_train' on new corpora and vocabulary sizes."""
    _train_calls(t, 2)


BPE_TRAIN = Exercise(
    id="tokenisation.bpe_train",
    title="Byte-pair encoding: learn the merges from a corpus, up to a vocabulary size",
    notes="1.12.5.1 (tokenization: byte pair encoding)",
    float32=False,
    float32_reason=FLOAT32_REASON,
    student=StudentFunction("tokenisation", "bpe_train"),
    reference="reference.tokenisation:bpe_train",
    torch_reference="reference.tokenisation_torch:bpe_train",
    input_classes=(),
    checks=(
        Check(check_bpe_train_worked_example, points=1),
        Check(check_bpe_train_random_corpora, points=2),
        Check(check_bpe_train_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "pairs counted across word boundaries",
            "split the corpus into words first (a word starts at each space marker) and count the pairs INSIDE "
            "each word: a token never spans the end of one word and the start of the next.",
            f"{MISTAKES}:bpe_train_across_words",
        ),
        Mistake(
            "ties broken by first occurrence",
            "when several pairs have the highest count, the rule is the lexicographically smallest (left, right); "
            "Counter.most_common and max over a dict return the one seen first instead. Rank the candidates by "
            "their count and, among equal counts, by the pair itself.",
            f"{MISTAKES}:bpe_train_first_seen_ties",
        ),
        Mistake(
            "ties broken by the largest pair",
            "among pairs of equal count take the lexicographically SMALLEST (left, right): max over (count, pair) "
            "takes the largest.",
            f"{MISTAKES}:bpe_train_largest_ties",
        ),
        Mistake(
            "the space marker dropped",
            "a space is not thrown away: it becomes the marker '\u2581' at the start of the next word, a character "
            "of its own that pairs and merges like any other; splitting on spaces loses it.",
            f"{MISTAKES}:bpe_train_no_marker",
        ),
        Mistake(
            "the vocabulary counted without its characters",
            "the vocabulary starts with the corpus's distinct characters (the marker among them); each merge adds "
            "one token, so there are vocab_size minus the number of characters merges.",
            f"{MISTAKES}:bpe_train_vocab_without_characters",
        ),
    ),
)


# -- tokenisation.bpe_encode ----------------------------------------------------------------------


WORKED_MERGES = [("l", "o"), ("lo", "w"), (MARKER, "low"), ("e", "s"), ("es", "t"), ("e", "r"), ("e", "w"), ("ew", "est")]
"""the merges bpe_train learns from WORKED_CORPUS to 19 tokens"""

DESIGNED_MERGES = [("b", "c"), ("a", "b"), ("ab", "c"), (MARKER, "ab")]
"""merges whose order matters: 'abc' is a, bc (not ab, c nor abc), which a longest match and an order by
frequency in the text get wrong"""

OTHER_MERGES = [("a", "n"), ("t", "h"), ("i", "n"), ("in", "g"), (MARKER, "th"), ("th", "e"), ("o", "w"),
                ("s", "t"), ("e", "st"), (MARKER, "an"), ("l", "ow"), ("e", "r"), ("w", "er"), (MARKER, "low")]
"""a merge list of another corpus's kind, for hidden texts"""


def _detokenised(tokens: Any) -> str | None:
    """The text the student's tokens join back to, or None when they are not a list of str."""
    if not isinstance(tokens, (list, tuple)) or not all(isinstance(token, str) for token in tokens):
        return None
    return "".join(tokens).replace(MARKER, " ")


def _encode_calls(t: Trial, cases: list[tuple[str, list[tuple[str, str]]]], show: bool) -> None:
    for text, merges in cases:
        label = f"bpe_encode({text!r}, {'the docstring merges' if merges is WORKED_MERGES else f'{len(merges)} merges'})"
        if not show:
            label = f"bpe_encode(a text of {len(text)} characters, {len(merges)} merges)"
        got = t.student(text, [list(pair) for pair in merges])
        ok = expect_same_list(t, got, t.reference(text, [list(pair) for pair in merges]), name=label, of="tokens")
        t.expect(_detokenised(got) == text,
                 f"'{label}': the tokens do not join back to the text (markers read as spaces)", with_value=ok)


def check_bpe_encode_worked_example(t: Trial) -> None:
    """'bpe_encode' of 'lowest newer lower' with the docstring's 8 merges; the tokens join back to the text."""
    _encode_calls(t, [("lowest newer lower", WORKED_MERGES)], show=True)


def check_bpe_encode_merge_order(t: Trial) -> None:
    """'bpe_encode' with the merges b c, a b, ab c, marker ab: 'ab ab abc', ' abc cab  bcab ' and a random text of those letters."""
    pieces = ("a", "b", "c", "ab", "bc", "abc", "ca")
    cases = [("ab ab abc", DESIGNED_MERGES), (" abc cab  bcab ", DESIGNED_MERGES),
             (random_text(t.rng, 12, pieces), DESIGNED_MERGES), (random_text(t.rng, 10), WORKED_MERGES)]
    _encode_calls(t, cases, show=True)


def check_bpe_encode_hidden(t: Trial) -> None:
    """'bpe_encode' of new texts with each of three merge lists."""
    pieces = ("a", "b", "c", "ab", "bc", "abc", "ca")
    cases = [(random_text(t.rng, 12, pieces), DESIGNED_MERGES), (random_text(t.rng, 10), WORKED_MERGES),
             (random_text(t.rng, 10, SYLLABLES + ("the", "in", "g", "an")), OTHER_MERGES)]
    _encode_calls(t, cases, show=False)


BPE_ENCODE = Exercise(
    id="tokenisation.bpe_encode",
    title="Encode a new text with learned BPE merges, in the order they were learned",
    notes="1.12.5.1 (tokenization; detokenization: the space-prefix marker)",
    float32=False,
    float32_reason=FLOAT32_REASON,
    student=StudentFunction("tokenisation", "bpe_encode"),
    reference="reference.tokenisation:bpe_encode",
    torch_reference="reference.tokenisation_torch:bpe_encode",
    input_classes=(),
    checks=(
        Check(check_bpe_encode_worked_example, points=1),
        Check(check_bpe_encode_merge_order, points=2),
        Check(check_bpe_encode_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "merges applied in frequency order",
            "apply the merges in the order they were LEARNED (the order of the list), whatever pairs are most "
            "frequent in the text being encoded: the training corpus decided the order once and for all.",
            f"{MISTAKES}:bpe_encode_frequency_order",
        ),
        Mistake(
            "the space marker dropped",
            "keep the spaces as markers: every space becomes '\u2581' at the start of the next word, so the tokens "
            "say where the spaces were and join back to the text exactly.",
            f"{MISTAKES}:bpe_encode_no_marker",
        ),
        Mistake(
            "longest match instead of merges",
            "BPE does not look for the longest known token at each position: it starts from the characters and "
            "applies each merge in turn, so a token the vocabulary has may never form.",
            f"{MISTAKES}:bpe_encode_longest_match",
        ),
    ),
)


# -- tokenisation.detokenise ----------------------------------------------------------------------


def chunked(rng: np.random.Generator, text: str) -> list[str]:
    """Tokens of ``text`` as an encoder would give them: each word cut into pieces of 1 to 4 characters, markers first."""
    tokens: list[str] = []
    word = ""
    for character in text.replace(" ", MARKER) + MARKER:
        if character == MARKER and word:
            while word:
                size = int(rng.integers(1, 5))
                tokens.append(word[:size])
                word = word[size:]
        word += character
    return tokens


WORKED_TOKENS = ["low", "est", MARKER, "n", "ew", "er", MARKER + "low", "er"]


def _detokenise_calls(t: Trial, cases: list[list[str]], show: bool) -> None:
    """Each token list's text: the reference's answer, which is the text the tokens were cut from."""
    for tokens in cases:
        label = f"detokenise({tokens!r})" if show else f"detokenise(a list of {len(tokens)} tokens)"
        expect_same_text(t, t.student(list(tokens)), t.reference(list(tokens)), name=label)


def check_detokenise_worked_example(t: Trial) -> None:
    """'detokenise' of the tokens of 'lowest newer lower' from bpe_encode's example."""
    _detokenise_calls(t, [WORKED_TOKENS], show=True)


def check_detokenise_round_trip(t: Trial) -> None:
    """'detokenise' gives back exactly the texts of three token lists, with spaces at the start, at the end and doubled."""
    _detokenise_calls(t, [chunked(t.rng, random_text(t.rng, int(t.rng.integers(4, 9)))) for _ in range(3)], show=True)


def check_detokenise_hidden(t: Trial) -> None:
    """'detokenise' gives back exactly the texts of new token lists."""
    _detokenise_calls(t, [chunked(t.rng, random_text(t.rng, int(t.rng.integers(3, 10)))) for _ in range(3)], show=False)


DETOKENISE = Exercise(
    id="tokenisation.detokenise",
    title="Detokenise: join the tokens and turn the space-prefix markers back into spaces",
    notes="1.12.5.1 (detokenization)",
    float32=False,
    float32_reason=FLOAT32_REASON,
    student=StudentFunction("tokenisation", "detokenise"),
    reference="reference.tokenisation:detokenise",
    torch_reference="reference.tokenisation_torch:detokenise",
    input_classes=(),
    checks=(
        Check(check_detokenise_worked_example, points=1),
        Check(check_detokenise_round_trip, points=2),
        Check(check_detokenise_hidden, points=2, hidden=True),
    ),
    mistakes=(
        Mistake(
            "tokens joined with spaces",
            "a naive join with spaces puts a space inside words; the tokens say themselves where the spaces "
            "go (their markers): join them with nothing between.",
            f"{MISTAKES}:detokenise_joined_with_spaces",
        ),
        Mistake(
            "the space marker dropped",
            "the marker '\u2581' stands for a space: turn each one into ' ', do not delete it.",
            f"{MISTAKES}:detokenise_markers_deleted",
        ),
        Mistake(
            "spaces stripped",
            "the round trip must give back the text EXACTLY, spaces at its start and end included: do not strip.",
            f"{MISTAKES}:detokenise_stripped",
        ),
    ),
)


EXERCISES: tuple[Exercise, ...] = (
    BPE_TRAIN,
    BPE_ENCODE,
    DETOKENISE,
)
