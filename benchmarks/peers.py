"""Runners for the two aligners on precomputed sentence vectors, and a scorer.

diglot:   the public ``diglot.align.align(src texts, tgt texts, max_size=MAX_SIZE)``
          with an embedder that serves the precomputed vectors
          (``StoredVectors``), and its DP kernel alone,
          ``diglot.align.align_vectors(src, tgt, max_size=MAX_SIZE)``; MAX_SIZE is
          align()'s default, ``diglot.align.costs.MAX_SIZE`` (5).
Vecalign: the DP of Thompson & Koehn (2019) as packaged on PyPI by
          ``sentalign`` (``sentalign.dp_utils.vecalign``), driven the way
          ``sentalign.sentalign`` drives it, but fed the same sentence vectors
          diglot gets: overlap window k ending at sentence j is the L2-normalised
          sum of sentence vectors j-k+1..j (front-padded with zero vectors, which
          Vecalign's DP never reads), and the bead types are exactly diglot's,
          every (x, y) with x, y >= 1 and x + y <= MAX_SIZE + 1 (Vecalign's
          alignment_max_size = MAX_SIZE + 1, 6: between its CLI's default 4
          and sentalign's 8), plus its own 1-0/0-1; only MAX_SIZE overlap
          layers are built, the most any of those types reads.
          The other knobs are sentalign's defaults (del_percentile_frac=0.2,
          max_size_full_dp=300, costs_sample_size=20000, num_samps_for_norm=100,
          search buffer 5, so width_over2 = ceil(5 / 2) + 5 = 8).

Both return beads as (src ids tuple, tgt ids tuple) in document order.
"""

from __future__ import annotations

import inspect
import math
import random
from collections import defaultdict
from typing import Iterable, Sequence

import numpy as np

# Sentences a side in one bead, for both aligners: align()'s default, diglot.align.costs.MAX_SIZE
# (a test holds them equal; not imported, so that a Vecalign process does not load diglot and numba).
MAX_SIZE = 5

VECALIGN_KNOBS = dict(
    del_percentile_frac=0.2,
    max_size_full_dp=300,
    costs_sample_size=20_000,
    num_samps_for_norm=100,
    search_buffer_size=5,
)

BeadT = tuple[tuple[int, ...], tuple[int, ...]]


# --------------------------------------------------------------------------- diglot


def diglot_available() -> bool:
    try:
        from diglot.align import align_vectors  # noqa: F401

        return True
    except Exception:  # ImportError, or the module is mid-edit
        return False


def diglot_raw(src: np.ndarray, tgt: np.ndarray, max_size: int = MAX_SIZE) -> list:
    """The timed call of the kernel: diglot's beads as it returns them."""
    from diglot.align import align_vectors

    return align_vectors(src, tgt, max_size=max_size)


def diglot_align(src: list[str], tgt: list[str], embedder, max_size: int = MAX_SIZE) -> list:
    """The timed call of the public API: texts in, beads out."""
    from diglot.align import align

    return align(src, tgt, embedder=embedder, max_size=max_size)


class StoredVectors:
    """An embedder serving vectors computed beforehand, as a store of embeddings would:
    rows live in a float32 file and each call reads the rows it needs into fresh
    memory, so the process holds no second copy of every vector besides the one
    `embed` returns (a model would produce that one inside align() too).

    Texts are looked up exactly; `seconds` adds up the time spent in `embed`.
    """

    name = "stored"

    def __init__(self, texts: Sequence[str], vecs: np.ndarray, path):
        if len(texts) != len(vecs):
            raise ValueError(f"{len(texts)} texts but {len(vecs)} vectors")
        self.dim = int(vecs.shape[1])
        self.model = f"stored vectors ({self.dim} dims)"
        self.path = str(path)
        np.ascontiguousarray(vecs, dtype=np.float32).tofile(self.path)
        self.row = {t: k for k, t in enumerate(texts)}
        self.seconds = 0.0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import time

        t0 = time.perf_counter()
        ids = np.fromiter((self.row[t] for t in texts), np.int64, len(texts))
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        cuts = [0, *(np.flatnonzero(np.diff(ids) != 1) + 1).tolist(), len(ids)]
        with open(self.path, "rb") as fh:
            for a, b in zip(cuts[:-1], cuts[1:]):  # each run of consecutive rows in one read
                if b > a:
                    fh.seek(int(ids[a]) * self.dim * 4)
                    fh.readinto(out[a:b])
        self.seconds += time.perf_counter() - t0
        return out


def diglot_align_vectors(src: np.ndarray, tgt: np.ndarray, max_size: int = MAX_SIZE) -> list[BeadT]:
    return to_pairs(diglot_raw(src, tgt, max_size))


def to_pairs(beads) -> list[BeadT]:
    """Either aligner's output as (src ids, tgt ids) tuples; done outside the timed region."""
    return [_as_pair(b) for b in beads]


def diglot_version_info() -> dict:
    info = {}
    try:
        from diglot.align import align_vectors

        info["align_vectors_signature"] = str(inspect.signature(align_vectors))
    except Exception as err:  # pragma: no cover - reported, not fatal
        info["error"] = repr(err)
    return info


def _as_pair(bead) -> BeadT:
    if hasattr(bead, "src"):
        return tuple(int(i) for i in bead.src), tuple(int(i) for i in bead.tgt)
    s, t = bead[0], bead[1]
    return tuple(int(i) for i in s), tuple(int(i) for i in t)


# --------------------------------------------------------------------------- Vecalign


def overlap_vectors(sent_vecs: np.ndarray, num_overlaps: int) -> np.ndarray:
    """(num_overlaps, n, d) float32: window k (1-based) ending at j = normalised sum of j-k+1..j.

    O(n d k) per window size k; rows j < k-1
    (no full window) are zero, like Vecalign's front padding, and are never read
    by its DP.
    """
    n, d = sent_vecs.shape
    out = np.zeros((num_overlaps, n, d), dtype=np.float32)
    out[0] = sent_vecs
    for k in range(2, num_overlaps + 1):
        if n < k:
            break
        win = sent_vecs[k - 1 :].copy()  # rows = windows ending at k-1..n-1
        for back in range(1, k):
            win += sent_vecs[k - 1 - back : n - back]
        norms = np.linalg.norm(win, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out[k - 1, k - 1 :] = win / norms
    return out


def vecalign_types(max_size: int = MAX_SIZE) -> list[tuple[int, int]]:
    """diglot's non-empty bead types: a, b >= 1, a, b <= max_size, a + b <= max_size + 1.

    That is exactly Vecalign's ``make_alignment_types(max_size + 1)`` (x + y <=
    alignment_max_size), so ``alignment_max_size = max_size + 1`` matches diglot's max_size.
    """
    return [(x, y) for x in range(1, max_size + 1) for y in range(1, max_size + 1) if x + y <= max_size + 1]


def vecalign_align_vectors(src: np.ndarray, tgt: np.ndarray, max_size: int = MAX_SIZE, seed: int = 42) -> list[BeadT]:
    return to_pairs(vecalign_raw(src, tgt, max_size, seed))


def vecalign_raw(src: np.ndarray, tgt: np.ndarray, max_size: int = MAX_SIZE, seed: int = 42) -> list:
    """The timed call: window vectors + Vecalign's DP; its final_alignments as returned."""
    from sentalign.dp_utils import vecalign

    # sentalign seeds both RNGs before every call (its norm/deletion sampling is random)
    random.seed(seed)
    np.random.seed(seed)
    vecs0 = overlap_vectors(np.asarray(src, dtype=np.float32), max_size)
    vecs1 = overlap_vectors(np.asarray(tgt, dtype=np.float32), max_size)
    # as sentalign computes it for alignment_max_size = max_size + 1
    width_over2 = math.ceil((max_size + 1) / 2.0) + VECALIGN_KNOBS["search_buffer_size"]
    stack = vecalign(
        vecs0=vecs0,
        vecs1=vecs1,
        final_alignment_types=vecalign_types(max_size),
        del_percentile_frac=VECALIGN_KNOBS["del_percentile_frac"],
        width_over2=width_over2,
        max_size_full_dp=VECALIGN_KNOBS["max_size_full_dp"],
        costs_sample_size=VECALIGN_KNOBS["costs_sample_size"],
        num_samps_for_norm=VECALIGN_KNOBS["num_samps_for_norm"],
    )
    return stack[0]["final_alignments"]


# --------------------------------------------------------------------------- scoring


def strict_f1(gold: Sequence[BeadT], test: Sequence[BeadT]) -> dict:
    """Strict precision / recall / F1 of one document (see strict_f1_multi)."""
    return strict_f1_multi([gold], [test])


def strict_f1_multi(golds: Iterable[Sequence[BeadT]], tests: Iterable[Sequence[BeadT]]) -> dict:
    """Strict P/R/F1, counts summed over documents: ``diglot.align.evaluate.score`` if present, else local."""
    pairs = [([_norm_bead(b) for b in g], [_norm_bead(b) for b in t]) for g, t in zip(golds, tests)]
    score = _diglot_score()
    if score is not None:
        s = score(pairs)
        return {"precision": s.precision_strict, "recall": s.recall_strict, "f1": s.f1_strict}
    return local_strict_f1_multi([g for g, _ in pairs], [t for _, t in pairs])


def local_strict_f1_multi(golds: Iterable[Sequence[BeadT]], tests: Iterable[Sequence[BeadT]]) -> dict:
    """Strict P/R/F1 as defined by Vecalign's score.py, written here from its definition.

    Precision: over every non-empty predicted bead (one-sided included), the
    fraction identical to a gold bead.  Recall: over gold beads with sentences
    on both sides, the fraction found among predicted two-sided beads.  Counts
    are summed over documents before dividing (as the Text+Berg README asks).
    """
    tp_p = n_p = tp_r = n_r = 0
    for gold, test in zip(golds, tests):
        gold_set = {_norm_bead(b) for b in gold if len(b[0]) or len(b[1])}
        test_set = {_norm_bead(b) for b in test if len(b[0]) or len(b[1])}
        n_p += len(test_set)
        tp_p += len(test_set & gold_set)
        gold_2s = {b for b in gold_set if b[0] and b[1]}
        test_2s = {b for b in test_set if b[0] and b[1]}
        n_r += len(gold_2s)
        tp_r += len(gold_2s & test_2s)
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_r if n_r else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def _norm_bead(b) -> BeadT:
    s, t = _as_pair(b)
    return tuple(s), tuple(t)


def scorer_name() -> str:
    if _diglot_score() is not None:
        return "diglot.align.evaluate.score (strict)"
    return "benchmarks.peers.local_strict_f1_multi"


def _diglot_score():
    try:
        from diglot.align.evaluate import score

        return score
    except Exception:
        return None


def coverage_ok(beads: Sequence[BeadT], n_src: int, n_tgt: int) -> bool:
    """Every sentence in exactly one bead, and beads monotonic in both sides."""
    src = [i for s, _ in beads for i in s]
    tgt = [j for _, t in beads for j in t]
    return sorted(src) == list(range(n_src)) and sorted(tgt) == list(range(n_tgt))


def bead_type_counts(beads: Sequence[BeadT]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for s, t in beads:
        counts[f"{len(s)}-{len(t)}"] += 1
    return dict(counts)
