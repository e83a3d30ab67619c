"""`--corpus`, the same for every command that reads the corpus, and the one
rule for which corpus a command uses when it is not given (`diglot.load.find_corpus`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from diglot.errors import DiglotError

HELP = ("corpus folder (default: $DIGLOT_CORPUS, else corpus/ of the diglot checkout you are in, "
        "else the copy packaged with diglot)")


def add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=None, metavar="PATH", help=HELP)


def corpus_for(command: str, given: Path | None) -> Path:
    """The corpus `command` works on; says which on stderr, refuses a missing folder."""
    from diglot.load import find_corpus

    located = find_corpus(given)
    print(f"diglot {command}: using {located.describe()}", file=sys.stderr)
    if not located.path.is_dir():
        raise DiglotError(f"{located.path}: no such corpus folder")
    return located.path
