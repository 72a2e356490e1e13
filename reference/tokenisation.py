"""Tokenisation in pure Python: byte-pair encoding trained on a corpus, encoding with the learned merges,
and detokenisation with the space-prefix marker (course notes 1.12.5.1).

The grader compares every student answer with these functions. Text in,
text out: there is no floating-point arithmetic. Conventions:

- pre-tokenisation: every space ``" "`` becomes the marker ``MARKER = "\u2581"``
  (``▁``, as in SentencePiece) and a WORD starts at each marker: the text
  ``"a cat  sat"`` is the words ``["a", "▁cat", "▁", "▁sat"]``. Only the
  space marks a word boundary; punctuation belongs to the word it touches.
  The first word has no marker unless the text begins with a space. Texts
  never contain the marker itself.
- a word starts as its characters (the initial tokens: the marker is a
  character too); a MERGE ``(a, b)`` replaces every adjacent ``a, b`` in a
  word, scanning left to right without overlap, by the token ``a + b``.
- training counts the adjacent pairs INSIDE each word (every position, so
  ``"aaa"`` has the pair ``("a", "a")`` twice), each word as often as the
  corpus has it; pairs are never counted across words. The most frequent
  pair is merged; among pairs of equal count the lexicographically
  smallest ``(left, right)`` (Python's comparison of the two strings, in
  code-point order, ``"▁"`` after every ASCII character) wins. The
  vocabulary starts as the corpus's distinct characters and each merge
  adds one token: ``vocab_size - len(characters)`` merges are learned, or
  fewer when no word has two tokens left.
- encoding pre-tokenises the text the same way and applies the merges to
  each word in the order they were learned; characters never seen in
  training stay tokens of one character.
- detokenisation joins the tokens as they are and turns every marker back
  into a space: the round trip text -> tokens -> text is exact.
"""

from __future__ import annotations

import re
from collections import Counter

MARKER = "\u2581"
"""the space-prefix marker: a token that begins a new word carries it in place of the space"""


def words_of(text: str) -> list[str]:
    """The pre-tokenised words: spaces become markers, and a word starts at each marker."""
    return [word for word in re.split(f"(?={MARKER})", str(text).replace(" ", MARKER)) if word]


def merge_word(tokens: list[str], pair: tuple[str, str]) -> list[str]:
    """``tokens`` with every adjacent ``pair`` replaced by the joined token, left to right, without overlap."""
    left, right = pair
    merged: list[str] = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens) and tokens[i] == left and tokens[i + 1] == right:
            merged.append(left + right)
            i += 2
        else:
            merged.append(tokens[i])
            i += 1
    return merged


def pair_counts(words: dict[tuple[str, ...], int]) -> Counter:
    """How often each adjacent pair occurs inside the words, each word weighted by its count."""
    counts: Counter = Counter()
    for tokens, count in words.items():
        for pair in zip(tokens, tokens[1:]):
            counts[pair] += count
    return counts


def best_pair(counts: Counter) -> tuple[str, str]:
    """The most frequent pair; among equal counts the lexicographically smallest ``(left, right)``."""
    return min(counts, key=lambda pair: (-counts[pair], pair))


def bpe_train(corpus, vocab_size) -> list[tuple[str, str]]:
    """Byte-pair encoding trained on ``corpus`` to ``vocab_size`` tokens: the merges, in the order learned.

    Parameters
    ----------
    corpus : str, the training text
    vocab_size : int, the number of tokens wanted: the corpus's distinct characters plus one per merge

    Returns
    -------
    list of (left, right) pairs of str, the merges in the order they were learned
    """
    words: dict[tuple[str, ...], int] = dict(Counter(tuple(word) for word in words_of(corpus)))
    alphabet = {character for word in words for character in word}
    merges: list[tuple[str, str]] = []
    for _ in range(int(vocab_size) - len(alphabet)):
        counts = pair_counts(words)
        if not counts:
            break
        pair = best_pair(counts)
        merges.append(pair)
        merged: Counter = Counter()
        for tokens, count in words.items():
            merged[tuple(merge_word(list(tokens), pair))] += count
        words = dict(merged)
    return merges


def apply_merges(word: str, merges) -> list[str]:
    """One word's tokens: its characters, with each merge applied in the order given."""
    tokens = list(word)
    for left, right in merges:
        tokens = merge_word(tokens, (left, right))
    return tokens


def bpe_encode(text, merges) -> list[str]:
    """The tokens of ``text``: pre-tokenised into words, each word's characters merged in the learned order.

    Parameters
    ----------
    text : str
    merges : list of (left, right) pairs of str, in the order learned

    Returns
    -------
    list of str, the tokens; a token that begins a word after a space begins with the marker
    """
    merges = [(str(left), str(right)) for left, right in merges]
    return [token for word in words_of(text) for token in apply_merges(word, merges)]


def detokenise(tokens) -> str:
    """The text of ``tokens``: joined as they are, every marker turned back into a space.

    Parameters
    ----------
    tokens : list of str

    Returns
    -------
    str
    """
    return "".join(str(token) for token in tokens).replace(MARKER, " ")
