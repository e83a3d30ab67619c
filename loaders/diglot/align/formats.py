"""How `diglot align` writes beads: vecalign, tsv or jsonl, one bead a line."""

from __future__ import annotations

import json
from typing import Iterable, Sequence, TextIO

from diglot.align.bead import Bead
from diglot.align.vecalign_io import format_bead

FORMATS = ("vecalign", "tsv", "jsonl")


def vecalign_cost(bead: Bead) -> float:
    """Vecalign's cost column (lower is better): 1 - score, and 0 for an insertion or deletion as Vecalign reports."""
    return 1.0 - bead.score if bead.src and bead.tgt else 0.0


def _text(lines: Sequence[str], ids: Sequence[int]) -> str:
    return " ".join(lines[i].strip() for i in ids).replace("\t", " ")


def format_line(bead: Bead, fmt: str, src: Sequence[str], tgt: Sequence[str]) -> str:
    """One bead in `fmt`, without the line break."""
    if fmt == "vecalign":
        return format_bead(bead.src, bead.tgt, vecalign_cost(bead))
    if fmt == "tsv":
        ids = lambda side: ",".join(map(str, side))
        return "\t".join([ids(bead.src), ids(bead.tgt), f"{bead.score:.6f}", str(int(bead.monotonic)),
                          _text(src, bead.src), _text(tgt, bead.tgt)])
    if fmt == "jsonl":
        record = {"src": list(bead.src), "tgt": list(bead.tgt), "score": bead.score}
        confidence = getattr(bead, "confidence", None)  # the aligner's calibrated confidence, once it has one
        if confidence is not None:
            record["confidence"] = confidence
        record["monotonic"] = bead.monotonic
        return json.dumps(record, ensure_ascii=False)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def write_beads(stream: TextIO, beads: Iterable[Bead], fmt: str, src: Sequence[str], tgt: Sequence[str]) -> None:
    for bead in beads:
        stream.write(format_line(bead, fmt, src, tgt) + "\n")
