"""Unit tests of the side-by-side view: the HTML structure rendered from the
small synthetic corpus of `tests/sample_corpus.py` (written as Parquet with the
schemas of `diglot.schema`), checked against those tables."""

from __future__ import annotations

import argparse
from html.parser import HTMLParser

import pyarrow.parquet as pq
import pytest

from diglot.integrity import write_manifest

from diglot.errors import DiglotError
from diglot.view import render_html
from sample_corpus import write_sample_corpus

VOID = {"meta", "input", "br", "img", "col", "link", "hr", "source", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children: list = []  # Node or str

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def ancestor(self, tag):
        n = self.parent
        while n is not None and n.tag != tag:
            n = n.parent
        return n


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        assert n is not None, f"stray </{tag}>"
        self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(page: str) -> Node:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    assert builder.cur is builder.root, f"unclosed <{builder.cur.tag}>"
    return builder.root


@pytest.fixture(scope="module")
def sample_corpus(tmp_path_factory):
    return write_sample_corpus(tmp_path_factory.mktemp("sample"))


def table(root, config):
    return pq.read_table(next((root / config).glob("*.parquet"))).to_pylist()


@pytest.fixture(scope="module")
def dom(sample_corpus):
    return parse(render_html(sample_corpus))


def key(b):
    return (tuple(b["src_ids"]), tuple(b["tgt_ids"]))


def rows_of(dom):
    return dom.find_all("tr", cls="bead")


def test_one_row_per_bead_with_type_score_and_confidence(sample_corpus, dom):
    beads = {b["bead_id"]: b for b in table(sample_corpus, "alignments") if b["pair"] == "it-bn"}
    rows = rows_of(dom)
    assert len(rows) == len(beads)
    assert {r.attrs["data-bead-id"] for r in rows} == set(beads)
    for r in rows:
        b = beads[r.attrs["data-bead-id"]]
        two_sided = bool(b["src_ids"] and b["tgt_ids"])
        assert r.attrs["data-bead"] == b["bead"]
        assert float(r.attrs["data-score"]) == b["score"]
        assert float(r.attrs["data-confidence"]) == b["confidence"]
        meta = r.find_all("td", cls="meta")[0]
        assert meta.find_all("span", cls="bead-type")[0].text() == b["bead"]
        confidence = meta.find_all("span", cls="confidence")[0]
        assert confidence.text().split()[-1] == f"{b['confidence']:.2f}"
        assert ("exactly right" if two_sided else "no counterpart") in confidence.attrs["title"]
        # a one-sided bead has no cosine: showing 0.00 would make it look like a failed pair
        assert [s.text() for s in meta.find_all("span", cls="score")] == ([f"{b['score']:.2f}"] if two_sided else [])
        # every sentence of the bead is in its column, in order
        for side in ("src", "tgt"):
            cell = r.find_all("td", cls=side)[0]
            assert [s.attrs["data-sent-id"] for s in cell.find_all("span", cls="sent")] == b[f"{side}_ids"]


def test_one_sided_runs_are_one_passage_only_in_their_language(sample_corpus, dom):
    sents = {s["sent_id"]: s for s in table(sample_corpus, "sentences")}
    docs = {d["doc_id"]: d for d in table(sample_corpus, "documents")}
    names = {"it": "Italian", "bn": "Bengali"}
    beads = {b["bead_id"]: b for b in table(sample_corpus, "alignments")}
    ordered = [beads[r.attrs["data-bead-id"]] for r in rows_of(dom)]

    def side_of(b):
        return None if b["src_ids"] and b["tgt_ids"] else ("src" if b["src_ids"] else "tgt")

    # the runs, found here from the row order: same side, consecutive sentences
    runs: list[list[dict]] = []
    for b in ordered:
        side = side_of(b)
        if side is None:
            continue
        prev = runs[-1][-1] if runs else None
        if (prev is not None and side_of(prev) == side and ordered.index(prev) == ordered.index(b) - 1
                and sents[b[f"{side}_ids"][0]]["position"] == sents[prev[f"{side}_ids"][-1]]["position"] + 1):
            runs[-1].append(b)
        else:
            runs.append([b])
    assert any(len(run) > 1 for run in runs), "the sample must have a run of one-sided beads"
    passages = dom.find_all("tbody", cls="passage")
    assert len(passages) == len(runs)
    for passage, run in zip(passages, runs):
        side = side_of(run[0])
        other = "tgt" if side == "src" else "src"
        assert passage.attrs["data-side"] == side
        assert [r.attrs["data-bead-id"] for r in passage.find_all("tr", cls="bead")] == [b["bead_id"] for b in run]
        head = passage.find_all("tr", cls="passage-head")
        assert len(head) == 1
        lang, lacking = docs[run[0][f"{side}_doc"]]["lang"], docs[run[0][f"{other}_doc"]]["lang"]
        n = sum(len(b[f"{side}_ids"]) for b in run)
        assert f"only in {names[lang]} · {n} sentence" in head[0].text()
        assert f"no counterpart in {names[lacking]}" in head[0].text()
        assert all("one-sided" in r.classes for r in passage.find_all("tr", cls="bead"))
    # pairs are never inside a passage
    for tbody in dom.find_all("tbody"):
        if "passage" not in tbody.classes:
            assert all(side_of(beads[r.attrs["data-bead-id"]]) is None for r in tbody.find_all("tr", cls="bead"))


def test_rows_follow_source_order_and_unmatched_target_sits_in_place(sample_corpus, dom):
    sents = {s["sent_id"]: s for s in table(sample_corpus, "sentences")}
    beads = {b["bead_id"]: b for b in table(sample_corpus, "alignments")}
    ordered = [beads[r.attrs["data-bead-id"]] for r in rows_of(dom)]
    src_positions = [sents[i]["position"] for b in ordered for i in b["src_ids"]]
    assert src_positions == sorted(src_positions)
    assert len(src_positions) == sum(1 for s in sents.values() if s["doc_id"] == ordered[0]["src_doc"])
    # the target column reads in order, except for moved beads
    tgt_positions = [sents[i]["position"] for b in ordered if b["monotonic"] for i in b["tgt_ids"]]
    assert tgt_positions == sorted(tgt_positions)
    numbers = [int(r.find_all("td", cls="num")[0].text()) for r in rows_of(dom)]
    assert numbers == list(range(1, len(numbers) + 1))


def test_order_does_not_depend_on_file_order(sample_corpus, tmp_path, dom):
    import pyarrow as pa

    from diglot import schema

    shuffled = tmp_path / "c"
    write_sample_corpus(shuffled)
    rows = table(sample_corpus, "alignments")[::-1]
    pq.write_table(pa.Table.from_pylist(rows, schema=schema.ALIGNMENTS), next((shuffled / "alignments").glob("*.parquet")))
    write_manifest(shuffled)
    again = parse(render_html(shuffled))
    assert [r.attrs["data-bead-id"] for r in rows_of(again)] == [r.attrs["data-bead-id"] for r in rows_of(dom)]


def test_moved_beads_marked_and_linked_both_ways(sample_corpus, dom):
    moved = [b for b in table(sample_corpus, "alignments") if b["monotonic"] is False]
    assert moved, "the sample must contain a moved bead"
    ids = {n.attrs["id"] for n in dom.iter() if "id" in n.attrs}
    for b in moved:
        row = dom.find_all("tr", id=f"row-{b['bead_id']}")[0]
        assert "moved" in row.classes and row.attrs["data-moved"] == "1"
        assert row.find_all("span", cls="badge")[0].text() == "moved"
        # sentence-level partner links, both directions
        src_links = {a.attrs["href"] for a in row.find_all("td", cls="src")[0].find_all("a", cls="partner")}
        tgt_links = {a.attrs["href"] for a in row.find_all("td", cls="tgt")[0].find_all("a", cls="partner")}
        assert {f"#s-{t}" for t in b["tgt_ids"]} <= src_links
        assert {f"#s-{s}" for s in b["src_ids"]} <= tgt_links
        # the row links to a placeholder at the target's own position, which links back
        assert f"#ghost-{b['bead_id']}" in tgt_links
        ghost = dom.find_all("a", id=f"ghost-{b['bead_id']}")[0]
        assert ghost.attrs["href"] == f"#row-{b['bead_id']}"
        host = ghost.ancestor("tr")
        assert host is not row
    in_order = [r for r in rows_of(dom) if r.attrs["data-moved"] == "0"]
    assert len(in_order) == len(rows_of(dom)) - len(moved)
    # every internal link resolves
    for a in dom.find_all("a"):
        assert a.attrs["href"].startswith("#") and a.attrs["href"][1:] in ids, a.attrs["href"]


def test_ghost_sits_where_the_target_sentence_belongs(sample_corpus, dom):
    sents = {s["sent_id"]: s for s in table(sample_corpus, "sentences")}
    beads = {b["bead_id"]: b for b in table(sample_corpus, "alignments")}
    for ghost in dom.find_all("a", cls="ghost"):
        moved = beads[ghost.attrs["id"].removeprefix("ghost-")]
        host = beads[ghost.ancestor("tr").attrs["data-bead-id"]]
        pos = sents[moved["tgt_ids"][0]]["position"]
        assert max(sents[t]["position"] for t in host["tgt_ids"]) < pos
        later = [b for b in beads.values() if b["monotonic"] and b["tgt_ids"] and b is not host]
        assert not any(max(sents[t]["position"] for t in host["tgt_ids"]) < sents[b["tgt_ids"][0]]["position"] < pos for b in later)


def test_gold_differences_highlighted(sample_corpus, dom):
    auto = [b for b in table(sample_corpus, "alignments") if b["pair"] == "it-bn"]
    gold = [g for g in table(sample_corpus, "gold") if g["pair"] == "it-bn"]
    differ = {b["bead_id"] for b in auto if key(b) not in {key(g) for g in gold}}
    assert differ, "the sample must differ from gold somewhere"
    assert {r.attrs["data-bead-id"] for r in rows_of(dom) if "gold-diff" in r.classes} == differ
    assert {r.attrs["data-bead-id"] for r in rows_of(dom) if r.attrs["data-gold"] == "same"} == {b["bead_id"] for b in auto} - differ
    missing = [g for g in gold if key(g) not in {key(b) for b in auto}]
    shown = dom.find_all("tr", cls="gold-only")
    assert sorted(r.attrs["data-bead"] for r in shown) == sorted(g["bead"] for g in missing)
    assert dom.find_all("input", id="only-diff")[0].attrs.get("disabled", "absent") == "absent"


def test_without_gold_nothing_is_flagged(tmp_path):
    root = write_sample_corpus(tmp_path / "c", configs=("documents", "sentences", "alignments"))
    dom = parse(render_html(root))
    assert rows_of(dom) and not [r for r in rows_of(dom) if "gold-diff" in r.classes]
    assert {r.attrs["data-gold"] for r in rows_of(dom)} == {"none"}
    assert "disabled" in dom.find_all("input", id="only-diff")[0].attrs


def test_debris_shown_in_place_with_reason(sample_corpus, dom):
    docs = {d["doc_id"]: d for d in table(sample_corpus, "documents")}
    sents = table(sample_corpus, "sentences")
    marks = [m for t in dom.find_all("table", cls="beads") for m in t.find_all("span", cls="debris")]
    expected = [(d, r) for d in docs.values() for r in d["removed"] if d["raw_text"][r["start"] : r["end"]].strip()]
    whitespace = [r for d in docs.values() for r in d["removed"] if not d["raw_text"][r["start"] : r["end"]].strip()]
    assert expected and whitespace, "the sample must remove debris and whitespace"
    assert len(marks) == len(expected)  # whitespace runs are not marked
    for doc, removed in expected:
        raw = doc["raw_text"][removed["start"] : removed["end"]]
        mark = next(m for m in marks if m.attrs["data-reason"] == removed["reason"] and raw in m.attrs["title"])
        assert removed["reason"] in mark.attrs["title"]
        cell = mark.ancestor("td")
        assert cell.attrs["lang"] == doc["lang"]
        # in place: right before the first sentence starting after the removed span (or at the end)
        after = sorted((s for s in sents if s["doc_id"] == doc["doc_id"] and s["raw_start"] >= removed["end"]), key=lambda s: s["position"])
        siblings = [c for c in cell.children if isinstance(c, type(mark))]
        i = siblings.index(mark)
        if after:
            nxt = next(c for c in siblings[i:] if "sent" in c.classes)
            assert nxt.attrs["data-sent-id"] == after[0]["sent_id"]
        else:
            assert not [c for c in siblings[i:] if "sent" in c.classes]


def test_foreign_flags_and_spans(sample_corpus, dom):
    sents = table(sample_corpus, "sentences")
    spans = dom.find_all("span", cls="foreign")
    expected = [(s, f) for s in sents for f in s["foreign_spans"]]
    assert expected and len(spans) == len(expected)
    for s, f in expected:
        node = dom.find_all("span", id=f"s-{s['sent_id']}")[0]
        inner = node.find_all("span", cls="foreign")
        assert [(n.attrs["lang"], n.text()) for n in inner] == [(f["lang"], s["text"][f["start"] : f["end"]])]
        assert "foreign_span:en" in node.attrs["title"]
    for s in sents:
        node = dom.find_all("span", id=f"s-{s['sent_id']}")[0]
        # the sentence reads exactly as in the corpus (escaped, nothing lost)
        assert node.text().rstrip(" →←") == s["text"]
        if "foreign_sentence" in s["flags"]:
            assert node.attrs["lang"] == s["lang_detected"] and "foreign_sentence" in node.attrs["title"]


def test_cells_carry_lang_dir_and_script_fonts(sample_corpus, dom):
    docs = {d["doc_id"]: d for d in table(sample_corpus, "documents")}
    beads = {b["bead_id"]: b for b in table(sample_corpus, "alignments")}
    for r in rows_of(dom):
        b = beads[r.attrs["data-bead-id"]]
        for side in ("src", "tgt"):
            cell = r.find_all("td", cls=side)[0]
            doc = docs[b[f"{side}_doc"]]
            assert (cell.attrs["lang"], cell.attrs["dir"], cell.attrs["data-script"]) == (doc["lang"], "ltr", doc["script"])
    css = dom.find_all("style")[0].text()
    assert '[data-script="Beng"] { font-family: "Noto Sans Bengali"' in css


def test_rtl_script_sets_dir(tmp_path):
    import pyarrow as pa

    from diglot import schema

    root = write_sample_corpus(tmp_path / "c")
    docs = table(root, "documents")
    for d in docs:
        if d["lang"] == "bn":
            d["script"] = "Arab"
    pq.write_table(pa.Table.from_pylist(docs, schema=schema.DOCUMENTS), next((root / "documents").glob("*.parquet")))
    write_manifest(root)
    dom = parse(render_html(root))
    assert {c.attrs["dir"] for c in dom.find_all("td", cls="tgt")} == {"rtl"}
    assert {c.attrs["dir"] for c in dom.find_all("td", cls="src")} == {"ltr"}


def test_hostile_text_is_escaped(tmp_path):
    import pyarrow as pa

    from diglot import schema

    root = write_sample_corpus(tmp_path / "c")
    evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    docs = table(root, "documents")
    docs[1]["removed"][0]["reason"] = evil
    docs[0]["title"] = evil
    pq.write_table(pa.Table.from_pylist(docs, schema=schema.DOCUMENTS), next((root / "documents").glob("*.parquet")))
    write_manifest(root)
    beads = table(root, "alignments")
    beads[0]["bead"] = evil
    pq.write_table(pa.Table.from_pylist(beads, schema=schema.ALIGNMENTS), next((root / "alignments").glob("*.parquet")))
    write_manifest(root)
    page = render_html(root)
    dom = parse(page)
    assert len(dom.find_all("script")) == 1 and not dom.find_all("img")
    assert any(m.attrs.get("data-reason") == evil for m in dom.find_all("span", cls="debris"))
    assert any(r.attrs["data-bead"] == evil for r in rows_of(dom))


def test_self_contained(dom, sample_corpus):
    page = render_html(sample_corpus)
    assert "http://" not in page and "https://" not in page and "url(" not in page and "@import" not in page
    assert not dom.find_all("link")
    assert [s.attrs for s in dom.find_all("script")] == [{}]
    assert not [n for n in dom.iter() if "src" in n.attrs]
    assert dom.find_all("meta", charset="utf-8")


def test_filter_controls_match_the_data(sample_corpus, dom):
    beads = [b for b in table(sample_corpus, "alignments") if b["pair"] == "it-bn"]
    boxes = dom.find_all("input", cls="bead-type")
    assert sorted(b.attrs["value"] for b in boxes) == sorted({b["bead"] for b in beads})
    assert all("checked" in b.attrs for b in boxes)
    for column in ("score", "confidence"):
        rng = dom.find_all("input", id=f"min-{column}")[0]
        assert (rng.attrs["type"], rng.attrs["min"], rng.attrs["max"], rng.attrs["step"]) == ("range", "0", "1", "any")
        assert rng.attrs["data-column"] == column and "minimum" in rng.classes
        # the filter reads data-<column>, which every row carries
        assert all(f"data-{column}" in r.attrs for r in rows_of(dom))
    assert dom.find_all(id="shown-count")[0].text() == str(len(beads))


def test_pair_selection_and_errors(sample_corpus, tmp_path):
    assert parse(render_html(sample_corpus, pair="it-bn")).find_all("body")[0].attrs["data-pair"] == "it-bn"
    with pytest.raises(DiglotError, match="it-bn"):
        render_html(sample_corpus, pair="xx-yy")
    bare = write_sample_corpus(tmp_path / "bare", configs=("documents", "sentences"))
    with pytest.raises(DiglotError, match="alignments"):
        render_html(bare)
    with pytest.raises(DiglotError, match="no such corpus"):
        render_html(tmp_path / "nowhere")


def _cli(argv):
    from diglot.commands import view

    parser = argparse.ArgumentParser()
    view.configure(parser)
    return view.run(parser.parse_args(argv))


def test_cli_writes_the_file(sample_corpus, tmp_path, capsys):
    out = tmp_path / "sub" / "view.html"
    assert _cli(["--out", str(out), "--corpus", str(sample_corpus), "--pair", "it-bn"]) == 0
    assert out.read_text(encoding="utf-8") == render_html(sample_corpus, "it-bn")
    assert str(out) in capsys.readouterr().out
    assert _cli(["--out", "-", "--corpus", str(sample_corpus)]) == 0
    assert capsys.readouterr().out == render_html(sample_corpus)
    with pytest.raises(DiglotError, match="xx-yy"):
        _cli(["--out", str(out), "--corpus", str(sample_corpus), "--pair", "xx-yy"])


def test_diglot_view_through_the_cli(sample_corpus, tmp_path, capsys):
    from diglot.cli import main

    out = tmp_path / "v.html"
    assert main(["view", "--corpus", str(sample_corpus), "--out", str(out)]) == 0
    assert len(rows_of(parse(out.read_text(encoding="utf-8")))) == len(table(sample_corpus, "alignments"))
    capsys.readouterr()
    assert main(["view", "--corpus", str(sample_corpus), "--pair", "xx-yy", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "diglot view: error:" in err and "it-bn" in err
