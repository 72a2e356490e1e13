"""Known mistakes in the representation exercises, each a variant of a reference.

Every function has the signature of the reference it varies (the training step's vary
:mod:`reference.representation_torch`); the exercise
declarations in ``grader/catalog/representation.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np

from reference.representation import apply_layer, cosine_logits, zca_layer


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


# -- info_nce ------------------------------------------------------------------------


def _loss(logits: np.ndarray, positive: np.ndarray) -> float:
    """The mean over rows of logsumexp(row) - row[positive], stable."""
    n = logits.shape[0]
    top = logits.max(axis=1, keepdims=True)
    log_denominator = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    return float((log_denominator - logits[np.arange(n), positive]).mean())


def info_nce_dot_product(Z, Z_pos, tau):
    """Uses the dot product z_i . b instead of the cosine similarity."""
    Z, Z_pos = _floats(Z), _floats(Z_pos)
    n = Z.shape[0]
    batch = np.concatenate([Z, Z_pos])
    logits = Z @ batch.T / float(tau)
    logits[np.arange(n), np.arange(n)] = -np.inf
    return _loss(logits, n + np.arange(n))


def info_nce_temperature_multiplied(Z, Z_pos, tau):
    """Multiplies the similarities by tau instead of dividing them."""
    tau = float(tau)
    logits = cosine_logits(Z, Z_pos, 1.0) * tau
    n = logits.shape[0]
    return _loss(logits, n + np.arange(n))


def info_nce_positive_left_out(Z, Z_pos, tau):
    """Sums only the negatives in the denominator, leaving out the positive pair."""
    logits = cosine_logits(Z, Z_pos, tau)
    n = logits.shape[0]
    positive = logits[np.arange(n), n + np.arange(n)].copy()
    logits[np.arange(n), n + np.arange(n)] = -np.inf
    top = logits.max(axis=1, keepdims=True)
    log_denominator = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    return float((log_denominator - positive).mean())


def info_nce_anchor_left_in(Z, Z_pos, tau):
    """Keeps the anchor's similarity with itself, exp(1/tau), in the denominator."""
    logits = cosine_logits(Z, Z_pos, tau)
    n = logits.shape[0]
    logits[np.arange(n), np.arange(n)] = 1.0 / float(tau)
    return _loss(logits, n + np.arange(n))


def info_nce_no_max_subtracted(Z, Z_pos, tau):
    """Takes log(sum(exp(logits))) without subtracting the maximum: e^(1/tau) overflows for a small tau."""
    logits = cosine_logits(Z, Z_pos, tau)
    n = logits.shape[0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        ratio = np.exp(logits[np.arange(n), n + np.arange(n)]) / np.exp(logits).sum(axis=1)
        return float(-np.log(ratio).mean())


# -- momentum_update -----------------------------------------------------------------


def momentum_update_m_on_the_query(key_params, query_history, m):
    """Weights the query encoder by m and the key encoder by 1 - m."""
    key = {name: _floats(value) for name, value in key_params.items()}
    for query in query_history:
        key = {name: (1.0 - m) * value + m * _floats(query[name]) for name, value in key.items()}
    return key


def momentum_update_query_copied(key_params, query_history, m):
    """Returns the query encoder's last parameters: the key encoder copied, not averaged (m ignored)."""
    return {name: _floats(query_history[-1][name]) for name in key_params}


def momentum_update_applied_once(key_params, query_history, m):
    """Applies the update once, with the last query parameters, however many steps were taken."""
    return {name: m * _floats(value) + (1.0 - m) * _floats(query_history[-1][name]) for name, value in key_params.items()}


def momentum_update_first_query_only(key_params, query_history, m):
    """Applies every step with the first query parameters of the list instead of each step's own."""
    key = {name: _floats(value) for name, value in key_params.items()}
    for _ in query_history:
        key = {name: m * value + (1.0 - m) * _floats(query_history[0][name]) for name, value in key.items()}
    return key


# -- greedy_pretraining --------------------------------------------------------------


def _encode(layers, X_new):
    encoded = _floats(X_new)
    for layer in layers:
        encoded = apply_layer(layer, encoded)
    return encoded


def greedy_pretraining_raw_input(X, n_layers, X_new):
    """Fits every layer on the raw input X instead of on the previous layer's output."""
    X = _floats(X)
    data, layers, representations = X, [], []
    for _ in range(int(n_layers)):
        layer = zca_layer(X)
        layers.append(layer)
        data = apply_layer(layer, data)
        representations.append(data)
    return representations, _encode(layers, X_new)


def greedy_pretraining_wrong_order(X, n_layers, X_new):
    """Composes the encoder the wrong way round, f_1(f_2(...f_m(x))), for the new data."""
    data, layers, representations = _floats(X), [], []
    for _ in range(int(n_layers)):
        layer = zca_layer(data)
        layers.append(layer)
        data = apply_layer(layer, data)
        representations.append(data)
    return representations, _encode(layers[::-1], X_new)


def greedy_pretraining_refitted_on_new_data(X, n_layers, X_new):
    """Fits the layers again on the new data to encode it, instead of applying the layers learned on X."""
    representations, _ = _pretrain(X, n_layers)
    with np.errstate(divide="ignore", invalid="ignore"):  # one new row has no covariance: nan, as a student gets
        refitted, _ = _pretrain(X_new, n_layers)
    return representations, refitted[-1]


def _pretrain(X, n_layers):
    data, layers, representations = _floats(X), [], []
    for _ in range(int(n_layers)):
        layer = zca_layer(data)
        layers.append(layer)
        data = apply_layer(layer, data)
        representations.append(data)
    return representations, layers


def greedy_pretraining_sample_covariance(X, n_layers, X_new):
    """Whitens with the sample covariance (divided by n - 1, np.cov's default) instead of the population one."""
    data, layers, representations = _floats(X), [], []
    for _ in range(int(n_layers)):
        mu, W = zca_layer(data)
        n = data.shape[0]
        layer = (mu, W * np.sqrt((n - 1) / n))
        layers.append(layer)
        data = apply_layer(layer, data)
        representations.append(data)
    return representations, _encode(layers, X_new)


# -- fine_tune_head ------------------------------------------------------------------
# The training step's variants vary the torch reference: they are given the grader's torch networks.


def _sgd_step(model, X, labels, lr, weight_decay, parameters) -> float:
    import torch
    import torch.nn.functional as F

    optimiser = torch.optim.SGD(parameters, lr=lr, weight_decay=weight_decay)
    loss = F.cross_entropy(model(torch.as_tensor(X)), torch.as_tensor(labels, dtype=torch.int64))
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return float(loss.detach())


def fine_tune_head_head_frozen(model, X, labels, lr, weight_decay):
    """Freezes the head (the last layer) and trains every other layer."""
    head = model.layers[-1]
    head.requires_grad_(False)
    body = [p for layer in model.layers[:-1] for p in layer.parameters()]
    return _sgd_step(model, X, labels, lr, weight_decay, body)


def fine_tune_head_eval_mode(model, X, labels, lr, weight_decay):
    """Calls model.eval() to freeze the body and trains every parameter."""
    model.eval()
    return _sgd_step(model, X, labels, lr, weight_decay, list(model.parameters()))


def fine_tune_head_bias_frozen(model, X, labels, lr, weight_decay):
    """Trains only the head's weight, leaving its bias frozen with the other layers."""
    for layer in model.layers[:-1]:
        layer.requires_grad_(False)
    model.layers[-1].bias.requires_grad_(False)
    return _sgd_step(model, X, labels, lr, weight_decay, [model.layers[-1].weight])


def fine_tune_head_no_weight_decay(model, X, labels, lr, weight_decay):
    """Leaves the weight decay out of the head's step."""
    for layer in model.layers[:-1]:
        layer.requires_grad_(False)
    return _sgd_step(model, X, labels, lr, 0.0, list(model.layers[-1].parameters()))


def fine_tune_head_body_left_trainable(model, X, labels, lr, weight_decay):
    """Hands only the head to the optimiser but leaves requires_grad True on the other layers."""
    return _sgd_step(model, X, labels, lr, weight_decay, list(model.layers[-1].parameters()))


# -- domain_adversarial_step ---------------------------------------------------------


def _adversarial(params, grad_label, grad_domain, lr, *, features_sign, features_lam, domain_scale):
    new = {}
    for name, value in params.items():
        p = _floats(value)
        if name.startswith("features."):
            new[name] = p - lr * (_floats(grad_label[name]) + features_sign * features_lam * _floats(grad_domain[name]))
        elif name.startswith("label_head."):
            new[name] = p - lr * _floats(grad_label[name])
        else:
            new[name] = p - lr * domain_scale * _floats(grad_domain[name])
    return new


def domain_adversarial_step_not_reversed(params, grad_label, grad_domain, lr, lam):
    """Adds lam times the domain gradient to the features' step instead of reversing it."""
    return _adversarial(params, grad_label, grad_domain, lr, features_sign=1.0, features_lam=lam, domain_scale=1.0)


def domain_adversarial_step_domain_head_reversed(params, grad_label, grad_domain, lr, lam):
    """Reverses the domain head's gradient too (the domain head ascends its own loss)."""
    return _adversarial(params, grad_label, grad_domain, lr, features_sign=-1.0, features_lam=lam, domain_scale=-lam)


def domain_adversarial_step_lam_ignored(params, grad_label, grad_domain, lr, lam):
    """Reverses the domain gradient in the features without scaling it by lam."""
    return _adversarial(params, grad_label, grad_domain, lr, features_sign=-1.0, features_lam=1.0, domain_scale=1.0)


def domain_adversarial_step_lam_on_the_domain_head(params, grad_label, grad_domain, lr, lam):
    """Scales the domain head's own gradient by lam as well."""
    return _adversarial(params, grad_label, grad_domain, lr, features_sign=-1.0, features_lam=lam, domain_scale=lam)
