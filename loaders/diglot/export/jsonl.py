"""JSON Lines: one bead per line, with the HF `translation` convention.

    {"bead_id": ..., "pair": "it-bn", "src_lang": "it", "tgt_lang": "bn",
     "bead": "1-1", "score": 0.93, "confidence": 0.97, "src_ids": [...], "tgt_ids": [...],
     "translation": {"it": "...", "bn": "..."}}

Characters other line readers treat as line breaks (U+2028, U+2029, U+0085)
are written as JSON escapes, so every record is exactly one line whatever
splits the lines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator, Sequence

from diglot.export import Pair, write_atomically

_ESCAPE_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def record(p: Pair) -> dict:
    return {
        "bead_id": p.bead_id,
        "pair": p.pair,
        "src_lang": p.src_lang,
        "tgt_lang": p.tgt_lang,
        "bead": p.bead,
        "score": p.score,
        "confidence": p.confidence,
        "src_ids": list(p.src_ids),
        "tgt_ids": list(p.tgt_ids),
        "translation": {p.src_lang: p.src, p.tgt_lang: p.tgt},
    }


def _lines(pairs: Sequence[Pair]) -> Iterator[str]:
    for p in pairs:
        # json.dumps escapes control characters (\n, \r, ...) itself; these
        # three are legal raw inside JSON strings, and only occur there.
        yield json.dumps(record(p), ensure_ascii=False).translate(_ESCAPE_LINE_BREAKS) + "\n"


def write(pairs: Sequence[Pair], out: Path, *, stem: str) -> list[Path]:
    return [write_atomically(out / f"{stem}.jsonl", _lines(pairs))]


def read(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [json.loads(line) for line in handle.read().split("\n") if line]
