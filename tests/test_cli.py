"""The `diglot` command line: the conventions of the field's tools ('-', -o, quiet
closed pipes, checked language tags, BOMs, Vecalign's format, job files) and
one line on stderr for every error a user can cause."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_cli, set_seed_bytes

from diglot.align.vecalign_io import parse_alignments

SRC = ["Der Piz Buin ist 3312 m hoch.", "Wir stiegen um 4 Uhr auf.", "Das Wetter war schlecht.",
       "Am Gipfel sahen wir nichts, nur Nebel.", "Um 14 Uhr waren wir zurück in Guarda."]
TGT = ["Le Piz Buin culmine à 3312 m.", "Nous sommes partis à 4 heures.", "Le temps était mauvais.",
       "Au sommet, nous ne vîmes rien que du brouillard.", "À 14 heures, nous étions de retour à Guarda."]
LEXICAL = ["--src-lang", "de", "--tgt-lang", "fr", "--embedder", "lexical"]


def one_line_error(err: str, command: str, *words: str) -> str:
    """The single error line of a refused command, checked to name what it must.

    A command that reads a corpus first says which one it uses (issue 13); that
    note is not part of the error."""
    lines = [line for line in err.splitlines() if not line.startswith(f"diglot {command}: using corpus ")]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert lines[0].startswith(f"diglot {command}: error: "), lines[0]
    assert all(w in lines[0] for w in words), lines[0]
    return lines[0]


def diglot(*argv, stdout=subprocess.PIPE, **kwargs) -> subprocess.CompletedProcess:
    """The command in its own process (for a real stdout: pipes, full disks)."""
    return subprocess.run([sys.executable, "-m", "diglot.cli", *map(str, argv)], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, **kwargs)


@pytest.fixture
def docs(tmp_path) -> tuple[Path, Path]:
    src, tgt = tmp_path / "doc.de", tmp_path / "doc.fr"
    src.write_text("\n".join(SRC) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(TGT) + "\n", encoding="utf-8")
    return src, tgt


@pytest.fixture
def read_only_dir(tmp_path):
    """A folder nobody can write into, root included (chmod, and the immutable flag for root)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:  # root writes through permissions: use the immutable flag (chattr, e2fsprogs)
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        if made.returncode:
            pytest.fail(f"as root, a read-only folder needs `chattr +i`, which failed: {made.stderr.strip()}")
    probe = folder / "probe"
    try:
        probe.mkdir()
    except OSError:
        pass
    else:
        pytest.fail(f"could not make {folder} read-only on this file system")
    yield folder
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(0o755)


def stdin_bytes(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# --------------------------------------------------------------------------- '-' and -o


def test_dash_reads_stdin_and_output_goes_to_a_file(docs, tmp_path, monkeypatch, capsys):
    src, tgt = docs
    assert run_cli("align", src, tgt, *LEXICAL) == 0
    expected = capsys.readouterr().out
    stdin_bytes(monkeypatch, tgt.read_bytes())
    out = tmp_path / "beads.txt"
    assert run_cli("align", src, "-", *LEXICAL, "-o", out) == 0
    assert capsys.readouterr().out == ""
    assert out.read_text(encoding="utf-8") == expected
    stdin_bytes(monkeypatch, src.read_bytes())
    assert run_cli("align", "-", tgt, *LEXICAL, "--output", "-") == 0
    assert capsys.readouterr().out == expected


def test_stdin_only_once(docs, capsys):
    assert run_cli("align", "-", "-", *LEXICAL) == 2
    one_line_error(capsys.readouterr().err, "align", "'-'", "one stdin")
    assert run_cli("eval", "-", "-") == 2
    one_line_error(capsys.readouterr().err, "eval", "'-'")


def test_eval_reads_stdin_and_prints_json(docs, tmp_path, monkeypatch, capsys):
    from diglot.align.evaluate import score

    gold = tmp_path / "gold.txt"
    gold.write_text("[0]:[0]\n[1]:[1]\n[2, 3]:[2, 3]\n[4]:[4]\n", encoding="utf-8")
    pred = "[0]:[0]:0.1\n[1]:[1]:0.2\n[2]:[2]:0.3\n[3]:[3]:0.2\n[4]:[4]:0.1\n"
    stdin_bytes(monkeypatch, pred.encode())
    assert run_cli("eval", gold, "-", "--json") == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores == score([(parse_alignments(gold.read_text()), parse_alignments(pred))]).as_dict()
    assert scores["precision_strict"] == 3 / 5 and scores["recall_strict"] == 3 / 4


def test_export_to_stdout_is_the_file_it_would_write(corpus, tmp_path, capsys):
    assert run_cli("export", "--format", "jsonl", "--out", tmp_path / "out", "--corpus", corpus) == 0
    (written,) = (tmp_path / "out").iterdir()
    capsys.readouterr()
    assert run_cli("export", "--format", "jsonl", "--out", "-", "--corpus", corpus) == 0
    assert capsys.readouterr().out == written.read_text(encoding="utf-8")
    assert not (Path.cwd() / "-").exists()
    assert run_cli("export", "--format", "moses", "--out", "-", "--corpus", corpus) == 2
    one_line_error(capsys.readouterr().err, "export", "--out -", "2 files", "give a folder")


def test_export_to_a_file_named_for_its_format_is_that_file(corpus, tmp_path, capsys):
    assert run_cli("export", "--format", "tsv", "--out", tmp_path / "out", "--corpus", corpus) == 0
    (written,) = (tmp_path / "out").iterdir()
    assert run_cli("export", "--format", "tsv", "--out", tmp_path / "pairs.tsv", "--corpus", corpus) == 0
    assert (tmp_path / "pairs.tsv").is_file()
    assert (tmp_path / "pairs.tsv").read_text(encoding="utf-8") == written.read_text(encoding="utf-8")
    # a folder of that name stays a folder, and moses (two files) never names one file
    (tmp_path / "dir.tsv").mkdir()
    assert run_cli("export", "--format", "tsv", "--out", tmp_path / "dir.tsv", "--corpus", corpus) == 0
    assert (tmp_path / "dir.tsv" / written.name).is_file()
    assert run_cli("export", "--format", "moses", "--out", tmp_path / "m.moses", "--corpus", corpus) == 0
    assert (tmp_path / "m.moses").is_dir()


# --------------------------------------------------------------------------- closed pipes, full disks


@pytest.mark.parametrize("argv", [("eval", "{gold}", "{gold}"), ("align", "{src}", "{tgt}", *LEXICAL)])
def test_a_closed_pipe_is_quiet(argv, docs, tmp_path):
    src, tgt = docs
    gold = tmp_path / "gold.txt"
    gold.write_text("".join(f"[{k}]:[{k}]\n" for k in range(5)), encoding="utf-8")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line, as `| head -0` does
    try:
        done = diglot(*(a.format(gold=gold, src=src, tgt=tgt) for a in argv), stdout=write_end)
    finally:
        os.close(write_end)
    assert done.stderr == "" and done.returncode == 0


def test_a_full_disk_is_one_line(docs, tmp_path):
    src, tgt = docs
    with open("/dev/full", "w") as full:
        done = diglot("align", src, tgt, *LEXICAL, stdout=full)
    assert done.returncode == 2
    assert one_line_error(done.stderr, "align") == "diglot align: error: <stdout>: No space left on device"
    done = diglot("align", src, tgt, *LEXICAL, "-o", "/dev/full")
    assert done.returncode == 2
    one_line_error(done.stderr, "align", "/dev/full: No space left on device")


def test_an_output_that_cannot_be_written_is_one_line_and_keeps_the_old_file(docs, tmp_path, read_only_dir, capsys):
    src, tgt = docs
    assert run_cli("align", src, tgt, *LEXICAL, "-o", read_only_dir / "beads.txt") == 2
    one_line_error(capsys.readouterr().err, "align", str(read_only_dir / "beads.txt"))
    assert run_cli("align", src, tgt, *LEXICAL, "-o", tmp_path / "no" / "such" / "beads.txt") == 2
    one_line_error(capsys.readouterr().err, "align", "beads.txt: No such file or directory")
    kept = tmp_path / "kept.txt"
    kept.write_text("earlier\n")
    (tmp_path / "bad.fr").write_bytes(b"\xff\n")
    assert run_cli("align", src, tmp_path / "bad.fr", *LEXICAL, "-o", kept) == 2
    assert kept.read_text() == "earlier\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


# --------------------------------------------------------------------------- input checks


@pytest.mark.parametrize("code", ["xx", "", "deutsch", "de--CH"])
def test_language_codes_are_bcp47(code, docs, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_cli("align", *docs, "--src-lang", code, "--tgt-lang", "fr", "--embedder", "lexical")
    assert exit_info.value.code == 2
    one_line_error(capsys.readouterr().err, "align", "--src-lang", f"{code!r} is not a language code", "BCP-47", "pt-BR")


def test_language_codes_are_standardised(docs, tmp_path, capsys):
    raw = tmp_path / "raw.de"
    raw.write_text("Das ist z.B. ein Satz. Und noch einer.", encoding="utf-8")
    sents = tmp_path / "sents.de", tmp_path / "sents.fr"
    assert run_cli("align", raw, docs[1], "--src-lang", "DE_ch", "--tgt-lang", "fra", "--embedder", "lexical",
                   "--segment", "--sentences-out", *sents) == 0
    assert sents[0].read_text(encoding="utf-8") == "Das ist z.B. ein Satz.\nUnd noch einer.\n"


def test_a_bom_is_dropped(docs, tmp_path, capsys):
    src, tgt = docs
    bom_src = tmp_path / "bom.de"
    bom_src.write_bytes(b"\xef\xbb\xbf" + src.read_bytes())
    assert run_cli("align", bom_src, tgt, *LEXICAL, "--format", "tsv") == 0
    assert capsys.readouterr().out.splitlines()[0].split("\t")[4] == SRC[0]
    raw = tmp_path / "bom.txt"
    raw.write_bytes(b"\xef\xbb\xbf" + " ".join(SRC).encode())
    sents = tmp_path / "s.de", tmp_path / "s.fr"
    assert run_cli("align", raw, raw, *LEXICAL, "--segment", "--sentences-out", *sents) == 0
    assert sents[0].read_text(encoding="utf-8").splitlines() == SRC


# --------------------------------------------------------------------------- formats


def test_vecalign_format_is_what_vecalign_prints(docs, capsys):
    from sentalign.dp_utils import print_alignments

    from diglot.align import align
    from diglot.align.formats import vecalign_cost

    src, tgt = docs
    extra = src.read_text(encoding="utf-8") + "Dieser Satz fehlt im Französischen.\n"
    src.write_text(extra, encoding="utf-8")
    assert run_cli("align", src, tgt, *LEXICAL) == 0
    ours = capsys.readouterr().out
    beads = align(extra.splitlines(), TGT, embedder="lexical")
    assert any(not b.tgt for b in beads), "the test needs a deletion"
    theirs = io.StringIO()
    print_alignments([(list(b.src), list(b.tgt)) for b in beads], scores=[vecalign_cost(b) for b in beads],
                     ofile=theirs)
    assert ours == theirs.getvalue()
    costs = [float(line.rsplit(":", 1)[1]) for line in ours.splitlines()]
    assert all(c == 0.0 for c, b in zip(costs, beads) if not b.src or not b.tgt)
    assert all(c == pytest.approx(1 - b.score, abs=1e-6) for c, b in zip(costs, beads) if b.src and b.tgt)


def test_vecalign_readers_read_our_file(docs, tmp_path):
    from sentalign.dp_utils import read_alignments

    out = tmp_path / "beads.txt"
    assert run_cli("align", *docs, *LEXICAL, "-o", out) == 0
    assert read_alignments(out) == [([k], [k]) for k in range(5)]


def test_segment_writes_the_sentences_the_indices_point_at(tmp_path, capsys):
    raw_src, raw_tgt = tmp_path / "raw.de", tmp_path / "raw.fr"
    raw_src.write_text(" ".join(SRC[:2]) + "\n\n" + " ".join(SRC[2:]), encoding="utf-8")
    raw_tgt.write_text(" ".join(TGT), encoding="utf-8")
    sents = tmp_path / "sents.de", tmp_path / "sents.fr"
    assert run_cli("align", raw_src, raw_tgt, *LEXICAL, "--segment", "--sentences-out", *sents,
                   "--format", "tsv") == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    src_lines = sents[0].read_text(encoding="utf-8").splitlines()
    tgt_lines = sents[1].read_text(encoding="utf-8").splitlines()
    assert src_lines == SRC and tgt_lines == TGT
    for row in rows:
        assert row[4] == " ".join(src_lines[int(i)] for i in row[0].split(",") if i)
        assert row[5] == " ".join(tgt_lines[int(j)] for j in row[1].split(",") if j)
    assert run_cli("align", *sents, *LEXICAL, "--sentences-out", *sents) == 2
    one_line_error(capsys.readouterr().err, "align", "only with --segment")


def test_jsonl_carries_score_and_confidence_when_beads_have_it(docs, capsys):
    assert run_cli("align", *docs, *LEXICAL, "--format", "jsonl") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    from diglot.align import Bead

    has_confidence = "confidence" in getattr(Bead, "__dataclass_fields__", {})
    assert all(("confidence" in r) == has_confidence and 0.0 <= r["score"] <= 1.0 for r in rows)


# --------------------------------------------------------------------------- job files


def test_a_job_file_aligns_every_pair_with_one_embedder(docs, tmp_path, monkeypatch, capsys):
    import diglot.align

    src, tgt = docs
    assert run_cli("align", src, tgt, *LEXICAL) == 0
    single = capsys.readouterr().out
    raw = tmp_path / "raw.fr"
    raw.write_text(" ".join(TGT), encoding="utf-8")
    jobs = tmp_path / "jobs.txt"
    jobs.write_text(f"# SRC TGT OUT\n{src} {tgt} {tmp_path / 'one.align'}\n\n"
                    f"{src} '{tgt}' '{tmp_path / 'two words.align'}'\n", encoding="utf-8")
    made = []
    real = diglot.align.get_embedder
    monkeypatch.setattr(diglot.align, "get_embedder", lambda *a, **k: made.append(a) or real(*a, **k))
    assert run_cli("align", "--jobs", jobs, *LEXICAL) == 0
    assert len(made) == 1
    assert (tmp_path / "one.align").read_text() == single == (tmp_path / "two words.align").read_text()


def test_job_files_with_sentences_and_bad_lines(docs, tmp_path, capsys):
    src, tgt = docs
    raw = tmp_path / "raw.de"
    raw.write_text(" ".join(SRC), encoding="utf-8")
    jobs = tmp_path / "jobs.txt"
    out, sents = tmp_path / "out.align", (tmp_path / "s.de", tmp_path / "s.fr")
    jobs.write_text(f"{raw} {tgt} {out} {sents[0]} {sents[1]}\n", encoding="utf-8")
    assert run_cli("align", "--jobs", jobs, *LEXICAL, "--segment") == 0
    assert sents[0].read_text(encoding="utf-8").splitlines() == SRC and out.is_file()
    jobs.write_text(f"{src} {tgt} {out}\n{src} {tgt}\n", encoding="utf-8")
    assert run_cli("align", "--jobs", jobs, *LEXICAL) == 2
    one_line_error(capsys.readouterr().err, "align", f"{jobs}:2: expected 'SRC TGT OUT'", "got 2 field(s)")
    assert run_cli("align", src, tgt, "--jobs", jobs, *LEXICAL) == 2
    one_line_error(capsys.readouterr().err, "align", "--jobs FILE lists the files")
    assert run_cli("align", *LEXICAL) == 2
    one_line_error(capsys.readouterr().err, "align", "give SRC and TGT, or --jobs FILE")


# --------------------------------------------------------------------------- errors of the other commands


def test_export_into_a_read_only_folder_or_a_missing_parent(corpus, read_only_dir, tmp_path, capsys):
    target = read_only_dir / "export"
    assert run_cli("export", "--format", "tsv", "--out", target, "--corpus", corpus) == 2
    one_line_error(capsys.readouterr().err, "export", str(target))
    deep = tmp_path / "missing" / "parent" / "export"
    code = run_cli("export", "--format", "tsv", "--out", deep, "--corpus", corpus)
    out, err = capsys.readouterr()
    # missing parents are created, as `mkdir -p` would
    assert code == 0 and out.strip() == str(deep / "corpus.it-bn.tsv")
    assert "error" not in err


def test_build_into_the_current_folder_or_an_unwritable_one(fast_seeds, tmp_path, read_only_dir):
    work = tmp_path / "work"
    work.mkdir()
    (work / "keep.txt").write_text("mine\n")
    done = diglot("build", "--seeds", fast_seeds, "--out", ".", "--quiet", cwd=work)
    assert done.returncode == 2
    one_line_error(done.stderr, "build")
    assert (work / "keep.txt").read_text() == "mine\n", "nothing of the folder is lost"
    done = diglot("build", "--seeds", fast_seeds, "--out", read_only_dir / "corpus", "--quiet")
    assert done.returncode == 2
    one_line_error(done.stderr, "build", str(read_only_dir))


def test_verify_with_a_binary_lock_file(corpus, tmp_path, capsys):
    lock = tmp_path / "binary.lock"
    lock.write_bytes(bytes(range(256)))
    assert run_cli("verify", corpus, "--lock", lock) == 2
    assert one_line_error(capsys.readouterr().err, "verify") == (
        f"diglot verify: error: {lock}: not UTF-8 text (byte 0x80 at offset 128: invalid start byte)")


def test_a_gold_file_that_is_not_utf8(fast_seeds, tmp_path, capsys):
    gold = tmp_path / "gold.txt"
    gold.write_bytes("[0]:[0]  # café\n".encode("latin-1"))
    assert run_cli("eval", gold, gold) == 2
    one_line_error(capsys.readouterr().err, "eval", f"{gold}: not UTF-8 text (byte 0xe9 at offset 14")
    seed_gold = fast_seeds / "gold" / "it-000__bn-002.txt"
    set_seed_bytes(fast_seeds, "gold/it-000__bn-002.txt", seed_gold.read_bytes() + "# é\n".encode("latin-1"))
    assert run_cli("build", "--seeds", fast_seeds, "--out", tmp_path / "corpus", "--quiet") == 2
    one_line_error(capsys.readouterr().err, "build", f"{seed_gold}: not UTF-8 text")
    assert not (tmp_path / "corpus").exists()


def test_a_real_publish_while_offline(corpus, monkeypatch, tmp_path, capsys):
    import huggingface_hub.constants

    def unreachable(*args, **kwargs):
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket.socket, "connect", unreachable)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_TOKEN", "hf_offline_test_token")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)  # conftest's default: offline mode
    assert run_cli("publish", "--repo-id", "org/name", "--corpus", corpus) == 1
    one_line_error(capsys.readouterr().err, "publish", "https://huggingface.co/", "the Hub request failed")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    assert run_cli("publish", "--repo-id", "org/name", "--corpus", corpus) == 1
    one_line_error(capsys.readouterr().err, "publish", "offline mode is enabled")


# --------------------------------------------------------------------------- help


def test_every_subcommand_shows_an_example(capsys):
    from diglot.cli import COMMANDS

    for name in COMMANDS:
        with pytest.raises(SystemExit) as exit_info:
            run_cli(name, "--help")
        assert exit_info.value.code == 0
        text = capsys.readouterr().out
        assert "examples:" in text and f"  diglot {name}" in text.split("examples:", 1)[1], name


def test_the_readme_commands_exist():
    """Every `diglot X` the README shows is a subcommand."""
    from diglot.cli import COMMANDS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = {line.split()[1] for line in readme.splitlines() if line.startswith("diglot ")}
    assert shown and shown <= set(COMMANDS)
