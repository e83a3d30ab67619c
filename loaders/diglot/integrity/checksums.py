"""SHA-256 manifest of a built corpus: `SHA256SUMS` at the corpus root.

Format (what `sha256sum` prints and `sha256sum -c` reads): one line per
published file, `<64 lowercase hex>  <path relative to the corpus root, with />`,
sorted by path.  Every file of the corpus is listed, the dataset card,
CHANGELOG, datasheet and terms included; only SHA256SUMS itself is not.

This module is the one writer and the one reader of that file: the build
writes it, `verify` and `diglot.load` read it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from diglot.errors import CorpusError
from diglot.layout import CHECKSUMS

MANIFEST = CHECKSUMS

_LINE = re.compile(r"^(?P<digest>[0-9a-f]{64}) [ *](?P<path>\S.*)$")


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def published_files(root: str | Path) -> list[str]:
    """Every file under `root` the manifest must list, as sorted POSIX paths
    relative to `root`: hidden files and symlinks included (a stray file is
    still shipped by `upload_folder`), SHA256SUMS excluded."""
    root = Path(root)
    found = []
    for path in root.rglob("*"):
        if path.is_file() or path.is_symlink():
            rel = path.relative_to(root).as_posix()
            if rel != MANIFEST:
                found.append(rel)
    return sorted(found)


@dataclass(frozen=True)
class Entry:
    digest: str
    path: str
    line: int  # 1-based line number in SHA256SUMS


@dataclass(frozen=True)
class BadLine:
    line: int
    text: str
    reason: str


def is_inside(rel: str) -> bool:
    """A plain relative path that cannot leave the corpus folder."""
    return bool(rel) and not rel.startswith("/") and "\\" not in rel and ".." not in Path(rel).parts


def parse_manifest(text: str) -> tuple[list[Entry], list[BadLine]]:
    """Parse SHA256SUMS text into entries and the lines that could not be parsed."""
    entries: list[Entry] = []
    bad: list[BadLine] = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if line == "" and number == len(lines):
            continue  # the final newline
        match = _LINE.match(line)
        if not match:
            bad.append(BadLine(number, line, "not '<64 lowercase hex sha256>  <relative path>'"))
            continue
        if not is_inside(match["path"]):
            bad.append(BadLine(number, line, f"path {match['path']!r} is not a plain relative path inside the corpus"))
            continue
        entries.append(Entry(match["digest"], match["path"], number))
    return entries, bad


def read_manifest(root: str | Path) -> tuple[list[Entry], list[BadLine]]:
    return parse_manifest((Path(root) / MANIFEST).read_text(encoding="utf-8"))


def manifest_text(root: str | Path) -> str:
    """The SHA256SUMS text that `root`'s files call for right now."""
    root = Path(root)
    return "".join(f"{sha256_file(root / rel)}  {rel}\n" for rel in published_files(root))


def write_manifest(root: str | Path) -> Path:
    """(Re)write `root`/SHA256SUMS from the files on disk; returns its path."""
    target = Path(root) / MANIFEST
    target.write_text(manifest_text(root), encoding="utf-8", newline="\n")
    return target


# (resolved path) -> (size, mtime_ns, sha256) of files already hashed in this process
_hashed: dict[Path, tuple[int, int, str]] = {}


def cached_sha256(path: Path) -> str:
    """sha256_file, remembered by size and modification time: a file that
    changes is hashed again, one that does not is hashed once."""
    stat = path.stat()
    key = path.resolve()
    known = _hashed.get(key)
    if known is not None and known[:2] == (stat.st_size, stat.st_mtime_ns):
        return known[2]
    digest = sha256_file(path)
    _hashed[key] = (stat.st_size, stat.st_mtime_ns, digest)
    return digest


def check_files(root: str | Path, rels: list[str]) -> None:
    """Raise CorpusError unless each of `rels` (and SHA256SUMS) is a regular
    file inside `root` with the digest SHA256SUMS records."""
    root = Path(root)
    manifest = root / MANIFEST
    if not manifest.is_file():
        raise CorpusError(f"{manifest}: missing; the corpus cannot be checked (run `diglot verify {root}`)")
    try:
        entries, bad = read_manifest(root)
    except UnicodeDecodeError as err:
        raise CorpusError(f"{manifest}: not UTF-8 text ({err.reason})") from None
    if bad:
        raise CorpusError(f"{manifest}: line {bad[0].line}: {bad[0].reason}")
    recorded = {entry.path: entry.digest for entry in entries}
    for rel in rels:
        path = root / rel
        if rel not in recorded:
            raise CorpusError(f"{path}: not listed in {MANIFEST}; refusing to read an unchecked file")
        if path.is_symlink() or not path.is_file() or not path.resolve().is_relative_to(root.resolve()):
            raise CorpusError(f"{path}: not a regular file inside the corpus")
        if cached_sha256(path) != recorded[rel]:
            raise CorpusError(f"{path}: SHA-256 differs from {MANIFEST}: the file changed after the build "
                              f"(run `diglot verify {root}`)")

