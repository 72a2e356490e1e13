"""Perceptron references (notes 1.3.1; worked examples 2.2.1 and 2.2.2).

Conventions, as in the notes: the bias is the weight ``w[0]`` of an extra
input ``x0 = 1`` placed first, and the perceptron outputs ``+1`` when
``w . x > 0`` and ``-1`` when ``w . x <= 0`` (a net input of exactly 0 gives -1).
"""

from __future__ import annotations

import numpy as np


def augment(X: np.ndarray) -> np.ndarray:
    """Prepend the bias input ``x0 = 1`` to every pattern.

    Parameters
    ----------
    X : ndarray of shape (n, p)

    Returns
    -------
    ndarray of shape (n, p + 1), column 0 all ones
    """
    X = np.asarray(X, dtype=float)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def predict(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Perceptron outputs ``y = +1 if w . [1, x] > 0 else -1`` for each row of X.

    Parameters
    ----------
    w : ndarray of shape (p + 1,)
        weights, bias first (``w[0]`` multiplies ``x0 = 1``)
    X : ndarray of shape (n, p)
        patterns, one per row, without the bias input

    Returns
    -------
    ndarray of shape (n,) with entries -1 or +1 (int)
    """
    net = augment(X) @ np.asarray(w, dtype=float)
    return np.where(net > 0, 1, -1)


# -- logic gates (example 2.2.1, notes 1.3.2) ----------------------------------------

#: Weights (bias first) from the notes: OR and AND from example 2.2.1, NAND from
#: notes 1.3.2, where it is written (-2, -2) . x + 3.
GATE_WEIGHTS: dict[str, tuple[float, float, float]] = {
    "OR": (0.0, 0.5, 0.5),
    "AND": (-1.0, 1.0, 1.0),
    "NAND": (3.0, -2.0, -2.0),
}


def gate_weights(gate: str) -> np.ndarray:
    """Weights of a perceptron that computes a logic gate of two inputs in {0, 1}.

    ``predict(w, X)`` gives the gate's truth table with true as +1 and false as
    -1. Many weight vectors are right; these are the notes' own: OR
    ``[0, 0.5, 0.5]``, AND ``[-1, 1, 1]`` (example 2.2.1) and NAND
    ``[3, -2, -2]`` (notes 1.3.2).

    Parameters
    ----------
    gate : str
        ``"OR"``, ``"AND"`` or ``"NAND"``

    Returns
    -------
    ndarray of shape (3,)
        ``[w0, w1, w2]``, bias first
    """
    try:
        return np.array(GATE_WEIGHTS[gate], dtype=float)
    except KeyError:
        raise ValueError(f"unknown gate {gate!r}: expected one of {sorted(GATE_WEIGHTS)}") from None


# -- learning (notes 1.3.1.2, example 2.2.2) --------------------------------------------


def learning_step(w: np.ndarray, x: np.ndarray, d: int, eta: float) -> np.ndarray:
    """One step of perceptron learning on one pattern.

    With the augmented pattern ``a = [1, x]`` and the output
    ``y = +1 if w . a > 0 else -1``::

        w_new = w + eta * d * a    if y != d   (misclassified)
        w_new = w                  if y == d

    Parameters
    ----------
    w : ndarray of shape (p + 1,)
        weights, bias first
    x : ndarray of shape (p,)
        one pattern, without the bias input
    d : int
        desired output, -1 or +1
    eta : float
        learning rate

    Returns
    -------
    ndarray of shape (p + 1,)
        the new weights (a new array also when nothing changes)
    """
    w = np.array(w, dtype=float)
    a = np.concatenate([[1.0], np.asarray(x, dtype=float)])
    y = 1 if w @ a > 0 else -1
    if y != d:
        return w + eta * d * a
    return w


def _check_order(order: list[int], n: int) -> None:
    """Refuse an order that never visits some pattern: learning could then loop forever."""
    missing = sorted(set(range(n)) - set(order))
    if missing or any(i < 0 or i >= n for i in order):
        raise ValueError(f"order must visit every index 0..{n - 1} and only those; it misses {missing}")


def train(
    X: np.ndarray,
    d: np.ndarray,
    w0: np.ndarray,
    eta: float,
    order: list[int],
    max_updates: int = 1000,
) -> np.ndarray:
    """The perceptron learning algorithm (notes 1.3.1.2) with an explicit visiting order.

    Start with ``w = w0`` and a cursor at ``order[0]``. Repeat:

    1. if every pattern is correctly classified by ``w`` (``predict(w, X) == d``),
       or ``max_updates`` updates have been made, stop;
    2. take the next index ``i`` of ``order`` (after its last entry, start again
       at ``order[0]``);
    3. if pattern ``i`` is misclassified, ``w <- w + eta * d[i] * [1, X[i]]``
       and append the new ``w`` to the trajectory; otherwise go on to the next
       index without changing ``w``.

    Every index 0..n-1 appears in ``order`` at least once, so a misclassified
    pattern is reached within ``len(order)`` visits.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        patterns, without the bias input
    d : ndarray of shape (n,)
        desired outputs, -1 or +1
    w0 : ndarray of shape (p + 1,)
        initial weights, bias first
    eta : float
        learning rate
    order : sequence of int, length m >= n
        the pattern indices in the order they are visited, cyclically
    max_updates : int
        stop after this many updates even if some pattern is misclassified

    Returns
    -------
    ndarray of shape (k + 1, p + 1)
        the weights after 0, 1, ..., k updates (``w0`` first), k <= max_updates
    """
    A = augment(X)
    d = np.asarray(d)
    order = [int(i) for i in order]
    _check_order(order, A.shape[0])
    w = np.array(w0, dtype=float)
    trajectory = [w]
    visits = 0
    while len(trajectory) - 1 < max_updates:
        y = np.where(A @ w > 0, 1, -1)
        if np.all(y == d):
            break
        i = order[visits % len(order)]
        visits += 1
        if y[i] != d[i]:
            w = w + eta * d[i] * A[i]
            trajectory.append(w)
    return np.array(trajectory)


def is_linearly_separable(X: np.ndarray, d: np.ndarray, max_epochs: int = 100) -> bool:
    """Whether perceptron learning separates the patterns within ``max_epochs`` epochs.

    The test of notes 1.3.1.2: train on the whole data set and see whether it
    reaches 100% training accuracy. Learning starts from ``w = 0`` with
    ``eta = 1`` and visits the patterns in index order 0, 1, ..., n-1, epoch
    after epoch; in each visit a misclassified pattern gives
    ``w <- w + d[i] * [1, X[i]]``. The answer is True as soon as an epoch makes
    no update, False if each of the ``max_epochs`` epochs made an update.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        patterns, without the bias input
    d : ndarray of shape (n,)
        desired outputs, -1 or +1
    max_epochs : int
        how many epochs to try

    Returns
    -------
    bool
    """
    A = augment(X)
    d = np.asarray(d)
    w = np.zeros(A.shape[1])
    for _ in range(max_epochs):
        updated = False
        for a, target in zip(A, d):
            y = 1 if a @ w > 0 else -1
            if y != target:
                w = w + target * a
                updated = True
        if not updated:
            return True
    return False
