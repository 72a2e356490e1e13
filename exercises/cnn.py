"""Convolutional networks: convolution, pooling, residual blocks (course notes 1.5.1; slides on CNNs and ResNet).

Conventions used by every function and class in this module (they are torch's):

- images are laid out ``(batch, channels, height, width)``, ``(B, C, H, W)``,
  as torch lays them out (not channels last, as Keras and image files do).
- a conv layer's filters ``W`` have shape ``(C_out, C_in, k_h, k_w)``: filter
  o spans every input channel. Its bias ``b`` has shape ``(C_out,)``: ONE
  number per output channel, added once to every output position (the
  notes: "a 3x3 filter on an RGB image has 27 weights plus a bias").
- "convolution" means cross-correlation, as in torch and the notes' filters:
  the filter is laid on the image as it is, NOT flipped:
  ``Y[b, o, i, j] = b[o] + sum_{c, p, q} W[o, c, p, q] X_pad[b, c, i S_h + p D_h, j S_w + q D_w]``.
- ``padding`` P adds P rows of zeros at the top AND at the bottom, and P
  columns at the left AND at the right. ``stride`` S moves the filter S pixels
  at a time; ``dilation`` D spaces its taps D pixels apart (D = 1: adjacent).
  Each is one int (the same in both directions) or a pair ``(height, width)``.
- an output size is ``floor((n + 2P - D (k - 1) - 1) / S) + 1``: a window that
  would stick out past the padded input is dropped.

Accepted inputs: NumPy arrays of floats (or nested lists); return NumPy
arrays (lists and torch tensors are accepted too), or Python ints where the
docstring says so (checked: 2.0 is not a size or a count). Float answers are
compared at float64 tolerances (relative 1e-7), or at float32 tolerances
(relative 1e-4, absolute 1e-6) when they are float32. Loops are fine: each check calls a function a few times on small
inputs. Each call of a function may take up to 5 s of CPU time (15 s of wall
clock), whatever limits your course sets for other topics: a correct solution
written as plain nested loops over every pixel takes well under 0.1 s per
check. Each call into ``ResidualBlock`` or ``DigitsCNN`` may take up to 10 s of
CPU time (30 s of wall clock).

``ResidualBlock`` and ``DigitsCNN`` are torch modules: they take and return
float32 tensors of the layout above.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check cnn``). You may call your own
functions from one another (``conv2d`` can use ``conv_output_size``).
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def _pair(value):
    """Given (not an exercise): one int for both directions, or a (height, width) pair, as a pair of ints."""
    if np.ndim(value) == 0:
        return int(value), int(value)
    return int(value[0]), int(value[1])


def conv_output_size(n, kernel_size, padding=0, stride=1, dilation=1):
    """Return the size of a convolution's output along one direction (height or width).

    Time budget: 5 s of CPU per call (this exercise's own limit).

    ``floor((n + 2P - D (k - 1) - 1) / S) + 1``: the input grows by P zeros on
    EACH side, the filter spans ``D (k - 1) + 1`` pixels, and it fits at every
    S-th position where it lies wholly inside the padded input.

    Parameters
    ----------
    n : int
        the input's height (or width)
    kernel_size : int
        the filter's height (or width) k
    padding, stride, dilation : int
        P, S and D along the same direction

    Returns
    -------
    int
        integers only: there is no float32 or float64 arithmetic to do
    """
    raise NotImplementedError


def conv2d(X, W, b=None, stride=1, padding=0, dilation=1):
    """Return a 2-D convolution (cross-correlation) of a batch of images, as ``torch.nn.functional.conv2d``.

    Time budget: 5 s of CPU per call (this exercise's own limit).

    ``Y[b, o, i, j] = b[o] + sum_{c, p, q} W[o, c, p, q] X_pad[b, c, i S_h + p D_h, j S_w + q D_w]``,
    where ``X_pad`` is X with ``P_h`` rows of zeros at the top and at the
    bottom and ``P_w`` columns at the left and at the right. The filter is
    not flipped.

    Parameters
    ----------
    X : ndarray of shape (B, C_in, H, W)
    W : ndarray of shape (C_out, C_in, k_h, k_w)
    b : ndarray of shape (C_out,), or None for no bias
    stride, padding, dilation : int or (int, int)

    Returns
    -------
    ndarray of shape (B, C_out, H_out, W_out), with H_out and W_out as ``conv_output_size`` gives them
    """
    raise NotImplementedError


def conv2d_backward(X, W, b, G, stride=1, padding=0, dilation=1):
    """Return the gradients ``(dL/dX, dL/dW, dL/db)`` of ``L = sum(G * conv2d(X, W, b, stride, padding, dilation))``.

    Time budget: 5 s of CPU per call (this exercise's own limit).

    Every product ``W[o, c, p, q] X_pad[b, c, i S_h + p D_h, j S_w + q D_w]``
    of the forward pass sends ``G[b, o, i, j]`` times the other factor back:

    - ``dL/db[o] = sum_{b, i, j} G[b, o, i, j]`` (b[o] is added at every output position, once);
    - ``dL/dW[o, c, p, q] = sum_{b, i, j} G[b, o, i, j] X_pad[b, c, i S_h + p D_h, j S_w + q D_w]``;
    - ``dL/dX_pad`` collects ``G[b, o, i, j] W[o, c, p, q]`` at every pixel a
      tap touched (a pixel several windows touch adds them all up); ``dL/dX``
      is ``dL/dX_pad`` with the padding's rows and columns cut off, so it has
      X's shape. Pixels no window reaches get 0.

    The checks compare with torch autograd's gradients through ``F.conv2d``.

    Parameters
    ----------
    X, W, b, stride, padding, dilation : as for ``conv2d`` (``b`` may be None: return None for dL/db)
    G : ndarray of shape (B, C_out, H_out, W_out)
        the upstream gradient dL/dY

    Returns
    -------
    tuple (dX of shape (B, C_in, H, W), dW of shape (C_out, C_in, k_h, k_w), db of shape (C_out,) or None)
    """
    raise NotImplementedError


def pool2d(X, kernel_size, stride=None, mode="max"):
    """Return max or average pooling of each channel, as ``F.max_pool2d`` and ``F.avg_pool2d`` (no padding).

    Time budget: 5 s of CPU per call (this exercise's own limit).

    ``Y[b, c, i, j]`` is the largest (``mode="max"``) or the mean
    (``mode="avg"``) of the window ``X[b, c, i S_h : i S_h + k_h, j S_w : j S_w + k_w]``.
    The stride defaults to the kernel size (windows side by side); a window
    that would stick out past the edge is dropped, so the output size is
    ``floor((n - k) / S) + 1``.

    Parameters
    ----------
    X : ndarray of shape (B, C, H, W)
    kernel_size : int or (int, int)
        (k_h, k_w)
    stride : int or (int, int) or None
        (S_h, S_w); None means the kernel size
    mode : "max" or "avg"

    Returns
    -------
    ndarray of shape (B, C, H_out, W_out)
    """
    raise NotImplementedError


def pool2d_backward(X, G, kernel_size, stride=None, mode="max"):
    """Return the gradient ``dL/dX`` of ``L = sum(G * pool2d(X, kernel_size, stride, mode))``.

    Time budget: 5 s of CPU per call (this exercise's own limit).

    - ``mode="avg"``: every element of a window gets ``G[b, c, i, j] / (k_h k_w)``.
    - ``mode="max"``: the whole of ``G[b, c, i, j]`` goes to ONE element of
      the window, its maximum. Where the window holds the maximum more than
      once (a tie), the FIRST one in row-major order gets it (the top row
      first, left to right in a row), as torch's ``max_pool2d`` does; the other
      elements get 0.
    - where windows overlap (a stride smaller than the kernel), an element
      adds up the gradients of every window it belongs to; an element in no
      window gets 0.

    Parameters
    ----------
    X : ndarray of shape (B, C, H, W)
    G : ndarray of shape (B, C, H_out, W_out)
        the upstream gradient dL/dY
    kernel_size, stride, mode : as for ``pool2d``

    Returns
    -------
    ndarray of shape (B, C, H, W)
    """
    raise NotImplementedError


def conv_parameter_count(in_channels, out_channels, kernel_size, bias=True):
    """Return the number of trainable parameters of a conv layer ``nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias)``.

    Time budget: 5 s of CPU per call (this exercise's own limit).

    Each of the C_out filters has ``C_in k_h k_w`` weights (it spans every
    input channel) and, with ``bias``, one bias.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    bias : bool

    Returns
    -------
    int
        integers only: there is no float32 or float64 arithmetic to do
    """
    raise NotImplementedError


def receptive_field(layers):
    """Return the receptive field of one unit of the last layer of a stack: how many input pixels it sees along a direction.

    Time budget: 5 s of CPU per call (this exercise's own limit).

    ``layers`` lists the stack from the input up, each layer (a convolution
    or a pooling) as ``(kernel_size, stride)`` or ``(kernel_size, stride,
    dilation)``, ints along one direction. A layer whose input units are
    ``j`` input pixels apart (``j`` is the product of the strides of the layers
    below it; 1 for the first) widens the field by ``D (k - 1) j``:
    ``r = 1 + sum_l D_l (k_l - 1) j_l``. Padding does not change it.

    Parameters
    ----------
    layers : list of tuples of ints

    Returns
    -------
    int
        integers only: there is no float32 or float64 arithmetic to do
    """
    raise NotImplementedError


class ResidualBlock(nn.Module):
    """A residual block, ``relu(shortcut(x) + F(x))`` with ``F(x) = conv2(relu(conv1(x)))`` (slides: ResNet).

    Time budget: 10 s of CPU per call (this exercise's own limit).

    Parameters
    ----------
    in_channels, out_channels : int
        C_in and C_out
    stride : int
        the stride of conv1 (and of the projection)

    Registers, under exactly these names (the checks load weights by them):

    - ``conv1``: ``nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1)``
    - ``conv2``: ``nn.Conv2d(out_channels, out_channels, 3, padding=1)``
    - ``proj``: ``nn.Conv2d(in_channels, out_channels, 1, stride=stride)``, the
      1x1 projection of the shortcut, ONLY when x and F(x) differ in shape
      (``in_channels != out_channels`` or ``stride != 1``); otherwise the
      shortcut is x itself and the block has no ``proj`` parameters.

    All with their biases, float32, and no batch normalisation.
    ``forward(X)``: X of shape ``(B, C_in, H, W)``; returns
    ``relu(shortcut(X) + conv2(relu(conv1(X))))`` of shape
    ``(B, C_out, H_out, W_out)``, attached to the graph.
    """

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        raise NotImplementedError

    def forward(self, X):
        raise NotImplementedError


class DigitsCNN(nn.Module):
    """A small CNN for the 8x8 digits (scikit-learn's ``load_digits``), with named layers, and its training loop.

    Time budget: 10 s of CPU per call (this exercise's own limit).

    Registers, under exactly these names:

    - ``conv1``: ``nn.Conv2d(1, 8, 3, padding=1)``
    - ``conv2``: ``nn.Conv2d(8, 16, 3, padding=1)``
    - ``fc``: ``nn.Linear(64, 10)``

    ``forward(X)``: X of shape ``(N, 1, 8, 8)``, pixels in [-1, 1]; conv1, ReLU,
    2x2 max pooling (to 8 x 4 x 4), conv2, ReLU, 2x2 max pooling (to 16 x 2 x 2),
    flattened channel by channel as ``H.flatten(1)`` does (channel 0's four
    values first), then fc. Returns the logits, shape ``(N, 10)`` (no softmax).

    ``fit(X, y, epochs, eta, seed)``: mini-batch SGD on the mean cross-entropy
    of the logits (``F.cross_entropy``), without ``torch.optim``. Epoch e
    (from 0) takes the examples in the order
    ``np.random.default_rng([seed, e]).permutation(N)``, in batches of 32 (the
    last one shorter); for each batch: zero the gradients, backpropagate the
    batch's cost, then ``p <- p - eta * p.grad`` for every parameter (under
    ``torch.no_grad()``). ``y`` holds int64 labels. Returns the list of the
    epochs' costs, each the mean of its batches' costs, as Python floats.

    The checks load weights by name, compare the output and autograd's
    gradients, compare two epochs of ``fit`` with the reference, and train on
    1200 digits (8 epochs, eta = 0.2): the network must then classify at least
    70% of the 597 held-out digits correctly (a correct network reaches about
    95%). Training takes about 0.3 s of CPU; each call may take up to 10 s.
    """

    def __init__(self):
        super().__init__()
        raise NotImplementedError

    def forward(self, X):
        raise NotImplementedError

    def fit(self, X, y, epochs, eta, seed):
        raise NotImplementedError
