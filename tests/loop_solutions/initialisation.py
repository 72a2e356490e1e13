"""Weight initialisation drawn one weight at a time: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def _draw(fan_in, fan_out, rng, one):
    rng = np.random.default_rng(rng)
    W = np.zeros((fan_out, fan_in))
    for i in range(fan_out):
        for j in range(fan_in):
            W[i, j] = one(rng)
    return W


def he(fan_in, fan_out, form, rng):
    if form == "normal":
        return _draw(fan_in, fan_out, rng, lambda g: g.normal(0.0, math.sqrt(2.0 / fan_in)))
    bound = math.sqrt(6.0 / fan_in)
    return _draw(fan_in, fan_out, rng, lambda g: g.uniform(-bound, bound))


def xavier(fan_in, fan_out, form, rng):
    bound = 1.0 / math.sqrt(fan_in)
    if form == "normal":
        return _draw(fan_in, fan_out, rng, lambda g: g.normal(0.0, bound / math.sqrt(3.0)))
    return _draw(fan_in, fan_out, rng, lambda g: g.uniform(-bound, bound))


def normalised_xavier(fan_in, fan_out, form, rng):
    if form == "normal":
        return _draw(fan_in, fan_out, rng, lambda g: g.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out))))
    bound = math.sqrt(6.0) / math.sqrt(fan_in + fan_out)
    return _draw(fan_in, fan_out, rng, lambda g: g.uniform(-bound, bound))
