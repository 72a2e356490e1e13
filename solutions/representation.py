"""Representation learning (course notes 1.8): the InfoNCE loss of contrastive learning (1.8.4.1), the
momentum encoder's update of MoCo (1.8.4.1), greedy layer-wise unsupervised pre-training (1.8.3,
Figure 6), fine-tuning a pre-trained network's head with its other layers frozen (1.8.2.1, 1.5.2), and
one step of domain-adversarial training with a reversed gradient (1.8.2.2).

Conventions used by the functions in this module:

- embeddings and data have ONE EXAMPLE PER ROW: shape ``(n, d)``.
- the similarity of contrastive learning is the COSINE similarity,
  ``sim(a, b) = a . b / (|a| |b|)``, divided by the temperature tau (the
  notes' ``exp(sim / tau)``); embeddings are not normalised for you.
- parameters are dicts of arrays keyed by the parameter's name, as
  ``model.state_dict()`` gives them (``"layers.0.weight"``, ...).

Inputs are NumPy float arrays (float64 or float32), Python floats and ints,
and dicts and lists of arrays; ``fine_tune_head`` alone works in torch: it is
given a torch network and tensors, and needs torch (the other functions need
only NumPy). Return NumPy arrays (or lists), Python floats, dicts and tuples
as each docstring says, float64 or float32 (a float32 answer is compared
with float32 tolerances, relative 1e-4, absolute 1e-6). Every function here
needs a few milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check representation``).
"""

import numpy as np


def info_nce(Z, Z_pos, tau):
    """Return the InfoNCE loss of a batch of anchors and their positives, averaged over the anchors.

    Time budget: 2 s of CPU per call (the course default).

    For anchor i (row i of Z), with ``z_i^+`` its positive (row i of Z_pos)::

        L_i = -log( exp(sim(z_i, z_i^+) / tau) / sum_b exp(sim(z_i, b) / tau) )

    and the answer is ``L = (L_1 + ... + L_n) / n``. ``sim`` is the cosine
    similarity. WHICH b ARE IN THE DENOMINATOR: the batch is the 2n
    embeddings, the n anchors and the n positives together; b runs over
    every one of them EXCEPT THE ANCHOR z_i ITSELF. So the denominator holds
    the positive pair's term (the numerator's) and the 2n - 2 negatives: the
    other anchors and their positives (the notes' "all the other z_j in the
    batch"). The anchor's similarity with itself, always 1, is left out, as
    SimCLR's NT-Xent does. Only the rows of Z are anchors here (NT-Xent also
    takes each positive as an anchor: it is the average of
    ``info_nce(Z, Z_pos, tau)`` and ``info_nce(Z_pos, Z, tau)``).

    tau may be as small as 0.001, where ``exp(1 / tau)`` overflows: compute
    ``log(sum exp(s_b))`` as ``M + log(sum exp(s_b - M))`` with M the largest
    ``s_b`` of the anchor's row.

    For example ``Z = [[1, 0], [0, 1]]``, ``Z_pos = [[2, 0], [0, -3]]``,
    ``tau = 0.5``: anchor 1 has sim 1 with its positive and 0 with the other
    two, ``L_1 = -2 + log(e^2 + 1 + 1)``; anchor 2 has sim -1 with its
    positive, ``L_2 = 2 + log(e^-2 + 1 + 1)``; ``L = 1.499084``.

    Parameters
    ----------
    Z : ndarray of shape (n, d)
        the anchors' embeddings, one per row (no row is zero)
    Z_pos : ndarray of shape (n, d)
        their positives' embeddings: row i is the positive of anchor i
    tau : float
        the temperature, > 0

    Returns
    -------
    float
    """
    Z, Z_pos = np.asarray(Z, dtype=float), np.asarray(Z_pos, dtype=float)
    n = Z.shape[0]
    batch = np.concatenate([Z, Z_pos], axis=0)
    unit = batch / np.linalg.norm(batch, axis=1, keepdims=True)
    logits = unit[:n] @ unit.T / tau
    logits[np.arange(n), np.arange(n)] = -np.inf  # the anchor itself is not in the denominator
    top = logits.max(axis=1)
    log_denominator = top + np.log(np.exp(logits - top[:, None]).sum(axis=1))
    return float(np.mean(log_denominator - logits[np.arange(n), n + np.arange(n)]))


def momentum_update(key_params, query_history, m):
    """Return the momentum (key) encoder's parameters after several training steps of MoCo.

    Time budget: 2 s of CPU per call (the course default).

    After each training step of the query encoder (whose parameters the
    optimiser changes), the key encoder follows it slowly::

        theta_k <- m theta_k + (1 - m) theta_q

    m (close to 1) weights the KEY encoder's own parameters; the query
    encoder is not changed by this update. ``query_history[t]`` holds the
    query encoder's parameters after training step t: apply the update once
    per entry, in order, each with that step's query parameters. The grader
    feeds the parameters you return back into your next call.

    For example ``key_params = {"w": [1, 2]}``, ``query_history = [{"w": [3, 0]},
    {"w": [5, 4]}]`` and ``m = 0.75`` give ``[1.5, 1.5]`` after the first
    step and ``{"w": [2.375, 2.125]}`` after the second, the answer.

    Parameters
    ----------
    key_params : dict of str -> ndarray
        the key encoder's parameters
    query_history : list of dicts of str -> ndarray
        the query encoder's parameters after each step (the same names and
        shapes as key_params), oldest first; a list of one for one step
    m : float
        the momentum, in [0, 1)

    Returns
    -------
    dict of str -> ndarray
        the key encoder's parameters after the last step, the same names and shapes
    """
    key = {name: np.asarray(value, dtype=float) for name, value in key_params.items()}
    for query in query_history:
        key = {name: m * value + (1 - m) * np.asarray(query[name], dtype=float) for name, value in key.items()}
    return key


def greedy_pretraining(X, n_layers, X_new):
    """Return the representations that greedy layer-wise unsupervised pre-training (Figure 6) gives.

    Time budget: 2 s of CPU per call (the course default).

    The notes' procedure with m = n_layers layers and no fine-tuning (there
    are no labels)::

        data = X                                  # repr 0
        for k in 1 .. m:
            f_k = UnsupervisedLearn(data)         # fitted on repr k - 1, never on X after layer 1
            data = f_k(data)                      # repr k
        f = f_m o ... o f_1                       # f(x) = f_m( ... f_2(f_1(x)))

    The single-layer learner here is a whitening layer fitted in closed form
    (ZCA whitening), then a tanh. Fitted on ``data`` of shape (n, d):
    ``mu`` is its mean (a d-vector), ``C = (data - mu)^T (data - mu) / n`` its
    covariance (divided by n, not n - 1), and ``W = C^{-1/2}``, the symmetric
    inverse square root: with ``C = V diag(lambda) V^T`` (``np.linalg.eigh``),
    ``W = V diag(lambda^{-1/2}) V^T``. The layer is
    ``f_k(h) = tanh((h - mu) W)``, and it keeps the width d. A fitted layer is
    then FIXED: f applied to new data uses the mu and W learned on the
    training data.

    For example ``X = [[0, 0], [2, 0], [0, 1], [2, 1]]`` with 2 layers: layer 1
    has ``mu = [1, 0.5]``, ``C = diag(1, 0.25)``, ``W = diag(1, 2)``, so repr 1
    is ``tanh`` of +-1 entries, ``+-0.761594``; layer 2, fitted on repr 1, has
    ``mu = 0`` and ``W = I / 0.761594``, and repr 2 is again +-0.761594. The
    new point ``[3, 1]`` becomes ``[tanh(2), tanh(1)]`` after layer 1 and
    ``[tanh(tanh(2) / tanh(1)), tanh(1)] = [0.852656, 0.761594]`` after layer 2.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        the training data, one example per row (n > d, a covariance of full rank)
    n_layers : int
        m, the number of layers, at least 1
    X_new : ndarray of shape (p, d)
        new data to encode with the pre-trained encoder f (p may be 1)

    Returns
    -------
    tuple (reprs, encoded)
        reprs a list of m ndarrays of shape (n, d): repr 1, ..., repr m of X;
        encoded an ndarray of shape (p, d): f(X_new)
    """
    def fit(data):
        mu = data.mean(axis=0)
        C = (data - mu).T @ (data - mu) / data.shape[0]
        lam, V = np.linalg.eigh(C)
        return mu, (V / np.sqrt(lam)) @ V.T

    data, layers, reprs = np.asarray(X, dtype=float), [], []
    for _ in range(n_layers):
        mu, W = fit(data)
        layers.append((mu, W))
        data = np.tanh((data - mu) @ W)
        reprs.append(data)
    encoded = np.asarray(X_new, dtype=float)
    for mu, W in layers:
        encoded = np.tanh((encoded - mu) @ W)
    return reprs, encoded


def fine_tune_head(model, X, labels, lr, weight_decay):
    """Freeze every layer of a pre-trained network but its last, and take one SGD step on that head.

    Time budget: 2 s of CPU per call (the course default).

    Transfer learning (notes 1.8.2.1, 1.5.2): the shared representation, the
    first layers, is kept; only the output layer is adapted to the new task.
    This is the notes' "feature reusing" with the new classifier as the
    network's last layer (the notes' "fine-tuning" trains every layer).
    ``model.layers`` is an ``nn.ModuleList`` of ``nn.Linear`` layers (an
    activation between them, none after the last, which gives logits).

    1. Freeze: ``requires_grad_(False)`` on every parameter of
       ``model.layers[:-1]``; the head ``model.layers[-1]`` (weight AND bias)
       stays trainable. Freezing is not ``model.eval()``, which only changes
       how dropout and batch normalisation behave and freezes nothing.
    2. An optimiser over the head's parameters only:
       ``torch.optim.SGD(model.layers[-1].parameters(), lr=lr, weight_decay=weight_decay)``,
       so each head parameter takes ``p <- p - lr (dL/dp + weight_decay p)``.
    3. One step on ``L = F.cross_entropy(model(X), labels)`` (the mean over
       the batch): zero the gradients, backpropagate, step.

    The frozen parameters must come out EXACTLY as they went in, and keep
    ``requires_grad`` False; leave the model in training mode. The grader
    may call the function twice on the same model. This function needs torch
    (``import torch`` inside it, or at the top of your module if your course
    installs torch).

    Parameters
    ----------
    model : torch.nn.Module
        the pre-trained network, float32, with ``model.layers`` as above
    X : torch.Tensor of shape (n, n_in), float32
        a batch of the new task's inputs
    labels : torch.Tensor of shape (n,), int64
        their classes, 0 .. n_out - 1
    lr : float
    weight_decay : float

    Returns
    -------
    float
        L before the step
    """
    import torch
    import torch.nn.functional as F

    for layer in model.layers[:-1]:
        layer.requires_grad_(False)
    optimiser = torch.optim.SGD(model.layers[-1].parameters(), lr=lr, weight_decay=weight_decay)
    loss = F.cross_entropy(model(X), labels)
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return float(loss.detach())


def domain_adversarial_step(params, grad_label, grad_domain, lr, lam):
    """Return the parameters after one SGD step of domain-adversarial training, with the domain gradient reversed.

    Time budget: 2 s of CPU per call (the course default).

    Domain adaptation by backpropagation (notes 1.8.2.2, Ganin & Lempitsky):
    a shared feature extractor feeds two heads, one classifying the labels
    (loss L_y, on the source domain) and one classifying the domains (loss
    L_d). The domain head learns to tell the domains apart; the features are
    PENALISED when it succeeds: the domain gradient reaching them passes a
    gradient reversal layer, the identity forward and ``-lam`` times the
    gradient backward, so the features ascend L_d while descending L_y::

        features.*     p <- p - lr (dL_y/dp - lam dL_d/dp)
        label_head.*   p <- p - lr dL_y/dp
        domain_head.*  p <- p - lr dL_d/dp        (no reversal, no lam)

    Every name in ``params`` begins with ``features.``, ``label_head.`` or
    ``domain_head.``. ``grad_label`` holds dL_y/dp for the features' and the
    label head's parameters (L_y does not depend on the domain head);
    ``grad_domain`` holds dL_d/dp for the features' and the domain head's.
    Return a new dict; leave the inputs unchanged.

    For example ``params = {"features.w": [1, 2], "label_head.w": [3],
    "domain_head.w": [-1]}``, ``grad_label = {"features.w": [0.5, -1],
    "label_head.w": [2]}``, ``grad_domain = {"features.w": [1, 1],
    "domain_head.w": [4]}``, ``lr = 0.5``, ``lam = 0.25`` give
    ``{"features.w": [0.875, 2.625], "label_head.w": [2], "domain_head.w": [-3]}``.

    Parameters
    ----------
    params : dict of str -> ndarray
        every parameter of the network, by name
    grad_label : dict of str -> ndarray
        the label loss's gradients, for the features' and the label head's parameters
    grad_domain : dict of str -> ndarray
        the domain loss's gradients, for the features' and the domain head's parameters
    lr : float
        the learning rate
    lam : float
        the reversal's weight lambda, > 0

    Returns
    -------
    dict of str -> ndarray
        the parameters after the step, the same names and shapes
    """
    new = {}
    for name, value in params.items():
        p = np.asarray(value, dtype=float)
        if name.startswith("features."):
            new[name] = p - lr * (np.asarray(grad_label[name]) - lam * np.asarray(grad_domain[name]))
        elif name.startswith("label_head."):
            new[name] = p - lr * np.asarray(grad_label[name])
        else:
            new[name] = p - lr * np.asarray(grad_domain[name])
    return new
