"""One scaling measurement, meant to run in a fresh process per (aligner, N).

    python -m benchmarks.measure --aligner align|kernel|vecalign --n 10000 [--repeat 3] [--profile out.txt]

Prints one JSON object on stdout.  The aligners:

* align: diglot's public ``diglot.align.align`` on stand-in texts
  (``synthetic.texts``: the planted lengths, no lexical anchors) with an
  embedder that reads the precomputed vectors from a file
  (``peers.StoredVectors``), so everything align() does is timed: the vector
  look-up (``embed_s``), lengths and lexical masks, the normalisation, the DP,
  pruning, moved sentences and bead scores;
* kernel: its DP kernel alone, ``diglot.align.align_vectors``, on the vectors;
* vecalign: Vecalign's DP (sentalign) including its window preparation.

What it measures:

* time: wall clock (time.perf_counter) of the aligner call alone (converting
  its output to index tuples is done after the clock stops), after a warm-up
  call on a small input in the same process (so numba JIT compilation is
  excluded); best of --repeat runs (all runs are reported too).
* memory: peak resident set size (VmHWM from /proc/self/status) of this
  process during the first timed run.  The high-water mark is reset (write "5"
  to /proc/self/clear_refs) just before the call, so the figure is the
  whole process at its peak during alignment: Python, numpy, numba, the inputs
  (vectors for kernel and vecalign; texts and the look-up table for align,
  whose vectors are read from the file during the call) and everything the
  aligner allocates; the RSS just before the call is reported as baseline_mb.
  Where clear_refs cannot be written it falls back to
  getrusage(RUSAGE_SELF).ru_maxrss (peak since process start) and says so in
  "memory_method".
* accuracy: strict F1 against the planted alignment, and whether every
  sentence is in exactly one bead.

Thread counts are whatever the environment says; the report driver leaves
them at the machine's default (every core, for every aligner).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import sys
import tempfile
import time

import numpy as np

from benchmarks import peers
from benchmarks.synthetic import Planted, make_planted, texts

SEED = 20261123  # one seed for every size: the planted data of size N is fixed forever
DIM = 384


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def prepare(aligner: str, data: Planted, workdir: str):
    """A no-argument call running `aligner` on `data`, and the embedder (align only).

    For align the planted vectors go to a file and leave memory: the embedder reads them.
    """
    if aligner == "kernel":
        return (lambda: peers.diglot_raw(data.src, data.tgt)), None
    if aligner == "vecalign":
        return (lambda: peers.vecalign_raw(data.src, data.tgt)), None
    if aligner == "align":
        src, tgt = texts(data)
        emb = peers.StoredVectors(src + tgt, np.concatenate([data.src, data.tgt]), os.path.join(workdir, f"{data.seed}-{data.n_src}.f32"))
        return (lambda: peers.diglot_align(src, tgt, emb)), emb
    raise SystemExit(f"unknown aligner {aligner!r}")


def measure(aligner: str, n: int, repeat: int = 1, profile: str | None = None, seed: int = SEED) -> dict:
    with tempfile.TemporaryDirectory(prefix="diglot-measure-") as workdir:
        return _measure(aligner, n, repeat, profile, seed, workdir)


def _measure(aligner: str, n: int, repeat: int, profile: str | None, seed: int, workdir: str) -> dict:
    t0 = time.perf_counter()
    data = make_planted(n, d=DIM, seed=seed)
    n_src, n_tgt, gold = data.n_src, data.n_tgt, data.gold
    fn, emb = prepare(aligner, data, workdir)
    if emb is not None:
        del data  # align() reads the vectors through the embedder only
    gen_s = time.perf_counter() - t0

    warm_fn, _ = prepare(aligner, make_planted(2_000, d=DIM, seed=seed + 1), workdir)  # takes the coarse-to-fine path
    t0 = time.perf_counter()
    warm_fn()
    warmup_s = time.perf_counter() - t0
    del warm_fn

    times = []
    beads = None
    embed_s = None
    reset = _reset_peak()
    baseline_kb = _status_kb("VmRSS")
    for i in range(repeat):
        if emb is not None:
            emb.seconds = 0.0
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        if i == 0:
            peak_kb = _status_kb("VmHWM") if reset else None
            beads = out
            embed_s = emb.seconds if emb is not None else None
        del out

    if peak_kb is None:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        method = "getrusage ru_maxrss (peak since process start)"
    else:
        method = "VmHWM after clear_refs reset (process peak RSS during the call)"

    prof_text = None
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        fn()
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("tottime")
        stats.print_stats(20)
        prof_text = buf.getvalue()
        with open(profile, "w") as fh:
            fh.write(prof_text)

    beads = peers.to_pairs(beads)  # outside the clock
    f1 = peers.strict_f1(gold, beads)
    return {
        "aligner": aligner,
        "n": n,
        "n_src": n_src,
        "n_tgt": n_tgt,
        "d": DIM,
        "seed": seed,
        "seconds": min(times),
        "all_seconds": times,
        "embed_s": embed_s,
        "peak_mb": peak_kb / 1024.0 if peak_kb is not None else None,
        "baseline_mb": baseline_kb / 1024.0 if baseline_kb is not None else None,
        "memory_method": method,
        "f1": f1["f1"],
        "precision": f1["precision"],
        "recall": f1["recall"],
        "coverage_ok": peers.coverage_ok(beads, n_src, n_tgt),
        "beads": len(beads),
        "gold_beads": len(gold),
        "generate_s": gen_s,
        "warmup_s": warmup_s,
        "threads": {k: os.environ.get(k) for k in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--aligner", required=True, choices=["align", "kernel", "vecalign"])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--profile", help="also run once under cProfile and write the top functions here")
    args = ap.parse_args(argv)
    res = measure(args.aligner, args.n, args.repeat, args.profile, args.seed)
    json.dump(res, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
