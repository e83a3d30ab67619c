"""The `diglot` command: a thin shell over the Python API.

Each subcommand lives in `diglot.commands.<name>` and exposes
`configure(parser)` and `run(args) -> int`; nothing here does real work.
Every error a user can cause leaves through `main` as one line on stderr
(exit 2: bad input or usage; exit 1: a failed check or an unreachable Hub).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from diglot.errors import CorpusError, DiglotError

COMMANDS = {
    "build": "build the corpus from the seeds (atomically)",
    "align": "align two documents sentence by sentence",
    "eval": "score predicted alignments against gold ones",
    "verify": "check a built corpus against its manifest, card and invariants",
    "export": "export aligned pairs for translation tools",
    "publish": "upload corpus/ to the Hub",
    "view": "write a side-by-side HTML view of the aligned corpus",
    "cache": "show or clear the embedding store",
}

EXAMPLES = {
    "build": "diglot build                      # seeds/ -> corpus/\n"
             "diglot build --check              # is corpus/ what the seeds build, byte for byte?",
    "align": "diglot align de.txt fr.txt --src-lang de --tgt-lang fr -o de-fr.align\n"
             "diglot align de.raw fr.raw --src-lang de --tgt-lang fr --segment \\\n"
             "    --sentences-out de.sents fr.sents --format tsv | head\n"
             "diglot align --jobs pairs.txt --src-lang de --tgt-lang fr   # lines: SRC TGT OUT",
    "eval": "diglot eval gold.align pred.align\n"
            "diglot eval --json dev.gold dev.pred test.gold test.pred",
    "verify": "diglot verify                     # the corpus diglot.load() reads\n"
              "diglot verify corpus --lock requirements.lock",
    "export": "diglot export --format moses --out moses/\n"
              "diglot export --format jsonl --pair it-bn --min-score 0.5 --out - | head",
    "publish": "diglot publish --repo-id org/diglot --dry-run",
    "cache": "diglot cache info                 # where the embedding store is, and its size\n"
             "DIGLOT_CACHE=/scratch/vectors diglot cache clear",
    "view": "diglot view --out view.html\n"
            "diglot view --pair it-bn --out - > view.html",
}


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line (the usage itself is one --help away)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    from diglot import __version__

    parser = _Parser(prog="diglot", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"diglot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text,
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
        # Import only the command being run: its dependencies load on demand.
        if only is None or name == only:
            module = importlib.import_module(f"diglot.commands.{name}")
            module.configure(sub_parser)
            sub_parser.set_defaults(_run=module.run)
            if name in EXAMPLES:
                sub_parser.epilog = "\n\n".join(filter(None, [sub_parser.epilog, "examples:\n" + _indent(EXAMPLES[name])]))
    return parser


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _hub_errors() -> tuple[type[BaseException], ...]:
    """The Hub client's transport errors, once it has been loaded (only publish talks to the network)."""
    if "huggingface_hub" not in sys.modules:
        return ()
    from huggingface_hub.utils import httpx

    return (httpx.HTTPError,)


def explain(err: BaseException) -> tuple[str, int] | None:
    """(one line for the user, exit code) for an error the user can cause; None for a bug."""
    if isinstance(err, DiglotError):
        return _one_line(str(err)), 1 if isinstance(err, CorpusError) else 2
    if isinstance(err, _hub_errors()):
        return _one_line(f"{_url(err)}the Hub request failed: {err}"), 1
    if isinstance(err, OSError):
        names = " -> ".join(str(n) for n in (err.filename, err.filename2) if n is not None)
        if not names and err.errno is None:  # an error that only borrows the type (huggingface_hub's offline mode)
            return _one_line(str(err)), 1
        # The only stream written without a name is stdout (files go through diglot.textio).
        return _one_line(f"{names or '<stdout>'}: {err.strerror or err}"), 2
    if isinstance(err, UnicodeDecodeError):  # a reader that bypassed diglot.textio.decode
        return _one_line(f"input is not UTF-8 text ({err.reason} at byte {err.start})"), 2
    return None


def _url(err: BaseException) -> str:
    try:
        return f"{err.request.url}: "
    except (AttributeError, RuntimeError):  # httpx raises RuntimeError for an error without its request
        return ""


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


def _silence_stdout() -> None:
    """After the reader of a pipe has gone (`| head`), drop what is still buffered, quietly."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (captured in tests)
        pass


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    args = _parser(chosen if chosen in COMMANDS else None).parse_args(argv)
    try:
        code = int(args._run(args) or 0)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return 0  # the reader chose to stop reading; like `cat | head`, not an error
    except Exception as err:
        explained = explain(err)
        if explained is None:
            raise
        message, code = explained
        print(f"diglot {args.command}: error: {message}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
