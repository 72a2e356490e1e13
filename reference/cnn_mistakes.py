"""Known mistakes in the convolution exercises, each a variant of a reference.

Every function (or class) has the signature (or interface) of the reference
it varies; the exercise declarations in ``grader/catalog/cnn.py`` name them
with a hint. The functions vary :mod:`reference.cnn`; the classes vary the
torch modules of :mod:`reference.cnn_torch`.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from reference.cnn import _pool_geometry, _window, _windows, conv2d, conv2d_backward, pair, pool2d, pool2d_backward
from reference.cnn_torch import DigitsCNN, ResidualBlock

# -- conv_output_size ------------------------------------------------------------------------


def conv_output_size_no_floor(n, kernel_size, padding=0, stride=1, dilation=1):
    """``(n + 2P - D (k - 1) - 1) / S + 1`` with a true division: a window that sticks out counts as a fraction."""
    return (n + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1


def conv_output_size_padding_outside_stride(n, kernel_size, padding=0, stride=1, dilation=1):
    """``floor((n - D (k - 1) - 1) / S) + 1 + 2P``: the padding is added after the division by the stride."""
    return (n - dilation * (kernel_size - 1) - 1) // stride + 1 + 2 * padding


def conv_output_size_one_side_padding(n, kernel_size, padding=0, stride=1, dilation=1):
    """``floor((n + P - D (k - 1) - 1) / S) + 1``: the padding counted on one side only."""
    return (n + padding - dilation * (kernel_size - 1) - 1) // stride + 1


def conv_output_size_dilation_ignored(n, kernel_size, padding=0, stride=1, dilation=1):
    """``floor((n + 2P - k) / S) + 1``: the filter's span taken as k whatever the dilation."""
    return (n + 2 * padding - kernel_size) // stride + 1


# -- conv2d ------------------------------------------------------------------------------------


def conv2d_flipped_kernel(X, W, b=None, stride=1, padding=0, dilation=1):
    """True convolution: the filter flipped in both directions before it slides."""
    return conv2d(X, np.asarray(W, dtype=float)[:, :, ::-1, ::-1], b, stride, padding, dilation)


def conv2d_one_side_padding(X, W, b=None, stride=1, padding=0, dilation=1):
    """P rows of zeros at the top and P columns at the left only (none at the bottom and right)."""
    p_h, p_w = pair(padding)
    X = np.pad(np.asarray(X, dtype=float), ((0, 0), (0, 0), (p_h, 0), (p_w, 0)))
    return conv2d(X, W, b, stride, 0, dilation)


def conv2d_channels_last(X, W, b=None, stride=1, padding=0, dilation=1):
    """The output laid out channels last, ``(B, H_out, W_out, C_out)``, as Keras and images on disk have it."""
    return conv2d(X, W, b, stride, padding, dilation).transpose(0, 2, 3, 1)


def conv2d_bias_per_input_channel(X, W, b=None, stride=1, padding=0, dilation=1):
    """The bias added inside the sum over input channels: C_in times b[o]."""
    Y = conv2d(X, W, None, stride, padding, dilation)
    return Y if b is None else Y + np.asarray(X).shape[1] * np.asarray(b, dtype=float)[None, :, None, None]


# -- conv2d_backward ------------------------------------------------------------------------


def conv2d_backward_unflipped_filters(X, W, b, G, stride=1, padding=0, dilation=1):
    """dL/dX sent back through the filters mirrored (each tap's gradient goes to the mirrored tap's pixel)."""
    dX, _, _ = conv2d_backward(X, np.asarray(W, dtype=float)[:, :, ::-1, ::-1], b, G, stride, padding, dilation)
    _, dW, db = conv2d_backward(X, W, b, G, stride, padding, dilation)
    return dX, dW, db


def conv2d_backward_padding_kept(X, W, b, G, stride=1, padding=0, dilation=1):
    """dL/dX of the padded input: the padding's rows and columns are not cut off."""
    p_h, p_w = pair(padding)
    X_pad = np.pad(np.asarray(X, dtype=float), ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)))
    return conv2d_backward(X_pad, W, b, G, stride, 0, dilation)


def conv2d_backward_bias_averaged(X, W, b, G, stride=1, padding=0, dilation=1):
    """dL/db as the mean of G over the batch and the positions instead of the sum."""
    dX, dW, _ = conv2d_backward(X, W, b, G, stride, padding, dilation)
    return dX, dW, np.asarray(G, dtype=float).mean(axis=(0, 2, 3))


def conv2d_backward_bias_per_input_channel(X, W, b, G, stride=1, padding=0, dilation=1):
    """The bias counted once per input channel: dL/db is C_in times the sum of G."""
    dX, dW, db = conv2d_backward(X, W, b, G, stride, padding, dilation)
    return dX, dW, np.asarray(X).shape[1] * db


# -- pool2d ------------------------------------------------------------------------------------


def pool2d_stride_one(X, kernel_size, stride=None, mode="max"):
    """The stride defaults to 1 (overlapping windows) instead of to the kernel size."""
    return pool2d(X, kernel_size, 1 if stride is None else stride, mode)


def pool2d_partial_windows_kept(X, kernel_size, stride=None, mode="max"):
    """Windows that stick out past the edge are kept, pooled over the part inside (torch's ceil_mode=True)."""
    X, (k_h, k_w), (s_h, s_w), _ = _pool_geometry(X, kernel_size, stride)
    H, W = X.shape[2:]
    rows, columns = -(-(H - k_h) // s_h) + 1, -(-(W - k_w) // s_w) + 1
    Y = np.zeros((*X.shape[:2], rows, columns))
    for i in range(rows):
        for j in range(columns):
            part = X[:, :, i * s_h : i * s_h + k_h, j * s_w : j * s_w + k_w]
            Y[:, :, i, j] = part.max(axis=(2, 3)) if mode == "max" else part.mean(axis=(2, 3))
    return Y


def pool2d_kernel_swapped(X, kernel_size, stride=None, mode="max"):
    """The kernel and stride pairs read as (width, height)."""
    k_h, k_w = pair(kernel_size)
    stride = None if stride is None else pair(stride)[::-1]
    return pool2d(X, (k_w, k_h), stride, mode)


# -- pool2d_backward ----------------------------------------------------------------------------


def _max_backward(X, G, kernel_size, stride, share):
    """Max pooling's backward where ``share(windows, g)`` says what each tap of each window receives."""
    X, kernel, strides, out = _pool_geometry(X, kernel_size, stride)
    windows = _windows(X, kernel, strides, out)
    received = share(windows, np.asarray(G, dtype=float)[..., None])
    dX = np.zeros_like(X)
    for p in range(kernel[0]):
        for q in range(kernel[1]):
            _window(dX, p, q, strides, (1, 1), out)[...] += received[..., p * kernel[1] + q]
    return dX


def pool2d_backward_whole_window(X, G, kernel_size, stride=None, mode="max"):
    """Max pooling's gradient sent to every element of the window, not only to its maximum."""
    if mode != "max":
        return pool2d_backward(X, G, kernel_size, stride, mode)
    return _max_backward(X, G, kernel_size, stride, lambda windows, g: np.broadcast_to(g, windows.shape))


def pool2d_backward_every_tied_maximum(X, G, kernel_size, stride=None, mode="max"):
    """Every element equal to the window's maximum gets the whole gradient (ties each get G)."""
    if mode != "max":
        return pool2d_backward(X, G, kernel_size, stride, mode)
    return _max_backward(X, G, kernel_size, stride, lambda windows, g: np.where(windows == windows.max(-1, keepdims=True), g, 0.0))


def pool2d_backward_last_maximum(X, G, kernel_size, stride=None, mode="max"):
    """Ties broken the other way: the LAST maximum of the window in row-major order gets the gradient."""
    if mode != "max":
        return pool2d_backward(X, G, kernel_size, stride, mode)

    def share(windows, g):
        last = windows.shape[-1] - 1 - windows[..., ::-1].argmax(axis=-1)
        return np.where(np.arange(windows.shape[-1]) == last[..., None], g, 0.0)

    return _max_backward(X, G, kernel_size, stride, share)


def pool2d_backward_overlaps_overwritten(X, G, kernel_size, stride=None, mode="max"):
    """Where windows overlap, a later window's gradient replaces an earlier one's instead of adding to it."""
    X, (k_h, k_w), (s_h, s_w), (H_out, W_out) = _pool_geometry(X, kernel_size, stride)
    G = np.asarray(G, dtype=float)
    dX = np.zeros_like(X)
    for i in range(H_out):
        for j in range(W_out):
            part = X[:, :, i * s_h : i * s_h + k_h, j * s_w : j * s_w + k_w]
            if mode == "max":
                first = part.reshape(*part.shape[:2], -1).argmax(axis=-1)
                share = (np.arange(k_h * k_w) == first[..., None]).reshape(part.shape) * G[:, :, i, j, None, None]
                target = dX[:, :, i * s_h : i * s_h + k_h, j * s_w : j * s_w + k_w]
                target[...] = np.where(share != 0, share, target)
            else:
                dX[:, :, i * s_h : i * s_h + k_h, j * s_w : j * s_w + k_w] = G[:, :, i, j, None, None] / (k_h * k_w)
    return dX


def pool2d_backward_average_not_divided(X, G, kernel_size, stride=None, mode="max"):
    """Average pooling's gradient sent whole to every element of the window, not divided by k_h k_w."""
    if mode != "avg":
        return pool2d_backward(X, G, kernel_size, stride, mode)
    k_h, k_w = pair(kernel_size)
    return pool2d_backward(X, G, kernel_size, stride, mode) * (k_h * k_w)


# -- conv_parameter_count ----------------------------------------------------------------------


def conv_parameter_count_bias_per_input_channel(in_channels, out_channels, kernel_size, bias=True):
    """A bias for every (output, input) channel pair: C_out C_in (k_h k_w + 1)."""
    k_h, k_w = pair(kernel_size)
    return out_channels * in_channels * (k_h * k_w + (1 if bias else 0))


def conv_parameter_count_input_channels_forgotten(in_channels, out_channels, kernel_size, bias=True):
    """Each filter taken as one k_h x k_w plane: C_out (k_h k_w + 1), as if C_in were 1."""
    k_h, k_w = pair(kernel_size)
    return out_channels * (k_h * k_w + (1 if bias else 0))


def conv_parameter_count_one_bias(in_channels, out_channels, kernel_size, bias=True):
    """One bias for the whole layer: C_out C_in k_h k_w + 1."""
    k_h, k_w = pair(kernel_size)
    return out_channels * in_channels * k_h * k_w + (1 if bias else 0)


# -- receptive_field -------------------------------------------------------------------------------


def _field(layers, step):
    field, jump = 1, 1
    for layer in layers:
        kernel_size, stride = int(layer[0]), int(layer[1])
        dilation = int(layer[2]) if len(layer) > 2 else 1
        field, jump = step(field, jump, kernel_size, stride, dilation)
    return field


def receptive_field_strides_ignored(layers):
    """``1 + sum D (k - 1)``: every layer's field grown as if the strides below it were 1."""
    return _field(layers, lambda r, j, k, s, d: (r + d * (k - 1), 1))


def receptive_field_own_stride(layers):
    """The layer's own stride multiplied in before its kernel is added: ``j_l`` includes ``S_l``."""
    return _field(layers, lambda r, j, k, s, d: (r + d * (k - 1) * j * s, j * s))


def receptive_field_kernels_added(layers):
    """The kernel sizes added up, ``sum k``: neither the overlap of neighbouring windows nor the strides counted."""
    return sum(int(layer[0]) for layer in layers)


def receptive_field_dilation_ignored(layers):
    """Dilated layers counted as if their taps were adjacent: ``1 + sum (k - 1) j``."""
    return _field(layers, lambda r, j, k, s, d: (r + (k - 1) * j, j * s))


# -- ResidualBlock ------------------------------------------------------------------------------------


class ResidualBlockReluBeforeAddition(ResidualBlock):
    """``shortcut(x) + relu(F(x))``: the ReLU applied to F(x) before the addition instead of after it."""

    def forward(self, X):
        shortcut = X if self.proj is None else self.proj(X)
        return shortcut + torch.relu(self.conv2(torch.relu(self.conv1(X))))


class ResidualBlockNoInnerRelu(ResidualBlock):
    """``F(x) = conv2(conv1(x))``: no ReLU between the two convolutions."""

    def forward(self, X):
        shortcut = X if self.proj is None else self.proj(X)
        return torch.relu(shortcut + self.conv2(self.conv1(X)))


class ResidualBlockNoProjection(ResidualBlock):
    """No 1x1 projection on the shortcut: x itself is added, so its channels cannot match F(x)'s when they differ."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__(in_channels, out_channels, stride)
        self.proj = None

    def forward(self, X):
        return torch.relu(X + self.conv2(torch.relu(self.conv1(X))))


class ResidualBlockAlwaysProjected(ResidualBlock):
    """A 1x1 projection even where the shortcut can be x itself (same channels, stride 1)."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__(in_channels, out_channels, stride)
        if self.proj is None:
            self.proj = torch.nn.Conv2d(in_channels, out_channels, 1, stride=stride)


# -- DigitsCNN -------------------------------------------------------------------------------------------


class DigitsCNNChannelsLast(DigitsCNN):
    """The pooled maps flattened channels last (``permute(0, 2, 3, 1)`` first), so fc sees the features in another order."""

    def forward(self, X):
        H = F.max_pool2d(torch.relu(self.conv1(X)), 2)
        H = F.max_pool2d(torch.relu(self.conv2(H)), 2)
        return self.fc(H.permute(0, 2, 3, 1).flatten(1))


class DigitsCNNNoRelu(DigitsCNN):
    """No ReLU after the convolutions: conv, then pooling."""

    def forward(self, X):
        H = F.max_pool2d(self.conv1(X), 2)
        H = F.max_pool2d(self.conv2(H), 2)
        return self.fc(H.flatten(1))


class DigitsCNNAveragePooling(DigitsCNN):
    """2x2 average pooling where the network asks for max pooling."""

    def forward(self, X):
        H = F.avg_pool2d(torch.relu(self.conv1(X)), 2)
        H = F.avg_pool2d(torch.relu(self.conv2(H)), 2)
        return self.fc(H.flatten(1))


class DigitsCNNGradientsNeverZeroed(DigitsCNN):
    """``fit`` never zeroes the gradients, so each step also applies every earlier batch's gradients."""

    def _fit(self, X, y, epochs, eta, seed):
        costs = []
        for epoch in range(epochs):
            order = torch.as_tensor(np.random.default_rng([seed, epoch]).permutation(len(X)))
            total, count = 0.0, 0
            for start in range(0, len(X), 32):
                batch = order[start : start + 32]
                cost = F.cross_entropy(self(X[batch]), y[batch])
                cost.backward()
                with torch.no_grad():
                    for parameter in self.parameters():
                        parameter -= eta * parameter.grad
                total, count = total + cost.item(), count + 1
            costs.append(total / count)
        return costs
