"""`diglot build` replaces only a diglot corpus, cleans up after killed builds,
refuses changed data without the release the rules call for, and reads gold
files only from inside seeds/, pinned by SHA-256."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from conftest import set_version, tree_bytes

from diglot import pipeline
from diglot.cli import main
from diglot.errors import DiglotError, SeedError

GOLD = "gold/it-000__bn-002.txt"


def run(args: list[str], capsys) -> tuple[int, str]:
    code = main(["build", "--quiet", *args])
    return code, capsys.readouterr().err


def one_line_refusal(err: str, *words: str) -> None:
    lines = [line for line in err.splitlines() if line.startswith("diglot build: error:")]
    assert len(lines) == 1 and all(w in lines[0] for w in words), err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- --out


def test_out_seeds_is_refused_and_kept(fast_seeds: Path, capsys):
    before = tree_bytes(fast_seeds)
    code, err = run(["--seeds", str(fast_seeds), "--out", str(fast_seeds)], capsys)
    assert code == 2
    one_line_refusal(err, str(fast_seeds), "refusing to replace it: not a diglot corpus")
    assert tree_bytes(fast_seeds) == before


def test_out_a_folder_of_user_files_is_refused_and_kept(fast_seeds: Path, tmp_path: Path, capsys):
    mine = tmp_path / "thesis"
    (mine / "chapters").mkdir(parents=True)
    (mine / "chapters" / "1.tex").write_text("my work\n")
    (mine / "README.md").write_text("---\ncorpus_version: 1.0.0\n---\nlooks like a card\n")
    before = tree_bytes(mine)
    code, err = run(["--seeds", str(fast_seeds), "--out", str(mine)], capsys)
    assert code == 2
    one_line_refusal(err, str(mine), "not a diglot corpus")
    assert tree_bytes(mine) == before


def test_out_dot_is_refused(fast_seeds: Path, tmp_path: Path, capsys, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("keep me\n")
    monkeypatch.chdir(work)
    code, err = run(["--seeds", str(fast_seeds), "--out", "."], capsys)
    assert code == 2
    one_line_refusal(err, "refusing to replace it")
    assert (work / "notes.txt").read_text() == "keep me\n"


def test_a_corpus_with_a_stray_file_is_refused(fast_seeds: Path, tmp_path: Path, capsys):
    out = pipeline.build(fast_seeds, tmp_path / "corpus")
    (out / "my-notes.txt").write_text("mine\n")
    code, err = run(["--seeds", str(fast_seeds), "--out", str(out)], capsys)
    assert code == 2
    one_line_refusal(err, "my-notes.txt is not one of its files")
    assert (out / "my-notes.txt").is_file()


def test_a_corpus_is_replaced_and_leftovers_of_killed_builds_are_removed(fast_seeds: Path, tmp_path: Path):
    out = pipeline.build(fast_seeds, tmp_path / "corpus")
    for leftover in (".corpus.building-abc123", ".corpus.old-def456"):
        (tmp_path / leftover / "documents").mkdir(parents=True)
    (tmp_path / ".corpus.building-abc123" / "documents" / "train.parquet").write_bytes(b"half")
    before = tree_bytes(out)
    pipeline.build(fast_seeds, out)
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".corpus.")) == []


def test_a_second_build_into_the_same_folder_is_refused_while_one_runs(fast_seeds: Path, tmp_path: Path, capsys):
    """The running build's staging folder looks like a leftover: a second build must not remove it."""
    from diglot import corpus_folder

    out = pipeline.build(fast_seeds, tmp_path / "corpus")
    staging = tmp_path / ".corpus.building-running"
    (staging / "documents").mkdir(parents=True)
    before = tree_bytes(out)
    with corpus_folder.exclusive(out):  # as the running build holds it
        code, err = run(["--seeds", str(fast_seeds), "--out", str(out)], capsys)
    assert code == 2
    one_line_refusal(err, str(out), "another diglot build is writing it")
    assert staging.is_dir() and tree_bytes(out) == before
    pipeline.build(fast_seeds, out)  # the lock went with the first build
    assert not staging.exists()


def test_the_build_lock_leaves_no_file_and_survives_a_holder_leaving_between_open_and_lock(tmp_path, monkeypatch):
    import fcntl

    from diglot import corpus_folder

    out = tmp_path / "corpus"
    lock = corpus_folder.lock_path(out)
    flock = fcntl.flock
    held = []

    def leaving_first(fd, op):
        # the build before us removes its lock file after we opened it and before we lock it
        if not held:
            held.append(fd)
            lock.unlink()
        return flock(fd, op)

    monkeypatch.setattr(fcntl, "flock", leaving_first)
    with corpus_folder.exclusive(out):
        monkeypatch.setattr(fcntl, "flock", flock)
        assert held, "the lock was taken without the holder leaving"
        other = os.open(lock, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):  # the file at the lock's name is the one held
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(other)
        with pytest.raises(DiglotError, match="another diglot build"):
            with corpus_folder.exclusive(out):
                pass
    assert not lock.exists()


def test_leftovers_are_git_ignored():
    from conftest import REPO

    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".*.building-*/" in ignored and ".*.old-*/" in ignored


# --------------------------------------------------------------------------- release rules


def change_gold(seeds: Path) -> None:
    """A data change: two 1-1 gold beads merged into one 2-2 bead."""
    path = seeds / GOLD
    text = path.read_text(encoding="utf-8")
    assert "\n[0]:[1]\n[1]:[2]\n" in text
    data = text.replace("\n[0]:[1]\n[1]:[2]\n", "\n[0, 1]:[1, 2]\n").encode()
    old = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_bytes(data)
    manifest = seeds / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(old, hashlib.sha256(data).hexdigest()),
                        encoding="utf-8")


def test_changed_data_needs_a_minor_bump_and_a_changelog_entry(fast_seeds: Path, tmp_path: Path, capsys):
    from diglot.manifest import read_manifest

    version = read_manifest(fast_seeds).version
    major, minor, _ = (int(x) for x in version.split("."))
    changelog = fast_seeds / "CHANGELOG.md"
    original = changelog.read_text(encoding="utf-8")
    out = pipeline.build(fast_seeds, tmp_path / "corpus")
    before = tree_bytes(out)
    change_gold(fast_seeds)
    code, err = run(["--seeds", str(fast_seeds), "--out", str(out)], capsys)
    assert code == 2
    one_line_refusal(err, "the data changed since corpus", f"but the version is still {version}",
                     f"release it as {major}.{minor + 1}.0")
    assert tree_bytes(out) == before

    set_version(fast_seeds, f"{major + 1}.0.0")  # too big a bump for a data change
    code, err = run(["--seeds", str(fast_seeds), "--out", str(out)], capsys)
    one_line_refusal(err, f"a data change after {version} must be released as {major}.{minor + 1}.0, not {major + 1}.0.0")

    changelog.write_text(original, encoding="utf-8")
    set_version(fast_seeds, f"{major}.{minor + 1}.0", entry=False)  # right version, no CHANGELOG entry
    code, err = run(["--seeds", str(fast_seeds), "--out", str(out)], capsys)
    one_line_refusal(err, "CHANGELOG.md", f"add a '## [{major}.{minor + 1}.0]")
    assert tree_bytes(out) == before

    set_version(fast_seeds, f"{major}.{minor + 1}.0")
    assert run(["--seeds", str(fast_seeds), "--out", str(out)], capsys)[0] == 0
    from diglot.integrity import verify

    assert verify(out) == []


# --------------------------------------------------------------------------- gold files


def set_gold(seeds: Path, file: str, sha256: str | None = None) -> None:
    """Point the manifest's [[gold]] table at `file` (and pin `sha256`)."""
    import tomllib

    manifest = seeds / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    gold = tomllib.loads(text)["gold"][0]
    text = text.replace(f'file = "{gold["file"]}"', f'file = "{file}"')
    if sha256 is not None:
        text = text.replace(f'sha256 = "{gold["sha256"]}"', f'sha256 = "{sha256}"')
    manifest.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("file", ["../../../../etc/passwd", "/etc/passwd", "gold/../../x.txt"])
def test_gold_outside_seeds_is_refused_without_reading_it(fast_seeds: Path, tmp_path: Path, file: str):
    set_gold(fast_seeds, file)
    with pytest.raises(SeedError, match="must be a plain relative path inside the seeds folder") as err:
        pipeline.build(fast_seeds, tmp_path / "corpus")
    assert "root:" not in str(err.value)


def test_gold_symlink_out_of_seeds_is_refused(fast_seeds: Path, tmp_path: Path):
    (fast_seeds / "gold" / "link.txt").symlink_to("/etc/passwd")
    set_gold(fast_seeds, "gold/link.txt", hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest())
    with pytest.raises(SeedError, match="symlinks are refused"):
        pipeline.build(fast_seeds, tmp_path / "corpus")


def test_gold_is_pinned_by_sha256(fast_seeds: Path, tmp_path: Path):
    path = fast_seeds / GOLD
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(SeedError, match=r"it-000__bn-002.txt: SHA-256 .* does not match the manifest"):
        pipeline.build(fast_seeds, tmp_path / "corpus")
    manifest = fast_seeds / "manifest.toml"
    manifest.write_text(re.sub(r'(file = "gold/[^"]+")\nsha256 = "[0-9a-f]+"', r"\1", manifest.read_text(encoding="utf-8")),
                        encoding="utf-8")
    with pytest.raises(SeedError, match=r"\[\[gold\]\] entry 1: missing or empty sha256"):
        pipeline.build(fast_seeds, tmp_path / "corpus")


def test_gold_not_utf8_is_one_line(fast_seeds: Path, tmp_path: Path, capsys):
    data = "[0]:[0] # perché\n".encode("latin-1")
    (fast_seeds / GOLD).write_bytes(data)
    set_gold(fast_seeds, GOLD, hashlib.sha256(data).hexdigest())
    code, err = run(["--seeds", str(fast_seeds), "--out", str(tmp_path / "corpus")], capsys)
    assert code == 2
    one_line_refusal(err, "it-000__bn-002.txt: not UTF-8 text (byte 0xe9")
