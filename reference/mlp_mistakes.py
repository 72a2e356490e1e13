"""Known mistakes in the sigmoid network module and its gradient-descent step, each a variant of the torch reference.

Every class and function has the interface of the reference it varies; the
exercise declarations in ``grader/catalog/mlp.py`` name them with a hint.
"""

from __future__ import annotations

import torch
from torch import nn

from reference.mlp_torch import SigmoidMLP


class SigmoidMLPLinearReversed(SigmoidMLP):
    """W^l mapped onto nn.Linear(n_l, n_{l-1}): the weights have the transposed shape."""

    def __init__(self, sizes):
        nn.Module.__init__(self)
        self.layers = nn.ModuleList([nn.Linear(sizes[i + 1], sizes[i]) for i in range(len(sizes) - 1)])


class SigmoidMLPLinearOutput(SigmoidMLP):
    """No sigmoid after the output layer."""

    def forward(self, X):
        return self.weighted_output(X)


class SigmoidMLPSoftmaxOverBatch(SigmoidMLP):
    """probabilities normalises over the examples of the batch (dim 0) instead of over the classes."""

    def probabilities(self, X):
        return torch.softmax(self.weighted_output(X), dim=0)


class SigmoidMLPPlainTensors(nn.Module):
    """Weights kept as plain tensors in lists: not registered, so no parameter, no state_dict entry, no optimiser."""

    def __init__(self, sizes):
        super().__init__()
        self.weights = [torch.randn(n_out, n_in, requires_grad=True) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [torch.zeros(n_out, requires_grad=True) for n_out in sizes[1:]]

    def weighted_output(self, X):
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            X = torch.sigmoid(X @ W.T + b)
        return X @ self.weights[-1].T + self.biases[-1]

    def forward(self, X):
        return torch.sigmoid(self.weighted_output(X))

    def probabilities(self, X):
        return torch.softmax(self.weighted_output(X), dim=1)


def _cost(model, X, Y):
    return ((Y - model(X)) ** 2).sum() / (2 * X.shape[0])


def sgd_step_without_zero_grad(model, X, Y, eta):
    """The gradients are never zeroed, so each step adds the previous steps' gradients to its own."""
    cost = _cost(model, X, Y)
    cost.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter -= eta * parameter.grad
    return cost.item()


def sgd_step_on_a_detached_copy(model, X, Y, eta):
    """The update is applied to detached copies of the parameters, so the model never changes."""
    model.zero_grad()
    cost = _cost(model, X, Y)
    cost.backward()
    for parameter in model.parameters():
        copy = parameter.detach().clone()
        copy -= eta * parameter.grad
    model.zero_grad()
    return cost.item()


def sgd_step_under_autograd(model, X, Y, eta):
    """The in-place update runs outside torch.no_grad(): autograd refuses to change a leaf that requires grad."""
    model.zero_grad()
    cost = _cost(model, X, Y)
    cost.backward()
    for parameter in model.parameters():
        parameter -= eta * parameter.grad
    model.zero_grad()
    return cost.item()


def sgd_step_summed_cost(model, X, Y, eta):
    """The cost is summed over the batch instead of averaged: the step is m times too long."""
    model.zero_grad()
    cost = ((Y - model(X)) ** 2).sum() / 2
    cost.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter -= eta * parameter.grad
    model.zero_grad()
    return cost.item()
