"""Sentences the other document has in a different place.

A monotonic path must leave a moved sentence unaligned on both sides.  Among
those leftovers, a source and a target sentence are paired when each is the
other's best leftover match, the runner-up on either side is clearly worse (a
lone strong match, not one of several similar sentences), and the pair is
close enough.  Close enough is judged, when the caller gives them, against
this document pair's own centred levels of a translation and of an unrelated
nearby sentence (`unmatched.centred_levels`): leftovers are mostly passages
one version alone has, and two such passages on one topic score as close on
the raw, neighbourhood-normalised distance as a moved translation does in a
document whose translations are loose.  Without levels, a fixed bound on that
distance.  A passage moves as a whole, so a pair's neighbours on both sides,
in the same order, join it on weaker evidence.  A lone moved sentence is often
glued onto a neighbouring bead: `free_moved_edges` takes such edge sentences
out for find_moved to see, and `reglue` puts back those it did not pair.  One
whose odds are high, because a neighbour in its bead matches nearby, goes when
its best lone match is clearly closer to it than its bead is.  In
a short document the odds that tell such a sentence searched the whole other
document, where its counterpart is: there its lone match must instead be
closer to it than its bead is.

Two neighbouring sentences that swapped places do not end up as leftovers: a
summed window does not care about order, so the path takes them as one 2-2
bead.  `split_swaps` undoes that when the crossed pairs are clearly the match.
"""

from __future__ import annotations

import numba
import numpy as np

from diglot.align.costs import log_length_ratio
from diglot.align.distance import relative_distance
from diglot.align.bead import Bead, padded
from diglot.align.prune import in_order
from diglot.align.unmatched import centred_cos, centred_row_cos, centred_unit, low_edged


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


def free_moved_edges(beads: list[Bead], x, y, centred, odds_x: np.ndarray, odds_y: np.ndarray, *,
                     max_log_odds: float, min_share: float, odds_blind: bool = False,
                     min_gain: float | None = None, lengths: tuple | None = None, max_misfit: float = 0.0,
                     debris: tuple | None = None, reach: int | None = None) -> tuple[list[Bead], dict]:
    """Take out of a bead an edge sentence that moved here: the path glues a lone moved
    sentence onto a neighbouring bead, where find_moved cannot see it.  Returns
    the beads and {(side, sentence): a sentence still in its bead} for `reglue`
    (side 0: source).

    An edge sentence of a bead of three or more sentences goes when its log-odds
    of a counterpart nearby are below `max_log_odds`, its best match among the
    other side's one-sided sentences within `reach` (below) has a centred
    cosine at least `min_share` of the way from background to match, and the
    bead's centred cosine does not drop without it.  centred: (side_means(x, y),
    centred_levels).

    odds_blind: the odds cannot tell a moved sentence (counterpart_odds searched
    the whole other document, so a sentence whose counterpart moved has high
    odds, or gave no verdict).  There, in place of low odds, its best lone match
    must be closer to it than its bead's other side is.

    min_gain: elsewhere, a sentence with high odds goes too when its best lone
    match is closer to it than its bead's other side by at least this share of
    the way from background to match, and, given `lengths` (as find_moved's),
    their log length ratio is within `max_misfit` of what translates, and
    neither is a line with almost no letters (debris: per side, True for
    those), whose near-random direction is close to some lone line by chance.
    A moved sentence's odds are high when a neighbour in its bead matches
    nearby; its own translation elsewhere still tells it apart.  Such a
    sentence goes even when the bead's centred cosine drops without it.  Its
    lone match is looked for within `reach` sentences (None: anywhere) of where the diagonal
    puts it (scaled by the length ratio, as neighbours.py's band): a passage
    moves within its chapter, and the search costs the same per sentence at
    every document size instead of growing with the one-sided sentences of a
    whole book.
    """
    means, levels = centred
    odds = (odds_x, odds_y)
    gain = np.inf if min_gain is None else min_gain * (levels[0] - levels[1])
    # a cosine is at most 1: a sentence closer than 1 - gain to its own bead cannot gain enough
    # anywhere, and most bead members are (the matrix product against the lone pool is the cost)
    best = _best_lone_match(beads, x, y, means, odds, None if odds_blind else max_log_odds,
                            None if min_gain is None else 1.0 - gain, reach)
    if not best:
        return beads, {}
    bound = levels[1] + min_share * (levels[0] - levels[1])
    strong = (np.zeros(len(x), bool), np.zeros(len(y), bool))
    other = _other_sides(beads, best)
    clear = set()  # freed on their gain over their bead alone (see below)
    for (s, k), (c, partner) in best.items():
        if c < bound:
            continue
        # the cosine to its own bead only for the few close enough to a lone match
        ahead = c - _cos_to(x, y, means, s, k, other[(s, k)])
        fits = lengths is None or _misfit(lengths, s, k, partner) <= max_misfit
        if debris is not None and (debris[s][k] or debris[1 - s][partner]):
            fits = False
        if ahead >= gain and fits:
            clear.add((s, k))
        strong[s][k] = odds[s][k] < max_log_odds or (odds_blind and ahead > 0) or (s, k) in clear
    out: list[Bead] = []
    freed: dict[tuple[int, int], tuple[int, int]] = {}
    for b, hit in zip(beads, _edge_in(beads, strong).tolist()):
        if not hit:
            out.append(b)
            continue
        sides = [list(b.src), list(b.tgt)]
        for s in (0, 1):
            for k in (sides[s][0], sides[s][-1]) if sides[s] else ():
                if not strong[s][k] or k not in sides[s] or len(sides[s]) < 2:
                    continue
                rest = [m for m in sides[s] if m != k]
                trial = (rest, sides[1]) if s == 0 else (sides[0], rest)
                # a moved sentence on the bead's topic adds to its cosine without translating any of
                # it: one clearly closer to its lone match goes though the bead's cosine drops
                if (s, k) in clear or centred_cos(x, y, means, *trial) >= centred_cos(x, y, means, *sides):
                    sides[s] = rest
                    out.append(Bead((k,), (), 0.0) if s == 0 else Bead((), (k,), 0.0))
                    freed[(s, k)] = (s, rest[0])  # the rest of its side stays in the bead
        out.append(b if sides == [list(b.src), list(b.tgt)] else Bead(tuple(sides[0]), tuple(sides[1]), b.score, b.monotonic))
    return (in_order(out), freed) if freed else (beads, freed)


def _misfit(lengths, s: int, k: int, partner: int) -> float:
    """How far sentence k of side s and its partner on the other side are from the length ratio of what translates."""
    lx, ly, ratio = lengths
    i, j = (k, partner) if s == 0 else (partner, k)
    return abs(float(log_length_ratio(lx[i], ly[j], ratio)))


def _other_sides(beads, best: dict) -> dict:
    """{(side, sentence): the other side of its bead} for the keys of `best`."""
    out = {}
    for b in beads:
        for s, side in enumerate((b.src, b.tgt)):
            for k in (side[0], side[-1]) if side else ():
                if (s, k) in best:
                    out[(s, k)] = (b.tgt, b.src)[s]
    return out


def _cos_to(x, y, means, s: int, k: int, other) -> float:
    """Centred cosine of sentence k of side s to the summed other side of its bead."""
    return centred_cos(x, y, means, [k], other) if s == 0 else centred_cos(x, y, means, other, [k])


def _best_lone_match(beads, x, y, means, odds, max_log_odds: float | None,
                     max_bead_cos: float | None = None, reach: int | None = None) -> dict:
    """{(side, sentence): (best centred cosine to a one-sided sentence of the other side within
    `reach` (None: anywhere), that sentence)} for the edge sentences of beads of 3+ sentences with
    log-odds below `max_log_odds` (None: all) or, given `max_bead_cos`, a centred cosine to their
    bead's other side of at most that."""
    lone = (np.sort([b.src[0] for b in beads if b.src and not b.tgt]).astype(np.int64),
            np.sort([b.tgt[0] for b in beads if b.tgt and not b.src]).astype(np.int64))
    edges: tuple[list[int], list[int]] = ([], [])
    loose: tuple[list[int], list[int]] = ([], [])  # edges above the odds gate, and
    facing: tuple[list, list] = ([], [])  # their bead's other side
    gate = np.inf if max_log_odds is None else max_log_odds
    if max_log_odds is None or max_bead_cos is not None:
        rows = range(len(beads))
    else:
        rows = np.flatnonzero(low_edged(beads, *odds, max_log_odds)).tolist()
    for k in rows:
        b = beads[k]
        if b.src and b.tgt and b.monotonic and len(b.src) + len(b.tgt) >= 3:
            for s, side in enumerate((b.src, b.tgt)):
                if len(side) > 1:
                    for e in {side[0], side[-1]}:
                        if odds[s][e] < gate:
                            edges[s].append(e)
                        elif max_bead_cos is not None:
                            loose[s].append(e)
                            facing[s].append((b.tgt, b.src)[s])
    vecs = (x, y)
    best = {}
    for s in (0, 1):
        if edges[s]:
            best.update(_best_lone_within(np.sort(edges[s]), s, vecs, means, lone[1 - s], reach))
        if loose[s]:
            cos = _cos_to_sides(vecs[s], vecs[1 - s], means[s], means[1 - s], loose[s], facing[s])
            # the slack covers float32's error: the filter must never drop one the exact cosine keeps
            near = np.sort(np.array(loose[s])[cos <= max_bead_cos + 1e-4])
            best.update(_best_lone_within(near, s, vecs, means, lone[1 - s], reach))
    return best


def _best_lone_within(rows: np.ndarray, s: int, vecs, means, lone: np.ndarray, reach: int | None) -> dict:
    """_best_lone_match's search for sorted `rows` of side s among the sorted `lone` sentences
    of the other side that lie within the band |j - c(i)| <= reach * max(1, m / n) of the
    diagonal (reach None: all of them)."""
    if not len(rows) or not len(lone):
        return {}
    own, other = vecs[s], vecs[1 - s]
    scale = len(other) / max(len(own), 1)
    width = len(other) if reach is None else int(np.ceil(reach * max(1.0, scale)))
    centre = np.floor((rows + 0.5) * scale).astype(np.int64)
    pool = centred_unit(other, lone, means[1 - s])
    pool32 = pool.astype(np.float32)
    best = {}
    for start in range(0, len(rows), 1024):
        block, mid = rows[start : start + 1024], centre[start : start + 1024]
        lo, hi = np.searchsorted(lone, mid[0] - width), np.searchsorted(lone, mid[-1] + width, side="right")
        if lo == hi:
            continue
        unit = centred_unit(own, block, means[s])
        # BLAS finds the best match, in float32 (half the time of the product); its cosine
        # is then summed in float64 by numpy itself, so the value judged does not depend on
        # the machine's kernels (unmatched.py)
        sim = unit.astype(np.float32) @ pool32[lo:hi].T
        if reach is not None:
            sim[np.abs(lone[None, lo:hi] - mid[:, None]) > width] = -np.inf
        top = sim.argmax(axis=1)
        found = np.isfinite(sim[np.arange(len(block)), top])
        cos = (unit * pool[lo + top]).sum(axis=1)
        best.update(((s, int(k)), (float(c), int(lone[lo + t]))) for k, c, t, ok in zip(block, cos, top, found) if ok)
    return best


def _cos_to_sides(own, other, own_mean, other_mean, rows: list[int], sides: list, chunk: int = 4096) -> np.ndarray:
    """Centred cosine of each own[rows[k]] to the summed other[sides[k]]: centred_cos in float32
    arrays, within about 1e-5 of it, for a pre-filter only."""
    members = padded(sides)
    own_mean, other_mean = own_mean.astype(np.float32), other_mean.astype(np.float32)
    out = np.empty(len(rows))
    for start in range(0, len(rows), chunk):
        m = members[start : start + chunk]
        a = own[rows[start : start + chunk]] - own_mean
        b = (other[m.clip(0)] * (m >= 0)[..., None]).sum(1) - (m >= 0).sum(1)[:, None].astype(np.float32) * other_mean
        den = np.sqrt((a * a).sum(1) * (b * b).sum(1))
        out[start : start + chunk] = (a * b).sum(1) / np.maximum(den, 1e-30)
    return out


def _edge_in(beads: list[Bead], marked: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Per bead: two-sided, with the first or last sentence of a side marked."""
    hit = np.zeros(len(beads), bool)
    sides = (padded([b.src for b in beads]), padded([b.tgt for b in beads]))
    rows = np.flatnonzero((sides[0][:, 0] >= 0) & (sides[1][:, 0] >= 0))
    for members, mark in zip(sides, marked):
        count = (members >= 0).sum(1)
        hit[rows] |= mark[members[rows, 0]] | mark[members[rows, count[rows] - 1]]
    return hit


def reglue(beads: list[Bead], freed: dict) -> list[Bead]:
    """Put back into its bead every sentence free_moved_edges took out that find_moved left alone.

    A freed sentence whose anchor is no longer in a two-sided bead stays one-sided:
    there is no bead left to put it back into.
    """
    if not freed:
        return beads
    members = (padded([b.src for b in beads]), padded([b.tgt for b in beads]))
    sizes = [(side >= 0).sum(1) for side in members]
    owner = [_owners(side) for side in members]
    home: dict[int, tuple[list, list]] = {}  # bead -> sentences to add back, per side
    gone = set()  # the one-sentence beads they leave
    for (s, k), (_, anchor) in freed.items():
        alone, there = int(owner[s][k]), int(owner[s][anchor])
        if sizes[s][alone] != 1 or sizes[1 - s][alone] or not (sizes[0][there] and sizes[1][there]):
            continue  # find_moved paired it, or its bead is gone
        home.setdefault(there, ([], []))[s].append(k)
        gone.add(alone)
    if not home:
        return beads
    glued = {
        i: Bead(tuple(sorted(beads[i].src + tuple(add_s))), tuple(sorted(beads[i].tgt + tuple(add_t))),
                beads[i].score, beads[i].monotonic)
        for i, (add_s, add_t) in home.items()
    }  # fmt: skip
    return in_order([glued.get(i, b) for i, b in enumerate(beads) if i not in gone])


def _owners(members: np.ndarray) -> np.ndarray:
    """owner[k]: the row of `members` (padded sentence ids of each bead) that holds sentence k."""
    rows, cols = np.nonzero(members >= 0)
    ids = members[rows, cols]
    owner = np.full(int(ids.max(initial=-1)) + 1, -1, dtype=np.int64)
    owner[ids] = rows
    return owner


def find_moved(
    beads: list[Bead],
    x: np.ndarray,
    y: np.ndarray,
    mean_x: np.ndarray,
    mean_y: np.ndarray,
    *,
    max_distance: float = 0.45,
    min_gap: float = 0.15,
    reach: int | None = None,
    centred: tuple | None = None,
    min_share: float = 0.8,
    next_share: float = 0.4,
    lengths: tuple | None = None,
    fit_share: float = np.inf,
    max_misfit: float = 0.0,
) -> list[Bead]:
    """Return `beads` with moved pairs merged into non-monotonic 1-1 beads.

    mean_x[k] / mean_y[k]: each sentence's mean cosine to the other document.
    A pair is two leftovers each other's nearest, clearly ahead of the runner-up,
    among the leftovers within `reach` sentences of where the diagonal puts them
    (scaled by the length ratio, as neighbours.py's band; None: anywhere).
    centred: (side_means(x, y), (match, background) levels of centred_levels) or
    None.  Given, a pair's centred cosine must be at least `min_share` of the
    way from background to match, or `fit_share` of the way where lengths
    (source lengths, target lengths, target-to-source ratio of what translates)
    say its log length ratio is within `max_misfit` of what translates, in
    place of `max_distance` on the relative distance; and leftovers next to a moved pair on both sides, in the same
    order, join it as moved pairs from `next_share` on (a passage moves as a
    whole: its neighbour on either side is a weaker match, but at the right
    place).
    """
    us = np.array([b.src[0] for b in beads if b.src and not b.tgt], dtype=np.int64)
    ut = np.array([b.tgt[0] for b in beads if b.tgt and not b.src], dtype=np.int64)
    if not len(us) or not len(ut):
        return beads
    scale = len(y) / max(len(x), 1)
    width = None if reach is None else int(np.ceil(reach * max(1.0, scale)))
    if width is not None:  # a band's columns are found by position (in_order's leftovers already are)
        us, ut = np.sort(us), np.sort(ut)
    best_t = np.zeros(len(us), dtype=np.int64)
    best_r = np.empty(len(us))
    second_r = np.empty(len(us))
    col_best_r = np.full(len(ut), np.inf)
    col_second_r = np.full(len(ut), np.inf)
    col_best_s = np.full(len(ut), -1, dtype=np.int64)
    y_pool, mean_y_pool = y[ut], mean_y[ut]
    # in blocks of rows, each against the pool columns its band reaches
    for start in range(0, len(us), 1024):
        rows = us[start : start + 1024]
        part = slice(start, start + len(rows))
        lo, hi = 0, len(ut)
        if width is not None:
            mid = np.floor((rows + 0.5) * scale).astype(np.int64)
            lo, hi = np.searchsorted(ut, mid[0] - width), np.searchsorted(ut, mid[-1] + width, side="right")
        sim = x[rows] @ y_pool[lo:hi].T
        if width is not None:
            sim[np.abs(ut[None, lo:hi] - mid[:, None]) > width] = -np.inf
        _two_nearest(sim, mean_x[rows], mean_y_pool[lo:hi], start, best_t[part], best_r[part], second_r[part],
                     col_best_r[lo:hi], col_second_r[lo:hi], col_best_s[lo:hi])  # fmt: skip
        best_t[part] += lo
    mutual = col_best_s[best_t] == np.arange(len(us))
    with np.errstate(invalid="ignore"):  # inf - inf where a row has no finite distance: NaN, not kept
        clear = (second_r - best_r >= min_gap) & (col_second_r[best_t] - best_r >= min_gap)
    close = best_r <= max_distance if centred is None else np.ones(len(us), bool)
    keep = np.flatnonzero(mutual & close & clear)
    pairs = dict(zip(us[keep].tolist(), zip(ut[best_t[keep]].tolist(), best_r[keep].tolist())))
    if centred is not None:
        pairs = _close_to_match(pairs, x, y, centred, min_share, lengths, fit_share, max_misfit)
        pairs = _passages(pairs, set(us.tolist()), set(ut.tolist()), x, y, mean_x, mean_y, centred, next_share)
    if not pairs:
        return beads
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


def _passages(pairs: dict, lone_x: set, lone_y: set, x, y, mean_x, mean_y, centred, next_share: float) -> dict:
    """`pairs` grown along both documents at once: leftovers i + d and j + d (d = -1, 1)
    of a pair (i, j) become a pair when their centred cosine is at least
    `next_share` of the way from the background level to the match level."""
    means, levels = centred
    bound = levels[1] + next_share * (levels[0] - levels[1])
    out = dict(pairs)
    taken = {t for t, _ in out.values()}
    todo = sorted(out.items())
    while todo:
        i, (j, _) = todo.pop()
        for d in (-1, 1):
            a, b = i + d, j + d
            if a in out or a not in lone_x or b in taken or b not in lone_y:
                continue
            if centred_row_cos(x, y, means, np.array([a]), np.array([b]))[0] >= bound:
                r = float(relative_distance(float(x[a] @ y[b]), mean_x[a], mean_y[b]))
                out[a] = (b, r)
                taken.add(b)
                todo.append((a, (b, r)))
    return out


def _close_to_match(pairs: dict, x, y, centred, min_share: float, lengths=None, fit_share: float = np.inf,
                    max_misfit: float = 0.0) -> dict:
    """The pairs whose centred cosine is at least `min_share` of the way from the background level to the match level,
    or `fit_share` of the way where their log length ratio is within `max_misfit` of what translates (lengths:
    (source lengths, target lengths, ratio))."""
    if not pairs:
        return pairs
    means, (match, background) = centred
    src = np.array(list(pairs), dtype=np.int64)
    tgt = np.array([t for t, _ in pairs.values()], dtype=np.int64)
    cos = centred_row_cos(x, y, means, src, tgt)
    bound = background + min_share * (match - background)
    fits = np.zeros(len(src), bool)
    if lengths is not None:
        lx, ly, ratio = lengths
        fits = (np.abs(log_length_ratio(lx[src], ly[tgt], ratio)) <= max_misfit) & (cos >= background + fit_share * (match - background))
    return {int(i): pairs[int(i)] for i, c, f in zip(src, cos, fits) if c >= bound or f}


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
