"""Row-level invariants across configs, as polars joins.

No nulls where a value is required; ids unique and resolvable across
configs; offsets inside raw_text and normalising to the sentence text; each
sentence in exactly one bead per aligned document pair; derived columns
(n_sentences, bead, src_text, the translation configs) equal to what they
derive from; every two-sided bead has its row in its pair's translation config.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Callable

import polars as pl

from diglot import layout
from diglot.integrity.card import CARD
from diglot.integrity.report import FILE, ROW, Report, Table

# Columns that may hold nulls: nothing detected, or no score or confidence for a hand-made bead.
NULLABLE = {layout.DOCUMENTS: {"lang_detected"}, layout.SENTENCES: {"lang_detected"},
            layout.GOLD: {"score", "confidence"}}
_MAX_NULL_REPORTS = 5
Normalizer = Callable[[str, str], str]


def check_invariants(tables: dict[str, Table], report: Report, normalize_span: Normalizer | None) -> None:
    # A config that is missing or failed its schema check has its problem
    # reported already; references into it are not checked (they would all fail).
    usable = {name: table for name, table in tables.items() if table.usable}
    for table in usable.values():
        _check_nulls(table, report)
    docs, sents = usable.get(layout.DOCUMENTS), usable.get(layout.SENTENCES)
    for table in usable.values():
        _unique(table, _id_column(table.name), report)
    if docs:
        _check_documents(docs, report)
    if sents and docs:
        _check_sentences(sents, docs, report, normalize_span)
    for name in layout.BEAD_CONFIGS:
        if name in usable and docs and sents:
            _check_beads(usable[name], docs, sents, report)
    translations = {name: t for name, t in usable.items() if layout.translation_languages(name)}
    alignments = usable.get(layout.ALIGNMENTS)
    if alignments and docs:
        _check_translations(translations, alignments, docs, report)


def _id_column(config: str) -> str:
    return {layout.DOCUMENTS: "doc_id", layout.SENTENCES: "sent_id"}.get(config, "bead_id")


def _unique(table: Table, column: str, report: Report) -> None:
    frame = table.frame
    report.rows(frame.filter(pl.col(column).is_null() | (pl.col(column) == "")), f"{column} is empty")
    first = frame.filter(pl.col(column).is_not_null()).group_by(column).agg(
        pl.col(FILE).first().alias("first_file"), pl.col(ROW).first().alias("first_row"))
    repeated = frame.filter(pl.col(column).is_duplicated() & ~pl.col(column).is_first_distinct())
    report.rows(repeated.join(first, on=column).sort(FILE, ROW),
                lambda r: f"duplicate {column} {r[column]!r} (first at {r['first_file']} row {r['first_row']})")


def _check_nulls(table: Table, report: Report) -> None:
    allowed = NULLABLE.get(table.name, set())
    for column in table.schema.names:
        if column in allowed:
            continue
        nulls = table.frame.filter(pl.col(column).is_null())
        report.rows(nulls.head(_MAX_NULL_REPORTS), f"{column} is null")
        if nulls.height > _MAX_NULL_REPORTS:
            report.add(table.files[0], f"{column} is null in {nulls.height - _MAX_NULL_REPORTS} more rows", "invariant")


def _check_documents(docs: Table, report: Report) -> None:
    frame = docs.frame
    digests = pl.Series([None if raw is None else hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
                         for raw in frame["raw_text"]], dtype=pl.String)
    frame = frame.with_columns(digests.alias("digest"), pl.col("raw_text").str.len_chars().alias("raw_len"))
    report.rows(frame.filter(pl.col("raw_text").is_null()), "raw_text is empty")
    report.rows(frame.filter(pl.col("raw_text").is_not_null() & pl.col("seed_sha256").ne_missing(pl.col("digest"))),
                lambda r: f"seed_sha256 {r['seed_sha256']} is not the SHA-256 of raw_text ({r['digest']})")
    report.rows(frame.filter(pl.col("lang").is_null() | (pl.col("lang") == "")), "lang is empty")
    report.rows(frame.filter(pl.col("text").is_not_null() & pl.col("n_chars").ne_missing(pl.col("text").str.len_chars())),
                lambda r: f"n_chars is {r['n_chars']}, text has {len(r['text'])} characters")
    removed = frame.filter(pl.col("raw_text").is_not_null() & (pl.col("removed").list.len() > 0)) \
        .select(FILE, ROW, "raw_len", "removed").explode("removed").with_columns(
            pl.col("removed").struct.field("start").alias("start"), pl.col("removed").struct.field("end").alias("end"))
    inside = (pl.col("start") >= 0) & (pl.col("start") <= pl.col("end")) & (pl.col("end") <= pl.col("raw_len"))
    report.rows(removed.filter(~inside.fill_null(False)),
                lambda r: f"removed span [{r['start']}, {r['end']}) is outside raw_text (length {r['raw_len']})")


def _with_lang(function: Callable[..., str]) -> Normalizer:
    """Accept normalisers taking `(text)` or `(text, lang)`."""
    try:
        params = [p for p in inspect.signature(function).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    except (TypeError, ValueError):
        return function
    if len(params) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params):
        return function
    return lambda text, lang: function(text)


def _default_normalizer() -> Normalizer | None:
    try:
        from diglot.normalize import normalize_span
    except ImportError:
        return None
    return _with_lang(normalize_span)


def _check_sentences(sents: Table, docs: Table, report: Report, normalize_span: Normalizer | None) -> None:
    normalize_span = _with_lang(normalize_span) if normalize_span is not None else _default_normalizer()
    if normalize_span is None:
        report.add(sents.files[0], "cannot check that offsets normalise to the text: "
                   "diglot.normalize.normalize_span is not importable", "invariant")
    doc_cols = docs.frame.unique("doc_id", keep="first").select(
        "doc_id", pl.col("lang").alias("doc_lang"), pl.col("lang_code").alias("doc_lang_code"), "n_paragraphs",
        "raw_text", pl.lit(True).alias("resolved"))
    frame = sents.frame.join(doc_cols, on="doc_id", how="left").with_columns(
        pl.format("{}:{}", "doc_id", pl.col("position").cast(pl.String).str.zfill(4)).alias("expected_id"),
        pl.col("raw_text").str.len_chars().alias("raw_len"))
    report.rows(frame.filter(pl.col("sent_id").ne_missing(pl.col("expected_id"))),
                lambda r: f"sent_id {r['sent_id']!r} is not '<doc_id>:<position>' ({r['expected_id']!r})")
    report.rows(frame.filter(pl.col("resolved").is_null()),
                lambda r: f"doc_id {r['doc_id']!r} does not resolve to a row of documents")
    frame = frame.filter(pl.col("resolved"))
    inside = (pl.col("paragraph") >= 0) & (pl.col("paragraph") < pl.col("n_paragraphs"))
    report.rows(frame.filter(~inside.fill_null(False)),
                lambda r: f"paragraph {r['paragraph']} is outside 0..{r['n_paragraphs']}-1 of {r['doc_id']}")
    for column in ("lang", "lang_code"):
        report.rows(frame.filter(pl.col(column).ne_missing(pl.col(f"doc_{column}"))),
                    lambda r, c=column: f"{c} {r[c]!r} differs from its document's {r[f'doc_{c}']!r}")
    spans = frame.filter(pl.col("foreign_spans").list.len() > 0) \
        .select(FILE, ROW, "foreign_spans", pl.col("text").str.len_chars().fill_null(0).alias("n")).explode("foreign_spans")
    spans = spans.with_columns(pl.col("foreign_spans").struct.field("start").alias("start"),
                               pl.col("foreign_spans").struct.field("end").alias("end"))
    span_inside = (pl.col("start") >= 0) & (pl.col("start") < pl.col("end")) & (pl.col("end") <= pl.col("n"))
    report.rows(spans.filter(~span_inside.fill_null(False)),
                lambda r: f"foreign span {r['foreign_spans']} is not inside the sentence text (length {r['n']})")
    offsets_ok = ((pl.col("raw_start") >= 0) & (pl.col("raw_start") <= pl.col("raw_end"))
                  & (pl.col("raw_end") <= pl.col("raw_len"))).fill_null(False)
    report.rows(frame.filter(~offsets_ok), lambda r: f"offsets [{r['raw_start']}, {r['raw_end']}) are outside "
                                                     f"raw_text of {r['doc_id']} (length {r['raw_len'] or 0})")
    if normalize_span is not None:
        # the normaliser is Python: one call per sentence is the check itself
        for r in frame.filter(offsets_ok).select(FILE, ROW, "raw_text", "raw_start", "raw_end", "lang", "text").to_dicts():
            try:
                normalised = normalize_span(r["raw_text"][r["raw_start"]:r["raw_end"]], r["lang"])
            except Exception as err:
                report.add(r[FILE], f"normalising raw_text[{r['raw_start']}:{r['raw_end']}] failed: {err!r}",
                           "invariant", row=r[ROW])
                continue
            if normalised != r["text"]:
                report.add(r[FILE], f"raw_text[{r['raw_start']}:{r['raw_end']}] normalises to {normalised!r}, "
                                    f"not to text {r['text']!r}", "invariant", row=r[ROW])
    per_doc = frame.group_by("doc_id", maintain_order=True).agg(
        pl.col(FILE).first(), pl.col(ROW).first(), pl.len().alias("n"), pl.col("position").sort().alias("positions"),
        (pl.col("position").sort() == pl.int_range(pl.len())).all().alias("contiguous"))
    report.rows(per_doc.filter(~pl.col("contiguous").fill_null(False)),
                lambda r: f"positions of {r['doc_id']} are not 0..{r['n'] - 1} (got {r['n']} sentences, "
                          f"positions {r['positions'][:3]}...{r['positions'][-3:]})")
    counts = docs.frame.join(per_doc.select("doc_id", "n"), on="doc_id", how="left") \
        .with_columns(pl.col("n").fill_null(0))
    report.rows(counts.filter(pl.col("n_sentences").is_not_null() & (pl.col("n_sentences") != pl.col("n"))),
                lambda r: (f"n_sentences is {r['n_sentences']}, sentences has {r['n']} rows for {r['doc_id']}"
                           if r["n"] else f"n_sentences is {r['n_sentences']}, sentences has no row for {r['doc_id']}"))


def _check_beads(beads: Table, docs: Table, sents: Table, report: Report) -> None:
    name = beads.name
    lang_of = docs.frame.unique("doc_id", keep="first").select("doc_id", "lang")
    frame = beads.frame.join(lang_of.rename({"doc_id": "src_doc", "lang": "src_lang"}), on="src_doc", how="left") \
        .join(lang_of.rename({"doc_id": "tgt_doc", "lang": "tgt_lang"}), on="tgt_doc", how="left")
    for side in ("src_doc", "tgt_doc"):
        lang = f"{side[:3]}_lang"
        report.rows(frame.filter(pl.col(lang).is_null()),
                    lambda r, s=side: f"{s} {r[s]!r} does not resolve to a row of documents")
    frame = frame.filter(pl.col("src_lang").is_not_null() & pl.col("tgt_lang").is_not_null()).with_columns(
        pl.format("{}-{}", "src_lang", "tgt_lang").alias("expected_pair"),
        pl.format("{}-{}", pl.col("src_ids").list.len().fill_null(0), pl.col("tgt_ids").list.len().fill_null(0))
        .alias("expected_bead"))
    report.rows(frame.filter(pl.col("pair").ne_missing(pl.col("expected_pair"))),
                lambda r: f"pair {r['pair']!r} is not '<src lang>-<tgt lang>' of its documents ({r['expected_pair']!r})")
    report.rows(frame.filter(~pl.col("bead_id").fill_null("").str.starts_with(pl.col("pair").fill_null("") + ":")),
                lambda r: f"bead_id {r['bead_id']!r} does not start with its pair {r['pair']!r}")
    report.rows(frame.filter((pl.col("expected_bead") == "0-0")), "bead has no sentence on either side")
    report.rows(frame.filter(pl.col("bead").ne_missing(pl.col("expected_bead"))),
                lambda r: f"bead {r['bead']!r} does not match {len(r['src_ids'] or [])} src and "
                          f"{len(r['tgt_ids'] or [])} tgt ids")
    for column in ("score", "confidence"):  # one-sided beads included
        report.rows(frame.filter(~pl.col(column).is_between(0.0, 1.0).fill_null(True)),
                    lambda r, c=column: f"{c} {r[c]} is outside [0, 1]")

    sentence = sents.frame.unique("sent_id", keep="first").select("sent_id", pl.col("doc_id").alias("sent_doc"),
                                                                  pl.col("text").alias("sent_text"))
    members = []
    for side in ("src", "tgt"):
        ids = frame.select(FILE, ROW, "bead_id", "src_doc", "tgt_doc", pl.col(f"{side}_doc").alias("doc"),
                           pl.col(f"{side}_text").alias("bead_text"), pl.col(f"{side}_ids").alias("sent_id")) \
            .with_columns(pl.lit(side).alias("side")).explode("sent_id").filter(pl.col("sent_id").is_not_null())
        members.append(ids.join(sentence, on="sent_id", how="left"))
    members = pl.concat(members)
    report.rows(members.filter(pl.col("sent_doc").is_null()),
                lambda r: f"{r['side']}_ids: {r['sent_id']!r} does not resolve to a row of sentences")
    report.rows(members.filter(pl.col("sent_doc").is_not_null() & (pl.col("sent_doc") != pl.col("doc"))),
                lambda r: f"{r['side']}_ids: {r['sent_id']!r} belongs to {r['sent_doc']}, not {r['side']}_doc {r['doc']}")
    joined = members.group_by(FILE, ROW, "side", maintain_order=True).agg(
        pl.col("bead_text").first(), pl.col("sent_text").str.join(" ").alias("joined"),
        pl.col("sent_text").is_null().any().alias("unresolved"))
    report.rows(joined.filter(~pl.col("unresolved") & pl.col("bead_text").fill_null("").ne(pl.col("joined"))),
                lambda r: f"{r['side']}_text is not its sentences' text joined by one space")
    for side in ("src", "tgt"):  # no sentence on this side: no text either
        empty = frame.filter((pl.col(f"{side}_ids").list.len().fill_null(0) == 0)
                             & (pl.col(f"{side}_text").fill_null("") != ""))
        report.rows(empty, f"{side}_text is not its sentences' text joined by one space")

    # each sentence of both documents of a pair is in exactly one bead
    placed = members.filter(pl.col("sent_doc").is_not_null()).group_by("src_doc", "tgt_doc", "side", "sent_id") \
        .agg(pl.len().alias("n"), pl.col(FILE).get(1, null_on_oob=True).alias("second_file"),
             pl.col(ROW).get(1, null_on_oob=True).alias("second_row"), pl.col(ROW).alias("rows")).sort("sent_id")
    twice = placed.filter(pl.col("n") > 1)
    for r in twice.to_dicts():
        where = ", ".join(f"row {row}" for row in r["rows"])
        report.add(r["second_file"], f"sentence {r['sent_id']} is in {r['n']} beads of {name} ({where})", "invariant",
                   row=r["second_row"])
    doc_pairs = frame.select("src_doc", "tgt_doc").unique(maintain_order=True)
    expected = pl.concat([
        doc_pairs.with_columns(pl.lit(side).alias("side"), pl.col(f"{side}_doc").alias("sent_doc"))
        for side in ("src", "tgt")]).join(sents.frame.select(FILE, ROW, "sent_id", pl.col("doc_id").alias("sent_doc")),
                                          on="sent_doc")
    missing = expected.join(placed, on=["src_doc", "tgt_doc", "side", "sent_id"], how="anti").sort("sent_id")
    report.rows(missing, lambda r: f"sentence {r['sent_id']} is in no bead of {name} for {r['src_doc']} -> {r['tgt_doc']}")


# columns a translation-<a>-<b> row copies from its alignments bead
_SHARED_WITH_ALIGNMENTS = ("pair", "score", "confidence", "src_ids", "tgt_ids")


def _check_translations(translations: dict[str, Table], alignments: Table, docs: Table, report: Report) -> None:
    """Each translation-<a>-<b> config holds exactly the two-sided a/b beads of
    alignments, with the same ids, pair, score and confidence, and their text under each language."""
    document_langs = docs.frame["lang"].to_list()
    lang_of = docs.frame.unique("doc_id", keep="first").select("doc_id", "lang")
    beads = alignments.frame.join(lang_of.rename({"doc_id": "src_doc", "lang": "src_lang"}), on="src_doc") \
        .join(lang_of.rename({"doc_id": "tgt_doc", "lang": "tgt_lang"}), on="tgt_doc")
    beads = beads.with_columns(pl.struct("src_lang", "tgt_lang").map_elements(
        lambda langs: layout.translation_config(layout.pair_in_order((langs["src_lang"], langs["tgt_lang"]),
                                                                     document_langs)),
        return_dtype=pl.String).alias("config"))
    for name, table in translations.items():
        languages = layout.translation_languages(name)
        if layout.pair_in_order(languages, document_langs) != languages:
            report.add(CARD, f"config {name!r} names its languages out of order: the documents list "
                             f"{' before '.join(layout.pair_in_order(languages, document_langs))}", "card")
        bead_cols = beads.select("bead_id", "config", "src_lang", "tgt_lang", "src_text", "tgt_text",
                                 *[pl.col(c).alias(f"bead_{c}") for c in _SHARED_WITH_ALIGNMENTS],
                                 pl.lit(True).alias("resolved"))
        frame = table.frame.join(bead_cols, on="bead_id", how="left")
        report.rows(frame.filter(pl.col("resolved").is_null()),
                    lambda r: f"bead_id {r['bead_id']!r} does not resolve to a row of alignments")
        frame = frame.filter(pl.col("resolved"))
        report.rows(frame.filter(pl.col("config") != name),
                    lambda r, n=name: f"bead {r['bead_id']} is {r['src_lang']}-{r['tgt_lang']}, not a bead of {n}")
        for column in _SHARED_WITH_ALIGNMENTS:
            report.rows(frame.filter(pl.col(column).ne_missing(pl.col(f"bead_{column}"))),
                        lambda r, c=column: f"{c} differs from alignments bead {r['bead_id']}")
        for lang in languages:
            value = pl.col("translation").struct.field(lang)
            for side in ("src", "tgt"):
                wrong = (pl.col(f"{side}_lang") == lang) & value.ne_missing(pl.col(f"{side}_text"))
                report.rows(frame.filter(wrong), lambda r, la=lang, s=side: f"translation[{la!r}] differs from "
                                                                            f"alignments {s}_text of bead {r['bead_id']}")
            report.rows(frame.filter(value.is_null()), lambda r, la=lang: f"translation[{la!r}] is null")
    two_sided = beads.filter((pl.col("src_ids").list.len() > 0) & (pl.col("tgt_ids").list.len() > 0))
    present = pl.concat([t.frame.select("bead_id", pl.lit(n).alias("config")) for n, t in translations.items()]) \
        if translations else pl.DataFrame(schema={"bead_id": pl.String, "config": pl.String})
    report.rows(two_sided.join(present, on=["bead_id", "config"], how="anti"),
                lambda r: f"bead {r['bead_id']} has sentences on both sides but no row in {r['config']}")
