"""`diglot view`: write the side-by-side HTML view of the aligned corpus."""

from __future__ import annotations

import sys
from pathlib import Path

from diglot.commands import corpus_option
from diglot.errors import DiglotError

DEFAULT_OUT = "diglot-view.html"


def configure(parser) -> None:
    parser.add_argument("--out", default=DEFAULT_OUT, metavar="FILE",
                        help=f"HTML file to write, '-' for stdout (default: {DEFAULT_OUT})")
    parser.add_argument("--pair", default=None, help="language pair, e.g. it-bn (default: the first pair)")
    corpus_option.add(parser)


def run(args) -> int:
    from diglot.view import render_html

    page = render_html(corpus_path=corpus_option.corpus_for("view", args.corpus), pair=args.pair)
    if args.out == "-":
        sys.stdout.write(page)
        return 0
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as err:
        raise DiglotError(f"{out}: cannot write: {err.strerror or err}") from err
    print(out)
    return 0
