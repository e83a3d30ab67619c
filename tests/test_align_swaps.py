"""Neighbouring sentences that swapped places: the path takes them as one 2-2 bead
(a summed window ignores order); split_swaps turns that bead back into two crossed 1-1 beads."""

from __future__ import annotations

import numpy as np
from conftest import unit as _unit

from diglot.align import Bead, align
from diglot.align.moved import split_swaps


class _Vectors:
    """An embedder that looks texts up in a table (no model)."""

    name = model = "table"

    def __init__(self, table: dict[str, np.ndarray]):
        self.table = table
        self.dim = len(next(iter(table.values())))

    def embed(self, texts):
        return np.stack([self.table[t] for t in texts])


def _swapped_documents(n: int = 40, swap: int = 20, seed: int = 5):
    """n source sentences; the target has the same meanings with `swap` and `swap + 1` exchanged."""
    rng = np.random.default_rng(seed)
    # like real sentence embeddings, all vectors share a large common part (unrelated cosines ~0.7)
    meaning = 1.6 * rng.standard_normal(64) + rng.standard_normal((n, 64))
    order = list(range(n))
    order[swap], order[swap + 1] = order[swap + 1], order[swap]
    word = lambda k: "".join(chr(ord("a") + (k // 26**p) % 26) for p in (2, 1, 0))  # lowercase: never an anchor
    src = [f"source sentence {word(k)}" for k in range(n)]
    tgt = [f"target sentence {word(k)}" for k in range(n)]
    table = {s: _unit(meaning[k] + 0.3 * rng.standard_normal(64)) for k, s in enumerate(src)}
    table.update({t: _unit(meaning[order[k]] + 0.3 * rng.standard_normal(64)) for k, t in enumerate(tgt)})
    return src, tgt, _Vectors(table)


def test_swapped_neighbours_come_out_as_crossed_pairs():
    src, tgt, emb = _swapped_documents()
    without = {(b.src, b.tgt) for b in align(src, tgt, embedder=emb, moved=False)}
    assert ((20, 21), (20, 21)) in without, "the monotonic path takes the swapped pair as one 2-2 bead"
    beads = align(src, tgt, embedder=emb)
    got = {(b.src, b.tgt): b.monotonic for b in beads}
    assert got.get(((20,), (21,))) is True
    assert got.get(((21,), (20,))) is False, "the second crossed pair is flagged as out of order"
    assert sorted(i for b in beads for i in b.src) == list(range(len(src)))
    assert sorted(j for b in beads for j in b.tgt) == list(range(len(tgt)))


def _block(straight: float, crossed: float, dim: int = 8):
    """Four sentences s1, s2 / t1, t2 with cos(s_k, t_k) = straight and cos(s1, t2) = cos(s2, t1) = crossed."""
    e = np.eye(dim)
    rest = np.sqrt(1.0 - straight**2 - crossed**2)  # each target's part that matches neither source
    x = np.stack([e[0], e[1]])
    y = np.stack([straight * e[0] + crossed * e[1] + rest * e[2], crossed * e[0] + straight * e[1] + rest * e[3]])
    return x.astype(np.float32), _unit(y)


def test_a_bead_is_split_only_when_both_crossed_pairs_win():
    bead = [Bead((0, 1), (0, 1), 0.5)]
    x, y = _block(straight=0.2, crossed=0.8)
    assert [(b.src, b.tgt, b.monotonic) for b in split_swaps(bead, x, y)] == [((0,), (1,), True), ((1,), (0,), False)]
    x, y = _block(straight=0.8, crossed=0.2)
    assert split_swaps(bead, x, y) == bead, "straight pairs closer: the bead stays"
    x, y = _block(straight=0.5, crossed=0.5)
    assert split_swaps(bead, x, y) == bead, "a tie is not a swap"


def test_no_split_when_a_crossed_pair_has_a_better_match_nearby():
    x, y = _block(straight=0.2, crossed=0.7)
    # a third target sentence, just outside the bead, matches s1 better than t2 does
    y = np.concatenate([y, _unit(0.95 * np.eye(8)[0] + 0.3 * np.eye(8)[5])[None]])
    bead = [Bead((0, 1), (0, 1), 0.5), Bead((), (2,), 0.0)]
    assert split_swaps(bead, x, y) == bead
    assert split_swaps(bead, x, y, window=0) != bead, "outside the window the better match is not seen"


def test_textberg_dev_swap_is_recovered(textberg_dev):
    """Text+Berg dev has one swap: German 455/456 are French 541/540 (gold beads 408-409)."""
    src, tgt, s0, t0 = textberg_dev.span(395, 421)
    got = {(b.src, b.tgt): b.monotonic for b in align(src, tgt)}
    assert got.get(((455 - s0,), (541 - t0,))) is True
    assert got.get(((456 - s0,), (540 - t0,))) is False
