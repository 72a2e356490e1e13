"""The optimiser references in torch; they must agree with :mod:`reference.optimisers`.

Each step is ONE step of torch's own optimiser (``torch.optim.SGD``,
``Adagrad``, ``RMSprop``, ``Adam``) on float64 parameters, its state set
from the state given (torch's names: ``momentum_buffer``, ``sum``,
``square_avg``, ``exp_avg``, ``exp_avg_sq``, ``step``) and read back after
the step. The notes' momentum is torch's SGD run on the buffers
``-Delta w / eta``; clipping is ``torch.nn.utils.clip_grad_value_`` and
``clip_grad_norm_``.
"""

from __future__ import annotations

import torch


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64).clone()


def _parameters(params, grads) -> dict[str, torch.nn.Parameter]:
    tensors = {name: torch.nn.Parameter(_tensor(value)) for name, value in params.items()}
    for name, tensor in tensors.items():
        tensor.grad = _tensor(grads[name])
    return tensors


def _step(optimizer_class, params, grads, state_of, read, **options):
    """One step of ``optimizer_class`` from the state ``state_of(name)``; returns the parameters and ``read(name, state)``."""
    tensors = _parameters(params, grads)
    optimizer = optimizer_class(list(tensors.values()), foreach=False, **options)
    for name, tensor in tensors.items():
        optimizer.state[tensor] = state_of(name)
    optimizer.step()
    return ({name: tensor.detach() for name, tensor in tensors.items()},
            {name: read(name, optimizer.state[tensor]) for name, tensor in tensors.items()})


def momentum_step(params, grads, deltas, eta, mu) -> tuple[dict, dict]:
    """The torch twin of :func:`reference.optimisers.momentum_step`: SGD(lr=eta, momentum=mu) on the buffers -Delta w / eta."""
    eta, mu = float(eta), float(mu)
    if mu == 0.0:  # plain SGD keeps no buffer: the step is -eta g
        after, _ = _step(torch.optim.SGD, params, grads, lambda name: {}, lambda name, s: None, lr=eta)
        return after, {name: after[name] - _tensor(params[name]) for name in params}
    after, buffers = _step(torch.optim.SGD, params, grads, lambda name: {"momentum_buffer": -_tensor(deltas[name]) / eta},
                           lambda name, s: s["momentum_buffer"].clone(), lr=eta, momentum=mu)
    return after, {name: -eta * buffer for name, buffer in buffers.items()}


def torch_momentum_step(params, grads, buffers, lr, momentum, nesterov) -> tuple[dict, dict]:
    """The torch twin of :func:`reference.optimisers.torch_momentum_step`: one ``torch.optim.SGD`` step."""
    return _step(torch.optim.SGD, params, grads, lambda name: {"momentum_buffer": _tensor(buffers[name])},
                 lambda name, s: s["momentum_buffer"].clone(), lr=float(lr), momentum=float(momentum), nesterov=bool(nesterov))


def momentum_to_torch(deltas, eta, mu) -> tuple[dict, float, float]:
    """The torch twin of :func:`reference.optimisers.momentum_to_torch`: the buffer SGD holds after a zero-gradient step of -Delta w.

    With a zero gradient, SGD's step is -lr momentum v; the buffer that makes it the notes' next step
    mu Delta w is v = -Delta w / lr, with lr = eta and momentum = mu.
    """
    eta = float(eta)
    return {name: -_tensor(delta) / eta for name, delta in deltas.items()}, eta, float(mu)


def adagrad_step(params, grads, sums, lr, eps) -> tuple[dict, dict]:
    """The torch twin of :func:`reference.optimisers.adagrad_step`: one ``torch.optim.Adagrad`` step."""
    return _step(torch.optim.Adagrad, params, grads, lambda name: {"step": torch.tensor(0.0), "sum": _tensor(sums[name])},
                 lambda name, s: s["sum"].clone(), lr=float(lr), eps=float(eps))


def rmsprop_step(params, grads, averages, lr, alpha, eps) -> tuple[dict, dict]:
    """The torch twin of :func:`reference.optimisers.rmsprop_step`: one ``torch.optim.RMSprop`` step."""
    return _step(torch.optim.RMSprop, params, grads,
                 lambda name: {"step": torch.tensor(0.0), "square_avg": _tensor(averages[name])},
                 lambda name, s: s["square_avg"].clone(), lr=float(lr), alpha=float(alpha), eps=float(eps))


def adam_step(params, grads, state, lr, beta1, beta2, eps) -> tuple[dict, dict]:
    """The torch twin of :func:`reference.optimisers.adam_step`: one ``torch.optim.Adam`` step from step t."""
    t = int(state["step"])
    after, moments = _step(torch.optim.Adam, params, grads,
                           lambda name: {"step": torch.tensor(float(t)), "exp_avg": _tensor(state["m"][name]),
                                         "exp_avg_sq": _tensor(state["v"][name])},
                           lambda name, s: (s["exp_avg"].clone(), s["exp_avg_sq"].clone()),
                           lr=float(lr), betas=(float(beta1), float(beta2)), eps=float(eps))
    return after, {"step": t + 1, "m": {name: m for name, (m, v) in moments.items()},
                   "v": {name: v for name, (m, v) in moments.items()}}


def clip_grad_value(grads, clip_value) -> dict:
    """The torch twin of :func:`reference.optimisers.clip_grad_value`: ``torch.nn.utils.clip_grad_value_``."""
    tensors = _parameters(grads, grads)
    torch.nn.utils.clip_grad_value_(list(tensors.values()), float(clip_value))
    return {name: tensor.grad for name, tensor in tensors.items()}


def clip_grad_norm(grads, max_norm) -> tuple[dict, float]:
    """The torch twin of :func:`reference.optimisers.clip_grad_norm`: ``torch.nn.utils.clip_grad_norm_`` (2-norm)."""
    tensors = _parameters(grads, grads)
    total = torch.nn.utils.clip_grad_norm_(list(tensors.values()), float(max_norm), foreach=False)
    return {name: tensor.grad for name, tensor in tensors.items()}, float(total)
