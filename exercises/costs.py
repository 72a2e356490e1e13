"""Cost functions, penalties and weight decay (course notes 1.1.1.5, 1.3.3, 1.3.5.1 and 1.5.1.7; slides:
supervised tasks with deep networks, regularisation).

Conventions used by every function in this module (the notes'; where
torch's differ, the function says so, and the checks tell them apart):

- a batch has ONE EXAMPLE PER ROW: outputs, targets and logits have shape
  ``(n, k)``, n examples of k outputs (or classes).
- a cost SUMS over an example's k outputs and AVERAGES over the n examples
  (the notes' ``1/n sum_x``). It is returned with its gradient:
  ``(C, dC/dfirst)``, a float and an array of the first argument's shape.
- a parameter dict maps names to arrays, as ``model.state_dict()`` does
  (``"layers.0.weight"``, ``"layers.0.bias"``, ...). A name ending in
  ``weight`` is a weight; one ending in ``bias`` is a bias. Penalties and
  weight decay act on the WEIGHTS only: a bias shifts a unit and does not
  make the network any more complex. Functions that return gradients or
  parameters return a dict with every key of the one they were given.

Inputs are NumPy arrays of floats (labels are ints) and dicts of them.
Return floats and NumPy arrays (float64, or float32: a float32 answer is
compared with float32 tolerances, relative 1e-4, absolute 1e-6). Several
checks use logits of +-40 and +-800, where the textbook formulas overflow or
take the log of 0: the answers must stay finite and right there. Each call
may use the CPU time your course gives a call (a few seconds); every
function here needs a few milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check costs``).
"""

import numpy as np


def quadratic_cost(A, Y):
    """Return the notes' quadratic cost ``C = 1/(2n) sum_x ||y(x) - a(x)||^2`` and its gradient ``dC/dA``.

    Time budget: 2 s of CPU per call (the course default).

    The squared error is summed over each example's k outputs, then
    averaged over the n examples, and halved: ``dC/dA = (A - Y) / n``.
    torch's ``F.mse_loss(A, Y)`` is NOT this cost: it averages over all
    ``n k`` entries and has no 1/2, so ``C = (k / 2) F.mse_loss(A, Y)``.
    For example ``A = [[1, 2, 3]]``, ``Y = [[1, 0, 0]]`` give ``C = 13/2 = 6.5``
    and ``dC/dA = [[0, 2, 3]]`` (torch's mse_loss gives 13/3).

    Parameters
    ----------
    A : ndarray of shape (n, k)
        the network's outputs, one example per row
    Y : ndarray of shape (n, k)
        the targets

    Returns
    -------
    tuple (C, dC_dA)
        C a float; dC_dA an ndarray of shape (n, k)
    """
    raise NotImplementedError


def binary_cross_entropy(Z, Y):
    """Return the notes' cross-entropy of probabilities, ``C = -1/n sum_x sum_j [y_j ln z_j + (1 - y_j) ln(1 - z_j)]``, and ``dC/dZ``.

    Time budget: 2 s of CPU per call (the course default).

    Each of the k outputs is a binary problem, and the k cross-entropies of
    an example are summed (the notes' multi-layer cross-entropy), then
    averaged over the n examples: ``dC/dz_j = (z_j - y_j) / (z_j (1 - z_j)) / n``.
    torch's ``F.binary_cross_entropy(Z, Y)`` averages over all ``n k``
    entries instead: it is ``C / k``. The probabilities are strictly between
    0 and 1. For example ``Z = [[0.5, 0.8]]``, ``Y = [[1, 0]]`` give
    ``C = ln 2 + ln 5 = 2.302585`` and ``dC/dZ = [[-2, 5]]``.

    Parameters
    ----------
    Z : ndarray of shape (n, k)
        the outputs of sigmoid units, probabilities in (0, 1)
    Y : ndarray of shape (n, k)
        the targets, in [0, 1] (usually 0 or 1)

    Returns
    -------
    tuple (C, dC_dZ)
        C a float; dC_dZ an ndarray of shape (n, k)
    """
    raise NotImplementedError


def binary_cross_entropy_with_logits(X, Y):
    """Return the cross-entropy of ``z = sigmoid(x)`` computed from the logits X, and ``dC/dX = (sigmoid(X) - Y) / n``.

    Time budget: 2 s of CPU per call (the course default).

    The cost is that of ``binary_cross_entropy(sigmoid(X), Y)`` (summed over
    the outputs, averaged over the examples), but it must stay finite and
    right for any logit: ``sigmoid(40)`` rounds to 1 in float64, so
    ``ln(1 - sigmoid(40))`` is ``ln 0``, and ``e^800`` overflows. Per entry,
    ``-[y ln sigmoid(x) + (1 - y) ln(1 - sigmoid(x))] = max(x, 0) - x y + ln(1 + e^{-|x|})``
    (``np.log1p`` helps). The gradient is the notes' "learning fast when
    wrong": ``sigmoid(x) - y``, divided by n. torch's
    ``F.binary_cross_entropy_with_logits(X, Y)`` averages over all ``n k``
    entries: it is ``C / k``. For example ``X = [[0, 800]]``, ``Y = [[1, 0]]``
    give ``C = ln 2 + 800 = 800.693147`` and ``dC/dX = [[-0.5, 1]]``.

    Parameters
    ----------
    X : ndarray of shape (n, k)
        the logits (the sigmoid units' weighted inputs)
    Y : ndarray of shape (n, k)
        the targets, in [0, 1]

    Returns
    -------
    tuple (C, dC_dX)
        C a float; dC_dX an ndarray of shape (n, k)
    """
    raise NotImplementedError


def cross_entropy(X, labels):
    """Return the log-likelihood cost of a softmax, ``C = -1/n sum_x ln softmax(x)_y``, from logits and class indices, and ``dC/dX``.

    Time budget: 2 s of CPU per call (the course default).

    ``labels[i]`` is the class of example i (the notes' y is "the number of
    the correct class", not a one-hot vector); the softmax is taken along
    each row. ``dC/dX = (softmax(X) - onehot(labels)) / n``. This is torch's
    ``F.cross_entropy(X, labels)``, the mean over the batch (the slides'
    ``l = -sum_i y_i^T log f(x_i)`` is n times it). It must stay finite and
    right for logits of +-1000: compute ``ln softmax`` with each row's
    maximum subtracted, never as the log of a probability that may round
    to 0. For example ``X = [[0, 0], [1000, 0]]``, ``labels = [0, 1]`` give
    ``C = (ln 2 + 1000) / 2`` and ``dC/dX = [[-0.25, 0.25], [0.5, -0.5]]``.

    Parameters
    ----------
    X : ndarray of shape (n, k)
        the logits, one example per row
    labels : ndarray of shape (n,), int
        each example's class, from 0 to k - 1

    Returns
    -------
    tuple (C, dC_dX)
        C a float; dC_dX an ndarray of shape (n, k)
    """
    raise NotImplementedError


def l2_penalty(params, lam):
    """Return the L2 penalty ``(lambda / 2) sum over the weights of w^2`` and its gradient for every parameter.

    Time budget: 2 s of CPU per call (the course default).

    The gradient is ``lambda W`` for a weight (the 1/2 makes it so: it is
    what torch's ``weight_decay=lambda`` adds to a weight's gradient) and
    zeros for a bias, which is not penalised. For example
    ``l2_penalty({"fc.weight": [[1, -2]], "fc.bias": [3]}, 0.1)`` is
    ``(0.25, {"fc.weight": [[0.1, -0.2]], "fc.bias": [0]})``.

    Parameters
    ----------
    params : dict of str to ndarray
        the parameters by name, as ``model.state_dict()`` gives them
    lam : float
        lambda, the penalty's strength

    Returns
    -------
    tuple (penalty, gradients)
        penalty a float; gradients a dict with the keys of params, each an ndarray of its parameter's shape
    """
    raise NotImplementedError


def l1_penalty(params, lam):
    """Return the L1 penalty ``lambda sum over the weights of |w|`` and its gradient for every parameter.

    Time budget: 2 s of CPU per call (the course default).

    The gradient is ``lambda sign(W)`` for a weight, taking ``sign(0) = 0``
    where a weight is exactly 0 (as ``np.sign`` and torch's autograd of
    ``abs`` do), and zeros for a bias. For example
    ``l1_penalty({"fc.weight": [[1, 0, -2]], "fc.bias": [3]}, 0.1)`` is
    ``(0.3, {"fc.weight": [[0.1, 0, -0.1]], "fc.bias": [0]})``.

    Parameters
    ----------
    params : dict of str to ndarray
    lam : float

    Returns
    -------
    tuple (penalty, gradients)
        penalty a float; gradients a dict with the keys of params
    """
    raise NotImplementedError


def weight_decay_step(params, grads, eta, lam):
    """Return the parameters after one step of plain SGD on the L2-regularised cost ``C + (lambda / 2) sum w^2``, as weight decay.

    Time budget: 2 s of CPU per call (the course default).

    The penalty's gradient is ``lambda W``, so the step
    ``W - eta (dC/dW + lambda W)`` is ``(1 - eta lambda) W - eta dC/dW``:
    for plain SGD, L2 regularisation and weight decay (shrinking each
    weight by the factor ``1 - eta lambda`` every step) are the same thing.
    A bias is neither penalised nor decayed: ``b - eta dC/db``. In torch
    this is ``torch.optim.SGD(groups, lr=eta)`` with the weights in a group
    with ``weight_decay=lam`` and the biases in a group with
    ``weight_decay=0`` (torch decays every parameter of a group).

    With Adam the two are NOT the same: ``Adam(weight_decay=lam)`` adds
    ``lambda W`` to the gradient, and Adam then divides that, like the rest
    of the gradient, by ``sqrt(v) + eps``, so weights with large past
    gradients are barely decayed; ``AdamW`` decays ``W`` by ``1 - eta lambda``
    apart from the adaptive step (decoupled weight decay).

    For example, with ``eta = 0.5``, ``lam = 0.2``, a weight ``[[1, -2]]``
    with gradient ``[[2, 0]]`` becomes ``0.9 [[1, -2]] - 0.5 [[2, 0]] = [[-0.1, -1.8]]``,
    and a bias ``[3]`` with gradient ``[1]`` becomes ``[2.5]``.

    Parameters
    ----------
    params : dict of str to ndarray
        the parameters before the step
    grads : dict of str to ndarray
        the same keys: dC/dparam, the gradient of the cost WITHOUT the penalty
    eta : float
        the learning rate
    lam : float
        lambda

    Returns
    -------
    dict of str to ndarray
        the parameters after the step, with the keys of params
    """
    raise NotImplementedError
