"""Tab-separated values with a header row:

    <src lang>  <tgt lang>  score  confidence  bead  bead_id

Written by the `csv` module (tab delimiter, '\\n' line ends, minimal
quoting): a field holding a tab, a quote or a line break is quoted (a row
with a carriage return in it has all its fields quoted), so any text
survives a round trip through `csv`, pandas or polars.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Sequence

from diglot.export import Pair


def write(pairs: Sequence[Pair], out: Path, *, stem: str) -> list[Path]:
    path = out / f"{stem}.tsv"
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        minimal = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        # csv leaves a lone CR unquoted when the line terminator is LF, and a
        # reader would take it for a line end: rows holding one quote all fields
        quote_all = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_ALL)
        minimal.writerow([pairs[0].src_lang, pairs[0].tgt_lang, "score", "confidence", "bead", "bead_id"])
        for p in pairs:
            row = [p.src, p.tgt, *("" if v is None else repr(v) for v in (p.score, p.confidence)), p.bead, p.bead_id]
            (quote_all if any("\r" in field for field in row) else minimal).writerow(row)
    tmp.replace(path)
    return [path]


def read(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """(header, rows) as strings."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return rows[0], rows[1:]
