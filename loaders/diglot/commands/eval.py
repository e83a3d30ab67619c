"""`diglot eval GOLD PRED [GOLD PRED ...]`: strict and lax precision/recall/F1."""

from __future__ import annotations

import argparse
from pathlib import Path

from diglot.cli import UserError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="GOLD PRED",
        help="pairs of Vecalign-format alignment files: gold, then predicted; counts are summed over pairs",
    )


def run(args: argparse.Namespace) -> int:
    from diglot.extras import require_extra

    require_extra("align", "diglot eval")
    from diglot.align.evaluate import score
    from diglot.align.vecalign_io import read_alignments

    if len(args.files) % 2:
        raise UserError(f"expected GOLD PRED pairs, got {len(args.files)} files (an odd number)")
    pairs = [
        (read_alignments(args.files[k]), read_alignments(args.files[k + 1])) for k in range(0, len(args.files), 2)
    ]
    s = score(pairs)
    print("            strict    lax")
    print(f"precision   {s.precision_strict:.4f}  {s.precision_lax:.4f}")
    print(f"recall      {s.recall_strict:.4f}  {s.recall_lax:.4f}")
    print(f"f1          {s.f1_strict:.4f}  {s.f1_lax:.4f}")
    return 0
