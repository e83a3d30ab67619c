"""align() splits its array passes over threads; the thread count changes nothing but the time."""

from __future__ import annotations

import threading
import time

import numba
import numpy as np
import pytest

from diglot.align import align, threads

from test_align_partial import corpus


def test_in_threads_covers_every_row_once_in_shares_of_equal_work(monkeypatch):
    monkeypatch.setattr(numba.config, "NUMBA_NUM_THREADS", 3)
    work = np.concatenate([[0], np.cumsum(np.r_[np.full(90, 1), np.full(10, 9)])])  # the last 10 rows hold half
    seen, shares = np.zeros(100, np.int64), []

    def kernel(start, stop):
        seen[start:stop] += 1
        shares.append(int(work[stop] - work[start]))

    threads.in_threads(kernel, work, cost=1e6)
    assert (seen == 1).all() and len(shares) == 3
    assert max(shares) - min(shares) <= 2 * 9  # a cut falls within a row of 9


def test_small_work_stays_in_the_calling_thread(monkeypatch):
    monkeypatch.setattr(numba.config, "NUMBA_NUM_THREADS", 4)
    calls = []
    threads.in_threads(lambda a, b: calls.append((a, b, threading.current_thread())), 1000, cost=2.0)
    assert calls == [(0, 1000, threading.main_thread())]


@pytest.mark.parametrize("count", [2, 3])
def test_align_gives_the_same_beads_on_any_number_of_threads(monkeypatch, count):
    emb = corpus(400, 30, 30, seed=21)
    src = [f"p{k}/s" for k in range(400)] + [f"xs{k}" for k in range(30)]
    tgt = [f"p{k}/t" for k in range(400)] + [f"xt{k}" for k in range(30)]
    monkeypatch.setattr(threads, "MIN_PARALLEL_WORK", 64)
    monkeypatch.setattr(numba.config, "NUMBA_NUM_THREADS", 1)
    one = align(src, tgt, embedder=emb, max_size=4)
    monkeypatch.setattr(numba.config, "NUMBA_NUM_THREADS", count)
    many = align(src, tgt, embedder=emb, max_size=4)
    assert [(b.src, b.tgt, b.score, b.monotonic, b.confidence) for b in one] == [
        (b.src, b.tgt, b.score, b.monotonic, b.confidence) for b in many
    ]


@pytest.mark.parametrize("count", [2, 3])
def test_the_neighbourhood_is_the_same_on_any_number_of_threads(monkeypatch, count):
    from diglot.align.neighbours import BLOCK, neighbourhood

    rng = np.random.default_rng(4)
    x = rng.standard_normal((9 * BLOCK + 5, 16)).astype(np.float32)
    y = rng.standard_normal((7 * BLOCK + 3, 16)).astype(np.float32)
    monkeypatch.setattr(threads, "MIN_PARALLEL_WORK", 64)
    monkeypatch.setattr(numba.config, "NUMBA_NUM_THREADS", 1)
    one = neighbourhood(x, y, 1, band=40)
    monkeypatch.setattr(numba.config, "NUMBA_NUM_THREADS", count)
    many = neighbourhood(x, y, 1, band=40)
    assert np.array_equal(one[0], many[0]) and np.array_equal(one[1], many[1])


def test_blas_runs_on_one_thread_inside_align_and_gets_its_threads_back(monkeypatch):
    from threadpoolctl import threadpool_info, threadpool_limits

    import diglot.align as align_module

    def blas_threads():
        return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}

    seen = {}

    class Watching:
        def embed(self, texts):
            seen["embedding"] = blas_threads()
            return np.eye(len(texts), 8, dtype=np.float32)

    def watched(x, y, k):
        seen["aligning"] = blas_threads()
        return neighbourhood(x, y, k)

    neighbourhood = align_module.neighbourhood
    monkeypatch.setattr(align_module, "neighbourhood", watched)
    with threadpool_limits(limits=2, user_api="blas"):
        align(["a", "b"], ["c", "d"], embedder=Watching())
        assert seen == {"embedding": {2}, "aligning": {1}}
        assert blas_threads() == {2}
        with threads.serial_blas():  # another caller holds the limit: align() leaves it held
            align(["a", "b"], ["c", "d"], embedder=Watching())
            assert blas_threads() == {1}
        assert blas_threads() == {2}


def test_shares_run_on_threads_started_once_and_nest_without_waiting_for_each_other(monkeypatch):
    monkeypatch.setattr(numba.config, "NUMBA_NUM_THREADS", 3)
    monkeypatch.setattr(threads, "MIN_PARALLEL_WORK", 1)
    names, seen = set(), np.zeros((4, 90), np.int64)

    def inner(start, stop, row):
        seen[row, start:stop] += 1

    def outer(start, stop, row):  # a share that splits work again runs it in its own thread
        names.add(threading.current_thread().name)
        threads.in_threads(inner, 90, row)

    callers = [threading.Thread(target=threads.in_threads, args=(outer, 3, row)) for row in range(4)]
    for caller in callers:  # align() called from several threads at once shares the pool
        caller.start()
    for caller in callers:
        caller.join(timeout=30)
    assert not any(caller.is_alive() for caller in callers)
    assert (seen == 3).all()  # every outer share covered every row once
    assert any(name.startswith("diglot-align") for name in names)
    live = lambda: {t for t in threading.enumerate() if t.name.startswith("diglot-align")}  # noqa: E731
    before = live()
    threads.in_threads(outer, 3, 0)
    assert live() == before  # no thread started for it


def test_a_failing_share_fails_the_call_after_every_share_ends(monkeypatch):
    monkeypatch.setattr(numba.config, "NUMBA_NUM_THREADS", 2)
    monkeypatch.setattr(threads, "MIN_PARALLEL_WORK", 1)
    ended = []

    def kernel(start, stop):
        if start > 0:
            raise ValueError("bad rows")
        time.sleep(0.05)
        ended.append(start)

    with pytest.raises(ValueError, match="bad rows"):
        threads.in_threads(kernel, 10)
    assert ended == [0]
