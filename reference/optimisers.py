"""Optimisers and gradient clipping in NumPy (course notes 1.3.5.3: momentum, AdaGrad, RMSProp, Adam;
1.10.3.1: clipping).

The grader compares every student answer with these functions: formulas in
the docstrings, float64 throughout. Conventions (where torch's differ, the
exercises say so and a check tells them apart):

- parameters, gradients and every per-parameter state are dicts of arrays
  keyed by the parameter's name (as ``model.state_dict()``); a step is a
  pure function ``step(params, grads, state, hyperparameters) -> (params,
  state)`` that returns new dicts with the same keys and shapes and leaves
  its inputs alone; the first step is given a state of zeros;
- the notes' momentum keeps the last STEP, ``Delta w = -eta grad + mu Delta
  w_prev``, ``w += Delta w``; torch's SGD keeps a buffer of GRADIENTS,
  ``v = mu v + grad``, ``w -= lr v``: with lr = eta and momentum = mu they
  take the same steps, and ``v = -Delta w / eta``;
- AdaGrad, RMSProp and Adam add eps to the square root (torch's placement),
  never inside it; RMSProp has no bias correction, Adam has both;
- clipping by norm clips the TOTAL norm over all the gradients together, with
  torch's factor ``max_norm / (total_norm + 1e-6)``, and only when that
  factor is below 1.
"""

from __future__ import annotations

import numpy as np


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def momentum_step(params, grads, deltas, eta, mu) -> tuple[dict, dict]:
    """The notes' momentum: ``Delta w = -eta dE/dw + mu Delta w_prev``, then ``w <- w + Delta w``.

    Parameters
    ----------
    params, grads, deltas : dicts of str to ndarray, the same keys and shapes: w, dE/dw and the last step Delta w_prev
    eta, mu : float, the learning rate and the momentum (mu = 0 is plain gradient descent)

    Returns
    -------
    tuple (params, deltas): the parameters after the step and the step just taken
    """
    new_params, new_deltas = {}, {}
    for name, value in params.items():
        delta = -eta * _floats(grads[name]) + mu * _floats(deltas[name])
        new_params[name], new_deltas[name] = _floats(value) + delta, delta
    return new_params, new_deltas


def torch_momentum_step(params, grads, buffers, lr, momentum, nesterov) -> tuple[dict, dict]:
    """torch's SGD with momentum (dampening 0): ``v = momentum v + g``; ``w <- w - lr d`` with ``d = v``, or ``d = g + momentum v`` (Nesterov).

    Parameters
    ----------
    params, grads, buffers : dicts of str to ndarray: w, dE/dw and the momentum buffers v (zeros before the first step)
    lr, momentum : float
    nesterov : bool

    Returns
    -------
    tuple (params, buffers): the parameters after the step and the new buffers
    """
    new_params, new_buffers = {}, {}
    for name, value in params.items():
        g = _floats(grads[name])
        v = momentum * _floats(buffers[name]) + g
        direction = g + momentum * v if nesterov else v
        new_params[name], new_buffers[name] = _floats(value) - lr * direction, v
    return new_params, new_buffers


def momentum_to_torch(deltas, eta, mu) -> tuple[dict, float, float]:
    """The torch state and hyperparameters that continue the notes' momentum: buffers ``-Delta w / eta``, ``lr = eta``, ``momentum = mu``.

    Parameters
    ----------
    deltas : dict of str to ndarray, the notes' last steps Delta w
    eta, mu : float

    Returns
    -------
    tuple (buffers: dict with the keys of deltas, lr: float, momentum: float)
    """
    return {name: -_floats(delta) / eta for name, delta in deltas.items()}, float(eta), float(mu)


def adagrad_step(params, grads, sums, lr, eps) -> tuple[dict, dict]:
    """AdaGrad: ``s <- s + g^2``, ``w <- w - lr g / (sqrt(s) + eps)`` (torch's Adagrad with lr_decay 0 and a zero accumulator).

    Parameters
    ----------
    params, grads, sums : dicts of str to ndarray: w, dE/dw and the sums of squared gradients so far
    lr, eps : float

    Returns
    -------
    tuple (params, sums)
    """
    new_params, new_sums = {}, {}
    for name, value in params.items():
        g = _floats(grads[name])
        s = _floats(sums[name]) + g**2
        new_params[name], new_sums[name] = _floats(value) - lr * g / (np.sqrt(s) + eps), s
    return new_params, new_sums


def rmsprop_step(params, grads, averages, lr, alpha, eps) -> tuple[dict, dict]:
    """RMSProp: ``r <- alpha r + (1 - alpha) g^2``, ``w <- w - lr g / (sqrt(r) + eps)`` (torch's RMSprop, no bias correction).

    Parameters
    ----------
    params, grads, averages : dicts of str to ndarray: w, dE/dw and the running averages of g^2
    lr, alpha, eps : float (alpha weights the OLD average)

    Returns
    -------
    tuple (params, averages)
    """
    new_params, new_averages = {}, {}
    for name, value in params.items():
        g = _floats(grads[name])
        r = alpha * _floats(averages[name]) + (1.0 - alpha) * g**2
        new_params[name], new_averages[name] = _floats(value) - lr * g / (np.sqrt(r) + eps), r
    return new_params, new_averages


def adam_step(params, grads, state, lr, beta1, beta2, eps) -> tuple[dict, dict]:
    """Adam with bias correction, torch's eps placement.

    ``t <- t + 1``; ``m <- beta1 m + (1 - beta1) g``; ``v <- beta2 v + (1 - beta2) g^2``;
    ``m_hat = m / (1 - beta1^t)``, ``v_hat = v / (1 - beta2^t)``; ``w <- w - lr m_hat / (sqrt(v_hat) + eps)``.

    Parameters
    ----------
    params, grads : dicts of str to ndarray
    state : dict ``{"step": int t (0 before the first step), "m": dict of arrays, "v": dict of arrays}``
    lr, beta1, beta2, eps : float

    Returns
    -------
    tuple (params, state): the state with the step counted and the new moments
    """
    t = int(state["step"]) + 1
    new_params, m_new, v_new = {}, {}, {}
    for name, value in params.items():
        g = _floats(grads[name])
        m = beta1 * _floats(state["m"][name]) + (1.0 - beta1) * g
        v = beta2 * _floats(state["v"][name]) + (1.0 - beta2) * g**2
        m_hat, v_hat = m / (1.0 - beta1**t), v / (1.0 - beta2**t)
        new_params[name], m_new[name], v_new[name] = _floats(value) - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    return new_params, {"step": t, "m": m_new, "v": v_new}


def clip_grad_value(grads, clip_value) -> dict:
    """Every gradient entry clipped to ``[-clip_value, clip_value]`` (torch's ``clip_grad_value_``).

    Parameters
    ----------
    grads : dict of str to ndarray
    clip_value : float > 0

    Returns
    -------
    dict with the keys of grads
    """
    return {name: np.clip(_floats(g), -clip_value, clip_value) for name, g in grads.items()}


def clip_grad_norm(grads, max_norm) -> tuple[dict, float]:
    """Clipping by the total norm (torch's ``clip_grad_norm_``): ``N = sqrt(sum over all entries of g^2)``;
    every gradient times ``min(1, max_norm / (N + 1e-6))``.

    Parameters
    ----------
    grads : dict of str to ndarray
    max_norm : float > 0

    Returns
    -------
    tuple (clipped: dict with the keys of grads, N: float, the total norm BEFORE clipping)
    """
    total = float(np.sqrt(sum(float((_floats(g) ** 2).sum()) for g in grads.values())))
    factor = min(1.0, max_norm / (total + 1e-6))
    return {name: _floats(g) * factor for name, g in grads.items()}, total
