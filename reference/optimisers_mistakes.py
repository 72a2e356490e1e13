"""Known mistakes in the optimisers exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/optimisers.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


# -- momentum_step -------------------------------------------------------------------


def momentum_step_momentum_sign(params, grads, deltas, eta, mu):
    """Delta w = -eta g - mu Delta w_prev: the momentum term subtracted, as if it were a gradient."""
    deltas = {n: -eta * _f(grads[n]) - mu * _f(deltas[n]) for n in params}
    return {n: _f(params[n]) + deltas[n] for n in params}, deltas


def momentum_step_dampened(params, grads, deltas, eta, mu):
    """Delta w = mu Delta w_prev - (1 - mu) eta g: an exponential average of the steps instead of the notes' sum."""
    deltas = {n: mu * _f(deltas[n]) - (1.0 - mu) * eta * _f(grads[n]) for n in params}
    return {n: _f(params[n]) + deltas[n] for n in params}, deltas


def momentum_step_gradient_step_stored(params, grads, deltas, eta, mu):
    """Takes the right step but stores only its gradient part, -eta g, as Delta w: the momentum never accumulates."""
    return {n: _f(params[n]) - eta * _f(grads[n]) + mu * _f(deltas[n]) for n in params}, {n: -eta * _f(grads[n]) for n in params}


def momentum_step_torch_buffer_stored(params, grads, deltas, eta, mu):
    """Runs torch's form on the given state: v = mu v + g, w -= eta v, and returns v where the notes' Delta w is asked."""
    buffers = {n: mu * _f(deltas[n]) + _f(grads[n]) for n in params}
    return {n: _f(params[n]) - eta * buffers[n] for n in params}, buffers


# -- torch_momentum_step -------------------------------------------------------------


def torch_momentum_step_nesterov_old_buffer(params, grads, buffers, lr, momentum, nesterov):
    """Nesterov's direction g + momentum v taken with the buffer BEFORE this step's update."""
    new_params, new_buffers = {}, {}
    for n in params:
        g, old = _f(grads[n]), _f(buffers[n])
        v = momentum * old + g
        new_params[n], new_buffers[n] = _f(params[n]) - lr * (g + momentum * old if nesterov else v), v
    return new_params, new_buffers


def torch_momentum_step_dampened(params, grads, buffers, lr, momentum, nesterov):
    """v = momentum v + (1 - momentum) g: dampening = momentum, an exponential average (torch's default dampening is 0)."""
    new_params, new_buffers = {}, {}
    for n in params:
        g = _f(grads[n])
        v = momentum * _f(buffers[n]) + (1.0 - momentum) * g
        new_params[n], new_buffers[n] = _f(params[n]) - lr * (g + momentum * v if nesterov else v), v
    return new_params, new_buffers


def torch_momentum_step_lr_in_the_buffer(params, grads, buffers, lr, momentum, nesterov):
    """v = momentum v + lr g, w -= v: the learning rate folded into the buffer (the notes' Delta w with its sign flipped)."""
    new_params, new_buffers = {}, {}
    for n in params:
        g = _f(grads[n])
        v = momentum * _f(buffers[n]) + lr * g
        new_params[n], new_buffers[n] = _f(params[n]) - (lr * g + momentum * v if nesterov else v), v
    return new_params, new_buffers


def torch_momentum_step_nesterov_ignored(params, grads, buffers, lr, momentum, nesterov):
    """Always the heavy-ball step w -= lr v, whatever nesterov says."""
    new_params, new_buffers = {}, {}
    for n in params:
        v = momentum * _f(buffers[n]) + _f(grads[n])
        new_params[n], new_buffers[n] = _f(params[n]) - lr * v, v
    return new_params, new_buffers


# -- momentum_to_torch ---------------------------------------------------------------


def momentum_to_torch_buffer_sign(deltas, eta, mu):
    """Buffers Delta w / eta: the sign lost (torch subtracts lr v, the notes add Delta w)."""
    return {n: _f(d) / eta for n, d in deltas.items()}, float(eta), float(mu)


def momentum_to_torch_buffer_not_divided(deltas, eta, mu):
    """Buffers -Delta w: torch's buffer holds gradients, not steps, so it must be divided by eta."""
    return {n: -_f(d) for n, d in deltas.items()}, float(eta), float(mu)


def momentum_to_torch_effective_rate(deltas, eta, mu):
    """lr = eta / (1 - mu), the effective rate in flat regions, with buffers scaled to match."""
    lr = eta / (1.0 - mu)
    return {n: -_f(d) / lr for n, d in deltas.items()}, float(lr), float(mu)


def momentum_to_torch_momentum_as_one_minus_mu(deltas, eta, mu):
    """momentum = 1 - mu: the notes' mu read as the weight of the new gradient."""
    return {n: -_f(d) / eta for n, d in deltas.items()}, float(eta), float(1.0 - mu)


# -- adagrad_step --------------------------------------------------------------------


def adagrad_step_eps_inside_the_root(params, grads, sums, lr, eps):
    """w -= lr g / sqrt(s + eps): eps added under the square root."""
    s = {n: _f(sums[n]) + _f(grads[n]) ** 2 for n in params}
    return {n: _f(params[n]) - lr * _f(grads[n]) / np.sqrt(s[n] + eps) for n in params}, s


def adagrad_step_squares_not_accumulated(params, grads, sums, lr, eps):
    """s = g^2 of this step only: the sum over the past is dropped."""
    s = {n: _f(grads[n]) ** 2 for n in params}
    return {n: _f(params[n]) - lr * _f(grads[n]) / (np.sqrt(s[n]) + eps) for n in params}, s


def adagrad_step_root_left_out(params, grads, sums, lr, eps):
    """w -= lr g / (s + eps): the sum of squares without its square root."""
    s = {n: _f(sums[n]) + _f(grads[n]) ** 2 for n in params}
    return {n: _f(params[n]) - lr * _f(grads[n]) / (s[n] + eps) for n in params}, s


# -- rmsprop_step --------------------------------------------------------------------


def rmsprop_step_alpha_on_the_new_term(params, grads, averages, lr, alpha, eps):
    """r = (1 - alpha) r + alpha g^2: alpha weights the NEW squared gradient."""
    r = {n: (1.0 - alpha) * _f(averages[n]) + alpha * _f(grads[n]) ** 2 for n in params}
    return {n: _f(params[n]) - lr * _f(grads[n]) / (np.sqrt(r[n]) + eps) for n in params}, r


def rmsprop_step_eps_inside_the_root(params, grads, averages, lr, alpha, eps):
    """w -= lr g / sqrt(r + eps): eps added under the square root."""
    r = {n: alpha * _f(averages[n]) + (1.0 - alpha) * _f(grads[n]) ** 2 for n in params}
    return {n: _f(params[n]) - lr * _f(grads[n]) / np.sqrt(r[n] + eps) for n in params}, r


def rmsprop_step_one_minus_alpha_left_out(params, grads, averages, lr, alpha, eps):
    """r = alpha r + g^2: the new term not weighted by 1 - alpha (a decaying sum, not an average)."""
    r = {n: alpha * _f(averages[n]) + _f(grads[n]) ** 2 for n in params}
    return {n: _f(params[n]) - lr * _f(grads[n]) / (np.sqrt(r[n]) + eps) for n in params}, r


# -- adam_step -----------------------------------------------------------------------


def _adam(params, grads, state, lr, beta1, beta2, eps, denominator, correct=True, count=True, swap=False):
    t = int(state["step"]) + 1
    b1, b2 = (beta2, beta1) if swap else (beta1, beta2)
    new, m_new, v_new = {}, {}, {}
    for n in params:
        g = _f(grads[n])
        m = b1 * _f(state["m"][n]) + (1.0 - b1) * g
        v = b2 * _f(state["v"][n]) + (1.0 - b2) * g**2
        c1, c2 = (1.0 - b1**t, 1.0 - b2**t) if correct else (1.0, 1.0)
        new[n] = _f(params[n]) - lr * (m / c1) / denominator(v, c2, eps)
        m_new[n], v_new[n] = m, v
    return new, {"step": t if count else int(state["step"]), "m": m_new, "v": v_new}


def _torch_denominator(v, c2, eps):
    return np.sqrt(v / c2) + eps


def adam_step_no_bias_correction(params, grads, state, lr, beta1, beta2, eps):
    """m and v used as they are, without dividing by 1 - beta^t: the first steps are far too large or too small."""
    return _adam(params, grads, state, lr, beta1, beta2, eps, _torch_denominator, correct=False)


def adam_step_eps_inside_the_root(params, grads, state, lr, beta1, beta2, eps):
    """w -= lr m_hat / sqrt(v_hat + eps): eps added under the square root."""
    return _adam(params, grads, state, lr, beta1, beta2, eps, lambda v, c2, e: np.sqrt(v / c2 + e))


def adam_step_eps_before_the_correction(params, grads, state, lr, beta1, beta2, eps):
    """w -= lr m_hat / ((sqrt(v) + eps) / sqrt(1 - beta2^t)): eps added before v is bias-corrected."""
    return _adam(params, grads, state, lr, beta1, beta2, eps, lambda v, c2, e: (np.sqrt(v) + e) / np.sqrt(c2))


def adam_step_step_not_counted(params, grads, state, lr, beta1, beta2, eps):
    """Corrects with t = step + 1 but returns the step count unchanged: every update is corrected as the first."""
    return _adam(params, grads, state, lr, beta1, beta2, eps, _torch_denominator, count=False)


def adam_step_betas_swapped(params, grads, state, lr, beta1, beta2, eps):
    """beta2 on the first moment and beta1 on the second."""
    return _adam(params, grads, state, lr, beta1, beta2, eps, _torch_denominator, swap=True)


# -- clip_grad_value -----------------------------------------------------------------


def clip_grad_value_upper_side_only(grads, clip_value):
    """min(g, clip_value): large negative entries are left as they are."""
    return {n: np.minimum(_f(g), clip_value) for n, g in grads.items()}


def clip_grad_value_to_zero_and_c(grads, clip_value):
    """np.clip(g, 0, clip_value): the lower bound taken as 0, so every negative entry becomes 0."""
    return {n: np.clip(_f(g), 0.0, clip_value) for n, g in grads.items()}


def clip_grad_value_rescaled(grads, clip_value):
    """The whole gradient scaled so that its largest entry is clip_value (when it is larger): a rescaling, not a clip."""
    out = {}
    for n, g in grads.items():
        g = _f(g)
        largest = float(np.abs(g).max()) if g.size else 0.0
        out[n] = g * (clip_value / largest) if largest > clip_value else g
    return out


# -- clip_grad_norm ------------------------------------------------------------------


def clip_grad_norm_per_parameter(grads, max_norm):
    """Each parameter's gradient clipped by its own norm; the total norm returned is still the right one."""
    total = float(np.sqrt(sum(float((_f(g) ** 2).sum()) for g in grads.values())))
    out = {}
    for n, g in grads.items():
        g = _f(g)
        out[n] = g * min(1.0, max_norm / (float(np.sqrt((g**2).sum())) + 1e-6))
    return out, total


def clip_grad_norm_eps_left_out(grads, max_norm):
    """The factor max_norm / N, without torch's 1e-6 added to the norm."""
    total = float(np.sqrt(sum(float((_f(g) ** 2).sum()) for g in grads.values())))
    factor = min(1.0, max_norm / total) if total > 0 else 1.0
    return {n: _f(g) * factor for n, g in grads.items()}, total


def clip_grad_norm_always_rescaled(grads, max_norm):
    """The gradients always scaled to norm max_norm, even when they are shorter (a normalisation, not a clip)."""
    total = float(np.sqrt(sum(float((_f(g) ** 2).sum()) for g in grads.values())))
    return {n: _f(g) * (max_norm / (total + 1e-6)) for n, g in grads.items()}, total


def clip_grad_norm_norm_after_clipping(grads, max_norm):
    """Returns the norm of the clipped gradients instead of the total norm before clipping (what torch returns)."""
    total = float(np.sqrt(sum(float((_f(g) ** 2).sum()) for g in grads.values())))
    factor = min(1.0, max_norm / (total + 1e-6))
    return {n: _f(g) * factor for n, g in grads.items()}, total * factor
