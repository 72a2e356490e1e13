"""Convolutional network references in torch; they must agree with :mod:`reference.cnn`.

Same names, signatures and conventions (see that module's docstring). The
convolution is written with ``Tensor.unfold`` (im2col: each window a column,
then one matrix product) rather than torch's own ``F.conv2d``, which the
tests keep as the gold reference; its gradients come from autograd. Pooling
picks each window's first maximum with ``argmax`` over the unfolded
windows. The modules are built of ``nn.Conv2d`` and ``nn.Linear`` with the
parameter names the exercises promise. Functions compute in float64. The sizes and counts are read off torch
itself: the output size from the shape ``F.conv2d`` gives, the parameter
count from ``nn.Conv2d``'s parameters, and the receptive field from the
pixels that autograd's gradient of one output unit reaches.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from reference.cnn import pair

POOL_MODES = ("max", "avg")


def _t(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x, dtype=float), dtype=torch.float64)


def conv_output_size(n, kernel_size, padding=0, stride=1, dilation=1) -> int:
    """The width of ``F.conv2d``'s output on a 1 x n image."""
    X, W = torch.zeros(1, 1, 1, int(n)), torch.zeros(1, 1, 1, int(kernel_size))
    return int(F.conv2d(X, W, padding=(0, int(padding)), stride=(1, int(stride)), dilation=(1, int(dilation))).shape[-1])


def conv_parameter_count(in_channels, out_channels, kernel_size, bias=True) -> int:
    """The number of entries of ``nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias)``'s parameters."""
    layer = nn.Conv2d(int(in_channels), int(out_channels), pair(kernel_size), bias=bool(bias), device="meta")
    return int(sum(parameter.numel() for parameter in layer.parameters()))


def receptive_field(layers) -> int:
    """The span of the input pixels that reach one output unit: autograd through a stack of all-ones 1-D convolutions."""
    layers = [(int(layer[0]), int(layer[1]), int(layer[2]) if len(layer) > 2 else 1) for layer in layers]
    width, jump = 1, 1
    for kernel_size, stride, dilation in layers:
        width, jump = width + dilation * (kernel_size - 1) * jump, jump * stride
    X = torch.ones(1, 1, 1, 4 * width, dtype=torch.float64, requires_grad=True)
    H = X
    for kernel_size, stride, dilation in layers:
        H = F.conv2d(H, torch.ones(1, 1, 1, kernel_size, dtype=torch.float64), stride=(1, stride), dilation=(1, dilation))
    (gradient,) = torch.autograd.grad(H[0, 0, 0, 0], [X])
    reached = torch.nonzero(gradient[0, 0, 0]).flatten()
    return int(reached.max() - reached.min() + 1)


def _unfold(X: torch.Tensor, kernel, stride, dilation) -> torch.Tensor:
    """Every window: shape (B, C, H_out, W_out, k_h, k_w), the taps spaced by the dilation."""
    (k_h, k_w), (s_h, s_w), (d_h, d_w) = kernel, stride, dilation
    span_h, span_w = d_h * (k_h - 1) + 1, d_w * (k_w - 1) + 1
    windows = X.unfold(2, span_h, s_h).unfold(3, span_w, s_w)
    return windows[..., ::d_h, ::d_w]


def _conv(X: torch.Tensor, W: torch.Tensor, b, stride, padding, dilation) -> torch.Tensor:
    (p_h, p_w) = pair(padding)
    X_pad = F.pad(X, (p_w, p_w, p_h, p_h))
    windows = _unfold(X_pad, W.shape[2:], pair(stride), pair(dilation))
    Y = torch.einsum("bchwpq,ocpq->bohw", windows, W)
    return Y if b is None else Y + b[None, :, None, None]


def conv2d(X, W, b=None, stride=1, padding=0, dilation=1) -> torch.Tensor:
    """Cross-correlation by im2col: ``Y[b, o, i, j] = b[o] + sum W[o, c, p, q] X_pad[b, c, i S + p D, j S + q D]``."""
    return _conv(_t(X), _t(W), None if b is None else _t(b), stride, padding, dilation)


def conv2d_backward(X, W, b, G, stride=1, padding=0, dilation=1):
    """``(dL/dX, dL/dW, dL/db)`` for ``L = sum(G * conv2d(X, W, b))``, by autograd."""
    X, W = _t(X).requires_grad_(True), _t(W).requires_grad_(True)
    bias = None if b is None else _t(b).requires_grad_(True)
    inputs = [X, W] + ([bias] if bias is not None else [])
    gradients = torch.autograd.grad((_conv(X, W, bias, stride, padding, dilation) * _t(G)).sum(), inputs)
    return gradients[0], gradients[1], (gradients[2] if bias is not None else None)


def pool2d(X, kernel_size, stride=None, mode="max") -> torch.Tensor:
    """Max or average over each window (no padding, stride defaulting to the kernel size)."""
    if mode not in POOL_MODES:
        raise ValueError(f"mode should be one of {POOL_MODES}, not {mode!r}")
    windows = _unfold(_t(X), pair(kernel_size), pair(kernel_size if stride is None else stride), (1, 1))
    flat = windows.flatten(-2)
    return flat.max(dim=-1).values if mode == "max" else flat.mean(dim=-1)


def pool2d_backward(X, G, kernel_size, stride=None, mode="max") -> torch.Tensor:
    """``dL/dX`` by autograd through a pooling whose max picks the first maximum of each window (``argmax``)."""
    if mode not in POOL_MODES:
        raise ValueError(f"mode should be one of {POOL_MODES}, not {mode!r}")
    X = _t(X).requires_grad_(True)
    windows = _unfold(X, pair(kernel_size), pair(kernel_size if stride is None else stride), (1, 1)).flatten(-2)
    if mode == "max":
        first = windows.detach().argmax(dim=-1, keepdim=True)  # the first of equal maxima
        Y = windows.gather(-1, first).squeeze(-1)
    else:
        Y = windows.mean(dim=-1)
    (dX,) = torch.autograd.grad((Y * _t(G)).sum(), [X])
    return dX


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread inside the block: a batch of 32 digits is too small to share, and threads that
    wait for each other on a busy machine make training many times slower (the sandbox's children use one)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


class ResidualBlock(nn.Module):
    """``relu(shortcut(x) + conv2(relu(conv1(x))))``, the shortcut a 1x1 conv ``proj`` when the shape changes."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        if in_channels != out_channels or stride != 1:
            self.proj = nn.Conv2d(in_channels, out_channels, 1, stride=stride)
        else:
            self.proj = None

    def forward(self, X):
        shortcut = X if self.proj is None else self.proj(X)
        return torch.relu(shortcut + self.conv2(torch.relu(self.conv1(X))))


class DigitsCNN(nn.Module):
    """conv1 (1 to 8, 3x3, padding 1), ReLU, 2x2 max pool, conv2 (8 to 16), ReLU, 2x2 max pool, flatten, fc (64 to 10)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(64, 10)

    def forward(self, X):
        H = F.max_pool2d(torch.relu(self.conv1(X)), 2)
        H = F.max_pool2d(torch.relu(self.conv2(H)), 2)
        return self.fc(H.flatten(1))

    def fit(self, X, y, epochs, eta, seed):
        """Mini-batch SGD on the mean cross-entropy, batches of 32 in the order ``default_rng([seed, epoch]).permutation(N)``."""
        with one_thread():
            return self._fit(torch.as_tensor(X), torch.as_tensor(y, dtype=torch.int64), int(epochs), eta, int(seed))

    def _fit(self, X, y, epochs, eta, seed):
        costs = []
        for epoch in range(epochs):
            order = torch.as_tensor(np.random.default_rng([seed, epoch]).permutation(len(X)))
            total, count = 0.0, 0
            for start in range(0, len(X), 32):
                batch = order[start : start + 32]
                cost = F.cross_entropy(self(X[batch]), y[batch])
                self.zero_grad()
                cost.backward()
                with torch.no_grad():
                    for parameter in self.parameters():
                        parameter -= eta * parameter.grad
                total, count = total + cost.item(), count + 1
            costs.append(total / count)
        return costs
