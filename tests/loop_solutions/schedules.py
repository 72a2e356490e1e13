"""Learning-rate schedules in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def linear_schedule(eta_0, eta_K, K, steps):
    rates = np.zeros(steps)
    for k in range(steps):
        j = min(k, K)
        rates[k] = (1 - j / K) * eta_0 + j / K * eta_K
    return rates


def power_law_schedule(eta_0, s, c, steps):
    rates = np.zeros(steps)
    for k in range(steps):
        rates[k] = eta_0 * (1 + k / s) ** c
    return rates


def exponential_schedule(eta_0, s, c, steps):
    rates = np.zeros(steps)
    for k in range(steps):
        rates[k] = eta_0 * c ** (k / s)
    return rates


def cosine_schedule(eta_max, eta_min, T, steps):
    rates = np.zeros(steps)
    for k in range(steps):
        j = min(k, T)
        rates[k] = eta_min + (eta_max - eta_min) * (1 + math.cos(math.pi * j / T)) / 2
    return rates


def warmup_cosine_schedule(eta_max, eta_min, W, T, steps):
    rates = np.zeros(steps)
    for k in range(steps):
        if k < W:
            rates[k] = eta_max * (k + 1) / W
        else:
            phase = min(k - W, T - W) / (T - W)
            rates[k] = eta_min + (eta_max - eta_min) * (1 + math.cos(math.pi * phase)) / 2
    return rates
