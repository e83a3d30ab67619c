"""Export aligned beads for translation tools: Moses, TMX 1.4b, JSONL, TSV.

`select()` reads the beads of `alignments` (or `gold`) that have text on both
sides, filtered by score, confidence, bead shape and language pair; `export()` writes
them to a folder, one file (Moses: one file per language) per language pair:

    moses  OUT/corpus.<pair>.<src lang>, OUT/corpus.<pair>.<tgt lang>
    tmx    OUT/corpus.<pair>.tmx
    jsonl  OUT/corpus.<pair>.jsonl
    tsv    OUT/corpus.<pair>.tsv

`<pair>` is `<src lang>-<tgt lang>`; asking for the reversed pair
(`--pair bn-it` of an `it-bn` corpus) swaps the sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from diglot import layout
from diglot.errors import DiglotError

FORMATS = ("moses", "tmx", "jsonl", "tsv")
BEAD_CONFIGS = layout.BEAD_CONFIGS
_BEAD = re.compile(r"^(\d+)-(\d+)$")


@dataclass(frozen=True)
class Pair:
    """One exported bead: source and target text in their languages."""

    bead_id: str
    pair: str  # "<src_lang>-<tgt_lang>" as exported (swapped if asked)
    src_lang: str
    tgt_lang: str
    src: str
    tgt: str
    score: float | None
    confidence: float | None
    bead: str  # "<n src>-<n tgt>" as exported
    src_ids: tuple[str, ...]
    tgt_ids: tuple[str, ...]


def parse_beads(text: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """'1-1,2-1' -> ('1-1', '2-1'); raises DiglotError on anything else."""
    if text is None:
        return None
    items = text.split(",") if isinstance(text, str) else list(text)
    beads = tuple(item.strip() for item in items if item.strip())
    if not beads:
        raise DiglotError("--bead: give bead shapes like 1-1,2-1")
    for bead in beads:
        if not _BEAD.match(bead):
            raise DiglotError(f"--bead: {bead!r} is not '<n src>-<n tgt>' (e.g. 1-1, 2-1)")
    return beads


def _read_config(root: Path, config: str):
    """One config as a polars frame, checked against SHA256SUMS (`diglot.load`)."""
    from diglot.load import load

    try:
        return load(config, backend="polars", path=root)
    except DiglotError:
        raise
    except Exception as err:  # polars / pyarrow raise their own kinds for a damaged file
        raise DiglotError(f"{root / config}: cannot be read as Parquet: {err}") from err


def select(
    root: str | Path | None = None,
    *,
    config: str = "alignments",
    min_score: float | None = None,
    min_confidence: float | None = None,
    beads: str | Sequence[str] | None = None,
    pair: str | None = None,
) -> dict[str, list[Pair]]:
    """Beads with text on both sides, grouped by exported pair, in file order.

    min_score keeps beads whose cosine is at least that; min_confidence those
    at least that likely to be exactly right (0.9 for clean training pairs)."""
    import polars as pl

    from diglot.load import corpus_dir

    root = Path(root) if root is not None else corpus_dir()
    if config not in BEAD_CONFIGS:
        raise DiglotError(f"--config must be one of {', '.join(BEAD_CONFIGS)}, not {config!r}")
    minimums = {"score": min_score, "confidence": min_confidence}
    for column, minimum in minimums.items():
        if minimum is not None and not (0.0 <= minimum <= 1.0):
            raise DiglotError(f"--min-{column} {minimum} is outside [0, 1]")
    shapes = parse_beads(beads)

    table = _read_config(root, config)
    docs = _read_config(root, "documents").select("doc_id", "lang")
    lang_of = dict(zip(docs["doc_id"].to_list(), docs["lang"].to_list()))
    missing = sorted({d for d in table["src_doc"].to_list() + table["tgt_doc"].to_list() if d not in lang_of})
    if missing:
        raise DiglotError(f"{root / config}: beads name documents absent from documents: {', '.join(missing[:5])}")

    # the pair first, against every pair the config has, so that a filter
    # leaving nothing is not mistaken for an unknown pair
    available = sorted(set(table["pair"].to_list()))
    swap = False
    if pair is not None:
        if pair in available:
            table = table.filter(pl.col("pair") == pair)
        else:
            src, sep, tgt = pair.partition("-")
            reverse = f"{tgt}-{src}"
            if not sep or reverse not in available:
                raise DiglotError(f"--pair {pair}: {root / config} has no such pair "
                                  f"(pairs: {', '.join(available) or 'none'})")
            table = table.filter(pl.col("pair") == reverse)
            swap = True

    both_sides = (pl.col("src_ids").list.len() > 0) & (pl.col("tgt_ids").list.len() > 0)
    table = table.filter(both_sides.fill_null(False))
    for column, minimum in minimums.items():
        if minimum is not None:
            table = table.filter((pl.col(column) >= minimum).fill_null(False))

    grouped: dict[str, list[Pair]] = {}
    for row in table.iter_rows(named=True):
        if not (row["src_text"] or "").strip() or not (row["tgt_text"] or "").strip():
            continue  # no text on one side (str.strip's idea of white space)
        src_lang, tgt_lang = lang_of[row["src_doc"]], lang_of[row["tgt_doc"]]
        item = Pair(
            bead_id=row["bead_id"], pair=f"{src_lang}-{tgt_lang}", src_lang=src_lang, tgt_lang=tgt_lang,
            src=row["src_text"], tgt=row["tgt_text"], score=row["score"], confidence=row["confidence"], bead=row["bead"],
            src_ids=tuple(row["src_ids"]), tgt_ids=tuple(row["tgt_ids"]),
        )
        if swap:
            n_src, n_tgt = item.bead.split("-")
            item = Pair(
                bead_id=item.bead_id, pair=f"{tgt_lang}-{src_lang}", src_lang=tgt_lang, tgt_lang=src_lang,
                src=item.tgt, tgt=item.src, score=item.score, confidence=item.confidence, bead=f"{n_tgt}-{n_src}",
                src_ids=item.tgt_ids, tgt_ids=item.src_ids,
            )
        if shapes is not None and item.bead not in shapes:
            continue
        if item.src_lang == item.tgt_lang:
            raise DiglotError(f"{root / config}: bead {item.bead_id} pairs two {item.src_lang} documents")
        grouped.setdefault(item.pair, []).append(item)
    return grouped


def export(
    fmt: str,
    out: str | Path,
    *,
    root: str | Path | None = None,
    config: str = "alignments",
    min_score: float | None = None,
    min_confidence: float | None = None,
    beads: str | Sequence[str] | None = None,
    pair: str | None = None,
) -> list[Path]:
    """Write the selected beads to folder `out` in `fmt`; returns the files written."""
    from diglot.export import jsonl, moses, tmx, tsv

    writers = {"moses": moses.write, "tmx": tmx.write, "jsonl": jsonl.write, "tsv": tsv.write}
    if fmt not in writers:
        raise DiglotError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        one_file = "" if fmt == "moses" else f"; a file named *.{fmt} or '-' for one pair's beads"
        raise DiglotError(f"{out}: exists and is not a folder (--out names a folder to write into{one_file})")
    groups = select(root, config=config, min_score=min_score, min_confidence=min_confidence, beads=beads, pair=pair)
    if not groups:
        raise DiglotError(f"no bead of {config} has text on both sides and matches the filters (min-score={min_score}, "
                          f"min-confidence={min_confidence}, bead={beads}, pair={pair}); nothing written")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for pair_name, items in groups.items():
        written.extend(writers[fmt](items, out, stem=f"corpus.{pair_name}"))
    return written


def write_atomically(path: Path, lines: Iterable[str]) -> Path:
    """Write text lines (each ending in '\\n') via a temporary file, then rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        for line in lines:
            handle.write(line)
    tmp.replace(path)
    return path
