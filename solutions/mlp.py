"""A sigmoid network as a torch ``nn.Module``, and gradient descent by autograd (course notes 1.3.3-1.3.5, figure 3).

The network of ``backprop.py``, written the way torch code is written: the
layers are ``nn.Linear`` modules, autograd computes the gradients, and one
step of gradient descent updates the parameters in place. Conventions, the
notes' mapped onto torch:

- a network with layer sizes ``[n_1, ..., n_L]`` keeps its layers 2 to L in
  ``self.layers``, an ``nn.ModuleList`` of ``nn.Linear``; layer l's weights
  ``W^l``, of shape ``(n_l, n_{l-1})``, are the ``weight`` of
  ``nn.Linear(n_{l-1}, n_l)`` (torch stores a weight as (out, in), the
  notes' layout), and ``b^l`` its ``bias``;
- so the parameters are named ``layers.0.weight``, ``layers.0.bias``, ...,
  ``layers.{L-2}.weight``, ``layers.{L-2}.bias`` (``layers.0.weight`` is
  ``W^2``), as ``model.state_dict()`` lists them; register nothing else;
- every layer applies the sigmoid, the output layer included:
  ``z^l = sigma(W^l z^{l-1} + b^l)`` with ``z^1 = x``;
- a mini-batch ``X`` has one example per row, shape ``(m, n_1)``, and the
  tensors are float32, torch's default.

``train`` and ``predict_labels`` train a classifier and use it: the
checks hand them a network of their own (ReLU layers, dropout, logits out),
compare a short run of ``train`` with the reference's step by step, then let
it train on the 8x8 digits of scikit-learn and measure the accuracy on
digits it never saw (at least 90%; a correct loop reaches about 95%). A
correct ``train`` takes about 0.2 s of CPU there; these two functions may
use 10 s of CPU per call, the others the course's limit.

``digits_weights.pt`` is a file you hand in beside this module: the
trained weights of the network ``nn.ModuleList([nn.Linear(64, 32),
nn.Linear(32, 10)])`` held as ``layers`` (a ReLU between the two layers,
logits out), saved with ``torch.save(model.state_dict(),
"digits_weights.pt")``. Train it with your ``train`` on the first 1200
digits of ``sklearn.datasets.load_digits()`` (pixels divided by 16); the
checks load the file into their own copy of the network (with
``torch.load(..., weights_only=True)``: save the state_dict, not the model)
and measure it on the other 597 digits: at least 85% right, and every digit
recognised at least 60% of the time.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check mlp``). The checks build your
network, load weights into it by these names, and compare its outputs and
autograd's gradients with the reference's.
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class SigmoidMLP(nn.Module):
    """A fully connected network with the sigmoid in every layer (notes 1.3.3).

    Time budget: 2 s of CPU per call (the course default).

    Parameters
    ----------
    sizes : list of int
        ``[n_1, ..., n_L]``, the number of neurons of each layer, input first
        (at least two layers)
    """

    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:]))

    def forward(self, X):
        """Return the output ``z^L`` of every example of ``X``, a tensor of shape ``(m, n_L)``.

        ``X`` is a tensor of shape ``(m, n_1)``. The result stays attached to
        the graph, so that autograd can compute the gradients of anything
        computed from it.
        """
        z = X
        for layer in self.layers:
            z = torch.sigmoid(layer(z))
        return z

    def probabilities(self, X):
        """Return the softmax over the ``n_L`` classes of the output layer's weighted input, shape ``(m, n_L)``.

        For each example, ``softmax(a^L)_j = exp(a^L_j) / sum_i exp(a^L_i)``
        with ``a^L = W^L z^{L-1} + b^L`` (the output layer's input before its
        sigmoid), so every row is positive and sums to 1.
        """
        z = X
        for layer in self.layers[:-1]:
            z = torch.sigmoid(layer(z))
        return torch.softmax(self.layers[-1](z), dim=1)


def sgd_step(model, X, Y, eta):
    """Take one step of mini-batch gradient descent on the quadratic cost, with autograd and without torch.optim.

    Time budget: 2 s of CPU per call (the course default).

    The cost of the batch is ``C = 1/(2m) sum_x ||y_x - z^L_x||^2`` (the
    mean over the m examples of the cost of ``backprop.py``), and every
    parameter ``p`` of ``model`` becomes ``p - eta * dC/dp``, in place, as
    ``backprop.sgd_step`` computes it. Compute the gradients with
    ``C.backward()``, update the parameters under ``torch.no_grad()``, and
    leave every ``.grad`` zeroed (or None) for the next step.

    Parameters
    ----------
    model : nn.Module
        a network whose ``model(X)`` gives ``z^L`` (a ``SigmoidMLP``, or any
        other network); its parameters are changed in place
    X : tensor of shape (m, n_1)
    Y : tensor of shape (m, n_L)
        the desired outputs, one row per example
    eta : float
        the learning rate

    Returns
    -------
    float
        the cost ``C`` of the batch before the step, as a Python float
    """
    model.zero_grad()
    cost = ((Y - model(X)) ** 2).sum() / (2 * X.shape[0])
    cost.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter -= eta * parameter.grad
    model.zero_grad()
    return cost.item()


def train(model, X, y, epochs, eta, seed):
    """Train ``model`` in place by mini-batch gradient descent on the cross-entropy cost; return each epoch's mean cost.

    Time budget: 10 s of CPU per call (this exercise's own limit).

    The procedure, step by step (the checks reproduce it exactly, so follow it):

    - put the model in training mode, ``model.train()``: its dropout layers
      are then active;
    - in epoch ``e = 0, ..., epochs - 1`` the examples are visited in the
      order ``np.random.default_rng([seed, e]).permutation(m)``, in
      mini-batches of 32 consecutive indices of that order (the last one may
      be smaller); each example keeps its own label;
    - the cost of a mini-batch is the mean cross-entropy of its examples,
      ``torch.nn.functional.cross_entropy(model(X_batch), y_batch)`` (the
      model's outputs are logits); zero the gradients, call ``backward()``
      and take one step ``p <- p - eta * dC/dp`` for every parameter
      (``torch.optim.SGD(model.parameters(), lr=eta)`` takes exactly this step);
    - an epoch's cost is the mean of its mini-batches' costs.

    Parameters
    ----------
    model : nn.Module
        a network whose outputs are logits, one per class; changed in place
    X : tensor of shape (m, n_1), float32
    y : tensor of shape (m,), int64
        the labels, ``0`` to ``K - 1``
    epochs : int
    eta : float
        the learning rate
    seed : int

    Returns
    -------
    list of float
        the mean cost of each epoch, ``epochs`` numbers
    """
    model.train()
    optimiser = torch.optim.SGD(model.parameters(), lr=eta)
    costs = []
    for epoch in range(epochs):
        order = torch.from_numpy(np.random.default_rng([seed, epoch]).permutation(len(X)))
        batch_costs = []
        for start in range(0, len(X), 32):
            batch = order[start : start + 32]
            cost = F.cross_entropy(model(X[batch]), y[batch])
            optimiser.zero_grad()
            cost.backward()
            optimiser.step()
            batch_costs.append(cost.item())
        costs.append(sum(batch_costs) / len(batch_costs))
    return costs


def predict_labels(model, X):
    """Return the class a trained model predicts for each example: the index of its largest output.

    Time budget: 10 s of CPU per call (this exercise's own limit).

    Evaluate the model as a trained model is evaluated: in evaluation mode
    (``model.eval()``, so that dropout does nothing) and under
    ``torch.no_grad()`` (no graph is needed).

    Parameters
    ----------
    model : nn.Module
        a trained network whose outputs are one score per class
    X : tensor of shape (m, n_1), float32

    Returns
    -------
    tensor (or array) of shape (m,)
        the predicted labels, integers
    """
    model.eval()
    with torch.no_grad():
        return model(X).argmax(dim=1)
