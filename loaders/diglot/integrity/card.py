"""Checks on the dataset card (README.md): it parses, carries the Hub's
metadata with values the Hub accepts, links the datasheet and the terms it
names, and its `dataset_info` agrees with the Parquet files."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from diglot import layout
from diglot.integrity.report import Report, Table

CARD = layout.CARD
REQUIRED_KEYS = ("configs", "dataset_info", "language", "license", "license_link", "pretty_name", "corpus_version",
                 "multilinguality", "annotations_creators", "language_creators", "source_datasets", "size_categories")
BUILD_DIGLOT_KEYS = ("diglot_version", "diglot")


def load_card(root: Path, report: Report) -> dict[str, Any] | None:
    """The card's YAML metadata as a dict, or None (with a problem) if unusable."""
    card_path = root / CARD
    if not card_path.is_file():
        report.add(CARD, "missing: the corpus has no dataset card", "card")
        return None
    from huggingface_hub import DatasetCard

    try:
        card = DatasetCard.load(card_path)
    except Exception as err:  # yaml errors, bad encodings, invalid metadata
        report.add(CARD, f"cannot be parsed as a dataset card: {err}", "card")
        return None
    data = card.data.to_dict()
    if not data:
        report.add(CARD, "has no YAML metadata block", "card")
        return None
    data["__card_data__"] = card.data
    data["__text__"] = card.text
    for key in REQUIRED_KEYS:
        if key not in data:
            report.add(CARD, f"metadata has no {key!r}", "card")
    version = data.get("corpus_version")
    if "corpus_version" in data and layout.parse_semver(version) is None:
        report.add(CARD, f"corpus_version {version!r} is not a semantic version X.Y.Z", "card")
    _check_hub_values(data, report)
    _check_links(root, data, report)
    _check_build_versions(data, report)
    return data


def _hub_vocabulary(name: str) -> Any:
    """A list of values the Hub accepts, as `datasets` ships it (offline)."""
    return json.loads(resources.files("datasets.utils.resources").joinpath(name).read_text(encoding="utf-8"))


def _check_hub_values(data: dict[str, Any], report: Report) -> None:
    creators = _hub_vocabulary("creators.json")
    allowed = {
        "size_categories": _hub_vocabulary("size_categories.json"),
        "multilinguality": list(_hub_vocabulary("multilingualities.json")),
        "annotations_creators": creators["annotations"],
        "language_creators": creators["language"],
        "source_datasets": ["original", "extended"],
    }
    for key, values in allowed.items():
        given = data.get(key)
        for value in [given] if isinstance(given, str) else (given or []):
            if value not in values and not (key == "source_datasets" and str(value).startswith("extended|")):
                report.add(CARD, f"{key}: {value!r} is not a value the Hub accepts ({', '.join(values)})", "card")
    if len(data.get("language") or []) >= 2 and data.get("multilinguality") not in (None, "translation"):
        report.add(CARD, f"multilinguality is {data['multilinguality']!r}; a parallel corpus is 'translation'", "card")


def _check_links(root: Path, data: dict[str, Any], report: Report) -> None:
    """license_link and the datasheet link name files the corpus ships."""
    link = data.get("license_link")
    if isinstance(link, str) and "://" not in link and not (root / link).is_file():
        report.add(CARD, f"license_link {link!r} names no file of the corpus", "card")
    for name in (layout.DATASHEET, layout.TERMS):
        if not (root / name).is_file():
            report.add(name, "missing: the corpus ships it beside the card", "card")
        elif f"]({name})" not in data.get("__text__", ""):
            report.add(CARD, f"does not link {name}", "card")


def build_diglot_version(data: dict[str, Any] | None) -> str | None:
    """The diglot version the card's `build:` mapping records, if any."""
    build = data.get("build") if data else None
    if isinstance(build, dict):
        for key in BUILD_DIGLOT_KEYS:
            if isinstance(build.get(key), str):
                return build[key]
    return None


def _check_build_versions(data: dict[str, Any], report: Report) -> None:
    """The `build:` mapping, when present, records the versions the corpus was built with."""
    build = data.get("build")
    if build is None:
        return
    if not isinstance(build, dict):
        report.add(CARD, f"build must be a mapping of package names to versions, not {type(build).__name__}", "card")
        return
    if not any(key in build for key in BUILD_DIGLOT_KEYS):
        report.add(CARD, f"build mapping records no diglot version (key {' or '.join(BUILD_DIGLOT_KEYS)})", "card")
    for key, value in build.items():
        if not isinstance(value, str) or not value.strip():
            report.add(CARD, f"build.{key} = {value!r} is not a version string", "card")


def describe_schema_difference(actual, expected) -> str:
    want = {f.name: f.type for f in expected}
    have = {f.name: f.type for f in actual}
    parts = []
    missing = [n for n in want if n not in have]
    extra = [n for n in have if n not in want]
    if missing:
        parts.append(f"missing columns {missing}")
    if extra:
        parts.append(f"unexpected columns {extra}")
    for name in want:
        if name in have and not have[name].equals(want[name]):
            parts.append(f"column {name!r} is {have[name]}, expected {want[name]}")
    if not parts and actual.names != expected.names:
        parts.append(f"columns in order {actual.names}, expected {expected.names}")
    return "; ".join(parts) or "schemas differ"


def check_features(card: dict[str, Any] | None, tables: dict[str, Table], report: Report) -> None:
    """dataset_info: features equal to each config's Parquet schema, split sizes to its rows."""
    if card is None or "dataset_info" not in card:
        return
    from datasets.info import DatasetInfosDict

    try:
        infos = DatasetInfosDict.from_dataset_card_data(card["__card_data__"])
    except Exception as err:
        report.add(CARD, f"dataset_info cannot be read: {err}", "card")
        return
    configured = {item.get("config_name") for item in card.get("configs") or [] if isinstance(item, dict)}
    for name in infos:
        if name not in configured:
            report.add(CARD, f"dataset_info describes config {name!r}, which the card's configs do not declare", "card")
    for name, table in tables.items():
        info = infos.get(name)
        if info is None or info.features is None:
            report.add(CARD, f"dataset_info has no features for config {name!r}", "card")
            continue
        if table.schema is None:
            continue
        card_schema = info.features.arrow_schema.remove_metadata()
        if not card_schema.equals(table.schema):
            report.add(table.files[0], "Parquet schema differs from the card's dataset_info features for "
                       f"{name!r}: {describe_schema_difference(table.schema, card_schema)}", "card")
        split = layout.split_of(name)
        for split_name, split_info in (info.splits or {}).items():
            if split_name != split:
                report.add(CARD, f"dataset_info for {name!r} lists split {split_name!r}; only {split!r} exists", "card")
            elif split_info.num_examples is not None and table.frame is not None \
                    and split_info.num_examples != table.frame.height:
                report.add(table.files[0], f"has {table.frame.height} rows, the card's dataset_info for {name!r} "
                           f"says {split_info.num_examples}", "card")


def check_languages(card: dict[str, Any] | None, languages: list[str], report: Report) -> None:
    if card is None or "language" not in card:
        return
    declared = card["language"]
    declared = {declared} if isinstance(declared, str) else set(declared or [])
    for lang in languages:
        if lang not in declared:
            report.add(CARD, f"language does not list {lang!r}, a language of documents", "card")
