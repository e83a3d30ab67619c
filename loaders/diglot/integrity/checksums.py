"""SHA-256 manifest of a built corpus: `SHA256SUMS` beside the dataset card.

Format (what `sha256sum` prints and `sha256sum -c` reads): one line per data
file, `<64 lowercase hex>  <path relative to the corpus root, with />`,
sorted by path.  README.md, CHANGELOG.md and SHA256SUMS itself are not data
files and are not listed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "SHA256SUMS"
# Files at the corpus root that describe the data rather than being data.
NON_DATA_FILES = frozenset({"README.md", "CHANGELOG.md", MANIFEST, ".gitattributes"})

_LINE = re.compile(r"^(?P<digest>[0-9a-f]{64}) [ *](?P<path>\S.*)$")


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def data_files(root: str | Path) -> list[str]:
    """Every file under `root` that the manifest must list, as sorted
    POSIX paths relative to `root` (hidden files and folders included: a
    stray file is still shipped by `upload_folder`)."""
    root = Path(root)
    found = []
    for path in root.rglob("*"):
        if path.is_file() or path.is_symlink():
            rel = path.relative_to(root).as_posix()
            if rel not in NON_DATA_FILES:
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


def parse_manifest(text: str) -> tuple[list[Entry], list[BadLine]]:
    """Parse SHA256SUMS text into entries and the lines that could not be parsed."""
    entries: list[Entry] = []
    bad: list[BadLine] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line == "" and number == len(text.split("\n")):
            continue  # the final newline
        match = _LINE.match(line)
        if not match:
            bad.append(BadLine(number, line, "not '<64 lowercase hex sha256>  <relative path>'"))
            continue
        path = match["path"]
        if path.startswith("/") or ".." in Path(path).parts or "\\" in path:
            bad.append(BadLine(number, line, f"path {path!r} is not a plain relative path inside the corpus"))
            continue
        entries.append(Entry(match["digest"], path, number))
    return entries, bad


def read_manifest(root: str | Path) -> tuple[list[Entry], list[BadLine]]:
    return parse_manifest((Path(root) / MANIFEST).read_text(encoding="utf-8"))


def manifest_text(root: str | Path) -> str:
    """The SHA256SUMS text that `root`'s data files call for right now."""
    root = Path(root)
    return "".join(f"{sha256_file(root / rel)}  {rel}\n" for rel in data_files(root))


def write_manifest(root: str | Path) -> Path:
    """(Re)write `root`/SHA256SUMS from the files on disk; returns its path."""
    target = Path(root) / MANIFEST
    target.write_text(manifest_text(root), encoding="utf-8", newline="\n")
    return target
