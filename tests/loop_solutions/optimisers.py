"""Optimisers and gradient clipping in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np

from _loops import each, total


def momentum_step(params, grads, deltas, eta, mu):
    new_params, new_deltas = {}, {}
    for name in params:
        delta = each(lambda g, d: -eta * g + mu * d, grads[name], deltas[name])
        new_params[name] = each(lambda p, d: p + d, params[name], delta)
        new_deltas[name] = delta
    return new_params, new_deltas


def torch_momentum_step(params, grads, buffers, lr, momentum, nesterov):
    new_params, new_buffers = {}, {}
    for name in params:
        v = each(lambda b, g: momentum * b + g, buffers[name], grads[name])
        direction = each(lambda g, b: g + momentum * b, grads[name], v) if nesterov else v
        new_params[name] = each(lambda p, d: p - lr * d, params[name], direction)
        new_buffers[name] = v
    return new_params, new_buffers


def momentum_to_torch(deltas, eta, mu):
    return {name: each(lambda d: -d / eta, delta) for name, delta in deltas.items()}, float(eta), float(mu)


def adagrad_step(params, grads, sums, lr, eps):
    new_params, new_sums = {}, {}
    for name in params:
        s = each(lambda s, g: s + g * g, sums[name], grads[name])
        new_params[name] = each(lambda p, g, s: p - lr * g / (math.sqrt(s) + eps), params[name], grads[name], s)
        new_sums[name] = s
    return new_params, new_sums


def rmsprop_step(params, grads, averages, lr, alpha, eps):
    new_params, new_averages = {}, {}
    for name in params:
        r = each(lambda r, g: alpha * r + (1 - alpha) * g * g, averages[name], grads[name])
        new_params[name] = each(lambda p, g, r: p - lr * g / (math.sqrt(r) + eps), params[name], grads[name], r)
        new_averages[name] = r
    return new_params, new_averages


def adam_step(params, grads, state, lr, beta1, beta2, eps):
    t = state["step"] + 1
    new_params, m_new, v_new = {}, {}, {}
    for name in params:
        m = each(lambda m, g: beta1 * m + (1 - beta1) * g, state["m"][name], grads[name])
        v = each(lambda v, g: beta2 * v + (1 - beta2) * g * g, state["v"][name], grads[name])
        new_params[name] = each(
            lambda p, m, v: p - lr * (m / (1 - beta1 ** t)) / (math.sqrt(v / (1 - beta2 ** t)) + eps),
            params[name], m, v)
        m_new[name], v_new[name] = m, v
    return new_params, {"step": t, "m": m_new, "v": v_new}


def clip_grad_value(grads, clip_value):
    return {name: each(lambda g: min(max(g, -clip_value), clip_value), g) for name, g in grads.items()}


def clip_grad_norm(grads, max_norm):
    norm = math.sqrt(sum(total(each(lambda x: x * x, g)) for g in grads.values()))
    factor = min(1.0, max_norm / (norm + 1e-6))
    return {name: each(lambda x: x * factor, g) for name, g in grads.items()}, norm
