"""Known mistakes in the perceptron exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/perceptron.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np

from reference.perceptron import GATE_WEIGHTS, augment


def predict_np_sign(w, X):
    """np.sign maps a net input of 0 to 0 instead of -1."""
    return np.sign(augment(X) @ np.asarray(w, dtype=float))


def predict_tie_positive(w, X):
    """A net input of 0 gives +1 (``>= 0`` instead of ``> 0``)."""
    return np.where(augment(X) @ np.asarray(w, dtype=float) >= 0, 1, -1)


def predict_bias_last(w, X):
    """The bias is taken from ``w[-1]`` instead of ``w[0]``."""
    w = np.asarray(w, dtype=float)
    net = np.asarray(X, dtype=float) @ w[:-1] + w[-1]
    return np.where(net > 0, 1, -1)


def predict_zero_one(w, X):
    """Outputs 0/1 (the step of the NAND circuits) instead of -1/+1."""
    return np.where(augment(X) @ np.asarray(w, dtype=float) > 0, 1, 0)


# -- gate_weights --------------------------------------------------------------------


def gate_weights_bias_last(gate):
    """The notes' weights written with the bias last: NAND as [-2, -2, 3], AND as [1, 1, -1]."""
    w0, w1, w2 = GATE_WEIGHTS[gate]
    return np.array([w1, w2, w0])


#: Weights whose true patterns sit on the boundary: right only if a net input of 0 gave +1.
_ON_THE_BOUNDARY = {"OR": (-0.5, 0.5, 0.5), "AND": (-1.0, 0.5, 0.5), "NAND": (0.5, -0.5, -0.5)}


def gate_weights_on_the_boundary(gate):
    """True patterns get a net input of exactly 0 (the student took w . x >= 0 as +1)."""
    return np.array(_ON_THE_BOUNDARY[gate])


def gate_weights_nand_not_negated(gate):
    """NAND gets the AND weights: the output was not negated."""
    return np.array(GATE_WEIGHTS["AND" if gate == "NAND" else gate])


# -- learning_step -------------------------------------------------------------------


def _augmented(x):
    return np.concatenate([[1.0], np.asarray(x, dtype=float)])


def _output(w, a):
    return 1 if np.asarray(w, dtype=float) @ a > 0 else -1


def learning_step_d_minus_y(w, x, d, eta):
    """Update by eta (d - y) [1, x]: d - y is 2d on a mistake, so the step is twice eta d [1, x]."""
    w, a = np.array(w, dtype=float), _augmented(x)
    return w + eta * (d - _output(w, a)) * a


def learning_step_always_update(w, x, d, eta):
    """Adds eta d [1, x] whether or not the pattern is misclassified."""
    return np.array(w, dtype=float) + eta * d * _augmented(x)


def learning_step_bias_last(w, x, d, eta):
    """Appends the bias input last: a = [x, 1], so w[-1] acts as the bias."""
    w = np.array(w, dtype=float)
    a = np.concatenate([np.asarray(x, dtype=float), [1.0]])
    return w + eta * d * a if _output(w, a) != d else w


def learning_step_np_sign(w, x, d, eta):
    """Misclassified when np.sign(w . a) != d: a net input of 0 with d = -1 gets an update."""
    w, a = np.array(w, dtype=float), _augmented(x)
    return w + eta * d * a if np.sign(w @ a) != d else w


def learning_step_sign_flipped(w, x, d, eta):
    """Moves the weights away from the pattern: w - eta d [1, x]."""
    w, a = np.array(w, dtype=float), _augmented(x)
    return w - eta * d * a if _output(w, a) != d else w


# -- train ---------------------------------------------------------------------------


def _train(X, d, w0, eta, order, max_updates, *, augmented, misclassified, step):
    """The learning loop of :func:`reference.perceptron.train` with one part swapped.

    ``augmented(X)`` adds the bias input, ``misclassified(net, d)`` marks the
    patterns that count as wrong, and ``step(net_i, d_i, wrong_i)`` is the
    multiple of ``eta * a_i`` a visit adds (0: no update, no new row).
    """
    A = augmented(np.asarray(X, dtype=float))
    d = np.asarray(d)
    order = [int(i) for i in order]
    w = np.array(w0, dtype=float)
    trajectory = [w]
    visits = 0
    while len(trajectory) - 1 < max_updates:
        wrong = misclassified(A @ w, d)
        if not wrong.any():
            break
        i = order[visits % len(order)]
        visits += 1
        change = step(A[i] @ w, d[i], wrong[i])
        if change != 0:
            w = w + eta * change * A[i]
            trajectory.append(w)
    return np.array(trajectory)


def _minus_one_at_zero(net, d):
    return np.where(net > 0, 1, -1) != d


def _bias_last(X):
    return np.hstack([X, np.ones((X.shape[0], 1))])


def train_d_minus_y(X, d, w0, eta, order, max_updates=1000):
    """Updates by eta (d - y) [1, x]: twice the step of the notes on every mistake."""
    return _train(
        X, d, w0, eta, order, max_updates,
        augmented=augment,
        misclassified=_minus_one_at_zero,
        step=lambda net, target, wrong: target - (1 if net > 0 else -1),
    )


def train_always_update(X, d, w0, eta, order, max_updates=1000):
    """Updates at every visit while some pattern is misclassified, also on correct patterns."""
    return _train(
        X, d, w0, eta, order, max_updates,
        augmented=augment,
        misclassified=_minus_one_at_zero,
        step=lambda net, target, wrong: target,
    )


def train_bias_last(X, d, w0, eta, order, max_updates=1000):
    """Augments the patterns as [x, 1]: w[-1] acts as the bias."""
    return _train(
        X, d, w0, eta, order, max_updates,
        augmented=_bias_last,
        misclassified=_minus_one_at_zero,
        step=lambda net, target, wrong: target if wrong else 0,
    )


def train_np_sign(X, d, w0, eta, order, max_updates=1000):
    """Misclassified when np.sign(w . a) != d: patterns with a net input of 0 never count as correct."""
    return _train(
        X, d, w0, eta, order, max_updates,
        augmented=augment,
        misclassified=lambda net, d: np.sign(net) != d,
        step=lambda net, target, wrong: target if wrong else 0,
    )


# -- is_linearly_separable -----------------------------------------------------------


def _epochs_until_no_update(A, d, max_epochs, output):
    """Perceptron learning from w = 0, eta = 1, in index order; True if an epoch makes no update."""
    w = np.zeros(A.shape[1])
    for _ in range(max_epochs):
        updated = False
        for a, target in zip(A, d):
            if output(a @ w) != target:
                w = w + target * a
                updated = True
        if not updated:
            return True
    return False


def is_linearly_separable_no_bias(X, d, max_epochs=100):
    """Learns without the bias input x0 = 1: every boundary must pass through the origin."""
    return _epochs_until_no_update(
        np.asarray(X, dtype=float), np.asarray(d), max_epochs, lambda net: 1 if net > 0 else -1
    )


def is_linearly_separable_one_epoch(X, d, max_epochs=100):
    """Gives up after one epoch: True only if the weights after one pass classify every pattern."""
    A, d = augment(X), np.asarray(d)
    w = np.zeros(A.shape[1])
    for a, target in zip(A, d):
        if (1 if a @ w > 0 else -1) != target:
            w = w + target * a
    return bool(np.all(np.where(A @ w > 0, 1, -1) == d))


def is_linearly_separable_zero_one(X, d, max_epochs=100):
    """Outputs 0/1 and compares them with -1/+1 labels: a pattern with d = -1 is never correct."""
    return _epochs_until_no_update(augment(X), np.asarray(d), max_epochs, lambda net: 1 if net > 0 else 0)
