"""Compiled kernels of the banded DP over sentence beads.

The search space is a band of DP nodes (i, j) = "first i source and j target
sentences consumed", stored row by row: row i holds columns lo[i]..hi[i], and
cell off[i] + j - lo[i] is node (i, j).

Multi-sentence windows are never embedded here: the cosine of a window pair is
the block sum of sentence-pair similarities over the product of the two
window-sum norms, i.e. the cosine between the sums of the sentence vectors.
"""

from __future__ import annotations

import numba
import numpy as np

from diglot.align.costs import DEL_S, DEL_T, P_ANCHOR, P_DEL, P_LEN, P_LEN_CAP
from diglot.align.distance import relative_distance
from diglot.align.threads import in_threads

INF = np.inf


@numba.njit(cache=True, fastmath=True, inline="always")
def _dot(x, y):
    s = np.float32(0.0)
    for k in range(x.shape[0]):
        s += x[k] * y[k]
    return s


def window_stats(x, mu, max_size):
    """Norm of the sum of each window x[k:k+a] and that sum's mean cosine to the other side.

    From the Gram entries of neighbouring sentences, so no window vector is formed.
    """
    n = x.shape[0]
    near = np.zeros((n, max_size), dtype=np.float64)  # near[k, d] = x_k . x_{k+d}
    proj = np.empty(n, dtype=np.float64)
    in_threads(_gram_part, n, x, mu, near, proj, cost=max_size * 8)
    nrm = np.ones((n + 1, max_size + 1), dtype=np.float64)
    msim = np.zeros((n + 1, max_size + 1), dtype=np.float64)
    in_threads(_window_stats_part, n, near, proj, nrm, msim, cost=max_size)
    return nrm, msim


@numba.njit(cache=True, fastmath=True, nogil=True)  # fastmath lets the inlined dot products vectorise
def _gram_part(start, stop, x, mu, near, proj):
    n = x.shape[0]
    for k in range(start, stop):
        proj[k] = _dot(x[k], mu)
        for d in range(near.shape[1]):
            if k + d < n:
                near[k, d] = _dot(x[k], x[k + d])


@numba.njit(cache=True, fastmath=True, nogil=True)  # kept with fastmath: the window norms, and so the corpus, round this way
def _window_stats_part(start, stop, near, proj, nrm, msim):
    n = near.shape[0]
    for k in range(start, stop):
        sq = 0.0
        pr = 0.0
        for a in range(1, nrm.shape[1]):
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


def sim_rows(x, y, lo, hi, max_size):
    """Row-wise prefix sums of sentence similarities over every column a bead can touch.

    Sentence row r is touched by beads ending at node rows r+1..r+max_size, whose
    columns run from lo[r+1] - max_size to hi[r+max_size].
    """
    slo, shi, soff = _sim_extent(lo, hi, max_size, x.shape[0])
    pre = np.zeros(soff[-1], dtype=np.float64)
    in_threads(_sim_rows_part, soff, x, y, slo, shi, soff, pre)
    return slo, soff, pre


@numba.njit(cache=True)
def _sim_extent(lo, hi, max_size, n):
    last = lo.shape[0] - 1
    slo = np.empty(n, dtype=np.int64)
    shi = np.empty(n, dtype=np.int64)
    soff = np.zeros(n + 1, dtype=np.int64)
    for r in range(n):
        slo[r] = max(0, lo[r + 1] - max_size)
        shi[r] = hi[min(last, r + max_size)]
        soff[r + 1] = soff[r] + shi[r] - slo[r] + 1
    return slo, shi, soff


@numba.njit(cache=True, fastmath=True, nogil=True)
def _sim_rows_part(start, stop, x, y, slo, shi, soff, pre):
    for r in range(start, stop):
        base = soff[r]
        acc = 0.0
        for c in range(slo[r], shi[r]):
            acc += _dot(x[r], y[c])
            pre[base + c - slo[r] + 1] = acc


def window_costs(lo, off, hi, types, slo, soff, pre, nx, ny, params, scale, prior, dx, dy, gx, gy, mx, my, wx, wy):
    """cost[cell, t], the cost of the bead of type t ending at the cell's node (inf where impossible).

    The window cosines themselves are not kept (at a million sentences they are
    gigabytes): `window_cos` and `cos_at` recompute them from the same prefix
    sums, bit for bit."""
    # filled by each thread for its own rows: at a million sentences this is
    # gigabytes, and one thread writing inf over it took seconds
    cost = np.empty((off[-1], types.shape[0]), dtype=np.float32)
    in_threads(_window_costs_part, off, lo, off, hi, types, slo, soff, pre, nx, ny, params, scale, prior, dx, dy, gx,
               gy, mx, my, wx, wy, cost)  # fmt: skip
    return cost


def window_cos(lo, off, hi, types, slo, soff, pre, nx, ny):
    """cos[cell, t] for the bead of type t ending at the cell's node (NaN where impossible)."""
    cos = np.empty((off[-1], types.shape[0]), dtype=np.float32)
    in_threads(_window_cos_part, off, lo, off, hi, types, slo, soff, pre, nx, ny, cos)
    return cos


@numba.njit(cache=True, inline="always")
def _block_cos(i, j, a, b, slo, soff, pre, nx, ny):
    """Cosine of the summed windows of the a-b bead ending at node (i, j), from the
    row prefix sums of sentence similarities; NaN where they do not reach."""
    block = 0.0
    for r in range(i - a, i):
        if j - b < slo[r] or j > slo[r] + soff[r + 1] - soff[r] - 1:
            return np.nan
        block += pre[soff[r] + j - slo[r]] - pre[soff[r] + j - b - slo[r]]
    return block / (nx[i - a, a] * ny[j - b, b])


@numba.njit(cache=True, nogil=True)
def _window_cos_part(start, stop, lo, off, hi, types, slo, soff, pre, nx, ny, cos):
    ntypes = types.shape[0]
    for i in range(start, stop):
        for j in range(lo[i], hi[i] + 1):
            cell = off[i] + j - lo[i]
            for t in range(ntypes):
                cos[cell, t] = np.nan
                a = types[t, 0]
                b = types[t, 1]
                if a > i or b > j or a == 0 or b == 0:
                    continue
                cos[cell, t] = _block_cos(i, j, a, b, slo, soff, pre, nx, ny)


@numba.njit(cache=True)
def cos_at(path, types, slo, soff, pre, nx, ny):
    """The window cosine (as stored in float32) of each bead (i, j, t) of a path; NaN for one-sided beads."""
    out = np.full(path.shape[0], np.nan, dtype=np.float32)
    for k in range(path.shape[0]):
        i, j, t = path[k, 0], path[k, 1], path[k, 2]
        a, b = types[t, 0], types[t, 1]
        if a > 0 and b > 0:
            out[k] = _block_cos(i, j, a, b, slo, soff, pre, nx, ny)
    return out


@numba.njit(cache=True, nogil=True)
def _window_costs_part(start, stop, lo, off, hi, types, slo, soff, pre, nx, ny, params, scale, prior, dx, dy, gx, gy,
                       mx, my, wx, wy, cost):  # fmt: skip
    ntypes = types.shape[0]
    w_del, w_len, len_cap, w_anchor = params[P_DEL], params[P_LEN], params[P_LEN_CAP], params[P_ANCHOR]
    for i in range(start, stop):
        for j in range(lo[i], hi[i] + 1):
            cell = off[i] + j - lo[i]
            for t in range(ntypes):
                cost[cell, t] = INF
                a = types[t, 0]
                b = types[t, 1]
                if a > i or b > j:
                    continue
                if a == 0 or b == 0:
                    cost[cell, t] = w_del * (wx[i - 1] if b == 0 else wy[j - 1])
                    continue
                c = _block_cos(i, j, a, b, slo, soff, pre, nx, ny)
                if np.isnan(c):
                    continue
                ms = np.uint64(0)
                mt = np.uint64(0)
                if w_anchor != 0.0:
                    for r in range(i - a, i):
                        ms |= mx[r]
                    for r in range(j - b, j):
                        mt |= my[r]
                cost[cell, t] = _pair_cost(
                    c, scale[t], prior[t], dx[i - a, a], dy[j - b, b], gy[j - b, b] - gx[i - a, a],
                    ms, mt, w_len, len_cap, w_anchor,
                )  # fmt: skip


# Scalars only: a compiled call with array arguments increfs and decrefs each of
# them, which cost ten times the arithmetic here (inline="always" did not help).
@numba.njit(cache=True, inline="always")
def _pair_cost(c, scale_t, prior_t, d_src, d_tgt, z, ms, mt, w_len, len_cap, w_anchor):
    """Cost of a two-sided bead: scale * r + prior, plus length and anchor terms
    (z: the log length ratio of the two windows, see search.window_log_lengths)."""
    if np.isnan(c):
        return INF
    cost = scale_t * relative_distance(c, d_src, d_tgt) + prior_t
    if w_len != 0.0:
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
def _bead_cost(i, j, t, a, b, c, params, scale, prior, dx, dy, gx, gy, mx, my, wx, wy):
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
        c, scale[t], prior[t], dx[i - a, a], dy[j - b, b], gy[j - b, b] - gx[i - a, a],
        ms, mt, params[P_LEN], params[P_LEN_CAP], params[P_ANCHOR],
    )  # fmt: skip


@numba.njit(cache=True)
def recost(cells, ts, cost, rows, lo, hi, off, types, cos, params, scale, prior, dx, dy, gx, gy, mx, my, wx, wy):
    for k in range(cells.shape[0]):
        i = rows[k]
        j = lo[i] + cells[k] - off[i]
        t = ts[k]
        cost[cells[k], t] = _bead_cost(
            i, j, t, types[t, 0], types[t, 1], cos[cells[k], t], params, scale, prior, dx, dy, gx, gy, mx, my, wx, wy
        )


@numba.njit(cache=True)
def forward(lo, hi, off, types, cost, ext):
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
                # the band check stays written out here and in the margin kernels: as an
                # inlined helper returning -1 it made this loop ten times slower
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


@numba.njit(cache=True, inline="always")
def _rest_through(a, b, c, ext, rest, rest_s, rest_t):
    """Cheapest cost to the end (any state, inside a source gap, inside a target gap) by a
    bead of type (a, b) costing c into a node whose costs to the end are rest, rest_s, rest_t:
    a gap bead next to one of its own side costs `ext` times less."""
    if b == 0:
        v = rest_s + c
        return v, rest_s + ext * c, v
    if a == 0:
        v = rest_t + c
        return v, v, rest_t + ext * c
    v = rest + c
    return v, v, v


@numba.njit(cache=True, inline="always")
def _cost_through(a, b, c, ext, best, gap_s, gap_t, rest, rest_s, rest_t):
    """Cost of the best whole path through a bead of type (a, b) costing c, from a node
    reached at best (gap_s, gap_t: inside a gap) to one whose costs to the end are rest, rest_s, rest_t."""
    if b == 0:
        return min(best + c, gap_s + ext * c) + rest_s
    if a == 0:
        return min(best + c, gap_t + ext * c) + rest_t
    return best + c + rest


@numba.njit(cache=True)
def backward(lo, hi, off, types, cost, ext):
    """Cheapest cost from each node to the end (any state, and inside a source or
    target gap, where the next gap bead of that side costs `ext` times less):
    with `forward` it gives min-marginals."""
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
                v, vs, vt = _rest_through(a, b, cost[ncell, t], ext, rest[ncell], rest_s[ncell], rest_t[ncell])
                acc = min(acc, v)
                acc_s = min(acc_s, vs)
                acc_t = min(acc_t, vt)
            rest[cell] = acc
            rest_s[cell] = acc_s
            rest_t[cell] = acc_t
    return rest, rest_s, rest_t


@numba.njit(cache=True)
def node_margins(lo, hi, off, types, best, gap_s, gap_t, cost, ext):
    """margins(...).min(axis=1) in one backward sweep: the cost to the end is kept
    for the rows a bead can reach (a ring of max_size + 1 rows), not for the whole band,
    so no three band-sized arrays are made.  The same steps (_rest_through, _cost_through)
    as `backward` and `_margins_part`, so the same bits."""
    nrows = lo.shape[0]
    ntypes = types.shape[0]
    reach = 0
    for t in range(ntypes):
        reach = max(reach, types[t, 0])
    ring = reach + 1
    width = 1
    for i in range(nrows):
        width = max(width, hi[i] - lo[i] + 1)
    rest = np.empty((ring, width), dtype=np.float64)
    rest_s = np.empty((ring, width), dtype=np.float64)
    rest_t = np.empty((ring, width), dtype=np.float64)
    out = np.empty(off[nrows], dtype=np.float32)
    total = best[off[nrows] - 1]
    for i in range(nrows - 1, -1, -1):
        slot = i % ring
        for k in range(hi[i] - lo[i] + 1):
            rest[slot, k] = INF
            rest_s[slot, k] = INF
            rest_t[slot, k] = INF
        if i == nrows - 1:
            last = hi[i] - lo[i]
            rest[slot, last] = 0.0
            rest_s[slot, last] = 0.0
            rest_t[slot, last] = 0.0
        for j in range(hi[i], lo[i] - 1, -1):
            k = j - lo[i]
            acc = rest[slot, k]
            acc_s = rest_s[slot, k]
            acc_t = rest_t[slot, k]
            for t in range(ntypes):
                a = types[t, 0]
                b = types[t, 1]
                ni = i + a
                nj = j + b
                if ni >= nrows or nj < lo[ni] or nj > hi[ni]:
                    continue
                ncell = off[ni] + nj - lo[ni]
                nslot = ni % ring
                nk = nj - lo[ni]
                v, vs, vt = _rest_through(a, b, cost[ncell, t], ext, rest[nslot, nk], rest_s[nslot, nk],
                                          rest_t[nslot, nk])
                acc = min(acc, v)
                acc_s = min(acc_s, vs)
                acc_t = min(acc_t, vt)
            rest[slot, k] = acc
            rest_s[slot, k] = acc_s
            rest_t[slot, k] = acc_t
        for j in range(lo[i], hi[i] + 1):
            cell = off[i] + j - lo[i]
            k = j - lo[i]
            out[cell] = INF
            if rest[slot, k] == INF:
                continue
            for t in range(ntypes):
                a = types[t, 0]
                b = types[t, 1]
                pi = i - a
                pj = j - b
                if pi < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                prev = off[pi] + pj - lo[pi]
                v = _cost_through(a, b, cost[cell, t], ext, best[prev], gap_s[prev], gap_t[prev],
                                  rest[slot, k], rest_s[slot, k], rest_t[slot, k])
                out[cell] = min(out[cell], np.float32(v - total))
    return out


@numba.njit(cache=True)
def trace_back(lo, off, types, back, extended):
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
def band_from_path(nodes, n, m, width, row_width):
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


def pair_sums(vecs, signs, dim_out):
    """Sums of neighbouring rows, folded to dim_out buckets with fixed random signs
    (a sparse random projection: cosines survive, memory and time shrink)."""
    half = vecs.shape[0] // 2
    out = np.empty((half, dim_out), dtype=np.float32)
    in_threads(_pair_sums_part, half, vecs, signs, out, cost=16)
    return out


@numba.njit(cache=True, nogil=True)
def _pair_sums_part(start, stop, vecs, signs, out):
    # one bucket-wide slice of the input at a time: a bucket receives the same
    # terms in the same order as k % dim_out would give, and the inner loop
    # has no modulo, so it vectorises
    dim_out = out.shape[1]
    for r in range(start, stop):
        for k in range(dim_out):
            out[r, k] = signs[k] * (vecs[2 * r, k] + vecs[2 * r + 1, k])
        for base in range(dim_out, vecs.shape[1], dim_out):
            for k in range(base, min(vecs.shape[1], base + dim_out)):
                out[r, k - base] += signs[k] * (vecs[2 * r, k] + vecs[2 * r + 1, k])


@numba.njit(cache=True, nogil=True)
def centre_and_scale(start, stop, vecs, mean):
    """Rows start..stop of vecs minus mean, then scaled to unit length (zero rows stay zero)."""
    d = vecs.shape[1]
    for r in range(start, stop):
        for k in range(d):
            vecs[r, k] -= mean[k]
        # four running sums, not one: the adds need not wait for each other
        s0 = s1 = s2 = s3 = 0.0
        for k in range(0, d - 3, 4):
            s0 += np.float64(vecs[r, k]) * vecs[r, k]
            s1 += np.float64(vecs[r, k + 1]) * vecs[r, k + 1]
            s2 += np.float64(vecs[r, k + 2]) * vecs[r, k + 2]
            s3 += np.float64(vecs[r, k + 3]) * vecs[r, k + 3]
        for k in range(d - d % 4, d):
            s0 += np.float64(vecs[r, k]) * vecs[r, k]
        sq = (s0 + s1) + (s2 + s3)
        norm = np.float32(np.sqrt(sq)) if sq > 0.0 else np.float32(1.0)
        for k in range(vecs.shape[1]):
            vecs[r, k] /= norm


def margins(lo, hi, off, types, ahead, rests, cost, ext):
    """out[cell, t]: how much worse the best path through that bead is than the best path
    (float32, inf where there is none)."""
    out = np.empty((off[-1], types.shape[0]), dtype=np.float32)
    in_threads(_margins_part, off, lo, hi, off, types, *ahead, *rests, cost, ext, out, cost=types.shape[0])
    return out


@numba.njit(cache=True, nogil=True)
def _margins_part(start, stop, lo, hi, off, types, best, gap_s, gap_t, rest, rest_s, rest_t, cost, ext, out):
    nrows = lo.shape[0]
    ntypes = types.shape[0]
    total = best[off[nrows] - 1]
    for i in range(start, stop):
        for cell in range(off[i], off[i + 1]):
            for t in range(ntypes):
                out[cell, t] = INF
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
                v = _cost_through(a, b, cost[cell, t], ext, best[prev], gap_s[prev], gap_t[prev],
                                  rest[cell], rest_s[cell], rest_t[cell])
                out[cell, t] = min(out[cell, t], np.float32(v - total))


@numba.njit(cache=True)
def path_scores(path, types, cos, dx, dy):
    """1 - r clipped to [0, 1] for each bead of a path, from its window cosine cos[k]; 0 one-sided."""
    out = np.zeros(path.shape[0], dtype=np.float64)
    for k in range(path.shape[0]):
        i, j, t = path[k, 0], path[k, 1], path[k, 2]
        a, b = types[t, 0], types[t, 1]
        if a == 0 or b == 0:
            continue
        out[k] = min(1.0, max(0.0, 1.0 - relative_distance(cos[k], dx[i - a, a], dy[j - b, b])))
    return out
