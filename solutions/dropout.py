"""Dropout: inverted dropout from given uniforms, a dropout layer in both conventions at training and
at test time, and inverted dropout with a mask you draw yourself (course notes 1.5.1.7; slides: dropout).

Conventions used by every function in this module (torch's ``nn.Dropout``,
where the slides differ the function says so):

- a batch has ONE EXAMPLE PER ROW: ``X`` has shape ``(n, k)``, n examples of
  k units (the outputs of the layer before, after its activation).
- ``p`` is the probability of DROPPING a unit (zeroing it), as the notes'
  and ``nn.Dropout``'s p. The probability of KEEPING it is ``1 - p``.
- every entry of X is dropped or kept on its own: each example (row) has a
  mask of its own, drawn independently.
- given uniforms ``U`` (numbers in [0, 1), one per entry of X), a unit is
  dropped where ``u < p`` and kept where ``u >= p``, which drops it with
  probability p.
- INVERTED dropout (torch's and every framework's) divides the kept units
  by ``1 - p`` in training and does nothing at test time. The slides'
  convention leaves the kept units as they are in training and multiplies
  every output by the keep probability ``1 - p`` at test time (the slides
  write "multiplied by p" with p the drop probability: a slip). Either way
  the test output is the expected training output.

Inputs are NumPy arrays of floats, p a float, seed an int, training and
inverted bools; start with ``X = np.asarray(X, dtype=float)``, which also
takes nested lists. Return NumPy arrays (float64, or float32: a float32
answer is compared with float32 tolerances, relative 1e-4, absolute 1e-6).
Each call may use the CPU time your course gives a call (a few seconds);
every function here needs a few milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check dropout``).
"""

import numpy as np


def inverted_dropout(X, U, p):
    """Return inverted dropout in training: ``X * m / (1 - p)`` with the mask ``m = 1 where u >= p, else 0``.

    Time budget: 2 s of CPU per call (the course default).

    Entry (i, j) is dropped when ``U[i, j] < p`` and otherwise kept and
    divided by the keep probability ``1 - p``, so that its expected value
    is x. This is what ``nn.Dropout(p)`` computes in training mode, with
    the mask given instead of drawn. For example
    ``X = [[1, 2, 3], [4, 5, 6]]``,
    ``U = [[0.125, 0.75, 0.375], [0.625, 0.0625, 0.875]]`` and ``p = 0.5``
    give ``[[0, 4, 0], [8, 0, 12]]``.

    Parameters
    ----------
    X : ndarray of shape (n, k)
        a batch of n examples of k units
    U : ndarray of shape (n, k)
        uniforms in [0, 1), one per entry of X
    p : float
        in [0, 1), the probability of dropping a unit

    Returns
    -------
    ndarray of shape (n, k)
    """
    X, U = np.asarray(X, dtype=float), np.asarray(U, dtype=float)
    return X * (U >= p) / (1.0 - p)


def dropout_layer(X, U, p, training, inverted):
    """Return a dropout layer's output, in training or at test time, in either convention.

    Time budget: 2 s of CPU per call (the course default).

    With the mask ``m = 1 where u >= p, else 0``:

    - inverted (``inverted=True``): ``X * m / (1 - p)`` in training, ``X`` at
      test time (``nn.Dropout`` in ``train()`` and in ``eval()`` mode);
    - the slides' (``inverted=False``): ``X * m`` in training,
      ``(1 - p) X`` at test time.

    Scale once, in one phase: the test output equals the expected training
    output in both. At test time nothing is dropped and U is not used. For
    example ``X = [[1, 2, 3], [4, 5, 6]]``,
    ``U = [[0.125, 0.75, 0.375], [0.625, 0.0625, 0.875]]``, ``p = 0.25``:
    in training, inverted gives ``[[0, 2.666667, 4], [5.333333, 0, 8]]`` and
    the slides' way ``[[0, 2, 3], [4, 0, 6]]``; at test time, inverted gives
    X and the slides' way ``[[0.75, 1.5, 2.25], [3, 3.75, 4.5]]``.

    Parameters
    ----------
    X : ndarray of shape (n, k)
        a batch of n examples of k units
    U : ndarray of shape (n, k)
        uniforms in [0, 1), one per entry of X (used in training only)
    p : float
        in [0, 1), the probability of dropping a unit
    training : bool
        True in training, False at test time
    inverted : bool
        True for inverted dropout, False for the slides' convention

    Returns
    -------
    ndarray of shape (n, k)
    """
    X = np.asarray(X, dtype=float)
    if training:
        kept = X * (np.asarray(U, dtype=float) >= p)
        return kept / (1.0 - p) if inverted else kept
    return X.copy() if inverted else (1.0 - p) * X


def sample_dropout(X, p, seed):
    """Return inverted dropout of X in training, with a mask you draw from ``np.random.default_rng(seed)``.

    Time budget: 2 s of CPU per call (the course default).

    Make the generator once, ``rng = np.random.default_rng(seed)``, and draw
    every random number from it, so that the same seed gives the same
    answer. Drop each entry of X independently with probability p (one
    random number per ENTRY, so each example has its own mask) and divide
    the kept entries by ``1 - p``; ``rng.random(X.shape)`` gives uniforms for
    the rule of ``inverted_dropout``. The checks do not ask for one
    particular mask: they call with batches of over 50,000 entries and
    check that every entry is 0 or ``x / (1 - p)``, that the fraction kept
    is within 0.015 of ``1 - p`` (a right answer fails this with probability
    below 1e-9), that no two examples share a mask, that the same seed
    gives the same answer and another seed another mask, and that where
    your mask and the reference's both keep an entry of the first two
    examples, the values agree. For example, with
    ``p = 0.5``, ``X = [[1, 2]]`` gives one of ``[[0, 0]]``, ``[[2, 0]]``,
    ``[[0, 4]]`` and ``[[2, 4]]``.

    Parameters
    ----------
    X : ndarray of shape (n, k)
        a batch of n examples of k units
    p : float
        in (0, 1), the probability of dropping a unit
    seed : int
        the seed of the generator to draw the mask from

    Returns
    -------
    ndarray of shape (n, k)
    """
    X = np.asarray(X, dtype=float)
    rng = np.random.default_rng(seed)
    return X * (rng.random(X.shape) >= p) / (1.0 - p)
