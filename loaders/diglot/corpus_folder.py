"""What `diglot build` may replace: only a diglot corpus, recognised by its
card (a dataset card with `corpus_version`) and its SHA256SUMS, which must
account for every file in the folder.  Anything else (the seeds, the current
folder, a folder of the user's own files) is refused in one line.

A build stages into `.<name>.building-*` beside the target and retires the
old copy to `.<name>.old-*`; a build killed half way leaves them behind, and
the next build removes them.  Two builds into one folder at once would take
each other's staging folder for such leftovers, so a build holds the
folder's lock (`exclusive`) from start to end and a second one is refused.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path

from diglot import layout
from diglot.errors import DiglotError
from diglot.integrity import checksums

LEFTOVER_KINDS = ("building", "old")


def why_not_a_corpus(folder: Path) -> str | None:
    """None if `folder` is a diglot corpus, else the reason it is not."""
    card = folder / layout.CARD
    text = card.read_text(encoding="utf-8", errors="replace") if card.is_file() and not card.is_symlink() else ""
    if not text.startswith("---") or "\ncorpus_version:" not in text:
        return f"it has no diglot dataset card ({layout.CARD} with corpus_version)"
    if not (folder / layout.CHECKSUMS).is_file():
        return f"it has no {layout.CHECKSUMS}"
    try:
        entries, bad = checksums.read_manifest(folder)
    except UnicodeDecodeError:
        return f"its {layout.CHECKSUMS} is not UTF-8 text"
    if bad:
        return f"its {layout.CHECKSUMS} has a malformed line {bad[0].line}"
    recorded = {entry.path: entry.digest for entry in entries}
    for rel in checksums.published_files(folder):
        path = folder / rel
        if rel not in recorded:
            if rel in layout.DOC_FILES:
                continue  # corpora before 2.0.0 listed only their data files
            return f"{rel} is not one of its files (not in {layout.CHECKSUMS})"
        if path.is_symlink() or checksums.sha256_file(path) != recorded[rel]:
            return f"{rel} was changed after the build (SHA-256 differs from {layout.CHECKSUMS})"
    return None


def check_replaceable(out: Path) -> None:
    """Raise DiglotError unless `out` is absent, an empty folder, or a diglot corpus."""
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise DiglotError(f"{out}: refusing to replace it: not a folder")
    if Path.cwd().resolve().is_relative_to(out.resolve()):
        raise DiglotError(f"{out}: refusing to replace it: it holds the current directory")
    if not any(out.iterdir()):
        return
    reason = why_not_a_corpus(out)
    if reason:
        raise DiglotError(f"{out}: refusing to replace it: not a diglot corpus ({reason}); "
                          "choose another --out, or move it away yourself")


def leftovers(out: Path) -> list[Path]:
    """Staging and retired folders that earlier builds of `out` left behind."""
    return sorted(p for kind in LEFTOVER_KINDS for p in out.parent.glob(f".{out.name}.{kind}-*") if p.is_dir())


def prepare(out: Path) -> None:
    """Before a build into `out`: refuse what is not a corpus, remove leftovers."""
    check_replaceable(out)
    for folder in leftovers(out):
        shutil.rmtree(folder)


@contextmanager
def exclusive(out: Path):
    """Hold the build lock of `out` for the block; raise DiglotError if another build holds it.

    The lock file lives in the system's temporary folder (keyed by the folder's
    absolute path), not beside `out`, so a build leaves nothing in the user's
    tree, and it is removed when the block ends.  The operating system drops the
    lock when the process ends, however it ends.  Without POSIX file locks
    (Windows) builds are not serialised.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path = lock_path(out)
    while True:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DiglotError(f"{out}: another diglot build is writing it; wait for that one to finish") from None
        # A build that held the lock before us removed its file on the way out:
        # the lock is only ours if the file we hold is still the one at `path`.
        if _same_file(fd, path):
            break
        os.close(fd)
    try:
        yield
    finally:
        # while we hold the lock; a build that opened the file meanwhile finds it gone (_same_file)
        with suppress(OSError):
            path.unlink()
        os.close(fd)


def lock_path(out: Path) -> Path:
    """The build lock file of corpus folder `out`."""
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"diglot-build-{key}.lock"


def _same_file(fd: int, path: Path) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)
