"""Fuzzed build: hypothesis makes seed folders (random Unicode and scripts,
one to many documents, empty and very large files, broken manifests,
non-UTF-8 bytes, wrong SHA-256) and builds each into a folder that already
holds a good corpus (a copy of the committed one).

Either the build succeeds and the result passes `diglot verify`, or it
raises `DiglotError` whose message names a file of the seed folder, and the
previous corpus is left byte-identical (no staging folder left behind
either).  Faults that must make the build fail (a broken manifest, a wrong
SHA-256, a missing, empty or non-UTF-8 seed) are checked to do so and to name
the right file.  Documents are aligned with the fast `lexical` embedder.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import diglot
from diglot.errors import DiglotError
from diglot.integrity import sha256_file, verify
from diglot.pipeline import build

SOURCE = diglot.corpus_dir()
EMBEDDER = "lexical"
VERSION = "1.0.0"
# The previous corpus stands in for one a failed build must keep; the fuzzed
# data is unrelated to it, so it is not the release to compare with (the
# release rules have their own tests in test_build_safety.py).
NO_PREVIOUS_RELEASE = Path("/nonexistent/no-previous-release")

# language -> letters to make words of (a slice of its script)
ALPHABETS = {
    "it": "abcdefghilmnopqrstuvzàèéìòù",
    "en": "abcdefghijklmnopqrstuvwxyz",
    "bn": "".join(chr(c) for c in range(0x0985, 0x09B9) if chr(c).isalpha()),
    "ru": "".join(chr(c) for c in range(0x0430, 0x0450)),
    "el": "".join(chr(c) for c in range(0x03B1, 0x03C9)),
    "hi": "".join(chr(c) for c in range(0x0905, 0x0939) if chr(c).isalpha()),
    "ar": "".join(chr(c) for c in range(0x0627, 0x064A) if chr(c).isalpha()),
    "zh": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",
}
# a few common words, so that language detection can agree with the manifest
VOCABULARY = {
    "it": "il la di che e un una per con non sono questa anche come della nel molto tempo lavoro città governo "
          "lettera dipendenti azienda oggi sempre perché quando",
    "en": "the and of to in is that it for was with as on by this from have are not government letter employees "
          "company today always because when",
    "bn": "এবং এই যে করে তার একটি থেকে জন্য সঙ্গে কিন্তু হয় ছিল সরকার চিঠি কর্মীরা সংস্থা আমরা তারা আজ",
    "ru": "и в не на что он с как это по но из его она к же от бы за письмо компания сотрудники правительство "
          "сегодня всегда потому",
    "el": "και το να η της ο που με για τα από στο είναι δεν θα επιστολή εταιρεία υπάλληλοι κυβέρνηση σήμερα πάντα",
    "hi": "और का के है में की को से यह एक पर भी नहीं था कि सरकार पत्र कर्मचारी कंपनी आज हमेशा क्योंकि",
    "ar": "في من على أن إلى هذا التي الذي مع عن كان لا ما هو الحكومة رسالة الموظفين الشركة اليوم دائما",
    "zh": "我们 公司 员工 政府 信件 今天 这个 他们 没有 因为 所以 但是 已经 可以 时候 工作 城市 知道",
}
SENTENCE_END = {"bn": "।", "hi": "।", "zh": "。", "ar": "."}

GOOD_KINDS = ("script", "script", "letters", "unicode", "mixed", "large", "bom_crlf")
# Faults that make a build fail, by the file the error must name.
MANIFEST_FAULTS = ("toml_syntax", "missing_key", "duplicate_id", "bad_version", "bad_sha_format", "no_documents")
SEED_READ_FAULTS = ("wrong_sha", "missing_file", "non_utf8", "empty", "blank")


@dataclass
class Doc:
    doc_id: str
    file: str
    lang: str
    source_id: str
    data: bytes
    fault: str | None = None  # one of SEED_READ_FAULTS


@dataclass
class SeedFolder:
    docs: list[Doc]
    manifest_fault: str | None = None
    changelog_fault: bool = False
    notes: list[str] = field(default_factory=list)


def words(lang: str, real: bool) -> st.SearchStrategy[str]:
    if real:
        return st.sampled_from(VOCABULARY[lang].split())
    return st.text(alphabet=ALPHABETS[lang], min_size=1, max_size=9)


@st.composite
def script_text(draw, lang: str, real: bool = True) -> str:
    """Paragraphs of sentences of words (real ones, or random letters) in the language's script."""
    joiner = "" if lang == "zh" else " "
    paragraphs = []
    for _ in range(draw(st.integers(1, 4))):
        sentences = []
        for _ in range(draw(st.integers(1, 4))):
            ws = draw(st.lists(words(lang, real), min_size=3, max_size=12))
            sentences.append(joiner.join(ws) + SENTENCE_END.get(lang, "."))
        paragraphs.append(joiner.join(sentences))
    return "\n\n".join(paragraphs)


def large_text(lang: str, seed: int, size: int) -> str:
    rng = random.Random(seed)
    vocabulary = VOCABULARY[lang].split()
    joiner = "" if lang == "zh" else " "
    paragraphs, total = [], 0
    while total < size:
        sentences = [joiner.join(rng.choice(vocabulary) for _ in range(rng.randint(4, 16))) + SENTENCE_END.get(lang, ".")
                     for _ in range(rng.randint(1, 6))]
        paragraphs.append(joiner.join(sentences))
        total += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


@st.composite
def document(draw, index: int, source_ids: list[str], healthy: bool) -> Doc:
    lang = draw(st.sampled_from(sorted(ALPHABETS)))
    kind = draw(st.sampled_from(GOOD_KINDS if healthy else GOOD_KINDS + SEED_READ_FAULTS))
    event(f"document: {kind}")
    fault = kind if kind in SEED_READ_FAULTS else None
    if kind == "letters":
        text = draw(script_text(lang, real=False))
    elif kind == "unicode":
        text = draw(st.text(min_size=1, max_size=400))
    elif kind == "mixed":
        text = draw(script_text(lang)) + "\n" + draw(st.text(min_size=0, max_size=60)) + "\n\n" + draw(script_text(lang))
    elif kind == "large":
        # tens of kilobytes of distinct sentences (repeated paragraphs would be
        # dropped as debris), made from a drawn seed so hypothesis can replay it
        text = large_text(lang, draw(st.integers(0, 2**32 - 1)), draw(st.integers(30_000, 80_000)))
    elif kind == "bom_crlf":
        text = "\ufeff" + draw(script_text(lang)).replace("\n", "\r\n")
    elif kind == "empty":
        text = ""
    elif kind == "blank":
        text = draw(st.sampled_from(["\ufeff", " \n\t\n", "\ufeff\r\n\r\n  "]))
    else:
        text = draw(script_text(lang))
    data = text.encode("utf-8")
    if kind == "non_utf8":
        bad = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe0\x80", b"\xed\xa0\x80", b"\x80"]))
        at = draw(st.integers(0, len(data)))
        # keep the cut on a character boundary so the only bad bytes are ours
        while at < len(data) and (data[at] & 0xC0) == 0x80:
            at += 1
        data = data[:at] + bad + data[at:]
    name = draw(st.sampled_from([f"{index:03d}.txt", f"{index:03d}_seed.txt", f"doc {index}.txt", f"ü{index}.txt"]))
    return Doc(doc_id=f"{lang}-{index:03d}", file=name, lang=lang, source_id=draw(st.sampled_from(source_ids)),
               data=data, fault=fault)


@st.composite
def seed_folders(draw) -> SeedFolder:
    # half the folders are well-formed (their build may still be refused on
    # content, e.g. a language the text contradicts); the rest carry faults
    healthy = draw(st.booleans())
    n = draw(st.integers(1, 4))
    source_ids = draw(st.lists(st.sampled_from(["story-a", "story-b", "story-c"]), min_size=1, max_size=2, unique=True))
    docs = [draw(document(i, source_ids, healthy)) for i in range(n)]
    manifest_fault = None if healthy else draw(st.sampled_from((None, None) + MANIFEST_FAULTS))
    changelog_fault = False if healthy else draw(st.integers(0, 5)) == 5
    event("folder: " + ("healthy" if healthy else "with faults"))
    return SeedFolder(docs=docs, manifest_fault=manifest_fault, changelog_fault=changelog_fault)


def toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid TOML basic string


def write_seed_folder(spec: SeedFolder, folder: Path) -> None:
    folder.mkdir()
    entries = []
    for doc in spec.docs:
        digest = hashlib.sha256(doc.data).hexdigest()
        if doc.fault == "wrong_sha":
            digest = hashlib.sha256(doc.data + b"!").hexdigest()
        if doc.fault != "missing_file":
            (folder / doc.file).write_bytes(doc.data)
        entries.append({"id": doc.doc_id, "file": doc.file, "lang": doc.lang, "source_id": doc.source_id,
                        "sha256": digest, "provenance": f"fuzzed {doc.lang} document"})
    version = VERSION
    fault = spec.manifest_fault
    if fault == "missing_key":
        del entries[0]["sha256"]
    elif fault == "duplicate_id":
        entries.append(dict(entries[0], file="copy-of-" + entries[0]["file"]))
    elif fault == "bad_version":
        version = "1.0"
    elif fault == "bad_sha_format":
        entries[0]["sha256"] = entries[0]["sha256"].upper()
    elif fault == "no_documents":
        entries = []
    lines = ["[corpus]", 'name = "fuzz"', f"version = {toml_string(version)}", 'contact_languages = ["en"]', ""]
    for entry in entries:
        lines.append("[[documents]]")
        lines += [f"{key} = {toml_string(value)}" for key, value in entry.items()]
        lines.append("")
    text = "\n".join(lines)
    if fault == "toml_syntax":
        text = text.replace("[[documents]]", "[[documents]", 1) if entries else text + "\n[corpus\n"
    (folder / "manifest.toml").write_text(text, encoding="utf-8")
    changelog_version = "0.9.0" if spec.changelog_fault else VERSION
    (folder / "CHANGELOG.md").write_text(f"# Changelog\n\n## [{changelog_version}] - 2026-11-23\n\n- fuzzed\n",
                                         encoding="utf-8")
    (folder / "TERMS.md").write_text("# Terms\n\nfuzzed text, no terms\n", encoding="utf-8")
    (folder.parent / "DATASHEET.md").write_text("# Datasheet\n\nfuzzed\n", encoding="utf-8")


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous() -> Path:
    assert (SOURCE / "README.md").is_file(), f"no built corpus at {SOURCE}"
    assert verify(SOURCE) == [], "the committed corpus must pass verify to serve as the previous build"
    return SOURCE


def expected_failure(spec: SeedFolder) -> str | None:
    """The file a build of `spec` must fail on, if one is certain to fail."""
    if spec.manifest_fault:
        return "manifest.toml"
    for doc in spec.docs:
        if doc.fault:
            return doc.file
    return None


def check_build(spec: SeedFolder, previous: Path) -> str:
    with tempfile.TemporaryDirectory(prefix="diglot-fuzz-") as tmp:
        tmp = Path(tmp)
        seeds = tmp / "seeds"
        write_seed_folder(spec, seeds)
        out = tmp / "out" / "corpus"
        shutil.copytree(previous, out)
        before = tree(out)
        must_fail_on = expected_failure(spec)
        try:
            build(seeds, out, embedder=EMBEDDER, previous_from=NO_PREVIOUS_RELEASE)
        except DiglotError as err:
            message = str(err)
            named = [p.name for p in seeds.iterdir()] + [d.file for d in spec.docs]
            assert any(str(seeds / name) in message for name in named), f"error names no seed file: {message}"
            if must_fail_on is not None:
                assert str(seeds / must_fail_on) in message, f"expected an error about {must_fail_on}: {message}"
            assert tree(out) == before, "a failed build changed the previous corpus"
            assert sorted(p.name for p in out.parent.iterdir()) == ["corpus"], "a failed build left files behind"
            return f"refused: {message}"
        assert must_fail_on is None, f"built although {must_fail_on} is broken"
        assert not spec.changelog_fault, "built although CHANGELOG.md contradicts the manifest"
        problems = verify(out)
        assert problems == [], "\n".join(map(str, problems))
        assert sorted(p.name for p in out.parent.iterdir()) == ["corpus"], "the build left files behind"
        return "built"


# DIGLOT_FUZZ_EXAMPLES=500 explores further, with fresh random examples each run.
@settings(max_examples=int(os.environ.get("DIGLOT_FUZZ_EXAMPLES", 20)), deadline=None, print_blob=True,
          derandomize="DIGLOT_FUZZ_EXAMPLES" not in os.environ,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(spec=seed_folders())
def test_fuzzed_build_succeeds_and_verifies_or_fails_cleanly(spec: SeedFolder, previous: Path):
    outcome = check_build(spec, previous)
    # `pytest --hypothesis-show-statistics` lists how often each outcome happened
    event(outcome.split(":")[0] + (": " + outcome.rsplit(": ", 1)[-1][:60] if ":" in outcome else ""))


# Hand-picked cases the random search might miss, each with its outcome.
TEXTS = {
    "it": "I dipendenti della società hanno scritto una lettera al governo. Perché la città è cambiata così tanto?"
          "\n\nOggi il lavoro è più difficile di quanto sembrava.",
    "bn": "সেলসফোর্স কর্মীরা সিইও মার্ক বেনিওফকে খোলা চিঠি পাঠান। আমরা আজ এই চিঠি পড়েছি।\n\nতারা সরকার থেকে উত্তর চায়।",
}


def _doc(lang="it", data=None, fault=None, index=0, source="story-a"):
    return Doc(f"{lang}-{index:03d}", f"{index:03d}.txt", lang, source,
               TEXTS[lang].encode() if data is None else data, fault)


@pytest.mark.parametrize("spec,outcome", [
    (SeedFolder([_doc(), _doc("bn", index=1)]), "built"),  # two renditions: aligned
    (SeedFolder([_doc("bn", data=large_text("bn", 7, 150_000).encode())]), "built"),  # very large
    (SeedFolder([_doc(data=b"caf\xe9 au lait", fault="non_utf8")]), "refused"),
    (SeedFolder([_doc(data=b"", fault="empty")]), "refused"),
    (SeedFolder([_doc(data="\ufeff \r\n".encode(), fault="blank")]), "refused"),
    (SeedFolder([_doc(fault="wrong_sha")]), "refused"),
    (SeedFolder([_doc(fault="missing_file")]), "refused"),
    (SeedFolder([_doc()], manifest_fault="toml_syntax"), "refused"),
    (SeedFolder([_doc()], manifest_fault="duplicate_id"), "refused"),
    (SeedFolder([_doc(), _doc("bn", index=1)], changelog_fault=True), "refused"),
    (SeedFolder([_doc(), _doc("bn", data=b"\xff\xfe", fault="non_utf8", index=1)]), "refused"),
    (SeedFolder([_doc("bn", data=TEXTS["it"].encode())]), "refused"),  # text contradicts the manifest's language
])
def test_known_seed_folders(spec: SeedFolder, outcome: str, previous: Path):
    result = check_build(spec, previous)
    assert result.startswith(outcome), result


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_build_interrupted_while_writing_leaves_previous_corpus(failure, previous: Path, tmp_path: Path, monkeypatch):
    from diglot import corpus_writer

    written = []

    def fail_after_data(root, *args, **kwargs):
        written.extend(sorted(p.relative_to(root).as_posix() for p in Path(root).rglob("*.parquet")))
        raise failure

    monkeypatch.setattr(corpus_writer.checksums, "write_manifest", fail_after_data)
    seeds = tmp_path / "seeds"
    write_seed_folder(SeedFolder([_doc(), _doc("bn", index=1)]), seeds)
    out = tmp_path / "out" / "corpus"
    shutil.copytree(previous, out)
    before = tree(out)
    with pytest.raises(type(failure)):
        build(seeds, out, embedder=EMBEDDER, previous_from=NO_PREVIOUS_RELEASE)
    assert written, "the build failed before writing any data: the test proves nothing"
    assert tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["corpus"]
