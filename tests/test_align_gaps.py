"""Affine gaps in the DP: checked against brute-force enumeration of every path,
and on a document with a planted passage the other version lacks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import random_unit as _unit

from diglot.align import DEFAULT_PARAMS, align, with_params
from diglot.align.costs import Params, bead_types
from diglot.align.search import Level, Search


def _full_band(n: int, m: int):
    return np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64)


def _search(n, m, seed, gap_ext, max_size=2):
    rng = np.random.default_rng(seed)
    x, y = _unit(rng, n, 6), _unit(rng, m, 6)
    lx, ly = np.arange(n + 1, dtype=np.float64), np.arange(m + 1, dtype=np.float64)
    level = Level(x, y, lx, ly, np.zeros(n, np.uint64), np.zeros(m, np.uint64))
    lo, hi = _full_band(n, m)
    params = Params(delete=float(rng.uniform(0.2, 2.0)), gap_ext=gap_ext)
    return Search(level, lo, hi, bead_types(max_size), params, 1.0)


def _paths(search: Search, i: int, j: int):
    """Every bead path from (0, 0) to (i, j), as lists of (i, j, type)."""
    if i == 0 and j == 0:
        yield []
        return
    for t, (a, b) in enumerate(search.types):
        if a <= i and b <= j and np.isfinite(search.cost[search.cell(i, j), t]):
            for head in _paths(search, i - a, j - b):
                yield head + [(i, j, t)]


def _path_cost(search: Search, path) -> float:
    total, prev_side = 0.0, 0
    for i, j, t in path:
        a, b = search.types[t]
        side = 1 if b == 0 else (2 if a == 0 else 0)
        c = float(search.cost[search.cell(i, j), t])
        total += search.gap_ext * c if side and side == prev_side else c
        prev_side = side
    return total


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 4), m=st.integers(0, 4), seed=st.integers(0, 2**16), gap_ext=st.sampled_from([1.0, 0.7, 0.3]))
def test_best_path_is_the_cheapest_of_all_paths(n, m, seed, gap_ext):
    search = _search(n, m, seed, gap_ext)
    path = search.run()
    costs = [_path_cost(search, p) for p in _paths(search, n, m)]
    assert search.total() == pytest.approx(min(costs), abs=1e-4)
    assert _path_cost(search, [tuple(r) for r in path.tolist()]) == pytest.approx(min(costs), abs=1e-4)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 4), m=st.integers(1, 4), seed=st.integers(0, 2**16), gap_ext=st.sampled_from([1.0, 0.5]))
def test_margins_are_min_marginals(n, m, seed, gap_ext):
    """margins()[cell, t] = cost of the best path through that bead, minus the best cost."""
    search = _search(n, m, seed, gap_ext)
    search.run()
    marg = search.margins()
    through: dict[tuple[int, int], float] = {}
    for p in _paths(search, n, m):
        c = _path_cost(search, p)
        for i, j, t in p:
            key = (search.cell(i, j), t)
            through[key] = min(through.get(key, np.inf), c)
    for (cell, t), c in through.items():
        assert marg[cell, t] == pytest.approx(c - search.total(), abs=1e-4)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 9), m=st.integers(1, 9), seed=st.integers(0, 2**16), gap_ext=st.sampled_from([1.0, 0.5]),
       max_size=st.integers(1, 5), width=st.integers(0, 3))
def test_node_margins_are_the_least_margin_of_each_node_bit_for_bit(n, m, seed, gap_ext, max_size, width):
    """node_margins' one sweep with a ring of rows gives margins().min(axis=1) exactly, in a band too."""
    search = _search(n, m, seed, gap_ext, max_size)
    if width:  # a band around the diagonal instead of the full grid
        from diglot.align import kernels

        nodes = np.array([[0, 0], [n, m]], np.int64)
        lo, hi = kernels.band_from_path(nodes, n, m, width, 1)
        search = Search(search.level, lo, hi, search.types, Params(gap_ext=gap_ext), 1.0)
    search.run()
    expected = search.margins().min(axis=1)
    assert search.node_margins().tobytes() == expected.tobytes()


def test_gap_ext_outside_range_is_refused():
    with pytest.raises(ValueError, match="gap_ext"):
        _search(3, 3, 0, 1.5)
    with pytest.raises(ValueError, match="gap_ext"):
        _search(3, 3, 0, 0.0)


def test_a_passage_one_side_lacks_is_left_whole(textberg_dev):
    """Text+Berg dev, first 100 gold beads, with the German of beads 60-69 taken out.

    Their ten French sentences then have no counterpart.  With the shipped
    parameters they come out as 0-1 beads; with gap_ext=1 (every deletion at full
    price) the path glues them onto neighbouring beads instead.
    """
    src, tgt, gold = textberg_dev.src, textberg_dev.tgt, textberg_dev.gold[:100]
    dropped = {i for s, _ in gold[60:70] for i in s}
    keep_s = sorted({i for s, _ in gold for i in s} - dropped)
    keep_t = sorted({j for _, t in gold for j in t})
    orphans = {keep_t.index(j) for _, t in gold[60:70] for j in t}
    doc_s, doc_t = [src[i] for i in keep_s], [tgt[j] for j in keep_t]

    def one_sided(params):
        # the counterpart pass alone also keeps them one-sided: test the gaps without it
        beads = align(doc_s, doc_t, params=params, counterpart_pass=False)
        return {b.tgt[0] for b in beads if b.tgt and not b.src}

    assert len(one_sided(DEFAULT_PARAMS) & orphans) >= 9
    assert len(one_sided(with_params(gap_ext=1.0)) & orphans) <= 3
