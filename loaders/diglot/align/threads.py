"""Work split over threads by rows, the same bits whatever the thread count.

The aligner's array passes (compiled kernels that release the GIL, numpy on
large chunks, which does too) each write only their own rows, so running
row ranges side by side changes nothing but the time.  Plain threads, not
numba's parallel layer: its default scheduler aborts the process when two
Python threads enter it, and users call align() from thread pools.
NUMBA_NUM_THREADS (default: the machine's cores) caps the thread count.
While align() runs, BLAS keeps to one thread (`serial_blas`): these threads
split its large products instead.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numba
import numpy as np
from threadpoolctl import ThreadpoolController

# Band cells' worth of work each thread must get: on less, starting threads
# costs more than it saves (the coarse levels' small bands).
MIN_PARALLEL_WORK = 1 << 16


def in_threads(kernel, extent, *args, cost: float = 1.0) -> None:
    """Run kernel(start, stop, *args) over rows [0, n) in NUMBA_NUM_THREADS threads.

    `extent` is n, or an (n + 1,) array of cumulative work per row (row offsets
    of a band), by which the rows are split into equal shares.  Each kernel
    writes only its own rows.  `cost`: the work of one unit, in band cells; each
    thread gets at least MIN_PARALLEL_WORK cells' worth.
    """
    if isinstance(extent, np.ndarray):
        n, work = len(extent) - 1, extent
    else:
        n, work = int(extent), None
    total = int(work[-1]) if work is not None else n
    threads = min(numba.config.NUMBA_NUM_THREADS, max(1, int(total * cost) // MIN_PARALLEL_WORK))
    if threads <= 1 or n < 2 or getattr(_in_pool, "inside", False):  # a share splits no further
        kernel(0, n, *args)
        return
    if work is None:
        cuts = np.linspace(0, n, threads + 1).astype(np.int64)
    else:
        cuts = np.searchsorted(work, np.linspace(0, total, threads + 1), side="left").clip(0, n)
        cuts[0], cuts[-1] = 0, n
    shares = [(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]
    # the calling thread takes the first share itself instead of waiting idle
    others = [_workers(len(shares) - 1).submit(kernel, a, b, *args) for a, b in shares[1:]]
    try:
        kernel(*shares[0], *args)
    finally:  # every share is done, or has failed, before the caller moves on
        for done in others:
            done.exception()
    for done in others:
        done.result()


_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()
_in_pool = threading.local()


def _workers(count: int) -> ThreadPoolExecutor:
    """The process's aligner threads, at least `count` of them: started once, not per
    call, since starting a thread on a busy machine can cost more than a small band's
    work.  Shared by align() calls in several threads; a share runs to its end
    without waiting for another, so they cannot block each other."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < count:
            old = _pool
            _pool, _pool_size = ThreadPoolExecutor(count, "diglot-align", _mark_pool_thread), count
            if old is not None:
                old.shutdown(wait=False)
        return _pool


def _mark_pool_thread() -> None:
    _in_pool.inside = True


def _forget_pool() -> None:  # a forked child has the pool's objects but none of its threads
    global _pool, _pool_size
    _pool, _pool_size = None, 0


os.register_at_fork(after_in_child=_forget_pool)


_serial_lock = threading.Lock()
_serial_holders = 0
_serial_limiter = None


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


@contextmanager
def serial_blas() -> Iterator[None]:
    """BLAS on one thread while the block runs; in_threads splits the large products instead.

    OpenBLAS's threads spin while they wait for their next call.  Next to another
    busy process, or to in_threads' own workers, each small product then waits for
    a spinning thread to yield its core: two align() processes side by side took
    a third longer with BLAS on every core.  The limit is per process, so while
    align() runs in several threads it holds until the last one leaves.
    """
    global _serial_holders, _serial_limiter
    with _serial_lock:
        if _serial_holders == 0:
            _serial_limiter = _blas().limit(limits=1, user_api="blas")
        _serial_holders += 1
    try:
        yield
    finally:
        with _serial_lock:
            _serial_holders -= 1
            if _serial_holders == 0:
                _serial_limiter.restore_original_limits()
                _serial_limiter = None
