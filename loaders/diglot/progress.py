"""Progress on long work: tqdm bars and one-time notes, on stderr.

Both show only when stderr is a terminal, and never after `set_quiet(True)`
(`diglot build --quiet`): a log file or a pipe gets no bar debris.
"""

from __future__ import annotations

import sys
import warnings

from tqdm import tqdm

_quiet = False
_told: set[str] = set()


class DiglotWarning(UserWarning):
    """Something the user should know that did not stop the work (e.g. a damaged stored vector)."""


def set_quiet(quiet: bool) -> None:
    global _quiet
    _quiet = quiet


def showing() -> bool:
    return not _quiet and sys.stderr.isatty()


def bar(iterable=None, *, total: int | None = None, desc: str, unit: str = "it") -> tqdm:
    return tqdm(iterable, total=total, desc=desc, unit=unit, file=sys.stderr, disable=not showing(), leave=False, dynamic_ncols=True)


def line(message: str) -> None:
    """A log line on stderr (terminal or not), printed above any bar rather than through it."""
    tqdm.write(message, file=sys.stderr)


def note_once(message: str) -> None:
    """A one-line note, printed once per process (e.g. "loading the model")."""
    if message not in _told and showing():
        _told.add(message)
        tqdm.write(message, file=sys.stderr)


def warn(message: str) -> None:
    """A warning the user always gets (unless warnings are filtered), terminal or not."""
    warnings.warn(message, DiglotWarning, stacklevel=3)
