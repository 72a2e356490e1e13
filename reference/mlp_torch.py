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


def digits_network():
    """The network the digits weights belong to: 64 pixels, 32 ReLU units, 10 logits, layers named layers.0 and layers.1."""

    class Network(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(64, 32), nn.Linear(32, 10)])

        def forward(self, X):
            return self.layers[1](torch.relu(self.layers[0](X)))

    return Network()


def digits_weights():
    """The network trained on the first 1200 digits with this module's train; its state_dict."""
    from sklearn.datasets import load_digits

    data = load_digits()
    X = torch.as_tensor(data.data[:1200] / 16.0, dtype=torch.float32)
    y = torch.as_tensor(data.target[:1200], dtype=torch.int64)
    generator_state = torch.get_rng_state()
    torch.manual_seed(1200)
    try:
        model = digits_network()
        train(model, X, y, 20, 0.2, 1200)
    finally:
        torch.set_rng_state(generator_state)
    return model.state_dict()
