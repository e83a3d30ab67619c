"""`diglot eval GOLD PRED [GOLD PRED ...]`: strict and lax precision/recall/F1."""

from __future__ import annotations

import argparse
import json

from diglot.errors import DiglotError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="GOLD PRED",
        help="pairs of Vecalign-format alignment files ('-': stdin, once), gold then predicted; "
             "counts are summed over pairs",
    )
    parser.add_argument("--json", action="store_true", help="print the six scores as one JSON object")


def run(args: argparse.Namespace) -> int:
    from diglot.extras import require_extra

    require_extra("align", "diglot eval")
    from diglot.align.evaluate import score
    from diglot.align.vecalign_io import read_alignments

    if len(args.files) % 2:
        raise DiglotError(f"expected GOLD PRED pairs, got {len(args.files)} files (an odd number)")
    if args.files.count("-") > 1:
        raise DiglotError("'-' (stdin) can stand for one file only")
    alignments = [read_alignments(path) for path in args.files]
    s = score(list(zip(alignments[::2], alignments[1::2])))
    if args.json:
        print(json.dumps(s.as_dict()))
        return 0
    print("            strict    lax")
    print(f"precision   {s.precision_strict:.4f}  {s.precision_lax:.4f}")
    print(f"recall      {s.recall_strict:.4f}  {s.recall_lax:.4f}")
    print(f"f1          {s.f1_strict:.4f}  {s.f1_lax:.4f}")
    return 0
