"""torch references of the sigmoid network module and its gradient-descent step; they agree with :mod:`reference.mlp`.

The module is a ``ModuleList`` of ``nn.Linear`` as the exercise asks; the
step computes the gradients with ``torch.autograd.grad`` (nothing
accumulates in ``.grad``) rather than ``backward()``.
"""

from __future__ import annotations

import torch
from torch import nn


class SigmoidMLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)])

    def weighted_output(self, X):
        for layer in self.layers[:-1]:
            X = torch.sigmoid(layer(X))
        return self.layers[-1](X)

    def forward(self, X):
        return torch.sigmoid(self.weighted_output(X))

    def probabilities(self, X):
        return torch.softmax(self.weighted_output(X), dim=-1)


def sgd_step(model, X, Y, eta):
    parameters = [p for p in model.parameters() if p.requires_grad]
    cost = 0.5 * ((model(X) - Y) ** 2).sum(dim=1).mean()
    gradients = torch.autograd.grad(cost, parameters)
    with torch.no_grad():
        for parameter, gradient in zip(parameters, gradients):
            parameter.sub_(eta * gradient)
    return float(cost.detach())


def train(model, X, y, epochs, eta, seed):
    """The exercise's procedure with the parameters stepped by hand from torch.autograd.grad."""
    import numpy as np
    import torch.nn.functional as F

    model.train()
    parameters = list(model.parameters())
    costs = []
    for epoch in range(epochs):
        order = np.random.default_rng([seed, epoch]).permutation(X.shape[0])
        total, count = 0.0, 0
        for start in range(0, X.shape[0], 32):
            batch = torch.as_tensor(order[start : start + 32])
            cost = F.cross_entropy(model(X[batch]), y[batch])
            gradients = torch.autograd.grad(cost, parameters)
            with torch.no_grad():
                for parameter, gradient in zip(parameters, gradients):
                    parameter.sub_(eta * gradient)
            total, count = total + float(cost.detach()), count + 1
        costs.append(total / count)
    return costs


def predict_labels(model, X):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return torch.argmax(model(X), dim=-1)
    finally:
        model.train(was_training)
