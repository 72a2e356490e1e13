"""Custom autograd Functions: backpropagation written by hand, inside torch (course notes 1.3.3-1.3.5).

A ``torch.autograd.Function`` is an operation whose gradient you write
yourself. Its ``forward(ctx, *inputs)`` computes the output and keeps what
the gradient needs (``ctx.save_for_backward(...)``); its
``backward(ctx, upstream)`` receives the *upstream* gradient, the gradient
of the loss with respect to the output (any tensor of the output's shape,
not only ones), and returns the gradient of the loss with respect to each
input of ``forward``, in the same order, with ``None`` in the place of an
input that needs no gradient. It is used as ``Sigmoid.apply(a)``, never by
calling ``forward`` directly.

Conventions used by every class in this module:

- inputs are float64 tensors in the checks (as ``torch.autograd.gradcheck``
  uses); return tensors of the inputs' dtype and shape (an answer computed
  in float32 is compared with float32 tolerances, relative 1e-4);
- write the gradient's formula in ``backward``: do not call ``.backward()``
  or ``torch.autograd`` inside ``forward`` or ``backward``;
- the sigmoid is ``sigma(a) = 1 / (1 + exp(-a))`` and its derivative
  ``sigma'(a) = sigma(a) (1 - sigma(a))``, as in ``backprop.py``.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check autograd``). The checks call
``apply`` on random inputs with a random upstream gradient and compare the
output and your gradients with the reference's, entry by entry.
"""

import torch


class Sigmoid(torch.autograd.Function):
    """The sigmoid of every entry, with its gradient written by hand.

    Time budget: 2 s of CPU per call (the course default).

    ``forward(ctx, a)``: ``a`` is a tensor of any shape; returns ``sigma(a)``,
    the same shape. Keep what ``backward`` needs with ``ctx.save_for_backward``.

    ``backward(ctx, upstream)``: ``upstream`` has the output's shape; returns
    the gradient with respect to ``a``, ``upstream * sigma'(a)`` entry by
    entry. Entries of ``a`` as large as +-800 must give outputs 1 and 0 and a
    gradient of 0, never NaN.
    """

    @staticmethod
    def forward(ctx, a):
        # exp of a non-positive number never overflows: split by the sign of a.
        e = torch.exp(-a.abs())
        s = torch.where(a >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, upstream):
        (s,) = ctx.saved_tensors
        return upstream * s * (1 - s)


class SoftmaxCrossEntropy(torch.autograd.Function):
    """The mean cross-entropy of a softmax output layer, with its gradient written by hand (notes 1.3.4).

    Time budget: 2 s of CPU per call (the course default).

    ``forward(ctx, logits, targets)``: ``logits`` of shape ``(m, k)`` are the
    output layer's weighted inputs, one example per row, and ``targets`` of
    shape ``(m, k)`` hold one probability distribution over the ``k`` classes
    per row (a one-hot row for a label). Returns the scalar (a 0-d tensor)
    ``C = -(1/m) sum_x sum_j t_xj ln softmax(a_x)_j``, where
    ``softmax(a)_j = exp(a_j) / sum_i exp(a_i)`` runs over the classes of one
    example. Logits as large as +-1000 must give a finite cost: subtract each
    row's maximum before exponentiating.

    ``backward(ctx, upstream)``: ``upstream`` is a 0-d tensor, the gradient
    of the loss with respect to C (not necessarily 1). Returns
    ``(upstream * (softmax(logits) - targets) / m, None)``: the gradient with
    respect to the logits, and ``None`` for the targets, which need none.
    """

    @staticmethod
    def forward(ctx, logits, targets):
        shifted = logits - logits.max(dim=1, keepdim=True).values
        log_p = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
        ctx.save_for_backward(torch.exp(log_p), targets)
        return -(targets * log_p).sum() / logits.shape[0]

    @staticmethod
    def backward(ctx, upstream):
        p, targets = ctx.saved_tensors
        return upstream * (p - targets) / p.shape[0], None
