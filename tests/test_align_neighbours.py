"""The nearest-neighbour normaliser: one banded rule at every document size."""

from __future__ import annotations

import numpy as np

from diglot.align.neighbours import BAND, neighbourhood


def _unit(rng, n, d):
    v = rng.standard_normal((n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _translation(rng, x, noise=0.3):
    y = x + noise * rng.standard_normal(x.shape).astype(np.float32) / np.sqrt(x.shape[1])
    return (y / np.linalg.norm(y, axis=1, keepdims=True)).astype(np.float32)


def _band_by_hand(x, y, band):
    """Brute force over the whole matrix, masked to the band the docstring defines."""
    n, m = len(x), len(y)
    centre = np.floor((np.arange(n) + 0.5) * (m / n)).astype(int)
    width = int(np.ceil(band * max(1.0, m / n)))
    sim = np.where(np.abs(np.arange(m)[None, :] - centre[:, None]) <= width, x @ y.T, -np.inf)
    return sim.max(1), sim.max(0)


def test_a_small_document_is_scored_alike_alone_and_inside_a_large_one():
    """The 200-sentence document's values do not change when 5,000 unrelated sentences
    surround it on each side (10,200 x 10,200 = 104M sentence pairs, where the old
    normaliser silently switched to the document mean)."""
    rng = np.random.default_rng(0)
    d = 64
    x = np.zeros((200, d), np.float32)
    x[:, :32] = _unit(rng, 200, 32)  # the document lives in the first 32 dimensions,
    y = np.zeros_like(x)
    y[:, :32] = _translation(rng, x[:, :32])

    def filler(n):  # ... unrelated text in the other 32: cosine 0 with the document
        out = np.zeros((n, d), np.float32)
        out[:, 32:] = _unit(rng, n, 32)
        return out

    big_x = np.concatenate([filler(5000), x, filler(5000)])
    big_y = np.concatenate([filler(5000), y, filler(5000)])
    alone_x, alone_y = neighbourhood(x, y, 1)
    inside_x, inside_y = neighbourhood(big_x, big_y, 1)
    assert inside_x is not None and inside_y is not None
    # equal up to float32 rounding: BLAS may block a 10,200-row product differently from a 200-row one
    np.testing.assert_allclose(inside_x[5000:5200], alone_x, rtol=0, atol=1e-6)
    np.testing.assert_allclose(inside_y[5000:5200], alone_y, rtol=0, atol=1e-6)
    # and a document shorter than the band is searched whole: exact nearest neighbours
    assert len(x) < BAND
    np.testing.assert_allclose(alone_x, (x @ y.T).max(1), rtol=0, atol=1e-6)
    np.testing.assert_allclose(alone_y, (x @ y.T).max(0), rtol=0, atol=1e-6)


def test_band_values_match_brute_force_for_unequal_lengths():
    rng = np.random.default_rng(1)
    for n, m, band in ((1500, 1100, 40), (90, 2000, 30), (2000, 90, 30)):
        x, y = _unit(rng, n, 16), _unit(rng, m, 16)
        near_x, near_y = neighbourhood(x, y, 1, band=band)
        want_x, want_y = _band_by_hand(x, y, band)
        np.testing.assert_allclose(near_x, want_x, atol=1e-5)
        np.testing.assert_allclose(near_y, want_y, atol=1e-5)  # every column has cells in the band


def test_k_nearest_is_the_mean_of_the_top_k_in_the_band():
    rng = np.random.default_rng(2)
    x, y = _unit(rng, 700, 16), _unit(rng, 650, 16)
    near1 = neighbourhood(x, y, 1, band=50)
    near3_x, near3_y = neighbourhood(x, y, 3, band=50)
    assert np.all(near3_x <= near1[0] + 1e-6) and np.all(near3_y <= near1[1] + 1e-6)
    n, m = len(x), len(y)
    centre = np.floor((np.arange(n) + 0.5) * (m / n)).astype(int)
    sim = np.where(np.abs(np.arange(m)[None, :] - centre[:, None]) <= 50, x @ y.T, -np.inf)
    np.testing.assert_allclose(near3_x, -np.sort(-sim, axis=1)[:, :3].mean(1), atol=1e-5)
    np.testing.assert_allclose(near3_y, -np.sort(-sim, axis=0)[:3].mean(0), atol=1e-5)
    assert neighbourhood(x, y, 0) == (None, None)
