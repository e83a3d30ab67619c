"""`diglot verify`: check a built corpus against its manifest, card and invariants.

`verify(path)` returns every problem found (an empty list means the corpus is
sound); it never stops at the first one and never raises for a damaged
corpus.  Each `Problem` names the file (relative to the corpus root), the
row (0-based index in the Parquet file) or line (1-based, text files) when
there is one, and the reason.

Checks, in order:

1. manifest: SHA256SUMS parses, is sorted, lists every data file exactly
   once, every listed file exists and has the recorded SHA-256, and no file is
   present without being listed;
2. card: README.md parses as a dataset card, has `corpus_version`, `configs`
   whose `data_files` exist and cover every Parquet file, and `dataset_info`
   features equal to each config's Parquet schema (and split sizes equal to
   the row counts); the `build:` mapping, when present, records versions;
3. schema: every Parquet file has exactly the schema of `diglot.schema`;
4. invariants: no nulls where a value is required; ids unique and
   resolvable across configs; offsets inside raw_text and normalising to the
   sentence text; each sentence in exactly one bead per aligned document pair
   (alignments and gold); derived columns (n_sentences, bead, src_text,
   translation, ...) consistent with what they derive from; every two-sided
   bead has its translation row;
5. versions: card `corpus_version` == newest CHANGELOG entry == every
   documents row's `corpus_version`; CHANGELOG entries newest first; the
   diglot version in the card's `build:` == the aligner's recorded one; with
   `lock=`, the card's `build:` versions == the lock file's pins.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from diglot import schema as _schema
from diglot.integrity import checksums
from diglot.load import CONFIGS
from diglot.textio import read_text

CARD = "README.md"
CHANGELOG = "CHANGELOG.md"
REQUIRED_CONFIGS = ("documents", "sentences")
ALIGNED_CONFIGS = ("alignments", "gold")

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_CHANGELOG_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\S+))?\s*$")


@dataclass(frozen=True)
class Problem:
    """One failed check. `row` is a 0-based Parquet row, `line` a 1-based text line."""

    file: str
    reason: str
    check: str = "invariant"
    row: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f": row {self.row}"
        if self.line is not None:
            where += f": line {self.line}"
        return f"{where}: {self.reason}"


@dataclass
class _Table:
    """One config's rows, each remembering the file and row it came from."""

    name: str
    files: list[str]
    schema: pa.Schema | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    where: list[tuple[str, int]] = field(default_factory=list)


class _Report:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, reason: str, check: str, *, row: int | None = None, line: int | None = None) -> None:
        self.problems.append(Problem(file=file, reason=reason, check=check, row=row, line=line))

    def at(self, table: _Table, index: int, reason: str, check: str = "invariant") -> None:
        file, row = table.where[index]
        self.add(file, reason, check, row=row)


def parse_semver(text: Any) -> tuple[int, int, int] | None:
    if not isinstance(text, str):
        return None
    match = SEMVER.match(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def verify(path: str | Path | None = None, *, normalize_span: Callable[[str, str], str] | None = None,
           lock: str | Path | None = None) -> list[Problem]:
    """Every problem with the corpus at `path` (default `diglot.corpus_dir()`).

    `normalize_span(raw, lang) -> text` is the normaliser the builder used;
    by default `diglot.normalize.normalize_span`.  `lock`, a pip lock file
    (`name==version` lines), is compared with the versions the card's
    `build:` mapping records.
    """
    if path is None:
        from diglot.load import corpus_dir

        path = corpus_dir()
    root = Path(path)
    report = _Report()
    if not root.is_dir():
        report.add(str(root), "no corpus here: not a directory", "manifest")
        return report.problems

    _check_manifest(root, report)
    card = _load_card(root, report)
    tables = _load_tables(root, card, report)
    _check_card_features(root, card, tables, report)
    _check_card_languages(card, tables, report)
    _check_schemas(tables, report)
    _check_invariants(tables, report, normalize_span)
    _check_versions(root, card, tables, report)
    if lock is not None:
        _check_lock(Path(lock), card, report)
    return report.problems


# --------------------------------------------------------------------------- manifest


def _check_manifest(root: Path, report: _Report) -> None:
    name = checksums.MANIFEST
    if not (root / name).is_file():
        report.add(name, "missing: the corpus has no SHA-256 manifest", "manifest")
        return
    try:
        entries, bad = checksums.read_manifest(root)
    except UnicodeDecodeError as err:
        report.add(name, f"not UTF-8 text ({err})", "manifest")
        return
    for line in bad:
        report.add(name, f"{line.reason}: {line.text!r}", "manifest", line=line.line)

    paths = [entry.path for entry in entries]
    if paths != sorted(paths):
        first = next(i for i in range(1, len(paths)) if paths[i] < paths[i - 1])
        report.add(name, f"not sorted by path: {paths[first]!r} comes after {paths[first - 1]!r}", "manifest",
                   line=entries[first].line)
    seen: dict[str, int] = {}
    for entry in entries:
        if entry.path in seen:
            report.add(name, f"{entry.path} listed twice (first on line {seen[entry.path]})", "manifest", line=entry.line)
            continue
        seen[entry.path] = entry.line
        target = root / entry.path
        if entry.path in checksums.NON_DATA_FILES:
            report.add(name, f"{entry.path} is not a data file and must not be listed", "manifest", line=entry.line)
        elif not target.is_file():
            report.add(entry.path, f"listed in {name} (line {entry.line}) but missing", "manifest")
        else:
            actual = checksums.sha256_file(target)
            if actual != entry.digest:
                report.add(entry.path, f"SHA-256 mismatch: {name} line {entry.line} records {entry.digest}, "
                                       f"the file hashes to {actual}", "manifest")
    for rel in checksums.data_files(root):
        if rel not in seen:
            report.add(rel, f"present but not listed in {name}", "manifest")


# --------------------------------------------------------------------------- card


def _load_card(root: Path, report: _Report) -> dict[str, Any] | None:
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
    for key in ("configs", "dataset_info", "language", "license", "pretty_name", "corpus_version"):
        if key not in data:
            report.add(CARD, f"metadata has no {key!r}", "card")
    version = data.get("corpus_version")
    if "corpus_version" in data and parse_semver(version) is None:
        report.add(CARD, f"corpus_version {version!r} is not a semantic version X.Y.Z", "card")
    _check_build_versions(data, report)
    return data


BUILD_DIGLOT_KEYS = ("diglot_version", "diglot")


def build_diglot_version(data: dict[str, Any] | None) -> str | None:
    """The diglot version the card's `build:` mapping records, if any."""
    build = data.get("build") if data else None
    if isinstance(build, dict):
        for key in BUILD_DIGLOT_KEYS:
            if isinstance(build.get(key), str):
                return build[key]
    return None


def _check_build_versions(data: dict[str, Any], report: _Report) -> None:
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
        for pattern in patterns:
            pattern = str(pattern)
            if not pattern or pattern.startswith("/") or ".." in Path(pattern).parts:
                return {}, f"config {name!r}: data_files {pattern!r} is not a relative path inside the corpus"
            try:
                matched = sorted(p.relative_to(root).as_posix() for p in root.glob(pattern) if p.is_file())
            except (ValueError, NotImplementedError) as err:
                return {}, f"config {name!r}: data_files {pattern!r} is not a usable pattern ({err})"
            if not matched:
                return {}, f"config {name!r}: data_files {pattern!r} matches no file"
            splits[str(item.get("split", "train"))].extend(matched)
    return dict(splits), None


def _load_tables(root: Path, card: dict[str, Any] | None, report: _Report) -> dict[str, _Table]:
    """Read every config's Parquet files (as the card declares them, else by folder)."""
    declared: dict[str, list[str]] = {}
    if card is not None and isinstance(card.get("configs"), list):
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
            if list(splits) != ["train"]:
                report.add(CARD, f"config {name!r}: splits {sorted(splits)}, expected only 'train'", "card")
            declared[name] = sorted({f for files in splits.values() for f in files})
    elif card is not None and "configs" in card:
        report.add(CARD, "configs must be a list of {config_name, data_files}", "card")

    on_disk: dict[str, list[str]] = defaultdict(list)
    for parquet in sorted(root.rglob("*.parquet")):
        rel = parquet.relative_to(root).as_posix()
        on_disk[rel.split("/")[0] if "/" in rel else ""].append(rel)
    covered = {f for files in declared.values() for f in files}
    for files in on_disk.values():
        for rel in files:
            if card is not None and "configs" in card and rel not in covered:
                report.add(rel, "Parquet file not covered by any config's data_files in the card", "card")

    if card is None or "configs" not in card:
        declared = {name: files for name, files in on_disk.items() if name}

    for name in declared:
        if name not in CONFIGS:
            report.add(CARD, f"unknown config {name!r} (known: {', '.join(CONFIGS)})", "card")
    for name in REQUIRED_CONFIGS:
        if name not in declared:
            report.add(CARD, f"config {name!r} is missing", "card")
    if "translation" in declared and "alignments" not in declared:
        report.add(CARD, "config 'translation' present without 'alignments'", "card")

    tables: dict[str, _Table] = {}
    for name, files in declared.items():
        table = _Table(name=name, files=files, schema=None)
        for rel in files:
            try:
                data = pq.read_table(root / rel)
            except Exception as err:  # ArrowInvalid, OSError: a damaged or truncated file
                report.add(rel, f"cannot be read as Parquet: {err}", "schema")
                table.schema = None
                table.rows = []
                break
            data_schema = data.schema.remove_metadata()
            if table.schema is None:
                table.schema = data_schema
            elif not table.schema.equals(data_schema):
                report.add(rel, f"schema differs from {files[0]}", "schema")
            for index, row in enumerate(data.to_pylist()):
                table.rows.append(row)
                table.where.append((rel, index))
        tables[name] = table
    return tables


def _describe_schema_difference(actual: pa.Schema, expected: pa.Schema) -> str:
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


def _check_card_features(root: Path, card: dict[str, Any] | None, tables: dict[str, _Table], report: _Report) -> None:
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
                       f"{name!r}: {_describe_schema_difference(table.schema, card_schema)}", "card")
        if info.splits:
            for split_name, split in info.splits.items():
                if split_name != "train":
                    report.add(CARD, f"dataset_info for {name!r} lists split {split_name!r}; only 'train' exists", "card")
                elif split.num_examples is not None and split.num_examples != len(table.rows):
                    report.add(table.files[0], f"has {len(table.rows)} rows, the card's dataset_info for {name!r} "
                               f"says {split.num_examples}", "card")


def _check_card_languages(card: dict[str, Any] | None, tables: dict[str, _Table], report: _Report) -> None:
    if card is None or "language" not in card or "documents" not in tables:
        return
    declared = card["language"]
    declared = {declared} if isinstance(declared, str) else set(declared or [])
    for lang in _languages(tables):
        if lang not in declared:
            report.add(CARD, f"language does not list {lang!r}, a language of documents", "card")


# --------------------------------------------------------------------------- schema


def _languages(tables: dict[str, _Table]) -> list[str]:
    docs = tables.get("documents")
    return sorted({row["lang"] for row in docs.rows if row.get("lang")}) if docs else []


def expected_schema(name: str, languages: Iterable[str]) -> pa.Schema | None:
    if name == "translation":
        return _schema.translation_schema(list(languages))
    return _schema.SCHEMAS.get(name)


def _translation_languages(tables: dict[str, _Table]) -> list[str]:
    """The languages of the aligned documents (the `translation` struct's fields)."""
    docs, beads = tables.get("documents"), tables.get("alignments")
    if docs is None or beads is None or beads.schema is None or "src_doc" not in beads.schema.names:
        return _languages(tables)
    lang_of = {row.get("doc_id"): row.get("lang") for row in docs.rows}
    found = {lang_of.get(row[side]) for row in beads.rows for side in ("src_doc", "tgt_doc")}
    return sorted(lang for lang in found if lang)


def _check_schemas(tables: dict[str, _Table], report: _Report) -> None:
    for name, table in tables.items():
        expected = expected_schema(name, _translation_languages(tables) if name == "translation" else [])
        if expected is None or table.schema is None:
            continue
        if not table.schema.equals(expected):
            report.add(table.files[0], f"schema differs from diglot.schema for {name!r}: "
                       f"{_describe_schema_difference(table.schema, expected)}", "schema")
            table.rows = []  # invariants below assume the schema; the problem is reported
            table.where = []
            table.schema = None


# --------------------------------------------------------------------------- invariants


def _default_normalizer() -> Callable[[str, str], str] | None:
    """`diglot.normalize.normalize_span` as a `(raw, lang) -> text` function."""
    try:
        from diglot.normalize import normalize_span
    except ImportError:
        return None
    return _with_lang(normalize_span)


def _with_lang(function: Callable[..., str]) -> Callable[[str, str], str]:
    """Accept normalisers taking `(text)` or `(text, lang)`."""
    import inspect

    try:
        params = [p for p in inspect.signature(function).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    except (TypeError, ValueError):
        return function
    if len(params) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params):
        return function
    return lambda text, lang: function(text)


def _unique(table: _Table, column: str, report: _Report) -> dict[str, int]:
    """column value -> first row index; reports empty values and duplicates."""
    first: dict[str, int] = {}
    for index, row in enumerate(table.rows):
        value = row[column]
        if value is None or value == "":
            report.at(table, index, f"{column} is empty")
            continue
        if value in first:
            file, row_no = table.where[first[value]]
            report.at(table, index, f"duplicate {column} {value!r} (first at {file} row {row_no})")
            continue
        first[value] = index
    return first


# Columns that may hold nulls: nothing detected, or no score for a hand-made bead.
NULLABLE = {"documents": {"lang_detected"}, "sentences": {"lang_detected"}, "gold": {"score"}}
_MAX_NULL_REPORTS = 5


def _check_nulls(table: _Table, report: _Report) -> None:
    allowed = NULLABLE.get(table.name, set())
    for column in table.schema.names:
        if column in allowed:
            continue
        rows = [i for i, row in enumerate(table.rows) if row[column] is None]
        for i in rows[:_MAX_NULL_REPORTS]:
            report.at(table, i, f"{column} is null")
        if len(rows) > _MAX_NULL_REPORTS:
            report.add(table.files[0], f"{column} is null in {len(rows) - _MAX_NULL_REPORTS} more rows", "invariant")


def _check_invariants(tables: dict[str, _Table], report: _Report,
                      normalize_span: Callable[[str, str], str] | None) -> None:
    # A config that is missing or failed its schema check has its problem
    # reported already; references into it are not checked (they would all fail).
    usable = {name: table for name, table in tables.items() if table.schema is not None}
    for table in usable.values():
        _check_nulls(table, report)
    docs = usable.get("documents")
    sents = usable.get("sentences")
    doc_index = _check_documents(docs, report) if docs else {}
    sent_index: dict[str, int] = {}
    if sents and docs:
        sent_index = _check_sentences(sents, docs, doc_index, report, normalize_span)
    elif sents:
        sent_index = _unique(sents, "sent_id", report)
    for name in ALIGNED_CONFIGS:
        table = usable.get(name)
        if table and docs and sents:
            _check_beads(table, docs, doc_index, sents, sent_index, report)
        elif table:
            _unique(table, "bead_id", report)
    translation = usable.get("translation")
    if translation and docs and "alignments" in usable:
        _check_translation(translation, usable["alignments"], docs, doc_index, report)
    elif translation:
        _unique(translation, "bead_id", report)


def _check_documents(docs: _Table, report: _Report) -> dict[str, int]:
    index = _unique(docs, "doc_id", report)
    for i, row in enumerate(docs.rows):
        raw = row["raw_text"]
        if raw is None:
            report.at(docs, i, "raw_text is empty")
            continue
        digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
        if row["seed_sha256"] != digest:
            report.at(docs, i, f"seed_sha256 {row['seed_sha256']} is not the SHA-256 of raw_text ({digest})")
        if row["lang"] is None or not row["lang"]:
            report.at(docs, i, "lang is empty")
        if row["text"] is not None and row["n_chars"] != len(row["text"]):
            report.at(docs, i, f"n_chars is {row['n_chars']}, text has {len(row['text'])} characters")
        for removal in row["removed"] or []:
            if removal is None or removal["start"] is None or removal["end"] is None or not (
                    0 <= removal["start"] <= removal["end"] <= len(raw)):
                removal = removal or {"start": None, "end": None}
                report.at(docs, i, f"removed span [{removal['start']}, {removal['end']}) is outside raw_text "
                                   f"(length {len(raw)})")
    return index


def _check_sentences(sents: _Table, docs: _Table | None, doc_index: dict[str, int], report: _Report,
                     normalize_span: Callable[[str, str], str] | None) -> dict[str, int]:
    index = _unique(sents, "sent_id", report)
    if normalize_span is not None:
        normalize_span = _with_lang(normalize_span)
    else:
        normalize_span = _default_normalizer()
        if normalize_span is None:
            report.add(sents.files[0], "cannot check that offsets normalise to the text: "
                       "diglot.normalize.normalize_span is not importable", "invariant")
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(sents.rows):
        doc_id = row["doc_id"]
        position = row["position"]
        expected_id = f"{doc_id}:{position:04d}" if position is not None else None
        if row["sent_id"] != expected_id:
            report.at(sents, i, f"sent_id {row['sent_id']!r} is not '<doc_id>:<position>' ({expected_id!r})")
        if doc_id not in doc_index:
            report.at(sents, i, f"doc_id {doc_id!r} does not resolve to a row of documents")
            continue
        doc = docs.rows[doc_index[doc_id]]
        by_doc[doc_id].append(i)
        n_paragraphs = doc["n_paragraphs"]
        if row["paragraph"] is None or n_paragraphs is None or not (0 <= row["paragraph"] < n_paragraphs):
            report.at(sents, i, f"paragraph {row['paragraph']} is outside 0..{n_paragraphs}-1 of {doc_id}")
        for column in ("lang", "lang_code"):
            if row[column] != doc[column]:
                report.at(sents, i, f"{column} {row[column]!r} differs from its document's {doc[column]!r}")
        text = row["text"] or ""
        for span in row["foreign_spans"] or []:
            if span is None or span["start"] is None or span["end"] is None or not (
                    0 <= span["start"] < span["end"] <= len(text)):
                report.at(sents, i, f"foreign span {span} is not inside the sentence text (length {len(text)})")
        raw = doc["raw_text"] or ""
        start, end = row["raw_start"], row["raw_end"]
        if start is None or end is None or not (0 <= start <= end <= len(raw)):
            report.at(sents, i, f"offsets [{start}, {end}) are outside raw_text of {doc_id} (length {len(raw)})")
            continue
        if normalize_span is not None:
            try:
                normalised = normalize_span(raw[start:end], row["lang"])
            except Exception as err:
                report.at(sents, i, f"normalising raw_text[{start}:{end}] failed: {err!r}")
                continue
            if normalised != row["text"]:
                report.at(sents, i, f"raw_text[{start}:{end}] normalises to {normalised!r}, not to text {row['text']!r}")
    for doc_id, rows in by_doc.items():
        positions = sorted(p for p in (sents.rows[i]["position"] for i in rows) if p is not None)
        if positions != list(range(len(positions))):
            report.at(sents, rows[0], f"positions of {doc_id} are not 0..{len(positions) - 1} "
                                      f"(got {len(positions)} sentences, positions {positions[:3]}...{positions[-3:]})")
        doc = docs.rows[doc_index[doc_id]]
        if doc["n_sentences"] is not None and doc["n_sentences"] != len(rows):
            report.at(docs, doc_index[doc_id], f"n_sentences is {doc['n_sentences']}, sentences has {len(rows)} rows "
                                               f"for {doc_id}")
    for doc_id, i in doc_index.items():
        if doc_id not in by_doc and (docs.rows[i]["n_sentences"] or 0) != 0:
            report.at(docs, i, f"n_sentences is {docs.rows[i]['n_sentences']}, sentences has no row for {doc_id}")
    return index


def _check_beads(beads: _Table, docs: _Table, doc_index: dict[str, int], sents: _Table,
                 sent_index: dict[str, int], report: _Report) -> None:
    name = beads.name
    _unique(beads, "bead_id", report)
    # (src_doc, tgt_doc) -> side -> sent_id -> bead row indices
    seen: dict[tuple[str, str], dict[str, dict[str, list[int]]]] = defaultdict(lambda: {"src": defaultdict(list),
                                                                                       "tgt": defaultdict(list)})
    for i, row in enumerate(beads.rows):
        src_doc, tgt_doc = row["src_doc"], row["tgt_doc"]
        bad_doc = False
        for side, doc_id in (("src_doc", src_doc), ("tgt_doc", tgt_doc)):
            if doc_id not in doc_index:
                report.at(beads, i, f"{side} {doc_id!r} does not resolve to a row of documents")
                bad_doc = True
        if bad_doc:
            continue
        src_lang = docs.rows[doc_index[src_doc]]["lang"]
        tgt_lang = docs.rows[doc_index[tgt_doc]]["lang"]
        pair = f"{src_lang}-{tgt_lang}"
        if row["pair"] != pair:
            report.at(beads, i, f"pair {row['pair']!r} is not '<src lang>-<tgt lang>' of its documents ({pair!r})")
        if not (row["bead_id"] or "").startswith(f"{row['pair']}:"):
            report.at(beads, i, f"bead_id {row['bead_id']!r} does not start with its pair {row['pair']!r}")
        src_ids, tgt_ids = row["src_ids"] or [], row["tgt_ids"] or []
        if not src_ids and not tgt_ids:
            report.at(beads, i, "bead has no sentence on either side")
        bead = f"{len(src_ids)}-{len(tgt_ids)}"
        if row["bead"] != bead:
            report.at(beads, i, f"bead {row['bead']!r} does not match {len(src_ids)} src and {len(tgt_ids)} tgt ids")
        score = row["score"]
        if score is None:
            if name == "alignments":
                report.at(beads, i, "score is null")
        elif not (0.0 <= score <= 1.0):
            report.at(beads, i, f"score {score} is outside [0, 1]")
        for side, ids, doc_id, text_column in (("src", src_ids, src_doc, "src_text"), ("tgt", tgt_ids, tgt_doc, "tgt_text")):
            texts = []
            for sent_id in ids:
                if sent_id not in sent_index:
                    report.at(beads, i, f"{side}_ids: {sent_id!r} does not resolve to a row of sentences")
                    texts = None
                    continue
                sentence = sents.rows[sent_index[sent_id]]
                if sentence["doc_id"] != doc_id:
                    report.at(beads, i, f"{side}_ids: {sent_id!r} belongs to {sentence['doc_id']}, not {side}_doc {doc_id}")
                seen[(src_doc, tgt_doc)][side][sent_id].append(i)
                if texts is not None:
                    texts = None if sentence["text"] is None else texts + [sentence["text"]]
            if texts is not None and (row[text_column] or "") != " ".join(texts):
                report.at(beads, i, f"{text_column} is not its sentences' text joined by one space")
    # each sentence of both documents of a pair is in exactly one bead
    sentences_of: dict[str, list[str]] = defaultdict(list)
    for sent_id, j in sent_index.items():
        sentences_of[sents.rows[j]["doc_id"]].append(sent_id)
    for (src_doc, tgt_doc), sides in seen.items():
        for side, doc_id in (("src", src_doc), ("tgt", tgt_doc)):
            for sent_id in sorted(sentences_of.get(doc_id, [])):
                rows = sides[side].get(sent_id, [])
                if not rows:
                    report.at(sents, sent_index[sent_id],
                              f"sentence {sent_id} is in no bead of {name} for {src_doc} -> {tgt_doc}")
                elif len(rows) > 1:
                    where = ", ".join(f"row {beads.where[r][1]}" for r in rows)
                    report.at(beads, rows[1], f"sentence {sent_id} is in {len(rows)} beads of {name} ({where})")


def _check_translation(translation: _Table, alignments: _Table | None, docs: _Table | None,
                       doc_index: dict[str, int], report: _Report) -> None:
    _unique(translation, "bead_id", report)
    bead_rows = {row["bead_id"]: row for row in alignments.rows} if alignments and alignments.schema else {}
    for i, row in enumerate(translation.rows):
        bead = bead_rows.get(row["bead_id"])
        if bead is None:
            report.at(translation, i, f"bead_id {row['bead_id']!r} does not resolve to a row of alignments")
            continue
        for column in ("pair", "score", "src_ids", "tgt_ids"):
            if row[column] != bead[column]:
                report.at(translation, i, f"{column} differs from alignments bead {row['bead_id']}")
        if docs is None or bead["src_doc"] not in doc_index or bead["tgt_doc"] not in doc_index:
            continue
        src_lang = docs.rows[doc_index[bead["src_doc"]]]["lang"]
        tgt_lang = docs.rows[doc_index[bead["tgt_doc"]]]["lang"]
        values = row["translation"] or {}
        for lang, text_column in ((src_lang, "src_text"), (tgt_lang, "tgt_text")):
            if values.get(lang) != bead[text_column]:
                report.at(translation, i, f"translation[{lang!r}] differs from alignments {text_column} "
                                          f"of bead {row['bead_id']}")
        for lang, value in values.items():
            if lang not in (src_lang, tgt_lang) and value is not None:
                report.at(translation, i, f"translation[{lang!r}] is set but the bead is {src_lang}-{tgt_lang}")
    # every bead with sentences on both sides has its translation row
    present = {row["bead_id"] for row in translation.rows}
    if alignments is not None and alignments.schema is not None:
        for j, bead in enumerate(alignments.rows):
            if bead["src_ids"] and bead["tgt_ids"] and bead["bead_id"] not in present:
                report.at(alignments, j, f"bead {bead['bead_id']} has sentences on both sides but no row in translation")


# --------------------------------------------------------------------------- versions

_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)")
NOT_INSTALLED = "not installed"


def canonical_name(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, line) for every `name==version` line of a pip lock file."""
    pins = {}
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        match = _PIN.match(line)
        if match:
            pins[canonical_name(match[1])] = (match[2], number)
    return pins


def _check_lock(lock: Path, card: dict[str, Any] | None, report: _Report) -> None:
    """The card's recorded build versions agree with the lock file's pins."""
    name = str(lock)
    if not lock.is_file():
        report.add(name, "lock file not found", "version")
        return
    build = card.get("build") if card else None
    if not isinstance(build, dict):
        report.add(CARD, f"records no build versions to compare with {lock.name}", "version")
        return
    pins = read_lock(lock)
    for package, recorded in build.items():
        if package in BUILD_DIGLOT_KEYS or not isinstance(recorded, str):
            continue  # diglot itself is not pinned in the lock; malformed values are reported above
        pinned = pins.get(canonical_name(package))
        if pinned is None:
            if recorded != NOT_INSTALLED:
                report.add(CARD, f"build.{package} = {recorded!r} but {lock.name} does not pin {package}", "version")
        elif pinned[0] != recorded:
            report.add(name, f"pins {package}=={pinned[0]}, the card says the corpus was built with {recorded}",
                       "version", line=pinned[1])


def read_changelog(text: str) -> tuple[list[tuple[str, str | None, int]], list[tuple[int, str]]]:
    """(version, date, line) per `## [X.Y.Z] - YYYY-MM-DD` heading, and (line, reason) problems."""
    entries, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("## "):
            continue
        match = _CHANGELOG_HEADING.match(line)
        if not match:
            problems.append((number, f"heading {line!r} is not '## [X.Y.Z] - YYYY-MM-DD'"))
            continue
        version, date = match["version"], match["date"]
        if version.lower() == "unreleased":
            continue
        if parse_semver(version) is None:
            problems.append((number, f"version {version!r} is not X.Y.Z"))
            continue
        if date is None:
            problems.append((number, f"entry {version} has no date"))
        else:
            try:
                _dt.date.fromisoformat(date)
            except ValueError:
                problems.append((number, f"date {date!r} of {version} is not YYYY-MM-DD"))
                date = None
        entries.append((version, date, number))
    return entries, problems


def _check_versions(root: Path, card: dict[str, Any] | None, tables: dict[str, _Table], report: _Report) -> None:
    card_version = card.get("corpus_version") if card else None
    changelog = root / CHANGELOG
    if not changelog.is_file():
        report.add(CHANGELOG, "missing: the corpus has no CHANGELOG", "version")
    else:
        try:
            entries, problems = read_changelog(changelog.read_text(encoding="utf-8"))
        except UnicodeDecodeError as err:
            entries, problems = [], [(None, f"not UTF-8 text ({err})")]
        for line, reason in problems:
            report.add(CHANGELOG, reason, "version", line=line)
        if not entries and not problems:
            report.add(CHANGELOG, "has no '## [X.Y.Z] - YYYY-MM-DD' entry", "version")
        for (newer, newer_date, _), (older, older_date, line) in zip(entries, entries[1:]):
            if parse_semver(newer) <= parse_semver(older):
                report.add(CHANGELOG, f"entries not newest first: {older} after {newer}", "version", line=line)
            elif newer_date and older_date and newer_date < older_date:
                report.add(CHANGELOG, f"{newer} is dated {newer_date}, before {older} ({older_date})", "version", line=line)
        if entries and card_version is not None and entries[0][0] != card_version:
            report.add(CHANGELOG, f"newest entry is {entries[0][0]}, the card's corpus_version is {card_version}",
                       "version", line=entries[0][2])
    docs = tables.get("documents")
    if docs is not None and docs.schema is not None and card_version is not None:
        for i, row in enumerate(docs.rows):
            if row["corpus_version"] != card_version:
                report.at(docs, i, f"corpus_version {row['corpus_version']!r} differs from the card's {card_version!r}",
                          "version")
    # the aligner's recorded version and the card's build record must agree
    recorded = build_diglot_version(card)
    if recorded is not None:
        for name in ALIGNED_CONFIGS:
            table = tables.get(name)
            if table is None or table.schema is None:
                continue
            for i, row in enumerate(table.rows):
                method = row["method"] or {}
                if method.get("diglot_version") != recorded:
                    report.at(table, i, f"method.diglot_version {method.get('diglot_version')!r} differs from the "
                                        f"diglot version in the card's build mapping ({recorded!r})", "version")
                    break  # one row says it; the rest of the config shares the build
