"""`diglot verify [PATH]`: check a built corpus; exit 1 and list every problem if any."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from diglot.commands import corpus_option
from diglot import layout
from diglot.errors import CorpusError, DiglotError

LOCK_FILE = "requirements.lock"


def default_lock(root: Path, given: Path | None = None) -> Path | None:
    """`given` (which must exist), else requirements.lock beside the corpus folder if there is one."""
    if given is not None:
        if not given.is_file():
            raise DiglotError(f"{given}: no such lock file")
        return given
    beside = root.resolve().parent / LOCK_FILE
    return beside if beside.is_file() else None


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, default=None, help="corpus folder (same as --corpus)")
    corpus_option.add(parser)
    parser.add_argument("--lock", type=Path, default=None,
                        help="pip lock file to compare with the card's build versions "
                             "(default: requirements.lock beside the corpus folder, if there is one)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing when the corpus is sound")


def run(args: argparse.Namespace) -> int:
    from diglot.integrity import verify

    if args.path is not None and args.corpus is not None and args.path != args.corpus:
        raise DiglotError(f"two corpus folders given: {args.path} and --corpus {args.corpus}")
    root = corpus_option.corpus_for("verify", args.corpus or args.path)
    if root.is_dir() and not any((root / name).exists() for name in (layout.CARD, layout.CHECKSUMS)):
        # a folder with neither a card nor checksums is no corpus, damaged or not: one line, not a list
        raise CorpusError(f"{root}: not a diglot corpus (no {layout.CARD} and no {layout.CHECKSUMS})")
    lock = default_lock(root, args.lock)
    problems = verify(root, lock=lock)
    for problem in problems:
        print(problem if Path(problem.file).is_absolute() else f"{root}/{problem}", file=sys.stderr)
    if problems:
        print(f"diglot verify: {root}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"{root}: OK" + (f" (build versions agree with {lock})" if lock else ""))
    return 0
