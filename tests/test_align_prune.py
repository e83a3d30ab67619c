"""prune.py: what does not belong in a bead is taken out of it."""

from __future__ import annotations

import numpy as np
from conftest import unit as _unit

from diglot.align import align
from diglot.align.bead import Bead
from diglot.align.prune import bead_scores, detach_weak


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
    scores = bead_scores(out, x, y)
    assert scores[0] == 1.0 and all(s == 0.0 for s in scores[1:])


def test_debris_inside_a_bead_is_taken_out_but_not_at_its_edge():
    rng = np.random.default_rng(10)
    m = rng.normal(size=(4, 32))
    x = _unit([m[0] + m[1]])
    y = _unit([m[0], m[2], m[1], m[3]])
    debris_y = np.array([False, True, False, True])  # target 1 and 3: lines with almost no letters
    out = detach_weak([Bead((0,), (0, 1, 2), 0.5), Bead((), (3,), 0.0)], x, y, None, None, gain=1.0, debris_y=debris_y)
    assert Bead((0,), (0, 2), 0.5) in out and Bead((), (1,), 0.0) in out
    assert sorted(j for b in out for j in b.tgt) == [0, 1, 2, 3]
    # at the edge of a bead, or in a side of two, debris is left to the other checks
    for bead in (Bead((0,), (1, 2), 0.5), Bead((0,), (0, 1), 0.5)):
        assert detach_weak([bead], x, y, None, None, gain=1.0, debris_y=np.ones(4, bool)) == [bead]
    assert detach_weak([Bead((0,), (0, 1, 2), 0.5)], x, y, None, None, gain=1.0) == [Bead((0,), (0, 1, 2), 0.5)]


def test_textberg_dev_debris_inside_a_sentence_is_left_out(textberg_dev):
    """Text+Berg dev gold (lines 236-237 of dev.defr) has [250]:[291, 293, 294]: French line 292 is OCR debris
    ('h * "') that breaks the sentence; gold leaves it without counterpart."""
    src, tgt, s0, t0 = textberg_dev.span(227, 245)
    got = {(b.src, b.tgt) for b in align(src, tgt)}
    assert ((250 - s0,), (291 - t0, 293 - t0, 294 - t0)) in got
    assert ((), (292 - t0,)) in got


def test_textberg_dev_debris_weighs_less_in_a_window(textberg_dev):
    """Text+Berg dev gold (lines 372-373 of dev.defr): [413]:[487] and [414]:[488, 489].

    German 413 is '4. 1954 :' (no letters).  Summed at full weight into a window,
    its vector pulls the path into one 3-4 sentence bead [413, 414]:[487, 488, 489];
    weighted as the debris it is, the two gold beads come out."""
    src, tgt, s0, t0 = textberg_dev.span(360, 390)
    got = {(b.src, b.tgt) for b in align(src, tgt)}
    assert ((413 - s0,), (487 - t0,)) in got
    assert ((414 - s0,), (488 - t0, 489 - t0)) in got


def test_line_weights_count_letters_only_up_to_a_whole_sentence():
    from diglot.align.lexical import lengths_and_weights

    _, w = lengths_and_weights(["", "4. 1954 :", "a", "ab", "Reist .", "( 1 ) .", "Über"], 3.0)
    assert w.tolist() == [1 / 3, 1 / 3, 2 / 3, 1.0, 1.0, 1 / 3, 1.0]
    assert lengths_and_weights(["", "x"], 0.0)[1].tolist() == [1.0, 1.0]


def _random_case(seed: int):
    """Beads of every shape over random vectors; some rows repeat (exact ties) and some lines are debris."""
    rng = np.random.default_rng(seed)
    n = 300
    x, y = _unit(rng.normal(size=(n, 16))), _unit(rng.normal(size=(n, 16)))
    y[: n // 2] = _unit(x[: n // 2] + 0.6 * rng.normal(size=(n // 2, 16)))
    x[rng.integers(0, n, 20)] = x[0]
    y[rng.integers(0, n, 20)] = y[0]
    beads, i, j = [], 0, 0
    while i < n - 4 and j < n - 4:
        a, b = rng.integers(0, 5, 2)
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), 0.5) if a and b else Bead((i,), (), 0.0))
        i, j = i + max(a, 1), j + (b if a and b else 0)
    return beads, x, y, rng.random(n) < 0.1, rng.random(n) < 0.1


def test_beads_checked_at_once_come_out_as_checked_one_by_one():
    from diglot.align.prune import _prune_one, in_order

    for seed in range(20):
        beads, x, y, debris_x, debris_y = _random_case(seed)
        best_x, best_y = (x @ y.T).max(1), (y @ x.T).max(1)
        for gain in (0.0, 0.02):
            one_by_one = [c for b in beads for c in (_prune_one(b, x, y, best_x, best_y, gain, 1.4, debris_x, debris_y) if b.src and b.tgt else [b])]
            assert detach_weak(beads, x, y, best_x, best_y, gain=gain, debris_x=debris_x, debris_y=debris_y) == in_order(one_by_one)
