"""Known mistakes in the autoencoder exercises, each a variant of a reference.

Every function has the signature of the reference it varies; the exercise
declarations in ``grader/catalog/autoencoders.py`` name them with a hint.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from reference.autoencoders import _floats, autoencode, corrupt, reconstruction_loss, sigmoid
from reference.autoencoders_torch import DigitsAutoencoder
from reference.cnn_torch import one_thread

# -- autoencode ---------------------------------------------------------------------------------


def autoencode_mean_over_entries(X, W_enc, b_enc, W_dec, b_dec):
    """The loss is F.mse_loss's mean over every entry: (1/(N d)) sum ||x - r||^2."""
    H, R, L = autoencode(X, W_enc, b_enc, W_dec, b_dec)
    return H, R, L / np.shape(X)[1]


def autoencode_summed_over_batch(X, W_enc, b_enc, W_dec, b_dec):
    """The loss is summed over the examples instead of averaged: sum_n ||x_n - r_n||^2."""
    H, R, L = autoencode(X, W_enc, b_enc, W_dec, b_dec)
    return H, R, L * len(X)


def autoencode_no_sigmoid(X, W_enc, b_enc, W_dec, b_dec):
    """The code is the encoder's weighted input, without the sigmoid: H = X W_enc^T + b_enc."""
    X = _floats(X)
    H = X @ _floats(W_enc).T + _floats(b_enc)
    R = H @ _floats(W_dec).T + _floats(b_dec)
    return H, R, reconstruction_loss(X, R)


def autoencode_sigmoid_decoder(X, W_enc, b_enc, W_dec, b_dec):
    """The decoder applies a sigmoid too: R = sigmoid(H W_dec^T + b_dec)."""
    X = _floats(X)
    H = sigmoid(X @ _floats(W_enc).T + _floats(b_enc))
    R = sigmoid(H @ _floats(W_dec).T + _floats(b_dec))
    return H, R, reconstruction_loss(X, R)


# -- sparse_loss --------------------------------------------------------------------------------


def _sparse_parts(X, W_enc, b_enc, W_dec, b_dec):
    X = _floats(X)
    H = np.maximum(X @ _floats(W_enc).T + _floats(b_enc), 0.0)
    W_dec = _floats(W_dec)
    R = H @ W_dec.T + _floats(b_dec)
    return X, H, W_dec, R


def sparse_loss_penalty_on_output(X, W_enc, b_enc, W_dec, b_dec, lam):
    """The L1 penalty is put on the decoder's output R instead of the code H (and differentiated through R)."""
    X, H, W_dec, R = _sparse_parts(X, W_enc, b_enc, W_dec, b_dec)
    N = len(X)
    loss = reconstruction_loss(X, R) + lam * float(np.abs(R).sum()) / N
    return loss, (2.0 * (R - X) + lam * np.sign(R)) @ W_dec / N


def sparse_loss_subgradient_one_at_zero(X, W_enc, b_enc, W_dec, b_dec, lam):
    """d|h|/dh is taken as 1 where h = 0 (np.where(H >= 0, 1, -1)) instead of the subgradient 0."""
    X, H, W_dec, R = _sparse_parts(X, W_enc, b_enc, W_dec, b_dec)
    N = len(X)
    loss = reconstruction_loss(X, R) + lam * float(np.abs(H).sum()) / N
    return loss, (2.0 * (R - X) @ W_dec + lam * np.where(H >= 0, 1.0, -1.0)) / N


def sparse_loss_squared_penalty(X, W_enc, b_enc, W_dec, b_dec, lam):
    """The penalty is lam ||h||^2 (an L2 penalty on the code), not lam ||h||_1."""
    X, H, W_dec, R = _sparse_parts(X, W_enc, b_enc, W_dec, b_dec)
    N = len(X)
    loss = reconstruction_loss(X, R) + lam * float((H**2).sum()) / N
    return loss, (2.0 * (R - X) @ W_dec + 2.0 * lam * H) / N


def sparse_loss_penalty_gradient_missing(X, W_enc, b_enc, W_dec, b_dec, lam):
    """The gradient keeps only the reconstruction's part: the penalty's lam sign(H) / N is left out."""
    X, H, W_dec, R = _sparse_parts(X, W_enc, b_enc, W_dec, b_dec)
    N = len(X)
    loss = reconstruction_loss(X, R) + lam * float(np.abs(H).sum()) / N
    return loss, 2.0 * (R - X) @ W_dec / N


# -- denoising_loss -----------------------------------------------------------------------------


def denoising_loss_against_corrupted(X, mask, noise, W_enc, b_enc, W_dec, b_dec):
    """The loss compares the reconstruction with the corrupted input X~ instead of the clean X."""
    noisy = corrupt(X, mask, noise)
    _, R, L = autoencode(noisy, W_enc, b_enc, W_dec, b_dec)
    return noisy, R, L


def denoising_loss_clean_input_encoded(X, mask, noise, W_enc, b_enc, W_dec, b_dec):
    """The corrupted copy is made but the clean X is encoded: R = g(f(X))."""
    _, R, L = autoencode(X, W_enc, b_enc, W_dec, b_dec)
    return corrupt(X, mask, noise), R, L


def denoising_loss_mask_inverted(X, mask, noise, W_enc, b_enc, W_dec, b_dec):
    """The mask is read the other way round: entries where the mask is 1 are dropped, X~ = (1 - mask) X + noise."""
    X = _floats(X)
    noisy = corrupt(X, 1.0 - _floats(mask), noise)
    _, R, _ = autoencode(noisy, W_enc, b_enc, W_dec, b_dec)
    return noisy, R, reconstruction_loss(X, R)


def denoising_loss_noise_masked(X, mask, noise, W_enc, b_enc, W_dec, b_dec):
    """The noise is added before the mask, so dropped entries lose their noise too: X~ = mask (X + noise)."""
    X = _floats(X)
    noisy = _floats(mask) * (X + _floats(noise))
    _, R, _ = autoencode(noisy, W_enc, b_enc, W_dec, b_dec)
    return noisy, R, reconstruction_loss(X, R)


# -- contractive_penalty ------------------------------------------------------------------------


def _codes(X, W_enc, b_enc):
    X, W_enc = _floats(X), _floats(W_enc)
    A = X @ W_enc.T + _floats(b_enc)
    return X, W_enc, A, sigmoid(A)


def contractive_penalty_not_squared(X, W_enc, b_enc, lam):
    """The penalty takes the Frobenius norm of each Jacobian without squaring it: (lam / N) sum_n ||J_n||_F."""
    X, W_enc, _, H = _codes(X, W_enc, b_enc)
    J = (H * (1.0 - H))[:, :, None] * W_enc[None]
    return lam * float(np.sqrt((J**2).sum(axis=(1, 2))).sum()) / len(X), J


def contractive_penalty_no_sigmoid_derivative(X, W_enc, b_enc, lam):
    """The Jacobian is taken as W_enc itself, leaving out the sigmoid's derivative h (1 - h)."""
    X, W_enc, _, _ = _codes(X, W_enc, b_enc)
    J = np.broadcast_to(W_enc, (len(X),) + W_enc.shape).copy()
    return lam * float((J**2).sum()) / len(X), J


def contractive_penalty_derivative_of_preactivation(X, W_enc, b_enc, lam):
    """The sigmoid's derivative is written a (1 - a) with the weighted input a, instead of h (1 - h) with h = sigmoid(a)."""
    X, W_enc, A, _ = _codes(X, W_enc, b_enc)
    J = (A * (1.0 - A))[:, :, None] * W_enc[None]
    return lam * float((J**2).sum()) / len(X), J


def contractive_penalty_jacobian_transposed(X, W_enc, b_enc, lam):
    """The Jacobian is returned as (N, d, k), J[n, j, i] = dh_i/dx_j, instead of (N, k, d)."""
    X, W_enc, _, H = _codes(X, W_enc, b_enc)
    J = (H * (1.0 - H))[:, :, None] * W_enc[None]
    return lam * float((J**2).sum()) / len(X), J.transpose(0, 2, 1).copy()


# -- DigitsAutoencoder --------------------------------------------------------------------------


class DigitsAutoencoderGradientsNeverZeroed(DigitsAutoencoder):
    """fit never zeroes the gradients: each step follows the sum of all the gradients so far."""

    def fit(self, X, epochs, eta):
        X = torch.as_tensor(X)
        costs = []
        with one_thread():
            for _ in range(int(epochs)):
                loss = F.mse_loss(self(X), X, reduction="sum") / X.shape[0]
                loss.backward()
                with torch.no_grad():
                    for parameter in self.parameters():
                        parameter -= eta * parameter.grad
                costs.append(loss.item())
        return costs


class DigitsAutoencoderMeanOverEntries(DigitsAutoencoder):
    """fit minimises F.mse_loss's default mean over every entry, 64 times smaller than the notes' loss."""

    def fit(self, X, epochs, eta):
        X = torch.as_tensor(X)
        costs = []
        with one_thread():
            for _ in range(int(epochs)):
                loss = F.mse_loss(self(X), X)
                self.zero_grad()
                loss.backward()
                with torch.no_grad():
                    for parameter in self.parameters():
                        parameter -= eta * parameter.grad
                costs.append(loss.item())
        return costs


class DigitsAutoencoderNoSigmoid(DigitsAutoencoder):
    """The code is the encoder's output without the sigmoid (a linear autoencoder)."""

    def encode(self, X):
        return self.encoder(X)


class DigitsAutoencoderSigmoidDecoder(DigitsAutoencoder):
    """The decoder's output goes through a sigmoid too."""

    def forward(self, X):
        return torch.sigmoid(self.decoder(self.encode(X)))
