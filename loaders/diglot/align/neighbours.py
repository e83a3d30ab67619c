"""How close each sentence comes to its nearest sentences on the other side.

The DP divides window distances by these (CSLS-style), so a sentence that
looks similar to everything does not win every bead.

Neighbours are searched within a band of the similarity matrix around the
document's diagonal (scaled by the length ratio), the same rule at every
document size: time and memory grow linearly with the length, and a document
no longer than the band is searched whole.
"""

from __future__ import annotations

import numba
import numpy as np

from diglot.align.threads import in_threads

# Half-width of the band in sentences of the longer side.  The best of more candidates
# is closer, so an unbounded search gives a sentence without counterpart a different
# normaliser in a long document than in a short one.  2 * 256 + 1 candidates is about
# as many as Text+Berg dev offers (468 / 554 sentences), the document the aligner's
# constants were tuned on; narrower bands lowered planted dev F1.
BAND = 256
# Source rows per matrix product.  A block's product covers BLOCK + 2 * width
# columns where each row needs its own 2 * width + 1: smaller blocks compute
# fewer cells outside the band (128: about a third less time than 256 at 100,000
# sentences).  Each cell's dot product, so each maximum, is the same whatever the block.
BLOCK = 128


def neighbourhood(x: np.ndarray, y: np.ndarray, k: int, band: int = BAND):
    """Each sentence's mean cosine to its k nearest sentences on the other side, within the band.

    The band is the set of cells (i, j) with |j - c(i)| <= w, where c(i) is the
    target column the diagonal crosses source row i at and w = band * max(1, m / n)
    (so every target sentence too has about 2 * band source sentences in it);
    source sentence i is compared with the cells of its row, target sentence j
    with those of its column.  Dividing distances by these (as CSLS and margin
    scoring do) discounts "hub" sentences that look similar to everything.
    k <= 0 returns None, None (the DP then normalises by the document mean).
    """
    n, m = len(x), len(y)
    if k <= 0 or n == 0 or m == 0:
        return None, None
    centre = np.floor((np.arange(n) + 0.5) * (m / n)).astype(np.int64)
    width = int(np.ceil(band * max(1.0, m / n)))
    starts = np.arange(0, n, BLOCK)
    near_x = np.empty(n)
    if k == 1:  # the aligner's case: maxima over each row's and column's cells, no mask or sort
        # blocks' columns overlap, so each thread keeps its own column maxima; the
        # maximum of those is the same whatever the split
        col_parts: list[np.ndarray] = []

        def blocks(a: int, b: int) -> None:
            col_max = np.full(m, -np.inf)
            for start in starts[a:b].tolist():
                rows = centre[start : start + BLOCK]
                lo, hi = max(0, int(rows[0]) - width), min(m, int(rows[-1]) + width + 1)
                sim = x[start : start + len(rows)] @ y[lo:hi].T
                _band_max(sim, rows - lo, width, near_x[start : start + len(rows)], col_max[lo:hi])
            col_parts.append(col_max)

        in_threads(blocks, len(starts), cost=BLOCK * (BLOCK + 2 * width))
        return near_x, _finite_mean(np.max(col_parts, axis=0)[None, :])
    top_y = np.full((k, m), -np.inf)
    for start in starts.tolist():
        rows = centre[start : start + BLOCK]
        lo, hi = max(0, int(rows[0]) - width), min(m, int(rows[-1]) + width + 1)
        sim = x[start : start + len(rows)] @ y[lo:hi].T
        sim[np.abs(np.arange(lo, hi)[None, :] - rows[:, None]) > width] = -np.inf
        kx = min(k, hi - lo)
        near_x[start : start + len(rows)] = _finite_mean(np.partition(sim, hi - lo - kx, axis=1)[:, -kx:].T)
        top_y[:, lo:hi] = -np.sort(-np.concatenate([top_y[:, lo:hi], sim]), axis=0)[:k]
    return near_x, _finite_mean(top_y)


@numba.njit(cache=True, nogil=True)
def _band_max(sim, centre, width, row_max, col_max):
    """row_max[r] = max of sim[r] over |c - centre[r]| <= width; col_max[c] = max(itself,
    the same cells of column c)."""
    for r in range(sim.shape[0]):
        a = max(0, centre[r] - width)
        b = min(sim.shape[1], centre[r] + width + 1)
        best = -np.inf
        for c in range(a, b):
            v = sim[r, c]
            if v > best:
                best = v
            if v > col_max[c]:
                col_max[c] = v
        row_max[r] = best


def _finite_mean(top: np.ndarray) -> np.ndarray:
    """Column means over the finite entries (a band row or column with fewer than k cells)."""
    ok = np.isfinite(top)
    return np.where(ok, top, 0.0).sum(0) / np.maximum(ok.sum(0), 1)
