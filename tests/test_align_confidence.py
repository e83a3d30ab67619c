"""The two-sided confidence judges a bead by its surroundings and its lengths too:
the same 1-1 bead, alike in itself, is trusted less where the gold bead is
likely bigger than it (a close call or a big bead next door, a one-sided
neighbour, a sentence next door that looks like a translation of part of it),
or where its lengths do not fit the document pair's ratio."""

from __future__ import annotations

import numpy as np
import pytest

from diglot.align.bead import Bead
from diglot.align.bead import padded
from diglot.align.confidence import LEAK_FLOOR, MARGIN_CAP, TWO_SIDED_FEATURES, bead_features, confidences, edge_leak
from diglot.align.counterpart import Odds

N = 8  # sentences on each side


def _vectors(x: np.ndarray | None = None, y: np.ndarray | None = None):
    """Unit sentence vectors: source k and target k alike, unlike all others by default."""
    return np.eye(N) if x is None else x, np.eye(N) if y is None else y


def _leaning(k: int, towards: int, cosine: float) -> np.ndarray:
    """Rows of the identity, but row k turned to have `cosine` with unit vector `towards`."""
    v = np.eye(N)
    v[k] = cosine * v[towards] + np.sqrt(1.0 - cosine**2) * v[k]
    return v


def _middle_confidence(beads, margins, lengths=None, vectors=None) -> float:
    """Confidence of the bead (3,)-(3,), whose own features stay the same in every case."""
    odds = Odds(src=np.full(N, 5.0), tgt=np.full(N, 5.0), match=0.9, background=0.85, spread=0.025, verdict="levels")
    dp_margin = {(b.src, b.tgt): m for b, m in zip(beads, margins)}
    no_debris = (np.zeros(N, dtype=bool), np.zeros(N, dtype=bool))
    # the middle bead a fair translation, not a certain one, so that its confidence has room to fall
    cosines = np.array([(0.88 if b.src == (3,) else 0.9) if b.src and b.tgt else 0.0 for b in beads])
    ls, lt = lengths if lengths is not None else (np.full(N, 100.0), np.full(N, 110.0))
    two, one = bead_features(beads, dp_margin, odds, (odds.src, odds.tgt), no_debris, cosines, (ls, lt, 1.1),
                             vectors if vectors is not None else _vectors())  # fmt: skip
    conf = confidences(beads, two, one)
    return float(conf[[(b.src, b.tgt) for b in beads].index(((3,), (3,)))])


def _one_to_one(ids) -> list[Bead]:
    return [Bead((k,), (k,), 0.0) for k in ids]


PLAIN = _one_to_one(range(N))
SURE = [1.0] * N


def _log_odds(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def test_a_plain_one_to_one_bead_is_confident():
    assert _middle_confidence(PLAIN, SURE) > 0.9


@pytest.mark.parametrize(
    "case, beads, margins",
    [
        ("a close call next door", PLAIN, [1.0, 1.0, 0.1, 1.0, 1.0, 1.0, 1.0, 1.0]),
        ("a big bead next door", [*_one_to_one(range(4)), Bead((4, 5), (4,), 0.0), *_one_to_one([6, 7])], SURE),
        ("a one-sided neighbour", [*_one_to_one(range(4)), Bead((4,), (), 0.0), Bead((), (4,), 0.0), *_one_to_one(range(5, N))],
         SURE),
    ],
)
def test_the_surroundings_lower_a_one_to_one_beads_confidence(case, beads, margins):
    plain = _log_odds(_middle_confidence(PLAIN, SURE))
    assert _log_odds(_middle_confidence(beads, margins)) < plain - 0.5, case


def test_a_bead_whose_lengths_do_not_fit_the_ratio_is_trusted_less():
    ls, lt = np.full(N, 100.0), np.full(N, 110.0)
    ls[3], lt[3] = 55.0, 155.0  # as long as the others, but 2.5 times the pair's ratio
    assert _log_odds(_middle_confidence(PLAIN, SURE, (ls, lt))) < _log_odds(_middle_confidence(PLAIN, SURE)) - 0.5


def test_margins_beyond_the_document_edges_count_as_sure():
    """The first and last beads have a neighbour on one side only: the edge is no close call."""
    beads = _one_to_one(range(N))
    two, _ = bead_features(beads, {(b.src, b.tgt): 2.0 for b in beads},
                           Odds(np.full(N, 5.0), np.full(N, 5.0), 0.9, 0.85, 0.025, "levels"),
                           (np.full(N, 5.0), np.full(N, 5.0)), (np.zeros(N, bool), np.zeros(N, bool)), np.full(N, 0.9),
                           (np.full(N, 100.0), np.full(N, 110.0), 1.1), _vectors())  # fmt: skip
    assert MARGIN_CAP > 2.0 and np.all(two[:, TWO_SIDED_FEATURES.index("one_to_one_neighbour_margin")] == 2.0)


def test_a_sentence_left_alone_next_to_a_weak_bead_is_trusted_less():
    """A one-sided sentence beside a two-sided bead that barely holds is often a piece of it."""
    beads = [*_one_to_one(range(3)), Bead((3,), (), 0.0), *[Bead((k,), (k - 1,), 0.0) for k in range(4, N)]]
    odds = Odds(np.full(N, 5.0), np.full(N, 5.0), 0.9, 0.85, 0.025, "levels")

    def alone(neighbour_cosine: float) -> float:
        cosines = np.array([0.0 if not b.tgt else neighbour_cosine if b.src == (2,) else 0.9 for b in beads])
        two, one = bead_features(beads, {(b.src, b.tgt): 1.0 for b in beads}, odds, (np.full(N, -3.0), np.full(N, -3.0)),
                                 (np.zeros(N, bool), np.zeros(N, bool)), cosines,
                                 (np.full(N, 100.0), np.full(N, 110.0), 1.1), _vectors())  # fmt: skip
        return float(confidences(beads, two, one)[3])

    assert _log_odds(alone(0.86)) < _log_odds(alone(0.9)) - 0.5


def test_a_one_to_one_bead_whose_neighbour_leaks_into_it_is_trusted_less():
    """Source sentence 4, in the next bead, looks like a translation of part of target 3:
    the gold bead is likely (3, 4)-(3, 4), and (3,)-(3,) only a piece of it."""
    leaking = _vectors(x=_leaning(4, towards=3, cosine=0.97))
    assert _log_odds(_middle_confidence(PLAIN, SURE, vectors=leaking)) < _log_odds(_middle_confidence(PLAIN, SURE)) - 0.5


def test_a_bigger_bead_whose_neighbour_leaks_into_it_is_trusted_less():
    """Target 4, in the bead after (3, 4)-(3,), looks like a translation of source 4."""
    beads = [*_one_to_one(range(3)), Bead((3, 4), (3,), 0.0), *[Bead((k,), (k - 1,), 0.0) for k in range(5, N)], Bead((), (7,), 0.0)]
    odds = Odds(np.full(N, 5.0), np.full(N, 5.0), 0.9, 0.85, 0.025, "levels")
    x = np.eye(2 * N)[:N]  # each bead's sentences share a direction, the last target one of its own
    y = np.stack([x[0], x[1], x[2], (x[3] + x[4]) / np.sqrt(2.0), x[5], x[6], x[7], np.eye(2 * N)[N]])

    def big(y) -> float:
        cosines = np.array([0.88 if b.src == (3, 4) else 0.9 if b.src and b.tgt else 0.0 for b in beads])
        two, one = bead_features(beads, {(b.src, b.tgt): 1.0 for b in beads}, odds, (odds.src, odds.tgt),
                                 (np.zeros(N, bool), np.zeros(N, bool)), cosines,
                                 (np.full(N, 100.0), np.full(N, 110.0), 1.1), (x, y))  # fmt: skip
        return float(confidences(beads, two, one)[3])

    leaking = y.copy()
    leaking[4] = 0.97 * x[4] + np.sqrt(1.0 - 0.97**2) * x[5]
    assert _log_odds(big(leaking)) < _log_odds(big(y)) - 0.5


def test_the_edge_leak_compares_the_sentences_just_outside_with_the_nearest_edge():
    beads = [*_one_to_one(range(3)), Bead((3, 4), (3,), 0.0), Bead((5,), (), 0.0), *[Bead((k,), (k - 2,), 0.0) for k in range(6, N)]]
    src, tgt = padded([b.src for b in beads]), padded([b.tgt for b in beads])
    two = np.array([bool(b.src and b.tgt) for b in beads])
    x = np.eye(N) * 0.6 + 0.1  # rows not unit: only the products matter here
    y = np.eye(N)
    leak = edge_leak(src, tgt, two, x, y)
    # bead (3, 4)-(3,): sources 2 and 5 face target 3, targets 2 and 4 face sources 3 and 4
    assert leak[3] == pytest.approx(max(x[2] @ y[3], x[5] @ y[3], x[3] @ y[2], x[4] @ y[4]))
    assert leak[3] == pytest.approx(0.7)  # target 4 with source 4, the edge it faces
    assert np.isneginf(leak[4]) and np.isfinite(leak[two]).all()


def test_surroundings_unlike_a_bead_beyond_the_floor_earn_it_nothing_more():
    """A chance pair amid unrelated sentences is not made sure by them (LEAK_FLOOR)."""
    def around(cosine: float) -> np.ndarray:
        x = np.eye(N)
        x[4] = cosine * x[3] + np.sqrt(1.0 - cosine**2) * x[4]  # source 4 leans towards target 3
        return x

    odds = Odds(src=np.full(N, 5.0), tgt=np.full(N, 5.0), match=0.9, background=0.85, spread=0.025, verdict="levels")
    at_floor = 0.875 + LEAK_FLOOR / ((odds.match - odds.background) / odds.spread**2)  # the cosine of log-odds LEAK_FLOOR
    assert _middle_confidence(PLAIN, SURE, vectors=_vectors(x=around(0.0))) == \
        _middle_confidence(PLAIN, SURE, vectors=_vectors(x=around(at_floor)))
    assert _middle_confidence(PLAIN, SURE, vectors=_vectors(x=around(at_floor + 0.05))) < \
        _middle_confidence(PLAIN, SURE, vectors=_vectors(x=around(at_floor)))
