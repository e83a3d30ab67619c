"""A tiny synthetic it-bn corpus that exercises every feature of the view.

It follows `diglot.schema` exactly (written with those Arrow schemas), so the
view and its tests can run before or without a built corpus. It contains a
title, 1-1, 1-2, 2-1, 1-0 and 0-1 beads (two 1-0 in a row: a passage only
the Italian has), a moved (non-monotonic) bead, a
sentence flagged as foreign, foreign spans, removed debris (a repeated
headline and a comment-form footer), text that needs HTML escaping, and a
`gold` config that differs from the automatic alignment in one place.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from diglot import schema

PAIR = "it-bn"
SRC_DOC = "it-s00"
TGT_DOC = "bn-s00"
METHOD = {"diglot_version": "0.1.0", "embedder": "sample", "model": "none"}

# (text, is_title, flags, foreign_spans as (substring, lang), lang_detected)
IT = [
    ("Lettera dei dipendenti", True, [], [], "it"),
    ("I dipendenti hanno scritto una lettera all’amministratore delegato.", False, [], [], "it"),
    ("La lettera chiede di vietare l’uso del software da parte degli agenti.", False, [], [], "it"),
    ("Non è chiaro quanti l’abbiano firmata finora.", False, [], [], "it"),
    ("Una fonte ha detto: “Molte persone sono furiose”.", False, [], [], "it"),
    (
        'Il testo cita il motto <b>Ohana</b> & "family" dell’azienda.',
        False,
        ["foreign_span:en"],
        [('"family"', "en")],
        "it",
    ),
    ("This sentence was left in English by the translator.", False, ["foreign_sentence"], [], "en"),
    ("La versione bengalese omette anche questa frase.", False, [], [], "it"),
    ("L’azienda non ha risposto alla richiesta di commento.", False, [], [], "it"),
    ("Le reazioni sono state immediate.", False, [], [], "it"),
]
BN = [
    ("কর্মীদের চিঠি", True, [], [], "bn"),
    ("কর্মীরা প্রধান নির্বাহীকে একটি চিঠি লিখেছেন।", False, [], [], "bn"),
    ("চিঠিতে এজেন্টদের সফটওয়্যার ব্যবহার নিষিদ্ধ করতে বলা হয়েছে।", False, [], [], "bn"),
    ("এটি স্পষ্ট নয়।", False, [], [], "bn"),
    ("এখন পর্যন্ত কতজন স্বাক্ষর করেছেন তা জানা যায়নি।", False, [], [], "bn"),
    ("প্রতিক্রিয়া ছিল তাৎক্ষণিক।", False, [], [], "bn"),
    (
        "একটি সূত্র জানিয়েছে, অনেকে ক্ষুব্ধ এবং চিঠিতে কোম্পানির “family” মূলমন্ত্রের উল্লেখ আছে।",
        False,
        ["foreign_span:en"],
        [("family", "en")],
        "bn",
    ),
    ("আরও পড়ুন: সম্পর্কিত খবর", False, [], [], "bn"),
    ("কোম্পানি মন্তব্যের অনুরোধে সাড়া দেয়নি।", False, [], [], "bn"),
]
# debris inserted into the raw text: (insert before sentence index or None = at the end, text, reason)
BN_DEBRIS = [
    (1, "কর্মীদের চিঠি", "repeated_headline"),
    (3, "\n\n\n", "whitespace"),
    (None, "Leave a Reply\nYour email address will not be published.", "comment_form"),
]
# (src positions, tgt positions, score, confidence, monotonic)
AUTO = [
    ([0], [0], 0.95, 0.97, True),
    ([1], [1], 0.91, 0.94, True),
    ([2], [2], 0.88, 0.90, True),
    ([3], [3, 4], 0.74, 0.62, True),
    ([9], [5], 0.58, 0.41, False),  # listed in target order, as an aligner may emit it
    ([4, 5], [6], 0.66, 0.35, True),
    ([6], [], 0.0, 0.93, True),
    ([7], [], 0.0, 0.88, True),
    ([8], [8], 0.83, 0.86, True),
    ([], [7], 0.0, 0.71, True),  # listed last: the view must still show it in place
]
GOLD = [
    ([0], [0], 1.0, 1.0, True),
    ([1], [1], 1.0, 1.0, True),
    ([2], [2], 1.0, 1.0, True),
    ([3], [3, 4], 1.0, 1.0, True),
    ([4], [6], 1.0, 1.0, True),
    ([5], [], 1.0, 1.0, True),
    ([6], [], 1.0, 1.0, True),
    ([7], [], 1.0, 1.0, True),
    ([], [7], 1.0, 1.0, True),
    ([8], [8], 1.0, 1.0, True),
    ([9], [5], 1.0, 1.0, False),
]


def _sid(doc: str, pos: int) -> str:
    return f"{doc}:{pos:04d}"


def _doc(doc_id, lang, lang_code, script, title, sents, debris):
    raw_parts: list[str] = []
    offsets = []
    removed = []
    cursor = 0

    def put(text):
        nonlocal cursor
        raw_parts.append(text)
        start = cursor
        cursor += len(text)
        return start, cursor

    for i, (text, *_rest) in enumerate(sents):
        for t, reason in [(t, r) for j, t, r in debris if j == i]:
            s, e = put(t)
            removed.append({"start": s, "end": e, "reason": reason})
            put("\n\n")
        offsets.append(put(text))
        put("\n\n" if i == 0 or sents[i][1] else " ")
    for i, t, reason in debris:
        if i is None:
            put("\n\n")
            s, e = put(t)
            removed.append({"start": s, "end": e, "reason": reason})
    raw = "".join(raw_parts)
    sentences = []
    for pos, ((text, is_title, flags, spans, detected), (start, end)) in enumerate(zip(sents, offsets)):
        assert raw[start:end] == text
        foreign = []
        for sub, lang_ in spans:
            at = text.index(sub)
            foreign.append({"start": at, "end": at + len(sub), "lang": lang_})
        sentences.append(
            {
                "sent_id": _sid(doc_id, pos),
                "doc_id": doc_id,
                "lang": lang,
                "lang_code": lang_code,
                "paragraph": 0 if pos == 0 else 1,
                "position": pos,
                "text": text,
                "raw_start": start,
                "raw_end": end,
                "is_title": is_title,
                "lang_detected": detected,
                "lang_confidence": 0.97,
                "flags": list(flags),
                "foreign_spans": foreign,
            }
        )
    text = sents[0][0] + "\n\n" + " ".join(s[0] for s in sents[1:])
    document = {
        "doc_id": doc_id,
        "source_id": "sample-letter",
        "seed_file": f"{doc_id}.txt",
        "seed_sha256": "0" * 64,
        "lang": lang,
        "lang_code": lang_code,
        "script": script,
        "lang_detected": lang,
        "lang_confidence": 0.99,
        "title": title,
        "text": text,
        "raw_text": raw,
        "n_paragraphs": 2,
        "n_sentences": len(sents),
        "n_chars": len(text),
        "removed": removed,
        "provenance": "synthetic sample for diglot.view",
        "corpus_version": "0.0.0-sample",
    }
    return document, sentences


def _beads(rows, it_sents, bn_sents, prefix):
    out = []
    for index, (src, tgt, score, confidence, monotonic) in enumerate(rows):
        out.append(
            {
                "bead_id": f"{prefix}:{index}",
                "pair": PAIR,
                "src_doc": SRC_DOC,
                "tgt_doc": TGT_DOC,
                "src_ids": [_sid(SRC_DOC, p) for p in src],
                "tgt_ids": [_sid(TGT_DOC, p) for p in tgt],
                "src_text": " ".join(it_sents[p][0] for p in src),
                "tgt_text": " ".join(bn_sents[p][0] for p in tgt),
                "bead": f"{len(src)}-{len(tgt)}",
                "score": score,
                "confidence": confidence,
                "monotonic": monotonic,
                "method": METHOD,
            }
        )
    return out


def sample_tables() -> dict[str, pa.Table]:
    it_doc, it_sents = _doc(SRC_DOC, "it", "ita_Latn", "Latn", IT[0][0], IT, [])
    bn_doc, bn_sents = _doc(TGT_DOC, "bn", "ben_Beng", "Beng", BN[0][0], BN, BN_DEBRIS)
    return {
        "documents": pa.Table.from_pylist([it_doc, bn_doc], schema=schema.DOCUMENTS),
        "sentences": pa.Table.from_pylist(it_sents + bn_sents, schema=schema.SENTENCES),
        "alignments": pa.Table.from_pylist(_beads(AUTO, IT, BN, PAIR), schema=schema.ALIGNMENTS),
        "gold": pa.Table.from_pylist(_beads(GOLD, IT, BN, PAIR), schema=schema.GOLD),
    }


def write_sample_corpus(root, configs=("documents", "sentences", "alignments", "gold")) -> Path:
    """Write the sample corpus as `<root>/<config>/train-00000-of-00001.parquet`, with its SHA256SUMS."""
    from diglot.integrity import write_manifest

    root = Path(root)
    tables = sample_tables()
    for config in configs:
        (root / config).mkdir(parents=True, exist_ok=True)
        pq.write_table(tables[config], root / config / "train-00000-of-00001.parquet")
    write_manifest(root)
    return root
