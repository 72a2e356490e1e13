"""Plain data: conversion of returned values, the JSON form and digests."""

from __future__ import annotations

import numpy as np
import torch

from grader.plain_data import Unconvertible, decode, digest, encode, find_unconvertible, to_plain


def test_torch_and_numpy_scalars_become_plain():
    assert isinstance(to_plain(torch.ones(2)), np.ndarray)
    assert to_plain(np.float64(0.5)) == 0.5 and type(to_plain(np.int64(3))) is int
    assert to_plain((1, [np.ones(1)]))[0] == 1


def test_arrays_are_copied():
    original = np.zeros(3)
    converted = to_plain(original)
    original[0] = 5
    assert converted[0] == 0


def test_objects_become_unconvertible_markers():
    class Hostile:
        def __eq__(self, other):
            return True

    marker = to_plain([1, Hostile()])
    assert isinstance(find_unconvertible(marker), Unconvertible)
    assert isinstance(to_plain(np.array([None], dtype=object)), Unconvertible)
    assert isinstance(to_plain({1: 2}), Unconvertible)


def test_deep_nesting_is_cut_off():
    value: list = []
    for _ in range(100):
        value = [value]
    assert find_unconvertible(to_plain(value)) is not None


def test_encode_decode_round_trip_keeps_dtype_shape_and_special_floats():
    value = {"a": (np.arange(6, dtype=np.int32).reshape(2, 3), [np.array([np.nan, -np.inf, 0.1])]), "b": True}
    back = decode(encode(value))
    assert back["a"][0].dtype == np.int32 and back["a"][0].shape == (2, 3)
    assert isinstance(back["a"], tuple)
    assert np.isnan(back["a"][1][0][0]) and back["a"][1][0][1] == -np.inf and back["a"][1][0][2] == 0.1
    assert back["b"] is True


def test_digest_is_stable_and_sensitive():
    a = (np.array([1.0, 2.0]), {"eta": 0.5})
    assert digest(a) == digest((np.array([1.0, 2.0]), {"eta": 0.5}))
    assert digest(a) != digest((np.array([1.0, 2.0 + 1e-15]), {"eta": 0.5}))
    assert digest(np.array([1, 2])) != digest(np.array([1.0, 2.0]))
