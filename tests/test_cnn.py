"""The convolution references against torch's own layers, and the conventions the exercises state.

- ``conv2d`` (vectorised and the seven-deep loops) equals ``F.conv2d`` with the
  same tensors: the filters ``W`` are ``F.conv2d``'s ``weight`` (C_out, C_in,
  k_h, k_w) as they are, the bias its ``bias``, and stride, padding and
  dilation its arguments of the same names (pairs are (height, width));
- ``conv2d_backward`` (both versions) equals autograd through ``F.conv2d``;
- ``pool2d`` and ``pool2d_backward`` equal ``F.max_pool2d`` / ``F.avg_pool2d``
  and their autograd, ties included (the first maximum in row-major order);
- the output size equals the shape ``F.conv2d`` gives, the parameter count
  ``nn.Conv2d``'s parameters, the receptive field autograd's reach;
- the residual block and the digits CNN equal ``nn.Conv2d`` / ``nn.Linear``
  networks built here from the same state_dict (the NumPy modules' names are
  ``nn.Module``'s), forward and backward;
- the NumPy and torch references, and the solution module, agree.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import reference.cnn as ref
import reference.cnn_torch as ref_torch
from grader.catalog.cnn import block_state, digits, initial_state

GEOMETRIES = [
    # (B, C_in, H, W, C_out, k_h, k_w, stride, padding, dilation)
    (4, 3, 9, 7, 5, 3, 2, 1, 0, 1),
    (4, 2, 9, 11, 4, 3, 3, 2, 1, 1),
    (2, 3, 10, 7, 4, 3, 2, (2, 1), (1, 2), (2, 1)),
    (1, 1, 5, 6, 2, 1, 1, 3, 2, 1),
    (3, 2, 8, 8, 6, 5, 4, (1, 2), (2, 0), (1, 2)),
]


def conv_case(geometry, seed=0):
    B, C_in, H, W, C_out, k_h, k_w, *_ = geometry
    rng = np.random.default_rng(seed)
    return rng.normal(size=(B, C_in, H, W)), rng.normal(size=(C_out, C_in, k_h, k_w)), rng.normal(size=C_out)


def torch_conv(X, W, b, stride, padding, dilation, G=None):
    tensors = [torch.tensor(a, requires_grad=True) for a in (X, W, b)]
    Y = F.conv2d(*tensors, stride=stride, padding=padding, dilation=dilation)
    if G is None:
        return Y.detach().numpy()
    (Y * torch.tensor(G)).sum().backward()
    return [tensor.grad.numpy() for tensor in tensors]


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_conv2d_matches_torch_conv2d(geometry):
    X, W, b = conv_case(geometry)
    stride, padding, dilation = geometry[7:]
    expected = torch_conv(X, W, b, stride, padding, dilation)
    for function in (ref.conv2d, ref.conv2d_loops):
        np.testing.assert_allclose(function(X, W, b, stride, padding, dilation), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ref_torch.conv2d(X, W, b, stride, padding, dilation).numpy(), expected, rtol=1e-10, atol=1e-12)
    assert ref.conv2d(X, W, None, stride, padding, dilation).shape == expected.shape


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_conv2d_backward_matches_autograd_through_torch_conv2d(geometry):
    X, W, b = conv_case(geometry, seed=1)
    stride, padding, dilation = geometry[7:]
    Y = torch_conv(X, W, b, stride, padding, dilation)
    G = np.random.default_rng(2).normal(size=Y.shape)
    expected = torch_conv(X, W, b, stride, padding, dilation, G)
    for function in (ref.conv2d_backward, ref.conv2d_backward_loops, ref_torch.conv2d_backward):
        for got, want in zip(function(X, W, b, G, stride, padding, dilation), expected):
            np.testing.assert_allclose(np.asarray(got), want, rtol=1e-10, atol=1e-12)
    assert ref.conv2d_backward(X, W, None, G, stride, padding, dilation)[2] is None


def test_conv2d_is_cross_correlation_and_pads_both_sides():
    """A 1x1 image of ones with padding 1 under a 3x3 filter picks the filter's centre; a one-hot filter shifts the image."""
    W = np.arange(9.0).reshape(1, 1, 3, 3)
    assert ref.conv2d(np.ones((1, 1, 1, 1)), W, padding=1)[0, 0, 0, 0] == 4.0
    X = np.arange(12.0).reshape(1, 1, 3, 4)
    shift = np.zeros((1, 1, 3, 3))
    shift[0, 0, 0, 0] = 1.0  # the top-left tap reads the pixel up and to the left: not flipped
    Y = ref.conv2d(X, shift, padding=1)
    np.testing.assert_array_equal(Y[0, 0, 1:, 1:], X[0, 0, :-1, :-1])
    np.testing.assert_array_equal(Y[0, 0, 0], 0.0)


@pytest.mark.parametrize(("kernel", "stride"), [(2, None), (3, 2), ((3, 2), (2, 1)), ((2, 3), (1, 2)), (3, 1)])
def test_pooling_matches_torch_with_ties(kernel, stride):
    rng = np.random.default_rng(3)
    X = rng.integers(-2, 4, size=(3, 2, 9, 8)).astype(float)  # many ties
    for mode, pool in (("max", F.max_pool2d), ("avg", F.avg_pool2d)):
        X_t = torch.tensor(X, requires_grad=True)
        Y = pool(X_t, kernel, stride)
        G = rng.normal(size=tuple(Y.shape))
        (Y * torch.tensor(G)).sum().backward()
        np.testing.assert_allclose(ref.pool2d(X, kernel, stride, mode), Y.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(ref_torch.pool2d(X, kernel, stride, mode).numpy(), Y.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(ref.pool2d_backward(X, G, kernel, stride, mode), X_t.grad.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ref_torch.pool2d_backward(X, G, kernel, stride, mode).numpy(), X_t.grad.numpy(),
                                   rtol=1e-12, atol=1e-14)


def test_max_pool_gradient_goes_to_the_first_maximum_of_each_window():
    X = np.array([[[[1.0, 3, 3], [3, 0, 1], [2, 3, 3]]]])
    dX = ref.pool2d_backward(X, np.ones((1, 1, 2, 2)), 2, 1, "max")
    np.testing.assert_array_equal(dX[0, 0], [[0, 2, 0], [1, 0, 0], [0, 1, 0]])


@pytest.mark.parametrize("case", [(9, 3, 1, 2, 1), (10, 3, 1, 2, 1), (7, 2, 0, 2, 1), (12, 3, 2, 2, 2), (9, 2, 1, 1, 4), (5, 5, 0, 1, 1)])
def test_output_size_is_the_shape_torch_gives(case):
    n, k, p, s, d = case
    shape = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), padding=p, stride=s, dilation=d).shape
    assert ref.conv_output_size(n, k, p, s, d) == shape[-1] == ref_torch.conv_output_size(n, k, p, s, d)


def test_parameter_count_is_nn_conv2d_s_and_the_notes_27_plus_a_bias():
    assert ref.conv_parameter_count(3, 1, 3) == 28  # 27 weights plus a bias
    for C_in, C_out, kernel, bias in [(3, 16, 3, True), (16, 32, (3, 5), False), (64, 8, 1, True)]:
        layer = nn.Conv2d(C_in, C_out, kernel, bias=bias)
        assert ref.conv_parameter_count(C_in, C_out, kernel, bias) == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize("layers", [[(3, 1), (3, 1)], [(3, 2), (3, 2), (3, 1)], [(5, 1), (2, 2), (3, 1), (2, 2), (3, 1)],
                                    [(3, 1, 1), (3, 1, 2), (3, 1, 4)], [(7, 2, 1), (3, 2, 2)]])
def test_receptive_field_is_the_reach_of_autograd(layers):
    assert ref.receptive_field(layers) == ref_torch.receptive_field(layers)
    assert ref.receptive_field([(3, 1)] * 3) == 7 and ref.receptive_field([(2, 2)] * 3) == 8


def _loaded(module, values):
    module.load_state_dict({name: torch.tensor(value, dtype=torch.float64) for name, value in values.items()})
    return module.double()


@pytest.mark.parametrize(("C_in", "C_out", "stride"), [(4, 4, 1), (3, 6, 2), (4, 4, 2), (2, 5, 1)])
def test_residual_block_numpy_equals_torch_forward_and_backward(C_in, C_out, stride):
    rng = np.random.default_rng(4)
    values = block_state(rng, C_in, C_out, C_in != C_out or stride != 1)
    block = _loaded(ref_torch.ResidualBlock(C_in, C_out, stride), values)
    assert set(block.state_dict()) == set(values)
    X = rng.normal(size=(3, C_in, 7, 6))
    X_t = torch.tensor(X, requires_grad=True)
    Y = block(X_t)
    G = rng.normal(size=tuple(Y.shape))
    (Y * torch.tensor(G)).sum().backward()
    mine = ref.ResidualBlock(C_in, C_out, stride)
    mine.load_state_dict(values)
    np.testing.assert_allclose(mine.forward(X), Y.detach().numpy(), rtol=1e-9, atol=1e-11)
    (dX,), grads = mine.backward(G)
    np.testing.assert_allclose(dX, X_t.grad.numpy(), rtol=1e-9, atol=1e-11)
    for name, parameter in block.named_parameters():
        np.testing.assert_allclose(grads[name], parameter.grad.numpy(), rtol=1e-9, atol=1e-11)


def test_digits_cnn_numpy_equals_torch_and_the_solution_forward_backward_and_fit(solutions):
    X, y = digits()
    values = initial_state(np.random.default_rng(5))
    net = _loaded(ref_torch.DigitsCNN(), values)
    X_t = torch.tensor(X[:7], dtype=torch.float64, requires_grad=True)
    out = net(X_t)
    G = np.random.default_rng(6).normal(size=(7, 10))
    (out * torch.tensor(G)).sum().backward()
    mine = ref.DigitsCNN()
    mine.load_state_dict(values)
    np.testing.assert_allclose(mine.forward(X[:7]), out.detach().numpy(), rtol=1e-9, atol=1e-11)
    (dX,), grads = mine.backward(G)
    np.testing.assert_allclose(dX, X_t.grad.numpy(), rtol=1e-9, atol=1e-11)
    for name, parameter in net.named_parameters():
        np.testing.assert_allclose(grads[name], parameter.grad.numpy(), rtol=1e-9, atol=1e-11)
    # Two epochs of fit on 70 digits: the same costs and weights in NumPy, in torch and in the solution.
    costs = mine.fit(X[:70], y[:70], 2, 0.3, 11)
    student = _loaded(solutions("cnn").DigitsCNN(), values)
    for model in (net, student):
        model_costs = model.fit(torch.tensor(X[:70], dtype=torch.float64), torch.tensor(y[:70]), 2, 0.3, 11)
        np.testing.assert_allclose(model_costs, costs, rtol=1e-9)
        for name, parameter in model.named_parameters():
            np.testing.assert_allclose(parameter.detach().numpy(), mine.state_dict()[name], rtol=1e-8, atol=1e-10)


def test_solution_module_agrees_with_the_references(solutions):
    cnn = solutions("cnn")
    for geometry in GEOMETRIES:
        X, W, b = conv_case(geometry, seed=7)
        stride, padding, dilation = geometry[7:]
        np.testing.assert_allclose(cnn.conv2d(X, W, b, stride, padding, dilation), ref.conv2d(X, W, b, stride, padding, dilation))
        G = np.random.default_rng(8).normal(size=ref.conv2d(X, W, b, stride, padding, dilation).shape)
        for got, want in zip(cnn.conv2d_backward(X, W, b, G, stride, padding, dilation),
                             ref.conv2d_backward(X, W, b, G, stride, padding, dilation)):
            np.testing.assert_allclose(got, want, atol=1e-12)
    X = np.random.default_rng(9).integers(0, 3, size=(2, 2, 7, 9)).astype(float)
    G = np.ones((2, 2, 3, 4))
    np.testing.assert_array_equal(cnn.pool2d_backward(X, G, 3, 2), ref.pool2d_backward(X, G, 3, 2))
