"""Cleaning a whole seed: character fixes, paragraphs, debris, one offset map."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from diglot.normalize import debris
from diglot.normalize.chars import CHARACTER_STEPS, SPAN_STEPS
from diglot.normalize.edits import Edit, Fixed, OffsetMap, chain

PARAGRAPH_SEPARATOR = "\n\n"

# A line ending like this closes a paragraph even without a blank line after it.
_CLOSES_PARAGRAPH = re.compile(r"[.!?…।॥。！？:;][\"'”’»)\]]*\s*$")


@dataclass(frozen=True)
class Removal:
    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    raw_start: int
    raw_end: int
    offsets: OffsetMap  # paragraph character -> raw_text span


@dataclass(frozen=True)
class CleanDocument:
    text: str  # kept paragraphs joined by a blank line
    paragraphs: tuple[Paragraph, ...]
    removed: tuple[Removal, ...]
    title: str  # "" when the document has no title line
    steps: tuple[tuple[str, tuple[Edit, ...]], ...]  # what the character fixes did


def normalize_span(text: str) -> str:
    """Normalise a sentence or paragraph cut from raw text.

    The corpus invariant: for every sentence,
    `normalize_span(raw_text[raw_start:raw_end]) == text`.
    """
    return chain(text, SPAN_STEPS)[0].text


def normalize_and_explain(text: str) -> tuple[str, list[tuple[str, tuple[Edit, ...]]]]:
    """Like `normalize_span`, and say which step changed what, and why."""
    fixed, explanation = chain(text, SPAN_STEPS)
    return fixed.text, explanation


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Split into paragraphs: blank lines always separate; a single line break
    separates only after sentence-final punctuation (else it is a hard wrap)."""
    spans = []
    start = 0
    for m in re.finditer(r"\n", text):
        line_end = m.start()
        next_is_blank = text[m.end() : m.end() + 1] in ("\n", "") or not text[m.end() :].split("\n", 1)[0].strip()
        if next_is_blank or _CLOSES_PARAGRAPH.search(text[start:line_end]) or not text[start:line_end].strip():
            spans.append((start, line_end))
            start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _is_title(paragraph: str, n_paragraphs: int) -> bool:
    return n_paragraphs > 1 and len(paragraph.split()) <= 20 and not _CLOSES_PARAGRAPH.search(paragraph)


def _merge(removals: list[Removal]) -> tuple[Removal, ...]:
    """Sort, and join touching removals that share a reason."""
    merged: list[Removal] = []
    for r in sorted(removals, key=lambda r: (r.start, r.end)):
        if merged and merged[-1].reason == r.reason and merged[-1].end >= r.start:
            last = merged.pop()
            r = Removal(last.start, max(last.end, r.end), r.reason)
        merged.append(r)
    return tuple(merged)


def _gaps(spans: list[tuple[np.ndarray, np.ndarray]], n: int) -> list[tuple[int, int]]:
    """Maximal runs of raw positions in [0, n) that no span covers."""
    depth = np.zeros(n + 1, dtype=np.int64)
    for starts, ends in spans:
        np.add.at(depth, starts, 1)
        np.add.at(depth, ends, -1)
    uncovered = np.concatenate([[False], np.cumsum(depth)[:-1] == 0, [False]])
    edges = np.flatnonzero(np.diff(uncovered.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


def clean_document(raw: str, in_document_language: Callable[[str], bool]) -> CleanDocument:
    """Clean a decoded seed. `in_document_language(text)` says whether a short
    paragraph is in the document's own language (used for edge debris)."""
    fixed, explanation = chain(raw, CHARACTER_STEPS)
    spans = _paragraph_spans(fixed.text)

    paragraphs: list[Fixed] = []
    for s, e in spans:
        inner, _ = chain(fixed.text[s:e], SPAN_STEPS)
        shifted = OffsetMap(inner.offsets.starts + s, inner.offsets.ends + s, len(fixed.text))
        paragraphs.append(Fixed(inner.text, fixed.offsets.then(shifted)))

    texts = [p.text for p in paragraphs]
    dropped = debris.textless_paragraphs(texts)
    dropped.update({i: r for i, r in debris.repeated_paragraphs(texts).items() if i not in dropped})
    kept_idx = [i for i in range(len(texts)) if i not in dropped]
    edge = debris.foreign_edges([texts[i] for i in kept_idx], in_document_language)
    dropped.update({kept_idx[j]: reason for j, reason in edge.items()})

    removals: list[Removal] = []
    kept: list[Paragraph] = []
    for i, p in enumerate(paragraphs):
        lo, hi = p.offsets.span(0, len(p.text))
        if i in dropped:
            removals.append(Removal(lo, hi, dropped[i]))
            continue
        kept.append(Paragraph(p.text, lo, hi, p.offsets))

    # Everything else that vanished: invisibles, white space, blank lines.
    spans = [(p.offsets.starts, p.offsets.ends) for p in paragraphs]
    spans.append((np.array([r.start for r in removals], dtype=np.int64), np.array([r.end for r in removals], dtype=np.int64)))
    for a, b in _gaps(spans, len(raw)):
        removals.append(Removal(a, b, _reason_for_gap(raw[a:b])))

    title = kept[0].text if kept and _is_title(kept[0].text, len(kept)) else ""
    return CleanDocument(
        text=PARAGRAPH_SEPARATOR.join(p.text for p in kept),
        paragraphs=tuple(kept),
        removed=_merge(removals),
        title=title,
        steps=tuple(explanation),
    )


def _reason_for_gap(gap: str) -> str:
    if gap.strip() == "":
        return "whitespace"
    if gap.strip("\ufeff") == "":
        return "bom"
    return "invisible"
