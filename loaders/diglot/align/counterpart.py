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
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

WINDOW = 8  # candidates each side of the first pass's position
MIN_SEPARATION = 1.5  # match level must exceed background by this many spreads to count
MAX_LOG_ODDS = 12.0
MIN_ANCHORS = 5


@numba.njit(cache=True, fastmath=True)
def _local_top2(x, y, centre, window):
    """Best and second-best cosine of each x[i] among y[centre[i] - window : centre[i] + window + 1], and where."""
    n, m = x.shape[0], y.shape[0]
    best = np.full(n, -1.0)
    second = np.full(n, -1.0)
    arg = np.full(n, -1, dtype=np.int64)
    for i in range(n):
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
    return best, second, arg


@dataclass(frozen=True)
class Odds:
    """Per-sentence log-odds of a counterpart, and the document-level levels they came from.

    verdict: "levels" (log-odds from the match and background levels), "unrelated"
    (no match level stands out: every sentence gets -MAX_LOG_ODDS) or "too short"
    (too few anchors to tell: every sentence gets 0).
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


def counterpart_odds(x: np.ndarray, y: np.ndarray, path: np.ndarray, window: int = WINDOW) -> Odds:
    """Log-odds that each sentence has a counterpart, from sentence vectors and a first-pass path."""
    n, m = len(x), len(y)
    cx, cy = _centres(path, n, m)
    bx, sx, ax = _local_top2(x, y, cx, window)
    by, sy, ay = _local_top2(y, x, cy, window)
    mutual = ay[ax] == np.arange(n)
    seconds = np.concatenate([sx[sx > -1.0], sy[sy > -1.0]])
    if mutual.sum() < MIN_ANCHORS or len(seconds) < MIN_ANCHORS:
        return Odds(np.zeros(n), np.zeros(m), 1.0, 0.0, 1.0, "too short")
    match, spread_m = _robust(bx[mutual])
    background, spread_b = _robust(seconds)
    spread = max(np.sqrt((spread_m**2 + spread_b**2) / 2.0), 1e-4)
    verdict = "levels" if (match - background) / spread >= MIN_SEPARATION else "unrelated"
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


def smoothed(log_odds: np.ndarray, reach: int) -> np.ndarray:
    """Mean of each sentence's log-odds and its `reach` neighbours either side."""
    padded = np.pad(log_odds, reach, mode="edge")
    return np.convolve(padded, np.ones(2 * reach + 1) / (2 * reach + 1), mode="valid")

