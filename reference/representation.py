"""Representation learning in NumPy (course notes 1.8.3, 1.8.4.1 and 1.8.2.1): the InfoNCE loss, the momentum
encoder's update, greedy layer-wise unsupervised pre-training, and one fine-tuning step of a network's head.

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters, float64 throughout. Conventions:

- InfoNCE (1.8.4.1): a batch of n anchors z_i and their positives z_i^+, one
  per row. The batch is the 2n embeddings together; for anchor i the
  denominator runs over every embedding of the batch except the anchor
  itself: its positive z_i^+ and the 2n - 2 others (the other anchors and
  their positives), as SimCLR's NT-Xent does. The loss is averaged over the
  n anchors (only the rows of Z are anchors). sim is the cosine similarity.
- The momentum encoder (1.8.4.1, MoCo): ``theta_k <- m theta_k + (1 - m) theta_q``
  once per training step, with the query encoder's parameters after that step.
- Greedy pre-training (1.8.3, Figure 6): the single-layer learner is a ZCA
  whitening layer followed by tanh, fitted in closed form on its input.
- Fine-tuning a head (1.8.2.1): every layer but the last frozen.
"""

from __future__ import annotations

import numpy as np


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


# -- info_nce -------------------------------------------------------------------------------


def cosine_logits(Z, Z_pos, tau) -> np.ndarray:
    """The (n, 2n) matrix ``cos(z_i, b_j) / tau`` of each anchor against the batch ``B = [Z; Z_pos]``, the anchor's own entry -inf."""
    Z, Z_pos = _floats(Z), _floats(Z_pos)
    batch = np.concatenate([Z, Z_pos], axis=0)
    unit = batch / np.linalg.norm(batch, axis=1, keepdims=True)
    n = Z.shape[0]
    logits = unit[:n] @ unit.T / float(tau)
    logits[np.arange(n), np.arange(n)] = -np.inf
    return logits


def info_nce(Z, Z_pos, tau) -> float:
    """The InfoNCE loss ``L = 1/n sum_i -log( exp(s(z_i, z_i^+)/tau) / sum_{b != z_i} exp(s(z_i, b)/tau) )``.

    ``s`` is the cosine similarity; b runs over the 2n embeddings of the batch
    (the rows of Z and of Z_pos) except the anchor z_i itself. Computed as a
    log-sum-exp with each row's maximum subtracted, so it is finite for any tau.

    Parameters
    ----------
    Z : ndarray of shape (n, d), the anchors' embeddings (no row zero)
    Z_pos : ndarray of shape (n, d), their positives' embeddings (row i is z_i's positive)
    tau : float, the temperature, > 0

    Returns
    -------
    float
    """
    logits = cosine_logits(Z, Z_pos, tau)
    n = logits.shape[0]
    top = logits.max(axis=1, keepdims=True)
    log_denominator = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    return float((log_denominator - logits[np.arange(n), n + np.arange(n)]).mean())


# -- momentum_update ------------------------------------------------------------------------


def momentum_update(key_params, query_history, m) -> dict[str, np.ndarray]:
    """The key (momentum) encoder after ``len(query_history)`` training steps: ``theta_k <- m theta_k + (1 - m) theta_q``.

    Step t uses ``query_history[t]``, the query encoder's parameters after
    training step t; the steps are applied in order, one per entry.

    Parameters
    ----------
    key_params : dict of name -> ndarray, the key encoder's parameters
    query_history : list of dicts of name -> ndarray (the same names and shapes)
    m : float, the momentum, in [0, 1)

    Returns
    -------
    dict of name -> ndarray, the key encoder's parameters after the last step
    """
    key = {name: _floats(value) for name, value in key_params.items()}
    for query in query_history:
        key = {name: m * value + (1.0 - m) * _floats(query[name]) for name, value in key.items()}
    return key


# -- greedy_pretraining ---------------------------------------------------------------------


def zca_layer(data) -> tuple[np.ndarray, np.ndarray]:
    """The learner fitted on ``data`` (n, d): its mean mu and ``W = C^{-1/2}``, C the population covariance (1/n)."""
    data = _floats(data)
    mu = data.mean(axis=0)
    centred = data - mu
    C = centred.T @ centred / data.shape[0]
    eigenvalues, V = np.linalg.eigh(C)
    return mu, (V / np.sqrt(eigenvalues)) @ V.T


def apply_layer(layer: tuple[np.ndarray, np.ndarray], data) -> np.ndarray:
    """``f_k(h) = tanh((h - mu) W)``."""
    mu, W = layer
    return np.tanh((_floats(data) - mu) @ W)


def greedy_pretraining(X, n_layers, X_new) -> tuple[list[np.ndarray], np.ndarray]:
    """Figure 6 with the learner "fit a ZCA whitening layer, then tanh": ``f_k(h) = tanh((h - mu_k) C_k^{-1/2})``.

    Layer k is fitted on the representation the first k - 1 layers give the
    training data (repr 0 is X); the encoder is ``f = f_m o ... o f_1``.

    Parameters
    ----------
    X : ndarray of shape (n, d), the training data
    n_layers : int, m
    X_new : ndarray of shape (p, d), data to encode with the pre-trained encoder

    Returns
    -------
    tuple (list of m ndarrays of shape (n, d): repr 1 .. m of X, ndarray of shape (p, d): f(X_new))
    """
    data, layers, representations = _floats(X), [], []
    for _ in range(int(n_layers)):
        layer = zca_layer(data)
        layers.append(layer)
        data = apply_layer(layer, data)
        representations.append(data)
    encoded = _floats(X_new)
    for layer in layers:
        encoded = apply_layer(layer, encoded)
    return representations, encoded


# -- fine_tune_head ------------------------------------------------------------------------


def forward_with_cache(net, X) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """The grader's network's output, each layer's input and each layer's output (after its activation)."""
    inputs, outputs = [], []
    A = _floats(X)
    for index, (W, b) in enumerate(zip(net.weights, net.biases)):
        inputs.append(A)
        Z = A @ W.T + b
        A = Z if index == len(net.weights) - 1 and net.logits else net.act(Z)
        outputs.append(A)
    return A, inputs, outputs


def cross_entropy_gradients(net, X, labels) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
    """The mean cross-entropy of the network's logits and its gradient with respect to every weight and bias."""
    logits, inputs, outputs = forward_with_cache(net, X)
    labels = np.asarray(labels, dtype=int)
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-log_p[np.arange(n), labels].mean())
    delta = np.exp(log_p)
    delta[np.arange(n), labels] -= 1.0
    delta /= n
    weights, biases = [None] * len(net.weights), [None] * len(net.weights)
    for index in range(len(net.weights) - 1, -1, -1):
        if index < len(net.weights) - 1:
            A = outputs[index]
            delta = delta * (A * (1.0 - A) if net.activation == "sigmoid" else (A > 0).astype(float))
        weights[index] = delta.T @ inputs[index]
        biases[index] = delta.sum(axis=0)
        delta = delta @ net.weights[index]
    return loss, weights, biases


def sgd_update(net, weights, biases, trained, lr, weight_decay) -> None:
    """``p <- p - lr (dL/dp + weight_decay p)`` for the weights (``trained[i][0]``) and biases (``trained[i][1]``) of layer i."""
    for index, (train_weight, train_bias) in enumerate(trained):
        if train_weight:
            net.weights[index] = net.weights[index] - lr * (weights[index] + weight_decay * net.weights[index])
        if train_bias:
            net.biases[index] = net.biases[index] - lr * (biases[index] + weight_decay * net.biases[index])


def fine_tune_head(model, X, labels, lr, weight_decay) -> float:
    """Freeze every layer but the last and take one SGD step on the head: ``p <- p - lr (dL/dp + weight_decay p)``.

    ``L`` is the mean cross-entropy of the model's logits (``F.cross_entropy``);
    only the last layer's weight and bias move; the model's other parameters
    stay exactly as they were (in torch: ``requires_grad`` False on them, and
    only the head's parameters handed to ``torch.optim.SGD``).

    Parameters
    ----------
    model : NumpyNetwork with a linear output (logits)
    X : ndarray of shape (n, n_in)
    labels : ndarray of shape (n,), class indices
    lr, weight_decay : float

    Returns
    -------
    float: L before the step
    """
    loss, weights, biases = cross_entropy_gradients(model, X, labels)
    layers = len(model.weights)
    sgd_update(model, weights, biases, [(False, False)] * (layers - 1) + [(True, True)], lr, weight_decay)
    return loss



# -- domain_adversarial_step ----------------------------------------------------------------


GROUPS = ("features.", "label_head.", "domain_head.")
"""the name prefixes of the shared feature extractor's, the label head's and the domain head's parameters"""


def domain_adversarial_step(params, grad_label, grad_domain, lr, lam) -> dict[str, np.ndarray]:
    """One SGD step of domain-adversarial training through a gradient reversal layer (Ganin & Lempitsky).

    ``features.*``:    ``p <- p - lr (dL_y/dp - lam dL_d/dp)`` (the domain gradient reversed, scaled by lam);
    ``label_head.*``:  ``p <- p - lr dL_y/dp``;
    ``domain_head.*``: ``p <- p - lr dL_d/dp`` (the domain head still learns to tell the domains apart).

    Parameters
    ----------
    params : dict of name -> ndarray, every name beginning with one of :data:`GROUPS`
    grad_label : dict of name -> ndarray, dL_y/dp for the features' and the label head's parameters
    grad_domain : dict of name -> ndarray, dL_d/dp for the features' and the domain head's parameters
    lr, lam : float

    Returns
    -------
    dict of name -> ndarray, the parameters after the step
    """
    new = {}
    for name, value in params.items():
        p = _floats(value)
        if name.startswith("features."):
            new[name] = p - lr * (_floats(grad_label[name]) - lam * _floats(grad_domain[name]))
        elif name.startswith("label_head."):
            new[name] = p - lr * _floats(grad_label[name])
        else:
            new[name] = p - lr * _floats(grad_domain[name])
    return new
