"""Render the aligned corpus as one self-contained, side-by-side HTML page.

One table per document pair, one row per bead, rows in the order of the
source document. Moved (non-monotonic) beads sit at their source position,
are marked, and link to a placeholder at the target sentence's own position
(and back). A run of one-sided beads on the same side is one passage "only in
<language>", set apart from the pairs. Each bead shows its score (the cosine
of its two sides) and its confidence (the probability that it is exactly
right); both can be filtered on. Where a `gold` config exists, beads the
automatic alignment does not share with gold are highlighted and the gold
beads it misses are listed.
"""

from __future__ import annotations

import html
import os
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate, groupby
from pathlib import Path

from diglot.errors import DiglotError
from diglot.view.assets import CSS, JS, RTL_SCRIPTS, font_css

_LANG_NAMES = {
    "it": "Italian", "bn": "Bengali", "en": "English", "fr": "French", "de": "German", "es": "Spanish",
    "pt": "Portuguese", "hi": "Hindi", "ar": "Arabic", "he": "Hebrew", "zh": "Chinese", "ja": "Japanese",
    "ru": "Russian", "ur": "Urdu", "fa": "Persian", "ta": "Tamil", "te": "Telugu", "mr": "Marathi",
}  # fmt: skip


def esc(value) -> str:
    """HTML-escape any value for text or a double-quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def _load(config: str, root: Path, *, required: bool):
    from diglot.load import load

    if not any((root / config).glob("*.parquet")):
        if required:
            raise DiglotError(f"{root}: no {config!r} config (no {config}/*.parquet); build the corpus first")
        return None
    try:
        return load(config, backend="polars", path=root).to_dicts()
    except DiglotError:  # a failed check keeps its own message and exit code
        raise
    except Exception as err:  # unreadable Parquet and the like
        raise DiglotError(f"{root / config}: cannot read: {err}") from err


def _position(sent_id: str, sentences: dict) -> int:
    sent = sentences.get(sent_id)
    if sent is not None:
        return int(sent["position"])
    tail = sent_id.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _bead_index(bead_id: str, fallback: int) -> tuple[int, int]:
    tail = str(bead_id).rsplit(":", 1)[-1]
    return (int(tail), fallback) if tail.isdigit() else (fallback, fallback)


@dataclass
class _Row:
    bead: dict
    src_pos: list[int]
    tgt_pos: list[int]
    number: int = 0
    gold: str = "none"  # "same", "diff" or "none" (no gold covers this bead)
    gold_note: str = ""
    ghosts: list = field(default_factory=list)  # moved rows whose target belongs before this row's target


def _order(beads: list[dict], sentences: dict) -> list[_Row]:
    """Rows in source-document order; beads without source sentences go right
    after the in-order bead whose target precedes theirs."""
    rows = [
        _Row(b, sorted(_position(s, sentences) for s in b["src_ids"]), sorted(_position(t, sentences) for t in b["tgt_ids"]))
        for b in sorted(beads, key=lambda b: _bead_index(b["bead_id"], 0))
    ]
    anchors = sorted(
        (r for r in rows if r.src_pos and r.tgt_pos and r.bead["monotonic"] is not False), key=lambda r: r.tgt_pos[-1]
    )
    ends = [a.tgt_pos[-1] for a in anchors]
    src_max = list(accumulate((a.src_pos[-1] for a in anchors), max))  # over anchors ending before

    def key(row: _Row):
        if row.src_pos:
            return (row.src_pos[0], 0, row.tgt_pos[0] if row.tgt_pos else -1)
        k = bisect_left(ends, row.tgt_pos[0])  # anchors[:k] end before this target
        return (src_max[k - 1] if k else -1, 1, row.tgt_pos[0])

    rows.sort(key=key)
    for number, row in enumerate(rows, 1):
        row.number = number
    return rows


def _place_ghosts(rows: list[_Row]) -> dict[str, _Row]:
    """For each moved bead, the row in whose target cell its target sentence
    would sit in target order (the placeholder goes after that row's text)."""
    in_order = sorted((r for r in rows if r.tgt_pos and r.bead["monotonic"] is not False), key=lambda r: r.tgt_pos[-1])
    ends = [r.tgt_pos[-1] for r in in_order]
    host_of = {}
    for row in rows:
        if row.bead["monotonic"] is not False or not row.tgt_pos or not in_order:
            continue
        k = bisect_left(ends, row.tgt_pos[0])
        if k == 0:  # belongs before everything: attach in front of the first target
            host = in_order[0]
            host.ghosts.append(("before", row))
        else:
            host = in_order[k - 1]
            host.ghosts.append(("after", row))
        host_of[row.bead["bead_id"]] = host
    return host_of


def _key(bead: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (tuple(bead["src_ids"]), tuple(bead["tgt_ids"]))


def _compare_gold(rows: list[_Row], gold: list[dict]) -> list[dict]:
    """Mark rows same/diff against gold; return the gold beads missing from auto.

    Only sentences that some gold bead covers are judged: an automatic bead
    none of whose sentences appears in gold stays "none"."""
    gold_keys = {_key(g) for g in gold}
    covered: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        for sid in list(g["src_ids"]) + list(g["tgt_ids"]):
            covered[sid].append(g)
    for row in rows:
        sids = list(row.bead["src_ids"]) + list(row.bead["tgt_ids"])
        if _key(row.bead) in gold_keys:
            row.gold = "same"
        elif any(s in covered for s in sids):
            row.gold = "diff"
            seen, notes = set(), []
            for s in sids:
                for g in covered.get(s, []):
                    if g["bead_id"] not in seen:
                        seen.add(g["bead_id"])
                        notes.append(f"{g['bead']}: [{', '.join(g['src_ids'])}] ↔ [{', '.join(g['tgt_ids'])}]")
            row.gold_note = "gold has " + "; ".join(notes)
    auto_keys = {_key(r.bead) for r in rows}
    return [g for g in gold if _key(g) not in auto_keys]


def _is_whitespace(span: dict, raw: str) -> bool:
    return span.get("reason") == "whitespace" or not raw[span["start"] : span["end"]].strip()


class _Doc:
    def __init__(self, doc: dict | None, doc_id: str, sentences: dict, fallback_lang: str):
        self.doc = doc or {}
        self.doc_id = doc_id
        self.lang = self.doc.get("lang") or fallback_lang
        self.script = self.doc.get("script") or ""
        self.dir = "rtl" if self.script in RTL_SCRIPTS else "ltr"
        self.sentences = sorted((s for s in sentences.values() if s["doc_id"] == doc_id), key=lambda s: s["position"])
        # removed debris placed before the first sentence that starts after it
        self.debris_before: dict[str, list[dict]] = defaultdict(list)
        self.debris_after: list[dict] = []
        raw = self.doc.get("raw_text") or ""
        self.removed = sorted(self.doc.get("removed") or [], key=lambda r: r["start"])
        # whitespace runs are only counted; real debris is shown in place
        self.whitespace = [r for r in self.removed if _is_whitespace(r, raw)]
        self.debris = [r for r in self.removed if not _is_whitespace(r, raw)]
        for span in self.debris:
            nxt = next((s for s in self.sentences if s["raw_start"] is not None and s["raw_start"] >= span["end"]), None)
            if nxt is None:
                self.debris_after.append(span)
            else:
                self.debris_before[nxt["sent_id"]].append(span)

    def attrs(self) -> str:
        return f'lang="{esc(self.lang)}" dir="{self.dir}" data-script="{esc(self.script)}"'

    def name(self) -> str:
        return _LANG_NAMES.get(self.lang, self.lang)

    def label(self) -> str:
        return f"{self.doc_id} ({self.name()})"

    def th_html(self) -> str:
        title = self.doc.get("title") or ""
        shown = f'<span class="doc-title" {self.attrs()} title="{esc(title)}">{esc(title)}</span>' if title else ""
        return f'<th lang="en" dir="ltr">{esc(self.label())}{shown}</th>'

    def debris_html(self, span: dict) -> str:
        raw = self.doc.get("raw_text") or ""
        text = raw[span["start"] : span["end"]]
        reason = span.get("reason") or "removed"
        tip = f"removed as debris ({reason}), raw chars {span['start']}–{span['end']}:\n{text}"
        return (
            f'<span class="debris" lang="en" dir="ltr" title="{esc(tip)}" data-reason="{esc(reason)}">'
            f"✂ removed: {esc(reason.replace('_', ' '))}</span>"
        )


def _sentence_html(sent_id: str, sent: dict | None, fallback_text: str, partners: list[str], side: str) -> str:
    if sent is None:
        return f'<span class="sent missing" id="s-{esc(sent_id)}" title="{esc(sent_id)} (not in sentences)">{esc(fallback_text)}</span>'
    text = sent["text"] or ""
    flags = list(sent.get("flags") or [])
    classes = ["sent"]
    extra = ""
    tip = [sent_id]
    if sent.get("is_title"):
        classes.append("title")
    if "foreign_sentence" in flags:
        classes.append("foreign-sentence")
        if sent.get("lang_detected"):
            extra += f' lang="{esc(sent["lang_detected"])}"'
    if flags:
        tip.append("flags: " + ", ".join(flags))
    if sent.get("lang_detected") and (flags or sent.get("lang_detected") != sent.get("lang")):
        conf = sent.get("lang_confidence")
        tip.append(f"detected: {sent['lang_detected']}" + (f" ({conf:.2f})" if conf is not None else ""))
    # foreign spans: non-overlapping, in order, within the text
    body, at = [], 0
    for span in sorted(sent.get("foreign_spans") or [], key=lambda s: (s["start"], s["end"])):
        start, end = max(int(span["start"]), at), min(int(span["end"]), len(text))
        if start >= end:
            continue
        body.append(esc(text[at:start]))
        body.append(
            f'<span class="foreign" lang="{esc(span["lang"])}" title="foreign span: {esc(span["lang"])}">'
            f"{esc(text[start:end])}</span>"
        )
        at = end
    body.append(esc(text[at:]))
    links = "".join(
        f' <a class="partner" href="#s-{esc(p)}" title="partner: {esc(p)}">{"→" if side == "src" else "←"}</a>'
        for p in partners
    )
    return (
        f'<span class="{" ".join(classes)}" id="s-{esc(sent_id)}" data-sent-id="{esc(sent_id)}"'
        f'{extra} title="{esc(chr(10).join(tip))}">{"".join(body)}{links}</span>'
    )


def _cell_html(row: _Row, side: str, doc: _Doc, sentences: dict, last_sent: str | None, host_of: dict) -> str:
    bead = row.bead
    ids = list(bead[f"{side}_ids"])
    other = list(bead["tgt_ids" if side == "src" else "src_ids"])
    moved = bead["monotonic"] is False
    parts = []
    if side == "tgt":
        parts += [_ghost_html(r) for where, r in row.ghosts if where == "before"]
    fallback = bead[f"{side}_text"] or ""
    for sid in ids:
        parts += [doc.debris_html(d) for d in doc.debris_before.get(sid, [])]
        parts.append(_sentence_html(sid, sentences.get(sid), fallback if len(ids) == 1 else "", other if moved else [], side))
    if last_sent is not None and last_sent in ids:
        parts += [doc.debris_html(d) for d in doc.debris_after]
    if side == "tgt":
        if moved and bead["bead_id"] in host_of:
            parts.append(
                f'<a class="partner to-ghost" href="#ghost-{esc(bead["bead_id"])}" lang="en" dir="ltr">'
                f"↕ original place in {esc(doc.doc_id)} (near row {host_of[bead['bead_id']].number})</a>"
            )
        parts += [_ghost_html(r) for where, r in row.ghosts if where == "after"]
    return f'<td class="{side}" {doc.attrs()}>{" ".join(parts)}</td>'


def _ghost_html(moved: _Row) -> str:
    bid = moved.bead["bead_id"]
    ids = ", ".join(moved.bead["tgt_ids"])
    return (
        f'<a class="ghost" id="ghost-{esc(bid)}" href="#row-{esc(bid)}" lang="en" dir="ltr" '
        f'title="{esc(f"{ids} is aligned out of order in row {moved.number}")}">'
        f"↪ moved: {esc(ids)} → row {moved.number}</a>"
    )


def _score_colour(score: float) -> str:
    return f"hsl({max(0.0, min(1.0, score)) * 120:.0f}, 65%, 45%)"


def _one_side(row: _Row) -> str | None:
    """The side of a one-sided bead ("src" or "tgt"); None for a pair."""
    if row.src_pos and row.tgt_pos:
        return None
    return "src" if row.src_pos else "tgt"


def _passages(rows: list[_Row]) -> list[tuple[str | None, list[_Row]]]:
    """Rows in runs: each run of one-sided beads on the same side, over consecutive
    sentences, is one passage (side, rows); each pair stands alone (None, [row])."""
    runs: list[tuple[str | None, list[_Row]]] = []
    for row in rows:
        side = _one_side(row)
        if side and runs and runs[-1][0] == side:
            last = runs[-1][1][-1]
            if getattr(row, f"{side}_pos")[0] == getattr(last, f"{side}_pos")[-1] + 1:
                runs[-1][1].append(row)
                continue
        runs.append((side, [row]))
    return runs


def _passage_head_html(side: str, rows: list[_Row], src: _Doc, tgt: _Doc) -> str:
    has, lacks = (src, tgt) if side == "src" else (tgt, src)
    n = sum(len(r.bead[f"{side}_ids"]) for r in rows)
    return (
        f'<tr class="passage-head" data-side="{side}"><td class="num"></td>'
        f'<td colspan="3" lang="en" dir="ltr">only in {esc(has.name())} · {n} sentence{"s" if n != 1 else ""} '
        f"with no counterpart in {esc(lacks.name())}</td></tr>"
    )


def _row_html(row: _Row, src: _Doc, tgt: _Doc, sentences, last_src, last_tgt, host_of) -> str:
    bead = row.bead
    moved = bead["monotonic"] is False
    score = float(bead["score"]) if bead["score"] is not None else 0.0
    confidence = float(bead["confidence"]) if bead.get("confidence") is not None else 0.0
    one_side = _one_side(row)
    classes = ["bead"]
    if moved:
        classes.append("moved")
    if row.gold == "diff":
        classes.append("gold-diff")
    if one_side:
        classes.append("one-sided")
    badges = ""
    if moved:
        badges += '<span class="badge moved" title="matched out of order (monotonic = false)">moved</span> '
    if row.gold == "diff":
        badges += f'<span class="badge diff" title="{esc(row.gold_note)}">≠ gold</span>'
    # a one-sided bead has no cosine to show: its confidence says how sure the gap is
    sure_of = "this sentence has no counterpart" if one_side else "this bead is exactly right"
    meta = (
        f'<span class="bead-type" title="bead type: {esc(bead["bead"])}">{esc(bead["bead"])}</span>'
        + ("" if one_side else
           f'<span class="score" title="score: cosine of the two sides (not a probability)">{score:.2f}</span>'
           f'<span class="scorebar"><span style="width:{score * 100:.0f}%;background:{_score_colour(score)}"></span></span>')
        + f'<span class="confidence" title="confidence: probability that {sure_of}">'
        f'<span style="color:{_score_colour(confidence)}">●</span> {confidence:.2f}</span>'
        f"{badges}"
    )
    return (
        f'<tr class="{" ".join(classes)}" id="row-{esc(bead["bead_id"])}" data-bead-id="{esc(bead["bead_id"])}" '
        f'data-bead="{esc(bead["bead"])}" data-score="{score!r}" data-confidence="{confidence!r}" '
        f'data-moved="{1 if moved else 0}" data-gold="{row.gold}">'
        f'<td class="num"><a href="#row-{esc(bead["bead_id"])}" title="{esc(bead["bead_id"])}">{row.number}</a></td>'
        f"{_cell_html(row, 'src', src, sentences, last_src, host_of)}"
        f'<td class="meta">{meta}</td>'
        f"{_cell_html(row, 'tgt', tgt, sentences, last_tgt, host_of)}"
        "</tr>"
    )


def _tbodies_html(rows: list[_Row], src: _Doc, tgt: _Doc, sentences, last_src, last_tgt, host_of) -> str:
    """Consecutive pairs in one <tbody>; each one-sided passage in its own, under its heading."""
    def html(run: list[_Row]) -> str:
        return "".join(_row_html(r, src, tgt, sentences, last_src, last_tgt, host_of) for r in run)

    out = []
    for are_pairs, group in groupby(_passages(rows), key=lambda passage: passage[0] is None):
        if are_pairs:
            out.append(f"<tbody>{''.join(html(run) for _, run in group)}</tbody>")
        else:
            out += [f'<tbody class="passage" data-side="{side}">{_passage_head_html(side, run, src, tgt)}{html(run)}</tbody>'
                    for side, run in group]
    return "".join(out)


def _docinfo_html(doc: _Doc) -> str:
    items = "".join(f"<li>{doc.debris_html(r)}</li>" for r in doc.debris)
    flagged = sum(1 for s in doc.sentences if s.get("flags"))
    title = doc.doc.get("title")
    return (
        f"<li><b>{esc(doc.label())}</b>"
        + (f": “<span {doc.attrs()}>{esc(title)}</span>”" if title else "")
        + f", {len(doc.sentences)} sentences, {flagged} with language flags, "
        f"{len(doc.debris)} debris span(s) removed (shown in place), {len(doc.whitespace)} whitespace run(s) removed"
        + (f"<ul>{items}</ul>" if items else "")
        + "</li>"
    )


def _gold_missing_html(missing: list[dict], src: _Doc, tgt: _Doc) -> str:
    if not missing:
        return ""
    rows = "".join(
        f'<tr class="gold-only" data-bead="{esc(g["bead"])}"><td>{esc(g["bead"])}</td>'
        f'<td {src.attrs()}>{esc(g["src_text"]) or "<span class=none lang=en>∅</span>"}</td>'
        f'<td {tgt.attrs()}>{esc(g["tgt_text"]) or "<span class=none lang=en>∅</span>"}</td></tr>'
        for g in missing
    )
    return (
        f'<details class="gold-missing" open><summary>{len(missing)} gold bead(s) not in the automatic alignment</summary>'
        f'<table class="gold-missing"><colgroup><col style="width:4rem"><col><col></colgroup>'
        f"<thead><tr><th>bead</th><th>{esc(src.label())}</th><th>{esc(tgt.label())}</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></details>"
    )


def render_html(corpus_path: str | os.PathLike | None = None, pair: str | None = None) -> str:
    """Return the side-by-side view of one language pair of the corpus as HTML.

    `corpus_path` defaults to `diglot.load.corpus_dir()`; `pair` (e.g. "it-bn")
    defaults to the only pair of the alignments, or the first one sorted."""
    from diglot.load import corpus_dir

    root = Path(corpus_path) if corpus_path is not None else corpus_dir()
    if not root.is_dir():
        raise DiglotError(f"{root}: no such corpus directory")
    alignments = _load("alignments", root, required=True)
    documents = {d["doc_id"]: d for d in (_load("documents", root, required=False) or [])}
    sentences = {s["sent_id"]: s for s in (_load("sentences", root, required=False) or [])}
    gold_all = _load("gold", root, required=False)

    pairs = sorted({b["pair"] for b in alignments})
    if not pairs:
        raise DiglotError(f"{root}: the alignments config is empty")
    if pair is None:
        pair = pairs[0]
    elif pair not in pairs:
        raise DiglotError(f"pair {pair!r} not in {root} (pairs there: {', '.join(pairs)})")
    src_lang, _, tgt_lang = pair.partition("-")
    beads = [b for b in alignments if b["pair"] == pair]
    gold = [g for g in (gold_all or []) if g["pair"] == pair]

    by_docs: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for b in beads:
        by_docs[(b["src_doc"], b["tgt_doc"])].append(b)
    gold_by_docs: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for g in gold:
        gold_by_docs[(g["src_doc"], g["tgt_doc"])].append(g)

    sections, n_diff, n_moved, n_missing = [], 0, 0, 0
    all_rows: list[_Row] = []
    for (src_id, tgt_id), group in sorted(by_docs.items()):
        src = _Doc(documents.get(src_id), src_id, sentences, src_lang)
        tgt = _Doc(documents.get(tgt_id), tgt_id, sentences, tgt_lang)
        rows = _order(group, sentences)
        host_of = _place_ghosts(rows)
        missing = _compare_gold(rows, gold_by_docs.get((src_id, tgt_id), [])) if gold else []
        all_rows += rows
        n_missing += len(missing)
        n_diff += sum(r.gold == "diff" for r in rows)
        n_moved += sum(r.bead["monotonic"] is False for r in rows)
        shown_ids = {s for r in rows for s in list(r.bead["src_ids"]) + list(r.bead["tgt_ids"])}
        last_src = next((s["sent_id"] for s in reversed(src.sentences) if s["sent_id"] in shown_ids), None)
        last_tgt = next((s["sent_id"] for s in reversed(tgt.sentences) if s["sent_id"] in shown_ids), None)
        body = _tbodies_html(rows, src, tgt, sentences, last_src, last_tgt, host_of)
        sections.append(
            f'<section class="docpair" data-src-doc="{esc(src_id)}" data-tgt-doc="{esc(tgt_id)}">'
            f"<h2>{esc(src.label())} ↔ {esc(tgt.label())}</h2>"
            f'<details class="docinfo"><summary>documents, removed debris</summary><ul>'
            f"{_docinfo_html(src)}{_docinfo_html(tgt)}</ul></details>"
            '<table class="beads"><colgroup><col class="c-num"><col class="c-src"><col class="c-meta"><col class="c-tgt"></colgroup>'
            f"<thead><tr><th>#</th>{src.th_html()}<th>bead · score · confidence</th>{tgt.th_html()}</tr></thead>"
            f"{body}</table>"
            f"{_gold_missing_html(missing, src, tgt)}</section>"
        )

    types = sorted({r.bead["bead"] for r in all_rows}, key=lambda t: (sum(int(x) for x in t.split("-") if x.isdigit()), t))
    counts = defaultdict(int)
    for r in all_rows:
        counts[r.bead["bead"]] += 1
    boxes = "".join(
        f'<label><input type="checkbox" class="bead-type" value="{esc(t)}" checked> {esc(t)} <small>({counts[t]})</small></label>'
        for t in types
    )
    version = next((d.get("corpus_version") for d in documents.values() if d.get("corpus_version")), None)
    method = beads[0].get("method") or {}
    method_txt = ", ".join(f"{k} {v}" for k, v in method.items() if v)
    gold_txt = (
        f"gold: {len(gold)} beads, {n_diff} automatic bead(s) differ, {n_missing} gold bead(s) missing"
        if gold
        else "no gold alignment for this pair"
    )
    other_pairs = [p for p in pairs if p != pair]
    summary = " · ".join(
        x
        for x in [
            f"corpus {esc(version)}" if version else "",
            f"{len(all_rows)} beads in {len(by_docs)} document pair(s)",
            f"{n_moved} moved",
            esc(gold_txt),
            f"aligned by {esc(method_txt)}" if method_txt else "",
            f"other pairs: {esc(', '.join(other_pairs))} (diglot view --pair …)" if other_pairs else "",
        ]
        if x
    )
    disabled = "" if gold else " disabled"
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="diglot view">
<title>diglot · {esc(pair)} side by side</title>
<style>{CSS}
{font_css()}</style>
</head>
<body data-pair="{esc(pair)}" data-beads="{len(all_rows)}">
<header class="top">
<h1>diglot · {esc(pair)} side by side</h1>
<p class="summary">{summary}</p>
<form id="filters" onsubmit="return false">
<label title="cosine of a bead's two sides">min score <input type="range" class="minimum" id="min-score" data-column="score" min="0" max="1" step="any" value="0"> <output for="min-score">0.00</output></label>
<label title="probability that a bead is exactly right; 0.9 keeps clean pairs">min confidence <input type="range" class="minimum" id="min-confidence" data-column="confidence" min="0" max="1" step="any" value="0"> <output for="min-confidence">0.00</output></label>
<fieldset id="bead-types"><legend>bead</legend>{boxes}</fieldset>
<label><input type="checkbox" id="only-moved"> only moved</label>
<label><input type="checkbox" id="only-diff"{disabled}> only ≠ gold</label>
<span><span class="count" id="shown-count">{len(all_rows)}</span> of {len(all_rows)} beads shown</span>
</form>
<div class="legend"><span><i class="sw passage"></i>only in one version (a passage the other lacks)</span>
<span><i class="sw" style="background:#fff4e6;box-shadow:inset 3px 0 0 #d9480f"></i>differs from gold</span>
<span><i class="sw" style="background:#7b4fd0"></i>moved (matched out of order)</span>
<span><i class="sw" style="background:#e7f5ff"></i>foreign language (hover)</span>
<span><i class="sw" style="background:#f8f0fc;border:1px dashed #cc5de8"></i>removed debris (hover)</span></div>
</header>
<main>
{"".join(sections)}
</main>
<script>{JS}</script>
</body>
</html>
"""
