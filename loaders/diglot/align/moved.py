"""Sentences the other document has in a different place.

A monotonic path must leave a moved sentence unaligned on both sides.  Among
those leftovers, a source and a target sentence are paired when each is the
other's best leftover match, their neighbourhood-normalised distance is small,
and the runner-up on either side is clearly worse (a lone strong match, not one
of several similar sentences).

Two neighbouring sentences that swapped places do not end up as leftovers: a
summed window does not care about order, so the path takes them as one 2-2
bead.  `split_swaps` undoes that when the crossed pairs are clearly the match.
"""

from __future__ import annotations

import numba
import numpy as np

from diglot.align.distance import relative_distance
from diglot.align.bead import Bead


def split_swaps(beads: list[Bead], x: np.ndarray, y: np.ndarray, *, window: int = 4) -> list[Bead]:
    """Split each 2-2 bead whose sentences cross into two 1-1 beads, the second non-monotonic.

    A bead [s1, s2]:[t1, t2] is split into s1-t2 and s2-t1 when each crossed
    pair is the mutual best match among the sentences within `window` of the
    bead (so both crossed pairs are closer than either straight pair).
    """
    out: list[Bead] = []
    for b in beads:
        if len(b.src) == 2 and len(b.tgt) == 2 and b.monotonic and _crossed(b.src, b.tgt, x, y, window):
            (s1, s2), (t1, t2) = b.src, b.tgt
            out += [Bead((s1,), (t2,), b.score), Bead((s2,), (t1,), b.score, monotonic=False)]
        else:
            out.append(b)
    return out


def _crossed(src: tuple[int, ...], tgt: tuple[int, ...], x: np.ndarray, y: np.ndarray, window: int) -> bool:
    (s1, s2), (t1, t2) = src, tgt
    i0, j0 = max(0, s1 - window), max(0, t1 - window)
    # float64 without BLAS, so the decision does not depend on the CPU's kernels
    local = np.einsum("id,jd->ij", x[i0 : s2 + window + 1].astype(np.float64), y[j0 : t2 + window + 1].astype(np.float64))
    return all(local[s - i0].argmax() == t - j0 and local[:, t - j0].argmax() == s - i0 for s, t in ((s1, t2), (s2, t1)))


def find_moved(
    beads: list[Bead],
    x: np.ndarray,
    y: np.ndarray,
    mean_x: np.ndarray,
    mean_y: np.ndarray,
    *,
    max_distance: float = 0.45,
    min_gap: float = 0.15,
    max_pool: int = 20000,
) -> list[Bead]:
    """Return `beads` with moved pairs merged into non-monotonic 1-1 beads.

    mean_x[k] / mean_y[k]: each sentence's mean cosine to the other document.
    Each leftover pool is capped at `max_pool` sentences so memory stays bounded.
    """
    lone_src = [b.src[0] for b in beads if b.src and not b.tgt]
    lone_tgt = [b.tgt[0] for b in beads if b.tgt and not b.src]
    if not lone_src or not lone_tgt:
        return beads
    us = np.array(lone_src[:max_pool])
    ut = np.array(lone_tgt[:max_pool])
    # scores in blocks so a huge leftover pool never needs an |us| x |ut| matrix at once
    best_t = np.zeros(len(us), dtype=np.int64)
    best_r = np.empty(len(us))
    second_r = np.empty(len(us))
    col_best_r = np.full(len(ut), np.inf)
    col_second_r = np.full(len(ut), np.inf)
    col_best_s = np.full(len(ut), -1, dtype=np.int64)
    y_pool, mean_y_pool = y[ut], mean_y[ut]
    for start in range(0, len(us), 1024):
        rows = us[start : start + 1024]
        part = slice(start, start + len(rows))
        _two_nearest(x[rows] @ y_pool.T, mean_x[rows], mean_y_pool, start,
                     best_t[part], best_r[part], second_r[part], col_best_r, col_second_r, col_best_s)  # fmt: skip
    mutual = col_best_s[best_t] == np.arange(len(us))
    with np.errstate(invalid="ignore"):  # inf - inf where a row has no finite distance: NaN, not kept
        clear = (second_r - best_r >= min_gap) & (col_second_r[best_t] - best_r >= min_gap)
    keep = np.flatnonzero(mutual & (best_r <= max_distance) & clear)
    if not len(keep):
        return beads
    pairs = dict(zip(us[keep].tolist(), zip(ut[best_t[keep]].tolist(), best_r[keep].tolist())))
    taken_t = {t for t, _ in pairs.values()}
    out = []
    for b in beads:
        if b.src and not b.tgt and b.src[0] in pairs:
            t, r = pairs[b.src[0]]
            out.append(Bead(b.src, (t,), round(min(1.0, max(0.0, 1.0 - r)), 6), monotonic=False))
        elif b.tgt and not b.src and b.tgt[0] in taken_t:
            continue
        else:
            out.append(b)
    return out


@numba.njit(cache=True)
def _two_nearest(cos, mean_rows, mean_cols, first_row, row_arg, row_best, row_second, col_best, col_second, col_arg):
    """Relative distances of a block of pool rows to every pool column (non-finite: inf):
    each row's nearest column (the first on ties), its distance and the runner-up's
    (inf if none); and each column's running nearest row (the first on ties, rows
    numbered from first_row), its distance and the runner-up's, updated in place."""
    for i in range(cos.shape[0]):
        best = np.inf
        second = np.inf
        for j in range(cos.shape[1]):
            r = relative_distance(cos[i, j], mean_rows[i], mean_cols[j])
            if np.isnan(r):  # a non-finite vector's distances rank last
                r = np.inf
            if r < best:
                second = best
                best = r
                row_arg[i] = j
            elif r < second:
                second = r
            if r < col_best[j]:
                col_second[j] = col_best[j]
                col_best[j] = r
                col_arg[j] = first_row + i
            elif r < col_second[j]:
                col_second[j] = r
        row_best[i] = best
        row_second[i] = second
