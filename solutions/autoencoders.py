"""Autoencoders: the undercomplete, sparse, denoising and contractive autoencoders, and one trained on the
digits (course notes 1.9.1 and 1.9.2).

Conventions used by every function and class in this module:

- a batch ``X`` has shape ``(N, d)``: one example x_n per ROW.
- the encoder is ``h = f(x) = s(W_enc x + b_enc)``, with ``W_enc`` of shape
  ``(k, d)`` and ``b_enc`` of shape ``(k,)`` -- the layout of torch's
  ``nn.Linear(d, k)`` -- so for a batch ``H = s(X W_enc^T + b_enc)``, shape
  ``(N, k)``. ``s`` is the sigmoid, except in ``sparse_loss``, whose code
  units are ReLUs. An undercomplete autoencoder has k < d.
- the decoder is linear: ``r = g(h) = W_dec h + b_dec``, with ``W_dec`` of
  shape ``(d, k)`` and ``b_dec`` of shape ``(d,)``; ``R = H W_dec^T + b_dec``.
- the reconstruction loss is the notes' ``L(x, g(f(x))) = ||x - g(f(x))||^2``
  of each example, AVERAGED over the batch: ``L = (1/N) sum_n ||x_n - r_n||^2``,
  the squared error SUMMED over the d features of an example. This is NOT
  torch's ``F.mse_loss(R, X)``, whose default mean also divides by the d
  features (``F.mse_loss(R, X, reduction="sum") / N`` is the loss here).
  Penalties are per example and averaged over the batch the same way.

Accepted inputs: NumPy arrays (or nested lists) of float64 or float32; the
checks compare float64 answers at relative 1e-7 and float32 answers at
float32's tolerance (relative 1e-4). Return NumPy arrays (or tensors) and
Python floats, in tuples where the docstring says so. Each check calls a
function a few times on small inputs; a call may take up to 2 s of CPU time,
a call into ``DigitsAutoencoder`` up to 10 s (training takes about 0.1 s).

``DigitsAutoencoder`` is a torch module; the functions may use NumPy or torch.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check autoencoders``).
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def _sigmoid(a):
    """Given (not an exercise): the sigmoid, without overflow for large negative a."""
    a = np.asarray(a, dtype=float)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def autoencode(X, W_enc, b_enc, W_dec, b_dec):
    """Return an undercomplete autoencoder's code H, reconstruction R and reconstruction loss L.

    Time budget: 2 s of CPU per call (the course default).

    ``H = sigmoid(X W_enc^T + b_enc)``, ``R = H W_dec^T + b_dec`` (a linear
    decoder) and ``L = (1/N) sum_n ||x_n - r_n||^2``: the squared error summed
    over the d features of each example, averaged over the N examples (not
    ``F.mse_loss``'s mean over all N d entries).

    Example: ``X = [[1, 0, 1]]``, ``W_enc = [[1, -1, 1]]``, ``b_enc = [-2]``
    give the weighted input 0 and ``H = [[0.5]]``; ``W_dec = [[2], [0], [2]]``,
    ``b_dec = [0, 0.5, 0]`` give ``R = [[1, 0.5, 1]]`` and ``L = 0.25``.

    Parameters
    ----------
    X : array of shape (N, d), the examples as rows
    W_enc : array of shape (k, d), k < d
    b_enc : array of shape (k,)
    W_dec : array of shape (d, k)
    b_dec : array of shape (d,)

    Returns
    -------
    (H, R, L) : array of shape (N, k), array of shape (N, d), float
    """
    X = np.asarray(X, dtype=float)
    H = _sigmoid(X @ np.asarray(W_enc, dtype=float).T + np.asarray(b_enc, dtype=float))
    R = H @ np.asarray(W_dec, dtype=float).T + np.asarray(b_dec, dtype=float)
    return H, R, float(((X - R) ** 2).sum() / len(X))


def sparse_loss(X, W_enc, b_enc, W_dec, b_dec, lam):
    """Return the sparse autoencoder's loss L and its gradient with respect to the code H.

    Time budget: 2 s of CPU per call (the course default).

    The code units are ReLUs: ``H = relu(X W_enc^T + b_enc)``, and
    ``R = H W_dec^T + b_dec``. The notes' sparsity penalty
    ``Omega(h) = lam ||h||_1 = lam sum_i |h_i|`` is on the CODE h (not on the
    reconstruction), added to each example's reconstruction error and
    averaged over the batch:

        ``L = (1/N) sum_n (||x_n - r_n||^2 + lam ||h_n||_1)``.

    The gradient G = dL/dH treats H as the variable (R depends on H through
    the decoder): ``G = (1/N) (2 (R - X) W_dec + lam sign(H))``. |h| has no
    derivative at h = 0; use the subgradient 0 there (sign(0) = 0, as torch's
    autograd does for ``abs``). ReLU codes are often exactly 0, so this matters.

    Example: one example ``x = [1, 1]``, ``W_enc = [[1, 0], [0, -1]]``,
    ``b_enc = [0, 0]`` give ``h = [1, 0]`` (the second unit is exactly 0);
    ``W_dec = [[1, 0], [0, 0]]``, ``b_dec = [0, 0]`` give ``r = [1, 0]``;
    with ``lam = 0.5``: ``L = 1 + 0.5 * 1 = 1.5`` and
    ``G = [[2 * 0 + 0.5, 2 * (-1) * 0 + 0]] = [[0.5, 0]]``.

    Parameters
    ----------
    X : array of shape (N, d)
    W_enc, b_enc, W_dec, b_dec : the weights, shaped as in ``autoencode``
    lam : float, the penalty's weight lambda >= 0

    Returns
    -------
    (L, G) : float, array of shape (N, k)
    """
    X = np.asarray(X, dtype=float)
    W_dec = np.asarray(W_dec, dtype=float)
    H = np.maximum(X @ np.asarray(W_enc, dtype=float).T + np.asarray(b_enc, dtype=float), 0.0)
    R = H @ W_dec.T + np.asarray(b_dec, dtype=float)
    N = len(X)
    L = float((((X - R) ** 2).sum() + lam * np.abs(H).sum()) / N)
    return L, (2.0 * (R - X) @ W_dec + lam * np.sign(H)) / N


def denoising_loss(X, mask, noise, W_enc, b_enc, W_dec, b_dec):
    """Return the denoising autoencoder's corrupted input, its reconstruction, and the loss against the CLEAN input.

    Time budget: 2 s of CPU per call (the course default).

    The corruption is given, not drawn: ``X~ = mask * X + noise``, entry by
    entry -- masking noise first (a mask entry 1 keeps x, 0 sets it to 0),
    then additive noise (which is also added where the mask dropped x). The
    autoencoder of ``autoencode`` (sigmoid code, linear decoder) encodes and
    decodes the corrupted copy, ``R = g(f(X~))``, and the notes' denoising loss
    ``L(x, g(f(x~)))`` compares R with the clean X:
    ``L = (1/N) sum_n ||x_n - r_n||^2``. The autoencoder must undo the
    corruption, not copy its input.

    Example: ``X = [[2, 4]]``, ``mask = [[1, 0]]``, ``noise = [[0.5, 0.5]]``
    give ``X~ = [[2.5, 0.5]]``; if ``R = [[2, 3]]``, ``L = 0 + 1 = 1``.

    Parameters
    ----------
    X : array of shape (N, d), the clean inputs
    mask : array of shape (N, d) of 0s and 1s
    noise : array of shape (N, d)
    W_enc, b_enc, W_dec, b_dec : the weights, shaped as in ``autoencode``

    Returns
    -------
    (X~, R, L) : array of shape (N, d), array of shape (N, d), float
    """
    X = np.asarray(X, dtype=float)
    noisy = np.asarray(mask, dtype=float) * X + np.asarray(noise, dtype=float)
    _, R, _ = autoencode(noisy, W_enc, b_enc, W_dec, b_dec)
    return noisy, R, float(((X - R) ** 2).sum() / len(X))


def contractive_penalty(X, W_enc, b_enc, lam):
    """Return the contractive autoencoder's penalty and the encoder's Jacobians, in closed form.

    Time budget: 2 s of CPU per call (the course default).

    The encoder is ``h = sigmoid(W_enc x + b_enc)``. Its Jacobian at x has
    ``J[i, j] = dh_i / dx_j = h_i (1 - h_i) W_enc[i, j]`` (the sigmoid's
    derivative at the weighted input a_i is ``sigmoid(a_i) (1 - sigmoid(a_i))
    = h_i (1 - h_i)``), so row i of J is ``grad_x h_i``. The notes' penalty
    ``lam sum_i ||grad_x h_i||^2`` is lam times the SQUARED Frobenius norm of
    J, ``||J||_F^2 = sum_{i, j} J[i, j]^2``; for a batch it is averaged over
    the examples: ``P = (lam / N) sum_n ||J_n||_F^2``.

    Example: one example x = [1, 2], ``W_enc = [[0.5, -0.25]]``, ``b_enc = [0]``:
    the weighted input is 0, h = 0.5, h (1 - h) = 0.25, so
    ``J = [[0.125, -0.0625]]`` and, with lam = 2,
    ``P = 2 (0.125^2 + 0.0625^2) = 0.0390625``.

    Parameters
    ----------
    X : array of shape (N, d)
    W_enc : array of shape (k, d)
    b_enc : array of shape (k,)
    lam : float, lambda

    Returns
    -------
    (P, J) : float, array of shape (N, k, d) with J[n] the Jacobian at x_n
    """
    X = np.asarray(X, dtype=float)
    W_enc = np.asarray(W_enc, dtype=float)
    H = _sigmoid(X @ W_enc.T + np.asarray(b_enc, dtype=float))
    J = (H * (1.0 - H))[:, :, None] * W_enc[None, :, :]
    return float(lam * (J**2).sum() / len(X)), J


class DigitsAutoencoder(nn.Module):
    """An undercomplete autoencoder for the 8x8 digits (scikit-learn's ``load_digits``), and its training loop.

    Time budget: 10 s of CPU per call (this exercise's own limit).

    Registers, under exactly these names:

    - ``encoder``: ``nn.Linear(64, 16)``
    - ``decoder``: ``nn.Linear(16, 64)``

    ``forward(X)``: X of shape ``(N, 64)``, float32 pixels in [0, 1]; returns
    the reconstruction ``decoder(sigmoid(encoder(X)))``, shape ``(N, 64)``:
    a sigmoid code of 16 units and a LINEAR decoder (no sigmoid on the output).

    ``fit(X, epochs, eta)``: full-batch gradient descent, without
    ``torch.optim``. Each epoch is ONE step on all of X: zero the gradients,
    compute the loss ``L = (1/N) sum_n ||x_n - r_n||^2`` (summed over the 64
    pixels, averaged over the N examples: ``F.mse_loss(R, X,
    reduction="sum") / N``, NOT ``F.mse_loss``'s default mean), backpropagate
    it, then ``p <- p - eta * p.grad`` for every parameter under
    ``torch.no_grad()``. Returns the list of the epochs' losses, each computed
    before its step, as Python floats.

    The checks load weights by name, compare the reconstruction and
    autograd's gradients, compare three epochs of ``fit`` with the reference,
    and train on 1200 digits (100 epochs, eta = 0.1): the reconstruction
    error on 150 held-out digits must then be at most 0.75 times the
    error of reconstructing every digit as the training digits' mean image (a
    correct network reaches about 0.57). Training takes about 0.1 s of CPU.
    """

    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(64, 16)
        self.decoder = nn.Linear(16, 64)

    def forward(self, X):
        return self.decoder(torch.sigmoid(self.encoder(X)))

    def fit(self, X, epochs, eta):
        X = torch.as_tensor(X, dtype=torch.float32)
        losses = []
        for _ in range(int(epochs)):
            self.zero_grad()
            loss = F.mse_loss(self(X), X, reduction="sum") / X.shape[0]
            loss.backward()
            with torch.no_grad():
                for parameter in self.parameters():
                    parameter -= eta * parameter.grad
            losses.append(loss.item())
        return losses
