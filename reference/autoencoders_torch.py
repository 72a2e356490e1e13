"""The autoencoder references in torch; they must agree with :mod:`reference.autoencoders`.

The losses are torch's own where torch has them, rescaled to the notes'
convention: ``F.mse_loss(R, X, reduction="sum") / N`` (torch's default mean
also divides by the d features), ``F.l1_loss(H, 0, reduction="sum") / N``;
gradients and the contractive Jacobian are autograd's. The functions compute
in float64; ``DigitsAutoencoder`` is an ``nn.Module`` in float32, torch's default.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from reference.cnn_torch import one_thread


def _tensor(x, grad: bool = False) -> torch.Tensor:
    tensor = torch.as_tensor(x, dtype=torch.float64).clone()
    return tensor.requires_grad_(True) if grad else tensor


def _loss(X: torch.Tensor, R: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(R, X, reduction="sum") / X.shape[0]


def autoencode(X, W_enc, b_enc, W_dec, b_dec):
    """The torch twin of :func:`reference.autoencoders.autoencode`: X (N, d), W_enc (k, d), W_dec (d, k)."""
    X = _tensor(X)
    H = torch.sigmoid(F.linear(X, _tensor(W_enc), _tensor(b_enc)))
    R = F.linear(H, _tensor(W_dec), _tensor(b_dec))
    return H, R, float(_loss(X, R))


def sparse_loss(X, W_enc, b_enc, W_dec, b_dec, lam):
    """The torch twin of :func:`reference.autoencoders.sparse_loss`: the gradient is autograd's, with H a leaf."""
    X = _tensor(X)
    H = torch.relu(F.linear(X, _tensor(W_enc), _tensor(b_enc))).detach().requires_grad_(True)
    R = F.linear(H, _tensor(W_dec), _tensor(b_dec))
    loss = _loss(X, R) + lam * F.l1_loss(H, torch.zeros_like(H), reduction="sum") / X.shape[0]
    (G,) = torch.autograd.grad(loss, H)
    return float(loss.detach()), G


def denoising_loss(X, mask, noise, W_enc, b_enc, W_dec, b_dec):
    """The torch twin of :func:`reference.autoencoders.denoising_loss`: all arrays (N, d) but the weights."""
    X = _tensor(X)
    noisy = _tensor(mask) * X + _tensor(noise)
    _, R, _ = autoencode(noisy, W_enc, b_enc, W_dec, b_dec)
    return noisy, R, float(_loss(X, R))


def contractive_penalty(X, W_enc, b_enc, lam):
    """The torch twin of :func:`reference.autoencoders.contractive_penalty`: J by autograd, one backward pass per code unit."""
    X = _tensor(X).requires_grad_(True)
    H = torch.sigmoid(F.linear(X, _tensor(W_enc), _tensor(b_enc)))
    # Examples do not mix, so the gradient of unit i summed over the batch holds grad_x h_i of every example.
    J = torch.stack([torch.autograd.grad(H[:, i].sum(), X, retain_graph=True)[0] for i in range(H.shape[1])], dim=1)
    return lam * float((J**2).sum()) / X.shape[0], J


class DigitsAutoencoder(nn.Module):
    """encoder (64 to 16), sigmoid, decoder (16 to 64); fit is full-batch gradient descent."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(64, 16)
        self.decoder = nn.Linear(16, 64)

    def encode(self, X):
        return torch.sigmoid(self.encoder(X))

    def forward(self, X):
        return self.decoder(self.encode(X))

    def fit(self, X, epochs, eta):
        """One step ``p <- p - eta dL/dp`` per epoch on all of X; returns the losses before each step."""
        X = torch.as_tensor(X)
        costs = []
        with one_thread():
            for _ in range(int(epochs)):
                loss = F.mse_loss(self(X), X, reduction="sum") / X.shape[0]
                self.zero_grad()
                loss.backward()
                with torch.no_grad():
                    for parameter in self.parameters():
                        parameter -= eta * parameter.grad
                costs.append(loss.item())
        return costs
