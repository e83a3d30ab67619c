"""Reading the configs the card declares, and checking each against diglot.schema."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from diglot import layout
from diglot import schema as corpus_schema
from diglot.integrity import checksums
from diglot.integrity.card import CARD, describe_schema_difference
from diglot.integrity.report import Report, Table, frame_of


def _config_files(root: Path, name: str, spec: Any) -> tuple[dict[str, list[str]], str | None]:
    """split -> sorted relative paths for one config's `data_files`, or an error."""
    if isinstance(spec, str):
        spec = [{"split": "train", "path": spec}]
    if not isinstance(spec, list):
        return {}, f"config {name!r}: data_files must be a string or a list, not {type(spec).__name__}"
    splits: dict[str, list[str]] = defaultdict(list)
    for item in spec:
        if isinstance(item, str):
            item = {"split": "train", "path": item}
        if not isinstance(item, dict) or "path" not in item:
            return {}, f"config {name!r}: data_files entry {item!r} has no path"
        patterns = item["path"] if isinstance(item["path"], list) else [item["path"]]
        for pattern in map(str, patterns):
            if not checksums.is_inside(pattern):
                return {}, f"config {name!r}: data_files {pattern!r} is not a relative path inside the corpus"
            try:
                matched = sorted(p.relative_to(root).as_posix() for p in root.glob(pattern) if p.is_file())
            except (ValueError, NotImplementedError) as err:
                return {}, f"config {name!r}: data_files {pattern!r} is not a usable pattern ({err})"
            if not matched:
                return {}, f"config {name!r}: data_files {pattern!r} matches no file"
            splits[str(item.get("split", "train"))].extend(matched)
    return dict(splits), None


def _declared_configs(root: Path, card: dict[str, Any], report: Report) -> dict[str, list[str]]:
    declared: dict[str, list[str]] = {}
    if not isinstance(card.get("configs"), list):
        report.add(CARD, "configs must be a list of {config_name, data_files}", "card")
        return declared
    for item in card["configs"]:
        if not isinstance(item, dict) or not isinstance(item.get("config_name"), str):
            report.add(CARD, f"configs entry {item!r} has no config_name", "card")
            continue
        name = item["config_name"]
        if name in declared:
            report.add(CARD, f"config {name!r} is declared twice", "card")
            continue
        splits, error = _config_files(root, name, item.get("data_files"))
        if error:
            report.add(CARD, error, "card")
            continue
        if list(splits) != [layout.split_of(name)]:
            report.add(CARD, f"config {name!r}: splits {sorted(splits)}, expected only {layout.split_of(name)!r}", "card")
        declared[name] = sorted({f for files in splits.values() for f in files})
    return declared


def load_tables(root: Path, card: dict[str, Any] | None, report: Report) -> dict[str, Table]:
    """Read every config's Parquet files (as the card declares them, else by folder)."""
    on_disk: dict[str, list[str]] = defaultdict(list)
    for parquet in sorted(root.rglob("*.parquet")):
        rel = parquet.relative_to(root).as_posix()
        on_disk[rel.split("/")[0] if "/" in rel else ""].append(rel)
    if card is not None and "configs" in card:
        declared = _declared_configs(root, card, report)
        covered = {f for files in declared.values() for f in files}
        for files in on_disk.values():
            for rel in files:
                if rel not in covered:
                    report.add(rel, "Parquet file not covered by any config's data_files in the card", "card")
    else:
        declared = {name: files for name, files in on_disk.items() if name}

    for name in declared:
        if not layout.is_known_config(name):
            report.add(CARD, f"unknown config {name!r} (known: {', '.join(layout.FIXED_CONFIGS)}, "
                             f"{layout.TRANSLATION_PREFIX}<a>-<b>)", "card")
    for name in layout.REQUIRED_CONFIGS:
        if name not in declared:
            report.add(CARD, f"config {name!r} is missing", "card")

    tables: dict[str, Table] = {}
    for name, files in declared.items():
        table = Table(name=name, files=files, schema=None)
        frames = []
        for rel in files:
            if (root / rel).is_symlink():
                break  # reported by the file checks; never followed
            try:
                data = pq.read_table(root / rel)
            except Exception as err:  # ArrowInvalid, OSError: a damaged or truncated file
                report.add(rel, f"cannot be read as Parquet: {err}", "schema")
                break
            data_schema = data.schema.remove_metadata()
            if table.schema is None:
                table.schema = data_schema
            elif not table.schema.equals(data_schema):
                report.add(rel, f"schema differs from {files[0]}", "schema")
                break
            frames.append(frame_of(data.replace_schema_metadata(None), rel))
        else:
            if frames:
                import polars as pl

                table.frame = pl.concat(frames, how="vertical")
        if table.frame is None:
            table.drop()
        tables[name] = table
    return tables


def check_schemas(tables: dict[str, Table], report: Report) -> None:
    for name, table in tables.items():
        expected = corpus_schema.for_config(name)
        if expected is None or table.schema is None:
            continue
        if not table.schema.equals(expected):
            report.add(table.files[0], f"schema differs from diglot.schema for {name!r}: "
                       f"{describe_schema_difference(table.schema, expected)}", "schema")
            table.drop()  # invariants assume the schema; the problem is reported
