"""Known mistakes in the tokenisation exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/tokenisation.py`` name them with a hint.
"""

from __future__ import annotations

from collections import Counter

from reference.tokenisation import MARKER, apply_merges, best_pair, merge_word, pair_counts, words_of


def _train(words: dict[tuple[str, ...], int], merges_wanted: int, choose=best_pair) -> list[tuple[str, str]]:
    merges: list[tuple[str, str]] = []
    for _ in range(merges_wanted):
        counts = pair_counts(words)
        if not counts:
            break
        pair = choose(counts)
        merges.append(pair)
        merged: Counter = Counter()
        for tokens, count in words.items():
            merged[tuple(merge_word(list(tokens), pair))] += count
        words = dict(merged)
    return merges


def _alphabet(words) -> set[str]:
    return {character for word in words for character in word}


# -- bpe_train ------------------------------------------------------------------------------------


def bpe_train_across_words(corpus, vocab_size):
    """Counts pairs across word boundaries: the whole corpus, markers and all, is one sequence of tokens."""
    text = str(corpus).replace(" ", MARKER)
    words = {tuple(text): 1} if len(text) else {}
    return _train(words, int(vocab_size) - len(_alphabet(words)))


def bpe_train_first_seen_ties(corpus, vocab_size):
    """Breaks ties between equally frequent pairs by the pair seen first in the corpus (Counter.most_common's order)."""
    words = dict(Counter(tuple(word) for word in words_of(corpus)))
    return _train(words, int(vocab_size) - len(_alphabet(words)), choose=lambda counts: counts.most_common(1)[0][0])


def bpe_train_largest_ties(corpus, vocab_size):
    """Breaks ties by the lexicographically LARGEST pair (max over (count, pair))."""
    words = dict(Counter(tuple(word) for word in words_of(corpus)))
    return _train(words, int(vocab_size) - len(_alphabet(words)),
                  choose=lambda counts: max(counts, key=lambda pair: (counts[pair], pair)))


def bpe_train_no_marker(corpus, vocab_size):
    """Splits the corpus on spaces and drops them: the words carry no space marker."""
    words = dict(Counter(tuple(word) for word in str(corpus).split()))
    return _train(words, int(vocab_size) - len(_alphabet(words)))


def bpe_train_vocab_without_characters(corpus, vocab_size):
    """Learns vocab_size merges, forgetting that the characters are already in the vocabulary."""
    words = dict(Counter(tuple(word) for word in words_of(corpus)))
    return _train(words, int(vocab_size))


# -- bpe_encode -----------------------------------------------------------------------------------


def bpe_encode_frequency_order(text, merges):
    """Re-ranks the learned merges by how often their pairs occur in the text being encoded, most frequent first."""
    merges = [(str(left), str(right)) for left, right in merges]
    rank = {pair: index for index, pair in reversed(list(enumerate(merges)))}
    words = [list(word) for word in words_of(text)]
    while True:
        counts: Counter = Counter()
        for tokens in words:
            for pair in zip(tokens, tokens[1:]):
                if pair in rank:
                    counts[pair] += 1
        if not counts:
            break
        pair = min(counts, key=lambda p: (-counts[p], rank[p]))
        words = [merge_word(tokens, pair) for tokens in words]
    return [token for tokens in words for token in tokens]


def bpe_encode_no_marker(text, merges):
    """Splits the text on spaces and drops them: no token carries the space marker."""
    merges = [(str(left), str(right)) for left, right in merges]
    return [token for word in str(text).split() for token in apply_merges(word, merges)]


def bpe_encode_longest_match(text, merges):
    """Takes, at each position of a word, the longest token of the vocabulary (WordPiece's greedy match), not BPE's merges."""
    vocabulary = {str(left) + str(right) for left, right in merges}
    tokens: list[str] = []
    for word in words_of(text):
        i = 0
        while i < len(word):
            j = len(word)
            while j > i + 1 and word[i:j] not in vocabulary:
                j -= 1
            tokens.append(word[i:j])
            i = j
    return tokens


# -- detokenise -----------------------------------------------------------------------------------


def detokenise_joined_with_spaces(tokens):
    """Joins the tokens with a space between each two (and the markers turned into spaces)."""
    return " ".join(str(token) for token in tokens).replace(MARKER, " ")


def detokenise_markers_deleted(tokens):
    """Deletes the markers instead of turning them into spaces."""
    return "".join(str(token) for token in tokens).replace(MARKER, "")


def detokenise_stripped(tokens):
    """Strips the spaces at the start and at the end of the text."""
    return "".join(str(token) for token in tokens).replace(MARKER, " ").strip()
