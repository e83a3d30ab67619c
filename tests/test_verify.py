"""`diglot verify`: an intact copy of the corpus passes; each kind of damage is caught.

Every test works on a copy (tmp_path) of the real built corpus
(`diglot.corpus_dir()`); corpus/ itself is never touched.  Damage that the
SHA-256 manifest would catch anyway is also tried with the manifest
refreshed, to show the deeper checks catch it on their own.
"""

from __future__ import annotations

import os
import functools
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import conftest
from huggingface_hub import DatasetCard

import diglot
from diglot import layout, release
from diglot.integrity import Problem, sha256_file, verify, write_manifest

SOURCE = diglot.corpus_dir()
TRANSLATION = "translation-it-bn"


# --------------------------------------------------------------------------- helpers


def run_cli(name: str, argv: list[str]) -> int:
    return conftest.run_cli(name, *argv)


def read_rows(path: Path) -> tuple[list[dict], pa.Schema]:
    table = pq.read_table(path)
    return table.to_pylist(), table.schema


def write_rows(path: Path, rows: list[dict], schema: pa.Schema) -> None:
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


def problems_for(problems: list[Problem], file: str) -> list[Problem]:
    return [p for p in problems if p.file == file]


def has(problems: list[Problem], file: str, *words: str, row: int | None = None) -> bool:
    return any(
        p.file == file and all(w in p.reason for w in words) and (row is None or p.row == row)
        for p in problems
    )


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def source() -> Path:
    assert (SOURCE / "README.md").is_file(), f"no built corpus at {SOURCE}: run `diglot build` first"
    return SOURCE


def configs(root: Path) -> list[str]:
    return sorted(p.parent.name for p in root.glob("*/*.parquet"))


# --------------------------------------------------------------------------- intact


def test_intact_copy_passes(corpus: Path, source: Path, capsys):
    before = tree_digest(source)
    assert verify(corpus) == []
    assert run_cli("verify", [str(corpus)]) == 0
    assert "OK" in capsys.readouterr().out
    assert tree_digest(source) == before  # verify never writes


def test_default_path_is_corpus_dir(corpus: Path, monkeypatch, capsys):
    monkeypatch.setenv("DIGLOT_CORPUS", str(corpus))
    assert run_cli("verify", []) == 0
    assert str(corpus) in capsys.readouterr().out
    (corpus / "SHA256SUMS").unlink()
    assert run_cli("verify", []) == 1


def test_missing_folder_is_a_user_error(tmp_path: Path, capsys):
    assert run_cli("verify", [str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_a_folder_that_is_no_corpus_fails_in_one_line(tmp_path: Path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert run_cli("verify", [str(tmp_path)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if "using corpus" not in line]
    assert errors == [f"diglot verify: error: {tmp_path}: not a diglot corpus (no README.md and no SHA256SUMS)"]


# --------------------------------------------------------------------------- manifest


def test_flipped_byte_in_every_data_file_is_caught(corpus: Path, capsys):
    names = configs(corpus)
    assert {"documents", "sentences"} <= set(names)
    for name in names:
        path = corpus / layout.data_file(name)
        data = bytearray(path.read_bytes())
        original = bytes(data)
        middle = len(data) // 2
        data[middle] ^= 0x01
        path.write_bytes(bytes(data))
        problems = verify(corpus)
        rel = layout.data_file(name)
        assert has(problems, rel, "SHA-256 mismatch", sha256_file(path)), problems
        assert run_cli("verify", [str(corpus)]) == 1
        err = capsys.readouterr().err
        assert f"{rel}: SHA-256 mismatch" in err
        path.write_bytes(original)
    assert verify(corpus) == []


def test_deleted_data_file_is_caught(corpus: Path):
    (corpus / "sentences" / "train.parquet").unlink()
    problems = verify(corpus)
    assert has(problems, "sentences/train.parquet", "listed in SHA256SUMS", "missing")
    assert has(problems, "README.md", "sentences", "matches no file")


@pytest.mark.parametrize("name,words", [("SHA256SUMS", ["no SHA-256 manifest"]), ("README.md", ["no dataset card"]),
                                        ("CHANGELOG.md", ["no CHANGELOG"])])
def test_deleted_corpus_file_is_caught(corpus: Path, name: str, words: list[str]):
    (corpus / name).unlink()
    problems = verify(corpus)
    assert has(problems, name, "missing", *words), problems


def test_unlisted_files_are_caught(corpus: Path):
    (corpus / "notes.txt").write_text("scratch\n")
    shutil.copy(corpus / "documents" / "train.parquet", corpus / "documents" / "extra.parquet")
    problems = verify(corpus)
    assert has(problems, "notes.txt", "present but not listed in SHA256SUMS")
    assert has(problems, "documents/extra.parquet", "present but not listed in SHA256SUMS")
    assert has(problems, "documents/extra.parquet", "not covered by any config")


def test_malformed_and_unsorted_manifest_lines_are_caught(corpus: Path):
    path = corpus / "SHA256SUMS"
    lines = path.read_text().splitlines()
    assert len(lines) >= 2
    path.write_text("\n".join([lines[1], lines[0], "not a checksum line", *lines[2:]]) + "\n")
    problems = verify(corpus)
    assert any(p.file == "SHA256SUMS" and p.line == 2 and "not sorted" in p.reason for p in problems), problems
    assert any(p.file == "SHA256SUMS" and p.line == 3 and "not '<64 lowercase hex" in p.reason for p in problems)


# --------------------------------------------------------------------------- rows and ids


@pytest.mark.parametrize("refresh_manifest", [False, True])
def test_dropped_sentence_row_is_caught(corpus: Path, refresh_manifest: bool):
    path = corpus / "sentences" / "train.parquet"
    rows, schema = read_rows(path)
    victim = len(rows) // 2
    dropped = rows.pop(victim)
    write_rows(path, rows, schema)
    if refresh_manifest:
        write_manifest(corpus)
    problems = verify(corpus)
    assert has(problems, "sentences/train.parquet", "SHA-256 mismatch") is (not refresh_manifest)
    assert has(problems, "sentences/train.parquet", f"{len(rows)} rows", f"says {len(rows) + 1}")
    assert has(problems, "documents/train.parquet", "n_sentences", dropped["doc_id"])
    assert has(problems, "sentences/train.parquet", f"positions of {dropped['doc_id']} are not")
    for name in ("alignments", "gold"):
        if (corpus / name).is_dir():
            assert has(problems, layout.data_file(name), dropped["sent_id"], "does not resolve"), name


def test_dropped_document_row_is_caught(corpus: Path):
    path = corpus / "documents" / "train.parquet"
    rows, schema = read_rows(path)
    dropped = rows.pop(0)
    write_rows(path, rows, schema)
    write_manifest(corpus)
    problems = verify(corpus)
    assert has(problems, "sentences/train.parquet", f"doc_id {dropped['doc_id']!r} does not resolve")


ID_COLUMNS = {"documents": "doc_id", "sentences": "sent_id", "alignments": "bead_id", TRANSLATION: "bead_id",
              "gold": "bead_id"}
# documents and sentences always; the others in whichever the corpus has
DAMAGEABLE = ["documents", "sentences"] + [c for c in ("alignments", TRANSLATION, "gold")
                                          if (SOURCE / layout.data_file(c)).is_file()]


@pytest.mark.parametrize("config", DAMAGEABLE)
def test_duplicated_id_is_caught(corpus: Path, config: str):
    column = ID_COLUMNS[config]
    rel = layout.data_file(config)
    path = corpus / rel
    rows, schema = read_rows(path)
    rows.append(dict(rows[0]))
    write_rows(path, rows, schema)
    write_manifest(corpus)
    problems = verify(corpus)
    assert any(
        p.file == rel and p.row == len(rows) - 1
        and f"duplicate {column} {rows[0][column]!r} (first at {rel} row 0)" in p.reason
        for p in problems
    ), problems


def test_offsets_that_do_not_normalise_to_the_text_are_caught(corpus: Path):
    path = corpus / "sentences" / "train.parquet"
    rows, schema = read_rows(path)
    # the longest sentence: moving its start by one character must change it
    i = max(range(len(rows)), key=lambda k: len(rows[k]["text"]))
    rows[i]["raw_start"] += 1
    j = (i + 1) % len(rows)
    rows[j]["raw_end"] = 10**8
    write_rows(path, rows, schema)
    write_manifest(corpus)
    problems = verify(corpus)
    assert has(problems, "sentences/train.parquet", "normalises to", "not to text", row=i), problems
    assert has(problems, "sentences/train.parquet", "outside raw_text", row=j)


def test_edited_sentence_text_is_caught(corpus: Path):
    path = corpus / "sentences" / "train.parquet"
    rows, schema = read_rows(path)
    rows[3]["text"] = rows[3]["text"] + " (edited)"
    write_rows(path, rows, schema)
    write_manifest(corpus)
    problems = verify(corpus)
    assert has(problems, "sentences/train.parquet", "normalises to", row=3)


def test_edited_raw_text_is_caught(corpus: Path):
    path = corpus / "documents" / "train.parquet"
    rows, schema = read_rows(path)
    rows[0]["raw_text"] = rows[0]["raw_text"].replace(" ", "  ", 1)
    write_rows(path, rows, schema)
    write_manifest(corpus)
    problems = verify(corpus)
    assert has(problems, "documents/train.parquet", "seed_sha256", "is not the SHA-256 of raw_text", row=0)


def _bead_config(corpus: Path) -> str:
    for name in ("alignments", "gold"):
        if (corpus / layout.data_file(name)).is_file():
            return name
    pytest.fail("the corpus has neither alignments nor gold")


def test_sentence_in_no_bead_and_in_two_beads_is_caught(corpus: Path):
    name = _bead_config(corpus)
    rel = layout.data_file(name)
    path = corpus / rel
    rows, schema = read_rows(path)
    i = next(k for k, r in enumerate(rows) if r["src_ids"])
    lost = rows[i]["src_ids"].pop()
    j = next(k for k, r in enumerate(rows) if r["tgt_ids"] and k != i)
    twice = rows[j]["tgt_ids"][0]
    k = next(k for k, r in enumerate(rows) if k not in (i, j))
    rows[k]["tgt_ids"] = rows[k]["tgt_ids"] + [twice]
    write_rows(path, rows, schema)
    write_manifest(corpus)
    problems = verify(corpus)
    assert has(problems, "sentences/train.parquet", f"sentence {lost} is in no bead of {name}"), problems
    assert has(problems, rel, f"sentence {twice} is in 2 beads of {name}")
    assert has(problems, rel, "does not match", row=i)  # the bead shape no longer fits
    assert has(problems, rel, "src_text is not its sentences' text", row=i)


def test_translation_out_of_step_with_alignments_is_caught(corpus: Path):
    path = corpus / layout.data_file(TRANSLATION)
    assert path.is_file(), "the corpus has no translation config"
    rows, schema = read_rows(path)
    lang = sorted(k for k, v in rows[0]["translation"].items() if v)[0]
    rows[0]["translation"][lang] = "something else"
    rows[1]["bead_id"] = "xx-yy:nowhere"
    write_rows(path, rows, schema)
    write_manifest(corpus)
    problems = verify(corpus)
    assert has(problems, layout.data_file(TRANSLATION), f"translation[{lang!r}] differs", row=0), problems
    assert has(problems, layout.data_file(TRANSLATION), "'xx-yy:nowhere' does not resolve", row=1)


def test_confidence_outside_0_1_is_caught_one_sided_beads_included(corpus: Path):
    rel = layout.data_file(layout.ALIGNMENTS)
    rows, schema = read_rows(corpus / rel)
    one_sided = next(k for k, r in enumerate(rows) if not r["src_ids"] or not r["tgt_ids"])
    two_sided = next(k for k, r in enumerate(rows) if r["src_ids"] and r["tgt_ids"])
    rows[one_sided]["confidence"] = 1.5
    rows[two_sided]["confidence"] = -0.25
    write_rows(corpus / rel, rows, schema)
    write_manifest(corpus)
    problems = verify(corpus)
    assert has(problems, rel, "confidence 1.5 is outside [0, 1]", row=one_sided), problems
    assert has(problems, rel, "confidence -0.25 is outside [0, 1]", row=two_sided), problems
    # the translation row of the two-sided bead now differs from it
    assert has(problems, layout.data_file(TRANSLATION), f"confidence differs from alignments bead {rows[two_sided]['bead_id']}")


def test_missing_confidence_is_caught_in_alignments_not_in_gold(corpus: Path):
    problems_by_config = {}
    for config in (layout.ALIGNMENTS, layout.GOLD):
        rows, schema = read_rows(corpus / layout.data_file(config))
        rows[0]["confidence"] = None
        write_rows(corpus / layout.data_file(config), rows, schema)
    write_manifest(corpus)
    problems = verify(corpus)
    assert has(problems, layout.data_file(layout.ALIGNMENTS), "confidence is null", row=0), problems
    assert not problems_for(problems, layout.data_file(layout.GOLD)), problems  # a hand-made bead may have none


def test_translation_row_missing_is_caught(corpus: Path):
    path = corpus / layout.data_file(TRANSLATION)
    assert path.is_file(), "the corpus has no translation config"
    rows, schema = read_rows(path)
    dropped = rows.pop(len(rows) // 2)
    write_rows(path, rows, schema)
    write_manifest(corpus)
    problems = verify(corpus)
    assert has(problems, "alignments/train.parquet", f"bead {dropped['bead_id']} has sentences on both sides",
               f"no row in {TRANSLATION}"), problems


def test_foreign_span_outside_its_sentence_is_caught(corpus: Path):
    path = corpus / "sentences" / "train.parquet"
    rows, schema = read_rows(path)
    i = max(range(len(rows)), key=lambda k: len(rows[k]["text"]))
    rows[i]["foreign_spans"] = rows[i]["foreign_spans"] + [{"start": 2, "end": len(rows[i]["text"]) + 5, "lang": "en"}]
    write_rows(path, rows, schema)
    write_manifest(corpus)
    assert has(verify(corpus), "sentences/train.parquet", "foreign span", "not inside the sentence text", row=i)


# --------------------------------------------------------------------------- schema and card


def test_retyped_column_is_caught(corpus: Path):
    path = corpus / "sentences" / "train.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("raw_start")
    table = table.set_column(index, "raw_start", table["raw_start"].cast(pa.int64()))
    pq.write_table(table, path)
    write_manifest(corpus)
    problems = verify(corpus)
    assert has(problems, "sentences/train.parquet", "diglot.schema", "'raw_start' is int64, expected int32")
    assert has(problems, "sentences/train.parquet", "card's dataset_info features", "'raw_start' is int64")
    # the other configs' references into sentences are not all reported as broken on top
    assert not any("does not resolve" in p.reason for p in problems), problems


def test_card_features_out_of_step_with_data_are_caught(corpus: Path):
    card = DatasetCard.load(corpus / "README.md")
    info = next(i for i in card.data.dataset_info if i["config_name"] == "documents")
    feature = next(f for f in info["features"] if f["name"] == "n_chars")
    feature["dtype"] = "int64"
    card.save(corpus / "README.md")
    problems = verify(corpus)
    assert has(problems, "documents/train.parquet", "card's dataset_info features", "'n_chars' is int32, expected int64")


def test_edited_card_version_is_caught(corpus: Path):
    card = DatasetCard.load(corpus / "README.md")
    old = card.data.corpus_version
    major, minor, patch = (int(x) for x in old.split("."))
    new = f"{major}.{minor + 1}.{patch}"
    card.data.corpus_version = new
    card.save(corpus / "README.md")
    problems = verify(corpus)
    assert has(problems, "CHANGELOG.md", f"newest entry is {old}", f"corpus_version is {new}"), problems
    assert has(problems, "documents/train.parquet", f"corpus_version {old!r} differs from the card's {new!r}", row=0)

    card.data.corpus_version = "v-next"
    card.save(corpus / "README.md")
    assert has(verify(corpus), "README.md", "'v-next' is not a semantic version")


def test_changelog_out_of_order_is_caught(corpus: Path):
    path = corpus / "CHANGELOG.md"
    text = path.read_text()
    version = DatasetCard.load(corpus / "README.md").data.corpus_version
    major, minor, patch = (int(x) for x in version.split("."))
    # an entry newer than the card's, listed below it
    path.write_text(text + f"\n## [{major + 1}.0.0] - 2020-01-01\n\n- misplaced\n")
    problems = verify(corpus)
    assert has(problems, "CHANGELOG.md", "not newest first", f"{major + 1}.0.0 after"), problems


def test_build_versions_recorded_in_card_are_checked(corpus: Path):
    card = DatasetCard.load(corpus / "README.md")
    build = card.data.to_dict().get("build")
    assert isinstance(build, dict) and ("diglot" in build or "diglot_version" in build), "the card records no build"
    key = "diglot_version" if "diglot_version" in build else "diglot"
    build[key] = "99.0.0"
    build["numpy"] = ""
    card.data.build = build
    card.save(corpus / "README.md")
    problems = verify(corpus)
    assert has(problems, "README.md", "build.numpy", "not a version string")
    if (corpus / "alignments").is_dir():
        assert has(problems, "alignments/train.parquet", "differs from the diglot version in the card's build", "99.0.0")


def test_problem_reports_name_file_row_and_reason(corpus: Path, capsys):
    path = corpus / "sentences" / "train.parquet"
    rows, schema = read_rows(path)
    rows[2]["lang"] = "xx"
    write_rows(path, rows, schema)
    assert run_cli("verify", [str(corpus)]) == 1
    err = capsys.readouterr().err
    assert f"{corpus}/sentences/train.parquet: row 2: lang 'xx' differs from its document's" in err
    assert f"{corpus}/sentences/train.parquet: SHA-256 mismatch" in err


# --------------------------------------------------------------------------- random damage

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Columns whose every change an invariant must notice (with the manifest refreshed).
WATCHED = {
    "documents": ("doc_id", "raw_text", "seed_sha256", "n_sentences", "corpus_version", "lang"),
    "sentences": ("sent_id", "doc_id", "position", "text", "lang"),
    "alignments": ("bead_id", "src_ids", "tgt_ids", "src_text", "bead", "src_doc", "pair"),
    "gold": ("bead_id", "src_ids", "tgt_ids", "tgt_text", "bead", "tgt_doc"),
    TRANSLATION: ("bead_id", "src_ids", "pair", "translation", "confidence"),
}


def replacement(value, kind: pa.DataType):
    """A strategy for a different value of the column's Arrow type (or null)."""
    if pa.types.is_boolean(kind):
        return st.sampled_from([None, not value])
    if pa.types.is_integer(kind):
        return st.one_of(st.none(), st.integers(-5, 2**31 - 1).filter(lambda v: v != value))
    if pa.types.is_floating(kind):
        return st.one_of(st.none(), st.floats(allow_nan=True).filter(lambda v: v != value))
    if pa.types.is_string(kind):
        return st.one_of(st.none(), st.text(max_size=30).filter(lambda v: v != value))
    if pa.types.is_list(kind) and pa.types.is_string(kind.value_type):
        return st.one_of(st.none(), st.lists(st.text(max_size=20), max_size=3).filter(lambda v: v != value))
    return st.sampled_from([None, []] if pa.types.is_list(kind) else [None])


@functools.lru_cache(maxsize=None)
def source_rows(config: str) -> list[dict]:
    return pq.read_table(SOURCE / layout.data_file(config)).to_pylist()


@st.composite
def damage(draw):
    names = [c for c in WATCHED if (SOURCE / layout.data_file(c)).is_file()]
    config = draw(st.sampled_from(names))
    rows = source_rows(config)
    row = draw(st.integers(0, len(rows) - 1))
    schema = pq.read_schema(SOURCE / layout.data_file(config))
    column = draw(st.sampled_from(schema.names))
    new = draw(replacement(rows[row][column], schema.field(column).type))
    return config, row, column, new


# DIGLOT_FUZZ_EXAMPLES=500 explores further, with fresh random examples each run.
@settings(max_examples=int(os.environ.get("DIGLOT_FUZZ_EXAMPLES", 25)), deadline=None,
          derandomize="DIGLOT_FUZZ_EXAMPLES" not in os.environ,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=damage())
def test_random_damage_never_crashes_verify_and_watched_columns_are_caught(spec, source: Path, tmp_path_factory):
    config, row, column, new = spec
    corpus = tmp_path_factory.mktemp("damaged") / "corpus"
    shutil.copytree(source, corpus)
    path = corpus / layout.data_file(config)
    rows, schema = read_rows(path)
    if rows[row][column] == new:
        return
    rows[row][column] = new
    write_rows(path, rows, schema)
    assert has(verify(corpus), layout.data_file(config), "SHA-256 mismatch")
    write_manifest(corpus)
    problems = verify(corpus)  # must not raise, whatever the damage
    if column in WATCHED[config]:
        assert problems, f"{config} row {row}: {column} = {new!r} went unnoticed"
    shutil.rmtree(corpus.parent)


def test_card_build_versions_are_compared_with_the_lock_file(corpus: Path, capsys):
    build = DatasetCard.load(corpus / "README.md").data.to_dict()["build"]
    pinned = {k: v for k, v in build.items() if k not in ("diglot", "diglot_version") and v != "not installed"}
    assert len(pinned) >= 2, "the card records too few dependency versions"
    names = sorted(pinned)

    def pin(name: str, version: str) -> str:  # spelled differently from the card: PEP 503 names match anyway
        return f"{name.upper().replace('-', '_')}=={version}"

    lock = corpus.parent / "requirements.lock"  # beside the corpus folder: picked up by default
    lines = ["# a lock", "unrelated-package==1.0"] + [pin(name, pinned[name]) for name in names]
    lock.write_text("\n".join(lines) + "\n")
    assert verify(corpus, lock=lock) == []
    assert run_cli("verify", [str(corpus)]) == 0
    assert "build versions agree with" in capsys.readouterr().out

    changed, dropped = names[0], names[-1]
    index = lines.index(pin(changed, pinned[changed]))
    lines[index] = pin(changed, "0.0.0rc0")
    lines.remove(pin(dropped, pinned[dropped]))
    lock.write_text("\n".join(lines) + "\n")
    problems = verify(corpus, lock=lock)
    assert any(p.file == str(lock) and p.line == index + 1 and "==0.0.0rc0" in p.reason
               and f"built with {pinned[changed]}" in p.reason for p in problems), problems
    assert has(problems, "README.md", f"build.{dropped}", "does not pin")
    assert run_cli("verify", [str(corpus)]) == 1
    assert f"{lock}: line {index + 1}: pins " in capsys.readouterr().err
    assert run_cli("verify", [str(corpus), "--lock", str(corpus / "nope.lock")]) == 2


# --------------------------------------------------------------------------- what a release must hold


@pytest.mark.parametrize("key,value", [("license", "mit"), ("pretty_name", "something else")])
def test_edited_card_field_is_caught_by_the_checksums(corpus: Path, key: str, value: str):
    card = DatasetCard.load(corpus / "README.md")
    setattr(card.data, key, value)
    card.save(corpus / "README.md")
    assert has(verify(corpus), "README.md", "SHA-256 mismatch")


def test_every_published_file_is_in_sha256sums(corpus: Path):
    listed = {line.split("  ", 1)[1] for line in (corpus / "SHA256SUMS").read_text().splitlines()}
    on_disk = {p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert listed == on_disk
    assert {"README.md", "CHANGELOG.md", "DATASHEET.md", "TERMS.md"} <= listed


def test_symlink_listed_in_sha256sums_is_caught_and_not_published(corpus: Path, tmp_path: Path, capsys):
    outside = tmp_path / "outside.txt"
    outside.write_text("not part of the corpus\n")
    (corpus / "notes.txt").symlink_to(outside)
    write_manifest(corpus)  # the symlink now has a valid-looking entry
    assert has(verify(corpus), "notes.txt", "is a symlink")
    assert run_cli("publish", ["--repo-id", "org/name", "--dry-run", "--corpus", str(corpus)]) == 1
    assert "notes.txt: is a symlink" in capsys.readouterr().err


def test_changed_data_under_the_old_version_is_caught(corpus: Path):
    """Rows edited and SHA256SUMS rewritten: the card's release record no longer describes the data."""
    path = corpus / "sentences" / "train.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("lang_confidence")
    column = pa.array([0.5] * table.num_rows, pa.float64())
    pq.write_table(table.set_column(index, table.schema.field(index), column), path)
    write_manifest(corpus)
    assert has(verify(corpus), "README.md", "release record for 'sentences' does not match the data")


def test_release_record_with_the_wrong_bump_is_caught(corpus: Path):
    """The card names its previous release and that release's digests: the
    version must be the bump RELEASING.md calls for after it."""
    card = DatasetCard.load(corpus / "README.md")
    record = card.data.to_dict()["release"]
    version = card.data.corpus_version
    major = int(version.split(".")[0])
    previous = f"{major - 1}.2.0"  # its data bump, {major - 1}.3.0, is never this version
    changed = {**record["configs"], "sentences": {**record["configs"]["sentences"], "data": "0" * 64}}
    card.data.release = {**record, "previous": previous, "previous_configs": changed}  # only data changed since
    card.save(corpus / "README.md")
    write_manifest(corpus)
    minor = release.bump(previous, "data")
    assert has(verify(corpus), "README.md", f"a data change after {previous} must be released as {minor}, not {version}")
