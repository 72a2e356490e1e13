"""Perceptrons (course notes 1.3.1, worked examples 2.2.1 and 2.2.2).

Conventions used by every function in this module:

- the bias is the weight ``w[0]`` of an extra input ``x0 = 1`` placed *first*:
  a pattern ``x = [x1, ..., xp]`` is augmented to ``[1, x1, ..., xp]``;
- the perceptron outputs ``+1`` when ``w . x > 0`` and ``-1`` when
  ``w . x <= 0`` -- a net input of exactly 0 gives -1;
- desired outputs ``d`` are -1 or +1.

Inputs are NumPy arrays of floats (``d`` and an update order hold ints).
Return NumPy arrays (lists and torch tensors are accepted too), float64, or
float32 compared with float32 tolerances (relative 1e-4, absolute 1e-6);
``is_linearly_separable`` returns a Python bool (checked: 1 or 0 is not one).

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check perceptron``).
"""

import numpy as np


def predict(w, X):
    """Return the perceptron's output for every pattern (row) of X.

    Time budget: 2 s of CPU per call (the course default).

    Parameters
    ----------
    w : ndarray of shape (p + 1,)
        the weights, bias first: ``w[0]`` multiplies the bias input ``x0 = 1``
    X : ndarray of shape (n, p)
        the patterns, one per row, *without* the bias input

    Returns
    -------
    ndarray of shape (n,)
        ``+1`` where ``w . [1, x] > 0`` and ``-1`` where ``w . [1, x] <= 0``
    """
    raise NotImplementedError


def gate_weights(gate):
    """Return perceptron weights that compute a logic gate of two inputs.

    Time budget: 2 s of CPU per call (the course default).

    The inputs ``x1, x2`` are 0 or 1; true is the output ``+1`` and false is
    ``-1``. ``predict(gate_weights(gate), X)`` must give the gate's truth
    table on the four patterns ``(1, 1), (1, 0), (0, 1), (0, 0)``. Many weight
    vectors are right; pick any (example 2.2.1 gives two for AND). Remember
    that a net input of exactly 0 gives -1.

    Parameters
    ----------
    gate : str
        ``"OR"``, ``"AND"`` or ``"NAND"``

    Returns
    -------
    ndarray of shape (3,)
        ``[w0, w1, w2]``, the bias ``w0`` first
    """
    raise NotImplementedError


def learning_step(w, x, d, eta):
    """Return the weights after one step of perceptron learning on one pattern.

    Time budget: 2 s of CPU per call (the course default).

    Augment the pattern to ``a = [1, x1, ..., xp]`` and compute the output
    ``y`` (+1 if ``w . a > 0``, -1 otherwise). If the pattern is misclassified
    (``y != d``) the new weights are ``w + eta * d * a``; if it is correctly
    classified the weights do not change. Do not modify ``w`` in place.

    Parameters
    ----------
    w : ndarray of shape (p + 1,)
        the weights, bias first
    x : ndarray of shape (p,)
        one pattern, *without* the bias input
    d : int
        the desired output, -1 or +1
    eta : float
        the learning rate

    Returns
    -------
    ndarray of shape (p + 1,)
        the new weights
    """
    raise NotImplementedError


def train(X, d, w0, eta, order, max_updates=1000):
    """Run the perceptron learning algorithm (notes 1.3.1.2) and return the weights it goes through.

    Time budget: 2 s of CPU per call (the course default).

    The notes let you pick any misclassified pattern; here the choice is fixed
    by ``order``, a sequence of pattern indices visited cyclically (after the
    last entry, start again at ``order[0]``). Start with ``w = w0``, then
    repeat:

    1. if every pattern is correctly classified by the current ``w``, or
       ``max_updates`` updates have been made, stop;
    2. take the next index ``i`` from ``order``;
    3. if pattern ``i`` is misclassified, update
       ``w <- w + eta * d[i] * [1, X[i]]`` and record the new ``w``;
       otherwise move on to the next index without changing ``w``.

    With the AND data of example 2.2.2 (rows ``(1, 1), (1, 0), (0, 1), (0, 0)``,
    ``d = [1, -1, -1, -1]``), ``w0 = 0``, ``eta = 0.5`` and
    ``order = [0, 3, 1, 0, 2]`` the trajectory is
    ``[0, 0, 0], [.5, .5, .5], [0, .5, .5], [-.5, 0, .5], [0, .5, 1], [-.5, .5, .5]``.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        the patterns, one per row, *without* the bias input
    d : ndarray of shape (n,)
        the desired outputs, -1 or +1
    w0 : ndarray of shape (p + 1,)
        the initial weights, bias first
    eta : float
        the learning rate
    order : sequence of int
        pattern indices in the order they are visited; every index 0..n-1
        appears at least once, some may appear more than once
    max_updates : int
        the most updates to make (learning does not stop by itself on data
        that is not linearly separable)

    Returns
    -------
    ndarray of shape (k + 1, p + 1)
        the weights after 0, 1, ..., k updates: row 0 is ``w0``, row k the
        final weights (k <= max_updates)
    """
    raise NotImplementedError


def is_linearly_separable(X, d, max_epochs=100):
    """Tell whether perceptron learning separates the patterns (notes 1.3.1.2).

    Time budget: 2 s of CPU per call (the course default).

    Train from ``w = 0`` (shape ``(p + 1,)``) with ``eta = 1``, visiting the
    patterns in index order ``0, 1, ..., n-1`` again and again; each pass
    over all patterns is an epoch. A misclassified pattern gives
    ``w <- w + d[i] * [1, X[i]]``. Return True as soon as an epoch makes no
    update (every pattern is classified correctly), and False if each of the
    ``max_epochs`` epochs made at least one update.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        the patterns, one per row, *without* the bias input
    d : ndarray of shape (n,)
        the desired outputs, -1 or +1
    max_epochs : int
        how many epochs to try before answering False

    Returns
    -------
    bool
        a Python bool
    """
    raise NotImplementedError
