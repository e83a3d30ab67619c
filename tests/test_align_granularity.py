"""granularity.join_complementary: two neighbouring beads that are one translation unit
cut in the wrong place become one bead; separate units stay apart."""

from __future__ import annotations

import numpy as np

from diglot.align.bead import Bead
from diglot.align.granularity import cut_unrelated_halves, join_complementary

DIM = 8
E = np.eye(DIM)
MEANS = (np.zeros(DIM), np.zeros(DIM))
LEVELS = (0.9, 0.0)  # match, background: related from 0.18 on at share 0.2


def _unit(v):
    return v / np.linalg.norm(v)


def _case(related: bool = True, lt=(50.0, 30.0, 40.0, 40.0, 50.0)):
    """Beads [0]:[0], [1]:[1], [2]:[2, 3], [3]:[4].  Source 1 says what target 1 says
    and (if related) part of what target 2 says; target 1 is too short for it and
    targets 2-3 too long for source 2, while [1, 2]:[1, 2, 3] has the documents' ratio."""
    x = np.array([E[5], _unit(E[1] + E[2]) if related else E[1], E[3], E[6]], np.float32)
    y = np.array([E[5], E[1], E[2], E[3], E[6]], np.float32)
    beads = [Bead((0,), (0,), 0.0), Bead((1,), (1,), 0.0), Bead((2,), (2, 3), 0.0), Bead((3,), (4,), 0.0)]
    lengths = (np.full(4, 50.0), np.array(lt), 1.0)
    return beads, x, y, lengths


def _pairs(beads):
    return [(b.src, b.tgt) for b in beads]


def test_complementary_lengths_and_related_content_join():
    beads, x, y, lengths = _case()
    out = join_complementary(beads, x, y, lengths, 5, (MEANS, LEVELS))
    assert _pairs(out) == [((0,), (0,)), ((1, 2), (1, 2, 3)), ((3,), (4,))]


def test_unrelated_content_across_the_cut_stays_apart():
    beads, x, y, lengths = _case(related=False)
    assert join_complementary(beads, x, y, lengths, 5, (MEANS, LEVELS)) == beads


def test_lengths_that_fit_stay_apart():
    beads, x, y, lengths = _case(lt=(50.0, 50.0, 25.0, 25.0, 50.0))
    assert join_complementary(beads, x, y, lengths, 5, (MEANS, LEVELS)) == beads


def test_the_union_respects_max_size():
    beads, x, y, lengths = _case()
    assert join_complementary(beads, x, y, lengths, 3, (MEANS, LEVELS)) == beads  # 2 + 3 > 3 + 1
    assert join_complementary(beads, x, y, lengths, 4, (MEANS, LEVELS)) != beads


def test_one_sided_and_moved_beads_are_left_alone():
    beads, x, y, lengths = _case()
    moved = [beads[0], Bead((1,), (1,), 0.0, monotonic=False), *beads[2:]]
    assert join_complementary(moved, x, y, lengths, 5, (MEANS, LEVELS)) == moved
    lone = [Bead((0,), (), 0.0), Bead((), (0,), 0.0)]
    assert join_complementary(lone, x, y, lengths, 5, (MEANS, LEVELS)) == lone


def _two_units(cross: float = 0.0):
    """Bead [0, 1]:[0, 1] holding two translations, 0-0 and 1-1; `cross` of target 1's
    content is also in source 0."""
    x = np.array([_unit(E[1] + cross * E[2]), E[2]], np.float32)
    y = np.array([E[1], E[2]], np.float32)
    return [Bead((0, 1), (0, 1), 0.0)], x, y


def test_two_unrelated_translation_units_are_cut():
    beads, x, y = _two_units()
    assert _pairs(cut_unrelated_halves(beads, x, y, (MEANS, LEVELS))) == [((0,), (0,)), ((1,), (1,))]


def test_halves_related_across_the_cut_stay_one_bead():
    beads, x, y = _two_units(cross=0.5)
    assert cut_unrelated_halves(beads, x, y, (MEANS, LEVELS)) == beads


def test_a_half_that_is_no_translation_is_not_cut_off():
    beads, _, y = _two_units()
    x = np.array([E[1], E[4]], np.float32)  # source 1 says nothing target 1 says
    assert cut_unrelated_halves(beads, x, y, (MEANS, LEVELS)) == beads


def test_the_cut_whose_weaker_half_is_strongest_is_made():
    """[0, 1, 2]:[0, 1, 2] where 0-0 is one unit and 1, 2 - 1, 2 another: of the cuts
    (1, 1), (1, 2), (2, 1), (2, 2) only (1, 1) gives two translations."""
    x = np.array([E[1], E[2], E[3]], np.float32)
    y = np.array([E[1], _unit(E[2] + E[3]), E[3]], np.float32)
    beads = [Bead((0, 1, 2), (0, 1, 2), 0.0)]
    assert _pairs(cut_unrelated_halves(beads, x, y, (MEANS, LEVELS))) == [((0,), (0,)), ((1, 2), (1, 2))]
