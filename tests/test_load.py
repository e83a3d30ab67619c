"""The committed corpus opens offline, through datasets and through diglot.load."""

from __future__ import annotations

import subprocess
import sys

import datasets
import polars as pl
import pytest
from conftest import REPO, tree_bytes

import diglot
from diglot.load import CONFIGS

CORPUS = REPO / "corpus"


@pytest.mark.parametrize("config", CONFIGS)
def test_load_dataset_opens_every_config(config, tmp_path):
    ds = datasets.load_dataset(str(CORPUS), config, split="train", cache_dir=str(tmp_path / "hf"))
    direct = pl.read_parquet(CORPUS / config / "train.parquet")
    assert ds.num_rows == direct.height > 0
    assert ds.column_names == direct.columns


def test_translation_config_uses_the_translation_feature(tmp_path):
    ds = datasets.load_dataset(str(CORPUS), "translation", split="train", cache_dir=str(tmp_path / "hf"))
    feature = ds.features["translation"]
    assert isinstance(feature, datasets.Translation) and sorted(feature.languages) == ["bn", "it"]
    assert all(row["translation"]["it"] and row["translation"]["bn"] for row in ds)


def test_diglot_load_backends_agree():
    ds = diglot.load("sentences")
    df = diglot.load("sentences", backend="polars")
    assert isinstance(ds, datasets.Dataset) and isinstance(df, pl.DataFrame)
    assert ds["sent_id"] == df["sent_id"].to_list()
    with pytest.raises(FileNotFoundError, match="no Parquet files for config 'nope'"):
        diglot.load("nope")


def test_load_works_from_any_directory(tmp_path):
    code = "import diglot; print(diglot.load('documents').num_rows, diglot.corpus_dir())"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == "2"


def test_installed_corpus_is_the_committed_one():
    """Whatever copy diglot finds (the wheel's or the checkout's) has the committed bytes."""
    assert tree_bytes(diglot.corpus_dir()) == tree_bytes(CORPUS)
