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
