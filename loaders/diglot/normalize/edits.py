"""Edits and offset maps: the bookkeeping every normaliser shares.

A normaliser never rewrites text directly. It proposes `Edit`s (replace the
raw span [start, end) by `replacement`, for a `reason`), and `apply_edits`
turns them into new text plus an `OffsetMap` that sends every output
character back to the raw characters it came from. Maps compose, so after a
chain of steps each cleaned character still points into the original seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, order=True)
class Edit:
    start: int
    end: int
    replacement: str
    reason: str

    @property
    def is_removal(self) -> bool:
        return self.replacement == ""


@dataclass(frozen=True)
class OffsetMap:
    """For output character i, `starts[i]:ends[i]` is its source span.

    Both arrays are non-decreasing; `source_len` is the length of the text the
    map points into, so an empty output still knows where it came from.
    """

    starts: np.ndarray
    ends: np.ndarray
    source_len: int

    @classmethod
    def identity(cls, n: int) -> "OffsetMap":
        idx = np.arange(n, dtype=np.int64)
        return cls(idx, idx + 1, n)

    def __len__(self) -> int:
        return len(self.starts)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source span covering output characters [start, end)."""
        if end <= start:
            pos = int(self.starts[start]) if start < len(self.starts) else self.source_len
            return pos, pos
        return int(self.starts[start]), int(self.ends[end - 1])

    def then(self, later: "OffsetMap") -> "OffsetMap":
        """The map of applying this step and then `later` (which maps into our output)."""
        if len(later) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return OffsetMap(empty, empty, self.source_len)
        return OffsetMap(self.starts[later.starts], self.ends[later.ends - 1], self.source_len)


@dataclass(frozen=True)
class Fixed:
    """Result of one or more steps: text, its map to the source, what was done."""

    text: str
    offsets: OffsetMap
    edits: tuple[Edit, ...] = field(default=())


def apply_edits(text: str, edits: list[Edit]) -> Fixed:
    """Apply non-overlapping edits to `text`, building the offset map.

    Unchanged runs map one to one; every character of a replacement maps to
    the whole span it replaced.
    """
    edits = sorted(edits)
    pieces: list[str] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    pos = 0
    for edit in edits:
        if edit.start < pos or edit.end > len(text) or edit.end < edit.start:
            raise ValueError(f"overlapping or out-of-range edit {edit!r} (text length {len(text)}, at {pos})")
        if edit.start > pos:
            run = np.arange(pos, edit.start, dtype=np.int64)
            pieces.append(text[pos : edit.start])
            starts.append(run)
            ends.append(run + 1)
        if edit.replacement:
            k = len(edit.replacement)
            pieces.append(edit.replacement)
            starts.append(np.full(k, edit.start, dtype=np.int64))
            ends.append(np.full(k, edit.end, dtype=np.int64))
        pos = edit.end
    if pos < len(text):
        run = np.arange(pos, len(text), dtype=np.int64)
        pieces.append(text[pos:])
        starts.append(run)
        ends.append(run + 1)
    cat = (lambda parts: np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64))
    return Fixed("".join(pieces), OffsetMap(cat(starts), cat(ends), len(text)), tuple(edits))


def chain(text: str, steps) -> tuple[Fixed, list[tuple[str, tuple[Edit, ...]]]]:
    """Run `steps` (functions text -> list[Edit]) in order; compose their maps.

    Returns the final result (its edits in the coordinates of `text` are not
    kept; see the explanation) and, per step that changed something, the
    step's name and its edits in that step's own input coordinates.
    """
    current = Fixed(text, OffsetMap.identity(len(text)))
    explanation: list[tuple[str, tuple[Edit, ...]]] = []
    for step in steps:
        edits = step(current.text)
        if not edits:
            continue
        result = apply_edits(current.text, edits)
        explanation.append((step.__name__, result.edits))
        current = Fixed(result.text, current.offsets.then(result.offsets))
    return current, explanation
