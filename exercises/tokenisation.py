"""Tokenisation: byte-pair encoding (BPE) learned from a corpus, a new text encoded with the learned
merges, and detokenisation that gives the text back exactly (course notes 1.12.5.1).

Conventions used by every function in this module:

- the SPACE MARKER is ``MARKER = "\u2581"`` (the character ``▁``, as in
  SentencePiece). Pre-tokenisation turns every space ``" "`` into the marker
  and starts a new WORD at each marker: the text ``"a cat  sat"`` is the
  words ``["a", "▁cat", "▁", "▁sat"]`` (a double space gives a word that is
  the marker alone). Only the space marks a word boundary: punctuation and
  other characters belong to the word they touch. The first word has no
  marker unless the text begins with a space. The notes' modern tokenisers
  do this: "a special prefix character is added whenever a token begins a
  new word". Texts never contain the marker themselves.
- a word starts as the list of its characters (the marker is a character
  too). A MERGE ``(left, right)`` replaces every adjacent ``left, right`` in
  a word by the one token ``left + right``, scanning from left to right
  without overlap: merging ``("a", "a")`` in ``["a", "a", "a"]`` gives
  ``["aa", "a"]``.
- merges never cross words: a token never holds the end of one word and the
  start of the next.
- ties are broken by the lexicographically smallest pair: Python's ``<`` on
  ``(left, right)`` tuples of strings, in code-point order (so ``"▁"``,
  U+2581, comes after every ASCII character).

Text in, text out: there is no floating-point arithmetic here, so float32
does not come into it. Inputs are str, int and lists (of str, or of
``[left, right]`` pairs of str); return lists of str, lists of pairs
(tuples or lists of two str) and str, as each function says. Each call may
use the CPU time your course gives a call (2 s); every function here needs
a few milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check tokenisation``).
"""

MARKER = "\u2581"


def bpe_train(corpus, vocab_size):
    """Return the merges byte-pair encoding learns from ``corpus`` to reach ``vocab_size`` tokens, in the order learned.

    Time budget: 2 s of CPU per call (the course default).

    Pre-tokenise the corpus into words (the module's convention; a word
    that occurs several times counts that many times) and start each word
    as its characters. The vocabulary starts as the corpus's DISTINCT
    CHARACTERS (the marker among them, when the corpus has a space), and
    every merge adds one token, so learn ``vocab_size - len(characters)``
    merges (none if that is 0 or less). Each merge:

    1. count every adjacent pair of tokens INSIDE each word, each word
       weighted by how often it occurs (every position counts: ``"aaa"``
       holds ``("a", "a")`` twice);
    2. take the pair of highest count; among equal counts the
       lexicographically smallest ``(left, right)``;
    3. replace it by the merged token in every word, left to right.

    Stop early when no word has two tokens left. This is the notes' "the
    most frequent pair of adjacent tokens is merged into a new, longer
    n-gram ... until a vocabulary of prescribed size is obtained".

    For example ``"low low low lower lower newest newest widest"`` has 11
    characters (``d e i l n o r s t w ▁``); to 19 tokens BPE learns the 8
    merges ``[("l", "o"), ("lo", "w"), ("▁", "low"), ("e", "s"),
    ("es", "t"), ("e", "r"), ("e", "w"), ("ew", "est")]``. The fourth merge
    breaks a tie: ``("e", "s")`` and ``("s", "t")`` both occur 3 times (in
    ``"▁newest"`` twice and ``"▁widest"`` once), more than any other pair,
    and ``("e", "s")`` is the smaller.

    Parameters
    ----------
    corpus : str
        the training text
    vocab_size : int
        the number of tokens wanted

    Returns
    -------
    list of (left, right) pairs of str
        the merges, in the order they were learned
    """
    raise NotImplementedError


def bpe_encode(text, merges):
    """Return the tokens of ``text``: pre-tokenised into words, each word's characters merged in the LEARNED order.

    Time budget: 2 s of CPU per call (the course default).

    Start each word as its characters and apply the merges one after
    another, in the order of the list (the order they were learned), each
    to every occurrence in the word. Characters never seen in training just
    stay tokens of one character. Joining the tokens and turning the
    markers back into spaces gives the text again.

    For example, with the 8 merges of ``bpe_train``'s example,
    ``"lowest newer lower"`` is ``["low", "est", "▁", "n", "ew", "er",
    "▁low", "er"]`` (``"▁newer"`` cannot become ``"▁n" ...``: no merge
    joins the marker to ``"n"``). With the merges ``[("b", "c"),
    ("a", "b"), ("ab", "c"), ("▁", "ab")]``, ``"ab ab abc"`` is
    ``["ab", "▁ab", "▁", "a", "bc"]``: in ``"▁abc"`` the first merge makes
    ``"bc"`` before ``"ab"`` can form.

    Parameters
    ----------
    text : str
    merges : list of [left, right] pairs of str
        in the order they were learned

    Returns
    -------
    list of str
        the tokens
    """
    raise NotImplementedError


def detokenise(tokens):
    """Return the text of ``tokens``: join them exactly as they are and turn every marker back into a space.

    Time budget: 2 s of CPU per call (the course default).

    The round trip ``text -> bpe_encode -> detokenise`` gives the text back
    EXACTLY, spaces at the start, at the end and doubled included. For
    example ``["low", "est", "▁", "n", "ew", "er", "▁low", "er"]`` is
    ``"lowest newer lower"``, and ``["▁a", "b", "▁", "▁"]`` is ``" ab  "``.

    Parameters
    ----------
    tokens : list of str

    Returns
    -------
    str
    """
    raise NotImplementedError
