"""The `diglot` command: a thin shell over the Python API.

Each subcommand lives in `diglot.commands.<name>` and exposes
`configure(parser)` and `run(args) -> int`; nothing here does real work.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "build": "build the corpus from the seeds (atomically)",
    "align": "align two documents sentence by sentence",
    "eval": "score predicted alignments against gold ones",
    "verify": "check a built corpus against its manifest, card and invariants",
    "export": "export aligned pairs for translation tools",
    "publish": "upload corpus/ to the Hugging Face Hub",
    "view": "write a side-by-side HTML view of the aligned corpus",
    "cache": "show or clear the embedding store",
}


from diglot.errors import DiglotError as UserError  # noqa: E402  (re-exported for commands)


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    from diglot import __version__

    parser = argparse.ArgumentParser(prog="diglot", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"diglot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        # Import only the command being run: its dependencies load on demand.
        if only is None or name == only:
            module = importlib.import_module(f"diglot.commands.{name}")
            module.configure(sub_parser)
            sub_parser.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    args = _parser(chosen if chosen in COMMANDS else None).parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except UserError as err:
        print(f"diglot {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
