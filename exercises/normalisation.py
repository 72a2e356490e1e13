"""Normalisation: data standardisation, batch normalisation (training, inference, running statistics,
backward pass), layer normalisation and RMSNorm (course notes 1.3.5.4; slides: normalisation).

Conventions used by every function in this module (the notes'; where
torch's differ, the function says so, and the checks tell them apart):

- a batch has ONE EXAMPLE PER ROW: ``A`` has shape ``(K, M)``, K examples of
  M units (features); ``A[n, i]`` is the notes' ``a_ni``.
- batch normalisation and data standardisation work DOWN THE BATCH: each
  unit i gets its own mean ``mu_i`` and variance ``sigma_i^2`` over the K
  examples (axis 0). Layer normalisation and RMSNorm work ALONG AN EXAMPLE:
  each example n gets its own statistics over its M units (axis 1).
- a variance used to normalise is the BIASED one, ``1/K sum (a - mu)^2``
  (``np.var``'s default; ``torch.var``'s default is the unbiased one).
- ``delta`` (torch's ``eps``) is added to the variance UNDER the square
  root: ``sqrt(sigma^2 + delta)``.
- ``gamma`` and ``beta`` (torch's ``weight`` and ``bias``) have shape
  ``(M,)``: one learnable scale and shift per unit, the same for every
  example.
- the notes keep a moving average ``r <- alpha r + (1 - alpha) s`` where
  alpha weights the OLD value; torch's ``momentum`` weights the NEW one,
  ``r <- (1 - momentum) r + momentum s``, and torch's running variance
  averages the UNBIASED batch variance. ``running_update`` is the notes',
  ``running_update_torch`` torch's.

Inputs are NumPy arrays of floats (delta, alpha and momentum are floats);
start with ``A = np.asarray(A, dtype=float)``, which also takes nested
lists. Return NumPy arrays, or tuples of them where a function says so
(float64, or float32: a float32 answer is compared with float32 tolerances,
relative 1e-4, absolute 1e-6). Each call may use the CPU time your course
gives a call (a few seconds); every function here needs a few milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check normalisation``).
"""

import numpy as np


def standardise(X_train, X_test):
    """Return the training and test sets standardised with the TRAINING set's mean and standard deviation.

    Time budget: 2 s of CPU per call (the course default).

    For each feature i (column), over the N training examples:
    ``mu_i = 1/N sum_n x_ni``, ``sigma_i^2 = 1/N sum_n (x_ni - mu_i)^2``
    (the notes' 1/N, not 1/(N - 1)), and ``x_hat_ni = (x_ni - mu_i) / sigma_i``.
    The test set is rescaled with the same mu_i and sigma_i: it stands for
    data not seen yet, so its own statistics are never used. For example
    ``X_train = [[0, 10], [2, 30]]`` has mu = [1, 20] and sigma = [1, 10],
    so it becomes ``[[-1, -1], [1, 1]]``, and ``X_test = [[1, 40], [3, 0]]``
    becomes ``[[0, 2], [2, -2]]``.

    Parameters
    ----------
    X_train : ndarray of shape (N, p)
        the training examples, one per row, p features
    X_test : ndarray of shape (T, p)
        the test examples

    Returns
    -------
    tuple (X_train_hat, X_test_hat)
        ndarrays of shapes (N, p) and (T, p)
    """
    raise NotImplementedError


def batch_norm_train(A, gamma, beta, delta):
    """Return batch normalisation in training: ``gamma_i (a_ni - mu_i) / sqrt(sigma_i^2 + delta) + beta_i``.

    Time budget: 2 s of CPU per call (the course default).

    mu_i and sigma_i^2 are the mean and the BIASED variance of unit i over
    the K examples of the batch (down the column). This is
    ``nn.BatchNorm1d(M, eps=delta)`` in training mode with weight gamma
    and bias beta. For example ``A = [[1, 0, 5], [3, 4, 5]]``,
    ``gamma = [2, 1, 3]``, ``beta = [0, 1, -1]``, ``delta = 0.5``: mu =
    [2, 2, 5], sigma^2 = [1, 4, 0], and the answer is
    ``[[-1.632993, 0.057191, -1], [1.632993, 1.942809, -1]]`` (the third
    unit is constant over the batch: it normalises to 0 and leaves beta).

    Parameters
    ----------
    A : ndarray of shape (K, M)
        a mini-batch of K examples (K >= 2) of M units
    gamma, beta : ndarray of shape (M,)
        the learnable scale and shift
    delta : float
        > 0, added to the variance under the square root

    Returns
    -------
    ndarray of shape (K, M)
    """
    raise NotImplementedError


def batch_norm_eval(A, gamma, beta, running_mean, running_var, delta):
    """Return batch normalisation at inference: ``gamma_i (a_ni - mean_i) / sqrt(var_i + delta) + beta_i``.

    Time budget: 2 s of CPU per call (the course default).

    At inference the batch's own statistics are NOT used: each unit is
    normalised with the running mean and running variance kept during
    training, so each example's output depends on that example alone (a
    batch may hold a single example). This is ``nn.BatchNorm1d`` in
    ``eval()`` mode. For example ``A = [[4, 0]]``, ``gamma = [2, 3]``,
    ``beta = [0, 1]``, ``running_mean = [2, 1]``, ``running_var = [3.5, 0.5]``,
    ``delta = 0.5`` give ``[[2, -2]]``.

    Parameters
    ----------
    A : ndarray of shape (K, M)
        K examples (K >= 1) of M units
    gamma, beta : ndarray of shape (M,)
        the learnt scale and shift
    running_mean, running_var : ndarray of shape (M,)
        each unit's running mean and running VARIANCE
    delta : float
        > 0, added to the variance under the square root

    Returns
    -------
    ndarray of shape (K, M)
    """
    raise NotImplementedError


def running_update(running_mean, running_var, A, alpha):
    """Return the notes' running mean and variance after one training batch A: alpha weights the OLD value.

    Time budget: 2 s of CPU per call (the course default).

    ``mean_i <- alpha mean_i + (1 - alpha) mu_i`` and
    ``var_i <- alpha var_i + (1 - alpha) sigma_i^2``, with mu_i and
    sigma_i^2 the batch's mean and BIASED variance of unit i (the notes'
    1/K). The notes write the moving average of sigma_i; keep the average
    of the VARIANCE sigma_i^2, as torch does, since inference divides by
    ``sqrt(var_i + delta)``. torch's ``momentum`` is ``1 - alpha`` (and torch
    averages the unbiased variance: see ``running_update_torch``). For
    example ``running_mean = [0, 1]``, ``running_var = [1, 1]``,
    ``A = [[1, 0], [3, 4]]`` (mu = [2, 2], sigma^2 = [1, 4]) and
    ``alpha = 0.75`` give ``([0.5, 1.25], [1, 1.75])``.

    Parameters
    ----------
    running_mean, running_var : ndarray of shape (M,)
        the averages before the batch
    A : ndarray of shape (K, M)
        the training batch, K examples (K >= 2) of M units
    alpha : float
        in [0, 1], the weight of the old average

    Returns
    -------
    tuple (running_mean, running_var)
        ndarrays of shape (M,)
    """
    raise NotImplementedError


def running_update_torch(running_mean, running_var, A, momentum):
    """Return ``nn.BatchNorm1d``'s running mean and variance after one training batch: momentum weights the NEW value.

    Time budget: 2 s of CPU per call (the course default).

    ``mean_i <- (1 - momentum) mean_i + momentum mu_i`` and
    ``var_i <- (1 - momentum) var_i + momentum K/(K - 1) sigma_i^2``.
    Two conventions differ from the notes' (``running_update``): momentum
    weights the batch's statistic (the notes' alpha is ``1 - momentum``),
    and the variance averaged is the UNBIASED ``1/(K - 1) sum (a_ni - mu_i)^2``,
    although the batch itself is normalised with the biased one. For
    example ``running_mean = [0, 1]``, ``running_var = [1, 1]``,
    ``A = [[1, 0], [3, 4]]`` (unbiased variances [2, 8]) and
    ``momentum = 0.25`` give ``([0.5, 1.25], [1.25, 2.75])``.

    Parameters
    ----------
    running_mean, running_var : ndarray of shape (M,)
        the module's buffers before the batch
    A : ndarray of shape (K, M)
        the training batch, K examples (K >= 2) of M units
    momentum : float
        in [0, 1], the weight of the new batch statistic (torch's default is 0.1)

    Returns
    -------
    tuple (running_mean, running_var)
        ndarrays of shape (M,)
    """
    raise NotImplementedError


def batch_norm_backward(dY, A, gamma, delta):
    """Return the gradients ``(dC/dA, dC/dgamma, dC/dbeta)`` of batch normalisation in training, given ``dY = dC/dY``.

    Time budget: 2 s of CPU per call (the course default).

    The forward pass is ``Y = gamma x_hat + beta`` with
    ``x_hat = (A - mu) / s``, ``s_i = sqrt(sigma_i^2 + delta)`` (batch mean
    and BIASED batch variance per unit). Then ``dC/dbeta_i = sum_n dy_ni``,
    ``dC/dgamma_i = sum_n dy_ni x_hat_ni``, and, since mu_i and sigma_i^2
    depend on every a_ni of unit i, with ``g = gamma dY`` (dC/dx_hat):
    ``dC/da_ni = (g_ni - mean_n(g_ni) - x_hat_ni mean_n(g_ni x_hat_ni)) / s_i``,
    means over the batch. For example, a dY that is the same for every
    example, ``dY = [[1, 2], [1, 2], [1, 2]]``, with ``A = [[1, 0], [3, 4], [2, 5]]``,
    ``gamma = [2, -1]``, ``delta = 0.5``, gives ``dC/dA = 0`` (shifting
    every example's output equally is beta's job: no change of A can do
    it), ``dC/dgamma = [0, 0]`` (x_hat sums to 0 over the batch) and
    ``dC/dbeta = [3, 6]``.

    Parameters
    ----------
    dY : ndarray of shape (K, M)
        the gradient of the cost with respect to the layer's output
    A : ndarray of shape (K, M)
        the batch the forward pass normalised (K >= 2)
    gamma : ndarray of shape (M,)
        the scale
    delta : float
        > 0, as in the forward pass

    Returns
    -------
    tuple (dC_dA, dC_dgamma, dC_dbeta)
        ndarrays of shapes (K, M), (M,) and (M,)
    """
    raise NotImplementedError


def layer_norm(A, gamma, beta, delta):
    """Return layer normalisation: ``gamma_i (a_ni - mu_n) / sqrt(sigma_n^2 + delta) + beta_i``, statistics PER EXAMPLE.

    Time budget: 2 s of CPU per call (the course default).

    ``mu_n = 1/M sum_i a_ni`` and ``sigma_n^2 = 1/M sum_i (a_ni - mu_n)^2``
    are taken over the M units of example n (along the row), so each
    example is normalised on its own and no running average is needed.
    The notes' normalisation line writes mu_i and sigma_i: a slip, they are
    mu_n and sigma_n. This is ``nn.LayerNorm(M, eps=delta)`` with weight
    gamma and bias beta. For example ``A = [[1, 3, 5], [2, 2, 2]]``,
    ``gamma = [1, 2, 3]``, ``beta = [0, 0, 1]``, ``delta = 1/3`` (so that
    sqrt(sigma_1^2 + delta) = sqrt(8/3 + 1/3) = sqrt(3)) give
    ``[[-1.154701, 0, 4.464102], [0, 0, 1]]``.

    Parameters
    ----------
    A : ndarray of shape (K, M)
        K examples (K >= 1) of M units
    gamma, beta : ndarray of shape (M,)
        the learnable scale and shift, one per unit
    delta : float
        > 0, added to the variance under the square root

    Returns
    -------
    ndarray of shape (K, M)
    """
    raise NotImplementedError


def rms_norm(A, gamma, delta):
    """Return RMSNorm: ``gamma_i a_ni / sqrt(1/M sum_j a_nj^2 + delta)``, per example, no centring and no shift.

    Time budget: 2 s of CPU per call (the course default).

    Each example is divided by the root of the MEAN square of its M units
    (plus delta under the root), then unit i is scaled by gamma_i. The
    slides say RMSNorm makes each example a unit L2 vector; with the mean
    square, as in the RMSNorm paper and torch, an example ends with L2 norm
    sqrt(M) (for gamma = 1 and a small delta). This is
    ``nn.RMSNorm(M, eps=delta)`` with weight gamma: its eps is added to the
    mean square under the root (left as None, torch uses the machine
    epsilon of the input's dtype; here delta is always given). For example
    ``A = [[1, 2, 2], [0, 0, 3]]`` (mean squares 3 and 3), ``gamma = [1, 2, 3]``
    and ``delta = 1`` give ``[[0.5, 2, 3], [0, 0, 4.5]]``.

    Parameters
    ----------
    A : ndarray of shape (K, M)
        K examples (K >= 1) of M units
    gamma : ndarray of shape (M,)
        the learnable scale
    delta : float
        > 0, added to the mean square under the square root

    Returns
    -------
    ndarray of shape (K, M)
    """
    raise NotImplementedError
