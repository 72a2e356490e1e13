"""Graph convolutions and message passing in plain Python loops: slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np

from _loops import matmul


def degree_matrix(A):
    A = np.asarray(A, dtype=float)
    D = np.zeros(A.shape)
    for i in range(len(A)):
        for j in range(len(A)):
            D[i, i] += A[i, j]
    return D


def _degrees(A):
    return [sum(A[i, j] for j in range(A.shape[1])) for i in range(A.shape[0])]


def row_normalize(A):
    A = np.asarray(A, dtype=float)
    d = _degrees(A)
    P = np.zeros(A.shape)
    for i in range(len(A)):
        for j in range(A.shape[1]):
            P[i, j] = A[i, j] / d[i] if d[i] > 0 else 0.0
    return P


def sym_normalize(A):
    A = np.asarray(A, dtype=float)
    d = _degrees(A)
    P = np.zeros(A.shape)
    for i in range(len(A)):
        for j in range(A.shape[1]):
            if d[i] > 0 and d[j] > 0:
                P[i, j] = A[i, j] / math.sqrt(d[i]) / math.sqrt(d[j])
    return P


def gcn_normalize(A):
    A_loops = np.array(A, dtype=float)
    for u in range(len(A_loops)):
        if A_loops[u, u] == 0:
            A_loops[u, u] = 1.0
    return sym_normalize(A_loops)


def gcn_layer(A, H, W, activation="relu"):
    Z = matmul(matmul(gcn_normalize(A), H), W)
    if activation == "relu":
        for index in np.ndindex(Z.shape):
            Z[index] = max(Z[index], 0.0)
    return Z


def gcn_layer_gradients(A, H, W, G):
    P, H, W, G = gcn_normalize(A), np.asarray(H, dtype=float), np.asarray(W, dtype=float), np.asarray(G, dtype=float)
    PH = matmul(P, H)
    Z = matmul(PH, W)
    Y, dZ = np.zeros(Z.shape), np.zeros(Z.shape)
    for index in np.ndindex(Z.shape):
        Y[index] = max(Z[index], 0.0)
        dZ[index] = G[index] if Z[index] > 0 else 0.0
    dW = matmul(PH.T, dZ)
    dH = matmul(P.T, matmul(dZ, W.T))
    return Y, dW, dH


def message_passing(A, H, W, B, aggregation):
    A, H = np.asarray(A), np.asarray(H, dtype=float)
    messages = matmul(H, W)
    out = matmul(H, B)
    for v in range(len(A)):
        neighbours = [u for u in range(len(A)) if A[v][u]]
        if not neighbours:
            continue
        for c in range(messages.shape[1]):
            values = [messages[u, c] for u in neighbours]
            if aggregation == "sum":
                out[v, c] += sum(values)
            elif aggregation == "mean":
                out[v, c] += sum(values) / len(values)
            else:
                out[v, c] += max(values)
    return out


def gcn_message_passing(A, H, W):
    A_loops = np.array(A, dtype=float)
    for u in range(len(A_loops)):
        if A_loops[u, u] == 0:
            A_loops[u, u] = 1.0
    d = _degrees(A_loops)
    messages = matmul(H, W)
    out = np.zeros((len(A_loops), messages.shape[1]))
    for u in range(len(A_loops)):
        for v in range(len(A_loops)):
            if A_loops[u, v] != 0:
                for c in range(messages.shape[1]):
                    out[u, c] += A_loops[u, v] / math.sqrt(d[u] * d[v]) * messages[v, c]
    return out


def global_pool(H, batch, mode):
    H, batch = np.asarray(H, dtype=float), np.asarray(batch)
    graphs = int(max(batch)) + 1
    pooled = np.zeros((graphs, H.shape[1]))
    for g in range(graphs):
        rows = [i for i in range(len(batch)) if batch[i] == g]
        for c in range(H.shape[1]):
            values = [H[i, c] for i in rows]
            pooled[g, c] = sum(values) if mode == "sum" else sum(values) / len(values) if mode == "mean" else max(values)
    return pooled


def top_k_pool(A, X, p, k):
    A, X, p = np.asarray(A, dtype=float), np.asarray(X, dtype=float), np.asarray(p, dtype=float)
    norm = math.sqrt(sum(v * v for v in p))
    y = [sum(X[i, c] * p[c] for c in range(len(p))) / norm for i in range(len(X))]
    idx = sorted(range(len(y)), key=lambda i: (-y[i], i))[:k]
    X_out = np.zeros((len(idx), X.shape[1]))
    A_out = np.zeros((len(idx), len(idx)))
    for r, i in enumerate(idx):
        for c in range(X.shape[1]):
            X_out[r, c] = X[i, c] * math.tanh(y[i])
        for s, j in enumerate(idx):
            A_out[r, s] = A[i, j]
    return X_out, A_out, np.array(idx)
