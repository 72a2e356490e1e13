"""Normalisation in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np

from _loops import column_means, column_variances


def standardise(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    mu, var = column_means(X_train), column_variances(X_train)
    out = []
    for X in (X_train, X_test):
        Z = np.zeros(X.shape)
        for i in range(X.shape[0]):
            for j in range(X.shape[1]):
                Z[i, j] = (X[i, j] - mu[j]) / math.sqrt(var[j])
        out.append(Z)
    return out[0], out[1]


def _affine(A, gamma, beta, mu, var, delta):
    A = np.asarray(A, dtype=float)
    gamma, beta = np.asarray(gamma, dtype=float), np.asarray(beta, dtype=float)
    Y = np.zeros(A.shape)
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            Y[i, j] = gamma[j] * (A[i, j] - mu[j]) / math.sqrt(var[j] + delta) + beta[j]
    return Y


def batch_norm_train(A, gamma, beta, delta):
    return _affine(A, gamma, beta, column_means(A), column_variances(A), delta)


def batch_norm_eval(A, gamma, beta, running_mean, running_var, delta):
    return _affine(A, gamma, beta, np.asarray(running_mean, dtype=float), np.asarray(running_var, dtype=float), delta)


def running_update(running_mean, running_var, A, alpha):
    mu, var = column_means(A), column_variances(A)
    mean, variance = np.zeros(len(mu)), np.zeros(len(mu))
    for j in range(len(mu)):
        mean[j] = alpha * running_mean[j] + (1 - alpha) * mu[j]
        variance[j] = alpha * running_var[j] + (1 - alpha) * var[j]
    return mean, variance


def running_update_torch(running_mean, running_var, A, momentum):
    mu, var = column_means(A), column_variances(A, ddof=1)
    mean, variance = np.zeros(len(mu)), np.zeros(len(mu))
    for j in range(len(mu)):
        mean[j] = (1 - momentum) * running_mean[j] + momentum * mu[j]
        variance[j] = (1 - momentum) * running_var[j] + momentum * var[j]
    return mean, variance


def batch_norm_backward(dY, A, gamma, delta):
    dY, A = np.asarray(dY, dtype=float), np.asarray(A, dtype=float)
    gamma = np.asarray(gamma, dtype=float)
    K, n = A.shape
    mu, var = column_means(A), column_variances(A)
    dA, dgamma, dbeta = np.zeros(A.shape), np.zeros(n), np.zeros(n)
    for j in range(n):
        s = math.sqrt(var[j] + delta)
        x_hat = [(A[i, j] - mu[j]) / s for i in range(K)]
        g = [gamma[j] * dY[i, j] for i in range(K)]
        g_mean = sum(g) / K
        gx_mean = sum(g[i] * x_hat[i] for i in range(K)) / K
        for i in range(K):
            dA[i, j] = (g[i] - g_mean - x_hat[i] * gx_mean) / s
            dgamma[j] += dY[i, j] * x_hat[i]
            dbeta[j] += dY[i, j]
    return dA, dgamma, dbeta


def layer_norm(A, gamma, beta, delta):
    A = np.asarray(A, dtype=float)
    gamma, beta = np.asarray(gamma, dtype=float), np.asarray(beta, dtype=float)
    Y = np.zeros(A.shape)
    for i in range(A.shape[0]):
        row = [A[i, j] for j in range(A.shape[1])]
        mu = sum(row) / len(row)
        var = sum((v - mu) ** 2 for v in row) / len(row)
        for j in range(A.shape[1]):
            Y[i, j] = gamma[j] * (A[i, j] - mu) / math.sqrt(var + delta) + beta[j]
    return Y


def rms_norm(A, gamma, delta):
    A = np.asarray(A, dtype=float)
    gamma = np.asarray(gamma, dtype=float)
    Y = np.zeros(A.shape)
    for i in range(A.shape[0]):
        ms = sum(A[i, j] ** 2 for j in range(A.shape[1])) / A.shape[1]
        for j in range(A.shape[1]):
            Y[i, j] = gamma[j] * A[i, j] / math.sqrt(ms + delta)
    return Y
