"""After the DP: join two neighbouring beads that are one bead cut in the wrong place,
and cut a bead that holds two translation units.

The DP prices a bead of a and b sentences at a * b times its distance, since a
summed window's cosine rises with its size whatever it holds; so a translation
unit of five sentences (a 2-3) is cheaper as a 1-1 and a 1-2 whenever the
pieces each look like translations.  Two things tell what the pieces' cosines
do not.  Their lengths: cut in the wrong place, one piece's target is too
short for its source and the next one's too long, while together they have
the documents' ratio.  And their content across the cut: a source sentence of
one piece is related to the other piece's target (a translation that regrouped
clauses), where two separate translation units face each other only as
neighbouring sentences on one topic do.

Two neighbouring two-sided beads are joined when their length misfits (log
ratio against the ratio of what translates, as costs.py's length term) point
in opposite directions, each by at least `min_misfit`; the union fits better
than either and is at least as alike (summed-vector cosine) as the more alike
of them; and one's source and the other's target, centred, score at least
`min_share` of the way from the document's unrelated level to its translation
level (unmatched.centred_levels).
"""

from __future__ import annotations

import numpy as np

from diglot.align.bead import Bead, padded
from diglot.align.costs import log_length_ratio
from diglot.align.prune import cosines

# log length ratio each piece is off by, about 1.28x (dev: 0.2 to 0.3 join the
# split translation units, 0.15 joins separate ones)
MIN_MISFIT = 0.25


def _misfit(members_s: np.ndarray, members_t: np.ndarray, lengths) -> np.ndarray:
    """Signed log length ratio of each row (costs.log_length_ratio, the length term's)."""
    ls, lt, ratio = lengths
    sum_s = np.where(members_s >= 0, ls[np.maximum(members_s, 0)], 0.0).sum(1)
    sum_t = np.where(members_t >= 0, lt[np.maximum(members_t, 0)], 0.0).sum(1)
    return log_length_ratio(sum_s, sum_t, ratio)


def join_complementary(beads: list[Bead], x: np.ndarray, y: np.ndarray, lengths, max_size: int, centred,
                       *, min_misfit: float = MIN_MISFIT, min_share: float = 0.2) -> list[Bead]:
    """Join neighbouring two-sided beads that are one unit (see the module docstring).

    lengths: (source lengths, target lengths, target-to-source ratio); centred:
    (each side's mean vector, (match level, background level)).  The union keeps
    at most `max_size` sentences a side and `max_size` + 1 in all.  Beads come
    in and go out in document order; of two overlapping joins the earlier is made.
    """
    if len(beads) < 2:
        return beads
    src, tgt = padded([b.src for b in beads]), padded([b.tgt for b in beads])
    ns, nt = (src >= 0).sum(1), (tgt >= 0).sum(1)
    first_s, first_t = src[:, 0], tgt[:, 0]  # -1 on an empty side
    last_s = src[np.arange(len(beads)), np.maximum(ns - 1, 0)]
    last_t = tgt[np.arange(len(beads)), np.maximum(nt - 1, 0)]
    mono = np.array([b.monotonic for b in beads], dtype=bool)
    two = (ns > 0) & (nt > 0) & mono
    pair = two[:-1] & two[1:] & (first_s[1:] == last_s[:-1] + 1) & (first_t[1:] == last_t[:-1] + 1)
    ps, pt = ns[:-1] + ns[1:], nt[:-1] + nt[1:]
    pair &= (ps <= max_size) & (pt <= max_size) & (ps + pt <= max_size + 1)
    cand = np.flatnonzero(pair)
    if not len(cand):
        return beads
    z = np.zeros(len(beads))
    rows = np.union1d(cand, cand + 1)
    z[rows] = _misfit(src[rows], tgt[rows], lengths)
    za, zb = z[cand], z[cand + 1]
    keep = (za * zb < 0) & (np.minimum(np.abs(za), np.abs(zb)) >= min_misfit)
    cand = cand[keep]
    if not len(cand):
        return beads
    js = padded([beads[k].src + beads[k + 1].src for k in cand])
    jt = padded([beads[k].tgt + beads[k + 1].tgt for k in cand])
    zj = _misfit(js, jt, lengths)
    cj = cosines(x, y, js, jt)
    ca = cosines(x, y, src[cand], tgt[cand])
    cb = cosines(x, y, src[cand + 1], tgt[cand + 1])
    keep = (np.abs(zj) < np.minimum(np.abs(z[cand]), np.abs(z[cand + 1]))) & (cj >= np.maximum(ca, cb))
    means, (match, background) = centred
    cross = np.maximum(cosines(x, y, src[cand], tgt[cand + 1], means), cosines(x, y, src[cand + 1], tgt[cand], means))
    keep &= cross >= background + min_share * (match - background)
    cand = cand[keep]
    out, skip = list(beads), set()
    for k in cand.tolist():  # candidates only: a handful per document
        if k in skip:
            continue
        a, b = beads[k], beads[k + 1]
        out[k] = Bead(a.src + b.src, a.tgt + b.tgt, 0.0)
        out[k + 1] = None
        skip.add(k + 1)
    return [b for b in out if b is not None]


def cut_unrelated_halves(beads: list[Bead], x: np.ndarray, y: np.ndarray, centred, *, max_cross: float = 0.0,
                         min_share: float = 0.2) -> list[Bead]:
    """Cut in two a bead of two or more sentences a side that holds two translation units.

    The DP's summed windows favour one bead over two whenever both halves are
    translations (what join_complementary's docstring says, the other way round).
    A cut (first i source and j target sentences, and the rest) is made when
    each half's sides are related (centred cosine at least `min_share` of the way
    from the document's unrelated level to its translation level) and neither
    half's source is related to the other half's target more than `max_cross`
    of that way: no more than neighbouring sentences on one topic are.  Of
    several such cuts, the one whose weaker half is strongest.
    """
    means, (match, background) = centred
    level = lambda share: background + share * (match - background)  # noqa: E731
    src, tgt = padded([b.src for b in beads]), padded([b.tgt for b in beads])
    ns, nt = (src >= 0).sum(1), (tgt >= 0).sum(1)
    mono = np.array([b.monotonic for b in beads], dtype=bool)
    multi = np.flatnonzero((ns >= 2) & (nt >= 2) & mono)
    if not len(multi):
        return beads
    best = np.full(len(multi), -np.inf)
    cut = np.zeros((len(multi), 2), dtype=np.int64)
    s, t = src[multi], tgt[multi]
    for i in range(1, src.shape[1]):
        for j in range(1, tgt.shape[1]):
            rows = np.flatnonzero((ns[multi] > i) & (nt[multi] > j))
            if not len(rows):
                continue
            sa, sb, ta, tb = s[rows, :i], s[rows, i:], t[rows, :j], t[rows, j:]
            weaker = np.minimum(cosines(x, y, sa, ta, means), cosines(x, y, sb, tb, means))
            cross = np.maximum(cosines(x, y, sa, tb, means), cosines(x, y, sb, ta, means))
            ok = (weaker >= level(min_share)) & (cross <= level(max_cross)) & (weaker > best[rows])
            best[rows[ok]] = weaker[ok]
            cut[rows[ok]] = (i, j)
    done = np.flatnonzero(best > -np.inf)
    if not len(done):
        return beads
    out = list(beads)
    for r in done.tolist():  # the beads cut only: a handful per document
        b, (i, j) = beads[multi[r]], cut[r].tolist()
        out[multi[r]] = [Bead(b.src[:i], b.tgt[:j], 0.0), Bead(b.src[i:], b.tgt[j:], 0.0)]
    return [piece for b in out for piece in (b if isinstance(b, list) else [b])]
