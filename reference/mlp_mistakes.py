"""Known mistakes in the sigmoid network module and its gradient-descent step, each a variant of the torch reference.

Every class and function has the interface of the reference it varies; the
exercise declarations in ``grader/catalog/mlp.py`` name them with a hint.
"""

from __future__ import annotations

import torch
from torch import nn

from reference.mlp_torch import SigmoidMLP, digits_network


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


# -- train -------------------------------------------------------------------------------------


def _train(model, X, y, epochs, eta, seed, *, labels_in_order=False, steps=1, zero=True, reduction="mean"):
    import numpy as np
    import torch.nn.functional as F

    model.train()
    optimiser = torch.optim.SGD(model.parameters(), lr=eta)
    costs = []
    for epoch in range(epochs):
        order = torch.from_numpy(np.random.default_rng([seed, epoch]).permutation(len(X)))
        batch_costs = []
        for start in range(0, len(X), 32):
            batch = order[start : start + 32]
            labels = y[start : start + len(batch)] if labels_in_order else y[batch]
            cost = F.cross_entropy(model(X[batch]), labels, reduction=reduction)
            if zero:
                optimiser.zero_grad()
            cost.backward()
            for _ in range(steps):
                optimiser.step()
            batch_costs.append(cost.item())
        costs.append(sum(batch_costs) / len(batch_costs))
    return costs


def train_labels_not_shuffled(model, X, y, epochs, eta, seed):
    """The inputs are taken in the shuffled order but the labels in the original one: each example gets another's label."""
    return _train(model, X, y, epochs, eta, seed, labels_in_order=True)


def train_step_taken_twice(model, X, y, epochs, eta, seed):
    """optimiser.step() is called twice per mini-batch: the learning rate is applied twice."""
    return _train(model, X, y, epochs, eta, seed, steps=2)


def train_without_zero_grad(model, X, y, epochs, eta, seed):
    """The gradients are never zeroed: every step also applies all the earlier batches' gradients."""
    return _train(model, X, y, epochs, eta, seed, zero=False)


def train_summed_cost(model, X, y, epochs, eta, seed):
    """The batch's cost is the sum of its examples' costs, not the mean: steps 32 times too long."""
    return _train(model, X, y, epochs, eta, seed, reduction="sum")


# -- predict_labels -----------------------------------------------------------------------------


def predict_labels_in_train_mode(model, X):
    """The model is left in training mode: dropout is active while it predicts."""
    with torch.no_grad():
        return model(X).argmax(dim=1)


def predict_labels_over_the_batch(model, X):
    """argmax over the examples (dim 0) instead of over the classes: one 'label' per class."""
    model.eval()
    with torch.no_grad():
        return model(X).argmax(dim=0)


def predict_labels_scores(model, X):
    """The scores are returned instead of the labels."""
    model.eval()
    with torch.no_grad():
        return model(X)


# -- digits weights --------------------------------------------------------------------------------


def digits_weights_untrained():
    """The weights of a network saved before it was trained."""
    torch.manual_seed(7)
    return digits_network().state_dict()


def digits_weights_whole_model():
    """torch.save(model): the whole pickled module, which weights_only loading refuses, instead of its state_dict."""
    import io

    buffer = io.BytesIO()
    torch.save(torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)), buffer)
    return buffer.getvalue()


def digits_weights_other_network():
    """The weights of a network with 64 hidden units instead of the 32 the task names."""
    layers = nn.ModuleList([nn.Linear(64, 64), nn.Linear(64, 10)])
    return {f"layers.{name}": value for name, value in layers.state_dict().items()}
