"""GAN costs in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def _mean(values):
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


def discriminator_cost(d_real, d_fake):
    d_real, d_fake = np.asarray(d_real, dtype=float), np.asarray(d_fake, dtype=float)
    return -0.5 * _mean([math.log(v) for v in d_real]) - 0.5 * _mean([math.log(1.0 - v) for v in d_fake])


def generator_cost(d_real, d_fake, form):
    d_real, d_fake = np.asarray(d_real, dtype=float), np.asarray(d_fake, dtype=float)
    n = len(d_fake)
    gradient = np.zeros(n)
    if form == "minimax":
        cost = 0.5 * _mean([math.log(v) for v in d_real]) + 0.5 * _mean([math.log(1.0 - v) for v in d_fake])
        for i in range(n):
            gradient[i] = -d_fake[i] / (2 * n)
        return cost, gradient
    for i in range(n):
        gradient[i] = -(1.0 - d_fake[i]) / (2 * n)
    return -0.5 * _mean([math.log(v) for v in d_fake]), gradient


def optimal_discriminator(data_counts, generated_counts):
    data, generated = np.asarray(data_counts, dtype=float), np.asarray(generated_counts, dtype=float)
    data_total, generated_total = sum(float(v) for v in data), sum(float(v) for v in generated)
    answer = np.zeros(len(data))
    for i in range(len(data)):
        p_data, p_g = data[i] / data_total, generated[i] / generated_total
        answer[i] = p_data / (p_data + p_g) if p_data + p_g > 0 else 0.5
    return answer


def wgan_losses(f_real, f_fake):
    real, fake = _mean([float(v) for v in np.ravel(f_real)]), _mean([float(v) for v in np.ravel(f_fake)])
    return fake - real, -fake
