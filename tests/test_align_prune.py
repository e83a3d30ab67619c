"""prune.py: what does not belong in a bead is taken out of it."""

from __future__ import annotations

import numpy as np

from diglot.align.dp import Bead
from diglot.align.prune import bead_similarity, detach_weak


def _unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_unrelated_edge_sentences_are_detached():
    rng = np.random.default_rng(7)
    meaning = rng.normal(size=(4, 32))
    x = _unit([meaning[0]])
    y = _unit([meaning[0] + 0.1 * rng.normal(size=32), meaning[1], meaning[2]])  # target 1, 2: other content
    out = detach_weak([Bead((0,), (0, 1, 2), 0.5)], x, y, None, None)
    assert Bead((0,), (0,), 0.5) in out
    assert {b.tgt for b in out if not b.src} == {(1,), (2,)}


def test_a_genuine_split_stays_together():
    rng = np.random.default_rng(8)
    a, b = rng.normal(size=32), rng.normal(size=32)
    x = _unit([a + b])
    y = _unit([a, b])  # the source says both halves
    assert detach_weak([Bead((0,), (0, 1), 0.5)], x, y, None, None) == [Bead((0,), (0, 1), 0.5)]


def test_a_stranger_pair_is_split_and_scores_are_cosines():
    rng = np.random.default_rng(9)
    m = rng.normal(size=(3, 32))
    x = _unit([m[0], m[1]])
    y = _unit([m[0], m[2]])  # source 1 and target 1 are both far from everything
    best_x, best_y = (x @ y.T).max(1), (y @ x.T).max(1)
    best_x[1], best_y[1] = 0.99, 0.99  # each has a much better match elsewhere
    out = detach_weak([Bead((0,), (0,), 0.0), Bead((1,), (1,), 0.0)], x, y, best_x, best_y)
    assert Bead((1,), (), 0.0) in out and Bead((), (1,), 0.0) in out
    scored = bead_similarity(out, x, y)
    assert scored[0].score == 1.0 and all(b.score == 0.0 for b in scored[1:])
