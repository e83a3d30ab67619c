"""Release rules and `diglot publish`, without the network.

The Hub is never called: `huggingface_hub.HfApi` is replaced by a recorder
(whose calls are checked against the real HfApi signatures) and sockets
refuse to connect for every test in this file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import shutil
import socket
from pathlib import Path
from types import SimpleNamespace

import huggingface_hub
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import conftest
from huggingface_hub import DatasetCard

import diglot
from diglot import release
from diglot.errors import CorpusError, DiglotError
from diglot.integrity import verify, write_manifest

SOURCE = diglot.corpus_dir()
REAL_HFAPI = huggingface_hub.HfApi


def run_cli(argv: list[str]) -> int:
    return conftest.run_cli("publish", *argv)


class RecordingApi:
    """Stands in for HfApi: records each call after binding it to the real signature."""

    calls: list[tuple[str, dict]] = []
    existing_tags: list[str] = []

    def __init__(self, *args, **kwargs):
        inspect.signature(REAL_HFAPI.__init__).bind(self, *args, **kwargs)

    def _record(self, name, *args, **kwargs):
        bound = inspect.signature(getattr(REAL_HFAPI, name)).bind(self, *args, **kwargs)
        arguments = dict(bound.arguments)
        arguments.pop("self")
        type(self).calls.append((name, arguments))

    def create_repo(self, *args, **kwargs):
        self._record("create_repo", *args, **kwargs)

    def list_repo_refs(self, *args, **kwargs):
        self._record("list_repo_refs", *args, **kwargs)
        return SimpleNamespace(tags=[SimpleNamespace(name=t, ref=f"refs/tags/{t}") for t in type(self).existing_tags],
                               branches=[SimpleNamespace(name="main")], converts=[], pull_requests=None)

    def upload_folder(self, *args, **kwargs):
        self._record("upload_folder", *args, **kwargs)
        return SimpleNamespace(oid="0123456789abcdef0123456789abcdef01234567",
                               commit_url="https://huggingface.co/datasets/org/name/commit/0123456")

    def create_tag(self, *args, **kwargs):
        self._record("create_tag", *args, **kwargs)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    RecordingApi.calls = []
    RecordingApi.existing_tags = []
    monkeypatch.setattr(huggingface_hub, "HfApi", RecordingApi)


def card_version(root: Path) -> str:
    return DatasetCard.load(root / "README.md").data.corpus_version


def all_files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("version,change,expected", [
    ("1.0.0", "data", "1.1.0"), ("1.4.2", "data", "1.5.0"),
    ("1.4.2", "schema", "2.0.0"), ("0.9.9", "schema", "1.0.0"),
    ("1.4.2", "docs", "1.4.3"), ("1.4.2", "none", "1.4.2"),
])
def test_bump(version, change, expected):
    assert release.bump(version, change) == expected


def test_bump_and_tag_refuse_non_semver():
    for bad in ("1.0", "v1.0.0", "1.0.0-rc1", "01.0.0"):
        with pytest.raises(DiglotError):
            release.bump(bad, "data")
        with pytest.raises(DiglotError):
            release.tag_for(bad)
    assert release.tag_for("1.2.3") == "corpus-v1.2.3"


def set_version(root: Path, version: str, note: str) -> None:
    """Release `root` as `version`, as `diglot build` would: card (with its
    release record), documents rows, CHANGELOG, manifest."""
    card = DatasetCard.load(root / "README.md")
    card.data.release = {"previous": card.data.corpus_version, "previous_configs": card.data.release["configs"],
                         "configs": release.folder_fingerprint(root)}
    card.data.corpus_version = version
    card.save(root / "README.md")
    path = root / "documents" / "train.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("corpus_version")
    table = table.set_column(index, table.schema.field(index), pa.array([version] * table.num_rows, pa.string()))
    pq.write_table(table, path)
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    first = text.index("\n## [")
    entry = f"\n## [{version}] - {dt.date.today().isoformat()}\n\n- {note}\n"
    changelog.write_text(text[:first] + entry + text[first:], encoding="utf-8")
    write_manifest(root)


def test_classify_and_check_release(corpus: Path, tmp_path: Path):
    old = corpus
    version = card_version(old)
    assert release.classify(old, old) == "none"
    assert release.check_release(old, old) == []

    # a data change: one sentence's confidence moves
    data = tmp_path / "data"
    shutil.copytree(old, data)
    path = data / "sentences" / "train.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("lang_confidence")
    column = pc.multiply(table["lang_confidence"], 0.5)
    pq.write_table(table.set_column(index, table.schema.field(index), column), path)
    assert release.classify(old, data) == "data"
    assert release.check_release(old, data) == [
        f"a data change after {version} must be released as {release.bump(version, 'data')}, not {version}"]
    set_version(data, release.bump(version, "data"), "sentence confidences recomputed")
    assert verify(data) == [], "a correctly released corpus must pass verify"
    assert release.check_release(old, data) == []
    set_version(data, release.bump(version, "schema"), "wrong bump")
    assert release.check_release(old, data) != []

    # a schema change: a new column
    schema = tmp_path / "schema"
    shutil.copytree(old, schema)
    path = schema / "sentences" / "train.parquet"
    table = pq.read_table(path)
    pq.write_table(table.append_column("extra", pa.array([0] * table.num_rows, pa.int32())), path)
    assert release.classify(old, schema) == "schema"
    assert release.classify(data, schema) == "schema"

    # a config removed is a schema change; one added beside unchanged ones is a data change
    fewer = tmp_path / "fewer"
    shutil.copytree(old, fewer)
    shutil.rmtree(fewer / "sentences")
    assert release.classify(old, fewer) == "schema"
    assert release.classify(fewer, old) == "data"

    # prose only
    docs = tmp_path / "docs"
    shutil.copytree(old, docs)
    card = docs / "README.md"
    card.write_text(card.read_text(encoding="utf-8") + "\nA clarified paragraph.\n", encoding="utf-8")
    assert release.classify(old, docs) == "docs"
    assert release.check_release(old, docs) == [
        f"a docs change after {version} must be released as {release.bump(version, 'docs')}, not {version}"]


# --------------------------------------------------------------------------- publish


def test_dry_run_prints_every_file_and_sends_nothing(corpus: Path, capsys):
    assert run_cli(["--repo-id", "diglot-org/diglot", "--dry-run", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert RecordingApi.calls == []
    version = card_version(corpus)
    assert "repo_id: diglot-org/diglot" in out
    assert f"tag: corpus-v{version}" in out
    files = all_files(corpus)
    assert {"README.md", "CHANGELOG.md", "SHA256SUMS"} <= set(files)
    listed = [line.split() for line in out.splitlines() if line.startswith("  ") and len(line.split()) == 3
              and len(line.split()[0]) == 64]
    assert sorted(row[2] for row in listed) == sorted(files)
    for digest, size, rel in listed:
        assert digest == hashlib.sha256(files[rel].read_bytes()).hexdigest()
        assert int(size) == files[rel].stat().st_size
    assert f"files: {len(files)}, {sum(p.stat().st_size for p in files.values())} bytes" in out


def test_publish_uploads_then_tags(corpus: Path, capsys):
    assert run_cli(["--repo-id", "diglot-org/diglot", "--corpus", str(corpus)]) == 0
    names = [name for name, _ in RecordingApi.calls]
    assert names == ["create_repo", "list_repo_refs", "upload_folder", "create_tag"]
    calls = dict(RecordingApi.calls)
    assert calls["create_repo"]["repo_type"] == "dataset" and calls["create_repo"]["exist_ok"] is True
    upload = calls["upload_folder"]
    assert upload["repo_id"] == "diglot-org/diglot" and upload["repo_type"] == "dataset"
    assert Path(upload["folder_path"]) == corpus
    # the allow patterns select exactly the corpus's files, as huggingface_hub applies them
    from huggingface_hub.utils import filter_repo_objects

    files = sorted(all_files(corpus))
    assert sorted(filter_repo_objects(files, allow_patterns=upload["allow_patterns"])) == files
    assert list(filter_repo_objects(["stray.txt", "sentences/x.parquet"], allow_patterns=upload["allow_patterns"])) == []
    tag = calls["create_tag"]
    version = card_version(corpus)
    assert tag["repo_id"] == "diglot-org/diglot" and tag["tag"] == f"corpus-v{version}"
    assert tag["repo_type"] == "dataset" and tag["revision"] == "0123456789abcdef0123456789abcdef01234567"
    assert f"tagged corpus-v{version}" in capsys.readouterr().out


def test_no_revision_tag_skips_tagging(corpus: Path):
    assert run_cli(["--repo-id", "org/name", "--corpus", str(corpus), "--no-revision-tag"]) == 0
    assert [name for name, _ in RecordingApi.calls] == ["create_repo", "upload_folder"]


def test_existing_tag_is_never_replaced(corpus: Path, capsys):
    RecordingApi.existing_tags = [f"corpus-v{card_version(corpus)}"]
    assert run_cli(["--repo-id", "org/name", "--corpus", str(corpus)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert "upload_folder" not in [name for name, _ in RecordingApi.calls]


@pytest.mark.parametrize("dry_run", [True, False])
def test_refuses_a_corpus_that_fails_verify(corpus: Path, capsys, dry_run: bool):
    path = corpus / "sentences" / "train.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x40
    path.write_bytes(bytes(data))
    argv = ["--repo-id", "org/name", "--corpus", str(corpus)] + (["--dry-run"] if dry_run else [])
    assert run_cli(argv) == 1  # a failed check, as `diglot verify` exits
    err = capsys.readouterr().err
    assert "refusing to publish a corpus that fails verify" in err
    assert "sentences/train.parquet: SHA-256 mismatch" in err
    assert RecordingApi.calls == []


def test_refuses_files_changed_after_planning(corpus: Path):
    plan = release.plan(corpus, "org/name")
    (corpus / "CHANGELOG.md").write_text("changed\n")
    with pytest.raises(CorpusError, match="CHANGELOG.md: changed since the publish plan"):
        release.publish(plan, api=RecordingApi())
    assert RecordingApi.calls == []


@pytest.mark.parametrize("repo_id", ["diglot", "org/name/extra", "/name", "org/", "org /name"])
def test_bad_repo_id(corpus: Path, repo_id: str, capsys):
    assert run_cli(["--repo-id", repo_id, "--dry-run", "--corpus", str(corpus)]) == 2
    assert "is not ORG/NAME" in capsys.readouterr().err


def test_releasing_md_states_the_tag_and_bump_rules():
    text = (Path(__file__).resolve().parents[1] / "RELEASING.md").read_text(encoding="utf-8")
    assert f"{release.TAG_PREFIX}X.Y.Z" in text
    assert "diglot publish" in text and "--dry-run" in text and "diglot verify" in text


def test_refuses_a_card_that_disagrees_with_the_lock(corpus: Path, capsys):
    build = DatasetCard.load(corpus / "README.md").data.to_dict()["build"]
    name = sorted(k for k, v in build.items() if k not in ("diglot", "diglot_version") and v != "not installed")[0]
    lock = corpus.parent / "requirements.lock"
    lock.write_text(f"{name}==0.0.1\n")
    assert run_cli(["--repo-id", "org/name", "--dry-run", "--corpus", str(corpus)]) == 1  # a failed check
    err = capsys.readouterr().err
    assert "fails verify" in err and f"pins {name}==0.0.1" in err
    assert RecordingApi.calls == []
    lock.write_text("".join(f"{k}=={v}\n" for k, v in build.items() if k not in ("diglot", "diglot_version")
                            and v != "not installed"))
    assert run_cli(["--repo-id", "org/name", "--dry-run", "--corpus", str(corpus)]) == 0
