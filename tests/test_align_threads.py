"""align() splits its array passes over threads; the thread count changes nothing but the time."""

from __future__ import annotations

import threading

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
