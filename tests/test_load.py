"""The committed corpus opens offline, through datasets and through diglot.load;
diglot.load refuses a file that SHA256SUMS or the card disagree with."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import datasets
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import REPO, tree_bytes
from huggingface_hub import DatasetCard

import diglot
from diglot import layout
from diglot.errors import CorpusError
from diglot.integrity import checksums, write_manifest
from diglot.load import packaged_corpus

CORPUS = REPO / "corpus"


def card_configs(root: Path) -> list[str]:
    return [c["config_name"] for c in DatasetCard.load(root / "README.md").data.to_dict()["configs"]]


@pytest.mark.parametrize("config", card_configs(CORPUS))
def test_load_dataset_opens_every_config(config, tmp_path):
    ds = datasets.load_dataset(str(CORPUS), config, split=layout.split_of(config), cache_dir=str(tmp_path / "hf"))
    direct = pl.read_parquet(CORPUS / layout.data_file(config))
    assert ds.num_rows == direct.height > 0
    assert ds.column_names == direct.columns


def test_one_translation_config_per_pair_with_exactly_its_languages(tmp_path):
    names = [c for c in card_configs(CORPUS) if c.startswith("translation")]
    assert names == ["translation-it-bn"], "the n-way 'translation' config is gone; one config per pair"
    ds = datasets.load_dataset(str(CORPUS), "translation-it-bn", split="train", cache_dir=str(tmp_path / "hf"))
    feature = ds.features["translation"]
    assert isinstance(feature, datasets.Translation) and sorted(feature.languages) == ["bn", "it"]
    assert all(set(row["translation"]) == {"it", "bn"} and all(row["translation"].values()) for row in ds)


def test_gold_is_a_test_split(tmp_path):
    gold = datasets.load_dataset(str(CORPUS), "gold", cache_dir=str(tmp_path / "hf"))
    assert list(gold) == ["test"] and gold["test"].num_rows > 0


def test_a_third_language_adds_pair_configs_without_missing_values(fast_seeds, tmp_path):
    """Before: one n-way config, Translation(['bn', 'de', 'it']), a None in every row."""
    import hashlib

    from diglot import pipeline

    text = ("Salesforce-Mitarbeiter verbreiten einen internen Brief an Vorstandschef Marc Benioff. "
            "Sie fordern ihn auf, die jüngsten Maßnahmen der Einwanderungsbehörde zu verurteilen.\n").encode()
    (fast_seeds / "003_de.txt").write_bytes(text)
    with open(fast_seeds / "manifest.toml", "a", encoding="utf-8") as fh:
        fh.write(f'\n[[documents]]\nid = "de-003"\nfile = "003_de.txt"\nlang = "de"\nsource_id = "salesforce-ice-letter"\n'
                 f'sha256 = "{hashlib.sha256(text).hexdigest()}"\nprovenance = "test rendition"\n')
    out = pipeline.build(fast_seeds, tmp_path / "corpus")
    names = [c for c in card_configs(out) if c.startswith("translation")]
    assert names == ["translation-it-bn", "translation-it-de", "translation-bn-de"]
    for name in names:
        ds = diglot.load(name, path=out)
        assert sorted(ds.features["translation"].languages) == sorted(name.split("-")[1:])
        assert all(None not in row["translation"].values() for row in ds), name


def test_diglot_load_backends_agree():
    ds = diglot.load("sentences", path=CORPUS)
    df = diglot.load("sentences", backend="polars", path=CORPUS)
    assert isinstance(ds, datasets.Dataset) and isinstance(df, pl.DataFrame)
    assert ds["sent_id"] == df["sent_id"].to_list()
    with pytest.raises(CorpusError, match="no Parquet files for config 'nope'"):
        diglot.load("nope", path=CORPUS)


def test_load_works_from_any_directory(tmp_path):
    code = "import diglot; print(diglot.load('documents').num_rows, diglot.corpus_dir())"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == "2"


def test_installed_corpus_is_the_committed_one():
    """Whatever copy diglot finds (the wheel's or the checkout's) has the committed bytes."""
    assert tree_bytes(diglot.corpus_dir()) == tree_bytes(CORPUS)


# --------------------------------------------------------------------------- verified loads


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy)
    return copy


def edit_rows(path: Path, edit) -> None:
    table = pq.read_table(path)
    rows = table.to_pylist()
    edit(rows)
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)


@pytest.mark.parametrize("backend", ["datasets", "polars"])
def test_edited_cell_with_stale_checksums_is_refused(corpus: Path, backend: str):
    edit_rows(corpus / "sentences" / "train.parquet", lambda rows: rows[3].update(text="edited"))
    with pytest.raises(CorpusError, match=r"sentences/train.parquet: SHA-256 differs from SHA256SUMS"):
        diglot.load("sentences", backend=backend, path=corpus)


@pytest.mark.parametrize("backend", ["datasets", "polars"])
def test_deleted_row_with_rewritten_checksums_is_refused(corpus: Path, backend: str):
    edit_rows(corpus / "sentences" / "train.parquet", lambda rows: rows.pop(7))
    write_manifest(corpus)
    with pytest.raises(CorpusError, match="40 rows, the dataset card says 41"):
        diglot.load("sentences", backend=backend, path=corpus)


def test_changed_file_is_never_served_from_a_stale_cache(corpus: Path):
    """Same size, same modification time, other bytes (checksums and card
    rewritten to match): the datasets backend must return the new rows."""
    path = corpus / "sentences" / "train.parquet"
    assert diglot.load("sentences", path=corpus)[3]["text"] != "X"
    datasets.load_dataset(str(corpus), "sentences", split="train")  # warm datasets' own cache too
    stat = path.stat()
    edit_rows(path, lambda rows: rows[3].update(text="X"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    write_manifest(corpus)
    assert diglot.load("sentences", path=corpus)[3]["text"] == "X"
    assert diglot.load("sentences", backend="polars", path=corpus)["text"][3] == "X"


def test_verified_files_are_hashed_once_until_they_change(corpus: Path, monkeypatch):
    hashed = []
    real = checksums.sha256_file
    monkeypatch.setattr(checksums, "sha256_file", lambda path: hashed.append(Path(path).name) or real(path))
    diglot.load("documents", backend="polars", path=corpus)
    assert sorted(hashed) == ["README.md", "train.parquet"]
    hashed.clear()
    diglot.load("documents", backend="polars", path=corpus)
    assert hashed == [], "unchanged files are not hashed again"
    path = corpus / "documents" / "train.parquet"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1))
    diglot.load("documents", backend="polars", path=corpus)
    assert hashed == ["train.parquet"]


# --------------------------------------------------------------------------- which corpus


def fake_checkout(root: Path) -> Path:
    """A diglot checkout with its own (damaged) corpus."""
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "manifest.toml").write_text("[corpus]\n", encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "diglot"\n', encoding="utf-8")
    shutil.copytree(CORPUS, root / "corpus")
    edit_rows(root / "corpus" / "documents" / "train.parquet", lambda rows: rows[0].update(title="damaged"))
    return root


def run_diglot(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DIGLOT_CORPUS"}
    return subprocess.run([sys.executable, "-m", "diglot.cli", *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_commands_inside_a_checkout_use_its_corpus(tmp_path: Path):
    checkout = fake_checkout(tmp_path / "checkout")
    (checkout / "sub").mkdir()
    result = run_diglot(["verify"], cwd=checkout / "sub")
    assert result.returncode == 1, result.stderr
    assert f"diglot verify: using corpus {checkout / 'corpus'} (the checkout at {checkout})" in result.stderr
    assert "documents/train.parquet: SHA-256 mismatch" in result.stderr
    for args in (["export", "--format", "tsv", "--out", str(tmp_path / "x")],
                 ["view", "--out", str(tmp_path / "v.html")],
                 ["publish", "--repo-id", "org/name", "--dry-run"]):
        result = run_diglot(args, cwd=checkout)
        assert f"using corpus {checkout / 'corpus'}" in result.stderr, args
        assert result.returncode == 1 and "SHA-256" in result.stderr, (args, result.stderr)
    code = "import diglot; diglot.load('documents')"
    result = subprocess.run([sys.executable, "-c", code], cwd=checkout, capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "DIGLOT_CORPUS"})
    assert result.returncode == 1 and "SHA-256 differs from SHA256SUMS" in result.stderr


def test_outside_a_checkout_commands_use_the_packaged_corpus(tmp_path: Path):
    result = run_diglot(["verify", "--quiet"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"using corpus {packaged_corpus()} (the copy packaged with diglot)" in result.stderr


def test_corpus_option_wins(tmp_path: Path):
    checkout = fake_checkout(tmp_path / "checkout")
    result = run_diglot(["verify", "--corpus", str(CORPUS), "--quiet"], cwd=checkout)
    assert result.returncode == 0 and f"using corpus {CORPUS} (--corpus)" in result.stderr
