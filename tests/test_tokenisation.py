"""The tokenisation references against the ``tokenizers`` package's BPE trainer, against each other, and
the conventions the exercises state.

- on corpora where no two pairs ever tie for the highest count, ``bpe_train``
  learns the merges ``tokenizers``' ``BpeTrainer`` learns with a ``Metaspace``
  pre-tokeniser that prepends nothing (the same words: a space becomes "▁"
  and starts a word), and ``bpe_encode`` with those merges gives the
  tokens its trained tokenizer gives. Where pairs tie, ``tokenizers``
  prefers the pair of smaller token ids, not the lexicographically smallest
  pair: the test shows the worked corpus is such a case;
- the NumPy-free twin (training by sorting every word occurrence, encoding
  lowest rank first) agrees with the reference on hundreds of corpora and texts;
- the round trip text -> tokens -> text is exact, spaces at the ends and
  doubled included, and unseen characters too; no learned token spans two words;
- the check inputs tell every known mistake apart, and the docstrings'
  worked examples hold for the reference and the solution.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import reference.tokenisation as ref
import reference.tokenisation_mistakes as wrong
import reference.tokenisation_torch as twin
from grader.catalog.tokenisation import (
    DESIGNED_MERGES,
    MARKER,
    OTHER_MERGES,
    SYLLABLES,
    WORKED_CORPUS,
    WORKED_MERGES,
    WORKED_TOKENS,
    chunked,
    random_text,
)


def corpus_and_size(rng: np.random.Generator, words: tuple[int, int] = (15, 30)) -> tuple[str, int]:
    corpus = random_text(rng, int(rng.integers(*words)), spaces=False)
    return corpus, len(set(corpus.replace(" ", MARKER))) + int(rng.integers(5, 12))


def ties_while_training(corpus: str, vocab_size: int) -> bool:
    """Whether, at some merge, two pairs share the highest count (the tie rule decides)."""
    from collections import Counter

    words = dict(Counter(tuple(word) for word in ref.words_of(corpus)))
    for pair in ref.bpe_train(corpus, vocab_size):
        counts = ref.pair_counts(words)
        top = max(counts.values())
        if sum(1 for count in counts.values() if count == top) > 1:
            return True
        merged: Counter = Counter()
        for tokens, count in words.items():
            merged[tuple(ref.merge_word(list(tokens), pair))] += count
        words = dict(merged)
    return False


# -- the tokenizers package's BPE trainer ---------------------------------------------------------


def tokenizers_bpe(corpus: str, vocab_size: int):
    tokenizers = pytest.importorskip("tokenizers")
    tokenizer = tokenizers.Tokenizer(tokenizers.models.BPE())
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.Metaspace(replacement=MARKER, prepend_scheme="never")
    trainer = tokenizers.trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=0, show_progress=False, special_tokens=[])
    tokenizer.train_from_iterator([corpus], trainer=trainer)
    merges = json.loads(tokenizer.to_str())["model"]["merges"]
    return [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in merges], tokenizer


def test_bpe_train_and_encode_are_the_tokenizers_package_s_on_corpora_without_ties():
    rng = np.random.default_rng(0)
    compared = 0
    while compared < 10:
        corpus, size = corpus_and_size(rng, (20, 40))
        if ties_while_training(corpus, size):
            continue
        merges, tokenizer = tokenizers_bpe(corpus, size)
        assert ref.bpe_train(corpus, size) == merges, corpus
        # Texts of the corpus's characters (tokenizers' BPE has no unknown token to fall back on).
        text = " " + " ".join(corpus.split()[::-1][:8]) + "  " + corpus.split()[0]
        assert ref.bpe_encode(text, merges) == tokenizer.encode(text).tokens, text
        compared += 1


def test_tokenizers_breaks_ties_otherwise_than_the_stated_rule():
    # The worked corpus ties at its last merges; tokenizers takes the pair of smaller ids, the exercise the smallest strings.
    merges, _ = tokenizers_bpe(WORKED_CORPUS, 19)
    assert ties_while_training(WORKED_CORPUS, 19)
    assert merges[:7] == WORKED_MERGES[:7] and merges != WORKED_MERGES


# -- the references ------------------------------------------------------------------------------


def test_the_twin_agrees_with_the_reference_on_random_corpora_and_texts():
    rng = np.random.default_rng(1)
    for _ in range(300):
        corpus, size = corpus_and_size(rng)
        merges = ref.bpe_train(corpus, size)
        assert twin.bpe_train(corpus, size) == merges
        text = random_text(rng, int(rng.integers(1, 12)), SYLLABLES + ("q", "z!", "."))
        assert twin.bpe_encode(text, merges) == ref.bpe_encode(text, merges)
        assert twin.detokenise(ref.bpe_encode(text, merges)) == text


def test_the_round_trip_is_exact_and_no_token_spans_two_words():
    rng = np.random.default_rng(2)
    for merges in (WORKED_MERGES, DESIGNED_MERGES, OTHER_MERGES):
        for _ in range(100):
            text = random_text(rng, int(rng.integers(1, 12)), SYLLABLES + ("a", "b", "c", "?", "x y"))
            tokens = ref.bpe_encode(text, merges)
            assert ref.detokenise(tokens) == text
            assert all(MARKER not in token[1:] for token in tokens)
            assert ref.detokenise(chunked(rng, text)) == text
    for corpus, size in (corpus_and_size(rng) for _ in range(50)):
        assert all(MARKER not in (left + right)[1:] for left, right in ref.bpe_train(corpus, size))


def test_the_vocabulary_is_the_characters_plus_one_token_per_merge_until_no_pair_is_left():
    corpus = "ab ab"
    characters = set(corpus.replace(" ", MARKER))
    assert ref.bpe_train(corpus, len(characters)) == []
    assert ref.bpe_train(corpus, len(characters) + 2) == [("a", "b"), (MARKER, "ab")]
    assert ref.bpe_train(corpus, len(characters) + 10) == [("a", "b"), (MARKER, "ab")]  # nothing left to merge
    assert ref.bpe_train("aaa", 5) == [("a", "a"), ("aa", "a")]  # ("a", "a") counted twice in "aaa", merged once


def test_pre_tokenisation_puts_a_marker_on_every_word_after_a_space():
    assert ref.words_of("a cat  sat") == ["a", f"{MARKER}cat", MARKER, f"{MARKER}sat"]
    assert ref.words_of(" x ") == [f"{MARKER}x", MARKER]
    assert twin._words(" a cat  sat ") == ref.words_of(" a cat  sat ")


# -- the checks' inputs tell the mistakes apart ----------------------------------------------------


def test_the_worked_corpus_tells_every_training_mistake_apart():
    right = ref.bpe_train(WORKED_CORPUS, 19)
    assert right == WORKED_MERGES
    answers = {variant.__name__: variant(WORKED_CORPUS, 19) for variant in (
        wrong.bpe_train_across_words, wrong.bpe_train_first_seen_ties, wrong.bpe_train_largest_ties,
        wrong.bpe_train_no_marker, wrong.bpe_train_vocab_without_characters)}
    assert all(answer != right for answer in answers.values()), answers
    assert len({repr(answer) for answer in answers.values()}) == len(answers)


def test_the_designed_encoding_cases_tell_every_encoding_mistake_apart():
    cases = [("lowest newer lower", WORKED_MERGES), ("ab ab abc", DESIGNED_MERGES), (" abc cab  bcab ", DESIGNED_MERGES)]
    variants = (wrong.bpe_encode_frequency_order, wrong.bpe_encode_no_marker, wrong.bpe_encode_longest_match)
    answers = {v.__name__: [v(text, merges) for text, merges in cases] for v in variants}
    right = [ref.bpe_encode(text, merges) for text, merges in cases]
    assert all(answer != right for answer in answers.values())
    assert len({repr(answer) for answer in answers.values()}) == len(answers)


def test_every_detokenise_input_shows_each_mistake():
    rng = np.random.default_rng(3)
    for _ in range(500):
        text = random_text(rng, int(rng.integers(3, 10)))
        tokens = chunked(rng, text)
        assert text.startswith(" ") and text.endswith(" ") and "  " in text
        assert ref.detokenise(tokens) == text
        for variant in (wrong.detokenise_joined_with_spaces, wrong.detokenise_markers_deleted, wrong.detokenise_stripped):
            assert variant(tokens) != text


# -- the docstrings' examples and the solution ----------------------------------------------------


def test_the_docstrings_worked_examples(solutions):
    tokenisation = solutions("tokenisation")
    for module in (ref, tokenisation):
        assert [tuple(m) for m in module.bpe_train(WORKED_CORPUS, 19)] == WORKED_MERGES
        assert module.bpe_encode("lowest newer lower", WORKED_MERGES) == WORKED_TOKENS
        assert module.bpe_encode("ab ab abc", DESIGNED_MERGES) == ["ab", f"{MARKER}ab", MARKER, "a", "bc"]
        assert module.detokenise(WORKED_TOKENS) == "lowest newer lower"
        assert module.detokenise([f"{MARKER}a", "b", MARKER, MARKER]) == " ab  "
    assert sorted(set(WORKED_CORPUS.replace(" ", MARKER))) == list("deilnorstw") + [MARKER]


def test_solution_agrees_with_the_references(solutions):
    tokenisation = solutions("tokenisation")
    rng = np.random.default_rng(4)
    for _ in range(100):
        corpus, size = corpus_and_size(rng)
        merges = ref.bpe_train(corpus, size)
        assert [tuple(m) for m in tokenisation.bpe_train(corpus, size)] == merges
        text = random_text(rng, int(rng.integers(1, 10)))
        assert tokenisation.bpe_encode(text, merges) == ref.bpe_encode(text, merges)
        assert tokenisation.detokenise(ref.bpe_encode(text, merges)) == text
