"""Random walks, walk neighbourhoods, the random-walk embedding loss and graph embeddings in plain Python loops:
slow but correct (see bench/bench_limits.py)."""

import math

import numpy as np


def random_walk(A, start, u):
    A = np.asarray(A, dtype=float)
    walk = [int(start)]
    for r in np.asarray(u, dtype=float).reshape(-1):
        x = walk[-1]
        options = [v for v in range(A.shape[1]) if v != x and A[x, v] != 0]
        if not options:
            break
        walk.append(options[math.floor(float(r) * len(options))])
    return walk


def walk_neighbourhoods(walks, n, w):
    C = [[0] * n for _ in range(n)]
    for walk in np.asarray(walks).tolist():
        for i in range(len(walk)):
            for j in range(len(walk)):
                if 1 <= abs(i - j) <= w:
                    C[walk[i]][walk[j]] += 1
    return C


def rw_embedding_loss(Z, C):
    Z = np.asarray(Z, dtype=float).tolist()
    C = np.asarray(C, dtype=float).tolist()
    n, d = len(Z), len(Z[0])
    S = [[sum(Z[a][k] * Z[b][k] for k in range(d)) for b in range(n)] for a in range(n)]
    loss = 0.0
    grad = [[0.0] * d for _ in range(n)]
    for v in range(n):
        top = max(S[v])
        lse = top + math.log(sum(math.exp(s - top) for s in S[v]))
        count = sum(C[v])
        for u in range(n):
            loss += C[v][u] * (lse - S[v][u])
        for w in range(n):
            g = count * math.exp(S[v][w] - lse) - C[v][w]
            for k in range(d):
                grad[v][k] += g * Z[w][k]
                grad[w][k] += g * Z[v][k]
    return loss, grad


def graph_embedding(Z, edges, mode="mean"):
    Z = np.asarray(Z, dtype=float).tolist()
    nodes = sorted({int(v) for edge in np.asarray(edges).tolist() for v in edge})
    total = [sum(Z[v][k] for v in nodes) for k in range(len(Z[0]))]
    return [x / len(nodes) for x in total] if mode == "mean" else total
