"""Pruning: magnitude masks of one layer and of a whole network, structured masks, the saliencies of
Optimal Brain Damage and of SNIP, and the lottery-ticket procedure (course notes 1.11).

Conventions used by every function in this module:

- a MASK has the shape of the weights it prunes: True (or 1) where a weight
  is KEPT, False (or 0) where it is pruned; pruning sets a weight to 0.
  Return masks as arrays of bools (or of 0 and 1).
- the number of weights (or neurons) pruned from n at sparsity s is
  ``round(s * n)``, to the NEAREST integer, as ``torch.nn.utils.prune`` does
  for a float amount. The checks never give an ``s * n`` near a half.
- magnitude pruning removes the weights of SMALLEST magnitude ``|w|``.
  Among equal magnitudes, the one of SMALLER FLAT INDEX (row-major order,
  the order of ``W.ravel()``) is pruned first: a stable sort of the
  magnitudes, ``np.argsort(np.abs(W).ravel(), kind="stable")``, lists the
  weights in the order they go. (``torch.nn.utils.prune`` does not say
  which of equal magnitudes it prunes; the checks give equal magnitudes at
  the threshold, so follow this rule.)
- a layer has torch's ``nn.Linear`` layout ``(n_out, n_in)``, a convolution
  ``(c_out, c_in, kh, kw)``; a NEURON (an output channel) is a slice
  ``W[i]`` along axis 0.
- the small network of OBD and SNIP is ``z = W2 sigma(W1 x + b1) + b2``
  with the logistic sigmoid ``sigma``, ``W1`` of shape (h, d), ``W2`` (k, h);
  a batch ``X`` has ONE EXAMPLE PER ROW, shape (n, d), with targets ``Y`` of
  shape (n, k); the error is the quadratic cost averaged over the batch,
  ``E = 1/(2n) sum_n ||z_n - y_n||^2``.

Inputs are NumPy arrays of floats (or lists of them), floats and ints; start
with ``W = np.asarray(W, dtype=float)``. Return NumPy arrays (float64, or
float32: float answers are compared with float32 tolerances, relative 1e-4,
absolute 1e-6) and masks of bools or 0/1. Each call may use the CPU time your
course gives a call (2 s); every function here needs a few milliseconds.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check pruning``).
"""

import numpy as np


def magnitude_mask(W, sparsity):
    """Return the magnitude-pruning mask of one layer: the ``round(sparsity * W.size)`` weights of smallest ``|w|`` pruned.

    Time budget: 2 s of CPU per call (the course default).

    Ties in ``|w|`` are broken by the flat index: the smaller index is
    pruned first. Exactly ``round(sparsity * W.size)`` weights are pruned,
    even when more weights share the threshold's magnitude.

    For example ``W = [[0.5, -0.25, 1], [-0.25, 2, -0.125]]``: at sparsity
    1/3, 2 weights go, 0.125 (flat index 5) and the -0.25 of flat index 1
    (it ties with the -0.25 of index 3, which stays): the mask is
    ``[[1, 0, 1], [1, 1, 0]]``. At sparsity 0.5, 3 go:
    ``[[1, 0, 1], [0, 1, 0]]``.

    Parameters
    ----------
    W : ndarray of any shape
        the weights of one layer
    sparsity : float
        in [0, 1], the fraction of the weights to prune

    Returns
    -------
    ndarray of bool (or 0/1) of W's shape
        True where a weight is kept
    """
    raise NotImplementedError


def global_magnitude_masks(weights, sparsity):
    """Return the masks of GLOBAL magnitude pruning of several layers, and which layers collapse.

    Time budget: 2 s of CPU per call (the course default).

    All N weights of all layers are ranked together: the
    ``round(sparsity * N)`` of smallest ``|w|`` are pruned, wherever they
    are, so a layer of small weights loses more than the sparsity and a
    layer of large ones less. Ties are broken by the global flat index:
    the layers in the order given, each row-major (layer 0's weights
    first). A layer COLLAPSES when every one of its weights is pruned:
    nothing passes through it any more.

    For example the layers ``[[1, -0.5], [0.25, 2]]`` and
    ``[[0.125, -0.25, 0.0625]]`` (7 weights): at sparsity 0.4, 3 go,
    0.0625, 0.125 and the 0.25 of layer 0 (it comes before the -0.25 of
    layer 1): masks ``[[1, 1], [0, 1]]`` and ``[[0, 1, 0]]``, collapsed
    ``[False, False]``. At sparsity 0.6, 4 go and the second layer
    collapses: masks ``[[1, 1], [0, 1]]`` and ``[[0, 0, 0]]``, collapsed
    ``[False, True]``.

    Parameters
    ----------
    weights : list of ndarrays
        the layers, in order, of any shapes
    sparsity : float
        in [0, 1], the fraction of ALL the weights to prune

    Returns
    -------
    (masks, collapsed)
        masks: a list of bool (or 0/1) arrays, one per layer, of its
        shape; collapsed: a list of bools, one per layer
    """
    raise NotImplementedError


def structured_mask(W, sparsity, p):
    """Return the mask of STRUCTURED pruning: the ``round(sparsity * W.shape[0])`` neurons of smallest L_p norm pruned whole.

    Time budget: 2 s of CPU per call (the course default).

    A neuron (an output channel) is the slice ``W[i]``: row i of a linear
    layer's ``(n_out, n_in)`` weights, or output channel i of a
    convolution's ``(c_out, c_in, kh, kw)``. Its norm is taken over all of
    its entries: ``(sum |w|^p)^(1/p)`` with p = 1 or 2. Ties are broken by
    the smaller neuron index. Every entry of a pruned neuron is False in
    the mask, every entry of a kept one True. This is the mask
    ``torch.nn.utils.prune.ln_structured(module, "weight", sparsity, n=p, dim=0)``
    gives.

    For example ``W = [[3, 0, 0], [1, 1, 1.5], [0.5, 0.5, 0.5]]``: the L1
    norms are 3, 3.5 and 1.5, the L2 norms 3, 2.06 and 0.87. At sparsity
    1/3 with p = 1 only neuron 2 goes: ``[[1, 1, 1], [1, 1, 1], [0, 0, 0]]``.
    At sparsity 2/3, p = 1 prunes neurons 2 and 0,
    ``[[0, 0, 0], [1, 1, 1], [0, 0, 0]]``, and p = 2 neurons 2 and 1,
    ``[[1, 1, 1], [0, 0, 0], [0, 0, 0]]``.

    Parameters
    ----------
    W : ndarray of shape (n_out, n_in) or (c_out, c_in, kh, kw)
    sparsity : float
        in [0, 1], the fraction of the NEURONS to prune
    p : int
        1 or 2, the norm

    Returns
    -------
    ndarray of bool (or 0/1) of W's shape
    """
    raise NotImplementedError


def obd_saliencies(W1, b1, W2, b2, X, Y):
    """Return Optimal Brain Damage's saliencies ``s_i = h_ii u_i^2 / 2`` of every weight of W1 and of W2.

    Time budget: 2 s of CPU per call (the course default).

    Deleting weight u_i changes it by ``delta u_i = -u_i``; the notes'
    Taylor expansion of the error keeps, for OBD, only the diagonal
    second-order term ``1/2 h_ii delta u_i^2``, with
    ``h_ii = d^2 E / d u_i^2`` (the first-order term is dropped: OBD assumes
    a trained network, where the gradient vanishes). Compute ``h_ii``
    EXACTLY for the network of the module's docstring, at the weights
    given. With ``a = sigma(u)``, ``u = W1 x + b1``, for one example:

    - ``d^2 E / d W2[j, k]^2 = a_k^2``;
    - ``d^2 E / d W1[k, m]^2 = x_m^2 (sigma'(u_k)^2 sum_j W2[j, k]^2 + sigma''(u_k) sum_j (z_j - y_j) W2[j, k])``,

    averaged over the n examples, where ``sigma' = a (1 - a)`` and
    ``sigma'' = a (1 - a)(1 - 2a)``. Both parts count (leaving the second
    out is the Gauss-Newton approximation). Biases are not pruned and get
    no saliency.

    For example ``W1 = [[0.5, -1], [1, 0.5]]``, ``b1 = [0, 0.5]``,
    ``W2 = [[1, -0.5]]``, ``b2 = [0.25]``, ``X = [[1, 0], [0, -1], [0.5, 0.5]]``,
    ``Y = [[0.5], [1], [0]]`` give ``S1 = [[0.003115, 0.013421],
    [0.001551, 0.000879]]`` and ``S2 = [[0.185599, 0.063443]]`` (to six
    places).

    Parameters
    ----------
    W1 : ndarray of shape (h, d)
    b1 : ndarray of shape (h,)
    W2 : ndarray of shape (k, h)
    b2 : ndarray of shape (k,)
    X : ndarray of shape (n, d)
        one example per row
    Y : ndarray of shape (n, k)
        the targets

    Returns
    -------
    (S1, S2)
        ndarrays of the shapes of W1 and W2
    """
    raise NotImplementedError


def snip_saliencies(W1, b1, W2, b2, X, Y):
    """Return SNIP's connection sensitivities ``s_i = |g_i w_i|`` of every weight of W1 and of W2, NOT normalised.

    Time budget: 2 s of CPU per call (the course default).

    ``g_i = dE / dw_i`` is the gradient of the error on the batch (X, Y) at
    the weights given (a network at initialisation, not trained):
    ``|g_i w_i|`` is the size of the first-order change of E when w_i is
    removed. SNIP's paper divides the sensitivities by their sum over all
    weights, which changes no ranking; return them WITHOUT that division.
    Biases get no sensitivity.

    For example, the network and batch of ``obd_saliencies``' example give
    ``S1 = [[0.004714, 0.029898], [0.003413, 0.007761]]`` and
    ``S2 = [[0.029413, 0.011396]]`` (to six places).

    Parameters
    ----------
    W1, b1, W2, b2, X, Y : ndarrays
        as in ``obd_saliencies``

    Returns
    -------
    (S1, S2)
        ndarrays of the shapes of W1 and W2
    """
    raise NotImplementedError


def lottery_ticket(W_init, X, Y, eta, steps, rounds, rate):
    """Return the mask, the ticket and the last trained weights of iterative magnitude pruning with rewinding (the lottery-ticket procedure).

    Time budget: 2 s of CPU per call (the course default).

    The network is one linear layer ``W`` of shape (k, d), trained by
    gradient descent on ``E(W) = 1/(2n) ||X W^T - Y||^2``: one training
    step is ``W <- (W - eta (X W^T - Y)^T X / n) * M``, the update and then
    the mask M, so a pruned weight stays 0. Start with M all True, then
    each of ``rounds`` rounds:

    1. rewind: ``W = W_init * M``, the surviving weights back at their
       INITIAL values;
    2. train: ``steps`` training steps from there;
    3. prune: of the weights still alive (M True), the
       ``round(rate * survivors)`` of smallest trained ``|w|`` (ties: the
       smaller flat index first) become False in M.

    Return the final mask, the ticket ``W_init * M`` (the initial weights of
    the subnetwork to train in isolation) and the weights the LAST round's
    training ended with, before that round's pruning. A good shape for the
    code is a training function of (W, M) that you call from the loop.

    For example ``W_init = [[1, -0.5], [0.25, 0.75]]``,
    ``X = [[1, 0], [0, 1], [1, 1], [1, -1]]``,
    ``Y = [[2, 0], [0, 1], [2, 1], [2, -1]]``, ``eta = 0.5``, ``steps = 2``,
    ``rate = 0.5``: training gives ``[[1.609, -0.195], [0.098, 0.902]]``,
    so with ``rounds = 1`` the mask is ``[[1, 0], [0, 1]]`` and the ticket
    ``[[1, 0], [0, 0.75]]``, and the trained weights are the four above;
    with ``rounds = 2`` the second round trains ``[[1, 0], [0, 0.75]]`` to
    ``[[1.609, 0], [0, 0.902]]`` and prunes one more, leaving the mask
    ``[[1, 0], [0, 0]]`` and the ticket ``[[1, 0], [0, 0]]``.

    Parameters
    ----------
    W_init : ndarray of shape (k, d)
        the initial weights
    X : ndarray of shape (n, d)
        one example per row
    Y : ndarray of shape (n, k)
        the targets
    eta : float
        the step of gradient descent
    steps : int
        training steps per round
    rounds : int
        rounds of train, prune, rewind
    rate : float
        the fraction of the surviving weights pruned each round

    Returns
    -------
    (M, ticket, trained)
        M: bool (or 0/1) array of shape (k, d); ticket: ``W_init * M``;
        trained: ndarray of shape (k, d), the last round's trained weights
    """
    raise NotImplementedError
