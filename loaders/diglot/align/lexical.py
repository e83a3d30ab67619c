"""Model-free evidence between sentences: lengths, and "anchor" tokens.

Anchors are tokens written identically in both documents that carry meaning on
their own: numbers, and capitalised words (names, places) rare enough in the
document to point at one spot.  Each sentence gets a 64-bit mask of its hashed
anchors, so a window's anchors are the OR of its sentences' masks and the DP can
compare windows with two popcounts.
"""

from __future__ import annotations

import functools
import zlib
from typing import Sequence

import numba
import numpy as np

# Character classes as re and str see them: `\w` is str.isalnum() or "_" (CPython's _sre).
_WORD, _UPPER, _ALPHA, _DIGIT, _SPACE = 1, 2, 4, 8, 16  # _SPACE: str.isspace, where str.split() cuts
CHUNK = 1 << 16  # sentences per pass: bounds the UTF-32 copy of the text


def _class_bits(code: int) -> int:
    ch = chr(code)
    return (
        _WORD * (ch.isalnum() or ch == "_") + _UPPER * ch.isupper() + _ALPHA * ch.isalpha() + _DIGIT * ch.isdigit()
        + _SPACE * ch.isspace()
    )  # fmt: skip


@functools.cache
def _bmp_classes() -> np.ndarray:
    return np.array([_class_bits(c) for c in range(0x10000)], dtype=np.uint8)


def _classes(codes: np.ndarray) -> np.ndarray:
    """uint8 class bits by code point, up to the largest in `codes` (beyond the BMP only those present)."""
    astral = np.unique(codes[codes > 0xFFFF]) if codes.dtype != np.uint8 else np.zeros(0, np.int64)
    table = np.zeros(int(astral[-1]) + 1 if len(astral) else 0x10000, dtype=np.uint8)
    table[:0x10000] = _bmp_classes()
    table[astral] = [_class_bits(c) for c in astral.tolist()]
    return table


def _code_points(text: str) -> np.ndarray:
    """One integer per character of `text` (a lone surrogate too), one byte each where they fit."""
    try:
        return np.frombuffer(text.encode("latin-1"), dtype=np.uint8)
    except UnicodeEncodeError:
        return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


@numba.njit(cache=True)
def _candidate_spans(codes, table):
    """(start, end) of every candidate token: a maximal run of word characters that is
    a capitalised word of 3 or more characters, or not all letters and holding a digit."""
    starts = np.empty(len(codes) // 2 + 1, dtype=np.int64)
    ends = np.empty(len(codes) // 2 + 1, dtype=np.int64)
    found = 0
    k = 0
    n = len(codes)
    while k < n:
        if not table[codes[k]] & _WORD:
            k += 1
            continue
        start = k
        letters = True
        digit = False
        while k < n and table[codes[k]] & _WORD:
            cls = table[codes[k]]
            letters = letters and (cls & _ALPHA) != 0
            digit = digit or (cls & _DIGIT) != 0
            k += 1
        if (k - start >= 3 and table[codes[start]] & _UPPER) or (not letters and digit):
            starts[found] = start
            ends[found] = k
            found += 1
    return starts[:found], ends[:found]


def _chunks(sentences: Sequence[str]):
    """(first sentence, text, code points, class table, start of each sentence in the text),
    CHUNK sentences at a time, joined by newlines (no word character: no token crosses
    two sentences)."""
    for first in range(0, len(sentences), CHUNK):
        part = sentences[first : first + CHUNK]
        text = "\n".join(part)
        codes = _code_points(text)
        sizes = np.fromiter(map(len, part), dtype=np.int64, count=len(part)) + 1  # with the newline after it
        yield first, text, codes, _classes(codes), np.cumsum(sizes) - sizes


def _candidates(sentences: Sequence[str], index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(sentence, token id) of each candidate token, once per sentence; `index` numbers the tokens."""
    rows, ids = [], []
    for first, text, codes, table, begin in _chunks(sentences):
        starts, ends = _candidate_spans(codes, table)
        rows.append(first + np.searchsorted(begin, starts, side="right") - 1)
        ids.append(np.fromiter((index.setdefault(text[a:b], len(index)) for a, b in zip(starts.tolist(), ends.tolist())),
                               dtype=np.int64, count=len(starts)))  # fmt: skip
    width = max(1, len(index))
    pairs = np.sort(np.concatenate([np.zeros(0, np.int64), *rows]) * width + np.concatenate([np.zeros(0, np.int64), *ids]))
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]][: len(pairs)]]  # np.unique without its slower hash table
    return pairs // width, pairs % width


def anchor_masks(src: Sequence[str], tgt: Sequence[str], max_share: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    r"""uint64 masks of anchors: candidate tokens present on both sides and rare on each.

    A candidate is a `\w+` token that is a capitalised word of 3 or more characters,
    or is not all letters and holds a digit.
    """
    index: dict[str, int] = {}
    rows_s, toks_s = _candidates(src, index)
    rows_t, toks_t = _candidates(tgt, index)
    fs = np.bincount(toks_s, minlength=len(index))  # sentences holding each token
    ft = np.bincount(toks_t, minlength=len(index))
    limit_s = max(3, max_share * len(src))
    limit_t = max(3, max_share * len(tgt))
    shared = np.flatnonzero((fs > 0) & (ft > 0) & (fs <= limit_s) & (ft <= limit_t))
    tokens = list(index)
    crc = np.array([zlib.crc32(tokens[k].encode("utf-8")) % 64 for k in shared.tolist()], dtype=np.uint64)
    bit = np.zeros(len(index), dtype=np.uint64)
    bit[shared] = np.left_shift(np.uint64(1), crc)
    return _or_by_row(rows_s, bit[toks_s], len(src)), _or_by_row(rows_t, bit[toks_t], len(tgt))


def _or_by_row(rows: np.ndarray, bits: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.uint64)
    np.bitwise_or.at(out, rows, bits)
    return out


def _counted(sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """float64 (collapsed lengths, letters) of every sentence."""
    out = np.zeros((2, len(sentences)))
    for first, _, codes, table, begin in _chunks(sentences):
        out[:, first : first + len(begin)] = _length_and_letters(codes, table, begin, np.r_[begin[1:] - 1, len(codes)])
    return out[0], out[1]


@numba.njit(cache=True)
def _length_and_letters(codes, table, begin, end):
    """Per sentence codes[begin:end]: its length with whitespace runs collapsed to one
    space and trimmed, and how many of its characters are letters (str.isalpha)."""
    out = np.zeros((2, len(begin)))
    for s in range(len(begin)):
        chars = 0
        words = 0
        letters = 0
        inside = False
        for k in range(begin[s], end[s]):
            cls = table[codes[k]]
            if cls & _ALPHA:
                letters += 1
            if cls & _SPACE:
                inside = False
                continue
            if not inside:
                words += 1
                inside = True
            chars += 1
        out[0, s] = chars + max(words - 1, 0)
        out[1, s] = letters
    return out


def lengths_and_weights(sentences: Sequence[str], full_at: float) -> tuple[np.ndarray, np.ndarray]:
    """Each line's character length (whitespace collapsed, as len(" ".join(s.split()))),
    the Gale–Church unit, and how much of a sentence it is, in (0, 1]: 1 from
    `full_at` letters on; both from one pass over the text.

    Debris (page numbers, OCR noise, lone punctuation) is what documents most
    often have without counterpart, and its embedding points nowhere in
    particular.  The aligner uses the weight twice: leaving a line unaligned
    costs its weight times the deletion penalty, and the line enters a
    multi-sentence window's summed vector scaled by it.
    """
    chars, letters = _counted(sentences)
    return chars, np.minimum(1.0, (letters + 1.0) / full_at) if full_at > 0 else np.ones(len(sentences))
