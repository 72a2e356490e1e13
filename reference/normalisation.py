"""Data standardisation, batch normalisation (training, evaluation, running statistics, backward),
layer normalisation and RMSNorm in NumPy (course notes 1.3.5.4; slides: normalisation).

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters, float64 throughout. Conventions
(the notes'; where torch's differ, the exercises say so and a check tells
them apart):

- a batch has ONE EXAMPLE PER ROW: ``A`` is ``(K, M)``, K examples of M
  units (features), ``a_ni`` the value of unit i for example n;
- batch normalisation and data standardisation work DOWN the batch, per unit
  i (axis 0); layer normalisation and RMSNorm work ALONG an example, per
  example n (axis 1);
- every variance used to normalise is the biased one, ``1/K sum (a - mu)^2``
  (torch's normalisation uses it too); only torch's RUNNING variance is the
  unbiased ``1/(K - 1) sum``;
- ``delta`` (torch's ``eps``) is added to the variance UNDER the square root;
- ``gamma`` and ``beta`` (torch's ``weight`` and ``bias``) have shape
  ``(M,)``, one per unit;
- the notes' moving average ``r <- alpha r + (1 - alpha) s`` weights the OLD
  value by alpha; torch's ``momentum`` weights the NEW one,
  ``r <- (1 - momentum) r + momentum s``, so ``momentum = 1 - alpha``.
"""

from __future__ import annotations

import numpy as np


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def standardise(X_train, X_test) -> tuple[np.ndarray, np.ndarray]:
    """The notes' data normalisation ``x_hat_ni = (x_ni - mu_i) / sigma_i``, with the training set's statistics.

    ``mu_i = 1/N sum_n x_ni`` and ``sigma_i^2 = 1/N sum_n (x_ni - mu_i)^2`` over the N training examples,
    per feature i; the test set is rescaled with the SAME mu_i and sigma_i.

    Parameters
    ----------
    X_train : ndarray of shape (N, p), the training examples, one per row
    X_test : ndarray of shape (T, p), the test examples

    Returns
    -------
    tuple (X_train_hat: ndarray of shape (N, p), X_test_hat: ndarray of shape (T, p))
    """
    X_train, X_test = _floats(X_train), _floats(X_test)
    mu = X_train.mean(axis=0)
    sigma = np.sqrt(((X_train - mu) ** 2).mean(axis=0))
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def batch_statistics(A) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's mean and biased variance over the batch: ``mu_i = 1/K sum_n a_ni``, ``sigma_i^2 = 1/K sum_n (a_ni - mu_i)^2``."""
    A = _floats(A)
    mu = A.mean(axis=0)
    return mu, ((A - mu) ** 2).mean(axis=0)


def batch_norm_train(A, gamma, beta, delta) -> np.ndarray:
    """Batch normalisation in training: ``gamma_i (a_ni - mu_i) / sqrt(sigma_i^2 + delta) + beta_i``, batch statistics.

    mu_i and sigma_i^2 are the batch's mean and BIASED variance of unit i (over the K rows):
    ``nn.BatchNorm1d(M, eps=delta)`` in training mode, with weight gamma and bias beta.

    Parameters
    ----------
    A : ndarray of shape (K, M), a mini-batch of K examples of M units (K >= 2)
    gamma, beta : ndarray of shape (M,), the learnable scale and shift
    delta : float > 0, added to the variance under the square root

    Returns
    -------
    ndarray of shape (K, M)
    """
    A = _floats(A)
    mu, var = batch_statistics(A)
    return _floats(gamma) * (A - mu) / np.sqrt(var + delta) + _floats(beta)


def batch_norm_eval(A, gamma, beta, running_mean, running_var, delta) -> np.ndarray:
    """Batch normalisation at inference: ``gamma_i (a_ni - mean_i) / sqrt(var_i + delta) + beta_i``, running statistics.

    The batch's own statistics are not used: every example is normalised on its own, with the
    running mean and variance kept during training (``nn.BatchNorm1d`` in ``eval()`` mode).

    Parameters
    ----------
    A : ndarray of shape (K, M)
    gamma, beta, running_mean, running_var : ndarray of shape (M,)
    delta : float > 0

    Returns
    -------
    ndarray of shape (K, M)
    """
    A = _floats(A)
    return _floats(gamma) * (A - _floats(running_mean)) / np.sqrt(_floats(running_var) + delta) + _floats(beta)


def running_update(running_mean, running_var, A, alpha) -> tuple[np.ndarray, np.ndarray]:
    """The notes' moving averages after one training batch: ``r <- alpha r + (1 - alpha) s``, alpha on the OLD value.

    ``mean <- alpha mean + (1 - alpha) mu``, ``var <- alpha var + (1 - alpha) sigma^2`` with mu and
    sigma^2 the batch's mean and BIASED variance per unit (the notes' 1/K). The notes write the average
    of sigma; the variance is averaged here (inference takes sqrt(var + delta)), as torch does.

    Parameters
    ----------
    running_mean, running_var : ndarray of shape (M,), the averages before the batch
    A : ndarray of shape (K, M), the batch
    alpha : float in [0, 1], the weight of the old value

    Returns
    -------
    tuple (running_mean, running_var), each ndarray of shape (M,)
    """
    mu, var = batch_statistics(A)
    return alpha * _floats(running_mean) + (1 - alpha) * mu, alpha * _floats(running_var) + (1 - alpha) * var


def running_update_torch(running_mean, running_var, A, momentum) -> tuple[np.ndarray, np.ndarray]:
    """``nn.BatchNorm1d``'s running statistics after one training batch: momentum on the NEW value, unbiased variance.

    ``mean <- (1 - m) mean + m mu``, ``var <- (1 - m) var + m K/(K - 1) sigma^2``: the notes' update with
    ``alpha = 1 - m``, except that the variance averaged is the unbiased one (the batch is normalised
    with the biased one all the same).

    Parameters
    ----------
    running_mean, running_var : ndarray of shape (M,)
    A : ndarray of shape (K, M), the batch (K >= 2)
    momentum : float in [0, 1], the weight of the new value

    Returns
    -------
    tuple (running_mean, running_var), each ndarray of shape (M,)
    """
    mu, var = batch_statistics(A)
    K = _floats(A).shape[0]
    m = momentum
    return (1 - m) * _floats(running_mean) + m * mu, (1 - m) * _floats(running_var) + m * var * K / (K - 1)


def batch_norm_backward(dY, A, gamma, delta) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gradients of batch normalisation in training, ``Y = gamma x_hat + beta``, given ``dC/dY``.

    With ``s_i = sqrt(sigma_i^2 + delta)`` and ``x_hat = (A - mu) / s`` (biased batch variance):
    ``dC/dbeta_i = sum_n dy_ni``, ``dC/dgamma_i = sum_n dy_ni x_hat_ni``, and, with ``g = gamma dY``,
    ``dC/da_ni = (g_ni - mean_n g_ni - x_hat_ni mean_n(g_ni x_hat_ni)) / s_i``: the mean and the
    variance depend on every a_ni of the unit, so they are differentiated too.

    Parameters
    ----------
    dY : ndarray of shape (K, M), dC/dY
    A : ndarray of shape (K, M), the batch
    gamma : ndarray of shape (M,)
    delta : float > 0

    Returns
    -------
    tuple (dC/dA: ndarray of shape (K, M), dC/dgamma: ndarray of shape (M,), dC/dbeta: ndarray of shape (M,))
    """
    dY, A = _floats(dY), _floats(A)
    mu, var = batch_statistics(A)
    s = np.sqrt(var + delta)
    x_hat = (A - mu) / s
    g = _floats(gamma) * dY
    dA = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / s
    return dA, (dY * x_hat).sum(axis=0), dY.sum(axis=0)


def layer_norm(A, gamma, beta, delta) -> np.ndarray:
    """Layer normalisation: ``gamma_i (a_ni - mu_n) / sqrt(sigma_n^2 + delta) + beta_i``, statistics per example.

    ``mu_n = 1/M sum_i a_ni``, ``sigma_n^2 = 1/M sum_i (a_ni - mu_n)^2`` over the M units of example n
    (the notes' normalisation line writes mu_i and sigma_i: a slip, they are mu_n and sigma_n);
    ``nn.LayerNorm(M, eps=delta)`` with weight gamma and bias beta.

    Parameters
    ----------
    A : ndarray of shape (K, M), K examples (K >= 1) of M units
    gamma, beta : ndarray of shape (M,)
    delta : float > 0

    Returns
    -------
    ndarray of shape (K, M)
    """
    A = _floats(A)
    mu = A.mean(axis=1, keepdims=True)
    var = ((A - mu) ** 2).mean(axis=1, keepdims=True)
    return _floats(gamma) * (A - mu) / np.sqrt(var + delta) + _floats(beta)


def rms_norm(A, gamma, delta) -> np.ndarray:
    """RMSNorm: ``gamma_i a_ni / sqrt(1/M sum_j a_nj^2 + delta)``, per example, no mean subtracted and no shift.

    ``nn.RMSNorm(M, eps=delta)`` with weight gamma: delta is added to the mean square under the root.

    Parameters
    ----------
    A : ndarray of shape (K, M)
    gamma : ndarray of shape (M,)
    delta : float > 0

    Returns
    -------
    ndarray of shape (K, M)
    """
    A = _floats(A)
    return _floats(gamma) * A / np.sqrt((A**2).mean(axis=1, keepdims=True) + delta)
