"""Moses plain text: two line-aligned files, `<stem>.<src lang>` and `<stem>.<tgt lang>`.

Line i of one file translates line i of the other. A segment never spans
lines: every line break (anything `str.splitlines` splits on) becomes one
space.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from diglot.export import Pair, write_atomically

# Every character str.splitlines() treats as a line boundary.
LINE_BREAKS = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    return LINE_BREAKS.sub(" ", text)


def write(pairs: Sequence[Pair], out: Path, *, stem: str) -> list[Path]:
    src_lang, tgt_lang = pairs[0].src_lang, pairs[0].tgt_lang
    return [
        write_atomically(out / f"{stem}.{src_lang}", (one_line(p.src) + "\n" for p in pairs)),
        write_atomically(out / f"{stem}.{tgt_lang}", (one_line(p.tgt) + "\n" for p in pairs)),
    ]


def read(src_path: str | Path, tgt_path: str | Path) -> list[tuple[str, str]]:
    """Line pairs of a Moses corpus (splitting on '\\n' only, as Moses does)."""
    src = Path(src_path).read_text(encoding="utf-8").split("\n")
    tgt = Path(tgt_path).read_text(encoding="utf-8").split("\n")
    if src[-1] == "" and tgt[-1] == "":
        src, tgt = src[:-1], tgt[:-1]
    if len(src) != len(tgt):
        raise ValueError(f"{src_path} has {len(src)} lines, {tgt_path} has {len(tgt)}")
    return list(zip(src, tgt))
