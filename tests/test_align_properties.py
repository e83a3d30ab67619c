"""Invariants of the aligner on random inputs, and its behaviour on awkward ones."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from conftest import random_unit as _unit

from diglot.align import Bead, align
from diglot.align.vectors import align_vectors


def _check_partition(beads: list[Bead], n: int, m: int, max_size: int) -> None:
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    assert sorted(src) == list(range(n)), "every source sentence in exactly one bead"
    assert sorted(tgt) == list(range(m)), "every target sentence in exactly one bead"
    for b in beads:
        assert b.src or b.tgt
        assert len(b.src) <= max_size and len(b.tgt) <= max_size
        assert 0.0 <= b.score <= 1.0
    # Monotonic beads never cross: each comes wholly after the ones before it, on
    # both sides.  The one exception is debris taken out of the middle of a bead
    # (prune.py): its one-sided bead sits in the gap it left, right after that bead.
    last = {"src": -1, "tgt": -1}
    container = None
    for b in (b for b in beads if b.monotonic):
        one_sided = not (b.src and b.tgt)
        for side in ("src", "tgt"):
            ids = getattr(b, side)
            if not ids:
                continue
            holder = getattr(container, side) if container is not None else ()
            if one_sided and holder and min(holder) < ids[0] < max(holder):
                assert ids[0] not in holder
                continue
            assert list(ids) == sorted(ids) and ids[0] > last[side], f"{b} crosses an earlier bead"
            last[side] = ids[-1]
        if not one_sided:
            container = b


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(0, 60),
    m=st.integers(0, 60),
    max_size=st.integers(1, 5),
    seed=st.integers(0, 2**16),
)
def test_vectors_partition_and_determinism(n, m, max_size, seed):
    rng = np.random.default_rng(seed)
    x, y = _unit(rng, n, 8), _unit(rng, m, 8)
    beads = align_vectors(x, y, max_size=max_size)
    _check_partition(beads, n, m, max_size)
    assert beads == align_vectors(x.copy(), y.copy(), max_size=max_size)


words = st.text(alphabet="abcdefghij XYZ0123", min_size=0, max_size=30)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(src=st.lists(words, max_size=25), tgt=st.lists(words, max_size=25), max_size=st.integers(1, 4))
# target 1 ('b') is debris inside the first bead, which comes out as [0]:[0, 2] and []:[1]
@example(src=["0f3 Xfhji11i1bihgacaY03Z1i3Zg1", "ffcacegZefZhZigi fe03"],
         tgt=["iYZXYg3Xc hah1a Y10gd", "b", "b jjdhbjZZaZ", "03Z2X21ihha1ZYf"], max_size=3)
def test_lexical_partition_and_determinism(src, tgt, max_size):
    beads = align(src, tgt, embedder="lexical", max_size=max_size)
    _check_partition(beads, len(src), len(tgt), max_size)
    assert beads == align(list(src), list(tgt), embedder="lexical", max_size=max_size)


def test_recovers_planted_alignment():
    rng = np.random.default_rng(1)
    base = _unit(rng, 300, 32)
    noisy = base + 0.3 * rng.standard_normal(base.shape).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    beads = align_vectors(base, noisy)
    assert sum(b.src == b.tgt and len(b.src) == 1 for b in beads) >= 290


def test_empty_and_one_sided():
    assert align([], [], embedder="lexical") == []
    assert align(["a b c"], [], embedder="lexical") == [Bead((0,), (), 0.0)]
    assert align([], ["x", "y"], embedder="lexical") == [Bead((), (0,), 0.0), Bead((), (1,), 0.0)]
    assert align_vectors(np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32)) == []


def test_single_sentence_and_identical_texts():
    assert align(["Der Berg ist hoch."], ["La montagne est haute."], embedder="lexical")[0].src == (0,)
    text = [f"Satz Nummer {k} über den Piz {k * 7} und mehr Wörter." for k in range(200)]
    beads = align(text, text, embedder="lexical")
    assert [(b.src, b.tgt) for b in beads] == [((k,), (k,)) for k in range(200)]
    assert all(b.score == 1.0 for b in beads)


def test_thousands_without_counterpart():
    rng = np.random.default_rng(2)
    core = _unit(rng, 200, 32)
    extra = _unit(rng, 3000, 32)
    tgt = np.concatenate([core[:100], extra, core[100:]])
    beads = align_vectors(core, tgt)
    _check_partition(beads, 200, 3200, 4)
    pairs = {(b.src, b.tgt) for b in beads}
    assert sum(((k,), (k if k < 100 else k + 3000,)) in pairs for k in range(200)) >= 195


def test_moved_sentence_found():
    rng = np.random.default_rng(3)
    x = _unit(rng, 60, 64)
    y = x[[*range(0, 10), *range(11, 50), 10, *range(50, 60)]] + 0.05 * rng.standard_normal((60, 64)).astype(np.float32)
    from diglot.align import _check  # noqa: F401  (import path sanity)
    from diglot.align.costs import Params, bead_types
    from diglot.align.search import Level, coarse_to_fine, path_to_beads
    from diglot.align.moved import find_moved

    y /= np.linalg.norm(y, axis=1, keepdims=True)
    lx = np.arange(61, dtype=np.float64)
    level = Level(x, y, lx, lx.copy(), np.zeros(60, np.uint64), np.zeros(60, np.uint64))
    search, path = coarse_to_fine(level, bead_types(4), Params(delete=0.3))
    beads = find_moved(path_to_beads(search, path), x, y, search.dx[:-1, 1], search.dy[:-1, 1])
    _check_partition(beads, 60, 60, 4)
    moved = [b for b in beads if not b.monotonic]
    assert [(b.src, b.tgt) for b in moved] == [((10,), (49,))]


def test_bad_input_is_a_clear_error():
    from diglot.errors import DiglotError

    with pytest.raises(DiglotError, match="one string"):
        align("not a list", ["x"], embedder="lexical")
    with pytest.raises(DiglotError, match=r"src\[1\]"):
        align(["a", 3], ["x"], embedder="lexical")
    with pytest.raises(ValueError, match="NaN"):
        align_vectors(np.full((3, 4), np.nan, np.float32), np.ones((3, 4), np.float32))
    with pytest.raises(ValueError, match="max_size"):
        align_vectors(np.ones((3, 4), np.float32), np.ones((3, 4), np.float32), max_size=0)


def test_hundred_thousand_sentences_linear():
    rng = np.random.default_rng(4)
    x = _unit(rng, 100_000, 16)
    y = x + 0.1 * rng.standard_normal(x.shape).astype(np.float32)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    beads = align_vectors(x, y)
    assert len(beads) >= 95_000
    assert sum(b.src == b.tgt and len(b.src) == 1 for b in beads) >= 95_000


def test_refinement_pass_keeps_invariants():
    src = [f"Satz {k} handelt vom Berg Nummer {k}." for k in range(40)]
    tgt = []
    for k in range(40):
        tgt += [f"La phrase {k} parle", f"de la montagne {k}."] if k % 7 == 3 else [f"La phrase {k} parle de la montagne {k}."]
    info: dict = {}
    beads = align(src, tgt, embedder="lexical", refine=True, info=info)
    _check_partition(beads, len(src), len(tgt), 4)
    assert info["windows_embedded"] > 0
    assert beads == align(src, tgt, embedder="lexical", refine=True)


class _SummingTable:
    """Sentences are single tokens with fixed vectors; a window (tokens joined by
    spaces) embeds as the normalised sum of its sentences' vectors."""

    name = model = "summing-table"
    dim = 16

    def __init__(self, vectors: dict[str, np.ndarray]):
        self.vectors = vectors
        self.windows = 0

    def embed(self, texts):
        out = []
        for text in texts:
            parts = text.split(" ")
            self.windows += len(parts) > 1
            v = np.sum([self.vectors[p] for p in parts], axis=0)
            out.append(v / np.linalg.norm(v))
        return np.array(out, dtype=np.float32)


def test_refinement_with_summed_windows_changes_nothing():
    """Real window vectors enter the DP on the same scale as the summed estimates
    they replace: when the two are equal, so are the beads."""
    rng = np.random.default_rng(9)
    base = _unit(rng, 40, 16)
    noisy = base[[*range(10), *range(11, 40)]] + 0.4 * _unit(rng, 39, 16)
    noisy = np.concatenate([noisy[:20], (base[10:11] + base[20:21]) / 2, noisy[20:]])
    src = [f"s{k}" for k in range(40)]
    tgt = [f"t{k}" for k in range(40)]
    table = _SummingTable({**dict(zip(src, base)), **dict(zip(tgt, noisy))})
    info: dict = {}
    # without the counterpart pass, whose cheaper deletions leave no window near the best path here
    plain = align(src, tgt, embedder=table, counterpart_pass=False)
    refined = align(src, tgt, embedder=table, refine=True, counterpart_pass=False, info=info)
    assert info["windows_embedded"] > 0 and table.windows > 0
    assert [(b.src, b.tgt) for b in refined] == [(b.src, b.tgt) for b in plain]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(0, 400), min_size=1, max_size=30),
    st.lists(st.integers(0, 400), min_size=1, max_size=30),
    st.floats(0.25, 4.0),
)
def test_window_log_lengths_give_the_log_length_ratio(len_src, len_tgt, ratio):
    from diglot.align.search import window_log_lengths

    lx, ly = np.concatenate([[0.0], np.cumsum(len_src)]), np.concatenate([[0.0], np.cumsum(len_tgt)])
    gx, gy = window_log_lengths(lx, ratio, 4), window_log_lengths(ly, 1.0, 4)
    for i in range(len(len_src) + 1):
        for a in range(1, min(i, 4) + 1):
            for j in range(len(len_tgt) + 1):
                for b in range(1, min(j, 4) + 1):
                    want = np.log((ly[j] - ly[j - b] + 20.0) / (ratio * (lx[i] - lx[i - a]) + 20.0))
                    assert gy[j - b, b] - gx[i - a, a] == pytest.approx(want, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 300), st.integers(0, 2**32 - 1))
def test_coarse_rows_are_centred_and_unit_length(rows, dim, seed):
    from diglot.align.kernels import centre_and_scale

    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((rows, dim)).astype(np.float32)
    vecs[rng.random(rows) < 0.2] = 0.0
    mean = vecs.mean(axis=0)
    vecs[0] = mean  # a row equal to the mean is zero once centred, and must stay zero (not NaN)
    want = vecs.astype(np.float64) - mean
    norms = np.linalg.norm(want, axis=1, keepdims=True)
    want = np.divide(want, norms, out=np.zeros_like(want), where=norms > 0)
    centre_and_scale(0, rows, vecs, mean)
    np.testing.assert_allclose(vecs, want, atol=2e-6)
    assert not vecs[0].any()
