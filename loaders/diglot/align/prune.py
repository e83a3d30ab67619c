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

import numba
import numpy as np

from diglot.align.distance import relative_distance
from diglot.align.bead import Bead, padded
from diglot.align.threads import in_threads

DETACH_GAIN = 0.02
SPLIT_RATIO = 1.4
# Rows of float64 work arrays at a time in the passes' reductions: a chunk's
# temporaries then stay in the CPU's cache (1024 rows took 40% longer).  Each
# row is summed alone, so the bits do not depend on it.
CHUNK = 128


# float64 and numpy's own reductions, not BLAS: BLAS kernels differ between
# CPUs in the last bits, and these scores are written to the corpus, whose
# bytes must not depend on the machine that builds it.  A row of a 2-D
# reduction is summed exactly as the same row alone, so bead_scores, which
# scores many beads at once, gives the same bits as _cos.


def _cos(x: np.ndarray, y: np.ndarray, src, tgt) -> float:
    a = x[list(src)].astype(np.float64).sum(0)
    b = y[list(tgt)].astype(np.float64).sum(0)
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den else 0.0


@numba.njit(cache=True, nogil=True)
def _side_sums(vecs, members):
    """(len(members), d) float64 sums of each row's members (-1: none), added in order
    as x[list(side)].sum(0) does."""
    out = np.zeros((members.shape[0], vecs.shape[1]))
    for r in range(members.shape[0]):
        for c in range(members.shape[1]):
            m = members[r, c]
            if m >= 0:
                for k in range(vecs.shape[1]):
                    out[r, k] += np.float64(vecs[m, k])
    return out


def cosines(x: np.ndarray, y: np.ndarray, src: np.ndarray, tgt: np.ndarray, means=None, chunk: int = CHUNK) -> np.ndarray:
    """_cos of each row's sides (padded member arrays), bit for bit; `chunk` rows at a
    time bounds the float64 sums in memory.  means: each side's mean vector, taken
    out of every sentence first (unmatched.py's centred cosine)."""
    out = np.zeros(len(src))

    def part(first: int, stop: int) -> None:
        for start in range(first, stop, chunk):
            end = min(stop, start + chunk)
            a, b = _side_sums(x, src[start:end]), _side_sums(y, tgt[start:end])
            if means is not None:
                a -= (src[start:end] >= 0).sum(1)[:, None] * means[0]
                b -= (tgt[start:end] >= 0).sum(1)[:, None] * means[1]
            den = np.sqrt((a * a).sum(1) * (b * b).sum(1))
            np.divide((a * b).sum(1), den, out=out[start:end], where=den != 0)

    in_threads(part, len(src), cost=16)
    return out


def _shed_edges(x, y, src: np.ndarray, tgt: np.ndarray, gain: float):
    """_detach_edges on every row at once, in rounds: each round, a row whose bead gains
    `gain` or more in cosine without the first or last sentence of a side of two or
    more loses the one that gains most.

    Returns the rows' members after it, the (row, side, sentence) taken out (side 0:
    source) and the rows where two options gained exactly as much: those are left as
    they came, for the one-by-one loop, whose order of trying settles the tie.
    """
    src, tgt = src.copy(), tgt.copy()
    taken: list[tuple[np.ndarray, int, np.ndarray]] = []
    tied = np.zeros(len(src), bool)
    active = np.arange(len(src))
    while True:
        ns, nt = (src[active] >= 0).sum(1), (tgt[active] >= 0).sum(1)
        active, ns, nt = active[ns + nt > 2], ns[ns + nt > 2], nt[ns + nt > 2]
        if not len(active):
            break
        s, t = src[active], tgt[active]
        need = cosines(x, y, s, t) + gain
        options = np.full((len(active), 4), -np.inf)  # without: first source, last source, first target, last target
        for side, counts in ((0, ns), (1, nt)):
            rows = np.flatnonzero(counts >= 2)
            for last in (0, 1):
                cut = (s, t)[side][rows].copy()
                cut[np.arange(len(rows)), counts[rows] - 1 if last else 0] = -1
                c = cosines(x, y, cut, t[rows]) if side == 0 else cosines(x, y, s[rows], cut)
                options[rows, 2 * side + last] = np.where(c >= need[rows], c, -np.inf)
        best = options.max(1)
        tie = (options == best[:, None]).sum(1) > 1
        go = (best > -np.inf) & ~tie
        tied[active[tie & (best > -np.inf)]] = True
        active, choice, ns, nt = active[go], options[go].argmax(1), ns[go], nt[go]
        for side, members, counts in ((0, src, ns), (1, tgt, nt)):
            for last in (0, 1):
                rows = active[choice == 2 * side + last]
                k = counts[choice == 2 * side + last] - 1 if last else np.zeros(len(rows), np.int64)
                taken.append((rows, side, members[rows, k]))
                members[rows, k] = -1
                if not last:  # members stay packed from column 0
                    members[rows] = np.c_[members[rows, 1:], np.full(len(rows), -1)]
    return src, tgt, taken, tied


def _inner_debris(members: np.ndarray, debris: np.ndarray | None) -> np.ndarray:
    """Rows with debris strictly inside a side of three or more sentences."""
    counts = (members >= 0).sum(1)
    if debris is None:
        return np.zeros(len(members), bool)
    cols = np.arange(members.shape[1])[None, :]
    inner = (cols >= 1) & (cols < counts[:, None] - 1) & (counts[:, None] >= 3)
    return (inner & debris[np.maximum(members, 0)]).any(1)


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
    A bead may come out with a gap where debris was (e.g. [250]:[291, 293, 294]).

    All beads are checked at once; beads with debris inside, and exact ties
    between edge sentences, go through the checks one by one.
    """
    two = [k for k, b in enumerate(beads) if b.src and b.tgt]
    src, tgt = padded([beads[k].src for k in two]), padded([beads[k].tgt for k in two])
    one_by_one = _inner_debris(src, debris_x) | _inner_debris(tgt, debris_y)
    rows = np.flatnonzero(~one_by_one)
    src[rows], tgt[rows], taken, tied = _shed_edges(x, y, src[rows], tgt[rows], gain)
    one_by_one[rows[tied]] = True
    shed = np.zeros(len(two), bool)
    for r, _, _ in taken:
        shed[rows[r]] = True
    split = np.zeros(len(two), bool)
    ones = np.flatnonzero(~one_by_one & ((src >= 0).sum(1) == 1) & ((tgt >= 0).sum(1) == 1))
    if best_x is not None:
        split[ones] = _stranger(x, y, src[ones, 0], tgt[ones, 0], best_x, best_y, max_ratio)
    changed = {two[k]: k for k in np.flatnonzero(one_by_one | shed | split).tolist()}
    out = [b for k, b in enumerate(beads) if k not in changed]
    for r, side, ids in taken:
        keep = ~one_by_one[rows[r]]
        out += [Bead((k,), (), 0.0) for k in ids[keep].tolist()] if side == 0 else [Bead((), (k,), 0.0) for k in ids[keep].tolist()]
    for k, row in changed.items():
        b = beads[k]
        if one_by_one[row]:
            out += _prune_one(b, x, y, best_x, best_y, gain, max_ratio, debris_x, debris_y)
            continue
        s, t = tuple(src[row][src[row] >= 0].tolist()), tuple(tgt[row][tgt[row] >= 0].tolist())
        out += [Bead(s, (), 0.0), Bead((), t, 0.0)] if split[row] else [Bead(s, t, b.score, b.monotonic)]
    return in_order(out)


def _prune_one(b: Bead, x, y, best_x, best_y, gain, max_ratio, debris_x, debris_y) -> list[Bead]:
    """detach_weak's checks on one bead: what is left of it, and the sentences taken out."""
    out: list[Bead] = []
    src, tgt = list(b.src), list(b.tgt)
    _detach_debris(src, tgt, debris_x, debris_y, out)
    _detach_edges(src, tgt, x, y, gain, out)
    if best_x is not None and len(src) == 1 and len(tgt) == 1:
        if _stranger(x, y, np.array(src), np.array(tgt), best_x, best_y, max_ratio)[0]:
            return out + [Bead(tuple(src), (), 0.0), Bead((), tuple(tgt), 0.0)]
    return out + [Bead(tuple(src), tuple(tgt), b.score, b.monotonic)]


def _stranger(x, y, src: np.ndarray, tgt: np.ndarray, best_x, best_y, max_ratio: float, chunk: int = CHUNK) -> np.ndarray:
    """For 1-1 pairs src[k]-tgt[k]: is neither sentence anywhere near its best match
    (distance ratio above max_ratio)?"""
    out = np.zeros(len(src), bool)
    for start in range(0, len(src), chunk):
        i, j = src[start : start + chunk], tgt[start : start + chunk]
        dot = (x[i].astype(np.float64) * y[j]).sum(1)
        out[start : start + len(i)] = relative_distance(dot, best_x[i], best_y[j]) > max_ratio
    return out


def in_order(beads: list[Bead]) -> list[Bead]:
    """Beads in document order: by first source sentence; a target-only bead right
    after the source sentence whose in-order bead holds the aligned target sentence
    nearest before it (first of all if there is none)."""
    # a bead's sentence ids are in ascending order: its first is its least.  Padded
    # id arrays, not a loop per bead: every pass calls this on a million beads at 1M
    src, tgt = padded([b.src for b in beads]), padded([b.tgt for b in beads])
    first_s, first_t = src[:, 0], tgt[:, 0]
    lone_t = first_s < 0
    if not lone_t.any():
        return [beads[i] for i in np.lexsort((first_t, first_s)).tolist()]
    anchored = (first_s >= 0) & (first_t >= 0) & np.array([b.monotonic for b in beads], dtype=bool)
    members = tgt[anchored]
    held = members >= 0  # row by row: bead order, then each bead's own order
    tgt_ids = members[held]
    tgt_src = np.broadcast_to(first_s[anchored][:, None], members.shape)[held]
    order = np.argsort(tgt_ids, kind="stable")
    known, known_src = tgt_ids[order], tgt_src[order]
    k = np.searchsorted(known, first_t) - 1
    primary = np.where(lone_t, np.where(k >= 0, known_src[np.maximum(k, 0)] if len(known) else -1, -1), first_s)
    secondary = np.where(lone_t, np.where(k >= 0, 2, 0), 1)
    return [beads[i] for i in np.lexsort((first_t, secondary, primary)).tolist()]


def bead_scores(beads: list[Bead], x: np.ndarray, y: np.ndarray, *, chunk: int = CHUNK) -> list[float]:
    """Each bead's score: the cosine of its two sides' summed sentence vectors, clipped
    to [0, 1] and rounded to 6 places; 0 for a one-sided bead.  `chunk` beads at a
    time bounds the float64 sums in memory."""
    two = [b for b in beads if b.src and b.tgt]
    scores = iter(cosines(x, y, padded([b.src for b in two]), padded([b.tgt for b in two]), chunk=chunk).tolist())
    return [round(min(1.0, max(0.0, next(scores))), 6) if b.src and b.tgt else 0.0 for b in beads]
