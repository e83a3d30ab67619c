"""Alignment from sentence vectors alone (no texts, no lexical anchors)."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np

from diglot.align.bead import Bead
from diglot.align.costs import MAX_SIZE, Params, bead_types
from diglot.align.search import Level, coarse_to_fine, path_to_beads

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
    max_size: int = MAX_SIZE,
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
    if len(x) == 0 or len(y) == 0:
        return [Bead((i,), (), 0.0) for i in range(len(x))] + [Bead((), (j,), 0.0) for j in range(len(y))]
    level = Level(x, y, lx, ly, np.zeros(len(x), np.uint64), np.zeros(len(y), np.uint64))
    search, path = coarse_to_fine(level, bead_types(max_size), params, len_ratio=ratio)
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
