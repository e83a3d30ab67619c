"""The write step: records → Parquet files, dataset card, CHANGELOG, checksums.

Everything written here must be byte-identical from run to run: no dates,
no absolute paths, no dictionary order left to chance.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from diglot import schema
from diglot.errors import SeedError
from diglot.manifest import Manifest
from diglot.records import BeadRecord, DocumentRecord
from diglot.textio import read_text

DATA_FILE = "train.parquet"
CHECKSUMS = "SHA256SUMS"
CHANGELOG = "CHANGELOG.md"
_GOLD_LINE = re.compile(r"^\[([\d,\s]*)\]:\[([\d,\s]*)\](?::(moved))?$")


# -- gold ------------------------------------------------------------------------


def read_gold(seeds_dir: Path, manifest: Manifest, docs: list[DocumentRecord]) -> list[BeadRecord]:
    """Hand-made alignments named by `[[gold]]` tables: `[src ids]:[tgt ids]`
    per line over sentence positions, `:moved` after an out-of-order bead.
    Every sentence of both documents must appear exactly once."""
    by_id = {d.doc_id: d for d in docs}
    beads: list[BeadRecord] = []
    for table in manifest.gold:
        path = Path(seeds_dir) / str(table.get("file", ""))
        src, tgt = by_id.get(table.get("src")), by_id.get(table.get("tgt"))
        if src is None or tgt is None or not path.is_file():
            raise SeedError(manifest.path, f"[[gold]] {table!r}: unknown document or missing file")
        seen_src: list[int] = []
        seen_tgt: list[int] = []
        for n, line in enumerate(read_text(path).splitlines(), 1):
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
            beads.append(BeadRecord(pair, src.doc_id, tgt.doc_id, s_ids, t_ids, 1.0, m.group(3) is None))
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
                "monotonic": b.monotonic,
                "method": method,
            }
        )
    return rows


def translation_rows(alignment_rows: list[dict], docs: list[DocumentRecord]) -> tuple[list[dict], list[str]]:
    lang_of = {d.doc_id: d.lang for d in docs}
    languages = sorted({lang_of[r["src_doc"]] for r in alignment_rows} | {lang_of[r["tgt_doc"]] for r in alignment_rows})
    rows = []
    for r in alignment_rows:
        if not r["src_ids"] or not r["tgt_ids"]:
            continue
        text = dict.fromkeys(languages)
        text[lang_of[r["src_doc"]]] = r["src_text"]
        text[lang_of[r["tgt_doc"]]] = r["tgt_text"]
        rows.append(
            {"bead_id": r["bead_id"], "pair": r["pair"], "translation": text, "score": r["score"],
             "src_ids": r["src_ids"], "tgt_ids": r["tgt_ids"]}
        )
    return rows, languages


def features_for(arrow_schema: pa.Schema, translation_languages: list[str] | None = None):
    """Hugging Face features for an Arrow schema (Translation where it applies)."""
    from datasets import Features, Translation

    features = Features.from_arrow_schema(arrow_schema)
    if translation_languages is not None:
        features["translation"] = Translation(languages=translation_languages)
    return features


def write_parquet(rows: list[dict], arrow_schema: pa.Schema, path: Path, translation_languages=None) -> pa.Table:
    features = features_for(arrow_schema, translation_languages)
    table = pa.Table.from_pylist(rows, schema=arrow_schema).cast(features.arrow_schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Fixed writer settings: the same rows must give the same bytes.
    pq.write_table(table, path, compression="zstd", compression_level=9, use_dictionary=True,
                   write_statistics=True, version="2.6", data_page_version="1.0", store_schema=True)
    return table


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_checksums(root: Path) -> None:
    lines = []
    for path in sorted(p for p in root.rglob("*.parquet")):
        lines.append(f"{sha256_of(path)}  {path.relative_to(root).as_posix()}")
    (root / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def copy_changelog(seeds_dir: Path, out: Path, version: str) -> None:
    source = Path(seeds_dir) / CHANGELOG
    if not source.is_file():
        raise SeedError(source, "missing: the corpus CHANGELOG lives beside the manifest")
    text = source.read_text(encoding="utf-8")
    m = re.search(r"^## \[(\d+\.\d+\.\d+)\]", text, flags=re.MULTILINE)
    if not m or m.group(1) != version:
        found = m.group(1) if m else "none"
        raise SeedError(source, f"newest entry is {found}, but the manifest says corpus version {version}")
    (out / CHANGELOG).write_text(text, encoding="utf-8")


def write(out: Path, manifest: Manifest, docs: list[DocumentRecord], alignments: list[BeadRecord],
          gold: list[BeadRecord], *, embedder: str, seeds_dir: Path) -> None:
    from diglot import card

    tables: dict[str, pa.Table] = {}
    tables["documents"] = write_parquet(documents_table(manifest, docs), schema.DOCUMENTS, out / "documents" / DATA_FILE)
    tables["sentences"] = write_parquet(sentences_table(docs), schema.SENTENCES, out / "sentences" / DATA_FILE)
    translation_languages = None
    if alignments:
        from diglot.align import get_embedder
        from diglot import __version__

        emb = get_embedder(embedder)
        method = {"diglot_version": __version__, "embedder": emb.name, "model": emb.model}
        align_rows = beads_table(alignments, docs, method)
        tables["alignments"] = write_parquet(align_rows, schema.ALIGNMENTS, out / "alignments" / DATA_FILE)
        trans_rows, translation_languages = translation_rows(align_rows, docs)
        tables["translation"] = write_parquet(
            trans_rows, schema.translation_schema(translation_languages), out / "translation" / DATA_FILE, translation_languages
        )
    if gold:
        from diglot import __version__

        method = {"diglot_version": __version__, "embedder": "human", "model": "hand-aligned"}
        tables["gold"] = write_parquet(beads_table(gold, docs, method), schema.GOLD, out / "gold" / DATA_FILE)
    copy_changelog(seeds_dir, out, manifest.version)
    write_checksums(out)
    card.write_card(out, manifest, docs, tables, translation_languages, alignments=alignments, gold=gold)
