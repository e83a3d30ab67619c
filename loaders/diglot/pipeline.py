"""The build: seeds → corpus, as a chain of small steps with typed records.

read → clean → segment → tag (`prepare`, per document) → embed (every sentence
once, in batches across documents, into the model's store) → align (per pair)
→ write.  Per-document and per-pair steps are pure functions of their record,
so an executor (`executor.py`: this process or worker processes;
`ray_engine.py`: a Ray cluster) may run them anywhere and in any order; results
come back in input order and the corpus is byte-identical whatever ran it.
`build` writes into a temporary folder and only then swaps it in, so a failed
build leaves the previous corpus exactly as it was.
"""

from __future__ import annotations

import dataclasses
import filecmp
import functools
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

from diglot import progress as ui
from diglot.errors import DiglotError, SeedError
from diglot.langid import FOREIGN_SENTENCE_CONFIDENCE, LanguageTagger
from diglot.languages import dominant_script, flores_code
from diglot.manifest import Manifest, Seed, read_manifest, read_seed
from diglot.normalize import clean_document, normalize_span
from diglot.records import BeadRecord, DocumentRecord, SentenceRecord
from diglot.segment import sentence_spans

if TYPE_CHECKING:
    from diglot.align.embedders import Embedder

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


# -- read -------------------------------------------------------------------


def read_seeds(seeds_dir: Path) -> tuple[Manifest, list[Seed]]:
    manifest = read_manifest(seeds_dir)
    return manifest, [read_seed(seeds_dir, entry) for entry in manifest.entries]


# -- read → clean → segment → tag, one document ---------------------------------


def prepare(seed: Seed, candidates: tuple[str, ...]) -> DocumentRecord:
    """One seed through clean, segment and tag; `candidates`: the languages a span may be tagged as."""
    tagger = _tagger(candidates)
    return tag(segment(clean(seed, tagger)), tagger)


@functools.lru_cache(maxsize=4)
def _tagger(candidates: tuple[str, ...]) -> LanguageTagger:
    return LanguageTagger(list(candidates))  # loading lingua's models takes seconds: once per process


# -- clean, tag the document --------------------------------------------------


def clean(seed: Seed, tagger: LanguageTagger) -> DocumentRecord:
    entry = seed.entry
    cleaned = clean_document(seed.raw_text, lambda text: tagger.is_language(text, entry.lang))
    if not cleaned.paragraphs:
        raise SeedError(seed.path, "empty: nothing left after removing debris and white space")
    script = entry.script or dominant_script(cleaned.text)
    try:
        lang_code = entry.lang_code or flores_code(entry.lang, script)
    except ValueError as err:
        raise SeedError(seed.path, str(err)) from None
    found = tagger.document(cleaned.text)
    if found.lang is not None and found.lang != entry.lang.split("-")[0]:
        raise SeedError(
            seed.path,
            f"detected language {found.lang!r} (confidence {found.confidence:.2f}) contradicts the manifest's {entry.lang!r}",
        )
    return DocumentRecord(seed, cleaned, script, lang_code, found.lang, found.confidence)


# -- segment --------------------------------------------------------------------


def segment(doc: DocumentRecord) -> DocumentRecord:
    sentences = []
    for p_index, paragraph in enumerate(doc.clean.paragraphs):
        is_title = p_index == 0 and bool(doc.clean.title)
        spans = [(0, len(paragraph.text))] if is_title else sentence_spans(paragraph.text, doc.lang)
        for start, end in spans:
            raw_start, raw_end = paragraph.offsets.span(start, end)
            text = paragraph.text[start:end]
            position = len(sentences)
            sentences.append(
                SentenceRecord(f"{doc.doc_id}:{position:04d}", doc.doc_id, p_index, position, text, raw_start, raw_end, is_title)
            )
            # The corpus invariant, checked as it is made rather than hoped for.
            again = normalize_span(doc.seed.raw_text[raw_start:raw_end])
            if again != text:
                raise SeedError(doc.seed.path, f"internal: sentence {position} does not re-normalise from its raw span")
    return dataclasses.replace(doc, sentences=tuple(sentences))


# -- tag sentences ----------------------------------------------------------------


def tag(doc: DocumentRecord, tagger: LanguageTagger) -> DocumentRecord:
    tagged = []
    base = doc.lang.split("-")[0]
    for s in doc.sentences:
        found = tagger.sentence(s.text)
        spans = tagger.foreign_spans(s.text, base, doc.script)
        flags = []
        if found.lang not in (base, None) and found.confidence >= FOREIGN_SENTENCE_CONFIDENCE:
            flags.append("foreign_sentence")
        flags += sorted({f"foreign_span:{sp.lang}" for sp in spans})
        tagged.append(
            dataclasses.replace(
                s,
                lang_detected=found.lang,
                lang_confidence=found.confidence,
                flags=tuple(flags),
                foreign_spans=tuple((sp.start, sp.end, sp.lang) for sp in spans),
            )
        )
    return dataclasses.replace(doc, sentences=tuple(tagged))


# -- align ---------------------------------------------------------------------------


def pairs_to_align(docs: list[DocumentRecord]) -> list[tuple[DocumentRecord, DocumentRecord]]:
    """Every two renditions of one source in different languages, in manifest order."""
    out = []
    for a, b in combinations(docs, 2):
        if a.seed.entry.source_id == b.seed.entry.source_id and a.lang != b.lang:
            out.append((a, b))
    return out


def sentence_texts(docs) -> list[str]:
    """What the aligner embeds for these documents: each sentence, stripped, once."""
    return list(dict.fromkeys(s.text.strip() for d in docs for s in d.sentences))


def align_pair(job: tuple[DocumentRecord, DocumentRecord, str | Embedder]) -> list[BeadRecord]:
    """One pair; the embedder is a spec (vectors from this machine's store) or vectors handed over."""
    from diglot.align import align

    src, tgt, embedder = job
    beads = with_titles_set_aside(
        lambda s, t: align(s, t, embedder=embedder), [s.text for s in src.sentences], [s.text for s in tgt.sentences],
        (_has_title(src), _has_title(tgt)),
    )  # fmt: skip
    pair = f"{src.lang}-{tgt.lang}"
    return [BeadRecord(pair, src.doc_id, tgt.doc_id, tuple(b.src), tuple(b.tgt), float(b.score), float(b.confidence), bool(b.monotonic)) for b in beads]


def with_titles_set_aside(align_lines: Callable, src: list[str], tgt: list[str], titles: tuple[bool, bool]) -> list:
    """`align_lines(src, tgt)`'s beads, where a title pairs only with a title.

    titles: whether each side opens with a title line.  Where one side has a
    title and the other none, the title is kept out of the search and comes
    back one-sided (certain, as align() treats blank lines), instead of being
    glued onto the other's opening sentence, which restates it.
    """
    from diglot.align import Bead

    skip_s, skip_t = int(titles[0] and not titles[1]), int(titles[1] and not titles[0])
    beads = align_lines(src[skip_s:], tgt[skip_t:])
    lone = [Bead((0,), (), 0.0, confidence=1.0)] * skip_s + [Bead((), (0,), 0.0, confidence=1.0)] * skip_t
    return lone + [dataclasses.replace(b, src=tuple(i + skip_s for i in b.src), tgt=tuple(j + skip_t for j in b.tgt))
                   for b in beads]  # fmt: skip


def _has_title(doc: DocumentRecord) -> bool:
    return bool(doc.sentences) and doc.sentences[0].is_title


def align_jobs(pairs, embedder: str, *, vectors_travel: bool) -> list[tuple]:
    """One job per pair.  Where workers do not share this machine's store
    (`vectors_travel`), or there is no usable store to share, each job carries
    its own sentences' vectors."""
    from diglot.align.embedders import Cached, Known, get_embedder

    if not pairs:  # also the build without alignments (embedder "none"), which has no embedder to ask
        return []
    emb = get_embedder(embedder)
    if not isinstance(emb, Cached) or (not vectors_travel and emb.usable()):
        return [(src, tgt, embedder) for src, tgt in pairs]
    return [(src, tgt, Known(emb, emb.lookup(sentence_texts((src, tgt))))) for src, tgt in pairs]


def prepare_all(seeds: list[Seed], candidates: tuple[str, ...], runner, stats: dict, *, reuse: bool = True) -> list[DocumentRecord]:
    """`prepare` every seed the document store does not already hold prepared by this code
    (`reuse=False`: every seed), and keep the new records there."""
    from diglot.document_store import DocumentStore

    store = DocumentStore()
    try:
        found = store.get(seeds, candidates) if reuse else {}
    except (sqlite3.Error, OSError) as err:
        ui.warn(f"document store {store.path} unusable ({err}); preparing every document")
        store, found = None, {}
    todo = [seed for k, seed in enumerate(seeds) if k not in found]
    fresh = iter(runner.map(functools.partial(prepare, candidates=candidates), todo, desc="clean, segment, tag"))
    docs = [found[k] if k in found else next(fresh) for k in range(len(seeds))]
    stats["prepared"] = len(todo)
    if store is not None and todo:
        try:
            store.put(todo, candidates, [d for k, d in enumerate(docs) if k not in found])
        except (sqlite3.Error, OSError) as err:
            ui.warn(f"document store {store.path} unusable ({err}); prepared documents not kept")
    if store is not None:
        store.close()
    return docs


# -- build -----------------------------------------------------------------------------


def build(
    seeds_dir: Path | str,
    out_dir: Path | str,
    *,
    embedder: str | None = None,
    progress: Progress = _quiet,
    workers: int | None = None,
    engine: str = "local",
    address: str | None = None,
    info: dict | None = None,
    previous_from: Path | None = None,
    reuse_prepared: bool = True,
) -> Path:
    """Build the corpus from `seeds_dir` into `out_dir`, atomically.

    `workers` processes (default: all cores) on the "local" engine, or a Ray
    cluster at `address` (None: a Ray instance started for this build) on the
    "ray" engine.  `info`, if given, receives counts: sentences to embed and
    how many were embedded (the rest came from the store) and how many
    documents were prepared (the rest came from the document store,
    `document_store.py`; `reuse_prepared=False` prepares all).  Everything is
    written to a sibling temporary folder first; `out_dir` is replaced only
    when the whole build has succeeded, and only if it is a diglot corpus
    (`diglot.corpus_folder`); a second build into the same `out_dir` while
    this one runs is refused.  The new version must follow the release rules
    after `previous_from` (default: the corpus in `out_dir`).
    """
    from diglot import corpus_folder

    seeds_dir, out_dir = Path(seeds_dir), Path(out_dir)
    with corpus_folder.exclusive(out_dir):
        return _build(seeds_dir, out_dir, embedder, progress, workers, engine, address, info, previous_from, reuse_prepared)


def _build(seeds_dir: Path, out_dir: Path, embedder, progress, workers, engine, address, info, previous_from,
           reuse_prepared) -> Path:
    """build() while holding out_dir's lock."""
    from diglot import corpus_folder, corpus_writer

    corpus_folder.prepare(out_dir)
    manifest, seeds = read_seeds(seeds_dir)
    progress(f"read {len(seeds)} seed(s) from {seeds_dir} (manifest {manifest.path.name}, corpus {manifest.version})")
    candidates = tuple(sorted({s.entry.lang for s in seeds} | set(manifest.contact_languages)))
    embedder = embedder or manifest.embedder
    stats = info if info is not None else {}
    with _open_engine(engine, workers, address) as runner:
        docs = prepare_all(seeds, candidates, runner, stats, reuse=reuse_prepared)
        progress(f"prepared {stats['prepared']} document(s), {len(seeds) - stats['prepared']} from the document store")
        for doc in docs:
            n_flagged = sum(1 for s in doc.sentences if s.flags)
            progress(
                f"  {doc.doc_id}: {doc.lang_code}, {len(doc.clean.paragraphs)} paragraphs, {len(doc.sentences)} sentences, "
                f"{len(doc.clean.removed)} removals, {n_flagged} sentences flagged"
            )
        # embedder "none": a corpus of cleaned, tagged sentences without alignments
        pairs = pairs_to_align(docs) if embedder != "none" else []
        texts = sentence_texts(d for pair in pairs for d in pair)
        stats.update(sentences=len(texts), embedded=runner.embed(texts, embedder) if texts else 0)
        if texts:
            progress(f"embedded {stats['embedded']} sentence(s) with {embedder}, {len(texts) - stats['embedded']} from the store")
        jobs = align_jobs(pairs, embedder, vectors_travel=runner.vectors_travel)
        if jobs:
            _note_if_compiling()
        aligned = runner.map(align_pair, jobs, desc="align")
    alignments: list[BeadRecord] = []
    for (src, tgt), beads in zip(pairs, aligned):
        progress(f"  aligned {src.doc_id} ~ {tgt.doc_id}: {len(beads)} beads ({embedder})")
        alignments += beads
    gold = corpus_writer.read_gold(seeds_dir, manifest, docs)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a corpus is for reading
    try:
        corpus_writer.write(staging, manifest, docs, alignments, gold, embedder=embedder, seeds_dir=seeds_dir,
                            previous_from=out_dir if previous_from is None else previous_from)
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    progress(f"wrote {out_dir}")
    return out_dir


def _note_if_compiling() -> None:
    """numba compiles the aligner on its first run (then caches it); that wait deserves a word."""
    from diglot.align import kernels

    try:
        cached = any(Path(f._cache._cache_file._index_path).exists() for f in vars(kernels).values() if hasattr(f, "_cache"))
    except AttributeError:  # numba's cache layout changed: say nothing rather than guess
        return
    if not cached:
        ui.note_once("compiling the aligner (numba, first run only; cached afterwards) ...")


def _open_engine(engine: str, workers: int | None, address: str | None):
    if engine == "local":
        from diglot.executor import Local

        return Local(workers)
    if engine == "ray":
        from diglot.ray_engine import RayEngine

        return RayEngine(address)
    raise DiglotError(f"unknown engine {engine!r} (use local or ray)")


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging with two renames; the old copy goes last."""
    retired = None
    if out_dir.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        retired.rmdir()
        out_dir.rename(retired)
    try:
        staging.rename(out_dir)
    except BaseException:
        if retired is not None:
            retired.rename(out_dir)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def check(seeds_dir: Path | str, corpus_dir: Path | str, *, progress: Progress = _quiet, **options) -> list[str]:
    """Rebuild into a temporary folder (`options` as for `build`); list every file that differs from `corpus_dir`.

    Every document is prepared afresh, not read from the document store: the
    check is that these seeds and this code give these bytes."""
    corpus_dir = Path(corpus_dir)
    with tempfile.TemporaryDirectory(prefix="diglot-check-") as tmp:
        rebuilt = build(seeds_dir, Path(tmp) / "corpus", progress=progress, previous_from=corpus_dir, reuse_prepared=False, **options)
        return _differences(rebuilt, corpus_dir)


def _differences(a: Path, b: Path) -> list[str]:
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()} if b.is_dir() else set()
    diffs = [f"only in the rebuild: {f}" for f in sorted(files_a - files_b)]
    diffs += [f"only in {b}: {f}" for f in sorted(files_b - files_a)]
    diffs += [f"bytes differ: {f}" for f in sorted(files_a & files_b) if not filecmp.cmp(a / f, b / f, shallow=False)]
    return diffs
