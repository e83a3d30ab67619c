"""pytest-benchmark suite: diglot's align() and its DP kernel against Vecalign, on synthetic data.

diglot's public ``align`` (stand-in texts, an embedder serving the planted
vectors), its kernel ``align_vectors`` and Vecalign's DP (``sentalign``) get
the same planted input at each N; the benchmark records the strict F1 of each
against the planted alignment in ``extra_info``.  Times are never asserted: the
assertions are about correctness (every sentence in exactly one bead, F1 well
above chance on planted data).  See conftest.py for quick vs full mode and
report.py for the scaling/memory measurements behind REPORT.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import peers
from benchmarks.conftest import FULL, core_sizes, rounds_for

# Planted data are generated at Text+Berg-like bead rates; both aligners score
# around 0.85-0.9 at every N, so these floors only catch a broken pipeline.
F1_FLOOR = {"align": 0.80, "diglot": 0.80, "vecalign": 0.75}



@pytest.fixture(scope="session")
def diglot_warm(planted_data):
    """Compile diglot's numba kernels once, outside every timed region."""
    warm = planted_data(2_000 if FULL else 200, seed=1)  # 2,000 takes the coarse-to-fine path
    peers.diglot_align_vectors(warm.src, warm.tgt)
    return True


def _run(benchmark, fn, data, aligner, n, args=None):
    benchmark.group = f"core N={n}"
    args = args or (data.src, data.tgt)
    raw = benchmark.pedantic(fn, args=args, rounds=rounds_for(n), iterations=1, warmup_rounds=0)
    beads = peers.to_pairs(raw)  # outside the timed call
    score = peers.strict_f1(data.gold, beads)
    benchmark.extra_info.update(
        aligner=aligner,
        n=n,
        n_src=data.n_src,
        n_tgt=data.n_tgt,
        d=int(data.src.shape[1]),
        f1=score["f1"],
        precision=score["precision"],
        recall=score["recall"],
        beads=len(beads),
    )
    assert peers.coverage_ok(beads, data.n_src, data.n_tgt), "a sentence is missing or in two beads"
    assert score["f1"] > F1_FLOOR[aligner], score
    return beads


@pytest.mark.parametrize("n", core_sizes())
def test_core_diglot(benchmark, planted_data, diglot_warm, n):
    data = planted_data(n)
    beads = _run(benchmark, peers.diglot_raw, data, "diglot", n)
    assert all(1 <= len(s) + len(t) and len(s) <= peers.MAX_SIZE and len(t) <= peers.MAX_SIZE for s, t in beads)


# Vecalign casts its +inf out-of-band costs to int internally; numpy warns, the result is unaffected.
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("n", core_sizes())
def test_core_vecalign(benchmark, planted_data, n):
    data = planted_data(n)
    _run(benchmark, peers.vecalign_raw, data, "vecalign", n)


@pytest.mark.parametrize("n", core_sizes())
def test_core_align(benchmark, planted_data, diglot_warm, tmp_path, n):
    """The public align(): texts in, an embedder serving the planted vectors from a file."""
    from benchmarks.synthetic import texts

    data = planted_data(n)
    src, tgt = texts(data)
    emb = peers.StoredVectors(src + tgt, np.concatenate([data.src, data.tgt]), tmp_path / "vectors.f32")
    peers.diglot_align(src[:200], tgt[:200], emb)  # compiles the kernels align() adds to the DP
    _run(benchmark, peers.diglot_align, data, "align", n, args=(src, tgt, emb))
