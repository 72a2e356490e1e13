"""Convolutional network references in NumPy (course notes 1.5.1; slides on CNN padding and stride, ResNet).

Conventions every function here follows (they are torch's):

- images are laid out ``(batch, channels, height, width)``; a layer's filters
  ``W`` are ``(C_out, C_in, k_h, k_w)`` and its bias ``b`` is ``(C_out,)``, one
  number per output channel (the notes' ``w_0``: "a 3x3 filter on RGB has 27
  weights plus a bias").
- "convolution" is cross-correlation, as in torch and the notes' filters: the
  filter is laid on the input as it is, never flipped,
  ``Y[b, o, i, j] = b[o] + sum_{c, p, q} W[o, c, p, q] X_pad[b, c, i S_h + p D_h, j S_w + q D_w]``.
- ``padding`` P adds P rows of zeros at the top AND at the bottom, P columns at
  the left AND at the right; ``stride`` S moves the filter S pixels at a time;
  ``dilation`` D spaces the filter's taps D pixels apart. Each may be one
  number (both directions) or a pair ``(height, width)``.
- an output size is ``floor((n + 2P - D (k - 1) - 1) / S) + 1``: a window
  that would stick out past the padded input is dropped.
- pooling has no padding; its stride defaults to its kernel size, and
  windows that would stick out are dropped (torch's ``ceil_mode=False``).
  Max pooling's gradient goes to ONE element of each window, the first
  maximum in row-major order (the top row first, left to right), which is
  where torch's ``max_pool2d`` sends it; where windows overlap, the
  gradients an element receives add up.

Each function has its formula in its docstring; :func:`conv2d_loops` and
:func:`conv2d_backward_loops` are the naive seven-deep loops beside the
vectorised versions, and agree with them (``tests/test_cnn.py``).
"""

from __future__ import annotations

import numpy as np

POOL_MODES = ("max", "avg")


def pair(value) -> tuple[int, int]:
    """One number for both directions, or a (height, width) pair, as a pair of ints."""
    if np.ndim(value) == 0:
        return int(value), int(value)
    first, second = value
    return int(first), int(second)


# -- sizes and counts -----------------------------------------------------------------------


def conv_output_size(n, kernel_size, padding=0, stride=1, dilation=1) -> int:
    """The output size of a convolution along one direction: ``floor((n + 2P - D (k - 1) - 1) / S) + 1``.

    Parameters
    ----------
    n : int
        the input's size (height or width)
    kernel_size, padding, stride, dilation : int
        the filter's size k, the zeros P added on EACH side, the step S, the spacing D of the taps

    Returns
    -------
    int
    """
    span = int(dilation) * (int(kernel_size) - 1) + 1
    return (int(n) + 2 * int(padding) - span) // int(stride) + 1


def conv_parameter_count(in_channels, out_channels, kernel_size, bias=True) -> int:
    """The trainable numbers of a conv layer: ``C_out (C_in k_h k_w + 1)``, without the 1 when ``bias`` is False.

    Each of the C_out filters spans every input channel (``C_in k_h k_w`` weights) and has one bias.
    """
    k_h, k_w = pair(kernel_size)
    return int(out_channels) * (int(in_channels) * k_h * k_w + (1 if bias else 0))


def receptive_field(layers) -> int:
    """The receptive field, in input pixels along one direction, of one unit after a stack of layers.

    ``layers`` lists ``(kernel_size, stride)`` or ``(kernel_size, stride,
    dilation)`` from the input up (a pooling layer is a layer too). With
    ``j_l`` the product of the strides of the layers below layer l (the
    distance in input pixels between two neighbouring units of its input),
    ``r = 1 + sum_l D_l (k_l - 1) j_l``. Padding does not change it.
    """
    field, jump = 1, 1
    for layer in layers:
        kernel_size, stride = int(layer[0]), int(layer[1])
        dilation = int(layer[2]) if len(layer) > 2 else 1
        field += dilation * (kernel_size - 1) * jump
        jump *= stride
    return field


# -- convolution --------------------------------------------------------------------------------


def _geometry(X, W, stride, padding, dilation):
    X, W = np.asarray(X, dtype=float), np.asarray(W, dtype=float)
    (s_h, s_w), (p_h, p_w), (d_h, d_w) = pair(stride), pair(padding), pair(dilation)
    k_h, k_w = W.shape[2:]
    H_out = conv_output_size(X.shape[2], k_h, p_h, s_h, d_h)
    W_out = conv_output_size(X.shape[3], k_w, p_w, s_w, d_w)
    X_pad = np.pad(X, ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)))
    return X, W, X_pad, (s_h, s_w), (p_h, p_w), (d_h, d_w), (H_out, W_out)


def _window(array, p, q, strides, dilations, out):
    """The entries that tap (p, q) of the filter meets at every output position: shape (..., H_out, W_out)."""
    (s_h, s_w), (d_h, d_w), (H_out, W_out) = strides, dilations, out
    return array[..., p * d_h : p * d_h + s_h * (H_out - 1) + 1 : s_h, q * d_w : q * d_w + s_w * (W_out - 1) + 1 : s_w]


def _columns(X_pad, kernel, strides, dilations, out):
    """Every window of the padded input (im2col, as a view): shape (B, C, H_out, W_out, k_h, k_w)."""
    (k_h, k_w), (s_h, s_w), (d_h, d_w), (H_out, W_out) = kernel, strides, dilations, out
    spans = (d_h * (k_h - 1) + 1, d_w * (k_w - 1) + 1)
    windows = np.lib.stride_tricks.sliding_window_view(X_pad, spans, axis=(2, 3))
    return windows[:, :, : s_h * (H_out - 1) + 1 : s_h, : s_w * (W_out - 1) + 1 : s_w, ::d_h, ::d_w]


def conv2d(X, W, b=None, stride=1, padding=0, dilation=1):
    """A 2-D convolution (cross-correlation) over a batch, as ``torch.nn.functional.conv2d``.

    ``Y[b, o, i, j] = b[o] + sum_{c, p, q} W[o, c, p, q] X_pad[b, c, i S_h + p D_h, j S_w + q D_w]``

    Parameters
    ----------
    X : ndarray of shape (B, C_in, H, W)
    W : ndarray of shape (C_out, C_in, k_h, k_w)
    b : ndarray of shape (C_out,) or None
    stride, padding, dilation : int or (int, int)

    Returns
    -------
    ndarray of shape (B, C_out, H_out, W_out)
    """
    X, W, X_pad, strides, _, dilations, out = _geometry(X, W, stride, padding, dilation)
    cols = _columns(X_pad, W.shape[2:], strides, dilations, out)
    Y = np.tensordot(cols, W, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    if b is not None:
        Y = Y + np.asarray(b, dtype=float)[None, :, None, None]
    return Y


def conv2d_loops(X, W, b=None, stride=1, padding=0, dilation=1):
    """:func:`conv2d` as seven nested loops: batch, output channel, output row and column, input channel, filter row and column."""
    X, W, X_pad, (s_h, s_w), _, (d_h, d_w), (H_out, W_out) = _geometry(X, W, stride, padding, dilation)
    B, C_in = X.shape[:2]
    C_out, _, k_h, k_w = W.shape
    Y = np.zeros((B, C_out, H_out, W_out))
    for n in range(B):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    total = 0.0 if b is None else float(b[o])
                    for c in range(C_in):
                        for p in range(k_h):
                            for q in range(k_w):
                                total += W[o, c, p, q] * X_pad[n, c, i * s_h + p * d_h, j * s_w + q * d_w]
                    Y[n, o, i, j] = total
    return Y


def conv2d_backward(X, W, b, G, stride=1, padding=0, dilation=1):
    """The gradients of ``L = sum(G * conv2d(X, W, b, ...))``: ``(dL/dX, dL/dW, dL/db)``.

    - ``dL/db[o] = sum_{b, i, j} G[b, o, i, j]`` (the bias is added at every output position);
    - ``dL/dW[o, c, p, q] = sum_{b, i, j} G[b, o, i, j] X_pad[b, c, i S_h + p D_h, j S_w + q D_w]``;
    - ``dL/dX_pad[b, c, i S_h + p D_h, j S_w + q D_w] += G[b, o, i, j] W[o, c, p, q]`` over every
      (o, i, j, p, q), then the padding's rows and columns are cut off: ``dL/dX`` has X's shape.
      Pixels no window reaches get 0.

    Parameters
    ----------
    X, W, b : as for :func:`conv2d` (``b`` may be None: its gradient is then None)
    G : ndarray of shape (B, C_out, H_out, W_out)
        the upstream gradient dL/dY

    Returns
    -------
    tuple (ndarray (B, C_in, H, W), ndarray (C_out, C_in, k_h, k_w), ndarray (C_out,) or None)
    """
    X, W, X_pad, strides, (p_h, p_w), dilations, out = _geometry(X, W, stride, padding, dilation)
    G = np.asarray(G, dtype=float)
    dX_pad = np.zeros_like(X_pad)
    dW = np.tensordot(G, _columns(X_pad, W.shape[2:], strides, dilations, out), axes=([0, 2, 3], [0, 2, 3]))
    spread = np.tensordot(G, W, axes=([1], [0]))  # (B, H_out, W_out, C_in, k_h, k_w): what each tap sends back
    for p in range(W.shape[2]):
        for q in range(W.shape[3]):
            _window(dX_pad, p, q, strides, dilations, out)[...] += spread[..., p, q].transpose(0, 3, 1, 2)
    dX = dX_pad[:, :, p_h : p_h + X.shape[2], p_w : p_w + X.shape[3]]
    db = None if b is None else G.sum(axis=(0, 2, 3))
    return dX, dW, db


def conv2d_backward_loops(X, W, b, G, stride=1, padding=0, dilation=1):
    """:func:`conv2d_backward` as seven nested loops over every product the forward pass made."""
    X, W, X_pad, (s_h, s_w), (p_h, p_w), (d_h, d_w), (H_out, W_out) = _geometry(X, W, stride, padding, dilation)
    G = np.asarray(G, dtype=float)
    B, C_in = X.shape[:2]
    C_out, _, k_h, k_w = W.shape
    dX_pad, dW = np.zeros_like(X_pad), np.zeros_like(W)
    db = None if b is None else np.zeros(C_out)
    for n in range(B):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    g = G[n, o, i, j]
                    if db is not None:
                        db[o] += g
                    for c in range(C_in):
                        for p in range(k_h):
                            for q in range(k_w):
                                row, column = i * s_h + p * d_h, j * s_w + q * d_w
                                dW[o, c, p, q] += g * X_pad[n, c, row, column]
                                dX_pad[n, c, row, column] += g * W[o, c, p, q]
    return dX_pad[:, :, p_h : p_h + X.shape[2], p_w : p_w + X.shape[3]], dW, db


# -- pooling ---------------------------------------------------------------------------------------


def _pool_geometry(X, kernel_size, stride):
    X = np.asarray(X, dtype=float)
    k_h, k_w = pair(kernel_size)
    s_h, s_w = pair(kernel_size if stride is None else stride)
    out = (conv_output_size(X.shape[2], k_h, 0, s_h), conv_output_size(X.shape[3], k_w, 0, s_w))
    return X, (k_h, k_w), (s_h, s_w), out


def _check_mode(mode):
    if mode not in POOL_MODES:
        raise ValueError(f"mode should be one of {POOL_MODES}, not {mode!r}")


def _windows(X, kernel, strides, out):
    """Every window of X, shape (B, C, H_out, W_out, k_h * k_w), its entries in row-major order."""
    taps = [_window(X, p, q, strides, (1, 1), out) for p in range(kernel[0]) for q in range(kernel[1])]
    return np.stack(taps, axis=-1)


def pool2d(X, kernel_size, stride=None, mode="max"):
    """Max or average pooling over each channel's windows, as ``F.max_pool2d`` / ``F.avg_pool2d`` (no padding).

    ``Y[b, c, i, j]`` is the largest (``"max"``) or the mean (``"avg"``) of
    ``X[b, c, i S_h : i S_h + k_h, j S_w : j S_w + k_w]``; the stride defaults to the kernel size.

    Parameters
    ----------
    X : ndarray of shape (B, C, H, W)
    kernel_size, stride : int or (int, int); stride None means kernel_size
    mode : "max" or "avg"

    Returns
    -------
    ndarray of shape (B, C, H_out, W_out)
    """
    _check_mode(mode)
    X, kernel, strides, out = _pool_geometry(X, kernel_size, stride)
    windows = _windows(X, kernel, strides, out)
    return windows.max(axis=-1) if mode == "max" else windows.mean(axis=-1)


def pool2d_backward(X, G, kernel_size, stride=None, mode="max"):
    """The gradient ``dL/dX`` of ``L = sum(G * pool2d(X, ...))``.

    Average pooling gives every element of a window ``G / (k_h k_w)``. Max
    pooling gives the whole of ``G[b, c, i, j]`` to ONE element of the window:
    its first maximum in row-major order (the tie rule of torch's
    ``max_pool2d``). Where windows overlap an element collects the gradients
    of every window it belongs to; elements in no window get 0.

    Parameters
    ----------
    X : ndarray of shape (B, C, H, W)
    G : ndarray of shape (B, C, H_out, W_out)
    kernel_size, stride, mode : as for :func:`pool2d`

    Returns
    -------
    ndarray of shape (B, C, H, W)
    """
    _check_mode(mode)
    X, kernel, strides, out = _pool_geometry(X, kernel_size, stride)
    G = np.asarray(G, dtype=float)
    if mode == "max":
        first = _windows(X, kernel, strides, out).argmax(axis=-1)  # argmax keeps the first of equal maxima
    dX = np.zeros_like(X)
    for p in range(kernel[0]):
        for q in range(kernel[1]):
            if mode == "max":
                share = np.where(first == p * kernel[1] + q, G, 0.0)
            else:
                share = G / (kernel[0] * kernel[1])
            _window(dX, p, q, strides, (1, 1), out)[...] += share
    return dX


# -- modules (the NumPy protocol of grader.object_scripts) -----------------------------------------


def relu(Z):
    return np.maximum(Z, 0.0)


class _Conv:
    """A conv layer's parameters by name (``<name>.weight``, ``<name>.bias``) and its forward and backward."""

    def __init__(self, name, in_channels, out_channels, kernel_size, stride=1, padding=0):
        self.name, self.stride, self.padding = name, stride, padding
        k_h, k_w = pair(kernel_size)
        self.weight, self.bias = np.zeros((out_channels, in_channels, k_h, k_w)), np.zeros(out_channels)

    def state(self):
        return {f"{self.name}.weight": self.weight, f"{self.name}.bias": self.bias}

    def load(self, state):
        self.weight = np.asarray(state[f"{self.name}.weight"], dtype=float)
        self.bias = np.asarray(state[f"{self.name}.bias"], dtype=float)

    def forward(self, X):
        self.X = X
        return conv2d(X, self.weight, self.bias, self.stride, self.padding)

    def backward(self, G, grads):
        dX, grads[f"{self.name}.weight"], grads[f"{self.name}.bias"] = conv2d_backward(
            self.X, self.weight, self.bias, G, self.stride, self.padding
        )
        return dX


class ResidualBlock:
    """``relu(shortcut(x) + conv2(relu(conv1(x))))``; the shortcut is x, or a 1x1 conv ``proj`` when the shape changes.

    ``conv1``: 3x3, stride ``stride``, padding 1, C_in to C_out; ``conv2``: 3x3,
    padding 1, C_out to C_out; ``proj``: 1x1, stride ``stride``, C_in to C_out,
    present only when ``in_channels != out_channels`` or ``stride != 1``.
    """

    def __init__(self, in_channels, out_channels, stride=1):
        self.layers = [_Conv("conv1", in_channels, out_channels, 3, stride, 1), _Conv("conv2", out_channels, out_channels, 3, 1, 1)]
        self.proj = _Conv("proj", in_channels, out_channels, 1, stride) if in_channels != out_channels or stride != 1 else None
        self.training = True

    def _all(self):
        return self.layers + ([self.proj] if self.proj else [])

    def state_dict(self):
        return {name: value for layer in self._all() for name, value in layer.state().items()}

    def load_state_dict(self, state):
        for layer in self._all():
            layer.load(state)

    def forward(self, X):
        X = np.asarray(X, dtype=float)
        self.A1 = self.layers[0].forward(X)
        F_x = self.layers[1].forward(relu(self.A1))
        self.S = (self.proj.forward(X) if self.proj else X) + F_x
        return relu(self.S)

    def backward(self, upstream):
        grads = {}
        dS = np.asarray(upstream, dtype=float) * (self.S > 0)
        dZ1 = self.layers[1].backward(dS, grads) * (self.A1 > 0)
        dX = self.layers[0].backward(dZ1, grads)
        dX = dX + (self.proj.backward(dS, grads) if self.proj else dS)
        return (dX,), grads


def _softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


class DigitsCNN:
    """The digits CNN: ``conv1`` (1 to 8 channels, 3x3, padding 1), ReLU, 2x2 max pooling, ``conv2`` (8 to 16, 3x3,
    padding 1), ReLU, 2x2 max pooling, flattened channel by channel (torch's ``flatten(1)``), ``fc`` (64 to 10 logits).

    :meth:`fit` is mini-batch SGD on the mean cross-entropy: each epoch takes the examples in the order
    ``np.random.default_rng([seed, epoch]).permutation(N)``, in batches of 32 (the last one shorter), one step
    ``p <- p - eta dC/dp`` per batch, and returns each epoch's mean batch cost.
    """

    BATCH = 32

    def __init__(self):
        self.convs = [_Conv("conv1", 1, 8, 3, 1, 1), _Conv("conv2", 8, 16, 3, 1, 1)]
        self.fc_weight, self.fc_bias = np.zeros((10, 64)), np.zeros(10)
        self.training = True

    def state_dict(self):
        state = {name: value for conv in self.convs for name, value in conv.state().items()}
        state.update({"fc.weight": self.fc_weight, "fc.bias": self.fc_bias})
        return state

    def load_state_dict(self, state):
        for conv in self.convs:
            conv.load(state)
        self.fc_weight = np.asarray(state["fc.weight"], dtype=float)
        self.fc_bias = np.asarray(state["fc.bias"], dtype=float)

    def forward(self, X):
        H = np.asarray(X, dtype=float)
        self.saved = []
        for conv in self.convs:
            A = conv.forward(H)
            self.saved.append((A, relu(A)))
            H = pool2d(relu(A), 2)
        self.flat = H.reshape(len(H), -1)
        return self.flat @ self.fc_weight.T + self.fc_bias

    def backward(self, upstream):
        G = np.asarray(upstream, dtype=float)
        grads = {"fc.weight": G.T @ self.flat, "fc.bias": G.sum(axis=0)}
        dH = (G @ self.fc_weight).reshape(len(G), 16, 2, 2)
        for conv, (A, R) in zip(reversed(self.convs), reversed(self.saved)):
            dH = conv.backward(pool2d_backward(R, dH, 2) * (A > 0), grads)
        return (dH,), grads

    def fit(self, X, y, epochs, eta, seed):
        from threadpoolctl import threadpool_limits  # installed with scikit-learn

        # Products of a few hundred numbers: BLAS threads only wait for each other (and much longer on a busy machine).
        with threadpool_limits(limits=1):
            return self._fit(np.asarray(X, dtype=float), np.asarray(y, dtype=int), epochs, eta, seed)

    def _fit(self, X, y, epochs, eta, seed):
        costs = []
        for epoch in range(int(epochs)):
            order = np.random.default_rng([int(seed), epoch]).permutation(len(X))
            batch_costs = []
            for start in range(0, len(X), self.BATCH):
                batch = order[start : start + self.BATCH]
                P = _softmax(self.forward(X[batch]))
                m = len(batch)
                batch_costs.append(float(-np.log(P[np.arange(m), y[batch]]).mean()))
                delta = P.copy()
                delta[np.arange(m), y[batch]] -= 1.0
                _, grads = self.backward(delta / m)
                self.load_state_dict({name: value - eta * grads[name] for name, value in self.state_dict().items()})
            costs.append(sum(batch_costs) / len(batch_costs))
        return costs
