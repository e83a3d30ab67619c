"""`diglot export`: each format is read back with a plain reader (csv, json,
xml.etree, line splitting) and compared with the rows of the corpus, which
the tests select themselves with pyarrow rather than through diglot.export.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import conftest

from diglot import layout
from diglot.errors import DiglotError
from diglot.integrity import write_manifest

import diglot

SOURCE = diglot.corpus_dir()
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TMX_HEADER_ATTRIBUTES = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def run_cli(argv: list[str]) -> int:
    return conftest.run_cli("export", *argv)


def expected_rows(root: Path, config: str = "alignments", *, min_score=None, min_confidence=None, beads=None,
                  pair=None) -> list[dict]:
    """The beads an export must contain, chosen here independently of diglot.export."""
    lang = {r["doc_id"]: r["lang"] for r in pq.read_table(root / "documents" / "train.parquet").to_pylist()}
    out = []
    for r in pq.read_table(root / layout.data_file(config)).to_pylist():
        if not r["src_ids"] or not r["tgt_ids"] or not r["src_text"].strip() or not r["tgt_text"].strip():
            continue
        if min_score is not None and (r["score"] is None or r["score"] < min_score):
            continue
        if min_confidence is not None and (r["confidence"] is None or r["confidence"] < min_confidence):
            continue
        if beads is not None and r["bead"] not in beads:
            continue
        if pair is not None and r["pair"] != pair:
            continue
        out.append({**r, "src_lang": lang[r["src_doc"]], "tgt_lang": lang[r["tgt_doc"]]})
    return out


def one_line(text: str) -> str:
    """Moses lines: each line break (CR LF counting as one) becomes a space."""
    text = text.replace("\r\n", "\n")
    for ch in LINE_BREAKS:
        text = text.replace(ch, " ")
    return text


def only_pair(root: Path, config: str = "alignments") -> str:
    pairs = sorted({r["pair"] for r in expected_rows(root, config)})
    assert pairs, "no bead with text on both sides"
    return pairs[0]


# --------------------------------------------------------------------------- formats


def test_moses_round_trip(corpus: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert run_cli(["--format", "moses", "--out", str(out), "--corpus", str(corpus)]) == 0
    printed = capsys.readouterr().out.splitlines()
    rows = expected_rows(corpus)
    for pair in sorted({r["pair"] for r in rows}):
        mine = [r for r in rows if r["pair"] == pair]
        src_lang, tgt_lang = mine[0]["src_lang"], mine[0]["tgt_lang"]
        src_file, tgt_file = out / f"corpus.{pair}.{src_lang}", out / f"corpus.{pair}.{tgt_lang}"
        assert str(src_file) in printed and str(tgt_file) in printed
        src_lines = src_file.read_bytes().decode("utf-8").split("\n")
        tgt_lines = tgt_file.read_bytes().decode("utf-8").split("\n")
        assert src_lines[-1] == "" and tgt_lines[-1] == ""
        src_lines, tgt_lines = src_lines[:-1], tgt_lines[:-1]
        assert len(src_lines) == len(tgt_lines) == len(mine)
        assert src_lines == [one_line(r["src_text"]) for r in mine]
        assert tgt_lines == [one_line(r["tgt_text"]) for r in mine]
        for line in src_lines + tgt_lines:
            assert line.strip() and not any(ch in line for ch in LINE_BREAKS)


def test_tmx_is_well_formed_tmx_14b_and_round_trips(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run_cli(["--format", "tmx", "--out", str(out), "--corpus", str(corpus)]) == 0
    rows = expected_rows(corpus)
    for pair in sorted({r["pair"] for r in rows}):
        mine = [r for r in rows if r["pair"] == pair]
        path = out / f"corpus.{pair}.tmx"
        raw = path.read_bytes()
        assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">")
        root = ET.parse(path).getroot()  # raises on malformed XML
        assert root.tag == "tmx" and root.get("version") == "1.4"
        header = root.find("header")
        for attribute in TMX_HEADER_ATTRIBUTES:
            assert header.get(attribute), f"header lacks {attribute}"
        assert header.get("srclang") == mine[0]["src_lang"]
        assert header.get("creationtoolversion") == diglot.__version__
        assert header.get("segtype") in ("block", "paragraph", "sentence", "phrase")
        units = root.find("body").findall("tu")
        assert [tu.get("tuid") for tu in units] == [r["bead_id"] for r in mine]
        for tu, r in zip(units, mine):
            tuvs = tu.findall("tuv")
            assert all(tuv.get(XML_LANG) for tuv in tuvs), "a tuv without xml:lang"
            segs = {tuv.get(XML_LANG): tuv.find("seg").text for tuv in tuvs}
            assert segs == {r["src_lang"]: r["src_text"], r["tgt_lang"]: r["tgt_text"]}
            props = {p.get("type"): p.text for p in tu.findall("prop")}
            assert float(props["x-score"]) == r["score"]
            assert float(props["x-confidence"]) == r["confidence"]
            assert props["x-bead"] == r["bead"]


def test_jsonl_round_trip(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run_cli(["--format", "jsonl", "--out", str(out), "--corpus", str(corpus)]) == 0
    rows = expected_rows(corpus)
    for pair in sorted({r["pair"] for r in rows}):
        mine = [r for r in rows if r["pair"] == pair]
        lines = (out / f"corpus.{pair}.jsonl").read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines]
        assert len(records) == len(mine)
        for rec, r in zip(records, mine):
            assert rec["bead_id"] == r["bead_id"] and rec["pair"] == pair
            assert rec["translation"] == {r["src_lang"]: r["src_text"], r["tgt_lang"]: r["tgt_text"]}
            assert rec["score"] == r["score"] and rec["bead"] == r["bead"]
            assert rec["confidence"] == r["confidence"]
            assert rec["src_ids"] == r["src_ids"] and rec["tgt_ids"] == r["tgt_ids"]


def test_tsv_round_trip(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run_cli(["--format", "tsv", "--out", str(out), "--corpus", str(corpus)]) == 0
    rows = expected_rows(corpus)
    for pair in sorted({r["pair"] for r in rows}):
        mine = [r for r in rows if r["pair"] == pair]
        with open(out / f"corpus.{pair}.tsv", encoding="utf-8", newline="") as handle:
            table = list(csv.reader(handle, delimiter="\t"))
        assert table[0] == [mine[0]["src_lang"], mine[0]["tgt_lang"], "score", "confidence", "bead", "bead_id"]
        assert table[1:] == [[r["src_text"], r["tgt_text"], repr(r["score"]), repr(r["confidence"]), r["bead"], r["bead_id"]]
                             for r in mine]


# --------------------------------------------------------------------------- awkward text


def _plant_awkward_text(corpus: Path) -> dict:
    """Put tabs, quotes, line breaks of every kind and markup into one bead."""
    path = corpus / "alignments" / "train.parquet"
    table = pq.read_table(path)
    rows = table.to_pylist()
    i = next(k for k, r in enumerate(rows) if r["src_ids"] and r["tgt_ids"])
    rows[i]["src_text"] = 'a\tb "quoted" <tag> & \u2028line\nbreak\r\nthen\x85next\u2029end'
    rows[i]["tgt_text"] = "x, 'y'; z\n\nw\ttab \\ backslash ]]> done"
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    write_manifest(path.parents[1])  # as a build would, so that the export reads the edited rows
    return rows[i]


@pytest.mark.parametrize("fmt", ["moses", "tmx", "jsonl", "tsv"])
def test_awkward_text_survives(corpus: Path, tmp_path: Path, fmt: str):
    bead = _plant_awkward_text(corpus)
    out = tmp_path / "out"
    assert run_cli(["--format", fmt, "--out", str(out), "--corpus", str(corpus), "--pair", bead["pair"]]) == 0
    rows = expected_rows(corpus, pair=bead["pair"])
    index = [r["bead_id"] for r in rows].index(bead["bead_id"])
    src_lang, tgt_lang = rows[0]["src_lang"], rows[0]["tgt_lang"]
    stem = out / f"corpus.{bead['pair']}"
    if fmt == "moses":
        src = (out / f"{stem.name}.{src_lang}").read_text(encoding="utf-8").split("\n")[:-1]
        tgt = (out / f"{stem.name}.{tgt_lang}").read_text(encoding="utf-8").split("\n")[:-1]
        assert len(src) == len(tgt) == len(rows)
        assert src[index] == one_line(bead["src_text"]) and tgt[index] == one_line(bead["tgt_text"])
        assert "\t" in src[index]  # only line breaks are replaced
    elif fmt == "tmx":
        tu = ET.parse(f"{stem}.tmx").getroot().find("body").findall("tu")[index]
        segs = {tuv.get(XML_LANG): tuv.find("seg").text for tuv in tu.findall("tuv")}
        # an XML parser reads CR LF as LF; everything else comes back as written
        assert segs == {src_lang: bead["src_text"].replace("\r\n", "\n"), tgt_lang: bead["tgt_text"]}
    elif fmt == "jsonl":
        lines = Path(f"{stem}.jsonl").read_text(encoding="utf-8").splitlines()  # splits on U+2028 too
        assert len(lines) == len(rows)
        assert json.loads(lines[index])["translation"] == {src_lang: bead["src_text"], tgt_lang: bead["tgt_text"]}
    else:
        with open(f"{stem}.tsv", encoding="utf-8", newline="") as handle:
            table = list(csv.reader(handle, delimiter="\t"))
        assert len(table) == len(rows) + 1
        assert table[index + 1][:2] == [bead["src_text"], bead["tgt_text"]]


def test_tmx_refuses_characters_xml_cannot_carry(corpus: Path, tmp_path: Path, capsys):
    path = corpus / "alignments" / "train.parquet"
    table = pq.read_table(path)
    rows = table.to_pylist()
    i = next(k for k, r in enumerate(rows) if r["src_ids"] and r["tgt_ids"])
    rows[i]["tgt_text"] = "bell\x07"
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    write_manifest(path.parents[1])  # as a build would, so that the export reads the edited rows
    assert run_cli(["--format", "tmx", "--out", str(tmp_path / "out"), "--corpus", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert f"bead {rows[i]['bead_id']}" in err and "U+0007" in err
    assert not list((tmp_path / "out").glob("*.tmx"))


# --------------------------------------------------------------------------- filters


def test_only_beads_with_text_on_both_sides(corpus: Path, tmp_path: Path):
    all_rows = pq.read_table(corpus / "alignments" / "train.parquet").to_pylist()
    one_sided = [r["bead_id"] for r in all_rows if not r["src_ids"] or not r["tgt_ids"]]
    out = tmp_path / "out"
    assert run_cli(["--format", "jsonl", "--out", str(out), "--corpus", str(corpus)]) == 0
    exported = [json.loads(line)["bead_id"] for f in sorted(out.glob("*.jsonl")) for line in f.read_text().splitlines()]
    assert not set(one_sided) & set(exported)
    assert len(exported) == len(expected_rows(corpus)) == len(all_rows) - len(one_sided)


def test_min_score_and_bead_filters(corpus: Path, tmp_path: Path):
    rows = expected_rows(corpus)
    scores = sorted(r["score"] for r in rows)
    threshold = scores[len(scores) // 2]
    shapes = sorted({r["bead"] for r in rows})[:1]
    want = expected_rows(corpus, min_score=threshold, beads=shapes)
    assert 0 < len(want) < len(rows), "the filters must keep some beads and drop others"
    out = tmp_path / "out"
    assert run_cli(["--format", "jsonl", "--out", str(out), "--corpus", str(corpus),
                    "--min-score", str(threshold), "--bead", ",".join(shapes)]) == 0
    got = [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text().splitlines()]
    assert [g["bead_id"] for g in got] == [r["bead_id"] for r in want]
    assert all(g["score"] >= threshold and g["bead"] in shapes for g in got)


def test_min_confidence_filter(corpus: Path, tmp_path: Path):
    rows = expected_rows(corpus)
    confidences = sorted(r["confidence"] for r in rows)
    threshold = confidences[len(confidences) // 2]  # one that occurs: beads at exactly it are kept
    want = expected_rows(corpus, min_confidence=threshold)
    assert 0 < len(want) < len(rows), "the filter must keep some beads and drop others"
    # not the same cut as the score's: the two columns say different things
    by_score = expected_rows(corpus, min_score=sorted(r["score"] for r in rows)[len(rows) - len(want)])
    assert {r["bead_id"] for r in want} != {r["bead_id"] for r in by_score}
    out = tmp_path / "out"
    assert run_cli(["--format", "jsonl", "--out", str(out), "--corpus", str(corpus),
                    "--min-confidence", str(threshold)]) == 0
    got = [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text().splitlines()]
    assert [g["bead_id"] for g in got] == [r["bead_id"] for r in want]
    assert min(g["confidence"] for g in got) == threshold
    # with the score filter, both must hold; through the API as through the CLI
    from diglot.export import select

    score_cut = sorted(r["score"] for r in rows)[len(rows) // 3]
    both = expected_rows(corpus, min_score=score_cut, min_confidence=threshold)
    picked = select(corpus, min_score=score_cut, min_confidence=threshold)
    assert [p.bead_id for items in picked.values() for p in items] == [r["bead_id"] for r in both]
    with pytest.raises(DiglotError, match=r"--min-confidence 1.5 is outside \[0, 1\]"):
        select(corpus, min_confidence=1.5)


def test_reversed_pair_swaps_sides(corpus: Path, tmp_path: Path):
    pair = only_pair(corpus)
    rows = expected_rows(corpus, pair=pair)
    src_lang, tgt_lang = rows[0]["src_lang"], rows[0]["tgt_lang"]
    reverse = f"{tgt_lang}-{src_lang}"
    out = tmp_path / "out"
    assert run_cli(["--format", "moses", "--out", str(out), "--corpus", str(corpus), "--pair", reverse]) == 0
    assert (out / f"corpus.{reverse}.{tgt_lang}").read_text(encoding="utf-8").split("\n")[:-1] == [
        one_line(r["tgt_text"]) for r in rows]
    assert (out / f"corpus.{reverse}.{src_lang}").read_text(encoding="utf-8").split("\n")[:-1] == [
        one_line(r["src_text"]) for r in rows]
    out2 = tmp_path / "out2"
    assert run_cli(["--format", "tmx", "--out", str(out2), "--corpus", str(corpus), "--pair", reverse]) == 0
    assert ET.parse(out2 / f"corpus.{reverse}.tmx").getroot().find("header").get("srclang") == tgt_lang


def test_gold_config(corpus: Path, tmp_path: Path):
    if not (corpus / "gold" / "test.parquet").is_file():
        assert run_cli(["--format", "jsonl", "--out", str(tmp_path / "o"), "--corpus", str(corpus),
                        "--config", "gold"]) == 2
        return
    want = expected_rows(corpus, "gold")
    out = tmp_path / "out"
    assert run_cli(["--format", "jsonl", "--out", str(out), "--corpus", str(corpus), "--config", "gold"]) == 0
    got = [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text().splitlines()]
    assert [g["bead_id"] for g in got] == [r["bead_id"] for r in want]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("argv,words", [
    (["--pair", "xx-yy"], ["--pair xx-yy", "no such pair"]),
    (["--bead", "one-to-one"], ["'one-to-one' is not"]),
    (["--min-score", "1", "--bead", "9-9"], ["nothing written"]),
    (["--min-confidence", "1"], ["nothing written", "min-confidence=1.0"]),
])
def test_user_errors_exit_2_with_a_message(corpus: Path, tmp_path: Path, capsys, argv, words):
    out = tmp_path / "out"
    assert run_cli(["--format", "tsv", "--out", str(out), "--corpus", str(corpus), *argv]) == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words), err
    assert not out.exists() or not list(out.iterdir())


def test_bad_arguments_are_refused(corpus: Path, tmp_path: Path, capsys):
    for argv in (["--min-score", "1.5"], ["--min-confidence", "1.5"], ["--min-confidence", "-0.1"],
                 ["--min-confidence", "high"], ["--format", "xliff"], ["--config", "sentences"]):
        base = {"--format": "tsv", "--out": str(tmp_path / "o"), "--corpus": str(corpus)}
        for i in range(0, len(argv), 2):
            base[argv[i]] = argv[i + 1]
        with pytest.raises(SystemExit) as exit_info:
            run_cli([x for kv in base.items() for x in kv])
        assert exit_info.value.code == 2
    (tmp_path / "file").write_text("")
    assert run_cli(["--format", "tsv", "--out", str(tmp_path / "file"), "--corpus", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert "is not a folder" in err and "*.tsv" in err and "'-'" in err


def test_default_corpus_is_corpus_dir(corpus: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DIGLOT_CORPUS", str(corpus))
    out = tmp_path / "out"
    assert run_cli(["--format", "jsonl", "--out", str(out)]) == 0
    got = [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text().splitlines()]
    assert len(got) == len(expected_rows(corpus))


def test_filters_leaving_nothing_are_not_an_unknown_pair(corpus: Path, tmp_path: Path, capsys):
    src, tgt = only_pair(corpus).split("-", 1)
    top = max(r["score"] for r in expected_rows(corpus))
    assert top < 1.0, "a bead scored 1.0: the filter below would keep it"
    assert run_cli(["--format", "tsv", "--out", str(tmp_path / "out"), "--corpus", str(corpus),
                    "--pair", f"{tgt}-{src}", "--min-score", "1"]) == 2
    err = capsys.readouterr().err
    assert "nothing written" in err and "no such pair" not in err


# --------------------------------------------------------------------------- any text

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402



# DIGLOT_FUZZ_EXAMPLES=500 explores further, with fresh random examples each run.
@settings(max_examples=int(os.environ.get("DIGLOT_FUZZ_EXAMPLES", 30)), deadline=None,
          derandomize="DIGLOT_FUZZ_EXAMPLES" not in os.environ,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(src=st.text(max_size=40), tgt=st.text(max_size=40))
def test_any_text_round_trips_or_is_refused(src: str, tgt: str, tmp_path_factory):
    root = tmp_path_factory.mktemp("any") / "corpus"
    shutil.copytree(SOURCE, root)
    path = root / "alignments" / "train.parquet"
    table = pq.read_table(path)
    rows = table.to_pylist()
    i = next(k for k, r in enumerate(rows) if r["src_ids"] and r["tgt_ids"])
    rows[i]["src_text"], rows[i]["tgt_text"] = src, tgt
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    write_manifest(path.parents[1])  # as a build would, so that the export reads the edited rows
    pair = rows[i]["pair"]
    want = expected_rows(root, pair=pair)
    exported = bool(src.strip() and tgt.strip())
    assert (rows[i]["bead_id"] in [r["bead_id"] for r in want]) is exported
    src_lang, tgt_lang = want[0]["src_lang"], want[0]["tgt_lang"]
    for fmt in ("moses", "jsonl", "tsv", "tmx"):
        out = root.parent / fmt
        xml_safe = all(c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD or ord(c) > 0xFFFF
                       for c in src + tgt)
        if fmt == "tmx" and exported and not xml_safe:
            assert run_cli(["--format", fmt, "--out", str(out), "--corpus", str(root), "--pair", pair]) == 2
            continue
        assert run_cli(["--format", fmt, "--out", str(out), "--corpus", str(root), "--pair", pair]) == 0
        stem = out / f"corpus.{pair}"
        if fmt == "moses":
            got = list(zip(*(Path(f"{stem}.{lang}").read_text(encoding="utf-8").split("\n")[:-1]
                             for lang in (src_lang, tgt_lang))))
            assert got == [(one_line(r["src_text"]), one_line(r["tgt_text"])) for r in want]
        elif fmt == "jsonl":
            got = [json.loads(line)["translation"] for line in Path(f"{stem}.jsonl").read_text(encoding="utf-8").splitlines()]
            assert got == [{src_lang: r["src_text"], tgt_lang: r["tgt_text"]} for r in want]
        elif fmt == "tsv":
            with open(f"{stem}.tsv", encoding="utf-8", newline="") as handle:
                got = [tuple(row[:2]) for row in csv.reader(handle, delimiter="\t")][1:]
            assert got == [(r["src_text"], r["tgt_text"]) for r in want]
        else:
            units = ET.parse(f"{stem}.tmx").getroot().find("body").findall("tu")
            got = [{tuv.get(XML_LANG): tuv.find("seg").text or "" for tuv in tu.findall("tuv")} for tu in units]
            assert got == [{src_lang: r["src_text"].replace("\r\n", "\n").replace("\r", "\n"),
                            tgt_lang: r["tgt_text"].replace("\r\n", "\n").replace("\r", "\n")} for r in want]
    shutil.rmtree(root.parent)
