"""The write step: records → Parquet files, dataset card, CHANGELOG, terms, datasheet, checksums.

Everything written here must be byte-identical from run to run: no dates,
no absolute paths, no dictionary order left to chance.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from diglot import layout, schema
from diglot.errors import SeedError
from diglot.integrity import checksums
from diglot.manifest import Manifest, read_pinned_text
from diglot.records import BeadRecord, DocumentRecord

_GOLD_LINE = re.compile(r"^\[([\d,\s]*)\]:\[([\d,\s]*)\](?::(moved))?$")


# -- gold ------------------------------------------------------------------------


def read_gold(seeds_dir: Path, manifest: Manifest, docs: list[DocumentRecord]) -> list[BeadRecord]:
    """Hand-made alignments named by `[[gold]]` tables: `[src ids]:[tgt ids]`
    per line over sentence positions, `:moved` after an out-of-order bead.
    Every sentence of both documents must appear exactly once.  The manifest
    has already confined each file to the seeds folder and pinned its SHA-256."""
    by_id = {d.doc_id: d for d in docs}
    beads: list[BeadRecord] = []
    for gold in manifest.gold:
        path = Path(seeds_dir) / gold.file
        src, tgt = by_id.get(gold.src), by_id.get(gold.tgt)
        if src is None or tgt is None:
            raise SeedError(manifest.path, f"[[gold]] {gold.file}: unknown document {gold.src!r} or {gold.tgt!r}")
        seen_src: list[int] = []
        seen_tgt: list[int] = []
        for n, line in enumerate(read_pinned_text(seeds_dir, gold.file, gold.sha256).splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            m = _GOLD_LINE.match(line)
            if not m:
                raise SeedError(path, f"line {n}: expected [i, ...]:[j, ...], got {line!r}")
            s_ids = tuple(int(x) for x in m.group(1).split(",") if x.strip())
            t_ids = tuple(int(x) for x in m.group(2).split(",") if x.strip())
            seen_src += s_ids
            seen_tgt += t_ids
            pair = f"{src.lang}-{tgt.lang}"
            # drawn by hand: certain by definition
            beads.append(BeadRecord(pair, src.doc_id, tgt.doc_id, s_ids, t_ids, 1.0, 1.0, m.group(3) is None))
        for side, seen, doc in (("source", seen_src, src), ("target", seen_tgt, tgt)):
            if sorted(seen) != list(range(len(doc.sentences))):
                missing = sorted(set(range(len(doc.sentences))) - set(seen))
                extra = sorted(i for i in set(seen) if seen.count(i) > 1 or i >= len(doc.sentences))
                raise SeedError(path, f"{side} sentences not covered exactly once (missing {missing}, repeated or unknown {extra})")
    return beads


# -- tables ----------------------------------------------------------------------


def documents_table(manifest: Manifest, docs: list[DocumentRecord]) -> list[dict]:
    rows = []
    for d in docs:
        rows.append(
            {
                "doc_id": d.doc_id,
                "source_id": d.seed.entry.source_id,
                "seed_file": d.seed.entry.file,
                "seed_sha256": d.seed.entry.sha256,
                "lang": d.lang,
                "lang_code": d.lang_code,
                "script": d.script,
                "lang_detected": d.lang_detected,
                "lang_confidence": d.lang_confidence,
                "title": d.clean.title,
                "text": d.clean.text,
                "raw_text": d.seed.raw_text,
                "n_paragraphs": len(d.clean.paragraphs),
                "n_sentences": len(d.sentences),
                "n_chars": len(d.clean.text),
                "removed": [{"start": r.start, "end": r.end, "reason": r.reason} for r in d.clean.removed],
                "provenance": d.seed.entry.provenance,
                "corpus_version": manifest.version,
            }
        )
    return rows


def sentences_table(docs: list[DocumentRecord]) -> list[dict]:
    return [
        {
            "sent_id": s.sent_id,
            "doc_id": s.doc_id,
            "lang": d.lang,
            "lang_code": d.lang_code,
            "paragraph": s.paragraph,
            "position": s.position,
            "text": s.text,
            "raw_start": s.raw_start,
            "raw_end": s.raw_end,
            "is_title": s.is_title,
            "lang_detected": s.lang_detected,
            "lang_confidence": s.lang_confidence,
            "flags": list(s.flags),
            "foreign_spans": [{"start": a, "end": b, "lang": lang} for a, b, lang in s.foreign_spans],
        }
        for d in docs
        for s in d.sentences
    ]


def beads_table(beads: list[BeadRecord], docs: list[DocumentRecord], method: dict) -> list[dict]:
    by_id = {d.doc_id: d for d in docs}
    rows = []
    for i, b in enumerate(beads):
        src, tgt = by_id[b.src_doc], by_id[b.tgt_doc]
        rows.append(
            {
                "bead_id": f"{b.pair}:{b.src_doc}:{b.tgt_doc}:{i:05d}",
                "pair": b.pair,
                "src_doc": b.src_doc,
                "tgt_doc": b.tgt_doc,
                "src_ids": [src.sentences[k].sent_id for k in b.src],
                "tgt_ids": [tgt.sentences[k].sent_id for k in b.tgt],
                "src_text": " ".join(src.sentences[k].text for k in b.src),
                "tgt_text": " ".join(tgt.sentences[k].text for k in b.tgt),
                "bead": f"{len(b.src)}-{len(b.tgt)}",
                "score": round(b.score, 6),
                "confidence": round(b.confidence, 6),
                "monotonic": b.monotonic,
                "method": method,
            }
        )
    return rows


def translation_tables(alignment_rows: list[dict], docs: list[DocumentRecord]) -> dict[tuple[str, str], list[dict]]:
    """The beads with text on both sides, one list per language pair (see
    `diglot.layout`): each row's `translation` holds exactly its two languages."""
    lang_of = {d.doc_id: d.lang for d in docs}
    document_langs = [d.lang for d in docs]
    by_pair: dict[tuple[str, str], list[dict]] = {}
    for r in alignment_rows:
        if not r["src_ids"] or not r["tgt_ids"]:
            continue
        src_lang, tgt_lang = lang_of[r["src_doc"]], lang_of[r["tgt_doc"]]
        languages = layout.pair_in_order((src_lang, tgt_lang), document_langs)
        by_pair.setdefault(languages, []).append(
            {"bead_id": r["bead_id"], "pair": r["pair"], "translation": {src_lang: r["src_text"], tgt_lang: r["tgt_text"]},
             "score": r["score"], "confidence": r["confidence"], "src_ids": r["src_ids"], "tgt_ids": r["tgt_ids"]}
        )
    return dict(sorted(by_pair.items(), key=lambda item: [document_langs.index(lang) for lang in item[0]]))


def features_for(config: str, arrow_schema: pa.Schema):
    """Hugging Face features of a config (Translation where it applies)."""
    from datasets import Features, Translation

    features = Features.from_arrow_schema(arrow_schema)
    languages = layout.translation_languages(config)
    if languages is not None:
        features["translation"] = Translation(languages=list(languages))
    return features


def write_parquet(rows: list[dict], config: str, out: Path) -> pa.Table:
    arrow_schema = schema.for_config(config)
    features = features_for(config, arrow_schema)
    table = pa.Table.from_pylist(rows, schema=arrow_schema).cast(features.arrow_schema)
    path = out / layout.data_file(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Fixed writer settings: the same rows must give the same bytes.
    pq.write_table(table, path, compression="zstd", compression_level=9, use_dictionary=True,
                   write_statistics=True, version="2.6", data_page_version="1.0", store_schema=True)
    return table


def copy_changelog(seeds_dir: Path, out: Path, version: str) -> None:
    source = Path(seeds_dir) / layout.CHANGELOG
    if not source.is_file():
        raise SeedError(source, "missing: the corpus CHANGELOG lives beside the manifest")
    text = source.read_text(encoding="utf-8")
    headings = [layout.CHANGELOG_HEADING.match(line) for line in text.splitlines() if line.startswith("## [")]
    found = next((m["version"] for m in headings if m and m["version"].lower() != "unreleased"), "none")
    if found != version:
        raise SeedError(source, f"newest entry is {found}, but the manifest says corpus version {version}: "
                                f"add a '## [{version}] - YYYY-MM-DD' entry saying what changed")
    (out / layout.CHANGELOG).write_text(text, encoding="utf-8")


def copy_document(source: Path, out: Path, name: str, why: str) -> None:
    """Ship a text file of the repository inside the corpus, byte for byte."""
    if not source.is_file():
        raise SeedError(source, f"missing: the corpus ships it as {name} ({why})")
    (out / name).write_bytes(source.read_bytes())


def write(out: Path, manifest: Manifest, docs: list[DocumentRecord], alignments: list[BeadRecord],
          gold: list[BeadRecord], *, embedder: str, seeds_dir: Path, previous_from: Path | None = None) -> None:
    """Every file of the corpus into `out`; SHA256SUMS last, covering the rest.

    `previous_from`: the corpus this build replaces; the new version must be
    the release RELEASING.md calls for after it (SeedError if not).
    """
    from diglot import __version__, card, release

    tables: dict[str, pa.Table] = {}
    tables[layout.DOCUMENTS] = write_parquet(documents_table(manifest, docs), layout.DOCUMENTS, out)
    tables[layout.SENTENCES] = write_parquet(sentences_table(docs), layout.SENTENCES, out)
    if alignments:
        from diglot.align import get_embedder

        emb = get_embedder(embedder)
        method = {"diglot_version": __version__, "embedder": emb.name, "model": emb.model}
        align_rows = beads_table(alignments, docs, method)
        tables[layout.ALIGNMENTS] = write_parquet(align_rows, layout.ALIGNMENTS, out)
        for languages, rows in translation_tables(align_rows, docs).items():
            config = layout.translation_config(languages)
            tables[config] = write_parquet(rows, config, out)
    if gold:
        method = {"diglot_version": __version__, "embedder": "human", "model": "hand-aligned"}
        tables[layout.GOLD] = write_parquet(beads_table(gold, docs, method), layout.GOLD, out)
    seeds_dir = Path(seeds_dir)
    copy_changelog(seeds_dir, out, manifest.version)
    copy_document(seeds_dir / layout.TERMS, out, layout.TERMS, "the terms the card's license_link points to")
    copy_document(seeds_dir.parent / layout.DATASHEET, out, layout.DATASHEET, "the datasheet the card links")
    record = release.release_record(previous_from, manifest.version, tables, manifest.path)
    card.write_card(out, manifest, docs, tables, alignments=alignments, gold=gold, release=record)
    checksums.write_manifest(out)
