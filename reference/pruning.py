"""Pruning in NumPy: magnitude masks layer by layer and globally, structured masks, the saliencies of
Optimal Brain Damage and of SNIP, and iterative magnitude pruning with rewinding (course notes 1.11).

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters, float64 throughout. Conventions:

- a MASK has the shape of the weights it prunes: True (1) where a weight is
  kept, False (0) where it is pruned. Pruning sets a weight to 0.
- the number pruned from ``n`` candidates at sparsity ``s`` is
  ``round(s * n)``, to the nearest integer (torch.nn.utils.prune's rule for a
  float amount); the checks never give a product within 0.2 of a half.
- magnitude pruning removes the weights of SMALLEST ``|w|``; among equal
  magnitudes the one of SMALLER FLAT INDEX (row-major order,
  ``W.ravel()``) goes first. For several layers (global pruning) the flat
  index runs over the layers in order, layer 0 first. Every comparison is
  exact: a stable sort of the magnitudes.
- a layer ``W`` has torch's ``nn.Linear`` layout ``(n_out, n_in)``; a
  convolution's ``(c_out, c_in, kh, kw)``. A NEURON (an output channel) is a
  slice ``W[i]`` along axis 0.
- the small network of OBD and SNIP: ``z = W2 sigma(W1 x + b1) + b2`` with
  the logistic sigmoid, the cost ``E = 1/(2n) sum_n ||z_n - y_n||^2``, one
  example per row of X.
"""

from __future__ import annotations

import numpy as np


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def number_pruned(sparsity, n: int) -> int:
    """``round(sparsity * n)``: how many of n candidates are pruned at this sparsity."""
    return int(round(float(sparsity) * n))


def smallest_first(magnitudes: np.ndarray, k: int) -> np.ndarray:
    """The flat indices of the k smallest magnitudes, equal ones by smaller index first (a stable sort)."""
    return np.argsort(np.ravel(magnitudes), kind="stable")[:k]


def magnitude_mask(W, sparsity) -> np.ndarray:
    """The magnitude-pruning mask of one layer: the ``round(sparsity * W.size)`` weights of smallest |w| pruned.

    Ties in |w| are broken by the smaller flat index (pruned first).

    Parameters
    ----------
    W : ndarray of any shape, the weights
    sparsity : float in [0, 1], the fraction of weights to prune

    Returns
    -------
    ndarray of bool of W's shape, True where a weight is kept
    """
    W = _floats(W)
    keep = np.ones(W.size, dtype=bool)
    keep[smallest_first(np.abs(W), number_pruned(sparsity, W.size))] = False
    return keep.reshape(W.shape)


def global_magnitude_masks(weights, sparsity) -> tuple[list[np.ndarray], list[bool]]:
    """Global magnitude pruning of several layers, and which layers collapse.

    The ``round(sparsity * N)`` weights of smallest |w| among all N weights of
    all layers are pruned, wherever they are; ties by the smaller global
    flat index (layers in order, each row-major). A layer COLLAPSES when
    every one of its weights is pruned.

    Parameters
    ----------
    weights : list of ndarrays (any shapes), the layers in order
    sparsity : float in [0, 1]

    Returns
    -------
    (masks, collapsed): a list of bool ndarrays, one per layer of its shape, and a list of bools, one per layer
    """
    layers = [_floats(W) for W in weights]
    flat = np.concatenate([np.abs(W).ravel() for W in layers])
    keep = np.ones(flat.size, dtype=bool)
    keep[smallest_first(flat, number_pruned(sparsity, flat.size))] = False
    masks, start = [], 0
    for W in layers:
        masks.append(keep[start:start + W.size].reshape(W.shape))
        start += W.size
    return masks, [not bool(mask.any()) for mask in masks]


def unit_norms(W, p) -> np.ndarray:
    """The L_p norm of every neuron (slice along axis 0) of W: shape (W.shape[0],)."""
    W = _floats(W)
    return (np.abs(W) ** p).reshape(W.shape[0], -1).sum(axis=1) ** (1.0 / p)


def structured_mask(W, sparsity, p) -> np.ndarray:
    """Structured pruning: the ``round(sparsity * W.shape[0])`` neurons (slices ``W[i]``) of smallest L_p norm pruned whole.

    Ties in the norm are broken by the smaller neuron index. This is
    ``torch.nn.utils.prune.ln_structured(module, "weight", sparsity, n=p, dim=0)``'s mask.

    Parameters
    ----------
    W : ndarray of shape (n_out, n_in) or (c_out, c_in, kh, kw)
    sparsity : float in [0, 1], the fraction of neurons to prune
    p : 1 or 2, the norm

    Returns
    -------
    ndarray of bool of W's shape: every entry of a pruned neuron False, of a kept one True
    """
    W = _floats(W)
    keep = np.ones(W.shape[0], dtype=bool)
    keep[smallest_first(unit_norms(W, p), number_pruned(sparsity, W.shape[0]))] = False
    return np.broadcast_to(keep.reshape((-1,) + (1,) * (W.ndim - 1)), W.shape).copy()


def _sigmoid(u: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(u))
    return np.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def forward(W1, b1, W2, b2, X):
    """The network's pre-activations U (n, h), hidden sigmoids A (n, h) and outputs Z (n, k)."""
    U = _floats(X) @ _floats(W1).T + _floats(b1)
    A = _sigmoid(U)
    return U, A, A @ _floats(W2).T + _floats(b2)


def gradients(W1, b1, W2, b2, X, Y) -> tuple[np.ndarray, np.ndarray]:
    """dE/dW1 (h, d) and dE/dW2 (k, h) for ``E = 1/(2n) sum ||z - y||^2``."""
    X, Y = _floats(X), _floats(Y)
    n = X.shape[0]
    _, A, Z = forward(W1, b1, W2, b2, X)
    R = (Z - Y) / n                                   # dE/dZ
    G2 = R.T @ A
    G1 = ((R @ _floats(W2)) * A * (1.0 - A)).T @ X
    return G1, G2


def hessian_diagonal(W1, b1, W2, b2, X, Y) -> tuple[np.ndarray, np.ndarray]:
    """The exact diagonal of E's Hessian for every weight of W1 and W2 (no term dropped).

    - ``d^2E/dW2[j,k]^2 = 1/n sum_n a_k^2``;
    - ``d^2E/dW1[k,m]^2 = 1/n sum_n x_m^2 [sigma'(u_k)^2 sum_j W2[j,k]^2 + sigma''(u_k) sum_j (z_j - y_j) W2[j,k]]``,

    with ``sigma' = s (1 - s)`` and ``sigma'' = s (1 - s)(1 - 2 s)``.
    """
    X, Y, W2 = _floats(X), _floats(Y), _floats(W2)
    n = X.shape[0]
    _, A, Z = forward(W1, b1, W2, b2, X)
    d1 = A * (1.0 - A)
    d2 = d1 * (1.0 - 2.0 * A)
    H2 = np.broadcast_to((A**2).mean(axis=0), W2.shape).copy()
    per_unit = d1**2 * (W2**2).sum(axis=0) + d2 * ((Z - Y) @ W2)      # (n, h)
    H1 = per_unit.T @ X**2 / n
    return H1, H2


def obd_saliencies(W1, b1, W2, b2, X, Y) -> tuple[np.ndarray, np.ndarray]:
    """Optimal Brain Damage's saliencies ``s_i = h_ii u_i^2 / 2`` of every weight of W1 and W2.

    ``h_ii`` is the exact diagonal of the Hessian of E (:func:`hessian_diagonal`), u_i the weight; the
    gradient term of the Taylor expansion is left out (OBD assumes a trained network, where it vanishes).

    Parameters
    ----------
    W1 : ndarray (h, d); b1 : ndarray (h,); W2 : ndarray (k, h); b2 : ndarray (k,)
    X : ndarray (n, d), one example per row; Y : ndarray (n, k), the targets

    Returns
    -------
    (S1, S2): ndarrays of the shapes of W1 and W2
    """
    H1, H2 = hessian_diagonal(W1, b1, W2, b2, X, Y)
    return H1 * _floats(W1) ** 2 / 2.0, H2 * _floats(W2) ** 2 / 2.0


def snip_saliencies(W1, b1, W2, b2, X, Y) -> tuple[np.ndarray, np.ndarray]:
    """SNIP's connection sensitivities ``s_i = |g_i w_i|`` at the given (initial) weights, not normalised.

    ``g_i = dE/dw_i`` on the batch (X, Y). SNIP's paper divides by the sum over all weights, which
    changes no ranking; these are the raw products.

    Parameters
    ----------
    as :func:`obd_saliencies`

    Returns
    -------
    (S1, S2): ndarrays of the shapes of W1 and W2
    """
    G1, G2 = gradients(W1, b1, W2, b2, X, Y)
    return np.abs(G1 * _floats(W1)), np.abs(G2 * _floats(W2))


def least_squares_step(W, X, Y, eta) -> np.ndarray:
    """One step of gradient descent on ``E(W) = 1/(2n) ||X W^T - Y||^2``: ``W - eta (X W^T - Y)^T X / n``."""
    W, X, Y = _floats(W), _floats(X), _floats(Y)
    return W - eta * (X @ W.T - Y).T @ X / X.shape[0]


def train_masked(W, M, X, Y, eta, steps) -> np.ndarray:
    """``steps`` steps of :func:`least_squares_step`, the mask applied after each: ``W <- step(W) * M``."""
    W = _floats(W) * M
    for _ in range(int(steps)):
        W = least_squares_step(W, X, Y, eta) * M
    return W


def prune_survivors(W, M, rate) -> np.ndarray:
    """The mask after pruning ``round(rate * survivors)`` of the surviving weights of smallest |w| (ties: smaller flat index)."""
    M = np.asarray(M, dtype=bool)
    alive = np.flatnonzero(M.ravel())
    drop = alive[smallest_first(np.abs(_floats(W).ravel()[alive]), number_pruned(rate, alive.size))]
    keep = M.ravel().copy()
    keep[drop] = False
    return keep.reshape(M.shape)


def lottery_ticket(W_init, X, Y, eta, steps, rounds, rate) -> tuple[np.ndarray, np.ndarray]:
    """Iterative magnitude pruning with rewinding to the initial weights (the lottery-ticket procedure).

    Start with the mask M of all ones. Each of ``rounds`` rounds: rewind,
    ``W = W_init * M``; train ``steps`` steps of gradient descent on
    ``E(W) = 1/(2n) ||X W^T - Y||^2`` with step ``eta``, the mask applied
    after every update; prune ``round(rate * survivors)`` of the surviving
    weights of smallest trained |w| (ties: smaller flat index).

    Returns
    -------
    (M, W_init * M, trained): the final mask (bool, W_init's shape), the ticket (the initial weights it
    keeps) and the last round's trained weights, before that round's pruning
    """
    W_init = _floats(W_init)
    M = np.ones(W_init.shape, dtype=bool)
    trained = W_init.copy()
    for _ in range(int(rounds)):
        trained = train_masked(W_init, M, X, Y, eta, steps)
        M = prune_survivors(trained, M, rate)
    return M, W_init * M, trained
