"""Representation learning's arithmetic in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def info_nce(Z, Z_pos, tau):
    Z, Z_pos = np.asarray(Z, dtype=float), np.asarray(Z_pos, dtype=float)
    n, d = Z.shape
    batch = [Z[i] for i in range(n)] + [Z_pos[i] for i in range(n)]
    unit = []
    for row in batch:
        norm = math.sqrt(sum(row[k] * row[k] for k in range(d)))
        unit.append([row[k] / norm for k in range(d)])
    total = 0.0
    for i in range(n):
        logits = []
        for j in range(2 * n):
            logits.append(-math.inf if j == i else sum(unit[i][k] * unit[j][k] for k in range(d)) / tau)
        top = max(logits)
        log_denominator = top + math.log(sum(math.exp(v - top) for v in logits if v != -math.inf))
        total += log_denominator - logits[n + i]
    return total / n


def momentum_update(key_params, query_history, m):
    key = {}
    for name, value in key_params.items():
        value = np.asarray(value, dtype=float)
        copy = np.zeros(value.shape)
        for index in np.ndindex(value.shape):
            copy[index] = value[index]
        key[name] = copy
    for query in query_history:
        for name in key:
            q = np.asarray(query[name], dtype=float)
            for index in np.ndindex(key[name].shape):
                key[name][index] = m * key[name][index] + (1 - m) * q[index]
    return key


def domain_adversarial_step(params, grad_label, grad_domain, lr, lam):
    new = {}
    for name, value in params.items():
        p = np.asarray(value, dtype=float)
        label = np.asarray(grad_label[name], dtype=float) if name in grad_label else None
        domain = np.asarray(grad_domain[name], dtype=float) if name in grad_domain else None
        out = np.zeros(p.shape)
        for index in np.ndindex(p.shape):
            if name.startswith("features."):
                out[index] = p[index] - lr * (label[index] - lam * domain[index])
            elif name.startswith("label_head."):
                out[index] = p[index] - lr * label[index]
            else:
                out[index] = p[index] - lr * domain[index]
        new[name] = out
    return new
