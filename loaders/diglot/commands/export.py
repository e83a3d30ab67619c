"""`diglot export --format moses|tmx|jsonl|tsv --out DIR|FILE|-`: aligned pairs for translation tools."""

from __future__ import annotations

import argparse
from pathlib import Path

from diglot.commands import corpus_option
from diglot.errors import DiglotError


def _unit_interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is outside [0, 1]")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    from diglot.export import BEAD_CONFIGS, FORMATS

    parser.add_argument("--format", required=True, choices=FORMATS, help="output format")
    parser.add_argument("--out", required=True, type=Path,
                        help="folder to write into: corpus.<pair>.<lang> (moses) or corpus.<pair>.<format>; "
                             "a file named *.<format> (tmx, jsonl, tsv) or '-' (stdout): one pair's file")
    parser.add_argument("--min-score", type=_unit_interval, default=None, metavar="S",
                        help="keep beads whose two sides have a cosine of at least S (in [0, 1])")
    parser.add_argument("--min-confidence", type=_unit_interval, default=None, metavar="C",
                        help="keep beads at least C likely to be exactly right (in [0, 1]; 0.9 for clean pairs)")
    parser.add_argument("--bead", default=None, metavar="SHAPES",
                        help="keep only these bead shapes, e.g. 1-1,2-1")
    parser.add_argument("--pair", default=None, metavar="SRC-TGT",
                        help="keep one language pair, e.g. it-bn (bn-it swaps the sides)")
    parser.add_argument("--config", default="alignments", choices=BEAD_CONFIGS,
                        help="export predicted alignments (default) or the gold ones")
    corpus_option.add(parser)


def run(args: argparse.Namespace) -> int:
    from diglot.export import export

    root = corpus_option.corpus_for("export", args.corpus)
    if str(args.out) == "-" or _names_one_file(args.out, args.format):
        return _to_one_file(args, root)
    for path in export(args.format, args.out, **_selection(args, root)):
        print(path)
    return 0


def _selection(args: argparse.Namespace, root: Path) -> dict:
    """Which corpus and which beads: the same for a folder and for stdout."""
    return dict(root=root, config=args.config, min_score=args.min_score, min_confidence=args.min_confidence,
                beads=args.bead, pair=args.pair)


def _names_one_file(out: Path, fmt: str) -> bool:
    """`--out pairs.tsv` for --format tsv: a file, not a folder of that name (an
    existing folder stays a folder)."""
    return fmt != "moses" and out.suffix == f".{fmt}" and not out.is_dir()


def _to_one_file(args: argparse.Namespace, root: Path) -> int:
    """Export into a scratch folder, then copy the one file written to --out (a file or stdout)."""
    import tempfile

    from diglot.export import export
    from diglot.textio import open_output

    with tempfile.TemporaryDirectory() as scratch:
        written = export(args.format, scratch, **_selection(args, root))
        if len(written) > 1:
            raise DiglotError(f"--out {args.out}: this export is {len(written)} files "
                              f"({', '.join(p.name for p in written)}); a file holds one: give a folder"
                              + ("" if args.format == "moses" else ", or one --pair"))
        with open_output(args.out) as stream:
            stream.write(written[0].read_text(encoding="utf-8"))
    return 0
