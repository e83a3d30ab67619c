"""Vecalign's file formats: `[0]:[0, 1]` alignment lines and overlaps + .emb pairs."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from diglot.errors import DiglotError
from diglot.textio import display_name, read_text, split_lines


def format_bead(src: Sequence[int], tgt: Sequence[int], cost: float | None = None) -> str:
    """One alignment line as Vecalign prints it: `[0]:[0, 1]`, then `:0.123456` if there is a cost."""
    line = f"[{', '.join(map(str, src))}]:[{', '.join(map(str, tgt))}]"
    return line if cost is None else f"{line}:{cost:.6f}"


def parse_alignments(text: str, path: str | Path = "<string>") -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    beads = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            left, right = line.split(":")[:2]
            src, tgt = ast.literal_eval(left), ast.literal_eval(right)
            beads.append((tuple(int(i) for i in src), tuple(int(j) for j in tgt)))
        except (ValueError, SyntaxError, TypeError):
            raise DiglotError(f"{path}:{lineno}: not a Vecalign alignment line: {line[:80]!r}") from None
    return beads


def read_alignments(path: str | Path) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The beads of an alignment file ('-': stdin); a cost column, if any, is ignored."""
    return parse_alignments(read_text(path), display_name(path, "stdin"))


def overlap_windows(lines: Sequence[str], max_size: int) -> list[str]:
    """Every window of 1..max_size consecutive lines joined by a space, deduplicated."""
    lines = [ln.strip() or "BLANK_LINE" for ln in lines]
    seen: dict[str, None] = {}
    for size in range(1, max_size + 1):
        for start in range(len(lines) - size + 1):
            seen.setdefault(" ".join(lines[start : start + size]), None)
    return list(seen)


def read_embeddings(text_path: str | Path, emb_path: str | Path) -> tuple[dict[str, int], np.ndarray]:
    texts = split_lines(read_text(text_path))
    index: dict[str, int] = {}
    for i, t in enumerate(texts):
        index.setdefault(t.strip(), i)
    try:
        flat = np.fromfile(emb_path, dtype=np.float32)
    except OSError as err:
        raise DiglotError(f"{emb_path}: cannot read embeddings ({err})") from None
    if not texts or flat.size == 0 or flat.size % len(texts):
        raise DiglotError(
            f"{emb_path}: {flat.size} floats do not split into {len(texts)} vectors (lines of {text_path})"
        )
    return index, flat.reshape(len(texts), flat.size // len(texts))


def write_embeddings(texts: Iterable[str], vecs: np.ndarray, text_path: str | Path, emb_path: str | Path) -> None:
    texts = list(texts)
    Path(text_path).write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    np.ascontiguousarray(vecs, dtype=np.float32).tofile(emb_path)
