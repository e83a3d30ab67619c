"""The embedding store: one SQLite file per model, vectors addressed by their text.

Where: `$DIGLOT_CACHE` if set, else the user cache directory by the platform's
convention (platformdirs: ~/.cache/diglot/vectors on Linux).  One file per model
(`<model key>.sqlite`, the model's full name inside), in WAL mode so that many
processes can read while one writes and writers queue for a moment instead of
failing.  A row is (SHA-256 of the text, dimension, float32 bytes, BLAKE2b of
those bytes).

Nothing read back is trusted: a vector of the wrong size, with a stale checksum,
or with a value that is not finite is reported as damaged, and the caller
embeds that text again and overwrites the row.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SUFFIX = ".sqlite"
_BUSY_TIMEOUT_S = 120.0  # a writer waits this long for another process's transaction
_CHUNK = 500  # keys per SELECT, under SQLite's bound-parameter limit


def store_root() -> Path:
    """$DIGLOT_CACHE, else the platform's user cache directory for diglot."""
    override = os.environ.get("DIGLOT_CACHE")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("diglot", appauthor=False)) / "vectors"


def model_key(model: str) -> str:
    return hashlib.sha256(model.encode("utf-8")).hexdigest()[:16]


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def checksum(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=8).digest()


@dataclass(frozen=True)
class Lookup:
    """What the store holds for some texts: found vectors, and the damaged ones."""

    vectors: dict[str, np.ndarray]
    damaged: list[str]  # texts whose stored vector failed a check


class VectorStore:
    """Vectors of one model, in `<root>/<model key>.sqlite`."""

    def __init__(self, model: str, root: Path | None = None):
        self.model = model
        self.path = (root or store_root()) / f"{model_key(model)}{SUFFIX}"
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    def _db(self) -> sqlite3.Connection:
        # A connection must not cross a fork: each process opens its own.
        if self._conn is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute("PRAGMA page_size=8192")  # five 1.5 KB vectors a page; takes effect on a new file only
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses at most the last commits, never corrupts
            conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, dim INTEGER NOT NULL, "
                "vec BLOB NOT NULL, checksum BLOB NOT NULL)"
            )
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('model', ?)", (self.model,))
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def get(self, texts: Iterable[str], dim: int | None) -> Lookup:
        """Stored vectors of `texts`, each checked; `dim` None takes the stored dimension on trust."""
        by_key = {text_key(t): t for t in texts}
        keys = list(by_key)
        found: dict[str, np.ndarray] = {}
        damaged: list[str] = []
        db = self._db()
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, stored_dim, vec, check in db.execute(f"SELECT key, dim, vec, checksum FROM vectors WHERE key IN ({marks})", chunk):
                text = by_key[bytes(key)]
                row = _valid(dim, stored_dim, vec, check)
                if row is None:
                    damaged.append(text)
                else:
                    found[text] = row
        return Lookup(found, damaged)

    def put(self, texts: Sequence[str], vecs: np.ndarray) -> None:
        """Store (or overwrite) the vectors of `texts`, in one transaction."""
        rows = []
        for text, vec in zip(texts, vecs):
            data = np.ascontiguousarray(vec, dtype=np.float32).tobytes()
            rows.append((text_key(text), len(data) // 4, data, checksum(data)))
        write_rows(self._db(), "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)

    def close(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None


def write_rows(db: sqlite3.Connection, statement: str, rows: list[tuple]) -> None:
    """`statement` for every row, in one transaction that takes the write lock at once."""
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany(statement, rows)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _valid(dim: int | None, stored_dim, vec, check) -> np.ndarray | None:
    """The vector if it has the model's size, its checksum and only finite values."""
    dim = dim or stored_dim
    if stored_dim != dim or not isinstance(vec, bytes) or len(vec) != 4 * dim or check != checksum(vec):
        return None
    row = np.frombuffer(vec, dtype=np.float32)
    return row if np.isfinite(row).all() else None


@dataclass(frozen=True)
class StoreInfo:
    path: Path
    model: str
    vectors: int
    bytes: int  # the database and its WAL files


def describe(root: Path | None = None) -> list[StoreInfo]:
    """One entry per model store under `root`."""
    root = root or store_root()
    out = []
    for path in sorted(root.glob(f"*{SUFFIX}")) if root.is_dir() else []:
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=_BUSY_TIMEOUT_S) as conn:
                model = conn.execute("SELECT value FROM meta WHERE name = 'model'").fetchone()
                count = conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
            out.append(StoreInfo(path, model[0] if model else "?", int(count), size))
        except sqlite3.DatabaseError:
            out.append(StoreInfo(path, "unreadable (not a diglot store?)", 0, size))
    return out


def clear(root: Path | None = None) -> list[Path]:
    """Delete every model store under `root` (with its WAL files); the removed paths."""
    root = root or store_root()
    removed = []
    for path in sorted(root.glob(f"*{SUFFIX}*")) if root.is_dir() else []:
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
