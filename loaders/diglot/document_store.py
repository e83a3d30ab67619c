"""The store of prepared documents: each seed's cleaned, segmented, tagged record, kept between builds.

Preparing a document (lingua above all) costs far more than reading it back, and
a rebuild after adding one document to thousands should prepare only that one.
A record is addressed by everything `pipeline.prepare` reads: the seed's text
and manifest entry (not its path), the candidate languages, and the code that
prepares it (`code_fingerprint`: diglot's own source and the versions of the
libraries it calls).  Change any of them and the record is simply not found.

One SQLite file, `documents.sqlite` in the `prepared/` folder of the embedding
store's root (`$DIGLOT_CACHE`, else the user cache directory).  Nothing read
back is trusted: a row whose checksum fails, or that does not unpickle to a
record of that seed, is prepared again.  A store that cannot be used costs
time only.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import pickle
import sqlite3
import unicodedata
from importlib import metadata
from pathlib import Path

from diglot.manifest import Seed
from diglot.records import DocumentRecord

FOLDER = "prepared"
FILE = "documents.sqlite"
# Libraries whose output lands in a prepared record (segmentation, tags, offset maps);
# the Python version stands for its Unicode tables (NFC, categories).
LIBRARIES = ("lingua-language-detector", "sentencex", "numpy")
_BUSY_TIMEOUT_S = 120.0


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 over diglot's own Python files, the versions of LIBRARIES and Python's Unicode version."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}=={version}\0".encode())
    digest.update(f"unicode {unicodedata.unidata_version}\0".encode())
    return digest.hexdigest()


def record_key(seed: Seed, candidates: tuple[str, ...]) -> bytes:
    entry = dataclasses.astuple(seed.entry)
    text = repr((entry, candidates, code_fingerprint())).encode("utf-8") + b"\0" + seed.raw_text.encode("utf-8")
    return hashlib.sha256(text).digest()


def _checksum(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=8).digest()


class DocumentStore:
    """Prepared records by `record_key`, in `<root>/prepared/documents.sqlite`."""

    def __init__(self, root: Path | None = None):
        if root is None:
            from diglot.align.store import store_root

            root = store_root()
        self.path = root / FOLDER / FILE
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS documents (key BLOB PRIMARY KEY, record BLOB NOT NULL, checksum BLOB NOT NULL)")
            self._conn = conn
        return self._conn

    def get(self, seeds: list[Seed], candidates: tuple[str, ...]) -> dict[int, DocumentRecord]:
        """The sound stored records of `seeds`, by position; missing or damaged ones are left out."""
        keys = {record_key(seed, candidates): k for k, seed in enumerate(seeds)}
        found: dict[int, DocumentRecord] = {}
        db = self._db()
        batch = list(keys)
        for start in range(0, len(batch), 500):
            chunk = batch[start : start + 500]
            rows = db.execute(f"SELECT key, record, checksum FROM documents WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            for key, data, check in rows:
                k = keys[bytes(key)]
                record = _load(data, check, seeds[k])
                if record is not None:
                    found[k] = dataclasses.replace(record, seed=seeds[k])  # this build's path, same text and entry
        return found

    def put(self, seeds: list[Seed], candidates: tuple[str, ...], records: list[DocumentRecord]) -> None:
        rows = []
        for seed, record in zip(seeds, records):
            data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
            rows.append((record_key(seed, candidates), data, _checksum(data)))
        from diglot.align.store import write_rows

        write_rows(self._db(), "INSERT OR REPLACE INTO documents VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _load(data, check, seed: Seed) -> DocumentRecord | None:
    if not isinstance(data, bytes) or check != _checksum(data):
        return None
    try:
        record = pickle.loads(data)
    except Exception:  # a row from another diglot, or damaged past its checksum
        return None
    if not isinstance(record, DocumentRecord) or record.seed.raw_text != seed.raw_text or record.seed.entry != seed.entry:
        return None
    return record


def describe(root: Path) -> tuple[Path, int, int] | None:
    """(path, records, bytes with its WAL files) of the store under `root`, or None if there is none."""
    path = root / FOLDER / FILE
    if not path.is_file():
        return None
    size = sum(p.stat().st_size for p in path.parent.glob(FILE + "*"))
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=_BUSY_TIMEOUT_S) as conn:
            count = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.DatabaseError:
        count = 0
    return path, int(count), size


def clear(root: Path) -> list[Path]:
    folder = root / FOLDER
    removed = sorted(folder.glob(FILE + "*")) if folder.is_dir() else []
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
