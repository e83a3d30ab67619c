"""After the DP: take out of a bead what does not belong in it.

The DP's deletion cost is tuned for near-parallel text, where a sentence with
no counterpart is rare; in web renditions whole passages exist on one side
only, and the path would rather glue them onto a neighbouring bead or pair
them with a stranger. Three checks undo that (the first two with the sentence vectors):

- an edge sentence of a multi-sentence bead is detached when the bead's two
  sides are more alike without it (by at least `gain` in cosine);
- a 1-1 bead is split when neither sentence is anywhere near its best match
  in the other document (distance ratio above `max_ratio`, as in moved.py);
- debris (a line with almost no letters: OCR noise, a stray mark) that sits
  inside a side of three or more sentences is taken out.  A summed window
  hardly notices it, so the path keeps it wherever it lies; but text that
  breaks a sentence in the middle is not part of either translation.

Detached sentences become 1-0 / 0-1 beads, so the moved-sentence step can
still pair them elsewhere. Thresholds were chosen on Text+Berg dev only.
"""

from __future__ import annotations

import numpy as np

from diglot.align.distance import relative_distance
from diglot.align.bead import Bead

DETACH_GAIN = 0.02
SPLIT_RATIO = 1.4


# float64 and numpy's own reductions, not BLAS: BLAS kernels differ between
# CPUs in the last bits, and these scores are written to the corpus, whose
# bytes must not depend on the machine that builds it.  A row of a 2-D
# reduction is summed exactly as the same row alone, so bead_similarity, which
# scores many beads at once, gives the same bits as _cos.


def _cos(x: np.ndarray, y: np.ndarray, src, tgt) -> float:
    a = x[list(src)].astype(np.float64).sum(0)
    b = y[list(tgt)].astype(np.float64).sum(0)
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den else 0.0


def _side_sums(vecs: np.ndarray, sides: list[tuple[int, ...]]) -> np.ndarray:
    """(len(sides), d) float64 sums of each side's rows, added in order as x[list(side)].sum(0) does."""
    width = max(map(len, sides))
    members = np.full((len(sides), width), -1, dtype=np.int64)
    for k, side in enumerate(sides):
        members[k, : len(side)] = side
    out = vecs[members[:, 0]].astype(np.float64)
    for c in range(1, width):
        has = members[:, c] >= 0
        out[has] += vecs[members[has, c]]
    return out


def _detach_edges(src: list[int], tgt: list[int], x, y, gain: float, loose: list[Bead]) -> None:
    while len(src) + len(tgt) > 2:
        base = _cos(x, y, src, tgt)
        best = None
        for side in (src, tgt):
            if len(side) < 2:
                continue
            for k in {side[0], side[-1]}:
                rest = [i for i in side if i != k]
                c = _cos(x, y, rest, tgt) if side is src else _cos(x, y, src, rest)
                if c >= base + gain and (best is None or c > best[0]):
                    best = (c, side, k)
        if best is None:
            return
        _, side, k = best
        side.remove(k)
        loose.append(Bead((k,), (), 0.0) if side is src else Bead((), (k,), 0.0))


def _detach_debris(src: list[int], tgt: list[int], debris_x, debris_y, loose: list[Bead]) -> None:
    for side, debris in ((src, debris_x), (tgt, debris_y)):
        if debris is None or len(side) < 3:
            continue
        for k in side[1:-1]:
            if debris[k]:
                side.remove(k)
                loose.append(Bead((k,), (), 0.0) if side is src else Bead((), (k,), 0.0))


def detach_weak(beads: list[Bead], x: np.ndarray, y: np.ndarray, best_x: np.ndarray | None, best_y: np.ndarray | None,
                *, gain: float = DETACH_GAIN, max_ratio: float = SPLIT_RATIO,
                debris_x: np.ndarray | None = None, debris_y: np.ndarray | None = None) -> list[Bead]:
    """best_x[i] / best_y[j]: cosine of each sentence to its best match on the
    other side (None skips the 1-1 check, as for very long documents).
    debris_x[i] / debris_y[j]: True for debris lines (None: no debris check).
    A bead may come out with a gap where debris was (e.g. [250]:[291, 293, 294])."""
    out: list[Bead] = []
    for b in beads:
        if not (b.src and b.tgt):
            out.append(b)
            continue
        src, tgt = list(b.src), list(b.tgt)
        _detach_debris(src, tgt, debris_x, debris_y, out)
        _detach_edges(src, tgt, x, y, gain, out)
        if best_x is not None and len(src) == 1 and len(tgt) == 1:
            i, j = src[0], tgt[0]
            if relative_distance(float(x[i] @ y[j]), best_x[i], best_y[j]) > max_ratio:
                out += [Bead((i,), (), 0.0), Bead((), (j,), 0.0)]
                continue
        out.append(Bead(tuple(src), tuple(tgt), b.score, b.monotonic))
    # back into document order: by first source sentence, target-only beads by position
    return sorted(out, key=order_key(out))


def order_key(beads: list[Bead]):
    """Sort key keeping one-sided target beads where the target order puts them."""
    tgt_to_src: dict[int, float] = {}
    for b in beads:
        if b.src and b.tgt and b.monotonic:  # a moved pair's target is out of source order
            for j in b.tgt:
                tgt_to_src[j] = min(b.src)
    known = np.array(sorted(tgt_to_src), dtype=np.int64)  # an array once: searchsorted on a list copies it

    def key(b: Bead):
        if b.src:
            return (min(b.src), 1, min(b.tgt) if b.tgt else -1)
        j = b.tgt[0]
        # the source position of the nearest aligned target sentence before it
        k = int(np.searchsorted(known, j)) - 1
        return (tgt_to_src[int(known[k])] if k >= 0 else -1, 2 if k >= 0 else 0, j)

    return key


def bead_similarity(beads: list[Bead], x: np.ndarray, y: np.ndarray, *, chunk: int = 4096) -> list[Bead]:
    """Score every two-sided bead by the cosine of its summed sentence vectors
    (clipped to [0, 1]); one-sided beads score 0.  `chunk` beads at a time
    bounds the float64 sums in memory."""
    two = [b for b in beads if b.src and b.tgt]
    cos = np.zeros(len(two))
    for start in range(0, len(two), chunk):
        part = two[start : start + chunk]
        a = _side_sums(x, [bead.src for bead in part])
        b = _side_sums(y, [bead.tgt for bead in part])
        den = np.sqrt((a * a).sum(1) * (b * b).sum(1))  # _cos, row by row
        np.divide((a * b).sum(1), den, out=cos[start : start + len(part)], where=den != 0)
    scores = iter(cos.tolist())
    out = []
    for b in beads:
        score = min(1.0, max(0.0, next(scores))) if b.src and b.tgt else 0.0
        out.append(Bead(b.src, b.tgt, round(score, 6), b.monotonic))
    return out



def extend_runs(beads: list[Bead], x, y, odds_x: np.ndarray, odds_y: np.ndarray, *, max_log_odds: float) -> list[Bead]:
    """Give a bead's edge sentence to the one-sided run next to it when it looks like part of it.

    The DP glues the first or last sentence of a passage without counterpart
    onto the neighbouring bead when that is cheaper than one more deletion.
    An edge sentence is detached when the sentence beyond it is one-sided, its
    own log-odds of a counterpart is below `max_log_odds`, and the bead's
    cosine does not drop without it.
    """
    lone_x = np.zeros(len(odds_x) + 2, bool)  # shifted by one: index -1 and n are never lone
    lone_y = np.zeros(len(odds_y) + 2, bool)
    for b in beads:
        if not b.tgt:
            lone_x[b.src[0] + 1] = True
        if not b.src:
            lone_y[b.tgt[0] + 1] = True
    out: list[Bead] = []
    for b in beads:
        if not (b.src and b.tgt):
            out.append(b)
            continue
        src, tgt = list(b.src), list(b.tgt)
        moved = True
        while moved and len(src) + len(tgt) > 2:
            moved = False
            base = _cos(x, y, src, tgt)
            for side, odds, lone in ((src, odds_x, lone_x), (tgt, odds_y, lone_y)):
                if len(side) < 2:
                    continue
                for k, beyond in ((side[0], side[0] - 1), (side[-1], side[-1] + 1)):
                    if not lone[beyond + 1] or odds[k] >= max_log_odds:
                        continue
                    rest = [i for i in side if i != k]
                    if (_cos(x, y, rest, tgt) if side is src else _cos(x, y, src, rest)) < base:
                        continue
                    side.remove(k)
                    lone[k + 1] = True
                    out.append(Bead((k,), (), 0.0) if side is src else Bead((), (k,), 0.0))
                    moved = True
                    break
                if moved:
                    break
        out.append(Bead(tuple(src), tuple(tgt), b.score, b.monotonic))
    return sorted(out, key=order_key(out))
