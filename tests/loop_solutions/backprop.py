"""Backpropagation in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def _sigmoid(a):
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def sigmoid(a):
    a = np.asarray(a, dtype=float)
    out = np.zeros(a.shape)
    for index in np.ndindex(a.shape):
        out[index] = _sigmoid(a[index])
    return out


def sigmoid_prime(a):
    a = np.asarray(a, dtype=float)
    out = np.zeros(a.shape)
    for index in np.ndindex(a.shape):
        s = _sigmoid(a[index])
        out[index] = s * (1 - s)
    return out


def _matvec(W, z):
    out = np.zeros(W.shape[0])
    for j in range(W.shape[0]):
        total = 0.0
        for k in range(W.shape[1]):
            total += W[j, k] * z[k]
        out[j] = total
    return out


def feedforward(weights, biases, x):
    z = np.asarray(x, dtype=float)
    weighted_inputs, activations = [], [z]
    for W, b in zip(weights, biases):
        W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
        a = _matvec(W, z)
        for j in range(len(a)):
            a[j] += b[j]
        z = sigmoid(a)
        weighted_inputs.append(a)
        activations.append(z)
    return weighted_inputs, activations


def output_error_quadratic(a_L, y):
    a_L, y = np.asarray(a_L, dtype=float), np.asarray(y, dtype=float)
    out = np.zeros(a_L.shape)
    for j in range(len(a_L)):
        s = _sigmoid(a_L[j])
        out[j] = (s - y[j]) * s * (1 - s)
    return out


def output_error_cross_entropy(a_L, y):
    a_L, y = np.asarray(a_L, dtype=float), np.asarray(y, dtype=float)
    out = np.zeros(a_L.shape)
    for j in range(len(a_L)):
        out[j] = _sigmoid(a_L[j]) - y[j]
    return out


def hidden_error(W_next, delta_next, a):
    W_next, delta_next, a = (np.asarray(v, dtype=float) for v in (W_next, delta_next, a))
    out = np.zeros(W_next.shape[1])
    for k in range(W_next.shape[1]):
        total = 0.0
        for j in range(W_next.shape[0]):
            total += W_next[j, k] * delta_next[j]
        s = _sigmoid(a[k])
        out[k] = total * s * (1 - s)
    return out


def gradients(delta, z_prev):
    delta, z_prev = np.asarray(delta, dtype=float), np.asarray(z_prev, dtype=float)
    nabla_W = np.zeros((len(delta), len(z_prev)))
    for j in range(len(delta)):
        for k in range(len(z_prev)):
            nabla_W[j, k] = delta[j] * z_prev[k]
    return delta.copy(), nabla_W


def backprop(weights, biases, x, y, cost="quadratic"):
    if cost == "quadratic":
        output_error = output_error_quadratic
    elif cost == "cross-entropy":
        output_error = output_error_cross_entropy
    else:
        raise ValueError(f"unknown cost {cost!r}: use 'quadratic' or 'cross-entropy'")
    weighted_inputs, activations = feedforward(weights, biases, x)
    nabla_b, nabla_W = [None] * len(weights), [None] * len(weights)
    delta = output_error(weighted_inputs[-1], y)
    for i in range(len(weights) - 1, -1, -1):
        if i < len(weights) - 1:
            delta = hidden_error(weights[i + 1], delta, weighted_inputs[i])
        nabla_b[i], nabla_W[i] = gradients(delta, activations[i])
    return nabla_b, nabla_W


def sgd_step(weights, biases, X, Y, eta, cost="quadratic"):
    m = len(X)
    sum_b = [np.zeros(np.shape(b)) for b in biases]
    sum_W = [np.zeros(np.shape(W)) for W in weights]
    for x, y in zip(X, Y):
        nabla_b, nabla_W = backprop(weights, biases, x, y, cost)
        for i in range(len(weights)):
            for index in np.ndindex(sum_b[i].shape):
                sum_b[i][index] += nabla_b[i][index]
            for index in np.ndindex(sum_W[i].shape):
                sum_W[i][index] += nabla_W[i][index]
    new_weights, new_biases = [], []
    for W, g in zip(weights, sum_W):
        W = np.array(W, dtype=float)
        for index in np.ndindex(W.shape):
            W[index] -= eta / m * g[index]
        new_weights.append(W)
    for b, g in zip(biases, sum_b):
        b = np.array(b, dtype=float)
        for index in np.ndindex(b.shape):
            b[index] -= eta / m * g[index]
        new_biases.append(b)
    return new_weights, new_biases


def softmax_output_error(a_L, y):
    a_L = np.asarray(a_L, dtype=float)
    top = a_L[0]
    for v in a_L:
        if v > top:
            top = v
    e = [math.exp(v - top) for v in a_L]
    total = 0.0
    for v in e:
        total += v
    delta = np.array([v / total for v in e])
    delta[y] -= 1
    return delta
