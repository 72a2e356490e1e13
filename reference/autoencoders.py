"""Autoencoders in NumPy: the undercomplete autoencoder's forward pass and loss, the sparse, denoising and
contractive autoencoders' costs, and a small autoencoder trained on the digits (course notes 1.9.1-1.9.2).

The grader compares every student answer with these functions: formulas in
the docstrings, shapes in the parameters, float64 throughout. Conventions
(see ``exercises/autoencoders.py``):

- a batch ``X`` has shape ``(N, d)``, one example x_n per row;
- the encoder is ``h = f(x) = s(W_enc x + b_enc)`` with ``W_enc`` of shape
  ``(k, d)`` and ``b_enc`` of shape ``(k,)`` (``nn.Linear``'s layout), so
  ``H = s(X W_enc^T + b_enc)``; ``s`` is the sigmoid, except in the sparse
  autoencoder, whose codes are ReLUs;
- the decoder is linear, ``r = g(h) = W_dec h + b_dec`` with ``W_dec`` of
  shape ``(d, k)`` and ``b_dec`` of shape ``(d,)``;
- the reconstruction loss is ``L = (1/N) sum_n ||x_n - r_n||^2``: the squared
  error SUMMED over the d features of an example and AVERAGED over the N
  examples. torch's ``F.mse_loss`` averages over all N d entries, which is d
  times smaller;
- penalties are per example and averaged over the batch the same way.
"""

from __future__ import annotations

import numpy as np


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def sigmoid(a) -> np.ndarray:
    """``1 / (1 + exp(-a))``, written so that no exp overflows."""
    a = _floats(a)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def reconstruction_loss(X, R) -> float:
    """``(1/N) sum_n ||x_n - r_n||^2``: summed over the features, averaged over the examples."""
    D = _floats(X) - _floats(R)
    return float((D**2).sum() / len(D))


def autoencode(X, W_enc, b_enc, W_dec, b_dec):
    """An undercomplete autoencoder's code, reconstruction and reconstruction loss.

    ``H = sigmoid(X W_enc^T + b_enc)``, ``R = H W_dec^T + b_dec``,
    ``L = (1/N) sum_n ||x_n - r_n||^2``.

    Parameters
    ----------
    X : ndarray of shape (N, d)
    W_enc : ndarray of shape (k, d), k < d
    b_enc : ndarray of shape (k,)
    W_dec : ndarray of shape (d, k)
    b_dec : ndarray of shape (d,)

    Returns
    -------
    (H, R, L) : ndarray of shape (N, k), ndarray of shape (N, d), float
    """
    X = _floats(X)
    H = sigmoid(X @ _floats(W_enc).T + _floats(b_enc))
    R = H @ _floats(W_dec).T + _floats(b_dec)
    return H, R, reconstruction_loss(X, R)


def sparse_loss(X, W_enc, b_enc, W_dec, b_dec, lam):
    """The sparse autoencoder's loss with the L1 penalty on the code, and its gradient with respect to the code.

    ``H = relu(X W_enc^T + b_enc)``, ``R = H W_dec^T + b_dec``,
    ``L = (1/N) sum_n (||x_n - r_n||^2 + lam ||h_n||_1)``, and, H taken as
    the variable, ``dL/dH = (1/N) (2 (R - X) W_dec + lam sign(H))`` with the
    subgradient ``sign(0) = 0`` where a code is exactly 0 (as torch's
    ``abs`` backward).

    Parameters
    ----------
    X : ndarray of shape (N, d)
    W_enc, b_enc, W_dec, b_dec : the autoencoder's weights, as in :func:`autoencode`
    lam : float, the penalty's weight lambda >= 0

    Returns
    -------
    (L, G) : float, ndarray of shape (N, k)
    """
    X = _floats(X)
    N = len(X)
    H = np.maximum(X @ _floats(W_enc).T + _floats(b_enc), 0.0)
    W_dec = _floats(W_dec)
    R = H @ W_dec.T + _floats(b_dec)
    loss = reconstruction_loss(X, R) + lam * float(np.abs(H).sum()) / N
    return loss, (2.0 * (R - X) @ W_dec + lam * np.sign(H)) / N


def corrupt(X, mask, noise) -> np.ndarray:
    """The corrupted copy ``X~ = mask * X + noise``: masking noise (0 drops an entry) and additive noise, both given."""
    return _floats(mask) * _floats(X) + _floats(noise)


def denoising_loss(X, mask, noise, W_enc, b_enc, W_dec, b_dec):
    """The denoising autoencoder: corrupt, encode and decode the corrupted copy, and score against the CLEAN input.

    ``X~ = mask * X + noise``, ``R = g(f(X~))``, ``L = (1/N) sum_n ||x_n - r_n||^2``.

    Parameters
    ----------
    X : ndarray of shape (N, d), the clean inputs
    mask : ndarray of shape (N, d), 1 keeps an entry and 0 drops it
    noise : ndarray of shape (N, d), added after the mask
    W_enc, b_enc, W_dec, b_dec : the autoencoder's weights, as in :func:`autoencode`

    Returns
    -------
    (X~, R, L) : ndarray of shape (N, d), ndarray of shape (N, d), float
    """
    X = _floats(X)
    noisy = corrupt(X, mask, noise)
    _, R, _ = autoencode(noisy, W_enc, b_enc, W_dec, b_dec)
    return noisy, R, reconstruction_loss(X, R)


def contractive_penalty(X, W_enc, b_enc, lam):
    """The contractive penalty of a sigmoid encoder, from its Jacobian in closed form.

    ``h = sigmoid(W_enc x + b_enc)`` has the Jacobian
    ``J[i, j] = dh_i/dx_j = h_i (1 - h_i) W_enc[i, j]``, so
    ``sum_i ||grad_x h_i||^2 = ||J||_F^2 = sum_i (h_i (1 - h_i))^2 sum_j W_enc[i, j]^2``.
    The penalty of a batch is ``(lam / N) sum_n ||J_n||_F^2``.

    Parameters
    ----------
    X : ndarray of shape (N, d)
    W_enc : ndarray of shape (k, d)
    b_enc : ndarray of shape (k,)
    lam : float, lambda

    Returns
    -------
    (P, J) : float, ndarray of shape (N, k, d) (J[n] the Jacobian at x_n)
    """
    X, W_enc = _floats(X), _floats(W_enc)
    H = sigmoid(X @ W_enc.T + _floats(b_enc))
    J = (H * (1.0 - H))[:, :, None] * W_enc[None, :, :]
    return lam * float((J**2).sum()) / len(X), J


def contractive_penalty_loop(X, W_enc, b_enc, lam):
    """:func:`contractive_penalty` written one example, one code unit and one input at a time."""
    X, W_enc, b_enc = _floats(X), _floats(W_enc), _floats(b_enc)
    N, d = X.shape
    k = len(W_enc)
    J = np.zeros((N, k, d))
    total = 0.0
    for n in range(N):
        for i in range(k):
            h = float(sigmoid(W_enc[i] @ X[n] + b_enc[i]))
            for j in range(d):
                J[n, i, j] = h * (1.0 - h) * W_enc[i, j]
                total += J[n, i, j] ** 2
    return lam * total / N, J


class DigitsAutoencoder:
    """The digits autoencoder: ``encoder`` (64 to 16), sigmoid, ``decoder`` (16 to 64), linear.

    :meth:`fit` is full-batch gradient descent on ``L = (1/N) sum_n ||x_n - r_n||^2``: each epoch one step
    ``p <- p - eta dL/dp`` on the whole of X; it returns each epoch's loss, computed before its step.
    """

    SIZES = (64, 16)

    def __init__(self):
        d, k = self.SIZES
        self.W_enc, self.b_enc = np.zeros((k, d)), np.zeros(k)
        self.W_dec, self.b_dec = np.zeros((d, k)), np.zeros(d)
        self.training = True

    def state_dict(self):
        return {"encoder.weight": self.W_enc, "encoder.bias": self.b_enc,
                "decoder.weight": self.W_dec, "decoder.bias": self.b_dec}

    def load_state_dict(self, state):
        self.W_enc = _floats(state["encoder.weight"]).copy()
        self.b_enc = _floats(state["encoder.bias"]).copy()
        self.W_dec = _floats(state["decoder.weight"]).copy()
        self.b_dec = _floats(state["decoder.bias"]).copy()

    def forward(self, X):
        self.X = _floats(X)
        self.H = sigmoid(self.X @ self.W_enc.T + self.b_enc)
        return self.H @ self.W_dec.T + self.b_dec

    def encode(self, X):
        return sigmoid(_floats(X) @ self.W_enc.T + self.b_enc)

    def backward(self, upstream):
        G = _floats(upstream)
        grads = {"decoder.weight": G.T @ self.H, "decoder.bias": G.sum(axis=0)}
        A = (G @ self.W_dec) * self.H * (1.0 - self.H)
        grads["encoder.weight"] = A.T @ self.X
        grads["encoder.bias"] = A.sum(axis=0)
        return (A @ self.W_enc,), grads

    def fit(self, X, epochs, eta):
        X = _floats(X)
        costs = []
        for _ in range(int(epochs)):
            R = self.forward(X)
            costs.append(reconstruction_loss(X, R))
            _, grads = self.backward(2.0 * (R - X) / len(X))
            state = self.state_dict()
            self.load_state_dict({name: state[name] - eta * grads[name] for name in state})
        return costs
