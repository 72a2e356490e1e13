"""Known mistakes in the pruning exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/pruning.py`` name them with a hint.
"""

from __future__ import annotations

import math

import numpy as np

from reference.pruning import (
    _floats,
    forward,
    global_magnitude_masks,
    gradients,
    hessian_diagonal,
    least_squares_step,
    magnitude_mask,
    number_pruned,
    obd_saliencies,
    prune_survivors,
    smallest_first,
    snip_saliencies,
    train_masked,
    unit_norms,
)


def _mask_pruning(size: int, shape, drop) -> np.ndarray:
    keep = np.ones(size, dtype=bool)
    keep[drop] = False
    return keep.reshape(shape)


# -- magnitude_mask -------------------------------------------------------------------------------


def magnitude_mask_largest(W, sparsity):
    """Prunes the weights of LARGEST magnitude."""
    W = _floats(W)
    order = np.argsort(-np.abs(W).ravel(), kind="stable")
    return _mask_pruning(W.size, W.shape, order[:number_pruned(sparsity, W.size)])


def magnitude_mask_threshold_ties(W, sparsity):
    """Prunes every weight with |w| at or below the k-th smallest magnitude, so ties at the threshold all go."""
    W = _floats(W)
    k = number_pruned(sparsity, W.size)
    if k == 0:
        return np.ones(W.shape, dtype=bool)
    threshold = np.sort(np.abs(W).ravel())[k - 1]
    return np.abs(W) > threshold


def magnitude_mask_rounded_down(W, sparsity):
    """Prunes floor(sparsity * size) weights instead of rounding to the nearest integer."""
    W = _floats(W)
    return _mask_pruning(W.size, W.shape, smallest_first(np.abs(W), math.floor(float(sparsity) * W.size)))


def magnitude_mask_signed(W, sparsity):
    """Sorts the signed weights, not their magnitudes: prunes the most negative."""
    W = _floats(W)
    return _mask_pruning(W.size, W.shape, smallest_first(W, number_pruned(sparsity, W.size)))


# -- global_magnitude_masks -----------------------------------------------------------------------


def global_magnitude_masks_per_layer(weights, sparsity):
    """Prunes each layer to the sparsity on its own (layer-wise), not the smallest weights of all layers together."""
    masks = [magnitude_mask(W, sparsity) for W in weights]
    return masks, [not bool(mask.any()) for mask in masks]


def global_magnitude_masks_largest(weights, sparsity):
    """Prunes the weights of LARGEST magnitude over all layers."""
    layers = [_floats(W) for W in weights]
    flat = np.concatenate([-np.abs(W).ravel() for W in layers])
    keep = np.ones(flat.size, dtype=bool)
    keep[smallest_first(flat, number_pruned(sparsity, flat.size))] = False
    masks, start = [], 0
    for W in layers:
        masks.append(keep[start:start + W.size].reshape(W.shape))
        start += W.size
    return masks, [not bool(mask.any()) for mask in masks]


def global_magnitude_masks_collapse_any(weights, sparsity):
    """Right masks, but a layer is reported collapsed as soon as ANY of its weights is pruned."""
    masks, _ = global_magnitude_masks(weights, sparsity)
    return masks, [not bool(mask.all()) for mask in masks]


# -- structured_mask ------------------------------------------------------------------------------


def _structured(W, drop_units) -> np.ndarray:
    W = _floats(W)
    keep = np.ones(W.shape[0], dtype=bool)
    keep[drop_units] = False
    return np.broadcast_to(keep.reshape((-1,) + (1,) * (W.ndim - 1)), W.shape).copy()


def structured_mask_wrong_axis(W, sparsity, p):
    """Prunes whole INPUTS (slices along axis 1: columns of a linear layer, input channels of a convolution)."""
    W = _floats(W)
    moved = np.moveaxis(W, 1, 0)
    norms = unit_norms(moved, p)
    keep = np.ones(moved.shape[0], dtype=bool)
    keep[smallest_first(norms, number_pruned(sparsity, moved.shape[0]))] = False
    shape = [1] * W.ndim
    shape[1] = -1
    return np.broadcast_to(keep.reshape(shape), W.shape).copy()


def structured_mask_largest(W, sparsity, p):
    """Prunes the neurons of LARGEST norm."""
    return _structured(W, smallest_first(-unit_norms(W, p), number_pruned(sparsity, _floats(W).shape[0])))


def structured_mask_norm_ignored(W, sparsity, p):
    """Always ranks neurons by their L2 norm, whatever p says."""
    return _structured(W, smallest_first(unit_norms(W, 2), number_pruned(sparsity, _floats(W).shape[0])))


def structured_mask_unstructured(W, sparsity, p):
    """Prunes single weights by magnitude (an unstructured mask) instead of whole neurons."""
    return magnitude_mask(W, sparsity)


# -- obd_saliencies -------------------------------------------------------------------------------


def obd_saliencies_without_half(W1, b1, W2, b2, X, Y):
    """Leaves out the 1/2 of the Taylor expansion: s = h_ii u_i^2."""
    return tuple(2.0 * S for S in obd_saliencies(W1, b1, W2, b2, X, Y))


def obd_saliencies_gradient_term(W1, b1, W2, b2, X, Y):
    """Keeps the gradient term of deleting u_i (delta u = -u_i): s = -g_i u_i + h_ii u_i^2 / 2."""
    S1, S2 = obd_saliencies(W1, b1, W2, b2, X, Y)
    G1, G2 = gradients(W1, b1, W2, b2, X, Y)
    return S1 - G1 * _floats(W1), S2 - G2 * _floats(W2)


def obd_saliencies_gauss_newton(W1, b1, W2, b2, X, Y):
    """Drops the sigma'' (second derivative of the activation) term from the first layer's h_ii."""
    X, Y, W2 = _floats(X), _floats(Y), _floats(W2)
    _, A, _ = forward(W1, b1, W2, b2, X)
    d1 = A * (1.0 - A)
    H1 = (d1**2 * (W2**2).sum(axis=0)).T @ X**2 / X.shape[0]
    _, H2 = hessian_diagonal(W1, b1, W2, b2, X, Y)
    return H1 * _floats(W1) ** 2 / 2.0, H2 * W2**2 / 2.0


def obd_saliencies_squared_gradient(W1, b1, W2, b2, X, Y):
    """Uses the squared gradient g_i^2 in place of the second derivative h_ii."""
    G1, G2 = gradients(W1, b1, W2, b2, X, Y)
    return G1**2 * _floats(W1) ** 2 / 2.0, G2**2 * _floats(W2) ** 2 / 2.0


# -- snip_saliencies ------------------------------------------------------------------------------


def snip_saliencies_normalised(W1, b1, W2, b2, X, Y):
    """Divides the sensitivities by their sum over all weights (the paper's normalisation, which was not asked)."""
    S1, S2 = snip_saliencies(W1, b1, W2, b2, X, Y)
    total = S1.sum() + S2.sum()
    return S1 / total, S2 / total


def snip_saliencies_signed(W1, b1, W2, b2, X, Y):
    """Returns g * w without the absolute value."""
    G1, G2 = gradients(W1, b1, W2, b2, X, Y)
    return G1 * _floats(W1), G2 * _floats(W2)


def snip_saliencies_gradient_only(W1, b1, W2, b2, X, Y):
    """Returns |g|, leaving out the weight."""
    G1, G2 = gradients(W1, b1, W2, b2, X, Y)
    return np.abs(G1), np.abs(G2)


def snip_saliencies_magnitude(W1, b1, W2, b2, X, Y):
    """Returns |w|, the magnitude, leaving out the gradient."""
    return np.abs(_floats(W1)), np.abs(_floats(W2))


# -- lottery_ticket -------------------------------------------------------------------------------


def lottery_ticket_rewind_trained(W_init, X, Y, eta, steps, rounds, rate):
    """Rewinds to the TRAINED weights of the round (keeps training from where it stopped), not to W_init."""
    W = _floats(W_init)
    M = np.ones(W.shape, dtype=bool)
    trained = W
    for _ in range(int(rounds)):
        trained = train_masked(W, M, X, Y, eta, steps)
        M = prune_survivors(trained, M, rate)
        W = trained * M
    return M, W, trained


def lottery_ticket_mask_at_end(W_init, X, Y, eta, steps, rounds, rate):
    """Applies the mask when rewinding but not after each update: pruned weights move during training."""
    W_init = _floats(W_init)
    M = np.ones(W_init.shape, dtype=bool)
    for _ in range(int(rounds)):
        W = W_init * M
        for _ in range(int(steps)):
            W = least_squares_step(W, X, Y, eta)
        W = W * M
        M = prune_survivors(W, M, rate)
    return M, W_init * M, W


def lottery_ticket_largest(W_init, X, Y, eta, steps, rounds, rate):
    """Prunes the surviving weights of LARGEST trained magnitude each round."""
    W_init = _floats(W_init)
    M = np.ones(W_init.shape, dtype=bool)
    trained = W_init
    for _ in range(int(rounds)):
        trained = train_masked(W_init, M, X, Y, eta, steps)
        alive = np.flatnonzero(M.ravel())
        drop = alive[smallest_first(-np.abs(trained.ravel()[alive]), number_pruned(rate, alive.size))]
        keep = M.ravel().copy()
        keep[drop] = False
        M = keep.reshape(M.shape)
    return M, W_init * M, trained


def lottery_ticket_rate_of_all(W_init, X, Y, eta, steps, rounds, rate):
    """Prunes round(rate * ALL weights) of the survivors each round, not round(rate * survivors)."""
    W_init = _floats(W_init)
    M = np.ones(W_init.shape, dtype=bool)
    trained = W_init
    for _ in range(int(rounds)):
        trained = train_masked(W_init, M, X, Y, eta, steps)
        alive = np.flatnonzero(M.ravel())
        k = min(number_pruned(rate, M.size), alive.size)
        drop = alive[smallest_first(np.abs(trained.ravel()[alive]), k)]
        keep = M.ravel().copy()
        keep[drop] = False
        M = keep.reshape(M.shape)
    return M, W_init * M, trained
