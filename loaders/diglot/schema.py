"""The corpus schema: one Arrow schema per config.

This is the single source of truth for column names and types; the writer,
the dataset card's `dataset_info` features and `diglot verify` all read it.
"""

from __future__ import annotations

import pyarrow as pa

from diglot import layout

REMOVAL = pa.struct([("start", pa.int32()), ("end", pa.int32()), ("reason", pa.string())])

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_id", pa.string()),
        ("seed_file", pa.string()),
        ("seed_sha256", pa.string()),
        ("lang", pa.string()),  # BCP-47, e.g. "it"
        ("lang_code", pa.string()),  # FLORES+ style, e.g. "ita_Latn"
        ("script", pa.string()),  # ISO 15924, e.g. "Latn"
        ("lang_detected", pa.string()),  # BCP-47 of lingua's top language
        ("lang_confidence", pa.float64()),
        ("title", pa.string()),
        ("text", pa.string()),  # cleaned text, paragraphs separated by "\n\n"
        ("raw_text", pa.string()),  # the seed decoded as UTF-8, nothing else changed
        ("n_paragraphs", pa.int32()),
        ("n_sentences", pa.int32()),
        ("n_chars", pa.int32()),
        ("removed", pa.list_(REMOVAL)),
        ("provenance", pa.string()),
        ("corpus_version", pa.string()),
    ]
)

SENTENCES = pa.schema(
    [
        ("sent_id", pa.string()),  # "<doc_id>:<position>", position zero-padded
        ("doc_id", pa.string()),
        ("lang", pa.string()),
        ("lang_code", pa.string()),
        ("paragraph", pa.int32()),
        ("position", pa.int32()),  # index of the sentence in its document
        ("text", pa.string()),
        ("raw_start", pa.int32()),  # character offsets into documents.raw_text
        ("raw_end", pa.int32()),
        ("is_title", pa.bool_()),
        ("lang_detected", pa.string()),
        ("lang_confidence", pa.float64()),
        ("flags", pa.list_(pa.string())),  # e.g. "foreign_sentence", "foreign_span:en"
        ("foreign_spans", pa.list_(pa.struct([("start", pa.int32()), ("end", pa.int32()), ("lang", pa.string())]))),
    ]
)

METHOD = pa.struct([("diglot_version", pa.string()), ("embedder", pa.string()), ("model", pa.string())])

ALIGNMENTS = pa.schema(
    [
        ("bead_id", pa.string()),  # "<pair>:<index>"
        ("pair", pa.string()),  # "<src lang>-<tgt lang>", e.g. "it-bn"
        ("src_doc", pa.string()),
        ("tgt_doc", pa.string()),
        ("src_ids", pa.list_(pa.string())),  # sent_ids of sentences
        ("tgt_ids", pa.list_(pa.string())),
        ("src_text", pa.string()),  # sentences joined by one space
        ("tgt_text", pa.string()),
        ("bead", pa.string()),  # "<len src>-<len tgt>", e.g. "1-2"
        ("score", pa.float64()),  # cosine of the bead's two sides, in [0, 1]; 0 one-sided; not a probability
        ("confidence", pa.float64()),  # calibrated probability that the bead is exactly right, in [0, 1]
        ("monotonic", pa.bool_()),  # False: a moved sentence matched out of order
        ("method", METHOD),
    ]
)

GOLD = ALIGNMENTS


def translation_schema(languages: tuple[str, str]) -> pa.Schema:
    """A `translation-<a>-<b>` config: the HF translation convention, one struct
    field per language (sorted, as `datasets.Translation` stores them)."""
    return pa.schema(
        [
            ("bead_id", pa.string()),
            ("pair", pa.string()),
            ("translation", pa.struct([(lang, pa.string()) for lang in sorted(languages)])),
            ("score", pa.float64()),
            ("confidence", pa.float64()),
            ("src_ids", pa.list_(pa.string())),
            ("tgt_ids", pa.list_(pa.string())),
        ]
    )


SCHEMAS = {layout.DOCUMENTS: DOCUMENTS, layout.SENTENCES: SENTENCES, layout.ALIGNMENTS: ALIGNMENTS, layout.GOLD: GOLD}


def for_config(config: str) -> pa.Schema | None:
    """The schema of any config name the layout knows; None for an unknown one."""
    languages = layout.translation_languages(config)
    return translation_schema(languages) if languages else SCHEMAS.get(config)
