"""Model-free evidence between sentences: lengths, and "anchor" tokens.

Anchors are tokens written identically in both documents that carry meaning on
their own: numbers, and capitalised words (names, places) rare enough in the
document to point at one spot.  Each sentence gets a 64-bit mask of its hashed
anchors, so a window's anchors are the OR of its sentences' masks and the DP can
compare windows with two popcounts.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from functools import reduce
from operator import or_
from typing import Sequence

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)


def _candidates(sentence: str) -> set[str]:
    # a letter is never a digit: all-letter tokens (most of them) skip the digit scan
    return {
        tok
        for tok in _WORD.findall(sentence)
        if (len(tok) >= 3 and tok[0].isupper()) or (not tok.isalpha() and any(map(str.isdigit, tok)))
    }


def anchor_masks(src: Sequence[str], tgt: Sequence[str], max_share: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """uint64 masks of anchors: candidate tokens present on both sides and rare on each."""
    cs = [_candidates(s) for s in src]
    ct = [_candidates(t) for t in tgt]
    fs = Counter(tok for c in cs for tok in c)
    ft = Counter(tok for c in ct for tok in c)
    limit_s = max(3, max_share * len(src))
    limit_t = max(3, max_share * len(tgt))
    shared = {tok for tok in fs.keys() & ft.keys() if fs[tok] <= limit_s and ft[tok] <= limit_t}

    bit = {tok: 1 << (zlib.crc32(tok.encode("utf-8")) % 64) for tok in shared}

    def masks(cands: list[set[str]]) -> np.ndarray:
        return np.array([reduce(or_, (bit[tok] for tok in c & shared), 0) for c in cands], dtype=np.uint64)

    return masks(cs), masks(ct)


def lengths(sentences: Sequence[str]) -> np.ndarray:
    """Character lengths (whitespace collapsed), the Gale–Church unit."""
    return np.array([len(" ".join(s.split())) for s in sentences], dtype=np.float64)


_LATIN1_LETTERS = bytes(b for b in range(256) if chr(b).isalpha())


def _letters(s: str) -> int:
    """How many characters of s are letters (str.isalpha); Latin-1 text is counted in C."""
    try:
        raw = s.encode("latin-1")
    except UnicodeEncodeError:
        return sum(map(str.isalpha, s))
    return len(raw) - len(raw.translate(None, _LATIN1_LETTERS))


def sentence_weights(sentences: Sequence[str], full_at: float) -> np.ndarray:
    """How much of a sentence each line is, in (0, 1]: 1 from `full_at` letters on.

    Debris (page numbers, OCR noise, lone punctuation) is what documents most
    often have without counterpart, and its embedding points nowhere in
    particular.  The aligner uses the weight twice: leaving a line unaligned
    costs its weight times the deletion penalty, and the line enters a
    multi-sentence window's summed vector scaled by it.
    """
    letters = np.fromiter(map(_letters, sentences), dtype=np.float64, count=len(sentences))
    return np.minimum(1.0, (letters + 1.0) / full_at) if full_at > 0 else np.ones(len(sentences))
