"""Known mistakes in the normalisation exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/normalisation.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np

from reference.normalisation import (
    batch_norm_backward,
    batch_norm_train,
    batch_statistics,
    layer_norm,
    running_update,
    running_update_torch,
)


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


# -- standardise ----------------------------------------------------------------------------------


def standardise_test_with_its_own_statistics(X_train, X_test):
    """Standardises the test set with the test set's own mean and standard deviation."""
    X_train, X_test = _floats(X_train), _floats(X_test)
    return (X_train - X_train.mean(0)) / X_train.std(0), (X_test - X_test.mean(0)) / X_test.std(0)


def standardise_axes_swapped(X_train, X_test):
    """Standardises each example (row) over its features instead of each feature over the examples."""
    X_train, X_test = _floats(X_train), _floats(X_test)
    rows = lambda X: (X - X.mean(1, keepdims=True)) / X.std(1, keepdims=True)  # noqa: E731
    return rows(X_train), rows(X_test)


def standardise_unbiased(X_train, X_test):
    """Divides by the unbiased standard deviation (1/(N - 1)) instead of the notes' 1/N."""
    X_train, X_test = _floats(X_train), _floats(X_test)
    mu, sigma = X_train.mean(0), X_train.std(0, ddof=1)
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def standardise_by_variance(X_train, X_test):
    """Divides by the variance sigma^2 instead of the standard deviation sigma."""
    X_train, X_test = _floats(X_train), _floats(X_test)
    mu, var = X_train.mean(0), X_train.var(0)
    return (X_train - mu) / var, (X_test - mu) / var


# -- batch_norm_train -----------------------------------------------------------------------------


def batch_norm_train_axes_swapped(A, gamma, beta, delta):
    """Normalises each example over its units (axis 1) instead of each unit over the batch (axis 0)."""
    A = _floats(A)
    mu, var = A.mean(1, keepdims=True), A.var(1, keepdims=True)
    return _floats(gamma) * (A - mu) / np.sqrt(var + delta) + _floats(beta)


def batch_norm_train_unbiased(A, gamma, beta, delta):
    """Normalises with the unbiased batch variance (1/(K - 1)) instead of the biased 1/K."""
    A = _floats(A)
    mu, var = A.mean(0), A.var(0, ddof=1)
    return _floats(gamma) * (A - mu) / np.sqrt(var + delta) + _floats(beta)


def batch_norm_train_delta_outside(A, gamma, beta, delta):
    """Adds delta to the standard deviation, sqrt(sigma^2) + delta, instead of under the root."""
    mu, var = batch_statistics(A)
    return _floats(gamma) * (_floats(A) - mu) / (np.sqrt(var) + delta) + _floats(beta)


def batch_norm_train_no_scale_and_shift(A, gamma, beta, delta):
    """Returns the normalised x_hat, leaving out gamma and beta."""
    M = _floats(A).shape[1]
    return batch_norm_train(A, np.ones(M), np.zeros(M), delta)


# -- batch_norm_eval ------------------------------------------------------------------------------


def batch_norm_eval_batch_statistics(A, gamma, beta, running_mean, running_var, delta):
    """Normalises with the batch's own mean and variance at inference, as in training."""
    return batch_norm_train(A, gamma, beta, delta)


def batch_norm_eval_delta_outside(A, gamma, beta, running_mean, running_var, delta):
    """Adds delta to the running standard deviation instead of to the variance under the root."""
    A = _floats(A)
    return _floats(gamma) * (A - _floats(running_mean)) / (np.sqrt(_floats(running_var)) + delta) + _floats(beta)


def batch_norm_eval_no_scale_and_shift(A, gamma, beta, running_mean, running_var, delta):
    """Leaves out gamma and beta at inference."""
    A = _floats(A)
    return (A - _floats(running_mean)) / np.sqrt(_floats(running_var) + delta)


def batch_norm_eval_variance_as_std(A, gamma, beta, running_mean, running_var, delta):
    """Divides by the running variance plus delta, without the square root."""
    A = _floats(A)
    return _floats(gamma) * (A - _floats(running_mean)) / (_floats(running_var) + delta) + _floats(beta)


# -- running_update (the notes' alpha) ------------------------------------------------------------


def running_update_alpha_on_new(running_mean, running_var, A, alpha):
    """Puts alpha on the batch's statistics: r <- (1 - alpha) r + alpha s (torch's momentum form with momentum alpha)."""
    return running_update(running_mean, running_var, A, 1.0 - alpha)


def running_update_unbiased(running_mean, running_var, A, alpha):
    """Averages the unbiased batch variance (torch's running_var) instead of the notes' biased one."""
    return running_update_torch(running_mean, running_var, A, 1.0 - alpha)


def running_update_std_averaged(running_mean, running_var, A, alpha):
    """Averages the standard deviation sigma into the running variance instead of sigma^2."""
    mu, var = batch_statistics(A)
    return alpha * _floats(running_mean) + (1 - alpha) * mu, alpha * _floats(running_var) + (1 - alpha) * np.sqrt(var)


def running_update_axes_swapped(running_mean, running_var, A, alpha):
    """Takes the statistics of each example over its units (axis 1), then averages them over the batch."""
    A = _floats(A)
    mu = A.mean(1, keepdims=True)
    var = ((A - mu) ** 2).mean(1, keepdims=True)
    M = A.shape[1]
    return (alpha * _floats(running_mean) + (1 - alpha) * np.full(M, mu.mean()),
            alpha * _floats(running_var) + (1 - alpha) * np.full(M, var.mean()))


# -- running_update_torch (torch's momentum) ------------------------------------------------------


def running_update_torch_momentum_on_old(running_mean, running_var, A, momentum):
    """Puts momentum on the old value, as the notes' alpha: r <- m r + (1 - m) s."""
    return running_update_torch(running_mean, running_var, A, 1.0 - momentum)


def running_update_torch_biased(running_mean, running_var, A, momentum):
    """Averages the biased batch variance (the one the batch is normalised with) instead of the unbiased one."""
    return running_update(running_mean, running_var, A, 1.0 - momentum)


def running_update_torch_both(running_mean, running_var, A, momentum):
    """Uses the notes' form with alpha = momentum: momentum on the old value and the biased variance."""
    return running_update(running_mean, running_var, A, momentum)


def running_update_torch_unbiased_mean_too(running_mean, running_var, A, momentum):
    """Rescales the mean by K/(K - 1) as well as the variance."""
    K = _floats(A).shape[0]
    m = momentum
    mu, var = batch_statistics(A)
    return (1 - m) * _floats(running_mean) + m * mu * K / (K - 1), (1 - m) * _floats(running_var) + m * var * K / (K - 1)


# -- batch_norm_backward --------------------------------------------------------------------------


def _normalised(A, delta):
    A = _floats(A)
    mu, var = batch_statistics(A)
    s = np.sqrt(var + delta)
    return (A - mu) / s, s


def batch_norm_backward_statistics_constant(dY, A, gamma, delta):
    """Treats the batch mean and variance as constants: dC/dA = gamma dY / s."""
    dY = _floats(dY)
    x_hat, s = _normalised(A, delta)
    return _floats(gamma) * dY / s, (dY * x_hat).sum(0), dY.sum(0)


def batch_norm_backward_variance_path_left_out(dY, A, gamma, delta):
    """Differentiates the mean but treats the variance as a constant: dC/dA = (g - mean(g)) / s."""
    dY = _floats(dY)
    x_hat, s = _normalised(A, delta)
    g = _floats(gamma) * dY
    return (g - g.mean(0)) / s, (dY * x_hat).sum(0), dY.sum(0)


def batch_norm_backward_gamma_left_out(dY, A, gamma, delta):
    """Leaves gamma out of dC/dA (backpropagates dY as if it were dC/dx_hat)."""
    dY = _floats(dY)
    x_hat, s = _normalised(A, delta)
    dA = (dY - dY.mean(0) - x_hat * (dY * x_hat).mean(0)) / s
    return dA, (dY * x_hat).sum(0), dY.sum(0)


def batch_norm_backward_dgamma_without_x_hat(dY, A, gamma, delta):
    """Gives dC/dgamma = sum dY * A, the un-normalised input, instead of sum dY * x_hat."""
    dY = _floats(dY)
    dA, _, dbeta = batch_norm_backward(dY, A, gamma, delta)
    return dA, (dY * _floats(A)).sum(0), dbeta


# -- layer_norm -----------------------------------------------------------------------------------


def layer_norm_per_unit(A, gamma, beta, delta):
    """Follows the notes' slip mu_i, sigma_i: each unit normalised over the batch (batch normalisation)."""
    return batch_norm_train(A, gamma, beta, delta)


def layer_norm_unbiased(A, gamma, beta, delta):
    """Normalises with the unbiased variance over the units (1/(M - 1))."""
    A = _floats(A)
    mu, var = A.mean(1, keepdims=True), A.var(1, ddof=1, keepdims=True)
    return _floats(gamma) * (A - mu) / np.sqrt(var + delta) + _floats(beta)


def layer_norm_delta_outside(A, gamma, beta, delta):
    """Adds delta to the standard deviation instead of under the root."""
    A = _floats(A)
    mu, var = A.mean(1, keepdims=True), A.var(1, keepdims=True)
    return _floats(gamma) * (A - mu) / (np.sqrt(var) + delta) + _floats(beta)


def layer_norm_no_scale_and_shift(A, gamma, beta, delta):
    """Leaves out gamma and beta."""
    M = _floats(A).shape[1]
    return layer_norm(A, np.ones(M), np.zeros(M), delta)


# -- rms_norm -------------------------------------------------------------------------------------


def rms_norm_mean_subtracted(A, gamma, delta):
    """Subtracts each example's mean first (layer normalisation without the shift)."""
    A = _floats(A)
    return layer_norm(A, gamma, np.zeros(A.shape[1]), delta)


def rms_norm_unit_l2_norm(A, gamma, delta):
    """Divides by the L2 norm sqrt(sum a^2 + delta) instead of the root mean square."""
    A = _floats(A)
    return _floats(gamma) * A / np.sqrt((A**2).sum(axis=1, keepdims=True) + delta)


def rms_norm_delta_outside(A, gamma, delta):
    """Adds delta to the root mean square instead of to the mean square under the root."""
    A = _floats(A)
    return _floats(gamma) * A / (np.sqrt((A**2).mean(axis=1, keepdims=True)) + delta)


def rms_norm_over_the_batch(A, gamma, delta):
    """Takes the mean square of each unit over the batch (axis 0) instead of each example over its units."""
    A = _floats(A)
    return _floats(gamma) * A / np.sqrt((A**2).mean(axis=0) + delta)


def rms_norm_no_scale(A, gamma, delta):
    """Leaves out gamma."""
    A = _floats(A)
    return A / np.sqrt((A**2).mean(axis=1, keepdims=True) + delta)
