"""Coarse-to-fine search: the banded DP at halved resolutions, then refined in bands.

At the coarsest level the band is the whole grid of a small problem; each finer
level doubles the resolution and keeps only a fixed-width band around the
projected path, so time and memory grow linearly with the document length.
Callers that have real window vectors can overwrite window cosines
(`Search.set_cos`) and rerun the final pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diglot.align import kernels
from diglot.align.bead import Bead
from diglot.align.costs import LENGTH_SMOOTHING, Params
from diglot.align.threads import in_threads


def _offsets(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    off = np.zeros(len(lo) + 1, dtype=np.int64)
    np.cumsum(hi - lo + 1, out=off[1:])
    return off


COARSE_DIM = 256


def _downsample(vecs: np.ndarray) -> np.ndarray:
    """Sum neighbouring pairs, remove the mean (sums drift towards it) and renormalise."""
    dim_out = min(vecs.shape[1], COARSE_DIM)
    if vecs.shape[1] > dim_out:
        signs = np.random.default_rng(0).choice(np.array([-1.0, 1.0], np.float32), vecs.shape[1])
    else:
        signs = np.ones(vecs.shape[1], np.float32)
    out = kernels.pair_sums(vecs, signs, dim_out)
    mean = out.mean(axis=0) if len(out) > 1 else np.zeros(dim_out, np.float32)
    in_threads(kernels.centre_and_scale, len(out), out, mean, cost=16)
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
        self.nx, self.dx = kernels.window_stats(level.x, self.mu_y, self.max_size)
        self.ny, self.dy = kernels.window_stats(level.y, mu_x.astype(np.float32), self.max_size)
        if level.near_x is not None and level.near_y is not None:
            self.dx = _window_means(level.near_x, self.max_size)
            self.dy = _window_means(level.near_y, self.max_size)
        if n:
            slo, soff, pre = kernels.sim_rows(level.x, level.y, lo, hi, self.max_size)
        else:
            slo, soff, pre = np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0)
        self.pvec, self.scale, self.prior = params.arrays(types)
        # the length term compares the target window's length with the source's times len_ratio
        self.gx = window_log_lengths(level.lx, len_ratio, self.max_size)
        self.gy = window_log_lengths(level.ly, 1.0, self.max_size)
        self.gap_ext = float(params.gap_ext)
        # the row prefix sums stay (a few per band cell) so that window cosines can be
        # recomputed where needed instead of keeping a (cells, types) array of them
        self.sims = (slo, soff, pre)
        self._cos = None
        self.cost = kernels.window_costs(
            lo, self.off, hi, types, slo, soff, pre, self.nx, self.ny, *self._cost_args()[5:]
        )

    @property
    def cos(self) -> np.ndarray:
        """cos[cell, t]: the window cosine of every bead (NaN where impossible), made on first use."""
        if self._cos is None:
            self._cos = kernels.window_cos(self.lo, self.off, self.hi, self.types, *self.sims, self.nx, self.ny)
        return self._cos

    def path_cos(self, path: np.ndarray) -> np.ndarray:
        """The window cosine of each bead of a path (float32, NaN for one-sided beads)."""
        if self._cos is not None:  # it may hold cosines set_cos replaced
            cells = self.off[path[:, 0]] + path[:, 1] - self.lo[path[:, 0]]
            return self._cos[cells, path[:, 2]]
        return kernels.cos_at(path, self.types, *self.sims, self.nx, self.ny)

    def _cost_args(self):
        lv = self.level
        return (
            self.lo, self.hi, self.off, self.types, self._cos, self.pvec, self.scale, self.prior,
            self.dx, self.dy, self.gx, self.gy, lv.mx, lv.my, lv.wx, lv.wy,
        )  # fmt: skip

    def run(self) -> np.ndarray:
        """Best path as rows (i, j, type) of the bead ending at node (i, j)."""
        self.best, self.gap_s, self.gap_t, back, extended = kernels.forward(
            self.lo, self.hi, self.off, self.types, self.cost, self.gap_ext
        )
        return kernels.trace_back(self.lo, self.off, self.types, back, extended)

    def total(self) -> float:
        return float(self.best[-1])

    def margins(self) -> np.ndarray:
        """For every (cell, type): how much worse the best path forced through that bead is."""
        rests = kernels.backward(self.lo, self.hi, self.off, self.types, self.cost, self.gap_ext)
        ahead = (self.best, self.gap_s, self.gap_t)
        return kernels.margins(self.lo, self.hi, self.off, self.types, ahead, rests, self.cost, self.gap_ext)

    def node_margins(self) -> np.ndarray:
        """margins().min(axis=1): for every node, how much worse the best path through it is."""
        return kernels.node_margins(self.lo, self.hi, self.off, self.types, self.best, self.gap_s, self.gap_t,
                                    self.cost, self.gap_ext)

    def cell(self, i: int, j: int) -> int:
        return int(self.off[i] + j - self.lo[i])

    def set_cos(self, cells: np.ndarray, types: np.ndarray, values: np.ndarray) -> None:
        """Replace window cosines (e.g. by those of really embedded windows) and their costs."""
        self.cos[cells, types] = values
        kernels.recost(cells, types, self.cost, self.cell_rows(cells), *self._cost_args())

    def cell_rows(self, cells: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.off, cells, side="right") - 1


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
    while levels:
        depth = len(levels) - 1
        # a coarser level and its search are done with once its path is known
        lv, search = levels.pop(), None
        n, m = len(lv.x), len(lv.y)
        if path is None:
            lo = np.zeros(n + 1, dtype=np.int64)
            hi = np.full(n + 1, m, dtype=np.int64)
        else:
            nodes = np.concatenate([[[0, 0]], path[:, :2] * 2, [[n, m]]]).astype(np.int64)
            lo, hi = kernels.band_from_path(nodes, n, m, width, 2)
        search = Search(lv, lo, hi, types if depth == 0 else COARSE_TYPES, params, len_ratio)
        path = search.run()
    return search, path


def _window_totals(prefix: np.ndarray, max_size: int) -> np.ndarray:
    """out[k, a] = prefix[k + a] - prefix[k]: the total over window k..k+a of the values
    whose prefix sums these are (0 where the window runs off the end)."""
    n = len(prefix) - 1
    out = np.zeros((n + 1, max_size + 1))
    for a in range(1, max_size + 1):
        if n - a + 1 > 0:
            out[: n - a + 1, a] = prefix[a:] - prefix[:-a]
    return out


def _window_means(values: np.ndarray, max_size: int) -> np.ndarray:
    """out[k, a] = mean of values[k:k+a] (0 where the window runs off the end)."""
    pre = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    return _window_totals(pre, max_size) / np.maximum(np.arange(max_size + 1), 1)


def window_log_lengths(prefix: np.ndarray, scale: float, max_size: int) -> np.ndarray:
    """out[k, a] = log(scale * length of window k..k+a + LENGTH_SMOOTHING), from prefix sums of lengths.

    A bead's length term needs the log of its two windows' length ratio; as a
    difference of these, every cell of the band costs a subtraction instead of a log.
    """
    return np.log(scale * _window_totals(prefix, max_size) + LENGTH_SMOOTHING)


def _pair_mean(w: np.ndarray) -> np.ndarray:
    half = len(w) // 2
    return (w[0 : 2 * half : 2] + w[1 : 2 * half : 2]) / 2.0


def _pair_or(masks: np.ndarray) -> np.ndarray:
    half = len(masks) // 2
    return masks[0 : 2 * half : 2] | masks[1 : 2 * half : 2]


def path_to_beads(search: Search, path: np.ndarray) -> list[Bead]:
    """Beads from a path; deletions and insertions become single-sentence beads with score 0.

    A bead's score is 1 - r clipped to [0, 1] (r as in Params): 0 for unrelated text.
    """
    return beads_from_path(path, search.types, path_scores(search, path))


def path_scores(search: Search, path: np.ndarray) -> np.ndarray:
    """path_to_beads' score of each bead of the path."""
    return np.round(kernels.path_scores(path, search.types, search.path_cos(path), search.dx, search.dy), 6)


def beads_from_path(path: np.ndarray, types: np.ndarray, scores: np.ndarray) -> list[Bead]:
    sizes = types[path[:, 2]]
    return [
        Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), float(sc))
        for (i, j), (a, b), sc in zip(path[:, :2].tolist(), sizes.tolist(), scores.tolist())
    ]
