"""Text files as command-line tools treat them: '-' is stdin or stdout, UTF-8, no BOM.

Errors name the file: a reader gets a DiglotError for bytes that are not
UTF-8, and an OSError raised while writing carries the file's name, so the
CLI can print either as one line.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Iterator, TextIO

from diglot.errors import DiglotError

STDIO = "-"


def display_name(path: str | Path, stream: str) -> str:
    """How errors name `path`: itself, or <stdin>/<stdout> for '-'."""
    return f"<{stream}>" if str(path) == STDIO else str(path)


def decode(data: bytes, name: str) -> str:
    """UTF-8 text without a leading BOM; bytes that are not UTF-8 are refused, naming `name`."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        bad = data[err.start : err.start + 1].hex()
        raise DiglotError(f"{name}: not UTF-8 text (byte 0x{bad} at offset {err.start}: {err.reason})") from None


def read_text(path: str | Path) -> str:
    """The text of `path` ('-': stdin), decoded by `decode`."""
    if str(path) == STDIO:
        return decode(sys.stdin.buffer.read(), display_name(path, "stdin"))
    return decode(Path(path).read_bytes(), str(path))


@contextlib.contextmanager
def open_output(path: str | Path) -> Iterator[TextIO]:
    """A text stream for `path` ('-': stdout).

    A regular file is written beside its final name and moved there only
    once complete, so a failed run leaves an earlier file as it was; a
    device or a pipe (/dev/null, a fifo) is written in place.
    """
    if str(path) == STDIO:
        with _naming("<stdout>"):
            yield sys.stdout
            sys.stdout.flush()
        return
    path = Path(path)
    if path.exists() and not path.is_file():
        with _naming(str(path)), open(path, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        return
    with _naming(str(path)):
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        except OSError as err:
            err.filename = str(path)  # not the temporary name, which the user never gave
            raise
        try:
            with open(fd, "w", encoding="utf-8", newline="\n") as stream:
                yield stream
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except BaseException as err:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(err, OSError) and err.filename == tmp:
                err.filename = str(path)
            raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _naming(name: str) -> Iterator[None]:
    """An OSError raised without a file name (a failed write, a missing folder) gets `name`."""
    try:
        yield
    except OSError as err:
        if err.filename is None and not isinstance(err, BrokenPipeError):
            err.filename = name
        raise


def split_lines(text: str) -> list[str]:
    """The lines of `text` as Python's text files split them (\\n, \\r\\n, \\r).

    Not str.splitlines, which also breaks at form feeds, U+2028 and other
    separators and so would shift the line numbers other tools (Vecalign) use.
    """
    lines = re.split(r"\r\n|\r|\n", text)
    return lines[:-1] if lines[-1] == "" else lines
