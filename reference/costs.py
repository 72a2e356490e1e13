"""Cost functions, penalties and weight decay in NumPy (course notes 1.1.1.5, 1.3.3, 1.3.5.1, 1.5.1.7; slides:
supervised tasks, regularisation).

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters, float64 throughout. Conventions
(the notes'; where torch's differ, the exercises say so and a check tells
them apart):

- a batch has one example per row: outputs, targets and logits are
  ``(n, k)``, n examples of k outputs (classes);
- a cost is a SUM over an example's outputs and a MEAN over the n examples
  of the batch (the notes' ``1/n sum_x``), and comes with its gradient
  with respect to its first argument, of that argument's shape;
- the quadratic cost is the notes' ``C = 1/(2n) sum_x ||y - a||^2``
  (torch's ``F.mse_loss`` is the mean over all n k entries, without the 1/2:
  ``C = (k / 2) mse_loss``);
- the binary cross-entropies sum over the k outputs and average over the
  examples (torch's default ``reduction="mean"`` averages over all n k
  entries); categorical cross-entropy takes class indices and averages over
  the examples, as ``F.cross_entropy``;
- a parameter dict maps names to arrays as ``model.state_dict()`` does; a
  name ending in ``weight`` is a weight, one ending in ``bias`` a bias, and
  penalties and weight decay apply to the weights only. The L2 penalty is
  ``(lambda / 2) sum w^2``, whose gradient ``lambda w`` is what torch's
  ``weight_decay=lambda`` adds to a gradient (torch adds it to every
  parameter of its group, biases too, unless the biases get a group of
  their own with ``weight_decay=0``).
"""

from __future__ import annotations

import numpy as np


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def is_weight(name: str) -> bool:
    """Whether a parameter is a weight (penalised, decayed): its name ends in ``weight``."""
    return str(name).endswith("weight")


def sigmoid(x) -> np.ndarray:
    """``1 / (1 + e^-x)``, as ``exp(-log(1 + e^-x))``: no overflow and full relative precision at either end."""
    return np.exp(-np.logaddexp(0.0, -_floats(x)))


def quadratic_cost(A, Y) -> tuple[float, np.ndarray]:
    """The notes' quadratic cost ``C = 1/(2n) sum_x ||y(x) - a||^2`` and ``dC/dA = (A - Y) / n``.

    Parameters
    ----------
    A : ndarray of shape (n, k), the network's outputs
    Y : ndarray of shape (n, k), the targets

    Returns
    -------
    tuple (C: float, dC/dA: ndarray of shape (n, k))
    """
    A, Y = _floats(A), _floats(Y)
    n = A.shape[0]
    return float(((Y - A) ** 2).sum() / (2 * n)), (A - Y) / n


def binary_cross_entropy(Z, Y) -> tuple[float, np.ndarray]:
    """The notes' cross-entropy ``C = -1/n sum_x sum_j [y_j ln z_j + (1 - y_j) ln(1 - z_j)]`` and dC/dZ.

    ``dC/dz_j = (z_j - y_j) / (z_j (1 - z_j)) / n``.

    Parameters
    ----------
    Z : ndarray of shape (n, k), probabilities strictly between 0 and 1
    Y : ndarray of shape (n, k), targets in [0, 1]

    Returns
    -------
    tuple (C: float, dC/dZ: ndarray of shape (n, k))
    """
    Z, Y = _floats(Z), _floats(Y)
    n = Z.shape[0]
    C = -(Y * np.log(Z) + (1.0 - Y) * np.log1p(-Z)).sum() / n
    return float(C), (Z - Y) / (Z * (1.0 - Z)) / n


def binary_cross_entropy_with_logits(X, Y) -> tuple[float, np.ndarray]:
    """The cross-entropy of ``z = sigmoid(x)``, from the logits x, stable for any |x|, and ``dC/dX = (sigmoid(X) - Y) / n``.

    ``-[y ln sigmoid(x) + (1 - y) ln(1 - sigmoid(x))] = max(x, 0) - x y + ln(1 + e^{-|x|})``, summed over
    the outputs and averaged over the examples.

    Parameters
    ----------
    X : ndarray of shape (n, k), logits
    Y : ndarray of shape (n, k), targets in [0, 1]

    Returns
    -------
    tuple (C: float, dC/dX: ndarray of shape (n, k))
    """
    X, Y = _floats(X), _floats(Y)
    n = X.shape[0]
    C = (np.maximum(X, 0.0) - X * Y + np.log1p(np.exp(-np.abs(X)))).sum() / n
    return float(C), (sigmoid(X) - Y) / n


def log_softmax_rows(X) -> np.ndarray:
    """The log-softmax of every row, with each row's maximum subtracted first."""
    X = _floats(X)
    shifted = X - X.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy(X, labels) -> tuple[float, np.ndarray]:
    """The log-likelihood cost ``C = -1/n sum_x ln softmax(x)_y`` from logits and class indices, and dC/dX.

    ``dC/dX = (softmax(X) - onehot(labels)) / n``.

    Parameters
    ----------
    X : ndarray of shape (n, k), logits
    labels : ndarray of shape (n,), ints in 0 .. k - 1, each example's class

    Returns
    -------
    tuple (C: float, dC/dX: ndarray of shape (n, k))
    """
    log_s = log_softmax_rows(X)
    labels = np.asarray(labels, dtype=int)
    n = log_s.shape[0]
    rows = np.arange(n)
    gradient = np.exp(log_s)
    gradient[rows, labels] -= 1.0
    return float(-log_s[rows, labels].sum() / n), gradient / n


def l2_penalty(params, lam) -> tuple[float, dict[str, np.ndarray]]:
    """The L2 penalty ``(lambda / 2) sum_weights sum w^2`` and its gradient: ``lambda W`` for a weight, 0 for a bias.

    Parameters
    ----------
    params : dict of str to ndarray (names as ``model.state_dict()`` gives them)
    lam : float, lambda >= 0

    Returns
    -------
    tuple (penalty: float, gradients: dict with params' keys, each of its parameter's shape)
    """
    penalty, gradients = 0.0, {}
    for name, value in params.items():
        value = _floats(value)
        if is_weight(name):
            penalty += 0.5 * lam * float((value**2).sum())
            gradients[name] = lam * value
        else:
            gradients[name] = np.zeros_like(value)
    return penalty, gradients


def l1_penalty(params, lam) -> tuple[float, dict[str, np.ndarray]]:
    """The L1 penalty ``lambda sum_weights sum |w|`` and its (sub)gradient: ``lambda sign(W)`` (0 where w = 0), 0 for a bias.

    Parameters
    ----------
    params : dict of str to ndarray
    lam : float, lambda >= 0

    Returns
    -------
    tuple (penalty: float, gradients: dict with params' keys)
    """
    penalty, gradients = 0.0, {}
    for name, value in params.items():
        value = _floats(value)
        if is_weight(name):
            penalty += lam * float(np.abs(value).sum())
            gradients[name] = lam * np.sign(value)
        else:
            gradients[name] = np.zeros_like(value)
    return penalty, gradients


def weight_decay_step(params, grads, eta, lam) -> dict[str, np.ndarray]:
    """One step of plain SGD on ``C + (lambda / 2) sum_weights w^2``, written as weight decay.

    ``W <- W - eta (dC/dW + lambda W) = (1 - eta lambda) W - eta dC/dW`` for a weight,
    ``b <- b - eta dC/db`` for a bias: torch's ``SGD(weight_decay=lambda)`` on the weights.

    Parameters
    ----------
    params : dict of str to ndarray, the parameters before the step
    grads : dict with the same keys, dC/dparam (the gradient of the cost without the penalty)
    eta, lam : float, the learning rate and lambda

    Returns
    -------
    dict with params' keys: the parameters after the step
    """
    after = {}
    for name, value in params.items():
        value, gradient = _floats(value), _floats(grads[name])
        decay = (1.0 - eta * lam) if is_weight(name) else 1.0
        after[name] = decay * value - eta * gradient
    return after
