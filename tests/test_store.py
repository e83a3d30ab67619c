"""The embedding store: where it lives, what it trusts, and its CLI (`diglot cache`)."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from diglot.align import store
from diglot.align.embedders import Cached
from diglot.cli import main
from diglot.progress import DiglotWarning


class Counting:
    """A deterministic toy model that counts the texts it is asked to embed."""

    name, model, dim = "count", "counting-test-model", 3

    def __init__(self):
        self.calls = 0

    def embed(self, texts):
        self.calls += len(texts)
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)


def _embed_in_process(root: str, texts: list[str]) -> None:
    Cached(Counting(), root=Path(root)).embed(texts)


def test_embeds_each_text_once_and_reads_it_back(tmp_path):
    inner = Counting()
    first = Cached(inner, root=tmp_path).embed(["a", "bb", "a"])
    assert inner.calls == 2  # duplicates embedded once
    again = Cached(Counting(), root=tmp_path)
    assert np.array_equal(again.embed(["bb", "a"]), first[[1, 0]]) and again.embedded == 0
    assert [p.name for p in tmp_path.iterdir() if p.suffix == store.SUFFIX] == [f"{store.model_key(Counting.model)}.sqlite"]


def test_many_writers_threads_and_processes(tmp_path):
    texts = [f"s{i}" for i in range(300)]
    errors = []

    def worker(k):
        try:
            out = Cached(Counting(), root=tmp_path).embed(texts[k * 20 :] + texts[: k * 20])
            assert out[:, 0].tolist() == [len(t) for t in texts[k * 20 :] + texts[: k * 20]]
        except Exception as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_embed_in_process, args=(str(tmp_path), texts[::-1])) for _ in range(2)]
    for t in threads + procs:
        t.start()
    for t in threads + procs:
        t.join()
    assert not errors and all(p.exitcode == 0 for p in procs)
    [info] = store.describe(tmp_path)
    assert info.vectors == len(texts) and info.model == Counting.model
    reader = Cached(Counting(), root=tmp_path)
    reader.embed(texts)
    assert reader.embedded == 0


def _damage(path: Path, text: str, vec: bytes, check: bytes | None = None) -> None:
    with sqlite3.connect(path) as db:
        changed = db.execute(
            "UPDATE vectors SET vec = ?, checksum = ? WHERE key = ?", (vec, check if check is not None else store.checksum(vec), store.text_key(text))
        ).rowcount
    assert changed == 1


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda good: (good[:5], None), id="truncated"),
        pytest.param(lambda good: (np.array([np.nan, 1, 0], np.float32).tobytes(), None), id="nan-with-valid-checksum"),
        pytest.param(lambda good: (np.random.default_rng(0).bytes(len(good)), store.checksum(good)), id="random-bytes-stale-checksum"),
        pytest.param(lambda good: (good + good, None), id="wrong-dimension"),
    ],
)
def test_a_damaged_vector_is_recomputed_and_reported(tmp_path, damage):
    good = Cached(Counting(), root=tmp_path).embed(["alpha", "beta"])
    db = tmp_path / f"{store.model_key(Counting.model)}.sqlite"
    _damage(db, "alpha", *damage(good[0].tobytes()))

    inner = Counting()
    with pytest.warns(DiglotWarning, match=r"1 damaged vector\(s\).*recomputed"):
        again = Cached(inner, root=tmp_path).embed(["alpha", "beta"])
    assert inner.calls == 1 and np.array_equal(again, good)  # only the damaged one, and it is right again
    repaired = Cached(Counting(), root=tmp_path)
    repaired.embed(["alpha"])
    assert repaired.embedded == 0  # the store row was overwritten


def test_an_unusable_store_costs_only_speed(tmp_path):
    db = tmp_path / f"{store.model_key(Counting.model)}.sqlite"
    db.write_bytes(b"not a database at all" * 100)
    inner = Counting()
    with pytest.warns(DiglotWarning, match="unusable"):
        out = Cached(inner, root=tmp_path).embed(["a", "bb"])
    assert out[:, 0].tolist() == [1.0, 2.0] and inner.calls == 2


def test_location_rules(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path / "mine"))
    assert store.store_root() == tmp_path / "mine"
    monkeypatch.delenv("DIGLOT_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # the Linux convention platformdirs follows
    assert store.store_root() == tmp_path / "xdg" / "diglot" / "vectors"
    monkeypatch.chdir(tmp_path)
    Cached(Counting()).embed(["x"])
    assert (tmp_path / "xdg" / "diglot" / "vectors").is_dir()
    assert not (tmp_path / ".diglot-cache").exists()  # never the working directory


def test_cache_info_and_clear(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path))
    Cached(Counting()).embed(["a", "b", "c"])
    from diglot.document_store import DocumentStore

    DocumentStore(tmp_path)._db().close()  # an empty store of prepared documents
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path) in out and Counting.model in out and "3 vectors" in out
    assert "prepared documents: prepared/documents.sqlite: 0 records" in out
    assert main(["cache", "clear"]) == 0
    assert not list(tmp_path.rglob("*.sqlite*"))
    assert main(["cache", "info"]) == 0
    assert "no vectors stored" in capsys.readouterr().out
