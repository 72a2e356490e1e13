"""Convolution and pooling in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import numpy as np


def _pair(value):
    if np.ndim(value) == 0:
        return int(value), int(value)
    return int(value[0]), int(value[1])


def conv_output_size(n, kernel_size, padding=0, stride=1, dilation=1):
    return (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def _padded(X, p_h, p_w):
    B, C, H, W = X.shape
    out = np.zeros((B, C, H + 2 * p_h, W + 2 * p_w))
    for b in range(B):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    out[b, c, i + p_h, j + p_w] = X[b, c, i, j]
    return out


def conv2d(X, W, b=None, stride=1, padding=0, dilation=1):
    X, W = np.asarray(X, dtype=float), np.asarray(W, dtype=float)
    (s_h, s_w), (p_h, p_w), (d_h, d_w) = _pair(stride), _pair(padding), _pair(dilation)
    C_out, C_in, k_h, k_w = W.shape
    H_out = conv_output_size(X.shape[2], k_h, p_h, s_h, d_h)
    W_out = conv_output_size(X.shape[3], k_w, p_w, s_w, d_w)
    P = _padded(X, p_h, p_w)
    Y = np.zeros((X.shape[0], C_out, H_out, W_out))
    for n in range(X.shape[0]):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    total = 0.0 if b is None else float(b[o])
                    for c in range(C_in):
                        for p in range(k_h):
                            for q in range(k_w):
                                total += P[n, c, i * s_h + p * d_h, j * s_w + q * d_w] * W[o, c, p, q]
                    Y[n, o, i, j] = total
    return Y


def conv2d_backward(X, W, b, G, stride=1, padding=0, dilation=1):
    X, W, G = np.asarray(X, dtype=float), np.asarray(W, dtype=float), np.asarray(G, dtype=float)
    (s_h, s_w), (p_h, p_w), (d_h, d_w) = _pair(stride), _pair(padding), _pair(dilation)
    C_out, C_in, k_h, k_w = W.shape
    H_out, W_out = G.shape[2:]
    P = _padded(X, p_h, p_w)
    dP, dW = np.zeros(P.shape), np.zeros(W.shape)
    for n in range(X.shape[0]):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    g = G[n, o, i, j]
                    for c in range(C_in):
                        for p in range(k_h):
                            for q in range(k_w):
                                r, s = i * s_h + p * d_h, j * s_w + q * d_w
                                dW[o, c, p, q] += g * P[n, c, r, s]
                                dP[n, c, r, s] += g * W[o, c, p, q]
    dX = np.zeros(X.shape)
    for n in range(X.shape[0]):
        for c in range(C_in):
            for i in range(X.shape[2]):
                for j in range(X.shape[3]):
                    dX[n, c, i, j] = dP[n, c, i + p_h, j + p_w]
    if b is None:
        return dX, dW, None
    db = np.zeros(C_out)
    for n in range(G.shape[0]):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    db[o] += G[n, o, i, j]
    return dX, dW, db


def pool2d(X, kernel_size, stride=None, mode="max"):
    X = np.asarray(X, dtype=float)
    (k_h, k_w), (s_h, s_w) = _pair(kernel_size), _pair(kernel_size if stride is None else stride)
    H_out, W_out = (X.shape[2] - k_h) // s_h + 1, (X.shape[3] - k_w) // s_w + 1
    Y = np.zeros((X.shape[0], X.shape[1], H_out, W_out))
    for n in range(X.shape[0]):
        for c in range(X.shape[1]):
            for i in range(H_out):
                for j in range(W_out):
                    values = [X[n, c, i * s_h + p, j * s_w + q] for p in range(k_h) for q in range(k_w)]
                    if mode == "max":
                        best = values[0]
                        for v in values[1:]:
                            if v > best:
                                best = v
                        Y[n, c, i, j] = best
                    else:
                        total = 0.0
                        for v in values:
                            total += v
                        Y[n, c, i, j] = total / len(values)
    return Y


def pool2d_backward(X, G, kernel_size, stride=None, mode="max"):
    X, G = np.asarray(X, dtype=float), np.asarray(G, dtype=float)
    (k_h, k_w), (s_h, s_w) = _pair(kernel_size), _pair(kernel_size if stride is None else stride)
    H_out, W_out = (X.shape[2] - k_h) // s_h + 1, (X.shape[3] - k_w) // s_w + 1
    dX = np.zeros(X.shape)
    for n in range(X.shape[0]):
        for c in range(X.shape[1]):
            for i in range(H_out):
                for j in range(W_out):
                    if mode == "max":
                        best, where = None, None
                        for p in range(k_h):
                            for q in range(k_w):
                                v = X[n, c, i * s_h + p, j * s_w + q]
                                if best is None or v > best:
                                    best, where = v, (i * s_h + p, j * s_w + q)
                        dX[n, c, where[0], where[1]] += G[n, c, i, j]
                    else:
                        for p in range(k_h):
                            for q in range(k_w):
                                dX[n, c, i * s_h + p, j * s_w + q] += G[n, c, i, j] / (k_h * k_w)
    return dX


def conv_parameter_count(in_channels, out_channels, kernel_size, bias=True):
    k_h, k_w = _pair(kernel_size)
    return out_channels * (in_channels * k_h * k_w + (1 if bias else 0))


def receptive_field(layers):
    field, jump = 1, 1
    for layer in layers:
        kernel_size, stride = layer[0], layer[1]
        dilation = layer[2] if len(layer) > 2 else 1
        field += dilation * (kernel_size - 1) * jump
        jump *= stride
    return int(field)
