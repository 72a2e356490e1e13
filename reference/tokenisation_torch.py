"""The second, independent implementation of the tokenisation references; it must agree with
:mod:`reference.tokenisation`.

torch has no byte-pair encoding, and tokenisation computes nothing with
tensors, so this twin is pure Python written another way: training keeps
every word occurrence of the corpus as its own list of tokens (no table of
word counts) and finds the pair to merge by sorting; encoding merges, in
each word, the adjacent pair of LOWEST RANK (learned earliest) until no
learned pair is left, as GPT-2's encoder does, which gives the same tokens
as applying the merges one after another; detokenisation goes character by
character. ``tests/test_tokenisation.py`` also compares the references with
the ``tokenizers`` package's BPE trainer where it is installed.
"""

from __future__ import annotations

MARKER = "\u2581"


def _words(text: str) -> list[str]:
    words: list[str] = []
    for character in str(text):
        if character == " " or not words:
            words.append(MARKER if character == " " else character)
        else:
            words[-1] += character
    return words


def _merge(tokens: list[str], left: str, right: str) -> list[str]:
    """Every adjacent (left, right) joined, left to right: a token just made is not joined again."""
    out: list[str] = []
    fresh = False
    for token in tokens:
        if not fresh and out and out[-1] == left and token == right:
            out[-1] = left + right
            fresh = True
        else:
            out.append(token)
            fresh = False
    return out


def bpe_train(corpus, vocab_size):
    """The twin of :func:`reference.tokenisation.bpe_train`: the merges, in the order learned."""
    occurrences = [list(word) for word in _words(corpus)]
    alphabet = sorted({character for word in occurrences for character in word})
    merges = []
    while len(alphabet) + len(merges) < int(vocab_size):
        counts: dict[tuple[str, str], int] = {}
        for tokens in occurrences:
            for i in range(len(tokens) - 1):
                counts[(tokens[i], tokens[i + 1])] = counts.get((tokens[i], tokens[i + 1]), 0) + 1
        if not counts:
            break
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        left, right = ranked[0][0]
        merges.append((left, right))
        occurrences = [_merge(tokens, left, right) for tokens in occurrences]
    return merges


def bpe_encode(text, merges):
    """The twin of :func:`reference.tokenisation.bpe_encode`: lowest-rank pair first, word by word."""
    rank = {}
    for index, (left, right) in enumerate(merges):
        rank.setdefault((str(left), str(right)), index)
    tokens_out: list[str] = []
    for word in _words(text):
        tokens = list(word)
        while len(tokens) > 1:
            pairs = [(rank[pair], pair) for pair in zip(tokens, tokens[1:]) if pair in rank]
            if not pairs:
                break
            _, (left, right) = min(pairs)
            tokens = _merge(tokens, left, right)
        tokens_out.extend(tokens)
    return tokens_out


def detokenise(tokens):
    """The twin of :func:`reference.tokenisation.detokenise`: character by character, markers as spaces."""
    characters = []
    for token in tokens:
        for character in str(token):
            characters.append(" " if character == MARKER else character)
    return "".join(characters)
